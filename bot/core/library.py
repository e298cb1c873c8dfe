"""The stories the bot knows: every file in seeds/ plus those config.yaml names."""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz import process, utils

from bot.config import Settings, StorySetting
from bot.core import index as index_mod
from bot.core import horizon, loader, ranker, readers, search
from bot.errors import StoryError, StoryNotFoundError


log = logging.getLogger(__name__)
NAME_MAX = 100


@dataclass(frozen=True)
class Entry:
    name: str
    path: Path


def added_dir(settings: Settings) -> Path:
    """Where stories added with `storykeeper add` are kept (shared with every server)."""
    return settings.data_dir / "stories" / "shared"


def entries(settings: Settings) -> dict[str, Entry]:
    """Story name -> file: seeds, then stories added with `storykeeper add`, then the config's
    own stories (which may override)."""
    found: dict[str, Entry] = {}
    for folder in (settings.seeds_dir, added_dir(settings)):
        if folder.is_dir():
            for path in sorted(folder.iterdir()):
                if path.is_file() and path.suffix.lower() in readers.SUFFIXES:
                    name = path.stem[:NAME_MAX].strip()  # a name is typed and offered in Discord's 100 characters
                    found[name] = Entry(name, path)
    for name, story in settings.stories.items():
        if story.path is not None:
            found[name] = Entry(name, story.path)
    return found


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


def add(settings: Settings, source: Path, name: str | None = None) -> Entry:
    """Add a story file to the library (kept under data_dir, so it survives restarts): it is
    read first, so a bad file is refused with one line and nothing is written."""
    import re
    import shutil
    import tempfile

    if source.suffix.lower() not in readers.SUFFIXES:
        raise StoryError(f"{source} is not a story file; give a .txt, .md, .html or .epub file")
    story = readers.read(source, name, settings.max_story_mb)
    name = re.sub(r"[^\w.-]+", "-", (name or source.stem).strip()).strip("-.")[:NAME_MAX] or "story"
    known = entries(settings).get(name)
    if known is not None and known.path.parent != added_dir(settings):
        raise StoryError(f"a story called {name!r} is already in the library; give another with --name")
    folder = added_dir(settings)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.glob(f"{name}.*"):
            old.unlink()
        fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
        with open(fd, "wb") as out, source.open("rb") as src:
            shutil.copyfileobj(src, out)
        target = folder / f"{name}{source.suffix.lower() or '.txt'}"
        Path(tmp).replace(target)
    except OSError as exc:
        raise StoryError(f"cannot keep the story in {folder} ({exc.strerror}); check data_dir") from exc
    load(story, settings.story(name), settings.cache_dir, settings.answer_model)  # indexed now, not on first use
    return Entry(name, target)


def open_index(settings: Settings, name_or_path: str | None = None) -> index_mod.StoryIndex:
    """Load (from cache when possible) the index of a story in the library or at a path."""
    return open_story(settings, name_or_path)[0]


def load(story: loader.Story, setting: StorySetting, cache_dir: Path | None, model: bool = True
         ) -> tuple[index_mod.StoryIndex, search.Searcher]:
    """A story's index and searcher, built once and kept in one cache file per story (every
    reader's horizon is a view of them: nothing per horizon is ever written). With the answer
    model (bot/core/ranker.py), the passages' vectors are computed here and cached too."""
    encoder = ranker.load(model)

    def build() -> tuple[index_mod.StoryIndex, search.Searcher]:
        ix = index_mod.build(story, setting)
        return ix, searcher_for(ix, encoder)

    def valid(obj: object) -> bool:
        return (isinstance(obj, tuple) and len(obj) == 2 and isinstance(obj[0], index_mod.StoryIndex)
                and obj[0].format == index_mod.FORMAT and obj[0].text == story.text and obj[0].end == story.end
                and isinstance(obj[1], search.Searcher) and getattr(obj[1], "format", None) == search.FORMAT
                and len(obj[1].passage_terms) == len(obj[0].passages)
                and (getattr(obj[1], "vectors", None) is not None) == (encoder is not None))

    key = index_mod.cache_key(story, setting) + (f"m{encoder.digest[:8]}" if encoder is not None else "")
    ix, searcher = index_mod.cached(cache_dir, story.name, key, "story", build, valid)
    ix.name, ix.path = story.name, story.path  # the same text may live elsewhere
    search.warm()
    return ix, searcher.attach(ix, encoder)


def searcher_for(ix: index_mod.StoryIndex, encoder: ranker.Encoder | None) -> search.Searcher:
    """A searcher over ``ix``, with its passages' vectors when there is an answer model."""
    searcher = search.Searcher(ix)
    if encoder is not None:
        started = time.perf_counter()

        def progress(done: int, total: int) -> None:
            if total > 2000:
                log.info("%s: passage vectors %d of %d", ix.name, done, total)

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
