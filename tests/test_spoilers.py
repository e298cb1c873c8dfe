"""Several stories, settings that last, and a spoiler horizon for every reader (through SimCord)."""
from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import discord
import pytest
import simcord

from bot import config
from bot.chat.discord_bot import StoryBot
from bot.core import library

ROOT = Path(__file__).resolve().parents[1]
OWL = ROOT / "tests" / "data" / "owl-creek-bridge.txt"


def settings_for(tmp_path: Path) -> config.Settings:
    base = config.load(ROOT / "config.yaml")
    stories = dict(base.stories)
    stories["owl-creek"] = config.StorySetting(name="owl-creek", path=OWL)
    return replace(base, stories=stories, data_dir=tmp_path / "data")


@pytest.fixture
def simcord_bot(tmp_path):
    return StoryBot(settings_for(tmp_path), sync="global")


@pytest.fixture
def server(simcord_env):
    env = simcord_env
    guild = env.create_guild()
    channel = guild.create_text_channel("general")
    other = guild.create_text_channel("book-club")
    mod_role = guild.create_role("mod", permissions=discord.Permissions(manage_guild=True, manage_channels=True))
    mod = guild.add_member(env.create_user("mod"), roles=[mod_role])
    early = guild.add_member(env.create_user("early"))  # has read part I only
    done = guild.add_member(env.create_user("done"))  # has finished
    return env, channel, other, mod, early, done


def chapter_end(n: int) -> int:
    ix = library.open_index(config.load(ROOT / "config.yaml"), str(OWL))
    return ix.chapters[n - 1].end


async def test_story_list_and_use_need_permission(server) -> None:
    env, channel, _, mod, early, _ = server
    listing = await early.slash(channel, "story list")
    assert "`owl-creek`" in listing.response.embeds[0].description
    refused = await early.slash(channel, "story use", story="owl-creek")
    assert refused.ephemeral and "Manage Server" in refused.response.embeds[0].description
    simcord.assert_error(env, discord.ext.commands.MissingPermissions)
    done = await mod.slash(channel, "story use", story="owl-creek")
    assert "now reads `owl-creek`" in done.response.embeds[0].description
    info = await early.slash(channel, "story info")
    assert "Owl Creek" in info.response.embeds[0].title


async def test_two_readers_get_different_answers_and_nothing_past_their_horizon(server) -> None:
    env, channel, _, mod, early, done = server
    await mod.slash(channel, "story use", story="owl-creek")
    await early.slash(channel, "progress", chapter="1")
    await done.slash(channel, "progress", chapter="3")
    horizon = chapter_end(1)
    question = "What happened when Farquhar fell from the bridge?"
    a = await early.slash(channel, "ask", question=question)
    b = await done.slash(channel, "ask", question=question)
    assert a.response.embeds[0].description != b.response.embeds[0].description
    # Everything the early reader is shown must be from part I: check each command and button.
    ix_full = library.open_index(config.load(ROOT / "config.yaml"), str(OWL))
    late_text = ix_full.text[horizon:ix_full.end]
    late_only = {w for w in re.findall(r"[a-z]{7,}", late_text.lower())} - \
        {w for w in re.findall(r"[a-z]{7,}", ix_full.text[: horizon].lower())}
    shown = [a.response]
    click = await early.click(a.response, label="Whole scene")
    shown.append(click.response)
    for label in ("Next page", "Later", "Later", "Later"):
        buttons = {c["label"]: c for row in click.response.components for c in row["components"]}
        if label in buttons and not buttons[label].get("disabled"):
            click = await early.click(click.response, label=label)
            shown.append(click.response)
    for command, options in (("quote", {}), ("scene", {"keywords": "the forest and his wife"}),
                             ("summary", {"what": "story"}), ("characters", {}), ("story info", {})):
        result = await early.slash(channel, command, **options)
        shown.append(result.response)
    for message in shown:
        embed = message.embeds[0]
        text = " ".join([embed.title or "", embed.description or "", embed.footer.text or ""]
                        + [f.value for f in embed.fields]).lower()
        leaked = {w for w in late_only if re.search(rf"\b{w}\b", text)}
        assert not leaked, (leaked, text[:300])
    info = await early.slash(channel, "story info")
    assert dict((f.name, f.value) for f in info.response.embeds[0].fields)["Chapters"] == "1"
    # The reader who finished sees all three parts.
    info = await done.slash(channel, "story info")
    assert dict((f.name, f.value) for f in info.response.embeds[0].fields)["Chapters"] == "3"
    # Characters met only later do not exist for the early reader: not in profiles, lists or pictures.
    later = [c.name for c in ix_full.characters if c.first is not None and c.first >= horizon]
    for name in later:
        profile = await early.slash(channel, "character", name=name)
        assert profile.response.embeds[0].title != name
    picture = await early.slash(channel, "timeline")
    drawn = picture.response.embeds[0]  # (part I names no one yet: then it says there is no one to draw)
    assert not any(name in f"{drawn.title} {drawn.description}" for name in later)
    choices = await early.autocomplete(channel, "character", "name", "")
    view = library.open_story(env.bot.settings, str(OWL), 1)[0]
    assert all(c["value"] in {view.shown(ch.name) for ch in view.characters} for c in choices)


async def test_ceilings_for_server_and_channel_and_defaults(server) -> None:
    env, channel, other, mod, early, done = server
    await mod.slash(channel, "story use", story="owl-creek")
    refused = await early.slash(channel, "ceiling", chapter=1)
    assert refused.ephemeral and "Manage Server" in refused.response.embeds[0].description
    await mod.slash(other, "ceiling", chapter=1, scope="channel")
    here = await done.slash(other, "story info")
    there = await done.slash(channel, "story info")
    chapters = lambda r: dict((f.name, f.value) for f in r.response.embeds[0].fields)["Chapters"]  # noqa: E731
    assert chapters(here) == "1" and chapters(there) == "3"
    await mod.slash(channel, "ceiling", chapter=2, scope="default")
    assert chapters(await early.slash(channel, "story info")) == "2"  # no progress set: the default
    await early.slash(channel, "progress", chapter="3")
    assert chapters(await early.slash(channel, "story info")) == "3"


async def test_settings_survive_a_restart(server, tmp_path) -> None:
    env, channel, _, mod, early, _ = server
    await mod.slash(channel, "story use", story="owl-creek")
    await early.slash(channel, "progress", chapter="1")
    await env.restart_bot(StoryBot(settings_for(tmp_path), sync="global"))
    info = await early.slash(channel, "story info")
    assert "Owl Creek" in info.response.embeds[0].title
    assert dict((f.name, f.value) for f in info.response.embeds[0].fields)["Chapters"] == "1"
    mine = await early.slash(channel, "progress")
    assert "chapter 1 of 3" in mine.response.embeds[0].description


async def test_server_settings_channels_cooldown_and_permission(server) -> None:
    env, channel, other, mod, early, _ = server
    refused = await early.slash(channel, "settings cooldown", commands=1, seconds=60)
    assert refused.ephemeral and "Manage Server" in refused.response.embeds[0].description
    simcord.assert_error(env, discord.ext.commands.MissingPermissions)
    await mod.slash(channel, "settings cooldown", commands=1, seconds=60)
    await early.slash(channel, "ask", question="Who is Peyton Farquhar?")
    slow = await early.slash(channel, "ask", question="Who is Peyton Farquhar?")
    assert slow.ephemeral and "Try again in" in slow.response.embeds[0].description
    simcord.assert_error(env, discord.ext.commands.CommandOnCooldown)
    await mod.slash(other, "settings here", answer=True)  # from now on: only #book-club
    elsewhere = await mod.slash(channel, "characters")
    assert elsewhere.ephemeral and "not answering in this channel" in elsewhere.response.embeds[0].description
    simcord.assert_error(env, discord.ext.commands.CheckFailure)
    assert not (await mod.slash(other, "characters")).ephemeral
    shown = await mod.slash(channel, "settings show")  # settings always work
    fields = {f.name: f.value for f in shown.response.embeds[0].fields}
    assert str(other.id) in fields["Answers in"] and fields["Cooldown"] == "1 commands per 60 s"


@pytest.mark.parametrize("message_content", [True])
async def test_server_prefix(tmp_path, message_content) -> None:
    base = settings_for(tmp_path)
    bot = StoryBot(replace(base, discord=replace(base.discord, message_content=True)), sync="global")
    async with simcord.run(bot) as env:
        guild = env.create_guild()
        channel = guild.create_text_channel("general")
        role = guild.create_role("mod", permissions=discord.Permissions(manage_guild=True))
        mod = guild.add_member(env.create_user("mod"), roles=[role])
        await mod.send(channel, "!settings prefix ?")
        assert "start with `?`" in channel.last_message.embeds[0].description
        await mod.send(channel, "?story info")
        assert channel.last_message.embeds[0].title == "Always You"


async def test_buttons_of_a_reply_from_before_a_ceiling_stop_at_it(server) -> None:
    """A reply made while the whole story could be seen keeps its buttons; once a ceiling is set,
    pressing one is checked against the presser's horizon as it is now."""
    env, channel, _, mod, early, done = server
    await mod.slash(channel, "story use", story="owl-creek")
    answer = await done.slash(channel, "ask", question="what did farquhar see when he reached the gate of his home?")
    ix_full = library.open_index(config.load(ROOT / "config.yaml"), str(OWL))
    assert int(re.search(r"answer 1", answer.response.embeds[0].footer.text) is not None)
    await mod.slash(channel, "ceiling", chapter=1)
    pressed = await done.click(answer.response, label="Whole scene")
    text = pressed.response.embeds[0].description or ""
    assert pressed.ephemeral and "past chapter 1" in text
    late_only = set(re.findall(r"[a-z]{7,}", ix_full.text[chapter_end(1):ix_full.end].lower())) - \
        set(re.findall(r"[a-z]{7,}", ix_full.text[: chapter_end(1)].lower()))
    assert not {w for w in late_only if re.search(rf"\b{w}\b", text.lower())}


async def test_progress_0_says_what_a_ceiling_still_keeps(server) -> None:
    env, channel, _, mod, early, _ = server
    await mod.slash(channel, "story use", story="owl-creek")
    await mod.slash(channel, "ceiling", chapter=2)
    cleared = await early.slash(channel, "progress", chapter="0")
    text = cleared.response.embeds[0].description
    assert "chapter 2" in text and "all of" not in text.split("(")[0], text
    beyond = await early.slash(channel, "progress", chapter="3")
    assert "chapter 2" in beyond.response.embeds[0].description


async def test_a_story_name_over_100_characters_fits_in_autocomplete(tmp_path) -> None:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    long_name = "the-very-long-title-of-a-fan-work-" * 4  # 136 characters
    (seeds / f"{long_name}.txt").write_text((ROOT / "seeds" / "always-you.txt").read_text(encoding="utf-8"),
                                           encoding="utf-8")
    settings = replace(settings_for(tmp_path), seeds_dir=seeds, default_story=None, stories={})
    async with simcord.run(StoryBot(settings, sync="global")) as env:
        guild = env.create_guild()
        channel = guild.create_text_channel("general")
        reader = guild.add_member(env.create_user("reader"))
        choices = await reader.autocomplete(channel, "story info", "story", "the-very")
        assert choices and all(len(c["name"]) <= 100 and len(c["value"]) <= 100 for c in choices)
        info = await reader.slash(channel, "story info", story=choices[0]["value"])
        assert info.response.embeds[0].title == "Always You"
