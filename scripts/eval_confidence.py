"""How honest the answers' confidence is, on FairytaleQA val (measured only, never tuned on).

    python scripts/eval_confidence.py [--ranker model|lexical|both]

Every val question is asked of its own story (how often is an answer marked sure, and how often is
a sure answer right: it starts in a gold section?) and of the next story in the set, where the
answer cannot be (how often is it still marked sure?). Fairy tales asked of another fairy tale
are the hard case of a wrong story: the same kings, woods and princesses.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

import devsplit  # noqa: E402
from bot.core import index, library, loader, ranker  # noqa: E402


def measure(encoder) -> dict[str, float]:
    stories = list(devsplit.fairytale(lambda q: q["split"] == "val"))
    searchers = [library.searcher_for(index.build(loader.from_text(text, name)), encoder) for name, text, _ in stories]
    sure = right_sure = asked = wrong_sure = 0
    for i, (_, _, questions) in enumerate(stories):
        own, other = searchers[i], searchers[(i + 1) % len(searchers)]
        for q, gold in questions:
            result = own.ask(q["question"], top=1)
            asked += 1
            if result.confident:
                sure += 1
                right_sure += bool(result.answers) and any(a <= result.answers[0].start < b for a, b in gold)
            wrong_sure += other.ask(q["question"], top=1).confident
    return {"questions": asked, "sure": sure / asked, "right when sure": right_sure / max(1, sure),
            "sure and wrong": (sure - right_sure) / asked, "wrong story marked sure": wrong_sure / asked}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ranker", choices=["model", "lexical", "both"], default="both")
    args = parser.parse_args()
    runs = {"model": ["model"], "lexical": ["lexical"], "both": ["model", "lexical"]}[args.ranker]
    for run in runs:
        encoder = ranker.load() if run == "model" else None
        if run == "model" and encoder is None:
            sys.exit("eval_confidence: the answer model did not load (see above)")
        got = measure(encoder)
        print(f"{'with the model' if run == 'model' else 'lexical alone'}: " + ", ".join(
            f"{k} {v:.3f}" if isinstance(v, float) else f"{k} {v}" for k, v in got.items()), flush=True)


if __name__ == "__main__":
    main()
