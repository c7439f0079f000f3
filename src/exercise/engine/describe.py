"""Events in words: one describer for ``exercise log``, the facilitator's feed and the
report's timeline.

:func:`describe` turns an event (with the state it belongs to, for inject titles and
moves) into a :class:`Line`; each consumer picks the fields it shows. Player text stays in
``text`` (and quoted in ``summary``) as data: whoever renders it escapes it. A new event
type gets its words by one ``@_describes(Class)`` function here.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import attrs

from exercise.engine.state import State
from exercise.model import Inject, Scenario
from exercise.model import events as ev
from exercise.model.event import Event
from exercise.model.events import EventData
from exercise.model.timefmt import dtg, utc_label, zone_letter


def game_clock(scenario: Scenario, game_ms: int) -> str:
    """``D+N HH:MM`` of a game time, in the scenario's local time."""
    at = scenario.start + timedelta(milliseconds=game_ms)
    day = (at.date() - scenario.start.date()).days
    return f"D+{day} {at:%H:%M}"


def _local(scenario: Scenario, game_ms: int, zone: str = "") -> datetime:
    """The game time as an aware datetime, on the scenario's clock or on ``zone``'s."""
    home = zoneinfo.ZoneInfo(scenario.timezone)
    at = (scenario.start + timedelta(milliseconds=game_ms)).replace(tzinfo=home)
    return at.astimezone(zoneinfo.ZoneInfo(zone)) if zone else at


def game_dtg(scenario: Scenario, game_ms: int, zone: str = "") -> str:
    """The date-time group of a game time (``130610F OCT 03``), on the scenario's clock
    or, with ``zone``, on that zone's."""
    return dtg(_local(scenario, game_ms, zone))


def game_when(scenario: Scenario, game_ms: int) -> str:
    """``D+N HH:MM (DTG)``: the exercise day and the date-time group side by side."""
    return f"{game_clock(scenario, game_ms)} ({game_dtg(scenario, game_ms)})"


def zone_label(scenario: Scenario, zone: str = "", game_ms: int = 0) -> str:
    """``Asia/Bishkek (UTC+6, F)``: the clock a scenario or an inject keeps its times in."""
    name = zone or scenario.timezone
    offset = _local(scenario, game_ms, zone).utcoffset() or timedelta(0)
    letter = zone_letter(offset)
    return f"{name} ({utc_label(offset)}" + (f", {letter})" if letter else ")")


def inject_clock(scenario: Scenario, inject: Inject, game_ms: int) -> str:
    """Which clock the times in an inject are on: its own ``clock`` or the scenario's."""
    return "Times: " + zone_label(scenario, inject.clock, game_ms)


_RELIABILITY = {
    "A": "completely reliable",
    "B": "usually reliable",
    "C": "fairly reliable",
    "D": "not usually reliable",
    "E": "unreliable",
    "F": "reliability cannot be judged",
}
_CREDIBILITY = {
    "1": "confirmed by other sources",
    "2": "probably true",
    "3": "possibly true",
    "4": "doubtful",
    "5": "improbable",
    "6": "truth cannot be judged",
}


def grading_words(grading: str) -> str:
    """The words of a source-reliability grading: ``B2`` -> usually reliable source,
    information probably true."""
    if len(grading) != 2 or grading[0] not in _RELIABILITY or grading[1] not in _CREDIBILITY:
        return grading
    return f"source {_RELIABILITY[grading[0]]}, information {_CREDIBILITY[grading[1]]}"


def wall_clock(wall_us: int) -> str:
    return datetime.fromtimestamp(wall_us / 1e6, UTC).strftime("%Y-%m-%d %H:%M:%S")


@attrs.frozen
class Line:
    """One event in words.

    ``kind`` groups events (clock, inject, item, move, argument, adjudication, message,
    rfi, observation, control, console, damaged, unknown); ``headline`` and ``detail`` are
    built from ids; ``text`` is the free text someone typed; ``cell`` the cell that acted
    (or that the event concerns), ``addressees`` the cells it went to, ``ref`` what it is
    about (an inject, a move kind, "move 12" ...). ``summary`` is the whole line for the
    log. ``timeline`` says whether the report's timeline shows it (reads,
    acknowledgements, publications and console joins are only in the CSV).
    """

    kind: str
    headline: str
    text: str = ""
    cell: str = ""
    addressees: tuple[str, ...] = ()
    detail: str = ""
    ref: str = ""
    summary: str = ""
    on_behalf: bool = False
    timeline: bool = True


_D = TypeVar("_D", bound=EventData)
_Describer = Callable[[Event, Any, State], Line]
_DESCRIBERS: dict[type[EventData], _Describer] = {}


def _describes(
    *classes: type[_D],
) -> Callable[[Callable[[Event, _D, State], Line]], _Describer]:
    def register(fn: Callable[[Event, _D, State], Line]) -> _Describer:
        for cls in classes:
            _DESCRIBERS[cls] = fn
        return fn

    return register


def describe(event: Event, state: State) -> Line:
    """``event`` in words; ``state`` is the exercise it belongs to (inject titles, moves)."""
    data = event.data
    describer = _DESCRIBERS.get(type(data))
    if describer is None:  # pragma: no cover - every class has one (tested)
        return Line("unknown", event.type, summary=event.type, timeline=False)
    return describer(event, data, state)


def summary(event: Event, state: State) -> str:
    """What happened, in a few words (player text quoted as data)."""
    return describe(event, state).summary


def line(state: State, event: Event) -> str:
    """The log's line for ``event``: seq, game time, wall time, actor, type, summary."""
    return (
        f"{event.seq:>6}  {game_clock(state.scenario, event.game_ms)}  "
        f"{wall_clock(event.wall_us)}  {event.actor:<14} {event.type:<22} "
        f"{describe(event, state).summary}"
    )


def _list(values: Iterable[str]) -> str:
    return ", ".join(values) or "-"


def _behalf(on_behalf: bool) -> str:
    return " (entered by control)" if on_behalf else ""


def _title(state: State, inject_id: str) -> str:
    found = state.scenario.injects_by_id.get(inject_id) or state.adhoc.get(inject_id)
    return found.title if found is not None else ""


# ------------------------------------------------------------- not this release's


@_describes(ev.Unknown)
def _unknown(e: Event, d: ev.Unknown, s: State) -> Line:
    return Line(
        "unknown",
        f"{d.type} (written by a newer release)",
        summary=f"{d.type} (a newer release's event; skipped)",
        timeline=False,
    )


@_describes(ev.Damaged)
def _damaged(e: Event, d: ev.Damaged, s: State) -> Line:
    words = f"event {e.seq} is damaged: {d.problem}"
    return Line("damaged", words, summary=words, timeline=False)


def damage(event: Event) -> str | None:
    """ "event N is damaged: ..." when ``event``'s payload does not fit its type, else None."""
    data = event.data
    if isinstance(data, ev.Damaged):
        return f"event {event.seq} is damaged: {data.problem}"
    return None


# ------------------------------------------------------------------------ clock


@_describes(ev.ClockStarted)
def _clock_started(e: Event, d: ev.ClockStarted, s: State) -> Line:
    return Line(
        "clock",
        "STARTEX",
        detail=f"clock ratio {d.ratio}",
        summary=f"STARTEX, clock ratio {d.ratio}",
    )


@_describes(ev.ClockPaused)
def _clock_paused(e: Event, d: ev.ClockPaused, s: State) -> Line:
    return Line("clock", "clock paused", summary="clock paused")


@_describes(ev.ClockResumed)
def _clock_resumed(e: Event, d: ev.ClockResumed, s: State) -> Line:
    return Line("clock", "clock resumed", summary="clock resumed")


@_describes(ev.ClockRatioSet)
def _clock_ratio(e: Event, d: ev.ClockRatioSet, s: State) -> Line:
    words = f"clock ratio set to {d.ratio}"
    return Line("clock", words, summary=words)


@_describes(ev.ClockJumped)
def _clock_jumped(e: Event, d: ev.ClockJumped, s: State) -> Line:
    return Line(
        "clock",
        f"game time set to {game_clock(s.scenario, d.to_ms)}",
        summary=f"game time jumped to {d.to_ms // 60000} min",
    )


@_describes(ev.ExerciseEnded)
def _ended(e: Event, d: ev.ExerciseEnded, s: State) -> Line:
    return Line(
        "clock",
        "ENDEX",
        text=d.reason,
        summary="ENDEX" + (f": {d.reason!r}" if d.reason else ""),
    )


# ---------------------------------------------------------------------- injects


@_describes(ev.InjectReleased)
def _released(e: Event, d: ev.InjectReleased, s: State) -> Line:
    return Line(
        "inject",
        f"{d.inject} released",
        text=_title(s, d.inject),
        addressees=d.to,
        detail=d.reason,
        ref=d.inject,
        summary=f"{d.inject} released to {_list(d.to)} ({d.reason})",
    )


@_describes(ev.InjectAdded)
def _added(e: Event, d: ev.InjectAdded, s: State) -> Line:
    return Line(
        "inject",
        f"ad hoc inject {d.inject} added",
        text=d.title,
        addressees=d.to,
        ref=d.inject,
        summary=f"ad-hoc inject {d.inject} added: {d.title!r}",
    )


def _set_aside(d: ev.InjectHeld | ev.InjectSkipped, verb: str) -> Line:
    return Line(
        "inject",
        f"{d.inject} {verb}",
        text=d.reason,
        ref=d.inject,
        summary=f"{d.inject} {verb}" + (f": {d.reason!r}" if d.reason else ""),
    )


@_describes(ev.InjectHeld)
def _held(e: Event, d: ev.InjectHeld, s: State) -> Line:
    return _set_aside(d, "held")


@_describes(ev.InjectSkipped)
def _skipped(e: Event, d: ev.InjectSkipped, s: State) -> Line:
    return _set_aside(d, "skipped")


@_describes(ev.InjectUnheld)
def _unheld(e: Event, d: ev.InjectUnheld, s: State) -> Line:
    words = f"{d.inject} back in the MSEL"
    return Line("inject", words, ref=d.inject, summary=words)


@_describes(ev.InjectRetimed)
def _retimed(e: Event, d: ev.InjectRetimed, s: State) -> Line:
    return Line(
        "inject",
        f"{d.inject} retimed",
        detail=f"to {game_clock(s.scenario, d.time_ms)}",
        ref=d.inject,
        summary=f"{d.inject} retimed to +{d.time_ms // 60000} min",
    )


# ------------------------------------------------------------------------ items


@_describes(ev.ItemPublished)
def _published(e: Event, d: ev.ItemPublished, s: State) -> Line:
    words = f"{d.item} made public"
    return Line("item", words, ref=d.item, summary=words, timeline=False)


@_describes(ev.ItemRead)
def _read(e: Event, d: ev.ItemRead, s: State) -> Line:
    return Line(
        "item",
        f"read {d.item}",
        cell=d.cell,
        ref=d.item,
        summary=f"{d.cell} read {d.item}",
        on_behalf=d.on_behalf,
        timeline=False,
    )


@_describes(ev.ItemAcknowledged)
def _acknowledged(e: Event, d: ev.ItemAcknowledged, s: State) -> Line:
    return Line(
        "item",
        f"acknowledged {d.item}",
        cell=d.cell,
        ref=d.item,
        summary=f"{d.cell} acknowledged {d.item}{_behalf(d.on_behalf)}",
        on_behalf=d.on_behalf,
        timeline=False,
    )


# ------------------------------------------------------------------------ moves


@_describes(ev.MoveSubmitted)
def _move(e: Event, d: ev.MoveSubmitted, s: State) -> Line:
    bits = []
    if d.answers:
        bits.append(f"answers {d.answers}")
    if d.intent is not None:
        bits.append(f"carries out intent {d.intent}")
    if d.adjudicate:
        bits.append("for adjudication")
    if d.on_behalf:
        bits.append("entered by control")
    answering = f" answering {d.answers}" if d.answers else ""
    return Line(
        "move",
        f"{d.cell} move {d.kind}",
        text=d.text,
        cell=d.cell,
        addressees=d.to,
        detail="; ".join(bits),
        ref=d.kind,
        summary=f"{d.cell} move {d.kind} to {_list(d.to)}{answering}: {d.text!r}"
        f"{_behalf(d.on_behalf)}",
        on_behalf=d.on_behalf,
    )


@_describes(ev.MoveArgued)
def _argued(e: Event, d: ev.MoveArgued, s: State) -> Line:
    strong = "strongly " if d.strong else ""
    return Line(
        "argument",
        f"{d.cell} argues {strong}{d.stance} move {d.move}",
        text=d.text,
        cell=d.cell,
        ref=f"move {d.move}",
        summary=f"{d.cell} argues {d.stance} move {d.move}: {d.text!r}{_behalf(d.on_behalf)}",
        on_behalf=d.on_behalf,
    )


def matrix_words(m: ev.MatrixRoll) -> str:
    """A matrix roll in words: dice, strong arguments, modifier, total, seed, override."""
    parts = [f"2d6 {m.dice[0]}+{m.dice[1]}"]
    if m.strong_for:
        parts.append(f"strong for +{m.strong_for}")
    if m.strong_against:
        parts.append(f"strong against −{m.strong_against}")
    if m.modifier:
        parts.append(f"modifier {m.modifier:+d}")
    parts.append(f"total {m.total}")
    parts.append("success" if m.success else "failure")
    parts.append(f"seed {m.seed}")
    if m.override:
        parts.append(f"overridden: {m.override}")
    return ", ".join(parts)


@_describes(ev.MoveAdjudicated)
def _adjudicated(e: Event, d: ev.MoveAdjudicated, s: State) -> Line:
    move = s.moves.get(d.move)
    of = f" ({move.cell} {move.kind})" if move is not None else ""
    m = d.matrix
    roll = f" (2d6 {m.dice[0]}+{m.dice[1]}, total {m.total}, seed {m.seed})" if m else ""
    return Line(
        "adjudication",
        f"move {d.move}{of} {d.outcome}",
        text=d.text,
        detail=matrix_words(m) if m is not None else f"by {d.method or 'umpire'}",
        ref=f"move {d.move}",
        summary=f"move {d.move} {d.outcome}{roll}" + (f": {d.text!r}" if d.text else ""),
    )


# ------------------------------------------------------------ messages and RFIs


@_describes(ev.MessageSent)
def _message(e: Event, d: ev.MessageSent, s: State) -> Line:
    return Line(
        "message",
        f"{d.cell} message" + (f" about {d.about}" if d.about else ""),
        text=d.text,
        cell=d.cell,
        addressees=d.to,
        detail=d.subject,
        summary=f"{d.cell} message to {_list(d.to)}: {d.text!r}{_behalf(d.on_behalf)}",
        on_behalf=d.on_behalf,
    )


@_describes(ev.RfiAsked)
def _asked(e: Event, d: ev.RfiAsked, s: State) -> Line:
    return Line(
        "rfi",
        f"{d.cell} asks control",
        text=d.text,
        cell=d.cell,
        summary=f"{d.cell} asks control: {d.text!r}{_behalf(d.on_behalf)}",
        on_behalf=d.on_behalf,
    )


@_describes(ev.RfiAnswered)
def _answered(e: Event, d: ev.RfiAnswered, s: State) -> Line:
    return Line(
        "rfi",
        f"control answers request {d.rfi}",
        text=d.text,
        cell=d.cell,
        detail="public" if d.public else "",
        ref=f"request {d.rfi}",
        summary=f"control answers request {d.rfi}: {d.text!r}",
    )


# ------------------------------------------------ intents, consultation, consent


def _about(intent: int | None, inject: str | None) -> str:
    return f"intent {intent}" if intent is not None else str(inject or "")


@_describes(ev.IntentStated)
def _intent(e: Event, d: ev.IntentStated, s: State) -> Line:
    where = " ".join(
        x for x in (
            f"against {d.target!r}" if d.target else "",
            f"at {d.place!r}" if d.place else "",
            f"answering {d.answers}" if d.answers else "",
        ) if x
    )  # fmt: skip
    bits = [f"{k} {v}" for k, v in (("target", d.target), ("place", d.place),
                                     ("answers", d.answers)) if v]  # fmt: skip
    if d.concerns:
        bits.append("concerns " + ", ".join(d.concerns))
    return Line(
        "coordination",
        f"{d.cell} intends {d.kind}",
        text=d.text,
        cell=d.cell,
        addressees=d.concerns,
        detail="; ".join(bits),
        ref=d.kind,
        summary=f"{d.cell} intends {d.kind}{' ' + where if where else ''}, concerning "
        f"{_list(d.concerns)}: {d.text!r}{_behalf(d.on_behalf)}",
        on_behalf=d.on_behalf,
    )


@_describes(ev.ConsultationSent)
def _consulted(e: Event, d: ev.ConsultationSent, s: State) -> Line:
    about = _about(d.intent, d.inject)
    return Line(
        "coordination",
        f"{d.cell} consults about {about}",
        text=d.text,
        cell=d.cell,
        addressees=d.to,
        ref=about,
        summary=f"{d.cell} consults {_list(d.to)} about {about}: {d.text!r}{_behalf(d.on_behalf)}",
        on_behalf=d.on_behalf,
    )


@_describes(ev.ConsultationAnswered)
def _consultation_answered(e: Event, d: ev.ConsultationAnswered, s: State) -> Line:
    return Line(
        "coordination",
        f"{d.cell} answers consultation {d.consultation}",
        text=d.text,
        cell=d.cell,
        addressees=d.to,
        ref=f"consultation {d.consultation}",
        summary=f"{d.cell} answers consultation {d.consultation}: {d.text!r}{_behalf(d.on_behalf)}",
        on_behalf=d.on_behalf,
    )


@_describes(ev.ConsentGiven, ev.ConsentRefused)
def _consent(e: Event, d: ev.Consent, s: State) -> Line:
    verb = "consents to" if isinstance(d, ev.ConsentGiven) else "refuses consent to"
    about = _about(d.intent, d.inject)
    reason = f": {d.text!r}" if d.text else ""
    return Line(
        "coordination",
        f"{d.cell} {verb} {about}",
        text=d.text,
        cell=d.cell,
        addressees=d.to,
        ref=about,
        summary=f"{d.cell} {verb} {_list(d.to)}'s {about}{reason}{_behalf(d.on_behalf)}",
        on_behalf=d.on_behalf,
    )


# --------------------------------------------------------------- control's notes


@_describes(ev.ObservationRecorded)
def _observation(e: Event, d: ev.ObservationRecorded, s: State) -> Line:
    return Line(
        "observation",
        f"observation ({d.kind})",
        text=d.text,
        detail=", ".join(
            (*d.objectives, *d.tasks, *d.injects, *d.cells, *(f"event {n}" for n in d.events))
        ),
        summary=f"observation ({d.kind}): {d.text!r}",
    )


@_describes(ev.RatingOverridden)
def _rating(e: Event, d: ev.RatingOverridden, s: State) -> Line:
    if d.rating is None:
        words = f"rating override of {d.objective} withdrawn"
        return Line("control", words, text=d.reason, ref=d.objective, summary=words)
    return Line(
        "control",
        f"{d.objective} rated {d.rating} by control",
        text=d.reason,
        ref=d.objective,
        summary=f"{d.objective} rated {d.rating} by control: {d.reason!r}",
    )


@_describes(ev.ImprovementPlanned)
def _plan(e: Event, d: ev.ImprovementPlanned, s: State) -> Line:
    if d.removed:
        words = f"improvement plan item {d.item} removed"
        return Line("control", words, ref=d.item, summary=words)
    return Line(
        "control",
        f"improvement plan item {d.item}",
        text=d.issue,
        cell=d.cell,
        ref=d.item,
        summary=f"improvement plan {d.item}: {d.issue!r}",
    )


# ------------------------------------------------- discussion-based exercises


@_describes(ev.ModuleOpened)
def _module_opened(e: Event, d: ev.ModuleOpened, s: State) -> Line:
    words = f"module {d.module} opened"
    return Line("module", words, ref=d.module, summary=words)


@_describes(ev.ModuleNoted)
def _module_noted(e: Event, d: ev.ModuleNoted, s: State) -> Line:
    return Line(
        "module",
        f"facilitator note on module {d.module}",
        text=d.text,
        ref=d.module,
        summary=f"facilitator note on module {d.module}: {d.text!r}",
    )


@_describes(ev.QuestionAnswered)
def _question_answered(e: Event, d: ev.QuestionAnswered, s: State) -> Line:
    ref = f"{d.module}/{d.question}"
    behalf = " (entered by control)" if d.on_behalf else ""
    shared = ", shared" if d.shared else ""
    return Line(
        "answer",
        f"{d.cell} answers question {ref}",
        text=d.text,
        cell=d.cell,
        detail="shared with every cell" if d.shared else "",
        ref=ref,
        summary=f"{d.cell} answers {ref}{shared}: {d.text!r}{behalf}",
        on_behalf=d.on_behalf,
    )


# --------------------------------------------------------------------- consoles


@_describes(ev.ConsoleJoined)
def _joined(e: Event, d: ev.ConsoleJoined, s: State) -> Line:
    return Line(
        "console",
        f"console joined as {d.cell}",
        cell=d.cell,
        summary=f"a console joined as {d.cell}",
        timeline=False,
    )


@_describes(ev.ConsoleLeft)
def _left(e: Event, d: ev.ConsoleLeft, s: State) -> Line:
    return Line(
        "console",
        f"console left as {d.cell}",
        cell=d.cell,
        summary=f"a console of {d.cell} closed",
        timeline=False,
    )


@_describes(ev.JournalSealed)
def _sealed(e: Event, d: ev.JournalSealed, s: State) -> Line:
    return Line(
        "control",
        "record sealed",
        text=f"events 1-{d.seq}, head {d.head[:16]}, key {d.key}",
        summary=f"control sealed the record (events 1-{d.seq}, head {d.head[:16]}) "
        f"with key {d.key}",
        timeline=False,
    )


@_describes(ev.ConsoleRefused)
def _refused(e: Event, d: ev.ConsoleRefused, s: State) -> Line:
    return Line(
        "console",
        f"console refused as {d.cell}",
        text=d.reason,
        cell=d.cell,
        summary=f"a console was refused as {d.cell!r}: {d.reason}",
        timeline=False,
    )


@_describes(ev.EvaluatorAdded)
def _evaluator_added(e: Event, d: ev.EvaluatorAdded, s: State) -> Line:
    words = f"evaluator {d.evaluator} added"
    return Line("evaluation", words, summary=words, timeline=False)


@_describes(ev.EvaluatorAssigned)
def _evaluator_assigned(e: Event, d: ev.EvaluatorAssigned, s: State) -> Line:
    what = ", ".join((*d.objectives, *d.cells)) or "every critical task"
    words = f"evaluator {d.evaluator} assigned to {what}"
    return Line("evaluation", words, summary=words, timeline=False)


@_describes(ev.EvaluatorJoined)
def _evaluator_joined(e: Event, d: ev.EvaluatorJoined, s: State) -> Line:
    words = f"evaluator {d.evaluator} joined"
    return Line("console", words, summary=words, timeline=False)


@_describes(ev.TaskRated)
def _task_rated(e: Event, d: ev.TaskRated, s: State) -> Line:
    who = e.actor.removeprefix("evaluator:")
    words = f"{who} rated task {d.task} {d.rating}"
    return Line(
        "evaluation",
        words,
        text=d.reason,
        ref=d.task,
        summary=words + (f": {d.reason!r}" if d.reason else ""),
        timeline=False,
    )


@_describes(ev.CommandRefused)
def _command_refused(e: Event, d: ev.CommandRefused, s: State) -> Line:
    who = e.actor.removeprefix("evaluator:")
    words = f"evaluator {who} refused: {d.command}"
    return Line("evaluation", words, text=d.reason, summary=f"{words} ({d.reason})", timeline=False)
