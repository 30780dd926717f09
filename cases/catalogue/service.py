"""The category catalogue: data with a version, loaded from a JSON file (see cases/data/), read by the apps
and edited by admins. Each function that takes a connection runs inside the caller's transaction and never commits."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Annotated

import asyncpg
import msgspec

from cases.catalogue import store
from cases.catalogue.errors import CategoryNotFound, InvalidCatalogue, UnknownCategory
from cases.catalogue.models import (
    Catalogue,
    Category,
    CategoryCode,
    CategoryGroup,
    CategoryUpdate,
    Hours,
    Kind,
)

DATA_DIR = Path(__file__).resolve().parent.parent / "data"


DEMO_CATALOGUE = DATA_DIR / "catalogue_gbt30428_demo.json"


Major = Annotated[str, msgspec.Meta(pattern=r"^[0-9]{2}$")]


class DepartmentEntry(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    code: Annotated[str, msgspec.Meta(pattern=r"^[a-z0-9_-]{2,32}$")]
    name_zh: str
    name_en: str


class GroupEntry(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    kind: Kind
    major: Major
    name_zh: str
    name_en: str


class CategoryEntry(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    code: CategoryCode
    kind: Kind
    major: Major
    name_zh: Annotated[str, msgspec.Meta(min_length=1, max_length=64)]
    name_en: Annotated[str, msgspec.Meta(min_length=1, max_length=128)]
    limit_urgent_hours: Hours
    limit_normal_hours: Hours
    default_department: str | None = None
    citizen_reportable: bool = True
    needs_verification: bool = True
    duplicate_radius_m: Annotated[int, msgspec.Meta(ge=10, le=1000)] = 250
    join_radius_m: Annotated[int, msgspec.Meta(ge=0, le=1000)] = 50
    join_window_hours: Annotated[int, msgspec.Meta(ge=0, le=720)] = 24
    min_photos: Annotated[int, msgspec.Meta(ge=0, le=6)] = 0


class CatalogueFile(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    version: Annotated[str, msgspec.Meta(min_length=1, max_length=64)]
    title: str
    source: str
    groups: list[GroupEntry]
    categories: list[CategoryEntry]
    departments: list[DepartmentEntry] = []


def parse_catalogue(raw: bytes) -> CatalogueFile:
    """Decode and cross-check a catalogue file; every problem is reported, nothing is loaded."""
    try:
        doc = msgspec.json.decode(raw, type=CatalogueFile)
    except msgspec.DecodeError as exc:
        raise InvalidCatalogue(f"not a valid catalogue file: {exc}") from exc
    problems: list[str] = []
    groups = {(g.kind, g.major) for g in doc.groups}
    codes: set[str] = set()
    for c in doc.categories:
        if c.code in codes:
            problems.append(f"{c.code}: listed twice")
        codes.add(c.code)
        if (c.kind, c.major) not in groups:
            problems.append(f"{c.code}: no group {c.kind} {c.major}")
        if c.code[0] != ("C" if c.kind == "component" else "E") or c.code[1:3] != c.major:
            problems.append(f"{c.code}: code does not match kind {c.kind} and major {c.major}")
        if c.limit_urgent_hours > c.limit_normal_hours:
            problems.append(f"{c.code}: the urgent limit is longer than the normal one")
    if problems:
        raise InvalidCatalogue("; ".join(problems))
    return doc


async def load_catalogue(conn: asyncpg.Connection, doc: CatalogueFile) -> int:
    """Load a catalogue and make it the active one. Returns how many categories changed (0 on a reload)."""
    known = {d.code for d in doc.departments}
    for department in doc.departments:
        await store.upsert_department(conn, department.code, department.name_zh, department.name_en)
    for c in doc.categories:
        wanted = c.default_department
        if wanted and wanted not in known and not await store.department_exists(conn, wanted):
            raise InvalidCatalogue(f"{c.code}: unknown department {c.default_department}")
    await store.upsert_catalogue(conn, doc.version, doc.title, doc.source)
    for group in doc.groups:
        await store.upsert_group(conn, doc.version, msgspec.to_builtins(group))
    changed = 0
    for category in doc.categories:
        changed += await store.upsert_category(conn, doc.version, msgspec.to_builtins(category))
    await store.activate_catalogue(conn, doc.version)
    return changed


def category_view(row: asyncpg.Record) -> Category:
    values = dict(row)
    values["limit_urgent_hours"] = float(values["limit_urgent_hours"])
    values["limit_normal_hours"] = float(values["limit_normal_hours"])
    return Category(**values)


async def catalogue(conn: asyncpg.Connection) -> tuple[Catalogue, str]:
    """The active catalogue, grouped, with an ETag that changes whenever a category does."""
    head = await store.active_catalogue(conn)
    if head is None:
        return Catalogue(version="", title="", groups=[]), '"empty"'
    categories = [category_view(r) for r in await store.active_categories(conn)]
    groups = [
        CategoryGroup(
            kind=g["kind"],
            major=g["major"],
            name_zh=g["name_zh"],
            name_en=g["name_en"],
            categories=[c for c in categories if c.kind == g["kind"] and c.major == g["major"]],
        )
        for g in await store.catalogue_groups(conn, head["version"])
    ]
    seed = f"{head['version']}|{head['changed_at'].isoformat()}|{head['active_count']}"
    etag = '"' + hashlib.sha256(seed.encode()).hexdigest()[:32] + '"'
    return Catalogue(version=head["version"], title=head["title"], groups=groups), etag


async def find_category(conn: asyncpg.Connection, code: str) -> Category | None:
    row = await store.get_category(conn, code)
    return None if row is None else category_view(row)


async def active_category(conn: asyncpg.Connection, code: str) -> Category:
    """The category, which must exist and be active (what a report, a search or a recategorisation names)."""
    category = await find_category(conn, code)
    if category is None or not category.active:
        raise UnknownCategory(f"no active category {code}", fields=("category",))
    return category


async def department_exists(conn: asyncpg.Connection, code: str) -> bool:
    return await store.department_exists(conn, code)


async def update_category(
    conn: asyncpg.Connection, code: str, update: CategoryUpdate
) -> tuple[Category, Category]:
    """Change a category (admins). Returns (before, after) for the audit log."""
    before = await store.get_category(conn, code, lock=True)
    if before is None:
        raise CategoryNotFound(f"no category {code}")
    changes = {k: v for k, v in msgspec.structs.asdict(update).items() if v is not msgspec.UNSET}
    # "" too: it names no department (it reached the foreign key as a 500)
    if changes.get("default_department") is not None and not await store.department_exists(
        conn, changes["default_department"]
    ):
        raise UnknownCategory("no such department", fields=("default_department",))
    urgent = changes.get("limit_urgent_hours", float(before["limit_urgent_hours"]))
    normal = changes.get("limit_normal_hours", float(before["limit_normal_hours"]))
    if urgent > normal:
        raise UnknownCategory(
            "the urgent limit is longer than the normal one", fields=("limit_urgent_hours",)
        )
    after = await store.update_category(conn, code, changes) if changes else before
    assert after is not None
    return category_view(before), category_view(after)


async def departments(conn: asyncpg.Connection) -> list[tuple[str, str, str]]:
    """Every department as (code, name_zh, name_en), by code (the console's dispatch form and map filter)."""
    return [(r["code"], r["name_zh"], r["name_en"]) for r in await store.list_departments(conn)]
