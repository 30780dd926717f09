"""Both fake providers running, the app configured to pay through them, and an estate with a resident's bills.

Callbacks are taken from the fakes (signed and encrypted as the providers do) and posted to the app through the
test client, so that each test decides when, how often and in what order they arrive.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator, Coroutine, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar
from uuid import UUID

import asyncpg
import pytest
from litestar.testing import AsyncTestClient

from api.db import create_pool
from api.settings import Settings, load_settings
from housing import billing
from housing.providers.fakes import FakeAlipay, FakeWeChatPay
from housing.providers.fakes.__main__ import write_client_configs
from housing.providers.fakes.common import Notification
from tests.housing.money_fixtures import Estate, auth, bind, fee_item, make_estate, person

T = TypeVar("T")
CALLBACK = "/v1/payments/callbacks/{channel}"


class Background:
    """An event loop in a thread of its own for the fakes: the test client holds the test's loop while the app
    answers, and the app's provider calls (in worker threads) must still reach the fakes."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()

    async def __call__(self, coro: Coroutine[Any, Any, T]) -> T:
        return await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(coro, self.loop))

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=10)
        self.loop.close()


@pytest.fixture
def run() -> Iterator[Background]:
    background = Background()
    yield background
    background.close()


@pytest.fixture
async def wechat_fake(run: Background) -> AsyncIterator[FakeWeChatPay]:
    fake = FakeWeChatPay(refund_delay_s=0.01)
    await run(fake.start())
    yield fake
    await run(fake.stop())


@pytest.fixture
async def alipay_fake(run: Background) -> AsyncIterator[FakeAlipay]:
    fake = FakeAlipay()
    await run(fake.start())
    yield fake
    await run(fake.stop())


@pytest.fixture
def settings(
    database_url: str, tmp_path: Path, wechat_fake: FakeWeChatPay, alipay_fake: FakeAlipay
) -> Settings:
    path = tmp_path / "payments.json"
    write_client_configs(path, wechat_fake.client_config(), alipay_fake.client_config())
    return load_settings(
        database_url=database_url,
        env="test",
        db_pool_min=1,
        db_pool_max=4,
        payments_config_file=str(path),
        payments_notify_origin="http://127.0.0.1:9",  # nothing listens: the tests post the callbacks themselves
    )


@pytest.fixture
async def pool(settings: Settings) -> AsyncIterator[asyncpg.Pool]:
    p = await create_pool(settings)
    try:
        yield p
    finally:
        await p.close()


@dataclass
class Scene:
    estate: Estate
    home: UUID
    resident: str
    resident_id: UUID
    stranger: str
    manager: str
    bills: list[UUID]  # the resident's home's open bills, oldest first


@pytest.fixture
async def scene(db: asyncpg.Connection, settings: Settings, pool: asyncpg.Pool) -> Scene:
    estate = await make_estate(db)
    await fee_item(db, estate, kind="property", name="物业费", price_fen=250)
    await fee_item(db, estate, kind="flat", name="垃圾清运费", price_fen=1000)
    for period in ("2026-10", "2026-11"):
        async with db.transaction():
            run, _ = await billing.create_run(db, estate.id, period, None)
        await billing.execute_run(pool, run.id)
    resident, resident_id = await person(db, settings, "13900000101", "resident")
    stranger, _ = await person(db, settings, "13900000102", "resident")
    manager, _ = await person(db, settings, "13900000103", "property_manager", ("estate", str(estate.id)))
    home = estate.homes[0]
    await bind(db, home, resident_id)
    bills = [
        r["id"]
        for r in await db.fetch(
            "SELECT id FROM bills WHERE home_id = $1 ORDER BY due_date, period_start, id", home
        )
    ]
    return Scene(estate, home, resident, resident_id, stranger, manager, bills)


async def pay_order(
    client: AsyncTestClient[Any], token: str, key: str, channel: str, bill_ids: list[UUID], **extra: Any
) -> Any:
    r = await client.post(
        "/v1/payments",
        json={"channel": channel, "bill_ids": [str(b) for b in bill_ids], **extra},
        headers=auth(token, **{"Idempotency-Key": key}),
    )
    assert r.status_code == 201, r.text
    return r.json()


async def deliver(
    client: AsyncTestClient[Any], channel: str, notification: Notification, refund: bool = False
) -> Any:
    path = CALLBACK.format(channel=channel) + ("/refunds" if refund else "")
    return await client.post(path, content=notification.body, headers=notification.headers)


async def money_rows(db: asyncpg.Connection) -> dict[str, int]:
    out = {}
    for table in (
        "payment_orders",
        "payment_order_lines",
        "payment_refunds",
        "ledger_entries",
        "bill_events",
    ):
        out[table] = await db.fetchval(f"SELECT count(*) FROM {table}")
    return out
