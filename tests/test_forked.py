"""Work beside the caller in a forked child. A fork is made only while no other thread runs,
and the test session has threads (the bot's tests leave some): each case runs in a fresh
interpreter of its own."""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest

from bot.core import forked

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="forks only where the system forks cheaply")


def fresh(code: str) -> str:
    """What ``code`` prints, run alone in a new interpreter (one thread: it may fork)."""
    out = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], cwd=ROOT, capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    return "\n".join(part for part in (out.stdout.strip(), out.stderr.strip()) if part)


def test_the_work_is_done_in_a_child_and_comes_back() -> None:
    assert fresh("""
        import os
        from bot.core import forked
        with forked.Beside(lambda n: (os.getpid(), list(range(n))), 3) as job:
            pid, value = job.result()
        print(forked.can_fork() == (pid != os.getpid()), value)
    """) == "True [0, 1, 2]"


def test_a_child_that_fails_is_worked_out_here_with_one_log_line() -> None:
    assert fresh("""
        import logging, os
        from bot.core import forked
        logging.basicConfig(format="%(message)s")
        parent = os.getpid()
        def work():
            if os.getpid() != parent:
                raise MemoryError("no room")
            return 42
        forks = forked.can_fork()
        with forked.Beside(work) as job:
            print(job.result(), forks, flush=True)
    """).splitlines() in (["42 False"], ["42 True", "the forked child failed (MemoryError: no room); working it out here"])


def test_a_child_whose_result_is_never_taken_is_stopped_at_once() -> None:
    assert fresh("""
        import signal, time
        from bot.core import forked
        began = time.monotonic()
        try:
            with forked.Beside(time.sleep, 60) as job:
                child = job.process
                raise ValueError("the caller failed")
        except ValueError:
            print(child is None or child.exitcode == -signal.SIGTERM, time.monotonic() - began < 10)
    """) == "True True"


def test_a_child_that_takes_too_long_is_stopped_and_the_work_done_here() -> None:
    out = fresh("""
        import logging, os, time
        from bot.core import forked
        logging.basicConfig(format="%(message)s")
        forked.PATIENCE = 0.5
        parent = os.getpid()
        def work():
            if os.getpid() != parent:
                time.sleep(60)
            return 42
        began = time.monotonic()
        with forked.Beside(work) as job:
            print(job.result(), forked.can_fork(), time.monotonic() - began < 10, flush=True)
    """).splitlines()
    assert out in (["42 False True"], ["42 True True", "the forked child gave no result (TimeoutError); working it out here"])


def test_no_fork_while_another_thread_runs() -> None:
    release = threading.Event()
    other = threading.Thread(target=release.wait)
    other.start()
    try:
        with forked.Beside(lambda: 7) as job:
            assert not forked.can_fork() and job.process is None and job.result() == 7
    finally:
        release.set()
        other.join()


def test_a_long_story_built_beside_its_characters_is_the_same_index() -> None:
    """Chapters and scenes worked out in a forked child (a long story, a core to spare) give
    the very index one process gives."""
    assert fresh("""
        import pickle
        from bot.core import forked, index, loader
        text = "".join(f"CHAPTER {n}\\n\\nAnna Lee met Tom Hale at the bar. “Hello,” said Tom. Anna Lee laughed.\\n\\n"
                       "***\\n\\nThe next morning Tom Hale left for the city. Anna stayed, and wrote to him.\\n\\n"
                       for n in range(1, 9))
        story = loader.from_text(text, "t")
        made = []
        class Spy(forked.Beside):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                made.append(self.process is not None)
        forked.Beside = Spy
        alone = index.build(story)
        index.FORK_FROM = 0
        beside = index.build(story)
        print(made == [False, forked.can_fork()], pickle.dumps(beside) == pickle.dumps(alone),
              len(alone.chapters), len(alone.scenes))
    """) == "True True 8 16"
    if len(os.sched_getaffinity(0)) > 1:  # where a fork can be made, this test makes one
        assert fresh("from bot.core import forked; print(forked.can_fork())") == "True"
