"""The engine's rules: roles, the clock, releases, triggers, deliveries, adjudication."""

from __future__ import annotations

import pytest

from exercise.engine import CONTROL, DomainError, fold, roll_2d6, view
from exercise.engine import commands as c
from exercise.journal import Event
from exercise.session import Session

from .conftest import FakeClock

MIN = 60_000  # ms
WARN = ("uzb-mod", "liaison")


def types(events: list[Event]) -> list[str]:
    return [e.type for e in events]


# ------------------------------------------------------------------------ roles


def test_a_cell_cannot_release_injects(started: Session) -> None:
    with pytest.raises(DomainError, match="cell kgz-mod may not release injects"):
        started.execute(c.Release("kgz-mod", "INJ-004"))


def test_a_cell_cannot_adjudicate_or_control_the_clock(started: Session) -> None:
    started.execute(c.SubmitMove("uzb-mod", "uzb-mod", "strike", "Strike the camp"))
    for cmd in (c.Adjudicate("kgz-mod", 1, "accepted"), c.Pause("kgz-mod"), c.End("uzb-mod")):
        with pytest.raises(DomainError, match="only exercise control may"):
            started.execute(cmd)


def test_a_cell_cannot_act_as_another_cell(started: Session) -> None:
    with pytest.raises(DomainError, match="cell kgz-mod may not act as uzb-mod"):
        started.execute(c.SubmitMove("kgz-mod", "uzb-mod", "warn", "Impersonation", ("liaison",)))
    with pytest.raises(DomainError, match="may not act as"):
        started.execute(c.SendMessage("kgz-mod", "uzb-mod", ("liaison",), "hi"))


def test_control_acts_for_a_cell_and_it_is_recorded(started: Session) -> None:
    (event,) = started.execute(c.SubmitMove(CONTROL, "kgz-mod", "warn", "Hot seat", ("uzb-mod",)))
    assert event.actor == CONTROL
    assert event.payload["cell"] == "kgz-mod" and event.payload["on_behalf"] is True
    (own,) = started.execute(c.SubmitMove("kgz-mod", "kgz-mod", "warn", "Own", ("uzb-mod",)))
    assert "on_behalf" not in own.payload


def test_the_white_cell_is_control(started: Session) -> None:
    started.execute(c.Release("white", "INJ-004"))
    assert started.state.injects["INJ-004"].status == "released"


def test_moves_need_a_started_exercise_and_a_known_kind(session: Session) -> None:
    with pytest.raises(DomainError, match="has not started"):
        session.execute(c.SubmitMove("kgz-mod", "kgz-mod", "warn", "Early", ("uzb-mod",)))
    session.execute(c.Start(CONTROL))
    with pytest.raises(DomainError, match="unknown move kind 'nuke'; the scenario allows"):
        session.execute(c.SubmitMove("kgz-mod", "kgz-mod", "nuke", "No"))


def test_nothing_after_the_end_but_observations(started: Session) -> None:
    started.execute(c.End(CONTROL, "done"))
    with pytest.raises(DomainError, match="the exercise has ended"):
        started.execute(c.SubmitMove("kgz-mod", "kgz-mod", "warn", "Late", ("uzb-mod",)))
    with pytest.raises(DomainError, match="the exercise has ended"):
        started.execute(c.Release(CONTROL, "INJ-004"))
    started.execute(c.Observe(CONTROL, "Hot wash: warnings were fast", "strength"))
    assert started.state.observations[-1].kind == "strength"


def test_empty_text_and_unknown_cells_are_refused(started: Session) -> None:
    with pytest.raises(DomainError, match="the message is empty"):
        started.execute(c.SendMessage("kgz-mod", "kgz-mod", ("uzb-mod",), "   "))
    with pytest.raises(DomainError, match="unknown cell 'mars'"):
        started.execute(c.SendMessage("kgz-mod", "kgz-mod", ("mars",), "hello"))


# ------------------------------------------------------------------------ clock


def test_game_time_follows_ratio_pause_resume_and_jump(session: Session, clock: FakeClock) -> None:
    assert session.game_ms() == 0
    session.execute(c.Start(CONTROL))  # ratio 4 from the scenario
    clock.advance(minutes=10)
    assert session.game_ms() == 40 * MIN
    session.execute(c.Pause(CONTROL))
    clock.advance(minutes=30)
    assert session.game_ms() == 40 * MIN
    session.execute(c.Resume(CONTROL))
    session.execute(c.SetRatio(CONTROL, 1))
    clock.advance(minutes=5)
    assert session.game_ms() == 45 * MIN
    session.execute(c.Jump(CONTROL, 10 * MIN))
    assert session.game_ms() == 10 * MIN
    # another process folding the same events computes the same time
    other = fold(session.scenario, session.journal.read())
    assert other.game_ms(clock()) == session.game_ms()


def test_wall_time_never_goes_back_in_the_journal(started: Session, clock: FakeClock) -> None:
    clock.advance(minutes=5)
    started.execute(c.SubmitMove("kgz-mod", "kgz-mod", "warn", "a", ("uzb-mod",)))
    clock.advance(minutes=-3)  # another machine's clock, a little behind
    (event,) = started.execute(c.SubmitMove("kgz-mod", "kgz-mod", "warn", "b", ("uzb-mod",)))
    assert event.wall_us == started.journal.read()[-2].wall_us


def test_bad_ratio_and_jump_are_refused(started: Session) -> None:
    with pytest.raises(DomainError, match="clock ratio"):
        started.execute(c.SetRatio(CONTROL, 0))
    with pytest.raises(DomainError, match="within the exercise"):
        started.execute(c.Jump(CONTROL, 49 * 60 * MIN))


# --------------------------------------------------------------------- releases


def test_scheduled_injects_become_due_and_are_released_once(
    started: Session, clock: FakeClock
) -> None:
    assert started.execute(c.ReleaseDue(CONTROL)) == []
    clock.advance(minutes=7.5)  # 30 game minutes at ratio 4
    (event,) = started.execute(c.ReleaseDue(CONTROL))
    payload = dict(event.payload)
    text = payload.pop("content")
    assert payload == {"inject": "INJ-001", "to": ["kgz-mod"], "reason": "scheduled"}
    # the release carries what the inject says, for a cell that may not read the MSEL
    inject = started.scenario.inject("INJ-001")
    assert text["words"][0] == {
        "language": started.scenario.language, "title": inject.title, "body": inject.body,
        "sender": inject.from_, "questions": list(inject.questions),
    }  # fmt: skip
    assert started.execute(c.ReleaseDue(CONTROL)) == []
    with pytest.raises(DomainError, match="INJ-001 was already released"):
        started.execute(c.Release(CONTROL, "INJ-001"))


def test_pausing_stops_injects_from_becoming_due(started: Session, clock: FakeClock) -> None:
    clock.advance(minutes=5)
    started.execute(c.Pause(CONTROL))
    clock.advance(minutes=60)
    assert started.execute(c.ReleaseDue(CONTROL)) == []


def test_hold_skip_unhold_and_retime(started: Session, clock: FakeClock) -> None:
    started.execute(c.Hold(CONTROL, "INJ-001", "waiting for the minister"))
    clock.advance(minutes=10)
    assert started.execute(c.ReleaseDue(CONTROL)) == []
    started.execute(c.Unhold(CONTROL, "INJ-001"))
    assert types(started.execute(c.ReleaseDue(CONTROL))) == ["inject.released"]
    started.execute(c.Skip(CONTROL, "INJ-002", "out of time"))
    with pytest.raises(DomainError, match="INJ-002 is skipped"):
        started.execute(c.Hold(CONTROL, "INJ-002"))
    started.execute(c.Retime(CONTROL, "INJ-004", 50 * MIN))
    clock.advance(minutes=3)  # game 52 min
    (event,) = started.execute(c.ReleaseDue(CONTROL))
    assert event.payload["inject"] == "INJ-004"


def test_ad_hoc_inject(started: Session) -> None:
    events = started.execute(
        c.AddInject(CONTROL, "ADHOC-1", "Journalists at the border", ("kgz-mod",), "A TV crew...")
    )
    assert types(events) == ["inject.added", "inject.released"]
    assert [i.id for i in view(started.state, "kgz-mod").injects] == ["ADHOC-1"]
    with pytest.raises(DomainError, match="already used"):
        started.execute(c.AddInject(CONTROL, "INJ-001", "dup", ("kgz-mod",)))


# --------------------------------------------------------------------- triggers


def test_trigger_on_move_fires_after_its_delay(started: Session, clock: FakeClock) -> None:
    started.execute(c.SubmitMove("uzb-mod", "uzb-mod", "strike", "Strike the camp"))
    assert started.execute(c.ReleaseDue(CONTROL)) == []
    clock.advance(minutes=5)  # 20 game minutes: INJ-003's delay
    (event,) = started.execute(c.ReleaseDue(CONTROL))
    assert event.payload["inject"] == "INJ-003"
    assert event.payload["reason"] == "trigger: move strike by uzb-mod"


def test_trigger_on_move_by_another_cell_does_not_fire(started: Session, clock: FakeClock) -> None:
    started.execute(c.SubmitMove("kgz-mod", "kgz-mod", "strike", "Our own strike"))
    clock.advance(minutes=10)
    released = [e.payload["inject"] for e in started.execute(c.ReleaseDue(CONTROL))]
    assert "INJ-003" not in released


def _release_inj1(s: Session, clock: FakeClock) -> None:
    clock.advance(minutes=7.5)
    s.execute(c.ReleaseDue(CONTROL))


def test_expected_action_met_when_addressees_are_covered(
    started: Session, clock: FakeClock
) -> None:
    _release_inj1(started, clock)
    started.execute(c.SubmitMove("kgz-mod", "kgz-mod", "warn", "first", ("uzb-mod",)))
    (x,) = started.state.expectations
    assert x.met_ms is None and x.covered == {"uzb-mod"}
    clock.advance(minutes=2)
    (move,) = started.execute(c.SubmitMove("kgz-mod", "kgz-mod", "warn", "second", ("liaison",)))
    assert x.met_seq == move.seq and x.met_ms == move.game_ms


def test_missed_trigger_fires_after_the_deadline(mini_scenario, clock: FakeClock) -> None:
    import attrs

    from exercise.journal.memory import MemoryJournal
    from exercise.model import Trigger

    msel = list(mini_scenario.msel)
    msel[2] = attrs.evolve(msel[2], trigger=Trigger(missed="INJ-001", cell="kgz-mod"))
    scn = attrs.evolve(mini_scenario, msel=tuple(msel))
    s = Session(MemoryJournal(), scn, clock)
    s.execute(c.Start(CONTROL))
    _release_inj1(s, clock)
    clock.advance(minutes=14)  # 56 game minutes after the release: window of 60 not over
    assert s.execute(c.ReleaseDue(CONTROL)) == []
    clock.advance(minutes=2)  # 64 game minutes
    (event,) = s.execute(c.ReleaseDue(CONTROL))
    assert event.payload["inject"] == "INJ-003"
    assert event.payload["reason"] == "trigger: missed INJ-001 by kgz-mod"


# ------------------------------------------------------------------- deliveries


def test_delivery_read_and_acknowledgement_times(started: Session, clock: FakeClock) -> None:
    _release_inj1(started, clock)
    clock.advance(minutes=1)
    started.execute(c.MarkRead("kgz-mod", "kgz-mod", "inject:INJ-001"))
    clock.advance(minutes=1)
    started.execute(c.Acknowledge("kgz-mod", "kgz-mod", "inject:INJ-001"))
    d = started.state.deliveries[("inject:INJ-001", "kgz-mod")]
    assert (d.delivered_ms, d.read_ms, d.ack_ms) == (30 * MIN, 34 * MIN, 38 * MIN)
    with pytest.raises(DomainError, match="already acknowledged"):
        started.execute(c.Acknowledge("kgz-mod", "kgz-mod", "inject:INJ-001"))
    with pytest.raises(DomainError, match="uzb-mod has received no 'inject:INJ-001'"):
        started.execute(c.Acknowledge("uzb-mod", "uzb-mod", "inject:INJ-001"))


# ------------------------------------------------------------------ visibility


def test_views_hold_only_what_a_cell_may_see(started: Session, clock: FakeClock) -> None:
    _release_inj1(started, clock)
    started.execute(c.SendMessage("kgz-mod", "kgz-mod", ("uzb-mod",), "private to Tashkent"))
    started.execute(c.AskRfi("liaison", "liaison", "How many fighters?"))
    kgz, uzb, liaison = (view(started.state, x) for x in ("kgz-mod", "uzb-mod", "liaison"))
    assert [i.id for i in kgz.injects] == ["INJ-001"] and uzb.injects == ()
    assert [t.text for t in uzb.traffic] == ["private to Tashkent"]
    assert liaison.traffic == () and [r.text for r in liaison.rfis] == ["How many fighters?"]
    assert kgz.rfis == ()
    assert not hasattr(kgz.injects[0], "notes")
    started.execute(c.AnswerRfi(CONTROL, 4, "About forty", public=True))
    assert [r.answer for r in view(started.state, "kgz-mod").rfis] == ["About forty"]
    assert view(started.state, "kgz-mod").rfis[0].text == ""  # the question stays private
    started.execute(c.Publish(CONTROL, "message:3"))
    assert [t.item for t in view(started.state, "liaison").traffic] == ["message:3"]


# ------------------------------------------------------------------ adjudication


def test_adjudication_accept_reject_modify(started: Session) -> None:
    (move,) = started.execute(c.SubmitMove("uzb-mod", "uzb-mod", "strike", "Strike"))
    assert started.state.moves[move.seq].status == "pending"  # strike needs adjudication
    with pytest.raises(DomainError, match="outcome must be one of"):
        started.execute(c.Adjudicate(CONTROL, move.seq, "maybe"))
    with pytest.raises(DomainError, match="modified outcome is empty"):
        started.execute(c.Adjudicate(CONTROL, move.seq, "modified"))
    started.execute(c.Adjudicate(CONTROL, move.seq, "modified", "Only the ridge is hit"))
    assert started.state.moves[move.seq].status == "modified"
    with pytest.raises(DomainError, match="already adjudicated"):
        started.execute(c.Adjudicate(CONTROL, move.seq, "accepted"))


def test_matrix_resolution_records_seed_and_roll(started: Session) -> None:
    (move,) = started.execute(c.SubmitMove("uzb-mod", "uzb-mod", "strike", "Strike"))
    started.execute(c.Argue("kgz-mod", "kgz-mod", move.seq, "against", "Our village", True))
    started.execute(c.Argue("uzb-mod", "uzb-mod", move.seq, "for", "They are massing", True))
    started.execute(c.Argue("liaison", "liaison", move.seq, "for", "Weak argument"))
    (event,) = started.execute(c.ResolveMatrix(CONTROL, move.seq, seed=1234, modifier=-1))
    m = event.payload["matrix"]
    d1, d2 = roll_2d6(1234)
    assert m["dice"] == [d1, d2] and m["seed"] == 1234
    assert m["total"] == d1 + d2 + 1 - 1 - 1
    assert event.payload["outcome"] == ("accepted" if m["total"] >= 7 else "rejected")
    assert roll_2d6(1234) == (d1, d2)  # reproducible from the recorded seed


def test_umpire_override_keeps_the_roll(started: Session) -> None:
    (move,) = started.execute(c.SubmitMove("uzb-mod", "uzb-mod", "strike", "Strike"))
    (event,) = started.execute(
        c.ResolveMatrix(CONTROL, move.seq, seed=5, override="modified", text="Partial")
    )
    assert event.payload["outcome"] == "modified"
    assert event.payload["matrix"]["override"] == "modified"
    assert len(event.payload["matrix"]["dice"]) == 2


def test_replay_rebuilds_the_same_state(started: Session, clock: FakeClock) -> None:
    _release_inj1(started, clock)
    started.execute(c.SubmitMove("kgz-mod", "kgz-mod", "warn", "w", WARN))
    started.execute(c.Acknowledge("kgz-mod", "kgz-mod", "inject:INJ-001"))
    assert fold(started.scenario, started.journal.read()) == started.state


def test_improvement_plan_items(started: Session) -> None:
    (e,) = started.execute(
        c.PlanImprovement(
            CONTROL, "Warnings reached Tashkent late", "Direct line Bishkek–Tashkent",
            "Operational coordination", "kgz-mod", "2003-11-01", "2004-01-31", "OBJ-1",
        )
    )  # fmt: skip
    assert e.payload["item"] == "IP-01"
    started.execute(c.PlanImprovement(CONTROL, "Edited issue", item="IP-01"))
    assert started.state.improvements["IP-01"].issue == "Edited issue"
    (second,) = started.execute(c.PlanImprovement(CONTROL, "Second issue"))
    assert second.payload["item"] == "IP-02"
    started.execute(c.PlanImprovement(CONTROL, "", item="IP-01", remove=True))
    assert started.state.improvements["IP-01"].removed is True
    with pytest.raises(DomainError, match="may not edit the improvement plan"):
        started.execute(c.PlanImprovement("kgz-mod", "no"))
    with pytest.raises(DomainError, match="the issue is empty"):
        started.execute(c.PlanImprovement(CONTROL, " "))
