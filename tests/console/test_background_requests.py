"""What a page asks by itself leaves the session's idle clock alone, so that a console left open still goes idle;
the command centre's live feed stops at once when its session ends or its user loses the area."""

from __future__ import annotations

from datetime import datetime

import asyncpg
from litestar import Litestar
from litestar.testing import AsyncTestClient

from api.settings import Settings
from console import sessions
from console.auth import BACKGROUND_HEADER
from console.pages.command import _still_allowed
from tests.console.helpers import make_user, session_cookie, signed_in

Client = AsyncTestClient[Litestar]
#: as htmx sends the queue's refresh (console/templates/command/partials/queue.html)
BACKGROUND = {BACKGROUND_HEADER: "1", "HX-Request": "true"}


async def _last_seen(db: asyncpg.Connection) -> datetime:
    seen: datetime = await db.fetchval("SELECT last_seen_at FROM console_sessions")
    return seen


async def test_a_page_refreshing_itself_does_not_keep_the_session_alive(
    console: Client, db: asyncpg.Connection, settings: Settings
) -> None:
    await make_user(db, settings, "13900003001", "dispatcher")
    await signed_in(console, db, "13900003001")
    idle = settings.console_idle_timeout_s
    await db.execute("UPDATE console_sessions SET last_seen_at = now() - make_interval(secs => $1 - 5)", idle)
    before = await _last_seen(db)
    r = await console.get("/console/command/queue?queue=dispatch", headers=BACKGROUND)
    assert r.status_code == 200
    assert await _last_seen(db) == before  # served, the idle clock untouched
    r = await console.get("/console/command/queue?queue=dispatch")  # the user's own click
    assert r.status_code == 200
    assert await _last_seen(db) > before
    await db.execute("UPDATE console_sessions SET last_seen_at = now() - make_interval(secs => $1 + 1)", idle)
    r = await console.get("/console/command/queue?queue=dispatch", headers=BACKGROUND)
    assert r.status_code == 401  # idle: the background request is refused like any other (htmx: HX-Redirect)


async def test_the_live_feed_stops_when_the_session_ends_or_the_role_goes(
    console: Client, db: asyncpg.Connection, settings: Settings
) -> None:
    user_id = await make_user(db, settings, "13900003002", "dispatcher")
    await signed_in(console, db, "13900003002")
    token = session_cookie(console)
    seen = await _last_seen(db)
    assert await _still_allowed(db, token, settings)
    assert await _last_seen(db) == seen  # the feed's check is not the user at work
    await db.execute("DELETE FROM user_roles WHERE user_id = $1", user_id)
    assert not await _still_allowed(db, token, settings)  # the role taken away
    await make_user(db, settings, "13900003002", "dispatcher")
    assert await _still_allowed(db, token, settings)
    async with db.transaction():
        await sessions.end(db, token)  # signed out
    assert not await _still_allowed(db, token, settings)
