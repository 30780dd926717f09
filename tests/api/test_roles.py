"""The role matrix: every endpoint so far × every role, allowed or forbidden."""

from __future__ import annotations

from typing import Any

import asyncpg
import pytest
from litestar.testing import AsyncTestClient

from api.settings import Settings
from identity.models import ROLES, STAFF_ROLES, Role
from tests.identity.helpers import bearer, staff_token

TARGET_PHONE = "+8613700000001"


def _allowed(*roles: Role) -> frozenset[Role]:
    return frozenset(roles)


# (method, path, body, roles allowed); {target} is another user's id
MATRIX: list[tuple[str, str, dict[str, Any] | None, frozenset[Role]]] = [
    ("GET", "/v1/me", None, frozenset(ROLES)),
    ("PATCH", "/v1/me", {"display_name": "x"}, frozenset(ROLES)),
    ("POST", "/v1/auth/logout", None, frozenset(ROLES)),
    ("GET", "/v1/users/{target}", None, STAFF_ROLES),
    ("PUT", "/v1/users/{target}/roles", {"roles": [{"role": "citizen"}]}, _allowed("admin")),
    ("GET", "/v1/audit", None, _allowed("admin")),
]
#: the one success status the contract gives each of them (logging out answers no body)
SUCCESS = {
    "GET /v1/me": 200,
    "PATCH /v1/me": 200,
    "POST /v1/auth/logout": 204,
    "GET /v1/users/{target}": 200,
    "PUT /v1/users/{target}/roles": 200,
    "GET /v1/audit": 200,
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("method", "path", "body", "allowed"), MATRIX, ids=[f"{m} {p}" for m, p, _, _ in MATRIX]
)
async def test_role_matrix(
    client: AsyncTestClient[Any],
    db: asyncpg.Connection,
    settings: Settings,
    role: Role,
    method: str,
    path: str,
    body: dict[str, Any] | None,
    allowed: frozenset[Role],
) -> None:
    await staff_token(db, settings, TARGET_PHONE, "citizen")
    target = await db.fetchval("SELECT id FROM users WHERE phone = $1", TARGET_PHONE)
    token = await staff_token(db, settings, "+8613700000002", role)
    roles_before = await db.fetch("SELECT user_id, role FROM user_roles ORDER BY id")

    r = await client.request(method, path.format(target=target), json=body, headers=bearer(token))

    if role in allowed:
        assert r.status_code == SUCCESS[f"{method} {path}"], r.text
    else:
        assert r.status_code == 403
        problem = r.json()
        assert problem["code"] == "forbidden"
        assert set(problem["required_roles"]) == set(allowed)
        assert await db.fetch("SELECT user_id, role FROM user_roles ORDER BY id") == roles_before


@pytest.mark.parametrize(
    ("method", "path", "body", "allowed"), MATRIX, ids=[f"{m} {p}" for m, p, _, _ in MATRIX]
)
async def test_every_endpoint_needs_a_token(
    client: AsyncTestClient[Any], method: str, path: str, body: Any, allowed: Any
) -> None:
    r = await client.request(method, path.format(target="0190f0e0-0000-7000-8000-000000000000"), json=body)
    assert r.status_code == 401
    assert r.json()["code"] == "unauthenticated"


def _operations() -> list[tuple[str, str, dict[str, str]]]:
    """Every operation of the published contract that requires a token (bearer only, no anonymous access)."""
    import json

    from mobile_contract.contract import CONTRACT_PATH

    schema = json.loads(CONTRACT_PATH.read_text(encoding="utf-8"))
    default = schema.get("security", [])
    found = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            security = operation.get("security", default)
            # [{}] (or an empty requirement among others) means a token is optional there
            if security and all(requirement for requirement in security):
                examples = {
                    p["name"]: "1"
                    if p.get("schema", {}).get("type") == "integer"
                    else "0190f0e0-0000-7000-8000-000000000000"
                    for p in operation.get("parameters", [])
                    if p["in"] == "path"
                }
                found.append((method.upper(), path, examples))
    return sorted(found, key=lambda op: (op[1], op[0]))


@pytest.mark.parametrize(
    ("method", "path", "examples"), _operations(), ids=[f"{m} {p}" for m, p, _ in _operations()]
)
async def test_every_protected_operation_refuses_anonymous_callers(
    client: AsyncTestClient[Any], method: str, path: str, examples: dict[str, str]
) -> None:
    concrete = path.format(**examples)
    r = await client.request(method, concrete, json={} if method in ("POST", "PUT", "PATCH") else None)
    assert r.status_code == 401, f"{method} {path}: {r.status_code} {r.text[:200]}"
    assert r.json()["code"] == "unauthenticated"
