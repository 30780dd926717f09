"""The command centre's desks (the web console, console/pages/command/): a staff queue of several states by
deadline, the map of open cases, the feed of state changes that keeps a queue live. Same scope as every staff view
(access.scope). Each function takes a connection inside the caller's transaction and never commits."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import asyncpg

from cases.common import CRS, InvalidCursor, decode_cursor, encode_cursor, present
from cases.workflow import access
from cases.workflow.models import CasePage
from cases.workflow.service import summary
from cases.workflow.store import desks as desk_store
from cases.workflow.transitions import FINISHED
from identity.models import Principal

_NO_DUE = datetime.max.replace(tzinfo=UTC)


async def deadline_queue(
    conn: asyncpg.Connection,
    principal: Principal,
    *,
    states: Iterable[str],
    department: str | None = None,
    cursor: str | None = None,
    limit: int = 50,
    crs: CRS = "wgs84",
) -> CasePage:
    """A staff queue of the cases the caller sees (access.scope, as `queue`) in any of `states`, by the due time
    of their open step, soonest first (cases with no open step last), then by id. Cursor-paginated (a keyset
    over that order: nothing skipped or repeated)."""
    after: tuple[datetime, UUID] | None = None
    if cursor:
        due, case_id = decode_cursor(cursor, 2)
        try:
            after = (_NO_DUE if due == "-" else datetime.fromisoformat(due), UUID(case_id))
        except ValueError as exc:
            raise InvalidCursor("the cursor is not one this API gave out", fields=("cursor",)) from exc
        if after[0].tzinfo is None:
            raise InvalidCursor("the cursor is not one this API gave out", fields=("cursor",))
    rows = await desk_store.deadline_queue(
        conn,
        access.scope(principal),
        states=sorted(set(states)),
        department=department,
        after=after,
        limit=limit,
    )
    next_cursor = None
    if len(rows) == limit:
        last = rows[-1]
        due_key = "-" if last["due_at"] is None else last["due_at"].isoformat()
        next_cursor = encode_cursor(due_key, last["id"])
    return CasePage(items=[summary(r, crs) for r in rows], next_cursor=next_cursor)


async def open_cases_map(
    conn: asyncpg.Connection,
    principal: Principal,
    *,
    category: str | None = None,
    state: str | None = None,
    department: str | None = None,
    cap: int = 5000,
    crs: CRS = "wgs84",
) -> dict[str, Any]:
    """The open (not closed, rejected or voided) cases the caller sees (access.scope), filtered, as a GeoJSON
    FeatureCollection: one point per case with its state, category, department and deadline when there are at
    most `cap`; else their counts per cell of 0.01 degree (about 1 km: a city of 50 km holds a few thousand
    cells) at the cell's mean point (`clustered`). Never more than `cap` features either way."""
    scope = access.scope(principal)
    finished = sorted(FINISHED)
    total = await desk_store.count_open_cases(conn, scope, finished, category, state, department, cap)
    features: list[dict[str, Any]] = []
    if total <= cap:
        for r in await desk_store.open_case_points(conn, scope, finished, category, state, department, cap):
            point = present(r["lat"], r["lon"], crs)
            features.append(
                {
                    "type": "Feature",
                    "geometry": {"type": "Point", "coordinates": [point.lon, point.lat]},
                    "properties": {
                        "case_id": str(r["id"]),
                        "state": r["state"],
                        "category": r["category_code"],
                        "department": r["department_code"],
                        "urgent": r["urgent"],
                        "due_at": r["due_at"].isoformat() if r["due_at"] else None,
                        "due_soon_at": r["due_soon_at"].isoformat() if r["due_soon_at"] else None,
                        "paused": r["paused_at"] is not None,
                    },
                }
            )
        return {"type": "FeatureCollection", "features": features, "total": total, "clustered": False}
    for r in await desk_store.open_case_clusters(conn, scope, finished, category, state, department, 0.01):
        point = present(r["lat"], r["lon"], crs)
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [point.lon, point.lat]},
                "properties": {"cluster": True, "count": r["count"]},
            }
        )
    features = features[:cap]
    return {
        "type": "FeatureCollection",
        "features": features,
        "total": sum(f["properties"]["count"] for f in features),
        "clustered": True,
    }


async def case_events_head(conn: asyncpg.Connection) -> int:
    """Where the case events are now: a position for `case_changes_after`."""
    return await desk_store.newest_case_event(conn)


async def case_changes_after(
    conn: asyncpg.Connection, principal: Principal, position: int, limit: int = 200
) -> tuple[list[tuple[UUID, str]], int]:
    """The state changes of cases the caller sees (access.scope) after `position` (case_events_head), oldest
    first, at most `limit`, and the position after them. Positions follow event ids, not commit order: a change
    committed just after a newer one was read can be missed (a live view refreshes on the next one)."""
    rows = await desk_store.case_events_after(conn, access.scope(principal), position, limit)
    changes = [(r["case_id"], str(r["to_state"])) for r in rows]
    return changes, (rows[-1]["id"] if rows else position)
