"""Repairs and complaints (报修/投诉) at the service level: the second table (housing/repairs_workflow.py REPAIRS) on
the case workflow's engine, with rows of its own (repairs, repair_events, repair_deadlines) and an outbox row of
housing.repair_transitioned for every transition; deadlines opened with the estate's limits (repair_limits); every
refusal with its code and nothing written.

The estate (tests/housing/money_fixtures.py): two buildings of three homes; resident r0 bound to home 0, r1 to
home 3; two property staff of the estate, one of another estate.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import asyncpg
import msgspec
import pytest

from api.settings import Settings
from cases.common import PhotoUnavailable
from cases.workflow.deadlines import WorkCalendar
from cases.workflow.errors import ActionForbidden, MissingFields, TransitionNotAllowed, VersionConflict
from housing import repairs, repairs_store
from housing.errors import InvalidEstatePhoto, InvalidRepair, RepairForbidden, RepairNotFound
from housing.repairs import RepairActionRequest, RepairCreate
from identity.models import Principal
from tests.cases.workflow_fixtures import caller
from tests.housing.money_fixtures import Estate, bind, make_estate, person
from tests.security.city import new_photo

#: a Monday 10:00 in Beijing (02:00 UTC), a working day
NOW = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
CAL = WorkCalendar()


@dataclass
class World:
    estate: Estate
    ids: dict[str, UUID] = field(default_factory=dict)
    who: dict[str, Principal] = field(default_factory=dict)


async def _world(db: asyncpg.Connection, settings: Settings) -> World:
    estate = await make_estate(db, buildings=2, homes_per_building=3)
    w = World(estate)
    scope = ("estate", str(estate.id))
    for name, phone, role, grant in (
        ("r0", "+8613900000000", "resident", None),
        ("r1", "+8613900000003", "resident", None),
        ("staff", "+8613800000002", "property_staff", scope),
        ("fixer", "+8613800000003", "property_staff", scope),
        ("far_staff", "+8613800000004", "property_staff", ("estate", str(uuid.uuid4()))),
        ("officer", "+8613800000005", "housing_officer", ("district", estate.district)),
    ):
        _, w.ids[name] = await person(db, settings, phone, role, grant)
        w.who[name] = caller(w.ids[name], (role, *grant) if grant else role)
    await bind(db, estate.homes[0], w.ids["r0"])
    await bind(db, estate.homes[3], w.ids["r1"])
    return w


async def _report(db: asyncpg.Connection, w: World, who: str = "r0", **over: Any) -> repairs.Repair:
    body: dict[str, Any] = {
        "estate_id": w.estate.id,
        "kind": "home_repair",
        "urgency": "emergency",
        "home_id": w.estate.homes[0],
        "description": "厨房水管爆裂，漏水到楼下",
        **over,
    }
    async with db.transaction():
        return await repairs.report(db, CAL, w.who[who], msgspec.convert(body, RepairCreate), now=NOW)


async def _act(
    db: asyncpg.Connection,
    w: World,
    who: str,
    repair: repairs.Repair,
    action: str,
    version: int | None = None,
    *,
    at: datetime = NOW,
    **fields: Any,
) -> repairs.Repair:
    request = msgspec.convert({"action": action, **fields}, RepairActionRequest)
    async with db.transaction():
        return await repairs.act(
            db, CAL, w.who[who], repair.id, repair.version if version is None else version, request, now=at
        )


async def _written(db: asyncpg.Connection) -> dict[str, Any]:
    """Everything a refusal must leave alone."""
    return {
        "repairs": [
            tuple(r) for r in await db.fetch("SELECT id, state, version, assignee_id, rating FROM repairs")
        ],
        "events": await db.fetchval("SELECT count(*) FROM repair_events"),
        "deadlines": [
            tuple(r) for r in await db.fetch("SELECT id, completed_at FROM repair_deadlines ORDER BY id")
        ],
        "outbox": await db.fetchval("SELECT count(*) FROM outbox"),
    }


async def _deadlines(db: asyncpg.Connection, repair_id: UUID) -> list[tuple[Any, ...]]:
    rows = await db.fetch(
        """SELECT round, step, assignee_id, started_at, due_at, completed_at IS NOT NULL, completed_by, outcome
           FROM repair_deadlines WHERE repair_id = $1 ORDER BY id""",
        repair_id,
    )
    return [tuple(r) for r in rows]


async def _transition_written(
    db: asyncpg.Connection, repair_id: UUID, actor: UUID, action: str, from_: str, to: str, round_: int = 1
) -> None:
    """The engine's event row and outbox row of the last transition (the guarded UPDATE is the row's state)."""
    event = await db.fetchrow(
        "SELECT id, kind, actor_id, from_state, to_state, public FROM repair_events WHERE repair_id = $1 "
        "ORDER BY id DESC LIMIT 1",
        repair_id,
    )
    assert event is not None
    assert tuple(event)[1:] == (action, actor, from_, to, True)
    payload = await db.fetchval(
        "SELECT payload FROM outbox WHERE topic = 'housing.repair_transitioned' ORDER BY id DESC LIMIT 1"
    )
    assert payload == {
        "repair_id": str(repair_id),
        "event_id": event["id"],
        "action": action,
        "from": from_,
        "to": to,
        "round": round_,
    }


async def test_the_whole_loop(db: asyncpg.Connection, settings: Settings) -> None:
    w = await _world(db, settings)
    photo = await new_photo(db, w.ids["r0"])
    outbox_before = await db.fetchval("SELECT count(*) FROM outbox")

    r = await _report(db, w, photo_ids=[str(photo)])
    assert (r.state, r.version, r.round, r.reporter_id, r.photo_ids) == (
        "reported",
        1,
        1,
        w.ids["r0"],
        [photo],
    )
    assert r.allowed_actions == []  # the resident has nothing to do yet
    assert await db.fetchval("SELECT count(*) FROM outbox") == outbox_before  # reporting is no transition
    kinds = await db.fetch("SELECT kind, actor_id, to_state FROM repair_events WHERE repair_id = $1", r.id)
    assert [tuple(k) for k in kinds] == [("reported", w.ids["r0"], "reported")]
    # an emergency is answered within 30 minutes, day and night (the default limits)
    assert await _deadlines(db, r.id) == [
        (1, "accept", None, NOW, NOW + timedelta(minutes=30), False, None, None)
    ]
    assert (await repairs.get(db, w.who["staff"], r.id)).allowed_actions == ["accept"]

    t1 = NOW + timedelta(minutes=10)
    r = await _act(db, w, "staff", r, "accept", at=t1)
    assert (r.state, r.version) == ("accepted", 2)
    await _transition_written(db, r.id, w.ids["staff"], "accept", "reported", "accepted")

    t2 = NOW + timedelta(minutes=20)
    r = await _act(db, w, "staff", r, "assign", at=t2, assignee_id=str(w.ids["fixer"]))
    assert (r.state, r.version, r.assignee_id) == ("assigned", 3, w.ids["fixer"])
    await _transition_written(db, r.id, w.ids["staff"], "assign", "accepted", "assigned")

    fix_photo = await new_photo(db, w.ids["fixer"])
    t3 = NOW + timedelta(minutes=90)
    r = await _act(db, w, "fixer", r, "handle", at=t3, note="已更换水管", photo_ids=[str(fix_photo)])
    assert (r.state, r.version) == ("handled", 4)
    await _transition_written(db, r.id, w.ids["fixer"], "handle", "assigned", "handled")

    r = await _act(db, w, "r0", r, "confirm", at=t3)
    assert (r.state, r.version) == ("confirmed", 5)
    await _transition_written(db, r.id, w.ids["r0"], "confirm", "handled", "confirmed")

    r = await _act(db, w, "r0", r, "rate", at=t3, rating=5, comment="来得很快")
    assert (r.state, r.version, r.rating, r.rating_comment) == ("rated", 6, 5, "来得很快")
    await _transition_written(db, r.id, w.ids["r0"], "rate", "confirmed", "rated")

    row = await db.fetchrow("SELECT * FROM repairs WHERE id = $1", r.id)
    assert row is not None
    assert (row["accepted_at"], row["assigned_at"], row["handled_at"]) == (t1, t2, t3)
    assert row["confirmed_at"] == row["rated_at"] == t3
    # the steps: accept within 30 min, assign within 30 min, handle (the assignee's) within 2 h
    assert await _deadlines(db, r.id) == [
        (1, "accept", None, NOW, NOW + timedelta(minutes=30), True, w.ids["staff"], "accept"),
        (1, "assign", None, t1, t1 + timedelta(minutes=30), True, w.ids["staff"], "assign"),
        (1, "handle", w.ids["fixer"], t2, t2 + timedelta(minutes=120), True, w.ids["fixer"], "handle"),
    ]
    assert await db.fetchval("SELECT count(*) FROM outbox WHERE topic = 'housing.repair_transitioned'") == 5
    # the city's tables are untouched
    assert await db.fetchval("SELECT count(*) FROM case_events") == 0
    assert await db.fetchval("SELECT count(*) FROM case_deadlines") == 0


async def test_the_estates_limits(db: asyncpg.Connection, settings: Settings) -> None:
    w = await _world(db, settings)
    # an ordinary common-parts repair: the default is answered within 2 hours, reached within 24 hours
    r = await _report(
        db,
        w,
        kind="common_repair",
        urgency="ordinary",
        home_id=None,
        building_id=str(w.estate.buildings["1号楼"]),
    )
    assert await _deadlines(db, r.id) == [
        (1, "accept", None, NOW, NOW + timedelta(hours=2), False, None, None)
    ]
    r = await _act(db, w, "staff", r, "accept")
    r = await _act(db, w, "staff", r, "assign", assignee_id=str(w.ids["fixer"]))
    assert (await _deadlines(db, r.id))[-1][1:5] == ("handle", w.ids["fixer"], NOW, NOW + timedelta(hours=24))

    # the estate's own contract: ordinary common repairs answered within 1 working hour
    async with db.transaction():
        await repairs_store.set_limit(db, w.estate.id, "common_repair", "ordinary", "accept", 60, True)
    friday_evening = datetime(2026, 3, 6, 10, 0, tzinfo=UTC)  # 18:00 in Beijing, after working hours
    request = RepairCreate(
        estate_id=w.estate.id, kind="common_repair", urgency="ordinary", description="楼道灯不亮"
    )
    async with db.transaction():
        r2 = await repairs.report(db, CAL, w.who["r1"], request, now=friday_evening)
    due = await db.fetchval("SELECT due_at FROM repair_deadlines WHERE repair_id = $1", r2.id)
    assert due == datetime(2026, 3, 9, 2, 0, tzinfo=UTC)  # Monday 10:00 in Beijing
    assert due == CAL.due(friday_evening, 1, working=True)
    # another kind keeps the default
    r3 = await _report(db, w, kind="complaint", urgency="ordinary", home_id=None)
    assert (await _deadlines(db, r3.id))[0][4] == NOW + timedelta(hours=2)


async def test_a_stale_version_is_refused(db: asyncpg.Connection, settings: Settings) -> None:
    w = await _world(db, settings)
    r = await _report(db, w)
    before = await _written(db)
    with pytest.raises(VersionConflict) as caught:
        await _act(db, w, "staff", r, "accept", version=2)
    assert caught.value.code == "version_conflict"
    assert await _written(db) == before
    r = await _act(db, w, "staff", r, "accept")
    before = await _written(db)
    with pytest.raises(VersionConflict):
        await _act(db, w, "staff", r, "assign", version=1, assignee_id=str(w.ids["fixer"]))
    assert await _written(db) == before


async def test_a_wrong_role_or_person_is_refused(db: asyncpg.Connection, settings: Settings) -> None:
    w = await _world(db, settings)
    r = await _report(db, w)
    before = await _written(db)
    for who in ("r0", "officer"):  # the reporter, the district's housing officer: not the company
        with pytest.raises(ActionForbidden) as caught:
            await _act(db, w, who, r, "accept")
        assert caught.value.code == "action_forbidden"
    with pytest.raises(RepairNotFound):  # another estate's staff does not even see it
        await _act(db, w, "far_staff", r, "accept")
    assert await _written(db) == before

    r = await _act(db, w, "staff", r, "accept")
    r = await _act(db, w, "staff", r, "assign", assignee_id=str(w.ids["fixer"]))
    before = await _written(db)
    photo = await new_photo(db, w.ids["staff"])
    with pytest.raises(ActionForbidden):  # only the assignee handles it
        await _act(db, w, "staff", r, "handle", photo_ids=[str(photo)])
    with pytest.raises(TransitionNotAllowed) as not_now:  # nothing to confirm yet
        await _act(db, w, "r0", r, "confirm")
    assert not_now.value.code == "transition_not_allowed"
    with pytest.raises(MissingFields):  # a fix is shown with photos
        await _act(db, w, "fixer", r, "handle")
    with pytest.raises(PhotoUnavailable):  # the fixer's own photos
        await _act(db, w, "fixer", r, "handle", photo_ids=[str(photo)])
    assert await _written(db) == before

    r = await _act(db, w, "fixer", r, "handle", photo_ids=[str(await new_photo(db, w.ids["fixer"]))])
    before = await _written(db)
    with pytest.raises(ActionForbidden):  # the staff cannot confirm for the resident
        await _act(db, w, "staff", r, "confirm")
    with pytest.raises(RepairNotFound):  # another resident does not see it
        await _act(db, w, "r1", r, "confirm")
    assert await _written(db) == before


async def test_the_resident_sends_a_fix_back(db: asyncpg.Connection, settings: Settings) -> None:
    w = await _world(db, settings)
    r = await _report(db, w)
    r = await _act(db, w, "staff", r, "accept")
    r = await _act(db, w, "staff", r, "assign", assignee_id=str(w.ids["fixer"]))
    r = await _act(db, w, "fixer", r, "handle", photo_ids=[str(await new_photo(db, w.ids["fixer"]))])
    later = NOW + timedelta(hours=3)
    r = await _act(db, w, "r0", r, "rework", at=later, note="还在漏水")
    assert (r.state, r.round, r.assignee_id) == ("assigned", 2, w.ids["fixer"])
    await _transition_written(db, r.id, w.ids["r0"], "rework", "handled", "assigned", round_=2)
    assert (await _deadlines(db, r.id))[-1] == (
        2,
        "handle",
        w.ids["fixer"],
        later,
        later + timedelta(minutes=120),
        False,
        None,
        None,
    )
    assert await db.fetchval("SELECT handled_at FROM repairs WHERE id = $1", r.id) is None


async def test_assign_and_rate_check_their_data(db: asyncpg.Connection, settings: Settings) -> None:
    w = await _world(db, settings)
    r = await _report(db, w)
    r = await _act(db, w, "staff", r, "accept")
    before = await _written(db)
    for assignee in (w.ids["far_staff"], w.ids["r0"], uuid.uuid4()):  # not this estate's property staff
        with pytest.raises(InvalidRepair) as caught:
            await _act(db, w, "staff", r, "assign", assignee_id=str(assignee))
        assert (caught.value.code, caught.value.fields) == (
            "invalid_repair",
            [{"field": "assignee_id", "code": "invalid"}],
        )
    with pytest.raises(InvalidRepair):
        await _act(db, w, "staff", r, "assign")
    with pytest.raises(ActionForbidden):  # the resident cannot assign, whoever they name
        await _act(db, w, "r0", r, "assign", assignee_id=str(w.ids["fixer"]))
    assert await _written(db) == before

    r = await _act(db, w, "staff", r, "assign", assignee_id=str(w.ids["fixer"]))
    r = await _act(db, w, "fixer", r, "handle", photo_ids=[str(await new_photo(db, w.ids["fixer"]))])
    r = await _act(db, w, "r0", r, "confirm")
    before = await _written(db)
    for rating in (0, 6, None):
        with pytest.raises(InvalidRepair) as caught:
            await _act(db, w, "r0", r, "rate", rating=rating)
        assert caught.value.fields == [{"field": "rating", "code": "invalid"}]
    assert await _written(db) == before


async def test_reporting_refusals_write_nothing(db: asyncpg.Connection, settings: Settings) -> None:
    w = await _world(db, settings)
    other = await make_estate(db, name="别的小区", buildings=1, homes_per_building=1)
    before = await _written(db)
    cases: list[tuple[dict[str, Any], str, type[Exception], str | None]] = [
        ({"home_id": str(w.estate.homes[1])}, "r0", RepairForbidden, None),  # not their home
        ({"home_id": str(other.homes[0])}, "r0", InvalidRepair, "home_id"),
        ({"home_id": None}, "r0", InvalidRepair, "home_id"),
        ({"building_id": str(w.estate.buildings["1号楼"])}, "r0", InvalidRepair, "building_id"),
        ({"kind": "complaint", "home_id": str(w.estate.homes[0])}, "r0", InvalidRepair, "home_id"),
        (
            {"kind": "complaint", "home_id": None, "building_id": str(other.buildings["1号楼"])},
            "r0",
            InvalidRepair,
            "building_id",
        ),
        ({"kind": "complaint", "home_id": None, "estate_id": str(other.id)}, "r0", RepairForbidden, None),
        ({"kind": "complaint", "home_id": None}, "staff", RepairForbidden, None),  # staff do not report here
        ({"photo_ids": [str(await new_photo(db, w.ids["r1"]))]}, "r0", InvalidEstatePhoto, "photo_ids[0]"),
    ]
    before = await _written(db)
    for over, who, error, field_name in cases:
        with pytest.raises(error) as caught:
            await _report(db, w, who, **over)
        if field_name is not None:
            assert caught.value.fields == [{"field": field_name, "code": "invalid"}], over  # type: ignore[attr-defined]
    assert await _written(db) == before
