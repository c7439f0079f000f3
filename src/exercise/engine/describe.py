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

from exercise.engine.clock import Clock
from exercise.engine.state import TRIGGER_REASON, State
from exercise.i18n import DEFAULT, N_, Num, _, language, load_message
from exercise.model import Inject, Scenario
from exercise.model import events as ev
from exercise.model.event import Event
from exercise.model.events import EventData
from exercise.model.timefmt import dtg, utc_label, zone_letter

#: Why an inject was released, as the engine records it (``InjectReleased.reason``), and
#: why a console was refused (``ConsoleRefused.reason``): English words in the journal,
#: put into the reader's language when described.
REASON_WORDS = {
    "manual": N_("manual"),
    "scheduled": N_("scheduled"),
    "ad hoc": N_("ad hoc"),
    "wrong join code": N_("wrong join code"),
}
TRIGGER_WORDS = {
    "after": N_("trigger: after {ref}"),
    "met": N_("trigger: met {ref}"),
    "move": N_("trigger: move {ref}"),
    "adjudicated": N_("trigger: adjudicated {ref}"),
    "missed": N_("trigger: missed {ref}"),
}


#: A line's kind as the report's timeline labels it (the kind itself stays its CSS class).
KIND_WORDS = {
    "adjudication": N_("adjudication"),
    "answer": N_("answer"),
    "argument": N_("argument"),
    "clock": N_("clock"),
    "console": N_("console"),
    "control": N_("control"),
    "coordination": N_("coordination"),
    "damaged": N_("damaged"),
    "evaluation": N_("evaluation"),
    "inject": N_("inject"),
    "item": N_("item"),
    "message": N_("message"),
    "module": N_("module"),
    "move": N_("move"),
    "observation": N_("observation"),
    "rfi": N_("rfi"),
    "unknown": N_("unknown"),
}


def kind_words(kind: str) -> str:
    """A line's kind in the interface language."""
    return _(KIND_WORDS.get(kind, kind))


def reason_words(reason: str) -> str:
    """A recorded reason (of a release, of a refused console) in the interface language;
    a reason someone typed, or one the engine does not know, as recorded."""
    words = REASON_WORDS.get(reason)
    if words is not None:
        return _(words)
    m = TRIGGER_REASON.fullmatch(reason)
    if m is None:
        return reason
    kind, ref, outcome, cell = m.groups()
    text = _(TRIGGER_WORDS[kind]).format(ref=ref)
    if outcome:
        text = _("{trigger} {outcome}").format(trigger=text, outcome=_(outcome))
    if cell:
        text = _("{trigger} by {cell}").format(trigger=text, cell=cell)
    return text


def game_clock(scenario: Scenario, game_ms: int) -> str:
    """``D+N HH:MM`` of a game time, in the scenario's local time."""
    at = scenario.start + timedelta(milliseconds=game_ms)
    day = (at.date() - scenario.start.date()).days
    return f"D+{day} {at:%H:%M}"


def next_minute(scenario: Scenario, clock: Clock, wall_us: int) -> float | None:
    """Seconds of wall time from ``wall_us`` until :func:`game_clock` shows its next
    minute (None while the clock stands)."""
    if not clock.running or clock.ratio <= 0:
        return None
    offset = scenario.start.second * 1000 + scenario.start.microsecond // 1000
    now = clock.game_ms(wall_us)
    turn = ((now + offset) // 60_000 + 1) * 60_000 - offset
    at = clock.wall_us_at(turn)
    return None if at is None else max(0.0, (at - wall_us) / 1e6) + 0.001


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
    return _("Times: ") + zone_label(scenario, inject.clock, game_ms)


_RELIABILITY = {
    "A": N_("completely reliable"),
    "B": N_("usually reliable"),
    "C": N_("fairly reliable"),
    "D": N_("not usually reliable"),
    "E": N_("unreliable"),
    "F": N_("reliability cannot be judged"),
}
_CREDIBILITY = {
    "1": N_("confirmed by other sources"),
    "2": N_("probably true"),
    "3": N_("possibly true"),
    "4": N_("doubtful"),
    "5": N_("improbable"),
    "6": N_("truth cannot be judged"),
}


def grading_words(grading: str) -> str:
    """The words of a source-reliability grading: ``B2`` -> usually reliable source,
    information probably true."""
    if len(grading) != 2 or grading[0] not in _RELIABILITY or grading[1] not in _CREDIBILITY:
        return grading
    return _("source {reliability}, information {credibility}").format(
        reliability=_(_RELIABILITY[grading[0]]), credibility=_(_CREDIBILITY[grading[1]])
    )


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
    return _(" (entered by control)") if on_behalf else ""


def _quoted(text: str) -> str:
    """``: 'text'`` after a summary when there is text, else nothing."""
    return f": {text!r}" if text else ""


def _title(state: State, inject_id: str) -> str:
    found = state.scenario.injects_by_id.get(inject_id) or state.adhoc.get(inject_id)
    return found.title if found is not None else ""


# ------------------------------------------------------------- not this release's


@_describes(ev.Unknown)
def _unknown(e: Event, d: ev.Unknown, s: State) -> Line:
    return Line(
        "unknown",
        _("{type} (written by a newer release)").format(type=d.type),
        summary=_("{type} (a newer release's event; skipped)").format(type=d.type),
        timeline=False,
    )


@_describes(ev.Damaged)
def _damaged(e: Event, d: ev.Damaged, s: State) -> Line:
    words = _("event {seq} is damaged: {problem}").format(seq=e.seq, problem=d.problem)
    return Line("damaged", words, summary=words, timeline=False)


def damage(event: Event) -> str | None:
    """ "event N is damaged: ..." when ``event``'s payload does not fit its type, else None."""
    data = event.data
    if isinstance(data, ev.Damaged):
        return _("event {seq} is damaged: {problem}").format(seq=event.seq, problem=data.problem)
    return None


# ------------------------------------------------------------------------ clock


@_describes(ev.ClockStarted)
def _clock_started(e: Event, d: ev.ClockStarted, s: State) -> Line:
    return Line(
        "clock",
        _("STARTEX"),
        detail=_("clock ratio {ratio}").format(ratio=Num(d.ratio, "")),
        summary=_("STARTEX, clock ratio {ratio}").format(ratio=Num(d.ratio, "")),
    )


@_describes(ev.ClockPaused)
def _clock_paused(e: Event, d: ev.ClockPaused, s: State) -> Line:
    return Line("clock", _("clock paused"), summary=_("clock paused"))


@_describes(ev.ClockResumed)
def _clock_resumed(e: Event, d: ev.ClockResumed, s: State) -> Line:
    return Line("clock", _("clock resumed"), summary=_("clock resumed"))


@_describes(ev.ClockRatioSet)
def _clock_ratio(e: Event, d: ev.ClockRatioSet, s: State) -> Line:
    words = _("clock ratio set to {ratio}").format(ratio=Num(d.ratio, ""))
    return Line("clock", words, summary=words)


@_describes(ev.ClockJumped)
def _clock_jumped(e: Event, d: ev.ClockJumped, s: State) -> Line:
    return Line(
        "clock",
        _("game time set to {clock}").format(clock=game_clock(s.scenario, d.to_ms)),
        summary=_("game time jumped to {minutes} min").format(minutes=d.to_ms // 60000),
    )


@_describes(ev.ExerciseEnded)
def _ended(e: Event, d: ev.ExerciseEnded, s: State) -> Line:
    return Line("clock", _("ENDEX"), text=d.reason, summary=_("ENDEX") + _quoted(d.reason))


# ---------------------------------------------------------------------- injects


@_describes(ev.InjectReleased)
def _released(e: Event, d: ev.InjectReleased, s: State) -> Line:
    return Line(
        "inject",
        _("{inject} released").format(inject=d.inject),
        text=_title(s, d.inject),
        addressees=d.to,
        detail=reason_words(d.reason),
        ref=d.inject,
        summary=_("{inject} released to {to} ({reason})").format(
            inject=d.inject, to=_list(d.to), reason=reason_words(d.reason)
        ),
    )


@_describes(ev.InjectAdded)
def _added(e: Event, d: ev.InjectAdded, s: State) -> Line:
    return Line(
        "inject",
        _("ad hoc inject {inject} added").format(inject=d.inject),
        text=d.title,
        addressees=d.to,
        ref=d.inject,
        summary=_("ad-hoc inject {inject} added: {title!r}").format(inject=d.inject, title=d.title),
    )


def _set_aside(d: ev.InjectHeld | ev.InjectSkipped, words: str) -> Line:
    return Line(
        "inject",
        words.format(inject=d.inject),
        text=d.reason,
        ref=d.inject,
        summary=words.format(inject=d.inject) + _quoted(d.reason),
    )


@_describes(ev.InjectHeld)
def _held(e: Event, d: ev.InjectHeld, s: State) -> Line:
    return _set_aside(d, _("{inject} held"))


@_describes(ev.InjectSkipped)
def _skipped(e: Event, d: ev.InjectSkipped, s: State) -> Line:
    return _set_aside(d, _("{inject} skipped"))


@_describes(ev.InjectUnheld)
def _unheld(e: Event, d: ev.InjectUnheld, s: State) -> Line:
    words = _("{inject} back in the MSEL").format(inject=d.inject)
    return Line("inject", words, ref=d.inject, summary=words)


@_describes(ev.InjectRetimed)
def _retimed(e: Event, d: ev.InjectRetimed, s: State) -> Line:
    return Line(
        "inject",
        _("{inject} retimed").format(inject=d.inject),
        detail=_("to {clock}").format(clock=game_clock(s.scenario, d.time_ms)),
        ref=d.inject,
        summary=_("{inject} retimed to +{minutes} min").format(
            inject=d.inject, minutes=d.time_ms // 60000
        ),
    )


# ------------------------------------------------------------------------ items


@_describes(ev.ItemPublished)
def _published(e: Event, d: ev.ItemPublished, s: State) -> Line:
    words = _("{item} made public").format(item=d.item)
    return Line("item", words, ref=d.item, summary=words, timeline=False)


@_describes(ev.ItemRead)
def _read(e: Event, d: ev.ItemRead, s: State) -> Line:
    return Line(
        "item",
        _("read {item}").format(item=d.item),
        cell=d.cell,
        ref=d.item,
        summary=_("{cell} read {item}").format(cell=d.cell, item=d.item),
        on_behalf=d.on_behalf,
        timeline=False,
    )


@_describes(ev.ItemAcknowledged)
def _acknowledged(e: Event, d: ev.ItemAcknowledged, s: State) -> Line:
    return Line(
        "item",
        _("acknowledged {item}").format(item=d.item),
        cell=d.cell,
        ref=d.item,
        summary=_("{cell} acknowledged {item}").format(cell=d.cell, item=d.item)
        + _behalf(d.on_behalf),
        on_behalf=d.on_behalf,
        timeline=False,
    )


# ------------------------------------------------------------------------ moves


@_describes(ev.MoveSubmitted)
def _move(e: Event, d: ev.MoveSubmitted, s: State) -> Line:
    bits = []
    if d.answers:
        bits.append(_("answers {inject}").format(inject=d.answers))
    if d.intent is not None:
        bits.append(_("carries out intent {intent}").format(intent=d.intent))
    if d.adjudicate:
        bits.append(_("for adjudication"))
    if d.on_behalf:
        bits.append(_("entered by control"))
    answering = _(" answering {inject}").format(inject=d.answers) if d.answers else ""
    return Line(
        "move",
        _("{cell} move {kind}").format(cell=d.cell, kind=d.kind),
        text=d.text,
        cell=d.cell,
        addressees=d.to,
        detail="; ".join(bits),
        ref=d.kind,
        summary=_("{cell} move {kind} to {to}{answering}: {text!r}").format(
            cell=d.cell, kind=d.kind, to=_list(d.to), answering=answering, text=d.text
        )
        + _behalf(d.on_behalf),
        on_behalf=d.on_behalf,
    )


@_describes(ev.MoveArgued)
def _argued(e: Event, d: ev.MoveArgued, s: State) -> Line:
    if d.stance == "for":  # (the engine allows "for" and "against" only)
        headline = _("{cell} argues strongly for move {move}") if d.strong else ""
        headline = headline or _("{cell} argues for move {move}")
        words = _("{cell} argues for move {move}")
    else:
        headline = _("{cell} argues strongly against move {move}") if d.strong else ""
        headline = headline or _("{cell} argues against move {move}")
        words = _("{cell} argues against move {move}")
    return Line(
        "argument",
        headline.format(cell=d.cell, move=d.move),
        text=d.text,
        cell=d.cell,
        ref=_("move {move}").format(move=d.move),
        summary=words.format(cell=d.cell, move=d.move) + f": {d.text!r}" + _behalf(d.on_behalf),
        on_behalf=d.on_behalf,
    )


def matrix_words(m: ev.MatrixRoll) -> str:
    """A matrix roll in words: dice, strong arguments, modifier, total, seed, override."""
    parts = [f"2d6 {m.dice[0]}+{m.dice[1]}"]
    if m.strong_for:
        parts.append(_("strong for +{n}").format(n=m.strong_for))
    if m.strong_against:
        parts.append(_("strong against −{n}").format(n=m.strong_against))
    if m.modifier:
        parts.append(_("modifier {n:+d}").format(n=m.modifier))
    parts.append(_("total {n}").format(n=m.total))
    parts.append(_("success") if m.success else _("failure"))
    parts.append(_("seed {seed}").format(seed=m.seed))
    if m.override:
        parts.append(_("overridden: {outcome}").format(outcome=_outcome(m.override)))
    return ", ".join(parts)


#: The outcomes of an adjudication, in words to translate.
_OUTCOMES = {
    "accepted": N_("accepted"),
    "rejected": N_("rejected"),
    "modified": N_("modified"),
}


def _outcome(outcome: object) -> str:
    """An outcome (``accepted`` ...) in the interface language (as recorded if unknown)."""
    value = str(getattr(outcome, "value", outcome))
    return _(_OUTCOMES[value]) if value in _OUTCOMES else value


@_describes(ev.MoveAdjudicated)
def _adjudicated(e: Event, d: ev.MoveAdjudicated, s: State) -> Line:
    move = s.moves.get(d.move)
    of = f" ({move.cell} {move.kind})" if move is not None else ""
    m = d.matrix
    roll = (
        _(" (2d6 {a}+{b}, total {total}, seed {seed})").format(
            a=m.dice[0], b=m.dice[1], total=m.total, seed=m.seed
        )
        if m
        else ""
    )
    outcome = _outcome(d.outcome)
    return Line(
        "adjudication",
        _("move {move}{of} {outcome}").format(move=d.move, of=of, outcome=outcome),
        text=d.text,
        detail=matrix_words(m)
        if m is not None
        else _("by {method}").format(method=d.method or "umpire"),
        ref=_("move {move}").format(move=d.move),
        summary=_("move {move} {outcome}{roll}").format(move=d.move, outcome=outcome, roll=roll)
        + _quoted(d.text),
    )


# ------------------------------------------------------------ messages and RFIs


@_describes(ev.MessageSent)
def _message(e: Event, d: ev.MessageSent, s: State) -> Line:
    return Line(
        "message",
        _("{cell} message about {item}").format(cell=d.cell, item=d.about)
        if d.about
        else _("{cell} message").format(cell=d.cell),
        text=d.text,
        cell=d.cell,
        addressees=d.to,
        detail=d.subject,
        summary=_("{cell} message to {to}: {text!r}").format(
            cell=d.cell, to=_list(d.to), text=d.text
        )
        + _behalf(d.on_behalf),
        on_behalf=d.on_behalf,
    )


@_describes(ev.RfiAsked)
def _asked(e: Event, d: ev.RfiAsked, s: State) -> Line:
    return Line(
        "rfi",
        _("{cell} asks control").format(cell=d.cell),
        text=d.text,
        cell=d.cell,
        summary=_("{cell} asks control: {text!r}").format(cell=d.cell, text=d.text)
        + _behalf(d.on_behalf),
        on_behalf=d.on_behalf,
    )


@_describes(ev.RfiAnswered)
def _answered(e: Event, d: ev.RfiAnswered, s: State) -> Line:
    return Line(
        "rfi",
        _("control answers request {rfi}").format(rfi=d.rfi),
        text=d.text,
        cell=d.cell,
        detail=_("public") if d.public else "",
        ref=_("request {rfi}").format(rfi=d.rfi),
        summary=_("control answers request {rfi}: {text!r}").format(rfi=d.rfi, text=d.text),
    )


# ------------------------------------------------ intents, consultation, consent


def _about(intent: int | None, inject: str | None) -> str:
    return _("intent {intent}").format(intent=intent) if intent is not None else str(inject or "")


@_describes(ev.IntentStated)
def _intent(e: Event, d: ev.IntentStated, s: State) -> Line:
    where = " ".join(
        x for x in (
            _("against {target!r}").format(target=d.target) if d.target else "",
            _("at {place!r}").format(place=d.place) if d.place else "",
            _("answering {inject}").format(inject=d.answers) if d.answers else "",
        ) if x
    )  # fmt: skip
    bits = [
        words.format(value=v)
        for words, v in (
            (_("target {value}"), d.target),
            (_("place {value}"), d.place),
            (_("answers {value}"), d.answers),
        )
        if v
    ]
    if d.concerns:
        bits.append(_("concerns {cells}").format(cells=", ".join(d.concerns)))
    return Line(
        "coordination",
        _("{cell} intends {kind}").format(cell=d.cell, kind=d.kind),
        text=d.text,
        cell=d.cell,
        addressees=d.concerns,
        detail="; ".join(bits),
        ref=d.kind,
        summary=_("{cell} intends {kind}{where}, concerning {cells}: {text!r}").format(
            cell=d.cell,
            kind=d.kind,
            where=" " + where if where else "",
            cells=_list(d.concerns),
            text=d.text,
        )
        + _behalf(d.on_behalf),
        on_behalf=d.on_behalf,
    )


@_describes(ev.ConsultationSent)
def _consulted(e: Event, d: ev.ConsultationSent, s: State) -> Line:
    about = _about(d.intent, d.inject)
    return Line(
        "coordination",
        _("{cell} consults about {about}").format(cell=d.cell, about=about),
        text=d.text,
        cell=d.cell,
        addressees=d.to,
        ref=about,
        summary=_("{cell} consults {to} about {about}: {text!r}").format(
            cell=d.cell, to=_list(d.to), about=about, text=d.text
        )
        + _behalf(d.on_behalf),
        on_behalf=d.on_behalf,
    )


@_describes(ev.ConsultationAnswered)
def _consultation_answered(e: Event, d: ev.ConsultationAnswered, s: State) -> Line:
    return Line(
        "coordination",
        _("{cell} answers consultation {consultation}").format(
            cell=d.cell, consultation=d.consultation
        ),
        text=d.text,
        cell=d.cell,
        addressees=d.to,
        ref=_("consultation {consultation}").format(consultation=d.consultation),
        summary=_("{cell} answers consultation {consultation}: {text!r}").format(
            cell=d.cell, consultation=d.consultation, text=d.text
        )
        + _behalf(d.on_behalf),
        on_behalf=d.on_behalf,
    )


@_describes(ev.ConsentGiven, ev.ConsentRefused)
def _consent(e: Event, d: ev.Consent, s: State) -> Line:
    given = isinstance(d, ev.ConsentGiven)
    about = _about(d.intent, d.inject)
    headline = _("{cell} consents to {about}") if given else _("{cell} refuses consent to {about}")
    words = (
        _("{cell} consents to {to}'s {about}")
        if given
        else _("{cell} refuses consent to {to}'s {about}")
    )
    return Line(
        "coordination",
        headline.format(cell=d.cell, about=about),
        text=d.text,
        cell=d.cell,
        addressees=d.to,
        ref=about,
        summary=words.format(cell=d.cell, to=_list(d.to), about=about)
        + _quoted(d.text)
        + _behalf(d.on_behalf),
        on_behalf=d.on_behalf,
    )


# --------------------------------------------------------------- control's notes


#: The kinds of an observation, in words to translate.
_KINDS = {"note": N_("note"), "strength": N_("strength"), "improvement": N_("improvement")}


@_describes(ev.ObservationRecorded)
def _observation(e: Event, d: ev.ObservationRecorded, s: State) -> Line:
    kind = _(_KINDS[d.kind]) if d.kind in _KINDS else d.kind
    events = (_("event {seq}").format(seq=n) for n in d.events)
    return Line(
        "observation",
        _("observation ({kind})").format(kind=kind),
        text=d.text,
        detail=", ".join((*d.objectives, *d.tasks, *d.injects, *d.cells, *events)),
        summary=_("observation ({kind}): {text!r}").format(kind=kind, text=d.text),
    )


@_describes(ev.RatingOverridden)
def _rating(e: Event, d: ev.RatingOverridden, s: State) -> Line:
    if d.rating is None:
        words = _("rating override of {objective} withdrawn").format(objective=d.objective)
        return Line("control", words, text=d.reason, ref=d.objective, summary=words)
    return Line(
        "control",
        _("{objective} rated {rating} by control").format(objective=d.objective, rating=d.rating),
        text=d.reason,
        ref=d.objective,
        summary=_("{objective} rated {rating} by control: {reason!r}").format(
            objective=d.objective, rating=d.rating, reason=d.reason
        ),
    )


@_describes(ev.ImprovementPlanned)
def _plan(e: Event, d: ev.ImprovementPlanned, s: State) -> Line:
    if d.removed:
        words = _("improvement plan item {item} removed").format(item=d.item)
        return Line("control", words, ref=d.item, summary=words)
    return Line(
        "control",
        _("improvement plan item {item}").format(item=d.item),
        text=d.issue,
        cell=d.cell,
        ref=d.item,
        summary=_("improvement plan {item}: {issue!r}").format(item=d.item, issue=d.issue),
    )


# ------------------------------------------------- discussion-based exercises


@_describes(ev.ModuleOpened)
def _module_opened(e: Event, d: ev.ModuleOpened, s: State) -> Line:
    words = _("module {module} opened").format(module=d.module)
    return Line("module", words, ref=d.module, summary=words)


@_describes(ev.ModuleNoted)
def _module_noted(e: Event, d: ev.ModuleNoted, s: State) -> Line:
    return Line(
        "module",
        _("facilitator note on module {module}").format(module=d.module),
        text=d.text,
        ref=d.module,
        summary=_("facilitator note on module {module}: {text!r}").format(
            module=d.module, text=d.text
        ),
    )


@_describes(ev.QuestionAnswered)
def _question_answered(e: Event, d: ev.QuestionAnswered, s: State) -> Line:
    ref = f"{d.module}/{d.question}"
    summary = (
        _("{cell} answers {question}, shared: {text!r}")
        if d.shared
        else _("{cell} answers {question}: {text!r}")
    )
    return Line(
        "answer",
        _("{cell} answers question {question}").format(cell=d.cell, question=ref),
        text=d.text,
        cell=d.cell,
        detail=_("shared with every cell") if d.shared else "",
        ref=ref,
        summary=summary.format(cell=d.cell, question=ref, text=d.text) + _behalf(d.on_behalf),
        on_behalf=d.on_behalf,
    )


# --------------------------------------------------------------------- consoles


@_describes(ev.ConsoleJoined)
def _joined(e: Event, d: ev.ConsoleJoined, s: State) -> Line:
    return Line(
        "console",
        _("console joined as {cell}").format(cell=d.cell),
        cell=d.cell,
        summary=_("a console joined as {cell}").format(cell=d.cell),
        timeline=False,
    )


@_describes(ev.ConsoleLeft)
def _left(e: Event, d: ev.ConsoleLeft, s: State) -> Line:
    return Line(
        "console",
        _("console left as {cell}").format(cell=d.cell),
        cell=d.cell,
        summary=_("a console of {cell} closed").format(cell=d.cell),
        timeline=False,
    )


@_describes(ev.JournalSealed)
def _sealed(e: Event, d: ev.JournalSealed, s: State) -> Line:
    return Line(
        "control",
        _("record sealed"),
        text=_("events 1-{seq}, head {head}, key {key}").format(
            seq=d.seq, head=d.head[:16], key=d.key
        ),
        summary=_("control sealed the record (events 1-{seq}, head {head}) with key {key}").format(
            seq=d.seq, head=d.head[:16], key=d.key
        ),
        timeline=False,
    )


@_describes(ev.ConsoleRefused)
def _refused(e: Event, d: ev.ConsoleRefused, s: State) -> Line:
    return Line(
        "console",
        _("console refused as {cell}").format(cell=d.cell),
        text=reason_words(d.reason),
        cell=d.cell,
        summary=_("a console was refused as {cell!r}: {reason}").format(
            cell=d.cell, reason=reason_words(d.reason)
        ),
        timeline=False,
    )


@_describes(ev.EvaluatorAdded)
def _evaluator_added(e: Event, d: ev.EvaluatorAdded, s: State) -> Line:
    words = _("evaluator {evaluator} added").format(evaluator=d.evaluator)
    return Line("evaluation", words, summary=words, timeline=False)


@_describes(ev.EvaluatorAssigned)
def _evaluator_assigned(e: Event, d: ev.EvaluatorAssigned, s: State) -> Line:
    what = ", ".join((*d.objectives, *d.cells)) or _("every critical task")
    words = _("evaluator {evaluator} assigned to {what}").format(evaluator=d.evaluator, what=what)
    return Line("evaluation", words, summary=words, timeline=False)


@_describes(ev.EvaluatorJoined)
def _evaluator_joined(e: Event, d: ev.EvaluatorJoined, s: State) -> Line:
    words = _("evaluator {evaluator} joined").format(evaluator=d.evaluator)
    return Line("console", words, summary=words, timeline=False)


@_describes(ev.TaskRated)
def _task_rated(e: Event, d: ev.TaskRated, s: State) -> Line:
    who = e.actor.removeprefix("evaluator:")
    words = _("{evaluator} rated task {task} {rating}").format(
        evaluator=who, task=d.task, rating=d.rating
    )
    return Line(
        "evaluation",
        words,
        text=d.reason,
        ref=d.task,
        summary=words + _quoted(d.reason),
        timeline=False,
    )


def refusal_words(d: ev.CommandRefused) -> str:
    """Why a command was refused, in the interface language: the stored message said
    again, or the recorded English when there is none this language can say (a session
    recorded before messages were stored, a damaged one)."""
    lang = language()
    if lang == DEFAULT or not d.message:
        return d.reason
    stored = load_message(d.message, lang)
    return d.reason if stored is None else stored.render(lang)


@_describes(ev.CommandRefused)
def _command_refused(e: Event, d: ev.CommandRefused, s: State) -> Line:
    who = e.actor.removeprefix("evaluator:")
    words = _("evaluator {evaluator} refused: {command}").format(evaluator=who, command=d.command)
    reason = refusal_words(d)
    return Line("evaluation", words, text=reason, summary=f"{words} ({reason})", timeline=False)
