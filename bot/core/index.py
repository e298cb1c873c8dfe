"""Build a story's index (chapters, scenes, passages, characters, dialogue) and cache it on disk."""
from __future__ import annotations

import bisect
import hashlib
import heapq
import logging
import math
import os
import pickle
import re
import tempfile
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

from bot.config import StorySetting
from bot.core import characters as chars
from bot.core import titles
from bot.core import dialogue, forked, segment
from bot.core.language import ROOM_NOUNS
from bot.core.loader import Story
from bot.core.text import words as word_tokens

log = logging.getLogger(__name__)

FORMAT = 14  # the index's shape; with the code digest in every cache key, old caches are rebuilt


@dataclass(frozen=True, slots=True)
class Scene:
    id: int
    chapter: int
    title: str
    start: int
    end: int
    characters: tuple[str, ...]
    places: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()  # its most distinctive words, which scene search weighs like the title


@dataclass(frozen=True, slots=True)
class Passage:
    id: int
    scene: int
    chapter: int
    start: int
    end: int
    characters: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class DialogueLine:
    text: str
    start: int
    end: int
    speaker: str | None
    addressee: str | None
    passage: int
    spans: tuple[tuple[int, int], ...]
    how: str
    described: str | None = None  # "the officer": who speaks, where the book gives no name


@dataclass
class StoryIndex:
    """Everything the bot knows about one story. Offsets point into ``text``."""

    name: str
    path: str
    title: str
    author: str | None
    encoding: str
    text: str
    start: int
    end: int
    words: int
    chapters: list[segment.Chapter]
    scenes: list[Scene]
    passages: list[Passage]
    characters: list[chars.Character]
    dialogue: list[DialogueLine]
    # Character name -> alias -> offsets of its every use, in text order: what a reader at any
    # spoiler horizon knows of a name is counted from these (see bot/core/horizon.py).
    uses: dict[str, dict[str, list[int]]] = field(default_factory=dict)
    words_to: list[int] = field(default_factory=list)  # words from the start to each chapter's end
    metadata: dict = field(default_factory=dict)  # about the story, not in it (see loader.Story)
    format: int = FORMAT
    extra: dict = field(default_factory=dict)

    def shown(self, name: str | None) -> str | None:
        """How a character is shown here: their canonical name, or, before a horizon that name
        is first used at, the name the reader knows them by ("Hélène", not the married name)."""
        if name is None:
            return None
        return self.extra.get("shown", {}).get(name, name)

    def to_dict(self) -> dict:
        """The JSON shape of ``storykeeper inspect --json``."""
        return {
            "story": {"name": self.name, "title": self.title, "author": self.author, "path": self.path,
                      "words": self.words, "encoding": self.encoding, "start": self.start, "end": self.end},
            "chapters": [asdict(c) for c in self.chapters],
            "scenes": [{"id": s.id, "chapter": s.chapter, "title": s.title, "start": s.start, "end": s.end,
                        "characters": list(s.characters), "places": list(s.places)} for s in self.scenes],
            "passages": [{"id": p.id, "scene": p.scene, "chapter": p.chapter, "start": p.start, "end": p.end,
                          "characters": list(p.characters)} for p in self.passages],
            "characters": [c.to_dict() for c in self.characters],
            "dialogue": [{"text": d.text, "start": d.start, "end": d.end, "speaker": d.speaker,
                          "addressee": d.addressee, "spans": [list(s) for s in d.spans]} for d in self.dialogue],
        }


# --- building -----------------------------------------------------------------------------

_STOP = set("""
a about above after again against all almost also although always am an and another any are
around as at away back be because been before being below between both but by came can could did
do does doing done down during each even ever every few for from further get got had has have
having he her here hers herself him himself his how however i if in into is it its itself just
know knew like made make many may me might more most much must my myself never no nor not now of
off on once one only or other our ours out over own said same say see seemed she should so some
still such than that the their theirs them themselves then there these they this those though
through thought to too toward towards under until up upon us very was way we well went were what
when where which while who whom whose why will with without would yet you your yours yourself
looked look turned back eyes face hand hands head time thing things little long something nothing
going come came told asked again just really even felt feel take took let go gone tell
""".split())


_stemmer = None


def stem(words: list[str]) -> list[str]:
    """Snowball (Porter 2) stems, from PyStemmer's C implementation."""
    global _stemmer
    if _stemmer is None:
        import Stemmer

        _stemmer = Stemmer.Stemmer("english")
    return _stemmer.stemWords(words)


def _keywords(counts: Counter, stems: dict[str, str], df: Counter, n_docs: int,
              exclude: set[str], k: int = 3) -> list[str]:
    """The scene's most distinctive words (by stem, tf-idf; ``counts``: its words' counts;
    ``stems``: the stem of each word that may be one), shown in their commonest form."""
    tf: Counter = Counter()
    surface: dict[str, tuple[int, str]] = {}
    for w, n in counts.items():
        s = stems.get(w)  # one lookup: this runs over every word of every scene of a novel
        if s is None or w in exclude:
            continue
        tf[s] += n
        if n > surface.get(s, (0, ""))[0]:
            surface[s] = (n, w)
    # Words seen twice come first; when there are k of them, the words seen once need no score.
    repeated = [(s, count) for s, count in tf.items() if count >= 2]
    pool = repeated if len(repeated) >= k else tf.items()
    scored = heapq.nlargest(k, ((count >= 2, count * math.log((n_docs + 1) / (df[s] + 0.5)), s) for s, count in pool))
    return [surface[s][1] for _, _, s in scored]


# Capitalised words, accented letters included ("to Natásha" is a name, not a place called "Nat").
# The preposition is spelled so that re can skip ahead to its first letter (not after "\b").
_PROPER_PLACE = re.compile(r"(?:i(?<!\w.)(?:nto|n)|t(?<!\w.)o|a(?<!\w.)(?:t|cross)|f(?<!\w.)rom|n(?<!\w.)ear)\s+((?:(?:[A-Z][^\W\d_A-Z]+(?:-[A-Z][^\W\d_A-Z]+)*|St\.)\s){0,2}"
                           r"(?!St\b)[A-Z][^\W\d_A-Z]+(?:-[A-Z][^\W\d_A-Z]+)*)\b(?![’'])")  # not the first half of "Doctors’ Commons"; "Saxe-Coburg Square" whole
_PLACE_WORDS_OK = {"New", "Old", "Great", "Little", "North", "South", "East", "West", "Saint", "Mount", "Lake"}


def _places(text: str, name_words: set[str]) -> list[str]:
    """The places a stretch of text names: common ones ("the bar") first, then named ones
    ("New Orleans", not a person's name nor a word that starts sentences)."""
    named = (m.group(1).split() for m in _PROPER_PLACE.finditer(text))  # "Stoke\nMoran" is "Stoke Moran"
    return segment.places(text) + [
        " ".join(ws) for ws in named
        if not ({w.lower() for w in ws} & name_words) and ws[0] not in chars.NOT_NAMES - _PLACE_WORDS_OK
    ]


def _narration(text: str, start: int, end: int, spoken: list[tuple[int, int]]) -> tuple[str, str]:
    """The text from ``start`` to ``end`` parted into its narration and its speech (``spoken``:
    the spans of speech in it, sorted)."""
    told, said, at = [], [], start
    for a, b in spoken:
        told.append(text[at:a])
        said.append(text[max(at, a) : b])
        at = max(at, b)
    told.append(text[at:end])
    return " ".join(told), " ".join(said)


_HE_SHE = re.compile(segment.HE_SHE + r"\b")
_OPENS_AT = re.compile(r"(?:At|In|Inside|Outside) the (?:[\w-]+ ){0,2}?[\w-]+(?=[,;])")


def _unnamed_lead(text: str, narration: str, genders: list[str | None], named: list[int],
                  mentions: list[tuple[int, int, int]], mstarts: list[int], start: int, since: int
                  ) -> list[tuple[int, int, str]]:
    """Who a scene is about though it never names them: "she" or "he" again and again ("She
    was ransacking the stores for Jim's present") with no one of that sex named in it is the
    last one of that sex named in the scene before. (character, times, the name it was last
    called by) for each such pronoun."""
    open_to = [g for g in ("female", "male") if not any(genders[c] in (g, None) for c in named)]
    if not open_to or not _HE_SHE.search(narration, 0, 300):
        return []  # someone named could be the one; or the scene does not open on a "he" or "she"
    said = Counter("female" if m.group()[0] in "Ss" else "male" for m in _HE_SHE.finditer(narration))
    out = []
    for gender in open_to:
        if said[gender] < 3:
            continue
        k = bisect.bisect_left(mstarts, start) - 1
        while k >= 0 and mentions[k][0] >= since and genders[mentions[k][2]] != gender:
            k -= 1
        if k >= 0 and mentions[k][0] >= since:  # named in the scene before: the same person goes on
            out.append((mentions[k][2], said[gender], " ".join(text[mentions[k][0] : mentions[k][1]].split())))
    return out


def people(story: Story, paras: list, setting: StorySetting | None = None
           ) -> tuple[list[chars.Character], list[tuple[int, int, int]], list[dialogue.Line]]:
    """The story's characters, their mentions, and every line of dialogue with its speaker; a
    name only ever called out joins the person who answers to it (dialogue.answered_as)."""
    characters, mentions = chars.detect(story.text, story.start, story.end, setting)
    lines = dialogue.extract(story.text, paras, characters, mentions)
    into = dialogue.answered_as(lines, characters)
    into |= dialogue.epithet_named(lines, characters, into)
    if into:
        characters, mentions, numbers = chars.merge(characters, mentions, into)
        lines = dialogue.renumbered(lines, numbers)
    return characters, mentions, lines


FORK_FROM = 500_000  # characters: a story this long has its layout worked out beside its people


def _layout(story: Story, paras: list) -> tuple:
    """What the index needs of the text alone, before anyone is known: chapters, scene spans,
    each scene's passage bounds, each scene's word counts with the stems of those that may be
    its keywords and each stem's scene frequency, and the running word count at each chapter."""
    text = story.text
    _, chapters, spans = segment.chapters_and_spans(story, paras)
    bounds = [segment.passage_bounds(text, paras, span) for span in spans]
    scene_words = [Counter(word_tokens(text[s.start : s.end])) for s in spans]  # counted in C: a long scene has thousands of words
    vocabulary = sorted({w for counts in scene_words for w in counts})
    stems = dict(zip(vocabulary, stem(vocabulary)))
    allowed = {w for w in vocabulary if len(w) > 3 and w[0].islower() and w not in _STOP
               and "'" not in w and "’" not in w}  # "don’t" is no scene's subject
    keyword_stems = {w: stems[w] for w in allowed}
    df: Counter = Counter()
    for counts in scene_words:
        df.update({stems[w] for w in counts})
    running = _running_words(text, story.start, [c.end for c in chapters] + [story.end])  # one pass: a novel's split is 60 ms
    return chapters, spans, bounds, scene_words, keyword_stems, df, running


def build(story: Story, setting: StorySetting | None = None) -> StoryIndex:
    """Index a loaded story. Pure: reads nothing but its arguments."""
    setting = with_tagged_characters(setting or StorySetting(name=story.name), story)
    if story.author and story.author not in setting.ignore:  # "by Arthur Conan Doyle" is no character
        import dataclasses

        setting = dataclasses.replace(setting, ignore=(*setting.ignore, story.author))
    text = story.text
    paras = segment.paragraphs(text, story.start, story.end)
    # What needs no one's name (chapters, scenes, their words) is worked out beside the
    # characters and dialogue on a long story, in another process where a core is free.
    with forked.Beside(_layout, story, paras, wanted=story.end - story.start >= FORK_FROM) as layout:
        characters, mentions, lines = people(story, paras, setting)
        chapters, spans, bounds, scene_words, keyword_stems, df, running = layout.result()
    uses = alias_uses(text, characters, mentions)
    names = [c.name for c in characters]

    # Passages, tagged with characters named in them or plainly referred to.
    passages: list[Passage] = []
    passage_of_scene: list[list[int]] = []
    mention_starts = [m[0] for m in mentions]
    line_starts = [l.start for l in lines]
    for sid, (span, cuts) in enumerate(zip(spans, bounds), start=1):
        ids = []
        for ps, pe in cuts:
            i, j = bisect.bisect_left(mention_starts, ps), bisect.bisect_left(mention_starts, pe)
            found = Counter(mentions[k][2] for k in range(i, j))
            li, lj = bisect.bisect_left(line_starts, ps), bisect.bisect_left(line_starts, pe)
            for line in lines[li:lj]:
                if line.speaker is not None:
                    found[line.speaker] += 1
            if not found:
                ref = _referent(text[ps:pe], mentions, mention_starts, ps, span.start, characters)
                if ref is not None:
                    found[ref] += 1
            passages.append(Passage(len(passages) + 1, sid, span.chapter, ps, pe,
                                    tuple(names[c] for c, _ in found.most_common())))
            ids.append(len(passages))
        passage_of_scene.append(ids)

    # Scenes: characters in order of presence, a title from the place or the scene's own words.
    name_words = {w.lower() for c in characters for a in [c.name, *c.aliases] for w in a.split()}
    mstarts = [m[0] for m in mentions]
    in_scene = [mentions[bisect.bisect_left(mstarts, s.start) : bisect.bisect_left(mstarts, s.end)] for s in spans]
    genders = [c.gender for c in characters]
    spoken = [[(line.start, min(line.end, s.end)) for line in lines[bisect.bisect_left(line_starts, s.start) :
                                                                  bisect.bisect_left(line_starts, s.end)]]
              for s in spans]  # each scene's speech
    chosen = titles.choose([titles.events(text, ms, genders, s.start, s.end, said)
                            for ms, s, said in zip(in_scene, spans, spoken)])
    seen_in = Counter(ci for ms in in_scene for ci in {m[2] for m in ms})
    everywhere = {ci for ci, n in seen_in.items() if len(spans) >= 30 and n > 0.75 * len(spans)}
    index_of = {c.name: i for i, c in enumerate(characters)}
    # Who the book mostly calls "the ..." ("the Rabbit", "the White Rabbit"): titles say it so.
    the_before = Counter(ci for ms, _, ci in mentions if text[max(0, ms - 4) : ms].lower() == "the ")
    all_mentions = Counter(ci for _, _, ci in mentions)
    with_the = {ci for ci, n in the_before.items() if 2 * n > all_mentions[ci]}
    scenes: list[Scene] = []
    for sid, span in enumerate(spans, start=1):
        present: Counter = Counter()
        for pid in passage_of_scene[sid - 1]:
            for rank, name in enumerate(passages[pid - 1].characters):
                present[name] += 2 if rank == 0 else 1
        narration, speech = _narration(text, span.start, span.end, spoken[sid - 1])
        leads = _unnamed_lead(text, narration, genders, [index_of[c] for c in present if c in index_of],
                              mentions, mstarts, span.start, spans[sid - 2].start if sid > 1 else span.start)
        for ci, n, _ in leads:
            present[characters[ci].name] += n
        # Those who speak are there; those talked of may be far away ("When Jane and Elizabeth
        # were alone", talking of Mr. Bingley, is Jane and Elizabeth's scene).
        speaking = Counter(line.speaker for line in lines[bisect.bisect_left(line_starts, span.start):
                                                          bisect.bisect_left(line_starts, span.end)]
                           if line.speaker is not None)
        for ci, n in speaking.items():
            present[characters[ci].name] += n
        told = _places(narration, name_words)
        place_list = told + _places(speech, name_words)
        # The scene's setting: its commonest place in the narration (what a tale told in the
        # room names is not where the scene is), a named one only when named twice ("I was in
        # Odessa," said in passing); the speech's places when the narration names none.
        told = told or place_list
        settings_ = Counter(p for p in told if p.startswith("the "))
        for p, n in Counter(told).items():
            if n >= 2 or not settings_:
                settings_[p] = max(settings_[p], n)
        opening = _OPENS_AT.match(text, span.start)
        if opening:  # "In the castle, after they had landed, ...": where the scene opens is where it is
            for p in segment.places(opening.group()):
                settings_[p] += 1
        top_place = settings_.most_common(1)[0][0] if settings_ else None
        if top_place == "the room":  # "in the room" says less than "the drawing room", said less often
            top_place = next((p for p, n in settings_.most_common() if p != top_place and p.split()[-1] in ROOM_NOUNS
                              and 2 * n >= settings_[top_place]), top_place)
        keys = _keywords(scene_words[sid - 1], keyword_stems, df, len(spans),
                         name_words | {w for p in place_list for w in p.split()})
        # How the scene itself calls each person (a reader at a horizon knows those names).
        called_by: dict[int, Counter] = {}
        for ms, me, ci in in_scene[sid - 1]:
            form = " ".join(text[ms:me].split())
            if ci in with_the and not form.lower().startswith("the "):
                form = "the " + form  # "the Rabbit", as the book says it, not "Rabbit"
            called_by.setdefault(ci, Counter())[form] += 1
        called = {ci: forms.most_common(1)[0][0] for ci, forms in called_by.items()}
        called.update({ci: form for ci, _, form in leads})  # as the story last named them
        # Those who speak most first, then the others by presence.
        order = sorted((index_of[n] for n, _ in present.most_common() if n in index_of), key=lambda i: -speaking[i])
        # Who is in three scenes of four (the detective) tells this scene from no other: the
        # others there name it, when two of them speak and more than the detective does, or none
        # speaks and the scene names one (else the detective does, not a bare list of words).
        # Where the scene is theirs and one other's (the heroine and her sister talking alone),
        # or theirs most (Emma talking Harriet round), they are in its title.
        others = [i for i in order if i not in everywhere]
        if any(i in called for i in others) and (not speaking or sum(i in speaking for i in others) >= 2 and order[0] not in everywhere):
            order = others
        title = span.heading or titles.title(chosen[sid - 1], order, called, top_place, keys) or f"scene {sid}"
        scenes.append(Scene(sid, span.chapter, title, span.start, span.end,
                            tuple(n for n, _ in present.most_common()), tuple(dict.fromkeys(place_list)), tuple(keys)))

    # Dialogue lines with names instead of indexes, and the passage each falls in.
    pstarts = [p.start for p in passages]
    dlines = []
    for line in lines:
        pid = bisect.bisect_right(pstarts, line.start)
        dlines.append(DialogueLine(
            line.text, line.start, line.end,
            names[line.speaker] if line.speaker is not None else None,
            names[line.addressee] if line.addressee is not None else None,
            pid, line.spans, line.how, line.described,
        ))
    return StoryIndex(
        name=story.name, path=story.path, title=story.title, author=story.author,
        encoding=story.encoding, text=text, start=story.start, end=story.end,
        words=running[-1], chapters=chapters, scenes=scenes,
        passages=passages, characters=characters, dialogue=dlines, uses=uses,
        words_to=running[:-1], metadata=dict(story.metadata),
    )


def _running_words(text: str, start: int, ends: list[int]) -> list[int]:
    """Words from ``start`` to each of ``ends`` (in order)."""
    out, total = [], 0
    for end in ends:
        total += len(text[start:end].split())
        out.append(total)
        start = max(start, end)
    return out


def with_tagged_characters(setting: StorySetting, story: Story) -> StorySetting:
    """The story's own character tags (AO3's "Characters": "Mara Quill", "Klaus Mikaelson (The
    Vampire Diaries)") as characters with their canonical names, each with its first name as an
    alias, when the text uses the name; the config's own characters come first."""
    import dataclasses
    import re

    from bot.config import CharacterSetting

    tags = story.metadata.get("characters") or []
    if not isinstance(tags, list) or not tags:
        return setting
    known = {n for c in setting.characters for n in (c.name, *c.aliases)}
    body = story.text[story.start : story.end]
    added = []
    for tag in tags:
        name = " ".join(re.sub(r"\s*\([^)]*\)\s*$", "", str(tag)).split())
        if not name or name in known or not re.search(r"[A-Za-z]", name):
            continue
        first = name.split()[0]
        aliases = (first,) if " " in name and len(first) > 2 and re.search(rf"\b{re.escape(first)}\b", body) else ()
        if re.search(rf"\b{re.escape(name)}\b", body) or aliases:
            added.append(CharacterSetting(name=name, aliases=aliases))
    return dataclasses.replace(setting, characters=tuple(setting.characters) + tuple(added)) if added else setting


def alias_uses(text: str, characters: list[chars.Character],
               mentions: list[tuple[int, int, int]]) -> dict[str, dict[str, list[int]]]:
    """Character name -> each of their aliases -> the offsets where the text uses it."""
    forms = [{chars.mention_key(a): a for a in [c.name, *c.aliases]} for c in characters]
    out: dict[str, dict[str, list[int]]] = {c.name: {} for c in characters}
    for s, e, i in mentions:
        key = chars.mention_key(text[s:e])
        alias = forms[i].get(key, key)
        out[characters[i].name].setdefault(alias, []).append(s)
    return out


_PRONOUN = re.compile(r"\b(he|him|his|she|her|hers)\b", re.IGNORECASE)


def _referent(passage: str, mentions, starts, pos: int, scene_start: int, characters) -> int | None:
    """Who a passage naming nobody is about: the last person of the pronoun's gender named
    earlier in the same scene."""
    m = _PRONOUN.search(passage)
    if not m:
        return None
    gender = "male" if m.group(1).lower() in ("he", "him", "his") else "female"
    i = bisect.bisect_left(starts, pos) - 1
    while i >= 0 and mentions[i][0] >= scene_start:
        c = mentions[i][2]
        if characters[c].gender == gender:
            return c
        i -= 1
    return None


# --- cache --------------------------------------------------------------------------------


_code_digest: str | None = None


def core_sources() -> list[Path]:
    """The core's source files, its packages' included (bot/core/search/, bot/core/readers/)."""
    return sorted(Path(__file__).parent.rglob("*.py"))


def code_digest() -> str:
    """A digest of the core's own source: a cache built by other code is never reused (the
    searcher's code too: a cached searcher pickled by older code could miss what newer code reads)."""
    global _code_digest
    if _code_digest is None:
        digest = hashlib.sha256()
        for path in core_sources():
            digest.update(path.read_bytes())
        _code_digest = digest.hexdigest()[:16]
    return _code_digest


def cache_key(story: Story, setting: StorySetting) -> str:
    digest = hashlib.sha256()
    digest.update(code_digest().encode())
    digest.update(story.text.encode("utf-8"))
    digest.update(setting.fingerprint().encode())
    digest.update(f"format={FORMAT};span={story.start}-{story.end}".encode())
    digest.update(repr(sorted(story.metadata.items())).encode())
    return digest.hexdigest()[:24]


def cached(cache_dir: Path | None, name: str, key: str, kind: str, build_fn, valid) -> object:
    """``build_fn()``, kept as a pickle under ``cache_dir`` and reused while ``valid(obj)``.

    A stale or unreadable file is rebuilt with one log line; a cache that cannot be written is
    only logged. Older files of the same story and kind are removed."""
    if cache_dir is None:
        return build_fn()
    safe = re.sub(r"[^\w.-]+", "_", name)[:60]
    path = cache_dir / f"{safe}-{key}.{kind}.pickle"
    if path.exists():
        try:
            with path.open("rb") as fh:
                obj = pickle.load(fh)
            if valid(obj):
                return obj
            log.warning("%s cache %s is stale; rebuilding", kind, path.name)
        except Exception as exc:  # any unreadable cache is rebuilt, never fatal
            log.warning("%s cache %s is unreadable (%s); rebuilding", kind, path.name, type(exc).__name__)
    obj = build_fn()
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=cache_dir, suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(obj, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
        for old in cache_dir.glob(f"{safe}-*.{kind}.pickle"):
            if old != path:
                old.unlink(missing_ok=True)
    except OSError as exc:
        log.warning("cannot write the %s cache in %s (%s); continuing without it", kind, cache_dir, exc.strerror)
    return obj


def load_or_build(story: Story, setting: StorySetting, cache_dir: Path | None) -> StoryIndex:
    """The cached index if it is there and sound, else a fresh build (cached for next time)."""
    index = cached(
        cache_dir, story.name, cache_key(story, setting), "index", lambda: build(story, setting),
        lambda obj: isinstance(obj, StoryIndex) and obj.format == FORMAT and obj.text == story.text
        and obj.end == story.end,
    )
    index.name, index.path = story.name, story.path  # the same text may live elsewhere
    return index
