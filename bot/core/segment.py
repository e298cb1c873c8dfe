"""Split a story's body into paragraphs, chapters, scenes and passages, all with exact offsets."""
from __future__ import annotations

import re
import statistics
from dataclasses import dataclass

from bot.core.loader import Story
from bot.core.text import nice_case, sentences

PASSAGE_MAX = 600
SHORT_PARAGRAPH = 200


@dataclass(frozen=True, slots=True)
class Paragraph:
    start: int
    end: int
    blank_before: int  # blank lines between this paragraph and the previous one


@dataclass(frozen=True, slots=True)
class Chapter:
    id: int
    title: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Span:
    """A run of paragraphs: a scene before it gets its title and characters."""

    chapter: int
    paragraphs: tuple[int, ...]  # indexes into the paragraph list
    start: int
    end: int
    heading: str | None = None
    cause: str = "start"  # what opened it: start, chapter, break, blank, time, flashback, return, place


# --- paragraphs ---------------------------------------------------------------------------

_BLANK_RUN = re.compile(r"\n(?:[ \t]*\n)+")


def paragraphs(text: str, start: int, end: int) -> list[Paragraph]:
    """Paragraphs between ``start`` and ``end``: blocks between blank lines, or lines where a
    file puts one paragraph on each line with no blank lines between them."""
    blocks: list[tuple[int, int, int]] = []
    pos, blanks = start, 0
    for match in _BLANK_RUN.finditer(text, start, end):
        blocks.append((pos, match.start(), blanks))
        blanks = match.group().count("\n") - 1
        pos = match.end()
    blocks.append((pos, end, blanks))
    lines_per_block = [text.count("\n", s, e) + 1 for s, e, _ in blocks if s < e]
    line_lengths = [len(line) for line in text[start:end].split("\n") if line.strip()]
    one_per_line = (
        lines_per_block
        and statistics.mean(lines_per_block) > 3
        and line_lengths
        and statistics.median(line_lengths) > 110
    )
    result = []
    for s, e, blank in blocks:
        pieces = [(s, e)]
        if one_per_line:
            pieces, p = [], s
            for line in text[s:e].split("\n"):
                pieces.append((p, p + len(line)))
                p += len(line) + 1
        for i, (ps, pe) in enumerate(pieces):
            while ps < pe and text[ps].isspace():
                ps += 1
            while pe > ps and text[pe - 1].isspace():
                pe -= 1
            if ps < pe:
                result.append(Paragraph(ps, pe, blank if i == 0 else 0))
    return result


# --- headings and breaks ----------------------------------------------------------------

_NUMBER_WORDS = (
    r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|"
    r"sixteen|seventeen|eighteen|nineteen|twenty|first|second|third|fourth|fifth|sixth|seventh|"
    r"eighth|ninth|tenth|last|final"
)
_NUMBER = rf"(?:[IVXLCDM]+|\d+|(?:{_NUMBER_WORDS})(?:[- ](?:{_NUMBER_WORDS}))?)"
_PART = re.compile(rf"^(?:book|part|volume|vol\.)\s+{_NUMBER}\b.*$", re.IGNORECASE)
_EPILOGUE = re.compile(rf"^(?:the\s+)?(?:(?:{_NUMBER_WORDS})\s+)?(?:epilogue|prologue|interlude|afterword)\b.{{0,60}}$", re.IGNORECASE)
_CHAPTER = re.compile(rf"^chapter\s+{_NUMBER}\b.*$", re.IGNORECASE)
_BARE_HEAD = re.compile(rf"^(?:chapter\s+)?{_NUMBER}\.?$", re.IGNORECASE)  # a heading with no title of its own
_NUMERAL = re.compile(r"^(?:[IVXLC]+|\d{1,3})\.?$")
_NUMERAL_TITLED = re.compile(r"^(?:[IVXLC]+|\d{1,3})\.\s+[A-Z][^.!?]{1,70}$")
_MARKDOWN = re.compile(r"^(#{1,6})\s+(\S.*?)\s*#*$")
_SEPARATOR = re.compile(r"^(?:[*~#=_•·+\-\s]{1,40}|o0o|oOo|0o0|xXx|-x-|\*x\*)$", re.IGNORECASE)
_CAPS_TITLE = re.compile(r"^[A-Z0-9][A-Z0-9 ,'’&:\-]{2,60}$")


def heading_kind(line: str) -> str | None:
    """What kind of heading a one-line paragraph is, if any; or a chapter heading with its
    title on the lines below ("CHAPTER I.\nTHE STRANGE MAN'S ARRIVAL", "Chapter II\nThe
    Statement of the Case", as Project Gutenberg sets many novels)."""
    line = line.strip()
    if "\n" in line:
        first, *rest = [x.strip() for x in line.split("\n")]
        return "chapter" if len(first) <= 90 and _CHAPTER.match(first) and _subtitle(rest) else None
    if len(line) > 90:
        return None
    if _MARKDOWN.match(line):
        return "markdown"
    if _SEPARATOR.match(line):
        return "separator"
    if _CHAPTER.match(line):
        return "chapter"
    if _PART.match(line):
        return "part"
    if _EPILOGUE.match(line) and _titleish(line):
        return "epilogue"
    if _NUMERAL.match(line):
        return "numeral"
    if _NUMERAL_TITLED.match(line):
        return "numeral_titled"
    if _CAPS_TITLE.match(line) and any(c.isalpha() for c in line) and len(line.split()) <= 10:
        return "caps"
    return None


def _subtitle(lines: list[str]) -> bool:
    """Whether the lines under a chapter heading are its title: at most three short lines in
    capitals or in title case ("TREATS OF THE PLACE WHERE OLIVER TWIST WAS BORN AND OF THE",
    "The Science of Deduction"), not the chapter's first sentences."""
    if not 1 <= len(lines) <= 3 or any(not x or len(x) > 80 for x in lines) or lines[-1].endswith((",", ";", ":")):
        return False  # (nor a letter's "My Dear Mina,")
    title = " ".join(lines)
    if title.upper() == title:
        return any(c.isalpha() for c in title)
    long_words = [w for w in re.findall(r"[A-Za-z’']+", title) if len(w) >= 4]
    return bool(long_words) and all(w[0].isupper() for w in long_words) and not re.search(r"[.!?]\s+\S", title)


def _title_paragraph(para: str) -> bool:
    """Whether the paragraph after a bare chapter heading is its title ("JONATHAN HARKER'S
    JOURNAL", "The Science of Deduction"), not the chapter's first line: nothing said ("“Where
    is Holmes?”", "Hello, John."), cried or asked, no sentence ("Call me Ishmael.", "London,
    Monday.")."""
    para = para.strip()
    lines = para.split("\n")
    if not _subtitle(lines) or _QUOTE_MARK.search(para) or para.endswith(("!", "?")) \
            or re.search(r"\b(?:I|ME|MY|YOU|HIM|HER|WE|US|THEM)\b", para):
        return False  # (nor "I HATE HIM.")
    return para.upper() == para or (len(para.split()) >= 2 and not para.endswith("."))


def _titleish(line: str) -> bool:
    """A line in capitals or title case ("THE EPILOGUE", "Epilogue: Ten Years Later"), not a
    sentence that starts with the same word ("The interlude was over at last.")."""
    return line.upper() == line or len(line.split()) <= 2 or _subtitle([line]) and not line.endswith(".")


# Leading lines that are not the story: its title, byline, producer credits.
_FRONT = re.compile(
    r"^(?:by\b|produced by|transcribed|prepared by|e-?text|character set|this e-?book|"
    r"the millennium fulcrum|translated by|illustrat|contents$|table of contents)",
    re.IGNORECASE,
)


def _is_front_matter(text: str) -> bool:
    if "\n" in text.strip() and len(text) > 200:
        return False
    if _FRONT.match(text):
        return True
    return len(text) <= 80 and not re.search(r"[.!?\"”’:;,]$", text) and text[:1] not in "\"“‘'"


_VOLUME_END = re.compile(r"(?:END OF (?:THE )?(?:VOL|VOLUME|BOOK|PART|\w+ VOLUME)\b|FINIS\b)", re.IGNORECASE)


def _before_volume_matter(text: str, paras: list[Paragraph], kinds: list[str | None], first: int, end: int) -> int:
    """Where a chapter ends when a volume's title page follows it ("END OF VOL. I.",
    "[Illustration: ...]", "PRIDE AND PREJUDICE:", "A Novel.", "VOL. II.", "London: Printed
    for ..."): short lines in capitals, brackets or front matter, cut only when a volume's
    heading or end ("VOL. II.", "END OF VOL. I.") is among them."""
    def matter(j: int) -> bool:
        para = text[paras[j].start : paras[j].end].strip()
        words = para.split()
        if kinds[j] is not None or para.startswith("[") or _is_front_matter(para):
            return True
        capital = sum(1 for w in words if w[:1].isupper() or w[:1].isdigit())
        return 2 <= len(words) <= 12 and not _QUOTE_MARK.search(para) and 3 * capital >= 2 * len(words)

    j = end
    while j - 1 > first and matter(j - 1):
        j -= 1
    marked = any(kinds[k] == "part" or _VOLUME_END.match(text, paras[k].start) for k in range(j, end))
    return j if marked else end  # not a gravestone's "HERE LIES JOHN SMITH" or a sign's "TO LET"


# --- implicit scene breaks ----------------------------------------------------------------

_NUMBERS = "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|several|a few|few|many|some"
_TIME_JUMP = re.compile(
    r"^(?:(?:oh|and|but|so|well|then|now)[,!]?\s+)*"  # "Oh, and the next two hours tripped by"
    r"(?:(?:the|that|on the) (?:next|following|same) (?:morning|day|night|evening|afternoon|week|month|year)"
    r"|(?:early |late )?(?:the )?next (?:morning|day|night|evening|afternoon|week)"
    rf"|the (?:next|following) (?:{_NUMBERS}) (?:hours|days|weeks|months|years|minutes)"
    rf"|(?:at|by|about|towards?|(?:(?:just|soon|shortly|a little|some time|long) )?(?:before|after)) (?:\d{{1,2}}|{_NUMBERS})(?:[.:]\d\d)? o['’]clock"
    r"|it was an? (?:\w+[ ,]+){1,2}?(?:night|morning|evening|afternoon|day)\b"  # "It was a bitter night, so we"
    r"|(?:that|this) (?:night|evening|morning|afternoon)\b"
    r"|later(?: that| in the| on|,)"
    r"|(?:(?:some|about|nearly|almost|only) )?(?:a|an|one|two|three|four|five|six|seven|eight|nine|ten|several|a few|"
    r"a couple of|many|some) (?:hours?|days?|weeks?|months?|years?|minutes?) (?:or so )?(?:later|after(?:wards?)?|passed|went by)"
    r"|(?:hours|days|weeks|months|years) (?:later|passed|went by)"
    # "In a few days Mr. Bingley returned Mr. Bennet's visit", "In a week or two"
    rf"|in (?:(?:a few|{_NUMBERS}) (?:days|weeks|months)|an? (?:day|week|fortnight|month)(?: or two)?)\b"
    r"|meanwhile|in the meantime|at (?:dawn|daybreak|dusk|midnight|noon)"
    # A meal over, the party moves on: "When dinner was over, she returned directly to Jane"
    r"|(?:when|after) (?:the )?(?:dinner|breakfast|supper|luncheon|lunch|tea|meal) (?:was|had been) (?:over|ended|finished)"
    # "One night—it was in June—there came a ring", "Late one evening the Rostóvs' sleighs drove in"
    r"|(?:early |late )?one (?:day|night|morning|evening|afternoon)"
    # "When little Oliver was taken before the gentlemen that evening": the clause names the time
    r"|(?:when|after) (?:[\w’'“”\"]+ ){1,8}?(?:that|the next|the following) (?:evening|night|morning|afternoon)\b(?![’']s)"
    # "It chanced one morning, while...", "As she sat one morning, looking forward to...": a few
    # words of the first clause before it
    r"|(?:(?!(?:had|has|have|not|never|than|like|of|for|only|to|hoped?|hopes|would|could|should|might|may|must|will|shall)\b)[\w’']+ ){1,3}"
    r"one (?:day|night|morning|evening|afternoon)\b(?![’']s| (?:before|ago|earlier|more|remained|left)\b)"
    # "It was early in April in the year '83 that I woke"; not "It was in July, 1805, and the
    # speaker was" (the time of the scene already begun, not a jump to another)
    r"|it was (?:early |late )?in (?:the )?(?:spring|summer|autumn|fall|winter|january|february|march|april|may|"
    r"june|july|august|september|october|november|december)\b[^.;]{0,40}\b(?:that|when)"
    r"|when (?:he|she|they|i) (?:woke|awoke)|the (?:morning|day|evening) after|by the time"
    r"|all (?:that |the next |next |the following )?(?:day|night|morning|evening|afternoon)"  # "All that day he traveled", "All day I was engaged"
    r"|the whole of (?:the )?(?:next|that|following) (?:day|night|morning|evening)"
    # "It was nearly four o'clock when we", "It was late before Holmes returned", "It was about
    # ten minutes before we regained our cab": the narration names the hour it has jumped to.
    rf"|it was (?:(?:nearly|almost|about|past|after|close upon|not until|already|quite|very|getting) )*"
    rf"(?:(?:\d{{1,2}}|{_NUMBERS}|half[- ]past \w+)(?: o['’]clock| (?:minutes?|hours?|days?)(?= (?:before|after|later)))"
    r"|late|early|dark|evening|night|morning|noon|midnight|dawn)(?=[ ,]+(?:when|before|ere|that|by|and|in the))"
    r")\b",
    re.IGNORECASE,
)
# _NEW_DAY, _PAST_PERFECT, _ANCHOR, _EXIT, _LEAVING and _WE_LEFT are matched against lower-cased text
# (half the time of re.IGNORECASE, on every paragraph of a novel).
# "The morning broke bright and cloudless": a new day anywhere in a paragraph's first sentence.
_NEW_DAY = re.compile(r"\b(?:the )?(?:morning|day|dawn) (?:broke|dawned|came)\b|\bnext (?:morning|day)\b"
                      # "...; and the morning after the assembly brought the former to Longbourn"
                      r"|[;,:] (?:and |but |so )?the (?:morning|day) after (?:the|his|her|their|our|my)\b(?![^.;]*\bhad\b)"  # a clause of its own, not a recollection
                      r"|^(?:\S+ ){0,4}?on the following (?:morning|day)\b"  # "He flattered himself on the following day that"
                      r"|^(?:\S+ ){0,5}?(?:early |late )?in the (?:morning|evening|afternoon)\b"  # "It had cleared in the morning"
                      # "I had been delayed at a case, and it was a little after half-past six when I found myself"
                      r"|\bit was (?:(?:a little|just|nearly|almost|about|already) )?(?:(?:after|past|before) )?"
                      r"(?:half[- ]past|a quarter (?:past|to)|\w+ o['’]clock)\b[^.;]{0,12}\bwhen\b")
# "...; but nevertheless, a couple of days later, the fact was known": days gone by anywhere in the
# first sentence (looked for only where "later" or "afterward" is: most paragraphs have neither).
_DAYS_LATER = re.compile(r"\b(?:a|one|two|three|four|five|six|a couple of|a few|several|some) (?:days|weeks|months|years) "
                         r"(?:later|afterwards?)\b")
# Each way of _NEW_DAY holds one of these: a paragraph with none is not searched (a tenth of a
# second on War and Peace).
_NEW_DAY_WORDS = ("morning", "day", "dawn", "evening", "afternoon", "past", "quarter", "clock")
# Someone arriving somewhere opens a scene there: "When Della reached home", "As they entered the hall".
_ARRIVAL = re.compile(
    r"^(?:(?:when|as soon as|as|after|once)\s+(?:[\w’'.]+\s+){1,3}?(?:reached|arrived|entered|got home|got back|came home|"
    r"came back|returned)"
    # "We had pulled up in front of a large villa", "They arrived at the inn"
    r"|(?:we|they|i|he|she)\s+(?:had\s+)?(?:at (?:last|length)\s+)?(?:(?:pulled|drew) up(?= (?:in front of|at|before|outside|beside)\b)|arrived at|arrived in)"
    r"|on (?:his|her|their|our|my) way (?:to|from|home|back)\b"  # "On their way to the magistrate, Mr. Bumble"
    # "Pierre reaching the house first went into", "Having left Lestrade at his rooms, we drove"
    r"|(?:on |upon |having |after )?(?:[\w’'.]+\s+){0,2}?(?:reaching(?! (?:out|for|over|up|down|across)\b)|arriving at|arriving in|returning to|having reached|"
    r"having arrived|having left|having parted from|on leaving)"
    # "She was shewn into the breakfast-parlour", "We were ushered into a sitting-room"
    r"|(?:[\w’'.]+\s+){1,3}?(?:was|were)\s+(?:shewn|shown|ushered|conducted)\s+(?:up\s+)?(?:into|to)\s+(?:the|a|an|his|her|their|our|my)\b"
    r")\b", re.IGNORECASE)
# Someone found at something when another comes in, the way a scene is set: "The board were
# sitting in solemn conclave, when Mr. Bumble rushed into the room"; "The undertaker ... was making
# some entries in his day-book ..., when Mr. Bumble entered."
_CAME_IN_ON = re.compile(r"^(?:[\w’'.,-]+ ){1,12}?(?:was|were) (?!still\b)(?:\w+ )?(?!(?:darling|king|nothing|something|anything|"
                         r"everything|evening|morning|thing|ring|wedding|building|pudding|ceiling|stocking|lodging|"
                         r"shilling|farthing|sibling)\b)[a-z]+ing\b[^.;!?“”\"]{0,200}?,? when (?:[\w’'.]+ ){1,3}?"
                         r"(?:entered|(?:came|walked|rushed|burst|ran) in(?:to)?|arrived|appeared)\b", re.IGNORECASE)
# A flashback opens in the past perfect with a time anchor ("Caroline had asked one day").
_PAST_PERFECT = re.compile(
    r"\bhad\s+(?:\w+ly\s+)?(?!(?:a|an|the|to|no|not|nothing|his|her|their|its|my|your|our|some|any|"
    r"this|that|these|those|one|two|enough|more|much|many|little|few|every|each|all|both|such|it|them|him|me|us|you)\b)"
    r"[a-z]{2,}\b",
)
_ANCHOR = re.compile(
    r"\b(?:one day|one night|one evening|one morning|that day|the day that|the day when|years ago|"
    r"(?:weeks|months|days|years) (?:ago|before|earlier)|(?<!how )long ago|once,|back then|the night before|"
    r"(?<!not )the first time|a while ago|as a child|when (?:he|she|they|i) (?:was|were) (?:young|a child|little))\b",
)
_RETURN = re.compile(r"\b(?:continued|still|now|again|back in the present|present day)\b", re.IGNORECASE)
_PLACES = (
    "bar|pub|tavern|inn|studio|kitchen|bedroom|bathroom|hall|ballroom|garden|park|street|road|"
    "church|chapel|cathedral|house|mansion|manor|cottage|apartment|flat|office|library|school|"
    "classroom|hospital|restaurant|cafe|café|club|shop|store|market|square|station|platform|"
    "forest|woods|wood|field|meadow|river|lake|beach|shore|sea|harbour|harbor|bridge|castle|palace|"
    "tower|dungeon|cellar|attic|basement|porch|balcony|roof|yard|courtyard|stable|barn|farm|camp|"
    "battlefield|drawing room|dining room|living room|sitting room|parlour|parlor|study|corridor|"
    "stairs|staircase|gallery|theatre|theater|museum|court|courtroom|prison|cell|carriage|coach|"
    "car|train|ship|boat|deck|cabin|tent|cave|hill|mountain|village|town|city|cemetery|graveyard|"
    "alley|lobby|hotel|motel|room|ward|chamber|terrace|lawn|orchard|lane|avenue|quarter|compound"
)
# A named place first, then who is there: "At Waterloo we were fortunate in catching a train".
_AT_PLACE = re.compile(r"(?:At|In) [A-Z][\w’'-]+,? (?:we|they|I|he|she)\b"
                       # "In the castle, after they had landed, the subjective element prevailed"
                       rf"|(?:At|In|Inside|Outside) the (?:[\w-]+ )?(?:{_PLACES}),")
_PLACE = re.compile(
    rf"\b(?:at|in|into|inside|outside|to|toward|towards|across|entered|reached|out of|from)\s+"
    rf"(?:the|a|his|her|their|my|our)\s+((?:[a-z]+\s)?(?:{_PLACES}))\b",
    re.IGNORECASE,
)
# The people set off for somewhere else: "I walked down to the station with them", "We made
# our way downstairs", "They drove up to the gloomy old house", "Pierre went to Princess Mary’s";
# not up to someone in the room ("Pierre went up to him", "He went up to the map").
_SET_OFF = re.compile(
    r"^(?:[A-Z][\w’'.]*\s+(?:and\s+I\s+|[A-Z][\w’'.]*\s+)?|I\s+|We\s+|They\s+)"
    r"(?:walked|drove|rode|went|hurried|ran|repaired|proceeded|retired|withdrew|hastened|passed|set\s+(?:off|out)|made\s+(?:our|my|their|his|her)\s+way|took\s+a\s+cab)\s+"
    r"(?:(?:back|down|up|out|off|over|round|across|straight|quickly|slowly|together|again)\s+)*"  # not "walked on": the same way
    r"(?:home\b|downstairs\b|upstairs\b|(?:to|into|through|toward|towards|out\s+of)\s+"
    rf"(?:(?:the|a|an|his|her|their|our|my)\s+(?:[\w-]+\s+){{0,2}}?(?:{_PLACES})\b(?!\s+(?:door|window|gate)\b)"
    r"|[A-Z][\w’'-]+[’']s\b))")
# Someone sets off in a paragraph's first sentence, not at its start: "This seemed to Alice a good
# opportunity for making her escape; so she set off at once", "she gave Oliver her purse, and he
# started off"; not "before she set off for the North" (a plan, told in passing).
_GETS_AWAY = re.compile(r"(?<!before )(?<!until )(?<!till )(?<!when )\b(?:(?:he|she|they|we|i) (?:set off|set out|started off|"
                        r"made (?:his|her|their|our|my) escape)|making (?:his|her|their|our|my) escape)\b")
# After talk, narration that takes the people somewhere: "in less than the time stated I was in a
# cab ... rattling away to Paddington Station", "we reached the lawn", "in half an hour we were
# back in the sitting-room". Matched against a narration paragraph's opening, lower-cased.
_VEHICLES = "hansom|cab|carriage|sleigh|trap|coach|four-wheeler|calèche|droshky|victoria|landau|barouche|chaise|phaeton|gig|fiacre|omnibus"
_MOVES_ON = re.compile(
    r"\b(?:we|i|they|he|she)\s+(?:(?!had\b)\w+\s+){0,2}?"
    r"(?:(?:(?:drove|walked|rode|went|hurried|ran|repaired|proceeded|retired|withdrew|hastened|found (?:ourselves|myself|themselves))\s+(?:back\s+|up\s+|down\s+)?"
    r"(?:to|into|through|in|at|toward|towards|along)|(?:were|was) back (?:in|at)|reached|entered)\s+"
    rf"(?:the|a|an|our|my|his|her|their)\s+(?:[\w-]+\s+){{0,2}}?(?:[a-z]+-)?(?:{_PLACES})s?(?![-\s]+(?:door|window|gate)\b)"
    rf"|(?:were|was) (?:in|into) (?:a|the|our|my|his|her|their) (?:{_VEHICLES})"
    # "as he took his seat in Mrs. Walker's victoria", "he jumped into a cab"
    rf"|(?:took (?:his|her|their|our|my) seats? in|jumped into|stepped into|got into) (?:a|the|our|my|his|her|their|(?:[a-z]+\. )?[a-z]+[’' ]s) "
    rf"(?:[\w-]+ )?(?:{_VEHICLES})"
    # "The station-master had not finished his speech before we were all hastening in the direction of the fire"
    r"|(?:were|was) (?:all )?(?:hastening|hurrying|running|making our way|making their way) (?:in the direction of|towards?)"
    r")\b")
_OPENS_TALK = "\"“‘"  # a paragraph of talk opens on one of these
_NOT_BACK = r"(?!,? (?:but|and) (?:\w+ )?(?:returned|came back))"  # "left the room, but returned at once"
_EXIT = re.compile(
    rf"\b(?:out of|left|fled|leaving|stalked out|stormed out|walked out)\s+(?:of\s+)?(?:the|his|her)\s+(?:{_PLACES})\b"
    rf"{_NOT_BACK}",
)


_PLACE_SET = set(_PLACES.split("|"))
_PLACE_HEADS = {p.split()[-1] for p in _PLACE_SET}
_PLACE_PREPS = {"at", "in", "into", "inside", "outside", "to", "toward", "towards", "across", "entered",
                "reached", "of", "from"}
_DETERMINERS = {"the", "a", "his", "her", "their", "my", "our"}
_LOWER_WORDS = re.compile(r"[a-zé]+")


def places(text: str) -> list[str]:
    """Place phrases ('the bar', 'the drawing room') a passage mentions, in order.

    A place word after a preposition and a determiner, with at most one word between
    ('into the crowded bar' -> 'the bar'). Word lookups in sets, not one big regex: this runs
    over every paragraph of a long novel.
    """
    tokens = _LOWER_WORDS.findall(text.lower())
    out = []
    for i, tok in enumerate(tokens):
        if tok not in _PLACE_HEADS or i < 2:
            continue
        phrase = tok
        if i >= 1 and f"{tokens[i - 1]} {tok}" in _PLACE_SET:
            phrase, j = f"{tokens[i - 1]} {tok}", i - 2
        elif tok in _PLACE_SET:
            j = i - 1
        else:
            continue
        if j >= 0 and tokens[j] not in _DETERMINERS:
            j -= 1  # one adjective
        if j >= 1 and tokens[j] in _DETERMINERS and tokens[j - 1] in _PLACE_PREPS:
            out.append("the " + phrase)
    return out


def _first_sentence(text: str) -> str:
    for s, e in sentences(text):
        return text[s:e]
    return text


def _second_sentence(text: str) -> str:
    for n, (s, e) in enumerate(sentences(text[:1500])):
        if n == 1:
            return text[s:e]
    return ""


# Time gone by, in the first words of a paragraph's second sentence: "The young girl and her
# cicerone were on their way to the gate... A week afterward he went to dine at a beautiful
# villa", "The occasion was not long in coming. Half an hour after breakfast next morning, ...".
_ELAPSED = re.compile(r"^(?:(?:a|an|one|two|three|four|five|six|seven|eight|nine|ten|a couple of|a few|several|some) "
                      r"(?:days?|weeks?|months?|years?) (?:later|after(?:wards?)?|after (?:this|that))"
                      r"|(?:\S+ ){0,5}?next (?:morning|day)|(?:the|on the) following (?:morning|day))\b", re.IGNORECASE)
# ... and, in narration, someone somewhere that evening ("He found her that evening in the
# garden"); not a time looked back to ("From that evening, or at least...") nor one ending
# ("Nothing more was said that night between us").
_THAT_EVENING = re.compile(r"^(?:\S+ ){1,4}?(?<!from )(?<!since )(?<!till )(?<!until )(?<!of )that (?:evening|night|afternoon),? "
                           r"(?:in|at|on|by) (?:the|a|his|her|their|our|my)\b", re.IGNORECASE)


# Narration that tells what went on for days, as a summary does, once talk is over: "Winterbourne
# went often to ask for news of her", "After this Daisy was never at home", "Since Winterbourne was
# not to meet her in Mrs. Walker's drawing room, he went as often as possible to Mrs. Miller's".
_HABITUAL = re.compile(r"\b(?:(?:went|came|called|walked|rode|drove|saw|met|visited) (?:\w+ )?(?:often|daily|frequently|every day)"
                       r"|as often as (?:possible|(?:he|she|they|we|i) could)|was never at home"
                       r"|(?:every|each) (?:day|morning|evening|afternoon|night|week)"
                       # not "for the first time for many days", "for some months past"
                       r"|(?:during|(?<!time )for) (?:the )?(?:some|several|many|a few|next|following|ensuing) (?:days|weeks|months)(?! past)"
                       r"|from (?:this|that) (?:time|day))\b")
# Time spent somewhere, told as the paragraph opens: "Oliver had been sojourning at the
# undertaker's some three weeks or a month"; not a state ("The Coles had been settled some years
# in Highbury": who they are, not time gone by).
_STAYED = re.compile(r"^[^.;,]{0,60}\bhad (?:now )?been \w+ing\b[^.;]{0,60}?\b(?:for )?(?:(?:some|about|nearly|now|full|fully) )?"
                     rf"(?:{_NUMBERS}|a|an) (?:days?|weeks?|months?|years?)\b", re.IGNORECASE)


def _told(sentence: str) -> str:
    """A sentence's narration on one line (a line break is a space: texts come hard-wrapped)."""
    return " ".join(_narration(sentence).split())


def _narration(text: str) -> str:
    """The paragraph with quoted speech removed."""
    return re.sub(r"[\"“][^\"”]*[\"”]?", " ", text)


# --- chapters and scenes ------------------------------------------------------------------


def _choose_chapter_kinds(kinds: list[str | None], paras: list[Paragraph], text: str) -> tuple[set[str], set[str]]:
    """Which heading kinds start chapters, and which (inside chapters) start scenes."""
    present = {k for k in kinds if k}
    count = {k: kinds.count(k) for k in present}
    if "chapter" in present:
        return {"chapter", "epilogue"}, {"numeral", "numeral_titled", "markdown"}
    if count.get("numeral_titled", 0) >= 2:
        return {"numeral_titled", "epilogue"}, {"numeral", "markdown"}
    if count.get("markdown", 0) >= 1:
        return {"markdown"}, {"numeral"}
    if count.get("numeral", 0) >= 2:
        return {"numeral", "epilogue"}, set()
    if count.get("part", 0) >= 2:
        return {"part", "epilogue"}, set()
    if count.get("caps", 0) >= 2:
        return {"caps"}, set()
    return set(), set()


def _words_between(paras: list[Paragraph], text: str, i: int, j: int) -> int:
    return sum(len(text[p.start : p.end].split()) for p in paras[i:j])


def chapters_and_spans(story: Story, paras: list[Paragraph] | None = None
                       ) -> tuple[list[Paragraph], list[Chapter], list[Span]]:
    """Find chapters and scene spans (``paras``: the story's paragraphs, when already found).
    Heading and separator paragraphs are left out of both."""
    text = story.text
    paras = paragraphs(text, story.start, story.end) if paras is None else paras
    kinds = [heading_kind(text[p.start : p.end]) for p in paras]
    chapter_kinds, scene_kinds = _choose_chapter_kinds(kinds, paras, text)
    # Markdown: the deepest heading level used becomes scenes only when several levels exist.
    md_levels = sorted({len(_MARKDOWN.match(text[p.start:p.end]).group(1)) for p, k in zip(paras, kinds) if k == "markdown"})
    chapter_md_level = md_levels[0] if md_levels else 0
    if md_levels and kinds and kinds[0] == "markdown" and sum(1 for k in kinds if k == "markdown") > 1:
        first_level = len(_MARKDOWN.match(text[paras[0].start:paras[0].end]).group(1))
        deeper = [lv for lv in md_levels if lv > first_level]
        if first_level == md_levels[0] and [len(_MARKDOWN.match(text[p.start:p.end]).group(1)) for p, k in zip(paras, kinds) if k == "markdown"].count(first_level) == 1 and deeper:
            chapter_md_level = deeper[0]

    def md_level(i: int) -> int:
        return len(_MARKDOWN.match(text[paras[i].start : paras[i].end]).group(1))

    # Candidate chapter headings; drop those with almost nothing under them (tables of contents).
    heads = []
    for i, kind in enumerate(kinds):
        if kind in chapter_kinds and not (kind == "markdown" and md_level(i) != chapter_md_level):
            heads.append(i)
    structural = [i for i, k in enumerate(kinds) if k in chapter_kinds or k == "part"]
    real_heads = []
    for i in heads:
        nxt = next((j for j in structural if j > i), len(paras))
        if _words_between(paras, text, i + 1, nxt) >= 25:
            real_heads.append(i)
    chapters: list[Chapter] = []
    spans: list[Span] = []
    if not real_heads:
        # One chapter: the whole story after its title lines.
        first = 0
        while first < len(paras) - 1 and (kinds[first] in ("markdown", "caps", "part") or _is_front_matter(text[paras[first].start:paras[first].end])):
            first += 1
        bounds = [(first, len(paras), story.title)]
    else:
        bounds = []
        first_words = _words_between(paras, text, 0, real_heads[0])
        if first_words >= 150:
            start = 0
            while start < real_heads[0] and _is_front_matter(text[paras[start].start:paras[start].end]):
                start += 1
            first_head = text[paras[real_heads[0]].start : paras[real_heads[0]].end].strip().rstrip(".")
            # Part "II" first: the untitled part before it is "I".
            bounds.append((start, real_heads[0], "I" if first_head in ("II", "2") else "Opening"))
        for n, i in enumerate(real_heads):
            end = real_heads[n + 1] if n + 1 < len(real_heads) else len(paras)
            head, *sub = text[paras[i].start : paras[i].end].strip().lstrip("#").strip().split("\n")
            title = nice_case(" ".join(head.split()))
            first = i + 1
            if not sub and first < end - 1 and kinds[i] in ("chapter", "numeral") and _BARE_HEAD.match(head.strip()) \
                    and kinds[first] in (None, "caps") and _title_paragraph(line := text[paras[first].start : paras[first].end]):
                sub, first = line.strip().split("\n"), first + 1  # "CHAPTER I." and, below it, "THE STRANGE MAN'S ARRIVAL"
            if sub:  # "Chapter II: The Statement of the Case", "Chapter I. Treats of the Place..."
                title += ("" if title.endswith((".", ":")) else ":") + " " + nice_case(" ".join(" ".join(sub).split()))
            # The book, part or epilogue it is in ("First Epilogue: 1813 - 20" with chapters of its own).
            part = next((j for j in range(i - 1, -1, -1) if kinds[j] == "part"
                         or (kinds[j] == "epilogue" and j not in real_heads and j > real_heads[0]
                             and "epilogue" in text[paras[j].start : paras[j].end].lower())), None)
            if kinds[i] == "chapter" and part is not None:  # "Book One: 1805, Chapter I"
                title = f"{nice_case(text[paras[part].start:paras[part].end].strip())}, {title}"
            # A part heading right before the next chapter belongs to that chapter, not this one.
            while end - 1 > i and kinds[end - 1] in ("part", "caps", "separator", "epilogue"):
                end -= 1
            end = _before_volume_matter(text, paras, kinds, first, end)
            bounds.append((first, end, title))
    for cid, (first, last, title) in enumerate(bounds, start=1):
        idx = [j for j in range(first, last)]
        body = [j for j in idx if kinds[j] is None or (kinds[j] not in ("separator",) and kinds[j] not in scene_kinds and not (kinds[j] == "markdown"))]
        if not body:
            continue
        start, end = paras[body[0]].start, paras[body[-1]].end
        chapters.append(Chapter(len(chapters) + 1, title, start, end))
        spans.extend(_scene_spans(text, paras, kinds, idx, scene_kinds, len(chapters)))
    return paras, chapters, spans


def _scene_spans(text: str, paras: list[Paragraph], kinds: list[str | None], idx: list[int],
                 scene_kinds: set[str], chapter: int) -> list[Span]:
    blank_runs = [paras[j].blank_before for j in idx[1:]]
    usual_blank = statistics.median(blank_runs) if blank_runs else 1
    spans: list[Span] = []
    current: list[int] = []
    cause = "chapter"
    heading = None
    in_flashback = False
    place_cache: dict[int, list[str]] = {}
    told_cache: dict[int, tuple[str, str]] = {}
    talk_cache: dict[int, bool] = {}

    def told(j: int) -> tuple[str, str]:
        """Paragraph j's narration, and that without single-quoted speech too (each paragraph
        is looked at twice: as itself and as the one before the next)."""
        if j not in told_cache:
            narration = _narration(text[paras[j].start : paras[j].end])
            told_cache[j] = narration, _unquoted(narration)
        return told_cache[j]

    def talk(j: int) -> bool:
        if j not in talk_cache:
            talk_cache[j] = _talk(text[paras[j].start : paras[j].end])
        return talk_cache[j]

    def para_places(j: int) -> list[str]:
        if j not in place_cache:
            place_cache[j] = places(text[paras[j].start : paras[j].end])
        return place_cache[j]

    def close(next_cause: str, next_heading: str | None = None) -> None:
        nonlocal current, cause, heading
        if current:
            spans.append(Span(chapter, tuple(current), paras[current[0]].start, paras[current[-1]].end, heading, cause))
            current = []
        cause, heading = next_cause, next_heading

    def at_least_60_words(js: list[int]) -> bool:
        n = 0
        for j in js:  # from the scene's start, stopping at 60: a scene can run to hundreds of paragraphs
            n += text.count(" ", paras[j].start, paras[j].end) + 1
            if n >= 60:
                return True
        return False

    for n, j in enumerate(idx):
        kind = kinds[j]
        para = text[paras[j].start : paras[j].end]
        if kind == "separator" or kind in scene_kinds or (kind == "markdown"):
            if kind == "markdown" or (kind == "numeral_titled"):
                close("break", nice_case(para.strip().lstrip("#").strip()))
            else:
                close("break")
            in_flashback = False
            continue
        if not current:
            current.append(j)
            continue
        previous = text[paras[current[-1]].start : paras[current[-1]].end]
        if _speech_goes_on(previous):
            pass  # one speech over several paragraphs (a client's tale told in the room) is one scene
        elif paras[j].blank_before > max(usual_blank, 1) and not (_indented(text, paras[j]) or _indented(text, paras[current[-1]])):
            close("blank")
            in_flashback = False
        elif not at_least_60_words(current):
            pass  # too short to be a scene of its own yet
        else:
            first = _first_sentence(para)
            narration_first = _told(first)
            opening = narration_first.strip(" \"“,")
            second = _told(_second_sentence(para)).strip(" \"“,")
            low = narration_first.lower()
            narrated = para.lstrip()[:1] not in _OPENS_TALK  # not a paragraph of talk
            if _TIME_JUMP.match(opening) or any(w in low for w in _NEW_DAY_WORDS) and _NEW_DAY.search(low) \
                    or _STAYED.match(opening) \
                    or ("later" in low or "afterward" in low) and _DAYS_LATER.search(low) \
                    or _ELAPSED.match(second) \
                    or narrated and _THAT_EVENING.match(second):
                close("time")
                in_flashback = False
            elif _ARRIVAL.match(opening) or _AT_PLACE.match(opening) or _SET_OFF.match(opening) or _CAME_IN_ON.match(opening) \
                    or narrated and _SET_OFF.match(second):
                close("place")
                in_flashback = False
            elif not in_flashback and _PAST_PERFECT.search(told(j)[0][:240].lower()) and _ANCHOR.search(para[:400].lower()):
                close("flashback")
                in_flashback = True
            elif in_flashback and _new_place(para_places, current, para):
                close("place")
                in_flashback = False
            elif in_flashback and _RETURN.search(_narration(first)):
                close("return")
                in_flashback = False
            elif n == len(idx) - 1 and not _SPEECH.search(para) and _QUOTE_MARK.search(previous) \
                    and _CODA.search(para.lower()):
                close("coda")  # after the last words, the narrator tells what became of them, or the reader
            elif n < len(idx) - 1 and any(talk(k) for k in current[-2:]) \
                    and narrated and _MOVES_ON.search(" ".join(told(j)[0][:300].lower().split())):
                close("place")  # the talk is over and the narration takes them elsewhere (not in a chapter's last lines)
            elif _turns_to_present(para, told(j)[1], told(current[-1])[1]):
                close("tense")  # the telling turns to the present: a vision, a dream, the narrator's now
            elif (_EXIT.search((ending := " ".join(told(current[-1])[1][-200:].lower().split()))[-160:]) or _moved(ending)) \
                    and (narrated or _WE_LEFT.search(ending[-160:])):
                # Someone left at the end of the last paragraph: this one is elsewhere; but where
                # one of them left ("Mr. Bumble ... flounced out of the shop") and talk follows,
                # those who stayed are talking.
                close("place")
            elif narrated and any(talk(k) for k in current[-2:]) and _HABITUAL.search(low):
                close("time")  # the talk is over and the narration sums up the days after it
            elif (" off" in low or " out" in low or "escape" in low) and _GETS_AWAY.search(low):
                close("place")  # the one followed goes: what comes next is on the way or elsewhere
        current.append(j)
    close("end")
    return spans


_QUOTE_MARK = re.compile(r"[\"“”]")
# Speech: a quotation of three words or more (not a name in quotes, "the letters “L. S.”").
_SPEECH = re.compile(r"[\"“](?:[^\"”\s]+\s+){2,}")
# A coda: the narration turns to the reader ("as you know") or to what came after ("lived for
# seven months after", "is now dead", "to this day", "were never to receive").
_CODA = re.compile(r"\b(?:as you know|you and i|dear reader|reader|(?:days|weeks|months|years) (?:after|later|afterwards)|"
                   r"is now|are now|to this day|ever since|since then|afterwards|(?:was|were) never to)\b")


# "now he sees another scene": a third person in the present tense, in narration told in the past.
_NOT_VERB_S = ("always|perhaps|thus|was|his|its|this|less|unless|sometimes|nevertheless|afterwards|towards|"
               "yes|as|us|has been|does not")
# "he" or "she" at a word's start, written so that re's scan can skip ahead to an h or an s (a
# leading \b makes it try every position: three times slower on a novel).
HE_SHE = r"[HhSs](?<!\w.)(?:(?<=[Hh])e|(?<=[Ss])he)"
_PRESENT = re.compile(HE_SHE + rf" (?:(?:\w+ly|now|still|then|again) )?(?!(?:{_NOT_VERB_S})\b)"
                      r"(?:is|has|does|[a-z]{2,}[^s\W]s)\b")
_PAST = re.compile(HE_SHE + r" (?:was|had|did|[a-z]{2,}ed)\b")


def _talk(para: str) -> bool:
    """Whether a paragraph is talk or has speech in it."""
    return para.lstrip()[:1] in _OPENS_TALK or bool(_SPEECH.search(para))


def _unquoted(narration: str) -> str:
    """A paragraph's narration (see _narration) without speech in single quotes either."""
    return re.sub(r"‘[^’]*(?:’(?!\w)|$)", " ", narration)


def _turns_to_present(para: str, told: str, told_before: str) -> bool:
    """The telling turns to the present ("now he sees another scene ... he stands at the gate"),
    from a paragraph told in the past: a vision, a dream, the narrator's now. ``told`` and
    ``told_before``: this paragraph's and the one before's narration, without speech."""
    if not _PRESENT.search(para):  # most paragraphs: no need to look at their narration
        return False
    return len(_PRESENT.findall(told)) >= 2 and not _PRESENT.search(told_before) and bool(_PAST.search(told_before))


def _speech_goes_on(para: str) -> bool:
    """Whether a quotation opened in ``para`` is still open at its end: by convention the same
    speaker's next paragraph opens a quote again without this one closing it."""
    if "“" in para or "”" in para:
        return para.count("“") > para.count("”")
    return para.count('"') % 2 == 1


def _indented(text: str, para: Paragraph) -> bool:
    """A paragraph set in from the margin (a letter, a note, verse): extra blank lines around it
    set it off from the speech around it, not a new scene."""
    line_start = text.rfind("\n", 0, para.start) + 1
    return para.start - line_start >= 2 and not text[line_start : para.start].strip()


_LEAVING = re.compile(rf"\b(?:out (?:of )?the door|down the stairs|out into|into the street|to the street|"
                      rf"left the (?:[a-z]+ )?(?:{_PLACES})\b{_NOT_BACK}|"
                      r"went out|walked out|ran out|hurried out|set out(?! with\b)|drove (?:off|away)|rode (?:off|away)|"
                      # "we were out on the dark road", "we all followed the winding track which led to the pool"
                      r"(?:we|they|i|he|she) (?:were|was) (?:soon )?out (?:on|in) the|"
                      r"(?:followed|took) the (?:[a-z]+ ){0,2}(?:track|path|road|lane|footpath) (?:which|that) led|"
                      r"(?:speeding|driving|drove|rattling|rattled|galloping|galloped|off|away)\b[^.]{0,20}\b(?:in|into) "
                      rf"(?:a|the|his|her|our|their) (?:{_VEHICLES})|"
                      # "in five minutes was inside a hansom, driving with my new acquaintance to Baker Street"
                      rf"(?:was|were) (?:inside|into) (?:a|the|his|her|our|their) (?:{_VEHICLES}))\b")


# The people of the scene, not one of them. (Read as the leavers only, "we", "they" or "I" before
# the leaving verb, it did worse on the tuning stories: "us" and "them" are often those who go.)
_WE_LEFT = re.compile(r"\b(?:we|i|they|us|them)\b")


def _moved(ending: str) -> bool:
    """Whether a paragraph's narration, lower-cased (``ending``: its last 200 characters), ends
    with someone leaving ("she fluttered out the door and down the stairs to the street"; not a
    place left in a tale told in the room): a new place after it is a new scene, one merely
    mentioned is not."""
    return bool(_LEAVING.search(ending))


def _new_place(para_places, current: list[int], para: str) -> bool:
    """A paragraph that puts people somewhere the scene so far has not been."""
    found = places(_narration(para))
    if not found:
        return False
    seen = set()
    for j in current:
        seen.update(para_places(j))
    return found[0] not in seen and not seen


# --- passages -----------------------------------------------------------------------------


def passage_bounds(text: str, paras: list[Paragraph], span: Span) -> list[tuple[int, int]]:
    """Cut a scene into passages of at most about PASSAGE_MAX characters.

    Long paragraphs are split at sentence ends; runs of short paragraphs (one-line dialogue)
    are grouped while they fit.
    """
    pieces: list[tuple[int, int, bool]] = []  # start, end, short?
    for j in span.paragraphs:
        p = paras[j]
        if p.end - p.start <= PASSAGE_MAX:
            pieces.append((p.start, p.end, p.end - p.start < SHORT_PARAGRAPH))
            continue
        chunk_start = chunk_end = None
        for s, e in sentences(text[p.start : p.end], p.start):
            if chunk_start is None:
                chunk_start, chunk_end = s, e
            elif e - chunk_start <= PASSAGE_MAX:
                chunk_end = e
            else:
                pieces.append((chunk_start, chunk_end, False))
                chunk_start, chunk_end = s, e
        if chunk_start is not None:
            pieces.append((chunk_start, chunk_end, False))
    out: list[tuple[int, int]] = []
    group_start = group_end = None
    for s, e, short in pieces:
        if group_start is not None and short and e - group_start <= PASSAGE_MAX:
            group_end = e
            continue
        if group_start is not None:
            out.append((group_start, group_end))
            group_start = group_end = None
        if short:
            group_start, group_end = s, e
        else:
            out.append((s, e))
    if group_start is not None:
        out.append((group_start, group_end))
    # Hard cap: a single "sentence" longer than the limit is cut at a word boundary.
    final = []
    for s, e in out:
        while e - s > PASSAGE_MAX + 100:
            cut = text.rfind(" ", s, s + PASSAGE_MAX)
            cut = cut if cut > s else s + PASSAGE_MAX
            final.append((s, cut))
            s = cut + 1
        final.append((s, e))
    return final
