"""Which question signals earn their place: each switched off in turn (its weight set to nothing),
on the development split only (the FairytaleQA train stories kept out of the model's training,
the reader questions' training part, and the shipped story's own question set), with the answer
model and (--lexical) without it, as the bot answers when the model cannot load. A signal stays
if switching it off costs something either way. FairytaleQA val and the held-out reader
questions are never read.

    python scripts/ablate_signals.py [--lexical] [--only WORDS]

A FairytaleQA answer is right when it starts in a gold section; a reader answer when its quote
holds an expected string. Every variant answers with the same built searchers (Searcher.reweighed).
"""
from __future__ import annotations

import argparse
import dataclasses
import sys

import yaml
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

import devsplit  # noqa: E402
from bot import config  # noqa: E402
from bot.core import index, library, loader, ranker, search  # noqa: E402
from train_ranker import dev_story  # noqa: E402

# Each signal (bot/core/search/signals.py and retrieval.py) and the weights that switch it off.
OFF = {
    "phrases (word pairs)": {"phrase_weight": 0.0},
    "neighbouring passages (smoothing)": {"smooth": 0.0},
    "the passage's own score": {"passage_weight": 0.0},
    "answer categories and full names": {"category_weight": 0.0},
    "where in the story (end, start)": {"position_weight": 0.0},
    "whose words (window)": {"speaker_weight": 0.0},
    "whose words (passage)": {"passage_speaker_boost": 0.0},
    "characters named (passage)": {"passage_name_boost": 0.0},
    "possessive (her eyes)": {"possessive_weight": 0.0},
    "who is X: described": {"described_weight": 0.0},
    "a colour near what is asked": {"near_weight": 0.0},
    "the story's knowledge": {"known_top": 0},
    "the reply after a moment": {"reply_first": False},
}


def questions(encoder):
    """(set name, searcher, question, right(answer)) for the development split."""
    for name, text, items in devsplit.fairytale(lambda q: q["split"] == "train" and dev_story(q["story"])):
        s = library.searcher_for(index.build(loader.from_text(text, name)), encoder)
        for q, gold in items:
            yield "fairytaleqa dev", s, q["question"], lambda a, gold=gold: any(x <= a.start < y for x, y in gold)
    for item, s in devsplit.readers("train", encoder):
        if item["expect"]:
            yield "readers train", s, item["q"], lambda a, e=item["expect"]: any(x in a.quote for x in e)
    s = library.searcher_for(library.open_index(config.load(ROOT / "config.yaml"), "always-you"), encoder)
    for item in yaml.safe_load((ROOT / "scripts" / "questions" / "always-you.yaml").read_text(encoding="utf-8")):
        yield "always-you", s, item["q"], lambda a, e=item["expect"]: any(x in a.quote for x in e)


def score(rows, weights) -> dict[str, tuple[float, float]]:
    hits: dict[str, list[tuple[bool, bool]]] = {}
    for name, s, q, right in rows:
        answers = s.reweighed(weights).ask(q, top=3).answers
        ok = [right(a) for a in answers]
        hits.setdefault(name, []).append((bool(ok[:1] and ok[0]), any(ok)))
    return {n: (sum(a for a, _ in h) / len(h), sum(b for _, b in h) / len(h)) for n, h in hits.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lexical", action="store_true", help="without the answer model")
    parser.add_argument("--only", default="", help="switch off only the signals whose label holds one of these words")
    args = parser.parse_args()
    encoder = None if args.lexical else ranker.load()
    rows = list(questions(encoder))
    base = score(rows, search.WEIGHTS)
    sizes = {n: sum(r[0] == n for r in rows) for n in base}
    print("| signal switched off | " + " | ".join(f"{n} ({sizes[n]}) hit@1 | hit@3" for n in base) + " |")
    print("|---|" + "---|---|" * len(base))
    print("| none (as shipped) | " + " | ".join(f"{h1:.3f} | {h3:.3f}" for h1, h3 in base.values()) + " |", flush=True)
    for label, off in OFF.items():
        if args.only and not any(w in label for w in args.only.split()):
            continue
        got = score(rows, dataclasses.replace(search.WEIGHTS, **off))
        print(f"| {label} | " + " | ".join(f"{got[n][0] - base[n][0]:+.3f} | {got[n][1] - base[n][1]:+.3f}" for n in base)
              + " |", flush=True)


if __name__ == "__main__":
    main()
