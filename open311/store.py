"""Every SQL statement of the Open311 layer, and nothing else: applications and their hashed keys, the requests
they submitted (token, retry fingerprint, private contact fields), and the public view of reports
(case_public_reports, migration 0026), which carries no reporter."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg

Record = asyncpg.Record

_APPLICATION = """SELECT id, name, contact, key_prefix, user_id, requests_per_hour, reports_per_day, created_at,
                         revoked_at FROM open311_applications"""


async def insert_application(
    conn: asyncpg.Connection,
    *,
    name: str,
    contact: str,
    user_id: UUID,
    key_hash: str,
    key_prefix: str,
    requests_per_hour: int,
    reports_per_day: int,
    created_by: UUID | None,
) -> Record:
    row: Record | None = await conn.fetchrow(
        """INSERT INTO open311_applications (name, contact, user_id, key_hash, key_prefix, requests_per_hour,
                                             reports_per_day, created_by)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
           RETURNING id, name, contact, key_prefix, user_id, requests_per_hour, reports_per_day, created_at,
                     revoked_at""",
        name,
        contact,
        user_id,
        key_hash,
        key_prefix,
        requests_per_hour,
        reports_per_day,
        created_by,
    )
    assert row is not None
    return row


async def application(conn: asyncpg.Connection, application_id: UUID) -> Record | None:
    return await conn.fetchrow(_APPLICATION + " WHERE id = $1", application_id)


async def application_by_key_hash(conn: asyncpg.Connection, key_hash: str) -> Record | None:
    """The application holding this key, revoked or not."""
    return await conn.fetchrow(_APPLICATION + " WHERE key_hash = $1", key_hash)


async def applications(conn: asyncpg.Connection, after: UUID | None, limit: int) -> list[Record]:
    return list(
        await conn.fetch(
            _APPLICATION + " WHERE ($1::uuid IS NULL OR id > $1) ORDER BY id LIMIT $2", after, limit
        )
    )


async def revoke_application(conn: asyncpg.Connection, application_id: UUID) -> bool:
    """True when this revoked it now (a revoked key keeps its first date)."""
    status = await conn.execute(
        "UPDATE open311_applications SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL",
        application_id,
    )
    return bool(status == "UPDATE 1")


# submissions ------------------------------------------------------------------------------------------------------


async def lock_fingerprint(conn: asyncpg.Connection, application_id: UUID, body_hash: str) -> None:
    """Serialise twin submissions (the same application and form at once) until the transaction ends."""
    await conn.execute(
        "SELECT pg_advisory_xact_lock(hashtextextended($1, 311))", f"{application_id}:{body_hash}"
    )


async def recent_submission(
    conn: asyncpg.Connection, application_id: UUID, body_hash: str, window_s: int
) -> Record | None:
    return await conn.fetchrow(
        """SELECT s.token, r.number FROM open311_submissions s JOIN reports r ON r.id = s.report_id
           WHERE s.application_id = $1 AND s.body_hash = $2
             AND s.created_at > now() - make_interval(secs => $3)
           ORDER BY s.created_at DESC LIMIT 1""",
        application_id,
        body_hash,
        float(window_s),
    )


async def insert_submission(conn: asyncpg.Connection, **fields: Any) -> None:
    await conn.execute(
        """INSERT INTO open311_submissions (application_id, token, body_hash, report_id, email, first_name,
                                            last_name, phone, device_id, account_id)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)""",
        fields["application_id"],
        fields["token"],
        fields["body_hash"],
        fields["report_id"],
        fields["email"],
        fields["first_name"],
        fields["last_name"],
        fields["phone"],
        fields["device_id"],
        fields["account_id"],
    )


async def token(conn: asyncpg.Connection, value: str) -> Record | None:
    """A token and the number of its report, when the report is one the public may see."""
    return await conn.fetchrow(
        """SELECT s.token, v.number FROM open311_submissions s
           JOIN case_public_reports v ON v.report_id = s.report_id WHERE s.token = $1""",
        value,
    )


# the public view --------------------------------------------------------------------------------------------------

#: times to the second and positions to 7 decimals (about a centimetre), as GeoReport answers give them
_PUBLIC = """SELECT v.number, v.category_code, v.description, v.address, round(v.lat::numeric, 7)::float8 AS lat,
                    round(v.lon::numeric, 7)::float8 AS lon, date_trunc('second', v.created_at) AS created_at,
                    v.state, date_trunc('second', v.updated_at) AS updated_at, v.department_zh, v.status_note,
                    date_trunc('second', v.due_at) AS due_at, v.photo_id
             FROM case_public_reports v"""


async def public_requests(
    conn: asyncpg.Connection,
    *,
    categories: list[str] | None,
    start: datetime,
    end: datetime,
    finished_states: tuple[str, ...],
    finished: bool | None,
    limit: int,
) -> list[Record]:
    """Public reports requested within [start, end), newest first; of these categories, and open (finished False)
    or closed (finished True) when given."""
    # One statement per shape of the category filter. One category (what clients send) is an equality, so that
    # reports_public_by_category yields its rows newest first; `$3 IS NULL OR ... = ANY($3)` walked the newest
    # reports of every category and filtered them (42,000 rows for 1,000 at a million cases: bench/open311.py).
    if categories is None:
        category = "$3::text[] IS NULL"
    elif len(categories) == 1:
        category = "v.category_code = ($3::text[])[1]"
    else:
        category = "v.category_code = ANY($3::text[])"
    return list(
        await conn.fetch(
            _PUBLIC
            + f""" WHERE v.created_at >= $1 AND v.created_at < $2
                    AND {category}
                    AND ($4::boolean IS NULL OR (v.state = ANY($5::text[])) = $4)
                  ORDER BY v.created_at DESC, v.report_id DESC LIMIT $6""",
            start,
            end,
            categories,
            finished,
            list(finished_states),
            limit,
        )
    )


async def public_requests_by_number(conn: asyncpg.Connection, numbers: list[str]) -> list[Record]:
    """The public ones among these report numbers, newest first."""
    return list(
        await conn.fetch(
            _PUBLIC + " WHERE v.number = ANY($1::text[]) ORDER BY v.created_at DESC, v.report_id DESC",
            numbers,
        )
    )


async def public_request(conn: asyncpg.Connection, number: str) -> Record | None:
    return await conn.fetchrow(_PUBLIC + " WHERE v.number = $1", number)
