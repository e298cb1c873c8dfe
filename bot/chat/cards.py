"""The cards the bot shows, as plain data for Discord and the console alike: a Reply (title,
body, fields, footer, buttons), the Conversation behind its buttons, and the small cards and
phrases several replies share (where a passage is, reading progress). Nothing here imports discord.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from bot.chat import format as fmt
from bot.core.index import StoryIndex
from bot.core.text import count

BODY_MAX = 1800  # well under an embed's 4,096 so a reply also reads well as plain text
SCENE_PAGE = 1500


@dataclass(frozen=True)
class Button:
    label: str
    action: str
    disabled: bool = False


@dataclass(frozen=True)
class Reply:
    """One reply: a card and the buttons under it."""

    title: str = ""
    body: str = ""
    fields: tuple[tuple[str, str], ...] = ()
    footer: str = ""
    buttons: tuple[Button, ...] = ()
    private: bool = False  # only the person who asked sees it (slash commands)
    error: bool = False
    image: tuple[str, bytes] | None = None  # (file name, PNG) shown in the card

    def text(self) -> str:
        """The reply as plain text for a terminal: Markdown markers and escapes removed."""
        parts = [p for p in (self.title, self.body) if p]
        parts += [f"{name}: {value}" for name, value in self.fields]
        if self.footer:
            parts.append(f"({self.footer})")
        return plain("\n".join(parts))


def plain(text: str) -> str:
    """Discord Markdown to plain text: '**bold**' -> 'bold', '\\*' -> '*'."""
    import re

    text = re.sub(r"(?<!\\)\*\*|(?<![\\*])\*(?!\*)", "", text)
    return re.sub(r"\\([\\*_`~|>#\[\]])", r"\1", text).replace("\u200b", "")


@dataclass
class Conversation:
    """The state behind one reply's buttons: answers, the passage on show, the scene page."""

    kind: str  # "answer", "scene", "choices"
    answers: list = field(default_factory=list)
    index: int = 0
    passage: int = 0  # passage id on show when moving earlier / later
    scene: int = 0
    page: int = -1  # -1: not paging through the scene
    choices: list[tuple[str, str]] = field(default_factory=list)  # (label, command) for "did you mean"
    pages: list[str] = field(default_factory=list)  # an outline, page by page
    seen: tuple[int, ...] = ()  # the quotes "Another" has shown, by where they start (the latest last)


def where(ix: StoryIndex, chapter: int, scene: int) -> str:
    """Where a passage is, for a footer: "Chapter III · scene 7: the studio" (no chapter when
    there is only one)."""
    parts = []
    ch = next((c for c in ix.chapters if c.id == chapter), None)
    if ch and len(ix.chapters) > 1:
        parts.append(ch.title)
    sc = next((s for s in ix.scenes if s.id == scene), None)
    if sc:
        parts.append(f"scene {sc.id}: {sc.title}")
    return " · ".join(parts)


def chapter_range(total: int) -> str:
    """"chapters 1 to 12", or "one chapter"."""
    return f"chapters 1 to {total}" if total > 1 else "one chapter"


def progress_shown(name: str, current: int | None, total: int) -> Reply:
    """/progress with no chapter: where the reader is."""
    if current and current > total:  # the story was updated and is shorter now
        return Reply(body=f"You had reached chapter {current} of `{name}`, which now has {count(total, 'chapter')}: "
                          "you see up to its end. `/progress <chapter>` sets it again.", private=True)
    return Reply(body=f"You're at chapter {current} of {total} in `{name}`." if current
                 else f"You haven't set your progress in `{name}` ({count(total, 'chapter')}).", private=True)


def chapter_asked(ix: StoryIndex, ref: str) -> int | None:
    """The chapter a reader gives to /progress: "0" (everything), a number, "book 6 chapter 13",
    "VI.13", a title (bot/core/chapters.py). None when it names no chapter."""
    from bot.core import chapters

    ref = " ".join(ref.split())
    if ref.isdigit():
        return int(ref)
    return chapters.find(ix.chapters, ref)


def progress_set(name: str, chapter: int, total: int, limit: int | None = None, title: str = "") -> Reply:
    """/progress N: what the reader will see from now on (``limit``: the chapter they may see
    to here once it is set, which a server's or channel's ceiling may hold lower), or why N is
    not a chapter."""
    if not 0 <= chapter <= total:
        return Reply(body=f"`{name}` has {chapter_range(total)}; 0 clears your progress.", private=True, error=True)
    wanted = chapter if 0 < chapter < total else None
    if limit is not None and 0 < limit < total and (wanted is None or limit < wanted):
        asked = f"up to chapter {chapter}" if wanted else "all of it"
        return Reply(body=f"Got it, but a spoiler limit here keeps `{name}` to chapter {limit}: that is as far as "
                          f"I'll show you (you asked for {asked}).", private=True)
    if wanted:
        named = f" ({fmt.escape(title)})" if title and title.lower() not in (f"chapter {chapter}", str(chapter)) else ""
        return Reply(body=f"Got it: I'll only show you `{name}` up to the end of chapter {chapter}{named}.",
                     private=True)
    return Reply(body=f"I'll show you all of `{name}`.", private=True)
