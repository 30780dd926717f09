"""The demo city's grids, generated to cover the demo service area (cases/data/demo_service_area.geojson,
Dongcheng, 110101): every point of the area, its centre included, lies in a unit grid, so every report there is
routed.

A lattice of cells of about 160 m × 160 m (0.00144° × 0.00187°, about 25,600 m²) is laid from the south-west
corner of the area's bounding box; every cell that touches the area is a unit grid (about 2,700 of them; the
unit grids along the edge stick out of the area a little). Dongcheng's real grids average about this size
(41.8 km² in 1,652 unit grids); the ideal 万米单元网格 of 10,000 m² would take over 6,000 grids here.
Blocks of 4 × 4 cells are the responsibility grids (a block is kept when it holds a unit grid).

Unit grid codes: 110101 + street (001–011, two rows of blocks each) + community (one per block, 001–020 within
the street) + grid (001–016 within the block). Responsibility grid codes: 110101 + the block's sequence
(001–210, row by row from the south-west). The responsibility grids list no unit codes: the unit grids are
linked by containment.

    python -m cases.demo_grids unit > demo_grids_unit.geojson
    python -m cases.demo_grids responsibility > demo_grids_responsibility.geojson
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import json
import math
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, Final, NamedTuple
from uuid import UUID

import asyncpg
import msgspec

from cases.catalogue.service import DATA_DIR
from cases.grids import routing, store
from cases.grids.geojson import GRID_KINDS
from cases.grids.imports import import_grids
from cases.grids.store import GridKind

DISTRICT: Final = "110101"  # 东城区, Beijing (GB/T 2260)


SERVICE_AREA_FILE: Final = DATA_DIR / "demo_service_area.geojson"


CELL_LAT: Final = 0.00144  # about 160.1 m


CELL_LON: Final = 0.00187  # about 159.7 m at 39.91° N


BLOCK: Final = 4  # unit grids per side of a responsibility grid


DUTY_STARTS: Final = datetime(2020, 1, 1, tzinfo=UTC)


# (category, district or None for any district, department): a few links that differ from the defaults
DEMO_LINKS: Final[list[tuple[str, str | None, str]]] = [
    ("C0117", DISTRICT, "power"),  # street lights in Dongcheng: the power company
    ("E0301", DISTRICT, "urban_management"),  # construction disturbance in Dongcheng: enforcement
    ("E0505", DISTRICT, "urban_management"),  # bicycles in the way in Dongcheng: enforcement
    ("E0201", None, "sanitation"),  # illegal flyers anywhere: cleaned off by sanitation
]


Position = tuple[float, float]  # (lon, lat), as GeoJSON has them


Ring = Sequence[Position]


class Lattice(NamedTuple):
    origin_lat: float  # south-west corner of cell (0, 0)
    origin_lon: float
    rows: int
    columns: int

    def lat(self, row: int) -> float:
        return round(self.origin_lat + row * CELL_LAT, 7)

    def lon(self, column: int) -> float:
        return round(self.origin_lon + column * CELL_LON, 7)

    @property
    def block_columns(self) -> int:
        return -(-self.columns // BLOCK)


def _rings(geometry: dict[str, Any]) -> list[list[Position]]:
    """Every ring (outer and inner) of a Polygon or MultiPolygon."""
    polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    return [[(float(p[0]), float(p[1])) for p in ring] for polygon in polygons for ring in polygon]


@functools.cache
def service_area_rings() -> tuple[tuple[Position, ...], ...]:
    area = json.loads(SERVICE_AREA_FILE.read_text(encoding="utf-8"))
    return tuple(tuple(ring) for ring in _rings(area["geometry"]))


def lattice(rings: Sequence[Ring]) -> Lattice:
    """Cells from the south-west corner of the rings' bounding box (rounded down to 0.001°) over all of it."""
    lons = [p[0] for ring in rings for p in ring]
    lats = [p[1] for ring in rings for p in ring]
    origin_lat, origin_lon = math.floor(min(lats) * 1000) / 1000, math.floor(min(lons) * 1000) / 1000
    rows = math.ceil((max(lats) - origin_lat) / CELL_LAT)
    columns = math.ceil((max(lons) - origin_lon) / CELL_LON)
    return Lattice(origin_lat, origin_lon, rows, columns)


def _inside(point: Position, rings: Sequence[Ring]) -> bool:
    """Even-odd rule over all rings (holes included)."""
    x, y = point
    inside = False
    for ring in rings:
        for (x1, y1), (x2, y2) in itertools.pairwise(ring):
            if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
                inside = not inside
    return inside


def _orientation(a: Position, b: Position, c: Position) -> float:
    return (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])


def _segments_meet(p1: Position, p2: Position, q1: Position, q2: Position) -> bool:
    d1, d2 = _orientation(q1, q2, p1), _orientation(q1, q2, p2)
    d3, d4 = _orientation(p1, p2, q1), _orientation(p1, p2, q2)
    if ((d1 > 0) != (d2 > 0) or d1 == 0 or d2 == 0) and ((d3 > 0) != (d4 > 0) or d3 == 0 or d4 == 0):
        # proper crossing, or touching: check the boxes overlap (rules out collinear disjoint segments)
        return (
            min(p1[0], p2[0]) <= max(q1[0], q2[0])
            and min(q1[0], q2[0]) <= max(p1[0], p2[0])
            and min(p1[1], p2[1]) <= max(q1[1], q2[1])
            and min(q1[1], q2[1]) <= max(p1[1], p2[1])
        )
    return False


def touches(west: float, south: float, east: float, north: float, rings: Sequence[Ring]) -> bool:
    """Whether the closed rectangle and the area of the rings meet."""
    corners = [(west, south), (east, south), (east, north), (west, north)]
    if any(_inside(c, rings) for c in corners):
        return True
    if any(west <= x <= east and south <= y <= north for ring in rings for x, y in ring):
        return True
    sides = list(zip(corners, corners[1:] + corners[:1], strict=True))
    return any(
        _segments_meet(a, b, c, d) for ring in rings for a, b in itertools.pairwise(ring) for c, d in sides
    )


def _rectangle(grid: Lattice, column: int, row: int, width: int = 1, height: int = 1) -> dict[str, Any]:
    west, east = grid.lon(column), grid.lon(column + width)
    south, north = grid.lat(row), grid.lat(row + height)
    ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
    return {"type": "Polygon", "coordinates": [ring]}


def _block(grid: Lattice, column: int, row: int) -> tuple[int, int, int]:
    """(street, community, responsibility sequence) of the block holding a cell."""
    block_column, block_row = column // BLOCK, row // BLOCK
    street = block_row // 2 + 1
    community = (block_row % 2) * grid.block_columns + block_column + 1
    sequence = block_row * grid.block_columns + block_column + 1
    return street, community, sequence


@functools.cache
def _layout() -> tuple[Lattice, tuple[tuple[int, int], ...]]:
    """The lattice over the demo service area and its (column, row) cells that touch the area."""
    rings = service_area_rings()
    grid = lattice(rings)
    cells = tuple(
        (column, row)
        for row in range(grid.rows)
        for column in range(grid.columns)
        if touches(grid.lon(column), grid.lat(row), grid.lon(column + 1), grid.lat(row + 1), rings)
    )
    street, community, sequence = _block(grid, grid.columns - 1, grid.rows - 1)
    if max(street, community, sequence) > 999:
        raise ValueError("the demo lattice needs more than 3 digits for a street, community or block")
    return grid, cells


def unit_collection() -> dict[str, Any]:
    grid, cells = _layout()
    features = []
    for column, row in cells:
        street, community, _ = _block(grid, column, row)
        number = (row % BLOCK) * BLOCK + column % BLOCK + 1
        code = f"{DISTRICT}{street:03d}{community:03d}{number:03d}"
        features.append(
            {
                "type": "Feature",
                "properties": {"code": code, "name": f"东城示范 {street}-{community}-{number}"},
                "geometry": _rectangle(grid, column, row),
            }
        )
    return {"type": "FeatureCollection", "features": features}


def responsibility_collection() -> dict[str, Any]:
    grid, cells = _layout()
    blocks = sorted({(row // BLOCK, column // BLOCK) for column, row in cells})
    features = []
    for block_row, block_column in blocks:
        column, row = block_column * BLOCK, block_row * BLOCK
        _, _, sequence = _block(grid, column, row)
        features.append(
            {
                "type": "Feature",
                "properties": {
                    "code": f"{DISTRICT}{sequence:03d}",
                    "name": f"东城示范责任网格 {sequence:03d}",
                },
                "geometry": _rectangle(grid, column, row, BLOCK, BLOCK),
            }
        )
    return {"type": "FeatureCollection", "features": features}


@functools.cache
def encoded(kind: GridKind) -> bytes:
    return msgspec.json.encode(unit_collection() if kind == "unit" else responsibility_collection())


async def seed_demo_grids(conn: asyncpg.Connection, inspector_id: UUID | None) -> None:
    """Load the demo grids, put the inspector on duty on every responsibility grid, link a few categories.

    Running it again adds nothing (a file already imported is not imported again).
    """
    for kind in reversed(GRID_KINDS):  # responsibility grids first: the unit grids then link at once
        raw = encoded(kind)
        if not await store.was_imported(conn, kind, hashlib.sha256(raw).hexdigest()):
            await import_grids(
                conn, kind, raw, file_name=f"demo_grids_{kind}.geojson", actor_label="cityloop db seed-demo"
            )
    if inspector_id is not None:
        await routing.put_on_duty_everywhere(conn, inspector_id, DUTY_STARTS)
    for category, district, department in DEMO_LINKS:
        if await store.category_exists(conn, category):
            await store.upsert_category_department(conn, category, district, department)


if __name__ == "__main__":
    chosen = [k for k in GRID_KINDS if sys.argv[1:] == [k]]
    if not chosen:
        sys.exit("usage: python -m cases.demo_grids unit|responsibility > FILE.geojson")
    sys.stdout.buffer.write(encoded(chosen[0]) + b"\n")
