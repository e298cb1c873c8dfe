"""What the bot says: every command's reply as plain data, for Discord and the console alike.

A Reply is a card (title, body, fields, footer) with buttons. Buttons carry an action that
`Conversation.press` turns into the next Reply (move through the story, other answers, the
whole scene page by page, "did you mean" choices). Nothing here imports discord.
"""
from __future__ import annotations

from dataclasses import replace

from bot.chat import format as fmt
from bot.chat.cards import BODY_MAX, SCENE_PAGE, Button, Conversation, Reply, where
from bot.chat.pages import StoryPages
from bot.core.index import StoryIndex
from bot.core.search import AskResult, Searcher, fold, numbered
from bot.core.text import listed

SEEN_MOST = 50  # "Another" shows no quote again among the last this many while others are left


def _plain(text: str) -> str:
    """What autocomplete compares: lower case, no punctuation, no accents ("natasha" is Natásha)."""
    from rapidfuzz import utils

    return utils.default_process(fold(text))


class Replies(StoryPages):
    """Builds replies from a story's index and searcher: questions, quotes, scenes and the
    buttons under them here, the story-wide pages in `StoryPages`."""

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

    def names(self, characters) -> str:
        """Characters as this reader knows them, listed: "Holmes and Watson"."""
        return listed(self.name(c) for c in characters)

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
        if not any(ch.isalnum() for ch in question):  # nothing, or only "?" or "..."
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
            return self._unsure_card(state, question, result.suggestions, result.unheard), state
        note = ""
        if not result.confident:
            note = self._never(result.unheard) + "this is the closest passage." if result.unheard \
                else "I'm not sure the story says; this is the closest passage."
            if result.suggestions:
                note += " Maybe: " + "; ".join(fmt.escape(x) for x in result.suggestions)
        return self._answer_card(state, question, note), state

    def _never(self, unheard: str) -> str:
        """ "“mycroft” never comes up in the story; ": whom a "who is" asks about, unknown so far."""
        so_far = " so far" if self.ix.extra.get("horizon") else ""
        return f"“{fmt.escape(unheard)}” never comes up in the story{so_far}; "

    def _unsure_card(self, state: Conversation, question: str, suggestions: list[str],
                     unheard: str | None = None) -> Reply:
        """Not sure: say so plainly and offer the passages most likely to answer, a button each."""
        shown = state.answers[:3]
        rows = [f"**{i}.** {fmt.cut(fmt.story_text(a.shown), 220)}" + (f" — {fmt.escape(self.names(a.said_by))}" if a.said_by else "")
                + f"\n*{fmt.escape(self.where(a.chapter, a.scene))}*" for i, a in enumerate(shown, start=1)]
        note = self._never(unheard) + "these are the closest passages:" if unheard \
            else "I'm not sure the story answers that. These passages may:"
        if suggestions:
            note += " (maybe: " + "; ".join(fmt.escape(x) for x in suggestions) + ")"
        return Reply(title=fmt.cut(f"“{fmt.escape(question)}”", fmt.EMBED_TITLE_MAX),
                     body=fmt.cut(f"*{note}*\n\n" + "\n\n".join(rows), BODY_MAX),
                     buttons=tuple(Button(f"See {i}", f"pick:{i - 1}") for i in range(1, len(shown) + 1))
                     + (Button("Whole scene", "scene"),))

    def _no_answer(self, question: str, result: AskResult) -> Reply:
        body = self._never(result.unheard).rstrip("; ") + "." if result.unheard else "The story doesn't seem to say."
        if result.suggestions:
            body += "\nMaybe: " + "; ".join(fmt.escape(s) for s in result.suggestions)
        return Reply(title=fmt.cut(f"“{fmt.escape(question)}”", fmt.EMBED_TITLE_MAX), body=body)

    def _answer_card(self, state: Conversation, question: str = "", note: str = "") -> Reply:
        """The answer on show; the first one also carries the question and any doubt."""
        a = state.answers[state.index]
        body = fmt.cut(fmt.story_text(a.shown), BODY_MAX)
        if a.said_by:
            body = f"{body}\n— **{fmt.escape(self.names(a.said_by))}**"
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

    def quote(self, character: str | None = None, about: str | None = None, seed: int | None = None,
              after: int | None = None, seen: tuple[int, ...] = ()) -> tuple[Reply, Conversation | None]:
        for what, value in (("character name", character), ("topic", about)):
            if value and (refusal := self._too_long(what, value)) is not None:
                return refusal, None
        name = None
        if character:
            name, guesses = self.searcher.resolve_character(character)
            if name is None:
                return self._did_you_mean(character, guesses, "quote")
        q = self.searcher.quote(character=name, about=about, seed=seed, after=after, seen=seen)
        if q is None:
            whose = f" by {self.name(name)}" if name else ""
            topic = f" about “{fmt.escape(about)}”" if about else ""
            return Reply(body=f"I couldn't find a line{whose}{topic}. Try another character or topic.",
                         private=True, error=True), None
        body = f"“{fmt.cut(fmt.story_text(q.quote), BODY_MAX)}”"
        if q.speaker:
            body += f"\n— **{fmt.escape(self.name(q.speaker))}**"
        passage = next((p.id for p in self.ix.passages if p.start <= q.start < p.end), 1)
        state = Conversation(kind="answer", passage=passage, scene=q.scene, seen=(*seen, q.start)[-SEEN_MOST:])
        return Reply(body=body, footer=self.where(q.chapter, q.scene),
                     buttons=(Button("Another", f"another:{q.start}|{name or ''}|{about or ''}"),
                              Button("Whole scene", "scene"))), state

    def _did_you_mean(self, typed: str, guesses: list[str], command: str) -> tuple[Reply, Conversation | None]:
        if not guesses:
            names = ", ".join(self.name(c.name) for c in self.ix.characters[:8])
            known = f"Characters include: {fmt.escape(names)}." if names else "This story names no one I can tell is a person."
            return Reply(body=f"I don't know anyone called “{fmt.escape(typed)}”. {known}", private=True, error=True), None
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
            if numbered(keywords) is not None:
                return Reply(body=f"No scene “{fmt.escape(keywords)}”; there are {len(self.ix.scenes)}. Give a "
                                  "number, or a place, a name or something that happens.", private=True, error=True), None
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

    def _example_name(self) -> str:
        return self.name(self.ix.characters[0].name).split()[0] if self.ix.characters else "someone"

    # -- buttons --------------------------------------------------------------------------

    def press(self, state: Conversation, action: str) -> tuple[Reply, Conversation | None]:
        """The reply after a button: the same card moved through the story, or a new command.

        These replies are the presser's story at their horizon as it is now, so a card made
        before a ceiling was set cannot lead past it."""
        if self._past_horizon(state):
            limit = self.ix.extra.get("horizon")
            if limit is None:  # no limit: the story itself changed (a moderator updated it)
                return Reply(body="The story has changed since this card was made; ask again.",
                             private=True, error=True), None
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
        if action.startswith("another:"):  # "another:<start of the quote shown>|<who>|<about>"
            parts = action.split(":", 1)[1].split("|", 2)
            shown = int(parts.pop(0)) if len(parts) == 3 and parts[0].isdigit() else None  # older cards: "who|about"
            who, about = parts[0], parts[1] if len(parts) > 1 else ""
            return self.quote(character=who or None, about=about or None, after=shown, seen=state.seen)
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
