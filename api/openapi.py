"""The published OpenAPI document: Litestar's paths, msgspec's schemas, and what neither knows by itself.

Litestar generates the paths and parameters from the route handlers. This module then
- replaces the body and component schemas by msgspec's own JSON Schema of the same Structs, which says exactly
  what the decoder accepts (`additionalProperties: false` where unknown members are refused, every bound, enums
  for Literals, discriminated unions for tagged Structs);
- gives every integer `format: int64` and int64 bounds;
- documents every problem an operation can answer, from the codes its route declares in
  `opt={"problems": (...)}` plus those that follow from the route itself (a token, a role, parameters, a JSON
  body), each status with the problem schema, its possible `code`s and its headers;
- declares the request headers a route needs (`opt={"idempotency_key": "required" | "optional",
  "if_match": True}`), the ETag a route sends (`opt={"etag": True}`) and a 304 for If-None-Match
  (`opt={"not_modified": True}`);
- applies the descriptions and examples of mobile_contract/descriptions/ and the webhooks of
  mobile_contract/webhooks.py.
"""

from __future__ import annotations

import copy
import importlib
import types
import typing
from collections.abc import Iterator
from typing import Any

import msgspec
import msgspec.inspect as mi
from litestar import Litestar, Request
from litestar.handlers import HTTPRouteHandler
from litestar.openapi.plugins import JsonRenderPlugin
from litestar.response import Response

from api.auth import provide_optional_principal
from api.errors import PROBLEM_JSON, STATUS

INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
REF = "#/components/schemas/{name}"

#: Problems every route can answer, whatever it declares.
ALWAYS = ("internal_error", "service_unavailable")
#: A route that demands a token: no token, a bad one, an ended session, a disabled account.
SIGNED_IN = ("unauthenticated", "token_invalid", "session_revoked", "user_disabled")
#: A route where the token is optional: only a bad token sent is refused.
OPTIONALLY_SIGNED_IN = ("token_invalid", "session_revoked", "user_disabled")
JSON_BODY = ("malformed_json", "payload_too_large", "validation_failed")

_HEADERS: dict[str, dict[str, Any]] = {
    "X-Request-ID": {
        "description": "The request's id; quote it when reporting a problem (also in problem bodies).",
        "schema": {"type": "string"},
    },
    "Content-Language": {
        "description": "The language of the problem's title: zh-CN or en, from Accept-Language.",
        "schema": {"type": "string", "enum": ["zh-CN", "en"]},
    },
    "WWW-Authenticate": {
        "description": 'The authentication scheme to use: `Bearer realm="cityloop"`.',
        "schema": {"type": "string"},
    },
    "Retry-After": {
        "description": "Seconds to wait before trying again.",
        "schema": {"type": "integer", "format": "int64", "minimum": 0},
    },
    "ETag": {
        "description": 'The version of what was read, quoted (`"7"`); send it back in If-Match to change it.',
        "schema": {"type": "string"},
    },
}
_HEADERS_BY_STATUS = {401: ("WWW-Authenticate",), 429: ("Retry-After",), 503: ("Retry-After",)}

_REQUEST_HEADERS: dict[str, dict[str, Any]] = {
    "If-None-Match": {
        "description": "The ETag of the copy the app holds; 304 Not Modified when it is still current.",
        "schema": {"type": "string"},
    },
    "Idempotency-Key": {
        "description": (
            "A key the app makes once per write (8 to 128 of A-Z a-z 0-9 _ . : -, a UUID is fine) and sends again "
            "on every retry of the same write: the same key with the same body answers the original result, with "
            "the same key and another body is refused (idempotency_key_reused). Keys are kept 24 hours."
        ),
        "schema": {"type": "string", "pattern": "^[A-Za-z0-9_.:-]{8,128}$"},
        "example": "0193f0c2-6f1e-7a55-9d8e-1c2b3a4d5e6f",
    },
    "If-Match": {
        "description": (
            "The version of the case the action was decided on, as read from its ETag or `version` "
            '(`"7"`, `7` and `W/"7"` are accepted). A stale version is refused with 409 version_conflict.'
        ),
        "schema": {"type": "string", "pattern": '^(W/)?"?[0-9]{1,18}"?$'},
        "example": '"7"',
    },
}
_HEADER_PROBLEMS = {
    "Idempotency-Key": ("idempotency_key_required", "idempotency_key_invalid", "idempotency_key_reused"),
    "If-Match": ("precondition_required", "invalid_if_match"),
    "If-None-Match": (),
}

PROBLEM_SCHEMAS: dict[str, Any] = {
    "Problem": {
        "title": "Problem",
        "description": (
            "An RFC 9457 problem document (application/problem+json). `code` is stable and machine-readable; "
            "`title` is localized from Accept-Language (zh-CN or en). Some problems add members of their own "
            "(for example `allowed_actions` and `state` on a refused case action, `retry_after` on a rate limit)."
        ),
        "type": "object",
        "properties": {
            "type": {
                "type": "string",
                "description": "A URI reference naming the problem type: /problems/<code>.",
            },
            "title": {"type": "string", "description": "A short, localized summary of the problem type."},
            "status": {
                "type": "integer",
                "format": "int64",
                "minimum": 400,
                "maximum": 599,
                "description": "The HTTP status, repeated.",
            },
            "code": {"type": "string", "description": "The stable machine code of the problem."},
            "instance": {"type": "string", "description": "The path of the request that failed."},
            "request_id": {"type": "string", "description": "The request's id, as in X-Request-ID."},
            "detail": {"type": "string", "description": "What went wrong with this request, in English."},
            "errors": {
                "type": "array",
                "description": "The fields at fault, when the problem is about fields.",
                "items": {"$ref": REF.format(name="FieldProblem")},
            },
            "state": {"type": "string", "description": "A refused case action: the case's current state."},
            "version": {
                "type": "integer",
                "format": "int64",
                "description": "version_conflict: the case's current version (send it in If-Match after reloading).",
            },
            "allowed_actions": {
                "type": "array",
                "items": {"type": "string"},
                "description": "A refused case action: the actions the caller may take now.",
            },
            "required_roles": {
                "type": "array",
                "items": {"type": "string"},
                "description": "forbidden: the roles of which the operation needs one.",
            },
            "retry_after": {
                "type": "integer",
                "format": "int64",
                "description": "A rate limit: seconds to wait (also in Retry-After).",
            },
        },
        "additionalProperties": True,
        "required": ["type", "title", "status", "code", "instance", "request_id"],
    },
    "FieldProblem": {
        "title": "FieldProblem",
        "description": "One field at fault.",
        "type": "object",
        "properties": {
            "field": {"type": "string", "description": "The field, parameter or header at fault."},
            "code": {"type": "string", "description": "What is wrong with it (for example `invalid`)."},
            "message": {"type": "string", "description": "More about it, in English."},
        },
        "required": ["field", "code"],
    },
}


def problem_status(code: str) -> int:
    status = STATUS.get(code)
    if status is None:
        raise ValueError(f"problem code {code!r} has no HTTP status: register it")
    return status


# --- which problems a route answers ------------------------------------------------------------------------


def _signed_in(handler: HTTPRouteHandler) -> tuple[str, ...]:
    """The auth problems of a route, judged the way api.auth.needs_token judges it."""
    if "principal" not in handler.parsed_fn_signature.parameters:
        return ()
    provider = handler.resolve_dependencies().get("principal")
    if provider is None:
        return ()
    if provider.dependency is provide_optional_principal:
        return OPTIONALLY_SIGNED_IN
    # requires_role(...) closes over the roles it demands
    if getattr(provider.dependency, "__qualname__", "").startswith("requires_role"):
        return (*SIGNED_IN, "forbidden")
    return SIGNED_IN


def _has_json_body(handler: HTTPRouteHandler) -> bool:
    data = handler.parsed_fn_signature.parameters.get("data")
    if data is None:
        return False
    media_type = getattr(data.kwarg_definition, "media_type", None)
    return media_type is None or getattr(media_type, "value", media_type) == "application/json"


def _has_parameters(handler: HTTPRouteHandler) -> bool:
    ignored = {"request", "state", "conn", "principal", "data", "socket", "scope", "headers"}
    return any(name not in ignored for name in handler.parsed_fn_signature.parameters)


def route_problems(handler: HTTPRouteHandler) -> dict[int, list[str]]:
    """Status -> the problem codes this route can answer, sorted."""
    if handler.opt.get("open311"):
        return {}  # GeoReport error lists, not problems (api/openapi_open311.py documents them)
    codes = {*ALWAYS, *_signed_in(handler), *handler.opt.get("problems", ())}
    if _has_json_body(handler):
        codes.update(JSON_BODY)
    elif handler.parsed_fn_signature.parameters.get("data") is not None:
        codes.update(("payload_too_large", "validation_failed"))
    if _has_parameters(handler):
        codes.add("validation_failed")
    paths = [handler.opt["route_path"]] if "route_path" in handler.opt else handler.paths
    if any(":str}" not in part and "{" in part for path in paths for part in path.split("/")):
        codes.add("not_found")  # a path parameter of the wrong type matches no route
    for header, _ in request_headers(handler):
        codes.update(_HEADER_PROBLEMS[header])
    by_status: dict[int, list[str]] = {}
    for code in sorted(codes):
        by_status.setdefault(problem_status(code), []).append(code)
    return by_status


def request_headers(handler: HTTPRouteHandler) -> list[tuple[str, bool]]:
    """(header, required) for the headers a route reads besides Authorization."""
    out: list[tuple[str, bool]] = []
    idempotency = handler.opt.get("idempotency_key")
    if idempotency:
        out.append(("Idempotency-Key", idempotency == "required"))
    if handler.opt.get("if_match"):
        out.append(("If-Match", True))
    if handler.opt.get("not_modified"):
        out.append(("If-None-Match", False))
    return out


def operations(app: Litestar) -> list[tuple[str, str, HTTPRouteHandler]]:
    """(path, method, handler) for every documented operation of the app, sorted by path and method (a route's
    handlers come in no fixed order, and pytest-xdist's workers must collect tests generated from this alike)."""
    found = []
    for route in app.routes:
        for handler in getattr(route, "route_handlers", ()):
            if not isinstance(handler, HTTPRouteHandler) or not handler.resolve_include_in_schema():
                continue
            # the whole typed path (`{estate_id:uuid}` may sit on the controller, not the handler)
            handler.opt.setdefault("route_path", route.path)
            found += [(route.path_format, m.lower(), handler) for m in handler.http_methods if m != "OPTIONS"]
    return sorted(found, key=lambda item: (item[0], item[1]))


# --- schemas -------------------------------------------------------------------------------------------------


def _unwrap(annotation: Any) -> Any:
    """The body type of a handler's return annotation (Response[X] -> X), or None."""
    origin = typing.get_origin(annotation)
    if origin is not None and isinstance(origin, type) and issubclass(origin, Response):
        args = typing.get_args(annotation)
        return args[0] if args and not isinstance(args[0], typing.TypeVar) else None
    if annotation in (None, type(None), Any) or isinstance(annotation, typing.TypeVar):
        return None
    return annotation


def _schema_types(handler: HTTPRouteHandler) -> tuple[Any, Any]:
    returned = _unwrap(handler.parsed_fn_signature.return_type.annotation)
    data = handler.parsed_fn_signature.parameters.get("data")
    body = data.annotation if data is not None and _has_json_body(handler) else None
    return returned, body


def _msgspec_schemas(types_: list[Any]) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    usable = []
    for t in types_:
        if t is None:
            continue
        try:
            msgspec.json.schema(t)
        except TypeError:
            continue
        usable.append(t)
    found, components = msgspec.json.schema_components(usable, ref_template=REF)
    _mark_date_times(usable, components)
    by_type = dict(zip(usable, found, strict=True))
    return [by_type.get(t, {}) for t in types_], components


def _mark_date_times(types_: list[Any], components: dict[str, Any]) -> None:
    """msgspec writes `format: date-time` only for Meta(tz=True); every datetime of this API is one."""
    structs: dict[str, mi.StructType] = {}
    todo = list(mi.multi_type_info(types_))
    while todo:
        info = todo.pop()
        if isinstance(info, mi.StructType) and info.cls.__name__ not in structs:
            structs[info.cls.__name__] = info
            todo += [field.type for field in info.fields]
        item = getattr(info, "item_type", None)
        if isinstance(item, mi.Type):
            todo.append(item)
        todo += list(getattr(info, "types", ()))
    for name, info in structs.items():
        properties = components.get(name, {}).get("properties", {})
        for field in info.fields:
            kinds = field.type.types if isinstance(field.type, mi.UnionType) else (field.type,)
            if not any(isinstance(k, mi.DateTimeType) for k in kinds):
                continue
            prop = properties.get(field.encode_name, {})
            for option in prop.get("anyOf", [prop]):
                if option.get("type") == "string":
                    option.setdefault("format", "date-time")


def _walk(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value)


def _tidy_schemas(document: dict[str, Any]) -> None:
    """int64 integers; one-of-a-kind unions as oneOf; litestar's null-type lists as anyOf."""
    for node in _walk(document):
        if node.get("type") == "integer":
            # litestar hands bounds over as floats: 2**63 - 1 comes back as 2.0**63
            for bound in ("minimum", "maximum"):
                if isinstance(node.get(bound), float):
                    node[bound] = max(INT64_MIN, min(INT64_MAX, int(node[bound])))
            node.setdefault("format", "int64")
            if "exclusiveMinimum" not in node:
                node.setdefault("minimum", INT64_MIN)
            if "exclusiveMaximum" not in node:
                node.setdefault("maximum", INT64_MAX)
        if node.get("items") is False and node.get("prefixItems"):
            # a fixed-length tuple; generators want a schema for `items`, not `false`
            node["items"] = node["prefixItems"][0]
        if "discriminator" in node and "anyOf" in node:
            node["oneOf"] = node.pop("anyOf")


def _json_content(schema: dict[str, Any], media_type: str = "application/json") -> dict[str, Any]:
    return {media_type: {"schema": schema}}


# --- the document --------------------------------------------------------------------------------------------


def _problem_responses(handler: HTTPRouteHandler) -> dict[str, Any]:
    responses: dict[str, Any] = {}
    for status, codes in route_problems(handler).items():
        headers = {
            name: {"$ref": f"#/components/headers/{name}"} for name in ("X-Request-ID", "Content-Language")
        }
        for name in _HEADERS_BY_STATUS.get(status, ()):
            headers[name] = {"$ref": f"#/components/headers/{name}"}
        responses[str(status)] = {
            "description": "A problem: " + ", ".join(f"`{c}`" for c in codes) + ".",
            "headers": headers,
            "content": _json_content(
                {
                    "allOf": [
                        {"$ref": REF.format(name="Problem")},
                        {"type": "object", "properties": {"code": {"type": "string", "enum": codes}}},
                    ]
                },
                PROBLEM_JSON,
            ),
        }
    return responses


def _hoist_shared_body(operation: dict[str, Any], components: dict[str, Any]) -> None:
    """A body schema shared by several media types becomes one component (named by its title), so generators
    make one model of it, not one per media type."""
    content = operation.get("requestBody", {}).get("content", {})
    inline = [media["schema"] for media in content.values() if "title" in media.get("schema", {})]
    if len(inline) > 1:
        name = inline[0]["title"]
        components[name] = inline[0]
        for media in content.values():
            media["schema"] = {"$ref": REF.format(name=name)}


def _finish_operation(
    operation: dict[str, Any], handler: HTTPRouteHandler, schemas: tuple[Any, Any], components: dict[str, Any]
) -> None:
    returned, body = schemas
    responses = {k: v for k, v in operation.get("responses", {}).items() if int(k) < 400}
    for status, response in responses.items():
        headers = response.setdefault("headers", {})
        if "location" in headers:  # litestar's name for a redirect's header
            headers["Location"] = {
                "description": "Where to go: a short-lived link.",
                "schema": {"type": "string", "format": "uri"},
            }
            del headers["location"]
        headers["X-Request-ID"] = {"$ref": "#/components/headers/X-Request-ID"}
        if handler.opt.get("etag") and status.startswith("2"):
            headers["ETag"] = {"$ref": "#/components/headers/ETag"}
        content = response.get("content", {})
        if returned and "application/json" in content and status == str(handler.status_code):
            content["application/json"]["schema"] = returned
        if not headers:
            response.pop("headers")
    if handler.opt.get("not_modified"):
        responses["304"] = {
            "description": "Not modified: the If-None-Match sent names the current version.",
            "headers": {name: {"$ref": f"#/components/headers/{name}"} for name in ("ETag", "X-Request-ID")},
        }
    upload_field = handler.opt.get("upload_field")
    if upload_field:
        operation["requestBody"] = {
            "required": True,
            "content": {
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "properties": {upload_field: {"type": "string", "format": "binary"}},
                        "required": [upload_field],
                        "additionalProperties": False,
                    },
                    "encoding": {
                        upload_field: {"contentType": "image/jpeg, image/png, image/webp, image/heic"}
                    },
                }
            },
        }
    _hoist_shared_body(operation, components)
    if body and "requestBody" in operation:
        operation["requestBody"]["content"] = _json_content(body)
        operation["requestBody"]["required"] = True
    responses.update(_problem_responses(handler))
    operation["responses"] = dict(sorted(responses.items()))
    parameters = [p for p in operation.get("parameters", []) if p["in"] != "header"]
    for parameter in parameters:  # litestar marks only the schema of a deprecated parameter
        if parameter.get("schema", {}).pop("deprecated", False):
            parameter["deprecated"] = True
    for name, required in request_headers(handler):
        parameters.append({"name": name, "in": "header", "required": required, **_REQUEST_HEADERS[name]})
    if parameters:
        operation["parameters"] = parameters


def _optional_module(name: str) -> Any:
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name != name:
            raise
        return None


def document(app: Litestar) -> dict[str, Any]:
    """The whole published document of `app`."""
    doc: dict[str, Any] = app.openapi_schema.to_schema()
    found = list(operations(app))
    wanted: list[Any] = []
    for _, _, handler in found:
        wanted.extend(_schema_types(handler))
    body_schemas, components = _msgspec_schemas(wanted)
    schemas = doc.setdefault("components", {}).setdefault("schemas", {})
    schemas.update(components)
    schemas.update(PROBLEM_SCHEMAS)
    doc["components"]["headers"] = {
        name: {k: v for k, v in spec.items()} for name, spec in sorted(_HEADERS.items())
    }
    for index, (path, method, handler) in enumerate(found):
        pair = (body_schemas[2 * index] or None, body_schemas[2 * index + 1] or None)
        _finish_operation(doc["paths"][path][method], handler, pair, schemas)
    # the Open311 GeoReport routes answer in the standard's formats, not in this API's (api/openapi_open311.py)
    from api.openapi_open311 import georeport_operations

    georeport_operations(doc, found, schemas)
    webhooks = _optional_module("mobile_contract.webhooks")
    if webhooks is not None:
        doc["webhooks"] = copy.deepcopy(webhooks.WEBHOOKS)
        schemas.update(copy.deepcopy(webhooks.WEBHOOK_SCHEMAS))
    _drop_unused_schemas(doc)
    _tidy_schemas(doc)
    descriptions = _optional_module("mobile_contract.descriptions")
    if descriptions is not None:
        _describe(doc, descriptions)
    doc["components"]["schemas"] = dict(sorted(schemas.items()))
    return doc


def _drop_unused_schemas(doc: dict[str, Any]) -> None:
    """Keep the component schemas the paths and webhooks reach (litestar's own copies of types that msgspec
    named otherwise are left unreferenced)."""
    schemas = doc["components"]["schemas"]
    prefix = REF.format(name="")
    seen: set[str] = set()
    todo = [doc["paths"], doc.get("webhooks", {}), doc["components"].get("headers", {})]
    while todo:
        for node in _walk(todo.pop()):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith(prefix) and ref[len(prefix) :] not in seen:
                seen.add(ref[len(prefix) :])
                todo.append(schemas[ref[len(prefix) :]])
    for name in set(schemas) - seen:
        del schemas[name]


def _describe(doc: dict[str, Any], d: types.ModuleType) -> None:
    """Descriptions and examples from mobile_contract.descriptions (missing ones are reported by a test)."""
    for path_item in doc["paths"].values():
        for operation in path_item.values():
            if not isinstance(operation, dict) or "operationId" not in operation:
                continue
            op_id = operation["operationId"]
            if op_id in d.OPERATIONS:
                operation["description"] = d.OPERATIONS[op_id]
            for parameter in operation.get("parameters", []):
                for key in (f"{op_id}.{parameter['name']}", parameter["name"]):
                    if key in d.PARAMETERS:
                        parameter["description"] = d.PARAMETERS[key]
                        break
                for key in (f"{op_id}.{parameter['name']}", parameter["name"]):
                    if key in d.PARAMETER_EXAMPLES:
                        parameter["example"] = d.PARAMETER_EXAMPLES[key]
                        break
    for name, schema in doc["components"]["schemas"].items():
        if name in d.SCHEMAS:
            schema["description"] = d.SCHEMAS[name]
        if name in d.EXAMPLES:
            schema["examples"] = [d.EXAMPLES[name]]
        for prop, spec in schema.get("properties", {}).items():
            text = d.PROPERTIES.get(f"{name}.{prop}")
            if text:
                spec["description"] = text


class PublishedDocument(JsonRenderPlugin):
    """Serves the published document (this module's, not litestar's raw one) at /schema/openapi.json."""

    def render(self, request: Request[Any, Any, Any], openapi_schema: dict[str, Any]) -> bytes:
        state = request.app.state
        if "published_openapi" not in state:
            state.published_openapi = self.render_json(request, document(request.app))
        body: bytes = state.published_openapi
        return body
