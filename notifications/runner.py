"""The notifications worker: outbox → fan-out → deliveries → the channels (FCM, webhook subscribers).

Each job in its own connection and transactions:

1. Fan-out. Outbox rows of our topics (the case events, and the housing notices: fanout.TOPICS) are taken
   `FOR UPDATE SKIP LOCKED`, turned into inbox messages, deliveries and live events, and marked done, all in
   one transaction: a worker killed half way leaves the rows pending and nothing written; every row written
   has a unique key, so nothing is ever written twice. A row whose fan-out raises is retried with backoff (in
   a savepoint, so the others of the batch go on), and dead after `max_attempts`; a row whose payload is not
   of its topic's shape (fanout.MalformedPayload) is dead at once, since no retry can mend it.
2. Each configured channel (notifications/channels/: `NotificationsConfig.channels`, in order), through one
   protocol: due deliveries are claimed with a lease (a deadline, committed), sent, and their outcomes recorded,
   each record in a transaction of its own. A worker killed between claim and record leaves the lease to run
   out, then the delivery is taken again: deliveries are at least once, the inbox exactly once.
   - Push (channels/push.py): sent with firebase-admin; a phone may see one twice (the collapse key folds it).
   - Webhooks (channels/webhook.py): the deliveries of one subscriber are posted one after the other (oldest
     due first), subscribers side by side, so a slow one holds up only itself. A retried event can arrive
     after a newer one: receivers dedupe by the delivery id and order by the event. A subscriber that fails
     `webhook_pause_after` times in a row is paused until an admin resumes it; what was claimed for it
     meanwhile goes back to wait, uncounted.

The worker wakes on NOTIFY from the outbox (a trigger of migration 0008) and polls as well.

The loop outlives the database: a pass that cannot reach it (down, restarting, a connection lost in the
middle) is logged and tried again after a backoff with jitter; the pool opens new connections once the server
is back, and the LISTEN connection is made again. Whatever a killed or failed pass had taken is taken again:
rows under `FOR UPDATE SKIP LOCKED` are released by the rollback, leases run out.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager, suppress
from datetime import UTC, datetime
from typing import Any, cast

import asyncpg

from notifications import store
from notifications.channels import close_channels, open_channels
from notifications.channels.base import Channel
from notifications.fanout import TOPICS, FanoutCounts, MalformedPayload, fan_out
from notifications.models import NotificationsConfig
from notifications.retry import next_try

log = logging.getLogger("cityloop.notifications")

WAKE_CHANNEL = "cityloop_outbox"
#: waits after failed passes: base * 2^(n-1), capped, with jitter (between half and all of it)
FAILURE_BACKOFF_BASE_S = 0.5
FAILURE_BACKOFF_MAX_S = 15.0
LISTEN_TIMEOUT_S = 10.0


class NotifierHealth:
    """What the worker's heartbeat needs to know of this loop: whether its last pass worked."""

    def __init__(self) -> None:
        self.ok = True
        self.failures = 0

    def passed(self) -> None:
        self.ok, self.failures = True, 0

    def failed(self) -> None:
        self.ok, self.failures = False, self.failures + 1

    def backoff_s(self) -> float:
        ceiling = min(FAILURE_BACKOFF_MAX_S, FAILURE_BACKOFF_BASE_S * 2 ** min(self.failures - 1, 30))
        return random.uniform(ceiling / 2, ceiling)


class _Unreachable(ConnectionError):
    """No connection could be had from the pool (refused, starting up, not accepting connections ...)."""


@asynccontextmanager
async def _tx(pool: asyncpg.Pool) -> AsyncIterator[asyncpg.Connection]:
    try:
        conn = await pool.acquire()
    except Exception as exc:
        raise _Unreachable(f"no database connection: {exc!r}") from exc
    try:
        async with conn.transaction():
            yield cast(asyncpg.Connection, conn)
    finally:
        await pool.release(conn)


class Notifier:
    """The worker's notifications jobs over a pool: the fan-out, then each channel. The channels are made from the
    config (notifications.channels.REGISTRY) unless given; given ones are the caller's to close."""

    def __init__(
        self,
        pool: asyncpg.Pool,
        config: NotificationsConfig,
        *,
        channels: Sequence[Channel[Any]] | None = None,
    ) -> None:
        self.pool = pool
        self.config = config
        self.channels: list[Channel[Any]] = list(channels or [])
        self._own_channels = channels is None
        self._wake = asyncio.Event()

    async def __aenter__(self) -> Notifier:
        if self._own_channels:
            self.channels = await open_channels(self.config)
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._own_channels:
            opened, self.channels = self.channels, []
            await close_channels(opened)

    # 1. fan-out ---------------------------------------------------------------------------------------------

    async def fan_out_once(self) -> FanoutCounts:
        counts = FanoutCounts()
        async with _tx(self.pool) as conn:
            rows = await store.claim_outbox(conn, list(TOPICS), self.config.outbox_batch)
            done: list[int] = []
            for row in rows:
                try:
                    async with conn.transaction():  # a savepoint: one bad row does not spoil the batch
                        await fan_out(conn, self.config, row, counts)
                    done.append(row["id"])
                except MalformedPayload as exc:  # dead at once: the same payload would fail every retry
                    await store.outbox_failed(
                        conn, row["id"], f"MalformedPayload: {exc}", datetime.now(UTC), 0
                    )
                    log.error(
                        "fan-out refused a malformed payload; dead until an admin replays it",
                        extra={"outbox_id": row["id"], "topic": row["topic"], "error": str(exc)},
                    )
                except Exception as exc:
                    status = await store.outbox_failed(
                        conn,
                        row["id"],
                        f"{type(exc).__name__}: {exc}",
                        next_try(self.config, row["attempts"] + 1),
                        self.config.max_attempts,
                    )
                    log.exception("fan-out failed", extra={"outbox_id": row["id"], "status": status})
            if done:
                await store.outbox_done(conn, done)
        return counts

    # 2. the channels: claim, send, record -------------------------------------------------------------------

    async def deliver_once(self, channel: Channel[Any]) -> int:
        """Claim a batch of the channel's due deliveries (committed: the lease), send it, and record each
        outcome in a transaction of its own as the channel hands it over. The number claimed."""
        async with _tx(self.pool) as conn:
            claimed = await channel.claim(conn)
        if not claimed:
            return 0

        async def record(outcome: Any) -> bool:
            async with _tx(self.pool) as conn:
                paused: bool = await channel.record(conn, outcome)
            return paused

        await channel.send(claimed, record)
        return len(claimed)

    # the loop -----------------------------------------------------------------------------------------------

    async def run_once(self) -> int:
        """One pass of every job; the amount of work done (0: nothing was due)."""
        worked = (await self.fan_out_once()).rows
        for channel in self.channels:
            worked += await self.deliver_once(channel)
        return worked

    async def run(
        self, stop: asyncio.Event, listen_dsn: str | None = None, health: NotifierHealth | None = None
    ) -> None:
        """Until `stop` is set: work while there is work, then wait for a NOTIFY or the poll interval.
        A lost LISTEN connection is made again (at most every 30 s); meanwhile the poll carries on. A failed
        pass is logged and the next one waits a backoff with jitter."""
        health = health or NotifierHealth()
        loop = asyncio.get_running_loop()
        listener: asyncpg.Connection | None = None
        next_listen = 0.0
        try:
            while not stop.is_set():
                if listen_dsn and (listener is None or listener.is_closed()) and loop.time() >= next_listen:
                    if listener is not None:
                        await _close_quietly(listener)
                    listener = await self._listen(listen_dsn)
                    next_listen = loop.time() + 30
                self._wake.clear()  # a NOTIFY during the pass below means another pass
                try:
                    worked = await self.run_once()
                except Exception as exc:
                    health.failed()
                    wait = health.backoff_s()
                    if _database_unavailable(exc):
                        log.warning(
                            "notifications pass failed: database unavailable; retrying",
                            extra={"error": repr(exc), "retry_in_s": round(wait, 2)},
                        )
                    else:
                        log.exception(
                            "notifications pass failed; retrying", extra={"retry_in_s": round(wait, 2)}
                        )
                    with suppress(TimeoutError):
                        await asyncio.wait_for(stop.wait(), timeout=wait)
                    continue
                health.passed()
                if worked:
                    await asyncio.sleep(0)
                    continue
                waits = [asyncio.ensure_future(stop.wait()), asyncio.ensure_future(self._wake.wait())]
                await asyncio.wait(waits, timeout=self.config.poll_s, return_when=asyncio.FIRST_COMPLETED)
                for w in waits:
                    w.cancel()
        finally:
            if listener is not None:
                await _close_quietly(listener)

    async def _listen(self, dsn: str) -> asyncpg.Connection | None:
        def wake(*_: Any) -> None:
            self._wake.set()

        conn: asyncpg.Connection | None = None
        try:
            conn = await asyncpg.connect(dsn, timeout=LISTEN_TIMEOUT_S)
            await conn.add_listener(WAKE_CHANNEL, wake)
        except Exception as exc:  # down, restarting, refused: polling goes on, LISTEN is tried again later
            log.warning("cannot LISTEN for outbox rows; polling only", extra={"error": repr(exc)})
            if conn is not None:
                await _close_quietly(conn)
            return None
        return conn

    async def run_until_idle(self) -> None:
        """Work until nothing is due (tests and tools): what waits for a later retry is left waiting."""
        while await self.run_once():
            pass


async def _close_quietly(conn: asyncpg.Connection) -> None:
    try:
        await asyncio.wait_for(conn.close(), timeout=2)
    except Exception:
        conn.terminate()


def _database_unavailable(exc: BaseException) -> bool:
    """The database cannot be reached now (the same test as the API's, which notifications may not import)."""
    if isinstance(exc, BaseExceptionGroup):
        return any(_database_unavailable(e) for e in exc.exceptions)
    return (
        isinstance(
            exc,
            (
                OSError,
                TimeoutError,
                asyncpg.PostgresConnectionError,
                asyncpg.CannotConnectNowError,
                asyncpg.AdminShutdownError,
                asyncpg.CrashShutdownError,
                asyncpg.TooManyConnectionsError,
                asyncpg.ConnectionDoesNotExistError,
            ),
        )
        or (
            isinstance(exc, asyncpg.InterfaceError)
            and any(sign in str(exc) for sign in ("connection is closed", "released back to the pool"))
        )
        or (isinstance(exc, asyncpg.InternalClientError) and "cannot switch to state" in str(exc))
    )


async def run_notifications(
    pool: asyncpg.Pool,
    config: NotificationsConfig,
    stop: asyncio.Event,
    listen_dsn: str | None = None,
    *,
    health: NotifierHealth | None = None,
) -> None:
    """The worker's notifications loop, until `stop` is set."""
    try:
        async with Notifier(pool, config) as notifier:
            log.info("notifications started", extra={"channels": [c.name for c in notifier.channels]})
            await notifier.run(stop, listen_dsn, health)
    except Exception:
        log.exception("notifications stopped")  # a bad FCM credentials file, for one
        raise
