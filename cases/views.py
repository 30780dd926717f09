"""Small builders shared by the read side of reports and cases: points in the client's coordinate system,
public timelines and opaque cursors."""

from __future__ import annotations

import base64
from collections.abc import Iterable, Mapping
from typing import Any

import asyncpg

from cases.errors import InvalidCursor
from cases.geo import CRS, from_wgs84
from cases.models import TimelineEntry
from media.models import Point


def present(lat: float, lon: float, crs: CRS) -> Point:
    """A stored WGS-84 point in the system the client asked for."""
    out_lat, out_lon = from_wgs84(lat, lon, crs)
    return Point(lat=round(out_lat, 7), lon=round(out_lon, 7))


def timeline(rows: Iterable[Mapping[str, Any] | asyncpg.Record]) -> list[TimelineEntry]:
    """Case events as a timeline (the rows are already filtered to what the reader may see)."""
    return [TimelineEntry(at=r["at"], kind=r["kind"], state=r["to_state"], note=r["note"]) for r in rows]


def encode_cursor(*parts: object) -> str:
    return base64.urlsafe_b64encode("|".join(str(p) for p in parts).encode()).decode().rstrip("=")


def decode_cursor(cursor: str, parts: int, field: str = "cursor") -> list[str]:
    """The parts of a cursor this API gave out, or InvalidCursor naming the field."""
    try:
        decoded = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode().split("|")
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidCursor("the cursor is not one this API gave out", fields=(field,)) from exc
    if len(decoded) != parts:
        raise InvalidCursor("the cursor is not one this API gave out", fields=(field,))
    return decoded
