"""Sign-in with a Firebase ID token issued by the Firebase Auth emulator, verified by firebase-admin."""

from __future__ import annotations

import base64
import json
import os
import uuid
from typing import Any

import aiohttp
import asyncpg
import pytest
from litestar.testing import AsyncTestClient

from tests.identity.helpers import bearer

EMULATOR = os.environ.get("FIREBASE_AUTH_EMULATOR_HOST", "")
PROJECT = os.environ.get("FIREBASE_PROJECT_ID", "")

pytestmark = pytest.mark.skipif(
    not EMULATOR or not PROJECT, reason="the Firebase Auth emulator is started by `make test`"
)


async def emulator_id_token(email: str | None = None) -> str:
    """Create an account in the emulator and return its ID token, as the Firebase SDK on a phone would."""
    url = f"http://{EMULATOR}/identitytoolkit.googleapis.com/v1/accounts:signUp?key=fake-api-key"
    body = {
        "email": email or f"{uuid.uuid4().hex[:12]}@example.com",
        "password": "secret-123",
        "returnSecureToken": True,
    }
    async with aiohttp.ClientSession() as http, http.post(url, json=body) as r:
        assert r.status == 200, await r.text()
        token: str = (await r.json())["idToken"]
        return token


async def test_firebase_sign_in_creates_and_links_a_citizen(
    client: AsyncTestClient[Any], db: asyncpg.Connection
) -> None:
    id_token = await emulator_id_token()
    r = await client.post("/v1/auth/token", json={"grant_type": "firebase", "id_token": id_token})
    assert r.status_code == 200, r.text
    tokens = r.json()
    me = (await client.get("/v1/me", headers=bearer(tokens["access_token"]))).json()
    assert [g["role"] for g in me["roles"]] == ["citizen"]
    assert await db.fetchval("SELECT count(*) FROM user_identities WHERE provider = 'firebase'") == 1

    # the same Firebase account signs in to the same user
    r = await client.post("/v1/auth/token", json={"grant_type": "firebase", "id_token": id_token})
    assert r.json()["user_id"] == tokens["user_id"]
    assert await db.fetchval("SELECT count(*) FROM users") == 1


@pytest.mark.parametrize("id_token", ["not-a-jwt", "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0."])
async def test_invalid_firebase_tokens_are_refused(
    client: AsyncTestClient[Any], db: asyncpg.Connection, id_token: str
) -> None:
    r = await client.post("/v1/auth/token", json={"grant_type": "firebase", "id_token": id_token})
    assert r.status_code == 401
    assert r.json()["code"] == "firebase_token_invalid"
    assert await db.fetchval("SELECT count(*) FROM users") == 0
    assert await db.fetchval("SELECT count(*) FROM auth_sessions") == 0


async def test_a_token_for_another_project_is_refused(
    client: AsyncTestClient[Any], db: asyncpg.Connection
) -> None:
    """The emulator's tokens are unsigned, so the audience and issuer checks are what must refuse this one."""
    header, payload, signature = (await emulator_id_token()).split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims.update(aud="demo-other", iss="https://securetoken.google.com/demo-other")
    forged_payload = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
    other = f"{header}.{forged_payload}.{signature}"
    r = await client.post("/v1/auth/token", json={"grant_type": "firebase", "id_token": other})
    assert r.status_code == 401
    assert r.json()["code"] == "firebase_token_invalid"
    assert await db.fetchval("SELECT count(*) FROM users") == 0
