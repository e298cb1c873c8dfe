"""What the story says about who its people are and where it happens.

For each character, the sentences that say who they are ("Irene Adler, the well-known
adventuress"; "Lestrade, of Scotland Yard"; "Pierre was the illegitimate son of..."), what they
look like (eyes, hair, build, clothes), and how they stand to others ("beside his sire"); for the
story, its places by how often the text is in them. Built once from the searcher's sentence
windows and the names found in each, kept as window numbers, so a reader's spoiler horizon cuts
it like everything else (what is known of someone by chapter 3 is what chapters 1 to 3 say).

Questions read it through ``Knowledge.asked``: "who is X", "what does X look like", "what is X
to Y", "who is the main character", "where does the story take place", each answered from these
sentences first.
"""
from __future__ import annotations

import bisect
import re
from collections import Counter
from dataclasses import dataclass

from bot.core.characters import TITLES
from bot.core.language import (BUILD_WORDS, FEATURE_WORDS, GARMENT_WORDS, NOT_YET_WED, NOUN_GENDER, PERSON_NOUNS,
                               RELATION_WORDS, SAME_FEATURE, SENTENCE_OPENING, SETTING_PREPOSITIONS, SPOUSE_WORDS)

_RELATION = "|".join(sorted(RELATION_WORDS))
_FEATURES = "|".join(sorted(FEATURE_WORDS))
# Words that never stand between an owner and a feature they describe ("her with a smiling face"
# is someone else's face).
_LINKS = r"(?:with|a|an|the|to|of|in|on|at|for|from|by|into|as|was|is|had|has|and|but|own)\b"
_DESCRIBED = re.compile(rf"\b(?P<owner>[Hh]is|[Hh]er|[A-Z][\w.]*(?:\s+[A-Z][\w.]*)?(?:'s|’s))\s+"
                        rf"(?:(?![Hh]is\b|[Hh]er\b|{_LINKS})[\w-]+,?\s+){{1,4}}(?:{_FEATURES})\b")
# "She was short, plump, and fair", "Sónya was a slender little brunette" (not "short of breath").
_BUILT = re.compile(rf"\b(?P<owner>[Hh]e|[Ss]he|[A-Z][\w.]*(?:\s+[A-Z][\w.]*)?)\s+(?:was|is)\s+(?:a\s+|an\s+)?"
                    rf"(?:very\s+|rather\s+|quite\s+)?(?:{'|'.join(sorted(BUILD_WORDS))})\b"
                    rf"(?!\s+(?:of|to|with|for|sure|well|much|enough|certain|soon|in|on|at)\b)")
# "a White Rabbit with pink eyes": someone named, then "with" and a feature; as the sentence's
# subject (see _subject_with), not "looked at Pierre with clear, cruel eyes" (the looker's).
_WITH = re.compile(rf"(?P<det>\b(?:[Tt]he|[Aa]n?)\s+)?\b(?P<owner>[A-Z][\w.]*(?:\s+[A-Z][\w.]*)?)\s+with\s+"
                   rf"(?:(?![Hh]is\b|[Hh]er\b|{_LINKS})[\w-]+,?\s+){{1,3}}(?:{_FEATURES})\b")
# Someone described before the story names them, early in a sentence: "One of the next arrivals
# was a stout, heavily built young man with close-cropped hair, spectacles...", "This
# black-eyed, wide-mouthed girl, not pretty but full of life".
_PORTRAIT = re.compile(rf"\b(?:[Aa]n?|[Tt]his|[Tt]hat)\s+(?:[\w-]+,?\s+){{0,6}}?(?P<noun>{'|'.join(sorted(PERSON_NOUNS))})\b"
                       r"[^.;!?“”\"]{0,100}")
_QUOTE_MARK = re.compile(r"[“”\"]|(?:^|\s)‘")
_GARMENT = re.compile(rf"\b(?:{'|'.join(sorted(GARMENT_WORDS))})s?\b", re.IGNORECASE)
_FEATURE = re.compile(rf"\b(?:{_FEATURES}|{'|'.join(sorted(BUILD_WORDS))})\b")
# A feature or build word, or a compound that names one ("black-eyed", "close-cropped").
_LOOKS_WORD = re.compile(rf"{_FEATURE.pattern}|\b[a-z]+-(?:eyed|haired|faced|mouthed|cheeked|nosed|browed|lipped|"
                         r"shouldered|built|bearded|whiskered|cropped)\b")
_PLACE = re.compile(r"\b(?:" + "|".join(SETTING_PREPOSITIONS) + r")\s+(?:the\s+)?((?:St\.\s+)?[A-Z]\w+(?:\s+[A-Z]\w+)*)")

# What a question asks of the story's knowledge, and about whom.
_WHO_IS = re.compile(r"^\s*(?:so\s+)?who(?:'s|’s|\s+is|\s+was|\s+were|\s+are)\s+(?P<who>[^?!.]+?)(?:\s+really)?\s*[?!.]*\s*$",
                     re.IGNORECASE)
def who_is(question: str) -> str | None:
    """Whom a "who is X" question asks about, as typed ("irene adler"), or None."""
    m = _WHO_IS.match(question)
    return m.group("who").strip() if m else None


_LOOKS = re.compile(r"\b(?:what\s+(?:does|did|do|is|was)\s+(?P<who>.+?)\s+look(?:s|ed)?\s+like|"
                    r"describe\s+(?P<who2>.+?)(?:'s\s+(?:looks|appearance))?\s*[?!.]*\s*$|"
                    r"(?P<who3>\w+(?:\s+\w+)?)(?:'s|’s|s)\s+(?:appearance|looks)\b)", re.IGNORECASE)
# (Not "how much did she give della for her hair": a sum, not a look.)
_FEATURE_ASKED = re.compile(r"^\s*(?:what|how(?!\s+(?:much|many|long|old|often|far|soon)\b)|describe|tell)\b.*?\b(?P<feature>"
                            rf"{'|'.join(sorted(FEATURE_WORDS - GARMENT_WORDS))})\b", re.IGNORECASE)
_FULLNAME_ASKED = re.compile(r"\b(?:surname|last name|full name|family name|whole name|real name)\b", re.IGNORECASE)
_WEARING = re.compile(r"\bwhat\s+(?:was|is|did|does|do)\s+(?P<who>.+?)\s+(?:wearing|wear|wore|dressed\s+in|have\s+on|had\s+on)\b",
                      re.IGNORECASE)
_TO = re.compile(r"^\s*(?:what|who)\s+(?:is|was)\s+(?P<who>.+?)\s+to\s+(?P<other>[^?!.]+?)\s*[?!.]*\s*$|"
                 r"^\s*how\s+(?:is|was|are|were)\s+(?P<who2>.+?)\s+related\s+to\s+(?P<other2>[^?!.]+?)\s*[?!.]*\s*$",
                 re.IGNORECASE)
_MARRY = r"(?:marry|marries|married|marrying|wed|weds|wedded)"
_FEW_WORDS = r"(?:[\w’'.-]+\s+){0,3}?[\w’'.-]+"  # a name as typed, at most four words
_THEN = r"(?:(?:ever|end\s+up|get|got|finally|eventually|later|then|really|actually|already|first)\s+)*"
_SPOUSE_ASKED = re.compile(
    # "who does natasha marry", "who did nikolai rostov end up marrying", "who is prince andrew married to"
    rf"^\s*(?:so\s+)?(?:whom?\s+(?:does|did|do|will|would|is|was|has|had)|who(?:'s|’s|s))\s+(?P<who>{_FEW_WORDS})\s+{_THEN}{_MARRY}"
    rf"(?:\s+to)?\s*[?!.]*\s*$|"
    # "who was pierres first wife", "whats the name of emmas husband"
    rf"^\s*(?:so\s+)?(?:who(?:'s|’s|\s+is|\s+was)|what(?:'s|’s|s|\s+is|\s+was)\s+the\s+name\s+of)\s+(?P<owner>{_FEW_WORDS})\s+"
    rf"(?:(?:first|second|new|late|former|last|real)\s+)?(?:wife|husband|spouse|bride|groom|bridegroom)\s*[?!.]*\s*$|"
    # "did pierre marry natasha", "does jane marry bingley?", "is irene adler married"
    rf"^\s*(?:so\s+)?(?:does|did|will|is|was|has)\s+(?P<who2>{_FEW_WORDS})\s+{_THEN}{_MARRY}(?:\s+(?:to|with)\s+|\s+)?(?P<other>[^?!.]+?)?\s*[?!.]*\s*$|"
    # "who married natasha"
    rf"^\s*(?:so\s+)?who\s+(?:is\s+|was\s+|will\s+|did\s+|had\s+)?{_MARRY}\s+(?P<who3>[^?!.]+?)\s*[?!.]*\s*$",
    re.IGNORECASE)
# "where does the book start", "where does it all begin": the first place the narration names.
_SETTING_AT_START = re.compile(r"\bwhere\s+(?:does|did|do)\s+(?:the\s+|this\s+)?(?:story|book|tale|novel|it)(?:\s+all)?\s+"
                               r"(?:start|begin|open)s?\b", re.IGNORECASE)
_FIRST_ASKED = re.compile(r"\bfirst\b", re.IGNORECASE)
_LAST_ASKED = re.compile(r"\b(?:end\s+up|in\s+the\s+end|finally|eventually|at\s+last|second|last|later)\b", re.IGNORECASE)
_MAIN = re.compile(r"\b(?:main|central|principal|lead)\s+(?:character|person|hero|heroine|guy|girl)|\bprotagonist\b|"
                   r"\bwho\s+is\s+(?:the\s+)?(?:story|book|tale|novel)\s+(?:about|mostly\s+about)\b", re.IGNORECASE)
_SETTING = re.compile(r"\bwhere\s+(?:does|did|is|was)\s+(?:the\s+|this\s+|it\s+)?(?:story|book|tale|novel|it|all)?\s*"
                      r"(?:take\s+place|set|happen|happens|located)\b|\bwhat(?:'s|\s+is)\s+the\s+setting\b|"
                      r"\bwhere\s+is\s+(?:the\s+)?(?:story|book)\s+set\b", re.IGNORECASE)


@dataclass(frozen=True)
class Asked:
    """A question about the story's knowledge: its kind ("identity", "appearance", "clothing",
    "relation", "spouse", "main", "setting"), the characters it is about (canonical names) and, for
    "what colour are her eyes", the feature asked about (for "spouse": which marriage, "first",
    "last" or the "most" said)."""

    kind: str
    who: str | None = None
    other: str | None = None
    feature: str | None = None


class Knowledge:
    """Per character, the windows (searcher.units indexes, in story order) that say who they are,
    what they look like and how they relate to others; the story's places by prominence."""

    def __init__(self, searcher) -> None:
        ix = searcher.ix
        text = ix.text
        self.identity: dict[str, list[int]] = {}
        self.appearance: dict[str, list[int]] = {}
        self.relation: dict[str, list[int]] = {}
        self.fullname: dict[str, list[int]] = {}  # the windows that give someone's full name
        patterns = {}
        self.tie: dict[tuple[str, int], int] = {}  # how plainly a window of ties says it is theirs (see _tie)
        self.marriages = _Marriages(ix.characters)
        full_names: dict[str, re.Pattern[str]] = {}
        for c in ix.characters:
            forms = sorted({c.name, *c.aliases}, key=len, reverse=True)
            names = "|".join(re.escape(a) for a in forms)
            own = {"male": "his", "female": "her"}.get(c.gender or "", "his|her")
            proper = "|".join(re.escape(a) for a in forms if a[:1].isupper() and a.split()[0].lower() not in ("the", "a", "an"))
            patterns[c.name] = (
                # "Lestrade, of Scotland Yard"; not "the old prince, of whom she was always afraid" (a
                # clause about them) nor "the recollection of the old prince, of Princess Mary" (a list)
                re.compile(rf"\b(?:{names}),\s+(?:the|a|an|my|our|one)\s|"
                           rf"(?<!\bof\s)\b(?:{names}),\s+of(?!\s+(?:course|whom|which)\b)\s|"
                           rf"\b(?:{names}),\s+(?:[a-z][\w-]*,\s+){{2,3}}(?:and\s+)?[a-z]|"  # "Emma Woodhouse, handsome, clever, and rich"
                           rf"\b(?:{names})\s+(?:is|was|had been)\s+(?:a|an|the|his|her|my|our|one|not\s+a)\s|"
                           # "Dinah’s our cat", "Denísov’s a fine fellow": "’s" before "a" or "our" is "is"
                           # (before "the", "her" or "one" it is most often whose: "Pierre’s one feeling")
                           rf"(?<!\b(?:in|of|to|at|by|on) )\b(?:{names})['’]s\s+(?:a|an|my|our|not\s+a)\s|"
                           rf"\b(?:my|his|her|our|their|the|a)\s+(?:[\w-]+\s+){{0,2}}(?:{_RELATION})s?,?\s+(?:{names})\b|"
                           rf"\b(?:{names}),\s+(?![a-z]+ing\b)(?:(?!{_LINKS})[\w-]+\s+){{0,3}}(?:{_RELATION})s?\b|"
                           # "the well-known adventuress, Irene Adler.", "the maid, Aníska, was" (a
                           # noun phrase without "of", "in"...: not "the door of this apartment, Monks")
                           rf"\b(?:the|a|an|my|his|her|our|their|your)\s+(?:(?!{_LINKS})[\w-]+\s+){{0,3}}[a-z][\w-]*[a-z],\s+"
                           rf"(?:{names})(?=,?\s*[.;”’\"]|,\s+(?:who|whose|whom|was|is|had|has|the|a|an)\b|\s+(?:who|whose|whom)\b)"),
                re.compile(rf"\b(?:{own}|(?:{names})(?:'s|’s))\s+(?:[\w-]+\s+){{0,2}}(?:{_RELATION})s?\b"),
                re.compile(rf"(?:{names})(?:'s|’s)?"),
                re.compile(rf"\b(?:{proper})\b") if proper else None,  # by name, not by epithet ("the Original")
            )
            full = [re.escape(a) for a in forms if a[:1].isupper() and a.split()[0].lower() not in ("the", "a", "an")
                    and len([w for w in a.split() if w.rstrip(".") not in TITLES]) >= 2]
            if full:  # given name and surname: "Klaus Mikaelson", "Lord Robert St. Simon"
                full_names[c.name] = re.compile(rf"\b(?:{'|'.join(full)})\b")
        by_gender: dict[str, set[str]] = {}
        for c in ix.characters:
            by_gender.setdefault(c.gender or "", set()).add(c.name)
        self.names = searcher.unit_names  # who each window names (shared with the searcher)
        self.features: dict[int, int] = {}  # how many features a window of appearance describes
        # How many words describe one feature or build of theirs there ("his tall, spare figure": 2).
        self.fullness: dict[tuple[str, int], int] = {}
        self.described: dict[int, frozenset[str]] = {}  # and which ("eye", "hair")
        # The descriptions whose owner the sentence names ("Borís was tall and fair"), not a
        # "his" or "her" read as theirs ("His whole face sharpened away into nose and chin").
        self.named_looks: set[tuple[str, int]] = set()
        self.garments: set[int] = set()  # the windows of appearance that say what someone wears
        self.first: dict[str, int] = {}  # each character's first window
        self.introduced: dict[str, int] = {}  # and the first where the narration names them
        # Places: a capitalised name after "in", "at", "to"... that is no character's.
        people = {w for c in ix.characters for a in [c.name, *c.aliases] for w in a.split()}
        places: Counter = Counter()
        self.place_units: dict[str, list[int]] = {}
        previous: tuple[str, set[str]] = ("", set())  # the last sentence that named anyone, and whom
        gender_of = {c.name: c.gender for c in ix.characters}
        own_of = {c.name: {"male": "his", "female": "her"}.get(c.gender or "", "his|her") for c in ix.characters}
        topic: dict[str, str | None] = {}  # per gender, whom the sentences are about (see _topics)
        speakers = _Speakers(ix, gender_of)
        said_to = _SaidTo(ix)
        # Where a word of marriage stands: a quick pass for its letters, then the word itself (_WED_WORD
        # over the whole text, or sentence by sentence, takes 0.15 s on War and Peace; this 0.02 s).
        wed_at = [m.start() for m in _WED_HINT.finditer(text) if _WED_WORD.match(text, m.start())]
        for u, (a, b, _) in enumerate(searcher.units):
            sentence = text[a:b]
            named = searcher.unit_names[u]
            for m in _PLACE.finditer(sentence):
                place = m.group(1)
                if not set(place.split()) & people and place.lower() not in _NOT_PLACES:
                    places[place] += 1
                    self.place_units.setdefault(place, []).append(u)
            # Narration names them: before any quotation mark in a sentence of some length.
            quoted = _QUOTE_MARK.search(sentence)
            opens = quoted.start() if quoted else len(sentence)
            words = len(sentence.split())
            for name in named:
                self.first.setdefault(name, u)
                identity, relation, _, by_name = patterns[name]
                if name not in self.introduced and words >= 6 and by_name and by_name.search(sentence, 0, opens):
                    self.introduced[name] = u
                if words >= 5 and any(not said_to(sentence, x.start() + n.start(), x.start() + n.end(), a, name)
                                      for x in identity.finditer(sentence) for n in patterns[name][2].finditer(x.group())):
                    self.identity.setdefault(name, []).append(u)
                if relation.search(sentence):
                    self.relation.setdefault(name, []).append(u)
                    self.tie[name, u] = _tie(sentence, patterns[name][2], own_of[name])
                if name in full_names and full_names[name].search(sentence):
                    self.fullname.setdefault(name, []).append(u)
            # What someone looks like: "her wide blue eyes", "Klaus's tousled hair" (a described
            # feature: a word or more between owner and feature), "she was short, plump, and
            # fair" (their build).
            withs = _WITH.finditer(sentence) if "with" in sentence else ()  # a third of the time on a novel
            for m in [*_DESCRIBED.finditer(sentence), *_BUILT.finditer(sentence),
                      *(m for m in withs if _subject_with(m, sentence))]:
                owner = m.group("owner") if m.re is not _WITH or not m.group("det") else "the " + m.group("owner")
                pronoun = owner.lower() in ("his", "her", "he", "she")
                if pronoun:
                    gender = "male" if owner.lower() in ("his", "he") else "female"
                speaker = speakers(a, gender) if pronoun else None
                if pronoun and _spoken(text, a + m.start()):
                    # In speech "his" is never the speaker's, and seldom the last one the
                    # narration named ('"He knows that he is a very handsome young man,"' says
                    # Mr. Knightley of Frank Churchill; "her fine eyes", says Miss Bingley of
                    # Elizabeth): only another one named before it in the same sentence.
                    mine = _last_named(patterns, sentence[: m.start()], named & by_gender.get(gender, set())) - {speaker}
                elif speaker and not _last_named(patterns, sentence[: m.start()], named & by_gender.get(gender, set())):
                    # '"Oh my god." The blonde took a step back, her wide blue eyes on his': in
                    # a paragraph where she speaks, "her" is the speaker's, unless the sentence
                    # names another woman first.
                    mine = {speaker}
                elif pronoun and topic.get(gender) and not SENTENCE_OPENING.sub("", sentence[: m.start()], count=1):
                    # "She was short, plump, and fair": a sentence that opens on "she" is about
                    # whom the sentences before were about.
                    mine = {topic[gender]}
                elif pronoun:
                    # Its antecedent comes before it: the nearest of that gender named earlier in
                    # the sentence ("his friend Mr. Darcy ... by his fine, tall person"), else the
                    # last of that gender named in the sentence before.
                    own = by_gender.get(gender, set())
                    mine = _last_named(patterns, sentence[: m.start()], named & own) \
                        or _last_named(patterns, previous[0], previous[1] & own)
                else:
                    mine = {n for n in named if patterns[n][2].fullmatch(owner)}
                for name in mine if len(mine) == 1 else ():
                    self._look(name, u, sentence, _fullness(m, sentence), named=not pronoun)
            head = sentence[:200]
            portrait = _PORTRAIT.search(head) if any(noun in head for noun in PERSON_NOUNS) else None
            # Early in its sentence and not set after a comma ("shouted the host, a tall, handsome
            # fellow", "Young Nicholas, now a slim lad": the one before the comma, already there).
            if portrait and len(sentence[: portrait.start()].split()) <= 8 and "," not in sentence[: portrait.start()]:
                described = len(_LOOKS_WORD.findall(portrait.group().lower()))
                who = self._introduced(searcher, u, portrait.end(), NOUN_GENDER[portrait.group("noun")], gender_of, patterns) \
                    if described >= 3 else None
                if who is not None:
                    self._look(who, u, sentence, described, named=True)
            wed = bisect.bisect_left(wed_at, a)
            if named and wed < len(wed_at) and wed_at[wed] < b:
                self.marriages.read(u, sentence, _mentions(patterns, sentence, named),
                                    lambda own, at: _antecedent(patterns, own, sentence[:at], named, previous, by_gender))
            if "and Mrs" in sentence:
                self.marriages.couples(u, sentence)
            previous = (sentence, named) if named else previous
            _topics(topic, sentence, named, patterns, gender_of)
        self.places = [p for p, n in places.most_common() if n >= 2]
        # Where the story starts: its first sentences of narration, the first of them that names
        # a place ahead ("grippe being then a new word in St. Petersburg"; Alice's "sitting by her
        # sister on the bank" names none by name, so her first sentence stands).
        told = [u for u, (a, b, _) in enumerate(searcher.units[:40])
                if not _spoken(text, a) and not _QUOTE_MARK.match(text, a) and len(text[a:b].split()) >= 6][:12]
        named_place = {u for found in self.place_units.values() for u in found}
        self.opening = list(dict.fromkeys([u for u in told if u in named_place][:1] + told[:2]))

    def _look(self, name: str, u: int, sentence: str, fullness: int, named: bool) -> None:
        """Keep window ``u`` as one that says what ``name`` looks like (``named``: the text says
        it is theirs, not a "his" or "her"; ``fullness``: see _fullness)."""
        if named:
            self.named_looks.add((name, u))
        self.fullness[name, u] = max(self.fullness.get((name, u), 0), fullness)
        if u not in self.appearance.get(name, [])[-1:]:
            self.appearance.setdefault(name, []).append(u)
            found = _FEATURE.findall(sentence)
            self.features[u] = len(found)
            self.described[u] = frozenset(_singular(f) for f in found)
            if _GARMENT.search(sentence):
                self.garments.add(u)

    def _introduced(self, searcher, u: int, after: int, gender: str, gender_of: dict[str, str | None],
                    patterns: dict) -> str | None:
        """Who a portrait of someone not yet named is of: the first person of its ``gender``
        the text names after it (from ``after`` in window ``u``, then the next windows, going
        over one paragraph break at most), when that is the first time the story names them (an
        introduction: "...came over her face when she saw Pierre enter")."""
        units, text = searcher.units, searcher.ix.text
        breaks = 0
        for v in range(u, min(u + 8, len(units))):
            a, b, _ = units[v]
            if v > u and "\n\n" in text[units[v - 1][1] : a]:
                breaks += 1
                if breaks > 1:
                    return None
            start = after if v == u else 0
            sentence = text[a:b]
            found = []
            for name in searcher.unit_names[v]:
                m = patterns[name][2].search(sentence, start)
                if m and gender_of.get(name) == gender and not _spoken(text, a + m.start()):
                    found.append((m.start(), name))  # named by the narration, not in talk of others
            if found:
                name = min(found)[1]
                return name if self.first.get(name, u) >= u else None
        return None

    def asked(self, question: str, resolve, characters) -> Asked | None:
        """What ``question`` asks of this knowledge, if anything; ``resolve`` turns a typed name
        into a character's canonical one (or None); ``characters`` are those the reader knows
        (the most named is the main one)."""
        if _SETTING_AT_START.search(question):
            return Asked("setting", feature="start")
        if _SETTING.search(question):
            return Asked("setting")
        if _MAIN.search(question) and characters:
            return Asked("main", max(characters, key=lambda c: c.mentions).name)
        m = _SPOUSE_ASKED.match(question)
        if m:
            who = resolve(m.group("who") or m.group("who2") or m.group("who3") or "") or _owner(m.group("owner") or "", resolve)
            if who:
                order = "first" if _FIRST_ASKED.search(question) else "last" if _LAST_ASKED.search(question) else "most"
                return Asked("spouse", who, m.group("other") and resolve(m.group("other")), feature=order)
        m = _TO.match(question)
        if m:
            who, other = resolve(m.group("who") or m.group("who2")), resolve(m.group("other") or m.group("other2"))
            if who:
                return Asked("relation", who, other)
        m = _WEARING.search(question)
        if m and resolve(m.group("who")):
            return Asked("clothing", resolve(m.group("who")))
        m = _FULLNAME_ASKED.search(question)
        if m:
            # "what is klaus's surname", "whats the full name of the doctor"
            after = re.findall(r"[\w’'-]+", question[m.end() :])
            who = _owner(question[: m.start()], resolve) or (
                after and after[0].lower() == "of" and _owner(" ".join(after[1:4]), resolve))
            if who:
                return Asked("fullname", who)
        m = _FEATURE_ASKED.search(question)
        if m and not _WEARING.search(question):
            # "what colour are carolines eyes", "how was klaus's hair described"
            who = _owner(question[: m.start("feature")], resolve)
            if who:
                return Asked("appearance", who, feature=_singular(m.group("feature").lower()))
        m = _LOOKS.search(question)
        if m:
            who = resolve(next(g for g in m.groups() if g))
            if who:
                return Asked("appearance", who)
        m = _WHO_IS.match(question)
        if m:
            who = resolve(m.group("who"))
            if who:
                return Asked("identity", who)
        return None

    def windows(self, asked: Asked, limit: int) -> list[int]:
        """The windows that answer ``asked``, best first, all before window ``limit`` (the
        reader's horizon)."""
        if asked.kind == "setting" and asked.feature == "start":
            found = self.opening
        elif asked.kind == "setting":
            # The most-used place, where the story first names it, then the next places.
            found = [u for p in self.places[:3] for u in self.place_units[p][:2]]
        elif asked.kind == "appearance":
            # Those that name their owner first (a "his" may be anyone's), then the first that
            # describes them in two words or more ("his tall, spare figure": a portrait, where
            # "her luminous eyes fixed on her nurse's wrinkled face" has many features, most of
            # them another's), then the rest by how many features they name.
            def order(u: int) -> tuple:
                portrait = self.fullness.get((asked.who, u), 0) >= 2
                return (asked.who, u) not in self.named_looks, not portrait, 0 if portrait else -self.features.get(u, 0), u

            found = sorted(self.appearance.get(asked.who, []), key=order)
            if asked.feature:  # only those that describe it
                found = [u for u in found if asked.feature in self.described.get(u, ())]
        elif asked.kind == "clothing":
            # What they wear: their descriptions that name a garment, in story order.
            found = [u for u in self.appearance.get(asked.who, []) if u in self.garments]
        elif asked.kind == "relation":
            # Their ties first, those that name the other person before the rest, then those that
            # name one of the other's family ("the only child of Mrs. Bates's youngest daughter"
            # says how Jane Fairfax is Miss Bates's niece).
            mine = list(dict.fromkeys(self.relation.get(asked.who, []) + self.identity.get(asked.who, [])))
            family = _surname(asked.other)
            found = sorted(mine, key=lambda u: (asked.other not in self.names[u],
                                                not (family and any(_surname(n) == family for n in self.names[u] if n != asked.who)),
                                                -self.tie.get((asked.who, u), 0)))
        elif asked.kind == "spouse":
            # The sentences that say whom they married: the one asked about first, else the one
            # said most often (or first, or last: "who was his first wife", "who does she end up
            # marrying").
            found = [u for other, said in sorted(self.marriages.spouses(asked.who, limit, asked.feature or "most"),
                                                 key=lambda s: s[0] != asked.other) for u in said] \
                or self.marriages.unnamed.get(asked.who, [])  # else "Lise, young Bolkónski's wife"
        elif asked.kind == "fullname":
            # Where the story gives their full name, in story order.
            found = self.fullname.get(asked.who, [])
        elif asked.kind == "main":
            # Where the narration first names them (a book opens on its hero), then who they are.
            first = self.introduced.get(asked.who, self.first.get(asked.who))
            found = [first] + self.identity.get(asked.who, [])[:2] if first is not None else []
        else:
            found = self.identity.get(asked.who, []) + self.relation.get(asked.who, [])
        return list(dict.fromkeys(u for u in found if u < limit))


def _topics(topic: dict[str, str | None], sentence: str, named: set[str], patterns: dict,
            gender_of: dict[str, str | None]) -> None:
    """Keep, per gender, whom the narration is about (centering's backward-looking centre): a
    sentence that opens on someone's name makes them the topic for their gender; one that opens
    on "he" or "she" keeps that gender's topic; any other sentence that names another person of
    a gender (not as "Mrs. Goddard's") leaves it unknown."""
    rest = sentence[len(SENTENCE_OPENING.match(sentence).group()) :]
    first = rest.split(None, 1)[0].lower() if rest.strip() else ""
    keep = {"he": "male", "she": "female"}.get(first)

    def opens(name: str) -> bool:
        m = patterns[name][2].match(rest)
        return bool(m) and not m.group().endswith(("'s", "’s"))

    # The one the sentence opens on first: another of that gender it names then leaves the topic
    # unknown ("Mr. Bennet indeed said little; but ... Mr. Collins seemed neither in need of
    # encouragement": the "he" after it is read as the last one named). In this order every run
    # (``named`` is a set).
    for name in sorted(named, key=lambda n: (not opens(n), n)):
        g = gender_of.get(name)
        if not g or g == keep:
            continue
        if opens(name):
            topic[g] = name
        elif topic.get(g) != name and any(not x.group().endswith(("'s", "’s")) for x in patterns[name][2].finditer(sentence)):
            topic[g] = None


class _Speakers:
    """Who speaks in the paragraph around a place in the text: the one speaker of a gender
    there, or None (none, or more than one)."""

    def __init__(self, ix, gender_of: dict[str, str | None]) -> None:
        self.text, self.gender_of = ix.text, gender_of
        self.lines = [(d.start, d.speaker) for d in ix.dialogue if d.speaker]
        self.starts = [start for start, _ in self.lines]

    def __call__(self, at: int, gender: str) -> str | None:
        lo = self.text.rfind("\n\n", 0, at) + 1
        hi = self.text.find("\n\n", at)
        hi = len(self.text) if hi < 0 else hi
        i, j = bisect.bisect_left(self.starts, lo), bisect.bisect_left(self.starts, hi)
        found = {who for _, who in self.lines[i:j] if self.gender_of.get(who) == gender}
        return found.pop() if len(found) == 1 else None


class _SaidTo:
    """Whether a name in a sentence is said to its bearer, in speech ("Lydia, my love, though you
    are the youngest"; "You see, Watson, our little deductions"; "Rose, my dear!"): that says
    nothing of who they are. A name set off by a comma or a dash is said to them when they are
    there: they speak, or another line is spoken to them, within three lines of it (someone not
    there is spoken of: "the well-known adventuress, Irene Adler."); unless a tie comes first,
    after "is" or before "who" ("This is my friend and colleague, Dr. Watson."; "my cousin, Mr.
    Collins, who, when I am dead")."""

    _TIE = re.compile(rf"(?P<copula>\b(?:is|was)\s+)?\b(?:the|a|an|my|his|her|our|their|your)\s+(?:[\w-]+\s+){{0,2}}"
                      rf"(?:{_RELATION})s?,\s*$")
    _ENDEARMENT = re.compile(r",\s*my\s+(?:own\s+)?(?:dear|dearest|love|darling|boy|girl|child|lad|good)\b")

    def __init__(self, ix) -> None:
        self.lines = [(d.start, d.end, d.speaker, d.addressee) for d in ix.dialogue]
        self.starts = [start for start, *_ in self.lines]

    def __call__(self, sentence: str, start: int, end: int, offset: int, name: str) -> bool:
        i = bisect.bisect_right(self.starts, offset + start) - 1
        if i < 0 or offset + start >= self.lines[i][1]:
            return False  # narration
        before, after = sentence[:start].rstrip(), sentence[end:].lstrip()
        if after[:1] in ("!", "?") or self._ENDEARMENT.match(after):
            return True
        if not (before.endswith((",", "!", "?", "—")) and after[:1] in (",", ".", ";", "—", "")):
            return False
        tie = self._TIE.search(before)
        if tie and (tie.group("copula") or re.match(r",\s+(?:who|whom|whose)\b", after)):
            return False
        return any(line[2] == name or (line[3] == name and k != i)  # they are there
                   for k, line in enumerate(self.lines[max(0, i - 3) : i + 4], start=max(0, i - 3)))


_MATE = rf"(?:{'|'.join(sorted(SPOUSE_WORDS))})"
_MATE_MOD = rf"(?:(?!(?:{'|'.join(sorted(NOT_YET_WED))})\b)[\w-]+\s+)?"  # "his late wife", not "his future wife"
_POSSESSIVE = r"(?:'s|’s)"
_WEDDING_TO = r"(?:wedding|marriage)\s+(?:to|with)"
# Between two names, the text that says the first is married to the second: "Natásha's wedding
# to Bezúkhov", "Pierre's wife, Hélène", "Nicholas married Princess Mary", "Irene Adler, the wife
# of Godfrey Norton".
_WED_BETWEEN = re.compile(rf"{_POSSESSIVE}\s+{_MATE_MOD}(?:{_WEDDING_TO}|{_MATE},?)\s+|"
                          r"\s+(?:(?:had|has|have|was|is|were|got)\s+)?(?:been\s+)?(?:\w+ly\s+)?(?:married|wedded)\s+(?:to\s+)?|"
                          rf",\s+the\s+{_MATE_MOD}{_MATE}\s+of\s+")
# Or, with what follows the second: "Hélène, Pierre's wife", "she became his wife"; "Rose and
# Harry were married".
_WED_AFTER = [(re.compile(r",\s+|\s+(?:became|was|is)\s+"), re.compile(rf"{_POSSESSIVE}\s+{_MATE_MOD}{_MATE}\b")),
              (re.compile(r"\s+and\s+"), re.compile(r"\s+(?:were|had\s+been|have\s+been|got)\s+(?:\w+ly\s+)?married\b"))]
# Or what comes before both: "the marriage of Jane and Bingley".
_WED_OF = (re.compile(r"\b(?:marriage|wedding)\s+of\s+$"), re.compile(r"\s+(?:and|with|to)\s+"))
# Or before the second alone, whose "his" or "her" is the first: "his wife, Mrs. Pontellier".
_WED_OWN = re.compile(rf"\b(?P<own>[Hh]is|[Hh]er)\s+{_MATE_MOD}(?:{_WEDDING_TO}|{_MATE},?)\s+$")
_WED_WORD = re.compile(rf"marri|wedd|\b(?:wed|{_MATE})\b", re.IGNORECASE)
_WED_STEMS = ("marri", "wedd", "wed", *SPOUSE_WORDS)
# Where _WED_WORD may match: one of their first letters, either case, then one of their rests.
_WED_HINT = re.compile(rf"[{''.join(sorted({w[0] + w[0].upper() for w in _WED_STEMS}))}]"
                       rf"(?:{'|'.join(sorted({re.escape(w[1:]) for w in _WED_STEMS}))})")


# Someone's spouse, after their name or before it: "Bolkónski's wife", "the wife of Mr. Rucastle".
_SPOUSE_OF = re.compile(rf"{_POSSESSIVE}\s+{_MATE_MOD}{_MATE}\b")
_TO_BE = re.compile(r"\b(?:be|become)\s+(?:the\s+)?$")  # "to be X's wife", "will you be X's wife"
_CLAUSE_END = re.compile(r"[.?!;]")
_SPOUSE_BEFORE = re.compile(rf"\bthe\s+{_MATE_MOD}{_MATE}\s+of\s+$")
# A married couple by their titles: "Mr. and Mrs. Weston", "Mr. and Mrs. John Knightley".
_COUPLE = re.compile(r"\bMr\.?\s+and\s+Mrs\.?\s+(?P<name>[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+)?)")


class _Marriages:
    """Who is married to whom, read from the sentences that say it of two people by name (see
    _WED_BETWEEN) or call them "Mr. and Mrs. X": per character, (spouse, window, how plainly) in
    story order. A hope or a plan is no marriage ("his firm resolve to make her his wife", "his
    future wife")."""

    def __init__(self, characters) -> None:
        self.of: dict[str, list[tuple[str, int, int]]] = {}  # spouse, window, how plainly (2 by name, 1 else)
        # Where someone's spouse is spoken of by no character's name: "Lise, young Bolkónski's
        # wife" (the story knows no Lise), "the wife of Mr. Rucastle".
        self.unnamed: dict[str, list[int]] = {}
        # Who each "mr x" and "mrs x" is (a form two characters share is no one's).
        owners: dict[str, set[str]] = {}
        for c in characters:
            for form in {c.name, *c.aliases}:
                owners.setdefault(" ".join(form.replace(".", " ").lower().split()), set()).add(c.name)
        self.titled = {form: next(iter(names)) for form, names in owners.items()
                       if len(names) == 1 and form.startswith(("mr ", "mrs "))}

    def couples(self, u: int, sentence: str) -> None:
        """Window ``u``'s "Mr. and Mrs. X", when the story has both a Mr. X and a Mrs. X (the whole
        name first: "Mr. and Mrs. John Knightley" are not Mr. Knightley and his brother's wife)."""
        for m in _COUPLE.finditer(sentence):
            words = m.group("name").lower().split()
            for name in (" ".join(words), words[0]):
                man, woman = self.titled.get(f"mr {name}"), self.titled.get(f"mrs {name}")
                if man and woman:
                    self._add(man, woman, u, 1)  # a couple, not what made them one
                    break

    def read(self, u: int, sentence: str, mentions: list[tuple[int, int, str]], own) -> None:
        """Window ``u``'s sentence, its characters' names where they stand (start, end, name; in
        order) and ``own(pronoun, at)``: whom a "his" or "her" at ``at`` means (or None), and
        whether the sentence names them. The sentence has a word of marriage (_WED_WORD)."""
        found: dict[tuple[str | None, str], int] = {}  # two people and how plainly: 2 by name, 1 by "his"
        for i, (s1, e1, x) in enumerate(mentions):
            if _SPOUSE_OF.match(sentence, e1) or _SPOUSE_BEFORE.search(sentence, max(0, s1 - 30), s1):
                # Not a hope or a question: "Do you wish or not to be Prince Anatole Kurágin's wife?"
                end = _CLAUSE_END.search(sentence, e1)
                if not _TO_BE.search(sentence, max(0, s1 - 40), s1) and not (end and end.group() == "?"):
                    self.unnamed.setdefault(x, []).append(u)
            mine = _WED_OWN.search(sentence, max(0, s1 - 60), s1)
            if mine:
                # "his wife Hélène"; "his wife, Mrs. Pontellier," when "his" is a man of the
                # sentence before (not "After his interview with his wife Pierre left").
                owner, near = own(mine.group("own").lower(), mine.start())
                if near or (mine.group().rstrip().endswith(",") and sentence[e1 : e1 + 1] in (",", ".", ";", "")):
                    found[owner, x] = max(found.get((owner, x), 0), 1)
            for s2, e2, y in mentions[i + 1 :]:
                between = sentence[e1:s2]
                if len(between) > 60:
                    break
                if _WED_BETWEEN.fullmatch(between) \
                        or any(b.fullmatch(between) and a.match(sentence, e2) for b, a in _WED_AFTER) \
                        or (_WED_OF[0].search(sentence, max(0, s1 - 20), s1) and _WED_OF[1].fullmatch(between)):
                    found[x, y] = 2
        for (x, y), strength in found.items():
            if x and y:
                self._add(x, y, u, strength)

    def _add(self, x: str, y: str, u: int, strength: int) -> None:
        if x != y:
            self.of.setdefault(x, []).append((y, u, strength))
            self.of.setdefault(y, []).append((x, u, strength))

    def spouses(self, who: str, limit: int, order: str = "most") -> list[tuple[str, list[int]]]:
        """Whom ``who`` is said to marry before window ``limit``, each with the windows that say
        so, the plainest first: the spouse most plainly and often said first (``order`` "first":
        the first married first; "last": the last)."""
        by: dict[str, list[tuple[int, int]]] = {}
        said: Counter = Counter()
        for other, u, strength in self.of.get(who, []):
            if u < limit:
                by.setdefault(other, []).append((u, strength))
                said[other] += strength
        key = {"first": lambda o: by[o][0][0], "last": lambda o: -by[o][-1][0]}.get(
            order, lambda o: (-said[o], by[o][0][0]))
        return [(o, [u for u, _ in sorted(by[o], key=lambda x: (-x[1], x[0]))]) for o in sorted(by, key=key)]


def _owner(typed: str, resolve) -> str | None:
    """The character named by the last words of ``typed`` ("what colour are carolines",
    "what is klaus's"): the longest of its last three words that names one, "'s" or not."""
    found = re.findall(r"[\w’'-]+", typed)[-3:]
    for k in range(len(found)):
        words = " ".join(found[k:])
        who = resolve(words) or resolve(re.sub(r"(?:'s|’s|'|’|s)$", "", words, flags=re.IGNORECASE))
        if who:
            return who
    return None


_ADVERB_ONLY = re.compile(r"(?:\w+ly,?)?")


def _subject_with(m: re.Match[str], sentence: str) -> bool:
    """Whether a match of _WITH is the sentence's subject: after "a" or "the" ("suddenly a White
    Rabbit with pink eyes ran"), or opening the sentence (after an adverb at most: "Suddenly Mr.
    Fox with bushy red whiskers came") or a clause."""
    before = sentence[: m.start()].rstrip()
    return bool(m.group("det")) or bool(_ADVERB_ONLY.fullmatch(SENTENCE_OPENING.sub("", before, count=1))) \
        or before.endswith((",", ";", ":", "—"))


def _spoken(text: str, at: int) -> bool:
    """Whether ``at`` is inside a quotation (one opened since its paragraph began)."""
    para = text.rfind("\n\n", 0, at) + 1
    opened = text.count("“", para, at) - text.count("”", para, at)
    return opened > 0 or (opened == 0 and text.count('"', para, at) % 2 == 1)


def _fullness(m: re.Match[str], sentence: str) -> int:
    """How many words describe: between owner and feature ("his tall, spare figure": 2), or the
    build words of "she was short, plump, and fair" (3)."""
    if m.re is _WITH:  # "a White Rabbit with pink eyes": 1
        return len(re.findall(r"[\w-]+", re.split(r"\s+with\s+", m.group(), maxsplit=1)[1])) - 1
    if m.re is _BUILT:
        clause = re.split(r"[.;:!?]", sentence[m.start() :], maxsplit=1)[0]
        return sum(w in BUILD_WORDS for w in re.findall(r"[\w-]+", clause.lower()))
    return len([w for w in re.findall(r"[\w-]+", m.group())[1:-1] if w.lower() not in ("and", "s")])


def _singular(word: str) -> str:
    """A feature as asked about: "eyes" -> "eye", "curls" -> "hair"."""
    word = word[:-1] if word.endswith("s") and not word.endswith("ss") else word
    return SAME_FEATURE.get(word, word)


def _surname(name: str | None) -> str | None:
    """The last word of a full name ("Miss Bates", "Jane Fairfax"); None for one word."""
    parts = (name or "").split()
    return parts[-1] if len(parts) > 1 else None


def _mentions(patterns: dict, sentence: str, named: set[str]) -> list[tuple[int, int, str]]:
    """Where ``sentence`` names its characters by name (start, end, name; in order, none inside
    another: "Countess Bezúkhova" is not also "Bezúkhov")."""
    found = sorted(((m.start(), -m.end(), n) for n in named if patterns[n][3] for m in patterns[n][3].finditer(sentence)))
    out: list[tuple[int, int, str]] = []
    for start, end, name in found:
        if not out or start >= out[-1][1]:
            out.append((start, -end, name))
    return out


def _antecedent(patterns: dict, pronoun: str, before: str, named: set[str], previous: tuple[str, set[str]],
                by_gender: dict[str, set[str]]) -> tuple[str | None, bool]:
    """Whom a "his" or "her" means, and whether it is named in the same sentence: the last of
    that gender named before it in its sentence, else in the sentence before (None when it
    cannot tell)."""
    own = by_gender.get("male" if pronoun == "his" else "female", set())
    near = _last_named(patterns, before, named & own)
    mine = near or _last_named(patterns, previous[0], previous[1] & own)
    return (next(iter(mine)) if len(mine) == 1 else None), bool(near)


def _last_named(patterns: dict, text: str, names: set[str]) -> set[str]:
    """Of ``names``, the one named last in ``text`` (as a set of one, or empty)."""
    last = {n: max(x.start() for x in patterns[n][2].finditer(text)) for n in names if patterns[n][2].search(text)}
    return {max(last, key=lambda n: (last[n], n))} if last else set()


# Capitalised words after "in"/"at" that are no place: days, months, titles, words of address.
_NOT_PLACES = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january", "february",
               "march", "april", "may", "june", "july", "august", "september", "october", "november", "december",
               "god", "heaven", "english", "french", "german", "russian", "latin", "i", "chapter", "book", "part",
               "christmas", "easter", "mr", "mrs", "miss", "sir", "lord", "lady", "prince", "princess", "count",
               "countess", "emperor", "empress", "tsar", "czar", "king", "queen", "general", "colonel", "captain",
               "doctor", "the", "a", "an", "his", "her", "their", "this", "that", "it", "one"}


# A tie in a few words ("son", "old friend", "dear little sister") and who it may be of.
_TIE = rf"(?:[\w-]+\s+){{0,2}}?(?:{_RELATION})s?\b"
_TIE_OWNER = r"(?:his|her|their|my|our|[A-Z][\w.]*(?:'s|’s))"
_TIE_BEFORE = re.compile(rf"\b{_TIE_OWNER}\s+{_TIE},?\s+$|\b(?:{_RELATION})s?\s+(?:of|to)\s+$")  # "his son, " / "the wife of "
_TIE_AFTER_OWNER = re.compile(rf"\s+{_TIE}")  # after "Miss Bates's": " niece"
_TIE_APPOSED = re.compile(rf",\s+(?:the\s+|{_TIE_OWNER}\s+){_TIE}")  # after "Mr. Wickham": ", his friend"
_TIE_LATER = {own: re.compile(rf"[^.;!?“”\"]{{0,120}}?\b(?:{own})\s+{_TIE}") for own in ("his", "her", "his|her")}


def _tie(sentence: str, name: re.Pattern[str], own: str) -> int:
    """How plainly ``sentence`` ties the person ``name`` matches to another: 2 when it says
    whose tie it is ("his son, Mr. James McCarthy", "his friend Borís", "young Bolkónski's wife",
    "Miss Bates's niece", "Mr. Wickham, his friend", "the wife of Mr. Weston"); 1 for "his" or
    "her" (``own``) and a tie after the name in the same narration ("Lydia was a stout,
    well-grown girl ...; a favourite with her mother"); 0 when its "his mother" may be anyone's
    ("Holmes looked impatiently at his gigantic client"). One set of patterns for everyone, at
    each place the name stands."""
    best = 0
    for m in name.finditer(sentence):
        s, e = m.span()
        if (s and sentence[s - 1].isalnum()) or (e < len(sentence) and sentence[e].isalnum()):
            continue  # inside another word
        if m.group().endswith(("'s", "’s")):
            if _TIE_AFTER_OWNER.match(sentence, e):
                return 2
            e -= 2
        if _TIE_BEFORE.search(sentence, max(0, s - 80), s) or _TIE_APPOSED.match(sentence, e):
            return 2
        if _TIE_LATER[own].match(sentence, e):
            best = 1
    return best


def profile(searcher, name: str, limit: int) -> list[tuple[str, str]]:
    """What a character's profile shows of this knowledge, before window ``limit``: who they
    are, what they look like, their ties to others, whom they married (a label and the sentence
    that says it)."""
    k = searcher.knowledge
    out = []
    looks = k.windows(Asked("appearance", name), limit)  # one that names them, the first portrait, first
    # The tie said most plainly, the first of those; none when no sentence says whose tie it is.
    ties = sorted((u for u in k.relation.get(name, []) if k.tie.get((name, u), 0)), key=lambda u: -k.tie[name, u])
    married = k.windows(Asked("spouse", name), limit)  # the marriage said most plainly and often
    for label, found in (("Who", k.identity.get(name, [])), ("Looks", looks), ("Ties", ties), ("Married", married)):
        shown = [u for u in found if u < limit][:1]
        out += [(label, searcher.ix.text[searcher.units[u][0] : searcher.units[u][1]]) for u in shown]
    return out

