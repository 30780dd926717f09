"""Paid repairs inside a home (有偿维修, issue 12 section 3; DOMAIN.md §11-§12): the charge and its bill.

The property staff who handles a home repair may record its charge: lines of labour and parts, each a label, a
quantity and a unit price in fen (``ChargeLine``); their sum is the charge, at most 100,000 yuan. Common-parts
repairs and complaints are free: a charge on them is refused. The resident sees the charge with the fix. Sending
the fix back clears it (the next fix records its own); confirming the fix accepts it, and the same transaction
issues one bill of the home (``issue``): on the estate's item of kind 'repair' (made on first use, never priced by
a billing run), dated the day of confirmation in the city's time zone, due 15 days later, its lines the charge's.
Its entry debits the home's receivable and credits the item's revenue, as a billing run's; credit the home holds
pays it at once, as after a run. The bill is paid through the payment flow of Housing services I like any other.
"""

from __future__ import annotations

from datetime import datetime, timedelta, tzinfo
from typing import Annotated, Final
from uuid import UUID

import asyncpg
import msgspec

from housing import billing_store, ledger, settlement
from housing import repairs_store as store
from housing.fees import BillLine

#: the most one repair may charge: 100,000 yuan
MAX_CHARGE_FEN: Final = 10_000_000


class ChargeLine(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    """One line of a repair's charge: labour or a part, how many, at what unit price (fen)."""

    label: Annotated[str, msgspec.Meta(min_length=1, max_length=50)]
    quantity: Annotated[int, msgspec.Meta(ge=1, le=999)] = 1
    price_fen: Annotated[int, msgspec.Meta(ge=1, le=MAX_CHARGE_FEN)]


def total(lines: list[ChargeLine]) -> int:
    return sum(line.quantity * line.price_fen for line in lines)


def bill_lines(lines: list[ChargeLine]) -> list[BillLine]:
    return [
        BillLine(
            item="repair",
            label=line.label,
            quantity=line.quantity,
            unit="piece",
            price_fen=line.price_fen,
            amount_fen=line.quantity * line.price_fen,
        )
        for line in lines
    ]


_ENCODE: Final = msgspec.json.Encoder()


async def issue(conn: asyncpg.Connection, repair: asyncpg.Record, zone: tzinfo, now: datetime) -> UUID:
    """Bill the home for its confirmed repair's charge, in the caller's transaction; returns the bill's id."""
    estate_id: UUID = repair["estate_id"]
    home_id: UUID = repair["home_id"]
    lines = msgspec.convert(repair["charge_lines"], list[ChargeLine])
    item_id = await store.repair_item(conn, estate_id)
    day = now.astimezone(zone).date()
    due = day + timedelta(days=await store.item_due_days(conn, item_id))
    # the home's own accounts first, locked in id order (housing/ledger.py), then the item's revenue
    keys = [ledger.home_account(kind, estate_id, home_id) for kind in ("receivable", "prepayment")]
    own = await ledger.accounts(conn, keys)
    await ledger.lock_accounts(conn, list(own.values()))
    await ledger.accounts(conn, [ledger.revenue_account(estate_id, item_id)])
    inserted = await billing_store.insert_bills_posted(
        conn,
        estate_id,
        None,
        day.strftime("%Y-%m"),
        day,
        day + timedelta(days=1),
        [home_id],
        [item_id],
        [due],
        [repair["charge_fen"]],
        [_ENCODE.encode(bill_lines(lines)).decode()],
        [repair["id"]],
    )
    await settlement.apply_credit(conn, [home_id], locked=True)
    bill_id: UUID = inserted[0]["id"]
    return bill_id
