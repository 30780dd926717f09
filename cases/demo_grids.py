"""The demo city's grids, generated: 480 unit grids of about 100 m × 100 m in Dongcheng (110101), in 30
responsibility grids of 4 × 4 unit grids each, covering lat 39.9000–39.9216, lon 116.3850–116.4084 (WGS-84).

Unit grid codes: 110101 + street (001–003, two rows of responsibility grids each) + community (one per
responsibility grid, 001–010 within the street) + grid (001–016). Responsibility grid codes: 110101 + 001–030.
The responsibility grids list no unit codes: the unit grids are linked by containment.

    python -m cases.demo_grids unit > demo_grids_unit.geojson
    python -m cases.demo_grids responsibility > demo_grids_responsibility.geojson
"""

from __future__ import annotations

import hashlib
import sys
from datetime import UTC, datetime
from typing import Any, Final
from uuid import UUID

import asyncpg
import msgspec

from cases import grid_store, routing
from cases.grid_store import GridKind
from cases.grids import GRID_KINDS, import_grids

DISTRICT: Final = "110101"  # 东城区, Beijing (GB/T 2260)
ORIGIN_LAT: Final = 39.9  # south-west corner
ORIGIN_LON: Final = 116.385
CELL_LAT: Final = 0.0009  # about 100.2 m
CELL_LON: Final = 0.00117  # about 99.9 m at 39.91° N
COLUMNS: Final = 20
ROWS: Final = 24
BLOCK: Final = 4  # unit grids per side of a responsibility grid
DUTY_STARTS: Final = datetime(2020, 1, 1, tzinfo=UTC)
# (category, district or None for any district, department): a few links that differ from the defaults
DEMO_LINKS: Final[list[tuple[str, str | None, str]]] = [
    ("C0117", DISTRICT, "power"),  # street lights in Dongcheng: the power company
    ("E0301", DISTRICT, "urban_management"),  # construction disturbance in Dongcheng: enforcement
    ("E0505", DISTRICT, "urban_management"),  # bicycles in the way in Dongcheng: enforcement
    ("E0201", None, "sanitation"),  # illegal flyers anywhere: cleaned off by sanitation
]


def _lat(row: int) -> float:
    return round(ORIGIN_LAT + row * CELL_LAT, 7)


def _lon(column: int) -> float:
    return round(ORIGIN_LON + column * CELL_LON, 7)


def _rectangle(column: int, row: int, width: int = 1, height: int = 1) -> dict[str, Any]:
    west, east, south, north = _lon(column), _lon(column + width), _lat(row), _lat(row + height)
    ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
    return {"type": "Polygon", "coordinates": [ring]}


def _block(column: int, row: int) -> tuple[int, int, int]:
    """(street, community, responsibility sequence) of the responsibility grid holding a unit cell."""
    block_column, block_row = column // BLOCK, row // BLOCK
    street = block_row // 2 + 1
    community = (block_row % 2) * (COLUMNS // BLOCK) + block_column + 1
    sequence = block_row * (COLUMNS // BLOCK) + block_column + 1
    return street, community, sequence


def unit_collection() -> dict[str, Any]:
    features = []
    for row in range(ROWS):
        for column in range(COLUMNS):
            street, community, _ = _block(column, row)
            grid = (row % BLOCK) * BLOCK + column % BLOCK + 1
            code = f"{DISTRICT}{street:03d}{community:03d}{grid:03d}"
            features.append(
                {
                    "type": "Feature",
                    "properties": {"code": code, "name": f"东城示范 {street}-{community}-{grid}"},
                    "geometry": _rectangle(column, row),
                }
            )
    return {"type": "FeatureCollection", "features": features}


def responsibility_collection() -> dict[str, Any]:
    features = []
    for row in range(0, ROWS, BLOCK):
        for column in range(0, COLUMNS, BLOCK):
            _, _, sequence = _block(column, row)
            features.append(
                {
                    "type": "Feature",
                    "properties": {
                        "code": f"{DISTRICT}{sequence:03d}",
                        "name": f"东城示范责任网格 {sequence:02d}",
                    },
                    "geometry": _rectangle(column, row, BLOCK, BLOCK),
                }
            )
    return {"type": "FeatureCollection", "features": features}


def encoded(kind: GridKind) -> bytes:
    return msgspec.json.encode(unit_collection() if kind == "unit" else responsibility_collection())


async def seed_demo_grids(conn: asyncpg.Connection, inspector_id: UUID | None) -> None:
    """Load the demo grids, put the inspector on duty on every responsibility grid, link a few categories.

    Running it again adds nothing (a file already imported is not imported again).
    """
    for kind in reversed(GRID_KINDS):  # responsibility grids first: the unit grids then link at once
        raw = encoded(kind)
        if not await grid_store.was_imported(conn, kind, hashlib.sha256(raw).hexdigest()):
            await import_grids(
                conn, kind, raw, file_name=f"demo_grids_{kind}.geojson", actor_label="cityloop db seed-demo"
            )
    if inspector_id is not None:
        await routing.put_on_duty_everywhere(conn, inspector_id, DUTY_STARTS)
    for category, district, department in DEMO_LINKS:
        if await grid_store.category_exists(conn, category):
            await grid_store.upsert_category_department(conn, category, district, department)


if __name__ == "__main__":
    chosen = [k for k in GRID_KINDS if sys.argv[1:] == [k]]
    if not chosen:
        sys.exit("usage: python -m cases.demo_grids unit|responsibility > FILE.geojson")
    sys.stdout.buffer.write(encoded(chosen[0]) + b"\n")
