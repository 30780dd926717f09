"""Importing grid polygons: a parsed file (cases/grids/geojson.py) checked and written set-based in one
transaction (cases/grids/store/), with a report of what was found; the log of past imports."""

from __future__ import annotations

import asyncio
import hashlib
import inspect
import logging
import math
import time
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any, Final, cast
from uuid import UUID

import asyncpg
import msgspec

from cases.common import InvalidCursor, decode_cursor, encode_cursor
from cases.grids import store
from cases.grids.errors import GridImportRefused
from cases.grids.geojson import (
    DEFAULT_OPTIONS,
    NIL_UUID,
    Gap,
    ImportOptions,
    ImportProblem,
    ImportReport,
    Outcome,
    ParsedFeature,
    ParsedFile,
    Progress,
    parse_feature_collection,
)
from cases.grids.store import GridKind
from cases.grids.store import progress as progress_store

_METRES_PER_DEGREE: Final = 111_320.0
#: how often the parse's progress (read in a thread) is passed on to the caller's progress callback
_PARSE_REPORT_S: Final = 0.25

log = logging.getLogger("cityloop.grids")

#: a progress callback that awaits (the console's, which writes to the database); a plain `Progress` works too
AsyncProgress = Callable[[str, int, int], Awaitable[None]]


class _Run:
    """What an import found and did, gathered phase by phase."""

    def __init__(
        self, kind: GridKind, options: ImportOptions, progress: Progress | AsyncProgress | None
    ) -> None:
        self.kind = kind
        self.options = options
        self.progress = progress
        self.problems: list[ImportProblem] = []
        self.repaired: list[ImportProblem] = []
        self.warnings: list[ImportProblem] = []
        self.gaps: list[Gap] = []
        self.counts: dict[str, int] = {}
        self.seconds: dict[str, float] = {}
        self.index_of: dict[str, int] = {}  # code -> index in the file
        self._started = time.perf_counter()

    async def tick(self, phase: str, done: int, total: int) -> None:
        if self.progress is not None:
            result = self.progress(phase, done, total)
            if inspect.isawaitable(result):
                await result

    def lap(self, phase: str) -> None:
        now = time.perf_counter()
        self.seconds[phase] = round(self.seconds.get(phase, 0.0) + now - self._started, 3)
        self._started = now


async def _load(conn: asyncpg.Connection, run: _Run, features: list[ParsedFeature], make_valid: bool) -> None:
    await store.create_staging(conn)
    chunk = 5_000
    for start in range(0, len(features), chunk):
        await run.tick("load", start, len(features))
        await store.copy_features(conn, features[start : start + chunk])
    await run.tick("load", len(features), len(features))
    await store.build_geometries(conn)
    run.lap("load")
    await run.tick("check", 0, 5)
    if make_valid:
        for r in await store.repair_invalid(conn):
            if r["valid"]:
                run.repaired.append(
                    ImportProblem(
                        problem="repaired",
                        detail=f"made valid with ST_MakeValid; it was: {r['reason']}",
                        index=r["idx"],
                        code=r["code"] or None,
                        area_m2=round(r["area_m2"], 1),
                    )
                )
            else:
                run.problems.append(
                    ImportProblem(
                        problem="invalid_geometry",
                        detail=f"{r['reason']}; ST_MakeValid leaves no polygon",
                        index=r["idx"],
                        code=r["code"] or None,
                    )
                )
    else:
        for r in await store.invalid_features(conn):
            run.problems.append(
                ImportProblem(
                    problem="invalid_geometry",
                    detail=f"{r['reason']} (PostGIS ST_IsValidReason; make_valid repairs it)",
                    index=r["idx"],
                    code=r["code"] or None,
                )
            )


async def _check(conn: asyncpg.Connection, run: _Run) -> None:
    options = run.options
    await run.tick("check", 1, 5)
    union = await store.build_union(conn)
    run.counts["parts"] = union["parts"]
    await run.tick("check", 2, 5)
    # 1 m² is at least this many square degrees (cos(latitude) <= 1): below it nothing can overlap by 1 m²
    if union["excess_deg2"] > options.overlap_tolerance_m2 / _METRES_PER_DEGREE**2:
        for r in await store.overlaps_within(conn, options.overlap_tolerance_m2, options.max_problems):
            pair = ((r["idx"], r["code"]), (r["other_idx"], r["other_code"]))
            for (index, code), (other_index, other_code) in (pair, pair[::-1]):  # both features are named
                run.problems.append(
                    ImportProblem(
                        problem="overlap",
                        detail=f"shares {r['area_m2']:,.1f} m² with feature {other_index} ({other_code})",
                        index=index,
                        code=code or None,
                        other_index=other_index,
                        other_code=other_code or None,
                        area_m2=round(r["area_m2"], 1),
                    )
                )
    await run.tick("check", 3, 5)
    for r in await store.overlaps_stored(conn, run.kind, options.overlap_tolerance_m2, options.max_problems):
        run.problems.append(
            ImportProblem(
                problem="overlaps_stored_grid",
                detail=f"shares {r['area_m2']:,.1f} m² with the stored grid {r['other_code']}, which the file does "
                "not replace",
                index=r["idx"],
                code=r["code"] or None,
                other_code=r["other_code"],
                area_m2=round(r["area_m2"], 1),
            )
        )
    await run.tick("check", 4, 5)
    rows = await store.gaps(conn, options.gap_tolerance_m2, options.max_gaps)
    run.gaps = [
        Gap(
            area_m2=round(r["area_m2"], 1),
            lat=round(r["lat"], 7),
            lon=round(r["lon"], 7),
            around=r["around"] or [],
        )
        for r in rows
    ]
    run.counts["gaps_total"] = rows[0]["total"] if rows else 0
    await run.tick("check", 5, 5)
    run.lap("check")


async def _write(conn: asyncpg.Connection, run: _Run, features: int) -> None:
    await run.tick("write", 0, 3)
    created = await store.count_new(conn, run.kind)
    if run.kind == "unit":
        written = await store.upsert_unit_grids(conn)
    else:
        written = await store.upsert_responsibility_grids(conn)
        for r in await store.units_listed_twice(conn):
            for grid in r["grids"]:
                if grid in run.index_of:
                    others = ", ".join(g for g in r["grids"] if g != grid)
                    run.problems.append(
                        ImportProblem(
                            problem="unit_listed_twice",
                            detail=f"lists unit grid {r['unit_code']}, which {others} also list(s)",
                            index=run.index_of[grid],
                            code=grid,
                        )
                    )
        for r in await store.unknown_listed_units(conn, run.options.max_problems):
            codes = list(r["unit_codes"])
            run.warnings.append(
                ImportProblem(
                    problem="unknown_unit_codes",
                    detail=f"lists {len(codes)} unit grid(s) not imported yet: {', '.join(codes[:10])}"
                    + (" ..." if len(codes) > 10 else ""),
                    index=r["idx"],
                    code=r["code"],
                )
            )
    await run.tick("write", 1, 3)
    run.counts.update(created=created, updated=written - created, unchanged=features - written)
    run.counts["not_in_file"] = await store.count_not_in_file(conn, run.kind)
    # links follow from the stored grids alone, and were right after the last import that changed any
    run.counts["links_changed"] = await store.relink_units(conn) if written else 0
    await run.tick("write", 2, 3)
    run.counts["units_unassigned"] = await store.count_unassigned_units(conn)
    await run.tick("write", 3, 3)
    run.lap("write")


async def _parse(raw: bytes, kind: GridKind, options: ImportOptions, run: _Run) -> ParsedFile:
    """Parse in a thread; its progress is kept there and passed on from here (a callback may need the loop)."""
    if run.progress is None:
        return await asyncio.to_thread(parse_feature_collection, raw, kind, options, None)
    seen: list[tuple[str, int, int]] = [("parse", 0, 0)]

    def note(phase: str, done: int, total: int) -> None:
        seen[0] = (phase, done, total)  # one assignment: safe from the thread

    parsing = asyncio.ensure_future(asyncio.to_thread(parse_feature_collection, raw, kind, options, note))
    reported: tuple[str, int, int] | None = None
    try:
        while True:
            finished, _ = await asyncio.wait({parsing}, timeout=_PARSE_REPORT_S)
            if seen[0] != reported:
                reported = seen[0]
                await run.tick(*reported)
            if finished:
                return parsing.result()
    except BaseException:
        parsing.cancel()
        raise


def _field_errors(problems: list[ImportProblem], limit: int) -> tuple[dict[str, str], ...]:
    return tuple(
        {
            "field": f"features[{p.index}]" if p.index is not None else "file",
            "code": p.problem,
            "message": (f"{p.code}: " if p.code else "") + p.detail,
        }
        for p in problems[:limit]
    )


async def import_grids(
    conn: asyncpg.Connection,
    kind: GridKind,
    raw: bytes,
    *,
    file_name: str = "upload.geojson",
    make_valid: bool = False,
    dry_run: bool = False,
    actor_id: UUID | None = None,
    actor_label: str = "",
    options: ImportOptions = DEFAULT_OPTIONS,
    progress: Progress | AsyncProgress | None = None,
) -> ImportReport:
    """Check a GeoJSON file of grids and, unless refused or a dry run, upsert them; always log the run.

    Raises ``GridImportRefused`` (with the report) when anything is wrong; the log row is then the only thing
    the transaction holds, and the caller commits it. `progress(phase, done, total)` may be a coroutine
    function (it is awaited); the parse's progress, read in a thread, reaches it every 0.25 s.
    """
    if not conn.is_in_transaction():
        raise RuntimeError("import_grids runs inside the caller's transaction (its refusal log must commit)")
    run = _Run(kind, options, progress)
    sha256 = hashlib.sha256(raw).hexdigest()
    parsed = await _parse(raw, kind, options, run)
    run.problems.extend(parsed.problems)
    run.lap("parse")
    if parsed.features:
        await store.lock_imports(conn)
        savepoint = conn.transaction()
        await savepoint.start()
        try:
            run.index_of = {f.code: f.idx for f in parsed.features}
            await _load(conn, run, parsed.features, make_valid)
            await _check(conn, run)
            if not run.problems:
                await _write(conn, run, parsed.total)
            await store.drop_staging(conn)
        except BaseException:
            await savepoint.rollback()
            raise
        if run.problems or dry_run:
            await savepoint.rollback()
        else:
            await savepoint.commit()
    problems = sorted(run.problems, key=lambda p: (p.index is not None, p.index or 0, p.problem))
    outcome: Outcome = "refused" if problems else "dry_run" if dry_run else "imported"
    run.seconds["total"] = round(sum(run.seconds.values()), 3)
    counts: dict[str, Any] = {
        "features": parsed.total,
        **run.counts,
        "repaired": len(run.repaired),
        "warnings": len(run.warnings),
        "problems": len(problems),
        "seconds": run.seconds,
    }
    findings = [*run.repaired, *run.warnings] + [
        ImportProblem(
            problem="gap",
            detail=f"{g.area_m2:,.1f} m² uncovered at ({g.lat}, {g.lon}) between {', '.join(g.around)}",
            area_m2=g.area_m2,
        )
        for g in run.gaps
    ]
    logged = await store.insert_import(
        conn,
        kind=kind,
        file_name=file_name[:200],
        sha256=sha256,
        outcome=outcome,
        dry_run=dry_run,
        make_valid=make_valid,
        counts=counts,
        problems=msgspec.to_builtins((problems or findings)[: options.max_problems]),
        actor_id=actor_id,
        actor_label=actor_label,
    )
    count = run.counts.get
    report = ImportReport(
        id=logged["id"],
        kind=kind,
        file_name=file_name[:200],
        sha256=sha256,
        outcome=outcome,
        dry_run=dry_run,
        make_valid=make_valid,
        features=parsed.total,
        **{k: count(k, 0) for k in ("created", "updated", "unchanged", "not_in_file", "links_changed")},
        units_unassigned=count("units_unassigned", 0),
        parts=count("parts", 0),
        gaps=run.gaps,
        gaps_total=count("gaps_total", 0),
        repaired=run.repaired,
        warnings=run.warnings,
        problems=problems[: options.max_problems],
        problems_total=len(problems),
        seconds=run.seconds,
        created_at=logged["created_at"],
    )
    if problems:
        offenders = len({p.index for p in problems if p.index is not None})
        raise GridImportRefused(
            f"the file was refused: {len(problems)} problem(s) in {offenders} feature(s); nothing was imported",
            report=report,
            fields=_field_errors(problems, 1_000),
            import_id=str(report.id),
            problems_total=len(problems),
            problems=msgspec.to_builtins(problems[:1_000]),
        )
    return report


def refused_report(exc: GridImportRefused) -> ImportReport:
    """The report a refusal carries."""
    assert isinstance(exc.report, ImportReport)
    return exc.report


def audit_details(report: ImportReport) -> dict[str, Any]:
    """What the audit log keeps of an import (the import log keeps the rest)."""
    keep = ("kind", "file_name", "sha256", "outcome", "features", "created", "updated", "unchanged")
    return {**{k: getattr(report, k) for k in keep}, "problems": report.problems_total}


class ImportLogEntry(msgspec.Struct, frozen=True):
    id: UUID
    kind: GridKind
    file_name: str
    sha256: str
    outcome: Outcome
    dry_run: bool
    make_valid: bool
    counts: dict[str, Any]
    problem_count: int
    actor_id: UUID | None
    actor_label: str
    created_at: datetime


class ImportLogDetail(ImportLogEntry, frozen=True):
    problems: list[dict[str, Any]]  # what refused the file; for an accepted one: repairs, warnings, gaps


class ImportLogPage(msgspec.Struct, frozen=True):
    """A page of the import log: `next_cursor` (opaque) is sent back as `cursor`; null at the end."""

    items: list[ImportLogEntry]
    next_cursor: str | None


async def import_log(
    conn: asyncpg.Connection, *, cursor: str | None = None, before: datetime | None = None, limit: int = 50
) -> ImportLogPage:
    """The import log, newest first, keyed by (created_at, id). The position is the opaque `cursor` of the
    previous page, or (the deprecated v1 form) `before`: only imports strictly older than that time, which
    is the key (before, the nil UUID) since no id sorts below the nil UUID."""
    after: tuple[datetime, UUID] | None = (before, NIL_UUID) if before is not None else None
    if cursor:
        try:
            at, import_id = decode_cursor(cursor, 2)
            after = (datetime.fromisoformat(at), UUID(import_id))
        except ValueError as exc:
            raise InvalidCursor("the cursor is not one this API gave out", fields=("cursor",)) from exc
    items = [ImportLogEntry(**dict(r)) for r in await store.list_imports(conn, after, limit)]
    last = items[-1] if len(items) == limit else None
    return ImportLogPage(
        items=items, next_cursor=encode_cursor(last.created_at.isoformat(), last.id) if last else None
    )


async def import_log_entry(conn: asyncpg.Connection, import_id: UUID) -> ImportLogDetail | None:
    row = await store.get_import(conn, import_id)
    return ImportLogDetail(**dict(row)) if row is not None else None


# --- an import's progress for the console (migration 0033) ----------------------------------------------------------

#: a progress row is written at a phase change, else at most this often
PROGRESS_EVERY_S: Final = 0.25
#: rows not updated for this long are deleted by the worker's housekeeping
PROGRESS_KEPT_S: Final = 86_400.0


class ImportProgress(msgspec.Struct, frozen=True):
    """Where a console import stands, as its POST last wrote it."""

    id: UUID
    owner_id: UUID
    kind: GridKind
    file_name: str
    phase: str  # parse, load, check, write; done or failed once finished
    done: int
    total: int
    finished: bool
    updated_at: datetime


class ProgressWriter:
    """The progress callback of an import run inside a request (console/pages/admin/grids.py): it writes
    `grid_import_progress` through its OWN pooled connection in autocommit, since the import's transaction is
    not visible to the polls until it commits. Written at a phase change, else at most every
    `PROGRESS_EVERY_S`; a write that fails (or finds no free connection in time) is logged and skipped, never
    failing the import. Every write is awaited by the import itself: nothing runs in the background."""

    def __init__(
        self,
        pool: asyncpg.Pool,
        job_id: UUID,
        owner_id: UUID,
        kind: GridKind,
        file_name: str,
        *,
        every_s: float = PROGRESS_EVERY_S,
        acquire_timeout_s: float = 1.0,
    ) -> None:
        self.pool = pool
        self.job_id = job_id
        self.owner_id = owner_id
        self.kind: GridKind = kind
        self.file_name = file_name[:200]
        self.every_s = every_s
        self.acquire_timeout_s = acquire_timeout_s
        self._phase = ""
        self._done = 0
        self._total = 0
        self._written_at = -math.inf

    async def start(self) -> None:
        self._phase, self._written_at = "parse", time.monotonic()
        await self._write(
            lambda conn: progress_store.start_progress(
                conn, self.job_id, self.owner_id, self.kind, self.file_name
            )
        )

    async def __call__(self, phase: str, done: int, total: int) -> None:
        self._done, self._total = max(done, 0), max(total, 0)
        now = time.monotonic()
        if phase == self._phase and now - self._written_at < self.every_s:
            return
        self._phase, self._written_at = phase, now
        await self._put(finished=False)

    async def finish(self, *, failed: bool = False) -> None:
        """The last write: phase `done` (or `failed` when the import raised)."""
        self._phase = "failed" if failed else "done"
        await self._put(finished=True)

    async def _put(self, *, finished: bool) -> None:
        phase, done, total = self._phase, self._done, self._total
        await self._write(
            lambda conn: progress_store.set_progress(
                conn, self.job_id, self.owner_id, phase, done, total, finished
            )
        )

    async def _write(self, statement: Callable[[asyncpg.Connection], Awaitable[Any]]) -> None:
        try:
            async with self.pool.acquire(timeout=self.acquire_timeout_s) as conn:
                await statement(cast(asyncpg.Connection, conn))  # no transaction: autocommit, seen at once
        except Exception as exc:  # progress is for the eye only: the import goes on without it
            log.warning(
                "grid import progress not written", extra={"job": str(self.job_id), "error": repr(exc)}
            )


async def import_progress(conn: asyncpg.Connection, job_id: UUID, owner_id: UUID) -> ImportProgress | None:
    """An import's progress, for its owner only (None for anyone else, or no such import)."""
    row = await progress_store.get_progress(conn, job_id, owner_id)
    return ImportProgress(**dict(row)) if row is not None else None


async def forget_progress(conn: asyncpg.Connection, older_than_s: float = PROGRESS_KEPT_S) -> int:
    """Delete the progress rows not updated for `older_than_s` (the worker's housekeeping); how many."""
    return await progress_store.delete_progress_before(conn, older_than_s)
