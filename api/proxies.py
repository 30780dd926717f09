"""The client's address behind reverse proxies: `X-Forwarded-For` is believed only from TRUSTED_PROXIES.

Per-address sign-in limits, sessions and the audit log key on the client's address. A proxy in front of the API
(nginx, a cloud load balancer) makes every request come from the proxy: the real client is in the
`X-Forwarded-For` header the proxy appends to. Anyone can send that header too, so it counts only when the peer
is one of the proxies named in TRUSTED_PROXIES (addresses or CIDR networks, none by default), and then only
its right-most entries, which the trusted proxies wrote: the client is the right-most address that is not
itself a trusted proxy. Entries to the left of it were written by the client and are ignored. From any other
peer the header is ignored and the client is the peer.

`TrustedProxies` is ASGI middleware that rewrites `scope["client"]` (and the scheme from `X-Forwarded-Proto`)
once, before anything reads them, for HTTP and WebSocket alike. `cityloop serve` turns uvicorn's own
proxy-header handling off (it would otherwise believe any loopback peer before this middleware runs).
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from litestar.enums import ScopeType

if TYPE_CHECKING:
    from litestar.types import ASGIApp, Receive, Scope, Send

Network = ipaddress.IPv4Network | ipaddress.IPv6Network

#: a scope's client port when the address came from X-Forwarded-For (the proxy does not say)
FORWARDED_PORT = 0


def parse_networks(entries: Iterable[str]) -> tuple[Network, ...]:
    """Networks from addresses and CIDRs ("10.0.0.7", "10.0.0.0/8", "fd00::/8"). Raises ValueError."""
    out = []
    for entry in entries:
        text = entry.strip()
        if not text:
            continue
        if text == "*":
            raise ValueError("'*' would believe anyone's X-Forwarded-For: name the proxies' addresses")
        out.append(ipaddress.ip_network(text, strict=False))
    return tuple(out)


#: "1.2.3.4:5678" and "[2001:db8::1]:5678": an address with a port, as some load balancers write it
_WITH_PORT = re.compile(r"^(?:([0-9.]+):[0-9]+|\[([0-9A-Fa-f:.]+)\](?::[0-9]+)?)$")


def _ip(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    text = text.strip()
    if match := _WITH_PORT.match(text):
        text = match.group(1) or match.group(2)
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def is_trusted(address: str | None, networks: Sequence[Network]) -> bool:
    ip = _ip(address) if address else None
    return ip is not None and any(ip in network for network in networks)


def client_address(peer: str | None, forwarded_for: Sequence[str], networks: Sequence[Network]) -> str | None:
    """The client's address: the peer, unless the peer is a trusted proxy; then the right-most address of
    X-Forwarded-For (all its headers, in order) that is not a trusted proxy, or the left-most when all are."""
    if not networks or not is_trusted(peer, networks):
        return peer
    hops = [hop.strip() for header in forwarded_for for hop in header.split(",") if hop.strip()]
    if not hops:
        return peer
    for hop in reversed(hops):
        if not is_trusted(hop, networks):
            ip = _ip(hop)
            # a trusted proxy writes an address; anything else (a port, "unknown") is kept as text
            return str(ip) if ip is not None else hop[:100]
    ip = _ip(hops[0])
    return str(ip) if ip is not None else peer


class TrustedProxies:
    """ASGI middleware: `scope["client"]` becomes the client's address as `client_address` finds it."""

    def __init__(self, app: ASGIApp, networks: Sequence[Network]) -> None:
        self.app = app
        self.networks = tuple(networks)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.networks and scope["type"] in (ScopeType.HTTP, ScopeType.WEBSOCKET):
            peer = scope.get("client")
            if peer and is_trusted(peer[0], self.networks):
                forwarded: list[str] = []
                proto = None
                for name, value in scope["headers"]:
                    if name == b"x-forwarded-for":
                        forwarded.append(value.decode("latin-1"))
                    elif name == b"x-forwarded-proto":
                        proto = value.decode("latin-1").split(",")[-1].strip().lower()
                client = client_address(peer[0], forwarded, self.networks)
                if client != peer[0]:
                    scope["client"] = (client or "", FORWARDED_PORT)
                if proto in ("http", "https"):
                    secure = proto == "https"
                    if scope["type"] == ScopeType.WEBSOCKET:
                        scope["scheme"] = "wss" if secure else "ws"
                    else:
                        scope["scheme"] = proto
        await self.app(scope, receive, send)
