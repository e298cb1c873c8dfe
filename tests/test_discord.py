from __future__ import annotations

import pytest
import simcord

from bot import config
from bot.chat.discord_bot import StoryBot
from bot.chat.replies import Replies
from bot.core import library

ROOT = __import__("pathlib").Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def replies() -> Replies:
    settings = config.load(ROOT / "config.yaml")
    ix, searcher = library.open_story(settings, "always-you")
    return Replies(ix, searcher, settings.discord.max_question_chars)


@pytest.fixture
def simcord_bot(replies):
    settings = config.load(ROOT / "config.yaml")
    return StoryBot(settings, sync="global", replies=replies)


@pytest.fixture
def env(simcord_env):
    return simcord_env


async def test_slash_ask(env) -> None:
    guild = env.create_guild()
    channel = guild.create_text_channel("general")
    alice = guild.add_member(env.create_user("alice"))
    result = await alice.slash(channel, "ask", question="What did Caroline ask Klaus in his studio?")
    embed = result.response.embeds[0]
    assert "Will you wait for me?" in embed.description
