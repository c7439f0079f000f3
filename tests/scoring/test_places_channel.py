"""Place-specific rules (``places`` on deconflict and move notify rules) and the
single negotiating channel (rule kind ``channel``)."""

from __future__ import annotations

from datetime import timedelta

import attrs
from hypothesis import given, settings
from hypothesis import strategies as st

from exercise.engine import CONTROL
from exercise.engine import commands as c
from exercise.journal.memory import MemoryJournal
from exercise.model import ChannelRule, DeconflictRule, NotifyRule, RuleSet, Scenario
from exercise.model.rules import at_place
from exercise.scoring import Award, Scores, score
from exercise.scoring.scorer import Scorer
from exercise.session import Session

from ..conftest import FakeClock

H = timedelta(hours=1)


def make(scenario: Scenario, clock: FakeClock, *rules: object) -> Session:
    ruleset = RuleSet(rules=tuple(rules), version=2)  # type: ignore[arg-type]
    s = Session(MemoryJournal(), attrs.evolve(scenario, ruleset=ruleset), clock)
    s.execute(c.Start(CONTROL))
    return s


def minutes(clock: FakeClock, n: float) -> None:
    clock.advance(minutes=n / 4)  # the mini scenario's clock ratio is 4


def result(s: Session) -> Scores:
    s.execute(c.End(CONTROL))
    return score(s.scenario, s.journal.read())


def awards(scores: Scores, rule: str) -> list[Award]:
    return [a for a in scores.awards if a.rule == rule]


def seq(events: list) -> int:  # type: ignore[type-arg]
    return int(events[0].seq)


# ---------------------------------------------------------------------- places


def test_at_place_matches_whole_words_ignoring_case() -> None:
    assert at_place(("Galashki",), "near GALASHKI, 4 km north of the border") is True
    assert at_place(("Pankisi Gorge",), "upper pankisi  gorge (Duisi)") is True
    assert at_place(("Sokh",), "Sokhib village") is False
    assert at_place(("Sokh",), "") is None and at_place(("Sokh",), " ,. ") is None


@given(
    st.sampled_from(["Sokh", "Vorukh", "Galashki", "Pankisi Gorge"]),
    st.text(alphabet="abc ,.-", max_size=12),
    st.text(alphabet="abc ,.-", max_size=12),
    st.booleans(),
)
def test_a_listed_place_within_any_words_is_at_it(
    place: str, before: str, after: str, upper: bool
) -> None:
    stated = f"{before} {place.upper() if upper else place} {after}"
    assert at_place((place, "Batken"), stated) is True


PANKISI = DeconflictRule(
    id="pankisi", objective="OBJ-1", points=20, penalty=10, cell="uzb-mod", action="strike",
    consult=("liaison",), consent=("kgz-mod",), within=6 * H, places=("Pankisi",),
)  # fmt: skip
GALASHKI = DeconflictRule(
    id="galashki", objective="OBJ-1", points=10, cell="uzb-mod", action="strike",
    consult=("kgz-mod", "liaison"), within=6 * H, lead=timedelta(minutes=15),
    places=("Galashki",),
)  # fmt: skip


def intend(s: Session, place: str) -> int:
    return seq(s.execute(c.StateIntent("uzb-mod", "uzb-mod", "strike", "Strike", "camp", place)))


def test_each_place_rule_scores_only_its_own_place(mini_scenario, clock) -> None:
    s = make(mini_scenario, clock, PANKISI, GALASHKI)
    there = intend(s, "near Galashki, Ingushetia")
    asked = seq(s.execute(c.Consult("uzb-mod", "uzb-mod", ("kgz-mod", "liaison"), "Notice",
                                    intent=there)))  # fmt: skip
    minutes(clock, 30)
    strike = seq(s.execute(c.SubmitMove("uzb-mod", "uzb-mod", "strike", "Strike", intent=there)))
    scores = result(s)
    assert awards(scores, "pankisi") == []  # not a strike in Pankisi
    (a,) = awards(scores, "galashki")
    assert a.points == 10
    assert a.explanation == (
        f"uzb-mod took strike (event {strike}) at near Galashki, Ingushetia after consulting "
        f"kgz-mod 30 min before (consultation event {asked}); liaison 30 min before "
        f"(consultation event {asked}): 10/10"
    )


def test_the_consent_rule_of_the_other_place(mini_scenario, clock) -> None:
    s = make(mini_scenario, clock, PANKISI, GALASHKI)
    gorge = intend(s, "upper Pankisi Gorge")
    s.execute(c.Consult("uzb-mod", "uzb-mod", ("liaison",), "Strike plan", intent=gorge))
    minutes(clock, 30)
    strike = seq(s.execute(c.SubmitMove("uzb-mod", "uzb-mod", "strike", "Strike", intent=gorge)))
    scores = result(s)
    assert awards(scores, "galashki") == []
    (a,) = awards(scores, "pankisi")
    assert (a.points, a.max_points) == (-10, 20)
    assert a.explanation.startswith(f"uzb-mod took strike (event {strike}) at upper Pankisi Gorge")
    assert "without consent from kgz-mod" in a.explanation


def test_an_action_with_no_place_is_held_to_every_place_rule(mini_scenario, clock) -> None:
    s = make(mini_scenario, clock, PANKISI, GALASHKI)
    minutes(clock, 30)
    strike = seq(s.execute(c.SubmitMove("uzb-mod", "uzb-mod", "strike", "Strike")))
    scores = result(s)
    for rule, where in (("pankisi", "Pankisi"), ("galashki", "Galashki")):
        (a,) = awards(scores, rule)
        assert a.points <= 0
        assert a.explanation.startswith(
            f"uzb-mod took strike (event {strike}) (no place stated: held to the rule for {where})"
        )


def test_a_move_notify_rule_with_places(mini_scenario, clock) -> None:
    report = NotifyRule(
        id="report", objective="OBJ-1", points=10, cell="uzb-mod", move="strike",
        notify=("kgz-mod",), within=H, places=("Sokh",),
    )  # fmt: skip
    s = make(mini_scenario, clock, report)
    far = intend(s, "Surkhandarya")
    s.execute(c.SubmitMove("uzb-mod", "uzb-mod", "strike", "Strike", intent=far))
    near = intend(s, "hills south of Sokh")
    strike = seq(s.execute(c.SubmitMove("uzb-mod", "uzb-mod", "strike", "Strike", intent=near)))
    minutes(clock, 20)
    s.execute(c.SendMessage("uzb-mod", "uzb-mod", ("kgz-mod",), "Strike at 06:30 near Sokh"))
    (a,) = [a for a in awards(result(s), "report")]
    assert a.points == 10
    assert a.explanation.startswith(
        f"uzb-mod warned kgz-mod 20 min after uzb-mod's strike move (event {strike}) at hills "
        "south of Sokh"
    )


# --------------------------------------------------------------------- channel

CHANNEL = ChannelRule(
    id="channel", objective="OBJ-1", points=10, penalty=5, cell="kgz-mod",
    counterpart=("uzb-mod",),
)  # fmt: skip


def test_the_designated_channel_and_a_parallel_one(mini_scenario, clock) -> None:
    s = make(mini_scenario, clock, CHANNEL)
    used = seq(s.execute(c.SendMessage("kgz-mod", "kgz-mod", ("uzb-mod",), "Our terms")))
    minutes(clock, 10)
    s.execute(c.SendMessage("uzb-mod", "uzb-mod", ("kgz-mod",), "No"))  # the counterpart's reply
    side = seq(s.execute(c.SendMessage("liaison", "liaison", ("uzb-mod",), "Our own offer")))
    scores = result(s)
    got = {a.key: a for a in awards(scores, "channel")}
    assert got["channel"].points == 10
    assert (
        got["channel"].explanation == f"kgz-mod used the channel to uzb-mod (event {used}): 10/10"
    )
    parallel = got[f"parallel:{side}"]
    assert (parallel.points, parallel.max_points, parallel.cells) == (-5, 0, ("liaison",))
    assert parallel.explanation == (
        f"liaison went to uzb-mod (event {side}) outside the channel kgz-mod opened (event "
        f"{used}): a parallel channel, penalty −5"
    )
    assert len(got) == 2
    assert scores.objectives[0].points == 5


def test_a_channel_never_used(mini_scenario, clock) -> None:
    s = make(mini_scenario, clock, CHANNEL)
    (a,) = awards(result(s), "channel")
    assert (a.points, a.max_points, a.status) == (0, 10, "final")
    assert a.explanation == "kgz-mod never used the channel to uzb-mod on any subject: 0/10"


def test_only_traffic_on_the_subject_counts(mini_scenario, clock) -> None:
    rule = attrs.evolve(CHANNEL, about=("INJ-001",))
    s = make(mini_scenario, clock, rule)
    s.execute(c.SendMessage("kgz-mod", "kgz-mod", ("uzb-mod",), "Weather"))
    s.execute(c.SendMessage("liaison", "liaison", ("uzb-mod",), "Weather too"))
    minutes(clock, 31)  # INJ-001 reaches kgz-mod at D+0 06:30
    s.execute(c.ReleaseDue(CONTROL))
    on = seq(s.execute(c.SendMessage("kgz-mod", "kgz-mod", ("uzb-mod",), "The raid",
                                     about="INJ-001")))  # fmt: skip
    (a,) = awards(result(s), "channel")
    assert a.explanation == f"kgz-mod used the channel to uzb-mod about INJ-001 (event {on}): 10/10"


@settings(max_examples=25, deadline=None)
@given(st.lists(st.sampled_from(["kgz-mod", "liaison", "uzb-mod"]), max_size=8))
def test_channel_points_are_the_use_less_a_penalty_per_parallel_send(
    mini_scenario: Scenario, senders: list[str]
) -> None:
    clock = FakeClock()
    s = make(mini_scenario, clock, CHANNEL)
    for sender in senders:
        to = ("kgz-mod",) if sender == "uzb-mod" else ("uzb-mod",)
        s.execute(c.SendMessage(sender, sender, to, "talks"))
        minutes(clock, 5)
    scores = result(s)
    total = sum(a.points for a in awards(scores, "channel"))
    used = 10 if "kgz-mod" in senders else 0
    assert total == used - 5 * senders.count("liaison")
    assert sum(a.max_points for a in awards(scores, "channel")) == 10
    # scored event by event, the result is the same as all at once
    events = s.journal.read()
    scorer = Scorer(s.scenario)
    for event in events:
        scorer.advance(event.game_ms)
        scorer.feed(event)
    assert scorer.result().awards == scores.awards
