"""The character yardstick: is every main character one entry, and is every entry one person?

On the PDNC novels (../shared/eval-data/pdnc-dev), our characters are matched to PDNC's list: a
name form that belongs to one PDNC character only is a key for that character. Main characters
are those with 20 or more labelled quotations.

A form PDNC gives one character is a key for them unless it is one word that is also a word of
another character's names.

- found: a main character has at least one of ours holding one of their keys;
- split: a main character's keys are held by two or more of ours with 10+ mentions each;
- wrong merges: one of ours (10+ mentions) holds the keys of two or more PDNC characters;
- not people: names in our top 15 that match no PDNC character (read them: some are minor
  characters PDNC does not list; a place, a people or an abstraction is an error).

Tune on DaisyMiller, Emma, OliverTwist and PrideAndPrejudice; measure, never tune, on
TheAwakening, TheInvisibleMan, ThePictureOfDorianGray and TheSignOfTheFour. With --corpora, the
top 15 of every book in ../shared/corpora is listed too, for reading.

    python scripts/eval_characters.py [--novel NAME] [--corpora] [--show]
"""
from __future__ import annotations

import argparse
import json
import sys
import unicodedata
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.core import index, loader, segment  # noqa: E402

PDNC = ROOT.parent / "shared" / "eval-data" / "pdnc-dev"
CORPORA = ROOT.parent / "shared" / "corpora"
TUNING = ("DaisyMiller", "Emma", "OliverTwist", "PrideAndPrejudice")
MEASURING = ("TheAwakening", "TheInvisibleMan", "ThePictureOfDorianGray", "TheSignOfTheFour")
MAIN_QUOTES = 20
BIG = 10  # mentions that make one of ours count in a split or a merge
TOP = 15


def norm(name: str) -> str:
    plain = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
    return " ".join(plain.lower().replace(".", "").replace("’", "'").split())


def keys_of(gold: dict[str, list[str]]) -> dict[str, str]:
    """Name form -> the one PDNC character it belongs to. Forms shared by two are no key, nor is
    a one-word form that is a word of another character's name: PDNC lists "Smith" for Mrs.
    Smith only, but the text's "Smith" is as much Mordecai Smith."""
    owners: dict[str, set[str]] = {}
    words: dict[str, set[str]] = {}
    for key, aliases in gold.items():
        for form in {key, *aliases}:
            owners.setdefault(norm(form), set()).add(key)
            for word in norm(form).split():
                words.setdefault(word, set()).add(key)
    return {form: next(iter(who)) for form, who in owners.items()
            if len(who) == 1 and (" " in form or words.get(form, who) == who)}


def judge(novel: Path, show: bool = False) -> dict:
    gold = json.loads((novel / "characters.json").read_text())
    quotes = [json.loads(line) for line in (novel / "quotes.jsonl").read_text().splitlines() if line.strip()]
    spoken = Counter(q["speaker"] for q in quotes)
    main = {k for k, n in spoken.items() if n >= MAIN_QUOTES and k in gold}
    story = loader.from_text((novel / "text.txt").read_text(), novel.name)
    ours, _, _ = index.people(story, segment.chapters_and_spans(story)[0])  # as the index finds them
    keys = keys_of(gold)
    held: list[set[str]] = []  # for each of ours, the PDNC characters whose keys it holds
    for c in ours:
        held.append({keys[norm(f)] for f in {c.name, *c.aliases} if norm(f) in keys})
    found = {k for k in main if any(k in h for h in held)}
    split = {}
    for k in main:
        holders = [c for c, h in zip(ours, held) if k in h and c.mentions >= BIG]
        if len(holders) >= 2:
            split[k] = [f"{c.name} ({c.mentions})" for c in holders]
    merges = [(c.name, sorted(h)) for c, h in zip(ours, held) if len(h) >= 2 and c.mentions >= BIG]
    unmatched = [f"{c.name} ({c.mentions})" for c, h in list(zip(ours, held))[:TOP] if not h]
    if show:
        print(f"\n## {novel.name}: {len(main)} main characters, {len(ours)} of ours")
        for k in sorted(main - found):
            print(f"  missing: {k}")
        for k, holders in sorted(split.items()):
            print(f"  split: {k}: {', '.join(holders)}")
        for name, who in merges:
            print(f"  merged: {name} holds {', '.join(who)}")
        print(f"  top {TOP} with no PDNC match: {', '.join(unmatched) or 'none'}")
    return {"main": len(main), "found": len(found), "split": len(split), "merges": len(merges),
            "unmatched": unmatched}


def table(rows: dict[str, dict]) -> None:
    print("| novel | main characters | found | split | wrong merges | top-15 names matching no PDNC character |")
    print("|---|---|---|---|---|---|")
    for part, names in (("tuning", TUNING), ("measuring", MEASURING)):
        total = Counter()
        for name in names:
            if name not in rows:
                continue
            r = rows[name]
            total.update({k: r[k] for k in ("main", "found", "split", "merges")})
            print(f"| {name} | {r['main']} | {r['found']} | {r['split']} | {r['merges']} | {', '.join(r['unmatched'])} |")
        if total["main"]:
            print(f"| **{part}** | {total['main']} | **{total['found'] / total['main']:.2f}** | "
                  f"**{total['split'] / total['main']:.2f}** | **{total['merges']}** | |")


def corpora() -> None:
    for path in sorted(CORPORA.glob("*.txt")):
        story = loader.from_path(path)
        ours, _, _ = index.people(story, segment.chapters_and_spans(story)[0])
        print(f"\n{path.name}: " + ", ".join(f"{c.name} ({c.mentions})" for c in ours[:TOP]))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--novel", help="one PDNC novel (folder name)")
    ap.add_argument("--pdnc", type=Path, default=PDNC)
    ap.add_argument("--corpora", action="store_true", help="also list every corpus book's top 15")
    ap.add_argument("--show", action="store_true", help="list what is missing, split and merged (tuning novels)")
    args = ap.parse_args()
    names = [args.novel] if args.novel else [*TUNING, *MEASURING]
    # --show lists the errors of the tuning novels only (or of the one named): the measuring
    # half is for numbers, never for reading its mistakes.
    rows = {name: judge(args.pdnc / name, args.show and (bool(args.novel) or name in TUNING)) for name in names}
    print()
    table(rows)
    if args.corpora:
        corpora()


if __name__ == "__main__":
    main()
