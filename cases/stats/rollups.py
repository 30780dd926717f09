"""Indicator rollups: the per-day counts of migration 0030 (cases/stats/store/rollups.py says what a row holds),
kept from the dirty marks the base tables' triggers leave, and whether a window may be read from them.

Upkeep. Every insert or change of a case, a step, a report, a defer or park event or a duty marks the cases it
touches (and the instants a change moved: a step's old due time, a case's old registration); `refresh` takes
marks no other transaction holds and recomputes every local day they touch from the base tables, each day
whole, under a lock per day. The worker runs it every pass. `backfill` recomputes every day (the first time, and
when the city's time zone changes).

Reading. The indicators read a window from the days when the rollups are kept in the zone asked for, the window
has ended (its cut-off is a local midnight) and no mark, taken or not, touches a day of it. Otherwise they count
from the base tables: the answer is the same either way (tests/cases/test_indicator_rollups.py).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Final

import asyncpg

from cases.stats.store import rollups as rollup_store
from cases.workflow.transitions import CASES, done_outcomes

#: every step an indicator counts, and the outcomes that end each with its own job (cases/stats/indicators.py)
STEPS: Final = ["verify", "register", "dispatch", "handle", "check", "close"]
DONE_PAIRS: Final = [
    f"{step}:{outcome}" for step, outcomes in done_outcomes(CASES).items() for outcome in outcomes
]
#: days recomputed in one statement of a backfill
BACKFILL_CHUNK_DAYS: Final = 31


async def backfill(conn: asyncpg.Connection, timezone: str) -> int:
    """Recompute every day in `timezone` (forgetting every row and mark first). Returns the days counted."""
    await rollup_store.start_backfill(conn, timezone)
    span = await rollup_store.day_span(conn, timezone)
    if span is None:
        return 0
    first, last = span
    days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    for i in range(0, len(days), BACKFILL_CHUNK_DAYS):
        chunk = days[i : i + BACKFILL_CHUNK_DAYS]
        await rollup_store.lock_days(conn, chunk)
        await rollup_store.recompute_days(conn, chunk, timezone, STEPS, DONE_PAIRS)
    return len(days)


async def refresh(conn: asyncpg.Connection, timezone: str, limit: int = 1000) -> int:
    """Recompute the days of up to `limit` dirty marks (backfill instead when the rollups are not kept in
    `timezone`). Returns the days recomputed."""
    if await rollup_store.rollup_timezone(conn) != timezone:
        return await backfill(conn, timezone)
    # a backfill locks indicator_rollup (exclusive) before any day; a refresh shares that lock before any day
    # too, so neither waits for the other while holding what the other waits for
    await rollup_store.share_rollup(conn)
    if await rollup_store.rollup_timezone(conn) != timezone:
        return 0  # a backfill for another zone committed meanwhile
    days = await rollup_store.take_dirty_days(conn, timezone, limit)
    if days:
        await rollup_store.lock_days(conn, days)
        await rollup_store.recompute_days(conn, days, timezone, STEPS, DONE_PAIRS)
    return len(days)


async def readable(
    conn: asyncpg.Connection, timezone: str, start: datetime, end: datetime, as_of: datetime
) -> bool:
    """May the window [start, end) of local days in `timezone`, cut off at `as_of`, be read from the days?"""
    if as_of < end:
        return False
    if await rollup_store.rollup_timezone(conn) != timezone:
        return False
    return not await rollup_store.dirty_within(conn, start, end)
