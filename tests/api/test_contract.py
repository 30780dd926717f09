"""The published contract stays current, and the domains know no HTTP."""

from __future__ import annotations

import ast
import json
from pathlib import Path
from typing import Any

from api.app import create_app
from api.settings import load_settings
from mobile_contract import contract

ROOT = Path(__file__).resolve().parents[2]
DOMAINS = ("identity", "media", "cases", "notifications", "housing")


def test_openapi_document_is_current() -> None:
    document = contract.render(create_app(load_settings(env="test"), connect=False))
    assert contract.check(document) == [], "run `make contract` and commit mobile_contract/openapi.json"


def test_every_operation_has_an_id_and_documents_problems() -> None:
    schema = json.loads(contract.CONTRACT_PATH.read_text(encoding="utf-8"))
    assert schema["openapi"].startswith("3.1")
    ids = [
        op["operationId"] for ops in schema["paths"].values() for op in ops.values() if isinstance(op, dict)
    ]
    assert len(ids) == len(set(ids))
    assert all(ids)


def test_a_removed_operation_is_breaking() -> None:
    old: dict[str, Any] = {"paths": {"/v1/me": {"get": {}, "patch": {}}}}
    new = {"paths": {"/v1/me": {"get": {"parameters": [{"name": "x", "in": "query", "required": True}]}}}}
    assert contract.breaking_changes(old, new) == [
        "GET /v1/me now requires query parameter 'x'",
        "PATCH /v1/me was removed",
    ]
    assert contract.breaking_changes(old, old) == []


def _imports(path: Path) -> list[str]:
    names: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.append(node.module)
    return names


def test_domain_packages_know_no_http() -> None:
    offenders = [
        f"{path.relative_to(ROOT)} imports {name}"
        for domain in DOMAINS
        for path in (ROOT / domain).rglob("*.py")
        for name in _imports(path)
        if name.split(".")[0] in {"litestar", "api"}
    ]
    assert offenders == []
