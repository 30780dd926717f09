"""Object storage through the minio SDK (MinIO in production, any S3 endpoint locally).

The SDK is synchronous: every call leaves the event loop through a bounded thread pool. An unreachable
endpoint surfaces quickly as StorageUnavailable instead of hanging a request.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import tempfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import BinaryIO, TypeVar, cast

import msgspec
import urllib3
from minio import Minio
from minio.commonconfig import CopySource
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

    def presigned_put(self, key: str, expires: timedelta) -> str:
        return self.client.presigned_put_object(self.bucket, key, expires=expires)

    async def stat(self, key: str) -> ObjectInfo | None:
        def stat() -> ObjectInfo | None:
            try:
                info = self.client.stat_object(self.bucket, key)
            except S3Error as exc:
                if exc.code in ("NoSuchKey", "NoSuchObject", "NotFound", "ResourceNotFound"):
                    return None
                raise
            return ObjectInfo(size=info.size or 0, content_type=info.content_type or "")

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

    async def put_if_absent(self, key: str, data: bytes, content_type: str) -> bool:
        """Store bytes under a content-addressed key unless they are there already. True when written."""

        def put() -> bool:
            try:
                self.client.stat_object(self.bucket, key)
                return False
            except S3Error as exc:
                if exc.code not in ("NoSuchKey", "NoSuchObject", "NotFound", "ResourceNotFound"):
                    raise
            self.client.put_object(self.bucket, key, io.BytesIO(data), len(data), content_type=content_type)
            return True

        return await self.run(put)

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

    def close(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)
