"""The property office's pages (console/pages/property.py): what the estate's staff and the district's housing
officer see and may do, through the same housing services and checks as the API."""

from __future__ import annotations

from typing import Any

import asyncpg
from litestar.testing import AsyncTestClient

from api.config import auth_config
from api.demo import seed_demo
from api.settings import Settings
from housing.demo import DEMO_ESTATE_ID
from tests.console.helpers import signed_in

Client = AsyncTestClient[Any]
DEMO_MANAGER = "+8613800138008"
DEMO_OFFICER = "+8613800138012"


async def test_every_page_renders_on_the_demo_estate(
    console: Client, db: asyncpg.Connection, settings: Settings
) -> None:
    async with db.transaction():
        await seed_demo(db, auth_config(settings))
    await signed_in(console, db, DEMO_MANAGER)
    base = f"/console/property/estates/{DEMO_ESTATE_ID}"
    for path in [
        "/console/property/",
        *(
            f"{base}/{p}"
            for p in (
                "arrears",
                "arrears/homes",
                "billing",
                "payments",
                "votes",
                "fund-projects",
                "repairs",
                "filings",
                "credit",
            )
        ),
    ]:
        r = await console.get(path)
        assert r.status_code == 200, (path, r.text[-3000:])
    r = await console.get(f"{base}/votes")
    for mid in await db.fetch("SELECT id FROM vote_matters WHERE estate_id = $1", DEMO_ESTATE_ID):
        r = await console.get(f"/console/property/votes/{mid['id']}")
        assert r.status_code == 200, r.text[-3000:]
    for rid in await db.fetch("SELECT id FROM repairs WHERE estate_id = $1 LIMIT 20", DEMO_ESTATE_ID):
        r = await console.get(f"/console/property/repairs/{rid['id']}")
        assert r.status_code == 200, r.text[-3000:]
