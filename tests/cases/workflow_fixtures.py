"""Cases in any state, and the staff who act on them, built directly in the database for workflow tests."""

from __future__ import annotations

import hashlib
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import msgspec

from api.settings import Settings
from identity.models import Principal, RoleGrant
from tests.identity.helpers import staff_token

DISTRICT = "110101"
DEPARTMENT = "sanitation"

STAFF: dict[str, tuple[str, tuple[str, str] | None]] = {
    "intake_clerk": ("+8613700000101", ("district", DISTRICT)),
    "shift_lead": ("+8613700000102", ("district", DISTRICT)),
    "dispatcher": ("+8613700000103", ("district", DISTRICT)),
    "department_handler": ("+8613700000104", ("department", DEPARTMENT)),
    "inspector": ("+8613700000105", ("district", DISTRICT)),
    "leader": ("+8613700000106", ("district", DISTRICT)),
}


def caller(user_id: uuid.UUID, *grants: str | tuple[str, str, str]) -> Principal:
    """A signed-in caller, as api/auth.py makes one: each grant a role (unscoped) or (role, scope kind, id)."""
    roles = tuple(
        RoleGrant(role=g) if isinstance(g, str) else RoleGrant(role=g[0], scope_kind=g[1], scope_id=g[2])  # type: ignore[arg-type]
        for g in grants
    )
    return Principal(user_id=user_id, session_id=uuid.uuid4(), roles=roles, locale="zh-CN")


class Staff(msgspec.Struct):
    tokens: dict[str, str]
    ids: dict[str, uuid.UUID]


async def make_staff(db: asyncpg.Connection, settings: Settings) -> Staff:
    tokens, ids = {}, {}
    for role, (phone, scope) in STAFF.items():
        tokens[role] = await staff_token(db, settings, phone, role, scope)  # type: ignore[arg-type]
        ids[role] = await db.fetchval("SELECT id FROM users WHERE phone = $1", phone)
    return Staff(tokens, ids)


async def make_case(
    db: asyncpg.Connection,
    state: str,
    *,
    inspector_id: uuid.UUID | None,
    department: str | None = DEPARTMENT,
    resume_state: str | None = None,
    step: str | None = "handle",
    category: str = "E0102",
    closed_at: datetime | None = None,
) -> uuid.UUID:
    """A case in `state` with an open step, as if it had got there through the workflow."""
    case_id: uuid.UUID = await db.fetchval(
        """INSERT INTO cases (category_code, source, location, description, state, district_code, department_code,
                              inspector_id, needs_verification, resume_state, closed_at)
           VALUES ($1, 'citizen', ST_SetSRID(ST_MakePoint(116.3975, 39.9087), 4326), 'test', $2, $3, $4, $5, true, $6, $7)
           RETURNING id""",
        category,
        state,
        DISTRICT,
        department,
        inspector_id,
        resume_state,
        closed_at,
    )
    if step is not None and state not in ("closed", "rejected", "voided"):
        now = datetime.now(UTC)
        await db.execute(
            """INSERT INTO case_deadlines (case_id, round, step, started_at, due_soon_at, due_at, paused_at)
               VALUES ($1, 1, $2, $3, $4, $5, $6)""",
            case_id,
            step,
            now,
            now + timedelta(hours=8),
            now + timedelta(hours=10),
            now if state in ("deferred", "parked") else None,
        )
    return case_id


async def make_photo(db: asyncpg.Connection, owner_id: uuid.UUID) -> uuid.UUID:
    """A processed photo row of `owner_id` (the bytes are not needed by the workflow)."""
    sha = hashlib.sha256(uuid.uuid4().bytes).hexdigest()
    photo_id: uuid.UUID = await db.fetchval(
        """INSERT INTO photos (owner_id, original_sha256, content_type, width, height, display_key, display_width,
                               display_height, thumb_key)
           VALUES ($1, $2, 'image/jpeg', 10, 10, 'display/' || $2 || '.jpg', 10, 10, 'thumb/' || $2 || '.jpg')
           RETURNING id""",
        owner_id,
        sha,
    )
    return photo_id


def fields_for(required: frozenset[str], photo_id: uuid.UUID | None) -> dict[str, Any]:
    body: dict[str, Any] = {}
    if "note" in required:
        body["note"] = "理由"
    if "photo_ids" in required and photo_id is not None:
        body["photo_ids"] = [str(photo_id)]
    if "department" in required:
        body["department"] = "municipal"
    if "new_deadline" in required:
        body["new_deadline"] = (datetime.now(UTC) + timedelta(days=3)).isoformat()
    return body
