"""Open311 GeoReport v2 over HTTP (/open311/v2/...): each resource in XML and JSON by its suffix, errors as the
GeoReport error list in the same format (never problem+json: this controller answers every error itself).

Litestar's paths cannot hold a parameter inside a segment (`services.{format}`): each fixed resource is two
operations, one per format (`open311ListServicesXml` at services.xml, `open311ListServicesJson` at services.json),
and the others take their last segment whole (`services/{service_file}`: the code with its suffix, either format).

Statuses: 400 for what is not valid, 403 for a missing, unknown or revoked api_key, 404 for what does not exist
(a jurisdiction, a service, a request, a token, a suffix); the standard has no others, except 429 (an
application's rate limit, with Retry-After) and 500/503 (this server's trouble) where HTTP itself must say so.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from litestar import Request, Response, Router, get, post
from litestar.datastructures import State
from litestar.exceptions import HTTPException
from litestar.params import FromPath, FromQuery
from litestar.types import ControllerRouterHandler

from api.auth import DbConn, request_context
from api.db import ReadConn, database_unavailable
from api.errors import RETRY_AFTER_S, STATUS, ProblemError
from api.problems import DOMAIN_ERRORS
from cases.workflow.deadlines import load_calendar
from open311 import service
from open311.errors import InvalidRequest, Open311Error, ResourceNotFound
from open311.formats import MEDIA_TYPES, Format, render, split_format
from open311.models import GeoReportError

log = logging.getLogger("cityloop.open311")

PREFIX = "/open311/v2"
#: a status of this API's own problems -> the GeoReport status it answers with
_GEOREPORT_STATUS = {401: 403, 409: 400, 413: 400, 415: 400, 422: 400}


def _requested_format(request: Request[Any, Any, Any]) -> Format:
    found = split_format(request.url.path.rsplit("/", 1)[-1])
    return found[1] if found else "xml"  # XML is the standard's own format


def georeport(
    request: Request[Any, Any, Any], fmt: Format, root: str, value: Any, status: int = 200
) -> Response[bytes]:
    return Response(content=render(fmt, root, value), status_code=status, media_type=MEDIA_TYPES[fmt])


def _error_response(
    request: Request[Any, Any, Any],
    status: int,
    code: str,
    detail: str,
    headers: dict[str, str] | None = None,
) -> Response[bytes]:
    error = GeoReportError(code=status, description=f"{code}: {detail}" if detail else code)
    response = georeport(request, _requested_format(request), "errors", [error], status)
    response.headers.update(headers or {})
    return response


def _handle(request: Request[Any, Any, Any], exc: Exception) -> Response[bytes]:
    """Every error of these routes as a GeoReport error list: domain errors by their code's status, litestar's
    own (a parameter that is not valid, a body too large, a NUL refused) as 400/404, anything else 500/503."""
    headers: dict[str, str] = {}
    if isinstance(exc, ProblemError):
        code, detail, status = exc.code, exc.detail, exc.status
        if exc.errors:
            detail = f"{detail} ({', '.join(f'{e.field}: {e.message or e.code}' for e in exc.errors)})"
    elif isinstance(exc, HTTPException):
        status = exc.status_code
        code = "not_found" if status == 404 else "bad_request" if status < 500 else "internal_error"
        detail = str(exc.detail) if status < 500 else ""
    elif hasattr(exc, "code") and isinstance(exc, (*DOMAIN_ERRORS, Open311Error)):
        code, detail = str(exc.code), str(exc)
        status = STATUS.get(code, 400)
        context = getattr(exc, "context", {}) or {}
        if "retry_after" in context:
            headers["Retry-After"] = str(context["retry_after"])
    elif database_unavailable(exc):
        log.warning("database unavailable", extra={"path": request.url.path, "error": repr(exc)})
        code, detail, status = "service_unavailable", "the database is unavailable; try again shortly", 503
    else:
        log.exception("unhandled error", extra={"path": request.url.path})
        code, detail, status = "internal_error", "", 500
    status = _GEOREPORT_STATUS.get(status, status)
    if status not in (400, 403, 404, 429, 500, 503):
        status = 400 if status < 500 else 500
    if status == 503:
        headers.setdefault("Retry-After", str(RETRY_AFTER_S))
    return _error_response(request, status, code, detail, headers)


def _handlers() -> dict[int | type[Exception], Callable[[Request[Any, Any, Any], Any], Response[Any]]]:
    """The same keys as the app's handlers (api/errors.py), so that these win for every error of these routes."""
    keys: list[type[Exception]] = [Exception, HTTPException, ProblemError, Open311Error, *DOMAIN_ERRORS]
    return dict.fromkeys(keys, _handle)


def _named(value: str) -> tuple[str, Format]:
    found = split_format(value)
    if found is None:
        raise ResourceNotFound("name the resource with .xml or .json")
    return found


def _base_url(request: Request[Any, Any, Any], state: State) -> str:
    origin: str = state.settings.open311_public_origin
    return origin or str(request.base_url)


def _query(request: Request[Any, Any, Any], name: str) -> str | None:
    values = request.query_params.getall(name, [])
    if not values:
        return None
    return ",".join(values)  # a parameter declared several times is its comma list, as the standard allows


def _fixed_routes() -> list[Any]:
    """The resources at fixed paths, one handler per format."""
    handlers: list[Any] = []
    for fmt in ("xml", "json"):
        suffix = fmt.capitalize()
        handlers += [
            _discovery(fmt, suffix),
            _services(fmt, suffix),
            _list(fmt, suffix),
            _create(fmt, suffix),
        ]
    return handlers


def _discovery(fmt: Format, suffix: str) -> Any:
    @get(
        f"/discovery.{fmt}",
        operation_id=f"open311Discovery{suffix}",
        name=f"open311-discovery-{fmt}",
        summary=f"GeoReport discovery ({fmt.upper()})",
    )
    async def discovery(request: Request[Any, Any, Any], state: State) -> Response[bytes]:
        found = service.discovery(
            state.open311_config, _base_url(request, state), state.settings.is_production
        )
        return georeport(request, fmt, "discovery", found)

    return discovery


def _services(fmt: Format, suffix: str) -> Any:
    @get(
        f"/services.{fmt}",
        operation_id=f"open311ListServices{suffix}",
        name=f"open311-services-{fmt}",
        summary=f"GeoReport services ({fmt.upper()})",
    )
    async def services(
        request: Request[Any, Any, Any],
        state: State,
        conn: DbConn,
        jurisdiction_id: FromQuery[str | None] = None,
    ) -> Response[bytes]:
        service.check_jurisdiction(state.open311_config, jurisdiction_id)
        return georeport(request, fmt, "services", await service.services(conn))

    return services


def _list(fmt: Format, suffix: str) -> Any:
    @get(
        f"/requests.{fmt}",
        operation_id=f"open311ListRequests{suffix}",
        name=f"open311-requests-{fmt}",
        summary=f"GeoReport requests, newest first ({fmt.upper()})",
    )
    async def list_requests(
        request: Request[Any, Any, Any],
        state: State,
        read_conn: ReadConn,
        jurisdiction_id: FromQuery[str | None] = None,
        service_request_id: FromQuery[str | None] = None,
        service_code: FromQuery[str | None] = None,
        start_date: FromQuery[str | None] = None,
        end_date: FromQuery[str | None] = None,
        status: FromQuery[str | None] = None,
    ) -> Response[bytes]:
        service.check_jurisdiction(state.open311_config, jurisdiction_id)
        query = service.RequestQuery(
            service_request_id=_query(request, "service_request_id"),
            service_code=_query(request, "service_code"),
            start_date=start_date,
            end_date=end_date,
            status=_query(request, "status"),
        )
        # the public list may lag the primary by a moment: the replica's, when there is one
        found = await service.list_requests(read_conn, state.open311_config, query, _base_url(request, state))
        return georeport(request, fmt, "service_requests", found)

    return list_requests


def _create(fmt: Format, suffix: str) -> Any:
    @post(
        f"/requests.{fmt}",
        operation_id=f"open311CreateRequest{suffix}",
        name=f"open311-create-request-{fmt}",
        summary=f"GeoReport: submit a request, form-encoded with an api_key ({fmt.upper()})",
        status_code=201,
    )
    async def create_request(request: Request[Any, Any, Any], state: State, conn: DbConn) -> Response[bytes]:
        content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if content_type not in ("application/x-www-form-urlencoded", "multipart/form-data"):
            raise InvalidRequest("send the request form-encoded (application/x-www-form-urlencoded)")
        items = list((await request.form()).multi_items())
        photos = service.Media(storage=state.storage, workers=state.image_workers, config=state.media_config)
        created, new = await service.submit(
            conn,
            state.open311_config,
            state.cases_config,
            await load_calendar(conn, state.calendar_config),
            photos,
            items,
            request_context(request, "open311"),
        )
        return georeport(request, fmt, "service_requests", [created], 201 if new else 200)

    return create_request


@get("/services/{service_file:str}", operation_id="open311GetService", summary="GeoReport service definition")
async def service_definition(
    request: Request[Any, Any, Any],
    state: State,
    conn: DbConn,
    service_file: FromPath[str],
    jurisdiction_id: FromQuery[str | None] = None,
) -> Response[bytes]:
    code, fmt = _named(service_file)
    service.check_jurisdiction(state.open311_config, jurisdiction_id)
    found = await service.service_definition(conn, code)
    return georeport(request, fmt, "service_definition", found)


@get("/requests/{request_file:str}", operation_id="open311GetRequest", summary="GeoReport: one request")
async def get_request(
    request: Request[Any, Any, Any],
    state: State,
    conn: DbConn,
    request_file: FromPath[str],
    jurisdiction_id: FromQuery[str | None] = None,
) -> Response[bytes]:
    number, fmt = _named(request_file)
    service.check_jurisdiction(state.open311_config, jurisdiction_id)
    found = await service.get_request(conn, state.open311_config, number, _base_url(request, state))
    return georeport(request, fmt, "service_requests", [found])


@get(
    "/tokens/{token_file:str}",
    operation_id="open311GetToken",
    summary="GeoReport: the request a token became",
)
async def get_token(
    request: Request[Any, Any, Any],
    state: State,
    conn: DbConn,
    token_file: FromPath[str],
    jurisdiction_id: FromQuery[str | None] = None,
) -> Response[bytes]:
    value, fmt = _named(token_file)
    service.check_jurisdiction(state.open311_config, jurisdiction_id)
    return georeport(request, fmt, "service_requests", [await service.token(conn, value)])


ROUTES: list[ControllerRouterHandler] = [
    Router(
        path=PREFIX,
        route_handlers=[*_fixed_routes(), service_definition, get_request, get_token],
        tags=["open311"],
        security=[{}],
        exception_handlers=_handlers(),
        opt={"open311": True},
    )
]
