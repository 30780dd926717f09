"""The databases of one pytest worker on the shared test server.

A migrated template; the test database, always under one name (so that an app built once per worker, whose
pool and LISTEN connection are opened from that name, reaches each test's own copy); and, made ahead in a thread
of their own, spare copies of the template. Handing a test a fresh database is two renames: the previous test's
copy moves aside (connections refused and ended first) and a spare takes the name. Copying the template and
dropping old copies happen in that thread while tests run, off their path.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import os
import threading
from collections.abc import Coroutine
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit, urlunsplit

import asyncpg

from api.db import connect, migrate
from api.settings import load_settings

T = TypeVar("T")

#: copies of the template kept ready; one is enough for two workers on two cores (a test takes longer than a
#: copy), a second covers the short tests that follow one another
SPARES = 2


def with_database(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path="/" + name))


class Databases:
    """`start()` once, `fresh()` before each test that needs a database, `close()` at the end."""

    def __init__(self, base_url: str, prefix: str) -> None:
        self.base_url = base_url
        self.template = f"{prefix}_tpl"
        self.name = f"{prefix}_t"
        self.url = with_database(base_url, self.name)
        self._prefix = prefix
        self._numbers = itertools.count()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="test-databases", daemon=True)
        # made in the thread's loop by _start
        self._spares: asyncio.Queue[str]
        self._chores: asyncio.Queue[tuple[str, str] | None]
        self._front: asyncpg.Connection  # renames, for the tests
        self._back: asyncpg.Connection  # copies and drops, in the background
        self._worker: asyncio.Task[None]
        self._has_test_database = False

    # called from the tests' side ------------------------------------------------------------------------------

    def start(self) -> None:
        self._thread.start()
        self._call(self._start())

    async def fresh(self) -> str:
        """Make `self.name` a fresh copy of the template (from any event loop); its URL."""
        await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(self._fresh(), self._loop))
        return self.url

    def close(self) -> None:
        try:
            self._call(self._close())
        finally:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=30)

    def _call(self, coro: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result()

    # in the thread --------------------------------------------------------------------------------------------

    async def _admin(self) -> asyncpg.Connection:
        return await asyncpg.connect(with_database(self.base_url, "postgres"))

    async def _start(self) -> None:
        self._front, self._back = await self._admin(), await self._admin()
        self._yield_to_tests(self._back)
        await self._back.execute(f'DROP DATABASE IF EXISTS "{self.template}" WITH (FORCE)')
        await self._back.execute(f'CREATE DATABASE "{self.template}"')
        conn = await connect(
            load_settings(database_url=with_database(self.base_url, self.template), env="test")
        )
        try:
            await migrate(conn)
        finally:
            await conn.close()
        self._spares = asyncio.Queue()
        self._chores = asyncio.Queue()
        for _ in range(SPARES):
            self._chores.put_nowait(("copy", self._new_name("s")))
        self._worker = asyncio.create_task(self._work())

    @staticmethod
    def _yield_to_tests(conn: asyncpg.Connection) -> None:
        """Copies and drops run beside tests (some of which count on timings): when the server runs on this
        machine, the background connection's server process gets the lowest CPU priority."""
        pid = conn.get_server_pid()
        with contextlib.suppress(OSError):
            if Path(f"/proc/{pid}/comm").read_text().startswith("postgres"):
                os.setpriority(os.PRIO_PROCESS, pid, 19)

    def _new_name(self, kind: str) -> str:
        return f"{self._prefix}_{kind}{next(self._numbers)}"

    async def _work(self) -> None:
        """The background chores, one at a time on their own connection: copy the template into a spare, drop a
        database that was moved aside."""
        while (chore := await self._chores.get()) is not None:
            what, name = chore
            if what == "copy":
                await self._back.execute(f'CREATE DATABASE "{name}" TEMPLATE "{self.template}"')
                self._spares.put_nowait(name)
            else:
                await self._back.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    async def _fresh(self) -> None:
        if self._worker.done():  # a chore failed: say why here rather than wait for a spare forever
            self._worker.result()
        spare = await self._spares.get()
        self._chores.put_nowait(("copy", self._new_name("s")))
        if self._has_test_database:
            aside = self._new_name("x")
            await self._move_aside(aside)
            self._chores.put_nowait(("drop", aside))
        await self._front.execute(f'ALTER DATABASE "{spare}" RENAME TO "{self.name}"')
        self._has_test_database = True

    async def _move_aside(self, aside: str) -> None:
        """Rename the previous test's database; nothing may stay connected to it (a pool a test left open, a
        process it started), nor connect again in between."""
        try:
            await self._front.execute(f'ALTER DATABASE "{self.name}" ALLOW_CONNECTIONS false')
        except asyncpg.InvalidCatalogNameError:  # the test dropped it
            return
        for _ in range(100):
            await self._front.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1", self.name
            )
            try:
                await self._front.execute(f'ALTER DATABASE "{self.name}" RENAME TO "{aside}"')
                return
            except asyncpg.ObjectInUseError:  # a backend that was ending still counted
                await asyncio.sleep(0.01)
        raise RuntimeError(f"{self.name} is still in use")

    async def _close(self) -> None:
        self._chores.put_nowait(None)
        try:
            await self._worker
        finally:
            names = [
                r["datname"]
                for r in await self._front.fetch(
                    "SELECT datname FROM pg_database WHERE datname LIKE $1", self._prefix + "\\_%"
                )
            ]
            for name in names:
                await self._front.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            await self._front.close()
            await self._back.close()
