"""Hostile files given to ``exercise import``: one clear line each, nothing written."""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

import pytest

from exercise.cli.main import main

from .conftest import START

HEADER = "Event Number,Scenario Time,Event Synopsis,To,Method\n"


def refused(capsys: pytest.CaptureFixture[str], *argv: str) -> list[str]:
    code = main(["import", *argv])
    err = capsys.readouterr().err
    assert code == 1, err
    assert "internal error" not in err and "Traceback" not in err, err
    assert not Path("injects").exists() and not Path("out.yaml").exists()
    return err.splitlines()


def _bomb_xlsx(unpacked: int) -> bytes:
    """A workbook whose one sheet is mostly blank space: a few kB that unpack to a lot."""
    ns = "http://schemas.openxmlformats.org/"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(
            "[Content_Types].xml",
            f'<Types xmlns="{ns}package/2006/content-types">'
            '<Default Extension="xml" ContentType="application/xml"/></Types>',
        )
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            fh.write(f'<worksheet xmlns="{ns}spreadsheetml/2006/main"><sheetData>'.encode())
            chunk = b" " * (1024 * 1024)
            for _ in range(unpacked // len(chunk)):
                fh.write(chunk)
            fh.write(b"</sheetData></worksheet>")
    return buf.getvalue()


def test_xlsx_zip_bomb_is_refused_before_unpacking(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    Path("bomb.xlsx").write_bytes(_bomb_xlsx(110 * 1024 * 1024))
    assert Path("bomb.xlsx").stat().st_size < 1024 * 1024
    lines = refused(capsys, "bomb.xlsx", "-o", "out.yaml", "--start", START)
    assert lines[0].startswith("bomb.xlsx: the workbook unpacks to 115,343,")
    assert "over the 104,857,600-byte limit" in lines[0]


def test_json_number_of_thousands_of_digits(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    Path("x.json").write_text(
        '{"scenario_name": "x", "scenario_injects": [{"inject_title": "a", '
        '"inject_depends_duration": ' + "9" * 5000 + "}]}",
        encoding="utf-8",
    )
    lines = refused(capsys, "x.json", "-o", "out.yaml", "--start", START)
    assert lines[0].startswith("x.json: not a readable JSON number: Exceeds the limit")


def test_mapper_json_number_of_thousands_of_digits(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    Path("m.csv").write_text(HEADER + "1,+00:30,Raid,Kyrgyz MoD,radio\n", encoding="utf-8")
    Path("mapper.json").write_text('{"a": ' + "1" * 5000 + "}", encoding="utf-8")
    lines = refused(capsys, "m.csv", "--map", "mapper.json", "-o", "out.yaml", "--start", START)
    assert lines[0].startswith("mapper.json: not a readable JSON mapper (Exceeds the limit")


@pytest.mark.parametrize("target", [os.devnull, "/dev/zero"])
def test_device_is_refused_unread(
    work: Path, capsys: pytest.CaptureFixture[str], target: str
) -> None:
    if not Path(target).exists():
        pytest.skip(f"{target} does not exist here")
    lines = refused(capsys, target, "-o", "out.yaml", "--start", START)
    assert lines[0].endswith(
        "dev/" + Path(target).name + ": is not a regular file "
        "(hint: import a CSV, XLSX, JSON or zip file)"
    )


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_fifo_is_refused_unread(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    os.mkfifo("msel.csv")  # reading it would block for ever
    lines = refused(capsys, "msel.csv", "-o", "out.yaml", "--start", START)
    assert lines[0] == (
        "msel.csv: is not a regular file (hint: import a CSV, XLSX, JSON or zip file)"
    )


def test_mapper_that_does_not_exist(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    Path("m.csv").write_text(HEADER + "1,+00:30,Raid,Kyrgyz MoD,radio\n", encoding="utf-8")
    lines = refused(capsys, "m.csv", "--map", "nope.json", "-o", "out.yaml", "--start", START)
    assert lines[0] == "nope.json: no such file (hint: check the path)"
