"""Games on Discord: `/game start`, `/game stop`, `/game scores` (rounds from bot/core/games.py),
and the quote of the day (`/daily set`, `/daily off`).

One game a channel. Each round is a message: "Who said it?" with four buttons, "Finish the line"
with an Answer button that opens a form (and, with the message-content intent on, answers typed
in the channel). The first right answer scores; each player has one try a round; a round is open
`discord.game_seconds`. The game stops after three rounds nobody answered, at `/game stop` (its
starter or a moderator), or after its rounds, and posts the scores. Lines come from the story up
to the channel's horizon (its ceiling, else the server's, else the server's default progress,
else the first chapter), as everything posted to all there. A game with at least
two players counts on the server's leaderboard (per story, all time and this month, UTC).
"""
from __future__ import annotations

import asyncio
import datetime as dt
import logging
import random
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

import discord
from discord import app_commands
from discord.ext import commands, tasks

from bot.chat import format as fmt
from bot.chat.discord_library import Story, complete_story
from bot.chat.cards import Reply
from bot.core import games, library
from bot.core.text import count

if TYPE_CHECKING:
    from bot.chat.discord_bot import StoryBot, StoryCog

log = logging.getLogger(__name__)

UNANSWERED_STOP = 3
TITLES = {"who-said": "Who said it?", "finish": "Finish the line", "which-scene": "Which scene?"}


@dataclass
class Game:
    channel_id: int
    starter: int
    story: str
    kind: str
    rounds: int
    points: Counter = field(default_factory=Counter)
    players: set[int] = field(default_factory=set)
    names: dict[int, str] = field(default_factory=dict)
    stopped: bool = False
    current: "RoundState | None" = None
    view: "discord.ui.View | None" = None  # the current round's buttons: stopping them ends the round


@dataclass
class RoundState:
    round: games.Round
    shown: dict[str, str] = field(default_factory=dict)  # canonical name -> as the channel knows them
    done: asyncio.Event = field(default_factory=asyncio.Event)
    winner: int | None = None
    tried: set[int] = field(default_factory=set)

    def guess(self, game: Game, user: discord.abc.User, text: str) -> str:
        """Judge one player's guess; what to tell them (privately)."""
        if self.done.is_set():
            return "Too late: this round is over."
        if user.id in self.tried:
            return "One try a round; wait for the next one."
        self.tried.add(user.id)
        game.players.add(user.id)
        game.names[user.id] = user.display_name
        if not games.right(text, self.round, self.shown):
            return "Not quite."
        self.winner = user.id
        game.points[user.id] += 1
        self.done.set()
        if game.view is not None:
            game.view.stop()
        return "Right!"


class AnswerForm(discord.ui.Modal, title="Finish the line"):
    words = discord.ui.TextInput(label="The missing words", max_length=200, custom_id="words")

    def __init__(self, game: Game, state: RoundState):
        super().__init__(timeout=None)
        self.game, self.state = game, state

    async def on_submit(self, interaction: discord.Interaction) -> None:
        said = self.state.guess(self.game, interaction.user, str(self.words.value))
        await interaction.response.send_message(said, ephemeral=True)


class RoundView(discord.ui.View):
    """The buttons under a round: four names, or one Answer button that opens the form."""

    def __init__(self, game: Game, state: RoundState, timeout: float):
        super().__init__(timeout=timeout)
        self.game, self.state = game, state
        if state.round.choices:
            for name in state.round.choices:
                button = discord.ui.Button(label=fmt.cut(state.shown.get(name, name), 80),
                                           style=discord.ButtonStyle.secondary)
                button.callback = self._pick(name)
                self.add_item(button)
        else:
            button = discord.ui.Button(label="Answer", style=discord.ButtonStyle.primary)
            button.callback = self._form
            self.add_item(button)

    def _pick(self, name: str):
        async def callback(interaction: discord.Interaction) -> None:
            said = self.state.guess(self.game, interaction.user, name)
            await interaction.response.send_message(said, ephemeral=True)
        return callback

    async def _form(self, interaction: discord.Interaction) -> None:
        if self.state.done.is_set():
            await interaction.response.send_message("Too late: this round is over.", ephemeral=True)
            return
        await interaction.response.send_modal(AnswerForm(self.game, self.state))


class GameCog(commands.Cog, name="Games"):
    """Games made from the story itself."""

    def __init__(self, bot: StoryBot, reading: StoryCog):
        self.bot, self.reading = bot, reading
        self.games: dict[int, Game] = {}
        self.tasks: set[asyncio.Task] = set()

    @commands.hybrid_group(name="game", fallback="start")
    @app_commands.describe(kind="who-said: guess the speaker; finish: the line's last words; which-scene: whose scene",
                           rounds="How many rounds (1 to 20)", story="Which story (default: this server's)")
    @app_commands.autocomplete(story=complete_story)
    @commands.guild_only()
    async def game(self, ctx: commands.Context, kind: Literal["who-said", "finish", "which-scene"] = "who-said",
                   rounds: app_commands.Range[int, 1, 20] = 5, story: Story = None) -> None:
        """Start a game in this channel: who said it, or finish the line."""
        if ctx.channel.id in self.games:
            await self._tell(ctx, "A game is already running here; `/game stop` ends it.", error=True)
            return
        key = await self.reading.story_name(ctx, story)
        # Rounds come from as far as the starter may see here: their progress (or the server's
        # default), held by the server's and this channel's ceilings (which keep what is posted
        # to everyone here inside what the channel may see).
        horizon = await self.reading.horizon(ctx, key)
        if not self.bot.library.ready(key):
            if ctx.interaction is not None:
                await ctx.defer()
            await self.bot.indexing(key)
        replies = self.bot.library.get(key, horizon)
        lines = len(games.sure_lines(replies.ix)) if kind == "who-said" else len(replies.ix.dialogue)
        if games.draw(kind, replies.ix, random.Random(0)) is None:
            what = "lines with a sure speaker" if kind == "who-said" else "scenes" if kind == "which-scene" else "lines"
            upto = f" up to chapter {horizon}, as far as you may see here" if horizon is not None else ""
            await self._tell(ctx, f"`{library.shown(key)}` has too few {what} for this game{upto}.", error=True)
            return
        game = Game(ctx.channel.id, ctx.author.id, key, kind, rounds)
        self.games[ctx.channel.id] = game
        chapters = len(replies.whole.ix.chapters) if replies.whole is not None else len(replies.ix.chapters)
        where = f" (chapters 1 to {horizon}, as far as you may see here)" if horizon is not None and horizon < chapters else ""
        await self._tell(ctx, f"**{TITLES[kind]}** — {count(rounds, 'round')} from `{library.shown(key)}`{where}, "
                              f"{self.bot.settings.discord.game_seconds:g} s each; {lines:,} lines to draw from. "
                              "First right answer scores.")
        task = asyncio.ensure_future(self._play(ctx.channel, game, replies))
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    @game.command(name="stop")
    @commands.guild_only()
    async def game_stop(self, ctx: commands.Context) -> None:
        """Stop this channel's game (its starter, or Manage Messages)."""
        game = self.games.get(ctx.channel.id)
        if game is None:
            await self._tell(ctx, "No game is running in this channel.", error=True)
            return
        if ctx.author.id != game.starter and not ctx.channel.permissions_for(ctx.author).manage_messages:
            await self._tell(ctx, "Only whoever started the game, or a moderator, can stop it.", error=True)
            return
        game.stopped = True
        if game.view is not None:
            game.view.stop()
        await self._tell(ctx, "Stopping the game after this round.")

    @game.command(name="scores")
    @app_commands.describe(story="Which story (default: this server's)")
    @app_commands.autocomplete(story=complete_story)
    @commands.guild_only()
    async def game_scores(self, ctx: commands.Context, story: Story = None) -> None:
        """This server's best players, all time and this month."""
        key = await self.reading.story_name(ctx, story)
        shown = library.shown(key)
        month = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m")
        fields = []
        for label, when in (("All time", None), (f"This month ({month})", month)):
            rows = await asyncio.to_thread(self.bot.store.scores, ctx.guild.id, shown, when)
            fields.append((label, "\n".join(f"{i}. <@{u}> — {p} ({games_played(g)})" for i, (u, p, g) in enumerate(rows, 1))
                           or "No games with two or more players yet."))
        await self.reading.send(ctx, None, Reply(title=f"Scores: {shown}", fields=tuple(fields)), None)

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        """A typed answer to a round (with the message-content intent on)."""
        if message.author.bot or not self.bot.settings.discord.message_content:
            return
        game = self.games.get(message.channel.id)
        state = game.current if game else None
        if state is None or state.done.is_set() or not message.content.strip():
            return
        # Only a right answer counts as a try: talk in the channel does not use anyone's up.
        if games.right(message.content, state.round, state.shown) and \
                state.guess(game, message.author, message.content) == "Right!":
            await message.add_reaction("✅")

    async def _tell(self, ctx: commands.Context, text: str, error: bool = False) -> None:
        await self.reading.send(ctx, None, Reply(body=text, private=error, error=error), None)

    async def _play(self, channel: discord.abc.Messageable, game: Game, replies) -> None:
        """Run the game's rounds, then post the scores and count them."""
        rng = random.Random()
        unanswered = 0
        used: set[int] = set()  # the lines asked already in this game
        try:
            for n in range(1, game.rounds + 1):
                if game.stopped:
                    break
                drawn = games.draw(game.kind, replies.ix, rng, used)
                if drawn is None:
                    break
                used.add(drawn.start)
                state = RoundState(drawn, {c: replies.ix.shown(c) or c for c in (*drawn.choices, drawn.answer)})
                game.current = state
                seconds = self.bot.settings.discord.game_seconds
                view = RoundView(game, state, seconds)
                prompt = (f"“{fmt.story_text(drawn.prompt)}”" if drawn.choices
                          else f"“{fmt.story_text(drawn.prompt)}”\n\nPress **Answer** to finish the line.")
                message = await channel.send(embed=self.reading.embed(Reply(
                    title=f"{TITLES[game.kind]} — round {n} of {game.rounds}", body=prompt,
                    footer=f"{seconds:g} seconds")), view=view, allowed_mentions=discord.AllowedMentions.none())
                game.view = view
                await view.wait()  # stopped by the first right answer or /game stop, else timed out
                state.done.set()
                for item in view.children:
                    item.disabled = True  # type: ignore[attr-defined]
                try:
                    await message.edit(view=view)
                except discord.HTTPException:
                    pass
                unanswered = 0 if state.winner is not None else unanswered + 1
                who = f"<@{state.winner}> got it" if state.winner else "Nobody got it"
                answer = state.shown.get(drawn.answer, drawn.answer) if drawn.choices else \
                    f"“{fmt.story_text(drawn.line)}”"
                board = ", ".join(f"<@{u}> {p}" for u, p in game.points.most_common(5)) or "no points yet"
                await channel.send(embed=self.reading.embed(Reply(
                    body=f"{who}: **{fmt.escape(answer) if drawn.choices else answer}** "
                         f"(chapter {drawn.chapter}).\nScores: {board}")), allowed_mentions=discord.AllowedMentions.none())
                if unanswered >= UNANSWERED_STOP:
                    await channel.send(embed=self.reading.embed(Reply(body=f"{UNANSWERED_STOP} rounds without an answer: "
                                                                            "stopping here.")))
                    break
            await self._finish(channel, game)
        except Exception:
            log.exception("the game in channel %s failed", game.channel_id)
        finally:
            self.games.pop(game.channel_id, None)

    async def _finish(self, channel: discord.abc.Messageable, game: Game) -> None:
        counted = len(game.players) >= 2
        if counted and game.points:
            month = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m")
            guild = getattr(channel, "guild", None)
            if guild is not None:
                points = {u: game.points.get(u, 0) for u in game.players}
                await asyncio.to_thread(self.bot.store.add_scores, guild.id, library.shown(game.story), month, points)
        lines = [f"{i}. <@{u}> — {p}" for i, (u, p) in enumerate(game.points.most_common(10), 1)]
        note = "" if counted else "\n\n(A game needs two or more players to count on the leaderboard.)"
        await channel.send(embed=self.reading.embed(Reply(title="Game over", body=("\n".join(lines) or "No points.") + note)),
                           allowed_mentions=discord.AllowedMentions.none())


def games_played(n: int) -> str:
    return f"{n} game" + ("" if n == 1 else "s")


def now() -> dt.datetime:
    """The time the quote of the day goes by (UTC)."""
    return dt.datetime.now(dt.timezone.utc)


class DailyCog(commands.Cog, name="Daily"):
    """A quote of the day in a channel a server chooses, at a time it chooses (UTC).

    Checked every minute: a server whose time has come today and that has not had today's quote
    gets one, so a restart never posts twice and missed days give one late post, not a burst.
    The lines come from the channel's horizon and never repeat within a story until every good
    line was posted. What was posted, and when, is in the settings store; the day is claimed in
    a transaction before posting, so of several processes on one database only one posts it."""

    def __init__(self, bot: StoryBot, reading: StoryCog):
        self.bot, self.reading = bot, reading
        self.clock = lambda: now()  # tests set their own, or replace now() for a bot not made yet

    async def cog_load(self) -> None:
        self.tick.start()

    async def cog_unload(self) -> None:
        self.tick.cancel()

    @tasks.loop(minutes=1)
    async def tick(self) -> None:
        try:
            await self.post_due()
        except Exception:  # one bad server must not stop the others' quotes tomorrow
            log.exception("the quote of the day failed")

    @tick.before_loop
    async def _ready(self) -> None:
        await self.bot.wait_until_ready()

    @commands.hybrid_group(name="daily", fallback="show")
    @commands.guild_only()
    async def daily(self, ctx: commands.Context) -> None:
        """Where and when this server's quote of the day is posted."""
        own = await self.bot.load_server(ctx.guild.id)
        if not own.get("daily:channel"):
            text = "No quote of the day here; `/daily set` chooses a channel and a time."
        else:
            text = (f"A quote of the day from `{own.get('daily:story') or library.shown(await self.reading.story_name(ctx, None))}`"
                    f" in <#{own['daily:channel']}> at {own.get('daily:time', '09:00')} UTC.")
        await self.reading.send(ctx, None, Reply(body=text), None)

    @daily.command(name="set")
    @app_commands.describe(channel="Where to post it", time="When, in UTC, as HH:MM (default 09:00)",
                           story="Which story (default: this server's)")
    @app_commands.autocomplete(story=complete_story)
    @commands.guild_only()
    @commands.has_permissions(manage_guild=True)
    async def daily_set(self, ctx: commands.Context, channel: discord.TextChannel, time: str = "09:00",
                        story: Story = None) -> None:
        """Post a quote of the day in a channel (needs Manage Server)."""
        try:
            when = dt.datetime.strptime(time.strip(), "%H:%M").strftime("%H:%M")
        except ValueError:
            await self._refuse(ctx, "A time is HH:MM in UTC, like 09:00 or 18:30.")
            return
        if not channel.permissions_for(ctx.guild.me).send_messages:
            await self._refuse(ctx, f"I can't post in {channel.mention}; give me Send Messages there first.")
            return
        for key, value in (("daily:channel", str(channel.id)), ("daily:time", when),
                           ("daily:story", library.shown(story) if story else None)):
            await self.bot.set_server(ctx.guild.id, key, value)
        await self.reading.send(ctx, None, Reply(body=f"A quote of the day will be posted in {channel.mention} "
                                                      f"at {when} UTC."), None)

    @daily.command(name="off")
    @commands.guild_only()
    @commands.has_permissions(manage_guild=True)
    async def daily_off(self, ctx: commands.Context) -> None:
        """No more quotes of the day here (needs Manage Server)."""
        for key in ("daily:channel", "daily:time", "daily:story"):
            await self.bot.set_server(ctx.guild.id, key, None)
        await self.reading.send(ctx, None, Reply(body="No more quotes of the day here."), None)

    async def _refuse(self, ctx: commands.Context, text: str) -> None:
        await self.reading.send(ctx, None, Reply(body=text, private=True, error=True), None)

    async def post_due(self) -> int:
        """Post today's quote wherever it is due; how many were posted."""
        now = self.clock()
        today = now.strftime("%Y-%m-%d")
        posted = 0
        for guild_id in await asyncio.to_thread(self.bot.store.daily_servers):
            own = await asyncio.to_thread(self.bot.store.guild_all, guild_id)
            if own.get("daily:last") == today or now.strftime("%H:%M") < own.get("daily:time", "09:00"):
                continue
            channel = self.bot.get_channel(int(own["daily:channel"]))
            if channel is None:
                continue  # the channel is gone, or not in this shard
            if not await asyncio.to_thread(self.bot.store.claim_day, guild_id, today):
                continue  # another process (on a shared database) has posted it
            posted += await self._post(channel, guild_id, own, today)
        return posted

    async def _post(self, channel, guild_id: int, own: dict[str, str], today: str) -> int:
        key = self.bot.library.key(guild_id, own.get("daily:story") or own.get("story")) or self.bot.library.default()
        shown = library.shown(key)
        horizon = await asyncio.to_thread(self.bot.store.channel_horizon, guild_id, channel.id, shown)
        await self.bot.indexing(key)
        replies = self.bot.library.get(key, horizon)
        used = await asyncio.to_thread(self.bot.store.daily_used, guild_id, shown)
        line, fresh = games.daily_line(replies.ix, used, random.Random(f"{guild_id}:{today}"))
        if line is None:
            return 0
        passage = replies.ix.passages[line.passage - 1] if 0 < line.passage <= len(replies.ix.passages) else None
        where = f"{replies.ix.title}, chapter {passage.chapter}" if passage else replies.ix.title
        who = replies.ix.shown(line.speaker) if line.speaker else None
        body = f"“{fmt.story_text(line.text)}”" + (f"\n— **{fmt.escape(who)}**" if who else "")
        await channel.send(embed=self.reading.embed(Reply(title="Quote of the day", body=body, footer=where)),
                           allowed_mentions=discord.AllowedMentions.none())
        await asyncio.to_thread(self.bot.store.daily_posted, guild_id, shown, line.start, today, fresh)
        self.bot.server_settings.get(guild_id, {})["daily:last"] = today
        return 1
