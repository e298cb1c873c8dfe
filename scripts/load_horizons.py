"""Many readers at many spoiler horizons, all asking at once, through the real discord.py bot.

    python scripts/load_horizons.py [--readers 100] [--cold] [--story PATH]

The bot (`StoryBot`, as `storykeeper run` makes it) logs in to the loopback fake Discord
(tests/fake_discord.py) with War and Peace as its story. Each of ``--readers`` readers has set
their progress to a different chapter; they all `/ask` at the same moment while a bystander
with no progress asks for character autocomplete every 0.25 s and `/help` every second.
``--cold`` starts with an empty cache folder, so the bot indexes the story when it starts
(the time is reported); otherwise the cache is built first, outside the measurement.

Reported: the time to each ask's first response (an answer, or a deferral) and to its answer;
each bystander response; the event loop's stalls; the process's resident memory before and at
its peak; and the cache files on disk. Everything stays on 127.0.0.1, bounded in count and time.
"""
from __future__ import annotations

import argparse
import asyncio
import pickle
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

QUESTIONS = ["who does natasha love", "what did pierre say to andrew", "where is the battle", "why did nicholas lose",
             "what happened at the ball", "who is kutuzov", "what did the old prince say", "how did andrew die",
             "what colour was the horse", "who is hélène"]


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


async def main(args: argparse.Namespace) -> None:
    import aiohttp
    import discord
    import yarl

    from bot import config
    from bot.chat.discord_bot import StoryBot
    from fake_discord import FakeDiscord, LoopbackOnly

    logging_quiet()
    story = Path(args.story).resolve()
    cache = Path(tempfile.mkdtemp(prefix="storykeeper-load-"))
    base = config.load(ROOT / "config.yaml")
    name = story.stem
    settings = replace(base, cache_dir=cache / "cache", data_dir=cache / "data", default_story=name,
                       stories={**base.stories, name: config.StorySetting(name=name, path=story)})
    if not args.cold:
        # The cache, built before anything is measured, in another process (so the memory
        # reported is the bot's own).
        import subprocess

        subprocess.run([sys.executable, "-c", "import sys, pickle; from bot.core import library; "
                        "library.open_story(pickle.loads(bytes.fromhex(sys.argv[1])), sys.argv[2])",
                        pickle.dumps(settings).hex(), name], check=True, cwd=ROOT)
    fake = FakeDiscord()
    await fake.start()
    discord.http.Route.BASE = fake.base
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(fake.gateway_url)
    rss_start = rss_mb()
    bot = StoryBot(settings, connector=aiohttp.TCPConnector(resolver=LoopbackOnly()), guild_ready_timeout=0.1)
    started = time.perf_counter()
    runner = asyncio.create_task(bot.start(fake.token))
    await asyncio.wait_for(bot.wait_until_ready(), 600)
    start_s = time.perf_counter() - started
    chapters = len(bot.library.get(name).ix.chapters)
    readers = [fake.user(f"reader{i}") for i in range(args.readers)]
    step = max(1, (chapters - 1) // max(1, args.readers))
    for i, user in enumerate(readers):
        bot.store.set_progress(int(fake.guild_id), int(user["id"]), name, 1 + (i * step) % (chapters - 1))
    horizons = {1 + (i * step) % (chapters - 1) for i in range(len(readers))}

    sent: dict[str, tuple[str, float, str]] = {}  # interaction id -> (token, when, what)
    by_token: dict[str, str] = {}
    first: dict[str, float] = {}
    answered: dict[str, float] = {}
    peak = [rss_mb()]
    stalls: list[float] = []
    stop = asyncio.Event()

    async def collect() -> None:
        while not stop.is_set():
            try:
                post = await fake.next_post(timeout=0.5)
            except asyncio.TimeoutError:
                continue
            now = time.perf_counter()
            iid = post.get("interaction") or by_token.get(post.get("token", ""))
            if iid is None or iid not in sent:
                continue
            first.setdefault(iid, now)
            if post["kind"] in ("edit", "followup") or post.get("type") in (4, 8):
                answered.setdefault(iid, now)

    async def watch() -> None:
        while not stop.is_set():
            before = time.perf_counter()
            await asyncio.sleep(0.05)
            stalls.append(max(0.0, time.perf_counter() - before - 0.05))
            peak.append(rss_mb())

    async def send(what: str, payload_coro) -> None:
        payload = await payload_coro
        sent[payload["id"]] = (payload["token"], time.perf_counter(), what)
        by_token[payload["token"]] = payload["id"]

    async def bystander(until: float) -> None:
        typed = ["n", "na", "nat", "nata", "pie", "and", "kut", "hél"]
        k = 0
        while time.perf_counter() < until:
            await send("autocomplete", fake.interact("character", {"name": typed[k % len(typed)]},
                                                     autocomplete="name"))
            if k % 4 == 0:
                await send("help", fake.interact("help", {}))
            k += 1
            await asyncio.sleep(0.25)

    tasks = [asyncio.create_task(collect()), asyncio.create_task(watch())]
    await asyncio.sleep(0.3)
    t0 = time.perf_counter()
    side = asyncio.create_task(bystander(t0 + args.seconds))
    for i, user in enumerate(readers):
        await send("ask", fake.interact("ask", {"question": QUESTIONS[i % len(QUESTIONS)]}, user=user))
    await side
    deadline = time.perf_counter() + args.wait
    while time.perf_counter() < deadline and any(
            iid not in answered for iid, (_, _, what) in sent.items()):
        await asyncio.sleep(0.1)
    stop.set()
    await asyncio.gather(*tasks)

    def times(what: str, table: dict[str, float]) -> list[float]:
        return [table[iid] - when for iid, (_, when, kind) in sent.items() if kind == what and iid in table]

    asks = [iid for iid, (_, _, kind) in sent.items() if kind == "ask"]
    ask_first, ask_done = times("ask", first), times("ask", answered)
    quick = times("autocomplete", answered) + times("help", answered)
    n_quick = sum(1 for _, _, kind in sent.values() if kind != "ask")
    files = sorted(p.name for p in (cache / "cache").glob("*") if p.is_file())
    print(f"story: {story.name}, {chapters} chapters; {len(readers)} readers at {len(horizons)} different chapters;"
          f" {'cold' if args.cold else 'warm'} cache; bot ready after {start_s:.1f} s")
    print(f"asks: {len(ask_done)}/{len(asks)} answered; first response p50 {pct(ask_first, .5):.2f} s, "
          f"p99 {pct(ask_first, .99):.2f} s (over 3 s: {sum(t > 3 for t in ask_first)}); "
          f"answer p50 {pct(ask_done, .5):.2f} s, p99 {pct(ask_done, .99):.2f} s")
    print(f"bystander: {len(quick)}/{n_quick} answered; p50 {pct(quick, .5):.3f} s, p99 {pct(quick, .99):.3f} s, "
          f"max {max(quick, default=float('nan')):.3f} s (over 2.5 s: {sum(t > 2.5 for t in quick)})")
    print(f"event loop stall p99 {pct(stalls, .99) * 1000:.0f} ms, max {max(stalls) * 1000:.0f} ms")
    print(f"memory: {rss_start:.0f} MB before the bot, peak {max(peak):.0f} MB")
    print(f"cache files: {len(files)} ({', '.join(f.split('-')[-1] for f in files)})")
    await bot.close()
    await asyncio.wait_for(runner, 30)
    await fake.stop()


def logging_quiet() -> None:
    import logging

    logging.basicConfig(level=logging.WARNING)
    for noisy in ("discord", "aiohttp"):
        logging.getLogger(noisy).setLevel(logging.ERROR)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--readers", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=10.0, help="how long the bystander keeps typing")
    parser.add_argument("--cold", action="store_true", help="start with an empty cache")
    parser.add_argument("--wait", type=float, default=120.0, help="seconds to wait for the last answers")
    parser.add_argument("--story", default=str(ROOT.parent / "shared" / "corpora" / "war-and-peace.txt"))
    asyncio.run(main(parser.parse_args()))
