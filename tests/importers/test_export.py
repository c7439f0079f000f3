"""``exercise export-msel``: the MSEL out to XLSX/CSV in HSEEP columns and back again to
the same injects (every shipped scenario, and generated ones), and out to OpenAEV."""

from __future__ import annotations

import csv
import io
import json
import shutil
import tempfile
import zipfile
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import attrs
import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exercise.cli.main import main
from exercise.importers import Context
from exercise.importers.export import COLUMNS, csv_text, neutralised, rows, xlsx_bytes
from exercise.importers.msel import import_sheets
from exercise.importers.openbas import import_export
from exercise.importers.table import read_csv_bytes, read_xlsx
from exercise.model import (
    Branch,
    Cell,
    Channel,
    ExpectedAction,
    Inject,
    Module,
    MoveKind,
    Objective,
    Scenario,
    Side,
    Trigger,
)
from exercise.scenario import load_scenario
from exercise.scenario.translations import is_translation_file

ROOT = Path(__file__).parents[2]
SHIPPED = sorted(
    p for p in (ROOT / "scenarios").glob("*.yaml") if not is_translation_file(p)
)  # NAME.ru.yaml beside NAME.yaml is a translation, not a scenario


def _project(tmp: Path) -> Path:
    for name in ("scenarios", "injects", "rules"):
        shutil.copytree(ROOT / name, tmp / name)
    return tmp


@pytest.mark.parametrize("suffix", ["xlsx", "csv"])
@pytest.mark.parametrize("scenario", SHIPPED, ids=lambda p: p.stem)
def test_shipped_scenarios_go_out_and_back_unchanged(
    work: Path, capsys: pytest.CaptureFixture[str], scenario: Path, suffix: str
) -> None:
    _project(work)
    rel = f"scenarios/{scenario.name}"
    before = load_scenario(work / rel)
    assert main(["export-msel", rel, "-o", f"msel.{suffix}"]) == 0
    assert capsys.readouterr().out == f"wrote msel.{suffix}: MSEL, {len(before.msel)} injects\n"
    files = before.inject_files
    assert len(files) == 1
    target = (work / "scenarios" / files[0]).resolve().relative_to(work)
    args = ["import", f"msel.{suffix}", "--scenario", rel, "-o", str(target), "--force"]
    assert main(args) == 0, capsys.readouterr().err
    after = load_scenario(work / rel)
    assert after.msel == before.msel


def test_xlsx_layout(work: Path) -> None:
    _project(work)
    assert main(["export-msel", "scenarios/georgia-crisis.yaml", "-o", "m.xlsx"]) == 0
    book = openpyxl.load_workbook(work / "m.xlsx")
    ws = book["MSEL"]
    assert ws.freeze_panes == "A2"
    assert [c.value for c in ws[1]] == list(COLUMNS)
    assert ws.cell(row=2, column=1).value == "GEO-001"
    assert ws.cell(row=2, column=2).value == "+00:00"


def test_export_refuses(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _project(work)
    (work / "m.csv").write_text("x")
    assert main(["export-msel", "scenarios/georgia-crisis.yaml", "-o", "m.csv"]) == 1
    assert capsys.readouterr().err == "m.csv: already exists; not overwritten (hint: use --force)\n"
    assert main(["export-msel", "scenarios/georgia-crisis.yaml", "-o", "m.ods"]) == 1
    assert capsys.readouterr().err == (
        "m.ods: cannot write .ods: write .xlsx or .csv (or .json/.zip with --format openaev)\n"
    )
    args = ["export-msel", "scenarios/georgia-crisis.yaml", "-o", "m.xlsx", "--format", "openaev"]
    assert main(args) == 1
    assert capsys.readouterr().err == "m.xlsx: an OpenAEV export is a .json or .zip file\n"
    assert not (work / "m.xlsx").exists()


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+00:30", "'+00:30"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("'=already", "''=already"),
        ("plain", "plain"),
        ("'quoted", "'quoted"),
    ],
)
def test_csv_formulas_neutralised(value: str, written: str) -> None:
    assert neutralised(value) == written
    text = csv_text([["A", "B"], [value, "x"]])
    back = read_csv_bytes(text.encode("utf-8"), "m.csv")
    assert back.rows[1][1][0] == value
    assert next(csv.reader(io.StringIO(text.splitlines()[1])))[0] == written


def test_openaev_export_imports_back(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _project(work)
    args = ["export-msel", "scenarios/insurgent-incursion.yaml", "-o", "inc.zip"]
    assert main([*args, "--format", "openaev"]) == 0
    out = capsys.readouterr()
    assert out.out == "wrote inc.zip: OpenAEV scenario export, 49 injects\n"
    assert "modules not exported (no equivalent)" in out.err
    with zipfile.ZipFile(work / "inc.zip") as z:
        (entry,) = z.infolist()
        assert entry.comment == b"Scenario"
        doc = json.loads(z.read(entry))
    # the keys OpenAEV's importer reads without checking that they are there
    info_keys = {"scenario_name", "scenario_description", "scenario_subtitle", "scenario_category"}
    info_keys |= {"scenario_main_focus", "scenario_message_header", "scenario_message_footer"}
    assert info_keys | {"scenario_mail_from"} <= set(doc["scenario_information"])
    inject_keys = {"inject_id", "inject_title", "inject_description", "inject_country"}
    inject_keys |= {"inject_city", "inject_depends_on", "inject_depends_duration"}
    inject_keys |= {"inject_all_teams", "inject_injector_contract", "inject_content"}
    for item in doc["scenario_injects"]:
        assert inject_keys <= set(item)
        assert isinstance(item["inject_depends_on"], list)
    for team in doc["scenario_teams"]:
        assert {"team_id", "team_name", "team_description"} <= set(team)
    scn = load_scenario(work / "scenarios" / "insurgent-incursion.yaml")
    draft = import_export(doc, Context("inc.zip", scenario=scn))
    assert [i.title for i in draft.injects] == [
        i.title for i in sorted(scn.msel, key=lambda i: doc_time(doc, i.id))
    ]
    timed = {i.title: i.time for i in draft.injects}
    for inject in scn.msel:
        if inject.time is not None and inject.trigger is None and not inject.contingency:
            assert timed[inject.title] == inject.time


def doc_time(doc: dict[str, object], ident: str) -> int:
    items = doc["scenario_injects"]
    assert isinstance(items, list)
    return next(int(i["inject_depends_duration"]) for i in items if i["inject_id"] == ident)


# ----------------------------------------------------------- generated MSELs

CELLS = (
    Cell("control", "Control", Side.WHITE),
    Cell("alpha", "Alpha", Side.BLUE),
    Cell("bravo", "Bravo", Side.BLUE),
    Cell("red-1", "Red one", Side.RED),
)
KINDS = (
    MoveKind("respond", "Respond"),
    MoveKind("warn", "Warn"),
    MoveKind("close-border", "Close"),
)
OBJECTIVES = (Objective("OBJ-1", "One", "Cap one"), Objective("OBJ-2", "Two", "Cap two"))
MODULES = (Module("M1", "First", timedelta(0)), Module("M2", "Second", timedelta(hours=5)))
DURATION = timedelta(hours=48)
ALPHA = "abcdeXYZéßЖ0123456789-=+@'[]:;,.?!()*#/\""
word = st.text(alphabet=ALPHA, min_size=1, max_size=6)
line = st.lists(word, min_size=1, max_size=5).map(" ".join)
text = st.lists(line, min_size=1, max_size=3).map("\n".join)
block = st.tuples(text, st.booleans()).map(lambda p: p[0] + ("\n" if p[1] else ""))
cell_ids = [c.id for c in CELLS]
minutes = st.integers(1, 600).map(lambda m: timedelta(minutes=m))


@st.composite
def msels(draw: st.DrawFn) -> tuple[Inject, ...]:
    n = draw(st.integers(1, 7))
    ids = [f"X-{k:03d}" for k in range(1, n + 1)]
    out: list[Inject] = []
    for k, ident in enumerate(ids):
        to = tuple(draw(st.lists(st.sampled_from(cell_ids), min_size=1, max_size=4, unique=True)))
        uniform = draw(st.booleans())
        if draw(st.booleans()):
            expects: tuple[ExpectedAction, ...] = ()
        elif uniform:
            kind, within, desc = draw(st.sampled_from(KINDS)).id, draw(minutes), draw(line)
            expects = tuple(ExpectedAction(c, kind, within, description=desc) for c in to)
        else:
            expects = tuple(
                ExpectedAction(
                    draw(st.sampled_from(to)),
                    draw(st.sampled_from(KINDS)).id,
                    draw(minutes),
                    tuple(draw(st.lists(st.sampled_from(cell_ids), max_size=2, unique=True))),
                    draw(st.one_of(st.just(""), line)),
                )
                for _ in range(draw(st.integers(1, 3)))
            )
        earlier = out[:k]
        how = draw(st.sampled_from(["time", "after", "move", "contingency"]))
        time, trigger, contingency = None, None, False
        if how == "after" and earlier:
            parent = draw(st.sampled_from(earlier))
            cond = draw(st.sampled_from(["after", "met", "missed"]))
            cell = None
            if cond != "after" and parent.expects and draw(st.booleans()):
                cell = draw(st.sampled_from([e.cell for e in parent.expects]))
            changes: dict[str, Any] = {cond: parent.id}
            trigger = Trigger(
                cell=cell, delay=draw(st.sampled_from([timedelta(0)]) | minutes), **changes
            )
        elif how == "move":
            trigger = Trigger(
                move=draw(st.sampled_from(KINDS)).id,
                cell=draw(st.none() | st.sampled_from(cell_ids)),
                delay=draw(st.sampled_from([timedelta(0)]) | minutes),
            )
        elif how == "contingency":
            contingency = True
            time = draw(st.none() | st.integers(0, 2879).map(lambda m: timedelta(minutes=m)))
        else:
            time = draw(st.integers(0, 2879).map(lambda m: timedelta(minutes=m)))
        title = draw(line)
        body = draw(st.one_of(st.just(""), block))
        if body.strip() == title:
            body = ""  # a body equal to the title is dropped as a repeat
        others = [i for i in ids if i != ident]
        out.append(
            Inject(
                id=ident,
                title=title,
                to=to,
                time=time,
                trigger=trigger,
                from_=draw(st.one_of(st.just(""), line)),
                channel=draw(st.sampled_from(list(Channel))),
                module=draw(st.none() | st.sampled_from([m.id for m in MODULES])),
                body=body,
                expects=expects,
                objectives=tuple(
                    draw(st.lists(st.sampled_from([o.id for o in OBJECTIVES]), unique=True))
                ),
                notes=draw(st.one_of(st.just(""), block)),
                questions=tuple(draw(st.lists(line, max_size=2))),
                branches=tuple(
                    Branch(t, w)
                    for t, w in draw(
                        st.lists(st.tuples(st.sampled_from(others), line), max_size=2)
                        if others
                        else st.just([])
                    )
                ),
                contingency=contingency,
                public=draw(st.booleans()),
            )
        )
    return tuple(out)


def scenario_of(msel: tuple[Inject, ...]) -> Scenario:
    return Scenario(
        id="gen",
        title="Generated",
        start=datetime(2024, 5, 6, 6, 0),
        timezone="UTC",
        duration=DURATION,
        cells=CELLS,
        objectives=OBJECTIVES,
        move_kinds=KINDS,
        modules=MODULES,
        msel=msel,
    )


SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(msels())
def test_csv_round_trip(msel: tuple[Inject, ...]) -> None:
    scn = scenario_of(msel)
    data = csv_text(rows(scn)).encode("utf-8")
    draft = import_sheets([read_csv_bytes(data, "m.csv")], Context("m.csv", scenario=scn))
    assert draft.injects == list(msel)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(msels())
def test_xlsx_round_trip(msel: tuple[Inject, ...]) -> None:
    scn = scenario_of(msel)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "m.xlsx"
        path.write_bytes(xlsx_bytes(rows(scn), scn.title))
        draft = import_sheets(read_xlsx(path, "m.xlsx"), Context("m.xlsx", scenario=scn))
    assert [attrs.asdict(i) for i in draft.injects] == [attrs.asdict(i) for i in msel]
