"""Consequence injects on the adjudicated outcome, and the marks every inject carries:
the exercise marking, a source-reliability grading, its clock and a date-time group."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from exercise.engine import CONTROL, view
from exercise.engine import commands as c
from exercise.engine.describe import game_dtg, grading_words, zone_label
from exercise.journal.memory import MemoryJournal
from exercise.model import Scenario, Trigger
from exercise.model.timefmt import dtg, zone_letter
from exercise.scenario import ScenarioError, load_scenario
from exercise.session import Session

from ..conftest import Edit, FakeClock

MIN = 60_000


def _session(scenario: Scenario, clock: FakeClock) -> Session:
    s = Session(MemoryJournal(), scenario, clock)
    s.execute(c.Start(CONTROL))
    return s


def _on_outcome(scenario: Scenario, *outcomes: str) -> Scenario:
    """The mini scenario with INJ-003 waiting for Uzbek strikes adjudicated ``outcomes``."""
    trig = Trigger(adjudicated="strike", cell="uzb-mod", outcome=outcomes)
    msel = tuple(attrs.evolve(i, trigger=trig) if i.id == "INJ-003" else i for i in scenario.msel)
    return attrs.evolve(scenario, msel=msel)


def _strike(s: Session, clock: FakeClock) -> int:
    (move,) = s.execute(c.SubmitMove("uzb-mod", "uzb-mod", "strike", "Strike the camp"))
    clock.advance(minutes=1)
    return move.seq


@pytest.mark.parametrize(
    ("outcomes", "decision", "fires"),
    [
        ((), "accepted", True),
        ((), "modified", True),
        ((), "rejected", False),
        (("rejected",), "rejected", True),
        (("rejected",), "accepted", False),
    ],
)
def test_a_consequence_waits_for_the_adjudicated_outcome(
    mini_scenario: Scenario, clock: FakeClock, outcomes: tuple[str, ...], decision: str,
    fires: bool,
) -> None:  # fmt: skip
    s = _session(_on_outcome(mini_scenario, *outcomes), clock)
    seq = _strike(s, clock)
    assert s.execute(c.ReleaseDue(CONTROL)) == []  # submission alone fires nothing
    s.execute(c.Adjudicate(CONTROL, seq, decision, "ruling" if decision == "modified" else ""))
    clock.advance(minutes=1)
    released = [e.payload["inject"] for e in s.execute(c.ReleaseDue(CONTROL))]
    assert released == (["INJ-003"] if fires else [])
    if fires:
        assert (
            s.state.injects["INJ-003"].reason
            == f"trigger: adjudicated strike {decision} by uzb-mod"
        )


def test_a_matrix_resolution_fires_the_consequence_too(
    mini_scenario: Scenario, clock: FakeClock
) -> None:
    s = _session(_on_outcome(mini_scenario), clock)
    seq = _strike(s, clock)
    s.execute(c.ResolveMatrix(CONTROL, seq, seed=1, override="accepted"))
    clock.advance(minutes=1)
    assert [e.payload["inject"] for e in s.execute(c.ReleaseDue(CONTROL))] == ["INJ-003"]


def test_another_cells_adjudicated_move_does_not_count(
    mini_scenario: Scenario, clock: FakeClock
) -> None:
    s = _session(_on_outcome(mini_scenario), clock)
    (move,) = s.execute(c.SubmitMove("kgz-mod", "kgz-mod", "strike", "Kyrgyz strike"))
    s.execute(c.Adjudicate(CONTROL, move.seq, "accepted"))
    clock.advance(minutes=1)
    assert s.execute(c.ReleaseDue(CONTROL)) == []


# ------------------------------------------------------------------- validation


def _problems(mini: Path) -> list[str]:
    with pytest.raises(ScenarioError) as info:
        load_scenario(mini / "scenarios" / "mini.yaml")
    return [str(p) for p in info.value.problems]


def test_an_adjudicated_trigger_loads(mini: Path, edit: Edit) -> None:
    edit(
        "injects/mini.yaml",
        "      move: strike\n",
        "      adjudicated: strike\n      outcome: [accepted]\n",
    )
    scn = load_scenario(mini / "scenarios" / "mini.yaml")
    assert scn.inject("INJ-003").trigger == Trigger(
        adjudicated="strike", cell="uzb-mod", outcome=("accepted",), delay=timedelta(minutes=20)
    )


def test_an_unknown_outcome_is_refused(mini: Path, edit: Edit) -> None:
    edit(
        "injects/mini.yaml",
        "      move: strike\n",
        "      adjudicated: strike\n      outcome: [acepted]\n",
    )
    (problem,) = _problems(mini)
    assert problem.startswith("injects/mini.yaml:29:17: ")
    assert "unknown outcome 'acepted'" in problem and "accepted" in problem


def test_a_move_kind_that_is_not_adjudicated_cannot_wait_for_an_outcome(
    mini: Path, edit: Edit
) -> None:
    edit("injects/mini.yaml", "      move: strike\n", "      adjudicated: warn\n")
    (problem,) = _problems(mini)
    assert "moves of kind 'warn' are not adjudicated" in problem
    assert "set adjudicate: true" in problem


def test_outcome_without_adjudicated_is_refused(mini: Path, edit: Edit) -> None:
    edit(
        "injects/mini.yaml",
        "      move: strike\n",
        "      move: strike\n      outcome: [rejected]\n",
    )
    (problem,) = _problems(mini)
    assert "'outcome' belongs to an 'adjudicated' trigger" in problem


def test_bad_grading_clock_and_marking_are_refused(mini: Path, edit: Edit) -> None:
    edit(
        "injects/mini.yaml",
        "    channel: radio\n",
        "    channel: radio\n    grading: G7\n    clock: Asia/Nowhere\n",
    )
    edit("scenarios/mini.yaml", "clock_ratio: 4\n", 'clock_ratio: 4\nmarking: " "\n')
    problems = _problems(mini)
    assert any("'G7' is not a source-reliability grading" in p for p in problems)
    assert any("unknown time zone 'Asia/Nowhere'" in p for p in problems)
    assert any("the exercise marking is empty" in p for p in problems)


# ---------------------------------------------------------- what players are shown


def test_players_see_marking_grading_clock_and_dtg(
    mini_scenario: Scenario, clock: FakeClock
) -> None:
    msel = tuple(
        attrs.evolve(i, grading="B2", clock="Asia/Tashkent") if i.id == "INJ-001" else i
        for i in mini_scenario.msel
    )
    scn = attrs.evolve(mini_scenario, msel=msel, marking="EXERCISE STEPPE SHIELD")
    s = _session(scn, clock)
    s.execute(c.Release(CONTROL, "INJ-001"))
    (seen,) = view(s.state, "kgz-mod").injects
    assert seen.marking == "EXERCISE STEPPE SHIELD"
    assert seen.grading == "B2"
    assert seen.clock == "Times: Asia/Tashkent (UTC+5, E)"
    assert seen.when == "D+0 06:00 (220600F AUG 03)"
    assert grading_words("B2") == "source usually reliable, information probably true"


def test_the_default_marking(mini_scenario: Scenario) -> None:
    assert mini_scenario.marking == "EXERCISE EXERCISE EXERCISE"


def test_date_time_groups_carry_the_zone_letter(mini_scenario: Scenario) -> None:
    assert dtg(datetime(2003, 10, 13, 6, 10, tzinfo=ZoneInfo("Asia/Bishkek"))) == "130610F OCT 03"
    assert dtg(datetime(2002, 8, 23, 6, 0, tzinfo=ZoneInfo("Asia/Tbilisi"))) == "230600E AUG 02"
    assert dtg(datetime(2002, 8, 23, 6, 0, tzinfo=ZoneInfo("Europe/Moscow"))) == "230600D AUG 02"
    # no letter for half-hour zones: written in UTC
    assert dtg(datetime(2002, 8, 23, 6, 0, tzinfo=ZoneInfo("Asia/Kabul"))) == "230130Z AUG 02"
    assert game_dtg(mini_scenario, 18 * 60 * MIN + 5 * MIN) == "230005F AUG 03"
    assert game_dtg(mini_scenario, 0, "Europe/Moscow") == "220400D AUG 03"
    assert zone_label(mini_scenario) == "Asia/Bishkek (UTC+6, F)"


@given(st.integers(min_value=-12 * 60, max_value=14 * 60))
def test_zone_letters_only_for_whole_hours(minutes: int) -> None:
    letter = zone_letter(timedelta(minutes=minutes))
    whole = minutes % 60 == 0 and -12 <= minutes // 60 <= 12
    assert bool(letter) == whole
    assert letter != "J"
    if whole:
        hours = minutes // 60
        expected = (
            "Z" if hours == 0 else ("ABCDEFGHIKLM" if hours > 0 else "NOPQRSTUVWXY")[abs(hours) - 1]
        )
        assert letter == expected
