"""mobile_contract/asyncapi.yaml, the document of the live WebSocket `/v1/live`: a valid AsyncAPI 3.0 document
by the AsyncAPI initiative's own parser (@asyncapi/parser, run by node), whose messages are what the real
socket sends and accepts: a test connects to the API served by uvicorn, makes events happen, and validates
every frame against the payload schema of the document."""

from __future__ import annotations

import asyncio
import json
import shutil
import socket
import subprocess
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
import asyncpg
import jwt
import pytest
import uvicorn
from jsonschema import Draft7Validator, FormatChecker

from api.app import create_app
from api.config import notifications_config
from api.controllers import notifications as controller
from api.db import create_pool
from api.settings import Settings
from cases.catalogue.service import DATA_DIR, DEMO_CATALOGUE, load_catalogue, parse_catalogue
from cases.reports import store as cases_store
from cases.workflow import service as casework
from cases.workflow.transitions import CASES, STATES, message_kinds
from identity.errors import SessionRevoked, TokenInvalid, UserDisabled
from notifications import live
from notifications.fanout import DEADLINE_KINDS, HOUSING_KINDS, REPAIR_KINDS
from notifications.runner import Notifier
from notifications.texts import TEMPLATES
from tests.cases.workflow_fixtures import Staff, make_case, make_staff
from tests.identity.helpers import bearer, staff_token
from tests.notifications.helpers import add_report

ROOT = Path(__file__).resolve().parents[2]
DOCUMENT = ROOT / "mobile_contract" / "asyncapi.yaml"

#: Parse with @asyncapi/parser (its AsyncAPI 3.0 schema and its ruleset) and print the diagnostics and the
#: parsed document, every $ref resolved, as JSON.
PARSE = """
const fs = require('fs');
const { Parser } = require('@asyncapi/parser');
const path = process.argv[1];
new Parser().parse(fs.readFileSync(path, 'utf8'), { source: path }).then(({ document, diagnostics }) => {
  process.stdout.write(JSON.stringify({
    diagnostics: diagnostics.map(d => ({ severity: d.severity, code: d.code, path: d.path, message: d.message })),
    document: document ? document.json() : null,
  }));
}).catch(error => { console.error(error); process.exit(2); });
"""
ERROR, WARNING = 0, 1  # Spectral's severities: 0 error, 1 warning, 2 information, 3 hint


def _parse(path: Path) -> dict[str, Any]:
    node = shutil.which("node")
    assert node, "node is needed (scripts/bootstrap.sh installs it)"
    assert (ROOT / "node_modules" / "@asyncapi" / "parser").is_dir(), "run `npm ci` (scripts/bootstrap.sh)"
    done = subprocess.run(
        [node, "-e", PARSE, str(path)], cwd=ROOT, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, Any] = json.loads(done.stdout)
    return result


@pytest.fixture(scope="module")
def parsed() -> dict[str, Any]:
    return _parse(DOCUMENT)


@pytest.fixture(scope="module")
def document(parsed: dict[str, Any]) -> dict[str, Any]:
    assert parsed["document"] is not None, parsed["diagnostics"]
    doc: dict[str, Any] = parsed["document"]
    return doc


_FORMATS = FormatChecker()


def _validator(schema: dict[str, Any]) -> Draft7Validator:
    """AsyncAPI 3.0's default schema format is a superset of JSON Schema draft 7."""
    return Draft7Validator(schema, format_checker=_FORMATS)


def _messages(document: dict[str, Any], direction: str) -> dict[str, dict[str, Any]]:
    """The messages the API sends (`send`, and the replies to what it receives) or receives, by name."""
    found: dict[str, dict[str, Any]] = {}
    for operation in document["operations"].values():
        if direction == "receive" and operation["action"] == "receive":
            messages = operation["messages"]
        elif direction == "send":
            messages = operation["messages"] if operation["action"] == "send" else []
            messages = messages + operation.get("reply", {}).get("messages", [])
        else:
            continue
        for message in messages:
            found[message["name"]] = message
    return found


# the document -------------------------------------------------------------------------------------------------


def test_the_document_is_valid_asyncapi_3(parsed: dict[str, Any], document: dict[str, Any]) -> None:
    serious = [d for d in parsed["diagnostics"] if d["severity"] in (ERROR, WARNING)]
    assert serious == []
    assert document["asyncapi"] == "3.0.0"
    assert document["channels"]["live"]["address"] == "/v1/live"
    assert document["channels"]["live"]["bindings"]["ws"]["query"]["properties"]["access_token"]
    assert document["channels"]["live"]["bindings"]["ws"]["query"]["properties"]["last_event_id"]


@pytest.mark.parametrize(
    ("old", "new", "where"),
    [
        ("    address: /v1/live\n", "    adress: /v1/live\n", ["channels", "live", "adress"]),
        (
            "  sendReady:\n    action: send\n",
            "  sendReady:\n    action: shout\n",
            ["operations", "sendReady"],
        ),
    ],
)
def test_the_validator_refuses_a_broken_document(
    tmp_path: Path, old: str, new: str, where: list[str]
) -> None:
    """The parser really validates: a misspelt member or an unknown action is an error, and no document."""
    source = DOCUMENT.read_text(encoding="utf-8")
    assert old in source
    (tmp_path / "asyncapi.yaml").write_text(source.replace(old, new, 1), encoding="utf-8")
    result = _parse(tmp_path / "asyncapi.yaml")
    assert result["document"] is None
    errors = [d for d in result["diagnostics"] if d["severity"] == ERROR]
    assert any(d["path"][: len(where)] == where for d in errors), errors


def test_every_message_is_named_by_its_type_and_has_valid_examples(document: dict[str, Any]) -> None:
    sent, received = _messages(document, "send"), _messages(document, "receive")
    assert set(sent) == {"ready", "inbox", "case", "pong"}
    assert set(received) == {"auth", "ping"}
    for name, message in {**sent, **received}.items():
        assert message["payload"]["properties"]["type"]["const"] == name
        assert message.get("examples"), name
        assert message.get("summary") and message.get("title"), name
        for example in message["examples"]:
            _validator(message["payload"]).validate(example["payload"])
    assert set(document["components"]["messages"]) == set(sent) | set(received)


def test_the_enums_are_the_codes(document: dict[str, Any]) -> None:
    schemas = document["components"]["schemas"]
    assert schemas["CaseState"]["enum"] == list(STATES)
    kinds = {*message_kinds(CASES), *DEADLINE_KINDS.values(), *HOUSING_KINDS.values(), *REPAIR_KINDS}
    assert set(schemas["InboxKind"]["enum"]) == kinds == set(TEMPLATES)


def test_close_codes_timeouts_and_heartbeats_are_the_codes(document: dict[str, Any]) -> None:
    channel = document["channels"]["live"]
    documented = {(c["code"], c["reason"]) for c in channel["x-close-codes"]}
    refused = {e.code for e in (TokenInvalid, SessionRevoked, UserDisabled)}  # identity.authenticate's
    for reason in {"unauthenticated", "token_expired"} | refused:
        assert (controller.CLOSE_UNAUTHENTICATED, reason) in documented
        assert f"| {controller.CLOSE_UNAUTHENTICATED} | `{reason}` |" in channel["description"]
    assert (4500, "Internal Server Error") in documented  # litestar's close on an unhandled error
    assert (controller.CLOSE_TRY_AGAIN_LATER, "catch_up_failed") in documented
    assert f"| {controller.CLOSE_TRY_AGAIN_LATER} | `catch_up_failed` |" in channel["description"]
    assert channel["x-resume-limit"] == live.RESUME_LIMIT
    assert channel["x-auth-timeout-s"] == controller.AUTH_TIMEOUT_S
    served = uvicorn.Config(app=create_app)  # the API is served with uvicorn's WebSocket defaults
    heartbeat = channel["x-heartbeat"]
    assert heartbeat["server_protocol_ping_interval_s"] == served.ws_ping_interval
    assert heartbeat["server_protocol_ping_timeout_s"] == served.ws_ping_timeout


# the real socket -----------------------------------------------------------------------------------------------


@asynccontextmanager
async def serve(settings: Settings) -> AsyncIterator[str]:
    """The API under uvicorn on a free loopback port; yields host:port."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(create_app(settings), lifespan="on", log_level="warning"))
    serving = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        for _ in range(500):
            if server.started or serving.done():
                break
            await asyncio.sleep(0.01)
        assert server.started, "uvicorn did not start"
        yield f"127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        await asyncio.wait_for(serving, 15)


@pytest.fixture
async def city(db: asyncpg.Connection, settings: Settings) -> Staff:
    async with db.transaction():
        await load_catalogue(db, parse_catalogue(DEMO_CATALOGUE.read_bytes()))
        area = json.loads((DATA_DIR / "demo_service_area.geojson").read_text(encoding="utf-8"))
        await cases_store.insert_service_area(db, area["properties"]["name"], json.dumps(area["geometry"]))
    return await make_staff(db, settings)


@pytest.fixture
async def notifier(settings: Settings) -> AsyncIterator[Notifier]:
    pool = await create_pool(settings)
    try:
        async with Notifier(pool, notifications_config(settings)) as worker:
            yield worker
    finally:
        await pool.close()


class Checker:
    """Every frame the API sends, validated against the document's message of its `type`."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.messages = _messages(document, "send")
        self.seen: list[dict[str, Any]] = []

    async def receive(self, ws: aiohttp.ClientWebSocketResponse) -> dict[str, Any]:
        frame = await ws.receive(timeout=10)
        assert frame.type == aiohttp.WSMsgType.TEXT, frame
        body: dict[str, Any] = json.loads(frame.data)
        payload = self.messages[body["type"]]["payload"]
        _validator(payload).validate(body)
        assert set(body) == set(payload["properties"]), body  # nothing undocumented, nothing left out
        self.seen.append(body)
        return body


async def _transition(
    http: aiohttp.ClientSession,
    origin: str,
    db: asyncpg.Connection,
    token: str,
    case_id: uuid.UUID,
    action: str,
) -> None:
    version = await db.fetchval("SELECT version FROM cases WHERE id = $1", case_id)
    async with http.post(
        f"http://{origin}/v1/cases/{case_id}/transitions",
        json={"action": action},
        headers={**bearer(token), "If-Match": str(version)},
    ) as r:
        assert r.status == 200, await r.text()


def _bare(frame: dict[str, Any]) -> dict[str, Any]:
    """An event without its position in the stream (`live_id`) and its `replayed` flag."""
    return {k: v for k, v in frame.items() if k not in ("live_id", "replayed")}


def _example(message: dict[str, Any], **changes: Any) -> dict[str, Any]:
    payload: dict[str, Any] = message["examples"][0]["payload"]
    return {**payload, **changes}


async def test_the_live_socket_sends_what_the_document_says(
    document: dict[str, Any], settings: Settings, db: asyncpg.Connection, city: Staff, notifier: Notifier
) -> None:
    staff = city
    reporter = await staff_token(db, settings, "+8613900000031", "citizen")
    reporter_id = await db.fetchval("SELECT id FROM users WHERE phone = '+8613900000031'")
    case_id = await make_case(db, "verified", inspector_id=staff.ids["inspector"], step="register")
    await add_report(db, case_id, reporter_id)
    check = Checker(document)
    auth, ping = (_messages(document, "receive")[name] for name in ("auth", "ping"))

    async with serve(settings) as origin, aiohttp.ClientSession() as http:
        # the token in the query (channel binding), or in the documented `auth` message
        citizen = await http.ws_connect(f"ws://{origin}/v1/live?access_token={reporter}")
        handler = await http.ws_connect(f"ws://{origin}/v1/live")
        await handler.send_json(_example(auth, access_token=staff.tokens["department_handler"]))
        lead = await http.ws_connect(f"ws://{origin}/v1/live?access_token={staff.tokens['shift_lead']}")
        readies = {}
        for ws, token in ((citizen, reporter), (handler, staff.tokens["department_handler"])):
            ready = readies[token] = await check.receive(ws)
            claims = jwt.decode(token, options={"verify_signature": False})
            assert (ready["type"], ready["user_id"], ready["expires_at"]) == (
                "ready",
                claims["sub"],
                claims["exp"],
            )
        assert (await check.receive(lead))["type"] == "ready"

        # the shift lead registers the case (立案): the reporter gets a message and the case change, the
        # department's handler the case change; then the next step is due soon and overdue: the district's
        # shift lead gets two messages
        await _transition(http, origin, db, staff.tokens["shift_lead"], case_id, "register")
        now = datetime.now(UTC)
        await db.execute(
            "UPDATE case_deadlines SET due_soon_at = $2, due_at = $3 WHERE case_id = $1 AND completed_at IS NULL",
            case_id,
            now - timedelta(minutes=1),
            now + timedelta(minutes=20),
        )
        async with db.transaction():
            await casework.emit_deadline_events(db)
        await db.execute(
            "UPDATE case_deadlines SET due_at = $2 WHERE case_id = $1 AND completed_at IS NULL", case_id, now
        )
        async with db.transaction():
            await casework.emit_deadline_events(db)
        await notifier.run_until_idle()

        heard = {
            "citizen": [await check.receive(citizen) for _ in range(2)],
            "handler": [await check.receive(handler)],
            "lead": [await check.receive(lead) for _ in range(2)],
        }
        note = await db.fetchval("SELECT id FROM notifications WHERE user_id = $1", reporter_id)
        event_id = await db.fetchval("SELECT max(id) FROM case_events WHERE case_id = $1", case_id)
        inbox = {"type": "inbox", "id": str(note), "kind": "report.registered", "case_id": str(case_id)}
        change = {"type": "case", "case_id": str(case_id), "state": "registered", "event_id": event_id}
        assert sorted(map(_bare, heard["citizen"]), key=lambda m: m["type"]) == [change, inbox]
        assert list(map(_bare, heard["handler"])) == [change]
        assert sorted(m["kind"] for m in heard["lead"]) == ["deadline.due_soon", "deadline.overdue"]
        assert not any(m["replayed"] for m in heard["citizen"] + heard["handler"] + heard["lead"])

        # the citizen reconnects with the documented `auth` and ready's live_id as last_event_id: what was
        # missed since comes first, replayed
        again = await http.ws_connect(f"ws://{origin}/v1/live")
        resume_from = readies[reporter]["live_id"]
        await again.send_json(_example(auth, access_token=reporter, last_event_id=resume_from))
        ready = await check.receive(again)
        assert (ready["resumed"], ready["live_id"]) == (True, resume_from)
        replayed = [await check.receive(again) for _ in range(2)]
        assert sorted(map(_bare, replayed), key=lambda m: m["type"]) == [change, inbox]
        assert all(m["replayed"] for m in replayed)
        await again.close()

        # the documented ping gets the documented pong
        await lead.send_json(_example(ping))
        assert await check.receive(lead) == {"type": "pong"}
        for ws in (citizen, handler, lead):
            await ws.close()
    assert {m["type"] for m in check.seen} == set(check.messages)  # every documented message was seen


@pytest.mark.parametrize(
    ("query", "first", "reason"),
    [
        ("?access_token=not-a-token", None, "token_invalid"),
        ("", {"type": "auth", "access_token": "forged.jwt.value"}, "token_invalid"),
        ("", {"type": "hello"}, "unauthenticated"),
        ("", "not json", "unauthenticated"),
    ],
)
async def test_a_refused_socket_closes_as_documented(
    document: dict[str, Any], settings: Settings, query: str, first: Any, reason: str
) -> None:
    documented = {(c["code"], c["reason"]) for c in document["channels"]["live"]["x-close-codes"]}
    async with serve(settings) as origin, aiohttp.ClientSession() as http:
        ws = await http.ws_connect(f"ws://{origin}/v1/live{query}")
        if isinstance(first, dict):
            await ws.send_json(first)
        elif first is not None:
            await ws.send_str(first)
        frame = await ws.receive(timeout=10)
    assert frame.type == aiohttp.WSMsgType.CLOSE
    assert (ws.close_code, frame.extra) == (4401, reason)
    assert (ws.close_code, frame.extra) in documented
