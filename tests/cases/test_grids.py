"""Importing grids: codes, counts, re-imports, refusals of every bad input, repairs, gaps, links, CLI and API."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from litestar.testing import AsyncTestClient

from api.cli import format_report
from api.config import auth_config
from api.demo import seed_demo
from api.settings import Settings
from cases.grids import store as grid_store
from cases.grids.errors import GridImportRefused
from cases.grids.geojson import ImportReport, code_problem, parse_feature_collection
from cases.grids.imports import import_grids, refused_report
from cases.grids.routing import route
from cases.grids.store import GridKind
from tests.cases.grid_fixtures import (
    DISTRICT,
    bow_tie,
    cells,
    collection,
    encode,
    feature,
    lat_of,
    lon_of,
    rectangle,
    responsibility,
    unit_code,
)
from tests.identity.helpers import bearer, staff_token

ROOT = Path(__file__).resolve().parents[2]


async def imported(db: asyncpg.Connection, kind: GridKind, doc: Any, **options: Any) -> ImportReport:
    async with db.transaction():
        return await import_grids(db, kind, doc if isinstance(doc, bytes) else encode(doc), **options)


async def refused(db: asyncpg.Connection, kind: GridKind, doc: Any, **options: Any) -> ImportReport:
    """Import expecting a refusal, committing what the refusal keeps (its log row), as the API does."""
    async with db.transaction():
        with pytest.raises(GridImportRefused) as caught:
            await import_grids(db, kind, doc if isinstance(doc, bytes) else encode(doc), **options)
    report = refused_report(caught.value)
    assert report.outcome == "refused"
    return report


async def stored(db: asyncpg.Connection) -> list[Any]:
    """Everything an import may write, to compare before and after a refusal."""
    return [
        await db.fetch("SELECT * FROM unit_grids ORDER BY code"),
        await db.fetch("SELECT * FROM responsibility_grids ORDER BY code"),
    ]


def problems_by_index(report: ImportReport) -> dict[int | None, set[str]]:
    out: dict[int | None, set[str]] = {}
    for p in report.problems:
        out.setdefault(p.index, set()).add(p.problem)
    return out


# codes --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "code", "ok"),
    [
        ("unit", "110101001001001", True),
        ("unit", "11010100100101", True),  # the form ending in a 2-digit grid number
        ("unit", "440300012003045", True),
        ("unit", "1101010010010011", False),  # 16 digits
        ("unit", "1101010010010", False),  # 13 digits
        ("unit", "11010100100100X", False),
        ("unit", "１１０１０１００１００１００１", False),  # full-width digits are not digits here
        ("unit", "990101001001001", False),  # no province 99
        ("unit", "110000001001001", False),  # a province, not a district
        ("unit", "110101000001001", False),  # street 000
        ("unit", "110101001000001", False),  # community 000
        ("unit", "110101001001000", False),  # grid 000
        ("responsibility", "110101001", True),
        ("responsibility", "110101000", False),
        ("responsibility", "1101010001", False),
        ("responsibility", "110101001001001", False),
    ],
)
def test_codes_are_validated(kind: GridKind, code: str, ok: bool) -> None:
    assert (code_problem(kind, code) is None) == ok


def test_parsing_needs_no_database_and_names_every_feature() -> None:
    doc = collection(
        [
            *cells(2, 1),
            feature("bad", rectangle(5, 5)),
            feature(unit_code(9), {"type": "Point", "coordinates": [116.39, 39.91]}),
        ]
    )
    parsed = parse_feature_collection(encode(doc), "unit")
    assert parsed.total == 4
    assert [(p.index, p.problem) for p in parsed.problems] == [(2, "bad_code"), (3, "wrong_geometry_type")]
    assert [f.idx for f in parsed.features] == [
        0,
        1,
        2,
    ]  # the bad code's geometry is still checked in PostGIS


# good files ---------------------------------------------------------------------------------------------------


async def test_import_unit_grids(db: asyncpg.Connection) -> None:
    report = await imported(db, "unit", collection(cells(4, 3)), file_name="dongcheng.geojson")

    assert (report.outcome, report.features, report.created, report.updated, report.unchanged) == (
        "imported",
        12,
        12,
        0,
        0,
    )
    assert (report.parts, report.gaps_total, report.problems) == (1, 0, [])
    rows = await db.fetch(
        "SELECT code, name, district_code, street_code, community_code, area_m2, ST_GeometryType(geom) AS type,"
        " responsibility_grid_id FROM unit_grids ORDER BY code"
    )
    assert [r["code"] for r in rows] == [unit_code(n) for n in range(1, 13)]
    first = rows[0]
    assert (first["district_code"], first["street_code"], first["community_code"]) == (DISTRICT, "001", "001")
    assert first["name"] == "网格 1-1"
    assert first["type"] == "ST_MultiPolygon"
    assert all(9_900 < r["area_m2"] < 10_100 for r in rows)  # about 10,000 m² each
    assert all(r["responsibility_grid_id"] is None for r in rows)
    assert report.units_unassigned == 12
    log = await db.fetchrow("SELECT * FROM grid_imports WHERE id = $1", report.id)
    assert (log["kind"], log["outcome"], log["file_name"], log["sha256"]) == (
        "unit",
        "imported",
        "dongcheng.geojson",
        report.sha256,
    )
    assert log["counts"]["created"] == 12
    assert "features 12: created 12, updated 0, unchanged 0" in format_report(report)


async def test_the_14_digit_form_is_kept_as_text(db: asyncpg.Connection) -> None:
    await imported(db, "unit", collection([feature("11010100100101", rectangle(0, 0))]))
    assert await db.fetchval("SELECT code FROM unit_grids") == "11010100100101"


async def test_reimporting_the_same_file_changes_nothing(db: asyncpg.Connection) -> None:
    doc = collection(cells(4, 3))
    await imported(db, "unit", doc)
    before = await stored(db)

    again = await imported(db, "unit", doc)

    assert (again.created, again.updated, again.unchanged, again.links_changed) == (0, 0, 12, 0)
    assert await stored(db) == before  # not even updated_at moved
    assert await db.fetchval("SELECT count(*) FROM grid_imports WHERE outcome = 'imported'") == 2


async def test_changed_features_are_updated_and_missing_ones_kept(db: asyncpg.Connection) -> None:
    await imported(db, "unit", collection(cells(4, 3)))
    features = cells(4, 3)
    features[0]["properties"]["name"] = "改名"
    features[1]["geometry"]["coordinates"][0].insert(1, [lon_of(1.5), lat_of(0)])  # a vertex more, same shape
    del features[11]
    features.append(feature(unit_code(13), rectangle(0, 3)))

    report = await imported(db, "unit", collection(features))

    assert (report.created, report.updated, report.unchanged, report.not_in_file) == (1, 2, 9, 1)
    assert await db.fetchval("SELECT name FROM unit_grids WHERE code = $1", unit_code(1)) == "改名"
    assert await db.fetchval("SELECT count(*) FROM unit_grids") == 13  # the one missing from the file stays


async def test_codes_may_be_json_integers_and_padded(db: asyncpg.Connection) -> None:
    doc = collection(
        [
            {"type": "Feature", "properties": {"code": 110101001001001}, "geometry": rectangle(0, 0)},
            feature(f" {unit_code(2)} ", rectangle(1, 0)),
        ]
    )
    report = await imported(db, "unit", doc)
    assert report.created == 2
    assert await db.fetchval("SELECT array_agg(code ORDER BY code) FROM unit_grids") == [
        unit_code(1),
        unit_code(2),
    ]


async def test_heights_are_dropped_and_multipolygons_kept(db: asyncpg.Connection) -> None:
    square = rectangle(0, 0)["coordinates"][0]
    with_height = {"type": "Polygon", "coordinates": [[[x, y, 43.5] for x, y in square]]}
    two_parts = {
        "type": "MultiPolygon",
        "coordinates": [rectangle(2, 0)["coordinates"], rectangle(4, 0)["coordinates"]],
    }
    await imported(
        db, "unit", collection([feature(unit_code(1), with_height), feature(unit_code(2), two_parts)])
    )
    rows = await db.fetch(
        "SELECT ST_NDims(geom) AS dims, ST_NumGeometries(geom) AS parts FROM unit_grids ORDER BY code"
    )
    assert [(r["dims"], r["parts"]) for r in rows] == [(2, 1), (2, 2)]


async def test_a_dry_run_counts_but_writes_nothing(db: asyncpg.Connection) -> None:
    report = await imported(db, "unit", collection(cells(3, 3)), dry_run=True)
    assert (report.outcome, report.created) == ("dry_run", 9)
    assert await db.fetchval("SELECT count(*) FROM unit_grids") == 0
    assert await db.fetchval("SELECT outcome FROM grid_imports") == "dry_run"


# bad files: refused whole, nothing written ---------------------------------------------------------------------


def _bad(index: int, change: Any) -> dict[str, Any]:
    features = cells(3, 2)
    change(features[index])
    return collection(features)


def _set_geometry(geometry: dict[str, Any]) -> Any:
    return lambda f: f.__setitem__("geometry", geometry)


def _unclose(f: dict[str, Any]) -> None:
    f["geometry"]["coordinates"][0][-1] = [lon_of(0.5), lat_of(0)]


def _too_few(f: dict[str, Any]) -> None:
    ring = f["geometry"]["coordinates"][0]
    f["geometry"]["coordinates"][0] = [ring[0], ring[1], ring[0]]


def _out_of_range(f: dict[str, Any]) -> None:
    f["geometry"]["coordinates"][0][1][0] = 216.39


BAD_FEATURES = [
    ("bad code", 1, lambda f: f["properties"].update(code="11010100100100X"), "bad_code"),
    ("missing code", 1, lambda f: f["properties"].pop("code"), "missing_code"),
    ("unclosed ring", 2, _unclose, "unclosed_ring"),
    ("too few points", 2, _too_few, "too_few_points"),
    ("self-intersection", 3, _set_geometry(bow_tie(0, 1)), "invalid_geometry"),
    ("out of range", 4, _out_of_range, "coordinates_out_of_range"),
    ("point", 5, _set_geometry({"type": "Point", "coordinates": [116.39, 39.9]}), "wrong_geometry_type"),
    (
        "line",
        5,
        _set_geometry({"type": "LineString", "coordinates": [[116.39, 39.9], [116.4, 39.9]]}),
        "wrong_geometry_type",
    ),
    ("no geometry", 0, _set_geometry(None), "missing_geometry"),  # type: ignore[arg-type]
    (
        "text coordinates",
        0,
        _set_geometry({"type": "Polygon", "coordinates": [[["116.385", "39.9"]] * 4]}),
        "malformed_coordinates",
    ),
    ("duplicate code", 4, lambda f: f["properties"].update(code=unit_code(1)), "duplicate_code"),
    ("overlap", 5, _set_geometry(rectangle(1.5, 1)), "overlap"),
    ("district mismatch", 1, lambda f: f["properties"].update(district_code="110102"), "district_mismatch"),
    ("long name", 1, lambda f: f["properties"].update(name="名" * 101), "bad_name"),
]


@pytest.mark.parametrize(
    ("index", "change", "problem"), [b[1:] for b in BAD_FEATURES], ids=[b[0] for b in BAD_FEATURES]
)
async def test_a_bad_feature_refuses_the_whole_file(
    db: asyncpg.Connection, index: int, change: Any, problem: str
) -> None:
    await imported(db, "unit", collection(cells(2, 2, at=(10, 10), community=2)))  # already stored, elsewhere
    before = await stored(db)

    report = await refused(db, "unit", _bad(index, change))

    assert problem in problems_by_index(report)[index]
    named = next(p for p in report.problems if p.problem == problem)
    if problem != "missing_code":
        assert named.code is not None
    assert await stored(db) == before
    log = await db.fetchrow("SELECT outcome, problems FROM grid_imports WHERE id = $1", report.id)
    assert log["outcome"] == "refused"
    assert {p["problem"] for p in log["problems"]} >= {problem}
    assert "nothing was imported" in format_report(report)


async def test_the_reason_of_an_invalid_polygon_is_postgis_own(db: asyncpg.Connection) -> None:
    report = await refused(db, "unit", _bad(3, _set_geometry(bow_tie(0, 1))))
    [problem] = report.problems
    assert problem.detail.startswith("Self-intersection[")
    assert (problem.index, problem.code) == (3, unit_code(4))


async def test_both_features_of_a_duplicate_or_an_overlap_are_named(db: asyncpg.Connection) -> None:
    features = cells(3, 2)
    features[4]["properties"]["code"] = unit_code(1)
    features[5]["geometry"] = rectangle(1.5, 1)
    report = await refused(db, "unit", collection(features))
    duplicate = next(p for p in report.problems if p.problem == "duplicate_code")
    assert (duplicate.index, duplicate.other_index, duplicate.code) == (4, 0, unit_code(1))
    overlaps = [p for p in report.problems if p.problem == "overlap"]
    assert [(p.index, p.code, p.other_index, p.other_code) for p in overlaps] == [
        (4, unit_code(1), 5, unit_code(6)),
        (5, unit_code(6), 4, unit_code(1)),
    ]
    assert all(p.area_m2 is not None and 4_500 < p.area_m2 < 5_500 for p in overlaps)  # half a cell


async def test_every_offending_feature_is_named_at_once(db: asyncpg.Connection) -> None:
    features = cells(4, 2)
    features[1]["properties"]["code"] = "nope"
    _unclose(features[3])
    features[6]["geometry"] = bow_tie(2, 1)
    report = await refused(db, "unit", collection(features))
    assert problems_by_index(report) == {
        1: {"bad_code"},
        3: {"unclosed_ring"},
        6: {"invalid_geometry"},
    }
    assert report.problems_total == 3
    assert await db.fetchval("SELECT count(*) FROM unit_grids") == 0


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        (b'{"type": "FeatureCollection", "features": [', "invalid_json"),
        (b"\xff\xfe not utf-8", "invalid_json"),
        (encode(cells(1, 1)[0]), "not_a_feature_collection"),  # a lone Feature
        (encode(cells(2, 1)), "not_a_feature_collection"),  # a bare list of features
        (encode({"type": "FeatureCollection", "features": {}}), "not_a_feature_collection"),
        (encode(collection([])), "no_features"),
        (
            encode(collection(cells(1, 1), crs={"type": "name", "properties": {"name": "EPSG:3857"}})),
            "unsupported_crs",
        ),
    ],
    ids=["truncated", "not utf-8", "feature", "list", "features not a list", "empty", "web mercator"],
)
async def test_a_file_that_is_not_a_feature_collection_is_refused(
    db: asyncpg.Connection, raw: bytes, problem: str
) -> None:
    report = await refused(db, "unit", raw)
    assert [(p.index, p.problem) for p in report.problems] == [(None, problem)]
    assert await db.fetchval("SELECT count(*) FROM unit_grids") == 0
    assert await db.fetchval("SELECT outcome FROM grid_imports") == "refused"


async def test_cgcs2000_is_accepted_as_wgs84(db: asyncpg.Connection) -> None:
    crs = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::4490"}}
    assert (await imported(db, "unit", collection(cells(1, 1), crs=crs))).created == 1


async def test_an_overlap_with_a_stored_grid_is_refused(db: asyncpg.Connection) -> None:
    await imported(db, "unit", collection(cells(2, 1)))
    before = await stored(db)
    newcomer = feature(unit_code(1, community=9), rectangle(1.5, 0))
    report = await refused(db, "unit", collection([newcomer]))
    [problem] = report.problems
    assert (problem.problem, problem.index, problem.other_code) == ("overlaps_stored_grid", 0, unit_code(2))
    assert await stored(db) == before
    # the same place under the stored code replaces the stored grid: no overlap
    moved = feature(unit_code(2), rectangle(1.5, 0))
    assert (await imported(db, "unit", collection([moved]))).updated == 1


async def test_a_sliver_below_the_tolerance_is_not_an_overlap(db: asyncpg.Connection) -> None:
    features = cells(2, 1)
    ring = features[0]["geometry"]["coordinates"][0]
    for corner in (1, 2):  # the east edge 1e-7° (about 9 mm) into the neighbour: under 1 m² shared
        ring[corner][0] = round(ring[corner][0] + 1e-7, 7)
    assert (await imported(db, "unit", collection(features))).created == 2


# repairs and gaps ---------------------------------------------------------------------------------------------


async def test_make_valid_repairs_a_bow_tie(db: asyncpg.Connection) -> None:
    doc = collection([*cells(1, 1), feature(unit_code(2), bow_tie(1, 0))])
    await refused(db, "unit", doc)

    report = await imported(db, "unit", doc, make_valid=True)

    assert report.created == 2
    [repaired] = report.repaired
    assert (repaired.index, repaired.code) == (1, unit_code(2))
    assert "Self-intersection" in repaired.detail
    row = await db.fetchrow(
        "SELECT ST_IsValid(geom) AS valid, ST_NumGeometries(geom) AS parts, area_m2 FROM unit_grids WHERE code = $1",
        unit_code(2),
    )
    assert row["valid"] and row["parts"] == 2  # the two triangles of the bow tie
    assert 4_900 < row["area_m2"] < 5_100
    assert "repaired feature 1" in format_report(report)


async def test_gaps_are_reported_not_refused(db: asyncpg.Connection) -> None:
    report = await imported(db, "unit", collection(cells(3, 3, skip=frozenset({(1, 1)}))))
    assert (report.outcome, report.created, report.gaps_total) == ("imported", 8, 1)
    [gap] = report.gaps
    assert 9_900 < gap.area_m2 < 10_100
    assert gap.around == sorted(unit_code(n) for n in (1, 2, 3, 4, 6, 7, 8, 9))
    assert lat_of(1) < gap.lat < lat_of(2) and lon_of(1) < gap.lon < lon_of(2)
    log = await db.fetchrow("SELECT counts, problems FROM grid_imports WHERE id = $1", report.id)
    assert log["counts"]["gaps_total"] == 1
    assert [p["problem"] for p in log["problems"]] == ["gap"]
    assert "gap of" in format_report(report)


async def test_separate_blocks_are_parts_not_gaps(db: asyncpg.Connection) -> None:
    features = cells(2, 2) + cells(2, 2, at=(5, 0), community=2)
    report = await imported(db, "unit", collection(features))
    assert (report.parts, report.gaps_total) == (2, 0)


# responsibility grids and links -------------------------------------------------------------------------------


async def test_unit_grids_link_to_the_responsibility_grid_containing_them(db: asyncpg.Connection) -> None:
    await imported(db, "unit", collection(cells(4, 2)))
    report = await imported(
        db, "responsibility", collection([responsibility(1, 0, 0, 2, 2), responsibility(2, 2, 0, 2, 2)])
    )
    assert (report.created, report.links_changed, report.units_unassigned) == (2, 8, 0)
    links = await db.fetch(
        """SELECT u.code, r.code AS grid, u.responsibility_link FROM unit_grids u
           JOIN responsibility_grids r ON r.id = u.responsibility_grid_id ORDER BY u.code"""
    )
    assert [(r["grid"], r["responsibility_link"]) for r in links] == [
        (f"{DISTRICT}{1 if n % 4 in (1, 2) else 2:03d}", "contained") for n in range(1, 9)
    ]
    assert await db.fetchval("SELECT district_code FROM responsibility_grids LIMIT 1") == DISTRICT
    again = await imported(
        db, "responsibility", collection([responsibility(1, 0, 0, 2, 2), responsibility(2, 2, 0, 2, 2)])
    )
    assert (again.unchanged, again.links_changed) == (2, 0)


async def test_units_imported_later_link_at_once(db: asyncpg.Connection) -> None:
    await imported(db, "responsibility", collection([responsibility(1, 0, 0, 4, 2)]))
    report = await imported(db, "unit", collection(cells(4, 2)))
    assert (report.links_changed, report.units_unassigned) == (8, 0)


async def test_a_listed_unit_wins_over_containment(db: asyncpg.Connection) -> None:
    await imported(db, "unit", collection(cells(4, 2)))
    # grid 2 lists unit 1, which lies inside grid 1; as one string, as a shapefile would carry it
    report = await imported(
        db,
        "responsibility",
        collection(
            [
                responsibility(1, 0, 0, 2, 2),
                responsibility(2, 2, 0, 2, 2, unit_codes=f"{unit_code(1)}, {unit_code(3)};{unit_code(99)}"),
            ]
        ),
    )
    link = await db.fetchrow(
        """SELECT r.code, u.responsibility_link FROM unit_grids u
           JOIN responsibility_grids r ON r.id = u.responsibility_grid_id WHERE u.code = $1""",
        unit_code(1),
    )
    assert (link["code"], link["responsibility_link"]) == (f"{DISTRICT}002", "listed")
    [warning] = report.warnings
    assert (warning.problem, warning.index, warning.code) == ("unknown_unit_codes", 1, f"{DISTRICT}002")
    assert unit_code(99) in warning.detail
    assert await db.fetchval(
        "SELECT unit_codes FROM responsibility_grids WHERE code = $1", f"{DISTRICT}002"
    ) == [
        unit_code(1),
        unit_code(3),
        unit_code(99),
    ]


async def test_a_unit_listed_by_two_grids_is_refused(db: asyncpg.Connection) -> None:
    await imported(db, "unit", collection(cells(4, 2)))
    doc = collection(
        [
            responsibility(1, 0, 0, 2, 2, unit_codes=[unit_code(1)]),
            responsibility(2, 2, 0, 2, 2, unit_codes=[unit_code(1), unit_code(3)]),
        ]
    )
    before = await stored(db)
    report = await refused(db, "responsibility", doc)
    assert {(p.index, p.problem) for p in report.problems} == {
        (0, "unit_listed_twice"),
        (1, "unit_listed_twice"),
    }
    assert await stored(db) == before


async def test_responsibility_codes_and_unit_lists_are_checked(db: asyncpg.Connection) -> None:
    doc = collection(
        [
            feature(unit_code(1), rectangle(0, 0)),  # a unit code is not a responsibility code
            responsibility(2, 1, 0, 1, 1, unit_codes=["110101001001001", "x"]),
        ]
    )
    report = await refused(db, "responsibility", doc)
    assert problems_by_index(report) == {0: {"bad_code"}, 1: {"bad_unit_codes"}}


# the command line ---------------------------------------------------------------------------------------------


def _cli(database_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": database_url}
    return subprocess.run(
        [sys.executable, "-m", "api.cli", "grids", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


async def test_the_cli_imports_and_refuses(db: asyncpg.Connection, database_url: str, tmp_path: Path) -> None:
    good = tmp_path / "units.geojson"
    good.write_bytes(encode(collection(cells(3, 2))))
    done = _cli(database_url, "import", str(good), "--kind", "unit")
    assert done.returncode == 0, done.stderr
    assert "imported" in done.stdout and "created 6" in done.stdout
    assert "check" in done.stderr  # the progress of each phase
    assert await db.fetchval("SELECT count(*) FROM unit_grids") == 6

    again = _cli(database_url, "import", str(good), "--kind", "unit", "--dry-run")
    assert again.returncode == 0 and "unchanged 6" in again.stdout

    bad = tmp_path / "bad.geojson"
    features = cells(3, 2, at=(0, 5), community=5)
    features[2]["geometry"] = bow_tie(2, 5)
    bad.write_bytes(encode(collection(features)))
    no = _cli(database_url, "import", str(bad), "--kind", "unit")
    assert no.returncode == 1
    assert f"feature 2 ({unit_code(3, community=5)}): invalid_geometry: Self-intersection" in no.stdout
    assert await db.fetchval("SELECT count(*) FROM unit_grids") == 6
    audit = await db.fetch("SELECT details FROM audit_log WHERE action = 'grids.import' ORDER BY id")
    assert [a["details"]["outcome"] for a in audit] == ["imported", "dry_run", "refused"]

    fixed = _cli(database_url, "import", str(bad), "--kind", "unit", "--make-valid")
    assert fixed.returncode == 0 and "repaired feature 2" in fixed.stdout


# the admin API ------------------------------------------------------------------------------------------------


async def test_admins_import_through_the_api(
    client: AsyncTestClient[Any], db: asyncpg.Connection, settings: Settings
) -> None:
    token = await staff_token(db, settings, "+8613700000010", "admin")
    r = await client.post(
        "/v1/admin/grids/import?kind=unit&file_name=east.geojson",
        content=encode(collection(cells(3, 3))),
        headers={**bearer(token), "Content-Type": "application/geo+json"},
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["outcome"], body["created"], body["file_name"]) == ("imported", 9, "east.geojson")
    audit = await db.fetchrow(
        "SELECT action, target_id, details FROM audit_log WHERE action = 'grids.import'"
    )
    assert audit["target_id"] == body["id"] and audit["details"]["created"] == 9

    log = (await client.get("/v1/admin/grids/imports", headers=bearer(token))).json()
    assert [e["id"] for e in log] == [body["id"]]
    one = (await client.get(f"/v1/admin/grids/imports/{body['id']}", headers=bearer(token))).json()
    assert one["counts"]["created"] == 9 and one["problems"] == []


async def test_the_api_refuses_a_bad_file_naming_the_features(
    client: AsyncTestClient[Any], db: asyncpg.Connection, settings: Settings
) -> None:
    token = await staff_token(db, settings, "+8613700000010", "admin")
    features = cells(3, 1)
    features[1]["properties"]["code"] = "110101"
    _unclose(features[2])
    r = await client.post(
        "/v1/admin/grids/import?kind=unit",
        content=encode(collection(features)),
        headers={**bearer(token), "Accept-Language": "en"},
    )
    assert r.status_code == 422, r.text
    problem = r.json()
    assert problem["code"] == "grid_import_refused"
    assert problem["title"] == "The grid file was refused"
    assert [(e["field"], e["code"]) for e in problem["errors"]] == [
        ("features[1]", "bad_code"),
        ("features[2]", "unclosed_ring"),
    ]
    assert [(p["index"], p.get("code")) for p in problem["problems"]] == [(1, "110101"), (2, unit_code(3))]
    assert problem["problems_total"] == 2
    assert await db.fetchval("SELECT count(*) FROM unit_grids") == 0
    # the refusal itself is kept: in the import log and the audit log
    assert await db.fetchval(
        "SELECT outcome FROM grid_imports WHERE id = $1::uuid", problem["import_id"]
    ) == ("refused")
    assert await db.fetchval("SELECT details->>'outcome' FROM audit_log WHERE action = 'grids.import'") == (
        "refused"
    )


async def test_the_api_takes_files_larger_than_a_json_body(
    client: AsyncTestClient[Any], db: asyncpg.Connection, settings: Settings
) -> None:
    token = await staff_token(db, settings, "+8613700000010", "admin")
    raw = encode(collection([f for k in range(7) for f in cells(80, 10, at=(0, 10 * k), community=k + 1)]))
    assert len(raw) > 1024 * 1024  # above the app's 1 MB limit for JSON bodies
    r = await client.post("/v1/admin/grids/import?kind=unit&dry_run=true", content=raw, headers=bearer(token))
    assert r.status_code == 200, r.text
    assert r.json()["created"] == 5_600


@pytest.mark.parametrize("role", ["citizen", "inspector", "dispatcher", "leader"])
async def test_only_admins_manage_routing_data(
    client: AsyncTestClient[Any], db: asyncpg.Connection, settings: Settings, role: Any
) -> None:
    token = await staff_token(db, settings, "+8613700000011", role)
    requests = [
        ("POST", "/v1/admin/grids/import?kind=unit", encode(collection(cells(1, 1)))),
        ("GET", "/v1/admin/grids/imports", None),
        ("GET", "/v1/admin/duties", None),
        (
            "PUT",
            "/v1/admin/duties",
            encode(
                {
                    "inspector_id": "0190f0e0-0000-7000-8000-000000000000",
                    "grid": "110101001",
                    "starts_at": "2026-01-01T00:00:00Z",
                }
            ),
        ),
        ("GET", "/v1/admin/category-departments", None),
        ("PUT", "/v1/admin/category-departments", encode({"category": "E0102", "department": "sanitation"})),
    ]
    for method, path, body in requests:
        r = await client.request(method, path, content=body, headers=bearer(token))
        assert r.status_code == 403, (method, path, r.text)
        assert r.json()["code"] == "forbidden"
        assert r.json()["required_roles"] == ["admin"]
    assert await db.fetchval("SELECT count(*) FROM grid_imports") == 0
    assert await db.fetchval("SELECT count(*) FROM unit_grids") == 0


async def test_grid_imports_need_a_token(client: AsyncTestClient[Any], db: asyncpg.Connection) -> None:
    r = await client.post("/v1/admin/grids/import?kind=unit", content=encode(collection(cells(1, 1))))
    assert r.status_code == 401
    assert r.json()["code"] == "unauthenticated"
    assert await db.fetchval("SELECT count(*) FROM grid_imports") == 0


async def test_the_kind_is_required(
    client: AsyncTestClient[Any], db: asyncpg.Connection, settings: Settings
) -> None:
    token = await staff_token(db, settings, "+8613700000010", "admin")
    for query in ("", "?kind=street"):
        r = await client.post(f"/v1/admin/grids/import{query}", content=b"{}", headers=bearer(token))
        assert r.status_code in (400, 422)
        assert r.json()["code"] == "validation_failed" or r.json()["code"] == "bad_request"
    assert await db.fetchval("SELECT count(*) FROM grid_imports") == 0


def test_demo_grids_are_valid_and_complete() -> None:
    from cases.grids.demo import encoded

    units = parse_feature_collection(encoded("unit"), "unit")
    blocks = parse_feature_collection(encoded("responsibility"), "responsibility")
    assert (units.total, units.problems, blocks.total, blocks.problems) == (2649, [], 185, [])


# the demo city --------------------------------------------------------------------------------------------------


async def test_the_demo_city_routes_to_the_demo_inspector(db: asyncpg.Connection, settings: Settings) -> None:
    async with db.transaction():
        await seed_demo(db, auth_config(settings))
    counts = """SELECT (SELECT count(*) FROM unit_grids), (SELECT count(*) FROM responsibility_grids),
                       (SELECT count(*) FROM inspector_duties), (SELECT count(*) FROM category_departments),
                       (SELECT count(*) FROM grid_imports)"""
    first = await db.fetchrow(counts)
    async with db.transaction():
        await seed_demo(db, auth_config(settings))  # again: nothing added
    assert await db.fetchrow(counts) == first
    assert first is not None and tuple(first) == (2649, 185, 185, 4, 2)

    inspector = await db.fetchval("SELECT id FROM users WHERE phone = '+8613800138002'")
    decision = await route(db, 39.9087, 116.3975, "C0117", datetime.now(UTC))  # the demo report point
    assert decision.inspector_id == inspector
    assert decision.unit_grid_code is not None and decision.unit_grid_code.startswith("110101")
    assert decision.department_code == "power"  # street lights in Dongcheng
    assert await grid_store.count_unassigned_units(db) == 0
