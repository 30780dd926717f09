"""Generators of grid GeoJSON for tests: blocks of 100 m cells, and every kind of bad feature."""

from __future__ import annotations

from typing import Any

import msgspec

ORIGIN = (39.90, 116.385)  # (lat, lon) of the south-west corner of cell (0, 0); inside the demo service area
CELL = (0.0009, 0.00117)  # degrees of latitude and longitude: about 100 m x 100 m here
DISTRICT = "110101"


def lat_of(row: float) -> float:
    return round(ORIGIN[0] + row * CELL[0], 7)


def lon_of(column: float) -> float:
    return round(ORIGIN[1] + column * CELL[1], 7)


def point(column: float, row: float) -> tuple[float, float]:
    """(lat, lon) of a place in cell coordinates: (0.5, 0.5) is the middle of cell (0, 0)."""
    return ORIGIN[0] + row * CELL[0], ORIGIN[1] + column * CELL[1]


def rectangle(column: float, row: float, width: float = 1, height: float = 1) -> dict[str, Any]:
    west, east, south, north = lon_of(column), lon_of(column + width), lat_of(row), lat_of(row + height)
    return {
        "type": "Polygon",
        "coordinates": [[[west, south], [east, south], [east, north], [west, north], [west, south]]],
    }


def bow_tie(column: float, row: float) -> dict[str, Any]:
    """A self-intersecting ring over a cell: its edges cross in the middle."""
    west, east, south, north = lon_of(column), lon_of(column + 1), lat_of(row), lat_of(row + 1)
    return {
        "type": "Polygon",
        "coordinates": [[[west, south], [east, north], [east, south], [west, north], [west, south]]],
    }


def unit_code(n: int, *, district: str = DISTRICT, street: int = 1, community: int = 1) -> str:
    return f"{district}{street:03d}{community:03d}{n:03d}"


def feature(code: str | None, geometry: dict[str, Any] | None, **properties: Any) -> dict[str, Any]:
    props = dict(properties)
    if code is not None:
        props["code"] = code
    return {"type": "Feature", "properties": props, "geometry": geometry}


def cells(
    columns: int,
    rows: int,
    *,
    at: tuple[int, int] = (0, 0),
    community: int = 1,
    skip: frozenset[tuple[int, int]] = frozenset(),
) -> list[dict[str, Any]]:
    """Unit grids of a block, row by row from the south-west; codes count up from 001 in `community`."""
    out = []
    n = 0
    for row in range(rows):
        for column in range(columns):
            n += 1
            if (column, row) in skip:
                continue
            out.append(
                feature(
                    unit_code(n, community=community),
                    rectangle(at[0] + column, at[1] + row),
                    name=f"网格 {community}-{n}",
                )
            )
    return out


def responsibility(
    sequence: int, column: int, row: int, width: int, height: int, unit_codes: Any = None
) -> dict[str, Any]:
    extra = {} if unit_codes is None else {"unit_codes": unit_codes}
    return feature(f"{DISTRICT}{sequence:03d}", rectangle(column, row, width, height), **extra)


def collection(features: list[dict[str, Any]], **members: Any) -> dict[str, Any]:
    return {"type": "FeatureCollection", "features": features, **members}


def encode(doc: Any) -> bytes:
    return msgspec.json.encode(doc)
