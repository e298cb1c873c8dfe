"""Answer quality: the shipped story's question set and FairytaleQA, against plain BM25.

    python scripts/eval_answers.py [--split val|train] [--misses N] [--only shipped|readers|novels|fairytale]

Shipped story: a hit when the answer quote contains one of the expected strings
(scripts/questions/always-you.yaml); the same for reader questions about the other stories we test
on (scripts/questions/corpora.yaml), the larger reader set (readers.yaml: training part and held-out
part) and the novels' set (novels.yaml: three PDNC novels, development part and held-out part).
Misses are shown for the parts that are not held out only. FairytaleQA (../shared/eval-data/fairytaleqa): each story's
sections joined into one text, every question asked, a hit when the answer's offsets fall inside
a gold section. The baseline, run in the same pass, is a plain BM25 (English stop words, Snowball
stems) over the same text's sections, the dataset's usual yardstick.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

import bm25s
import yaml

from bot import config
from bot.core import index, library, loader, search

sys.path.insert(0, str(Path(__file__).resolve().parent))
import devsplit  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
FTQA = ROOT.parent / "shared" / "eval-data" / "fairytaleqa"


ENCODER = None  # the answer model when --model is on (set in main)


def searcher(ix: index.StoryIndex) -> search.Searcher:
    return library.searcher_for(ix, ENCODER)


def shipped(misses: int) -> tuple[float, float, int]:
    settings = config.load(ROOT / "config.yaml")
    ix = library.open_index(settings, "always-you")
    searcher_ = searcher(ix)
    questions = yaml.safe_load((ROOT / "scripts" / "questions" / "always-you.yaml").read_text())
    h1 = h3 = 0
    for item in questions:
        result = searcher_.ask(item["q"], top=3)
        quotes = [a.quote for a in result.answers]
        ok = [any(e in q for e in item["expect"]) for q in quotes]
        h1 += bool(ok[:1] and ok[0])
        h3 += any(ok)
        if misses and not (ok[:1] and ok[0]):
            misses -= 1
            print(f"  miss: {item['q']!r} expected {item['expect']}; got {quotes[:1]}", file=sys.stderr)
    return h1 / len(questions), h3 / len(questions), len(questions)


def corpora(misses: int) -> tuple[float, float, int]:
    """The other stories' question set (scripts/questions/corpora.yaml); stories under
    ../shared/corpora are skipped when it is not there."""
    r = readers(None, misses, "corpora")
    return r["hit1"], r["hit3"], r["n"]


def readers(split: str | None, misses: int, name: str = "readers") -> dict[str, float]:
    """A reader question set (scripts/questions/NAME.yaml), one split: hit@1 and hit@3 over
    answerable questions; of those, how many were marked sure and how many sure and wrong; of
    the unanswerable and wrong-story ones, how many were marked sure."""
    c: Counter = Counter()
    for item, found in devsplit.readers(split, ENCODER, name=name):
        result = found.ask(item["q"], top=3)
        quotes = [a.quote for a in result.answers]
        if not item["expect"]:
            c["unanswerable"] += 1
            c["unanswerable sure"] += result.confident and bool(quotes)
            continue
        ok = [any(e in q for e in item["expect"]) for q in quotes]
        first = bool(ok[:1] and ok[0])
        c["n"] += 1
        c["hit1"] += first
        c["hit3"] += any(ok)
        c["sure"] += result.confident
        c["sure wrong"] += result.confident and not first
        if misses and not first:
            misses -= 1
            print(f"  miss [{item['story']}] {item['q']!r} expected {item['expect']}; got {quotes[:1]}", file=sys.stderr)
    n = max(1, c["n"])
    return {"n": c["n"], "hit1": c["hit1"] / n, "hit3": c["hit3"] / n, "sure": c["sure"] / n,
            "sure_right": (c["sure"] - c["sure wrong"]) / max(1, c["sure"]), "sure_wrong": c["sure wrong"] / n,
            "unanswerable": c["unanswerable"], "unanswerable_sure": c["unanswerable sure"] / max(1, c["unanswerable"])}


def plain_bm25(sections: list[str]):
    stemmer = __import__("Stemmer").Stemmer("english")
    retriever = bm25s.BM25()
    retriever.index(bm25s.tokenize(sections, stopwords="en", stemmer=stemmer, show_progress=False,
                                   return_ids=False), show_progress=False)
    return retriever, stemmer


def fairytale(split: str, misses: int) -> dict[str, float]:
    stories = {}
    for line in (FTQA / "stories.jsonl").open(encoding="utf-8"):
        s = json.loads(line)
        if s["split"] == split:
            stories[s["story"]] = s
    questions = defaultdict(list)
    for line in (FTQA / "questions.jsonl").open(encoding="utf-8"):
        q = json.loads(line)
        if q["split"] == split and q["story"] in stories:
            questions[q["story"]].append(q)
    counts: Counter = Counter()
    by_kind: Counter = Counter()
    for name, story in stories.items():
        texts = [sec["text"].strip() for sec in story["sections"]]
        ids = [sec["id"] for sec in story["sections"]]
        text, bounds = "", []
        for t in texts:
            bounds.append((len(text), len(text) + len(t)))
            text += t + "\n\n"
        ix = index.build(loader.from_text(text, name))
        searcher_ = searcher(ix)
        retriever, stemmer = plain_bm25(texts)
        for q in questions[name]:
            gold = {i for i, sid in enumerate(ids) if sid in q["gold_sections"]}
            result = searcher_.ask(q["question"], top=3)
            hits = [any(bounds[g][0] <= a.start < bounds[g][1] for g in gold) for a in result.answers]
            counts["n"] += 1
            counts["hit1"] += bool(hits[:1] and hits[0])
            counts["hit3"] += any(hits)
            by_kind[q["attribute"], "n"] += 1
            by_kind[q["attribute"], "hit1"] += bool(hits[:1] and hits[0])
            tokens = bm25s.tokenize([q["question"]], stopwords="en", stemmer=stemmer, show_progress=False,
                                    return_ids=False)[0]
            scores = retriever.get_scores([t for t in tokens if t in retriever.vocab_dict])
            top = list(scores.argsort()[::-1][:3])
            counts["base1"] += top[0] in gold
            counts["base3"] += any(t in gold for t in top)
            if misses and not (hits[:1] and hits[0]):
                misses -= 1
                got = result.answers[0].quote[:120] if result.answers else None
                print(f"  miss [{name}] {q['question']!r} -> {got!r}", file=sys.stderr)
    n = counts["n"]
    out = {k: counts[k] / n for k in ("hit1", "hit3", "base1", "base3")}
    out["n"] = n
    out["kinds"] = {k: by_kind[k, "hit1"] / by_kind[k, "n"] for k, _ in sorted({(k, 0) for k, _ in by_kind})}
    return out


def main() -> None:
    global ENCODER
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--split", default="val", choices=["val", "train"])
    ap.add_argument("--misses", type=int, default=0)
    ap.add_argument("--only", choices=["shipped", "readers", "novels", "fairytale"])
    ap.add_argument("--ranker", choices=["both", "model", "lexical"], default="both",
                    help="the answer model's ranking, the lexical one alone, or both in one run")
    args = ap.parse_args()
    from bot.core import ranker

    for kind in (["lexical", "model"] if args.ranker == "both" else [args.ranker]):
        ENCODER = ranker.load() if kind == "model" else None
        if kind == "model" and ENCODER is None:
            print("model: not loaded (see the log); skipped")
            continue
        print(f"== {kind} ranker")
        if args.only in (None, "shipped"):
            h1, h3, n = shipped(args.misses)
            print(f"Always You, {n} questions: hit@1 {h1:.2f}, hit@3 {h3:.2f}")
            h1, h3, n = corpora(args.misses)
            print(f"Other stories (scripts/questions/corpora.yaml), {n} questions: hit@1 {h1:.2f}, hit@3 {h3:.2f}")
        for name, splits in (("readers", ("train", "heldout")), ("novels", ("dev", "heldout"))):
            if args.only not in (None, name):
                continue
            for split in splits:
                r = readers(split, args.misses if split != "heldout" else 0, name)  # held-out misses are never shown
                if not r["n"]:
                    continue
                print(f"{name[:-1].capitalize()} questions, {split} ({r['n']} answerable): hit@1 {r['hit1']:.3f}, hit@3 {r['hit3']:.3f}; "
                      f"sure on {r['sure']:.2f}, right when sure {r['sure_right']:.2f}, sure and wrong {r['sure_wrong']:.2f}; "
                      f"{r['unanswerable']} unanswerable or wrong-story, sure on {r['unanswerable_sure']:.2f}")
        if args.only in (None, "fairytale") and FTQA.exists():
            t = time.perf_counter()
            r = fairytale(args.split, args.misses)
            print(f"FairytaleQA {args.split}, {r['n']} questions: hit@1 {r['hit1']:.3f}, hit@3 {r['hit3']:.3f}; "
                  f"plain BM25 over sections: hit@1 {r['base1']:.3f}, hit@3 {r['base3']:.3f} "
                  f"({time.perf_counter() - t:.0f} s)")
            print("  hit@1 by question attribute: " + ", ".join(f"{k} {v:.2f}" for k, v in r["kinds"].items()))


if __name__ == "__main__":
    main()
