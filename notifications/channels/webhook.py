"""The webhook channel: signed POSTs to subscribers (notifications/webhooks.py says what they are promised), with
aiohttp.

Claim: due deliveries of subscribers that are neither paused nor deleted, leased (store.claim_webhooks). Send: the
deliveries of one subscriber are posted one after the other (oldest due first), subscribers side by side (at most
`webhook_concurrency` at once), so a slow one holds up only itself. Record: after each post, in a transaction of
its own: done (and the subscriber's count of failures in a row cleared), or retried with backoff or after the
receiver's Retry-After (dead after `max_attempts`) and counted against the subscriber. The failure that makes
`webhook_pause_after` in a row pauses the subscriber until an admin resumes it; what was claimed for it meanwhile
goes back to wait, uncounted.

Delivery is at least once (a worker killed between a post and its record posts it again when the lease runs out),
and a retried event can arrive after a newer one: receivers dedupe by the delivery id and order by the event.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import time
from collections import defaultdict
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import aiohttp
import asyncpg
import msgspec
from aiohttp.abc import AbstractResolver, ResolveResult

from notifications import store
from notifications.channels.base import Recorder
from notifications.errors import WebhookUrlInvalid
from notifications.models import NotificationsConfig
from notifications.retry import next_try, parse_retry_after
from notifications.webhooks import USER_AGENT, forbidden_address, is_ip_literal, parse_target, sign

log = logging.getLogger("cityloop.notifications")

_MAX_RESPONSE_BYTES = 64 * 1024


class GuardedResolver(AbstractResolver):
    """aiohttp's resolver, refusing every answer that contains an inward address."""

    def __init__(self, allow_private: bool) -> None:
        self._inner = aiohttp.ThreadedResolver()
        self._allow_private = allow_private

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        results = await self._inner.resolve(host, port, family)
        if not self._allow_private and any(forbidden_address(r["host"]) for r in results):
            raise OSError(f"{host} resolves to an address webhooks may not reach")
        return results

    async def close(self) -> None:
        await self._inner.close()


def client_session(config: NotificationsConfig) -> aiohttp.ClientSession:
    connector = aiohttp.TCPConnector(
        resolver=GuardedResolver(config.allow_private_webhook_targets),
        limit=config.webhook_concurrency * 2,
        ttl_dns_cache=60,
    )
    return aiohttp.ClientSession(
        connector=connector,
        timeout=aiohttp.ClientTimeout(total=config.webhook_timeout_s),
        headers={"User-Agent": USER_AGENT},
    )


class PostResult(msgspec.Struct, frozen=True):
    ok: bool
    status: int | None = None
    error: str | None = None
    retry_after: str | None = None


async def post(
    session: aiohttp.ClientSession,
    url: str,
    secret: str,
    event: str,
    delivery_id: int,
    payload: dict[str, Any],
    allow_private: bool,
) -> PostResult:
    """POST one signed event. 2xx is success; anything else (a redirect too) is a failure to retry."""
    try:
        host, _ = parse_target(url)
    except WebhookUrlInvalid as exc:
        return PostResult(False, error=str(exc))
    if is_ip_literal(host) and not allow_private and forbidden_address(host):
        return PostResult(False, error="the target address is not public")
    body = msgspec.json.encode(payload)
    timestamp = str(int(time.time()))
    headers = {
        "Content-Type": "application/json",
        "X-CityLoop-Event": event,
        "X-CityLoop-Delivery": str(delivery_id),
        "X-CityLoop-Timestamp": timestamp,
        "X-CityLoop-Signature": sign(secret, timestamp, body),
    }
    try:
        async with session.post(url, data=body, headers=headers, allow_redirects=False) as response:
            await response.content.read(_MAX_RESPONSE_BYTES)
            if 200 <= response.status < 300:
                return PostResult(True, status=response.status)
            return PostResult(
                False,
                status=response.status,
                error=f"HTTP {response.status}",
                retry_after=response.headers.get("Retry-After"),
            )
    except TimeoutError:
        return PostResult(False, error="timed out")
    except (aiohttp.ClientError, OSError) as exc:
        cause = getattr(exc, "os_error", None) or exc  # a refusal of GuardedResolver, wrapped by aiohttp
        return PostResult(False, error=f"{type(exc).__name__}: {cause}"[:500])


# the channel -----------------------------------------------------------------------------------------------------


class Posted(msgspec.Struct, frozen=True):
    """One delivery posted, and how it went."""

    delivery: asyncpg.Record
    result: PostResult


class Held(msgspec.Struct, frozen=True):
    """Deliveries claimed for a subscriber that was paused meanwhile: back to wait for a resume, uncounted."""

    deliveries: list[asyncpg.Record]


class WebhookChannel:
    """Webhook deliveries over an aiohttp session (the guarded one of `client_session`, or a test's)."""

    name = "webhook"

    def __init__(
        self, config: NotificationsConfig, session: aiohttp.ClientSession, *, owns_session: bool = False
    ) -> None:
        self.config = config
        self._session = session
        self._owns_session = owns_session

    async def claim(self, conn: asyncpg.Connection) -> list[asyncpg.Record]:
        return await store.claim_webhooks(conn, self.config.webhook_batch, self.config.lease_s)

    async def send(self, claimed: list[asyncpg.Record], record: Recorder[Posted | Held]) -> None:
        by_subscriber: dict[UUID, list[asyncpg.Record]] = defaultdict(list)
        for row in claimed:
            by_subscriber[row["subscriber_id"]].append(row)
        limit = asyncio.Semaphore(self.config.webhook_concurrency)

        async def one_subscriber(rows: list[asyncpg.Record]) -> None:
            async with limit:
                for index, row in enumerate(rows):
                    result = await post(
                        self._session,
                        row["url"],
                        row["secret"],
                        row["event"],
                        row["id"],
                        row["body"],
                        self.config.allow_private_webhook_targets,
                    )
                    if await record(Posted(row, result)):
                        log.warning(
                            "webhook subscriber paused", extra={"subscriber_id": str(row["subscriber_id"])}
                        )
                        if rest := rows[index + 1 :]:
                            await record(Held(rest))  # paused: the rest wait for a resume
                        return

        await asyncio.gather(*(one_subscriber(rows) for rows in by_subscriber.values()))

    async def record(self, conn: asyncpg.Connection, outcome: Posted | Held) -> bool:
        if isinstance(outcome, Held):
            rows = outcome.deliveries
            now = datetime.now(UTC)
            await store.deliveries_defer(
                conn, [r["id"] for r in rows], [now] * len(rows), "subscriber paused"
            )
            return False
        row, result = outcome.delivery, outcome.result
        if result.ok:
            await store.deliveries_done(conn, [row["id"]], [result.status])
            await store.subscriber_succeeded(conn, row["subscriber_id"])
            return False
        await store.deliveries_retry(
            conn,
            [row["id"]],
            [next_try(self.config, row["attempts"], parse_retry_after(result.retry_after))],
            [result.error or "failed"],
            [result.status],
            self.config.max_attempts,
        )
        return await store.subscriber_failed(
            conn,
            row["subscriber_id"],
            self.config.webhook_pause_after,
            f"{self.config.webhook_pause_after} failures in a row; last: {result.error}",
        )

    async def close(self) -> None:
        if self._owns_session:
            await self._session.close()


def from_config(config: NotificationsConfig) -> WebhookChannel:
    """The webhook channel over a session of its own, guarded against inward addresses."""
    return WebhookChannel(config, client_session(config), owns_session=True)
