"""The console's language: the `cityloop_lang` cookie (the switch in the layout), else Accept-Language, else zh-CN;
and `t(key, **values)`, the templates' look-up of console/texts."""

from __future__ import annotations

from typing import Any

from api.i18n import DEFAULT_LOCALE, Locale, negotiate
from console.texts import TEXTS

LANG_COOKIE = "cityloop_lang"
LANGUAGES: tuple[Locale, ...] = ("zh-CN", "en")


def language(request: Any) -> Locale:
    """The request's language (any litestar connection), judged once per request."""
    state = request.scope.setdefault("state", {})
    lang: Locale | None = state.get("console_lang")
    if lang is None:
        chosen = request.cookies.get(LANG_COOKIE)
        lang = chosen if chosen in LANGUAGES else negotiate(request.headers.get("accept-language"))
        state["console_lang"] = lang
    return lang


def text(lang: Locale, key: str, **values: Any) -> str:
    """The text of `key` in `lang`, with `{name}` placeholders filled. An unknown key is a bug: KeyError (the
    templates' keys are checked by tests/console/test_texts.py)."""
    zh, en = TEXTS[key]
    template = zh if lang == DEFAULT_LOCALE else en
    return template.format(**values) if values else template
