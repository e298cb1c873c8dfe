"""The `/settings` commands on Discord: a server's story, prefix, channels and cooldown, kept in
the settings store (SQLite or PostgreSQL) and changed in one transaction each.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from discord import app_commands
from discord.ext import commands

from bot.chat import format as fmt
from bot.chat.cards import Reply
from bot.core import library

if TYPE_CHECKING:
    from bot.chat.discord_bot import StoryBot, StoryCog


class SettingsCog(commands.Cog, name="Settings"):
    def __init__(self, bot: StoryBot, reading: StoryCog):
        self.bot = bot
        self.reading = reading

    @commands.hybrid_group(name="settings", fallback="show")
    @commands.guild_only()
    async def settings_group(self, ctx: commands.Context) -> None:
        """This server's settings."""
        own = await self.bot.load_server(ctx.guild.id)
        ds = self.bot.settings.discord
        channels = [f"<#{c}>" for c in own.get("channels", "").split(",") if c]
        fields = (("Story", f"`{library.shown(await self.reading.story_name(ctx, None))}`"),
                  ("Prefix", f"`{own.get('prefix', ds.prefix)}`" + ("" if ds.message_content else
                                                                     " (typed commands are off; slash commands and mentions work)")),
                  ("Answers in", ", ".join(channels) or "every channel"),
                  ("Cooldown", own.get("cooldown", f"{ds.cooldown_rate}/{ds.cooldown_seconds:g}").replace("/", " commands per ") + " s"))
        await self.reading.send(ctx, None, Reply(title="Settings", fields=fields, private=True), None)

    @settings_group.command(name="prefix")
    @app_commands.describe(prefix="1 to 5 characters, like ! or ?")
    @commands.guild_only()
    @commands.has_permissions(manage_guild=True)
    async def settings_prefix(self, ctx: commands.Context, prefix: str) -> None:
        """The prefix for typed commands in this server (needs Manage Server)."""
        if not 1 <= len(prefix) <= 5 or any(ch.isspace() for ch in prefix) or "@" in prefix or "<" in prefix:
            await self.reading.send(ctx, None, Reply(body="A prefix is 1 to 5 characters with no spaces, @ or <.",
                                             private=True, error=True), None)
            return
        await self.bot.set_server(ctx.guild.id, "prefix", prefix)
        await self.reading.send(ctx, None, Reply(body=f"Typed commands here now start with `{fmt.escape(prefix)}`."), None)

    @settings_group.command(name="here")
    @app_commands.describe(answer="Whether I answer in this channel")
    @commands.guild_only()
    @commands.has_permissions(manage_channels=True)
    async def settings_here(self, ctx: commands.Context, answer: bool) -> None:
        """Choose the channels I answer in (needs Manage Channels). None chosen: all of them."""
        here = str(ctx.channel.id)

        def change(value: str | None) -> str | None:
            channels = [c for c in (value or "").split(",") if c]
            if answer and here not in channels:
                channels.append(here)
            if not answer:
                if not channels:  # "not here" with no list yet: every channel but this one
                    channels = [str(c.id) for c in ctx.guild.text_channels if c.id != ctx.channel.id]
                channels = [c for c in channels if c != here]
            return ",".join(channels) or None

        value = await self.bot.update_server(ctx.guild.id, "channels", change)
        channels = [c for c in (value or "").split(",") if c]
        listed = ", ".join(f"<#{c}>" for c in channels) or "every channel"
        await self.reading.send(ctx, None, Reply(body=f"I answer in: {listed}."), None)

    @settings_group.command(name="cooldown")
    @app_commands.describe(commands_="Commands a member may run in each period", seconds="The period in seconds")
    @app_commands.rename(commands_="commands")
    @commands.guild_only()
    @commands.has_permissions(manage_guild=True)
    async def settings_cooldown(self, ctx: commands.Context, commands_: app_commands.Range[int, 1, 100],
                                seconds: app_commands.Range[float, 0, 3600]) -> None:
        """How often each member may ask (needs Manage Server)."""
        await self.bot.set_server(ctx.guild.id, "cooldown", f"{commands_}/{seconds:g}")
        await self.reading.send(ctx, None, Reply(body=f"Each member may now run {commands_} commands every {seconds:g} s."), None)
