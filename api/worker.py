"""The background worker: `cityloop worker`.

Each job takes its own connection and transaction around its unit of work. Jobs here: due-soon and overdue
events of case and repair deadlines (to the outbox), billing runs (housing/billing.py), closing owners' votes whose window
ended (housing/votes.py), payments left pending, expired or
refunding (housing/payment_sweep.py, when a provider is configured), the indicators' daily rollups
(cases/stats/rollups.py: the days the last changes touched; every day the first time), SMS delivery to an HTTP provider (when
configured) and housekeeping: expired sign-in state and idempotency keys, abandoned uploads.
Notifications (outbox fan-out, push, webhooks) run beside them in a loop of their own (notifications/runner.py).

The worker outlives the database: when it cannot be reached (down, restarting, a connection dropped in the
middle of a job) the pass is logged and tried again after a backoff with jitter, and the pool opens new
connections once the server is back. A job that fails for another reason is logged with its traceback and the
others go on. After every pass in which its jobs reached the database and its notifications loop was working,
the worker beats (a row in `worker_heartbeats`, at most every HEARTBEAT_EVERY_S): /readyz reads it.
"""

from __future__ import annotations

import asyncio
import logging
import os
import random
import signal
import socket
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

import aiohttp
import asyncpg

from api.config import notifications_config, payment_urls, storage_config
from api.db import acquire, beat, create_pool, database_unavailable, forget_old_beats
from api.idempotency import purge_expired as purge_idempotency_keys
from api.payment_providers import build_providers
from api.settings import Settings
from cases.grids import imports as grids_imports
from cases.stats import rollups
from cases.workflow import service as casework
from console import sessions as console_sessions
from housing import billing, payment_sweep, repairs, votes
from identity import service as identity
from identity.models import RequestContext
from identity.sms import deliver_pending
from media import service as media
from media.errors import StorageUnavailable
from media.storage import Storage
from notifications.runner import NotifierHealth, run_notifications

log = logging.getLogger("cityloop.worker")

HOUSEKEEPING_EVERY_S = 300.0
#: a housekeeping pass that failed (storage down, say) is tried again this much later, not at every pass
HOUSEKEEPING_RETRY_S = 60.0
POLL_EVERY_S = 1.0
HEARTBEAT_EVERY_S = 5.0
#: waits after passes that could not reach the database: base * 2^(n-1), capped, with full jitter
BACKOFF_BASE_S = 0.5
BACKOFF_MAX_S = 15.0


def backoff_s(failures: int, base: float = BACKOFF_BASE_S, cap: float = BACKOFF_MAX_S) -> float:
    """The wait after the `failures`-th failure in a row: uniform between half and all of the capped exponential
    (so that workers restarted together do not knock on the database together)."""
    ceiling = min(cap, base * 2 ** min(max(failures, 1) - 1, 30))
    return random.uniform(ceiling / 2, ceiling)


async def _sleep(stop: asyncio.Event, seconds: float) -> None:
    try:
        await asyncio.wait_for(stop.wait(), timeout=seconds)
    except TimeoutError:
        pass


async def _open_pool(settings: Settings, stop: asyncio.Event) -> asyncpg.Pool | None:
    """The pool, once the database answers (None when stopped first): a worker may start before the database."""
    failures = 0
    while not stop.is_set():
        try:
            return await create_pool(settings)
        except Exception as exc:
            if not database_unavailable(exc):
                raise
            failures += 1
            wait = backoff_s(failures)
            log.warning(
                "database unavailable; retrying",
                extra={"job": "connect", "error": repr(exc), "retry_in_s": round(wait, 2)},
            )
            await _sleep(stop, wait)
    return None


class Worker:
    """The worker's own jobs over a pool; `run` loops until `stop` is set."""

    def __init__(
        self, settings: Settings, pool: asyncpg.Pool, storage: Storage, health: NotifierHealth
    ) -> None:
        self.settings = settings
        self.pool = pool
        self.storage = storage
        self.health = health
        self.worker_id = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.started_at = datetime.now(UTC)
        self._loop = asyncio.get_running_loop()
        self._next_housekeeping = 0.0
        self._next_beat = 0.0
        self.payment_providers = build_providers(settings)
        self.payment_urls = payment_urls(settings)

    async def _job(self, name: str, fn: Callable[[], Awaitable[None]]) -> bool | None:
        """Run one job: True when it worked, False when the database could not be reached, None on another
        failure (logged with its traceback; the other jobs go on)."""
        try:
            await fn()
        except Exception as exc:
            if database_unavailable(exc):
                log.warning("database unavailable", extra={"job": name, "error": repr(exc)})
                return False
            if isinstance(exc, StorageUnavailable):
                log.warning("worker job failed", extra={"job": name, "error": repr(exc)})
                return None
            log.exception("worker job failed", extra={"job": name})
            return None
        return True

    async def _sms(self, http: aiohttp.ClientSession) -> None:
        async with acquire(self.pool) as conn, conn.transaction():
            await deliver_pending(conn, http, self.settings.sms_http_url, self.settings.sms_http_token)

    async def _deadlines(self) -> None:
        async with acquire(self.pool) as conn, conn.transaction():
            emitted = await casework.emit_deadline_events(conn)
            emitted |= await repairs.emit_deadline_events(conn)
        if any(emitted.values()):
            log.info("deadline events", extra=emitted)

    async def _rollups(self) -> None:
        async with acquire(self.pool) as conn, conn.transaction():
            days = await rollups.refresh(conn, self.settings.city_timezone)
        if days:
            log.info("indicator days recomputed", extra={"days": days})

    async def _billing(self) -> None:
        # billing runs asked for over the API (housing/billing.py): one per pass, each batch its own transaction
        completed = await billing.run_pending(self.pool, limit=1)
        if completed:
            log.info("billing runs completed", extra={"runs": completed})

    async def _votes(self) -> None:
        # owners' assembly votes (housing/votes.py): open those whose window began, close (tally and publish) those
        # whose window ended; each close takes the matter FOR UPDATE, so it counts every ballot in flight
        async with acquire(self.pool) as conn, conn.transaction():
            closed = await votes.close_due(conn, RequestContext(actor_label="worker"))
        if closed:
            log.info("votes closed", extra={"matters": [str(m) for m in closed]})

    async def _payments(self) -> None:
        # orders with a late or lost callback, expired ones, refunds to send or follow (housing/payment_sweep.py)
        done = await payment_sweep.sweep(self.pool, self.payment_providers, self.payment_urls)
        if done:
            log.info("payments", extra=done)

    async def _housekeeping(self) -> None:
        async with acquire(self.pool) as conn, conn.transaction():
            removed = await identity.housekeeping(conn)
            removed.update(await console_sessions.housekeeping(conn, self.settings.console_idle_timeout_s))
            removed["idempotency_keys"] = await purge_idempotency_keys(conn)
            removed["worker_heartbeats"] = await forget_old_beats(conn)
            removed["grid_import_progress"] = await grids_imports.forget_progress(conn)
            removed.update(await media.storage_housekeeping(conn, self.storage))
        log.info("housekeeping", extra=removed)

    async def _beat(self) -> None:
        async with acquire(self.pool) as conn:
            await beat(conn, self.worker_id, socket.gethostname(), os.getpid(), self.started_at)

    async def run_pass(self, http: aiohttp.ClientSession) -> bool:
        """One pass of every job that is due. False when the database could not be reached (back off)."""
        results: list[bool | None] = []
        if self.settings.sms_gateway == "http":
            results.append(await self._job("sms", lambda: self._sms(http)))
        results.append(await self._job("deadlines", self._deadlines))
        results.append(await self._job("rollups", self._rollups))
        results.append(await self._job("billing", self._billing))
        results.append(await self._job("votes", self._votes))
        if self.payment_providers:
            results.append(await self._job("payments", self._payments))
        if False in results:
            return False
        now = self._loop.time()
        if now >= self._next_housekeeping:
            done = await self._job("housekeeping", self._housekeeping)
            self._next_housekeeping = now + (HOUSEKEEPING_EVERY_S if done else HOUSEKEEPING_RETRY_S)
            if done is False:
                return False
        # beat only when this loop's jobs worked and the notifications loop's last pass did too
        if None not in results and self.health.ok and now >= self._next_beat:
            if not await self._job("heartbeat", self._beat):
                return False
            self._next_beat = now + HEARTBEAT_EVERY_S
        return True

    async def run(self, stop: asyncio.Event) -> None:
        failures = 0
        async with aiohttp.ClientSession() as http:
            while not stop.is_set():
                if await self.run_pass(http):
                    failures = 0
                    wait = POLL_EVERY_S
                else:
                    failures += 1
                    wait = backoff_s(failures)
                    log.info("worker backing off", extra={"failures": failures, "retry_in_s": round(wait, 2)})
                await _sleep(stop, wait)


async def run_worker(settings: Settings, stop: asyncio.Event | None = None) -> None:
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    pool = await _open_pool(settings, stop)
    if pool is None:
        return
    storage = Storage(storage_config(settings))
    health = NotifierHealth()
    worker = Worker(settings, pool, storage, health)
    log.info("worker started", extra={"sms_gateway": settings.sms_gateway, "worker_id": worker.worker_id})
    # outbox fan-out, push, webhooks: a loop of its own (it wakes on every outbox row). It survives the database
    # going away as this loop does; if it dies of something else, so does the worker, so that the failure shows
    # and the supervisor restarts it
    notifying = asyncio.create_task(
        run_notifications(pool, notifications_config(settings), stop, settings.database_url, health=health)
    )
    notifying.add_done_callback(lambda _: stop.set())
    try:
        await worker.run(stop)
    finally:
        stop.set()
        await asyncio.gather(notifying, return_exceptions=True)
        storage.close()
        try:
            await asyncio.wait_for(pool.close(), timeout=10)
        except TimeoutError:
            pool.terminate()
        log.info("worker stopped")
    if notifying.done() and not notifying.cancelled() and notifying.exception() is not None:
        raise SystemExit(1)  # the notifications loop died: exit non-zero, so that the supervisor restarts us
