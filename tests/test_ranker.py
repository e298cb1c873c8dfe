"""The answer model's part in answering: candidates by meaning, fusion, confidence, the horizon,
and answering lexically (saying why) when there is no model. A tiny stand-in encoder (words to
fixed vectors) exercises the same code as the shipped ONNX model, whose own quality is measured
by scripts/eval_answers.py."""
from __future__ import annotations

import logging

import numpy as np

from bot.chat.replies import Replies
from bot.core import horizon, library, ranker
from conftest import build_text

STORY = """Chapter 1

The old sailor gripped the wheel while the storm tore at the sails all night long.

Anna baked bread for the whole village every morning before dawn.

Chapter 2

Anna married the young miller in the spring, and the village danced at the feast.

The sailor mended his nets by the harbour and sang of faraway islands.
"""
# Words that mean one thing share a dimension: what a trained encoder learns to do.
MEANINGS = [{"sailor", "ship", "steer", "steered", "wheel", "storm", "weather", "boat"},
            {"bread", "baked", "bakes", "cook", "cooked", "food"},
            {"married", "wedding", "wed", "husband"},
            {"nets", "fishing", "fish", "harbour"}]


class WordEncoder:
    """Stands in for ranker.Encoder: a text's vector counts its words of each meaning."""

    digest = "test"
    calibration = None

    def embed(self, texts, max_tokens=256):
        out = np.zeros((len(texts), len(MEANINGS) + 1), dtype=np.float32)
        for i, t in enumerate(texts):
            words = set(t.lower().replace(".", " ").replace(",", " ").replace("?", " ").split())
            for k, meaning in enumerate(MEANINGS):
                out[i, k] = len(words & meaning)
            out[i, -1] = 0.1
        return out / np.linalg.norm(out, axis=1, keepdims=True)

    def question(self, text):
        return self.embed([text])[0]


def searcher(ix, encoder=None):
    return library.searcher_for(ix, encoder or WordEncoder())


def test_a_question_sharing_no_word_with_its_answer_finds_it_by_meaning() -> None:
    ix = build_text(STORY, "sea")
    lexical = library.searcher_for(ix, None)
    question = "who steered the ship in bad weather"
    assert not lexical.ask(question).answers or "sailor gripped" not in lexical.ask(question).answers[0].quote
    found = searcher(ix).ask(question)
    assert "sailor gripped the wheel" in found.answers[0].quote
    assert "baked bread" in searcher(ix).ask("who cooked food for everyone").answers[0].quote


def test_among_the_passages_naming_someone_the_nearest_by_meaning_is_a_candidate() -> None:
    """On a long book the nearest passages by meaning are about others: the one nearest among
    the passages that name whom the question asks about is still read."""
    import dataclasses

    from bot.core import search

    rain = " The rain fell on the roofs of the town, and the lamps burned low in the windows of the square." * 4
    story = ("The old sailor gripped the wheel of the ship while the storm and the weather tore at the boat." + rain
             + "\n\nAnna Berg sang at the feast, and Anna Berg danced, and Anna Berg laughed with Anna Berg's friends."
             + rain + "\n\nAnna Berg took the small boat out past the harbour at dawn." + rain + "\n")
    ix = build_text(story, "harbour")
    assert len(ix.passages) == 3 and any(c.name == "Anna Berg" for c in ix.characters)
    for named, found in ((0, False), (1, True)):
        weights = dataclasses.replace(search.WEIGHTS, fuse_top=1, fuse_dense=1, fuse_named=named)
        s = library.searcher_for(ix, WordEncoder(), weights=weights)
        quotes = [a.quote for a in s.ask("where did anna berg sail her ship in the storm", top=2).answers]
        assert any("small boat" in q for q in quotes) is found, (named, quotes)


def test_meaning_stays_inside_the_spoiler_horizon() -> None:
    ix = build_text(STORY, "sea")
    whole = searcher(ix)
    assert "married the young miller" in whole.ask("who is anna's husband").answers[0].quote
    view = horizon.view(ix, 1)
    early = whole.at(view)
    assert early.encoder is whole.encoder  # a horizon keeps the model
    for q in ("who is anna's husband", "the wedding", "fishing by the harbour"):
        for a in early.ask(q, top=5).answers:
            assert a.end <= view.end, (q, a.quote)


def test_unsure_answers_offer_the_likeliest_passages() -> None:
    ix = build_text(STORY, "sea")
    replies = Replies(ix, searcher(ix))
    reply, state = replies.ask("what colour was the moon")
    assert "not sure" in reply.body and [b.label for b in reply.buttons][:2] == ["See 1", "See 2"]
    shown, _ = replies.press(state, "pick:1")
    assert not shown.error and shown.body


def test_calibrated_confidence_follows_the_model() -> None:
    ix = build_text(STORY, "sea")
    encoder = WordEncoder()
    encoder.calibration = {"weights": [10.0, 0, 0, 0, 0, 0, 0], "bias": -7.0, "threshold": 0.5}  # sure when cosine > 0.7
    s = searcher(ix, encoder)
    assert s.ask("who steered the ship in the storm").confident
    assert not s.ask("what colour was the moon").confident


def test_the_same_answer_is_less_sure_in_a_longer_story() -> None:
    """One right passage among many is rarer: calibration sees the story's length."""
    encoder = WordEncoder()
    # Sure when the cosine is high and the story short: 2 passages (log10 0.3) against 6 (0.78).
    encoder.calibration = {"weights": [10.0, 0, 0, 0, 0, 0, -20.0], "bias": 0.0, "threshold": 0.5}
    filler = "".join(f"Chapter {i}\n\nThe clerk counted {i} coins at the counting house desk.\n\n" for i in range(3, 40))
    short, long = searcher(build_text(STORY, "sea"), encoder), searcher(build_text(STORY + "\n" + filler, "sea2"), encoder)
    assert short.ask("who steered the ship in the storm").confident
    answer = long.ask("who steered the ship in the storm")
    assert "old sailor" in answer.answers[0].quote and not answer.confident


def test_without_the_model_answers_are_lexical_and_the_log_says_why(tmp_path, monkeypatch, caplog) -> None:
    monkeypatch.setattr(ranker, "MODEL_DIR", tmp_path)  # no model there
    monkeypatch.setattr(ranker, "_tried", False)
    monkeypatch.setattr(ranker, "_encoder", None)
    with caplog.at_level(logging.WARNING):
        assert ranker.load() is None
    lines = [r.getMessage() for r in caplog.records if "answer model not loaded" in r.getMessage()]
    assert len(lines) == 1 and "lexical" in lines[0] and "\n" not in lines[0]
    assert ranker.load(enabled=False) is None
    ix = build_text(STORY, "sea")
    s = library.searcher_for(ix, ranker.load())
    assert s.vectors is None and "baked bread" in s.ask("who baked bread").answers[0].quote


def test_answers_model_false_in_the_config(tmp_path) -> None:
    from bot import config

    path = tmp_path / "config.yaml"
    path.write_text("answers:\n  model: false\n")
    assert config.load(path).answer_model is False
    path.write_text("answers:\n  model: sometimes\n")
    import pytest

    from bot.errors import ConfigError

    with pytest.raises(ConfigError, match="answers.model must be true or false"):
        config.load(path)


class ReadingEncoder(WordEncoder):
    """A stand-in whose reranker has read the story: it scores the windows that hold ``answer``
    above every other."""

    reranks = True

    def __init__(self, answer: str):
        self.answer = answer

    def rerank(self, question, windows):
        return np.array([1.0 if self.answer in w else 0.0 for w in windows])


# Five scenes of the one village, each a passage of its own (a scene break between them).
VILLAGE = "\n\n* * *\n\n".join([
    "The village woke to rain, and the village well overflowed by noon. Nobody could draw water.",
    "Anna baked bread for the whole village every morning before dawn. The ovens were hot by four.",
    "The village children ran down to the river to watch the boats go by. They threw stones.",
    "Anna married the young miller in the spring, and the village danced at the feast till late.",
    "An old village dog slept in the sun by the church door all afternoon. Nobody woke him."]) + "\n"


def test_the_reranker_reorders_the_best_candidates() -> None:
    ix = build_text(VILLAGE, "village")
    question = "what happened in the village"
    before = [a.quote for a in searcher(ix).ask(question, top=3).answers]
    key = before[-1].split("\n")[0][:25]  # the last of three
    assert len(before) == 3 and key not in before[0]
    after = searcher(ix, ReadingEncoder(key)).ask(question, top=3).answers
    assert key in after[0].quote


def test_the_reranker_reads_only_the_candidates_near_the_best() -> None:
    """One passage says it all and twenty share a word with the question: the reranker reads the
    best few (never fewer than WEIGHTS.rerank_fewest), not all fifteen it may read."""
    from bot.core.search import WEIGHTS

    story = "\n\n* * *\n\n".join(
        ["The old lighthouse keeper polished the great brass lamp of the lighthouse every night, and the keeper sang."]
        + [f"Morning {i} came grey over the harbour; the keeper's neighbour number {i} mended a net by the quay."
           for i in range(20)]) + "\n"
    read: list[int] = []

    class Counting(ReadingEncoder):
        def rerank(self, question, windows):
            read.append(len(windows))
            return super().rerank(question, windows)

    s = searcher(build_text(story, "harbour"), Counting("brass lamp"))
    assert "brass lamp" in s.ask("what did the lighthouse keeper polish every night").answers[0].quote
    assert read and WEIGHTS.rerank_fewest <= read[0] < WEIGHTS.rerank_top


def test_the_shipped_model_reads_a_window_against_the_question() -> None:
    encoder = ranker.load()
    if encoder is None:
        import pytest

        pytest.skip("the answer model did not load")
    assert encoder.reranks
    windows = ["He poured himself another drink and set the glass down on the bar.",
               "She came down the stairs in a long white dress, barefoot and half asleep.",
               "The rain had not stopped for three days."]
    scores = encoder.rerank("what was she wearing", windows)
    assert int(np.argmax(scores)) == 1
    scores = encoder.rerank("how was the weather", windows)
    assert int(np.argmax(scores)) == 2


def test_the_reranker_reads_any_question_a_user_types() -> None:
    """A question of a thousand characters of one unbroken "word" is thousands of word-pieces:
    the reranker cuts it and still scores every window, the one that answers first."""
    encoder = ranker.load()
    if encoder is None:
        import pytest

        pytest.skip("the answer model did not load")
    windows = ["He poured himself another drink and set the glass down on the bar.",
               "She came down the stairs in her long white nightgown, barefoot and half asleep. " * 40]
    for question in ["zq" * 500, " ".join(["xqzjvkwplmrtb"] * 70)]:
        scores = encoder.rerank(question, windows)
        assert scores.shape == (2,) and np.isfinite(scores).all()
    long_question = "what was she wearing when she came down the stairs " + "please tell me " * 40
    assert int(np.argmax(encoder.rerank(long_question, windows))) == 1


def test_who_the_main_character_is_and_what_they_look_like_stay_first_whatever_the_model_reads() -> None:
    """Prominence and whose "her" it is are the story's knowledge, not meaning: a reranker that
    prefers another passage does not push them down."""
    story = "\n\n* * *\n\n".join([
        "Anna Berg, the miller's clever daughter, lived by the river. Anna Berg baked, and Anna Berg sang.",
        "Anna Berg walked to the village; her long red hair shone in the sun. The village watched Anna Berg.",
        "Tom Hale mended the nets. Anna Berg laughed at Tom Hale, and Anna Berg went home.",
        "The main road ran past the mill, and the village character was quiet. Nobody looked like much."]) + "\n"
    ix = build_text(story, "mill")
    reader = ReadingEncoder("Nobody looked like much")
    assert "clever daughter" in searcher(ix, reader).ask("who is the main character?").answers[0].quote
    assert "long red hair" in searcher(ix, reader).ask("what does anna look like").answers[0].quote


def test_a_passage_reads_the_same_whatever_is_read_beside_it() -> None:
    """A passage's vector is its own: the same alone as beside a long passage and a short one
    (the int8 model scales its numbers over all it reads at once), so a story's answers do not
    shift with how its passages happen to be grouped."""
    encoder = ranker.load()
    if encoder is None:
        import pytest

        pytest.skip("the answer model did not load")
    passage = "She came down the stairs in a long white dress, barefoot and half asleep."
    others = ["The rain had not stopped for three days, and the river rose over the road. " * 12, "No."]
    alone = encoder.embed([passage])[0]
    assert np.array_equal(alone, encoder.embed([passage, *others])[0])
    assert np.array_equal(alone, encoder.embed([*others, passage])[2])
