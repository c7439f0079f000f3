"""The shipped rehearsals' evaluators: critical tasks on every objective, two evaluators
agreeing in part, the agreement figures and each evaluator's EEG from the command line."""

from __future__ import annotations

from pathlib import Path

import pytest

from exercise.cli.main import main
from exercise.report import build_report
from exercise.report.render import render_markdown
from exercise.session import Session

EVALUATORS = {
    "georgia-crisis": ("amina", "paul"),
    "insurgent-incursion": ("dilnoza", "mark"),
    "narcotics-seminar": ("observer", "rapporteur"),
}
# exact agreements counted by hand from the rehearsals' rate steps
EXACT = {"georgia-crisis": (7, 15), "insurgent-incursion": (6, 13), "narcotics-seminar": (3, 6)}


@pytest.mark.parametrize("name", sorted(EVALUATORS))
def test_partial_agreement_in_the_report(shipped: dict[str, Path], name: str) -> None:
    with Session.open(str(shipped[name])) as s:
        report = build_report(s.scenario, s.journal.read(), state=s.state)
    ev = report.evaluation
    assert all(o.tasks for o in ev.objectives)  # every objective has critical tasks
    assert ev.evaluators == EVALUATORS[name]
    (pair,) = ev.pairs
    same, tasks = EXACT[name]
    assert pair.tasks == tasks and pair.exact == pytest.approx(same / tasks)
    assert pair.adjacent == 1.0
    assert pair.kappa is not None and 0 < pair.kappa < 1
    assert [g.raters[1] for g in ev.vs_computed] == ["computed", "computed"]
    md = render_markdown(report)
    a, b = EVALUATORS[name]
    assert f"| {a} / {b} | {tasks} | {same / tasks:.0%} | 100% |" in md
    assert md.count("#### Critical tasks (EEG)") == len(ev.objectives)


def test_eeg_from_the_command_line(
    shipped: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    session = str(shipped["georgia-crisis"])
    out = tmp_path / "amina.html"
    assert main(["eeg", session, "--evaluator", "amina", "-o", str(out)]) == 0
    html = out.read_text(encoding="utf-8")
    assert "<h1>Exercise Evaluation Guide</h1>" in html and "amina" in html
    assert html.count('<article class="objective">') == 7
    assert main(["eeg", session, "--evaluator", "paul"]) == 0
    assert "| Evaluator | paul |" in capsys.readouterr().out
    assert main(["eeg", session, "--evaluator", "nobody"]) == 1
    assert "there is no evaluator 'nobody'" in capsys.readouterr().err


def test_eeg_and_agreement_in_russian(
    shipped: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    session = str(shipped["insurgent-incursion"])
    assert main(["eeg", session, "--evaluator", "dilnoza", "--lang", "ru"]) == 0
    md = capsys.readouterr().out
    assert md.startswith("# Руководство по оценке учения (EEG): ")
    assert "| Оценщик | dilnoza |" in md
    assert "| Критическая задача | Наблюдения и обоснование оценки | Оценка |" in md
    assert (
        "Шкала оценок: P — выполнено; S — выполнено с замечаниями; "
        "M — выполнено с существенными недостатками; U — не выполнено." in md
    )
    assert "Итоговая оценка базовой способности:" in md and "Подпись оценщика:" in md
    # the critical tasks in the scenario's Russian translation
    assert "| OBJ-2.1: Срочное предупреждение о вторжении в Баткен — Ташкенту" in md
    out = tmp_path / "dilnoza.html"
    assert main(["--lang", "ru", "eeg", session, "--evaluator", "dilnoza", "-o", str(out)]) == 0
    html = out.read_text(encoding="utf-8")
    assert '<html lang="ru">' in html and "<h1>Руководство по оценке учения (EEG)</h1>" in html
    assert main(["eeg", session, "--evaluator", "nobody", "--lang", "ru"]) == 1
    assert "в этом сеансе нет оценщика 'nobody'" in capsys.readouterr().err
    report = tmp_path / "aar.md"
    assert main(["report", session, "--lang", "ru", "--format", "md", "-o", str(report)]) == 0
    text = report.read_text(encoding="utf-8")
    assert "### Согласованность оценщиков" in text
    assert "| Оценщики | Задач | Точное | Смежное | Каппа | Метод |" in text
    assert "взвешенная каппа Коэна (линейная)" in text and "dilnoza / расчёт" in text
    assert "#### Критические задачи (EEG)" in text
    for english in ("Evaluator agreement", "Critical tasks (EEG)", "weighted Cohen", "(events "):
        assert english not in text
