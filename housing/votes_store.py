"""SQL of the owners' assembly votes: matters, the frozen roll, ballots, proxies, designation changes, results."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal
from uuid import UUID

import asyncpg

Record = asyncpg.Record
Lock = Literal["share", "update"] | None

# the estate -----------------------------------------------------------------------------------------------------


async def user_phone(conn: asyncpg.Connection, user_id: UUID) -> str | None:
    phone: str | None = await conn.fetchval("SELECT phone FROM users WHERE id = $1", user_id)
    return phone


# matters ----------------------------------------------------------------------------------------------------------

_MATTER = """m.id, m.estate_id, m.kind, m.title, m.body, m.scope_building_ids, m.notice_at, m.opens_at, m.closes_at,
    m.allow_change, m.non_voters_follow_majority, m.state, m.version, m.raised_by, m.closed_at, m.created_at,
    (SELECT count(*) FROM vote_roll r WHERE r.matter_id = m.id) AS heads,
    (SELECT coalesce(sum(r.area), 0) FROM vote_roll r WHERE r.matter_id = m.id)::bigint AS area"""


async def insert_matter(conn: asyncpg.Connection, values: dict[str, Any]) -> UUID:
    matter_id: UUID = await conn.fetchval(
        """INSERT INTO vote_matters (estate_id, kind, title, body, scope_building_ids, opens_at, closes_at,
                                     allow_change, non_voters_follow_majority, raised_by)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id""",
        values["estate_id"],
        values["kind"],
        values["title"],
        values["body"],
        values["scope_building_ids"],
        values["opens_at"],
        values["closes_at"],
        values["allow_change"],
        values["non_voters_follow_majority"],
        values["raised_by"],
    )
    return matter_id


async def get_matter(conn: asyncpg.Connection, matter_id: UUID, *, lock: Lock = None) -> Record | None:
    """The matter with its roll's size; ``lock`` takes the row FOR SHARE (ballots) or FOR UPDATE (close)."""
    if lock is not None:
        await conn.execute(
            "SELECT 1 FROM vote_matters WHERE id = $1 " + ("FOR SHARE" if lock == "share" else "FOR UPDATE"),
            matter_id,
        )
    row: Record | None = await conn.fetchrow(
        f"""SELECT {_MATTER}, e.district_code, now() AS now
            FROM vote_matters m JOIN estates e ON e.id = m.estate_id WHERE m.id = $1""",
        matter_id,
    )
    return row


async def list_matters(
    conn: asyncpg.Connection, estate_id: UUID, with_drafts: bool, after: tuple[Any, UUID] | None, limit: int
) -> list[Record]:
    rows: list[Record] = await conn.fetch(
        f"""SELECT {_MATTER}, NULL AS district_code FROM vote_matters m
            WHERE m.estate_id = $1 AND ($2 OR m.state <> 'draft')
              AND ($3::timestamptz IS NULL OR (m.created_at, m.id) < ($3, $4))
            ORDER BY m.created_at DESC, m.id DESC LIMIT $5""",
        estate_id,
        with_drafts,
        after[0] if after else None,
        after[1] if after else None,
        limit,
    )
    return rows


async def set_noticed(conn: asyncpg.Connection, matter_id: UUID, actor_id: UUID | None) -> bool:
    status: str = await conn.execute(
        """UPDATE vote_matters SET state = 'noticed', notice_at = now(), noticed_by = $2, version = version + 1
           WHERE id = $1 AND state = 'draft'""",
        matter_id,
        actor_id,
    )
    return status == "UPDATE 1"


async def open_if_due(conn: asyncpg.Connection, matter_id: UUID) -> None:
    """A noticed matter whose window began is open (a ballot's first step; the worker does it too)."""
    await conn.execute(
        """UPDATE vote_matters SET state = 'open', version = version + 1
           WHERE id = $1 AND state = 'noticed' AND opens_at <= now()""",
        matter_id,
    )


async def open_due(conn: asyncpg.Connection) -> int:
    status: str = await conn.execute(
        """UPDATE vote_matters SET state = 'open', version = version + 1
           WHERE state = 'noticed' AND opens_at <= now()"""
    )
    return int(status.split()[-1])


async def due_to_close(conn: asyncpg.Connection, limit: int) -> list[UUID]:
    rows = await conn.fetch(
        """SELECT id FROM vote_matters WHERE state IN ('noticed', 'open') AND closes_at <= now()
           ORDER BY closes_at LIMIT $1""",
        limit,
    )
    return [r["id"] for r in rows]


async def set_published(conn: asyncpg.Connection, matter_id: UUID, actor_id: UUID | None) -> None:
    await conn.execute(
        """UPDATE vote_matters SET state = 'published', closed_at = now(), closed_by = $2, version = version + 1
           WHERE id = $1 AND state IN ('noticed', 'open')""",
        matter_id,
        actor_id,
    )


# the roll ---------------------------------------------------------------------------------------------------------


async def roll_source(conn: asyncpg.Connection, estate_id: UUID) -> list[Record]:
    """Every home of the estate with its area that counts, its label and its current owners in register order."""
    rows: list[Record] = await conn.fetch(
        """SELECT h.id, h.building_id, h.area_counted,
                  b.name || CASE WHEN h.entrance <> '' THEN ' ' || h.entrance ELSE '' END || ' ' || h.room AS label,
                  coalesce((SELECT jsonb_agg(jsonb_build_object('id', o.id, 'kind', o.kind, 'name', o.name,
                                                                'phone', o.phone) ORDER BY o.id)
                            FROM home_owners o WHERE o.home_id = h.id AND o.owned_until IS NULL), '[]') AS owners
           FROM homes h JOIN buildings b ON b.id = h.building_id
           WHERE h.estate_id = $1 AND h.area_counted IS NOT NULL
           ORDER BY h.id""",
        estate_id,
    )
    return rows


async def insert_roll(
    conn: asyncpg.Connection,
    matter_id: UUID,
    heads: Sequence[tuple[int, str, str, int, str, str, str, str | None]],
    homes: Sequence[tuple[int, UUID, UUID, str, int]],
) -> None:
    """heads: (head_no, key, kind, area, masked name, owners JSON, voter name, voter phone); homes: (head_no,
    home_id, building_id, label, area)."""
    await conn.execute(
        """INSERT INTO vote_roll (matter_id, head_no, head_key, kind, area, masked_name, owners, voter_name,
                                  voter_phone)
           SELECT $1, * FROM unnest($2::int[], $3::text[], $4::text[], $5::bigint[], $6::text[], $7::jsonb[],
                                    $8::text[], $9::text[])""",
        matter_id,
        *(list(column) for column in zip(*heads, strict=True)),
    )
    await conn.execute(
        """INSERT INTO vote_roll_homes (matter_id, head_no, home_id, building_id, label, area)
           SELECT $1, * FROM unnest($2::int[], $3::uuid[], $4::uuid[], $5::text[], $6::bigint[])""",
        matter_id,
        *(list(column) for column in zip(*homes, strict=True)),
    )


async def roll_page(conn: asyncpg.Connection, matter_id: UUID, after: int, limit: int) -> list[Record]:
    rows: list[Record] = await conn.fetch(
        """SELECT r.head_no, r.kind, r.area, r.masked_name,
                  array_agg(h.label ORDER BY h.label) AS homes
           FROM vote_roll r JOIN vote_roll_homes h ON h.matter_id = r.matter_id AND h.head_no = r.head_no
           WHERE r.matter_id = $1 AND r.head_no > $2
           GROUP BY r.matter_id, r.head_no ORDER BY r.head_no LIMIT $3""",
        matter_id,
        after,
        limit,
    )
    return rows


async def head(
    conn: asyncpg.Connection, matter_id: UUID, head_no: int, *, lock: bool = False
) -> Record | None:
    row: Record | None = await conn.fetchrow(
        """SELECT head_no, kind, area, masked_name, owners, voter_name, voter_phone FROM vote_roll
           WHERE matter_id = $1 AND head_no = $2"""
        + (" FOR UPDATE" if lock else ""),
        matter_id,
        head_no,
    )
    return row


async def heads_voted_by(conn: asyncpg.Connection, matter_id: UUID, user_id: UUID, phone: str) -> list[int]:
    """Heads whose designated voter has this phone and who are bound as owner to one of the head's homes."""
    rows = await conn.fetch(
        """SELECT r.head_no FROM vote_roll r
           WHERE r.matter_id = $1 AND r.voter_phone = $3
             AND EXISTS (SELECT 1 FROM vote_roll_homes h JOIN home_bindings b ON b.home_id = h.home_id
                         WHERE h.matter_id = r.matter_id AND h.head_no = r.head_no AND b.user_id = $2
                           AND b.relation = 'owner' AND b.state = 'active')
           ORDER BY r.head_no""",
        matter_id,
        user_id,
        phone,
    )
    return [r["head_no"] for r in rows]


async def set_voter(
    conn: asyncpg.Connection,
    matter_id: UUID,
    head_no: int,
    before: Record,
    name: str,
    phone: str | None,
    reason: str,
    actor_id: UUID | None,
) -> None:
    await conn.execute(
        "UPDATE vote_roll SET voter_name = $3, voter_phone = $4 WHERE matter_id = $1 AND head_no = $2",
        matter_id,
        head_no,
        name,
        phone,
    )
    await conn.execute(
        """INSERT INTO vote_voter_changes (matter_id, head_no, from_name, from_phone, to_name, to_phone, reason,
                                           changed_by)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8)""",
        matter_id,
        head_no,
        before["voter_name"],
        before["voter_phone"],
        name,
        phone,
        reason,
        actor_id,
    )


# proxies ------------------------------------------------------------------------------------------------------------

_PROXY = "id, matter_id, head_no, proxy_phone, photo_id, given_by, created_at, revoked_at"


async def insert_proxy(
    conn: asyncpg.Connection, matter_id: UUID, head_no: int, phone: str, photo_id: UUID, given_by: UUID
) -> Record | None:
    """The new proxy, or None when the head has a live one."""
    row: Record | None = await conn.fetchrow(
        f"""INSERT INTO vote_proxies (matter_id, head_no, proxy_phone, photo_id, given_by)
            VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING RETURNING {_PROXY}""",
        matter_id,
        head_no,
        phone,
        photo_id,
        given_by,
    )
    return row


async def get_proxy(conn: asyncpg.Connection, proxy_id: UUID, *, lock: bool = False) -> Record | None:
    row: Record | None = await conn.fetchrow(
        f"SELECT {_PROXY} FROM vote_proxies WHERE id = $1" + (" FOR UPDATE" if lock else ""), proxy_id
    )
    return row


async def live_proxy(conn: asyncpg.Connection, matter_id: UUID, head_no: int) -> Record | None:
    row: Record | None = await conn.fetchrow(
        f"SELECT {_PROXY} FROM vote_proxies WHERE matter_id = $1 AND head_no = $2 AND revoked_at IS NULL",
        matter_id,
        head_no,
    )
    return row


async def proxied_heads(conn: asyncpg.Connection, matter_id: UUID, phone: str) -> list[Record]:
    rows: list[Record] = await conn.fetch(
        f"""SELECT {_PROXY} FROM vote_proxies WHERE matter_id = $1 AND proxy_phone = $2 AND revoked_at IS NULL
            ORDER BY head_no""",
        matter_id,
        phone,
    )
    return rows


async def revoke_proxy(conn: asyncpg.Connection, proxy_id: UUID, actor_id: UUID) -> Record:
    row: Record | None = await conn.fetchrow(
        f"UPDATE vote_proxies SET revoked_at = now(), revoked_by = $2 WHERE id = $1 RETURNING {_PROXY}",
        proxy_id,
        actor_id,
    )
    assert row is not None  # the caller holds the row
    return row


# ballots ----------------------------------------------------------------------------------------------------------

_BALLOT = "matter_id, head_no, choice, channel, photo_id, proxy_id, cast_by, receipt_hash, cast_at, changes"


async def insert_ballot(conn: asyncpg.Connection, values: dict[str, Any]) -> Record | None:
    """The ballot, or None when the head has one (the primary key decides, whatever the concurrency)."""
    row: Record | None = await conn.fetchrow(
        f"""INSERT INTO vote_ballots (matter_id, head_no, choice, channel, photo_id, proxy_id, cast_by, receipt_hash)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING RETURNING {_BALLOT}""",
        values["matter_id"],
        values["head_no"],
        values["choice"],
        values["channel"],
        values["photo_id"],
        values["proxy_id"],
        values["cast_by"],
        values["receipt_hash"],
    )
    return row


async def change_ballot(conn: asyncpg.Connection, values: dict[str, Any]) -> Record:
    row: Record | None = await conn.fetchrow(
        f"""UPDATE vote_ballots SET choice = $3, channel = $4, photo_id = $5, proxy_id = $6, cast_by = $7,
                   receipt_hash = $8, cast_at = now(), changes = changes + 1
            WHERE matter_id = $1 AND head_no = $2 RETURNING {_BALLOT}""",
        values["matter_id"],
        values["head_no"],
        values["choice"],
        values["channel"],
        values["photo_id"],
        values["proxy_id"],
        values["cast_by"],
        values["receipt_hash"],
    )
    assert row is not None  # the insert found it
    return row


async def has_ballot(conn: asyncpg.Connection, matter_id: UUID, head_no: int) -> bool:
    found: bool = await conn.fetchval(
        "SELECT EXISTS (SELECT 1 FROM vote_ballots WHERE matter_id = $1 AND head_no = $2)", matter_id, head_no
    )
    return found


# the tally --------------------------------------------------------------------------------------------------------


async def tally_heads(conn: asyncpg.Connection, matter_id: UUID) -> list[Record]:
    """Each head's number, area, and area per building ({building_id: area})."""
    rows: list[Record] = await conn.fetch(
        """SELECT r.head_no, r.area,
                  (SELECT jsonb_object_agg(building_id, area) FROM
                      (SELECT h.building_id, sum(h.area) AS area FROM vote_roll_homes h
                       WHERE h.matter_id = r.matter_id AND h.head_no = r.head_no GROUP BY h.building_id) b)
                  AS buildings
           FROM vote_roll r WHERE r.matter_id = $1 ORDER BY r.head_no""",
        matter_id,
    )
    return rows


async def ballots(conn: asyncpg.Connection, matter_id: UUID) -> list[Record]:
    rows: list[Record] = await conn.fetch(
        "SELECT head_no, choice, receipt_hash FROM vote_ballots WHERE matter_id = $1 ORDER BY head_no",
        matter_id,
    )
    return rows


async def insert_result(conn: asyncpg.Connection, matter_id: UUID, tally: Any, receipts: Any) -> None:
    await conn.execute(
        "INSERT INTO vote_results (matter_id, tally, receipts) VALUES ($1, $2, $3)",
        matter_id,
        tally,
        receipts,
    )


async def get_result(conn: asyncpg.Connection, matter_id: UUID) -> Record | None:
    row: Record | None = await conn.fetchrow(
        "SELECT tally, receipts, published_at FROM vote_results WHERE matter_id = $1",
        matter_id,
    )
    return row


# the demo (housing/demo.py) -------------------------------------------------------------------------------------------


async def estate_has_matters(conn: asyncpg.Connection, estate_id: UUID) -> bool:
    found: bool = await conn.fetchval(
        "SELECT EXISTS (SELECT 1 FROM vote_matters WHERE estate_id = $1)", estate_id
    )
    return found


async def move_window(
    conn: asyncpg.Connection, matter_id: UUID, notice_at: Any, opens_at: Any, closes_at: Any
) -> None:
    """A noticed matter's times set as if it had been raised earlier (the demo's past and open votes), and its
    state as those times make it (open once opens_at has passed)."""
    await conn.execute(
        """UPDATE vote_matters SET notice_at = $2, opens_at = $3, closes_at = $4,
                  state = CASE WHEN $3 <= now() THEN 'open' ELSE 'noticed' END, version = version + 1
           WHERE id = $1 AND state IN ('noticed', 'open')""",
        matter_id,
        notice_at,
        opens_at,
        closes_at,
    )


async def head_of_home(conn: asyncpg.Connection, matter_id: UUID, home_id: UUID) -> int | None:
    head_no: int | None = await conn.fetchval(
        "SELECT head_no FROM vote_roll_homes WHERE matter_id = $1 AND home_id = $2", matter_id, home_id
    )
    return head_no


async def insert_seeded_ballots(
    conn: asyncpg.Connection, matter_id: UUID, rows: Sequence[tuple[int, str, str, Any]]
) -> None:
    """Ballots cast in the app as seeded data: (head_no, choice, receipt_hash, cast_at); nobody cast them."""
    await conn.execute(
        """INSERT INTO vote_ballots (matter_id, head_no, choice, channel, receipt_hash, cast_at)
           SELECT $1, t.head_no, t.choice, 'app', t.receipt_hash, t.cast_at
           FROM unnest($2::int[], $3::text[], $4::text[], $5::timestamptz[]) AS t(head_no, choice, receipt_hash, cast_at)""",
        matter_id,
        *(list(column) for column in zip(*rows, strict=True)),
    )


async def participation(conn: asyncpg.Connection, matter_id: UUID) -> Record:
    """How many heads of the roll have a ballot and the area they hold (turnout only: never a choice)."""
    row: Record | None = await conn.fetchrow(
        """SELECT count(b.head_no)::int AS heads_voted, COALESCE(sum(r.area) FILTER (WHERE b.head_no IS NOT NULL),
                  0)::bigint AS area_voted
           FROM vote_roll r LEFT JOIN vote_ballots b ON b.matter_id = r.matter_id AND b.head_no = r.head_no
           WHERE r.matter_id = $1""",
        matter_id,
    )
    assert row is not None
    return row


async def participation_by_building(conn: asyncpg.Connection, matter_id: UUID) -> list[Record]:
    """Per building of the roll: its homes and area, and those of heads with a ballot (turnout only)."""
    rows: list[Record] = await conn.fetch(
        """SELECT h.building_id, g.name AS building, count(*)::int AS homes,
                  count(*) FILTER (WHERE b.head_no IS NOT NULL)::int AS homes_voted,
                  sum(h.area)::bigint AS area,
                  COALESCE(sum(h.area) FILTER (WHERE b.head_no IS NOT NULL), 0)::bigint AS area_voted
           FROM vote_roll_homes h JOIN buildings g ON g.id = h.building_id
           LEFT JOIN vote_ballots b ON b.matter_id = h.matter_id AND b.head_no = h.head_no
           WHERE h.matter_id = $1 GROUP BY h.building_id, g.name ORDER BY g.name, h.building_id""",
        matter_id,
    )
    return rows
