"""Retry-safe writes: the `Idempotency-Key` header.

The key row is inserted in the request's own transaction before the work is done. A concurrent retry with
the same key waits on the row's unique index until the first request commits, then gets the stored answer.
If the first request fails, its transaction (and so the key) rolls back, and a retry runs afresh.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Awaitable, Callable
from typing import Any
from uuid import UUID

import asyncpg
import msgspec
from litestar import Request, Response

from api.errors import ProblemError
from identity import store as identity_store

KEY_TTL_HOURS = 24
_VALID_KEY = re.compile(r"^[A-Za-z0-9_.:-]{8,128}$")


def idempotency_key(request: Request[Any, Any, Any]) -> str:
    key = request.headers.get("idempotency-key")
    if key is None:
        raise ProblemError(
            400, "idempotency_key_required", "send an Idempotency-Key header so that retries are safe"
        )
    if not _VALID_KEY.match(key):
        raise ProblemError(
            400, "idempotency_key_invalid", "an Idempotency-Key is 8 to 128 of A-Z a-z 0-9 _ . : -"
        )
    return key


def fingerprint(request: Request[Any, Any, Any], data: msgspec.Struct) -> str:
    canonical = json.dumps(msgspec.to_builtins(data), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(f"{request.method} {request.url.path}\n{canonical}".encode()).hexdigest()


async def run_once(
    conn: asyncpg.Connection,
    user_id: UUID,
    key: str,
    request_fingerprint: str,
    produce: Callable[[], Awaitable[tuple[int, msgspec.Struct]]],
) -> Response[Any]:
    """Run `produce` once per (user, key); replay its stored answer for the same request."""
    if not await identity_store.claim_idempotency_key(conn, user_id, key, request_fingerprint, KEY_TTL_HOURS):
        row = await identity_store.idempotency_record(conn, user_id, key)
        assert row is not None
        if row["fingerprint"] != request_fingerprint:
            raise ProblemError(
                422,
                "idempotency_key_reused",
                "this Idempotency-Key was used for a different request; use a new key for a new request",
            )
        return Response(row["body"], status_code=row["status"], headers={"Idempotent-Replayed": "true"})
    status, body = await produce()
    builtins = msgspec.to_builtins(body)
    await identity_store.store_idempotent_answer(conn, user_id, key, status, builtins)
    return Response(builtins, status_code=status)


async def purge_expired(conn: asyncpg.Connection) -> int:
    return await identity_store.purge_idempotency_keys(conn, KEY_TTL_HOURS)
