"""The demo city: one user for every role, so a new user can try each at once."""

from __future__ import annotations

import json

import asyncpg

from cases.catalogue.service import DATA_DIR, DEMO_CATALOGUE, load_catalogue, parse_catalogue
from cases.grids.demo import seed_demo_grids
from cases.reports import maps
from cases.reports import store as cases_store
from cases.reports.demo import seed_demo_cases
from housing.demo import DEMO_ESTATE_ID, seed_demo_estate, seed_demo_fund, seed_demo_repairs, seed_demo_votes
from identity import service
from identity import store as identity_store
from identity.models import AuthConfig, RequestContext, Role, RoleGrant, ScopeKind

DEMO_SERVICE_AREA = DATA_DIR / "demo_service_area.geojson"
DEMO_DISTRICT = "110101"  # 东城区, Beijing (GB/T 2260)

# phone, display name, role, scope
DEMO_USERS: list[tuple[str, str, Role, tuple[ScopeKind, str] | None]] = [
    ("+8613800138001", "市民 张三", "citizen", None),
    ("+8613800138002", "监督员 李四", "inspector", ("district", DEMO_DISTRICT)),
    ("+8613800138003", "受理员 王五", "intake_clerk", ("district", DEMO_DISTRICT)),
    ("+8613800138004", "值班长 赵六", "shift_lead", ("district", DEMO_DISTRICT)),
    ("+8613800138005", "派遣员 钱七", "dispatcher", ("district", DEMO_DISTRICT)),
    ("+8613800138006", "环卫处置员 孙八", "department_handler", ("department", "sanitation")),
    ("+8613800138007", "领导 周九", "leader", ("district", DEMO_DISTRICT)),
    ("+8613800138008", "物业经理 吴十", "property_manager", ("estate", str(DEMO_ESTATE_ID))),
    ("+8613800138009", "业主 郑一", "resident", ("estate", str(DEMO_ESTATE_ID))),
    ("+8613800138010", "管理员 冯二", "admin", None),
    ("+8613800138011", "物业客服 陈三", "property_staff", ("estate", str(DEMO_ESTATE_ID))),
    ("+8613800138012", "房管员 褚四", "housing_officer", ("district", DEMO_DISTRICT)),
    ("+8613800138013", "业委会主任 卫五", "owners_committee", ("estate", str(DEMO_ESTATE_ID))),
]


async def seed_demo(conn: asyncpg.Connection, config: AuthConfig) -> list[tuple[str, str, Role]]:
    """Load the demo catalogue and service area and create the demo users; running it again adds nothing."""
    ctx = RequestContext(actor_label="cityloop db seed-demo")
    await load_catalogue(conn, parse_catalogue(DEMO_CATALOGUE.read_bytes()))
    if await maps.service_area(conn) is None:
        area = json.loads(DEMO_SERVICE_AREA.read_text(encoding="utf-8"))
        await cases_store.insert_service_area(conn, area["properties"]["name"], json.dumps(area["geometry"]))
    for phone, name, role, scope in DEMO_USERS:
        grant = (
            RoleGrant(role=role, scope_kind=scope[0], scope_id=scope[1]) if scope else RoleGrant(role=role)
        )
        await service.create_user(conn, config, phone, [grant], ctx, display_name=name)
    # the demo grids, with the demo inspector on duty on all of them, and a few category → department links
    inspector_phone = next(phone for phone, _, role, _ in DEMO_USERS if role == "inspector")
    inspector = await identity_store.get_user_by_phone(conn, inspector_phone)
    await seed_demo_grids(conn, inspector["id"] if inspector else None)
    # the demo estate (小区) with its owners register, the demo resident bound to their home
    resident_phone = next(phone for phone, _, role, _ in DEMO_USERS if role == "resident")
    resident = await identity_store.get_user_by_phone(conn, resident_phone)
    await seed_demo_estate(conn, resident_phone, resident["id"] if resident else None)
    # its owners' committee runs two votes: one past with its result, one open now
    committee_phone = next(phone for phone, _, role, _ in DEMO_USERS if role == "owners_committee")
    committee = await identity_store.get_user_by_phone(conn, committee_phone)
    if committee is not None:
        await seed_demo_votes(conn, committee["id"])
    # its maintenance fund: opened, an emergency repair approved, an ordinary project waiting for its vote
    officer_phone = next(phone for phone, _, role, _ in DEMO_USERS if role == "housing_officer")
    officer = await identity_store.get_user_by_phone(conn, officer_phone)
    if committee is not None and officer is not None:
        await seed_demo_fund(conn, committee["id"], officer["id"])
    # its repairs and complaints in every state: reported by the demo resident and other owners, accepted by the
    # manager, assigned to and handled by the property staff
    staff_phone = next(phone for phone, _, role, _ in DEMO_USERS if role == "property_staff")
    manager_phone = next(phone for phone, _, role, _ in DEMO_USERS if role == "property_manager")
    staff = await identity_store.get_user_by_phone(conn, staff_phone)
    manager = await identity_store.get_user_by_phone(conn, manager_phone)
    if resident is not None and staff is not None and manager is not None:
        await seed_demo_repairs(conn, config, resident["id"], staff["id"], manager["id"])
    # the city's cases of the past five weeks in every state of the loop, moved by the demo user of each role
    found = {role: await identity_store.get_user_by_phone(conn, phone) for phone, _, role, _ in DEMO_USERS}
    await seed_demo_cases(
        conn, config, {str(role): row["id"] for role, row in found.items() if row is not None}
    )
    return [(phone, name, role) for phone, name, role, _ in DEMO_USERS]
