"""Webhooks to other city platforms (a 12345 hotline system, a provincial platform): what a subscriber is
promised, where a webhook may go, and the admins' use cases. Delivery is the webhook channel's
(notifications/channels/webhook.py).

Each event is POSTed as JSON with

    X-CityLoop-Timestamp: <unix seconds>
    X-CityLoop-Signature: sha256=<hex HMAC-SHA256(secret, timestamp + "." + body)>
    X-CityLoop-Event: case.transitioned
    X-CityLoop-Delivery: <delivery id, the same on every retry>

so the receiver can check who sent it, refuse replays by the timestamp and drop duplicates by the delivery
id (delivery is at least once). Only http(s) targets on public addresses are allowed, checked when an admin
registers a subscriber and again for every connection (the channel's resolver refuses inward addresses, so a
DNS answer that changes later cannot turn a subscriber into a probe of the internal network); the
`allow_private_targets` setting lifts that for tests and for platforms on the city's own network.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import ipaddress
import socket
from urllib.parse import urlsplit
from uuid import UUID

import asyncpg

from notifications import store
from notifications.cursors import decode_uuid, encode_cursor
from notifications.errors import (
    WebhookHostUnresolvable,
    WebhookNotFound,
    WebhookTargetForbidden,
    WebhookUrlInvalid,
)
from notifications.models import NotificationsConfig, Webhook, WebhookCreate, WebhookPage

USER_AGENT = "CityLoop-Webhooks/1"


def sign(secret: str, timestamp: str, body: bytes) -> str:
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return "sha256=" + digest


def signature_matches(secret: str, timestamp: str, body: bytes, header: str) -> bool:
    """What a receiver does (and the tests' receiver does): recompute and compare in constant time."""
    return hmac.compare_digest(sign(secret, timestamp, body), header)


# where a webhook may go ------------------------------------------------------------------------------------------


# IPv6 forms that carry an IPv4 address where no public webhook receiver lives, refused whatever they embed: the
# address would be judged as IPv6 (and most count as global) while the packets may end up at the embedded IPv4.
_REFUSED_V6 = (
    ipaddress.IPv6Network("::/96"),  # IPv4-compatible ::a.b.c.d (deprecated by RFC 4291), and :: and ::1
    ipaddress.IPv6Network("::ffff:0:0:0/96"),  # IPv4-translated ::ffff:0:a.b.c.d (SIIT, RFC 2765)
    ipaddress.IPv6Network("64:ff9b:1::/48"),  # local-use NAT64 (RFC 8215): the operator's own translator
    ipaddress.IPv6Network("2001::/32"),  # Teredo: a tunnel to the client address it embeds
    ipaddress.IPv6Network("2002::/16"),  # 6to4 (deprecated by RFC 7526): relays reach the embedded address
)
# IPv6 forms whose embedded IPv4 is what is reached, judged as that IPv4 address: a public one is allowed.
_NAT64_WELL_KNOWN = ipaddress.IPv6Network("64:ff9b::/96")  # DNS64/NAT64 (RFC 6052), as on IPv6-only hosts


def _v4_is_forbidden(ip: ipaddress.IPv4Address) -> bool:
    return not ip.is_global or ip.is_multicast


def forbidden_address(address: str) -> bool:
    """Loopback, private, link-local, shared, reserved, multicast, unspecified: anything not global.

    IPv6 addresses that embed an IPv4 address are judged by it: the IPv4-mapped `::ffff:a.b.c.d` and the
    well-known NAT64 prefix `64:ff9b::/96` (allowed when the embedded address is public, as DNS64 answers are
    on an IPv6-only network); IPv4-compatible, IPv4-translated, local-use NAT64, Teredo and 6to4 addresses are
    refused outright, public embedded address or not.
    """
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return True
    if isinstance(ip, ipaddress.IPv4Address):
        return _v4_is_forbidden(ip)
    if ip.ipv4_mapped is not None:
        return _v4_is_forbidden(ip.ipv4_mapped)
    if ip in _NAT64_WELL_KNOWN:
        return _v4_is_forbidden(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
    if any(ip in network for network in _REFUSED_V6):
        return True
    return not ip.is_global or ip.is_multicast


def parse_target(url: str) -> tuple[str, int]:
    """(host, port) of an absolute http(s) URL, or WebhookUrlInvalid."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise WebhookUrlInvalid("the URL cannot be parsed", fields=("url",)) from exc
    if parts.scheme not in ("http", "https"):
        raise WebhookUrlInvalid("only http and https URLs can receive webhooks", fields=("url",))
    if not parts.hostname:
        raise WebhookUrlInvalid("the URL has no host", fields=("url",))
    if parts.username or parts.password:
        raise WebhookUrlInvalid("put credentials in the secret, not in the URL", fields=("url",))
    return parts.hostname, port or (443 if parts.scheme == "https" else 80)


def is_ip_literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


async def check_target(url: str, allow_private: bool) -> None:
    """Refuse a URL that is not http(s), does not resolve, or has any inward address."""
    host, port = parse_target(url)
    if allow_private:
        return
    if is_ip_literal(host):
        addresses = [host]
    else:
        try:
            infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (socket.gaierror, UnicodeError) as exc:
            raise WebhookHostUnresolvable(f"{host} does not resolve", fields=("url",)) from exc
        addresses = [str(info[4][0]) for info in infos]
    inward = sorted({a for a in addresses if forbidden_address(a)})
    if inward or not addresses:
        raise WebhookTargetForbidden(
            "webhooks may not point at loopback, private or link-local addresses",
            fields=("url",),
            addresses=inward,
        )


# subscribers (admins) --------------------------------------------------------------------------------------------


def webhook_view(row: asyncpg.Record) -> Webhook:
    return Webhook(
        id=row["id"],
        name=row["name"],
        url=row["url"],
        events=list(row["events"]),
        status="paused" if row["paused_at"] is not None else "active",
        consecutive_failures=row["consecutive_failures"],
        paused_at=row["paused_at"],
        paused_reason=row["paused_reason"],
        secret_hint="…" + row["secret"][-4:],
        created_at=row["created_at"],
    )


async def create_subscriber(
    conn: asyncpg.Connection, config: NotificationsConfig, data: WebhookCreate, admin_id: UUID
) -> Webhook:
    await check_target(data.url, config.allow_private_webhook_targets)
    events: list[str] = sorted(set(data.events))
    row = await store.insert_subscriber(conn, data.name.strip(), data.url, events, data.secret, admin_id)
    return webhook_view(row)


async def list_subscribers(
    conn: asyncpg.Connection, *, cursor: str | None = None, limit: int | None = None
) -> WebhookPage:
    """Subscribers in the order they were registered (by id, a UUIDv7), after the cursor's one; limit None:
    all of them (the deprecated v1 list). A full page carries the next cursor."""
    after = decode_uuid(cursor) if cursor else None
    items = [webhook_view(r) for r in await store.list_subscribers(conn, after, limit)]
    more = limit is not None and len(items) == limit
    return WebhookPage(items=items, next_cursor=encode_cursor(items[-1].id) if more else None)


async def get_subscriber(conn: asyncpg.Connection, subscriber_id: UUID) -> Webhook:
    row = await store.get_subscriber(conn, subscriber_id)
    if row is None:
        raise WebhookNotFound("no such webhook subscriber")
    return webhook_view(row)


async def resume_subscriber(conn: asyncpg.Connection, subscriber_id: UUID) -> Webhook:
    row = await store.resume_subscriber(conn, subscriber_id)
    if row is None:
        raise WebhookNotFound("no such webhook subscriber")
    return webhook_view(row)


async def delete_subscriber(conn: asyncpg.Connection, subscriber_id: UUID) -> None:
    if not await store.delete_subscriber(conn, subscriber_id):
        raise WebhookNotFound("no such webhook subscriber")
