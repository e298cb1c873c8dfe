"""A moderator adds, updates, removes and shares stories from inside Discord (through SimCord):
the file is an attachment, checked before it is downloaded, read and indexed off the event loop;
the story is that server's own, survives a restart, and readers keep their progress by chapter."""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import discord
import pytest
import simcord

from bot import config
from bot.chat.discord_bot import StoryBot

ROOT = Path(__file__).resolve().parents[1]
AO3 = (ROOT / "tests" / "data" / "ao3-lanterns.html").read_bytes()

TWO_CHAPTERS = """The Lighthouse Keeper

Chapter 1: The Storm

Ada Finch climbed the stairs of the lighthouse while the wind screamed at the windows and the sea rose
over the rocks below. "The lamp must burn all night," said Ada Finch.

Chapter 2: The Ship

Tom Reyes saw the light from the deck of the broken ship, far off through the rain and the dark
water. "We are saved," said Tom Reyes to the crew.
"""
THREE_CHAPTERS = TWO_CHAPTERS + """
Chapter 3: The Morning

Ada Finch and Tom Reyes drank coffee on the rocks when the storm was over and the gulls came back
to the harbour. "You kept the lamp burning," said Tom Reyes.
"""


def settings_for(tmp_path: Path, **changes) -> config.Settings:
    base = config.load(ROOT / "config.yaml")
    return replace(base, data_dir=tmp_path / "data", cache_dir=tmp_path / "cache", **changes)


@pytest.fixture
def simcord_bot(tmp_path):
    bot = StoryBot(settings_for(tmp_path), sync="global")
    return bot


@pytest.fixture
def server(simcord_env):
    env = simcord_env
    guild = env.create_guild()
    channel = guild.create_text_channel("general")
    role = guild.create_role("mod", permissions=discord.Permissions(manage_guild=True))
    mod = guild.add_member(env.create_user("mod"), roles=[role])
    reader = guild.add_member(env.create_user("reader"))
    return env, guild, channel, mod, reader


def text_of(result) -> str:
    embed = result.response.embeds[0]
    return " ".join([embed.title or "", embed.description or ""] + [f.value for f in embed.fields])


async def test_a_moderator_adds_an_ao3_download_and_readers_ask_about_it(server, tmp_path) -> None:
    env, guild, channel, mod, reader = server
    result = await mod.slash(channel, "story add", file=("Lanterns on the River.html", AO3))
    steps = [r.json["embeds"][0]["description"] for r in env.http_requests
             if r.method == "PATCH" and "@original" in r.path and r.json and r.json.get("embeds")]
    assert steps[0].startswith("Downloading") and steps[-1].startswith("Added")  # one reply, edited
    text = text_of(result)
    assert "Added `Lanterns-on-the-River`" in text and "Lanterns on the River" in text
    assert "This server reads it now" in text
    listing = text_of(await reader.slash(channel, "story list"))
    assert "`Lanterns-on-the-River` (this server's own) ← this server reads it" in listing
    assert "`always-you`" in listing
    info = await reader.slash(channel, "story info")
    assert info.response.embeds[0].title == "Lanterns on the River"
    answer = text_of(await reader.slash(channel, "ask", question="who lit the first lantern?"))
    assert "Tobin" in answer and "periwinkle" not in answer.lower()  # tags are never the story
    kept = list((tmp_path / "data" / "stories").glob("*/*.html"))
    assert [p.parent.name for p in kept] == [str(guild.id)]  # this server's own folder
    assert not any((tmp_path / "data" / "stories" / ".incoming").iterdir())

    other = env.create_guild()
    elsewhere = other.create_text_channel("general")
    stranger = other.add_member(env.create_user("stranger"))
    assert "Lanterns" not in text_of(await stranger.slash(elsewhere, "story list"))
    refused = await stranger.slash(elsewhere, "story info", story="Lanterns-on-the-River")
    assert refused.ephemeral and "No story called" in text_of(refused)
    simcord.assert_error(env, discord.ext.commands.BadArgument)


async def test_adding_needs_manage_server_and_a_story_file_within_the_limit(server, tmp_path) -> None:
    env, guild, channel, mod, reader = server
    refused = await reader.slash(channel, "story add", file=("lanterns.html", AO3))
    assert refused.ephemeral and "Manage Server" in text_of(refused)
    simcord.assert_error(env, discord.ext.commands.MissingPermissions)
    wrong = await mod.slash(channel, "story add", file=("cover.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 64))
    assert wrong.ephemeral and "attach a .txt, .md, .html or .epub file" in text_of(wrong)
    env.bot.settings = replace(env.bot.settings, max_story_mb=0.001)
    big = await mod.slash(channel, "story add", file=("long.txt", TWO_CHAPTERS.encode() * 20))
    assert big.ephemeral and "at most 0.001 MB" in text_of(big)
    env.bot.settings = replace(env.bot.settings, max_story_mb=50.0)
    binary = await mod.slash(channel, "story add", file=("renamed.epub", b"MZ\x90\x00" + bytes(range(256)) * 8))
    assert "not" in text_of(binary).lower() and len(text_of(binary).splitlines()) == 1
    assert not list((tmp_path / "data" / "stories").glob("*/*.*"))  # nothing kept from any of them
    assert (await reader.slash(channel, "story info")).response.embeds[0].title == "Always You"


async def test_update_keeps_progress_and_remove_takes_it_away(server, tmp_path) -> None:
    env, guild, channel, mod, reader = server
    await mod.slash(channel, "story add", file=("lighthouse.txt", TWO_CHAPTERS.encode()))
    again = await mod.slash(channel, "story add", file=("lighthouse.txt", TWO_CHAPTERS.encode()))
    assert "/story update" in text_of(again)
    set_ = await reader.slash(channel, "progress", chapter="1")
    assert "chapter 1" in text_of(set_)
    updated = await mod.slash(channel, "story update", file=("lighthouse-v2.txt", THREE_CHAPTERS.encode()))
    assert "Updated `lighthouse`" in text_of(updated) and "3 chapters" in text_of(updated)
    progress = await reader.slash(channel, "progress")
    assert "chapter 1 of 3" in text_of(progress)
    hidden = text_of(await reader.slash(channel, "ask", question="who drank coffee on the rocks?"))
    assert "harbour" not in hidden and "kept the lamp" not in hidden  # chapter 3 is past this reader's horizon

    seed = await mod.slash(channel, "story remove", story="always-you")
    assert seed.ephemeral and "every server's story" in text_of(seed)
    removed = await mod.slash(channel, "story remove", story="lighthouse")
    assert "Removed `lighthouse`" in text_of(removed)
    assert "lighthouse" not in text_of(await reader.slash(channel, "story list"))
    assert (await reader.slash(channel, "story info")).response.embeds[0].title == "Always You"


async def test_a_story_added_in_discord_survives_a_restart(server, tmp_path) -> None:
    env, guild, channel, mod, reader = server
    await mod.slash(channel, "story add", file=("lighthouse.txt", TWO_CHAPTERS.encode()), name="keeper")
    await reader.slash(channel, "progress", chapter="1")
    await env.restart_bot(StoryBot(settings_for(tmp_path), sync="global"))
    assert "`keeper` (this server's own) ← this server reads it" in text_of(await reader.slash(channel, "story list"))
    assert "chapter 1 of 2 in `keeper`" in text_of(await reader.slash(channel, "progress"))


async def test_only_the_owner_shares_a_story_with_every_server(server, tmp_path) -> None:
    env, guild, channel, mod, reader = server
    await mod.slash(channel, "story add", file=("lighthouse.txt", TWO_CHAPTERS.encode()))
    refused = await mod.slash(channel, "story share", story="lighthouse")
    assert refused.ephemeral and "owner" in text_of(refused)
    env.bot.owner_id = mod.id
    await reader.slash(channel, "progress", chapter="1")
    shared = await mod.slash(channel, "story share", story="lighthouse")
    assert "Every server can read `lighthouse`" in text_of(shared)
    assert "chapter 1 of 2" in text_of(await reader.slash(channel, "progress"))  # kept by its name
    other = env.create_guild()
    elsewhere = other.create_text_channel("general")
    stranger = other.add_member(env.create_user("stranger"))
    listing = text_of(await stranger.slash(elsewhere, "story list"))
    assert "`lighthouse`" in listing and "own" not in listing


def test_a_story_another_process_adds_or_updates_is_seen_without_a_restart(tmp_path) -> None:
    """Two processes on one data_dir (here two libraries): what one adds for a server, or
    updates, the other sees at its first look after ``RECHECK`` seconds (one second in the bot),
    because the folders' and files' stamps changed."""
    import time

    from bot.chat.stories import StoryLibrary
    from bot.core import library

    settings = settings_for(tmp_path)
    mine, theirs = StoryLibrary(settings), StoryLibrary(settings)
    theirs.RECHECK = 0.05
    assert "keeper" not in theirs.visible(42)
    source = tmp_path / "keeper.txt"
    source.write_text(TWO_CHAPTERS)
    library.add(settings, source, "keeper", 42)
    time.sleep(0.06)
    assert theirs.visible(42).get("keeper") == "42/keeper" and "keeper" not in theirs.visible(7)
    assert len(theirs.whole("42/keeper").ix.chapters) == 2
    time.sleep(0.01)
    source.write_text(THREE_CHAPTERS)
    library.add(settings, source, "keeper", 42, replace=True)
    time.sleep(0.06)
    assert len(theirs.whole("42/keeper").ix.chapters) == 3  # the new version, read again
    assert mine.visible(42)["keeper"] == "42/keeper"


async def test_a_rejected_file_is_named_as_attached_never_by_this_machines_path(server, tmp_path) -> None:
    env, guild, channel, mod, reader = server
    for name, data in [("empty.txt", b""), ("Blank Lines.txt", b"   \n\n  \n")]:
        said = text_of(await mod.slash(channel, "story add", file=(name, data))).strip()
        assert said.startswith(f"`{name}` is empty") and len(said.splitlines()) == 1, said
        assert str(tmp_path) not in said and ".incoming" not in said, said
    zipped = text_of(await mod.slash(channel, "story add", file=("book.epub", b"PK\x03\x04" + b"\0" * 40))).strip()
    assert str(tmp_path) not in zipped and len(zipped.splitlines()) == 1, zipped


async def test_buttons_after_a_story_is_removed_or_shortened_say_so_privately(server, tmp_path) -> None:
    env, guild, channel, mod, reader = server
    await mod.slash(channel, "story add", file=("lighthouse.txt", THREE_CHAPTERS.encode()), name="keeper")
    await reader.slash(channel, "progress", chapter="3")
    asked = await reader.slash(channel, "ask", question="who drank coffee on the rocks?", story="keeper")
    await mod.slash(channel, "story update", file=("lighthouse.txt", TWO_CHAPTERS.encode()), story="keeper")
    assert "chapter 3 of `keeper`, which now has 2 chapters" in text_of(await reader.slash(channel, "progress"))
    pressed = await reader.click(asked.response, label="Whole scene")
    assert pressed.ephemeral and "The story has changed since this card was made" in text_of(pressed)

    quoted = await reader.slash(channel, "quote", story="keeper")
    await mod.slash(channel, "story remove", story="keeper")
    gone = await reader.click(quoted.response, label="Another")
    assert gone.acknowledged and gone.ephemeral and "no longer in the library" in text_of(gone)
