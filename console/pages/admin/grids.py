"""The admin area's grid import: the import runs inside the POST that uploads the file, in the request's
transaction, exactly as POST /v1/admin/grids/import does (the same service call; a refusal is logged and audited,
and that commits); the POST answers the report. While it runs, the page polls GET /grids/import/{job_id}, which
any API process answers from `grid_import_progress` (written by `grids_imports.ProgressWriter` through its own
autocommit connection). The job id is a UUID the browser makes (console/static/admin.js).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import msgspec
from litestar import Request, get, post
from litestar.datastructures import State, UploadFile
from litestar.params import FromPath
from litestar.response import Template

from api.auth import DbConn
from cases.grids import imports as grids_imports
from cases.grids.errors import GridImportRefused
from cases.grids.geojson import ImportReport
from console.auth import CurrentUser
from console.errors import ConsoleError
from console.pages.admin.common import KEYS, BadForm, _actor, _local, _zone
from console.render import page
from identity import service as identity

MAX_GRID_FILE_BYTES = 50 * 1024 * 1024  # as POST /v1/admin/grids/import
#: where each phase of an import starts and ends on the bar (percent)
PHASES: dict[str, tuple[int, int]] = {
    "upload": (0, 0),
    "parse": (0, 30),
    "load": (30, 55),
    "check": (55, 90),
    "write": (90, 100),
}
#: the status a refused import answers with its report (the API's grid_import_refused)
REFUSED_STATUS = 422


class NoSuchJob(ConsoleError):
    status = 404
    text_key = "admin.no_job"


@dataclass(frozen=True)
class JobView:
    """What the progress fragment shows: a polled row (`finished` false: no report yet) or the POST's answer."""

    id: str
    phase: str
    percent: int
    finished: bool = False
    failed: bool = False


def _percent(phase: str, done: int, total: int) -> int:
    if phase in ("done", "failed"):
        return 100
    low, high = PHASES.get(phase, (0, 100))
    share = done / total if total else 0
    return int(low + (high - low) * min(share, 1))


def _job_id(value: Any) -> UUID:
    """The browser's job id: a UUID (crypto.randomUUID())."""
    if isinstance(value, str) and len(value) <= 64:
        try:
            return UUID(value)
        except ValueError:
            pass
    raise BadForm("job_id is not a UUID")


@get("/grids", name="console.admin.grids")
async def grids(request: Request[Any, Any, Any], state: State, conn: DbConn, user: CurrentUser) -> Template:
    log = await grids_imports.import_log(conn, limit=20)
    zone = _zone(state)
    return page(
        request,
        "admin/grids.html",
        keys=KEYS,
        section="grids",
        log=[{"entry": e, "at": _local(e.created_at, zone)} for e in log.items],
        max_mb=MAX_GRID_FILE_BYTES // (1024 * 1024),
        tile_url=state.settings.console_tile_url or "",
    )


@post(
    "/grids/import", name="console.admin.grids.import", request_max_body_size=MAX_GRID_FILE_BYTES + 64 * 1024
)
async def start_import(
    request: Request[Any, Any, Any], state: State, conn: DbConn, user: CurrentUser
) -> Template:
    form = await request.form()
    upload = form.get("file")
    kind = form.get("kind")
    if kind not in ("unit", "responsibility") or not isinstance(upload, UploadFile):
        raise BadForm("a kind (unit or responsibility) and a file are needed")
    job_id = _job_id(form.get("job_id"))
    raw = await upload.read()
    if not raw:
        raise BadForm("the file is empty")
    file_name = (upload.filename or "upload.geojson")[:200]
    owner = user.principal.user_id
    context = _actor(request)
    progress = grids_imports.ProgressWriter(state.pool, job_id, owner, kind, file_name)
    await progress.start()
    failed = True
    try:
        try:
            report = await grids_imports.import_grids(
                conn,
                kind,
                raw,
                file_name=file_name,
                make_valid=form.get("make_valid") == "on",
                dry_run=form.get("dry_run") == "on",
                actor_id=owner,
                actor_label=context.actor_label,
                progress=progress,
            )
        except GridImportRefused as exc:  # logged and audited, and that commits: the API's handling
            report = grids_imports.refused_report(exc)
        await identity.audit(
            conn,
            context,
            owner,
            "grids.import",
            "grid_import",
            str(report.id),
            **grids_imports.audit_details(report),
        )
        failed = False
    finally:
        await progress.finish(failed=failed)
    view = JobView(id=str(job_id), phase="done", percent=100, finished=True)
    return _report_view(
        request, state, view, report, status_code=REFUSED_STATUS if report.outcome == "refused" else 200
    )


def _report_view(
    request: Request[Any, Any, Any],
    state: State,
    job: JobView,
    report: ImportReport | None,
    status_code: int = 200,
) -> Template:
    map_data = None
    if report is not None:
        map_data = json.dumps(
            {
                "outcome": report.outcome,
                "gaps": msgspec.to_builtins(report.gaps),
                "problems": msgspec.to_builtins(report.problems),
                "repaired": msgspec.to_builtins(report.repaired),
            },
            ensure_ascii=False,
        )
    return page(
        request,
        "admin/partials/import_job.html",
        status_code=status_code,
        keys=KEYS,
        job=job,
        report=report,
        map_data=map_data,
        problems=report.problems[:200] if report else [],
        at=_local(report.created_at, _zone(state)) if report else "",
    )


@get("/grids/import/{job_id:str}", name="console.admin.grids.job")
async def import_job(
    request: Request[Any, Any, Any], state: State, conn: DbConn, user: CurrentUser, job_id: FromPath[str]
) -> Template:
    """An import's progress bar, read from the database: any process answers it, only for the import's owner."""
    try:
        key = UUID(job_id[:64])
    except ValueError:
        raise NoSuchJob(f"no import {job_id[:64]}") from None
    found = await grids_imports.import_progress(conn, key, user.principal.user_id)
    if found is None:
        raise NoSuchJob(f"no import {key} of this user")
    view = JobView(
        id=str(found.id),
        phase=found.phase,
        percent=_percent(found.phase, found.done, found.total),
        failed=found.phase == "failed",
    )
    return _report_view(request, state, view, None)
