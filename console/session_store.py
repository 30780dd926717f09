"""Every SQL statement of the console: its sessions (migration 0032). Idle and absolute expiry are judged by the
database's clock in the statement that loads a session."""

from __future__ import annotations

from uuid import UUID

import asyncpg
from asyncpg import Record


async def insert_session(
    conn: asyncpg.Connection,
    token_hash: str,
    user_id: UUID,
    auth_session_id: UUID,
    csrf_token: str,
    lifetime_s: int,
    client_ip: str | None,
    user_agent: str | None,
) -> None:
    await conn.execute(
        """INSERT INTO console_sessions
               (token_hash, user_id, auth_session_id, csrf_token, expires_at, client_ip, user_agent)
           VALUES ($1, $2, $3, $4, now() + make_interval(secs => $5), $6::inet, $7)""",
        token_hash,
        user_id,
        auth_session_id,
        csrf_token,
        lifetime_s,
        client_ip,
        user_agent,
    )


async def touch_session(conn: asyncpg.Connection, token_hash: str, idle_s: int) -> Record | None:
    """The live session of this hash, its idle clock restarted; None when there is none, or it has been idle
    longer than `idle_s` or is past its absolute end."""
    return await conn.fetchrow(
        """UPDATE console_sessions SET last_seen_at = now()
           WHERE token_hash = $1 AND expires_at > now() AND last_seen_at > now() - make_interval(secs => $2)
           RETURNING user_id, auth_session_id, csrf_token""",
        token_hash,
        idle_s,
    )


async def find_session(conn: asyncpg.Connection, token_hash: str, idle_s: int) -> Record | None:
    """As `touch_session`, leaving the idle clock alone (a request the page made by itself, not its user)."""
    return await conn.fetchrow(
        """SELECT user_id, auth_session_id, csrf_token FROM console_sessions
           WHERE token_hash = $1 AND expires_at > now() AND last_seen_at > now() - make_interval(secs => $2)""",
        token_hash,
        idle_s,
    )


async def delete_session(conn: asyncpg.Connection, token_hash: str) -> Record | None:
    """Delete a session; the deleted row (its user and identity session), None when there was none."""
    return await conn.fetchrow(
        "DELETE FROM console_sessions WHERE token_hash = $1 RETURNING user_id, auth_session_id", token_hash
    )


async def delete_stale_sessions(conn: asyncpg.Connection, idle_s: int) -> int:
    status = await conn.execute(
        """DELETE FROM console_sessions
           WHERE expires_at <= now() OR last_seen_at <= now() - make_interval(secs => $1)""",
        idle_s,
    )
    return int(status.split()[-1])
