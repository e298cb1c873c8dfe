"""The stories a bot serves: each indexed once, and seen by every reader through their horizon.

One index and one searcher per story, shared by all readers. A reader's spoiler horizon is a
filter over them (bot/core/horizon.py) that costs milliseconds, so any number of readers at any
number of chapters costs no more memory than a few dozen of those filters, kept most recently
used first. Indexing a story is the only slow step: it happens once per story, and a second
caller waits for the first build instead of starting another.
"""
from __future__ import annotations

import threading
from collections import OrderedDict

from bot.chat.replies import Replies
from bot.config import Settings
from bot.core import horizon, library


class StoryLibrary:
    """Replies for (story, horizon): the whole story built on first use, horizons as views."""

    def __init__(self, settings: Settings, keep: int = 32):
        self.settings = settings
        self.keep = keep  # views kept; each holds references into its story, not copies
        self._whole: dict[str, Replies] = {}
        self._views: OrderedDict[tuple[str, int], Replies] = OrderedDict()
        self._lock = threading.Lock()
        self._building: dict[str, threading.Lock] = {}
        self._names: tuple[Settings, list[str]] | None = None
        self._default: tuple[Settings, str] | None = None

    def names(self) -> list[str]:
        """The library's story names (read from disk once: the bot's event loop asks often)."""
        if self._names is None or self._names[0] is not self.settings:
            self._names = (self.settings, list(library.entries(self.settings)))
        return self._names[1]

    def default(self) -> str:
        if self._default is None or self._default[0] is not self.settings:
            self._default = (self.settings, library.resolve(self.settings, None).name)
        return self._default[1]

    def chapters(self, story: str) -> int:
        return len(self.whole(story).ix.chapters)

    def ready(self, story: str | None) -> bool:
        """Whether the story is indexed, so any reader's replies come at once."""
        return (story or self.default()) in self._whole

    def whole(self, story: str | None) -> Replies:
        """The whole story's replies. Blocking the first time (it indexes the story): call it
        off the event loop. Concurrent first calls wait for one build."""
        name = story or self.default()
        found = self._whole.get(name)
        if found is not None:
            return found
        with self._lock:
            gate = self._building.setdefault(name, threading.Lock())
        with gate:
            found = self._whole.get(name)
            if found is None:
                ix, searcher = library.open_story(self.settings, name)
                found = Replies(ix, searcher, self.settings.discord.max_question_chars)
                self._whole[name] = found
        return found

    def get(self, story: str | None, chapters: int | None = None) -> Replies:
        """The story as a reader who has read ``chapters`` chapters may see it (all of it for
        None). Blocking only while the story itself is first indexed."""
        whole = self.whole(story)
        if not horizon.cuts(whole.ix, chapters):
            return whole
        key = (whole.ix.name, chapters)
        with self._lock:
            found = self._views.get(key)
            if found is not None:
                self._views.move_to_end(key)
                return found
        view = horizon.view(whole.ix, chapters)
        found = Replies(view, whole.searcher.at(view), whole.max_question, whole=whole)
        with self._lock:
            self._views[key] = found
            while len(self._views) > self.keep:
                self._views.popitem(last=False)
        return found
