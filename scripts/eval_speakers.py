"""Speaker attribution, end to end, on PDNC (../shared/eval-data/pdnc-dev) and the shipped story.

Our own quotes and characters are compared with the labelled ones: a gold quotation counts as
right when the line we extracted that overlaps it most is attributed to a character whose
names match the gold speaker's. Quotes we missed count as wrong. A plain baseline runs in the
same pass: the nearest character name in the narration before or after the quote.

    python scripts/eval_speakers.py [--pdnc DIR] [--novel NAME] [--errors N] [--digits 3]
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

from bot.core import characters as chars
from bot.core import index, loader, segment

ROOT = Path(__file__).resolve().parents[1]
SKIP = {"_group", "_unknowable", "_narr"}
# Issue 12's halves: tune on the first four, measure (never tune) on the others.
TUNING = ("DaisyMiller", "Emma", "OliverTwist", "PrideAndPrejudice")
MEASURING = ("TheAwakening", "TheInvisibleMan", "ThePictureOfDorianGray", "TheSignOfTheFour")


def _norm(name: str) -> str:
    return " ".join(name.lower().replace(".", "").split())


def map_characters(ours: list[chars.Character], gold: dict[str, list[str]]) -> dict[int, str]:
    """Our character index -> gold character key, by shared names."""
    gold_names = {k: {_norm(a) for a in [k, *v]} for k, v in gold.items()}
    out = {}
    for i, c in enumerate(ours):
        names = {_norm(a) for a in [c.name, *c.aliases]}
        scored = []
        for k, gn in gold_names.items():
            shared = names & gn
            if shared:
                scored.append((_norm(c.name) in gn, len(shared), max(map(len, shared)), k))
        if scored:
            out[i] = max(scored)[3]
    return out


def _bare(phrase: str) -> str:
    """A description without its article: "a young Lucas" and "The Young Lucas" are one."""
    words = _norm(phrase).split()
    return " ".join(words[1:] if words and words[0] in ("the", "a", "an") else words)


def map_descriptions(gold: dict[str, list[str]]) -> dict[str, str]:
    """A description ("the officer") -> the one gold character PDNC lists under it."""
    owners: dict[str, set[str]] = {}
    for k, v in gold.items():
        for a in (k, *v):
            owners.setdefault(_bare(a), set()).add(k)
    return {d: next(iter(ks)) for d, ks in owners.items() if len(ks) == 1}


def nearest_name(text: str, start: int, end: int, mentions: list[tuple[int, int, int]]) -> int | None:
    best, dist = None, 10**9
    for s, e, c in mentions:
        if start - 300 < s < start or end < s < end + 300:
            d = start - e if s < start else s - end
            if 0 <= d < dist and not (start <= s < end):
                best, dist = c, d
    return best


def evaluate(story: loader.Story, gold_quotes: list[dict], gold_chars: dict[str, list[str]],
             show_errors: int = 0, setting=None) -> dict[str, Counter]:
    paras, _, _ = segment.chapters_and_spans(story)
    characters, mentions, lines = index.people(story, paras, setting)  # as the index finds them
    mapping = map_characters(characters, gold_chars)
    described = map_descriptions(gold_chars)
    starts = [l.start for l in lines]
    import bisect

    result = {"ours": Counter(), "baseline": Counter(), "found": Counter(), "how": Counter()}
    shown = 0
    for q in gold_quotes:
        if q["speaker"] in SKIP:
            continue
        kinds = (q["type"], "overall")
        for kind in kinds:
            result["ours"][kind, "n"] += 1
            result["baseline"][kind, "n"] += 1
        # Our line overlapping the gold quote most.
        i = bisect.bisect_right(starts, q["end"])
        best, overlap = None, 0
        for line in lines[max(0, i - 6) : i + 1]:
            ov = sum(max(0, min(e, ge) - max(s, gs)) for s, e in line.spans for gs, ge in q["spans"])
            if ov > overlap:
                best, overlap = line, ov
        if best is not None:
            result["found"]["quotes", "n"] += 1
        ok = best is not None and (best.speaker is not None and mapping.get(best.speaker) == q["speaker"]
                                   or best.described is not None and described.get(_bare(best.described)) == q["speaker"])
        if best is not None:
            result["how"][best.how, "n"] += 1
            result["how"][best.how, "ok"] += ok
        base = nearest_name(story.text, q["start"], q["end"], mentions)
        for kind in kinds:
            result["ours"][kind, "ok"] += ok
            result["baseline"][kind, "ok"] += base is not None and mapping.get(base) == q["speaker"]
        if not ok and shown < show_errors:
            shown += 1
            said = characters[best.speaker].name if best and best.speaker is not None else best and best.described
            print(f"  [{q['type']}] gold={q['speaker']} ours={said} ({best.how if best else 'missed'}): "
                  f"{story.text[max(0, q['start'] - 80):q['end'] + 80]!r}", file=sys.stderr)
    return result


def shipped() -> tuple[loader.Story, list[dict], dict[str, list[str]]]:
    """The shipped story with its hand-labelled speakers (scripts/always-you.speakers.json)."""
    from bot import config

    settings = config.load(ROOT / "config.yaml")
    story = loader.from_path(ROOT / "seeds" / "always-you.txt")
    labels = json.loads((ROOT / "scripts" / "always-you.speakers.json").read_text())
    quotes, pos = [], story.start
    for row in labels["quotes"]:
        s = story.text.index(row["text"], pos)
        quotes.append({"start": s, "end": s + len(row["text"]), "spans": [[s, s + len(row["text"])]],
                       "speaker": row["speaker"], "type": row["type"]})
        pos = s + 1
    setting = settings.story("always-you")
    gold = {c.name: list(c.aliases) for c in setting.characters}
    return story, quotes, gold, setting


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pdnc", type=Path, default=ROOT.parent / "shared" / "eval-data" / "pdnc-dev")
    ap.add_argument("--novel", action="append")
    ap.add_argument("--errors", type=int, default=0)
    ap.add_argument("--digits", type=int, default=3, help="decimals of the accuracies")
    ap.add_argument("--by-method", action="store_true",
                    help="also: how often each of our ways of finding a speaker is right, per half")
    args = ap.parse_args()
    total = {"ours": Counter(), "baseline": Counter(), "found": Counter(), "how": Counter()}
    rows = []
    novels = sorted(p.name for p in args.pdnc.iterdir() if p.is_dir()) if args.pdnc.exists() else []
    for name in args.novel or novels:
        folder = args.pdnc / name
        text = (folder / "text.txt").read_text(encoding="utf-8")
        story = loader.from_text(text, name)
        gold_quotes = [json.loads(l) for l in (folder / "quotes.jsonl").open(encoding="utf-8")]
        gold_chars = json.loads((folder / "characters.json").read_text(encoding="utf-8"))
        t = time.perf_counter()
        r = evaluate(story, gold_quotes, gold_chars, args.errors)
        rows.append((name, r, time.perf_counter() - t))
        for k in total:
            total[k].update(r[k])

    def acc(c: Counter, kind: str) -> str:
        return f"{c[kind, 'ok'] / c[kind, 'n']:.{args.digits}f}" if c[kind, "n"] else "-"

    print("| text | quotes | found | overall | explicit | anaphoric | implicit | nearest-name baseline |")
    print("|---|---|---|---|---|---|---|---|")
    for name, r, secs in rows:
        o = r["ours"]
        print(f"| {name} | {o['overall', 'n']} | {r['found']['quotes', 'n'] / o['overall', 'n']:.2f} | {acc(o, 'overall')} | "
              f"{acc(o, 'explicit')} | {acc(o, 'anaphoric')} | {acc(o, 'implicit')} | {acc(r['baseline'], 'overall')} |")
    for part, names in (("tuning", TUNING), ("measuring", MEASURING)):
        chosen = [r for name, r, _ in rows if name in names]
        if len(chosen) == len(names):
            o, b, f = Counter(), Counter(), Counter()
            for r in chosen:
                o.update(r["ours"])
                b.update(r["baseline"])
                f.update(r["found"])
            print(f"| **{part} half** | {o['overall', 'n']} | {f['quotes', 'n'] / o['overall', 'n']:.2f} | "
                  f"**{acc(o, 'overall')}** | {acc(o, 'explicit')} | {acc(o, 'anaphoric')} | {acc(o, 'implicit')} | "
                  f"{acc(b, 'overall')} |")
    if rows:
        o = total["ours"]
        print(f"| **PDNC, all {len(rows)}** | {o['overall', 'n']} | {total['found']['quotes', 'n'] / o['overall', 'n']:.2f} | "
              f"**{acc(o, 'overall')}** | {acc(o, 'explicit')} | {acc(o, 'anaphoric')} | {acc(o, 'implicit')} | "
              f"{acc(total['baseline'], 'overall')} |")
    if (ROOT / "scripts" / "always-you.speakers.json").exists() and not args.novel:
        story, quotes, gold, setting = shipped()
        r = evaluate(story, quotes, gold, args.errors, setting)
        o = r["ours"]
        print(f"| Always You (shipped) | {o['overall', 'n']} | {r['found']['quotes', 'n'] / o['overall', 'n']:.2f} | "
              f"{acc(o, 'overall')} | {acc(o, 'explicit')} | {acc(o, 'anaphoric')} | {acc(o, 'implicit')} | "
              f"{acc(r['baseline'], 'overall')} |")
    if args.by_method and rows:
        print()
        print("| how we found the speaker | tuning half: lines | right | measuring half: lines | right |")
        print("|---|---|---|---|---|")
        halves = []
        for names in (TUNING, MEASURING):
            h = Counter()
            for name, r, _ in rows:
                if name in names:
                    h.update(r["how"])
            halves.append(h)
        methods = sorted({m for h in halves for m, _ in h}, key=lambda m: -sum(h[m, "n"] for h in halves))
        for m in methods:
            print(f"| {m} | " + " | ".join(f"{h[m, 'n']} | {acc(h, m)}" for h in halves) + " |")


if __name__ == "__main__":
    main()
