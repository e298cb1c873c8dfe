"""Scene search: scenes ranked by their title, places and words (BM25, the title and places
counted more), and by meaning when no word of the search is in any scene."""
from __future__ import annotations

import re

import numpy as np

from bot.core.search.question import ARRIVES, FIRST_TIME, PLACE_IN_STORY, understand
from bot.core.search.quotes import best_quote, trim
from bot.core.search.rerank import z
from bot.core.search.results import SceneHit
from bot.core.search.retrieval import bm25, share
from bot.core.search.terms import analyse, compound, pairs, words


def index(ix, name_words, word_rank, w):
    """The scene index: each scene's text with its title (less the people in it: they are in
    the text, and in most scenes alike), places and keywords counted ``w.scene_head`` times, as
    they are what a reader remembers. A compound place counts for its parts ("the ballroom" is
    found by "ball")."""
    docs = []
    for sc in ix.scenes:
        title = " ".join(x for x in words(sc.title) if x.lower() not in name_words)
        head = " ".join([title, *sc.places, *sc.keywords])
        parts = [p for x in words(head) for p in compound(x, word_rank)]
        head = " ".join([head, *parts] * w.scene_head)
        docs.append(analyse(head + " " + ix.text[sc.start : sc.end]) or ["_"])
    return bm25(docs, k1=1.2, b=0.5)


_NUMBERED = re.compile(r"(scene\s*#?\s*|#\s*)?(-?\d+)", re.IGNORECASE)


def numbered(keywords: str, bare: bool = True) -> int | None:
    """The scene a search names by its number: "scene 4", "#4", and with ``bare`` "4" (ten
    digits or more are no scene's number: -1; int() itself stops at 4,300)."""
    m = _NUMBERED.fullmatch(" ".join(keywords.split()))
    if not m or not (bare or m.group(1)):
        return None
    return int(m.group(2)) if len(m.group(2)) <= 9 else -1


def search(sr, keywords: str, top: int = 5, excerpts: bool = True, by_number: bool = True) -> list[SceneHit]:
    """Scenes ranked by their title, places, people and words, each with the excerpt that
    matches best (none without ``excerpts``: finding it in a long scene is most of the time).
    With ``by_number``, a number is that scene ("scene 4", "#4", "4"; a bare number no scene
    has, "1812", is searched as a word where a scene holds it); a search of no letters or
    digits finds none."""
    ix = sr.ix
    if by_number and (n := numbered(keywords)) is not None:
        found = [SceneHit(s.id, s.title, s.start, s.end, s.chapter, s.characters, trim(ix.text[s.start : s.end], 300),
                          1.0) for s in ix.scenes if s.id == n]
        if found or numbered(keywords, bare=False) is not None \
                or not any(t in sr.scene_bm25.vocab_dict for t in analyse(keywords)):
            return found
    if not any(ch.isalnum() for ch in keywords):
        return []
    q = understand(sr.lex, keywords)
    terms = [t for t in q.terms if t in sr.scene_bm25.vocab_dict]
    if not ix.scenes:
        return []
    n = len(ix.scenes)
    scores = sr.scene_bm25.get_scores(terms).astype(np.float64)[:n] if terms else np.zeros(n)
    if len(set(terms)) >= 2 and sr.w.scene_moment:  # a moment is where a search's words come together
        scores = _share(scores) * (1 + sr.w.scene_moment * _share(moments(sr, q.terms, n, q.speaker)))
    if q.characters:
        wanted = set(q.characters)
        scores *= np.array([1.0 + 0.3 * len(wanted & set(s.characters)) / len(wanted) for s in ix.scenes])
        if ARRIVES.search(keywords) and sr.w.scene_arrival:
            # "when caroline arrives": a scene she is in and the one before is not.
            scores *= 1 + sr.w.scene_arrival * entered(ix.scenes, q.characters[0])
    # "the twist ending", "how it ends, james gets off": the last scene of a chapter (a story of
    # a collection) before the others; "how it starts", the first.
    edge = edges(ix.scenes, where) * sr.w.scene_edge if (where := placed(keywords)) else np.zeros(n)
    scores *= 1 + edge
    passages = nearness(sr, keywords) if not (scores > 0).any() else None
    near = meaning(sr, passages) if passages is not None else None
    by_meaning = near is not None and len(near) >= 3
    if by_meaning:
        # No word of it in any scene ("the fight" where nobody says "fight"): each scene by its
        # passage nearest the words. (Fused with the words as answers are, it did worse on the
        # tuning lookups than the words alone.) When no scene stands out, the closest three
        # are still shown, marked as found by meaning.
        scores = (near - near.min() + 1e-3) * (1 + edge)
        if z(near).max() < sr.w.scene_meaning_min:
            top = min(top, 3)
    order = [int(i) for i in np.argsort(-scores)[:top] if scores[i] > 0]
    if not by_meaning and sr.w.scene_first and FIRST_TIME.search(keywords) and order:
        # "the first time": the earliest of the scenes that match nearly as well as the best.
        near_best = [int(i) for i in np.nonzero(scores >= sr.w.scene_first * scores.max())[0]]
        order = [near_best[0], *(i for i in order if i != near_best[0])][:top]
    out = []
    for i in order:
        s = ix.scenes[i]
        if not excerpts:
            a = b = s.start
        elif by_meaning:  # the passage the scene was found by
            p = max((p for p in ix.passages[: len(passages)] if p.scene == s.id), key=lambda p: passages[p.id - 1],
                    default=None)
            a, b = (p.start, p.end) if p is not None else (s.start, s.end)
        else:
            k = int(np.searchsorted(sr.passage_scene[: len(ix.passages)], s.id))  # the scene's first passage
            first = ix.passages[k] if k < len(ix.passages) and ix.passages[k].scene == s.id else None
            a, b = best_quote(sr, first.start if first else s.start, s.end, q) if terms else (s.start, s.end)
        out.append(SceneHit(s.id, s.title, s.start, s.end, s.chapter, s.characters,
                            trim(ix.text[a:b], 300), float(scores[i]), by_meaning))
    return out


def placed(keywords: str) -> str | None:
    """Where in the story a search asks about ("end", "start"), if anywhere."""
    return next((where for where, asks in PLACE_IN_STORY.items() if asks.search(keywords)), None)


def edges(scenes, where: str) -> np.ndarray:
    """1 for each chapter's last scene (``where`` is "end") or first ("start"), else 0."""
    n = len(scenes)
    if where == "end":
        return np.array([float(i == n - 1 or scenes[i + 1].chapter != s.chapter) for i, s in enumerate(scenes)])
    return np.array([float(i == 0 or scenes[i - 1].chapter != s.chapter) for i, s in enumerate(scenes)])


def entered(scenes, who: str) -> np.ndarray:
    """1 for each scene ``who`` is in and the scene before is not (they come on), else 0."""
    there = np.array([who in s.characters for s in scenes], dtype=float)
    return there * (1 - np.concatenate([[0.0], there[:-1]]))


def moments(sr, terms: list[str], n: int, speaker: str | None = None) -> np.ndarray:
    """Each scene's best window for ``terms`` (BM25 over the answer windows): "della crying on
    the couch" is one moment, not words spread over a long scene."""
    known = [t for t in terms if t in sr.unit_bm25.vocab_dict]
    n_units = sr.sizes[1]
    best = np.zeros(n)
    if not known or not n_units:
        return best
    scores = sr.unit_bm25.get_scores(known)[:n_units].astype(np.float64)
    phrases = [t for t in pairs(terms) if t in sr.unit_bm25.vocab_dict]
    if phrases and sr.w.scene_phrase:  # "happiness in marriage": the words together, as said
        scores += sr.w.scene_phrase * sr.unit_bm25.get_scores(phrases)[:n_units]
    if speaker and sr.w.scene_speaker:  # "darcy says lizzy is only tolerable": where Darcy says it
        scores *= 1 + sr.w.scene_speaker * share(sr.unit_speaking, [speaker], n_units)
    scene_of = sr.passage_scene[sr.unit_passage[:n_units]].astype(np.int64) - 1
    keep = scene_of < n
    np.maximum.at(best, scene_of[keep], scores[keep])
    return best


def _share(x: np.ndarray) -> np.ndarray:
    top = x.max() if len(x) else 0.0
    return x / top if top > 0 else x


def nearness(sr, keywords: str) -> np.ndarray | None:
    """Each passage's nearness to ``keywords`` by the answer model (None without it)."""
    if sr.vectors is None or sr.encoder is None or not keywords.strip():
        return None
    return sr.nearness(sr.encoder.question(keywords))


def meaning(sr, near: np.ndarray) -> np.ndarray:
    """Each scene's nearest passage: the highest of its passages' ``near``."""
    n_pass, n_scenes = len(near), len(sr.ix.scenes)
    best = np.full(n_scenes, -1.0)
    scene_of = sr.passage_scene[:n_pass].astype(np.int64) - 1
    keep = scene_of < n_scenes
    np.maximum.at(best, scene_of[keep], near[keep])
    return best
