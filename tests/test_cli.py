from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import main

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).resolve().parent / "data"


def run(args: list[str], cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bot", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=120)


def test_inspect_json_on_the_shipped_story(tmp_path: Path) -> None:
    result = run(["inspect", "--json"])
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["story"]["title"] == "Always You" and 1500 < data["story"]["words"] < 1700
    names = [c["name"] for c in data["characters"]]
    assert names[:3] == ["Klaus Mikaelson", "Caroline Forbes", "Marcel Gerard"]
    text = (ROOT / "seeds" / "always-you.txt").open(encoding="utf-8", newline=None).read()
    for line in data["dialogue"]:
        assert text[line["start"] : line["end"]].startswith(line["text"][:10])
    speakers = {d["speaker"] for d in data["dialogue"]}
    assert {"Klaus Mikaelson", "Caroline Forbes", "Marcel Gerard"} <= speakers
    for key in ("chapters", "scenes", "passages"):
        assert data[key] and all({"id", "start", "end"} <= set(item) for item in data[key])


def test_inspect_text_output_on_a_gutenberg_story() -> None:
    result = run(["inspect", "--story", str(DATA / "gift-of-the-magi.txt")])
    assert result.returncode == 0, result.stderr
    assert "The Gift of the Magi by O. Henry" in result.stdout
    assert "Della" in result.stdout and "Jim" in result.stdout


def bad(tmp_path: Path, name: str, content: bytes | None) -> Path:
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    return path


@pytest.mark.parametrize(
    ("setup", "expect"),
    [
        (lambda t: ["--story", str(bad(t, "empty.txt", b""))], "is empty"),
        (lambda t: ["--story", str(bad(t, "bin.txt", b"\x00\xff" * 100))], "binary"),
        (lambda t: ["--story", str(t / "missing.txt")], "does not exist"),
        (lambda t: ["--story", str(t)], "no .txt or .md stories"),
        (lambda t: ["--story", "alwaysyou"], "did you mean 'always-you'"),
    ],
)
def test_bad_stories_get_one_line_and_exit_2(tmp_path: Path, capsys, setup, expect) -> None:
    code = main(["inspect", *setup(tmp_path)])
    err = capsys.readouterr().err
    assert code == 2 and expect in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err


@pytest.mark.parametrize(
    ("config", "expect"),
    [
        ("stories: [unclosed", "not valid YAML"),
        ("colour: blue\n", "unknown key 'colour'"),
        ("stories:\n  x:\n    charcters: {}\n", "unknown key 'charcters'"),
        ("max_story_mb: 0.000001\n", "over the"),
    ],
)
def test_bad_config_gets_one_line_and_exit_2(tmp_path: Path, capsys, config: str, expect: str) -> None:
    path = tmp_path / "config.yaml"
    path.write_text(config)
    code = main(["--config", str(path), "inspect", "--story", str(DATA / "gift-of-the-magi.txt")])
    err = capsys.readouterr().err
    assert code == 2 and expect in err and len(err.strip().splitlines()) == 1


def test_every_config_key_is_documented() -> None:
    from bot import config

    import re

    readme = (ROOT / "README.md").read_text()
    for key in config.TOP_KEYS | config.STORY_KEYS | config.CHARACTER_KEYS:
        assert re.search(rf"`(?:[\w.]+\.)?{key}`", readme), key
