# ruff: noqa: F401, F811
"""Live events survive a lost LISTEN connection, and an app that reconnects gets what it missed, once.

The API's LISTEN connection is killed the way a PostgreSQL restart kills it (pg_terminate_backend of that one
backend: the shared test server keeps running for the other tests); while it cannot reconnect, a case moves
and the worker NOTIFYs nobody. Once it is back, the open socket gets what it missed, read again from the inbox
and the case history, and then live events as before. An app that was away sends its last `live_id` as
`last_event_id` and gets exactly the events it missed, each once, then live ones.
"""

from __future__ import annotations

import asyncio
import base64
import json
import logging
import socket
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any, cast

import aiohttp
import asyncpg
import pytest
import uvicorn
from litestar.channels import ChannelsPlugin

from api.app import create_app
from api.controllers.notifications import (
    CLOSE_TRY_AGAIN_LATER,
    LiveChannelsBackend,
    LiveSubscriber,
    _LiveSender,
)
from api.db import create_pool
from api.settings import Settings
from notifications import live
from notifications.runner import Notifier
from tests.cases.workflow_fixtures import DEPARTMENT, Staff, make_case
from tests.identity.helpers import bearer
from tests.notifications.conftest import (  # the notifications tests' fixtures, used by name
    Citizen,
    config,
    demo_city,
    fake_fcm,
    fcm_credentials,
    no_network,
    notifier,
    pool,
    reporter,
    settings,
    staff,
)
from tests.notifications.helpers import add_report

# a frame that does not come within this long is taken as not coming at all
QUIET_S = 0.7


def _now() -> datetime:
    return datetime.now(UTC)


def _b64(raw: str) -> str:
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


class Gate:
    """Stands between the API's listener and PostgreSQL: while shut, every connection attempt is refused the
    way a server that is down refuses it."""

    def __init__(self) -> None:
        self.open = True
        self.refused = 0

    def wrap(self, connect: Callable[[LiveChannelsBackend], Awaitable[asyncpg.Connection]]) -> Any:
        async def gated(backend: LiveChannelsBackend) -> asyncpg.Connection:
            if not self.open:
                self.refused += 1
                raise ConnectionRefusedError(111, "Connection refused (the test's gate is shut)")
            return await connect(backend)

        return gated


@pytest.fixture
def gate(monkeypatch: pytest.MonkeyPatch) -> Gate:
    g = Gate()
    monkeypatch.setattr(LiveChannelsBackend, "connect", g.wrap(LiveChannelsBackend.connect))
    return g


@pytest.fixture
async def origin(settings: Settings, gate: Gate) -> AsyncIterator[str]:
    """The API under uvicorn on a free loopback port (its listener behind the gate); yields host:port."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(
        uvicorn.Config(create_app(settings), lifespan="on", log_level="warning", ws="websockets-sansio")
    )
    serving = asyncio.create_task(server.serve(sockets=[sock]))
    for _ in range(500):
        if server.started or serving.done():
            break
        await asyncio.sleep(0.01)
    assert server.started, "uvicorn did not start"
    yield f"127.0.0.1:{sock.getsockname()[1]}"
    server.should_exit = True
    await asyncio.wait_for(serving, 15)


async def listener_pids(db: asyncpg.Connection) -> list[int]:
    rows = await db.fetch(
        "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = $1",
        live.LISTENER_APPLICATION_NAME,
    )
    return [r["pid"] for r in rows]


async def kill_listener(db: asyncpg.Connection) -> int:
    """Terminate the API's LISTEN backend, as a restart of PostgreSQL would; wait until it is gone."""
    [pid] = await listener_pids(db)
    assert await db.fetchval("SELECT pg_terminate_backend($1)", pid)
    for _ in range(200):
        if pid not in await listener_pids(db):
            return pid
        await asyncio.sleep(0.02)
    raise AssertionError("the LISTEN backend did not go")


async def wait_for_listener(db: asyncpg.Connection, other_than: int, within: float = 15.0) -> int:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while loop.time() < deadline:
        pids = await listener_pids(db)
        if pids and pids != [other_than]:
            [pid] = pids
            return pid
        await asyncio.sleep(0.05)
    raise AssertionError("the listener did not come back")


async def receive(ws: aiohttp.ClientWebSocketResponse, within: float = 10.0) -> dict[str, Any]:
    message = await ws.receive(timeout=within)
    assert message.type == aiohttp.WSMsgType.TEXT, message
    body: dict[str, Any] = json.loads(message.data)
    return body


async def nothing_more(ws: aiohttp.ClientWebSocketResponse) -> None:
    try:
        extra = await ws.receive(timeout=QUIET_S)
    except TimeoutError:
        return
    pytest.fail(f"one frame too many: {extra}")


async def transition(
    http: aiohttp.ClientSession,
    origin: str,
    db: asyncpg.Connection,
    token: str,
    case_id: uuid.UUID,
    action: str,
    **fields: Any,
) -> None:
    version = await db.fetchval("SELECT version FROM cases WHERE id = $1", case_id)
    async with http.post(
        f"http://{origin}/v1/cases/{case_id}/transitions",
        json={"action": action, **fields},
        headers={**bearer(token), "If-Match": str(version)},
    ) as r:
        assert r.status == 200, await r.text()


async def connect(
    http: aiohttp.ClientSession,
    origin: str,
    token: str,
    last_event_id: str | None = None,
    *,
    query: bool = False,
) -> tuple[aiohttp.ClientWebSocketResponse, dict[str, Any]]:
    """A socket signed in with the `auth` message (or the query), resuming from `last_event_id`; and its ready."""
    if query:
        params = {"access_token": token, **({"last_event_id": last_event_id} if last_event_id else {})}
        ws = await http.ws_connect(f"ws://{origin}/v1/live", params=params)
    else:
        ws = await http.ws_connect(f"ws://{origin}/v1/live")
        auth = {"type": "auth", "access_token": token}
        await ws.send_json({**auth, "last_event_id": last_event_id} if last_event_id else auth)
    ready = await receive(ws)
    assert ready["type"] == "ready", ready
    return ws, ready


def expected(
    notes: list[asyncpg.Record], events: list[asyncpg.Record], replayed: bool
) -> list[dict[str, Any]]:
    """The frames of these inbox rows and case events, without their live_id."""
    frames: list[dict[str, Any]] = [
        {
            "type": "inbox",
            "id": str(n["id"]),
            "kind": n["kind"],
            "case_id": str(n["case_id"]),
            "replayed": replayed,
        }
        for n in notes
    ]
    frames += [
        {
            "type": "case",
            "case_id": str(e["case_id"]),
            "state": e["to_state"],
            "event_id": e["id"],
            "replayed": replayed,
        }
        for e in events
    ]
    return frames


def without_live_id(frames: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: v for k, v in f.items() if k != "live_id"} for f in frames]


def bare(frame: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in frame.items() if k not in ("live_id", "replayed")}


def key(frame: dict[str, Any]) -> tuple[str, str]:
    return (frame["type"], str(frame.get("id") or frame.get("event_id")))


async def inbox_of(db: asyncpg.Connection, user_id: uuid.UUID, after_seq: int = 0) -> list[asyncpg.Record]:
    return await db.fetch(
        "SELECT id, seq, kind, case_id FROM notifications WHERE user_id = $1 AND seq > $2 ORDER BY seq",
        user_id,
        after_seq,
    )


async def changes_of(db: asyncpg.Connection, case_id: uuid.UUID, after_id: int = 0) -> list[asyncpg.Record]:
    return await db.fetch(
        """SELECT id, case_id, to_state FROM case_events
           WHERE case_id = $1 AND id > $2 AND to_state IS NOT NULL ORDER BY id""",
        case_id,
        after_id,
    )


# the listener --------------------------------------------------------------------------------------------------


async def test_a_killed_listener_comes_back_and_the_socket_gets_what_it_missed(
    origin: str,
    gate: Gate,
    db: asyncpg.Connection,
    staff: Staff,
    reporter: Citizen,
    notifier: Notifier,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="cityloop.live")
    case_id = await make_case(db, "verified", inspector_id=staff.ids["inspector"], step="register")
    await add_report(db, case_id, reporter.id)

    async with aiohttp.ClientSession() as http:
        ws, ready = await connect(http, origin, reporter.token)
        assert ready["resumed"] is False and isinstance(ready["live_id"], str)

        # PostgreSQL drops the listener and refuses it for a while; meanwhile the case is registered
        gate.open = False
        first_pid = await kill_listener(db)
        await transition(http, origin, db, staff.tokens["shift_lead"], case_id, "register")
        await notifier.run_until_idle()  # NOTIFY, with nobody listening in the API
        for _ in range(200):  # it tries again, with backoff
            if gate.refused >= 2:
                break
            await asyncio.sleep(0.05)
        assert gate.refused >= 2
        await nothing_more(ws)

        # back: the socket is sent what it missed, read again from the inbox and the case history
        gate.open = True
        second_pid = await wait_for_listener(db, other_than=first_pid)
        missed = [await receive(ws), await receive(ws)]
        notes, events = await inbox_of(db, reporter.id), await changes_of(db, case_id)
        assert len(notes) == 1 and [e["to_state"] for e in events] == ["registered"]
        assert sorted(without_live_id(missed), key=key) == sorted(expected(notes, events, True), key=key)
        await nothing_more(ws)

        # and live events flow again, as live ones
        await transition(
            http, origin, db, staff.tokens["dispatcher"], case_id, "dispatch", department=DEPARTMENT
        )
        await notifier.run_until_idle()
        heard = [await receive(ws), await receive(ws)]
        notes = await inbox_of(db, reporter.id, after_seq=notes[-1]["seq"])
        events = await changes_of(db, case_id, after_id=events[-1]["id"])
        assert sorted(without_live_id(heard), key=key) == sorted(expected(notes, events, False), key=key)
        await nothing_more(ws)

        # killed again (no gate this time): it comes straight back and events keep flowing
        await kill_listener(db)
        await wait_for_listener(db, other_than=second_pid)
        await transition(http, origin, db, staff.tokens["department_handler"], case_id, "accept")
        await notifier.run_until_idle()
        frames = [await receive(ws)]
        accepted = await changes_of(db, case_id, after_id=events[-1]["id"])
        # live, or read again when its NOTIFY came between the reconnection and the LISTEN: once either way
        assert [bare(f) for f in frames] == [bare(f) for f in expected([], accepted, False)]
        await nothing_more(ws)
        await ws.close()

    said = [r.getMessage() for r in caplog.records if r.name == "cityloop.live"]
    assert any("connection lost" in m for m in said), said
    assert any("reconnect attempt 1 failed" in m and "ConnectionRefusedError" in m for m in said), said
    assert sum("reconnected" in m for m in said) == 2, said


# resuming ------------------------------------------------------------------------------------------------------


async def test_an_app_that_reconnects_with_its_last_event_id_gets_exactly_what_it_missed(
    origin: str, db: asyncpg.Connection, staff: Staff, reporter: Citizen, notifier: Notifier
) -> None:
    case_id = await make_case(db, "verified", inspector_id=staff.ids["inspector"], step="register")
    await add_report(db, case_id, reporter.id)

    async with aiohttp.ClientSession() as http:
        ws, ready = await connect(http, origin, reporter.token)
        await transition(http, origin, db, staff.tokens["shift_lead"], case_id, "register")
        await notifier.run_until_idle()
        heard = [await receive(ws), await receive(ws)]
        last = heard[-1]["live_id"]
        await ws.close()
        seen_notes, seen_events = await inbox_of(db, reporter.id), await changes_of(db, case_id)

        # away: the case is dispatched (a message and a change), accepted by the department (a change), and,
        # last, an extension is asked for, whose fan-out has not run yet when the app comes back
        await transition(
            http, origin, db, staff.tokens["dispatcher"], case_id, "dispatch", department=DEPARTMENT
        )
        await transition(http, origin, db, staff.tokens["department_handler"], case_id, "accept")
        await notifier.run_until_idle()
        new_deadline = (datetime.now(UTC) + timedelta(days=5)).isoformat()
        await transition(
            http,
            origin,
            db,
            staff.tokens["department_handler"],
            case_id,
            "request_extension",
            note="the pipe needs a part",
            new_deadline=new_deadline,
        )

        ws, ready = await connect(http, origin, reporter.token, last)
        assert (ready["resumed"], ready["live_id"]) == (True, last)
        notes = await inbox_of(db, reporter.id, after_seq=seen_notes[-1]["seq"])
        events = await changes_of(db, case_id, after_id=seen_events[-1]["id"])
        assert [n["kind"] for n in notes] == ["report.dispatched"]
        assert [e["to_state"] for e in events] == ["dispatched", "accepted", "extension_requested"]
        replayed = [await receive(ws) for _ in range(len(notes) + len(events))]
        assert sorted(without_live_id(replayed), key=key) == sorted(expected(notes, events, True), key=key)
        changes = [f["event_id"] for f in replayed if f["type"] == "case"]
        assert changes == sorted(changes)  # each stream in its own order
        # the position moves on with every frame, and is the last one's
        assert len({f["live_id"] for f in replayed}) == len(replayed)
        await nothing_more(ws)

        # the extension's fan-out runs now: its change was replayed already and is not sent again (the seam)
        await notifier.run_until_idle()
        await nothing_more(ws)
        last = replayed[-1]["live_id"]
        await ws.close()

        # resuming from the newest position finds nothing; from the query as well as from `auth`
        ws, ready = await connect(http, origin, reporter.token, last, query=True)
        assert (ready["resumed"], ready["live_id"]) == (True, last)
        await nothing_more(ws)

        # and the next change comes live
        await transition(http, origin, db, staff.tokens["dispatcher"], case_id, "approve_extension")
        await notifier.run_until_idle()
        frame = await receive(ws)
        assert frame["type"] == "case" and frame["replayed"] is False
        assert frame["event_id"] > max(e["id"] for e in events)
        await ws.close()


@pytest.mark.parametrize(
    "last_event_id",
    [
        "not-a-position",
        "",
        "x" * 200,
        # no such message of this user (a fixed id: pytest-xdist's workers must collect the same test ids)
        live.encode_position(live.Position(uuid.UUID("0193f0c2-6f1e-7a55-9d8e-1c2b3a4d5e6f"), 0)),
        live.encode_position(live.Position(None, 2**62)),  # ahead of this database (a restore from a backup)
        _b64("-.9223372036854775808"),  # past int64
    ],
    ids=["garbage", "empty", "too-long", "unknown-message", "ahead-of-the-database", "past-int64"],
)
async def test_a_position_that_cannot_be_resumed_from_starts_now(
    origin: str,
    db: asyncpg.Connection,
    staff: Staff,
    reporter: Citizen,
    notifier: Notifier,
    last_event_id: str,
) -> None:
    """Not refused: the app is told `resumed: false` and refetches what it shows, as after a first connect."""
    case_id = await make_case(db, "verified", inspector_id=staff.ids["inspector"], step="register")
    await add_report(db, case_id, reporter.id)
    async with aiohttp.ClientSession() as http:
        await transition(http, origin, db, staff.tokens["shift_lead"], case_id, "register")
        await notifier.run_until_idle()  # a message the app would be sent, were it resuming from before it
        before = await db.fetchval("SELECT count(*) FROM notifications")
        for query in (False, True):
            ws, ready = await connect(http, origin, reporter.token, last_event_id or None, query=query)
            assert ready["resumed"] is False
            now = live.decode_position(ready["live_id"])
            assert now is not None
            assert now.inbox == await db.fetchval(
                "SELECT id FROM notifications WHERE user_id = $1", reporter.id
            )
            assert now.event == await db.fetchval("SELECT max(id) FROM case_events")
            await nothing_more(ws)
            await ws.close()
        assert await db.fetchval("SELECT count(*) FROM notifications") == before  # nothing written


async def test_another_users_position_replays_nothing_of_theirs(
    origin: str, db: asyncpg.Connection, staff: Staff, reporter: Citizen, notifier: Notifier
) -> None:
    case_id = await make_case(db, "verified", inspector_id=staff.ids["inspector"], step="register")
    await add_report(db, case_id, reporter.id)
    async with aiohttp.ClientSession() as http:
        ws, ready = await connect(http, origin, reporter.token)
        await transition(http, origin, db, staff.tokens["shift_lead"], case_id, "register")
        await notifier.run_until_idle()
        theirs = [await receive(ws), await receive(ws)][-1]["live_id"]
        await ws.close()
        # the shift lead who acted presents the reporter's position: it is not theirs to resume from
        ws, ready = await connect(http, origin, staff.tokens["shift_lead"], theirs)
        assert ready["resumed"] is False
        await nothing_more(ws)
        await ws.close()


# the pieces ----------------------------------------------------------------------------------------------------


def test_positions_round_trip_and_refuse_what_the_api_did_not_give_out() -> None:
    for position in (live.Position(None, 0), live.Position(uuid.uuid4(), 2**63 - 1)):
        assert live.decode_position(live.encode_position(position)) == position
    for raw in ("-.01", "-.-1", "-.1.2", "-", "AB.1", "-. 1", "-.1\n", "\u00e9.1", "0" * 31 + ".1"):
        assert live.decode_position(_b64(raw)) is None, raw
    for text in ("", "=", "-.1", "AAAA", "\u00e9t\u00e9", "LQ", "x" * 101):
        assert live.decode_position(text) is None, text


def test_a_frame_is_delivered_once_where_replay_and_live_meet() -> None:
    note, case_id = uuid.uuid4(), uuid.uuid4()
    stream = live.Stream(uuid.uuid4(), live.Position(None, 10), resumed=True)
    [replayed] = stream.replay(
        [live.Missed(at=_now(), notification_id=note, kind="report.closed", case_id=case_id)]
    )
    assert json.loads(replayed)["replayed"] is True
    assert stream.live(live.inbox_event(note, "report.closed", case_id).encode()) is None
    frame = stream.live(live.case_event(case_id, "closed", 12).encode())
    assert frame is not None and json.loads(frame)["replayed"] is False
    assert stream.position == live.Position(note, 12)
    assert stream.live(live.case_event(case_id, "closed", 12).encode()) is None
    # an older change heard late is sent, and the position does not go back
    assert stream.live(live.case_event(case_id, "handled", 11).encode()) is not None
    assert stream.position == live.Position(note, 12)
    # what is not an event of ours goes out as it came
    assert stream.live(b'{"type": "case", "case_id": "x"}') == '{"type": "case", "case_id": "x"}'


class FakeSocket:
    """What _LiveSender sends on, kept."""

    def __init__(self) -> None:
        self.sent: list[dict[str, Any]] = []
        self.closed: tuple[int, str] | None = None

    async def send_text(self, text: str) -> None:
        self.sent.append(json.loads(text))

    async def close(self, code: int = 1000, reason: str = "") -> None:
        self.closed = (code, reason)


async def test_a_socket_that_fell_behind_catches_up_from_the_store(
    db: asyncpg.Connection, pool: asyncpg.Pool, staff: Staff, reporter: Citizen
) -> None:
    """Its backlog overflowed (the oldest events were dropped): it is sent everything, from the store, once."""
    case_id = await make_case(db, "registered", inspector_id=staff.ids["inspector"], step="dispatch")
    stream, replayed = await live.open_stream(db, reporter.id, None)
    assert replayed == []
    notes = [
        await db.fetchrow(
            """INSERT INTO notifications (user_id, outbox_id, kind, case_id) VALUES ($1, $2, 'report.dispatched', $3)
               RETURNING id, kind, case_id""",
            reporter.id,
            outbox_id,
            case_id,
        )
        for outbox_id in (901, 902, 903)
    ]
    plugin = ChannelsPlugin(
        backend=LiveChannelsBackend("postgresql://unused"), arbitrary_channels_allowed=True
    )
    subscriber = LiveSubscriber(plugin, max_backlog=2, backlog_strategy="dropleft")
    for n in notes:
        subscriber.put_nowait(live.inbox_event(n["id"], n["kind"], n["case_id"]).encode())
    assert subscriber.missed and subscriber.qsize == 2
    await subscriber.put(None)  # the end of the stream, as when the socket closes

    sock = FakeSocket()
    sender = _LiveSender(cast(Any, sock), cast(Any, SimpleNamespace(pool=pool)), stream, subscriber)
    async for payload in subscriber.iter_events():
        await sender.on_event(payload)
    assert [(f["id"], f["replayed"]) for f in sock.sent] == [(str(n["id"]), True) for n in notes]
    assert not subscriber.missed and sock.closed is None
    assert live.decode_position(sock.sent[-1]["live_id"]) == live.Position(
        notes[-1]["id"], stream.position.event
    )


async def test_a_socket_that_cannot_catch_up_is_closed_to_resume(
    db: asyncpg.Connection, settings: Settings, reporter: Citizen
) -> None:
    """The store cannot be read after the listener came back: the socket closes with 1013 `catch_up_failed`
    (the app reconnects with its last live_id), and is sent nothing more."""
    gone = await create_pool(settings)
    await gone.close()
    plugin = ChannelsPlugin(
        backend=LiveChannelsBackend("postgresql://unused"), arbitrary_channels_allowed=True
    )
    subscriber = LiveSubscriber(plugin, max_backlog=10, backlog_strategy="dropleft")
    stream = live.Stream(reporter.id, live.Position(None, 0), resumed=False)
    sock = FakeSocket()
    sender = _LiveSender(cast(Any, sock), cast(Any, SimpleNamespace(pool=gone)), stream, subscriber)
    await sender.on_event(live.RESYNC)
    assert sock.closed == (CLOSE_TRY_AGAIN_LATER, "catch_up_failed") == (1013, "catch_up_failed")
    await sender.on_event(live.case_event(uuid.uuid4(), "closed", 5).encode())
    assert sock.sent == []
    assert await db.fetchval("SELECT count(*) FROM notifications") == 0  # nothing written


def test_a_full_backlog_marks_the_socket_to_catch_up() -> None:
    plugin = ChannelsPlugin(
        backend=LiveChannelsBackend("postgresql://unused"), arbitrary_channels_allowed=True
    )
    subscriber = LiveSubscriber(plugin, max_backlog=2, backlog_strategy="dropleft")
    assert subscriber.put_nowait(b"1") and subscriber.put_nowait(b"2")
    assert not subscriber.missed
    assert subscriber.put_nowait(b"3")  # the oldest goes: the socket reads it again from the store
    assert subscriber.missed and subscriber.qsize == 2
