"""Choose how the reranker joins the fused ranking (Weights.rerank_top, rerank_cross, and the
depth bounds rerank_least and rerank_fewest) on the
development split only: the FairytaleQA train stories kept out of the model's training
(scripts/train_ranker.py's dev_story) and the reader-style questions the model never saw
(devsplit.unseen: the shipped story's, the other stories' and the novels' development part; the
reader questions' training part is not used, since the reranker learned those by heart).
FairytaleQA val and the held-out reader questions are never read.

    python scripts/tune_rerank.py

Each question is asked once with the reranker scoring the best 20 candidates; every setting is then
replayed from those scores. A candidate is right when it lies in a gold section (FairytaleQA) or
its passage holds an expected string (reader questions).
"""
from __future__ import annotations

import dataclasses
import itertools
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

import devsplit  # noqa: E402
from bot.core import index, library, loader, ranker, search  # noqa: E402
from bot.core.search import rerank  # noqa: E402
from train_ranker import dev_story  # noqa: E402

DEPTH = 20


def record(searcher: search.Searcher, question: str, right) -> dict | None:
    _, f, _ = devsplit.weighed(searcher, question)
    if f is None or f.cross is None:
        return None
    k = len(f.cross)
    return {"fused": f.fused[:k], "cross": f.cross, "right": np.array([right(int(u)) for u in f.units[:k]])}


def collect(encoder, weights: search.Weights) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {"fairytaleqa dev": [], "reader-style dev": []}
    for name, text, questions in devsplit.fairytale(lambda q: q["split"] == "train" and dev_story(q["story"])):
        s = library.searcher_for(index.build(loader.from_text(text, name)), encoder, weights=weights)
        for q, gold in questions:
            r = record(s, q["question"], lambda u, s=s, gold=gold: any(a <= s.units[u][0] < b for a, b in gold))
            if r:
                out["fairytaleqa dev"].append(r)
    for item, s in devsplit.unseen(encoder, weights):
        if not item["expect"]:
            continue

        def right(u, s=s, expect=item["expect"]):
            p = s.ix.passages[int(s.unit_passage[u])]
            return any(e in s.ix.text[p.start : p.end] for e in expect)

        r = record(s, item["q"], right)
        if r:
            out["reader-style dev"].append(r)
    return out


def replay(rows: list[dict], top: int, weight: float, least: float = float("-inf"),
           fewest: int = 0) -> tuple[float, float, float]:
    """hit@1, hit@3 and how many candidates were read on average, when the reranker reads the
    best ``top`` (of them only those whose fused score is at least ``least``, and never fewer
    than ``fewest``) and joins the fused score at ``weight``."""
    h1 = h3 = read = 0
    for r in rows:
        k = min(len(r["cross"]), top, max(fewest, int((r["fused"][:top] >= least).sum())))
        read += k
        right = r["right"].copy()
        if k > 1 and weight:
            again = np.argsort(-(rerank.z(r["fused"][:k]) + weight * rerank.z(r["cross"][:k])), kind="stable")
            right[:k] = right[:k][again]
        h1 += bool(right[0])
        h3 += bool(right[:3].any())
    return h1 / len(rows), h3 / len(rows), read / len(rows)


def main() -> None:
    encoder = ranker.load()
    if encoder is None or not encoder.reranks:
        sys.exit("tune_rerank: the answer model has no reranker (see the log)")
    # Score the best 20 and keep the fused order; every setting is replayed from those scores.
    sets = collect(encoder, dataclasses.replace(search.WEIGHTS, rerank_top=DEPTH, rerank_cross=0.0,
                                                rerank_least=float("-inf")))
    for name, rows in sets.items():
        print(f"{name}: {len(rows)} questions")
    results = []
    for top, weight in itertools.product([5, 8, 10, 15, 20], [0.0, 0.5, 1.0, 1.5, 2.0, 3.0, 5.0, 10.0, 100.0]):
        scores = {name: replay(rows, top, weight) for name, rows in sets.items()}
        results.append((top, weight, scores))
        print(f"top {top:2d} weight {weight:3.1f}: " + "; ".join(f"{n} {h1:.3f} / {h3:.3f}" for n, (h1, h3, _) in scores.items()),
              flush=True)
    best = max(results, key=lambda r: sum(h1 for h1, _, _ in r[2].values()))
    print(f"best by the sum of hit@1: top {best[0]}, weight {best[1]}")
    # A depth of its own for each question: the best 15 less those whose fused score is far below.
    for least, fewest in itertools.product([-1.0, -0.5, 0.0, 0.5, 1.0], [3, 5, 8, 10]):
        scores = {name: replay(rows, 15, 1.0, least, fewest) for name, rows in sets.items()}
        print(f"fused >= {least:4.1f}, at least {fewest:2d}: " + "; ".join(
            f"{n} {h1:.3f} / {h3:.3f} ({k:.1f} read)" for n, (h1, h3, k) in scores.items()), flush=True)


if __name__ == "__main__":
    main()
