"""The published contract stays current, and the domains know no HTTP."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from api import openapi
from api.app import create_app
from api.i18n import TITLES
from api.settings import load_settings
from mobile_contract import contract, descriptions

ROOT = Path(__file__).resolve().parents[2]
#: The domain packages: every top-level package but the HTTP layer, the contract, the benches and the tests
#: (checked below, so that a rule over them cannot pass over a package that is not there, or miss a new one)
DOMAINS = ("identity", "media", "cases", "notifications", "housing", "open311")
NOT_DOMAINS = {"api", "console", "mobile_contract", "bench", "tests"}  # console: a presentation layer


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


def _modules(domain: str) -> list[Path]:
    """The modules of a domain package; a domain that is not a package with modules fails the test."""
    assert (ROOT / domain / "__init__.py").is_file(), f"{domain} is not a package"
    paths = sorted((ROOT / domain).rglob("*.py"))
    assert len(paths) > 1, f"{domain} has no modules"
    return paths


def _http_imports(path: Path) -> list[str]:
    return [name for name in _imports(path) if name.split(".")[0] in {"litestar", "api"}]


def test_the_domains_are_the_packages_of_the_repository() -> None:
    packages = {init.parent.name for init in ROOT.glob("*/__init__.py")}
    assert packages - NOT_DOMAINS == set(DOMAINS)


def test_domain_packages_know_no_http() -> None:
    offenders = [
        f"{path.relative_to(ROOT)} imports {name}"
        for domain in DOMAINS
        for path in _modules(domain)
        for name in _http_imports(path)
    ]
    assert offenders == []


def test_the_http_check_finds_an_offender(tmp_path: Path) -> None:
    module = tmp_path / "offender.py"
    module.write_text(
        "import litestar\nfrom litestar.status_codes import HTTP_200_OK\nfrom api import db\nimport msgspec\n"
    )
    assert _http_imports(module) == ["litestar", "litestar.status_codes", "api"]


def test_the_worker_and_the_cli_import_no_controller() -> None:
    """Their configs come from api/config.py and the problem table from api/problems.py: importing the worker or
    the CLI (a fresh interpreter, so that nothing this process has loaded counts) loads no api.controllers
    module and not the app that gathers them (`cityloop contract` imports it when it runs)."""
    probe = (
        "import sys, api.worker, api.cli; "
        "print(sorted(m for m in sys.modules if m == 'api.app' or m.startswith('api.controllers')))"
    )
    run = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=False)
    assert (run.returncode, run.stdout.strip()) == (0, "[]"), run.stderr


# --- the document says everything a generated client needs --------------------------------------------------


def _app() -> Any:
    return create_app(load_settings(env="test"), connect=False)


def _document() -> dict[str, Any]:
    document: dict[str, Any] = json.loads(contract.CONTRACT_PATH.read_text(encoding="utf-8"))
    return document


def test_every_route_documents_its_problems_and_headers() -> None:
    """Walk the app's routes: each answers what its route implies (a token, a role, parameters, a body, the
    headers it reads), and the committed document says so for each."""
    app, doc = _app(), _document()
    missing = []
    for path, method, handler in openapi.operations(app):
        operation = doc["paths"].get(path, {}).get(method)
        if operation is None:
            missing.append(f"{method.upper()} {path} is not in the document")
            continue
        for status, codes in openapi.route_problems(handler).items():
            response = operation["responses"].get(str(status))
            if response is None:
                missing.append(f"{operation['operationId']}: no {status} ({codes})")
                continue
            schema = response["content"]["application/problem+json"]["schema"]
            if schema["allOf"][1]["properties"]["code"]["enum"] != codes:
                missing.append(f"{operation['operationId']}: {status} does not list {codes}")
            if status == 401 and "WWW-Authenticate" not in response["headers"]:
                missing.append(f"{operation['operationId']}: 401 without WWW-Authenticate")
            if status in (429, 503) and "Retry-After" not in response["headers"]:
                missing.append(f"{operation['operationId']}: {status} without Retry-After")
        declared = {(p["name"], p.get("required", False)) for p in operation.get("parameters", [])}
        for header, required in openapi.request_headers(handler):
            if (header, required) not in declared:
                missing.append(
                    f"{operation['operationId']}: header {header} (required={required}) not declared"
                )
    assert missing == []


def test_protected_routes_document_401_and_role_routes_403() -> None:
    doc = _document()
    for path, method, handler in openapi.operations(_app()):
        responses = doc["paths"][path][method]["responses"]
        problems = openapi.route_problems(handler)
        assert ("401" in responses) == (401 in problems), f"{method} {path}"
        if "forbidden" in problems.get(403, []):
            assert "403" in responses


def test_every_problem_code_has_a_status_and_both_titles() -> None:
    doc = _document()
    for path_item in doc["paths"].values():
        for operation in path_item.values():
            if "open311" in operation.get("tags", []):
                continue  # GeoReport error lists, not problems (api/openapi_open311.py)
            for status, response in operation["responses"].items():
                if int(status) < 400:
                    continue
                for code in response["content"]["application/problem+json"]["schema"]["allOf"][1][
                    "properties"
                ]["code"]["enum"]:
                    assert openapi.problem_status(code) == int(status), code
                    assert code in TITLES, f"{code} has no zh-CN/en title"


def test_schemas_say_what_the_server_refuses() -> None:
    """Request bodies refuse unknown members, integers are int64, unions are discriminated, and nothing is left
    of litestar's default error body."""
    doc = _document()
    text = json.dumps(doc)
    assert '"extra"' not in text or "status_code" not in text
    schemas = doc["components"]["schemas"]
    for path_item in doc["paths"].values():
        for operation in path_item.values():
            body = operation.get("requestBody", {}).get("content", {}).get("application/json")
            if body is None:
                continue
            refs = [body["schema"], *body["schema"].get("oneOf", [])]
            for ref in refs:
                if "$ref" in ref:
                    name = ref["$ref"].rsplit("/", 1)[-1]
                    # GeoJSON (read raw by the grid import) allows foreign members; every Struct refuses them
                    assert (
                        schemas[name].get("additionalProperties") is False or name == "GridFeatureCollection"
                    )
            if "oneOf" in body["schema"]:
                assert "discriminator" in body["schema"], operation["operationId"]
    for node in openapi._walk(doc):
        if node.get("type") == "integer":
            assert node.get("format") == "int64" and node.get("maximum", 0) <= openapi.INT64_MAX


def test_every_operation_parameter_schema_and_property_is_described() -> None:
    doc = _document()
    undescribed = []
    for path, path_item in doc["paths"].items():
        for method, operation in path_item.items():
            name = operation["operationId"]
            if not operation.get("description"):
                undescribed.append(f"operation {name} ({method.upper()} {path})")
            undescribed += [
                f"parameter {name}.{p['name']}"
                for p in operation.get("parameters", [])
                if not p.get("description")
            ]
    for name, schema in doc["components"]["schemas"].items():
        if not schema.get("description") and "properties" in schema:
            undescribed.append(f"schema {name}")
        undescribed += [
            f"property {name}.{prop}"
            for prop, spec in schema.get("properties", {}).items()
            if not spec.get("description")
        ]
    assert undescribed == []


def test_descriptions_name_only_what_exists() -> None:
    doc = _document()
    ops = {op["operationId"]: op for item in doc["paths"].values() for op in item.values()}
    params = {(op_id, p["name"]) for op_id, op in ops.items() for p in op.get("parameters", [])}
    schemas = doc["components"]["schemas"]
    stale = [k for k in descriptions.OPERATIONS if k not in ops]
    for key in [*descriptions.PARAMETERS, *descriptions.PARAMETER_EXAMPLES]:
        op_id, _, name = key.rpartition(".")
        if (op_id and (op_id, name) not in params) or (not op_id and all(n != name for _, n in params)):
            stale.append(key)
    stale += [k for k in [*descriptions.SCHEMAS, *descriptions.EXAMPLES] if k not in schemas]
    for key in descriptions.PROPERTIES:
        schema, _, prop = key.partition(".")
        if prop not in schemas.get(schema, {}).get("properties", {}):
            stale.append(key)
    assert stale == []
