"""Settings that last: per-server, per-channel and per-reader, in SQLite (WAL, versioned schema).

Every write is one transaction, so a killed process loses nothing that was committed. A damaged
database or one written by a newer Storykeeper gets a clear StoreError, never silent loss.
The methods are blocking; the bot calls them through asyncio.to_thread.
"""
from __future__ import annotations

import logging
import sqlite3
import threading
from contextlib import contextmanager
from pathlib import Path

from bot.errors import StorykeeperError

SCHEMA_VERSION = 3
MIGRATIONS: dict[int, list[str]] = {
    # version -> statements that bring the schema from version - 1 to it
    1: [
        """CREATE TABLE guild_settings (
               guild_id BIGINT NOT NULL, key TEXT NOT NULL, value TEXT,
               PRIMARY KEY (guild_id, key))""",
        """CREATE TABLE channel_settings (
               channel_id BIGINT NOT NULL, key TEXT NOT NULL, value TEXT,
               PRIMARY KEY (channel_id, key))""",
        """CREATE TABLE reading_progress (
               guild_id BIGINT NOT NULL, user_id BIGINT NOT NULL, story TEXT NOT NULL, chapter INTEGER NOT NULL,
               PRIMARY KEY (guild_id, user_id, story))""",
    ],
    2: [
        """CREATE TABLE game_scores (
               guild_id BIGINT NOT NULL, story TEXT NOT NULL, user_id BIGINT NOT NULL, month TEXT NOT NULL,
               points INTEGER NOT NULL, games INTEGER NOT NULL DEFAULT 0,
               PRIMARY KEY (guild_id, story, user_id, month))""",
    ],
    3: [
        """CREATE TABLE daily_used (
               guild_id BIGINT NOT NULL, story TEXT NOT NULL, line_start BIGINT NOT NULL,
               PRIMARY KEY (guild_id, story, line_start))""",
    ],
}

log = logging.getLogger(__name__)


class StoreError(StorykeeperError):
    """The settings database cannot be used as it is."""


class StoreUnavailable(StoreError):
    """The PostgreSQL server could not be reached just now (its connection was lost, or it does
    not answer): what was being changed was not committed; the next use connects again."""


class Store:
    """One SQLite file of settings. Safe to use from several threads (one connection, a lock)."""

    def __init__(self, path: Path | str):
        """``path``: an SQLite file, or a ``postgresql://`` URL (a server several processes share)."""
        self.path = path
        self.postgres = isinstance(path, str) and path.startswith(("postgresql://", "postgres://"))
        self._lock = threading.Lock()
        if self.postgres:
            self._open_postgres(str(path))
        else:
            self._open_sqlite(Path(path))
        self._migrate()

    def _open_sqlite(self, path: Path) -> None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None, timeout=10)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=FULL")
            check = self._db.execute("PRAGMA quick_check").fetchone()[0]
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"the settings database {path} is damaged ({exc}); move it aside and restart, "
                             "or restore it from a backup") from exc
        except OSError as exc:
            raise StoreError(f"cannot open the settings database {path} ({exc.strerror}); check data_dir") from exc
        if check != "ok":
            raise StoreError(f"the settings database {path} is damaged ({check}); move it aside and restart")

    def _open_postgres(self, url: str) -> None:
        import psycopg

        try:
            self._db = psycopg.connect(url, autocommit=True, connect_timeout=10)
        except psycopg.Error as exc:
            where = url.split("@")[-1]  # never the password
            raise StoreError(f"cannot reach the PostgreSQL server at {where} ({type(exc).__name__}); "
                             "check database_url and that the server is running") from exc
        self._db.execute("CREATE TABLE IF NOT EXISTS storykeeper_schema (version INTEGER NOT NULL)")

    def _sql(self, sql: str) -> str:
        return sql.replace("?", "%s") if self.postgres else sql

    def _version(self) -> int:
        if self.postgres:
            row = self._db.execute("SELECT version FROM storykeeper_schema").fetchone()
            return row[0] if row else 0
        return self._db.execute("PRAGMA user_version").fetchone()[0]

    @contextmanager
    def _transaction(self):
        """One transaction, under the lock: ``execute(sql, args)`` inside it; all or nothing.
        PostgreSQL serialises it against other processes' with a transaction-level lock."""
        with self._lock:
            if self.postgres:
                with self._server() as db, db.transaction():
                    db.execute("SELECT pg_advisory_xact_lock(7355608)")
                    yield lambda sql, args=(): db.execute(self._sql(sql), args)
                return
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield lambda sql, args=(): self._db.execute(sql, args)
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise

    @contextmanager
    def _server(self):
        """The PostgreSQL connection, opened again when it was lost. Losing it now raises
        StoreUnavailable (the transaction in hand is not committed, so nothing acknowledged is
        lost) and leaves it closed, for the next use to connect again."""
        import psycopg

        if self._db.closed or self._db.broken:
            try:
                self._open_postgres(str(self.path))
            except StoreError as exc:
                raise StoreUnavailable(str(exc)) from exc
            log.info("connected again to the PostgreSQL server at %s", self._where())
        try:
            yield self._db
        except (psycopg.OperationalError, psycopg.InterfaceError) as exc:
            self._db.close()
            log.warning("lost the PostgreSQL server at %s (%s); connecting again at the next use",
                        self._where(), type(exc).__name__)
            raise StoreUnavailable(f"lost the connection to the PostgreSQL server at {self._where()}") from exc

    def _migrate(self) -> None:
        version = self._version()
        if version > SCHEMA_VERSION:
            raise StoreError(f"the settings database {self._where()} was written by a newer Storykeeper "
                             f"(schema {version}, this one knows {SCHEMA_VERSION}); upgrade Storykeeper")
        for target in range(version + 1, SCHEMA_VERSION + 1):
            with self._transaction() as execute:
                if self.postgres and self._version() >= target:
                    continue  # another process migrated it meanwhile
                for statement in MIGRATIONS[target]:
                    execute(statement)
                if self.postgres:
                    execute("DELETE FROM storykeeper_schema")
                    execute("INSERT INTO storykeeper_schema (version) VALUES (?)", (target,))
                else:
                    execute(f"PRAGMA user_version = {target}")

    def _where(self) -> str:
        return str(self.path).split("@")[-1] if self.postgres else str(self.path)

    def close(self) -> None:
        self._db.close()

    def _write(self, sql: str, args: tuple) -> None:
        with self._transaction() as execute:
            execute(sql, args)

    def _read(self, sql: str, args: tuple) -> list[tuple]:
        with self._lock:
            if self.postgres:
                with self._server() as db:
                    return [tuple(r) for r in db.execute(self._sql(sql), args).fetchall()]
            return [tuple(r) for r in self._db.execute(sql, args).fetchall()]

    def ping(self) -> None:
        """Raise unless the database answers (the health check)."""
        self._read("SELECT 1", ())

    # -- servers and channels ---------------------------------------------------------------

    def set_guild(self, guild_id: int, key: str, value: str | None) -> None:
        if value is None:
            self._write("DELETE FROM guild_settings WHERE guild_id = ? AND key = ?", (guild_id, key))
        else:
            self._write("INSERT INTO guild_settings (guild_id, key, value) VALUES (?, ?, ?) "
                        "ON CONFLICT (guild_id, key) DO UPDATE SET value = excluded.value", (guild_id, key, value))

    def update_guild(self, guild_id: int, key: str, change) -> str | None:
        """Set a server's ``key`` to ``change(its current value)`` in one transaction, so two
        processes changing it at once (two channels' `/settings here`) both count."""
        with self._transaction() as execute:
            lock = " FOR UPDATE" if self.postgres else ""
            row = execute(f"SELECT value FROM guild_settings WHERE guild_id = ? AND key = ?{lock}",
                          (guild_id, key)).fetchone()
            value = change(row[0] if row else None)
            if value is None:
                execute("DELETE FROM guild_settings WHERE guild_id = ? AND key = ?", (guild_id, key))
            else:
                execute("INSERT INTO guild_settings (guild_id, key, value) VALUES (?, ?, ?) "
                        "ON CONFLICT (guild_id, key) DO UPDATE SET value = excluded.value", (guild_id, key, value))
            return value

    def guild(self, guild_id: int, key: str) -> str | None:
        rows = self._read("SELECT value FROM guild_settings WHERE guild_id = ? AND key = ?", (guild_id, key))
        return rows[0][0] if rows else None

    def guild_all(self, guild_id: int) -> dict[str, str]:
        return dict(self._read("SELECT key, value FROM guild_settings WHERE guild_id = ?", (guild_id,)))

    def set_channel(self, channel_id: int, key: str, value: str | None) -> None:
        if value is None:
            self._write("DELETE FROM channel_settings WHERE channel_id = ? AND key = ?", (channel_id, key))
        else:
            self._write("INSERT INTO channel_settings (channel_id, key, value) VALUES (?, ?, ?) "
                        "ON CONFLICT (channel_id, key) DO UPDATE SET value = excluded.value",
                        (channel_id, key, value))

    def channel(self, channel_id: int, key: str) -> str | None:
        rows = self._read("SELECT value FROM channel_settings WHERE channel_id = ? AND key = ?", (channel_id, key))
        return rows[0][0] if rows else None

    # -- readers ------------------------------------------------------------------------------

    def set_progress(self, guild_id: int, user_id: int, story: str, chapter: int | None) -> None:
        if chapter is None:
            self._write("DELETE FROM reading_progress WHERE guild_id = ? AND user_id = ? AND story = ?",
                        (guild_id, user_id, story))
        else:
            self._write("INSERT INTO reading_progress (guild_id, user_id, story, chapter) VALUES (?, ?, ?, ?) "
                        "ON CONFLICT (guild_id, user_id, story) DO UPDATE SET chapter = excluded.chapter",
                        (guild_id, user_id, story, chapter))

    def progress(self, guild_id: int, user_id: int, story: str) -> int | None:
        rows = self._read("SELECT chapter FROM reading_progress WHERE guild_id = ? AND user_id = ? AND story = ?",
                          (guild_id, user_id, story))
        return rows[0][0] if rows else None

    # -- the spoiler horizon ------------------------------------------------------------------

    def horizon(self, guild_id: int, channel_id: int, user_id: int, story: str) -> int | None:
        """The last chapter this reader may see here: the lowest of their progress (or the
        server's default for readers who set none), the server's ceiling and the channel's."""
        limits = []
        progress = self.progress(guild_id, user_id, story)
        if progress is None:
            default = self.guild(guild_id, f"default_progress:{story}")
            progress = int(default) if default else None
        for value in (progress, self.guild(guild_id, f"ceiling:{story}"), self.channel(channel_id, f"ceiling:{story}")):
            if value is not None:
                limits.append(int(value))
        return min(limits) if limits else None

    # -- games --------------------------------------------------------------------------------

    def add_scores(self, guild_id: int, story: str, month: str, points: dict[int, int]) -> None:
        """One finished game's points ("2026-12": the month, UTC), every player's in one transaction."""
        with self._transaction() as execute:
            for user_id, n in points.items():
                execute("INSERT INTO game_scores (guild_id, story, user_id, month, points, games) VALUES (?, ?, ?, ?, ?, 1) "
                        "ON CONFLICT (guild_id, story, user_id, month) DO UPDATE SET points = game_scores.points + "
                        "excluded.points, games = game_scores.games + 1", (guild_id, story, user_id, month, n))

    def scores(self, guild_id: int, story: str, month: str | None = None, top: int = 10) -> list[tuple[int, int, int]]:
        """(user id, points, games) best first, all time or in one month."""
        where, args = "guild_id = ? AND story = ?", [guild_id, story]
        if month:
            where += " AND month = ?"
            args.append(month)
        return [tuple(r) for r in self._read(
            f"SELECT user_id, CAST(SUM(points) AS BIGINT), CAST(SUM(games) AS BIGINT) FROM game_scores WHERE {where} GROUP BY user_id "
            "ORDER BY SUM(points) DESC, user_id LIMIT ?", (*args, top))]

    def channel_horizon(self, guild_id: int, channel_id: int, story: str) -> int:
        """The last chapter everyone in a channel may see, for what the bot posts there with no
        reader behind it (the daily quote): the channel's ceiling, else the server's, else the
        server's default progress, else the first chapter. (A game is started by a reader: its
        rounds come from their horizon, held by the ceilings, as an answer to them would.)"""
        for value in (self.channel(channel_id, f"ceiling:{story}"), self.guild(guild_id, f"ceiling:{story}"),
                      self.guild(guild_id, f"default_progress:{story}")):
            if value:
                return int(value)
        return 1

    # -- the quote of the day -----------------------------------------------------------------

    def daily_servers(self) -> list[int]:
        """The servers with a quote of the day."""
        return [r[0] for r in self._read("SELECT guild_id FROM guild_settings WHERE key = 'daily:channel'", ())]

    def daily_used(self, guild_id: int, story: str) -> set[int]:
        return {r[0] for r in self._read("SELECT line_start FROM daily_used WHERE guild_id = ? AND story = ?",
                                         (guild_id, story))}

    def claim_day(self, guild_id: int, day: str) -> bool:
        """Claim ``day``'s quote for a server: True for the one caller (of any process) that
        claims it first, False once it is claimed. One transaction (FOR UPDATE on PostgreSQL)."""
        claimed = []

        def change(last: str | None) -> str:
            claimed.append(last != day)
            return day

        self.update_guild(guild_id, "daily:last", change)
        return claimed[-1]

    def daily_posted(self, guild_id: int, story: str, line_start: int, day: str, fresh: bool) -> None:
        """Record a day's post in one transaction: the line (``fresh``: every good line had been
        used, so the round starts again with this one) and the day."""
        with self._transaction() as execute:
            if fresh:
                execute("DELETE FROM daily_used WHERE guild_id = ? AND story = ?", (guild_id, story))
            execute("INSERT INTO daily_used (guild_id, story, line_start) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                    (guild_id, story, line_start))
            execute("INSERT INTO guild_settings (guild_id, key, value) VALUES (?, 'daily:last', ?) "
                    "ON CONFLICT (guild_id, key) DO UPDATE SET value = excluded.value", (guild_id, day))
