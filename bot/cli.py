"""The storykeeper command line: the same core the bot uses, in a terminal."""
from __future__ import annotations

import argparse
import json
import random
import logging
import sys
from collections import Counter
from pathlib import Path

from bot import config
from bot.chat.cards import where
from bot.core import library
from bot.core.index import StoryIndex
from bot.core.text import count, listed
from bot.errors import StorykeeperError


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line and exit 2, as for every other bad input
        command = self.prog.split()[-1] + " " if " " in self.prog else ""
        self.exit(2, f"storykeeper: {message}; see 'storykeeper {command}--help'\n")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="storykeeper", description="A bot that knows a story by heart.")
    parser.add_argument("--config", type=Path, help="settings file (default: ./config.yaml, else the project's own)")
    parser.add_argument("-v", "--verbose", action="store_true", help="log what the index does")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    add = sub.add_parser("add", help="add a story file (.txt, .md, .html, .epub) to the library, for every server")
    add.add_argument("file", type=Path, help="the story file, e.g. an AO3 or FanFicFare download")
    add.add_argument("--name", help="the story's name in the library (default: the file's name); an added "
                     "story of that name is replaced by the new version, and its readers keep their progress")
    add.add_argument("--shared", action="store_true", help="for every server (the default here; /story add "
                     "on Discord adds a story for one server)")
    remove = sub.add_parser("remove", help="take a story added with `storykeeper add` out of the library")
    remove.add_argument("name", help="the story's name in the library")

    inspect = sub.add_parser("inspect", help="show what the index found in a story")
    inspect.add_argument("--story", help="a story name from the library, or a file path")
    inspect.add_argument("--json", action="store_true", help="print the whole index as one JSON object")

    ask = sub.add_parser("ask", help="answer a question with the quote that shows the answer")
    ask.add_argument("question", nargs="?", help="the question; without it, one question a line from standard input")
    ask.add_argument("--story", help="a story name from the library, or a file path")
    ask.add_argument("--top", type=_one_to_ten, default=3, help="how many answers (1-10, default 3)")
    ask.add_argument("--json", action="store_true", help="one JSON object a question")

    scene = sub.add_parser("scene", help="find scenes by keywords")
    scene.add_argument("keywords", nargs="+", help="words a reader remembers the scene by")
    scene.add_argument("--story", help="a story name from the library, or a file path")
    scene.add_argument("--top", type=_one_to_ten, default=3, help="how many scenes (1-10, default 3)")
    scene.add_argument("--json", action="store_true", help="print one JSON object")

    quote = sub.add_parser("quote", help="a random memorable line of dialogue")
    quote.add_argument("--character", help="whose line (any of their names; typos are fine)")
    quote.add_argument("--about", help="words the line or its scene should be about")
    quote.add_argument("--seed", type=int, help="the same seed gives the same quote")
    quote.add_argument("--story", help="a story name from the library, or a file path")
    quote.add_argument("--json", action="store_true", help="print one JSON object")

    game = sub.add_parser("game", help="deal a game's rounds, for checking them (the bot plays them on Discord)")
    game.add_argument("kind", choices=("who-said", "finish", "which-scene"))
    game.add_argument("--rounds", type=int, default=5, help="how many rounds (default 5)")
    game.add_argument("--seed", type=int, help="the same seed deals the same rounds")
    game.add_argument("--story", help="a story name from the library, or a file path")
    game.add_argument("--upto", type=int, metavar="CHAPTER", help="only lines up to this chapter")
    game.add_argument("--json", action="store_true", help="one JSON object a round")

    summary = sub.add_parser("summary", help="what happens in a scene, a chapter or the whole story")
    summary.add_argument("which", nargs="*", metavar="[scene|chapter|story] WHICH",
                         help="what to summarise: a scene's keywords, a chapter's number, "
                              "'book 6 chapter 13' or title (say scene or chapter first to choose)")
    summary.add_argument("--story", help="a story name from the library, or a file path")
    summary.add_argument("--json", action="store_true", help="print one JSON object")

    for name, text in (("timeline", "a picture of where characters appear"), ("relations", "a picture of who talks to whom")):
        picture = sub.add_parser(name, help=text)
        if name == "timeline":
            picture.add_argument("characters", nargs="*", help="names (default: the main characters)")
        picture.add_argument("--out", type=Path, default=Path(f"{name}.png"), help=f"PNG file (default: {name}.png)")
        picture.add_argument("--story", help="a story name from the library, or a file path")

    character = sub.add_parser("character", help="who a character is in this story")
    character.add_argument("name", nargs="+", help="any of their names (typos are fine)")
    character.add_argument("--story", help="a story name from the library, or a file path")
    for name, text in (("characters", "everyone in the story"), ("story", "title, author, length, chapters, scenes")):
        sub.add_parser(name, help=text).add_argument("--story", help="a story name from the library, or a file path")
    sub.choices["story"].add_argument("info", nargs="?", choices=["info"], help="(as the bot's /story info)")

    run = sub.add_parser("run", help="run the bot: on Discord with DISCORD_TOKEN, else a local console")
    run.add_argument("--story", help="a story name from the library, or a file path")
    run.add_argument("--console", action="store_true", help="the local console even when a token is set")
    run.add_argument("--health-port", type=int, metavar="P", help="serve /healthz and /metrics (Prometheus) on port P")
    run.add_argument("--shard-count", type=int, metavar="N", help="shards in all (several processes may share them)")
    run.add_argument("--shard-ids", metavar="0,1,...", help="the shards this process runs (with --shard-count)")
    run.add_argument("--log-format", choices=("text", "json"), default="text", help="json: one JSON object a line")

    sync = sub.add_parser("sync", help="register the slash commands with Discord (globally, or in one server)")
    sync.add_argument("--guild", type=int, help="a server id: sync there only, instantly")
    return parser


def _one_to_ten(value: str) -> int:
    """--top: a whole number from 1 to 10 (argparse says so in one line and exits 2 otherwise)."""
    try:
        n = int(value)
    except ValueError:
        n = 0
    if not 1 <= n <= 10:
        raise argparse.ArgumentTypeError(f"give a number from 1 to 10, not {value!r}")
    return n


def render_inspect(ix: StoryIndex) -> str:
    """A readable summary of an index, for a terminal."""
    out = []
    by = f" by {ix.author}" if ix.author else ""
    out.append(f"{ix.title}{by}")
    out.append(f"  {ix.path} · {count(ix.words, 'word')} · {count(len(ix.chapters), 'chapter')} · "
               f"{count(len(ix.scenes), 'scene')} · {count(len(ix.passages), 'passage')}")
    attributed = sum(1 for d in ix.dialogue if d.speaker)
    out.append(f"  {count(len(ix.dialogue), 'line of dialogue', 'lines of dialogue')}, {attributed} attributed to a speaker")
    out.append("")
    out.append("Characters (mentions, first appearance):")
    for c in ix.characters[:25]:
        aliases = [a for a in c.aliases if a != c.name]
        also = f"  aka {', '.join(aliases[:5])}" if aliases else ""
        first = f"offset {c.first}" if c.first is not None else "-"
        out.append(f"  {c.name:<28} {c.mentions:>5}  {first}{also}")
    if len(ix.characters) > 25:
        out.append(f"  … and {len(ix.characters) - 25} more (see --json)")
    speakers = Counter(d.speaker for d in ix.dialogue if d.speaker)
    if speakers:
        out.append("")
        out.append("Who speaks most: " + ", ".join(f"{n} ({k})" for n, k in speakers.most_common(6)))
    out.append("")
    out.append("Chapters and scenes:")
    scenes_by_chapter: dict[int, list] = {}
    for s in ix.scenes:
        scenes_by_chapter.setdefault(s.chapter, []).append(s)
    shown = 0
    for ch in ix.chapters:
        out.append(f"  {ch.id}. {ch.title}")
        for s in scenes_by_chapter.get(ch.id, []):
            people = ", ".join(s.characters[:4]) or "nobody named"
            out.append(f"       scene {s.id}: {s.title}  [{people}]")
        shown += 1
        if shown >= 40 and len(ix.chapters) > 45:
            out.append(f"  … and {len(ix.chapters) - shown} more chapters (see --json)")
            break
    return "\n".join(out)


MAX_QUESTION = 500


def _wrap(text: str, indent: str = "  ") -> str:
    import textwrap

    paragraphs = [" ".join(p.split()) for p in text.split("\n\n")]
    return "\n".join(textwrap.fill(p, width=88, initial_indent=indent, subsequent_indent=indent) for p in paragraphs if p)


def render_answer(ix: StoryIndex, result) -> str:
    """An answer as a person reads it in a terminal."""
    out = [f"Q: {result.question}"]
    never = f"  “{result.unheard}” never comes up in the story" if result.unheard else ""
    if not result.answers:
        out.append(never + "." if never else "  The story does not seem to say.")
    elif not result.confident:
        out.append(never + "; the closest passage:" if never else "  I'm not sure the story says. The closest passage:")
    for n, a in enumerate(result.answers, start=1):
        who = f" — {listed(a.said_by)}" if a.said_by else ""
        out.append("")
        out.append(_wrap(a.shown) + who)
        out.append(f"    ({where(ix, a.chapter, a.scene)}; characters {a.start}-{a.end})")
        if n == 1 and len(result.answers) > 1:
            out.append("")
            out.append("  Other places that may answer it:")
    if result.suggestions:
        out.append("")
        out.append("  Did you mean / see also: " + "; ".join(result.suggestions))
    return "\n".join(out)


def _check_question(question: str) -> str:
    question = question.strip()
    if not any(ch.isalnum() for ch in question):  # nothing, or only "?"
        raise StorykeeperError('ask needs a question, e.g. storykeeper ask "who is Marcel?"')
    if len(question) > MAX_QUESTION:
        raise StorykeeperError(f"that question is {len(question):,} characters; ask in under {MAX_QUESTION}")
    return question


def _ask(args: argparse.Namespace, settings: config.Settings) -> int:
    ix, searcher = library.open_story(settings, args.story)
    top = max(1, min(10, args.top))
    questions = [args.question] if args.question is not None else (line.rstrip("\n") for line in sys.stdin)
    status = 0
    for raw in questions:
        if args.question is None and not raw.strip():
            continue
        try:
            question = _check_question(raw)
        except StorykeeperError as exc:
            if args.question is not None:
                raise
            print(f"storykeeper: {exc}", file=sys.stderr)
            status = 2
            continue
        result = searcher.ask(question, top=top)
        if args.json:
            print(json.dumps(result.to_dict(), ensure_ascii=False), flush=True)
        else:
            print(render_answer(ix, result) + "\n", flush=True)
    return status


def _scene(args: argparse.Namespace, settings: config.Settings) -> int:
    from bot.core.search import numbered

    ix, searcher = library.open_story(settings, args.story)
    query = " ".join(args.keywords).strip()
    if not query or len(query) > MAX_QUESTION:
        raise StorykeeperError(f"give scene keywords of under {MAX_QUESTION} characters, e.g. storykeeper scene the bar")
    hits = searcher.scenes(query, top=max(1, min(10, args.top)))
    if args.json:
        print(json.dumps({"query": query, "scenes": [h.to_dict() for h in hits]}, ensure_ascii=False))
        return 0
    if not hits:
        if numbered(query) is not None:
            raise StorykeeperError(f"no scene {query!r}; give a number from 1 to {len(ix.scenes)}, "
                                   "or a place, a name or something that happens")
        print(f"No scene matches {query!r}. Try a place, a name or something that happens.")
        return 0
    if hits[0].by_meaning:
        print(f"No scene has the words {query!r}; the closest in meaning:\n")
    for h in hits:
        people = ", ".join(h.characters[:5]) or "nobody named"
        chapter = next((c.title for c in ix.chapters if c.id == h.chapter), "") if len(ix.chapters) > 1 else ""
        print(f"Scene {h.id}: {h.title}  [{people}]" + (f"  ({chapter})" if chapter else ""))
        print(_wrap(h.excerpt) + "\n")
    return 0


def _game(args: argparse.Namespace, settings: config.Settings) -> int:
    from bot.core import games

    if not 1 <= args.rounds <= 1000:
        raise StorykeeperError("--rounds must be 1 to 1000")
    ix, _ = library.open_story(settings, args.story, args.upto)
    rng = random.Random(args.seed)
    used: set[int] = set()
    for n in range(1, args.rounds + 1):
        r = games.draw(args.kind, ix, rng, used)
        if r is None:
            raise StorykeeperError(f"{ix.title!r} has too few lines for this game (a who-said line needs an explicit "
                                   "speech tag and two other people in the story)")
        used.add(r.start)
        if args.json:
            print(json.dumps(r.to_dict(), ensure_ascii=False))
        elif r.choices:
            print(f"{n}. “{r.prompt}”\n   " + "  ".join(f"[{ix.shown(c) or c}]" for c in r.choices)
                  + f"\n   answer: {ix.shown(r.answer) or r.answer} (chapter {r.chapter})")
        else:
            print(f"{n}. “{r.prompt}”\n   answer: {r.answer} (chapter {r.chapter})")
    return 0


def _quote(args: argparse.Namespace, settings: config.Settings) -> int:
    ix, searcher = library.open_story(settings, args.story)
    if args.character is not None:
        name, guesses = searcher.resolve_character(args.character)
        if name is None:
            hint = f"; did you mean {' or '.join(guesses)}?" if guesses else "; see storykeeper inspect for the characters"
            raise StorykeeperError(f"no character called {args.character!r}{hint}")
    q = searcher.quote(character=args.character, about=args.about, seed=args.seed)
    if q is None:
        raise StorykeeperError("no line of dialogue matches that; try another character or topic")
    if args.json:
        print(json.dumps(q.to_dict(), ensure_ascii=False))
    else:
        who = q.speaker or "someone"
        print(_wrap(f"“{q.quote}”") + f"\n    — {who} ({where(ix, q.chapter, q.scene)})")
    return 0


def _summary(args: argparse.Namespace, settings: config.Settings) -> int:
    from bot.core.summarise import Summariser, scene_number

    ix, searcher = library.open_story(settings, args.story)
    summariser = Summariser(ix)
    words = list(args.which)
    what = words.pop(0).lower() if words and words[0].lower() in ("scene", "chapter", "story") else ""
    which = " ".join(words)
    if len(which) > MAX_QUESTION:
        raise StorykeeperError(f"give a scene's words or a chapter in under {MAX_QUESTION} characters")
    found = summariser.find(searcher, what, which)
    if found is None:
        if scene_number(what, which) is not None:
            raise StorykeeperError(f"no scene {which!r}; give a number from 1 to {len(ix.scenes)}, "
                                   "or words a reader remembers it by")
        if what == "scene":
            raise StorykeeperError(f"no scene matches {which!r}; give words a reader remembers it by")
        if what == "chapter" or which.isdigit():
            raise StorykeeperError(f"no chapter {which!r}; there are {len(ix.chapters)}: give a number, "
                                   "'book 6 chapter 13' or a chapter's title")
        raise StorykeeperError(f"nothing matches {which!r}; give a scene's keywords, a chapter's number "
                               f"(1 to {len(ix.chapters)}), 'book 6 chapter 13' or a chapter's title")
    kind, number = found.kind, found.number
    if kind == "story":
        lines = summariser.outline()
        if args.json:
            print(json.dumps({"story": ix.title, "outline": [o.to_dict() for o in lines]}, ensure_ascii=False))
        else:
            print(f"{ix.title}: the story so far\n")
            for o in lines:
                who = f" ({', '.join(o.characters[:3])})" if o.characters else ""
                print(f"{o.id}. {o.title}{who}\n{_wrap(o.line, '    ')}")
        return 0
    summary = summariser.scene(number) if kind == "scene" else summariser.chapter(number)
    if args.json:
        print(json.dumps(summary.to_dict(), ensure_ascii=False))
    else:
        if found.by_meaning:
            print(f"No scene has the words {which!r}; the closest in meaning:\n")
        print(summary.title)
        if summary.characters:
            print("Who: " + ", ".join(summary.characters[:6]))
        if summary.places:
            print("Where: " + ", ".join(summary.places))
        print()
        print(_wrap(summary.text()))
    return 0


def _picture(args: argparse.Namespace, settings: config.Settings) -> int:
    """/timeline and /relations: the same pictures (and the same name fixing) as the bot's."""
    from bot.chat.replies import Replies
    from bot.core import pictures

    replies = Replies(*library.open_story(settings, args.story), settings.discord.max_question_chars)
    dropped: list[str] = []
    if args.command == "timeline":
        names, unplaced = replies.timeline_names(", ".join(args.characters))  # one name an argument
        dropped = [repr(part) + (f" (did you mean {' or '.join(g)}?)" if g else "") for part, g in unplaced]
        if dropped and not names:
            raise StorykeeperError(f"no character called {', '.join(dropped)}")
        picture = pictures.timeline(replies.ix, names or None)
        if beyond := names[len(picture.shows):]:
            dropped.append(", ".join(beyond) + f" (a picture shows {pictures.TIMELINE_MOST} at most; ask for them in another)")
    else:
        picture = pictures.relations(replies.ix)
    if not picture.shows:
        raise StorykeeperError(f"{replies.ix.title!r} has no characters to draw")
    try:
        args.out.write_bytes(picture.png)
    except OSError as exc:
        raise StorykeeperError(f"cannot write {args.out} ({exc.strerror}); choose another --out") from exc
    print(f"Wrote {args.out} ({picture.width}x{picture.height}): {', '.join(picture.shows)}")
    if dropped:
        print(f"Left out: {', '.join(dropped)}.")
    return 0


def _card(args: argparse.Namespace, settings: config.Settings) -> int:
    """/character, /characters and /story, as the console shows them."""
    from bot.chat.console import Console
    from bot.chat.replies import Replies

    ix, searcher = library.open_story(settings, args.story)
    replies = Replies(ix, searcher, settings.discord.max_question_chars)
    if args.command == "story":
        print(Console(replies)._show(*replies.story(hint=False)))
        return 0
    name = " ".join(getattr(args, "name", []))
    if args.command == "character" and not name.strip():
        raise StorykeeperError("give a character's name, e.g. storykeeper character Klaus")
    console = Console(replies)
    out = console.handle(f"/{args.command} {name}")
    if console.shown is not None and console.shown.error:
        print(out, file=sys.stderr)
        return 2
    print(out)
    return 0


def _token() -> str | None:
    """DISCORD_TOKEN from the environment, else from a .env file in the working directory."""
    import os

    from dotenv import dotenv_values

    token = os.environ.get("DISCORD_TOKEN") or dotenv_values(".env").get("DISCORD_TOKEN")
    return token.strip() if token and token.strip() else None


# Gateway close codes after which Discord will not take the bot back until something is fixed.
_CLOSED = {
    4004: "Discord no longer accepts the token in DISCORD_TOKEN (gateway code 4004: authentication failed; "
          "was it reset?); copy the new one from the Developer Portal (Bot -> Reset Token) and restart",
    4013: "Discord refused the bot's gateway intents (code 4013); update Storykeeper",
    4011: "Discord requires sharding for this many servers (code 4011); run with more shards",
}


RETRY_DELAYS = (2.0, 5.0, 15.0)  # seconds between tries to reach Discord when it cannot be reached


def _shards(args: argparse.Namespace) -> dict:
    """The sharding options for the bot: none, or shard_count (and the ids this process runs)."""
    if args.shard_ids and not args.shard_count:
        raise StorykeeperError("--shard-ids needs --shard-count (the number of shards in all)")
    if args.shard_count is None:
        return {}
    if args.shard_count < 1:
        raise StorykeeperError("--shard-count must be at least 1")
    try:
        ids = [int(x) for x in args.shard_ids.split(",")] if args.shard_ids else list(range(args.shard_count))
    except ValueError:
        raise StorykeeperError("--shard-ids is a list of numbers, like 0,1") from None
    if any(not 0 <= i < args.shard_count for i in ids) or len(set(ids)) != len(ids):
        raise StorykeeperError(f"--shard-ids must be different numbers from 0 to {args.shard_count - 1}")
    return {"shard_count": args.shard_count, "shard_ids": ids}


def _serve(settings: config.Settings, story: str | None, token: str, shards: dict | None = None,
           health_port: int | None = None) -> int:
    import asyncio
    import signal

    import discord

    from bot.chat.discord_bot import ShardedStoryBot, StoryBot

    import aiohttp

    from bot.chat import operations
    from bot.chat.stories import StoryLibrary

    log = logging.getLogger("storykeeper")
    stories = StoryLibrary(settings)

    async def serve() -> None:
        for attempt, delay in enumerate([*RETRY_DELAYS, None], start=1):
            bot = (ShardedStoryBot(settings, story=story, library=stories, **shards) if shards
                   else StoryBot(settings, story=story, library=stories))
            runner = await operations.serve(bot, health_port) if health_port else None
            loop = asyncio.get_running_loop()
            for sig in (signal.SIGINT, signal.SIGTERM):
                try:
                    loop.add_signal_handler(sig, lambda bot=bot: asyncio.ensure_future(bot.close()))
                except (ValueError, RuntimeError, NotImplementedError):
                    pass  # not the main thread (or no signals here): Ctrl-C still ends the process
            try:
                async with bot:
                    await bot.start(token)
                return
            except (aiohttp.ClientConnectionError, asyncio.TimeoutError, OSError) as exc:
                why = str(exc).split(" [")[0] or type(exc).__name__
                if delay is None:
                    raise StorykeeperError(f"cannot reach Discord after {attempt} tries ({why}); check this "
                                           "machine's network connection and run again") from exc
                log.warning("cannot reach Discord (%s); trying again in %g s", why, delay)
            finally:
                if runner is not None:
                    await runner.cleanup()
            await asyncio.sleep(delay)

    try:
        asyncio.run(serve())
    except discord.LoginFailure as exc:
        raise StorykeeperError("Discord refused the token in DISCORD_TOKEN; copy it again from the "
                               "Developer Portal (your application -> Bot -> Reset Token)") from exc
    except discord.PrivilegedIntentsRequired as exc:
        raise StorykeeperError("discord.message_content is true but the Message Content intent is off; "
                               "enable it in the Developer Portal (Bot -> Privileged Gateway Intents) "
                               "or set message_content: false") from exc
    except discord.ConnectionClosed as exc:
        raise StorykeeperError(_CLOSED.get(exc.code, f"Discord closed the connection for good (gateway code "
                                                     f"{exc.code}); check the bot's settings in the Developer "
                                                     "Portal and restart")) from exc
    logging.getLogger("storykeeper").info("stopped")
    return 0


def _sync(settings: config.Settings, guild: int | None, token: str | None) -> int:
    import asyncio

    import discord

    from bot.chat.discord_bot import StoryBot

    if not token:
        raise StorykeeperError("sync needs the bot's token: set DISCORD_TOKEN (or put it in .env)")

    async def sync() -> None:
        bot = StoryBot(settings, sync=guild if guild else "global")
        async with bot:
            await bot.login(token)  # runs setup_hook, which syncs

    try:
        asyncio.run(sync())
    except discord.LoginFailure as exc:
        raise StorykeeperError("Discord refused the token in DISCORD_TOKEN; copy it again from the "
                               "Developer Portal (your application -> Bot -> Reset Token)") from exc
    print("Slash commands synced " + (f"to server {guild} (instant)." if guild else
                                      "globally (they can take up to an hour to appear)."))
    return 0


def _console(settings: config.Settings, story: str | None) -> int:
    from bot.chat.console import Console
    from bot.chat.stories import StoryLibrary

    stories = StoryLibrary(settings)
    key = story or stories.default()
    try:
        return Console(stories.get(key), settings.discord.prefix, library=stories, story=key).run()
    except KeyboardInterrupt:
        return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s" if args.command == "run"
                        else "storykeeper: %(message)s", datefmt="%H:%M:%S")
    try:
        settings = config.load(args.config)
        if args.command == "inspect":
            ix = library.open_index(settings, args.story)
            if args.json:
                json.dump(ix.to_dict(), sys.stdout, ensure_ascii=False)
                sys.stdout.write("\n")
            else:
                print(render_inspect(ix))
        elif args.command == "ask":
            return _ask(args, settings)
        elif args.command == "scene":
            return _scene(args, settings)
        elif args.command == "quote":
            return _quote(args, settings)
        elif args.command == "game":
            return _game(args, settings)
        elif args.command == "summary":
            return _summary(args, settings)
        elif args.command in ("timeline", "relations"):
            return _picture(args, settings)
        elif args.command in ("character", "characters", "story"):
            return _card(args, settings)
        elif args.command == "run":
            token = None if args.console else _token()
            if token:
                logging.getLogger().setLevel(logging.INFO)
                if args.log_format == "json":
                    from bot.chat import operations

                    operations.json_logs()
                return _serve(settings, args.story, token, _shards(args), args.health_port)
            return _console(settings, args.story)
        elif args.command == "remove":
            entry = library.remove(settings, args.name)
            print(f"Removed `{entry.name}` ({entry.path.name}) from the library.")
        elif args.command == "add":
            entry = library.add(settings, args.file, args.name)
            ix = library.open_index(settings, entry.name)
            print(f"Added `{entry.name}`: {ix.title} · {count(ix.words, 'word')} · {count(len(ix.chapters), 'chapter')} · "
                  f"{count(len(ix.characters), 'character')}. Every server can read it (`/story use {entry.name}`).")
        elif args.command == "sync":
            return _sync(settings, args.guild, _token())
    except StorykeeperError as exc:
        print(f"storykeeper: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    return 0
