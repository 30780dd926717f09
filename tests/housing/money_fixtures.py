"""An estate with buildings, homes and owners written straight into the test's database, for the money tests
(ledger, billing, fund). The register import has its own tests; here the rows are what matters."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any
from uuid import UUID

import asyncpg
import msgspec

from housing import ledger

if TYPE_CHECKING:
    from housing.fees import FeeItem


@dataclass
class Estate:
    id: UUID
    district: str
    buildings: dict[str, UUID] = field(default_factory=dict)
    homes: list[UUID] = field(default_factory=list)
    areas: dict[UUID, int] = field(default_factory=dict)


async def make_estate(
    db: asyncpg.Connection,
    *,
    name: str = "幸福小区",
    district: str = "110101",
    buildings: int = 2,
    homes_per_building: int = 3,
    areas: list[int] | None = None,
    owned_from: date = date(2020, 1, 1),
) -> Estate:
    """Homes of 89.50 m², 120.00 m², 65.25 m² ... (or `areas`, hundredths of m²), each with one owner."""
    default_areas = [8950, 12000, 6525, 10033, 7777, 14400]
    async with db.transaction():
        estate_id = await db.fetchval(
            """INSERT INTO estates (name, address, district_code, location, location_original, property_company,
                                    service_grade)
               VALUES ($1, '东城区测试路 1 号', $2, ST_SetSRID(ST_MakePoint(116.4, 39.9), 4326),
                       '{"lat": 39.9, "lon": 116.4, "crs": "wgs84"}', '测试物业', 2) RETURNING id""",
            name,
            district,
        )
        estate = Estate(estate_id, district)
        n = 0
        for b in range(1, buildings + 1):
            building_id = await db.fetchval(
                "INSERT INTO buildings (estate_id, name) VALUES ($1, $2) RETURNING id", estate_id, f"{b}号楼"
            )
            estate.buildings[f"{b}号楼"] = building_id
            for i in range(1, homes_per_building + 1):
                area = (areas or default_areas)[n % len(areas or default_areas)]
                home_id = await db.fetchval(
                    """INSERT INTO homes (estate_id, building_id, floor, room, register_area)
                       VALUES ($1, $2, $3, $4, $5) RETURNING id""",
                    estate_id,
                    building_id,
                    i,
                    f"{i}01",
                    area,
                )
                await db.execute(
                    """INSERT INTO home_owners (home_id, kind, name, phone, owned_from)
                       VALUES ($1, 'person', $2, $3, $4)""",
                    home_id,
                    f"业主{n}",
                    f"+86139{n:08d}",
                    owned_from,
                )
                estate.homes.append(home_id)
                estate.areas[home_id] = area
                n += 1
    return estate


async def fee_item(db: asyncpg.Connection, estate: Estate, **fields: Any) -> FeeItem:
    from housing import billing
    from housing.fees import FeeItemCreate

    data = msgspec.convert(fields, FeeItemCreate)
    async with db.transaction():
        return await billing.create_fee_item(db, estate.id, data, None)


async def bind(db: asyncpg.Connection, home_id: UUID, user_id: UUID, relation: str = "owner") -> None:
    estate_id = await db.fetchval("SELECT estate_id FROM homes WHERE id = $1", home_id)
    await db.execute(
        """INSERT INTO home_bindings (home_id, estate_id, user_id, relation, state, via)
           VALUES ($1, $2, $3, $4, 'active', 'approval')""",
        home_id,
        estate_id,
        user_id,
        relation,
    )


async def counts(db: asyncpg.Connection) -> dict[str, int]:
    """How many rows the money tables hold: a refused request changes none of them."""
    out = {}
    for table in (
        "bills",
        "bill_events",
        "ledger_entries",
        "ledger_lines",
        "ledger_accounts",
        "billing_runs",
        "fee_items",
        "fee_item_homes",
        "meter_readings",
        "fund_homes",
        "fund_interest_runs",
        "bill_reminders",
        "outbox",
    ):
        out[table] = await db.fetchval(f"SELECT count(*) FROM {table}")
    return out


async def balances(db: asyncpg.Connection) -> dict[tuple[str, UUID | None, UUID | None], int]:
    rows = await db.fetch("SELECT kind, home_id, fee_item_id, balance FROM ledger_accounts")
    return {(r["kind"], r["home_id"], r["fee_item_id"]): r["balance"] for r in rows}


async def check_ok(db: asyncpg.Connection) -> ledger.CheckReport:
    async with db.transaction(isolation="repeatable_read", readonly=True):
        report = await ledger.check(db)
    assert report.ok, ledger.describe(report)
    return report


async def person(
    db: asyncpg.Connection, settings: Any, phone: str, role: str, scope: tuple[str, str] | None = None
) -> tuple[str, UUID]:
    """A signed-in user with one role (as `cityloop users create` makes them): (access token, user id)."""
    from identity.phone import normalize_phone
    from tests.identity.helpers import staff_token

    token = await staff_token(db, settings, phone, role, scope)  # type: ignore[arg-type]
    user_id: UUID = await db.fetchval("SELECT id FROM users WHERE phone = $1", normalize_phone(phone))
    return token, user_id


def auth(token: str, **headers: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", **headers}
