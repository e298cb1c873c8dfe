"""How the answer model's fusion settings (Weights.fuse_dense, fuse_lexical, rerank_top,
rerank_cross) do on the development sets only: the reader-style sets the model never saw
(devsplit.UNSEEN: Always You, the other stories, the novels' development part), the reader
questions' training part, and the FairytaleQA train stories kept out of training. Held-out questions are never read.

    python scripts/tune_fusion.py [SETTING ...]      # default: every setting below

Prints hit@1 / hit@3 / questions per set for each setting, the shipped one first.
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import statistics
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

import devsplit  # noqa: E402
from bot.core import index, library, loader, ranker, search  # noqa: E402
from train_ranker import dev_story  # noqa: E402

SETTINGS = {
    "shipped": {},
    "known-first-none": {"known_first": ()},
    "spouse-not-first": {"known_first": ("main", "setting", "appearance", "clothing", "fullname")},
    "known-first-identity": {"known_first": ("main", "setting", "appearance", "clothing", "identity")},
    "known-first-all": {"known_first": ("main", "setting", "appearance", "clothing", "identity", "relation")},
    "named0": {"fuse_named": 0},
    "named20": {"fuse_named": 20},
    "no-own-words-first": {"own_words_first": False},
    "amount0": {"amount_top": 0},
    "amount6": {"amount_top": 6},
    "chapter-named0": {"chapter_named_top": 0},
    "chapter-named10": {"chapter_named_top": 10},
    "dense30": {"fuse_dense": 30},
    "lexical1": {"fuse_lexical": 1.0},
    "dense30-lexical1": {"fuse_dense": 30, "fuse_lexical": 1.0},
    "rerank16": {"rerank_top": 16},
    "rerank-every-15": {"rerank_least": float("-inf")},
    "rerank0": {"rerank_top": 0},
    "rerank20-cross0.5": {"rerank_top": 20, "rerank_cross": 0.5},
    "cross1": {"rerank_cross": 1.0},
    "cross4": {"rerank_cross": 4.0},
    "quantity0": {"quantity_weight": 0.0},
    "quantity1": {"quantity_weight": 1.0},
    "quantity4": {"quantity_weight": 4.0},
    "quote80": {"quote_min": 80},
    "quote250": {"quote_min": 250},
}
NOVELS = {"Emma", "PrideAndPrejudice", "OliverTwist"}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("settings", nargs="*", help=f"any of {', '.join(SETTINGS)} (default: all)")
    ap.add_argument("--misses", type=Path, help="write the first setting's misses at hit@1 here, one JSON line each")
    args = ap.parse_args()
    unknown = [s for s in args.settings if s not in SETTINGS]
    if unknown:
        ap.error(f"unknown setting {unknown[0]!r}; choose from {', '.join(SETTINGS)}")
    args.settings = args.settings or list(SETTINGS)
    encoder = ranker.load()
    if encoder is None:
        sys.exit("tune_fusion: the answer model did not load (see the log)")
    items = [("novels" if it["story"] in NOVELS else "always-you" if it["story"] == "always-you" else "other stories", it, s)
             for it, s in devsplit.unseen(encoder) if it["expect"]]
    items += [("readers train", it, s) for it, s in devsplit.readers("train", encoder) if it["expect"]]
    for name, text, questions in devsplit.fairytale(lambda q: q["split"] == "train" and dev_story(q["story"])):
        found = library.searcher_for(index.build(loader.from_text(text, name)), encoder)
        items += [("fairytaleqa dev", {"q": q["question"], "gold": gold}, found) for q, gold in questions]
    misses = args.misses.open("w") if args.misses else None
    for name in args.settings:
        weights = dataclasses.replace(search.WEIGHTS, **SETTINGS[name])
        counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
        lengths = []
        for group, item, searcher in items:
            searcher.w = weights  # the fusion's settings are read at question time
            answers = searcher.ask(item["q"], top=3).answers
            lengths += [len(a.quote) for a in answers[:1]]
            ok = [any(s <= a.start < e for s, e in item["gold"]) if "gold" in item else
                  any(e in a.quote for e in item["expect"]) for a in answers]
            if misses and not (ok[:1] and ok[0]):
                misses.write(json.dumps({"group": group, "q": item["q"], "expect": item.get("expect"),
                                         "got": [a.quote for a in answers], "hit3": any(ok),
                                         "gold": [searcher.ix.text[s:e] for s, e in item.get("gold", [])]}) + "\n")
            for key in (group, "all"):
                counts[key][0] += bool(ok[:1] and ok[0])
                counts[key][1] += any(ok)
                counts[key][2] += 1
        print(f"{name}: " + "; ".join(f"{g} {h1}/{h3}/{n}" for g, (h1, h3, n) in sorted(counts.items()))
              + f"; first quote's median length {statistics.median(lengths or [0]):.0f} characters", flush=True)
        if misses:
            misses.close()
            misses = None
    for _, _, searcher in items:
        searcher.w = search.WEIGHTS


if __name__ == "__main__":
    main()
