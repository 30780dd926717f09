"""Localized problem titles (zh-CN, en) and Accept-Language negotiation."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Literal

from api.problems import PROBLEMS

Locale = Literal["zh-CN", "en"]
DEFAULT_LOCALE: Locale = "zh-CN"

#: code -> (zh-CN, en), read from the one table (api/problems.py)
TITLES: Mapping[str, tuple[str, str]] = MappingProxyType({code: (p.zh, p.en) for code, p in PROBLEMS.items()})


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
    problem = PROBLEMS.get(code) or PROBLEMS["bad_request"]
    return problem.zh if locale == "zh-CN" else problem.en
