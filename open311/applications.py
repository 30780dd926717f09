"""Third-party applications and their api_keys: issue (the key shown once), list, revoke, and the look-up of a key
a GeoReport client sends. Each takes a connection inside the caller's transaction and never commits.

A key is 32 random bytes (base64url, 43 characters); only its sha256 is stored, with its first 8 characters to
tell keys apart. Each application files its reports as a users row of its own (a service account with the
citizen role, see migration 0026), so that submit_report's rules apply to it as to a citizen."""

from __future__ import annotations

import hashlib
import secrets
from uuid import UUID

import asyncpg

from identity import service as identity
from identity.cursors import decode_cursor, encode_cursor
from identity.errors import InvalidCursor
from identity.models import Principal, RequestContext, RoleGrant
from open311 import store
from open311.errors import ApiKeyInvalid, ApplicationNotFound
from open311.models import Application, ApplicationCreate, ApplicationIssued, ApplicationPage

KEY_PREFIX_LENGTH = 8


def hash_key(api_key: str) -> str:
    return hashlib.sha256(api_key.encode("utf-8", "surrogatepass")).hexdigest()


def _view(row: asyncpg.Record) -> Application:
    return Application(
        id=row["id"],
        name=row["name"],
        contact=row["contact"],
        key_prefix=row["key_prefix"],
        user_id=row["user_id"],
        requests_per_hour=row["requests_per_hour"],
        reports_per_day=row["reports_per_day"],
        created_at=row["created_at"],
        revoked_at=row["revoked_at"],
    )


async def issue(
    conn: asyncpg.Connection, data: ApplicationCreate, ctx: RequestContext, actor_id: UUID | None
) -> ApplicationIssued:
    """Register an application: its service account, its key (returned this once), an audit row."""
    api_key = secrets.token_urlsafe(32)
    user_id = await identity.create_service_account(
        conn, data.name, [RoleGrant(role="citizen")], ctx, actor_id=actor_id
    )
    row = await store.insert_application(
        conn,
        name=data.name,
        contact=data.contact,
        user_id=user_id,
        key_hash=hash_key(api_key),
        key_prefix=api_key[:KEY_PREFIX_LENGTH],
        requests_per_hour=data.requests_per_hour,
        reports_per_day=data.reports_per_day,
        created_by=actor_id,
    )
    await identity.audit(
        conn,
        ctx,
        actor_id,
        "open311.application.issue",
        "open311_application",
        str(row["id"]),
        name=data.name,
        key_prefix=row["key_prefix"],
        requests_per_hour=data.requests_per_hour,
        reports_per_day=data.reports_per_day,
    )
    return ApplicationIssued(application=_view(row), api_key=api_key)


async def list_applications(conn: asyncpg.Connection, cursor: str | None, limit: int) -> ApplicationPage:
    after = None
    if cursor:
        (raw,) = decode_cursor(cursor, 1)
        try:
            after = UUID(raw)
        except ValueError as exc:
            raise InvalidCursor(
                "the cursor is not one this API gave out", fields=[{"field": "cursor", "code": "invalid"}]
            ) from exc
    rows = await store.applications(conn, after, limit)
    next_cursor = encode_cursor(rows[-1]["id"]) if len(rows) == limit else None
    return ApplicationPage(items=[_view(r) for r in rows], next_cursor=next_cursor)


async def get_application(conn: asyncpg.Connection, application_id: UUID) -> Application:
    row = await store.application(conn, application_id)
    if row is None:
        raise ApplicationNotFound("no such application")
    return _view(row)


async def revoke(
    conn: asyncpg.Connection, application_id: UUID, ctx: RequestContext, actor_id: UUID | None
) -> Application:
    """Revoke an application's key and disable its service account (audited). Safe to repeat."""
    row = await store.application(conn, application_id)
    if row is None:
        raise ApplicationNotFound("no such application")
    if await store.revoke_application(conn, application_id):
        await identity.set_disabled(conn, actor_id, row["user_id"], True, ctx)
        await identity.audit(
            conn,
            ctx,
            actor_id,
            "open311.application.revoke",
            "open311_application",
            str(application_id),
            key_prefix=row["key_prefix"],
        )
    return await get_application(conn, application_id)


async def authenticate(conn: asyncpg.Connection, api_key: str | None) -> tuple[Application, Principal]:
    """The application holding a live key, and the principal its reports are filed as; ApiKeyInvalid for no key,
    an unknown one or a revoked one (the same answer for each)."""
    if not api_key or len(api_key) > 256 or "\x00" in api_key:
        raise ApiKeyInvalid("send the api_key this city issued to your application")
    row = await store.application_by_key_hash(conn, hash_key(api_key))
    if row is None or row["revoked_at"] is not None:
        raise ApiKeyInvalid("the api_key is not valid (never issued, or revoked)")
    app = _view(row)
    # the service account acts with the citizen role only; its session is the application itself
    principal = Principal(
        user_id=app.user_id, session_id=app.id, roles=(RoleGrant(role="citizen"),), locale="zh-CN"
    )
    return app, principal
