"""JSON lists of injects (T3SF's MSEL) → the rows of a sheet.

T3SF keeps its MSEL as a JSON list of objects, one per message, with the keys of its
spreadsheet columns: ``#``, ``Real Time`` (when the message goes out in real life),
``Date`` (the game time: ``Monday 9:30 AM``), ``Subject``, ``From``, ``Player``,
``Script``, ``Photo``, ``Picture Name``, ``Profile`` and ``Poll`` (``MIT | GPL``). The
list becomes a sheet whose header is the keys, read as any MSEL sheet is (see
:mod:`exercise.importers.msel`): a message sent to six players is six items, merged into
one inject to six cells; the real times give the clock ratio; polls become discussion
questions; the other keys go to the notes.
"""

from __future__ import annotations

import json
from typing import Any

from exercise.importers.problems import fail
from exercise.importers.table import MAX_ROWS, Sheet


def sheet_of_items(doc: list[Any], file: str) -> Sheet:
    """The sheet a JSON list of objects stands for: row 0 the keys, row N item N."""
    if not doc:
        raise fail(file, "the JSON list is empty: no injects", "export the MSEL again")
    if len(doc) > MAX_ROWS:
        raise fail(file, f"more than {MAX_ROWS:,} items", "split the MSEL")
    header: dict[str, None] = {}
    for i, item in enumerate(doc, 1):
        if not isinstance(item, dict):
            raise fail(
                file,
                f"item {i} is {type(item).__name__ if item is not None else 'null'}, not an "
                "object: a JSON MSEL is a list of objects (one per inject), as T3SF writes it",
            )
        for k in item:
            header.setdefault(str(k), None)
    keys = list(header)
    rows: list[tuple[int, list[Any]]] = [(0, keys)]
    for i, item in enumerate(doc, 1):
        rows.append((i, [_value(item.get(k)) for k in keys]))
    return Sheet(file, "T3SF JSON", rows, row_word="item")


def _value(v: Any) -> Any:
    if isinstance(v, dict | list):
        return json.dumps(v, ensure_ascii=False)
    return v


__all__ = ["sheet_of_items"]
