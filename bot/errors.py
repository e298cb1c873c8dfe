"""One error family. Each message says what went wrong and what to do about it."""
from __future__ import annotations


class StorykeeperError(Exception):
    """Base class: a problem the user can fix. ``str(err)`` is a one-line message for them."""


class ConfigError(StorykeeperError):
    """config.yaml is malformed or has a bad key or value."""


class StoryError(StorykeeperError):
    """A story file cannot be read as a story (missing, empty, binary, too large, bad encoding)."""


class StoryNotFoundError(StoryError):
    """No story in the library matches the requested name or path."""
