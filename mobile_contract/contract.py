"""Write and check the published OpenAPI document.

`check` fails when the committed document differs from what the app generates (a stale contract), and when
the change against the committed document breaks clients of a published version path without a new version
and a changelog entry.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from litestar import Litestar

HERE = Path(__file__).resolve().parent
CONTRACT_PATH = HERE / "openapi.json"
CHANGELOG_PATH = HERE / "CHANGELOG.md"
_METHODS = ("get", "put", "post", "delete", "patch")


def render(app: Litestar) -> str:
    from api.openapi import document  # the API layer builds the document; this module only publishes it

    schema = document(app)
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def breaking_changes(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """Operations removed, and parameters or body fields newly required, in paths present in both."""
    problems: list[str] = []
    old_paths, new_paths = old.get("paths", {}), new.get("paths", {})
    for path, operations in old_paths.items():
        for method in _METHODS:
            if method not in operations:
                continue
            if method not in new_paths.get(path, {}):
                problems.append(f"{method.upper()} {path} was removed")
                continue
            before = {
                (p["name"], p["in"]) for p in operations[method].get("parameters", []) if p.get("required")
            }
            after = {
                (p["name"], p["in"])
                for p in new_paths[path][method].get("parameters", [])
                if p.get("required")
            }
            for name, where in sorted(after - before):
                problems.append(f"{method.upper()} {path} now requires {where} parameter {name!r}")
    return problems


def check(document: str) -> list[str]:
    if not CONTRACT_PATH.exists():
        return [f"{CONTRACT_PATH} is missing: run `make contract` and commit it"]
    committed = CONTRACT_PATH.read_text(encoding="utf-8")
    if committed == document:
        return []
    problems = [f"{CONTRACT_PATH.name} is stale: run `make contract`, review the diff and commit it"]
    old, new = json.loads(committed), json.loads(document)
    breaking = breaking_changes(old, new)
    if breaking:
        version = new.get("info", {}).get("version", "")
        changelog = CHANGELOG_PATH.read_text(encoding="utf-8") if CHANGELOG_PATH.exists() else ""
        if old.get("info", {}).get("version") == version or f"## {version}" not in changelog:
            problems += [f"breaking change: {b}" for b in breaking]
            problems.append(
                "breaking changes need a new version path, a new info.version and a CHANGELOG entry"
            )
    return problems
