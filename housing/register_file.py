"""Reading and checking an estate's owners register (业主名册), a CSV or XLSX file: no database.

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

What an accepted file does to the estate is housing/register.py's.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Final

import msgspec

from housing.areas import BadArea, counted_area, parse_area
from housing.models import RegisterFormat, RegisterProblem
from housing.sheets import csv_rows, decode_text, is_xlsx, xlsx_rows
from identity.errors import InvalidPhone
from identity.phone import normalize_phone

#: progress(phase, done, total): phases "read", "check", "write", in that order
Progress = Callable[[str, int, int], None]

MAX_FILE_BYTES: Final = 20 * 1024 * 1024
MAX_ROWS: Final = 100_000
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
