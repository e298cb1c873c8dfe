"""What the scripts that train, tune and calibrate the answer model share: the questions of a split
with a searcher for their story, and what the searcher weighed for a question.

- ``fairytale(keep)``: FairytaleQA stories (../shared/eval-data/fairytaleqa), each joined into one
  text as scripts/eval_answers.py does, with the questions ``keep`` accepts and each question's
  gold sections as character ranges.
- ``readers(split, encoder)``: the reader questions of one split (scripts/questions/readers.yaml),
  each with the searcher of its story (built once a story).
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


def readers(split: str, encoder: ranker.Encoder | None,
            weights: search.Weights = search.WEIGHTS) -> Iterator[tuple[dict, search.Searcher]]:
    """Each reader question of ``split`` with the searcher of its story."""
    settings = config.load(ROOT / "config.yaml")
    opened: dict[str, search.Searcher] = {}
    for item in yaml.safe_load((ROOT / "scripts" / "questions" / "readers.yaml").read_text(encoding="utf-8")):
        if item["split"] != split:
            continue
        story = item["story"]
        if story not in opened:
            path = STORIES.get(story, ROOT.parent / "shared" / "corpora" / f"{story}.txt")
            ix = library.open_index(settings, "always-you") if story == "always-you" else index.build(loader.from_path(path))
            opened[story] = library.searcher_for(ix, encoder, weights=weights)
        yield item, opened[story]


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
