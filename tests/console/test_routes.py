"""Every console route declares who may call it, none asks for a bearer token, none is in the published
document, and every area of the registry has its page, templates and nav text."""

from __future__ import annotations

from pathlib import Path

from litestar.handlers.http_handlers import HTTPRouteHandler

from api.app import create_app
from api.auth import needs_token
from api.settings import load_settings
from console.areas import AREAS, CONSOLE_ROLES
from console.auth import ACCESS_KINDS
from console.texts import TEXTS

ROOT = Path(__file__).resolve().parents[2]


def _console_handlers() -> list[tuple[str, HTTPRouteHandler]]:
    app = create_app(load_settings(env="test"), connect=False)
    return [
        (route.path, handler)
        for route in app.routes
        if route.path.startswith("/console")
        for handler in getattr(route, "route_handlers", ())
        if isinstance(handler, HTTPRouteHandler) and "OPTIONS" not in handler.http_methods
    ]


def test_every_console_route_declares_its_access() -> None:
    handlers = _console_handlers()
    assert len(handlers) >= 10
    for path, handler in handlers:
        area, access = handler.opt.get("area"), handler.opt.get("access")
        assert (area in {a.key for a in AREAS}) or (access in ACCESS_KINDS), path
        assert not (area and access), f"{path}: an area route's access is its area's"
        assert not needs_token(handler), path
        assert "principal" not in handler.parsed_fn_signature.parameters, path
        assert not handler.resolve_include_in_schema(), path
        if access == "public":
            assert path.startswith(("/console/signin", "/console/lang/", "/console/static/")), path


def test_every_area_has_its_page_and_name() -> None:
    paths = {path for path, _ in _console_handlers()}
    for area in AREAS:
        assert area.path in paths
        pages = ROOT / "console" / "pages"
        assert (pages / f"{area.key}.py").is_file() or (pages / area.key / "__init__.py").is_file()
        assert (ROOT / "console" / "templates" / area.key / "index.html").is_file()
        assert area.title_key in TEXTS
    assert "citizen" not in CONSOLE_ROLES and "resident" not in CONSOLE_ROLES
