"""Spreadsheets (CSV, XLSX) read into plain rows of cell values.

Rows keep the numbers a spreadsheet program shows, so that problems can name them. XLSX
cells keep their types (numbers, dates, times); CSV cells are text. A value merged over
several rows is copied down into each of them (a recipient merged over three injects
applies to all three); a value merged across columns stays in its first column, so a
banner row merged across the sheet reads as a single-cell section heading.
"""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path
from typing import Any

import attrs

from exercise.importers.problems import ImportFailed, Notice, fail

#: Most bytes of a CSV file read, and most rows of a sheet.
MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 20_000
_DELIMITERS = (",", ";", "\t", "|")


@attrs.define
class Sheet:
    """One table: ``rows`` holds (row number, cell values), blank rows included."""

    file: str
    name: str
    rows: list[tuple[int, list[Any]]]
    notices: list[Notice] = attrs.Factory(list)

    @property
    def label(self) -> str:
        return f"{self.file} (sheet {self.name!r})" if self.name else self.file


def read_csv_bytes(data: bytes, file: str) -> Sheet:
    """Decode and parse CSV (or TSV) bytes; the delimiter is worked out from the rows."""
    notices: list[Notice] = []
    text = _decode(data, file, notices)
    text = text.replace("\x00", "")
    delimiter = _delimiter(text)
    rows: list[tuple[int, list[Any]]] = []
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        for number, record in enumerate(reader, start=1):
            if number > MAX_ROWS:
                raise fail(file, f"more than {MAX_ROWS:,} rows", "split the MSEL")
            rows.append((number, list(record)))
    except csv.Error as exc:
        raise fail(
            file, f"not a readable CSV file: {exc}", "save it again as CSV (UTF-8)"
        ) from None
    return Sheet(file, "", rows, notices)


def read_csv(path: Path, file: str) -> Sheet:
    return read_csv_bytes(_read_bytes(path, file), file)


def _read_bytes(path: Path, file: str) -> bytes:
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise fail(file, f"file is {size:,} bytes, over the {MAX_BYTES:,}-byte limit")
        return path.read_bytes()
    except OSError as exc:
        raise fail(file, f"cannot read the file: {exc.strerror or exc}") from None


def _decode(data: bytes, file: str, notices: list[Notice]) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise fail(file, "not a readable UTF-16 text file", "save it as CSV (UTF-8)") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1252")
        encoding = "Windows-1252"
    except UnicodeDecodeError:
        text = data.decode("latin-1")
        encoding = "Latin-1"
    notices.append(
        Notice(file, f"not UTF-8: read as {encoding}; check accented letters (save as UTF-8)")
    )
    return text


def _delimiter(text: str) -> str:
    """The delimiter that splits the most of the first records into equal numbers of
    fields (commas win ties)."""
    sample = text[:65536]
    best, best_score = ",", -1
    for d in _DELIMITERS:
        if d not in sample:
            continue
        counts: dict[int, int] = {}
        try:
            for i, record in enumerate(csv.reader(io.StringIO(sample, newline=""), delimiter=d)):
                if i >= 60:
                    break
                if len(record) > 1:
                    counts[len(record)] = counts.get(len(record), 0) + 1
        except csv.Error:
            continue
        score = max(counts.values(), default=0)
        if score > best_score:
            best, best_score = d, score
    return best


def read_xlsx(path: Path, file: str) -> list[Sheet]:
    """Every worksheet of an XLSX workbook (values, not formulas)."""
    try:
        import openpyxl  # imported here: only XLSX imports need it
    except ImportError:  # pragma: no cover - a dependency
        raise fail(file, "reading XLSX needs openpyxl", "pip install openpyxl") from None
    _read_bytes(path, file)  # size check
    try:
        book = openpyxl.load_workbook(path, data_only=True, read_only=False)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError, AttributeError) as exc:
        raise fail(
            file,
            f"not a readable XLSX workbook ({type(exc).__name__}: {exc})",
            "save it again from your spreadsheet program as .xlsx, or as CSV",
        ) from None
    except Exception as exc:  # openpyxl raises many kinds on damaged files
        raise fail(
            file,
            f"not a readable XLSX workbook ({type(exc).__name__})",
            "save it again from your spreadsheet program as .xlsx, or as CSV",
        ) from None
    sheets = []
    try:
        for ws in book.worksheets:
            sheets.append(_sheet(ws, file))
    finally:
        book.close()
    if not sheets:
        raise fail(file, "the workbook has no worksheets")
    return sheets


def _sheet(ws: Any, file: str) -> Sheet:
    last = min(ws.max_row or 0, MAX_ROWS)
    if (ws.max_row or 0) > MAX_ROWS and any(
        v is not None for row in ws.iter_rows(min_row=MAX_ROWS + 1, values_only=True) for v in row
    ):
        raise fail(file, f"sheet {ws.title!r} has more than {MAX_ROWS:,} rows", "split the MSEL")
    rows: list[tuple[int, list[Any]]] = []
    for number, values in enumerate(ws.iter_rows(min_row=1, max_row=last, values_only=True), 1):
        rows.append((number, list(values)))
    for rng in ws.merged_cells.ranges:
        top, left, bottom = rng.min_row, rng.min_col, rng.max_row
        if top > last or bottom == top:
            continue
        value = rows[top - 1][1][left - 1] if left - 1 < len(rows[top - 1][1]) else None
        for r in range(top + 1, min(bottom, last) + 1):
            cells = rows[r - 1][1]
            while len(cells) < left:
                cells.append(None)
            cells[left - 1] = value
    return Sheet(file, str(ws.title), rows)


def is_xlsx(data: bytes) -> bool:
    """A zip file holding an Office Open XML workbook."""
    if not data.startswith(b"PK"):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            names = set(z.namelist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):
        return False
    return "[Content_Types].xml" in names and any(n.startswith("xl/") for n in names)


__all__ = [
    "MAX_ROWS",
    "ImportFailed",
    "Sheet",
    "is_xlsx",
    "read_csv",
    "read_csv_bytes",
    "read_xlsx",
]
