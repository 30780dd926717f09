"""The indicators read from the daily rollups (migration 0030, cases/stats/rollups.py) give what counting from
the base tables gives: on the hand-built history of tests/cases/test_indicators.py (March 2026 with steps due at
local midnight's edges, deferrals, a voided case, duties starting mid-month), for every grouping and scope, over
windows at month edges in the city's time zone; and again after changes of every kind the triggers mark, once
the marks are refreshed (and, before that, by counting from the base tables)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import msgspec
import pytest

from api.db import connect
from api.settings import Settings
from cases.stats import indicators, rollups
from tests.cases import test_indicators as paper
from tests.cases.test_indicators import A, B, City, L

city = paper.city  # the fixture: the hand-built history

TZ = "Asia/Shanghai"
#: windows of local days: whole months, their edges, a day, a week across a deferral, the quarter; every one ended
WINDOWS = [
    ("2026-03-01", "2026-03-31"),
    ("2026-02-01", "2026-02-28"),
    ("2026-04-01", "2026-04-30"),
    ("2026-03-01", "2026-03-01"),
    ("2026-03-31", "2026-03-31"),
    ("2026-02-28", "2026-03-01"),
    ("2026-03-31", "2026-04-02"),
    ("2026-03-10", "2026-03-16"),
    ("2026-01-01", "2026-03-31"),
]
SCOPES = [None, frozenset({A}), frozenset({B})]


async def report(
    db: asyncpg.Connection,
    window: tuple[str, str],
    group_by: Any,
    scope: Any,
    *,
    use_rollups: bool,
    tz: str = TZ,
) -> Any:
    found = await indicators.indicators(
        db,
        first=window[0],
        last=window[1],
        group_by=group_by,
        timezone=tz,
        districts=scope,
        use_rollups=use_rollups,
    )
    return msgspec.to_builtins(found)


async def backfill(db: asyncpg.Connection, tz: str = TZ) -> int:
    async with db.transaction():
        return await rollups.backfill(db, tz)


async def refresh(db: asyncpg.Connection, tz: str = TZ) -> int:
    async with db.transaction():
        return await rollups.refresh(db, tz)


async def readable(db: asyncpg.Connection, window: tuple[str, str], tz: str = TZ) -> bool:
    period = indicators.parse_period(window[0], window[1], tz)
    return await rollups.readable(db, tz, period.start, period.end, datetime.now(UTC))


async def assert_same(db: asyncpg.Connection, windows: list[tuple[str, str]], tz: str = TZ) -> None:
    for window in windows:
        for group_by in indicators.GROUPINGS:
            for scope in SCOPES:
                counted = await report(db, window, group_by, scope, use_rollups=False, tz=tz)
                rolled = await report(db, window, group_by, scope, use_rollups=True, tz=tz)
                assert rolled == counted, (window, group_by, scope)


async def test_the_days_give_the_counted_figures(db: asyncpg.Connection, city: City) -> None:
    assert not await readable(db, WINDOWS[0])  # no rollups yet: counted
    async with db.transaction():
        days = await rollups.backfill(db, TZ)
    assert days > 31
    assert await db.fetchval("SELECT count(*) FROM indicator_days") > 0
    for window in WINDOWS:
        assert await readable(db, window), window
    await assert_same(db, WINDOWS)
    march = await report(db, WINDOWS[0], "district", None, use_rollups=True)
    assert {g["key"] for g in march["groups"]} == {A, B}
    # a window that has not ended is counted, not read from the days
    today = datetime.now(UTC).date()
    running = ((today - timedelta(days=3)).isoformat(), (today + timedelta(days=2)).isoformat())
    assert not await readable(db, running)
    # another time zone than the rollups' is counted too
    assert not await readable(db, WINDOWS[0], "UTC")
    await assert_same(db, WINDOWS[:3], "UTC")


async def test_the_days_follow_every_change(db: asyncpg.Connection, city: City) -> None:
    await backfill(db)
    march = WINDOWS[0]
    before = await report(db, march, "district", None, use_rollups=True)
    c = city.cases
    changes = [
        # a case deferred now leaves every denominator (the case and its event)
        (
            "UPDATE cases SET state = 'deferred', resume_state = state WHERE id = $1",
            "INSERT INTO case_events (case_id, kind, at) VALUES ($1, 'defer', now())",
            c["C1"],
        ),
        # an open step done now; a due time moved out of March (an extension); a step paused
        (
            "UPDATE case_deadlines SET completed_at = now(), outcome = 'handle' WHERE case_id = $1 AND completed_at IS NULL",
            None,
            c["C3"],
        ),
        (
            "UPDATE case_deadlines SET due_at = due_at + interval '20 days' WHERE case_id = $1 AND step = 'handle'",
            None,
            c["C13"],
        ),
        ("UPDATE case_deadlines SET paused_at = now() WHERE case_id = $1 AND step = 'verify'", None, c["C9"]),
        # a case voided; a case moved to the other district; a registration moved to 1 April 00:10 local
        ("UPDATE cases SET state = 'voided' WHERE id = $1", None, c["C12"]),
        ("UPDATE cases SET district_code = '110102' WHERE id = $1", None, c["C2"]),
        ("UPDATE cases SET registered_at = $2 WHERE id = $1", None, c["C4"]),
        # a duplicate joined; a deferral of a step that was open (a pause by event)
        ("UPDATE reports SET joined_existing = true WHERE case_id = $1", None, c["C12"]),
        ("INSERT INTO case_events (case_id, kind, at) VALUES ($1, 'park', $2)", None, c["C15"]),
    ]
    for first, second, case_id in changes:
        extra = [L(4, 1, 0, 10)] if "$2" in first else []
        await db.execute(first, case_id, *extra)
        if second:
            await db.execute(second, case_id)
        assert not await readable(db, march), first  # marked: counted until refreshed
        await assert_same(db, [march])
        assert await refresh(db) > 0
        assert await readable(db, march), first
        await assert_same(db, [march, WINDOWS[2], WINDOWS[6]])
    assert await report(db, march, "district", None, use_rollups=True) != before  # the days did move


async def test_a_duty_and_a_new_report_mark_their_cases(db: asyncpg.Connection, city: City) -> None:
    await backfill(db)
    march = WINDOWS[0]
    # I3 also on duty in G1 from 1 March: the cases I3 found there are no longer missed
    await db.execute(
        "INSERT INTO inspector_duties (user_id, responsibility_grid_id, starts_at) VALUES ($1, $2, $3)",
        city.users["I3"],
        city.grids["G1"],
        L(3, 1, 0),
    )
    assert not await readable(db, march)
    await refresh(db)
    await assert_same(db, [march])
    # an inspector's report filed on 31 March 23:50 local joins C3
    await db.execute(
        """INSERT INTO reports (number, case_id, reporter_id, category_code, location, original_lat, original_lon,
                                original_crs, joined_existing, created_at)
           VALUES ('2026033199999', $1, $2, 'E0102', ST_SetSRID(ST_MakePoint(116.395, 39.905), 4326), 39.905,
                   116.395, 'wgs84', true, $3)""",
        city.cases["C3"],
        city.users["I1"],
        L(3, 31, 23, 50),
    )
    assert not await readable(db, march)
    await refresh(db)
    assert await readable(db, march)
    await assert_same(db, [march, ("2026-03-31", "2026-04-01")])
    # a role taken away is read at the time of the question, from the days too
    await db.execute("DELETE FROM user_roles WHERE user_id = $1 AND role = 'inspector'", city.users["I2"])
    assert await readable(db, march)
    await assert_same(db, [march])


async def test_a_new_time_zone_backfills(db: asyncpg.Connection, city: City) -> None:
    await backfill(db)
    assert await refresh(db, "UTC") > 31  # kept in another zone: every day again
    assert await readable(db, WINDOWS[0], "UTC")
    await assert_same(db, WINDOWS[:4], "UTC")


@pytest.mark.parametrize("window", [("2026-03-01", "2026-03-31")])
async def test_an_empty_city_backfills_nothing(db: asyncpg.Connection, window: tuple[str, str]) -> None:
    assert await backfill(db) == 0
    assert await readable(db, window)
    await assert_same(db, [window])


async def test_two_workers_refresh_at_once_without_deadlock(
    db: asyncpg.Connection, city: City, settings: Settings
) -> None:
    """Two workers starting on a database without rollups both backfill (one after the other); a refresh beside a
    backfill waits for it; marks are taken by one of them only."""
    other, third = await connect(settings), await connect(settings)
    try:
        first, second = await asyncio.gather(refresh(db), refresh(other))
        assert first > 31 and second > 31
        await db.execute("UPDATE cases SET state = 'voided' WHERE id = $1", city.cases["C12"])
        await other.execute("UPDATE cases SET state = 'voided' WHERE id = $1", city.cases["C13"])
        results = await asyncio.gather(backfill(db), refresh(other), refresh(third))
        assert results[0] > 31
        assert await db.fetchval("SELECT count(*) FROM indicator_dirty") == 0
        assert await readable(db, WINDOWS[0])
        await assert_same(db, [WINDOWS[0]])
    finally:
        await other.close()
        await third.close()
