"""The README's examples still do what it says: every `$ storykeeper ...` example is run and its
documented output found in what it prints; every command in the bot's table is run in the
console, in order, and must give a real reply. Examples that need Discord or ../shared are named
here and skipped (the console's Discord-only commands must say so)."""
from __future__ import annotations

import re
import shlex
from dataclasses import replace
from pathlib import Path

import pytest

from bot import config
from bot.chat import commands
from bot.chat.console import Console
from bot.chat.stories import StoryLibrary
from bot.cli import main

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
NEEDS_SHARED = {"storykeeper relations --story ../shared/corpora/war-and-peace.txt --out docs/relations.png"}


def cli_examples() -> list[tuple[str, list[str]]]:
    """(command, documented output lines) for each indented `$ storykeeper` example."""
    out = []
    lines = README.splitlines()
    for i, line in enumerate(lines):
        if line.startswith("    $ storykeeper "):
            shown = []
            for follow in lines[i + 1:]:
                if follow and not follow.startswith("    ") or follow.startswith("    $ "):
                    break
                shown.append(follow.strip())
            while shown and not shown[-1]:
                shown.pop()
            out.append((line[6:].strip(), shown))
    return out


def table_examples() -> list[str]:
    """The example column of the bot's command table, in order."""
    found = []
    for row in re.findall(r"^\| `/[^\n]*\|([^|\n]*)\|\s*$", README, re.MULTILINE):
        found += re.findall(r"`(/[^`]+)`", row)
    return found


def _norm(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("command,shown", cli_examples(), ids=[c for c, _ in cli_examples()])
def test_every_command_line_example_prints_what_the_readme_shows(command, shown, tmp_path, capsys) -> None:
    if command in NEEDS_SHARED and not (ROOT.parent / "shared").is_dir():
        pytest.skip("needs ../shared")
    args = shlex.split(command)[1:]
    if "--out" in args:
        args[args.index("--out") + 1] = str(tmp_path / "picture.png")
    assert main(["--config", str(ROOT / "config.yaml"), *args]) == 0
    printed = _norm(capsys.readouterr().out)
    for line in shown:
        if not line:
            continue
        expected = _norm(re.split(r"\s*(?:\.\.\.|…)\s*$", line)[0])  # "..." marks where the README cuts
        assert expected in printed, (command, expected, printed[:600])


def test_every_bot_command_example_works_in_the_console(tmp_path) -> None:
    base = config.load(ROOT / "config.yaml")
    stories = dict(base.stories)
    stories["owl-creek"] = config.StorySetting(name="owl-creek", path=ROOT / "tests" / "data" / "owl-creek-bridge.txt")
    library = StoryLibrary(replace(base, stories=stories))
    console = Console(library.get(None), library=library, picture_dir=tmp_path)
    examples = table_examples()
    assert len(examples) >= 12 and "/quote Klaus about:jealous" in examples
    for example in examples:
        out = console.handle(example)
        command, _ = commands.find(example[1:])
        if command is not None and command.discord_only:
            assert "works on Discord only" in out, example
            continue
        assert out and "Type a command like" not in out, example
        assert console.shown is not None and not console.shown.error, (example, out[:300])
        if example.startswith("/quote Klaus"):
            assert "Klaus Mikaelson" in out  # the character given by place, before about:
