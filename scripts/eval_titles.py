"""Scene titles: do they name people who are there? Measured on PDNC (../shared/eval-data/pdnc-dev),
where every quotation's speaker is labelled: whoever speaks in a scene is in it.

For each scene with a labelled speaker, the people its title names (by any of their names) are
matched to PDNC's characters. "There" is the share of them who speak in the scene; "lead" the
share of scenes whose title names the one who speaks most in it. A plain baseline runs in the same
pass: a title naming the two characters the scene names most often.

    python scripts/eval_titles.py [--pdnc DIR] [--novel NAME] [--show N]
"""
from __future__ import annotations

import argparse
import json
import re
from collections import Counter
from pathlib import Path

from eval_speakers import MEASURING, SKIP, TUNING, map_characters

from bot.core import index, loader

ROOT = Path(__file__).resolve().parents[1]


def most_named(text: str, table: list[tuple[str, int]]) -> Counter:
    """How often each of our characters is named in ``text``, longest names first ("Mrs. Bennet"
    before "Bennet"): who a title names, and the baseline's title (the top two of a scene)."""
    counts: Counter = Counter()
    taken: list[tuple[int, int]] = []
    for alias, ci in table:
        for m in re.finditer(rf"(?<![\w.]){re.escape(alias)}(?!\w)", text):
            if not any(a < m.end() and m.start() < b for a, b in taken):
                taken.append((m.start(), m.end()))
                counts[ci] += 1
    return counts


def evaluate(name: str, folder: Path, show: int = 0) -> dict[str, Counter]:
    text = (folder / "text.txt").read_text(encoding="utf-8")
    ix = index.build(loader.from_text(text, name))
    gold_chars = json.loads((folder / "characters.json").read_text(encoding="utf-8"))
    quotes = [json.loads(line) for line in (folder / "quotes.jsonl").open(encoding="utf-8")]
    to_gold = map_characters(ix.characters, gold_chars)
    table = sorted({(a, i) for i, c in enumerate(ix.characters) for a in [c.name, *c.aliases]},
                   key=lambda x: (-len(x[0]), x))
    out = {"ours": Counter(), "baseline": Counter()}
    shown = 0
    for sc in ix.scenes:
        speaking = Counter(q["speaker"] for q in quotes if sc.start <= q["start"] < sc.end and q["speaker"] not in SKIP)
        if not speaking:
            continue
        lead = speaking.most_common(1)[0][0]
        ours = {to_gold.get(ci) for ci in most_named(sc.title, table)}
        base = {to_gold.get(ci) for ci, _ in most_named(text[sc.start:sc.end], table).most_common(2)}
        for key, named in (("ours", ours), ("baseline", base)):
            c = out[key]
            c["scenes"] += 1
            c["named"] += len(named)
            c["there"] += sum(g in speaking for g in named)
            c["lead"] += lead in named
        if show and shown < show and (ours - set(speaking) or lead not in ours):
            shown += 1
            print(f"  {name} {sc.id}: {sc.title!r}  speaking: {dict(speaking.most_common(4))}")
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pdnc", type=Path, default=ROOT.parent / "shared" / "eval-data" / "pdnc-dev")
    ap.add_argument("--novel", action="append")
    ap.add_argument("--show", type=int, default=0, help="list this many titles per novel that miss")
    args = ap.parse_args()
    if not args.pdnc.exists():
        raise SystemExit(f"no PDNC data at {args.pdnc}: pass --pdnc DIR")
    print("| novel | scenes with speech | named in titles | there | lead named | baseline: there | lead named |")
    print("|---|---|---|---|---|---|---|")
    halves = {"tuning": (TUNING, {"ours": Counter(), "baseline": Counter()}),
              "measuring": (MEASURING, {"ours": Counter(), "baseline": Counter()})}

    def row(label: str, r: dict[str, Counter]) -> str:
        o, b = r["ours"], r["baseline"]
        return (f"| {label} | {o['scenes']} | {o['named']} | **{o['there'] / max(1, o['named']):.2f}** | "
                f"**{o['lead'] / max(1, o['scenes']):.2f}** | {b['there'] / max(1, b['named']):.2f} | "
                f"{b['lead'] / max(1, b['scenes']):.2f} |")

    for name in args.novel or [*TUNING, *MEASURING]:
        r = evaluate(name, args.pdnc / name, args.show)
        print(row(name, r))
        for novels, total in halves.values():
            if name in novels:
                for k in total:
                    total[k].update(r[k])
    for label, (_, total) in halves.items():
        if total["ours"]["scenes"]:
            print(row(f"**{label}**", total))


if __name__ == "__main__":
    main()
