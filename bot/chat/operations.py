"""Running the bot for many servers: health, metrics and structured logs.

`storykeeper run --health-port P` serves, on the bot's own event loop (aiohttp, already there for
discord.py):

- `/healthz`: 200 when the gateway is connected and the settings store answers, else 503, with a
  JSON body saying which ({"gateway": true, "store": true, "shards": {"0": 0.042}});
- `/metrics`: Prometheus text (prometheus_client): commands by name, errors, a latency
  histogram, each shard's gateway latency, stories loaded, and how late the event loop wakes
  (a histogram of its lag, sampled ten times a second: work that blocks the loop shows there).

`--log-format json` writes one JSON object a log line (python-json-logger).
"""
from __future__ import annotations

import asyncio
import json
import logging
import time
from typing import TYPE_CHECKING

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram, generate_latest

if TYPE_CHECKING:
    from bot.chat.discord_bot import StoryBot

log = logging.getLogger(__name__)


LAG_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.25, 0.5, 1, 2.5)
LAG_PERIOD = 0.1  # seconds between two looks at the event loop


async def watch_loop(metrics: Metrics) -> None:
    """Sleep ``LAG_PERIOD`` again and again and record how much later than asked the loop woke."""
    while True:
        before = time.perf_counter()
        await asyncio.sleep(LAG_PERIOD)
        metrics.loop_lag.observe(max(0.0, time.perf_counter() - before - LAG_PERIOD))


class Metrics:
    """The bot's counters, in a registry of its own (so two bots in one process stay apart)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.commands = Counter("storykeeper_commands", "Commands run, by name", ["command"], registry=self.registry)
        self.errors = Counter("storykeeper_command_errors", "Commands that failed on our side, by name", ["command"],
                              registry=self.registry)
        self.latency = Histogram("storykeeper_command_seconds", "Time from a command to its reply", ["command"],
                                 buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30), registry=self.registry)
        self.shard_latency = Gauge("storykeeper_shard_latency_seconds", "Gateway heartbeat latency, by shard",
                                   ["shard"], registry=self.registry)
        self.stories = Gauge("storykeeper_stories_loaded", "Stories indexed and in memory", registry=self.registry)
        self.servers = Gauge("storykeeper_servers", "Servers the bot is in", registry=self.registry)
        self.loop_lag = Histogram("storykeeper_event_loop_lag_seconds", "How late the event loop woke from a 0.1 s sleep",
                                  buckets=LAG_BUCKETS, registry=self.registry)

    def started(self, command: str) -> float:
        self.commands.labels(command).inc()
        return time.perf_counter()

    def finished(self, command: str, since: float, failed: bool = False) -> None:
        self.latency.labels(command).observe(time.perf_counter() - since)
        if failed:
            self.errors.labels(command).inc()

    def render(self, bot: StoryBot) -> bytes:
        for shard, latency in _latencies(bot).items():
            self.shard_latency.labels(str(shard)).set(latency)
        self.stories.set(bot.library.loaded())
        self.servers.set(len(bot.guilds))
        return generate_latest(self.registry)


def _latencies(bot: StoryBot) -> dict[int, float]:
    found = getattr(bot, "latencies", None)  # an AutoShardedBot: [(shard id, seconds), ...]
    if found is not None:
        return {shard: latency for shard, latency in found if latency == latency}  # not NaN
    latency = bot.latency
    return {bot.shard_id or 0: latency} if latency == latency else {}


async def health(bot: StoryBot) -> tuple[bool, dict]:
    """Whether the bot is healthy, and what was checked."""
    gateway = bot.is_ready() and not bot.is_closed()
    try:
        await asyncio.wait_for(asyncio.to_thread(bot.store.ping), 2)
        store = True
    except Exception as exc:  # any failure to answer is "not reachable", said in the body
        log.warning("health: the settings store did not answer (%s)", type(exc).__name__)
        store = False
    body = {"gateway": gateway, "store": store, "shards": {str(k): round(v, 4) for k, v in _latencies(bot).items()}}
    return gateway and store, body


async def serve(bot: StoryBot, port: int, host: str = "0.0.0.0") -> web.AppRunner:
    """Start /healthz and /metrics on ``host:port``; the runner is cleaned up by the caller."""
    async def healthz(_request: web.Request) -> web.Response:
        ok, body = await health(bot)
        return web.Response(text=json.dumps(body), status=200 if ok else 503, content_type="application/json")

    async def metrics(_request: web.Request) -> web.Response:
        return web.Response(body=bot.metrics.render(bot), headers={"Content-Type": CONTENT_TYPE_LATEST})

    async def lag(_app: web.Application):
        task = asyncio.create_task(watch_loop(bot.metrics))
        yield
        task.cancel()

    app = web.Application()
    app.cleanup_ctx.append(lag)
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/metrics", metrics)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    log.info("health and metrics on http://%s:%d/healthz and /metrics", host, port)
    return runner


def json_logs() -> None:
    """Every log line as one JSON object (time, level, logger, message)."""
    from pythonjsonlogger.json import JsonFormatter

    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter("%(asctime)s %(levelname)s %(name)s %(message)s",
                                       rename_fields={"asctime": "time", "levelname": "level", "name": "logger"}))
    root = logging.getLogger()
    root.handlers[:] = [handler]
