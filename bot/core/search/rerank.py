"""Reranking with the answer model (bot/core/ranker.py): the best lexical windows and the passages
nearest the question by meaning, fused (each score z-scored among them), and the best few read
again by the reranker, each read together with the question as one pair (a cross-encoder)."""
from __future__ import annotations

import math

import numpy as np

from bot.core import ranker
from bot.core.search.confidence import known_share
from bot.core.search.question import Question


def z(x: np.ndarray) -> np.ndarray:
    """Scores as standard scores among themselves (all zero when they do not differ)."""
    sd = float(x.std())
    return (x - x.mean()) / sd if sd > 1e-9 else np.zeros_like(x, dtype=np.float64)


def fuse(sr, q: Question, order: np.ndarray, combined: np.ndarray) -> tuple[np.ndarray, ranker.Fusion | None]:
    """The best windows reordered by lexical and model scores together, and what the model
    saw (for confidence); the order as it is, and None, when there is no model."""
    if sr.vectors is None or sr.encoder is None:
        return order, None
    head, seen = [], set()
    for u in order[: sr.w.fuse_top * 4]:
        pi = int(sr.unit_passage[u])
        if combined[u] <= 0 or pi in seen:
            continue
        seen.add(pi)
        head.append(int(u))
        if len(head) >= sr.w.fuse_top:
            break
    # The passages nearest the question by meaning join the candidates, lexical match or not
    # (each by its best window): "how did he greet her" finds "welcome to New Orleans".
    question = sr.encoder.question(q.text)
    near = sr.nearness(question)
    nearest = list(np.argsort(-near)[: sr.w.fuse_dense])
    if q.characters and sr.w.fuse_named:
        # Among the passages that name everyone the question asks about, the nearest too: on a
        # long book the ten nearest of 9,000 passages seldom include the one about them.
        sets = [sr.char_passages.get(c, np.zeros(0, dtype=int)) for c in q.characters]
        named = sets[0]
        for other in sets[1:]:
            named = np.intersect1d(named, other)
        named = named[named < sr.sizes[0]]
        nearest += list(named[np.argsort(-near[named])[: sr.w.fuse_named]])
    for pi in nearest:
        if int(pi) in seen:
            continue
        lo, hi = np.searchsorted(sr.unit_passage, [pi, pi + 1])
        if hi > lo and not sr.unit_bare[lo:hi].all():
            seen.add(int(pi))
            head.append(int(lo + np.argmax(combined[lo:hi] - sr.unit_bare[lo:hi])))
    if not head:
        return order, None
    head_a = np.array(head)
    cosine = near[sr.unit_passage[head_a]]
    fused = sr.w.fuse_lexical * z(combined[head_a]) + sr.w.fuse_model * z(cosine)
    rank = np.argsort(-fused, kind="stable")
    ranked, cosine, fused = head_a[rank], cosine[rank], fused[rank]
    # The best few are read again by the reranker, word by word against the question, and
    # put in the order of both scores (each z-scored among them).
    top = min(sr.w.rerank_top, len(ranked)) if getattr(sr.encoder, "reranks", False) else 0
    top = min(top, max(sr.w.rerank_fewest, int((fused[:top] >= sr.w.rerank_least).sum())))
    cross = sr.encoder.rerank(q.text, [window(sr, int(u)) for u in ranked[:top]]) if top > 1 else None
    if cross is not None:
        again = np.argsort(-(sr.w.rerank_fused * z(fused[:top]) + sr.w.rerank_cross * z(cross)), kind="stable")
        ranked[:top], cosine[:top], fused[:top], cross = ranked[again], cosine[again], fused[again], cross[again]
    fusion = ranker.Fusion(cosine, fused, ranked, question, cross, known_share(sr, q), math.log10(max(1, sr.sizes[0])))
    return np.concatenate([ranked, order[~np.isin(order, ranked)]]), fusion


def window(sr, u: int) -> str:
    """The text a reranker reads for window ``u``: its sentence with one neighbour on each
    side in the same passage (what the window was ranked by)."""
    pi = sr.unit_passage[u]
    lo = u - 1 if u > 0 and sr.unit_passage[u - 1] == pi else u
    hi = u + 1 if u + 1 < len(sr.units) and sr.unit_passage[u + 1] == pi else u
    return " ".join(sr.ix.text[sr.units[lo][0] : sr.units[hi][1]].split())


def by_meaning(sr, fusion: ranker.Fusion | None, picked: list[int], combined: np.ndarray) -> list[int]:
    """A passage found by meaning alone (no word of the question in it) is quoted from its
    sentence nearest the question, not its first."""
    if fusion is None or sr.encoder is None:
        return picked
    lost = [k for k, u in enumerate(picked) if combined[u] <= 0]
    if not lost:
        return picked
    spans = []
    for k in lost:
        pi = sr.unit_passage[picked[k]]
        lo, hi = np.searchsorted(sr.unit_passage, [pi, pi + 1])
        spans.append((k, int(lo), int(hi)))
    texts = [sr.ix.text[sr.units[u][0] : sr.units[u][1]] for _, lo, hi in spans for u in range(lo, hi)]
    scores = sr.encoder.embed(texts, ranker.MAX_QUESTION_TOKENS * 2) @ fusion.question
    out, at = list(picked), 0
    for k, lo, hi in spans:
        out[k] = lo + int(np.argmax(scores[at : at + hi - lo] - 10.0 * sr.unit_bare[lo:hi]))
        at += hi - lo
    return out
