"""What both fakes share: a server bound to 127.0.0.1 only, deliveries of callbacks to loopback URLs only (with
their answers recorded and judged as the provider would), and held deliveries for out-of-order scenarios."""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import aiohttp
from aiohttp import web

LOOPBACK = "127.0.0.1"


def is_loopback_url(url: str) -> bool:
    """http(s) to localhost or a loopback address: the only places a fake sends anything."""
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
    except ValueError:
        return False
    if parts.scheme not in ("http", "https"):
        return False
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@dataclass(slots=True)
class Notification:
    """One signed callback, ready to POST: what a test can also hand straight to ``verify_callback``."""

    url: str
    headers: dict[str, str]
    body: bytes
    label: str = "normal"


@dataclass(slots=True)
class Delivery:
    notification: Notification
    at: float
    status: int | None  # None: the receiver could not be reached
    answer: bytes
    acknowledged: bool
    attempt: int = 1


@dataclass
class Server:
    """An aiohttp app served on 127.0.0.1 (never any other address)."""

    runner: web.AppRunner | None = None
    origin: str = ""

    async def start(self, app: web.Application, port: int = 0) -> str:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((LOOPBACK, port))
        self.runner = web.AppRunner(app, access_log=None)
        await self.runner.setup()
        await web.SockSite(self.runner, sock, backlog=256).start()
        self.origin = f"http://{LOOPBACK}:{sock.getsockname()[1]}"
        return self.origin

    async def stop(self) -> None:
        if self.runner is not None:
            await self.runner.cleanup()
            self.runner = None


@dataclass
class Deliverer:
    """Posts notifications, records every attempt, retries a refused one after ``retry_delays_s``.

    ``hold()`` keeps the next notification back until one more is delivered after it: the two arrive out of
    order.
    """

    acknowledged_by: Callable[[int, bytes], bool]
    retry_delays_s: tuple[float, ...] = ()
    timeout_s: float = 10.0
    deliveries: list[Delivery] = field(default_factory=list)
    _held: list[Notification] = field(default_factory=list)
    _hold_next: bool = False
    _tasks: set[asyncio.Task[None]] = field(default_factory=set)
    _tail: asyncio.Task[None] | None = None
    _session: aiohttp.ClientSession | None = None
    _changed: asyncio.Condition | None = None

    def hold(self) -> None:
        self._hold_next = True

    async def send(self, notification: Notification, *, delay_s: float = 0.0) -> None:
        """Deliver in the background (after ``delay_s``); ``wait_for`` or ``deliveries`` tell what happened.

        First attempts go out in the order they were sent (a late one waits its delay, outside that order);
        retries of an unacknowledged one follow on their own schedule.
        """
        if self._hold_next:
            self._hold_next = False
            self._held.append(notification)
            return
        held, self._held = self._held, []
        previous = None if delay_s else self._tail
        task = asyncio.create_task(self._deliver_all([notification, *held], delay_s, previous))
        if not delay_s:
            self._tail = task
        self._track(task)

    async def post(self, notification: Notification) -> Delivery:
        """Deliver once, now, and return the delivery (no retries)."""
        return await self._attempt(notification, 1)

    def _track(self, task: asyncio.Task[None]) -> None:
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _deliver_all(
        self, notifications: list[Notification], delay_s: float, previous: asyncio.Task[None] | None
    ) -> None:
        if previous is not None:
            await asyncio.wait([previous])
        if delay_s:
            await asyncio.sleep(delay_s)
        for notification in notifications:
            if not (await self._attempt(notification, 1)).acknowledged and self.retry_delays_s:
                self._track(asyncio.create_task(self._retry(notification)))

    async def _retry(self, notification: Notification) -> None:
        for attempt, pause in enumerate(self.retry_delays_s, start=2):
            await asyncio.sleep(pause)
            if (await self._attempt(notification, attempt)).acknowledged:
                return

    async def _attempt(self, notification: Notification, attempt: int) -> Delivery:
        if not is_loopback_url(notification.url):  # checked when the order was made; checked again here
            raise ValueError(f"the fake delivers only to this machine: {notification.url}")
        if self._session is None:
            self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=self.timeout_s))
        status: int | None
        try:
            async with self._session.post(
                notification.url, data=notification.body, headers=notification.headers
            ) as response:
                status, answer = response.status, await response.read()
        except (aiohttp.ClientError, TimeoutError) as exc:
            status, answer = None, str(exc).encode()
        delivery = Delivery(
            notification=notification,
            at=time.time(),
            status=status,
            answer=answer,
            acknowledged=status is not None and self.acknowledged_by(status, answer),
            attempt=attempt,
        )
        self.deliveries.append(delivery)
        if self._changed is None:
            self._changed = asyncio.Condition()
        async with self._changed:
            self._changed.notify_all()
        return delivery

    async def wait_for(self, count: int, timeout_s: float = 10.0) -> list[Delivery]:
        """Wait until at least ``count`` deliveries (attempts) happened; return them all."""
        if self._changed is None:
            self._changed = asyncio.Condition()
        changed = self._changed

        async def enough() -> None:
            async with changed:
                await changed.wait_for(lambda: len(self.deliveries) >= count)

        await asyncio.wait_for(enough(), timeout_s)
        return list(self.deliveries)

    async def close(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._session is not None:
            await self._session.close()
            self._session = None
