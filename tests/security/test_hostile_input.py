"""Hostile input on every operation: answered with a 4xx problem, never a 500, and nothing written.

The operations come from the app's route table (`api.openapi.operations`), their parameters and bodies from the
published document, so a new operation is probed as soon as it exists. Each is sent, with a token holding every
role and without one:
- U+0000 in each query parameter, each path parameter, each string member of its JSON body (and in an object
  key), each multipart field, and in the User-Agent (which reaches the sessions table);
- its JSON body nested 1,000 deep, and bytes that are not UTF-8, whatever the Content-Type says;
- integers past int64 in each integer parameter, each integer member of its body and the If-Match version;
  and a number past double in each number member.
Then every integer the document declares must be bounded within int64 (`format: int64`, which PostgreSQL's
bigint holds), as the server's validation enforces.

Against a real uvicorn configured as `cityloop serve` runs it (api/cli.py `server_options`): a 50 MB header and
a 100 MB header line are refused (400, or the connection closed) while a small request on another connection is
still answered; a NUL in a header is a 400. The live socket closes on a NUL in its query string.

And the same `client_id` under two Idempotency-Keys at once files one report: the second request gets the
first report (200), in the service layer (deterministically: the second waits on the first's uncommitted row)
and through HTTP.
"""

from __future__ import annotations

import asyncio
import copy
import json
import socket
import threading
import time
import types
import typing
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlencode

import aiohttp
import asyncpg
import httpx
import msgspec
import pytest
import uvicorn
from litestar import Litestar
from litestar.handlers import HTTPRouteHandler
from litestar.testing import AsyncTestClient

from api.app import create_app
from api.cli import MAX_REQUEST_HEAD_BYTES, server_options
from api.config import auth_config
from api.db import connect
from api.nul_guard import NUL_REFUSAL
from api.openapi import operations
from api.settings import Settings, load_settings
from cases.catalogue.service import DATA_DIR, DEMO_CATALOGUE, load_catalogue, parse_catalogue
from cases.reports import store as cases_store
from cases.reports.models import ReportCreate
from cases.reports.service import CasesConfig, submit_report
from cases.workflow.deadlines import CalendarConfig, load_calendar
from identity import service as identity
from identity.models import ROLES, RequestContext, RoleGrant
from tests import contract_conformance
from tests.cases.workflow_fixtures import caller
from tests.identity.helpers import bearer, staff_token

DOCUMENT = contract_conformance._document()
SCHEMAS: dict[str, Any] = DOCUMENT["components"]["schemas"]
APP = create_app(load_settings(env="test"), connect=False)
#: (path, method, handler) of every documented operation
OPERATIONS = list(operations(APP))

NUL_TEXT = "a\x00b"
INT64_MAX = 2**63 - 1
#: integers no int64 holds, as text
PAST_INT64 = (str(2**63), str(-(2**63) - 1), str(2**64), "1" + "0" * 40)
DEEP = 1000


def _operation(path: str, method: str) -> dict[str, Any]:
    operation: dict[str, Any] = DOCUMENT["paths"][path][method]
    return operation


def _id(entry: tuple[str, str, HTTPRouteHandler]) -> str:
    return str(_operation(entry[0], entry[1])["operationId"])


# --- the document's schemas -----------------------------------------------------------------------------------


def resolve(schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = SCHEMAS[schema["$ref"].split("/")[-1]]
    return schema


def _branches(schema: dict[str, Any]) -> list[dict[str, Any]]:
    """The non-null alternatives of a schema (itself when it has none)."""
    schema = resolve(schema)
    alternatives = schema.get("oneOf") or schema.get("anyOf")
    if not alternatives:
        return [schema]
    return [b for a in alternatives for b in _branches(a) if b.get("type") != "null"]


def _types(schema: dict[str, Any]) -> set[str]:
    return {str(b.get("type")) for b in _branches(schema)}


Path = tuple[str | int, ...]


def leaves(
    schema: dict[str, Any], at: Path = (), seen: frozenset[str] = frozenset()
) -> Iterator[tuple[Path, str]]:
    """(path, type) of every string, integer and number a JSON value of this schema can hold (arrays: item 0)."""
    ref = schema.get("$ref")
    if ref is not None:
        if ref in seen:
            return
        seen = seen | {ref}
    for branch in _branches(schema):
        kind = branch.get("type")
        if kind in ("string", "integer", "number"):
            yield at, str(kind)
        elif kind == "object":
            for name, member in branch.get("properties", {}).items():
                yield from leaves(member, (*at, name), seen)
        elif kind == "array" and "items" in branch:
            yield from leaves(branch["items"], (*at, 0), seen)


def field_name(at: Path) -> str:
    """A path as api/nul_guard.py names it: a.b[0].c"""
    out = ""
    for step in at:
        out += f"[{step}]" if isinstance(step, int) else (f".{step}" if out else step)
    return out


def put(value: Any, at: Path, leaf: Any) -> Any:
    """A copy of `value` with `leaf` at `at`, making the containers on the way."""
    if not at:
        return leaf
    step, rest = at[0], at[1:]
    if isinstance(step, int):
        items = list(value) if isinstance(value, list) else []
        if items:
            items[0] = put(items[0], rest, leaf)
        else:
            items.append(put(None, rest, leaf))
        return items
    members = dict(value) if isinstance(value, dict) else {}
    members[step] = put(members.get(step), rest, leaf)
    return members


def body_variants(operation: dict[str, Any]) -> list[tuple[dict[str, Any], Any]]:
    """(schema, example) for each alternative of the JSON body (one, or one per member of a union)."""
    content = operation.get("requestBody", {}).get("content", {})
    media = content.get("application/json")
    if media is None:
        return []
    out = []
    for branch in _branches(media["schema"]):
        examples = branch.get("examples") or ([branch["example"]] if "example" in branch else [])
        out.append((branch, copy.deepcopy(examples[0]) if examples else {}))
    return out


def _parameters(operation: dict[str, Any], where: str) -> list[dict[str, Any]]:
    return [p for p in operation.get("parameters", []) if p["in"] == where]


#: a valid value of a string format, for parameters without an example
_FORMATS = {
    "uuid": "01936c2e-59f8-7a41-9c3b-2d1e0f4a5b62",
    "date": "2026-11-01",
    "date-time": "2026-11-01T08:00:00+08:00",
}


def _example(parameter: dict[str, Any]) -> str:
    value = parameter.get("example", parameter.get("schema", {}).get("example"))
    if value is None:
        branch = _branches(parameter.get("schema", {}))[0]
        if branch.get("enum"):
            value = branch["enum"][0]
        elif branch.get("type") in ("integer", "number"):
            value = max(1, branch.get("minimum", 1))
        elif branch.get("type") == "boolean":
            value = False
        else:
            value = _FORMATS.get(branch.get("format", ""), "x")
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


# --- requests -------------------------------------------------------------------------------------------------


@dataclass
class Probe:
    what: str
    path_params: dict[str, str] = field(default_factory=dict)
    query: dict[str, str] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    content: bytes | None = None
    #: (status, code) expected; None: any 4xx problem
    expect: tuple[int, str] | None = None
    #: with `expect` 422: the field the problem must name as holding U+0000
    nul_field: str | None = None
    #: the request may also succeed (a header the server takes, cleaned)
    may_succeed: bool = False
    statuses: tuple[int, ...] = ()


def url(path: str, operation: dict[str, Any], probe: Probe) -> str:
    for parameter in _parameters(operation, "path"):
        value = probe.path_params.get(parameter["name"], _example(parameter))
        path = path.replace("{" + parameter["name"] + "}", quote(value, safe=""))
    query = {p["name"]: _example(p) for p in _parameters(operation, "query") if p.get("required")}
    query.update(probe.query)
    return path + ("?" + urlencode(query, quote_via=quote) if query else "")


def headers_for(operation: dict[str, Any], token: str | None) -> dict[str, str]:
    out = {"Idempotency-Key": uuid.uuid4().hex}
    if any(p["name"] == "If-Match" for p in _parameters(operation, "header")):
        out["If-Match"] = "1"
    if token is not None:
        out.update(bearer(token))
    return out


def _json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=True).encode()


def probes(path: str, method: str, handler: HTTPRouteHandler) -> Iterator[Probe]:
    operation = _operation(path, method)
    for parameter in _parameters(operation, "query"):
        name = parameter["name"]
        yield Probe(
            f"NUL in ?{name}", query={name: NUL_TEXT}, expect=(422, "validation_failed"), nul_field=name
        )
        if "integer" in _types(parameter["schema"]):
            for number in PAST_INT64:
                yield Probe(f"?{name}={number}", query={name: number}, expect=(422, "validation_failed"))
    for parameter in _parameters(operation, "path"):
        name = parameter["name"]
        if _types(parameter["schema"]) == {"string"} and "format" not in parameter["schema"]:
            # a text segment: the guard names it
            yield Probe(
                f"NUL in {{{name}}}",
                path_params={name: NUL_TEXT},
                expect=(422, "validation_failed"),
                nul_field=name,
            )
        else:  # a uuid or integer segment: no route matches it
            yield Probe(f"NUL in {{{name}}}", path_params={name: NUL_TEXT})
        if "integer" in _types(parameter["schema"]):
            for number in PAST_INT64:
                yield Probe(f"{{{name}}}={number}", path_params={name: number})
    if any(p["name"] == "If-Match" for p in _parameters(operation, "header")):
        for number in PAST_INT64:
            yield Probe(f"If-Match: {number}", headers={"If-Match": f'"{number}"'})
    yield Probe("NUL in User-Agent", headers={"User-Agent": NUL_TEXT}, may_succeed=True)
    yield from _json_probes(handler, operation)
    yield from _form_probes(operation)
    yield from _raw_probes(handler, operation)


def _json_probes(handler: HTTPRouteHandler, operation: dict[str, Any]) -> Iterator[Probe]:
    variants = body_variants(operation)
    if not variants or "data" not in handler.parsed_fn_signature.parameters:
        return  # no body, or one the handler reads itself (_raw_probes)
    malformed = (400, "malformed_json")
    for content_type in ("application/json", "text/plain", ""):
        ct = {"Content-Type": content_type} if content_type else {}
        yield Probe(
            f"[] {DEEP} deep ({content_type})",
            headers=ct,
            content=b"[" * DEEP + b"]" * DEEP,
            expect=malformed,
        )
        yield Probe(
            f"body not UTF-8 ({content_type})",
            headers=ct,
            content=b'{"\xff\xfe": "\xc3\x28"}',
            expect=malformed,
        )
    for schema, example in variants:
        ct = {"Content-Type": "application/json"}
        first = next(iter(example), "a") if isinstance(example, dict) else "a"
        nested = _json({**example, first: None}).replace(b"null", b"[" * DEEP + b"]" * DEEP, 1)
        yield Probe(f"{first}: {DEEP} deep", headers=ct, content=nested, expect=malformed)
        bad = _json({**example, first: "PLACEHOLDER"}).replace(b"PLACEHOLDER", b"\xff\xfe")
        yield Probe(f"{first}: not UTF-8", headers=ct, content=bad, expect=malformed)
        key = "k\x00"
        yield Probe(
            "NUL in a member's name",
            headers=ct,
            content=_json({**example, key: 1}),
            expect=(422, "validation_failed"),
            nul_field=key,
        )
        for at, kind in leaves(schema):
            name = field_name(at)
            if kind == "string":
                yield Probe(
                    f"NUL in {name}",
                    headers=ct,
                    content=_json(put(example, at, NUL_TEXT)),
                    expect=(422, "validation_failed"),
                    nul_field=name,
                )
            elif kind == "integer":
                for number in PAST_INT64:
                    body = _json(put(example, at, "PLACEHOLDER")).replace(b'"PLACEHOLDER"', number.encode())
                    yield Probe(
                        f"{name}: {number}", headers=ct, content=body, expect=(422, "validation_failed")
                    )
            else:
                body = _json(put(example, at, "PLACEHOLDER")).replace(b'"PLACEHOLDER"', b"1e400")
                yield Probe(f"{name}: 1e400", headers=ct, content=body)


def multipart(*parts: tuple[bytes, bytes]) -> tuple[dict[str, str], bytes]:
    """Content-Type and body of a multipart/form-data request made of (part headers, part content), written
    byte for byte (a client library would escape what the probes need raw)."""
    boundary = b"hostile-" + uuid.uuid4().hex.encode()
    body = b"".join(
        b"--" + boundary + b"\r\n" + head + b"\r\n\r\n" + content + b"\r\n" for head, content in parts
    )
    return {
        "Content-Type": f"multipart/form-data; boundary={boundary.decode()}"
    }, body + b"--" + boundary + b"--\r\n"


def _form_probes(operation: dict[str, Any]) -> Iterator[Probe]:
    media = operation.get("requestBody", {}).get("content", {}).get("multipart/form-data")
    if media is None:
        return
    refused = (422, "validation_failed")
    jpeg = b"\xff\xd8\xff\xe0" + b"\x00" * 16
    for name in resolve(media["schema"]).get("properties", {}):
        field = name.encode()
        for what, head in (
            (
                "file name",
                b'Content-Disposition: form-data; name="%s"; filename="a\x00.jpg"\r\nContent-Type: image/jpeg',
            ),
            (
                "content type",
                b'Content-Disposition: form-data; name="%s"; filename="a.jpg"\r\nContent-Type: image/jp\x00eg',
            ),
        ):
            headers, body = multipart((head % field, jpeg))
            yield Probe(
                f"NUL in {name}'s {what}", headers=headers, content=body, expect=refused, nul_field=name
            )
        headers, body = multipart((b'Content-Disposition: form-data; name="%s"' % field, NUL_TEXT.encode()))
        yield Probe(f"NUL in {name} as text", headers=headers, content=body, expect=refused, nul_field=name)
    headers, body = multipart((b'Content-Disposition: form-data; name="x\x00"', b"1"))
    yield Probe("NUL in a field's name", headers=headers, content=body, expect=refused, nul_field="x\x00")


def _raw_probes(handler: HTTPRouteHandler, operation: dict[str, Any]) -> Iterator[Probe]:
    """A body the handler reads itself (importGrids): refused on the field `body`."""
    content = operation.get("requestBody", {}).get("content", {})
    if "data" in handler.parsed_fn_signature.parameters or not content:
        return
    refused = (422, "validation_failed")
    collection = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": {"code": "X", "name": "PLACEHOLDER"}, "geometry": None}
        ],
    }
    for content_type in (*content, "text/plain"):
        ct = {"Content-Type": content_type}
        text = _json(collection)
        yield Probe(
            f"NUL in a name ({content_type})",
            headers=ct,
            content=text.replace(b"PLACEHOLDER", b"a\\u0000b"),
            expect=refused,
            nul_field="body",
        )
        yield Probe(
            f"not UTF-8 ({content_type})",
            headers=ct,
            content=text.replace(b"PLACEHOLDER", b"\xff\xfe"),
            expect=refused,
        )
        nested = text.replace(b'"PLACEHOLDER"', b"[" * DEEP + b"]" * DEEP)
        yield Probe(f"{DEEP} deep ({content_type})", headers=ct, content=nested, expect=refused)


# --- the suite ------------------------------------------------------------------------------------------------


async def row_counts(db: asyncpg.Connection) -> dict[str, int]:
    """Rows in every table of the schema."""
    tables = [
        r["tablename"] for r in await db.fetch("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
    ]
    query = " UNION ALL ".join(f"SELECT '{t}' AS name, count(*) AS n FROM \"{t}\"" for t in tables)
    return {r["name"]: r["n"] for r in await db.fetch(query)}


async def all_roles_token(db: asyncpg.Connection, settings: Settings) -> str:
    """A user holding every role, unscoped: no role check stops a probe before its input is read."""
    config = auth_config(settings)
    phone = "+8613700000001"
    ctx = RequestContext(actor_label="tests")
    async with db.transaction():
        await identity.create_user(db, config, phone, [RoleGrant(role=role) for role in ROLES], ctx)
        tokens = await identity.issue_tokens_for(db, config, phone, ctx)
    return tokens.access_token


def _problem(r: httpx.Response) -> dict[str, Any]:
    try:
        body = r.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def judge(probe: Probe, r: httpx.Response) -> str | None:
    """What is wrong with the answer, or None."""
    body = _problem(r)
    if r.status_code >= 500:
        return f"{r.status_code} {body.get('code')}"
    if probe.may_succeed and r.status_code < 400:
        return None
    if r.request.url.path.startswith("/open311/"):
        # GeoReport routes answer their own error lists (api/controllers/open311.py), never problem documents
        return None if 400 <= r.status_code < 500 else f"{r.status_code} is not a 4xx: {r.text[:200]}"
    if not 400 <= r.status_code < 500 or not r.headers.get("content-type", "").startswith(
        "application/problem+json"
    ):
        return f"{r.status_code} is not a 4xx problem: {r.text[:200]}"
    if probe.expect is None or r.status_code in (401, 403):  # without a token the token is what is refused
        return None
    if (r.status_code, body.get("code")) != probe.expect:
        return f"{r.status_code} {body.get('code')}, expected {probe.expect}: {r.text[:300]}"
    if probe.nul_field is not None:
        named = [e.get("field") for e in body.get("errors", []) if e.get("message") == NUL_REFUSAL]
        if probe.nul_field not in named:
            return f"the problem names {named}, not {probe.nul_field!r}"
    return None


async def send(
    client: AsyncTestClient[Any], path: str, method: str, probe: Probe, token: str | None
) -> httpx.Response:
    operation = _operation(path, method)
    headers = {**headers_for(operation, token), **probe.headers}
    return await client.request(
        method.upper(), url(path, operation, probe), headers=headers, content=probe.content
    )


@pytest.mark.parametrize("entry", OPERATIONS, ids=_id)
async def test_hostile_input_is_refused_and_writes_nothing(
    entry: tuple[str, str, HTTPRouteHandler],
    client: AsyncTestClient[Any],
    db: asyncpg.Connection,
    settings: Settings,
) -> None:
    path, method, handler = entry
    token = await all_roles_token(db, settings)
    refused = [p for p in probes(path, method, handler) if not p.may_succeed]
    taken = [p for p in probes(path, method, handler) if p.may_succeed]
    found = []
    before = await row_counts(db)
    for batch in (refused, taken):
        for probe in batch:
            for who in (token, None):
                r = await send(client, path, method, probe, who)
                if (wrong := judge(probe, r)) is not None:
                    signed_in = "signed in" if who else "anonymous"
                    found.append(f"{method.upper()} {path} {probe.what} ({signed_in}): {wrong}")
        if batch is refused:  # what may succeed may write
            after = await row_counts(db)
            written = {t: (before[t], n) for t, n in after.items() if before.get(t) != n}
    assert not found, "\n".join(found)
    assert written == {}, "a refused request wrote (table: rows before, after)"


def test_the_suite_probes_what_it_should() -> None:
    """The generated probes reach every kind of input (so a broken generator cannot pass silently)."""
    seen: dict[str, set[str]] = {}
    for path, method, handler in OPERATIONS:
        for probe in probes(path, method, handler):
            seen.setdefault(probe.what.split(" ")[0], set()).add(_id((path, method, handler)))
    by_what = {what: len(ops) for what, ops in seen.items()}
    assert by_what["NUL"] >= len(OPERATIONS)  # every operation: at least its User-Agent
    assert {"mapReports", "uploadPhoto", "importGrids", "submitReport", "issueToken"} <= seen["NUL"]
    json_ops = {
        _id(e)
        for e in OPERATIONS
        if body_variants(_operation(e[0], e[1])) and "data" in e[2].parsed_fn_signature.parameters
    }
    assert len(json_ops) > 15 and json_ops <= seen["[]"]
    assert "replayDelivery" in seen["{delivery_id}=9223372036854775808"]
    assert "listAudit" in seen["?before=9223372036854775808"]
    assert "transitionCase" in seen["If-Match:"]
    assert "updateCategory" in seen["duplicate_radius_m:"]


@pytest.mark.parametrize("entry", OPERATIONS, ids=_id)
def test_every_integer_parameter_is_bounded_within_int64(entry: tuple[str, str, HTTPRouteHandler]) -> None:
    """Integer parameters reach bigint columns: each is validated within [-2^63, 2^63 - 1] by its handler's own
    bounds. (Every integer of a JSON body is held to int64 by api/nul_guard.py, the probes above show it.)"""
    _, _, handler = entry
    unbounded = []
    for name, parameter in handler.parsed_fn_signature.parameters.items():
        if name == "data" or int not in _int_types(parameter.annotation):
            continue
        kwarg = parameter.kwarg_definition
        low = (
            getattr(kwarg, "ge", None)
            if getattr(kwarg, "ge", None) is not None
            else getattr(kwarg, "gt", None)
        )
        high = (
            getattr(kwarg, "le", None)
            if getattr(kwarg, "le", None) is not None
            else getattr(kwarg, "lt", None)
        )
        if low is None or high is None or low < -(2**63) or high > INT64_MAX:
            unbounded.append(f"{name}: [{low}, {high}]")
    assert unbounded == []


def _int_types(annotation: Any) -> set[Any]:
    if typing.get_origin(annotation) is typing.Annotated:
        return _int_types(typing.get_args(annotation)[0])
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return {t for arg in typing.get_args(annotation) for t in _int_types(arg)}
    return {annotation}


# --- a real server --------------------------------------------------------------------------------------------


@contextmanager
def serve(app: Litestar) -> Iterator[tuple[str, int]]:
    """The app under uvicorn as `cityloop serve` configures it, in a thread, on 127.0.0.1 and a free port."""
    config = uvicorn.Config(app, host="127.0.0.1", port=0, lifespan="on", **server_options())
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="api-under-test", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.02)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield "127.0.0.1", port
    finally:
        server.should_exit = True
        thread.join(timeout=30)


def _send_head(address: tuple[str, int], head: bytes, outcome: dict[str, Any]) -> None:
    """Send a request head and read what comes back, until the server answers or closes."""
    started = time.monotonic()
    with socket.create_connection(address, timeout=30) as sock:
        try:
            sock.sendall(head)
        except OSError as exc:  # the server closed while we sent: refused
            outcome["send_error"] = exc
        try:
            outcome["answer"] = sock.recv(4096)
        except OSError as exc:
            outcome["recv_error"] = exc
    outcome["seconds"] = time.monotonic() - started


def _small_request_answered(address: tuple[str, int], within_s: float) -> bool:
    try:
        r = httpx.get(f"http://{address[0]}:{address[1]}/healthz", timeout=within_s)
    except httpx.HTTPError:
        return False
    return r.status_code == 200


@pytest.mark.parametrize(
    ("what", "head"),
    [
        ("a 50 MB header", b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * (50 << 20) + b"\r\n\r\n"),
        (
            "a 100 MB header line without its end",
            b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * (100 << 20),
        ),
        ("a 50 MB request line", b"GET /healthz?" + b"a" * (50 << 20) + b" HTTP/1.1\r\nHost: x\r\n\r\n"),
        (
            "1,000,000 small headers",
            b"GET /healthz HTTP/1.1\r\nHost: x\r\n" + b"X-A: b\r\n" * 1_000_000 + b"\r\n",
        ),
    ],
)
async def test_an_oversized_request_head_is_refused_without_blocking_others(
    app: Litestar, what: str, head: bytes
) -> None:
    with serve(app) as address:
        await asyncio.to_thread(_refused_without_blocking, address, what, head)


def _refused_without_blocking(address: tuple[str, int], what: str, head: bytes) -> None:
    outcome: dict[str, Any] = {}
    sender = threading.Thread(target=_send_head, args=(address, head, outcome))
    sender.start()
    answered = [_small_request_answered(address, within_s=5) for _ in range(5)]
    sender.join(timeout=30)
    assert not sender.is_alive(), f"{what}: the server neither answered nor closed the connection"
    assert all(answered), f"{what}: a small request on another connection was not answered within 5 s"
    answer = outcome.get("answer", b"")
    # refused: a 400 or 431, or the connection closed (reset, or closed without an answer)
    assert answer == b"" or answer.startswith((b"HTTP/1.1 400", b"HTTP/1.1 431")), answer[:200]
    assert _small_request_answered(address, within_s=5)


async def test_a_head_within_the_limit_is_served(app: Litestar) -> None:
    with serve(app) as (host, port):
        async with httpx.AsyncClient() as http:
            r = await http.get(
                f"http://{host}:{port}/healthz", headers={"X-Pad": "a" * (MAX_REQUEST_HEAD_BYTES // 2)}
            )
        assert r.status_code == 200


async def test_a_nul_in_a_header_is_a_400_from_the_server(app: Litestar) -> None:
    with serve(app) as address:
        outcome: dict[str, Any] = {}
        head = b"GET /healthz HTTP/1.1\r\nHost: x\r\nUser-Agent: a\x00b\r\n\r\n"
        await asyncio.to_thread(_send_head, address, head, outcome)
        assert outcome["answer"].startswith(b"HTTP/1.1 400"), outcome


async def test_the_live_socket_closes_on_a_nul_in_its_query(app: Litestar) -> None:
    with serve(app) as (host, port):
        async with aiohttp.ClientSession() as http:
            for query in ("?access_token=%00", "?access_token=abc&x=a%00b", "?a%00=1"):
                with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
                    await http.ws_connect(
                        f"ws://{host}:{port}/v1/live{query}", timeout=aiohttp.ClientWSTimeout(ws_receive=5)
                    )
                assert refused.value.status == 403, query
            # a token that is no token: the socket opens and closes with 4401, as documented
            ws = await http.ws_connect(f"ws://{host}:{port}/v1/live?access_token=not-a-token")
            message = await ws.receive(timeout=5)
            assert message.type == aiohttp.WSMsgType.CLOSE and message.data == 4401
            await ws.close()


# --- the same client_id twice at once -------------------------------------------------------------------------


async def _demo_city(db: asyncpg.Connection) -> None:
    async with db.transaction():
        await load_catalogue(db, parse_catalogue(DEMO_CATALOGUE.read_bytes()))
        area = json.loads((DATA_DIR / "demo_service_area.geojson").read_text(encoding="utf-8"))
        await cases_store.insert_service_area(db, area["properties"]["name"], json.dumps(area["geometry"]))


REPORT = {
    "category": "E0102",
    "description": "路口垃圾堆了三天",
    "location": {"lat": 39.9087, "lon": 116.3975, "crs": "wgs84"},
}


async def test_one_client_id_under_two_keys_at_once_files_one_report_in_the_service(
    db: asyncpg.Connection, settings: Settings
) -> None:
    """The second request waits on the first's uncommitted row, then returns the first report and leaves
    nothing of its own (no second case, event or report number used up in a row)."""
    await _demo_city(db)
    await staff_token(db, settings, "+8613700000002", "citizen")
    user_id = await db.fetchval("SELECT id FROM users WHERE phone = '+8613700000002'")
    viewer = caller(user_id, "citizen")
    data = msgspec.convert({**REPORT, "client_id": "draft-1"}, ReportCreate)
    config = CasesConfig(timezone=settings.city_timezone, reports_per_day=100)
    second = await connect(settings)
    try:
        first_tx = db.transaction()
        await first_tx.start()
        calendar = await load_calendar(db, CalendarConfig(timezone=settings.city_timezone))
        created, new = await submit_report(db, config, calendar, viewer, data)
        assert new

        async def twin() -> tuple[Any, bool]:
            async with second.transaction():
                return await submit_report(second, config, calendar, viewer, data)

        task = asyncio.create_task(twin())
        pid = second.get_server_pid()
        for _ in range(500):  # until the twin waits on the first's row
            if await db.fetchval("SELECT wait_event_type = 'Lock' FROM pg_stat_activity WHERE pid = $1", pid):
                break
            await asyncio.sleep(0.01)
        else:
            pytest.fail("the twin request never waited for the first one")
        assert not task.done()
        await first_tx.commit()
        again, new_again = await asyncio.wait_for(task, 10)
    finally:
        await second.close()
    assert (again, new_again) == (created, False)
    counts = await db.fetchrow(
        "SELECT (SELECT count(*) FROM reports), (SELECT count(*) FROM cases), (SELECT count(*) FROM case_events)"
    )
    assert counts is not None and counts[0] == 1 and counts[1] == 1


async def test_one_client_id_under_two_keys_at_once_over_http(
    app: Litestar, db: asyncpg.Connection, settings: Settings
) -> None:
    await _demo_city(db)
    token = await staff_token(db, settings, "+8613700000003", "citizen")
    body = {**REPORT, "client_id": "draft-2"}
    with serve(app) as (host, port):
        async with httpx.AsyncClient(base_url=f"http://{host}:{port}", timeout=30) as http:
            for attempt in range(3):  # a few rounds, each with a new client_id: each round races once
                body["client_id"] = f"draft-2-{attempt}"
                answers = await asyncio.gather(
                    *(
                        http.post(
                            "/v1/reports",
                            json=body,
                            headers={**bearer(token), "Idempotency-Key": uuid.uuid4().hex},
                        )
                        for _ in range(2)
                    )
                )
                assert sorted(r.status_code for r in answers) == [200, 201], [r.text for r in answers]
                assert answers[0].json()["id"] == answers[1].json()["id"]
    # one report per round (the later rounds join the first round's case: same place, same category)
    assert await db.fetchval("SELECT count(*) FROM reports") == 3
