"""Storage and sessions (issue 9): bounded uploads, sessions that die with a disabled account, tokens kept out
of logs, no start without a named environment (tests/api/test_settings.py), and webhooks that cannot reach
inward through an IPv6 form that embeds an IPv4 address."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import importlib
import inspect
import io
import json
import logging
import os
import socket
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import aiohttp
import asyncpg
import msgspec
import pytest
import uvicorn
from litestar.testing import AsyncTestClient

from api.app import create_app
from api.config import auth_config, storage_config
from api.observability import configure_logging
from api.settings import Settings, SettingsError, load_settings
from identity import service as identity
from identity import store as identity_store
from identity.models import RequestContext
from media.service import purge_orphan_copies, purge_stray_upload_objects, storage_housekeeping
from media.storage import Storage, presign_v4
from notifications.webhooks import check_target, forbidden_address
from tests import contract_conformance
from tests.identity.helpers import bearer, last_code, sign_in, staff_token
from tests.media import images
from tests.media.helpers import announce, put

ADMIN = "13800138010"

# webhooks: IPv6 forms that embed an IPv4 address ---------------------------------------------------------------

# (form, address embedding 127.0.0.1 / 10.0.0.1 / 169.254.169.254, address embedding the public 93.184.216.34,
#  whether that public one is allowed)
EMBEDDING_FORMS = [
    ("NAT64 well-known 64:ff9b::/96", ["64:ff9b::7f00:1", "64:ff9b::a00:1", "64:ff9b::a9fe:a9fe"],
     "64:ff9b::5db8:d822", True),
    ("NAT64 local-use 64:ff9b:1::/48", ["64:ff9b:1::7f00:1", "64:ff9b:1::a00:1", "64:ff9b:1::a9fe:a9fe"],
     "64:ff9b:1::5db8:d822", False),
    ("6to4 2002::/16", ["2002:7f00:1::1", "2002:a00:1::1", "2002:a9fe:a9fe::"], "2002:5db8:d822::1", False),
    ("IPv4-compatible ::a.b.c.d", ["::127.0.0.1", "::10.0.0.1", "::169.254.169.254"], "::93.184.216.34", False),
    ("IPv4-mapped ::ffff:a.b.c.d", ["::ffff:127.0.0.1", "::ffff:10.0.0.1", "::ffff:169.254.169.254"],
     "::ffff:93.184.216.34", True),
    ("IPv4-translated ::ffff:0:a.b.c.d", ["::ffff:0:127.0.0.1", "::ffff:0:10.0.0.1", "::ffff:0:169.254.169.254"],
     "::ffff:0:93.184.216.34", False),
    # Teredo: server 65.54.227.120, client 127.0.0.1 / 10.0.0.1 / 169.254.169.254 (stored inverted)
    ("Teredo 2001::/32", ["2001:0:4136:e378:8000:63bf:80ff:fffe", "2001:0:4136:e378:8000:63bf:f5ff:fffe",
                          "2001:0:4136:e378:8000:63bf:5601:5601"],
     "2001:0:4136:e378:8000:63bf:a247:27dd", False),
]  # fmt: skip


@pytest.mark.parametrize(("form", "inward", "public", "public_allowed"), EMBEDDING_FORMS)
def test_ipv6_forms_that_embed_an_inward_ipv4_are_refused(
    form: str, inward: list[str], public: str, public_allowed: bool
) -> None:
    for address in inward:
        assert forbidden_address(address), f"{form}: {address} was allowed"
    # a public embedded address: judged as that address where it is what the packets reach (mapped, the
    # well-known NAT64 prefix of DNS64 networks); the deprecated or local-use forms are refused outright
    assert forbidden_address(public) is not public_allowed, form


def test_plain_addresses_are_judged_as_before() -> None:
    assert not forbidden_address("93.184.216.34")
    assert not forbidden_address("2606:2800:220:1:248:1893:25c8:1946")
    for address in ("127.0.0.1", "10.0.0.1", "::1", "::", "fe80::1", "fc00::1", "not an address"):
        assert forbidden_address(address), address


@pytest.mark.parametrize(
    "host",
    ["[64:ff9b::7f00:1]", "[2002:7f00:1::1]", "[::127.0.0.1]", "[::ffff:0:127.0.0.1]", "[64:ff9b:1::a00:1]",
     "[2001:0:4136:e378:8000:63bf:80ff:fffe]"],
)  # fmt: skip
async def test_registering_a_webhook_at_an_embedding_address_is_refused(
    client: AsyncTestClient[Any], db: asyncpg.Connection, settings: Settings, host: str
) -> None:
    assert not settings.webhook_allow_private_targets
    admin = await staff_token(db, settings, ADMIN, "admin")
    r = await client.post(
        "/v1/admin/webhooks",
        json={"url": f"http://{host}:8080/hook", "events": ["case.transitioned"], "secret": "s" * 32},
        headers=bearer(admin),
    )
    assert r.status_code == 422, r.text
    assert r.json()["code"] == "webhook_target_forbidden"
    assert r.json()["errors"][0]["field"] == "url"
    assert await db.fetchval("SELECT count(*) FROM webhook_subscribers") == 0
    assert await db.fetchval("SELECT count(*) FROM audit_log WHERE action = 'webhook.create'") == 0


async def test_a_webhook_at_a_public_nat64_address_is_accepted() -> None:
    await check_target("https://[64:ff9b::5db8:d822]/cityloop", allow_private=False)


# tokens kept out of logs --------------------------------------------------------------------------------------


@contextlib.asynccontextmanager
async def serving_with_logs(settings: Settings) -> AsyncIterator[tuple[str, io.StringIO]]:
    """The API under uvicorn as `cityloop serve` runs it (our logging, uvicorn's loggers propagating to it),
    with uvicorn's access log switched back on: every line any logger writes lands in the returned buffer."""
    root = logging.getLogger()
    saved = (root.handlers[:], root.level, logging.getLogger("uvicorn.access").disabled)
    out = io.StringIO()
    configure_logging("DEBUG", stream=out)
    logging.getLogger("uvicorn.access").disabled = False
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(settings),
            lifespan="on",
            log_config=None,
            # info, explicitly: another test's uvicorn.Config(log_level="warning") in this process leaves
            # uvicorn's loggers at WARNING, which would drop the WebSocket line this test reads
            log_level="info",
            access_log=True,
            ws="websockets-sansio",
        )
    )
    serving = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        for _ in range(500):
            if server.started or serving.done():
                break
            await asyncio.sleep(0.01)
        assert server.started, "uvicorn did not start"
        yield f"127.0.0.1:{sock.getsockname()[1]}", out
    finally:
        server.should_exit = True
        await asyncio.wait_for(serving, 15)
        root.handlers[:], level, logging.getLogger("uvicorn.access").disabled = saved
        root.setLevel(level)


async def test_tokens_in_a_query_string_a_header_or_a_body_never_reach_the_log(
    db: asyncpg.Connection, settings: Settings
) -> None:
    phone = "+8613900000077"
    access = await staff_token(db, settings, phone, "citizen")
    async with db.transaction():
        pair = await identity.issue_tokens_for(
            db, auth_config(settings), phone, RequestContext(actor_label="t")
        )
    async with serving_with_logs(settings) as (origin, out), aiohttp.ClientSession() as http:
        # the live socket with the token in its query string: uvicorn logs the path with the query
        ws = await http.ws_connect(f"ws://{origin}/v1/live?access_token={access}")
        assert json.loads((await ws.receive(timeout=10)).data)["type"] == "ready"
        await ws.close()
        # an HTTP request with the token in the query, the header, and a refresh token in the body
        async with http.get(f"http://{origin}/v1/me?access_token={access}", headers=bearer(access)) as r:
            assert r.status == 200
        async with http.post(
            f"http://{origin}/v1/auth/token",
            json={"grant_type": "refresh_token", "refresh_token": pair.refresh_token},
        ) as r:
            assert r.status == 200
            fresh = await r.json()
        # a sign-in code by SMS
        async with http.post(f"http://{origin}/v1/auth/otp", json={"phone": "13900000078"}) as r:
            assert r.status == 202
        sms = await identity_store.last_sms(db, "+8613900000078")
        assert sms is not None
        code = "".join(ch for ch in sms["body"] if ch.isdigit())[:6]
        # and whatever code logs them by mistake, in the message, its arguments, extras or an exception
        leaky = logging.getLogger("cityloop.somewhere")
        leaky.info(
            "GET /v1/live?access_token=%s", access, extra={"headers": {"authorization": f"Bearer {access}"}}
        )
        leaky.warning(
            "sms %s", sms["body"], extra={"body": {"refresh_token": pair.refresh_token, "code": code}}
        )
        try:
            raise RuntimeError(f"refresh failed for {pair.refresh_token!r}: Authorization: Bearer {access}")
        except RuntimeError:
            leaky.exception("boom", extra={"refresh_token": fresh["refresh_token"]})
    text = out.getvalue()
    assert "WebSocket /v1/live?access_token=[REDACTED]" in text  # the line is still there, the token is not
    assert "/v1/me?access_token=[REDACTED]" in text  # uvicorn's access log
    for secret in (access, pair.refresh_token, fresh["access_token"], fresh["refresh_token"], code):
        assert secret not in text, f"{secret[:12]}... is in the log"
    assert text.count("[REDACTED]") >= 8
    for line in text.splitlines():
        json.loads(line)  # still one JSON document a line


def test_a_handler_a_library_installs_on_its_own_logger_redacts_too() -> None:
    root = logging.getLogger()
    saved = (root.handlers[:], root.level)
    out = io.StringIO()
    library = logging.getLogger("some.library")
    own = logging.StreamHandler(out)
    library.addHandler(own)
    library.propagate = False
    try:
        configure_logging("INFO", stream=io.StringIO())
        library.warning("retrying https://x/?token=abcdef123456 with Authorization: Bearer abcdef123456")
    finally:
        library.removeHandler(own)
        library.propagate = True
        root.handlers[:], level = saved
        root.setLevel(level)
    assert "abcdef123456" not in out.getvalue()
    assert "token=[REDACTED]" in out.getvalue()


# a disabled account's sessions ---------------------------------------------------------------------------------


async def refresh(client: AsyncTestClient[Any], refresh_token: str) -> Any:
    return await client.post(
        "/v1/auth/token", json={"grant_type": "refresh_token", "refresh_token": refresh_token}
    )


async def test_disabling_ends_every_session_and_enabling_revives_none(
    client: AsyncTestClient[Any], db: asyncpg.Connection, settings: Settings
) -> None:
    admin = await staff_token(db, settings, ADMIN, "admin")
    phone = "13912345670"
    first = await sign_in(client, db, phone)  # two phones signed in
    await db.execute("DELETE FROM rate_limit_hits")  # the one-code-a-minute limit
    second = await sign_in(client, db, phone)
    user_id = first["user_id"]

    r = await client.post(f"/v1/users/{user_id}/disable", headers=bearer(admin))
    assert r.status_code == 200, r.text
    assert r.json()["disabled"] is True
    assert (
        await db.fetchval(
            "SELECT count(*) FROM auth_sessions WHERE user_id = $1 AND revoked_at IS NULL", user_id
        )
        == 0
    )
    for tokens in (first, second):
        r = await refresh(client, tokens["refresh_token"])
        assert (r.status_code, r.json()["code"]) == (401, "refresh_token_invalid")
        r = await client.get("/v1/me", headers=bearer(tokens["access_token"]))
        assert (r.status_code, r.json()["code"]) == (401, "session_revoked")
    await db.execute("DELETE FROM rate_limit_hits")
    assert (await client.post("/v1/auth/otp", json={"phone": phone})).status_code == 202
    code = await last_code(db, "+86" + phone)
    r = await client.post("/v1/auth/token", json={"grant_type": "otp", "phone": phone, "code": code})
    assert (r.status_code, r.json()["code"]) == (403, "user_disabled")

    r = await client.post(f"/v1/users/{user_id}/enable", headers=bearer(admin))
    assert r.status_code == 200 and r.json()["disabled"] is False
    for tokens in (first, second):  # the old sessions stay dead
        r = await refresh(client, tokens["refresh_token"])
        assert (r.status_code, r.json()["code"]) == (401, "refresh_token_invalid")
        r = await client.get("/v1/me", headers=bearer(tokens["access_token"]))
        assert (r.status_code, r.json()["code"]) == (401, "session_revoked")
    await db.execute("DELETE FROM rate_limit_hits")
    fresh = await sign_in(client, db, phone)  # a new sign-in works
    assert (await client.get("/v1/me", headers=bearer(fresh["access_token"]))).status_code == 200

    actions = await db.fetch(
        "SELECT action, details FROM audit_log WHERE target_id = $1 ORDER BY id", str(user_id)
    )
    assert [(a["action"], a["details"]) for a in actions] == [
        ("user.disable", {"sessions_revoked": 2}),
        ("user.enable", {"sessions_revoked": 0}),
    ]


async def test_an_account_disabled_behind_the_services_back_cannot_refresh_either(
    client: AsyncTestClient[Any], db: asyncpg.Connection
) -> None:
    """An operator's UPDATE of disabled_at: the refresh is refused and ends the session for good."""
    tokens = await sign_in(client, db, "13912345671")
    await db.execute("UPDATE users SET disabled_at = now() WHERE id = $1::uuid", tokens["user_id"])
    r = await client.get("/v1/me", headers=bearer(tokens["access_token"]))
    assert (r.status_code, r.json()["code"]) == (403, "user_disabled")  # as before
    r = await refresh(client, tokens["refresh_token"])
    assert (r.status_code, r.json()["code"]) == (401, "refresh_token_invalid")
    r = await client.get("/v1/me", headers=bearer(tokens["access_token"]))
    assert (r.status_code, r.json()["code"]) == (401, "session_revoked")
    await db.execute("UPDATE users SET disabled_at = NULL WHERE id = $1::uuid", tokens["user_id"])
    r = await refresh(client, tokens["refresh_token"])
    assert (r.status_code, r.json()["code"]) == (401, "refresh_token_invalid")
    assert await db.fetchval("SELECT revoked_why FROM auth_sessions") == "account disabled"


STATE = "SELECT s.id, u.disabled_at, s.revoked_at FROM users u JOIN auth_sessions s ON s.user_id = u.id ORDER BY 1"


@pytest.mark.parametrize("action", ["disable", "enable"])
async def test_only_admins_disable_or_enable_and_only_existing_users(
    client: AsyncTestClient[Any], db: asyncpg.Connection, settings: Settings, action: str
) -> None:
    tokens = await sign_in(client, db, "13912345672")
    user_id = tokens["user_id"]
    dispatcher = await staff_token(db, settings, "+8613700000003", "dispatcher", ("district", "110101"))
    admin = await staff_token(db, settings, ADMIN, "admin")
    before = await db.fetch(STATE)
    for token, status, code in (
        (tokens["access_token"], 403, "forbidden"),
        (dispatcher, 403, "forbidden"),
    ):
        r = await client.post(f"/v1/users/{user_id}/{action}", headers=bearer(token))
        assert (r.status_code, r.json()["code"]) == (status, code)
    r = await client.post(f"/v1/users/{user_id}/{action}")
    assert (r.status_code, r.json()["code"]) == (401, "unauthenticated")
    r = await client.post(f"/v1/users/01936a10-2b3c-7d4e-8f5a-6b7c8d9e0f11/{action}", headers=bearer(admin))
    assert (r.status_code, r.json()["code"]) == (404, "user_not_found")
    assert await db.fetch(STATE) == before
    assert await db.fetchval("SELECT count(*) FROM audit_log WHERE action LIKE 'user.%able'") == 0


# uploads: bounded at the storage, checked at `complete`, purged after -------------------------------------------


@pytest.fixture
async def citizen(client: AsyncTestClient[Any], db: asyncpg.Connection) -> str:
    token: str = (await sign_in(client, db, "13912345679"))["access_token"]
    return token


async def post_form(ticket: dict[str, Any], data: bytes, content_type: str = "image/jpeg") -> int:
    """What the app does with the form: the fields as given, then the bytes in a `file` field, last."""
    form = aiohttp.FormData()
    for name, value in ticket["post_fields"].items():
        form.add_field(name, value)
    form.add_field("file", data, filename="photo", content_type=content_type)
    async with aiohttp.ClientSession() as http, http.post(ticket["post_url"], data=form) as r:
        return r.status


async def stored(storage: Storage, key: str) -> bool:
    return await storage.stat(key) is not None


def policy_of(ticket: dict[str, Any]) -> dict[str, Any]:
    policy: dict[str, Any] = json.loads(base64.b64decode(ticket["post_fields"]["policy"]))
    return policy


async def test_the_form_post_is_bounded_to_the_announced_size_type_and_key(
    client: AsyncTestClient[Any], db: asyncpg.Connection, citizen: str, app: Any
) -> None:
    data = images.phone_jpeg()
    r = await announce(client, citizen, data)
    assert r.status_code == 201, r.text
    ticket = r.json()
    key = await db.fetchval("SELECT object_key FROM uploads")
    # the storage's policy: this key, this type, exactly the announced size, until the ticket expires (MinIO
    # and S3 refuse anything else; s3rver, the local stand-in, ignores policies: `complete` checks anyway)
    policy = policy_of(ticket)
    assert ["eq", "$key", key] in policy["conditions"]
    assert ["eq", "$Content-Type", "image/jpeg"] in policy["conditions"]
    assert ["content-length-range", len(data), len(data)] in policy["conditions"]
    expires = datetime.fromisoformat(policy["expiration"].replace("Z", "+00:00"))
    assert abs(expires - datetime.fromisoformat(ticket["expires_at"])) < timedelta(seconds=5)
    assert ticket["post_fields"]["key"] == key and ticket["post_fields"]["Content-Type"] == "image/jpeg"
    assert ticket["post_url"].endswith("/" + app.state.storage.bucket)
    # the deprecated PUT URL signs the type and the length: the storage takes no other body
    query = parse_qs(urlsplit(ticket["put_url"]).query)
    assert query["X-Amz-SignedHeaders"] == ["content-length;content-type;host"]
    assert ticket["headers"] == {"Content-Type": "image/jpeg"}

    assert await post_form(ticket, data) == 204
    r = await client.post(f"/v1/uploads/{ticket['upload_id']}/complete", headers=bearer(citizen))
    assert r.status_code == 200, r.text
    assert not await stored(app.state.storage, key)  # the upload's key is emptied; the copies live elsewhere


async def test_the_put_signer_agrees_with_the_sdk_where_both_sign_the_host_only(settings: Settings) -> None:
    storage = Storage(storage_config(settings))
    try:
        now = datetime(2026, 11, 22, 1, 39, 2, tzinfo=UTC)
        sdk = storage.client.get_presigned_url(
            "PUT", storage.bucket, "uploads/a b/c", expires=timedelta(minutes=15), request_date=now
        )
        ours = presign_v4(
            "PUT",
            f"http://{settings.s3_endpoint}",
            f"/{storage.bucket}/uploads/a b/c",
            region=settings.s3_region,
            access_key=settings.s3_access_key,
            secret_key=settings.s3_secret_key,
            now=now,
            expires=timedelta(minutes=15),
            headers={},
        )
        assert ours == sdk
    finally:
        storage.close()


@pytest.mark.parametrize(
    "sent",
    [
        pytest.param(lambda data: data + os.urandom(2 * 1024 * 1024), id="megabytes more than announced"),
        pytest.param(lambda data: data[:-1] + bytes([data[-1] ^ 1]), id="same size, other bytes"),
        pytest.param(lambda data: data[: len(data) // 2], id="fewer bytes"),
    ],
)
async def test_bytes_other_than_announced_are_refused_at_complete_and_deleted(
    client: AsyncTestClient[Any], db: asyncpg.Connection, citizen: str, app: Any, sent: Any
) -> None:
    """The local stand-in stores whatever is sent (as a misconfigured store would): `complete` is the check."""
    data = images.phone_jpeg()
    ticket = (await announce(client, citizen, data)).json()
    key = await db.fetchval("SELECT object_key FROM uploads")
    assert await post_form(ticket, sent(data)) == 204  # s3rver ignores the policy
    r = await client.post(f"/v1/uploads/{ticket['upload_id']}/complete", headers=bearer(citizen))
    assert (r.status_code, r.json()["code"]) == (422, "upload_mismatch")
    assert r.json()["errors"][0]["field"] in ("size", "sha256")
    assert not await stored(app.state.storage, key)
    assert await db.fetchval("SELECT count(*) FROM photos") == 0
    assert await db.fetchval("SELECT photo_id FROM uploads") is None


async def test_bytes_sent_after_complete_are_never_read_and_are_purged(
    client: AsyncTestClient[Any], db: asyncpg.Connection, citizen: str, app: Any
) -> None:
    storage: Storage = app.state.storage
    data = images.phone_jpeg()
    ticket = (await announce(client, citizen, data)).json()
    key = await db.fetchval("SELECT object_key FROM uploads")
    assert await post_form(ticket, data) == 204
    first = await client.post(f"/v1/uploads/{ticket['upload_id']}/complete", headers=bearer(citizen))
    assert first.status_code == 200
    photo = await db.fetchrow("SELECT * FROM photos")

    # the links still work until they expire: whatever is sent there now is not a photo
    junk = os.urandom(4096)
    assert await post_form(ticket, junk) == 204
    again = await client.post(f"/v1/uploads/{ticket['upload_id']}/complete", headers=bearer(citizen))
    assert again.json() == first.json()  # the same photo, the junk never read ...
    assert not await stored(storage, key)  # ... and deleted
    assert await put(ticket["put_url"], junk, "image/jpeg") == 200
    async with db.transaction():
        counts = await storage_housekeeping(db, storage)  # the worker's job
    assert counts["stray_upload_objects"] >= 1
    assert not await stored(storage, key)
    assert await db.fetchval("SELECT count(*) FROM photos") == 1
    for copy in (photo["display_key"], photo["thumb_key"], photo["original_key"]):
        assert await stored(storage, copy)  # the photo's own copies stay


async def test_the_worker_runs_the_storage_job() -> None:
    source = inspect.getsource(importlib.import_module("api.worker"))
    assert "media.storage_housekeeping(" in source


@pytest.fixture
async def own_bucket(settings: Settings) -> AsyncIterator[Storage]:
    """A bucket of this test's own, so that sweeping without a grace period cannot touch other tests' objects."""
    storage = Storage(
        msgspec.structs.replace(storage_config(settings), bucket=f"sweep-{uuid.uuid4().hex[:12]}")
    )
    await storage.run(lambda: storage.client.make_bucket(storage.bucket))
    try:
        yield storage
    finally:
        keys = [o.key for o in await storage.list_objects("", limit=10_000)]
        await storage.remove_many(keys)
        await storage.run(lambda: storage.client.remove_bucket(storage.bucket))
        storage.close()


async def test_copies_that_belong_to_no_photo_are_purged_once_old(
    db: asyncpg.Connection, own_bucket: Storage
) -> None:
    storage = own_bucket
    owner = await db.fetchval("INSERT INTO users (phone) VALUES ('+8613912340000') RETURNING id")
    await db.execute(
        """INSERT INTO photos (owner_id, original_sha256, content_type, width, height, display_key, display_width,
                               display_height, thumb_key, original_key)
           VALUES ($1, repeat('a', 64), 'image/jpeg', 4, 3, 'display/kept.jpg', 4, 3, 'thumb/kept.jpg',
                   'original/kept.jpg')""",
        owner,
    )
    upload_id = await db.fetchval(
        """INSERT INTO uploads (owner_id, content_type, size, sha256, object_key, expires_at)
           VALUES ($1, 'image/jpeg', 3, repeat('b', 64), 'uploads/open/1', now() + interval '10 minutes')
           RETURNING id""",
        owner,
    )
    kept = ["display/kept.jpg", "thumb/kept.jpg", "original/kept.jpg", "uploads/open/1", "elsewhere/x.txt"]
    orphans = [
        "display/a.jpg",
        "display/b.jpg",
        "display/c.jpg",
        "thumb/a.jpg",
        "original/a.jpg",
        "uploads/gone/1",
    ]
    for key in kept + orphans:
        await storage.put_bytes(key, b"abc", "image/jpeg")

    async with db.transaction():  # young: nothing goes
        assert await purge_orphan_copies(db, storage) == 0
        assert await purge_stray_upload_objects(db, storage) == 0
    removed = 0
    for _ in range(3):  # a batch of 2 a pass: the passes take turns through the bucket
        async with db.transaction():
            removed += await purge_orphan_copies(db, storage, batch=2, grace=timedelta(0))
    removed += await purge_stray_upload_objects(db, storage, grace=timedelta(0))
    assert removed == len(orphans)
    left = sorted(o.key for o in await storage.list_objects(""))
    assert left == sorted(kept)

    # once its upload is complete, the upload's key is stray however young
    photo_id = await db.fetchval("SELECT id FROM photos")
    await db.execute("UPDATE uploads SET photo_id = $2 WHERE id = $1", upload_id, photo_id)
    assert await purge_stray_upload_objects(db, storage) == 1
    assert not await stored(storage, "uploads/open/1")


async def test_announcing_uploads_is_rate_limited_per_user(
    db: asyncpg.Connection, settings: Settings, citizen: str
) -> None:
    limited = msgspec.structs.replace(settings, uploads_per_hour=3)
    async with AsyncTestClient(create_app(limited)) as client:
        client.event_hooks["response"].append(contract_conformance.check)
        data = images.phone_jpeg()
        for _ in range(3):
            assert (await announce(client, citizen, data)).status_code == 201
        r = await announce(client, citizen, data)
        assert (r.status_code, r.json()["code"]) == (429, "rate_limited")
        assert 1 <= int(r.headers["Retry-After"]) <= 3600
        assert r.json()["retry_after"] == int(r.headers["Retry-After"])
        assert await db.fetchval("SELECT count(*) FROM uploads") == 3
        # the direct upload counts against the same limit
        r = await client.post(
            "/v1/photos", files={"file": ("p.jpg", data, "image/jpeg")}, headers=bearer(citizen)
        )
        assert (r.status_code, r.json()["code"]) == (429, "rate_limited")
        assert await db.fetchval("SELECT count(*) FROM photos") == 0
        # another user has their own
        other = (await sign_in(client, db, "13912345678"))["access_token"]
        assert (await announce(client, other, data)).status_code == 201


def test_the_upload_limit_is_a_setting() -> None:
    assert load_settings({"CITYLOOP_ENV": "test"}).uploads_per_hour == 60
    assert load_settings({"CITYLOOP_ENV": "test", "UPLOADS_PER_HOUR": "5"}).uploads_per_hour == 5
    with pytest.raises(SettingsError, match="UPLOADS_PER_HOUR"):
        load_settings({"CITYLOOP_ENV": "test", "UPLOADS_PER_HOUR": "0"})
