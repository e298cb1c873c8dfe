"""What a spoiler horizon costs: a question at any horizon against the same question without one,
and memory as the number of horizons in use grows.

    python scripts/bench_horizon.py [--story PATH] [--runs 5]

On one loaded story (War and Peace by default), in one process: the median time of a set of
reader questions with no horizon and at horizons spread over the book (each median of
``--runs`` passes; the ratio is what the issue bounds at 1.5), the time to make a horizon's
view, and the resident memory after making views at 1, 50 and every chapter.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

QUESTIONS = ["who does natasha love", "what did pierre say to andrew", "where is the battle", "why did nicholas lose",
             "what happened at the ball", "who is kutuzov", "what did the old prince say", "how did andrew die",
             "what colour was the horse", "who is hélène", "how does it end", "did pierre marry helene"]


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--story", default=str(ROOT.parent / "shared" / "corpora" / "war-and-peace.txt"))
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    from bot import config
    from bot.chat.stories import StoryLibrary

    library = StoryLibrary(config.load(ROOT / "config.yaml"), keep=10_000)
    whole = library.whole(args.story)
    chapters = len(whole.ix.chapters)
    for q in QUESTIONS:
        whole.searcher.ask(q)  # warm the caches once

    def ask_time(replies) -> float:
        passes = []
        for _ in range(args.runs):
            t = time.perf_counter()
            for q in QUESTIONS:
                replies.searcher.ask(q, top=5)
            passes.append((time.perf_counter() - t) / len(QUESTIONS))
        return statistics.median(passes)

    base = ask_time(whole)
    print(f"{Path(args.story).name}: {chapters} chapters, {len(whole.ix.passages):,} passages, "
          f"{len(whole.searcher.units):,} sentence windows; {len(QUESTIONS)} questions, median of {args.runs} runs")
    print(f"  no horizon: {base * 1000:.2f} ms a question")
    ratios = []
    for chapter in sorted({1, 3, chapters // 10, chapters // 4, chapters // 2, 3 * chapters // 4, chapters - 1}):
        t = time.perf_counter()
        replies = library.get(args.story, chapter)
        made = time.perf_counter() - t
        cost = ask_time(replies)
        ratios.append(cost / base)
        print(f"  horizon at chapter {chapter:>4}: {cost * 1000:.2f} ms a question ({cost / base:.2f}x), "
              f"view made in {made * 1000:.1f} ms")
    print(f"  worst ratio {max(ratios):.2f}x, median {statistics.median(ratios):.2f}x")
    before = rss_mb()
    for n in (1, 50, chapters - 1):
        for chapter in range(1, n + 1):
            library.get(args.story, chapter)
        print(f"  memory with {n:>3} horizons in use: {rss_mb():.0f} MB (story loaded: {before:.0f} MB)")


if __name__ == "__main__":
    main()
