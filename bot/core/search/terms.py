"""Analysis: text -> index terms (words, lemmas, stems, phrases), the same for stories and questions."""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from bot.core.index import stem
from bot.core.language import CHAT_CONTRACTIONS

_TOKEN = re.compile(r"[a-z0-9]+(?:['’][a-z]+)*")
_STOP: frozenset[str] = frozenset()
# Words of a question that say what is asked, not what it is about.
QUESTION_ONLY = frozenset("""
who whom whose what which where when why how did does do doing done happen happens happened
story tell me please anyone anybody someone somebody thing things kind sort name called
would could should might really actually exactly ever also like colour color colours colors shade
""".split())


# Words of the list that say what happened ("oliver asks for more", "she fell down", "he ran off"),
# searched as any other word.
MEANT = frozenset("more again once down up out off over under against few".split())


def stopwords() -> frozenset[str]:
    global _STOP
    if not _STOP:
        from bm25s.stopwords import STOPWORDS_EN_PLUS

        # The list is made for tokenizers that split "won't" into "won" and "t"; ours keeps a
        # contraction whole, so those fragments that are words of their own ("who won the
        # race", "don his coat", "ma said") are words here.
        _STOP = (frozenset(STOPWORDS_EN_PLUS) - {"won", "don", "ma"} - MEANT
                 | {"would", "could", "also", "us", "upon", "shall"} | CHAT_CONTRACTIONS)
    return _STOP


@lru_cache(maxsize=200_000)
def term(word: str) -> str:
    """The index term of a lower-case word: its lemma (simplemma: 'saw' -> 'see'), stemmed."""
    import simplemma

    lemma = simplemma.lemmatize(word, lang="en").lower()
    return stem([lemma])[0]


def warm() -> None:
    """Load the lemmatiser's and stemmer's tables now (the first question would otherwise pay
    for it, holding the interpreter for a few hundred milliseconds)."""
    import simplemma

    simplemma.is_known("story", lang="en")
    term("story")
    stopwords()


_MARKS = re.compile(r"[\u0300-\u036f]+")


def fold(text: str) -> str:
    """Text without its accents ("Natásha" -> "Natasha"): readers type names the plain way."""
    return text if text.isascii() else _MARKS.sub("", unicodedata.normalize("NFKD", text))


def words(text: str) -> list[str]:
    """Lower-case word tokens, accents folded, possessive 's dropped."""
    out = []
    for w in _TOKEN.findall(fold(text).lower()):
        if w.endswith(("'s", "’s")):
            w = w[:-2]
        out.append(w.replace("’", "'"))
    return out


def pairs(terms: list[str]) -> list[str]:
    """Neighbouring terms as one token each ("saw red" -> "see red"): phrases weigh more than words."""
    return [f"{a} {b}" for a, b in zip(terms, terms[1:])]


_CLAUSE = re.compile(r"[,;:.!?()\"“”—–]+|\s-\s|--")


def clauses(text: str) -> tuple[list[str], list[str]]:
    """A text's terms (as ``analyse`` gives them) and its phrases, from one pass over its clauses."""
    terms: list[str] = []
    found: list[str] = []
    for clause in _CLAUSE.split(text):
        own = analyse(clause)
        terms += own
        found += pairs(own)
    return terms, found


def analyse(text: str) -> list[str]:
    """Index terms of a text: stop words out, lemmatised and stemmed."""
    stop = stopwords()
    return [term(w) for w in words(text) if w not in stop and len(w) > 1]



def compound(word: str, vocabulary) -> list[str]:
    """The two halves of a compound one of whose halves is a word of the story ("ballroom" ->
    "ball", "room"), or nothing."""
    stop = stopwords()
    for i in range(3, len(word) - 2):
        left, right = word[:i], word[i:]
        if any(len(h) >= 4 and h in vocabulary and h not in stop for h in (left, right)):
            return [left, right]
    return []
