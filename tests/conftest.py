from __future__ import annotations

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
