"""Summary speed on War and Peace's chapters, in a warm process, against a lead baseline.

    python scripts/bench_summary.py

Times `Summariser.chapter` for every chapter (the story's index and statistics already loaded)
and, in the same run, the plain "first five sentences" lead summary that any summariser must beat.
"""
from __future__ import annotations

import statistics
import time
from pathlib import Path

from bot import config
from bot.core import library
from bot.core.summarise import Summariser
from bot.core.text import sentences

ROOT = Path(__file__).resolve().parents[1]
WAR_AND_PEACE = ROOT.parent / "shared" / "corpora" / "war-and-peace.txt"


def main() -> None:
    ix = library.open_index(config.load(ROOT / "config.yaml"), str(WAR_AND_PEACE))
    t = time.perf_counter()
    summariser = Summariser(ix)
    setup = time.perf_counter() - t
    ours, lead = [], []
    for chapter in ix.chapters:
        t = time.perf_counter()
        summariser.chapter(chapter.id)
        ours.append(time.perf_counter() - t)
        t = time.perf_counter()
        list(sentences(ix.text[chapter.start : chapter.end]))[:5]
        lead.append(time.perf_counter() - t)
    t = time.perf_counter()
    summariser.outline()
    outline = time.perf_counter() - t
    longest = max(ix.chapters, key=lambda c: c.end - c.start)
    print(f"War and Peace, {len(ix.chapters)} chapters (longest {len(ix.text[longest.start:longest.end].split()):,} words)")
    print("| measure | storykeeper | lead baseline (first 5 sentences) |")
    print("|---|---|---|")
    print(f"| chapter summary, median | {statistics.median(ours) * 1000:.1f} ms | {statistics.median(lead) * 1000:.1f} ms |")
    print(f"| chapter summary, slowest | {max(ours) * 1000:.1f} ms | {max(lead) * 1000:.1f} ms |")
    print(f"| word statistics, once per story | {setup * 1000:.0f} ms | |")
    print(f"| whole-story outline (one line per chapter) | {outline:.2f} s | |")


if __name__ == "__main__":
    main()
