"""The property office's pages (console/pages/property/): what the estate's staff and the district's housing
officer see and may do, through the same housing services and checks as the API; every refusal answers a localized
page or fragment with the API's status and writes nothing.

The estate is tests/housing/money_fixtures.py's (two buildings of three homes, district 110101), billed for
October 2026 with bills due at once, so every home is in arrears. Phones +8613930000xxx are this module's."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any, get_args
from uuid import UUID, uuid4

import asyncpg
import msgspec
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from api.config import auth_config
from api.db import create_pool
from api.demo import seed_demo
from api.settings import Settings
from cases.workflow.deadlines import WorkCalendar
from console.security import SESSION_COOKIE
from console.texts import TEXTS
from housing import billing, bills, filings, fund_project_models, payments, repairs, vote_models
from housing import repairs_workflow as rw
from housing.demo import DEMO_ESTATE_ID
from housing.filings import ServiceContractFiling
from housing.repairs import RepairCreate
from identity.models import RequestContext
from tests.cases.workflow_fixtures import caller
from tests.console.helpers import make_user, session_cookie, signed_in
from tests.housing.money_fixtures import Estate, bind, fee_item, make_estate
from tests.security.city import new_photo

Client = AsyncTestClient[Any]
DEMO_MANAGER = "+8613800138008"
DEMO_OFFICER = "+8613800138012"
HTMX = {"HX-Request": "true"}
ESTATE_PAGES = (
    "arrears",
    "arrears/homes",
    "billing",
    "payments",
    "votes",
    "fund-projects",
    "repairs",
    "filings",
    "credit",
)


@dataclass
class Scene:
    estate: Estate
    other: Estate
    ids: dict[str, UUID] = field(default_factory=dict)
    phones: dict[str, str] = field(default_factory=dict)
    sessions: dict[str, tuple[str, str]] = field(default_factory=dict)


@pytest.fixture
async def scene(db: asyncpg.Connection, settings: Settings) -> Scene:
    estate = await make_estate(db)
    other = await make_estate(db, name="别的小区", district="110102")
    await fee_item(db, estate, kind="property", name="物业费", price_fen=250, due_days=0)
    pool = await create_pool(settings)
    try:
        async with db.transaction():
            run, _ = await billing.create_run(db, estate.id, "2026-10", None)
        await billing.execute_run(pool, run.id)
    finally:
        await pool.close()
    s = Scene(estate, other)
    mine, theirs = ("estate", str(estate.id)), ("estate", str(other.id))
    for n, (name, role, scope) in enumerate(
        [
            ("manager", "property_manager", mine),
            ("staff", "property_staff", mine),
            ("officer", "housing_officer", ("district", "110101")),
            ("far_officer", "housing_officer", ("district", "110102")),
            ("other_manager", "property_manager", theirs),
            ("dispatcher", "dispatcher", None),
            ("resident", "resident", None),
        ],
        start=1,
    ):
        s.phones[name] = f"+86139300{n:05d}"
        s.ids[name] = await make_user(db, settings, s.phones[name], role, scope=scope)  # type: ignore[arg-type]
    await bind(db, estate.homes[0], s.ids["resident"])
    return s


async def _as(console: Client, db: asyncpg.Connection, s: Scene, who: str) -> str:
    """Be `who` from now on: signed in once (the sign-in's limits count each code), their session kept for the
    next time; the session's CSRF token."""
    console.cookies.clear()
    if who in s.sessions:
        cookie, csrf = s.sessions[who]
        console.cookies.set(SESSION_COOKIE, cookie, domain="testserver.local", path="/console")
        return csrf
    csrf = await signed_in(console, db, s.phones[who])
    s.sessions[who] = (session_cookie(console), csrf)
    return csrf


async def _rows(db: asyncpg.Connection, *tables: str) -> dict[str, int]:
    return {t: await db.fetchval(f"SELECT count(*) FROM {t}") for t in tables}


def _cells(html: str, row_attr: str) -> dict[str, dict[str, str]]:
    """The figures of each table row marked data-<row_attr>="...": its data-* and its numeric cells."""
    out = {}
    for match in re.finditer(rf'<tr data-{row_attr}="([^"]+)"([^>]*)>(.*?)</tr>', html, re.S):
        attrs = dict(re.findall(r'data-([a-z-]+)="([^"]*)"', match.group(2)))
        cells = re.findall(r'<td class="num ([a-z]+)">([^<]*)</td>', match.group(3))
        out[match.group(1)] = {**attrs, **dict(cells)}
    return out


# --- arrears: the page's figures are the bills' --------------------------------------------------------------------


async def test_the_arrears_page_shows_the_bills_past_due_per_building(
    console: Client, db: asyncpg.Connection, scene: Scene
) -> None:
    expected = {
        r["building"]: r
        for r in await db.fetch(
            """SELECT g.name AS building, count(DISTINCT b.home_id) AS homes, count(*) AS bills,
                      sum(b.amount_fen - b.paid_fen - b.waived_fen) AS owed, min(b.due_date) AS oldest
               FROM bills b JOIN homes h ON h.id = b.home_id JOIN buildings g ON g.id = h.building_id
               WHERE b.estate_id = $1 AND b.state IN ('issued', 'partly_paid') GROUP BY g.name""",
            scene.estate.id,
        )
    }
    assert set(expected) == {"1号楼", "2号楼"} and all(r["owed"] > 0 for r in expected.values())
    for who in ("manager", "officer"):
        await _as(console, db, scene, who)
        r = await console.get(f"/console/property/estates/{scene.estate.id}/arrears")
        assert r.status_code == 200, r.text
        rows = _cells(r.text, "building")
        assert set(rows) == set(expected)
        for name, row in rows.items():
            assert int(row["outstanding-fen"]) == expected[name]["owed"]
            assert (int(row["homes"]), int(row["bills"])) == (
                expected[name]["homes"],
                expected[name]["bills"],
            )
            assert str(expected[name]["oldest"]) in r.text
        total = sum(e["owed"] for e in expected.values())
        assert f"¥{int(total) // 100:,}.{int(total) % 100:02d}" in r.text
        assert 'class="chart"' in r.text and "echarts.min.js" in r.text
    # down to a home's bills and a bill
    building = scene.estate.buildings["1号楼"]
    r = await console.get(
        f"/console/property/estates/{scene.estate.id}/arrears/homes", params={"building_id": str(building)}
    )
    assert r.status_code == 200 and r.text.count("<tr data-home=") == 3
    home = scene.estate.homes[0]
    r = await console.get(f"/console/property/homes/{home}/bills")
    (bill_id,) = re.findall(r'<tr data-bill="([^"]+)"', r.text)
    bill = await bills.get_bill(db, UUID(bill_id))
    assert bill.home_id == home and f"/console/property/bills/{bill_id}" in r.text
    r = await console.get(f"/console/property/bills/{bill_id}")
    assert r.status_code == 200 and "出账" in r.text


# --- who sees what ---------------------------------------------------------------------------------------------------


async def test_another_estates_staff_and_another_districts_officer_see_none_of_it(
    console: Client, db: asyncpg.Connection, scene: Scene
) -> None:
    run_id = await db.fetchval("SELECT id FROM billing_runs WHERE estate_id = $1", scene.estate.id)
    bill_id = await db.fetchval("SELECT id FROM bills WHERE estate_id = $1 LIMIT 1", scene.estate.id)
    paths = [
        *(f"/console/property/estates/{scene.estate.id}/{p}" for p in ESTATE_PAGES),
        f"/console/property/homes/{scene.estate.homes[0]}/bills",
        f"/console/property/bills/{bill_id}",
        f"/console/property/billing-runs/{run_id}/progress",
    ]
    for who in ("other_manager", "far_officer"):
        await _as(console, db, scene, who)
        for path in paths:
            for headers in ({}, HTMX):
                r = await console.get(path, headers=headers)
                assert r.status_code == 403, (who, path, r.status_code)
                assert "<html" in r.text if not headers else 'role="alert"' in r.text
        r = await console.get("/console/property/")
        assert r.status_code == 200 and str(scene.estate.id) not in r.text
    r = await console.get("/console/property/")
    assert str(scene.other.id) in r.text  # the far officer's own district
    await _as(console, db, scene, "manager")
    r = await console.get("/console/property/")
    assert str(scene.estate.id) in r.text and str(scene.other.id) not in r.text
    r = await console.get("/console/property/credit")  # the companies' credit: officers, leaders, admins
    assert r.status_code == 403 and 'role="alert"' in r.text
    await _as(console, db, scene, "officer")
    r = await console.get("/console/property/")
    assert str(scene.estate.id) in r.text and str(scene.other.id) not in r.text
    assert (await console.get("/console/property/credit")).status_code == 200
    await _as(console, db, scene, "dispatcher")
    for path in ["/console/property/", *paths]:
        assert (await console.get(path)).status_code == 403, path


async def test_bad_query_parameters_answer_a_localized_400(
    console: Client, db: asyncpg.Connection, scene: Scene
) -> None:
    await _as(console, db, scene, "manager")
    base = f"/console/property/estates/{scene.estate.id}"
    for path, params in [
        ("/payments", {"state": "unpaid"}),
        ("/payments", {"channel": "paypal"}),
        ("/repairs", {"state": "lost"}),
        ("/credit", {"month": "2026-13"}),
        ("/arrears/homes", {"building_id": "not-an-id"}),
        ("/arrears/homes", {"cursor": "not-a-cursor"}),
    ]:
        r = await console.get(base + path, params=params)
        assert r.status_code in (400, 422), (path, params, r.status_code)
        assert "<html" in r.text and 'role="alert"' in r.text
    assert (
        await console.get(f"{base}/payments", params={"state": "paid", "channel": "wechat"})
    ).status_code == 200
    assert (await console.get(f"/console/property/estates/{uuid4()}/arrears")).status_code == 404


# --- billing runs: start one, follow its progress ----------------------------------------------------------------


async def test_starting_a_billing_run_and_following_its_progress(
    console: Client, db: asyncpg.Connection, settings: Settings, scene: Scene
) -> None:
    url = f"/console/property/estates/{scene.estate.id}/billing"
    before = await _rows(db, "billing_runs", "bills", "audit_log")
    for who, period, status, message in [
        ("manager", "2026-13", 422, "账期"),
        ("manager", "", 422, None),
        ("manager", "2026-Q4", 409, None),  # overlaps October's run
        ("officer", "2026-11", 403, None),  # oversight only: createBillingRun needs property staff
        ("other_manager", "2026-11", 403, None),
    ]:
        csrf = await _as(console, db, scene, who)
        r = await console.post(url, data={"period": period}, headers={**HTMX, "X-CSRF-Token": csrf})
        assert r.status_code == status, (who, period, r.status_code, r.text)
        assert 'role="alert"' in r.text and (message is None or message in r.text)
    csrf = await _as(console, db, scene, "manager")
    r = await console.post(url, data={"period": "2026-11"}, headers=HTMX)  # no CSRF token
    assert r.status_code == 403
    assert await _rows(db, "billing_runs", "bills", "audit_log") == before

    r = await console.post(url, data={"period": "2026-11"}, headers={**HTMX, "X-CSRF-Token": csrf})
    assert r.status_code == 200, r.text
    (run_id,) = re.findall(r'class="run-started" data-run="([^"]+)"', r.text)
    progress = f"/console/property/billing-runs/{run_id}/progress"
    assert f'hx-get="{progress}" hx-trigger="every 1s"' in r.text  # polled while pending
    assert await db.fetchval("SELECT count(*) FROM audit_log WHERE action = 'billing_run.create'") == 1
    r = await console.get(progress, headers=HTMX)
    assert r.status_code == 200 and 'data-state="pending"' in r.text and "hx-trigger" in r.text
    pool = await create_pool(settings)
    try:
        assert await billing.run_pending(pool) == 1  # the worker's job
    finally:
        await pool.close()
    r = await console.get(progress, headers=HTMX)
    assert 'data-state="completed"' in r.text and "hx-trigger" not in r.text  # done: the polling stops
    assert 'data-done="6" data-total="6"' in r.text
    r = await console.get(url)
    assert r.text.count("<tr data-run=") == 2


# --- payments and refunds --------------------------------------------------------------------------------------------


async def test_refunds_are_for_the_estates_manager_and_refusals_write_nothing(
    console: Client, db: asyncpg.Connection, scene: Scene
) -> None:
    before = await _rows(db, "payment_refunds", "audit_log")
    form = {"bill_id": str(uuid4()), "amount": "10.00", "reason": "重复缴费"}
    for who, status in [("staff", 403), ("officer", 403), ("manager", 404)]:  # 404: no such payment
        csrf = await _as(console, db, scene, who)
        r = await console.post(
            f"/console/property/payments/{uuid4()}/refunds", data=form, headers={**HTMX, "X-CSRF-Token": csrf}
        )
        assert r.status_code == status, (who, r.text)
    assert await _rows(db, "payment_refunds", "audit_log") == before
    r = await console.get(f"/console/property/estates/{scene.estate.id}/payments")
    assert r.status_code == 200 and "没有符合条件的缴费记录" in r.text


def test_amounts_in_yuan_become_fen_exactly() -> None:
    from console.pages.property.common import percent, yuan
    from console.pages.property.money import _fen

    assert [_fen(x) for x in ("12", "12.5", "12.05", "0.01")] == [1200, 1250, 1205, 1]
    for bad in ("", "1.234", "-1", "1e3", "１２"):
        with pytest.raises(Exception, match="amount"):
            _fen(bad)
    assert (yuan(123456789), yuan(-5), percent(2, 3), percent(0, 0)) == (
        "¥1,234,567.89",
        "-¥0.05",
        "66.7%",
        "0.0%",
    )


# --- repairs: the queue and the actions, versioned ------------------------------------------------------------------


async def test_repair_actions_carry_the_version_and_a_stale_one_shows_the_current_state(
    console: Client, db: asyncpg.Connection, scene: Scene
) -> None:
    resident = caller(scene.ids["resident"], "resident")
    data = msgspec.convert(
        {"estate_id": scene.estate.id, "kind": "home_repair", "home_id": scene.estate.homes[0],
         "description": "卫生间漏水"},
        RepairCreate,
    )  # fmt: skip
    async with db.transaction():
        repair = await repairs.report(db, WorkCalendar(), resident, data)
    csrf = await _as(console, db, scene, "staff")
    r = await console.get(f"/console/property/estates/{scene.estate.id}/repairs")
    assert r.status_code == 200 and f'data-repair="{repair.id}"' in r.text
    r = await console.get(f"/console/property/repairs/{repair.id}")
    assert 'data-action="accept"' in r.text and 'name="version" value="1"' in r.text
    url = f"/console/property/repairs/{repair.id}/actions"
    before = await _rows(db, "repair_events", "outbox")
    for form, status in [
        ({"action": "accept", "note": ""}, 428),
        ({"action": "accept", "version": "one"}, 400),
        ({"action": "fly", "version": "1"}, 422),
        ({"action": "rate", "version": "1"}, 422),  # a rating is from 1 to 5
        ({"action": "confirm", "version": "1"}, 409),  # not from this state
        ({"action": "accept", "version": "2"}, 409),  # stale
    ]:
        r = await console.post(url, data=form, headers={**HTMX, "X-CSRF-Token": csrf})
        assert r.status_code == status, (form, r.status_code, r.text)
        assert 'role="alert"' in r.text and 'id="repair"' in r.text and 'data-state="reported"' in r.text
    assert "已被他人修改" in r.text  # the stale version: the current state is shown to act again on it
    assert await _rows(db, "repair_events", "outbox") == before
    assert (await db.fetchval("SELECT version FROM repairs WHERE id = $1", repair.id)) == 1
    r = await console.post(
        url,
        data={"action": "accept", "version": "1", "note": "马上安排"},
        headers={**HTMX, "X-CSRF-Token": csrf},
    )
    assert r.status_code == 200, r.text
    assert (
        'data-state="accepted"' in r.text
        and 'name="version" value="2"' in r.text
        and 'data-action="assign"' in r.text
    )
    # assign it to the staff member (the form offers them), then an outsider's assignee is refused
    r = await console.post(
        url,
        data={"action": "assign", "version": "2", "assignee_id": str(scene.ids["manager"])},
        headers={**HTMX, "X-CSRF-Token": csrf},
    )
    assert r.status_code == 422 and 'data-state="accepted"' in r.text  # the manager is no property_staff
    r = await console.post(
        url,
        data={"action": "assign", "version": "2", "assignee_id": str(scene.ids["staff"])},
        headers={**HTMX, "X-CSRF-Token": csrf},
    )
    assert r.status_code == 200 and 'data-state="assigned"' in r.text
    # another estate's staff cannot see it, nor act
    csrf = await _as(console, db, scene, "other_manager")
    assert (await console.get(f"/console/property/repairs/{repair.id}")).status_code == 404
    r = await console.post(
        url, data={"action": "accept", "version": "3"}, headers={**HTMX, "X-CSRF-Token": csrf}
    )
    assert r.status_code == 404


# --- filings to review ---------------------------------------------------------------------------------------------


async def test_the_housing_officer_accepts_or_returns_filings_on_the_version_shown(
    app: Litestar, console: Client, db: asyncpg.Connection, scene: Scene
) -> None:
    staff = caller(scene.ids["staff"], ("property_staff", "estate", str(scene.estate.id)))
    doc = await new_photo(db, scene.ids["staff"])
    contract = ServiceContractFiling(
        company="测试物业服务有限公司", service_grade="二级", fee_fen_m2_month=250,
        term_start=date(2026, 1, 1), term_end=date(2028, 12, 31),
        document_ids=[doc],
    )  # fmt: skip
    async with db.transaction():
        filing = await filings.file_contract(
            db, app.state.storage, RequestContext(actor_label="tests"), staff, scene.estate.id, contract
        )
    url = f"/console/property/filings/{filing.id}/decision"
    csrf = await _as(console, db, scene, "manager")
    r = await console.get(f"/console/property/estates/{scene.estate.id}/filings")
    assert r.status_code == 200 and f'data-filing="{filing.id}"' in r.text and url not in r.text
    r = await console.post(
        url, data={"decision": "accept", "version": "1"}, headers={**HTMX, "X-CSRF-Token": csrf}
    )
    assert r.status_code == 403
    csrf = await _as(console, db, scene, "far_officer")
    r = await console.post(
        url, data={"decision": "accept", "version": "1"}, headers={**HTMX, "X-CSRF-Token": csrf}
    )
    assert r.status_code == 403
    csrf = await _as(console, db, scene, "officer")
    r = await console.get(f"/console/property/estates/{scene.estate.id}/filings")
    assert url in r.text
    before = await _rows(db, "audit_log")
    for form, status in [
        ({"decision": "return", "version": "1", "reason": ""}, 422),  # a return names its reason
        ({"decision": "maybe", "version": "1"}, 422),
        ({"decision": "accept"}, 428),
        ({"decision": "accept", "version": "2"}, 409),
    ]:
        r = await console.post(url, data=form, headers={**HTMX, "X-CSRF-Token": csrf})
        assert r.status_code == status, (form, r.text)
        assert 'data-state="filed"' in r.text and 'role="alert"' in r.text
    assert await _rows(db, "audit_log") == before
    r = await console.post(
        url,
        data={"decision": "return", "version": "1", "reason": "缺少签章页"},
        headers={**HTMX, "X-CSRF-Token": csrf},
    )
    assert r.status_code == 200 and 'data-state="returned"' in r.text and "缺少签章页" in r.text


async def test_the_officers_queue_holds_the_filings_waiting_in_their_district(
    app: Litestar, console: Client, db: asyncpg.Connection, settings: Settings, scene: Scene
) -> None:
    staff = caller(scene.ids["staff"], ("property_staff", "estate", str(scene.estate.id)))
    elsewhere = await make_user(
        db, settings, "+8613930099999", "property_staff", scope=("estate", str(scene.other.id))
    )
    other_staff = caller(elsewhere, ("property_staff", "estate", str(scene.other.id)))
    waiting = []
    for who, estate_id in ((staff, scene.estate.id), (other_staff, scene.other.id)):
        contract = ServiceContractFiling(
            company="测试物业服务有限公司", service_grade="二级", fee_fen_m2_month=250,
            term_start=date(2026, 1, 1), term_end=date(2028, 12, 31),
            document_ids=[await new_photo(db, who.user_id)],
        )  # fmt: skip
        async with db.transaction():
            waiting.append(
                await filings.file_contract(
                    db, app.state.storage, RequestContext(actor_label="tests"), who, estate_id, contract
                )
            )
    mine, theirs = waiting

    await _as(console, db, scene, "manager")
    assert (await console.get("/console/property/filings")).status_code == 403
    assert 'href="/console/property/filings"' not in (await console.get("/console/property")).text

    csrf = await _as(console, db, scene, "officer")
    assert 'href="/console/property/filings"' in (await console.get("/console/property")).text
    r = await console.get("/console/property/filings")
    assert r.status_code == 200
    assert f'data-filing="{mine.id}"' in r.text and f'data-filing="{theirs.id}"' not in r.text
    assert "幸福小区" in r.text and f"/console/property/filings/{mine.id}/decision" in r.text
    r = await console.post(
        f"/console/property/filings/{mine.id}/decision",
        data={"decision": "accept", "version": "1"},
        headers={**HTMX, "X-CSRF-Token": csrf},
    )
    assert r.status_code == 200 and 'data-state="accepted"' in r.text
    r = await console.get("/console/property/filings")
    assert f'data-filing="{mine.id}"' not in r.text and "没有待审的备案" in r.text

    await _as(console, db, scene, "far_officer")
    r = await console.get("/console/property/filings")
    assert f'data-filing="{theirs.id}"' in r.text and f'data-filing="{mine.id}"' not in r.text
    r = await console.get("/console/property/filings?cursor=not-a-cursor")  # invalid_cursor, localized
    assert r.status_code == 422 and "分页游标无效" in r.text


# --- votes, fund projects, credit on the demo estate -----------------------------------------------------------------


async def test_votes_show_the_turnout_and_never_a_tally_before_close(
    console: Client, db: asyncpg.Connection, settings: Settings
) -> None:
    async with db.transaction():
        await seed_demo(db, auth_config(settings))
    await signed_in(console, db, DEMO_MANAGER)
    base = f"/console/property/estates/{DEMO_ESTATE_ID}"
    for page in ESTATE_PAGES:
        r = await console.get(f"{base}/{page}")
        assert r.status_code == 200, (page, r.text[-2000:])
    matters = {
        r["state"]: r["id"]
        for r in await db.fetch("SELECT id, state FROM vote_matters WHERE estate_id = $1", DEMO_ESTATE_ID)
    }
    open_id = next(v for k, v in matters.items() if k in ("noticed", "open"))
    voted = await db.fetchrow(
        """SELECT count(*) AS heads, sum(r.area) AS area FROM vote_ballots b
           JOIN vote_roll r ON r.matter_id = b.matter_id AND r.head_no = b.head_no WHERE b.matter_id = $1""",
        open_id,
    )
    assert voted["heads"] > 0
    r = await console.get(f"/console/property/votes/{open_id}")
    assert r.status_code == 200
    heads = await db.fetchval("SELECT count(*) FROM vote_roll WHERE matter_id = $1", open_id)
    assert f'id="turnout-heads">{voted["heads"]} / {heads}<' in r.text
    assert 'id="no-tally"' in r.text and 'id="vote-result"' not in r.text
    for choice in ("同意", "反对", "弃权"):  # no count of any choice while it runs
        assert choice not in r.text
    assert 'hx-get="/console/property/votes/' in r.text and 'hx-trigger="every 5s"' in r.text
    r = await console.get(f"/console/property/votes/{open_id}/turnout", headers=HTMX)
    assert r.status_code == 200 and "同意" not in r.text
    r = await console.get(f"/console/property/votes/{matters['published']}")
    assert 'id="vote-result"' in r.text and "同意" in r.text and "hx-trigger" not in r.text
    # fund projects and repairs of the demo show up, overdue marked where late
    r = await console.get(f"{base}/fund-projects")
    assert r.text.count("<tr data-project=") == await db.fetchval(
        "SELECT count(*) FROM fund_projects WHERE estate_id = $1", DEMO_ESTATE_ID
    )
    r = await console.get(f"{base}/repairs")
    assert r.text.count("<tr data-repair=") == await db.fetchval(
        "SELECT count(*) FROM repairs WHERE estate_id = $1", DEMO_ESTATE_ID
    )
    r = await console.get(f"{base}/credit")
    assert 'id="credit-grade"' in r.text
    console.cookies.clear()
    await signed_in(console, db, DEMO_OFFICER)
    r = await console.get("/console/property/credit")
    assert r.status_code == 200 and str(DEMO_ESTATE_ID) in r.text


# --- texts ---------------------------------------------------------------------------------------------------------


def test_every_state_and_kind_has_its_name_in_both_languages() -> None:
    from typing import Literal

    kinds: dict[str, Any] = {
        "bill_state": bills.BillState,
        "run_state": billing.RunState,
        "payment_state": payments.OrderState,
        "channel": payments.Channel,
        "refund_state": Literal["requested", "processing", "succeeded", "closed", "abnormal"],
        "vote_state": vote_models.MatterState,
        "vote_kind": Literal["special", "ordinary"],
        "project_state": fund_project_models.ProjectState,
        "repair_state": rw.RepairState,
        "repair_action": rw.RepairAction,
        "repair_step": rw.RepairStep,
        "repair_kind": repairs.RepairKind,
        "urgency": repairs.Urgency,
        "filing_state": filings.FilingState,
        "filing_kind": filings.FilingKind,
        "committee_role": filings.CommitteeRole,
        "tab": Literal["arrears", "billing", "payments", "votes", "fund", "repairs", "filings", "credit"],
        "bill_action": Literal[
            "issue", "pay_part", "pay_full", "credit_part", "credit_full", "waive", "cancel", "refund"
        ],
    }
    missing = [
        f"property.{k}.{v}" for k, t in kinds.items() for v in get_args(t) if f"property.{k}.{v}" not in TEXTS
    ]
    assert missing == []
