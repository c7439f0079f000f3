"""Importers: spreadsheet MSELs (CSV, XLSX) and OpenBAS/OpenAEV scenario exports → the
scenario format's YAML files. See docs/import.md.

:func:`import_file` reads an input into a :class:`Draft`; :func:`run` performs a whole
``exercise import`` (render, check with the loader, write). Bad input raises
:class:`ImportFailed` listing every problem, each with its row and column; what could not
be mapped is kept as :class:`Notice` entries, printed and written as comments.
"""

from exercise.importers.draft import Context, Draft
from exercise.importers.mapping import Mapping, read_mapping
from exercise.importers.pipeline import Request, Result, import_file, import_text, run, stub_path
from exercise.importers.problems import ImportFailed, Notice, RowProblem

__all__ = [
    "Context",
    "Draft",
    "ImportFailed",
    "Mapping",
    "Notice",
    "Request",
    "Result",
    "RowProblem",
    "import_file",
    "import_text",
    "read_mapping",
    "run",
    "stub_path",
]
