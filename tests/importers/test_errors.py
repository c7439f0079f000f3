"""Errors name the row and the column; nothing is written then; files are never
overwritten without --force; bad usage exits 2; no traceback reaches the user."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from exercise.cli.main import main

from ..conftest import FIXTURES as ROOT_FIXTURES
from .conftest import FIXTURES, START, run_cli

HEADER = "Event Number,Scenario Time,Event Synopsis,To,Method,After,Contingency\n"
HINT = "write +HH:MM from the start, D+1 06:00, a clock time such as 0930, or a date and time"


def test_each_problem_names_its_row_and_column(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (work / "msel.csv").write_text(
        "Border raid MSEL\n"
        + HEADER
        + "1,+00:30,Raid,Kyrgyz MoD,radio,,\n"
        + "2,25:99,Bad time,Kyrgyz MoD,radio,,\n"
        + "2,+01:00,Same number,Kyrgyz MoD,radio,,\n"
        + "4,+01:30,,Kyrgyz MoD,radio,,\n"
        + "5,+02:00,Follows nothing,Kyrgyz MoD,radio,99,\n"
        + "6,+02:00,Maybe,Kyrgyz MoD,radio,,perhaps\n"
        + "7,D+1 99:00,Bad clock,Kyrgyz MoD,radio,,\n"
        + "8,+03:00,Nobody,,radio,,\n",
        encoding="utf-8",
    )
    code = main(["import", "msel.csv", "-o", "injects/x.yaml", "--start", START])
    assert code == 1
    assert capsys.readouterr().err.splitlines() == [
        f"msel.csv: row 4, column 'Scenario Time': '25:99' is not a time (hint: {HINT})",
        "msel.csv: row 5, column 'Event Number': event number '2' is already used on row 4 "
        "(hint: give every event its own number)",
        "msel.csv: row 6, column 'Event Synopsis': no event synopsis and no inject text "
        "(hint: every inject needs a title)",
        "msel.csv: row 7, column 'After': no event numbered '99' "
        "(hint: name an event number of this sheet)",
        "msel.csv: row 8, column 'Contingency': 'perhaps' is not yes or no",
        "msel.csv: row 9, column 'Scenario Time': 'D+1 99:00': '99:00' is not a clock time "
        "(hint: hours run from 00 to 23)",
        "msel.csv: row 10, column 'To': no recipient "
        "(hint: name the cell or cells that receive this inject)",
        "exercise import: 7 problems; nothing written",
    ]
    assert not (work / "injects").exists() and not (work / "scenarios").exists()


def test_times_outside_the_scenario_and_unknown_cells(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copytree(ROOT_FIXTURES / "mini", work, dirs_exist_ok=True)
    (work / "m.csv").write_text(
        HEADER
        + "A1,2003-08-22 05:00,Too early,kgz-mod,,,\n"
        + "A2,+48:00,Too late,uzb-mod,,,\n"
        + "A3,+01:00,Wrong cell,Tajik MoD,,,\n",
        encoding="utf-8",
    )
    args = ["import", "m.csv", "--scenario", "scenarios/mini.yaml", "-o", "injects/m.yaml"]
    assert main(args) == 1
    assert capsys.readouterr().err.splitlines() == [
        "m.csv: row 2, column 'Scenario Time': '2003-08-22 05:00' is before the start "
        "(2003-08-22 06:00) (hint: give the right --start, or fix the time)",
        "m.csv: row 3, column 'Scenario Time': '+48:00' is after the end of the exercise "
        "(2003-08-24 06:00) (hint: the exercise runs from 2003-08-22 06:00 for 48:00)",
        "m.csv: row 4, column 'To': 'Tajik MoD' is not a cell of the scenario (hint: cells: "
        "white, kgz-mod, uzb-mod, liaison; or map the name in a mapping file (cells:))",
        "exercise import: 3 problems; nothing written",
    ]
    assert not (work / "injects" / "m.yaml").exists()


def test_what_validate_refuses_is_traced_back_to_rows(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copytree(ROOT_FIXTURES / "mini", work, dirs_exist_ok=True)
    (work / "m.csv").write_text(
        HEADER
        + "INJ-001,+00:10,Clashes with the MSEL's own INJ-001,kgz-mod,,,\n"
        + "B1,,Loop one,kgz-mod,,B2,\n"
        + "B2,,Loop two,kgz-mod,,B1,\n",
        encoding="utf-8",
    )
    args = ["import", "m.csv", "--scenario", "scenarios/mini.yaml", "-o", "injects/m.yaml"]
    assert main(args) == 1
    err = capsys.readouterr().err.splitlines()
    assert err == [
        "injects/m.yaml:3:7: duplicate inject id 'INJ-001' (first at injects/mini.yaml:2) "
        "(hint: give every inject its own id) [row 2]",
        "injects/m.yaml:13:5: trigger cycle: B1 -> B2 -> B1 can never fire "
        "(hint: break the loop with a timed inject) [row 3]",
        "injects/m.yaml:19:5: trigger cycle: B2 -> B1 -> B2 can never fire "
        "(hint: break the loop with a timed inject) [row 4]",
        "injects/m.yaml: imported ids clash with those of the scenario's other inject files "
        '(hint: import with a mapping file (--map) saying id_prefix: "B-", so that event 7 '
        "becomes B-007)",
        "injects/m.yaml: the imported injects do not pass exercise validate; nothing written",
        "exercise import: 5 problems; nothing written",
    ]
    assert not (work / "injects" / "m.yaml").exists()


def test_never_overwrites_without_force(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copy(FIXTURES / "hseep-msel.csv", work / "msel.csv")
    (work / "injects").mkdir()
    (work / "injects" / "x.yaml").write_text("# mine\n")
    args = ["import", "msel.csv", "-o", "injects/x.yaml", "--start", START]
    assert main(args) == 1
    assert capsys.readouterr().err.splitlines() == [
        "injects/x.yaml: already exists; not overwritten (hint: use --force to replace it)",
        "exercise import: 1 problem; nothing written",
    ]
    assert (work / "injects" / "x.yaml").read_text() == "# mine\n"
    assert not (work / "scenarios").exists()

    (work / "injects" / "x.yaml").unlink()
    (work / "scenarios").mkdir()
    (work / "scenarios" / "x.yaml").write_text("# my scenario\n")
    assert main(args) == 1  # the stub would overwrite a scenario
    assert "scenarios/x.yaml: already exists" in capsys.readouterr().err
    assert not (work / "injects" / "x.yaml").exists()

    assert main([*args, "--force"]) == 0
    assert (work / "scenarios" / "x.yaml").read_text().startswith("# Scenario stub")


def test_the_input_is_never_an_output(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copytree(ROOT_FIXTURES / "mini", work, dirs_exist_ok=True)
    shutil.copy(FIXTURES / "hseep-msel.csv", work / "msel.csv")
    args = ["import", "msel.csv", "--scenario", "scenarios/mini.yaml", "--force"]
    assert main([*args, "-o", "scenarios/mini.yaml"]) == 1
    assert "scenarios/mini.yaml: would overwrite the input" in capsys.readouterr().err


@pytest.mark.parametrize(
    "args",
    [
        ["import", "msel.csv", "-o", "x.yaml", "--start", "tomorrow"],
        ["import", "msel.csv", "-o", "x.yaml", "--start", "2003-08-22T06:00+06:00"],
        ["import", "msel.csv", "-o", "x.yaml", "--start", START, "--scenario", "s.yaml"],
        ["import", "msel.csv"],
    ],
)
def test_bad_usage_exits_2(work: Path, args: list[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(args)
    assert exc.value.code == 2


def test_no_traceback_for_odd_files(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (work / "folder.csv").mkdir()
    (work / "empty.csv").write_bytes(b"")
    (work / "binary.csv").write_bytes(bytes(range(256)) * 8)
    (work / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0" + b"\0" * 100)
    (work / "broken.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")
    (work / "notes.pdf").write_bytes(b"%PDF-1.4")
    expected = {
        "missing.csv": "missing.csv: no such file (hint: check the path)",
        "folder.csv": "folder.csv: is a folder, not a file",
        "empty.csv": (
            "empty.csv: the file is empty (hint: export the MSEL again, with its header row)"
        ),
        "old.xls": "old.xls: old Excel (.xls) workbooks cannot be read",
        "broken.xlsx": "broken.xlsx: not a readable XLSX workbook",
        "notes.pdf": "notes.pdf: unknown kind of file (.pdf)",
    }
    for name, start in expected.items():
        assert main(["import", name, "-o", "out.yaml", "--start", START]) == 1, name
        err = capsys.readouterr().err
        assert err.startswith(start), (name, err)
        assert err.endswith("; nothing written\n")
        assert "internal error" not in err
    # as a user runs it, in a fresh interpreter
    res = run_cli("import", "binary.csv", "-o", "out.yaml", "--start", START, cwd=work)
    assert res.returncode == 1
    assert "Traceback" not in res.stderr
    assert res.stderr.startswith("binary.csv: not UTF-8") or res.stderr.startswith(
        "binary.csv: no header row found"
    ), res.stderr
    assert not (work / "out.yaml").exists()
