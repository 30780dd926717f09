"""The property manager's console in Debian's Chromium (Playwright): the arrears page's figures are the bills past
due made in setup through the billing service; starting a billing run shows its progress bar, polled by htmx until
the worker has made the bills; the votes page (turnout, no tally) and the repairs queue, with an action taken on a
repair. Screenshots: var/screenshots/property-arrears.png, property-votes.png, property-repairs.png.

The demo estate's housing (homes, votes, repairs) is seeded with this module's own users (phones +8613930009xxx),
not `seed_demo`'s, so that nothing else of the served app's database changes."""

from __future__ import annotations

import re
from typing import Any
from uuid import UUID

from api.config import auth_config
from api.db import connect, create_pool
from housing import billing
from housing.demo import DEMO_ESTATE_ID, seed_demo_estate, seed_demo_repairs, seed_demo_votes
from identity import service
from identity.models import RequestContext, RoleGrant
from tests.console.conftest import SCREENSHOTS, LiveServer, run_async
from tests.housing.money_fixtures import fee_item, make_estate
from tests.identity.helpers import last_code

MANAGER = "13930009001"
RESIDENT = "+8613930009002"
COMMITTEE = "+8613930009003"
STAFF = "+8613930009004"


async def _setup(server: LiveServer) -> UUID:
    """An estate of two buildings billed for October 2026 (due at once: every home in arrears), the demo estate's
    homes, votes and repairs, and the manager of both; the first estate's id."""
    conn = await connect(server.settings)
    config = auth_config(server.settings)
    ctx = RequestContext(actor_label="tests")
    try:
        estate = await make_estate(conn, name="浏览器测试小区", district="110105")
        await fee_item(conn, estate, kind="property", name="物业费", price_fen=250, due_days=0)
        async with conn.transaction():
            run, _ = await billing.create_run(conn, estate.id, "2026-10", None)
        pool = await create_pool(server.settings)
        try:
            await billing.execute_run(pool, run.id)
        finally:
            await pool.close()
        async with conn.transaction():
            demo = str(DEMO_ESTATE_ID)
            manager = await service.create_user(
                conn, config, "+86" + MANAGER,
                [RoleGrant(role="property_manager", scope_kind="estate", scope_id=str(estate.id)),
                 RoleGrant(role="property_manager", scope_kind="estate", scope_id=demo)],
                ctx, display_name="物业经理 测试",
            )  # fmt: skip
            resident = await service.create_user(conn, config, RESIDENT, [RoleGrant(role="resident")], ctx)
            committee = await service.create_user(
                conn,
                config,
                COMMITTEE,
                [RoleGrant(role="owners_committee", scope_kind="estate", scope_id=demo)],
                ctx,
            )
            staff = await service.create_user(
                conn, config, STAFF, [RoleGrant(role="property_staff", scope_kind="estate", scope_id=demo)], ctx,
                display_name="维修师傅 测试",
            )  # fmt: skip
            await seed_demo_estate(conn, RESIDENT, resident.id)
            await seed_demo_votes(conn, committee.id)
            await seed_demo_repairs(conn, config, resident.id, staff.id, manager.id)
        return estate.id
    finally:
        await conn.close()


async def _code(server: LiveServer) -> str:
    conn = await connect(server.settings)
    try:
        return await last_code(conn, "+86" + MANAGER)
    finally:
        await conn.close()


async def _run_worker(server: LiveServer) -> int:
    pool = await create_pool(server.settings)
    try:
        return await billing.run_pending(pool)
    finally:
        await pool.close()


def _fen(text: str) -> int:
    whole, cents = text.replace("¥", "").replace(",", "").split(".")
    return int(whole) * 100 + int(cents)


def test_a_property_managers_arrears_billing_votes_and_repairs(page: Any, live_server: LiveServer) -> None:
    estate_id = run_async(_setup(live_server))
    # sign in: the private page sends to the sign-in, and back
    page.goto(f"/console/property/estates/{estate_id}/arrears")
    page.fill("#phone", MANAGER)
    page.click("#phone-form button[type=submit]")
    page.wait_for_selector("#code")
    page.fill("#code", run_async(_code(live_server)))
    page.click("#code-form button[type=submit]")
    page.wait_for_url(f"**/console/property/estates/{estate_id}/arrears")

    # the arrears page: each building's figures are its bills past due
    expected = {
        r["building"]: r
        for r in run_async(
            live_server.query(
                """SELECT g.name AS building, count(DISTINCT b.home_id) AS homes, count(*) AS bills,
                          sum(b.amount_fen - b.paid_fen - b.waived_fen) AS owed, min(b.due_date) AS oldest
                   FROM bills b JOIN homes h ON h.id = b.home_id JOIN buildings g ON g.id = h.building_id
                   WHERE b.estate_id = $1 AND b.state IN ('issued', 'partly_paid') GROUP BY g.name""",
                estate_id,
            )
        )
    }
    rows = page.locator("#arrears-table tbody tr")
    assert rows.count() == len(expected) == 2
    for i in range(rows.count()):
        row = rows.nth(i)
        want = expected[row.get_attribute("data-building")]
        assert int(row.locator(".homes").inner_text()) == want["homes"]
        assert int(row.locator(".bills").inner_text()) == want["bills"]
        assert _fen(row.locator(".amount").inner_text()) == want["owed"]
        assert str(want["oldest"]) in row.inner_text()
    assert _fen(page.locator("#arrears-total").inner_text()) == sum(int(r["owed"]) for r in expected.values())
    assert int(page.locator("#arrears-homes").inner_text()) == sum(r["homes"] for r in expected.values())
    page.wait_for_selector("#arrears-chart svg")  # ECharts drew the buildings
    page.screenshot(path=str(SCREENSHOTS / "property-arrears.png"), full_page=True)

    # a billing run for November: its progress bar follows the worker until the run is completed
    page.click("a[data-tab=billing]")
    page.fill("#period", "2026-11")
    page.click("#run-form button[type=submit]")
    page.wait_for_selector(".run-started .run-progress[data-state=pending]")
    assert "2026-11" in page.locator(".run-started .notice").inner_text()
    assert run_async(_run_worker(live_server)) == 1
    page.wait_for_selector(".run-started .run-progress[data-state=completed]", timeout=10_000)
    assert page.locator(".run-started progress").get_attribute("value") == "6"

    # the demo estate's open vote: turnout only, no tally; its chart per building
    page.goto(f"/console/property/estates/{DEMO_ESTATE_ID}/votes")
    page.locator("#matters a").first.wait_for()
    matter = run_async(
        live_server.query(
            "SELECT id FROM vote_matters WHERE estate_id = $1 AND state IN ('noticed', 'open') LIMIT 1",
            DEMO_ESTATE_ID,
        )
    )[0]["id"]
    page.goto(f"/console/property/votes/{matter}")
    page.wait_for_selector("#turnout .chart svg")
    assert page.locator("#no-tally").is_visible() and page.locator("#vote-result").count() == 0
    assert re.fullmatch(r"\d+ / \d+", page.locator("#turnout-heads").inner_text())
    page.screenshot(path=str(SCREENSHOTS / "property-votes.png"), full_page=True)

    # the repairs queue, and accepting a reported repair on the version shown
    page.goto(f"/console/property/estates/{DEMO_ESTATE_ID}/repairs")
    page.wait_for_selector("#repairs")
    page.screenshot(path=str(SCREENSHOTS / "property-repairs.png"), full_page=True)
    reported = run_async(
        live_server.query(
            "SELECT id, version FROM repairs WHERE estate_id = $1 AND state = 'reported' LIMIT 1",
            DEMO_ESTATE_ID,
        )
    )[0]
    page.goto(f"/console/property/repairs/{reported['id']}")
    page.fill("form[data-action=accept] input[name=note]", "已安排师傅")
    page.click("form[data-action=accept] button[type=submit]")
    page.wait_for_selector("#repair[data-state=accepted]")
    assert page.locator("#repair .notice").is_visible()
    version = run_async(live_server.query("SELECT version FROM repairs WHERE id = $1", reported["id"]))[0]
    assert version["version"] == reported["version"] + 1
    assert page.csp_violations == []
