"""Importing water meter readings (抄表) of an estate from CSV or XLSX, the way the owners register is imported.

The file has a header row and one reading per row. Columns, found by their header in English or Chinese (case,
spaces and a trailing `*` ignored; any order; other columns ignored):

- ``building`` (楼栋, 楼号; required), ``entrance`` (单元; optional), ``room`` (房号; required): the home, as the
  register names it;
- ``read_on`` (抄表日期, 日期; required): YYYY-MM-DD (or YYYY/MM/DD, as Excel writes it);
- ``reading`` (读数, 本期读数, 表底数; required): the meter's dial in m³, at most two decimals.

The file is read as the register's is (housing/sheets.py): an XLSX workbook (its first sheet) when the body starts
with the zip magic, else CSV in UTF-8 with or without BOM, else GB18030 (Excel on a Chinese Windows), else UTF-16
with its BOM; comma, semicolon or tab. In a workbook, a date cell (a datetime to openpyxl) is its day, YYYY-MM-DD,
whatever time it holds; a number cell is the shortest decimal that is the stored number (1270.5 stays 1270.5, so a
reading with more than two decimals is refused as in CSV, never rounded). Cells are NFKC-normalised (full-width
digits become digits). Reading and checking the rows runs in a worker thread, off the event loop.

The file is refused as a whole, every offending row named by its line (the header being line 1), for: an
unreadable file or encoding, a missing column, no rows, too many rows; per row: an unknown home, a bad date or one
in the future, a bad reading (not a number, negative, more than two decimals), the same home and date twice in the
file, and a meter that runs backwards (a reading lower than the home's reading of an earlier day, stored or in the
file, or higher than one of a later day). A reading already stored for the same home and day is replaced when it
differs (counted as ``updated``). Every run, refused, dry or imported, writes one row of the import log; a refusal
(marked ``persist``) commits only that row.
"""

from __future__ import annotations

import asyncio
import csv
import hashlib
import itertools
import math
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Final, Literal
from uuid import UUID

import asyncpg
import msgspec

from housing import billing_store as store
from housing.errors import FeeItemNotFound, InvalidFeeItem, ReadingImportRefused
from housing.models import RegisterFormat, RegisterProblem
from housing.money import parse_hundredths
from housing.register_file import Progress
from housing.sheets import cell_text, csv_rows, decode_text, is_xlsx, xlsx_rows

MAX_FILE_BYTES: Final = 20 * 1024 * 1024
MAX_ROWS: Final = 200_000
MAX_PROBLEMS_KEPT: Final = 1_000
MAX_READING: Final = 100_000_000_000  # hundredths of m³: a billion m³, far above any dial

COLUMNS: Final[dict[str, tuple[str, ...]]] = {
    "building": ("building", "楼栋", "楼号", "楼栋号", "幢", "栋"),
    "entrance": ("entrance", "unit", "单元", "单元号"),
    "room": ("room", "房号", "房间号", "室", "门牌号"),
    "read_on": ("read_on", "date", "抄表日期", "日期", "抄表时间"),
    "reading": ("reading", "读数", "本期读数", "表底数", "本次读数"),
}
REQUIRED: Final = ("building", "room", "read_on", "reading")
_ALIASES: Final = {alias: name for name, aliases in COLUMNS.items() for alias in aliases}
_DATE: Final = re.compile(r"^([0-9]{4})[-/.]([0-9]{1,2})[-/.]([0-9]{1,2})$")
Outcome = Literal["imported", "dry_run", "refused"]


class ReadingImportReport(msgspec.Struct, frozen=True, kw_only=True):
    id: UUID
    estate_id: UUID
    fee_item_id: UUID
    file_name: str
    sha256: str
    format: RegisterFormat
    encoding: str | None
    outcome: Outcome
    dry_run: bool
    rows: int
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    problems: list[RegisterProblem] = []
    problems_total: int = 0


class _Row(msgspec.Struct, frozen=True):
    line: int
    home_id: UUID
    read_on: date
    reading: int


def _header(cell: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", cell)).rstrip("*").lower()


def _date(text: str) -> date | None:
    match = _DATE.match(text)
    if not match:
        return None
    try:
        return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return None


def _xlsx_cell(value: Any) -> str:
    """A workbook cell as the text the CSV path reads: a date cell as YYYY-MM-DD, a number as its exact shortest
    decimal (no exponent, no rounding), anything else as the register reads it."""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and math.isfinite(value):
        text = format(Decimal(repr(value)), "f")
        return text[:-2] if text.endswith(".0") else text
    return cell_text(value)


def _table(rows: Iterable[list[str]]) -> tuple[list[str] | None, list[tuple[int, list[str]]]]:
    """The header (the first line, None for an empty file) and the rows with a value, by line, reading at most
    MAX_ROWS + 1 of them (more is refused: no use reading the rest)."""
    header: list[str] | None = None
    body: list[tuple[int, list[str]]] = []
    for line, cells in enumerate(rows, start=1):
        if header is None:
            header = cells
        elif any(c.strip() for c in cells):
            body.append((line, cells))
            if len(body) > MAX_ROWS:
                break
    return header, body


def _parse(
    raw: bytes, homes: dict[tuple[str, str, str], UUID], today: date, progress: Progress | None
) -> tuple[list[_Row], list[RegisterProblem], int, str | None]:
    problems: list[RegisterProblem] = []
    if len(raw) > MAX_FILE_BYTES:
        return [], [RegisterProblem("file_too_large", f"more than {MAX_FILE_BYTES // 2**20} MB")], 0, None
    xlsx = is_xlsx(raw)
    encoding: str | None = None
    rows: Iterable[list[str]]
    if xlsx:
        rows = xlsx_rows(raw, cell=_xlsx_cell)
    else:
        decoded = decode_text(raw)
        if decoded is None:
            return (
                [],
                [
                    RegisterProblem(
                        "unreadable_encoding", "not UTF-8, GB18030 or UTF-16 text, nor an XLSX workbook"
                    )
                ],
                0,
                None,
            )
        text, encoding = decoded
        rows = csv_rows(text)
    try:
        header, body = _table(rows)
    except csv.Error as exc:
        return [], [RegisterProblem("unreadable_csv", str(exc))], 0, encoding
    except Exception as exc:  # whatever a broken workbook makes zipfile or openpyxl raise
        if not xlsx:
            raise
        return [], [RegisterProblem("unreadable_xlsx", f"the workbook cannot be read: {exc}")], 0, None
    if header is None:
        return [], [RegisterProblem("no_rows", "the file is empty")], 0, encoding
    columns: dict[str, int] = {}
    for index, heading in enumerate(header):
        name = _ALIASES.get(_header(heading))
        if name is not None and name not in columns:
            columns[name] = index
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        return (
            [],
            [RegisterProblem("missing_column", f"no column {c} ({'/'.join(COLUMNS[c][1:3])})", field=c) for c in missing],
            0,
            encoding,
        )  # fmt: skip
    if not body:
        return [], [RegisterProblem("no_rows", "the file has a header and no readings")], 0, encoding
    if len(body) > MAX_ROWS:
        return [], [RegisterProblem("too_many_rows", f"more than {MAX_ROWS:,} rows")], len(body), encoding
    readings: list[_Row] = []
    seen: dict[tuple[UUID, date], int] = {}
    for done, (line, cells) in enumerate(body, start=1):

        def cell(name: str, cells: list[str] = cells) -> str:
            index = columns.get(name)
            return (
                unicodedata.normalize("NFKC", cells[index]).strip()
                if index is not None and index < len(cells)
                else ""
            )

        key = (cell("building"), cell("entrance"), cell("room"))
        home = homes.get(key)
        ok = True
        if not key[0] or not key[2]:
            problems.append(RegisterProblem("missing_home", "building and room are required", row=line))
            ok = False
        elif home is None:
            where = "-".join(k for k in key if k)
            problems.append(
                RegisterProblem("unknown_home", f"no home {where} in the estate", row=line, field="room")
            )
            ok = False
        read_on = _date(cell("read_on"))
        if read_on is None:
            problems.append(
                RegisterProblem(
                    "bad_date", f"{cell('read_on')!r} is not a date (YYYY-MM-DD)", row=line, field="read_on"
                )
            )
            ok = False
        elif read_on > today:
            problems.append(
                RegisterProblem("future_date", f"{read_on} is in the future", row=line, field="read_on")
            )
            ok = False
        try:
            reading = parse_hundredths(cell("reading"))
            if reading > MAX_READING:
                raise ValueError("too large")
        except ValueError:
            problems.append(
                RegisterProblem(
                    "bad_reading",
                    f"{cell('reading')!r} is not a meter reading in m³ (at most two decimals, not negative)",
                    row=line,
                    field="reading",
                )
            )
            ok = False
        if ok:
            assert home is not None and read_on is not None
            earlier = seen.get((home, read_on))
            if earlier is not None:
                problems.append(
                    RegisterProblem(
                        "duplicate_reading", "the same home and day twice", row=line, other_row=earlier
                    )
                )
            else:
                seen[(home, read_on)] = line
                readings.append(_Row(line, home, read_on, reading))
        if progress and (done % 5000 == 0 or done == len(body)):
            progress("read", done, len(body))
    return readings, problems, len(body), encoding


def _backwards(rows: list[_Row], stored: list[asyncpg.Record]) -> tuple[list[RegisterProblem], int, int]:
    """Problems of meters that run backwards, and (updated, unchanged) counts against the stored readings."""
    by_home: dict[UUID, dict[date, tuple[int, int | None]]] = defaultdict(dict)  # day -> (reading, line)
    for r in stored:
        by_home[r["home_id"]][r["read_on"]] = (r["reading"], None)
    updated = unchanged = 0
    for row in rows:
        before = by_home[row.home_id].get(row.read_on)
        if before is not None:
            if before[0] == row.reading:
                unchanged += 1
            else:
                updated += 1
        by_home[row.home_id][row.read_on] = (row.reading, row.line)
    problems: list[RegisterProblem] = []
    for days in by_home.values():
        ordered = sorted(days.items())
        for (day_a, (a, line_a)), (day_b, (b, line_b)) in itertools.pairwise(ordered):
            if b < a and (line_a is not None or line_b is not None):
                line = line_b if line_b is not None else line_a
                problems.append(
                    RegisterProblem(
                        "meter_backwards",
                        f"{b / 100:.2f} m³ on {day_b} is less than {a / 100:.2f} m³ on {day_a}",
                        row=line,
                        field="reading",
                        other_row=line_a if line == line_b else None,
                    )
                )
    return problems, updated, unchanged


async def import_readings(
    conn: asyncpg.Connection,
    fee_item_id: UUID,
    raw: bytes,
    *,
    file_name: str,
    dry_run: bool = False,
    actor_label: str = "",
    today: date,
    progress: Progress | None = None,
) -> ReadingImportReport:
    """Check a readings file for a water fee item and, unless refused or a dry run, store its readings.
    ``today`` is the city's date: a reading of a later day is refused."""
    item = await store.get_fee_item(conn, fee_item_id, lock=True)
    if item is None:
        raise FeeItemNotFound(f"no fee item {fee_item_id}")
    if item["kind"] != "water":
        raise InvalidFeeItem(
            "meter readings belong to a water item",
            fields=[{"field": "fee_item_id", "code": "invalid_fee_item"}],
        )
    estate_id: UUID = item["estate_id"]
    homes = {
        (r["building"], r["entrance"], r["room"]): r["id"] for r in await store.home_keys(conn, estate_id)
    }
    # decoding, openpyxl and checking 200,000 rows are seconds of CPU: off the event loop, as the register's
    rows, problems, total, encoding = await asyncio.to_thread(_parse, raw, homes, today, progress)
    updated = unchanged = 0
    if rows:  # the valid rows are checked against the stored readings even when others are refused
        stored = await store.readings_around(conn, fee_item_id, sorted({r.home_id for r in rows}))
        backwards, updated, unchanged = _backwards(rows, stored)
        problems += backwards
    problems.sort(key=lambda p: (p.row or 0, p.field or ""))
    outcome: Outcome = "refused" if problems else "dry_run" if dry_run else "imported"
    import_id: UUID = await conn.fetchval("SELECT uuid_generate_v7()")
    sha = hashlib.sha256(raw).hexdigest()
    created = len(rows) - updated - unchanged if not problems else 0
    counts = {"rows": total, "created": created, "updated": updated, "unchanged": unchanged}
    await store.insert_reading_import(
        conn,
        {
            "id": import_id,
            "estate_id": estate_id,
            "fee_item_id": fee_item_id,
            "file_name": file_name,
            "sha256": sha,
            "encoding": encoding,
            "outcome": outcome,
            "counts": counts,
            "problems": msgspec.to_builtins(problems[:MAX_PROBLEMS_KEPT]),
            "problem_count": len(problems),
            "actor_label": actor_label,
        },
    )
    if outcome == "imported":
        async with (
            conn.transaction()
        ):  # a savepoint: all or nothing even if the caller goes on after an error
            await store.upsert_readings(
                conn,
                fee_item_id,
                import_id,
                [r.home_id for r in rows],
                [r.read_on for r in rows],
                [r.reading for r in rows],
            )
        if progress:
            progress("write", 1, 1)
    report = ReadingImportReport(
        id=import_id,
        estate_id=estate_id,
        fee_item_id=fee_item_id,
        file_name=file_name,
        sha256=sha,
        format="xlsx" if is_xlsx(raw) else "csv",
        encoding=encoding,
        outcome=outcome,
        dry_run=dry_run,
        rows=total,
        created=created,
        updated=updated if not problems else 0,
        unchanged=unchanged if not problems else 0,
        problems=problems[:MAX_PROBLEMS_KEPT],
        problems_total=len(problems),
    )
    if problems:
        raise ReadingImportRefused(
            f"the readings were refused: {len(problems)} problem(s); nothing was imported",
            report=report,
            import_id=str(import_id),
            problems_total=len(problems),
            problems=msgspec.to_builtins(problems[:MAX_PROBLEMS_KEPT]),
        )
    return report


def refused_report(exc: ReadingImportRefused) -> ReadingImportReport:
    assert isinstance(exc.report, ReadingImportReport)
    return exc.report


def audit_details(report: ReadingImportReport) -> dict[str, Any]:
    keep = ("file_name", "sha256", "outcome", "rows", "created", "updated")
    return {
        **{k: getattr(report, k) for k in keep},
        "fee_item_id": str(report.fee_item_id),
        "problems": report.problems_total,
    }


def describe(report: ReadingImportReport, max_lines: int = 200) -> str:
    read_as = "xlsx" if report.format == "xlsx" else f"csv, {report.encoding or 'unreadable'}"
    head = f"{report.file_name} ({read_as}, sha256 {report.sha256[:12]}): "
    if report.outcome == "refused":
        lines = [
            head
            + f"REFUSED, {report.problems_total} problem(s) in {report.rows} row(s); nothing was imported"
        ]
        for p in report.problems[:max_lines]:
            where = f"line {p.row}" if p.row is not None else "file"
            lines.append(f"  {where}{f' [{p.field}]' if p.field else ''}: {p.problem}: {p.detail}")
        if report.problems_total > max_lines:
            lines.append(f"  ... and {report.problems_total - max_lines} more (import log {report.id})")
        return "\n".join(lines)
    return "\n".join(
        [
            head + ("checked (dry run, nothing written)" if report.dry_run else "imported"),
            f"  rows {report.rows:,}: readings created {report.created:,}, updated {report.updated:,}, "
            f"unchanged {report.unchanged:,}",
            f"  import log {report.id}",
        ]
    )
