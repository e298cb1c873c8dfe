"""The Discord bot: a Bot subclass, one cog of hybrid commands, and the views under replies.

Replies come from `bot.chat.replies` (plain data); this module only turns them into embeds and
buttons and keeps to Discord's rules: no pings ever, every interaction answered in time, long
text cut to fit, buttons only for the person who asked.
"""
from __future__ import annotations

import asyncio
import io
import logging
from typing import Any, Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.chat import format as fmt
from bot.chat.replies import Conversation, Replies, Reply
from bot.config import Settings
from bot.core import library

log = logging.getLogger(__name__)

COLOUR = discord.Colour(0x8E6CBF)
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


class ReplyView(discord.ui.View):
    """The buttons under a reply. They work for the person who asked and stop after a timeout."""

    def __init__(self, replies: Replies, reply: Reply, state: Conversation | None, owner: int, timeout: float):
        super().__init__(timeout=timeout)
        self.replies = replies
        self.state = state
        self.owner = owner
        self.message: discord.Message | discord.InteractionMessage | None = None
        for i, b in enumerate(reply.buttons[:25]):
            button = discord.ui.Button(label=fmt.cut(b.label, 80), disabled=b.disabled,
                                       style=discord.ButtonStyle.secondary, custom_id=f"sk:{i}:{b.action}"[:100])
            button.callback = self._make_callback(b.action)
            self.add_item(button)

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        if interaction.user.id != self.owner:
            await interaction.response.send_message(
                "These buttons belong to whoever asked. Try `/ask` yourself!", ephemeral=True)
            return False
        return True

    def _make_callback(self, action: str):
        async def callback(interaction: discord.Interaction) -> None:
            reply, state = await asyncio.to_thread(self.replies.press, self.state or Conversation("answer"), action)
            if reply.private and reply.error:
                await interaction.response.send_message(embed=to_embed(reply), ephemeral=True)
                return
            view = ReplyView(self.replies, reply, state, self.owner, self.timeout or 300) if reply.buttons else None
            self.stop()
            await interaction.response.edit_message(embed=to_embed(reply), view=view)
            if view is not None:
                view.message = interaction.message
        return callback

    async def on_timeout(self) -> None:
        for item in self.children:
            if isinstance(item, discord.ui.Button):
                item.disabled = True
        if self.message is not None:
            try:
                await self.message.edit(view=self)
            except discord.HTTPException:
                pass  # deleted, or the interaction token expired: nothing left to tidy


def _cooldown(ctx: commands.Context) -> commands.Cooldown | None:
    s = ctx.bot.settings.discord
    return commands.Cooldown(s.cooldown_rate, s.cooldown_seconds)


class StoryCog(commands.Cog, name="Story"):
    """Ask about the story, get quotes, find scenes, meet the characters."""

    def __init__(self, bot: StoryBot):
        self.bot = bot
        # discord.py keeps a cooldown's buckets on the decorated function, so every bot in one
        # process would share them; give this bot's commands their own.
        for command in self.get_commands():
            if command._buckets.valid:
                command._buckets = commands.DynamicCooldownMapping(_cooldown, commands.BucketType.user)

    @property
    def replies(self) -> Replies:
        return self.bot.replies

    async def send(self, ctx: commands.Context, reply: Reply, state: Conversation | None) -> None:
        view = None
        if reply.buttons:
            view = ReplyView(self.replies, reply, state, ctx.author.id, self.bot.settings.discord.view_timeout)
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

    @commands.hybrid_command(name="ask")
    @app_commands.describe(question="Your question about the story, in your own words")
    @commands.dynamic_cooldown(_cooldown, commands.BucketType.user)
    async def ask(self, ctx: commands.Context, *, question: str) -> None:
        """Ask a question; I answer with the lines of the story that show it."""
        await self.send(ctx, *await asyncio.to_thread(self.replies.ask, question))

    @commands.hybrid_command(name="quote")
    @app_commands.describe(character="Whose line (any of their names)", about="What the line should be about")
    @commands.dynamic_cooldown(_cooldown, commands.BucketType.user)
    async def quote(self, ctx: commands.Context, character: str | None = None, *, about: str | None = None) -> None:
        """A random memorable quote, optionally by a character or about a topic."""
        await self.send(ctx, *await asyncio.to_thread(self.replies.quote, character, about))

    @commands.hybrid_command(name="scene")
    @app_commands.describe(keywords="Words you remember the scene by: a place, people, what happens")
    @commands.dynamic_cooldown(_cooldown, commands.BucketType.user)
    async def scene(self, ctx: commands.Context, *, keywords: str) -> None:
        """Find a scene by keywords."""
        await self.send(ctx, *await asyncio.to_thread(self.replies.scene, keywords))

    @commands.hybrid_command(name="character")
    @app_commands.describe(name="The character's name (any of their names)")
    @commands.dynamic_cooldown(_cooldown, commands.BucketType.user)
    async def character(self, ctx: commands.Context, *, name: str) -> None:
        """Who a character is in this story."""
        await self.send(ctx, *await asyncio.to_thread(self.replies.character, name))

    @commands.hybrid_command(name="summary")
    @app_commands.describe(what="A scene, a chapter, or the whole story",
                           which="The scene's keywords, or the chapter's number or title")
    @commands.dynamic_cooldown(_cooldown, commands.BucketType.user)
    async def summary(self, ctx: commands.Context, what: Literal["scene", "chapter", "story"] = "story", *,
                      which: str = "") -> None:
        """What happens, in the story's own words."""
        await self.send(ctx, *await asyncio.to_thread(self.replies.summary, what, which))

    @commands.hybrid_command(name="timeline")
    @app_commands.describe(characters="Names separated by commas (default: the main characters)")
    @commands.dynamic_cooldown(_cooldown, commands.BucketType.user)
    async def timeline(self, ctx: commands.Context, *, characters: str = "") -> None:
        """A picture of where characters appear across the story."""
        await self.send(ctx, *await asyncio.to_thread(self.replies.timeline, characters))

    @commands.hybrid_command(name="relations")
    @commands.dynamic_cooldown(_cooldown, commands.BucketType.user)
    async def relations(self, ctx: commands.Context) -> None:
        """A picture of who talks to whom."""
        await self.send(ctx, *await asyncio.to_thread(self.replies.relations))

    @commands.hybrid_command(name="characters")
    async def characters(self, ctx: commands.Context) -> None:
        """Everyone in the story."""
        await self.send(ctx, *self.replies.characters())

    @commands.hybrid_command(name="story")
    async def story(self, ctx: commands.Context) -> None:
        """Title, author, length, chapters and scenes."""
        await self.send(ctx, *self.replies.story())

    @commands.hybrid_command(name="help")
    async def help(self, ctx: commands.Context) -> None:
        """What I can do, with examples."""
        prefix = "/" if ctx.interaction else (ctx.clean_prefix or "/")
        await self.send(ctx, *self.replies.help(prefix))

    @quote.autocomplete("character")
    @character.autocomplete("name")
    async def _complete_character(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        return [app_commands.Choice(name=n[:100], value=n[:100]) for n in self.replies.complete_character(current[:100])]

    @summary.autocomplete("which")
    @scene.autocomplete("keywords")
    async def _complete_scene(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        return [app_commands.Choice(name=t[:100], value=t[:100]) for t in self.replies.complete_scene(current[:100])]


class StoryBot(commands.Bot):
    """The bot. ``sync``: "global", a guild id, or None (sync only with `storykeeper sync`)."""

    def __init__(self, settings: Settings, *, story: str | None = None, sync: str | int | None = None,
                 replies: Replies | None = None, **options: Any):
        ds = settings.discord
        intents = discord.Intents.default()
        intents.message_content = ds.message_content
        prefix = commands.when_mentioned_or(ds.prefix) if ds.message_content else commands.when_mentioned
        super().__init__(command_prefix=prefix, intents=intents, help_command=None,
                         allowed_mentions=NO_PINGS, **options)
        self.settings = settings
        self.story_name = story
        self.sync_target = sync if sync is not None else ds.test_guild
        self.replies = replies  # type: ignore[assignment]

    async def setup_hook(self) -> None:
        if self.replies is None:
            # Loading a long novel's index takes a moment: keep the event loop free meanwhile.
            ix, searcher = await asyncio.to_thread(library.open_story, self.settings, self.story_name)
            self.replies = Replies(ix, searcher, self.settings.discord.max_question_chars)
        await self.add_cog(StoryCog(self))
        if self.sync_target == "global":
            await self.tree.sync()
        elif isinstance(self.sync_target, int):
            guild = discord.Object(id=self.sync_target)
            self.tree.copy_global_to(guild=guild)
            await self.tree.sync(guild=guild)
            log.info("slash commands synced to server %s", self.sync_target)

    async def on_ready(self) -> None:
        log.info("logged in as %s, telling %r in %d servers", self.user, self.replies.ix.title, len(self.guilds))

    async def on_command_error(self, ctx: commands.Context, error: commands.CommandError) -> None:
        while getattr(error, "original", None) is not None:  # hybrid and invoke errors wrap the cause
            error = error.original  # type: ignore[assignment]
        if isinstance(error, commands.CommandOnCooldown):
            text = f"You're going fast! Try again in {error.retry_after:.0f} s."
        elif isinstance(error, (commands.MissingRequiredArgument, commands.BadArgument, commands.TooManyArguments)):
            text = f"That command needs something more. Try `{ctx.clean_prefix}help`."
        elif isinstance(error, commands.CommandNotFound):
            return  # someone else's command, or a typo: stay quiet
        else:
            log.error("command %s failed", ctx.command, exc_info=error)
            text = "Something went wrong on my side; it has been logged. Please try again."
        reply = Reply(body=text, private=True, error=True)
        try:
            await ctx.send(embed=to_embed(reply), ephemeral=ctx.interaction is not None, allowed_mentions=NO_PINGS)
        except discord.HTTPException:
            log.warning("could not tell %s about an error", ctx.author)
