"""The bot in a terminal: the same commands and replies as on Discord, buttons as numbers.

    > /ask who is Marcel?
    > !quote Klaus
    > 2            (presses the second button under the last reply)
"""
from __future__ import annotations

import re
import shlex
import sys
from pathlib import Path
from typing import Callable, TextIO

from bot.chat import commands
from bot.chat import format as fmt
from bot.chat.cards import Conversation, Reply, chapter_asked, progress_set, progress_shown
from bot.chat.replies import Replies


class Console:
    """Reads commands, prints replies. ``handle`` is the whole of it; ``run`` loops over input."""

    def __init__(self, replies: Replies, prefix: str = "!", picture_dir: Path | None = None,
                 reopen: Callable[[int | None], Replies] | None = None, library=None, story: str | None = None):
        """``reopen(chapter)`` gives the replies for a reader who has read up to that chapter
        (None: all of it); ``library`` (a StoryLibrary) gives it, and the stories to list and
        choose from; with neither, /progress is not offered."""
        self.replies = replies
        self.library = library
        self.story = story or replies.ix.name  # the library's key for it (a name, or the path given)
        self.opened = self.story  # the story the console was started with, listed even when it is a path
        if reopen is None and library is not None:
            reopen = lambda chapter: library.get(self.story, chapter)  # noqa: E731
        self.reopen = reopen
        self.chapters = len(replies.ix.chapters)
        self.progress: int | None = None
        self.picture_dir = picture_dir or Path.cwd()
        self.prefix = prefix
        self.last: Reply | None = None
        self.state: Conversation | None = None
        self.shown: Reply | None = None
        self.game: ConsoleGame | None = None

    def handle(self, line: str) -> str:
        """The printed reply to one line of input."""
        line = line.strip()
        if not line:
            return ""
        if self.game is not None and not line.startswith(("/", self.prefix)):
            reply = self.game.answer(line)  # a number or the words: the game's answer
            if self.game.done:
                self.game = None
            return self._show(reply, None)
        if line.isdigit() and self.last is not None and self.last.buttons:
            return self._press(int(line))
        command, rest = self._split(line)
        name = command.name if command else None
        if command is not None and command.discord_only:
            return self._show(Reply(body=f"/{command.name} is for a server, so it works on Discord only."
                                    + (f" {command.elsewhere}" if command.elsewhere else ""), error=True), None)
        if name is None:
            return (f"Type a command like /ask who is {self.replies._example_name()}? — or /help. "
                    "Numbers press the buttons under the last reply.")
        reply, state = self._run(name, rest)
        if not reply.buttons:
            self.last = self.state = None  # a new reply with no buttons: none to press now
        return self._show(reply, state)

    def _split(self, line: str) -> tuple[commands.Command | None, str]:
        for start in ("/", self.prefix):
            if line.startswith(start):
                line = line[len(start):]
                break
        return commands.find(line)

    def _run(self, name: str, rest: str) -> tuple[Reply, Conversation | None]:
        r = self.replies
        if name == "ask":
            return r.ask(rest)
        if name == "scene":
            return r.scene(rest)
        if name == "character":
            return r.character(rest)
        if name == "characters":
            return r.characters()
        if name == "story":
            return r.story()
        if name == "story list":
            return self._stories(), None
        if name == "story use":
            return self._use(rest), None
        if name == "help":
            return r.help("/", console=True)
        if name == "summary":
            what, _, which = rest.partition(" ")
            if what.lower() not in ("scene", "chapter", "story"):
                what, which = "", rest  # "/summary the kiss": whatever it names
            return r.summary(what.lower(), which)
        if name == "timeline":
            return r.timeline(rest)
        if name == "relations":
            return r.relations()
        if name == "progress":
            return self._progress(rest), None
        if name == "game":
            if self.game is not None:
                return Reply(body="A game is already running; `/game stop` ends it.", error=True), None
            self.game = ConsoleGame.start(self.replies, rest)
            reply = self.game.next() if self.game.kind else self.game.stop()
            if self.game.done:
                self.game = None
            return reply, None
        if name == "game stop":
            if self.game is None:
                return Reply(body="No game is running.", error=True), None
            reply, self.game = self.game.stop(), None
            return reply, None
        # quote: "/quote Klaus", "/quote Klaus about love", "/quote character:Klaus about:love",
        # or as Discord shows it, "/quote Klaus about:jealous" (the first option given by place)
        options = dict(re.findall(r"\b(character|about):\s*(\"[^\"]*\"|(?!(?:character|about):)\S*)", rest))
        if options:
            placed = re.split(r"\b(?:character|about):", rest, maxsplit=1)[0].strip()
            character = options.get("character", "").strip('"') or placed or None
            about = options.get("about", "").strip('"') or None
        else:
            character, _, about = rest.partition(" about ")
            try:
                words = shlex.split(character)
            except ValueError:
                words = character.split()
            character = " ".join(words) or None
            about = about.strip() or None
        return r.quote(character, about)

    def _stories(self) -> Reply:
        names = list(self.library.visible(None)) if self.library is not None else [self.replies.ix.name]
        if self.opened not in names:
            names.append(self.opened)  # a story given by its path
        rows = [f"`{n}`" + (" ← reading" if n == self.story else "") for n in names]
        return Reply(title="Stories", body="\n".join(rows) + ("\n\nSwitch with `/story use`." if len(names) > 1 else ""))

    def _use(self, name: str) -> Reply:
        if self.library is None:
            return Reply(body="Only this story is open here; run `storykeeper run` for the library.", error=True)
        if name not in self.library.visible(None) and name != self.opened:
            return Reply(body=f"No story called “{fmt.escape(name)}”; `/story list` shows them.", error=True)
        self.replies, self.story = self.library.get(name), name
        self.chapters, self.progress = len(self.replies.ix.chapters), None
        self.last = self.state = None
        return Reply(body=f"Now reading `{name}`.")

    def _progress(self, rest: str) -> Reply:
        """/progress [chapter]: as on Discord, for the one reader at this console."""
        name = self.replies.ix.name
        if self.reopen is None:
            return Reply(body="Progress needs the story's library; run `storykeeper run`.", error=True)
        if not rest:
            return progress_shown(name, self.progress, self.chapters)
        chapter = chapter_asked(self.replies.whole.ix if self.replies.whole else self.replies.ix, rest)
        if chapter is None:
            return Reply(body="Give a chapter: `/progress 3`, `/progress book 6 chapter 13` or its title "
                              "(0 to see everything).", error=True)
        whole = self.replies.whole.ix if self.replies.whole else self.replies.ix
        title = whole.chapters[chapter - 1].title if 0 < chapter <= len(whole.chapters) else ""
        reply = progress_set(name, chapter, self.chapters, title=title)
        if not reply.error:
            self.progress = chapter if 0 < chapter < self.chapters else None
            self.replies = self.reopen(self.progress)
            self.last = self.state = None  # buttons of the old horizon would see past the new one
        return reply

    def _press(self, number: int) -> str:
        assert self.last is not None
        if not 1 <= number <= len(self.last.buttons):
            return f"There are {len(self.last.buttons)} buttons; type 1 to {len(self.last.buttons)}."
        button = self.last.buttons[number - 1]
        if button.disabled:
            return f"“{button.label}” is not available here."
        reply, state = self.replies.press(self.state or Conversation("answer"), button.action)
        return self._show(reply, state)

    def _show(self, reply: Reply, state: Conversation | None) -> str:
        self.shown = reply  # the last reply, for whoever drives the console (tests, scripts)
        if reply.buttons:
            self.last, self.state = reply, state
        text = reply.text()
        if reply.image is not None:
            name, png = reply.image
            path = self.picture_dir / name
            path.write_bytes(png)
            text += f"\n[picture saved to {path}]"
        if reply.buttons:
            labels = [f"[{i}] {b.label}" if not b.disabled else f"[{i}] ({b.label})"
                      for i, b in enumerate(reply.buttons, start=1)]
            text += "\n" + "  ".join(labels)
        return text

    def run(self, stdin: TextIO = sys.stdin, stdout: TextIO = sys.stdout) -> int:
        interactive = stdin.isatty()
        if interactive:
            print(f"Storykeeper, telling {self.replies.ix.title!r}. Type /help, or Ctrl-D to leave.", file=stdout)
        while True:
            if interactive:
                stdout.write("> ")
                stdout.flush()
            line = stdin.readline()
            if not line or line.strip().lower() in ("quit", "exit", "/quit", "/exit"):
                return 0
            out = self.handle(line)
            if out:
                print(out + "\n", file=stdout, flush=True)


class ConsoleGame:
    """A game in the terminal: type the number of an option, or the missing words."""

    def __init__(self, replies: Replies, kind: str, rounds: int):
        import random

        self.replies, self.kind, self.rounds = replies, kind, rounds
        self.rng = random.Random()
        self.used: set[int] = set()  # the starts of the lines asked already in this game
        self.played = self.points = 0
        self.current = None
        self.done = False

    @classmethod
    def start(cls, replies: Replies, rest: str) -> "ConsoleGame":
        from bot.core import games

        words = rest.lower().replace("start", " ").split()
        kind = next((w for w in words if w in games.KINDS), "who-said")
        rounds = next((int(w) for w in words if w.isdigit()), 5)
        game = cls(replies, kind, max(1, min(20, rounds)))
        if words and not all(w in games.KINDS or w.isdigit() for w in words):
            game.kind = ""  # not a game it knows
        return game

    def next(self) -> Reply:
        from bot.core import games

        self.current = games.draw(self.kind, self.replies.ix, self.rng, self.used)
        if self.current is None:
            return self.stop("There are too few lines for this game here.")
        self.used.add(self.current.start)
        self.played += 1
        names = {"who-said": "Who said it?", "finish": "Finish the line", "which-scene": "Which scene?"}
        title = f"{names[self.kind]} — round {self.played} of {self.rounds}"
        body = f"“{fmt.story_text(self.current.prompt)}”\n\n"
        if self.current.choices:
            body += "\n".join(f"{i}. {self.replies.ix.shown(c) or c}" for i, c in enumerate(self.current.choices, 1))
            body += "\n\nType the number of " + ("who said it." if self.kind == "who-said" else "its scene.")
        else:
            body += "Type the missing words."
        return Reply(title=title, body=body)

    def answer(self, typed: str) -> Reply:
        from bot.core import games

        r = self.current
        if r.choices and typed.strip().isdigit() and 1 <= int(typed) <= len(r.choices):
            typed = r.choices[int(typed) - 1]
        ok = games.right(typed, r, {c: self.replies.ix.shown(c) or c for c in r.choices})
        self.points += ok
        truth = self.replies.ix.shown(r.answer) or r.answer if r.choices else r.line
        said = ("Right!" if ok else "Not quite.") + f" {fmt.story_text(truth) if r.kind == 'finish' else truth}"
        if self.played >= self.rounds:
            return self.stop(said)
        following = self.next()
        return Reply(title=following.title, body=f"{said}\n\n{following.body}")

    def stop(self, said: str = "") -> Reply:
        self.done = True
        if not self.kind:
            return Reply(body="A game is /game who-said or /game finish, with a number of rounds.", error=True)
        return Reply(title="Game over", body=(said + "\n\n" if said else "") + f"{self.points} of {self.played} right.")