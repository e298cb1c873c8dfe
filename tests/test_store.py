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



@pytest.fixture(params=["sqlite", "postgres"])
def place(request, tmp_path):
    """Where a store lives: an SQLite file, or the PostgreSQL server CI starts (conftest's
    postgres_url: skipped without one, except under CI=true)."""
    if request.param == "sqlite":
        return tmp_path / "s.db"
    return request.getfixturevalue("postgres_url")


def test_settings_survive_reopening(place) -> None:
    store = Store(place)
    store.set_guild(1, "story", "always-you")
    store.set_channel(10, "ceiling:always-you", "2")
    store.set_progress(1, 100, "always-you", 3)
    store.close()
    again = Store(place)
    assert again.guild(1, "story") == "always-you"
    assert again.channel(10, "ceiling:always-you") == "2"
    assert again.progress(1, 100, "always-you") == 3
    assert again.postgres or again._db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    again.set_guild(1, "story", None)
    assert again.guild(1, "story") is None


def test_horizon_is_the_lowest_limit_that_applies(place) -> None:
    store = Store(place)
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
store = Store(sys.argv[1] if "://" in sys.argv[1] else Path(sys.argv[1]))
i = 0
while True:
    store.set_progress(1, i, "story", i % 50 + 1)
    print(i, flush=True)
    i += 1
"""


def test_a_killed_process_loses_no_committed_setting(place) -> None:
    path = place
    Store(place).close()  # the schema exists before the writer starts
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


def test_a_channels_horizon_is_its_ceiling_else_the_servers_else_the_default_else_chapter_one(place) -> None:
    store = Store(place)
    assert store.channel_horizon(1, 10, "war") == 1
    store.set_guild(1, "default_progress:war", "7")
    assert store.channel_horizon(1, 10, "war") == 7
    store.set_guild(1, "ceiling:war", "12")
    assert store.channel_horizon(1, 10, "war") == 12
    store.set_channel(10, "ceiling:war", "3")
    assert store.channel_horizon(1, 10, "war") == 3 and store.channel_horizon(1, 11, "war") == 12


def test_game_scores_add_up_by_month_and_rank_best_first(place) -> None:
    store = Store(place)
    store.add_scores(1, "war", "2026-11", {5: 2, 6: 0})
    store.add_scores(1, "war", "2026-12", {5: 1, 6: 4})
    store.add_scores(2, "war", "2026-12", {7: 9})  # another server
    assert store.scores(1, "war") == [(6, 4, 2), (5, 3, 2)]
    assert store.scores(1, "war", "2026-11") == [(5, 2, 1), (6, 0, 1)]


def test_the_daily_quotes_state_and_snowflake_sized_ids(place) -> None:
    store = Store(place)
    guild = 1456074443980800015  # a real server id needs 64 bits
    store.set_guild(guild, "daily:channel", "10")
    store.daily_posted(guild, "war", 120, "2026-12-02", fresh=False)
    store.daily_posted(guild, "war", 120, "2026-12-03", fresh=False)  # the same line twice is one row
    store.daily_posted(guild, "war", 300, "2026-12-04", fresh=False)
    assert store.daily_servers() == [guild] and store.daily_used(guild, "war") == {120, 300}
    assert store.guild(guild, "daily:last") == "2026-12-04"
    store.daily_posted(guild, "war", 77, "2026-12-05", fresh=True)  # all used: a new round
    assert store.daily_used(guild, "war") == {77}


def test_two_stores_on_one_database_see_each_others_changes(place) -> None:
    one, two = Store(place), Store(place)
    one.set_guild(1, "prefix", "?")
    assert two.guild(1, "prefix") == "?"
    two.set_progress(1, 5, "war", 9)
    assert one.progress(1, 5, "war") == 9


def test_two_processes_adding_to_one_setting_at_once_lose_nothing(place) -> None:
    """Each of two stores (as two bot processes would have) adds 25 channels to one server's
    list at the same time: the read and the write are one transaction, so all 50 are kept."""
    import threading

    Store(place).close()

    def add(store: Store, first: int) -> None:
        for n in range(first, first + 25):
            store.update_guild(1, "channels", lambda value, n=n: ",".join([*(value or "").split(","), str(n)]).strip(","))

    stores = [Store(place), Store(place)]
    threads = [threading.Thread(target=add, args=(s, first)) for s, first in zip(stores, (0, 100))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    kept = set(stores[0].guild(1, "channels").split(","))
    assert kept == {str(n) for n in [*range(25), *range(100, 125)]}


def test_a_days_quote_is_claimed_once_whoever_asks(place) -> None:
    one, two = Store(place), Store(place)
    assert one.claim_day(1, "2026-12-02") is True
    assert two.claim_day(1, "2026-12-02") is False and one.claim_day(1, "2026-12-02") is False
    assert two.claim_day(1, "2026-12-03") is True


def test_a_lost_postgres_connection_is_one_clear_error_then_connects_again(postgres_url) -> None:
    """The server drops the bot's connection (a restart, a failover): the change in hand fails
    with StoreUnavailable, nothing acknowledged is lost, and the next use connects again."""
    import psycopg

    from bot.chat.store import StoreUnavailable

    store = Store(postgres_url)
    store.set_guild(1, "prefix", "?")
    with psycopg.connect(postgres_url, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                      "WHERE pid <> pg_backend_pid() AND datname = current_database()")
    with pytest.raises(StoreUnavailable, match="lost the connection"):
        store.set_guild(1, "story", "always-you")
    assert store.guild(1, "prefix") == "?"  # connected again; the acknowledged change is there
    store.set_guild(1, "story", "always-you")
    assert store.guild(1, "story") == "always-you"
