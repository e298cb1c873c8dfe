"""The Discord bot: a Bot subclass, one cog of hybrid commands, and the views under replies.

Replies come from `bot.chat.replies` (plain data); this module only turns them into embeds and
buttons and keeps to Discord's rules: no pings ever, every interaction answered in time, long
text cut to fit, buttons only for the person who asked.
"""
from __future__ import annotations

import asyncio
import functools
import io
import itertools
import logging
import time
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Awaitable, Callable, Literal, Optional

import aiohttp
import discord
from discord import app_commands
from discord.ext import commands

from bot.chat import format as fmt
from bot.chat.cards import Conversation, Reply, chapter_asked, chapter_range, progress_set, progress_shown
from bot.chat.replies import Replies
from bot.chat.discord_games import DailyCog, GameCog
from bot.chat.discord_library import LibraryCog, Story, complete_story
from bot.chat.discord_settings import SettingsCog
from bot.chat.operations import Metrics
from bot.chat import workers
from bot.chat.stories import StoryLibrary
from bot.chat.store import Store, StoreUnavailable
from bot.config import Settings
from bot.core import library
from bot.errors import StoryError

log = logging.getLogger(__name__)

COLOUR = discord.Colour(0x8E6CBF)
DEFER_AFTER = 1.0  # seconds a slash command's reply or a button's may take before it is deferred
QUICK = {"help", "story"}  # replies made on the event loop: they never queue behind searches
REPLACED_FOR = 10.0  # seconds a card's buttons still answer after a press replaced the card
LIGHT = {"quote", "character", "characters"}  # lookups with a pool of their own: never behind an ask
NO_PINGS = discord.AllowedMentions.none()


def to_embed(reply: Reply) -> discord.Embed:
    """A Reply as an embed within every one of Discord's limits."""
    embed = discord.Embed(
        title=fmt.cut(reply.title, fmt.EMBED_TITLE_MAX) or None,
        description=fmt.cut(reply.body, fmt.EMBED_DESCRIPTION_MAX) or None,
        colour=discord.Colour.red() if reply.error else COLOUR,
    )
    total = len(embed.title or "") + len(embed.description or "")
    for name, value in reply.fields[: fmt.EMBED_FIELDS_MAX]:
        name = fmt.cut(name, fmt.EMBED_FIELD_NAME_MAX) or "\u200b"
        value = fmt.cut(value, fmt.EMBED_FIELD_VALUE_MAX) or "\u200b"
        if total + len(name) + len(value) > fmt.EMBED_TOTAL_MAX - fmt.EMBED_FOOTER_MAX:
            break
        total += len(name) + len(value)
        embed.add_field(name=name, value=value, inline=False)
    if reply.footer:
        embed.set_footer(text=fmt.cut(reply.footer, min(fmt.EMBED_FOOTER_MAX, fmt.EMBED_TOTAL_MAX - total)))
    return embed


Refresh = Callable[[discord.Interaction], Awaitable[Replies]]


def choice(name: str) -> app_commands.Choice[str]:
    """An autocomplete choice within Discord's limits (name and value at most 100 characters)."""
    return app_commands.Choice(name=fmt.cut(name, 100), value=name[:100])


_CARDS = itertools.count()


class ReplyView(discord.ui.View):
    """The buttons under a reply. They work for the person who asked and stop after a timeout.

    ``refresh`` gives the presser's story at their horizon as it is at the press, so a reply
    made before a spoiler ceiling was set never leads past it."""

    def __init__(self, replies: Replies | None, reply: Reply, state: Conversation | None, owner: int, timeout: float,
                 refresh: Refresh | None = None):
        super().__init__(timeout=timeout)
        self.replies = replies
        self.state = state
        self.owner = owner
        self.refresh = refresh
        self.message: discord.Message | discord.InteractionMessage | None = None
        self.replaced = False
        # Each card's buttons have ids of their own, so the card a press replaces can stay live
        # until the new one is up (a quick second press is answered too) and then go without
        # taking the new card's buttons with it.
        card = next(_CARDS)
        for i, b in enumerate(reply.buttons[:25]):
            button = discord.ui.Button(label=fmt.cut(b.label, 80), disabled=b.disabled,
                                       style=discord.ButtonStyle.secondary, custom_id=f"sk:{card}:{i}:{b.action}"[:100])
            button.callback = self._make_callback(b.action)
            self.add_item(button)

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        if interaction.user.id != self.owner:
            await interaction.response.send_message(
                "These buttons belong to whoever asked. Try `/ask` yourself!", ephemeral=True)
            return False
        return True

    async def on_error(self, interaction: discord.Interaction, error: Exception, item: discord.ui.Item) -> None:
        """A press that broke gets one private line (and the log the error), never Discord's
        "This interaction failed"."""
        if isinstance(error, StoreUnavailable):
            log.warning("button %s: %s", item, error)
            text = "I can't reach my settings database just now; please try again in a moment."
        else:
            log.error("a button press failed", exc_info=error)
            text = "Something went wrong on my side; it has been logged. Please try again."
        await self._tell(interaction, text)

    @staticmethod
    async def _tell(interaction: discord.Interaction, text: str) -> None:
        embed = to_embed(Reply(body=text, private=True, error=True))
        try:
            if interaction.response.is_done():
                await interaction.followup.send(embed=embed, ephemeral=True)
            else:
                await interaction.response.send_message(embed=embed, ephemeral=True)
        except discord.HTTPException:
            log.warning("could not answer %s's press", interaction.user)

    def _make_callback(self, action: str):
        async def callback(interaction: discord.Interaction) -> None:
            try:
                replies = await self.refresh(interaction) if self.refresh is not None else self.replies
            except StoryError:  # removed since the card was made
                await self._tell(interaction, "That story is no longer in the library. Try `/story list`, then ask again.")
                return
            run = functools.partial(replies.press, self.state or Conversation("answer"), action)
            pool = getattr(interaction.client, "lookups", None)  # a card moved or a new quote: light work
            work = asyncio.get_running_loop().run_in_executor(pool, run)
            done, _ = await asyncio.wait({work}, timeout=DEFER_AFTER)
            if not done:
                await interaction.response.defer()  # acknowledged in time; the card is edited when ready
            reply, state = await work
            deferred = interaction.response.is_done()
            if reply.private and reply.error:
                if deferred:
                    await interaction.followup.send(embed=to_embed(reply), ephemeral=True)
                else:
                    await interaction.response.send_message(embed=to_embed(reply), ephemeral=True)
                return
            view = (ReplyView(replies, reply, state, self.owner, self.timeout or 300, self.refresh)
                    if reply.buttons else None)
            if view is not None and interaction.message is not None:
                # discord.py listens to a new card's buttons only once Discord has answered the
                # edit; a press on them in between found nothing and went unanswered (2 to 7 of
                # about 100 presses in scripts/load_shards.py). Listen before it goes out.
                interaction.client._connection.store_view(view, interaction.message.id)
            if deferred:
                await interaction.edit_original_response(embed=to_embed(reply), view=view)
            else:
                await interaction.response.edit_message(embed=to_embed(reply), view=view)
            if view is not None:
                view.message = interaction.message
            self.replaced = True  # a press on it still on its way (the new card not yet seen) is answered
            asyncio.get_running_loop().call_later(REPLACED_FOR, self.stop)
        return callback

    async def on_timeout(self) -> None:
        if self.replaced:
            return  # the message shows a newer card's buttons
        for item in self.children:
            if isinstance(item, discord.ui.Button):
                item.disabled = True
        if self.message is not None:
            try:
                await self.message.edit(view=self)
            except (discord.HTTPException, aiohttp.ClientError, RuntimeError):
                pass  # deleted, the token expired, or the bot is closing: nothing left to tidy


def _cooldown(ctx: commands.Context) -> commands.Cooldown | None:
    """The server's own cooldown if it set one, else the config's."""
    s = ctx.bot.settings.discord
    own = ctx.bot.server_settings.get(ctx.guild.id, {}) if ctx.guild else {}
    if "cooldown" in own:
        rate, per = own["cooldown"].split("/")
        return commands.Cooldown(int(rate), float(per))
    return commands.Cooldown(s.cooldown_rate, s.cooldown_seconds)


class NotHere(commands.CheckFailure):
    """The server has chosen other channels for the bot."""


class StoryCog(commands.Cog, name="Story"):
    """Ask about the story, get quotes, find scenes, meet the characters."""

    def __init__(self, bot: StoryBot):
        self.bot = bot
        # discord.py keeps a cooldown's buckets on the decorated function, so every bot in one
        # process would share them; give this bot's commands their own.
        for command in self.get_commands():
            for sub in [command, *getattr(command, "commands", [])]:
                if sub._buckets.valid:
                    sub._buckets = commands.DynamicCooldownMapping(_cooldown, commands.BucketType.user)

    async def bot_check_once(self, ctx: commands.Context) -> bool:
        """Only the channels a server chose (all, if it chose none); the settings commands
        always work, so a server can never lock itself out."""
        if ctx.guild is None:
            return True
        own = await self.bot.load_server(ctx.guild.id)
        channels = [c for c in own.get("channels", "").split(",") if c]
        if not channels or str(ctx.channel.id) in channels:
            return True
        if ctx.command is not None and ctx.command.qualified_name.startswith("settings"):
            return True
        raise NotHere()

    # -- where a reader is ------------------------------------------------------------------

    embed = staticmethod(to_embed)

    async def story_name(self, ctx: commands.Context | discord.Interaction, story: str | None) -> str:
        """The library key of the story asked about: ``story`` (a key), else the server's own
        choice (kept by the name its readers see), else the library's default."""
        if story:
            return story
        guild = ctx.guild
        if guild is not None:
            chosen = self.bot.library.key(guild.id, (await self.bot.load_server(guild.id)).get("story"))
            if chosen is not None:
                return chosen
        return self.bot.library.default()

    async def typed_story(self, interaction: discord.Interaction) -> str:
        """The story an interaction being typed names (its ``story`` option), or the server's."""
        typed = getattr(interaction.namespace, "story", None)
        guild = interaction.guild.id if interaction.guild is not None else None
        return await self.story_name(interaction, self.bot.library.key(guild, typed) if isinstance(typed, str) else None)

    async def horizon(self, ctx: commands.Context | discord.Interaction, story: str) -> int | None:
        """The reader's horizon; a server keeps progress and limits by the story's shown name."""
        if ctx.guild is None or ctx.channel is None:
            return None
        user = ctx.author if isinstance(ctx, commands.Context) else ctx.user
        return await asyncio.to_thread(self.bot.store.horizon, ctx.guild.id, ctx.channel.id, user.id,
                                       library.shown(story))

    async def replies_for(self, ctx: commands.Context | discord.Interaction, story: str | None) -> Replies:
        """The story this reader is asking about, seen through their spoiler horizon."""
        name = await self.story_name(ctx, story)
        horizon = await self.horizon(ctx, name)
        if not self.bot.library.ready(name):
            if isinstance(ctx, commands.Context) and ctx.interaction:
                await ctx.defer()  # indexing a story the first time can take a few seconds
            await self.bot.indexing(name)
        return self.bot.library.get(name, horizon)  # a view over the built index: milliseconds

    async def send(self, ctx: commands.Context, replies: Replies, reply: Reply, state: Conversation | None,
                   story: str | None = None) -> None:
        view = None
        if reply.buttons:
            async def refresh(interaction: discord.Interaction) -> Replies:
                return await self.replies_for(interaction, story or replies.ix.name)

            view = ReplyView(replies, reply, state, ctx.author.id, self.bot.settings.discord.view_timeout, refresh)
        ephemeral = reply.private and ctx.interaction is not None
        embed = to_embed(reply)
        kwargs: dict[str, Any] = {"embed": embed, "ephemeral": ephemeral, "allowed_mentions": NO_PINGS}
        if reply.image is not None:
            name, png = reply.image
            kwargs["file"] = discord.File(io.BytesIO(png), filename=name)
            embed.set_image(url=f"attachment://{name}")
        if view is not None:
            kwargs["view"] = view
        message = await ctx.send(**kwargs)
        if view is not None:
            view.message = message

    async def run(self, ctx: commands.Context, story: str | None, method: str, *args: Any) -> None:
        replies = await self.replies_for(ctx, story)
        if method in QUICK:
            await self.send(ctx, replies, *getattr(replies, method)(*args), story)
            return
        queued = self.bot.searches_running > 0 and method not in LIGHT
        work = asyncio.ensure_future(self.bot.searching(replies, method, *args, light=method in LIGHT))
        if ctx.interaction is not None and not ctx.interaction.response.is_done():
            # Discord waits 3 s for a first response: a reply not ready within a second is
            # deferred, and one that waits behind other questions at once.
            done, _ = await asyncio.wait({work}, timeout=0 if queued else DEFER_AFTER)
            if not done:
                await ctx.defer()
        reply, state = await work
        await self.send(ctx, replies, reply, state, story)

    # -- commands -----------------------------------------------------------------------------

    @commands.hybrid_command(name="ask")
    @app_commands.describe(question="Your question about the story, in your own words",
                           story="Which story (default: this server's)")
    @commands.dynamic_cooldown(_cooldown, commands.BucketType.user)
    async def ask(self, ctx: commands.Context, *, question: str, story: Story = None) -> None:
        """Ask a question; I answer with the lines of the story that show it."""
        await self.run(ctx, story, "ask", question)

    @commands.hybrid_command(name="quote")
    @app_commands.describe(character="Whose line (any of their names)", about="What the line should be about",
                           story="Which story (default: this server's)")
    @commands.dynamic_cooldown(_cooldown, commands.BucketType.user)
    async def quote(self, ctx: commands.Context, character: str | None = None, *, about: str | None = None,
                    story: Story = None) -> None:
        """A random memorable quote, optionally by a character or about a topic."""
        await self.run(ctx, story, "quote", character, about)

    @commands.hybrid_command(name="scene")
    @app_commands.describe(keywords="Words you remember the scene by: a place, people, what happens",
                           story="Which story (default: this server's)")
    @commands.dynamic_cooldown(_cooldown, commands.BucketType.user)
    async def scene(self, ctx: commands.Context, *, keywords: str, story: Story = None) -> None:
        """Find a scene by keywords."""
        await self.run(ctx, story, "scene", keywords)

    @commands.hybrid_command(name="character")
    @app_commands.describe(name="The character's name (any of their names)", story="Which story (default: this server's)")
    @commands.dynamic_cooldown(_cooldown, commands.BucketType.user)
    async def character(self, ctx: commands.Context, *, name: str, story: Story = None) -> None:
        """Who a character is in this story."""
        await self.run(ctx, story, "character", name)

    @commands.hybrid_command(name="characters")
    @app_commands.describe(story="Which story (default: this server's)")
    async def characters(self, ctx: commands.Context, story: Story = None) -> None:
        """Everyone in the story."""
        await self.run(ctx, story, "characters")

    @commands.hybrid_command(name="summary")
    @app_commands.describe(what="A scene, a chapter, or the whole story",
                           which="The scene's keywords, or the chapter's number or title",
                           story="Which story (default: this server's)")
    @commands.dynamic_cooldown(_cooldown, commands.BucketType.user)
    async def summary(self, ctx: commands.Context, what: Optional[Literal["scene", "chapter", "story"]] = None, *,
                      which: str = "", story: Story = None) -> None:
        """What happens, in the story's own words."""
        await self.run(ctx, story, "summary", what or "", which)

    @commands.hybrid_command(name="timeline")
    @app_commands.describe(characters="Names separated by commas (default: the main characters)",
                           story="Which story (default: this server's)")
    @commands.dynamic_cooldown(_cooldown, commands.BucketType.user)
    async def timeline(self, ctx: commands.Context, *, characters: str = "", story: Story = None) -> None:
        """A picture of where characters appear across the story."""
        await self.run(ctx, story, "timeline", characters)

    @commands.hybrid_command(name="relations")
    @app_commands.describe(story="Which story (default: this server's)")
    @commands.dynamic_cooldown(_cooldown, commands.BucketType.user)
    async def relations(self, ctx: commands.Context, story: Story = None) -> None:
        """A picture of who talks to whom."""
        await self.run(ctx, story, "relations")

    @commands.hybrid_command(name="progress")
    @app_commands.describe(chapter="The last chapter you have read: a number, “book 6 chapter 13”, or its title "
                                   "(0 to see everything)",
                           story="Which story (default: this server's)")
    @commands.guild_only()
    async def progress(self, ctx: commands.Context, *, chapter: str | None = None, story: Story = None) -> None:
        """Tell me how far you have read, and I will never show you anything past it."""
        key = await self.story_name(ctx, story)
        whole = await self.bot.indexing(key)
        name = library.shown(key)  # progress is kept by the name the server's readers see
        total = len(whole.ix.chapters)
        if chapter is None or not chapter.strip():
            current = await asyncio.to_thread(self.bot.store.progress, ctx.guild.id, ctx.author.id, name)
            await self.send(ctx, None, progress_shown(name, current, total), None)
            return
        number = chapter_asked(whole.ix, chapter)
        if number is None:
            await self.send(ctx, None, Reply(body=f"I can't find the chapter “{fmt.escape(chapter[:80])}” in `{name}`; "
                                                  f"give a number (1 to {total}), “book 6 chapter 13”, or its title.",
                                             private=True, error=True), None)
            return
        title = whole.ix.chapters[number - 1].title if 0 < number <= total else ""
        reply = progress_set(name, number, total)
        if not reply.error:
            value = number if number > 0 else None  # having read it all still beats a server default
            await asyncio.to_thread(self.bot.store.set_progress, ctx.guild.id, ctx.author.id, name, value)
            reply = progress_set(name, number, total, await self.horizon(ctx, key), title)
        await self.send(ctx, None, reply, None)

    @commands.hybrid_command(name="ceiling")
    @app_commands.describe(chapter="The last chapter anyone here may see (0 removes the limit)",
                           scope="server: everyone here; channel: this channel only; default: readers with no progress",
                           story="Which story (default: this server's)")
    @commands.guild_only()
    async def ceiling(self, ctx: commands.Context, chapter: int,
                      scope: Literal["server", "channel", "default"] = "server", story: Story = None) -> None:
        """A spoiler limit for everyone in this server or channel (needs Manage Server / Manage Channels)."""
        perms = ctx.author.guild_permissions if scope != "channel" else ctx.channel.permissions_for(ctx.author)
        needed = "Manage Channels" if scope == "channel" else "Manage Server"
        if not (perms.manage_channels if scope == "channel" else perms.manage_guild):
            await self.send(ctx, None, Reply(body=f"Sorry, setting a {scope} limit needs the {needed} permission.",
                                             private=True, error=True), None)
            return
        key = await self.story_name(ctx, story)
        total = len((await self.bot.indexing(key)).ix.chapters)
        name = library.shown(key)
        if not 0 <= chapter <= total:
            await self.send(ctx, None, Reply(body=f"`{name}` has {chapter_range(total)}; 0 removes the limit.",
                                             private=True, error=True), None)
            return
        value = str(chapter) if 0 < chapter < total else None
        if scope == "channel":
            await asyncio.to_thread(self.bot.store.set_channel, ctx.channel.id, f"ceiling:{name}", value)
        else:
            setting = f"default_progress:{name}" if scope == "default" else f"ceiling:{name}"
            await self.bot.set_server(ctx.guild.id, setting, value)
        where = {"server": "everyone in this server", "channel": "this channel",
                 "default": "readers who haven't set their progress"}[scope]
        text = f"{where.capitalize()} will see `{name}` up to chapter {chapter}." if value else \
            f"No limit for {where} in `{name}` now."
        await self.send(ctx, None, Reply(body=text), None)

    @commands.hybrid_command(name="help")
    async def help(self, ctx: commands.Context) -> None:
        """What I can do, with examples."""
        prefix = "/" if ctx.interaction else (ctx.clean_prefix or "/")
        await self.run(ctx, None, "help", prefix)

    # -- autocomplete -------------------------------------------------------------------------

    async def _interaction_replies(self, interaction: discord.Interaction) -> Replies | None:
        """The reader's story at their horizon, if it is ready. Autocomplete must answer at once,
        so a story not indexed yet starts indexing and offers nothing yet (never choices from
        past the horizon)."""
        name = await self.typed_story(interaction)
        horizon = await self.horizon(interaction, name)
        if not self.bot.library.ready(name):
            task = self.bot.loop.create_task(self.bot.indexing(name))
            self.bot.background.add(task)  # asyncio keeps only a weak reference to a task
            task.add_done_callback(self.bot.background.discard)
            return None
        return self.bot.library.get(name, horizon)

    @quote.autocomplete("character")
    @character.autocomplete("name")
    async def _complete_character(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        replies = await self._interaction_replies(interaction)
        names = replies.complete_character(current[:100]) if replies else []
        return [choice(n) for n in names]

    @progress.autocomplete("chapter")
    async def _complete_chapter(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        """Chapters by how a reader names them; the value is the chapter's number."""
        name = await self.typed_story(interaction)
        if not self.bot.library.ready(name):
            return []
        from bot.core import chapters

        found = chapters.complete(self.bot.library.whole(name).ix.chapters, current[:100])
        return [app_commands.Choice(name=fmt.cut(f"{i}. {title}", 100), value=str(i)) for title, i in found]

    @summary.autocomplete("which")
    @scene.autocomplete("keywords")
    async def _complete_scene(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        replies = await self._interaction_replies(interaction)
        titles = replies.complete_scene(current[:100]) if replies else []
        return [choice(t) for t in titles]


for _command in (StoryCog.ask, StoryCog.quote, StoryCog.scene, StoryCog.character, StoryCog.characters,
                 StoryCog.summary, StoryCog.timeline, StoryCog.relations, StoryCog.progress, StoryCog.ceiling):
    _command.autocomplete("story")(complete_story)


class StoryBot(commands.Bot):
    """The bot. ``sync``: "global", a guild id, or None (sync only with `storykeeper sync`)."""

    def __init__(self, settings: Settings, *, story: str | None = None, sync: str | int | None = None,
                 library: StoryLibrary | None = None, store: Store | None = None, **options: Any):
        ds = settings.discord
        intents = discord.Intents.default()
        intents.message_content = ds.message_content
        super().__init__(command_prefix=StoryBot._prefix, intents=intents, help_command=None,
                         allowed_mentions=NO_PINGS, **options)
        self.settings = settings
        self.story_name = story
        self.sync_target = sync if sync is not None else ds.test_guild
        self.library = library or StoryLibrary(settings)
        # Each server's settings, read from the store once (off the loop) and kept current on
        # every change, so the prefix and cooldown lookups never wait on the database.
        self.server_settings: dict[int, dict[str, str]] = {}
        self.background: set[asyncio.Task] = set()
        # Slow work has pools of its own, so the quick paths (autocomplete, /help, settings,
        # button acknowledgements) never queue behind it: indexing a story (one build at a
        # time), and searching (answers, summaries, pictures).
        self.builds = ThreadPoolExecutor(max_workers=1, thread_name_prefix="storykeeper-index")
        self.searches = ThreadPoolExecutor(max_workers=2, thread_name_prefix="storykeeper-search")
        self.lookups = ThreadPoolExecutor(max_workers=1, thread_name_prefix="storykeeper-lookup")
        # Questions, scenes and summaries in processes of their own, started with the default
        # story open (setup_hook); threads are the fallback.
        self.searches_running = 0  # questions being answered or waiting for a search worker
        self.search_processes: ProcessPoolExecutor | None = (
            workers.pool(settings, settings.discord.search_processes) if settings.discord.search_processes else None)
        self._server_locks: defaultdict[int, asyncio.Lock] = defaultdict(asyncio.Lock)
        self._settings_read: dict[int, float] = {}  # when each server's settings were last read
        self.store = store  # type: ignore[assignment]
        self.story_name = story
        self.metrics = Metrics()

    async def on_command(self, ctx: commands.Context) -> None:
        ctx.started = self.metrics.started(ctx.command.qualified_name if ctx.command else "?")  # type: ignore[attr-defined]

    async def on_command_completion(self, ctx: commands.Context) -> None:
        if hasattr(ctx, "started"):
            self.metrics.finished(ctx.command.qualified_name if ctx.command else "?", ctx.started)

    async def setup_hook(self) -> None:
        if self.store is None:
            self.store = await asyncio.to_thread(Store, self.settings.store_at())
        # Load the default story before connecting (a long novel takes a moment), off the loop.
        if self.story_name:
            self.library.default = lambda: self.story_name  # type: ignore[method-assign]
        await self.indexing(self.library.default())
        if self.search_processes is not None:  # started now, with the story open, not at the first question
            try:
                await asyncio.get_running_loop().run_in_executor(self.search_processes, workers.warm,
                                                                  self.library.default())
            except BrokenProcessPool:
                log.warning("the search process did not start; searching in threads")
                self.search_processes = None
        reading = StoryCog(self)
        await self.add_cog(reading)
        await self.add_cog(LibraryCog(self, reading))
        await self.add_cog(SettingsCog(self, reading))
        await self.add_cog(GameCog(self, reading))
        await self.add_cog(DailyCog(self, reading))
        if self.sync_target == "global":
            await self.tree.sync()
        elif isinstance(self.sync_target, int):
            guild = discord.Object(id=self.sync_target)
            self.tree.copy_global_to(guild=guild)
            await self.tree.sync(guild=guild)
            log.info("slash commands synced to server %s", self.sync_target)

    async def _prefix(self, message: discord.Message) -> list[str]:
        prefixes = commands.when_mentioned(self, message)
        if self.settings.discord.message_content:
            own = (await self.load_server(message.guild.id)).get("prefix") if message.guild else None
            prefixes.append(own or self.settings.discord.prefix)
        return prefixes

    SETTINGS_FRESH = 30.0  # seconds a server's settings are kept before reading them again

    async def load_server(self, guild_id: int) -> dict[str, str]:
        """A server's settings, read from the store at most every SETTINGS_FRESH seconds (so
        another process's change, on a shared database, is seen within that)."""
        now = time.monotonic()
        if guild_id not in self.server_settings or now - self._settings_read.get(guild_id, now) > self.SETTINGS_FRESH:
            rows = await asyncio.to_thread(self.store.guild_all, guild_id)
            if guild_id in self.server_settings and not self._server_locks[guild_id].locked():
                self.server_settings[guild_id] = rows
            # Another caller may have loaded (and changed) them meanwhile: theirs stand.
            self.server_settings.setdefault(guild_id, rows)
            self._settings_read[guild_id] = now
        return self.server_settings[guild_id]

    async def indexing(self, story: str) -> Replies:
        """The whole story, indexed in the indexing pool the first time (callers wait for one build)."""
        if self.library.ready(story):
            return self.library.whole(story)
        return await asyncio.get_running_loop().run_in_executor(self.builds, self.library.whole, story)

    async def searching(self, replies: Replies, method: str, *args: Any, light: bool = False) -> Any:
        """``replies.method(*args)``: light work (a quote, a profile) in the lookup pool, where it
        never waits behind a queue of questions; the rest in the worker processes (see
        bot/chat/workers.py), else in the search threads."""
        loop = asyncio.get_running_loop()
        if not light:
            self.searches_running += 1
            try:
                return await self._search(loop, replies, method, *args)
            finally:
                self.searches_running -= 1
        return await loop.run_in_executor(self.lookups, functools.partial(getattr(replies, method), *args))

    async def _search(self, loop: asyncio.AbstractEventLoop, replies: Replies, method: str, *args: Any) -> Any:
        if self.search_processes is not None and replies.key is not None:
            try:
                return await loop.run_in_executor(self.search_processes, functools.partial(
                    workers.reply, replies.key, replies.chapters, method, *args))
            except BrokenProcessPool:
                log.warning("a search process died; searching in threads until it is started again")
                self.search_processes = workers.pool(self.settings, self.settings.discord.search_processes)
        return await loop.run_in_executor(self.searches, functools.partial(getattr(replies, method), *args))

    async def set_server(self, guild_id: int, key: str, value: str | None) -> None:
        await self.update_server(guild_id, key, lambda _old: value)

    async def update_server(self, guild_id: int, key: str, change: Callable[[str | None], str | None]) -> str | None:
        """Set a server's ``key`` to ``change(its current value)``. Changes to one server are
        made one at a time, so two at once (two channels' `/settings here`) both count."""
        async with self._server_locks[guild_id]:
            own = await self.load_server(guild_id)
            # The change is made on the stored value, in one transaction: another process's
            # change to the same server (on a shared database) is not lost either.
            value = await asyncio.to_thread(self.store.update_guild, guild_id, key, change)
            if value is None:
                own.pop(key, None)
            else:
                own[key] = value
            return value

    async def on_ready(self) -> None:
        log.info("logged in as %s; stories: %s; in %d servers", self.user, ", ".join(self.library.names()),
                 len(self.guilds))

    async def close(self) -> None:
        await super().close()
        for pool in (self.builds, self.searches, self.lookups, self.search_processes):
            if pool is None:
                continue
            pool.shutdown(wait=False, cancel_futures=True)
        if self.store is not None:
            self.store.close()

    async def on_command_error(self, ctx: commands.Context, error: commands.CommandError) -> None:
        while getattr(error, "original", None) is not None:  # hybrid and invoke errors wrap the cause
            error = error.original  # type: ignore[assignment]
        if isinstance(error, commands.CommandOnCooldown):
            text = f"You're going fast! Try again in {error.retry_after:.0f} s."
        elif isinstance(error, commands.MissingPermissions):
            text = "Sorry, that needs the " + " and ".join(p.replace("_", " ").replace("guild", "server").title()
                                                           for p in error.missing_permissions) + " permission."
        elif isinstance(error, NotHere):
            if ctx.interaction is None:
                return  # typed commands in other channels: stay quiet
            text = "I'm not answering in this channel; this server chose others."
        elif isinstance(error, commands.NoPrivateMessage):
            text = "That works in a server, not in direct messages."
        elif isinstance(error, commands.BadArgument) and str(error).startswith("No story called"):
            text = str(error)
        elif isinstance(error, (commands.MissingRequiredArgument, commands.BadArgument, commands.TooManyArguments)):
            text = f"That command needs something more. Try `{ctx.clean_prefix}help`."
        elif isinstance(error, commands.CommandNotFound):
            return  # someone else's command, or a typo: stay quiet
        elif isinstance(error, StoreUnavailable):
            log.warning("command %s: %s", ctx.command, error)
            text = "I can't reach my settings database just now; please try again in a moment."
        else:
            log.error("command %s failed", ctx.command, exc_info=error)
            if hasattr(ctx, "started"):
                self.metrics.finished(ctx.command.qualified_name if ctx.command else "?", ctx.started, failed=True)
            text = "Something went wrong on my side; it has been logged. Please try again."
        reply = Reply(body=text, private=True, error=True)
        try:
            await ctx.send(embed=to_embed(reply), ephemeral=ctx.interaction is not None, allowed_mentions=NO_PINGS)
        except discord.HTTPException:
            log.warning("could not tell %s about an error", ctx.author)


class ShardedStoryBot(StoryBot, commands.AutoShardedBot):
    """The bot with several gateway shards in one process (``shard_count``, ``shard_ids``: a
    deployment may split a bot's shards across processes). Everything per server works per shard."""
