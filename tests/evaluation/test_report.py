"""The report's EEG part: critical tasks with ratings, observations, final ratings and
agreement figures."""

from __future__ import annotations

from exercise.engine import CONTROL
from exercise.engine import commands as c
from exercise.report import build_report
from exercise.report.render import render_html, render_markdown
from exercise.session import Session

ANA = c.evaluator_actor("ana")
BEN = c.evaluator_actor("ben")


def rated(s: Session) -> Session:
    released = s.execute(c.Release(CONTROL, "INJ-001"))[0].seq
    s.execute(
        c.Observe(
            ANA, "Warning | <b>late</b>", "improvement", tasks=("T-warn",), events=(released,)
        )
    )
    s.execute(c.RateTask(ANA, "T-warn", "M", "warned after 50 minutes"))
    s.execute(c.RateTask(ANA, "T-ack", "P"))
    s.execute(c.RateTask(BEN, "T-warn", "S"))
    s.execute(c.OverrideRating(CONTROL, "OBJ-1", "M", "the warning came late"))
    return s


def test_report_shows_tasks_ratings_observations_and_agreement(eeg_session: Session) -> None:
    s = rated(eeg_session)
    report = build_report(s.scenario, s.journal.read(), state=s.state)
    ev = report.evaluation
    assert ev.evaluators == ("ana", "ben")
    (pair,) = ev.pairs
    assert (pair.raters, pair.tasks, pair.exact, pair.adjacent) == (("ana", "ben"), 1, 0.0, 1.0)
    (objective,) = ev.objectives
    assert (objective.final, objective.final_by) == ("M", "control")
    md = render_markdown(report)
    assert "### Evaluator agreement" in md
    assert "| ana / ben | 1 | 0% | 100% | 0.00 | weighted Cohen's kappa (linear) |" in md
    assert "#### Critical tasks (EEG)" in md
    assert (
        "| T-warn | Kyrgyz MOD warns Uzbekistan and the liaison cell of the raid | - | M | S |\n"
        in md
    )
    assert "T-warn, ana (M): warned after 50 minutes" in md
    assert "Final rating M set by control" in md
    assert "(events 1)" not in md  # the release is event 6 here, after the set-up
    assert "Warning \\| <b>late</b>" in md or "Warning \\| \\<b\\>late\\</b\\>" in md
    html = render_html(report, charts=[])
    assert 'class="disagree"' in html
    assert "&lt;b&gt;late&lt;/b&gt;" in html
    assert "<b>late</b>" not in html


def test_no_evaluators_no_agreement_section(eeg_mini: object) -> None:
    from exercise.journal.memory import MemoryJournal
    from exercise.scenario import load_scenario

    s = Session(MemoryJournal(), load_scenario(eeg_mini))  # type: ignore[arg-type]
    s.execute(c.Start(CONTROL))
    md = render_markdown(build_report(s.scenario, s.journal.read()))
    assert "Evaluator agreement" not in md
    assert "#### Critical tasks (EEG)" in md


def test_eeg_export_per_evaluator(eeg_session: Session) -> None:
    import pytest

    from exercise.errors import ReportProblem
    from exercise.report.render import render_eeg_html, render_eeg_markdown

    s = rated(eeg_session)
    report = build_report(s.scenario, s.journal.read(), state=s.state)
    md = render_eeg_markdown(report, "ana")
    assert "| Evaluator | ana |" in md
    assert "| Critical task | Observation notes and explanation of rating | Rating |" in md
    assert (
        "| T-warn: Kyrgyz MOD warns Uzbekistan and the liaison cell of the raid "
        "| warned after 50 minutes | M |" in md
    )
    assert "| T-ack: Uzbek MOD acknowledges the reports it receives | - | P |" in md
    assert "Final core capability rating: M (set by control)" in md
    ben = render_eeg_markdown(report, "ben")
    assert "T-ack" not in ben  # ben is assigned to kgz-mod: only T-warn
    html = render_eeg_html(report, "ana")
    assert "<h1>Exercise Evaluation Guide</h1>" in html and "&lt;b&gt;late" in html
    with pytest.raises(ReportProblem, match="no evaluator 'zed'"):
        render_eeg_markdown(report, "zed")


def test_json_carries_the_evaluation(eeg_session: Session) -> None:
    from exercise.report import report_data

    s = rated(eeg_session)
    report = build_report(s.scenario, s.journal.read(), state=s.state)
    data = report_data(s.scenario, s.journal.read(), report.scores, report)["evaluation"]
    assert data["evaluators"] == ["ana", "ben"]
    (objective,) = data["objectives"]
    assert (objective["final_rating"], objective["final_by"]) == ("M", "control")
    warn = objective["tasks"][0]
    assert warn["task"] == "T-warn" and warn["ratings"]["ben"]["rating"] == "S"
    (pair,) = data["agreement"]["pairs"]
    assert pair == {
        "raters": ["ana", "ben"],
        "tasks": 1,
        "exact": 0.0,
        "adjacent": 1.0,
        "kappa": 0.0,
        "method": "weighted Cohen's kappa (linear)",
    }
