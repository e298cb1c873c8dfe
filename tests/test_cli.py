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
        ("seeds_dir: [1]\n", "seeds_dir must be a folder path"),
        ("data_dir: {a: 1}\n", "data_dir must be a folder path"),
        ("cache_dir: 7\n", "cache_dir must be a folder path"),
        ("max_story_mb: true\n", "max_story_mb must be a positive number"),
        ("default_story: a\nseeds_dir: seeds\ndefault_story: b\n", "'default_story' twice (line 3)"),
        ("discord:\n  prefix: '!'\n  prefix: '?'\n", "'prefix' twice"),
        (f"stories:\n  {'x' * 101}:\n    ignore: [A]\n", "1 to 100 characters"),
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
    for key in config.TOP_KEYS | config.STORY_KEYS | config.CHARACTER_KEYS | config.DISCORD_KEYS:
        assert re.search(rf"`(?:[\w.]+\.)?{key}`", readme), key


def test_ask_json_shape_and_offsets() -> None:
    result = run(["ask", "what did Marcel say about Caroline?", "--json", "--top", "2"])
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert set(data) == {"question", "confident", "answers", "suggestions", "unheard"}
    text = (ROOT / "seeds" / "always-you.txt").open(encoding="utf-8", newline=None).read()
    assert 1 <= len(data["answers"]) <= 2
    for a in data["answers"]:
        assert set(a) >= {"quote", "start", "end", "passage", "scene", "chapter", "characters", "speaker", "score"}
        assert text[a["start"] : a["end"]] == a["quote"]


def test_ask_reads_questions_from_stdin_one_a_line() -> None:
    lines = "who is Marcel?\n\n" + "x" * 600 + "\nwhere is the studio\n"
    result = subprocess.run([sys.executable, "-m", "bot", "ask", "--json"], input=lines, cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    answers = [json.loads(line) for line in result.stdout.splitlines()]
    assert [a["question"] for a in answers] == ["who is Marcel?", "where is the studio"]
    assert "ask in under 500" in result.stderr and "Traceback" not in result.stderr


def test_ask_text_output_and_bad_questions(capsys) -> None:
    assert main(["ask", "what did Caroline ask Klaus in his studio?"]) == 0
    out = capsys.readouterr().out
    assert "Will you wait for me?" in out and "studio" in out
    for blank in ("   ", "?", "...?!"):
        assert main(["ask", blank]) == 2
        assert "needs a question" in capsys.readouterr().err


def test_scene_and_quote_commands(capsys) -> None:
    assert main(["scene", "studio", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["query"] == "studio" and "studio" in data["scenes"][0]["title"]
    assert main(["quote", "--character", "marcell", "--json"]) == 0
    q = json.loads(capsys.readouterr().out)
    assert q["speaker"] == "Marcel Gerard" and set(q) == {"quote", "start", "end", "speaker", "scene", "chapter"}
    assert main(["quote", "--character", "Klaus", "--seed", "7"]) == 0
    first = capsys.readouterr().out
    assert main(["quote", "--character", "Klaus", "--seed", "7"]) == 0
    assert capsys.readouterr().out == first and "Klaus Mikaelson" in first
    assert main(["quote", "--character", "Zebedee"]) == 2
    assert "no character called 'Zebedee'" in capsys.readouterr().err


def test_every_bot_command_also_works_on_the_command_line(tmp_path: Path, capsys) -> None:
    assert main(["character", "carolin"]) == 0 and "Caroline Forbes" in capsys.readouterr().out
    assert main(["characters"]) == 0 and "Marcel Gerard" in capsys.readouterr().out
    assert main(["story"]) == 0 and "1,611 words" in capsys.readouterr().out
    assert main(["story", "info"]) == 0 and "1,611 words" in capsys.readouterr().out  # as the bot's /story info
    assert main(["summary", "scene", "the", "bar", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["characters"][0] == "Marcel Gerard" and len(data["sentences"]) <= 5
    out = tmp_path / "t.png"
    assert main(["timeline", "Klaus,", "Marcel", "--out", str(out)]) == 0
    assert out.read_bytes().startswith(b"\x89PNG") and "Klaus Mikaelson, Marcel Gerard" in capsys.readouterr().out
    assert main(["timeline", "Zebedee", "--out", str(out)]) == 2
    assert "no character called 'Zebedee'" in capsys.readouterr().err
    assert main(["relations", "--out", str(tmp_path / "missing" / "r.png")]) == 2
    assert "cannot write" in capsys.readouterr().err


@pytest.mark.parametrize("args,says", [
    (["--shard-ids", "0,1"], "--shard-ids needs --shard-count"),
    (["--shard-count", "2", "--shard-ids", "0,2"], "from 0 to 1"),
    (["--shard-count", "2", "--shard-ids", "a"], "a list of numbers"),
    (["--shard-count", "0"], "at least 1"),
])
def test_bad_shard_options_get_one_line(args, says, monkeypatch, capsys) -> None:
    monkeypatch.setenv("DISCORD_TOKEN", "not-a-real-token")
    assert main(["--config", str(ROOT / "config.yaml"), "run", *args]) == 2
    err = capsys.readouterr().err
    assert says in err and len(err.strip().splitlines()) == 1


def test_database_url_must_be_postgresql(tmp_path, capsys) -> None:
    cfg = tmp_path / "config.yaml"
    cfg.write_text("database_url: mysql://somewhere/db\n")
    assert main(["--config", str(cfg), "story"]) == 2
    assert "database_url must be a PostgreSQL URL" in capsys.readouterr().err


def test_a_profile_nobody_has_and_out_of_range_counts_exit_2_with_one_line(tmp_path: Path, capsys) -> None:
    config = str(ROOT / "config.yaml")
    assert main(["--config", config, "character", "Zebedee"]) == 2
    assert "I don't know anyone called “Zebedee”" in capsys.readouterr().err
    assert main(["--config", config, "character", ""]) == 2
    assert "give a character's name" in capsys.readouterr().err
    plain = tmp_path / "list.txt"
    plain.write_text("apples\npears\nplums\n" * 20, encoding="utf-8")
    assert main(["--config", config, "character", "klaus", "--story", str(plain)]) == 2
    err = capsys.readouterr().err
    assert "Characters include: ." not in err and "names no one" in err
    for top in ("0", "-3", "x"):
        with pytest.raises(SystemExit) as stop:
            main(["--config", config, "ask", "who is klaus", "--top", top])
        assert stop.value.code == 2
        assert "give a number from 1 to 10" in capsys.readouterr().err


def test_a_chapter_past_the_end_says_how_many_there_are_as_the_console_does(capsys) -> None:
    config = str(ROOT / "config.yaml")
    for args in (["summary", "2"], ["summary", "chapter", "9"]):
        assert main(["--config", config, *args]) == 2
        assert "there are 1" in capsys.readouterr().err, args


def test_commands_work_from_any_folder(tmp_path: Path) -> None:
    """Run from a folder with no config.yaml, the project's own settings and stories are used
    (it had said "no stories in <that folder>/seeds")."""
    result = run(["story"], cwd=tmp_path)
    assert result.returncode == 0 and "Always You" in result.stdout, result.stderr
