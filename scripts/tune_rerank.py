"""Choose how the reranker joins the fused ranking (Weights.rerank_top and rerank_cross) on the
development split only: the FairytaleQA train stories kept out of the model's training
(scripts/train_ranker.py's dev_story) and the reader questions' training part. FairytaleQA val
and the held-out reader questions are never read.

    python scripts/tune_rerank.py

Each question is asked once with the reranker scoring the best 20 candidates; every setting is then
replayed from those scores. A candidate is right when it lies in a gold section (FairytaleQA) or
its passage holds an expected string (reader questions).
"""
from __future__ import annotations

import dataclasses
import itertools
import json
import sys
from pathlib import Path

import numpy as np
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from bot import config  # noqa: E402
from bot.core import index, library, loader, ranker, search  # noqa: E402
from train_ranker import FTQA, dev_story  # noqa: E402

DEPTH = 20


def record(searcher: search.Searcher, question: str, right) -> dict | None:
    captured = {}
    original = searcher._fuse

    def spy(q, order, combined):
        order, fusion = original(q, order, combined)
        captured["fusion"] = fusion
        return order, fusion

    searcher._fuse = spy
    try:
        searcher.ask(question, top=3)
    finally:
        searcher._fuse = original
    f = captured.get("fusion")
    if f is None or f.cross is None:
        return None
    k = len(f.cross)
    return {"fused": f.fused[:k], "cross": f.cross, "right": np.array([right(int(u)) for u in f.units[:k]])}


def collect(encoder, weights: search.Weights) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {"fairytaleqa dev": [], "readers train": []}
    stories = {json.loads(l)["story"]: json.loads(l) for l in (FTQA / "stories.jsonl").open(encoding="utf-8")}
    by_story: dict[str, list[dict]] = {}
    for line in (FTQA / "questions.jsonl").open(encoding="utf-8"):
        q = json.loads(line)
        if q["split"] == "train" and dev_story(q["story"]):
            by_story.setdefault(q["story"], []).append(q)
    for name, questions in by_story.items():
        texts = [s["text"].strip() for s in stories[name]["sections"]]
        ids = [s["id"] for s in stories[name]["sections"]]
        text, bounds = "", []
        for t in texts:
            bounds.append((len(text), len(text) + len(t)))
            text += t + "\n\n"
        s = library.searcher_for(index.build(loader.from_text(text, name)), encoder, weights=weights)
        for q in questions:
            gold = [bounds[i] for i, sid in enumerate(ids) if sid in q["gold_sections"]]
            r = record(s, q["question"], lambda u, s=s, gold=gold: any(a <= s.units[u][0] < b for a, b in gold))
            if r:
                out["fairytaleqa dev"].append(r)
    settings = config.load(ROOT / "config.yaml")
    paths = {"always-you": ROOT / "seeds" / "always-you.txt", "gift-of-the-magi": ROOT / "tests/data/gift-of-the-magi.txt",
             "owl-creek-bridge": ROOT / "tests/data/owl-creek-bridge.txt"}
    opened = {}
    for item in yaml.safe_load((ROOT / "scripts" / "questions" / "readers.yaml").read_text(encoding="utf-8")):
        if item["split"] != "train" or not item["expect"]:
            continue
        story = item["story"]
        if story not in opened:
            path = paths.get(story, ROOT.parent / "shared" / "corpora" / f"{story}.txt")
            ix = library.open_index(settings, "always-you") if story == "always-you" else index.build(loader.from_path(path))
            opened[story] = library.searcher_for(ix, encoder, weights=weights)
        s = opened[story]

        def right(u, s=s, expect=item["expect"]):
            p = s.ix.passages[int(s.unit_passage[u])]
            return any(e in s.ix.text[p.start : p.end] for e in expect)

        r = record(s, item["q"], right)
        if r:
            out["readers train"].append(r)
    return out


def replay(rows: list[dict], top: int, weight: float) -> tuple[float, float]:
    h1 = h3 = 0
    for r in rows:
        k = min(top, len(r["cross"]))
        right = r["right"].copy()
        if k > 1 and weight:
            again = np.argsort(-(search._z(r["fused"][:k]) + weight * search._z(r["cross"][:k])), kind="stable")
            right[:k] = right[:k][again]
        h1 += bool(right[0])
        h3 += bool(right[:3].any())
    return h1 / len(rows), h3 / len(rows)


def main() -> None:
    encoder = ranker.load()
    if encoder is None or not encoder.reranks:
        sys.exit("tune_rerank: the answer model has no reranker (see the log)")
    # Score the best 20 and keep the fused order; every setting is replayed from those scores.
    sets = collect(encoder, dataclasses.replace(search.WEIGHTS, rerank_top=DEPTH, rerank_cross=0.0))
    for name, rows in sets.items():
        print(f"{name}: {len(rows)} questions")
    results = []
    for top, weight in itertools.product([5, 8, 10, 15, 20], [0.0, 0.5, 1.0, 1.5, 2.0, 3.0, 5.0]):
        scores = {name: replay(rows, top, weight) for name, rows in sets.items()}
        results.append((top, weight, scores))
        print(f"top {top:2d} weight {weight:3.1f}: " + "; ".join(f"{n} {h1:.3f} / {h3:.3f}" for n, (h1, h3) in scores.items()),
              flush=True)
    best = max(results, key=lambda r: sum(h1 for h1, _ in r[2].values()))
    print(f"best by the sum of hit@1: top {best[0]}, weight {best[1]}")


if __name__ == "__main__":
    main()
