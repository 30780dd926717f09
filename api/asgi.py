"""ASGI entry point for servers: `uvicorn --factory api.asgi:app`."""

from __future__ import annotations

from litestar import Litestar

from api.app import create_app
from api.observability import configure_logging
from api.settings import load_settings


def app() -> Litestar:
    settings = load_settings()
    configure_logging(settings.log_level)
    return create_app(settings)
