"""Typed configuration of the payment providers, built by the caller (api/settings.py) from its settings.

The base URLs are configuration so that the local fakes (housing/providers/fakes) can stand in for the
providers in tests and in ``make run``; ``production_problems`` refuses, in production, anything but the
providers' own hosts over https (api/settings.py's ``check_settings`` should call it).

Secrets (private keys, the APIv3 key) are kept out of ``repr``.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from typing import Final, Literal
from urllib.parse import urlsplit

from housing.providers.errors import ProviderConfigInvalid

WECHAT_BASE_URL: Final = "https://api.mch.weixin.qq.com"
#: WeChat Pay's own hosts: the main one and its documented backup (备用域名)
WECHAT_PRODUCTION_HOSTS: Final = frozenset({"api.mch.weixin.qq.com", "api2.mch.weixin.qq.com"})
ALIPAY_GATEWAY_URL: Final = "https://openapi.alipay.com/gateway.do"
ALIPAY_PRODUCTION_HOSTS: Final = frozenset({"openapi.alipay.com"})

WeChatTradeType = Literal["APP", "JSAPI"]


@dataclass(frozen=True, slots=True, kw_only=True)
class WeChatPayConfig:
    """A direct merchant (直连商户) of WeChat Pay API v3."""

    mchid: str
    appid: str  # the app's (or mini program's) AppID bound to the merchant
    merchant_serial_no: str  # the serial of the merchant's API certificate (商户API证书序列号)
    merchant_private_key: str = field(repr=False)  # PEM (PKCS#8) of the merchant's API key
    apiv3_key: str = field(repr=False)  # 32 ASCII characters (APIv3密钥)
    base_url: str = WECHAT_BASE_URL
    trade_type: WeChatTradeType = "APP"
    #: The platform public key mode (微信支付公钥): when both are set, callbacks and answers are verified with it
    #: and no platform certificate is downloaded. Otherwise the SDK downloads the platform certificates.
    platform_public_key: str | None = field(default=None, repr=False)
    platform_public_key_id: str | None = None
    timeout_s: float = 10.0
    max_parallel_calls: int = 8
    callback_max_skew_s: int = 300  # DOMAIN.md §11: refuse timestamps more than 5 minutes off
    certificate_refresh_min_interval_s: float = (
        60.0  # an unknown serial refreshes the list at most this often
    )

    def __post_init__(self) -> None:
        problems = _url_problems(self.base_url, "base_url")
        if len(self.apiv3_key.encode()) != 32:
            problems.append("apiv3_key must be 32 bytes (AES-256)")
        if (self.platform_public_key is None) != (self.platform_public_key_id is None):
            problems.append("platform_public_key and platform_public_key_id go together")
        if not self.mchid or not self.appid or not self.merchant_serial_no:
            problems.append("mchid, appid and merchant_serial_no are required")
        if self.trade_type not in ("APP", "JSAPI"):
            problems.append("trade_type is APP or JSAPI")
        problems += _limits_problems(self.timeout_s, self.max_parallel_calls)
        if problems:
            raise ProviderConfigInvalid("; ".join(problems), provider="wechat")


@dataclass(frozen=True, slots=True, kw_only=True)
class AlipayConfig:
    """An Alipay Open Platform app with public-key signing (公钥模式, RSA2)."""

    app_id: str
    app_private_key: str = field(repr=False)  # PEM of the app's private key
    alipay_public_key: str  # PEM of Alipay's public key (支付宝公钥)
    seller_id: str | None = None  # the merchant's PID (2088...): callbacks for another seller are refused
    gateway_url: str = ALIPAY_GATEWAY_URL
    timeout_s: float = 10.0
    max_parallel_calls: int = 8

    def __post_init__(self) -> None:
        problems = _url_problems(self.gateway_url, "gateway_url")
        if not self.app_id:
            problems.append("app_id is required")
        problems += _limits_problems(self.timeout_s, self.max_parallel_calls)
        if problems:
            raise ProviderConfigInvalid("; ".join(problems), provider="alipay")


ProviderConfig = WeChatPayConfig | AlipayConfig


def production_problems(config: ProviderConfig) -> list[str]:
    """What makes ``config`` unfit for production: a base URL that is not the provider's own https host (a fake,
    localhost, a private address, the Alipay sandbox). Empty when it is fit."""
    if isinstance(config, WeChatPayConfig):
        name, url, hosts = "WeChat Pay base_url", config.base_url, WECHAT_PRODUCTION_HOSTS
    else:
        name, url, hosts = "Alipay gateway_url", config.gateway_url, ALIPAY_PRODUCTION_HOSTS
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if is_local_host(host):
        return [
            f"{name} {url} is on this machine or a private network: a fake provider is for dev and test only"
        ]
    if parts.scheme != "https" or host not in hosts:
        return [f"{name} {url} is not the provider's own https host ({', '.join(sorted(hosts))})"]
    return []


def is_local_host(host: str) -> bool:
    """localhost, *.localhost, loopback, private, link-local or unspecified addresses."""
    host = host.strip("[]").lower().rstrip(".")
    if host in ("", "localhost") or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_private or address.is_link_local or address.is_unspecified


def _url_problems(url: str, name: str) -> list[str]:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return [f"{name} must be an absolute http(s) URL"]
    return []


def _limits_problems(timeout_s: float, max_parallel_calls: int) -> list[str]:
    problems = []
    if timeout_s <= 0:
        problems.append("timeout_s must be positive")
    if max_parallel_calls < 1:
        problems.append("max_parallel_calls must be at least 1")
    return problems
