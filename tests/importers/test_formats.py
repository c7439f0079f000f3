"""The other tools' MSELs: T3SF (JSON and XLSX), IcebergTTX scenarios, OpenAEV mapper
sheets, injects-only exports and expectations on injects; encodings; banner rows."""

from __future__ import annotations

import json
import shutil
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from exercise.cli.main import main
from exercise.importers import Context, Draft, ImportFailed, import_file
from exercise.importers.times import DayClock, Relative, WeekdayClock, read_time
from exercise.model import Branch, Channel, Trigger
from exercise.scenario import load_scenario

from .conftest import FIXTURES, run_cli

TODAY = datetime(2026, 3, 2)  # a Monday


def imported(path: Path, start: datetime | None = None) -> Draft:
    return import_file(path, Context(path.name, start=start, today=TODAY))


# ------------------------------------------------------------------------ T3SF


def test_t3sf_json(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copy(FIXTURES / "t3sf-msel.json", work / "msel.json")
    assert (
        main(["import", "msel.json", "-o", "injects/t3sf.yaml", "--start", "2003-08-26T06:00"]) == 0
    )
    out = capsys.readouterr()
    assert out.out.splitlines()[0] == "read msel.json (T3SF JSON)"
    assert (
        "items 2, 3, 4: the same inject to 3 recipients: merged into INJ-002 (import with "
        "'merge: false' in a mapping file, or --no-merge, to keep one inject per row)"
    ) in out.err
    assert (
        "column 'Real Time': 05:30 of game time in 00:30 of real time: clock_ratio 11 in the "
        "stub scenario"
    ) in out.err
    assert "1 poll imported as discussion questions ('Poll: A | B')" in out.err
    scn = load_scenario(work / "scenarios" / "t3sf.yaml")
    assert scn.clock_ratio == 11.0
    assert [(i.id, i.time, i.to) for i in scn.msel] == [
        ("INJ-001", timedelta(0), ("kyrgyz-mod",)),
        ("INJ-002", timedelta(hours=1, minutes=30), ("kyrgyz-mod", "uzbek-mod", "liaison-cell")),
        ("INJ-005", timedelta(hours=5, minutes=30), ("kyrgyz-mod",)),
    ]
    assert scn.msel[2].questions == ("Poll: Ask now | Wait for the liaison cell",)
    assert "Picture Name: Roadblock" in scn.msel[1].notes


def test_t3sf_no_merge_keeps_one_inject_per_item(work: Path) -> None:
    shutil.copy(FIXTURES / "t3sf-msel.json", work / "msel.json")
    args = ["import", "msel.json", "-o", "t.yaml", "--start", "2003-08-26T06:00", "--no-merge"]
    assert main(args) == 0
    scn = load_scenario(work / "t.scenario.yaml")
    assert [i.id for i in scn.msel] == ["INJ-001", "INJ-002", "INJ-003", "INJ-004", "INJ-005"]


def test_t3sf_weekdays_without_a_start_land_on_that_day() -> None:
    draft = imported(FIXTURES / "t3sf-msel.json")
    assert draft.start == datetime(2026, 3, 3, 6, 0)  # the first Tuesday from "today"
    assert [str(n) for n in draft.notices if n.where == "start"] == [
        "start: no --start given: the exercise starts at 2026-03-03 06:00, the earliest time "
        "in the sheet; edit 'start' in the stub scenario or import again with --start"
    ]


def test_t3sf_xlsx_reads_as_its_json(tmp_path: Path) -> None:
    items = json.loads((FIXTURES / "t3sf-msel.json").read_text("utf-8"))
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "Injects"
    header = list(items[0])
    ws.append(header)
    for item in items:
        ws.append([item[k] for k in header])
    book.save(tmp_path / "msel.xlsx")
    from_xlsx = imported(tmp_path / "msel.xlsx")
    from_json = imported(FIXTURES / "t3sf-msel.json")
    assert from_xlsx.injects == from_json.injects
    assert from_xlsx.clock_ratio == 11.0


def test_t3sf_messages(tmp_path: Path) -> None:
    (tmp_path / "bad.json").write_text('[{"Subject": "a", "Player": "x"}, 3]')
    with pytest.raises(ImportFailed) as exc:
        imported(tmp_path / "bad.json")
    assert str(exc.value) == (
        "bad.json: item 2 is int, not an object: a JSON MSEL is a list of objects (one per "
        "inject), as T3SF writes it"
    )
    (tmp_path / "day.json").write_text(
        json.dumps([{"#": 1, "Date": "Monday", "Subject": "a", "Player": "Legal"}])
    )
    with pytest.raises(ImportFailed) as exc:
        imported(tmp_path / "day.json")
    assert str(exc.value) == (
        "day.json: item 1, column 'Date': 'Monday' has a day of the week but no clock time "
        "(hint: write e.g. Monday 9:30 AM)"
    )
    (tmp_path / "empty.json").write_text("[]")
    with pytest.raises(ImportFailed, match=r"^empty.json: the JSON list is empty: no injects"):
        imported(tmp_path / "empty.json")


def test_weekday_times() -> None:
    assert read_time("Monday 9:30 AM") == WeekdayClock(0, time(9, 30))
    assert read_time("Sun 23:15") == WeekdayClock(6, time(23, 15))


# ------------------------------------------------------------------ IcebergTTX


def test_iceberg_scenario(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copy(FIXTURES / "iceberg-scenario.json", work / "dam.json")
    assert (
        main(["import", "dam.json", "-o", "injects/dam.yaml", "--start", "2024-04-02T08:00"]) == 0
    )
    out = capsys.readouterr()
    assert out.out.splitlines()[0] == "read dam.json (IcebergTTX scenario)"
    assert "debrief_notes: not imported (no place here): Was civil protection warned" in out.err
    scn = load_scenario(work / "scenarios" / "dam.yaml")
    assert scn.duration == timedelta(hours=2, minutes=30)
    by_id = scn.injects_by_id
    start = by_id["gate_stuck"]
    assert start.time == timedelta(0) and not start.contingency
    assert start.branches == (
        Branch("crew_injured", "Send a crew to open it by hand"),
        Branch("evacuate", "Warn civil protection now"),
    )
    # two expected actions stay two, for the one recipient
    assert [(e.cell, e.description) for e in start.expects] == [
        ("dam-operations", "Confirm the gate position"),
        ("dam-operations", "Call the on-call engineer"),
    ]
    assert by_id["crew_injured"].branches == (Branch("evacuate", "next (no choice)"),)
    assert by_id["evacuate"].contingency and by_id["evacuate"].time is None
    assert len(by_id["evacuate"].expects) == 4  # 2 actions x 2 teams
    comm = by_id["gate_stuck-comm-1"]
    assert comm.trigger == Trigger(after="gate_stuck", delay=timedelta(minutes=10))
    assert comm.from_ == "Regional newspaper"
    assert set(comm.to) == {"dam-operations", "civil-protection", "press-office"}


def test_iceberg_bad_branch(tmp_path: Path) -> None:
    doc = json.loads((FIXTURES / "iceberg-scenario.json").read_text("utf-8"))
    doc["injects"][1]["options"][0]["next_inject_id"] = "nowhere"
    doc["injects"][1]["target_teams"] = ["ops", "finance"]
    (tmp_path / "s.json").write_text(json.dumps(doc))
    with pytest.raises(ImportFailed) as exc:
        imported(tmp_path / "s.json")
    assert str(exc.value.problems[0]) == (
        "s.json: inject 'gate_stuck': target team 'finance' is not a participant team "
        "(hint: participant teams: ops, civil_protection, press)"
    )
    assert str(exc.value.problems[1]) == (
        "s.json: inject 'gate_stuck': option 'Send a crew to open it by hand' leads to "
        "'nowhere', which is not an inject of the scenario (hint: injects: crew_injured, "
        "evacuate, gate_stuck)"
    )


# --------------------------------------------------------------------- OpenAEV


def test_openaev_mapper_sheet(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copy(FIXTURES / "openaev-sheet.csv", work / "flood.csv")
    shutil.copy(FIXTURES / "openaev-mapper.json", work / "mapper.json")
    args = ["import", "flood.csv", "--map", "mapper.json", "-o", "injects/flood.yaml"]
    assert main(args) == 0
    out = capsys.readouterr()
    assert out.out.splitlines()[0] == "read flood.csv (UTF-8), no header row (columns by letter)"
    assert "rows 1, 5: column A matches none of '^Mail$', '^SMS$'; skipped" in out.err
    assert "mapper.json: expectation_score: default value '100' not applied" in out.err
    scn = load_scenario(work / "scenarios" / "flood.yaml")
    # J is today at 00:00; the start is the earliest time, J-1 18:00
    assert [(i.title, i.time, i.channel) for i in scn.msel] == [
        ("River gauge above the alert level", timedelta(0), Channel.EMAIL),
        ("Sirens tested", timedelta(hours=39), Channel.MESSAGE),
        ("Gate 2 stuck", timedelta(hours=31, minutes=55), Channel.EMAIL),
        ("Evacuation ordered", timedelta(hours=57, minutes=45), Channel.MESSAGE),
    ]
    assert [e.description for e in scn.msel[0].expects] == ["Acknowledge the alert"]


def test_openaev_relative_time_before_the_start(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copy(FIXTURES / "openaev-sheet.csv", work / "flood.csv")
    shutil.copy(FIXTURES / "openaev-mapper.json", work / "mapper.json")
    args = ["import", "flood.csv", "--map", "mapper.json", "-o", "i.yaml"]
    assert main([*args, "--start", "2024-04-02T08:00"]) == 1
    assert capsys.readouterr().err.splitlines()[0] == (
        "flood.csv: row 2, column 'D': 'J-1 18h00' is before the start (2024-04-02 08:00) "
        "(hint: day 0 (J, D+0) is 2024-04-02: give an earlier --start, say which day J is with "
        "'day_zero: YYYY-MM-DD' in a mapping file, or import without --start (the earliest "
        "time is the start))"
    )


def test_day_zero(work: Path) -> None:
    (work / "s.csv").write_text("J-1 18h00,Gauge alert,Ops\nJ+0 H+2,Gate stuck,Ops\n")
    (work / "m.yaml").write_text(
        "header_row: 0\nday_zero: 2024-04-02\ncolumns: {time: A, title: B, to: C}\n"
    )
    args = ["import", "s.csv", "--map", "m.yaml", "-o", "o.yaml", "--start", "2024-04-01T08:00"]
    assert main(args) == 0
    scn = load_scenario(work / "o.scenario.yaml")
    # J-1 18:00 is 2024-04-01 18:00; J H+2 is 2024-04-02 10:00 (the start's time of day + 2 h)
    assert [i.time for i in scn.msel] == [timedelta(hours=10), timedelta(hours=26)]


def test_header_row_0_in_a_mapping_file(work: Path) -> None:
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(["Mail", "Gauge alert", "J+0 H+1", "Dam operations"])
    ws.append(["Mail", "Gate stuck", "J+0 H+2 M+30", "Dam operations"])
    book.save(work / "s.xlsx")
    (work / "m.yaml").write_text("header_row: 0\ncolumns: {channel: A, title: B, time: C, to: D}\n")
    assert (
        main(["import", "s.xlsx", "--map", "m.yaml", "-o", "o.yaml", "--start", "2024-04-01T08:00"])
        == 0
    )
    scn = load_scenario(work / "o.scenario.yaml")
    assert [i.time for i in scn.msel] == [timedelta(hours=1), timedelta(hours=2, minutes=30)]
    (work / "m.yaml").write_text("header_row: 0\ncolumns: {title: Title, to: D}\n")
    assert (
        main(["import", "s.xlsx", "--map", "m.yaml", "-o", "p.yaml", "--start", "2024-04-01T08:00"])
        == 1
    )


def test_header_row_0_names_letters(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (work / "s.csv").write_text("Mail,Gauge alert,J+0 H+1,Dam operations\n")
    (work / "m.yaml").write_text("header_row: 0\ncolumns: {title: Title, to: D}\n")
    assert (
        main(["import", "s.csv", "--map", "m.yaml", "-o", "p.yaml", "--start", "2024-04-01T08:00"])
        == 1
    )
    assert capsys.readouterr().err.splitlines()[0] == (
        "m.yaml: columns.title: 'Title' is not a column letter (header_row: 0 names columns by "
        "letter, A to D) (hint: write e.g. columns: {title: B, time: C, to: D})"
    )


@given(
    st.integers(-30, 30),
    st.integers(-48, 48),
    st.integers(-600, 600),
    st.sampled_from(["J", "D"]),
    st.sampled_from(["H", "T"]),
)
def test_openaev_relative_notation(days: int, hours: int, minutes: int, d: str, h: str) -> None:
    text = f"{d}{days:+d} {h}{hours:+d} M{minutes:+d}"
    assert read_time(text) == Relative(timedelta(days=days, hours=hours, minutes=minutes))
    assert read_time(f"{d}{days:+d}") == Relative(timedelta(days=days))


@given(st.integers(-30, 30), st.integers(0, 23), st.integers(0, 59))
def test_openaev_day_and_clock(days: int, hour: int, minute: int) -> None:
    assert read_time(f"J{days:+d} {hour:02d}h{minute:02d}") == DayClock(days, time(hour, minute))


def test_openaev_examples() -> None:
    assert read_time("J-1") == Relative(timedelta(days=-1))
    assert read_time("J+1 09h00") == DayClock(1, time(9, 0))
    assert read_time("J+1 H+2 M-5") == Relative(timedelta(days=1, hours=2, minutes=-5))
    assert read_time("D+2 H+3 M+45") == Relative(timedelta(days=2, hours=3, minutes=45))


def _export(tmp_path: Path, doc: Any, name: str = "x.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(doc), "utf-8")
    return path


def test_openaev_injects_only_export_with_expectations_on_injects(tmp_path: Path) -> None:
    doc = {
        "export_version": 1,
        "inject_information": [
            {
                "inject_id": "a1",
                "inject_title": "Ransom note on the file server",
                "inject_depends_duration": 600,
                "inject_teams": ["t1"],
                "inject_content": {"body": "Your files are encrypted."},
                "inject_expectations": [
                    {
                        "inject_expectation_type": "MANUAL",
                        "inject_expectation_name": "Isolate the server",
                        "inject_expectation_expected_score": 100,
                    }
                ],
            },
            {
                "inject_id": "a2",
                "inject_description": "<p>Press asks for a statement</p>",
                "inject_depends_duration": 1200,
                "inject_teams": ["t1"],
            },
        ],
        "inject_teams": [{"team_id": "t1", "team_name": "IT security"}],
    }
    draft = imported(_export(tmp_path, doc))
    assert draft.source == "x.json (OpenAEV export of injects)"
    first, second = draft.injects
    assert [(e.cell, e.action, e.description) for e in first.expects] == [
        ("it-security", "respond", "Isolate the server")
    ]
    assert second.title == "Press asks for a statement"
    assert (
        "inject 2 of inject_information: no inject_title: titled 'Press asks for a statement' "
        "from its description"
    ) in [str(n) for n in draft.notices]


def test_openaev_simulation_with_teams_and_no_injects(tmp_path: Path) -> None:
    doc = {
        "exercise_information": {"exercise_name": "Tabletop"},
        "exercise_teams": [{"team_id": "t1", "team_name": "Crisis cell"}],
        "exercise_injects": [],
    }
    draft = imported(_export(tmp_path, doc))
    assert draft.injects == []
    assert [c.id for c in draft.cells] == ["control", "crisis-cell"]
    assert (
        "exercise_injects: the export has no injects: only its 1 team was imported, as cells"
        in [str(n) for n in draft.notices]
    )


def test_openaev_exact_messages(tmp_path: Path) -> None:
    doc = {"scenario_information": {"scenario_name": "x"}, "scenario_injects": "oops"}
    with pytest.raises(ImportFailed) as exc:
        imported(_export(tmp_path, doc))
    assert str(exc.value) == (
        "x.json: scenario_injects: expected a list of injects, got 'oops' "
        "(hint: export the scenario again from OpenAEV)"
    )
    doc = {"scenario_information": {"scenario_name": "x"}, "scenario_injects": []}
    with pytest.raises(ImportFailed) as exc:
        imported(_export(tmp_path, doc))
    assert str(exc.value) == (
        "x.json: scenario_injects: the export has no injects and no teams: nothing to import "
        "(hint: export the scenario from OpenAEV with its injects (or its teams))"
    )


# ------------------------------------------------------------------- encodings

CSV = (
    "Event Number,Scenario Time,Event Synopsis,To,Triggered By\n"
    "1,+00:30,Évacuation du café à Zürich,Préfecture,\n"
    "2,+01:00,Deuxième alerte,Préfecture,1\n"
)


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (CSV.encode("utf-8"), "UTF-8"),
        (b"\xef\xbb\xbf" + CSV.encode("utf-8"), "UTF-8"),
        (b"\xef\xbb\xbf" + CSV.encode("cp1252"), "Windows-1252, behind a UTF-8 byte-order mark"),
        (CSV.encode("utf-16"), "UTF-16"),
        (CSV.encode("cp1252"), "Windows-1252"),
    ],
)
def test_encodings(tmp_path: Path, data: bytes, encoding: str) -> None:
    (tmp_path / "m.csv").write_bytes(data)
    draft = imported(tmp_path / "m.csv", start=datetime(2024, 1, 1))
    assert draft.source == f"m.csv ({encoding}), header on row 1"
    assert [i.id for i in draft.injects] == ["INJ-001", "INJ-002"]
    assert draft.injects[0].title == "Évacuation du café à Zürich"
    assert draft.injects[1].trigger == Trigger(after="INJ-001", delay=timedelta(minutes=30))


def test_encoding_named_in_the_summary(work: Path) -> None:
    (work / "m.csv").write_bytes(b"\xef\xbb\xbf" + CSV.encode("cp1252"))
    res = run_cli("import", "m.csv", "-o", "o.yaml", "--start", "2024-01-01T06:00", cwd=work)
    assert res.returncode == 0, res.stderr
    assert res.stdout.splitlines()[0] == (
        "read m.csv (Windows-1252, behind a UTF-8 byte-order mark), header on row 1"
    )
    assert (
        "m.csv: not UTF-8: read as Windows-1252, behind a UTF-8 byte-order mark; check "
        "accented letters (save as UTF-8)"
    ) in res.stderr


# ---------------------------------------------------------- banners and start


def test_banner_rows_become_modules(tmp_path: Path) -> None:
    (tmp_path / "m.csv").write_text(
        "Event Number,Scenario Time,Event Synopsis,To\n"
        "MODULE 1 – Initial response,,,\n"
        "1,+00:30,First,Police\n"
        "2,+01:00,Second,Police\n"
        "MODULE 2 – Recovery,,,\n"
        "3,+04:00,Third,Police\n",
        "utf-8",
    )
    draft = imported(tmp_path / "m.csv", start=datetime(2024, 1, 1))
    assert [(m.id, m.title, m.start) for m in draft.modules] == [
        ("module-1-initial-response", "MODULE 1 – Initial response", timedelta(minutes=30)),
        ("module-2-recovery", "MODULE 2 – Recovery", timedelta(hours=4)),
    ]
    assert [i.module for i in draft.injects] == [
        "module-1-initial-response",
        "module-1-initial-response",
        "module-2-recovery",
    ]
    assert (
        "row 2: section banner 'MODULE 1 – Initial response': the injects below it are in "
        "module 'module-1-initial-response'"
    ) in [str(n) for n in draft.notices]


def test_start_message_without_times_of_day(tmp_path: Path) -> None:
    (tmp_path / "m.csv").write_text("Scenario Time,Event Synopsis,To\n+00:30,First,Police\n")
    draft = imported(tmp_path / "m.csv")
    assert [str(n) for n in draft.notices if n.where == "start"] == [
        "start: no --start given: the exercise starts at 2026-03-02 00:00, today at 00:00 (the "
        "sheet gives times only as offsets from the start); edit 'start' in the stub scenario "
        "or import again with --start"
    ]


# ------------------------------------------------------------ and they play


@pytest.mark.parametrize(
    ("fixture", "args", "released"),
    [
        ("iceberg-scenario.json", ["--start", "2024-04-02T08:00"], ["gate_stuck", "evacuate"]),
        ("t3sf-msel.json", ["--start", "2003-08-26T06:00"], ["INJ-001", "INJ-002", "INJ-005"]),
    ],
)
def test_imported_scenarios_play(
    work: Path,
    capsys: pytest.CaptureFixture[str],
    fixture: str,
    args: list[str],
    released: list[str],
) -> None:
    shutil.copy(FIXTURES / fixture, work / fixture)
    assert main(["import", fixture, "-o", "injects/x.yaml", "-q", *args]) == 0
    (work / "s.yaml").write_text(
        "steps:\n  - start\n  - advance: '06:00'\n"
        + ("  - release: evacuate\n" if "evacuate" in released else "")
    )
    capsys.readouterr()
    assert main(["play", "scenarios/x.yaml", "--script", "s.yaml", "--session", "x.db"]) == 0
    out = capsys.readouterr().out
    for ident in released:
        assert f"{ident} released to" in out
