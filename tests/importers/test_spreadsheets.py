"""CSV and XLSX MSELs: header finding, time forms, recipients as cells, round trips."""

from __future__ import annotations

import shutil
from datetime import timedelta
from pathlib import Path

import pytest

from exercise.cli.main import main
from exercise.importers import Context, import_file, read_mapping
from exercise.model import Channel, Side
from exercise.scenario import load_scenario
from exercise.scenario.dump import to_data

from ..conftest import FIXTURES as ROOT_FIXTURES
from .conftest import FIXTURES, START


def hm(text: str) -> timedelta:
    h, m = text.split(":")
    return timedelta(hours=int(h), minutes=int(m))


def test_hseep_csv_round_trip(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copy(FIXTURES / "hseep-msel.csv", work / "msel.csv")
    assert main(["import", "msel.csv", "-o", "injects/incursion.yaml", "--start", START]) == 0
    out = capsys.readouterr()
    assert out.out.splitlines() == [
        "read msel.csv (UTF-8), header on row 1",
        "wrote injects/incursion.yaml: 6 injects",
        "wrote scenarios/incursion.yaml: scenario stub (5 cells, 2 objectives, 1 move kinds): "
        "edit it",
        "ok scenarios/incursion.yaml: incursion: 5 cells, 6 injects, 2 objectives, 0 rules",
    ]
    assert "row 7: no time: imported as a contingency inject" in out.err

    # what was written passes `exercise validate` on its own
    assert main(["validate", "scenarios/incursion.yaml"]) == 0
    scn = load_scenario(work / "scenarios" / "incursion.yaml")
    assert scn.start.isoformat() == "2003-08-22T06:00:00"
    assert [c.id for c in scn.cells] == [
        "control",
        "kyrgyz-ministry-of-defence",
        "kyrgyz-ministry-of-interior",
        "uzbek-ministry-of-defence",
        "centcom-russian-general-staff-liaison-cell",
    ]
    assert scn.cell("control").side is Side.WHITE
    assert [(o.id, o.title) for o in scn.objectives] == [
        ("OBJ-1", "Warn neighbours of a border incursion within one hour"),
        ("OBJ-2", "Share the common operational picture"),
    ]
    by_id = {i.id: i for i in scn.msel}
    assert list(by_id) == [f"INJ-00{n}" for n in range(1, 7)]
    first = by_id["INJ-001"]
    assert first.time == hm("00:30")
    assert first.from_ == "Batken border post"
    assert first.to == ("kyrgyz-ministry-of-defence",)
    assert first.channel is Channel.RADIO
    assert first.objectives == ("OBJ-1",)
    assert [(e.cell, e.action, e.within) for e in first.expects] == [
        ("kyrgyz-ministry-of-defence", "respond", hm("01:00"))
    ]
    assert first.expects[0].description == "Warn the Uzbek Ministry of Defence and the liaison cell"
    assert first.notes.startswith("Watch whether the Kyrgyz")
    assert by_id["INJ-002"].to == ("kyrgyz-ministry-of-defence", "kyrgyz-ministry-of-interior")
    assert by_id["INJ-003"].channel is Channel.FAX
    assert by_id["INJ-004"].time == hm("24:00")  # D+1 06:00 with the start at 06:00
    assert by_id["INJ-004"].channel is Channel.EMAIL
    assert by_id["INJ-005"].time == hm("27:30")
    assert by_id["INJ-005"].channel is Channel.MEETING
    assert by_id["INJ-006"].contingency and by_id["INJ-006"].time is None
    assert by_id["INJ-006"].channel is Channel.LIAISON
    assert scn.duration == hm("28:00")

    # the injects loaded from the written file are the injects the importer made
    draft = import_file(work / "msel.csv", Context("msel.csv", start=scn.start))
    assert to_data(draft.injects) == to_data(list(scn.msel))


def test_messy_xlsx(work: Path, messy_xlsx: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["import", str(messy_xlsx), "-o", "injects/messy.yaml", "--start", START])
    out = capsys.readouterr()
    assert code == 0, out.err
    assert out.out.splitlines()[-1] == (
        "ok scenarios/messy.yaml: messy: 4 cells, 7 injects, 2 objectives, 0 rules"
    )
    for line in (
        "column 'Status': is not a field of an inject: its values were added to the notes",
        "row 5: section heading 'DAY 1 – 22 August 2003': clock times below are on D+0",
        "row 10: section heading 'DAY 2 – 23 August 2003': clock times below are on D+1",
        "row 13, column 'Mode of Delivery': 'Carrier pigeon' is not a channel: used 'message' "
        "(the method is kept in the notes)",
        "row 14: no time: imported as a contingency inject (released by hand)",
    ):
        assert f"  - {line}" in out.err.splitlines()
    text = (work / "injects" / "messy.yaml").read_text(encoding="utf-8")
    assert text.startswith("# Imported by `exercise import` from ")
    assert "# - row 13, column 'Mode of Delivery': 'Carrier pigeon'" in text

    scn = load_scenario(work / "scenarios" / "messy.yaml")
    assert scn.title == "Exercise Steppe Shield 2003 — Master Scenario Events List"
    assert scn.summary == "Version 3 (draft), not for distribution"
    got = [(i.id, i.time, i.to) for i in scn.msel]
    liaison = "centcom-russian-gs-liaison-cell"
    assert got == [
        ("INJ-001", hm("00:30"), ("kyrgyz-mod",)),  # an XLSX time on Day 1
        ("INJ-002", hm("03:30"), ("kyrgyz-mod",)),  # '0930' as text; To merged from above
        ("INJ-003", hm("05:15"), ("uzbek-mod", liaison)),  # 'D+0 11:15'
        ("INJ-004", hm("20:00"), ("kyrgyz-mod",)),  # '02:00' under the DAY 2 heading
        ("INJ-005", hm("27:45"), (liaison,)),  # a full XLSX date-time
        ("INJ-006", hm("30:00"), ("kyrgyz-mod",)),  # 'T+30:00'
        ("INJ-007", None, (liaison,)),  # no time: a contingency
    ]
    first = scn.msel[0]
    assert first.title == "Armed group crosses near Zardaly"  # trailing spaces gone
    assert first.body == "Около 40 вооружённых людей перешли границу у Зардалы."
    assert first.notes == "Watch who warns whom\nStatus: ready"  # no-break space gone
    assert scn.msel[1].objectives == ("OBJ-1", "OBJ-2")
    assert scn.msel[5].notes == "Method: Carrier pigeon"
    assert scn.msel[6].contingency


def test_csv_variants_semicolons_latin1_and_clock_times(work: Path) -> None:
    text = (
        "MSEL;;;\n"
        ";;;\n"
        "No.;Clock Time;Subject;Recipient\n"
        "1;22:30;Late report;Café Osh\n"
        "2;01:15;After midnight;Café Osh\n"
        "3;9:00 am;Morning;Café Osh\n"
    )
    (work / "m.csv").write_bytes(text.encode("cp1252"))
    draft = import_file(work / "m.csv", Context("m.csv", start=hm_start("2003-08-22T22:00")))
    assert [(i.id, i.time) for i in draft.injects] == [
        ("INJ-001", hm("00:30")),
        ("INJ-002", hm("03:15")),  # rolled over midnight
        ("INJ-003", hm("11:00")),
    ]
    assert draft.cells[1].name == "Café Osh" and draft.cells[1].id == "cafe-osh"
    messages = [str(n) for n in draft.notices]
    assert "m.csv: not UTF-8: read as Windows-1252; check accented letters (save as UTF-8)" in (
        messages
    )
    assert any("row 5" in m and "next day" in m for m in messages)


def hm_start(text: str):
    from datetime import datetime

    return datetime.fromisoformat(text)


def test_mapping_file_with_a_scenario(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copytree(ROOT_FIXTURES / "mini", work, dirs_exist_ok=True)
    shutil.copy(FIXTURES / "custom-layout.csv", work / "custom.csv")
    shutil.copy(FIXTURES / "custom-map.yaml", work / "map.yaml")
    args = ["import", "custom.csv", "--map", "map.yaml", "--scenario", "scenarios/mini.yaml"]
    assert main([*args, "-o", "injects/custom.yaml"]) == 0
    out = capsys.readouterr()
    assert out.out.splitlines() == [
        "read custom.csv (UTF-8), header on row 1",
        "wrote injects/custom.yaml: 3 injects",
        "ok scenarios/mini.yaml with injects/custom.yaml: mini: 4 cells, 7 injects, "
        "1 objectives, 6 rules (1 acknowledge, 1 deconflict, 1 joint, 1 network, 1 notify, "
        "1 respond)",
    ]
    assert "hint: add ../injects/custom.yaml to 'injects:' in scenarios/mini.yaml" in out.err
    assert not (work / "scenarios" / "custom.yaml").exists()  # no stub with --scenario
    # listed in the scenario, the file validates with the rest of the MSEL
    scn_file = work / "scenarios" / "mini.yaml"
    scn_file.write_text(
        scn_file.read_text().replace(
            "injects: [../injects/mini.yaml]",
            "injects: [../injects/mini.yaml, ../injects/custom.yaml]",
        )
    )
    scn = load_scenario(scn_file)
    n1, n2, n3 = (scn.inject(i) for i in ("N-1", "N-2", "N-3"))
    assert (n1.to, n1.channel, n1.time) == (("kgz-mod",), Channel.DOCUMENT, hm("00:45"))
    assert [(e.cell, e.action, e.within) for e in n1.expects] == [("kgz-mod", "warn", hm("00:45"))]
    assert n2.to == ("uzb-mod", "liaison") and n2.channel is Channel.FAX
    assert {e.action for e in n2.expects} == {"close-border"}
    assert n3.time == hm("25:00")  # D+1 07:00 against the scenario's start
    assert "Status" not in n1.notes


def test_mapping_file_problems_are_pinned(work: Path) -> None:
    (work / "map.yaml").write_text(
        "colums: {}\ncolumns:\n  tim: Hour\n  to: [1.5]\ntimes: later\nwithin: 90\n"
    )
    from exercise.importers import ImportFailed

    with pytest.raises(ImportFailed) as exc:
        read_mapping(work / "map.yaml")
    assert [str(p) for p in exc.value.problems] == [
        "map.yaml:1:1: unknown key 'colums' (hint: did you mean 'columns'?)",
        "map.yaml:3:3: unknown field 'tim' (hint: did you mean 'time'?)",
        "map.yaml:4:8: columns.to: expected a column name, got 1.5",
        "map.yaml:5:8: times: expected offset or clock, got 'later' "
        "(hint: offset: 09:30 is 9 h 30 min after the start; clock: the time of day)",
        'map.yaml:6:9: within: expected a duration in quotes, e.g. "01:00"',
    ]


def test_mapped_column_missing_from_the_sheet(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copy(FIXTURES / "hseep-msel.csv", work / "msel.csv")
    (work / "map.yaml").write_text("columns:\n  time: H-Hour\n")
    assert main(["import", "msel.csv", "--map", "map.yaml", "-o", "i.yaml", "--start", START]) == 1
    err = capsys.readouterr().err
    assert err.startswith(
        "map.yaml: columns.time: no column named 'H-Hour' in the header row (row 1) of msel.csv "
        "(hint: the columns are: 'Event Number', 'Scenario Time',"
    )
    assert not (work / "i.yaml").exists()


def test_start_found_in_the_sheet(messy_xlsx: Path) -> None:
    from datetime import datetime

    # 'Day 2' next to 23 August puts Day 1 on 22 August; the first event is at 06:30
    draft = import_file(messy_xlsx, Context("msel.xlsx"))
    assert draft.start == datetime(2003, 8, 22, 6, 30)
    assert [str(n) for n in draft.notices if n.where == "start"] == [
        "start: no --start given: the exercise starts at 2003-08-22 06:30, the earliest time "
        "in the sheet; edit 'start' in the stub scenario or import again with --start"
    ]
    assert [i.time for i in draft.injects][:2] == [timedelta(0), hm("03:00")]
    # offsets only: today (here fixed) at 00:00
    csv_text = "Time,Title,To\n+00:30,A,X\n"
    (messy_xlsx.parent / "o.csv").write_text(csv_text)
    today = datetime(2030, 1, 2, 15, 45)
    draft = import_file(messy_xlsx.parent / "o.csv", Context("o.csv", today=today))
    assert draft.start == datetime(2030, 1, 2, 0, 0)
