"""Importing an estate's owners register (业主名册) from CSV or XLSX.

The file has a header row and one row per home. Columns, found by their header in English or Chinese (case,
spaces and a trailing `*` ignored; any order; other columns ignored):

- ``building`` (楼栋, 楼号; required), ``entrance`` (单元; optional), ``floor`` (楼层; optional when the room
  number gives it: 1203 is on floor 12; B1 is floor -1), ``room`` (房号; required);
- ``register_area`` (产权面积), ``surveyed_area`` (实测面积), ``contract_area`` (合同面积): m² with at most two
  decimals ("89.5", "89.50 ㎡"); at least one per home;
- ``owners`` (业主, 业主姓名, 产权人): one name, or co-owners separated by ``、`` ``;`` ``,`` or ``/``;
- ``phones`` (手机号, 联系电话): none, or one per owner in the same order (an empty entry or ``-`` for an owner
  without one), read with `phonenumbers` (mainland numbers without +86 are fine);
- ``owner_type`` (业主类型): ``developer`` (开发商, 未售) for a home not sold yet, owned by the developer; else a
  person. Without the column, an owners cell of 开发商 or 未售 means the developer.

CSV is read as UTF-8 (with or without the BOM Excel writes), else as GB18030 (a superset of GBK, what Excel
writes on a Chinese Windows), else UTF-16 with its BOM (Excel's "Unicode text"); the separator is a comma, a
semicolon or a tab, whichever the header uses. Cells are NFKC-normalised (full-width digits become digits).

The file is refused as a whole, every offending row named by its line (the header is line 1), for: an
unreadable file or encoding, a missing column, no rows, too many rows; per row: a missing building, room, floor,
area or owner, a bad floor, a bad area (not a number, more than two decimals, zero or negative, over 10,000
m²), a bad phone, as many phones as owners but not the same count, the same phone twice in one home, text too
long or holding control characters, and the same home (building, entrance, room) twice in the file.

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
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Final
from uuid import UUID

import asyncpg
import msgspec

from housing import store
from housing.areas import BadArea, counted_area, parse_area
from housing.errors import EstateNotFound, RegisterImportRefused
from housing.models import ImportOutcome, RegisterFormat, RegisterImportReport, RegisterProblem
from housing.sheets import csv_rows, decode_text, is_xlsx, xlsx_rows
from identity.errors import InvalidPhone
from identity.phone import normalize_phone

#: progress(phase, done, total): phases "read", "check", "write", in that order
Progress = Callable[[str, int, int], None]

MAX_FILE_BYTES: Final = 20 * 1024 * 1024
MAX_ROWS: Final = 100_000
MAX_PROBLEMS_KEPT: Final = 1_000
MAX_OWNERS_PER_HOME: Final = 20

COLUMNS: Final[dict[str, tuple[str, ...]]] = {
    "building": ("building", "楼栋", "楼号", "楼栋号", "楼宇", "幢", "栋"),
    "entrance": ("entrance", "unit", "单元", "单元号"),
    "floor": ("floor", "楼层", "层", "所在楼层"),
    "room": ("room", "房号", "房间号", "室", "门牌号"),
    "register_area": ("register_area", "产权面积", "登记面积", "不动产登记面积"),
    "surveyed_area": ("surveyed_area", "实测面积"),
    "contract_area": ("contract_area", "合同面积", "预售面积", "预测面积"),
    "owners": ("owners", "owner", "owner_name", "业主", "业主姓名", "产权人", "姓名"),
    "phones": ("phones", "phone", "owner_phone", "手机", "手机号", "手机号码", "联系电话", "电话"),
    "owner_type": ("owner_type", "业主类型", "类型", "产权类型"),
}
_ALIASES: Final = {alias: name for name, aliases in COLUMNS.items() for alias in aliases}
AREA_COLUMNS: Final = ("register_area", "surveyed_area", "contract_area")
DEVELOPER_WORDS: Final = frozenset({"developer", "开发商", "开发企业", "建设单位", "未售"})
PERSON_WORDS: Final = frozenset({"", "person", "owner", "业主", "个人", "自然人", "已售"})
DEVELOPER_NAME: Final = "开发商"
_LIST_SEPARATORS: Final = re.compile(r"\s*[、;；,/]\s*")
_NO_PHONE: Final = frozenset({"", "-", "无", "—"})
_CONTROL: Final = re.compile(r"[\x00-\x1f\x7f]")
_FLOOR: Final = re.compile(r"^(-?[0-9]{1,3}|[Bb][0-9]{1,2})$")
_TEXT_LIMITS: Final = {"building": 50, "entrance": 20, "room": 20}


class OwnerEntry(msgspec.Struct, frozen=True, order=True):
    kind: str  # person or developer
    name: str
    phone: str | None


@dataclass(frozen=True)
class RegisterRow:
    line: int
    building: str
    entrance: str
    floor: int
    room: str
    register_area: int | None
    surveyed_area: int | None
    contract_area: int | None
    owners: tuple[OwnerEntry, ...]

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.building, self.entrance, self.room)


@dataclass
class ParsedRegister:
    file_format: RegisterFormat
    encoding: str | None
    rows: list[RegisterRow] = field(default_factory=list)
    problems: list[RegisterProblem] = field(default_factory=list)
    total: int = 0  # data rows in the file (empty lines not counted)


# reading the file ---------------------------------------------------------------------------------------------------


def _normalise(cell: str) -> str:
    return unicodedata.normalize("NFKC", cell).strip()


def _header_name(cell: str) -> str:
    return re.sub(r"\s+", "", _normalise(cell)).rstrip("*").lower()


def _split(cell: str) -> list[str]:
    return [part.strip() for part in _LIST_SEPARATORS.split(cell)]


# checking rows ------------------------------------------------------------------------------------------------------


class _RowChecker:
    def __init__(self, columns: dict[str, int], default_region: str) -> None:
        self.columns = columns
        self.region = default_region
        self.problems: list[RegisterProblem] = []

    def _problem(self, line: int, problem: str, detail: str, column: str | None = None) -> None:
        self.problems.append(RegisterProblem(problem=problem, detail=detail, row=line, field=column))

    def cell(self, cells: list[str], name: str) -> str:
        index = self.columns.get(name)
        return _normalise(cells[index]) if index is not None and index < len(cells) else ""

    def check(self, line: int, cells: list[str]) -> RegisterRow | None:
        before = len(self.problems)
        values = {name: self.cell(cells, name) for name in COLUMNS}
        for name, value in values.items():
            if _CONTROL.search(value):
                self._problem(line, "bad_text", "the cell holds a line break or a control character", name)
        for name, limit in _TEXT_LIMITS.items():
            if len(values[name]) > limit:
                self._problem(line, "text_too_long", f"{name} is longer than {limit} characters", name)
        for name in ("building", "room"):
            if not values[name]:
                self._problem(line, "missing_field", f"{name} is empty", name)
        floor = self._floor(line, values["floor"], values["room"])
        areas: dict[str, int | None] = {}
        bad_area = False
        for name in AREA_COLUMNS:
            try:
                areas[name] = parse_area(values[name])
            except BadArea as exc:
                self._problem(line, "bad_area", str(exc), name)
                areas[name] = None
                bad_area = True
        if not bad_area and counted_area(*(areas[n] for n in AREA_COLUMNS)) is None:
            self._problem(line, "missing_area", "no register, surveyed or contract area", "register_area")
        owners = self._owners(line, values["owners"], values["phones"], values["owner_type"])
        if len(self.problems) > before or floor is None or owners is None:
            return None
        return RegisterRow(
            line=line,
            building=values["building"],
            entrance=values["entrance"],
            floor=floor,
            room=values["room"],
            register_area=areas["register_area"],
            surveyed_area=areas["surveyed_area"],
            contract_area=areas["contract_area"],
            owners=owners,
        )

    def _floor(self, line: int, text: str, room: str) -> int | None:
        if not text:
            digits = room.split("-")[-1]
            if digits.isdigit() and len(digits) >= 3 and int(digits[:-2]) > 0:
                return int(digits[:-2])  # 1203 is on floor 12
            self._problem(
                line, "missing_field", "floor is empty and the room number does not give it", "floor"
            )
            return None
        if text.endswith(".0"):
            text = text[:-2]
        if not _FLOOR.match(text):
            self._problem(line, "bad_floor", f"{text!r} is not a floor (12, -1 or B1)", "floor")
            return None
        value = -int(text[1:]) if text[0] in "Bb" else int(text)
        if value == 0 or not -10 <= value <= 300:
            self._problem(
                line, "bad_floor", f"{text!r} is not a floor (1 to 300, or -1 to -10 below ground)", "floor"
            )
            return None
        return value

    def _owners(
        self, line: int, names_cell: str, phones_cell: str, type_cell: str
    ) -> tuple[OwnerEntry, ...] | None:
        kind_word = type_cell.lower()
        developer = kind_word in DEVELOPER_WORDS or (not type_cell and names_cell.lower() in DEVELOPER_WORDS)
        if not developer and kind_word not in PERSON_WORDS:
            self._problem(
                line, "bad_owner_type", f"{type_cell!r} is neither an owner nor the developer", "owner_type"
            )
            return None
        if developer:
            name = names_cell if names_cell and names_cell.lower() not in DEVELOPER_WORDS else DEVELOPER_NAME
            if len(name) > 100:
                self._problem(
                    line, "text_too_long", "the developer's name is longer than 100 characters", "owners"
                )
                return None
            phone = None
            if phones_cell not in _NO_PHONE:
                phone = self._phone(line, phones_cell)
                if phone is None:
                    return None
            return (OwnerEntry(kind="developer", name=name, phone=phone),)
        if not names_cell:
            self._problem(
                line, "missing_field", "owners is empty (write 开发商 for an unsold home)", "owners"
            )
            return None
        names = _split(names_cell)
        if any(not n for n in names):
            self._problem(line, "missing_field", "an owner's name is empty", "owners")
            return None
        if len(names) > MAX_OWNERS_PER_HOME or any(len(n) > 100 for n in names):
            self._problem(
                line, "text_too_long", "too many owners, or a name longer than 100 characters", "owners"
            )
            return None
        phones: list[str | None] = [None] * len(names)
        if phones_cell:
            given = _split(phones_cell)
            if len(given) != len(names):
                self._problem(
                    line,
                    "owners_phones_mismatch",
                    f"{len(names)} owner(s) but {len(given)} phone(s): give one per owner, in the same order",
                    "phones",
                )
                return None
            for i, text in enumerate(given):
                if text in _NO_PHONE:
                    continue
                phones[i] = self._phone(line, text)
                if phones[i] is None:
                    return None
            known = [p for p in phones if p]
            if len(set(known)) != len(known):
                self._problem(line, "duplicate_owner", "the same phone is given for two owners", "phones")
                return None
        return tuple(OwnerEntry(kind="person", name=n, phone=p) for n, p in zip(names, phones, strict=True))

    def _phone(self, line: int, text: str) -> str | None:
        """The E.164 form, or None after recording the problem."""
        try:
            return normalize_phone(text, self.region)
        except InvalidPhone as exc:
            self._problem(line, "bad_phone", f"{text!r}: {exc}", "phones")
            return None


def parse_register(
    raw: bytes, default_region: str = "CN", progress: Progress | None = None
) -> ParsedRegister:
    """Read and check every row of a register file; nothing is written."""
    xlsx = is_xlsx(raw)
    parsed = ParsedRegister(file_format="xlsx" if xlsx else "csv", encoding=None)

    def refuse(problem: str, detail: str) -> ParsedRegister:
        parsed.problems.append(RegisterProblem(problem=problem, detail=detail))
        return parsed

    if len(raw) > MAX_FILE_BYTES:
        return refuse("file_too_large", f"the file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB")
    rows: Iterable[list[str]]
    if xlsx:
        rows = xlsx_rows(raw)
    else:
        decoded = decode_text(raw)
        if decoded is None:
            return refuse(
                "bad_encoding",
                "the file is neither UTF-8 nor GB18030 (GBK) text, nor an XLSX workbook: save it from Excel as "
                "CSV UTF-8 or as .xlsx",
            )
        text, parsed.encoding = decoded
        rows = csv_rows(text)
    try:
        materialised = _read_rows(rows, progress)
    except Exception as exc:  # whatever a broken CSV or workbook makes csv, zipfile or openpyxl raise
        return refuse("unreadable", f"the file cannot be read as {parsed.file_format.upper()}: {exc}")
    header_index = next(
        (i for i, (_, cells) in enumerate(materialised) if any(c.strip() for c in cells)), None
    )
    if header_index is None:
        return refuse("no_rows", "the file is empty")
    header_line, header = materialised[header_index]
    columns: dict[str, int] = {}
    for index, cell in enumerate(header):
        name = _ALIASES.get(_header_name(cell))
        if name is None:
            continue
        if name in columns:
            parsed.problems.append(
                RegisterProblem(problem="duplicate_column", detail=f"two columns are {name}", row=header_line)
            )
        columns[name] = index
    missing = [n for n in ("building", "room", "owners") if n not in columns]
    if not any(n in columns for n in AREA_COLUMNS):
        missing.append("register_area, surveyed_area or contract_area")
    if missing:
        known = ", ".join(f"{n} ({'/'.join(a[1:3])})" for n, a in COLUMNS.items())
        return refuse(
            "missing_column", f"the header has no column for {', '.join(missing)}; columns: {known}"
        )
    if parsed.problems:
        return parsed
    data = [
        (line, cells) for line, cells in materialised[header_index + 1 :] if any(c.strip() for c in cells)
    ]
    parsed.total = len(data)
    if not data:
        return refuse("no_rows", "the file has a header but no homes")
    if len(data) > MAX_ROWS:
        return refuse("too_many_rows", f"{len(data):,} rows; at most {MAX_ROWS:,} in one file")
    checker = _RowChecker(columns, default_region)
    seen: dict[tuple[str, str, str], int] = {}
    for done, (line, cells) in enumerate(data, start=1):
        row = checker.check(line, cells)
        if row is not None:
            first = seen.get(row.key)
            if first is not None:
                checker.problems.append(
                    RegisterProblem(
                        problem="duplicate_home",
                        detail=f"building {row.building}, entrance {row.entrance or '-'}, room {row.room} is "
                        f"also on line {first}",
                        row=line,
                        field="room",
                        other_row=first,
                    )
                )
            else:
                seen[row.key] = line
                parsed.rows.append(row)
        if progress and (done % 1000 == 0 or done == len(data)):
            progress("check", done, len(data))
    parsed.problems.extend(checker.problems)
    return parsed


def _read_rows(rows: Iterable[list[str]], progress: Progress | None) -> list[tuple[int, list[str]]]:
    out: list[tuple[int, list[str]]] = []
    for line, cells in enumerate(rows, start=1):
        out.append((line, cells))
        if len(out) > MAX_ROWS + 10:
            break
        if progress and line % 5000 == 0:
            progress("read", line, line)
    if progress:
        progress("read", len(out), len(out))
    return out


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
