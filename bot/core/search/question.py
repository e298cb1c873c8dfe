"""Question analysis: what a question asks (its kind, the characters it names, whose words it
wants, the kind of word a right answer holds) and the terms to search for."""
from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import process

from bot.core.characters import TITLES
from bot.core.language import PLACE_NOUNS, SETTING_PREPOSITIONS
from bot.core.search.lexicon import Lexicon
from bot.core.search.terms import QUESTION_ONLY, stopwords, term, words


@dataclass(frozen=True)
class Question:
    """What a question asks: its kind, the characters it names, whose words it wants."""

    text: str
    kind: str
    terms: list[str]
    characters: list[str]
    speaker: str | None
    corrected: dict[str, str]


KIND = re.compile(
    r"\b(?P<kind>who|whom|whose|where|when|why|how many|how much|how old|how long|how|"
    r"what colou?r|which|what)\b", re.IGNORECASE)
YES_NO = re.compile(r"^\s*(?:did|does|do|is|was|were|are|has|had|can|could|will|would)\b", re.IGNORECASE)
# Verbs of speaking: "what did Klaus say/tell/promise..." asks for a character's own words.
SPEECH_VERBS = (
    "say said says saying tell told tells ask asked asks reply replied replies answer answered answers "
    "call called calls promise promised promises threaten threatened threatens hiss hissed shout shouted "
    "whisper whispered yell yelled scream screamed cry cried exclaim exclaimed accuse accused accuses "
    "admit admitted admits confess confessed claim claimed insist insisted explain explained explains "
    "warn warned warns beg begged suggest suggested announce announced declare declared respond responded "
    "mutter muttered snap snapped think thought").split()
SPEECH = re.compile(r"\b(?:" + "|".join(SPEECH_VERBS) + r"|words?|quote|line)\b")

# What a question's words point to: a category of words an answer holds, though the question
# does not use them ("what was she wearing" -> a garment; "where" -> a place).
CATEGORIES: dict[str, tuple[re.Pattern[str], re.Pattern[str]]] = {
    name: (re.compile(trigger, re.IGNORECASE), re.compile(answer, re.IGNORECASE))
    for name, trigger, answer in [
        ("colour", r"\bcolou?rs?\b|\bwhat shade\b",
         r"\b(?:red|blue|green|gold|golden|black|white|grey|gray|brown|yellow|pink|purple|silver|scarlet|"
         r"crimson|orange|violet|blond|blonde|auburn|dark|pale)\b"),
        ("clothing", r"\b(?:wear|wears|wearing|wore|worn|dressed|clothes|clothing|outfit|garment)\b",
         r"\b(?:dress|gown|nightgown|coat|shirt|hat|cap|cloak|suit|skirt|jacket|boots?|shoes?|slippers?|robe|"
         r"uniform|apron|scarf|gloves?|veil|trousers|breeches|waistcoat|petticoat|shawl|bonnet|jeans|"
         r"sweater|hood|cape|ring|necklace|crown)\b"),
        ("place", r"^\s*where\b|\bwhere (?:did|does|do|was|were|is|are|had)\b|\bwhat place\b",
         r"\b(?:at|in|into|inside|outside|across|to|from|near|under|behind|through|of)\s+(?:the|a|his|her|their)\s+\w+|"
         r"\b(?:at|in|into|to|from|near|on)\s+(?-i:[A-Z][a-z]+)"),  # "at Baker Street"
        ("time", r"^\s*when\b|\bwhat time\b|\bhow long\b",
         r"\b(?:day|night|morning|evening|afternoon|year|week|month|hour|ago|later|before|after|once|until|"
         r"o'clock|spring|summer|autumn|winter|dawn|midnight|noon|today|tomorrow|yesterday)\b"),
        ("number", r"\bhow (?:many|much|old|far)\b",
         r"\b(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|"
         r"fifty|hundred|thousand|dozen|several|few|second|third|fourth|fifth|sixth)\b"),
        ("feeling", r"\b(?:feel|feels|felt|feeling|mood|react|reacted|reaction|emotion|happy|sad|angry)\b",
         r"\b(?:happy|happiness|glad|joy|sad|sadness|sorrow|angry|anger|angrier|furious|fury|rage|jealous|"
         r"afraid|fear|frightened|scared|terrified|love|loved|hurt|pain|surprised?|shock|astonish\w*|"
         r"disappoint\w*|ashamed|proud|lonely|worried|anxious|delighted|pleased|grief|cried|wept|tears|"
         r"laughed|smiled|frustrat\w*|betray\w*|relieved|nervous|excited|dumbstruck|incredulous\w*)\b"),
        ("reason", r"^\s*why\b|\bwhat (?:made|makes|caused|causes)\b|\breason\b|\bhow come\b",
         r"\b(?:because|since|so that|reason|for fear|in order to|as a result|so\b|therefore|that's why)\b"),
        ("relation", r"^\s*(?:what|who|how)\b.*\b(?:relat(?:ed|ion|ionship)|connection)s?\s+(?:to|with|between)\b|"
                     r"\bwho is \w+ to\b|\bhow (?:is|are|was|were)\b.*\brelated\b",
         r"\b(?:friend|sire|brother|sister|wife|husband|father|mother|son|daughter|lover|enemy|cousin|"
         r"uncle|aunt|servant|master|mistress|king|queen|prince|princess|fianc[ée]e?|sweetheart|partner|"
         r"ally|rival|grandmother|grandfather|parents?|children|child|family|niece|nephew)\b"),
    ]
}
# "What pet name does Klaus use for her?": a lower-case word spoken to someone inside a quote
# ("Well, then, sweetheart, welcome"; "Love, wait"), not a name and not an interjection.
NOT_VOCATIVE = ("then|too|though|now|please|yes|yeah|no|okay|ok|right|really|again|anyway|here|there|"
                 "today|tonight|well|oh|ah|so|look|listen|hey|fine|sure|and|but|or|if|that|this|what|who|"
                 "how|why|you|me|him|her|them|it|i|we|they|not|just|said|asked|replied")
KIN = r"(?:(?:my|little|dear|sweet|poor|old|young)\s+)?"
CATEGORIES["address"] = (
    re.compile(r"\b(?:pet names?|nicknames?|terms? of endearment|endearments?)\b|"
               r"\bwhat (?:does|did|do|would) \w+ call\b|\bcall(?:s|ed)? (?:her|him|them)\b", re.IGNORECASE),
    re.compile(rf"[\"“][^\"”\n]*?,\s+{KIN}(?!(?:{NOT_VOCATIVE})\b)[a-z]{{3,}}\s*[,.!?…]|"
               rf"[\"“]{KIN}(?!(?:{NOT_VOCATIVE})\b)[a-z]{{3,}},\s"),
)


COMMON = ["what", "who", "where", "when", "why", "how", "which", "whose", "does", "did", "was", "were",
           "the", "and", "about", "with", "their", "there", "they", "this", "that", "have", "said"]
# Categories whose words a right answer almost always holds ("what colour" -> a colour).
DECISIVE = {"colour", "clothing", "address"}
# Categories whose trigger words only ask for the answer; they leave the question's terms.
FRAMED = {"clothing": {"wear", "dress", "cloth", "wore", "worn"},
          "address": {"pet", "name", "nicknam", "nickname", "term", "endear", "call", "use"},
          "relation": {"relationship", "relat", "relation", "connect", "connection"}}
REACTION = re.compile(r"^\s*how\s+(?:did|does|do|was|were|is|would)\s+(?P<who>.+?)\s+"
                      r"(?P<verb>react|reacted|respond|responded|take it|reply|replied|answer|answered)\b|"
                      r"^\s*what\s+(?:did|does|do|will|would)\s+(?P<doer>.+?)\s+do\b",  # "what did she do when..."
                      re.IGNORECASE)
WHO_IS = re.compile(r"^\s*who\s+(?:is|was|'s|’s|were)\s+(?P<who>[^?!.]+?)\s*[?!.]*\s*$", re.IGNORECASE)
WHAT_MADE = re.compile(r"\bwhat (?:made|makes|make|caused|causes|cause)\b", re.IGNORECASE)
WHEN = re.compile(r"\b(?:when|after|once|as soon as)\b", re.IGNORECASE)
# "When Caroline arrives", "Jones from Scotland Yard shows up": a scene its person enters (scenes.search).
ARRIVES = re.compile(r"\b(?:arriv\w*|(?:shows?|showed|turns?|turned)\s+up|comes?|came|enters?|entered|walks?\s+in)\b",
                     re.IGNORECASE)
# "How much did she pay", "how many steps are there": an amount is the answer (signals.quantity).
QUANTITY = re.compile(r"\bhow\s+(?P<kind>many|much|old|far|tall|high|big|long)\b(?:\s+(?P<noun>[a-z]+))?", re.IGNORECASE)
# "How does the story end?": where in the story the answer is, not a word it holds.
PLACE_IN_STORY = {
    "end": re.compile(r"\b(?:story|book|tale|it all|it) (?:ends?|ended|finish(?:es|ed)?)\b|\b(?:in|at|by) the (?:very )?end\b|"
                      r"\bending\b", re.IGNORECASE),
    "start": re.compile(r"\b(?:story|book|tale|it all|it) (?:begins?|began|starts?|started|opens?|opened)\b|"
                        r"\b(?:in|at) the (?:very )?(?:beginning|start)\b", re.IGNORECASE),
}
# "Harriet comes to Hartfield for the first time": of the scenes that match, the earliest.
FIRST_TIME = re.compile(r"\b(?:for the first time|the first time|first (?:time|visit|meeting))\b", re.IGNORECASE)
# Their words only say where to look: never "fixed" as typos, and left out of the question's terms.
FRAME = frozenset("story book tale end ending ends ended finish begin begins began beginning start starts "
                  "started opens".split())
ASKED = re.compile(r"\?[\"”’']?\s*(?:(?:\w+\s+)?(?:asked|said|inquired|enquired|cried)\b[^.!?]*[.!?]?)?\s*$")
_PLACE_AFTER_NAME = {w.lower() for w in PLACE_NOUNS}
_BEFORE_PLACE = {*SETTING_PREPOSITIONS, "on", "of"}
FULLNAME = re.compile(r"\b(?:surname|last name|full name|family name|first name|real name)\b", re.IGNORECASE)


def understand(lex: Lexicon, question: str) -> Question:
    """What ``question`` asks, its words checked against the story's (``lex``): typos fixed,
    names resolved, the kind of question, whose words it wants, the terms to search for."""
    import simplemma
    from rapidfuzz import fuzz
    from rapidfuzz.distance import DamerauLevenshtein, Levenshtein

    raw = words(question)
    stop = stopwords()
    corrected: dict[str, str] = {}
    characters: list[str] = []
    fixed: list[str] = []
    names = list(lex.name_words)
    titled = {}  # "mrs bennet" is Mrs. Bennet, not the Bennet named most ("miss bingley" neither Mr. Bingley)
    for i in range(len(raw) - 1):
        if raw[i].capitalize() in TITLES and (who := lex.aliases.get(f"{raw[i]} {raw[i + 1]}")) is not None:
            titled[i] = titled[i + 1] = who
    for i, w in enumerate(raw):
        if i in titled:  # (each person once: the list is deduplicated below)
            characters.append(titled[i])
            fixed.append(w)
            continue
        # A real English word ("feel", "treat") is not a typo of a story word ("feeble",
        # "great"); only a near-identical spelling ("neighbors" -> "neighbours") is fixed.
        english = simplemma.is_known(w, lang="en")
        base = w[:-1] if w.endswith("s") and w[:-1] in lex.name_words else w
        if base in lex.name_words and base in lex.the_words and i and raw[i - 1] != "the" \
                and lex.name_words.get(raw[i - 1]) != lex.name_words[base]:
            base = ""  # "Alice's cat" is a cat; "the Cat" is the character
        if i + 1 < len(raw) and raw[i + 1] in _PLACE_AFTER_NAME and i and raw[i - 1] in _BEFORE_PLACE:
            base = ""  # "who came to baker street": a place, not Henry Baker ("did wickham court lydia" is him)
        if base in lex.name_words:
            characters.append(lex.name_words[base])
            fixed.append(base)
            continue
        if w.endswith("nt") and w[:-2] + "n't" in stop:
            w = w[:-2] + "n't"  # "couldnt" is "couldn't", not a typo of "count"
        if w in stop or w in QUESTION_ONLY or len(w) < 3:
            fixed.append(w)
            continue
        if not lex.knows(w):
            # A misspelled name ("marcell", "carolin", "carolines") before anything else.
            # Of the close ones, the fewest keystrokes away: "bolkonsky" is Bolkónski (one letter),
            # not Bolkónskaya, though the ratio, which counts a changed letter twice, says otherwise.
            close = process.extract(w, names, scorer=fuzz.ratio, score_cutoff=90 if english else 82, limit=5)
            hit = min(close, key=lambda h: (Levenshtein.distance(w, h[0]), -h[1]), default=None)
            if hit:
                corrected[w] = hit[0]
                characters.append(lex.name_words[hit[0]])
                fixed.append(hit[0])
                continue
            if not english and (who := lex.clipped(w)) is not None:
                # "nat" for Natásha, not "neat": searched as the name it starts.
                whole = min((x for x, c in lex.name_words.items() if c == who and x.startswith(w)),
                            key=lambda x: lex.word_rank.get(x, len(lex.word_rank)), default=w)
                if whole != w:
                    corrected[w] = whole
                characters.append(who)
                fixed.append(whole)
                continue
        if lex.knows(w) or term(w) in lex.known_terms or w in FRAME:
            fixed.append(w)
            continue
        if len(w) <= 5 and not english:
            # "wat", "waht", "hwo": a misspelled question word, not a word of the story; one
            # keystroke away (a letter added, lost, changed or swapped), so "thows" is no "how".
            hit = process.extractOne(w, COMMON, scorer=DamerauLevenshtein.distance, score_cutoff=1)
            if hit:
                corrected[w] = hit[0]
                fixed.append(hit[0])
                continue
        hit = process.extractOne(w, lex.forms(), scorer=fuzz.ratio, score_cutoff=92 if english else 80)
        if hit:
            corrected[w] = hit[0]
            fixed.append(hit[0])
        else:
            fixed.append(w)
    text = " ".join(fixed)
    kind_match = KIND.search(text)
    if YES_NO.match(text):
        kind = "yes-no"  # "did he smile when she said...": not a "when" question
    else:
        kind = kind_match.group("kind").lower() if kind_match else "other"
    kind = "what colour" if kind.startswith("what colo") else kind
    speaker = None
    if characters and SPEECH.search(question.lower()):
        # "what did Klaus say about Marcel": the speaker is the name before the verb.
        verbs = "|".join(SPEECH_VERBS + ["words"])
        # Only in the main clause: "did Klaus smile when Caroline said..." wants no one's words.
        main = WHEN.split(text, maxsplit=1)[0] if not WHEN.match(text) else text
        for m in re.finditer(rf"\b(?:(\w+)\s+)?(\w+)\s+(?:(?:\w+ly|first|then|just|really)\s+)?(?:{verbs})\b", main):
            speaker = lex.aliases.get(f"{m.group(1)} {m.group(2)}") if m.group(1) else None
            speaker = speaker or lex.name_words.get(m.group(2))
            if speaker is not None:
                break
    if speaker is None and characters and CATEGORIES["address"][0].search(text):
        speaker = characters[0]  # "what pet name does Klaus use for her": Klaus's words
    terms = [term(w) for w in fixed if w not in stop and w not in QUESTION_ONLY and len(w) > 1
             and not (speaker and SPEECH.fullmatch(w))]
    for name in FRAMED:
        trigger = CATEGORIES[name][0]
        if trigger.search(text):
            # "What was she wearing?": the garment is the answer, "wearing" only asks for it.
            terms = [t for t in terms if not trigger.search(t) and t not in FRAMED[name]] or terms
    if WHAT_MADE.search(text):
        terms = [t for t in terms if t not in ("make", "caus")] or terms
    amount = QUANTITY.search(text)
    if amount:
        # "How old was he?": the answer says "thirty-five years of age", seldom "old".
        terms = [t for t in terms if t != term(amount.group("kind").lower())] or terms
    if any(p.search(text) for p in PLACE_IN_STORY.values()):
        frame = {term(w) for w in FRAME}
        terms = [t for t in terms if t not in frame]  # may leave none: the position is the question
    return Question(question, kind, terms, list(dict.fromkeys(characters)), speaker, corrected)

# -- answering ------------------------------------------------------------------------
