"""Every SQL statement of the identity domain, and nothing else."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg

from identity.models import AuditEntry, RoleGrant, User

Record = asyncpg.Record


# users ---------------------------------------------------------------------------------------------------------


async def get_user_by_phone(conn: asyncpg.Connection, phone: str) -> Record | None:
    return await conn.fetchrow("SELECT * FROM users WHERE phone = $1", phone)


async def insert_user(
    conn: asyncpg.Connection, phone: str | None, display_name: str = "", locale: str = "zh-CN"
) -> UUID:
    user_id: UUID = await conn.fetchval(
        "INSERT INTO users (phone, display_name, locale) VALUES ($1, $2, $3) RETURNING id",
        phone,
        display_name,
        locale,
    )
    return user_id


async def get_user(conn: asyncpg.Connection, user_id: UUID) -> User | None:
    row = await conn.fetchrow(
        """SELECT u.*, coalesce(
                 (SELECT jsonb_agg(jsonb_strip_nulls(jsonb_build_object(
                      'role', r.role, 'scope_kind', r.scope_kind, 'scope_id', r.scope_id)) ORDER BY r.id)
                  FROM user_roles r WHERE r.user_id = u.id), '[]') AS roles
           FROM users u WHERE u.id = $1""",
        user_id,
    )
    if row is None:
        return None
    return User(
        id=row["id"],
        phone=row["phone"],
        display_name=row["display_name"],
        locale=row["locale"],
        created_at=row["created_at"],
        roles=[RoleGrant(**grant) for grant in row["roles"]],
        disabled=row["disabled_at"] is not None,
    )


async def users_with_role(conn: asyncpg.Connection, role: str, limit: int) -> list[Record]:
    """Enabled users holding `role` (any scope), by name."""
    return await conn.fetch(
        """SELECT u.id, u.display_name, u.phone FROM users u
           WHERE u.disabled_at IS NULL AND EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = u.id AND r.role = $1)
           ORDER BY u.display_name, u.id LIMIT $2""",
        role,
        limit,
    )


async def update_user(
    conn: asyncpg.Connection, user_id: UUID, display_name: str | None, locale: str | None
) -> None:
    await conn.execute(
        """UPDATE users SET display_name = coalesce($2, display_name), locale = coalesce($3, locale),
                  updated_at = now()
           WHERE id = $1""",
        user_id,
        display_name,
        locale,
    )


async def set_user_disabled(conn: asyncpg.Connection, user_id: UUID, disabled: bool) -> bool:
    """Disable or enable an account; True when that changed it (a disabled account keeps its first date)."""
    status = await conn.execute(
        """UPDATE users SET disabled_at = CASE WHEN $2 THEN now() END, updated_at = now()
           WHERE id = $1 AND (disabled_at IS NOT NULL) <> $2""",
        user_id,
        disabled,
    )
    return bool(status != "UPDATE 0")


async def add_role(conn: asyncpg.Connection, user_id: UUID, grant: RoleGrant) -> bool:
    status = await conn.execute(
        """INSERT INTO user_roles (user_id, role, scope_kind, scope_id) VALUES ($1, $2, $3, $4)
           ON CONFLICT DO NOTHING""",
        user_id,
        grant.role,
        grant.scope_kind,
        grant.scope_id,
    )
    return bool(status != "INSERT 0 0")


async def replace_roles(conn: asyncpg.Connection, user_id: UUID, grants: list[RoleGrant]) -> None:
    await conn.execute("DELETE FROM user_roles WHERE user_id = $1", user_id)
    await conn.executemany(
        "INSERT INTO user_roles (user_id, role, scope_kind, scope_id) VALUES ($1, $2, $3, $4)",
        [(user_id, g.role, g.scope_kind, g.scope_id) for g in grants],
    )


#: a user's role grants as a JSON array, and the session that signs them in (get_principal_row, ..._user_row)
_PRINCIPAL = """s.revoked_at,
    coalesce((SELECT jsonb_agg(jsonb_strip_nulls(jsonb_build_object(
                 'role', r.role, 'scope_kind', r.scope_kind, 'scope_id', r.scope_id)) ORDER BY r.id)
              FROM user_roles r WHERE r.user_id = u.id), '[]') AS roles
    FROM auth_sessions s JOIN users u ON u.id = s.user_id
    WHERE s.id = $2 AND s.user_id = $1"""


async def get_principal_row(conn: asyncpg.Connection, user_id: UUID, session_id: UUID) -> Record | None:
    """The user, their roles and whether the session is still live, in one round trip."""
    return await conn.fetchrow(f"SELECT u.locale, u.disabled_at, {_PRINCIPAL}", user_id, session_id)


async def get_principal_user_row(conn: asyncpg.Connection, user_id: UUID, session_id: UUID) -> Record | None:
    """`get_principal_row` with the whole user (GET /v1/me): the session, the user and their roles in one
    round trip."""
    return await conn.fetchrow(f"SELECT u.*, {_PRINCIPAL}", user_id, session_id)


# identities ----------------------------------------------------------------------------------------------------


async def get_identity_user(conn: asyncpg.Connection, provider: str, subject: str) -> UUID | None:
    user_id: UUID | None = await conn.fetchval(
        "SELECT user_id FROM user_identities WHERE provider = $1 AND subject = $2", provider, subject
    )
    return user_id


async def link_identity(conn: asyncpg.Connection, provider: str, subject: str, user_id: UUID) -> None:
    await conn.execute(
        "INSERT INTO user_identities (provider, subject, user_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
        provider,
        subject,
        user_id,
    )


# one-time codes ------------------------------------------------------------------------------------------------


async def supersede_otps(conn: asyncpg.Connection, phone: str) -> None:
    await conn.execute(
        "UPDATE otp_codes SET consumed_at = now() WHERE phone = $1 AND consumed_at IS NULL", phone
    )


async def insert_otp(conn: asyncpg.Connection, phone: str, code_hash: str, ttl_s: int) -> None:
    await conn.execute(
        "INSERT INTO otp_codes (phone, code_hash, expires_at) VALUES ($1, $2, now() + make_interval(secs => $3))",
        phone,
        code_hash,
        ttl_s,
    )


async def latest_open_otp(conn: asyncpg.Connection, phone: str) -> Record | None:
    """The newest unconsumed code for the phone, locked so that concurrent tries count one by one."""
    return await conn.fetchrow(
        """SELECT id, code_hash, attempts, expires_at <= now() AS expired FROM otp_codes
           WHERE phone = $1 AND consumed_at IS NULL
           ORDER BY created_at DESC LIMIT 1 FOR UPDATE""",
        phone,
    )


async def count_otp_attempt(conn: asyncpg.Connection, otp_id: UUID) -> int:
    attempts: int = await conn.fetchval(
        "UPDATE otp_codes SET attempts = attempts + 1 WHERE id = $1 RETURNING attempts", otp_id
    )
    return attempts


async def consume_otp(conn: asyncpg.Connection, otp_id: UUID) -> None:
    await conn.execute("UPDATE otp_codes SET consumed_at = now() WHERE id = $1", otp_id)


async def delete_stale_otps(conn: asyncpg.Connection) -> int:
    result = await conn.execute("DELETE FROM otp_codes WHERE expires_at < now() - interval '1 day'")
    return int(result.split()[-1])


# rate limits ---------------------------------------------------------------------------------------------------


async def hit_rate_limit(conn: asyncpg.Connection, bucket: str, window_s: int) -> tuple[int, datetime]:
    """Count one hit in the current fixed window of `bucket`; return the hits so far and the window's end."""
    row = await conn.fetchrow(
        """INSERT INTO rate_limit_hits AS h (bucket, window_start, hits, expires_at)
           SELECT $1, w.start, 1, w.start + make_interval(secs => $2)
           FROM (SELECT to_timestamp(floor(extract(epoch FROM now()) / $2) * $2) AS start) w
           ON CONFLICT (bucket, window_start) DO UPDATE SET hits = h.hits + 1
           RETURNING hits, expires_at""",
        bucket,
        window_s,
    )
    assert row is not None
    return row["hits"], row["expires_at"]


async def delete_expired_rate_limits(conn: asyncpg.Connection) -> int:
    result = await conn.execute("DELETE FROM rate_limit_hits WHERE expires_at < now()")
    return int(result.split()[-1])


# sessions and refresh tokens -----------------------------------------------------------------------------------


async def insert_session(
    conn: asyncpg.Connection, user_id: UUID, client_ip: str | None, user_agent: str | None
) -> UUID:
    session_id: UUID = await conn.fetchval(
        "INSERT INTO auth_sessions (user_id, client_ip, user_agent) VALUES ($1, $2, $3) RETURNING id",
        user_id,
        client_ip,
        (user_agent or "")[:256] or None,
    )
    return session_id


async def insert_refresh_token(
    conn: asyncpg.Connection, token_hash: str, session_id: UUID, ttl_s: int
) -> None:
    await conn.execute(
        """INSERT INTO refresh_tokens (token_hash, session_id, expires_at)
           VALUES ($1, $2, now() + make_interval(secs => $3))""",
        token_hash,
        session_id,
        ttl_s,
    )


async def claim_refresh_token(conn: asyncpg.Connection, token_hash: str) -> Record | None:
    """Lock a refresh token with its session; the caller decides whether it may be used."""
    return await conn.fetchrow(
        """SELECT t.session_id, t.used_at, t.expires_at <= now() AS expired, s.user_id, s.revoked_at,
                  u.disabled_at IS NOT NULL AS user_disabled
           FROM refresh_tokens t JOIN auth_sessions s ON s.id = t.session_id JOIN users u ON u.id = s.user_id
           WHERE t.token_hash = $1 FOR UPDATE OF t, s""",
        token_hash,
    )


async def mark_refresh_token_used(conn: asyncpg.Connection, token_hash: str) -> None:
    await conn.execute("UPDATE refresh_tokens SET used_at = now() WHERE token_hash = $1", token_hash)


async def revoke_session(conn: asyncpg.Connection, session_id: UUID, why: str) -> None:
    await conn.execute(
        "UPDATE auth_sessions SET revoked_at = now(), revoked_why = $2 WHERE id = $1 AND revoked_at IS NULL",
        session_id,
        why,
    )


async def revoke_user_sessions(conn: asyncpg.Connection, user_id: UUID, why: str) -> int:
    """End every live session of a user (their refresh tokens die with them); how many were live."""
    result = await conn.execute(
        """UPDATE auth_sessions SET revoked_at = now(), revoked_why = $2
           WHERE user_id = $1 AND revoked_at IS NULL""",
        user_id,
        why,
    )
    return int(result.split()[-1])


# SMS -----------------------------------------------------------------------------------------------------------


async def insert_sms(conn: asyncpg.Connection, phone: str, body: str, purpose: str, status: str) -> None:
    await conn.execute(
        """INSERT INTO sms_messages (phone, body, purpose, status, sent_at)
           VALUES ($1, $2, $3, $4, CASE WHEN $4 = 'sent' THEN now() END)""",
        phone,
        body,
        purpose,
        status,
    )


async def last_sms(conn: asyncpg.Connection, phone: str) -> Record | None:
    return await conn.fetchrow(
        "SELECT * FROM sms_messages WHERE phone = $1 ORDER BY created_at DESC, id DESC LIMIT 1", phone
    )


async def take_pending_sms(conn: asyncpg.Connection, limit: int) -> list[Record]:
    return await conn.fetch(
        """SELECT id, phone, body, attempts FROM sms_messages
           WHERE status IN ('pending', 'failed') AND next_try_at <= now()
           ORDER BY next_try_at LIMIT $1 FOR UPDATE SKIP LOCKED""",
        limit,
    )


async def mark_sms_sent(conn: asyncpg.Connection, sms_id: UUID) -> None:
    await conn.execute(
        "UPDATE sms_messages SET status = 'sent', sent_at = now(), attempts = attempts + 1 WHERE id = $1",
        sms_id,
    )


async def mark_sms_failed(
    conn: asyncpg.Connection, sms_id: UUID, error: str, retry_in_s: float, dead: bool
) -> None:
    await conn.execute(
        """UPDATE sms_messages SET status = CASE WHEN $4 THEN 'dead' ELSE 'failed' END,
                  attempts = attempts + 1, last_error = $2, next_try_at = now() + make_interval(secs => $3)
           WHERE id = $1""",
        sms_id,
        error[:500],
        retry_in_s,
        dead,
    )


# audit log -----------------------------------------------------------------------------------------------------


async def insert_audit(
    conn: asyncpg.Connection,
    *,
    actor_id: UUID | None,
    actor_label: str,
    action: str,
    target_type: str,
    target_id: str,
    details: dict[str, Any],
    client_ip: str | None,
    request_id: str | None,
) -> None:
    await conn.execute(
        """INSERT INTO audit_log (actor_id, actor_label, action, target_type, target_id, details, client_ip, request_id)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8)""",
        actor_id,
        actor_label,
        action,
        target_type,
        target_id,
        details,
        client_ip,
        request_id,
    )


async def list_audit(
    conn: asyncpg.Connection,
    *,
    before_id: int | None,
    limit: int,
    target_type: str | None,
    target_id: str | None,
) -> list[AuditEntry]:
    rows = await conn.fetch(
        """SELECT id, at, actor_id, actor_label, action, target_type, target_id, details,
                  host(client_ip) AS client_ip, request_id
           FROM audit_log
           WHERE ($1::bigint IS NULL OR id < $1)
             AND ($3::text IS NULL OR target_type = $3) AND ($4::text IS NULL OR target_id = $4)
           ORDER BY id DESC LIMIT $2""",
        before_id,
        limit,
        target_type,
        target_id,
    )
    return [AuditEntry(**dict(r)) for r in rows]


# idempotency keys (api/idempotency.py): one stored answer per (user, key) ---------------------------------------


async def claim_idempotency_key(
    conn: asyncpg.Connection, user_id: UUID, key: str, fingerprint: str, ttl_hours: int
) -> bool:
    """Drop the user's record of `key` if it has expired, then claim the key; False when a live record holds it."""
    await conn.execute(
        "DELETE FROM idempotency_keys WHERE user_id = $1 AND key = $2 AND created_at < now() - make_interval(hours => $3)",
        user_id,
        key,
        ttl_hours,
    )
    claimed = await conn.fetchval(
        """INSERT INTO idempotency_keys (user_id, key, fingerprint) VALUES ($1, $2, $3)
           ON CONFLICT DO NOTHING RETURNING true""",
        user_id,
        key,
        fingerprint,
    )
    return bool(claimed)


async def idempotency_record(conn: asyncpg.Connection, user_id: UUID, key: str) -> Record | None:
    row: Record | None = await conn.fetchrow(
        "SELECT fingerprint, status, body FROM idempotency_keys WHERE user_id = $1 AND key = $2", user_id, key
    )
    return row


async def store_idempotent_answer(
    conn: asyncpg.Connection, user_id: UUID, key: str, status: int, body: Any
) -> None:
    await conn.execute(
        "UPDATE idempotency_keys SET status = $3, body = $4 WHERE user_id = $1 AND key = $2",
        user_id,
        key,
        status,
        body,
    )


async def purge_idempotency_keys(conn: asyncpg.Connection, ttl_hours: int) -> int:
    result = await conn.execute(
        "DELETE FROM idempotency_keys WHERE created_at < now() - make_interval(hours => $1)", ttl_hours
    )
    return int(result.split()[-1])
