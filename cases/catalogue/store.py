"""Every SQL statement of the category catalogue and the departments, and nothing else."""

from __future__ import annotations

from typing import Any

import asyncpg

Record = asyncpg.Record


async def upsert_department(conn: asyncpg.Connection, code: str, name_zh: str, name_en: str) -> None:
    await conn.execute(
        """INSERT INTO departments (code, name_zh, name_en) VALUES ($1, $2, $3)
           ON CONFLICT (code) DO UPDATE SET name_zh = excluded.name_zh, name_en = excluded.name_en""",
        code,
        name_zh,
        name_en,
    )


async def department_exists(conn: asyncpg.Connection, code: str) -> bool:
    found: bool = await conn.fetchval("SELECT EXISTS (SELECT 1 FROM departments WHERE code = $1)", code)
    return found


async def upsert_catalogue(conn: asyncpg.Connection, version: str, title: str, source: str) -> None:
    await conn.execute(
        """INSERT INTO category_catalogues (version, title, source) VALUES ($1, $2, $3)
           ON CONFLICT (version) DO UPDATE SET title = excluded.title, source = excluded.source""",
        version,
        title,
        source,
    )


async def activate_catalogue(conn: asyncpg.Connection, version: str) -> None:
    """Make one catalogue the active one; categories of the others stay for history but are inactive."""
    await conn.execute(
        "UPDATE category_catalogues SET active = false WHERE active AND version <> $1", version
    )
    await conn.execute("UPDATE category_catalogues SET active = true WHERE version = $1", version)
    await conn.execute(
        "UPDATE categories SET active = false, updated_at = now() WHERE catalogue_version <> $1 AND active",
        version,
    )


async def upsert_group(conn: asyncpg.Connection, version: str, group: dict[str, Any]) -> None:
    await conn.execute(
        """INSERT INTO category_groups (catalogue_version, kind, major, name_zh, name_en) VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (catalogue_version, kind, major)
           DO UPDATE SET name_zh = excluded.name_zh, name_en = excluded.name_en""",
        version,
        group["kind"],
        group["major"],
        group["name_zh"],
        group["name_en"],
    )


_CATEGORY_COLUMNS = (
    "kind, major, name_zh, name_en, default_department, limit_urgent_hours, limit_normal_hours, "
    "citizen_reportable, needs_verification, duplicate_radius_m, join_radius_m, join_window_hours, min_photos"
)


async def upsert_category(conn: asyncpg.Connection, version: str, c: dict[str, Any]) -> bool:
    """Insert or update a category from a catalogue file; True when something changed."""
    status = await conn.execute(
        f"""INSERT INTO categories (code, catalogue_version, {_CATEGORY_COLUMNS})
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
            ON CONFLICT (code) DO UPDATE SET
              catalogue_version = excluded.catalogue_version, kind = excluded.kind, major = excluded.major,
              name_zh = excluded.name_zh, name_en = excluded.name_en,
              default_department = excluded.default_department,
              limit_urgent_hours = excluded.limit_urgent_hours, limit_normal_hours = excluded.limit_normal_hours,
              citizen_reportable = excluded.citizen_reportable, needs_verification = excluded.needs_verification,
              duplicate_radius_m = excluded.duplicate_radius_m, join_radius_m = excluded.join_radius_m,
              join_window_hours = excluded.join_window_hours, min_photos = excluded.min_photos,
              active = true, updated_at = now()
            WHERE (categories.catalogue_version, categories.kind, categories.major, categories.name_zh,
                   categories.name_en, categories.default_department, categories.limit_urgent_hours,
                   categories.limit_normal_hours, categories.citizen_reportable, categories.needs_verification,
                   categories.duplicate_radius_m, categories.join_radius_m, categories.join_window_hours,
                   categories.min_photos, categories.active)
               IS DISTINCT FROM
                  (excluded.catalogue_version, excluded.kind, excluded.major, excluded.name_zh, excluded.name_en,
                   excluded.default_department, excluded.limit_urgent_hours, excluded.limit_normal_hours,
                   excluded.citizen_reportable, excluded.needs_verification, excluded.duplicate_radius_m,
                   excluded.join_radius_m, excluded.join_window_hours, excluded.min_photos, true)""",
        c["code"],
        version,
        c["kind"],
        c["major"],
        c["name_zh"],
        c["name_en"],
        c.get("default_department"),
        c["limit_urgent_hours"],
        c["limit_normal_hours"],
        c.get("citizen_reportable", True),
        c.get("needs_verification", True),
        c.get("duplicate_radius_m", 250),
        c.get("join_radius_m", 50),
        c.get("join_window_hours", 24),
        c.get("min_photos", 0),
    )
    return status != "INSERT 0 0"


async def active_catalogue(conn: asyncpg.Connection) -> Record | None:
    """The active catalogue with a fingerprint of its contents (for ETags)."""
    return await conn.fetchrow(
        """SELECT c.version, c.title,
                  (SELECT max(updated_at) FROM categories) AS changed_at,
                  (SELECT count(*) FROM categories WHERE active) AS active_count
           FROM category_catalogues c WHERE c.active"""
    )


async def catalogue_groups(conn: asyncpg.Connection, version: str) -> list[Record]:
    return await conn.fetch(
        "SELECT kind, major, name_zh, name_en FROM category_groups WHERE catalogue_version = $1 ORDER BY kind, major",
        version,
    )


async def active_categories(conn: asyncpg.Connection) -> list[Record]:
    return await conn.fetch(
        f"SELECT code, {_CATEGORY_COLUMNS}, active FROM categories WHERE active ORDER BY code"
    )


async def get_category(conn: asyncpg.Connection, code: str, *, lock: bool = False) -> Record | None:
    return await conn.fetchrow(
        f"SELECT code, {_CATEGORY_COLUMNS}, active FROM categories WHERE code = $1"
        + (" FOR UPDATE" if lock else ""),
        code,
    )


async def update_category(conn: asyncpg.Connection, code: str, changes: dict[str, Any]) -> Record | None:
    """Apply changes to whitelisted columns (the names come from the CategoryUpdate schema, never from input)."""
    allowed = set(_CATEGORY_COLUMNS.replace(" ", "").split(",")) | {"active"}
    assert set(changes) <= allowed
    assignments = ", ".join(f"{column} = ${i}" for i, column in enumerate(changes, start=2))
    return await conn.fetchrow(
        f"UPDATE categories SET {assignments}, updated_at = now() WHERE code = $1 RETURNING code, {_CATEGORY_COLUMNS}, active",
        code,
        *changes.values(),
    )


async def list_departments(conn: asyncpg.Connection) -> list[asyncpg.Record]:
    """Every department, by code."""
    return await conn.fetch("SELECT code, name_zh, name_en FROM departments ORDER BY code")
