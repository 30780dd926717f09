"""Fee items, billing runs, bills and their settlement: rounding per line, idempotent and resumable runs,
proration by days, credit, payments oldest first, refunds, waivers and cancellations, late fees, readings."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import date, timedelta
from typing import Any, get_args
from uuid import UUID

import asyncpg
import pytest
from hypothesis import given
from hypothesis import strategies as st
from litestar.testing import AsyncTestClient

from api import cli
from api.db import create_pool
from api.settings import Settings
from housing import billing, bills, fees, ledger, money, readings, settlement
from housing.errors import (
    BillingPeriodOverlaps,
    BillNotFound,
    BillStateConflict,
    BillVersionConflict,
    FeeItemExists,
    InsufficientCredit,
    InvalidAmount,
    InvalidBillingPeriod,
    InvalidFeeItem,
    InvalidProvider,
    ReadingImportRefused,
    RefundTooLarge,
)
from tests.housing.money_fixtures import Estate, auth, bind, check_ok, counts, fee_item, make_estate, person

MANAGER = frozenset({"property_manager"})


@pytest.fixture
async def pool(settings: Settings) -> AsyncIterator[asyncpg.Pool]:
    p = await create_pool(settings)
    try:
        yield p
    finally:
        await p.close()


async def _bill_run(
    db: asyncpg.Connection, pool: asyncpg.Pool, estate: Estate, period: str, **kw: Any
) -> billing.BillingRun:
    async with db.transaction():
        run, _ = await billing.create_run(db, estate.id, period, None)
    return await billing.execute_run(pool, run.id, **kw)


async def _bills(db: asyncpg.Connection, **where: Any) -> list[asyncpg.Record]:
    clauses = " AND ".join(f"b.{k} = ${i}" for i, k in enumerate(where, start=1)) or "true"
    return await db.fetch(
        f"SELECT b.*, f.kind FROM bills b JOIN fee_items f ON f.id = b.fee_item_id WHERE {clauses} "
        "ORDER BY b.home_id, f.kind, b.period_start",
        *where.values(),
    )


# the rules, pure -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("numerator", "denominator", "expected"),
    [
        (5, 2, 3),
        (-5, 2, -3),
        (4, 2, 2),
        (7, 3, 2),
        (8, 3, 3),
        (1, 200, 0),
        (1, 2, 1),
        (149, 100, 1),
        (150, 100, 2),
    ],
)
def test_round_half_up(numerator: int, denominator: int, expected: int) -> None:
    assert money.round_half_up(numerator, denominator) == expected


@pytest.mark.parametrize(
    ("area", "price", "months", "expected"),
    [
        (8950, 250, 1, 22375),  # 89.50 m² × 2.50 yuan = 223.75 yuan exactly
        (6525, 233, 1, 15203),  # 152.0325 yuan -> 152.03
        (10033, 150, 1, 15050),  # 150.495 yuan -> 150.50 (the half goes up)
        (10033, 150, 3, 45149),  # a quarter: 451.485 -> 451.49, rounded once, not 3 × 150.50
        (7777, 199, 1, 15476),  # 154.7623 -> 154.76
    ],
)
def test_a_line_by_area_is_rounded_once(area: int, price: int, months: int, expected: int) -> None:
    assert money.area_line(area, price, months) == expected


def test_water_tiers_follow_the_years_use() -> None:
    # Beijing: 0-180 m³ at 5 yuan, 181-260 at 7, above at 9; 170 m³ used this year, now 100 m³ more
    lines = money.tiered_lines(17000, 10000, [18000, 26000], [500, 700, 900])
    assert [(t.tier, t.quantity, t.amount) for t in lines] == [
        (1, 1000, 5000),
        (2, 8000, 56000),
        (3, 1000, 9000),
    ]
    assert money.tiered_lines(0, 1234, [18000, 26000], [500, 700, 900]) == [
        money.TierLine(1, 1234, 500, 6170)
    ]
    assert money.tiered_lines(0, 1, [18000], [333, 999]) == [money.TierLine(1, 1, 333, 3)]  # 3.33 fen -> 3


def test_the_late_fee_is_rounded_once_per_bill() -> None:
    assert money.late_fee(22375, 5, 30) == 336  # 223.75 yuan × 0.05 % × 30 days = 3.35625 yuan
    assert money.late_fee(0, 5, 30) == 0


@given(
    amount=st.integers(min_value=0, max_value=10**9),
    days=st.lists(st.integers(min_value=1, max_value=92), min_size=1, max_size=6),
)
def test_proration_by_days_always_adds_up(amount: int, days: list[int]) -> None:
    parts = money.prorate_by_days(amount, list(enumerate(days)))
    assert sum(parts.values()) == amount
    whole = sum(days)
    for i, d in enumerate(days):
        assert abs(parts[i] * whole - amount * d) < whole  # each within one fen of its exact share


@pytest.mark.parametrize(
    ("text", "start", "end", "months"),
    [
        ("2026-11", date(2026, 11, 1), date(2026, 12, 1), 1),
        ("2026-12", date(2026, 12, 1), date(2027, 1, 1), 1),
        ("2026-Q4", date(2026, 10, 1), date(2027, 1, 1), 3),
        ("2027-Q1", date(2027, 1, 1), date(2027, 4, 1), 3),
    ],
)
def test_periods(text: str, start: date, end: date, months: int) -> None:
    assert fees.parse_period(text) == fees.Period(text, start, end, months)


@pytest.mark.parametrize(
    "text", ["2026-13", "2026-Q5", "2026-1", "26-11", "2026-11-01", "1999-01", "", "２０２６-11"]
)
def test_bad_periods(text: str) -> None:
    with pytest.raises(InvalidBillingPeriod):
        fees.parse_period(text)


def test_owner_spans_split_a_period_by_days() -> None:
    owners = [
        fees.OwnerRow(1, date(2020, 1, 1), date(2026, 11, 13)),
        fees.OwnerRow(2, date(2026, 11, 13), None),
        fees.OwnerRow(3, date(2026, 11, 13), None),  # a co-owner of the buyer
    ]
    spans = fees.owner_spans(owners, date(2026, 11, 1), date(2026, 12, 1))
    assert spans == [
        ((1,), date(2026, 11, 1), date(2026, 11, 13)),
        ((2, 3), date(2026, 11, 13), date(2026, 12, 1)),
    ]


# fee items ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"kind": "property", "name": "物业费", "price_fen": 0}, "price_fen"),
        ({"kind": "water", "name": "水费", "tiers": [{"price_fen": 500, "up_to": 18000}]}, "tiers"),
        ({"kind": "water", "name": "水费", "tiers": [{"price_fen": 500}, {"price_fen": 700}]}, "tiers"),
        (
            {
                "kind": "water",
                "name": "水费",
                "tiers": [{"price_fen": 5, "up_to": 9}, {"price_fen": 7, "up_to": 8}, {"price_fen": 9}],
            },
            "tiers",
        ),
        ({"kind": "water", "name": "水费", "price_fen": 5, "tiers": [{"price_fen": 500}]}, "price_fen"),
        ({"kind": "heating", "name": "采暖费", "price_fen": 3000}, "season"),
        (
            {
                "kind": "heating",
                "name": "采暖费",
                "price_fen": 3000,
                "season": {"start": "02-29", "end": "03-15"},
            },
            "season.start",
        ),
        (
            {
                "kind": "property",
                "name": "物业费",
                "price_fen": 250,
                "season": {"start": "11-15", "end": "03-15"},
            },
            "season",
        ),
        ({"kind": "property", "name": "物业费", "price_fen": 250, "tiers": [{"price_fen": 1}]}, "tiers"),
        ({"kind": "parking", "name": "车位", "price_fen": 30000}, "applies_to"),
        ({"kind": "property", "name": "物业费", "price_fen": 250, "applies_to": "assigned"}, "applies_to"),
        ({"kind": "late_fee", "name": "滞纳金", "price_fen": 101}, "price_fen"),
        ({"kind": "property", "name": "物业费", "price_fen": 250, "grace_days": 5}, "grace_days"),
    ],
)
async def test_a_fee_item_that_does_not_fit_its_kind_is_refused(
    db: asyncpg.Connection, fields: dict[str, Any], field: str
) -> None:
    estate = await make_estate(db)
    before = await counts(db)
    with pytest.raises(InvalidFeeItem) as caught:
        await fee_item(db, estate, **fields)
    assert caught.value.fields == [{"field": field, "code": "invalid_fee_item"}]
    assert await counts(db) == before


async def test_fee_item_names_are_unique_and_one_late_fee_per_estate(db: asyncpg.Connection) -> None:
    estate = await make_estate(db)
    await fee_item(db, estate, kind="property", name="物业费", price_fen=250)
    await fee_item(db, estate, kind="late_fee", name="滞纳金", price_fen=5)
    before = await counts(db)
    with pytest.raises(FeeItemExists):
        await fee_item(db, estate, kind="flat", name="物业费", price_fen=100)
    with pytest.raises(FeeItemExists):
        await fee_item(db, estate, kind="late_fee", name="滞纳金二", price_fen=3)
    assert await counts(db) == before


# billing runs -------------------------------------------------------------------------------------------------------


async def test_a_billing_run_bills_every_home_once_per_item_and_period(
    db: asyncpg.Connection, pool: asyncpg.Pool
) -> None:
    estate = await make_estate(db)
    item = await fee_item(db, estate, kind="property", name="物业费", price_fen=233, due_days=15)
    run = await _bill_run(db, pool, estate, "2026-11")
    assert run.state == "completed" and run.homes_done == 6 and run.bills_created == 6
    rows = await _bills(db)
    expected = {h: money.area_line(estate.areas[h], 233) for h in estate.homes}
    assert {r["home_id"]: r["amount_fen"] for r in rows} == expected
    assert run.amount_fen == sum(expected.values())
    assert {r["due_date"] for r in rows} == {date(2026, 11, 16)}
    assert {r["state"] for r in rows} == {"issued"}
    # each bill's entry: the home's receivable debited, the item's revenue credited
    for r in rows:
        assert (
            await ledger.balance(db, ledger.home_account("receivable", estate.id, r["home_id"]))
            == r["amount_fen"]
        )
    assert await ledger.balance(db, ledger.revenue_account(estate.id, item.id)) == -run.amount_fen
    await check_ok(db)
    # running it twice, or asking for the period again, makes no second bill
    before = await counts(db)
    again = await billing.execute_run(pool, run.id)
    async with db.transaction():
        same, made = await billing.create_run(db, estate.id, "2026-11", None)
    assert same.id == run.id and not made and again.bills_created == 6
    assert await counts(db) == before


async def test_a_run_interrupted_half_way_leaves_whole_batches_and_a_rerun_completes_it(
    db: asyncpg.Connection, pool: asyncpg.Pool
) -> None:
    estate = await make_estate(db, buildings=3, homes_per_building=3)  # 9 homes
    await fee_item(db, estate, kind="property", name="物业费", price_fen=250)
    await fee_item(db, estate, kind="flat", name="垃圾清运费", price_fen=1000)
    async with db.transaction():
        run, _ = await billing.create_run(db, estate.id, "2026-11", None)
    with pytest.raises(billing.RunInterrupted):
        await billing.execute_run(pool, run.id, batch_homes=2, parallel=2, stop_after=1)
    stopped = await billing.get_run(db, run.id)
    assert stopped.state == "running" and stopped.homes_done == 4 and stopped.bills_created == 8
    rows = await _bills(db)
    assert len(rows) == 8 and len({r["home_id"] for r in rows}) == 4
    # nothing half-written: every bill has its entry and its event, and the ledger proves it
    assert await db.fetchval("SELECT count(*) FROM ledger_entries WHERE kind = 'bill'") == 8
    assert (
        await db.fetchval(
            "SELECT count(*) FROM bills b WHERE EXISTS "
            "(SELECT 1 FROM ledger_entries e WHERE e.bill_id = b.id AND e.kind = 'bill')"
        )
        == 8
    )
    await check_ok(db)
    # a batch that fails in its middle leaves nothing of itself
    async with db.transaction():
        await db.execute(
            """CREATE FUNCTION fail_sixth_bill() RETURNS trigger LANGUAGE plpgsql AS $$
               BEGIN IF (SELECT count(*) FROM bills) >= 10 THEN RAISE EXCEPTION 'disk full'; END IF; RETURN NEW; END $$;
               CREATE TRIGGER fail_sixth_bill BEFORE INSERT ON bills FOR EACH ROW EXECUTE FUNCTION fail_sixth_bill();"""
        )
    with pytest.raises(asyncpg.RaiseError, match="disk full"):
        await billing.execute_run(pool, run.id, batch_homes=2, parallel=2)
    assert len(await _bills(db)) == 8
    await db.execute("DROP TRIGGER fail_sixth_bill ON bills")
    done = await billing.execute_run(pool, run.id, batch_homes=2, parallel=2)
    assert done.state == "completed" and done.homes_done == 9 and done.bills_created == 18
    rows = await _bills(db)
    assert len(rows) == 18 and len({(r["home_id"], r["fee_item_id"]) for r in rows}) == 18
    await check_ok(db)


async def test_overlapping_periods_are_refused(db: asyncpg.Connection, pool: asyncpg.Pool) -> None:
    estate = await make_estate(db)
    await fee_item(db, estate, kind="property", name="物业费", price_fen=250)
    await _bill_run(db, pool, estate, "2026-11")
    before = await counts(db)
    with pytest.raises(BillingPeriodOverlaps) as caught:
        async with db.transaction():
            await billing.create_run(db, estate.id, "2026-Q4", None)
    assert caught.value.context == {"period": "2026-11"}
    assert await counts(db) == before


async def test_a_home_sold_mid_period_is_prorated_by_days(db: asyncpg.Connection, pool: asyncpg.Pool) -> None:
    estate = await make_estate(db, buildings=1, homes_per_building=1, areas=[10033])
    home = estate.homes[0]
    async with db.transaction():
        await db.execute("UPDATE home_owners SET owned_until = '2026-11-13' WHERE home_id = $1", home)
        await db.execute(
            "INSERT INTO home_owners (home_id, kind, name, owned_from) VALUES ($1, 'person', '买家', '2026-11-13')",
            home,
        )
    await fee_item(db, estate, kind="property", name="物业费", price_fen=150)
    await _bill_run(db, pool, estate, "2026-11")
    (bill,) = await _bills(db)
    whole = money.area_line(10033, 150)  # 15050 fen for the month, as for one owner
    assert bill["amount_fen"] == whole
    lines = bill["lines"]
    assert [(x["days"], x["of_days"], x["start"], x["end"]) for x in lines] == [
        (12, 30, "2026-11-01", "2026-11-12"),
        (18, 30, "2026-11-13", "2026-11-30"),
    ]
    assert [x["amount_fen"] for x in lines] == [6020, 9030]  # 15050 × 12/30 = 6020, × 18/30 = 9030
    assert sum(x["amount_fen"] for x in lines) == whole


async def test_parking_heating_water_and_flat_items(db: asyncpg.Connection, pool: asyncpg.Pool) -> None:
    estate = await make_estate(db, buildings=1, homes_per_building=3, areas=[8950, 12000, 6525])
    a, b, c = estate.homes
    parking = await fee_item(
        db, estate, kind="parking", name="车位管理费", price_fen=15000, applies_to="assigned"
    )
    async with db.transaction():
        await billing.set_item_homes(
            db, parking.id, fees.FeeItemHomes(homes=[fees.FeeItemHome(home_id=a, quantity=2)])
        )
    heating = await fee_item(
        db, estate, kind="heating", name="采暖费", price_fen=3000, season={"start": "11-15", "end": "03-15"}
    )
    water = await fee_item(
        db,
        estate,
        kind="water",
        name="水费",
        tiers=[{"price_fen": 500, "up_to": 18000}, {"price_fen": 700, "up_to": 26000}, {"price_fen": 900}],
    )
    csv_text = (
        "楼栋,单元,房号,抄表日期,读数\n"
        "1号楼,,101,2025-12-31,1000\n"
        "1号楼,,101,2026-10-31,1170\n"
        "1号楼,,101,2026-11-30,1270.5\n"
        "1号楼,,201,2026-10-31,0\n"
    )
    async with db.transaction():
        report = await readings.import_readings(
            db, water.id, csv_text.encode("gbk"), file_name="readings.csv", today=date(2026, 12, 1)
        )
    assert (report.outcome, report.created, report.encoding) == ("imported", 4, "gb18030")
    await _bill_run(db, pool, estate, "2026-11")
    by = {(r["home_id"], r["kind"]): r for r in await _bills(db)}
    assert by[(a, "parking")]["amount_fen"] == 2 * 15000
    assert (b, "parking") not in by and (c, "parking") not in by
    # the season 2026-11-15 .. 2027-03-15 starts in November: billed whole, area × price once
    assert by[(c, "heating")]["amount_fen"] == money.area_line(6525, 3000)
    assert "months" not in by[(c, "heating")]["lines"][0]
    # 170 m³ earlier this year, 100.50 m³ now: 10 m³ at tier 1, 80 at tier 2, 10.50 at tier 3
    assert [(x["tier"], x["quantity"], x["amount_fen"]) for x in by[(a, "water")]["lines"]] == [
        (1, 1000, 5000),
        (2, 8000, 56000),
        (3, 1050, 9450),
    ]
    assert (b, "water") not in by  # a first reading is the base: nothing used yet
    await check_ok(db)
    # December: no new season, no new readings: only parking
    await _bill_run(db, pool, estate, "2026-12")
    december = await _bills(db, period="2026-12")
    assert [(r["home_id"], r["kind"]) for r in december] == [(a, "parking")]
    assert heating.id and water.id


async def test_readings_with_problems_are_refused_whole(db: asyncpg.Connection) -> None:
    estate = await make_estate(db, buildings=1, homes_per_building=2)
    water = await fee_item(db, estate, kind="water", name="水费", tiers=[{"price_fen": 500}])
    async with db.transaction():
        await readings.import_readings(
            db, water.id, b"building,room,read_on,reading\n1\xe5\x8f\xb7\xe6\xa5\xbc,101,2026-10-31,500\n",
            file_name="base.csv", today=date(2026, 12, 1),
        )  # fmt: skip
    before = await counts(db)
    text = (
        "building,room,read_on,reading\n"
        "1号楼,101,2026-11-30,400\n"  # lower than 500 on 10-31: the meter ran backwards
        "1号楼,999,2026-11-30,1\n"  # no such home
        "1号楼,201,2026-11-31,1\n"  # no such day
        "1号楼,201,2026-11-29,-1\n"  # negative
        "1号楼,201,2026-11-28,1.234\n"  # three decimals
        "1号楼,201,2027-01-01,1\n"  # in the future
        "1号楼,201,2026-11-20,5\n"
        "1号楼,201,2026-11-20,6\n"  # the same home and day twice
    )
    with pytest.raises(ReadingImportRefused) as caught:
        async with db.transaction():
            await readings.import_readings(
                db, water.id, text.encode(), file_name="bad.csv", today=date(2026, 12, 1)
            )
    report = readings.refused_report(caught.value)
    assert sorted((p.row, p.problem) for p in report.problems) == [
        (2, "meter_backwards"),
        (3, "unknown_home"),
        (4, "bad_date"),
        (5, "bad_reading"),
        (6, "bad_reading"),
        (7, "future_date"),
        (9, "duplicate_reading"),
    ]
    assert await counts(db) == before
    for raw, problem in [
        (b"", "no_rows"),
        (b"building,room,reading\n1,101,5\n", "missing_column"),
        (b"\xff\xfe\x00\xd8", "unreadable_encoding"),
    ]:
        with pytest.raises(ReadingImportRefused) as caught:
            await readings.import_readings(db, water.id, raw, file_name="x.csv", today=date(2026, 12, 1))
        assert readings.refused_report(caught.value).problems[0].problem == problem


# settling bills -----------------------------------------------------------------------------------------------------


async def _two_months(
    db: asyncpg.Connection, pool: asyncpg.Pool
) -> tuple[Estate, UUID, list[asyncpg.Record]]:
    estate = await make_estate(db, buildings=1, homes_per_building=2, areas=[10000, 8000])
    await fee_item(
        db, estate, kind="property", name="物业费", price_fen=300
    )  # 300.00 yuan a month for home 1
    await _bill_run(db, pool, estate, "2026-10")
    await _bill_run(db, pool, estate, "2026-11")
    home = estate.homes[0]
    return estate, home, await _bills(db, home_id=home)


async def test_a_payment_pays_the_oldest_bills_first_and_holds_the_rest_as_credit(
    db: asyncpg.Connection, pool: asyncpg.Pool
) -> None:
    estate, home, (october, november) = await _two_months(db, pool)
    async with db.transaction():
        first = await settlement.apply_payment(
            db, home_id=home, amount_fen=40_000, provider="wechat", ref="wx-1"
        )
    assert [(a.bill_id, a.amount_fen, a.state) for a in first.applied] == [
        (october["id"], 30_000, "paid"),
        (november["id"], 10_000, "partly_paid"),
    ]
    assert first.credit_added_fen == 0
    async with db.transaction():
        second = await settlement.apply_payment(
            db, home_id=home, amount_fen=50_000, provider="wechat", ref="wx-2"
        )
    assert [(a.amount_fen, a.state) for a in second.applied] == [(20_000, "paid")]
    assert (second.credit_added_fen, second.credit_fen) == (30_000, 30_000)
    assert await ledger.balance(db, ledger.clearing_account(estate.id, "wechat")) == 90_000
    assert await ledger.balance(db, ledger.home_account("receivable", estate.id, home)) == 0
    assert await settlement.home_credit(db, home) == 30_000
    events = await db.fetch(
        "SELECT action, amount_fen, ref FROM bill_events WHERE bill_id = $1 ORDER BY id", november["id"]
    )
    assert [(e["action"], e["amount_fen"], e["ref"]) for e in events] == [
        ("pay_part", 10_000, "wx-1"),
        ("pay_full", 20_000, "wx-2"),
    ]
    await check_ok(db)
    # the credit pays December's bill as soon as it is made, oldest first
    run = await _bill_run(db, pool, estate, "2026-12")
    assert run.credit_applied_fen == 30_000
    (december,) = await _bills(db, home_id=home, period="2026-12")
    assert (december["state"], december["paid_fen"]) == ("paid", 30_000)
    assert await settlement.home_credit(db, home) == 0
    await check_ok(db)


async def test_credit_paid_ahead_is_applied_partly_and_kept(
    db: asyncpg.Connection, pool: asyncpg.Pool
) -> None:
    estate = await make_estate(db, buildings=1, homes_per_building=1, areas=[10000])
    home = estate.homes[0]
    await fee_item(db, estate, kind="property", name="物业费", price_fen=300)
    async with db.transaction():
        ahead = await settlement.apply_payment(
            db, home_id=home, amount_fen=12_345, provider="alipay", ref="ali-1"
        )
    assert ahead.applied == [] and ahead.credit_fen == 12_345
    await _bill_run(db, pool, estate, "2026-11")
    (bill,) = await _bills(db)
    assert (bill["state"], bill["paid_fen"]) == ("partly_paid", 12_345)
    events = await db.fetch("SELECT action FROM bill_events WHERE bill_id = $1 ORDER BY id", bill["id"])
    assert [e["action"] for e in events] == ["credit_part"]
    await check_ok(db)


async def test_a_payment_for_named_bills_and_a_second_payment_of_a_paid_bill(
    db: asyncpg.Connection, pool: asyncpg.Pool
) -> None:
    estate, home, (october, november) = await _two_months(db, pool)
    async with db.transaction():
        paid = await settlement.apply_payment(
            db, home_id=home, amount_fen=30_000, provider="wechat", ref="wx-1", bill_ids=[november["id"]]
        )
    assert [(a.bill_id, a.state) for a in paid.applied] == [(november["id"], "paid")]
    # paid again through another channel: nothing left to pay on it, so it is credit, refundable
    async with db.transaction():
        twice = await settlement.apply_payment(
            db, home_id=home, amount_fen=30_000, provider="alipay", ref="ali-9", bill_ids=[november["id"]]
        )
    assert twice.applied == [] and twice.credit_added_fen == 30_000
    async with db.transaction():
        refund = await settlement.refund_credit(
            db, home_id=home, amount_fen=30_000, provider="alipay", ref="ali-9-r", reason="paid twice"
        )
    assert refund.credit_fen == 0
    assert await ledger.balance(db, ledger.clearing_account(estate.id, "alipay")) == 0
    october_now = (await _bills(db, id=october["id"]))[0]
    assert october_now["state"] == "issued"
    await check_ok(db)


async def test_payments_refuse_bad_input_and_write_nothing(
    db: asyncpg.Connection, pool: asyncpg.Pool
) -> None:
    estate, home, (october, _) = await _two_months(db, pool)
    other_home = estate.homes[1]
    (others_bill,) = await _bills(db, home_id=other_home, period="2026-10")
    before = await counts(db)
    cases: list[tuple[dict[str, Any], type[Exception]]] = [
        ({"amount_fen": -100}, InvalidAmount),
        ({"amount_fen": 0}, InvalidAmount),
        ({"amount_fen": 99.5}, InvalidAmount),
        ({"amount_fen": 10**13}, InvalidAmount),
        ({"amount_fen": 100, "provider": "WeChat Pay"}, InvalidProvider),
        ({"amount_fen": 100, "bill_ids": [others_bill["id"]]}, BillNotFound),
    ]
    for overrides, error in cases:
        kwargs: dict[str, Any] = {"home_id": home, "provider": "wechat", "ref": "x", **overrides}
        with pytest.raises(error):
            async with db.transaction():
                await settlement.apply_payment(db, **kwargs)
        assert await counts(db) == before, overrides
    with pytest.raises(InsufficientCredit):
        async with db.transaction():
            await settlement.refund_credit(
                db, home_id=home, amount_fen=1, provider="wechat", ref="r", reason="x"
            )
    with pytest.raises(BillStateConflict):  # nothing was paid on it
        async with db.transaction():
            await settlement.refund_bill(
                db, bill_id=october["id"], amount_fen=1, provider="wechat", ref="r", reason="nothing paid yet"
            )
    assert await counts(db) == before


async def test_refunding_part_of_a_paid_bill(db: asyncpg.Connection, pool: asyncpg.Pool) -> None:
    estate, home, (october, _) = await _two_months(db, pool)
    async with db.transaction():
        await settlement.apply_payment(
            db, home_id=home, amount_fen=30_000, provider="wechat", ref="wx-1", bill_ids=[october["id"]]
        )
    async with db.transaction():
        refund = await settlement.refund_bill(
            db,
            bill_id=october["id"],
            amount_fen=5_000,
            provider="wechat",
            ref="wx-1-r1",
            reason="lift out of order",
        )
    assert (refund.bill_state, refund.amount_fen) == ("paid", 5_000)
    before = await counts(db)
    with pytest.raises(RefundTooLarge) as caught:
        async with db.transaction():
            await settlement.refund_bill(
                db, bill_id=october["id"], amount_fen=25_001, provider="wechat", ref="r2", reason="too much"
            )
    assert caught.value.context["refundable_fen"] == 25_000
    assert await counts(db) == before
    assert await ledger.balance(db, ledger.estate_account("refunds", estate.id)) == 5_000
    assert await ledger.balance(db, ledger.clearing_account(estate.id, "wechat")) == 25_000
    await check_ok(db)


async def test_waiving_and_cancelling_bills(db: asyncpg.Connection, pool: asyncpg.Pool) -> None:
    estate, home, (october, november) = await _two_months(db, pool)
    async with db.transaction():
        await settlement.apply_payment(
            db, home_id=home, amount_fen=10_000, provider="wechat", ref="wx-1", bill_ids=[october["id"]]
        )
    october = (await _bills(db, id=october["id"]))[0]
    before = await counts(db)
    refusals: list[tuple[UUID, int, str, type[Exception]]] = [
        (october["id"], october["version"], "cancel", BillStateConflict),  # something was paid on it
        (october["id"], october["version"] - 1, "waive", BillVersionConflict),
        (UUID(int=5), 1, "waive", BillNotFound),
    ]
    for bill_id, version, action, error in refusals:
        with pytest.raises(error):
            async with db.transaction():
                await bills.decide(
                    db, bill_id, version, bills.BillDecision(action=action, reason="x"),  # type: ignore[arg-type]
                    actor_id=None, roles=MANAGER,
                )  # fmt: skip
        assert await counts(db) == before
    with pytest.raises(BillStateConflict):  # the table's own guard: staff that are not managers
        async with db.transaction():
            await bills.decide(
                db, november["id"], 1, bills.BillDecision(action="cancel", reason="x"),
                actor_id=None, roles=frozenset({"property_staff"}),
            )  # fmt: skip
    async with db.transaction():
        waived = await bills.decide(
            db, october["id"], october["version"], bills.BillDecision(action="waive", reason="困难户减免"),
            actor_id=None, roles=MANAGER,
        )  # fmt: skip
    assert (waived.state, waived.paid_fen, waived.waived_fen, waived.outstanding_fen) == (
        "waived",
        10_000,
        20_000,
        0,
    )
    async with db.transaction():
        cancelled = await bills.decide(
            db, november["id"], november["version"], bills.BillDecision(action="cancel", reason="开错了"),
            actor_id=None, roles=MANAGER,
        )  # fmt: skip
    assert cancelled.state == "cancelled" and [e.action for e in cancelled.events] == ["issue", "cancel"]
    assert await ledger.balance(db, ledger.home_account("receivable", estate.id, home)) == 0
    reversal = await db.fetchrow(
        "SELECT kind, reverses_id FROM ledger_entries WHERE id = $1", cancelled.events[-1].entry_id
    )
    assert reversal["kind"] == "reversal" and reversal["reverses_id"] == cancelled.events[0].entry_id
    # nothing more can happen to a cancelled bill
    with pytest.raises(BillStateConflict):
        async with db.transaction():
            await bills.decide(
                db, november["id"], cancelled.version, bills.BillDecision(action="waive", reason="x"),
                actor_id=None, roles=MANAGER,
            )  # fmt: skip
    await check_ok(db)


def test_every_pair_of_the_bill_table() -> None:
    for state in bills.BILL_STATES:
        for action in get_args(bills.BillAction):
            row = bills.TRANSITIONS.get((state, action))
            if row is None:
                with pytest.raises(BillStateConflict):
                    bills.transition(state, action, frozenset({"system", "property_manager", "admin"}))
            else:
                assert bills.transition(state, action, row.roles) is row
    assert all(
        state not in ("paid", "waived", "cancelled") for state, a in bills.TRANSITIONS if a != "refund"
    )


async def test_late_fees_only_where_the_contract_sets_them(
    db: asyncpg.Connection, pool: asyncpg.Pool
) -> None:
    estate, home, (october, november) = await _two_months(db, pool)  # due 10-31 and 12-01, unpaid
    await _bill_run(db, pool, estate, "2026-12")
    assert (
        await db.fetchval(
            "SELECT count(*) FROM bills b JOIN fee_items f ON f.id = b.fee_item_id WHERE f.kind = 'late_fee'"
        )
        == 0
    )
    await fee_item(db, estate, kind="late_fee", name="滞纳金", price_fen=5, grace_days=10)  # 万分之五 a day
    await _bill_run(db, pool, estate, "2027-01")
    (late,) = await _bills(db, home_id=home, period="2027-01", fee_item_id=await db.fetchval(
        "SELECT id FROM fee_items WHERE kind = 'late_fee'"))  # fmt: skip
    # December's window: October's bill late from 11-11 (10 days' grace): all 31 days; November's from 12-12: 20
    assert [(x["bill_id"], x["days"], x["amount_fen"]) for x in late["lines"]] == [
        (str(october["id"]), 31, money.late_fee(30_000, 5, 31)),
        (str(november["id"]), 20, money.late_fee(30_000, 5, 20)),
    ]
    await check_ok(db)


async def test_a_bill_as_people_read_it(db: asyncpg.Connection, pool: asyncpg.Pool) -> None:
    estate, _, (october, _) = await _two_months(db, pool)
    detail = await bills.get_bill(db, october["id"])
    assert detail.period_end == date(2026, 10, 31) and detail.outstanding_fen == 30_000
    assert detail.lines[0].amount_fen == 30_000 and detail.lines[0].unit == "m2_hundredths"
    assert detail.due_date == date(2026, 10, 1) + timedelta(days=30)
    assert estate.id == detail.estate_id


# over HTTP: the manager's and the resident's side -------------------------------------------------------------------


class Scene:
    """An estate with a fee item billed for November, its manager, staff, an officer, two residents."""

    estate: Estate
    manager: str
    staff: str
    officer: str
    other_manager: str
    resident: str
    stranger: str
    home: UUID


@pytest.fixture
async def scene(db: asyncpg.Connection, settings: Settings, pool: asyncpg.Pool) -> Scene:
    s = Scene()
    s.estate = await make_estate(db)
    other = await make_estate(db, name="另一个小区")
    s.manager, _ = await person(db, settings, "13900000011", "property_manager", ("estate", str(s.estate.id)))
    s.staff, _ = await person(db, settings, "13900000012", "property_staff", ("estate", str(s.estate.id)))
    s.officer, _ = await person(db, settings, "13900000013", "housing_officer", ("district", "110101"))
    s.other_manager, _ = await person(
        db, settings, "13900000014", "property_manager", ("estate", str(other.id))
    )
    s.resident, resident_id = await person(db, settings, "13900000015", "resident")
    s.stranger, _ = await person(db, settings, "13900000016", "resident")
    s.home = s.estate.homes[0]
    await bind(db, s.home, resident_id, "tenant")
    return s


async def test_fee_items_over_http(
    client: AsyncTestClient[Any], db: asyncpg.Connection, scene: Scene
) -> None:
    url = f"/v1/estates/{scene.estate.id}/fee-items"
    good = {"kind": "property", "name": "物业费", "price_fen": 250}
    r = await client.post(url, json=good, headers=auth(scene.manager, **{"Idempotency-Key": "fee-item-0001"}))
    assert r.status_code == 201, r.text
    item = r.json()
    assert (item["kind"], item["price_fen"], item["version"]) == ("property", 250, 1)
    again = await client.post(
        url, json=good, headers=auth(scene.manager, **{"Idempotency-Key": "fee-item-0001"})
    )
    assert again.status_code == 201 and again.json() == item
    before = await counts(db)
    refusals: list[tuple[str, dict[str, Any], int, str]] = [
        (scene.manager, {**good, "name": "车位", "kind": "parking"}, 422, "invalid_fee_item"),
        (scene.manager, {**good, "price_fen": -250}, 422, "validation_failed"),
        (scene.manager, {**good, "price_fen": 2.5}, 422, "validation_failed"),
        (scene.manager, {**good, "name": "物业费"}, 409, "fee_item_exists"),
        (scene.manager, {**good, "colour": "red"}, 422, "validation_failed"),
        (scene.staff, {**good, "name": "保洁费"}, 403, "forbidden"),
        (scene.officer, {**good, "name": "保洁费"}, 403, "forbidden"),
        (scene.other_manager, {**good, "name": "保洁费"}, 403, "estate_forbidden"),
    ]
    for token, body, status, code in refusals:
        r = await client.post(url, json=body, headers=auth(token))
        assert (r.status_code, r.json()["code"]) == (status, code), (body, r.text)
    assert await counts(db) == before
    # a new price with If-Match: the version read
    patch = f"/v1/fee-items/{item['id']}"
    r = await client.patch(patch, json={"price_fen": 260}, headers=auth(scene.manager))
    assert (r.status_code, r.json()["code"]) == (428, "precondition_required")
    r = await client.patch(patch, json={"price_fen": 260}, headers=auth(scene.manager, **{"If-Match": '"7"'}))
    assert (r.status_code, r.json()["code"]) == (409, "bill_version_conflict")
    r = await client.patch(patch, json={"price_fen": -1}, headers=auth(scene.manager, **{"If-Match": '"1"'}))
    assert (r.status_code, r.json()["code"]) == (422, "validation_failed")
    assert await counts(db) == before
    r = await client.patch(patch, json={"price_fen": 260}, headers=auth(scene.manager, **{"If-Match": '"1"'}))
    assert r.status_code == 200 and (r.json()["price_fen"], r.json()["version"]) == (260, 2)
    r = await client.get(url, headers=auth(scene.officer))
    assert r.status_code == 200 and [i["name"] for i in r.json()] == ["物业费"]
    r = await client.get(url, headers=auth(scene.other_manager))
    assert (r.status_code, r.json()["code"]) == (403, "estate_forbidden")


async def test_billing_runs_and_my_bills_over_http(
    client: AsyncTestClient[Any], db: asyncpg.Connection, pool: asyncpg.Pool, scene: Scene
) -> None:
    await fee_item(db, scene.estate, kind="property", name="物业费", price_fen=250)
    url = f"/v1/estates/{scene.estate.id}/billing-runs"
    before = await counts(db)
    for token, body, status, code in [
        (scene.staff, {"period": "2026-13"}, 422, "invalid_billing_period"),
        (scene.staff, {"period": 202611}, 422, "validation_failed"),
        (scene.officer, {"period": "2026-11"}, 403, "forbidden"),
        (scene.other_manager, {"period": "2026-11"}, 403, "estate_forbidden"),
        (scene.resident, {"period": "2026-11"}, 403, "forbidden"),
    ]:
        r = await client.post(url, json=body, headers=auth(token))
        assert (r.status_code, r.json()["code"]) == (status, code), (body, r.text)
    assert await counts(db) == before
    r = await client.post(url, json={"period": "2026-11"}, headers=auth(scene.staff))
    assert r.status_code == 202 and r.json()["state"] == "pending", r.text
    run_id = r.json()["id"]
    r = await client.post(url, json={"period": "2026-11"}, headers=auth(scene.manager))
    assert r.status_code == 202 and r.json()["id"] == run_id
    r = await client.post(url, json={"period": "2026-Q4"}, headers=auth(scene.manager))
    assert (r.status_code, r.json()["code"]) == (409, "billing_period_overlaps")
    assert await billing.run_pending(pool) == 1  # the worker's job
    r = await client.get(f"/v1/billing-runs/{run_id}", headers=auth(scene.officer))
    assert r.status_code == 200 and (r.json()["state"], r.json()["bills_created"]) == ("completed", 6)
    r = await client.get(url, headers=auth(scene.officer))
    assert r.status_code == 200 and [x["period"] for x in r.json()["items"]] == ["2026-11"]
    # the resident sees the bills of their home only, and can filter and page
    r = await client.get("/v1/me/bills", headers=auth(scene.resident))
    assert r.status_code == 200
    (bill,) = r.json()["items"]
    assert (bill["home_id"], bill["amount_fen"], bill["state"]) == (str(scene.home), 22375, "issued")
    assert bill["period_end"] == "2026-11-30" and bill["lines"][0]["unit"] == "m2_hundredths"
    r = await client.get("/v1/me/bills", params={"state": "paid"}, headers=auth(scene.resident))
    assert r.json()["items"] == []
    r = await client.get("/v1/me/bills", params={"state": "unpaid"}, headers=auth(scene.resident))
    assert (r.status_code, r.json()["code"]) == (422, "validation_failed")
    r = await client.get("/v1/me/bills", params={"cursor": "not-a-cursor"}, headers=auth(scene.resident))
    assert (r.status_code, r.json()["code"]) == (422, "invalid_cursor")
    r = await client.get("/v1/me/bills", headers=auth(scene.stranger))
    assert r.status_code == 200 and r.json() == {"items": [], "next_cursor": None}
    r = await client.get(f"/v1/bills/{bill['id']}", headers=auth(scene.resident))
    assert r.status_code == 200 and r.headers["ETag"] == '"1"' and r.json()["events"][0]["action"] == "issue"
    r = await client.get(f"/v1/bills/{bill['id']}", headers=auth(scene.stranger))
    assert (r.status_code, r.json()["code"]) == (403, "home_forbidden")
    r = await client.get(f"/v1/bills/{UUID(int=7)}", headers=auth(scene.resident))
    assert (r.status_code, r.json()["code"]) == (404, "bill_not_found")


async def test_waiving_and_cancelling_over_http(
    client: AsyncTestClient[Any], db: asyncpg.Connection, pool: asyncpg.Pool, scene: Scene
) -> None:
    await fee_item(db, scene.estate, kind="property", name="物业费", price_fen=250)
    await _bill_run(db, pool, scene.estate, "2026-11")
    (bill,) = await _bills(db, home_id=scene.home)
    url = f"/v1/bills/{bill['id']}/decisions"
    waive = {"action": "waive", "reason": "困难户减免"}
    before = await counts(db)
    for token, body, headers, status, code in [
        (scene.manager, waive, {}, 428, "precondition_required"),
        (scene.manager, waive, {"If-Match": "seven"}, 400, "invalid_if_match"),
        (scene.manager, waive, {"If-Match": '"2"'}, 409, "bill_version_conflict"),
        (scene.manager, {"action": "waive", "reason": ""}, {"If-Match": '"1"'}, 422, "validation_failed"),
        (scene.manager, {"action": "pay_full", "reason": "x"}, {"If-Match": '"1"'}, 422, "validation_failed"),
        (scene.staff, waive, {"If-Match": '"1"'}, 403, "forbidden"),
        (scene.officer, waive, {"If-Match": '"1"'}, 403, "forbidden"),
        (scene.other_manager, waive, {"If-Match": '"1"'}, 403, "estate_forbidden"),
    ]:
        r = await client.post(url, json=body, headers=auth(token, **headers))
        assert (r.status_code, r.json()["code"]) == (status, code), (body, headers, r.text)
    assert await counts(db) == before
    async with db.transaction():
        await settlement.apply_payment(
            db, home_id=scene.home, amount_fen=10_000, provider="wechat", ref="wx-7"
        )
    r = await client.post(
        url, json={"action": "cancel", "reason": "开错了"}, headers=auth(scene.manager, **{"If-Match": '"2"'})
    )
    assert (r.status_code, r.json()["code"], r.json()["state"]) == (409, "bill_state_conflict", "partly_paid")
    r = await client.post(url, json=waive, headers=auth(scene.manager, **{"If-Match": '"2"'}))
    assert r.status_code == 200, r.text
    assert (r.json()["state"], r.json()["waived_fen"], r.headers["ETag"]) == ("waived", 12_375, '"3"')
    await check_ok(db)


async def test_arrears_and_reminders_over_http(
    client: AsyncTestClient[Any], db: asyncpg.Connection, pool: asyncpg.Pool, scene: Scene
) -> None:
    await fee_item(db, scene.estate, kind="property", name="物业费", price_fen=250, due_days=0)
    await _bill_run(db, pool, scene.estate, "2026-10")
    r = await client.get(f"/v1/estates/{scene.estate.id}/arrears", headers=auth(scene.officer))
    assert r.status_code == 200
    arrears = r.json()
    assert (arrears["homes"], arrears["bills"]) == (6, 6)
    assert [b["building"] for b in arrears["buildings"]] == ["1号楼", "2号楼"]
    building = arrears["buildings"][0]["building_id"]
    r = await client.get(
        f"/v1/estates/{scene.estate.id}/arrears/homes",
        params={"building_id": building, "limit": 2},
        headers=auth(scene.staff),
    )
    assert r.status_code == 200 and len(r.json()["items"]) == 2 and r.json()["next_cursor"]
    r = await client.get(f"/v1/estates/{scene.estate.id}/arrears", headers=auth(scene.other_manager))
    assert (r.status_code, r.json()["code"]) == (403, "estate_forbidden")
    url = f"/v1/estates/{scene.estate.id}/reminders"
    before = await counts(db)
    other_home = (await make_estate(db, name="第三个小区")).homes[0]
    for token, body, status, code in [
        (scene.staff, {"home_ids": [str(other_home)]}, 404, "home_not_found"),
        (scene.staff, {"min_outstanding_fen": -1}, 422, "validation_failed"),
        (scene.staff, {"home_ids": []}, 422, "validation_failed"),
        (scene.officer, {}, 403, "forbidden"),
        (scene.resident, {}, 403, "forbidden"),
    ]:
        r = await client.post(url, json=body, headers=auth(token))
        assert (r.status_code, r.json()["code"]) == (status, code), (body, r.text)
    assert await counts(db) == before
    assert await db.fetchval("SELECT count(*) FROM outbox WHERE topic = 'housing.bill_reminder'") == 0
    r = await client.post(url, json={}, headers=auth(scene.staff, **{"Idempotency-Key": "remind-2026-11-01"}))
    assert r.status_code == 200, r.text
    assert r.json() == {
        "homes": 1,
        "recipients": 1,
        "skipped_recently_reminded": 0,
        "skipped_without_residents": 5,
    }
    (row,) = await db.fetch("SELECT payload FROM outbox WHERE topic = 'housing.bill_reminder'")
    assert row["payload"]["home_id"] == str(scene.home) and row["payload"]["outstanding_fen"] == 22375
    r = await client.post(url, json={}, headers=auth(scene.manager))
    assert r.json()["skipped_recently_reminded"] == 1 and r.json()["homes"] == 0
    assert await db.fetchval("SELECT count(*) FROM outbox WHERE topic = 'housing.bill_reminder'") == 1


async def test_the_command_line_bills_and_imports_readings(
    db: asyncpg.Connection,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Any,
) -> None:
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    monkeypatch.setenv("CITYLOOP_ENV", "test")
    estate = await make_estate(db)
    await fee_item(db, estate, kind="property", name="物业费", price_fen=250)
    water = await fee_item(db, estate, kind="water", name="水费", tiers=[{"price_fen": 500}])
    assert (
        await asyncio.to_thread(
            cli.main, ["billing", "run", "--estate", str(estate.id), "--period", "2026-11"]
        )
        == 0
    )
    run = json.loads(capsys.readouterr().out)
    assert (run["state"], run["bills_created"]) == ("completed", 6)
    assert (
        await asyncio.to_thread(
            cli.main, ["billing", "run", "--estate", str(estate.id), "--period", "2026-1"]
        )
        == 1
    )
    assert "invalid_billing_period" in capsys.readouterr().err
    good = tmp_path / "readings.csv"
    good.write_bytes("楼栋,房号,抄表日期,读数\n1号楼,101,2026-10-31,12.5\n".encode("gb18030"))
    args = ["billing", "readings", str(good), "--fee-item", str(water.id)]
    assert await asyncio.to_thread(cli.main, [*args, "--dry-run"]) == 0
    assert "checked (dry run, nothing written)" in capsys.readouterr().out
    assert await db.fetchval("SELECT count(*) FROM meter_readings") == 0
    assert await asyncio.to_thread(cli.main, args) == 0
    assert await db.fetchval("SELECT count(*) FROM meter_readings") == 1
    capsys.readouterr()
    bad = tmp_path / "bad.csv"
    bad.write_text("building,room,read_on,reading\n1号楼,999,2026-10-31,1\n", encoding="utf-8")
    assert (
        await asyncio.to_thread(cli.main, ["billing", "readings", str(bad), "--fee-item", str(water.id)]) == 1
    )
    out = capsys.readouterr().out
    assert "REFUSED" in out and "line 2 [room]: unknown_home" in out
    assert await db.fetchval("SELECT count(*) FROM meter_readings") == 1
    assert await db.fetchval("SELECT count(*) FROM reading_imports WHERE outcome = 'refused'") == 1


async def test_the_command_line_imports_readings_from_xlsx(
    db: asyncpg.Connection,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Any,
) -> None:
    from datetime import datetime

    from tests.housing.test_readings_http import xlsx_file

    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    monkeypatch.setenv("CITYLOOP_ENV", "test")
    estate = await make_estate(db)
    water = await fee_item(db, estate, kind="water", name="水费", tiers=[{"price_fen": 500}])
    good = tmp_path / "11月抄表.xlsx"
    good.write_bytes(xlsx_file(["1号楼", None, 101, datetime(2026, 10, 31), 12.5]))
    args = ["billing", "readings", str(good), "--fee-item", str(water.id)]
    assert await asyncio.to_thread(cli.main, args) == 0
    out = capsys.readouterr().out
    assert "11月抄表.xlsx (xlsx, sha256" in out and "imported" in out
    row = await db.fetchrow("SELECT read_on, reading FROM meter_readings")
    assert (row["read_on"], row["reading"]) == (date(2026, 10, 31), 1250)
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(xlsx_file(["1号楼", None, 101, datetime(2026, 10, 30), 12.345]))
    bad_args = ["billing", "readings", str(bad), "--fee-item", str(water.id)]
    assert await asyncio.to_thread(cli.main, bad_args) == 1
    out = capsys.readouterr().out
    assert "REFUSED" in out and "line 2 [reading]: bad_reading" in out and "'12.345'" in out
    assert await db.fetchval("SELECT count(*) FROM meter_readings") == 1
