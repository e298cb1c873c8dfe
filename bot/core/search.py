"""Questions, keywords and names -> ranked passages, scenes and quotes.

A staged pipeline: analyse (words -> lemmas -> stems, typos fixed against the story's own words
and names), retrieve (BM25 over passages, with bm25s), rerank (neighbouring passages, the
characters and speech the question asks about, the kind of question), and cut the quote a
person will read out of the winning passage.
"""
from __future__ import annotations

import bisect
import copy
import logging
import math
import random
import re
import unicodedata
from collections import Counter
from collections.abc import Container
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from rapidfuzz import process

from bot.core import ranker
from bot.core.index import StoryIndex, stem
from bot.core.knowledge import Knowledge
from bot.core.text import sentences

QUOTE_MAX = 600
SAY_MAX = 400  # a random quote longer than this is cut after the sentences that fit


def aloud(text: str, limit: int = SAY_MAX) -> str:
    """``text`` cut after the last whole sentence within ``limit`` characters (the first
    sentence, cut at a word with "…", when even that is longer): what a person reads aloud."""
    if len(text) <= limit:
        return text
    end = 0
    for _, e in sentences(text):
        if e > limit:
            break
        end = e
    if end:
        return text[:end]
    return text[:limit].rsplit(" ", 1)[0].rstrip(",;:—-") + "…"
FORMAT = 17  # bump when the Searcher's state changes: cached searchers are rebuilt

# --- analysis -----------------------------------------------------------------------------

_TOKEN = re.compile(r"[a-z0-9]+(?:['’][a-z]+)*")
_STOP: frozenset[str] = frozenset()
# Words of a question that say what is asked, not what it is about.
_QUESTION_ONLY = frozenset("""
who whom whose what which where when why how did does do doing done happen happens happened
story tell me please anyone anybody someone somebody thing things kind sort name called
would could should might really actually exactly ever also like colour color colours colors shade
""".split())


def _stopwords() -> frozenset[str]:
    global _STOP
    if not _STOP:
        from bm25s.stopwords import STOPWORDS_EN_PLUS

        _STOP = frozenset(STOPWORDS_EN_PLUS) | {"would", "could", "also", "us", "upon", "shall"}
    return _STOP


@lru_cache(maxsize=200_000)
def term(word: str) -> str:
    """The index term of a lower-case word: its lemma (simplemma: 'saw' -> 'see'), stemmed."""
    import simplemma

    lemma = simplemma.lemmatize(word, lang="en").lower()
    return stem([lemma])[0]


def warm() -> None:
    """Load the lemmatiser's and stemmer's tables now (the first question would otherwise pay
    for it, holding the interpreter for a few hundred milliseconds)."""
    import simplemma

    simplemma.is_known("story", lang="en")
    term("story")
    _stopwords()


_MARKS = re.compile(r"[\u0300-\u036f]+")


def fold(text: str) -> str:
    """Text without its accents ("Natásha" -> "Natasha"): readers type names the plain way."""
    return text if text.isascii() else _MARKS.sub("", unicodedata.normalize("NFKD", text))


def words(text: str) -> list[str]:
    """Lower-case word tokens, accents folded, possessive 's dropped."""
    out = []
    for w in _TOKEN.findall(fold(text).lower()):
        if w.endswith(("'s", "’s")):
            w = w[:-2]
        out.append(w.replace("’", "'"))
    return out


def pairs(terms: list[str]) -> list[str]:
    """Neighbouring terms as one token each ("saw red" -> "see red"): phrases weigh more than words."""
    return [f"{a} {b}" for a, b in zip(terms, terms[1:])]


_CLAUSE = re.compile(r"[,;:.!?()\"“”—–]+|\s-\s|--")


def _clauses(text: str) -> tuple[list[str], list[str]]:
    """A text's terms (as ``analyse`` gives them) and its phrases, from one pass over its clauses."""
    terms: list[str] = []
    found: list[str] = []
    for clause in _CLAUSE.split(text):
        own = analyse(clause)
        terms += own
        found += pairs(own)
    return terms, found


def analyse(text: str) -> list[str]:
    """Index terms of a text: stop words out, lemmatised and stemmed."""
    stop = _stopwords()
    return [term(w) for w in words(text) if w not in stop and len(w) > 1]


_TAG_START = None


UNIT_MAX = 400  # characters: a longer quote is shown, summarised and ranked sentence by sentence


def utterances(text: str, spans: list[tuple[int, int]], whole_quotes: bool = False) -> list[tuple[int, int]]:
    """Sentence spans with a quote and its speech tag kept together:
    '"Will you wait for me?" Caroline had asked one day' is one unit, not two."""
    global _TAG_START
    if _TAG_START is None:
        from bot.core.characters import SPEECH_VERBS

        _TAG_START = re.compile(
            rf"^(?:[A-Z][\w’'.]+(?:\s+[A-Z][\w’']+)?|[Hh]e|[Ss]he|I|[Tt]hey|[Tt]he\s+\w+)\s+"
            rf"(?:\w+ly\s+)?(?:had\s+)?(?:{SPEECH_VERBS})\b")
    out: list[tuple[int, int]] = []
    for a, b in spans:
        if out:
            pa, pb = out[-1]
            prev = text[pa:pb].rstrip()
            # Inside a quote that opened in this paragraph: a speech over many paragraphs opens
            # each one anew, and is still a sequence of sentences, never one 18,000-character unit.
            before = text[pa:a]
            inside = whole_quotes and "\n\n" not in text[pa:a] and (
                (before.count('"') % 2 == 1) or before.count("“") > before.count("”"))
            if (inside or (prev.endswith(("”", '"', "’", "'")) and _TAG_START.match(text[a:b]))) \
                    and b - pa <= UNIT_MAX:
                out[-1] = (pa, b)  # a sentence inside a quote, or the tag after one
                continue
        out.append((a, b))
    return out


# --- results ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    """One answer: the quote to show and where it sits in the story."""

    quote: str
    start: int
    end: int
    passage: int
    scene: int
    chapter: int
    characters: tuple[str, ...]
    speaker: str | None
    score: float

    def to_dict(self) -> dict:
        return {"quote": self.quote, "start": self.start, "end": self.end, "passage": self.passage,
                "scene": self.scene, "chapter": self.chapter, "characters": list(self.characters),
                "speaker": self.speaker, "score": round(self.score, 3)}


@dataclass(frozen=True)
class AskResult:
    question: str
    confident: bool
    answers: list[Answer]
    suggestions: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"question": self.question, "confident": self.confident,
                "answers": [a.to_dict() for a in self.answers], "suggestions": self.suggestions}


@dataclass(frozen=True)
class SceneHit:
    id: int
    title: str
    start: int
    end: int
    chapter: int
    characters: tuple[str, ...]
    excerpt: str
    score: float

    def to_dict(self) -> dict:
        return {"id": self.id, "title": self.title, "start": self.start, "end": self.end,
                "chapter": self.chapter, "characters": list(self.characters), "excerpt": self.excerpt,
                "score": round(self.score, 3)}


@dataclass(frozen=True)
class Quote:
    quote: str
    start: int
    end: int
    speaker: str | None
    scene: int
    chapter: int

    def to_dict(self) -> dict:
        return {"quote": self.quote, "start": self.start, "end": self.end, "speaker": self.speaker,
                "scene": self.scene, "chapter": self.chapter}


@dataclass(frozen=True)
class Question:
    """What a question asks: its kind, the characters it names, whose words it wants."""

    text: str
    kind: str
    terms: list[str]
    characters: list[str]
    speaker: str | None
    corrected: dict[str, str]


# --- the searcher -------------------------------------------------------------------------

_KIND = re.compile(
    r"\b(?P<kind>who|whom|whose|where|when|why|how many|how much|how old|how long|how|"
    r"what colou?r|which|what)\b", re.IGNORECASE)
_YES_NO = re.compile(r"^\s*(?:did|does|do|is|was|were|are|has|had|can|could|will|would)\b", re.IGNORECASE)
# Verbs of speaking: "what did Klaus say/tell/promise..." asks for a character's own words.
_SPEECH_VERBS = (
    "say said says saying tell told tells ask asked asks reply replied replies answer answered answers "
    "call called calls promise promised promises threaten threatened threatens hiss hissed shout shouted "
    "whisper whispered yell yelled scream screamed cry cried exclaim exclaimed accuse accused accuses "
    "admit admitted admits confess confessed claim claimed insist insisted explain explained explains "
    "warn warned warns beg begged suggest suggested announce announced declare declared respond responded "
    "mutter muttered snap snapped think thought").split()
_SPEECH = re.compile(r"\b(?:" + "|".join(_SPEECH_VERBS) + r"|words?|quote|line)\b")

# What a question's words point to: a category of words an answer holds, though the question
# does not use them ("what was she wearing" -> a garment; "where" -> a place).
_CATEGORIES: dict[str, tuple[re.Pattern[str], re.Pattern[str]]] = {
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
         r"fifty|hundred|thousand|dozen|several|few)\b"),
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
_NOT_VOCATIVE = ("then|too|though|now|please|yes|yeah|no|okay|ok|right|really|again|anyway|here|there|"
                 "today|tonight|well|oh|ah|so|look|listen|hey|fine|sure|and|but|or|if|that|this|what|who|"
                 "how|why|you|me|him|her|them|it|i|we|they|not|just|said|asked|replied")
_KIN = r"(?:(?:my|little|dear|sweet|poor|old|young)\s+)?"
_CATEGORIES["address"] = (
    re.compile(r"\b(?:pet names?|nicknames?|terms? of endearment|endearments?)\b|"
               r"\bwhat (?:does|did|do|would) \w+ call\b|\bcall(?:s|ed)? (?:her|him|them)\b", re.IGNORECASE),
    re.compile(rf"[\"“][^\"”\n]*?,\s+{_KIN}(?!(?:{_NOT_VOCATIVE})\b)[a-z]{{3,}}\s*[,.!?…]|"
               rf"[\"“]{_KIN}(?!(?:{_NOT_VOCATIVE})\b)[a-z]{{3,}},\s"),
)


_COMMON = ["what", "who", "where", "when", "why", "how", "which", "whose", "does", "did", "was", "were",
           "the", "and", "about", "with", "their", "there", "they", "this", "that", "have", "said"]
# Categories whose words a right answer almost always holds ("what colour" -> a colour).
_DECISIVE = {"colour", "clothing", "address"}
# Categories whose trigger words only ask for the answer; they leave the question's terms.
_FRAMED = {"clothing": {"wear", "dress", "cloth", "wore", "worn"},
           "address": {"pet", "name", "nicknam", "nickname", "term", "endear", "call", "use"},
           "relation": {"relationship", "relat", "relation", "connect", "connection"}}
_REACTION = re.compile(r"^\s*how\s+(?:did|does|do|was|were|is|would)\s+(?P<who>.+?)\s+"
                       r"(?P<verb>react|reacted|respond|responded|take it|reply|replied|answer|answered)\b",
                       re.IGNORECASE)
_WHO_IS = re.compile(r"^\s*who\s+(?:is|was|'s|’s|were)\s+(?P<who>[^?!.]+?)\s*[?!.]*\s*$", re.IGNORECASE)
_WHAT_MADE = re.compile(r"\bwhat (?:made|makes|make|caused|causes|cause)\b", re.IGNORECASE)
_WHEN = re.compile(r"\b(?:when|after|once|as soon as)\b", re.IGNORECASE)
# "How does the story end?": where in the story the answer is, not a word it holds.
_PLACE_IN_STORY = {
    "end": re.compile(r"\b(?:story|book|tale|it all|it) (?:ends?|ended|finish(?:es|ed)?)\b|\b(?:in|at|by) the (?:very )?end\b|"
                      r"\bending\b", re.IGNORECASE),
    "start": re.compile(r"\b(?:story|book|tale|it all|it) (?:begins?|began|starts?|started|opens?|opened)\b|"
                        r"\b(?:in|at) the (?:very )?(?:beginning|start)\b", re.IGNORECASE),
}
# Their words only say where to look: never "fixed" as typos, and left out of the question's terms.
_FRAME = frozenset("story book tale end ending ends ended finish begin begins began beginning start starts "
                   "started opens".split())
_ASKED = re.compile(r"\?[\"”’']?\s*(?:\w+\s+(?:asked|said|inquired|enquired|cried)\b[^.!?]*[.!?]?)?\s*$")
_FULLNAME = re.compile(r"\b(?:surname|last name|full name|family name|first name|real name)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Weights:
    """Every weight and size of answering, in one place. A tuning script makes another with
    dataclasses.replace and hands it to a Searcher; nothing changes these in place."""

    # Lexical ranking, tuned on FairytaleQA train (scripts/tune_answers.py).
    window: int = 1  # neighbouring sentences on each side in a sentence window
    center_repeat: int = 2
    unit_k1: float = 1.2
    unit_b: float = 0.75
    smooth: float = 0.25
    phrase_weight: float = 0.3
    position_weight: float = 1.0
    described_weight: float = 1.0
    near: int = 4  # words
    near_weight: float = 0.5
    unit_weight: float = 1.0
    passage_weight: float = 0.5
    category_weight: float = 0.3
    name_weight: float = 0.0
    speaker_weight: float = 0.5
    possessive_weight: float = 1.0
    known_top: int = 6  # windows from the story's knowledge of people and places put forward for a question
    known_weight: float = 1.0
    # Fusing the answer model (bot/core/ranker.py) with the lexical score over the best windows:
    # each z-scored among those candidates, then summed with these weights. Chosen on the
    # FairytaleQA train stories held out of the model's training (451 questions): lexical alone
    # 0.747 / 0.909 hit@1 / hit@3, 0.5:1 0.721 / 0.896, 1:1 0.756 / 0.914, 2:1 0.774 / 0.920,
    # 3:1 0.767 / 0.927 (with the model before this one).
    fuse_top: int = 30  # the best lexical candidates (distinct passages) that are reranked
    fuse_dense: int = 10  # and the passages nearest the question by the model
    fuse_lexical: float = 2.0
    fuse_model: float = 1.0
    # The reranker over the best fused windows (scripts/tune_rerank.py, on the development split).
    rerank_top: int = 8  # how many it reads (each costs about 3.5 ms)
    rerank_fused: float = 1.0
    rerank_cross: float = 2.0
    # Scene search.
    scene_head: int = 3  # times a scene's title, places and keywords count in its search document
    scene_meaning_min: float = 2.0  # standard scores: a scene found by meaning alone must stand out so far


WEIGHTS = Weights()


class Searcher:
    """Search over one story's index. Build once per story; every query after is fast."""


    def __init__(self, ix: StoryIndex, weights: Weights = WEIGHTS):
        import bm25s

        logging.getLogger("bm25s").setLevel(logging.ERROR)  # it logs every index build at DEBUG
        self.ix = ix
        self.w = weights
        # Each sentence analysed once, clause by clause: its terms, its phrases, and (joined)
        # its passage's terms, which are the same as analysing the passage whole.
        sentence_spans: list[list[tuple[int, int]]] = []
        sentence_terms: list[list[tuple[list[str], list[str]]]] = []
        self.passage_terms = []
        for p in ix.passages:
            spans = utterances(ix.text, list(sentences(ix.text[p.start : p.end], p.start)))
            analysed = [_clauses(ix.text[a:b]) for a, b in spans]
            sentence_spans.append(spans)
            sentence_terms.append(analysed)
            self.passage_terms.append([t for terms, _ in analysed for t in terms])
        self.bm25 = bm25s.BM25(k1=1.2, b=0.75)
        self.bm25.index(self.passage_terms or [["_"]], show_progress=False)
        self.known_terms = set(self.bm25.vocab_dict)
        self.df = Counter(t for terms in self.passage_terms for t in set(terms))
        self.n = max(1, len(self.passage_terms))
        # The story's own words, for fixing typos in questions, in order of first use, so that
        # the words a reader has met by any horizon are a prefix (vocab_cut[p]: those of the
        # first p passages).
        first_seen: dict[str, None] = {}
        self.vocab_cut = [0]
        for p in ix.passages:
            for w in words(ix.text[p.start : p.end]):
                if len(w) > 2:
                    first_seen.setdefault(w)
            self.vocab_cut.append(len(first_seen))
        self.vocabulary = list(first_seen)
        self.word_rank = {w: i for i, w in enumerate(self.vocabulary)}  # shared by every horizon
        self._learn_names(ix.characters)
        self.passage_scene = np.array([p.scene for p in ix.passages] or [0])
        self.passage_chars = [set(p.characters) for p in ix.passages]
        self.lines_by_passage: dict[int, list] = {}
        for d in ix.dialogue:
            self.lines_by_passage.setdefault(d.passage, []).append(d)
        self.has_place = np.array([bool(re.search(r"\b(?:at|in|into|inside|outside|across)\s+the\s+\w+",
                                                  ix.text[p.start:p.end])) for p in ix.passages] or [False])
        docs = []
        for sc in ix.scenes:
            # The title and places count three times: they are what a reader remembers.
            # (Not the people in the title: they are in the text, and in most scenes alike.)
            title = " ".join(w for w in words(sc.title) if w.lower() not in self.name_words)
            head = " ".join([title, *sc.places, *sc.keywords])
            # A compound place counts for its parts: "the ballroom" is found by "ball".
            parts = [p for w in words(head) for p in _compound(w, self.word_rank)]
            head = " ".join([head, *parts] * self.w.scene_head)
            docs.append(analyse(head + " " + ix.text[sc.start : sc.end]) or ["_"])
        self._scene_bm25 = bm25s.BM25(k1=1.2, b=0.5)
        self._scene_bm25.index(docs or [["_"]], show_progress=False)
        # Sentence windows: each sentence with its neighbours in the passage; the sentence
        # itself counts twice. Answers are ranked by window, then shown from the sentence out.
        self.units: list[tuple[int, int, int]] = []  # start, end, passage index
        unit_terms: list[list[str]] = []
        for pi, spans in enumerate(sentence_spans):
            terms = [own + pairs_ for own, pairs_ in sentence_terms[pi]]
            for k, (a, b) in enumerate(spans):
                window = terms[k] * self.w.center_repeat
                for j in range(max(0, k - self.w.window), min(len(spans), k + self.w.window + 1)):
                    if j != k:
                        window = window + terms[j]
                self.units.append((a, b, pi))
                unit_terms.append(window or ["_"])
        self.unit_bm25 = bm25s.BM25(k1=self.w.unit_k1, b=self.w.unit_b)
        self.unit_bm25.index(unit_terms or [["_"]], show_progress=False)
        self.unit_passage = np.array([u[2] for u in self.units] or [0])
        self.unit_start = np.array([u[0] for u in self.units] or [0], dtype=np.float64)
        from bot.core import characters as chars

        pattern = chars.alias_pattern(chars.alias_table(ix.characters))
        canonical = {a.lower(): c.name for c in ix.characters for a in [c.name, *c.aliases]}
        # Names and categories are found by one scan of each passage, each match given to the
        # sentence it lies in (a scan per sentence was most of the build on a long novel).
        self.unit_names: list[set[str]] = [set() for _ in self.units]
        fullname = np.zeros(len(self.units), dtype=bool)
        for u, m in self._matches(pattern, sentence_spans) if pattern else ():
            alias = " ".join(m.group().split())
            name = canonical.get(alias.lower())
            if name is not None:
                self.unit_names[u].add(name)
            fullname[u] |= " " in alias
        line_starts = [d.start for d in ix.dialogue]
        self.unit_speakers: list[set[str]] = []
        for a, b, _ in self.units:
            i = max(0, bisect.bisect_left(line_starts, a) - 1)
            who = set()
            while i < len(ix.dialogue) and ix.dialogue[i].start < b:
                d = ix.dialogue[i]
                if d.end > a and d.speaker:
                    who.add(d.speaker)
                i += 1
            self.unit_speakers.append(who)
        def postings(rows: list[set[str]]) -> dict[str, np.ndarray]:
            """Character -> the rows (units or passages) they are in, as an index array."""
            found: dict[str, list[int]] = {}
            for r, names in enumerate(rows):
                for n in names:
                    found.setdefault(n, []).append(r)
            return {n: np.array(rs, dtype=np.int64) for n, rs in found.items()}

        self.unit_named = postings([n | sp for n, sp in zip(self.unit_names, self.unit_speakers)])
        self.unit_speaking = postings(self.unit_speakers)
        self.passage_named = postings(self.passage_chars)
        self.passage_speaking = postings([{d.speaker for d in self.lines_by_passage.get(i + 1, ()) if d.speaker}
                                          for i in range(len(ix.passages))])
        self.unit_fullname = fullname
        self.unit_category = {}
        lower = ix.text.lower()
        lower = lower if len(lower) == len(ix.text) else None  # offsets must stay the same
        for name, (_, answer) in _CATEGORIES.items():
            found = np.zeros(max(1, len(self.units)), dtype=bool)
            if lower is not None and answer.flags & re.IGNORECASE and "(?-i:" not in answer.pattern:
                # Python's re is about three times faster without IGNORECASE: scan the lower-cased text.
                matches = self._matches(re.compile(answer.pattern, answer.flags & ~re.IGNORECASE),
                                        sentence_spans, lower)
            else:
                matches = self._matches(answer, sentence_spans)
            for u, _m in matches:
                found[u] = True
            self.unit_category[name] = found

        # Windows that can never be an answer: a heading ("SECOND EPILOGUE", "VIOLET HUNTER."),
        # a chapter title, or a name alone.
        self.titles = {" ".join(words(c.title)) for c in ix.chapters} | {" ".join(words(s.title)) for s in ix.scenes}
        self.unit_bare = np.array([_bare(ix.text[a:b], self.titles, self.aliases) for a, b, _ in self.units] or [False])
        self.sizes = (len(ix.passages), len(self.units), len(ix.scenes))  # what this searcher may return
        self.vectors: np.ndarray | None = None  # passage vectors from the answer model, when it is used
        self.encoder = None
        self.knowledge = Knowledge(self)

    def _matches(self, pattern: re.Pattern[str], sentence_spans: list[list[tuple[int, int]]], text: str | None = None):
        """(unit, match) for each match of ``pattern`` in ``text`` (the story's, or the same
        lower-cased) that lies within one sentence."""
        text = text or self.ix.text
        u0 = 0
        for p, spans in zip(self.ix.passages, sentence_spans):
            starts = [a for a, _ in spans]
            for m in pattern.finditer(text, p.start, p.end):
                k = bisect.bisect_right(starts, m.start()) - 1
                if k >= 0 and m.end() <= spans[k][1]:
                    yield u0 + k, m
            u0 += len(spans)

    def _learn_names(self, characters) -> None:
        """Names: every alias, and every word of one, lower-cased -> canonical name."""
        self.name_words: dict[str, str] = {}
        self.aliases: dict[str, str] = {}
        for c in characters:
            for alias in {c.name, *c.aliases}:
                self.aliases[" ".join(words(alias))] = c.name
                for w in words(alias):
                    if w not in _stopwords() and len(w) > 2:
                        self.name_words.setdefault(w, c.name)
        self.name_terms = {term(w) for w in self.name_words}
        self.speakers = {c.name for c in characters}  # who may be named as a speaker
        # Words of names said with "the" ("the Cat", "the Queen"): without it, an ordinary word.
        self.the_words = {w for c in characters if c.name.lower().startswith("the ")
                          for w in words(c.name)[1:]}

    def at(self, view: StoryIndex) -> "Searcher":
        """This searcher for a reader at a spoiler horizon (``view``, from bot.core.horizon):
        the same index and arrays, shared; everything it returns lies before the horizon, and
        the words and names it knows are those used by then. Word rarity stays the whole
        book's: it shows no text. Cheap: no index is copied."""
        if view.end >= self.ix.end and len(view.passages) == len(self.ix.passages):
            return self
        out = copy.copy(self)  # through __getstate__: the index and the model are put back here
        out.ix, out.encoder = view, self.encoder
        n_passages = len(view.passages)
        n_units = int(np.searchsorted(self.unit_passage, n_passages)) if self.units else 0
        out.sizes = (n_passages, n_units, len(view.scenes))
        out.vocabulary = self.vocabulary[: self.vocab_cut[n_passages]]
        out._learn_names(view.characters)
        return out

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        state.pop("ix")  # the index is cached on its own; attach() puts it back
        state.pop("encoder", None)  # the model is loaded from the package, never pickled
        state["format"] = FORMAT
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self.ix = None
        self.encoder = None

    def attach(self, ix: StoryIndex, encoder=None) -> "Searcher":
        """Put back what the cache does not hold: the index, and the answer model (or None)."""
        self.ix = ix
        self.encoder = encoder if getattr(self, "vectors", None) is not None else None
        return self

    # -- understanding -------------------------------------------------------------------

    def resolve_character(self, name: str) -> tuple[str | None, list[str]]:
        """A character by any alias, typos allowed. Returns (name, []) when sure, else
        (None, up to five "did you mean" guesses, best first)."""
        from rapidfuzz import fuzz, utils

        key = " ".join(words(name))
        if not key:
            return None, []
        if key in self.aliases:
            return self.aliases[key], []
        if key in self.name_words:
            return self.name_words[key], []
        scored: dict[str, float] = {}
        whole: dict[str, float] = {}  # against a whole alias only, not a word of one
        for alias, canonical in self.aliases.items():
            full = fuzz.ratio(key, alias, processor=utils.default_process)
            score = max(full, max((fuzz.ratio(key, w) for w in alias.split() if len(w) > 2), default=0))
            scored[canonical] = max(scored.get(canonical, 0), score)
            whole[canonical] = max(whole.get(canonical, 0), full)
        ranked = sorted(scored.items(), key=lambda kv: -kv[1])
        # Answer directly only when the best match is close and far ahead of the runner-up,
        # by any word of a name or by a whole one ("Nicolas" is Nicholas, not Nicholas Rostóv).
        for table in (scored, whole):
            best = sorted(table.items(), key=lambda kv: -kv[1])
            if best and best[0][1] >= 85 and (len(best) == 1 or best[0][1] - best[1][1] >= 10):
                return best[0][0], []
        return None, [n for n, sc in ranked if sc >= 65][:5]

    def knows(self, word: str) -> bool:
        """Whether the story, up to this searcher's horizon, uses ``word``."""
        return self.word_rank.get(word, len(self.vocabulary)) < len(self.vocabulary)

    def understand(self, question: str) -> Question:
        import simplemma
        from rapidfuzz import fuzz

        raw = words(question)
        stop = _stopwords()
        corrected: dict[str, str] = {}
        characters: list[str] = []
        fixed: list[str] = []
        names = list(self.name_words)
        for i, w in enumerate(raw):
            # A real English word ("feel", "treat") is not a typo of a story word ("feeble",
            # "great"); only a near-identical spelling ("neighbors" -> "neighbours") is fixed.
            english = simplemma.is_known(w, lang="en")
            base = w[:-1] if w.endswith("s") and w[:-1] in self.name_words else w
            if base in self.name_words and base in self.the_words and i and raw[i - 1] != "the" \
                    and self.name_words.get(raw[i - 1]) != self.name_words[base]:
                base = ""  # "Alice's cat" is a cat; "the Cat" is the character
            if base in self.name_words:
                characters.append(self.name_words[base])
                fixed.append(base)
                continue
            if w in stop or w in _QUESTION_ONLY or len(w) < 3:
                fixed.append(w)
                continue
            if not self.knows(w):
                # A misspelled name ("marcell", "carolin", "carolines") before anything else.
                hit = process.extractOne(w, names, scorer=fuzz.ratio, score_cutoff=90 if english else 82)
                if hit:
                    corrected[w] = hit[0]
                    characters.append(self.name_words[hit[0]])
                    fixed.append(hit[0])
                    continue
            if self.knows(w) or term(w) in self.known_terms or w in _FRAME:
                fixed.append(w)
                continue
            if len(w) <= 5 and not english:
                # "wat", "waht": a misspelled question word, not a word of the story.
                hit = process.extractOne(w, _COMMON, scorer=fuzz.ratio, score_cutoff=74)
                if hit:
                    corrected[w] = hit[0]
                    fixed.append(hit[0])
                    continue
            hit = process.extractOne(w, self.vocabulary, scorer=fuzz.ratio, score_cutoff=92 if english else 80)
            if hit:
                corrected[w] = hit[0]
                fixed.append(hit[0])
            else:
                fixed.append(w)
        text = " ".join(fixed)
        kind_match = _KIND.search(text)
        if _YES_NO.match(text):
            kind = "yes-no"  # "did he smile when she said...": not a "when" question
        else:
            kind = kind_match.group("kind").lower() if kind_match else "other"
        kind = "what colour" if kind.startswith("what colo") else kind
        speaker = None
        if characters and _SPEECH.search(question.lower()):
            # "what did Klaus say about Marcel": the speaker is the name before the verb.
            verbs = "|".join(_SPEECH_VERBS + ["words"])
            # Only in the main clause: "did Klaus smile when Caroline said..." wants no one's words.
            main = _WHEN.split(text, maxsplit=1)[0] if not _WHEN.match(text) else text
            for m in re.finditer(rf"\b(\w+)\s+(?:(?:\w+ly|first|then|just|really)\s+)?(?:{verbs})\b", main):
                if m.group(1) in self.name_words:
                    speaker = self.name_words[m.group(1)]
                    break
        if speaker is None and characters and _CATEGORIES["address"][0].search(text):
            speaker = characters[0]  # "what pet name does Klaus use for her": Klaus's words
        terms = [term(w) for w in fixed if w not in stop and w not in _QUESTION_ONLY and len(w) > 1
                 and not (speaker and _SPEECH.fullmatch(w))]
        for name in _FRAMED:
            trigger = _CATEGORIES[name][0]
            if trigger.search(text):
                # "What was she wearing?": the garment is the answer, "wearing" only asks for it.
                terms = [t for t in terms if not trigger.search(t) and t not in _FRAMED[name]] or terms
        if _WHAT_MADE.search(text):
            terms = [t for t in terms if t not in ("make", "caus")] or terms
        if any(p.search(text) for p in _PLACE_IN_STORY.values()):
            frame = {term(w) for w in _FRAME}
            terms = [t for t in terms if t not in frame]  # may leave none: the position is the question
        return Question(question, kind, terms, list(dict.fromkeys(characters)), speaker, corrected)

    # -- answering ------------------------------------------------------------------------

    def _reply_after(self, q: Question, combined: np.ndarray) -> int | None:
        """For "what did X say/answer/ask when ..." and "how did X react when ...": the window
        holding X's first line (or first mention) after the best match for the "when" clause, in
        the same scene."""
        if not _WHEN.search(q.text):
            return None
        who = q.speaker
        if who is None:
            match = _REACTION.search(q.text)
            if not match or not q.characters:
                return None
            subject = [self.name_words.get(w) or self.name_words.get(q.corrected.get(w, ""))
                       for w in words(match.group("who"))]
            who = next((c for c in subject if c), None)
            if who is None:
                return None
        clause = _WHEN.split(q.text, maxsplit=1)[-1]
        terms = [t for t in analyse(clause) if t in self.unit_bm25.vocab_dict]
        if not terms:
            return None
        scores = self.unit_bm25.get_scores(terms).astype(np.float64)
        scores[self.sizes[1]:] = 0.0
        asker = re.match(rf"\s*(\w+)\s+(?:{'|'.join(_SPEECH_VERBS)})\b", fold(clause).lower())
        if asker and asker.group(1) in self.name_words:
            # "when Marcel asked about the girl": a line Marcel speaks is the moment.
            scores *= 1.0 + _share(self.unit_speaking, [self.name_words[asker.group(1)]], len(scores))
        moment = int(np.argmax(scores))
        if scores[moment] <= 0:
            return None
        scene = self.passage_scene[self.unit_passage[moment]]
        for u in range(moment + 1, min(self.sizes[1], moment + 12)):
            if self.passage_scene[self.unit_passage[u]] != scene:
                break
            if who in self.unit_speakers[u] or (q.speaker is None and who in self.unit_names[u]):
                return u
        return None

    def _who(self, typed: str) -> str | None:
        """A character named in a question ("marcel", "the white rabbit"), or None."""
        typed = re.sub(r"^(?:the|a|an)\s+", "", typed.strip(), flags=re.IGNORECASE)
        found = self.resolve_character(typed)[0] if typed else None
        # Else the last word that is a name: "the white rabbit" is the Rabbit, "old bolkonski" Bolkónski.
        return found or next((self.name_words[w] for w in reversed(words(typed)) if w in self.name_words), None)

    def _possessive(self, q: Question, units: np.ndarray) -> np.ndarray | None:
        """"Caroline's eyes": units that say "her eyes" (or "Caroline's eyes") score higher."""
        for match in re.finditer(r"\b(\w+)(?:'s|’s|s|')\s+([a-z]{3,})\b", fold(q.text).lower()):
            owner = match.group(1)
            owner = self.name_words.get(owner) or self.name_words.get(q.corrected.get(owner, ""))
            if owner is None:
                continue
            thing = match.group(2)
            gender = next((c.gender for c in self.ix.characters if c.name == owner), None)
            pronoun = {"male": "his", "female": "her"}.get(gender or "", "")
            aliases = [re.escape(a) for c in self.ix.characters if c.name == owner for a in [c.name, *c.aliases]]
            owners = "|".join(aliases + ([pronoun] if pronoun else []))
            pattern = re.compile(rf"\b(?:{owners})(?:'s|’s|'|’)?\s+(?:\w+\s+){{0,2}}{re.escape(thing[:-1] if thing.endswith('s') else thing)}", re.IGNORECASE)
            return np.array([bool(pattern.search(self.ix.text[self.units[u][0] : self.units[u][1]])) for u in units])
        return None

    def _position(self, q: Question) -> np.ndarray | None:
        """For "how does it end" (or begin): 0..1 for each window, rising over the story's last
        (or first) sixth."""
        for where, pattern in _PLACE_IN_STORY.items():
            if pattern.search(q.text) and self.units:
                # Within the story itself: a Gutenberg header or licence is no part of its end.
                first, last = self.units[0][0], self.units[max(0, self.sizes[1] - 1)][1]
                pos = (self.unit_start - first) / max(1, last - first)
                ramp = (pos - 0.85) / 0.15 if where == "end" else (0.15 - pos) / 0.15
                return np.clip(ramp, 0.0, 1.0)
        return None

    def _described(self, q: Question, units: np.ndarray) -> np.ndarray | None:
        """"Who is Irene Adler?": windows that say what someone is ("Irene Adler, the famous
        adventuress"; "X was a ..."), not ones that only say the name ("And Irene Adler?")."""
        asked = _WHO_IS.match(q.text)
        if not asked:
            return None
        name = " ".join(words(asked.group("who")))
        if not name or set(q.terms) - {term(w) for w in name.split()}:
            return None  # more is asked than who someone is
        who = re.escape(fold(asked.group("who").strip()))
        pattern = re.compile(rf"\b{who}(?:'s|’s)?(?:,\s+|\s+(?:is|was|are|were|had been)\s+)(?:a|an|the|his|her|my|our|"
                             rf"their|one|now|once)\b|\b(?:a|an|the)\s+(?:[\w-]+\s+){{0,3}}[\w-]+,\s+{who}\b",
                             re.IGNORECASE)
        out = np.zeros(len(units))
        for k, u in enumerate(units):
            text = fold(self.ix.text[self.units[u][0] : self.units[u][1]])
            out[k] = bool(pattern.search(text)) and len(words(text)) >= 8
        return out

    def _near(self, q: Question, units: np.ndarray) -> np.ndarray | None:
        """"What colour were his eyes": windows where a colour word stands within a few words of
        what the question is about ("eyes tinted with gold"), not anywhere in the window."""
        wanted = [name for name in _DECISIVE if _CATEGORIES[name][0].search(q.text)]
        topical = set(q.terms) - self.name_terms
        if not wanted or not topical:
            return None
        answers = [_CATEGORIES[name][1] for name in wanted]
        out = np.zeros(len(units))
        for k, u in enumerate(units):
            text = self.ix.text[self.units[u][0] : self.units[u][1]]
            if not any(a.search(text) for a in answers):
                continue
            tokens = words(text)
            about = [i for i, w in enumerate(tokens) if term(w) in topical]
            if not about:
                continue
            hits = [i for i, w in enumerate(tokens) if any(a.fullmatch(w) for a in answers)]
            out[k] = any(abs(i - j) <= self.w.near for i in hits for j in about if i != j)
        return out

    def _idf(self, t: str) -> float:
        df = self.df.get(t, 0)
        return math.log(1 + (self.n - df + 0.5) / (df + 0.5))

    def scores(self, q: Question) -> np.ndarray:
        """A score for every passage."""
        terms = [t for t in q.terms if t in self.known_terms]
        if not terms or not self.ix.passages:
            return np.zeros(len(self.passage_terms))
        base = self.bm25.get_scores(terms).astype(np.float64)
        base[self.sizes[0]:] = 0.0  # past the reader's horizon: before smoothing, so nothing leaks back
        # A passage next to a strong one in the same scene shares a little of its score.
        smoothed = base.copy()
        if len(base) > 1:
            same_prev = self.passage_scene[1:] == self.passage_scene[:-1]
            smoothed[1:] += self.w.smooth * base[:-1] * same_prev
            smoothed[:-1] += self.w.smooth * base[1:] * same_prev
        boost = np.ones(len(base))
        if q.characters:
            boost += 0.15 * _share(self.passage_named, q.characters, len(base))
        if q.speaker:
            boost *= 1.0 + 0.3 * _share(self.passage_speaking, [q.speaker], len(base))
        if q.kind == "where":
            boost *= np.where(self.has_place, 1.1, 1.0)
        return smoothed * boost


    def ask(self, question: str, top: int = 3) -> AskResult:
        """Answer a question with the quotes that show the answer, best first."""
        question = question.strip()[:1000]
        q = self.understand(question)
        suggestions = [f"{w} -> {c}" for w, c in q.corrected.items()]
        pscores = self.scores(q)
        position = self._position(q)
        only_position = position is not None and not any(t in self.known_terms for t in q.terms)
        if only_position:
            # "How does the story end?" and nothing else: the closing (or opening) lines.
            pscores = np.ones(len(self.passage_terms))
            pscores[self.sizes[0]:] = 0.0
        asked = self.knowledge.asked(question, self._who, self.ix.characters)
        known = self.knowledge.windows(asked, self.sizes[1])[: self.w.known_top] if asked else []
        if not len(pscores) or pscores.max() <= 0 and not known and (self.encoder is None or not self.sizes[1]):
            return AskResult(question, False, [], suggestions or self._suggest(q))
        terms = [t for t in q.terms if t in self.unit_bm25.vocab_dict]
        uscores = self.unit_bm25.get_scores(terms).astype(np.float64) if terms else np.zeros(len(self.units))
        phrase_terms = [t for t in pairs(q.terms) if t in self.unit_bm25.vocab_dict]
        if phrase_terms:
            uscores += self.w.phrase_weight * self.unit_bm25.get_scores(phrase_terms)
        combined = self.w.unit_weight * uscores + self.w.passage_weight * pscores[self.unit_passage]
        # What the question points to multiplies a window's score: its category of answer
        # (a place, a colour), the characters it names, whose words it wants.
        factor = np.ones(len(combined))
        for name, (trigger, _) in _CATEGORIES.items():
            if trigger.search(q.text):
                weight = self.w.category_weight * (3 if name in _DECISIVE else 1)
                factor += weight * self.unit_category[name]
        if position is not None:
            factor += self.w.position_weight * position
        if _FULLNAME.search(q.text):
            factor += self.w.category_weight * self.unit_fullname
        if q.characters and self.w.name_weight:
            factor += self.w.name_weight * _share(self.unit_named, q.characters, len(factor))
        if q.speaker:
            factor += self.w.speaker_weight * _share(self.unit_speaking, [q.speaker], len(factor))
        combined = combined * factor
        combined[self.sizes[1]:] = 0.0  # windows past the reader's horizon are never answers
        combined[self.unit_bare] = 0.0  # nor headings and names alone
        if known:
            # What the story says of who someone is (what they look like, what they are to
            # another, where it all happens) comes before windows that only share its words.
            lift = max(1.0, float(combined.max()))
            for rank, u in enumerate(known):
                combined[u] = max(0.0, float(combined[u])) + lift * (1.0 + self.w.known_weight / (1 + rank))
        # The last signal reads text, so it only looks at the best few hundred windows.
        k = min(len(combined), max(top * 20, 300))
        order = np.argpartition(-combined, k - 1)[:k]
        owned = self._possessive(q, order)
        if owned is not None:
            combined[order] *= 1.0 + self.w.possessive_weight * owned
        order = order[np.argsort(-combined[order])]
        head = order[: max(top * 20, 60)]
        described = self._described(q, head)
        near = self._near(q, head)
        if described is not None or near is not None:
            for weight, found in ((self.w.described_weight, described), (self.w.near_weight, near)):
                if found is not None:
                    combined[head] *= 1.0 + weight * found
            order = order[np.argsort(-combined[order], kind="stable")]
        fusion = None
        if not only_position:
            order, fusion = self._fuse(q, order, combined)
        reply = self._reply_after(q, combined)
        if reply is not None:
            # "What did Klaus say when Marcel asked about her?": the speaker's next line after
            # the moment the question describes comes first.
            order = np.concatenate([[reply], order[order != reply]])
            combined[reply] = max(combined[reply], float(combined[order[1]]) if len(order) > 1 else 1.0)
        seen: set[int] = set()
        chosen = set(fusion.units.tolist()) if fusion is not None else set()
        picked: list[int] = []
        for u in order[: top * 20]:
            pi = int(self.unit_passage[u])
            if pi in seen or self.unit_bare[u] or combined[u] <= 0 and int(u) not in chosen:
                continue
            seen.add(pi)
            picked.append(int(u))
            if len(picked) >= top:
                break
        picked = self._by_meaning(fusion, picked, combined)
        answers = [self._answer(int(self.unit_passage[u]), q, float(combined[u]), self.units[u]) for u in picked]
        lexically_sure = bool(answers) and (only_position or self._confident(q, answers[0].passage - 1))
        confident = lexically_sure
        if answers and fusion is not None and not only_position and self.encoder.calibration:
            confident = ranker.sure(self.encoder.calibration, fusion, lexically_sure)
        if not confident:
            suggestions = suggestions + self._suggest(q)
        return AskResult(question, confident, answers, suggestions)


    def _fuse(self, q: Question, order: np.ndarray, combined: np.ndarray
              ) -> tuple[np.ndarray, "ranker.Fusion | None"]:
        """The best windows reordered by lexical and model scores together, and what the model
        saw (for confidence); the order as it is, and None, when there is no model."""
        if self.vectors is None or self.encoder is None:
            return order, None
        head, seen = [], set()
        for u in order[: self.w.fuse_top * 4]:
            pi = int(self.unit_passage[u])
            if combined[u] <= 0 or pi in seen:
                continue
            seen.add(pi)
            head.append(int(u))
            if len(head) >= self.w.fuse_top:
                break
        # The passages nearest the question by meaning join the candidates, lexical match or not
        # (each by its best window): "how did he greet her" finds "welcome to New Orleans".
        question = self.encoder.question(q.text)
        near = self.vectors[: self.sizes[0]].astype(np.float32) @ question
        for pi in np.argsort(-near)[: self.w.fuse_dense]:
            if int(pi) in seen:
                continue
            lo, hi = np.searchsorted(self.unit_passage, [pi, pi + 1])
            if hi > lo and not self.unit_bare[lo:hi].all():
                seen.add(int(pi))
                head.append(int(lo + np.argmax(combined[lo:hi] - self.unit_bare[lo:hi])))
        if not head:
            return order, None
        head_a = np.array(head)
        cosine = near[self.unit_passage[head_a]]
        fused = self.w.fuse_lexical * _z(combined[head_a]) + self.w.fuse_model * _z(cosine)
        rank = np.argsort(-fused, kind="stable")
        ranked, cosine, fused = head_a[rank], cosine[rank], fused[rank]
        # The best few are read again by the reranker, word by word against the question, and
        # put in the order of both scores (each z-scored among them).
        top = min(self.w.rerank_top, len(ranked)) if getattr(self.encoder, "reranks", False) else 0
        cross = self.encoder.rerank(q.text, [self.window(int(u)) for u in ranked[:top]]) if top > 1 else None
        if cross is not None:
            again = np.argsort(-(self.w.rerank_fused * _z(fused[:top]) + self.w.rerank_cross * _z(cross)), kind="stable")
            ranked[:top], cosine[:top], fused[:top], cross = ranked[again], cosine[again], fused[again], cross[again]
        fusion = ranker.Fusion(cosine, fused, ranked, question, cross, self._known_share(q))
        return np.concatenate([ranked, order[~np.isin(order, ranked)]]), fusion

    def window(self, u: int) -> str:
        """The text a reranker reads for window ``u``: its sentence with one neighbour on each
        side in the same passage (what the window was ranked by)."""
        pi = self.unit_passage[u]
        lo = u - 1 if u > 0 and self.unit_passage[u - 1] == pi else u
        hi = u + 1 if u + 1 < len(self.units) and self.unit_passage[u + 1] == pi else u
        return " ".join(self.ix.text[self.units[lo][0] : self.units[hi][1]].split())

    def _by_meaning(self, fusion: "ranker.Fusion | None", picked: list[int], combined: np.ndarray) -> list[int]:
        """A passage found by meaning alone (no word of the question in it) is quoted from its
        sentence nearest the question, not its first."""
        if fusion is None or self.encoder is None:
            return picked
        lost = [k for k, u in enumerate(picked) if combined[u] <= 0]
        if not lost:
            return picked
        spans = []
        for k in lost:
            pi = self.unit_passage[picked[k]]
            lo, hi = np.searchsorted(self.unit_passage, [pi, pi + 1])
            spans.append((k, int(lo), int(hi)))
        texts = [self.ix.text[self.units[u][0] : self.units[u][1]] for _, lo, hi in spans for u in range(lo, hi)]
        scores = self.encoder.embed(texts, ranker.MAX_QUESTION_TOKENS * 2) @ fusion.question
        out, at = list(picked), 0
        for k, lo, hi in spans:
            out[k] = lo + int(np.argmax(scores[at : at + hi - lo] - 10.0 * self.unit_bare[lo:hi]))
            at += hi - lo
        return out

    def _known_share(self, q: Question) -> float:
        """How much of the question the story has words for, weighted by rarity (a word it never
        uses counts as the rarest): low for a question about another story."""
        raw = [w for w in words(q.text) if w not in _stopwords() and w not in _QUESTION_ONLY and len(w) > 2]
        if not raw:
            return 1.0
        rarest = self._idf("\0")
        weights = [(self._idf(term(w)) if term(w) in self.known_terms else rarest,
                    term(q.corrected.get(w, w)) in self.known_terms or w in self.name_words) for w in raw]
        return sum(wt for wt, known in weights if known) / sum(wt for wt, _ in weights)

    def _confident(self, q: Question, best: int) -> bool:
        """Sure when the answer passage holds most of what the question is about."""
        content = [t for t in dict.fromkeys(q.terms)]
        if not content:
            return False
        present = set(self.passage_terms[best])
        nearby = set(present)
        for j in (best - 1, best + 1):
            if 0 <= j < self.sizes[0]:
                nearby.update(self.passage_terms[j])
        names = self.name_terms
        topical = [t for t in content if t not in names]
        weight = sum(self._idf(t) for t in content) or 1.0
        covered = sum(self._idf(t) for t in content if t in nearby) / weight
        return covered >= 0.5 and (not topical or any(t in nearby for t in topical))

    def _suggest(self, q: Question) -> list[str]:
        """Offer what we can: a scene that shares the question's words."""
        hits = self.scenes(" ".join(q.terms), top=1) if q.terms else []
        return [f"scene: {h.title}" for h in hits]

    def _answer(self, i: int, q: Question, score: float, unit: tuple[int, int, int] | None = None) -> Answer:
        p = self.ix.passages[i]
        start, end = self.best_quote(p.start, p.end, q, around=unit[0] if unit else None)
        # Whose words these are: the asked-for speaker's line, else the line the match is in.
        lines = [d for d in self.lines_by_passage.get(p.id, []) if d.start < end and d.end > start]
        chosen = (next((d for d in lines if q.speaker and d.speaker == q.speaker), None)
                  or next((d for d in lines if unit and d.start < unit[1] and d.end > unit[0]), None)
                  or (lines[0] if lines else None))
        speaker = chosen.speaker if chosen and chosen.speaker in self.speakers else None
        return Answer(self.ix.text[start:end], start, end, p.id, p.scene, p.chapter,
                      tuple(c for c in p.characters if c in self.speakers), speaker, score)

    def best_quote(self, start: int, end: int, q: Question, around: int | None = None) -> tuple[int, int]:
        """The sentence or few sentences of text[start:end] that hold the question's words."""
        text = self.ix.text
        spans = utterances(text, list(sentences(text[start:end], start)), whole_quotes=True)
        if not spans:
            return start, end
        wanted = {t: self._idf(t) for t in q.terms}
        speaker_spans = []
        if q.speaker:
            speaker_spans = [(d.start, d.end) for d in self.ix.dialogue
                             if d.speaker == q.speaker and d.start < end and d.end > start]

        answers = [answer for name, (trigger, answer) in _CATEGORIES.items()
                   if name in _DECISIVE and trigger.search(q.text)]

        def value(s: int, e: int) -> float:
            found = set(analyse(text[s:e])) & wanted.keys()
            v = sum(wanted[t] for t in found)
            if any(answer.search(text[s:e]) for answer in answers):
                v += 2.0  # it holds what is asked for: a colour, a garment, a pet name
            if any(ds < e and de > s for ds, de in speaker_spans):
                v += 2.0
            return v

        values = [value(s, e) for s, e in spans]
        # A heading or a name alone is never part of a quote: it ends one, and is never its start.
        bare = [_bare(text[s:e], self.titles, self.aliases) for s, e in spans]
        if all(bare):
            return spans[0][0], spans[0][1]
        values = [v if not b else -1.0 for v, b in zip(values, bare)]
        # A "why" (or "what made...") reads better with what came before; anything else with what follows.
        cause = q.kind == "why" or bool(_WHAT_MADE.search(q.text))
        best = max(range(len(spans)), key=lambda i: values[i])
        if around is not None:
            # Start from the window's sentence, or its neighbour when that holds more of the question.
            centre = next((i for i, (s, e) in enumerate(spans) if s <= around < e), best)
            best = max(range(max(0, centre - 1), min(len(spans), centre + 2)),
                       key=lambda i: (values[i], i == centre))
            if bare[best]:
                best = max(range(len(spans)), key=lambda i: (not bare[i], -abs(i - centre)))
        lo = hi = best
        # Grow around the best sentence while the neighbours add matched words or it is too short.
        while True:
            cur = spans[hi][1] - spans[lo][0]
            options = []
            if lo > 0 and not bare[lo - 1] and spans[hi][1] - spans[lo - 1][0] <= QUOTE_MAX:
                options.append((values[lo - 1], lo - 1, hi))
            if hi + 1 < len(spans) and not bare[hi + 1] and spans[hi + 1][1] - spans[lo][0] <= QUOTE_MAX:
                options.append((values[hi + 1], lo, hi + 1))
            if not options:
                break
            v, nlo, nhi = max(options, key=lambda o: (o[0], o[1] != lo if cause else o[2] != hi))
            if v > 0 or cur < 80:
                lo, hi = nlo, nhi
            else:
                break
        # A quote that ends on a question someone asks is followed by the reply, when it fits:
        # "But to whom?" -- "To an English lawyer named Norton."
        if (hi + 1 < len(spans) and not bare[hi + 1] and _ASKED.search(text[spans[hi][0]:spans[hi][1]])
                and text[spans[hi + 1][0]:spans[hi + 1][0] + 1] in "\"“'‘" and spans[hi + 1][1] - spans[lo][0] <= QUOTE_MAX):
            hi += 1
        return spans[lo][0], min(spans[hi][1], spans[lo][0] + QUOTE_MAX)

    # -- scenes and quotes -------------------------------------------------------------------

    def scenes(self, keywords: str, top: int = 5) -> list[SceneHit]:
        """Scenes ranked by their title, places, people and words."""
        ix = self.ix
        q = self.understand(keywords)
        terms = [t for t in q.terms if t in self._scene_bm25.vocab_dict]
        if not ix.scenes:
            return []
        n = len(ix.scenes)
        scores = self._scene_bm25.get_scores(terms).astype(np.float64)[:n] if terms else np.zeros(n)
        if q.characters:
            wanted = set(q.characters)
            scores *= np.array([1.0 + 0.3 * len(wanted & set(s.characters)) / len(wanted) for s in ix.scenes])
        meaning = self._scene_meaning(keywords) if not (scores > 0).any() else None
        if meaning is not None and len(meaning) >= 3 and _z(meaning).max() >= self.w.scene_meaning_min:
            # No word of it in any scene ("the fight" where nobody says "fight"): each scene by
            # its passage nearest the words, when one stands out. (Fused with the words as
            # answers are, it did worse on the tuning lookups than the words alone.)
            scores = meaning - meaning.min() + 1e-3
        order = [int(i) for i in np.argsort(-scores)[:top] if scores[i] > 0]
        out = []
        for i in order:
            s = ix.scenes[i]
            first = next((p for p in ix.passages if p.scene == s.id), None)
            a, b = self.best_quote(first.start if first else s.start, s.end, q) if terms else (s.start, s.end)
            out.append(SceneHit(s.id, s.title, s.start, s.end, s.chapter, s.characters,
                                _trim(ix.text[a:b], 300), float(scores[i])))
        return out


    def _scene_meaning(self, keywords: str) -> np.ndarray | None:
        """Each scene's nearest passage to ``keywords`` by the answer model (None without it)."""
        if self.vectors is None or self.encoder is None or not keywords.strip():
            return None
        n_pass, n_scenes = self.sizes[0], len(self.ix.scenes)
        near = self.vectors[:n_pass].astype(np.float32) @ self.encoder.question(keywords)
        best = np.full(n_scenes, -1.0)
        scene_of = self.passage_scene[:n_pass].astype(np.int64) - 1
        keep = scene_of < n_scenes
        np.maximum.at(best, scene_of[keep], near[keep])
        return best

    def quote(self, character: str | None = None, about: str | None = None,
              seed: int | None = None) -> Quote | None:
        """A random memorable line of dialogue, optionally by a character and/or about a topic."""
        lines = list(self.ix.dialogue)
        if character:
            name, _ = self.resolve_character(character)
            lines = [d for d in lines if d.speaker == name] if name else []
        if about and lines:
            q = self.understand(about)
            wanted = set(q.terms)
            scored = []
            for d in lines:
                p = self.ix.passages[d.passage - 1] if 0 < d.passage <= len(self.ix.passages) else None
                own = set(analyse(d.text))
                context = set(self.passage_terms[d.passage - 1]) if p else set()
                s = 2 * len(own & wanted) + len(context & wanted)
                if s:
                    scored.append((s, d))
            if scored:
                best = max(s for s, _ in scored)
                lines = [d for s, d in scored if s >= best / 2]
            else:
                lines = []
        if not lines:
            return None
        memorable = ([d for d in lines if len(d.text.split()) >= 6 and len(d.text) <= SAY_MAX]
                     or [d for d in lines if len(d.text.split()) >= 6] or lines)
        rng = random.Random(seed)
        weights = [min(len(d.text.split()), 40) for d in memorable]
        d = rng.choices(memorable, weights=weights, k=1)[0]
        p = self.ix.passages[d.passage - 1] if 0 < d.passage <= len(self.ix.passages) else None
        text, end = aloud(d.text), d.end
        if text != d.text:
            # A monologue cut after the sentences a person would read aloud: end where they end.
            tail = text[-min(len(text), 24):]
            found = self.ix.text.find(tail, d.start, d.end)
            end = found + len(tail) if found >= 0 else d.end
        return Quote(text, d.start, end, d.speaker, p.scene if p else 0, p.chapter if p else 0)


def _compound(word: str, vocabulary: set[str]) -> list[str]:
    """The two halves of a compound one of whose halves is a word of the story ("ballroom" ->
    "ball", "room"), or nothing."""
    stop = _stopwords()
    for i in range(3, len(word) - 2):
        left, right = word[:i], word[i:]
        if any(len(h) >= 4 and h in vocabulary and h not in stop for h in (left, right)):
            return [left, right]
    return []


def _bare(text: str, titles: set[str], names: Container[str]) -> bool:
    """A sentence that says nothing by itself: a heading in capitals, a chapter's or scene's
    title, or a name alone ("Marcel." or "Irene Adler?")."""
    stripped = text.strip()
    key = " ".join(words(stripped))
    if not key:
        return True
    if len(key.split()) <= 6 and (key in titles or key in names):
        return True
    letters = [ch for ch in stripped if ch.isalpha()]
    return len(key.split()) <= 8 and bool(letters) and all(ch.isupper() for ch in letters)


def _z(x: np.ndarray) -> np.ndarray:
    """Scores as standard scores among themselves (all zero when they do not differ)."""
    sd = float(x.std())
    return (x - x.mean()) / sd if sd > 1e-9 else np.zeros_like(x, dtype=np.float64)


def _share(postings: dict[str, np.ndarray], names: list[str], size: int) -> np.ndarray:
    """For each row, the share of ``names`` found in it."""
    out = np.zeros(size)
    for n in names:
        rows = postings.get(n)
        if rows is not None:
            out[rows] += 1.0
    return out / max(1, len(names))


def _trim(text: str, limit: int) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut + " …"
