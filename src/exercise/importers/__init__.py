"""MSELs in and out. In: spreadsheet MSELs (CSV, XLSX, OpenAEV XLS-mapper sheets), T3SF
and IcebergTTX JSON, OpenBAS/OpenAEV exports → the scenario format's YAML files. Out
(:mod:`exercise.importers.export`): a scenario's MSEL → XLSX/CSV in HSEEP columns, or an
OpenAEV scenario export. See docs/import.md.

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
