"""`cityloop db seed-demo` files the demo city's cases (cases/reports/demo.py): about sixty over five weeks, in
every state of the loop but `handled`, through the use cases, once; the leaders' indicators have figures."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
from litestar.testing import AsyncTestClient

from api.config import auth_config
from api.demo import DEMO_DISTRICT, DEMO_USERS, seed_demo
from api.settings import Settings
from cases.reports.demo import CASES, EXPECTED_STATES
from cases.stats.indicators import indicators
from cases.workflow.transitions import STATES
from identity import service as identity
from identity.models import RequestContext
from tests.identity.helpers import bearer

COUNTS = """SELECT (SELECT count(*) FROM cases), (SELECT count(*) FROM reports), (SELECT count(*) FROM case_events),
                   (SELECT count(*) FROM case_deadlines), (SELECT count(*) FROM case_ratings),
                   (SELECT count(*) FROM photos), (SELECT count(*) FROM users), (SELECT count(*) FROM outbox)"""


async def _states(db: asyncpg.Connection) -> dict[str, int]:
    rows = await db.fetch("SELECT state, count(*) AS n FROM cases GROUP BY state")
    return {r["state"]: r["n"] for r in rows}


async def test_seed_demo_files_the_cases_once_in_every_state(
    db: asyncpg.Connection, settings: Settings
) -> None:
    async with db.transaction():
        await seed_demo(db, auth_config(settings))
    states = await _states(db)
    assert states == EXPECTED_STATES
    assert sum(states.values()) == len(CASES)
    assert set(STATES) - set(states) == {"handled"}  # a fix goes to the inspector on duty at once
    first = await db.fetchrow(COUNTS)
    async with db.transaction():
        await seed_demo(db, auth_config(settings))  # again: nothing added
    assert await db.fetchrow(COUNTS) == first
    assert await _states(db) == EXPECTED_STATES

    # all in the demo district, routed to a grid, over the past five weeks, dated as they happened
    now = datetime.now(UTC)
    row = await db.fetchrow(
        """SELECT count(*) FILTER (WHERE district_code = $1 AND unit_grid_id IS NOT NULL) AS routed,
                  min(created_at) AS first, max(created_at) AS last FROM cases""",
        DEMO_DISTRICT,
    )
    assert row is not None and row["routed"] == len(CASES)
    assert now - timedelta(days=42) < row["first"] < now - timedelta(days=28) and row["last"] <= now
    assert await db.fetchval(
        "SELECT bool_and(e.at >= c.created_at) FROM case_events e JOIN cases c ON c.id = e.case_id"
    )
    assert (
        await db.fetchval(
            "SELECT count(*) FROM reports r JOIN cases c ON c.id = r.case_id "
            "WHERE r.created_at <> c.created_at"
        )
        == 0
    )
    # the citizen's reports, and a few patrol reports; every step taken by the demo user holding its role
    by_role = {
        r["role"]: r["n"]
        for r in await db.fetch(
            """SELECT g.role, count(*) AS n FROM reports r JOIN user_roles g ON g.user_id = r.reporter_id
               GROUP BY g.role"""
        )
    }
    assert by_role["citizen"] > 50 and 3 <= by_role["inspector"] <= 10
    departments = await db.fetch(
        "SELECT DISTINCT department_code FROM cases WHERE department_code IS NOT NULL ORDER BY 1"
    )
    assert len(departments) >= 5
    # the citizen was not held to the limit of reports a day by reports dated in the past
    assert await db.fetchval("SELECT count(*) FROM rate_limit_hits WHERE bucket LIKE 'reports:%'") == 0
    # open steps: some overdue, some due soon, some on time
    steps = await db.fetchrow(
        """SELECT count(*) FILTER (WHERE due_at < now()) AS overdue,
                  count(*) FILTER (WHERE due_soon_at <= now() AND due_at >= now()) AS due_soon,
                  count(*) FILTER (WHERE due_soon_at > now()) AS on_time
           FROM case_deadlines WHERE completed_at IS NULL AND paused_at IS NULL"""
    )
    assert steps is not None and steps["overdue"] >= 10 and steps["due_soon"] >= 2 and steps["on_time"] >= 1
    assert await db.fetchval("SELECT count(*) FROM case_ratings") >= 8


async def test_the_leaders_indicators_have_figures_for_every_week(
    client: AsyncTestClient[Any], db: asyncpg.Connection, settings: Settings
) -> None:
    async with db.transaction():
        await seed_demo(db, auth_config(settings))
    today = datetime.now(UTC).date()
    for weeks_back in range(5):
        last = today - timedelta(days=7 * weeks_back)
        first = last - timedelta(days=6)
        report = await indicators(
            db,
            first=first.isoformat(),
            last=last.isoformat(),
            group_by="district",
            timezone="Asia/Shanghai",
            districts=frozenset({DEMO_DISTRICT}),
        )
        (district,) = report.groups
        assert district.key == DEMO_DISTRICT
        figures = {name: r for name, r in district.indicators.items() if r.denominator}
        assert {"handle_rate", "close_rate"} <= set(figures) or weeks_back == 0, (weeks_back, figures)
        assert len(figures) >= 4, (weeks_back, figures)
    # the endpoint, as the demo leader
    phone = next(p for p, _, role, _ in DEMO_USERS if role == "leader")
    tokens = await identity.issue_tokens_for(
        db, auth_config(settings), phone, RequestContext(actor_label="tests")
    )
    r = await client.get(
        "/v1/stats/indicators",
        params={
            "from": (today - timedelta(days=35)).isoformat(),
            "to": today.isoformat(),
            "group_by": "department",
        },
        headers=bearer(tokens.access_token),
    )
    assert r.status_code == 200, r.text
    groups = r.json()["groups"]
    assert len(groups) >= 5
    handled = {g["key"]: g["indicators"]["handle_rate"] for g in groups}
    assert handled["sanitation"]["denominator"] >= 10
    assert all(g["score"] is not None for g in groups)
