"""Settling bills: payments, credit held and applied, refunds. What the payments work calls.

- ``apply_payment``: N fen a provider collected for a home. It pays the home's open bills oldest first (due date,
  then period, then id; only the bills named, when some are), and what is left is held as the home's credit
  (prepayment). One entry: the provider's clearing account debited N, the receivable credited what the bills
  took, the prepayment credited the rest. ``apply_payments`` does it for several homes at once (one order paying
  bills of two homes), posting the lines last so that the busy clearing account is held only to the commit.
- ``apply_credit``: credit the homes hold pays their open bills, oldest first (a billing run calls it after making
  its bills, so credit paid ahead is used up automatically). One entry per home: prepayment debited, receivable
  credited.
- ``refund_credit``: credit given back through a provider (a payment made twice, for one): prepayment debited,
  clearing credited.
- ``refund_bill``: money paid on a bill given back (full or partial, with a reason): the estate's refunds
  account debited, clearing credited; the bill keeps its state and counts ``refunded_fen``.

Each takes the caller's connection and transaction, locks the home's own accounts first (housing/ledger.py) and
refuses an amount that is not a whole positive number of fen before it writes anything.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Final, NamedTuple
from uuid import UUID

import asyncpg
import msgspec

from housing import bills_store as store
from housing import ledger
from housing.bills import OPEN_STATES, SYSTEM, pay_action, transition
from housing.errors import (
    BillNotFound,
    BillVersionConflict,
    HomeNotFound,
    InsufficientCredit,
    InvalidProvider,
    RefundTooLarge,
)

_PROVIDER: Final = re.compile(r"^[a-z][a-z0-9_]{1,31}$")
_SYSTEM_ROLES: Final = frozenset({SYSTEM})


class AppliedToBill(msgspec.Struct, frozen=True):
    bill_id: UUID
    amount_fen: int
    state: str  # after


class PaymentApplied(msgspec.Struct, frozen=True, kw_only=True):
    entry_id: int
    home_id: UUID
    amount_fen: int
    applied: list[AppliedToBill]
    credit_added_fen: int  # held as credit from this payment
    credit_fen: int  # the home's credit after it


class CreditApplied(msgspec.Struct, frozen=True, kw_only=True):
    homes: int
    amount_fen: int
    applied: list[AppliedToBill]


class Refunded(msgspec.Struct, frozen=True, kw_only=True):
    entry_id: int
    home_id: UUID
    amount_fen: int
    credit_fen: int  # the home's credit after it
    bill_id: UUID | None = None
    bill_state: str | None = None


def _provider(provider: str) -> str:
    if not isinstance(provider, str) or not _PROVIDER.match(provider):
        raise InvalidProvider(
            "a provider is a short lower-case name (wechat, alipay)",
            fields=[{"field": "provider", "code": "invalid_provider"}],
        )
    return provider


async def _home_estate(conn: asyncpg.Connection, home_id: UUID) -> UUID:
    estate_id: UUID | None = await conn.fetchval("SELECT estate_id FROM homes WHERE id = $1", home_id)
    if estate_id is None:
        raise HomeNotFound(f"no home {home_id}")
    return estate_id


async def home_credit(conn: asyncpg.Connection, home_id: UUID) -> int:
    """The credit a home holds (fen paid ahead, not yet used)."""
    estate_id = await _home_estate(conn, home_id)
    return -await ledger.balance(conn, ledger.home_account("prepayment", estate_id, home_id))


def allocate(bills: Sequence[asyncpg.Record], amount: int) -> tuple[list[tuple[asyncpg.Record, int]], int]:
    """Spread ``amount`` over bills in the order given (oldest first): each takes what it still owes until the
    money runs out. Returns (bill, amount) pairs and what is left."""
    out: list[tuple[asyncpg.Record, int]] = []
    left = amount
    for bill in bills:
        if left <= 0:
            break
        owed = bill["amount_fen"] - bill["paid_fen"] - bill["waived_fen"]
        take = min(owed, left)
        if take > 0:
            out.append((bill, take))
            left -= take
    return out, left


async def _settle(
    conn: asyncpg.Connection,
    pairs: Sequence[tuple[asyncpg.Record, int]],
    entry_of: dict[UUID, int],
    *,
    event_prefix: str,
    ref: str | None,
    actor_id: UUID | None,
) -> list[AppliedToBill]:
    """Guarded updates of the bills paid, and their events (``pay_*`` or ``credit_*``)."""
    if not pairs:
        return []
    ids, froms, tos, versions, paid, actions = [], [], [], [], [], []
    for bill, amount in pairs:
        action = pay_action(bill["amount_fen"] - bill["paid_fen"] - bill["waived_fen"], amount)
        row = transition(bill["state"], action, _SYSTEM_ROLES)
        ids.append(bill["id"])
        froms.append(bill["state"])
        tos.append(row.to)
        versions.append(bill["version"])
        paid.append(amount)
        actions.append(action.replace("pay", event_prefix))
    zeros = [0] * len(ids)
    updated = await store.settle_bills(conn, ids, froms, tos, versions, paid, zeros, zeros, [None] * len(ids))
    if len(updated) != len(ids):  # the bills were read locked: a miss is a bug, never a silent skip
        raise BillVersionConflict("a bill changed while it was being paid")
    await store.insert_events(
        conn,
        ids,
        actions,
        froms,
        tos,
        paid,
        [None] * len(ids),
        [entry_of[b["home_id"]] for b, _ in pairs],
        [ref] * len(ids),
        [actor_id] * len(ids),
    )
    return [AppliedToBill(bill_id, amount, to) for bill_id, amount, to in zip(ids, paid, tos, strict=True)]


class HomePayment(NamedTuple):
    """What a provider collected for one home: ``amount_fen``, for ``bill_ids`` when given."""

    home_id: UUID
    amount_fen: int
    bill_ids: Sequence[UUID] | None = None


async def apply_payment(
    conn: asyncpg.Connection,
    *,
    home_id: UUID,
    amount_fen: int,
    provider: str,
    ref: str,
    bill_ids: Sequence[UUID] | None = None,
    actor_id: UUID | None = None,
    memo: str = "",
) -> PaymentApplied:
    """Apply a payment of ``amount_fen`` collected by ``provider`` (its transaction ``ref``) to the home's open
    bills oldest first (only ``bill_ids`` when given: each must be a bill of this home), the rest held as credit.
    A bill named that is no longer open takes nothing (its share becomes credit: a second payment of a paid
    bill is credit, for the payments work to refund)."""
    (applied,) = await apply_payments(
        conn, [HomePayment(home_id, amount_fen, bill_ids)], provider=provider, ref=ref, actor_id=actor_id,
        memo=memo,
    )  # fmt: skip
    return applied


async def apply_payments(
    conn: asyncpg.Connection,
    payments: Sequence[HomePayment],
    *,
    provider: str,
    ref: str,
    actor_id: UUID | None = None,
    memo: str = "",
) -> list[PaymentApplied]:
    """``apply_payment`` for one or more homes (an order paying bills of several homes), one entry each, in a
    fixed number of statements. The homes' own accounts are locked first (all of them, in id order), then their
    bills; the bills are settled and their events written; the entries' lines come last, in one statement:
    its trigger locks the provider's clearing account, which every payment of the estate and channel posts to,
    so the transaction holds it from there to its commit only."""
    amounts = [ledger.require_amount(p.amount_fen) for p in payments]
    provider = _provider(provider)
    homes = [p.home_id for p in payments]
    if len(set(homes)) != len(homes):
        raise ValueError("a home is named twice: give its payment once")
    estate_of = await _home_estates(conn, homes)
    keys = {
        home: (
            ledger.home_account("receivable", estate_of[home], home),
            ledger.home_account("prepayment", estate_of[home], home),
            ledger.clearing_account(estate_of[home], provider),
        )
        for home in homes
    }
    ids = await ledger.accounts(conn, [key for three in keys.values() for key in three])
    balances = await ledger.lock_accounts(conn, [ids[k] for three in keys.values() for k in three[:2]])
    bills_of: dict[UUID, list[asyncpg.Record]] = defaultdict(list)
    for bill in await store.open_bills(conn, homes):
        bills_of[bill["home_id"]].append(bill)
    await _refuse_foreign_bills(conn, payments, bills_of)
    entries: list[ledger.Entry] = []
    pairs_of: list[list[tuple[asyncpg.Record, int]]] = []
    rests: list[int] = []
    for payment, amount in zip(payments, amounts, strict=True):
        receivable, prepayment, clearing = (ids[k] for k in keys[payment.home_id])
        bills = bills_of[payment.home_id]
        if payment.bill_ids is not None:
            wanted = set(payment.bill_ids)
            bills = [b for b in bills if b["id"] in wanted]
        pairs, rest = allocate(bills, amount)
        to_bills = amount - rest
        lines = [ledger.Line(clearing, amount)]
        if to_bills:
            lines.append(ledger.Line(receivable, -to_bills))
        if rest:
            lines.append(ledger.Line(prepayment, -rest))
        entries.append(
            ledger.Entry(
                estate_id=estate_of[payment.home_id], kind="payment", lines=lines, memo=memo, ref=ref,
                actor_id=actor_id,
            )
        )  # fmt: skip
        pairs_of.append(pairs)
        rests.append(rest)
    entry_ids = await ledger.make_entries(conn, entries)
    entry_of = dict(zip(homes, entry_ids, strict=True))
    all_pairs = [pair for pairs in pairs_of for pair in pairs]
    settled = await _settle(conn, all_pairs, entry_of, event_prefix="pay", ref=ref, actor_id=actor_id)
    await ledger.add_lines(conn, entry_ids, entries)  # the clearing account: locked from here to the commit
    applied_of: dict[UUID, list[AppliedToBill]] = defaultdict(list)
    for (bill, _), done in zip(all_pairs, settled, strict=True):
        applied_of[bill["home_id"]].append(done)
    out = []
    for payment, amount, rest, entry_id in zip(payments, amounts, rests, entry_ids, strict=True):
        # the prepayment account was locked: the credit after is the credit before (-balance) and the rest
        credit = rest - balances[ids[keys[payment.home_id][1]]]
        out.append(
            PaymentApplied(
                entry_id=entry_id,
                home_id=payment.home_id,
                amount_fen=amount,
                applied=applied_of[payment.home_id],
                credit_added_fen=rest,
                credit_fen=credit,
            )
        )
    return out


async def _home_estates(conn: asyncpg.Connection, home_ids: Sequence[UUID]) -> dict[UUID, UUID]:
    rows = await conn.fetch("SELECT id, estate_id FROM homes WHERE id = ANY($1::uuid[])", list(home_ids))
    estate_of: dict[UUID, UUID] = {r["id"]: r["estate_id"] for r in rows}
    for home_id in home_ids:
        if home_id not in estate_of:
            raise HomeNotFound(f"no home {home_id}")
    return estate_of


async def _refuse_foreign_bills(
    conn: asyncpg.Connection,
    payments: Sequence[HomePayment],
    open_of: Mapping[UUID, Sequence[asyncpg.Record]],
) -> None:
    """BillNotFound when a payment names a bill of another home. A bill among the home's open bills is the
    home's: only the others (paid meanwhile, or not the home's) are looked up."""
    homes: list[UUID] = []
    bills: list[UUID] = []
    for p in payments:
        open_ids = {b["id"] for b in open_of.get(p.home_id, ())}
        for bill_id in dict.fromkeys(p.bill_ids or ()):
            if bill_id not in open_ids:
                homes.append(p.home_id)
                bills.append(bill_id)
    if not bills:
        return
    foreign = await conn.fetchrow(
        "SELECT w.id, w.home_id FROM unnest($1::uuid[], $2::uuid[]) AS w(id, home_id) WHERE NOT EXISTS "
        "(SELECT 1 FROM bills b WHERE b.id = w.id AND b.home_id = w.home_id) LIMIT 1",
        bills,
        homes,
    )
    if foreign is not None:
        raise BillNotFound(
            f"bill {foreign['id']} is not a bill of home {foreign['home_id']}",
            fields=[{"field": "bill_ids", "code": "bill_not_found"}],
        )


async def apply_credit(
    conn: asyncpg.Connection, home_ids: Sequence[UUID], *, actor_id: UUID | None = None, locked: bool = False
) -> CreditApplied:
    """Use the credit of these homes on their open bills, oldest first. ``locked``: the caller holds the homes'
    receivable and prepayment accounts already (a billing batch)."""
    rows = await conn.fetch(
        """SELECT id, estate_id, home_id, -balance AS credit FROM ledger_accounts
           WHERE kind = 'prepayment' AND home_id = ANY($1::uuid[]) AND balance < 0 ORDER BY id""",
        list(home_ids),
    )
    if not rows:
        return CreditApplied(homes=0, amount_fen=0, applied=[])
    homes = [r["home_id"] for r in rows]
    keys = [ledger.home_account("receivable", r["estate_id"], r["home_id"]) for r in rows]
    receivables = await ledger.accounts(conn, keys)
    if not locked:
        balances = await ledger.lock_accounts(conn, [*receivables.values(), *(r["id"] for r in rows)])
        credit_of = {r["home_id"]: -balances[r["id"]] for r in rows}
    else:
        credit_of = {r["home_id"]: r["credit"] for r in rows}
    by_home: dict[UUID, list[asyncpg.Record]] = defaultdict(list)
    for bill in await store.open_bills(conn, homes):
        by_home[bill["home_id"]].append(bill)
    entries: list[ledger.Entry] = []
    pairs_of: dict[UUID, list[tuple[asyncpg.Record, int]]] = {}
    for row, key in zip(rows, keys, strict=True):
        pairs, rest = allocate(by_home.get(row["home_id"], []), credit_of[row["home_id"]])
        used = credit_of[row["home_id"]] - rest
        if used <= 0:
            continue
        pairs_of[row["home_id"]] = pairs
        entries.append(
            ledger.Entry(
                estate_id=row["estate_id"],
                kind="credit_applied",
                lines=[ledger.Line(row["id"], used), ledger.Line(receivables[key], -used)],
                memo="credit applied to open bills",
                actor_id=actor_id,
            )
        )
    if not entries:
        return CreditApplied(homes=0, amount_fen=0, applied=[])
    entry_ids = await ledger.post_many(conn, entries)
    entry_of = dict(zip(pairs_of, entry_ids, strict=True))
    all_pairs = [pair for pairs in pairs_of.values() for pair in pairs]
    applied = await _settle(conn, all_pairs, entry_of, event_prefix="credit", ref=None, actor_id=actor_id)
    return CreditApplied(homes=len(entries), amount_fen=sum(a.amount_fen for a in applied), applied=applied)


async def refund_credit(
    conn: asyncpg.Connection,
    *,
    home_id: UUID,
    amount_fen: int,
    provider: str,
    ref: str,
    reason: str,
    actor_id: UUID | None = None,
) -> Refunded:
    """Give back ``amount_fen`` of the home's credit through the provider (the refund succeeded there)."""
    amount = ledger.require_amount(amount_fen)
    provider = _provider(provider)
    estate_id = await _home_estate(conn, home_id)
    prepayment = await ledger.account_id(conn, ledger.home_account("prepayment", estate_id, home_id))
    balances = await ledger.lock_accounts(conn, [prepayment])
    credit = -balances[prepayment]
    if amount > credit:
        raise InsufficientCredit(
            f"the home holds {credit} fen of credit, less than {amount}",
            credit_fen=credit,
            fields=[{"field": "amount_fen", "code": "insufficient_credit"}],
        )
    clearing = await ledger.account_id(conn, ledger.clearing_account(estate_id, provider))
    entry_id = await ledger.post(
        conn,
        ledger.Entry(
            estate_id=estate_id,
            kind="refund",
            lines=[ledger.Line(prepayment, amount), ledger.Line(clearing, -amount)],
            memo=reason,
            ref=ref,
            actor_id=actor_id,
        ),
    )
    return Refunded(entry_id=entry_id, home_id=home_id, amount_fen=amount, credit_fen=credit - amount)


async def refund_bill(
    conn: asyncpg.Connection,
    *,
    bill_id: UUID,
    amount_fen: int,
    provider: str,
    ref: str,
    reason: str,
    actor_id: UUID | None = None,
    roles: frozenset[str] = _SYSTEM_ROLES,
) -> Refunded:
    """Give back ``amount_fen`` of what was paid on a bill through the provider (the refund succeeded there):
    at most what was paid and not refunded yet. The bill keeps its state; the money leaves through the
    estate's refunds account."""
    amount = ledger.require_amount(amount_fen)
    provider = _provider(provider)
    found = await store.get_bill(conn, bill_id)
    if found is None:
        raise BillNotFound(f"no bill {bill_id}")
    estate_id, home_id = found["estate_id"], found["home_id"]
    receivable = await ledger.account_id(conn, ledger.home_account("receivable", estate_id, home_id))
    await ledger.lock_accounts(conn, [receivable])
    bill = await store.get_bill(conn, bill_id, lock=True)
    assert bill is not None
    row = transition(bill["state"], "refund", roles)
    refundable = bill["paid_fen"] - bill["refunded_fen"]
    if amount > refundable:
        raise RefundTooLarge(
            f"{refundable} fen paid on the bill can still be refunded, less than {amount}",
            refundable_fen=refundable,
            fields=[{"field": "amount_fen", "code": "refund_too_large"}],
        )
    refunds = await ledger.account_id(conn, ledger.estate_account("refunds", estate_id))
    clearing = await ledger.account_id(conn, ledger.clearing_account(estate_id, provider))
    entry_id = await ledger.post(
        conn,
        ledger.Entry(
            estate_id=estate_id,
            kind="refund",
            lines=[ledger.Line(refunds, amount), ledger.Line(clearing, -amount)],
            memo=reason,
            bill_id=bill_id,
            ref=ref,
            actor_id=actor_id,
        ),
    )
    updated = await store.settle_bills(
        conn, [bill_id], [bill["state"]], [row.to], [bill["version"]], [0], [0], [amount], [None]
    )
    if not updated:
        raise BillVersionConflict("the bill changed meanwhile", version=bill["version"], state=bill["state"])
    await store.insert_events(
        conn,
        [bill_id],
        ["refund"],
        [bill["state"]],
        [row.to],
        [amount],
        [reason],
        [entry_id],
        [ref],
        [actor_id],
    )
    credit = -await ledger.balance(conn, ledger.home_account("prepayment", estate_id, home_id))
    return Refunded(
        entry_id=entry_id,
        home_id=home_id,
        amount_fen=amount,
        credit_fen=credit,
        bill_id=bill_id,
        bill_state=row.to,
    )


__all__ = [
    "OPEN_STATES",
    "AppliedToBill",
    "CreditApplied",
    "HomePayment",
    "PaymentApplied",
    "Refunded",
    "allocate",
    "apply_credit",
    "apply_payment",
    "apply_payments",
    "home_credit",
    "refund_bill",
    "refund_credit",
]
