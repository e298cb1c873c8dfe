"""Games made from the story: the rounds (pure) and a whole game in a channel (through SimCord)."""
from __future__ import annotations

import random
from dataclasses import replace
from pathlib import Path

import pytest

from bot import config
from bot.chat.discord_bot import StoryBot
from bot.core import games, horizon, library

ROOT = Path(__file__).resolve().parents[1]
SETTINGS = config.load(ROOT / "config.yaml")


@pytest.fixture(scope="module")
def shipped():
    return library.open_story(SETTINGS, "always-you")[0]


def test_who_said_asks_only_lines_with_a_sure_speaker_and_offers_people_of_the_story(shipped) -> None:
    rng = random.Random(7)
    for _ in range(20):
        r = games.who_said(shipped, rng)
        assert r is not None and r.answer in r.choices and len(set(r.choices)) == len(r.choices) >= 3
        line = next(d for d in shipped.dialogue if d.text == r.line)
        assert line.how == "explicit" and line.speaker == r.answer
        assert set(r.choices) <= {c.name for c in shipped.characters}


def test_no_line_comes_twice_in_a_game_until_every_line_has_come(shipped) -> None:
    for kind, pool in (("who-said", len(games.sure_lines(shipped))), ("which-scene", 3), ("finish", 8)):
        rng, used, seen = random.Random(1), set(), []
        for _ in range(pool):
            r = games.draw(kind, shipped, rng, used)
            used.add(r.start)
            seen.append(r.scene if kind == "which-scene" else r.line)
        assert len(set(seen)) == pool, (kind, seen)
    for kind in games.KINDS:  # then they come again, and a round always has its choices
        rng, used = random.Random(1), set()
        for _ in range(10):
            r = games.draw(kind, shipped, rng, used)
            assert r is not None and (kind == "finish" or len(r.choices) >= 3), (kind, r)
            used.add(r.start)


def test_a_line_that_cannot_make_a_round_does_not_end_the_game_early() -> None:
    from conftest import build_text

    ix = build_text('Anna met Boris and Tom at the gate. "I will walk down to the old mill by the river tonight," '
                    'said Anna to Boris. Boris frowned at Anna.\n\n"I will go there now and then, O K," said Boris '
                    'to Anna. Tom laughed at Boris.\n')
    rng, used = random.Random(1), set()
    for _ in range(3):
        r = games.draw("finish", ix, rng, used)
        assert r is not None
        used.add(r.start)


def test_a_round_never_comes_from_past_the_readers_horizon() -> None:
    ix = library.open_index(SETTINGS, str(ROOT / "tests" / "data" / "owl-creek-bridge.txt"))
    view = horizon.view(ix, 1)
    rng = random.Random(1)
    for _ in range(20):
        for kind in games.KINDS:
            r = games.draw(kind, view, rng)
            assert r is None or r.chapter <= 1


@pytest.mark.parametrize("guess,ok", [("always be her", True), ("Always be HER!", True), ("alway be her", True),
                                      ("be her", False), ("her", False), ("always be him", False), ("", False)])
def test_finish_the_line_is_judged_leniently_but_never_by_a_part(guess, ok) -> None:
    r = games.Round("finish", "It would …", "always be her", (), "It would always be her.", 8, 1)
    assert games.right(guess, r) is ok


@pytest.mark.parametrize("guess,ok", [("klaus", True), ("klaus mikaelson", True), ("mikaelson klaus", True),
                                      ("Mikaelson", False), ("klaus m", False), ("marcel", False), ("", False)])
def test_who_said_takes_any_part_of_the_name_no_other_choice_has(guess, ok) -> None:
    """"klaus" is Klaus Mikaelson; "Mikaelson" is no answer where Elijah is a Mikaelson too."""
    r = games.Round("who-said", "…", "Klaus Mikaelson", ("Klaus Mikaelson", "Marcel Gerard", "Elijah Mikaelson"), "", 1, 1)
    assert games.right(guess, r) is ok
    titled = games.Round("who-said", "…", "Mrs. Bennet", ("Mrs. Bennet", "Mr. Collins", "the old prince"), "", 1, 1)
    assert games.right("bennet", titled) and not games.right("mrs", titled) and not games.right("mrs.", titled)


def test_and_and_ampersand_are_the_same_and_air_is_not_chair() -> None:
    r = games.Round("finish", "…", "salt and pepper", (), "", 1, 1)
    assert games.right("salt & pepper", r)
    assert not games.right("air", games.Round("finish", "…", "chair", (), "", 1, 1))


@pytest.fixture
def simcord_bot(tmp_path):
    settings = replace(SETTINGS, data_dir=tmp_path / "data")
    return StoryBot(settings, sync="global")


@pytest.fixture
def room(simcord_env):
    guild = simcord_env.create_guild()
    channel = guild.create_text_channel("general")
    return (simcord_env, channel, guild.add_member(simcord_env.create_user("alice")),
            guild.add_member(simcord_env.create_user("bob")))


async def test_a_game_in_a_channel_first_right_answer_scores_and_two_players_count(room) -> None:
    env, channel, alice, bob = room
    started = await alice.slash(channel, "game start", kind="who-said", rounds=1)
    assert "Who said it?" in started.response.embeds[0].description
    cog = env.bot.get_cog("Games")
    state = cog.games[channel.id].current
    round_message = channel.last_message
    assert "round 1 of 1" in round_message.embeds[0].title
    wrong = next(c for c in state.round.choices if c != state.round.answer)
    miss = await bob.click(round_message, label=wrong)
    assert miss.ephemeral and "Not quite" in miss.response.content
    again = await bob.click(round_message, label=state.round.answer)
    assert "One try a round" in again.response.content  # bob has had his try
    hit = await alice.click(round_message, label=state.round.answer)
    assert "Right!" in hit.response.content
    texts = [m.embeds[0].description or "" for m in channel.history() if m.embeds]
    assert any(f"<@{alice.id}> got it" in t for t in texts)
    assert any("Game over" == (m.embeds[0].title or "") for m in channel.history() if m.embeds)
    scores = await bob.slash(channel, "game scores")
    assert f"<@{alice.id}> — 1" in scores.response.embeds[0].fields[0].value  # two players: it counts
    assert channel.id not in cog.games


async def test_one_game_a_channel_and_only_its_starter_or_a_moderator_stops_it(room) -> None:
    env, channel, alice, bob = room
    await alice.slash(channel, "game start", kind="finish", rounds=3)
    busy = await bob.slash(channel, "game start")
    assert busy.ephemeral and "already running" in busy.response.embeds[0].description
    refused = await bob.slash(channel, "game stop")
    assert refused.ephemeral and "Only whoever started" in refused.response.embeds[0].description
    stopped = await alice.slash(channel, "game stop")
    assert "Stopping" in stopped.response.embeds[0].description
    assert any("Game over" == (m.embeds[0].title or "") for m in channel.history() if m.embeds)
    scores = await alice.slash(channel, "game scores")
    assert "No games with two or more players" in scores.response.embeds[0].fields[0].value


async def test_finish_the_line_in_a_form_and_three_silent_rounds_end_the_game(room) -> None:
    env, channel, alice, _ = room
    await alice.slash(channel, "game start", kind="finish", rounds=5)
    cog = env.bot.get_cog("Games")
    state = cog.games[channel.id].current
    shown = await alice.click(channel.last_message, label="Answer")
    assert shown.modal is not None
    done = await alice.submit_modal(shown, {"words": state.round.answer.upper() + "!"})
    assert "Right!" in done.response.content
    for _ in range(3):  # nobody answers the next three rounds
        await env.advance_time(env.bot.settings.discord.game_seconds + 1)
    texts = [m.embeds[0].description or "" for m in channel.history() if m.embeds]
    assert any("3 rounds without an answer" in t for t in texts)
    assert sum("round" in (m.embeds[0].title or "") for m in channel.history() if m.embeds) == 4
    assert channel.id not in cog.games


async def test_the_quote_of_the_day_posts_once_a_day_even_after_a_restart_or_missed_days(simcord_env, tmp_path,
                                                                                         monkeypatch) -> None:
    import datetime as dt

    import discord
    import simcord

    from bot.chat import discord_games

    env = simcord_env
    guild = env.create_guild()
    channel = guild.create_text_channel("general")
    role = guild.create_role("mod", permissions=discord.Permissions(manage_guild=True))
    mod = guild.add_member(env.create_user("mod"), roles=[role])
    reader = guild.add_member(env.create_user("reader"))
    refused = await reader.slash(channel, "daily set", channel=channel, time="09:00")
    assert refused.ephemeral and "Manage Server" in refused.response.embeds[0].description
    simcord.assert_error(env, discord.ext.commands.MissingPermissions)
    bad = await mod.slash(channel, "daily set", channel=channel, time="nine")
    assert bad.ephemeral and "HH:MM" in bad.response.embeds[0].description
    done = await mod.slash(channel, "daily set", channel=channel, time="09:00")
    assert "09:00 UTC" in done.response.embeds[0].description

    def at(day: int, hour: int, minute: int = 0):
        return lambda: dt.datetime(2026, 12, day, hour, minute, tzinfo=dt.timezone.utc)

    def daily_posts() -> list[str]:
        return [m.embeds[0].description for m in channel.history() if m.embeds and m.embeds[0].title == "Quote of the day"]

    cog = env.bot.get_cog("Daily")
    cog.clock = at(2, 8, 59)
    assert await cog.post_due() == 0  # not yet
    cog.clock = at(2, 9, 0)
    assert await cog.post_due() == 1 and await cog.post_due() == 0  # once
    # The restarted bot looks at once, by its own clock: the test's day, not today's.
    monkeypatch.setattr(discord_games, "now", at(2, 9, 30))
    await env.restart_bot(StoryBot(replace(SETTINGS, data_dir=tmp_path / "data"), sync="global"))
    cog = env.bot.get_cog("Daily")
    cog.clock = at(2, 9, 30)
    assert await cog.post_due() == 0  # the restart does not post again
    cog.clock = at(5, 10, 0)  # three days missed: one late post, not a burst
    assert await cog.post_due() == 1 and await cog.post_due() == 0
    cog.clock = at(6, 9, 0)
    assert await cog.post_due() == 1
    posts = daily_posts()
    assert len(posts) == 3 and len(set(posts)) == 3  # never the same line twice while others are left
    off = await mod.slash(channel, "daily off")
    assert "No more" in off.response.embeds[0].description
    cog.clock = at(7, 9, 0)
    assert await cog.post_due() == 0


def test_the_console_plays_a_game_by_numbers_and_words(shipped) -> None:
    from bot.chat.console import Console
    from bot.chat.replies import Replies
    from bot.core.search import Searcher

    console = Console(Replies(shipped, Searcher(shipped)))
    out = console.handle("/game who-said 1")
    assert "round 1 of 1" in out and "1. " in out and "Type the number" in out
    answer = console.game.current.answer
    number = console.game.current.choices.index(answer) + 1
    out = console.handle(str(number))
    assert "Right!" in out and "1 of 1 right" in out and console.game is None
    console.handle("/game finish 2")
    out = console.handle(console.game.current.answer.upper())
    assert out.startswith("Finish the line") or "Right!" in out
    assert "Right!" in out
    assert "Game over" in console.handle("/game stop")


def test_which_scene_offers_scenes_of_different_titles_with_the_sentence_inside_the_right_one(shipped) -> None:
    rng = random.Random(3)
    for _ in range(10):
        r = games.which_scene(shipped, rng)
        assert r is not None and r.answer in r.choices and len(r.choices) >= 3
        keys = {frozenset(games.normalise(c).split()) for c in r.choices}
        assert len(keys) == len(r.choices)  # no two buttons name the same people and place
        scene = next(s for s in shipped.scenes if s.id == r.scene)
        assert scene.title == r.answer and scene.start <= r.start < r.end <= scene.end


async def test_late_answers_are_not_counted_and_rounds_stay_inside_the_channels_ceiling(simcord_env, tmp_path) -> None:
    import discord

    env = simcord_env
    guild = env.create_guild()
    channel = guild.create_text_channel("general")
    role = guild.create_role("mod", permissions=discord.Permissions(manage_guild=True, manage_channels=True))
    mod = guild.add_member(env.create_user("mod"), roles=[role])
    reader = guild.add_member(env.create_user("reader"))
    chapters = "".join(
        f"Chapter {n}\n\n" + "".join(f'"The boats of the harbour are {word} tonight, my friend," said Ada Finch to Tom Reyes. '
                                       f'"The {word} boats will sail at dawn for the island," said Tom Reyes to Ada Finch.\n\n'
                                       for word in ("red", "blue", "green"))
        + f"Ada Finch and Tom Reyes walked along the quay of chapter {n} until the lamps were lit.\n\n"
        for n in (1, 2, 3))
    (tmp_path / "harbour.txt").write_text("The Harbour\n\n" + chapters)
    owl = config.StorySetting(name="owl-creek", path=tmp_path / "harbour.txt")
    env.bot.settings = replace(env.bot.settings, stories={**env.bot.settings.stories, "owl-creek": owl})
    env.bot.library.settings = env.bot.settings
    free = await reader.slash(channel, "game start", kind="finish", rounds=1, story="owl-creek")
    said = free.response.embeds[0].description
    assert "1 round from" in said and "chapters 1 to" not in said, said  # no ceiling, no progress: all of it
    await reader.slash(channel, "game stop")
    await reader.slash(channel, "progress", chapter="2", story="owl-creek")
    mine = await reader.slash(channel, "game start", kind="finish", rounds=1, story="owl-creek")
    assert "chapters 1 to 2" in mine.response.embeds[0].description, mine.response.embeds[0].description
    await reader.slash(channel, "game stop")
    ceiling = await mod.slash(channel, "ceiling", chapter=1, scope="channel", story="owl-creek")
    assert "up to chapter 1" in ceiling.response.embeds[0].description, ceiling.response.embeds[0].description
    started = await reader.slash(channel, "game start", kind="finish", rounds=3, story="owl-creek")
    assert "chapters 1 to 1" in started.response.embeds[0].description, started.response.embeds[0].description
    cog = env.bot.get_cog("Games")
    game = cog.games[channel.id]
    first = channel.last_message
    assert game.current.round.chapter == 1
    await env.advance_time(env.bot.settings.discord.game_seconds + 1)  # nobody answers in time
    closed = channel.history()[[m.id for m in channel.history()].index(first.id)]
    assert all(c.disabled for row in closed.components for c in row.children)  # no late answer can be given
    assert game.current.round.chapter == 1 and not game.points
