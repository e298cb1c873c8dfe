"""Find every line of dialogue and attribute it to its speaker.

Signals, strongest first: a speech tag next to the quote ("said Klaus", "she asked", "the
Original growled"); the paragraph's acting character ('Caroline smiled. "Yes."'); the turn-taking
of a two-person exchange. A name inside the quote is taken as the person spoken to. When nothing
tells, the speaker is None rather than a guess.
"""
from __future__ import annotations

import bisect
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, replace

from bot.core.characters import SPEECH_VERBS, TITLES, Character
from bot.core.language import LINK_WORDS, NOT_SOMEONE, NOUN_GENDER, NOUNS_IN_LY, SENTENCE_OPENING
from bot.core.segment import Paragraph
from bot.core.text import sentences


@dataclass(frozen=True, slots=True)
class Line:
    """One utterance: the words inside the quotation marks, possibly in several parts."""

    text: str
    start: int
    end: int
    spans: tuple[tuple[int, int], ...]
    paragraph: int
    speaker: int | None  # index into the character list
    how: str  # explicit, anaphoric, actor, turn, vocative-other, described, self-named, none
    addressee: int | None = None
    described: str | None = None  # "said the officer": a speaker the book only describes


# --- finding quotes -----------------------------------------------------------------------


def quote_style(text: str) -> str:
    """'double' or 'single': which marks open dialogue in this text."""
    double = text.count("“") + text.count('"')
    if double >= text.count("‘") + text.count("'"):
        return "double"  # the opening single marks counted below are fewer still
    single = len(re.findall(r"(?:^|(?<=[\s(\[—–-]))‘(?=\S)", text)) + len(
        re.findall(r"(?:^|(?<=\s))'(?=[A-Z])", text))
    return "single" if single > double else "double"


_DOUBLE_MARK = re.compile(r"[“”\"]")
_SINGLE_MARK = re.compile(r"(?:(?<=^)|(?<=[\s(\[—–\-]))[‘'](?=\S)|(?<=\S)[’'](?=$|[\s.,;:!?)\]—–\-])")


def quote_parts(text: str, start: int, end: int, style: str) -> tuple[list[tuple[int, int]], bool]:
    """Spans inside quotation marks in text[start:end]; and whether the last one is left open
    (a speech that runs on into the next paragraph)."""
    parts: list[tuple[int, int]] = []
    open_at: int | None = None
    segment = text[start:end]
    if style == "double":
        for m in _DOUBLE_MARK.finditer(segment):
            ch, pos = m.group(), m.start() + start
            if ch == "“":
                if open_at is not None and pos > open_at:
                    parts.append((open_at, pos))
                open_at = pos + 1
            elif ch == "”":
                if open_at is not None:
                    parts.append((open_at, pos))
                    open_at = None
            elif open_at is None:
                open_at = pos + 1
            else:
                parts.append((open_at, pos))
                open_at = None
    else:
        for m in _SINGLE_MARK.finditer(segment):
            ch, pos = m.group(), m.start() + start
            is_open = ch == "‘" or (ch == "'" and (pos == start or not text[pos - 1].isalnum()) and open_at is None)
            if is_open and open_at is None:
                open_at = pos + 1
            elif not is_open and open_at is not None:
                parts.append((open_at, pos))
                open_at = None
    left_open = open_at is not None
    if left_open and end > open_at:
        parts.append((open_at, end))
    parts = [(s, e) for s, e in parts if text[s:e].strip()]
    return [(s + (len(text[s:e]) - len(text[s:e].lstrip())), e - (len(text[s:e]) - len(text[s:e].rstrip()))) for s, e in parts], left_open


# --- attribution --------------------------------------------------------------------------

_VERB = rf"(?:{SPEECH_VERBS})"
_ADV = r"(?:\w+ly\s+|again\s+|then\s+|now\s+|at last\s+|at once\s+)?"
_SHORT_TITLE = {"Dr": "Doctor", "Capt": "Captain", "Col": "Colonel", "Prof": "Professor", "Mme": "Madame",
                "Mlle": "Mademoiselle", "St": "Saint", "Mister": "Mr"}


def _full_title(word: str) -> str:
    """A title as the text may spell it ("Dr.", "Capt") in its full form ("Doctor", "Captain")."""
    word = word.rstrip(".")
    return _SHORT_TITLE.get(word, word)


# Titles that are offices, not forms of address ("Doctor", "Captain"): the text may give one
# person the title only now and then ("Doctor Losberne" once, "Mr. Losberne" everywhere).
# No leading \b: re then scans for the titles' first letters (five times faster over a novel);
# a title ending a longer word is dropped where it is used.
_TITLED = re.compile(rf"({'|'.join(sorted((t for t, g in TITLES.items() if g is None), key=len, reverse=True))})\.?\s+([A-Z][\w’'-]+)")
_WORD_CHAR = re.compile(r"\w")
SUBJECT_REACH = 300  # characters before a pronoun tag in which a subject of its gender is its antecedent
_NOT_SUBJECT = re.compile(r"\b(?:to|with|of|at|for|by|from|on|upon|about|and|than)\s+$")
_SENTENCE_GAP = re.compile(r"[.!?…][”\"’)]*\s+|\n\s*\n")
_ABBREVIATION = re.compile(r"\b(?:Mr|Mrs|Ms|Dr|St|Mme|Mlle|Capt|Col|Prof|Gen|Lt|Rev)\.$")
# Titles that are also what a family calls its own ("said Mother"): the one of that family there.
_KIN_TITLES = frozenset({"Mother", "Father", "Aunt", "Uncle", "Sister", "Brother"})
_DECIDED = ("narrator", "described")  # a tag that settles who speaks even with no character for them
# Ways of finding a speaker that are right often enough to credit a line to someone on its own (a
# profile's "Says", a random quote, the who-said game): on PDNC, explicit tags 0.98 (tuning half)
# and 0.97 (measuring), the first-person narrator 1.00; by turns 0.69 / 0.81, by "he"/"she"
# 0.62 / 0.77 (python scripts/eval_speakers.py --by-method).
SURE_WAYS = frozenset({"explicit", "narrator"})


def surely_said(line: Line) -> bool:
    """Whether the speaker of ``line`` was found in a way that is almost always right."""
    return line.speaker is not None and line.how in SURE_WAYS


def thought(text: str, line: Line) -> bool:
    """Whether ``line`` is a thought, not said aloud ('"So it does," thought Pierre'; _THOUGHT,
    below, also keeps a thought's words from naming whom they are said to)."""
    return _THOUGHT.match(text, line.end, line.end + 40) is not None


_PRONOUN_SUBJ = {"he": "male", "she": "female", "i": "narrator"}
# "said her mother": the one of the possessor's family (their surname) with this title and gender.
# (A sister or a son is too often named without the surname for one match to be the one.)
_KIN = {"mother": "Mrs", "wife": "Mrs", "father": "Mr", "husband": "Mr", "lady": "Mrs",  # "said his lady"
        "mamma": "Mrs", "mama": "Mrs", "papa": "Mr"}
# "the undertaker's wife" ("Daisy s mamma": some texts lost their apostrophes)
_OWNED_KIN = re.compile(r"(?:[’']|\s)s\s+(" + "|".join(_KIN) + r")\b", re.IGNORECASE)
_EPITHET = (r"(?:[Tt]he|[Hh]is|[Hh]er|[Mm]y|[Oo]ur|[Tt]heir)\s+(?:[a-z]+\s+){0,2}?(" + "|".join(NOUN_GENDER) + r")\b"
            r"|(?:[Tt]he|[Aa])\s+(?:[a-z-]+\s+|[A-Z][a-z-]+\s+(?=[A-Z]))?(?!(?:in|with|of)\b)[A-Za-z-]+"
            r"(?:\s+(?:in|with|of)\s+the\s+(?:[a-z-]+\s+)?[a-z-]+)?")
_SPEECH_WORDS = set(SPEECH_VERBS.replace("(", "").replace(")", "").replace("?", "").split("|")) | {
    "again", "then", "now", "once"}
# A name is capitalised even where the rest of a tag is matched in any case ("Said he", "and thought" is no tag).
_NAME = r"(?-i:[A-Z][\w.’']*(?:\s+[A-Z][\w’']*)*)"
_AFTER_VERB_FIRST = re.compile(rf"^[\s,;:—–-]*{_ADV}{_VERB}\s+{_ADV}(?P<subj>{_NAME}|he\b|she\b|I\b|{_EPITHET})", re.IGNORECASE)
_AFTER_SUBJ_FIRST = re.compile(rf"^[\s,;:—–-]*(?P<subj>{_NAME}|he|she|I|{_EPITHET})\s+{_ADV}{_VERB}\b", re.IGNORECASE)
_BEFORE = re.compile(rf"(?P<subj>[A-Z][\w.’']*(?:\s+[A-Z][\w’']*)*|\b[Hh]e|\b[Ss]he|\bI|{_EPITHET})\s+{_ADV}{_VERB}\b[^.!?“”\"]{{0,60}}[,:]?\s*$")
_ACTOR = re.compile(r"(?:^|(?<=[.!?]\s)|(?<=[.!?][”\"’]\s))\s*(?P<subj>[A-Z][\w’']+(?:\s+[A-Z][\w’']+)*|He|She)(?:['’]s?\s+\w+)?\s+(?:\w+ly\s+)?[a-z]+(?:ed|s)?\b")


class _Attributor:
    def __init__(self, text: str, characters: list[Character], mentions: list[tuple[int, int, int]],
                 narration: list[tuple[int, int, int]]):
        self.text = text
        self.characters = characters
        self.mentions = mentions
        self.mention_starts = [m[0] for m in mentions]
        # Pronouns refer back to people named in narration, not to names spoken in quotes.
        self.narration = narration
        self.narration_starts = [m[0] for m in narration]
        self.genders = [c.gender for c in characters]
        self.narrator: int | None = None
        # The exchange so far: its last speakers, the one last spoken to, and whether the
        # utterance being attributed opens a new paragraph.
        self.exchange: tuple[list[int | None], int | None, bool] = ([], None, False)
        self.bearers: dict[str, int | None] = {}
        self.tag_gender: str | None = None  # the sex a tag's description gives ("said the old lady")
        self.tag_phrase: str | None = None
        self.last_quote_end = 0  # where the last utterance ended: narration after it sets the scene
        self.titled: dict[str, set[str]] | None = None
        self.titles_borne: dict[str, set[int]] | None = None  # see _named_with

    def mention_at(self, pos: int, end: int) -> int | None:
        """The character mentioned in text[pos:end], if one mention starts there."""
        i = bisect.bisect_left(self.mention_starts, pos)
        if i < len(self.mentions) and self.mentions[i][0] < end:
            return self.mentions[i][2]
        return None

    def mentions_in(self, start: int, end: int) -> list[tuple[int, int, int]]:
        i = bisect.bisect_left(self.mention_starts, start)
        j = bisect.bisect_left(self.mention_starts, end)
        return self.mentions[i:j]

    def can_be_subject(self, ms: int, me: int) -> bool:
        """Whether the name at text[ms:me] can be a clause's subject: not "to Harriet", "with
        Harriet" or "Harriet's"."""
        return self.text[me : me + 2] not in ("'s", "’s") and not _NOT_SUBJECT.search(self.text[max(0, ms - 8) : ms])

    def subjects_in(self, start: int, end: int) -> list[tuple[int, int, int]]:
        return [m for m in self.mentions_in(start, end) if self.can_be_subject(m[0], m[1])]

    def recent(self, before: int, gender: str | None, exclude: set[int], horizon: int = 3000) -> int | None:
        """The character of ``gender`` named most recently before ``before``: in narration
        first, else anywhere (a name only spoken so far still counts)."""
        fallback = None
        for mentions, starts in ((self.narration, self.narration_starts), (self.mentions, self.mention_starts)):
            i = bisect.bisect_left(starts, before) - 1
            while i >= 0 and mentions[i][0] > before - horizon:
                c = mentions[i][2]
                if c not in exclude:
                    g = self.genders[c]
                    if gender is None or g == gender:
                        return c
                    if g is None and fallback is None:
                        fallback = c
                i -= 1
        return fallback

    def bearer(self, title: str) -> int | None:
        """The one character the book gives ``title`` to ("Doctor Losberne", "Dr. Watson"):
        by their names, else by the names the text puts after the title anywhere."""
        title = _full_title(title)
        if title not in self.bearers:
            found = set(self._named_with().get(title, ()))
            if not found and TITLES.get(title, "") is None:
                if self.titled is None:  # one pass over the text: every title and the name after it
                    self.titled = {}
                    for m in _TITLED.finditer(self.text):
                        if not _WORD_CHAR.match(self.text, m.start() - 1, m.start()):
                            self.titled.setdefault(_full_title(m.group(1)), set()).add(m.group(2))
                surnames = {a.split()[-1]: i for i, c in enumerate(self.characters) for a in c.aliases if " " in a}
                found = {surnames[w] for w in self.titled.get(title, ()) if w in surnames}
            self.bearers[title] = found.pop() if len(found) == 1 else None
        return self.bearers[title]

    def borne(self, title: str) -> bool:
        """Whether any character's names begin with ``title`` ("Madame Ratignolle")."""
        return _full_title(title) in self._named_with()

    def _named_with(self) -> dict[str, set[int]]:
        """Each title the characters' names begin with, and whose names they are (once)."""
        if self.titles_borne is None:
            self.titles_borne = {}
            for i, c in enumerate(self.characters):
                for a in c.aliases:
                    if " " in a:
                        self.titles_borne.setdefault(_full_title(a.split()[0]), set()).add(i)
        return self.titles_borne

    def relative(self, kin: str, owner_gender: str | None, before: int, exclude: set[int]) -> int | None:
        """Who "her mother" or "his wife" is: the owner is the last speaker, the one spoken to or
        the one before (whoever fits "his" or "her"), or the one last named, even when the quote
        speaks to them ("My dear Mr. Bennet," replied his wife), and the relative the one other character
        of the owner's surname, of the kin's gender and title ("Mrs" for a mother or a wife)."""
        last, addressee, _ = self.exchange
        owners = [c for c in (last[-1] if last else None, addressee, last[-2] if len(last) > 1 else None,
                              self.recent(before, owner_gender, set())) if c is not None and c >= 0]
        for owner in dict.fromkeys(owners):
            if owner_gender is not None and self.genders[owner] != owner_gender:
                continue  # "their father": anyone's
            found = self.kin_of(owner, kin, exclude)
            if len(found) == 1:
                return found[0]
            if found:
                return None
        return None

    def kin_of(self, owner: int, kin: str, exclude: set[int]) -> list[int]:
        """The characters who could be ``owner``'s ``kin`` ("wife"): of the owner's surname, and
        of the kin's sex and title ("Mrs" for a wife or a mother)."""
        title, gender = _KIN[kin], NOUN_GENDER[kin]
        surnames = {a.split()[-1] for a in [self.characters[owner].name, *self.characters[owner].aliases] if " " in a}
        return [i for i, c in enumerate(self.characters)
                if i != owner and i not in exclude and self.genders[i] == gender
                and any(" " in a and a.split()[-1] in surnames and a.split()[0].rstrip(".") == title
                        for a in [c.name, *c.aliases])]

    def pronoun(self, before: int, gender: str, exclude: set[int]) -> int | None:
        """Who "he" or "she" in a speech tag is: in a new paragraph, the one the last speaker
        spoke to when the pronoun fits them; else the last person of that gender named in the
        sentences just before as a subject (not "Harriet's", not "to Harriet"); else the
        person of that gender named last."""
        last, addressee, new_paragraph = self.exchange
        prev = last[-1] if last else None
        if (new_paragraph and addressee is not None and addressee != prev and addressee not in exclude
                and self.genders[addressee] == gender and not self.named_since_talk(before, gender, exclude)):
            return addressee
        if new_paragraph and not self.named_since_talk(before, gender, exclude):
            talkers = {c for c in last[-4:] if c is not None and c >= 0 and c not in exclude and self.genders[c] == gender}
            if len(talkers) == 1:
                # '"Why will not you write one yourself for us, Mr. Elton?" said she': the one
                # woman of the talk, not the woman the narration named last.
                return talkers.pop()
        reach = before - SUBJECT_REACH
        i = bisect.bisect_left(self.narration_starts, before) - 1
        while i >= 0 and self.narration[i][0] > reach:
            ms, me, c = self.narration[i]
            head, pronoun = self.sentence_head(ms)
            if pronoun == gender and ms > head:
                # "She took the earrings and gave them to Natásha.": the sentence is about whom
                # "she" is, so the search goes on before it, as far again.
                reach = min(reach, head - SUBJECT_REACH)
            elif c not in exclude and self.genders[c] == gender and self.can_be_subject(ms, me):
                first = self.mention_at(head, head + 1)
                if (first is not None and first != c and first not in exclude and self.genders[first] == gender
                        and self.can_be_subject(head, ms) and not _OPENS_CLAUSE.search(self.text, head, ms)):
                    return first  # "Márya Dmítrievna called Natásha a Cossack": the sentence's subject
                return c
            i -= 1
        return self.recent(before, gender, exclude)

    def named_since_talk(self, before: int, gender: str, exclude: set[int]) -> bool:
        """Whether the narration since the last utterance names, as a subject, someone of
        ``gender`` ("And even Mary could assure her family that she had no disinclination for
        it. / 'While I can have my mornings to myself,' said she"): "she" is then theirs, not
        the one last spoken to."""
        i = bisect.bisect_left(self.narration_starts, before) - 1
        while i >= 0 and self.narration[i][0] >= self.last_quote_end:
            ms, me, c = self.narration[i]
            if c not in exclude and self.genders[c] == gender and self.can_be_subject(ms, me):
                return True
            i -= 1
        return False

    def sentence_head(self, pos: int) -> tuple[int, str | None]:
        """Where the sentence holding ``pos`` starts its first word, and the gender of that word
        when it is "he" or "she"."""
        window = self.text[max(0, pos - 600) : pos]
        start = 0
        for m in _SENTENCE_GAP.finditer(window):
            if not _ABBREVIATION.search(window, max(0, m.start() - 5), m.start() + 1):  # "Capt." at most
                start = m.end()
        head = max(0, pos - 600) + SENTENCE_OPENING.match(window, start).end()
        word = (self.text[head : head + 4].split(None, 1) or [""])[0].lower().strip(",;")
        return head, _PRONOUN_SUBJ[word] if word in ("he", "she") else None

    def _not_last(self, exclude: set[int]) -> set[int]:
        """``exclude`` and, in a new paragraph, the last speaker: '"I never heard the name," said
        Rose. / "Then he goes by some other," rejoined the girl': one called by a description in
        the next paragraph is someone else."""
        last, _, new_paragraph = self.exchange
        return exclude | {last[-1]} if new_paragraph and last and last[-1] is not None else exclude

    def subject(self, match: re.Match[str], quote_pos: int, exclude: set[int]) -> tuple[int | None, str, str | None]:
        """Who the subject of a speech tag is: (character, how, description). A description
        the book never ties to a name ("said the officer") is the speaker as it stands."""
        subj = match.group("subj")
        s = match.start("subj")
        word = subj.lower()
        if word in _PRONOUN_SUBJ:
            if word == "i":
                return self.narrator, "narrator", None
            return self.pronoun(quote_pos, _PRONOUN_SUBJ[word], exclude), "anaphoric", None
        c = self.mention_at(s, match.end("subj") + 1)
        if c is not None and word.split()[0] in ("a", "an") and len(word.split()) > 1:
            # "cried a young Lucas who came with his sisters": one of that family, not the one named so
            return None, "described", " ".join(subj.split())
        if c is not None:
            end = match.end("subj")
            kin = _OWNED_KIN.match(self.text, end - 2 if self.text[end - 2 : end] in ("'s", "’s", " s") else end)
            if kin:  # "said the undertaker's wife": not the undertaker
                found = self.kin_of(c, kin.group(1).lower(), exclude)
                return (found[0], "explicit", None) if len(found) == 1 else (None, "unknown", None)
            return c, "explicit", None
        if subj.split()[0].lower() == "the":
            after = match.end("subj") + 1 if self.text[match.end("subj") : match.end("subj") + 1] == " " else -1
            named = self.mention_at(after, after + 1) if after > 0 else None
            if named is not None:
                return named, "explicit", None  # '"Well," said the still waiting Harriet'
        epithet = re.search(_EPITHET, subj, re.IGNORECASE) if subj[:1].islower() or subj.split()[0].lower() in ("the", "his", "her", "my", "our", "their") else None
        if epithet and epithet.group(1):
            noun, owner = epithet.group(1).lower(), subj.split()[0].lower()
            if noun in _KIN and owner in ("his", "her", "their") and not (noun == "lady" and owner in ("her", "their")):  # her lady: her mistress
                relative = self.relative(noun, {"his": "male", "her": "female"}.get(owner), quote_pos, exclude)
                if relative is not None:
                    return relative, "anaphoric", None
            self.tag_gender, self.tag_phrase = NOUN_GENDER[epithet.group(1).lower()], " ".join(subj.split())
            return self.recent(quote_pos, self.tag_gender, self._not_last(exclude)), "anaphoric", None
        words = subj.split()
        title = words[-1 if words[0].lower() == "the" and len(words) == 2 else 0].rstrip(".")
        if words[0].lower() == "the" and len(words) == 2:
            title = title.capitalize()  # "said the doctor"
        if title in TITLES and (len(words) == 1 or words[0].lower() == "the"):
            # A title alone ("said Mademoiselle", "the Doctor") means the one person who bears it.
            bearer = self.bearer(title)
            if bearer is not None:
                return bearer, "explicit", None
        if title in TITLES and TITLES[title]:
            if len(words) == 1 and title not in _KIN_TITLES and not self.borne(title):
                # "said Madame" where no one in the book is Madame anyone: a person of her own
                # (the Gift of the Magi's hair buyer), not the last woman who spoke.
                said = subj.strip()
                return None, "described", said[:-1] if said.endswith(".") and len(said) > 4 else said
            return self.recent(quote_pos, TITLES[title], self._not_last(exclude)), "anaphoric", None
        whole = re.match(_EPITHET, self.text[s : s + 120], re.IGNORECASE) if words[0].lower() in ("the", "a", "an") else None
        before = self.text[max(0, s - 30) : s].rstrip()
        starts_clause = not before or before[-1] in ",;:.!?”\"’—(" or before.rsplit(None, 1)[-1].lower() in _SPEECH_WORDS \
            or before.endswith("ly")
        phrase = whole.group(0).split() if whole else []
        while phrase and (phrase[-1].lower() in _SPEECH_WORDS or phrase[-1].lower() in LINK_WORDS
                          or phrase[-1].lower().endswith("ly") and len(phrase) > 2 and phrase[-1].lower() not in NOUNS_IN_LY):
            phrase.pop()  # "the former continued", "a looker-on from", "the coachman impatiently"
        head = " ".join(phrase).split(" of ")[0].split(" in ")[0].split(" with ")[0].split()[-1].lower() if len(phrase) > 1 else ""
        if head and starts_clause and head not in NOT_SOMEONE:  # "the red-faced gentleman in the high chair"
            return None, "described", " ".join(phrase)
        return None, "unknown", None


_MY_NAME = re.compile(r"\b[Mm]y name is\s+")


def _self_named(att, text: str, group) -> int | None:
    """Who a line says its speaker is: "My name is Helen Stoner, and I am living with my
    stepfather" is hers, whatever the turns would give."""
    for s, e in group:
        for m in _MY_NAME.finditer(text, s, e):
            named = att.mention_at(m.end(), m.end() + 1)
            if named is not None:
                return named
    return None


def joined(text: str, spans) -> str:
    """One line's quoted parts (``spans`` of ``text``) as one text. Where the speech tag cut out
    between two parts ends a sentence ('"Pray take a seat," said he. "This is my friend"'), the
    comma before it stood for a full stop: it becomes an ellipsis ("Pray take a seat … This is
    my friend"), so the halves do not read as one ungrammatical sentence. Where the tag goes on
    ('"If you please," said John, "Mr. Reed will see you now"'), so does the sentence, comma and
    all."""
    out, last = "", None
    for s, e in spans:
        part = " ".join(text[s:e].split())
        if not part:
            continue
        if out and out.endswith(",") and text[last:s].rstrip(" \t\n\"“”‘’'").endswith((".", "!", "?")):
            out = out[:-1] + " … " + part
        else:
            out = f"{out} {part}" if out else part
        last = e
    return out


def extract(text: str, paras: list[Paragraph], characters: list[Character],
            mentions: list[tuple[int, int, int]], style: str | None = None) -> list[Line]:
    """Every utterance in the paragraphs, in order, each with its attributed speaker (or None)."""
    if style is None:
        sample = "".join(text[p.start : p.end] for p in paras[: min(len(paras), 4000)])
        style = quote_style(sample)
    all_parts = [quote_parts(text, p.start, p.end, style) for p in paras]
    spans = sorted(span for parts, _ in all_parts for span in parts)
    span_starts = [s for s, _ in spans]
    narration = []
    for m in mentions:
        k = bisect.bisect_right(span_starts, m[0]) - 1
        if k < 0 or spans[k][1] <= m[0]:
            narration.append(m)
    att = _Attributor(text, characters, mentions, narration)
    att.narrator = _narrator(text, paras, all_parts, mentions, narration)
    lines: list[Line] = []
    prev_open = False
    last_speakers: list[int | None] = []  # speakers of the last utterances in this exchange
    last_addressee: int | None = None
    gap = 0  # paragraphs since the last one with dialogue
    described_ids: dict[str, int] = {}  # "the officer" -> -1: a speaker with no character, for turns
    described_names: dict[int, str] = {}
    last_id: int | None = None
    # Where the previous paragraph's narration is (start, end, whole paragraph?): who it leads
    # into speech is worked out only when this paragraph opens with a quote.
    lead_from: tuple[int, int, bool] | None = None
    for pi, p in enumerate(paras):
        parts, left_open = all_parts[pi]
        parts = [(qs, qe) for qs, qe in parts if not _is_mention_not_speech(text, qs, qe, p)]
        if not parts:
            prev_open = False
            gap += 1
            if gap >= 2 or p.end - p.start > 400:
                last_speakers, last_addressee = [], None
            for gone in _left(att, p.start, p.end):
                # "Mr. Woodhouse at last was off": who leaves takes no more turns in the talk
                last_speakers = [s for s in last_speakers if s != gone]
                last_addressee = None if last_addressee == gone else last_addressee
            lead_from = (p.start, p.end, True)
            silent = _SILENT.search(text, p.start, p.end) if p.end - p.start <= 200 else None
            if silent and not re.search(r"[.!?]\s+\S|[,:;—–-]\s*$", text[silent.end() : p.end]):
                # "He made no answer.": his turn, taken without a word; the next line is the other's
                # (not "Harriet was silent. ... Emma continued:", nor "He made no answer; ... said,").
                who = _lead_in(att, text, p.start, p.end, True)
                if who is not None:
                    if not last_speakers or last_speakers[-1] != who[0]:
                        last_speakers.append(who[0])
                    lead_from = None
            continue
        gap = 0
        groups = _group(text, parts, p)
        para_speaker: int | None = None
        para_addressee: int | None = None
        lead = _lead_in(att, text, *lead_from) if lead_from and groups[0][0][0] - p.start <= 2 else None
        for gi, group in enumerate(groups):
            quote_mentions = {m[2] for s, e in group for m in att.mentions_in(s, e)}
            att.exchange = (last_speakers, last_addressee, gi == 0)
            addressee = _vocative(att, group) if not _THOUGHT.match(text, group[-1][1]) else None
            att.tag_gender = None
            speaker, how, described = _tagged(att, text, p, parts, group, quote_mentions)
            if described is not None and described.split()[0].lower() in ("a", "an"):
                # "cried a looker-on": someone new, who takes turns like anyone else
                speaker = described_ids.setdefault(described.lower(), -1 - len(described_ids))
                described_names.setdefault(speaker, described)
            elif described is not None:
                how = "unknown"  # "said the child": most often someone the scene already has
            continued = gi == 0 and prev_open and text[p.start] in "“\"‘'"
            if continued and text[p.start + 1 : p.start + 2] in ("‘", "'") and lines:
                # “‘Oh, yes,’ said he, ...: a tale told over several paragraphs quoting someone
                # else; the teller goes on, and the tag and the name inside are the tale's.
                speaker, how, addressee = last_id, "continued", None
            opening = gi == 0 and lead is not None and group[0][0] - p.start <= 2
            if speaker is None and how != "narrator" and opening and lead[1] and lead[0] != addressee and described is None:
                speaker, how = lead[0], "lead-in"
            if speaker is None and how != "narrator" and continued and lines:
                speaker, how = last_id, "continued"
            if speaker is None and how != "narrator" and para_speaker is not None:
                speaker, how = para_speaker, "same-paragraph"
            if speaker is None and how != "narrator" and described is None:
                speaker, how = _actor(att, text, p, parts, {addressee} - {None})
            if speaker is None and how != "narrator" and opening and lead[0] != addressee and described is None:
                speaker, how = lead[0], "lead-in"
            if how not in ("explicit", "narrator") and (named := _self_named(att, text, group)) is not None:
                speaker, how, described = named, "self-named", None  # "My name is Helen Stoner"
            if speaker is None and how != "narrator" and described is None:
                speaker, how = _turn(att, last_speakers, last_addressee, quote_mentions, group[0][0])
            if speaker is not None and speaker >= 0 and att.tag_gender and att.genders[speaker] not in (att.tag_gender, None):
                # '"Hush, my dear," said the old lady' where no woman is named near: someone the
                # book has not named yet, not the man whose turn it seemed to be.
                described = att.tag_phrase
                speaker = None
            if speaker is None and described is not None:  # a tag names them: no guess by turns
                speaker = described_ids.setdefault(described.lower(), -1 - len(described_ids))
                described_names.setdefault(speaker, described)
                how = "described"
            if speaker is not None and speaker == addressee and how not in ("explicit",):
                other = [s for s in last_speakers[-3:] if s is not None and s != speaker]
                speaker, how = (other[-1], "vocative-other") if other else (None, "none")
            last_id = speaker
            att.last_quote_end = group[-1][1]
            lines.append(Line(
                text=joined(text, group),
                start=group[0][0], end=group[-1][1], spans=tuple(group), paragraph=pi,
                speaker=speaker if speaker is None or speaker >= 0 else None,
                how=how if speaker is not None else "none", addressee=addressee,
                described=described_names[speaker] if speaker is not None and speaker < 0 else None,
            ))
            para_speaker = speaker if speaker is not None else para_speaker
            if not ((continued or gi > 0) and last_speakers and last_speakers[-1] == speaker):
                last_speakers.append(speaker)  # (one turn: a paragraph's second line by the same speaker)
            para_addressee = addressee if addressee is not None else para_addressee
        last_addressee = para_addressee
        prev_open = left_open
        lead_from = (parts[-1][1] + 1, p.end, False)
    return _turns_back(lines)


def _turns_back(lines: list[Line]) -> list[Line]:
    """An exchange whose opening lines have no tag: read backwards, each line nobody is named
    for is said by whoever speaks two lines later, when the two lines after it alternate."""
    for i in range(len(lines) - 3, -1, -1):
        line, a, b = lines[i], lines[i + 1], lines[i + 2]
        if (line.speaker is None and line.described is None and a.speaker is not None and b.speaker is not None
                and a.speaker != b.speaker and b.speaker != line.addressee
                and line.paragraph + 1 == a.paragraph and a.paragraph + 1 == b.paragraph):
            lines[i] = replace(line, speaker=b.speaker, how="turn")
    return lines


def _narrator(text: str, paras: list[Paragraph], all_parts: list, mentions: list[tuple[int, int, int]],
              narration: list[tuple[int, int, int]]) -> int | None:
    """In a first-person story, the character who tells it: often called by name in others'
    speech, seldom named in the narration."""
    first_person = 0
    words = 0
    for p, (parts, _) in zip(paras[:3000], all_parts[:3000]):
        chunk = text[p.start : p.end]
        for s, e in reversed(parts):
            chunk = chunk[: s - p.start] + chunk[e - p.start :]
        first_person += len(re.findall(r"\b(?:I|me|my)\b", chunk))
        words += chunk.count(" ") + 1
    if words == 0 or first_person / words < 0.015:
        return None
    narrated = set(narration)
    vocatives = Counter(
        m[2] for m in mentions
        if m not in narrated and re.search(r"(?:,|\bdear|\bmy|[“\"‘])\s*$", text[max(0, m[0] - 8) : m[0]])
        and text[m[1] : m[1] + 1] in (",", "!", "?", ".", ";")
    )
    in_narration = Counter(m[2] for m in narration)
    scored = [(q - 2 * in_narration[c], c) for c, q in vocatives.items() if q >= 3]
    best = max(scored, default=None)
    return best[1] if best and best[0] > 0 else None


_BY_NAME = re.compile(r"\bby\s*$")
_LEADS_INTO = re.compile(r"\b(?:say|saying|to say|add|adding|to add|ask|asking|reply|replying|answer|answering|"
                         r"exclaim|exclaiming|cry|crying|whisper|whispering|observe|observing|remark|remarking|"
                         r"continue|continuing|begin|beginning|repeat|repeating)\b[^.!?“”\"]{0,50}[,:]\s*$")
_WAS_REPLY = re.compile(r"^[\s,;:—–-]*was\s+(his|her)\s+(?:\w+\s+)?(?:answer|reply|rejoinder|response)\b", re.IGNORECASE)
_SPEAKS_ON = re.compile(r"\b(?:began|begun|continued|went on|resumed|proceeded)(?:\s+again)?\s*[.]$")
_CLOSING_VERB = re.compile(r"^[’'s]*\s*(?:(?:\w+ly|thus|then|again|at last)\s+)*[a-z]+(?:\s+(?:again|thus|out|in))?\s*[,:;.—–-]*\s*$")


# "..., and a very tender sigh, he added,": the narration closes on "he" or "she" and a verb of speech.
_CLOSING_PRONOUN = re.compile(rf"\b(?P<p>[Hh]e|[Ss]he)\s+{_ADV}{_VERB}\s*[,:—–-]*\s*$")


def _lead_in(att: _Attributor, text: str, start: int, end: int, whole: bool) -> tuple[int, bool] | None:
    """The person a narration leads into speech ('Mr. Darcy, drawing near, said,--'): the
    subject of its last sentence; strong when it ends in a comma, colon or dash."""
    narration = text[start:end].rstrip(" \n”\"’'")
    if len(narration.strip()) < 3:
        return None
    # "..., and Mrs. Hurst began again.": a sentence ending on speaking resumed leads in as a colon does.
    strong = narration.endswith((",", ":", "—", "–", "-", ";")) or bool(_SPEAKS_ON.search(narration[-40:]))
    if not strong and not whole:
        return None
    if not whole and narration.endswith(("—", "–", "--")) and (_AFTER_VERB_FIRST.match(narration)
                                                                or _AFTER_SUBJ_FIRST.match(narration)):
        return None  # '"If it were admissible," said the gallant Mr. Elton--': cut off; another answers
    # Only the last sentence matters: split the tail, and the whole only when the tail is one sentence.
    tail = max(0, len(narration) - 800)
    spans = list(sentences(narration[tail:], tail))
    if tail and len(spans) < 2:
        spans = list(sentences(narration))
    last = narration[spans[-1][0]:] if spans else narration
    offset = start + len(narration) - len(last)
    # The last clause holds the speaker: "Emma knew it; and Mr. Elton warmly added,".
    clauses = list(re.finditer(r";\s+(?:and\s+|but\s+)?|,?\s+(?:and|but|while)\s+(?=[A-Z])", last[:-1]))
    if clauses:
        cut = clauses[-1].end()
        if att.subjects_in(offset + cut, start + len(narration)):
            offset += cut
    found = att.mentions_in(offset, start + len(narration))
    closing = _CLOSING_PRONOUN.search(narration[-120:])
    if closing:
        gender = _PRONOUN_SUBJ[closing.group("p").lower()]
        if all(att.genders[c] not in (gender, None) for _, _, c in found):
            # "Emma only nodded, and smiled.--After a little thinking, ... he added,": not Emma,
            # but the last man named.
            who = att.recent(start + len(narration), gender, set())
            return (who, strong) if who is not None else None
    if found:
        by = [m for m in found if _BY_NAME.search(text[max(offset, m[0] - 6) : m[0]])]
        if by:
            return by[-1][2], strong
        # The one right before the closing verb: "..., Mrs. Bennet instantly answered,".
        end = start + len(narration)
        for ms, me, c in reversed(found):
            if end - me <= 40 and _CLOSING_VERB.match(text[me:end]) and not re.search(r"\bto\s+$", text[ms - 4 : ms]):
                return c, strong
        subjects = att.subjects_in(offset, end)
        return (subjects or found)[0][2], strong
    m = re.match(r"\s*(He|She)\b", last)
    if m:
        # "He sat musing a little while, and then said,": whom "he" is, as for a tag ("said he").
        who = att.pronoun(offset, _PRONOUN_SUBJ[m.group(1).lower()], set())
        if who is not None:
            return who, strong
    return None


def _group(text: str, parts: list[tuple[int, int]], p: Paragraph) -> list[list[tuple[int, int]]]:
    """Join the parts of one utterance split by a tag ('"No," said X, "never."')."""
    groups: list[list[tuple[int, int]]] = []
    for k, (s, e) in enumerate(parts):
        if groups:
            ps, pe = groups[-1][-1]
            raw = text[pe:s]
            between = raw.strip(" \n”\"’'“‘")
            prev = text[ps:pe].rstrip()
            tag = _AFTER_VERB_FIRST.match(raw.lstrip("”\"’'")) or _AFTER_SUBJ_FIRST.match(raw.lstrip("”\"’'"))
            # '"Good morning," said Mara. "The bread is warm," said Tom.': a tag that ends its
            # sentence, and another after the next part naming someone else, are two people's
            # lines ('..." muttered the robber', "he added": the same one going on).
            after = text[e : parts[k + 1][0] if k + 1 < len(parts) else p.end].lstrip("”\"’'")
            next_tag = _AFTER_VERB_FIRST.match(after) or _AFTER_SUBJ_FIRST.match(after)
            own_tag = (tag and next_tag and between.endswith(".")
                       and all(t.group("subj")[:1].isupper() and t.group("subj") not in ("I", "The") for t in (tag, next_tag))
                       and tag.group("subj") != next_tag.group("subj"))
            if len(between) <= 120 and not own_tag and (
                (prev.endswith((",", "—", "–", "-", ";")) and (tag or len(between) <= 60))
                or (tag and between.endswith((",", ":", ";", "—", "–", "-")))
            ):
                groups[-1].append((s, e))
                continue
        groups.append([(s, e)])
    return groups


def _is_mention_not_speech(text: str, s: int, e: int, p: Paragraph) -> bool:
    """A few quoted words inside a sentence ('asked after "poor Isabella" and her children')
    are a mention or a title, not something said."""
    quoted = text[s:e]
    if len(quoted.split()) > 4 or quoted.rstrip().endswith(("!", "?", ".", ",", "…", "—")):
        return False
    before = text[max(p.start, s - 3) : s - 1].rstrip()
    after = text[e + 1 : e + 4].lstrip()
    return bool(before) and before[-1:].isalpha() and bool(after) and (after[0].islower() or after[0] in ",;")


def _tagged(att: _Attributor, text: str, p: Paragraph, parts: list[tuple[int, int]],
            group: list[tuple[int, int]], exclude: set[int]) -> tuple[int | None, str, str | None]:
    """A speech tag right after a part of the utterance or right before it. A definite
    description ("said the child") is given back only when nothing else names the speaker."""
    definite = None
    for s, e in group:
        nxt = next((ps for ps, _ in parts if ps > e), p.end)
        after = text[e + 1 : nxt - 1] if e < p.end else ""
        after_first = re.split(r"(?<=[.!?])\s", after, maxsplit=1)[0]
        reply = _WAS_REPLY.match(after_first)
        if reply:  # '"Indeed I have, Sir," was her answer.'
            return att.pronoun(e, "male" if reply.group(1).lower() == "his" else "female", exclude), "anaphoric", None
        for pattern in (_AFTER_VERB_FIRST, _AFTER_SUBJ_FIRST):
            m = pattern.match(after_first)
            if m:
                speaker, how, described = att.subject(_shift(m, e + 1), e, exclude)
                if described and described.split()[0].lower() == "the":
                    definite = definite or described
                elif speaker is not None or how in _DECIDED:
                    return speaker, how, described
    s = group[0][0]
    prv = max([pe for _, pe in parts if pe < s], default=p.start - 1)
    before = text[prv + 1 : s - 1]
    m = _BEFORE.search(before)
    if m:
        speaker, how, described = att.subject(_shift(m, prv + 1), s, exclude)
        if described and described.split()[0].lower() == "the":
            definite = definite or described
        elif speaker is not None or how in _DECIDED:
            return speaker, how, described
    # "Mr. Woodhouse's giving a gentle sigh, and saying,", "Harriet ... was forced to add,":
    # a sentence that ends in a verb of speech names its speaker, its subject.
    leads = _LEADS_INTO.search(before)
    if leads:
        sentence_start = prv + 1 + (list(sentences(before))[-1][0] if before.strip() else 0)
        verb = prv + 1 + leads.start()
        # "she heard Miss Bates saying,": the one named right before the verb says it.
        named = att.mentions_in(sentence_start, verb)
        if named and named[-1][2] not in exclude and re.fullmatch(r"\s+(?:\w+ly\s+)?", text[named[-1][1] : verb]):
            return named[-1][2], "explicit", None
        for ms, me, c in att.mentions_in(sentence_start, s):
            if c not in exclude and not re.search(r"\b(?:to|at|with|for|of)\s+$", text[max(0, ms - 5) : ms]):
                return c, "explicit", None
    return None, "none", definite


class _Shifted:
    """A regex match whose offsets are moved into the text's coordinates."""

    def __init__(self, m: re.Match[str], offset: int):
        self.m, self.offset = m, offset

    def group(self, name: str) -> str:
        return self.m.group(name)

    def start(self, name: str) -> int:
        return self.m.start(name) + self.offset

    def end(self, name: str) -> int:
        return self.m.end(name) + self.offset


def _shift(m: re.Match[str], offset: int) -> _Shifted:
    return _Shifted(m, offset)


def _actor(att: _Attributor, text: str, p: Paragraph, parts: list[tuple[int, int]],
           exclude: set[int]) -> tuple[int | None, str]:
    """The character acting in the paragraph's narration ('Caroline smiled. "Yes."')."""
    bounds = [(p.start, p.start)] + [(s - 1, e + 1) for s, e in parts] + [(p.end, p.end)]
    for (_, a), (b, _) in zip(bounds, bounds[1:]):
        narration = text[a:b]
        if len(narration.strip()) < 3:
            continue
        for m in _ACTOR.finditer(narration):
            speaker, how, _ = att.subject(_shift(m, a), a + m.start("subj"), exclude)
            if speaker is not None:
                return speaker, "actor"
        for s, e, c in att.mentions_in(a, b):
            if c not in exclude:
                return c, "actor"
    return None, "none"


def _turn(att: _Attributor, last: list[int | None], last_addressee: int | None, exclude: set[int],
          pos: int) -> tuple[int | None, str]:
    """Alternate between the two people of an exchange: the one spoken to last, else the
    previous other speaker, else the last other person named."""
    known = [s for s in last if s is not None]
    prev = last[-1] if last else None
    if last_addressee is not None and last_addressee != prev:
        return last_addressee, "turn"
    if prev is not None:
        other = next((s for s in reversed(known[-6:]) if s != prev), None)
        if other is not None:
            return other, "turn"
        other = att.recent(pos, None, {prev} | exclude, horizon=1500)
        if other is None:
            i = bisect.bisect_left(att.mention_starts, pos) - 1
            while i >= 0 and att.mentions[i][0] > pos - 1500:
                if att.mentions[i][2] != prev:
                    other = att.mentions[i][2]
                    break
                i -= 1
        if other is not None:
            return other, "turn"
    return None, "none"


def _vocative(att: _Attributor, group: list[tuple[int, int]]) -> int | None:
    """The person spoken to: a name used as a vocative inside the quote ("Klaus, wait!",
    "..., my dear Watson.")."""
    for s, e in group:
        for ms, me, c in att.mentions_in(s, e):
            before = att.text[max(s, ms - 12) : ms]
            after = att.text[me : me + 1]
            opens = ms == s or re.search(r"(?:[,;!?—–-]|\b[Oo]h|\bdear|\bdearest|\bmy)\s*$", before)
            if ms == s and after == "." and not att.text[me + 1 : e].strip() and len(group) == 1:
                continue  # "Bingley." alone answers "What is his name?": a name said, not a call
            if opens and (after in (",", "!", "?", ".", ";", "—", "–", "-") or me >= e):
                if after == "," and _SUBJECT_AFTER.match(att.text, me, e):
                    continue  # "Mr. Martin, I suppose, is not a man of information": spoken of, not to
                return c
    return None


# Someone leaving the room or the talk: "Mr. Woodhouse at last was off", "he took his leave".
_LEAVES = re.compile(r"\b(?:was off|were off|went (?:out|away|off)|left the (?:room|house)|quitted the room|withdrew|"
                     r"departed|took (?:his|her|their) leave|walked (?:out|away|off))\b")


def _left(att: _Attributor, start: int, end: int) -> list[int]:
    """Who the narration from ``start`` to ``end`` says leaves: the name that is the subject of
    a leaving verb in its sentence (the last one named before the verb)."""
    out = []
    for m in _LEAVES.finditer(att.text, start, end):
        named = att.subjects_in(max(start, att.sentence_head(m.start())[0]), m.start())
        if named:
            out.append(named[-1][2])
    return out


# Someone who answers without a word: "Mr. Bennet made no answer.", "He was silent."
_SILENT = re.compile(r"\b(?:made no (?:answer|reply)|returned no (?:answer|reply)|gave no (?:answer|reply)|"
                     r"was silent|remained silent|kept silent|said nothing|did not (?:answer|reply)|"
                     r"bowed|nodded|shook (?:his|her) head|shrugged (?:his|her) shoulders)\b")
# A name that opens a clause of its own after a semicolon ("Mr. Woodhouse at last was off; but
# Mr. Knightley ... sat down again") is that clause's subject, as an opening name is a sentence's.
_OPENS_CLAUSE = re.compile(r";\s+(?:(?:but|and|yet|while|whereas|so)\s+)?(?:(?:Mr|Mrs|Miss|Dr|Lady|Sir)\.?\s+)?\S+\s*$"
                           r"|;\s+(?:but|and|yet|so),\s+[^;,]{1,30},\s*$")  # "; and, after a moment's pause, Mrs. Elton"
# A thought, not said: '"Well done, Mrs. Martin!" thought Emma' calls no one to answer.
_THOUGHT = re.compile(r"[”\"’']?\s*(?:(?:[A-Z][\w.’']*\s+){1,3}|(?:he|she|I)\s+)?(?:thought|wondered|mused)\b")
# A name that opens a sentence and, after a word put in, goes on with its verb is the sentence's
# subject: "Mr. Martin, I suppose, is not a man of information", "Jane, too, was there".
_SUBJECT_AFTER = re.compile(r",\s+(?:(?:I|we|you)\s+(?:suppose|think|believe|fancy|imagine|dare\s+say|daresay|am\s+sure|"
                            r"hope|fear|understand|know|see)|too|however|indeed|of\s+course|perhaps|then|at\s+least),?\s+"
                            r"(?:is|was|has|had|does|did|will|would|can|could|must|may|might|should|shall|never|always)\b")


ANSWERED_AT_LEAST = 3  # calls a name must get, each answered by the same named speaker


def answered_as(lines: list[Line], characters: list[Character]) -> dict[int, int]:
    """Names that are only ever called out, answered each time by one person the narration names
    ("'Annette!' ... said Anna Pávlovna", "'Vasíli Dmítrich, ...' ... said Denísov"): a name said
    to someone at least three times, whose next line in a later paragraph, tagged by name, is the
    same person's three times in four, and who never speaks tagged by that name, is that person.
    Returns {the name's character: the speaker's}, the smaller into the bigger."""
    answers: dict[int, Counter] = defaultdict(Counter)
    tagged: Counter = Counter()
    for k, line in enumerate(lines):
        if surely_said(line):  # tagged by name, or the narrator's "said I"
            tagged[line.speaker] += 1
        if line.addressee is None:
            continue
        for reply in lines[k + 1 : k + 3]:
            if reply.paragraph == line.paragraph:
                continue
            if reply.how == "explicit" and reply.speaker is not None and reply.speaker != line.speaker:
                answers[line.addressee][reply.speaker] += 1
            break
    into: dict[int, int] = {}
    for called, counts in answers.items():
        who, n = counts.most_common(1)[0]
        a, b = characters[called], characters[who]
        if (who != called and not tagged[called] and not a.from_config and not b.from_config
                and n >= ANSWERED_AT_LEAST and n >= 0.75 * sum(counts.values())
                and a.mentions < b.mentions and (a.gender is None or b.gender is None or a.gender == b.gender)
                and who not in into and called not in into.values()):
            into[called] = who
    return into


def epithet_named(lines: list[Line], characters: list[Character], taken: dict[int, int]) -> dict[int, int]:
    """Someone the book calls by a description when they speak ("said the robber", "answered
    the painter") whom the others call by name: the line before or after theirs, by someone
    else in the next or last paragraph, calls them "Bill" or "Basil". Three such calls, three in
    four to the same named person, make the description that person. Returns {the
    description's character: the named one}, beside ``taken`` (answered_as's)."""
    calls: dict[int, Counter] = defaultdict(Counter)
    for k, line in enumerate(lines):
        if line.how != "explicit" or line.speaker is None or line.speaker < 0 \
                or not characters[line.speaker].name.startswith("the "):
            continue
        for other in (lines[k - 1] if k else None, lines[k + 1] if k + 1 < len(lines) else None):
            if (other is not None and other.addressee is not None and other.speaker != line.speaker
                    and abs(other.paragraph - line.paragraph) == 1 and other.addressee != line.speaker):
                calls[line.speaker][other.addressee] += 1
    into: dict[int, int] = {}
    for epithet, counts in calls.items():
        who, n = counts.most_common(1)[0]
        a, b = characters[epithet], characters[who]
        if (n >= ANSWERED_AT_LEAST and n >= 0.75 * sum(counts.values()) and not b.name.startswith("the ")
                and not a.from_config and a.mentions < b.mentions
                and (a.gender is None or b.gender is None or a.gender == b.gender)
                and epithet not in taken and epithet not in taken.values() and who not in taken):
            into[epithet] = who
    return into


def renumbered(lines: list[Line], new_index: dict[int, int]) -> list[Line]:
    """The lines with their speakers and addressees numbered as after characters merged."""
    def one(i: int | None) -> int | None:
        return new_index.get(i, i) if i is not None and i >= 0 else i
    out = []
    for line in lines:
        speaker, addressee = one(line.speaker), one(line.addressee)
        if speaker != line.speaker or addressee != line.addressee:  # only these: replace() is slow on 20,000
            line = replace(line, speaker=speaker, addressee=addressee)
        out.append(line)
    return out
