"""The maintenance fund: first deposits by area × rate rounded once, interest shared by area with the largest
remainder (the fen add up; ties by home id), the 30 % top-up notice through the outbox, corrections by reversal,
the home's statement and the summaries."""

from __future__ import annotations

import random
from datetime import date
from typing import Any
from uuid import UUID

import asyncpg
import msgspec
import pytest
from hypothesis import given
from hypothesis import strategies as st
from litestar.testing import AsyncTestClient

from api.settings import Settings
from housing import fund, ledger, money
from housing.errors import (
    EntryAlreadyReversed,
    FundHasNoHomes,
    FundInterestExists,
    FundNotOpened,
    FundRateMissing,
    InvalidAmount,
)
from tests.housing.money_fixtures import Estate, auth, bind, check_ok, counts, make_estate, person

# the largest-remainder method, pure ------------------------------------------------------------------------------------

homes_and_areas = st.lists(
    st.tuples(st.uuids(), st.integers(min_value=0, max_value=1_000_000)),
    min_size=1,
    max_size=60,
    unique_by=lambda t: t[0],
).filter(lambda pairs: sum(a for _, a in pairs) > 0)


@given(total=st.integers(min_value=0, max_value=10**11), weights=homes_and_areas)
def test_the_parts_always_add_up_and_each_is_within_a_fen_of_its_share(
    total: int, weights: list[tuple[UUID, int]]
) -> None:
    parts = money.share_largest_remainder(total, weights)
    assert sum(parts.values()) == total
    whole = sum(a for _, a in weights)
    for home, area in weights:
        exact_floor = total * area // whole
        assert parts[home] in (exact_floor, exact_floor + 1)
        if area == 0:
            assert parts[home] == 0


@given(total=st.integers(min_value=0, max_value=10**9), weights=homes_and_areas, seed=st.integers(0, 1000))
def test_the_order_homes_are_given_in_does_not_matter(
    total: int, weights: list[tuple[UUID, int]], seed: int
) -> None:
    shuffled = list(weights)
    random.Random(seed).shuffle(shuffled)
    assert money.share_largest_remainder(total, weights) == money.share_largest_remainder(total, shuffled)


@given(total=st.integers(min_value=0, max_value=10**9), weights=homes_and_areas)
def test_a_negative_sum_is_shared_as_the_mirror_of_the_positive(
    total: int, weights: list[tuple[UUID, int]]
) -> None:
    positive = money.share_largest_remainder(total, weights)
    assert money.share_largest_remainder(-total, weights) == {k: -v for k, v in positive.items()}


def test_ties_go_to_the_smaller_home_id() -> None:
    a, b, c = UUID(int=1), UUID(int=2), UUID(int=3)
    # 10 fen among three equal areas: 3 each and one left over, for the smallest id
    assert money.share_largest_remainder(10, [(c, 50), (a, 50), (b, 50)]) == {a: 4, b: 3, c: 3}
    # 11 fen: two left over, for the two smallest ids
    assert money.share_largest_remainder(11, [(b, 1), (c, 1), (a, 1)]) == {a: 4, b: 4, c: 3}
    # the larger remainder wins before any tie: 100 × 2/3 = 66.67, × 1/3 = 33.33
    assert money.share_largest_remainder(100, [(a, 1), (b, 2)]) == {a: 33, b: 67}


@pytest.mark.parametrize("weights", [[], [(UUID(int=1), 0)], [(UUID(int=1), -5), (UUID(int=2), 10)]])
def test_nothing_to_share_among_is_refused(weights: list[tuple[UUID, int]]) -> None:
    with pytest.raises(ValueError, match=r"nothing to share among|add up to zero|negative"):
        money.share_largest_remainder(100, weights)


def test_the_threshold_is_30_percent_compared_exactly() -> None:
    assert fund.threshold(333) == 100  # 99.9 fen: a balance of 99 is below, 100 is not
    assert money.below_ratio(99, 333) and not money.below_ratio(100, 333)
    assert fund.threshold(1000) == 300 and not money.below_ratio(300, 1000) and money.below_ratio(299, 1000)


# the fund in the database ----------------------------------------------------------------------------------------------


async def _opened(db: asyncpg.Connection, rate: int = 10_000) -> Estate:
    estate = await make_estate(db)  # areas 89.50, 120.00, 65.25, 100.33, 77.77, 144.00 m²
    async with db.transaction():
        await fund.set_rate(db, estate.id, fund.FundRateSet(rate_fen_m2=rate), None)
        opened = await fund.open_homes(db, estate.id, None)
    assert opened.homes == 6
    return estate


async def test_first_deposits_are_area_times_rate_rounded_once(db: asyncpg.Connection) -> None:
    estate = await make_estate(db)
    before = await counts(db)
    with pytest.raises(FundRateMissing):
        async with db.transaction():
            await fund.open_homes(db, estate.id, None)
    assert await counts(db) == before
    async with db.transaction():
        await fund.set_rate(db, estate.id, fund.FundRateSet(rate_fen_m2=8_333), None)  # 83.33 yuan per m²
        opened = await fund.open_homes(db, estate.id, None)
    expected = {h: money.round_half_up(estate.areas[h] * 8_333, 100) for h in estate.homes}
    assert expected[estate.homes[3]] == 836_050  # 100.33 m² × 83.33 = 8,360.4989 yuan -> 8,360.50
    rows = await db.fetch("SELECT home_id, first_deposit_fen FROM fund_homes")
    assert {r["home_id"]: r["first_deposit_fen"] for r in rows} == expected
    assert opened.amount_fen == sum(expected.values())
    for home, amount in expected.items():
        assert await ledger.balance(db, ledger.home_account("fund_share", estate.id, home)) == -amount
    assert await ledger.balance(db, ledger.estate_account("fund_bank", estate.id)) == opened.amount_fen
    # a second time opens nothing: every home has its first deposit
    async with db.transaction():
        assert await fund.open_homes(db, estate.id, None) == fund.FundOpened(0, 0)
    await check_ok(db)


async def test_interest_is_shared_by_area_and_adds_up_to_the_fen(db: asyncpg.Connection) -> None:
    estate = await _opened(db)
    before = {h: (await fund.statement(db, h, None, 50)).balance_fen for h in estate.homes}
    async with db.transaction():
        shared = await fund.share_interest(
            db, estate.id, fund.InterestShare(amount_fen=10_001, as_of=date(2026, 12, 21)), None
        )
    assert shared.homes == 6 and shared.amount_fen == 10_001
    after = {h: (await fund.statement(db, h, None, 50)).balance_fen for h in estate.homes}
    parts = {h: after[h] - before[h] for h in estate.homes}
    assert sum(parts.values()) == 10_001
    assert parts == money.share_largest_remainder(10_001, [(h, estate.areas[h]) for h in estate.homes])
    # the fund interest account passes it all on to the homes
    assert await ledger.balance(db, ledger.estate_account("fund_interest", estate.id)) == 0
    summary = await fund.estate_fund(db, estate.id)
    assert summary.interest_shared_fen == 10_001 and summary.bank_fen == summary.balance_fen
    # the same settlement date twice is refused, and nothing is written
    snapshot = await counts(db)
    with pytest.raises(FundInterestExists):
        async with db.transaction():
            await fund.share_interest(
                db, estate.id, fund.InterestShare(amount_fen=5, as_of=date(2026, 12, 21)), None
            )
    assert await counts(db) == snapshot
    await check_ok(db)


async def test_interest_with_no_home_in_the_fund_or_a_bad_amount_is_refused(db: asyncpg.Connection) -> None:
    estate = await make_estate(db)
    before = await counts(db)
    with pytest.raises(FundHasNoHomes):
        async with db.transaction():
            await fund.share_interest(
                db, estate.id, fund.InterestShare(amount_fen=100, as_of=date(2026, 12, 21)), None
            )
    for amount in (0, -1, 1.5):
        share = fund.InterestShare(amount_fen=1, as_of=date(2026, 12, 21))
        with pytest.raises(InvalidAmount):
            async with db.transaction():
                await fund.share_interest(
                    db, estate.id, msgspec.structs.replace(share, amount_fen=amount), None
                )
    assert await counts(db) == before


async def test_a_home_below_30_percent_gets_one_top_up_notice(
    db: asyncpg.Connection, settings: object
) -> None:
    estate = await _opened(db)
    home = estate.homes[0]  # 89.50 m² × 100 yuan: 8,950.00 yuan
    owner = await db.fetchval("INSERT INTO users (phone) VALUES ('+8613900000001') RETURNING id")
    tenant = await db.fetchval("INSERT INTO users (phone) VALUES ('+8613900000002') RETURNING id")
    await bind(db, home, owner, "owner")
    await bind(db, home, tenant, "tenant")
    first = await db.fetchval("SELECT first_entry_id FROM fund_homes WHERE home_id = $1", home)
    # a first deposit posted by mistake is corrected by its reversal: the share is 0 now, below 30 %
    async with db.transaction():
        await fund.reverse(db, first, memo="deposited twice by the bank", actor_id=None)
    notices = await db.fetch("SELECT topic, payload FROM outbox WHERE topic = 'housing.fund_topup'")
    assert len(notices) == 1
    payload = notices[0]["payload"]
    assert payload == {
        "estate_id": str(estate.id),
        "home_id": str(home),
        "user_ids": [str(owner)],
        "balance_fen": 0,
        "first_deposit_fen": 895_000,
        "threshold_fen": 268_500,
    }
    statement = await fund.statement(db, home, None, 50)
    assert statement.below_threshold and statement.topup_notice_at is not None
    assert [(i.kind, i.amount_fen, i.balance_fen) for i in statement.items] == [
        ("fund_deposit", 895_000, 895_000),
        ("reversal", -895_000, 0),
    ]
    # a reversal is made once
    before = await counts(db)
    with pytest.raises(EntryAlreadyReversed):
        async with db.transaction():
            await fund.reverse(db, first, memo="again", actor_id=None)
    assert await counts(db) == before
    # a top-up below the threshold sends no second notice; one above clears it
    async with db.transaction():
        await fund.deposit(db, home, 100_000, memo="续筹", actor_id=None)
    assert await db.fetchval("SELECT count(*) FROM outbox WHERE topic = 'housing.fund_topup'") == 1
    async with db.transaction():
        await fund.deposit(db, home, 168_500, memo="续筹", actor_id=None)
    statement = await fund.statement(db, home, None, 50)
    assert (
        statement.balance_fen == 268_500
        and not statement.below_threshold
        and statement.topup_notice_at is None
    )
    await check_ok(db)


async def test_statements_page_and_summaries(db: asyncpg.Connection) -> None:
    estate = await _opened(db)
    for day in (21, 22, 23):
        async with db.transaction():
            await fund.share_interest(
                db, estate.id, fund.InterestShare(amount_fen=999, as_of=date(2026, 12, day)), None
            )
    home = estate.homes[1]
    first = await fund.statement(db, home, None, 2)
    assert len(first.items) == 2 and first.next_cursor is not None
    rest = await fund.statement(db, home, first.next_cursor, 2)
    assert len(rest.items) == 2 and rest.items[-1].balance_fen == rest.balance_fen
    assert [i.kind for i in first.items + rest.items] == [
        "fund_deposit",
        "fund_interest",
        "fund_interest",
        "fund_interest",
    ]
    summary = await fund.estate_fund(db, estate.id)
    assert (summary.homes, summary.homes_opened, summary.rate_fen_m2) == (6, 6, 10_000)
    assert summary.first_deposits_fen == sum(money.area_line(a, 10_000) for a in estate.areas.values())
    assert summary.balance_fen == summary.first_deposits_fen + 3 * 999
    assert [b.building for b in summary.buildings] == ["1号楼", "2号楼"]
    assert sum(b.balance_fen for b in summary.buildings) == summary.balance_fen
    page = await fund.building_fund(db, estate.buildings["1号楼"], None, 2)
    assert len(page.items) == 2 and page.next_cursor is not None
    page2 = await fund.building_fund(db, estate.buildings["1号楼"], page.next_cursor, 2)
    assert [i.home_id for i in page.items + page2.items] == estate.homes[:3]
    with pytest.raises(FundNotOpened):
        await fund.statement(db, UUID(int=9), None, 10)


# over HTTP ---------------------------------------------------------------------------------------------------------


async def test_the_fund_over_http(
    client: AsyncTestClient[Any], db: asyncpg.Connection, settings: Settings
) -> None:
    estate = await make_estate(db)
    admin, _ = await person(db, settings, "13900000021", "admin")
    manager, _ = await person(db, settings, "13900000022", "property_manager", ("estate", str(estate.id)))
    officer, _ = await person(db, settings, "13900000023", "housing_officer", ("district", "110101"))
    elsewhere, _ = await person(db, settings, "13900000024", "housing_officer", ("district", "110102"))
    owner, owner_id = await person(db, settings, "13900000025", "resident")
    tenant, tenant_id = await person(db, settings, "13900000026", "resident")
    home = estate.homes[0]
    await bind(db, home, owner_id, "owner")
    await bind(db, home, tenant_id, "tenant")
    base = f"/v1/estates/{estate.id}/fund"
    before = await counts(db)
    r = await client.post(f"{base}/first-deposits", headers=auth(admin))
    assert (r.status_code, r.json()["code"]) == (409, "fund_rate_missing")
    for token, body, status, code in [
        (admin, {"rate_fen_m2": 0}, 422, "validation_failed"),
        (admin, {"rate_fen_m2": 99.5}, 422, "validation_failed"),
        (admin, {"rate_fen_m2": -100}, 422, "validation_failed"),
        (manager, {"rate_fen_m2": 10000}, 403, "forbidden"),
        (officer, {"rate_fen_m2": 10000}, 403, "forbidden"),
    ]:
        r = await client.put(f"{base}/rate", json=body, headers=auth(token))
        assert (r.status_code, r.json()["code"]) == (status, code), body
    r = await client.get(f"/v1/homes/{home}/fund", headers=auth(owner))
    assert (r.status_code, r.json()["code"]) == (404, "fund_not_opened")
    assert await counts(db) == before
    r = await client.put(f"{base}/rate", json={"rate_fen_m2": 10000}, headers=auth(admin))
    assert r.status_code == 200 and r.json()["rate_fen_m2"] == 10000
    r = await client.post(f"{base}/first-deposits", headers=auth(admin))
    assert r.status_code == 200 and r.json()["homes"] == 6
    interest = {"amount_fen": 1001, "as_of": "2026-12-21"}
    snapshot = await counts(db)
    for body, status, code in [
        ({**interest, "amount_fen": -5}, 422, "validation_failed"),
        ({**interest, "amount_fen": 0}, 422, "validation_failed"),
        ({**interest, "amount_fen": 10.5}, 422, "validation_failed"),
        ({**interest, "as_of": "2026-02-30"}, 422, "validation_failed"),
    ]:
        r = await client.post(f"{base}/interest", json=body, headers=auth(admin))
        assert (r.status_code, r.json()["code"]) == (status, code), body
    assert await counts(db) == snapshot
    r = await client.post(
        f"{base}/interest", json=interest, headers=auth(admin, **{"Idempotency-Key": "int-20261221"})
    )
    assert r.status_code == 201 and r.json()["homes"] == 6, r.text
    r = await client.post(
        f"{base}/interest", json=interest, headers=auth(admin, **{"Idempotency-Key": "int-20261221"})
    )
    assert r.status_code == 201  # the retry answers the first result
    snapshot = await counts(db)
    r = await client.post(f"{base}/interest", json=interest, headers=auth(admin))
    assert (r.status_code, r.json()["code"]) == (409, "fund_interest_exists")
    assert await counts(db) == snapshot
    # the owner reads the home's statement; a tenant does not; the officer of the district reads the summaries
    r = await client.get(f"/v1/homes/{home}/fund", headers=auth(owner))
    assert r.status_code == 200
    statement = r.json()
    assert statement["first_deposit_fen"] == 895_000 and [i["kind"] for i in statement["items"]] == [
        "fund_deposit",
        "fund_interest",
    ]
    r = await client.get(f"/v1/homes/{home}/fund", headers=auth(tenant))
    assert (r.status_code, r.json()["code"]) == (403, "home_forbidden")
    r = await client.get(f"/v1/homes/{UUID(int=3)}/fund", headers=auth(owner))
    assert (r.status_code, r.json()["code"]) == (404, "home_not_found")
    r = await client.get(base, headers=auth(officer))
    assert (
        r.status_code == 200 and r.json()["interest_shared_fen"] == 1001 and len(r.json()["buildings"]) == 2
    )
    r = await client.get(base, headers=auth(elsewhere))
    assert (r.status_code, r.json()["code"]) == (403, "estate_forbidden")
    building = estate.buildings["2号楼"]
    r = await client.get(f"/v1/buildings/{building}/fund", headers=auth(manager))
    assert r.status_code == 200 and len(r.json()["items"]) == 3 and r.json()["building_id"] == str(building)
    r = await client.get(f"/v1/buildings/{UUID(int=4)}/fund", headers=auth(manager))
    assert (r.status_code, r.json()["code"]) == (404, "building_not_found")
    await check_ok(db)
