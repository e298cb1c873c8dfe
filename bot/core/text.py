"""Small text helpers shared by the core: sentences, words, quote characters."""
from __future__ import annotations

import re
from collections.abc import Iterator

WORD = re.compile(r"[A-Za-zÀ-ÖØ-öø-ÿ]+(?:['’][A-Za-z]+)*")

# Abbreviations after which a full stop does not end a sentence.
_ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "st", "mt", "jr", "sr", "prof", "capt", "col", "gen", "lt", "sgt",
    "rev", "hon", "messrs", "mme", "mlle", "vs", "etc", "no", "vol", "ch", "fig", "esq", "gov",
}
_SENTENCE_END = re.compile(r"[.!?…]+[\"”’')\]]*(?=\s+[\"“‘'(\[]?[A-Z0-9À-Ö])|[.!?…]+[\"”’')\]]*$"
                           r"|\S(?=[ \t]*\n[ \t]*\n)")  # a paragraph break ends a sentence, stop or not
# The same without paragraph breaks, for text that has none (one paragraph): five times faster.
_SENTENCE_END_IN_PARAGRAPH = re.compile(r"[.!?…]+[\"”’')\]]*(?:(?=\s+[\"“‘'(\[]?[A-Z0-9À-Ö])|$)")
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")
_WORD_BEFORE_STOP = re.compile(r"(\w+)\.$")


def sentences(text: str, offset: int = 0) -> Iterator[tuple[int, int]]:
    """Yield (start, end) of each sentence in ``text``, shifted by ``offset``.

    >>> [ "Mr. Darcy came. He left!"[s:e] for s, e in sentences("Mr. Darcy came. He left!") ]
    ['Mr. Darcy came.', 'He left!']
    """
    start = 0
    n = len(text)
    while start < n and text[start].isspace():
        start += 1
    ends = _SENTENCE_END if _PARAGRAPH_BREAK.search(text) else _SENTENCE_END_IN_PARAGRAPH
    for match in ends.finditer(text):
        end = match.end()
        if end <= start:
            continue
        if match.group().startswith(".") and match.group() == "." * len(match.group().rstrip("\"”’')]")):
            word = _WORD_BEFORE_STOP.search(text[max(start, match.start() - 12) : match.start() + 1])
            if word and (word.group(1).lower() in _ABBREVIATIONS or len(word.group(1)) == 1 and word.group(1).isupper()):
                continue
        yield start + offset, end + offset
        start = end
        while start < n and text[start].isspace():
            start += 1
    if start < n:
        end = n
        while end > start and text[end - 1].isspace():
            end -= 1
        if end > start:
            yield start + offset, end + offset


def count(n: int, noun: str, plural: str | None = None) -> str:
    """A number with its noun: "1 chapter", "2 chapters", "1 line of dialogue", "1,234 words".

    >>> count(1, "chapter"), count(2, "line", "lines of dialogue"), count(1, "line of dialogue", "lines of dialogue")
    ('1 chapter', '2 lines of dialogue', '1 line of dialogue')
    """
    return f"{n:,} {noun if n == 1 else plural or noun + 's'}"


def listed(names) -> str:
    """Names as a sentence lists them: "Holmes", "Holmes and Watson", "Holmes, Watson and Mary".

    >>> listed(["Holmes"]), listed(["Holmes", "Watson"]), listed(["Holmes", "Watson", "Mary"])
    ('Holmes', 'Holmes and Watson', 'Holmes, Watson and Mary')
    """
    names = list(names)
    return " and ".join([", ".join(names[:-1]), names[-1]] if len(names) > 2 else names)


def words(text: str) -> list[str]:
    """Word tokens (letters and inner apostrophes)."""
    return WORD.findall(text)


# A roman numeral, any case ("XII", "xiv"; not "DID", "CIVIL").
ROMAN = re.compile(r"(?=[MDCLXVI])M{0,4}(?:CM|CD|D?C{0,3})(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})", re.IGNORECASE)
_SMALL_WORDS = {"a", "an", "and", "as", "at", "but", "by", "for", "from", "in", "into", "nor", "of", "on", "or",
                "the", "to", "with"}


def nice_case(heading: str) -> str:
    """'CHAPTER XII. THE BALL OF THE SEASON' -> 'Chapter XII. The Ball of the Season'; mixed-case
    text is kept."""
    if heading != heading.upper():
        return heading
    out = []
    for token in heading.split(" "):
        if ROMAN.fullmatch(token.rstrip(".:,;")):  # "XII."
            out.append(token)
        elif out and token.lower() in _SMALL_WORDS and out[-1].isalpha() and not ROMAN.fullmatch(out[-1]):
            out.append(token.lower())  # "of the", but "Chapter I The Ball", "Chapter 3 A New Hope"
        else:
            out.append(re.sub(r"[A-Za-z].*", lambda m: m.group().capitalize(), token, count=1))  # "'MR." -> "'Mr."
    return " ".join(out)
