"""Random quotes: a memorable line of dialogue, by a character and/or about a topic."""
from __future__ import annotations

import random
from collections.abc import Collection

from bot.core.dialogue import surely_said, thought
from bot.core.search.question import understand
from bot.core.search.quotes import SAY_MAX, aloud
from bot.core.search.results import Quote
from bot.core.search.terms import analyse


def random_line(sr, character: str | None = None, about: str | None = None,
                seed: int | None = None, after: int | None = None, seen: Collection[int] = ()) -> Quote | None:
    """A random memorable line of dialogue, optionally by a character and/or about a topic;
    not the line starting at ``after`` (the one just shown) where another will do, nor one
    starting at any of ``seen`` (shown before) while others are left. A topic's line is a
    sentence or more (three words at least): "poison," on a bottle's label is not."""
    lines = list(sr.ix.dialogue)
    if character:
        name, _ = sr.lex.resolve_character(character)
        lines = [d for d in lines if d.speaker == name] if name else []
    if about and lines:
        q = understand(sr.lex, about)
        wanted = set(q.terms)
        scored = []
        for d in lines:
            p = sr.ix.passages[d.passage - 1] if 0 < d.passage <= len(sr.ix.passages) else None
            own = set(analyse(d.text))
            context = set(sr.passage_terms[d.passage - 1]) if p else set()
            s = 2 * len(own & wanted) + len(context & wanted)
            if s and len(d.text.split()) >= 3:
                scored.append((s, d))
        if scored:
            best = max(s for s, _ in scored)
            lines = [d for s, d in scored if s >= best / 2]
        else:
            lines = []
    if not lines:
        return None
    # The line is shown with who said it: those whose speaker is sure come first, and lines said
    # aloud before thoughts ('"So it does," thought Pierre': a tag with a name, and so sure).
    lines = [d for d in lines if surely_said(d)] or lines
    lines = [d for d in lines if not thought(sr.ix.text, d)] or lines
    memorable = ([d for d in lines if len(d.text.split()) >= 6 and len(d.text) <= SAY_MAX]
                 or [d for d in lines if len(d.text.split()) >= 6] or lines)
    memorable = ([d for d in memorable if d.start != after and d.start not in seen]
                 or [d for d in memorable if d.start != after] or memorable)
    # A seed is hashed as text: Random(3) and Random(4) start almost alike (0.2380, 0.2360), and
    # drew the same line for nearly every character.
    rng = random.Random(None if seed is None else f"quote {seed}")
    weights = [min(len(d.text.split()), 40) for d in memorable]
    d = rng.choices(memorable, weights=weights, k=1)[0]
    p = sr.ix.passages[d.passage - 1] if 0 < d.passage <= len(sr.ix.passages) else None
    text, end = aloud(d.text), d.end
    if text != d.text:
        # A monologue cut after the sentences a person would read aloud: end where they end.
        tail = text[-min(len(text), 24):]
        found = sr.ix.text.find(tail, d.start, d.end)
        end = found + len(tail) if found >= 0 else d.end
    return Quote(text, d.start, end, d.speaker, p.scene if p else 0, p.chapter if p else 0)
