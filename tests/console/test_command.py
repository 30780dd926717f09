"""The command centre through the app in process: the role queues (by deadline, overdue and due soon marked,
paged), a case with exactly the user's actions, a transition and its refusals (stale version, wrong fields, no
CSRF, no right), bulk dispatch, the map's data, the live feed's sources, and scope on every page and partial.
Phones +8613910000xxx (the command area's)."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import asyncpg
import pytest
from litestar.testing import AsyncTestClient

from api.settings import Settings
from cases.catalogue.service import DATA_DIR, DEMO_CATALOGUE, load_catalogue, parse_catalogue
from cases.grids.demo import seed_demo_grids
from cases.reports import store as cases_store
from cases.workflow import desks
from cases.workflow.transitions import STATES, TRANSITIONS, Step
from console.pages import command
from console.texts import TEXTS
from identity.models import Role
from notifications import live
from tests.cases.workflow_fixtures import DISTRICT, caller, make_case
from tests.console.helpers import make_user, signed_in

Client = AsyncTestClient[Any]
OTHER_DISTRICT = "110102"
PAGES = [
    "/console/command",
    "/console/command/map",
    "/console/command/map/cases.json",
    "/console/command/map/grids.json",
]


async def _city(db: asyncpg.Connection) -> None:
    async with db.transaction():
        await load_catalogue(db, parse_catalogue(DEMO_CATALOGUE.read_bytes()))
        area = json.loads((DATA_DIR / "demo_service_area.geojson").read_text(encoding="utf-8"))
        await cases_store.insert_service_area(db, area["properties"]["name"], json.dumps(area["geometry"]))
        await seed_demo_grids(db, None)


async def _staff(
    console: Client,
    db: asyncpg.Connection,
    settings: Settings,
    phone: str,
    role: Role,
    scope: tuple[Any, str] | None,
) -> str:
    await make_user(db, settings, phone, role, scope=scope)
    return await signed_in(console, db, phone)


async def _due_in(db: asyncpg.Connection, case_id: UUID, due: timedelta, soon: timedelta) -> None:
    now = datetime.now(UTC)
    await db.execute(
        "UPDATE case_deadlines SET due_at = $2, due_soon_at = $3 WHERE case_id = $1 AND completed_at IS NULL",
        case_id,
        now + due,
        now + soon,
    )


async def _registered(db: asyncpg.Connection, n: int = 1) -> list[UUID]:
    return [
        await make_case(db, "registered", inspector_id=None, department=None, step="dispatch")
        for _ in range(n)
    ]


async def _version(db: asyncpg.Connection, case_id: UUID) -> tuple[str, int]:
    row = await db.fetchrow("SELECT state, version FROM cases WHERE id = $1", case_id)
    return row["state"], row["version"]


async def _events(db: asyncpg.Connection) -> int:
    count: int = await db.fetchval("SELECT count(*) FROM case_events")
    return count


def _row_ids(html: str) -> list[str]:
    return re.findall(r'<tr class="due-[a-z_]+" data-case="([0-9a-f-]+)"', html)


# --- the queues -------------------------------------------------------------------------------------------------


async def test_the_dispatch_queue_is_by_deadline_with_overdue_and_due_soon_marked(
    console: Client, db: asyncpg.Connection, settings: Settings
) -> None:
    await _city(db)
    later, overdue, soon = await _registered(db, 3)
    await _due_in(db, later, timedelta(hours=30), timedelta(hours=20))
    await _due_in(db, overdue, timedelta(hours=-2), timedelta(hours=-4))
    await _due_in(db, soon, timedelta(hours=1), timedelta(hours=-1))
    await _staff(console, db, settings, "+8613910000001", "dispatcher", ("district", DISTRICT))
    r = await console.get("/console/command")
    assert r.status_code == 200, r.text
    # a dispatcher's desks: dispatch first, then extension requests; nothing of the others
    assert re.findall(r'data-queue="([a-z]+)"', r.text.split('id="queue"')[0]) == ["dispatch", "extensions"]
    assert _row_ids(r.text) == [str(overdue), str(soon), str(later)]
    assert f'<tr class="due-overdue" data-case="{overdue}"' in r.text
    assert f'<tr class="due-due_soon" data-case="{soon}"' in r.text
    assert f'<tr class="due-on_time" data-case="{later}"' in r.text
    assert "超时" in r.text and "即将超时" in r.text
    # bulk dispatch: a checkbox per case carrying its version
    assert f'value="{overdue}:1"' in r.text and 'id="bulk-form"' in r.text
    # the fragment the live feed refreshes
    r = await console.get("/console/command/queue?queue=dispatch", headers={"HX-Request": "true"})
    assert r.status_code == 200 and r.text.lstrip().startswith('<section id="queue"')
    assert _row_ids(r.text) == [str(overdue), str(soon), str(later)]


async def test_a_queue_pages_by_cursor_without_skipping_or_repeating(
    console: Client, db: asyncpg.Connection, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    await _city(db)
    cases = await _registered(db, 5)
    for i, case_id in enumerate(cases):
        await _due_in(db, case_id, timedelta(hours=10 - i), timedelta(hours=5 - i))
    # one without an open step comes last
    await db.execute("UPDATE case_deadlines SET completed_at = now() WHERE case_id = $1", cases[0])
    monkeypatch.setattr(command.queues, "PAGE_SIZE", 2)
    await _staff(console, db, settings, "+8613910000002", "dispatcher", ("district", DISTRICT))
    seen: list[str] = []
    r = await console.get("/console/command?queue=dispatch")
    seen += _row_ids(r.text)
    pages = 1
    while (more := re.search(r"queue=dispatch&amp;cursor=([^\"]+)\"", r.text)) is not None:
        r = await console.get(f"/console/command/queue?queue=dispatch&cursor={more.group(1)}")
        assert r.status_code == 200
        seen += _row_ids(r.text)
        pages += 1
    assert pages == 3  # 2 + 2 + 1: the page size patched above is the one the queue reads
    assert seen == [str(c) for c in [*reversed(cases[1:]), cases[0]]]
    r = await console.get("/console/command/queue?queue=dispatch&cursor=bm9wZQ")
    # a cursor the console did not give out: invalid_cursor, localized
    assert r.status_code == 422 and 'role="alert"' in r.text


async def test_each_role_sees_its_own_queues(
    console: Client, db: asyncpg.Connection, settings: Settings
) -> None:
    await _city(db)
    await _staff(console, db, settings, "+8613910000003", "department_handler", ("department", "sanitation"))
    r = await console.get("/console/command")
    assert re.findall(r'data-queue="([a-z]+)"', r.text.split('id="queue"')[0]) == ["department"]
    assert 'id="bulk-form"' not in r.text
    r = await console.get("/console/command?queue=dispatch")
    assert r.status_code == 403 and "无权" in r.text
    r = await console.get("/console/command/queue?queue=nope", headers={"HX-Request": "true"})
    assert r.status_code == 403 and 'role="alert"' in r.text


# --- one case ---------------------------------------------------------------------------------------------------


async def test_the_case_page_shows_exactly_the_users_actions_with_their_fields(
    console: Client, db: asyncpg.Connection, settings: Settings
) -> None:
    await _city(db)
    (case_id,) = await _registered(db)
    await _staff(console, db, settings, "+8613910000004", "dispatcher", ("district", DISTRICT))
    r = await console.get(f"/console/command/cases/{case_id}")
    assert r.status_code == 200, r.text
    assert re.findall(r'<details class="cmd-action" data-action="([a-z_]+)"', r.text) == ["dispatch"]
    assert '<select name="department" required>' in r.text
    assert '<input type="hidden" name="version" value="1">' in r.text
    assert 'id="case-map"' in r.text and 'id="case-map-data"' in r.text
    assert "办理过程" in r.text


async def test_a_shift_lead_gets_the_shift_leads_buttons(
    console: Client, db: asyncpg.Connection, settings: Settings
) -> None:
    await _city(db)
    (case_id,) = await _registered(db)
    await _staff(console, db, settings, "+8613910000005", "shift_lead", ("district", DISTRICT))
    r = await console.get(f"/console/command/cases/{case_id}")
    assert re.findall(r'data-action="([a-z_]+)"', r.text) == ["defer", "park", "void"]
    # each asks for the note its row requires
    assert r.text.count('<textarea name="note" maxlength="1000" rows="2" required>') == 3


async def test_dispatching_from_the_case_page(
    console: Client, db: asyncpg.Connection, settings: Settings
) -> None:
    await _city(db)
    (case_id,) = await _registered(db)
    csrf = await _staff(console, db, settings, "+8613910000006", "dispatcher", ("district", DISTRICT))
    form = {"csrf": csrf, "action": "dispatch", "version": "1", "department": "sanitation", "note": ""}
    r = await console.post(
        f"/console/command/cases/{case_id}/actions", data=form, headers={"HX-Request": "true"}
    )
    assert r.status_code == 200 and r.headers["HX-Redirect"] == f"/console/command/cases/{case_id}"
    assert await _version(db, case_id) == ("dispatched", 2)
    assert await db.fetchval("SELECT department_code FROM cases WHERE id = $1", case_id) == "sanitation"
    r = await console.get(f"/console/command/cases/{case_id}")
    assert "已派遣" in r.text and re.findall(r'data-action="([a-z_]+)"', r.text) == ["reassign"]


@pytest.mark.parametrize(
    ("form", "status", "message"),
    [
        ({"action": "dispatch", "version": "1"}, 422, "缺少该操作必需的内容"),  # the engine's missing_fields
        ({"action": "dispatch", "version": "1", "department": "nowhere"}, 422, "处置部门不存在"),
        ({"action": "fly", "version": "1", "department": "sanitation"}, 422, "没有这个操作"),
        ({"action": "dispatch", "version": "x", "department": "sanitation"}, 422, "版本无效"),
        ({"action": "dispatch", "department": "sanitation"}, 422, "版本无效"),
        ({"action": "dispatch", "version": "1", "department": "BAD DEPT"}, 422, "请选择专业部门"),
        ({"action": "dispatch", "version": "1", "department": "sanitation", "note": "x" * 1001}, 422, "1000"),
        ({"action": "dispatch", "version": "1", "department": "sanitation", "urgent": "maybe"}, 422, "表单"),
        ({"action": "close", "version": "1"}, 409, ""),  # not from `registered`: transition_not_allowed
        ({"action": "defer", "version": "1", "note": "x"}, 403, ""),  # a shift lead's: action_forbidden
    ],
)
async def test_bad_action_forms_write_nothing(
    console: Client,
    db: asyncpg.Connection,
    settings: Settings,
    form: dict[str, str],
    status: int,
    message: str,
) -> None:
    await _city(db)
    (case_id,) = await _registered(db)
    csrf = await _staff(console, db, settings, "+8613910000007", "dispatcher", ("district", DISTRICT))
    before = await _events(db)
    r = await console.post(
        f"/console/command/cases/{case_id}/actions",
        data={"csrf": csrf, **form},
        headers={"HX-Request": "true"},
    )
    assert r.status_code == status, r.text
    assert 'role="alert"' in r.text and message in r.text
    assert await _version(db, case_id) == ("registered", 1)
    assert await _events(db) == before


async def test_a_stale_version_is_a_409_with_the_current_state(
    console: Client, db: asyncpg.Connection, settings: Settings
) -> None:
    await _city(db)
    (case_id,) = await _registered(db)
    await db.execute("UPDATE cases SET version = 3 WHERE id = $1", case_id)
    csrf = await _staff(console, db, settings, "+8613910000008", "dispatcher", ("district", DISTRICT))
    form = {"csrf": csrf, "action": "dispatch", "version": "1", "department": "sanitation"}
    before = await _events(db)
    r = await console.post(
        f"/console/command/cases/{case_id}/actions", data=form, headers={"HX-Request": "true"}
    )
    assert r.status_code == 409
    assert "已立案" in r.text and "版本 3" in r.text and f'href="/console/command/cases/{case_id}"' in r.text
    assert await _version(db, case_id) == ("registered", 3) and await _events(db) == before


async def test_an_action_on_a_case_that_moved_on_is_a_409_too(
    console: Client, db: asyncpg.Connection, settings: Settings
) -> None:
    """Another dispatcher dispatched it first: the engine finds no `dispatch` from `dispatched`
    (transition_not_allowed) before it compares versions; the page was stale all the same."""
    await _city(db)
    (case_id,) = await _registered(db)
    await db.execute("UPDATE cases SET state = 'dispatched', version = 2 WHERE id = $1", case_id)
    csrf = await _staff(console, db, settings, "+8613910000016", "dispatcher", ("district", DISTRICT))
    form = {"csrf": csrf, "action": "dispatch", "version": "1", "department": "sanitation"}
    r = await console.post(
        f"/console/command/cases/{case_id}/actions", data=form, headers={"HX-Request": "true"}
    )
    assert r.status_code == 409 and "已派遣" in r.text and "版本 2" in r.text
    assert await _version(db, case_id) == ("dispatched", 2)


async def test_writes_without_csrf_are_refused(
    console: Client, db: asyncpg.Connection, settings: Settings
) -> None:
    await _city(db)
    (case_id,) = await _registered(db)
    await _staff(console, db, settings, "+8613910000009", "dispatcher", ("district", DISTRICT))
    form = {"action": "dispatch", "version": "1", "department": "sanitation"}
    r = await console.post(f"/console/command/cases/{case_id}/actions", data=form)
    assert r.status_code == 403
    r = await console.post(
        "/console/command/dispatch", data={"case": f"{case_id}:1", "department": "sanitation"}
    )
    assert r.status_code == 403
    assert await _version(db, case_id) == ("registered", 1)


# --- bulk dispatch ----------------------------------------------------------------------------------------------


async def test_bulk_dispatch_answers_each_case(
    console: Client, db: asyncpg.Connection, settings: Settings
) -> None:
    await _city(db)
    ok, stale, elsewhere = await _registered(db, 3)
    await db.execute("UPDATE cases SET version = 2 WHERE id = $1", stale)
    await db.execute("UPDATE cases SET district_code = $2 WHERE id = $1", elsewhere, OTHER_DISTRICT)
    csrf = await _staff(console, db, settings, "+8613910000010", "dispatcher", ("district", DISTRICT))
    form = {"csrf": csrf, "department": "sanitation", "case": [f"{c}:1" for c in (ok, stale, elsewhere)]}
    r = await console.post("/console/command/dispatch", data=form, headers={"HX-Request": "true"})
    assert r.status_code == 200, r.text
    outcomes = dict(re.findall(r'data-case="([0-9a-f-]+)" data-outcome="([a-z]+)"', r.text))
    assert outcomes == {str(ok): "ok", str(stale): "conflict", str(elsewhere): "refused"}
    assert await _version(db, ok) == ("dispatched", 2)
    assert await _version(db, stale) == ("registered", 2)
    assert await _version(db, elsewhere) == ("registered", 1)


@pytest.mark.parametrize(
    "form",
    [
        [("department", "sanitation")],
        [("department", ""), ("case", "{case}:1")],
        [("department", "sanitation"), ("case", "{case}")],
        [("department", "sanitation"), ("case", "{case}:x")],
        [("department", "sanitation"), ("case", "not-a-uuid:1")],
    ],
)
async def test_bad_bulk_forms_write_nothing(
    console: Client, db: asyncpg.Connection, settings: Settings, form: list[tuple[str, str]]
) -> None:
    await _city(db)
    (case_id,) = await _registered(db)
    csrf = await _staff(console, db, settings, "+8613910000011", "dispatcher", ("district", DISTRICT))
    data: dict[str, Any] = {"csrf": csrf}
    for k, v in form:
        data[k] = v.format(case=case_id)
    r = await console.post("/console/command/dispatch", data=data, headers={"HX-Request": "true"})
    assert r.status_code == 422 and 'role="alert"' in r.text
    assert await _version(db, case_id) == ("registered", 1)


async def test_bulk_dispatch_needs_a_dispatcher(
    console: Client, db: asyncpg.Connection, settings: Settings
) -> None:
    await _city(db)
    (case_id,) = await _registered(db)
    csrf = await _staff(console, db, settings, "+8613910000012", "intake_clerk", ("district", DISTRICT))
    data = {"csrf": csrf, "department": "sanitation", "case": f"{case_id}:1"}
    r = await console.post("/console/command/dispatch", data=data)
    assert r.status_code == 403
    assert await _version(db, case_id) == ("registered", 1)


# --- the map ----------------------------------------------------------------------------------------------------


async def test_the_map_data_is_the_users_open_cases_filtered(
    console: Client, db: asyncpg.Connection, settings: Settings
) -> None:
    await _city(db)
    registered = (await _registered(db))[0]
    dispatched = await make_case(db, "dispatched", inspector_id=None, department="sanitation", step="accept")
    await make_case(db, "closed", inspector_id=None)
    elsewhere = (await _registered(db))[0]
    await db.execute("UPDATE cases SET district_code = $2 WHERE id = $1", elsewhere, OTHER_DISTRICT)
    await _staff(console, db, settings, "+8613910000013", "dispatcher", ("district", DISTRICT))

    async def ids(query: str = "") -> set[str]:
        r = await console.get("/console/command/map/cases.json" + query)
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["clustered"] is False
        return {f["properties"]["case_id"] for f in body["features"]}

    assert await ids() == {str(registered), str(dispatched)}
    assert await ids("?state=dispatched") == {str(dispatched)}
    assert await ids("?department=sanitation") == {str(dispatched)}
    assert await ids("?category=E0102&state=registered") == {str(registered)}
    assert await ids("?category=C0117") == set()
    for bad in ("?state=flying", "?category=drop%20table", "?department=A%20B"):
        r = await console.get("/console/command/map/cases.json" + bad)
        assert r.status_code == 422 and r.json()["error"] == "筛选条件无效。", bad
    grids = (await console.get("/console/command/map/grids.json")).json()
    assert grids["type"] == "FeatureCollection" and grids["features"] and not grids["truncated"]
    assert grids["features"][0]["geometry"]["type"] == "MultiPolygon"
    r = await console.get("/console/command/map")
    assert r.status_code == 200 and 'id="cases-map-data"' in r.text and "leaflet.markercluster.js" in r.text


async def test_the_map_clusters_past_its_cap(db: asyncpg.Connection) -> None:
    await _city(db)
    for _ in range(4):
        await _registered(db)
    user = caller(uuid4(), "admin")
    async with db.transaction():
        found = await desks.open_cases_map(db, user, cap=3)
    assert found["clustered"] is True and found["total"] == 4
    assert all(f["properties"]["cluster"] for f in found["features"])


# --- the live feed ----------------------------------------------------------------------------------------------


async def test_the_live_feeds_scope_poll_sees_only_the_users_cases(db: asyncpg.Connection) -> None:
    await _city(db)
    mine, other = await _registered(db, 2)
    await db.execute("UPDATE cases SET district_code = $2 WHERE id = $1", other, OTHER_DISTRICT)
    dispatcher = caller(uuid4(), ("dispatcher", "district", DISTRICT))
    head = await desks.case_events_head(db)
    for case_id in (mine, other):
        await db.execute(
            """INSERT INTO case_events (case_id, kind, public, from_state, to_state)
               VALUES ($1, 'dispatch', true, 'registered', 'dispatched')""",
            case_id,
        )
    changes, position = await desks.case_changes_after(db, dispatcher, head)
    assert changes == [(mine, "dispatched")] and position > head
    assert await desks.case_changes_after(db, dispatcher, position) == ([], position)


def test_the_channels_case_events_become_server_sent_events() -> None:
    case_id = uuid4()
    message = command._channel_event(live.case_event(case_id, "dispatched", 7).encode())
    assert message is not None and message.event == "case"
    assert json.loads(str(message.data)) == {"case_id": str(case_id), "state": "dispatched"}
    resync = command._channel_event(live.RESYNC)
    assert resync is not None and resync.event == "resync"
    assert command._channel_event(live.inbox_event(uuid4(), "report.closed", case_id).encode()) is None
    assert command._channel_event(b"not json") is None


# --- scope and access on every page and partial -----------------------------------------------------------------


async def test_another_districts_dispatcher_sees_none_of_it(
    console: Client, db: asyncpg.Connection, settings: Settings
) -> None:
    await _city(db)
    (case_id,) = await _registered(db)
    csrf = await _staff(console, db, settings, "+8613910000014", "dispatcher", ("district", OTHER_DISTRICT))
    r = await console.get("/console/command?queue=dispatch")
    assert r.status_code == 200 and str(case_id) not in r.text and "队列中没有案件" in r.text
    r = await console.get("/console/command/queue?queue=dispatch", headers={"HX-Request": "true"})
    assert str(case_id) not in r.text
    r = await console.get(f"/console/command/cases/{case_id}")
    assert r.status_code == 404 and "已立案" not in r.text
    assert (await console.get("/console/command/map/cases.json")).json()["features"] == []
    form = {"csrf": csrf, "action": "dispatch", "version": "1", "department": "sanitation"}
    r = await console.post(f"/console/command/cases/{case_id}/actions", data=form)
    assert r.status_code == 404 and "已立案" not in r.text
    r = await console.post(
        "/console/command/dispatch",
        data={"csrf": csrf, "department": "sanitation", "case": f"{case_id}:1"},
    )
    assert 'data-outcome="refused"' in r.text
    assert await _version(db, case_id) == ("registered", 1)


async def test_staff_without_a_command_role_are_refused_everywhere(
    console: Client, db: asyncpg.Connection, settings: Settings
) -> None:
    await _city(db)
    (case_id,) = await _registered(db)
    csrf = await _staff(console, db, settings, "+8613910000015", "leader", ("district", DISTRICT))
    for path in [
        *PAGES,
        "/console/command/queue",
        "/console/command/live",
        f"/console/command/cases/{case_id}",
    ]:
        r = await console.get(path)
        assert r.status_code == 403, path
    form = {"csrf": csrf, "action": "dispatch", "version": "1", "department": "sanitation"}
    assert (await console.post(f"/console/command/cases/{case_id}/actions", data=form)).status_code == 403
    assert (await console.post("/console/command/dispatch", data=form)).status_code == 403
    assert await _version(db, case_id) == ("registered", 1)


async def test_no_page_without_a_session(console: Client, db: asyncpg.Connection) -> None:
    for path in [*PAGES, "/console/command/live", f"/console/command/cases/{uuid4()}"]:
        r = await console.get(path)
        assert r.status_code == 303 and r.headers["location"].startswith("/console/signin?next="), path


# --- texts ------------------------------------------------------------------------------------------------------


def test_every_state_action_step_and_queue_has_its_text() -> None:
    keys = [f"command.state.{s}" for s in STATES]
    keys += [f"command.action.{a}" for _, a in TRANSITIONS]
    keys += [f"command.step.{s}" for s in Step.__args__]  # type: ignore[attr-defined]
    keys += [f"command.queue.{q.key}" for q in command.QUEUES]
    keys += [f"command.queue_hint.{q.key}" for q in command.QUEUES]
    keys += [f"command.due.{d}" for d in ("overdue", "due_soon", "on_time", "paused", "none")]
    keys += [f"command.outcome.{o}" for o in ("ok", "conflict", "refused")]
    assert [k for k in keys if k not in TEXTS] == []
