from __future__ import annotations

import os
from pathlib import Path

import pytest

from bot.core import index, loader

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).resolve().parent / "data"


def build_text(text: str, name: str = "t", **kw) -> index.StoryIndex:
    """Index an inline story."""
    return index.build(loader.from_text(text, name), **kw)


@pytest.fixture
def root() -> Path:
    return ROOT


STORE_TABLES = ("guild_settings", "channel_settings", "reading_progress", "game_scores", "daily_used",
                "storykeeper_schema")


@pytest.fixture
def postgres_url() -> str:
    """The PostgreSQL server CI starts (its URL in STORYKEEPER_TEST_DATABASE_URL), emptied. Without
    one a test that needs it is skipped, except under CI=true, where it fails."""
    url = os.environ.get("STORYKEEPER_TEST_DATABASE_URL")
    if not url:
        if os.environ.get("CI") == "true":  # CI starts one (.ci/run): a skip there would hide a failure
            pytest.fail("CI=true but STORYKEEPER_TEST_DATABASE_URL is not set: the PostgreSQL server did not start")
        pytest.skip("STORYKEEPER_TEST_DATABASE_URL is not set: no PostgreSQL server to test against")
    import psycopg

    with psycopg.connect(url, autocommit=True) as db:
        for table in STORE_TABLES:
            db.execute(f"DROP TABLE IF EXISTS {table}")
    return url
