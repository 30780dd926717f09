"""Submitting reports in tests, the way the app does."""

from __future__ import annotations

import uuid
from typing import Any

from litestar.testing import AsyncTestClient

from tests.identity.helpers import bearer

# inside the demo service area (Dongcheng, Beijing), WGS-84
INSIDE: dict[str, Any] = {"lat": 39.9087, "lon": 116.3975, "crs": "wgs84"}


def report_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"category": "E0102", "description": "路口垃圾堆了三天", "location": INSIDE}
    body.update(overrides)
    return body


async def submit(
    client: AsyncTestClient[Any], token: str, body: dict[str, Any] | None = None, key: str | None = None
) -> Any:
    headers = {**bearer(token), "Idempotency-Key": key or uuid.uuid4().hex}
    return await client.post("/v1/reports", json=body or report_body(), headers=headers)


def offset(point: dict[str, Any], north_m: float = 0.0, east_m: float = 0.0) -> dict[str, Any]:
    """A point some metres north and east of another (good enough at city scale)."""
    import math

    return {
        **point,
        "lat": point["lat"] + north_m / 111_320,
        "lon": point["lon"] + east_m / (111_320 * math.cos(math.radians(point["lat"]))),
    }
