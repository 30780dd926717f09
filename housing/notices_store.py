"""Every SQL statement of estate announcements (公告) and filings (备案) (migration 0020)."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

import asyncpg

# the estate and the caller's place in it ------------------------------------------------------------------------


async def estate_district(conn: asyncpg.Connection, estate_id: UUID) -> str | None:
    district: str | None = await conn.fetchval("SELECT district_code FROM estates WHERE id = $1", estate_id)
    return district


async def estate_buildings(conn: asyncpg.Connection, estate_id: UUID) -> dict[UUID, str]:
    rows = await conn.fetch("SELECT id, name FROM buildings WHERE estate_id = $1", estate_id)
    return {r["id"]: r["name"] for r in rows}


async def resident_buildings(conn: asyncpg.Connection, estate_id: UUID, user_id: UUID) -> list[UUID]:
    """The buildings of the estate where the user has a home now (an active binding of any relation)."""
    rows = await conn.fetch(
        """SELECT DISTINCT h.building_id FROM home_bindings hb JOIN homes h ON h.id = hb.home_id
           WHERE hb.estate_id = $1 AND hb.user_id = $2 AND hb.state = 'active'""",
        estate_id,
        user_id,
    )
    return [r["building_id"] for r in rows]


# announcements ----------------------------------------------------------------------------------------------------

_ANNOUNCEMENT_COLUMNS = """a.id, a.estate_id, a.building_ids, a.title, a.body, a.urgent, a.photo_ids, a.expires_at,
    a.publisher_id, a.publisher_as, a.published_at, a.state, a.withdrawn_at, a.withdraw_reason, a.version,
    a.expires_at IS NOT NULL AND a.expires_at <= now() AS expired, e.district_code"""


async def insert_announcement(
    conn: asyncpg.Connection,
    *,
    estate_id: UUID,
    building_ids: list[UUID],
    title: str,
    body: str,
    urgent: bool,
    photo_ids: list[UUID],
    expires_at: datetime | None,
    publisher_id: UUID,
    publisher_as: str,
) -> UUID:
    announcement_id: UUID = await conn.fetchval(
        """INSERT INTO estate_announcements (estate_id, building_ids, title, body, urgent, photo_ids, expires_at,
                                            publisher_id, publisher_as)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id""",
        estate_id,
        building_ids,
        title,
        body,
        urgent,
        photo_ids,
        expires_at,
        publisher_id,
        publisher_as,
    )
    return announcement_id


async def get_announcement(
    conn: asyncpg.Connection, announcement_id: UUID, reader_id: UUID
) -> asyncpg.Record | None:
    """The announcement with the reader's receipt (read_at, NULL when unread)."""
    row: asyncpg.Record | None = await conn.fetchrow(
        f"""SELECT {_ANNOUNCEMENT_COLUMNS}, r.read_at
            FROM estate_announcements a JOIN estates e ON e.id = a.estate_id
            LEFT JOIN estate_announcement_reads r ON r.announcement_id = a.id AND r.user_id = $2
            WHERE a.id = $1""",
        announcement_id,
        reader_id,
    )
    return row


async def list_announcements(
    conn: asyncpg.Connection,
    estate_id: UUID,
    reader_id: UUID,
    resident_buildings: list[UUID] | None,
    after: tuple[datetime, UUID] | None,
    limit: int,
) -> list[asyncpg.Record]:
    """An estate's announcements, newest first, with the reader's receipts. `resident_buildings` None: every
    one (the publishers' view); else only the live ones (published, not expired) addressed to the whole estate
    or to one of these buildings (a resident's view)."""
    rows: list[asyncpg.Record] = await conn.fetch(
        f"""SELECT {_ANNOUNCEMENT_COLUMNS}, r.read_at
            FROM estate_announcements a JOIN estates e ON e.id = a.estate_id
            LEFT JOIN estate_announcement_reads r ON r.announcement_id = a.id AND r.user_id = $2
            WHERE a.estate_id = $1
              AND ($3::uuid[] IS NULL OR (
                    a.state = 'published' AND (a.expires_at IS NULL OR a.expires_at > now())
                    AND (cardinality(a.building_ids) = 0 OR a.building_ids && $3::uuid[])))
              AND ($4::timestamptz IS NULL OR (a.published_at, a.id) < ($4, $5::uuid))
            ORDER BY a.published_at DESC, a.id DESC LIMIT $6""",
        estate_id,
        reader_id,
        resident_buildings,
        after[0] if after else None,
        after[1] if after else None,
        limit,
    )
    return rows


async def insert_read(conn: asyncpg.Connection, announcement_id: UUID, user_id: UUID) -> bool:
    """The user's receipt; False when they had read it already (the first receipt stays)."""
    status = await conn.execute(
        """INSERT INTO estate_announcement_reads (announcement_id, user_id) VALUES ($1, $2)
           ON CONFLICT (announcement_id, user_id) DO NOTHING""",
        announcement_id,
        user_id,
    )
    return bool(status.endswith(" 1"))


async def read_counts(conn: asyncpg.Connection, announcement_id: UUID) -> asyncpg.Record:
    """residents: the users bound now (an active binding, not disabled) to a home in the announcement's scope;
    readers: those of them with a receipt; receipts: every receipt (people who moved out since included)."""
    row: asyncpg.Record | None = await conn.fetchrow(
        """WITH a AS (SELECT estate_id, building_ids FROM estate_announcements WHERE id = $1),
                residents AS (
                    SELECT DISTINCT hb.user_id
                    FROM a JOIN home_bindings hb ON hb.estate_id = a.estate_id AND hb.state = 'active'
                    JOIN homes h ON h.id = hb.home_id JOIN users u ON u.id = hb.user_id
                    WHERE u.disabled_at IS NULL
                      AND (cardinality(a.building_ids) = 0 OR h.building_id = ANY(a.building_ids)))
           SELECT (SELECT count(*) FROM residents) AS residents,
                  (SELECT count(*) FROM residents r JOIN estate_announcement_reads x
                       ON x.user_id = r.user_id AND x.announcement_id = $1) AS readers,
                  (SELECT count(*) FROM estate_announcement_reads WHERE announcement_id = $1) AS receipts""",
        announcement_id,
    )
    assert row is not None  # an aggregate answers one row
    return row


async def withdraw_announcement(
    conn: asyncpg.Connection, announcement_id: UUID, withdrawn_by: UUID, reason: str
) -> bool:
    """published -> withdrawn; False when it was withdrawn already."""
    status = await conn.execute(
        """UPDATE estate_announcements
           SET state = 'withdrawn', withdrawn_at = now(), withdrawn_by = $2, withdraw_reason = $3,
               version = version + 1
           WHERE id = $1 AND state = 'published'""",
        announcement_id,
        withdrawn_by,
        reason,
    )
    return bool(status.endswith(" 1"))


# filings ----------------------------------------------------------------------------------------------------------

_FILING_COLUMNS = """f.id, f.estate_id, f.kind, f.version, f.state, f.term_start, f.term_end, f.company,
    f.service_grade, f.fee_fen_m2_month, f.elected_on, f.note, f.document_ids, f.filed_by, f.filed_at,
    f.decided_at, f.decision_reason, f.superseded_at, e.district_code"""


async def waiting_filing(conn: asyncpg.Connection, estate_id: UUID, kind: str) -> UUID | None:
    filing_id: UUID | None = await conn.fetchval(
        "SELECT id FROM estate_filings WHERE estate_id = $1 AND kind = $2 AND state = 'filed'",
        estate_id,
        kind,
    )
    return filing_id


async def insert_filing(
    conn: asyncpg.Connection,
    *,
    estate_id: UUID,
    kind: str,
    term_start: date,
    term_end: date,
    company: str | None,
    service_grade: str | None,
    fee_fen_m2_month: int | None,
    elected_on: date | None,
    note: str,
    document_ids: list[UUID],
    filed_by: UUID,
) -> UUID | None:
    """The next version of the estate's filings of this kind; None when one is waiting already (a concurrent
    filing won the unique index)."""
    filing_id: UUID | None = await conn.fetchval(
        """INSERT INTO estate_filings (estate_id, kind, version, term_start, term_end, company, service_grade,
                                      fee_fen_m2_month, elected_on, note, document_ids, filed_by)
           SELECT $1, $2, coalesce(max(version), 0) + 1, $3, $4, $5, $6, $7, $8, $9, $10, $11
           FROM estate_filings WHERE estate_id = $1 AND kind = $2
           ON CONFLICT DO NOTHING
           RETURNING id""",
        estate_id,
        kind,
        term_start,
        term_end,
        company,
        service_grade,
        fee_fen_m2_month,
        elected_on,
        note,
        document_ids,
        filed_by,
    )
    return filing_id


async def insert_members(conn: asyncpg.Connection, filing_id: UUID, members: list[tuple[str, str]]) -> None:
    await conn.execute(
        """INSERT INTO estate_committee_members (filing_id, position, name, role)
           SELECT $1, m.position - 1, m.name, m.role
           FROM unnest($2::text[], $3::text[]) WITH ORDINALITY AS m (name, role, position)""",
        filing_id,
        [m[0] for m in members],
        [m[1] for m in members],
    )


async def get_filing(
    conn: asyncpg.Connection, filing_id: UUID, *, lock: bool = False
) -> asyncpg.Record | None:
    row: asyncpg.Record | None = await conn.fetchrow(
        f"""SELECT {_FILING_COLUMNS} FROM estate_filings f JOIN estates e ON e.id = f.estate_id WHERE f.id = $1
            {"FOR UPDATE OF f" if lock else ""}""",
        filing_id,
    )
    return row


async def members(conn: asyncpg.Connection, filing_ids: list[UUID]) -> dict[UUID, list[asyncpg.Record]]:
    rows = await conn.fetch(
        """SELECT filing_id, name, role FROM estate_committee_members WHERE filing_id = ANY($1::uuid[])
           ORDER BY filing_id, position""",
        filing_ids,
    )
    out: dict[UUID, list[asyncpg.Record]] = {}
    for r in rows:
        out.setdefault(r["filing_id"], []).append(r)
    return out


async def list_filings(
    conn: asyncpg.Connection,
    estate_id: UUID,
    kind: str | None,
    after: tuple[datetime, UUID] | None,
    limit: int,
) -> list[asyncpg.Record]:
    """An estate's filings of every version, newest first."""
    rows: list[asyncpg.Record] = await conn.fetch(
        f"""SELECT {_FILING_COLUMNS} FROM estate_filings f JOIN estates e ON e.id = f.estate_id
            WHERE f.estate_id = $1 AND ($2::text IS NULL OR f.kind = $2)
              AND ($3::timestamptz IS NULL OR (f.filed_at, f.id) < ($3, $4::uuid))
            ORDER BY f.filed_at DESC, f.id DESC LIMIT $5""",
        estate_id,
        kind,
        after[0] if after else None,
        after[1] if after else None,
        limit,
    )
    return rows


async def filings_waiting(
    conn: asyncpg.Connection, districts: list[str] | None, after: tuple[datetime, UUID] | None, limit: int
) -> list[asyncpg.Record]:
    """The filings waiting for a decision (state filed) in the estates of `districts` (None: every district),
    oldest first, with the estate's name."""
    rows: list[asyncpg.Record] = await conn.fetch(
        f"""SELECT {_FILING_COLUMNS}, e.name AS estate_name FROM estate_filings f JOIN estates e ON e.id = f.estate_id
            WHERE f.state = 'filed' AND ($1::text[] IS NULL OR e.district_code = ANY($1))
              AND ($2::timestamptz IS NULL OR (f.filed_at, f.id) > ($2, $3::uuid))
            ORDER BY f.filed_at, f.id LIMIT $4""",
        districts,
        after[0] if after else None,
        after[1] if after else None,
        limit,
    )
    return rows


async def supersede_accepted(conn: asyncpg.Connection, estate_id: UUID, kind: str) -> UUID | None:
    """The estate's accepted filing of this kind becomes superseded; its id, or None when there was none."""
    filing_id: UUID | None = await conn.fetchval(
        """UPDATE estate_filings SET state = 'superseded', superseded_at = now()
           WHERE estate_id = $1 AND kind = $2 AND state = 'accepted' RETURNING id""",
        estate_id,
        kind,
    )
    return filing_id


async def decide_filing(
    conn: asyncpg.Connection, filing_id: UUID, version: int, state: str, decided_by: UUID, reason: str
) -> bool:
    """filed -> accepted or returned, guarded by the state and version; False when either changed."""
    status = await conn.execute(
        """UPDATE estate_filings SET state = $3, decided_by = $4, decided_at = now(), decision_reason = $5
           WHERE id = $1 AND version = $2 AND state = 'filed'""",
        filing_id,
        version,
        state,
        decided_by,
        reason,
    )
    return bool(status.endswith(" 1"))


async def accepted_filings(conn: asyncpg.Connection, estate_id: UUID) -> list[asyncpg.Record]:
    rows: list[asyncpg.Record] = await conn.fetch(
        f"""SELECT {_FILING_COLUMNS} FROM estate_filings f JOIN estates e ON e.id = f.estate_id
            WHERE f.estate_id = $1 AND f.state = 'accepted'""",
        estate_id,
    )
    return rows
