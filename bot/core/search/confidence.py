"""Confidence: whether an answer is marked sure. With the answer model, its calibrated probability
(bot/core/ranker.py, fitted by scripts/calibrate.py) over what the model and the lexical ranker saw;
without it, whether the answer passage holds most of what the question is about."""
from __future__ import annotations

from bot.core import ranker
from bot.core.search.question import Question
from bot.core.search.terms import QUESTION_ONLY, stopwords, term, words


def known_share(sr, q: Question) -> float:
    """How much of the question the story has words for, weighted by rarity (a word it never
    uses counts as the rarest): low for a question about another story."""
    raw = [w for w in words(q.text) if w not in stopwords() and w not in QUESTION_ONLY and len(w) > 2]
    if not raw:
        return 1.0
    rarest = sr.idf("\0")
    weights = [(sr.idf(term(w)) if term(w) in sr.lex.known_terms else rarest,
                term(q.corrected.get(w, w)) in sr.lex.known_terms or w in sr.lex.name_words) for w in raw]
    return sum(wt for wt, known in weights if known) / sum(wt for wt, _ in weights)


def lexically_sure(sr, q: Question, best: int) -> bool:
    """Sure when the answer passage holds most of what the question is about."""
    content = [t for t in dict.fromkeys(q.terms)]
    if not content:
        return False
    present = set(sr.passage_terms[best])
    nearby = set(present)
    for j in (best - 1, best + 1):
        if 0 <= j < sr.sizes[0]:
            nearby.update(sr.passage_terms[j])
    names = sr.lex.name_terms
    topical = [t for t in content if t not in names]
    weight = sum(sr.idf(t) for t in content) or 1.0
    covered = sum(sr.idf(t) for t in content if t in nearby) / weight
    return covered >= 0.5 and (not topical or any(t in nearby for t in topical))


def sure(sr, q: Question, answers: list, fusion, only_position: bool) -> bool:
    """Whether the first answer is marked sure: the answer model's calibrated probability when
    it weighed the answers, else the lexical rule (and "how does it end" is always sure)."""
    lexical = bool(answers) and (only_position or lexically_sure(sr, q, answers[0].passage - 1))
    if answers and fusion is not None and not only_position and sr.encoder.calibration:
        return ranker.sure(sr.encoder.calibration, fusion, lexical)
    return lexical
