"""Payment providers (WeChat Pay API v3, Alipay) behind one protocol, ``PaymentProvider``.

The bills side calls ``create_order`` (what the app needs to pay), ``verify_callback`` (a typed, verified
``PaymentCallback`` / ``RefundCallback``, or a ``CallbackRefused`` error), answers the provider with ``ack()`` /
``nack()``, and uses ``query_order``, ``close_order``, ``refund``, ``query_refund`` and ``statement`` (the daily
reconciliation). Configuration comes in as ``WeChatPayConfig`` / ``AlipayConfig``; ``production_problems``
refuses a fake or local base URL in production. No HTTP framework is imported here.
"""

from housing.providers.alipay import AlipayProvider
from housing.providers.base import PaymentProvider
from housing.providers.config import AlipayConfig, WeChatPayConfig, production_problems
from housing.providers.models import (
    AlipayOrderString,
    AppPayment,
    CallbackAnswer,
    CallbackEvent,
    PaymentCallback,
    ProviderOrder,
    ProviderRefund,
    ProviderStatement,
    ProviderStatementRow,
    RefundCallback,
    WeChatAppParams,
    WeChatJsapiParams,
)
from housing.providers.wechat import WeChatPayProvider


def build_provider(config: WeChatPayConfig | AlipayConfig) -> PaymentProvider:
    """The provider for a configuration."""
    if isinstance(config, WeChatPayConfig):
        return WeChatPayProvider(config)
    return AlipayProvider(config)


__all__ = [
    "AlipayConfig",
    "AlipayOrderString",
    "AlipayProvider",
    "AppPayment",
    "CallbackAnswer",
    "CallbackEvent",
    "PaymentCallback",
    "PaymentProvider",
    "ProviderOrder",
    "ProviderRefund",
    "ProviderStatement",
    "ProviderStatementRow",
    "RefundCallback",
    "WeChatAppParams",
    "WeChatJsapiParams",
    "WeChatPayConfig",
    "WeChatPayProvider",
    "build_provider",
    "production_problems",
]
