"""Every SQL statement of the credit evaluation (housing/credit.py), and nothing else: the estates in scope with
their company and homes for a month, the month's counts per estate, residents, and the scheme."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from uuid import UUID

import asyncpg

# An estate's company for the month: the company of the latest service-contract filing accepted before the cut-off
# (state accepted, or superseded since: it was accepted) whose term meets the month; else the estate's page.
# filed: the terms of such filings (each [term_start, term_end], whole days) together cover every day of the month.
# homes: the estate's homes made before the cut-off.
_ESTATES = """
SELECT e.id, e.name, e.district_code,
       coalesce((SELECT f.company FROM estate_filings f
                 WHERE f.estate_id = e.id AND f.kind = 'service_contract'
                   AND f.state IN ('accepted', 'superseded') AND f.decided_at < $3
                   AND f.term_start <= $2 AND f.term_end >= $1
                 ORDER BY f.version DESC LIMIT 1), e.property_company) AS company,
       (SELECT count(*) FROM homes h WHERE h.estate_id = e.id AND h.created_at < $3) AS homes,
       coalesce((SELECT range_agg(daterange(f.term_start, f.term_end, '[]')) FROM estate_filings f
                 WHERE f.estate_id = e.id AND f.kind = 'service_contract'
                   AND f.state IN ('accepted', 'superseded') AND f.decided_at < $3)
                @> daterange($1, $2, '[]'), false) AS filed
FROM estates e
WHERE {where}
ORDER BY e.id
"""


async def estates_for_month(
    conn: asyncpg.Connection,
    first: date,
    last: date,
    cutoff: datetime,
    *,
    estate_id: UUID | None = None,
    districts: list[str] | None = None,
) -> list[asyncpg.Record]:
    """One estate (estate_id), the estates of some districts, or every estate (neither), with their month's
    company, homes and filing cover."""
    args: list[object] = []
    if estate_id is not None:
        sql, args = _ESTATES.format(where="e.id = $4"), [estate_id]
    elif districts is not None:
        sql, args = _ESTATES.format(where="e.district_code = ANY($4::text[])"), [districts]
    else:
        sql, args = _ESTATES.format(where="true"), []
    rows: list[asyncpg.Record] = await conn.fetch(sql, first, last, cutoff, *args)
    return rows


async def complaint_counts(
    conn: asyncpg.Connection, estate_ids: list[UUID], start: datetime, cutoff: datetime
) -> dict[UUID, int]:
    """Complaints reported in [start, cutoff), per estate."""
    rows = await conn.fetch(
        """SELECT estate_id, count(*) AS n FROM repairs
           WHERE kind = 'complaint' AND created_at >= $2 AND created_at < $3 AND estate_id = ANY($1::uuid[])
           GROUP BY 1""",
        estate_ids,
        start,
        cutoff,
    )
    return {r["estate_id"]: r["n"] for r in rows}


async def escalation_counts(
    conn: asyncpg.Connection, estate_ids: list[UUID], start: datetime, cutoff: datetime
) -> dict[UUID, int]:
    """Complaints escalated to the housing officer (督办) in [start, cutoff), per estate (a repair is escalated at
    most once: a supervised matter ends closed)."""
    rows = await conn.fetch(
        """SELECT estate_id, count(*) AS n FROM repairs
           WHERE kind = 'complaint' AND escalated_at >= $2 AND escalated_at < $3 AND estate_id = ANY($1::uuid[])
           GROUP BY 1""",
        estate_ids,
        start,
        cutoff,
    )
    return {r["estate_id"]: r["n"] for r in rows}


async def step_counts(
    conn: asyncpg.Connection, estate_ids: list[UUID], start: datetime, cutoff: datetime, done: list[str]
) -> dict[UUID, tuple[int, int]]:
    """Per estate: (steps due in [start, cutoff) that ended with their own job or are open, of those done by their
    due time). `done`: the step:outcome pairs that end a step with its job done."""
    rows = await conn.fetch(
        """SELECT r.estate_id, count(*) AS due, count(*) FILTER (WHERE d.completed_at <= d.due_at) AS on_time
           FROM repair_deadlines d
           JOIN repairs r ON r.id = d.repair_id
           WHERE d.due_at >= $2 AND d.due_at < $3 AND r.estate_id = ANY($1::uuid[])
             AND d.paused_at IS NULL AND d.step <> 'supervise'  -- the housing officer's step, not the company's
             AND (d.outcome IS NULL OR d.step || ':' || d.outcome = ANY($4::text[]))
           GROUP BY 1""",
        estate_ids,
        start,
        cutoff,
        done,
    )
    return {r["estate_id"]: (r["due"], r["on_time"]) for r in rows}


async def rating_counts(
    conn: asyncpg.Connection, estate_ids: list[UUID], start: datetime, cutoff: datetime
) -> dict[UUID, tuple[int, int]]:
    """Per estate: (ratings given in [start, cutoff), of those 4 or 5)."""
    rows = await conn.fetch(
        """SELECT estate_id, count(*) AS rated, count(*) FILTER (WHERE rating >= 4) AS good FROM repairs
           WHERE rated_at >= $2 AND rated_at < $3 AND rating IS NOT NULL AND estate_id = ANY($1::uuid[])
           GROUP BY 1""",
        estate_ids,
        start,
        cutoff,
    )
    return {r["estate_id"]: (r["rated"], r["good"]) for r in rows}


async def lives_in(conn: asyncpg.Connection, estate_id: UUID, user_id: UUID) -> bool:
    """True when the user is bound now (active) to a home of the estate."""
    found: bool = await conn.fetchval(
        "SELECT EXISTS (SELECT 1 FROM home_bindings WHERE estate_id = $1 AND user_id = $2 AND state = 'active')",
        estate_id,
        user_id,
    )
    return found


_SCHEME_COLUMNS = (
    "complaints_weight, escalations_weight, on_time_weight, satisfaction_weight, filing_weight, complaints_cap, "
    "grade_a, grade_b, grade_c, grade_d, updated_by, updated_at"
)


async def scheme(conn: asyncpg.Connection, *, lock: bool = False) -> asyncpg.Record:
    """The scheme's one row (FOR UPDATE: held until the transaction ends)."""
    row = await conn.fetchrow(
        f"SELECT {_SCHEME_COLUMNS} FROM credit_scheme WHERE id" + (" FOR UPDATE" if lock else "")
    )
    assert row is not None, "migration 0023 seeds the scheme's row"
    return row


async def update_scheme(
    conn: asyncpg.Connection, values: Mapping[str, Decimal], actor_id: UUID | None
) -> asyncpg.Record:
    row = await conn.fetchrow(
        f"""UPDATE credit_scheme
            SET complaints_weight = $1, escalations_weight = $2, on_time_weight = $3, satisfaction_weight = $4,
                filing_weight = $5, complaints_cap = $6, grade_a = $7, grade_b = $8, grade_c = $9, grade_d = $10,
                updated_by = $11, updated_at = now()
            WHERE id
            RETURNING {_SCHEME_COLUMNS}""",
        values["complaints_weight"],
        values["escalations_weight"],
        values["on_time_weight"],
        values["satisfaction_weight"],
        values["filing_weight"],
        values["complaints_cap"],
        values["grade_a"],
        values["grade_b"],
        values["grade_c"],
        values["grade_d"],
        actor_id,
    )
    assert row is not None, "migration 0023 seeds the scheme's row"
    return row
