"""The `/story` commands on Discord: which stories a server sees, and adding its own.

A story added with `/story add` is that server's own (kept in ``data_dir/stories/<server id>/``);
stories in seeds/, in config.yaml, or shared by the bot's owner are every server's. Inside a
server a story is known by one name, so readers' progress and the server's settings are kept by
that name and survive `/story update` (a new version: progress is by chapter) and `/story share`.
Adding reads and indexes the file off the event loop and edits the reply as it goes.
"""
from __future__ import annotations

import asyncio
import functools
import logging
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional

import discord
from discord import app_commands
from discord.ext import commands

from bot.chat import format as fmt
from bot.chat.cards import Reply
from bot.core import library, readers
from bot.errors import StorykeeperError
from bot.core.text import count

if TYPE_CHECKING:
    from bot.chat.discord_bot import StoryBot, StoryCog

log = logging.getLogger(__name__)

STORIES_PER_SERVER = 20  # a server's own stories; each costs disk and memory on the host
EDIT_EVERY = 2.0  # seconds between edits of an adding story's progress (Discord rate-limits edits)


def server_id(ctx: commands.Context | discord.Interaction) -> int | None:
    return ctx.guild.id if ctx.guild is not None else None


class StoryName(commands.Converter):
    """A story this server can see, by the name its readers type; converts to the library key."""

    async def convert(self, ctx: commands.Context, argument: str) -> str:
        found = ctx.bot.library.key(server_id(ctx), argument)
        if found is not None:
            return found
        raise commands.BadArgument(f"No story called “{fmt.escape(argument[:60])}”; `/story list` shows them.")


Story = Optional[StoryName]


async def complete_story(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
    names = interaction.client.library.visible(server_id(interaction))  # type: ignore[attr-defined]
    return [app_commands.Choice(name=fmt.cut(n, 100), value=n[:100]) for n in names
            if current.lower() in n.lower()][:25]


class Status:
    """A reply that says how a slow job goes: deferred, then edited with the job's latest line
    every EDIT_EVERY seconds (Discord rate-limits edits) until its last word."""

    def __init__(self, ctx: commands.Context, embed: Any):
        self.ctx, self.embed = ctx, embed
        self.message: discord.Message | None = None
        self.latest: str | None = None  # set from the job's thread; read on the event loop
        self.shown: str | None = None

    def told(self, line: str) -> None:
        self.latest = line

    async def start(self, line: str) -> None:
        if self.ctx.interaction is not None:
            await self.ctx.defer()
        await self.show(Reply(body=line))

    async def follow(self, work: asyncio.Future) -> Any:
        """``work``'s result, showing its progress while it runs."""
        while True:
            done, _ = await asyncio.wait({work}, timeout=EDIT_EVERY)
            if done:
                return work.result()
            line = self.latest
            if line and line != self.shown:
                self.shown = line
                try:
                    await self.show(Reply(body=line))
                except discord.HTTPException as exc:  # a lost progress edit is no error
                    log.info("could not show progress: %s", exc)

    async def show(self, reply: Reply) -> None:
        embed = self.embed(reply)
        if self.ctx.interaction is not None:
            await self.ctx.interaction.edit_original_response(embed=embed)
        elif self.message is None:
            self.message = await self.ctx.send(embed=embed, allowed_mentions=discord.AllowedMentions.none())
        else:
            await self.message.edit(embed=embed)


class LibraryCog(commands.Cog, name="Library"):
    """The stories a server reads, and the ones it adds."""

    def __init__(self, bot: StoryBot, reading: StoryCog):
        self.bot, self.reading = bot, reading

    @commands.hybrid_group(name="story", fallback="info")
    @app_commands.describe(story="Which story (default: this server's)")
    @app_commands.autocomplete(story=complete_story)
    async def story(self, ctx: commands.Context, story: Story = None) -> None:
        """Title, author, length, chapters and scenes."""
        await self.reading.run(ctx, story, "story")

    @story.command(name="list")
    async def story_list(self, ctx: commands.Context) -> None:
        """The stories I know, and which one this server reads."""
        current = await self.reading.story_name(ctx, None)
        rows = []
        for name, key in self.bot.library.visible(server_id(ctx)).items():
            marks = [" (this server's own)" if library.server_of(key) is not None else "",
                     " ← this server reads it" if key == current else ""]
            rows.append(f"`{name}`" + "".join(marks))
        hint = "\n\nSwitch with `/story use`; add one with `/story add`." if ctx.guild else ""
        await self.reading.send(ctx, None, Reply(title="Stories", body="\n".join(rows) + hint), None)

    @story.command(name="use")
    @app_commands.describe(story="The story this server reads from now on")
    @app_commands.autocomplete(story=complete_story)
    @commands.guild_only()
    @commands.has_permissions(manage_guild=True)
    async def story_use(self, ctx: commands.Context, story: StoryName) -> None:
        """Choose the story this server reads (needs Manage Server)."""
        await self.bot.set_server(ctx.guild.id, "story", library.shown(story))
        await self.reading.send(ctx, None, Reply(body=f"This server now reads `{library.shown(story)}`."), None)

    @story.command(name="add")
    @app_commands.describe(file="The story: a .txt, .md, .html or .epub file (an AO3 or FanFicFare download)",
                           name="Its name here (default: the file's name)")
    @commands.guild_only()
    @commands.has_permissions(manage_guild=True)
    async def story_add(self, ctx: commands.Context, file: discord.Attachment, name: Optional[str] = None) -> None:
        """Add a story to this server from a file (needs Manage Server)."""
        await self._take(ctx, file, name, None)

    @story.command(name="update")
    @app_commands.describe(file="The new version of the story's file",
                           story="The story it replaces (default: this server's)")
    @app_commands.autocomplete(story=complete_story)
    @commands.guild_only()
    @commands.has_permissions(manage_guild=True)
    async def story_update(self, ctx: commands.Context, file: discord.Attachment, story: Story = None) -> None:
        """A new version of an added story; readers keep their progress (needs Manage Server)."""
        key = await self.reading.story_name(ctx, story)
        if library.server_of(key) is None and not await self.bot.is_owner(ctx.author):
            await self._refuse(ctx, f"`{library.shown(key)}` is every server's story; only the bot's owner can update it.")
            return
        await self._take(ctx, file, library.shown(key), key)

    @story.command(name="remove")
    @app_commands.describe(story="The story to remove from this server")
    @app_commands.autocomplete(story=complete_story)
    @commands.guild_only()
    @commands.has_permissions(manage_guild=True)
    async def story_remove(self, ctx: commands.Context, story: StoryName) -> None:
        """Remove a story this server added (needs Manage Server)."""
        if library.server_of(story) != ctx.guild.id:
            await self._refuse(ctx, f"`{library.shown(story)}` is every server's story, not this server's own; "
                                    "only stories added here can be removed here.")
            return
        try:
            await asyncio.to_thread(library.remove, self.bot.settings, story)
        except StorykeeperError as exc:
            await self._refuse(ctx, str(exc))
            return
        self.bot.library.forget(story)
        if (await self.bot.load_server(ctx.guild.id)).get("story") == library.shown(story):
            await self.bot.set_server(ctx.guild.id, "story", None)
        await self.reading.send(ctx, None, Reply(body=f"Removed `{library.shown(story)}` from this server. "
                                                      "Readers' progress is kept if it is added again."), None)

    @story.command(name="share")
    @app_commands.describe(story="This server's story to give every server")
    @app_commands.autocomplete(story=complete_story)
    @commands.guild_only()
    async def story_share(self, ctx: commands.Context, story: StoryName) -> None:
        """Give one of this server's stories to every server (the bot's owner only)."""
        if not await self.bot.is_owner(ctx.author):
            await self._refuse(ctx, "Only the bot's owner can share a story with every server.")
            return
        try:
            entry = await asyncio.to_thread(library.share, self.bot.settings, story)
        except StorykeeperError as exc:
            await self._refuse(ctx, str(exc))
            return
        self.bot.library.forget(story)
        await self.reading.send(ctx, None, Reply(body=f"Every server can read `{entry.name}` now."), None)

    # -- adding a file ----------------------------------------------------------------------

    async def _refuse(self, ctx: commands.Context, text: str) -> None:
        await self.reading.send(ctx, None, Reply(body=text, private=True, error=True), None)

    def _problem(self, file: discord.Attachment) -> str | None:
        """What is wrong with an attachment, from what Discord says of it (before downloading)."""
        suffix = Path(file.filename).suffix.lower()
        if suffix not in readers.SUFFIXES:
            return (f"`{fmt.escape(file.filename[:80])}` is not a story file I can read; "
                    "attach a .txt, .md, .html or .epub file.")
        limit = self.bot.settings.max_story_mb
        if file.size > limit * 2**20:
            return f"`{fmt.escape(file.filename[:80])}` is {file.size / 2**20:.1f} MB; stories may be at most {limit:g} MB."
        return None

    async def _take(self, ctx: commands.Context, file: discord.Attachment, name: str | None, replacing: str | None) -> None:
        problem = self._problem(file)
        if problem:
            await self._refuse(ctx, problem)
            return
        settings = self.bot.settings
        status = Status(ctx, self.reading.embed)
        await status.start(f"Downloading `{fmt.escape(file.filename[:80])}`…")
        try:
            data = await file.read()
        except (discord.HTTPException, discord.NotFound) as exc:
            log.warning("could not download %s: %s", file.filename, exc)
            await status.show(Reply(body="I couldn't download that file from Discord; please attach it again.",
                                    error=True))
            return
        if len(data) > settings.max_story_mb * 2**20:  # never trust the declared size
            await status.show(Reply(body=f"That file is over {settings.max_story_mb:g} MB.", error=True))
            return
        server = None if replacing is not None and library.server_of(replacing) is None else ctx.guild.id
        incoming = settings.data_dir / "stories" / ".incoming"
        loop = asyncio.get_running_loop()
        try:
            incoming.mkdir(parents=True, exist_ok=True)
            folder = Path(tempfile.mkdtemp(dir=incoming))
        except OSError as exc:
            log.error("cannot write to %s: %s", incoming, exc)
            await status.show(Reply(body="I can't keep stories on this machine right now; it has been logged.", error=True))
            return
        source = folder / (library.safe_name(Path(file.filename).stem) + Path(file.filename).suffix.lower())
        try:
            source.write_bytes(data)
            add = functools.partial(library.add, settings, source, name or None, server, replace=replacing is not None,
                                    limit=STORIES_PER_SERVER if server is not None else None,
                                    progress=status.told)
            entry = await status.follow(loop.run_in_executor(self.bot.builds, add))
        except StorykeeperError as exc:
            # The message names the file as the moderator attached it, not by its path here.
            said = str(exc).replace(str(source), f"`{fmt.escape(file.filename[:80])}`").replace(str(folder), "")
            await status.show(Reply(body=said[:1].upper() + said[1:], error=True))
            return
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        self.bot.library.forget(entry.name)  # seen at once here; other processes see it within a second
        replies = await self.bot.indexing(entry.name)  # from the cache add just wrote
        shown = library.shown(entry.name)
        reading = ""
        if replacing is None and (await self.bot.load_server(ctx.guild.id)).get("story") is None:
            await self.bot.set_server(ctx.guild.id, "story", shown)  # a server's first story is its story
            reading = " This server reads it now."
        ix = replies.ix
        what = "Updated" if replacing is not None else "Added"
        body = (f"{what} `{shown}`: **{fmt.escape(ix.title)}** · {count(ix.words, 'word')} · "
                f"{count(len(ix.chapters), 'chapter')} · {count(len(ix.characters), 'character')}.{reading}")
        if replacing is not None:
            body += " Readers keep their progress, by chapter."
        await status.show(Reply(title="Story added" if replacing is None else "Story updated", body=body))
