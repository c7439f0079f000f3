"""The report's discussion appendix: each module's questions, every cell's answer and the
facilitator's notes, in every format; answers are data (escaped) like all player text."""

from __future__ import annotations

import json
from pathlib import Path

from exercise.cli.main import main
from exercise.engine import CONTROL
from exercise.engine import commands as c
from exercise.report.build import build_report
from exercise.session import Session

from ..conftest import ROOT, FakeClock
from .conftest import MARKUP, SCRIPT


def test_the_seminar_report_has_a_record_per_module(shipped: dict[str, Path]) -> None:
    with Session.open(str(shipped["narcotics-seminar"])) as s:
        report = build_report(s.scenario, s.journal.read(), state=s.state)
    modules = {m.id: m for m in report.discussion}
    assert list(modules) == ["M1", "M2", "M3"]
    assert all(m.opened_ms is not None for m in modules.values())
    m1q1 = modules["M1"].questions[0]
    assert [a.cell for a in m1q1.answers] == ["tjk-dca", "tjk-sec", "rus-bg", "centcom-rgs"]
    (dca,) = [a for a in m1q1.answers if a.cell == "tjk-dca"]
    assert dca.revisions == 1 and dca.shared
    assert [a.cell for a in modules["M1"].questions[2].answers] == [
        "tjk-dca",
        "rus-bg",
        "centcom-rgs",
    ]  # fmt: skip  (tjk-sec left M1/3 open)
    assert len(modules["M3"].notes) == 1 and "did not commit" in modules["M3"].notes[0].text


def test_module_questions_are_listed_even_when_unanswered(shipped: dict[str, Path]) -> None:
    with Session.open(str(shipped["insurgent-incursion"])) as s:
        report = build_report(s.scenario, s.journal.read(), state=s.state)
    assert report.discussion  # its modules carry discussion questions too
    assert all(not q.answers for m in report.discussion for q in m.questions)


def test_answers_are_escaped_in_every_format(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    with Session.create(ROOT / "scenarios" / "narcotics-seminar.yaml", str(path), FakeClock()) as s:
        s.execute(c.Start(CONTROL))
        s.execute(c.AnswerQuestion("rus-bg", "rus-bg", "M1", 1, f"{SCRIPT} | {MARKUP}"))
        s.execute(c.NoteModule(CONTROL, "M1", f"**bold** {SCRIPT}"))
    for fmt in ("md", "html", "json"):
        out = tmp_path / f"r.{fmt}"
        assert main(["report", str(path), "--format", fmt, "-o", str(out)]) == 0
        text = out.read_text(encoding="utf-8")
        if fmt == "json":
            (m1, *_) = json.loads(text)["discussion"]
            assert m1["questions"][0]["answers"][0]["text"] == f"{SCRIPT} | {MARKUP}"
            assert m1["notes"][0]["text"] == f"**bold** {SCRIPT}"
        else:
            assert SCRIPT not in text
            assert "Appendix D: Discussion by module" in text
