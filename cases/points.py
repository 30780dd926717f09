"""Points in and out: every location carries its coordinate system; WGS-84 is what is stored."""

from __future__ import annotations

from cases.geo import CRS, from_wgs84, to_wgs84, validate_lat_lon
from cases.models import Location, Point


def to_point(location: Location) -> tuple[float, float]:
    """WGS-84 (lat, lon) of a location given in any supported system; refuses non-finite or out-of-range."""
    lat, lon = validate_lat_lon(location.lat, location.lon)
    return to_wgs84(lat, lon, location.crs)


def present(lat: float, lon: float, crs: CRS) -> Point:
    """A stored WGS-84 point in the system the client asked for."""
    out_lat, out_lon = from_wgs84(lat, lon, crs)
    return Point(lat=round(out_lat, 7), lon=round(out_lon, 7))
