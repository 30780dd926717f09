"""The live WebSocket: signed-in apps hear of their new inbox messages and of changes to their cases, as ids,
through PostgreSQL LISTEN/NOTIFY (the worker and the API are separate connections, as separate processes would
be); nobody hears of anyone else's, and an app without a valid token is turned away."""

from __future__ import annotations

import asyncio
import json
import uuid
from typing import Any

import aiohttp
import asyncpg
import jwt

from identity.tokens import issue_access_token
from notifications.runner import Notifier
from tests.cases.workflow_fixtures import Staff, make_case
from tests.identity.helpers import bearer
from tests.notifications.conftest import Citizen
from tests.notifications.helpers import add_report, follow

CLOSE_UNAUTHENTICATED = 4401


async def receive(ws: aiohttp.ClientWebSocketResponse, within: float = 5.0) -> dict[str, Any]:
    message = await ws.receive(timeout=within)
    assert message.type == aiohttp.WSMsgType.TEXT, message
    body: dict[str, Any] = json.loads(message.data)
    return body


async def transition(
    http: aiohttp.ClientSession, server: str, db: asyncpg.Connection, token: str, case_id: Any, action: str
) -> None:
    version = await db.fetchval("SELECT version FROM cases WHERE id = $1", case_id)
    async with http.post(
        f"http://{server}/v1/cases/{case_id}/transitions",
        json={"action": action},
        headers={**bearer(token), "If-Match": str(version)},
    ) as r:
        assert r.status == 200, await r.text()


async def test_apps_hear_of_their_messages_and_cases(
    live_server: str,
    db: asyncpg.Connection,
    staff: Staff,
    reporter: Citizen,
    follower: Citizen,
    notifier: Notifier,
) -> None:
    case_id = await make_case(db, "verified", inspector_id=staff.ids["inspector"], step="register")
    await add_report(db, case_id, reporter.id)
    await follow(db, case_id, follower.id)

    async with aiohttp.ClientSession() as http:
        # the token in the query, or in a first message
        mine = await http.ws_connect(f"ws://{live_server}/v1/live?access_token={reporter.token}")
        theirs = await http.ws_connect(f"ws://{live_server}/v1/live")
        await theirs.send_json({"type": "auth", "access_token": follower.token})
        lead = await http.ws_connect(f"ws://{live_server}/v1/live?access_token={staff.tokens['other_lead']}")
        assert (await receive(mine))["user_id"] == str(reporter.id)
        assert (await receive(theirs))["type"] == "ready"
        assert (await receive(lead))["type"] == "ready"

        await transition(http, live_server, db, staff.tokens["shift_lead"], case_id, "register")
        await notifier.run_until_idle()

        [note_id] = await db.fetch("SELECT id FROM notifications WHERE user_id = $1", reporter.id)
        first, second = await receive(mine), await receive(mine)
        assert isinstance(first.pop("live_id"), str)  # to resume from (tests/faults/test_live_reconnect.py)
        assert first.pop("replayed") is False
        assert first == {
            "type": "inbox",
            "id": str(note_id["id"]),
            "kind": "report.registered",
            "case_id": str(case_id),
        }
        assert second["type"] == "case" and second["case_id"] == str(case_id)
        assert second["state"] == "registered" and isinstance(second["event_id"], int)
        assert {(await receive(theirs))["type"], (await receive(theirs))["type"]} == {"inbox", "case"}

        # the shift lead of another district hears nothing; a ping still gets its pong
        await lead.send_str('{"type": "ping"}')
        assert await receive(lead) == {"type": "pong"}
        for ws in (mine, theirs, lead):
            await ws.close()


async def test_no_valid_token_no_events(live_server: str, staff: Staff, reporter: Citizen) -> None:
    async with aiohttp.ClientSession() as http:
        for url, first in [
            (f"ws://{live_server}/v1/live?access_token=not-a-token", None),
            (f"ws://{live_server}/v1/live", {"type": "auth", "access_token": "forged.jwt.value"}),
            (f"ws://{live_server}/v1/live", {"type": "hello"}),
        ]:
            ws = await http.ws_connect(url)
            if first is not None:
                await ws.send_json(first)
            message = await ws.receive(timeout=5)
            assert message.type == aiohttp.WSMsgType.CLOSE
            assert ws.close_code == CLOSE_UNAUTHENTICATED

        # a session that was signed out is refused too
        async with http.post(f"http://{live_server}/v1/auth/logout", headers=bearer(reporter.token)) as r:
            assert r.status == 204
        ws = await http.ws_connect(f"ws://{live_server}/v1/live?access_token={reporter.token}")
        message = await ws.receive(timeout=5)
        assert (message.type, ws.close_code) == (aiohttp.WSMsgType.CLOSE, CLOSE_UNAUTHENTICATED)
        assert message.extra == "session_revoked"


async def test_events_reach_every_api_process(
    live_server: str, db: asyncpg.Connection, settings: Any, staff: Staff, reporter: Citizen
) -> None:
    """A NOTIFY from any connection (another process's) reaches the app listening in this one."""
    async with aiohttp.ClientSession() as http:
        ws = await http.ws_connect(f"ws://{live_server}/v1/live?access_token={reporter.token}")
        assert (await receive(ws))["type"] == "ready"
        other = await asyncpg.connect(settings.database_url)
        try:
            await other.execute(
                "SELECT pg_notify($1, $2)",
                f"cityloop_user_{reporter.id.hex}",
                '{"type": "case", "case_id": "x"}',
            )
        finally:
            await other.close()
        assert await asyncio.wait_for(receive(ws), 5) == {"type": "case", "case_id": "x"}
        await ws.close()


async def test_the_socket_closes_when_the_token_expires(
    live_server: str, settings: Any, staff: Staff, reporter: Citizen
) -> None:
    claims = jwt.decode(reporter.token, options={"verify_signature": False})
    short = issue_access_token(settings.jwt_secret, reporter.id, uuid.UUID(claims["sid"]), ttl_s=1)
    async with aiohttp.ClientSession() as http:
        ws = await http.ws_connect(f"ws://{live_server}/v1/live")
        await ws.send_json({"type": "auth", "access_token": short})
        ready = await receive(ws)
        assert ready["type"] == "ready"
        assert jwt.decode(short, options={"verify_signature": False})["exp"] == ready["expires_at"]
        message = await ws.receive(timeout=5)
        assert (message.type, ws.close_code, message.extra) == (
            aiohttp.WSMsgType.CLOSE,
            CLOSE_UNAUTHENTICATED,
            "token_expired",
        )
