"""Games made from the story's own text: "Who said it?", "Finish the line" and "Which scene?".

Pure: a round is drawn from an index (a reader's horizon view, so nothing past it is ever asked)
with a random generator, and a guess is judged by a function. The Discord layer runs rounds,
timers and scores (bot/chat/discord_games.py).

- Who said it? A memorable line (the /quote rules) whose speaker the index is sure of: only lines
  attributed by an explicit speech tag ("said Klaus"), which are right about 96% of the time on
  the PDNC novels; a game that marks a right answer wrong is worse than none. The other two or
  three choices are people present in that part of the story, of the speaker's gender when known.
- Finish the line: a memorable line with its last words hidden; a guess is right when it is the
  hidden words give or take case, punctuation, "&" for "and" and a small typo (rapidfuzz), never
  a part of them ("air" is not "chair").
- Which scene? A sentence from a scene; its title and two or three other scenes' as choices.
"""
from __future__ import annotations

import random
import re
from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass

from rapidfuzz import fuzz

from bot.core.characters import TITLES
from bot.core.dialogue import surely_said, thought
from bot.core.index import StoryIndex

KINDS = ("who-said", "finish", "which-scene")
MIN_WORDS, MAX_CHARS = 6, 300  # a line worth guessing: a sentence, and short enough to read at once
CHOICES = 4
TYPO_SCORE = 88  # rapidfuzz ratio over the normalised words: one slip in a short answer
# Words of a name that name no one alone ("mrs", "the old prince"'s "the" and "old").
_NOT_A_NAME = {t.lower() for t in TITLES} | {"the", "a", "an", "of", "old", "young", "little", "de", "von", "van"}


@dataclass(frozen=True)
class Round:
    kind: str
    prompt: str  # what is shown: the line, or the line with its end hidden
    answer: str  # the speaker's canonical name, or the hidden words
    choices: tuple[str, ...]  # who-said: three or four canonical names, the answer among them; finish: ()
    line: str  # the whole line, shown after the round
    scene: int
    chapter: int
    start: int = 0  # the line's offsets in the story's text
    end: int = 0

    def to_dict(self) -> dict:
        """`storykeeper game --json`: one object a round."""
        return {"line": self.line, "start": self.start, "end": self.end, "answer": self.answer,
                "options": list(self.choices)}


def sure_lines(ix: StoryIndex) -> list:
    """The lines a game may draw from: memorable and explicitly attributed."""
    return [d for d in ix.dialogue if surely_said(d) and len(d.text.split()) >= MIN_WORDS
            and len(d.text) <= MAX_CHARS]


def _fresh(lines: list, used: Collection[int]) -> list:
    """The lines not yet asked in this game (by their start in the text), or all of them once
    every one has been."""
    return [d for d in lines if d.start not in used] or lines


def who_said(ix: StoryIndex, rng: random.Random, used: Collection[int] = ()) -> Round | None:
    """A "Who said it?" round, or None when the story has too few sure lines or people."""
    lines = _fresh(sure_lines(ix), used)
    people = {c.name: c for c in ix.characters}
    talks: dict[str, Counter] = {}
    for line in ix.dialogue:
        if line.speaker and line.addressee and line.speaker != line.addressee:
            talks.setdefault(line.speaker, Counter())[line.addressee] += 1
            talks.setdefault(line.addressee, Counter())[line.speaker] += 1
    rng.shuffle(lines)
    for d in lines[:50]:
        speaker = people.get(d.speaker)
        if speaker is None:
            continue
        passage = ix.passages[d.passage - 1] if 0 < d.passage <= len(ix.passages) else None
        chapter = passage.chapter if passage else 1
        nearby = [s for s in ix.scenes if abs(s.chapter - chapter) <= 1]
        present = [n for s in nearby for n in s.characters]
        # Those the speaker talks with come first: they are surely other people (a person split
        # in two by the index, "Winterbourne" and "Frederick", never talks to himself), then
        # whoever is near, then anyone.
        partners = [n for n, _ in talks.get(d.speaker, Counter()).most_common()]
        order = list(dict.fromkeys(partners + present + [c.name for c in ix.characters]))
        others = [n for n in order if n != d.speaker and n in people]
        if speaker.gender:
            same = [n for n in others if people[n].gender == speaker.gender]
            others = same + [n for n in others if n not in same] if len(same) >= CHOICES - 1 else others
        if len(others) < 2:
            continue  # three names at least: a story of three people still plays
        sure_others = [n for n in others if n in partners]
        wrong = sure_others[: CHOICES + 2] if len(sure_others) >= CHOICES - 1 else others[: CHOICES + 2]
        rng.shuffle(wrong)
        choices = [d.speaker, *wrong[: CHOICES - 1]]
        rng.shuffle(choices)
        return Round("who-said", d.text, d.speaker, tuple(choices), d.text, passage.scene if passage else 0,
                     chapter, d.start, d.end)
    return None


_WORD = re.compile(r"[\w’']+")


def finish(ix: StoryIndex, rng: random.Random, used: Collection[int] = ()) -> Round | None:
    """A "Finish the line" round: the line's last two to four words hidden."""
    lines = _fresh([d for d in ix.dialogue if len(d.text.split()) >= MIN_WORDS + 2 and len(d.text) <= MAX_CHARS], used)
    rng.shuffle(lines)
    for d in lines[:50]:
        words = list(_WORD.finditer(d.text))
        hide = 2 if len(words) < 10 else 3 if len(words) < 16 else 4
        if len(words) <= hide + 3:
            continue
        cut = words[-hide].start()
        answer = d.text[cut : words[-1].end()]
        if len(normalise(answer)) < 4:
            continue  # "oh, no" is no puzzle
        prompt = d.text[:cut].rstrip() + " …"
        passage = ix.passages[d.passage - 1] if 0 < d.passage <= len(ix.passages) else None
        return Round("finish", prompt, answer, (), d.text, passage.scene if passage else 0,
                     passage.chapter if passage else 0, d.start, d.end)
    return None


def which_scene(ix: StoryIndex, rng: random.Random, used: Collection[int] = ()) -> Round | None:
    """A "Which scene?" round: a sentence from a scene, its title and two or three others as choices."""
    from bot.core.text import sentences

    titled: dict[frozenset, object] = {}
    for s in ix.scenes:
        # Scenes of one title ("Klaus and Caroline", "Caroline and Klaus") would be two right
        # answers: one of each.
        titled.setdefault(frozenset(normalise(s.title).split()), s)
    if len(titled) < 3:
        return None
    scenes = list(titled.values())
    fresh = [s for s in scenes if not any(s.start <= u < s.end for u in used)] or scenes
    rng.shuffle(fresh)
    for scene in fresh[:20]:
        found = [(a, b) for a, b in sentences(ix.text[scene.start : scene.end], scene.start)
                 if 10 <= len(ix.text[a:b].split()) <= 45]
        if not found:
            continue
        a, b = rng.choice(found)
        others = [other.title for other in scenes if other is not scene]
        rng.shuffle(others)
        choices = [scene.title, *others[: CHOICES - 1]]
        rng.shuffle(choices)
        text = " ".join(ix.text[a:b].split())
        return Round("which-scene", text, scene.title, tuple(choices), text, scene.id, scene.chapter, a, b)
    return None


def draw(kind: str, ix: StoryIndex, rng: random.Random, used: Collection[int] = ()) -> Round | None:
    """A round of ``kind``. ``used``: the starts of the rounds already played in this game,
    none of which comes again (nor, for "which scene", their scenes) while another can make a
    round."""
    make = {"who-said": who_said, "finish": finish, "which-scene": which_scene}[kind]
    return make(ix, rng, used) or (make(ix, rng) if used else None)


def normalise(text: str) -> str:
    """Lower case, "&" as "and", curly quotes straight, no punctuation, single spaces."""
    text = text.casefold().replace("&", " and ").replace("’", "'")
    return " ".join(re.sub(r"[^\w' ]+", " ", text).split()).replace(" '", " ").strip("'")


def right(guess: str, round_: Round, shown: dict[str, str] | None = None) -> bool:
    """Whether ``guess`` answers the round: the same words give or take a small typo, never a
    part (but for who-said, a name of the speaker's no other choice has: "klaus", never "mrs").
    ``shown``: canonical name -> the name the player sees (a guess may be either)."""
    g, a = normalise(guess), normalise(round_.answer)
    if not g:
        return False
    if round_.kind == "which-scene":
        return g == a
    if round_.kind == "who-said":
        answers = {a, normalise((shown or {}).get(round_.answer, round_.answer))}
        names = {normalise(n) for c in round_.choices for n in (c, (shown or {}).get(c, c))} - answers
        part = set(g.split()) - _NOT_A_NAME
        if part and part == set(g.split()) and part <= {w for x in answers for w in x.split()} \
                and not any(part <= set(n.split()) for n in names):
            return True  # a part of their name no other choice has: "klaus" for Klaus Mikaelson (not "mrs")
        return g in answers or (g not in names and len(g) >= 3 and max(fuzz.ratio(g, x) for x in answers) >= TYPO_SCORE)
    if g == a:
        return True
    return len(g.split()) == len(a.split()) and fuzz.ratio(g, a) >= TYPO_SCORE


def daily_line(ix: StoryIndex, used: set[int], rng: random.Random):
    """The quote of the day: a memorable line (the /quote rules, its speaker sure when the story
    has such lines) not posted before, and whether every one had been (then the round starts
    again). None when the story has no such line."""
    from bot.core.search import SAY_MAX

    good = [d for d in ix.dialogue if len(d.text.split()) >= MIN_WORDS and len(d.text) <= SAY_MAX]
    good = [d for d in good if surely_said(d)] or good  # it is posted with who said it
    good = [d for d in good if not thought(ix.text, d)] or good  # said aloud
    if not good:
        return None, False
    fresh = [d for d in good if d.start not in used]
    return rng.choice(fresh or good), not fresh
