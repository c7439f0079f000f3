"""Version-2 scoring semantics: consultation about the action, consent, reports after
the fact, joint action with the right parties, links both ways, weighted and capped
points, ratings beside the evaluators' observations."""

from __future__ import annotations

from datetime import timedelta

import attrs
import pytest

from exercise.engine import CONTROL, DomainError
from exercise.engine import commands as c
from exercise.engine.view import view
from exercise.journal.memory import MemoryJournal
from exercise.model import (
    AcknowledgeRule,
    DeconflictRule,
    JointRule,
    NetworkRule,
    NotifyRule,
    RuleSet,
    Scenario,
)
from exercise.model.rules import Ratings
from exercise.scoring import Award, Scores, score
from exercise.session import Session

from ..conftest import FakeClock

H = timedelta(hours=1)


def make(mini_scenario: Scenario, clock: FakeClock, *rules: object, version: int = 2,
         ratings: Ratings | None = None) -> Session:  # fmt: skip
    ruleset = RuleSet(rules=tuple(rules), version=version, ratings=ratings or Ratings())  # type: ignore[arg-type]
    s = Session(MemoryJournal(), attrs.evolve(mini_scenario, ruleset=ruleset), clock)
    s.execute(c.Start(CONTROL))
    return s


def minutes(clock: FakeClock, n: float) -> None:
    clock.advance(minutes=n / 4)  # the mini scenario's clock ratio is 4


def result(s: Session) -> Scores:
    s.execute(c.End(CONTROL))
    return score(s.scenario, s.journal.read())


def only(scores: Scores, rule: str, key: str | None = None) -> Award:
    found = [a for a in scores.awards if a.rule == rule and (key is None or a.key == key)]
    assert len(found) == 1, found
    return found[0]


def seq(events: list) -> int:  # type: ignore[type-arg]
    return int(events[0].seq)


# ---------------------------------------------------------------- consultation

STRIKE = DeconflictRule(
    id="consult", objective="OBJ-1", points=10, penalty=5, cell="uzb-mod", action="strike",
    consult=("kgz-mod",), within=4 * H, lead=timedelta(minutes=30),
)  # fmt: skip


def intend(s: Session, kind: str = "strike", cell: str = "uzb-mod") -> int:
    return seq(s.execute(c.StateIntent(cell, cell, kind, "Strike the camp", "camp", "Zardaly",
                                       ("kgz-mod",))))  # fmt: skip


def test_unrelated_message_is_not_consultation(mini_scenario, clock) -> None:
    s = make(mini_scenario, clock, STRIKE)
    minutes(clock, 10)
    sent = seq(s.execute(c.SendMessage("uzb-mod", "uzb-mod", ("kgz-mod",), "Sokh is closed")))
    minutes(clock, 60)
    strike = seq(s.execute(c.SubmitMove("uzb-mod", "uzb-mod", "strike", "Air strike")))
    a = only(result(s), "consult")
    assert (a.points, a.max_points) == (-5, 10)
    assert a.explanation == (
        f"uzb-mod took strike (event {strike}): kgz-mod not consulted: the move states no "
        f"intent and answers no inject, so nothing is linked to it (its traffic to kgz-mod, "
        f"last event {sent}, was not about this action): 0/10, penalty −5"
    )


def test_linked_consultation_counts_and_is_named(mini_scenario, clock) -> None:
    s = make(mini_scenario, clock, STRIKE)
    intent = intend(s)
    asked = seq(s.execute(c.Consult("uzb-mod", "uzb-mod", ("kgz-mod",), "Your villages?",
                                    intent=intent)))  # fmt: skip
    minutes(clock, 45)
    strike = seq(s.execute(c.SubmitMove("uzb-mod", "uzb-mod", "strike", "Air strike",
                                        intent=intent)))  # fmt: skip
    a = only(result(s), "consult")
    assert a.points == 10
    assert a.explanation == (
        f"uzb-mod took strike (event {strike}) after consulting kgz-mod 45 min before "
        f"(consultation event {asked}): 10/10"
    )
    assert asked in a.events


def test_consultation_short_of_the_lead_time(mini_scenario, clock) -> None:
    s = make(mini_scenario, clock, STRIKE)
    intent = intend(s)
    asked = seq(s.execute(c.Consult("uzb-mod", "uzb-mod", ("kgz-mod",), "Now", intent=intent)))
    minutes(clock, 10)
    s.execute(c.SubmitMove("uzb-mod", "uzb-mod", "strike", "Air strike", intent=intent))
    a = only(result(s), "consult")
    assert a.points == -5
    assert (
        f"consultation event {asked} came 10 min before, less than the 30 min lead" in a.explanation
    )


def test_consultation_about_another_intent_does_not_count(mini_scenario, clock) -> None:
    s = make(mini_scenario, clock, STRIKE)
    first = intend(s)
    s.execute(c.Consult("uzb-mod", "uzb-mod", ("kgz-mod",), "About the first", intent=first))
    second = intend(s)
    minutes(clock, 60)
    s.execute(c.SubmitMove("uzb-mod", "uzb-mod", "strike", "Air strike", intent=second))
    a = only(result(s), "consult")
    assert a.points == -5
    assert f"no consultation of kgz-mod was linked to intent {second}" in a.explanation


def test_answer_required(mini_scenario, clock) -> None:
    rule = attrs.evolve(STRIKE, answered=True)
    s = make(mini_scenario, clock, rule)
    intent = intend(s)
    asked = seq(s.execute(c.Consult("uzb-mod", "uzb-mod", ("kgz-mod",), "?", intent=intent)))
    minutes(clock, 40)
    s.execute(c.SubmitMove("uzb-mod", "uzb-mod", "strike", "Strike", intent=intent))
    reply = seq(s.execute(c.AnswerConsultation("kgz-mod", "kgz-mod", asked, "Village at 2 km")))
    minutes(clock, 10)
    strike2 = seq(s.execute(c.SubmitMove("uzb-mod", "uzb-mod", "strike", "Again",
                                         intent=intent)))  # fmt: skip
    scores = result(s)
    first = next(a for a in scores.awards if a.rule == "consult")
    assert first.points == -5
    assert f"kgz-mod had not answered consultation event {asked}" in first.explanation
    second = only(scores, "consult", f"move:{strike2}")
    assert second.points == 10
    assert f"answered event {reply}" in second.explanation


def test_consultation_linked_to_the_inject_the_move_answers(mini_scenario, clock) -> None:
    rule = DeconflictRule(id="consult", objective="OBJ-1", points=10, penalty=5,
                          cell="kgz-mod", action="strike", consult=("uzb-mod",))  # fmt: skip
    s = make(mini_scenario, clock, rule)
    minutes(clock, 30)
    s.execute(c.ReleaseDue(CONTROL))  # INJ-001 reaches kgz-mod
    asked = seq(s.execute(c.Consult("kgz-mod", "kgz-mod", ("uzb-mod",), "Strike at Zardaly?",
                                    inject="INJ-001")))  # fmt: skip
    minutes(clock, 20)
    s.execute(c.SubmitMove("kgz-mod", "kgz-mod", "strike", "Strike", answers="INJ-001"))
    s.execute(c.SubmitMove("kgz-mod", "kgz-mod", "strike", "Another, answering nothing"))
    awards = [a for a in result(s).awards if a.rule == "consult"]
    assert [a.points for a in awards] == [10, -5]
    assert f"consultation event {asked}" in awards[0].explanation


# --------------------------------------------------------------------- consent

CONSENT = DeconflictRule(
    id="consent", objective="OBJ-1", points=15, penalty=10, cell="uzb-mod",
    action="strike", consent=("kgz-mod",),
)  # fmt: skip


def test_acting_after_a_refusal(mini_scenario, clock) -> None:
    s = make(mini_scenario, clock, CONSENT)
    intent = intend(s)
    minutes(clock, 60)  # 07:00 local
    no = seq(s.execute(c.RefuseConsent("kgz-mod", "kgz-mod", "uzb-mod", "No consent to pursuit",
                                       intent=intent)))  # fmt: skip
    minutes(clock, 30)
    strike = seq(s.execute(c.SubmitMove("uzb-mod", "uzb-mod", "strike", "Strike",
                                        intent=intent)))  # fmt: skip
    a = only(result(s), "consent")
    assert (a.points, a.max_points) == (-10, 15)
    assert a.explanation == (
        f"uzb-mod took strike (event {strike}): after kgz-mod refused consent "
        f"(event {no}, D+0 07:00): 0/15, penalty −10"
    )
    assert no in a.events


def test_acting_without_consent_and_with_it(mini_scenario, clock) -> None:
    s = make(mini_scenario, clock, CONSENT)
    intent = intend(s)
    s.execute(c.SubmitMove("uzb-mod", "uzb-mod", "strike", "Strike", intent=intent))
    yes = seq(s.execute(c.GiveConsent("kgz-mod", "kgz-mod", "uzb-mod", intent=intent)))
    s.execute(c.SubmitMove("uzb-mod", "uzb-mod", "strike", "Strike", intent=intent))
    awards = [a for a in result(s).awards if a.rule == "consent"]
    assert [a.points for a in awards] == [-10, 15]
    assert "without consent from kgz-mod" in awards[0].explanation
    assert f"with consent from kgz-mod (event {yes}, D+0 06:00)" in awards[1].explanation


def test_consent_is_seen_by_the_asking_cell_and_control_only(mini_scenario, clock) -> None:
    s = make(mini_scenario, clock, CONSENT)
    intent = intend(s)
    no = seq(s.execute(c.RefuseConsent("kgz-mod", "kgz-mod", "uzb-mod", "No", intent=intent)))
    seen = {v.seq: v.what for v in view(s.state, "uzb-mod").coordination}
    assert seen == {intent: "intent", no: "consent refused"}
    assert no not in {v.seq for v in view(s.state, "liaison").coordination}
    assert s.state.consents[no].to == ("uzb-mod",)


def test_engine_refuses_meaningless_coordination(mini_scenario, clock) -> None:
    s = make(mini_scenario, clock, CONSENT)
    intent = intend(s)
    with pytest.raises(DomainError, match="exactly one of an intent or an inject"):
        s.execute(c.Consult("uzb-mod", "uzb-mod", ("kgz-mod",), "?"))
    with pytest.raises(DomainError, match="stated by uzb-mod, not kgz-mod"):
        s.execute(c.Consult("kgz-mod", "kgz-mod", ("uzb-mod",), "?", intent=intent))
    with pytest.raises(DomainError, match="is to strike, not warn"):
        s.execute(c.SubmitMove("uzb-mod", "uzb-mod", "warn", "w", intent=intent))
    with pytest.raises(DomainError, match="does not consent to its own action"):
        s.execute(c.GiveConsent("uzb-mod", "uzb-mod", "uzb-mod", intent=intent))
    asked = seq(s.execute(c.Consult("uzb-mod", "uzb-mod", ("kgz-mod",), "?", intent=intent)))
    with pytest.raises(DomainError, match="not addressed to liaison"):
        s.execute(c.AnswerConsultation("liaison", "liaison", asked, "!"))


# ---------------------------------------------------------------------- notify

REPORT = NotifyRule(
    id="report", objective="OBJ-1", points=10, cell="uzb-mod", notify=("kgz-mod", "liaison"),
    within=timedelta(minutes=30), move="strike",
)  # fmt: skip


def test_a_move_never_reports_itself(mini_scenario, clock) -> None:
    s = make(mini_scenario, clock, REPORT)
    strike = seq(s.execute(c.SubmitMove("uzb-mod", "uzb-mod", "strike", "Strike",
                                        ("kgz-mod", "liaison"))))  # fmt: skip
    minutes(clock, 20)
    s.execute(c.SendMessage("uzb-mod", "uzb-mod", ("liaison",), "Struck at 06:00, 3 hits"))
    minutes(clock, 50)  # past the window and its grace
    scores = result(s)
    kgz = only(scores, "report", f"{strike}->kgz-mod")
    assert kgz.points == 0
    assert kgz.explanation.startswith(f"uzb-mod never warned kgz-mod after uzb-mod's strike "
                                       f"move (event {strike})")  # fmt: skip
    assert only(scores, "report", f"{strike}->liaison").points == 5


def test_version_1_lets_the_move_report_itself(mini_scenario, clock) -> None:
    s = make(mini_scenario, clock, REPORT, version=1)
    s.execute(c.SubmitMove("uzb-mod", "uzb-mod", "strike", "Strike", ("kgz-mod", "liaison")))
    assert sum(a.points for a in result(s).awards if a.rule == "report") == 10


def test_report_after_the_adjudication(mini_scenario, clock) -> None:
    s = make(mini_scenario, clock, attrs.evolve(REPORT, after="adjudication"))
    strike = seq(s.execute(c.SubmitMove("uzb-mod", "uzb-mod", "strike", "Strike")))
    s.execute(c.SendMessage("uzb-mod", "uzb-mod", ("kgz-mod",), "We struck"))  # too early
    minutes(clock, 30)
    judged = seq(s.execute(c.Adjudicate(CONTROL, strike, "accepted", "Camp destroyed")))
    minutes(clock, 12)
    s.execute(c.SendMessage("uzb-mod", "uzb-mod", ("liaison", "kgz-mod"), "Results: camp hit"))
    scores = result(s)
    a = only(scores, "report", f"{strike}->kgz-mod")
    assert a.points == 5
    assert a.explanation == (
        f"uzb-mod warned kgz-mod 12 min after uzb-mod's strike move (event {strike}) was "
        f"adjudicated (event {judged}) (window 30 min): 5/5"
    )


def test_notify_weights(mini_scenario, clock) -> None:
    rule = attrs.evolve(REPORT, weights={"kgz-mod": 3.0})
    s = make(mini_scenario, clock, rule)
    strike = seq(s.execute(c.SubmitMove("uzb-mod", "uzb-mod", "strike", "Strike")))
    s.execute(c.SendMessage("uzb-mod", "uzb-mod", ("liaison",), "Struck"))
    minutes(clock, 70)
    scores = result(s)
    assert only(scores, "report", f"{strike}->kgz-mod").max_points == 7.5
    liaison = only(scores, "report", f"{strike}->liaison")
    assert (liaison.points, liaison.max_points) == (2.5, 2.5)
    assert liaison.explanation.endswith("[liaison weighs 1 of 4]")


# ----------------------------------------------------------------------- joint

CLOSE = JointRule(
    id="joint", objective="OBJ-1", points=20, action="close-border", cells=("liaison",),
    quorum=1, within=2 * H, required=("uzb-mod",),
)  # fmt: skip


def close(s: Session, cell: str) -> int:
    return seq(s.execute(c.SubmitMove(cell, cell, "close-border", "Close the crossing")))


def test_joint_without_the_required_party_fails(mini_scenario, clock) -> None:
    s = make(mini_scenario, clock, attrs.evolve(CLOSE, cells=("liaison", "kgz-mod")))
    close(s, "kgz-mod")
    close(s, "liaison")
    minutes(clock, 150)
    s.execute(c.ReleaseDue(CONTROL))
    a = only(result(s), "joint")
    assert a.points == 0
    assert a.explanation.endswith(
        "committed to close-border within 2 h 00 min: liaison, kgz-mod (missing required "
        "uzb-mod): 0/20"
    ) or a.explanation.endswith(
        "committed to close-border within 2 h 00 min: kgz-mod, liaison (missing required "
        "uzb-mod): 0/20"
    )


def test_joint_with_the_required_party(mini_scenario, clock) -> None:
    s = make(mini_scenario, clock, CLOSE)
    close(s, "liaison")
    minutes(clock, 30)
    close(s, "uzb-mod")
    a = only(result(s), "joint")
    assert a.points == 20
    assert "(required uzb-mod and quorum 1 of liaison, window 2 h 00 min): 20/20" in (a.explanation)


def test_window_anchored_to_the_inject(mini_scenario, clock) -> None:
    rule = attrs.evolve(CLOSE, anchor="INJ-001", cells=(), quorum=0,
                        required=("uzb-mod", "kgz-mod"))  # fmt: skip
    s = make(mini_scenario, clock, rule)
    close(s, "uzb-mod")  # before the inject that asks for it: does not count
    minutes(clock, 30)
    released = seq(s.execute(c.ReleaseDue(CONTROL)))
    close(s, "kgz-mod")
    minutes(clock, 90)
    s.execute(c.SendMessage("kgz-mod", "kgz-mod", ("uzb-mod",), "Closed on our side"))
    minutes(clock, 31)
    close(s, "uzb-mod")  # 2 h 01 min after the release: too late
    a = only(result(s), "joint")
    assert a.points == 0
    assert released in a.events
    assert "of the release of INJ-001: kgz-mod (missing required uzb-mod): 0/20" in a.explanation


def test_window_from_startex(mini_scenario, clock) -> None:
    s = make(mini_scenario, clock, attrs.evolve(CLOSE, anchor="startex"))
    minutes(clock, 100)
    close(s, "uzb-mod")
    close(s, "liaison")
    a = only(result(s), "joint")
    assert a.points == 20
    assert "within 1 h 40 min of STARTEX" in a.explanation


def test_unilateral_closure_is_penalised(mini_scenario, clock) -> None:
    rule = attrs.evolve(CLOSE, unilateral=("uzb-mod",), penalty=5)
    s = make(mini_scenario, clock, rule)
    alone = close(s, "uzb-mod")
    minutes(clock, 121)
    s.execute(c.SendMessage("kgz-mod", "kgz-mod", ("uzb-mod",), "Why alone?"))
    scores = result(s)
    assert only(scores, "joint", "joint").points == 0
    penalty = only(scores, "joint", f"alone:uzb-mod:{alone}")
    assert (penalty.points, penalty.max_points) == (-5, 0)
    assert penalty.explanation == (
        f"uzb-mod took close-border (event {alone}) without the joint action coming about "
        "(0 of the 1 others needed): unilateral, penalty −5"
    )
    assert scores.objectives[0].points == -5


# --------------------------------------------------------------------- network

LINKS = NetworkRule(id="links", objective="OBJ-1", points=10,
                    required=(("kgz-mod", "uzb-mod"),), both_ways=True, exchanges=3)  # fmt: skip


def test_one_message_is_not_a_working_link(mini_scenario, clock) -> None:
    s = make(mini_scenario, clock, LINKS)
    for _ in range(3):
        s.execute(c.SendMessage("kgz-mod", "kgz-mod", ("uzb-mod",), "Hello?"))
    a = only(result(s), "links")
    assert a.points == 0
    assert a.explanation == (
        "the required liaison link kgz-mod–uzb-mod carried only 3 from kgz-mod to uzb-mod, "
        "0 back (needed 3 exchanges, at least one each way): 0/10"
    )


def test_a_loop_closes_the_link(mini_scenario, clock) -> None:
    s = make(mini_scenario, clock, LINKS)
    s.execute(c.SendMessage("kgz-mod", "kgz-mod", ("uzb-mod",), "Hello?"))
    s.execute(c.SendMessage("kgz-mod", "kgz-mod", ("uzb-mod",), "Hello??"))
    back = seq(s.execute(c.SendMessage("uzb-mod", "uzb-mod", ("kgz-mod",), "Here")))
    a = only(result(s), "links")
    assert a.points == 10
    assert f"carried 2 from kgz-mod to uzb-mod, 1 back by event {back}" in a.explanation


# ----------------------------------------------------------------- acknowledge


def test_acknowledge_exclusions_and_cap(mini_scenario, clock) -> None:
    ack = AcknowledgeRule(id="ack", objective="OBJ-1", points=10, cell="kgz-mod",
                          within=H, exclude_channels=("phone",), cap=0.25)  # fmt: skip
    notify = NotifyRule(id="warn", objective="OBJ-1", points=30, cell="kgz-mod",
                        notify=("uzb-mod",), within=H, inject="INJ-001")  # fmt: skip
    s = make(mini_scenario, clock, ack, notify)
    minutes(clock, 30)
    s.execute(c.ReleaseDue(CONTROL))
    s.execute(c.Acknowledge("kgz-mod", "kgz-mod", "inject:INJ-001"))
    s.execute(c.SendMessage("kgz-mod", "kgz-mod", ("uzb-mod",), "Raid"))
    s.execute(c.Release(CONTROL, "INJ-003"))  # by phone: excluded
    scores = result(s)
    assert [a.key for a in scores.awards if a.rule == "ack"] == ["inject:INJ-001"]
    a = only(scores, "ack")
    # 10 points of 40 would be 25% already: capped at 25% of 30/(1-0.25) = 10, factor 1
    assert a.points == pytest.approx(10)
    s2 = make(mini_scenario, clock, attrs.evolve(ack, cap=0.1), notify)
    minutes(clock, 30)
    s2.execute(c.ReleaseDue(CONTROL))
    s2.execute(c.Acknowledge("kgz-mod", "kgz-mod", "inject:INJ-001"))
    s2.execute(c.SendMessage("kgz-mod", "kgz-mod", ("uzb-mod",), "Raid"))
    scores2 = result(s2)
    capped = only(scores2, "ack")
    # 10% of the objective: 30 / 0.9 × 0.1 = 3.33 points
    assert capped.max_points == pytest.approx(30 / 0.9 * 0.1)
    assert capped.explanation.endswith("[capped: × 0.333]")
    o = scores2.objectives[0]
    assert o.max_points == pytest.approx(30 / 0.9)
    assert o.capped == ("ack × 0.333 (its 10 points capped at 10% of the objective)",)


def test_acknowledge_excludes_by_id_and_flag(mini_scenario, clock) -> None:
    flagged = attrs.evolve(
        mini_scenario,
        msel=tuple(
            attrs.evolve(i, flags=("administrative",)) if i.id == "INJ-003" else i
            for i in mini_scenario.msel
        ),
    )
    ack = AcknowledgeRule(id="ack", objective="OBJ-1", points=2, cell="kgz-mod", within=H,
                          exclude=("INJ-001",), exclude_flags=("administrative",))  # fmt: skip
    s = make(flagged, clock, ack)
    minutes(clock, 30)
    s.execute(c.ReleaseDue(CONTROL))
    s.execute(c.Release(CONTROL, "INJ-003"))
    scores = result(s)
    assert [a for a in scores.awards if a.rule == "ack"] == []


# --------------------------------------------------------------------- ratings


def test_observation_against_the_points_is_flagged(mini_scenario, clock) -> None:
    s = make(mini_scenario, clock, CLOSE)
    close(s, "liaison")
    close(s, "uzb-mod")
    s.execute(c.End(CONTROL))
    note = seq(s.execute(c.Observe(CONTROL, "Closed without telling Bishkek", "improvement",
                                   objectives=("OBJ-1",))))  # fmt: skip
    o = score(s.scenario, s.journal.read()).objectives[0]
    assert o.computed == "P"
    assert o.improvements == (note,)
    assert o.conflict == (
        f"the points rate P (no shortcomings) but evaluators recorded an area for improvement "
        f"(event {note}): for the lead evaluator to settle"
    )


def test_lowered_thresholds_are_reported(mini_scenario, clock) -> None:
    s = make(mini_scenario, clock, CLOSE, ratings=Ratings(P=0.85, S=0.7, M=0.3))
    assert result(s).lowered == ("P 0.85 (default 0.9)", "M 0.3 (default 0.4)")
