"""The command centre's live feed: server-sent events that refresh the user's queues while the session lasts."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncGenerator, Mapping
from typing import Any, Final

import asyncpg
import msgspec
from litestar import Request, get
from litestar.channels import ChannelsPlugin
from litestar.di import NamedDependency
from litestar.response import ServerSentEvent
from litestar.response.sse import ServerSentEventMessage

from api.db import acquire
from api.settings import Settings
from cases.workflow import desks
from console import sessions
from console.areas import may_enter
from console.auth import CurrentUser
from console.security import SESSION_COOKIE
from notifications import live

# --- the live feed ----------------------------------------------------------------------------------------------

#: how often the feed looks for changes in the user's scope (events on the user's own channel come at once)
LIVE_POLL_S: Final = 5.0
#: a feed ends after this long (or the idle time of a session, if shorter); the page reconnects if its user is
#: still at it
LIVE_MAX_S: Final = 600.0


def _sse(event: str, data: Mapping[str, Any]) -> ServerSentEventMessage:
    return ServerSentEventMessage(event=event, data=msgspec.json.encode(data).decode())


@get("/live", name="console.command.live")
async def live_feed(
    request: Request[Any, Any, Any], user: CurrentUser, channels: NamedDependency[ChannelsPlugin]
) -> ServerSentEvent:
    """Server-sent events for the signed-in user's queues, from the session (the console has no bearer token
    for the API's /v1/live socket). Two sources, each a `case` event with the case and its new state:
    - the user's own live channel, as /v1/live forwards it (notifications/live.py: case changes of cases the
      user is around: a handler's department's, an inspector's; sent by the worker's fan-out);
    - every LIVE_POLL_S, the case events committed since in the user's scope (`casework.case_changes_after`),
      so that intake clerks, shift leads and dispatchers, whom the fan-out does not tell, see their queues move.
    `ready` first; `end` when the feed closes (after LIVE_MAX_S, or the session's idle time if shorter)."""
    principal = user.principal
    state = request.app.state
    settings: Settings = state.settings
    lifetime = min(LIVE_MAX_S, float(settings.console_idle_timeout_s))
    token = request.cookies.get(SESSION_COOKIE, "")

    async def events() -> AsyncGenerator[ServerSentEventMessage, None]:
        heard: asyncio.Queue[bytes] = asyncio.Queue(maxsize=1000)

        async def on_event(payload: bytes) -> None:
            with contextlib.suppress(asyncio.QueueFull):
                heard.put_nowait(payload)

        async with channels.start_subscription([live.user_channel(principal.user_id)]) as subscriber:
            async with acquire(state.pool) as conn:
                last = await desks.case_events_head(conn)
            yield _sse("ready", {"user_id": str(principal.user_id)})
            ends = asyncio.get_running_loop().time() + lifetime
            async with subscriber.run_in_background(on_event, join=False):
                while (left := ends - asyncio.get_running_loop().time()) > 0:
                    try:
                        payload = await asyncio.wait_for(heard.get(), min(LIVE_POLL_S, left))
                    except TimeoutError:
                        async with acquire(state.pool) as conn, conn.transaction(readonly=True):
                            if not await _still_allowed(conn, token, settings):
                                break  # signed out, idle, ended elsewhere, or the role taken away
                            changes, last = await desks.case_changes_after(conn, principal, last)
                        for case_id, to_state in changes:
                            yield _sse("case", {"case_id": str(case_id), "state": to_state})
                        continue
                    message = _channel_event(payload)
                    if message is not None:
                        yield message
            yield _sse("end", {})

    return ServerSentEvent(events(), headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})


async def _still_allowed(conn: asyncpg.Connection, token: str, settings: Settings) -> bool:
    """Is the feed's session still live (without restarting its idle clock) and its user still a command user?"""
    session = await sessions.load(conn, token, settings.console_idle_timeout_s, touch=False)
    return session is not None and may_enter(session.principal, "command")


def _channel_event(payload: bytes) -> ServerSentEventMessage | None:
    """A case event of the user's channel as an SSE `case`; a resync (the listener came back) as `resync`."""
    if payload == live.RESYNC:
        return _sse("resync", {})
    try:
        message = msgspec.json.decode(payload)
    except msgspec.DecodeError:
        return None
    if (
        isinstance(message, dict)
        and message.get("type") == "case"
        and isinstance(message.get("case_id"), str)
    ):
        return _sse("case", {"case_id": message["case_id"], "state": message.get("state")})
    return None
