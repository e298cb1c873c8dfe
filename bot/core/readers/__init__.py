"""Story files -> Story, one module a format: plain text and Markdown (bot/core/loader.py), HTML
(AO3 and FanFicFare downloads, any other HTML), and EPUB. ``read`` picks by the file's own bytes
as well as its name, so a renamed file is read for what it is, or refused in one line."""
from __future__ import annotations

from pathlib import Path

from bot.core import loader
from bot.core.loader import Story
from bot.errors import StoryError

SUFFIXES = (*loader.STORY_SUFFIXES, ".html", ".htm", ".xhtml", ".epub")


def read(path: Path, name: str | None = None, max_mb: float = 50.0) -> Story:
    """Read any supported story file. Raises StoryError with a one-line message on any problem."""
    loader.check_file(path, max_mb)
    with path.open("rb") as fh:
        head = fh.read(512)
    name = name or path.stem
    if head.startswith(b"PK\x03\x04") or path.suffix.lower() == ".epub":
        from bot.core.readers import epub

        return epub.read(path, name, str(path), max_mb)
    sniff = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if path.suffix.lower() in (".html", ".htm", ".xhtml") or sniff.startswith((b"<!doctype html", b"<html", b"<?xml")):
        from bot.core.readers import html

        data = path.read_bytes()
        if b"\x00" in data[:8192]:
            raise StoryError(f"{path} looks like a binary file, not HTML; give the story as downloaded")
        return html.read(data, name, str(path))
    return loader.from_path(path, name, max_mb)
