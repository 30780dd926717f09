"""The background worker: `cityloop worker`.

Each job takes its own connection and transaction around its unit of work. Jobs here: due-soon and overdue events of case deadlines (to the outbox), SMS delivery to an HTTP
provider (when configured) and housekeeping: expired sign-in state and idempotency keys, abandoned uploads.
Notifications (outbox fan-out, push, webhooks) run beside them in a loop of their own (notifications/runner.py).
"""

from __future__ import annotations

import asyncio
import logging
import signal

import aiohttp

from api.app import storage_config
from api.controllers.notifications import notifications_config
from api.db import acquire, create_pool
from api.idempotency import purge_expired as purge_idempotency_keys
from api.settings import Settings
from cases import casework
from housing import billing
from identity import service as identity
from identity.sms import deliver_pending
from media import service as media
from media.errors import MediaError
from media.storage import Storage
from notifications.runner import run_notifications

log = logging.getLogger("cityloop.worker")

HOUSEKEEPING_EVERY_S = 300.0
POLL_EVERY_S = 1.0


async def run_worker(settings: Settings, stop: asyncio.Event | None = None) -> None:
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    pool = await create_pool(settings)
    storage = Storage(storage_config(settings))
    log.info("worker started", extra={"sms_gateway": settings.sms_gateway})
    last_housekeeping = 0.0
    # outbox fan-out, push, webhooks: a loop of its own (it wakes on every outbox row); if it dies, so does
    # the worker, so that the failure shows and the supervisor restarts it
    notifying = asyncio.create_task(
        run_notifications(pool, notifications_config(settings), stop, settings.database_url)
    )
    notifying.add_done_callback(lambda _: stop.set())
    try:
        async with aiohttp.ClientSession() as http:
            while not stop.is_set():
                try:
                    if settings.sms_gateway == "http":
                        async with acquire(pool) as conn, conn.transaction():
                            await deliver_pending(conn, http, settings.sms_http_url, settings.sms_http_token)
                    async with acquire(pool) as conn, conn.transaction():
                        emitted = await casework.emit_deadline_events(conn)
                    if any(emitted.values()):
                        log.info("deadline events", extra=emitted)
                    # billing runs asked for over the API: one per pass, each batch its own transaction
                    completed = await billing.run_pending(pool, limit=1)
                    if completed:
                        log.info("billing runs completed", extra={"runs": completed})
                    if loop.time() - last_housekeeping >= HOUSEKEEPING_EVERY_S:
                        async with acquire(pool) as conn, conn.transaction():
                            removed = await identity.housekeeping(conn)
                            removed["idempotency_keys"] = await purge_idempotency_keys(conn)
                            removed.update(await media.storage_housekeeping(conn, storage))
                        log.info("housekeeping", extra=removed)
                        last_housekeeping = loop.time()
                except (TimeoutError, OSError, MediaError) as exc:
                    log.warning("worker pass failed; retrying", extra={"error": repr(exc)})
                try:
                    await asyncio.wait_for(stop.wait(), timeout=POLL_EVERY_S)
                except TimeoutError:
                    pass
    finally:
        stop.set()
        await asyncio.gather(notifying, return_exceptions=True)
        storage.close()
        await pool.close()
        log.info("worker stopped")
