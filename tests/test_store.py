"""The settings database: lasting, versioned, honest about damage, and safe against a kill."""
from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.chat.store import SCHEMA_VERSION, Store, StoreError


def test_settings_survive_reopening(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.db")
    store.set_guild(1, "story", "always-you")
    store.set_channel(10, "ceiling:always-you", "2")
    store.set_progress(1, 100, "always-you", 3)
    store.close()
    again = Store(tmp_path / "s.db")
    assert again.guild(1, "story") == "always-you"
    assert again.channel(10, "ceiling:always-you") == "2"
    assert again.progress(1, 100, "always-you") == 3
    assert again._db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_horizon_is_the_lowest_limit_that_applies(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.db")
    assert store.horizon(1, 10, 100, "s") is None  # no progress set: the whole story
    store.set_guild(1, "default_progress:s", "4")
    assert store.horizon(1, 10, 100, "s") == 4
    store.set_progress(1, 100, "s", 6)
    assert store.horizon(1, 10, 100, "s") == 6
    store.set_guild(1, "ceiling:s", "5")
    assert store.horizon(1, 10, 100, "s") == 5
    store.set_channel(10, "ceiling:s", "2")
    assert store.horizon(1, 10, 100, "s") == 2 and store.horizon(1, 11, 100, "s") == 5
    assert store.horizon(1, 10, 100, "other story") is None


def test_damaged_and_newer_databases_get_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError, match="damaged"):
        Store(bad)
    newer = tmp_path / "newer.db"
    db = sqlite3.connect(newer)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    db.close()
    with pytest.raises(StoreError, match="newer Storykeeper"):
        Store(newer)


WRITER = """
import sys
from pathlib import Path
from bot.chat.store import Store
store = Store(Path(sys.argv[1]))
i = 0
while True:
    store.set_progress(1, i, "story", i % 50 + 1)
    print(i, flush=True)
    i += 1
"""


def test_a_killed_process_loses_no_committed_setting(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    proc = subprocess.Popen([sys.executable, "-c", WRITER, str(path)], stdout=subprocess.PIPE, text=True)
    committed = -1
    deadline = time.monotonic() + 30
    while committed < 200 and time.monotonic() < deadline:
        committed = int(proc.stdout.readline())
    proc.send_signal(signal.SIGKILL)  # mid-write: it never stops writing on its own
    proc.wait(timeout=10)
    store = Store(path)
    for i in range(committed + 1):  # every write that returned before the kill is there
        assert store.progress(1, i, "story") == i % 50 + 1


def test_a_channels_horizon_is_its_ceiling_else_the_servers_else_the_default_else_chapter_one(tmp_path) -> None:
    store = Store(tmp_path / "settings.db")
    assert store.channel_horizon(1, 10, "war") == 1
    store.set_guild(1, "default_progress:war", "7")
    assert store.channel_horizon(1, 10, "war") == 7
    store.set_guild(1, "ceiling:war", "12")
    assert store.channel_horizon(1, 10, "war") == 12
    store.set_channel(10, "ceiling:war", "3")
    assert store.channel_horizon(1, 10, "war") == 3 and store.channel_horizon(1, 11, "war") == 12


def test_game_scores_add_up_by_month_and_rank_best_first(tmp_path) -> None:
    store = Store(tmp_path / "settings.db")
    store.add_scores(1, "war", "2026-11", {5: 2, 6: 0})
    store.add_scores(1, "war", "2026-12", {5: 1, 6: 4})
    store.add_scores(2, "war", "2026-12", {7: 9})  # another server
    assert store.scores(1, "war") == [(6, 4, 2), (5, 3, 2)]
    assert store.scores(1, "war", "2026-11") == [(5, 2, 1), (6, 0, 1)]
