"""Reading the rows of an uploaded table, CSV or XLSX: the owners register (housing/register.py) and the water meter
readings (housing/readings.py) share these rules.

A body starting with the zip magic (``PK\\x03\\x04``) is an XLSX workbook: its first sheet is read with openpyxl
(read-only, cached values of formulas), bounded by what it unpacks to. Anything else is CSV text: UTF-8 with or
without the BOM Excel writes, else GB18030 (a superset of GBK, what Excel writes on a Chinese Windows), else UTF-16
with its BOM (Excel's "Unicode text"); the separator is a comma, a semicolon or a tab, whichever the first line
uses most.
"""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from collections.abc import Callable, Iterator
from typing import Any, Final

ZIP_MAGIC: Final = b"PK\x03\x04"
MAX_UNPACKED_BYTES: Final = 200 * 1024 * 1024  # an XLSX is a zip: bound what it unpacks to


def is_xlsx(raw: bytes) -> bool:
    return raw.startswith(ZIP_MAGIC)


def decode_text(raw: bytes) -> tuple[str, str] | None:
    """(text, encoding name) of a CSV file: UTF-8 (with or without BOM), else GB18030, else UTF-16 with a BOM;
    None when none of them reads it whole."""
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return raw.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            return None
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        return text, "utf-8" if encoding == "utf-8-sig" else encoding
    return None


def csv_rows(text: str) -> Iterator[list[str]]:
    """The rows of CSV text; csv.Error on a malformed quote."""
    first_line = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first_line.count)
    yield from csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)


def cell_text(value: Any) -> str:
    """An XLSX cell as the text a person sees: 12 for 12.0 (Excel keeps every number as a float)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


def xlsx_rows(raw: bytes, cell: Callable[[Any], str] = cell_text) -> Iterator[list[str]]:
    """The rows of the workbook's first sheet, each cell's value (None, str, int, float, bool, datetime, ...)
    turned into text by `cell`. Whatever a broken workbook makes zipfile or openpyxl raise goes to the caller,
    on the first row read."""
    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        unpacked = sum(info.file_size for info in archive.infolist())
    if unpacked > MAX_UNPACKED_BYTES:
        raise ValueError(f"the workbook unpacks to more than {MAX_UNPACKED_BYTES // (1024 * 1024)} MB")
    import openpyxl  # 15 MB: loaded by the first workbook an API process reads, not at start

    workbook = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    try:
        sheet = workbook.worksheets[0]
        for values in sheet.iter_rows(values_only=True):
            yield [cell(v) for v in values]
    finally:
        workbook.close()
