"""Reads of the property office (the web console's property area, console/pages/property/): a home's bills, an
estate's payments, a vote's turnout, the repairs queue with its due times. Each checks as the API's corresponding
route does (require_reader: the estate's staff and its district's housing officers; the matter's readers for a
vote)."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import asyncpg
import msgspec

from housing import (
    access,
    bills,
    bills_store,
    payments,
    payments_store,
    repairs,
    repairs_store,
    store,
    votes,
    votes_store,
)
from housing.errors import HomeForbidden, HomeNotFound, VoteStateConflict
from housing.models import Home
from housing.paging import decode_cursor, encode_cursor
from housing.repairs_workflow import RepairState
from housing.service import home_of_row, require_reader
from identity.models import Principal


class HomeBills(msgspec.Struct, frozen=True, kw_only=True):
    """A home and its bills, oldest due first (the open ones only when asked)."""

    home: Home
    bills: list[bills.Bill]


async def home_bills(
    conn: asyncpg.Connection, principal: Principal, home_id: UUID, *, open_only: bool = True, limit: int = 100
) -> HomeBills:
    """A home's bills for the estate's staff and its district's housing officers (HomeForbidden otherwise)."""
    row = await store.get_home(conn, home_id)
    if row is None:
        raise HomeNotFound("no such home")
    if not access.reads_estate(principal, str(row["estate_id"]), row["district_code"]):
        raise HomeForbidden("only the estate's staff and its district's housing officers read its bills")
    rows = await bills_store.home_bills(conn, home_id, open_only, limit)
    return HomeBills(home=home_of_row(row), bills=[bills.bill_view(r) for r in rows])


async def estate_payments(
    conn: asyncpg.Connection,
    principal: Principal,
    estate_id: UUID,
    *,
    state: str | None,
    channel: str | None,
    refunded: bool,
    cursor: str | None,
    limit: int,
) -> payments.PaymentPage:
    """An estate's payments, newest first, filtered (housing.payments.PaymentPage): its staff and its district's
    housing officers, as getPayment reads one."""
    await require_reader(conn, principal, estate_id)
    after = UUID(str(decode_cursor(cursor, (UUID,))[0])) if cursor else None
    rows = await payments_store.estate_orders(conn, estate_id, state, channel, refunded, after, limit)
    items = await payments._views(conn, rows)
    return payments.PaymentPage(
        items=items, next_cursor=encode_cursor(items[-1].id) if len(items) == limit else None
    )


class BuildingTurnout(msgspec.Struct, frozen=True, kw_only=True):
    building_id: UUID
    building: str
    homes: int
    homes_voted: int
    area: int
    area_voted: int


class VoteTurnout(msgspec.Struct, frozen=True, kw_only=True):
    """Who has taken part so far (heads and area with a ballot), never how they voted: the tally is the
    published result's, after close (DOMAIN.md §8)."""

    matter_id: UUID
    heads: int
    heads_voted: int
    area: int
    area_voted: int
    buildings: list[BuildingTurnout]


async def vote_turnout(conn: asyncpg.Connection, principal: Principal, matter_id: UUID) -> VoteTurnout:
    """A noticed, open or closed matter's participation, for those who read the matter (votes.get_matter's check);
    a draft has no roll yet (VoteStateConflict, as getVoteRoll)."""
    matter = await votes.get_matter(conn, principal, matter_id)
    if matter.state == "draft":
        raise VoteStateConflict("the roll is frozen at notice", state="draft")
    total = await votes_store.participation(conn, matter_id)
    rows = await votes_store.participation_by_building(conn, matter_id)
    return VoteTurnout(
        matter_id=matter_id,
        heads=matter.heads,
        heads_voted=total["heads_voted"],
        area=matter.total_area,
        area_voted=total["area_voted"],
        buildings=[
            BuildingTurnout(
                building_id=r["building_id"],
                building=r["building"],
                homes=r["homes"],
                homes_voted=r["homes_voted"],
                area=r["area"],
                area_voted=r["area_voted"],
            )
            for r in rows
        ],
    )


class QueuedRepair(msgspec.Struct, frozen=True, kw_only=True):
    """A repair of the estate's queue with the step it waits on: due when, and whether it is late."""

    repair: repairs.Repair
    step: str | None
    due_at: datetime | None
    overdue: bool


class RepairQueue(msgspec.Struct, frozen=True, kw_only=True):
    items: list[QueuedRepair]
    next_cursor: str | None


async def repair_queue(
    conn: asyncpg.Connection,
    principal: Principal,
    estate_id: UUID,
    *,
    state: RepairState | None,
    kind: repairs.RepairKind | None,
    cursor: str | None,
    limit: int,
) -> RepairQueue:
    """The estate's repairs as listEstateRepairs answers them (its check: RepairListForbidden), each with its open
    step's due time."""
    page = await repairs.list_estate(
        conn, principal, estate_id, state=state, kind=kind, cursor=cursor, limit=limit
    )
    steps = {r["repair_id"]: r for r in await repairs_store.open_steps(conn, [x.id for x in page.items])}
    items = []
    for repair in page.items:
        step = steps.get(repair.id)
        items.append(
            QueuedRepair(
                repair=repair,
                step=step["step"] if step else None,
                due_at=step["due_at"] if step else None,
                overdue=bool(step and step["overdue"]),
            )
        )
    return RepairQueue(items=items, next_cursor=page.next_cursor)
