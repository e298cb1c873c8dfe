"""The real discord.py transport (REST over aiohttp, the gateway websocket) against a fake
Discord on 127.0.0.1: log in, identify, heartbeat, answer a message, a slash command and a button."""
from __future__ import annotations

import asyncio
import re
from pathlib import Path

import aiohttp
import discord
import pytest
import yarl

from bot import config
from bot.chat.discord_bot import StoryBot
from dataclasses import replace
from fake_discord import FakeDiscord, LoopbackOnly

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
async def fake(monkeypatch):
    server = FakeDiscord()
    await server.start()
    monkeypatch.setattr(discord.http.Route, "BASE", server.base)
    monkeypatch.setattr(discord.gateway.DiscordWebSocket, "DEFAULT_GATEWAY", yarl.URL(server.gateway_url))
    yield server
    await server.stop()


async def test_bot_start_over_loopback(fake, tmp_path) -> None:
    settings = replace(config.load(ROOT / "config.yaml"), data_dir=tmp_path)
    bot = StoryBot(settings, sync="global",
                   connector=aiohttp.TCPConnector(resolver=LoopbackOnly()), guild_ready_timeout=0.1)
    runner = asyncio.create_task(bot.start("fake-token"))
    try:
        await asyncio.wait_for(bot.wait_until_ready(), 15)
        assert fake.identified and bot.user is not None and bot.user.id == int(fake.bot["id"])
        synced = [r for r in fake.requests if r.method == "PUT" and r.path.endswith("/commands")]
        assert {c["name"] for c in synced[0].body} >= {"ask", "quote", "scene", "character", "story", "help"}

        await fake.say(f"<@{fake.bot['id']}> quote Marcel")
        post = await fake.next_post()
        assert post["kind"] == "message" and "delicious little thing" in post["body"]["embeds"][0]["description"]
        assert post["body"]["allowed_mentions"] == {"parse": []} or post["body"]["allowed_mentions"].get("parse") == []

        await fake.slash("ask", question="What did Caroline ask Klaus in his studio?")
        post = await fake.next_post()
        assert post["kind"] == "callback" and post["type"] == 4
        assert "Will you wait for me?" in post["body"]["data"]["embeds"][0]["description"]
        answer = post["message"]

        await fake.click(answer, "Whole scene")
        post = await fake.next_post()
        assert post["kind"] == "callback" and post["type"] == 7  # the same message, edited
        assert "page 1 of" in post["body"]["data"]["embeds"][0]["footer"]["text"]

        await asyncio.sleep(0.6)
        assert fake.heartbeats >= 1
        assert not fake.mistakes, fake.mistakes
    finally:
        await bot.close()
        await asyncio.wait_for(runner, 10)


async def test_a_wrong_token_gets_one_clear_line(fake, monkeypatch, tmp_path, capsys) -> None:
    from bot import cli

    monkeypatch.setenv("DISCORD_TOKEN", "not-the-token")
    monkeypatch.chdir(tmp_path)
    # The command line runs its own event loop; the fake Discord keeps serving on this one.
    code = await asyncio.to_thread(cli.main, ["--config", str(ROOT / "config.yaml"), "run"])
    err = capsys.readouterr().err
    assert code == 2 and "Discord refused the token" in err and "not-the-token" not in err
    assert len(err.strip().splitlines()) == 1


async def test_sigterm_stops_the_bot_cleanly(fake, tmp_path) -> None:
    """`storykeeper run` as its own process, logged in to the fake Discord, stopped by SIGTERM
    (what a service manager sends): it logs out and exits 0, without a traceback."""
    import os
    import signal
    import sys

    settings = (ROOT / "config.yaml").read_text(encoding="utf-8")
    settings = settings.replace("seeds_dir: seeds", f"seeds_dir: {ROOT / 'seeds'}")
    settings = settings.replace("cache_dir: .cache/storykeeper", f"cache_dir: {tmp_path / 'cache'}")
    settings = settings.replace("data_dir: data", f"data_dir: {tmp_path / 'data'}")
    (tmp_path / "config.yaml").write_text(settings, encoding="utf-8")
    program = ("import sys, discord, yarl\n"
               "discord.http.Route.BASE = sys.argv[1]\n"
               "discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(sys.argv[2])\n"
               "from bot import cli\n"
               "sys.exit(cli.main(['--config', sys.argv[3], '--verbose', 'run']))\n")
    env = {**os.environ, "DISCORD_TOKEN": fake.token}
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-c", program, fake.base, fake.gateway_url, str(tmp_path / "config.yaml"),
        cwd=tmp_path, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    try:
        for _ in range(300):
            if fake.identified or proc.returncode is not None:
                break
            await asyncio.sleep(0.1)
        assert fake.identified, "the bot never logged in"
        await asyncio.sleep(0.5)
        proc.send_signal(signal.SIGTERM)
        out, err = await asyncio.wait_for(proc.communicate(), 20)
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
    text = err.decode(errors="replace")
    assert proc.returncode == 0, text
    assert "Traceback" not in text and "stopped" in text


@pytest.mark.parametrize("when", ["at identify", "mid-session"])
async def test_a_token_reset_while_running_gets_one_line_and_exit_2(fake, monkeypatch, tmp_path, capsys, when) -> None:
    """Gateway close 4004 (authentication failed: the token was reset in the Developer Portal)."""
    from bot import cli

    monkeypatch.setenv("DISCORD_TOKEN", fake.token)
    monkeypatch.chdir(tmp_path)
    settings = (ROOT / "config.yaml").read_text(encoding="utf-8")
    settings = settings.replace("seeds_dir: seeds", f"seeds_dir: {ROOT / 'seeds'}")
    settings = settings.replace("data_dir: data", f"data_dir: {tmp_path / 'data'}")
    (tmp_path / "config.yaml").write_text(settings, encoding="utf-8")
    if when == "at identify":
        fake.close_on_identify = 4004
    run = asyncio.create_task(asyncio.to_thread(cli.main, ["--config", str(tmp_path / "config.yaml"), "run"]))
    if when == "mid-session":
        for _ in range(300):
            if fake.identified or run.done():
                break
            await asyncio.sleep(0.1)
        assert fake.identified
        await asyncio.sleep(0.3)
        await fake.close_gateway(4004)
    code = await asyncio.wait_for(run, 30)
    err = capsys.readouterr().err
    assert code == 2, err
    assert "Traceback" not in err and "token" in err and "Reset Token" in err
    assert len([l for l in err.strip().splitlines() if not l[:2].isdigit()]) == 1, err


async def test_two_channels_chosen_at_once_are_both_kept(fake, tmp_path) -> None:
    """`/settings here` in two channels at the same moment, through the real gateway: the second
    must not overwrite the first. The first write is held inside the store until the second
    command has run, so the two overlap for certain."""
    import threading
    import time

    settings = replace(config.load(ROOT / "config.yaml"), data_dir=tmp_path)
    bot = StoryBot(settings, connector=aiohttp.TCPConnector(resolver=LoopbackOnly()), guild_ready_timeout=0.1)
    runner = asyncio.create_task(bot.start("fake-token"))
    try:
        await asyncio.wait_for(bot.wait_until_ready(), 15)
        original = bot.store.update_guild
        held = threading.Event()

        def slow_update(guild_id, key, change):
            if not held.is_set():
                held.set()
                time.sleep(0.5)
            return original(guild_id, key, change)

        bot.store.update_guild = slow_update
        await fake.subcommand("settings", "here", answer=True)
        await fake.subcommand("settings", "here", channel_id=fake.other_channel_id, answer=True)
        for _ in range(2):
            post = await fake.next_post()
            assert post["kind"] == "callback"
        await asyncio.sleep(0.2)
        saved = set(bot.store.guild(int(fake.guild_id), "channels").split(","))
        assert saved == {fake.channel_id, fake.other_channel_id}
        assert set(bot.server_settings[int(fake.guild_id)]["channels"].split(",")) == saved
        assert not fake.mistakes, fake.mistakes
    finally:
        await bot.close()
        await asyncio.wait_for(runner, 10)


async def test_quick_paths_never_wait_behind_slow_searches(fake, tmp_path) -> None:
    """With every search thread busy, autocomplete, /help and /quote still answer at once, and
    an /ask is deferred within Discord's 3 seconds and answered when a thread is free."""
    import time

    settings = replace(config.load(ROOT / "config.yaml"), data_dir=tmp_path)
    bot = StoryBot(settings, connector=aiohttp.TCPConnector(resolver=LoopbackOnly()), guild_ready_timeout=0.1)
    runner = asyncio.create_task(bot.start("fake-token"))
    try:
        await asyncio.wait_for(bot.wait_until_ready(), 15)
        loop = asyncio.get_running_loop()
        asks = bot.search_processes or bot.searches  # where questions are answered
        busy = [loop.run_in_executor(asks, time.sleep, 3.0) for _ in range(asks._max_workers)]
        await asyncio.sleep(0.05)
        t0 = time.perf_counter()
        ask = await fake.interact("ask", {"question": "what did caroline ask klaus in his studio?"})
        await fake.interact("character", {"name": "kla"}, autocomplete="name")
        await fake.interact("help", {})
        quote = await fake.interact("quote", {})
        got: dict[str, float] = {}
        while "answer" not in got:
            post = await fake.next_post(timeout=10)
            now = time.perf_counter() - t0
            if post["kind"] == "callback" and post["type"] == 8:
                got["autocomplete"] = now
                assert any(c["value"] == "Klaus Mikaelson" for c in post["body"]["data"]["choices"])
            elif post["kind"] == "callback" and post["type"] == 4 and post["interaction"] == quote["id"]:
                got["quote"] = now
            elif post["kind"] == "callback" and post["type"] == 4:
                got["help"] = now
            elif post["kind"] == "callback" and post["type"] == 5 and post["interaction"] == ask["id"]:
                got["deferred"] = now
            elif post["kind"] in ("edit", "followup") and post["token"] == ask["token"]:
                got["answer"] = now
                assert "Will you wait for me?" in post["body"]["embeds"][0]["description"]
        assert got["autocomplete"] < 1.0 and got["help"] < 1.0 and got["quote"] < 1.0, got
        assert got["deferred"] < 2.5 and got["answer"] >= 2.5, got
        await asyncio.gather(*busy)
        assert not fake.mistakes, fake.mistakes
    finally:
        await bot.close()
        await asyncio.wait_for(runner, 10)


async def test_a_press_on_a_new_card_before_discord_answers_the_bot_is_still_answered(fake, tmp_path) -> None:
    """Discord shows a card's new buttons before the bot hears that its edit went through; a
    press on them in that moment is answered, not lost."""
    settings = replace(config.load(ROOT / "config.yaml"), data_dir=tmp_path)
    bot = StoryBot(settings, connector=aiohttp.TCPConnector(resolver=LoopbackOnly()), guild_ready_timeout=0.1)
    runner = asyncio.create_task(bot.start("fake-token"))
    try:
        await asyncio.wait_for(bot.wait_until_ready(), 15)
        await fake.slash("quote", character="Klaus")
        card = (await fake.next_post())["message"]
        fake.callback_delay = 1.0
        for _ in range(3):  # "Another", and at once "Another" on the card that replaced it
            await fake.click(card, "Another")
            post = await fake.next_post(timeout=5)
            assert post["kind"] == "callback" and post["type"] == 7
            card = post["message"]
        assert not fake.mistakes, fake.mistakes
    finally:
        await bot.close()
        await asyncio.wait_for(runner, 10)


def test_no_network_gets_retries_then_one_line_and_exit_2(tmp_path) -> None:
    """`storykeeper run` with a token but no way to reach Discord: a line per retry, then one
    line and exit 2, never a traceback."""
    import socket
    import subprocess
    import sys

    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    program = ("import sys, discord\n"
               f"discord.http.Route.BASE = 'http://127.0.0.1:{port}/api/v10'\n"
               "from bot import cli\n"
               "cli.RETRY_DELAYS = (0.1, 0.2)\n"
               f"sys.exit(cli.main(['--config', {str(ROOT / 'config.yaml')!r}, 'run']))\n")
    result = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, timeout=120,
                            cwd=tmp_path, env={**__import__("os").environ, "DISCORD_TOKEN": "a-token"})
    err = result.stderr
    assert result.returncode == 2 and "Traceback" not in err, err
    lines = [l for l in err.strip().splitlines() if "cannot reach Discord" in l]
    assert len(lines) == 3 and "after 3 tries" in lines[-1] and "trying again in 0.1 s" in lines[0], err


async def test_adding_a_story_shows_its_progress_in_the_one_reply(fake, tmp_path, monkeypatch) -> None:
    """/story add with an attachment, over the real transport: the file is downloaded from the
    attachment's URL, and the deferred reply is edited as the story is read and indexed."""
    import time

    from bot.chat import discord_library
    from bot.core import library

    real_add = library.add

    def slow_add(*args, progress=None, **kwargs):  # each step lasts long enough to be shown
        def told(line: str) -> None:
            progress(line)
            time.sleep(0.4)
        return real_add(*args, progress=told, **kwargs)

    monkeypatch.setattr(discord_library, "EDIT_EVERY", 0.1)
    monkeypatch.setattr(library, "add", slow_add)
    settings = replace(config.load(ROOT / "config.yaml"), data_dir=tmp_path, cache_dir=tmp_path / "cache")
    bot = StoryBot(settings, connector=aiohttp.TCPConnector(resolver=LoopbackOnly()), guild_ready_timeout=0.1)
    runner = asyncio.create_task(bot.start("fake-token"))
    try:
        await asyncio.wait_for(bot.wait_until_ready(), 15)
        data = (ROOT / "tests" / "data" / "ao3-lanterns.html").read_bytes()
        sent = await fake.interact("story add", {"file": ("lanterns.html", data)})
        lines = []
        while not lines or not lines[-1].startswith("Added"):
            post = await fake.next_post(timeout=20)
            if post["kind"] == "callback":
                assert post["type"] == 5 and post["interaction"] == sent["id"]  # deferred at once
            elif post["kind"] == "edit" and post["token"] == sent["token"]:
                lines.append(post["body"]["embeds"][0]["description"])
        assert lines[0].startswith("Downloading") and lines[1].startswith("Reading lanterns.html")
        assert any(line.startswith("Indexing") and line.endswith("words…") for line in lines), lines
        assert "`lanterns`: **Lanterns on the River**" in lines[-1]
        assert (tmp_path / "stories" / fake.guild_id / "lanterns.html").read_bytes() == data
        assert not fake.mistakes, fake.mistakes
    finally:
        await bot.close()
        await asyncio.wait_for(runner, 10)


async def test_shards_health_and_metrics_over_the_loopback(fake, tmp_path) -> None:
    """Two shards in one process, each identifying with its own [id, count]; /healthz says the
    gateway and the store are up (503 once the bot is closed); /metrics counts commands and
    samples how late the event loop wakes."""
    from bot.chat import operations
    from bot.chat.discord_bot import ShardedStoryBot

    fake.shards = 2
    settings = replace(config.load(ROOT / "config.yaml"), data_dir=tmp_path)
    bot = ShardedStoryBot(settings, shard_count=2, connector=aiohttp.TCPConnector(resolver=LoopbackOnly()),
                          guild_ready_timeout=0.1)
    runner = asyncio.create_task(bot.start("fake-token"))
    site = await operations.serve(bot, 0, host="127.0.0.1")
    port = site.addresses[0][1]
    try:
        await asyncio.wait_for(bot.wait_until_ready(), 20)
        assert sorted(fake.identifies) == [[0, 2], [1, 2]]
        async with aiohttp.ClientSession() as http:
            async with http.get(f"http://127.0.0.1:{port}/healthz") as r:
                body = await r.json()
                assert r.status == 200 and body["gateway"] and body["store"] and set(body["shards"]) <= {"0", "1"}
            await fake.interact("help", {})
            post = await fake.next_post()
            assert post["kind"] == "callback"
            await asyncio.sleep(0.1)
            async with http.get(f"http://127.0.0.1:{port}/metrics") as r:
                text = await r.text()
                assert r.status == 200 and 'storykeeper_commands_total{command="help"} 1.0' in text
                assert "storykeeper_command_seconds_bucket" in text and "storykeeper_stories_loaded 1.0" in text
                lag = re.search(r"^storykeeper_event_loop_lag_seconds_count (\S+)$", text, re.M)
                assert lag and float(lag.group(1)) >= 1  # the loop's lag is sampled while the bot runs
            await bot.close()
            await asyncio.wait_for(runner, 10)
            async with http.get(f"http://127.0.0.1:{port}/healthz") as r:
                assert r.status == 503 and not (await r.json())["gateway"]
        assert not fake.mistakes, fake.mistakes
    finally:
        if not bot.is_closed():
            await bot.close()
        await site.cleanup()
