"""Signing users in for tests, through the same paths a phone or an operator uses."""

from __future__ import annotations

from typing import Any

import asyncpg
from litestar.testing import AsyncTestClient

from api.config import auth_config
from api.settings import Settings
from identity import service, store
from identity.models import RequestContext, Role, RoleGrant, ScopeKind


async def last_code(db: asyncpg.Connection, phone: str) -> str:
    row = await store.last_sms(db, phone)
    assert row is not None, f"no SMS to {phone}"
    return "".join(ch for ch in row["body"] if ch.isdigit())[:6]


async def sign_in(client: AsyncTestClient[Any], db: asyncpg.Connection, phone: str) -> dict[str, Any]:
    """The phone flow: request a code, read it from the SMS table, exchange it."""
    r = await client.post("/v1/auth/otp", json={"phone": phone})
    assert r.status_code == 202, r.text
    code = await last_code(db, "+86" + phone if not phone.startswith("+") else phone)
    r = await client.post("/v1/auth/token", json={"grant_type": "otp", "phone": phone, "code": code})
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


async def staff_token(
    db: asyncpg.Connection,
    settings: Settings,
    phone: str,
    role: Role,
    scope: tuple[ScopeKind, str] | None = None,
) -> str:
    """Create a user with a role (as `cityloop users create` does) and start a session for them."""
    grant = RoleGrant(role=role, scope_kind=scope[0], scope_id=scope[1]) if scope else RoleGrant(role=role)
    config = auth_config(settings)
    ctx = RequestContext(actor_label="tests")
    async with db.transaction():
        await service.create_user(db, config, phone, [grant], ctx)
        tokens = await service.issue_tokens_for(db, config, phone, ctx)
    return tokens.access_token


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
