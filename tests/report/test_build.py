"""The report's data model, its charts, and scores after the hot wash."""

from __future__ import annotations

import re
import tomllib
from fnmatch import fnmatch
from pathlib import Path

import pytest

from exercise.engine import CONTROL
from exercise.engine import commands as c
from exercise.report import Report, build_report, report_data
from exercise.report.charts import draw_all
from exercise.report.series import sample_times
from exercise.scoring import score
from exercise.session import Session

from ..conftest import ROOT
from .conftest import MINI, Copy


@pytest.fixture(scope="module")
def mini_report(hostile: Path) -> Report:
    with Session.open(str(hostile)) as s:
        return build_report(s.scenario, s.journal.read())


def test_sample_times() -> None:
    assert sample_times(0, 121) == [0]
    assert sample_times(600, 4) == [0, 200, 400, 600]
    assert sample_times(5, 121) == [0, 1, 2, 3, 4, 5]


def test_series_ends_at_the_scores(mini_report: Report) -> None:
    series = mini_report.series
    assert series.game_ms[0] == 0 and series.game_ms[-1] == mini_report.scores.game_ms
    assert list(series.game_ms) == sorted(set(series.game_ms))
    assert {c: v[-1] for c, v in series.points.items()} == pytest.approx(
        {c: row["points"] for c, row in mini_report.scores.cells.items()}
    )
    # the Uzbek strike without consultation is a penalty: uzb-mod goes below zero
    assert min(series.points["uzb-mod"]) < 0


def test_injects_and_pairs(mini_report: Report) -> None:
    first, second = mini_report.injects
    assert (first.inject, first.first_read_ms, first.first_ack_ms) == ("INJ-001", 0, 0)
    assert first.acknowledged_by == ("kgz-mod",)
    assert [(x.cell, x.action, x.status) for x in first.expectations] == [
        ("kgz-mod", "warn", "missed")
    ]
    assert (second.inject, second.first_ack_ms, second.reason) == (
        "INJ-003",
        None,
        "trigger: move strike by uzb-mod",
    )
    pairs = {(p.from_, p.to): p for p in mini_report.pair_latency}
    assert pairs[("kgz-mod", "uzb-mod")].median_min == 0.0
    assert pairs[("kgz-mod", "liaison")].never == 1


def test_plan_and_override(mini_report: Report) -> None:
    (item,) = mini_report.improvement_plan  # IP-02 was removed
    assert (item.item, item.cell, item.cell_name, item.objective) == (
        "IP-01",
        "uzb-mod",
        "Uzbek Ministry of Defence",
        "OBJ-1",
    )
    (objective,) = mini_report.analysis
    assert objective.override_rating == "S" and objective.rating == "S"
    assert objective.override_seq is not None and objective.computed_rating == "U"
    kinds = [(f.source, f.rule) for f in objective.improvements]
    assert ("observation", "") in kinds and ("scoring", "consult-before-strike") in kinds


def test_overrides_after_endex_count_in_the_scores(hostile: Path, copy: Copy) -> None:
    """The hot wash comes after ENDEX: its rating overrides are what the scores show."""
    with Session.open(str(copy(hostile))) as s:
        events = s.journal.read()
        (o,) = score(s.scenario, events).objectives
        assert (o.rating, o.computed) == ("S", "U") and o.override_reason.startswith("hot wash")
        s.execute(c.OverrideRating(CONTROL, "OBJ-1", None))
        (o,) = score(s.scenario, s.journal.read()).objectives
        assert (o.rating, o.override_reason) == ("U", "")
        data = report_data(s.scenario, s.journal.read(), score(s.scenario, s.journal.read()))
        assert data["analysis"][0]["override"] is None


def test_charts(mini_report: Report) -> None:
    charts = {ch.name: ch for ch in draw_all(mini_report)}
    assert list(charts) == ["scores", "latency", "network", "injects"]
    assert "required links never used: liaison – kgz-mod" in charts["network"].alt
    assert "never notified: kgz-mod → liaison" in charts["latency"].alt
    ids: list[str] = []
    for name, chart in charts.items():
        svg = chart.svg()
        assert svg.startswith('<svg role="img" class="chart"') and svg.endswith("</svg>")
        assert "<style" not in svg and "<metadata" not in svg and "<?xml" not in svg
        found = re.findall(r'\bid="([^"]+)"', svg)
        assert all(i.startswith(f"c-{name}-") for i in found)
        refs = re.findall(r'(?:href="|url\()#([^")]+)', svg)
        assert set(refs) <= set(found), "every reference points inside the same chart"
        assert not re.search(r'(?:href|src)="(?!#)', svg)
        ids += found
        assert chart.png()[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(ids) == len(set(ids))


def test_dollar_signs_are_not_mathtext(tmp_path: Path) -> None:
    """Labels come from ids; even so a '$' in one must not be parsed as TeX."""
    with Session.create(MINI / "scenarios" / "mini.yaml", str(tmp_path / "s.db")) as s:
        s.execute(c.Start(CONTROL))
        s.execute(c.AddInject(CONTROL, "X$1$", "Price $5", ("kgz-mod",)))
        rep = build_report(s.scenario, s.journal.read())
    charts = {ch.name: ch for ch in draw_all(rep)}
    assert "X$1$" in charts["injects"].svg()


def test_templates_are_package_data() -> None:
    """A non-editable install carries the templates: pyproject's package-data covers them."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]["exercise"]
    folder = ROOT / "src" / "exercise" / "report" / "templates"
    files = [p.relative_to(ROOT / "src" / "exercise").as_posix() for p in folder.iterdir()]
    assert {"report/templates/report.html.j2", "report/templates/report.md.j2"} <= set(files)
    for f in files:
        assert any(fnmatch(f, pattern) for pattern in patterns), f


def test_coordination_in_the_timeline(mini_scenario, clock) -> None:
    from exercise.journal.memory import MemoryJournal

    s = Session(MemoryJournal(), mini_scenario, clock)
    s.execute(c.Start(CONTROL))
    (intent,) = s.execute(c.StateIntent("uzb-mod", "uzb-mod", "strike", "Strike the camp",
                                        place="Zardaly", concerns=("kgz-mod",)))  # fmt: skip
    (asked,) = s.execute(c.Consult("uzb-mod", "uzb-mod", ("kgz-mod",), "Villages?",
                                   intent=intent.seq))  # fmt: skip
    s.execute(c.AnswerConsultation("kgz-mod", "kgz-mod", asked.seq, "One, 2 km east"))
    s.execute(c.RefuseConsent("kgz-mod", "kgz-mod", "uzb-mod", "No", intent=intent.seq))
    rep = build_report(mini_scenario, s.journal.read())
    lines = [(t.kind, t.headline, t.detail) for t in rep.timeline if t.kind == "coordination"]
    assert lines == [
        ("coordination", "uzb-mod intends strike", "place Zardaly; concerns kgz-mod"),
        ("coordination", f"uzb-mod consults about intent {intent.seq}", ""),
        ("coordination", f"kgz-mod answers consultation {asked.seq}", ""),
        ("coordination", f"kgz-mod refuses consent to intent {intent.seq}", ""),
    ]


def test_the_scope_line_counts_in_real_plurals(mini_scenario, clock) -> None:
    """One control cell and one module read in the singular, the rest in the plural, and
    the Russian line takes the form each count asks for (with a decimal comma)."""
    import attrs

    from exercise.i18n import set_language
    from exercise.journal.memory import MemoryJournal

    s = Session(MemoryJournal(), mini_scenario, clock)
    assert (len(mini_scenario.control_cells), len(mini_scenario.modules)) == (1, 1)
    scope = build_report(mini_scenario, s.journal.read()).overview.scope
    assert "(s)" not in scope
    assert " and 1 control cell over " in scope
    assert " MSEL injects in 1 module, " in scope
    assert re.match(r"\d+ player cells \(", scope)
    set_language("ru")
    scope = build_report(mini_scenario, s.journal.read()).overview.scope
    assert " и 1 группа руководства; " in scope and " в 1 этапе, " in scope
    assert re.search(r"при темпе времени 4; \d+ вводн", scope)
    halved = attrs.evolve(mini_scenario, clock_ratio=2.5, modules=())
    scope = build_report(halved, s.journal.read()).overview.scope
    assert "при темпе времени 2,5;" in scope and "вне этапов" in scope
