"""The daily report limit for citizens (staff are exempt)."""

from __future__ import annotations

from typing import Any

import asyncpg
import pytest
from litestar.testing import AsyncTestClient

from api.settings import Settings
from tests.cases.helpers import report_body, submit
from tests.identity.helpers import sign_in, staff_token

pytestmark = pytest.mark.usefixtures("demo_city")


@pytest.fixture
def settings(database_url: str) -> Settings:
    from api.settings import load_settings

    return load_settings(database_url=database_url, env="test", reports_per_day=3)


async def test_citizens_have_a_daily_limit_and_staff_do_not(
    client: AsyncTestClient[Any], db: asyncpg.Connection, settings: Settings
) -> None:
    citizen = (await sign_in(client, db, "13912345678"))["access_token"]
    statuses = [
        (await submit(client, citizen, report_body(category=c))).status_code
        for c in ("E0102", "E0501", "E0201", "E0104")
    ]
    assert statuses == [201, 201, 201, 429]
    assert await db.fetchval("SELECT count(*) FROM reports") == 3
    inspector = await staff_token(db, settings, "+8613700000022", "inspector", ("district", "110101"))
    statuses = [
        (await submit(client, inspector, report_body(category=c))).status_code
        for c in ("E0102", "E0501", "E0201", "E0104")
    ]
    assert statuses == [201] * 4
