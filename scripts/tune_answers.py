"""Grid search of the answer ranker's weights on FairytaleQA train and the shipped question set.

    python scripts/tune_answers.py [--questions N]

Prints hit@1/hit@3 for each combination, best last. Tune on train; report val (eval_answers.py).
"""
from __future__ import annotations

import argparse
import dataclasses
import itertools
import json
import random

import yaml

from bot import config
from bot.core import index, library, loader, search
from eval_answers import FTQA, ROOT


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--questions", type=int, default=2500)
    ap.add_argument("--weights", action="store_true", help="also sweep the reranking weights")
    args = ap.parse_args()
    stories = {}
    for line in (FTQA / "stories.jsonl").open():
        s = json.loads(line)
        if s["split"] == "train":
            stories[s["story"]] = s
    qs = [json.loads(l) for l in (FTQA / "questions.jsonl").open()]
    qs = [q for q in qs if q["split"] == "train"]
    random.Random(0).shuffle(qs)
    qs = qs[: args.questions]
    needed = {q["story"] for q in qs}
    built = {}
    for name in needed:
        story = stories[name]
        text = "".join(sec["text"].strip() + "\n\n" for sec in story["sections"])
        built[name] = index.build(loader.from_text(text, name))
    ix = library.open_index(config.load(ROOT / "config.yaml"), "always-you")
    items = yaml.safe_load((ROOT / "scripts" / "questions" / "always-you.yaml").read_text())
    build_grid = {
        "window": [1],
        "center_repeat": [2],
        "unit_b": [0.75],
        "smooth": [0.25],
    }
    for values in itertools.product(*build_grid.values()):
        weights = dataclasses.replace(search.WEIGHTS, **dict(zip(build_grid, values)))
        h1 = h3 = 0
        searchers = {name: search.Searcher(built[name], weights) for name in needed}
        for q in qs:
            story = stories[q["story"]]
            text, bounds = "", {}
            for sec in story["sections"]:
                t = sec["text"].strip()
                bounds[sec["id"]] = (len(text), len(text) + len(t))
                text += t + "\n\n"
            answers = searchers[q["story"]].ask(q["question"], top=3).answers
            ok = [any(bounds[g][0] <= a.start < bounds[g][1] for g in q["gold_sections"]) for a in answers]
            h1 += bool(ok[:1] and ok[0])
            h3 += any(ok)
        shipped = search.Searcher(ix, weights)
        s1 = sum(any(e in a.quote for e in it["expect"]) for it in items
                 for a in shipped.ask(it["q"], top=1).answers[:1])
        print(f"train hit@1 {h1 / len(qs):.3f} hit@3 {h3 / len(qs):.3f} shipped {s1 / len(items):.2f} "
              f"{dict(zip(build_grid, values))}", flush=True)
    if not args.weights:
        return
    prepared = {}
    for name in needed:
        story = stories[name]
        text, bounds = "", {}
        for sec in story["sections"]:
            t = sec["text"].strip()
            bounds[sec["id"]] = (len(text), len(text) + len(t))
            text += t + "\n\n"
        prepared[name] = (search.Searcher(index.build(loader.from_text(text, name))), bounds)
    ix = library.open_index(config.load(ROOT / "config.yaml"), "always-you")
    shipped = search.Searcher(ix)
    items = yaml.safe_load((ROOT / "scripts" / "questions" / "always-you.yaml").read_text())
    grid = {
        "passage_weight": [0.5],
        "category_weight": [0.1, 0.3, 0.6],
        "name_weight": [0.0, 0.2, 0.5],
        "speaker_weight": [0.25, 0.5, 1.0],
    }
    rows = []
    for values in itertools.product(*grid.values()):
        # The weights read when asking (not when building) can change on a built searcher.
        weights = dataclasses.replace(search.WEIGHTS, **dict(zip(grid, values)))
        for s, _ in prepared.values():
            s.w = weights
        shipped.w = weights
        h1 = h3 = 0
        for q in qs:
            s, bounds = prepared[q["story"]]
            answers = s.ask(q["question"], top=3).answers
            ok = [any(bounds[g][0] <= a.start < bounds[g][1] for g in q["gold_sections"]) for a in answers]
            h1 += bool(ok[:1] and ok[0])
            h3 += any(ok)
        s1 = sum(any(e in a.quote for e in it["expect"]) for it in items
                 for a in shipped.ask(it["q"], top=1).answers[:1])
        rows.append((h1 / len(qs), h3 / len(qs), s1 / len(items), dict(zip(grid, values))))
        print(f"train hit@1 {rows[-1][0]:.3f} hit@3 {rows[-1][1]:.3f} shipped hit@1 {rows[-1][2]:.2f} {rows[-1][3]}", flush=True)
    best = max(rows, key=lambda r: (r[0] + r[2] * 0.5))
    print("best:", best)


if __name__ == "__main__":
    main()
