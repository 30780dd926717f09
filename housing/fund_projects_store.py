"""SQL of the maintenance fund's repair projects (housing/fund_projects.py): projects, their guarded state changes,
the apportionment among the homes, the listings."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg

Record = asyncpg.Record

_COLUMNS = """p.id, p.estate_id, p.title, p.description, p.scope_building_ids, p.budget_fen, p.contractor, p.quotes,
    p.photo_ids, p.emergency, p.emergency_kind, p.state, p.version, p.raised_by, p.created_at, p.matter_id,
    p.approved_at, p.approved_by, p.disbursed_fen, p.spend_entry_id, p.publish_due_at, p.published_at,
    p.announcement_id,
    p.accepted_at, p.acceptance_photo_ids, p.acceptance_note, p.settled_at, p.actual_cost_fen, p.return_entry_id,
    e.district_code, e.name AS estate_name"""


async def insert_project(conn: asyncpg.Connection, values: dict[str, Any]) -> UUID:
    project_id: UUID = await conn.fetchval(
        """INSERT INTO fund_projects (estate_id, title, description, scope_building_ids, budget_fen, contractor,
                                      quotes, photo_ids, emergency, emergency_kind, raised_by)
           VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, $9, $10, $11) RETURNING id""",
        values["estate_id"],
        values["title"],
        values["description"],
        values["scope_building_ids"],
        values["budget_fen"],
        values["contractor"],
        values["quotes"],
        values["photo_ids"],
        values["emergency"],
        values["emergency_kind"],
        values["raised_by"],
    )
    return project_id


async def get_project(conn: asyncpg.Connection, project_id: UUID, *, lock: bool = False) -> Record | None:
    row: Record | None = await conn.fetchrow(
        f"""SELECT {_COLUMNS}, now() AS now FROM fund_projects p JOIN estates e ON e.id = p.estate_id
            WHERE p.id = $1 {"FOR UPDATE OF p" if lock else ""}""",
        project_id,
    )
    return row


async def list_projects(
    conn: asyncpg.Connection, estate_id: UUID, after: tuple[datetime, UUID] | None, limit: int
) -> list[Record]:
    rows: list[Record] = await conn.fetch(
        f"""SELECT {_COLUMNS} FROM fund_projects p JOIN estates e ON e.id = p.estate_id
            WHERE p.estate_id = $1 AND ($2::timestamptz IS NULL OR (p.created_at, p.id) < ($2, $3::uuid))
            ORDER BY p.created_at DESC, p.id DESC LIMIT $4""",
        estate_id,
        after[0] if after else None,
        after[1] if after else None,
        limit,
    )
    return rows


async def overdue_publications(
    conn: asyncpg.Connection, districts: Sequence[str] | None, after: tuple[datetime, UUID] | None, limit: int
) -> list[Record]:
    """Emergency projects approved and not published to the owners by their due time, oldest due first."""
    rows: list[Record] = await conn.fetch(
        f"""SELECT {_COLUMNS} FROM fund_projects p JOIN estates e ON e.id = p.estate_id
            WHERE p.published_at IS NULL AND p.publish_due_at IS NOT NULL AND p.publish_due_at < now()
              AND ($1::text[] IS NULL OR e.district_code = ANY($1::text[]))
              AND ($2::timestamptz IS NULL OR (p.publish_due_at, p.id) > ($2, $3::uuid))
            ORDER BY p.publish_due_at, p.id LIMIT $4""",
        list(districts) if districts is not None else None,
        after[0] if after else None,
        after[1] if after else None,
        limit,
    )
    return rows


async def link_matter(conn: asyncpg.Connection, project_id: UUID, version: int, matter_id: UUID) -> bool:
    done: bool = (
        await conn.fetchval(
            """UPDATE fund_projects SET state = 'voting', matter_id = $3, version = version + 1
           WHERE id = $1 AND version = $2 AND state = 'raised' AND NOT emergency RETURNING true""",
            project_id,
            version,
            matter_id,
        )
        or False
    )
    return done


async def matter_state(conn: asyncpg.Connection, matter_id: UUID) -> str | None:
    state: str | None = await conn.fetchval("SELECT state FROM vote_matters WHERE id = $1", matter_id)
    return state


async def homes_in_scope(
    conn: asyncpg.Connection, estate_id: UUID, building_ids: Sequence[UUID]
) -> list[Record]:
    """The homes in scope that hold a fund share, with their counted area, by home id."""
    rows: list[Record] = await conn.fetch(
        """SELECT f.home_id, h.area_counted AS area FROM fund_homes f JOIN homes h ON h.id = f.home_id
           WHERE f.estate_id = $1 AND (cardinality($2::uuid[]) = 0 OR h.building_id = ANY($2::uuid[]))
             AND h.area_counted > 0
           ORDER BY f.home_id""",
        estate_id,
        list(building_ids),
    )
    return rows


async def set_approved(
    conn: asyncpg.Connection,
    project_id: UUID,
    version: int,
    state: str,
    actor_id: UUID,
    disbursed: int,
    entry_id: int,
    publish_days: int | None,
) -> bool:
    done: bool = (
        await conn.fetchval(
            """UPDATE fund_projects SET state = 'approved', approved_at = now(), approved_by = $4, disbursed_fen = $5,
                  spend_entry_id = $6, version = version + 1,
                  publish_due_at = CASE WHEN $7::int IS NULL THEN NULL ELSE now() + make_interval(days => $7) END
           WHERE id = $1 AND version = $2 AND state = $3 RETURNING true""",
            project_id,
            version,
            state,
            actor_id,
            disbursed,
            entry_id,
            publish_days,
        )
        or False
    )
    return done


async def insert_homes(
    conn: asyncpg.Connection,
    project_id: UUID,
    homes: Sequence[UUID],
    areas: Sequence[int],
    spent: Sequence[int],
) -> None:
    await conn.execute(
        """INSERT INTO fund_project_homes (project_id, home_id, area, spent_fen)
           SELECT $1, u.home_id, u.area, u.spent FROM unnest($2::uuid[], $3::bigint[], $4::bigint[])
                  AS u(home_id, area, spent)""",
        project_id,
        list(homes),
        list(areas),
        list(spent),
    )


async def project_homes(
    conn: asyncpg.Connection, project_id: UUID, homes: Sequence[UUID] | None
) -> list[Record]:
    rows: list[Record] = await conn.fetch(
        """SELECT ph.home_id, ph.area, ph.spent_fen, ph.returned_fen, g.name AS building, h.entrance, h.room
           FROM fund_project_homes ph JOIN homes h ON h.id = ph.home_id JOIN buildings g ON g.id = h.building_id
           WHERE ph.project_id = $1 AND ($2::uuid[] IS NULL OR ph.home_id = ANY($2::uuid[]))
           ORDER BY g.name, h.entrance, h.floor, h.room, ph.home_id""",
        project_id,
        list(homes) if homes is not None else None,
    )
    return rows


async def owned_homes(conn: asyncpg.Connection, user_id: UUID, estate_id: UUID) -> list[UUID]:
    rows = await conn.fetch(
        """SELECT home_id FROM home_bindings WHERE user_id = $1 AND estate_id = $2 AND state = 'active'
           AND relation = 'owner'""",
        user_id,
        estate_id,
    )
    return [r["home_id"] for r in rows]


async def set_published(
    conn: asyncpg.Connection, project_id: UUID, version: int, actor_id: UUID, announcement_id: UUID
) -> bool:
    done: bool = (
        await conn.fetchval(
            """UPDATE fund_projects SET published_at = now(), published_by = $3, announcement_id = $4,
                  version = version + 1
           WHERE id = $1 AND version = $2 AND emergency AND approved_at IS NOT NULL AND published_at IS NULL
           RETURNING true""",
            project_id,
            version,
            actor_id,
            announcement_id,
        )
        or False
    )
    return done


async def set_accepted(
    conn: asyncpg.Connection,
    project_id: UUID,
    version: int,
    actor_id: UUID,
    photos: Sequence[UUID],
    note: str,
) -> bool:
    done: bool = (
        await conn.fetchval(
            """UPDATE fund_projects SET state = 'accepted', accepted_at = now(), accepted_by = $3,
                  acceptance_photo_ids = $4, acceptance_note = $5, version = version + 1
           WHERE id = $1 AND version = $2 AND state = 'approved' RETURNING true""",
            project_id,
            version,
            actor_id,
            list(photos),
            note,
        )
        or False
    )
    return done


async def set_settled(
    conn: asyncpg.Connection,
    project_id: UUID,
    version: int,
    actor_id: UUID,
    actual: int,
    entry_id: int | None,
) -> bool:
    done: bool = (
        await conn.fetchval(
            """UPDATE fund_projects SET state = 'settled', settled_at = now(), settled_by = $3, actual_cost_fen = $4,
                  return_entry_id = $5, version = version + 1
           WHERE id = $1 AND version = $2 AND state = 'accepted' RETURNING true""",
            project_id,
            version,
            actor_id,
            actual,
            entry_id,
        )
        or False
    )
    return done


async def set_returned(
    conn: asyncpg.Connection, project_id: UUID, homes: Sequence[UUID], returned: Sequence[int]
) -> None:
    await conn.execute(
        """UPDATE fund_project_homes ph SET returned_fen = u.returned
           FROM unnest($2::uuid[], $3::bigint[]) AS u(home_id, returned)
           WHERE ph.project_id = $1 AND ph.home_id = u.home_id""",
        project_id,
        list(homes),
        list(returned),
    )
