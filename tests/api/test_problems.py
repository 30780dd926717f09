"""Every error is an RFC 9457 problem document with a stable code, a localized title and a request id."""

from __future__ import annotations

import logging
from typing import Any

import asyncpg
import pytest
from litestar import Litestar, get
from litestar.testing import AsyncTestClient

from api.i18n import TITLES, negotiate
from api.settings import Settings
from tests.identity.helpers import bearer, staff_token

PROBLEM_KEYS = {"type", "title", "status", "code", "instance", "request_id"}


def assert_problem(r: Any, status: int, code: str) -> dict[str, Any]:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = r.json()
    assert body.keys() >= PROBLEM_KEYS
    assert body["status"] == status
    assert body["code"] == code
    assert body["type"] == f"/problems/{code}"
    assert body["request_id"] == r.headers["x-request-id"]
    return body


@pytest.mark.parametrize(
    ("method", "path", "kwargs", "status", "code"),
    [
        ("GET", "/no/such/path", {}, 404, "not_found"),
        ("DELETE", "/healthz", {}, 405, "method_not_allowed"),
        (
            "POST",
            "/v1/auth/otp",
            {"content": b'{"phone": ', "headers": {"content-type": "application/json"}},
            400,
            "malformed_json",
        ),
        ("POST", "/v1/auth/otp", {"json": {"phone": 138}}, 422, "validation_failed"),
        ("POST", "/v1/auth/otp", {"json": ["13800138000"]}, 422, "validation_failed"),
        ("POST", "/v1/auth/otp", {"json": {}}, 422, "validation_failed"),
        (
            "POST",
            "/v1/auth/otp",
            {"content": b"x" * (1024 * 1024 + 1), "headers": {"content-type": "application/json"}},
            413,
            "payload_too_large",
        ),
        ("GET", "/v1/me", {}, 401, "unauthenticated"),
    ],
)
async def test_problem_shape(
    client: AsyncTestClient[Any], method: str, path: str, kwargs: dict[str, Any], status: int, code: str
) -> None:
    body = assert_problem(await client.request(method, path, **kwargs), status, code)
    assert "Traceback" not in str(body)


async def test_field_errors_name_the_field(client: AsyncTestClient[Any]) -> None:
    body = assert_problem(await client.post("/v1/auth/otp", json={"phone": 138}), 422, "validation_failed")
    assert body["errors"][0]["field"] == "phone"
    assert body["errors"][0]["code"] == "invalid"


async def test_nul_in_any_text_is_refused_by_name(
    client: AsyncTestClient[Any], db: asyncpg.Connection, settings: Settings
) -> None:
    """PostgreSQL text cannot hold U+0000: each of these was a 500 (found by schemathesis)."""
    admin = bearer(await staff_token(db, settings, "+8613700000077", "admin"))
    before = await db.fetchrow("SELECT display_name, locale FROM users WHERE phone = '+8613700000077'")
    for request, field in (
        (client.get("/v1/admin/category-departments?category=E01%0002", headers=admin), "category"),
        (client.get("/v1/reports/nearby?lat=39.9&lon=116.4&category=%00", headers=admin), "category"),
        (client.patch("/v1/categories/E%0002", json={"active": False}, headers=admin), "code"),
        (client.patch("/v1/me", json={"display_name": "a\u0000b"}, headers=admin), "display_name"),
    ):
        body = assert_problem(await request, 422, "validation_failed")
        assert [e["field"] for e in body["errors"]] == [field], body
    assert (
        await db.fetchrow("SELECT display_name, locale FROM users WHERE phone = '+8613700000077'") == before
    )


@pytest.mark.parametrize(
    ("accept_language", "title"),
    [
        ("en", "Not found"),
        ("en-GB,en;q=0.9", "Not found"),
        ("zh-CN", "未找到"),
        ("zh-TW,zh;q=0.9", "未找到"),
        ("fr-FR", "未找到"),
        (None, "未找到"),
        ("zh;q=0.2, en;q=0.8", "Not found"),
    ],
)
async def test_titles_are_localized(
    client: AsyncTestClient[Any], accept_language: str | None, title: str
) -> None:
    headers = {"Accept-Language": accept_language} if accept_language else {}
    r = await client.get("/no/such/path", headers=headers)
    assert r.json()["title"] == title
    assert r.headers["content-language"] == ("en" if title == "Not found" else "zh-CN")


def test_every_title_has_both_languages() -> None:
    for code, (zh, en) in TITLES.items():
        assert zh and en and zh != en, code
    assert negotiate("en;q=0, zh;q=0") == "zh-CN"


async def test_an_unexpected_error_is_a_500_with_a_request_id_and_no_trace(
    app: Litestar, caplog: pytest.LogCaptureFixture
) -> None:
    @get("/test-boom", sync_to_thread=False)
    def boom() -> None:
        raise RuntimeError("secret internal detail")

    app.register(boom)
    async with AsyncTestClient(app) as client:
        with caplog.at_level(logging.ERROR, logger="cityloop.errors"):
            r = await client.get("/test-boom", headers={"X-Request-ID": "req-12345678"})
    body = assert_problem(r, 500, "internal_error")
    assert body["request_id"] == "req-12345678"
    assert "secret internal detail" not in r.text
    assert "Traceback" not in r.text
    logged = [rec for rec in caplog.records if rec.name == "cityloop.errors"]
    assert logged and logged[0].exc_info is not None


async def test_a_clients_request_id_is_echoed_only_when_sane(client: AsyncTestClient[Any]) -> None:
    r = await client.get("/healthz", headers={"X-Request-ID": "abc-DEF_123.45"})
    assert r.headers["x-request-id"] == "abc-DEF_123.45"
    r = await client.get("/healthz", headers={"X-Request-ID": "bad id\twith junk"})
    assert r.headers["x-request-id"] != "bad id\twith junk"
    assert len(r.headers["x-request-id"]) == 32
