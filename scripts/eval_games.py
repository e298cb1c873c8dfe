"""Are "Who said it?" rounds right? 500 rounds a book against PDNC's labelled speakers.

For each PDNC novel (../shared/eval-data/pdnc-dev) and the shipped story (its quotes labelled by
hand in scripts/always-you.speakers.json): deal 500 who-said rounds (seeded), find the labelled
quotation each round's line overlaps most, and count a round right when its answer is that
quotation's speaker (our characters matched to PDNC's by shared names, as in eval_speakers.py).
Also: rounds where a wrong option is the speaker under another name, and the pool: lines the book
offers, and how many of its speaking characters those lines can ask about.

    python scripts/eval_games.py [--rounds N]
"""
from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from bot.core import games, index, loader  # noqa: E402
from eval_speakers import SKIP, map_characters, shipped  # noqa: E402

PDNC = ROOT.parent / "shared" / "eval-data" / "pdnc-dev"


def check(ix: index.StoryIndex, quotes: list[dict], gold: dict[str, list[str]], rounds: int, seed: int) -> dict:
    names = {c.name: i for i, c in enumerate(ix.characters)}
    ours_to_gold = map_characters(ix.characters, gold)
    spans = sorted((s, e, q["speaker"]) for q in quotes for s, e in q["spans"])
    rng = random.Random(seed)
    right = wrong_option = dealt = unlabelled = 0
    for _ in range(rounds):
        r = games.who_said(ix, rng)
        if r is None:
            break
        dealt += 1
        overlap = [(min(e, r.end) - max(s, r.start), who) for s, e, who in spans if s < r.end and e > r.start]
        if not overlap:
            unlabelled += 1
            continue
        speaker = max(overlap)[1]
        if speaker in SKIP:
            unlabelled += 1
            continue
        right += ours_to_gold.get(names.get(r.answer, -1)) == speaker
        wrong_option += any(ours_to_gold.get(names.get(c, -1)) == speaker for c in r.choices if c != r.answer)
    lines = games.sure_lines(ix)
    speaking = {q["speaker"] for q in quotes if q["speaker"] not in SKIP}
    asked_about = {ours_to_gold.get(names.get(d.speaker, -1)) for d in lines} & speaking
    judged = dealt - unlabelled
    return {"dealt": dealt, "judged": judged, "right": right / judged if judged else 0.0,
            "wrong_option": wrong_option, "lines": len(lines), "dialogue": len(ix.dialogue),
            "speakers": len(asked_about), "speaking": len(speaking)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=500)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    print("| book | rounds judged | right speaker | a wrong option was the speaker | lines to draw from | "
          "speaking characters a round can ask about |")
    print("|---|---|---|---|---|---|")
    total_right = total_judged = 0
    books = []
    for folder in sorted(p for p in PDNC.iterdir() if p.is_dir()) if PDNC.is_dir() else []:
        story = loader.from_text((folder / "text.txt").read_text(encoding="utf-8"), folder.name)
        quotes = [json.loads(line) for line in (folder / "quotes.jsonl").open(encoding="utf-8")]
        gold = json.loads((folder / "characters.json").read_text(encoding="utf-8"))
        books.append((folder.name, index.build(story), quotes, gold))
    story, quotes, gold, setting = shipped()
    books.append(("Always You (shipped)", index.build(story, setting), quotes, gold))
    for name, ix, quotes, gold in books:
        r = check(ix, quotes, gold, args.rounds, args.seed)
        total_right += round(r["right"] * r["judged"])
        total_judged += r["judged"]
        print(f"| {name} | {r['judged']} of {r['dealt']} | **{r['right']:.3f}** | {r['wrong_option']} | "
              f"{r['lines']:,} of {r['dialogue']:,} | {r['speakers']} of {r['speaking']} |")
    if total_judged:
        print(f"| **all** | {total_judged} | **{total_right / total_judged:.3f}** | | | |")


if __name__ == "__main__":
    main()
