"""The Discord layer, driven through the real discord.py by SimCord (no network)."""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
import simcord
from discord.ext import commands

from bot import config
from bot.chat import format as fmt
from bot.chat.discord_bot import StoryBot
from bot.chat.stories import StoryLibrary

ROOT = Path(__file__).resolve().parents[1]
SETTINGS = config.load(ROOT / "config.yaml")

MENTION_STORY = """Party Night

Tom Hale ran into the hall. "Hey @everyone, the cake is here! Tell <@123456789012345678> and <@&987654321098765432> too!" Tom Hale shouted to the room.

Ann Lee laughed at Tom. "You will wake the whole street, Tom Hale," said Ann Lee.
"""


@pytest.fixture(scope="module")
def stories() -> StoryLibrary:
    return StoryLibrary(SETTINGS)


def make_bot(stories: StoryLibrary, data_dir: Path, **discord_overrides) -> StoryBot:
    settings = replace(SETTINGS, data_dir=data_dir, discord=replace(SETTINGS.discord, **discord_overrides))
    stories.settings = settings
    return StoryBot(settings, sync="global", library=stories)


@pytest.fixture
def simcord_bot(request, stories, tmp_path):
    """The bot under test; parametrize indirectly with discord settings to change them."""
    return make_bot(stories, tmp_path, **getattr(request, "param", {}))


@pytest.fixture
def world(simcord_env):
    guild = simcord_env.create_guild()
    channel = guild.create_text_channel("general")
    alice = guild.add_member(simcord_env.create_user("alice"))
    bob = guild.add_member(simcord_env.create_user("bob"))
    simcord_env.guild_handle = guild
    return simcord_env, channel, alice, bob


def sent_payloads(env) -> list[dict]:
    """Every message body the bot sent: channel messages, interaction replies and edits."""
    out = []
    for r in env.http_requests:
        body = r.json or {}
        if isinstance(body, dict) and "data" in body and isinstance(body["data"], dict):
            body = body["data"]
        if isinstance(body, dict) and ("embeds" in body or "content" in body):
            out.append(body)
    return out


def edits(env) -> int:
    """How many times the bot edited a message in answer to a button (callback type 7)."""
    return sum(1 for r in env.http_requests if isinstance(r.json, dict) and r.json.get("type") == 7)


def assert_never_pings(env) -> None:
    payloads = sent_payloads(env)
    assert payloads
    for body in payloads:
        mentions = body.get("allowed_mentions")
        assert mentions is not None, body
        assert mentions.get("parse", []) == [] and not mentions.get("users") and not mentions.get("roles")
        assert not mentions.get("replied_user")


def assert_within_limits(env) -> None:
    for body in sent_payloads(env):
        assert len(body.get("content") or "") <= fmt.MESSAGE_MAX
        for embed in body.get("embeds") or []:
            assert len(embed.get("description") or "") <= fmt.EMBED_DESCRIPTION_MAX
            assert len(embed.get("title") or "") <= fmt.EMBED_TITLE_MAX
            assert len(embed.get("fields") or []) <= fmt.EMBED_FIELDS_MAX
            total = len(embed.get("title") or "") + len(embed.get("description") or "")
            total += sum(len(f["name"]) + len(f["value"]) for f in embed.get("fields") or [])
            total += len((embed.get("footer") or {}).get("text") or "")
            assert total <= fmt.EMBED_TOTAL_MAX


async def test_every_command_as_slash(world) -> None:
    env, channel, alice, _ = world
    result = await alice.slash(channel, "ask", question="What did Caroline ask Klaus in his studio?")
    assert "Will you wait for me?" in result.response.embeds[0].description
    assert "Caroline Forbes" in result.response.embeds[0].description
    assert "studio" in result.response.embeds[0].footer.text
    result = await alice.slash(channel, "quote", character="Marcel")
    assert "delicious little thing" in result.response.embeds[0].description
    result = await alice.slash(channel, "scene", keywords="studio")
    assert "studio" in result.response.embeds[0].title
    result = await alice.slash(channel, "character", name="Klaus")
    embed = result.response.embeds[0]
    assert embed.title == "Klaus Mikaelson"
    assert {f.name for f in embed.fields} >= {"Also called", "Appears", "Talks most to", "First appearance", "Says"}
    result = await alice.slash(channel, "characters")
    assert "Caroline Forbes" in result.response.embeds[0].description
    result = await alice.slash(channel, "story info")
    assert result.response.embeds[0].title == "Always You"
    result = await alice.slash(channel, "help")
    assert any("/ask" in f.name for f in result.response.embeds[0].fields)
    assert_never_pings(env)
    assert_within_limits(env)


async def test_commands_by_mention_without_message_content(world) -> None:
    env, channel, alice, _ = world
    await alice.send(channel, f"{env.bot.user.mention} ask what did Marcel say about Caroline?")
    assert "delicious little thing" in channel.last_message.embeds[0].description
    await alice.send(channel, f"{env.bot.user.mention} quote Klaus")
    assert "Klaus Mikaelson" in channel.last_message.embeds[0].description
    await alice.send(channel, "!ask who is Marcel")  # no message-content intent: not for us
    assert "Marcel" not in (channel.last_message.embeds[0].description if channel.last_message.embeds else "")
    assert_never_pings(env)


@pytest.mark.parametrize("simcord_bot", [{"message_content": True}], indirect=True)
async def test_plain_prefix_commands_when_message_content_is_on(world) -> None:
    env, channel, alice, _ = world
    expected = {
        "!ask what did Caroline ask Klaus in his studio?": "Will you wait for me?",
        "!quote Marcel": "delicious little thing",
        "!scene studio": "studio",
        "!character Caroline": "Caroline Forbes",
        "!characters": "Marcel Gerard",
        "!story": "Always You",
        "!help": "!ask",
    }
    for command, text in expected.items():
        await alice.send(channel, command)
        embed = channel.last_message.embeds[0]
        shown = " ".join([embed.title or "", embed.description or ""] + [f.name + f.value for f in embed.fields])
        assert text in shown, command
    assert_never_pings(env)


async def test_paging_and_another_quote_buttons(world) -> None:
    env, channel, alice, _ = world
    result = await alice.slash(channel, "scene", keywords="jealous")
    click = await alice.click(result.response, label="Whole scene")
    assert "page 1 of 3" in click.response.embeds[0].footer.text
    click = await alice.click(click.response, label="Next page")
    assert "page 2 of 3" in click.response.embeds[0].footer.text
    click = await alice.click(click.response, label="Previous page")
    assert "page 1 of 3" in click.response.embeds[0].footer.text
    result = await alice.slash(channel, "quote", character="Klaus")
    click = await alice.click(result.response, label="Another")
    assert "Klaus Mikaelson" in click.response.embeds[0].description
    for _ in range(3):  # another is another line, never the one on show
        shown = click.response.embeds[0].description
        click = await alice.click(click.response, label="Another")
        assert click.response.embeds[0].description != shown
    assert_within_limits(env)


async def test_autocomplete_names_and_scenes(world) -> None:
    env, channel, alice, _ = world
    choices = await alice.autocomplete(channel, "character", "name", "car")
    assert choices[0]["value"] == "Caroline Forbes" and len(choices) <= 25
    choices = await alice.autocomplete(channel, "quote", "character", "marcell")
    assert choices[0]["value"] == "Marcel Gerard"
    choices = await alice.autocomplete(channel, "scene", "keywords", "stu")
    assert any("studio" in c["value"] for c in choices) and len(choices) <= 25


async def test_buttons_move_through_the_story_for_the_asker_only(world) -> None:
    env, channel, alice, bob = world
    result = await alice.slash(channel, "ask", question="What did Marcel think of Caroline?")
    message = result.response
    labels = [c["label"] for row in message.components for c in row["components"]]
    if "See 1" in labels:  # an unsure answer lists the likeliest passages first: see the first
        message = (await alice.click(message, label="See 1")).response
    first = message.embeds[0].description
    click = await alice.click(message, label="Later")
    later = click.response.embeds[0].description
    assert later != first and "passage" in click.response.embeds[0].footer.text
    click = await alice.click(click.response, label="Earlier")
    assert "passage" in click.response.embeds[0].footer.text
    click = await alice.click(click.response, label="Other answers")
    assert "answer 2 of" in click.response.embeds[0].footer.text
    click = await alice.click(click.response, label="Whole scene")
    assert "page 1 of" in click.response.embeds[0].footer.text
    edits_before = edits(env)
    assert edits_before >= 4  # alice's four clicks each edited her message
    enabled = next(c["label"] for row in click.response.components for c in row["components"] if not c.get("disabled"))
    hint = await bob.click(click.response, label=enabled)
    assert hint.ephemeral and "belong to whoever asked" in hint.response.content
    assert edits(env) == edits_before  # bob's click changed nothing on alice's message
    assert_never_pings(env)


async def test_buttons_stop_and_show_disabled_after_the_timeout(world) -> None:
    env, channel, alice, _ = world
    await alice.slash(channel, "ask", question="Where is the studio?")
    await env.advance_time(SETTINGS.discord.view_timeout + 5)
    message = channel.last_message
    buttons = [c for row in message.components for c in row.children]
    assert buttons and all(b.disabled for b in buttons)


async def test_did_you_mean_for_a_misspelled_name(world) -> None:
    env, channel, alice, _ = world
    result = await alice.slash(channel, "character", name="Carl")
    assert result.ephemeral and "Did you mean" in result.response.embeds[0].description
    click = await alice.click(result.response, label="Caroline Forbes")
    assert click.response.embeds[0].title == "Caroline Forbes"


async def test_caps_and_cooldowns(world) -> None:
    env, channel, alice, bob = world
    result = await alice.slash(channel, "ask", question="why " * 200)
    assert result.ephemeral and "under 300 characters" in result.response.embeds[0].description
    for _ in range(SETTINGS.discord.cooldown_rate - 1):
        await alice.slash(channel, "ask", question="who is Marcel?")
    slow = await alice.slash(channel, "ask", question="who is Marcel?")
    assert slow.ephemeral and "Try again in" in slow.response.embeds[0].description
    simcord.assert_error(env, commands.CommandOnCooldown)  # handled: the user was told
    other = await bob.slash(channel, "ask", question="who is Marcel?")  # cooldowns are per user
    assert not other.ephemeral
    await env.advance_time(SETTINGS.discord.cooldown_seconds + 1)
    again = await alice.slash(channel, "ask", question="who is Marcel?")
    assert not again.ephemeral


async def test_other_bots_are_ignored(world) -> None:
    env, channel, alice, _ = world
    member = env.guild_handle.add_member(env.create_user("otherbot", bot=True))
    before = len(sent_payloads(env))
    await member.send(channel, f"{env.bot.user.mention} ask who is Marcel?")
    assert len(sent_payloads(env)) == before


async def test_errors_reach_the_user_briefly_and_the_bot_keeps_running(world, monkeypatch, caplog) -> None:
    env, channel, alice, _ = world
    if env.bot.search_processes is not None:  # the broken method is patched here, so search here
        env.bot.search_processes.shutdown()
        env.bot.search_processes = None
    replies = env.bot.library.get("always-you")

    def broken(question: str):
        raise RuntimeError("index exploded")

    monkeypatch.setattr(replies, "ask", broken)
    result = await alice.slash(channel, "ask", question="who is Marcel?")
    assert result.ephemeral and "went wrong on my side" in result.response.embeds[0].description
    assert "index exploded" in caplog.text
    simcord.assert_error(env, contains="index exploded")
    monkeypatch.undo()
    result = await alice.slash(channel, "story info")
    assert result.response.embeds[0].title == "Always You"


async def test_story_text_with_mentions_stays_inert(tmp_path) -> None:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "party.txt").write_text(MENTION_STORY)
    settings = replace(SETTINGS, seeds_dir=seeds, default_story="party", cache_dir=tmp_path / "cache",
                       data_dir=tmp_path / "data")
    bot = StoryBot(settings, sync="global")
    async with simcord.run(bot) as env:
        guild = env.create_guild()
        channel = guild.create_text_channel("general")
        alice = guild.add_member(env.create_user("alice"))
        result = await alice.slash(channel, "quote", character="Tom")
        text = result.response.embeds[0].description
        assert "everyone" in text and "@everyone" not in text and "<@123456789012345678>" not in text
        result = await alice.slash(channel, "ask", question="<@123> what did Tom shout @everyone?")
        assert "@everyone" not in result.response.embeds[0].title
        assert_never_pings(env)


async def test_a_lost_settings_database_gets_a_private_try_again(world, simcord_bot, monkeypatch) -> None:
    from bot.chat.store import StoreUnavailable

    env, channel, alice, _ = world

    def lost(*_args):
        raise StoreUnavailable("lost the connection to the PostgreSQL server at db:5432")

    monkeypatch.setattr(simcord_bot.store, "set_progress", lost)
    result = await alice.slash(channel, "progress", chapter="1")
    assert result.ephemeral and "try again in a moment" in result.response.embeds[0].description
    simcord.assert_error(env, commands.HybridCommandError)  # handled (StoreUnavailable inside): the reader was told
    monkeypatch.undo()
    again = await alice.slash(channel, "progress", chapter="1")  # the bot is still there
    assert not again.ephemeral or "try again" not in again.response.embeds[0].description
