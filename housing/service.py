"""Use cases of estates, homes and residents' bindings. Plain async functions that take a connection inside the
caller's transaction and never commit; who may do what is in housing/access.py."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Final
from uuid import UUID

import asyncpg
import msgspec

from cases.common import CRS, InvalidCoordinates, from_wgs84, to_wgs84
from housing import (
    access,
    store,
)
from housing.areas import counted_area
from housing.errors import (
    AlreadyBound,
    BindingForbidden,
    BindingNotFound,
    BindingStateConflict,
    EstateForbidden,
    EstateNotFound,
    HomeForbidden,
    HomeNotFound,
    InvalidEstate,
)
from housing.models import (
    SERVICE_GRADE_NAMES,
    Binding,
    BindingPage,
    BindingRequest,
    BindingState,
    BindingUser,
    Boundary,
    BuildingSummary,
    Estate,
    EstateCreate,
    EstatePage,
    EstateSummary,
    EstateUpdate,
    FeeStandard,
    Home,
    HomeDetail,
    HomeLabel,
    HomePage,
    MultiPolygonGeometry,
    Owner,
    PolygonGeometry,
)
from housing.paging import decode_cursor, encode_cursor
from identity.errors import InvalidPhone
from identity.models import Principal
from identity.phone import mask_phone, normalize_phone
from media.models import Point

#: relations an owner of the home may approve (an owner's claim needs the estate's staff)
OWNER_APPROVES: Final = ("family", "tenant")


# estates ------------------------------------------------------------------------------------------------------------


def _field(name: str) -> list[dict[str, str]]:
    return [{"field": name, "code": "invalid"}]


def _location(lat: float, lon: float, crs: CRS) -> dict[str, Any]:
    try:
        wgs_lat, wgs_lon = to_wgs84(lat, lon, crs)
    except InvalidCoordinates as exc:
        raise InvalidEstate(f"location: {exc}", fields=_field("location")) from exc
    return {"lat": wgs_lat, "lon": wgs_lon, "location_original": {"lat": lat, "lon": lon, "crs": crs}}


async def _boundary(conn: asyncpg.Connection, boundary: Boundary | None) -> str | None:
    """The boundary as GeoJSON text for PostGIS, after checking its positions, rings and validity."""
    if boundary is None:
        return None
    polygons = [boundary.coordinates] if isinstance(boundary, PolygonGeometry) else list(boundary.coordinates)
    for polygon in polygons:
        for ring in polygon:
            for lon, lat in ring:
                if not (-180 <= lon <= 180 and -90 <= lat <= 90):
                    raise InvalidEstate(
                        "boundary: a position is out of range ([longitude, latitude] in WGS-84)",
                        fields=_field("boundary"),
                    )
            if ring[0] != ring[-1]:
                raise InvalidEstate(
                    "boundary: a ring is not closed (its last position must equal its first)",
                    fields=_field("boundary"),
                )
    geojson = msgspec.json.encode(boundary).decode()
    problem = await store.geometry_problem(conn, geojson)
    if problem is not None:
        raise InvalidEstate(f"boundary: {problem}", fields=_field("boundary"))
    return geojson


def _contact_phone(raw: str | None) -> str | None:
    if raw is None:
        return None
    try:
        return normalize_phone(raw)
    except InvalidPhone as exc:
        raise InvalidEstate(f"contact_phone: {exc}", fields=_field("contact_phone")) from exc


def _standards(standards: list[FeeStandard]) -> list[tuple[str, int, str, str]]:
    return [(s.item.strip(), s.price_fen, s.basis, s.note.strip()) for s in standards]


async def create_estate(conn: asyncpg.Connection, data: EstateCreate, estate_id: UUID | None = None) -> UUID:
    """A new estate (with the given id, for the demo's fixed one) and its published fee standards."""
    values: dict[str, Any] = {
        "id": estate_id,
        "name": data.name.strip(),
        "address": data.address.strip(),
        "district_code": data.district_code,
        **_location(data.location.lat, data.location.lon, data.location.crs),
        "boundary": await _boundary(conn, data.boundary),
        "property_company": data.property_company.strip(),
        "service_grade": data.service_grade,
        "service_content": data.service_content.strip(),
        "contact_name": data.contact_name.strip(),
        "contact_phone": _contact_phone(data.contact_phone),
        "office_hours": data.office_hours.strip(),
    }
    _no_blank(values, ("name", "address", "property_company"))
    new_id = await store.insert_estate(conn, values)
    await store.replace_fee_standards(conn, new_id, _standards(data.fee_standards))
    return new_id


def _no_blank(values: dict[str, Any], names: tuple[str, ...]) -> None:
    for name in names:
        if name in values and not values[name]:
            raise InvalidEstate(f"{name} is blank", fields=_field(name))


async def update_estate(
    conn: asyncpg.Connection, principal: Principal, estate_id: UUID, data: EstateUpdate
) -> dict[str, list[Any]]:
    """Change an estate's page (its managers); returns the changed fields as {field: [before, after]}."""
    before = await get_estate(conn, estate_id)
    if not access.manages_estate(principal, str(estate_id)):
        raise EstateForbidden("only the estate's property staff and admins change its page")
    values: dict[str, Any] = {}
    for name in ("name", "address", "property_company", "service_content", "contact_name", "office_hours"):
        value = getattr(data, name)
        if value is not msgspec.UNSET:
            values[name] = value.strip()
    _no_blank(values, ("name", "address", "property_company"))
    if data.service_grade is not msgspec.UNSET:
        values["service_grade"] = data.service_grade
    if data.location is not msgspec.UNSET:
        values.update(_location(data.location.lat, data.location.lon, data.location.crs))
    if data.boundary is not msgspec.UNSET:
        values["boundary"] = await _boundary(conn, data.boundary)
    if data.contact_phone is not msgspec.UNSET:
        values["contact_phone"] = _contact_phone(data.contact_phone)
    await store.update_estate(conn, estate_id, values)
    if data.fee_standards is not msgspec.UNSET:
        await store.replace_fee_standards(conn, estate_id, _standards(data.fee_standards))
        await store.touch_estate(conn, estate_id)
    after = await get_estate(conn, estate_id)
    changes: dict[str, list[Any]] = {}
    for name in after.__struct_fields__:
        old, new = getattr(before, name), getattr(after, name)
        if name not in ("updated_at", "buildings", "homes") and old != new:
            changes[name] = [msgspec.to_builtins(old), msgspec.to_builtins(new)]
    return changes


async def get_estate(conn: asyncpg.Connection, estate_id: UUID, crs: CRS = "wgs84") -> Estate:
    """The estate's public page; its location in the system asked for, its boundary in WGS-84."""
    row = await store.get_estate(conn, estate_id)
    if row is None:
        raise EstateNotFound("no such estate")
    lat, lon = from_wgs84(row["lat"], row["lon"], crs)
    buildings = [
        BuildingSummary(id=b["id"], name=b["name"], homes=b["homes"])
        for b in await store.building_summaries(conn, estate_id)
    ]
    boundary = (
        msgspec.json.decode(row["boundary"], type=PolygonGeometry | MultiPolygonGeometry)
        if row["boundary"]
        else None
    )
    return Estate(
        id=row["id"],
        name=row["name"],
        address=row["address"],
        district_code=row["district_code"],
        location=Point(lat=lat, lon=lon),
        crs=crs,
        boundary=boundary,
        property_company=row["property_company"],
        service_grade=row["service_grade"],
        service_grade_name=SERVICE_GRADE_NAMES[row["service_grade"]],
        service_content=row["service_content"],
        contact_name=row["contact_name"],
        contact_phone=row["contact_phone"],
        office_hours=row["office_hours"],
        fee_standards=[
            FeeStandard(item=f["item"], price_fen=f["price_fen"], basis=f["basis"], note=f["note"])
            for f in await store.fee_standards(conn, estate_id)
        ],
        buildings=buildings,
        homes=sum(b.homes for b in buildings),
        updated_at=row["updated_at"],
    )


async def list_estates(
    conn: asyncpg.Connection, district_code: str | None, name: str | None, cursor: str | None, limit: int
) -> EstatePage:
    after = None
    if cursor:
        last_name, last_id = decode_cursor(cursor, (str, UUID))
        assert isinstance(last_name, str) and isinstance(last_id, UUID)
        after = (last_name, last_id)
    rows = await store.list_estates(conn, district_code, name.strip() if name else None, after, limit)
    items = [
        EstateSummary(
            id=r["id"],
            name=r["name"],
            address=r["address"],
            district_code=r["district_code"],
            property_company=r["property_company"],
            service_grade=r["service_grade"],
        )
        for r in rows
    ]
    next_cursor = encode_cursor(items[-1].name, items[-1].id) if len(items) == limit else None
    return EstatePage(items=items, next_cursor=next_cursor)


async def _estate_district(conn: asyncpg.Connection, estate_id: UUID) -> str:
    district = await store.estate_district(conn, estate_id)
    if district is None:
        raise EstateNotFound("no such estate")
    return district


async def require_manager(conn: asyncpg.Connection, principal: Principal, estate_id: UUID) -> None:
    """EstateNotFound, or EstateForbidden unless the caller manages the estate (its staff, admins)."""
    await _estate_district(conn, estate_id)
    if not access.manages_estate(principal, str(estate_id)):
        raise EstateForbidden("only the estate's property staff and admins may do this")


async def require_reader(conn: asyncpg.Connection, principal: Principal, estate_id: UUID) -> None:
    """EstateNotFound, or EstateForbidden unless the caller may read the estate's staff views."""
    district = await _estate_district(conn, estate_id)
    if not access.reads_estate(principal, str(estate_id), district):
        raise EstateForbidden("only the estate's staff and its district's housing officers may read this")


# homes --------------------------------------------------------------------------------------------------------------


def home_of_row(row: asyncpg.Record) -> Home:
    """A home as its row reads (the counted area chosen by housing.areas)."""
    counted = counted_area(row["register_area"], row["surveyed_area"], row["contract_area"])
    assert counted is not None  # the table refuses a home without any area
    return Home(
        id=row["id"],
        estate_id=row["estate_id"],
        building_id=row["building_id"],
        building=row["building"],
        entrance=row["entrance"],
        floor=row["floor"],
        room=row["room"],
        register_area=row["register_area"],
        surveyed_area=row["surveyed_area"],
        contract_area=row["contract_area"],
        area=counted[0],
        area_source=counted[1],
    )


async def list_homes(
    conn: asyncpg.Connection, estate_id: UUID, building_id: UUID | None, cursor: str | None, limit: int
) -> HomePage:
    """An estate's homes by building, entrance, floor and room (no owners): residents pick theirs from it."""
    await _estate_district(conn, estate_id)
    after = None
    if cursor:
        parts = decode_cursor(cursor, (str, str, int, str, UUID))
        after = (str(parts[0]), str(parts[1]), int(str(parts[2])), str(parts[3]), UUID(str(parts[4])))
    rows = await store.list_homes(conn, estate_id, building_id, after, limit)
    items = [home_of_row(r) for r in rows]
    last = items[-1] if items else None
    next_cursor = (
        encode_cursor(last.building, last.entrance, last.floor, last.room, last.id)
        if last and len(items) == limit
        else None
    )
    return HomePage(items=items, next_cursor=next_cursor)


async def get_home(conn: asyncpg.Connection, principal: Principal, home_id: UUID) -> HomeDetail:
    """A home with its owners: for the residents bound to it, the estate's staff and the district's officers.
    Owners' phones come whole to the estate's staff and admins, masked to everyone else."""
    row = await store.get_home(conn, home_id)
    if row is None:
        raise HomeNotFound("no such home")
    estate_id = str(row["estate_id"])
    if not access.reads_estate(principal, estate_id, row["district_code"]) and not await store.is_bound(
        conn, home_id, principal.user_id, ("owner", "family", "tenant")
    ):
        raise HomeForbidden("this is not one of your homes")
    full = access.sees_full_phones(principal, estate_id)
    owners = [
        Owner(
            kind=o["kind"],
            name=o["name"],
            phone_masked=mask_phone(o["phone"]),
            phone=o["phone"] if full else None,
            owned_from=o["owned_from"],
        )
        for o in await store.current_owners(conn, home_id)
    ]
    home = home_of_row(row)
    return HomeDetail(
        **{f: getattr(home, f) for f in home.__struct_fields__},
        estate_name=row["estate_name"],
        owners=owners,
    )


# bindings -----------------------------------------------------------------------------------------------------------


def _binding(row: asyncpg.Record) -> Binding:
    return Binding(
        id=row["id"],
        home=HomeLabel(
            home_id=row["home_id"],
            estate_id=row["estate_id"],
            estate_name=row["estate_name"],
            building=row["building"],
            entrance=row["entrance"],
            floor=row["floor"],
            room=row["room"],
        ),
        user=BindingUser(
            id=row["user_id"], display_name=row["display_name"], phone_masked=mask_phone(row["phone"])
        ),
        relation=row["relation"],
        state=row["state"],
        via=row["via"],
        note=row["note"],
        requested_at=row["requested_at"],
        decided_at=row["decided_at"],
        decision_note=row["decision_note"],
        ended_at=row["ended_at"],
        end_reason=row["end_reason"],
    )


async def _get_binding(conn: asyncpg.Connection, binding_id: UUID) -> asyncpg.Record:
    row = await store.get_binding(conn, binding_id)
    if row is None:
        raise BindingNotFound("no such binding")
    return row


async def request_binding(
    conn: asyncpg.Connection, principal: Principal, home_id: UUID, data: BindingRequest
) -> Binding:
    """Ask to be bound to a home. An owner whose phone is among the home's owners in the register is bound at
    once (state active, via register); every other request waits (pending) for the estate's staff or, for family
    and tenants, an owner of the home."""
    home = await store.get_home(conn, home_id)
    if home is None:
        raise HomeNotFound("no such home")
    existing = await store.open_binding(conn, home_id, principal.user_id)
    if existing is not None:
        raise AlreadyBound(
            f"you already have a {existing['state']} binding to this home",
            binding_id=str(existing["id"]),
            state=existing["state"],
        )
    phone = await store.user_phone(conn, principal.user_id)
    at_once = (
        data.relation == "owner"
        and phone is not None
        and await store.is_registered_owner(conn, home_id, phone)
    )
    binding_id = await store.insert_binding(
        conn,
        home_id=home_id,
        estate_id=home["estate_id"],
        user_id=principal.user_id,
        relation=data.relation,
        state="active" if at_once else "pending",
        via="register" if at_once else None,
        note=data.note.strip(),
    )
    if binding_id is None:  # a concurrent request of the same user won the unique index
        raise AlreadyBound("you already have a binding to this home")
    return _binding(await _get_binding(conn, binding_id))


async def _may_decide(conn: asyncpg.Connection, principal: Principal, row: asyncpg.Record) -> bool:
    if access.manages_estate(principal, str(row["estate_id"])):
        return True
    return (
        row["relation"] in OWNER_APPROVES
        and row["user_id"] != principal.user_id
        and await store.is_bound(conn, row["home_id"], principal.user_id, ("owner",))
    )


async def decide_binding(
    conn: asyncpg.Connection, principal: Principal, binding_id: UUID, approve: bool, note: str
) -> Binding:
    """Approve or refuse a pending request: the estate's staff, or an owner of the home for family and
    tenants (an owner's own claim, not found in the register, needs the staff)."""
    row = await _get_binding(conn, binding_id)
    if not await _may_decide(conn, principal, row):
        raise BindingForbidden(
            "only the estate's property staff, or an owner of the home for family and tenants, may decide"
        )
    if row["state"] != "pending" or not await store.decide_binding(
        conn, binding_id, "active" if approve else "refused", principal.user_id, note.strip()
    ):
        current = await _get_binding(conn, binding_id)
        raise BindingStateConflict(f"the request is {current['state']}, not pending", state=current["state"])
    return _binding(await _get_binding(conn, binding_id))


async def end_binding(
    conn: asyncpg.Connection, principal: Principal, binding_id: UUID, reason: str
) -> Binding:
    """End a binding (or withdraw a pending request): the bound resident themself, the estate's staff, or an
    owner of the home for family and tenants."""
    row = await _get_binding(conn, binding_id)
    allowed = row["user_id"] == principal.user_id or await _may_decide(conn, principal, row)
    if not allowed:
        raise BindingForbidden(
            "only the resident, the estate's property staff or an owner of the home may end it"
        )
    state: BindingState = row["state"]
    if state not in ("pending", "active") or not await store.end_binding(
        conn, binding_id, state, principal.user_id, reason.strip()
    ):
        current = await _get_binding(conn, binding_id)
        raise BindingStateConflict(f"the binding is {current['state']}", state=current["state"])
    return _binding(await _get_binding(conn, binding_id))


def _after_time_id(cursor: str | None) -> tuple[datetime, UUID] | None:
    if not cursor:
        return None
    at, last_id = decode_cursor(cursor, (datetime, UUID))
    assert isinstance(at, datetime) and isinstance(last_id, UUID)
    return at, last_id


def _page_by_time(rows: list[asyncpg.Record], limit: int) -> BindingPage:
    items = [_binding(r) for r in rows]
    next_cursor = (
        encode_cursor(items[-1].requested_at.isoformat(), items[-1].id) if len(items) == limit else None
    )
    return BindingPage(items=items, next_cursor=next_cursor)


async def my_homes(
    conn: asyncpg.Connection, principal: Principal, cursor: str | None, limit: int
) -> BindingPage:
    """The caller's homes: their active bindings and pending requests, newest first."""
    after = None
    if cursor:
        (after_id,) = decode_cursor(cursor, (UUID,))
        assert isinstance(after_id, UUID)
        after = after_id
    items = [_binding(r) for r in await store.user_bindings(conn, principal.user_id, after, limit)]
    return BindingPage(items=items, next_cursor=encode_cursor(items[-1].id) if len(items) == limit else None)


async def estate_bindings(
    conn: asyncpg.Connection,
    principal: Principal,
    estate_id: UUID,
    state: BindingState | None,
    cursor: str | None,
    limit: int,
) -> BindingPage:
    """An estate's bindings in one state, oldest request first (pending: the queue to decide)."""
    await require_reader(conn, principal, estate_id)
    rows = await store.estate_bindings(conn, estate_id, state, _after_time_id(cursor), limit)
    return _page_by_time(rows, limit)


async def home_bindings(
    conn: asyncpg.Connection, principal: Principal, home_id: UUID, cursor: str | None, limit: int
) -> BindingPage:
    """Who is bound to a home or asks to be: for the home's owners, the estate's staff and officers."""
    home = await store.get_home(conn, home_id)
    if home is None:
        raise HomeNotFound("no such home")
    if not access.reads_estate(
        principal, str(home["estate_id"]), home["district_code"]
    ) and not await store.is_bound(conn, home_id, principal.user_id, ("owner",)):
        raise HomeForbidden("only the home's owners and the estate's staff see who is bound to it")
    rows = await store.home_bindings(conn, home_id, _after_time_id(cursor), limit)
    return _page_by_time(rows, limit)
