"""A small city for the security tests: two districts, two departments, every role scoped in and out, and
builders of cases, reports and photos in any state, written straight to the database.

District 110101 has one unit grid and the responsibility grid 110101001, where `inspector` is on duty;
district 110102 likewise with 110102001 and `inspector_out`. The city's cases lie in 110101, are handled by
sanitation (E0102's default department) and have `inspector` as their inspector; `*_out` staff hold the
same roles for 110102 or for water.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any, Final

import asyncpg
import msgspec

from api.config import auth_config
from api.settings import Settings
from cases.catalogue.service import DATA_DIR, DEMO_CATALOGUE, load_catalogue, parse_catalogue
from cases.grids.imports import import_grids
from cases.grids.routing import DutyAssign, assign_duty
from cases.reports import store as cases_store
from identity import service as identity
from identity.models import RequestContext, Role, RoleGrant, ScopeKind
from tests.cases.grid_fixtures import collection, encode, feature, point, rectangle

DISTRICT_IN: Final = "110101"
DISTRICT_OUT: Final = "110102"
DEPT_IN: Final = "sanitation"  # E0102's default department, and the one the city's cases are dispatched to
DEPT_OUT: Final = "water"
GRID_IN: Final = f"{DISTRICT_IN}001"
GRID_OUT: Final = f"{DISTRICT_OUT}001"
IN_POINT: Final = point(0.5, 0.5)  # (lat, lon) inside 110101's unit grid
OUT_POINT: Final = point(2.5, 0.5)  # inside 110102's
# inside the demo service area but in no grid: reports there join no case of the city
NO_GRID: Final[dict[str, Any]] = {"lat": 39.9087, "lon": 116.3975, "crs": "wgs84"}

#: the id of the estate the authorization matrix makes (tests/security/test_authz_matrix.py `_housing`): its
#: owners' committee is one of the callers
ESTATE: Final = "0193a000-0000-7000-8000-0000000e57a7"

Scope = tuple[ScopeKind, str] | None

#: name -> (role, scope). `citizen` reports the city's cases; `anonymous` (no token) is added by the tests.
PEOPLE: Final[dict[str, tuple[Role, Scope]]] = {
    "citizen": ("citizen", None),
    "other_citizen": ("citizen", None),
    "resident": ("resident", None),
    "inspector": ("inspector", ("district", DISTRICT_IN)),
    "inspector_out": ("inspector", ("district", DISTRICT_OUT)),
    "intake_clerk": ("intake_clerk", ("district", DISTRICT_IN)),
    "intake_clerk_out": ("intake_clerk", ("district", DISTRICT_OUT)),
    "shift_lead": ("shift_lead", ("district", DISTRICT_IN)),
    "shift_lead_out": ("shift_lead", ("district", DISTRICT_OUT)),
    "dispatcher": ("dispatcher", ("district", DISTRICT_IN)),
    "dispatcher_out": ("dispatcher", ("district", DISTRICT_OUT)),
    "department_handler": ("department_handler", ("department", DEPT_IN)),
    "department_handler_out": ("department_handler", ("department", DEPT_OUT)),
    "leader": ("leader", ("district", DISTRICT_IN)),
    "leader_out": ("leader", ("district", DISTRICT_OUT)),
    "property_manager": ("property_manager", ("estate", "estate-1")),  # another estate's company
    "property_staff": ("property_staff", None),  # every estate's
    "housing_officer": ("housing_officer", ("district", DISTRICT_IN)),
    "admin": ("admin", None),
    "owners_committee": ("owners_committee", ("estate", ESTATE)),  # the matrix estate's committee
}
#: who sees the city's cases as staff (case_visible): their district, department, grid or inspector
IN_SCOPE: Final = frozenset(
    {"inspector", "intake_clerk", "shift_lead", "dispatcher", "department_handler", "leader", "admin"}
)
CTX: Final = RequestContext(actor_label="tests")


def phone_of(name: str) -> str:
    return f"+8613700990{list(PEOPLE).index(name):03d}"


class City(msgspec.Struct):
    tokens: dict[str, str]
    ids: dict[str, uuid.UUID]
    grids: dict[str, uuid.UUID]  # responsibility grid code -> id
    units: dict[str, uuid.UUID]  # district -> its unit grid's id


async def build_city(db: asyncpg.Connection, settings: Settings) -> City:
    config = auth_config(settings)
    async with db.transaction():
        await load_catalogue(db, parse_catalogue(DEMO_CATALOGUE.read_bytes()))
        area = json.loads((DATA_DIR / "demo_service_area.geojson").read_text(encoding="utf-8"))
        await cases_store.insert_service_area(db, area["properties"]["name"], json.dumps(area["geometry"]))
        units = [
            feature(f"{DISTRICT_IN}001001001", rectangle(0, 0)),
            feature(f"{DISTRICT_OUT}001001001", rectangle(2, 0)),
        ]
        await import_grids(db, "unit", encode(collection(units)))
        grids = [feature(GRID_IN, rectangle(0, 0)), feature(GRID_OUT, rectangle(2, 0))]
        await import_grids(db, "responsibility", encode(collection(grids)))
        tokens, ids = {}, {}
        for name, (role, scope) in PEOPLE.items():
            grant = (
                RoleGrant(role=role, scope_kind=scope[0], scope_id=scope[1])
                if scope
                else RoleGrant(role=role)
            )
            user = await identity.create_user(db, config, phone_of(name), [grant], CTX, display_name=name)
            ids[name] = user.id
            tokens[name] = (await identity.issue_tokens_for(db, config, phone_of(name), CTX)).access_token
        start = datetime(2020, 1, 1, tzinfo=UTC)
        await assign_duty(db, DutyAssign(inspector_id=ids["inspector"], grid=GRID_IN, starts_at=start))
        await assign_duty(db, DutyAssign(inspector_id=ids["inspector_out"], grid=GRID_OUT, starts_at=start))
    grid_ids = {r["code"]: r["id"] for r in await db.fetch("SELECT code, id FROM responsibility_grids")}
    unit_ids = {
        r["district_code"]: r["id"] for r in await db.fetch("SELECT district_code, id FROM unit_grids")
    }
    return City(tokens=tokens, ids=ids, grids=grid_ids, units=unit_ids)


async def fresh_token(db: asyncpg.Connection, settings: Settings, name: str) -> str:
    """A new session of one of the city's people (for calls that end their session)."""
    tokens = await identity.issue_tokens_for(db, auth_config(settings), phone_of(name), CTX)
    return tokens.access_token


async def new_user(db: asyncpg.Connection, settings: Settings, role: Role = "citizen") -> uuid.UUID:
    phone = f"+86139{uuid.uuid4().int % 10**8:08d}"
    user = await identity.create_user(db, auth_config(settings), phone, [RoleGrant(role=role)], CTX)
    return user.id


async def new_case(
    db: asyncpg.Connection,
    city: City,
    state: str = "accepted",
    *,
    district: str = DISTRICT_IN,
    department: str | None = DEPT_IN,
    suggested: str | None = DEPT_IN,
    inspector: str | None = "inspector",
    in_grid: bool = False,
    hidden: bool = False,
    step: str | None = None,
    closed_at: datetime | None = None,
    at: tuple[float, float] = IN_POINT,
) -> uuid.UUID:
    """A case of E0102 in `state`, as if routed and moved there by the workflow. `department` is the one it is
    dispatched to (None: not dispatched), `suggested` routing's suggestion. `in_grid`: in the district's unit
    and responsibility grid (the city's own cases; builders for single calls leave it out so that queues
    filtered by grid show the city's cases only)."""
    grid = GRID_IN if district == DISTRICT_IN else GRID_OUT
    case_id: uuid.UUID = await db.fetchval(
        """INSERT INTO cases (category_code, source, location, description, state, district_code, department_code,
                              suggested_department, inspector_id, needs_verification, unit_grid_id,
                              responsibility_grid_id, hidden_at, hidden_reason, closed_at, registered_at)
           VALUES ('E0102', 'citizen', ST_SetSRID(ST_MakePoint($2, $1), 4326), '路口垃圾', $3, $4, $5, $6, $7, true,
                   $8, $9, $10, $11, $12, CASE WHEN $3 NOT IN ('reported', 'verifying', 'verified') THEN now() END)
           RETURNING id""",
        at[0],
        at[1],
        state,
        district,
        department,
        suggested,
        city.ids[inspector] if inspector else None,
        city.units[district] if in_grid else None,
        city.grids[grid] if in_grid else None,
        datetime.now(UTC) if hidden else None,
        "含个人信息" if hidden else None,
        closed_at,
    )
    if step is not None:
        now = datetime.now(UTC)
        await db.execute(
            """INSERT INTO case_deadlines (case_id, round, step, assignee_id, department_code, started_at,
                                           due_soon_at, due_at)
               VALUES ($1, 1, $2, $3, $4, $5, $6, $7)""",
            case_id,
            step,
            city.ids[inspector] if inspector and step in ("verify", "check") else None,
            department if step in ("accept", "handle") else None,
            now,
            now + timedelta(hours=8),
            now + timedelta(hours=10),
        )
    return case_id


async def new_report(
    db: asyncpg.Connection,
    case_id: uuid.UUID,
    reporter_id: uuid.UUID,
    *,
    anonymous: bool = False,
    hidden: bool = False,
    photo_ids: tuple[uuid.UUID, ...] = (),
    at: tuple[float, float] = IN_POINT,
) -> uuid.UUID:
    """A report on the case by `reporter_id` (who follows the case, as after submitting), with its events."""
    number = f"T{uuid.uuid4().int % 10**12:012d}"
    report_id: uuid.UUID = await db.fetchval(
        """INSERT INTO reports (number, case_id, reporter_id, client_id, category_code, description, location,
                                original_lat, original_lon, original_crs, anonymous, hidden_at, hidden_reason)
           VALUES ($1, $2, $3, $4, 'E0102', '路口垃圾', ST_SetSRID(ST_MakePoint($6, $5), 4326), $5, $6, 'wgs84', $7,
                   $8, $9)
           RETURNING id""",
        number,
        case_id,
        reporter_id,
        f"phone-{uuid.uuid4().hex[:8]}",
        at[0],
        at[1],
        anonymous,
        datetime.now(UTC) if hidden else None,
        "含个人信息" if hidden else None,
    )
    for position, photo_id in enumerate(photo_ids):
        await db.execute(
            "INSERT INTO report_photos (report_id, photo_id, position) VALUES ($1, $2, $3)",
            report_id,
            photo_id,
            position,
        )
    await db.execute(
        "INSERT INTO case_followers (case_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        case_id,
        reporter_id,
    )
    for kind, public in (("reported", True), ("routed", False)):
        await db.execute(
            "INSERT INTO case_events (case_id, kind, actor_id, public, to_state) VALUES ($1, $2, $3, $4, $5)",
            case_id,
            kind,
            reporter_id,
            public,
            "reported" if kind == "reported" else None,
        )
    return report_id


async def new_photo(db: asyncpg.Connection, owner_id: uuid.UUID, *, original: bool = True) -> uuid.UUID:
    """A processed photo of `owner_id` (keys only: links are presigned, the bytes are not needed)."""
    sha = hashlib.sha256(uuid.uuid4().bytes).hexdigest()
    photo_id: uuid.UUID = await db.fetchval(
        """INSERT INTO photos (owner_id, original_sha256, content_type, width, height, display_key, display_width,
                               display_height, thumb_key, original_key)
           VALUES ($1, $2, 'image/jpeg', 10, 10, 'display/' || $2 || '.jpg', 10, 10, 'thumb/' || $2 || '.jpg', $3)
           RETURNING id""",
        owner_id,
        sha,
        f"original/{sha}.jpg" if original else None,
    )
    return photo_id
