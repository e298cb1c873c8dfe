"""Every weight and size of answering in one frozen object."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Weights:
    """Every weight and size of answering, in one place. A tuning script makes another with
    dataclasses.replace and hands it to a Searcher; nothing changes these in place."""

    # Lexical ranking, tuned on FairytaleQA train (scripts/tune_answers.py).
    window: int = 1  # neighbouring sentences on each side in a sentence window
    center_repeat: int = 2
    unit_k1: float = 1.2
    unit_b: float = 0.75
    smooth: float = 0.25
    phrase_weight: float = 0.3
    position_weight: float = 1.0
    described_weight: float = 1.0
    near: int = 4  # words
    near_weight: float = 0.5
    unit_weight: float = 1.0
    passage_weight: float = 0.5
    category_weight: float = 0.3
    name_weight: float = 0.0
    speaker_weight: float = 0.5
    possessive_weight: float = 1.0
    quantity_weight: float = 2.0  # "how much did she pay": a window holding an amount of it (signals.quantity)
    passage_name_boost: float = 0.15  # a passage naming the characters asked about
    passage_speaker_boost: float = 0.3  # a passage where the speaker asked about talks
    own_words_first: bool = True  # "what did X say ...": X's own lines before the model's other choices
    # Of the best windows, those from a chapter naming whom the question asks about first (tune_fusion:
    # all development sets 485 / 581 of 709 without, 486 / 581 with the best 3, 486 / 578 with 10;
    # by scene instead of chapter 484 / 576 with 10, 484 / 581 with 3).
    chapter_named_top: int = 3
    # "How old was he", "how much did she pay": of the best windows, those holding the amount come
    # first (tune_fusion: all development sets 487 / 581 of 709 without, 488 / 581 with 3; with
    # "how long" too, 487 / 581: "for seven days" is in every other window).
    amount_top: int = 3
    reply_first: bool = True  # "what did X say when ...": X's next line after that moment first
    known_top: int = 6  # windows from the story's knowledge of people and places put forward for a question
    known_weight: float = 1.0
    # Kinds of that knowledge whose best window stays first, with the model or without: who the
    # main character is, where the story happens, what someone looks like or wears, their full
    # name (tune_fusion: all development sets 474/552 -> 475/553 with "fullname"), whom they
    # married (the plainest of the sentences that say so). Word overlap and the model's sense of
    # meaning know nothing of prominence or of which "his" is whose.
    known_first: tuple[str, ...] = ("main", "setting", "appearance", "clothing", "fullname", "spouse")
    # Fusing the answer model (bot/core/ranker.py) with the lexical score over the best windows:
    # each z-scored among those candidates, then summed with these weights. Chosen on the
    # FairytaleQA train stories held out of the model's training (451 questions): lexical alone
    # 0.747 / 0.909 hit@1 / hit@3, 0.5:1 0.721 / 0.896, 1:1 0.756 / 0.914, 2:1 0.774 / 0.920,
    # 3:1 0.767 / 0.927 (with the model before this one).
    fuse_top: int = 30  # the best lexical candidates (distinct passages) that are reranked
    fuse_dense: int = 10  # and the passages nearest the question by the model
    fuse_named: int = 10  # and those nearest it among the passages naming whom it asks about
    fuse_lexical: float = 2.0
    fuse_model: float = 1.0
    # The reranker over the best fused windows (scripts/tune_rerank.py, on the development split).
    rerank_top: int = 15  # how many it reads at most (two at a time, each about 4 ms on War and Peace)
    # Of those, only the ones whose fused score is at least rerank_least, and never fewer than
    # rerank_fewest: a candidate far below the best seldom rises to the top (tune_rerank.py: the
    # development sets' hit@1 / hit@3 the same or within one question, a third fewer read).
    rerank_least: float = 0.5
    rerank_fewest: int = 8
    rerank_fused: float = 1.0
    rerank_cross: float = 1.0
    # A quote shorter than this (characters) takes the next sentence (quotes.QUOTE_SHORT and
    # under grow by either neighbour). tune_fusion, all development sets hit@1 / hit@3 of 709 and
    # the first quote's median length: 80 481 / 567, 220; 150 483 / 571, 245; 250 (either side)
    # 484 / 574, 311, its gain all in the reader questions the model learned.
    quote_min: int = 150
    # Scene search.
    scene_head: int = 3  # times a scene's title, places and keywords count in its search document
    scene_moment: float = 1.0  # a scene's words score times (1 + this x its best window's, as a share of the
    # best scene's): the moment a reader remembers, beside a long scene that holds every word somewhere
    scene_arrival: float = 1.0  # "when X arrives": a scene X enters counts (1 + this) times
    scene_phrase: float = 0.3  # a moment's score counts the search's neighbouring words said together this much more
    scene_speaker: float = 1.0  # "X says ...": a moment counts (1 + this) times where X is the one speaking
    scene_first: float = 0.5  # "for the first time": of the scenes scoring at least this share of the best, the earliest first
    scene_edge: float = 1.0  # "the ending": a chapter's last scene counts (1 + this) times
    scene_meaning_min: float = 2.0  # standard scores: a scene found by meaning alone must stand out so far


WEIGHTS = Weights()
