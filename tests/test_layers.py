"""The house's layering, read from the code's imports (no module is run):

- cases/ is in sub-packages, each allowed to use only the ones below it: common ← catalogue ← grids ← workflow
  ← reports; stats reads the workflow's table and its own queries. So reports may use workflow, and workflow never
  uses reports.
- No module calls another package's store: a domain reaches another one through its service (identity through
  identity.service), and a part of cases/ reaches another part through that part's service.
- Every SQL statement of cases/ is in its part's one SQL home: `store.py`, or a `store/` package where the part's
  statements outgrow one file (never a loose `*_store.py` beside it); the API's idempotency SQL is identity's.
- The notifications read side reads the case workflow's views (migration 0018), never the tables of cases; cases/
  reads media's photos through media's view photo_refs (migration 0034), never its photos table.
- No file of cases/ is longer than about 600 lines.
- The web console (console/) is a presentation layer like api/: no domain imports it, and it imports neither the
  API's controllers nor any domain's store (its own session_store is its SQL).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOMAINS = ("identity", "media", "cases", "notifications", "housing", "open311")
#: what each part of cases/ may import besides itself
CASES_LAYERS: dict[str, set[str]] = {
    "common": set(),
    "catalogue": {"common"},
    "grids": {"common", "catalogue"},
    "workflow": {"common", "catalogue", "grids"},
    "reports": {"common", "catalogue", "grids", "workflow"},
    "stats": {"common", "workflow"},
}
MAX_LINES = 600
_QUERY_CALLS = re.compile(
    r"\.(fetch|fetchrow|fetchval|execute|executemany|copy_records_to_table|copy_to_table)\("
)
_CASE_TABLES = re.compile(
    r"\b(FROM|JOIN)\s+(cases|reports|case_followers|case_events|case_deadlines|categories)\b", re.IGNORECASE
)


def _module(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """Every module a file imports, `from a import b` giving a.b when b is a module of the tree."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            for alias in node.names:
                candidate = f"{node.module}.{alias.name}"
                if (ROOT / (candidate.replace(".", "/") + ".py")).exists():
                    found.add(candidate)
    return found


def _package(module: str) -> str:
    """The package a module belongs to for these rules: a part of cases/ (cases.common is its own), else its domain."""
    parts = module.split(".")
    if parts[0] == "cases" and len(parts) > 1:
        return f"cases.{parts[1]}"
    return parts[0]


def _files(*packages: str) -> list[Path]:
    return sorted(p for package in packages for p in (ROOT / package).rglob("*.py"))


def _is_store(module: str) -> bool:
    """A store module: `x.store`, `x.billing_store`, or a module of a `store` package (`cases.workflow.store.sync`)."""
    return any(part.endswith("store") for part in module.split(".")[1:])


def layer_breaches(imports: dict[str, set[str]]) -> list[str]:
    found = []
    for module, names in imports.items():
        if not module.startswith("cases."):
            continue
        part = module.split(".")[1]
        allowed = CASES_LAYERS[part] | {part}
        found += [
            f"{module} -> {name}"
            for name in names
            if name.startswith("cases.") and name.split(".")[1] not in allowed
        ]
    return found


def store_breaches(imports: dict[str, set[str]]) -> list[str]:
    return [
        f"{module} -> {name}"
        for module, names in imports.items()
        for name in names
        if _is_store(name) and _package(name) != _package(module)
    ]


def _graph() -> dict[str, set[str]]:
    return {_module(path): _imports(path) for path in _files(*DOMAINS)}


def console_breaches(imports: dict[str, set[str]]) -> list[str]:
    def breach(module: str, name: str) -> bool:
        if module.split(".")[0] in DOMAINS:
            return name.split(".")[0] == "console"
        if module.split(".")[0] != "console":
            return False
        controller = name == "api.controllers" or name.startswith("api.controllers.")
        return controller or (_is_store(name) and _package(name) != "console")

    return [
        f"{module} -> {name}" for module, names in imports.items() for name in names if breach(module, name)
    ]


def test_the_console_is_a_presentation_layer() -> None:
    graph = _graph() | {_module(path): _imports(path) for path in _files("console")}
    assert console_breaches(graph) == []
    assert sorted(
        console_breaches(
            {
                "housing.billing": {"console.render"},
                "console.pages.command": {
                    "api.controllers.cases",
                    "cases.workflow.store",
                    "console.session_store",
                },
                "console.auth": {"identity.store", "identity.service"},
            }
        )
    ) == [
        "console.auth -> identity.store",
        "console.pages.command -> api.controllers.cases",
        "console.pages.command -> cases.workflow.store",
        "housing.billing -> console.render",
    ]


def test_the_parts_of_cases_are_the_layers() -> None:
    parts = {p.name for p in (ROOT / "cases").iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert parts | {"common"} == set(CASES_LAYERS)
    assert (ROOT / "cases" / "common.py").exists()
    loose = sorted(
        p.name for p in (ROOT / "cases").glob("*.py") if p.name not in {"__init__.py", "common.py"}
    )
    assert loose == []


def test_each_part_of_cases_uses_only_the_parts_below_it() -> None:
    assert layer_breaches(_graph()) == []


def test_no_module_calls_another_packages_store() -> None:
    assert store_breaches(_graph()) == []


def test_the_checks_find_offenders() -> None:
    imports = {
        "cases.workflow.engine": {"cases.reports.service", "cases.grids.routing"},
        "cases.reports.service": {"cases.workflow.store", "identity.store", "cases.reports.store"},
        "housing.billing": {"housing.billing_store"},
        "cases.reports.maps": {"cases.workflow.store.sync", "cases.reports.store.map"},
    }
    assert layer_breaches(imports) == ["cases.workflow.engine -> cases.reports.service"]
    assert sorted(store_breaches(imports)) == [
        "cases.reports.maps -> cases.workflow.store.sync",
        "cases.reports.service -> cases.workflow.store",
        "cases.reports.service -> identity.store",
    ]
    assert store_breaches(_graph() | {"cases.grids.routing": {"identity.store"}})


def test_cases_sql_is_only_in_store_modules() -> None:
    offenders = [
        str(path.relative_to(ROOT))
        for path in [*_files("cases"), ROOT / "api" / "idempotency.py"]
        if not _is_store(_module(path)) and _QUERY_CALLS.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
    loose = [str(p.relative_to(ROOT)) for p in _files("cases") if p.stem.endswith("_store")]
    assert loose == []  # one SQL home a part: store.py or store/


def test_notifications_read_the_workflows_views() -> None:
    source = "".join(p.read_text(encoding="utf-8") for p in (ROOT / "notifications").glob("*store.py"))
    assert [m.group(0) for m in _CASE_TABLES.finditer(source)] == []
    assert "case_watchers" in source and "case_notice_context" in source


def test_cases_read_photos_through_medias_view() -> None:
    source = "".join(p.read_text(encoding="utf-8") for p in _files("cases") if _is_store(_module(p)))
    assert re.findall(r"\b(?:FROM|JOIN)\s+photos\b", source, re.IGNORECASE) == []
    assert "photo_refs" in source


def test_no_file_of_cases_is_too_long() -> None:
    long = {
        str(path.relative_to(ROOT)): lines
        for path in _files("cases")
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}
