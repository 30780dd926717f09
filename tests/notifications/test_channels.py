"""Channels behind one protocol, outbox topics named once.

The worker's loop knows no channel by name: it claims, sends and records through `Channel`, each record in a
transaction of its own, and a channel that answers "paused" holds back the rest of its batch. Which channels run
comes from the config and the registry. Domains write outbox rows through `notifications.outbox.enqueue` only,
with a topic of notifications/topics.py, which the fan-out consumes every one of.
"""

from __future__ import annotations

import re
import typing
from pathlib import Path
from typing import Any

import asyncpg
import msgspec
import pytest

from notifications import outbox, topics
from notifications.channels import REGISTRY, open_channels
from notifications.channels.base import Recorder
from notifications.channels.push import PushChannel
from notifications.channels.webhook import WebhookChannel
from notifications.fanout import TOPICS as FANNED_OUT
from notifications.models import Channel as ChannelName
from notifications.models import NotificationsConfig
from notifications.runner import Notifier

ROOT = Path(__file__).resolve().parents[2]


# topics and the one way into the outbox ---------------------------------------------------------------------


def test_every_topic_is_named_once_and_fanned_out() -> None:
    assert typing.get_args(topics.Event) == topics.EVENTS
    assert typing.get_args(topics.HousingNotice) == topics.HOUSING_NOTICES
    assert set(typing.get_args(topics.Topic)) == set(topics.TOPICS)
    assert len(set(topics.TOPICS)) == len(topics.TOPICS) == 11
    assert set(FANNED_OUT) == set(topics.TOPICS)  # a row nobody takes would wait forever


def test_only_enqueue_writes_the_outbox() -> None:
    writers = {
        str(path.relative_to(ROOT))
        for package in ("api", "cases", "housing", "identity", "media", "notifications")
        for path in (ROOT / package).rglob("*.py")
        if re.search(r"INSERT\s+INTO\s+outbox\b", path.read_text(encoding="utf-8"), re.IGNORECASE)
    }
    assert writers == {"notifications/store.py"}


async def test_enqueue_writes_a_row_in_the_callers_transaction(db: asyncpg.Connection) -> None:
    async with db.transaction():
        outbox_id = await outbox.enqueue(db, topics.BILL_REMINDER, {"home_id": "h"})
    row = await db.fetchrow("SELECT topic, payload, status FROM outbox WHERE id = $1", outbox_id)
    assert (row["topic"], row["payload"], row["status"]) == (
        "housing.bill_reminder",
        {"home_id": "h"},
        "pending",
    )

    tx = db.transaction()
    await tx.start()
    await outbox.enqueue(db, topics.CASE_OVERDUE, {"case_id": "c"})
    await tx.rollback()
    assert await db.fetchval("SELECT count(*) FROM outbox") == 1


async def test_enqueue_refuses_a_topic_nobody_takes(db: asyncpg.Connection) -> None:
    with pytest.raises(outbox.UnknownTopic, match=r"case\.closed"):
        await outbox.enqueue(db, "case.closed", {})  # type: ignore[arg-type]
    assert await db.fetchval("SELECT count(*) FROM outbox") == 0


# channels from the config ------------------------------------------------------------------------------------


async def test_the_configured_channels_in_their_order(config: NotificationsConfig) -> None:
    assert set(REGISTRY) == set(typing.get_args(ChannelName))
    opened = await open_channels(config)
    try:
        assert [type(c) for c in opened] == [PushChannel, WebhookChannel]
    finally:
        for channel in opened:
            await channel.close()

    webhook_only = await open_channels(msgspec.structs.replace(config, channels=("webhook",)))
    assert [c.name for c in webhook_only] == ["webhook"]
    await webhook_only[0].close()

    without_fcm = await open_channels(msgspec.structs.replace(config, fcm_credentials_file=""))
    assert [c.name for c in without_fcm] == ["webhook"]  # push is not configured: left out
    await without_fcm[0].close()

    with pytest.raises(ValueError, match="sms"):
        await open_channels(msgspec.structs.replace(config, channels=("webhook", "sms")))


# any channel, driven alike ------------------------------------------------------------------------------------


class Tally(msgspec.Struct):
    claims: int = 0
    sent: list[int] = msgspec.field(default_factory=list)
    recorded: list[int] = msgspec.field(default_factory=list)
    held: list[int] = msgspec.field(default_factory=list)
    closed: bool = False


class Ticker:
    """A channel of five items, claimed once, whose target pauses at the third: what a new channel looks like
    to the loop (this one keeps its deliveries in memory)."""

    name = "ticker"

    def __init__(self) -> None:
        self.tally = Tally()

    async def claim(self, conn: asyncpg.Connection) -> list[asyncpg.Record]:
        self.tally.claims += 1
        if self.tally.claims > 1:
            return []
        return await conn.fetch("SELECT g AS id FROM generate_series(1, 5) AS g")

    async def send(self, claimed: list[asyncpg.Record], record: Recorder[Any]) -> None:
        for index, row in enumerate(claimed):
            self.tally.sent.append(row["id"])
            if await record(row["id"]):
                await record([r["id"] for r in claimed[index + 1 :]])
                return

    async def record(self, conn: asyncpg.Connection, outcome: Any) -> bool:
        assert conn.is_in_transaction()
        if isinstance(outcome, list):
            self.tally.held += outcome
            return False
        self.tally.recorded.append(outcome)
        return bool(outcome == 3)

    async def close(self) -> None:
        self.tally.closed = True


async def test_the_loop_drives_any_channel_through_the_protocol(
    pool: asyncpg.Pool, config: NotificationsConfig
) -> None:
    ticker = Ticker()
    async with Notifier(pool, config, channels=[ticker]) as notifier:
        assert await notifier.run_once() == 5
        assert await notifier.run_once() == 0
    assert ticker.tally.sent == [1, 2, 3]
    assert ticker.tally.recorded == [1, 2, 3]  # each as soon as it was sent
    assert ticker.tally.held == [4, 5]
    assert not ticker.tally.closed  # given channels are the caller's to close
