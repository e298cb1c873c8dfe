"""A thousand interactions in ten seconds to a four-shard bot on War and Peace, through discord.py.

    python scripts/load_shards.py [--total 1000] [--seconds 10] [--shards 4] [--story PATH]

The bot (`ShardedStoryBot`, as `storykeeper run --shard-count 4` makes it) logs in with four
shards to the loopback fake Discord (tests/fake_discord.py), which serves `GET /gateway/bot`
with `max_concurrency` 4. Then ``--total`` interactions arrive evenly over ``--seconds``, from
as many different members (so no cooldown answers for them): 80% quick ones (character
autocomplete, `/help`, `/quote`, and presses of a quote's "Another" button, always its latest
buttons, as a person would see them) and 20% `/ask`.
Reported: none dropped; the quick ones answered within 2.5 s (p50/p99); each ask's first
response (an answer or a deferral) within 2.5 s, and its answer (p50/p99); the event loop's
stalls (p99). The cache is built first, outside the measurement.

The bot runs as its own process (`storykeeper run --shard-count 4 --health-port P`), as it
would in production where Discord is elsewhere; the fake and the load generator share this one.
Its event loop's stalls come from its own /metrics (the lag histogram: the share of 0.1 s sleeps
that woke 0.1 s late or more, and the bucket its p99 falls in). `--in-process` runs the bot in
this process instead (the fake, the load and the bot on one event loop), as earlier runs did.
"""
from __future__ import annotations

import argparse
import asyncio
import pickle
import random
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from load_horizons import QUESTIONS, pct  # noqa: E402  (the same questions and percentiles)


async def main(args: argparse.Namespace) -> None:
    import aiohttp
    import discord
    import yarl

    from bot import config
    from bot.chat.discord_bot import ShardedStoryBot
    from fake_discord import FakeDiscord, LoopbackOnly

    import logging

    logging.basicConfig(level=logging.WARNING)
    for noisy in ("discord", "aiohttp"):
        logging.getLogger(noisy).setLevel(logging.ERROR)
    story = Path(args.story).resolve()
    cache = Path(tempfile.mkdtemp(prefix="storykeeper-shards-"))
    base = config.load(ROOT / "config.yaml")
    name = story.stem
    settings = replace(base, cache_dir=cache / "cache", data_dir=cache / "data", default_story=name,
                       stories={**base.stories, name: config.StorySetting(name=name, path=story)},
                       discord=replace(base.discord, cooldown_rate=100))
    import subprocess

    subprocess.run([sys.executable, "-c", "import sys, pickle; from bot.core import library; "
                    "library.open_story(pickle.loads(bytes.fromhex(sys.argv[1])), sys.argv[2])",
                    pickle.dumps(settings).hex(), name], check=True, cwd=ROOT)
    fake = FakeDiscord(shards=args.shards)
    await fake.start()
    if args.in_process:
        discord.http.Route.BASE = fake.base
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(fake.gateway_url)
        bot = ShardedStoryBot(settings, shard_count=args.shards, connector=aiohttp.TCPConnector(resolver=LoopbackOnly()),
                              guild_ready_timeout=0.1)
        runner = asyncio.create_task(bot.start(fake.token))
        await asyncio.wait_for(bot.wait_until_ready(), 600)
    else:
        port = free_port()
        proc = await bot_process(fake, write_config(settings, cache, story), args.shards, port)
    shards = sorted(tuple(s) for s in fake.identifies)

    sent: dict[str, tuple[float, str]] = {}  # interaction id -> (when, what)
    by_token: dict[str, str] = {}
    first: dict[str, float] = {}
    answered: dict[str, float] = {}
    stalls: list[float] = []
    stop = asyncio.Event()
    quote_message: list[dict] = []

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
            if post["kind"] in ("edit", "followup") or post.get("type") in (4, 7, 8):
                answered.setdefault(iid, now)
                if sent[iid][1] == "quote" and post.get("type") == 4 and not quote_message:
                    quote_message.append(post["message"])
                elif sent[iid][1] == "press" and (post.get("type") == 7 or post["kind"] == "edit") \
                        and post["message"].get("components"):
                    quote_message[0] = post["message"]  # "Another" answers with new buttons: press those

    async def watch() -> None:
        while not stop.is_set():
            before = time.perf_counter()
            await asyncio.sleep(0.05)
            stalls.append(max(0.0, time.perf_counter() - before - 0.05))

    def record(payload: dict, what: str) -> None:
        sent[payload["id"]] = (time.perf_counter(), what)
        by_token[payload["token"]] = payload["id"]

    async def press(message: dict, user: dict) -> dict:
        button = next(c for row in message["components"] for c in row["components"] if c.get("label") == "Another")
        payload = fake._interaction(3, {"custom_id": button["custom_id"], "component_type": 2}, message, user=user)
        await fake.dispatch("INTERACTION_CREATE", payload)
        return payload

    # The loop watched here is the bot's only when it runs in this process; else its own metric says.
    tasks = [asyncio.create_task(collect())] + ([asyncio.create_task(watch())] if args.in_process else [])
    # One quote first, whose button the presses below press (as its asker: a button is theirs).
    asker = fake.user("asker")
    while not quote_message:  # a bot in its own process may take a moment to take commands
        record(await fake.interact("quote", {}, user=asker), "quote")
        for _ in range(50):
            if quote_message:
                break
            await asyncio.sleep(0.1)
    sent.clear()
    rng = random.Random(1)
    typed = ["n", "na", "nat", "pie", "and", "kut", "hél", "son", "bor", "dól"]
    plan = (["ask"] * 20 + ["autocomplete"] * 50 + ["help"] * 10 + ["quote"] * 10 + ["press"] * 10)
    t0 = time.perf_counter()
    for k in range(args.total):
        due = t0 + k * args.seconds / args.total
        await asyncio.sleep(max(0.0, due - time.perf_counter()))
        what = rng.choice(plan)
        user = fake.user(f"member{k}")
        if what == "ask":
            payload = await fake.interact("ask", {"question": QUESTIONS[k % len(QUESTIONS)]}, user=user)
        elif what == "autocomplete":
            payload = await fake.interact("character", {"name": typed[k % len(typed)]}, user=user, autocomplete="name")
        elif what == "help":
            payload = await fake.interact("help", {}, user=user)
        elif what == "quote":
            payload = await fake.interact("quote", {}, user=user)
        else:
            payload = await press(quote_message[0], asker)
        record(payload, what)
    sending = time.perf_counter() - t0
    deadline = time.perf_counter() + args.wait
    quiet_since, seen = time.perf_counter(), len(answered)
    while time.perf_counter() < deadline and any(iid not in answered for iid in sent):
        await asyncio.sleep(0.1)
        if len(answered) != seen:
            quiet_since, seen = time.perf_counter(), len(answered)
        elif time.perf_counter() - quiet_since > 15:
            break  # nothing answered for 15 s: what is left gets no answer (pressed buttons already replaced)
    stop.set()
    await asyncio.gather(*tasks)

    def times(kinds: set[str], table: dict[str, float]) -> list[float]:
        return [table[iid] - when for iid, (when, kind) in sent.items() if kind in kinds and iid in table]

    quick_kinds = {"autocomplete", "help", "quote", "press"}
    n_quick = sum(1 for _, kind in sent.values() if kind in quick_kinds)
    n_ask = sum(1 for _, kind in sent.values() if kind == "ask")
    quick = times(quick_kinds, answered)
    ask_first, ask_done = times({"ask"}, first), times({"ask"}, answered)
    dropped = [iid for iid in sent if iid not in first]
    print(f"story: {story.name}; {len(shards)} shards identified {shards}; {len(sent)} interactions sent in "
          f"{sending:.1f} s ({n_ask} asks, {n_quick} quick)")
    from collections import Counter

    print(f"dropped (no response at all): {len(dropped)}"
          + (f" ({', '.join(f'{k} {n}' for k, n in Counter(sent[i][1] for i in dropped).items())})" if dropped else ""))
    print(f"quick: {len(quick)}/{n_quick} answered; p50 {pct(quick, .5):.3f} s, p99 {pct(quick, .99):.3f} s, "
          f"over 2.5 s: {sum(t > 2.5 for t in quick)}")
    for kind in sorted(quick_kinds):
        these = times({kind}, answered)
        print(f"  {kind}: {len(these)} answered, p50 {pct(these, .5):.3f} s, p99 {pct(these, .99):.3f} s")
    print(f"asks: first response p50 {pct(ask_first, .5):.2f} s, p99 {pct(ask_first, .99):.2f} s (over 2.5 s: "
          f"{sum(t > 2.5 for t in ask_first)}); answered {len(ask_done)}/{n_ask}, p50 {pct(ask_done, .5):.2f} s, "
          f"p99 {pct(ask_done, .99):.2f} s")
    if args.in_process:
        print(f"event loop stall p50 {pct(stalls, .5) * 1000:.0f} ms, p99 {pct(stalls, .99) * 1000:.0f} ms, "
              f"max {max(stalls) * 1000:.0f} ms")
        await bot.close()
        await asyncio.wait_for(runner, 30)
    else:
        print(await bot_loop_lag(port))
        proc.terminate()
        await asyncio.wait_for(proc.wait(), 30)
    await fake.stop()


PROGRAM = ("import sys, discord, yarl\n"
           "discord.http.Route.BASE = sys.argv[1]\n"
           "discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(sys.argv[2])\n"
           "from bot import cli\n"
           "sys.exit(cli.main(['--config', sys.argv[3], 'run', *sys.argv[4:]]))\n")


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def write_config(settings, cache: Path, story: Path) -> Path:
    """The shipped config.yaml with the temporary folders, the book as the default story and the
    per-member cooldown raised (every interaction comes from another member anyway)."""
    import yaml

    data = yaml.safe_load((ROOT / "config.yaml").read_text(encoding="utf-8"))
    data.update(seeds_dir=str(ROOT / "seeds"), cache_dir=str(settings.cache_dir), data_dir=str(settings.data_dir),
                default_story=story.stem)
    data.setdefault("stories", {})[story.stem] = {"path": str(story)}
    data.setdefault("discord", {})["cooldown_rate"] = settings.discord.cooldown_rate
    path = cache / "config.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


async def bot_process(fake, config_path: Path, shards: int, port: int):
    """`storykeeper run --shard-count N --health-port P` in a process of its own, logged in to the fake."""
    import os

    env = {**os.environ, "DISCORD_TOKEN": fake.token}
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-c", PROGRAM, fake.base, fake.gateway_url, str(config_path), "--shard-count", str(shards),
        "--health-port", str(port), cwd=ROOT, env=env, stdout=asyncio.subprocess.DEVNULL, stderr=None)
    for _ in range(6000):
        if len(fake.identifies) >= shards or proc.returncode is not None:
            break
        await asyncio.sleep(0.1)
    if len(fake.identifies) < shards:
        sys.exit("load_shards: the bot process never logged in to the fake Discord")
    return proc


async def bot_loop_lag(port: int) -> str:
    """The bot's event-loop lag, from the histogram on its /metrics."""
    import aiohttp
    from prometheus_client.parser import text_string_to_metric_families

    async with aiohttp.ClientSession() as http, http.get(f"http://127.0.0.1:{port}/metrics") as r:
        text = await r.text()
    buckets = {}
    for family in text_string_to_metric_families(text):
        if family.name == "storykeeper_event_loop_lag_seconds":
            buckets = {float(s.labels["le"]): s.value for s in family.samples if s.name.endswith("_bucket")}
    if not buckets:
        return "event loop stall: the bot's /metrics has no lag histogram"
    total = buckets[float("inf")]
    p99 = next(le for le in sorted(buckets) if buckets[le] >= 0.99 * total)
    late = total - max(v for le, v in buckets.items() if le < 0.1 + 1e-9)
    return (f"event loop stall (the bot's own, {total:.0f} samples of a 0.1 s sleep): p99 at most "
            f"{p99 * 1000:.0f} ms; {late / total:.1%} woke more than 100 ms late")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--total", type=int, default=1000)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--shards", type=int, default=4)
    parser.add_argument("--wait", type=float, default=300.0, help="seconds to wait for the last answers")
    parser.add_argument("--in-process", action="store_true", help="run the bot in this process (one event loop for all)")
    parser.add_argument("--story", default=str(ROOT.parent / "shared" / "corpora" / "war-and-peace.txt"))
    asyncio.run(main(parser.parse_args()))
