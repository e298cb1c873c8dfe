"""Two bot processes on one PostgreSQL server and the loopback fake Discord, as a deployment runs
them: what one acknowledges, the other sees, even when the first is killed with SIGKILL in the
middle of a burst of changes; and the quote of the day is posted once, not once a process."""
from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

from bot.chat.store import Store
from fake_discord import FakeDiscord

ROOT = Path(__file__).resolve().parents[1]
PROGRAM = ("import sys, discord, yarl\n"
           "discord.http.Route.BASE = sys.argv[1]\n"
           "discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(sys.argv[2])\n"
           "from bot import cli\n"
           "sys.exit(cli.main(['--config', sys.argv[3], 'run']))\n")


async def _start(fake: FakeDiscord, config: Path, url: str, connected: int) -> asyncio.subprocess.Process:
    """`storykeeper run` as its own process on ``url``; returns once it has logged in to the fake."""
    env = {**os.environ, "DISCORD_TOKEN": fake.token, "DATABASE_URL": url}
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-c", PROGRAM, fake.base, fake.gateway_url, str(config), cwd=config.parent, env=env,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE)
    for _ in range(600):
        if len(fake.identifies) >= connected or proc.returncode is not None:
            break
        await asyncio.sleep(0.1)
    assert len(fake.identifies) >= connected, "the bot never logged in"
    return proc


def _quotes_of_the_day(fake: FakeDiscord) -> int:
    return sum(1 for r in fake.requests if r.method == "POST" and r.path.endswith("/messages")
               and "Quote of the day" in str(r.body))


async def test_two_processes_on_postgres_lose_nothing_acknowledged_and_post_the_day_once(postgres_url, tmp_path) -> None:
    fake = FakeDiscord()
    await fake.start()
    settings = (ROOT / "config.yaml").read_text(encoding="utf-8")
    settings = settings.replace("seeds_dir: seeds", f"seeds_dir: {ROOT / 'seeds'}")
    settings = settings.replace("cache_dir: .cache/storykeeper", f"cache_dir: {tmp_path / 'cache'}")
    settings = settings.replace("data_dir: data", f"data_dir: {tmp_path / 'data'}")
    config = tmp_path / "config.yaml"
    config.write_text(settings, encoding="utf-8")
    guild = int(fake.guild_id)
    store = Store(postgres_url)  # a quote of the day due since midnight, for both processes to see
    store.set_guild(guild, "daily:channel", fake.channel_id)
    store.set_guild(guild, "daily:time", "00:00")
    procs = []
    try:
        procs.append(await _start(fake, config, postgres_url, 1))  # the one that stays
        procs.append(await _start(fake, config, postgres_url, 2))  # the one that is killed
        survivor, victim = procs

        # A burst of readers setting their progress, answered by the newest process, which is
        # killed (SIGKILL: no clean-up) once ten of them are acknowledged (sixty, so that on a busy
        # machine the kill still comes while some are unanswered).
        readers = [fake.user(f"reader{i}") for i in range(60)]
        sent = {}
        for reader in readers:
            sent[(await fake.interact("progress", {"chapter": "1"}, user=reader))["id"]] = (reader, 1)
        acknowledged = []
        while len(acknowledged) < 10:
            post = await fake.next_post(timeout=30)
            if post["kind"] == "callback" and post.get("interaction") in sent:
                acknowledged.append(sent[post["interaction"]])
        victim.kill()
        await victim.wait()
        while not fake._ws.closed:
            await asyncio.sleep(0.05)
        while not fake._posted.empty():  # answers sent just before the kill were acknowledged too
            post = fake._posted.get_nowait()
            if post["kind"] == "callback" and post.get("interaction") in sent:
                acknowledged.append(sent[post["interaction"]])

        # The other process sees every acknowledged change.
        for reader, chapter in acknowledged:
            await fake.interact("progress", {}, user=reader)
            post = await fake.next_post(timeout=30)
            text = post["body"]["data"]["embeds"][0]["description"]
            assert f"chapter {chapter} of" in text, (reader["username"], text)
        # On a quick machine the victim may have answered the whole burst before the kill: then
        # nothing was unacknowledged, and every answer was still checked above.
        assert 10 <= len(acknowledged) <= len(readers)

        # Both processes looked at the quote of the day as they started; one posted it.
        for _ in range(100):
            if _quotes_of_the_day(fake):
                break
            await asyncio.sleep(0.1)
        await asyncio.sleep(1.0)
        assert _quotes_of_the_day(fake) == 1
        assert store.guild(guild, "daily:last") is not None
        assert survivor.returncode is None, "the surviving process stopped"
    finally:
        for proc in procs:
            if proc.returncode is None:
                proc.kill()
                await proc.wait()
        store.close()
        await fake.stop()
