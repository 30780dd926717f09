"""Object storage through the minio SDK (MinIO in production, any S3 endpoint locally).

The SDK is synchronous: every call leaves the event loop through a bounded thread pool. An unreachable
endpoint surfaces quickly as StorageUnavailable instead of hanging a request.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import io
import tempfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import BinaryIO, TypeVar, cast
from urllib.parse import quote

import msgspec
import urllib3
from minio import Minio
from minio.commonconfig import CopySource
from minio.datatypes import PostPolicy
from minio.error import MinioException, S3Error

from media.errors import StorageUnavailable, UploadTooLarge

T = TypeVar("T")
_CHUNK = 256 * 1024
_SPOOL = 1024 * 1024  # bytes kept in memory before a download spills to a temporary file


class StorageConfig(msgspec.Struct, frozen=True, kw_only=True):
    endpoint: str
    access_key: str
    secret_key: str
    bucket: str
    secure: bool = False
    region: str = "us-east-1"
    threads: int = 8


class ObjectInfo(msgspec.Struct, frozen=True):
    size: int
    content_type: str
    last_modified: datetime | None = None


class ListedObject(msgspec.Struct, frozen=True):
    key: str
    size: int
    last_modified: datetime


class Storage:
    def __init__(self, config: StorageConfig) -> None:
        self.config = config
        self.bucket = config.bucket
        http = urllib3.PoolManager(
            timeout=urllib3.Timeout(connect=2.0, read=30.0),
            retries=urllib3.Retry(total=0),
            maxsize=config.threads,
        )
        self.client = Minio(
            config.endpoint,
            access_key=config.access_key,
            secret_key=config.secret_key,
            secure=config.secure,
            region=config.region,
            http_client=http,
        )
        self._executor = ThreadPoolExecutor(max_workers=config.threads, thread_name_prefix="storage")

    async def run(self, fn: Callable[[], T]) -> T:
        try:
            return await asyncio.get_running_loop().run_in_executor(self._executor, fn)
        except (urllib3.exceptions.HTTPError, OSError) as exc:
            raise StorageUnavailable(f"object storage did not answer: {exc.__class__.__name__}") from exc
        except S3Error:
            raise
        except MinioException as exc:
            raise StorageUnavailable(f"object storage failed: {exc}") from exc

    async def ping(self) -> bool:
        """True when the bucket answers; raises when the endpoint cannot be reached."""
        return await self.run(lambda: self.client.bucket_exists(self.bucket))

    def presigned_get(self, key: str, expires: timedelta) -> str:
        """A short-lived GET link. Signing is local computation (the region is configured, so no lookup)."""
        return self.client.presigned_get_object(self.bucket, key, expires=expires)

    def presigned_put(
        self, key: str, expires: timedelta, *, content_type: str | None = None, size: int | None = None
    ) -> str:
        """A PUT link. With a type and a size, both are signed (Content-Type and Content-Length are signed
        headers): MinIO and S3 refuse a PUT with another type or another length."""
        headers: dict[str, str] = {}
        if content_type is not None:
            headers["content-type"] = content_type
        if size is not None:
            headers["content-length"] = str(size)
        if not headers:
            return self.client.presigned_put_object(self.bucket, key, expires=expires)
        return presign_v4(
            "PUT",
            self._base_url(),
            f"/{self.bucket}/{key}",
            region=self.config.region,
            access_key=self.config.access_key,
            secret_key=self.config.secret_key,
            now=datetime.now(UTC),
            expires=expires,
            headers=headers,
        )

    def presigned_post(
        self, key: str, content_type: str, size: int, expires: timedelta
    ) -> tuple[str, dict[str, str]]:
        """A form POST (a browser-style upload) under a signed policy: this key only, this Content-Type only,
        exactly `size` bytes (content-length-range), until `expires`. Returns the URL and the form fields to
        send before the `file` field."""
        policy = PostPolicy(self.bucket, datetime.now(UTC) + expires)
        policy.add_equals_condition("key", key)
        policy.add_equals_condition("Content-Type", content_type)
        policy.add_content_length_range_condition(size, size)
        fields = {"key": key, "Content-Type": content_type, **self.client.presigned_post_policy(policy)}
        return f"{self._base_url()}/{self.bucket}", fields

    def _base_url(self) -> str:
        return (
            f"{'https' if self.config.secure else 'http'}://{_host(self.config.endpoint, self.config.secure)}"
        )

    async def stat(self, key: str) -> ObjectInfo | None:
        def stat() -> ObjectInfo | None:
            try:
                info = self.client.stat_object(self.bucket, key)
            except S3Error as exc:
                if exc.code in ("NoSuchKey", "NoSuchObject", "NotFound", "ResourceNotFound"):
                    return None
                raise
            return ObjectInfo(
                size=info.size or 0, content_type=info.content_type or "", last_modified=info.last_modified
            )

        return await self.run(stat)

    async def download(self, key: str, max_bytes: int) -> tuple[BinaryIO, str, int]:
        """Stream an object to a spooled temporary file: (file at offset 0, sha256, size). Refuses past max_bytes."""

        def download() -> tuple[BinaryIO, str, int]:
            out = cast(BinaryIO, tempfile.SpooledTemporaryFile(max_size=_SPOOL))  # noqa: SIM115 - the caller closes it
            digest, size = hashlib.sha256(), 0
            response = self.client.get_object(self.bucket, key)
            try:
                for chunk in response.stream(_CHUNK):
                    size += len(chunk)
                    if size > max_bytes:
                        out.close()
                        raise UploadTooLarge(f"the object is larger than {max_bytes} bytes", limit=max_bytes)
                    digest.update(chunk)
                    out.write(chunk)
            finally:
                response.close()
                response.release_conn()
            out.seek(0)
            return out, digest.hexdigest(), size

        return await self.run(download)

    async def put_bytes(self, key: str, data: bytes, content_type: str) -> None:
        """Store bytes under a content-addressed key (writing the same bytes again only renews the object)."""
        await self.run(
            lambda: self.client.put_object(
                self.bucket, key, io.BytesIO(data), len(data), content_type=content_type
            )
        )

    async def put_file(self, key: str, fp: BinaryIO, size: int, content_type: str) -> None:
        def put() -> None:
            fp.seek(0)
            self.client.put_object(
                self.bucket, key, fp, size, content_type=content_type, part_size=10 * 1024 * 1024
            )

        await self.run(put)

    async def copy(self, source_key: str, target_key: str) -> None:
        await self.run(
            lambda: self.client.copy_object(self.bucket, target_key, CopySource(self.bucket, source_key))
        )

    async def remove(self, key: str) -> None:
        await self.run(lambda: self.client.remove_object(self.bucket, key))

    async def remove_many(self, keys: list[str]) -> None:
        """Delete objects one request each (s3rver, the local stand-in, fails on multi-object deletes; orphans
        are few); a key that is gone already is no error."""

        def remove() -> None:
            for key in keys:
                self.client.remove_object(self.bucket, key)

        if keys:
            await self.run(remove)

    async def list_objects(
        self, prefix: str, *, start_after: str = "", limit: int = 1000
    ) -> list[ListedObject]:
        """Up to `limit` objects under `prefix` in key order, after `start_after`."""

        def listing() -> list[ListedObject]:
            found: list[ListedObject] = []
            objects = self.client.list_objects(
                self.bucket, prefix=prefix, recursive=True, start_after=start_after or None
            )
            for obj in objects:
                if obj.object_name is None or obj.is_dir:
                    continue
                found.append(
                    ListedObject(
                        key=obj.object_name,
                        size=obj.size or 0,
                        last_modified=obj.last_modified or datetime.now(UTC),
                    )
                )
                if len(found) >= limit:
                    break
            return found

        try:
            return await self.run(listing)
        except S3Error as exc:
            raise StorageUnavailable(f"object storage refused the listing: {exc.code}") from exc

    def close(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)


def _host(endpoint: str, secure: bool) -> str:
    """The Host header an HTTP client sends for the endpoint: without the scheme's default port."""
    default = ":443" if secure else ":80"
    return endpoint[: -len(default)] if endpoint.endswith(default) else endpoint


def _hmac(key: bytes, text: str) -> bytes:
    return hmac.new(key, text.encode(), hashlib.sha256).digest()


def presign_v4(
    method: str,
    base_url: str,
    path: str,
    *,
    region: str,
    access_key: str,
    secret_key: str,
    now: datetime,
    expires: timedelta,
    headers: dict[str, str],
) -> str:
    """A SigV4 query-string presigned URL whose signature covers `headers` besides the host (the minio SDK
    signs the host only). The request must then carry exactly these header values: MinIO and S3 compare a
    signed Content-Length with the body they receive, so the URL takes no more and no fewer bytes."""
    scheme, _, host = base_url.partition("://")
    amz_date, day = now.strftime("%Y%m%dT%H%M%SZ"), now.strftime("%Y%m%d")
    scope = f"{day}/{region}/s3/aws4_request"
    signed = {"host": host, **{name.lower(): " ".join(value.split()) for name, value in headers.items()}}
    names = sorted(signed)
    query = {
        "X-Amz-Algorithm": "AWS4-HMAC-SHA256",
        "X-Amz-Credential": f"{access_key}/{scope}",
        "X-Amz-Date": amz_date,
        "X-Amz-Expires": str(int(expires.total_seconds())),
        "X-Amz-SignedHeaders": ";".join(names),
    }
    canonical_query = "&".join(
        f"{quote(k, safe='-_.~')}={quote(v, safe='-_.~')}" for k, v in sorted(query.items())
    )
    canonical_uri = quote(path, safe="/-_.~")
    canonical_request = "\n".join(
        [
            method,
            canonical_uri,
            canonical_query,
            "".join(f"{name}:{signed[name]}\n" for name in names),
            ";".join(names),
            "UNSIGNED-PAYLOAD",
        ]
    )
    string_to_sign = "\n".join(
        ["AWS4-HMAC-SHA256", amz_date, scope, hashlib.sha256(canonical_request.encode()).hexdigest()]
    )
    key = _hmac(_hmac(_hmac(_hmac(f"AWS4{secret_key}".encode(), day), region), "s3"), "aws4_request")
    signature = hmac.new(key, string_to_sign.encode(), hashlib.sha256).hexdigest()
    return f"{scheme}://{host}{canonical_uri}?{canonical_query}&X-Amz-Signature={signature}"
