"""The stories a bot serves: each indexed once, and seen by every reader through their horizon.

One index and one searcher per story, shared by all readers. A reader's spoiler horizon is a
filter over them (bot/core/horizon.py) that costs milliseconds, so any number of readers at any
number of chapters costs no more memory than a few dozen of those filters, kept most recently
used first. Indexing a story is the only slow step: it happens once per story, and a second
caller waits for the first build instead of starting another.
"""
from __future__ import annotations

import os
import threading
import time
from collections import OrderedDict

from bot.chat.replies import Replies
from bot.config import Settings
from bot.core import horizon, library


class StoryLibrary:
    """Replies for (story, horizon): the whole story built on first use, horizons as views.

    The folders and story files are looked at again at most once every ``RECHECK`` seconds: the
    event loop asks on every interaction, and each look is a system call that, with searches
    busy in other threads, waits for the interpreter lock."""

    RECHECK = 1.0

    def __init__(self, settings: Settings, keep: int = 32):
        self.settings = settings
        self.keep = keep  # views kept; each holds references into its story, not copies
        self._whole: dict[str, tuple[tuple, Replies]] = {}  # name -> (the file's stamp when read, replies)
        self._views: OrderedDict[tuple[str, int], Replies] = OrderedDict()
        self._lock = threading.Lock()
        self._building: dict[str, threading.Lock] = {}
        self._looked: float | None = None  # when the folders were last looked at
        self._stamps: dict[str, tuple[float, tuple]] = {}  # story -> (when its file was last looked at, its stamp)
        self._names: tuple[Settings, tuple, dict] | None = None
        self._default: tuple[Settings, str] | None = None

    def names(self) -> list[str]:
        """Every story's library key (a server's own are ``<server id>/<name>``). The folders are
        listed again only when one changed (a file added to seeds/, or by another process, is
        seen without a restart); the bot's event loop asks often."""
        return list(self._entries())

    def visible(self, server: int | None) -> dict[str, str]:
        """The stories a server sees: the name its readers type -> library key."""
        return library.visible(self._entries(), server)

    def key(self, server: int | None, name: str | None) -> str | None:
        """The library key of the story a server's reader calls ``name`` (None if it has none)."""
        return self.visible(server).get(name) if name else None

    def loaded(self) -> int:
        """How many stories are indexed and in memory."""
        return len(self._whole)

    def forget_looks(self) -> None:
        """Look at the folders again at the next ask (a story added by another process)."""
        self._looked = None

    def forget(self, story: str) -> None:
        """Drop a story's index and views (removed, or added or changed by this process), and
        look at the folders again at the next ask."""
        self._looked = None
        self._stamps.pop(story, None)
        with self._lock:
            self._whole.pop(story, None)
            for k in [k for k in self._views if k[0] == story]:
                del self._views[k]

    def _entries(self) -> dict:
        now = time.monotonic()
        if self._looked is not None and self._names is not None and self._names[0] is self.settings \
                and now - self._looked < self.RECHECK:
            return self._names[2]
        stamp = []
        stories = self.settings.data_dir / "stories"
        folders = [self.settings.seeds_dir, stories]
        try:
            folders += [f for f in stories.iterdir() if f.is_dir()] if stories.is_dir() else []
        except OSError:
            pass
        for folder in folders:
            try:
                stamp.append(folder.stat().st_mtime_ns if folder.is_dir() else None)
            except OSError:
                stamp.append(None)
        stamp = tuple(stamp)
        if self._names is None or self._names[0] is not self.settings or self._names[1] != stamp:
            self._names = (self.settings, stamp, library.entries(self.settings))
        self._looked = now
        return self._names[2]

    def _stamp(self, name: str) -> tuple:
        """The story file's modification time and size: a changed file is read again."""
        now = time.monotonic()
        seen = self._stamps.get(name)
        if seen is not None and now - seen[0] < self.RECHECK:
            return seen[1]
        stamp = self._file_stamp(name)
        self._stamps[name] = (now, stamp)
        return stamp

    def _file_stamp(self, name: str) -> tuple:
        entry = self._entries().get(name)
        path = entry.path if entry is not None else None
        try:
            info = os.stat(path if path is not None else name)
        except OSError:
            return ()
        return (info.st_mtime_ns, info.st_size)

    def default(self) -> str:
        if self._default is None or self._default[0] is not self.settings:
            self._default = (self.settings, library.resolve(self.settings, None).name)
        return self._default[1]

    def ready(self, story: str | None) -> bool:
        """Whether the story is indexed, so any reader's replies come at once."""
        name = story or self.default()
        found = self._whole.get(name)
        return found is not None and found[0] == self._stamp(name)

    def whole(self, story: str | None) -> Replies:
        """The whole story's replies. Blocking the first time (it indexes the story): call it
        off the event loop. Concurrent first calls wait for one build."""
        name = story or self.default()
        stamp = self._stamp(name)
        found = self._whole.get(name)
        if found is not None and found[0] == stamp:
            return found[1]
        with self._lock:
            gate = self._building.setdefault(name, threading.Lock())
        with gate:
            found = self._whole.get(name)
            if found is None or found[0] != stamp:
                ix, searcher = library.open_story(self.settings, name)
                found = (stamp, Replies(ix, searcher, self.settings.discord.max_question_chars))
                self._whole[name] = found
                with self._lock:  # views of an older version of the file go with it
                    for key in [k for k in self._views if k[0] == name]:
                        del self._views[key]
        return found[1]

    def get(self, story: str | None, chapters: int | None = None) -> Replies:
        """The story as a reader who has read ``chapters`` chapters may see it (all of it for
        None). Blocking only while the story itself is first indexed."""
        name = story or self.default()
        whole = self.whole(name)
        whole.key = name
        if not horizon.cuts(whole.ix, chapters):
            return whole
        key = (name, chapters)
        with self._lock:
            found = self._views.get(key)
            if found is not None:
                self._views.move_to_end(key)
                return found
        view = horizon.view(whole.ix, chapters)
        found = Replies(view, whole.searcher.at(view), whole.max_question, whole=whole)
        found.key, found.chapters = name, chapters
        with self._lock:
            self._views[key] = found
            while len(self._views) > self.keep:
                self._views.popitem(last=False)
        return found
