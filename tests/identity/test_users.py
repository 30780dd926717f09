"""Accounts: the caller's own profile, phone masking, role changes and the audit log."""

from __future__ import annotations

from typing import Any

import asyncpg
import pytest
from litestar.testing import AsyncTestClient

from api.settings import Settings
from identity.phone import mask_phone, normalize_phone
from tests.identity.helpers import bearer, sign_in, staff_token

CITIZEN = "13912345678"


async def test_update_my_profile(client: AsyncTestClient[Any], db: asyncpg.Connection) -> None:
    tokens = await sign_in(client, db, CITIZEN)
    r = await client.patch(
        "/v1/me", json={"display_name": " 小明 ", "locale": "en"}, headers=bearer(tokens["access_token"])
    )
    assert r.status_code == 200
    assert r.json()["display_name"] == "小明"
    assert r.json()["locale"] == "en"


@pytest.mark.parametrize(
    "body", [{"locale": "fr"}, {"display_name": "x" * 65}, {"display_name": 5}, {"phone": "+8613800000000"}]
)
async def test_bad_profile_updates_change_nothing(
    client: AsyncTestClient[Any], db: asyncpg.Connection, body: dict[str, Any]
) -> None:
    tokens = await sign_in(client, db, CITIZEN)
    before = await db.fetchrow("SELECT display_name, locale, phone FROM users")
    r = await client.patch("/v1/me", json=body, headers=bearer(tokens["access_token"]))
    assert r.status_code == 422
    assert r.json()["code"] == "validation_failed"
    assert await db.fetchrow("SELECT display_name, locale, phone FROM users") == before


async def test_staff_see_phones_masked_and_admins_whole(
    client: AsyncTestClient[Any], db: asyncpg.Connection, settings: Settings
) -> None:
    tokens = await sign_in(client, db, CITIZEN)
    dispatcher = await staff_token(db, settings, "+8613700000003", "dispatcher", ("district", "110101"))
    admin = await staff_token(db, settings, "+8613700000004", "admin")
    r = await client.get(f"/v1/users/{tokens['user_id']}", headers=bearer(dispatcher))
    assert r.status_code == 200
    assert r.json()["phone_masked"] == "139****5678"
    assert "phone" not in r.json() or r.json()["phone"] is None
    r = await client.get(f"/v1/users/{tokens['user_id']}", headers=bearer(admin))
    assert r.json()["phone"] == "+8613912345678"


async def test_admin_sets_roles_and_it_is_audited(
    client: AsyncTestClient[Any], db: asyncpg.Connection, settings: Settings
) -> None:
    tokens = await sign_in(client, db, CITIZEN)
    admin = await staff_token(db, settings, "+8613700000004", "admin")
    grants = [{"role": "inspector", "scope_kind": "district", "scope_id": "110101"}, {"role": "citizen"}]
    r = await client.put(
        f"/v1/users/{tokens['user_id']}/roles", json={"roles": grants}, headers=bearer(admin)
    )
    assert r.status_code == 200
    assert r.json()["roles"] == grants

    # the user's very next request sees the new role, without signing in again
    me = await client.get("/v1/me", headers=bearer(tokens["access_token"]))
    assert {g["role"] for g in me.json()["roles"]} == {"inspector", "citizen"}

    r = await client.get(
        "/v1/audit", params={"target_type": "user", "target_id": tokens["user_id"]}, headers=bearer(admin)
    )
    entry = r.json()["items"][0]
    assert entry["action"] == "user.roles.set"
    assert entry["details"]["after"] == grants
    assert entry["details"]["before"] == [{"role": "citizen"}]
    assert entry["request_id"]


@pytest.mark.parametrize(
    "grants",
    [
        [{"role": "emperor"}],
        [{"role": "inspector", "scope_kind": "district"}],
        [{"role": "inspector", "scope_kind": "planet", "scope_id": "x"}],
        [{"role": "inspector", "scope_kind": "district", "scope_id": ""}],
    ],
)
async def test_bad_role_grants_change_nothing(
    client: AsyncTestClient[Any], db: asyncpg.Connection, settings: Settings, grants: list[dict[str, str]]
) -> None:
    tokens = await sign_in(client, db, CITIZEN)
    admin = await staff_token(db, settings, "+8613700000004", "admin")
    audit_before = await db.fetchval("SELECT count(*) FROM audit_log")
    r = await client.put(
        f"/v1/users/{tokens['user_id']}/roles", json={"roles": grants}, headers=bearer(admin)
    )
    assert r.status_code == 422
    assert r.json()["code"] in {"validation_failed", "invalid_scope"}
    roles = await db.fetch("SELECT role::text FROM user_roles WHERE user_id = $1", tokens["user_id"])
    assert [r["role"] for r in roles] == ["citizen"]
    assert await db.fetchval("SELECT count(*) FROM audit_log") == audit_before


async def test_unknown_user(client: AsyncTestClient[Any], db: asyncpg.Connection, settings: Settings) -> None:
    admin = await staff_token(db, settings, "+8613700000004", "admin")
    r = await client.get("/v1/users/0190f0e0-0000-7000-8000-000000000000", headers=bearer(admin))
    assert r.status_code == 404
    assert r.json()["code"] == "user_not_found"
    r = await client.get("/v1/users/not-a-uuid", headers=bearer(admin))
    assert r.status_code in (400, 404)


async def test_audit_log_is_append_only(db: asyncpg.Connection, settings: Settings) -> None:
    await staff_token(db, settings, "+8613700000004", "admin")
    assert await db.fetchval("SELECT count(*) FROM audit_log") > 0
    for statement in ("UPDATE audit_log SET action = 'x'", "DELETE FROM audit_log", "TRUNCATE audit_log"):
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            await db.execute(statement)


@pytest.mark.parametrize(
    ("raw", "e164", "masked"),
    [
        ("13800138000", "+8613800138000", "138****8000"),
        ("+86 138-0013-8000", "+8613800138000", "138****8000"),
        ("+44 20 7946 0958", "+442079460958", "+44******0958"),
    ],
)
def test_phone_normalization_and_masking(raw: str, e164: str, masked: str) -> None:
    assert normalize_phone(raw) == e164
    assert mask_phone(e164) == masked
