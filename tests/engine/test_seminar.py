"""Discussion-based exercises: control opens modules, cells answer their questions,
control notes the discussion; the answer rule scores who answered what."""

from __future__ import annotations

from datetime import timedelta

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exercise.engine import CONTROL, DomainError, fold, view
from exercise.engine import commands as c
from exercise.engine.queries import current_module, next_module
from exercise.journal.memory import MemoryJournal
from exercise.model import AnswerRule, Module, RuleSet, Scenario
from exercise.scoring import score
from exercise.session import Session

from ..conftest import FakeClock


@pytest.fixture
def seminar(mini_scenario: Scenario) -> Scenario:
    modules = (
        Module("M1", "The raid", timedelta(0), questions=("Who warns whom first?", "Who leads?")),
        Module("M2", "Hostages", timedelta(hours=30), questions=("Who negotiates?",)),
    )
    rules = RuleSet(rules=(AnswerRule("answers", "OBJ-1", 30, ("kgz-mod", "uzb-mod")),))
    return attrs.evolve(mini_scenario, modules=modules, ruleset=rules)


@pytest.fixture
def s(seminar: Scenario, clock: FakeClock) -> Session:
    session = Session(MemoryJournal(), seminar, clock)
    session.execute(c.Start(CONTROL))
    return session


def test_control_opens_the_next_module_and_its_questions_reach_every_cell(s: Session) -> None:
    assert current_module(s.state, 0).id == "M1"  # type: ignore[union-attr]
    assert [q.ref for q in view(s.state, "liaison").questions] == ["M1/1", "M1/2"]
    assert next_module(s.state, 0).id == "M2"  # type: ignore[union-attr]
    (event,) = s.execute(c.OpenModule(CONTROL, "M2"))
    assert event.type == "module.opened" and event.payload == {
        "module": "M2",
        "words": [
            {"language": "en", "title": "Hostages", "summary": "", "questions": ["Who negotiates?"]}
        ],
    }
    assert current_module(s.state, s.game_ms()).id == "M2"  # type: ignore[union-attr]
    assert next_module(s.state, s.game_ms()) is None
    assert [q.ref for q in view(s.state, "kgz-mod").questions] == ["M1/1", "M1/2", "M2/1"]
    with pytest.raises(DomainError, match="module M2 is already open"):
        s.execute(c.OpenModule(CONTROL, "M2"))
    with pytest.raises(DomainError, match="unknown module 'M9'"):
        s.execute(c.OpenModule(CONTROL, "M9"))
    with pytest.raises(DomainError, match="only exercise control may"):
        s.execute(c.OpenModule("kgz-mod", "M2"))


def test_answers_are_recorded_replaced_and_seen_by_whom_they_should(s: Session) -> None:
    with pytest.raises(DomainError, match="module M2 is not open yet"):
        s.execute(c.AnswerQuestion("kgz-mod", "kgz-mod", "M2", 1, "Osh"))
    with pytest.raises(DomainError, match="answer one of 1 to 2"):
        s.execute(c.AnswerQuestion("kgz-mod", "kgz-mod", "M1", 3, "?"))
    with pytest.raises(DomainError, match="may not act as"):
        s.execute(c.AnswerQuestion("kgz-mod", "uzb-mod", "M1", 1, "spoof"))
    with pytest.raises(DomainError, match="exercise control does not answer"):
        s.execute(c.AnswerQuestion(CONTROL, "white", "M1", 1, "control"))
    (first,) = s.execute(c.AnswerQuestion("kgz-mod", "kgz-mod", "M1", 1, "Bishkek warns first"))
    assert first.type == "question.answered"
    assert first.payload == {
        "cell": "kgz-mod", "module": "M1", "question": 1, "text": "Bishkek warns first",
        "shared": False,
    }  # fmt: skip
    s.execute(c.AnswerQuestion("kgz-mod", "kgz-mod", "M1", 1, "The border post warns both"))
    s.execute(c.AnswerQuestion("uzb-mod", "uzb-mod", "M1", 1, "Tashkent listens", shared=True))
    (mine, _) = view(s.state, "kgz-mod").questions
    assert mine.answer == "The border post warns both" and not mine.shared
    assert mine.others == (("uzb-mod", "Tashkent listens"),)  # shared by the Uzbek cell
    (theirs, _) = view(s.state, "uzb-mod").questions
    assert theirs.others == ()  # the Kyrgyz answer was not shared
    answer = s.state.answers[("M1", 1, "kgz-mod")]
    assert answer.revisions == 1
    s.execute(c.Publish(CONTROL, f"answer:{answer.seq}"))  # control shares it
    assert view(s.state, "liaison").questions[0].others == (
        ("kgz-mod", "The border post warns both"),
        ("uzb-mod", "Tashkent listens"),
    )


def test_a_module_opens_by_itself_when_its_time_comes(s: Session, clock: FakeClock) -> None:
    clock.advance(minutes=30 * 60 / 4)  # 30 game hours at ratio 4
    s.execute(c.AnswerQuestion("uzb-mod", "uzb-mod", "M2", 1, "The OSCE"))
    assert current_module(s.state, s.game_ms()).id == "M2"  # type: ignore[union-attr]


def test_facilitator_notes(s: Session) -> None:
    (event,) = s.execute(c.NoteModule(CONTROL, "M1", "Consensus: the post warns both capitals."))
    assert event.type == "module.noted"
    assert [n.text for n in s.state.module_notes] == ["Consensus: the post warns both capitals."]
    with pytest.raises(DomainError, match="the note is empty"):
        s.execute(c.NoteModule(CONTROL, "M1", " "))


def test_the_answer_rule_scores_each_cell_per_question(s: Session) -> None:
    s.execute(c.OpenModule(CONTROL, "M2"))
    s.execute(c.AnswerQuestion("kgz-mod", "kgz-mod", "M1", 1, "a"))
    s.execute(c.AnswerQuestion("kgz-mod", "kgz-mod", "M1", 1, "again"))  # counts once
    s.execute(c.AnswerQuestion("kgz-mod", "kgz-mod", "M2", 1, "b"))
    s.execute(c.AnswerQuestion("uzb-mod", "uzb-mod", "M1", 2, "c"))
    s.execute(c.AnswerQuestion("liaison", "liaison", "M1", 2, "not listed"))
    s.execute(c.End(CONTROL))
    result = score(s.scenario, s.journal.read())
    (objective,) = result.objectives
    assert objective.max_points == pytest.approx(30)
    assert objective.points == pytest.approx(15)  # 3 of 6 (cell, question) pairs, 5 each
    missing = sorted(a.key for a in result.awards if a.points == 0)
    assert missing == ["M1/1:uzb-mod", "M1/2:kgz-mod", "M2/1:uzb-mod"]


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["kgz-mod", "uzb-mod", "liaison"]),
            st.integers(min_value=1, max_value=2),
            st.text(alphabet="abc ", min_size=1, max_size=5).filter(str.strip),
            st.booleans(),
        ),
        max_size=12,
    )
)
def test_the_latest_answer_counts_and_a_replay_agrees(
    seminar: Scenario, answers: list[tuple[str, int, str, bool]]
) -> None:
    # the fixture is a frozen scenario: sharing it between examples is safe
    s = Session(MemoryJournal(), seminar, FakeClock())
    s.execute(c.Start(CONTROL))
    latest: dict[tuple[int, str], tuple[str, bool]] = {}
    for cell, q, text, shared in answers:
        s.execute(c.AnswerQuestion(cell, cell, "M1", q, text, shared))
        latest[(q, cell)] = (text, shared)
    assert {(q, cell): (a.text, a.shared) for (_, q, cell), a in s.state.answers.items()} == latest
    assert fold(seminar, s.journal.read()) == s.state


def test_a_console_sees_a_module_whose_time_has_come_before_any_event(
    s: Session, clock: FakeClock
) -> None:
    clock.advance(minutes=30 * 60 / 4)  # 30 game hours at ratio 4: M2's planned start
    assert [q.ref for q in view(s.state, "kgz-mod").questions] == ["M1/1", "M1/2"]
    refs = [q.ref for q in view(s.state, "kgz-mod", s.game_ms()).questions]
    assert refs == ["M1/1", "M1/2", "M2/1"]
