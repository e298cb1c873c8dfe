"""The storykeeper command line: the same core the bot uses, in a terminal."""
from __future__ import annotations

import argparse
import json
import logging
import sys
from collections import Counter
from pathlib import Path

from bot import config
from bot.core import library
from bot.core.index import StoryIndex
from bot.errors import StorykeeperError


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line and exit 2, as for every other bad input
        self.exit(2, f"storykeeper: {message}; see 'storykeeper {self.prog.split()[-1]} --help'\n"
                     if " " in self.prog else f"storykeeper: {message}; see 'storykeeper --help'\n")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="storykeeper", description="A bot that knows a story by heart.")
    parser.add_argument("--config", type=Path, help="settings file (default: ./config.yaml)")
    parser.add_argument("-v", "--verbose", action="store_true", help="log what the index does")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    inspect = sub.add_parser("inspect", help="show what the index found in a story")
    inspect.add_argument("--story", help="a story name from the library, or a file path")
    inspect.add_argument("--json", action="store_true", help="print the whole index as one JSON object")
    return parser


def _excerpt(text: str, width: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1].rsplit(" ", 1)[0] + "…"


def render_inspect(ix: StoryIndex) -> str:
    """A readable summary of an index, for a terminal."""
    out = []
    by = f" by {ix.author}" if ix.author else ""
    out.append(f"{ix.title}{by}")
    out.append(f"  {ix.path} · {ix.words:,} words · {len(ix.chapters)} chapters · {len(ix.scenes)} scenes · "
               f"{len(ix.passages)} passages")
    attributed = sum(1 for d in ix.dialogue if d.speaker)
    out.append(f"  {len(ix.dialogue)} lines of dialogue, {attributed} attributed to a speaker")
    out.append("")
    out.append("Characters (mentions, first appearance):")
    for c in ix.characters[:25]:
        aliases = [a for a in c.aliases if a != c.name]
        also = f"  aka {', '.join(aliases[:5])}" if aliases else ""
        first = f"offset {c.first}" if c.first is not None else "-"
        out.append(f"  {c.name:<28} {c.mentions:>5}  {first}{also}")
    if len(ix.characters) > 25:
        out.append(f"  … and {len(ix.characters) - 25} more (see --json)")
    speakers = Counter(d.speaker for d in ix.dialogue if d.speaker)
    if speakers:
        out.append("")
        out.append("Who speaks most: " + ", ".join(f"{n} ({k})" for n, k in speakers.most_common(6)))
    out.append("")
    out.append("Chapters and scenes:")
    scenes_by_chapter: dict[int, list] = {}
    for s in ix.scenes:
        scenes_by_chapter.setdefault(s.chapter, []).append(s)
    shown = 0
    for ch in ix.chapters:
        out.append(f"  {ch.id}. {ch.title}")
        for s in scenes_by_chapter.get(ch.id, []):
            people = ", ".join(s.characters[:4]) or "nobody named"
            out.append(f"       scene {s.id}: {s.title}  [{people}]")
        shown += 1
        if shown >= 40 and len(ix.chapters) > 45:
            out.append(f"  … and {len(ix.chapters) - shown} more chapters (see --json)")
            break
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="storykeeper: %(message)s")
    try:
        settings = config.load(args.config)
        if args.command == "inspect":
            ix = library.open_index(settings, args.story)
            if args.json:
                json.dump(ix.to_dict(), sys.stdout, ensure_ascii=False)
                sys.stdout.write("\n")
            else:
                print(render_inspect(ix))
    except StorykeeperError as exc:
        print(f"storykeeper: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    return 0
