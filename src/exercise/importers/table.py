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
import re
import zipfile
from pathlib import Path
from typing import Any

import attrs

from exercise.importers.problems import ImportFailed, Notice, fail
from exercise.text import FORMULA_STARTS

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
    #: The text encoding of a CSV file ("UTF-8", "Windows-1252, behind a UTF-8 ...").
    encoding: str = ""
    #: What a row is called in messages: "row" in a sheet, "item" in a JSON list.
    row_word: str = "row"

    @property
    def label(self) -> str:
        if self.name:
            return (
                f"{self.file} ({self.name})"
                if self.row_word == "item"
                else (f"{self.file} (sheet {self.name!r})")
            )
        return self.file


def read_csv_bytes(data: bytes, file: str) -> Sheet:
    """Decode and parse CSV (or TSV) bytes; the delimiter is worked out from the rows."""
    notices: list[Notice] = []
    if not data.strip():
        raise fail(
            file,
            "the file is empty" if not data else "the file holds only blank space",
            "export the MSEL again, with its header row",
        )
    text, encoding = decode(data, file, notices)
    text = text.replace("\x00", "")
    if not text.strip():
        raise fail(file, "the file holds no text", "export the MSEL again, with its header row")
    delimiter = _delimiter(text)
    rows: list[tuple[int, list[Any]]] = []
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        for number, record in enumerate(reader, start=1):
            if number > MAX_ROWS:
                raise fail(file, f"more than {MAX_ROWS:,} rows", "split the MSEL")
            rows.append((number, [_unguarded(v) for v in record]))
    except csv.Error as exc:
        raise fail(
            file, f"not a readable CSV file: {exc}", "save it again as CSV (UTF-8)"
        ) from None
    return Sheet(file, "", rows, notices, encoding)


def _unguarded(value: str) -> str:
    """A field without the ``'`` that keeps spreadsheet programs from running it as a
    formula (``'+00:30`` is ``+00:30``), as ``exercise export-msel`` writes them."""
    rest = value[1:]
    if value[:1] == "'" and (rest[:1] in _GUARDED or (rest[:1] == "'" and rest[1:2] in _GUARDED)):
        return rest
    return value


_GUARDED = set(FORMULA_STARTS)


def read_csv(path: Path, file: str) -> Sheet:
    return read_csv_bytes(_read_bytes(path, file), file)


def _read_bytes(path: Path, file: str) -> bytes:
    return read_limited(path, file)


def read_limited(path: Path, file: str) -> bytes:
    """The bytes of a regular file of at most :data:`MAX_BYTES` (a device or FIFO, which
    could block or never end, is refused unread)."""
    try:
        if not path.exists():
            raise fail(file, "no such file", "check the path")
        if not path.is_file():
            raise fail(file, "is not a regular file", "import a CSV, XLSX, JSON or zip file")
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise fail(file, f"file is {size:,} bytes, over the {MAX_BYTES:,}-byte limit")
        with path.open("rb") as fh:
            data = fh.read(MAX_BYTES + 1)
    except OSError as exc:
        raise fail(file, f"cannot read the file: {exc.strerror or exc}") from None
    if len(data) > MAX_BYTES:  # it grew while being read
        raise fail(file, f"file is over the {MAX_BYTES:,}-byte limit")
    return data


#: Most bytes the parts of an XLSX workbook may unpack to, together.
MAX_UNPACKED = 100 * 1024 * 1024


def _check_unpacked(path: Path, file: str) -> None:
    """Refuse a workbook whose parts unpack to more than :data:`MAX_UNPACKED` bytes (a
    zip bomb): the sizes are read from the zip's directory, and zipfile never unpacks an
    entry past the size its directory gives."""
    try:
        with zipfile.ZipFile(path) as z:
            total = sum(i.file_size for i in z.infolist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return  # openpyxl's own refusal names the damage
    if total > MAX_UNPACKED:
        raise fail(
            file,
            f"the workbook unpacks to {total:,} bytes, over the {MAX_UNPACKED:,}-byte limit",
            "an MSEL this large is not a spreadsheet a planner wrote: check the file, or "
            "save it again as CSV",
        )


#: Byte-order marks, longest first (UTF-32's LE mark begins with UTF-16's).
_BOMS = (
    (b"\x00\x00\xfe\xff", "utf-32-be", "UTF-32"),
    (b"\xff\xfe\x00\x00", "utf-32-le", "UTF-32"),
    (b"\xef\xbb\xbf", "utf-8", "UTF-8"),
    (b"\xff\xfe", "utf-16-le", "UTF-16"),
    (b"\xfe\xff", "utf-16-be", "UTF-16"),
)
_NAMES = {
    "utf_8": "UTF-8",
    "ascii": "UTF-8",
    "utf_16": "UTF-16",
    "utf_16_le": "UTF-16",
    "utf_16_be": "UTF-16",
    "utf_32": "UTF-32",
    "cp1252": "Windows-1252",
    "latin_1": "Latin-1",
    "mac_roman": "Mac Roman",
}
#: Single-byte encodings of Latin scripts: named Windows-1252 when they read the bytes alike.
_LATIN = {"cp1250", "cp1252", "cp1254", "cp1257", "latin_1", "iso8859_15", "iso8859_2", "mac_roman"}


def encoding_name(codec: str) -> str:
    """A codec's name as people know it: utf_8 -> UTF-8, cp1252 -> Windows-1252."""
    norm = codec.lower().replace("-", "_")
    if norm in _NAMES:
        return _NAMES[norm]
    m = re.fullmatch(r"cp(125\d)", norm)
    if m:
        return f"Windows-{m.group(1)}"
    m = re.fullmatch(r"iso8859_(\d+)", norm)
    if m:
        return f"ISO-8859-{m.group(1)}"
    return norm.upper().replace("_", "-")


def decode(data: bytes, file: str, notices: list[Notice]) -> tuple[str, str]:
    """Text of ``data`` and the name of its encoding.

    A byte-order mark (UTF-8, UTF-16, UTF-32) is removed whatever follows it; the bytes
    after it are read in the mark's encoding when they are valid in it, else in the
    encoding detected (a Windows-1252 file saved behind a UTF-8 mark). Without a mark,
    UTF-8 is tried first, then the encoding detected by charset-normalizer."""
    bom_name = ""
    for mark, codec, name in _BOMS:
        if data.startswith(mark):
            data = data[len(mark) :]
            try:
                return data.decode(codec), name
            except UnicodeDecodeError:
                bom_name = name
                break
    if not bom_name:
        try:
            return data.decode("utf-8"), "UTF-8"
        except UnicodeDecodeError:
            pass
    text, name = _detect(data)
    if text is None:
        raise fail(
            file,
            "not a readable text file (no text encoding fits its bytes)",
            "save it again as CSV (UTF-8)",
        )
    behind = f", behind a {bom_name} byte-order mark" if bom_name else ""
    notices.append(
        Notice(
            file,
            f"not {bom_name or 'UTF-8'}: read as {name}{behind}; check accented letters "
            "(save as UTF-8)",
        )
    )
    return text, name + behind


def _detect(data: bytes) -> tuple[str | None, str]:
    from charset_normalizer import from_bytes  # imported here: only CSV imports need it

    best = from_bytes(data).best()
    if best is not None:
        codec = best.encoding
        try:
            text = data.decode(codec)
        except (UnicodeDecodeError, LookupError):
            text = None
        if text is not None:
            if codec in _LATIN and codec != "cp1252":
                try:
                    if data.decode("cp1252") == text:
                        return text, "Windows-1252"
                except UnicodeDecodeError:
                    pass
            return text, encoding_name(codec)
    try:
        return data.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "Latin-1"


def _delimiter(text: str) -> str:
    """The delimiter that splits the most of the first records into equal numbers of
    fields (commas win ties)."""
    sample = text[:65536]
    best, best_score = ",", (-1, 0)
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
        # the most cells in records of one length: 6 records of 18 fields beat 10 records
        # of 2 that a ";" inside the text splits off
        score = max(((n * length, length) for length, n in counts.items()), default=(0, 0))
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
    _check_unpacked(path, file)
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
