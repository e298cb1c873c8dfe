"""Work done beside the caller: a function run in a forked copy of this process while the
caller goes on with other work, where the machine has a core to spare (indexing a novel: its
chapters and scenes are found while its characters are).

A fork is used only where it is safe: on Linux, with more than one core, and while this
process runs no other Python thread (a fork copies only the thread that forks; a lock another
thread held would stay held in the copy; the idle pools of numerical libraries are not called
in the child). The command line, the console and the scripts fork; the Discord bot, which has
threads, works in one process. Anywhere a fork is not made, or the child fails or takes longer
than ``PATIENCE``, the caller computes the same thing itself: the outcome never depends on it.
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
PATIENCE = 120.0  # seconds a child may take (a novel's layout takes about one) before it is stopped


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
        self._stop(wait=0)

    def _stop(self, wait: float) -> None:
        """Let the child end within ``wait`` seconds, else end it; close the pipe."""
        if self.process is None or self.receive is None:
            return
        self.process.join(wait)
        if self.process.is_alive():
            self.process.terminate()
            self.process.join(5)
            if self.process.is_alive():
                self.process.kill()
        self.process.join()
        self.receive.close()
        self.process = self.receive = None

    def result(self) -> T:
        if self.process is not None and self.receive is not None:
            try:
                if not self.receive.poll(PATIENCE):
                    raise TimeoutError(f"no result in {PATIENCE:g} s")
                ok, value = self.receive.recv()
                if ok:
                    return value
                log.warning("the forked child failed (%s); working it out here", value)
            except Exception as exc:  # no result, a broken pipe, a result that did not unpickle
                log.warning("the forked child gave no result (%s); working it out here", type(exc).__name__)
            finally:
                self._stop(wait=5)  # it has sent its result, or it is stuck
        return self.fn(*self.args)


def _send_result(fn: Callable[..., object], args: tuple, send) -> None:
    try:
        send.send((True, fn(*args)))
    except BaseException as exc:  # it failed, or its result does not pickle: the parent works it out and says why
        send.send((False, f"{type(exc).__name__}: {exc}"))
    finally:
        send.close()
