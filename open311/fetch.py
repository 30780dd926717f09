"""media_url: the photo a GeoReport client points at, fetched once through the SSRF-guarded fetcher.

The webhooks' guard is reused (notifications/webhooks.py forbidden_address, the GuardedResolver of
notifications/channels/webhook.py): a host that resolves to any inward address (loopback, private, link-local,
...) is refused before a connection is made, an IP literal is judged itself, and every redirect (at most
MAX_REDIRECTS) is judged again. The body is streamed into a spooled file and refused past `max_bytes` (a
Content-Length beyond it is refused before reading); the whole fetch has `timeout_s`. What comes back goes through
the same photo pipeline as an app's upload (media.service.upload_direct: type, size and pixel limits, EXIF
stripped).
"""

from __future__ import annotations

import tempfile
from typing import BinaryIO, cast
from urllib.parse import urljoin, urlsplit

from notifications.webhooks import forbidden_address, is_ip_literal
from open311.errors import MediaUnavailable

MAX_REDIRECTS = 3
USER_AGENT = "CityLoop-Open311/1"
_CHUNK = 64 * 1024
_FIELD = [{"field": "media_url", "code": "invalid"}]


def _check_url(url: str, allow_private: bool) -> None:
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 (a bad port raises here)
    except ValueError as exc:
        raise MediaUnavailable("media_url cannot be parsed", fields=_FIELD) from exc
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise MediaUnavailable("media_url must be an absolute http or https URL", fields=_FIELD)
    if parts.username or parts.password:
        raise MediaUnavailable("media_url may not carry credentials", fields=_FIELD)
    if is_ip_literal(parts.hostname) and not allow_private and forbidden_address(parts.hostname):
        raise MediaUnavailable("media_url points at an address that is not public", fields=_FIELD)


async def fetch_media(url: str, *, max_bytes: int, timeout_s: float, allow_private: bool) -> BinaryIO:
    """The bytes at `url` in a temporary file (the caller closes it), or MediaUnavailable."""
    # loaded by the first media_url: an API process that never fetches one spares aiohttp (8.5 MB)
    import aiohttp

    from notifications.channels.webhook import GuardedResolver

    connector = aiohttp.TCPConnector(resolver=GuardedResolver(allow_private), limit=2)
    out = cast(BinaryIO, tempfile.SpooledTemporaryFile(max_size=1024 * 1024))  # noqa: SIM115 (returned open)
    try:
        async with aiohttp.ClientSession(
            connector=connector,
            timeout=aiohttp.ClientTimeout(total=timeout_s),
            headers={"User-Agent": USER_AGENT},
        ) as session:
            for _ in range(MAX_REDIRECTS + 1):
                _check_url(url, allow_private)
                async with session.get(url, allow_redirects=False) as response:
                    if response.status in (301, 302, 303, 307, 308) and "Location" in response.headers:
                        url = urljoin(url, response.headers["Location"])
                        continue
                    if response.status != 200:
                        raise MediaUnavailable(f"media_url answered HTTP {response.status}", fields=_FIELD)
                    if (response.content_length or 0) > max_bytes:
                        raise MediaUnavailable(f"media_url is larger than {max_bytes} bytes", fields=_FIELD)
                    size = 0
                    async for chunk in response.content.iter_chunked(_CHUNK):
                        size += len(chunk)
                        if size > max_bytes:
                            raise MediaUnavailable(
                                f"media_url is larger than {max_bytes} bytes", fields=_FIELD
                            )
                        out.write(chunk)
                    out.seek(0)
                    return out
            raise MediaUnavailable(f"media_url redirects more than {MAX_REDIRECTS} times", fields=_FIELD)
    except MediaUnavailable:
        out.close()
        raise
    except TimeoutError as exc:
        out.close()
        raise MediaUnavailable(f"media_url did not answer within {timeout_s:g} s", fields=_FIELD) from exc
    except (aiohttp.ClientError, OSError, ValueError) as exc:
        out.close()
        cause = getattr(exc, "os_error", None) or exc  # a refusal of GuardedResolver, wrapped by aiohttp
        raise MediaUnavailable(f"media_url could not be fetched: {cause}"[:300], fields=_FIELD) from exc
