"""Searches in worker processes, so the bot's event loop keeps a core (and its interpreter
lock) of its own while questions are answered.

Each worker opens the stories itself, from the same files and index cache as the bot, and is
asked for a reply by story key, horizon and method: nothing but those and the reply crosses
between processes.
"""
from __future__ import annotations

import multiprocessing
import os
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from bot.config import Settings

_library = None  # this worker's StoryLibrary


def pool(settings: Settings, workers: int) -> ProcessPoolExecutor:
    """A pool of ``workers`` fresh processes (spawned, not forked: the bot has threads)."""
    return ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
                               initializer=_start, initargs=(settings,))


def _start(settings: Settings) -> None:
    global _library
    from bot.chat.stories import StoryLibrary

    _library = StoryLibrary(settings)
    parent = os.getppid()

    def orphaned() -> None:
        """A bot killed outright (SIGKILL) leaves its workers behind: they go within a second."""
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(0)

    threading.Thread(target=orphaned, name="storykeeper-orphaned", daemon=True).start()


def reply(story: str, chapters: int | None, method: str, *args: Any) -> Any:
    """``method(*args)`` of the story's replies at a horizon, as the bot's own would answer."""
    assert _library is not None, "not a worker"
    if story not in _library.names():
        _library.forget_looks()  # a story the bot added a moment ago: look at the folders now
    return getattr(_library.get(story, chapters), method)(*args)


def warm(story: str) -> None:
    """Open a story before the first question needs it."""
    assert _library is not None, "not a worker"
    _library.whole(story)
