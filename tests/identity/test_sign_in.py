"""Phone sign-in end to end, and every way it can be refused, with what must (not) be written."""

from __future__ import annotations

from typing import Any

import asyncpg
import pytest
from litestar.testing import AsyncTestClient

from tests.identity.helpers import bearer, last_code, sign_in

PHONE = "13912345678"
E164 = "+8613912345678"


async def count(db: asyncpg.Connection, table: str) -> int:
    value: int = await db.fetchval(f"SELECT count(*) FROM {table}")  # table names are literals in this file
    return value


async def test_sign_in_refresh_and_logout(client: AsyncTestClient[Any], db: asyncpg.Connection) -> None:
    r = await client.post("/v1/auth/otp", json={"phone": PHONE})
    assert r.status_code == 202
    assert r.json() == {"expires_in": 300, "resend_after": 60}
    code = await last_code(db, E164)
    assert len(code) == 6
    assert (
        await db.fetchval("SELECT code_hash FROM otp_codes WHERE phone = $1", E164) != code
    )  # stored hashed

    r = await client.post("/v1/auth/token", json={"grant_type": "otp", "phone": PHONE, "code": code})
    assert r.status_code == 200
    tokens = r.json()
    assert tokens["token_type"] == "Bearer" and tokens["expires_in"] == 900

    me = await client.get("/v1/me", headers=bearer(tokens["access_token"]))
    assert me.status_code == 200
    assert me.json()["phone"] == E164
    assert [g["role"] for g in me.json()["roles"]] == ["citizen"]

    r = await client.post(
        "/v1/auth/token", json={"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]}
    )
    assert r.status_code == 200
    rotated = r.json()
    assert rotated["refresh_token"] != tokens["refresh_token"]
    assert (await client.get("/v1/me", headers=bearer(rotated["access_token"]))).status_code == 200

    # the code is single-use
    r = await client.post("/v1/auth/token", json={"grant_type": "otp", "phone": PHONE, "code": code})
    assert r.status_code == 400 and r.json()["code"] == "otp_invalid"

    r = await client.post("/v1/auth/logout", headers=bearer(rotated["access_token"]))
    assert r.status_code == 204
    r = await client.get("/v1/me", headers=bearer(rotated["access_token"]))
    assert r.status_code == 401 and r.json()["code"] == "session_revoked"
    r = await client.post(
        "/v1/auth/token", json={"grant_type": "refresh_token", "refresh_token": rotated["refresh_token"]}
    )
    assert r.status_code == 401 and r.json()["code"] == "refresh_token_invalid"


async def test_second_sign_in_reuses_the_user(
    client: AsyncTestClient[Any], db: asyncpg.Connection, app: Any
) -> None:
    first = await sign_in(client, db, PHONE)
    await db.execute("UPDATE rate_limit_hits SET hits = 0")  # the per-minute window, not under test here
    second = await sign_in(client, db, PHONE)
    assert first["user_id"] == second["user_id"]
    assert await count(db, "users") == 1
    assert await count(db, "auth_sessions") == 2


async def test_wrong_code_counts_a_try_and_starts_no_session(
    client: AsyncTestClient[Any], db: asyncpg.Connection
) -> None:
    await client.post("/v1/auth/otp", json={"phone": PHONE})
    good = await last_code(db, E164)
    wrong = f"{(int(good) + 1) % 1_000_000:06d}"
    r = await client.post("/v1/auth/token", json={"grant_type": "otp", "phone": PHONE, "code": wrong})
    assert r.status_code == 400
    assert r.json()["code"] == "otp_invalid"
    assert r.json()["attempts_left"] == 4
    assert await db.fetchval("SELECT attempts FROM otp_codes WHERE phone = $1", E164) == 1
    assert await count(db, "auth_sessions") == 0
    assert await count(db, "users") == 0


async def test_five_wrong_tries_kill_the_code(client: AsyncTestClient[Any], db: asyncpg.Connection) -> None:
    await client.post("/v1/auth/otp", json={"phone": PHONE})
    good = await last_code(db, E164)
    wrong = f"{(int(good) + 1) % 1_000_000:06d}"
    codes = []
    for _ in range(5):
        r = await client.post("/v1/auth/token", json={"grant_type": "otp", "phone": PHONE, "code": wrong})
        codes.append(r.json()["code"])
    assert codes == ["otp_invalid"] * 4 + ["otp_exhausted"]
    r = await client.post("/v1/auth/token", json={"grant_type": "otp", "phone": PHONE, "code": good})
    assert r.status_code == 400 and r.json()["code"] == "otp_exhausted"
    assert await count(db, "auth_sessions") == 0


async def test_expired_code(client: AsyncTestClient[Any], db: asyncpg.Connection) -> None:
    await client.post("/v1/auth/otp", json={"phone": PHONE})
    code = await last_code(db, E164)
    await db.execute("UPDATE otp_codes SET expires_at = now() - interval '1 second'")
    r = await client.post("/v1/auth/token", json={"grant_type": "otp", "phone": PHONE, "code": code})
    assert r.status_code == 400 and r.json()["code"] == "otp_expired"
    assert await count(db, "auth_sessions") == 0


async def test_a_new_code_supersedes_the_old(client: AsyncTestClient[Any], db: asyncpg.Connection) -> None:
    await client.post("/v1/auth/otp", json={"phone": PHONE})
    old = await last_code(db, E164)
    await db.execute("UPDATE rate_limit_hits SET hits = 0")
    await client.post("/v1/auth/otp", json={"phone": PHONE})
    new = await last_code(db, E164)
    if old != new:
        r = await client.post("/v1/auth/token", json={"grant_type": "otp", "phone": PHONE, "code": old})
        assert r.json()["code"] == "otp_invalid"
    r = await client.post("/v1/auth/token", json={"grant_type": "otp", "phone": PHONE, "code": new})
    assert r.status_code == 200


async def test_one_code_a_minute_per_phone(client: AsyncTestClient[Any], db: asyncpg.Connection) -> None:
    assert (await client.post("/v1/auth/otp", json={"phone": PHONE})).status_code == 202
    r = await client.post("/v1/auth/otp", json={"phone": PHONE})
    assert r.status_code == 429
    assert r.json()["code"] == "rate_limited"
    assert 1 <= int(r.headers["retry-after"]) <= 60
    assert await count(db, "sms_messages") == 1
    assert await count(db, "otp_codes") == 1


async def test_replayed_refresh_token_revokes_the_family(
    client: AsyncTestClient[Any], db: asyncpg.Connection
) -> None:
    tokens = await sign_in(client, db, PHONE)
    r = await client.post(
        "/v1/auth/token", json={"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]}
    )
    rotated = r.json()
    r = await client.post(
        "/v1/auth/token", json={"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]}
    )
    assert r.status_code == 401 and r.json()["code"] == "refresh_token_reused"
    # the whole family is dead: the rotated refresh token and every access token of the session
    assert await db.fetchval("SELECT revoked_why FROM auth_sessions") == "refresh token reused"
    r = await client.post(
        "/v1/auth/token", json={"grant_type": "refresh_token", "refresh_token": rotated["refresh_token"]}
    )
    assert r.status_code == 401 and r.json()["code"] == "refresh_token_invalid"
    r = await client.get("/v1/me", headers=bearer(rotated["access_token"]))
    assert r.status_code == 401 and r.json()["code"] == "session_revoked"


@pytest.mark.parametrize("phone", ["123", "not a phone", "+86 138 0013", "1" * 40, ""])
async def test_malformed_phone(client: AsyncTestClient[Any], db: asyncpg.Connection, phone: str) -> None:
    r = await client.post("/v1/auth/otp", json={"phone": phone})
    assert r.status_code == 422
    assert r.json()["code"] in {"invalid_phone", "validation_failed"}
    assert r.json()["errors"][0]["field"] == "phone"
    assert await count(db, "sms_messages") == 0
    assert await count(db, "otp_codes") == 0


@pytest.mark.parametrize(
    "body",
    [
        {"grant_type": "otp", "phone": PHONE, "code": "12345"},
        {"grant_type": "otp", "phone": PHONE, "code": 123456},
        {"grant_type": "password", "phone": PHONE, "password": "x"},
        {"grant_type": "otp", "phone": PHONE, "code": "123456", "extra": 1},
        {"phone": PHONE},
    ],
)
async def test_malformed_token_requests(
    client: AsyncTestClient[Any], db: asyncpg.Connection, body: dict[str, Any]
) -> None:
    r = await client.post("/v1/auth/token", json=body)
    assert r.status_code == 422
    assert r.json()["code"] == "validation_failed"
    assert await count(db, "auth_sessions") == 0


async def test_forged_and_garbage_access_tokens(client: AsyncTestClient[Any], db: asyncpg.Connection) -> None:
    import jwt

    tokens = await sign_in(client, db, PHONE)
    claims = jwt.decode(tokens["access_token"], options={"verify_signature": False})
    forged = jwt.encode(claims, "another-secret-another-secret-000000", algorithm="HS256")
    for token in (forged, "garbage", tokens["access_token"] + "x"):
        r = await client.get("/v1/me", headers=bearer(token))
        assert r.status_code == 401 and r.json()["code"] == "token_invalid"
    r = await client.get("/v1/me", headers={"Authorization": "Basic abc"})
    assert r.status_code == 401 and r.json()["code"] == "unauthenticated"
    assert "Bearer" in r.headers["www-authenticate"]
