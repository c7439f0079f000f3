"""docs/events.md lists exactly the event classes, each with exactly its payload keys."""

from __future__ import annotations

import re

import attrs

from exercise.model import events as ev
from exercise.model.codec import encode

from ..conftest import ROOT


def _rows() -> dict[str, tuple[str, list[str]]]:
    """type -> (class name, payload keys) from the table in docs/events.md."""
    rows = {}
    for line in (ROOT / "docs" / "events.md").read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 4 or not re.fullmatch(r"`[a-z_]+\.[a-z_]+`", cells[0]):
            continue
        keys = re.findall(r"`([a-z_]+)`(?![^(]*\))", cells[2])  # not the values in (...)
        rows[cells[0].strip("`")] = (cells[1].strip("`"), keys)
    return rows


def _stored_keys(cls: type[ev.EventData]) -> list[str]:
    """The payload keys of ``cls``: every field, under its stored name."""
    names = []
    for f in attrs.fields(cls):
        names.append("from" if f.name == "from_" else f.name)
    return names


def test_the_table_lists_every_event_class_and_nothing_else() -> None:
    rows = _rows()
    assert sorted(rows) == sorted(ev.EVENT_TYPES)
    for type_, (name, keys) in rows.items():
        cls = ev.EVENT_TYPES[type_]
        assert name == cls.__name__, type_
        assert keys == _stored_keys(cls), type_


def test_stored_keys_are_the_encoded_keys() -> None:
    sample = ev.InjectAdded("X", from_="press")
    assert list(encode(sample)) == _stored_keys(ev.InjectAdded)
