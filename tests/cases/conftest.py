"""Fixtures of the cases domain: the demo catalogue and service area in the test's database."""

from __future__ import annotations

import json

import asyncpg
import pytest

from cases.catalogue.service import DATA_DIR, DEMO_CATALOGUE, load_catalogue, parse_catalogue
from cases.reports import store


@pytest.fixture
async def demo_city(db: asyncpg.Connection) -> None:
    async with db.transaction():
        await load_catalogue(db, parse_catalogue(DEMO_CATALOGUE.read_bytes()))
        area = json.loads((DATA_DIR / "demo_service_area.geojson").read_text(encoding="utf-8"))
        await store.insert_service_area(db, area["properties"]["name"], json.dumps(area["geometry"]))
