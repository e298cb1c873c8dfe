"""Quote cutting: from the passage a question was answered by, the sentences a person reads out
(never a heading or a name alone; a quoted question with its reply; at most QUOTE_MAX characters)."""
from __future__ import annotations

import re
from collections.abc import Container

from bot.core.search.question import ASKED, CATEGORIES, DECISIVE, WHAT_MADE, Question
from bot.core.search.results import Answer
from bot.core.search.terms import analyse, words
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


_TAG_START = None
_ASKED_INSIDE = re.compile(r"\?[\"”’]")  # a question mark that closes a quotation


_ANNOUNCES = re.compile(r":\s*(?:-+|—+|–+)?\s*$")  # "...to sing this:--", "as follows:"
QUOTE_SHORT = 80  # characters: a quote this short grows by a neighbour, before or after
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



def answer(sr, i: int, q: Question, score: float, unit: tuple[int, int, int] | None = None,
           known: bool = False) -> Answer:
    """The quote of passage ``i`` around window ``unit``; a sentence of the story's knowledge
    (``known``: what someone looks like, who they are) is where the quote starts."""
    p = sr.ix.passages[i]
    start, end = best_quote(sr, p.start, p.end, q, around=unit[0] if unit else None, exact=known)
    # Whose words these are: the asked-for speaker's line, else the line the match is in.
    lines = [d for k in (p.id, p.id + 1) for d in sr.lines_by_passage.get(k, ()) if d.start < end and d.end > start]
    chosen = (next((d for d in lines if q.speaker and d.speaker == q.speaker), None)
              or next((d for d in lines if unit and d.start < unit[1] and d.end > unit[0]), None)
              or (lines[0] if lines else None))
    speaker = credit(sr, chosen) if chosen else None
    # An exchange is credited to everyone in it, not to the one whose line the match is in.
    speakers = tuple(dict.fromkeys(who for d in lines if (who := credit(sr, d))))
    quote = sr.ix.text[start:end]
    cut = not _ENDED.search(quote) and not _PARAGRAPH_ENDS.match(sr.ix.text, end)  # inside a sentence
    return Answer(quote, start, end, p.id, p.scene, p.chapter,
                  tuple(c for c in p.characters if c in sr.lex.speakers), speaker, score,
                  speakers if len(speakers) > 1 else (), cut)


def credit(sr, line) -> str | None:
    """Whom a line of dialogue is credited to: its speaker, or one the book only describes
    ("— the officer")."""
    if line.speaker in sr.lex.speakers:
        return line.speaker
    return line.described if line.speaker is None else None


def best_quote(sr, start: int, end: int, q: Question, around: int | None = None,
               exact: bool = False) -> tuple[int, int]:
    """The sentence or few sentences of text[start:end] that hold the question's words (from
    the sentence at ``around`` itself when ``exact``)."""
    text = sr.ix.text
    spans = utterances(text, list(sentences(text[start:end], start)), whole_quotes=True)
    if not spans:
        return start, end
    wanted = {t: sr.idf(t) for t in q.terms}
    speaker_spans = []
    if q.speaker:
        speaker_spans = [(d.start, d.end) for d in sr.ix.dialogue
                         if d.speaker == q.speaker and d.start < end and d.end > start]

    answers = [answer for name, (trigger, answer) in CATEGORIES.items()
               if name in DECISIVE and trigger.search(q.text)]

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
    alone = [bare(text[s:e], sr.titles, sr.lex.aliases) for s, e in spans]
    if all(alone):
        return spans[0][0], spans[0][1]
    values = [v if not b else -1.0 for v, b in zip(values, alone)]
    # A "why" (or "what made...") reads better with what came before; anything else with what follows.
    cause = q.kind == "why" or bool(WHAT_MADE.search(q.text))
    best = max(range(len(spans)), key=lambda i: values[i])
    if around is not None:
        # Start from the window's sentence, or its neighbour when that holds more of the question.
        centre = next((i for i, (s, e) in enumerate(spans) if s <= around < e), best)
        best = centre if exact else max(range(max(0, centre - 1), min(len(spans), centre + 2)),
                                        key=lambda i: (values[i], i == centre))
        if alone[best]:
            best = max(range(len(spans)), key=lambda i: (not alone[i], -abs(i - centre)))
    lo = hi = best
    # Grow around the best sentence while the neighbours add matched words or it is too short.
    while True:
        cur = spans[hi][1] - spans[lo][0]
        options = []
        if lo > 0 and not alone[lo - 1] and spans[hi][1] - spans[lo - 1][0] <= QUOTE_MAX:
            options.append((values[lo - 1], lo - 1, hi))
        if hi + 1 < len(spans) and not alone[hi + 1] and spans[hi + 1][1] - spans[lo][0] <= QUOTE_MAX:
            options.append((values[hi + 1], lo, hi + 1))
        if not options:
            break
        v, nlo, nhi = max(options, key=lambda o: (o[0], o[1] != lo if cause else o[2] != hi))
        if v > 0 or cur < QUOTE_SHORT:
            lo, hi = nlo, nhi
        elif cur < sr.w.quote_min and (lo, hi + 1) in {o[1:] for o in options}:
            hi += 1  # only sets the answer up: what follows says it (never an earlier start for length)
        else:
            break
    # A quote whose last turn of speech asks a question is followed by the rest of that turn and
    # the reply, when they fit: "But to whom?" -- "To an English lawyer named Norton." The reply
    # may open the next passage.
    turn_text = text[spans[lo][0]:spans[hi][1]].rsplit("\n\n", 1)[-1]
    if ASKED.search(turn_text) or _ASKED_INSIDE.search(turn_text):
        turn = hi
        while turn + 1 < len(spans) and "\n\n" not in text[spans[turn][1]:spans[turn + 1][0]]:
            turn += 1
        if turn + 1 == len(spans):
            spans = spans + [_sentence_after(sr, end)]
            alone = alone + [bare(text[spans[-1][0]:spans[-1][1]], sr.titles, sr.lex.aliases)]
        reply = turn + 1
        if (not alone[reply] and text[spans[reply][0]:spans[reply][0] + 1] in "\"“'‘"
                and spans[reply][1] - spans[lo][0] <= QUOTE_MAX):
            hi = reply
    # A quote that ends announcing what follows ("...began to sing this:--") goes on to it.
    while _ANNOUNCES.search(text, spans[hi][0], spans[hi][1]):
        if hi + 1 == len(spans):
            spans = spans + [_sentence_after(sr, end)]
            alone = alone + [bare(text[spans[-1][0]:spans[-1][1]], sr.titles, sr.lex.aliases)]
            end = spans[-1][1]
        if alone[hi + 1] or spans[hi + 1][1] <= spans[hi][1] or spans[hi + 1][1] - spans[lo][0] > QUOTE_MAX:
            break
        hi += 1
    s, e = spans[lo][0], min(spans[hi][1], spans[lo][0] + QUOTE_MAX)
    if e - s > QUOTE_MAX // 2 and not _ENDED.search(text, s, e) and not _PARAGRAPH_ENDS.match(text, e):
        # A sentence longer than a quote may be, or one the passage ends inside: cut at its last
        # pause ("--", ";", ","), else at a word, never inside one ("...would take the pl").
        pauses = [m.start() for m in _PAUSE.finditer(text, s, e) if m.start() > (s + e) // 2]
        if pauses:
            e = pauses[-1]
        elif text[e - 1 : e + 1].isalnum() and (space := text.rfind(" ", s, e)) > s:
            e = space
    return s, e


_PAUSE = re.compile(r"\s*(?:--|—|;|:|,)\s")  # where a long sentence may be cut: a dash, a semicolon, a comma
_ENDED = re.compile(r"(?:[.!?…—–]|--)[\"”’')\]]*\s*\Z")  # a quote that ends a sentence, or breaks off
_PARAGRAPH_ENDS = re.compile(r"[ \t]*(?:\n[ \t]*\n|\Z)")


def _sentence_after(sr, end: int) -> tuple[int, int]:
    """The sentence that follows offset ``end`` (a quote's reply, what it announces), never past
    the reader's horizon."""
    stop = max(end, min(end + QUOTE_MAX, sr.ix.end))
    return next(iter(sentences(sr.ix.text[end:stop], end)), (end, end))


def bare(text: str, titles: set[str], names: Container[str]) -> bool:
    """A sentence that says nothing by itself: a heading in capitals, a chapter's or scene's
    title, or a name alone ("Marcel." or "Irene Adler?")."""
    stripped = text.strip()
    key = " ".join(words(stripped))
    if not key:
        return True
    if len(key.split()) <= 6 and (key in titles or key in names):
        return True
    # A heading in capitals, however long: "WHEREIN IS SHOWN HOW THE ARTFUL DODGER GOT INTO TROUBLE".
    letters = [ch for ch in stripped if ch.isalpha()]
    return len(letters) > 1 and all(ch.isupper() for ch in letters)


def trim(text: str, limit: int) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut + " …"
