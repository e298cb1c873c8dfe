"""Extractive summaries: the story's own sentences that carry a scene's events, people and place.

Nothing is invented: a summary is a handful of sentences picked from the text (with their
offsets), in story order, under a line that says who is present and where it happens.
Summarisation libraries were considered (sumy needs NLTK data downloaded at run time), so the
scoring is built on the index's own signals instead.
"""
from __future__ import annotations

import bisect
import math
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from bot.core.index import StoryIndex, stem
from bot.core.text import sentences, words

SCENE_SENTENCES = 5
CHAPTER_SENTENCES = 8
CHAPTER_WORDS = 160  # a chapter's summary is read in a minute
SENTENCE_MAX = 400  # characters: a longer sentence is a last resort

_STOP = set("""
a an the and or but if then so as at by for from in into of on onto to with without about above after
again against all am are was were be been being have has had having do does did doing i me my we our
you your he him his she her it its they them their what which who whom this that these those there
here when where why how not no nor only own same than too very can will just should now said says say
would could one upon out up down off over under more most some such any each few other both very
""".split())
_QUOTE_EDGES = re.compile(r"^[\s\"“”‘’']+|(?<=[^\s])[\s\"“”‘’']+$|(?<=[.!?…])[\"”’']+(?=\s)")  # marks at a sentence's edges
_ENDED = re.compile(r"(?:[.!?…:;]|--|[—–])[\"”’'“‘)\]]*\s*$")  # a sentence ends on these (or a quote after them)
_ACTION = re.compile(r"\b\w+ed\b|\b(?:went|came|saw|took|gave|found|left|ran|fell|stood|sat|told|said|knew|"
                     r"thought|felt|made|got|kissed|killed|died|married|turned|threw|held|broke|began)\b")


def scene_number(what: str, which: str) -> int | None:
    """The scene a summary request names by its number: "scene 4" or "#4", and "4" after the
    kind "scene" ("4" alone is chapter 4)."""
    from bot.core.search import numbered

    return numbered(which, bare=what == "scene") if what in ("", "scene") else None


@dataclass(frozen=True)
class Found:
    """What a summary request named: ``kind`` "scene", "chapter" or "story", its number, and,
    for a scene found by what happens in it, whether no word of the request is in any scene
    (the closest in meaning, said as such)."""

    kind: str
    number: int
    by_meaning: bool = False


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    text: str
    speaker: str | None = None  # whose words these are, when the sentence is speech without its tag
    line: int = -1  # which line of dialogue it belongs to (-1: narration)


@dataclass(frozen=True)
class Summary:
    """A scene's or chapter's summary: its heading, who is there, where, and its key sentences."""

    title: str
    start: int
    end: int
    characters: tuple[str, ...]
    places: tuple[str, ...]
    sentences: tuple[Sentence, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict:
        return {"title": self.title, "start": self.start, "end": self.end, "characters": list(self.characters),
                "places": list(self.places),
                "sentences": [{"start": s.start, "end": s.end, "text": s.text, "speaker": s.speaker}
                              for s in self.sentences]}

    def text(self, name: Callable[[str], str] = str) -> str:
        """The sentences as one paragraph to read (``read``), ``name`` giving a character as the
        reader knows them."""
        return read(self.sentences, name)


def _balanced(text: str) -> str:
    """A sentence picked out of a quotation shows it is one: a quote it opens and does not close
    ("muttering as he came, ‘Oh! the Duchess, the Duchess!") is closed after a "…", and one it
    closes and never opened (a sentence from the middle of a speech) is opened with one."""
    # (A ’ inside a word is an apostrophe, and so is one after an "s" before a word: "the girls’ fault".)
    for opening, closing, closes in (("“", "”", "”"), ("‘", "’", r"(?<!s)’(?![A-Za-z])|(?<=s)’(?![A-Za-z]| [a-z])")):
        balance = text.count(opening) - len(re.findall(closes, text))
        if balance > 0:
            text = f"{text}{'' if text.endswith('…') else ' …'}{closing}"
        elif balance < 0 and not text.startswith(opening):
            text = f"{opening}… {text}"
    return text


def read(picked: tuple[Sentence, ...] | list[Sentence], name: Callable[[str], str] = str) -> str:
    """Sentences as one paragraph to read. Speech picked without its tag says whose it is, once
    a run of one line's sentences: 'Dorian Gray: “This play was good enough for us, Harry. …
    the first act.”'; not where ``name`` gives no name (someone the reader does not know yet)."""
    parts: list[str] = []
    k = 0
    while k < len(picked):
        x = picked[k]
        who = name(x.speaker) if x.speaker is not None else None
        if not who:  # narration, or someone the reader does not know by name yet
            # A sentence cut where its paragraph ends ("and I had to sing" before the song's own
            # lines) is marked as cut, so the next one picked does not read as its end.
            parts.append(_balanced(x.text if _ENDED.search(x.text) else x.text + " …"))
            k += 1
            continue
        run = [x]
        while k + len(run) < len(picked) and picked[k + len(run)].line == x.line:
            run.append(picked[k + len(run)])
        words = " ".join(_QUOTE_EDGES.sub("", r.text) for r in run)
        again = k > 0 and picked[k - 1].speaker == x.speaker  # the same person's next line
        parts.append(f"“{words}”" if again else f"{who}: “{words}”")
        k += len(run)
    return " ".join(parts)


@dataclass(frozen=True)
class OutlineLine:
    id: int
    kind: str  # "scene" or "chapter"
    title: str
    characters: tuple[str, ...]
    line: str  # the sentence that best stands for it

    def to_dict(self) -> dict:
        return {"id": self.id, "kind": self.kind, "title": self.title, "characters": list(self.characters),
                "line": self.line}


class Summariser:
    """Summaries of one story. Builds word statistics once, then each summary is quick."""

    def __init__(self, ix: StoryIndex):
        self.ix = ix
        df: Counter = Counter()
        for s in ix.scenes:
            df.update(set(self._stems(ix.text[s.start : s.end])))
        self.df = df
        self.n = max(1, len(ix.scenes))
        self._learn_names(ix)

    def _learn_names(self, ix: StoryIndex) -> None:
        from bot.core import characters as chars

        self.names = {w.lower() for c in ix.characters for a in [c.name, *c.aliases] for w in a.split()}
        self.alias_pattern = chars.alias_pattern(chars.alias_table(ix.characters))
        self.canonical = {" ".join(a.split()).lower(): c.name for c in ix.characters for a in [c.name, *c.aliases]}

    def at(self, view: StoryIndex) -> "Summariser":
        """Summaries for a reader at a spoiler horizon (``view``, from bot.core.horizon): the
        names known by then, the whole book's word rarity (it shows no text)."""
        import copy

        if view is self.ix:
            return self
        out = copy.copy(self)
        out.ix = view
        out._learn_names(view)
        return out

    def _stems(self, text: str) -> list[str]:
        tokens = [w.lower() for w in words(text)]
        return stem([w for w in tokens if w not in _STOP and len(w) > 2])

    def _idf(self, s: str) -> float:
        return math.log((self.n + 1) / (self.df.get(s, 0) + 0.5))

    def _characters_in(self, text: str) -> list[str]:
        if self.alias_pattern is None:
            return []
        found = (self.canonical.get(" ".join(m.group().split()).lower()) for m in self.alias_pattern.finditer(text))
        return list(dict.fromkeys(n for n in found if n))

    def pick(self, start: int, end: int, limit: int) -> list[Sentence]:
        """The ``limit`` sentences of text[start:end] that carry most, in story order."""
        text = self.ix.text
        from bot.core.search import utterances

        spans = utterances(text, list(sentences(text[start:end], start)), whole_quotes=True)
        if not spans:
            return []
        local = Counter(s for a, b in spans for s in self._stems(text[a:b]))
        scored = []
        for i, (a, b) in enumerate(spans):
            sentence = text[a:b]
            n_words = len(sentence.split())
            stems = set(self._stems(sentence))
            weight = sum(math.log(1 + local[s]) * self._idf(s) for s in stems) / (1 + math.log(1 + len(stems)))
            weight += 1.0 * len(self._characters_in(sentence))
            weight += 0.5 * bool(_ACTION.search(sentence)) + 0.5 * bool(re.search(
                r"\b(?:at|in|into|inside|outside|to|across)\s+the\s+\w+", sentence))
            if sentence.lstrip()[:1] in "\"“‘'" and sentence.rstrip()[-1:] in "\"”’'":
                weight *= 0.6  # a line of dialogue alone says less about what happens
            if n_words < 5:
                weight *= 0.3
            elif b - a > SENTENCE_MAX:
                weight *= 0.05
            elif n_words > 60:
                weight *= 0.7
            if i == 0:
                weight *= 1.2  # a scene's first sentence usually sets it
            scored.append((weight, i, stems))
        chosen: list[tuple[int, set]] = []
        short = any(b - a <= SENTENCE_MAX for a, b in spans)
        for weight, i, stems in sorted(scored, key=lambda x: -x[0]):
            if len(chosen) >= limit:
                break
            if short and spans[i][1] - spans[i][0] > SENTENCE_MAX:
                continue  # a monologue's run-on sentence only where the scene has nothing shorter
            # Leave out a sentence that mostly repeats one already chosen.
            if any(len(stems & other) > 0.6 * max(1, len(stems)) for _, other in chosen):
                continue
            chosen.append((i, stems))
        return [self._clipped(*spans[i]) for i, _ in sorted(chosen)]

    def _clipped(self, a: int, b: int) -> Sentence:
        """Sentence text[a:b]; one over SENTENCE_MAX characters (a scene of nothing shorter) is
        cut at its last semicolon, colon, dash or comma before that, and marked so."""
        text = self.ix.text
        speaker, line = self._speech(a, b)
        if b - a <= SENTENCE_MAX:
            return Sentence(a, b, " ".join(text[a:b].split()), speaker, line)
        cut = max((m.start() for m in re.finditer(r"[;:—]|,\s", text[a : a + SENTENCE_MAX])), default=-1)
        space = text.rfind(" ", a, a + SENTENCE_MAX)
        b = a + cut if cut > SENTENCE_MAX // 3 else space if space > a else a + SENTENCE_MAX
        return Sentence(a, b, " ".join(text[a:b].split()) + " …", speaker, line)

    def _speech(self, a: int, b: int) -> tuple[str | None, int]:
        """Whose words text[a:b] is, and which line it is of, when it is speech with no narration
        (a tag names the speaker itself: 'said Basil Hallward'); else (None, -1)."""
        lines = self.ix.dialogue
        k = bisect.bisect_right(lines, a, key=lambda d: d.start) - 1
        for i in (k, k + 1):
            if not 0 <= i < len(lines) or lines[i].end <= a or lines[i].start >= b:
                continue
            d = lines[i]
            outside = self.ix.text[a:b]
            for s, e in sorted(d.spans, reverse=True):  # blank out the words inside the quotes
                if s < b and e > a:
                    outside = outside[: max(0, s - a)] + " " * (min(b, e) - max(a, s)) + outside[min(b, e) - a :]
            if re.search(r"[A-Za-z]", outside):
                return None, -1
            who = d.speaker or d.described
            return (who, i) if who else (None, -1)
        return None, -1

    def scene(self, scene_id: int, limit: int = SCENE_SENTENCES) -> Summary:
        s = self.ix.scenes[scene_id - 1]
        return Summary(f"Scene {s.id}: {s.title}", s.start, s.end, s.characters, s.places[:3],
                       tuple(self.pick(s.start, s.end, min(limit, SCENE_SENTENCES))))

    def chapter(self, chapter_id: int, limit: int = CHAPTER_SENTENCES) -> Summary:
        c = self.ix.chapters[chapter_id - 1]
        scenes = [s for s in self.ix.scenes if s.chapter == c.id]
        present: Counter = Counter()
        places: list[str] = []
        for s in scenes:
            present.update({name: len(s.characters) - i for i, name in enumerate(s.characters)})
            places += [p for p in s.places if p not in places]
        # A long chapter: pick within each scene, then keep the best overall, in order.
        picked: list[Sentence] = []
        per_scene = max(1, math.ceil(limit / max(1, len(scenes))) + 1)
        for s in scenes or []:
            picked += self.pick(s.start, s.end, per_scene)
        keep, words_kept = set(), 0
        for x in self._rank(picked)[:limit]:  # the best, up to about CHAPTER_WORDS words
            n = len(x.text.split())
            if keep and words_kept + n > CHAPTER_WORDS:
                continue
            keep.add(id(x))
            words_kept += n
        picked = [x for x in picked if id(x) in keep]
        return Summary(c.title, c.start, c.end, tuple(n for n, _ in present.most_common()), tuple(places[:3]),
                       tuple(picked))

    def _rank(self, picked: list[Sentence]) -> list[Sentence]:
        def weight(x: Sentence) -> float:
            stems = set(self._stems(x.text))
            return sum(self._idf(s) for s in stems) / (1 + len(stems)) + len(self._characters_in(x.text))
        return sorted(picked, key=weight, reverse=True)

    def outline(self) -> list[OutlineLine]:
        """One line per scene (per chapter for a long book) that a reader would recognise."""
        if len(self.ix.scenes) <= 60:
            return [OutlineLine(s.id, "scene", s.title, s.characters[:4], read(self.pick(s.start, s.end, 1), self.ix.shown))
                    for s in self.ix.scenes]
        out = []
        for c in self.ix.chapters:
            scenes = [s for s in self.ix.scenes if s.chapter == c.id]
            people = tuple(dict.fromkeys(n for s in scenes for n in s.characters[:2]))[:4]
            first = read(self.pick(c.start, min(c.end, c.start + 6000), 1), self.ix.shown)
            out.append(OutlineLine(c.id, "chapter", c.title, people, first))
        return out

    def find_chapter(self, ref: str) -> int | None:
        """A chapter as a reader names it (bot/core/chapters.py): "3", "book 6 chapter 13", a title."""
        from bot.core import chapters

        return chapters.find(self.ix.chapters, ref)

    def find(self, searcher, what: str, which: str) -> Found | None:
        """What a summary request names: a scene, a chapter or the story; None when nothing
        matches. ``what`` is "scene", "chapter", "story" or "" (find it: "scene 4" by its number,
        a chapter by number, "book 6 chapter 13" or title, else a scene by what happens in it)."""
        from bot.core import chapters

        which = " ".join(which.split())
        if not which:
            if what == "chapter" and len(self.ix.chapters) == 1:
                return Found("chapter", 1)
            return Found("story", 0) if what in ("", "story") else None
        if (n := scene_number(what, which)) is not None and any(s.id == n for s in self.ix.scenes):
            return Found("scene", n)
        if what == "scene":  # a number that is no scene's is one only where a scene holds it as a word ("1812")
            return self._scene(searcher, which)
        if what == "chapter" or which.isdigit() or chapters.parts(which) != (None, None):
            number = self.find_chapter(which)
            return Found("chapter", number) if number is not None else None
        titled = next((c.id for c in self.ix.chapters if re.search(rf"\b{re.escape(which)}\b\.?$", c.title,
                                                                   re.IGNORECASE)), None)
        if titled is not None:
            return Found("chapter", titled)
        found = self._scene(searcher, which)
        if found is not None:
            return found
        number = self.find_chapter(which)
        return Found("chapter", number) if number is not None else None

    @staticmethod
    def _scene(searcher, which: str) -> Found | None:
        hits = searcher.scenes(which, top=1)
        return Found("scene", hits[0].id, hits[0].by_meaning) if hits else None
