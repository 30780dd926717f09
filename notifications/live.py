"""Live events: what the worker NOTIFYs on PostgreSQL and the API's WebSocket forwards to a signed-in app.

Each user has a channel of their own. The worker sends from inside its fan-out transaction, so an event is
heard only once what it points at is committed. Payloads are small: ids, the app fetches the details.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

import msgspec

#: PostgreSQL channel names are identifiers of at most 63 bytes: a prefix and the user id in hex.
_PREFIX = "cityloop_user_"


def user_channel(user_id: UUID) -> str:
    return _PREFIX + user_id.hex


def inbox_event(notification_id: UUID, kind: str, case_id: UUID | None) -> str:
    return _encode({"type": "inbox", "id": str(notification_id), "kind": kind, "case_id": _str(case_id)})


def case_event(case_id: UUID, state: str | None, event_id: int | None) -> str:
    return _encode({"type": "case", "case_id": str(case_id), "state": state, "event_id": event_id})


def _str(value: UUID | None) -> str | None:
    return str(value) if value is not None else None


def _encode(payload: dict[str, Any]) -> str:
    return msgspec.json.encode(payload).decode()
