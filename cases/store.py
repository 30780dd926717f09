"""Every SQL statement of the cases domain, and nothing else.

Points are geometry(Point, 4326) in WGS-84; distances are measured on the spheroid (geography casts) after
a bounding-box filter that the GiST indexes answer.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

import asyncpg

Record = asyncpg.Record
FINISHED_STATES_SQL = "('closed', 'rejected', 'voided')"  # a case in these is no longer open


# departments and the catalogue --------------------------------------------------------------------------------


async def upsert_department(conn: asyncpg.Connection, code: str, name_zh: str, name_en: str) -> None:
    await conn.execute(
        """INSERT INTO departments (code, name_zh, name_en) VALUES ($1, $2, $3)
           ON CONFLICT (code) DO UPDATE SET name_zh = excluded.name_zh, name_en = excluded.name_en""",
        code,
        name_zh,
        name_en,
    )


async def department_exists(conn: asyncpg.Connection, code: str) -> bool:
    found: bool = await conn.fetchval("SELECT EXISTS (SELECT 1 FROM departments WHERE code = $1)", code)
    return found


async def upsert_catalogue(conn: asyncpg.Connection, version: str, title: str, source: str) -> None:
    await conn.execute(
        """INSERT INTO category_catalogues (version, title, source) VALUES ($1, $2, $3)
           ON CONFLICT (version) DO UPDATE SET title = excluded.title, source = excluded.source""",
        version,
        title,
        source,
    )


async def activate_catalogue(conn: asyncpg.Connection, version: str) -> None:
    """Make one catalogue the active one; categories of the others stay for history but are inactive."""
    await conn.execute(
        "UPDATE category_catalogues SET active = false WHERE active AND version <> $1", version
    )
    await conn.execute("UPDATE category_catalogues SET active = true WHERE version = $1", version)
    await conn.execute(
        "UPDATE categories SET active = false, updated_at = now() WHERE catalogue_version <> $1 AND active",
        version,
    )


async def upsert_group(conn: asyncpg.Connection, version: str, group: dict[str, Any]) -> None:
    await conn.execute(
        """INSERT INTO category_groups (catalogue_version, kind, major, name_zh, name_en) VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (catalogue_version, kind, major)
           DO UPDATE SET name_zh = excluded.name_zh, name_en = excluded.name_en""",
        version,
        group["kind"],
        group["major"],
        group["name_zh"],
        group["name_en"],
    )


_CATEGORY_COLUMNS = (
    "kind, major, name_zh, name_en, default_department, limit_urgent_hours, limit_normal_hours, "
    "citizen_reportable, needs_verification, duplicate_radius_m, join_radius_m, join_window_hours, min_photos"
)


async def upsert_category(conn: asyncpg.Connection, version: str, c: dict[str, Any]) -> bool:
    """Insert or update a category from a catalogue file; True when something changed."""
    status = await conn.execute(
        f"""INSERT INTO categories (code, catalogue_version, {_CATEGORY_COLUMNS})
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
            ON CONFLICT (code) DO UPDATE SET
              catalogue_version = excluded.catalogue_version, kind = excluded.kind, major = excluded.major,
              name_zh = excluded.name_zh, name_en = excluded.name_en,
              default_department = excluded.default_department,
              limit_urgent_hours = excluded.limit_urgent_hours, limit_normal_hours = excluded.limit_normal_hours,
              citizen_reportable = excluded.citizen_reportable, needs_verification = excluded.needs_verification,
              duplicate_radius_m = excluded.duplicate_radius_m, join_radius_m = excluded.join_radius_m,
              join_window_hours = excluded.join_window_hours, min_photos = excluded.min_photos,
              active = true, updated_at = now()
            WHERE (categories.catalogue_version, categories.kind, categories.major, categories.name_zh,
                   categories.name_en, categories.default_department, categories.limit_urgent_hours,
                   categories.limit_normal_hours, categories.citizen_reportable, categories.needs_verification,
                   categories.duplicate_radius_m, categories.join_radius_m, categories.join_window_hours,
                   categories.min_photos, categories.active)
               IS DISTINCT FROM
                  (excluded.catalogue_version, excluded.kind, excluded.major, excluded.name_zh, excluded.name_en,
                   excluded.default_department, excluded.limit_urgent_hours, excluded.limit_normal_hours,
                   excluded.citizen_reportable, excluded.needs_verification, excluded.duplicate_radius_m,
                   excluded.join_radius_m, excluded.join_window_hours, excluded.min_photos, true)""",
        c["code"],
        version,
        c["kind"],
        c["major"],
        c["name_zh"],
        c["name_en"],
        c.get("default_department"),
        c["limit_urgent_hours"],
        c["limit_normal_hours"],
        c.get("citizen_reportable", True),
        c.get("needs_verification", True),
        c.get("duplicate_radius_m", 250),
        c.get("join_radius_m", 50),
        c.get("join_window_hours", 24),
        c.get("min_photos", 0),
    )
    return status != "INSERT 0 0"


async def active_catalogue(conn: asyncpg.Connection) -> Record | None:
    """The active catalogue with a fingerprint of its contents (for ETags)."""
    return await conn.fetchrow(
        """SELECT c.version, c.title,
                  (SELECT max(updated_at) FROM categories) AS changed_at,
                  (SELECT count(*) FROM categories WHERE active) AS active_count
           FROM category_catalogues c WHERE c.active"""
    )


async def catalogue_groups(conn: asyncpg.Connection, version: str) -> list[Record]:
    return await conn.fetch(
        "SELECT kind, major, name_zh, name_en FROM category_groups WHERE catalogue_version = $1 ORDER BY kind, major",
        version,
    )


async def active_categories(conn: asyncpg.Connection) -> list[Record]:
    return await conn.fetch(
        f"SELECT code, {_CATEGORY_COLUMNS}, active FROM categories WHERE active ORDER BY code"
    )


async def get_category(conn: asyncpg.Connection, code: str, *, lock: bool = False) -> Record | None:
    return await conn.fetchrow(
        f"SELECT code, {_CATEGORY_COLUMNS}, active FROM categories WHERE code = $1"
        + (" FOR UPDATE" if lock else ""),
        code,
    )


async def update_category(conn: asyncpg.Connection, code: str, changes: dict[str, Any]) -> Record | None:
    """Apply changes to whitelisted columns (the names come from the CategoryUpdate schema, never from input)."""
    allowed = set(_CATEGORY_COLUMNS.replace(" ", "").split(",")) | {"active"}
    assert set(changes) <= allowed
    assignments = ", ".join(f"{column} = ${i}" for i, column in enumerate(changes, start=2))
    return await conn.fetchrow(
        f"UPDATE categories SET {assignments}, updated_at = now() WHERE code = $1 RETURNING code, {_CATEGORY_COLUMNS}, active",
        code,
        *changes.values(),
    )


# the service area ---------------------------------------------------------------------------------------------


async def insert_service_area(conn: asyncpg.Connection, name: str, geojson: str) -> None:
    await conn.execute("UPDATE service_areas SET active = false WHERE active")
    await conn.execute(
        "INSERT INTO service_areas (name, geom) VALUES ($1, ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON($2), 4326)))",
        name,
        geojson,
    )


async def service_area(conn: asyncpg.Connection) -> Record | None:
    return await conn.fetchrow(
        """SELECT name, ST_AsGeoJSON(geom, 6)::jsonb AS geometry,
                  ST_XMin(geom) AS min_lon, ST_YMin(geom) AS min_lat, ST_XMax(geom) AS max_lon, ST_YMax(geom) AS max_lat,
                  ST_Y(ST_PointOnSurface(geom)) AS center_lat, ST_X(ST_PointOnSurface(geom)) AS center_lon
           FROM service_areas WHERE active ORDER BY id DESC LIMIT 1"""
    )


async def in_service_area(conn: asyncpg.Connection, lat: float, lon: float) -> bool | None:
    """True or False; None when no service area is configured."""
    inside: bool | None = await conn.fetchval(
        """SELECT bool_or(ST_Covers(geom, ST_SetSRID(ST_MakePoint($2, $1), 4326)))
           FROM service_areas WHERE active""",
        lat,
        lon,
    )
    return inside


# cases and reports --------------------------------------------------------------------------------------------

_NEAR = """ST_DWithin(c.location::geography, ST_SetSRID(ST_MakePoint($2, $1), 4326)::geography, $3)
           AND c.location && ST_Expand(ST_SetSRID(ST_MakePoint($2, $1), 4326),
                                       $3 / (111320.0 * greatest(cos(radians($1)), 0.01)))"""


async def find_joinable_case(
    conn: asyncpg.Connection, lat: float, lon: float, category: str, radius_m: int, window_hours: int
) -> Record | None:
    """The nearest open, visible case of the category within the join radius and window, locked."""
    return await conn.fetchrow(
        f"""SELECT c.id, c.state FROM cases c
            WHERE {_NEAR} AND c.category_code = $4 AND c.state NOT IN {FINISHED_STATES_SQL} AND c.hidden_at IS NULL
              AND c.created_at > now() - make_interval(hours => $5)
            ORDER BY c.location::geography <-> ST_SetSRID(ST_MakePoint($2, $1), 4326)::geography
            LIMIT 1 FOR UPDATE OF c""",
        lat,
        lon,
        float(radius_m),
        category,
        window_hours,
    )


async def insert_case(
    conn: asyncpg.Connection,
    *,
    category: str,
    source: str,
    lat: float,
    lon: float,
    address: str | None,
    description: str,
) -> Record:
    row = await conn.fetchrow(
        """INSERT INTO cases (category_code, source, location, address, description)
           VALUES ($1, $2, ST_SetSRID(ST_MakePoint($4, $3), 4326), $5, $6)
           RETURNING id, state""",
        category,
        source,
        lat,
        lon,
        address,
        description,
    )
    assert row is not None
    return row


async def add_reporter(conn: asyncpg.Connection, case_id: UUID) -> None:
    await conn.execute(
        "UPDATE cases SET reporter_count = reporter_count + 1, updated_at = now() WHERE id = $1", case_id
    )


async def insert_case_event(
    conn: asyncpg.Connection,
    case_id: UUID,
    *,
    kind: str,
    actor_id: UUID | None,
    public: bool,
    from_state: str | None = None,
    to_state: str | None = None,
    note: str = "",
    photo_ids: list[UUID] | None = None,
    data: dict[str, Any] | None = None,
) -> None:
    await conn.execute(
        """INSERT INTO case_events (case_id, kind, actor_id, public, from_state, to_state, note, photo_ids, data)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)""",
        case_id,
        kind,
        actor_id,
        public,
        from_state,
        to_state,
        note,
        photo_ids or [],
        data or {},
    )


async def next_report_number(conn: asyncpg.Connection, day: date) -> int:
    value: int = await conn.fetchval(
        """INSERT INTO report_number_counters AS c (day, last) VALUES ($1, 1)
           ON CONFLICT (day) DO UPDATE SET last = c.last + 1 RETURNING last""",
        day,
    )
    return value


async def insert_report(conn: asyncpg.Connection, **fields: Any) -> Record:
    row = await conn.fetchrow(
        """INSERT INTO reports (number, case_id, reporter_id, client_id, category_code, description, location,
                                original_lat, original_lon, original_crs, address, anonymous, location_mismatch,
                                joined_existing)
           VALUES ($1, $2, $3, $4, $5, $6, ST_SetSRID(ST_MakePoint($8, $7), 4326), $9, $10, $11, $12, $13, $14,
                   $15)
           RETURNING id, created_at""",
        fields["number"],
        fields["case_id"],
        fields["reporter_id"],
        fields["client_id"],
        fields["category"],
        fields["description"],
        fields["lat"],
        fields["lon"],
        fields["original_lat"],
        fields["original_lon"],
        fields["original_crs"],
        fields["address"],
        fields["anonymous"],
        fields["location_mismatch"],
        fields["joined_existing"],
    )
    assert row is not None
    return row


async def attach_photos(conn: asyncpg.Connection, report_id: UUID, photo_ids: list[UUID]) -> None:
    await conn.executemany(
        "INSERT INTO report_photos (report_id, photo_id, position) VALUES ($1, $2, $3)",
        [(report_id, photo_id, position) for position, photo_id in enumerate(photo_ids)],
    )


async def photos_in_use(conn: asyncpg.Connection, photo_ids: list[UUID]) -> list[UUID]:
    rows = await conn.fetch("SELECT photo_id FROM report_photos WHERE photo_id = ANY($1::uuid[])", photo_ids)
    return [r["photo_id"] for r in rows]


_REPORT_SELECT = """
    SELECT r.id, r.number, r.case_id, r.reporter_id, r.client_id, r.category_code, r.description,
           ST_Y(r.location) AS lat, ST_X(r.location) AS lon, r.original_lat, r.original_lon, r.original_crs,
           r.address, r.anonymous, r.location_mismatch, r.joined_existing, r.created_at,
           r.hidden_at IS NOT NULL OR c.hidden_at IS NOT NULL AS hidden,
           coalesce(r.hidden_reason, c.hidden_reason) AS hidden_reason,
           c.state, c.reporter_count, c.updated_at AS case_updated_at,
           coalesce((SELECT array_agg(p.photo_id ORDER BY p.position) FROM report_photos p WHERE p.report_id = r.id),
                    '{}') AS photo_ids
    FROM reports r JOIN cases c ON c.id = r.case_id
"""


async def get_report(conn: asyncpg.Connection, report_id: UUID) -> Record | None:
    return await conn.fetchrow(_REPORT_SELECT + " WHERE r.id = $1", report_id)


async def get_report_by_client_id(
    conn: asyncpg.Connection, reporter_id: UUID, client_id: str
) -> Record | None:
    return await conn.fetchrow(
        _REPORT_SELECT + " WHERE r.reporter_id = $1 AND r.client_id = $2", reporter_id, client_id
    )


async def reports_by_reporter(
    conn: asyncpg.Connection, reporter_id: UUID, before: tuple[datetime, UUID] | None, limit: int
) -> list[Record]:
    return await conn.fetch(
        _REPORT_SELECT
        + """ WHERE r.reporter_id = $1 AND ($2::timestamptz IS NULL OR (r.created_at, r.id) < ($2, $3::uuid))
              ORDER BY r.created_at DESC, r.id DESC LIMIT $4""",
        reporter_id,
        before[0] if before else None,
        before[1] if before else None,
        limit,
    )


async def public_timelines(conn: asyncpg.Connection, case_ids: list[UUID]) -> list[Record]:
    return await conn.fetch(
        """SELECT case_id, at, kind, to_state, note FROM case_events
           WHERE case_id = ANY($1::uuid[]) AND public ORDER BY case_id, id""",
        case_ids,
    )


async def full_timeline(conn: asyncpg.Connection, case_id: UUID) -> list[Record]:
    return await conn.fetch(
        "SELECT case_id, at, kind, to_state, note FROM case_events WHERE case_id = $1 ORDER BY id", case_id
    )


async def nearby_open_cases(
    conn: asyncpg.Connection, lat: float, lon: float, category: str, radius_m: int, limit: int
) -> list[Record]:
    """Open, visible cases of a category within the radius, nearest first, each with its first report."""
    return await conn.fetch(
        f"""SELECT c.id AS case_id, c.state, c.reporter_count, c.created_at, c.category_code,
                   ST_Y(c.location) AS lat, ST_X(c.location) AS lon,
                   ST_Distance(c.location::geography, ST_SetSRID(ST_MakePoint($2, $1), 4326)::geography) AS distance_m,
                   first.id AS report_id, first.number, first.description
            FROM cases c
            JOIN LATERAL (SELECT r.id, r.number, r.description FROM reports r
                          WHERE r.case_id = c.id AND r.hidden_at IS NULL ORDER BY r.created_at LIMIT 1) first ON true
            WHERE {_NEAR} AND c.category_code = $4 AND c.state NOT IN {FINISHED_STATES_SQL} AND c.hidden_at IS NULL
            ORDER BY distance_m LIMIT $5""",
        lat,
        lon,
        float(radius_m),
        category,
        limit,
    )


async def follow(conn: asyncpg.Connection, case_id: UUID, user_id: UUID) -> bool:
    status = await conn.execute(
        "INSERT INTO case_followers (case_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        case_id,
        user_id,
    )
    return status == "INSERT 0 1"


async def is_following(conn: asyncpg.Connection, case_id: UUID, user_id: UUID) -> bool:
    found: bool = await conn.fetchval(
        "SELECT EXISTS (SELECT 1 FROM case_followers WHERE case_id = $1 AND user_id = $2)", case_id, user_id
    )
    return found


async def hide_report(conn: asyncpg.Connection, report_id: UUID, reason: str) -> None:
    await conn.execute(
        "UPDATE reports SET hidden_at = now(), hidden_reason = $2 WHERE id = $1", report_id, reason
    )


async def hide_case_if_all_reports_hidden(conn: asyncpg.Connection, case_id: UUID, reason: str) -> None:
    await conn.execute(
        """UPDATE cases SET hidden_at = now(), hidden_reason = $2, updated_at = now(), version = version + 1
           WHERE id = $1 AND hidden_at IS NULL
             AND NOT EXISTS (SELECT 1 FROM reports WHERE case_id = $1 AND hidden_at IS NULL)""",
        case_id,
        reason,
    )


async def recategorise(conn: asyncpg.Connection, report_id: UUID, case_id: UUID, category: str) -> None:
    await conn.execute("UPDATE reports SET category_code = $2 WHERE id = $1", report_id, category)
    await conn.execute(
        "UPDATE cases SET category_code = $2, updated_at = now(), version = version + 1 WHERE id = $1",
        case_id,
        category,
    )


async def count_map_cases(
    conn: asyncpg.Connection,
    bbox: tuple[float, float, float, float],
    category: str | None,
    state: str | None,
    cap: int,
) -> int:
    """How many public cases are in the box, counting no further than cap + 1 (enough to choose clustering)."""
    count: int = await conn.fetchval(
        """SELECT count(*) FROM (
               SELECT 1 FROM cases c
               WHERE c.location && ST_MakeEnvelope($1, $2, $3, $4, 4326) AND c.hidden_at IS NULL
                 AND ($5::text IS NULL OR c.category_code = $5) AND ($6::text IS NULL OR c.state = $6)
               LIMIT $7 + 1) capped""",
        *bbox,
        category,
        state,
        cap,
    )
    return count


async def map_cases(
    conn: asyncpg.Connection,
    bbox: tuple[float, float, float, float],
    category: str | None,
    state: str | None,
    limit: int,
) -> list[Record]:
    return await conn.fetch(
        """SELECT c.id AS case_id, c.category_code, c.state, c.reporter_count, c.created_at,
                  ST_Y(c.location) AS lat, ST_X(c.location) AS lon,
                  (SELECT r.number FROM reports r WHERE r.case_id = c.id ORDER BY r.created_at LIMIT 1) AS number
           FROM cases c
           WHERE c.location && ST_MakeEnvelope($1, $2, $3, $4, 4326) AND c.hidden_at IS NULL
             AND ($5::text IS NULL OR c.category_code = $5) AND ($6::text IS NULL OR c.state = $6)
           ORDER BY c.created_at DESC LIMIT $7""",
        *bbox,
        category,
        state,
        limit,
    )


async def map_clusters(
    conn: asyncpg.Connection,
    bbox: tuple[float, float, float, float],
    category: str | None,
    state: str | None,
    cell_deg: float,
) -> list[Record]:
    """Cases snapped to a grid of `cell_deg` degrees: one row per occupied cell, with its count and centroid."""
    return await conn.fetch(
        """SELECT count(*) AS count, ST_Y(ST_Centroid(ST_Collect(c.location))) AS lat,
                  ST_X(ST_Centroid(ST_Collect(c.location))) AS lon
           FROM cases c
           WHERE c.location && ST_MakeEnvelope($1, $2, $3, $4, 4326) AND c.hidden_at IS NULL
             AND ($5::text IS NULL OR c.category_code = $5) AND ($6::text IS NULL OR c.state = $6)
           GROUP BY ST_SnapToGrid(c.location, $7)
           ORDER BY count DESC""",
        *bbox,
        category,
        state,
        cell_deg,
    )


async def photo_is_public(conn: asyncpg.Connection, photo_id: UUID) -> bool:
    """A photo of a report that the public may see (neither the report nor its case is hidden)."""
    found: bool = await conn.fetchval(
        """SELECT EXISTS (SELECT 1 FROM report_photos rp JOIN reports r ON r.id = rp.report_id
                          JOIN cases c ON c.id = r.case_id
                          WHERE rp.photo_id = $1 AND r.hidden_at IS NULL AND c.hidden_at IS NULL)""",
        photo_id,
    )
    return found


# the workflow -------------------------------------------------------------------------------------------------

CASE_COLUMNS = """c.id, c.category_code, c.state, c.source, c.urgent, ST_Y(c.location) AS lat, ST_X(c.location) AS lon,
    c.address, c.description, c.reporter_count, c.version, c.hidden_at, c.created_at, c.updated_at, c.closed_at,
    c.unit_grid_id, c.responsibility_grid_id, c.district_code, c.department_code, c.inspector_id,
    c.needs_verification, c.resume_state, c.round, c.registered_at"""


async def get_case(conn: asyncpg.Connection, case_id: UUID) -> Record | None:
    return await conn.fetchrow(f"SELECT {CASE_COLUMNS} FROM cases c WHERE c.id = $1", case_id)


async def set_routing(
    conn: asyncpg.Connection,
    case_id: UUID,
    *,
    unit_grid_id: UUID | None,
    responsibility_grid_id: UUID | None,
    district_code: str | None,
    department_code: str | None,
    inspector_id: UUID | None,
    needs_verification: bool,
) -> None:
    await conn.execute(
        """UPDATE cases SET unit_grid_id = $2, responsibility_grid_id = $3, district_code = $4,
                  department_code = $5, inspector_id = $6, needs_verification = $7
           WHERE id = $1""",
        case_id,
        unit_grid_id,
        responsibility_grid_id,
        district_code,
        department_code,
        inspector_id,
        needs_verification,
    )


async def transition_case(
    conn: asyncpg.Connection,
    case_id: UUID,
    from_state: str,
    version: int,
    to_state: str,
    changes: dict[str, Any],
) -> Record | None:
    """The guarded UPDATE: it applies only while the case is still in `from_state` at `version`.

    `changes` keys are column names chosen by the workflow code (never by input).
    """
    allowed = {
        "department_code",
        "inspector_id",
        "resume_state",
        "round",
        "registered_at",
        "closed_at",
        "urgent",
    }
    assert set(changes) <= allowed
    sets = "".join(f", {column} = ${i}" for i, column in enumerate(changes, start=5))
    return await conn.fetchrow(
        f"""UPDATE cases c SET state = $4, version = version + 1, updated_at = now(){sets}
            WHERE c.id = $1 AND c.state = $2 AND c.version = $3
            RETURNING {CASE_COLUMNS}""",
        case_id,
        from_state,
        version,
        to_state,
        *changes.values(),
    )


async def step_limit(conn: asyncpg.Connection, step: str) -> Record | None:
    return await conn.fetchrow("SELECT hours, working FROM step_limits WHERE step = $1", step)


async def open_deadline(conn: asyncpg.Connection, case_id: UUID) -> Record | None:
    return await conn.fetchrow(
        "SELECT * FROM case_deadlines WHERE case_id = $1 AND completed_at IS NULL FOR UPDATE", case_id
    )


async def complete_deadline(
    conn: asyncpg.Connection, deadline_id: int, actor_id: UUID | None, outcome: str, at: datetime
) -> None:
    await conn.execute(
        "UPDATE case_deadlines SET completed_at = $4, completed_by = $2, outcome = $3 WHERE id = $1",
        deadline_id,
        actor_id,
        outcome,
        at,
    )


async def start_deadline(
    conn: asyncpg.Connection,
    case_id: UUID,
    *,
    round_: int,
    step: str,
    assignee_id: UUID | None,
    department_code: str | None,
    started_at: datetime,
    due_soon_at: datetime,
    due_at: datetime,
) -> None:
    await conn.execute(
        """INSERT INTO case_deadlines (case_id, round, step, assignee_id, department_code, started_at, due_soon_at,
                                       due_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8)""",
        case_id,
        round_,
        step,
        assignee_id,
        department_code,
        started_at,
        due_soon_at,
        due_at,
    )


async def pause_deadline(conn: asyncpg.Connection, deadline_id: int, at: datetime) -> None:
    await conn.execute("UPDATE case_deadlines SET paused_at = $2 WHERE id = $1", deadline_id, at)


async def move_deadline(
    conn: asyncpg.Connection, deadline_id: int, due_soon_at: datetime, due_at: datetime, *, extended: bool
) -> None:
    """Resume a paused step, or apply an approved extension: new due times; the warnings may fire again."""
    await conn.execute(
        """UPDATE case_deadlines SET paused_at = NULL, due_soon_at = $2, due_at = $3, extended = extended OR $4,
                  due_soon_emitted_at = CASE WHEN $2 > now() THEN NULL ELSE due_soon_emitted_at END,
                  overdue_emitted_at = CASE WHEN $3 > now() THEN NULL ELSE overdue_emitted_at END
           WHERE id = $1""",
        deadline_id,
        due_soon_at,
        due_at,
        extended,
    )


async def insert_event_returning(
    conn: asyncpg.Connection,
    case_id: UUID,
    *,
    kind: str,
    actor_id: UUID | None,
    public: bool,
    from_state: str | None,
    to_state: str | None,
    note: str,
    photo_ids: list[UUID],
    data: dict[str, Any],
) -> int:
    event_id: int = await conn.fetchval(
        """INSERT INTO case_events (case_id, kind, actor_id, public, from_state, to_state, note, photo_ids, data)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id""",
        case_id,
        kind,
        actor_id,
        public,
        from_state,
        to_state,
        note,
        photo_ids,
        data,
    )
    return event_id


async def last_event_data(conn: asyncpg.Connection, case_id: UUID, kind: str) -> dict[str, Any] | None:
    data: dict[str, Any] | None = await conn.fetchval(
        "SELECT data FROM case_events WHERE case_id = $1 AND kind = $2 ORDER BY id DESC LIMIT 1",
        case_id,
        kind,
    )
    return data


async def insert_outbox(conn: asyncpg.Connection, topic: str, payload: dict[str, Any]) -> None:
    await conn.execute("INSERT INTO outbox (topic, payload) VALUES ($1, $2)", topic, payload)


async def case_events(conn: asyncpg.Connection, case_id: UUID) -> list[Record]:
    return await conn.fetch(
        """SELECT id, at, kind, actor_id, from_state, to_state, note, photo_ids, public, data
           FROM case_events WHERE case_id = $1 ORDER BY id""",
        case_id,
    )


async def case_deadlines(conn: asyncpg.Connection, case_id: UUID) -> list[Record]:
    return await conn.fetch(
        """SELECT round, step, assignee_id, department_code, started_at, due_at, completed_at, outcome, paused_at,
                  extended
           FROM case_deadlines WHERE case_id = $1 ORDER BY id""",
        case_id,
    )


async def case_photo_ids(conn: asyncpg.Connection, case_id: UUID) -> list[UUID]:
    """Photos of a case: from its reports and from its events (verification, handling, checks)."""
    rows = await conn.fetch(
        """SELECT rp.photo_id FROM report_photos rp JOIN reports r ON r.id = rp.report_id WHERE r.case_id = $1
           UNION SELECT unnest(photo_ids) FROM case_events WHERE case_id = $1""",
        case_id,
    )
    return [r[0] for r in rows]


# queues, tasks and sync ---------------------------------------------------------------------------------------

_VISIBLE = """($1::boolean
    OR c.district_code = ANY($2::text[]) OR (cardinality($2::text[]) > 0 AND c.district_code IS NULL)
    OR c.department_code = ANY($3::text[])
    OR ($4::uuid IS NOT NULL AND (c.inspector_id = $4 OR c.responsibility_grid_id IN (
            SELECT d.responsibility_grid_id FROM inspector_duties d
            WHERE d.user_id = $4 AND d.starts_at <= now() AND (d.ends_at IS NULL OR d.ends_at > now())))))"""


def scope_args(scope: Any) -> tuple[bool, list[str], list[str], UUID | None]:
    return scope.everything, sorted(scope.districts), sorted(scope.departments), scope.inspector_id


async def list_cases(
    conn: asyncpg.Connection,
    scope: Any,
    *,
    state: str | None,
    department: str | None,
    grid_id: UUID | None,
    overdue: bool,
    due_soon: bool,
    after: tuple[datetime | None, UUID] | None,
    limit: int,
) -> list[Record]:
    """A staff queue. Ordered by deadline when asking for overdue or due-soon cases, else newest first."""
    by_deadline = overdue or due_soon
    order = "d.due_at ASC, c.id ASC" if by_deadline else "c.id DESC"
    if after is None:
        cursor_sql = "($11::timestamptz IS NULL AND $12::uuid IS NULL)"
    elif by_deadline:
        cursor_sql = "(d.due_at, c.id) > ($11::timestamptz, $12::uuid)"
    else:
        cursor_sql = "($11::timestamptz IS NULL AND c.id < $12::uuid)"
    return await conn.fetch(
        f"""SELECT {CASE_COLUMNS}, d.step, d.due_at, d.due_soon_at, d.paused_at, d.assignee_id
            FROM cases c LEFT JOIN case_deadlines d ON d.case_id = c.id AND d.completed_at IS NULL
            WHERE {_VISIBLE}
              AND ($5::text IS NULL OR c.state = $5) AND ($6::text IS NULL OR c.department_code = $6)
              AND ($7::uuid IS NULL OR c.responsibility_grid_id = $7 OR c.unit_grid_id = $7)
              AND (NOT $8 OR (d.due_at < now() AND d.paused_at IS NULL))
              AND (NOT $9 OR (d.due_soon_at <= now() AND d.due_at >= now() AND d.paused_at IS NULL))
              AND {cursor_sql}
            ORDER BY {order} LIMIT $10""",
        *scope_args(scope),
        state,
        department,
        grid_id,
        overdue,
        due_soon,
        limit,
        after[0] if after else None,
        after[1] if after else None,
    )


async def department_deadline_queue(
    conn: asyncpg.Connection,
    departments: list[str],
    *,
    state: str | None,
    overdue: bool,
    due_soon: bool,
    after: tuple[datetime | None, UUID] | None,
    limit: int,
) -> list[Record]:
    """A department's overdue or due-soon queue, read from its own open steps in deadline order
    (index case_deadlines_open_department): the same rows and cursor as list_cases, without scanning the city."""
    return await conn.fetch(
        f"""SELECT {CASE_COLUMNS}, d.step, d.due_at, d.due_soon_at, d.paused_at, d.assignee_id
            FROM case_deadlines d JOIN cases c ON c.id = d.case_id
            WHERE d.completed_at IS NULL AND d.paused_at IS NULL
              AND d.department_code = ANY($1::text[]) AND c.department_code = d.department_code
              AND (NOT $2 OR d.due_at < now())
              AND (NOT $3 OR (d.due_soon_at <= now() AND d.due_at >= now()))
              AND ($4::text IS NULL OR c.state = $4)
              AND ($5::timestamptz IS NULL OR (d.due_at, d.case_id) > ($5, $6::uuid))
            ORDER BY d.due_at, d.case_id LIMIT $7""",
        departments,
        overdue,
        due_soon,
        state,
        after[0] if after else None,
        after[1] if after else None,
        limit,
    )


async def case_visible(conn: asyncpg.Connection, scope: Any, case_id: UUID) -> bool:
    found: bool = await conn.fetchval(
        f"SELECT EXISTS (SELECT 1 FROM cases c WHERE c.id = $5 AND {_VISIBLE})", *scope_args(scope), case_id
    )
    return found


async def inspector_tasks(
    conn: asyncpg.Connection, inspector_id: UUID, lat: float | None, lon: float | None
) -> list[Record]:
    """Open verification and check tasks of an inspector: by deadline, then by distance from (lat, lon)."""
    return await conn.fetch(
        f"""SELECT {CASE_COLUMNS}, d.id AS task_id, d.step, d.due_at, d.due_soon_at, d.started_at, d.paused_at,
                   d.assignee_id,
                   CASE WHEN $2::float8 IS NULL THEN NULL
                        ELSE ST_Distance(c.location::geography, ST_SetSRID(ST_MakePoint($3, $2), 4326)::geography)
                   END AS distance_m
            FROM case_deadlines d JOIN cases c ON c.id = d.case_id
            WHERE d.assignee_id = $1 AND d.completed_at IS NULL AND d.step IN ('verify', 'check')
            ORDER BY d.due_at, distance_m NULLS LAST, d.id""",
        inspector_id,
        lat,
        lon,
    )


async def cases_changed_since(
    conn: asyncpg.Connection, scope: Any, since: datetime, limit: int
) -> list[Record]:
    return await conn.fetch(
        f"""SELECT {CASE_COLUMNS}, d.step, d.due_at, d.due_soon_at, d.paused_at, d.assignee_id
            FROM cases c LEFT JOIN case_deadlines d ON d.case_id = c.id AND d.completed_at IS NULL
            WHERE {_VISIBLE} AND c.updated_at > $5
            ORDER BY c.updated_at, c.id LIMIT $6""",
        *scope_args(scope),
        since,
        limit,
    )


async def tasks_closed_since(conn: asyncpg.Connection, user_id: UUID, since: datetime) -> list[Record]:
    return await conn.fetch(
        "SELECT id, case_id FROM case_deadlines WHERE assignee_id = $1 AND completed_at > $2", user_id, since
    )


async def cases_moved_away_since(
    conn: asyncpg.Connection, departments: list[str], since: datetime
) -> list[UUID]:
    rows = await conn.fetch(
        """SELECT DISTINCT e.case_id FROM case_events e JOIN cases c ON c.id = e.case_id
           WHERE e.at > $2 AND e.kind IN ('reassign', 'return') AND e.data->>'from_department' = ANY($1::text[])
             AND c.department_code IS DISTINCT FROM e.data->>'from_department'""",
        departments,
        since,
    )
    return [r[0] for r in rows]


async def case_reports(conn: asyncpg.Connection, case_id: UUID) -> list[Record]:
    return await conn.fetch(
        "SELECT id, number, reporter_id, created_at, hidden_at FROM reports WHERE case_id = $1 ORDER BY created_at",
        case_id,
    )


async def db_now(conn: asyncpg.Connection) -> datetime:
    now: datetime = await conn.fetchval("SELECT now()")
    return now


# ratings ------------------------------------------------------------------------------------------------------


async def insert_rating(
    conn: asyncpg.Connection,
    case_id: UUID,
    round_: int,
    user_id: UUID,
    fixed: bool,
    score: int | None,
    comment: str,
) -> bool:
    status = await conn.execute(
        """INSERT INTO case_ratings (case_id, round, user_id, fixed, score, comment) VALUES ($1, $2, $3, $4, $5, $6)
           ON CONFLICT DO NOTHING""",
        case_id,
        round_,
        user_id,
        fixed,
        score,
        comment,
    )
    return bool(status == "INSERT 0 1")


async def open_deadline_readonly(conn: asyncpg.Connection, case_id: UUID) -> Record | None:
    return await conn.fetchrow(
        "SELECT * FROM case_deadlines WHERE case_id = $1 AND completed_at IS NULL", case_id
    )


async def claim_due_soon(conn: asyncpg.Connection, limit: int) -> list[Record]:
    """Open, running steps past 80 % of their time and not yet late, marked as warned, for this worker only."""
    return await conn.fetch(
        """WITH due AS (
               SELECT id FROM case_deadlines
               WHERE completed_at IS NULL AND paused_at IS NULL AND due_soon_emitted_at IS NULL
                 AND due_soon_at <= now() AND due_at > now()
               ORDER BY due_soon_at LIMIT $1 FOR UPDATE SKIP LOCKED)
           UPDATE case_deadlines d SET due_soon_emitted_at = now() FROM due WHERE d.id = due.id
           RETURNING d.id, d.case_id, d.round, d.step, d.due_at, d.assignee_id, d.department_code""",
        limit,
    )


async def claim_overdue(conn: asyncpg.Connection, limit: int) -> list[Record]:
    """Open, running steps past their deadline, marked as reported late (and as warned), for this worker only."""
    return await conn.fetch(
        """WITH due AS (
               SELECT id FROM case_deadlines
               WHERE completed_at IS NULL AND paused_at IS NULL AND overdue_emitted_at IS NULL AND due_at <= now()
               ORDER BY due_at LIMIT $1 FOR UPDATE SKIP LOCKED)
           UPDATE case_deadlines d SET overdue_emitted_at = now(), due_soon_emitted_at = coalesce(due_soon_emitted_at, now())
           FROM due WHERE d.id = due.id
           RETURNING d.id, d.case_id, d.round, d.step, d.due_at, d.assignee_id, d.department_code""",
        limit,
    )


async def get_case_with_step(conn: asyncpg.Connection, case_id: UUID) -> Record | None:
    """A case with its open step (if any), as queues show it."""
    return await conn.fetchrow(
        f"""SELECT {CASE_COLUMNS}, d.step, d.due_at, d.due_soon_at, d.paused_at, d.assignee_id
            FROM cases c LEFT JOIN case_deadlines d ON d.case_id = c.id AND d.completed_at IS NULL
            WHERE c.id = $1""",
        case_id,
    )
