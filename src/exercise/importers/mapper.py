"""OpenAEV (OpenBAS) XLS mappers → a :class:`~exercise.importers.mapping.Mapping`.

OpenAEV imports injects from spreadsheets with no header row: a *mapper* names the
column (by letter) whose value says what kind of inject a row is
(``import_mapper_inject_type_column``), and for each kind (``import_mapper_inject_importers``:
a pattern ``inject_importer_type_value`` matched against that column) the columns of its
attributes (``inject_importer_rule_attributes``: ``rule_attribute_name`` and
``rule_attribute_columns``, such as ``title`` → ``B`` or ``trigger_time`` → ``C``).

A mapper exported from OpenAEV as JSON is given with ``--map``; it becomes a mapping with
``header_row: 0``, the columns by letter, and ``rows`` keeping only the rows whose type
column matches one of the patterns. What has no equivalent (injector contracts, default
values, expectation scores, time patterns) is listed.
"""

from __future__ import annotations

import json
from typing import Any

from exercise.importers.mapping import Mapping
from exercise.importers.problems import ImportFailed, RowProblem, fail
from exercise.importers.text import counted

#: OpenAEV rule attributes and the field each fills.
ATTRIBUTES = {
    "title": "title",
    "description": "body",
    "subject": "body",
    "body": "body",
    "message": "body",
    "content": "body",
    "trigger_time": "time",
    "teams": "to",
    "expectation_name": "expects",
    "expectation_description": "expects",
}


def is_mapper(doc: Any) -> bool:
    items = doc if isinstance(doc, list) else [doc]
    return bool(items) and all(
        isinstance(m, dict) and "import_mapper_inject_type_column" in m for m in items
    )


def read_mapper(data: bytes, file: str) -> Mapping:
    """The mapping an OpenAEV mapper export stands for (the first mapper of a list)."""
    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except (ValueError, RecursionError) as exc:  # ValueError: decoding, JSON, huge numbers
        raise fail(file, f"not a readable JSON mapper ({exc})") from None
    if not is_mapper(doc):
        raise fail(
            file,
            "not an OpenAEV XLS mapper (no import_mapper_inject_type_column)",
            "export the mapper from OpenAEV (Settings, Data ingestion, XLS mappers, Export) "
            "or write a YAML mapping file",
        )
    return mapper_mapping(doc[0] if isinstance(doc, list) else doc, file)


def mapper_mapping(mapper: dict[str, Any], file: str) -> Mapping:
    problems: list[RowProblem] = []
    remarks: list[str] = []

    def bad(where: str, message: str, hint: str = "") -> None:
        problems.append(RowProblem(file, 0, "", message, hint, where))

    type_column = mapper.get("import_mapper_inject_type_column")
    if not isinstance(type_column, str) or not _letters(type_column):
        bad(
            "import_mapper_inject_type_column",
            f"expected a column letter such as A, got {type_column!r}",
        )
        type_column = "A"
    patterns: list[str] = []
    columns: dict[str, list[str]] = {}
    importers = mapper.get("import_mapper_inject_importers")
    if not isinstance(importers, list) or not importers:
        bad("import_mapper_inject_importers", "the mapper has no inject importers")
        importers = []
    contracts = set()
    for i, importer in enumerate(importers):
        where = f"import_mapper_inject_importers[{i}]"
        if not isinstance(importer, dict):
            bad(where, "expected an object")
            continue
        pattern = importer.get("inject_importer_type_value")
        if not isinstance(pattern, str) or not pattern:
            bad(f"{where}.inject_importer_type_value", "expected the pattern of a type of inject")
        else:
            patterns.append(pattern)
        contract = importer.get("inject_importer_injector_contract")
        if contract:
            contracts.add(str(contract))
        attrs_ = importer.get("inject_importer_rule_attributes")
        for j, rule in enumerate(attrs_ if isinstance(attrs_, list) else []):
            rwhere = f"{where}.inject_importer_rule_attributes[{j}]"
            if not isinstance(rule, dict):
                bad(rwhere, "expected an object")
                continue
            name = rule.get("rule_attribute_name")
            cols = rule.get("rule_attribute_columns")
            default = rule.get("rule_attribute_default_value")
            if not isinstance(name, str):
                bad(f"{rwhere}.rule_attribute_name", "expected the name of an attribute")
                continue
            if default not in (None, ""):
                remarks.append(f"{name}: default value {str(default)!r} not applied")
            config = rule.get("rule_attribute_additional_config")
            if isinstance(config, dict):
                for k, v in config.items():
                    if v:
                        remarks.append(f"{name}: {k} {str(v)!r} not applied")
            if cols in (None, ""):
                continue
            if not isinstance(cols, str):
                bad(f"{rwhere}.rule_attribute_columns", f"expected column letters, got {cols!r}")
                continue
            letters = [c.strip() for c in cols.split("+") if c.strip()]
            wrong = [c for c in letters if not _letters(c)]
            if wrong:
                bad(
                    f"{rwhere}.rule_attribute_columns",
                    f"{cols!r} is not a column letter (or letters joined by +)",
                )
                continue
            field = ATTRIBUTES.get(name)
            if field is None:
                remarks.append(f"attribute {name!r} (column {cols}) has no equivalent: not read")
                continue
            if field == "time" and len(letters) > 1:
                _add(columns, "day", letters[0])
                for c in letters[1:]:
                    _add(columns, "time", c)
                continue
            for c in letters:
                _add(columns, field, c)
    if problems:
        raise ImportFailed(problems)
    if contracts:
        remarks.append(
            f"{counted(len(contracts), 'injector contract')} not known here: the channel is "
            "read from "
            f"the type column ({str(type_column).strip()}: Mail is email, SMS a message, ...)"
        )
    if "title" not in columns and "body" not in columns:
        raise fail(
            file,
            "the mapper maps no title or description column",
            "add a rule attribute 'title' with its column letter",
        )
    if "channel" not in columns:  # the kind of inject (Mail, SMS) says how it travels
        columns["channel"] = [type_column.strip()]
    name = mapper.get("import_mapper_name")
    described = (
        f"OpenAEV mapper{f' {name!r}' if isinstance(name, str) and name else ''} read as a "
        "mapping: header_row: 0, columns: {"
        + ", ".join(f"{f}: {'+'.join(c)}" for f, c in columns.items())
        + "}"
    )
    return Mapping(
        file=file,
        header_row=0,
        columns={f: tuple(c) for f, c in columns.items()},
        rows=(type_column.strip(), tuple(patterns)),
        remarks=(described, *dict.fromkeys(remarks)),
    )


def _letters(text: str) -> bool:
    t = text.strip()
    return 1 <= len(t) <= 2 and t.isascii() and t.isalpha() and t.isupper()


def _add(columns: dict[str, list[str]], field: str, letter: str) -> None:
    got = columns.setdefault(field, [])
    if letter not in got:
        got.append(letter)


__all__ = ["is_mapper", "mapper_mapping", "read_mapper"]
