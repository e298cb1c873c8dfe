"""Answer speed in a warm process: War and Peace and the shipped story, against plain BM25.

    python scripts/bench_search.py [--rounds N]

Each question is asked N times after a warm-up; p50 and p99 are over all timings, with the answer
model (when it is shipped) and without it (the lexical ranker alone). The baseline,
in the same run, is bm25s over the same passages with its own tokenizer (stop words, Snowball
stems), returning the top three: the least any BM25 answerer must do.
"""
from __future__ import annotations

import argparse
import copy
import statistics
import time
from pathlib import Path

import bm25s
import Stemmer

from bot import config
from bot.core import library

ROOT = Path(__file__).resolve().parents[1]
WAR_AND_PEACE = ROOT.parent / "shared" / "corpora" / "war-and-peace.txt"
QUESTIONS = {
    "war-and-peace": [
        "who is Pierre", "what did Natasha say to Andrew about love", "where did Napoleon cross the river",
        "why did Pierre marry Helene", "how many soldiers died at Borodino", "what colour was Natashas dress",
        "who shot Dolokhov", "when did Prince Andrew die", "what did the old prince think of Napoleon",
        "how did Petya die", "what happened at Austerlitz", "who is Nicholas Rostov in love with",
        "what did Kutuzov say before the battle", "where is Bald Hills", "why was Moscow burning",
        "what did Pierre see at the execution", "who was Platon Karataev", "how did Anatole try to elope with natasha",
        "what did Denisov ask sonya", "what does prince vasili want from pierre", "piere and natahsa",
        "what was the name of Andrews son", "who won the battle of borodino", "the sky at austerlitz",
        "what did marya dmitrievna tell natasha",
    ],
    "always-you": [
        "who surprised klaus in new orleans", "what did marcel think of caroline", "what made klaus see red",
        "where were they standing when marcel noticed caroline", "why did caroline turn marcel down",
        "what colour are carolines eyes", "waht did marcell say about carolin", "what does klaus do in his studio",
        "did caroline follow klaus outside", "how does the story end",
    ],
}


def timings(fn, questions: list[str], rounds: int) -> list[float]:
    for q in questions:
        fn(q)
    out = []
    for _ in range(rounds):
        for q in questions:
            t = time.perf_counter()
            fn(q)
            out.append(time.perf_counter() - t)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=20)
    args = ap.parse_args()
    settings = config.load(ROOT / "config.yaml")
    stories = {"always-you": "always-you"}
    if WAR_AND_PEACE.exists():
        stories["war-and-peace"] = str(WAR_AND_PEACE)
    print("| story | questions x rounds | storykeeper p50 | p99 | lexical only p50 | p99 | plain BM25 p50 | p99 | p50 ratio |")
    print("|---|---|---|---|---|---|---|---|---|")
    for key, story in stories.items():
        ix, searcher = library.open_story(settings, story)
        stemmer = Stemmer.Stemmer("english")
        plain = bm25s.BM25()
        plain.index(bm25s.tokenize([ix.text[p.start:p.end] for p in ix.passages], stopwords="en",
                                   stemmer=stemmer, return_ids=False, show_progress=False), show_progress=False)

        def baseline(q: str) -> None:
            tokens = bm25s.tokenize([q], stopwords="en", stemmer=stemmer, return_ids=False, show_progress=False)[0]
            scores = plain.get_scores([t for t in tokens if t in plain.vocab_dict])
            scores.argsort()[::-1][:3]

        qs = QUESTIONS[key]
        lexical = copy.copy(searcher)  # the same searcher without the answer model
        lexical.ix = ix
        ours = timings(lambda q: searcher.ask(q, top=3), qs, args.rounds)
        alone = timings(lambda q: lexical.ask(q, top=3), qs, args.rounds)
        base = timings(baseline, qs, args.rounds)
        p = lambda xs, pct: statistics.quantiles(xs, n=100)[pct - 1] * 1000  # noqa: E731
        print(f"| {ix.title} ({len(ix.passages)} passages) | {len(qs)} x {args.rounds} | "
              f"{p(ours, 50):.2f} ms | {p(ours, 99):.2f} ms | {p(alone, 50):.2f} ms | {p(alone, 99):.2f} ms | "
              f"{p(base, 50):.2f} ms | {p(base, 99):.2f} ms | "
              f"{p(ours, 50) / p(base, 50):.1f}x |")


if __name__ == "__main__":
    main()
