"""Bills: their states as a table, the guarded changes of state, and what residents and staff read.

A bill is ``issued`` by a billing run (its entry: the home's receivable debited, the fee item's revenue credited).
Payments and credit make it ``partly_paid`` or ``paid`` (housing/settlement.py). Staff may ``waive`` what is still
owed (with a reason: the unpaid rest leaves the receivable against the item's revenue) or ``cancel`` a bill that
nothing was paid on (with a reason: its entry is reversed). Money paid and given back on a settled bill is a
``refund`` (the state stays). A bill is never deleted and its amount never changes.

Every change is a guarded UPDATE on (state, version) with its event (bill_events) and its ledger entry in the
same transaction; an unknown (state, action) pair is refused, never let through.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Annotated, Final, Literal, NamedTuple, get_args
from uuid import UUID

import asyncpg
import msgspec

from housing import access, ledger
from housing import bills_store as store
from housing import store as housing_store
from housing.errors import BillNotFound, BillStateConflict, BillVersionConflict, HomeForbidden
from housing.fees import BilledKind, BillLine
from housing.paging import decode_cursor, encode_cursor
from identity.models import Principal

BillState = Literal["issued", "partly_paid", "paid", "waived", "cancelled"]
BILL_STATES: Final[tuple[BillState, ...]] = get_args(BillState)
OPEN_STATES: Final[frozenset[str]] = frozenset({"issued", "partly_paid"})
BillAction = Literal["pay_part", "pay_full", "waive", "cancel", "refund"]
#: the actions staff take through the API; payments, credit and refunds come from the payments work
StaffAction = Literal["waive", "cancel"]

#: the pseudo-role of payments, credit and refunds applied by the system
SYSTEM: Final = "system"
#: who may forgive or cancel a bill: the estate's property manager (money decisions) and admins
MANAGERS: Final[frozenset[str]] = frozenset({"property_manager", "admin"})


class Transition(NamedTuple):
    to: BillState
    roles: frozenset[str]
    needs_reason: bool = False


_SYSTEM = frozenset({SYSTEM})
TRANSITIONS: Final[dict[tuple[BillState, BillAction], Transition]] = {
    ("issued", "pay_part"): Transition("partly_paid", _SYSTEM),
    ("issued", "pay_full"): Transition("paid", _SYSTEM),
    ("partly_paid", "pay_part"): Transition("partly_paid", _SYSTEM),
    ("partly_paid", "pay_full"): Transition("paid", _SYSTEM),
    ("issued", "waive"): Transition("waived", MANAGERS, needs_reason=True),
    ("partly_paid", "waive"): Transition("waived", MANAGERS, needs_reason=True),
    ("issued", "cancel"): Transition("cancelled", MANAGERS, needs_reason=True),
    ("partly_paid", "refund"): Transition("partly_paid", _SYSTEM | MANAGERS, needs_reason=True),
    ("paid", "refund"): Transition("paid", _SYSTEM | MANAGERS, needs_reason=True),
    ("waived", "refund"): Transition("waived", _SYSTEM | MANAGERS, needs_reason=True),
}
assert {a for _, a in TRANSITIONS} == set(get_args(BillAction)), "every action has a row"


def transition(state: str, action: str, roles: frozenset[str] | set[str]) -> Transition:
    """The row of the table for (state, action), or BillStateConflict when there is none or the roles do not
    reach it (a role check is the API's job too; this is the table's own guard)."""
    row = TRANSITIONS.get((state, action))  # type: ignore[arg-type]
    if row is None or not (row.roles & set(roles)):
        raise BillStateConflict(f"a bill that is {state} does not allow {action}", state=state, action=action)
    return row


def pay_action(outstanding: int, amount: int) -> BillAction:
    return "pay_full" if amount >= outstanding else "pay_part"


# what people read ---------------------------------------------------------------------------------------------------


class Bill(msgspec.Struct, frozen=True, kw_only=True):
    """A bill as a resident or the estate's staff sees it. Amounts in fen; ``period_end`` is the period's last
    day. ``outstanding_fen`` = amount − paid − waived (0 once paid, waived or cancelled)."""

    id: UUID
    estate_id: UUID
    home_id: UUID
    fee_item_id: UUID
    fee_item_name: str
    fee_kind: BilledKind
    period: str
    period_start: date
    period_end: date
    due_date: date
    amount_fen: int
    paid_fen: int
    waived_fen: int
    refunded_fen: int
    outstanding_fen: int
    state: BillState
    reason: str | None
    lines: list[BillLine]
    version: int
    issued_at: datetime
    updated_at: datetime


class BillEvent(msgspec.Struct, frozen=True):
    """Something that happened to a bill, oldest first: issued, paid (in part), credit applied, waived,
    cancelled, refunded; with the ledger entry it posted."""

    id: int
    action: str  # issue, pay_part, pay_full, credit_part, credit_full, waive, cancel, refund
    from_state: BillState | None
    to_state: BillState
    amount_fen: int
    reason: str | None
    entry_id: int | None
    at: datetime


class BillDetail(Bill, frozen=True, kw_only=True):
    """A bill with its history (events, oldest first)."""

    events: list[BillEvent]


class BillPage(msgspec.Struct, frozen=True):
    """A page of bills: `next_cursor` (opaque) is sent back as `cursor`; null at the end."""

    items: list[Bill]
    next_cursor: str | None


Reason = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]


class BillDecision(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """Waive (免除) what is still owed on a bill, or cancel (作废) a bill nothing was paid on; a reason either way."""

    action: StaffAction
    reason: Reason


def bill_view(row: asyncpg.Record) -> Bill:
    return Bill(
        id=row["id"],
        estate_id=row["estate_id"],
        home_id=row["home_id"],
        fee_item_id=row["fee_item_id"],
        fee_item_name=row["fee_item_name"],
        fee_kind=row["fee_kind"],
        period=row["period"],
        period_start=row["period_start"],
        period_end=row["period_end"] - timedelta(days=1),
        due_date=row["due_date"],
        amount_fen=row["amount_fen"],
        paid_fen=row["paid_fen"],
        waived_fen=row["waived_fen"],
        refunded_fen=row["refunded_fen"],
        outstanding_fen=(
            row["amount_fen"] - row["paid_fen"] - row["waived_fen"] if row["state"] in OPEN_STATES else 0
        ),
        state=row["state"],
        reason=row["reason"],
        lines=msgspec.convert(row["lines"], list[BillLine]),
        version=row["version"],
        issued_at=row["issued_at"],
        updated_at=row["updated_at"],
    )


async def get_bill(conn: asyncpg.Connection, bill_id: UUID) -> BillDetail:
    row = await store.get_bill(conn, bill_id)
    if row is None:
        raise BillNotFound(f"no bill {bill_id}")
    # the issue is the bill itself and its entry (a billing run writes no event row per bill)
    issue = await store.issue_entry(conn, bill_id)
    events = [BillEvent(0, "issue", None, "issued", row["amount_fen"], None, issue, row["issued_at"])]
    events += [
        BillEvent(
            e["id"],
            e["action"],
            e["from_state"],
            e["to_state"],
            e["amount_fen"],
            e["reason"],
            e["entry_id"],
            e["at"],
        )
        for e in await store.bill_events(conn, bill_id)
    ]
    return BillDetail(**msgspec.structs.asdict(bill_view(row)), events=events)


async def require_bill_reader(conn: asyncpg.Connection, principal: Principal, bill_id: UUID) -> None:
    """BillNotFound, or HomeForbidden unless the caller is bound to the bill's home now (any relation) or reads
    the estate's staff views (its staff, the district's housing officers, admins)."""
    row = await store.bill_home(conn, bill_id)
    if row is None:
        raise BillNotFound(f"no bill {bill_id}")
    if access.reads_estate(principal, str(row["estate_id"]), row["district_code"]):
        return
    if not await housing_store.is_bound(
        conn, row["home_id"], principal.user_id, ("owner", "family", "tenant")
    ):
        raise HomeForbidden("this is not a bill of one of your homes")


async def bill_estate(conn: asyncpg.Connection, bill_id: UUID) -> UUID:
    row = await store.bill_home(conn, bill_id)
    if row is None:
        raise BillNotFound(f"no bill {bill_id}")
    estate_id: UUID = row["estate_id"]
    return estate_id


async def my_bills(
    conn: asyncpg.Connection,
    user_id: UUID,
    state: BillState | None,
    home_id: UUID | None,
    cursor: str | None,
    limit: int,
) -> BillPage:
    """The bills of the homes the user is bound to now, newest first."""
    after = UUID(str(decode_cursor(cursor, (UUID,))[0])) if cursor else None
    rows = await store.user_bills(conn, user_id, state, home_id, after, limit)
    items = [bill_view(r) for r in rows]
    return BillPage(items=items, next_cursor=encode_cursor(items[-1].id) if len(items) == limit else None)


# staff decisions ----------------------------------------------------------------------------------------------------


async def decide(
    conn: asyncpg.Connection,
    bill_id: UUID,
    version: int,
    decision: BillDecision,
    *,
    actor_id: UUID | None,
    roles: frozenset[str],
) -> BillDetail:
    """Waive or cancel a bill, guarded by its version (If-Match)."""
    found = await store.get_bill(conn, bill_id)
    if found is None:
        raise BillNotFound(f"no bill {bill_id}")
    estate_id, home_id = found["estate_id"], found["home_id"]
    receivable = await ledger.account_id(conn, ledger.home_account("receivable", estate_id, home_id))
    await ledger.lock_accounts(
        conn, [receivable]
    )  # the home's money first, then its bill (housing/ledger.py)
    bill = await store.get_bill(conn, bill_id, lock=True)
    assert bill is not None
    if bill["version"] != version:
        raise BillVersionConflict(
            f"the bill is at version {bill['version']}, not {version}",
            version=bill["version"],
            state=bill["state"],
        )
    row = transition(bill["state"], decision.action, roles)
    if decision.action == "waive":
        outstanding = bill["amount_fen"] - bill["paid_fen"] - bill["waived_fen"]
        revenue = await ledger.account_id(conn, ledger.revenue_account(estate_id, bill["fee_item_id"]))
        entry_id = await ledger.post(
            conn,
            ledger.Entry(
                estate_id=estate_id,
                kind="bill_waive",
                lines=[ledger.Line(revenue, outstanding), ledger.Line(receivable, -outstanding)],
                memo=f"waived: {decision.reason}",
                bill_id=bill_id,
                actor_id=actor_id,
            ),
        )
        amount, waived = outstanding, outstanding
    else:
        issued = await store.issue_entry(conn, bill_id)
        assert issued is not None, "every bill has its entry"
        entry_id = await ledger.reverse(
            conn, issued, memo=f"cancelled: {decision.reason}", actor_id=actor_id, bill_id=bill_id
        )
        amount, waived = bill["amount_fen"], 0
    updated = await store.settle_bills(
        conn, [bill_id], [bill["state"]], [row.to], [version], [0], [waived], [0], [decision.reason]
    )
    if not updated:  # cannot happen under the lock; kept as the guard the table promises
        raise BillVersionConflict("the bill changed meanwhile", version=bill["version"], state=bill["state"])
    await store.insert_events(
        conn,
        [bill_id],
        [decision.action],
        [bill["state"]],
        [row.to],
        [amount],
        [decision.reason],
        [entry_id],
        [None],
        [actor_id],
    )
    return await get_bill(conn, bill_id)
