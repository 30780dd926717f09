"""Routing decisions: where a case at a point goes, and the data they are made of (duties, department links).

``route(conn, lat, lon, category_code, at)`` decides and stores nothing. The rules below are written once, in the
SQL function ``route_case`` (migrations/0034_route_case.sql), which also builds the reason for each part; the
workflow's intake calls it in the statement that writes the case and stores the decision, reason included, as the
case's `routed` event:

1. unit grid: the unit grid covering the WGS-84 point (ST_Covers: its border counts as inside). On a border
   shared by several, the smallest code wins; the reason lists all candidates. A point outside every unit grid
   has no grid, no district and no inspector, and goes to the intake clerks (``queue="intake"``).
2. responsibility grid: the unit grid's (listed by it, or containing the unit's PointOnSurface; see
   cases/grids/geojson.py). The district is the unit grid's (the first six digits of its code).
3. inspector: among the duties of that responsibility grid running at ``at`` (starts_at <= at < ends_at, an
   open end never ends) whose user is enabled and still holds the inspector role, the earliest start wins,
   then the smallest user id. ``queue="inspector"`` when one is found, else ``"intake"``.
4. department: category_departments for (category, district), else (category, any district), else the
   category's default_department, else none.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal
from uuid import UUID

import asyncpg
import msgspec

from cases.catalogue.errors import UnknownCategory
from cases.catalogue.models import CategoryCode
from cases.common import InvalidCursor, decode_cursor, encode_cursor, validate_lat_lon
from cases.grids import store
from cases.grids.errors import InvalidDuty, NotAnInspector, UnknownDepartment, UnknownGrid
from cases.grids.geojson import responsibility_code_problem
from identity import service as identity

Queue = Literal["inspector", "intake"]


DistrictCode = Annotated[str, msgspec.Meta(pattern=r"^[0-9]{6}$")]


ResponsibilityCode = Annotated[str, msgspec.Meta(pattern=r"^[0-9]{9}$")]


AwareDatetime = Annotated[datetime, msgspec.Meta(tz=True)]


class RoutingDecision(msgspec.Struct, frozen=True, kw_only=True):
    queue: Queue
    unit_grid_id: UUID | None
    unit_grid_code: str | None
    responsibility_grid_id: UUID | None
    responsibility_grid_code: str | None
    district_code: str | None
    inspector_id: UUID | None
    department_code: str | None
    reason: dict[str, Any]


def _aware(at: datetime) -> datetime:
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError("`at` must carry a time zone (UTC timestamptz)")
    return at


async def route(
    conn: asyncpg.Connection, lat: float, lon: float, category_code: str, at: datetime
) -> RoutingDecision:
    """Decide where a case of `category_code` at WGS-84 (lat, lon) goes at time `at`; see the module doc."""
    lat, lon = validate_lat_lon(lat, lon)
    decision = await store.route(conn, lat, lon, category_code, _aware(at))
    if decision is None:
        raise UnknownCategory(f"no category {category_code}", fields=("category",))
    return msgspec.convert(decision, RoutingDecision)


class DutyAssign(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """Put an inspector on duty for a responsibility grid; the same (inspector, grid, start) again moves its end."""

    inspector_id: UUID
    grid: ResponsibilityCode
    starts_at: AwareDatetime
    ends_at: AwareDatetime | None = None


class Duty(msgspec.Struct, frozen=True):
    id: UUID
    inspector_id: UUID
    inspector_name: str
    grid: str
    starts_at: datetime
    ends_at: datetime | None
    created_at: datetime
    updated_at: datetime


def _duty(row: asyncpg.Record) -> Duty:
    return Duty(
        id=row["id"],
        inspector_id=row["user_id"],
        inspector_name=row["display_name"],
        grid=row["grid"],
        starts_at=row["starts_at"],
        ends_at=row["ends_at"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )


async def _grid(conn: asyncpg.Connection, code: str, field: str) -> asyncpg.Record:
    grid = await store.get_responsibility_grid(conn, code)
    if grid is None:
        raise UnknownGrid(f"no responsibility grid {code}", fields=(field,))
    return grid


async def assign_duty(conn: asyncpg.Connection, data: DutyAssign) -> Duty:
    """The user must be enabled and an inspector, unscoped or scoped to the grid's district."""
    if data.ends_at is not None and data.ends_at <= data.starts_at:
        raise InvalidDuty("a duty ends after it starts", fields=("ends_at",))
    grid = await _grid(conn, data.grid, "grid")
    user = await identity.find_user(conn, data.inspector_id)
    if user is None or user.disabled:
        raise NotAnInspector("no such user, or the account is disabled", fields=("inspector_id",))
    grants = [g for g in user.roles if g.role == "inspector"]
    if not grants:
        raise NotAnInspector("the user does not have the inspector role", fields=("inspector_id",))
    districts = {g.scope_id for g in grants if g.scope_kind == "district"}
    if not any(g.scope_kind is None for g in grants) and grid["district_code"] not in districts:
        raise NotAnInspector(
            f"the user is an inspector in {', '.join(sorted(d for d in districts if d)) or 'no district'}, "
            f"not in {grid['district_code']}",
            fields=("inspector_id",),
        )
    clash = await store.overlapping_duty(conn, user.id, grid["id"], data.starts_at, data.ends_at)
    if clash is not None:
        raise InvalidDuty(
            f"the inspector is already on duty for {data.grid} from {clash['starts_at'].isoformat()}; "
            "change that duty's end instead",
            fields=("starts_at",),
        )
    return _duty(await store.upsert_duty(conn, user.id, grid["id"], data.starts_at, data.ends_at))


class DutyPage(msgspec.Struct, frozen=True):
    """A page of duties: `next_cursor` (opaque) is sent back as `cursor`; null at the end."""

    items: list[Duty]
    next_cursor: str | None


async def duty_page(
    conn: asyncpg.Connection,
    grid: str | None = None,
    at: datetime | None = None,
    *,
    cursor: str | None = None,
    limit: int = 50,
) -> DutyPage:
    """Duties, by grid code, start and inspector (a unique key: the keyset of the cursor); of one grid, and
    only those running at `at`, when given. A full page carries the next cursor."""
    if grid is not None:
        if responsibility_code_problem(grid) is not None:
            raise UnknownGrid(f"no responsibility grid {grid}", fields=("grid",))
        await _grid(conn, grid, "grid")
    after: tuple[str, datetime, UUID] | None = None
    if cursor:
        try:
            code, starts_at, inspector_id = decode_cursor(cursor, 3)
            after = (code, datetime.fromisoformat(starts_at), UUID(inspector_id))
        except ValueError as exc:
            raise InvalidCursor("the cursor is not one this API gave out", fields=("cursor",)) from exc
    rows = await store.list_duties(conn, grid, _aware(at) if at else None, after, limit)
    items = [_duty(r) for r in rows]
    last = items[-1] if len(items) == limit else None
    return DutyPage(
        items=items,
        next_cursor=encode_cursor(last.grid, last.starts_at.isoformat(), last.inspector_id) if last else None,
    )


async def list_duties(
    conn: asyncpg.Connection, grid: str | None = None, at: datetime | None = None, limit: int = 500
) -> list[Duty]:
    """The first `limit` duties in the order of duty_page (the deprecated v1 list, which did not page)."""
    return (await duty_page(conn, grid, at, limit=limit)).items


async def put_on_duty_everywhere(conn: asyncpg.Connection, user_id: UUID, starts_at: datetime) -> int:
    """Open-ended duties on every responsibility grid (the demo city); returns how many were added."""
    grids = await store.responsibility_grid_ids(conn)
    return await store.insert_duties(conn, user_id, [g["id"] for g in grids], _aware(starts_at))


class CategoryDepartmentLink(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """Which department handles a category in a district (null: in any district without its own link)."""

    category: CategoryCode
    department: Annotated[str, msgspec.Meta(pattern=r"^[a-z0-9_-]{2,32}$")]
    district_code: DistrictCode | None = None


class CategoryDepartment(msgspec.Struct, frozen=True):
    category: str
    district_code: str | None
    department: str
    created_at: datetime
    updated_at: datetime


def _link(row: asyncpg.Record) -> CategoryDepartment:
    return CategoryDepartment(
        category=row["category_code"],
        district_code=row["district_code"],
        department=row["department_code"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )


async def link_category_department(
    conn: asyncpg.Connection, data: CategoryDepartmentLink
) -> CategoryDepartment:
    if not await store.category_exists(conn, data.category):
        raise UnknownCategory(f"no category {data.category}", fields=("category",))
    if not await store.department_exists(conn, data.department):
        raise UnknownDepartment(f"no department {data.department}", fields=("department",))
    return _link(
        await store.upsert_category_department(conn, data.category, data.district_code, data.department)
    )


class CategoryDepartmentPage(msgspec.Struct, frozen=True):
    """A page of category → department links: `next_cursor` (opaque) is sent back as `cursor`; null at the
    end."""

    items: list[CategoryDepartment]
    next_cursor: str | None


async def category_departments(
    conn: asyncpg.Connection,
    category: str | None = None,
    *,
    cursor: str | None = None,
    limit: int | None = None,
) -> CategoryDepartmentPage:
    """Links by category, then district with the any-district link first: (category, district) is unique, the
    keyset of the cursor (the any-district link's district is '' in it). limit None: all of them (the
    deprecated v1 list). A full page carries the next cursor."""
    after: tuple[str, str] | None = None
    if cursor:
        code, district = decode_cursor(cursor, 2)
        after = (code, district)
    items = [_link(r) for r in await store.list_category_departments(conn, category, after, limit)]
    last = items[-1] if limit is not None and len(items) == limit else None
    return CategoryDepartmentPage(
        items=items, next_cursor=encode_cursor(last.category, last.district_code or "") if last else None
    )
