"""The examples of the published contract (mobile_contract/descriptions/) are valid.

- Each schema example decodes into its msgspec Struct, found by name in the domain models and the controllers,
  with `msgspec.convert` and as a JSON body, with no member the Struct does not know at any depth, and keeps
  the rules the server applies beyond the Struct (a known category, start and end of quiet hours apart, ...).
- Each parameter example fits its parameter's schema in the document.
- The server itself accepts them: the request examples are sent to it, and every GET is called with the
  examples of its parameters, and none is refused for its input.
"""

from __future__ import annotations

import functools
import importlib
import itertools
import json
import pkgutil
import re
from collections.abc import Callable
from datetime import datetime
from types import SimpleNamespace
from typing import Any
from uuid import UUID

import asyncpg
import msgspec
import msgspec.inspect as mi
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from api.app import create_app
from api.controllers.cases import _if_match
from api.idempotency import idempotency_key
from api.settings import Settings, load_settings
from cases.catalogue.service import DATA_DIR, DEMO_CATALOGUE, load_catalogue, parse_catalogue
from cases.common import to_wgs84, validate_lat_lon
from cases.grids.demo import seed_demo_grids
from cases.reports import store as cases_store
from cases.stats.indicators import APPLIES
from cases.workflow.transitions import ACTIONS, TRANSITIONS
from identity import store as identity_store
from identity.models import ROLES, RoleGrant
from identity.phone import normalize_phone
from media.models import MediaConfig
from mobile_contract import contract
from mobile_contract.descriptions import EXAMPLES, PARAMETER_EXAMPLES
from notifications.webhooks import parse_target
from tests.identity.helpers import bearer, staff_token

PACKAGES = ("identity", "media", "cases", "notifications", "housing", "open311", "api.controllers")
CATALOGUE: dict[str, Any] = json.loads(DEMO_CATALOGUE.read_text(encoding="utf-8"))
CATEGORIES = {c["code"]: c for c in CATALOGUE["categories"]}
DEPARTMENTS = {d["code"] for d in CATALOGUE["departments"]}
SERVICE_AREA = json.loads((DATA_DIR / "demo_service_area.geojson").read_text(encoding="utf-8"))


# finding the Structs ------------------------------------------------------------------------------------------


@functools.cache
def structs() -> dict[str, list[type[msgspec.Struct]]]:
    """Every msgspec Struct defined in the domain packages and the controllers, by class name."""
    found: dict[str, list[type[msgspec.Struct]]] = {}
    for package_name in PACKAGES:
        package = importlib.import_module(package_name)  # every one of them: none is skipped
        names = [package_name] + [
            info.name for info in pkgutil.walk_packages(package.__path__, package_name + ".")
        ]
        for name in names:
            module = importlib.import_module(name)
            for value in vars(module).values():
                if (
                    isinstance(value, type)
                    and issubclass(value, msgspec.Struct)
                    and value.__module__ == module.__name__
                    and value not in found.get(value.__name__, [])
                ):
                    found.setdefault(value.__name__, []).append(value)
    return found


def struct(name: str) -> type[msgspec.Struct]:
    candidates = structs().get(name, [])
    assert len(candidates) == 1, f"{name}: {len(candidates)} Structs of that name ({candidates})"
    return candidates[0]


def unknown_members(value: Any, info: mi.Type, at: str) -> list[str]:
    """Members of `value` that the type does not know, at any depth (convert ignores them where the Struct
    does not forbid unknown fields, so an example could carry a misspelt member unnoticed)."""
    if isinstance(info, mi.Metadata):
        return unknown_members(value, info.type, at)
    if isinstance(info, mi.StructType) and isinstance(value, dict):
        fields = {f.encode_name: f for f in info.fields}
        out = [f"{at}.{key}" for key in value if key not in fields and key != info.tag_field]
        for key, item in value.items():
            if key in fields:
                out += unknown_members(item, fields[key].type, f"{at}.{key}")
        return out
    if isinstance(info, mi.ListType | mi.SetType | mi.FrozenSetType | mi.VarTupleType) and isinstance(
        value, list
    ):
        return [
            x for i, item in enumerate(value) for x in unknown_members(item, info.item_type, f"{at}[{i}]")
        ]
    if isinstance(info, mi.TupleType) and isinstance(value, list):
        return [
            x
            for i, (item, t) in enumerate(zip(value, info.item_types, strict=False))
            for x in unknown_members(item, t, f"{at}[{i}]")
        ]
    if isinstance(info, mi.DictType) and isinstance(value, dict):
        return [
            x for key, item in value.items() for x in unknown_members(item, info.value_type, f"{at}.{key}")
        ]
    if isinstance(info, mi.UnionType) and isinstance(value, dict):
        shapes = [t for t in info.types if isinstance(t, mi.StructType | mi.DictType | mi.Metadata)]
        if len(shapes) == 1:
            return unknown_members(value, shapes[0], at)
    return []


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_the_example_decodes_into_its_struct(name: str) -> None:
    example = EXAMPLES[name]
    kind = struct(name)
    try:
        msgspec.convert(example, kind)
        msgspec.json.decode(msgspec.json.encode(example), type=kind)  # as the server reads a JSON body
    except msgspec.ValidationError as exc:
        pytest.fail(f"the example of {name} is not valid: {exc}")
    assert unknown_members(example, mi.type_info(kind), name) == []


# the server's rules beyond the Structs --------------------------------------------------------------------------


def _inside_service_area(lat: float, lon: float) -> bool:
    ring = SERVICE_AREA["geometry"]["coordinates"][0]
    inside = False
    for (x1, y1), (x2, y2) in itertools.pairwise(ring):
        if (y1 > lat) != (y2 > lat) and lon < x1 + (lat - y1) * (x2 - x1) / (y2 - y1):
            inside = not inside
    return inside


def _category(code: str, *, citizen: bool = False) -> None:
    assert code in CATEGORIES, f"{code} is not in the demo catalogue"
    if citizen:
        assert CATEGORIES[code]["citizen_reportable"], f"citizens may not report {code}"


def _action(action: str, given: set[str], *, bulk: bool = False) -> None:
    assert action in ACTIONS, f"{action} is not an action of the workflow"
    for (_, name), transition in TRANSITIONS.items():
        if name == action and transition.required <= given:
            return
    pytest.fail(
        f"'{action}' needs more than {sorted(given)}" + (" (a bulk item has no photos)" if bulk else "")
    )


def _report(example: dict[str, Any]) -> None:
    _category(example["category"], citizen=True)
    where = example["location"]
    lat, lon = to_wgs84(*validate_lat_lon(where["lat"], where["lon"]), where.get("crs", "wgs84"))
    assert _inside_service_area(lat, lon), "the report's location is outside the demo service area"
    assert len(set(example.get("photo_ids", []))) == len(example.get("photo_ids", []))
    assert len(example.get("photo_ids", [])) >= CATEGORIES[example["category"]]["min_photos"]


def _transition(example: dict[str, Any], *, bulk: bool = False) -> None:
    given = {field for field in ("note", "photo_ids", "department", "new_deadline") if example.get(field)}
    _action(example["action"], given, bulk=bulk)
    if example.get("department") is not None:
        assert example["department"] in DEPARTMENTS


def _category_update(example: dict[str, Any]) -> None:
    if "limit_urgent_hours" in example and "limit_normal_hours" in example:
        assert example["limit_urgent_hours"] <= example["limit_normal_hours"]
    if example.get("default_department") is not None:
        assert example["default_department"] in DEPARTMENTS


def _weights(weights: dict[str, float], kind: str | None = None) -> None:
    kinds = [kind] if kind else [k for k, names in APPLIES.items() if set(weights) <= set(names)]
    assert kinds and set(weights) <= set(APPLIES[kinds[0]]), (
        f"{sorted(weights)} are not indicators of one kind"
    )
    assert round(sum(weights.values()), 2) == 100


def _grant(grant: dict[str, Any]) -> None:
    assert (grant.get("scope_kind") is None) == (grant.get("scope_id") is None)


def _catalogue_entry(category: dict[str, Any]) -> None:
    known = CATEGORIES[category["code"]]
    assert {k: v for k, v in category.items() if k != "active"} == known, f"{category['code']} differs"


def _check(ok: bool, why: str) -> None:
    if not ok:
        pytest.fail(why)


def _bulk(example: dict[str, Any]) -> None:
    for item in example["items"]:
        _transition(item, bulk=True)


def _link(example: dict[str, Any]) -> None:
    _category(example["category"])
    _check(example["department"] in DEPARTMENTS, f"no department {example['department']}")


def _duty(example: dict[str, Any]) -> None:
    ends = example.get("ends_at")
    _check(
        ends is None or datetime.fromisoformat(ends) > datetime.fromisoformat(example["starts_at"]),
        "ends first",
    )


def _roles(example: dict[str, Any]) -> None:
    for grant in example["roles"]:
        _grant(grant)


def _group(example: dict[str, Any]) -> None:
    for category in example["categories"]:
        _catalogue_entry(category)


def _catalogue(example: dict[str, Any]) -> None:
    for group in example["groups"]:
        _group(group)


RULES: dict[str, Callable[[dict[str, Any]], None]] = {
    "ReportCreate": _report,
    "TransitionRequest": _transition,
    "BulkItem": lambda e: _transition(e, bulk=True),
    "BulkRequest": _bulk,
    "Recategorise": lambda e: _category(e["category"]),
    "CategoryUpdate": _category_update,
    "CategoryDepartmentLink": _link,
    "IndicatorWeightsSet": lambda e: _weights(e["weights"]),
    "IndicatorWeights": lambda e: _weights(e["weights"], e["kind"]),
    # the server refuses quiet hours that start and end at the same time (notifications/service.py)
    "QuietHours": lambda e: _check(e["start"] != e["end"], "quiet hours start and end at the same time"),
    "DutyAssign": _duty,
    "RoleGrant": _grant,
    "RolesUpdate": _roles,
    "OtpRequest": lambda e: _check(bool(normalize_phone(e["phone"])), "no phone"),
    "OtpGrant": lambda e: _check(bool(normalize_phone(e["phone"])), "no phone"),
    "UploadCreate": lambda e: _check(e["size"] <= MediaConfig().max_upload_bytes, "too large"),
    "WebhookCreate": lambda e: _check(bool(parse_target(e["url"])), "no target"),
    "Category": _catalogue_entry,
    "CategoryGroup": _group,
    "Catalogue": _catalogue,
}


@pytest.mark.parametrize("name", sorted(RULES))
def test_the_example_keeps_the_servers_rules(name: str) -> None:
    if name not in EXAMPLES:
        pytest.skip(f"no example of {name}")
    RULES[name](EXAMPLES[name])


def test_the_header_examples_are_what_the_server_reads() -> None:
    for key in ("Idempotency-Key", "transitionCase.Idempotency-Key"):
        value = PARAMETER_EXAMPLES[key]
        assert idempotency_key(SimpleNamespace(headers={"idempotency-key": value})) == value  # type: ignore[arg-type]
    assert _if_match(SimpleNamespace(headers={"if-match": PARAMETER_EXAMPLES["If-Match"]})) == 7  # type: ignore[arg-type]


# parameter examples against the document ------------------------------------------------------------------------


@functools.cache
def document() -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(contract.render(create_app(load_settings(env="test"), connect=False)))
    return doc


def operations() -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (path, method, operation)
        for path, item in document()["paths"].items()
        for method, operation in item.items()
        if isinstance(operation, dict) and "operationId" in operation
    ]


def example_of(operation_id: str, name: str) -> Any:
    for key in (f"{operation_id}.{name}", name):
        if key in PARAMETER_EXAMPLES:
            return PARAMETER_EXAMPLES[key]
    return None


def _datetime(value: str) -> None:
    _check(datetime.fromisoformat(value).tzinfo is not None, "no offset")


def _date(value: str) -> None:
    _check(re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value) is not None, "not YYYY-MM-DD")


_FORMATS: dict[str, Callable[[str], object]] = {"uuid": UUID, "date-time": _datetime, "date": _date}


def schema_problems(value: Any, schema: dict[str, Any]) -> list[str]:
    """What in `value` the (parameter) schema refuses: the keywords parameters use, not all of JSON Schema."""
    if "$ref" in schema:
        return schema_problems(value, document()["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]])
    for key in ("oneOf", "anyOf"):
        if key in schema:
            rest = {k: v for k, v in schema.items() if k != key}
            if all(schema_problems(value, {**rest, **option}) for option in schema[key]):
                return [f"{value!r} matches none of {schema[key]}"]
    problems: list[str] = []
    kinds = schema.get("type")
    kinds = [kinds] if isinstance(kinds, str) else kinds
    checks = {
        "string": isinstance(value, str),
        "integer": isinstance(value, int) and not isinstance(value, bool),
        "number": isinstance(value, int | float) and not isinstance(value, bool),
        "boolean": isinstance(value, bool),
        "null": value is None,
        "array": isinstance(value, list),
        "object": isinstance(value, dict),
    }
    if kinds and not any(checks[k] for k in kinds):
        problems.append(f"{value!r} is not {kinds}")
    if "enum" in schema and value not in schema["enum"]:
        problems.append(f"{value!r} is not one of {schema['enum']}")
    if isinstance(value, str):
        if "maxLength" in schema and len(value) > schema["maxLength"]:
            problems.append(f"{value!r} is longer than {schema['maxLength']}")
        if "minLength" in schema and len(value) < schema["minLength"]:
            problems.append(f"{value!r} is shorter than {schema['minLength']}")
        if "pattern" in schema and not re.search(schema["pattern"], value):
            problems.append(f"{value!r} does not match {schema['pattern']}")
        if schema.get("format") in _FORMATS:
            try:
                _FORMATS[schema["format"]](value)
            except (ValueError, pytest.fail.Exception) as exc:
                problems.append(f"{value!r} is not a {schema['format']}: {exc}")
    if isinstance(value, int | float) and not isinstance(value, bool):
        if "minimum" in schema and value < schema["minimum"]:
            problems.append(f"{value!r} is below {schema['minimum']}")
        if "maximum" in schema and value > schema["maximum"]:
            problems.append(f"{value!r} is above {schema['maximum']}")
        if "exclusiveMinimum" in schema and value <= schema["exclusiveMinimum"]:
            problems.append(f"{value!r} is not above {schema['exclusiveMinimum']}")
    return problems


def test_every_parameter_has_an_example_that_fits_its_schema() -> None:
    problems = []
    for _, _, operation in operations():
        for parameter in operation.get("parameters", []):
            where = f"{operation['operationId']}.{parameter['name']}"
            if "example" not in parameter:
                problems.append(f"{where}: no example")
                continue
            assert parameter["example"] == example_of(operation["operationId"], parameter["name"]), where
            problems += [f"{where}: {p}" for p in schema_problems(parameter["example"], parameter["schema"])]
    assert problems == []


# the server accepts them ---------------------------------------------------------------------------------------


async def _demo_city(db: asyncpg.Connection, *, grids: bool = False) -> None:
    async with db.transaction():
        await load_catalogue(db, parse_catalogue(DEMO_CATALOGUE.read_bytes()))
        area = SERVICE_AREA
        await cases_store.insert_service_area(db, area["properties"]["name"], json.dumps(area["geometry"]))
        if grids:
            await seed_demo_grids(db, None)


async def _token(db: asyncpg.Connection, settings: Settings, phone: str, *roles: str) -> tuple[str, UUID]:
    token = await staff_token(db, settings, phone, roles[0])  # type: ignore[arg-type]
    user = await identity_store.get_user_by_phone(db, normalize_phone(phone))
    assert user is not None
    for role in roles[1:]:
        await identity_store.add_role(db, user["id"], RoleGrant(role=role))  # type: ignore[arg-type]
    return token, user["id"]


def _path(template: str, operation_id: str) -> str:
    return re.sub(r"\{([^}:]+)(:[^}]*)?\}", lambda m: str(example_of(operation_id, m.group(1))), template)


async def test_the_server_accepts_the_parameter_examples(
    client: AsyncTestClient[Litestar], db: asyncpg.Connection, settings: Settings
) -> None:
    """Every GET with the examples of its parameters: answered, or not found (the example ids name nothing
    here), never refused for its input."""
    await _demo_city(db, grids=True)
    token, _ = await _token(
        db, settings, "13800000001", *(r for r in ROLES if r not in ("citizen", "resident"))
    )
    refused = []
    for template, method, operation in operations():
        if method != "get":
            continue
        parameters = operation.get("parameters", [])
        sets = [[p for p in parameters if not p.get("deprecated") and not p["schema"].get("deprecated")]]
        sets += [
            [q for q in parameters if q["required"] and q is not p] + [p]
            for p in parameters
            if p.get("deprecated") or p["schema"].get("deprecated")
        ]
        for chosen in sets:
            op_id = operation["operationId"]
            query = {p["name"]: example_of(op_id, p["name"]) for p in chosen if p["in"] == "query"}
            headers = {p["name"]: str(example_of(op_id, p["name"])) for p in chosen if p["in"] == "header"}
            query = {k: str(v).lower() if isinstance(v, bool) else str(v) for k, v in query.items()}
            r = await client.get(_path(template, op_id), params=query, headers={**bearer(token), **headers})
            if r.status_code in (400, 422) or r.status_code >= 500:
                refused.append(f"{op_id} {query} {headers}: {r.status_code} {r.text[:300]}")
    assert not refused, "\n".join(refused)


async def test_the_server_accepts_the_request_examples(
    client: AsyncTestClient[Litestar], db: asyncpg.Connection, settings: Settings
) -> None:
    """The request bodies (and the headers that go with them) as the documentation shows them."""
    await _demo_city(db)
    citizen, citizen_id = await _token(db, settings, "13800000002", "citizen")
    admin, _ = await _token(db, settings, "13800000003", "admin")
    clerk, _ = await _token(db, settings, "13800000004", "intake_clerk")
    lead, _ = await _token(db, settings, "13800000005", "shift_lead")
    dispatcher, _ = await _token(db, settings, "13800000006", "dispatcher")

    async def send(method: str, path: str, token: str, body: Any, status: int, **headers: str) -> Any:
        r = await client.request(method, path, json=body, headers={**bearer(token), **headers})
        assert r.status_code == status, f"{method} {path}: {r.status_code} {r.text}"
        return r.json() if r.content else None

    # the quiet hours the documentation shows are accepted, and read back as sent
    await send("PUT", "/v1/me/quiet-hours", citizen, EXAMPLES["QuietHours"], 200)
    assert await send("GET", "/v1/me/quiet-hours", citizen, None, 200) == EXAMPLES["QuietHours"]
    await send("PATCH", "/v1/me", citizen, EXAMPLES["UserUpdate"], 200)
    msgspec.convert(
        await send("POST", "/v1/devices", citizen, EXAMPLES["DeviceRegistration"], 201), struct("Device")
    )
    ticket = await send("POST", "/v1/uploads", citizen, EXAMPLES["UploadCreate"], 201)
    msgspec.convert(ticket, struct("UploadTicket"))
    msgspec.convert(
        await send("POST", "/v1/auth/otp", citizen, EXAMPLES["OtpRequest"], 202), struct("OtpSent")
    )

    # a report as documented (its example photo ids name no photo here), sent with the documented key
    report = {**EXAMPLES["ReportCreate"], "photo_ids": []}
    key = PARAMETER_EXAMPLES["Idempotency-Key"]
    created = await send("POST", "/v1/reports", citizen, report, 201, **{"Idempotency-Key": key})
    msgspec.convert(created, struct("ReportCreated"))
    assert await send("POST", "/v1/reports", citizen, report, 201, **{"Idempotency-Key": key}) == created
    await send("POST", f"/v1/reports/{created['id']}/hide", clerk, EXAMPLES["HideReport"], 200)
    await send("POST", f"/v1/reports/{created['id']}/recategorise", clerk, EXAMPLES["Recategorise"], 200)

    # the documented transition on a case an inspector's patrol report registered directly
    inspector, _ = await _token(db, settings, "13800000007", "inspector")
    patrol = {**report, "client_id": "patrol-20261122-1015"}
    case = await send(
        "POST", "/v1/inspector/reports", inspector, patrol, 201, **{"Idempotency-Key": "patrol-k-0001"}
    )
    assert case["status"] == "registered"
    detail = await send("GET", f"/v1/cases/{case['case_id']}", lead, None, 200)
    version = detail["summary"]["version"]
    result = await send(
        "POST",
        f"/v1/cases/{case['case_id']}/transitions",
        dispatcher,
        EXAMPLES["TransitionRequest"],
        200,
        **{
            "If-Match": PARAMETER_EXAMPLES["If-Match"].replace("7", str(version)),
            "Idempotency-Key": PARAMETER_EXAMPLES["transitionCase.Idempotency-Key"],
        },
    )
    msgspec.convert(result, struct("TransitionResult"))
    assert result["case"]["state"] == "dispatched"
    # the bulk example names cases that do not exist here: each item fails on its own, the request does not
    msgspec.convert(
        await send("POST", "/v1/cases/bulk-transitions", dispatcher, EXAMPLES["BulkRequest"], 200),
        struct("BulkResult"),
    )

    # admins' changes
    day = PARAMETER_EXAMPLES["day"]
    await send("PUT", f"/v1/admin/calendar/{day}", admin, EXAMPLES["CalendarOverrideSet"], 200)
    kind = PARAMETER_EXAMPLES["kind"]
    await send("PUT", f"/v1/stats/weights/{kind}", admin, EXAMPLES["IndicatorWeightsSet"], 200)
    await send(
        "PATCH", f"/v1/categories/{PARAMETER_EXAMPLES['code']}", admin, EXAMPLES["CategoryUpdate"], 200
    )
    await send("PUT", "/v1/admin/category-departments", admin, EXAMPLES["CategoryDepartmentLink"], 200)
    await send("PUT", f"/v1/users/{citizen_id}/roles", admin, EXAMPLES["RolesUpdate"], 200)
