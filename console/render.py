"""Templates: the Jinja environment (autoescaped, strict about undefined names) and `page()`, which renders a
template with what every page of the layout needs (language, texts, the user, the nav, the CSRF token)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, pass_context
from jinja2.runtime import Context
from litestar.datastructures import Cookie
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.response import Template
from litestar.template.config import TemplateConfig

from console.i18n import LANGUAGES, language, text

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"


@pass_context
def _t(context: Context, key: str, **values: Any) -> str:
    return text(context["lang"], key, **values)


def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["t"] = _t
    return env


#: the app's template config (api/app.py): only the console renders templates
TEMPLATE_CONFIG: TemplateConfig[JinjaTemplateEngine] = TemplateConfig(
    instance=JinjaTemplateEngine.from_environment(_environment())
)


def page(
    request: Any,
    template: str,
    *,
    status_code: int = 200,
    csrf: str | None = None,
    cookies: list[Cookie] | None = None,
    headers: dict[str, str] | None = None,
    **context: Any,
) -> Template:
    """Render `template` for this request. The signed-in user (set by the console's guard) and the nav come from
    the request; `csrf` is the token forms carry (the session's by default, the pre-session one on sign-in)."""
    user = request.scope.get("state", {}).get("console_user")
    lang = language(request)
    return Template(
        template_name=template,
        context={
            "lang": lang,
            "languages": LANGUAGES,
            "user": user,
            "nav": user.areas if user is not None else (),
            "csrf": csrf if csrf is not None else (user.csrf_token if user is not None else ""),
            "here": request.url.path + (f"?{request.url.query}" if request.url.query else ""),
            "current_area": request.route_handler.opt.get("area")
            if "route_handler" in request.scope
            else None,
            **context,
        },
        status_code=status_code,
        cookies=cookies or [],
        headers=headers or {},
        media_type="text/html; charset=utf-8",
    )
