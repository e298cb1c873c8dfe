"""Question signals: what a question points to, beyond its words, raises the windows that hold it.

Each signal is one unit here: its trigger (a pattern of the question, in question.py), the data it
precomputes from the story (when any), and its weight (in Weights). Three families:

- factors on every window: the category of word a right answer holds (a place, a colour, a
  garment, a pet name), a full name ("what is her surname"), the speaker whose words are asked for,
  the story's end or beginning ("how does it end");
- readers of the best few hundred windows' text: "Caroline's eyes" said as "her eyes" (possessive),
  "how much did she pay" answered by a sum, "how old" by an age (quantity),
  "who is X" answered by what X is (described), a colour next to what is asked about (near);
- moves: of the best three, those from a chapter that names whom the question asks about first
  (in_their_chapters_first), and those holding the age, sum or count asked for (amount_first); the story's knowledge of people and places put first (known), and
  "what did X say when ..." answered by X's next line after that moment ("what did X do when
  ...": the first window naming X from that moment on) (reply_after).
"""
from __future__ import annotations

import re
from functools import lru_cache

import numpy as np

from bot.core.language import NUMBER_WORDS, ORDINAL_WORDS, QUANTITY_UNITS
from bot.core.search.question import (CATEGORIES, DECISIVE, FULLNAME, PLACE_IN_STORY, QUANTITY, REACTION,
                                      SPEECH_VERBS, WHEN, WHO_IS, Question)
from bot.core.search.retrieval import matches, share
from bot.core.search.terms import analyse, fold, stopwords, term, words


def categories(sr, sentence_spans: list[list[tuple[int, int]]]) -> dict[str, np.ndarray]:
    """For each category of answer word, which windows hold one (one scan of the story each)."""
    out = {}
    lower = sr.ix.text.lower()
    lower = lower if len(lower) == len(sr.ix.text) else None  # offsets must stay the same
    for name, (_, answer) in CATEGORIES.items():
        found = np.zeros(max(1, len(sr.units)), dtype=bool)
        if lower is not None and answer.flags & re.IGNORECASE and "(?-i:" not in answer.pattern:
            # Python's re is about three times faster without IGNORECASE: scan the lower-cased text.
            hits = matches(sr.ix, re.compile(answer.pattern, answer.flags & ~re.IGNORECASE), sentence_spans, lower)
        else:
            hits = matches(sr.ix, answer, sentence_spans)
        for u, _m in hits:
            found[u] = True
        out[name] = found
    return out


def factor(sr, q: Question, position: np.ndarray | None) -> np.ndarray:
    """What every window's lexical score is multiplied by: its category of answer (a place, a
    colour), the story's end or start, a full name, the characters named, whose words are wanted."""
    w = sr.w
    out = np.ones(len(sr.units))
    for name, (trigger, _) in CATEGORIES.items():
        if trigger.search(q.text):
            out += w.category_weight * (3 if name in DECISIVE else 1) * sr.unit_category[name]
    if position is not None:
        out += w.position_weight * position
    if FULLNAME.search(q.text):
        out += w.category_weight * sr.unit_fullname
    if q.characters and w.name_weight:
        out += w.name_weight * share(sr.unit_named, q.characters, len(out))
    if q.speaker:
        out += w.speaker_weight * share(sr.unit_speaking, [q.speaker], len(out))
    return out


_SAY = re.compile(r"\b(?:say|says|said|tell|tells|told)\b", re.IGNORECASE)  # not "think", "call", "cry"


def own_words_first(sr, q: Question, order: np.ndarray) -> np.ndarray:
    """For "what did Marcel say about her?", the windows where the speaker asked about talks
    come first, in the order they had (the model's, then the lexical one's)."""
    if not q.speaker or q.speaker not in sr.unit_speaking or not sr.w.own_words_first or not _SAY.search(q.text):
        return order
    own = np.isin(order, sr.unit_speaking[q.speaker])
    return np.concatenate([order[own], order[~own]])


def in_their_chapters_first(sr, q: Question, order: np.ndarray) -> np.ndarray:
    """For a question that names people, of the best ``chapter_named_top`` windows those from a
    chapter where one of them is named (before the reader's horizon) come first: "how much did the
    Rucastles offer Violet" is not answered by a sum from another story of the collection. (By
    scene rather than chapter it cost FairytaleQA questions whose answer names no one.)"""
    top = sr.w.chapter_named_top
    if not q.characters or not top or len(order) < 2:
        return order
    head = order[:top]
    inside = _in_their_chapters(sr, q, head)
    if inside.all() or not inside.any():
        return order
    return np.concatenate([head[inside], head[~inside], order[top:]])


def _in_their_chapters(sr, q: Question, windows: np.ndarray) -> np.ndarray:
    """Which ``windows`` are in a chapter where one of the people ``q`` names is named (before
    the reader's horizon)."""
    theirs: set[int] = set()
    for c in q.characters:
        rows = sr.char_passages.get(c)
        if rows is not None:
            theirs.update(sr.passage_chapter[rows[rows < sr.sizes[0]]].tolist())
    return np.isin(sr.passage_chapter[sr.unit_passage[windows]], list(theirs))


def amount_first(sr, q: Question, order: np.ndarray) -> np.ndarray:
    """For "how old was he", "how much did she pay": of the best ``amount_top`` windows, those
    that hold an amount of what is asked ("thirty-five years of age") come first. The model
    reads meaning, not numbers: a window about the man that says no age can outrank the one
    that says it."""
    top = sr.w.amount_top
    asked = QUANTITY.search(q.text)
    if not top or len(order) < 2 or not asked or asked.group("kind").lower() not in ("old", "much", "many"):
        return order  # "how long", "how far": a span of time or way is in every other window
    head = order[:top]
    holds = quantity(sr, q, head)
    if holds is None:
        return order
    holds = holds.astype(bool)
    if q.characters and sr.w.chapter_named_top:
        # Not a sum from another story of the collection; but a window that names no one may
        # tell of them before the story names them ("The man who was engaged in being hanged
        # was apparently about thirty-five years of age": Farquhar, named a chapter later).
        nobody = np.array([not sr.passage_chars[p] for p in sr.unit_passage[head].tolist()], dtype=bool)
        holds &= _in_their_chapters(sr, q, head) | nobody
    if holds.all() or not holds.any() or holds[0]:
        return order
    return np.concatenate([head[holds], head[~holds], order[top:]])


def known(sr, combined: np.ndarray, windows: list[int]) -> None:
    """What the story says of who someone is (what they look like, what they are to another,
    where it all happens: bot/core/knowledge.py) comes before windows that only share its words."""
    lift = max(1.0, float(combined.max()))
    for rank, u in enumerate(windows):
        combined[u] = max(0.0, float(combined[u])) + lift * (1.0 + sr.w.known_weight / (1 + rank))


def read(sr, q: Question, combined: np.ndarray, top: int) -> np.ndarray:
    """The signals that read text, over the best few hundred windows only; returns those windows
    in their new order (``combined`` is changed in place)."""
    k = min(len(combined), max(top * 20, 300))
    order = np.argpartition(-combined, k - 1)[:k]
    for weight, found in ((sr.w.possessive_weight, possessive(sr, q, order)), (sr.w.quantity_weight, quantity(sr, q, order))):
        if found is not None:
            combined[order] *= 1.0 + weight * found
    order = order[np.argsort(-combined[order])]
    head = order[: max(top * 20, 60)]
    found = [(sr.w.described_weight, described(sr, q, head)), (sr.w.near_weight, near(sr, q, head))]
    if any(f is not None for _, f in found):
        for weight, f in found:
            if f is not None:
                combined[head] *= 1.0 + weight * f
        order = order[np.argsort(-combined[order], kind="stable")]
    return order


def reply_after(sr, q: Question, combined: np.ndarray) -> int | None:
    """For "what did X say/answer/ask when ..." and "how did X react when ...": the window
    holding X's first line (or first mention) after the best match for the "when" clause, in
    the same scene; for "what did X do when ...", from that match on (it may tell it)."""
    if not WHEN.search(q.text):
        return None
    who, match = q.speaker, None
    if who is None:
        match = REACTION.search(q.text)
        if not match or not q.characters:
            return None
        subject = [sr.lex.name_words.get(w) or sr.lex.name_words.get(q.corrected.get(w, ""))
                   for w in words(match.group("who") or match.group("doer"))]
        who = next((c for c in subject if c), None)
        if who is None:
            return None
    clause = WHEN.split(q.text, maxsplit=1)[-1]
    terms = [t for t in analyse(clause) if t in sr.unit_bm25.vocab_dict]
    if not terms:
        return None
    scores = sr.unit_bm25.get_scores(terms).astype(np.float64)
    scores[sr.sizes[1]:] = 0.0
    asker = re.match(rf"\s*(\w+)\s+(?:{'|'.join(SPEECH_VERBS)})\b", fold(clause).lower())
    if asker and asker.group(1) in sr.lex.name_words:
        # "when Marcel asked about the girl": a line Marcel speaks is the moment.
        scores *= 1.0 + share(sr.unit_speaking, [sr.lex.name_words[asker.group(1)]], len(scores))
    moment = int(np.argmax(scores))
    if scores[moment] <= 0:
        return None
    scene = sr.passage_scene[sr.unit_passage[moment]]
    after = moment if match is not None and match.group("doer") else moment + 1  # what X did may be that moment
    for u in range(after, min(sr.sizes[1], moment + 12)):
        if sr.passage_scene[sr.unit_passage[u]] != scene:
            break
        if who in sr.unit_speakers[u] or (q.speaker is None and who in sr.unit_names[u]):
            return u
    return None


def possessive(sr, q: Question, units: np.ndarray) -> np.ndarray | None:
    """"Caroline's eyes": units that say "her eyes" (or "Caroline's eyes") score higher."""
    for match in re.finditer(r"\b(\w+)(?:'s|’s|s|')\s+([a-z]{3,})\b", fold(q.text).lower()):
        owner = match.group(1)
        owner = sr.lex.name_words.get(owner) or sr.lex.name_words.get(q.corrected.get(owner, ""))
        if owner is None:
            continue
        thing = match.group(2)
        gender = next((c.gender for c in sr.ix.characters if c.name == owner), None)
        pronoun = {"male": "his", "female": "her"}.get(gender or "", "")
        aliases = [re.escape(a) for c in sr.ix.characters if c.name == owner for a in [c.name, *c.aliases]]
        owners = "|".join(aliases + ([pronoun] if pronoun else []))
        pattern = re.compile(rf"\b(?:{owners})(?:'s|’s|'|’)?\s+(?:\w+\s+){{0,2}}{re.escape(thing[:-1] if thing.endswith('s') else thing)}", re.IGNORECASE)
        return np.array([bool(pattern.search(sr.ix.text[sr.units[u][0] : sr.units[u][1]])) for u in units])
    return None


def quantity(sr, q: Question, units: np.ndarray) -> np.ndarray | None:
    """"How much did she pay for the chain?": windows that hold an amount of what is asked
    ("Twenty-one dollars"; "how old": "thirty-five years of age"; "how many steps": "seventeen
    steps"), not any number."""
    asked = QUANTITY.search(q.text)
    if not asked:
        return None
    pattern = _amount(asked.group("kind").lower(), (asked.group("noun") or "").lower())
    if pattern is None:
        return None
    return np.array([bool(pattern.search(sr.ix.text[sr.units[u][0] : sr.units[u][1]])) for u in units])


@lru_cache(maxsize=64)
def _amount(kind: str, noun: str) -> re.Pattern[str] | None:
    """What an answer to "how KIND [NOUN]" holds: a number and then the unit asked for."""
    number = (rf"(?:\d[\d,.]*|(?:a\s+)?(?:{'|'.join(NUMBER_WORDS)})(?:-(?:one|two|three|four|five|six|seven|eight|nine))?)"
              r"(?:[\s-]+and)?")
    if kind == "old":
        return re.compile(rf"\b{number}\s+years?(?:\s+of\s+age|\s+old)\b|\b(?:{'|'.join(ORDINAL_WORDS)})\s+birthday\b|"
                          rf"\baged?\s+(?:of\s+)?{number}\b", re.IGNORECASE)
    if kind == "many":
        if not noun or noun in stopwords():
            return None  # "how many were there": no thing to count
        stem = re.escape(noun[:-1] if noun.endswith("s") and len(noun) > 3 else noun)
        return re.compile(rf"\b{number}\s+(?:[\w-]+\s+){{0,2}}{stem}", re.IGNORECASE)
    units = "|".join(QUANTITY_UNITS[kind])
    sums = r"[£$]\s*\d|\b\d[\d,.]*\s*[£$]|" if kind == "much" else ""
    # "forty-three thousand, Count" is a sum; "two hundred men" is not.
    round_sum = rf"|\b{number}[\s-]+(?:thousand|hundred|million)\b(?![\s-]+[a-z])" if kind == "much" else ""
    return re.compile(rf"{sums}\b{number}\s+(?:[\w-]+\s+)?(?:{units})(?:s|es)?\b{round_sum}", re.IGNORECASE)


def position(sr, q: Question) -> np.ndarray | None:
    """For "how does it end" (or begin): 0..1 for each window, rising over the story's last
    (or first) sixth."""
    for where, pattern in PLACE_IN_STORY.items():
        if pattern.search(q.text) and sr.units:
            # Within the story itself: a Gutenberg header or licence is no part of its end.
            first, last = sr.units[0][0], sr.units[max(0, sr.sizes[1] - 1)][1]
            pos = (sr.unit_start - first) / max(1, last - first)
            ramp = (pos - 0.85) / 0.15 if where == "end" else (0.15 - pos) / 0.15
            return np.clip(ramp, 0.0, 1.0)
    return None


def described(sr, q: Question, units: np.ndarray) -> np.ndarray | None:
    """"Who is Irene Adler?": windows that say what someone is ("Irene Adler, the famous
    adventuress"; "X was a ..."), not ones that only say the name ("And Irene Adler?")."""
    asked = WHO_IS.match(q.text)
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
        text = fold(sr.ix.text[sr.units[u][0] : sr.units[u][1]])
        out[k] = bool(pattern.search(text)) and len(words(text)) >= 8
    return out


def near(sr, q: Question, units: np.ndarray) -> np.ndarray | None:
    """"What colour were his eyes": windows where a colour word stands within a few words of
    what the question is about ("eyes tinted with gold"), not anywhere in the window."""
    wanted = [name for name in DECISIVE if CATEGORIES[name][0].search(q.text)]
    topical = set(q.terms) - sr.lex.name_terms
    if not wanted or not topical:
        return None
    answers = [CATEGORIES[name][1] for name in wanted]
    out = np.zeros(len(units))
    for k, u in enumerate(units):
        text = sr.ix.text[sr.units[u][0] : sr.units[u][1]]
        if not any(a.search(text) for a in answers):
            continue
        tokens = words(text)
        about = [i for i, w in enumerate(tokens) if term(w) in topical]
        if not about:
            continue
        hits = [i for i, w in enumerate(tokens) if any(a.fullmatch(w) for a in answers)]
        out[k] = any(abs(i - j) <= sr.w.near for i in hits for j in about if i != j)
    return out
