"""Scenes: do our boundaries fall where a reader's do, and does a reader's lookup find the scene?

Boundaries: the scene starts labelled by hand in scripts/scenes/labels.yaml against ours; a found
start counts when it is within one paragraph of a labelled one (each labelled start matched at
most once). Baseline in the same run: chapter starts only.

Lookups: scripts/questions/scenes.yaml, typed as readers type; a hit when the first scene `/scene`
returns holds the expected phrase. Baseline in the same run: plain BM25 (bm25s, English stop words,
stems) over our own scenes' text.

Tune on the `tune` part; the `measure` part is for numbers only.

    python scripts/eval_scenes.py [--misses] [--lexical] [--weight NAME=VALUE ...]
"""
from __future__ import annotations

import argparse
import bisect
import re
import sys
from pathlib import Path

import bm25s
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot import config  # noqa: E402
from bot.core import library, loader, search  # noqa: E402


def paragraph_starts(text: str) -> list[int]:
    return [0] + [m.end() for m in re.finditer(r"\n[ \t]*\n\s*", text)]


def match_boundaries(found: list[int], gold: list[int], paras: list[int]) -> dict[int, int]:
    """Which labelled start (index into ``gold``) each found start (index into ``found``) matches."""
    def para(offset: int) -> int:
        return bisect.bisect_right(paras, offset) - 1

    gold_p = [para(g) for g in gold]
    used: set[int] = set()
    matched: dict[int, int] = {}
    for distance in (0, 1):  # the same paragraph first: a near miss must not take another's label
        for i, f in enumerate(found):
            if i in matched:
                continue
            fp = para(f)
            match = next((k for k, g in enumerate(gold_p) if k not in used and abs(g - fp) == distance), None)
            if match is not None:
                used.add(match)
                matched[i] = match
    return matched


def score_boundaries(found: list[int], gold: list[int], paras: list[int]) -> tuple[float, float, float]:
    """Precision, recall, F1 of ``found`` against ``gold`` (offsets), within one paragraph."""
    hits = len(match_boundaries(found, gold, paras))
    p = hits / len(found) if found else 0.0
    r = hits / len(gold) if gold else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--misses", action="store_true", help="list the lookups missed (tune part only)")
    ap.add_argument("--starts", action="store_true",
                    help="list the labelled starts missed and our starts no label matches (tune part only)")
    ap.add_argument("--lexical", action="store_true", help="without the answer model")
    ap.add_argument("--weight", action="append", default=[], metavar="NAME=VALUE",
                    help="try another value of a Weights field, e.g. scene_arrival=0")
    args = ap.parse_args()
    import ast
    from dataclasses import fields, replace

    names = [f.name for f in fields(search.Weights)]
    try:
        tried = {k: ast.literal_eval(v) for k, v in (item.split("=", 1) for item in args.weight)}
    except (ValueError, SyntaxError):
        ap.error("--weight takes NAME=VALUE, VALUE a Python literal: scene_arrival=0, reply_first=False")
    if set(tried) - set(names):
        ap.error(f"--weight: no weight {sorted(set(tried) - set(names))[0]!r}; choose from {', '.join(names)}")
    weights = replace(search.WEIGHTS, **tried)
    labels = yaml.safe_load((ROOT / "scripts" / "scenes" / "labels.yaml").read_text())["stories"]
    lookups = yaml.safe_load((ROOT / "scripts" / "questions" / "scenes.yaml").read_text())
    settings = config.load(ROOT / "config.yaml")
    if args.lexical:
        settings = replace(settings, answer_model=False)
    print("| story | part | labelled starts | ours | precision | recall | F1 | F1, chapters only | "
          "lookups | hit@1 | hit@3 | plain BM25 hit@1 |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for name, spec in labels.items():
        path = (ROOT / spec["file"]).resolve()
        story = loader.from_path(path)
        ix, searcher = library.load(story, settings.story(name), settings.cache_dir, settings.answer_model)
        searcher.w = weights
        text = ix.text
        lo = text.find(spec["from"]) if spec.get("from") else ix.start
        hi = text.find(spec["to"]) if spec.get("to") else ix.end
        gold = [text.find(s) for s in spec["starts"]]
        assert all(lo <= g < hi for g in gold), name
        paras = paragraph_starts(text)
        scenes = [s for s in ix.scenes if lo <= s.start < hi]
        chapters = [c.start for c in ix.chapters if lo <= c.start < hi] or [scenes[0].start]
        p, r, f1 = score_boundaries([s.start for s in scenes], gold, paras)
        _, _, f1_base = score_boundaries(chapters, gold, paras)
        asked = lookups.get(name, {}).get("lookups", [])
        hits1 = hits3 = base1 = 0
        import Stemmer

        stemmer = Stemmer.Stemmer("english")
        plain = bm25s.BM25()
        # The baseline searches what ours searches: every scene of the book, not only the labelled part.
        plain.index(bm25s.tokenize([text[s.start : s.end] for s in ix.scenes], stopwords="en", stemmer=stemmer,
                                   show_progress=False), show_progress=False)
        misses = []
        for item in asked:
            at = text.find(item["expect"])
            got = [h for h in searcher.scenes(item["q"], top=3) if lo <= h.start < hi]
            inside = [h.start <= at < h.end for h in got]
            hits1 += bool(inside[:1] and inside[0])
            hits3 += any(inside)
            ranked, _ = plain.retrieve(bm25s.tokenize([item["q"]], stopwords="en", stemmer=stemmer, show_progress=False),
                                       k=1, show_progress=False)
            top = ix.scenes[int(ranked[0][0])]
            base1 += top.start <= at < top.end
            if not (inside[:1] and inside[0]):
                misses.append((item["q"], got[0].title if got else "(nothing)"))
        n = len(asked) or 1
        print(f"| {name} | {spec['part']} | {len(gold)} | {len(scenes)} | {p:.2f} | {r:.2f} | **{f1:.2f}** | {f1_base:.2f} | "
              f"{len(asked)} | **{hits1 / n:.2f}** | {hits3 / n:.2f} | {base1 / n:.2f} |")
        if args.starts and spec["part"] == "tune":
            matched = match_boundaries([s.start for s in scenes], gold, paras)
            for k, g in enumerate(gold):
                if k not in matched.values():
                    print(f"    label not found: {text[g:g + 90]!r}")
            for i, s in enumerate(scenes):
                if i not in matched:
                    print(f"    ours, unlabelled: {text[s.start:s.start + 90]!r} ({s.title})")
        if args.misses and spec["part"] == "tune":
            for q, title in misses:
                print(f"    missed: {q!r} -> {title}")


if __name__ == "__main__":
    main()
