"""Every answer the tests receive must be one the published document promises.

The `client` fixture runs `check` on each response: the operation exists, the status is documented for it, a
problem's `code` is among the codes documented for that status, and the headers that matter (WWW-Authenticate,
Retry-After, ETag) are documented where they are sent. A problem asking for a header (Idempotency-Key, If-Match)
means the operation must declare that header. So a route that starts answering something new fails the suite
until the contract says so.
"""

from __future__ import annotations

import functools
import json
import os
import re
from typing import Any

import httpx

from api.app import create_app
from api.settings import load_settings
from mobile_contract import contract

_HEADER_FOR_CODE = {
    "idempotency_key_required": "Idempotency-Key",
    "precondition_required": "If-Match",
}
#: operations for operators, not for apps
UNPUBLISHED = {"/metrics", "/schema/openapi.json"}
#: operations for other parties, in their own protocols: the payment providers' callbacks
UNPUBLISHED_PREFIXES = ("/v1/payments/callbacks/",)
_CHECKED_HEADERS = ("WWW-Authenticate", "Retry-After", "ETag")


@functools.cache
def _document() -> dict[str, Any]:
    document: dict[str, Any] = json.loads(
        contract.render(create_app(load_settings(env="test"), connect=False))
    )
    return document


@functools.cache
def _templates() -> list[tuple[re.Pattern[str], str]]:
    out = []
    for path in _document()["paths"]:
        pattern = re.sub(r"\\{[^/]+?\\}", "[^/]+", re.escape(path))
        # literal segments win over parameters: sort templates with fewer parameters first
        out.append((re.compile(f"^{pattern}$"), path))
    out.sort(key=lambda item: (item[1].count("{"), item[1]))
    return out


def operation_for(method: str, path: str) -> tuple[str, dict[str, Any]] | None:
    for pattern, template in _templates():
        if pattern.match(path):
            operation = _document()["paths"][template].get(method.lower())
            if operation is not None:
                return template, operation
    return None


def problems(method: str, path: str, status: int, body: Any, headers: httpx.Headers) -> list[str]:
    """What about this answer the document does not promise (empty when all is documented)."""
    found = operation_for(method, path)
    if found is None and (path in UNPUBLISHED or path.startswith(UNPUBLISHED_PREFIXES)):
        return []
    if found is None:
        # no such operation: only the router's own 404/405 may answer
        return (
            [] if status in (404, 405) else [f"{method} {path} answered {status} but is not in the document"]
        )
    template, operation = found
    name = f"{method} {template} ({operation.get('operationId')})"
    response = operation["responses"].get(str(status))
    if response is None:
        code = body.get("code") if isinstance(body, dict) else None
        return [f"{name} answered an undocumented {status} (code {code})"]
    out = []
    if status >= 400 and isinstance(body, dict):
        schema = response["content"]["application/problem+json"]["schema"]
        codes = schema["allOf"][1]["properties"]["code"]["enum"]
        if body.get("code") not in codes:
            out.append(
                f"{name} answered {status} with undocumented code {body.get('code')!r} (documented: {codes})"
            )
        header = _HEADER_FOR_CODE.get(str(body.get("code")))
        declared = {p["name"] for p in operation.get("parameters", []) if p["in"] == "header"}
        if header and header not in declared:
            out.append(f"{name} asks for {header} but does not declare it")
    documented = set(response.get("headers", {}))
    for header in _CHECKED_HEADERS:
        if header in headers and header not in documented:
            out.append(f"{name} sent {header} with {status}, undocumented")
    return out


def _record(path: str, lines: list[str]) -> None:
    with open(path, "a", encoding="utf-8") as out:
        out.writelines(line + "\n" for line in lines)


async def check(response: httpx.Response) -> None:
    await response.aread()
    body: Any = None
    if response.headers.get("content-type", "").split(";")[0].endswith("json"):
        try:
            body = response.json()
        except ValueError:
            body = None
    request = response.request
    found = problems(request.method, request.url.path, response.status_code, body, response.headers)
    record = os.environ.get("CONTRACT_RECORD")  # a file to collect findings in, instead of failing
    if record and found:
        _record(record, found)
        return
    assert not found, "the contract does not promise this answer: " + "; ".join(found)
