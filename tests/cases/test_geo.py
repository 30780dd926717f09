from __future__ import annotations

import math

import pytest

from cases.common import (
    CRS_VALUES,
    CasesError,
    InvalidCoordinates,
    UnsupportedCRS,
    bd09_to_gcj02,
    from_wgs84,
    gcj02_to_bd09,
    gcj02_to_wgs84,
    haversine_m,
    out_of_china,
    to_wgs84,
    validate_lat_lon,
    wgs84_to_gcj02,
)

# (lat, lon) everywhere.
BEIJING = (39.9087, 116.3975)  # Tian'anmen
SHANGHAI = (31.2304, 121.4737)
SHENZHEN = (22.5431, 114.0579)
URUMQI = (43.8256, 87.6168)
HARBIN = (45.8038, 126.5350)
LONDON = (51.5074, -0.1278)
SYDNEY = (-33.8688, 151.2093)
CHINA_POINTS = [BEIJING, SHANGHAI, SHENZHEN, URUMQI, HARBIN, (40.0, 120.0)]


def test_domain_test_vector() -> None:
    # DOMAIN.md §7: wgs84 (lon 120, lat 40) → gcj02 (120.00567568355486, 40.0013047896019).
    lat, lon = wgs84_to_gcj02(40.0, 120.0)
    assert lon == pytest.approx(120.00567568355486, abs=1e-12)
    assert lat == pytest.approx(40.0013047896019, abs=1e-12)


@pytest.mark.parametrize("point", CHINA_POINTS)
def test_gcj_offset_is_hundreds_of_metres_in_china(point: tuple[float, float]) -> None:
    shifted = wgs84_to_gcj02(*point)
    assert 50 < haversine_m(*point, *shifted) < 1_000


@pytest.mark.parametrize("point", CHINA_POINTS)
def test_gcj_inverse_converges_below_1e7_degrees(point: tuple[float, float]) -> None:
    back = gcj02_to_wgs84(*wgs84_to_gcj02(*point))
    assert abs(back[0] - point[0]) < 1e-7
    assert abs(back[1] - point[1]) < 1e-7


def test_gcj_inverse_of_the_test_vector() -> None:
    lat, lon = gcj02_to_wgs84(40.0013047896019, 120.00567568355486)
    assert (lat, lon) == pytest.approx((40.0, 120.0), abs=1e-7)


@pytest.mark.parametrize("point", CHINA_POINTS)
def test_bd09_round_trip(point: tuple[float, float]) -> None:
    gcj = wgs84_to_gcj02(*point)
    bd = gcj02_to_bd09(*gcj)
    assert haversine_m(*gcj, *bd) > 100  # Baidu's own second offset
    back = bd09_to_gcj02(*bd)
    assert abs(back[0] - gcj[0]) < 1e-7
    assert abs(back[1] - gcj[1]) < 1e-7


def test_bd09_uses_x_pi_of_3000() -> None:
    # Forward transform written out with x_pi = π × 3000 / 180 for one point.
    lat, lon = 39.915, 116.404
    x_pi = math.pi * 3000.0 / 180.0
    z = math.sqrt(lon * lon + lat * lat) + 0.00002 * math.sin(lat * x_pi)
    theta = math.atan2(lat, lon) + 0.000003 * math.cos(lon * x_pi)
    expected = (z * math.sin(theta) + 0.006, z * math.cos(theta) + 0.0065)
    assert gcj02_to_bd09(lat, lon) == pytest.approx(expected, abs=1e-12)


def test_bd09_offset_is_what_baidu_maps_show() -> None:
    # Baidu's Tian'anmen is about 0.0064° east and 0.0060° north of the GCJ-02 one.
    lat, lon = gcj02_to_bd09(39.9087, 116.3975)
    assert lat - 39.9087 == pytest.approx(0.0060, abs=0.0006)
    assert lon - 116.3975 == pytest.approx(0.0064, abs=0.0006)


@pytest.mark.parametrize("point", [LONDON, SYDNEY, (0.0, 0.0), (60.0, 100.0), (30.0, 140.0), (-10.0, 110.0)])
def test_no_gcj_offset_outside_china(point: tuple[float, float]) -> None:
    assert out_of_china(*point)
    assert wgs84_to_gcj02(*point) == point
    assert gcj02_to_wgs84(*point) == point
    assert to_wgs84(*point, "gcj02") == point


@pytest.mark.parametrize("point", CHINA_POINTS)
def test_mainland_points_are_in_china(point: tuple[float, float]) -> None:
    assert not out_of_china(*point)


@pytest.mark.parametrize("crs", CRS_VALUES)
@pytest.mark.parametrize("point", [*CHINA_POINTS, LONDON, SYDNEY])
def test_to_and_from_wgs84_round_trip(crs: str, point: tuple[float, float]) -> None:
    there = from_wgs84(*point, crs)  # type: ignore[arg-type]
    back = to_wgs84(*there, crs)  # type: ignore[arg-type]
    assert abs(back[0] - point[0]) < 1e-7
    assert abs(back[1] - point[1]) < 1e-7


def test_to_wgs84_by_system() -> None:
    assert to_wgs84(*BEIJING, "wgs84") == BEIJING
    assert to_wgs84(40.0013047896019, 120.00567568355486, "gcj02") == pytest.approx((40.0, 120.0), abs=1e-7)
    bd = gcj02_to_bd09(40.0013047896019, 120.00567568355486)
    assert to_wgs84(*bd, "bd09") == pytest.approx((40.0, 120.0), abs=1e-7)


def test_from_wgs84_by_system() -> None:
    assert from_wgs84(40.0, 120.0, "wgs84") == (40.0, 120.0)
    assert from_wgs84(40.0, 120.0, "gcj02") == wgs84_to_gcj02(40.0, 120.0)
    assert from_wgs84(40.0, 120.0, "bd09") == gcj02_to_bd09(*wgs84_to_gcj02(40.0, 120.0))


def test_unknown_crs_is_refused() -> None:
    with pytest.raises(UnsupportedCRS) as caught:
        to_wgs84(40.0, 120.0, "epsg3857")  # type: ignore[arg-type]
    assert caught.value.code == "unsupported_crs"
    assert caught.value.fields == ("crs",)
    with pytest.raises(InvalidCoordinates):
        from_wgs84(40.0, 120.0, "WGS84")  # type: ignore[arg-type]


def test_haversine() -> None:
    assert haversine_m(*BEIJING, *BEIJING) == 0.0
    # One degree of latitude on the mean sphere: 2πR / 360.
    assert haversine_m(0.0, 0.0, 1.0, 0.0) == pytest.approx(111_195.08, abs=0.01)
    # Beijing to Shanghai is about 1,067 km.
    assert haversine_m(*BEIJING, *SHANGHAI) == pytest.approx(1_067_000, rel=0.005)
    assert haversine_m(*BEIJING, *SHANGHAI) == pytest.approx(haversine_m(*SHANGHAI, *BEIJING))
    # Antipodes: half the circumference, no domain error from rounding.
    assert haversine_m(0.0, 0.0, 0.0, 180.0) == pytest.approx(math.pi * 6_371_008.8)
    # Across the antimeridian.
    assert haversine_m(0.0, 179.9, 0.0, -179.9) == pytest.approx(22_239.0, abs=1.0)


def test_duplicate_radius_scale() -> None:
    # 250 m (DOMAIN.md §6) is about 0.00225° of latitude.
    assert haversine_m(39.9, 116.4, 39.9 + 0.00225, 116.4) == pytest.approx(250, abs=1)


@pytest.mark.parametrize(("lat", "lon"), [(0, 0), (90, 180), (-90, -180), (39.9, 116.4), (1, -1.5)])
def test_valid_coordinates(lat: float, lon: float) -> None:
    assert validate_lat_lon(lat, lon) == (float(lat), float(lon))
    assert all(isinstance(v, float) for v in validate_lat_lon(lat, lon))


@pytest.mark.parametrize(
    ("lat", "lon", "fields"),
    [
        (math.nan, 0.0, ("lat",)),
        (0.0, math.nan, ("lon",)),
        (math.inf, 0.0, ("lat",)),
        (0.0, -math.inf, ("lon",)),
        (90.000001, 0.0, ("lat",)),
        (-91.0, 0.0, ("lat",)),
        (0.0, 180.5, ("lon",)),
        (0.0, -181.0, ("lon",)),
        (100.0, 200.0, ("lat", "lon")),
        ("39.9", 116.4, ("lat",)),
        (None, 116.4, ("lat",)),
        (True, 116.4, ("lat",)),
    ],
)
def test_invalid_coordinates(lat: object, lon: object, fields: tuple[str, ...]) -> None:
    with pytest.raises(InvalidCoordinates) as caught:
        validate_lat_lon(lat, lon)
    assert caught.value.code == "invalid_coordinates"
    assert caught.value.fields == fields
    assert isinstance(caught.value, ValueError)
    assert isinstance(caught.value, CasesError)


@pytest.mark.parametrize("crs", CRS_VALUES)
def test_conversions_validate_their_input(crs: str) -> None:
    with pytest.raises(InvalidCoordinates):
        to_wgs84(math.nan, 116.4, crs)  # type: ignore[arg-type]
    with pytest.raises(InvalidCoordinates):
        from_wgs84(39.9, 181.0, crs)  # type: ignore[arg-type]


def test_errors_codes() -> None:
    assert CasesError.code == "cases_error"
    assert InvalidCoordinates.code == "invalid_coordinates"
