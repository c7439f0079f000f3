"""Hostile scenario files: each kind gives one line naming file:line:column, never a crash."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exercise.scenario import ScenarioError, load_scenario
from exercise.scenario.yamlsafe import parse_document

SCN = "scenarios/mini.yaml"


def only(path: str = SCN) -> str:
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    found = [str(p) for p in info.value.problems]
    assert len(found) == 1, found
    return found[0]


def validate(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "import sys; from exercise.cli.main import main; sys.exit(main())",
         "validate", *args],
        capture_output=True,
        text=True,
        timeout=120,
    )  # fmt: skip


def test_c1_control_character_is_pinned_to_its_place(mini: Path, edit) -> None:
    # YAML's reader refuses C1 controls itself; its message was three lines long and
    # named a position in characters (or, with libyaml, in bytes) rather than line:column.
    edit(SCN, "title: Mini border exercise", "title: Mini \u009b border exercise")
    assert only() == (
        f"{SCN}:3:13: text holds U+009B (a control character) "
        "(hint: remove control characters from the file)"
    )


def test_c1_after_multibyte_text_is_at_the_right_column(mini: Path, edit) -> None:
    edit(SCN, "title: Mini border exercise", "title: Mini – «border» \u009d exercise")
    assert only().startswith(f"{SCN}:3:24: text holds U+009D")


def test_time_zone_name_too_long_for_a_file_name(mini: Path, edit) -> None:
    edit(SCN, "timezone: Asia/Bishkek", "timezone: " + "A" * 5000)
    msg = only()
    assert msg.startswith(f"{SCN}:8:11: unknown time zone 'AAAA")
    assert "use an IANA name" in msg


@pytest.mark.parametrize(
    ("start", "duration"),
    [
        ("9999-12-31T23:00:00", "48:00"),  # the end falls past the last date
        ("8999-12-31T06:00:00", "48:00"),
        ("0001-01-01T00:00:00", "48:00"),  # UTC of a zone east of Greenwich is before year 1
    ],
)
def test_start_at_the_edge_of_the_calendar(mini: Path, edit, start: str, duration: str) -> None:
    edit(SCN, "start: 2003-08-22T06:00:00", f"start: {start}")
    with pytest.raises(ScenarioError) as info:
        load_scenario(SCN)
    found = [str(p) for p in info.value.problems]
    assert (
        f"{SCN}:7:8: the exercise must lie between the years 1000 and 8999 "
        "(hint: game times past the end of the calendar cannot be shown or stored)"
    ) in found


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_fifo_and_device_are_refused_not_read(mini: Path) -> None:
    os.mkfifo("scenarios/pipe.yaml")
    for target in ("scenarios/pipe.yaml", os.devnull):
        r = validate(target)
        assert r.returncode == 1
        lines = r.stderr.strip().splitlines()
        assert len(lines) == 1, r.stderr
        assert lines[0].endswith(
            ":1:1: is not a regular file (hint: pass a YAML file or a folder)"
        ), lines
        assert "internal error" not in r.stderr and "Traceback" not in r.stderr


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_inject_file_that_is_a_fifo_is_refused(mini: Path, edit) -> None:
    os.mkfifo("injects/pipe.yaml")
    edit(SCN, "injects: [../injects/mini.yaml]", "injects: [../injects/pipe.yaml]")
    with pytest.raises(ScenarioError) as info:
        load_scenario(SCN)  # would block forever reading the FIFO
    assert "not found" in str(info.value) or "not a regular file" in str(info.value)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(st.characters(codec="utf-8"), max_size=200))
def test_any_unicode_gives_one_line_problems(text: str) -> None:
    # The whole of Unicode, C0/C1 controls, surrogates' neighbours, bidi and NEL included.
    try:
        doc = parse_document(text.encode("utf-8", "surrogatepass"), "x.yaml")
    except ScenarioError as exc:
        for p in exc.problems:
            assert "\n" not in str(p), str(p)
            assert p.line >= 1 and p.column >= 1
    else:
        for p in doc.problems:
            assert "\n" not in str(p)


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=300), st.sampled_from([b"", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"]))
def test_any_bytes_behind_any_bom(data: bytes, bom: bytes) -> None:
    with contextlib.suppress(ScenarioError):
        parse_document(bom + data, "x.yaml")


@pytest.mark.parametrize(
    ("encoding", "bom", "name"),
    [
        ("utf-16-le", b"\xff\xfe", "UTF-16"),
        ("utf-16-be", b"\xfe\xff", "UTF-16"),
        ("utf-32-le", b"\xff\xfe\x00\x00", "UTF-32"),
    ],
)
def test_utf16_and_utf32_files_are_named_as_such(
    mini: Path, encoding: str, bom: bytes, name: str
) -> None:
    path = Path(SCN)
    path.write_bytes(bom + path.read_text(encoding="utf-8").encode(encoding))
    assert only() == (
        f"{SCN}:1:1: the file is in {name} (it starts with its byte-order mark), not UTF-8 "
        "(hint: save the file as UTF-8)"
    )
