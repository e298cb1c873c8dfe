"""Index speed and memory on a real novel (default: War and Peace from ../shared/corpora).

Reports medians over repeated runs, next to a plain baseline measured in the same run (read the
file, split paragraphs, count words: the least any indexer must do).

    python scripts/bench_index.py [PATH] [--runs N] [--model]

What a process loads once whatever the story (the lemmatiser's tables, which scene titles and
search share; with --model the model too) is timed apart from the story's own index, as the bot
loads it once at start. This runs one thread, so a long story's chapters and scenes are worked
out in a forked child beside its characters (bot/core/forked.py), as on the command line and the
console; the bot, which has threads, builds in one process, timed as its own row. With --model,
the index and the answer model's searcher together, as the bot builds and caches them: the
passage vectors are timed as their own stage.
"""
from __future__ import annotations

import argparse
import json
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT.parent / "shared" / "corpora" / "war-and-peace.txt"

CHILD = r"""
import json, resource, sys, time
from pathlib import Path
from bot.config import StorySetting
from bot.core import index, loader, search
if sys.argv[3] == "one":
    index.FORK_FROM = float("inf")  # as the bot builds: it has threads, so it never forks
t = time.perf_counter()
search.warm()  # once a process, whatever the story: the lemmatiser's tables (scene titles use them too)
startup = time.perf_counter() - t
t = time.perf_counter()
story = loader.from_path(Path(sys.argv[1]))
ix = index.load_or_build(story, StorySetting(story.name), Path(sys.argv[2]))
secs = time.perf_counter() - t
print(json.dumps({"secs": secs, "startup": startup, "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "rss_child_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
                  "chapters": len(ix.chapters), "scenes": len(ix.scenes), "passages": len(ix.passages),
                  "characters": len(ix.characters), "dialogue": len(ix.dialogue)}))
"""

CHILD_MODEL = r"""
import json, resource, sys, time
from pathlib import Path
from bot.config import StorySetting
from bot.core import index, library, loader, ranker, search
if sys.argv[3] == "one":
    index.FORK_FROM = float("inf")  # as the bot builds: it has threads, so it never forks
spent = []
def timed(encoder, texts, progress=None, vectors=ranker.passage_vectors):
    t = time.perf_counter()
    out = vectors(encoder, texts, progress)
    spent.append(time.perf_counter() - t)
    return out
ranker.passage_vectors = timed
t = time.perf_counter()
ranker.load()  # once a process, whatever the story: the model and the lemmatiser's tables
search.warm()
startup = time.perf_counter() - t
t = time.perf_counter()
story = loader.from_path(Path(sys.argv[1]))
ix, searcher = library.load(story, StorySetting(story.name), Path(sys.argv[2]), True)
assert searcher.vectors is not None, "the answer model did not load"
secs = time.perf_counter() - t
print(json.dumps({"secs": secs, "vectors": sum(spent), "startup": startup, "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "rss_child_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
                  "chapters": len(ix.chapters), "scenes": len(ix.scenes), "passages": len(ix.passages),
                  "characters": len(ix.characters), "dialogue": len(ix.dialogue)}))
"""


def child(path: Path, cache: Path, code: str = CHILD, how: str = "forked") -> dict:
    out = subprocess.run([sys.executable, "-c", code, str(path), str(cache), how], capture_output=True,
                         text=True, check=True, cwd=ROOT)
    return json.loads(out.stdout)


def baseline(path: Path) -> float:
    t = time.perf_counter()
    text = path.read_bytes().decode("utf-8-sig").replace("\r\n", "\n")
    paragraphs = [p for p in text.split("\n\n") if p.strip()]
    sum(len(re.findall(r"\w+", p)) for p in paragraphs)
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("path", nargs="?", type=Path, default=DEFAULT)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--model", action="store_true", help="with the answer model's searcher and passage vectors")
    args = ap.parse_args()
    code = CHILD_MODEL if args.model else CHILD
    cold, one, warm, base = [], [], [], []
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory() as cache:
            cold.append(child(args.path, Path(cache), code))
            warm.append(child(args.path, Path(cache), code))
        with tempfile.TemporaryDirectory() as cache:
            one.append(child(args.path, Path(cache), code, "one"))
        base.append(baseline(args.path))
    med = lambda rows, key: statistics.median(r[key] for r in rows)  # noqa: E731
    b = statistics.median(base)
    print(f"{args.path.name}: {cold[0]['chapters']} chapters, {cold[0]['scenes']} scenes, "
          f"{cold[0]['passages']} passages, {cold[0]['characters']} characters, {cold[0]['dialogue']} dialogue lines")
    print(f"| measure ({args.runs} runs, median) | storykeeper | plain baseline |")
    print("|---|---|---|")
    what = "build the index and its searcher, cold" if args.model else "build the index, cold (read the file to index)"
    print(f"| {what} | {med(cold, 'secs'):.2f} s | {b:.2f} s (read + split + count) |")
    print(f"| the same in one process, as the bot builds | {med(one, 'secs'):.2f} s | |")
    if args.model:
        print(f"| of which the passage vectors | {med(cold, 'vectors'):.1f} s | |")
    print(f"| load the index from the cache | {med(warm, 'secs'):.2f} s | |")
    tables = "the model and the lemmatiser's tables" if args.model else "the lemmatiser's tables"
    print(f"| before it, once a process: {tables} | {med(cold, 'startup'):.2f} s | |")
    print(f"| peak resident memory, cold build | {med(cold, 'rss_mb'):.0f} MB | |")
    print(f"| peak resident memory, cache load | {med(warm, 'rss_mb'):.0f} MB | |")
    if med(cold, "rss_child_mb"):  # a long story's chapters and scenes, worked out in a forked child
        print(f"| peak resident memory of the forked child, cold build (shared pages counted) | {med(cold, 'rss_child_mb'):.0f} MB | |")


if __name__ == "__main__":
    main()
