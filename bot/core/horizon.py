"""A reader's spoiler horizon: the story as someone who has read its first N chapters knows it.

One index is built per story and shared by every reader. A horizon is a position in its text
(the end of a chapter); since chapters, scenes, passages and lines of dialogue are all kept in
text order, what lies before it is a prefix of each list, found by bisection. Characters are
counted from their recorded uses (``StoryIndex.uses``): someone exists from their first mention,
each alias once it is used twice (or from its only use), and a name first used later is not
shown (the reader sees the name they know). Building a view copies references, never text: a
few milliseconds on War and Peace, with nothing rebuilt and nothing written to disk.
"""
from __future__ import annotations

import bisect
import copy

from bot.core.index import StoryIndex


def chapter_end(ix: StoryIndex, chapters: int) -> int:
    """The offset where a reader who has read ``chapters`` chapters stops."""
    return ix.chapters[chapters - 1].end


def cuts(ix: StoryIndex, chapters: int | None) -> bool:
    """Whether a horizon of ``chapters`` hides anything of this story."""
    return chapters is not None and 1 <= chapters < len(ix.chapters)


def view(ix: StoryIndex, chapters: int | None) -> StoryIndex:
    """The index as a reader who has read ``chapters`` chapters knows it (``ix`` itself when
    that is the whole story). Nothing after the end of that chapter is in it."""
    if not cuts(ix, chapters):
        return ix
    end = chapter_end(ix, chapters)
    met, shown = known_characters(ix, end)
    known = {c.name for c in met}
    lines = ix.dialogue[: bisect.bisect_left(ix.dialogue, end, key=lambda d: d.start)]
    return StoryIndex(
        name=ix.name, path=ix.path, title=ix.title, author=ix.author, encoding=ix.encoding, text=ix.text,
        start=ix.start, end=end, words=ix.words_to[chapters - 1], chapters=ix.chapters[:chapters],
        scenes=ix.scenes[: bisect.bisect_right(ix.scenes, chapters, key=lambda s: s.chapter)],
        passages=ix.passages[: bisect.bisect_right(ix.passages, chapters, key=lambda p: p.chapter)],
        characters=met,
        dialogue=[d for d in lines if d.speaker is None or d.speaker in known],
        uses=ix.uses, words_to=ix.words_to, metadata=ix.metadata, extra={"horizon": chapters, "shown": shown},
    )


def known_characters(ix: StoryIndex, end: int) -> tuple[list, dict[str, str]]:
    """The characters met before ``end``, each with the aliases used by then and their mentions
    counted to there, most mentioned first; and, for those whose canonical name is not used by
    then, the name to show instead (their most used alias so far)."""
    met = []
    shown: dict[str, str] = {}
    for c in ix.characters:
        if c.first is None or c.first >= end:
            continue
        uses = ix.uses.get(c.name, {})
        counts = {a: bisect.bisect_left(offsets, end) for a, offsets in uses.items()}
        counts = {a: n for a, n in counts.items() if n}
        # A name said once before the horizon and often after it is not yet theirs: "the
        # matchmakers speak of me as the future Countess Bezúkhova" is not Hélène's married name
        # given away. Said twice by then, or only ever once, it is.
        settled = {a: n for a, n in counts.items() if n >= min(2, len(uses[a]))}
        k = copy.copy(c)
        k.aliases = [a for a in c.aliases if a in settled]
        names = settled or counts
        k.mentions = sum(names.values())
        if c.name not in names and names:
            shown[c.name] = max(names, key=lambda a: (names[a], -uses[a][0]))
        met.append(k)
    met.sort(key=lambda c: (-c.mentions, c.name))
    return met, shown
