"""Console sessions: a random cookie value whose sha256 names a row of console_sessions, riding on an identity
session. Each request reads the user's roles afresh through identity's service, as the API does for a token, so a
revoked role, a disabled account or an ended identity session counts at once.

Use cases take `conn` inside the caller's transaction and never commit.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

import asyncpg

from console import session_store
from identity import service
from identity.errors import SessionRevoked, UserDisabled
from identity.models import Principal, RequestContext


@dataclass(frozen=True)
class Session:
    principal: Principal
    csrf_token: str


def new_secret() -> str:
    """256 random bits, URL-safe: a cookie value or a CSRF token."""
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    # 256 random bits need no key or stretching: a plain digest makes a stolen table useless
    return hashlib.sha256(token.encode()).hexdigest()


async def start(
    conn: asyncpg.Connection, principal: Principal, lifetime_s: int, ctx: RequestContext
) -> tuple[str, Session]:
    """A new console session for a signed-in principal: the cookie value (shown once, never stored) and the
    session."""
    token, csrf = new_secret(), new_secret()
    await session_store.insert_session(
        conn,
        token_hash(token),
        principal.user_id,
        principal.session_id,
        csrf,
        lifetime_s,
        ctx.client_ip,
        ctx.user_agent,
    )
    return token, Session(principal, csrf)


async def load(conn: asyncpg.Connection, token: str, idle_s: int, *, touch: bool = True) -> Session | None:
    """The live session of a cookie value, or None (unknown, idle, expired, its identity session ended, the user
    disabled: the row of a session that cannot come back is deleted). `touch`: the user is at it, so its idle
    clock restarts; a page's own refreshes (a queue redrawn by the live feed) and the feed's checks leave it."""
    hashed = token_hash(token)
    find = session_store.touch_session if touch else session_store.find_session
    row = await find(conn, hashed, idle_s)
    if row is None:
        return None
    try:
        principal = await service.session_principal(conn, row["user_id"], row["auth_session_id"])
    except (SessionRevoked, UserDisabled):
        await session_store.delete_session(conn, hashed)
        return None
    return Session(principal, row["csrf_token"])


async def end(conn: asyncpg.Connection, token: str) -> None:
    """Sign out: the console session is deleted and its identity session revoked."""
    row = await session_store.delete_session(conn, token_hash(token))
    if row is None:
        return
    try:
        principal = await service.session_principal(conn, row["user_id"], row["auth_session_id"])
    except (SessionRevoked, UserDisabled):
        return  # ended already
    await service.logout(conn, principal)


async def housekeeping(conn: asyncpg.Connection, idle_s: int) -> dict[str, int]:
    """Delete sessions past their idle or absolute end (for the worker's housekeeping pass)."""
    return {"console_sessions": await session_store.delete_stale_sessions(conn, idle_s)}
