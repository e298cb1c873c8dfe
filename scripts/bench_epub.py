"""An EPUB as long as War and Peace: read and indexed within twice the plain text's time?

Writes an EPUB 3 of a plain-text novel (one XHTML file a chapter, split in two files where a
chapter is long, as Calibre splits AO3's; a nav document), then times, in the same run and
alternating, the plain text (read + index) and the EPUB (unzip + parse + index). Medians.

    python scripts/bench_epub.py [PATH.txt] [--runs N]
"""
from __future__ import annotations

import argparse
import html
import statistics
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.config import StorySetting  # noqa: E402
from bot.core import index, loader, readers  # noqa: E402

DEFAULT = ROOT.parent / "shared" / "corpora" / "war-and-peace.txt"


def write_epub(source: Path, target: Path) -> int:
    """``source`` as an EPUB 3; returns how many chapter files it has."""
    story = loader.from_path(source)
    ix = index.build(story)
    docs: list[tuple[str, str, str]] = []  # (file, chapter title, xhtml)
    for n, chapter in enumerate(ix.chapters, 1):
        paras = [p for p in story.text[chapter.start : chapter.end].split("\n\n") if p.strip()]
        halves = [paras] if len(paras) < 60 else [paras[: len(paras) // 2], paras[len(paras) // 2 :]]
        for k, part in enumerate(halves):
            head = f"<h2>{html.escape(chapter.title)}</h2>" if k == 0 else ""
            body = head + "".join(f"<p>{html.escape(' '.join(p.split()))}</p>" for p in part)
            docs.append((f"ch{n:04d}_split_{k:03d}.xhtml", chapter.title if k == 0 else "",
                         '<?xml version="1.0" encoding="utf-8"?><html xmlns="http://www.w3.org/1999/xhtml">'
                         f"<head><title>{html.escape(chapter.title)}</title></head><body>{body}</body></html>"))
    nav = "".join(f'<li><a href="{name}">{html.escape(title)}</a></li>' for name, title, _ in docs if title)
    manifest = "".join(f'<item id="d{i}" href="{name}" media-type="application/xhtml+xml"/>' for i, (name, _, _) in enumerate(docs))
    spine = "".join(f'<itemref idref="d{i}"/>' for i in range(len(docs)))
    opf = ('<?xml version="1.0"?><package xmlns="http://www.idpf.org/2007/opf" version="3.0"><metadata '
           f'xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>{html.escape(story.title)}</dc:title>'
           f'<dc:creator>{html.escape(story.author or "")}</dc:creator></metadata><manifest>{manifest}'
           '<item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/></manifest>'
           f"<spine>{spine}</spine></package>")
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("mimetype", "application/epub+zip", compress_type=zipfile.ZIP_STORED)
        z.writestr("META-INF/container.xml", '<?xml version="1.0"?><container version="1.0" '
                   'xmlns="urn:oasis:names:tc:opendocument:xmlns:container"><rootfiles><rootfile '
                   'full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/></rootfiles></container>')
        z.writestr("OEBPS/content.opf", opf)
        z.writestr("OEBPS/nav.xhtml", '<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml" '
                   'xmlns:epub="http://www.idpf.org/2007/ops"><body><nav epub:type="toc"><ol>'
                   f"{nav}</ol></nav></body></html>")
        for name, _, xhtml in docs:
            z.writestr(f"OEBPS/{name}", xhtml)
    return len(docs)


def timed(path: Path) -> tuple[float, float, index.StoryIndex]:
    started = time.perf_counter()
    story = readers.read(path, path.stem, 100)
    read = time.perf_counter() - started
    ix = index.build(story, StorySetting(name=path.stem))
    return read, time.perf_counter() - started, ix


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("path", nargs="?", type=Path, default=DEFAULT)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        epub = Path(tmp) / (args.path.stem + ".epub")
        files = write_epub(args.path, epub)
        rows: dict[str, list[tuple[float, float]]] = {"txt": [], "epub": []}
        found = {}
        for _ in range(args.runs):
            for kind, path in (("txt", args.path), ("epub", epub)):
                read, total, ix = timed(path)
                rows[kind].append((read, total))
                found[kind] = ix
        med = {k: (statistics.median(r for r, _ in v), statistics.median(t for _, t in v)) for k, v in rows.items()}
        print(f"{args.path.name}: {args.path.stat().st_size / 2**20:.1f} MB as text; as EPUB "
              f"{epub.stat().st_size / 2**20:.1f} MB, {files} chapter files")
        for kind in ("txt", "epub"):
            ix = found[kind]
            print(f"  {kind}: {len(ix.chapters)} chapters, {ix.words:,} words, {len(ix.characters)} characters")
        print(f"| {args.runs} runs, median | read | read + index |")
        print("|---|---|---|")
        for kind in ("txt", "epub"):
            print(f"| {kind} | {med[kind][0]:.2f} s | {med[kind][1]:.2f} s |")
        print(f"EPUB / text, read + index: {med['epub'][1] / med['txt'][1]:.2f}x (target at most 2x)")


if __name__ == "__main__":
    main()
