"""Opaque paging cursors of the housing lists: the keyset of the last row of a page, as base64url JSON.

JSON rather than `|`-joined text because the keys hold free text (building names, estate names). A cursor that
this API did not give out is refused as InvalidCursor (invalid_cursor, 422).
"""

from __future__ import annotations

import base64
import binascii
import json
from datetime import datetime
from uuid import UUID

from housing.errors import InvalidCursor

_INVALID = "the cursor is not one this API gave out"


def encode_cursor(*parts: object) -> str:
    raw = json.dumps([str(p) if isinstance(p, (UUID, datetime)) else p for p in parts], ensure_ascii=False)
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, kinds: tuple[type, ...]) -> tuple[object, ...]:
    """The parts of a cursor, each converted to its kind (str, int, UUID or datetime), or InvalidCursor."""
    try:
        parts = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode())
    except (ValueError, binascii.Error, UnicodeDecodeError) as exc:
        raise InvalidCursor(_INVALID, fields=[_field()]) from exc
    if not isinstance(parts, list) or len(parts) != len(kinds):
        raise InvalidCursor(_INVALID, fields=[_field()])
    out: list[object] = []
    for part, kind in zip(parts, kinds, strict=True):
        try:
            if kind is int:
                if not isinstance(part, int) or isinstance(part, bool) or not -(2**31) < part < 2**31:
                    raise ValueError
                out.append(part)
            elif kind is str:
                if not isinstance(part, str) or "\x00" in part:
                    raise ValueError
                out.append(part)
            elif kind is UUID:
                out.append(UUID(str(part)))
            elif kind is datetime:
                value = datetime.fromisoformat(str(part))
                if value.tzinfo is None:
                    raise ValueError
                out.append(value)
            else:  # pragma: no cover - a programming error
                raise TypeError(kind)
        except ValueError as exc:
            raise InvalidCursor(_INVALID, fields=[_field()]) from exc
    return tuple(out)


def _field() -> dict[str, str]:
    return {"field": "cursor", "code": "invalid_cursor"}
