"""A small fake Discord on 127.0.0.1: enough REST and gateway for the real `Bot.start(token)`.

It logs the bot in, takes its IDENTIFY, answers heartbeats, sends READY and GUILD_CREATE, and
lets a test deliver MESSAGE_CREATE and INTERACTION_CREATE events. Everything the bot sends is
recorded. Mistakes (unknown routes, bad bodies) get a 4xx and are recorded too: a 5xx would make
discord.py retry with back-off and a test would look like a hang.
"""
from __future__ import annotations

import asyncio
import itertools
import json
import socket
import time
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, abc, web

DISCORD_EPOCH_MS = 1420070400000
_counter = itertools.count(1)


def snowflake() -> str:
    """A time-based id: Discord treats interactions with old ids as expired."""
    return str(((int(time.time() * 1000) - DISCORD_EPOCH_MS) << 22) | (next(_counter) & 0xFFF))


class LoopbackOnly(abc.AbstractResolver):
    """A resolver that refuses every host but the loopback, so nothing can leave the machine."""

    async def resolve(self, host: str, port: int = 0, family: int = socket.AF_INET) -> list[dict[str, Any]]:
        if host not in ("127.0.0.1", "localhost"):
            raise OSError(f"refusing to resolve {host!r}: tests stay on loopback")
        return [{"hostname": host, "host": "127.0.0.1", "port": port, "family": socket.AF_INET,
                 "proto": 0, "flags": socket.AI_NUMERICHOST}]

    async def close(self) -> None:
        return None


@dataclass
class Recorded:
    method: str
    path: str
    query: dict[str, str]
    body: Any


def _user(uid: str, name: str, bot: bool = False) -> dict[str, Any]:
    return {"id": uid, "username": name, "discriminator": "0", "global_name": name, "avatar": None,
            "bot": bot, "public_flags": 0, "flags": 0}


@dataclass
class FakeDiscord:
    heartbeat_ms: int = 250
    app_id: str = field(default_factory=snowflake)
    guild_id: str = field(default_factory=snowflake)
    channel_id: str = field(default_factory=snowflake)
    other_channel_id: str = field(default_factory=snowflake)  # a second text channel, #book-club
    requests: list[Recorded] = field(default_factory=list)
    mistakes: list[Recorded] = field(default_factory=list)
    identified: bool = False
    heartbeats: int = 0
    token: str = "fake-token"
    close_on_identify: int | None = None  # a gateway close code to answer IDENTIFY with (4004: bad token)
    shards: int = 1  # what GET /gateway/bot recommends
    identifies: list = field(default_factory=list)  # the shard ([id, count]) of each IDENTIFY, in order
    callback_delay: float = 0.0  # seconds between showing an interaction's reply and answering the bot's call

    def __post_init__(self) -> None:
        self.bot = _user(snowflake(), "Storykeeper", bot=True)
        self.human = _user(snowflake(), "alice")
        self._ws: web.WebSocketResponse | None = None
        self._sockets: list[web.WebSocketResponse] = []  # every identified connection, oldest first
        self._seq = 0
        self._runner: web.AppRunner | None = None
        self._posted: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.port = 0
        # A button press's message, by interaction id and token: updating it keeps its id.
        self._pressed_message: dict[str, str] = {}
        self.files: dict[str, bytes] = {}  # attachment id -> its bytes, served as Discord's CDN would

    # -- server ---------------------------------------------------------------------------

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/gateway", self._gateway)
        app.router.add_route("*", "/api/v10/{tail:.*}", self._rest)
        app.router.add_get("/attachments/{id}/{name}", self._attachment)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def stop(self) -> None:
        if self._ws is not None and not self._ws.closed:
            await self._ws.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/v10"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    @staticmethod
    def _json(data: Any, status: int = 200) -> web.Response:
        # Exactly application/json: with a charset, discord.py's login fails.
        return web.Response(body=json.dumps(data).encode(), status=status, content_type="application/json")

    def _member(self, user: dict[str, Any]) -> dict[str, Any]:
        return {"user": user, "roles": [], "joined_at": "2024-01-01T00:00:00+00:00", "deaf": False,
                "mute": False, "flags": 0, "nick": None, "avatar": None, "pending": False}

    def _message(self, body: dict[str, Any], author: dict[str, Any] | None = None) -> dict[str, Any]:
        return {"id": snowflake(), "channel_id": self.channel_id, "guild_id": self.guild_id,
                "author": author or self.bot, "content": body.get("content") or "", "timestamp":
                "2024-01-01T00:00:00+00:00", "edited_timestamp": None, "tts": False, "mention_everyone": False,
                "mentions": [], "mention_roles": [], "attachments": [], "embeds": body.get("embeds") or [],
                "components": body.get("components") or [], "pinned": False, "type": 0,
                "flags": body.get("flags") or 0}

    async def _rest(self, request: web.Request) -> web.Response:
        tail = request.match_info["tail"]
        body = await request.json() if request.can_read_body else None
        record = Recorded(request.method, "/" + tail, dict(request.query), body)
        self.requests.append(record)
        method = request.method
        if not tail.startswith(("interactions/", "webhooks/")) and request.headers.get("Authorization") != f"Bot {self.token}":
            return self._json({"message": "401: Unauthorized", "code": 0}, status=401)  # interactions carry their own token
        if method == "GET" and tail == "gateway/bot":  # a sharded client asks how many shards, how fast
            return self._json({"url": self.gateway_url.replace("/gateway", "/gateway"), "shards": self.shards,
                               "session_start_limit": {"total": 1000, "remaining": 1000, "reset_after": 0,
                                                       "max_concurrency": 4}})
        if method == "GET" and tail == "users/@me":
            return self._json(self.bot)
        if method == "GET" and tail == "oauth2/applications/@me":
            return self._json({"id": self.app_id, "name": "Storykeeper", "icon": None, "description": "",
                               "rpc_origins": [], "bot_public": True, "bot_require_code_grant": False,
                               "owner": self.human, "summary": "", "verify_key": "0" * 64, "team": None,
                               "flags": 0, "bot": self.bot})
        if method == "PUT" and tail == f"applications/{self.app_id}/commands":
            echoed = [dict(c, id=snowflake(), application_id=self.app_id, version=snowflake()) for c in body or []]
            return self._json(echoed)
        if method == "POST" and tail == f"channels/{self.channel_id}/messages":
            message = self._message(body or {})
            await self._posted.put({"kind": "message", "body": body, "message": message, "path": "/" + tail})
            return self._json(message)
        if method == "POST" and tail.startswith("interactions/") and tail.endswith("/callback"):
            interaction_id = tail.split("/")[1]
            data = (body or {}).get("data") or {}
            kind = (body or {}).get("type")
            message = self._message(data)
            if kind == 7 and interaction_id in self._pressed_message:  # UPDATE_MESSAGE: the same message, edited
                message["id"] = self._pressed_message[interaction_id]
            await self._posted.put({"kind": "callback", "type": kind, "body": body, "message": message,
                                    "path": "/" + tail, "interaction": interaction_id})
            if self.callback_delay:  # Discord shows the reply to people before the bot hears back
                await asyncio.sleep(self.callback_delay)
            # with_response=1: discord.py wants the created message back, as JSON (not 204).
            return self._json({"interaction": {"id": interaction_id, "type": 2, "response_message_id": message["id"],
                                               "response_message_loading": False,
                                               "response_message_ephemeral": bool((data.get("flags") or 0) & 64)},
                               "resource": {"type": kind, "message": message}})
        if method == "POST" and tail.startswith("webhooks/"):  # a follow-up, e.g. after a deferral
            message = self._message(body or {})
            await self._posted.put({"kind": "followup", "body": body, "message": message, "path": "/" + tail,
                                    "token": tail.split("/")[2]})
            return self._json(message)
        if method == "PATCH" and tail.startswith("webhooks/"):
            message = self._message(body or {})
            if tail.endswith("/messages/@original") and tail.split("/")[2] in self._pressed_message:
                message["id"] = self._pressed_message[tail.split("/")[2]]  # a deferred press edits its message
            await self._posted.put({"kind": "edit", "body": body, "message": message, "path": "/" + tail,
                                    "token": tail.split("/")[2]})
            return self._json(message)
        self.mistakes.append(record)
        return self._json({"message": f"fake Discord has no {method} /{tail}", "code": 0}, status=404)

    async def _attachment(self, request: web.Request) -> web.Response:
        data = self.files.get(request.match_info["id"])
        if data is None:
            return web.Response(status=404)
        return web.Response(body=data, content_type="application/octet-stream")

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self._ws = ws
        await ws.send_str(json.dumps({"op": 10, "d": {"heartbeat_interval": self.heartbeat_ms}, "s": None, "t": None}))
        async for msg in ws:
            if msg.type != WSMsgType.TEXT:
                continue
            payload = json.loads(msg.data)
            if payload["op"] == 1:  # every heartbeat needs its ACK
                self.heartbeats += 1
                await ws.send_str(json.dumps({"op": 11, "d": None, "s": None, "t": None}))
            elif payload["op"] == 2 and self.close_on_identify is not None:
                await ws.close(code=self.close_on_identify, message=b"refused")
            elif payload["op"] == 2:
                self.identified = True
                shard = payload["d"].get("shard") or [0, 1]
                self.identifies.append(shard)
                self._ws = ws  # the latest shard (or process) to connect gets what the test dispatches
                self._sockets.append(ws)
                first = shard[0] == 0  # the server lives on shard 0
                await self.dispatch("READY", {
                    "v": 10, "user": self.bot, "guilds": [{"id": self.guild_id, "unavailable": True}] if first else [],
                    "session_id": f"fake-session-{shard[0]}", "resume_gateway_url": self.gateway_url,
                    "application": {"id": self.app_id, "flags": 0}, "private_channels": [],
                    "relationships": [], "user_settings": {}, "shard": shard})
                if first:
                    await self.dispatch("GUILD_CREATE", self._guild())
        return ws

    def _guild(self) -> dict[str, Any]:
        everyone = {"id": self.guild_id, "name": "@everyone", "permissions": str(0x7FFFFFFFFFF), "position": 0,
                    "color": 0, "hoist": False, "managed": False, "mentionable": False, "flags": 0}
        channel = {"id": self.channel_id, "type": 0, "name": "general", "position": 0, "guild_id": self.guild_id,
                   "permission_overwrites": [], "nsfw": False, "parent_id": None, "topic": None,
                   "last_message_id": None, "rate_limit_per_user": 0, "flags": 0}
        other = dict(channel, id=self.other_channel_id, name="book-club", position=1)
        return {"id": self.guild_id, "name": "Readers", "icon": None, "owner_id": self.human["id"],
                "roles": [everyone], "channels": [channel, other], "threads": [],
                "members": [self._member(self.bot), self._member(self.human)], "member_count": 2,
                "emojis": [], "stickers": [], "features": [], "large": False, "unavailable": False,
                "presences": [], "voice_states": [], "stage_instances": [], "guild_scheduled_events": [],
                "soundboard_sounds": [], "verification_level": 0, "default_message_notifications": 0,
                "explicit_content_filter": 0, "mfa_level": 0, "system_channel_flags": 0, "premium_tier": 0,
                "preferred_locale": "en-US", "nsfw_level": 0, "afk_timeout": 300, "afk_channel_id": None,
                "system_channel_id": None, "rules_channel_id": None, "public_updates_channel_id": None,
                "joined_at": "2024-01-01T00:00:00+00:00", "application_id": None}

    # -- what a test does -----------------------------------------------------------------

    async def close_gateway(self, code: int) -> None:
        """Close the bot's gateway connection as Discord does (4004: authentication failed)."""
        assert self._ws is not None, "the bot has not connected"
        await self._ws.close(code=code, message=b"closed by the fake Discord")

    async def dispatch(self, event: str, data: dict[str, Any]) -> None:
        assert self._ws is not None, "the bot has not connected"
        if self._ws.closed:  # that process is gone: the newest connection still open takes over
            self._ws = next((ws for ws in reversed(self._sockets) if not ws.closed), self._ws)
        self._seq += 1
        await self._ws.send_str(json.dumps({"op": 0, "t": event, "s": self._seq, "d": data}))

    async def say(self, content: str) -> None:
        """alice posts a message in #general."""
        message = self._message({"content": content}, author=self.human)
        message["member"] = {k: v for k, v in self._member(self.human).items() if k != "user"}
        if f"<@{self.bot['id']}>" in content:
            message["mentions"] = [dict(self.bot, member={k: v for k, v in self._member(self.bot).items() if k != "user"})]
        await self.dispatch("MESSAGE_CREATE", message)

    def _interaction(self, kind: int, data: dict[str, Any], message: dict[str, Any] | None = None,
                     channel_id: str | None = None, user: dict[str, Any] | None = None) -> dict[str, Any]:
        channel_id = channel_id or self.channel_id
        payload = {"id": snowflake(), "application_id": self.app_id, "type": kind, "data": data,
                   "guild_id": self.guild_id, "channel_id": channel_id,
                   "channel": {"id": channel_id, "type": 0, "guild_id": self.guild_id, "name": "general",
                               "position": 0, "permission_overwrites": [], "nsfw": False, "flags": 0},
                   "member": dict(self._member(user or self.human), permissions=str(0x7FFFFFFFFFF)),
                   "token": f"token-{snowflake()}", "version": 1, "app_permissions": str(0x7FFFFFFFFFF),
                   "locale": "en-US", "guild_locale": "en-US", "entitlements": [],
                   "authorizing_integration_owners": {"0": self.guild_id}, "context": 0,
                   "attachment_size_limit": 8388608}
        if message is not None:
            payload["message"] = message
            if kind == 3:
                self._pressed_message[payload["id"]] = self._pressed_message[payload["token"]] = message["id"]
        return payload

    async def slash(self, name: str, **options: str) -> None:
        data = {"id": snowflake(), "name": name, "type": 1,
                "options": [{"name": k, "type": 3, "value": v} for k, v in options.items()]}
        await self.dispatch("INTERACTION_CREATE", self._interaction(2, data))

    async def subcommand(self, group: str, name: str, channel_id: str | None = None, **options: Any) -> None:
        """A slash subcommand (``/settings here answer:true``); booleans and text options."""
        data = {"id": snowflake(), "name": group, "type": 1, "options": [{
            "name": name, "type": 1,
            "options": [{"name": k, "type": 5 if isinstance(v, bool) else 3, "value": v} for k, v in options.items()]}]}
        await self.dispatch("INTERACTION_CREATE", self._interaction(2, data, channel_id=channel_id))

    async def interact(self, name: str, options: dict[str, Any], user: dict[str, Any] | None = None,
                       autocomplete: str | None = None) -> dict[str, Any]:
        """A slash command (``"story add"``: a subcommand) or, with ``autocomplete`` naming the
        option being typed, an autocomplete request, from ``user`` (default alice; see
        ``user()``). An option given as (filename, bytes) is an attachment, uploaded as Discord
        does. Returns the interaction sent, whose ``id`` and ``token`` the bot's answers carry."""
        resolved: dict[str, Any] = {}
        wire = []
        for k, v in options.items():
            if isinstance(v, tuple):
                file_id = snowflake()
                filename, data = v
                self.files[file_id] = data
                url = f"http://127.0.0.1:{self.port}/attachments/{file_id}/{filename}"
                resolved.setdefault("attachments", {})[file_id] = {
                    "id": file_id, "filename": filename, "size": len(data), "url": url, "proxy_url": url}
                wire.append({"name": k, "type": 11, "value": file_id})
            else:
                wire.append(dict({"name": k, "type": 3, "value": v}, **({"focused": True} if k == autocomplete else {})))
        group, _, sub = name.partition(" ")
        if sub:
            wire = [{"name": sub, "type": 1, "options": wire}]
        data = {"id": snowflake(), "name": group, "type": 1, "options": wire}
        if resolved:
            data["resolved"] = resolved
        payload = self._interaction(4 if autocomplete else 2, data, user=user)
        await self.dispatch("INTERACTION_CREATE", payload)
        return payload

    @staticmethod
    def user(name: str) -> dict[str, Any]:
        """Another member of the server, for interactions from many readers."""
        return _user(snowflake(), name)

    async def click(self, message: dict[str, Any], label: str) -> None:
        button = next(c for row in message["components"] for c in row["components"] if c.get("label") == label)
        data = {"custom_id": button["custom_id"], "component_type": 2}
        await self.dispatch("INTERACTION_CREATE", self._interaction(3, data, message))

    async def next_post(self, timeout: float = 10.0) -> dict[str, Any]:
        """The next thing the bot sent: a channel message, an interaction callback, or an edit."""
        return await asyncio.wait_for(self._posted.get(), timeout)
