"""The command centre in Debian's Chromium (Playwright): a case taken round the loop entirely in the console, each
step by the console user whose role takes it, the queues refreshed live; and a 409 when two dispatchers act on the
same case at once. Screenshots: var/screenshots/command-queue.png, command-case.png, command-map.png.

The citizen's reports are filed in the test's setup through the reports service, as the app's POST /v1/reports
does. The inspector's steps (核实 verify, 核查 check_pass) are taken by the field app in production, not in the
console: the test takes them through the workflow engine as the case's inspector (the one on duty), with a
photo uploaded through the media service as the app's upload does. Phones +8613910000101..."""

from __future__ import annotations

import io
import json
import re
from typing import Any
from uuid import UUID

import msgspec
from PIL import Image

from api.config import auth_config, calendar_config, cases_config, media_config, storage_config
from api.db import connect
from api.demo import DEMO_DISTRICT, DEMO_SERVICE_AREA
from cases.catalogue.service import DEMO_CATALOGUE, load_catalogue, parse_catalogue
from cases.reports import maps
from cases.reports import store as cases_store
from cases.reports.models import ReportCreate
from cases.reports.service import submit_report
from cases.workflow import engine
from cases.workflow.deadlines import load_calendar
from cases.workflow.engine import TransitionRequest
from identity import service as identity
from identity.models import RequestContext, Role, RoleGrant, ScopeKind
from media import service as media
from media.service import ImageWorkers
from media.storage import Storage
from tests.cases.workflow_fixtures import caller
from tests.console.conftest import SCREENSHOTS, LiveServer, run_async
from tests.identity.helpers import last_code

SHIFT_LEAD = "13910000101"
DISPATCHER = "13910000102"
DISPATCHER_2 = "13910000103"
HANDLER = "13910000104"
CITIZEN = "13910000105"
INSPECTOR = "13910000108"
#: this module's responsibility grid (its unit grid: GRID + "001001"), over PLACES
GRID = "110101091"
GRID_RING = [[116.38, 39.89], [116.44, 39.89], [116.44, 39.95], [116.38, 39.95], [116.38, 39.89]]
#: the 409 test's own (a phone asks for one sign-in code a minute)
SHIFT_LEAD_2 = "13910000106"
DISPATCHER_3 = "13910000107"
STAFF: list[tuple[str, Role, tuple[ScopeKind, str]]] = [
    (SHIFT_LEAD, "shift_lead", ("district", DEMO_DISTRICT)),
    (DISPATCHER, "dispatcher", ("district", DEMO_DISTRICT)),
    (DISPATCHER_2, "dispatcher", ("district", DEMO_DISTRICT)),
    (HANDLER, "department_handler", ("department", "sanitation")),
    (SHIFT_LEAD_2, "shift_lead", ("district", DEMO_DISTRICT)),
    (DISPATCHER_3, "dispatcher", ("district", DEMO_DISTRICT)),
]
#: places in the demo service area, far enough apart (> 250 m) not to be joined as duplicates
PLACES = [
    (39.9287, 116.4075),
    (39.9187, 116.4175),
    (39.9087, 116.3975),
    (39.8987, 116.4275),
    (39.9387, 116.3875),
]


def _jpeg(colour: tuple[int, int, int]) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (640, 480), colour).save(out, "JPEG", quality=80)
    return out.getvalue()


async def _seed(server: LiveServer) -> None:
    """What the loop needs in the served app's database, which other modules' browser tests share (so not
    `seed_demo`, whose grid codes the leaders' hand-built history uses too): the demo catalogue and service
    area unless there, a responsibility grid and a unit grid of this module's own codes over the places below,
    this module's inspector on duty on it, its staff and its citizen. Idempotent."""
    settings = server.settings
    config = auth_config(settings)
    ctx = RequestContext(actor_label="tests")
    conn = await connect(settings)
    try:
        async with conn.transaction():
            if not await conn.fetchval("SELECT count(*) FROM categories WHERE code = 'E0102'"):
                await load_catalogue(conn, parse_catalogue(DEMO_CATALOGUE.read_bytes()))
            if await maps.service_area(conn) is None:
                area = json.loads(DEMO_SERVICE_AREA.read_text(encoding="utf-8"))
                await cases_store.insert_service_area(
                    conn, area["properties"]["name"], json.dumps(area["geometry"])
                )
            for phone, role, scope in [*STAFF, (INSPECTOR, "inspector", None), (CITIZEN, "citizen", None)]:
                if await conn.fetchval("SELECT 1 FROM users WHERE phone = $1", "+86" + phone):
                    continue
                grant = (
                    RoleGrant(role=role, scope_kind=scope[0], scope_id=scope[1])
                    if scope
                    else RoleGrant(role=role)
                )
                await identity.create_user(conn, config, "+86" + phone, [grant], ctx)
            if not await conn.fetchval("SELECT 1 FROM responsibility_grids WHERE code = $1", GRID):
                square = json.dumps({"type": "MultiPolygon", "coordinates": [[GRID_RING]]})
                grid = await conn.fetchval(
                    """INSERT INTO responsibility_grids (code, name, geom)
                       VALUES ($1, '测试网格', ST_SetSRID(ST_GeomFromGeoJSON($2), 4326)) RETURNING id""",
                    GRID,
                    square,
                )
                await conn.execute(
                    """INSERT INTO unit_grids (code, responsibility_grid_id, responsibility_link, geom)
                       VALUES ($1, $2, 'listed', ST_SetSRID(ST_GeomFromGeoJSON($3), 4326))""",
                    GRID + "001001",
                    grid,
                    square,
                )
                inspector = await conn.fetchval("SELECT id FROM users WHERE phone = $1", "+86" + INSPECTOR)
                await conn.execute(
                    """INSERT INTO inspector_duties (user_id, responsibility_grid_id, starts_at)
                       VALUES ($1, $2, now() - interval '1 day')""",
                    inspector,
                    grid,
                )
    finally:
        await conn.close()


async def _report(server: LiveServer, place: tuple[float, float], description: str) -> UUID:
    """A citizen's report filed through the reports service (as POST /v1/reports); its case."""
    settings = server.settings
    conn = await connect(settings)
    try:
        async with conn.transaction():
            citizen = await conn.fetchval("SELECT id FROM users WHERE phone = $1", "+86" + CITIZEN)
            calendar = await load_calendar(conn, _calendar_config(server))
            data = msgspec.convert(
                {
                    "category": "E0102",
                    "description": description,
                    "address": "东城区测试路",
                    "location": {"lat": place[0], "lon": place[1], "crs": "wgs84"},
                },
                ReportCreate,
            )
            created, _ = await submit_report(
                conn, cases_config(settings), calendar, caller(citizen, "citizen"), data
            )
            return created.case_id
    finally:
        await conn.close()


def _calendar_config(server: LiveServer) -> Any:
    return calendar_config(server.settings)


async def _as_inspector(server: LiveServer, case_id: UUID, action: str) -> str:
    """The inspector's step, as the field app takes it: a photo uploaded, then the action, as the case's
    inspector (the one on duty, routing chose it); the state after it."""
    settings = server.settings
    conn = await connect(settings)
    storage = Storage(storage_config(settings))
    workers = ImageWorkers(1)
    try:
        async with conn.transaction():
            case = await conn.fetchrow("SELECT inspector_id, version FROM cases WHERE id = $1", case_id)
            inspector = caller(case["inspector_id"], ("inspector", "district", DEMO_DISTRICT))
            photo = await media.upload_direct(
                conn,
                storage,
                workers,
                media_config(settings),
                case["inspector_id"],
                io.BytesIO(_jpeg((90, 140, 90))),
                "image/jpeg",
            )
            calendar = await load_calendar(conn, _calendar_config(server))
            updated = await engine.apply(
                conn,
                calendar,
                inspector,
                case_id,
                case["version"],
                TransitionRequest(action=action, photo_ids=[photo.photo_id]),  # type: ignore[arg-type]
            )
            return str(updated["state"])
    finally:
        workers.close()
        storage.close()
        await conn.close()


async def _late(server: LiveServer, case_id: UUID, *, hours: int) -> None:
    """Move the open step's deadline to `hours` from now, its due-soon mark two hours before (a picture's
    fixture)."""
    await server.query(
        """UPDATE case_deadlines SET due_at = now() + make_interval(hours => $2),
                  due_soon_at = now() + make_interval(hours => $2 - 2)
           WHERE case_id = $1 AND completed_at IS NULL RETURNING id""",
        case_id,
        hours,
    )


async def _code(server: LiveServer, phone: str) -> str:
    conn = await connect(server.settings)
    try:
        return await last_code(conn, "+86" + phone)
    finally:
        await conn.close()


async def _state(server: LiveServer, case_id: UUID) -> str:
    rows = await server.query("SELECT state FROM cases WHERE id = $1", case_id)
    return str(rows[0]["state"])


def _signed_in(browser: Any, server: LiveServer, phone: str, path: str) -> Any:
    """A browser context of its own, signed in as `phone` through the SMS form, at `path`."""
    context = browser.new_context(
        base_url=server.url, locale="zh-CN", viewport={"width": 1400, "height": 900}
    )
    tab = context.new_page()
    # a violation names its element in the page's console (the browser's own message does not)
    tab.add_init_script(
        "document.addEventListener('securitypolicyviolation', e => console.log('Content Security Policy:', "
        "e.violatedDirective, e.target && e.target.outerHTML ? e.target.outerHTML.slice(0, 300) : ''))"
    )
    tab.csp_violations = []
    tab.page_errors = []
    tab.on("pageerror", lambda error: tab.page_errors.append(str(error)))
    tab.on(
        "console",
        lambda m: (
            tab.csp_violations.append(f"{tab.url} {m.location} {m.text}")
            if "Content Security Policy" in m.text
            else None
        ),
    )
    tab.goto(path)
    tab.fill("#phone", phone)
    tab.click("#phone-form button[type=submit]")
    tab.wait_for_selector("#code")
    tab.fill("#code", run_async(_code(server, phone)))
    tab.click("#code-form button[type=submit]")
    tab.wait_for_url(re.compile(re.escape(path.split("?")[0]) + r"(\?.*)?$"))
    return tab


def _act(tab: Any, action: str, **fields: Any) -> None:
    """Open the action's form on the case page, fill it, send it, and wait for the case page again."""
    box = tab.locator(f"details.cmd-action[data-action={action}]")
    if box.get_attribute("open") is None:
        box.locator("summary").click()
    form = box.locator("form")
    if "department" in fields:
        form.locator("select[name=department]").select_option(fields["department"])
    if "note" in fields:
        form.locator("textarea[name=note]").fill(fields["note"])
    if "photo" in fields:
        form.locator("input[name=photos]").set_input_files(
            {"name": "fixed.jpg", "mimeType": "image/jpeg", "buffer": fields["photo"]}
        )
    with tab.expect_navigation():
        form.locator("button[type=submit]").click()


def _case_state(tab: Any) -> str:
    return str(tab.locator("#case-state").get_attribute("data-state"))


def test_a_case_goes_round_the_loop_in_the_console(browser: Any, live_server: LiveServer) -> None:
    run_async(_seed(live_server))
    # the citizen's report: the inspector on duty has it to verify (核实), and verifies it in the field app
    case_id = run_async(_report(live_server, PLACES[0], "路口垃圾堆了三天，无人清理"))
    assert run_async(_state(live_server, case_id)) == "verifying"
    assert run_async(_as_inspector(live_server, case_id, "verify")) == "verified"
    # more cases in the dispatch queue, for the queue to show more than one (registered through the console below)
    others = [
        run_async(_report(live_server, place, f"垃圾桶满溢 {i}")) for i, place in enumerate(PLACES[1:3])
    ]
    for other in others:
        run_async(_as_inspector(live_server, other, "verify"))

    # the dispatcher watches the dispatch queue: it fills as the shift lead registers, without a reload
    dispatcher = _signed_in(browser, live_server, DISPATCHER, "/console/command?queue=dispatch")
    dispatcher.wait_for_selector("#live-status[data-state=on]")

    # 值班长 registers (立案) from the intake queue
    lead = _signed_in(browser, live_server, SHIFT_LEAD, "/console/command?queue=intake")
    lead.wait_for_selector(f"tr[data-case='{case_id}']")
    for registering in [case_id, *others]:
        lead.goto(f"/console/command/cases/{registering}")
        assert _case_state(lead) == "verified"
        _act(lead, "register", note="属实，立案")
        assert _case_state(lead) == "registered"
    dispatcher.wait_for_selector(
        f"#queue tr[data-case='{case_id}']", timeout=20_000
    )  # the live feed's refresh
    for other in others:
        dispatcher.wait_for_selector(f"#queue tr[data-case='{other}']", timeout=20_000)
    row = dispatcher.locator(f"#queue tr[data-case='{case_id}']")
    assert row.locator(".badge").inner_text() == "正常"
    # for the picture, the other two are made late: one overdue, one due soon (the marks' rules are tested in
    # test_command.py); the queue shows them first, red and amber, once refreshed
    run_async(_late(live_server, others[0], hours=-3))
    run_async(_late(live_server, others[1], hours=1))
    # and the main case's well after both (its own due time is on the working calendar: at 9:30 in the morning
    # it may come before the due-soon one's)
    run_async(_late(live_server, case_id, hours=48))
    dispatcher.click(".cmd-refresh")
    dispatcher.wait_for_selector(f"#queue tr.due-overdue[data-case='{others[0]}']")
    # by deadline: the overdue, the due soon, then the main case (a refresh the live feed asked for earlier cannot
    # come back last: the queue's requests replace each other, hx-sync)
    dispatcher.wait_for_function(
        """order => {
            const ids = [...document.querySelectorAll('#queue tbody tr[data-case]')].map(r => r.dataset.case);
            return order.every(id => ids.includes(id))
                && order.every((id, i) => i === 0 || ids.indexOf(order[i - 1]) < ids.indexOf(id));
        }""",
        arg=[str(others[0]), str(others[1]), str(case_id)],
    )
    assert dispatcher.locator(f"#queue tr[data-case='{others[1]}'] .badge").inner_text() == "即将超时"
    for other in others:
        dispatcher.check(f"#queue tr[data-case='{other}'] input[name=case]")
    dispatcher.screenshot(path=str(SCREENSHOTS / "command-queue.png"), full_page=True)

    # 派遣员 dispatches the two late ones at once (批量派遣), each with the version it was shown at
    dispatcher.select_option("#bulk-department", "sanitation")
    dispatcher.click("#bulk-submit")
    dispatcher.wait_for_selector("#bulk-result .cmd-bulk-result")
    outcomes = dispatcher.locator("#bulk-result tr[data-case]").evaluate_all(
        "rows => rows.map(r => [r.dataset.case, r.dataset.outcome])"
    )
    assert sorted(outcomes) == sorted([[str(o), "ok"] for o in others])
    for other in others:
        dispatcher.wait_for_selector(f"#queue tr[data-case='{other}']", state="detached")
        assert run_async(_state(live_server, other)) == "dispatched"

    # 派遣员 dispatches the first from its page to sanitation (环卫)
    row = dispatcher.locator(f"#queue tr[data-case='{case_id}']")
    row.locator("a.case-link").click()
    dispatcher.wait_for_selector("#case-state")
    assert [
        a for a in dispatcher.locator("details.cmd-action").evaluate_all("d => d.map(e => e.dataset.action)")
    ] == ["dispatch"]
    _act(dispatcher, "dispatch", department="sanitation")
    assert _case_state(dispatcher) == "dispatched"

    # the department's handler accepts (签收) and handles it (处置) with a photo of the result
    handler = _signed_in(browser, live_server, HANDLER, "/console/command")
    handler.wait_for_selector(f"#queue tr[data-case='{case_id}']")
    handler.goto(f"/console/command/cases/{case_id}")
    _act(handler, "accept")
    assert _case_state(handler) == "accepted"
    _act(handler, "handle", note="已清运", photo=_jpeg((200, 200, 210)))
    # the system sends it to the inspector on duty for the check (核查)
    assert _case_state(handler) == "checking"
    assert handler.locator(".cmd-photos img").count() >= 2  # the inspector's and the handler's display copies

    # the inspector checks it in the field app
    assert run_async(_as_inspector(live_server, case_id, "check_pass")) == "checked"

    # 值班长 closes it (结案)
    lead.goto(f"/console/command/cases/{case_id}")
    _act(lead, "close")
    assert _case_state(lead) == "closed"
    assert run_async(_state(live_server, case_id)) == "closed"
    kinds = lead.locator(".cmd-timeline .what").all_inner_texts()
    for done in ("结案", "核查通过", "处置完毕", "签收", "派遣", "立案", "核实属实", "市民上报"):
        assert done in kinds, (done, kinds)
    lead.locator("#case-map .leaflet-interactive").first.wait_for()
    lead.screenshot(path=str(SCREENSHOTS / "command-case.png"), full_page=True)

    # the map of open cases: the dispatched ones and the others, clustered or not, with the grid layer
    dispatcher.goto("/console/command/map")
    dispatcher.wait_for_selector("#cases-map[data-loaded]")
    assert int(dispatcher.locator("#cases-map").get_attribute("data-loaded") or 0) >= 2
    dispatcher.wait_for_selector("#cases-map canvas")  # the cases and the grids, drawn on a canvas
    dispatcher.select_option("#map-filters select[name=state]", "registered")
    dispatcher.wait_for_selector("#map-total:not(:empty)")
    dispatcher.screenshot(path=str(SCREENSHOTS / "command-map.png"), full_page=True)
    for tab in (dispatcher, lead, handler):
        assert tab.csp_violations == [] and tab.page_errors == [], (tab.url, tab.csp_violations)
        tab.context.close()


def test_two_dispatchers_at_once_one_gets_a_409(browser: Any, live_server: LiveServer) -> None:
    run_async(_seed(live_server))
    case_id = run_async(_report(live_server, PLACES[3], "井盖旁垃圾"))
    run_async(_as_inspector(live_server, case_id, "verify"))
    lead = _signed_in(browser, live_server, SHIFT_LEAD_2, f"/console/command/cases/{case_id}")
    _act(lead, "register")
    first = _signed_in(browser, live_server, DISPATCHER_3, f"/console/command/cases/{case_id}")
    second = _signed_in(browser, live_server, DISPATCHER_2, f"/console/command/cases/{case_id}")
    # both read version 2 (registered); the first dispatches
    _act(first, "dispatch", department="sanitation")
    assert _case_state(first) == "dispatched"
    # the second acts on what it read: 409, the current state and a reload, nothing written
    box = second.locator("details.cmd-action[data-action=dispatch]")
    box.locator("select[name=department]").select_option("drainage")
    box.locator("button[type=submit]").click()
    conflict = second.locator("#action-outcome .cmd-outcome.conflict")
    conflict.wait_for()
    assert "已派遣" in conflict.inner_text() and "已被他人办理" in conflict.inner_text()
    assert (
        run_async(live_server.query("SELECT department_code FROM cases WHERE id = $1", case_id))[0][0]
        == "sanitation"
    )
    with second.expect_navigation():
        conflict.locator("a.cmd-reload").click()
    assert _case_state(second) == "dispatched"
    assert second.locator("details.cmd-action").evaluate_all("d => d.map(e => e.dataset.action)") == [
        "reassign"
    ]
    for tab in (lead, first, second):
        assert tab.csp_violations == [] and tab.page_errors == [], (tab.url, tab.csp_violations)
        tab.context.close()
