"""Work done beside the caller: a function run in a forked copy of this process while the
caller goes on with other work, where the machine has a core to spare (indexing a novel: its
chapters and scenes are found while its characters are).

A fork is used only where it is safe: on Linux, with more than one core, and while this
process runs no other thread (a fork copies only the thread that forks; a lock another thread
held would stay held in the copy). The command line, the console, the scripts and the bot's
start fork; the running Discord bot, which has threads, works in one process. Anywhere a fork is
not made, or the child fails, the caller computes the same thing itself: the outcome never
depends on it.
"""
from __future__ import annotations

import logging
import multiprocessing
import os
import sys
import threading
from typing import Any, Callable, Generic, TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")


def can_fork() -> bool:
    """Whether a forked child could work beside this process now."""
    if not sys.platform.startswith("linux") or threading.active_count() > 1:
        return False  # macOS has fork, but its system libraries may not survive one (Python spawns there)
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return cores > 1


class Beside(Generic[T]):
    """``fn(*args)``, computed in a forked child from now on when ``wanted`` and ``can_fork()``;
    ``result()`` waits for it, or computes it here when there is no child or it failed. As a
    context manager, a child whose result was never taken (the caller failed) is stopped."""

    def __init__(self, fn: Callable[..., T], *args: Any, wanted: bool = True) -> None:
        self.fn, self.args = fn, args
        self.process = self.receive = None
        if not (wanted and can_fork()):
            return
        try:
            ctx = multiprocessing.get_context("fork")
            receive, send = ctx.Pipe(duplex=False)
            process = ctx.Process(target=_send_result, args=(fn, args, send), daemon=True)
            process.start()
            send.close()
            self.process, self.receive = process, receive
        except (OSError, AssertionError) as exc:  # no process to spare; a daemon may have no children
            log.warning("working on in one process (%s: %s)", type(exc).__name__, exc)

    def __enter__(self) -> "Beside[T]":
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self.process is not None and self.receive is not None:
            self.process.terminate()
            self.process.join()
            self.receive.close()
            self.process = self.receive = None

    def result(self) -> T:
        if self.process is not None and self.receive is not None:
            try:
                ok, value = self.receive.recv()
                if ok:
                    return value
                log.warning("the forked child failed (%s); working it out here", value)
            except (EOFError, OSError) as exc:
                log.warning("the forked child gave no result (%s); working it out here", type(exc).__name__)
            finally:
                self.receive.close()
                self.process.join()
                self.process = self.receive = None
        return self.fn(*self.args)


def _send_result(fn: Callable[..., object], args: tuple, send) -> None:
    try:
        value = fn(*args)
    except BaseException as exc:  # the parent works it out itself and logs why
        send.send((False, f"{type(exc).__name__}: {exc}"))
    else:
        send.send((True, value))
    finally:
        send.close()
