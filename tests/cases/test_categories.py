"""The category catalogue: versioned data, cached by phones with ETags, edited by admins."""

from __future__ import annotations

import json
from typing import Any

import asyncpg
import pytest
from litestar.testing import AsyncTestClient

from api.settings import Settings
from cases.catalogue.service import DEMO_CATALOGUE, load_catalogue, parse_catalogue
from tests.identity.helpers import bearer, staff_token

pytestmark = pytest.mark.usefixtures("demo_city")


async def test_catalogue_lists_groups_and_categories(client: AsyncTestClient[Any]) -> None:
    r = await client.get("/v1/categories")
    assert r.status_code == 200
    body = r.json()
    assert body["version"] == "gbt30428-2013.demo-1"
    majors = {(g["kind"], g["major"]) for g in body["groups"]}
    assert {("component", f"0{n}") for n in range(1, 7)} <= majors
    assert {("event", f"0{n}") for n in range(1, 7)} <= majors
    categories = [c for g in body["groups"] for c in g["categories"]]
    assert len(categories) >= 30
    cover = next(c for c in categories if c["code"] == "C0102")
    assert cover["name_zh"] == "污水井盖"
    assert cover["default_department"] == "drainage"
    assert cover["limit_urgent_hours"] < cover["limit_normal_hours"]


async def test_etag_and_if_none_match(
    client: AsyncTestClient[Any], db: asyncpg.Connection, settings: Settings
) -> None:
    first = await client.get("/v1/categories")
    etag = first.headers["etag"]
    again = await client.get("/v1/categories", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""

    admin = await staff_token(db, settings, "+8613700000010", "admin")
    r = await client.patch("/v1/categories/E0102", json={"limit_normal_hours": 6}, headers=bearer(admin))
    assert r.status_code == 200
    assert r.json()["limit_normal_hours"] == 6

    changed = await client.get("/v1/categories", headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["etag"] != etag
    audit = await db.fetchrow("SELECT action, details FROM audit_log WHERE target_id = 'E0102'")
    assert audit["action"] == "category.update"
    assert audit["details"]["changes"]["limit_normal_hours"] == [8.0, 6.0]


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"limit_normal_hours": -1}, 422, "validation_failed"),
        # rounds to 0.00 in the catalogue: was a 500 from its CHECK constraint (found by schemathesis)
        ({"limit_urgent_hours": 5e-324}, 422, "validation_failed"),
        ({"duplicate_radius_m": 5000}, 422, "validation_failed"),
        ({"colour": "red"}, 422, "validation_failed"),
        ({"limit_urgent_hours": 500}, 422, "unknown_category"),
        ({"default_department": "no-such-dept"}, 422, "unknown_category"),
        ({"default_department": ""}, 422, "unknown_category"),  # was a 500 (found by schemathesis)
    ],
)
async def test_bad_category_edits_change_nothing(
    client: AsyncTestClient[Any],
    db: asyncpg.Connection,
    settings: Settings,
    body: dict[str, Any],
    status: int,
    code: str,
) -> None:
    admin = await staff_token(db, settings, "+8613700000010", "admin")
    before = await db.fetchrow("SELECT * FROM categories WHERE code = 'E0102'")
    r = await client.patch("/v1/categories/E0102", json=body, headers=bearer(admin))
    assert r.status_code == status
    assert r.json()["code"] == code
    assert await db.fetchrow("SELECT * FROM categories WHERE code = 'E0102'") == before


async def test_only_admins_edit_categories(
    client: AsyncTestClient[Any], db: asyncpg.Connection, settings: Settings
) -> None:
    clerk = await staff_token(db, settings, "+8613700000011", "intake_clerk")
    r = await client.patch("/v1/categories/E0102", json={"limit_normal_hours": 6}, headers=bearer(clerk))
    assert r.status_code == 403
    r = await client.patch(
        "/v1/categories/E9999",
        json={"limit_normal_hours": 6},
        headers=bearer(await staff_token(db, settings, "+8613700000010", "admin")),
    )
    assert r.status_code == 404
    assert r.json()["code"] == "category_not_found"


async def test_reloading_the_same_catalogue_changes_nothing(db: asyncpg.Connection) -> None:
    before = await db.fetch("SELECT code, updated_at FROM categories ORDER BY code")
    async with db.transaction():
        changed = await load_catalogue(db, parse_catalogue(DEMO_CATALOGUE.read_bytes()))
    assert changed == 0
    assert await db.fetch("SELECT code, updated_at FROM categories ORDER BY code") == before


async def test_a_new_catalogue_version_replaces_the_active_one(
    db: asyncpg.Connection, client: AsyncTestClient[Any]
) -> None:
    doc = {
        "version": "gbt47678-2026.demo",
        "title": "新版目录",
        "source": "test",
        "groups": [{"kind": "event", "major": "06", "name_zh": "市容环境", "name_en": "City appearance"}],
        "categories": [
            {
                "code": "E06010",
                "kind": "event",
                "major": "06",
                "name_zh": "暴露垃圾",
                "name_en": "Exposed rubbish",
                "limit_urgent_hours": 2,
                "limit_normal_hours": 8,
                "default_department": "sanitation",
            }
        ],
    }
    async with db.transaction():
        await load_catalogue(db, parse_catalogue(json.dumps(doc).encode()))
    body = (await client.get("/v1/categories")).json()
    assert body["version"] == "gbt47678-2026.demo"
    assert [c["code"] for g in body["groups"] for c in g["categories"]] == ["E06010"]
    # the old categories stay for the cases that use them, inactive
    assert await db.fetchval("SELECT active FROM categories WHERE code = 'E0102'") is False
