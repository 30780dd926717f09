"""The protocol every payment provider implements, and the bounded thread hop the synchronous SDKs need.

Both SDKs (wechatpayv3, python-alipay-sdk) block on the network (requests / urllib): every call leaves the event
loop through ``asyncio.to_thread``, at most ``limit`` at once per provider and event loop, so a slow provider
cannot take every thread of the default pool.
"""

from __future__ import annotations

import asyncio
import re
import weakref
from collections.abc import Callable, Mapping
from datetime import date, datetime, timedelta, timezone
from typing import Final, Protocol, TypeVar, runtime_checkable

from housing.providers.errors import PaymentRequestInvalid
from housing.providers.models import (
    AppPayment,
    CallbackAnswer,
    CallbackEvent,
    Channel,
    ProviderOrder,
    ProviderRefund,
    ProviderStatement,
)

T = TypeVar("T")


@runtime_checkable
class PaymentProvider(Protocol):
    channel: Channel

    async def create_order(
        self,
        out_trade_no: str,
        amount_fen: int,
        description: str,
        notify_url: str,
        *,
        expires_at: datetime | None = None,
        payer_openid: str | None = None,
    ) -> AppPayment:
        """Create the order with the provider (WeChat: the prepay order; Alipay: the signed order string) and
        return what the app needs to pay it."""
        ...

    async def verify_callback(self, headers: Mapping[str, str], body: bytes) -> CallbackEvent:
        """Verify a callback and read it. Raises a ``CallbackRefused`` subclass when it is not believed, and
        ``ProviderUnavailable`` when it could not be checked now (WeChat: the platform certificates could not be
        fetched); answer both with ``nack()``, so that the provider sends it again."""
        ...

    def ack(self) -> CallbackAnswer:
        """The answer that tells the provider the callback was received (and stops its retries)."""
        ...

    def nack(self, reason: str = "") -> CallbackAnswer:
        """The answer that tells the provider to send the callback again later."""
        ...

    async def query_order(self, out_trade_no: str) -> ProviderOrder: ...

    async def close_order(self, out_trade_no: str) -> None: ...

    async def refund(
        self,
        out_trade_no: str,
        refund_no: str,
        amount_fen: int,
        total_fen: int,
        reason: str,
        *,
        notify_url: str | None = None,
    ) -> ProviderRefund: ...

    async def query_refund(self, out_trade_no: str, refund_no: str) -> ProviderRefund: ...

    async def statement(self, day: date) -> ProviderStatement:
        """The provider's trade statement of ``day`` (China Standard Time), parsed and checked."""
        ...


class ThreadLimit:
    """``await limit.run(fn, *args)``: ``fn`` in a worker thread, at most ``limit`` at once per event loop."""

    def __init__(self, limit: int) -> None:
        if limit < 1:
            raise ValueError("limit must be at least 1")
        self.limit = limit
        self._semaphores: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore] = (
            weakref.WeakKeyDictionary()
        )

    async def run(self, fn: Callable[..., T], /, *args: object) -> T:
        loop = asyncio.get_running_loop()
        semaphore = self._semaphores.get(loop)
        if semaphore is None:
            semaphore = self._semaphores[loop] = asyncio.Semaphore(self.limit)
        async with semaphore:
            return await asyncio.to_thread(fn, *args)


#: China Standard Time: both providers write their times and cut their statements' days in it
CHINA_TZ: Final = timezone(timedelta(hours=8), "CST")

# DOMAIN.md §11 allows [0-9A-Za-z_-|*]; '|' is left out because requests percent-encodes it in a URL path
# (GET .../out-trade-no/{no}) while the SDK signs the unencoded path, so WeChat would refuse the signature.
_OUT_TRADE_NO = re.compile(r"[0-9A-Za-z_*-]{6,32}", re.ASCII)
_REFUND_NO = re.compile(r"[0-9A-Za-z_*@-]{1,64}", re.ASCII)


def check_out_trade_no(out_trade_no: str, provider: str) -> None:
    if not isinstance(out_trade_no, str) or _OUT_TRADE_NO.fullmatch(out_trade_no) is None:
        raise PaymentRequestInvalid(
            f"out_trade_no must be 6-32 characters of [0-9A-Za-z_-*]: {out_trade_no!r}", provider=provider
        )


def check_refund_no(refund_no: str, provider: str) -> None:
    if not isinstance(refund_no, str) or _REFUND_NO.fullmatch(refund_no) is None:
        raise PaymentRequestInvalid(
            f"refund_no must be 1-64 characters of [0-9A-Za-z_-*@]: {refund_no!r}", provider=provider
        )


def check_fen(amount_fen: int, provider: str, what: str = "amount_fen") -> None:
    """A positive integer of fen (bool is not an amount)."""
    if isinstance(amount_fen, bool) or not isinstance(amount_fen, int) or not 0 < amount_fen <= 10**12:
        raise PaymentRequestInvalid(
            f"{what} must be a positive integer of fen: {amount_fen!r}", provider=provider
        )
