"""The Searcher: one story's indexes, built once, and the answering pipeline over them."""
from __future__ import annotations

import copy
from collections import Counter
from collections.abc import Collection

import numpy as np

from bot.core.index import StoryIndex
from bot.core.characters import TITLES
from bot.core.knowledge import Knowledge, who_is
from bot.core.search import confidence, lines, quotes, rerank, retrieval, scenes, signals
from bot.core.search.lexicon import Lexicon
from bot.core.search.question import Question, understand
from bot.core.search.results import Answer, AskResult, Quote, SceneHit
from bot.core.search.terms import stopwords, term, words
from bot.core.search.weights import WEIGHTS, Weights

FORMAT = 35  # bump when the Searcher's state changes: cached searchers are rebuilt


class Searcher:
    """Search over one story's index. Build once per story; every query after is fast.

    Its arrays are shared by every reader's horizon (``at``): passages and windows, their BM25
    indexes, who is named and speaks in each window, the signals' precomputed data, the scene
    index, the passage vectors of the answer model (when it is used) and the story's knowledge
    of its people and places."""

    def __init__(self, ix: StoryIndex, weights: Weights = WEIGHTS):
        self.ix = ix
        self.w = weights
        analysed = retrieval.Passages(ix)
        self.passage_terms = analysed.terms
        self.bm25 = retrieval.bm25(self.passage_terms)
        self.df = Counter(t for terms in self.passage_terms for t in set(terms))
        self.n = max(1, len(self.passage_terms))
        self.lex = Lexicon([ix.text[p.start : p.end] for p in ix.passages], set(self.bm25.vocab_dict), ix.characters)
        self.passage_scene = np.array([p.scene for p in ix.passages] or [0])
        self.passage_chapter = np.array([p.chapter for p in ix.passages] or [0])
        self.passage_chars = [set(p.characters) for p in ix.passages]
        self.char_passages = retrieval.postings(self.passage_chars)  # who is named in which passages
        self.lines_by_passage: dict[int, list] = {}
        for d in ix.dialogue:
            self.lines_by_passage.setdefault(d.passage, []).append(d)
        self.scene_bm25 = scenes.index(ix, self.lex.name_words, self.lex.word_rank, self.w)
        self.units, unit_terms = analysed.windows(self.w)
        self.unit_bm25 = retrieval.bm25(unit_terms, k1=self.w.unit_k1, b=self.w.unit_b)
        self.unit_passage = np.array([u[2] for u in self.units] or [0])
        self.unit_start = np.array([u[0] for u in self.units] or [0], dtype=np.float64)
        self.unit_names, self.unit_fullname, self.unit_speakers = retrieval.people(ix, self.units, analysed.spans)
        self.unit_named = retrieval.postings([n | sp for n, sp in zip(self.unit_names, self.unit_speakers)])
        self.unit_speaking = retrieval.postings(self.unit_speakers)
        self.passage_named = retrieval.postings(self.passage_chars)
        self.passage_speaking = retrieval.postings([{d.speaker for d in self.lines_by_passage.get(i + 1, ()) if d.speaker}
                                                    for i in range(len(ix.passages))])
        self.unit_category = signals.categories(self, analysed.spans)
        # Windows that can never be an answer: a heading ("SECOND EPILOGUE", "VIOLET HUNTER."),
        # a chapter title, or a name alone.
        self.titles = {" ".join(words(c.title)) for c in ix.chapters} | {" ".join(words(s.title)) for s in ix.scenes}
        self.unit_bare = np.array([quotes.bare(ix.text[a:b], self.titles, self.lex.aliases)
                                   for a, b, _ in self.units] or [False])
        self.sizes = (len(ix.passages), len(self.units), len(ix.scenes))  # what this searcher may return
        self.vectors: np.ndarray | None = None  # passage vectors from the answer model, when it is used
        self.encoder = None
        self.dense: np.ndarray | None = None  # the vectors as float32, made when the model is attached
        self.knowledge = Knowledge(self)

    # -- horizons and the cache ---------------------------------------------------------------

    def at(self, view: StoryIndex) -> "Searcher":
        """This searcher for a reader at a spoiler horizon (``view``, from bot.core.horizon):
        the same index and arrays, shared; everything it returns lies before the horizon, and
        the words and names it knows are those used by then. Word rarity stays the whole
        book's: it shows no text. Cheap: no index is copied."""
        if view.end >= self.ix.end and len(view.passages) == len(self.ix.passages):
            return self
        out = copy.copy(self)  # through __getstate__: the index and the model are put back here
        out.ix, out.encoder, out.dense = view, self.encoder, self.dense
        n_passages = len(view.passages)
        n_units = int(np.searchsorted(self.unit_passage, n_passages)) if self.units else 0
        out.sizes = (n_passages, n_units, len(view.scenes))
        out.lex = self.lex.at(n_passages, view.characters)
        return out

    # Weights read when the indexes are built; any other weight may change on a built searcher.
    BUILT_WITH = ("window", "center_repeat", "unit_k1", "unit_b", "scene_head")

    def reweighed(self, weights: Weights) -> "Searcher":
        """This searcher, sharing every index, answering with other weights (for tuning and
        ablation scripts: nothing is rebuilt)."""
        for name in self.BUILT_WITH:
            if getattr(weights, name) != getattr(self.w, name):
                raise ValueError(f"{name} is read when the indexes are built: build a new Searcher")
        out = copy.copy(self)
        out.ix, out.encoder, out.dense, out.w = self.ix, self.encoder, self.dense, weights
        return out

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        state.pop("ix")  # the index is cached on its own; attach() puts it back
        state.pop("encoder", None)  # the model is loaded from the package, never pickled
        state.pop("dense", None)  # and the vectors' float32 copy is made again from them
        state["format"] = FORMAT
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self.ix = None
        self.encoder = None
        self.dense = None

    def attach(self, ix: StoryIndex, encoder=None) -> "Searcher":
        """Put back what the cache does not hold: the index, the answer model (or None), and the
        passage vectors as float32 (cached as float16, half the size; converting them for every
        question was a tenth of its time on War and Peace)."""
        self.ix = ix
        self.encoder = encoder if getattr(self, "vectors", None) is not None else None
        self.dense = self.vectors.astype(np.float32) if self.encoder is not None else None
        return self

    def nearness(self, question: np.ndarray) -> np.ndarray:
        """Each passage's nearness to a question vector by the answer model (before the horizon)."""
        return self.dense[: self.sizes[0]] @ question

    # -- what the stages share ------------------------------------------------------------------

    def resolve_character(self, name: str) -> tuple[str | None, list[str]]:
        """A character by any alias, typos allowed: (name, []) when sure, else (None, guesses)."""
        return self.lex.resolve_character(name)

    def understand(self, question: str) -> Question:
        return understand(self.lex, question)

    def idf(self, t: str) -> float:
        """A term's rarity over the whole book's passages."""
        return retrieval.idf(self.df, self.n, t)

    def window(self, u: int) -> str:
        """The text the reranker reads for window ``u``."""
        return rerank.window(self, u)

    def best_quote(self, start: int, end: int, q: Question, around: int | None = None) -> tuple[int, int]:
        """The sentence or few sentences of text[start:end] that hold the question's words."""
        return quotes.best_quote(self, start, end, q, around)

    # -- answering ------------------------------------------------------------------------------

    def ask(self, question: str, top: int = 3) -> AskResult:
        """Answer a question with the quotes that show the answer, best first: analyse it,
        retrieve windows by their words, weigh the question's signals, rerank with the answer
        model, cut each quote, and decide whether to be sure."""
        question = question.strip()[:1000]
        q = self.understand(question)
        suggestions = [f"{w} -> {c}" for w, c in q.corrected.items()]
        pscores = retrieval.passage_scores(self, q)
        position = signals.position(self, q)
        only_position = position is not None and not any(t in self.lex.known_terms for t in q.terms)
        if only_position:
            # "How does the story end?" and nothing else: the closing (or opening) lines.
            pscores = np.ones(len(self.passage_terms))
            pscores[self.sizes[0]:] = 0.0
        asked = self.knowledge.asked(question, self.lex.who, self.ix.characters)
        known = self.knowledge.windows(asked, self.sizes[1])[: self.w.known_top] if asked else []
        if not len(pscores) or pscores.max() <= 0 and not known and (self.encoder is None or not self.sizes[1]):
            return AskResult(question, False, [], suggestions or self._suggest(q), self._unheard(question))
        combined = retrieval.window_scores(self, q, pscores) * signals.factor(self, q, position)
        combined[self.sizes[1]:] = 0.0  # windows past the reader's horizon are never answers
        combined[self.unit_bare] = 0.0  # nor headings and names alone
        if known:
            signals.known(self, combined, known)
        order = signals.read(self, q, combined, top)
        fusion = None
        if not only_position:
            order, fusion = self._fuse(q, order, combined)
            order = signals.in_their_chapters_first(self, q, order)
            order = signals.amount_first(self, q, order)
            if fusion is not None:
                order = signals.own_words_first(self, q, order)
            if known and asked.kind in self.w.known_first:
                order = np.concatenate([[known[0]], order[order != known[0]]])
        reply = signals.reply_after(self, q, combined) if self.w.reply_first else None
        if reply is not None:
            # "What did Klaus say when Marcel asked about her?": the speaker's next line after
            # the moment the question describes comes first.
            order = np.concatenate([[reply], order[order != reply]])
            combined[reply] = max(combined[reply], float(combined[order[1]]) if len(order) > 1 else 1.0)
        picked = self._pick(order, combined, fusion, top)
        answers = [quotes.answer(self, int(self.unit_passage[u]), q, float(combined[u]), self.units[u], u in known)
                   for u in picked]
        confident = confidence.sure(self, q, answers, fusion, only_position)
        if not confident:
            suggestions = suggestions + self._suggest(q)
        return AskResult(question, confident, answers, suggestions, None if confident else self._unheard(question))

    def _unheard(self, question: str) -> str | None:
        """Whom "who is X" asks about, when no word of X (but a title) is a word of the story so
        far and X is no one it names: "who is mycroft" asked of The Adventures of Sherlock Holmes."""
        typed = who_is(question)
        if not typed or self.lex.who(typed) is not None:
            return None
        named = [w for w in words(typed) if w not in stopwords() and w.capitalize() not in TITLES]
        if not named or any(self.lex.knows(w) or term(w) in self.lex.known_terms for w in named):
            return None
        return typed

    def _fuse(self, q: Question, order: np.ndarray, combined: np.ndarray):
        """The best windows reordered by the answer model (rerank.fuse); a step of its own so that
        scripts can see what the model weighed (scripts/devsplit.py)."""
        return rerank.fuse(self, q, order, combined)

    def _pick(self, order: np.ndarray, combined: np.ndarray, fusion, top: int) -> list[int]:
        """The best ``top`` windows, one a passage, never a heading or a name alone."""
        seen: set[int] = set()
        chosen = set(fusion.units.tolist()) if fusion is not None else set()
        picked: list[int] = []
        for u in order[: top * 20]:
            pi = int(self.unit_passage[u])
            if pi in seen or self.unit_bare[u] or combined[u] <= 0 and int(u) not in chosen:
                continue
            seen.add(pi)
            picked.append(int(u))
            if len(picked) >= top:
                break
        return rerank.by_meaning(self, fusion, picked, combined)

    def _confident(self, q: Question, best: int) -> bool:
        """The lexical rule of confidence (for calibration: scripts/calibrate.py)."""
        return confidence.lexically_sure(self, q, best)

    def _suggest(self, q: Question) -> list[str]:
        """Offer what we can: a scene that shares the question's words."""
        hits = scenes.search(self, " ".join(q.terms), top=1, excerpts=False, by_number=False) if q.terms else []
        return [f"scene: {h.title}" for h in hits]

    # -- scenes and quotes ----------------------------------------------------------------------

    def scenes(self, keywords: str, top: int = 5) -> list[SceneHit]:
        """Scenes ranked by their title, places, people and words."""
        return scenes.search(self, keywords, top)

    def quote(self, character: str | None = None, about: str | None = None,
              seed: int | None = None, after: int | None = None, seen: Collection[int] = ()) -> Quote | None:
        """A random memorable line of dialogue, optionally by a character and/or about a topic;
        not the one starting at ``after`` (the quote just shown) while another will do, nor
        one starting at any of ``seen`` while others are left."""
        return lines.random_line(self, character, about, seed, after, seen)


__all__ = ["Answer", "AskResult", "FORMAT", "Quote", "SceneHit", "Searcher"]
