"""Chapters as readers name them: "3", "book 6 chapter 13", "Book Six, Chapter XIII", "VI.13",
"chapter 13 of book six", or a chapter's title, typos allowed."""
from __future__ import annotations

import re
from typing import Sequence

from bot.core.segment import Chapter
from bot.core.text import ROMAN

_UNITS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
          "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"]
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
             "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "last": -1}
# Words that name a part of a book (its books, parts, volumes) or a chapter.
PART_WORDS = ("book", "part", "volume", "vol", "epilogue")
CHAPTER_WORDS = ("chapter", "chap", "ch", "section")


def number(word: str) -> int | None:
    """A number written as digits, a Roman numeral, or in words ("13", "XIII", "thirteen",
    "twenty-one", "sixth"). None when it is none of these.

    >>> [number(w) for w in ["13", "XIII", "thirteen", "twenty-one", "sixth", "fish"]]
    [13, 13, 13, 21, 6, None]
    """
    w = word.lower().strip(".,:;")
    if re.fullmatch(r"\d+(?:st|nd|rd|th)", w):  # "2nd"
        w = w[:-2]
    if w.isdigit():
        return int(w)
    if w in _ORDINALS:
        return _ORDINALS[w]
    if w in _UNITS:
        return _UNITS.index(w)
    if w in _TENS:
        return _TENS[w]
    if "-" in w:
        tens, _, unit = w.partition("-")
        if tens in _TENS and unit in _UNITS[1:10]:
            return _TENS[tens] + _UNITS.index(unit)
    if ROMAN.fullmatch(w):
        total, prev = 0, 0
        for ch in reversed(w):
            v = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100, "d": 500, "m": 1000}[ch]
            total += -v if v < prev else v
            prev = max(prev, v)
        return total
    return None


def parts(text: str) -> tuple[int | None, int | None]:
    """(part, chapter) numbers a reference or a title names: "Book Six, Chapter XIII" and
    "chapter 13 of book six" -> (6, 13); "VI.13" -> (6, 13); "chapter 4" -> (None, 4)."""
    t = text.lower()
    dotted = re.fullmatch(r"\s*([ivxlcdm]+|\d+)\s*[.:/-]\s*([ivxlcdm]+|\d+)\s*", t)
    if dotted:
        return number(dotted.group(1)), number(dotted.group(2))
    tokens = [_keyword(tok) for tok in re.findall(r"\d+(?:st|nd|rd|th)?\b|[a-z]+(?:-[a-z]+)?|\d+", t)]
    part = chapter = None
    for i, tok in enumerate(tokens):
        nxt = number(tokens[i + 1]) if i + 1 < len(tokens) else None
        prev = number(tokens[i - 1]) if i else None
        owned = i >= 2 and tokens[i - 2] in PART_WORDS  # "book 6 chapter": the 6 is the book's
        if tok == "epilogue" and part is None:
            # "First Epilogue: 1813 - 20" is the first (its years are no number of it); "epilogue 2".
            part = prev if prev is not None else nxt if nxt is not None and nxt < 100 else 1
        elif tok in PART_WORDS and part is None:
            part = nxt if nxt is not None else prev if prev is not None and prev < 100 else None
        elif tok in CHAPTER_WORDS and chapter is None:
            chapter = nxt if nxt is not None else (prev if not owned else None)
    return part, chapter


def _keyword(token: str) -> str:
    """A word of a reference, with "bok" and "chaptr" read as "book" and "chapter"."""
    if len(token) < 3 or token in PART_WORDS or token in CHAPTER_WORDS or number(token) is not None:
        return token
    from rapidfuzz import fuzz, process

    hit = process.extractOne(token, ("book", "part", "volume", "chapter", "section", "epilogue"),
                             scorer=fuzz.ratio, score_cutoff=80)
    return hit[0] if hit else token


def _is_epilogue(title: str) -> bool:
    return "epilogue" in title.lower()


def find(chapters: Sequence[Chapter], ref: str) -> int | None:
    """The chapter (its id) a reader means, or None.

    A bare number is the chapter's place in the story ("13": the thirteenth); a book and chapter
    ("book 6 chapter 13", "VI.13") are matched against the chapters' own titles; anything else
    is looked for among the titles, fuzzily.
    """
    ref = " ".join(ref.split())
    if not ref or not chapters:
        return None
    if ref.isdigit():
        n = int(ref)
        return chapters[n - 1].id if 1 <= n <= len(chapters) else None
    wanted = parts(ref)
    if wanted == (None, None) and " " not in ref and len(ref) > 1:
        # "III", "twelve": a chapter's number alone, where the story has that chapter (else a
        # title's word: "Mix", "Last")
        alone = parts(f"chapter {ref}")
        wanted = alone if alone[0] is None and alone[1] is not None and 1 <= alone[1] <= len(chapters) else wanted
    if wanted != (None, None):
        epilogue = _is_epilogue(ref)
        numbered = [(c, parts(c.title)) for c in chapters if _is_epilogue(c.title) == epilogue]
        if wanted[0] is not None:
            for c, have in numbered:
                if have[0] == wanted[0] and wanted[1] in (None, have[1]):
                    return c.id  # "book six, chapter 13"; "book six" alone is its first chapter
            return None
        if not any(have[0] for _, have in numbered):
            for c, have in numbered:
                if have[1] == wanted[1]:
                    return c.id
        # "chapter 13" in a book of books: the thirteenth chapter of the story.
        return chapters[wanted[1] - 1].id if 1 <= wanted[1] <= len(chapters) else None
    for c in chapters:
        if re.search(rf"\b(?:chapter\s+)?{re.escape(ref)}\b\.?$", c.title, re.IGNORECASE):
            return c.id
    from rapidfuzz import fuzz, process, utils

    titles = {c.title: c.id for c in chapters}
    hit = process.extractOne(ref, list(titles), scorer=fuzz.WRatio, processor=utils.default_process, score_cutoff=75)
    return titles[hit[0]] if hit else None


def complete(chapters: Sequence[Chapter], typed: str, limit: int = 25) -> list[tuple[str, int]]:
    """Chapter titles for what a reader has typed so far, with their ids: the chapter a
    reference names first, then titles that fit."""
    typed = typed.strip()
    if not typed:
        return [(c.title, c.id) for c in chapters[:limit]]
    out: list[tuple[str, int]] = []
    found = find(chapters, typed)
    if found is not None:
        out.append((chapters[found - 1].title, found))
    from rapidfuzz import fuzz, process, utils

    for title, _score, i in process.extract(typed, [c.title for c in chapters], scorer=fuzz.WRatio,
                                            processor=utils.default_process, limit=limit):
        if chapters[i].id != found:
            out.append((title, chapters[i].id))
    return out[:limit]
