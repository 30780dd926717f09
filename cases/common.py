"""What every part of cases/ shares: the domain's error base, coordinates (systems, validation, the
location a client sends) and opaque cursors."""

from __future__ import annotations

import base64
import math
from typing import Final, Literal, get_args

import msgspec

from media.models import Point


class CasesError(Exception):
    """Base of every cases error."""

    code: str = "cases_error"


class InvalidCoordinates(CasesError, ValueError):
    """A coordinate pair that is not finite or out of range. ``fields`` names the offending inputs."""

    code = "invalid_coordinates"

    def __init__(self, message: str, *, fields: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.fields = fields


class UnsupportedCRS(InvalidCoordinates):
    """A coordinate system tag other than wgs84, gcj02 or bd09."""

    code = "unsupported_crs"


class CasesFieldError(CasesError):
    """A refusal that names the offending fields and may carry extra members for the problem document."""

    def __init__(self, message: str, *, fields: tuple[str, ...] = (), **context: object) -> None:
        super().__init__(message)
        self.fields = fields
        self.context = context


class PhotoUnavailable(CasesFieldError):
    """A photo id that is not the caller's, not processed yet, or already part of another report or step."""

    code = "photo_unavailable"


class InvalidCursor(CasesFieldError):
    code = "invalid_cursor"


CRS = Literal["wgs84", "gcj02", "bd09"]


CRS_VALUES: Final[tuple[str, ...]] = get_args(CRS)


# Krasovsky 1940 ellipsoid, the datum GCJ-02 is defined on.
_KRASOVSKY_A: Final = 6378245.0


_KRASOVSKY_E2: Final = 0.00669342162296594323


# BD-09: x_pi = π × 3000 / 180 (many copies online use a wrong constant).
_X_PI: Final = math.pi * 3000.0 / 180.0


_BD_DLON: Final = 0.0065


_BD_DLAT: Final = 0.006


# Mean Earth radius (IUGG), metres.
EARTH_RADIUS_M: Final = 6_371_008.8


# Inverse iterations stop when the forward image of the estimate is this close to the target (degrees).
_INVERSE_TOLERANCE: Final = 1e-9


_INVERSE_MAX_STEPS: Final = 50


# Bounding box of mainland China used by the map SDKs to decide whether to offset.
_CHINA_MIN_LON: Final = 72.004


_CHINA_MAX_LON: Final = 137.8347


_CHINA_MIN_LAT: Final = 0.8293


_CHINA_MAX_LAT: Final = 55.8271


def validate_lat_lon(lat: object, lon: object) -> tuple[float, float]:
    """Return ``(lat, lon)`` as floats, or raise ``InvalidCoordinates``.

    Refuses non-numbers (and bools), NaN, infinities, |lat| > 90 and |lon| > 180.
    """
    bad: list[str] = []
    values: list[float] = []
    for name, value in (("lat", lat), ("lon", lon)):
        limit = 90.0 if name == "lat" else 180.0
        if isinstance(value, bool) or not isinstance(value, int | float):
            bad.append(name)
            values.append(math.nan)
            continue
        number = float(value)
        if not math.isfinite(number) or not -limit <= number <= limit:
            bad.append(name)
        values.append(number)
    if bad:
        raise InvalidCoordinates(
            f"coordinates out of range or not finite: lat={lat!r}, lon={lon!r}", fields=tuple(bad)
        )
    return values[0], values[1]


def out_of_china(lat: float, lon: float) -> bool:
    """True when the point is outside the box where GCJ-02 applies an offset."""
    return not (_CHINA_MIN_LON <= lon <= _CHINA_MAX_LON and _CHINA_MIN_LAT <= lat <= _CHINA_MAX_LAT)


def _gcj_shift_lat(x: float, y: float) -> float:
    """Latitude shift in metres-like units; x = lon - 105, y = lat - 35."""
    base = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    wave_x = 20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)
    wave_y = 20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)
    wave_y_long = 160.0 * math.sin(y / 12.0 * math.pi) + 320.0 * math.sin(y * math.pi / 30.0)
    return base + (wave_x + wave_y + wave_y_long) * 2.0 / 3.0


def _gcj_shift_lon(x: float, y: float) -> float:
    """Longitude shift in metres-like units; x = lon - 105, y = lat - 35."""
    base = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    wave_x = 20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)
    wave_x2 = 20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)
    wave_x_long = 150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)
    return base + (wave_x + wave_x2 + wave_x_long) * 2.0 / 3.0


def _gcj_offset(lat: float, lon: float) -> tuple[float, float]:
    """GCJ-02 offset (dlat, dlon) in degrees at a WGS-84 point inside China."""
    x = lon - 105.0
    y = lat - 35.0
    rad_lat = math.radians(lat)
    sin_lat = math.sin(rad_lat)
    w = 1.0 - _KRASOVSKY_E2 * sin_lat * sin_lat
    sqrt_w = math.sqrt(w)
    # Radii of curvature: meridian M = a(1-e²)/w^1.5, prime vertical N = a/w^0.5.
    meridian_radius = _KRASOVSKY_A * (1.0 - _KRASOVSKY_E2) / (w * sqrt_w)
    parallel_radius = _KRASOVSKY_A / sqrt_w * math.cos(rad_lat)
    dlat = math.degrees(_gcj_shift_lat(x, y) / meridian_radius)
    dlon = math.degrees(_gcj_shift_lon(x, y) / parallel_radius)
    return dlat, dlon


def wgs84_to_gcj02(lat: float, lon: float) -> tuple[float, float]:
    """WGS-84 → GCJ-02. Identity outside mainland China."""
    if out_of_china(lat, lon):
        return lat, lon
    dlat, dlon = _gcj_offset(lat, lon)
    return lat + dlat, lon + dlon


def gcj02_to_wgs84(lat: float, lon: float) -> tuple[float, float]:
    """GCJ-02 → WGS-84 by fixed-point iteration on the forward transform.

    The result maps forward to the input within 1e-9° (far below the 1e-7° asked of it).
    """
    if out_of_china(lat, lon):
        return lat, lon
    w_lat, w_lon = lat, lon
    for _ in range(_INVERSE_MAX_STEPS):
        g_lat, g_lon = wgs84_to_gcj02(w_lat, w_lon)
        err_lat, err_lon = g_lat - lat, g_lon - lon
        if abs(err_lat) < _INVERSE_TOLERANCE and abs(err_lon) < _INVERSE_TOLERANCE:
            break
        w_lat -= err_lat
        w_lon -= err_lon
    return w_lat, w_lon


def gcj02_to_bd09(lat: float, lon: float) -> tuple[float, float]:
    """GCJ-02 → BD-09 (Baidu)."""
    r = math.hypot(lon, lat) + 0.00002 * math.sin(lat * _X_PI)
    theta = math.atan2(lat, lon) + 0.000003 * math.cos(lon * _X_PI)
    return r * math.sin(theta) + _BD_DLAT, r * math.cos(theta) + _BD_DLON


def _bd09_to_gcj02_approx(lat: float, lon: float) -> tuple[float, float]:
    x = lon - _BD_DLON
    y = lat - _BD_DLAT
    r = math.hypot(x, y) - 0.00002 * math.sin(y * _X_PI)
    theta = math.atan2(y, x) - 0.000003 * math.cos(x * _X_PI)
    return r * math.sin(theta), r * math.cos(theta)


def bd09_to_gcj02(lat: float, lon: float) -> tuple[float, float]:
    """BD-09 → GCJ-02: the closed-form approximate inverse, refined by iteration to 1e-9°."""
    g_lat, g_lon = _bd09_to_gcj02_approx(lat, lon)
    for _ in range(_INVERSE_MAX_STEPS):
        b_lat, b_lon = gcj02_to_bd09(g_lat, g_lon)
        err_lat, err_lon = b_lat - lat, b_lon - lon
        if abs(err_lat) < _INVERSE_TOLERANCE and abs(err_lon) < _INVERSE_TOLERANCE:
            break
        g_lat -= err_lat
        g_lon -= err_lon
    return g_lat, g_lon


def to_wgs84(lat: float, lon: float, crs: CRS) -> tuple[float, float]:
    """Convert a validated point tagged with ``crs`` to WGS-84."""
    lat, lon = validate_lat_lon(lat, lon)
    if crs == "wgs84":
        return lat, lon
    if crs == "gcj02":
        return gcj02_to_wgs84(lat, lon)
    if crs == "bd09":
        return gcj02_to_wgs84(*bd09_to_gcj02(lat, lon))
    raise UnsupportedCRS(f"unknown coordinate system {crs!r}", fields=("crs",))


def from_wgs84(lat: float, lon: float, crs: CRS) -> tuple[float, float]:
    """Convert a validated WGS-84 point to ``crs`` (what a client asked to be answered in)."""
    lat, lon = validate_lat_lon(lat, lon)
    if crs == "wgs84":
        return lat, lon
    if crs == "gcj02":
        return wgs84_to_gcj02(lat, lon)
    if crs == "bd09":
        return gcj02_to_bd09(*wgs84_to_gcj02(lat, lon))
    raise UnsupportedCRS(f"unknown coordinate system {crs!r}", fields=("crs",))


def haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres on a sphere of the mean Earth radius."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlambda = math.radians(lon2 - lon1)
    h = math.sin(dphi / 2.0) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2.0) ** 2
    return 2.0 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


class Location(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """A point as the phone gives it: latitude, longitude and the coordinate system they are in."""

    lat: float
    lon: float
    crs: CRS = "wgs84"


def present(lat: float, lon: float, crs: CRS) -> Point:
    """A stored WGS-84 point in the system the client asked for."""
    out_lat, out_lon = from_wgs84(lat, lon, crs)
    return Point(lat=round(out_lat, 7), lon=round(out_lon, 7))


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
