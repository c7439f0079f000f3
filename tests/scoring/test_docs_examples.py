"""The worked examples of docs/scoring.md: every ``[rule] explanation`` line in its
``text`` blocks is an award this module's plays of the mini scenario produce, numbers
and all, and every figure in its objective examples is computed here."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import attrs
import pytest

from exercise.engine import CONTROL
from exercise.engine import commands as c
from exercise.journal.memory import MemoryJournal
from exercise.model import (
    AcknowledgeRule,
    ChannelRule,
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

DOC = Path(__file__).resolve().parents[2] / "docs" / "scoring.md"
H = timedelta(hours=1)
MIN = timedelta(minutes=1)


class Play:
    """A session of the mini scenario under ``rules`` (version 2), on a frozen clock
    that moves in game minutes (the mini scenario runs at 4 game seconds per second)."""

    def __init__(self, scenario: Scenario, *rules: object, version: int = 2) -> None:
        ruleset = RuleSet(rules=tuple(rules), version=version)  # type: ignore[arg-type]
        self.clock = FakeClock()
        self.s = Session(MemoryJournal(), attrs.evolve(scenario, ruleset=ruleset), self.clock)
        self.s.execute(c.Start(CONTROL))

    def wait(self, minutes: float) -> None:
        self.clock.advance(minutes=minutes / 4)
        self.s.execute(c.ReleaseDue(CONTROL))

    def do(self, command: c.Command) -> int:
        return int(self.s.execute(command)[0].seq)

    def end(self) -> Scores:
        self.s.execute(c.End(CONTROL))
        return score(self.s.scenario, self.s.journal.read())


def notify(scn: Scenario) -> Scores:
    p = Play(scn, NotifyRule(
        id="ex-notify", objective="OBJ-1", points=8, inject="INJ-001", cell="kgz-mod",
        notify=("uzb-mod", "liaison"), weights={"uzb-mod": 3.0}, within=H, decay=H,
    ))  # fmt: skip
    p.wait(30)  # INJ-001 reaches kgz-mod at D+0 06:30
    p.wait(48)
    p.do(c.SendMessage("kgz-mod", "kgz-mod", ("uzb-mod",), "40 armed men near Zardaly"))
    p.wait(42)
    p.do(c.SendMessage("kgz-mod", "kgz-mod", ("liaison",), "Incursion at Zardaly"))
    return p.end()


def report(scn: Scenario) -> Scores:
    p = Play(
        scn,
        NotifyRule(id="ex-report", objective="OBJ-1", points=10, move="strike", cell="uzb-mod",
                   notify=("kgz-mod", "liaison"), within=30 * MIN),
        NotifyRule(id="ex-report-adjudicated", objective="OBJ-1", points=10, move="strike",
                   cell="uzb-mod", notify=("kgz-mod", "liaison"), within=30 * MIN,
                   after="adjudication"),
    )  # fmt: skip
    strike = p.do(c.SubmitMove("uzb-mod", "uzb-mod", "strike", "Strike the camp", ("kgz-mod",)))
    p.wait(20)
    p.do(c.SendMessage("uzb-mod", "uzb-mod", ("liaison",), "Struck the camp at 06:00"))
    p.wait(25)
    p.do(c.Adjudicate(CONTROL, strike, "accepted", "The camp is destroyed"))
    p.wait(10)
    p.do(c.SendMessage("uzb-mod", "uzb-mod", ("liaison", "kgz-mod"), "Results: camp destroyed"))
    p.wait(120)
    return p.end()


def acknowledge(scn: Scenario) -> Scores:
    p = Play(
        scn,
        AcknowledgeRule(id="ex-ack", objective="OBJ-1", points=10, cell="kgz-mod",
                        within=30 * MIN, exclude_channels=("phone",), cap=0.25),
        RespondRule(id="ex-respond", objective="OBJ-1", points=5, inject="INJ-001"),
        DeconflictRule(id="ex-strike", objective="OBJ-1", points=20, cell="uzb-mod",
                       action="strike", consult=("kgz-mod",)),
    )  # fmt: skip
    p.wait(30)
    p.wait(10)
    p.do(c.Acknowledge("kgz-mod", "kgz-mod", "inject:INJ-001"))
    p.do(c.SubmitMove("kgz-mod", "kgz-mod", "warn", "Armed group at Zardaly", ("uzb-mod",),
                      "INJ-001"))  # fmt: skip
    intent = p.do(c.StateIntent("uzb-mod", "uzb-mod", "strike", concerns=("kgz-mod",)))
    p.do(c.Consult("uzb-mod", "uzb-mod", ("kgz-mod",), "Villages near the camp?", intent=intent))
    p.wait(15)
    p.do(c.SubmitMove("uzb-mod", "uzb-mod", "strike", "Strike", intent=intent))
    p.wait(20)  # INJ-003 reaches kgz-mod by phone: not counted
    p.wait(120)
    return p.end()


def consult(scn: Scenario) -> Scores:
    p = Play(scn, DeconflictRule(
        id="ex-consult", objective="OBJ-1", points=20, penalty=10, cell="uzb-mod",
        action="strike", consult=("kgz-mod", "liaison"), within=4 * H, lead=30 * MIN,
        answered=True,
    ))  # fmt: skip
    p.wait(10)
    p.do(c.SendMessage("uzb-mod", "uzb-mod", ("kgz-mod", "liaison"), "Sokh crossing closed"))
    intent = p.do(c.StateIntent("uzb-mod", "uzb-mod", "strike", "Strike the camp", "camp",
                                "Zardaly", ("kgz-mod", "liaison")))  # fmt: skip
    asked = p.do(c.Consult("uzb-mod", "uzb-mod", ("kgz-mod", "liaison"),
                           "Villages or hostages near the camp?", intent=intent))  # fmt: skip
    p.wait(20)
    p.do(c.AnswerConsultation("kgz-mod", "kgz-mod", asked, "Kara-Teyit village 2 km east"))
    p.wait(25)
    p.do(c.AnswerConsultation("liaison", "liaison", asked, "No other aircraft in the area"))
    p.do(c.SubmitMove("uzb-mod", "uzb-mod", "strike", "Strike the camp", intent=intent))
    p.wait(60)
    p.do(c.SendMessage("uzb-mod", "uzb-mod", ("kgz-mod", "liaison"), "Another strike at 08:00"))
    p.do(c.SubmitMove("uzb-mod", "uzb-mod", "strike", "Second strike"))
    again = p.do(c.StateIntent("uzb-mod", "uzb-mod", "strike", concerns=("kgz-mod",)))
    late = p.do(c.Consult("uzb-mod", "uzb-mod", ("kgz-mod", "liaison"), "Striking in 10 min",
                          intent=again))  # fmt: skip
    p.wait(10)
    p.do(c.AnswerConsultation("kgz-mod", "kgz-mod", late, "Wait!"))
    p.do(c.SubmitMove("uzb-mod", "uzb-mod", "strike", "Third strike", intent=again))
    return p.end()


def consent(scn: Scenario) -> Scores:
    p = Play(scn, DeconflictRule(
        id="ex-consent", objective="OBJ-1", points=15, penalty=10, cell="uzb-mod",
        action="close-border", consent=("kgz-mod",),
    ))  # fmt: skip
    intent = p.do(c.StateIntent("uzb-mod", "uzb-mod", "close-border", place="Sokh",
                                concerns=("kgz-mod",)))  # fmt: skip
    p.wait(60)
    p.do(c.RefuseConsent("kgz-mod", "kgz-mod", "uzb-mod", "No: the enclave needs food",
                         intent=intent))  # fmt: skip
    p.wait(30)
    p.do(c.SubmitMove("uzb-mod", "uzb-mod", "close-border", "Close Sokh", intent=intent))
    p.wait(30)
    p.do(c.GiveConsent("kgz-mod", "kgz-mod", "uzb-mod", "With a humanitarian exemption",
                       intent=intent))  # fmt: skip
    p.do(c.SubmitMove("uzb-mod", "uzb-mod", "close-border", "Close Sokh, food trucks exempt",
                      intent=intent))  # fmt: skip
    return p.end()


def joint(scn: Scenario) -> Scores:
    p = Play(
        scn,
        JointRule(id="ex-joint", objective="OBJ-1", points=20, action="close-border",
                  required=("uzb-mod", "kgz-mod"), cells=("liaison",), quorum=0,
                  within=2 * H, anchor="INJ-001", unilateral=("uzb-mod",), penalty=10),
        JointRule(id="ex-joint-v1", objective="OBJ-1", points=20, action="close-border",
                  cells=("kgz-mod", "uzb-mod", "liaison"), quorum=2, within=2 * H),
    )  # fmt: skip
    p.do(c.SubmitMove("liaison", "liaison", "close-border", "Pyanj fords closed"))
    p.wait(30)  # INJ-001 is released: the window runs to 08:30
    p.wait(15)
    p.do(c.SubmitMove("uzb-mod", "uzb-mod", "close-border", "Uzbek side closed"))
    p.wait(150)
    p.do(c.SubmitMove("kgz-mod", "kgz-mod", "close-border", "Kyrgyz side closed, too late"))
    return p.end()


def links(scn: Scenario) -> Scores:
    p = Play(scn, NetworkRule(
        id="ex-links", objective="OBJ-1", points=10,
        required=(("kgz-mod", "uzb-mod"), ("kgz-mod", "liaison")), both_ways=True, exchanges=2,
    ))  # fmt: skip
    for _ in range(3):
        p.do(c.SendMessage("kgz-mod", "kgz-mod", ("uzb-mod",), "Are you there?"))
    p.do(c.SendMessage("kgz-mod", "kgz-mod", ("liaison",), "Request: airspace picture"))
    p.do(c.SendMessage("liaison", "liaison", ("kgz-mod",), "Picture attached"))
    return p.end()


def places(scn: Scenario) -> Scores:
    p = Play(
        scn,
        DeconflictRule(id="ex-sokh", objective="OBJ-1", points=20, penalty=10, cell="uzb-mod",
                       action="strike", consult=("liaison",), consent=("kgz-mod",),
                       within=6 * H, places=("Sokh", "Vorukh")),
        DeconflictRule(id="ex-surkhandarya", objective="OBJ-1", points=10, cell="uzb-mod",
                       action="strike", consult=("kgz-mod", "liaison"), within=6 * H,
                       lead=15 * MIN, places=("Surkhandarya",)),
    )  # fmt: skip
    home = p.do(c.StateIntent("uzb-mod", "uzb-mod", "strike", "Strike the camp", "camp",
                              "hills above Uzun, Surkhandarya",
                              ("kgz-mod", "liaison")))  # fmt: skip
    p.do(c.Consult("uzb-mod", "uzb-mod", ("kgz-mod", "liaison"), "Strike at 07:00", intent=home))
    p.wait(30)
    p.do(c.SubmitMove("uzb-mod", "uzb-mod", "strike", "Strike above Uzun", intent=home))
    near = p.do(c.StateIntent("uzb-mod", "uzb-mod", "strike", "Strike the group", "group",
                              "hills south-east of Sokh", ("kgz-mod",)))  # fmt: skip
    p.do(c.Consult("uzb-mod", "uzb-mod", ("liaison",), "Strike near Sokh", intent=near))
    p.wait(20)
    p.do(c.SubmitMove("uzb-mod", "uzb-mod", "strike", "Strike near Sokh", intent=near))
    return p.end()


def channel(scn: Scenario) -> Scores:
    p = Play(scn, ChannelRule(
        id="ex-channel", objective="OBJ-1", points=10, penalty=5, cell="uzb-mod",
        counterpart=("kgz-mod",), about=("INJ-002",),
    ))  # fmt: skip
    p.wait(24 * 60 + 10)  # INJ-002 reaches uzb-mod and liaison at D+1 06:00
    p.do(c.SendMessage("uzb-mod", "uzb-mod", ("kgz-mod",), "Good morning"))  # not on INJ-002
    p.do(c.SendMessage("uzb-mod", "uzb-mod", ("kgz-mod",), "Our terms for the second group",
                       about="INJ-002"))  # fmt: skip
    p.wait(30)
    p.do(c.SendMessage("liaison", "liaison", ("kgz-mod",), "Our own offer", about="INJ-002"))
    return p.end()


PLAYS: dict[str, Callable[[Scenario], Scores]] = {
    "notify": notify, "report": report, "acknowledge": acknowledge, "consult": consult,
    "consent": consent, "joint": joint, "links": links, "places": places, "channel": channel,
}  # fmt: skip


@pytest.fixture(scope="module")
def played(mini_scenario: Scenario) -> dict[str, Scores]:
    return {name: play(mini_scenario) for name, play in PLAYS.items()}


def documented() -> list[str]:
    """The ``[rule] explanation`` lines of the text blocks of docs/scoring.md."""
    text = DOC.read_text(encoding="utf-8")
    blocks = re.findall(r"```text\n(.*?)```", text, flags=re.S)
    return [ln for b in blocks for ln in b.splitlines() if ln.startswith("[ex-")]


def test_every_documented_explanation_is_produced(played: dict[str, Scores]) -> None:
    produced = {f"[{a.rule}] {a.explanation}" for s in played.values() for a in s.final}
    lines = documented()
    assert len(lines) >= 18
    missing = [ln for ln in lines if ln not in produced]
    assert not missing, "\n".join(missing)


def test_documented_objective_figures(played: dict[str, Scores]) -> None:
    text = DOC.read_text(encoding="utf-8")
    for name, scores in played.items():
        o = scores.objectives[0]
        line = f"| {name} | {o.points:g} | {o.max_points:g} | {o.computed or '-'} |"
        assert line in text, line
    ack = played["acknowledge"].objectives[0]
    assert ack.capped == ("ex-ack × 0.833 (its 10 points capped at 25% of the objective)",)
