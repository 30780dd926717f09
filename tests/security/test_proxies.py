"""X-Forwarded-For counts only from TRUSTED_PROXIES (none by default): the client's address for the sign-in
limits, sessions and the audit log is the peer's, or behind a trusted proxy the right-most address the proxies
forwarded that is not one of them.

Against a real uvicorn on 127.0.0.1, configured as `cityloop serve` runs it (a real peer address), with and
without 127.0.0.1 as a trusted proxy; and `client_address` on its own for the forms headers take.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import AsyncIterator

import asyncpg
import httpx
import pytest

from api.app import create_app
from api.cli import server_options
from api.proxies import client_address, parse_networks
from api.settings import Settings, SettingsError, load_settings
from tests.identity.helpers import bearer, last_code, staff_token
from tests.security.test_hostile_input import serve

LIMIT = 2  # sign-in codes per client address per hour, in these tests
PHONES = itertools.count(13900000001)


def settings_for(database_url: str, trusted: str) -> Settings:
    environ = {k: v for k, v in os.environ.items() if k != "TRUSTED_PROXIES"}
    return load_settings(
        {**environ, "TRUSTED_PROXIES": trusted},
        database_url=database_url,
        env="test",
        db_pool_min=1,
        db_pool_max=4,
        otp_per_ip_per_hour=LIMIT,
    )


@pytest.fixture(params=["", "127.0.0.1/32"], ids=["no trusted proxy", "trusting 127.0.0.1"])
async def api(
    request: pytest.FixtureRequest, database_url: str
) -> AsyncIterator[tuple[httpx.AsyncClient, bool]]:
    """The API under uvicorn; the test's requests come from 127.0.0.1. Yields a client and whether that peer is
    a trusted proxy."""
    settings = settings_for(database_url, request.param)
    with serve(create_app(settings)) as (host, port):
        async with httpx.AsyncClient(base_url=f"http://{host}:{port}", timeout=30) as http:
            yield http, bool(request.param)


async def request_code(http: httpx.AsyncClient, forwarded_for: str | None) -> int:
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for is not None else {}
    r = await http.post("/v1/auth/otp", json={"phone": str(next(PHONES))}, headers=headers)
    return r.status_code


async def test_the_sign_in_limit_follows_the_forwarded_address_only_from_a_trusted_proxy(
    api: tuple[httpx.AsyncClient, bool],
) -> None:
    http, trusted = api
    # one client inventing a new address for each request
    invented = [await request_code(http, f"198.51.100.{i}") for i in range(1, LIMIT + 2)]
    if not trusted:
        # ignored: all of them are the peer's requests, and the peer's limit runs out
        assert invented == [202] * LIMIT + [429]
        assert await request_code(http, None) == 429
        return
    # from a trusted proxy: each forwarded address has a bucket of its own
    assert invented == [202] * (LIMIT + 1)
    assert [await request_code(http, "203.0.113.5") for _ in range(LIMIT + 1)] == [202] * LIMIT + [429]
    # what the client wrote left of what the proxy appended changes nothing: the proxy's entry counts
    assert await request_code(http, "10.9.9.9, 203.0.113.5") == 429
    assert await request_code(http, "203.0.113.5, 203.0.113.6") == 202
    # the proxy's own address in the chain is skipped
    assert await request_code(http, "203.0.113.5, 127.0.0.1") == 429


async def test_sessions_and_the_audit_log_record_the_client_address(
    api: tuple[httpx.AsyncClient, bool], db: asyncpg.Connection, settings: Settings
) -> None:
    http, trusted = api
    expected = "203.0.113.9" if trusted else "127.0.0.1"
    headers = {"X-Forwarded-For": "203.0.113.9"}
    phone = str(next(PHONES))
    assert (await http.post("/v1/auth/otp", json={"phone": phone}, headers=headers)).status_code == 202
    code = await last_code(db, "+86" + phone)
    r = await http.post(
        "/v1/auth/token", json={"grant_type": "otp", "phone": phone, "code": code}, headers=headers
    )
    assert r.status_code == 200, r.text
    recorded = await db.fetchval(
        "SELECT host(s.client_ip) FROM auth_sessions s JOIN users u ON u.id = s.user_id WHERE u.phone = $1",
        "+86" + phone,
    )
    assert recorded == expected

    admin = await staff_token(db, settings, "+8613700000020", "admin")
    user_id = await db.fetchval("SELECT id FROM users WHERE phone = $1", "+86" + phone)
    r = await http.put(
        f"/v1/users/{user_id}/roles",
        json={"roles": [{"role": "citizen"}]},
        headers={**bearer(admin), **headers},
    )
    assert r.status_code == 200, r.text
    audited = await db.fetchval(
        "SELECT host(client_ip) FROM audit_log WHERE action = 'user.roles.set' AND target_id = $1",
        str(user_id),
    )
    assert audited == expected


@pytest.mark.parametrize(
    ("peer", "forwarded", "client"),
    [
        ("127.0.0.1", [], "127.0.0.1"),  # no header: the peer
        ("127.0.0.1", ["203.0.113.5"], "203.0.113.5"),
        ("127.0.0.1", ["198.51.100.1, 203.0.113.5"], "203.0.113.5"),  # right-most: what the proxy appended
        ("127.0.0.1", ["198.51.100.1", "203.0.113.5"], "203.0.113.5"),  # two header lines, in order
        ("127.0.0.1", ["203.0.113.5, 10.0.0.2"], "203.0.113.5"),  # a second trusted proxy is skipped
        ("127.0.0.1", ["10.0.0.3, 10.0.0.2"], "10.0.0.3"),  # all trusted: the left-most
        ("127.0.0.1", ["203.0.113.5:4711"], "203.0.113.5"),  # with a port
        ("127.0.0.1", ["[2001:db8::1]:4711"], "2001:db8::1"),
        ("127.0.0.1", ["::ffff:203.0.113.5"], "203.0.113.5"),  # IPv4-mapped
        ("127.0.0.1", ["unknown"], "unknown"),  # as a proxy wrote it
        ("127.0.0.1", [" , "], "127.0.0.1"),
        ("192.0.2.1", ["203.0.113.5"], "192.0.2.1"),  # an untrusted peer's header is ignored
        ("::ffff:127.0.0.1", ["203.0.113.5"], "203.0.113.5"),  # an IPv4-mapped peer
        (None, ["203.0.113.5"], None),  # a Unix socket: no peer address
    ],
)
def test_client_address(peer: str | None, forwarded: list[str], client: str | None) -> None:
    networks = parse_networks(["127.0.0.1", "10.0.0.0/8"])
    assert client_address(peer, forwarded, networks) == client


def test_client_address_trusts_no_one_by_default() -> None:
    assert client_address("127.0.0.1", ["203.0.113.5"], ()) == "127.0.0.1"


def test_trusted_proxies_is_an_explicit_setting() -> None:
    assert load_settings({}, env="test").trusted_proxies == ()
    settings = load_settings({"TRUSTED_PROXIES": " 10.0.0.0/8, 192.0.2.7 ,fd00::/8 "}, env="test")
    assert settings.trusted_proxies == ("10.0.0.0/8", "192.0.2.7", "fd00::/8")
    for wrong in ("*", "10.0.0.0/33", "proxy.example.org", "10.0.0.1;10.0.0.2"):
        with pytest.raises(SettingsError, match="TRUSTED_PROXIES"):
            load_settings({"TRUSTED_PROXIES": wrong}, env="test")


def test_the_server_leaves_forwarded_headers_to_the_app() -> None:
    """uvicorn's own proxy headers would believe X-Forwarded-For from any loopback peer before api/proxies.py
    sees the request."""
    assert server_options()["proxy_headers"] is False
