"""The one interface of a delivery channel: claim, send, record.

A channel delivers the `deliveries` rows of its name, written by the fan-out (notifications/fanout.py). The
worker's loop (notifications/runner.py) drives every channel alike and owns the transactions:

1. claim: in a transaction of its own, committed before anything is sent, the channel takes due deliveries with
   a lease (`available_at` moved `lease_s` ahead, the attempt counted). A worker that dies before recording
   leaves the lease to run out; the delivery is then taken again, so delivery is at least once.
2. send: the channel sends what it claimed, in the batches and the order it needs, and hands each outcome to
   `record` as soon as it has it.
3. record: in a transaction of its own, the channel writes an outcome (done, retried with backoff and dead after
   `max_attempts`, dropped, or held back uncounted) and answers whether the target of that outcome is now
   paused, so that `send` holds back what else it claimed for that target.

A new channel (SMS, e-mail) is one module here, with a class meeting `Channel` and a factory from the config,
plus its row in notifications.channels.REGISTRY (and its name among `NotificationsConfig.channels`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, Protocol, TypeVar

import asyncpg

from notifications.models import NotificationsConfig

OutcomeT = TypeVar("OutcomeT")

#: what `send` calls with each outcome: records it (in a transaction of its own); True when it paused the target
Recorder = Callable[[OutcomeT], Awaitable[bool]]


class Channel(Protocol[OutcomeT]):
    """A delivery channel; `OutcomeT` is what its `send` hands to its `record`."""

    @property
    def name(self) -> str:
        """The `deliveries.channel` this channel delivers."""
        ...

    async def claim(self, conn: asyncpg.Connection) -> list[asyncpg.Record]:
        """Lease a batch of due deliveries (the caller commits before they are sent)."""
        ...

    async def send(self, claimed: list[asyncpg.Record], record: Recorder[OutcomeT]) -> None:
        """Send what was claimed; each outcome goes to `record` (which calls this channel's `record`)."""
        ...

    async def record(self, conn: asyncpg.Connection, outcome: OutcomeT) -> bool:
        """Write one outcome inside the caller's transaction; True when it paused the target."""
        ...

    async def close(self) -> None:
        """Let go of what the channel holds (an HTTP session, a firebase-admin app)."""
        ...


#: makes a channel from the config; None when it is not configured (push without FCM credentials)
ChannelFactory = Callable[[NotificationsConfig], Channel[Any] | None]
