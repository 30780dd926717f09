"""Importing grid polygons (单元网格 unit grids, 责任网格 responsibility grids) from GeoJSON.

The file is a FeatureCollection in WGS-84 (or CGCS2000, EPSG:4490, which is the same at metre level), one
feature per grid, Polygon or MultiPolygon, with properties:

- ``code`` (required; text, or a JSON integer that is turned into text; surrounding spaces are stripped)

  - unit grid: district(6, GB/T 2260) + street(3) + community(3) + grid(3) = 15 digits (the Beijing form),
    or the form ending in a 2-digit grid number = 14 digits;
  - responsibility grid: district(6) + a 3-digit sequence within the district = 9 digits, e.g. 110101001.

  The district must start with a province code and may not end in 0000; street, community and the sequence
  may not be all zeros.
- ``name`` (optional, at most 100 characters), ``district_code`` (optional; must equal the code's first six
  digits).
- ``unit_codes`` (responsibility grids only, optional): the unit grids this responsibility grid is made of,
  as a JSON list, or as one string separated by commas, semicolons or spaces (what a shapefile can hold).

How unit grids find their responsibility grid (after every import, for all stored unit grids): a
responsibility grid that lists the unit's code wins ("listed"); otherwise the responsibility grid whose
polygon covers the unit's PointOnSurface ("contained"; the smallest code if several do); otherwise none.

A file is refused as a whole, with every offending feature named by index and code, for: a file that is not
JSON or not a FeatureCollection, an unknown ``crs``, no features; per feature: a bad or missing code, a code
twice, a district that does not match, a geometry that is missing, not Polygon/MultiPolygon, malformed, with
coordinates out of range, a ring with fewer than 4 positions or not closed, invalid for PostGIS (the
ST_IsValidReason is given; ``make_valid`` repairs with ST_MakeValid instead and reports what it repaired),
and overlaps: two features of the file, or a feature and a stored grid of the same kind that the file does not
replace, sharing more than ``overlap_tolerance_m2`` (1 m²) of area.

Gaps are reported, not refused. A gap is a hole of the union of the file's grids: an area enclosed by them
that none covers, larger than ``gap_tolerance_m2`` (1 m²; grids lying inside the hole are subtracted). Land
outside the union's outer edge is the edge of the import, not a gap: the number of separate ``parts`` of the
union says whether the file is one piece.

An import upserts by code: new codes are created, changed ones updated, identical ones left untouched (the
counts say which); grids missing from the file are kept (``not_in_file``). It runs inside the caller's
transaction in a savepoint; a refusal or a dry run rolls the savepoint back, and every run writes one row of
the import log (``grid_imports``) after that, which the caller commits (the refusal is marked ``persist``).
"""

from __future__ import annotations

import gc
import re
from collections.abc import Callable
from datetime import datetime
from typing import Any, Final, Literal, NamedTuple
from uuid import UUID

import msgspec

from cases.grids.store import GridKind

GRID_KINDS: Final[tuple[GridKind, ...]] = ("unit", "responsibility")


NIL_UUID: Final = UUID(int=0)  # sorts below every other id


Outcome = Literal["imported", "dry_run", "refused"]


#: progress(phase, done, total): phases are "parse", "load", "check" and "write", in that order
Progress = Callable[[str, int, int], None]


# GB/T 2260: the first two digits are a province-level division
PROVINCES: Final = frozenset(
    {
        "11",
        "12",
        "13",
        "14",
        "15",
        "21",
        "22",
        "23",
        "31",
        "32",
        "33",
        "34",
        "35",
        "36",
        "37",
        "41",
        "42",
        "43",
        "44",
        "45",
        "46",
        "50",
        "51",
        "52",
        "53",
        "54",
        "61",
        "62",
        "63",
        "64",
        "65",
        "71",
        "81",
        "82",
    }
)


UNIT_CODE: Final = re.compile(r"^([0-9]{6})([0-9]{3})([0-9]{3})([0-9]{2,3})$")


RESPONSIBILITY_CODE: Final = re.compile(r"^([0-9]{6})([0-9]{3})$")


ACCEPTED_CRS: Final = frozenset(
    {
        "urn:ogc:def:crs:OGC:1.3:CRS84",
        "urn:ogc:def:crs:OGC::CRS84",
        "urn:ogc:def:crs:EPSG::4326",
        "EPSG:4326",
        "urn:ogc:def:crs:EPSG::4490",
        "EPSG:4490",
    }
)


_LIST_SEPARATORS: Final = re.compile(r"[,;\s]+")


class ImportOptions(msgspec.Struct, frozen=True, kw_only=True):
    overlap_tolerance_m2: float = 1.0  # shared area below this is digitising noise, not an overlap
    gap_tolerance_m2: float = 1.0
    max_features: int = 250_000
    max_problems: int = 10_000  # kept in the report and the log; the count is always exact
    max_gaps: int = 1_000
    code_property: str = "code"
    name_property: str = "name"
    units_property: str = "unit_codes"


DEFAULT_OPTIONS: Final = ImportOptions()


class ImportProblem(msgspec.Struct, frozen=True, omit_defaults=True):
    """One finding about a feature (``index`` in the file, its ``code``) or, without an index, the file."""

    problem: str
    detail: str
    index: int | None = None
    code: str | None = None
    other_index: int | None = None
    other_code: str | None = None
    area_m2: float | None = None


class Gap(msgspec.Struct, frozen=True):
    area_m2: float
    lat: float  # a point inside the gap (WGS-84)
    lon: float
    around: list[str]  # codes of features on its edge (at most 8)


class ImportReport(msgspec.Struct, frozen=True, kw_only=True):
    id: UUID  # the row of the import log
    kind: GridKind
    file_name: str
    sha256: str
    outcome: Outcome
    dry_run: bool
    make_valid: bool
    features: int
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    not_in_file: int = 0  # stored grids of this kind the file does not mention; kept
    links_changed: int = 0  # unit grids whose responsibility grid changed
    units_unassigned: int = 0  # stored unit grids without a responsibility grid, after the import
    parts: int = 0  # separate pieces of the union of the file's grids
    gaps: list[Gap] = []
    gaps_total: int = 0
    repaired: list[ImportProblem] = []
    warnings: list[ImportProblem] = []
    problems: list[ImportProblem] = []
    problems_total: int = 0
    seconds: dict[str, float] = {}
    created_at: datetime


class ParsedFeature(NamedTuple):
    idx: int  # position in the file's features
    code: str
    name: str
    unit_codes: list[str] | None
    geojson: str


class ParsedFile(NamedTuple):
    features: list[ParsedFeature]  # the features whose geometry could be read (whatever else is wrong)
    problems: list[ImportProblem]
    total: int  # features in the file


def district_problem(district: str) -> str | None:
    if district[:2] not in PROVINCES:
        return f"district {district} does not start with a province code (GB/T 2260)"
    if district.endswith("0000"):
        return f"district {district} is a province, not a county-level district"
    return None


def unit_code_problem(code: str) -> str | None:
    """Why a unit grid code is not district(6)+street(3)+community(3)+grid(3 or 2 digits); None when it is."""
    match = UNIT_CODE.match(code)
    if match is None:
        return "a unit grid code is 15 digits (district 6 + street 3 + community 3 + grid 3) or 14 (grid 2)"
    district, street, community, grid = match.groups()
    if problem := district_problem(district):
        return problem
    for part, value in (("street", street), ("community", community), ("grid number", grid)):
        if int(value) == 0:
            return f"the {part} part is all zeros"
    return None


def responsibility_code_problem(code: str) -> str | None:
    match = RESPONSIBILITY_CODE.match(code)
    if match is None:
        return "a responsibility grid code is 9 digits: district 6 + a 3-digit sequence"
    district, sequence = match.groups()
    if problem := district_problem(district):
        return problem
    return "the sequence part is all zeros" if int(sequence) == 0 else None


def code_problem(kind: GridKind, code: str) -> str | None:
    return unit_code_problem(code) if kind == "unit" else responsibility_code_problem(code)


def _text(value: Any) -> str | None:
    """A property as text: strings (stripped) and integers; None for anything else."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return None


Ring = list[list[float]]


class _Collection(msgspec.Struct):
    type: Any = None
    features: list[msgspec.Raw] | None = None
    crs: Any = None


class _Feature(msgspec.Struct):
    type: Any = None
    properties: Any = None
    geometry: msgspec.Raw = msgspec.Raw(b"null")


class _Geometry(msgspec.Struct):
    type: Any = None
    coordinates: msgspec.Raw = msgspec.Raw(b"null")


_COLLECTION = msgspec.json.Decoder(_Collection)


_FEATURE = msgspec.json.Decoder(_Feature)


_GEOMETRY = msgspec.json.Decoder(_Geometry)


_POLYGON = msgspec.json.Decoder(list[Ring])


_MULTIPOLYGON = msgspec.json.Decoder(list[list[Ring]])


def _check_polygon(polygon: list[Ring], where: str, found: dict[str, str]) -> None:
    """Record the first problem of each kind in `found` (kind -> detail)."""
    if not polygon:
        found.setdefault("malformed_coordinates", f"{where}a polygon is a non-empty list of rings")
        return
    for r, ring in enumerate(polygon):
        at = f"{where}ring {r}"
        if len(ring) < 4:
            found.setdefault("too_few_points", f"{at} has {len(ring)} position(s); a ring needs at least 4")
            if not ring:
                continue
        if any(not 2 <= len(position) <= 3 for position in ring):
            found.setdefault("malformed_coordinates", f"{at}: a position is [longitude, latitude]")
            continue
        lons = [position[0] for position in ring]
        lats = [position[1] for position in ring]
        if min(lons) < -180.0 or max(lons) > 180.0 or min(lats) < -90.0 or max(lats) > 90.0:
            p = next(
                i for i, (x, y) in enumerate(zip(lons, lats, strict=True)) if abs(x) > 180 or abs(y) > 90
            )
            found.setdefault(
                "coordinates_out_of_range",
                f"{at}, position {p}: [{lons[p]}, {lats[p]}] is not a longitude in [-180, 180] and a latitude "
                "in [-90, 90]",
            )
        elif lons[0] != lons[-1] or lats[0] != lats[-1]:
            found.setdefault(
                "unclosed_ring",
                f"{at} is not closed: it starts at [{lons[0]}, {lats[0]}] and ends at [{lons[-1]}, {lats[-1]}]",
            )


def _check_geometry(raw: msgspec.Raw, found: dict[str, str]) -> str | None:
    """The geometry as GeoJSON for PostGIS when it can be read; problems go to `found`."""
    if bytes(raw) == b"null":
        found["missing_geometry"] = "the feature has no geometry"
        return None
    try:
        geometry = _GEOMETRY.decode(raw)
    except msgspec.ValidationError:
        geometry = _Geometry()
    kind = geometry.type
    if kind not in ("Polygon", "MultiPolygon"):
        shown = kind if isinstance(kind, str) else "not a GeoJSON geometry"
        found["wrong_geometry_type"] = f"the geometry is {shown}, not Polygon or MultiPolygon"
        return None
    try:
        if kind == "Polygon":
            _check_polygon(_POLYGON.decode(geometry.coordinates), "", found)
        else:
            polygons = _MULTIPOLYGON.decode(geometry.coordinates)
            if not polygons:
                found["malformed_coordinates"] = "a MultiPolygon is a non-empty list of polygons"
            for n, polygon in enumerate(polygons):
                _check_polygon(polygon, f"polygon {n}, ", found)
    except msgspec.ValidationError as exc:
        found["malformed_coordinates"] = f"the coordinates are not {kind} coordinates: {exc}"
    if found.keys() & {
        "malformed_coordinates",
        "coordinates_out_of_range",
        "too_few_points",
        "unclosed_ring",
    }:
        return None
    return f'{{"type":"{kind}","coordinates":{bytes(geometry.coordinates).decode()}}}'


def _unit_codes(value: Any, found: dict[str, str]) -> list[str] | None:
    if value is None:
        return None
    if isinstance(value, str):
        items: list[Any] = [v for v in _LIST_SEPARATORS.split(value) if v]
    elif isinstance(value, list):
        items = value
    else:
        found["bad_unit_codes"] = "unit_codes is a list of unit grid codes, or one string of them"
        return None
    codes: set[str] = set()
    bad: list[str] = []
    for item in items:
        code = _text(item)
        if code is None or unit_code_problem(code) is not None:
            bad.append(repr(item))
        else:
            codes.add(code)
    if bad:
        shown = ", ".join(bad[:5]) + (f" and {len(bad) - 5} more" if len(bad) > 5 else "")
        found["bad_unit_codes"] = f"not unit grid codes: {shown}"
        return None
    return sorted(codes)


def _crs_problem(crs: Any) -> str | None:
    if crs is None:
        return None
    name = crs.get("properties", {}).get("name") if isinstance(crs, dict) else None
    if isinstance(name, str) and name in ACCEPTED_CRS:
        return None
    return f"coordinates must be WGS-84 or CGCS2000 longitude/latitude, not {name or crs!r}"


def _parse_feature(
    raw: msgspec.Raw, index: int, kind: GridKind, options: ImportOptions, first_index: dict[str, int]
) -> tuple[ParsedFeature | None, list[ImportProblem]]:
    try:
        feature = _FEATURE.decode(raw)
    except msgspec.ValidationError:
        feature = _Feature()
    if feature.type != "Feature":
        return None, [ImportProblem(problem="not_a_feature", detail="not a GeoJSON Feature", index=index)]
    found: dict[str, str] = {}
    properties = feature.properties if feature.properties is not None else {}
    if not isinstance(properties, dict):
        properties = {}
        found["bad_properties"] = "properties is not an object"
    code = _text(properties.get(options.code_property)) or None
    if code is None:
        found["missing_code"] = f"no {options.code_property!r} property with the grid code"
    elif why := code_problem(kind, code):
        found["bad_code"] = why
    elif code in first_index:
        found["duplicate_code"] = f"{code} is also the code of feature {first_index[code]}"
    else:
        first_index[code] = index
    district = _text(properties.get("district_code"))
    if district and code and district != code[:6]:
        found["district_mismatch"] = f"district_code {district} is not the code's district {code[:6]}"
    raw_name = properties.get(options.name_property)
    name = _text(raw_name) if raw_name is not None else ""
    if name is None or len(name) > 100:
        found["bad_name"] = "the name is text of at most 100 characters"
    unit_codes = (
        _unit_codes(properties.get(options.units_property), found) if kind == "responsibility" else None
    )
    geojson = _check_geometry(feature.geometry, found)
    problems = [
        ImportProblem(
            problem=problem,
            detail=detail,
            index=index,
            code=code,
            other_index=first_index.get(code) if problem == "duplicate_code" and code else None,
        )
        for problem, detail in found.items()
    ]
    parsed = ParsedFeature(index, code or "", name or "", unit_codes, geojson) if geojson else None
    return parsed, problems


def _parse(raw: bytes, kind: GridKind, options: ImportOptions, progress: Progress | None) -> ParsedFile:
    def file_problem(problem: str, detail: str) -> ParsedFile:
        return ParsedFile([], [ImportProblem(problem=problem, detail=detail)], 0)

    try:
        doc = _COLLECTION.decode(raw)
    except msgspec.ValidationError:
        doc = _Collection()
    except msgspec.DecodeError as exc:
        return file_problem("invalid_json", f"the file is not valid JSON: {exc}")
    if doc.type != "FeatureCollection" or doc.features is None:
        return file_problem(
            "not_a_feature_collection",
            'the file is not a GeoJSON FeatureCollection ({"type": "FeatureCollection", "features": [...]})',
        )
    if crs_problem := _crs_problem(doc.crs):
        return file_problem("unsupported_crs", crs_problem)
    total = len(doc.features)
    if total == 0:
        return file_problem("no_features", "the FeatureCollection has no features")
    if total > options.max_features:
        return file_problem("too_many_features", f"{total} features; at most {options.max_features} at once")

    features: list[ParsedFeature] = []
    problems: list[ImportProblem] = []
    first_index: dict[str, int] = {}
    step = max(1, total // 100)
    for index, raw_feature in enumerate(doc.features):
        if progress is not None and index % step == 0:
            progress("parse", index, total)
        parsed, found = _parse_feature(raw_feature, index, kind, options, first_index)
        problems.extend(found)
        if parsed is not None:
            features.append(parsed)
    if progress is not None:
        progress("parse", total, total)
    return ParsedFile(features, problems, total)


def parse_feature_collection(
    raw: bytes, kind: GridKind, options: ImportOptions = DEFAULT_OPTIONS, progress: Progress | None = None
) -> ParsedFile:
    """Read and check a GeoJSON FeatureCollection without a database: every problem found is returned.

    The cyclic garbage collector is paused meanwhile: it would otherwise walk the millions of young
    lists and floats of a large file again and again (it costs more than the parsing).
    """
    paused = gc.isenabled()
    gc.disable()
    try:
        return _parse(raw, kind, options, progress)
    finally:
        if paused:
            gc.enable()
