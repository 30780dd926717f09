"""The one way into the outbox, for every domain.

`enqueue` writes a row in the caller's transaction: it is fanned out (notifications/runner.py) when, and only if,
that transaction commits, and a trigger (migration 0008) wakes the worker at the commit. The topic is one of
notifications/topics.py; the payload is JSON carrying ids (the fan-out reads the rows they name when it runs).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import asyncpg

from notifications import store
from notifications.topics import TOPICS, Topic


class UnknownTopic(ValueError):
    """A topic not named in notifications/topics.py: nobody would ever take the row."""


async def enqueue(conn: asyncpg.Connection, topic: Topic, payload: Mapping[str, Any]) -> int:
    """Add an outbox row of `topic` inside the caller's transaction; its id."""
    if topic not in TOPICS:
        raise UnknownTopic(f"{topic!r} is not an outbox topic (notifications/topics.py names them)")
    return await store.insert_outbox(conn, topic, dict(payload))
