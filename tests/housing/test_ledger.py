"""The ledger: the database itself refuses an unbalanced entry, edits and deletions; corrections are reversals;
`cityloop ledger check` proves every entry and every stored balance, and fails on any difference."""

from __future__ import annotations

import asyncio
from uuid import UUID

import asyncpg
import pytest

from api import cli
from api.settings import Settings
from housing import ledger
from housing.errors import EntryAlreadyReversed, InvalidAmount, UnbalancedEntry
from tests.housing.money_fixtures import Estate, check_ok, counts, make_estate


async def _accounts(db: asyncpg.Connection, estate: Estate) -> tuple[int, int, int]:
    home = estate.homes[0]
    ids = await ledger.accounts(
        db,
        [
            ledger.estate_account("fund_bank", estate.id),
            ledger.home_account("fund_share", estate.id, home),
            ledger.estate_account("refunds", estate.id),
        ],
    )
    bank, share, refunds = ids.values()
    return bank, share, refunds


async def _raw_entry(db: asyncpg.Connection, estate_id: UUID, amounts: list[tuple[int, int]]) -> int:
    entry_id: int = await db.fetchval(
        "INSERT INTO ledger_entries (estate_id, kind) VALUES ($1, 'fund_deposit') RETURNING id", estate_id
    )
    for account, amount in amounts:
        await db.execute(
            "INSERT INTO ledger_lines (entry_id, account_id, amount) VALUES ($1, $2, $3)",
            entry_id,
            account,
            amount,
        )
    return entry_id


async def test_a_balanced_entry_keeps_the_stored_balances(db: asyncpg.Connection) -> None:
    estate = await make_estate(db)
    async with db.transaction():
        bank, share, _ = await _accounts(db, estate)
        await ledger.post(
            db,
            ledger.Entry(
                estate_id=estate.id,
                kind="fund_deposit",
                lines=[ledger.Line(bank, 10_000), ledger.Line(share, -10_000)],
            ),
        )
    assert await ledger.balances(db, [bank, share]) == {bank: 10_000, share: -10_000}
    await check_ok(db)


@pytest.mark.parametrize(
    "amounts",
    [[(0, 100), (1, -99)], [(0, 100)], [(0, 100), (1, -100), (2, 1)]],
    ids=["off-by-one-fen", "one-line", "three-lines-off"],
)
async def test_the_database_refuses_an_unbalanced_entry_at_commit(
    db: asyncpg.Connection, amounts: list[tuple[int, int]]
) -> None:
    estate = await make_estate(db)
    async with db.transaction():
        accounts = await _accounts(db, estate)
    before = await counts(db)
    with pytest.raises(asyncpg.CheckViolationError, match="does not balance") as caught:
        async with db.transaction():
            await _raw_entry(db, estate.id, [(accounts[i], a) for i, a in amounts])
    assert caught.value.constraint_name == "ledger_entry_balanced"
    assert await counts(db) == before
    assert await ledger.balances(db, list(accounts)) == dict.fromkeys(accounts, 0)


async def test_an_entry_without_lines_is_refused(db: asyncpg.Connection) -> None:
    estate = await make_estate(db)
    before = await counts(db)
    with pytest.raises(asyncpg.CheckViolationError, match="0 line"):
        async with db.transaction():
            await db.execute(
                "INSERT INTO ledger_entries (estate_id, kind) VALUES ($1, 'fund_deposit')", estate.id
            )
    assert await counts(db) == before


async def test_lines_and_entries_are_append_only(db: asyncpg.Connection) -> None:
    estate = await make_estate(db)
    async with db.transaction():
        bank, share, _ = await _accounts(db, estate)
        entry_id = await _raw_entry(db, estate.id, [(bank, 500), (share, -500)])
    statements = [
        "UPDATE ledger_lines SET amount = amount + 1",
        "DELETE FROM ledger_lines",
        "TRUNCATE ledger_lines",
        "UPDATE ledger_entries SET memo = 'edited'",
        "DELETE FROM ledger_entries",
        "TRUNCATE ledger_entries CASCADE",
        "UPDATE ledger_accounts SET balance = 0",
        "UPDATE ledger_accounts SET kind = 'refunds' WHERE kind = 'fund_bank'",
        "DELETE FROM ledger_accounts",
    ]
    for statement in statements:
        with pytest.raises(asyncpg.IntegrityConstraintViolationError) as caught:
            await db.execute(statement)
        assert caught.value.constraint_name == "ledger_append_only", statement
    # a line added later to a committed entry, balanced or not, is refused too
    with pytest.raises(asyncpg.IntegrityConstraintViolationError, match="committed already"):
        async with db.transaction():
            await db.execute(
                "INSERT INTO ledger_lines (entry_id, account_id, amount) VALUES ($1, $2, 7), ($1, $3, -7)",
                entry_id,
                bank,
                share,
            )
    assert await ledger.balances(db, [bank, share]) == {bank: 500, share: -500}
    await check_ok(db)


@pytest.mark.parametrize(
    ("amounts", "error"),
    [
        ([100, -99], UnbalancedEntry),
        ([100], UnbalancedEntry),
        ([0, 0], InvalidAmount),
        ([1.5, -1.5], InvalidAmount),
        ([10**13, -(10**13)], InvalidAmount),
    ],
    ids=["unbalanced", "one-line", "zero", "fractional", "too-large"],
)
async def test_posting_refuses_bad_lines_before_the_database_has_to(
    db: asyncpg.Connection, amounts: list[int], error: type[Exception]
) -> None:
    estate = await make_estate(db)
    async with db.transaction():
        accounts = await _accounts(db, estate)
    before = await counts(db)
    with pytest.raises(error):
        async with db.transaction():
            await ledger.post(
                db,
                ledger.Entry(
                    estate_id=estate.id,
                    kind="fund_deposit",
                    lines=[ledger.Line(accounts[i], a) for i, a in enumerate(amounts)],
                ),
            )
    assert await counts(db) == before


@pytest.mark.parametrize("value", [0, -1, 1.0, 0.5, True, "100", 10**12 + 1])
def test_an_amount_is_a_whole_positive_number_of_fen(value: object) -> None:
    with pytest.raises(InvalidAmount):
        ledger.require_amount(value)


async def test_a_correction_is_a_reversing_entry_made_once(db: asyncpg.Connection) -> None:
    estate = await make_estate(db)
    async with db.transaction():
        bank, share, refunds = await _accounts(db, estate)
        entry_id = await ledger.post(
            db,
            ledger.Entry(
                estate_id=estate.id,
                kind="refund",
                lines=[ledger.Line(bank, 300), ledger.Line(share, -200), ledger.Line(refunds, -100)],
                memo="a mistake",
            ),
        )
    async with db.transaction():
        reversal = await ledger.reverse(db, entry_id, memo="posted to the wrong home")
    lines = await db.fetch(
        "SELECT account_id, amount FROM ledger_lines WHERE entry_id = $1 ORDER BY id", reversal
    )
    assert [(r["account_id"], r["amount"]) for r in lines] == [(bank, -300), (share, 200), (refunds, 100)]
    assert await db.fetchval("SELECT reverses_id FROM ledger_entries WHERE id = $1", reversal) == entry_id
    assert await ledger.balances(db, [bank, share, refunds]) == {bank: 0, share: 0, refunds: 0}
    before = await counts(db)
    for again in (entry_id, reversal):
        with pytest.raises(EntryAlreadyReversed):
            async with db.transaction():
                await ledger.reverse(db, again, memo="twice")
    assert await counts(db) == before
    await check_ok(db)


async def _tamper(db: asyncpg.Connection, estate: Estate) -> tuple[int, int]:
    """What only someone bypassing the triggers could do (a superuser in replica mode): an entry off by 1 fen
    and a stored balance that no longer matches its lines."""
    async with db.transaction():
        bank, share, _ = await _accounts(db, estate)
        await ledger.post(
            db,
            ledger.Entry(
                estate_id=estate.id,
                kind="fund_deposit",
                lines=[ledger.Line(bank, 900), ledger.Line(share, -900)],
            ),
        )
    async with db.transaction():
        await db.execute("SET LOCAL session_replication_role = replica")
        bad = await _raw_entry(db, estate.id, [(bank, 50), (share, -49)])
        await db.execute("UPDATE ledger_accounts SET balance = balance + 1000 WHERE id = $1", share)
    return bad, share


async def test_the_check_finds_every_difference(db: asyncpg.Connection) -> None:
    estate = await make_estate(db)
    bad, share = await _tamper(db, estate)
    async with db.transaction(isolation="repeatable_read", readonly=True):
        report = await ledger.check(db, chunk_entries=1)
    assert not report.ok
    assert [(u.entry_id, u.lines, u.total_fen) for u in report.unbalanced] == [(bad, 2, 1)]
    differences = {(d.account_id, d.stored_fen, d.lines_fen) for d in report.balance_differences}
    assert (share, -900 + 1000, -900 - 49) in differences
    assert report.lines == 4 and report.entries == 2
    text = ledger.describe(report)
    assert "DIFFERENCES FOUND" in text and f"entry {bad}: 2 line(s) summing to 1 fen" in text


async def test_cli_ledger_check(
    db: asyncpg.Connection,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    monkeypatch.setenv("CITYLOOP_ENV", "test")
    estate = await make_estate(db)
    async with db.transaction():
        bank, share, _ = await _accounts(db, estate)
        await ledger.post(
            db,
            ledger.Entry(
                estate_id=estate.id,
                kind="fund_deposit",
                lines=[ledger.Line(bank, 10), ledger.Line(share, -10)],
            ),
        )
    assert await asyncio.to_thread(cli.main, ["ledger", "check"]) == 0
    out = capsys.readouterr()
    assert "ledger check: OK" in out.out and "entries 1, lines 2" in out.out
    await _tamper(db, estate)
    assert await asyncio.to_thread(cli.main, ["ledger", "check", "--json"]) == 1
    out = capsys.readouterr()
    assert '"ok":false' in out.out.replace(" ", "")
    assert await asyncio.to_thread(cli.main, ["ledger", "check"]) == 1
    assert "DIFFERENCES FOUND" in capsys.readouterr().out


async def _entry_with_lines(
    db: asyncpg.Connection, estate_id: UUID, lines: list[tuple[int, int, int]]
) -> None:
    async with db.transaction():
        entry_id = await db.fetchval(
            "INSERT INTO ledger_entries (estate_id, kind) VALUES ($1, 'fund_deposit') RETURNING id", estate_id
        )
        await db.execute(
            """INSERT INTO ledger_lines (entry_id, account_id, amount)
               SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::bigint[])""",
            [entry_id + offset for offset, _, _ in lines],
            [account for _, account, _ in lines],
            [amount for _, _, amount in lines],
        )


async def test_lines_must_name_real_entries_and_accounts_of_one_estate(db: asyncpg.Connection) -> None:
    estate = await make_estate(db)
    other = await make_estate(db, name="别的小区")
    async with db.transaction():
        bank, share, _ = await _accounts(db, estate)
        foreign = await ledger.account_id(db, ledger.estate_account("fund_bank", other.id))
    before = await counts(db)
    # (label, lines as (entry offset from the new entry, account, amount))
    cases: list[tuple[str, list[tuple[int, int, int]]]] = [
        ("another estate's account", [(0, bank, 100), (0, foreign, -100)]),
        ("an account that does not exist", [(0, bank, 100), (0, 999_999, -100)]),
        ("an entry that does not exist", [(1000, bank, 100), (1000, share, -100)]),
    ]
    for label, lines in cases:
        with pytest.raises(asyncpg.ForeignKeyViolationError) as caught:
            await _entry_with_lines(db, estate.id, lines)
        assert caught.value.constraint_name == "ledger_lines_refer", label
    with pytest.raises(asyncpg.ForeignKeyViolationError) as caught:
        async with db.transaction():
            await db.execute(
                "INSERT INTO ledger_entries (estate_id, kind, bill_id) VALUES ($1, 'bill', $2)",
                estate.id,
                UUID(int=1),
            )
    assert caught.value.constraint_name == "ledger_entries_refer"
    assert await counts(db) == before


async def test_a_bill_names_a_home_and_a_fee_item_of_its_estate(db: asyncpg.Connection) -> None:
    estate = await make_estate(db)
    other = await make_estate(db, name="别的小区")
    item = await db.fetchval(
        "INSERT INTO fee_items (estate_id, kind, name, price_fen) VALUES ($1, 'flat', '杂费', 100) RETURNING id",
        estate.id,
    )
    before = await counts(db)
    for home in (other.homes[0], UUID(int=2)):
        with pytest.raises(asyncpg.ForeignKeyViolationError) as caught:
            await db.execute(
                """INSERT INTO bills (estate_id, home_id, fee_item_id, period, period_start, period_end, due_date,
                                      amount_fen, lines)
                   VALUES ($1, $2, $3, '2026-11', '2026-11-01', '2026-12-01', '2026-12-01', 100, '[]')""",
                estate.id,
                home,
                item,
            )
        assert caught.value.constraint_name == "bills_refer"
    assert await counts(db) == before
