"""Descriptions and examples of the published contract, applied to the generated OpenAPI document by
api/openapi.py (kept here, not in the domain models, so that models stay short; a test fails when an
operation, parameter, schema or property lacks one, or when a key here names nothing).

One module per area of the API; this package merges them into OPERATIONS (operationId -> description),
PARAMETERS ("name" describes every parameter of that name, "operationId.name" overrides it for one operation),
PARAMETER_EXAMPLES (keyed the same way), SCHEMAS (component schema -> description), PROPERTIES
("Schema.property" -> description, with units, ranges and what null means) and EXAMPLES (schema name -> one valid
example). A key defined in two modules is an error at import, not a silent override."""

from types import ModuleType
from typing import Any

from mobile_contract.descriptions import (
    case_actions,
    cases,
    catalogue,
    common,
    field_work,
    grids_and_admin,
    housing_credit,
    housing_estates,
    housing_fund,
    housing_money,
    housing_notices,
    housing_payments,
    housing_repairs,
    housing_votes,
    identity,
    notifications,
    open311,
    photos,
    reports,
)

_MODULES: tuple[ModuleType, ...] = (
    common,
    identity,
    catalogue,
    reports,
    photos,
    cases,
    case_actions,
    field_work,
    grids_and_admin,
    notifications,
    housing_estates,
    housing_money,
    housing_payments,
    housing_notices,
    housing_votes,
    housing_fund,
    housing_repairs,
    housing_credit,
    open311,
)


def _merge(name: str) -> dict[str, Any]:
    """The union of every module's `name` dict; raises when two modules define the same key."""
    merged: dict[str, Any] = {}
    for module in _MODULES:
        part: dict[str, Any] = getattr(module, name, {})
        twice = merged.keys() & part.keys()
        if twice:
            raise ValueError(f"{name}: {sorted(twice)} defined again in {module.__name__}")
        merged.update(part)
    return merged


OPERATIONS: dict[str, str] = _merge("OPERATIONS")
PARAMETERS: dict[str, str] = _merge("PARAMETERS")
PARAMETER_EXAMPLES: dict[str, Any] = _merge("PARAMETER_EXAMPLES")
SCHEMAS: dict[str, str] = _merge("SCHEMAS")
PROPERTIES: dict[str, str] = _merge("PROPERTIES")
EXAMPLES: dict[str, Any] = _merge("EXAMPLES")

__all__ = ["EXAMPLES", "OPERATIONS", "PARAMETERS", "PARAMETER_EXAMPLES", "PROPERTIES", "SCHEMAS"]
