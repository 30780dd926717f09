"""Localized problem titles (zh-CN, en) and Accept-Language negotiation."""

from __future__ import annotations

from typing import Literal

Locale = Literal["zh-CN", "en"]
DEFAULT_LOCALE: Locale = "zh-CN"

# code -> (zh-CN, en) for the API's own problems; each controller module registers its domain's titles.
TITLES: dict[str, tuple[str, str]] = {
    "bad_request": ("请求无效", "Bad request"),
    "malformed_json": ("请求体不是有效的 JSON", "The request body is not valid JSON"),
    "validation_failed": ("请求字段有误", "Some fields are invalid"),
    "unauthenticated": ("需要登录", "Sign-in required"),
    "token_invalid": ("访问令牌无效或已过期", "The access token is invalid or has expired"),
    "session_revoked": ("登录已失效，请重新登录", "This session has ended; sign in again"),
    "forbidden": ("无权执行此操作", "You are not allowed to do this"),
    "not_found": ("未找到", "Not found"),
    "method_not_allowed": ("不支持该请求方法", "Method not allowed"),
    "payload_too_large": ("请求体过大", "The request body is too large"),
    "unsupported_media_type": ("不支持的内容类型", "Unsupported content type"),
    "rate_limited": ("操作过于频繁，请稍后再试", "Too many requests; try again later"),
    "internal_error": ("服务器内部错误", "Internal server error"),
    "service_unavailable": ("服务暂不可用", "Service unavailable"),
    "dependency_unavailable": ("依赖服务不可用", "A service this API depends on is unavailable"),
}


def negotiate(accept_language: str | None) -> Locale:
    """Pick zh-CN or en from an Accept-Language header, honouring q-values; zh-CN when nothing matches."""
    if not accept_language:
        return DEFAULT_LOCALE
    best: tuple[float, int, Locale] | None = None
    for position, part in enumerate(accept_language.split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                continue
        tag = tag.strip().lower()
        locale: Locale | None = "zh-CN" if tag.startswith("zh") else "en" if tag.startswith("en") else None
        if locale is None or quality <= 0:
            continue
        candidate = (quality, -position, locale)
        if best is None or candidate[:2] > best[:2]:
            best = candidate
    return best[2] if best else DEFAULT_LOCALE


def title(code: str, locale: Locale) -> str:
    zh, en = TITLES.get(code, TITLES["bad_request"])
    return zh if locale == "zh-CN" else en
