"""The words and names a story has, up to a reader's horizon: what a question's words are checked
against (typos fixed to the story's own words, names to its characters)."""
from __future__ import annotations

import re

from bot.core.characters import TITLES
from bot.core.search.terms import stopwords, term, words


class Lexicon:
    """The story's own words in order of first use (so the words a reader has met by any horizon
    are a prefix: ``cut[p]`` holds those of the first p passages), its index terms, and every
    character's names."""

    def __init__(self, passage_texts: list[str], known_terms: set[str], characters) -> None:
        first_seen: dict[str, None] = {}
        self.cut = [0]
        for text in passage_texts:
            for w in words(text):
                if len(w) > 2:
                    first_seen.setdefault(w)
            self.cut.append(len(first_seen))
        self.vocabulary = list(first_seen)
        self.word_rank = {w: i for i, w in enumerate(self.vocabulary)}  # shared by every horizon
        self.known_terms = known_terms
        self.learn_names(characters)

    def at(self, n_passages: int, characters) -> "Lexicon":
        """The words met in the first ``n_passages`` passages and the names known by then."""
        out = object.__new__(Lexicon)
        out.__dict__.update(self.__dict__)
        out.vocabulary = self.vocabulary[: self.cut[n_passages]]
        out.learn_names(characters)
        return out

    def learn_names(self, characters) -> None:
        """Names: every alias, and the words of one, lower-cased -> canonical name."""
        self.name_words: dict[str, str] = {}
        self.aliases: dict[str, str] = {}
        for c in characters:
            for alias in {c.name, *c.aliases}:
                self.aliases[" ".join(words(alias))] = c.name
        # A word of two people's names is first the one whose own name has it: "vasili" is
        # Prince Vasíli, though Denísov, named more, is called "Vasíli Dmítrich" at home. A
        # title in a name ("miss", "prince") names someone by itself only where one person has
        # it ("the count" is the one count); "the Queen", all title, is hers.
        titled: dict[str, set[str]] = {}
        for forms in ((c.name,) for c in characters), (c.aliases for c in characters):
            for c, names in zip(characters, forms):
                for alias in names:
                    said = [w for w in words(alias) if w not in stopwords() and len(w) > 2]
                    named = [w for w in said if w.capitalize() not in TITLES] or said
                    for w in named:
                        self.name_words.setdefault(w, c.name)
                    for w in set(said) - set(named):
                        titled.setdefault(w, set()).add(c.name)
        for w, bearers in titled.items():
            if len(bearers) == 1:
                self.name_words.setdefault(w, *bearers)
        self.name_terms = {term(w) for w in self.name_words}
        self.speakers = {c.name for c in characters}  # who may be named as a speaker
        self.mentions = {c.name: c.mentions for c in characters}
        # Words of names said with "the" ("the Cat", "the Queen"): without it, an ordinary word.
        self.the_words = {w for c in characters if c.name.lower().startswith("the ")
                          for w in words(c.name)[1:]}

    def forms(self) -> list[str]:
        """What a typo may be fixed to: the story's words, then their dictionary forms it never
        uses ("thows" is "throw" in a story that only says "threw" and "thrown")."""
        if getattr(self, "_lemmas", None) is None or self._lemmas[0] != len(self.vocabulary):
            import simplemma  # once per horizon: 14 ms for War and Peace's 17,408 words

            known = set(self.vocabulary)
            lemmas = dict.fromkeys(simplemma.lemmatize(w, lang="en").lower() for w in self.vocabulary)
            self._lemmas = (len(self.vocabulary), [w for w in lemmas if w not in known and len(w) > 2])
        return self.vocabulary + self._lemmas[1]

    def knows(self, word: str) -> bool:
        """Whether the story, up to this horizon, uses ``word``."""
        return self.word_rank.get(word, len(self.vocabulary)) < len(self.vocabulary)

    def resolve_character(self, name: str) -> tuple[str | None, list[str]]:
        """A character by any alias, typos allowed. Returns (name, []) when sure, else
        (None, up to five "did you mean" guesses, best first)."""
        from rapidfuzz import fuzz, utils

        key = " ".join(words(name))
        if not key:
            return None, []
        for form in (key, f"the {key}", key.removeprefix("the ")):  # "old prince" is "the old prince"
            if form in self.aliases:
                return self.aliases[form], []
        if key in self.name_words:
            return self.name_words[key], []
        if (clipped := self.clipped(key)) is not None:
            return clipped, []
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

    def clipped(self, key: str) -> str | None:
        """The one person a name clipped the way chat clips it stands for ("nata" for Natásha,
        "lestr" for Lestrade): the start of a name that is one person's only, or of the one the
        book names ten times as often ("nat": Natásha, not Nataly), and not a word the story uses."""
        if len(key) < 3 or " " in key or self.knows(key):
            return None
        owners = sorted({c for alias, c in self.aliases.items() for w in alias.split() if w.startswith(key)},
                        key=lambda c: -self.mentions.get(c, 0))
        if len(owners) == 1 or (owners and self.mentions.get(owners[0], 0) >= max(1, 10 * self.mentions.get(owners[1], 0))):
            return owners[0]
        return None

    def who(self, typed: str) -> str | None:
        """A character named in a question ("marcel", "the white rabbit"), or None."""
        typed = re.sub(r"^(?:the|a|an)\s+", "", typed.strip(), flags=re.IGNORECASE)
        found = self.resolve_character(typed)[0] if typed else None
        # Else the last word that is a name: "the white rabbit" is the Rabbit, "old bolkonski" Bolkónski.
        return found or next((self.name_words[w] for w in reversed(words(typed)) if w in self.name_words), None)
