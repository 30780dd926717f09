"""Daily and per-address limits on sign-in codes, kept in PostgreSQL."""

from __future__ import annotations

from typing import Any

import asyncpg
import pytest
from litestar.testing import AsyncTestClient

from tests.identity.test_sign_in import PHONE, count


@pytest.fixture
def settings(database_url: str) -> Any:
    from api.settings import load_settings

    # a generous per-minute limit so that the daily and per-address limits can be reached
    return load_settings(
        database_url=database_url, env="test", otp_per_phone_per_minute=100, otp_per_ip_per_hour=15
    )


async def test_ten_codes_a_day_per_phone(client: AsyncTestClient[Any], db: asyncpg.Connection) -> None:
    statuses = [(await client.post("/v1/auth/otp", json={"phone": PHONE})).status_code for _ in range(11)]
    assert statuses == [202] * 10 + [429]
    assert await count(db, "sms_messages") == 10


async def test_limit_per_client_address(client: AsyncTestClient[Any], db: asyncpg.Connection) -> None:
    phones = [f"139{n:08d}" for n in range(10_000_001, 10_000_017)]
    statuses = [(await client.post("/v1/auth/otp", json={"phone": p})).status_code for p in phones]
    assert statuses == [202] * 15 + [429]
    assert await count(db, "sms_messages") == 15
