"""The cheap hot path (issue 13): one pure ASGI layer for request ids, metrics and the access log, verified access
tokens not verified again, and GET /v1/me in one query with the security rules unchanged."""

from __future__ import annotations

import io
import json
import logging
import time
from collections.abc import Iterator
from typing import Any
from uuid import uuid4

import asyncpg
import jwt
import pytest
from litestar import Litestar, get
from litestar.middleware import DefineMiddleware
from litestar.params import FromPath
from litestar.testing import AsyncTestClient
from prometheus_client import REGISTRY

from api import observability
from api.errors import exception_handlers
from api.observability import ObservabilityMiddleware, configure_logging
from api.settings import Settings
from identity import store, tokens
from identity.errors import TokenInvalid
from tests.api.test_problems import assert_problem
from tests.identity.helpers import bearer, sign_in, staff_token

pytestmark = pytest.mark.anyio


# --- the observability layer, on an app of its own (its own route templates, so the counts are its own) ------


@get("/hot-path-test/{item:str}", sync_to_thread=False)
def item(item: FromPath[str]) -> dict[str, str]:
    return {"item": item}


@get("/hot-path-test-boom", sync_to_thread=False)
def boom() -> None:
    raise RuntimeError("boom")


@get("/hot-path-test/metrics/x", sync_to_thread=False)
def metrics_like() -> dict[str, str]:
    return {}


def _app(**flags: bool) -> Litestar:
    return Litestar(
        route_handlers=[item, boom, metrics_like],
        middleware=[DefineMiddleware(ObservabilityMiddleware, **flags)],
        exception_handlers=exception_handlers(),
        logging_config=None,
    )


def _sample(name: str, method: str, path: str, status: int) -> float:
    labels = {"method": method, "path": path, "status_code": str(status), "app_name": "cityloop"}
    return REGISTRY.get_sample_value(name, labels) or 0.0


@pytest.fixture
def access_log() -> Iterator[io.StringIO]:
    """Root logging as the API sets it up, at INFO, into a buffer; restored after."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    stream = io.StringIO()
    configure_logging("INFO", stream)
    try:
        yield stream
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)


async def test_a_sane_request_id_is_echoed_and_any_other_is_replaced() -> None:
    async with AsyncTestClient(_app()) as client:
        r = await client.get("/hot-path-test/a", headers={"X-Request-ID": "client-id-0001"})
        assert r.headers["x-request-id"] == "client-id-0001"
        ids = set()
        for sent in ({"X-Request-ID": "short"}, {"X-Request-ID": "bad id with spaces"}, {}):
            r = await client.get("/hot-path-test/a", headers=sent)
            assert r.status_code == 200
            assert r.headers.get_list("x-request-id") == [r.headers["x-request-id"]]  # one, not two
            assert r.headers["x-request-id"] not in (sent.get("X-Request-ID"), "")
            ids.add(r.headers["x-request-id"])
        assert len(ids) == 3


async def test_a_problem_document_carries_the_request_id_of_its_response(
    client: AsyncTestClient[Any],
) -> None:
    r = await client.get("/v1/me", headers={"X-Request-ID": "problem-id-0001"})
    body = assert_problem(r, 401, "unauthenticated")
    assert r.headers.get_list("x-request-id") == ["problem-id-0001"]
    assert body["request_id"] == "problem-id-0001"


async def test_metrics_keep_their_names_and_labels_grouped_by_route() -> None:
    template = "/hot-path-test/{item}"
    before = _sample("cityloop_requests_total", "GET", template, 200)
    buckets = _sample("cityloop_request_duration_seconds_count", "GET", template, 200)
    errors = _sample("cityloop_requests_error_total", "GET", "/hot-path-test-boom", 500)
    async with AsyncTestClient(_app()) as client:
        for name in ("a", "b", "c"):
            assert (await client.get(f"/hot-path-test/{name}")).status_code == 200
        assert (await client.get("/hot-path-test-boom")).status_code == 500
        await client.options("/hot-path-test/a")  # not counted
        assert (
            await client.get("/hot-path-test/metrics/x")
        ).status_code == 200  # a path with /metrics: not counted
    assert _sample("cityloop_requests_total", "GET", template, 200) == before + 3
    assert _sample("cityloop_request_duration_seconds_count", "GET", template, 200) == buckets + 3
    assert _sample("cityloop_requests_in_progress", "GET", template, 200) == 0
    assert _sample("cityloop_requests_error_total", "GET", "/hot-path-test-boom", 500) == errors + 1
    assert _sample("cityloop_requests_total", "GET", "/hot-path-test-boom", 500) >= 1
    assert _sample("cityloop_requests_total", "OPTIONS", template, 204) == 0
    assert _sample("cityloop_requests_total", "GET", "/hot-path-test/metrics/x", 200) == 0


async def test_the_apps_metrics_page_shows_them(client: AsyncTestClient[Any]) -> None:
    await client.get("/healthz")
    text = (await client.get("/metrics")).text
    assert (
        'cityloop_requests_total{app_name="cityloop",method="GET",path="/healthz",status_code="200"}' in text
    )
    assert (
        'cityloop_requests_in_progress{app_name="cityloop",method="GET",path="/healthz",status_code="200"}'
        in text
    )
    assert "/metrics" not in "".join(
        line for line in text.splitlines() if line.startswith("cityloop_requests_")
    )


async def test_the_access_log_line_keeps_its_fields(access_log: io.StringIO) -> None:
    async with AsyncTestClient(_app()) as client:
        await client.get("/hot-path-test/x", headers={"X-Request-ID": "log-line-id-01"})
    lines = [json.loads(line) for line in access_log.getvalue().splitlines()]
    line = next(entry for entry in lines if entry["logger"] == "cityloop.access")
    assert (line["msg"], line["level"], line["method"], line["path"]) == (
        "request",
        "info",
        "GET",
        "/hot-path-test/x",
    )
    assert line["request_id"] == "log-line-id-01"
    assert isinstance(line["ms"], float | int) and line["ms"] >= 0


async def test_no_access_log_record_is_built_below_its_level(monkeypatch: pytest.MonkeyPatch) -> None:
    built: list[Any] = []

    class Recording(logging.Logger):
        def info(self, *args: Any, **kwargs: Any) -> None:
            built.append(kwargs.get("extra"))

    recording = Recording("cityloop.access.test", level=logging.WARNING)
    monkeypatch.setattr(observability, "ACCESS_LOG", recording)
    async with AsyncTestClient(_app()) as client:
        assert (await client.get("/hot-path-test/quiet")).status_code == 200
    assert built == []
    recording = Recording("cityloop.access.test", level=logging.INFO)
    monkeypatch.setattr(observability, "ACCESS_LOG", recording)
    async with AsyncTestClient(_app()) as client:
        assert (await client.get("/hot-path-test/loud")).status_code == 200
    assert [(extra["method"], extra["path"]) for extra in built] == [("GET", "/hot-path-test/loud")]


# --- access tokens: verified once per process, still expiring ---------------------------------------------------

SECRET = "test-secret-" + "k" * 32


def _count_decodes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    calls: list[str] = []
    real = jwt.decode

    def counting(token: str, *args: Any, **kwargs: Any) -> Any:
        calls.append(token)
        return real(token, *args, **kwargs)

    monkeypatch.setattr(jwt, "decode", counting)  # the module identity.tokens calls
    return calls


def test_a_token_is_verified_once_and_read_from_the_cache_after(monkeypatch: pytest.MonkeyPatch) -> None:
    decodes = _count_decodes(monkeypatch)
    user, session = uuid4(), uuid4()
    token = tokens.issue_access_token(SECRET, user, session, 600)
    assert tokens.read_access_token(SECRET, token) == (user, session)
    assert tokens.read_access_token(SECRET, token) == (user, session)
    assert decodes == [token]


def test_a_cached_token_still_expires() -> None:
    token = tokens.issue_access_token(SECRET, uuid4(), uuid4(), 1)
    tokens.read_access_token(SECRET, token)
    time.sleep(2)  # exp is whole seconds: at most 1 s after issue
    with pytest.raises(TokenInvalid):
        tokens.read_access_token(SECRET, token)


def test_a_cached_token_is_no_pass_for_another_secret_or_a_changed_token() -> None:
    token = tokens.issue_access_token(SECRET, uuid4(), uuid4(), 600)
    tokens.read_access_token(SECRET, token)
    with pytest.raises(TokenInvalid):
        tokens.read_access_token("another-secret-" + "k" * 32, token)
    head, payload, signature = token.split(".")
    forged = jwt.encode(
        {"sub": str(uuid4()), "sid": str(uuid4()), "exp": 2**40, "aud": "cityloop-api"}, "x" * 32
    )
    for changed in (
        f"{head}.{forged.split('.')[1]}.{signature}",
        f"{head}.{payload}.{signature[:-2]}AA",
        token + "x",
    ):
        with pytest.raises(TokenInvalid):
            tokens.read_access_token(SECRET, changed)


def test_the_cache_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tokens, "MAX_VERIFIED_TOKENS", 3)
    monkeypatch.setattr(tokens, "_VERIFIED", {})
    issued = [tokens.issue_access_token(SECRET, uuid4(), uuid4(), 600) for _ in range(5)]
    for token in issued:
        tokens.read_access_token(SECRET, token)
    assert [key[1] for key in tokens._VERIFIED] == issued[2:]


# --- GET /v1/me: one query, rules unchanged ---------------------------------------------------------------------


async def test_me_reads_the_user_in_the_query_that_checks_the_session(
    client: AsyncTestClient[Any], db: asyncpg.Connection, monkeypatch: pytest.MonkeyPatch
) -> None:
    signed_in = await sign_in(client, db, "13912340013")
    await client.patch(
        "/v1/me", json={"display_name": "小王", "locale": "en"}, headers=bearer(signed_in["access_token"])
    )

    async def second_query(*args: Any) -> Any:
        raise AssertionError("GET /v1/me ran a second query")

    monkeypatch.setattr(store, "get_user", second_query)
    monkeypatch.setattr(store, "get_principal_row", second_query)
    r = await client.get("/v1/me", headers=bearer(signed_in["access_token"]))
    assert r.status_code == 200, r.text
    me = r.json()
    row = await db.fetchrow("SELECT * FROM users WHERE id = $1::uuid", signed_in["user_id"])
    assert me["id"] == signed_in["user_id"]
    assert (me["display_name"], me["locale"], me["phone"], me["disabled"]) == (
        "小王",
        "en",
        row["phone"],
        False,
    )
    assert me["created_at"].replace("Z", "+00:00") == row["created_at"].isoformat()
    assert me["roles"] == [{"role": "citizen"}]


async def test_me_shows_a_role_change_at_once_with_the_same_token(
    client: AsyncTestClient[Any], db: asyncpg.Connection, settings: Settings
) -> None:
    admin = await staff_token(db, settings, "+8613900000013", "admin")
    signed_in = await sign_in(client, db, "13912340014")
    token, user_id = signed_in["access_token"], signed_in["user_id"]
    roles = [{"role": "inspector", "scope_kind": "district", "scope_id": "110105"}]
    r = await client.put(f"/v1/users/{user_id}/roles", json={"roles": roles}, headers=bearer(admin))
    assert r.status_code == 200, r.text
    assert (await client.get("/v1/me", headers=bearer(token))).json()["roles"] == roles
    r = await client.put(f"/v1/users/{user_id}/roles", json={"roles": []}, headers=bearer(admin))
    assert r.status_code == 200, r.text
    assert (await client.get("/v1/me", headers=bearer(token))).json()["roles"] == []


async def test_me_refuses_a_disabled_account_and_an_ended_session_with_a_cached_token(
    client: AsyncTestClient[Any], db: asyncpg.Connection
) -> None:
    signed_in = await sign_in(client, db, "13912340015")
    token = signed_in["access_token"]
    assert (await client.get("/v1/me", headers=bearer(token))).status_code == 200  # verified and cached
    await db.execute("UPDATE users SET disabled_at = now() WHERE id = $1::uuid", signed_in["user_id"])
    assert_problem(await client.get("/v1/me", headers=bearer(token)), 403, "user_disabled")
    await db.execute("UPDATE users SET disabled_at = NULL WHERE id = $1::uuid", signed_in["user_id"])
    await db.execute(
        "UPDATE auth_sessions SET revoked_at = now() WHERE user_id = $1::uuid", signed_in["user_id"]
    )
    assert_problem(await client.get("/v1/me", headers=bearer(token)), 401, "session_revoked")
    assert_problem(await client.get("/v1/me", headers=bearer(token[:-3] + "abc")), 401, "token_invalid")


# --- redaction: the cheap path finds what the full one finds ----------------------------------------------------

_FRAGMENTS = (
    "request",
    "/v1/me",
    "GET",
    "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl",
    "Authorization: Bearer abcdefgh12345678",
    "proxy-authorization=Basic dXNlcjpwYXNz",
    "bearer abcdefghijklmnop",
    "BASIC QWxhZGRpbjpvcGVu",
    "?access_token=abc.def&x=1",
    "X-Amz-Signature=deadbeef",
    '{"password": "hunter2", "code": "123456"}',
    "{'refresh_token': 'r' }",
    "your code is 654321",
    "Code Is 123456",
    "验证码是 123456",
    "Ktoken=x",  # a Kelvin sign: not ASCII, every pattern runs
    "baſic abcdefghijkl",
    "A" * 20 + "1" + "b" * 22,
    "plain text with = and : and 'quotes'",
)


def _full_redact(text: str) -> str:
    for pattern, replacement in observability._SECRET_REDACTIONS:
        text = pattern.sub(replacement, text)
    return text


def test_the_cheap_redaction_equals_every_pattern_applied() -> None:
    samples = [*_FRAGMENTS, *(f"{a} {b}" for a in _FRAGMENTS for b in _FRAGMENTS)]
    for text in samples:
        assert observability.redact(text) == _full_redact(text), text
    assert observability.redact("/healthz") == "/healthz"
    assert "REDACTED" in observability.redact("Authorization: Bearer abcdefgh12345678")
