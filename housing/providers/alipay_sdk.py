"""``python-alipay-sdk`` as AlipayProvider uses it: imported with the provider's first call, not at the API's start
(the SDK, pyOpenSSL and pycryptodomex weigh a few MB that a process which takes no payment does not need; issue 13).

Two things of the SDK are adjusted, both in ``SDK``: its host, which the constructor hard-codes
(``self._gateway = 'https://openapi.alipay.com/gateway.do'``, or the sandbox with ``debug=True``) and which is
set again from the configuration right after construction (the constructor does no I/O, and every request is
``self._gateway + '?' + signed query``); and the request ``timestamp``, which the SDK writes in the server's
local time while Alipay reads it as China Standard Time (our servers run in UTC).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from alipay import AliPay
from alipay.exceptions import AliPayException, AliPayValidationError
from alipay.utils import AliPayConfig

from housing.providers.base import CHINA_TZ
from housing.providers.config import AlipayConfig

__all__ = ["SDK", "AliPayException", "AliPayValidationError", "build"]


class SDK(AliPay):  # type: ignore[misc]  # the SDK has no type information
    def __init__(self, *, gateway_url: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._gateway = gateway_url  # the constructor chose the production (or sandbox) host: ours instead

    def build_body(self, method: str, biz_content: Any = None, **kwargs: Any) -> dict[str, Any]:
        data = cast(dict[str, Any], super().build_body(method, biz_content, **kwargs))
        data["timestamp"] = datetime.now(CHINA_TZ).strftime("%Y-%m-%d %H:%M:%S")
        return data


def build(config: AlipayConfig) -> SDK:
    """The SDK of an app (it loads the keys: ValueError, IndexError or TypeError when they do not)."""
    return SDK(
        gateway_url=config.gateway_url,
        appid=config.app_id,
        app_private_key_string=config.app_private_key,
        alipay_public_key_string=config.alipay_public_key,
        sign_type="RSA2",
        config=AliPayConfig(timeout=config.timeout_s),
    )
