"""Evaluators in the engine: they see everything, write only observations and ratings,
and every other command they give is refused and recorded."""

from __future__ import annotations

from typing import Any

import attrs
import pytest

from exercise.engine import CONTROL, DomainError
from exercise.engine import commands as c
from exercise.engine.decide import EVALUATOR_COMMANDS
from exercise.engine.state import assigned_tasks, fold
from exercise.model import events as ev
from exercise.session import Session

ANA = c.evaluator_actor("ana")
BEN = c.evaluator_actor("ben")

REFUSED = [
    c.Release(ANA, "INJ-002"),
    c.Pause(ANA),
    c.End(ANA),
    c.SubmitMove(ANA, "kgz-mod", "warn", "A warning", ("uzb-mod",)),
    c.SendMessage(ANA, "kgz-mod", ("uzb-mod",), "hello"),
    c.Acknowledge(ANA, "kgz-mod", "inject:INJ-001"),
    c.AskRfi(ANA, "kgz-mod", "when?"),
    c.OverrideRating(ANA, "OBJ-1", "P", "fine"),
    c.PlanImprovement(ANA, "an issue"),
    c.AddEvaluator(ANA, "eve"),
    c.AssignEvaluator(ANA, "ana", objectives=("OBJ-1",)),
    c.Join(ANA, "kgz-mod"),
]


@pytest.mark.parametrize("cmd", REFUSED, ids=lambda cmd: type(cmd).__name__)
def test_every_other_command_is_refused_and_recorded(eeg_session: Session, cmd: c.Command) -> None:
    before = eeg_session.state.seq
    with pytest.raises(DomainError, match="evaluator ana may not"):
        eeg_session.execute(cmd)
    new = eeg_session.journal.read(after=before)
    assert [e.type for e in new] == ["command.refused"]
    assert new[0].actor == ANA
    assert isinstance(new[0].data, ev.CommandRefused)
    assert new[0].data.command == type(cmd).__name__
    assert eeg_session.state.refusals[-1].actor == ANA


def test_an_unknown_evaluator_is_refused_without_a_record(eeg_session: Session) -> None:
    before = eeg_session.state.seq
    with pytest.raises(DomainError, match="no evaluator 'zed'"):
        eeg_session.execute(c.RateTask(c.evaluator_actor("zed"), "T-warn", "P"))
    assert eeg_session.state.seq == before


def test_evaluators_observe_and_rate(eeg_session: Session) -> None:
    s = eeg_session
    released = s.execute(c.Release(CONTROL, "INJ-001"))[0].seq
    s.execute(c.JoinEvaluator(ANA))
    s.execute(
        c.Observe(
            ANA, "Warning went out late", "improvement", tasks=("T-warn",), events=(released,)
        )
    )
    s.execute(c.RateTask(ANA, "T-warn", "M", "late by 20 minutes"))
    s.execute(c.RateTask(ANA, "T-warn", "S", "on reflection, the warning was complete"))
    s.execute(c.RateTask(BEN, "T-warn", "P"))
    assert s.state.evaluators["ana"].joined
    assert s.state.task_ratings[("ana", "T-warn")].rating == "S"  # the latest rating counts
    assert s.state.task_ratings[("ben", "T-warn")].rating == "P"
    (obs,) = s.state.observations
    assert (obs.by, obs.tasks, obs.events) == (ANA, ("T-warn",), (released,))
    # folding the journal again gives the same state
    assert fold(s.scenario, s.journal.read()) == s.state


@pytest.mark.parametrize(
    ("cmd", "message"),
    [
        (c.RateTask(ANA, "T-warn", "U"), "the reason is empty"),
        (c.RateTask(ANA, "T-warn", "M", "  "), "the reason is empty"),
        (c.RateTask(ANA, "T-warn", "X"), "one of P, S, M, U"),
        (c.RateTask(ANA, "T-nope", "P"), "unknown critical task"),
        (c.RateTask(BEN, "T-ack", "P"), "not assigned to task T-ack"),
        (c.RateTask(CONTROL, "T-ack", "P"), "only an evaluator rates"),
        (c.Observe(ANA, "x", events=(999,)), "no event 999"),
        (c.Observe(ANA, "x", tasks=("T-zzz",)), "unknown critical task"),
        (c.AddEvaluator(CONTROL, "ana"), "already an evaluator"),
        (c.AddEvaluator(CONTROL, "Ana Smith"), "lower-case"),
        (c.AddEvaluator(CONTROL, "kgz-mod"), "is a cell"),
        (c.AddEvaluator("kgz-mod", "eve"), "only exercise control"),
        (c.AssignEvaluator(CONTROL, "eve"), "no evaluator 'eve'"),
    ],
)
def test_bad_evaluation_commands(eeg_session: Session, cmd: c.Command, message: str) -> None:
    with pytest.raises(DomainError, match=message):
        eeg_session.execute(cmd)


def test_assignments_choose_the_tasks(eeg_session: Session) -> None:
    st = eeg_session.state
    assert assigned_tasks(st.scenario, st.evaluators["ana"]) == ["T-warn", "T-ack"]
    assert assigned_tasks(st.scenario, st.evaluators["ben"]) == ["T-warn"]


def test_an_evaluator_sees_all_traffic(eeg_session: Session) -> None:
    s = eeg_session
    s.execute(c.Release(CONTROL, "INJ-001"))
    s.execute(c.SubmitMove("kgz-mod", "kgz-mod", "warn", "Raid at the border", ("uzb-mod",)))
    # what control sees, the evaluator's console reads from the same state: every delivery
    assert {d.cell for d in s.state.deliveries.values()} >= {"kgz-mod", "uzb-mod"}


def _any_command(kind: type[c.Command]) -> c.Command:
    """An instance of ``kind`` given by evaluator ana, its other fields filled with
    plausible values (the refusal comes before any of them is looked at)."""
    values: dict[str, Any] = {}
    for f in attrs.fields(kind):
        if f.name == "actor":
            values[f.name] = ANA
        elif f.default is not attrs.NOTHING:
            continue
        else:
            kind_of = str(f.type)
            values[f.name] = (
                1 if "int" in kind_of and "str" not in kind_of
                else 1.0 if "float" in kind_of
                else () if "tuple" in kind_of
                else False if "bool" in kind_of
                else "kgz-mod"
            )  # fmt: skip
    return kind(**values)


ALL_COMMANDS = sorted(
    (k for k in vars(c).values() if isinstance(k, type) and issubclass(k, c.Command)
     and k is not c.Command and attrs.has(k)),
    key=lambda k: k.__name__,
)  # fmt: skip


@pytest.mark.parametrize(
    "kind", [k for k in ALL_COMMANDS if k not in EVALUATOR_COMMANDS], ids=lambda k: k.__name__
)
def test_every_command_but_observing_and_rating_is_refused(
    eeg_session: Session, kind: type[c.Command]
) -> None:
    """Not only the commands listed above: every command the engine knows, present and
    future, except the evaluator's own."""
    before = eeg_session.state.seq
    with pytest.raises(DomainError, match="evaluator ana may not"):
        eeg_session.execute(_any_command(kind))
    (refused,) = eeg_session.journal.read(after=before)
    assert refused.type == "command.refused" and refused.actor == ANA


def test_the_evaluator_commands_are_few() -> None:
    assert {k.__name__ for k in EVALUATOR_COMMANDS} == {"Observe", "RateTask", "JoinEvaluator"}
    assert len(ALL_COMMANDS) > 30
