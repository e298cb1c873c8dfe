"""The local console: the bot's commands and buttons in a terminal, driven through stdin."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from bot import config
from bot.chat.console import Console
from bot.chat.replies import Replies
from bot.core import library

ROOT = Path(__file__).resolve().parents[1]


def console() -> Console:
    settings = config.load(ROOT / "config.yaml")
    ix, searcher = library.open_story(settings, "always-you")
    return Console(Replies(ix, searcher, settings.discord.max_question_chars), settings.discord.prefix)


def test_commands_and_buttons_as_numbers(tmp_path: Path) -> None:
    c = console()
    c.picture_dir = tmp_path  # (pictures are saved, not shown)
    out = c.handle("/ask What did Caroline ask Klaus in his studio?")
    assert "Will you wait for me?" in out and "[1] Earlier" in out and "[4] Whole scene" in out
    out = c.handle("4")
    assert "page 1 of" in out and "Scene 7" in out
    out = c.handle("!quote marcell")
    assert "delicious little thing" in out and "Marcel Gerard" in out
    out = c.handle("/quote character:Klaus about:jealous")
    assert "Klaus Mikaelson" in out
    out = c.handle("/character Carl")
    assert "Did you mean" in out and "[1] Caroline Forbes" in out
    assert c.handle("1").startswith("Caroline Forbes")
    assert "9 buttons" not in c.handle("9") and "buttons; type 1 to" in c.handle("9")
    assert "Type a command like /ask" in c.handle("hello there")
    assert "under 300 characters" in c.handle("/ask " + "why " * 200)
    assert "I don't know" not in c.handle("/quote about:") and "— " in c.handle("/quote character:")  # empty: any
    c.handle("/game who-said 3")
    assert c.game is not None and c.game.kind == "who-said"
    assert "already running" in c.handle("/game finish 2") and c.game.kind == "who-said"
    c.handle("/game stop")
    assert "Where Klaus Mikaelson appears" in c.handle("/timeline klaus")
    c.handle("/scene caroline")
    c.handle("/characters")  # a reply with no buttons: the scene's are gone with it
    assert "Type a command like /ask" in c.handle("1"), c.handle("1")


def test_run_without_a_token_starts_the_console_on_stdin(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "DISCORD_TOKEN"}
    result = subprocess.run(
        [sys.executable, "-m", "bot", "--config", str(ROOT / "config.yaml"), "run"],
        input="/story\n/scene the bar\n2\nquit\n", capture_output=True, text=True, cwd=tmp_path, env=env,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "Always You" in result.stdout and "Scene 3" in result.stdout and "page 1 of" in result.stdout
    assert "Traceback" not in result.stderr


def test_progress_keeps_later_chapters_out_of_answers() -> None:
    settings = config.load(ROOT / "config.yaml")
    story = str(ROOT / "tests" / "data" / "owl-creek-bridge.txt")

    def reopen(chapter: int | None) -> Replies:
        return Replies(*library.open_story(settings, story, chapter), settings.discord.max_question_chars)

    c = Console(reopen(None), reopen=reopen)
    question = "/ask what did his wife do on the veranda"
    assert "steps down from the veranda" in c.handle(question)  # the end of the story, chapter III
    assert "You haven't set your progress" in c.handle("/progress")
    assert "up to the end of chapter 1" in c.handle("/progress 1")
    assert "chapter 1 of 3" in c.handle("/progress")
    assert "steps down from the veranda" not in c.handle(question)
    assert "has chapters 1 to 3" in c.handle("/progress 7") and "Give a chapter:" in c.handle("/progress x")
    assert "all of" in c.handle("/progress 0") and "steps down from the veranda" in c.handle(question)


def test_autocomplete_ignores_accents() -> None:
    from conftest import build_text
    from bot.core.search import Searcher

    ix = build_text("Sasha danced with Natásha. Sasha laughed, and Natásha smiled at Sasha.\n\n"
                    "Later Sasha sang while Natásha listened, and Sasha played.\n", "accents")
    replies = Replies(ix, Searcher(ix), 300)
    assert replies.complete_character("tasha")[0] == "Natásha"  # not Sasha, one letter off


def test_progress_works_for_a_story_given_by_path(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "DISCORD_TOKEN"}
    result = subprocess.run(
        [sys.executable, "-m", "bot", "--config", str(ROOT / "config.yaml"), "run", "--console",
         "--story", str(ROOT / "tests" / "data" / "owl-creek-bridge.txt")],
        input="/progress 1\n/story\n/story use always-you\n/story list\n", capture_output=True, text=True,
        cwd=tmp_path, env=env, timeout=120)
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    assert "up to the end of chapter 1" in result.stdout and "Chapters: 1" in result.stdout
    # The story given by its path stays in the list, to go back to.
    assert f"`{ROOT / 'tests' / 'data' / 'owl-creek-bridge.txt'}`\n" in result.stdout.split("Now reading")[1]
