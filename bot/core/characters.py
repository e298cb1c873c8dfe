"""Find a story's characters without configuration, merge their name variants, count mentions."""
from __future__ import annotations

import bisect
import functools
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field

from bot.config import StorySetting
from bot.core.language import PLACE_NOUNS, SURNAME_PARTICLES

# Words before a name that are part of how people are called.
TITLES = {
    "Mr": "male", "Mister": "male", "Sir": "male", "Lord": "male", "Prince": "male", "Count": "male",
    "King": "male", "Duke": "male", "Baron": "male", "Father": "male", "Uncle": "male", "Monsieur": "male",
    "Herr": "male", "Señor": "male", "Brother": "male", "Master": "male",
    "Mrs": "female", "Miss": "female", "Ms": "female", "Lady": "female", "Princess": "female",
    "Countess": "female", "Queen": "female", "Duchess": "female", "Baroness": "female",
    "Madame": "female", "Mme": "female", "Mademoiselle": "female", "Mlle": "female", "Aunt": "female",
    "Mother": "female", "Sister": "female", "Dame": "female", "Frau": "female", "Señora": "female",
    "Dr": None, "Doctor": None, "Professor": None, "Prof": None, "Captain": None, "Capt": None,
    "Colonel": None, "Col": None, "General": None, "Major": None, "Lieutenant": None, "Sergeant": None,
    "Inspector": None, "Detective": None, "Judge": None, "Officer": None, "Saint": None, "St": None,
}
# Capitalised words that are not names even when they recur mid-sentence.
NOT_NAMES = set("""
I I'm I've I'll I'd Me My Mine We Us Our You Your He Him His She Her Hers It Its They Them Their
The A An And But Or Nor For Yet So If Then Than That This These Those There Here Where When What
Who Whom Whose Why How Which While Yes No Not Oh Ah Eh Aye Nay Well Now Just Still Even Only
Also Too Very Much Many Some Any All Both Each Every Either Neither None Nothing Something
Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April May June
July August September October November December Christmas Easter God Lord Heaven Hell Bible
Chapter Book Part Volume Epilogue Prologue Mr Mrs Ms Dr Sir Madam Madame Miss Lady Mister OK Okay
English French German Russian Italian Spanish American British Irish Scottish Austrian Prussian
Polish Swedish Dutch Greek Roman Latin Turkish Chinese Japanese Indian European African Asian
Christian Catholic Protestant Jewish Muslim Emperor Empress King Queen Prince Princess Count
Countess Duke Duchess Baron General Colonel Captain Major Doctor Professor Father Mother Uncle
Aunt Brother Sister Master Mistress Majesty Highness Excellency Honour Honor Street Road
Square House Park Court Place Avenue Hotel College Bridge River Lake Mount
Station North South East West Northern Southern Eastern Western New Old Great Little Saint
Project Gutenberg Ebook EBook Internet Archive TV Mrs. Dear Good Poor Please Thank Thanks Sorry
Hello Goodbye Good-bye Alas Hush Hurrah Bravo Hullo Hallo Lor Lawk Lawks Lud Egad Zounds
Indeed Perhaps Maybe Of In On At To From By With
Without After Before Again Once Twice Never Ever Always Don't Didn't Can't Won't Isn't Wasn't
Let Come Go Look See Tell Say Take Give Get Make Do Does Did Is Are Was Were Be Been Being Has
Have Had Will Would Shall Should Can Could May Might Must Ought Quite Rather Sure Certainly
One Two Three Four Five Six Seven Eight Nine Ten First Second Third Last Next Other Another
Later Soon Suddenly Finally Meanwhile Afterwards Today Tonight Tomorrow Yesterday
Such Same Own Mademoiselle Monsieur Herr Frau Mamma Papa Mama Mummy Daddy Frenchman Frenchmen
Englishman Englishmen Sire Monseigneur Bah Pooh Humph Ha Ho Hm Hmm Um Uh Wow Hey Hi
Pa Ma Saviour Savior Antichrist Christ Satan Providence
Whit Whitsun Whitsuntide Michaelmas Candlemas Lammas Martinmas Hallowmas Lent Advent Pentecost Epiphany
Shrovetide Yuletide Midsummer
""".split())
NOT_NAMES |= PLACE_NOUNS
SPEECH_VERBS = (
    "said|says|say|asked|asks|replied|replies|answered|answers|cried|cries|exclaimed|whispered|"
    "shouted|muttered|murmured|added|continued|repeated|observed|remarked|returned|rejoined|"
    "began|went on|called|yelled|screamed|snapped|growled|hissed|sighed|laughed|groaned|"
    "stammered|demanded|insisted|declared|explained|suggested|inquired|enquired|interrupted|"
    "protested|retorted|responded|told|agreed|admitted|conceded|pleaded|begged|urged|"
    "breathed|gasped|sobbed|moaned|grumbled|mumbled|thought|wondered|verified|confirmed|"
    "announced|ordered|commanded|warned|assured|corrected|persisted|resumed|concluded|"
    "exclaims|shrieked|roared|bellowed|faltered|drawled|sneered|scoffed|teased|joked|"
    "promised|offered|countered|echoed|queried|ventured|said softly|spoke|smiled|nodded|"
    "hesitated|chuckled|grinned|shrugged|frowned|cut in|put in|broke in|burst out|whisper|exclaim|reply|"
    "answer|cry|add|observe|remark|interposed|ejaculated|pursued|assented|remonstrated|expostulated"
)
_PERSON_VERB = re.compile(
    rf"^(?:'s|’s|’|')?\s*(?:\w+ly\s+)?(?:{SPEECH_VERBS}|looked|turned|took|felt|knew|saw|went|came|"
    r"stood|sat|was|had|did|could|would|walked|ran|smiled|nodded|shook|watched|let|found|gave|"
    r"made|opened|closed|kept|pulled|pushed|put|got|tried|wanted|seemed|heard|reached|"
    r"stared|glanced|raised|lifted|held|stepped|moved|began|placed|jumped|rose|entered|left|"
    r"[a-z]{3,}ed)\b"
)
_CAP_RUN = re.compile(
    r"(?<![\w’'-])(?:(?:Mr|Mrs|Ms|Dr|St|Mme|Mlle|Capt|Col|Prof)\.?\s+)?(?:St\.\s+)?"  # "Mrs. St. Clair"
    r"(?:Ma?c(?=[A-Z])|O[’'](?=[A-Z]))?[A-ZÀ-ÖØ-Þ][a-zß-öø-ÿ]+(?:-[A-ZÀ-ÖØ-Þ]?[a-zß-öø-ÿ]+)*"
    r"(?:(?:[ \t]+|[ \t]*\n[ \t]*)(?:de |von |van |du |la |le |St\.\s)?(?:Ma?c(?=[A-Z])|O[’'](?=[A-Z]))?"
    r"[A-ZÀ-ÖØ-Þ][a-zß-öø-ÿ]+(?:-[A-ZÀ-ÖØ-Þ]?[a-zß-öø-ÿ]+)*)*"
)
_LOWER_WORD = re.compile(r"(?<![\w’'])[a-z][a-z]+(?![\w])")
_SPEECH_SET = set(SPEECH_VERBS.split("|"))
_PLACE_WORDS = {"in", "at", "from", "to", "into", "near", "toward", "towards", "through", "across", "of"}
# "to" after a verb of speech, with up to two words between ("said Tom to", "said softly to"):
# whom it is said to, a person, not a place.
_SPOKEN_TO = re.compile(r"\b(?:said|says|whispered|whispers|murmured|muttered|shouted|yelled|cried|called|replied|"
                        r"answered|spoke|speaks|talked|talking|explained|remarked|observed|exclaimed)"
                        r"(?:\s+[\w.’']+){0,2}\s+to$")  # (not "returned to", "went on to": those go somewhere)
# Words a name is called after when spoken to: "my dear Watson,", "Hello Mary,".
_BEFORE_CALLED = {"dear", "my", "hello", "hi", "hey", "goodbye", "goodnight", "bye", "thanks"}


@dataclass
class Character:
    """A character: canonical name, every alias that refers to them, counts, first appearance."""

    name: str
    aliases: list[str]
    mentions: int = 0
    first: int | None = None  # offset of the first mention
    gender: str | None = None  # "male", "female" or None when the text does not tell
    from_config: bool = False

    def to_dict(self) -> dict:
        return {"name": self.name, "aliases": self.aliases, "mentions": self.mentions,
                "first": self.first, "gender": self.gender}


@dataclass
class _Form:
    count: int = 0
    initial: int = 0  # occurrences at a sentence start
    person: int = 0  # next to a verb of speech or action, or possessive
    place: int = 0  # after in/at/from/to
    the: int = 0  # after "the": a people or a place ("the Guards", "the Rostovs"), rarely a person
    article: int = 0  # after "a" or "an": a kind of person ("a Cossack"), never one person
    titled: Counter = field(default_factory=Counter)


def _split_title(words: list[str]) -> tuple[str | None, list[str]]:
    first = words[0].rstrip(".")
    if first in TITLES and len(words) > 1:
        return first, words[1:]
    return None, words


def find_candidates(text: str, start: int, end: int) -> tuple[dict[str, _Form], Counter]:
    """Capitalised name-like runs with evidence of being people; plus lowercase word counts."""
    lower = Counter(_LOWER_WORD.findall(text, start, end))
    forms: dict[str, _Form] = defaultdict(_Form)
    lower_count, person_verb = lower.get, _PERSON_VERB.match  # looked up once: this loop runs 70,000 times on a novel
    for m in _CAP_RUN.finditer(text, start, end):
        words = m.group().split()
        # Drop leading non-name words ("When Klaus" -> "Klaus").
        m_start, m_end = m.span()
        offset = m_start
        dropped = ""
        while words and words[0].rstrip(".") not in TITLES and (
                words[0] in NOT_NAMES or (len(words) > 1 and (words[0].endswith("ly") or lower_count(words[0].lower(), 0) > 2)
                                          and not _given_before_name(words, lower))):
            offset = text.index(words[0], offset) + len(words[0])
            dropped, words = words[0], words[1:]
        if len(words) > 1 and words[-1] in PLACE_NOUNS:
            continue  # a place's name, not a mention of "Bald" or of Hatherley
        while words and words[-1] in NOT_NAMES:
            words = words[:-1]
        if not words:
            continue
        f = forms[" ".join(words)]
        f.count += 1
        before = text[max(start, offset - 40) : offset] if offset == m_start else ""
        tail = before.rstrip()
        last_char = tail[-1:] if tail else ""
        last_word = tail.rstrip(",").rsplit(None, 1)[-1].lower() if tail else ""
        if offset == m_start and (not tail or last_char in ".!?…:;\"“‘'«(—”’»)" or "\n\n" in before[-4:]):
            closing = last_char in "”’»)" or (last_char in "\"'" and len(tail) > 1 and not tail[-2].isspace())
            if not closing or (len(tail) > 1 and tail[-2] in ".!?"):
                f.initial += 1  # after a closing quote only when the quote ended a sentence
        after = text[m_end : m_end + 40]
        if last_word != "what" and person_verb(after.lstrip(" ,")) or after.startswith(("'s", "’s")) and words[0] not in ("St.", "Saint"):
            f.person += 1  # but "St. George’s" is a church
        if last_word in _SPEECH_SET:
            f.person += 1
        elif (last_char == "," or last_word in _BEFORE_CALLED) and after[:1] in (",", "!", "?", ".", ";"):
            f.person += 1  # spoken to: "my dear Watson,"
        if last_word == "to" and _SPOKEN_TO.search(tail):
            f.person += 1  # spoken to: "said Tom to Mary", "whispered to Anna"
        elif last_word in _PLACE_WORDS and last_char.isalpha():
            f.place += 1
        if last_word == "the" and last_char.isalpha() or dropped == "The":  # "The Tugendbund is ..." too
            f.the += 1
        if last_word in ("a", "an") and last_char.isalpha() or dropped in ("A", "An"):
            f.article += 1
    return forms, lower


def _given_before_name(words: list[str], lower: Counter) -> bool:
    """Whether a run starts with a given name that is also a word ("Rose Maylie", "Grace
    Poole"): a given name, then a word seldom written in lower case."""
    second = words[1]
    return (second not in NOT_NAMES and second.rstrip(".") not in TITLES and lower.get(second.lower(), 0) <= 2
            and not words[0].endswith("ly") and _name_gender(words[0]) is not None)


FULL_NAME_MIN = 5  # times a given name and a word after it are said together, mid-sentence, to make a full name


def _is_name_word(word: str, f: _Form, lower: Counter) -> bool:
    """Not a stop word, and rarely written in lower case (so not an ordinary word)."""
    if word in NOT_NAMES:
        return False
    return lower.get(word.lower(), 0) <= max(1, 0.2 * (f.count - f.initial))


def detect(text: str, start: int, end: int, setting: StorySetting | None = None
           ) -> tuple[list[Character], list[tuple[int, int, int]]]:
    """Characters of the text between ``start`` and ``end``, most mentioned first, and every
    mention of them as (start, end, character index)."""
    setting = setting or StorySetting(name="")
    ignore = {w.lower() for w in setting.ignore}
    forms, lower = find_candidates(text, start, end)
    n_words = max(1, (end - start) // 6)
    min_count = 2 if n_words < 50_000 else 3 if n_words < 200_000 else 4

    # Keep forms that look like people's names.
    _load_name_genders({_plain(form.split()[0]) for form, f in forms.items() if " " in form and f.count >= min_count})
    people: dict[str, _Form] = {}
    for form, f in forms.items():
        title, words = _split_title(form.split())
        name_words = words[1:] if len(words) > 1 and _given_before_name(words, lower) else words  # "Rose Maylie"
        if not title and len(words) == 2 and f.count - f.initial >= FULL_NAME_MIN and words[1] not in NOT_NAMES \
                and _is_name_word(words[0], f, lower) and _name_gender(words[0]) is not None:
            name_words = words[:1]  # "Jonathan Small", said in full again and again: a surname that is also a word
        if title and any(w in NOT_NAMES for w in words) or not title and not all(_is_name_word(w, f, lower) for w in name_words):
            continue  # a title makes "Mrs. Hall" a name even where "hall" is also a word
        if form.lower() in ignore or " ".join(words).lower() in ignore:
            continue
        if not title and ((f.the + f.article) * 2 >= f.count or len(words) == 1 and (words[0].endswith("s") and (
                words[0][:-1] in forms or words[0][:-1] in NOT_NAMES))):
            continue  # a people or a place ("the Uhlans", "a Cossack", "the Rostovs"), not a person
        mid = f.count - f.initial
        evidence = f.person + (f.count if title and title not in ("St", "Saint") else 0)  # "of St. Monica": a church
        if f.count < min_count and not (title and f.count >= 1 and n_words < 50_000):
            continue
        if mid == 0 and not title:
            continue  # only ever capitalised at a sentence start: an ordinary word
        if len(words) > 1 and f.place == 0:
            evidence += 1  # "John Reed": two names together
        given = len(words) > 1 and _name_gender(words[0]) is not None
        evidence += given
        if evidence == 0 or f.place > max(1, evidence, f.count // 2 if given else 0):
            continue  # a given name first: "a photograph of Irene Adler" is of a person
        people[form] = f
    # A full name said once ("Mara Quill") still names a character whose first name recurs.
    singles = {form for form in people if " " not in form}
    for form, f in forms.items():
        title, words = _split_title(form.split())
        if form not in people and len(words) > 1 and words[0] in singles and f.place == 0 \
                and not any(w in NOT_NAMES for w in words) and form.lower() not in ignore:
            people[form] = f
    # A titled full name said once ("As to Miss Violet Hunter, ..."; the title makes it a person
    # even after "to") is the one the book calls "Miss Hunter": her given name is then hers,
    # unless someone goes by that given name alone or another of the family is named in full
    # ("Miss Lydia Bennet": Lydia is a person of her own, and "Miss Bennet" is Jane).
    family = Counter(words[-1] for form in people if len(words := _split_title(form.split())[1]) >= 2)
    titled_once: dict[str, tuple[str, str]] = {}  # "Miss Violet Hunter": ("Miss", "Violet")
    for form in forms:
        title, words = _split_title(form.split())
        if (title and len(words) == 2 and form not in people and _titled(title, words[1]) in people
                and words[0] not in people and not family[words[1]]  # "Miss Catherine Bennet" beside Jane Bennet
                and not any(w in NOT_NAMES for w in words) and form.lower() not in ignore):
            titled_once[form] = title, words[0]
    _load_name_genders({_plain(given) for _, given in titled_once.values()})
    for form, (title, given) in titled_once.items():
        sex = _name_gender(given)  # "Mrs. Robert Martin" is his wife, not Mrs. Martin his mother
        if sex is not None and TITLES.get(title) in (None, sex):
            people[form] = forms[form]
    # "On seeing Natásha Pierre grew animated": two people side by side, not one name. Two given
    # names (no surname: "Nicholas Rostóv" stays), each far more often alone than together, are
    # two people.
    pairs = [form for form in people if form.count(" ") == 1 and all(w in singles for w in form.split())]
    _load_name_genders({_plain(w) for form in pairs for w in form.split()})  # one pass over the table
    for form in pairs:
        first, last = form.split()
        surname = any(_titled(t, last) in forms for t in ("Mr", "Mrs", "Miss", "Dr"))  # "Mr. Campbell"
        if first in singles and last in singles and all(_name_gender(w) for w in (first, last)) \
                and all(people[form].count * 2 <= people[w].count for w in (first, last)) and not surname:
            del people[form]

    _load_name_genders({w for form in people for w in form.split() if w.rstrip(".") not in TITLES})
    characters = _cluster(people, min_full=max(1, min_count - 1))
    characters = _join_given_variants(_join_given_names(characters), forms)
    _adopt_bare_surnames(characters, forms)
    epithets = _epithet_speakers(text, start, end, ignore, names={w.lower() for form in people for w in form.split()},
                                 titled={title for form in forms if (title := _split_title(form.split())[0])})
    _qualified_forms(text, start, end, epithets, {form.split()[-1] for form in people})
    characters = _apply_config(characters + epithets, setting)
    mentions = find_mentions(text, start, end, characters)
    count_mentions(characters, mentions)
    characters, mentions = _tie_epithets(text, characters, mentions, {e.name for e in epithets},
                                         (end - start) // TIE_WINDOW + 1)
    characters, mentions = _bare_names_on_stage(characters, mentions, {e.name for e in epithets})
    characters, mentions = _drop_roles(characters, mentions, {e.name for e in epithets})
    characters, mentions = _join_spellings(characters, mentions)
    _guess_genders(text, start, end, characters, mentions)
    _fuller_names(text, characters, mentions)
    keep = sorted((i for i, c in enumerate(characters) if c.mentions >= min_count or c.from_config),
                  key=lambda i: (-characters[i].mentions, characters[i].name))
    new_index = {old: new for new, old in enumerate(keep)}
    mentions = [(s, e, new_index[i]) for s, e, i in mentions if i in new_index]
    return [characters[i] for i in keep], mentions


# Descriptions too general to stand for one person ("the man" is whoever was last a man).
_GENERIC = set("""
man woman men women boy girl lad other others latter former first second third last rest two three
voice lady gentleman person people child one fellow young old stranger's visitor's crowd company
party group whole latter's same former's youth
""".split())
_TITLE_NOUNS = {"emperor", "empress", "tsar", "czar", "officer", "soldier", "general", "colonel", "captain",
                "sergeant", "corporal", "adjutant", "doctor", "priest", "servant", "footman", "coachman"}
_FUNCTION_WORDS = {"in", "of", "with", "who", "at", "on", "to", "from", "by", "and", "that", "which", "as", "for"}
_EPITHET_TAG = re.compile(
    rf"[”\"’',!?]\s*(?:{SPEECH_VERBS})\s+(?P<a>(?:[Tt]he|[Aa])\s+(?:[a-z-]+\s+|[A-Z][a-z-]+\s+(?=[A-Z]))?(?!(?:in|with|of)\b)[A-Za-z-]+"
    rf"(?:\s+(?:in|with|of)\s+the\s+(?:[a-z-]+\s+)?[a-z-]+)?)\b"
    rf"|[”\"’',!?]\s*(?P<b>(?:[Tt]he|[Aa])\s+(?:[a-z-]+\s+|[A-Z][a-z-]+\s+(?=[A-Z]))?(?!(?:in|with|of)\b)[A-Za-z-]+)\s+(?:\w+ly\s+)?(?:{SPEECH_VERBS})\b"
)


def _shared_title(text: str, start: int, end: int, title: str, titled: set[str], tags: list[int]) -> bool:
    """Whether a book puts ``title`` before names ("Countess Rostóva", "Prince Andrew": in
    ``titled``, from its capitalised runs) or gives it to two or more people where its speech
    tags (offsets ``tags``) are: "said the Countess" there is one of those named, not a person
    of her own. Only tags with one such name near them (an episode either side) say whose
    title it is: The Picture of Dorian Gray's duchess is the Duchess of Harley at one dinner and
    the Duchess of Monmouth at another (shared); "cried the King" is the King of Bohemia in his
    story, though he also names a King of Scandinavia there once (one person); "said the
    Queen", in a book with no other queen, is one person."""
    if title in titled:
        return True
    named = []
    for word in (title, title.lower()):  # two literal searches: one case-blind scan is slower
        named += [(m.start(), m.group(1))
                  for m in re.compile(rf"{word}[ \t\n]+of[ \t\n]+([A-Z]\w+)").finditer(text, start, end)]
    near = [{who for at, who in named if abs(at - tag) <= ROLE_GAP} for tag in tags]
    plain = set().union(*(n for n in near if len(n) <= 1))  # whose, where the tag is plain
    return len(plain) >= 2 or not any(len(n) <= 1 for n in near)


def _epithet_speakers(text: str, start: int, end: int, ignore: set[str], names: set[str],
                      titled: set[str] = frozenset()) -> list[Character]:
    """People a story calls by a description when they speak ("said the stranger", "the
    Hatter said"), when it does so often enough to be sure it is one person."""
    tags = []
    for m in _EPITHET_TAG.finditer(text, start, end):
        phrase = " ".join((m.group("a") or m.group("b")).split())
        phrase = "the " + phrase.split(" ", 1)[1]  # "a Voice" is "the Voice" said again
        qualified = re.search(r"\s(?:in|with|of)\s+the\s", phrase)
        head = (phrase[: qualified.start()] if qualified else phrase).split()[-1]
        noun = head.lower()
        if (qualified or head[0].isupper()) and noun in _GENERIC:
            noun = "_"  # "the gentleman in the white waistcoat", "the Voice": one person each
        tags.append((m.start(), phrase, noun, qualified))
    where: defaultdict[str, list[int]] = defaultdict(list)
    for at, _, noun, _ in tags:
        where[noun].append(at)
    counts: Counter = Counter()
    shared: dict[str, bool] = {}
    for _, phrase, noun, qualified in tags:
        title = noun.capitalize() in TITLES and noun not in _TITLE_NOUNS
        if title and noun not in shared:
            shared[noun] = _shared_title(text, start, end, noun.capitalize(), titled, where[noun])
        # "the little princess", "the old prince": a word before a shared title singles one out
        modified = not qualified and len(phrase.split()) == 3 and phrase.split()[1].islower()
        if (noun in _GENERIC or noun in _FUNCTION_WORDS or noun in names and not (title and modified)
                or noun.endswith("s") and not title or title and shared[noun] and not modified
                or not title and noun.capitalize() in NOT_NAMES
                or noun in _TITLE_NOUNS) or noun in _SPEECH_SET or phrase.lower() in ignore:
            continue
        counts[phrase] += 1
    # A title says the sex ("the old prince", "the Queen"); other words leave it to the text.
    return [Character(name=p, aliases=[p], mentions=n, gender=TITLES.get(p.split()[-1].capitalize()))
            for p, n in counts.items() if n >= 3]


_MODIFIER = re.compile(r"\b[Tt]he\s+([A-Z][a-z]+)\s+$")
QUALIFIED_MIN = 2  # times a fuller form of a description must be said to be one of its names


def _qualified_forms(text: str, start: int, end: int, epithets: list[Character], names: set[str]) -> None:
    """The fuller forms a book gives a capitalised description, as names of it: "the Cheshire
    Cat" of the Cat, "the Queen of Hearts" of the Queen, where the book says that form at least
    twice and no other of its kind more than once ("the White Queen" said twice beside "the Red
    Queen" is a second queen; Sherlock Holmes's King is not "of Bohemia", which the book says
    five times, as it says "of Scandinavia" twice). A word that is itself a name ("the Dormouse"
    and "the Hatter" are two) is not a modifier. Two scans of the text, for every description."""
    heads = {c.name.split()[-1]: c for c in epithets if len(c.name.split()) == 2 and c.name.split()[-1][:1].isupper()}
    if not heads:
        return
    alternatives = "|".join(re.escape(h) for h in heads)
    before = re.compile(rf"\b[Tt]he[ \t\n]+([A-Z][a-z]+)[ \t\n]+({alternatives})\b")  # the Cheshire Cat
    after = re.compile(rf"\b[Tt]he[ \t\n]+({alternatives})[ \t\n]+of[ \t\n]+([A-Z][a-z]+)\b")  # the Queen of Hearts
    said: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for m in before.finditer(text, start, end):
        said[m.group(2), "before"][m.group(1)] += 1
    for m in after.finditer(text, start, end):
        said[m.group(1), "after"][m.group(2)] += 1
    for (head, where), words in said.items():
        words = Counter({w: n for w, n in words.items() if w not in TITLES and w not in names
                         and w.lower() not in _TITLE_NOUNS and w.lower() not in _GENERIC})
        if not words:
            continue
        (word, n), *others = words.most_common()
        if n >= QUALIFIED_MIN and all(k <= 1 for _, k in others):
            c = heads[head]
            fuller = f"the {word} {head}" if where == "before" else f"the {head} of {word}"
            c.aliases = sorted({*c.aliases, fuller}, key=lambda a: (-len(a), a))


def _fuller_names(text: str, characters: list[Character], mentions: list[tuple[int, int, int]]) -> None:
    """A one-word name the book mostly gives with the same capitalised word before it ("the
    March Hare", "the White Rabbit") is shown that way: "Hare" alone is no one a reader knows."""
    before: defaultdict[int, Counter] = defaultdict(Counter)
    for s, _e, i in mentions:
        if " " not in characters[i].name:
            m = _MODIFIER.search(text, max(0, s - 20), s)
            if m and m.group(1) not in TITLES and m.group(1).lower() not in _TITLE_NOUNS:
                before[i][m.group(1)] += 1
    for i, words in before.items():
        word, n = words.most_common(1)[0]
        c = characters[i]
        if n >= max(3, c.mentions / 3):
            c.name = f"the {word} {c.name}"
            c.aliases = sorted({*c.aliases, c.name}, key=lambda a: (-len(a), a))


def _vowel_dropped(word: str) -> set[str]:
    """The word with one vowel inside it left out: "Buonaparte" -> "Bonaparte", "Bunaparte"..."""
    return {word[:k] + word[k + 1 :] for k in range(1, len(word) - 1) if word[k].lower() in "aeiouy"}


def _join_spellings(characters: list[Character], mentions: list[tuple[int, int, int]]
                    ) -> tuple[list[Character], list[tuple[int, int, int]]]:
    """A one-word name that is another person's name spelt with a vowel more or less inside
    ("Buonaparte" beside Napoleon's "Bonaparte") is that person, when exactly one has it."""
    plain: defaultdict[str, set[int]] = defaultdict(set)  # a word of someone's names -> who
    shorter: defaultdict[str, set[int]] = defaultdict(set)  # that word less one inner vowel -> who
    for j, h in enumerate(characters):
        for w in {w for a in (h.name, *h.aliases) for w in a.split()}:
            if len(w) >= 7:
                plain[w].add(j)
            if len(w) >= 8:
                for d in _vowel_dropped(w):
                    shorter[d].add(j)
    into: dict[int, int] = {}
    for i, c in enumerate(characters):
        if " " in c.name or c.from_config or len(c.name) < 7:
            continue
        hosts = set(shorter.get(c.name, ()))
        if len(c.name) >= 8:
            hosts |= {j for d in _vowel_dropped(c.name) for j in plain.get(d, ())}
        hosts.discard(i)
        if len(hosts) == 1:
            into[i] = hosts.pop()
    return _merge(characters, mentions, {i: j for i, j in into.items() if j not in into})


ROLE_GAP = 20_000  # characters of text (a chapter or so): mentions further apart are another episode
ROLE_EPISODES = 10  # an epithet in this many episodes is a role many people fill ("the commander")


def _drop_roles(characters: list[Character], mentions: list[tuple[int, int, int]], epithets: set[str]
                ) -> tuple[list[Character], list[tuple[int, int, int]]]:
    """An epithet no name took that comes back in many episodes far apart is a role, not one
    person: War and Peace's "the commander", "the Cossack", "the maid" are a different man or
    woman each time; the Hatter or the Artful Dodger comes back in a few."""
    where: defaultdict[int, list[int]] = defaultdict(list)
    for s, _e, i in mentions:
        where[i].append(s)
    roles = set()
    for i, c in enumerate(characters):
        words = c.name.split()
        if len(words) == 3 and words[1].islower() and words[2].capitalize() in TITLES:
            continue  # "the old prince", "the little princess": a rank said so is one person, not a role
        if c.name in epithets and not c.from_config:
            pos = where[i]
            if 1 + sum(1 for a, b in zip(pos, pos[1:]) if b - a > ROLE_GAP) >= ROLE_EPISODES:
                roles.add(i)
    if not roles:
        return characters, mentions
    keep = [i for i in range(len(characters)) if i not in roles]
    new_index = {old: new for new, old in enumerate(keep)}
    return [characters[i] for i in keep], [(s, e, new_index[i]) for s, e, i in mentions if i in new_index]


TIE_WINDOW = 1500  # characters of text: how near an epithet and a name must be to be together
TIE_EVIDENCE = 20  # stretches an epithet must be in before its company can tell who it is


def _together(text: str, a: Character, b: Character) -> bool:
    """Whether the text names the two side by side as two people ("the Hatter and the March Hare")."""
    names = "|".join(re.escape(n) for n in sorted({*a.aliases, *b.aliases}, key=len, reverse=True))
    for m in re.finditer(rf"(?:{names})\s+(?:and|or|with|to)\s+(?:{names})\b", text):
        first, second = re.split(r"\s+(?:and|or|with|to)\s+", m.group(0), maxsplit=1)
        if (first in a.aliases) != (second.rstrip() in a.aliases):
            return True
    return False


def _tie_epithets(text: str, characters: list[Character], mentions: list[tuple[int, int, int]], epithets: set[str],
                  windows: int) -> tuple[list[Character], list[tuple[int, int, int]]]:
    """An epithet the narration uses for one named person ("the Jew" for Fagin, "the beadle"
    for Mr. Bumble) is that person: the two come in the same stretches of text far more than
    chance would have it (Jaccard of the stretches each is in at least 0.25, twice as often
    as the name comes anywhere), and no other name comes close. A name present everywhere
    (the hero) cannot pass the second test, so an epithet is never given to them by default."""
    where: defaultdict[int, set[int]] = defaultdict(set)
    for s, _e, i in mentions:
        where[i].add(s // TIE_WINDOW)
    into: dict[int, int] = {}
    for i, c in enumerate(characters):
        if c.name not in epithets or c.from_config or len(where[i]) < TIE_EVIDENCE:
            continue  # "the Hatter" with the March Hare in all of a dozen stretches is two people
        scored = []
        for j, other in enumerate(characters):
            both = len(where[i] & where[j])
            if j == i or other.name in epithets or not both:
                continue
            lift = (both / len(where[i])) / (len(where[j]) / windows)
            scored.append((both / len(where[i] | where[j]), lift, j))
        scored.sort(reverse=True)
        if scored and scored[0][0] >= 0.25 and scored[0][1] >= 2 and (len(scored) == 1 or scored[0][0] >= 1.4 * scored[1][0]) \
                and len(where[scored[0][2]]) >= TIE_EVIDENCE // 2 and not _together(text, c, characters[scored[0][2]]):
            into[i] = scored[0][2]
    return _merge(characters, mentions, into)


def _merge(characters: list[Character], mentions: list[tuple[int, int, int]], into: dict[int, int]
           ) -> tuple[list[Character], list[tuple[int, int, int]]]:
    """Each character ``i`` of ``into`` joined to character ``into[i]``: names and mentions."""
    if not into:
        return characters, mentions
    for i, j in into.items():
        host = characters[j]
        if host.name.startswith("the ") and not characters[i].name.startswith("the ") and not host.from_config:
            host.name = characters[i].name  # "the duchess" who answers to "Gladys" is Gladys
        host.aliases = sorted({*host.aliases, *characters[i].aliases}, key=lambda a: (-len(a), a))
        host.gender = host.gender or characters[i].gender
    numbers = _joined_numbers(len(characters), into)
    mentions = [(s, e, numbers[i]) for s, e, i in mentions]
    characters = [c for i, c in enumerate(characters) if i not in into]
    count_mentions(characters, mentions)
    return characters, mentions


def _joined_numbers(n: int, into: dict[int, int]) -> dict[int, int]:
    """Each of ``n`` characters' number once those of ``into`` are joined to their hosts."""
    kept = {old: new for new, old in enumerate(i for i in range(n) if i not in into)}
    return {i: kept[into.get(i, i)] for i in range(n)}


def merge(characters: list[Character], mentions: list[tuple[int, int, int]], into: dict[int, int]
          ) -> tuple[list[Character], list[tuple[int, int, int]], dict[int, int]]:
    """Characters joined as ``_merge`` joins them, still most mentioned first, and each old
    number's new one (for what was numbered before the join: the dialogue's speakers)."""
    joined = _joined_numbers(len(characters), into)
    characters, mentions = _merge(characters, mentions, into)
    order = sorted(range(len(characters)), key=lambda i: (-characters[i].mentions, characters[i].name))
    ranked = {old: new for new, old in enumerate(order)}
    numbers = {i: ranked[j] for i, j in joined.items()}
    mentions = [(s, e, ranked[i]) for s, e, i in mentions]
    return [characters[i] for i in order], mentions, numbers


def _bare_names_on_stage(characters: list[Character], mentions: list[tuple[int, int, int]], epithets: set[str]
                         ) -> tuple[list[Character], list[tuple[int, int, int]]]:
    """A name said alone that two or more people share ("Nicholas": Nicholas Rostóv and old
    Prince Nicholas Bolkónski; "Rostóv": Nicholas and his father) is the one whose family is on
    stage where it is said: around its mentions (a page either side), the people who share that
    person's other names ("Rostóv", "Natásha Rostóva") come at least twice as often as those who
    share the other's. Said of one person and then another, it stays a name of its own."""
    starts = [m[0] for m in mentions]

    def words(c: Character) -> set[str]:
        return {w for a in (c.name, *c.aliases) for w in a.split() if w.rstrip(".") not in TITLES}

    named = [words(c) for c in characters]

    def kin(a: str, b: str) -> bool:  # "Rostóva" is of the Rostóvs
        return a == b or len(b) >= 5 and (a.startswith(b) or b.startswith(a)) and abs(len(a) - len(b)) <= 2

    where: defaultdict[int, list[int]] = defaultdict(list)
    for s, _e, i in mentions:
        where[i].append(s)
    into: dict[int, int] = {}
    for i, c in enumerate(characters):
        bare = c.name.split()
        if len(bare) != 1 or c.from_config or c.name in epithets or len(where[i]) < TIE_EVIDENCE:
            continue
        word = bare[0]
        hosts = [j for j, h in enumerate(characters) if j != i and h.name not in epithets and word in named[j]
                 and len(h.name.split()) > 1 and (c.gender is None or h.gender is None or c.gender == h.gender)]
        if len(hosts) < 2:
            continue
        votes: Counter = Counter()
        for j in hosts:
            own = named[j] - {word}
            family = {k for k, ws in enumerate(named) if k != i and any(kin(a, b) for a in ws for b in own)}
            for s in where[i]:
                lo, hi = bisect.bisect_left(starts, s - TIE_WINDOW), bisect.bisect_right(starts, s + TIE_WINDOW)
                votes[j] += sum(1 for k in range(lo, hi) if mentions[k][2] in family)
        (best, n), *rest = votes.most_common() + [(None, 0)]
        if best is not None and n >= TIE_EVIDENCE and n >= 2 * rest[0][1]:
            into[i] = best
    # One step only: a name joins a person, never a name that itself joins another.
    into = {i: j for i, j in into.items() if j not in into}
    return _merge(characters, mentions, into)


_SHORT_TITLES = ("Mr", "Mrs", "Ms", "Dr", "St", "Mme", "Mlle", "Capt", "Col", "Prof")


def _titled(title: str, key: str) -> str:
    return f"{title}. {key}" if title in _SHORT_TITLES else f"{title} {key}"


def _cluster(people: dict[str, _Form], min_full: int = 1) -> list[Character]:
    """Group name forms into characters.

    Full names come first; a titled surname ("Mr. Knightley") joins the one full name it
    completes when the title's gender fits and it is not far more common than that full name
    (else it is a person of its own: the head of the family); a bare word joins the cluster
    that mostly uses it.
    """
    counts: Counter = Counter()
    titles: dict[str, Counter] = defaultdict(Counter)  # bare key -> titles used with it
    for form, f in people.items():
        title, words = _split_title(form.split())
        key = " ".join(words)
        given_gender = _name_gender(words[0]) if len(words) > 1 else None
        # "Mrs. St. Clair" is his wife, a person of her own ("Lord St. Simon" is "St. Simon"); so is
        # "Miss de Bourgh" beside "Lady Catherine de Bourgh": "de Bourgh" is a surname, not a full name.
        saint_surname = len(words) == 2 and (words[0] in ("St.", "Saint") or words[0] in SURNAME_PARTICLES) \
            and TITLES.get(title) == "female"
        if title and (len(words) == 1 or saint_surname or (TITLES.get(title) and given_gender and TITLES[title] != given_gender)):
            # "Mrs. John Knightley" is John's wife, not John: a person of her own.
            counts[_titled(title, key)] += f.count
            titles[_titled(title, key)][title] += f.count
        else:
            counts[key] += f.count
            if title:
                titles[key][title] += f.count
    members: dict[str, set[str]] = {}
    words_of: dict[str, set[str]] = {}

    def titled_gender(host: str) -> str | None:
        votes: Counter = Counter()
        for k in members[host]:
            for t, n in titles[k].items():
                if TITLES.get(t):
                    votes[TITLES[t]] += n
        return _vote(votes) if votes else None

    def gender(host: str) -> str | None:
        if (told := titled_gender(host)) is not None:
            return told
        first = host.split()[0]
        return _name_gender(first) if " " in host and first.rstrip(".") not in TITLES else None

    def add(host: str, key: str) -> None:
        members.setdefault(host, set()).add(key)
        words_of.setdefault(host, set()).update(w for w in key.split() if w.rstrip(".") not in TITLES)

    multi = [k for k in counts if " " in k and k.split()[0].rstrip(".") not in TITLES]
    for k in sorted(multi, key=lambda k: (-len(k.split()), -counts[k])):
        # A longer full name absorbs a shorter one it contains ("Anna Pavlovna" in "Anna Pavlovna Scherer").
        host = next((h for h in members if f" {k} " in f" {h} "), None)
        add(host or k, k)
    for h in sorted(members, key=lambda h: counts[h]):  # "Bill Sikes" is "William Sikes"
        given, *rest = h.split()
        full = [o for o in members if o != h and o.split()[1:] == rest and len(given) <= len(o.split()[0])
                and _plain(given).lower() in _pet_spellings(o.split()[0])]
        if len(full) == 1:
            members[full[0]] |= members.pop(h)
            words_of[full[0]] |= words_of.pop(h)
    titled = [k for k in counts if k.split()[0].rstrip(".") in TITLES and " " in k]

    def alone(given: str, surname: str) -> int:
        """How often a given name is said alone, in any of its forms ("William": "Bill")."""
        if given == surname or given.rstrip(".") in TITLES:
            return 0
        return counts.get(given, 0) + sum(counts.get(d.capitalize(), 0) for d in _diminutives(given))

    def married(title: str, host: str) -> bool:
        """Whether a woman's title fits a host: "Miss" (unmarried) and "Mrs." (married) are two
        women, and neither is a man. "Mrs. X" is the one woman named X only where the book has
        her husband, "Mr. X", and no "Miss X": else the full name may be a daughter's ("Daisy
        Miller" is Miss Miller, her mother Mrs. Miller; "Sibyl Vane" is not her mother)."""
        if title not in ("Miss", "Mrs"):
            return True
        if gender(host) != "female" and _name_gender(host.split()[0]) != "female":
            return False
        used = {t for x in members[host] for t in titles[x]}
        other = {"Miss": "Mrs", "Mrs": "Miss"}[title]
        if other in used and title not in used:
            return False
        if title == "Miss" and "Miss" not in used and any(TITLES.get(t) == "female" for t in used):
            return False  # "Lady Catherine de Bourgh" is not "Miss de Bourgh", her daughter
        if title == "Mrs" and "Mrs" not in used:
            surname = host.split()[-1]
            return _titled("Miss", surname) not in counts and _titled("Mr", surname) in counts
        return True

    for k in sorted(titled, key=lambda k: -counts[k]):
        word = k.split()[-1]
        if k.split()[0].rstrip(".") in ("St", "Saint") and not any(f" {k} " in f" {h} " for h in members):
            add(k, k)  # "St. George's" is a church, not George Burnwell; "St. Simon" is Robert St. Simon
            continue
        title = k.split()[0].rstrip(".")
        # "Mr. St. Clair": the title said before a saint's-name surname tells the gender.
        g = TITLES.get(title) or _vote(Counter({TITLES[t]: n for t, n in titles[k].items() if TITLES.get(t)}))
        # A full name's own given name, said alone, is that person too: "Emma" with "Emma
        # Woodhouse" makes "Miss Woodhouse" her, not a second Woodhouse woman.
        hosts = {h: sum(counts[x] for x in members[h]) + alone(h.split()[0], word)
                 for h in members if word in words_of[h] and " " in h and (g is None or gender(h) in (None, g))
                 and married(title, h)}
        given = [h for h in hosts if h.split()[0] == word and (
            title in titles[h] or any(_titled(title, x) in counts for x in h.split()[1:]))]
        if given:
            best = max(given, key=lambda h: hosts[h])
            if hosts[best] >= 0.6 * sum(hosts[h] for h in given):
                add(best, k)  # "Prince Andrew" is "Prince Andrew Bolkonski"
                continue
        if len(hosts) == 1:
            (h, n), = hosts.items()
            # "Mr. Knightley" far more common than "John Knightley" is his brother, not him,
            # where "John" is said alone; "Lord Robert St. Simon", never "Robert", is Lord St. Simon.
            surname = h.split()[-1] == word and h.split()[0] != word
            if counts[k] <= 3 * n + 5 or surname and not alone(h.split()[0], word):
                add(h, k)
                continue
        add(k, k)
    for k in sorted((k for k in counts if " " not in k), key=lambda k: -counts[k]):
        hosts = Counter({h: sum(counts[x] for x in members[h]) for h in members if k in words_of[h]})
        heads = [h for h in hosts if h.split()[0].rstrip(".") in ("Mr", "Monsieur", "Herr") and h.endswith(f" {k}")]
        if len(heads) == 1:
            add(heads[0], k)  # a bare surname most often means the head of the family
            continue
        if _name_gender(k) == "male":  # "James" is not "Mrs. James Cooper": she is his wife, or another James's
            hosts = Counter({h: n for h, n in hosts.items() if gender(h) != "female"})
        if hosts:
            best, n = hosts.most_common(1)[0]
            men = [h for h in hosts if gender(h) == "male"]
            if gender(best) == "female" and men:
                # "Weston" with Mr. and Mrs. Weston is him: a bare surname names a woman only
                # where no man of the family is in the book.
                if len(men) == 1:
                    add(men[0], k)
                    continue
            elif n >= 0.6 * sum(hosts.values()) or men == [best] and all(gender(h) == "female" for h in hosts if h != best):
                # Likewise the one man of the family, however often its women are named ("Turner"
                # with John Turner and Miss Turner is him).
                add(best, k)
                continue
        add(k, k)

    characters = []
    for host, keys in members.items():
        aliases = set(keys)
        for k in keys:
            for t in titles[k]:
                if " " in k and k.split()[0].rstrip(".") not in TITLES:
                    aliases.add(_titled(t, k))
        total = sum(counts[k] for k in keys)
        full = [k for k in keys if " " in k and k.split()[0].rstrip(".") not in TITLES]
        # The full given name over its pet form: "Elizabeth Bennet", not "Eliza Bennet".
        full = [k for k in full if not any(o.split()[1:] == k.split()[1:] and len(k) < len(o) and _plain(k.split()[0]).lower()
                                           in _diminutives(o.split()[0]) for o in full)] or full
        best_full = max(sorted(full), key=lambda k: (counts[k], len(k))) if full else None
        if best_full and counts[best_full] >= min_full:
            name = best_full
        else:
            name = max(sorted(keys), key=lambda k: (counts[k], len(k)))  # a tie goes to the longer form
        # Sex from gendered titles only: otherwise the text and the given name decide (_guess_genders).
        characters.append(Character(name=name, aliases=sorted(aliases, key=lambda a: (-len(a), a)),
                                    mentions=total, gender=titled_gender(host)))
    return characters


@functools.lru_cache(maxsize=4096)
def _diminutives(given: str) -> frozenset[str]:
    """A given name's shorter and pet forms, from the `nicknames` package's hand-curated English
    table ("Elizabeth": "Eliza", "Lizzy"; "Henry": "Harry"; "James": "Jim"), lower case. Only
    this direction: "Eliza" is also listed under "Louisa", and two full names ("Maria",
    "Mary") are two people."""
    from nicknames import NickNamer

    global _NICKNAMER
    if _NICKNAMER is None:
        _NICKNAMER = NickNamer()
    return frozenset(_NICKNAMER.nicknames_of(_plain(given).lower()))


@functools.lru_cache(maxsize=4096)
def _pet_spellings(given: str) -> frozenset[str]:
    """The pet forms of ``_diminutives`` in each spelling of their ending ("Charlie", "Charley",
    "Charly"). Only where the surname is said too ("Charley Bates" is "Charles Bates"): a bare
    "Kitty" is not every Catherine in the book."""
    pets = set(_diminutives(given))
    for pet in _diminutives(given):
        stem = re.sub(r"(?:ie|ey|y)$", "", pet)
        if stem != pet and len(stem) > 1:
            pets.update(stem + end for end in ("ie", "ey", "y"))
    return frozenset(pets)


_NICKNAMER = None


def _join_given_names(characters: list[Character]) -> list[Character]:
    """One person under two forms of their given name: "Lizzy" and "Eliza Bennet" are
    "Elizabeth Bennet", "Harry" is "Henry Wotton", "Dell" is "Della". A pet form joins the
    one person whose given name it shortens (never when two people could have it, nor across
    genders, nor to another surname); the full form stays the name."""
    def given(c: Character) -> tuple[str, str] | None:
        words = c.name.split()
        if words[0].rstrip(".") in TITLES:
            return None
        return words[0], " ".join(words[1:])

    def pets(h: Character) -> set[str]:
        """The pet forms of every given name ``h`` goes by (never longer than the name: the
        table lists some both ways)."""
        firsts = {a.split()[0] for a in (h.name, *h.aliases) if a.split()[0].rstrip(".") not in TITLES}
        return {d for f in firsts for d in _diminutives(f) if len(d) <= len(f)}

    out = list(characters)
    pet_forms = {id(h): pets(h) for h in out}
    for c in sorted(characters, key=lambda c: c.mentions):
        if c not in out or given(c) is None:
            continue
        first, surname = given(c)
        pet = _plain(first).lower()
        # A pet form joins a full name ("Harry": "Henry Wotton"); a bare name only when it is
        # its start ("Dell": "Della"; "Bill" the lizard is not "Father William").
        hosts = [h for h in out if h is not c and pet in pet_forms[id(h)] and given(h) is not None
                 and (given(h)[1] or _plain(given(h)[0]).lower().startswith(pet))
                 and (not surname or given(h)[1] == surname)
                 and (c.gender is None or h.gender is None or c.gender == h.gender)]
        if len(hosts) != 1:
            continue
        keep, gone = hosts[0], c  # the full form is the name: "Elizabeth Bennet", not "Eliza Bennet"
        keep.aliases = sorted({*keep.aliases, *gone.aliases, gone.name}, key=lambda a: (-len(a), a))
        keep.mentions += gone.mentions
        keep.gender = keep.gender or gone.gender
        out.remove(gone)
        pet_forms[id(keep)] = pets(keep)
    return out


def _join_given_variants(characters: list[Character], forms: dict[str, _Form]) -> list[Character]:
    """A given name that the book also writes with someone's surname ("Natalie Rostóva",
    said twice) and that starts as that person's given name does ("Natalie", "Natásha": the
    French and the Russian form of one name) is that person: the same family, the same name
    begun the same way. Never when two people could have it, nor across genders."""
    def surnames(c: Character) -> set[str]:
        return {a.split()[-1] for a in (c.name, *c.aliases) if len(a.split()) > 1}

    def firsts(c: Character) -> set[str]:
        return {_plain(a.split()[0]).lower() for a in (c.name, *c.aliases) if a.split()[0].rstrip(".") not in TITLES}

    after: defaultdict[str, set[str]] = defaultdict(set)  # "Natalie" -> {"Rostóva"}: two-word forms, once
    for form in forms:
        if form.count(" ") == 1:
            first, second = form.split()
            after[first].add(second)
    out = list(characters)
    for c in sorted(characters, key=lambda c: c.mentions):
        given = c.name.split()[0]
        if c not in out or given.rstrip(".") in TITLES or any(a.split()[0] != given for a in c.aliases):
            continue
        said = surnames(c) | after.get(given, set())
        own = _plain(given).lower()
        hosts = [h for h in out if h is not c and said & surnames(h) and own not in firsts(h)
                 and any(len(f) >= 4 and f[:4] == own[:4] for f in firsts(h))
                 and (c.gender is None or h.gender is None or c.gender == h.gender)]
        if len(hosts) != 1:
            continue
        keep = hosts[0]
        keep.aliases = sorted({*keep.aliases, *c.aliases, *(f"{given} {s}" for s in said & surnames(keep))},
                              key=lambda a: (-len(a), a))
        keep.mentions += c.mentions
        out.remove(c)
    return out


def _adopt_bare_surnames(characters: list[Character], forms: dict[str, _Form]) -> None:
    """"said Hall": a surname that is also an ordinary word ("hall") still names the family's
    titled member, or the one named in full ("Jonathan Small"), when it is capitalised
    mid-sentence and seldom used as a place."""
    taken = {a for c in characters for a in c.aliases}
    by_surname: dict[str, list[Character]] = defaultdict(list)
    for c in characters:
        words = c.name.split()
        if len(words) == 2 and (words[0].rstrip(".") in TITLES or _name_gender(words[0]) is not None):
            by_surname[words[1]].append(c)
    for surname, owners in by_surname.items():
        f = forms.get(surname)
        if surname in taken or not f or f.count - f.initial < 2 or f.place * 4 > f.person:
            continue
        heads = [c for c in owners if c.name.split()[0].rstrip(".") in ("Mr", "Monsieur", "Herr")]
        owner = heads[0] if len(heads) == 1 else owners[0] if len(owners) == 1 else None
        if owner is not None:
            owner.aliases.append(surname)
    # "said Rose": likewise a given name that is also a word, for the one person whose full name
    # starts with it ("Rose Maylie").
    firsts: dict[str, list[Character]] = defaultdict(list)
    for c in characters:
        words = c.name.split()
        if len(words) > 1 and words[0].rstrip(".") not in TITLES:
            firsts[words[0]].append(c)
    for given, owners in firsts.items():
        f = forms.get(given)
        if len(owners) == 1 and given not in taken and f and f.count - f.initial >= 2 and f.place * 4 <= f.person \
                and _name_gender(given) is not None:
            owners[0].aliases.append(given)


def _vote(votes: Counter) -> str | None:
    if not votes:
        return None
    (g, n), *rest = votes.most_common()
    return g if not rest or n >= 2 * rest[0][1] else None


def _apply_config(characters: list[Character], setting: StorySetting) -> list[Character]:
    for cs in setting.characters:
        wanted = {cs.name, *cs.aliases}
        merged = [c for c in characters if wanted & ({c.name} | set(c.aliases))]
        aliases = set(wanted)
        gender = cs.gender
        for c in merged:
            aliases.update(c.aliases)
            aliases.add(c.name)
            gender = gender or c.gender
        characters = [c for c in characters if c not in merged]
        characters.append(Character(name=cs.name, aliases=sorted(aliases, key=lambda a: (-len(a), a)),
                                    gender=None if gender == "unknown" else gender, from_config=True))
    return characters


def alias_table(characters: list[Character]) -> dict[str, int]:
    """Alias -> character index; an alias two characters share is left out (it is ambiguous)."""
    table: dict[str, int] = {}
    clash: set[str] = set()
    for i, c in enumerate(characters):
        for a in {c.name, *c.aliases}:
            if a in table and table[a] != i:
                clash.add(a)
            table[a] = i
    for a in clash:
        # The config's own characters win a clash with detected ones.
        owners = [i for i, c in enumerate(characters) if a in c.aliases or a == c.name]
        cfg = [i for i in owners if characters[i].from_config]
        if len(cfg) == 1:
            table[a] = cfg[0]
        else:
            del table[a]
    return table


def _trie_regex(words: list[str], not_after: str = "") -> str:
    """One regex for a set of words, factored by common prefixes. Python's regex engine tries
    the branches of a plain alternation one by one; a trie lets it fail fast, which makes
    scanning a long novel for several hundred aliases about four times faster. ``not_after``,
    a character class the words may not follow, is checked after their first letter, so that
    the engine can still skip ahead to the letters the words start with."""
    trie: dict = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def walk(node: dict, first: bool = False) -> str:
        after = f"(?<!{not_after}.)" if first and not_after else ""
        alts = [(r"\s+" if ch == " " else re.escape(ch)) + after + walk(sub) for ch, sub in sorted(node.items()) if ch]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        return f"(?:{body})?" if "" in node else body

    return walk(trie, first=True)


def alias_pattern(table: dict[str, int]) -> re.Pattern[str] | None:
    """One regex matching any alias as a whole word; "the X" also as "The X"."""
    if not table:
        return None
    words = set()
    for a in table:
        words.add(a)
        if a[:4].lower() == "the ":
            words.update({"the " + a[4:], "The " + a[4:]})
            if a[4:5].isupper():  # "a Voice" is the Voice again
                words.update({"a " + a[4:], "A " + a[4:]})
    return re.compile(r"(?:" + _trie_regex(sorted(words), not_after=r"[\w’']") + r")(?![\w])")


def find_mentions(text: str, start: int, end: int, characters: list[Character]) -> list[tuple[int, int, int]]:
    """(start, end, character index) of every mention, in text order."""
    table = alias_table(characters)
    lookup = {(a if a[:4].lower() != "the " else "the " + a[4:]): i for a, i in table.items()}
    pattern = alias_pattern(table)
    if pattern is None:
        return []
    out = []
    for m in pattern.finditer(text, start, end):
        i = lookup.get(mention_key(m.group()))
        if i is not None:
            out.append((m.start(), m.end(), i))
    return out


def mention_key(form: str) -> str:
    """The alias a matched form stands for: spaces collapsed, "The X" and "a X" as "the X"."""
    key = " ".join(form.split())
    if key[:4] in ("The ", "THE "):
        return "the " + key[4:]
    if key[:2] in ("a ", "A "):
        return "the " + key[2:]
    return key


def count_mentions(characters: list[Character], mentions: list[tuple[int, int, int]]) -> None:
    """Set each character's mention count and first appearance from their mentions."""
    for c in characters:
        c.mentions, c.first = 0, None
    for s, _e, i in mentions:
        c = characters[i]
        c.mentions += 1
        if c.first is None:
            c.first = s


# "he" or "she" as a clause's subject: at the start, or after a stop, a comma, "and" or "then".
# Found by the pronoun first, then the clause end before it: re scans for h and s that way,
# three times faster than a pattern that opens on the clause end.
_HE_OR_SHE = re.compile(r"[HhSs](?<!\w.)(?:(?<=[Hh])[Ee]|(?<=[Ss])[Hh][Ee])\b")
_CLAUSE_END = re.compile(r"(?:[.!?;:,]|(?<!\w)(?:and|then))\s+\Z", re.IGNORECASE)


def _subject_pronouns(text: str) -> Iterator[str]:
    """ "he" or "she" for each one ``text`` has as a clause's subject."""
    for m in _HE_OR_SHE.finditer(text):
        if m.start() == 0 or _CLAUSE_END.search(text, max(0, m.start() - 80), m.start()):
            yield m.group().lower()


_QUOTED = re.compile(r"[\"“][^\"”]*[\"”]?|‘[^’]*’")
_name_genders: dict[str, str | None] = {}
_name_leans: dict[str, str | None] = {}


_gender_table: tuple[object, dict[str, list[str]]] | None = None  # (detector, name -> its lines)


def _load_name_genders(names: set[str]) -> None:
    """Look up the usual gender of each given name in gender-guesser's tables.

    Parsing its whole 48,000-line table costs about 0.4 s, so the file is read and its lines
    indexed by name once per process, and only the lines for the names asked about are parsed."""
    global _gender_table
    wanted = {n.lower() for n in names} - set(_name_genders)
    if not wanted:
        return
    if _gender_table is None:
        import gender_guesser.detector

        lines: dict[str, list[str]] = defaultdict(list)

        class Detector(gender_guesser.detector.Detector):
            def _parse(self, filename: str) -> None:
                self.names = {}
                with open(filename, encoding="utf-8") as fh:
                    for line in fh.read().splitlines():
                        parts = line.split(None, 2)
                        if len(parts) > 1 and line[0] not in "#=":
                            key = parts[1].lower()
                            for form in {key.replace("+", ""), key.replace("+", "-")}:
                                lines[form].append(line.strip())

        _gender_table = (Detector(case_sensitive=False), lines)
    detector, lines = _gender_table
    for name in wanted:
        for line in lines.get(name, ()):
            detector._eat_name_line(line)  # type: ignore[attr-defined]
        lines.pop(name, None)
    for name in wanted:
        g = detector.get_gender(name)  # type: ignore[attr-defined]
        _name_genders[name] = g if g in ("male", "female") else None
        # "Mary" is only "mostly_female" in the tables ("Sandy", "Tonie" lean the same way and
        # are men in their books): a lean, that counts only where the text agrees.
        _name_leans[name] = g.removeprefix("mostly_") if g in ("mostly_male", "mostly_female") else None


def _plain(name: str) -> str:
    """A name without its accents ("Natásha" -> "Natasha"), for looking it up."""
    return "".join(ch for ch in unicodedata.normalize("NFKD", name) if not unicodedata.combining(ch))


def _name_gender(name: str) -> str | None:
    """Gender a given name usually has, or None when unclear (see _load_name_genders); accents
    do not count ("Márya" is "Marya")."""
    key = _plain(name).lower()
    if key not in _name_genders:
        _load_name_genders({key})
    return _name_genders.get(key)


def _guess_genders(text: str, start: int, end: int, characters: list[Character],
                   mentions: list[tuple[int, int, int]]) -> None:
    """Gender from titles (already set), the given name, and the pronouns of paragraphs
    where the character is the only one named (a description whose title gave its sex, "the old
    prince", does not count as named, but a "he" beside him may be his, so it goes to no one)."""
    votes: dict[int, Counter] = defaultdict(Counter)
    described = {i for i, c in enumerate(characters) if c.gender and c.name.startswith("the ")}
    k = 0
    for m in re.finditer(r"[^\n]+(?:\n(?!\s*\n)[^\n]*)*", text[start:end]):
        ps, pe = m.start() + start, m.end() + start
        named, beside = set(), set()
        while k < len(mentions) and mentions[k][0] < pe:
            if mentions[k][0] >= ps:
                if (i := mentions[k][2]) in described:
                    beside.add(characters[i].gender)
                else:
                    named.add(i)
            k += 1
        if len(named) != 1:
            continue
        narration = _QUOTED.sub(" ", m.group())
        for pronoun in _subject_pronouns(narration):
            if (gender := "male" if pronoun == "he" else "female") not in beside:
                votes[next(iter(named))][gender] += 1
    for i, c in enumerate(characters):
        v = votes[i]
        text_gender = None
        if v["male"] >= 2 * v["female"] + 2:
            text_gender = "male"
        elif v["female"] >= 2 * v["male"] + 2:
            text_gender = "female"
        if c.gender:
            continue
        given = lean = None
        for alias in [c.name, *sorted(set(c.aliases) - {c.name}, key=len)]:  # "Della" before "Dell"
            words = alias.split()
            if words[0][:1].isupper() and (len(words) == 1 or words[0].rstrip(".") not in TITLES):  # not "the robber"
                given = _name_gender(words[0])
                lean = lean or _name_leans.get(_plain(words[0]).lower())
                if given:
                    break
        most, least = max(v["male"], v["female"]), min(v["male"], v["female"])
        strong_text = text_gender and (most >= 6 and most >= 4 * least or most >= 12 and most >= 2.5 * least)
        # A lean counts where the text, however weakly, agrees: "Tonie" with no pronoun of his own stays unknown.
        leaning = lean if lean and v[lean] > v["male" if lean == "female" else "female"] else None
        c.gender = text_gender if strong_text else (given or text_gender or leaning)
