"""Indicators (综合评价) over a history built by hand, every figure checked against arithmetic done on paper.

The history: March 2026 (local days, Asia/Shanghai) in two districts. District A (110101) has the
responsibility grid G1, patrolled by inspectors I1 (on duty all year) and I2 (on duty from 10 March); district
B (110102) has G2, patrolled by I3. Departments: sanitation (S) and municipal (M). Times below are local.

    case  where  source      state       what happens
    C1    A/G1   citizen     closed      all on time; the shift lead sends the first fix back at closing (rework)
    C2    A/G1   citizen     closed      verify, register, dispatch, first fix and closing late; first check late
                                         and a rework; the second fix on time
    C3    A/G1   patrol I1   accepted    handle step extended to 20 Mar, still open; I2 files a duplicate report
    C4    A/G1   patrol I1   closed      dispatched to S, returned, dispatched late to M; M handles it on 2 Apr
                                         (after the window), its check and closing fall in April
    C5    A/G1   patrol I2   closed      handle step deferred 15 Mar and resumed 16 Mar (paused: leaves)
    C6    A/G1   citizen     deferred    deferred now: leaves every denominator
    C7    A/G1   patrol I1   voided      registered, then voided: leaves all but 准确立案率
    C8    A/G1   citizen     rejected    verify ends not_found, on time
    C9    A/G1   citizen     verifying   verify due 1 Mar 00:30 local (28 Feb 16:30 UTC), still open
    C10   A/G1   citizen     verifying   verify due 1 Apr 00:30 local (31 Mar 16:30 UTC): not in March
    C12   A/G1   patrol I3   dispatched  found by I3, who is not on duty in G1 (missed for G1)
    C13   B/G2   patrol I3   closed      fix late
    C14   A/G1   citizen     rejected    register step ended by reject: not a registration
    C15   A/G1   hotline     checked     close step open and overdue
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import asyncpg
import pytest
from litestar.testing import AsyncTestClient

from api.settings import Settings
from cases.stats import indicators
from cases.workflow import access
from identity import store as identity_store
from identity.models import RoleGrant
from tests.cases.workflow_fixtures import caller
from tests.identity.helpers import bearer, staff_token

CITY = ZoneInfo("Asia/Shanghai")
A, B = "110101", "110102"
S, M = "sanitation", "municipal"
MARCH = {"from": "2026-03-01", "to": "2026-03-31"}


def L(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    """A local time in 2026."""
    return datetime(2026, month, day, hour, minute, tzinfo=CITY)


@dataclass
class Step:
    step: str
    due: datetime
    done: datetime | None = None
    outcome: str | None = None
    department: str | None = None
    extended: bool = False
    paused: datetime | None = None


@dataclass
class Case:
    name: str
    district: str
    grid: str  # "G1" or "G2"
    source: str
    state: str
    created: datetime
    inspector: str | None = "I1"
    department: str | None = S
    registered: datetime | None = None
    steps: list[Step] = field(default_factory=list)
    events: list[tuple[str, datetime]] = field(default_factory=list)
    reports: list[tuple[str, datetime, bool]] = field(default_factory=list)  # reporter, at, joined


def history() -> list[Case]:
    return [
        Case(
            "C1", A, "G1", "citizen", "closed", L(3, 2, 9), registered=L(3, 2, 9, 50),
            reports=[("citizen", L(3, 2, 9), False)],
            steps=[
                Step("verify", L(3, 2, 10), L(3, 2, 9, 30), "verify"),
                Step("register", L(3, 2, 10), L(3, 2, 9, 50), "register"),
                Step("dispatch", L(3, 2, 10, 20), L(3, 2, 10), "dispatch"),
                Step("accept", L(3, 2, 11), L(3, 2, 10, 30), "accept", S),
                Step("handle", L(3, 3, 10, 30), L(3, 3, 9), "handle", S),
                Step("check", L(3, 3, 10), L(3, 3, 9, 40), "check_pass"),
                Step("close", L(3, 3, 11, 40), L(3, 3, 10), "rework"),
                Step("accept", L(3, 3, 11), L(3, 3, 10, 30), "accept", S),
                Step("handle", L(3, 4, 10, 30), L(3, 4, 9), "handle", S),
                Step("check", L(3, 4, 10), L(3, 4, 9, 40), "check_pass"),
                Step("close", L(3, 4, 11, 40), L(3, 4, 10), "close"),
            ],
        ),
        Case(
            "C2", A, "G1", "citizen", "closed", L(3, 5, 9), registered=L(3, 5, 12),
            reports=[("citizen", L(3, 5, 9), False)],
            steps=[
                Step("verify", L(3, 5, 10), L(3, 5, 11), "verify"),
                Step("register", L(3, 5, 11, 30), L(3, 5, 12), "register"),
                Step("dispatch", L(3, 5, 12, 30), L(3, 5, 13), "dispatch"),
                Step("accept", L(3, 5, 14), L(3, 5, 13, 30), "accept", S),
                Step("handle", L(3, 6, 13, 30), L(3, 7, 9), "handle", S),
                Step("check", L(3, 7, 10), L(3, 7, 11), "rework"),
                Step("accept", L(3, 7, 12), L(3, 7, 11, 30), "accept", S),
                Step("handle", L(3, 8, 11, 30), L(3, 8, 10), "handle", S),
                Step("check", L(3, 8, 11), L(3, 8, 10, 30), "check_pass"),
                Step("close", L(3, 8, 12, 30), L(3, 8, 13), "close"),
            ],
        ),
        Case(
            "C3", A, "G1", "inspector", "accepted", L(3, 10, 9), registered=L(3, 10, 9),
            reports=[("I1", L(3, 10, 9), False), ("I2", L(3, 22, 9), True)],
            events=[("request_extension", L(3, 11, 9)), ("approve_extension", L(3, 11, 10))],
            steps=[
                Step("register", L(3, 10, 9, 30), L(3, 10, 9), "register"),
                Step("dispatch", L(3, 10, 9, 30), L(3, 10, 9, 10), "dispatch"),
                Step("accept", L(3, 10, 10, 10), L(3, 10, 10), "accept", S),
                Step("handle", L(3, 20, 10), None, None, S, extended=True),
            ],
        ),
        Case(
            "C4", A, "G1", "inspector", "closed", L(3, 12, 9), department=M, registered=L(3, 12, 9),
            reports=[("I1", L(3, 12, 9), False)],
            events=[("return", L(3, 12, 10))],
            steps=[
                Step("register", L(3, 12, 9, 30), L(3, 12, 9), "register"),
                Step("dispatch", L(3, 12, 9, 30), L(3, 12, 9, 20), "dispatch"),
                Step("accept", L(3, 12, 10, 20), L(3, 12, 10), "return", S),
                Step("dispatch", L(3, 12, 10, 30), L(3, 12, 11), "dispatch"),
                Step("accept", L(3, 12, 12), L(3, 12, 11, 30), "accept", M),
                Step("handle", L(3, 31, 15), L(4, 2, 9), "handle", M),
                Step("check", L(4, 2, 10), L(4, 2, 9, 30), "check_pass"),
                Step("close", L(4, 2, 11, 30), L(4, 2, 10), "close"),
            ],
        ),
        Case(
            "C5", A, "G1", "inspector", "closed", L(3, 14, 9), inspector="I2", registered=L(3, 14, 9),
            reports=[("I2", L(3, 14, 9), False)],
            events=[("defer", L(3, 15, 9)), ("resume", L(3, 16, 9))],
            steps=[
                Step("register", L(3, 14, 9, 30), L(3, 14, 9), "register"),
                Step("dispatch", L(3, 14, 9, 30), L(3, 14, 9, 15), "dispatch"),
                Step("accept", L(3, 14, 10, 15), L(3, 14, 10), "accept", S),
                Step("handle", L(3, 18, 10), L(3, 17, 10), "handle", S),
                Step("check", L(3, 17, 11), L(3, 17, 10, 30), "check_pass"),
                Step("close", L(3, 17, 12, 30), L(3, 17, 11), "close"),
            ],
        ),
        Case(
            "C6", A, "G1", "citizen", "deferred", L(3, 16, 9), registered=L(3, 16, 9, 50),
            reports=[("citizen", L(3, 16, 9), False)],
            events=[("defer", L(3, 17, 9))],
            steps=[
                Step("verify", L(3, 16, 10), L(3, 16, 9, 30), "verify"),
                Step("register", L(3, 16, 10), L(3, 16, 9, 50), "register"),
                Step("dispatch", L(3, 16, 10, 20), L(3, 16, 10), "dispatch"),
                Step("accept", L(3, 16, 11), L(3, 16, 10, 30), "accept", S),
                Step("handle", L(3, 18, 10, 30), None, None, S, paused=L(3, 17, 9)),
            ],
        ),
        Case(
            "C7", A, "G1", "inspector", "voided", L(3, 18, 9), department=None, registered=L(3, 18, 9),
            reports=[("I1", L(3, 18, 9), False)],
            events=[("void", L(3, 18, 9, 20))],
            steps=[
                Step("register", L(3, 18, 9, 30), L(3, 18, 9), "register"),
                Step("dispatch", L(3, 18, 9, 30), L(3, 18, 9, 20), "void"),
            ],
        ),
        Case(
            "C8", A, "G1", "citizen", "rejected", L(3, 20, 9), department=None,
            reports=[("citizen", L(3, 20, 9), False)],
            steps=[Step("verify", L(3, 20, 10), L(3, 20, 9, 45), "not_found")],
        ),
        Case(
            "C9", A, "G1", "citizen", "verifying", L(2, 28, 23), department=None,
            reports=[("citizen", L(2, 28, 23), False)],
            steps=[Step("verify", L(3, 1, 0, 30))],
        ),
        Case(
            "C10", A, "G1", "citizen", "verifying", L(3, 31, 22), department=None,
            reports=[("citizen", L(3, 31, 22), False)],
            steps=[Step("verify", L(4, 1, 0, 30))],
        ),
        Case(
            "C12", A, "G1", "inspector", "dispatched", L(3, 24, 9), registered=L(3, 24, 9),
            reports=[("I3", L(3, 24, 9), False)],
            steps=[
                Step("register", L(3, 24, 9, 30), L(3, 24, 9), "register"),
                Step("dispatch", L(3, 24, 9, 30), L(3, 24, 9, 10), "dispatch"),
                Step("accept", L(4, 5, 10), None, None, S),
            ],
        ),
        Case(
            "C13", B, "G2", "inspector", "closed", L(3, 25, 9), inspector="I3", registered=L(3, 25, 9),
            reports=[("I3", L(3, 25, 9), False)],
            steps=[
                Step("register", L(3, 25, 9, 30), L(3, 25, 9), "register"),
                Step("dispatch", L(3, 25, 9, 30), L(3, 25, 9, 20), "dispatch"),
                Step("accept", L(3, 25, 10, 20), L(3, 25, 10), "accept", S),
                Step("handle", L(3, 26, 10), L(3, 27, 10), "handle", S),
                Step("check", L(3, 27, 11), L(3, 27, 10, 30), "check_pass"),
                Step("close", L(3, 27, 12, 30), L(3, 27, 11), "close"),
            ],
        ),
        Case(
            "C14", A, "G1", "citizen", "rejected", L(3, 26, 9), department=None,
            reports=[("citizen", L(3, 26, 9), False)],
            steps=[Step("register", L(3, 26, 9, 30), L(3, 26, 9, 20), "reject")],
        ),
        Case(
            "C15", A, "G1", "hotline", "checked", L(3, 27, 9), registered=L(3, 27, 9, 10),
            steps=[
                Step("register", L(3, 27, 9, 30), L(3, 27, 9, 10), "register"),
                Step("dispatch", L(3, 27, 9, 40), L(3, 27, 9, 20), "dispatch"),
                Step("accept", L(3, 27, 10, 20), L(3, 27, 10), "accept", S),
                Step("handle", L(3, 28, 10), L(3, 28, 9), "handle", S),
                Step("check", L(3, 28, 10), L(3, 28, 9, 30), "check_pass"),
                Step("close", L(3, 28, 11, 30)),
            ],
        ),
    ]  # fmt: skip


@dataclass
class City:
    users: dict[str, uuid.UUID]
    grids: dict[str, uuid.UUID]
    cases: dict[str, uuid.UUID]
    tokens: dict[str, str]


def _square(lon: float, lat: float) -> str:
    return (
        f"SRID=4326;MULTIPOLYGON((({lon} {lat},{lon + 0.01} {lat},{lon + 0.01} {lat + 0.01},"
        f"{lon} {lat + 0.01},{lon} {lat})))"
    )


async def build(
    db: asyncpg.Connection,
) -> tuple[dict[str, uuid.UUID], dict[str, uuid.UUID], dict[str, uuid.UUID]]:
    users: dict[str, uuid.UUID] = {}
    for name, phone, role in (
        ("I1", "+8613900000001", "inspector"),
        ("I2", "+8613900000002", "inspector"),
        ("I3", "+8613900000003", "inspector"),
        ("citizen", "+8613900000009", "citizen"),
    ):
        users[name] = await identity_store.insert_user(
            db, phone, f"巡查员{name}" if role == "inspector" else ""
        )
        await identity_store.add_role(db, users[name], RoleGrant(role=role))  # type: ignore[arg-type]
    grids = {
        "G1": await db.fetchval(
            "INSERT INTO responsibility_grids (code, name, geom) VALUES ('110101001', '东华门', $1) RETURNING id",
            _square(116.39, 39.90),
        ),
        "G2": await db.fetchval(
            "INSERT INTO responsibility_grids (code, geom) VALUES ('110102001', $1) RETURNING id",
            _square(116.36, 39.91),
        ),
    }
    for user, grid, since in (("I1", "G1", L(1, 1, 0)), ("I2", "G1", L(3, 10, 0)), ("I3", "G2", L(1, 1, 0))):
        await db.execute(
            "INSERT INTO inspector_duties (user_id, responsibility_grid_id, starts_at) VALUES ($1, $2, $3)",
            users[user],
            grids[grid],
            since,
        )
    cases: dict[str, uuid.UUID] = {}
    number = 0
    for c in history():
        inspector = users[c.inspector] if c.inspector else None
        case_id = await db.fetchval(
            """INSERT INTO cases (category_code, source, location, description, state, district_code,
                                  responsibility_grid_id, department_code, inspector_id, needs_verification,
                                  registered_at, created_at, updated_at)
               VALUES ('E0102', $1, ST_SetSRID(ST_MakePoint(116.395, 39.905), 4326), $2, $3, $4, $5, $6, $7,
                       $8, $9, $10, $10)
               RETURNING id""",
            c.source,
            c.name,
            c.state,
            c.district,
            grids[c.grid],
            c.department,
            inspector,
            c.source == "citizen",
            c.registered,
            c.created,
        )
        cases[c.name] = case_id
        started = c.created
        for s in c.steps:
            await db.execute(
                """INSERT INTO case_deadlines (case_id, round, step, assignee_id, department_code, started_at,
                                               due_soon_at, due_at, completed_at, outcome, paused_at, extended)
                   VALUES ($1, 1, $2, $3, $4, $5, $6, $6, $7, $8, $9, $10)""",
                case_id,
                s.step,
                inspector if s.step in ("verify", "check") else None,
                s.department,
                started,
                s.due,
                s.done,
                s.outcome,
                s.paused,
                s.extended,
            )
            started = s.done or started
        for kind, at in c.events:
            await db.execute(
                "INSERT INTO case_events (case_id, kind, at) VALUES ($1, $2, $3)", case_id, kind, at
            )
        for reporter, at, joined in c.reports:
            number += 1
            await db.execute(
                """INSERT INTO reports (number, case_id, reporter_id, category_code, location, original_lat,
                                        original_lon, original_crs, joined_existing, created_at)
                   VALUES ($1, $2, $3, 'E0102', ST_SetSRID(ST_MakePoint(116.395, 39.905), 4326), 39.905,
                           116.395, 'wgs84', $4, $5)""",
                f"20260301{number:05d}",
                case_id,
                users[reporter],
                joined,
                at,
            )
    return users, grids, cases


@pytest.fixture
async def city(db: asyncpg.Connection, settings: Settings, demo_city: None) -> City:
    """The history above, and a token for each kind of caller (demo catalogue: categories, departments)."""
    async with db.transaction():
        users, grids, cases = await build(db)
    tokens = {}
    for name, phone, role, scope in (
        ("leader", "+8613800000101", "leader", None),
        ("leader_a", "+8613800000102", "leader", ("district", A)),
        ("shift_lead_a", "+8613800000103", "shift_lead", ("district", A)),
        ("dispatcher", "+8613800000104", "dispatcher", None),
        ("admin", "+8613800000105", "admin", None),
        ("citizen", "+8613800000106", "citizen", None),
        ("department_handler", "+8613800000107", "department_handler", ("department", S)),
        ("inspector", "+8613800000108", "inspector", ("district", A)),
    ):
        tokens[name] = await staff_token(db, settings, phone, role, scope)  # type: ignore[arg-type]
    return City(users, grids, cases, tokens)


async def get(
    client: AsyncTestClient[Any], token: str, group_by: str, **window: str
) -> dict[str, dict[str, Any]]:
    """The groups of a report, by key."""
    r = await client.get(
        "/v1/stats/indicators", params={**(window or MARCH), "group_by": group_by}, headers=bearer(token)
    )
    assert r.status_code == 200, r.text
    return {g["key"]: g for g in r.json()["groups"]}


def figures(group: dict[str, Any]) -> dict[str, tuple[int, int]]:
    """(numerator, denominator) of each indicator; and every ratio is the rounded quotient (null for 0/0)."""
    for value in group["indicators"].values():
        n, d = value["numerator"], value["denominator"]
        assert value["ratio"] == (round(n / d, 4) if d else None)
    return {name: (v["numerator"], v["denominator"]) for name, v in group["indicators"].items()}


# the figures, per grouping ------------------------------------------------------------------------------------


async def test_district_figures(client: AsyncTestClient[Any], city: City) -> None:
    groups = await get(client, city.tokens["leader"], "district")
    assert sorted(groups) == [A, B]
    assert figures(groups[A]) == {
        # inspectors' reports on A's cases (C7 voided leaves): C3/I1 yes, C3/I2 joined (a duplicate) no,
        # C4/I1 yes, C5/I2 yes, C12/I3 yes; citizens' reports do not count
        "effective_report_rate": (4, 5),
        # registered in March in G1, C6 deferred and C7 voided left out: C1 C2 C3 C4 C5 C12 C15 = 7;
        # missed: C1, C2 (citizens), C12 (I3 is not on duty in G1), C15 (hotline) = 4
        "missed_report_rate": (4, 7),
        # verify due in March: C1 on time, C2 late, C8 not_found on time, C9 open (due 1 Mar 00:30 local);
        # C6 leaves, C10 is due 1 Apr local → 2 / 4
        "verify_on_time_rate": (2, 4),
        # check: C1 twice on time, C2 first late (rework) then on time, C5 on time, C15 on time → 5 / 6
        "check_on_time_rate": (5, 6),
        # register: C1, C3, C4, C5, C12, C15 on time, C2 late; C14 ended by reject, C6 and C7 leave → 6 / 7
        "register_on_time_rate": (6, 7),
        # registered in March, deferred C6 left out, voided C7 kept: C1 C2 C3 C4 C5 C7 C12 C15 = 8; (8 − 1) / 8
        "register_accuracy_rate": (7, 8),
        # dispatch: C1, C3, C4 first, C5, C12, C15 on time; C2 and C4 second late → 6 / 8
        "dispatch_on_time_rate": (6, 8),
        # 8 dispatched, C4's first returned by S → (8 − 1) / 8
        "dispatch_accuracy_rate": (7, 8),
        # handle due in March: C1 ×2, C2 ×2, C3 (open, extended), C4 (M, handled 2 Apr: open at the cut-off),
        # C15; C5 was paused, C6 is deferred → 7 due, 5 done, 4 on time (C2's first late)
        "handle_rate": (5, 7),
        "handle_on_time_rate": (4, 7),
        "overdue_open_rate": (2, 7),  # C3, C4
        "extension_rate": (1, 7),  # C3
        # of the 5 fixes, C1's first (sent back at closing) and C2's first (failed check) → 2 / 5
        "rework_rate": (2, 5),
        # close due in March: C1's second on time, C2 late, C5 on time, C15 open; C1's first ended by rework
        "close_rate": (3, 4),
        "close_on_time_rate": (2, 4),
    }
    # 25 × 6/7 + 40 × 7/8 + 35 × 2/4 = 21.4286 + 35 + 17.5 = 73.93 → C
    assert groups[A]["score"] == 73.93
    assert groups[A]["grade"] == "C"
    assert groups[A]["score_weight"] == 100
    assert groups[A]["name"] == A
    # C13 alone: every step on time but the fix; no verification
    assert figures(groups[B]) == {
        "effective_report_rate": (1, 1),
        "missed_report_rate": (0, 1),
        "verify_on_time_rate": (0, 0),
        "check_on_time_rate": (1, 1),
        "register_on_time_rate": (1, 1),
        "register_accuracy_rate": (1, 1),
        "dispatch_on_time_rate": (1, 1),
        "dispatch_accuracy_rate": (1, 1),
        "handle_rate": (1, 1),
        "handle_on_time_rate": (0, 1),
        "overdue_open_rate": (0, 1),
        "extension_rate": (0, 1),
        "rework_rate": (0, 1),
        "close_rate": (1, 1),
        "close_on_time_rate": (1, 1),
    }
    assert groups[B]["indicators"]["verify_on_time_rate"]["ratio"] is None
    # 25 + 40 + 35 = 100 → A
    assert (groups[B]["score"], groups[B]["grade"]) == (100, "A")


async def test_department_figures(client: AsyncTestClient[Any], city: City) -> None:
    groups = await get(client, city.tokens["leader"], "department")
    assert sorted(groups) == [M, S]
    # S's handle steps due in March: C1 ×2, C2 ×2, C15 on time but C2's first; C3 open and extended; C13 late.
    # 7 due, 6 done, 4 on time, 1 open, 1 extended; 2 of the 6 fixes sent back (C1's first, C2's first)
    assert figures(groups[S]) == {
        "handle_rate": (6, 7),
        "handle_on_time_rate": (4, 7),
        "overdue_open_rate": (1, 7),
        "extension_rate": (1, 7),
        "rework_rate": (2, 6),
    }
    # 30 × 6/7 + 20 × 4/7 + 20 × (1 − 1/7) + 10 × (1 − 1/7) + 20 × (1 − 2/6)
    # = 25.7143 + 11.4286 + 17.1429 + 8.5714 + 13.3333 = 76.19 → B
    assert (groups[S]["score"], groups[S]["grade"]) == (76.19, "B")
    assert groups[S]["name"] == "环境卫生管理处"
    # M: C4's fix, due 31 Mar 15:00, done 2 Apr: open at the cut-off; no fix done, so no rework rate
    assert figures(groups[M]) == {
        "handle_rate": (0, 1),
        "handle_on_time_rate": (0, 1),
        "overdue_open_rate": (1, 1),
        "extension_rate": (0, 1),
        "rework_rate": (0, 0),
    }
    # rework leaves the score: (30 × 0 + 20 × 0 + 20 × (1 − 1) + 10 × (1 − 0)) / 80 × 100 = 12.5 → E
    assert (groups[M]["score"], groups[M]["grade"], groups[M]["score_weight"]) == (12.5, "E", 80)


async def test_inspector_figures(client: AsyncTestClient[Any], city: City) -> None:
    groups = await get(client, city.tokens["leader"], "inspector")
    i1, i2, i3 = (str(city.users[n]) for n in ("I1", "I2", "I3"))
    assert sorted(groups) == sorted([i1, i2, i3])
    assert figures(groups[i1]) == {
        "effective_report_rate": (2, 2),  # C3, C4 (C7 voided leaves)
        "missed_report_rate": (4, 7),  # G1 all month: C1, C2, C12, C15 of C1 C2 C3 C4 C5 C12 C15
        "verify_on_time_rate": (2, 4),  # C1, C8 of C1 C2 C8 C9
        "check_on_time_rate": (4, 5),  # C1 ×2, C2's second, C15 of those + C2's first
    }
    # 40 × 1 + 20 × (1 − 4/7) + 20 × 2/4 + 20 × 4/5 = 40 + 8.5714 + 10 + 16 = 74.57 → C
    assert (groups[i1]["score"], groups[i1]["grade"]) == (74.57, "C")
    assert groups[i1]["name"] == "巡查员I1"
    assert figures(groups[i2]) == {
        "effective_report_rate": (1, 2),  # C5; the duplicate on C3 is not effective
        "missed_report_rate": (2, 5),  # on duty from 10 Mar: C3 C4 C5 C12 C15, missed C12 and C15
        "verify_on_time_rate": (0, 0),
        "check_on_time_rate": (1, 1),  # C5
    }
    # (40 × 1/2 + 20 × (1 − 2/5) + 20 × 1) / 80 × 100 = (20 + 12 + 20) / 80 × 100 = 65 → C
    assert (groups[i2]["score"], groups[i2]["grade"], groups[i2]["score_weight"]) == (65, "C", 80)
    assert figures(groups[i3]) == {
        "effective_report_rate": (2, 2),  # C12 (in A) and C13
        "missed_report_rate": (0, 1),  # G2: C13, found by I3
        "verify_on_time_rate": (0, 0),
        "check_on_time_rate": (1, 1),  # C13
    }
    assert (groups[i3]["score"], groups[i3]["grade"]) == (100, "A")


async def test_grid_figures(client: AsyncTestClient[Any], city: City) -> None:
    groups = await get(client, city.tokens["leader"], "grid")
    g1, g2 = str(city.grids["G1"]), str(city.grids["G2"])
    assert sorted(groups) == sorted([g1, g2])
    assert figures(groups[g1]) == {
        "effective_report_rate": (4, 5),
        "missed_report_rate": (4, 7),
        "verify_on_time_rate": (2, 4),
        "check_on_time_rate": (5, 6),
    }
    # scored like its inspectors: 40 × 4/5 + 20 × 3/7 + 20 × 2/4 + 20 × 5/6 = 32 + 8.5714 + 10 + 16.6667
    assert (groups[g1]["score"], groups[g1]["grade"]) == (67.24, "C")
    assert groups[g1]["name"] == "110101001 东华门"
    assert figures(groups[g2]) == {
        "effective_report_rate": (1, 1),
        "missed_report_rate": (0, 1),
        "verify_on_time_rate": (0, 0),
        "check_on_time_rate": (1, 1),
    }
    assert (groups[g2]["score"], groups[g2]["grade"], groups[g2]["name"]) == (100, "A", "110102001")


# scope --------------------------------------------------------------------------------------------------------


async def test_a_district_scoped_leader_sees_only_that_district(
    client: AsyncTestClient[Any], city: City
) -> None:
    token = city.tokens["leader_a"]
    assert sorted(await get(client, token, "district")) == [A]
    assert sorted(await get(client, token, "grid")) == [str(city.grids["G1"])]

    departments = await get(client, token, "department")
    # S without C13 (district B): 6 due, 5 done, 4 on time, 1 open, 1 extended, 2 of 5 fixes sent back
    assert figures(departments[S]) == {
        "handle_rate": (5, 6),
        "handle_on_time_rate": (4, 6),
        "overdue_open_rate": (1, 6),
        "extension_rate": (1, 6),
        "rework_rate": (2, 5),
    }
    # 30 × 5/6 + 20 × 4/6 + 20 × 5/6 + 10 × 5/6 + 20 × 3/5 = 25 + 13.3333 + 16.6667 + 8.3333 + 12 = 75.33 → B
    assert (departments[S]["score"], departments[S]["grade"]) == (75.33, "B")

    inspectors = await get(client, token, "inspector")
    i3 = str(city.users["I3"])
    # I3 only through C12, his report in A; his grid G2 and his check on C13 are in B
    assert figures(inspectors[i3]) == {
        "effective_report_rate": (1, 1),
        "missed_report_rate": (0, 0),
        "verify_on_time_rate": (0, 0),
        "check_on_time_rate": (0, 0),
    }
    assert (inspectors[i3]["score"], inspectors[i3]["score_weight"]) == (100, 40)

    # a shift lead of A sees the same as the leader of A
    assert await get(client, city.tokens["shift_lead_a"], "district") == await get(client, token, "district")


# the window ---------------------------------------------------------------------------------------------------


async def test_the_window_is_local_days(client: AsyncTestClient[Any], city: City) -> None:
    i1 = str(city.users["I1"])
    # C10's verification is due 1 Apr 00:30 local (31 Mar 16:30 UTC): in 1 April, open → 0 / 1
    april_first = await get(
        client, city.tokens["leader"], "inspector", **{"from": "2026-04-01", "to": "2026-04-01"}
    )
    assert figures(april_first[i1])["verify_on_time_rate"] == (0, 1)
    # C9's is due 1 Mar 00:30 local (28 Feb 16:30 UTC): not in 28 February
    february_last = await get(
        client, city.tokens["leader"], "inspector", **{"from": "2026-02-28", "to": "2026-02-28"}
    )
    assert i1 not in february_last
    first = await get(
        client, city.tokens["leader"], "inspector", **{"from": "2026-03-01", "to": "2026-03-01"}
    )
    assert figures(first[i1])["verify_on_time_rate"] == (0, 1)


async def test_a_window_that_has_not_ended_is_read_now(db: asyncpg.Connection, city: City) -> None:
    now = L(3, 10, 0)
    report = await indicators.indicators(
        db, first="2026-03-01", last="2026-03-31", group_by="inspector", timezone="Asia/Shanghai",
        districts=None, now=now,
    )  # fmt: skip
    assert report.as_of == now
    assert report.window_start == datetime(2026, 2, 28, 16, tzinfo=UTC)
    assert report.window_end == datetime(2026, 3, 31, 16, tzinfo=UTC)
    by_key = {g.key: g for g in report.groups}
    i1 = by_key[str(city.users["I1"])].indicators
    # verify due before 10 Mar 00:00: C9 (open), C1 (on time), C2 (late) → 1 / 3
    assert (i1["verify_on_time_rate"].numerator, i1["verify_on_time_rate"].denominator) == (1, 3)
    # check due before then: C1 ×2, C2 ×2 (the first late) → 3 / 4
    assert (i1["check_on_time_rate"].numerator, i1["check_on_time_rate"].denominator) == (3, 4)
    # registered before then: C1, C2 (citizens: missed) → 2 / 2; no patrol report yet
    assert (i1["missed_report_rate"].numerator, i1["missed_report_rate"].denominator) == (2, 2)
    assert i1["effective_report_rate"].denominator == 0
    assert str(city.users["I2"]) not in by_key


# bad input and roles ------------------------------------------------------------------------------------------


async def _written(db: asyncpg.Connection) -> tuple[Any, ...]:
    return (
        await db.fetchval("SELECT count(*) FROM audit_log"),
        await db.fetch("SELECT kind, indicator, weight, updated_at FROM indicator_weights ORDER BY 1, 2"),
    )


@pytest.mark.parametrize(
    ("params", "code", "fields"),
    [
        (
            {"from": "2026-03-31", "to": "2026-03-01", "group_by": "district"},
            "invalid_period",
            ["from", "to"],
        ),
        (
            {"from": "2025-02-28", "to": "2026-03-01", "group_by": "district"},
            "invalid_period",
            ["from", "to"],
        ),
        ({"from": "2026-3-1", "to": "2026-03-31", "group_by": "district"}, "invalid_period", ["from"]),
        ({"from": "2026-03-01", "to": "2026-02-30", "group_by": "district"}, "invalid_period", ["to"]),
        ({"from": "2026-03-01", "to": "2026-03-31", "group_by": "street"}, "validation_failed", None),
        ({"from": "2026-03-01", "to": "2026-03-31"}, "validation_failed", None),
        ({"from": "2026-03-01", "group_by": "district"}, "validation_failed", None),
    ],
    ids=["to-before-from", "367-days", "not-iso", "no-such-day", "bad-group-by", "no-group-by", "no-to"],
)
async def test_bad_input_is_refused(
    client: AsyncTestClient[Any],
    db: asyncpg.Connection,
    city: City,
    params: dict[str, str],
    code: str,
    fields: list[str] | None,
) -> None:
    before = await _written(db)
    r = await client.get("/v1/stats/indicators", params=params, headers=bearer(city.tokens["leader"]))
    assert r.status_code == 422, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["code"] == code
    if fields is not None:
        assert [e["field"] for e in r.json()["errors"]] == fields
    assert await _written(db) == before


async def test_366_days_are_allowed(client: AsyncTestClient[Any], city: City) -> None:
    groups = await get(
        client, city.tokens["leader"], "district", **{"from": "2025-04-01", "to": "2026-04-01"}
    )
    assert sorted(groups) == [A, B]


@pytest.mark.parametrize("role", ["citizen", "department_handler", "inspector"])
async def test_only_readers_may_read(client: AsyncTestClient[Any], city: City, role: str) -> None:
    r = await client.get(
        "/v1/stats/indicators", params={**MARCH, "group_by": "district"}, headers=bearer(city.tokens[role])
    )
    assert r.status_code == 403
    assert r.json()["code"] == "forbidden"
    r = await client.get("/v1/stats/weights/district", headers=bearer(city.tokens[role]))
    assert r.status_code == 403


async def test_the_report_says_what_it_covers(client: AsyncTestClient[Any], city: City) -> None:
    r = await client.get(
        "/v1/stats/indicators",
        params={**MARCH, "group_by": "department"},
        headers=bearer(city.tokens["leader"]),
    )
    body = r.json()
    assert {k: body[k] for k in ("from", "to", "timezone", "group_by")} == {
        "from": "2026-03-01",
        "to": "2026-03-31",
        "timezone": "Asia/Shanghai",
        "group_by": "department",
    }
    # local days: [1 Mar 00:00 +08:00, 1 Apr 00:00 +08:00); a past window is read at its end
    assert body["window_start"].startswith("2026-02-28T16:00:00")
    assert body["window_end"].startswith("2026-03-31T16:00:00")
    assert body["as_of"] == body["window_end"]
    assert body["names"] == {
        "handle_rate": "处置率",
        "handle_on_time_rate": "按期处置率",
        "overdue_open_rate": "超期待处置率",
        "extension_rate": "延期率",
        "rework_rate": "返工率",
    }
    assert body["weights"]["handle_rate"] == 30


async def test_dispatchers_and_admins_read(client: AsyncTestClient[Any], city: City) -> None:
    assert sorted(await get(client, city.tokens["dispatcher"], "district")) == [A, B]
    assert sorted(await get(client, city.tokens["admin"], "district")) == [A, B]
    r = await client.get("/v1/stats/indicators", params={**MARCH, "group_by": "district"})
    assert r.status_code == 401


# weights ------------------------------------------------------------------------------------------------------


async def test_default_weights_are_the_published_ones(client: AsyncTestClient[Any], city: City) -> None:
    expected = {
        "department": {
            "handle_rate": 30,
            "handle_on_time_rate": 20,
            "overdue_open_rate": 20,
            "extension_rate": 10,
            "rework_rate": 20,
        },
        "inspector": {
            "effective_report_rate": 40,
            "missed_report_rate": 20,
            "verify_on_time_rate": 20,
            "check_on_time_rate": 20,
        },
        "district": {name: 0 for name in indicators.APPLIES["district"]}
        | {"register_on_time_rate": 25, "register_accuracy_rate": 40, "close_on_time_rate": 35},
    }
    expected["grid"] = expected["inspector"]
    for kind, weights in expected.items():
        r = await client.get(f"/v1/stats/weights/{kind}", headers=bearer(city.tokens["leader_a"]))
        assert r.status_code == 200, r.text
        assert r.json()["weights"] == weights


async def test_an_admin_changes_the_weights_and_the_score_follows(
    client: AsyncTestClient[Any], db: asyncpg.Connection, city: City
) -> None:
    admin = bearer(city.tokens["admin"])
    r = await client.put(
        "/v1/stats/weights/department",
        json={"weights": {"handle_rate": 50, "handle_on_time_rate": 50}},
        headers=admin,
    )
    assert r.status_code == 200, r.text
    assert r.json()["weights"] == {
        "handle_rate": 50,
        "handle_on_time_rate": 50,
        "overdue_open_rate": 0,
        "extension_rate": 0,
        "rework_rate": 0,
    }
    admin_id = await db.fetchval("SELECT id FROM users WHERE phone = '+8613800000105'")
    assert r.json()["updated_by"] == str(admin_id)
    audit = await db.fetchrow(
        "SELECT actor_id, target_type, target_id, details FROM audit_log WHERE action = 'indicator_weights.set'"
    )
    assert (audit["actor_id"], audit["target_type"], audit["target_id"]) == (
        admin_id,
        "indicator_weights",
        "department",
    )
    assert audit["details"]["before"]["handle_rate"] == 30
    assert audit["details"]["after"]["handle_rate"] == 50

    groups = await get(client, city.tokens["leader"], "department")
    # S: (6/7 + 4/7) / 2 × 100 = 71.43 → C (76.19 → B with the published weights)
    assert (groups[S]["score"], groups[S]["grade"]) == (71.43, "C")
    # M: 0 handled, 0 on time → 0 → E, resting on the whole 100
    assert (groups[M]["score"], groups[M]["grade"], groups[M]["score_weight"]) == (0, "E", 100)
    # the other kinds keep theirs
    district = await get(client, city.tokens["leader"], "district")
    assert district[A]["score"] == 73.93


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"weights": {"handle_rate": 50, "handle_on_time_rate": 40}}, 422, "invalid_weights"),  # 90
        ({"weights": {"handle_rate": 50, "close_rate": 50}}, 422, "invalid_weights"),  # not a department's
        ({"weights": {"handle_rate": 150, "handle_on_time_rate": -50}}, 422, "validation_failed"),
        ({"weights": {}}, 422, "validation_failed"),
        ({"weight": {"handle_rate": 100}}, 422, "validation_failed"),
    ],
    ids=["sum-90", "foreign-indicator", "out-of-range", "empty", "unknown-field"],
)
async def test_bad_weights_are_refused(
    client: AsyncTestClient[Any],
    db: asyncpg.Connection,
    city: City,
    body: dict[str, Any],
    status: int,
    code: str,
) -> None:
    before = await _written(db)
    r = await client.put("/v1/stats/weights/department", json=body, headers=bearer(city.tokens["admin"]))
    assert r.status_code == status, r.text
    assert r.json()["code"] == code
    assert await _written(db) == before


async def test_weights_of_an_unknown_kind_are_not_found(
    client: AsyncTestClient[Any], db: asyncpg.Connection, city: City
) -> None:
    before = await _written(db)
    r = await client.put(
        "/v1/stats/weights/street",
        json={"weights": {"handle_rate": 100}},
        headers=bearer(city.tokens["admin"]),
    )
    assert (r.status_code, r.json()["code"]) == (404, "unknown_weight_kind")
    r = await client.get("/v1/stats/weights/street", headers=bearer(city.tokens["admin"]))
    assert (r.status_code, r.json()["code"]) == (404, "unknown_weight_kind")
    assert await _written(db) == before


async def test_only_admins_change_weights(
    client: AsyncTestClient[Any], db: asyncpg.Connection, city: City
) -> None:
    before = await _written(db)
    for role in ("leader", "shift_lead_a", "dispatcher"):
        r = await client.put(
            "/v1/stats/weights/district",
            json={"weights": {"register_on_time_rate": 100}},
            headers=bearer(city.tokens[role]),
        )
        assert (r.status_code, r.json()["code"]) == (403, "forbidden")
    assert await _written(db) == before


# pure parts ---------------------------------------------------------------------------------------------------


def test_grades_and_scopes() -> None:
    assert [indicators.grade(p) for p in (100, 90, 89.99, 75, 74.99, 60, 59.99, 40, 39.99, 0, None)] == [
        "A", "A", "B", "B", "C", "C", "D", "D", "E", "E", None,
    ]  # fmt: skip
    me = uuid.uuid4()
    districts = access.indicator_districts
    both = caller(me, ("leader", "district", A), ("shift_lead", "district", B))
    assert districts(both) == frozenset({A, B})
    assert districts(caller(me, ("leader", "district", A), "admin")) is None
    assert districts(caller(me, "dispatcher")) is None
    # other roles' scopes give nothing; a reader scoped to a department sees no district
    assert districts(caller(me, "inspector", ("leader", "department", S))) == frozenset()
