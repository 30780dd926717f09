"""The payment providers the settings name: PAYMENTS_CONFIG_FILE (JSON: ``{"wechat": {...}, "alipay": {...}}``, the
fields of housing.providers' WeChatPayConfig / AlipayConfig; the local fakes write this file) and
PAYMENTS_NOTIFY_ORIGIN (the public origin the providers call back).

In production a provider's base URL must be its own https host, and the callback origin an https address the
provider can reach: a fake or local setting never gets there (``payments_production_problems``).
"""

from __future__ import annotations

import json
from typing import Any, Protocol
from urllib.parse import urlsplit

from housing.providers import (
    AlipayConfig,
    PaymentProvider,
    WeChatPayConfig,
    build_provider,
    production_problems,
)
from housing.providers.config import is_local_host
from housing.providers.errors import ProviderConfigInvalid


class PaymentSettings(Protocol):
    """What this module reads of api.settings.Settings (which calls it: it does not import the settings)."""

    @property
    def payments_config_file(self) -> str: ...

    @property
    def payments_notify_origin(self) -> str: ...


CALLBACK_PATH = "/v1/payments/callbacks/{channel}"
REFUND_CALLBACK_PATH = "/v1/payments/callbacks/{channel}/refunds"


def load_configs(path: str) -> dict[str, WeChatPayConfig | AlipayConfig]:
    """The providers' configurations from the file (an empty dict when no file is named)."""
    if not path:
        return {}
    try:
        with open(path, encoding="utf-8") as f:
            data: Any = json.load(f)
    except (OSError, ValueError) as exc:
        raise ProviderConfigInvalid(f"PAYMENTS_CONFIG_FILE {path} is not readable JSON: {exc}") from exc
    if not isinstance(data, dict) or not set(data) <= {"wechat", "alipay"}:
        raise ProviderConfigInvalid('PAYMENTS_CONFIG_FILE holds {"wechat": {...}, "alipay": {...}}')
    configs: dict[str, WeChatPayConfig | AlipayConfig] = {}
    try:
        if isinstance(data.get("wechat"), dict):
            configs["wechat"] = WeChatPayConfig(**data["wechat"])
        if isinstance(data.get("alipay"), dict):
            configs["alipay"] = AlipayConfig(**data["alipay"])
    except TypeError as exc:
        raise ProviderConfigInvalid(f"PAYMENTS_CONFIG_FILE: {exc}") from exc
    return configs


def build_providers(settings: PaymentSettings) -> dict[str, PaymentProvider]:
    return {
        channel: build_provider(config)
        for channel, config in load_configs(settings.payments_config_file).items()
    }


def notify_url(settings: PaymentSettings, channel: str, *, refund: bool = False) -> str:
    path = REFUND_CALLBACK_PATH if refund else CALLBACK_PATH
    return settings.payments_notify_origin.rstrip("/") + path.format(channel=channel)


def payments_production_problems(settings: PaymentSettings) -> list[str]:
    """What makes the payment settings unfit for production (see the module's docstring)."""
    if not settings.payments_config_file:
        return []
    try:
        configs = load_configs(settings.payments_config_file)
    except ProviderConfigInvalid as exc:
        return [str(exc)]
    problems = [problem for config in configs.values() for problem in production_problems(config)]
    origin = urlsplit(settings.payments_notify_origin)
    if origin.scheme != "https" or is_local_host(origin.hostname or ""):
        problems.append(
            f"PAYMENTS_NOTIFY_ORIGIN {settings.payments_notify_origin!r} must be this API's public https origin"
        )
    return problems
