"""`cityloop db seed-demo` loads the demo estate: buildings, a few hundred homes, the owners register, the demo
resident bound to their home, and its money: fee items, the bills of the last full month and of the current
month, some paid through WeChat Pay or Alipay, the demo resident's home left owing; running it again adds nothing
and the ledger checks out."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
from litestar.testing import AsyncTestClient

from api.config import auth_config
from api.demo import DEMO_USERS, seed_demo
from api.settings import Settings
from housing.demo import DEMO_ESTATE_ID, REPAIR_REPORTERS, RESIDENT_HOME, register_csv, seed_demo_estate
from housing.providers.base import CHINA_TZ
from housing.register_file import parse_register
from identity import service as identity
from identity.models import RequestContext
from tests.housing.money_fixtures import check_ok
from tests.identity.helpers import bearer

TABLES = (
    "estates",
    "estate_fee_standards",
    "buildings",
    "homes",
    "home_owners",
    "home_bindings",
    "register_imports",
    "fee_items",
    "billing_runs",
    "bills",
    "bill_events",
    "ledger_entries",
    "ledger_lines",
    "ledger_accounts",
)
RESIDENT_PHONE = next(p for p, _, role, _ in DEMO_USERS if role == "resident")


async def counts(db: asyncpg.Connection) -> dict[str, int]:
    return {t: await db.fetchval(f"SELECT count(*) FROM {t}") for t in TABLES}


def test_the_demo_register_is_a_clean_gbk_file() -> None:
    parsed = parse_register(register_csv("+8613800138009"))
    assert parsed.problems == [] and parsed.encoding == "gb18030"
    assert parsed.total == len(parsed.rows) == 336
    assert sum(1 for r in parsed.rows if r.owners[0].kind == "developer") > 5
    assert sum(1 for r in parsed.rows if len(r.owners) > 1) > 5


async def test_seed_demo_loads_the_estate_once_and_binds_the_demo_resident(
    client: AsyncTestClient[Any], db: asyncpg.Connection, settings: Settings
) -> None:
    async with db.transaction():
        await seed_demo(db, auth_config(settings))
    first = await counts(db)
    assert first["estates"] == 1 and first["buildings"] == 6 and first["homes"] == 336
    # the demo resident's binding, and those of the owners who report the demo's repairs
    assert first["home_owners"] > 336 and first["home_bindings"] == 1 + len(REPAIR_REPORTERS)
    assert first["register_imports"] == 1
    # two fee items billed by two runs, and the repair item of the demo resident's paid repair with its one bill
    assert first["fee_items"] == 3 and first["billing_runs"] == 2 and first["bills"] == 2 * 2 * 336 + 1
    async with db.transaction():
        await seed_demo(db, auth_config(settings))
    assert await counts(db) == first
    await check_ok(db)
    page = (await client.get(f"/v1/estates/{DEMO_ESTATE_ID}")).json()
    assert page["district_code"] == "110101" and page["homes"] == 336 and len(page["fee_standards"]) == 5
    phone = next(p for p, _, role, _ in DEMO_USERS if role == "resident")
    tokens = await identity.issue_tokens_for(
        db, auth_config(settings), phone, RequestContext(actor_label="tests")
    )
    mine = (await client.get("/v1/me/homes", headers=bearer(tokens.access_token))).json()
    (binding,) = mine["items"]
    assert (binding["state"], binding["relation"], binding["via"]) == ("active", "owner", "register")
    assert (binding["home"]["building"], binding["home"]["entrance"], binding["home"]["room"]) == (
        "3号楼",
        "2单元",
        "1202",
    )
    staff_phone = next(p for p, _, role, _ in DEMO_USERS if role == "property_staff")
    staff = await identity.issue_tokens_for(
        db, auth_config(settings), staff_phone, RequestContext(actor_label="tests")
    )
    r = await client.get(
        f"/v1/estates/{DEMO_ESTATE_ID}/bindings",
        params={"state": "active"},
        headers=bearer(staff.access_token),
    )
    assert r.status_code == 200 and binding["id"] in [b["id"] for b in r.json()["items"]]
    assert len(r.json()["items"]) == 1 + len(REPAIR_REPORTERS)


async def test_the_demo_fund_is_open_with_an_emergency_repair_drawn_on_the_lift_building(
    client: AsyncTestClient[Any], db: asyncpg.Connection, settings: Settings
) -> None:
    async with db.transaction():
        await seed_demo(db, auth_config(settings))
    async with db.transaction():
        await seed_demo(db, auth_config(settings))  # again: nothing added
    projects = await db.fetch(
        "SELECT state, emergency, budget_fen, scope_building_ids FROM fund_projects WHERE estate_id = $1 "
        "ORDER BY created_at",
        DEMO_ESTATE_ID,
    )
    assert [(p["state"], p["emergency"]) for p in projects] == [("approved", True), ("raised", False)]
    (lift,) = projects[0]["scope_building_ids"]
    drawn = await db.fetchval("SELECT sum(spent_fen) FROM fund_project_homes")
    assert drawn == projects[0]["budget_fen"]  # the apportionment adds up to the fen
    assert await db.fetchval(
        "SELECT bool_and(b.id = $1) FROM fund_project_homes p JOIN homes h ON h.id = p.home_id "
        "JOIN buildings b ON b.id = h.building_id",
        lift,
    )
    await check_ok(db)
    phone = next(p for p, _, role, _ in DEMO_USERS if role == "resident")
    tokens = await identity.issue_tokens_for(
        db, auth_config(settings), phone, RequestContext(actor_label="tests")
    )
    (binding,) = (await client.get("/v1/me/homes", headers=bearer(tokens.access_token))).json()["items"]
    r = await client.get(f"/v1/homes/{binding['home']['home_id']}/fund", headers=bearer(tokens.access_token))
    assert r.status_code == 200, r.text
    titles = [line.get("project_title") for line in r.json()["items"]]
    assert (
        f"{RESIDENT_HOME[0]}屋面渗漏应急维修" in titles
    )  # the resident's home is in 3号楼, the repaired one


def _months() -> tuple[str, str]:
    this_month = datetime.now(CHINA_TZ).date().replace(day=1)
    return f"{this_month - timedelta(days=1):%Y-%m}", f"{this_month:%Y-%m}"


async def test_the_demo_bills_last_month_and_this_month_and_pays_some_but_not_the_residents(
    client: AsyncTestClient[Any], db: asyncpg.Connection, settings: Settings
) -> None:
    async with db.transaction():
        await seed_demo(db, auth_config(settings))
    last, current = _months()
    runs = await db.fetch(
        "SELECT period, state, homes_done, bills_created, credit_applied_fen FROM billing_runs"
    )
    assert {r["period"]: (r["state"], r["homes_done"], r["bills_created"]) for r in runs} == {
        last: ("completed", 336, 672),
        current: ("completed", 336, 672),
    }
    # the homes that paid three months ahead had this month's bills paid from their credit by the run
    assert next(r for r in runs if r["period"] == current)["credit_applied_fen"] > 0
    items = await db.fetch("SELECT kind, name, price_fen FROM fee_items WHERE estate_id = $1", DEMO_ESTATE_ID)
    assert {(r["kind"], r["name"], r["price_fen"]) for r in items} == {
        ("property", "物业服务费", 265),
        ("flat", "生活垃圾处理费", 300),
        ("repair", "有偿维修（报修）", 0),  # the paid repairs' item: no run prices it
    }
    states = {
        (r["period"], r["state"]): r["n"]
        for r in await db.fetch("SELECT period, state, count(*) AS n FROM bills GROUP BY period, state")
    }
    assert states[(last, "paid")] > 672 * 0.6 and states[(last, "issued")] > 672 * 0.1
    assert 672 * 0.2 < states[(current, "paid")] < 672 * 0.5
    # every payment is an entry of a provider's clearing account with the provider's transaction number; every
    # bill paid has its pay event naming that number, or was paid from credit paid ahead
    payments = await db.fetch(
        """SELECT e.ref, a.provider FROM ledger_entries e JOIN ledger_lines l ON l.entry_id = e.id
           JOIN ledger_accounts a ON a.id = l.account_id
           WHERE e.kind = 'payment' AND a.kind = 'clearing'"""
    )
    assert {p["provider"] for p in payments} == {"wechat", "alipay"} and len(payments) > 300
    for p in payments:
        pattern = r"4200\d{24}" if p["provider"] == "wechat" else r"\d{8}22001\d{15}"
        assert re.fullmatch(pattern, p["ref"]), p
    how_paid = await db.fetch(
        """SELECT b.period, bool_or(v.action LIKE 'pay%' AND v.ref IS NOT NULL) AS by_provider,
                  bool_or(v.action LIKE 'credit%') AS by_credit
           FROM bills b JOIN bill_events v ON v.bill_id = b.id WHERE b.state = 'paid' GROUP BY b.id"""
    )
    assert all(r["by_provider"] or r["by_credit"] for r in how_paid)
    assert any(r["by_credit"] and r["period"] == current for r in how_paid)
    await check_ok(db)

    # the demo resident owes both months: two bills each, nothing paid
    tokens = await identity.issue_tokens_for(
        db, auth_config(settings), RESIDENT_PHONE, RequestContext(actor_label="tests")
    )
    r = await client.get("/v1/me/bills", headers=bearer(tokens.access_token))
    assert r.status_code == 200
    bills = r.json()["items"]
    assert sorted((b["period"], b["fee_kind"], b["state"]) for b in bills if b["fee_kind"] != "repair") == [
        (last, "flat", "issued"),
        (last, "property", "issued"),
        (current, "flat", "issued"),
        (current, "property", "issued"),
    ]
    assert [b["amount_fen"] for b in bills if b["fee_kind"] == "repair"] == [5800]  # their paid repair
    assert all(b["outstanding_fen"] == b["amount_fen"] > 0 for b in bills)
    # last month's bills were due on the 15th: the manager sees arrears, the resident's home among them
    manager = next(p for p, _, role, _ in DEMO_USERS if role == "property_manager")
    staff = await identity.issue_tokens_for(
        db, auth_config(settings), manager, RequestContext(actor_label="tests")
    )
    r = await client.get(f"/v1/estates/{DEMO_ESTATE_ID}/arrears", headers=bearer(staff.access_token))
    assert r.status_code == 200
    arrears = r.json()
    assert 30 < arrears["homes"] < 336 and arrears["outstanding_fen"] > 0
    homes: list[dict[str, Any]] = []
    cursor = None
    while True:
        r = await client.get(
            f"/v1/estates/{DEMO_ESTATE_ID}/arrears/homes",
            params={"limit": 100, **({"cursor": cursor} if cursor else {})},
            headers=bearer(staff.access_token),
        )
        assert r.status_code == 200
        homes += r.json()["items"]
        cursor = r.json()["next_cursor"]
        if not cursor:
            break
    assert len(homes) == arrears["homes"]
    assert (RESIDENT_HOME[0], RESIDENT_HOME[1], RESIDENT_HOME[2]) in {
        (h["building"], h["entrance"], h["room"]) for h in homes
    }


async def test_the_demo_run_again_next_month_bills_only_the_new_month(db: asyncpg.Connection) -> None:
    async with db.transaction():
        await seed_demo_estate(db, RESIDENT_PHONE, None, today=date(2026, 11, 20))
    before = await counts(db)
    snapshot = "SELECT id, state, paid_fen, version FROM bills ORDER BY id"
    october_november = await db.fetch(snapshot)
    async with db.transaction():
        await seed_demo_estate(db, RESIDENT_PHONE, None, today=date(2026, 11, 30))  # the same month: nothing
    assert await counts(db) == before
    async with db.transaction():
        await seed_demo_estate(db, RESIDENT_PHONE, None, today=date(2026, 12, 3))
    periods = await db.fetch("SELECT period, count(*) AS n FROM bills GROUP BY period ORDER BY period")
    assert [(r["period"], r["n"]) for r in periods] == [("2026-10", 672), ("2026-11", 672), ("2026-12", 672)]
    # October and November were billed and paid already and stay as they were; December's bills are paid now
    assert [tuple(r) for r in await db.fetch(snapshot) if r["id"] in {b["id"] for b in october_november}] == [
        tuple(r) for r in october_november
    ]
    assert await db.fetchval("SELECT count(*) FROM bills WHERE state = 'paid' AND period = '2026-12'") > 100
    await check_ok(db)


def test_the_dev_services_point_the_api_at_the_payment_fakes_and_the_test_services_do_not() -> None:
    # `make run` sources var/dev/env, written by scripts/services.sh; the tests start their own fakes
    script = (Path(__file__).resolve().parents[2] / "scripts" / "services.sh").read_text(encoding="utf-8")
    assert 'PAYCONF="$VAR/payment_providers.json"' in script
    assert '--config-out "$PAYCONF"' in script
    assert 'want_payments() { [ "$PROFILE" = dev ] &&' in script
    env_block = script[script.index("write_env() {") : script.index("envline() {")]
    assert re.search(
        r'if want_payments; then\n(\s*#.*\n)*\s*envline PAYMENTS_CONFIG_FILE "\$PAYCONF"\n'
        r'\s*envline PAYMENTS_NOTIFY_ORIGIN "http://127\.0\.0\.1:\$\{PORT:-8000\}"\n\s*fi',
        env_block,
    )


async def test_the_demo_repairs_are_in_every_state_and_seeding_again_adds_none(
    client: AsyncTestClient[Any], db: asyncpg.Connection, settings: Settings
) -> None:
    async with db.transaction():
        await seed_demo(db, auth_config(settings))
    snapshot = """SELECT (SELECT count(*) FROM repairs) AS repairs, (SELECT count(*) FROM repair_events) AS events,
                         (SELECT count(*) FROM home_bindings) AS bindings, (SELECT count(*) FROM users) AS users,
                         (SELECT count(*) FROM photos) AS photos"""
    first = await db.fetchrow(snapshot)
    assert first is not None
    async with db.transaction():
        await seed_demo(db, auth_config(settings))  # again: nothing added
    assert await db.fetchrow(snapshot) == first
    rows = await db.fetch(
        "SELECT id, state, kind, urgency, round, reporter_id, rating FROM repairs WHERE estate_id = $1",
        DEMO_ESTATE_ID,
    )
    assert {r["state"] for r in rows} == {"reported", "accepted", "assigned", "handled", "confirmed", "rated"}
    assert any(r["urgency"] == "emergency" for r in rows)
    assert any(r["kind"] == "complaint" for r in rows)
    assert any(r["round"] == 2 and r["state"] == "assigned" for r in rows)  # sent back once: a second round
    assert [r["rating"] for r in rows if r["state"] == "rated"] == [5]
    assert len({r["reporter_id"] for r in rows}) == 1 + len(REPAIR_REPORTERS)
    # every other reporter is a register owner bound to their home, as the demo resident is
    assert await db.fetchval("SELECT count(*) FROM home_bindings WHERE state = 'active'") == 1 + len(
        REPAIR_REPORTERS
    )

    tokens = await identity.issue_tokens_for(
        db, auth_config(settings), RESIDENT_PHONE, RequestContext(actor_label="tests")
    )
    r = await client.get("/v1/me/repairs", params={"limit": 50}, headers=bearer(tokens.access_token))
    assert r.status_code == 200, r.text
    resident_id = await db.fetchval("SELECT id FROM users WHERE phone = $1", RESIDENT_PHONE)
    theirs = {str(x["id"]) for x in rows if x["reporter_id"] == resident_id}
    assert theirs and {x["id"] for x in r.json()["items"]} == theirs
    mine = {x["state"]: x for x in r.json()["items"]}
    assert set(mine) == {"rated", "handled", "reported"}
    assert set(mine["handled"]["allowed_actions"]) == {"rework", "confirm"}  # theirs to try in the app
    # the paid ones: the rated one billed to their home, the handled one showing its charge until they confirm
    assert (mine["rated"]["charge_fen"], mine["handled"]["charge_fen"]) == (5800, 7800)
    assert mine["handled"]["bill_id"] is None
    bill = (
        await client.get(f"/v1/bills/{mine['rated']['bill_id']}", headers=bearer(tokens.access_token))
    ).json()
    assert (bill["fee_kind"], bill["amount_fen"], bill["state"]) == ("repair", 5800, "issued")

    staff_phone = next(p for p, _, role, _ in DEMO_USERS if role == "property_staff")
    staff = await identity.issue_tokens_for(
        db, auth_config(settings), staff_phone, RequestContext(actor_label="tests")
    )
    r = await client.get(
        f"/v1/estates/{DEMO_ESTATE_ID}/repairs", params={"limit": 50}, headers=bearer(staff.access_token)
    )
    assert r.status_code == 200, r.text
    assert {x["id"] for x in r.json()["items"]} == {str(x["id"]) for x in rows}
    assert {x["state"] for x in r.json()["items"]} == {x["state"] for x in rows}
