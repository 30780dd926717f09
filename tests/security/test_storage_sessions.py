"""Storage and sessions (issue 9): bounded uploads, sessions that die with a disabled account, tokens kept out
of logs, no start without a named environment (tests/api/test_settings.py), and webhooks that cannot reach
inward through an IPv6 form that embeds an IPv4 address."""

from __future__ import annotations

from typing import Any

import asyncpg
import pytest
from litestar.testing import AsyncTestClient

from api.settings import Settings
from notifications.webhooks import check_target, forbidden_address
from tests.identity.helpers import bearer, staff_token

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
