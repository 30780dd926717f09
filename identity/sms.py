"""Text messages to phones.

A message is a row in `sms_messages`, written in the transaction that caused it. With the console gateway
(dev and test only) the row is the delivery: operators read it with `cityloop sms last PHONE`. With the http
gateway the worker posts pending rows to the provider, retrying with backoff.
"""

from __future__ import annotations

import logging
import random
from typing import TYPE_CHECKING, Literal

import asyncpg

from identity import store

if TYPE_CHECKING:
    import aiohttp

log = logging.getLogger("cityloop.sms")

GatewayKind = Literal["console", "http"]
MAX_ATTEMPTS = 8


async def queue_sms(
    conn: asyncpg.Connection, gateway: GatewayKind, phone: str, body: str, purpose: str
) -> None:
    await store.insert_sms(conn, phone, body, purpose, "sent" if gateway == "console" else "pending")


def backoff_s(attempts: int) -> float:
    """Exponential backoff with full jitter: up to 2, 4, 8 ... seconds, capped at 10 minutes."""
    return random.uniform(0, min(600.0, 2.0 ** (attempts + 1)))


async def deliver_pending(
    conn: asyncpg.Connection, session: aiohttp.ClientSession, url: str, token: str, batch: int = 50
) -> int:
    """Send one batch of pending messages to an HTTP SMS provider. Returns how many were sent.

    The rows stay locked (SKIP LOCKED for other workers) until the caller's transaction ends.
    """
    import aiohttp  # the worker's alone: the API process, which only queues messages, spares it (8.5 MB)

    sent = 0
    for row in await store.take_pending_sms(conn, batch):
        try:
            async with session.post(
                url,
                json={"id": str(row["id"]), "phone": row["phone"], "text": row["body"]},
                headers={"Authorization": f"Bearer {token}"},
                timeout=aiohttp.ClientTimeout(total=10),
            ) as response:
                if response.status >= 300:
                    raise RuntimeError(f"provider answered {response.status}")
        except (aiohttp.ClientError, TimeoutError, RuntimeError) as exc:
            attempts = row["attempts"] + 1
            await store.mark_sms_failed(
                conn, row["id"], str(exc), backoff_s(attempts), attempts >= MAX_ATTEMPTS
            )
            log.warning("sms delivery failed", extra={"sms_id": str(row["id"]), "error": str(exc)})
        else:
            await store.mark_sms_sent(conn, row["id"])
            sent += 1
    return sent
