"""Property tests: no input crashes the importer; it imports or raises ImportFailed.

And whatever it imports passes the loader's checks (``exercise validate``)."""

from __future__ import annotations

import contextlib
import csv
import io
import tempfile
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exercise.importers import Context, ImportFailed, Request, import_text, run
from exercise.importers.msel import import_sheets
from exercise.importers.table import Sheet
from exercise.model import Scenario

START = datetime(2003, 8, 22, 6, 0)
HEADER = [
    "Event Number",
    "Day",
    "Scenario Time",
    "Event Synopsis",
    "Inject",
    "From",
    "To",
    "Method",
    "Expected Player Action",
    "Objective",
    "Notes",
    "After",
]
FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

words = st.sampled_from(
    [
        "Kyrgyz MoD",
        "uzb-mod",
        "liaison",
        "+00:30",
        "D+1 06:00",
        "0930",
        "Day 2",
        "radio",
        "OBJ-1",
        "1",
        "2",
        "warn",
        "x",
        "",
        " ",
        "Ош",
        "25:99",
        "2003-08-22 09:30",
        "fax",
    ]
)
cell_text = st.one_of(words, st.text(max_size=20))
cell_value: st.SearchStrategy[Any] = st.one_of(
    st.none(),
    cell_text,
    st.integers(-5, 10**7),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.datetimes(min_value=datetime(1899, 12, 30), max_value=datetime(2100, 1, 1)),
    st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 1, 1)),
    st.times(),
    st.timedeltas(min_value=timedelta(days=-2), max_value=timedelta(days=400)),
)


def _csv(rows: list[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue()


def _import(text: str, **ctx: Any) -> None:
    with contextlib.suppress(ImportFailed):
        import_text(text, Context("x.csv", start=START, **ctx))


@FAST
@given(st.text(max_size=400))
def test_any_text_as_csv(text: str) -> None:
    _import(text)


@FAST
@given(st.lists(st.lists(cell_text, max_size=14), max_size=12))
def test_any_rows_under_an_msel_header(rows: list[list[str]]) -> None:
    _import(_csv([HEADER, *rows]))
    _import("Title row\n\n" + _csv([HEADER[::-1], *rows]))


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(st.lists(st.lists(cell_text, max_size=14), max_size=8))
def test_any_rows_against_a_scenario(mini_scenario: Scenario, rows: list[list[str]]) -> None:
    with contextlib.suppress(ImportFailed):
        import_text(_csv([HEADER, *rows]), Context("x.csv", scenario=mini_scenario))


@FAST
@given(
    st.lists(st.lists(cell_value, max_size=13), max_size=10),
    st.lists(cell_value, max_size=4),
)
def test_any_cell_values(rows: list[list[Any]], above: list[Any]) -> None:
    table = [(1, above), (2, list(HEADER)), *((n, r) for n, r in enumerate(rows, start=3))]
    with contextlib.suppress(ImportFailed):
        import_sheets([Sheet("x.xlsx", "MSEL", table)], Context("x.xlsx", start=START))


@st.composite
def msel_rows(draw: st.DrawFn) -> list[list[str]]:
    """Plausible MSEL rows: mostly sound values, some odd ones."""
    n = draw(st.integers(1, 6))
    rows = []
    for i in range(n):
        rows.append(
            [
                draw(st.sampled_from([str(i + 1), "", f"E{i}", str(i + 1), "1"])),
                draw(st.sampled_from(["", "", "", "Day 1", "Day 2"])),
                draw(st.sampled_from(["+00:30", "0930", "D+1 06:00", "", "T+12:00", "07:45"])),
                draw(st.one_of(st.just("Raid"), st.text(max_size=30).map(lambda t: t + " x"))),
                draw(st.text(max_size=40)),
                draw(st.text(max_size=10)),
                draw(st.sampled_from(["Kyrgyz MoD", "A; B", "Ош облысы", "Control", "!!", "B"])),
                draw(st.sampled_from(["radio", "telex", "", "smoke signals"])),
                draw(st.sampled_from(["", "Warn B", "\n"])),
                draw(st.sampled_from(["", "OBJ-1", "1, 2", "Objective 3: Share"])),
                draw(st.text(max_size=20)),
                draw(st.sampled_from(["", "", "", "", "1", "2"])),
            ]
        )
    return rows


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(msel_rows())
def test_what_imports_passes_validate(rows: list[list[str]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "m.csv").write_text(_csv([HEADER, *rows]), encoding="utf-8")
        out = root / "injects" / "m.yaml"
        try:
            result = run(Request(root / "m.csv", out, start=START))
        except ImportFailed as exc:
            # a draft that fails the loader's checks is named as such, never written
            assert not out.exists()
            assert exc.problems
            return
        assert out.exists() and result.validated.startswith("ok ")


json_value = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | cell_text,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=12,
)
INJECT_KEYS = [
    "inject_id",
    "inject_title",
    "inject_description",
    "inject_enabled",
    "inject_content",
    "inject_all_teams",
    "inject_depends_on",
    "inject_depends_duration",
    "inject_teams",
    "inject_injector_contract",
    "inject_tags",
    "inject_documents",
]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.dictionaries(st.sampled_from(INJECT_KEYS), json_value), max_size=5),
    st.lists(
        st.dictionaries(st.sampled_from(["team_id", "team_name", "team_users"]), json_value),
        max_size=3,
    ),
    json_value,
)
def test_any_openbas_export(injects: list[Any], teams: list[Any], other: Any) -> None:
    from exercise.importers.openbas import import_export

    doc = {
        "scenario_information": other,
        "scenario_injects": injects,
        "scenario_teams": teams,
        "scenario_objectives": other,
        "scenario_users": other,
    }
    with contextlib.suppress(ImportFailed):
        import_export(doc, Context("x.json", start=START))
