"""The stories a bot serves, each at any reader's spoiler horizon, loaded once and kept."""
from __future__ import annotations

import threading
from collections import OrderedDict

from bot.chat.replies import Replies
from bot.config import Settings
from bot.core import library


class StoryLibrary:
    """Replies for (story, horizon), built on first use and kept (most recently used first)."""

    def __init__(self, settings: Settings, keep: int = 24):
        self.settings = settings
        self.keep = keep
        self._cache: OrderedDict[tuple[str, int | None], Replies] = OrderedDict()
        self._lock = threading.Lock()
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
        return len(self.get(story, None).ix.chapters)

    def has(self, story: str, horizon: int | None) -> bool:
        return (story, horizon) in self._cache

    def get(self, story: str | None, horizon: int | None = None) -> Replies:
        """Blocking: may index a story. Call it off the event loop."""
        name = story or self.default()
        key = (name, horizon)
        with self._lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]
        ix, searcher = library.open_story(self.settings, name, horizon)
        replies = Replies(ix, searcher, self.settings.discord.max_question_chars)
        with self._lock:
            self._cache[key] = replies
            while len(self._cache) > self.keep:
                self._cache.popitem(last=False)
        return replies
