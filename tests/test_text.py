"""Text from anyone is data: the terminal filter, JSON escaping, CSV formulas, and the
refusals of the engine and the scenario validation."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from exercise.engine import CONTROL, DomainError
from exercise.engine import commands as c
from exercise.journal.memory import MemoryJournal
from exercise.model import Scenario
from exercise.report.tables import FORMULA_STARTS, neutralise
from exercise.scenario import ScenarioError, load_scenario
from exercise.session import Session
from exercise.text import (
    BIDI,
    INVISIBLE,
    for_terminal,
    forbidden,
    json_inert,
)
from exercise.text import (
    CONTROL as CONTROL_CHARS,
)
from tests.conftest import FakeClock

#: What a terminal must never receive from the text of others.
UNSAFE = re.compile(f"[{CONTROL_CHARS}{BIDI}{INVISIBLE}\u2028\u2029]")

ATTACKS = {
    "clear screen": "\x1b[2J\x1b[H",
    "red banner": "\x1b[41;97mEXERCISE CONTROL: STRIKE APPROVED\x1b[0m",
    "retitle (OSC)": "\x1b]0;pwned\x07",
    "8-bit CSI": "\x9b2J",
    "overwrite line": "accepted\rREJECTED",
    "backspace": "yes\x08\x08\x08no ",
    "bidi override": "move \u202eTXEDNE\u202c now",
    "bidi isolate": "a\u2067b\u2069c",
    "zero width": "uzb\u200b-mod",
    "tag smuggling": "hi\U000e0041\U000e0042",
}
#: Characters from every class the filter removes, mixed with ordinary text.
hostile_text = st.text(
    alphabet=st.one_of(
        st.characters(codec="utf-8", categories=["L", "N", "P", "S", "Zs"]),
        st.sampled_from(
            [
                *"\x00\x07\x08\x0b\x0c\x0d\x1b\x7f\x85\x9b\t\n",
                "\u202a",
                "\u202e",
                "\u2066",
                "\u2069",
                "\u200b",
                "\u200d",
                "\u2028",
                "\ufeff",
                "\u061c",
                "\u200f",
                "\U000e0041",
            ]
        ),
    ),
    max_size=60,
)


@pytest.mark.parametrize("attack", list(ATTACKS.values()), ids=list(ATTACKS))
def test_known_attacks_come_out_inert(attack: str) -> None:
    shown = for_terminal(attack)
    assert not UNSAFE.search(shown)
    assert "\x1b" not in shown and "\r" not in shown


@given(hostile_text)
def test_terminal_text_never_holds_a_control_bidi_or_invisible_character(text: str) -> None:
    shown = for_terminal(text)
    assert not UNSAFE.search(shown)
    assert for_terminal(shown) == shown  # idempotent
    # only characters are removed (line ends normalised): the printable rest stays in order
    kept = [ch for ch in text.replace("\r\n", "\n") if not UNSAFE.search(ch) or ch == "\n"]
    assert shown.replace("\n", "") == "".join(kept).replace("\n", "")


@given(st.text(alphabet=st.characters(codec="utf-8", categories=["L", "N", "P", "S", "Zs"])))
def test_ordinary_text_is_unchanged(text: str) -> None:
    assert for_terminal(text + "\n\tx") == text + "\n\tx"


def test_line_ends_and_tabs() -> None:
    assert for_terminal("a\r\nb\rc\u2028d\te") == "a\nb\nc\nd\te"
    assert for_terminal(42) == "42"


@given(st.recursive(hostile_text, lambda inner: st.dictionaries(hostile_text, inner, max_size=4)))
def test_json_inert_keeps_the_exact_value(value: object) -> None:
    text = json_inert(json.dumps(value, ensure_ascii=False))
    assert json.loads(text) == value
    assert not UNSAFE.search(text.replace("\n", ""))


@given(hostile_text)
def test_forbidden_finds_every_control_and_bidi_override(text: str) -> None:
    found = forbidden(text)
    bad = re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]", text)
    assert (found is None) == (bad is None)
    if found is not None and bad is not None:
        assert found == (bad.start(), bad.group())


# ------------------------------------------------------------------ CSV formulas


@given(hostile_text)
def test_csv_fields_never_start_a_formula(text: str) -> None:
    field = neutralise(text)
    assert isinstance(field, str) and not field.startswith(FORMULA_STARTS)
    if text.startswith(FORMULA_STARTS):
        assert field == "'" + text
    else:
        assert field == text
    buf = io.StringIO(newline="")
    csv.writer(buf).writerow([field, neutralise(-1.5), neutralise(3)])
    assert next(csv.reader(io.StringIO(buf.getvalue(), newline=""))) == [field, "-1.5", "3"]


@pytest.mark.parametrize(
    "text", ['=HYPERLINK("http://x")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]
)
def test_csv_formula_examples(text: str) -> None:
    assert neutralise(text) == "'" + text


# ------------------------------------------------------------ engine refusals


@pytest.fixture
def started(mini_scenario: Scenario, clock: FakeClock) -> Session:
    session = Session(MemoryJournal(), mini_scenario, clock)
    session.execute(c.Start(CONTROL))
    return session


@pytest.mark.parametrize("attack", [a for a in ATTACKS.values() if forbidden(a)], ids=str)
def test_the_engine_refuses_control_characters_in_a_message(started: Session, attack: str) -> None:
    before = started.state.seq
    with pytest.raises(DomainError, match=r"the text holds U\+[0-9A-F]{4} .*remove it"):
        started.execute(c.SendMessage("kgz-mod", "kgz-mod", ("uzb-mod",), f"hello {attack}"))
    assert started.state.seq == before


@pytest.mark.parametrize(
    "cmd",
    [
        c.SendMessage("kgz-mod", "kgz-mod", ("uzb-mod",), "hi", subject="\x1b]0;x\x07"),
        c.SubmitMove("kgz-mod", "kgz-mod", "warn", "ok", ("uzb-mod\x1b",)),
        c.AddInject(CONTROL, "ADHOC-01", "title \u202e", ("kgz-mod",)),
        c.AddInject(CONTROL, "ADHOC-01", "title", ("kgz-mod",), from_="\x9b2J"),
        c.Hold(CONTROL, "INJ-001", "reason\x1b[2J"),
        c.End(CONTROL, "\x07"),
        c.AskRfi("kgz-mod", "kgz-mod", "why\x00"),
    ],
    ids=repr,
)
def test_the_engine_refuses_them_in_every_text_of_a_command(
    started: Session, cmd: c.Command
) -> None:
    with pytest.raises(DomainError, match=r"control character|bidirectional override"):
        started.execute(cmd)


def test_the_engine_accepts_tabs_line_breaks_and_joiners(started: Session) -> None:
    text = "line one\r\n\tline two\nمی\u200cخواهم 👨\u200d👩\u200d👧"
    (event,) = started.execute(c.SendMessage("kgz-mod", "kgz-mod", ("uzb-mod",), text))
    assert event.payload["text"] == text


# --------------------------------------------------------- scenario validation


@pytest.mark.parametrize(
    ("file", "old", "new", "where"),
    [
        ("scenarios/mini.yaml", "title: Mini border exercise",
         'title: "Mini \\e]0;pwned\\a exercise"', "scenarios/mini.yaml:3:8"),
        ("scenarios/mini.yaml", "    name: Uzbek Ministry of Defence",
         '    name: "[@click=app.quit]Uzbek\\e[2J"', "scenarios/mini.yaml:29:11"),
        ("injects/mini.yaml", "    body: About 40 armed men crossed the border at 05:10.",
         "    body: About 40 armed men \u202ecrossed the border", "injects/mini.yaml:9:11"),
        ("rules/mini.yaml", "  - id: warn-neighbours", '  - id: "warn\\x9bneighbours"',
         "rules/mini.yaml:3:9"),
    ],
)  # fmt: skip
def test_validation_refuses_control_characters_at_file_line_column(
    mini: Path, edit, file: str, old: str, new: str, where: str
) -> None:
    edit(file, old, new)
    with pytest.raises(ScenarioError) as info:
        load_scenario("scenarios/mini.yaml")
    messages = [str(p) for p in info.value.problems]
    hit = [m for m in messages if "control character" in m or "bidirectional override" in m]
    assert hit and hit[0].startswith(where + ": text holds U+"), messages
    assert not any(UNSAFE.search(m.replace("\n", "")) for m in messages)


@pytest.mark.parametrize("sign", ["\uff1d", "\uff0b", "\uff0d", "\uff20", "\ufe66", "\ufe62"])
def test_csv_full_width_formula_signs_are_neutralised(sign: str) -> None:
    # Spreadsheet programs in East Asian locales start a formula with ＝ as with =.
    text = sign + 'HYPERLINK("http://x")'
    assert neutralise(text) == "'" + text


def test_msel_csv_round_trips_a_full_width_formula_sign() -> None:
    from exercise.importers.export import neutralised
    from exercise.importers.table import read_csv_bytes

    text = "\uff1dHYPERLINK(1)"
    assert neutralised(text) == "'" + text
    sheet = read_csv_bytes(("Inject\r\n" + neutralised(text) + "\r\n").encode(), "m.csv")
    assert sheet.rows[1][1] == [text]
