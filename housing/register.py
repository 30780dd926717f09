"""Importing an estate's owners register (业主名册) from CSV or XLSX: the file is read and checked by
housing/register_file.py (its columns, encodings and every reason a file is refused are written there).

An accepted import upserts homes by (building, entrance, room): new ones are created (with their buildings),
changed floors and areas updated, the others left as they are; homes not in the file are kept and counted. A
home whose owners changed gets the new owners from the effective date (today unless given), the old ones'
ownership ending that day (kept for billing and history). Owner bindings of residents whose phone is no
longer among their home's owners end. Everything runs in the caller's transaction; every run, refused or dry
or not, writes one row of the import log, and a refusal (marked ``persist``) commits only that row.
"""

from __future__ import annotations

import asyncio
import hashlib
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Final
from uuid import UUID

import asyncpg
import msgspec

from housing import store
from housing.errors import EstateNotFound, RegisterImportRefused
from housing.models import ImportOutcome, RegisterImportReport, RegisterProblem
from housing.register_file import (
    MAX_FILE_BYTES,
    OwnerEntry,
    Progress,
    RegisterRow,
    parse_register,
)

__all__ = ["MAX_FILE_BYTES", "audit_details", "describe", "import_register", "refused_report"]

MAX_PROBLEMS_KEPT: Final = 1_000


# importing ----------------------------------------------------------------------------------------------------------


@dataclass
class _Plan:
    new_buildings: list[str] = field(default_factory=list)
    created: list[RegisterRow] = field(default_factory=list)
    updated: list[tuple[UUID, RegisterRow]] = field(default_factory=list)
    unchanged: int = 0
    not_in_file: int = 0
    owners_changed: list[tuple[UUID | None, RegisterRow]] = field(default_factory=list)  # None: a new home
    owner_rows_to_end: list[int] = field(default_factory=list)
    bindings_to_end: list[UUID] = field(default_factory=list)


async def _plan(
    conn: asyncpg.Connection, estate_id: UUID, rows: list[RegisterRow], effective: date
) -> tuple[_Plan, list[RegisterProblem]]:
    plan = _Plan()
    problems: list[RegisterProblem] = []
    buildings = await store.estate_buildings(conn, estate_id)
    plan.new_buildings = sorted({r.building for r in rows} - set(buildings))
    existing = {
        (h["building"], h["entrance"], h["room"]): h for h in await store.estate_homes(conn, estate_id)
    }
    owners_by_home: dict[UUID, list[asyncpg.Record]] = {}
    for owner in await store.estate_current_owners(conn, estate_id):
        owners_by_home.setdefault(owner["home_id"], []).append(owner)
    bindings_by_home: dict[UUID, list[asyncpg.Record]] = {}
    for binding in await store.estate_owner_bindings(conn, estate_id):
        bindings_by_home.setdefault(binding["home_id"], []).append(binding)
    for row in rows:
        home = existing.get(row.key)
        if home is None:
            plan.created.append(row)
            plan.owners_changed.append((None, row))
            continue
        stored = (home["floor"], home["register_area"], home["surveyed_area"], home["contract_area"])
        if stored != (row.floor, row.register_area, row.surveyed_area, row.contract_area):
            plan.updated.append((home["id"], row))
        else:
            plan.unchanged += 1
        current = owners_by_home.get(home["id"], [])
        if sorted(OwnerEntry(kind=o["kind"], name=o["name"], phone=o["phone"]) for o in current) == sorted(
            row.owners
        ):
            continue
        late = [o for o in current if o["owned_from"] > effective]
        if late:
            problems.append(
                RegisterProblem(
                    problem="effective_date_too_early",
                    detail=f"the owners stored for this home are in the register since {late[0]['owned_from']}, "
                    f"after the effective date {effective}",
                    row=row.line,
                    field="owners",
                )
            )
            continue
        plan.owners_changed.append((home["id"], row))
        plan.owner_rows_to_end += [o["id"] for o in current]
        phones = {o.phone for o in row.owners if o.kind == "person" and o.phone}
        plan.bindings_to_end += [
            b["id"] for b in bindings_by_home.get(home["id"], []) if b["phone"] not in phones
        ]
    plan.not_in_file = len(existing) - len(rows) + len(plan.created)
    return plan, problems


async def import_register(
    conn: asyncpg.Connection,
    estate_id: UUID,
    raw: bytes,
    *,
    file_name: str,
    effective_date: date,
    dry_run: bool = False,
    default_region: str = "CN",
    actor_id: UUID | None = None,
    actor_label: str = "",
    progress: Progress | None = None,
) -> RegisterImportReport:
    """Check a register file and, unless refused or a dry run, apply it to the estate (module docstring)."""
    if await store.lock_estate(conn, estate_id) is None:
        raise EstateNotFound("no such estate")
    # reading and checking a large file is seconds of CPU (openpyxl, phonenumbers): off the event loop
    parsed = await asyncio.to_thread(parse_register, raw, default_region, progress)
    problems = list(parsed.problems)
    plan = _Plan()
    if not problems:
        plan, plan_problems = await _plan(conn, estate_id, parsed.rows, effective_date)
        problems += plan_problems
    problems.sort(key=lambda p: (p.row or 0, p.field or ""))
    import_id = await store.new_id(conn)
    outcome: ImportOutcome = "refused" if problems else "dry_run" if dry_run else "imported"
    counts = {
        "rows": parsed.total,
        "buildings_created": len(plan.new_buildings),
        "homes_created": len(plan.created),
        "homes_updated": len(plan.updated),
        "homes_unchanged": plan.unchanged,
        "homes_not_in_file": plan.not_in_file,
        "owners_changed": len(plan.owners_changed),
        "bindings_ended": len(plan.bindings_to_end),
    }
    if outcome == "imported":
        await _write(conn, estate_id, import_id, plan, effective_date, progress)
    created_at = await store.insert_register_import(
        conn,
        import_id=import_id,
        estate_id=estate_id,
        file_name=file_name,
        sha256=hashlib.sha256(raw).hexdigest(),
        file_format=parsed.file_format,
        encoding=parsed.encoding,
        outcome=outcome,
        effective_date=effective_date,
        counts=counts,
        problems=msgspec.to_builtins(problems[:MAX_PROBLEMS_KEPT]),
        problem_count=len(problems),
        actor_id=actor_id,
        actor_label=actor_label,
    )
    report = RegisterImportReport(
        id=import_id,
        estate_id=estate_id,
        file_name=file_name,
        sha256=hashlib.sha256(raw).hexdigest(),
        format=parsed.file_format,
        encoding=parsed.encoding,
        outcome=outcome,
        dry_run=dry_run,
        effective_date=effective_date,
        rows=parsed.total,
        buildings_created=len(plan.new_buildings),
        homes_created=len(plan.created),
        homes_updated=len(plan.updated),
        homes_unchanged=plan.unchanged,
        homes_not_in_file=plan.not_in_file,
        owners_changed=len(plan.owners_changed),
        bindings_ended=len(plan.bindings_to_end),
        problems=problems[:MAX_PROBLEMS_KEPT],
        problems_total=len(problems),
        created_at=created_at,
    )
    if problems:
        rows_at_fault = len({p.row for p in problems if p.row is not None})
        raise RegisterImportRefused(
            f"the register was refused: {len(problems)} problem(s) in {rows_at_fault} row(s); nothing was imported",
            report=report,
            import_id=str(import_id),
            problems_total=len(problems),
            problems=msgspec.to_builtins(problems[:MAX_PROBLEMS_KEPT]),
        )
    return report


async def _write(
    conn: asyncpg.Connection,
    estate_id: UUID,
    import_id: UUID,
    plan: _Plan,
    effective: date,
    progress: Progress | None,
) -> None:
    steps = 5
    async with conn.transaction():  # a savepoint: all or nothing even if the caller goes on after an error
        buildings = await store.estate_buildings(conn, estate_id)
        if plan.new_buildings:
            buildings.update(await store.insert_buildings(conn, estate_id, plan.new_buildings))
        if progress:
            progress("write", 1, steps)
        new_ids: dict[tuple[UUID, str, str], UUID] = {}
        if plan.created:
            new_ids = await store.insert_homes(
                conn,
                estate_id,
                [
                    (
                        buildings[r.building],
                        r.entrance,
                        r.floor,
                        r.room,
                        r.register_area,
                        r.surveyed_area,
                        r.contract_area,
                    )
                    for r in plan.created
                ],
            )
        if progress:
            progress("write", 2, steps)
        if plan.updated:
            await store.update_homes(
                conn,
                [(i, r.floor, r.register_area, r.surveyed_area, r.contract_area) for i, r in plan.updated],
            )
        if progress:
            progress("write", 3, steps)
        if plan.owner_rows_to_end:
            await store.end_owners(conn, plan.owner_rows_to_end, effective)
        owners = [
            (
                home_id if home_id is not None else new_ids[(buildings[r.building], r.entrance, r.room)],
                o.kind,
                o.name,
                o.phone,
            )
            for home_id, r in plan.owners_changed
            for o in r.owners
        ]
        if owners:
            await store.insert_owners(conn, owners, effective, import_id)
        if progress:
            progress("write", 4, steps)
        if plan.bindings_to_end:
            await store.end_bindings(conn, plan.bindings_to_end, "no longer an owner in the register")
        if progress:
            progress("write", steps, steps)


def refused_report(exc: RegisterImportRefused) -> RegisterImportReport:
    """The report a refusal carries."""
    assert isinstance(exc.report, RegisterImportReport)
    return exc.report


def audit_details(report: RegisterImportReport) -> dict[str, Any]:
    """What the audit log keeps of an import (the import log keeps the rest)."""
    keep = ("file_name", "sha256", "outcome", "rows", "homes_created", "homes_updated", "owners_changed")
    return {
        **{k: getattr(report, k) for k in keep},
        "estate_id": str(report.estate_id),
        "problems": report.problems_total,
    }


def describe(report: RegisterImportReport, max_lines: int = 200) -> str:
    """A summary for people: the outcome, the counts, and every problem (up to `max_lines`)."""
    head = f"{report.file_name} ({report.format}{', ' + report.encoding if report.encoding else ''}, sha256 {report.sha256[:12]}): "
    lines: list[str] = []
    if report.outcome == "refused":
        offenders = len({p.row for p in report.problems if p.row is not None})
        lines.append(
            head + f"REFUSED, {report.problems_total} problem(s) in {offenders} of {report.rows} row(s); "
            "nothing was imported"
        )
        for p in report.problems[:max_lines]:
            where = f"line {p.row}" if p.row is not None else "file"
            column = f" [{p.field}]" if p.field else ""
            lines.append(f"  {where}{column}: {p.problem}: {p.detail}")
        if report.problems_total > max_lines:
            lines.append(f"  ... and {report.problems_total - max_lines} more (import log {report.id})")
        return "\n".join(lines)
    lines.append(head + ("checked (dry run, nothing written)" if report.dry_run else "imported"))
    lines.append(
        f"  rows {report.rows:,}: homes created {report.homes_created:,}, updated {report.homes_updated:,}, "
        f"unchanged {report.homes_unchanged:,}; stored but not in the file (kept): {report.homes_not_in_file:,}"
    )
    lines.append(
        f"  buildings created {report.buildings_created:,}; homes whose owners changed {report.owners_changed:,} "
        f"(from {report.effective_date}); owner bindings ended {report.bindings_ended:,}"
    )
    lines.append(f"  import log {report.id}")
    return "\n".join(lines)
