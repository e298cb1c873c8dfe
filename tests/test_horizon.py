"""The spoiler horizon as a filter over one index: for every chapter cut-off, what a reader can
be shown (answers, scenes, quotes, names, aliases, autocomplete, suggestions) lies before it."""
from __future__ import annotations

import re

import pytest

from bot.chat.replies import Replies
from bot.core import horizon, index, loader
from bot.core.search import Searcher

STORY = """Chapter 1

Helen Kuragina walked into the drawing room of Anna Scherer. Pierre followed her with his eyes.

"Who is that?" Pierre asked Anna.

"That is Helen, the daughter of Prince Vasili," said Anna. "She is the beauty of Petersburg."

Helen smiled at Pierre and turned away. Pierre thought about her all evening at the lantern.

Chapter 2

The wedding was small. Helen married Pierre in the chapel, and from that day she was Countess Helen Bezukhova.

"I never loved you," said Countess Helen Bezukhova to Pierre after the wedding. Pierre said nothing.

Dolokhov laughed at the table. "Your wife is very beautiful," Dolokhov said to Pierre.

Pierre challenged Dolokhov to a duel in the snow.

Chapter 3

The duel happened at dawn in the snowy forest. Pierre shot Dolokhov, who fell into the snow.

"I missed on purpose," said Dolokhov, bleeding on the white snow. Pierre wept.

Countess Helen Bezukhova left for Moscow. Pierre went to the Masons, where Bazdeev spoke to him.

"Seek the truth within," Bazdeev said to Pierre. Pierre listened to Bazdeev with great attention.
"""
QUESTIONS = ["who did helen marry", "what happened at the duel", "what did dolokhov say", "who is bazdeev",
             "where did pierre go", "what did pierre say", "snow", "how does the story end", "who is helen",
             "what did bazdev say to pierre", "waht happend in the chapel"]


@pytest.fixture(scope="module")
def whole() -> Replies:
    ix = index.build(loader.from_text(STORY, "war"))
    return Replies(ix, Searcher(ix))


def at(whole: Replies, chapters: int) -> Replies:
    view = horizon.view(whole.ix, chapters)
    return Replies(view, whole.searcher.at(view), whole=whole)


def later_words(ix, end: int, names_only: bool = False) -> set[str]:
    """Words of the story used only after ``end`` (or only its capitalised ones: names and
    places): none may appear in what a reader is shown."""
    before = set(re.findall(r"[a-z]+", ix.text[:end].lower()))
    found = re.findall(r"[A-Z][a-z]+" if names_only else r"[A-Za-z]+", ix.text[end:])
    return {w.lower() for w in found if w.lower() not in before and len(w) > 3}


@pytest.mark.parametrize("chapters", [1, 2])
def test_every_answer_scene_and_quote_lies_before_the_horizon(whole, chapters) -> None:
    r = at(whole, chapters)
    end = horizon.chapter_end(whole.ix, chapters)
    assert r.ix.end == end and len(r.ix.chapters) == chapters
    assert all(p.end <= end for p in r.ix.passages) and all(s.end <= end for s in r.ix.scenes)
    assert all(d.end <= end for d in r.ix.dialogue)
    hidden = later_words(whole.ix, end)
    for q in QUESTIONS:
        result = r.searcher.ask(q, top=5)
        for a in result.answers:
            assert a.end <= end and a.passage <= len(r.ix.passages), (q, a)
        assert not hidden & set(" ".join(result.suggestions).lower().split()), (q, result.suggestions)
        for hit in r.searcher.scenes(q, top=5):
            assert hit.end <= end, (q, hit)
        for seed in range(5):
            quote = r.searcher.quote(about=q, seed=seed)
            assert quote is None or quote.end <= end
    for seed in range(20):
        quote = r.searcher.quote(seed=seed)
        assert quote is not None and quote.end <= end
        assert r.searcher.quote(character="Bazdeev", seed=seed) is None  # met in chapter 3 only


@pytest.mark.parametrize("chapters", [1, 2])
def test_names_and_aliases_exist_from_their_first_use(whole, chapters) -> None:
    r = at(whole, chapters)
    end = horizon.chapter_end(whole.ix, chapters)
    text = whole.ix.text[:end]
    for c in r.ix.characters:
        assert c.first < end
        for alias in c.aliases:
            assert alias in text, (c.name, alias)  # an alias exists from its first use
        assert r.name(c.name) in text  # shown by a name the reader has met
    shown = [r.ix.shown(c.name) for c in r.ix.characters]
    assert "Helen" in shown and "Dolokhov" in shown if chapters == 2 else "Dolokhov" not in shown
    assert "Bazdeev" not in shown
    cards = "\n".join([r.characters()[0].text(), r.character("Helen")[0].text()]
                      + [r.character(n)[0].text() for n in shown])
    if chapters == 1:
        assert "Bezukhova" not in cards and "Countess" not in cards  # her married name comes in chapter 2
    for word in later_words(whole.ix, end, names_only=True):
        assert word not in cards.lower(), word
    offered = r.complete_character("") + r.complete_character("hel") + r.complete_character("baz")
    assert offered and all(name in text for name in offered), offered
    assert all(t in {s.title for s in r.ix.scenes} for t in r.complete_scene("") + r.complete_scene("snow"))
    for reply, _ in (r.character("Bazdeev"), r.quote("Bazdev"), r.character("Bazdeeev")):
        offered = reply.body.split("”", 1)[-1] + " ".join(b.label for b in reply.buttons)  # after the echo
        assert "Bazdeev" not in offered, reply


def test_the_whole_story_is_the_story_itself(whole) -> None:
    assert horizon.view(whole.ix, None) is whole.ix and horizon.view(whole.ix, 3) is whole.ix
    assert whole.searcher.at(whole.ix) is whole.searcher
    assert whole.character("Helen")[0].title == "Helen Bezukhova"


def test_a_card_from_before_a_ceiling_cannot_lead_past_it(whole) -> None:
    """A reply made at the whole story whose buttons are pressed after the reader's horizon came
    down to chapter 1: every button is checked against the horizon as it is now."""
    reply, state = whole.scene("the duel in the snowy forest")
    assert state is not None and state.scene > len(at(whole, 1).ix.scenes)
    early = at(whole, 1)
    for action in ("scene", "later", "earlier", "other", "next page"):
        shown, _ = early.press(state, action)
        assert shown.error and "past chapter 1" in shown.body, action
        assert "snowy" not in shown.body
    # A card inside the horizon still works.
    reply, state = early.ask("who is helen")
    assert not early.press(state, "scene")[0].error


def test_a_scene_summary_by_number_is_that_scene_and_none_past_the_horizon(whole) -> None:
    last = whole.ix.scenes[-1]
    reply, _ = whole.summary("scene", str(last.id))
    assert reply.title.startswith(f"Scene {last.id}:") and not reply.error, reply.title
    reply, _ = whole.summary("", f"scene #{last.id}")
    assert reply.title.startswith(f"Scene {last.id}:"), reply.title
    early = at(whole, 1)
    reply, _ = early.summary("scene", str(last.id))
    assert reply.error and f"No scene “{last.id}”; there are {len(early.ix.scenes)}" in reply.body, reply.body
    reply, _ = early.scene(str(last.id))
    assert reply.error and f"No scene “{last.id}”" in reply.body, reply.body


FUTURE = """Chapter 1

Helen Dorn walked into the room, and Mary watched her. Mary wrote to her friend that evening.

"The gossips of Moscow speak of me as the future Countess Dorn," wrote Mary, "but I only laugh at them."

Helen Dorn smiled at Pierre. Pierre looked at Helen Dorn all evening, and Mary sighed.

Chapter 2

Helen married the old count in the chapel. Countess Dorn received her guests in the great hall.

"Welcome," said Countess Dorn to Pierre. Countess Dorn smiled, and Pierre bowed to Countess Dorn.

Chapter 3

Countess Dorn left for Moscow. Pierre stayed, and Mary wrote to Pierre about Countess Dorn.
"""


def test_a_married_name_said_once_in_passing_before_the_wedding_is_no_alias_yet() -> None:
    ix = index.build(loader.from_text(FUTURE, "dorn"))
    assert "Countess Dorn" in next(c for c in ix.characters if c.name == "Helen Dorn").aliases
    helen = {c.name: c for c in horizon.view(ix, 1).characters}["Helen Dorn"]
    assert helen.aliases == ["Helen Dorn"] and helen.mentions == 3, (helen.aliases, helen.mentions)
    assert "Countess Dorn" in {c.name: c for c in horizon.view(ix, 2).characters}["Helen Dorn"].aliases


def test_the_cast_list_orders_other_names_by_their_use_so_far() -> None:
    """"Lizzy", said three times by chapter 1, comes before "Miss Elizabeth Bennet", said twice
    by then and ten times later: the order is the reader's so far, never the whole book's."""
    story = ("Chapter 1\n\n" + "".join(f'"The {w} ribbons are pretty," said Lizzy to Jane Hill. Elizabeth Bennet smiled.\n\n'
                                       for w in ("red", "blue", "green"))
             + "Miss Elizabeth Bennet laughed, and Jane Hill laughed at Miss Elizabeth Bennet.\n\nChapter 2\n\n"
             + "".join(f"Miss Elizabeth Bennet walked to the {w} gate with Jane Hill.\n\n"
                       for w in "old new iron wooden high low east west north south".split()))
    ix = index.build(loader.from_text(story, "ribbons"))
    early = horizon.view(ix, 1)
    row = next(line for line in Replies(early, Searcher(early)).characters()[0].body.splitlines() if "Elizabeth" in line)
    assert row.index("Lizzy") < row.index("Miss Elizabeth Bennet"), row


def test_who_is_someone_the_story_never_names_says_so() -> None:
    """"who is mycroft" asked of a story that never names him says so, and at a reader's
    horizon says "so far"; someone the story does name gets no such line."""
    ix = index.build(loader.from_text(FUTURE, "dorn"))
    reply = Replies(ix, Searcher(ix)).ask("who is mycroft")[0]
    assert reply.body.startswith("“mycroft” never comes up in the story"), reply.body
    early = horizon.view(ix, 1)
    reply = Replies(early, Searcher(early)).ask("who is mycroft holmes")[0]
    assert "“mycroft holmes” never comes up in the story so far" in reply.body, reply.body
    assert "never comes up" not in Replies(ix, Searcher(ix)).ask("who is helen dorn")[0].body
