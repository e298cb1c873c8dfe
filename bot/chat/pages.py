"""Replies about the story and its people rather than one question: a character's profile, a
scene's or a chapter's summary and the story's outline, the pictures (who appears where, who
talks to whom), the cast, the story's card and /help. `Replies` (bot/chat/replies.py) takes them
in, with its story index (``ix``), searcher and helpers.
"""
from __future__ import annotations

import bisect
import re
from collections import Counter

from bot.chat import format as fmt
from bot.chat.cards import BODY_MAX, Button, Conversation, Reply
from bot.core import dialogue, knowledge
from bot.core.search.quotes import utterances
from bot.core.text import count, sentences


ALSO_MOST = 80  # characters of other names shown beside each one in the cast list
_QUOTED_MOST = 400  # characters of a quotation read with the speech tag after it
_READS_ALONE = 5  # words: a shorter first appearance ('"Klaus."') goes on to the next sentence


class StoryPages:
    """The story-wide replies of `Replies`, which supplies ``ix``, ``searcher``, ``summariser``,
    ``name``, ``_too_long``, ``_did_you_mean``, ``_example_name`` and ``_first_passage``."""

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
        aliases = self._also(c)
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
        if (first := self._first_in_story(c)) is not None:
            fields.append(("First appearance", fmt.cut(fmt.story_text(self._sentence_at(first)),
                                                       fmt.EMBED_FIELD_VALUE_MAX)))
        for label, sentence in knowledge.profile(self.searcher, c.name, self.searcher.sizes[1]):
            value = fmt.cut(fmt.story_text(sentence), fmt.EMBED_FIELD_VALUE_MAX)
            # (or within another: a first appearance that holds it)
            same = next((k for k, (lab, v) in enumerate(fields)
                         if v == value or lab == "First appearance" and value in v), None)
            if same is None:
                fields.append((label, value))
            else:  # a sentence that says two things is shown once, under both: "Who · Ties"
                fields[same] = (f"{fields[same][0]} · {label}", fields[same][1])
        # Lines surely theirs first (tagged with their name): a line credited by turns or by
        # "she" is often someone else's ("Come nearer, come nearer, friend!" on Natásha's).
        best = sorted(lines, key=lambda d: (not dialogue.surely_said(d), -min(len(d.text.split()), 30)))[:2]
        for d in sorted(best, key=lambda d: d.start):
            fields.append(("Says", fmt.cut("“" + fmt.story_text(d.text) + "”", fmt.EMBED_FIELD_VALUE_MAX)))
        return Reply(title=fmt.escape(shown), body=count(len(lines), "line of dialogue", "lines of dialogue") + ".",
                     fields=tuple(fields[: fmt.EMBED_FIELDS_MAX])), None

    def summary(self, what: str = "", which: str = "") -> tuple[Reply, Conversation | None]:
        """A scene (by what happens in it), a chapter (by number, "book 6 chapter 13" or title),
        or the whole story (an outline); with no kind given, whichever ``which`` names."""
        from bot.core.summarise import CHAPTER_SENTENCES, SCENE_SENTENCES, scene_number

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
            if scene_number(what, which) is not None:
                return Reply(body=f"No scene “{fmt.escape(which)}”; there are {len(self.ix.scenes)}. "
                                  "Give a number, or words a reader remembers it by.", private=True, error=True), None
            return Reply(body=f"Nothing matches “{fmt.escape(which)}”: give words a reader remembers a scene by, "
                              "or a chapter's number or title.", private=True, error=True), None
        kind, number = found.kind, found.number
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
        text = summary.text(self.name)
        if found.by_meaning:
            head.insert(0, "*No scene has these words; this one is among the closest in meaning.*")
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
        if not self.ix.characters:
            return Reply(body=self._no_characters(), private=True, error=True), None
        picture = pictures.timeline(self.ix, chosen or None)
        if not picture.shows:
            return Reply(body=self._no_characters(), private=True, error=True), None
        if beyond := chosen[len(picture.shows):]:  # more than one picture shows: the rest are named
            dropped.append(", ".join(fmt.escape(self.name(n)) for n in beyond)
                           + f" (a picture shows {pictures.TIMELINE_MOST} at most; ask for them in another)")
        shown = [self.name(n) for n in picture.shows]
        more = f" and {len(shown) - 4} more" if len(shown) > 4 else ""
        verb = "appears" if len(shown) == 1 else "appear"
        return Reply(title=fmt.cut(f"Where {fmt.escape(', '.join(shown[:4]))}{more} {verb}", fmt.EMBED_TITLE_MAX),
                     body=fmt.cut(f"Left out: {', '.join(dropped)}.", BODY_MAX) if dropped else "",
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
        if not picture.shows:
            return Reply(body="No line in this story has a speaker I know yet, so there is no one to draw.",
                         private=True, error=True), None
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

    def _first_in_story(self, c) -> int | None:
        """Where someone is first named in the story itself: not in a title page or contents
        before its first chapter ("The Adventures of Sherlock Holmes", "by Arthur Conan Doyle"),
        and never past the reader's horizon."""
        body = self.ix.chapters[0].start if self.ix.chapters else self.ix.start
        found = [o for offsets in self.ix.uses.get(c.name, {}).values() for o in offsets if body <= o < self.ix.end]
        return min(found) if found else c.first

    def _sentence_at(self, offset: int) -> str:
        """The sentence of the story at ``offset``, as the story writes it ("Mr." ends none;
        its quotation marks kept); one too short to read alone (a name called, '"Klaus."') goes on
        to the next sentence of its paragraph."""
        text = self.ix.text
        start = max(text.rfind("\n\n", max(0, offset - 2000), offset), offset - 2000, self.ix.start)
        end = text.find("\n\n", offset, offset + 2000)
        end = min(offset + 2000 if end == -1 else end, self.ix.end)  # never past the reader's horizon
        every = list(sentences(text[start:end], start)) or [(start, end)]
        at = next((i for i, (_, e) in enumerate(every) if offset < e), len(every) - 1)
        spans = every[at:]
        s, e = spans[0]
        if at and len(utterances(text, every[at - 1 : at + 1])) == 1:
            # A speech tag is read with its quotation ('"Who's that? ..." Marcel asked ...'), from
            # where the quotation opens (quotes.utterances joins a tag to its last sentence only).
            before = text[start:s].rstrip()
            opening = before.rfind("“" if before[-1] == "”" else '"', 0, len(before) - 1)
            s = start + opening if 0 <= opening and len(before) - opening <= _QUOTED_MOST else every[at - 1][0]
        for _, later in spans[1:]:
            if len(text[s:e].split()) >= _READS_ALONE:
                break
            e = later
        return " ".join(text[s:e].split())

    def _also(self, c) -> list[str]:
        """A character's other names, the ones the text uses most (up to the reader's horizon:
        the uses are the whole book's) first."""
        shown, uses = self.name(c.name), self.ix.uses.get(c.name, {})
        return sorted((a for a in c.aliases if a != shown),
                      key=lambda a: (-bisect.bisect_left(uses.get(a, []), self.ix.end), a))

    def characters(self) -> tuple[Reply, None]:
        rows = []
        for c in self.ix.characters[:30]:
            every = also = self._also(c)
            while len(", ".join(also)) > ALSO_MOST and len(also) > 1:
                also = also[:-1]  # whole names, the most used first: "Lizzy" before "Miss Eliza Bennet"
            more = " …" if len(also) < len(every) else ""
            rows.append(f"**{fmt.escape(self.name(c.name))}** — {count(c.mentions, 'mention')}"
                        + (f" (also {fmt.escape(', '.join(also))}{more})" if also else ""))
        more = len(self.ix.characters) - 30
        if more > 0:
            rows.append(f"…and {more} more")
        return Reply(title=f"Characters in {fmt.escape(self.ix.title)}",
                     body=fmt.cut("\n".join(rows), BODY_MAX) if rows else self._no_characters()), None

    def _no_characters(self) -> str:
        horizon = self.ix.extra.get("horizon")
        if horizon:  # a reader's view: the story may have people later
            return f"No one you have met yet, up to chapter {horizon}."
        return "I found no characters in this story: no name comes back often enough with words or deeds."

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
        return Reply(title=fmt.escape(ix.title), body="Ask me about it with `/ask`; `/help` lists the rest." if hint else "",
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

    def _example_scene(self) -> str:
        return self.ix.scenes[0].title.split(":")[0] if self.ix.scenes else "the ending"
