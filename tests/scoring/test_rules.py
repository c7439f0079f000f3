"""Each rule kind: on time, late, missing, wrong addressee, after the exercise ended."""

from __future__ import annotations

from datetime import timedelta

import attrs
import pytest

from exercise.engine import CONTROL
from exercise.engine import commands as c
from exercise.journal.memory import MemoryJournal
from exercise.model import (
    AcknowledgeRule,
    DeconflictRule,
    JointRule,
    NetworkRule,
    NotifyRule,
    RespondRule,
    RuleSet,
    Scenario,
)
from exercise.scoring import Scores, score
from exercise.session import Session

from ..conftest import FakeClock

H = timedelta(hours=1)
MIN = 60_000


def make(mini_scenario: Scenario, clock: FakeClock, *rules: object) -> Session:
    scn = attrs.evolve(mini_scenario, ruleset=RuleSet(rules=tuple(rules)))  # type: ignore[arg-type]
    s = Session(MemoryJournal(), scn, clock)
    s.execute(c.Start(CONTROL))
    return s


def result(s: Session, *, end: bool = True) -> Scores:
    if end:
        s.execute(c.End(CONTROL))
    return score(s.scenario, s.journal.read(), until_ms=s.game_ms())


def released_inj1(s: Session, clock: FakeClock) -> None:
    clock.advance(minutes=7.5)  # 30 game minutes at ratio 4: INJ-001 is due
    s.execute(c.ReleaseDue(CONTROL))


def warn(s: Session, cell: str, *to: str, kind: str = "warn") -> None:
    s.execute(c.SubmitMove(cell, cell, kind, f"{cell} warns", tuple(to)))


def game_minutes(clock: FakeClock, n: float) -> None:
    clock.advance(minutes=n / 4)  # the mini scenario's clock ratio is 4


# ------------------------------------------------------------------------- notify

NOTIFY = NotifyRule(
    id="warn", objective="OBJ-1", points=10, cell="kgz-mod", notify=("uzb-mod", "liaison"),
    within=H, inject="INJ-001",
)  # fmt: skip


@pytest.fixture
def notify(mini_scenario, clock):
    s = make(mini_scenario, clock, NOTIFY)
    released_inj1(s, clock)
    return s


def test_notify_on_time(notify: Session, clock: FakeClock) -> None:
    game_minutes(clock, 48)
    notify.execute(c.SendMessage("kgz-mod", "kgz-mod", ("uzb-mod",), "Fighters at Zardaly"))
    warn(notify, "kgz-mod", "liaison")
    r = result(notify)
    assert [(a.points, a.max_points) for a in r.awards] == [(5, 5), (5, 5)]
    texts = sorted(a.explanation for a in r.awards)
    assert texts[1] == (
        "kgz-mod warned uzb-mod 48 min after INJ-001 reached kgz-mod (window 1 h 00 min): 5/5"
    )
    assert r.awards[0].events == (2, 3)
    (obj,) = r.objectives
    assert (obj.points, obj.max_points, obj.rating) == (10, 10, "P")


def test_notify_late_decays_linearly(notify: Session, clock: FakeClock) -> None:
    game_minutes(clock, 75)
    warn(notify, "kgz-mod", "uzb-mod", "liaison")
    r = result(notify)
    assert [round(a.points, 2) for a in r.awards] == [3.75, 3.75]
    assert r.awards[0].explanation.endswith(
        "(window 1 h 00 min): 3.75/5 = 5 × (1 − 15 min late / 1 h 00 min grace)"
    )


def test_notify_missing_and_wrong_addressee(notify: Session, clock: FakeClock) -> None:
    game_minutes(clock, 10)
    warn(notify, "kgz-mod", "white")  # control is not who had to be warned
    notify.execute(c.SendMessage("uzb-mod", "uzb-mod", ("liaison",), "not kgz-mod's warning"))
    game_minutes(clock, 121)  # past window and grace
    r = result(notify)
    assert [a.points for a in r.awards] == [0, 0]
    assert {a.explanation for a in r.awards} == {
        "kgz-mod never warned liaison after INJ-001 reached kgz-mod (window 1 h 00 min): 0/5",
        "kgz-mod never warned uzb-mod after INJ-001 reached kgz-mod (window 1 h 00 min): 0/5",
    }
    assert r.objectives[0].rating == "U"


def test_notify_pending_while_window_open(notify: Session, clock: FakeClock) -> None:
    game_minutes(clock, 20)
    r = result(notify, end=False)
    assert {a.status for a in r.awards} == {"pending"}
    assert r.objectives[0].max_points == 0 and r.objectives[0].rating is None


def test_notify_window_cut_by_endex_is_not_scored(notify: Session, clock: FakeClock) -> None:
    game_minutes(clock, 20)
    r = result(notify)  # ENDEX 20 minutes into the window
    assert [(a.points, a.max_points, a.status) for a in r.awards] == [(0, 0, "final")] * 2
    assert (
        "not scored, the exercise ended 20 min into the 2 h 00 min window"
        in r.awards[0].explanation
    )


def test_notify_after_endex_does_not_count(notify: Session, clock: FakeClock) -> None:
    notify.execute(c.End(CONTROL))
    from exercise.engine import DomainError

    with pytest.raises(DomainError):
        warn(notify, "kgz-mod", "uzb-mod")
    r = result(notify, end=False)
    assert sum(a.points for a in r.awards) == 0


def test_notify_on_a_move(mini_scenario, clock) -> None:
    rule = attrs.evolve(NOTIFY, inject=None, move="strike", cell="uzb-mod", notify=("kgz-mod",))
    s = make(mini_scenario, clock, rule)
    warn(s, "uzb-mod", "kgz-mod", kind="strike")  # the strike itself informs kgz-mod
    warn(s, "uzb-mod", kind="strike")
    game_minutes(clock, 30)
    warn(s, "uzb-mod", "kgz-mod")
    r = result(s)
    assert [a.points for a in r.awards] == [10, 10]
    assert "0 min after uzb-mod's strike move (event 2)" in r.awards[0].explanation
    assert "30 min after uzb-mod's strike move (event 3)" in r.awards[1].explanation


# -------------------------------------------------------------------- acknowledge


def test_acknowledge_on_time_late_and_never(mini_scenario, clock) -> None:
    rule = AcknowledgeRule(
        id="ack", objective="OBJ-1", points=4, cell="kgz-mod", within=H, messages=True
    )
    s = make(mini_scenario, clock, rule)
    released_inj1(s, clock)
    s.execute(c.SendMessage("uzb-mod", "uzb-mod", ("kgz-mod",), "Our jets are ready"))  # seq 3
    s.execute(c.SendMessage("uzb-mod", "uzb-mod", ("liaison",), "not to kgz-mod"))
    game_minutes(clock, 30)
    s.execute(c.Acknowledge("kgz-mod", "kgz-mod", "inject:INJ-001"))
    game_minutes(clock, 60)
    game_minutes(clock, 60)  # past the message's window and grace
    s.execute(c.ReleaseDue(CONTROL))
    r = result(s)
    by_key = {a.key: a for a in r.awards}
    assert by_key["inject:INJ-001"].points == 4
    assert by_key["message:3"].points == 0
    assert by_key["message:3"].explanation == (
        "kgz-mod never acknowledged message:3 (window 1 h 00 min): 0/4"
    )
    assert len(r.awards) == 2


# --------------------------------------------------------------------- deconflict

DECONFLICT = DeconflictRule(
    id="consult", objective="OBJ-1", points=10, penalty=5, cell="uzb-mod", action="strike",
    consult=("kgz-mod", "liaison"), within=2 * H,
)  # fmt: skip


def test_deconflict_consulted_first(mini_scenario, clock) -> None:
    s = make(mini_scenario, clock, DECONFLICT)
    s.execute(c.SendMessage("uzb-mod", "uzb-mod", ("kgz-mod", "liaison"), "We intend to strike"))
    game_minutes(clock, 30)
    warn(s, "uzb-mod", kind="strike")
    (a,) = result(s).awards
    assert (a.points, a.max_points, a.events) == (10, 10, (2, 3))
    assert a.explanation == (
        "uzb-mod took strike (event 3) after consulting kgz-mod 30 min before (event 2); "
        "liaison 30 min before (event 2): 10/10"
    )


def test_deconflict_acting_first_costs_points(mini_scenario, clock) -> None:
    s = make(mini_scenario, clock, DECONFLICT)
    s.execute(c.SendMessage("uzb-mod", "uzb-mod", ("kgz-mod",), "We intend to strike"))
    game_minutes(clock, 150)  # the consultation is now too old
    warn(s, "uzb-mod", "liaison", kind="strike")  # telling while striking is not consulting
    (a,) = result(s).awards
    assert (a.points, a.max_points) == (-5, 10)
    assert a.explanation == (
        "uzb-mod took strike (event 3) without consulting kgz-mod, liaison in the 2 h 00 min "
        "before: 0/10, penalty −5"
    )


# -------------------------------------------------------------------------- joint

JOINT = JointRule(
    id="close", objective="OBJ-1", points=6, action="close-border",
    cells=("kgz-mod", "uzb-mod", "liaison"), quorum=2, within=H,
)  # fmt: skip


def test_joint_action_with_quorum(mini_scenario, clock) -> None:
    s = make(mini_scenario, clock, JOINT)
    warn(s, "kgz-mod", kind="close-border")
    game_minutes(clock, 40)
    warn(s, "uzb-mod", kind="close-border")
    (a,) = result(s).awards
    assert (a.points, a.cells) == (6, ("kgz-mod", "uzb-mod"))
    assert (
        "2 of 3 cells (kgz-mod, uzb-mod) committed to close-border within 40 min" in a.explanation
    )


def test_joint_action_too_slow_then_retried(mini_scenario, clock) -> None:
    s = make(mini_scenario, clock, JOINT)
    warn(s, "kgz-mod", kind="close-border")
    game_minutes(clock, 61)
    warn(s, "uzb-mod", kind="close-border")  # too late for the first window: a new one opens
    mid = score(s.scenario, s.journal.read(), until_ms=s.game_ms())
    (a,) = mid.awards
    assert a.status == "pending" and a.points == 0
    game_minutes(clock, 10)
    warn(s, "liaison", kind="close-border")
    (a,) = result(s).awards
    assert a.points == 6 and a.cells == ("uzb-mod", "liaison")


def test_joint_action_never_reaching_quorum(mini_scenario, clock) -> None:
    s = make(mini_scenario, clock, JOINT)
    warn(s, "kgz-mod", kind="close-border")
    warn(s, "kgz-mod", kind="close-border")  # the same cell twice is still one cell
    game_minutes(clock, 61)
    s.execute(c.ReleaseDue(CONTROL))
    (a,) = result(s).awards
    assert (a.points, a.max_points) == (0, 6)
    assert a.explanation.startswith("only 1 of the 2 cells needed committed to close-border within")


# ------------------------------------------------------------------------ respond


def test_respond_full_partial_and_late(mini_scenario, clock) -> None:
    rule = RespondRule(id="respond", objective="OBJ-1", points=6)
    s = make(mini_scenario, clock, rule)
    released_inj1(s, clock)
    warn(s, "kgz-mod", "uzb-mod")  # half of the expected addressees
    game_minutes(clock, 61)
    warn(s, "kgz-mod", "liaison")  # too late
    (a,) = result(s).awards
    assert (a.points, a.max_points) == (3, 6)
    assert a.explanation == (
        "kgz-mod's warn on INJ-001 reached 1 of 2 addressees in time (missing liaison): "
        "3/6 = 6 × 1/2"
    )


def test_respond_met(mini_scenario, clock) -> None:
    s = make(mini_scenario, clock, RespondRule(id="respond", objective="OBJ-1", points=6))
    released_inj1(s, clock)
    game_minutes(clock, 12)
    warn(s, "kgz-mod", "uzb-mod", "liaison")
    (a,) = result(s).awards
    assert a.points == 6 and a.latency_ms == 12 * MIN


# ------------------------------------------------------------------------ network


def test_network_required_links(mini_scenario, clock) -> None:
    rule = NetworkRule(
        id="links", objective="OBJ-1", points=6,
        required=(("kgz-mod", "uzb-mod"), ("liaison", "uzb-mod")),
    )  # fmt: skip
    s = make(mini_scenario, clock, rule)
    s.execute(c.SendMessage("uzb-mod", "uzb-mod", ("kgz-mod",), "hello"))
    s.execute(c.SendMessage("kgz-mod", "kgz-mod", ("uzb-mod",), "hello back"))
    r = result(s)
    assert sorted((a.key, a.points) for a in r.awards) == [
        ("kgz-mod<->uzb-mod", 3), ("liaison<->uzb-mod", 0)
    ]  # fmt: skip
    assert r.network["unused_required_links"] == [["liaison", "uzb-mod"]]
    assert r.network["reciprocity"] == 1.0
    assert r.network["density"] == round(2 / 6, 4)


def test_rating_override_is_recorded_and_reported(notify: Session, clock: FakeClock) -> None:
    game_minutes(clock, 5)
    warn(notify, "kgz-mod", "uzb-mod", "liaison")
    notify.execute(c.OverrideRating(CONTROL, "OBJ-1", "S", "Warnings fast but incomplete"))
    (obj,) = result(notify).objectives
    assert (obj.computed, obj.rating, obj.override_reason) == (
        "P",
        "S",
        "Warnings fast but incomplete",
    )
    from exercise.engine import DomainError

    with pytest.raises(DomainError, match="reason"):
        notify.execute(c.OverrideRating(CONTROL, "OBJ-1", "U"))


def test_override_after_endex_counts(notify: Session, clock: FakeClock) -> None:
    from exercise.scoring import Scorer

    game_minutes(clock, 5)
    warn(notify, "kgz-mod", "uzb-mod", "liaison")
    notify.execute(c.End(CONTROL))
    scorer = Scorer(notify.scenario).feed_all(notify.journal.read())
    version = scorer.version
    reason = "Hot wash: the strike was not deconflicted"
    notify.execute(c.OverrideRating(CONTROL, "OBJ-1", "M", reason))
    scorer.feed(notify.journal.read()[-1])
    assert scorer.version > version
    assert scorer.result().objectives[0].rating == "M"
