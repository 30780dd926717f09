"""The demo city's cases (数字城管案卷): about sixty over the past five weeks in the demo district (110101), so the
command centre has queues and the leaders' dashboard has figures from the first start.

Every case goes through the use cases a phone and a desk would use, dated after the fact by their `now`:
`service.submit_report` files the demo citizen's reports (and a few patrol reports of the demo inspector), and
`engine.apply` moves each case round the loop (DOMAIN.md section 1) by the demo user who holds each role:

    verify (the inspector, with a photo) → register (the shift lead; the intake clerk rejects a report that needs
    no 核实 and is not a case) → dispatch (the dispatcher, to the department the routing suggested for the
    category) → accept and handle (that department's handler, with a photo) → check (the inspector, with a photo;
    a failed check is rework) → close (the shift lead) → rate (the citizen, on some).

Only sanitation has a handler among the demo users (13800138006), so the other departments the demo's cases go to
get one each here (DEPARTMENT_HANDLERS), as housing/demo.py gives the owners who report repairs a user.

Time: each case is scripted as its actions and how much of each step's limit they took (`!`: late, past the
limit), and how long ago its last action was: for a case still open, as a share of its open step's limit (over 1:
overdue; 0.85 to 0.95 of a long limit: due soon), else in working days. Its report is placed that much working
time before `now` (cases/workflow/deadlines.py's calendar), so the open ones are overdue, due soon or on time
when the seed runs, and the finished ones spread over the five weeks. `handled` is the one state no demo case
stays in: a fix goes to the inspector on duty for a check at once (the demo inspector is on duty everywhere).

Idempotent: each report carries a client_id of its own (`demo-case-NN`); a case whose report is there is skipped,
so running it again adds nothing.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Final, NamedTuple, cast
from uuid import UUID, uuid4

import asyncpg

from cases.catalogue import service as catalogue
from cases.common import Location
from cases.grids.demo import service_area_rings, touches
from cases.grids.routing import route
from cases.reports import service, store
from cases.reports.models import ReportCreate
from cases.reports.store import demo as demo_store
from cases.workflow import engine
from cases.workflow import service as casework
from cases.workflow.deadlines import WorkCalendar, load_calendar
from cases.workflow.engine import TransitionRequest
from cases.workflow.models import Rating
from cases.workflow.transitions import Action
from identity import service as identity
from identity.models import AuthConfig, Principal, RequestContext, RoleGrant

CLIENT_PREFIX: Final = "demo-case-"

#: (phone, display name, department): a handler for each department the demo's cases go to besides sanitation
DEPARTMENT_HANDLERS: Final[list[tuple[str, str, str]]] = [
    ("+8613800138101", "市政处置员 蒋一", "municipal"),
    ("+8613800138102", "供电处置员 沈二", "power"),
    ("+8613800138103", "交通处置员 韩三", "traffic"),
    ("+8613800138104", "执法队员 杨四", "urban_management"),
    ("+8613800138105", "园林处置员 朱五", "landscaping"),
]

#: the steps' limits in working hours as the migration sets them (step_limits; handle: the category's): used only
#: to pace the demo's actions, the deadlines themselves are the engine's
STEP_HOURS: Final[dict[str, float]] = {
    "verify": 1,
    "register": 0.5,
    "dispatch": 0.5,
    "accept": 1,
    "check": 1,
    "close": 2,
}

#: action -> the step open after it (None: finished or paused)
OPENS: Final[dict[str, str | None]] = {
    "verify": "register",
    "register": "dispatch",
    "dispatch": "accept",
    "accept": "handle",
    "request_extension": "handle",
    "approve_extension": "handle",
    "handle": "check",
    "check_pass": "close",
    "rework": "accept",
    "close": None,
    "rate": None,
    "reject": None,
    "not_found": None,
    "void": None,
    "defer": None,
    "park": None,
}

NOTES: Final[dict[str, str]] = {
    "reject": "已由自来水公司热线受理，不再重复立案。",
    "not_found": "现场核实未发现所报问题。",
    "rework": "现场核查：清理不彻底，请返工。",
    "defer": "需协调产权单位，暂缓办理。",
    "park": "涉及拆迁改造计划，挂账处理。",
    "void": "与已立案件重复，作废。",
    "request_extension": "需采购配件，申请延期一周。",
}

FULL: Final = "verify register dispatch accept handle check_pass close"
PATROL: Final = "dispatch accept handle check_pass close"
TO_ACCEPT: Final = "verify register dispatch accept"


class DemoCase(NamedTuple):
    category: str
    script: str  # actions, in order; "!" after one: it took longer than its step's limit
    tail: (
        float  # open: the share of the open step's limit used by now; finished or paused: working days since
    )
    patrol: bool = False  # an inspector's patrol report (registered at once), not the citizen's


CASES: Final[list[DemoCase]] = [
    # closed, over the five weeks, some rated, some late, one reworked
    DemoCase("E0102", FULL + " rate", 21),
    DemoCase("C0209", FULL, 20.5),
    DemoCase("E0104", "verify register dispatch accept handle! check_pass close rate", 20),
    DemoCase("C0117", FULL, 19),
    DemoCase("E0501", FULL + " rate", 18),
    DemoCase("E0201", PATROL, 17, patrol=True),
    DemoCase("C0402", "verify! register dispatch accept handle check_pass close", 16),
    DemoCase("E0103", FULL + " rate", 15),
    DemoCase("C0203", "verify register dispatch! accept handle check_pass close", 14),
    DemoCase(
        "C0302", "verify register dispatch accept handle rework accept handle check_pass close rate", 13
    ),
    DemoCase("E0502", FULL, 12),
    DemoCase("C0214", "dispatch accept handle! check_pass close", 11, patrol=True),
    DemoCase("E0105", FULL + " rate", 10),
    DemoCase("C0601", FULL, 9),
    DemoCase("E0102", "verify register dispatch accept handle! check_pass close", 8),
    DemoCase("C0306", FULL, 7.5),
    DemoCase("E0505", FULL + " rate", 7),
    DemoCase("E0104", PATROL, 6, patrol=True),
    DemoCase("C0301", FULL + " rate", 5),
    DemoCase("C0201", "verify register dispatch accept handle check_pass close!", 4),
    DemoCase("E0302", FULL + " rate", 3),
    DemoCase("C0404", FULL, 2),
    DemoCase("E0201", FULL + " rate", 1),
    DemoCase("E0506", FULL, 0.5),
    # rejected, voided, deferred, parked
    DemoCase("E0402", "reject", 9),
    DemoCase("E0501", "not_found", 4),
    DemoCase("E0102", "verify reject", 12),
    DemoCase("C0203", "verify register void", 6.5),
    DemoCase("C0209", "verify register dispatch accept defer", 3),
    DemoCase("C0306", "verify register park", 10),
    # open: waiting for registration (no 核实 needed), verification, registration, dispatch
    DemoCase("E0402", "", 2.5),
    DemoCase("E0403", "", 0.4),
    DemoCase("E0402", "", 6),
    DemoCase("E0102", "", 3),
    DemoCase("C0302", "", 0.5),
    DemoCase("E0501", "", 8),
    DemoCase("E0104", "verify", 4),
    DemoCase("C0117", "verify", 0.6),
    DemoCase("E0103", "verify register", 5),
    DemoCase("C0214", "verify register", 1.5),
    DemoCase("E0505", "", 2, patrol=True),
    DemoCase("C0402", "verify register", 0.4),
    DemoCase("E0501", "", 0.2, patrol=True),
    DemoCase("C0301", "verify register", 0.7),
    # dispatched, waiting for the department to sign for it
    DemoCase("E0102", "verify register dispatch", 3),
    DemoCase("C0201", "verify register dispatch", 0.5),
    DemoCase("E0201", "verify register dispatch", 6),
    DemoCase("C0601", "verify register dispatch", 1.2),
    DemoCase("C0302", "dispatch", 2, patrol=True),
    # being fixed: due soon, overdue, on time; an extension asked for, one granted
    DemoCase("E0103", TO_ACCEPT, 0.88),
    DemoCase("C0209", TO_ACCEPT, 0.9),
    DemoCase("C0402", TO_ACCEPT, 0.86),
    DemoCase("C0214", TO_ACCEPT, 1.4),
    DemoCase("E0104", TO_ACCEPT, 2.5),
    DemoCase("C0306", TO_ACCEPT, 0.3),
    DemoCase("E0502", TO_ACCEPT, 1.8),
    DemoCase("C0203", TO_ACCEPT, 0.5),
    DemoCase("C0201", TO_ACCEPT + " request_extension", 0.6),
    DemoCase("C0404", TO_ACCEPT + " request_extension approve_extension", 0.7),
    # fixed, waiting for the check on site, then for closure
    DemoCase("E0102", TO_ACCEPT + " handle", 2),
    DemoCase("C0301", TO_ACCEPT + " handle", 0.4),
    DemoCase("E0302", "dispatch accept handle", 0.7, patrol=True),
    DemoCase("C0302", TO_ACCEPT + " handle check_pass", 1.5),
    DemoCase("E0105", TO_ACCEPT + " handle check_pass", 0.3),
]

#: the state each case above ends in, counted: what tests/cases/test_demo_cases.py checks
EXPECTED_STATES: Final[dict[str, int]] = {
    "closed": 24,
    "rejected": 3,
    "voided": 1,
    "deferred": 1,
    "parked": 1,
    "reported": 3,
    "verifying": 3,
    "verified": 2,
    "registered": 6,
    "dispatched": 5,
    "accepted": 9,
    "extension_requested": 1,
    "checking": 3,
    "checked": 2,
}

DESCRIPTIONS: Final[dict[str, str]] = {
    "E0102": "路边有一堆生活垃圾没人清理，味道很大。",
    "E0103": "胡同口堆了很多建筑渣土，占了半条路。",
    "E0104": "路面有大片油污和泥土，行人容易滑倒。",
    "E0105": "护城河边漂着塑料袋和泡沫。",
    "E0201": "电线杆和墙上贴满了小广告。",
    "E0302": "渣土车经过后路面遗撒了一路沙土。",
    "E0402": "路边井口往外冒水，水流到了马路上。",
    "E0403": "人行道上的井盖不见了，很危险。",
    "E0501": "地铁口有流动摊贩占道卖水果。",
    "E0502": "饭馆把桌椅摆到了人行道上。",
    "E0505": "共享单车堆在盲道上，过不去。",
    "E0506": "晚上有人在路边露天烧烤，烟很大。",
    "C0117": "这一段路灯晚上不亮，已经好几天了。",
    "C0201": "公交站亭的玻璃碎了。",
    "C0203": "路口的交通标志牌被撞歪了。",
    "C0209": "道路护栏断了一截，倒在非机动车道上。",
    "C0214": "人行道板松动翘起，有人绊倒。",
    "C0301": "公共厕所的水龙头坏了，一直漏水。",
    "C0302": "垃圾箱满了溢出来，周围都是垃圾。",
    "C0306": "楼顶的广告牌松动，刮风时晃得厉害。",
    "C0402": "行道树的一根大树枝快断了，挂在人行道上方。",
    "C0404": "绿地护栏倒了几段。",
    "C0601": "小区外健身器材的转盘坏了。",
}

STREETS: Final = [
    "东直门内大街",
    "南锣鼓巷",
    "王府井大街",
    "东四北大街",
    "雍和宫大街",
    "北新桥三条",
    "交道口南大街",
    "朝阳门内大街",
    "建国门内大街",
    "崇文门外大街",
    "东单北大街",
    "灯市口大街",
    "美术馆后街",
    "张自忠路",
    "安定门内大街",
    "地安门东大街",
    "五四大街",
    "东华门大街",
    "南池子大街",
    "前门东大街",
]


def client_id(n: int) -> str:
    return f"{CLIENT_PREFIX}{n + 1:02d}"


def _actions(script: str) -> list[tuple[str, bool]]:
    return [(word.rstrip("!"), word.endswith("!")) for word in script.split()]


def _places(count: int) -> list[tuple[float, float]]:
    """(lat, lon) points inside the demo service area, the same every time."""
    rings = service_area_rings()
    lons = [p[0] for ring in rings for p in ring]
    lats = [p[1] for ring in rings for p in ring]
    rng = random.Random(110101)
    places: list[tuple[float, float]] = []
    while len(places) < count:
        lon = round(rng.uniform(min(lons) + 0.003, max(lons) - 0.003), 6)
        lat = round(rng.uniform(min(lats) + 0.003, max(lats) - 0.003), 6)
        if touches(lon, lat, lon, lat, rings):
            places.append((lat, lon))
    return places


def back(calendar: WorkCalendar, end: datetime, working: timedelta) -> datetime:
    """The latest moment from which `working` time of the calendar has elapsed by `end` (to the second)."""
    low, high = end - timedelta(days=120), end
    while high - low > timedelta(seconds=1):
        middle = low + (high - low) / 2
        if calendar.between(middle, end) >= working:
            low = middle
        else:
            high = middle
    return low.replace(microsecond=0)


def _principal(user_id: UUID, roles: list[RoleGrant]) -> Principal:
    return Principal(user_id=user_id, session_id=uuid4(), roles=tuple(roles), locale="zh-CN")


async def seed_demo_cases(
    conn: asyncpg.Connection,
    config: AuthConfig,
    users: Mapping[str, UUID],
    *,
    now: datetime | None = None,
) -> int:
    """File and move the demo cases (CASES) by the demo users (`users`: role -> the demo user holding it; the
    citizen, inspector, intake_clerk, shift_lead, dispatcher and department_handler are needed). Returns how many
    cases it added (none when they are there already)."""
    now = (now or datetime.now(UTC)).replace(microsecond=0)
    citizen_id = users["citizen"]
    inspector_id = users["inspector"]
    places = _places(len(CASES))
    todo = [
        n
        for n, case in enumerate(CASES)
        if await store.get_report_by_client_id(
            conn, inspector_id if case.patrol else citizen_id, client_id(n)
        )
        is None
    ]
    if not todo:
        return 0
    ctx = RequestContext(actor_label="cityloop db seed-demo")
    handlers = {"sanitation": users["department_handler"]}
    for phone, name, code in DEPARTMENT_HANDLERS:
        grant = RoleGrant(role="department_handler", scope_kind="department", scope_id=code)
        handlers[code] = (await identity.create_user(conn, config, phone, [grant], ctx, display_name=name)).id
    actors: dict[str, Principal] = {}
    for who, user_id in [*users.items(), *((f"handler:{d}", u) for d, u in handlers.items())]:
        actors[who] = _principal(user_id, (await identity.get_user(conn, user_id)).roles)
    photos: dict[UUID, UUID] = {}

    async def photo(owner_id: UUID) -> UUID:
        if owner_id not in photos:
            photos[owner_id] = await demo_store.insert_demo_photo(conn, owner_id)
        return photos[owner_id]

    calendar = await load_calendar(conn)
    config_cases = service.CasesConfig()
    rng = random.Random(20261201)
    for n in todo:
        case = CASES[n]
        category = await catalogue.active_category(conn, case.category)
        handle_hours = float(category.limit_normal_hours)
        hours = {**STEP_HOURS, "handle": handle_hours}
        # the working time each action took, from the previous one
        open_step: str | None = (
            "dispatch" if case.patrol else ("verify" if category.needs_verification else "register")
        )
        took: list[float] = []
        for action, late in _actions(case.script):
            if action in {"defer", "park", "void", "approve_extension"}:
                took.append(0.3)
            elif action == "rate":
                took.append(2.0)
            else:
                assert open_step is not None, (n, action)
                share = rng.uniform(1.3, 2.5) if late else rng.uniform(0.15, 0.7)
                took.append(hours[open_step] * share)
            open_step = OPENS[action]
        tail = case.tail * hours[open_step] if open_step is not None else case.tail * 7
        at = back(calendar, now, timedelta(hours=sum(took) + tail))

        lat, lon = places[n]
        reporter = actors["inspector"] if case.patrol else actors["citizen"]
        photo_ids = (
            [await demo_store.insert_demo_photo(conn, reporter.user_id)] if category.min_photos else []
        )
        street = STREETS[n % len(STREETS)]
        created, _ = await service.submit_report(
            conn,
            config_cases,
            calendar,
            reporter,
            ReportCreate(
                category=case.category,
                location=Location(lat=lat, lon=lon),
                description=DESCRIPTIONS.get(case.category, ""),
                address=f"北京市东城区{street}{(n * 7) % 90 + 1}号附近",
                photo_ids=photo_ids,
                client_id=client_id(n),
            ),
            patrol=case.patrol,
            now=at,
        )
        # the department the routing suggests for the category here (DEMO_LINKS included): the dispatcher's choice
        suggested = (await route(conn, lat, lon, case.category, at)).department_code
        state: str = created.status
        department: str | None = None
        for (action, _), hours_taken in zip(_actions(case.script), took, strict=True):
            at = calendar.add(at, timedelta(hours=hours_taken))
            at = min(at, now)
            if action == "rate":
                await casework.rate(
                    conn,
                    calendar,
                    created.case_id,
                    citizen_id,
                    Rating(fixed=True, score=5 if n % 3 else 4, comment="处理得很及时，谢谢！"),
                )
                continue
            actor = _actor(actors, action, state, department)
            request = TransitionRequest(
                action=cast(Action, action),
                note=NOTES.get(action, ""),
                photo_ids=[await photo(actor.user_id)]
                if action in {"verify", "not_found", "handle", "check_pass", "rework"}
                else [],
                department=suggested if action == "dispatch" else None,
                new_deadline=at + timedelta(days=7) if action == "request_extension" else None,
            )
            updated = await engine.apply(conn, calendar, actor, created.case_id, None, request, now=at, at=at)
            state, department = updated["state"], updated["department_code"]
    return len(todo)


def _actor(actors: Mapping[str, Principal], action: str, state: str, department: str | None) -> Principal:
    if action in {"verify", "not_found", "check_pass", "rework"}:
        who = "inspector"
    elif action in {"accept", "handle", "request_extension"}:
        who = f"handler:{department}"
    elif action in {"dispatch", "approve_extension"}:
        who = "dispatcher"
    elif action == "reject" and state == "reported":
        who = "intake_clerk"
    else:
        who = "shift_lead"
    return actors[who]


async def demo_cases_present(conn: asyncpg.Connection, citizen_id: UUID) -> bool:
    """Whether the demo's cases are in the database (the citizen's first demo report is)."""
    return await store.get_report_by_client_id(conn, citizen_id, client_id(0)) is not None
