"""Hostile files given to ``exercise import``: one clear line each, nothing written."""

from __future__ import annotations

import contextlib
import io
import json
import os
import tempfile
import zipfile
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exercise.cli.main import main
from exercise.importers import Context, ImportFailed
from exercise.importers.pipeline import import_file, import_json

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


# ------------------------------------------------------------------ properties

_json_keys = st.sampled_from(
    [
        "scenario_name", "scenario_injects", "scenario_teams", "exercise_injects",
        "exercise_information", "inject_title", "inject_depends_duration", "inject_teams",
        "inject_content", "injects", "participant_teams", "title", "id", "next_inject_id",
        "Subject", "Player", "Date", "Real Time", "Script", "inject_information",
        "import_mapper_inject_type_column", "expectations", "teams", "name", "#",
    ]
)  # fmt: skip
_json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=12)
    | st.sampled_from(["+00:30", "Monday 9:30 AM", "J+1 H+2", "D+2 H+3 M+45", "=1+1"]),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(_json_keys, children, max_size=6)
    ),
    max_leaves=30,
)
_PROPS = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@_PROPS
@given(_json_values)
def test_any_json_of_any_tool_raises_only_import_failed(doc: object) -> None:
    with contextlib.suppress(ImportFailed):
        import_json(doc, Context("x.json", start=datetime(2003, 8, 22, 6, 0)))


@_PROPS
@given(
    st.binary(max_size=600),
    st.sampled_from([".csv", ".tsv", ".json", ".xlsx", ".zip", ""]),
    st.sampled_from([b"", b"PK\x03\x04", b"\xef\xbb\xbf", b"\xff\xfe", b"[", b"{"]),
)
def test_any_bytes_under_any_name_raise_only_import_failed(
    data: bytes, suffix: str, start: bytes
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"msel{suffix}"
        path.write_bytes(start + data)
        with contextlib.suppress(ImportFailed):
            import_file(path, Context(path.name, start=datetime(2003, 8, 22, 6, 0)))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(st.sampled_from(["s.json", "a/b.json", "x.txt", "../e.json"]), _json_values),
        max_size=3,
        unique_by=lambda entry: entry[0],
    ),
    st.sampled_from([".zip", ".xlsx"]),
)
def test_any_zip_of_json_raises_only_import_failed(
    entries: list[tuple[str, object]], suffix: str
) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, doc in entries:
            z.writestr(name, json.dumps(doc))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"export{suffix}"
        path.write_bytes(buf.getvalue())
        with contextlib.suppress(ImportFailed):
            import_file(path, Context(path.name, start=datetime(2003, 8, 22, 6, 0)))
