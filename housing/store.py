"""Every SQL statement of the housing domain's estates, homes, owners register and bindings (migration 0014)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any
from uuid import UUID

import asyncpg

# estates ------------------------------------------------------------------------------------------------------------

_ESTATE_COLUMNS = """e.id, e.name, e.address, e.district_code, ST_Y(e.location) AS lat, ST_X(e.location) AS lon,
    e.location_original, ST_AsGeoJSON(e.boundary, 7) AS boundary, e.property_company, e.service_grade,
    e.service_content, e.contact_name, e.contact_phone, e.office_hours, e.created_at, e.updated_at"""


async def geometry_problem(conn: asyncpg.Connection, geojson: str) -> str | None:
    """Why PostGIS cannot store this GeoJSON polygon as a valid boundary, or None when it can."""
    try:
        async with (
            conn.transaction()
        ):  # a savepoint: a malformed geometry leaves the caller's transaction alive
            reason: str | None = await conn.fetchval(
                "SELECT CASE WHEN ST_IsValid(g) THEN NULL ELSE ST_IsValidReason(g) END "
                "FROM ST_GeomFromGeoJSON($1) AS g",
                geojson,
            )
    except asyncpg.PostgresError as exc:
        return str(exc)
    return reason


async def insert_estate(conn: asyncpg.Connection, values: dict[str, Any]) -> UUID:
    estate_id: UUID = await conn.fetchval(
        """INSERT INTO estates (id, name, address, district_code, location, location_original, boundary,
               property_company, service_grade, service_content, contact_name, contact_phone, office_hours)
           VALUES (coalesce($14, uuid_generate_v7()), $1, $2, $3, ST_SetSRID(ST_MakePoint($5, $4), 4326), $6,
                   ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON($7), 4326)), $8, $9, $10, $11, $12, $13)
           RETURNING id""",
        values["name"],
        values["address"],
        values["district_code"],
        values["lat"],
        values["lon"],
        values["location_original"],
        values["boundary"],
        values["property_company"],
        values["service_grade"],
        values["service_content"],
        values["contact_name"],
        values["contact_phone"],
        values["office_hours"],
        values.get("id"),
    )
    return estate_id


async def update_estate(conn: asyncpg.Connection, estate_id: UUID, values: dict[str, Any]) -> None:
    """Set the given columns (keys of `values`, from a fixed list); location takes lat, lon and the original."""
    await conn.execute(
        """UPDATE estates SET
               name = CASE WHEN $2 THEN $3 ELSE name END,
               address = CASE WHEN $4 THEN $5 ELSE address END,
               location = CASE WHEN $6 THEN ST_SetSRID(ST_MakePoint($8, $7), 4326) ELSE location END,
               location_original = CASE WHEN $6 THEN $9 ELSE location_original END,
               boundary = CASE WHEN $10 THEN ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON($11), 4326)) ELSE boundary END,
               property_company = CASE WHEN $12 THEN $13 ELSE property_company END,
               service_grade = CASE WHEN $14 THEN $15 ELSE service_grade END,
               service_content = CASE WHEN $16 THEN $17 ELSE service_content END,
               contact_name = CASE WHEN $18 THEN $19 ELSE contact_name END,
               contact_phone = CASE WHEN $20 THEN $21 ELSE contact_phone END,
               office_hours = CASE WHEN $22 THEN $23 ELSE office_hours END,
               updated_at = now()
           WHERE id = $1""",
        estate_id,
        "name" in values,
        values.get("name"),
        "address" in values,
        values.get("address"),
        "lat" in values,
        values.get("lat"),
        values.get("lon"),
        values.get("location_original"),
        "boundary" in values,
        values.get("boundary"),
        "property_company" in values,
        values.get("property_company"),
        "service_grade" in values,
        values.get("service_grade"),
        "service_content" in values,
        values.get("service_content"),
        "contact_name" in values,
        values.get("contact_name"),
        "contact_phone" in values,
        values.get("contact_phone"),
        "office_hours" in values,
        values.get("office_hours"),
    )


async def touch_estate(conn: asyncpg.Connection, estate_id: UUID) -> None:
    await conn.execute("UPDATE estates SET updated_at = now() WHERE id = $1", estate_id)


async def get_estate(conn: asyncpg.Connection, estate_id: UUID) -> asyncpg.Record | None:
    row: asyncpg.Record | None = await conn.fetchrow(
        f"SELECT {_ESTATE_COLUMNS} FROM estates e WHERE e.id = $1", estate_id
    )
    return row


async def lock_estate(conn: asyncpg.Connection, estate_id: UUID) -> asyncpg.Record | None:
    """The estate's row, locked until the end of the transaction (one register import at a time)."""
    row: asyncpg.Record | None = await conn.fetchrow(
        "SELECT id, district_code FROM estates WHERE id = $1 FOR UPDATE", estate_id
    )
    return row


async def estate_district(conn: asyncpg.Connection, estate_id: UUID) -> str | None:
    district: str | None = await conn.fetchval("SELECT district_code FROM estates WHERE id = $1", estate_id)
    return district


async def list_estates(
    conn: asyncpg.Connection,
    district_code: str | None,
    name_contains: str | None,
    after: tuple[str, UUID] | None,
    limit: int,
) -> list[asyncpg.Record]:
    rows: list[asyncpg.Record] = await conn.fetch(
        """SELECT id, name, address, district_code, property_company, service_grade FROM estates
           WHERE ($1::text IS NULL OR district_code = $1)
             AND ($2::text IS NULL OR strpos(name, $2) > 0)
             AND ($3::text IS NULL OR (name, id) > ($3, $4::uuid))
           ORDER BY name, id LIMIT $5""",
        district_code,
        name_contains,
        after[0] if after else None,
        after[1] if after else None,
        limit,
    )
    return rows


async def fee_standards(conn: asyncpg.Connection, estate_id: UUID) -> list[asyncpg.Record]:
    rows: list[asyncpg.Record] = await conn.fetch(
        "SELECT item, price_fen, basis, note FROM estate_fee_standards WHERE estate_id = $1 ORDER BY position",
        estate_id,
    )
    return rows


async def replace_fee_standards(
    conn: asyncpg.Connection, estate_id: UUID, standards: Sequence[tuple[str, int, str, str]]
) -> None:
    await conn.execute("DELETE FROM estate_fee_standards WHERE estate_id = $1", estate_id)
    await conn.execute(
        """INSERT INTO estate_fee_standards (estate_id, position, item, price_fen, basis, note)
           SELECT $1, s.position - 1, s.item, s.price_fen, s.basis, s.note
           FROM unnest($2::text[], $3::bigint[], $4::text[], $5::text[])
                WITH ORDINALITY AS s (item, price_fen, basis, note, position)""",
        estate_id,
        [s[0] for s in standards],
        [s[1] for s in standards],
        [s[2] for s in standards],
        [s[3] for s in standards],
    )


async def building_summaries(conn: asyncpg.Connection, estate_id: UUID) -> list[asyncpg.Record]:
    rows: list[asyncpg.Record] = await conn.fetch(
        """SELECT b.id, b.name, count(h.id) AS homes FROM buildings b LEFT JOIN homes h ON h.building_id = b.id
           WHERE b.estate_id = $1 GROUP BY b.id, b.name ORDER BY b.name, b.id""",
        estate_id,
    )
    return rows


# homes --------------------------------------------------------------------------------------------------------------

_HOME_COLUMNS = """h.id, h.estate_id, h.building_id, b.name AS building, h.entrance, h.floor, h.room,
    h.register_area, h.surveyed_area, h.contract_area"""


async def list_homes(
    conn: asyncpg.Connection,
    estate_id: UUID,
    building_id: UUID | None,
    after: tuple[str, str, int, str, UUID] | None,
    limit: int,
) -> list[asyncpg.Record]:
    rows: list[asyncpg.Record] = await conn.fetch(
        f"""SELECT {_HOME_COLUMNS} FROM homes h JOIN buildings b ON b.id = h.building_id
            WHERE h.estate_id = $1 AND ($2::uuid IS NULL OR h.building_id = $2)
              AND ($3::text IS NULL OR (b.name, h.entrance, h.floor, h.room, h.id) > ($3, $4, $5, $6, $7::uuid))
            ORDER BY b.name, h.entrance, h.floor, h.room, h.id LIMIT $8""",
        estate_id,
        building_id,
        *(after if after else (None, None, None, None, None)),
        limit,
    )
    return rows


async def get_home(conn: asyncpg.Connection, home_id: UUID) -> asyncpg.Record | None:
    row: asyncpg.Record | None = await conn.fetchrow(
        f"""SELECT {_HOME_COLUMNS}, e.name AS estate_name, e.district_code
            FROM homes h JOIN buildings b ON b.id = h.building_id JOIN estates e ON e.id = h.estate_id
            WHERE h.id = $1""",
        home_id,
    )
    return row


async def find_home(
    conn: asyncpg.Connection, estate_id: UUID, building: str, entrance: str, room: str
) -> UUID | None:
    home_id: UUID | None = await conn.fetchval(
        """SELECT h.id FROM homes h JOIN buildings b ON b.id = h.building_id
           WHERE h.estate_id = $1 AND b.name = $2 AND h.entrance = $3 AND h.room = $4""",
        estate_id,
        building,
        entrance,
        room,
    )
    return home_id


async def current_owners(conn: asyncpg.Connection, home_id: UUID) -> list[asyncpg.Record]:
    rows: list[asyncpg.Record] = await conn.fetch(
        """SELECT kind, name, phone, owned_from FROM home_owners WHERE home_id = $1 AND owned_until IS NULL
           ORDER BY kind DESC, id""",
        home_id,
    )
    return rows


async def is_registered_owner(conn: asyncpg.Connection, home_id: UUID, phone: str) -> bool:
    found: bool = await conn.fetchval(
        """SELECT EXISTS (SELECT 1 FROM home_owners WHERE home_id = $1 AND phone = $2 AND owned_until IS NULL
                          AND kind = 'person')""",
        home_id,
        phone,
    )
    return found


# the register import ------------------------------------------------------------------------------------------------


async def new_id(conn: asyncpg.Connection) -> UUID:
    value: UUID = await conn.fetchval("SELECT uuid_generate_v7()")
    return value


async def estate_buildings(conn: asyncpg.Connection, estate_id: UUID) -> dict[str, UUID]:
    rows = await conn.fetch("SELECT id, name FROM buildings WHERE estate_id = $1", estate_id)
    return {r["name"]: r["id"] for r in rows}


async def estate_homes(conn: asyncpg.Connection, estate_id: UUID) -> list[asyncpg.Record]:
    rows: list[asyncpg.Record] = await conn.fetch(
        """SELECT h.id, b.name AS building, h.entrance, h.room, h.floor, h.register_area, h.surveyed_area,
                  h.contract_area
           FROM homes h JOIN buildings b ON b.id = h.building_id WHERE h.estate_id = $1""",
        estate_id,
    )
    return rows


async def estate_current_owners(conn: asyncpg.Connection, estate_id: UUID) -> list[asyncpg.Record]:
    rows: list[asyncpg.Record] = await conn.fetch(
        """SELECT o.id, o.home_id, o.kind, o.name, o.phone, o.owned_from
           FROM home_owners o JOIN homes h ON h.id = o.home_id
           WHERE h.estate_id = $1 AND o.owned_until IS NULL""",
        estate_id,
    )
    return rows


async def estate_owner_bindings(conn: asyncpg.Connection, estate_id: UUID) -> list[asyncpg.Record]:
    """The estate's active owner bindings with the bound user's phone."""
    rows: list[asyncpg.Record] = await conn.fetch(
        """SELECT hb.id, hb.home_id, u.phone FROM home_bindings hb JOIN users u ON u.id = hb.user_id
           WHERE hb.estate_id = $1 AND hb.state = 'active' AND hb.relation = 'owner'""",
        estate_id,
    )
    return rows


async def insert_buildings(conn: asyncpg.Connection, estate_id: UUID, names: list[str]) -> dict[str, UUID]:
    rows = await conn.fetch(
        """INSERT INTO buildings (estate_id, name) SELECT $1, n FROM unnest($2::text[]) AS n RETURNING id, name""",
        estate_id,
        names,
    )
    return {r["name"]: r["id"] for r in rows}


HomeValues = tuple[
    UUID, str, int, str, int | None, int | None, int | None
]  # building, entrance, floor, room, areas


async def insert_homes(
    conn: asyncpg.Connection, estate_id: UUID, homes: list[HomeValues]
) -> dict[tuple[UUID, str, str], UUID]:
    rows = await conn.fetch(
        """INSERT INTO homes (estate_id, building_id, entrance, floor, room, register_area, surveyed_area,
                              contract_area)
           SELECT $1, * FROM unnest($2::uuid[], $3::text[], $4::smallint[], $5::text[], $6::bigint[],
                                    $7::bigint[], $8::bigint[])
           RETURNING id, building_id, entrance, room""",
        estate_id,
        *(list(column) for column in zip(*homes, strict=True)),
    )
    return {(r["building_id"], r["entrance"], r["room"]): r["id"] for r in rows}


async def update_homes(
    conn: asyncpg.Connection, homes: list[tuple[UUID, int, int | None, int | None, int | None]]
) -> None:
    await conn.execute(
        """UPDATE homes h SET floor = u.floor, register_area = u.register_area, surveyed_area = u.surveyed_area,
                              contract_area = u.contract_area, updated_at = now()
           FROM unnest($1::uuid[], $2::smallint[], $3::bigint[], $4::bigint[], $5::bigint[])
                AS u (id, floor, register_area, surveyed_area, contract_area)
           WHERE h.id = u.id""",
        *(list(column) for column in zip(*homes, strict=True)),
    )


async def end_owners(conn: asyncpg.Connection, owner_ids: list[int], until: date) -> None:
    """End today's owner rows on `until`; a row that began that same day was a mistake corrected the same day,
    and is deleted instead (an ownership of no days)."""
    await conn.execute(
        "DELETE FROM home_owners WHERE id = ANY($1::bigint[]) AND owned_from >= $2", owner_ids, until
    )
    await conn.execute(
        "UPDATE home_owners SET owned_until = $2 WHERE id = ANY($1::bigint[]) AND owned_from < $2",
        owner_ids,
        until,
    )


async def insert_owners(
    conn: asyncpg.Connection,
    owners: list[tuple[UUID, str, str, str | None]],
    owned_from: date,
    import_id: UUID,
) -> None:
    await conn.execute(
        """INSERT INTO home_owners (home_id, kind, name, phone, owned_from, import_id)
           SELECT o.home_id, o.kind, o.name, o.phone, $5, $6
           FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[]) AS o (home_id, kind, name, phone)""",
        [o[0] for o in owners],
        [o[1] for o in owners],
        [o[2] for o in owners],
        [o[3] for o in owners],
        owned_from,
        import_id,
    )


async def end_bindings(conn: asyncpg.Connection, binding_ids: list[UUID], reason: str) -> None:
    await conn.execute(
        """UPDATE home_bindings SET state = 'ended', ended_at = now(), end_reason = $2
           WHERE id = ANY($1::uuid[]) AND state IN ('pending', 'active')""",
        binding_ids,
        reason,
    )


async def insert_register_import(
    conn: asyncpg.Connection,
    *,
    import_id: UUID,
    estate_id: UUID,
    file_name: str,
    sha256: str,
    file_format: str,
    encoding: str | None,
    outcome: str,
    effective_date: date,
    counts: dict[str, int],
    problems: list[dict[str, Any]],
    problem_count: int,
    actor_id: UUID | None,
    actor_label: str,
) -> datetime:
    created_at: datetime = await conn.fetchval(
        """INSERT INTO register_imports (id, estate_id, file_name, sha256, format, encoding, outcome, effective_date,
                                         counts, problems, problem_count, actor_id, actor_label)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING created_at""",
        import_id,
        estate_id,
        file_name,
        sha256,
        file_format,
        encoding,
        outcome,
        effective_date,
        counts,
        problems,
        problem_count,
        actor_id,
        actor_label,
    )
    return created_at


# bindings -----------------------------------------------------------------------------------------------------------

_BINDING_COLUMNS = """hb.id, hb.home_id, hb.estate_id, hb.user_id, hb.relation, hb.state, hb.via, hb.note,
    hb.requested_at, hb.decided_at, hb.decision_note, hb.ended_at, hb.end_reason,
    e.name AS estate_name, e.district_code, b.name AS building, h.entrance, h.floor, h.room,
    u.display_name, u.phone"""
_BINDING_FROM = """home_bindings hb JOIN homes h ON h.id = hb.home_id JOIN buildings b ON b.id = h.building_id
    JOIN estates e ON e.id = hb.estate_id JOIN users u ON u.id = hb.user_id"""


async def insert_binding(
    conn: asyncpg.Connection,
    *,
    home_id: UUID,
    estate_id: UUID,
    user_id: UUID,
    relation: str,
    state: str,
    via: str | None,
    note: str,
) -> UUID | None:
    """The new binding's id, or None when the user already has an open (pending or active) one for the home."""
    binding_id: UUID | None = await conn.fetchval(
        """INSERT INTO home_bindings (home_id, estate_id, user_id, relation, state, via, note, decided_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, CASE WHEN $5 = 'active' THEN now() END)
           ON CONFLICT (home_id, user_id) WHERE state IN ('pending', 'active') DO NOTHING
           RETURNING id""",
        home_id,
        estate_id,
        user_id,
        relation,
        state,
        via,
        note,
    )
    return binding_id


async def get_binding(conn: asyncpg.Connection, binding_id: UUID) -> asyncpg.Record | None:
    row: asyncpg.Record | None = await conn.fetchrow(
        f"SELECT {_BINDING_COLUMNS} FROM {_BINDING_FROM} WHERE hb.id = $1", binding_id
    )
    return row


async def open_binding(conn: asyncpg.Connection, home_id: UUID, user_id: UUID) -> asyncpg.Record | None:
    row: asyncpg.Record | None = await conn.fetchrow(
        """SELECT id, state, relation FROM home_bindings
           WHERE home_id = $1 AND user_id = $2 AND state IN ('pending', 'active')""",
        home_id,
        user_id,
    )
    return row


async def is_bound(conn: asyncpg.Connection, home_id: UUID, user_id: UUID, relations: Sequence[str]) -> bool:
    found: bool = await conn.fetchval(
        """SELECT EXISTS (SELECT 1 FROM home_bindings WHERE home_id = $1 AND user_id = $2 AND state = 'active'
                          AND relation = ANY($3::text[]))""",
        home_id,
        user_id,
        list(relations),
    )
    return found


async def user_phone(conn: asyncpg.Connection, user_id: UUID) -> str | None:
    phone: str | None = await conn.fetchval("SELECT phone FROM users WHERE id = $1", user_id)
    return phone


async def decide_binding(
    conn: asyncpg.Connection, binding_id: UUID, state: str, decided_by: UUID, note: str
) -> bool:
    """pending -> active (approved) or refused; False when the binding was no longer pending."""
    status = await conn.execute(
        """UPDATE home_bindings
           SET state = $2, via = CASE WHEN $2 = 'active' THEN 'approval' END, decided_at = now(),
               decided_by = $3, decision_note = $4
           WHERE id = $1 AND state = 'pending'""",
        binding_id,
        state,
        decided_by,
        note,
    )
    return status.endswith(" 1")


async def end_binding(
    conn: asyncpg.Connection, binding_id: UUID, from_state: str, ended_by: UUID, reason: str
) -> bool:
    """pending or active -> ended; False when the binding's state changed meanwhile."""
    status = await conn.execute(
        """UPDATE home_bindings SET state = 'ended', ended_at = now(), ended_by = $3, end_reason = $4
           WHERE id = $1 AND state = $2""",
        binding_id,
        from_state,
        ended_by,
        reason,
    )
    return status.endswith(" 1")


async def user_bindings(
    conn: asyncpg.Connection, user_id: UUID, after: UUID | None, limit: int
) -> list[asyncpg.Record]:
    """The user's open bindings (active and pending), newest first."""
    rows: list[asyncpg.Record] = await conn.fetch(
        f"""SELECT {_BINDING_COLUMNS} FROM {_BINDING_FROM}
            WHERE hb.user_id = $1 AND hb.state IN ('pending', 'active') AND ($2::uuid IS NULL OR hb.id < $2)
            ORDER BY hb.id DESC LIMIT $3""",
        user_id,
        after,
        limit,
    )
    return rows


async def estate_bindings(
    conn: asyncpg.Connection,
    estate_id: UUID,
    state: str | None,
    after: tuple[datetime, UUID] | None,
    limit: int,
) -> list[asyncpg.Record]:
    """An estate's bindings in one state (or all), oldest request first: the queue of requests to decide."""
    rows: list[asyncpg.Record] = await conn.fetch(
        f"""SELECT {_BINDING_COLUMNS} FROM {_BINDING_FROM}
            WHERE hb.estate_id = $1 AND ($2::text IS NULL OR hb.state = $2)
              AND ($3::timestamptz IS NULL OR (hb.requested_at, hb.id) > ($3, $4::uuid))
            ORDER BY hb.requested_at, hb.id LIMIT $5""",
        estate_id,
        state,
        after[0] if after else None,
        after[1] if after else None,
        limit,
    )
    return rows


async def home_bindings(
    conn: asyncpg.Connection, home_id: UUID, after: tuple[datetime, UUID] | None, limit: int
) -> list[asyncpg.Record]:
    """A home's open bindings (active and pending), oldest request first."""
    rows: list[asyncpg.Record] = await conn.fetch(
        f"""SELECT {_BINDING_COLUMNS} FROM {_BINDING_FROM}
            WHERE hb.home_id = $1 AND hb.state IN ('pending', 'active')
              AND ($2::timestamptz IS NULL OR (hb.requested_at, hb.id) > ($2, $3::uuid))
            ORDER BY hb.requested_at, hb.id LIMIT $4""",
        home_id,
        after[0] if after else None,
        after[1] if after else None,
        limit,
    )
    return rows


# estates as the owners' assembly and its projects see them (housing/votes.py, housing/fund_projects.py) ----------


async def estate_governance(conn: asyncpg.Connection, estate_id: UUID) -> asyncpg.Record | None:
    """The estate's district and whether it has an owners' committee (an enabled user holding the role for it)."""
    row: asyncpg.Record | None = await conn.fetchrow(
        """SELECT e.id, e.district_code,
                  EXISTS (SELECT 1 FROM user_roles r JOIN users u ON u.id = r.user_id
                          WHERE r.role = 'owners_committee' AND r.scope_kind = 'estate'
                            AND r.scope_id = e.id::text AND u.disabled_at IS NULL) AS has_committee
           FROM estates e WHERE e.id = $1""",
        estate_id,
    )
    return row


async def buildings_of(conn: asyncpg.Connection, estate_id: UUID, building_ids: Sequence[UUID]) -> list[UUID]:
    rows = await conn.fetch(
        "SELECT id FROM buildings WHERE estate_id = $1 AND id = ANY($2::uuid[])",
        estate_id,
        list(building_ids),
    )
    return [r["id"] for r in rows]


async def building_names(conn: asyncpg.Connection, building_ids: Sequence[UUID]) -> dict[UUID, str]:
    rows = await conn.fetch("SELECT id, name FROM buildings WHERE id = ANY($1::uuid[])", list(building_ids))
    return {r["id"]: r["name"] for r in rows}


async def is_bound_owner(conn: asyncpg.Connection, user_id: UUID, estate_id: UUID) -> bool:
    """True when the user has an active owner binding to a home of the estate."""
    found: bool = await conn.fetchval(
        """SELECT EXISTS (SELECT 1 FROM home_bindings WHERE user_id = $1 AND estate_id = $2
                          AND relation = 'owner' AND state = 'active')""",
        user_id,
        estate_id,
    )
    return found
