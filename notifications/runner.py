"""The notifications worker: outbox → fan-out → deliveries → FCM and webhook subscribers.

Three jobs, each in its own connection and transactions:

1. Fan-out. Outbox rows of our topics (the case events, and the housing notices: fanout.TOPICS) are taken
   `FOR UPDATE SKIP LOCKED`, turned into inbox messages, deliveries and live events, and marked done, all in
   one transaction: a worker killed half way leaves the rows pending and nothing written; every row written
   has a unique key, so nothing is ever written twice. A row whose fan-out raises is retried with backoff (in
   a savepoint, so the others of the batch go on), and dead after `max_attempts`; a row whose payload is not
   of its topic's shape (fanout.MalformedPayload) is dead at once, since no retry can mend it.
2. Push. Due push deliveries are leased (claimed with a deadline, committed), sent with firebase-admin, and
   their outcomes recorded. A worker killed between claim and record leaves the lease to run out, then the
   delivery is taken again: pushes are at least once (a phone may see one twice; the collapse key folds it),
   the inbox exactly once.
3. Webhooks. Leased like pushes; the deliveries of one subscriber are posted one after the other (oldest
   due first), subscribers side by side, so a slow one holds up only itself. Delivery is at least once and a
   retried event can arrive after a newer one: receivers dedupe by the delivery id and order by the event.
   A subscriber that fails `webhook_pause_after` times in a row is paused until an admin resumes it; what
   was claimed for it meanwhile goes back to wait, uncounted.

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
from collections import defaultdict
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from datetime import UTC, datetime
from typing import Any, cast
from uuid import UUID

import aiohttp
import asyncpg

from notifications import store, webhooks
from notifications.fanout import TOPICS, FanoutCounts, MalformedPayload, fan_out
from notifications.models import NotificationsConfig
from notifications.push import FirebasePush, PushMessage, PushOutcome, PushSender, quiet_until
from notifications.retry import next_try, parse_retry_after
from notifications.texts import deep_link, render

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
    """The worker's notifications jobs over a pool. `push` and `http` are made from the config unless given."""

    def __init__(
        self,
        pool: asyncpg.Pool,
        config: NotificationsConfig,
        *,
        push: PushSender | None = None,
        http: aiohttp.ClientSession | None = None,
    ) -> None:
        self.pool = pool
        self.config = config
        self._push = push
        self._own_push = push is None and config.push_enabled
        self._http = http
        self._own_http = http is None
        self._wake = asyncio.Event()

    async def __aenter__(self) -> Notifier:
        if self._own_push:
            self._push = FirebasePush(self.config)
        if self._http is None:
            self._http = webhooks.client_session(self.config)
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._own_push and self._push is not None:
            await self._push.close()
        if self._own_http and self._http is not None:
            await self._http.close()

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

    # 2. push ------------------------------------------------------------------------------------------------

    async def push_once(self) -> int:
        if self._push is None:
            return 0
        async with _tx(self.pool) as conn:
            claimed = await store.claim_push(conn, self.config.push_batch, self.config.lease_s)
        if not claimed:
            return 0
        now = datetime.now(UTC)
        messages: list[PushMessage] = []
        gone: list[tuple[int, str]] = []
        deferred: list[tuple[int, datetime]] = []
        for row in claimed:
            if row["device_locale"] is None or row["notification_id"] is None:
                gone.append((row["id"], "the device was removed or now belongs to someone else"))
                continue
            until = (
                None
                if row["urgent"]
                else quiet_until(now, row["quiet_start"], row["quiet_end"], self.config.city_timezone)
            )
            if until is not None:
                deferred.append((row["id"], until))
                continue
            messages.append(self._message(row))
        outcomes = await self._push.send(messages) if messages else []
        await self._record_push(outcomes, gone, deferred, {r["id"]: r["attempts"] for r in claimed})
        return len(claimed)

    def _message(self, row: asyncpg.Record) -> PushMessage:
        title, body = render(row["kind"], row["params"], row["device_locale"], self.config.city_timezone)
        case_id: UUID | None = row["case_id"]
        home_id = row["params"].get("home_id")
        data = {
            "notification_id": str(row["notification_id"]),
            "kind": row["kind"],
            "link": deep_link(
                self.config.deep_link_base, case_id, row["report_id"], row["kind"], row["params"]
            ),
        }
        if case_id is not None:
            data["case_id"] = str(case_id)
        if row["report_id"] is not None:
            data["report_id"] = str(row["report_id"])
        if case_id is None and home_id:  # a housing notice: the home it is about
            data["home_id"] = str(home_id)
        if case_id is not None:
            collapse_key = f"case-{case_id}"
        elif home_id:  # a newer notice of the same kind for the same home replaces the older on the phone
            collapse_key = f"{row['kind']}-{home_id}"
        else:
            collapse_key = f"inbox-{row['notification_id']}"
        return PushMessage(
            delivery_id=row["id"],
            token=row["device_token"],
            title=title,
            body=body,
            data=data,
            collapse_key=collapse_key,
            urgent=bool(row["urgent"]),
        )

    async def _record_push(
        self,
        outcomes: list[PushOutcome],
        gone: list[tuple[int, str]],
        deferred: list[tuple[int, datetime]],
        attempts: dict[int, int],
    ) -> None:
        sent = [o for o in outcomes if o.result == "sent"]
        dropped = [o for o in outcomes if o.result == "drop"]
        retry = [o for o in outcomes if o.result == "retry"]
        async with _tx(self.pool) as conn:
            await store.deliveries_done(conn, [o.delivery_id for o in sent], [o.status for o in sent])
            await store.delete_tokens(conn, sorted({o.token for o in dropped}))
            await store.deliveries_dropped(
                conn,
                [o.delivery_id for o in dropped] + [d for d, _ in gone],
                [o.error or "token rejected" for o in dropped] + [why for _, why in gone],
            )
            dead = await store.deliveries_retry(
                conn,
                [o.delivery_id for o in retry],
                [next_try(self.config, attempts[o.delivery_id], o.retry_after_s) for o in retry],
                [o.error or "failed" for o in retry],
                [o.status for o in retry],
                self.config.max_attempts,
            )
            await store.deliveries_defer(
                conn, [d for d, _ in deferred], [at for _, at in deferred], "quiet hours"
            )
        if dropped or retry:
            log.info(
                "push outcomes",
                extra={"sent": len(sent), "dropped": len(dropped), "retry": len(retry), "dead": len(dead)},
            )

    # 3. webhooks --------------------------------------------------------------------------------------------

    async def webhooks_once(self) -> int:
        async with _tx(self.pool) as conn:
            claimed = await store.claim_webhooks(conn, self.config.webhook_batch, self.config.lease_s)
        if not claimed:
            return 0
        by_subscriber: dict[UUID, list[asyncpg.Record]] = defaultdict(list)
        for row in claimed:
            by_subscriber[row["subscriber_id"]].append(row)
        limit = asyncio.Semaphore(self.config.webhook_concurrency)

        async def one_subscriber(rows: list[asyncpg.Record]) -> None:
            async with limit:
                for index, row in enumerate(rows):
                    if await self._post(row):
                        await self._release(rows[index + 1 :])  # paused: the rest wait for a resume
                        return

        await asyncio.gather(*(one_subscriber(rows) for rows in by_subscriber.values()))
        return len(claimed)

    async def _post(self, row: asyncpg.Record) -> bool:
        """Send one delivery and record it. True when this failure paused the subscriber."""
        assert self._http is not None
        result = await webhooks.post(
            self._http,
            row["url"],
            row["secret"],
            row["event"],
            row["id"],
            row["body"],
            self.config.allow_private_webhook_targets,
        )
        async with _tx(self.pool) as conn:
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
            paused = await store.subscriber_failed(
                conn,
                row["subscriber_id"],
                self.config.webhook_pause_after,
                f"{self.config.webhook_pause_after} failures in a row; last: {result.error}",
            )
        if paused:
            log.warning("webhook subscriber paused", extra={"subscriber_id": str(row["subscriber_id"])})
        return paused

    async def _release(self, rows: list[asyncpg.Record]) -> None:
        if rows:
            async with _tx(self.pool) as conn:
                now = datetime.now(UTC)
                await store.deliveries_defer(
                    conn, [r["id"] for r in rows], [now] * len(rows), "subscriber paused"
                )

    # the loop -----------------------------------------------------------------------------------------------

    async def run_once(self) -> int:
        """One pass of every job; the amount of work done (0: nothing was due)."""
        counts = await self.fan_out_once()
        pushed = await self.push_once()
        posted = await self.webhooks_once()
        return counts.rows + pushed + posted

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
    log.info("notifications started", extra={"push": config.push_enabled})
    try:
        async with Notifier(pool, config) as notifier:
            await notifier.run(stop, listen_dsn, health)
    except Exception:
        log.exception("notifications stopped")  # a bad FCM credentials file, for one
        raise
