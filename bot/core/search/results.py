"""What answering returns: answers to a question, scene hits and random quotes (each with to_dict for --json)."""
from __future__ import annotations

from dataclasses import dataclass, field


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
    # Everyone whose words the quote holds, in the order they speak, when it holds an exchange
    # ("Irene Adler is married," remarked Holmes. / "Married! When?" is the King's); else empty.
    speakers: tuple[str, ...] = ()
    cut: bool = False  # the quote stops inside a sentence (one too long to quote whole): shown with "…"

    @property
    def shown(self) -> str:
        """The quote as a reader sees it: "…" where it stops inside a sentence."""
        return self.quote.rstrip() + " …" if self.cut else self.quote

    @property
    def said_by(self) -> tuple[str, ...]:
        """Whom to credit the quote to: everyone in an exchange, else its one speaker (if any)."""
        return self.speakers or ((self.speaker,) if self.speaker else ())

    def to_dict(self) -> dict:
        return {"quote": self.quote, "start": self.start, "end": self.end, "passage": self.passage,
                "scene": self.scene, "chapter": self.chapter, "characters": list(self.characters),
                "speaker": self.speaker, "speakers": list(self.said_by), "cut": self.cut, "score": round(self.score, 3)}


@dataclass(frozen=True)
class AskResult:
    question: str
    confident: bool
    answers: list[Answer]
    suggestions: list[str] = field(default_factory=list)
    # Whom a "who is X" asks about, when the story (to the reader's horizon) never names them:
    # "irene adler" asked of Alice.
    unheard: str | None = None

    def to_dict(self) -> dict:
        return {"question": self.question, "confident": self.confident,
                "answers": [a.to_dict() for a in self.answers], "suggestions": self.suggestions,
                "unheard": self.unheard}


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
    by_meaning: bool = False  # no word of the search is in any scene: the closest in meaning

    def to_dict(self) -> dict:
        return {"id": self.id, "title": self.title, "start": self.start, "end": self.end,
                "chapter": self.chapter, "characters": list(self.characters), "excerpt": self.excerpt,
                "score": round(self.score, 3), "by_meaning": self.by_meaning}


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

