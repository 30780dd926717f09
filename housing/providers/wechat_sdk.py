"""The ``wechatpayv3`` SDK as WeChatPayProvider uses it: imported with the provider's first call, not at the API's
start (the SDK, requests and urllib3 weigh a few MB that a process which takes no payment does not need; issue 13).

The SDK's one hard-coded thing is its host: ``Core.__init__`` sets ``self._gate_way =
'https://api.mch.weixin.qq.com'`` and at once downloads the certificates from it, so the attribute cannot be
changed after construction and the constructor takes no host. ``GatewayCore`` overrides that one attribute
with a property that answers the configured base URL (every request the SDK makes is ``self._gate_way +
path``), and ``SDK`` builds ``WeChatPay`` around it (what ``WeChatPay.__init__`` does, with our Core); a test
checks both against the pinned SDK. Nothing else of the SDK is changed.

``GatewayCore`` also throttles the platform-certificate refresh, keeps the known certificates when a refresh
fails, and checks a callback inline when it knows the certificate that signed it (``verify_offline``).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any, Final, TypeVar, cast

import requests
from wechatpayv3 import WeChatPay, WeChatPayType
from wechatpayv3.core import Core

from housing.providers.config import WeChatPayConfig

T = TypeVar("T")

#: what the SDK raises when WeChat Pay cannot be reached (requests' connection errors and timeouts)
NETWORK_ERRORS: Final[tuple[type[Exception], ...]] = (requests.RequestException,)


class GatewayCore(Core):  # type: ignore[misc]  # the SDK has no type information
    """The SDK's Core with a configurable host, and a platform-certificate refresh that is throttled, keeps the
    known certificates when a refresh fails, and is safe across threads."""

    def __init__(self, *, gateway: str, refresh_min_interval_s: float, **kwargs: Any) -> None:
        self._configured_gateway = gateway.rstrip("/")
        self._refresh_min_interval_s = refresh_min_interval_s
        self._last_refresh = float("-inf")
        self._certificates_lock = threading.RLock()
        self.certificates_answer: tuple[int, Any] | None = None  # the last /v3/certificates answer
        try:
            super().__init__(**kwargs)
        except Exception as exc:
            if self.certificates_answer is not None and "platform certificate" in str(exc):
                raise NoCertificate(*self.certificates_answer) from exc
            raise

    def request(self, path: str, *args: Any, **kwargs: Any) -> tuple[int, Any]:
        answer = cast(tuple[int, Any], super().request(path, *args, **kwargs))
        if path == "/v3/certificates":
            self.certificates_answer = answer
        return answer

    @property
    def _gate_way(self) -> str:
        return self._configured_gateway

    @_gate_way.setter
    def _gate_way(self, value: str) -> None:
        """Core.__init__ writes the production host here; the configuration decides instead."""

    def _update_certificates(self) -> None:
        # An unknown Wechatpay-Serial makes the SDK download the list again: at most once per interval, so that
        # forged callbacks cannot make us hammer the provider; a failed download keeps what we had.
        with self._certificates_lock:
            now = time.monotonic()
            if now - self._last_refresh < self._refresh_min_interval_s:
                return
            self._last_refresh = now
            known = list(self._certificates)
            try:
                super()._update_certificates()
            finally:
                if not self._certificates:
                    self._certificates.extend(known)

    def _verify_signature(self, headers: Any, body: Any) -> bool:
        with self._certificates_lock:  # the refresh clears the list before filling it again
            return bool(super()._verify_signature(headers, body))

    def verify_offline(self, serial: str, verify: Callable[[], T]) -> T | None:
        """``verify()`` here and now when the SDK's signature check cannot reach the network: the certificate of
        ``serial`` is known (or it is the configured platform public key's id) and no refresh is running; the
        certificates are held meanwhile, so that none can start. None when it could (verify in a worker thread)."""
        # a refresh (a download) holding them makes this answer None at once: the event loop never waits for it
        if not self._certificates_lock.acquire(blocking=False):
            return None
        try:
            if not self._knows(serial):
                return None
            return verify()
        finally:
            self._certificates_lock.release()

    def _knows(self, serial: str) -> bool:
        if self._public_key_id and serial == self._public_key_id:
            return True
        try:
            number = int("0x" + serial, 16)  # as Core._verify_signature reads it
        except ValueError:
            return False
        return any(cert.serial_number == number for cert in self._certificates)


class NoCertificate(Exception):
    """The platform certificates were asked for, and none came out: ``status`` and ``body`` are the answer's."""

    def __init__(self, status: int, body: Any) -> None:
        super().__init__(f"no platform certificate ({status})")
        self.status, self.body = status, body


class SDK(WeChatPay):  # type: ignore[misc]
    """``WeChatPay`` around ``GatewayCore``: the attributes ``WeChatPay.__init__`` sets, with our Core."""

    def __init__(self, core: GatewayCore, *, pay_type: WeChatPayType, mchid: str, appid: str) -> None:
        self._type = pay_type
        self._mchid = mchid
        self._appid = appid
        self._notify_url = None
        self._core = core
        self._partner_mode = False


def build(config: WeChatPayConfig) -> SDK:
    """The SDK of a merchant. Its Core downloads the platform certificates unless the configuration gives the
    platform public key. Raises as the SDK does: ``NETWORK_ERRORS`` (WeChat Pay not reached), ``NoCertificate``,
    and bare Exceptions for a key that does not load."""
    core = GatewayCore(
        gateway=config.base_url,
        refresh_min_interval_s=config.certificate_refresh_min_interval_s,
        mchid=config.mchid,
        cert_serial_no=config.merchant_serial_no,
        private_key=config.merchant_private_key,
        apiv3_key=config.apiv3_key,
        timeout=(config.timeout_s, config.timeout_s),
        public_key=config.platform_public_key,
        public_key_id=config.platform_public_key_id,
    )
    pay_type = WeChatPayType.APP if config.trade_type == "APP" else WeChatPayType.JSAPI
    return SDK(core, pay_type=pay_type, mchid=config.mchid, appid=config.appid)
