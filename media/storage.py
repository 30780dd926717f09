"""Object storage through the minio SDK (MinIO in production, any S3 endpoint locally).

The SDK is synchronous: every call leaves the event loop through a bounded thread pool.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import TypeVar

import msgspec
import urllib3
from minio import Minio

T = TypeVar("T")


class StorageConfig(msgspec.Struct, frozen=True, kw_only=True):
    endpoint: str
    access_key: str
    secret_key: str
    bucket: str
    secure: bool = False
    region: str = "us-east-1"
    threads: int = 8


class Storage:
    def __init__(self, config: StorageConfig) -> None:
        self.config = config
        self.bucket = config.bucket
        # Short timeouts and no retries: a storage outage must surface quickly, not hang requests.
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
        return await asyncio.get_running_loop().run_in_executor(self._executor, fn)

    async def ping(self) -> bool:
        """True when the bucket answers; raises when the endpoint cannot be reached."""
        return await self.run(lambda: self.client.bucket_exists(self.bucket))

    async def ensure_bucket(self) -> None:
        def ensure() -> None:
            if not self.client.bucket_exists(self.bucket):
                self.client.make_bucket(self.bucket)

        await self.run(ensure)

    def presigned_get(self, key: str, expires: timedelta) -> str:
        """A short-lived GET link. Signing is local computation (the region is configured, so no lookup)."""
        return self.client.presigned_get_object(self.bucket, key, expires=expires)

    def close(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)
