"""Training groups for the answer model's reranking head: for each training question, the windows
the bot itself puts forward (the lexical and dense candidates of bot/core/search/, in its own
order), split into right and wrong, so the reranker learns exactly the choice it makes at run time.

    python scripts/rerank_data.py [--out .cache/train-ranker/groups.jsonl]

Questions (training data only; FairytaleQA val, the FairytaleQA development stories and the held-out
reader questions are never read):
- FairytaleQA train, less the development stories (scripts/train_ranker.py's dev_story): a window is
  right when it lies in a gold section. When no candidate is right, the gold section's window that
  shares most words with the human answers is the positive.
- The reader questions' training part (scripts/questions/readers.yaml, split: train): a window is
  right when its passage holds an expected string; when none does, the window around the string.
Each line: {"source", "q", "pos": window, "negs": [up to 7 wrong windows, best-ranked first]}.
"""
from __future__ import annotations

import argparse
import bisect
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

import devsplit  # noqa: E402
from bot.core import index, library, loader, ranker, search  # noqa: E402
from train_ranker import dev_story  # noqa: E402

NEGATIVES = 7


def candidates(searcher: search.Searcher, question: str) -> list[int]:
    """The windows the bot weighs for ``question`` (one per passage, in its order of preference)."""
    order, _, _ = devsplit.weighed(searcher, question)
    out, seen = [], set()
    for u in order[:400]:
        pi = int(searcher.unit_passage[u])
        if pi not in seen and not searcher.unit_bare[u]:
            seen.add(pi)
            out.append(u)
        if len(out) >= 30:
            break
    return out


def group(searcher, question: str, right, fallback) -> dict | None:
    units = candidates(searcher, question)
    pos = [u for u in units if right(u)]
    negs = [searcher.window(u) for u in units if not right(u)][:NEGATIVES]
    best = pos[0] if pos else fallback()
    if best is None or not negs:
        return None
    return {"q": question, "pos": searcher.window(best), "negs": negs, "rank": units.index(best) if pos else -1}


def fairytale(encoder, out) -> None:
    stories = list(devsplit.fairytale(lambda q: q["split"] == "train" and not dev_story(q["story"])))
    for n, (name, text, questions) in enumerate(stories):
        s = library.searcher_for(index.build(loader.from_text(text, name)), encoder)
        for q, gold in questions:
            inside = lambda u, gold=gold: any(a <= s.units[u][0] < b for a, b in gold)  # noqa: E731
            answer = set(search.words(" ".join(q["answers"])))

            def fallback(inside=inside, answer=answer):
                options = [u for u in range(len(s.units)) if inside(u)]
                if not options:
                    return None
                return max(options, key=lambda u: len(answer & set(search.words(s.window(u)))))

            g = group(s, q["question"], inside, fallback)
            if g:
                out.write(json.dumps({"source": "fairytaleqa", **g}) + "\n")
        if n % 20 == 0:
            print(f"FairytaleQA: {n} of {len(stories)} stories", flush=True)


def readers(encoder, out) -> None:
    for item, s in devsplit.readers("train", encoder):
        if not item["expect"]:
            continue
        passages = s.ix.passages

        def right(u, s=s, expect=item["expect"]):
            p = passages[int(s.unit_passage[u])]
            return any(e in s.ix.text[p.start : p.end] for e in expect)

        def fallback(s=s, expect=item["expect"]):
            for e in expect:
                at = s.ix.text.find(e)
                if at >= 0:
                    return max(0, bisect.bisect_right(s.unit_start.tolist(), at) - 1)
            return None

        g = group(s, item["q"], right, fallback)
        if g:
            out.write(json.dumps({"source": "readers", **g}) + "\n")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=ROOT / ".cache" / "train-ranker" / "groups.jsonl")
    args = ap.parse_args()
    encoder = ranker.load()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("w", encoding="utf-8") as out:
        readers(encoder, out)
        fairytale(encoder, out)
    ranks = [json.loads(l)["rank"] for l in args.out.open(encoding="utf-8")]
    print(f"wrote {len(ranks)} groups to {args.out}; the right window first for {np.mean([r == 0 for r in ranks]):.3f}, "
          f"among the candidates for {np.mean([r >= 0 for r in ranks]):.3f}")


if __name__ == "__main__":
    main()
