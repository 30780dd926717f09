"""Catalogue files are checked whole before anything is loaded."""

from __future__ import annotations

import json
from typing import Any

import pytest

from cases.catalogue.errors import InvalidCatalogue
from cases.catalogue.service import DEMO_CATALOGUE, parse_catalogue


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["categories"].append(dict(d["categories"][0])), "listed twice"),
        (lambda d: d["categories"][0].update(major="09"), "no group"),
        (lambda d: d["categories"][0].update(code="E0101"), "does not match"),
        (lambda d: d["categories"][0].update(limit_urgent_hours=99), "urgent limit"),
        (lambda d: d["categories"][0].update(code="X1"), "not a valid catalogue"),
    ],
)
def test_invalid_catalogue_files_are_refused(change: Any, message: str) -> None:
    doc = json.loads(DEMO_CATALOGUE.read_text(encoding="utf-8"))
    change(doc)
    with pytest.raises(InvalidCatalogue, match=message):
        parse_catalogue(json.dumps(doc).encode())
