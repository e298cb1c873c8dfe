"""What the bot says: every command's reply as plain data, for Discord and the console alike.

A Reply is a card (title, body, fields, footer) with buttons. Buttons carry an action that
`Conversation.press` turns into the next Reply (move through the story, other answers, the
whole scene page by page, "did you mean" choices). Nothing here imports discord.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field, replace

from bot.chat import format as fmt
from bot.core import knowledge
from bot.core.index import StoryIndex
from bot.core.search import AskResult, Searcher, fold
from bot.core.text import count

BODY_MAX = 1800  # well under an embed's 4,096 so a reply also reads well as plain text
SCENE_PAGE = 1500


@dataclass(frozen=True)
class Button:
    label: str
    action: str
    disabled: bool = False


@dataclass(frozen=True)
class Reply:
    """One reply: a card and the buttons under it."""

    title: str = ""
    body: str = ""
    fields: tuple[tuple[str, str], ...] = ()
    footer: str = ""
    buttons: tuple[Button, ...] = ()
    private: bool = False  # only the person who asked sees it (slash commands)
    error: bool = False
    image: tuple[str, bytes] | None = None  # (file name, PNG) shown in the card

    def text(self) -> str:
        """The reply as plain text for a terminal: Markdown markers and escapes removed."""
        parts = [p for p in (self.title, self.body) if p]
        parts += [f"{name}: {value}" for name, value in self.fields]
        if self.footer:
            parts.append(f"({self.footer})")
        return plain("\n".join(parts))


def plain(text: str) -> str:
    """Discord Markdown to plain text: '**bold**' -> 'bold', '\\*' -> '*'."""
    import re

    text = re.sub(r"(?<!\\)\*\*|(?<![\\*])\*(?!\*)", "", text)
    return re.sub(r"\\([\\*_`~|>#\[\]])", r"\1", text).replace("\u200b", "")


@dataclass
class Conversation:
    """The state behind one reply's buttons: answers, the passage on show, the scene page."""

    kind: str  # "answer", "scene", "choices"
    answers: list = field(default_factory=list)
    index: int = 0
    passage: int = 0  # passage id on show when moving earlier / later
    scene: int = 0
    page: int = -1  # -1: not paging through the scene
    choices: list[tuple[str, str]] = field(default_factory=list)  # (label, command) for "did you mean"
    pages: list[str] = field(default_factory=list)  # an outline, page by page


def where(ix: StoryIndex, chapter: int, scene: int) -> str:
    """Where a passage is, for a footer: "Chapter III · scene 7: the studio" (no chapter when
    there is only one)."""
    parts = []
    ch = next((c for c in ix.chapters if c.id == chapter), None)
    if ch and len(ix.chapters) > 1:
        parts.append(ch.title)
    sc = next((s for s in ix.scenes if s.id == scene), None)
    if sc:
        parts.append(f"scene {sc.id}: {sc.title}")
    return " · ".join(parts)


def _plain(text: str) -> str:
    """What autocomplete compares: lower case, no punctuation, no accents ("natasha" is Natásha)."""
    from rapidfuzz import utils

    return utils.default_process(fold(text))



def chapter_range(total: int) -> str:
    """"chapters 1 to 12", or "one chapter"."""
    return f"chapters 1 to {total}" if total > 1 else "one chapter"


def progress_shown(name: str, current: int | None, total: int) -> Reply:
    """/progress with no chapter: where the reader is."""
    return Reply(body=f"You're at chapter {current} of {total} in `{name}`." if current
                 else f"You haven't set your progress in `{name}` ({count(total, 'chapter')}).", private=True)


def chapter_asked(ix: StoryIndex, ref: str) -> int | None:
    """The chapter a reader gives to /progress: "0" (everything), a number, "book 6 chapter 13",
    "VI.13", a title (bot/core/chapters.py). None when it names no chapter."""
    from bot.core import chapters

    ref = " ".join(ref.split())
    if ref.isdigit():
        return int(ref)
    return chapters.find(ix.chapters, ref)


def progress_set(name: str, chapter: int, total: int, limit: int | None = None, title: str = "") -> Reply:
    """/progress N: what the reader will see from now on (``limit``: the chapter they may see
    to here once it is set, which a server's or channel's ceiling may hold lower), or why N is
    not a chapter."""
    if not 0 <= chapter <= total:
        return Reply(body=f"`{name}` has {chapter_range(total)}; 0 clears your progress.", private=True, error=True)
    wanted = chapter if 0 < chapter < total else None
    if limit is not None and 0 < limit < total and (wanted is None or limit < wanted):
        asked = f"up to chapter {chapter}" if wanted else "all of it"
        return Reply(body=f"Got it, but a spoiler limit here keeps `{name}` to chapter {limit}: that is as far as "
                          f"I'll show you (you asked for {asked}).", private=True)
    if wanted:
        named = f" ({fmt.escape(title)})" if title and title.lower() not in (f"chapter {chapter}", str(chapter)) else ""
        return Reply(body=f"Got it: I'll only show you `{name}` up to the end of chapter {chapter}{named}.",
                     private=True)
    return Reply(body=f"I'll show you all of `{name}`.", private=True)


class Replies:
    """Builds replies from a story's index and searcher."""

    def __init__(self, ix: StoryIndex, searcher: Searcher, max_question: int = 300, whole: "Replies | None" = None):
        self.ix = ix
        self.searcher = searcher
        self.max_question = max_question
        self.whole = whole  # the whole story's replies, when these are a reader's horizon of it
        self.key: str | None = None  # the library's name for the story, and the horizon (None: all of it)
        self.chapters: int | None = None
        self._summariser = None
        self._choices: tuple[list[str], dict[str, str], list[str], list[str]] | None = None  # autocomplete's names

    @property
    def summariser(self):
        """Built on the first summary asked for (most readers never ask for one), once per
        story: a horizon's summariser is the whole story's seen through it."""
        if self._summariser is None:
            from bot.core.summarise import Summariser

            self._summariser = self.whole.summariser.at(self.ix) if self.whole else Summariser(self.ix)
        return self._summariser

    def name(self, character: str | None) -> str:
        """A character as this reader knows them (see StoryIndex.shown)."""
        return self.ix.shown(character) or ""

    # -- helpers --------------------------------------------------------------------------

    def where(self, chapter: int, scene: int) -> str:
        return where(self.ix, chapter, scene)

    def _too_long(self, what: str, text: str) -> Reply | None:
        if len(text) > self.max_question:
            return Reply(title="That's a long one",
                         body=f"Please keep your {what} under {self.max_question} characters "
                              f"(yours has {len(text):,}).", private=True, error=True)
        return None

    # -- commands -------------------------------------------------------------------------

    def ask(self, question: str) -> tuple[Reply, Conversation | None]:
        question = " ".join(question.split())
        if not question:
            return Reply(body="Ask me something about the story, e.g. `/ask who is "
                              f"{self._example_name()}?`", private=True, error=True), None
        if (refusal := self._too_long("question", question)) is not None:
            return refusal, None
        result = self.searcher.ask(question, top=5)
        if not result.answers:
            return self._no_answer(question, result), None
        state = Conversation(kind="answer", answers=result.answers, index=0,
                             passage=result.answers[0].passage, scene=result.answers[0].scene)
        if not result.confident and len(result.answers) >= 2:
            return self._unsure_card(state, question, result.suggestions), state
        note = ""
        if not result.confident:
            note = "I'm not sure the story says; this is the closest passage."
            if result.suggestions:
                note += " Maybe: " + "; ".join(fmt.escape(x) for x in result.suggestions)
        return self._answer_card(state, question, note), state

    def _unsure_card(self, state: Conversation, question: str, suggestions: list[str]) -> Reply:
        """Not sure: say so plainly and offer the passages most likely to answer, a button each."""
        shown = state.answers[:3]
        rows = [f"**{i}.** {fmt.cut(fmt.story_text(a.quote), 220)}" + (f" — {fmt.escape(self.name(a.speaker))}" if a.speaker else "")
                + f"\n*{fmt.escape(self.where(a.chapter, a.scene))}*" for i, a in enumerate(shown, start=1)]
        note = "I'm not sure the story answers that. These passages may:"
        if suggestions:
            note += " (maybe: " + "; ".join(fmt.escape(x) for x in suggestions) + ")"
        return Reply(title=fmt.cut(f"“{fmt.escape(question)}”", fmt.EMBED_TITLE_MAX),
                     body=fmt.cut(f"*{note}*\n\n" + "\n\n".join(rows), BODY_MAX),
                     buttons=tuple(Button(f"See {i}", f"pick:{i - 1}") for i in range(1, len(shown) + 1))
                     + (Button("Whole scene", "scene"),))

    def _no_answer(self, question: str, result: AskResult) -> Reply:
        body = "The story doesn't seem to say."
        if result.suggestions:
            body += "\nMaybe: " + "; ".join(fmt.escape(s) for s in result.suggestions)
        return Reply(title=fmt.cut(f"“{fmt.escape(question)}”", fmt.EMBED_TITLE_MAX), body=body)

    def _answer_card(self, state: Conversation, question: str = "", note: str = "") -> Reply:
        """The answer on show; the first one also carries the question and any doubt."""
        a = state.answers[state.index]
        body = fmt.cut(fmt.story_text(a.quote), BODY_MAX)
        if a.speaker:
            body = f"{body}\n— **{fmt.escape(self.name(a.speaker))}**"
        if note:
            body = f"*{note}*\n\n{body}"
        return Reply(
            title=fmt.cut(f"“{fmt.escape(question)}”", fmt.EMBED_TITLE_MAX) if question else "",
            body=body,
            footer=fmt.cut(f"{self.where(a.chapter, a.scene)} · answer {state.index + 1} of {len(state.answers)}",
                           fmt.EMBED_FOOTER_MAX),
            buttons=self._answer_buttons(state),
        )

    def _answer_buttons(self, state: Conversation) -> tuple[Button, ...]:
        n = len(self.ix.passages)
        return (
            Button("Earlier", "earlier", disabled=state.passage <= 1),
            Button("Later", "later", disabled=state.passage >= n),
            Button("Other answers", "other", disabled=len(state.answers) < 2),
            Button("Whole scene", "scene"),
        )

    def quote(self, character: str | None = None, about: str | None = None,
              seed: int | None = None) -> tuple[Reply, Conversation | None]:
        for what, value in (("character name", character), ("topic", about)):
            if value and (refusal := self._too_long(what, value)) is not None:
                return refusal, None
        name = None
        if character:
            name, guesses = self.searcher.resolve_character(character)
            if name is None:
                return self._did_you_mean(character, guesses, "quote")
        q = self.searcher.quote(character=name, about=about, seed=seed)
        if q is None:
            whose = f" by {self.name(name)}" if name else ""
            topic = f" about “{fmt.escape(about)}”" if about else ""
            return Reply(body=f"I couldn't find a line{whose}{topic}. Try another character or topic.",
                         private=True, error=True), None
        body = f"“{fmt.cut(fmt.story_text(q.quote), BODY_MAX)}”"
        if q.speaker:
            body += f"\n— **{fmt.escape(self.name(q.speaker))}**"
        passage = next((p.id for p in self.ix.passages if p.start <= q.start < p.end), 1)
        state = Conversation(kind="answer", passage=passage, scene=q.scene)
        return Reply(body=body, footer=self.where(q.chapter, q.scene),
                     buttons=(Button("Another", "another:" + (name or "") + "|" + (about or "")),
                              Button("Whole scene", "scene"))), state

    def _did_you_mean(self, typed: str, guesses: list[str], command: str) -> tuple[Reply, Conversation | None]:
        if not guesses:
            names = ", ".join(self.name(c.name) for c in self.ix.characters[:8])
            return Reply(body=f"I don't know anyone called “{fmt.escape(typed)}”. Characters include: "
                              f"{fmt.escape(names)}.", private=True, error=True), None
        guesses = [self.name(g) for g in guesses]
        state = Conversation(kind="choices", choices=[(g, f"{command}:{g}") for g in guesses])
        return Reply(body=f"I don't know “{fmt.escape(typed)}”. Did you mean…",
                     buttons=tuple(Button(g, f"{command}:{g}") for g in guesses[:5]), private=True), state

    def scene(self, keywords: str) -> tuple[Reply, Conversation | None]:
        keywords = " ".join(keywords.split())
        if not keywords:
            return Reply(body="Give me a few words to look for, e.g. `/scene the bar`.", private=True,
                         error=True), None
        if (refusal := self._too_long("keywords", keywords)) is not None:
            return refusal, None
        hits = self.searcher.scenes(keywords, top=5)
        if not hits:
            return Reply(body=f"No scene matches “{fmt.escape(keywords)}”. Try a place, a name or "
                              "something that happens.", private=True, error=True), None
        state = Conversation(kind="scene", answers=hits, index=0, scene=hits[0].id,
                             passage=self._first_passage(hits[0].id))
        return self._scene_card(state), state

    def _first_passage(self, scene: int) -> int:
        return next((p.id for p in self.ix.passages if p.scene == scene), 1)

    def _scene_passages(self, scene: int) -> list[int]:
        return [p.id for p in self.ix.passages if p.scene == scene]

    def _scene_card(self, state: Conversation) -> Reply:
        hit = state.answers[state.index]
        people = ", ".join(self.name(c) for c in hit.characters[:8]) or "nobody named"
        told = "*No scene has these words; this one is among the closest in meaning.*\n\n" if hit.by_meaning else ""
        return Reply(
            title=fmt.cut(f"Scene {hit.id}: {hit.title}", fmt.EMBED_TITLE_MAX),
            body=told + fmt.cut(fmt.story_text(hit.excerpt), BODY_MAX - len(told)),
            fields=(("Characters", fmt.cut(fmt.escape(people), fmt.EMBED_FIELD_VALUE_MAX)),),
            footer=self.where(hit.chapter, hit.id) + f" · match {state.index + 1} of {len(state.answers)}",
            buttons=(Button("Other matches", "other", disabled=len(state.answers) < 2),
                     Button("Whole scene", "scene")),
        )

    def character(self, name: str) -> tuple[Reply, Conversation | None]:
        name = " ".join(name.split())
        if not name:
            return Reply(body="Whose profile? e.g. `/character " + self._example_name() + "`", private=True,
                         error=True), None
        if (refusal := self._too_long("character name", name)) is not None:
            return refusal, None
        canonical, guesses = self.searcher.resolve_character(name)
        if canonical is None:
            return self._did_you_mean(name, guesses, "character")
        c = next(c for c in self.ix.characters if c.name == canonical)
        shown = self.name(c.name)
        aliases = [a for a in c.aliases if a != shown]
        lines = [d for d in self.ix.dialogue if d.speaker == c.name]
        fields = []
        if aliases:
            fields.append(("Also called", fmt.cut(fmt.escape(", ".join(aliases)), fmt.EMBED_FIELD_VALUE_MAX)))
        scenes = sorted({s.id for s in self.ix.scenes if c.name in s.characters})
        fields.append(("Appears", f"{count(c.mentions, 'mention')} in {len(scenes)} of "
                                  f"{count(len(self.ix.scenes), 'scene')}"))
        titles = [f"{s.id}. {s.title}" for s in self.ix.scenes if s.id in scenes]
        if titles:
            fields.append(("Where", fmt.cut(fmt.escape("; ".join(titles[:8]) + (" …" if len(titles) > 8 else "")),
                                            fmt.EMBED_FIELD_VALUE_MAX)))
        partners = self.talks_to(c.name)
        if partners:
            fields.append(("Talks most to", fmt.escape(", ".join(f"{self.name(n)} ({k})" for n, k in partners[:4]))))
        if c.first is not None:
            fields.append(("First appearance", fmt.cut(fmt.story_text(self._sentence_at(c.first)),
                                                       fmt.EMBED_FIELD_VALUE_MAX)))
        for label, sentence in knowledge.profile(self.searcher, c.name, self.searcher.sizes[1]):
            fields.append((label, fmt.cut(fmt.story_text(sentence), fmt.EMBED_FIELD_VALUE_MAX)))
        best = sorted(lines, key=lambda d: -min(len(d.text.split()), 30))[:2]
        for d in sorted(best, key=lambda d: d.start):
            fields.append(("Says", fmt.cut("“" + fmt.story_text(d.text) + "”", fmt.EMBED_FIELD_VALUE_MAX)))
        return Reply(title=fmt.escape(shown), body=count(len(lines), "line of dialogue", "lines of dialogue") + ".",
                     fields=tuple(fields[: fmt.EMBED_FIELDS_MAX])), None

    def summary(self, what: str = "", which: str = "") -> tuple[Reply, Conversation | None]:
        """A scene (by what happens in it), a chapter (by number, "book 6 chapter 13" or title),
        or the whole story (an outline); with no kind given, whichever ``which`` names."""
        from bot.core.summarise import CHAPTER_SENTENCES, SCENE_SENTENCES

        what = (what or "").strip().lower()
        which = " ".join((which or "").split())
        if (refusal := self._too_long("words", which)) is not None:
            return refusal, None
        if what not in ("", "scene", "chapter", "story"):
            return Reply(body="Summarise a `scene`, a `chapter` or the `story`.", private=True, error=True), None
        if what == "scene" and not which:
            return Reply(body="Which scene? e.g. `/summary scene the bar`", private=True, error=True), None
        found = self.summariser.find(self.searcher, what, which)
        if found is None:
            if what == "chapter" or what == "" and which.isdigit():
                return Reply(body=f"No chapter “{fmt.escape(which)}”; there are {len(self.ix.chapters)}. "
                                  "Give a number, “book 6 chapter 13”, or a title.", private=True, error=True), None
            return Reply(body=f"Nothing matches “{fmt.escape(which)}”: give words a reader remembers a scene by, "
                              "or a chapter's number or title.", private=True, error=True), None
        kind, number = found
        if kind == "story":
            return self._outline(0)
        if kind == "scene":
            summary = self.summariser.scene(number, SCENE_SENTENCES)
            scene = number
        else:
            summary = self.summariser.chapter(number, CHAPTER_SENTENCES)
            scene = next((s.id for s in self.ix.scenes if s.chapter == number), 1)
        head = []
        if summary.characters:
            head.append("**Who:** " + fmt.escape(", ".join(self.name(c) for c in summary.characters[:6])))
        if summary.places:
            head.append("**Where:** " + fmt.escape(", ".join(summary.places)))
        text = " ".join(x.text for x in summary.sentences)
        body = "\n".join(head) + ("\n\n" if head else "") + fmt.cut(fmt.story_text(text), BODY_MAX)
        state = Conversation(kind="answer", scene=scene, passage=self._first_passage(scene))
        return Reply(title=fmt.cut(fmt.escape(summary.title), fmt.EMBED_TITLE_MAX), body=body,
                     footer="In the story's own words", buttons=(Button("Whole scene", "scene"),)), state

    def _outline(self, page: int) -> tuple[Reply, Conversation]:
        lines = []
        for o in self.summariser.outline():
            who = f" ({', '.join(self.name(c) for c in o.characters[:3])})" if o.characters else ""
            lines.append(f"**{o.id}. {fmt.escape(o.title)}**{fmt.escape(who)} — {fmt.cut(fmt.story_text(o.line), 160)}")
        pages = fmt.pages("\n".join(lines), BODY_MAX)
        state = Conversation(kind="outline", pages=pages, page=page)
        return self._outline_page(state), state

    def _outline_page(self, state: Conversation) -> Reply:
        page = min(max(0, state.page), len(state.pages) - 1)
        buttons = ()
        if len(state.pages) > 1:
            buttons = (Button("Previous page", "previous page", disabled=page == 0),
                       Button("Next page", "next page", disabled=page >= len(state.pages) - 1))
        return Reply(title=f"{fmt.escape(self.ix.title)}: the story so far", body=state.pages[page],
                     footer=f"page {page + 1} of {len(state.pages)}", buttons=buttons)

    def timeline(self, names: str = "") -> tuple[Reply, None]:
        """A picture of where characters appear; by default the main ones."""
        from bot.core import pictures

        chosen, unplaced = self.timeline_names(names)
        dropped = [f"“{fmt.escape(part)}”" + (f" (did you mean {fmt.escape(', '.join(g))}?)" if g else "")
                   for part, g in unplaced]
        if dropped and not chosen:
            return Reply(body=f"I don't know {', '.join(dropped)}.", private=True, error=True), None
        picture = pictures.timeline(self.ix, chosen or None)
        return Reply(title=f"Where {fmt.escape(', '.join(picture.shows[:4]))} appear",
                     body=f"Left out: {', '.join(dropped)}." if dropped else "",
                     footer=f"{fmt.escape(self.ix.title)} · bigger dots: more passages",
                     image=("timeline.png", picture.png)), None

    def timeline_names(self, names: str) -> tuple[list[str], list[tuple[str, list[str]]]]:
        """The characters a list of names ("Natasha, Pierre and Nicolas") means, typos fixed
        where the match is clear, and the names that could not be placed, each with guesses."""
        chosen: list[str] = []
        dropped: list[tuple[str, list[str]]] = []
        for part in [p.strip() for p in re.split(r"[,;]|\band\b", names or "") if p.strip()]:
            name, guesses = self.searcher.resolve_character(part)
            if name is None:
                dropped.append((part, [self.name(g) for g in guesses[:3]]))
            elif name not in chosen:
                chosen.append(name)
        return chosen, dropped

    def relations(self) -> tuple[Reply, None]:
        from bot.core import pictures

        picture = pictures.relations(self.ix)
        return Reply(title="Who talks to whom", footer=f"{fmt.escape(self.ix.title)} · thicker lines: more talk",
                     image=("relations.png", picture.png)), None

    def talks_to(self, name: str) -> list[tuple[str, int]]:
        """Who a character talks with most: the people they address and answer, and who answers them."""
        counts: Counter = Counter()
        lines = self.ix.dialogue
        for i, d in enumerate(lines):
            if d.speaker != name:
                continue
            if d.addressee and d.addressee != name:
                counts[d.addressee] += 1
            for j in (i - 1, i + 1):
                if 0 <= j < len(lines):
                    other = lines[j]
                    if other.speaker and other.speaker != name and abs(other.passage - d.passage) <= 1:
                        counts[other.speaker] += 1
        return counts.most_common()

    def _sentence_at(self, offset: int) -> str:
        text = self.ix.text
        start = max(text.rfind(". ", 0, offset), text.rfind("\n\n", 0, offset), self.ix.start)
        end = len(text)
        for mark in (". ", "? ", "! ", "\n\n"):
            pos = text.find(mark, offset)
            if pos != -1:
                end = min(end, pos + 1)
        return text[start:end].strip(" .\n") + "."

    def characters(self) -> tuple[Reply, None]:
        rows = [f"**{fmt.escape(self.name(c.name))}** — {count(c.mentions, 'mention')}"
                + (f" (also {fmt.escape(', '.join(a for a in c.aliases if a != self.name(c.name))[:80])})"
                   if len([a for a in c.aliases if a != self.name(c.name)]) else "")
                for c in self.ix.characters[:30]]
        more = len(self.ix.characters) - 30
        if more > 0:
            rows.append(f"…and {more} more")
        return Reply(title=f"Characters in {fmt.escape(self.ix.title)}", body=fmt.cut("\n".join(rows), BODY_MAX)), None

    def story(self, hint: bool = True) -> tuple[Reply, None]:
        """The story's card; ``hint``: point to /help (not on the command line, which has --help)."""
        ix = self.ix
        fields = [("Length", count(ix.words, "word")), ("Chapters", str(len(ix.chapters))),
                  ("Scenes", str(len(ix.scenes))), ("Characters", str(len(ix.characters))),
                  ("Dialogue", count(len(ix.dialogue), "line"))]
        if ix.author:
            fields.insert(0, ("Author", fmt.escape(ix.author)))
        meta = ix.metadata
        for key, label in (("fandom", "Fandom"), ("fandoms", "Fandom"), ("category", "Fandom"), ("rating", "Rating"),
                           ("relationships", "Relationships"), ("relationship", "Relationships"),
                           ("tags", "Tags"), ("additional tags", "Tags"), ("genre", "Tags")):
            value = meta.get(key)
            if value and label not in {name for name, _ in fields}:
                text = ", ".join(value) if isinstance(value, list) else str(value)
                fields.append((label, fmt.cut(fmt.escape(text), 300)))
        if meta.get("summary"):
            fields.append(("Summary", fmt.cut(fmt.story_text(meta["summary"]), 400)))
        return Reply(title=fmt.escape(ix.title), body="The story I know by heart." + (" Try `/help`." if hint else ""),
                     fields=tuple(fields)), None

    def help(self, prefix: str = "/", console: bool = False) -> tuple[Reply, None]:
        """Every command (bot/chat/commands.py) with an example from this story; in the console,
        the server's own commands are marked as Discord's."""
        from bot.chat.commands import COMMANDS

        fields = []
        for c in COMMANDS:
            text = c.help
            if c.example:
                example = c.example.format(name=self._example_name(), scene=self._example_scene())
                text += f" `{prefix}{c.name} {example}`"
            if console and c.discord_only:
                text += " (on Discord only)"
            fields.append((f"{prefix}{c.name} {c.usage}".strip(), text))
        return Reply(title="What I can do", body="Buttons under an answer move through the story.",
                     fields=tuple(fields)), None

    def _example_name(self) -> str:
        return self.name(self.ix.characters[0].name).split()[0] if self.ix.characters else "someone"

    def _example_scene(self) -> str:
        return self.ix.scenes[0].title.split(":")[0] if self.ix.scenes else "the ending"

    # -- buttons --------------------------------------------------------------------------

    def press(self, state: Conversation, action: str) -> tuple[Reply, Conversation | None]:
        """The reply after a button: the same card moved through the story, or a new command.

        These replies are the presser's story at their horizon as it is now, so a card made
        before a ceiling was set cannot lead past it."""
        if self._past_horizon(state):
            limit = self.ix.extra.get("horizon")
            return Reply(body=f"That part of the story is past chapter {limit}, where your spoiler limit is now; "
                              "ask again to see what you can.", private=True, error=True), None
        if action.startswith("quote:"):
            return self.quote(character=action.split(":", 1)[1])
        if action.startswith("character:"):
            return self.character(action.split(":", 1)[1])
        if action.startswith("pick:") and state.answers:
            index = min(max(0, int(action.split(":", 1)[1] or 0)), len(state.answers) - 1)
            current = state.answers[index]
            state = replace(state, index=index, passage=current.passage, scene=current.scene, page=-1)
            return self._answer_card(state), state
        if action.startswith("another:"):
            who, _, about = action.split(":", 1)[1].partition("|")
            return self.quote(character=who or None, about=about or None)
        if action == "other" and state.answers:
            state = replace(state, index=(state.index + 1) % len(state.answers), page=-1)
            current = state.answers[state.index]
            if state.kind == "scene":
                state = replace(state, scene=current.id, passage=self._first_passage(current.id))
                return self._scene_card(state), state
            state = replace(state, passage=current.passage, scene=current.scene)
            return self._answer_card(state), state
        if action in ("earlier", "later"):
            step = -1 if action == "earlier" else 1
            pid = state.passage + step
            if state.page >= 0 and state.scene:
                # Reading the whole scene: "Later" is what comes after it, "Earlier" what came before.
                ids = self._scene_passages(state.scene)
                pid = (ids[-1] + 1 if action == "later" else ids[0] - 1) if ids else pid
            pid = min(max(1, pid), len(self.ix.passages))
            state = replace(state, passage=pid, scene=self.ix.passages[pid - 1].scene, page=-1)
            return self._passage_card(state), state
        if state.kind == "outline" and action in ("next page", "previous page"):
            state = replace(state, page=state.page + (1 if action == "next page" else -1))
            return self._outline_page(state), state
        if action in ("scene", "next page", "previous page"):
            page = 0 if action == "scene" else state.page + (1 if action == "next page" else -1)
            state = replace(state, page=page)
            return self._scene_page(state), state
        return Reply(body="That button has expired; ask again.", private=True, error=True), None

    def _past_horizon(self, state: Conversation) -> bool:
        """Whether a card's state points past what this reader may see."""
        n_passages, n_scenes = len(self.ix.passages), len(self.ix.scenes)
        if state.passage > n_passages or state.scene > n_scenes:
            return True
        for a in state.answers:
            if getattr(a, "passage", 0) > n_passages or (state.kind == "scene" and a.id > n_scenes):
                return True
            if getattr(a, "end", 0) > self.ix.end:
                return True
        return False

    def _passage_card(self, state: Conversation) -> Reply:
        p = self.ix.passages[state.passage - 1]
        body = fmt.cut(fmt.story_text(self.ix.text[p.start : p.end]), BODY_MAX)
        return Reply(body=body, footer=f"{self.where(p.chapter, p.scene)} · passage {p.id} of {len(self.ix.passages)}",
                     buttons=self._answer_buttons(state))

    def _scene_page(self, state: Conversation) -> Reply:
        sc = self.ix.scenes[state.scene - 1]
        all_pages = fmt.pages(fmt.story_text(self.ix.text[sc.start : sc.end]), SCENE_PAGE)
        page = min(max(0, state.page), len(all_pages) - 1)
        return Reply(
            title=fmt.cut(f"Scene {sc.id}: {sc.title}", fmt.EMBED_TITLE_MAX),
            body=all_pages[page],
            footer=f"{self.where(sc.chapter, sc.id)} · page {page + 1} of {len(all_pages)}",
            buttons=(Button("Previous page", "previous page", disabled=page == 0),
                     Button("Next page", "next page", disabled=page >= len(all_pages) - 1),
                     Button("Earlier", "earlier", disabled=min(self._scene_passages(sc.id), default=1) <= 1),
                     Button("Later", "later",
                            disabled=max(self._scene_passages(sc.id), default=0) >= len(self.ix.passages))),
        )

    # -- autocomplete ---------------------------------------------------------------------

    def complete_character(self, typed: str) -> list[str]:
        """Up to 25 character names for what has been typed so far, best first."""
        from rapidfuzz import fuzz, process

        if self._choices is None:  # every name and alias, compared in plain form: made once per view
            names = [self.name(c.name) for c in self.ix.characters]
            choices = {a: self.name(c.name) for c in self.ix.characters for a in [self.name(c.name), *c.aliases]}
            self._choices = (names, choices, list(choices), [_plain(a) for a in choices])
        names, choices, aliases, plain = self._choices
        if not typed.strip():
            return names[:25]
        found = process.extract(_plain(typed), plain, scorer=fuzz.WRatio, processor=None, limit=50)
        out: list[str] = []
        for _, score, k in found:
            if score >= 50 and choices[aliases[k]] not in out:
                out.append(choices[aliases[k]])
        return out[:25]

    def complete_scene(self, typed: str) -> list[str]:
        """Up to 25 scene titles for what has been typed so far."""
        from rapidfuzz import fuzz, process

        titles = list(dict.fromkeys(s.title for s in self.ix.scenes))
        if not typed.strip():
            return titles[:25]
        found = process.extract(typed, titles, scorer=fuzz.WRatio, processor=_plain, limit=25)
        return [t for t, score, _ in found if score >= 40][:25]
