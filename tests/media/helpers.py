"""Uploading photos in tests the way the phone does: announce, PUT to the bucket, complete."""

from __future__ import annotations

import hashlib
from typing import Any

import aiohttp
from litestar.testing import AsyncTestClient

from tests.identity.helpers import bearer


async def put(url: str, data: bytes, content_type: str) -> int:
    async with (
        aiohttp.ClientSession() as http,
        http.put(url, data=data, headers={"Content-Type": content_type}) as r,
    ):
        return r.status


async def announce(
    client: AsyncTestClient[Any], token: str, data: bytes, content_type: str = "image/jpeg", **overrides: Any
) -> Any:
    body = {
        "content_type": content_type,
        "size": len(data),
        "sha256": hashlib.sha256(data).hexdigest(),
        **overrides,
    }
    return await client.post("/v1/uploads", json=body, headers=bearer(token))


async def upload_photo(
    client: AsyncTestClient[Any], token: str, data: bytes, content_type: str = "image/jpeg"
) -> Any:
    """The whole presigned flow; returns the response of `complete`."""
    ticket = await announce(client, token, data, content_type)
    assert ticket.status_code == 201, ticket.text
    assert await put(ticket.json()["put_url"], data, content_type) == 200
    return await client.post(f"/v1/uploads/{ticket.json()['upload_id']}/complete", headers=bearer(token))
