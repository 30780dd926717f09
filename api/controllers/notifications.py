"""Notifications over HTTP: phones (FCM tokens), quiet hours, the inbox and the live WebSocket. (The admins' webhook
subscribers, deliveries and dead letters: api/controllers/notifications_admin.py.)"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import AsyncGenerator, Iterable
from typing import Annotated, Any
from uuid import UUID

import asyncpg
import jwt
from litestar import Controller, Response, WebSocket, delete, get, post, put, websocket
from litestar.channels import ChannelsBackend, ChannelsPlugin, Subscriber
from litestar.channels.subscriber import BacklogStrategy
from litestar.datastructures import State
from litestar.di import NamedDependency
from litestar.exceptions import WebSocketDisconnect
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import FromPath, JSONBody, PathParameter, QueryParameter
from litestar.types import ControllerRouterHandler

from api.auth import Caller, DbConn
from api.db import acquire
from api.settings import Settings
from identity import service as identity
from identity.errors import IdentityError
from identity.models import Principal
from notifications import inbox, live, service
from notifications.models import (
    Device,
    DevicePage,
    DeviceRegistration,
    InboxPage,
    QuietHours,
    ReadAllResult,
    UnreadCount,
)


class LiveChannelsBackend(ChannelsBackend):
    """litestar's channels over `live.Listener`: one LISTEN connection per API process that comes back after it
    drops (litestar's AsyncPgChannelsBackend never reconnects), and a `live.RESYNC` on every channel then."""

    def __init__(self, dsn: str) -> None:
        self._dsn = dsn
        self.listener = live.Listener(self.connect)

    async def connect(self) -> asyncpg.Connection:
        """The LISTEN connection, named in pg_stat_activity by its application_name."""
        return await asyncpg.connect(
            self._dsn, server_settings={"application_name": live.LISTENER_APPLICATION_NAME}
        )

    async def on_startup(self) -> None:
        await self.listener.start()

    async def on_shutdown(self) -> None:
        await self.listener.stop()

    async def publish(self, data: bytes, channels: Iterable[str]) -> None:
        conn = await asyncpg.connect(self._dsn)
        try:
            for channel in channels:
                await conn.execute("SELECT pg_notify($1, $2)", channel, data.decode())
        finally:
            await conn.close()

    async def subscribe(self, channels: Iterable[str]) -> None:
        await self.listener.listen(channels)

    async def unsubscribe(self, channels: Iterable[str]) -> None:
        await self.listener.unlisten(channels)

    async def stream_events(self) -> AsyncGenerator[tuple[str, bytes], None]:
        async for event in self.listener.events():
            yield event

    async def get_history(self, channel: str, limit: int | None = None) -> list[bytes]:
        """Channels keep no history: what a socket missed is replayed from the inbox and the case history
        (`last_event_id`), never from the channel."""
        return []


class LiveSubscriber(Subscriber):
    """A socket's backlog of events. When it is full (a socket that does not read), the oldest is dropped and
    `missed` is set: the socket catches up from the store before it sends the next one."""

    def __init__(
        self,
        plugin: ChannelsPlugin,
        max_backlog: int | None = None,
        backlog_strategy: BacklogStrategy = "dropleft",
    ) -> None:
        super().__init__(plugin, max_backlog, backlog_strategy)
        self.max_backlog = max_backlog
        self.missed = False

    def put_nowait(self, item: bytes | None) -> bool:
        if self.max_backlog and self.qsize >= self.max_backlog:
            self.missed = True
        return super().put_nowait(item)


def channels_plugin(settings: Settings) -> ChannelsPlugin:
    """Live events on PostgreSQL LISTEN/NOTIFY: the worker NOTIFYs, every API process LISTENs."""
    return ChannelsPlugin(
        backend=LiveChannelsBackend(settings.database_url),
        arbitrary_channels_allowed=True,
        subscriber_max_backlog=1000,
        subscriber_backlog_strategy="dropleft",  # never blocks, not even the end of the stream
        subscriber_class=LiveSubscriber,
    )


# devices and quiet hours ---------------------------------------------------------------------------------------


class DevicesController(Controller):
    path = "/v1/devices"
    tags = ["notifications"]

    @get(
        operation_id="listDevices",
        summary="My phones registered for push, the most recently registered first (cursor-paginated)",
        description=(
            "The caller's phones registered for push (推送): the token, platform, app version and locale each "
            "registered with, when it was registered to the caller (created_at) and when it last registered "
            "(updated_at: the app registers on every start). A user keeps at most ten. Pages are "
            "{items, next_cursor}: send next_cursor back as `cursor` for the next page; it is null on the last."
        ),
        opt={"problems": ("invalid_cursor",)},
    )
    async def list_devices(
        self,
        conn: DbConn,
        principal: Caller,
        cursor: Annotated[str | None, QueryParameter(max_length=200)] = None,
        limit: Annotated[int, QueryParameter(ge=1, le=100)] = 20,
    ) -> DevicePage:
        return await service.list_devices(conn, principal.user_id, cursor, limit)

    @post(
        operation_id="registerDevice",
        summary="Register this phone for push (201 new to you, 200 already yours); a token moves to its latest user",
        description=(
            "Register this phone's push token (FCM) for the signed-in user; the app calls it on every start. "
            "201 when the token was not the caller's (new, or moved from another user who signed in on this "
            "phone before: it is theirs no more); 200 when the caller had registered it already: platform, app "
            "version and locale are refreshed and updated_at moves on."
        ),
        status_code=201,
        responses={
            200: ResponseSpec(
                data_container=Device,
                description="The token was already yours: refreshed",
                generate_examples=False,
            )
        },
    )
    async def register(
        self, conn: DbConn, principal: Caller, data: JSONBody[DeviceRegistration]
    ) -> Response[Device]:
        device, created = await service.register_device(conn, principal.user_id, data)
        return Response(device, status_code=201 if created else 200)

    @delete(
        "/{token:str}",
        operation_id="removeDevice",
        opt={"problems": ("device_not_found",)},
        summary="Stop push to this phone (on sign-out)",
        status_code=204,
    )
    async def remove(
        self,
        conn: DbConn,
        principal: Caller,
        token: Annotated[str, PathParameter(max_length=4096)],
    ) -> None:
        await service.remove_device(conn, principal.user_id, token)


class QuietHoursController(Controller):
    path = "/v1/me/quiet-hours"
    tags = ["notifications"]

    @get(operation_id="getQuietHours", summary="My quiet hours (local time), or null when none are set")
    async def get_quiet_hours(self, conn: DbConn, principal: Caller) -> QuietHours | None:
        return await service.get_quiet_hours(conn, principal.user_id)

    @put(
        operation_id="setQuietHours",
        opt={"problems": ("invalid_quiet_hours",)},
        summary="Hold pushes back between start and end (local time; urgent ones still come)",
    )
    async def set_quiet_hours(
        self, conn: DbConn, principal: Caller, data: JSONBody[QuietHours]
    ) -> QuietHours:
        return await service.set_quiet_hours(conn, principal.user_id, data)

    @delete(operation_id="clearQuietHours", summary="No quiet hours", status_code=204)
    async def clear_quiet_hours(self, conn: DbConn, principal: Caller) -> None:
        await service.clear_quiet_hours(conn, principal.user_id)


# the inbox ----------------------------------------------------------------------------------------------------


class InboxController(Controller):
    path = "/v1/inbox"
    tags = ["notifications"]

    @get(
        operation_id="listInbox",
        opt={"problems": ("invalid_cursor",)},
        summary="My messages, newest first, with the unread count (cursor-paginated)",
    )
    async def list_inbox(
        self,
        state: State,
        conn: DbConn,
        principal: Caller,
        cursor: Annotated[str | None, QueryParameter(max_length=100)] = None,
        limit: Annotated[int, QueryParameter(ge=1, le=100)] = 50,
        unread: Annotated[bool, QueryParameter(description="only unread messages")] = False,
    ) -> InboxPage:
        return await inbox.page(
            conn,
            state.notifications_config,
            principal.user_id,
            principal.locale,
            cursor=cursor,
            limit=limit,
            unread_only=unread,
        )

    @post(
        "/{notification_id:uuid}/read",
        operation_id="markInboxRead",
        opt={"problems": ("notification_not_found",)},
        summary="Mark one message read",
        status_code=200,
    )
    async def mark_read(
        self, conn: DbConn, principal: Caller, notification_id: FromPath[UUID]
    ) -> UnreadCount:
        return await inbox.mark_read(conn, principal.user_id, notification_id)

    @post(
        "/read-all",
        operation_id="markInboxAllRead",
        summary="Mark every message read (or those up to the newest the app has shown: up_to)",
        status_code=200,
    )
    async def mark_all_read(
        self, conn: DbConn, principal: Caller, up_to: Annotated[UUID | None, QueryParameter()] = None
    ) -> ReadAllResult:
        return await inbox.mark_all_read(conn, principal.user_id, up_to)


# live events --------------------------------------------------------------------------------------------------

AUTH_TIMEOUT_S = 10.0
CLOSE_UNAUTHENTICATED = 4401
CLOSE_TRY_AGAIN_LATER = 1013

log = logging.getLogger("cityloop.live")


async def _principal(state: State, token: str) -> Principal:
    async with acquire(state.pool) as conn:
        return await identity.authenticate(conn, state.auth_config, token)


async def _credentials(socket: WebSocket[Any, Any, Any]) -> tuple[str | None, str | None]:
    """The access token from `?access_token=` or a first message {"type": "auth", "access_token": "..."}, and
    the `last_event_id` to resume from (the auth message's, else the query's)."""
    resume = socket.query_params.get("last_event_id")
    last_event_id = str(resume) if resume else None
    token = socket.query_params.get("access_token")
    if token:
        return str(token), last_event_id
    try:
        first = await asyncio.wait_for(socket.receive_text(), timeout=AUTH_TIMEOUT_S)
        message = json.loads(first)
    except (TimeoutError, ValueError):
        return None, last_event_id
    if (
        isinstance(message, dict)
        and message.get("type") == "auth"
        and isinstance(message.get("access_token"), str)
    ):
        if isinstance(message.get("last_event_id"), str):
            last_event_id = message["last_event_id"]
        return str(message["access_token"]), last_event_id
    return None, last_event_id


class _LiveSender:
    """Sends a socket's events in order: live ones from its subscriber, and, after its listener came back or
    its backlog overflowed, first what it missed, read again from the store a page at a time."""

    def __init__(
        self, socket: WebSocket[Any, Any, Any], state: State, stream: live.Stream, subscriber: LiveSubscriber
    ) -> None:
        self.socket, self.state, self.stream, self.subscriber = socket, state, stream, subscriber
        self.closed = False

    async def on_event(self, payload: bytes) -> None:
        if self.closed:
            return
        if payload == live.RESYNC or self.subscriber.missed:
            self.subscriber.missed = False
            await self.catch_up()
            if payload == live.RESYNC or self.closed:
                return
        frame = self.stream.live(payload)
        if frame is not None:
            await self.socket.send_text(frame)

    async def catch_up(self) -> None:
        complete = False
        while not complete:
            try:
                async with acquire(self.state.pool) as conn:
                    frames, complete = await self.stream.catch_up(conn)
            except Exception as exc:  # the app reconnects with its last live_id and resumes
                log.warning("live socket of %s cannot catch up: %r", self.stream.user_id, exc, exc_info=True)
                self.closed = True
                await self.socket.close(code=CLOSE_TRY_AGAIN_LATER, reason="catch_up_failed")
                return
            for frame in frames:
                await self.socket.send_text(frame)


@websocket(
    "/v1/live",
    name="live",
    description="Live events for the signed-in user: new inbox messages and case changes (ids only). "
    'Authenticate with a first message {"type": "auth", "access_token": "..."} (or ?access_token=, which '
    "proxies may log). The socket closes with code 4401 when the token is refused or expires: reconnect with a "
    'fresh one. Send {"type": "ping"} for {"type": "pong"}. Every event carries live_id: reconnect with the last '
    "one as last_event_id (in the auth message or the query) to be sent first what was missed.",
)
async def live_events(socket: WebSocket[Any, Any, Any], channels: NamedDependency[ChannelsPlugin]) -> None:
    await socket.accept()
    token, last_event_id = await _credentials(socket)
    state = socket.app.state
    try:
        principal = await _principal(state, token) if token else None
    except IdentityError as exc:
        await socket.close(code=CLOSE_UNAUTHENTICATED, reason=exc.code)
        return
    if principal is None:
        await socket.close(code=CLOSE_UNAUTHENTICATED, reason="unauthenticated")
        return
    expires_at = _expiry(token or "")
    async with channels.start_subscription([live.user_channel(principal.user_id)]) as subscriber:
        # listening before reading the store: what commits from now on is heard, what came before is read
        async with acquire(state.pool) as conn:
            stream, missed = await live.open_stream(conn, principal.user_id, last_event_id)
        await socket.send_json(
            {
                "type": "ready",
                "user_id": str(principal.user_id),
                "expires_at": expires_at,
                "live_id": stream.start,
                "resumed": stream.resumed,
            }
        )
        for frame in missed:
            await socket.send_text(frame)
        assert isinstance(subscriber, LiveSubscriber)
        sender = _LiveSender(socket, state, stream, subscriber)
        async with subscriber.run_in_background(sender.on_event, join=False):
            with contextlib.suppress(WebSocketDisconnect):
                while True:
                    try:
                        text = await asyncio.wait_for(socket.receive_text(), max(expires_at - time.time(), 0))
                    except TimeoutError:  # the app reconnects with a fresh token
                        await socket.close(code=CLOSE_UNAUTHENTICATED, reason="token_expired")
                        return
                    if _is_ping(text):
                        await socket.send_json({"type": "pong"})


def _expiry(token: str) -> int:
    """When the (already verified) access token expires, as unix seconds."""
    claims = jwt.decode(token, options={"verify_signature": False})
    return int(claims["exp"])


def _is_ping(text: str) -> bool:
    try:
        return bool(json.loads(text) == {"type": "ping"})
    except ValueError:
        return False


# admins: webhooks, deliveries, the outbox ---------------------------------------------------------------------


ROUTES: list[ControllerRouterHandler] = [
    DevicesController,
    QuietHoursController,
    InboxController,
    live_events,
]
