from __future__ import annotations

import ast
import logging
import pickle
from pathlib import Path

from bot.config import StorySetting
from bot.core import index, loader

BOT = Path(__file__).resolve().parents[1] / "bot"
STORY = "Anna Lee met Tom Hale at the bar.\n\n“Hello,” said Tom. Anna Lee laughed.\n\n***\n\nTom Hale left. Anna stayed.\n"


def test_cache_is_reused_and_keyed_by_content_and_config(tmp_path: Path) -> None:
    story = loader.from_text(STORY, "t")
    first = index.load_or_build(story, StorySetting("t"), tmp_path)
    files = list(tmp_path.glob("*.pickle"))
    assert len(files) == 1
    again = index.load_or_build(story, StorySetting("t"), tmp_path)
    assert again.to_dict() == first.to_dict()
    other = StorySetting("t", ignore=("Tom",))
    assert index.cache_key(story, other) != index.cache_key(story, StorySetting("t"))
    changed = loader.from_text(STORY + "More.\n", "t")
    assert index.cache_key(changed, StorySetting("t")) != index.cache_key(story, StorySetting("t"))


def test_corrupt_or_stale_cache_is_rebuilt_with_one_log_line(tmp_path: Path, caplog) -> None:
    story = loader.from_text(STORY, "t")
    index.load_or_build(story, StorySetting("t"), tmp_path)
    (path,) = tmp_path.glob("*.pickle")
    path.write_bytes(b"not a pickle")
    with caplog.at_level(logging.WARNING):
        rebuilt = index.load_or_build(story, StorySetting("t"), tmp_path)
    assert rebuilt.characters and len(caplog.records) == 1 and "rebuilding" in caplog.text
    stale = index.build(story)
    stale.format = -1
    path.write_bytes(pickle.dumps(stale))
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        assert index.load_or_build(story, StorySetting("t"), tmp_path).format == index.FORMAT
    assert "stale" in caplog.text


def test_an_upgrade_of_any_core_code_rebuilds_the_cache() -> None:
    """The cache key's code digest reads the search and readers packages too: a searcher pickled
    by older code is never loaded by newer code that reads what it lacks."""
    sources = index.core_sources()
    for path in ("core/index.py", "core/search/lexicon.py", "core/search/searcher.py", "core/readers/epub.py"):
        assert BOT / path in sources


def test_every_offset_finds_its_text() -> None:
    ix = index.build(loader.from_text(STORY, "t"))
    data = ix.to_dict()
    for d in data["dialogue"]:
        assert ix.text[d["start"] : d["end"]].startswith(d["text"].split()[0])
    for p in data["passages"]:
        assert ix.text[p["start"] : p["end"]].strip() == ix.text[p["start"] : p["end"]]
    assert [s["characters"] for s in data["scenes"]][0][:2] in (["Tom Hale", "Anna Lee"], ["Anna Lee", "Tom Hale"])


def test_core_never_imports_discord() -> None:
    for path in (BOT / "core").rglob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                assert not any(a.name.split(".")[0] == "discord" for a in node.names), path
            elif isinstance(node, ast.ImportFrom):
                assert (node.module or "").split(".")[0] != "discord", path


def test_a_name_only_ever_called_out_is_the_person_who_answers_to_it() -> None:
    fill = "The rain fell on the roofs of the old town, and the lamps were lit along the river."
    calls = []
    for k in range(4):
        calls.append(f'"Nettie, will you pour the tea?" asked Tom Hale. {fill}\n\n'
                     f'"In a moment," said Anna Brown, and she smiled at Tom Hale. {fill}\n\n'
                     f'Anna Brown poured the tea, and Tom Hale thanked Anna Brown. {fill}\n\n'
                     f'"Nettie, you are kind," said Tom Hale.\n\n"Not at all," said Anna Brown. {fill}\n\n')
    story = "Nettie had asked Tom Hale to tea, as she did every week.\n\n" + "".join(calls)
    ix = index.build(loader.from_text(story + "Tom Hale and Anna Brown walked home together.\n", "tea"))
    anna = next(c for c in ix.characters if c.name == "Anna Brown")
    assert "Nettie" in anna.aliases and all("Nettie" not in c.name for c in ix.characters), \
        [(c.name, c.aliases) for c in ix.characters]


def test_a_character_the_config_names_is_never_joined_to_who_answers_it() -> None:
    from bot.config import CharacterSetting

    fill = "The rain fell on the roofs of the old town, and I watched the lamps along the river."
    rounds = "".join(f'"Watson, look at this boot," said Holmes. {fill}\n\n'
                     f'"It is a common boot," said Lestrade, and Lestrade laughed. {fill}\n\n'
                     f'"I think not," said I. I sat down by the fire and I lit my pipe. {fill}\n\n' for _ in range(5))
    text = f"I had known Holmes for years, and I went with him to see Lestrade.\n\n{rounds}Holmes went home.\n"
    setting = StorySetting(name="boot", characters=(CharacterSetting("John Watson", ("Watson",), "male"),))
    ix = index.build(loader.from_text(text, "boot"), setting)
    assert {"John Watson", "Lestrade"} <= {c.name for c in ix.characters}
    assert "Watson" not in next(c for c in ix.characters if c.name == "Lestrade").aliases


def test_a_place_is_never_cut_at_saint() -> None:
    """"at St. James's" is no place called "St" (a scene was "Mr. Bennet sends to Mr. Collins in St")."""
    from bot.core.index import _PROPER_PLACE

    assert [m.group(1) for m in _PROPER_PLACE.finditer("presented at St. James’s, and then to St. Petersburg")] \
        == ["St. Petersburg"]
