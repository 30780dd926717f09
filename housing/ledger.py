"""The double-entry ledger of housing money (DOMAIN.md §9, §11).

Accounts (one per key; made the first time a key is posted to):

============  ==========================  ====================================================================
kind          key                         what it holds
============  ==========================  ====================================================================
receivable    estate, home                what the home owes on its bills (an asset: positive)
prepayment    estate, home                credit the home paid ahead (a liability: negative)
fund_share    estate, home                the home's share of the maintenance fund (a liability: negative)
revenue       estate, fee item            the company's income of one fee item (negative)
clearing      estate, provider            money a provider (wechat, alipay, ...) collected and owes the estate
refunds       estate                      money given back on settled bills (a debit: positive)
fund_bank     estate                      the fund's money in its bank account (positive)
fund_interest estate                      interest the fund earned, until it is shared among the homes
============  ==========================  ====================================================================

A journal entry is two or more lines, each a signed amount in fen on one account (debit positive, credit
negative), summing to zero. The database enforces it, whoever writes (migrations 0015 and 0016): at commit, a
deferred constraint trigger checks every entry the transaction made or gave lines to; lines can only be added
together with their entry, to accounts of the entry's estate; entries and lines are never updated or deleted.
Each account's stored ``balance`` is kept by the statement that inserts its lines; ``check`` proves that every
entry balances and every stored balance equals the sum of its lines (``cityloop ledger check``). A correction is
a reversing entry: the same lines negated, naming the entry it reverses (once). ``post``/``post_many`` validate
an entry before the database does; a billing batch posts its bills' entries set-based in the statement that
inserts the bills (housing/billing_store.py), under the same database checks.

Locking, so that concurrent postings cannot deadlock: a money operation on a home first locks the home's own
accounts (receivable, prepayment, fund share) in id order with ``lock_accounts``, before it touches bills; the
shared accounts (revenue, clearing, refunds, fund bank, fund interest) are locked only by the posting itself
(the lines trigger locks the accounts of a statement in id order), and the posting is the operation's last write
to a shared account. So a transaction that holds a shared account waits for no other lock of the ledger. A use
case with more to write makes its entries first (``make_entries``), writes the rest, and adds their lines at the
end (``add_lines``), so that it holds a busy shared account (an estate's clearing account) only briefly.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Final, Literal, NamedTuple, get_args
from uuid import UUID

import asyncpg
import msgspec

from housing import ledger_store as store
from housing.errors import EntryAlreadyReversed, EntryNotFound, InvalidAmount, UnbalancedEntry
from housing.money import MAX_FEN

AccountKind = Literal[
    "receivable", "prepayment", "fund_share", "revenue", "clearing", "refunds", "fund_bank", "fund_interest"
]
ACCOUNT_KINDS: Final[tuple[AccountKind, ...]] = get_args(AccountKind)
HOME_KINDS: Final[frozenset[str]] = frozenset({"receivable", "prepayment", "fund_share"})
EntryKind = Literal[
    "bill",
    "bill_waive",
    "payment",
    "credit_applied",
    "refund",
    "fund_deposit",
    "fund_interest",
    "reversal",
    "fund_spend",  # a fund project's disbursement: the homes' shares debited, the bank credited (fund_projects.py)
    "fund_return",  # what a fund project's settlement gives back to the same homes
]
#: progress(phase, done, total), as the CLI's progress bar takes it
Progress = Callable[[str, int, int], None]


class AccountKey(NamedTuple):
    kind: AccountKind
    estate_id: UUID
    home_id: UUID | None = None
    fee_item_id: UUID | None = None
    provider: str | None = None


def home_account(kind: AccountKind, estate_id: UUID, home_id: UUID) -> AccountKey:
    return AccountKey(kind, estate_id, home_id=home_id)


def revenue_account(estate_id: UUID, fee_item_id: UUID) -> AccountKey:
    return AccountKey("revenue", estate_id, fee_item_id=fee_item_id)


def clearing_account(estate_id: UUID, provider: str) -> AccountKey:
    return AccountKey("clearing", estate_id, provider=provider)


def estate_account(kind: AccountKind, estate_id: UUID) -> AccountKey:
    return AccountKey(kind, estate_id)


class Line(NamedTuple):
    account_id: int
    amount: int  # fen: debit > 0, credit < 0


class Entry(msgspec.Struct, kw_only=True):
    """An entry to post: its lines must sum to zero (checked here, and by the database at commit)."""

    estate_id: UUID
    kind: EntryKind
    lines: list[Line]
    memo: str = ""
    bill_id: UUID | None = None
    ref: str | None = None
    reverses_id: int | None = None
    actor_id: UUID | None = None


def require_amount(value: object, field: str = "amount_fen", *, allow_zero: bool = False) -> int:
    """A whole positive number of fen (0 too with allow_zero), no larger than 10^12, or InvalidAmount naming the
    field. Refuses floats, bools and Decimals: a fractional fen is never rounded away."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidAmount(
            f"{field} is a whole number of fen", fields=[{"field": field, "code": "invalid_amount"}]
        )
    if value < 0 or (value == 0 and not allow_zero) or value > MAX_FEN:
        raise InvalidAmount(
            f"{field} must be {'at least 0' if allow_zero else 'positive'} and at most {MAX_FEN} fen",
            fields=[{"field": field, "code": "invalid_amount"}],
        )
    return value


def validate(entry: Entry) -> None:
    """Refuse an entry that cannot balance before the database has to: fewer than two lines, a zero, fractional
    or huge amount, or lines that do not sum to zero."""
    if len(entry.lines) < 2:
        raise UnbalancedEntry("an entry has at least two lines")
    for line in entry.lines:
        if isinstance(line.amount, bool) or not isinstance(line.amount, int):
            raise InvalidAmount("a line's amount is a whole number of fen")
        if line.amount == 0 or abs(line.amount) > MAX_FEN:
            raise InvalidAmount("a line's amount is non-zero and at most 10^12 fen either way")
    total = sum(line.amount for line in entry.lines)
    if total != 0:
        raise UnbalancedEntry(f"the lines sum to {total} fen, not 0")


async def accounts(conn: asyncpg.Connection, keys: Sequence[AccountKey]) -> dict[AccountKey, int]:
    """The id of each account, made when missing."""
    unique = list(dict.fromkeys(keys))
    if not unique:
        return {}
    rows = await store.ensure_accounts(
        conn,
        [k.kind for k in unique],
        [k.estate_id for k in unique],
        [k.home_id for k in unique],
        [k.fee_item_id for k in unique],
        [k.provider for k in unique],
    )
    found = {
        AccountKey(r["kind"], r["estate_id"], r["home_id"], r["fee_item_id"], r["provider"]): r["id"]
        for r in rows
    }
    return {k: found[k] for k in unique}


async def account_id(conn: asyncpg.Connection, key: AccountKey) -> int:
    return (await accounts(conn, [key]))[key]


async def lock_accounts(conn: asyncpg.Connection, account_ids: Sequence[int]) -> dict[int, int]:
    """Lock a home's own accounts in id order before touching its bills; returns their balances."""
    return await store.lock_accounts(conn, sorted(set(account_ids)))


async def balances(conn: asyncpg.Connection, account_ids: Sequence[int]) -> dict[int, int]:
    """Stored balances by account id."""
    return await store.balances(conn, account_ids)


async def balance(conn: asyncpg.Connection, key: AccountKey) -> int:
    """The stored balance of an account (0 when it was never posted to)."""
    row = await store.find_account(conn, key.kind, key.estate_id, key.home_id, key.fee_item_id, key.provider)
    return int(row["balance"]) if row is not None else 0


async def account_lines(
    conn: asyncpg.Connection, account_id: int, after_line: int | None, limit: int
) -> list[asyncpg.Record]:
    """An account's lines oldest first (after the line ``after_line``), each with the balance after it."""
    return await store.account_lines(conn, account_id, after_line, limit)


async def post(conn: asyncpg.Connection, entry: Entry) -> int:
    """Post one entry; returns its id."""
    (entry_id,) = await post_many(conn, [entry])
    return entry_id


async def post_many(conn: asyncpg.Connection, entries: Sequence[Entry]) -> list[int]:
    """Post entries in three statements whatever their number (a billing batch posts thousands at once; one entry
    takes two)."""
    ids = await make_entries(conn, entries)
    await add_lines(conn, ids, entries)
    return ids


async def make_entries(conn: asyncpg.Connection, entries: Sequence[Entry]) -> list[int]:
    """The first half of ``post_many``: the entries validated and inserted without their lines, which
    ``add_lines`` must add in the same transaction (else the commit fails: an entry has two or more lines). A
    use case that writes other rows in between locks the shared accounts (the lines' trigger) only at its end."""
    if not entries:
        return []
    for entry in entries:
        validate(entry)
    columns = (
        [e.estate_id for e in entries],
        [e.kind for e in entries],
        [e.memo[:200] for e in entries],
        [e.bill_id for e in entries],
        [e.ref for e in entries],
        [e.reverses_id for e in entries],
        [e.actor_id for e in entries],
    )
    bill_ids = columns[3]
    if len(entries) == 1:
        e = entries[0]
        return [await store.insert_entry(conn, e.estate_id, e.kind, e.memo[:200], e.bill_id, e.ref, e.reverses_id,
                                         e.actor_id)]  # fmt: skip
    if None not in bill_ids and len(set(bill_ids)) == len(bill_ids):
        # one entry per bill (a billing batch): the bill tells which id each entry got
        by_bill = await store.insert_bill_entries(conn, *columns)
        return [by_bill[b] for b in bill_ids if b is not None]
    ids = await store.allocate_entry_ids(conn, len(entries))
    await store.insert_entries(conn, ids, *columns)
    return ids


async def add_lines(conn: asyncpg.Connection, entry_ids: Sequence[int], entries: Sequence[Entry]) -> None:
    """The second half of ``post_many``: the lines of entries ``make_entries`` made, in one statement (its
    trigger locks the accounts they name, in id order, and adds the lines to their balances)."""
    if not entries:
        return
    line_entries: list[int] = []
    line_accounts: list[int] = []
    line_amounts: list[int] = []
    for entry_id, entry in zip(entry_ids, entries, strict=True):
        for line in entry.lines:
            line_entries.append(entry_id)
            line_accounts.append(line.account_id)
            line_amounts.append(line.amount)
    await store.insert_lines(conn, line_entries, line_accounts, line_amounts)


async def reverse(
    conn: asyncpg.Connection,
    entry_id: int,
    *,
    memo: str,
    actor_id: UUID | None = None,
    kind: EntryKind = "reversal",
    bill_id: UUID | None = None,
) -> int:
    """Post the reversing entry of ``entry_id`` (its lines negated). An entry is reversed at most once, and a
    reversal is not itself reversed (post the original again instead)."""
    original = await store.get_entry(conn, entry_id)
    if original is None:
        raise EntryNotFound(f"no ledger entry {entry_id}")
    if original["reversed_by"] is not None:
        raise EntryAlreadyReversed(
            f"entry {entry_id} was reversed by entry {original['reversed_by']}",
            reversed_by=original["reversed_by"],
        )
    if original["reverses_id"] is not None:
        raise EntryAlreadyReversed(f"entry {entry_id} is itself a reversal", reversed_by=None)
    lines = await store.entry_lines(conn, entry_id)
    return await post(
        conn,
        Entry(
            estate_id=original["estate_id"],
            kind="reversal",
            lines=[Line(r["account_id"], -r["amount"]) for r in lines],
            memo=memo,
            bill_id=bill_id if bill_id is not None else original["bill_id"],
            reverses_id=entry_id,
            actor_id=actor_id,
        ),
    )


# the check ----------------------------------------------------------------------------------------------------------


class UnbalancedEntryFound(msgspec.Struct, frozen=True):
    entry_id: int
    lines: int
    total_fen: int


class BalanceDifference(msgspec.Struct, frozen=True):
    account_id: int
    kind: str
    estate_id: UUID
    home_id: UUID | None
    stored_fen: int
    lines_fen: int


class ReceivableDifference(msgspec.Struct, frozen=True):
    home_id: UUID
    account_id: int | None
    receivable_fen: int
    bills_outstanding_fen: int


class CheckReport(msgspec.Struct, kw_only=True):
    ok: bool
    entries: int
    lines: int
    accounts: int
    unbalanced: list[UnbalancedEntryFound]
    unbalanced_total: int
    balance_differences: list[BalanceDifference]
    balance_differences_total: int
    receivable_differences: list[ReceivableDifference]
    receivable_differences_total: int
    seconds: float


#: entries per chunk of the check (about twice as many lines)
CHECK_CHUNK_ENTRIES: Final = 250_000
MAX_LISTED: Final = 100


async def check(
    conn: asyncpg.Connection,
    progress: Progress | None = None,
    *,
    chunk_entries: int = CHECK_CHUNK_ENTRIES,
    max_listed: int = MAX_LISTED,
) -> CheckReport:
    """Prove the ledger: every entry has two or more lines summing to zero, every account's stored balance is the
    sum of its lines, and every home's receivable equals what its open bills say it owes.

    Run it inside one REPEATABLE READ transaction (the CLI does) so that every chunk reads the same snapshot.
    The lines are read once, chunk by chunk of entry ids; each chunk gives the entries that do not balance and
    every account's partial sum, added up here.
    """
    started = time.perf_counter()
    bounds = await store.check_bounds(conn)
    first, last = int(bounds["first_entry"]), int(bounds["last_entry"])
    span = last - first + 1 if last else 0
    sums: dict[int, int] = {}
    unbalanced: list[UnbalancedEntryFound] = []
    unbalanced_total = 0
    lines = 0
    entries = 0
    done = 0
    if progress:
        progress("check", 0, span)
    start = first
    while last and start <= last:
        end = min(start + chunk_entries - 1, last)
        for row in await store.check_entry_chunk(conn, start, end):
            if row["account_id"] is not None:
                account = row["account_id"]
                sums[account] = sums.get(account, 0) + row["total"]
                lines += row["lines"]
            else:
                unbalanced_total += 1
                if len(unbalanced) < max_listed:
                    unbalanced.append(UnbalancedEntryFound(row["entry_id"], row["lines"], row["total"]))
        for row in await store.check_lineless_entries(conn, start, end):
            unbalanced_total += 1
            if len(unbalanced) < max_listed:
                unbalanced.append(UnbalancedEntryFound(row["id"], 0, 0))
        done += end - start + 1
        if progress:
            progress("check", done, span)
        start = end + 1
    differences: list[BalanceDifference] = []
    differences_total = 0
    stored = await store.stored_balances(conn)
    for row in stored:
        derived = sums.pop(row["id"], 0)
        if derived != row["balance"]:
            differences_total += 1
            if len(differences) < max_listed:
                differences.append(
                    BalanceDifference(
                        row["id"], row["kind"], row["estate_id"], row["home_id"], row["balance"], derived
                    )
                )
    receivables = await store.receivables_against_bills(conn)
    if progress:
        progress("bills", 1, 1)
    entries = await conn.fetchval("SELECT count(*) FROM ledger_entries")
    report = CheckReport(
        ok=not unbalanced_total and not differences_total and not receivables,
        entries=int(entries),
        lines=lines,
        accounts=len(stored),
        unbalanced=unbalanced,
        unbalanced_total=unbalanced_total,
        balance_differences=differences,
        balance_differences_total=differences_total,
        receivable_differences=[
            ReceivableDifference(r["home_id"], r["account_id"], r["balance"], r["outstanding"])
            for r in receivables[:max_listed]
        ],
        receivable_differences_total=len(receivables),
        seconds=round(time.perf_counter() - started, 3),
    )
    return report


def describe(report: CheckReport) -> str:
    """The check's report for people."""
    head = "ledger check: " + ("OK" if report.ok else "DIFFERENCES FOUND")
    lines = [
        head,
        f"  entries {report.entries:,}, lines {report.lines:,}, accounts {report.accounts:,}, "
        f"{report.seconds:.2f} s",
        f"  entries that do not balance: {report.unbalanced_total:,}",
    ]
    for u in report.unbalanced:
        lines.append(f"    entry {u.entry_id}: {u.lines} line(s) summing to {u.total_fen} fen")
    lines.append(f"  stored balances that differ from their lines: {report.balance_differences_total:,}")
    for d in report.balance_differences:
        lines.append(
            f"    account {d.account_id} ({d.kind}{f', home {d.home_id}' if d.home_id else ''}): stored "
            f"{d.stored_fen} fen, lines {d.lines_fen} fen"
        )
    lines.append(
        f"  homes whose receivable differs from their open bills: {report.receivable_differences_total:,}"
    )
    for r in report.receivable_differences:
        lines.append(
            f"    home {r.home_id}: receivable {r.receivable_fen} fen, bills outstanding "
            f"{r.bills_outstanding_fen} fen"
        )
    return "\n".join(lines)
