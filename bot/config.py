"""config.yaml -> frozen, validated settings. One clear error for a bad key or value."""
from __future__ import annotations

import hashlib
import json
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.errors import ConfigError

GENDERS = ("male", "female", "unknown")


@dataclass(frozen=True)
class CharacterSetting:
    """A character the config adds or corrects: canonical name, extra aliases, gender."""

    name: str
    aliases: tuple[str, ...] = ()
    gender: str | None = None


@dataclass(frozen=True)
class StorySetting:
    """Per-story settings: where the file is, and character corrections."""

    name: str
    path: Path | None = None
    characters: tuple[CharacterSetting, ...] = ()
    ignore: tuple[str, ...] = ()

    def fingerprint(self) -> str:
        """A stable digest of everything here that changes how the index is built."""
        data = {
            "characters": [[c.name, list(c.aliases), c.gender] for c in self.characters],
            "ignore": list(self.ignore),
        }
        return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:16]


@dataclass(frozen=True)
class DiscordSetting:
    """How the bot behaves on Discord (and in the console)."""

    prefix: str = "!"
    message_content: bool = False
    test_guild: int | None = None
    cooldown_rate: int = 5
    cooldown_seconds: float = 30.0
    max_question_chars: int = 300
    view_timeout: float = 300.0
    game_seconds: float = 20.0  # how long each round of a game is open
    search_processes: int = 1  # worker processes for questions, scenes and summaries (0: threads)


@dataclass(frozen=True)
class Settings:
    """Everything config.yaml can set. Paths are resolved against the config file's folder."""

    root: Path
    seeds_dir: Path
    cache_dir: Path
    default_story: str | None = None
    stories: dict[str, StorySetting] = field(default_factory=dict)
    max_story_mb: float = 50.0
    data_dir: Path = Path("data")
    discord: DiscordSetting = field(default_factory=DiscordSetting)
    answer_model: bool = True  # answers.model: rank with the shipped answer model when it loads
    database_url: str | None = None  # a PostgreSQL server for settings, progress and scores (else SQLite)

    def store_at(self) -> "Path | str":
        """Where the settings store lives: ``database_url``, else ``data_dir/settings.db``."""
        return self.database_url or self.data_dir / "settings.db"

    def story(self, name: str) -> StorySetting:
        """The settings for story ``name`` (empty settings when the config names none)."""
        return self.stories.get(name) or StorySetting(name=name)


TOP_KEYS = {"default_story", "seeds_dir", "cache_dir", "stories", "max_story_mb", "discord", "data_dir", "answers",
            "database_url"}
ANSWER_KEYS = {"model"}
DISCORD_KEYS = {"prefix", "message_content", "test_guild", "cooldown_rate", "cooldown_seconds",
                "max_question_chars", "view_timeout", "game_seconds", "search_processes"}
STORY_KEYS = {"path", "characters", "ignore"}
CHARACTER_KEYS = {"aliases", "gender"}


def _check_keys(where: str, data: dict[str, Any], allowed: set[str]) -> None:
    for key in data:
        if key not in allowed:
            raise ConfigError(
                f"config: unknown key {key!r} in {where}; allowed keys are {', '.join(sorted(allowed))}"
            )


def _str_list(where: str, value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ConfigError(f"config: {where} must be a list of non-empty strings")
    return tuple(v.strip() for v in value)


def _parse_characters(story: str, value: Any) -> tuple[CharacterSetting, ...]:
    if value is None:
        return ()
    if not isinstance(value, dict):
        raise ConfigError(
            f"config: stories.{story}.characters must map each character's name to its settings"
        )
    result = []
    for name, spec in value.items():
        where = f"stories.{story}.characters.{name}"
        if not isinstance(name, str) or not name.strip():
            raise ConfigError(f"config: a character name in stories.{story}.characters is empty")
        spec = spec or {}
        if not isinstance(spec, dict):
            raise ConfigError(f"config: {where} must be a mapping with 'aliases' and/or 'gender'")
        _check_keys(where, spec, CHARACTER_KEYS)
        gender = spec.get("gender")
        if gender is not None and gender not in GENDERS:
            raise ConfigError(f"config: {where}.gender must be one of {', '.join(GENDERS)}")
        aliases = _str_list(f"{where}.aliases", spec.get("aliases"))
        result.append(CharacterSetting(name=name.strip(), aliases=aliases, gender=gender))
    return tuple(result)


def _parse_discord(value: Any) -> DiscordSetting:
    if value is None:
        return DiscordSetting()
    if not isinstance(value, dict):
        raise ConfigError("config: 'discord' must be a mapping of its settings")
    _check_keys("discord", value, DISCORD_KEYS)
    d = DiscordSetting()
    prefix = value.get("prefix", d.prefix)
    if not isinstance(prefix, str) or not prefix.strip() or len(prefix) > 5 or " " in prefix:
        raise ConfigError("config: discord.prefix must be 1 to 5 characters with no spaces, like '!'")
    content = value.get("message_content", d.message_content)
    if not isinstance(content, bool):
        raise ConfigError("config: discord.message_content must be true or false")
    guild = value.get("test_guild", d.test_guild)
    if guild is not None and (isinstance(guild, bool) or not isinstance(guild, int) or guild <= 0):
        raise ConfigError("config: discord.test_guild must be a server id (a number) or left out")
    numbers = {}
    for key, kind, low in (("cooldown_rate", int, 1), ("cooldown_seconds", (int, float), 0),
                           ("max_question_chars", int, 20), ("view_timeout", (int, float), 10),
                           ("game_seconds", (int, float), 10), ("search_processes", int, 0)):
        v = value.get(key, getattr(d, key))
        if isinstance(v, bool) or not isinstance(v, kind) or v < low:
            raise ConfigError(f"config: discord.{key} must be a number of at least {low}")
        numbers[key] = v
    return DiscordSetting(prefix=prefix, message_content=content, test_guild=guild, **numbers)


def _folder(data: dict[str, Any], key: str, default: str) -> str:
    value = data.get(key)
    if value is None:
        return default
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"config: {key} must be a folder path (text), like {key}: {default}")
    return value


def from_dict(data: dict[str, Any], root: Path) -> Settings:
    """Validate a parsed config mapping; raise ConfigError naming the first bad key."""
    if not isinstance(data, dict):
        raise ConfigError("config: the file must be a YAML mapping of keys to values")
    _check_keys("the top level", data, TOP_KEYS)
    stories: dict[str, StorySetting] = {}
    raw_stories = data.get("stories") or {}
    if not isinstance(raw_stories, dict):
        raise ConfigError("config: 'stories' must map story names to their settings")
    for name, spec in raw_stories.items():
        if not isinstance(name, str) or not name.strip() or len(name) > 100:
            raise ConfigError(f"config: the story name {name!r} under 'stories' must be text of 1 to 100 characters")
        spec = spec or {}
        if not isinstance(spec, dict):
            raise ConfigError(f"config: stories.{name} must be a mapping")
        _check_keys(f"stories.{name}", spec, STORY_KEYS)
        path = spec.get("path")
        if path is not None and not isinstance(path, str):
            raise ConfigError(f"config: stories.{name}.path must be a file path")
        stories[str(name)] = StorySetting(
            name=str(name),
            path=(root / path) if path else None,
            characters=_parse_characters(str(name), spec.get("characters")),
            ignore=_str_list(f"stories.{name}.ignore", spec.get("ignore")),
        )
    max_mb = data.get("max_story_mb", 50)
    if isinstance(max_mb, bool) or not isinstance(max_mb, (int, float)) or max_mb <= 0:
        raise ConfigError("config: max_story_mb must be a positive number")
    default = data.get("default_story")
    if default is not None and not isinstance(default, str):
        raise ConfigError("config: default_story must be a story name")
    answers = data.get("answers") or {}
    if not isinstance(answers, dict):
        raise ConfigError("config: 'answers' must be a mapping, like answers: {model: true}")
    _check_keys("answers", answers, ANSWER_KEYS)
    model = answers.get("model", True)
    if not isinstance(model, bool):
        raise ConfigError("config: answers.model must be true or false")
    database_url = data.get("database_url") or os.environ.get("DATABASE_URL") or None
    if database_url is not None and (not isinstance(database_url, str)
                                     or not database_url.startswith(("postgresql://", "postgres://"))):
        raise ConfigError("config: database_url must be a PostgreSQL URL, like postgresql://user@host/db "
                          "(or leave it out for the SQLite file in data_dir)")
    return Settings(
        root=root,
        answer_model=model,
        database_url=database_url,
        seeds_dir=root / _folder(data, "seeds_dir", "seeds"),
        cache_dir=root / _folder(data, "cache_dir", ".cache/storykeeper"),
        data_dir=root / _folder(data, "data_dir", "data"),
        default_story=default,
        stories=stories,
        max_story_mb=float(max_mb),
        discord=_parse_discord(data.get("discord")),
    )


class DuplicateKeyError(yaml.YAMLError):
    """A mapping in the YAML file has the same key twice (YAML itself would keep the last)."""


class _UniqueKeyLoader(yaml.SafeLoader):
    """PyYAML's safe loader, refusing a key given twice in one mapping."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:
        seen: set = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            if isinstance(key, (str, int, float, bool)) or key is None:
                if key in seen:
                    raise DuplicateKeyError(f"has the key {key!r} twice (line {key_node.start_mark.line + 1})")
                seen.add(key)
        return super().construct_mapping(node, deep=deep)


PROJECT_CONFIG = Path(__file__).resolve().parents[1] / "config.yaml"


def load(path: Path | None = None) -> Settings:
    """Read config.yaml (``path``, or the one in the working directory, else the project's own
    beside the package, so `storykeeper ask` works from any folder; none means defaults)."""
    if path is None:
        path = Path("config.yaml")
        if not path.exists():
            path = PROJECT_CONFIG
            if not path.exists():  # an installed package, away from its project
                return from_dict({}, Path.cwd())
            # Its seeds, cache and data (the per-server store) are then the project's.
            logging.getLogger(__name__).info("no config.yaml here: using %s", path)
    elif not path.exists():
        raise ConfigError(f"config: {path} does not exist; pass an existing file with --config")
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_UniqueKeyLoader) or {}
    except DuplicateKeyError as exc:
        raise ConfigError(f"config: {path} {exc}; keep one of them") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        raise ConfigError(f"config: {path} is not valid YAML{where}; fix the syntax there") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"config: cannot read {path} ({exc}); check the file") from exc
    return from_dict(data, path.resolve().parent)
