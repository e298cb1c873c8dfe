"""Training groups made from books no question set asks about: a sentence of the narration, cut
down the way people type in a chat, as the question, and the sentences around it (without it) as
the right answer; the windows the bot itself ranks highest elsewhere in the book as the wrong ones
(the inverse cloze task of Lee et al., ORQA, 2019, on our own candidates). It teaches the answer
model what a long novel's passages are about beyond the words they share with a question.

    python scripts/book_data.py [--per-book 300] [--out .cache/train-ranker/books.jsonl]
    python scripts/train_ranker.py --books

Tried and not kept (README, "Answers"): the model trained with these groups was worse on every
development set, so the shipped model is trained without them.

Books: the PDNC novels that no reader question set uses (DaisyMiller, TheAwakening,
TheInvisibleMan, ThePictureOfDorianGray, TheSignOfTheFour under ../shared/eval-data/pdnc-dev);
every book our answer sets measure on (the corpora, the shipped story, Emma, Pride and Prejudice,
Oliver Twist) is left out, so what it adds there is carried over, not learned by heart.
Each line: {"source": "books", "q", "pos", "negs": [up to 7 wrong windows, best-ranked first]},
the format of scripts/rerank_data.py.
"""
from __future__ import annotations

import argparse
import json
import random
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

import devsplit  # noqa: E402
from bot.core import index, library, loader, ranker  # noqa: E402
from bot.core.search.terms import stopwords  # noqa: E402

BOOKS = ("DaisyMiller", "TheAwakening", "TheInvisibleMan", "ThePictureOfDorianGray", "TheSignOfTheFour")
NEGATIVES = 7
QUOTE_MARKS = re.compile("[\"“”‘’]|'(?=[A-Z])")


def chat_question(sentence: str, rng: random.Random) -> str | None:
    """A sentence as somebody might type it to the bot: lower case, no punctuation, most small
    words and some others gone, at most twelve words."""
    stop = stopwords()
    kept = []
    for w in re.findall(r"[A-Za-z][A-Za-z'-]*", sentence):
        drop = 0.75 if w.lower() in stop else 0.2
        if rng.random() >= drop:
            kept.append(w.lower())
    if len([w for w in kept if w not in stop]) < 3:
        return None
    return " ".join(kept[:12])


def book_groups(name: str, searcher, per_book: int, rng: random.Random) -> list[dict]:
    text = searcher.ix.text
    units = searcher.units
    picks = []
    for u, (a, b, pi) in enumerate(units):
        sentence = text[a:b]
        n = len(sentence.split())
        if 10 <= n <= 35 and not QUOTE_MARKS.search(sentence) and not searcher.unit_bare[u]:
            picks.append(u)
    rng.shuffle(picks)
    out = []
    for u in picks:
        if len(out) >= per_book:
            break
        a, b, pi = units[u]
        q = chat_question(text[a:b], rng)
        if q is None:
            continue
        # The right answer: up to two sentences each side in the same passage, without the sentence
        # (with it one time in ten, as ORQA does, so that the words themselves still count).
        keep = rng.random() < 0.1
        around = [v for v in range(u - 2, u + 3) if (keep or v != u) and 0 <= v < len(units) and units[v][2] == pi]
        pos = " ".join(" ".join(text[units[v][0]:units[v][1]].split()) for v in around)
        if len(pos.split()) < 25:
            continue
        order, _, _ = devsplit.weighed(searcher, q)
        negs, seen = [], {pi}
        for v in order[:400]:
            pv = int(searcher.unit_passage[v])
            if pv in seen or searcher.unit_bare[v]:
                continue
            seen.add(pv)
            negs.append(searcher.window(v))
            if len(negs) >= NEGATIVES:
                break
        if negs:
            out.append({"source": "books", "book": name, "q": q, "pos": pos, "negs": negs})
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--per-book", type=int, default=300)
    ap.add_argument("--out", type=Path, default=ROOT / ".cache" / "train-ranker" / "books.jsonl")
    args = ap.parse_args()
    encoder = ranker.load()
    rng = random.Random(0)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    total = 0
    with args.out.open("w", encoding="utf-8") as out:
        for name in BOOKS:
            s = library.searcher_for(index.build(loader.from_path(devsplit.PDNC / name / "text.txt")), encoder)
            groups = book_groups(name, s, args.per_book, rng)
            for g in groups:
                out.write(json.dumps(g) + "\n")
            total += len(groups)
            print(f"{name}: {len(groups)} groups", flush=True)
    print(f"wrote {total} groups to {args.out}")


if __name__ == "__main__":
    main()
