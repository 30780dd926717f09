"""Live events: what the worker NOTIFYs on PostgreSQL and the API's WebSocket forwards to a signed-in app.

Each user has a channel of their own. The worker sends from inside its fan-out transaction, so an event is
heard only once what it points at is committed. Payloads are small: ids, the app fetches the details.

NOTIFY is fire-and-forget: what is sent while nobody LISTENs is gone. The API's LISTEN connection
(`Listener`) therefore comes back after it drops (a PostgreSQL restart, a killed backend, a network cut), with
backoff, listening to every channel again; and each socket's `Stream` knows how far the app got, so that
what it missed is read again from the durable store:

- an `inbox` event is an inbox row (notifications), in the order of its `seq`;
- a `case` event is a state change in case_events, of a case the user is around (by the rule of
  fanout.plan_transition: reporter, follower, inspector, handler of the case's department; not their own).

Every event frame carries `live_id`, the stream's position after it: the last inbox message delivered and the
highest case event delivered. The app sends the last one it got back as `last_event_id` when it reconnects;
the socket then replays what came after it before going live, and a socket whose listener came back (or whose
backlog overflowed) catches up from its own position the same way. Replayed and live events meet at a seam:
a frame already delivered on this socket is not delivered again.

Known limits: positions follow commit order only as far as ids do. Inbox rows are written by the worker's
fan-out, one transaction after another, so `seq` is their commit order while one worker fans out; case events
are committed by API transactions side by side, and one that commits a few milliseconds after a higher id was
already delivered is missed by a resume from that higher id (it is still delivered live). A case event
replayed before the worker fanned it out is delivered live again later if the app has reconnected in between:
the same `event_id`, which apps already treat as "refetch the case".
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import contextlib
import logging
import random
import re
import time
from collections import OrderedDict
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from datetime import datetime
from typing import Any, Final
from uuid import UUID

import asyncpg
import msgspec

from notifications import store

log = logging.getLogger("cityloop.live")

#: PostgreSQL channel names are identifiers of at most 63 bytes: a prefix and the user id in hex.
_PREFIX = "cityloop_user_"

#: What the listener puts on every channel once it listens again after a drop: "catch up from the store".
#: A NOTIFY payload is text and cannot hold a NUL, so no NOTIFY can look like it.
RESYNC: Final = b"\x00resync"

#: The application_name of the LISTEN connection (pg_stat_activity shows which backend it is).
LISTENER_APPLICATION_NAME: Final = "cityloop-live"

#: At most this many events are replayed to an app that reconnects; more, and it refetches instead.
RESUME_LIMIT: Final = 1000

#: Events read per query when a socket catches up.
CATCH_UP_PAGE: Final = 500

#: Frames remembered per socket, to deliver each once where replay and live events meet.
_SEEN_MAX: Final = 4096

_LIVE_ID = re.compile(r"^(-|[0-9a-f]{32})\.(0|[1-9][0-9]{0,18})$")
_INT64_MAX: Final = 2**63 - 1


def user_channel(user_id: UUID) -> str:
    return _PREFIX + user_id.hex


def inbox_event(notification_id: UUID, kind: str, case_id: UUID | None) -> str:
    return _encode({"type": "inbox", "id": str(notification_id), "kind": kind, "case_id": _str(case_id)})


def case_event(case_id: UUID, state: str | None, event_id: int | None) -> str:
    return _encode({"type": "case", "case_id": str(case_id), "state": state, "event_id": event_id})


def _str(value: UUID | None) -> str | None:
    return str(value) if value is not None else None


def _encode(payload: dict[str, Any]) -> str:
    return msgspec.json.encode(payload).decode()


# positions -----------------------------------------------------------------------------------------------------


class Position(msgspec.Struct, frozen=True):
    """How far a socket's app got: the last inbox message delivered (None: the user had none when the stream
    started) and the highest case event delivered (or the newest one when the stream started)."""

    inbox: UUID | None
    event: int


def encode_position(position: Position) -> str:
    raw = f"{position.inbox.hex if position.inbox else '-'}.{position.event}"
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_position(live_id: str) -> Position | None:
    """A `live_id` this API gave out, or None for anything else."""
    if not 1 <= len(live_id) <= 100:
        return None
    try:
        raw = base64.urlsafe_b64decode(live_id + "=" * (-len(live_id) % 4)).decode("ascii")
    except (ValueError, binascii.Error, UnicodeDecodeError):
        return None
    match = _LIVE_ID.fullmatch(raw)
    if match is None or int(match[2]) > _INT64_MAX:
        return None
    return Position(None if match[1] == "-" else UUID(hex=match[1]), int(match[2]))


async def head(conn: asyncpg.Connection, user_id: UUID) -> Position:
    """Where a user's stream is now: their newest inbox message, the newest case event."""
    row = await store.live_head(conn, user_id)
    return Position(row["inbox_id"], int(row["event_id"]))


# what a socket missed ------------------------------------------------------------------------------------------


class Missed(msgspec.Struct, frozen=True):
    """An event read again from the store: an inbox row (`notification_id`) or a case event (`event_id`)."""

    at: datetime
    notification_id: UUID | None = None
    kind: str | None = None
    case_id: UUID | None = None
    state: str | None = None
    event_id: int | None = None


async def missed(
    conn: asyncpg.Connection, user_id: UUID, position: Position, limit: int, *, newest: Position | None = None
) -> tuple[list[Missed], bool] | None:
    """Up to `limit` events after `position`, oldest first, and whether that was all of them.

    None when the position cannot be resumed from: its inbox message is not the user's (or is gone), or it is
    ahead of `newest` (a position of another database, such as one restored from a backup)."""
    after_seq = 0
    if position.inbox is not None:
        seq = await store.inbox_seq(conn, user_id, position.inbox)
        if seq is None:
            return None
        after_seq = seq
    if newest is not None and position.event > newest.event:
        return None
    notes = await store.inbox_after(conn, user_id, after_seq, limit + 1)
    events = await store.case_events_after(conn, user_id, position.event, limit + 1)
    # each stream stays in its own order (seq, id): any prefix of the merge is a consistent position
    merged = _merge(
        [
            Missed(at=n["created_at"], notification_id=n["id"], kind=n["kind"], case_id=n["case_id"])
            for n in notes
        ],
        [Missed(at=e["at"], case_id=e["case_id"], state=e["to_state"], event_id=e["id"]) for e in events],
    )
    return merged[:limit], len(merged) <= limit


def _merge(notes: list[Missed], events: list[Missed]) -> list[Missed]:
    out: list[Missed] = []
    i = j = 0
    while i < len(notes) or j < len(events):
        if j == len(events) or (i < len(notes) and notes[i].at <= events[j].at):
            out.append(notes[i])
            i += 1
        else:
            out.append(events[j])
            j += 1
    return out


class Stream:
    """One socket's events: live ones as they come, missed ones read again, each delivered once, each frame
    stamped with the position after it (`live_id`)."""

    def __init__(self, user_id: UUID, position: Position, *, resumed: bool) -> None:
        self.user_id = user_id
        self.position = position
        self.resumed = resumed
        self.start = encode_position(position)
        self._seen: OrderedDict[tuple[str, object], None] = OrderedDict()

    def _first_time(self, key: tuple[str, object]) -> bool:
        if key in self._seen:
            return False
        self._seen[key] = None
        if len(self._seen) > _SEEN_MAX:
            self._seen.popitem(last=False)
        return True

    def live(self, payload: bytes) -> str | None:
        """The frame to send for a NOTIFY payload, or None when this socket delivered it already. Payloads
        that are not inbox or case events of ours go out as they came."""
        text = payload.decode()
        try:
            message = msgspec.json.decode(payload)
        except msgspec.DecodeError:
            return text
        if not isinstance(message, dict):
            return text
        if message.get("type") == "inbox" and isinstance(message.get("id"), str):
            try:
                notification_id = UUID(message["id"])
            except ValueError:
                return text
            if not self._first_time(("n", notification_id)):
                return None
            self.position = Position(notification_id, self.position.event)
        elif message.get("type") == "case" and type(message.get("event_id")) is int:
            event_id: int = message["event_id"]
            if not self._first_time(("c", event_id)):
                return None
            self.position = Position(self.position.inbox, max(self.position.event, event_id))
        else:
            return text
        message["live_id"] = encode_position(self.position)
        message["replayed"] = False
        return _encode(message)

    def replay(self, items: Iterable[Missed]) -> list[str]:
        """The frames of events read again (`replayed: true`), those this socket has not delivered yet."""
        frames: list[str] = []
        for item in items:
            if item.notification_id is not None:
                if not self._first_time(("n", item.notification_id)):
                    continue
                self.position = Position(item.notification_id, self.position.event)
                frame: dict[str, Any] = {
                    "type": "inbox",
                    "id": str(item.notification_id),
                    "kind": item.kind,
                    "case_id": _str(item.case_id),
                }
            else:
                assert item.event_id is not None and item.case_id is not None
                if not self._first_time(("c", item.event_id)):
                    continue
                self.position = Position(self.position.inbox, max(self.position.event, item.event_id))
                frame = {
                    "type": "case",
                    "case_id": str(item.case_id),
                    "state": item.state,
                    "event_id": item.event_id,
                }
            frame["live_id"] = encode_position(self.position)
            frame["replayed"] = True
            frames.append(_encode(frame))
        return frames

    async def catch_up(self, conn: asyncpg.Connection, page: int = CATCH_UP_PAGE) -> tuple[list[str], bool]:
        """A page of what came after this socket's position (after its listener came back, or its backlog
        overflowed), and whether that was all. A position that cannot be resumed from any more (its inbox
        message is gone) starts again from now."""
        found = await missed(conn, self.user_id, self.position, page)
        if found is None:
            log.warning("live stream of %s: its position is gone; going on from now", self.user_id)
            self.position = await head(conn, self.user_id)
            return [], True
        items, complete = found
        return self.replay(items), complete


async def open_stream(
    conn: asyncpg.Connection, user_id: UUID, last_event_id: str | None, limit: int = RESUME_LIMIT
) -> tuple[Stream, list[str]]:
    """A new socket's stream, and the frames it replays first: what came after `last_event_id` when the app
    sent one this API can resume from and at most `limit` events came since; otherwise none (`resumed` is
    false, the app refetches what it shows) and the stream starts now."""
    now = await head(conn, user_id)
    position = decode_position(last_event_id) if last_event_id else None
    if position is not None:
        found = await missed(conn, user_id, position, limit, newest=now)
        if found is not None and found[1]:
            stream = Stream(user_id, position, resumed=True)
            return stream, stream.replay(found[0])
    return Stream(user_id, now, resumed=False), []


# the LISTEN connection -----------------------------------------------------------------------------------------

#: What a database that went away, cannot be reached or refuses raises.
DROPPED: Final = (OSError, asyncpg.PostgresError, asyncpg.InterfaceError, TimeoutError)


class Listener:
    """One LISTEN connection for every channel this process's sockets follow, that comes back after it drops.

    A drop is seen at once when the server ends the connection (the termination listener), and otherwise
    within `check_every_s` + `check_timeout_s` (a `SELECT 1` that does not answer). Reconnection is retried
    with exponential backoff and jitter, from `backoff_base_s` up to `backoff_max_s`; once connected again it
    LISTENs to every channel and puts `RESYNC` on each, so that every socket catches up from the store.
    Notifications arrive from `events()` as (channel, payload) pairs."""

    def __init__(
        self,
        connect: Callable[[], Awaitable[asyncpg.Connection]],
        *,
        backoff_base_s: float = 0.1,
        backoff_max_s: float = 5.0,
        check_every_s: float = 15.0,
        check_timeout_s: float = 5.0,
        connect_timeout_s: float = 10.0,
    ) -> None:
        self._connect = connect
        self._backoff_base_s = backoff_base_s
        self._backoff_max_s = backoff_max_s
        self._check_every_s = check_every_s
        self._check_timeout_s = check_timeout_s
        self._connect_timeout_s = connect_timeout_s
        self._channels: set[str] = set()
        self._conn: asyncpg.Connection | None = None
        self._queue: asyncio.Queue[tuple[str, bytes]] = asyncio.Queue()
        self._lock = asyncio.Lock()
        self._lost = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self.reconnects = 0

    @property
    def connected(self) -> bool:
        return self._conn is not None and not self._conn.is_closed()

    @property
    def backend_pid(self) -> int | None:
        """The server process of the LISTEN connection (None while down)."""
        return self._conn.get_server_pid() if self._conn is not None else None

    async def start(self) -> None:
        """Connect (a database that is down now is retried in the background) and start watching."""
        try:
            await self._open()
        except DROPPED as exc:
            log.warning("live listener: cannot connect (%s); retrying in the background", _why(exc))
        self._task = asyncio.create_task(self._run(), name="live-listener")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        async with self._lock:
            conn, self._conn = self._conn, None
            self._channels.clear()
        if conn is not None:
            try:
                await asyncio.wait_for(conn.close(), self._check_timeout_s)
            except (*DROPPED, asyncio.CancelledError):
                conn.terminate()

    async def listen(self, channels: Iterable[str]) -> None:
        async with self._lock:
            new = set(channels) - self._channels
            self._channels |= new  # while down: listened to (and caught up) once the connection is back
            if self._conn is not None:
                try:
                    for channel in sorted(new):
                        await asyncio.wait_for(
                            self._conn.add_listener(channel, self._on_notify), self._check_timeout_s
                        )
                except DROPPED as exc:
                    self._mark_lost(self._conn, exc)

    async def unlisten(self, channels: Iterable[str]) -> None:
        async with self._lock:
            gone = set(channels) & self._channels
            self._channels -= gone
            if self._conn is not None:
                try:
                    for channel in sorted(gone):
                        await asyncio.wait_for(
                            self._conn.remove_listener(channel, self._on_notify), self._check_timeout_s
                        )
                except DROPPED as exc:
                    self._mark_lost(self._conn, exc)

    async def events(self) -> AsyncIterator[tuple[str, bytes]]:
        while True:
            channel, payload = await self._queue.get()
            if channel in self._channels:  # an UNLISTEN may have crossed the notification
                yield channel, payload

    # the watch -------------------------------------------------------------------------------------------------

    async def _open(self) -> None:
        conn = await asyncio.wait_for(self._connect(), self._connect_timeout_s)
        try:
            conn.add_termination_listener(self._on_terminated)
            async with self._lock:
                for channel in sorted(self._channels):
                    await asyncio.wait_for(conn.add_listener(channel, self._on_notify), self._check_timeout_s)
                self._conn = conn
                self._lost.clear()
        except BaseException:
            conn.terminate()
            raise

    async def _run(self) -> None:
        attempt, down_since = 0, time.monotonic()
        while True:
            if self._conn is None:
                try:
                    await self._open()
                except Exception as exc:  # whatever it is, the listener must come back: retry it
                    attempt += 1
                    delay = min(self._backoff_max_s, self._backoff_base_s * 2 ** min(attempt - 1, 30))
                    delay *= random.uniform(0.5, 1.0)
                    log.warning(
                        "live listener: reconnect attempt %d failed (%s); next in %.2f s",
                        attempt,
                        _why(exc),
                        delay,
                    )
                    await asyncio.sleep(delay)
                    continue
                self.reconnects += 1
                log.warning(
                    "live listener: reconnected after %.2f s and %d failed attempts; listening to %d channels "
                    "again, sockets catch up from the store",
                    time.monotonic() - down_since,
                    attempt,
                    len(self._channels),
                )
                for channel in list(self._channels):
                    self._queue.put_nowait((channel, RESYNC))
                attempt = 0
            try:
                await asyncio.wait_for(self._lost.wait(), self._check_every_s)
            except TimeoutError:
                if await self._healthy():
                    continue
            conn, self._conn = self._conn, None
            down_since = time.monotonic()
            if conn is not None:
                conn.terminate()
            log.warning("live listener: connection lost; reconnecting (%d channels)", len(self._channels))

    async def _healthy(self) -> bool:
        async with self._lock:
            conn = self._conn
            if conn is None or conn.is_closed():
                return False
            try:
                await asyncio.wait_for(conn.fetchval("SELECT 1"), self._check_timeout_s)
            except DROPPED as exc:
                log.warning("live listener: health check failed (%s)", _why(exc))
                return False
            return True

    def _mark_lost(self, conn: object, exc: BaseException | None = None) -> None:
        if conn is self._conn:
            if exc is not None:
                log.warning("live listener: %s", _why(exc))
            self._lost.set()

    def _on_terminated(self, conn: object) -> None:
        self._mark_lost(conn)

    def _on_notify(self, conn: object, pid: int, channel: str, payload: object) -> None:
        if isinstance(payload, str):
            self._queue.put_nowait((channel, payload.encode()))


def _why(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
