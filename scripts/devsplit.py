"""What the scripts that train, tune and calibrate the answer model share: the questions of a split
with a searcher for their story, and what the searcher weighed for a question.

- ``fairytale(keep)``: FairytaleQA stories (../shared/eval-data/fairytaleqa), each joined into one
  text as scripts/eval_answers.py does, with the questions ``keep`` accepts and each question's
  gold sections as character ranges.
- ``readers(split, encoder, name=...)``: the questions of one split of a reader question file
  (scripts/questions/NAME.yaml, readers.yaml by default), each with the searcher of its story
  (built once a story); ``unseen(encoder)``: those the answer model was never trained on.
- ``weighed(searcher, question)``: the order the answer model left the windows in and what it saw
  of them (ranker.Fusion), by asking the question once.
"""
from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot import config  # noqa: E402
from bot.core import index, library, loader, ranker, search  # noqa: E402

FTQA = ROOT.parent / "shared" / "eval-data" / "fairytaleqa"
STORIES = {"always-you": ROOT / "seeds" / "always-you.txt", "gift-of-the-magi": ROOT / "tests/data/gift-of-the-magi.txt",
           "owl-creek-bridge": ROOT / "tests/data/owl-creek-bridge.txt"}
CORPORA = ROOT.parent / "shared" / "corpora"
PDNC = ROOT.parent / "shared" / "eval-data" / "pdnc-dev"


def fairytale(keep: Callable[[dict], bool]) -> Iterator[tuple[str, str, list[tuple[dict, list[tuple[int, int]]]]]]:
    """(story name, its text, [(question, its gold sections' (start, end))]) for every story with a
    question ``keep`` accepts."""
    stories = {json.loads(l)["story"]: json.loads(l) for l in (FTQA / "stories.jsonl").open(encoding="utf-8")}
    by_story: dict[str, list[dict]] = {}
    for line in (FTQA / "questions.jsonl").open(encoding="utf-8"):
        q = json.loads(line)
        if keep(q):
            by_story.setdefault(q["story"], []).append(q)
    for name, questions in sorted(by_story.items()):
        texts = [s["text"].strip() for s in stories[name]["sections"]]
        ids = [s["id"] for s in stories[name]["sections"]]
        text, bounds = "", []
        for t in texts:
            bounds.append((len(text), len(text) + len(t)))
            text += t + "\n\n"
        yield name, text, [(q, [bounds[i] for i, sid in enumerate(ids) if sid in q["gold_sections"]]) for q in questions]


def story_path(story: str) -> Path | None:
    """A question's story: the shipped one, a path from the repository root, a book under
    ../shared/corpora, or a PDNC novel by its folder name."""
    for path in (STORIES.get(story), ROOT / story, CORPORA / story, CORPORA / f"{story}.txt", PDNC / story / "text.txt"):
        if path is not None and path.is_file():
            return path
    return None


def questions(name: str, split: str | None = None) -> list[dict]:
    """The items of scripts/questions/NAME.yaml (of one split when they have splits), each with
    its story (the shipped one where the file names none)."""
    path = ROOT / "scripts" / "questions" / f"{name}.yaml"
    if not path.exists():
        return []
    items = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [{"story": "always-you", **item} for item in items if split is None or item.get("split", split) == split]


_OPENED: dict[tuple, search.Searcher] = {}


def searcher(story: str, encoder: ranker.Encoder | None, weights: search.Weights = search.WEIGHTS) -> search.Searcher | None:
    """The searcher of a story (built once a run), or None when its text is not here."""
    key = (story, id(encoder), weights)
    if key not in _OPENED:
        path = story_path(story)
        if path is None:
            return None
        ix = library.open_index(config.load(ROOT / "config.yaml"), "always-you") if story == "always-you" \
            else index.build(loader.from_path(path))
        _OPENED[key] = library.searcher_for(ix, encoder, weights=weights)
    return _OPENED[key]


def readers(split: str, encoder: ranker.Encoder | None, weights: search.Weights = search.WEIGHTS,
            name: str = "readers") -> Iterator[tuple[dict, search.Searcher]]:
    """Each question of one split of a reader question file with the searcher of its story."""
    for item in questions(name, split):
        found = searcher(item["story"], encoder, weights)
        if found is not None:
            yield item, found


# Reader-style questions the answer model never saw in training (scripts/train_ranker.py reads the
# training part of readers.yaml only): what calibration is fitted on, so that the model's scores
# are judged on questions it has not learned by heart.
UNSEEN = (("always-you", None), ("corpora", None), ("novels", "dev"))


def unseen(encoder: ranker.Encoder | None,
           weights: search.Weights = search.WEIGHTS) -> Iterator[tuple[dict, search.Searcher]]:
    for name, split in UNSEEN:
        yield from readers(split, encoder, weights, name=name)


def weighed(searcher: search.Searcher, question: str) -> tuple[list[int], ranker.Fusion | None, search.AskResult]:
    """Ask ``question``: the windows in the order the answer model left them, what it saw of the
    best (None without the model), and the answer itself."""
    captured: dict = {}
    original = searcher._fuse

    def spy(q, order, combined):
        order, fusion = original(q, order, combined)
        captured["order"], captured["fusion"] = order, fusion
        return order, fusion

    searcher._fuse = spy
    try:
        result = searcher.ask(question, top=3)
    finally:
        searcher._fuse = original
    return [int(u) for u in captured.get("order", [])], captured.get("fusion"), result
