"""The stories the bot knows: every file in seeds/ plus those config.yaml names."""
from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz import process, utils

from bot.config import Settings, StorySetting
from bot.core import index as index_mod
from bot.core import horizon, loader, ranker, readers, search
from bot.errors import StoryError, StoryNotFoundError


log = logging.getLogger(__name__)
NAME_MAX = 100
Progress = Callable[[str], None]  # told how adding a story goes, a line at a time


@dataclass(frozen=True)
class Entry:
    name: str
    path: Path


def added_dir(settings: Settings, server: int | None = None) -> Path:
    """Where added stories are kept: ``stories/shared/`` for every server (`storykeeper add`,
    `/story share`), ``stories/<server id>/`` for one server's own (`/story add`)."""
    return settings.data_dir / "stories" / ("shared" if server is None else str(server))


def key(server: int | None, name: str) -> str:
    """The library's name for a story: a server's own story is ``<server id>/<name>``, so two
    servers may each add a story of the same name; readers see ``name`` alone (``shown``)."""
    return name if server is None else f"{server}/{name}"


def shown(story: str) -> str:
    """The name readers see for a library key."""
    return story.rpartition("/")[2]


def server_of(story: str) -> int | None:
    """The server a story belongs to (None: every server's)."""
    head, _, _ = story.rpartition("/")
    return int(head) if head.isdigit() else None


def _story_files(folder: Path) -> list[tuple[str, Path]]:
    if not folder.is_dir():
        return []
    return [(path.stem[:NAME_MAX].strip(), path) for path in sorted(folder.iterdir())
            if path.is_file() and path.suffix.lower() in readers.SUFFIXES]  # a name fits Discord's 100 characters


def entries(settings: Settings) -> dict[str, Entry]:
    """Story name -> file: seeds, then stories added for every server, then the config's own
    stories (which may override), then each server's own stories (keyed ``<server id>/<name>``)."""
    found: dict[str, Entry] = {}
    for folder in (settings.seeds_dir, added_dir(settings)):
        for name, path in _story_files(folder):
            found[name] = Entry(name, path)
    for name, story in settings.stories.items():
        if story.path is not None:
            found[name] = Entry(name, story.path)
    root = settings.data_dir / "stories"
    if root.is_dir():
        for folder in sorted(root.iterdir()):
            if folder.name.isdigit():
                for name, path in _story_files(folder):
                    found[key(int(folder.name), name)] = Entry(key(int(folder.name), name), path)
    return found


def visible(settings_entries: dict[str, Entry], server: int | None) -> dict[str, str]:
    """The stories a server sees: shown name -> library key (every server's, then its own)."""
    out = {name: name for name in settings_entries if server_of(name) is None}
    if server is not None:
        prefix = f"{server}/"
        out.update({shown(name): name for name in settings_entries if name.startswith(prefix)})
    return out


def resolve(settings: Settings, name_or_path: str | None) -> Entry:
    """A story by library name or file path; the default story when none is given."""
    library = entries(settings)
    if not name_or_path:
        if settings.default_story:
            name_or_path = settings.default_story
        elif len(library) >= 1:
            return next(iter(library.values()))
        else:
            raise StoryNotFoundError(
                f"no stories in {settings.seeds_dir}; put a .txt or .md story there or pass --story PATH"
            )
    if name_or_path in library:
        return library[name_or_path]
    path = Path(name_or_path)
    if path.exists() or path.suffix.lower() in readers.SUFFIXES or "/" in name_or_path:
        if path.is_dir():
            stories = [p for p in sorted(path.iterdir()) if p.suffix.lower() in readers.SUFFIXES]
            if not stories:
                raise StoryError(f"{path} is a folder with no .txt or .md stories in it; give a story file")
            raise StoryError(f"{path} is a folder; give one of its stories, e.g. --story {stories[0]}")
        return Entry(path.stem, path)
    match = process.extractOne(name_or_path, list(library), processor=utils.default_process, score_cutoff=60)
    hint = f"; did you mean {match[0]!r}?" if match else f"; known stories: {', '.join(library) or 'none'}"
    raise StoryNotFoundError(f"no story called {name_or_path!r}{hint}")


def add(settings: Settings, source: Path, name: str | None = None, server: int | None = None, *,
        replace: bool = False, limit: int | None = None, progress: Progress | None = None) -> Entry:
    """Add a story file to the library, kept under data_dir so it survives restarts: for every
    server (``server`` None) or as one server's own. It is read and indexed first, so a bad
    file is refused with one line and nothing is written. ``replace``: a new version of a story
    already there (`/story update`; readers keep their progress, which is by chapter)."""
    import shutil
    import tempfile

    if source.suffix.lower() not in readers.SUFFIXES:
        raise StoryError(f"{source.name} is not a story file; give a .txt, .md, .html or .epub file")
    name = safe_name(name or source.stem)
    story_key = key(server, name)
    library = entries(settings)
    folder = added_dir(settings, server)
    known = library.get(story_key)
    if server is not None and name in library:
        raise StoryError(f"every server already has a story called {name!r}; give this one another name")
    if known is not None and known.path.parent != folder:
        raise StoryError(f"a story called {name!r} is already in the library; give another with --name")
    if replace and known is None:
        raise StoryError(f"there is no added story called {name!r} to update; add it first")
    if known is not None and not replace and server is not None:
        raise StoryError(f"this server already has a story called {name!r}; `/story update` replaces it")
    if limit is not None and known is None and len(_story_files(folder)) >= limit:
        raise StoryError(f"this server has {limit} stories already, the most it may keep; remove one first")
    if progress:
        progress(f"Reading {source.name}…")
    story = readers.read(source, story_key, settings.max_story_mb)
    load(story, settings.story(story_key), settings.cache_dir, settings.answer_model, progress)  # indexed now
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
        with open(fd, "wb") as out, source.open("rb") as src:
            shutil.copyfileobj(src, out)
        target = folder / f"{name}{source.suffix.lower()}"
        Path(tmp).replace(target)
        for old in _story_files(folder):  # the same story in another format goes
            if old[0] == name and old[1] != target:
                old[1].unlink()
    except OSError as exc:
        raise StoryError(f"cannot keep the story in {folder} ({exc.strerror}); check data_dir") from exc
    return Entry(story_key, target)


def safe_name(name: str) -> str:
    """A story name that is also a file name: letters, digits, '.', '-' and '_'."""
    return re.sub(r"[^\w.-]+", "-", name.strip()).strip("-.")[:NAME_MAX] or "story"


def remove(settings: Settings, story: str) -> Entry:
    """Take an added story out of the library (a seed or a config story cannot be removed here)."""
    entry = entries(settings).get(story)
    if entry is None or entry.path.parent != added_dir(settings, server_of(story)):
        raise StoryError(f"{shown(story)!r} is not an added story; only stories added with /story add "
                         "or `storykeeper add` can be removed")
    try:
        entry.path.unlink()
    except OSError as exc:
        raise StoryError(f"cannot remove {entry.path.name} ({exc.strerror}); check data_dir") from exc
    return entry


def share(settings: Settings, story: str) -> Entry:
    """Move a server's own story to the stories every server sees."""
    entry = entries(settings).get(story)
    if entry is None or server_of(story) is None:
        raise StoryError(f"{shown(story)!r} is not one server's story; it may already be every server's")
    name = shown(story)
    if name in entries(settings):
        raise StoryError(f"every server already has a story called {name!r}; remove or rename one first")
    folder = added_dir(settings)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / entry.path.name
        entry.path.replace(target)
    except OSError as exc:
        raise StoryError(f"cannot move {entry.path.name} ({exc.strerror}); check data_dir") from exc
    return Entry(name, target)


def open_index(settings: Settings, name_or_path: str | None = None) -> index_mod.StoryIndex:
    """Load (from cache when possible) the index of a story in the library or at a path."""
    return open_story(settings, name_or_path)[0]


def load(story: loader.Story, setting: StorySetting, cache_dir: Path | None, model: bool = True,
         progress: Progress | None = None) -> tuple[index_mod.StoryIndex, search.Searcher]:
    """A story's index and searcher, built once and kept in one cache file per story (every
    reader's horizon is a view of them: nothing per horizon is ever written). With the answer
    model (bot/core/ranker.py), the passages' vectors are computed here and cached too."""
    encoder = ranker.load(model)
    search.warm()  # once a process: the lemmatiser's tables, which the index's scene titles use too

    def build() -> tuple[index_mod.StoryIndex, search.Searcher]:
        if progress:
            progress(f"Indexing {len(story.text.split()):,} words…")
        ix = index_mod.build(story, setting)
        return ix, searcher_for(ix, encoder, progress)

    def valid(obj: object) -> bool:
        return (isinstance(obj, tuple) and len(obj) == 2 and isinstance(obj[0], index_mod.StoryIndex)
                and obj[0].format == index_mod.FORMAT and obj[0].text == story.text and obj[0].end == story.end
                and isinstance(obj[1], search.Searcher) and getattr(obj[1], "format", None) == search.FORMAT
                and len(obj[1].passage_terms) == len(obj[0].passages)
                and (getattr(obj[1], "vectors", None) is not None) == (encoder is not None))

    key = index_mod.cache_key(story, setting) + (f"m{encoder.digest[:8]}" if encoder is not None else "")
    ix, searcher = index_mod.cached(cache_dir, story.name, key, "story", build, valid)
    ix.name, ix.path = story.name, story.path  # the same text may live elsewhere
    return ix, searcher.attach(ix, encoder)


def searcher_for(ix: index_mod.StoryIndex, encoder: ranker.Encoder | None,
                 told: Progress | None = None, weights: search.Weights = search.WEIGHTS) -> search.Searcher:
    """A searcher over ``ix``, with its passages' vectors when there is an answer model."""
    searcher = search.Searcher(ix, weights)
    if encoder is not None:
        started = time.perf_counter()

        def progress(done: int, total: int) -> None:
            if total > 2000:
                log.info("%s: passage vectors %d of %d", ix.name, done, total)
            if told:
                told(f"Reading for meaning: {done:,} of {total:,} passages…")

        searcher.vectors = ranker.passage_vectors(encoder, [ix.text[p.start : p.end] for p in ix.passages], progress)
        log.info("%s: %d passage vectors in %.1f s", ix.name, len(ix.passages), time.perf_counter() - started)
    return searcher.attach(ix, encoder)


def open_story(settings: Settings, name_or_path: str | None = None,
               upto_chapter: int | None = None) -> tuple[index_mod.StoryIndex, search.Searcher]:
    """A story's index and its searcher, each from the cache when possible.

    ``upto_chapter`` is a reader's spoiler horizon: the index and searcher are seen as if the
    story ended with that chapter (bot/core/horizon.py), a filter over the one index, so
    nothing after it (text, scenes, characters and names not met yet) is shown.
    """
    entry = resolve(settings, name_or_path)
    story = readers.read(entry.path, entry.name, settings.max_story_mb)
    ix, searcher = load(story, settings.story(entry.name), settings.cache_dir, settings.answer_model)
    if upto_chapter is None:
        return ix, searcher
    view = horizon.view(ix, upto_chapter)
    return view, searcher.at(view)
