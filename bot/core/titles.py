"""Scene titles a reader would know a scene by: who is there, what they do, and where.

"Marcel watches Caroline at the bar", "Klaus and Caroline kiss in the studio": the people are
called as the scene itself calls them, the verb is the scene's most telling thing someone named
does (a named subject right before a past-tense verb, lemmatised by simplemma, weighed by how
rare that verb is in the rest of the book), and the place is the scene's commonest. A scene with
no such verb is titled by who is there and where; one with nobody named, by its place or words.
"""
from __future__ import annotations

import bisect
import functools
import math
import re
from collections import Counter
from dataclasses import dataclass

from bot.core.language import VERB_LEMMA_FIXES
from bot.core.segment import HE_SHE

# Verbs too common in narration to tell one scene from another.
WEAK_VERBS = set("""
be have do say ask reply answer tell look turn smile nod go come walk stand sit seem feel think know
see hear begin try want get make take give let put keep find leave continue add glance shrug sigh
laugh grin frown pause wait return move step open close raise lift hold notice realise realize
watch stare wonder decide need like love mean remember feel speak call cry exclaim murmur whisper
mutter repeat interrupt observe remark inquire enquire respond rise appear become remain use shake
gan
""".split())  # "gan": simplemma's lemma of "gone"
_ADVERB = r"(?:(?:then|suddenly|quickly|slowly|finally|also|only|just|[a-z]+ly)[ \t]+)?"
# "Klaus threw", "Klaus had thrown", "Klaus quickly threw": the subject's verb, right after it.
_AFTER_NAME = re.compile(rf"[ \t]+(?:had[ \t]+)?{_ADVERB}([a-z]+)\b")
# "... blurred across the room and thrown Marcel away": a second verb of the same subject, in
# the same sentence, after "and" (no other subject between: "and Klaus", "and she" stop it).
_AND_VERB = re.compile(rf"(?:(?!\band\b)[^.!?;:\n\"“”]){{0,60}}?,?[ \t]+and[ \t]+{_ADVERB}([a-z]+)\b")
_LINK = re.compile(r"[ \t]+(?:(?P<link>at|to|with|on|into|for|over)[ \t]+)?$")


@dataclass(frozen=True)
class Event:
    verb: str  # the lemma: "kiss"
    subject: int  # character indexes
    obj: int | None
    link: str = ""  # the word before the object: "smiled at Caroline"


@functools.lru_cache(maxsize=65536)
def _lemma(word: str) -> str:
    import simplemma

    return simplemma.lemmatize(word, lang="en").lower()


_SUBJECT_PRONOUN = re.compile(rf"({HE_SHE})\b")  # scanned from its first letter: see segment.HE_SHE
_OBJECT_PRONOUN = re.compile(r"[ \t]+(?:(?P<link>at|to|with|on|into|for|over)[ \t]+)?(?P<who>him|her)\b")


def _is_past(word: str) -> bool:
    """ "kissed", "threw": a verb in the past (not "papers", whose lemma differs too)."""
    return word.endswith("ed") or (_lemma(word) != word and not word.endswith("s"))


def _past(word: str) -> str | None:
    """The lemma of a past-tense verb that says something ("kissed": "kiss"), else None."""
    lemma = _lemma(word)
    lemma = VERB_LEMMA_FIXES.get(lemma, lemma)  # "longed" is "long", not "longe"
    return lemma if _is_past(word) and lemma not in WEAK_VERBS and len(lemma) >= 3 else None


def _verbs(text: str, after_subject: int) -> list[tuple[str, int]]:
    """The telling past-tense verbs of a subject that ends at ``after_subject``, with where
    each ends: "Klaus threw", "Klaus had thrown", and a second one after "and" ("pulled his
    head down to hers and kissed him")."""
    m = _AFTER_NAME.match(text, after_subject, min(len(text), after_subject + 40))
    if m is None or not _is_past(m.group(1)):
        return []  # "Klaus and", "Caroline's"
    found = [m]
    second = _AND_VERB.match(text, m.end(), min(len(text), m.end() + 80))
    if second is not None and _is_past(second.group(1)):
        found.append(second)
    return [(lemma, v.end()) for v in found if (lemma := _past(v.group(1))) is not None]


def events(text: str, mentions: list[tuple[int, int, int]], genders: list[str | None] | None = None,
           start: int = 0, end: int | None = None, quoted: list[tuple[int, int]] = ()) -> list[Event]:
    """What people do in a stretch of text: "Klaus kissed Caroline" -> (kiss, Klaus, Caroline),
    and "she kissed him" the same when the last woman and man named were Caroline and Klaus.
    Only past-tense verbs right after their subject, in the narration (the scene's events, not
    its descriptions, nor what a tale told in it says: ``quoted`` are the spans of speech, sorted)."""
    starts = [m[0] for m in mentions]
    quote_starts = [a for a, _ in quoted]

    def spoken(pos: int) -> bool:
        i = bisect.bisect_right(quote_starts, pos) - 1
        return i >= 0 and pos < quoted[i][1]

    def last(gender: str, before: int) -> int | None:  # called only when genders are known
        for j in range(bisect.bisect_left(starts, before) - 1, -1, -1):
            if genders[mentions[j][2]] == gender:
                return mentions[j][2]
        return None

    subjects = [(e, who) for _s, e, who in mentions]
    if genders is not None and mentions:
        for m in _SUBJECT_PRONOUN.finditer(text, start, end if end is not None else len(text)):
            who = last("male" if m.group(1).lower() == "he" else "female", m.start())
            if who is not None:
                subjects.append((m.end(), who))
    out = []
    for e, who in subjects:
        if quoted and spoken(e):
            continue
        for lemma, after in _verbs(text, e):
            obj, link = None, None
            k = bisect.bisect_left(starts, after)
            if (k < len(mentions) and mentions[k][0] - after <= 8 and (link := _LINK.match(text[after : mentions[k][0]] or " "))
                    and not text.startswith(("'s", "’s"), mentions[k][1])):
                obj = mentions[k][2]  # "threw Marcel", "smiled at Caroline", not "sold Rostóv's horse"
            elif genders is not None and (link := _OBJECT_PRONOUN.match(text, after)) is not None:
                obj = last("male" if link.group("who") == "him" else "female", e)  # "kissed him"
            obj = obj if obj != who else None
            out.append(Event(lemma, who, obj, (link.group("link") or "") if obj is not None else ""))
    return out


def third_person(lemma: str) -> str:
    """ "watch" -> "watches", "cry" -> "cries", "kiss" -> "kisses", "fight" -> "fights"."""
    if re.search(r"(?:s|sh|ch|x|z|o)$", lemma):
        return lemma + "es"
    if re.search(r"[^aeiou]y$", lemma):
        return lemma[:-1] + "ies"
    return lemma + "s"


INSIDE = set("""
room studio office cellar house flat kitchen library garden gardens forest wood woods carriage cab
hall street lane bedroom parlour parlor drawing-room study church chapel cottage shop inn hotel
tavern prison cell attic yard court courtyard field fields camp tent boat ship train coach village
town city park square market palace castle ballroom corridor chamber cabin barn stable orchard
meadow ward apartment lobby gallery cave tower dungeon basement
""".split())


GENERIC_PLACES = {"the room"}


def at(place: str) -> str:
    """ "the bar" -> "at the bar"; "the studio" -> "in the studio"; "New Orleans" -> "in New Orleans"."""
    if place[:4].lower() != "the ":
        return "in " + place
    return ("in " if place.split()[-1].lower() in INSIDE else "at ") + place


def choose(scene_events: list[list[Event]]) -> list[Event | None]:
    """Each scene's most telling event: frequent in the scene, rare in the book."""
    df: Counter = Counter()
    for evs in scene_events:
        df.update({e.verb for e in evs})
    n = len(scene_events)
    chosen: list[Event | None] = []
    for evs in scene_events:
        if not evs:
            chosen.append(None)
            continue
        tf = Counter(e.verb for e in evs)
        # Something done twice, or done to someone: once, unobjected, is a detail, not the scene.
        told = {v for v in tf if tf[v] >= 2 or any(e.verb == v and e.obj is not None for e in evs)}
        if not told:
            chosen.append(None)
            continue
        verb = max(told, key=lambda v: (tf[v] * math.log((n + 1) / (df[v] + 0.5)), v))
        with_obj = [e for e in evs if e.verb == verb and e.obj is not None]
        chosen.append(Counter(with_obj or [e for e in evs if e.verb == verb]).most_common(1)[0][0])
    return chosen


def title(event: Event | None, present: list[int], called: dict[int, str], place: str | None,
          words: list[str]) -> str:
    """The title of one scene, its first letter in capitals ("The stranger kicks at Mrs. Hall")."""
    made = _title(event, present, called, place, words)
    return made[:1].upper() + made[1:]


def _title(event: Event | None, present: list[int], called: dict[int, str], place: str | None,
           words: list[str]) -> str:
    """The title of one scene; ``called`` is how the scene itself names each person.
    "Marcel watches Caroline at the bar"; "Klaus and Caroline outside the bar: Klaus hisses";
    "Klaus and Caroline in the studio"; "The station"."""
    # "in the room" tells no scene from another (every one indoors is in a room): said only when
    # the title has nothing else ("The room").
    where = f" {at(place)}" if place and place not in GENERIC_PLACES else ""
    # "The stranger" at a sentence's start is "the stranger" in a title, as "the Rabbit" is.
    called = {p: "the " + form[4:] if form.startswith("The ") else form for p, form in called.items()}
    people = [called[p] for p in present[:2] if p in called]
    if event is not None and event.subject not in present[:3]:
        event = None  # what someone merely mentioned did ("Bonaparte repays") is not the scene
    who = called.get(event.subject) if event is not None else None
    if who and event is not None:
        # "Marcel smiles at Caroline at the bar"; not at one the scene only talks of
        if event.obj is not None and event.obj in called and event.obj in present[:3]:
            return f"{who} {third_person(event.verb)} {event.link + ' ' if event.link else ''}{called[event.obj]}{where}"
        if people and people != [who]:
            return f"{' and '.join(people)}{where}: {who} {third_person(event.verb)}"
        return f"{who} {third_person(event.verb)}{where}"
    if people:
        return " and ".join(people) + where
    if place:
        return place[0].upper() + place[1:]
    return ", ".join(words[:2])
