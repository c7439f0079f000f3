"""A scenario's MSEL out to a spreadsheet (XLSX, CSV) in HSEEP columns, or to an
OpenAEV scenario export.

The spreadsheet has a header row (frozen in XLSX) and one row per inject, in the columns
``exercise import`` reads back, so that a planner can edit the MSEL in a spreadsheet and
import it again with ``--scenario``: the same injects come back. What HSEEP columns
cannot hold is written in forms the importer reads:

* ``Triggered By``: ``INJ-001`` (released after it), ``INJ-001 +00:10`` (with a delay),
  ``met INJ-001``, ``missed INJ-001 by kgz-mod``, ``move warn by kgz-mod``;
* ``Expected Player Action``: the description, with ``Action Kind`` and ``Within``, when
  every recipient is expected to do the same; else one line per expected action,
  ``[cell] action within HH:MM to a, b: description``;
* ``Branches``: one ``INJ-007: when the players ...`` a line.

In CSV, a field starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a
leading ``'`` so that no spreadsheet program runs it as a formula; the importer removes
it again. XLSX cells are written as text, never as formulas.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path
from typing import Any

import attrs

from exercise.errors import ExerciseError
from exercise.importers.text import counted
from exercise.model import Channel, ExpectedAction, Inject, Scenario, Trigger
from exercise.model.timefmt import format_duration, format_offset
from exercise.text import FORMULA_STARTS

#: The columns written, in order (names as HSEEP templates give them).
COLUMNS = (
    "Event Number",
    "Scenario Time",
    "Event Synopsis",
    "Inject",
    "From / Originator",
    "To / Recipient / Player",
    "Method",
    "Expected Player Action",
    "Action Kind",
    "Within",
    "Objective / Core Capability",
    "Module",
    "Triggered By",
    "Branches",
    "Discussion Questions",
    "Contingency",
    "Public",
    "Controller Notes",
    "Source Grading",
    "Time Zone",
)
_FORMULA_START = FORMULA_STARTS
_FORMULA_CHARS = set(FORMULA_STARTS)


class ExportError(ExerciseError):
    """The MSEL cannot be written (the message says why, in one line)."""


def uniform_expects(inject: Inject) -> bool:
    """Whether every recipient, in order, is expected to do the same (one description,
    kind and window, no addressees): then the plain HSEEP columns hold them."""
    ex = inject.expects
    if not ex:
        return True
    first = ex[0]
    same = all(
        (e.action, e.within, e.to, e.description)
        == (first.action, first.within, (), first.description)
        for e in ex
    )
    plain = not first.description.startswith("[") and "\n[" not in first.description
    return same and plain and [e.cell for e in ex] == list(inject.to)


def expect_line(e: ExpectedAction) -> str:
    to = f" to {', '.join(e.to)}" if e.to else ""
    desc = f": {e.description}" if e.description else ""
    return f"[{e.cell}] {e.action} within {format_duration(e.within)}{to}{desc}"


def trigger_text(t: Trigger) -> str:
    name, value = t.condition
    text = value if name == "after" else f"{name} {value}"
    if name == "adjudicated" and t.outcome:
        text += " " + ",".join(t.outcome)
    if t.cell:
        text += f" by {t.cell}"
    if t.delay:
        text += f" {format_offset(t.delay)}"
    return text


def rows(scn: Scenario) -> list[list[str]]:
    """The header row and one row per inject, as text."""
    out = [list(COLUMNS)]
    for i in scn.msel:
        uniform = uniform_expects(i)
        first = i.expects[0] if i.expects else None
        if first is None:
            expects, kind, within = "", "", ""
        elif uniform:
            expects, kind, within = (
                first.description,
                first.action,
                format_duration(first.within),
            )
        else:
            expects, kind, within = "\n".join(expect_line(e) for e in i.expects), "", ""
        out.append(
            [
                i.id,
                format_offset(i.time) if i.time is not None else "",
                i.title,
                i.body,
                i.from_,
                ", ".join(i.to),
                i.channel.value,
                expects,
                kind,
                within,
                "; ".join(i.objectives),
                i.module or "",
                trigger_text(i.trigger) if i.trigger is not None else "",
                "\n".join(f"{b.inject}: {b.when}" for b in i.branches),
                "\n".join(i.questions),
                "yes" if i.contingency else "",
                "yes" if i.public else "",
                i.notes,
                i.grading,
                i.clock,
            ]
        )
    return out


def neutralised(value: str) -> str:
    """A CSV field no spreadsheet program reads as a formula."""
    if value.startswith(_FORMULA_START) or (value[:1] == "'" and value[1:2] in _FORMULA_CHARS):
        return "'" + value
    return value


def csv_text(table: Sequence[Sequence[str]]) -> str:
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, lineterminator="\r\n")
    for row in table:
        writer.writerow([neutralised(v) for v in row])
    return buf.getvalue()


def xlsx_bytes(table: Sequence[Sequence[str]], title: str) -> bytes:
    import openpyxl  # imported here: only XLSX exports need it
    from openpyxl.styles import Alignment, Font

    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "MSEL"
    for r, row in enumerate(table, 1):
        for c, value in enumerate(row, 1):
            cell = ws.cell(row=r, column=c)
            cell.value = value if value != "" else None
            if isinstance(value, str) and value:
                cell.data_type = "s"  # text, never a formula
                cell.alignment = Alignment(wrap_text=True, vertical="top")
            if r == 1:
                cell.font = Font(bold=True)
    ws.freeze_panes = "A2"
    widths = {"Event Synopsis": 40, "Inject": 60, "Expected Player Action": 45}
    for c, name in enumerate(table[0], 1):
        ws.column_dimensions[openpyxl.utils.get_column_letter(c)].width = widths.get(name, 18)
    book.properties.title = title
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


# --------------------------------------------------------------------- OpenAEV

#: The injector contracts every OpenAEV platform has (email, and manual actions).
EMAIL_CONTRACT = "138ad8f8-32f8-4a22-8114-aaa12322bd09"
MANUAL_CONTRACT = "d02e9132-b9d0-4daa-b3b1-4b9871f8472c"


@attrs.frozen
class OpenAEVExport:
    document: dict[str, Any]
    #: What the export could not carry, one line each.
    lost: tuple[str, ...]


def openaev(scn: Scenario) -> OpenAEVExport:
    """The scenario as an OpenAEV scenario export (the JSON of its zip)."""
    lost: list[str] = []
    players = [c for c in scn.cells if c.side.value != "white"]
    teams = [
        {
            "team_id": c.id,
            "team_name": c.name,
            "team_description": c.role,
            "team_contextual": True,
            "team_users": [],
            "team_tags": [],
        }
        for c in scn.cells
    ]
    when = _times(scn)
    injects = []
    unsaid: list[str] = []
    for i in scn.msel:
        email = i.channel is Channel.EMAIL
        content: dict[str, Any] = {"expectations": _expectations(i)}
        if email:
            content.update(subject=i.title, body=i.body)
        item: dict[str, Any] = {
            "inject_id": i.id,
            "inject_title": i.title,
            "inject_description": i.body if not email else "",
            "inject_country": None,
            "inject_city": None,
            "inject_depends_on": [],
            "inject_tags": [],
            "inject_documents": [],
            "inject_depends_duration": int(when.get(i.id, timedelta(0)).total_seconds()),
            "inject_enabled": not i.contingency,
            "inject_teams": list(i.to),
            "inject_all_teams": bool(players) and set(i.to) == {c.id for c in players},
            "inject_content": content,
            "inject_injector_contract": {
                "injector_contract_id": EMAIL_CONTRACT if email else MANUAL_CONTRACT,
                "injector_contract_injector_type": "openbas_email" if email else "openbas_manual",
            },
        }
        trig = i.trigger
        if trig is not None:
            name, parent = trig.condition
            if name in ("move", "adjudicated"):
                lost.append(
                    f"{i.id}: released on a move ({trigger_text(trig)}): OpenAEV has no such "
                    "trigger; exported at the time its window would open"
                )
            else:
                value = name != "missed"
                key = "Execution" if name == "after" else "Manual"
                item["inject_depends_on"] = [
                    {
                        "dependency_relationship": {
                            "inject_parent_id": parent,
                            "inject_children_id": i.id,
                        },
                        "dependency_condition": {
                            "mode": "and",
                            "conditions": [{"key": key, "operator": "eq", "value": value}],
                        },
                    }
                ]
                if trig.cell:
                    lost.append(f"{i.id}: the trigger's cell {trig.cell!r} is not exported")
        if i.branches:
            lost.append(f"{i.id}: {len(i.branches)} branch(es) not exported (no equivalent)")
        if i.questions or i.objectives or i.notes or (i.from_ and not email):
            unsaid.append(i.id)
        injects.append(item)
    if unsaid:
        lost.append(
            f"{counted(len(unsaid), 'inject')} "
            f"({', '.join(unsaid[:5])}{' ...' if len(unsaid) > 5 else ''})"
            ": discussion questions, objectives, controller notes and senders other than "
            "email senders have no place in OpenAEV"
        )
    if scn.modules:
        lost.append(f"{counted(len(scn.modules), 'module')} not exported (no equivalent)")
    doc = {
        "export_version": 1,
        "scenario_information": {
            "scenario_id": scn.id,
            "scenario_name": scn.title,
            "scenario_subtitle": scn.summary,
            "scenario_description": scn.briefing,
            # OpenAEV reads every one of these keys (null when unset)
            "scenario_category": None,
            "scenario_main_focus": None,
            "scenario_message_header": None,
            "scenario_message_footer": None,
            "scenario_mail_from": None,
            "scenario_tags": [],
        },
        "scenario_teams": teams,
        "scenario_objectives": [
            {
                "objective_id": o.id,
                "objective_title": o.title,
                "objective_description": o.capability,
                "objective_priority": 0,
            }
            for o in scn.objectives
        ],
        "scenario_users": [],
        "scenario_injects": injects,
    }
    return OpenAEVExport(doc, tuple(dict.fromkeys(lost)))


def _expectations(i: Inject) -> list[dict[str, Any]]:
    out = []
    seen = set()
    for e in i.expects:
        k = (e.action, e.description, e.within)
        if k in seen:
            continue
        seen.add(k)
        out.append(
            {
                "expectation_type": "MANUAL",
                "expectation_name": e.description.split("\n", 1)[0][:255] or e.action,
                "expectation_description": e.action,
                "expectation_score": 100,
                "expectation_expectation_group": False,
                "expectation_expiration_time": int(e.within.total_seconds()),
            }
        )
    return out


def _times(scn: Scenario) -> dict[str, timedelta]:
    """When each inject would go out: its time, or its parent's plus the delay."""
    out: dict[str, timedelta] = {i.id: i.time for i in scn.msel if i.time is not None}
    by_id = {i.id: i for i in scn.msel}
    for _ in range(len(scn.msel)):
        changed = False
        for i in scn.msel:
            if i.id in out or i.trigger is None:
                continue
            name, parent = i.trigger.condition
            if name in ("move", "adjudicated"):
                out[i.id] = i.trigger.delay
                changed = True
            elif parent in out:
                extra = timedelta(0)
                if name in ("met", "missed"):
                    windows = [e.within for e in by_id[parent].expects] if parent in by_id else []
                    extra = max(windows, default=timedelta(0)) if name == "missed" else extra
                out[i.id] = out[parent] + extra + i.trigger.delay
                changed = True
        if not changed:
            break
    return out


def openaev_bytes(export: OpenAEVExport, path: Path) -> bytes:
    text = json.dumps(export.document, ensure_ascii=False, indent=2).encode("utf-8")
    if path.suffix.lower() != ".zip":
        return text
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        info = zipfile.ZipInfo(f"{path.stem}.json")
        info.comment = b"Scenario"
        info.compress_type = zipfile.ZIP_DEFLATED
        z.writestr(info, text)
    return buf.getvalue()


def write(scn: Scenario, path: Path, form: str = "hseep") -> tuple[bytes, tuple[str, ...]]:
    """The bytes of the export to ``path`` and what it could not carry."""
    suffix = path.suffix.lower()
    if form == "openaev":
        if suffix not in (".json", ".zip"):
            raise ExportError("an OpenAEV export is a .json or .zip file")
        export = openaev(scn)
        return openaev_bytes(export, path), export.lost
    table = rows(scn)
    if suffix == ".csv":
        return csv_text(table).encode("utf-8"), ()
    if suffix in (".xlsx", ".xlsm"):
        return xlsx_bytes(table, scn.title), ()
    raise ExportError(
        f"cannot write {suffix or 'a file without an extension'}: write .xlsx or .csv "
        "(or .json/.zip with --format openaev)"
    )


__all__ = [
    "COLUMNS",
    "ExportError",
    "csv_text",
    "openaev",
    "rows",
    "uniform_expects",
    "write",
    "xlsx_bytes",
]
