"""Every SQL statement the fan-out (notifications/fanout.py) reads to plan a message: what it shows of its subject
(a case, a home, an announcement, a vote, a repair) and who is told. The cases' side reads the case workflow's views
(migration 0018); the housing side reads homes, bindings and the notices' rows. (notifications/store.py holds the
rest: devices, the inbox, the outbox and the deliveries.)"""

from __future__ import annotations

from uuid import UUID

import asyncpg

Record = asyncpg.Record


# who is told: the case and the people around it (the case workflow's views, migration 0018) -----------------


async def case_context(conn: asyncpg.Connection, case_id: UUID) -> Record | None:
    """A case with what messages show: category and department names, a report number, the open step."""
    return await conn.fetchrow(
        "SELECT * FROM case_notice_context WHERE id = $1",
        case_id,
    )


async def department_names(conn: asyncpg.Connection, code: str) -> Record | None:
    return await conn.fetchrow(
        "SELECT name_zh AS department_zh, name_en AS department_en FROM departments WHERE code = $1", code
    )


async def event_actor(conn: asyncpg.Connection, event_id: int) -> UUID | None:
    actor: UUID | None = await conn.fetchval("SELECT actor_id FROM case_changes WHERE id = $1", event_id)
    return actor


async def reporters(conn: asyncpg.Connection, case_id: UUID) -> list[Record]:
    """Each reporter of a case once, with their own (first) report; moderated-out reports are left out."""
    return await conn.fetch(
        """SELECT user_id, report_id, number FROM case_watchers
           WHERE case_id = $1 AND relation = 'reporter' ORDER BY user_id""",
        case_id,
    )


async def followers(conn: asyncpg.Connection, case_id: UUID) -> list[UUID]:
    rows = await conn.fetch(
        "SELECT user_id FROM case_watchers WHERE case_id = $1 AND relation = 'follower'",
        case_id,
    )
    return [r["user_id"] for r in rows]


async def scoped_users(conn: asyncpg.Connection, role: str, scope_kind: str, scope_id: str) -> list[UUID]:
    """Users holding `role` scoped to exactly this district or department (unscoped holders are not told of
    every case in the city)."""
    rows = await conn.fetch(
        """SELECT DISTINCT r.user_id FROM user_roles r JOIN users u ON u.id = r.user_id
           WHERE r.role = $1::user_role AND r.scope_kind = $2::scope_kind AND r.scope_id = $3
             AND u.disabled_at IS NULL""",
        role,
        scope_kind,
        scope_id,
    )
    return [r["user_id"] for r in rows]


async def enabled_users(conn: asyncpg.Connection, ids: list[UUID]) -> set[UUID]:
    rows = await conn.fetch("SELECT id FROM users WHERE id = ANY($1::uuid[]) AND disabled_at IS NULL", ids)
    return {r["id"] for r in rows}


# who is told of a housing notice: the home and the people bound to it ------------------------------------------


async def home_context(conn: asyncpg.Connection, home_id: UUID) -> Record | None:
    """A home with what housing notices show: its estate's name, its building, entrance and room."""
    return await conn.fetchrow(
        """SELECT h.id, h.estate_id, e.name AS estate, b.name AS building, h.entrance, h.room
           FROM homes h JOIN buildings b ON b.id = h.building_id JOIN estates e ON e.id = h.estate_id
           WHERE h.id = $1""",
        home_id,
    )


async def home_residents(
    conn: asyncpg.Connection, home_id: UUID, relations: list[str], users: list[UUID] | None
) -> list[UUID]:
    """The users bound to a home now (an active binding of one of `relations`), not disabled; of `users` only,
    when given (people named by an outbox row who have moved out since are not told)."""
    rows = await conn.fetch(
        """SELECT DISTINCT hb.user_id FROM home_bindings hb JOIN users u ON u.id = hb.user_id
           WHERE hb.home_id = $1 AND hb.state = 'active' AND hb.relation = ANY($2::text[])
             AND u.disabled_at IS NULL AND ($3::uuid[] IS NULL OR hb.user_id = ANY($3::uuid[]))
           ORDER BY hb.user_id""",
        home_id,
        relations,
        users,
    )
    return [r["user_id"] for r in rows]


async def announcement_context(conn: asyncpg.Connection, announcement_id: UUID) -> Record | None:
    """An estate announcement with what its notice shows (the estate's name, its title) and whom it is for."""
    return await conn.fetchrow(
        """SELECT a.estate_id, a.building_ids, a.title, a.state, a.publisher_id, e.name AS estate
           FROM estate_announcements a JOIN estates e ON e.id = a.estate_id WHERE a.id = $1""",
        announcement_id,
    )


async def estate_residents(
    conn: asyncpg.Connection, estate_id: UUID, building_ids: list[UUID] | None
) -> list[UUID]:
    """The users bound now (an active binding of any relation) to a home of the estate, of these buildings when
    given; not disabled."""
    rows = await conn.fetch(
        """SELECT DISTINCT hb.user_id FROM home_bindings hb JOIN homes h ON h.id = hb.home_id
           JOIN users u ON u.id = hb.user_id
           WHERE hb.estate_id = $1 AND hb.state = 'active' AND u.disabled_at IS NULL
             AND ($2::uuid[] IS NULL OR h.building_id = ANY($2::uuid[]))
           ORDER BY hb.user_id""",
        estate_id,
        building_ids,
    )
    return [r["user_id"] for r in rows]


async def vote_context(conn: asyncpg.Connection, matter_id: UUID) -> Record | None:
    """An owners' assembly matter with what its notices show (the estate's name, its title, its window, whether
    its published result passed: null before)."""
    return await conn.fetchrow(
        """SELECT m.estate_id, m.title, m.state, m.opens_at, m.closes_at, e.name AS estate,
                  (r.tally ->> 'passed')::boolean AS passed
           FROM vote_matters m JOIN estates e ON e.id = m.estate_id
           LEFT JOIN vote_results r ON r.matter_id = m.id
           WHERE m.id = $1""",
        matter_id,
    )


async def vote_owners(conn: asyncpg.Connection, matter_id: UUID) -> list[UUID]:
    """The users bound now as owners (an active owner binding) to a home on the matter's frozen roll; not
    disabled."""
    rows = await conn.fetch(
        """SELECT DISTINCT hb.user_id FROM vote_roll_homes h JOIN home_bindings hb ON hb.home_id = h.home_id
           JOIN users u ON u.id = hb.user_id
           WHERE h.matter_id = $1 AND hb.state = 'active' AND hb.relation = 'owner' AND u.disabled_at IS NULL
           ORDER BY hb.user_id""",
        matter_id,
    )
    return [r["user_id"] for r in rows]


# who is told of a repair's transition (housing/repairs_workflow.py): its reporter and its assignee ----------------


async def repair_context(
    conn: asyncpg.Connection, repair_id: UUID, round_: int, event_id: int
) -> Record | None:
    """A repair with what its messages show: the estate's name, the home's building, entrance and room (a home
    repair) or the building's name (a common repair or complaint naming one), its reporter and assignee, the
    due time of the handle step of the round (null before it is assigned) and who took the event's action."""
    return await conn.fetchrow(
        """SELECT r.id, r.estate_id, r.kind, r.urgency, r.reporter_id, r.assignee_id, r.state, r.rating,
                  e.name AS estate, e.district_code, COALESCE(hb.name, b.name) AS building, h.entrance, h.room,
                  (SELECT d.due_at FROM repair_deadlines d
                   WHERE d.repair_id = r.id AND d.round = $2 AND d.step = 'handle'
                   ORDER BY d.id DESC LIMIT 1) AS handle_due_at,
                  (SELECT ev.actor_id FROM repair_events ev WHERE ev.id = $3 AND ev.repair_id = r.id) AS actor_id
           FROM repairs r JOIN estates e ON e.id = r.estate_id
           LEFT JOIN homes h ON h.id = r.home_id LEFT JOIN buildings hb ON hb.id = h.building_id
           LEFT JOIN buildings b ON b.id = r.building_id
           WHERE r.id = $1""",
        repair_id,
        round_,
        event_id,
    )
