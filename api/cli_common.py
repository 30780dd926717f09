"""What the command line's groups share: a connection for one command, a terminal progress bar."""

from __future__ import annotations

import sys
import time
from collections.abc import Awaitable, Callable
from typing import Any, TextIO

import asyncpg

from api.db import connect
from api.settings import Settings


async def with_conn(
    settings: Settings, fn: Callable[[asyncpg.Connection], Awaitable[Any]], *, transaction: bool = True
) -> Any:
    conn = await connect(settings)
    try:
        if not transaction:
            return await fn(conn)
        async with conn.transaction():
            return await fn(conn)
    finally:
        await conn.close()


class TerminalProgress:
    """A progress bar for `progress` on a terminal; one line per finished phase when not a terminal."""

    def __init__(self, stream: TextIO | None = None, width: int = 30) -> None:
        self.stream = stream or sys.stderr
        self.width = width
        self.tty = self.stream.isatty()
        self._phase = ""
        self._drawn = 0.0
        self._started = time.perf_counter()

    def __call__(self, phase: str, done: int, total: int) -> None:
        now = time.perf_counter()
        if phase != self._phase:
            self._finish()
            self._phase, self._started = phase, now
        finished = done >= total
        if self.tty and (finished or now - self._drawn > 0.1):
            share = done / total if total else 1.0
            filled = int(share * self.width)
            bar = "#" * filled + "-" * (self.width - filled)
            self.stream.write(f"\r{phase:<6} [{bar}] {share:4.0%} {done:,}/{total:,}")
            self.stream.flush()
            self._drawn = now

    def _finish(self) -> None:
        if not self._phase:
            return
        took = time.perf_counter() - self._started
        if self.tty:
            self.stream.write(f"  {took:.2f} s\n")
        else:
            self.stream.write(f"{self._phase:<6} done in {took:.2f} s\n")
        self.stream.flush()

    def close(self) -> None:
        self._finish()
        self._phase = ""
