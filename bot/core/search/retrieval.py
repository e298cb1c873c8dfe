"""Retrieval: BM25 over passages and over sentence windows (a sentence with its neighbours), and
who is named or speaks in each; a question's lexical score for every window."""
from __future__ import annotations

import bisect
import logging
import math
from collections import Counter

import numpy as np

from bot.core.search.question import Question
from bot.core.search.quotes import utterances
from bot.core.search.terms import clauses, pairs
from bot.core.text import sentences


def bm25(documents: list[list[str]], k1: float = 1.2, b: float = 0.75):
    """A bm25s index over analysed documents (one "_" for an empty corpus)."""
    import bm25s

    logging.getLogger("bm25s").setLevel(logging.ERROR)  # it logs every index build at DEBUG
    out = bm25s.BM25(k1=k1, b=b)
    out.index(documents or [["_"]], show_progress=False)
    return out


class Passages:
    """Each passage's sentences (a quote kept with its speech tag) and their terms, analysed once,
    clause by clause; a passage's terms are its sentences' joined, the same as analysing it whole."""

    def __init__(self, ix) -> None:
        self.spans: list[list[tuple[int, int]]] = []
        self.sentence_terms: list[list[tuple[list[str], list[str]]]] = []
        self.terms: list[list[str]] = []
        for p in ix.passages:
            spans = utterances(ix.text, list(sentences(ix.text[p.start : p.end], p.start)))
            analysed = [clauses(ix.text[a:b]) for a, b in spans]
            self.spans.append(spans)
            self.sentence_terms.append(analysed)
            self.terms.append([t for terms, _ in analysed for t in terms])

    def windows(self, w) -> tuple[list[tuple[int, int, int]], list[list[str]]]:
        """Sentence windows: each sentence with ``w.window`` neighbours on each side in its passage,
        the sentence itself counted ``w.center_repeat`` times. (start, end, passage index) and terms."""
        units: list[tuple[int, int, int]] = []
        unit_terms: list[list[str]] = []
        for pi, spans in enumerate(self.spans):
            terms = [own + pairs_ for own, pairs_ in self.sentence_terms[pi]]
            for k, (a, b) in enumerate(spans):
                window = terms[k] * w.center_repeat
                for j in range(max(0, k - w.window), min(len(spans), k + w.window + 1)):
                    if j != k:
                        window = window + terms[j]
                units.append((a, b, pi))
                unit_terms.append(window or ["_"])
        return units, unit_terms


def matches(ix, pattern, sentence_spans: list[list[tuple[int, int]]], text: str | None = None):
    """(window, match) for each match of ``pattern`` in ``text`` (the story's, or the same
    lower-cased) that lies within one sentence: one scan of each passage, each match given to the
    sentence it lies in (a scan per sentence was most of the build on a long novel)."""
    text = text or ix.text
    u0 = 0
    for p, spans in zip(ix.passages, sentence_spans):
        starts = [a for a, _ in spans]
        for m in pattern.finditer(text, p.start, p.end):
            k = bisect.bisect_right(starts, m.start()) - 1
            if k >= 0 and m.end() <= spans[k][1]:
                yield u0 + k, m
        u0 += len(spans)


def people(ix, units, sentence_spans) -> tuple[list[set[str]], np.ndarray, list[set[str]]]:
    """For each window: the characters it names, whether it names one in full ("Irene Adler"),
    and who speaks in it."""
    from bot.core import characters as chars

    pattern = chars.alias_pattern(chars.alias_table(ix.characters))
    canonical = {a.lower(): c.name for c in ix.characters for a in [c.name, *c.aliases]}
    names: list[set[str]] = [set() for _ in units]
    fullname = np.zeros(len(units), dtype=bool)
    for u, m in matches(ix, pattern, sentence_spans) if pattern else ():
        alias = " ".join(m.group().split())
        name = canonical.get(chars.mention_key(alias).lower())  # "a White Rabbit" is the White Rabbit
        if name is not None:
            names[u].add(name)
        fullname[u] |= " " in alias
    line_starts = [d.start for d in ix.dialogue]
    speakers: list[set[str]] = []
    for a, b, _ in units:
        i = max(0, bisect.bisect_left(line_starts, a) - 1)
        who = set()
        while i < len(ix.dialogue) and ix.dialogue[i].start < b:
            d = ix.dialogue[i]
            if d.end > a and d.speaker:
                who.add(d.speaker)
            i += 1
        speakers.append(who)
    return names, fullname, speakers


def postings(rows: list[set[str]]) -> dict[str, np.ndarray]:
    """Character -> the rows (windows or passages) they are in, as an index array."""
    found: dict[str, list[int]] = {}
    for r, names in enumerate(rows):
        for n in names:
            found.setdefault(n, []).append(r)
    return {n: np.array(rs, dtype=np.int64) for n, rs in found.items()}


def share(postings: dict[str, np.ndarray], names: list[str], size: int) -> np.ndarray:
    """For each row, the share of ``names`` found in it."""
    out = np.zeros(size)
    for n in names:
        rows = postings.get(n)
        if rows is not None:
            out[rows] += 1.0
    return out / max(1, len(names))


def idf(df: Counter, n: int, t: str) -> float:
    d = df.get(t, 0)
    return math.log(1 + (n - d + 0.5) / (d + 0.5))


def passage_scores(sr, q: Question) -> np.ndarray:
    """A score for every passage: BM25, a little of a neighbour's in the same scene, more for the
    characters and the speaker asked about."""
    terms = [t for t in q.terms if t in sr.lex.known_terms]
    if not terms or not sr.ix.passages:
        return np.zeros(len(sr.passage_terms))
    base = sr.bm25.get_scores(terms).astype(np.float64)
    base[sr.sizes[0]:] = 0.0  # past the reader's horizon: before smoothing, so nothing leaks back
    # A passage next to a strong one in the same scene shares a little of its score.
    smoothed = base.copy()
    if len(base) > 1:
        same_prev = sr.passage_scene[1:] == sr.passage_scene[:-1]
        smoothed[1:] += sr.w.smooth * base[:-1] * same_prev
        smoothed[:-1] += sr.w.smooth * base[1:] * same_prev
    boost = np.ones(len(base))
    if q.characters:
        boost += sr.w.passage_name_boost * share(sr.passage_named, q.characters, len(base))
    if q.speaker:
        boost *= 1.0 + sr.w.passage_speaker_boost * share(sr.passage_speaking, [q.speaker], len(base))
    return smoothed * boost


def window_scores(sr, q: Question, pscores: np.ndarray) -> np.ndarray:
    """Every window's lexical score: its own BM25 (words, and word pairs as phrases) plus its
    passage's."""
    terms = [t for t in q.terms if t in sr.unit_bm25.vocab_dict]
    uscores = sr.unit_bm25.get_scores(terms).astype(np.float64) if terms else np.zeros(len(sr.units))
    phrase_terms = [t for t in pairs(q.terms) if t in sr.unit_bm25.vocab_dict]
    if phrase_terms:
        uscores += sr.w.phrase_weight * sr.unit_bm25.get_scores(phrase_terms)
    return sr.w.unit_weight * uscores + sr.w.passage_weight * pscores[sr.unit_passage]
