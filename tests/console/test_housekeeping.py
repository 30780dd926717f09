"""The worker's housekeeping deletes the console sessions that cannot come back (idle or past their lifetime),
and only those; it loads none of the console's pages."""

from __future__ import annotations

import subprocess
import sys

import asyncpg
from litestar import Litestar
from litestar.testing import AsyncTestClient

from api.settings import Settings
from console import sessions
from tests.console.helpers import make_user, signed_in


async def test_housekeeping_deletes_idle_and_expired_sessions_only(
    console: AsyncTestClient[Litestar], db: asyncpg.Connection, settings: Settings
) -> None:
    for phone in ("13900001091", "13900001092", "13900001093"):
        await make_user(db, settings, phone, "admin")
        await signed_in(console, db, phone)
        console.cookies.clear()
    idle = settings.console_idle_timeout_s
    users = {
        phone: await db.fetchval("SELECT id FROM users WHERE phone = $1", "+86" + phone)
        for phone in ("13900001091", "13900001092", "13900001093")
    }
    await db.execute(
        "UPDATE console_sessions SET last_seen_at = now() - make_interval(secs => $1 + 1) WHERE user_id = $2",
        idle,
        users["13900001091"],
    )
    await db.execute(
        "UPDATE console_sessions SET expires_at = now() - interval '1 second' WHERE user_id = $1",
        users["13900001092"],
    )
    async with db.transaction():
        removed = await sessions.housekeeping(db, idle)
    assert removed == {"console_sessions": 2}
    left = await db.fetch("SELECT user_id FROM console_sessions")
    assert [row["user_id"] for row in left] == [users["13900001093"]]


def test_the_worker_runs_it_without_loading_the_pages() -> None:
    code = (
        "import sys, api.worker, inspect; "
        "assert 'console_sessions.housekeeping(' in inspect.getsource(api.worker); "
        "print(sorted(m for m in sys.modules if m.startswith(('console.pages', 'console.app', 'jinja2'))))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
