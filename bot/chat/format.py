"""Text helpers for chat replies: fitting Discord's limits and keeping user text inert.

Pure functions: no Discord objects, so the console and the tests use them too.
"""
from __future__ import annotations

import re

# Discord's limits (https://discord.com/developers/docs/resources/message).
MESSAGE_MAX = 2000
EMBED_DESCRIPTION_MAX = 4096
EMBED_TITLE_MAX = 256
EMBED_FIELD_NAME_MAX = 256
EMBED_FIELD_VALUE_MAX = 1024
EMBED_FIELDS_MAX = 25
EMBED_FOOTER_MAX = 2048
EMBED_TOTAL_MAX = 6000
CUT_MARK = " …"

_MARKDOWN = re.compile(r"([\\*_`~|>#\[\]])")
_MENTION = re.compile(r"@(everyone|here)|<(@[!&]?|#)(\d+)>")


def inert(text: str) -> str:
    """Text that can never ping anyone or turn into a mention: '@everyone', '<@123>', '<@&1>',
    '<#1>' get a zero-width space after the '@' or '<'. (allowed_mentions stops pings too; this
    also stops a mention from rendering as a name.)"""
    return _MENTION.sub(lambda m: m.group(0)[0] + "\u200b" + m.group(0)[1:], text)


def escape(text: str) -> str:
    """User text shown back to them: Markdown escaped and mentions inert.

    >>> escape("**bold** @everyone")
    '\\\\*\\\\*bold\\\\*\\\\* @\\u200beveryone'
    """
    return _MARKDOWN.sub(r"\\\1", inert(text))


def story_text(text: str) -> str:
    """Story text for a reply: whitespace tidied, Markdown characters escaped, mentions inert."""
    paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n", text)]
    return escape("\n\n".join(p for p in paragraphs if p))


def cut(text: str, limit: int) -> str:
    """``text`` if it fits, else cut at the last sentence end (or word) before ``limit``, with
    a marker. Never longer than ``limit``."""
    if len(text) <= limit:
        return text
    room = max(0, limit - len(CUT_MARK))
    head = text[:room]
    ends = [m.end() for m in re.finditer(r"[.!?…][\"”’')\]]*(?=\s)", head)]
    if ends and ends[-1] > room // 2:
        head = head[: ends[-1]]
    elif " " in head:
        head = head.rsplit(" ", 1)[0]
    # Never leave a dangling backslash from an escape.
    while head.endswith("\\"):
        head = head[:-1]
    return head + CUT_MARK


def pages(text: str, limit: int) -> list[str]:
    """Split ``text`` into pages of at most ``limit`` characters, at paragraph, then sentence,
    then word boundaries."""
    out: list[str] = []
    current = ""
    for para in text.split("\n\n"):
        pieces = [para]
        if len(para) > limit:
            pieces = re.split(r"(?<=[.!?…])\s+", para)
        for piece in pieces:
            while len(piece) > limit:
                cut_at = piece.rfind(" ", 0, limit)
                cut_at = cut_at if cut_at > 0 else limit
                if current:
                    out.append(current)
                    current = ""
                out.append(piece[:cut_at])
                piece = piece[cut_at:].lstrip()
            sep = "\n\n" if current and piece is pieces[0] else (" " if current else "")
            if len(current) + len(sep) + len(piece) <= limit:
                current = current + sep + piece if current else piece
            else:
                out.append(current)
                current = piece
    if current:
        out.append(current)
    return out or [""]
