"""Fixtures of the media domain: reports need the demo city."""

from tests.cases.conftest import demo_city

__all__ = ["demo_city"]
