"""Opaque paging cursors of the notifications domain's admin lists.

The format is the API's one cursor format (cases/common.py writes the same): the key's parts joined by `|`,
base64url without padding. A cursor this API did not give out is refused as InvalidCursor. (The inbox keeps
its own older form, `n<seq>`, in notifications/inbox.py.)
"""

from __future__ import annotations

import base64
import binascii
from uuid import UUID

from notifications.errors import InvalidCursor

INT64_MAX = 2**63 - 1


def encode_cursor(*parts: object) -> str:
    return base64.urlsafe_b64encode("|".join(str(p) for p in parts).encode()).decode().rstrip("=")


def decode_cursor(cursor: str, parts: int, field: str = "cursor") -> list[str]:
    """The parts of a cursor this API gave out, or InvalidCursor naming the field."""
    try:
        decoded = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode().split("|")
    except (ValueError, binascii.Error, UnicodeDecodeError) as exc:
        raise InvalidCursor("the cursor is not one this API gave out", fields=(field,)) from exc
    if len(decoded) != parts:
        raise InvalidCursor("the cursor is not one this API gave out", fields=(field,))
    return decoded


def decode_id(cursor: str, field: str = "cursor") -> int:
    """The bigint id a cursor carries (1 to 2^63-1)."""
    (raw,) = decode_cursor(cursor, 1, field)
    if not raw.isascii() or not raw.isdigit() or not 0 < int(raw) <= INT64_MAX:
        raise InvalidCursor("the cursor is not one this API gave out", fields=(field,))
    return int(raw)


def decode_uuid(cursor: str, field: str = "cursor") -> UUID:
    (raw,) = decode_cursor(cursor, 1, field)
    try:
        return UUID(raw)
    except ValueError as exc:
        raise InvalidCursor("the cursor is not one this API gave out", fields=(field,)) from exc
