"""Exercise state: a fold of the journal's events over the scenario.

``apply(state, event)`` is total (it never raises on a recorded event) and depends on
nothing but the state and the event, so folding the same events always gives the same
state, in any process. For speed it updates the state in place (a fold of 100,000
events must take well under two seconds); :func:`fold` builds a fresh state, and
:meth:`State.copy` snapshots one. Commands are decided against the state in
:mod:`exercise.engine.decide`, which never modifies it.
"""

from __future__ import annotations

import copy
import enum
import gc
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import timedelta
from typing import Any, TypeVar

import attrs

from exercise.engine.clock import Clock
from exercise.model import Inject, Module, Scenario
from exercise.model import events as ev
from exercise.model.event import Event
from exercise.model.events import EventData, MatrixRoll, Outcome


class InjectStatus(enum.StrEnum):
    """Where an inject stands in the MSEL."""

    PENDING = "pending"
    HELD = "held"
    SKIPPED = "skipped"
    RELEASED = "released"


PENDING, HELD, SKIPPED, RELEASED = (
    InjectStatus.PENDING,
    InjectStatus.HELD,
    InjectStatus.SKIPPED,
    InjectStatus.RELEASED,
)


class MoveStatus(enum.StrEnum):
    """A move is ``submitted`` (needs no adjudication), ``pending`` (awaits it), or
    carries the adjudication's outcome."""

    SUBMITTED = "submitted"
    PENDING = "pending"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    MODIFIED = "modified"

    @classmethod
    def of(cls, outcome: Outcome) -> MoveStatus:
        return cls(outcome.value)


@attrs.define
class Argument:
    """A cell's argument for or against a move awaiting matrix resolution."""

    seq: int
    cell: str
    stance: str  # "for" | "against"
    text: str
    strong: bool


@attrs.define
class PlanItem:
    """An improvement plan item as of its latest event (``seq``)."""

    seq: int
    item: str
    issue: str = ""
    corrective_action: str = ""
    capability: str = ""
    cell: str = ""
    start: str = ""
    end: str = ""
    objective: str = ""
    removed: bool = False


@attrs.define
class InjectState:
    """Where an inject stands. ``due_ms`` is its scheduled time, or for a triggered
    inject the time its trigger fires once the condition has happened."""

    id: str
    status: InjectStatus = PENDING
    due_ms: int | None = None
    released_seq: int | None = None
    released_ms: int | None = None
    released_wall_us: int | None = None
    reason: str = ""
    note: str = ""


@attrs.define
class Delivery:
    """One item reaching one cell: delivered, read and acknowledged times."""

    item: str
    cell: str
    delivered_ms: int
    delivered_wall_us: int
    delivered_seq: int
    read_ms: int | None = None
    read_wall_us: int | None = None
    ack_ms: int | None = None
    ack_wall_us: int | None = None
    ack_seq: int | None = None


@attrs.define
class Move:
    seq: int
    cell: str
    kind: str
    text: str
    to: tuple[str, ...]
    answers: str | None
    entered_by: str
    game_ms: int
    wall_us: int
    status: MoveStatus = MoveStatus.SUBMITTED
    outcome: str = ""  # the adjudication's text
    adjudication_seq: int | None = None
    arguments: list[Argument] = attrs.Factory(list)
    resolution: MatrixRoll | None = None


@attrs.define
class Message:
    seq: int
    cell: str
    to: tuple[str, ...]
    text: str
    subject: str
    about: str | None
    entered_by: str
    game_ms: int
    wall_us: int


@attrs.define
class Rfi:
    seq: int
    cell: str
    text: str
    about: str | None
    game_ms: int
    answer: str | None = None
    answered_ms: int | None = None
    public: bool = False


@attrs.define
class Expectation:
    """An expected action of a released inject: met when the cell's moves of that kind
    have reached every listed addressee by the deadline."""

    inject: str
    index: int
    cell: str
    action: str
    to: tuple[str, ...]
    released_ms: int
    deadline_ms: int
    covered: set[str] = attrs.Factory(set)
    met_ms: int | None = None
    met_seq: int | None = None

    def missed(self, now_ms: int) -> bool:
        return self.met_ms is None and now_ms > self.deadline_ms


@attrs.define
class Observation:
    seq: int
    by: str
    text: str
    kind: str
    injects: tuple[str, ...]
    cells: tuple[str, ...]
    objectives: tuple[str, ...]
    game_ms: int
    tasks: tuple[str, ...] = ()
    events: tuple[int, ...] = ()
    wall_us: int = 0


@attrs.define
class Evaluator:
    """An evaluator added by control: its code's hash, assignments and whether it joined."""

    name: str
    code_hash: str = ""
    objectives: tuple[str, ...] = ()
    cells: tuple[str, ...] = ()
    joined: bool = False


@attrs.define
class TaskRating:
    """An evaluator's latest rating of a critical task."""

    evaluator: str
    task: str
    rating: str
    reason: str
    seq: int
    game_ms: int
    wall_us: int


@attrs.define
class Refusal:
    """A command an evaluator gave that was refused (and recorded)."""

    seq: int
    actor: str
    command: str
    reason: str


@attrs.define
class Answer:
    """A cell's answer to a module's discussion question (the latest one counts)."""

    seq: int
    cell: str
    module: str
    question: int  # 1, 2 ...
    text: str
    shared: bool
    entered_by: str
    game_ms: int
    revisions: int = 0  # earlier answers it replaced


@attrs.define
class ModuleNote:
    seq: int
    module: str
    text: str
    by: str
    game_ms: int


@attrs.define
class Coordination:
    """An intent stated, a consultation sent or a consent given or refused. ``to`` is
    who it concerns: the cells an intent concerns, the cells consulted, or the cell
    whose action a consent is about."""

    seq: int
    type: str  # the event type
    cell: str
    to: tuple[str, ...]
    text: str
    game_ms: int
    kind: str = ""  # an intent's move kind
    target: str = ""
    place: str = ""
    intent: int | None = None  # what a consultation or consent is linked to ...
    inject: str | None = None  # ... or the inject (for an intent: the one it answers)
    #: a consultation's answers: cell -> (seq, game_ms, text)
    answers: dict[str, tuple[int, int, str]] = attrs.Factory(dict)


@attrs.define(eq=False)
class State:
    """Everything that has happened in an exercise, as of event ``seq``."""

    scenario: Scenario
    seq: int = 0
    head_hash: str = ""
    last_wall_us: int = 0
    last_game_ms: int = 0
    clock: Clock = attrs.Factory(Clock)
    started: bool = False
    ended: bool = False
    injects: dict[str, InjectState] = attrs.Factory(dict)
    adhoc: dict[str, Inject] = attrs.Factory(dict)
    moves: dict[int, Move] = attrs.Factory(dict)
    messages: dict[int, Message] = attrs.Factory(dict)
    rfis: dict[int, Rfi] = attrs.Factory(dict)
    deliveries: dict[tuple[str, str], Delivery] = attrs.Factory(dict)
    expectations: list[Expectation] = attrs.Factory(list)
    observations: list[Observation] = attrs.Factory(list)
    published: set[str] = attrs.Factory(set)
    #: intents, consultations and consent decisions by seq
    intents: dict[int, Coordination] = attrs.Factory(dict)
    consultations: dict[int, Coordination] = attrs.Factory(dict)
    consents: dict[int, Coordination] = attrs.Factory(dict)
    #: objective id -> (rating, reason, seq) set by control over the computed rating
    rating_overrides: dict[str, tuple[str, str, int]] = attrs.Factory(dict)
    #: improvement plan items by id (as of their latest event, ``removed`` included)
    improvements: dict[str, PlanItem] = attrs.Factory(dict)
    #: module id -> game time control opened it (discussion-based exercises)
    opened_modules: dict[str, int] = attrs.Factory(dict)
    #: (module, question, cell) -> the cell's latest answer
    answers: dict[tuple[str, int, str], Answer] = attrs.Factory(dict)
    module_notes: list[ModuleNote] = attrs.Factory(list)
    #: evaluators by name
    evaluators: dict[str, Evaluator] = attrs.Factory(dict)
    #: (evaluator name, task id) -> the evaluator's latest rating of the task
    task_ratings: dict[tuple[str, str], TaskRating] = attrs.Factory(dict)
    refusals: list[Refusal] = attrs.Factory(list)
    #: the language the scenario's text is shown in (None: its own) and the scenario as
    #: written, when ``scenario`` is a translated copy (see Session.use_language)
    language: str | None = None
    source: Scenario | None = None
    # indexes (derived while folding; part of the state's identity only through the above)
    open_expectations: dict[tuple[str, str], list[Expectation]] = attrs.Factory(
        lambda: defaultdict(list)
    )
    _triggers: dict[tuple[str, str], list[Inject]] = attrs.Factory(dict)

    def __attrs_post_init__(self) -> None:
        self.clock = Clock(ratio=self.scenario.clock_ratio)
        for inject in self.scenario.msel:
            self.injects[inject.id] = InjectState(
                id=inject.id, due_ms=_ms(inject.time) if inject.time is not None else None
            )
        index: dict[tuple[str, str], list[Inject]] = defaultdict(list)
        for inject in self.scenario.msel:
            if inject.trigger is not None:
                index[inject.trigger.condition].append(inject)
        self._triggers = dict(index)

    # ------------------------------------------------------------------ queries

    def inject(self, inject_id: str) -> Inject:
        """The definition of an MSEL or ad-hoc inject."""
        found = self.scenario.injects_by_id.get(inject_id) or self.adhoc.get(inject_id)
        if found is None:
            raise KeyError(inject_id)
        return found

    def module_opened_ms(self, module_id: str, now_ms: int) -> int | None:
        """When a module opened: control opened it, or its start time came (the earlier
        of the two); None while it is still closed at game time ``now_ms``."""
        module = next((m for m in self.scenario.modules if m.id == module_id), None)
        if module is None:
            return None
        candidates = (self.opened_modules.get(module_id), _ms(module.start))
        times = [t for t in candidates if t is not None and t <= now_ms]
        return min(times) if times else None

    def answer_by_seq(self, seq: int) -> Answer | None:
        return next((a for a in self.answers.values() if a.seq == seq), None)

    def game_ms(self, wall_us: int) -> int:
        return self.clock.game_ms(max(wall_us, self.last_wall_us))

    def snapshot(self) -> dict[str, object]:
        """The state as plain comparable data (for equality and tests)."""
        return {
            "seq": self.seq,
            "head_hash": self.head_hash,
            "clock": self.clock,
            "started": self.started,
            "ended": self.ended,
            "injects": self.injects,
            "adhoc": self.adhoc,
            "moves": self.moves,
            "messages": self.messages,
            "rfis": self.rfis,
            "deliveries": self.deliveries,
            "expectations": self.expectations,
            "observations": self.observations,
            "published": self.published,
            "intents": self.intents,
            "consultations": self.consultations,
            "consents": self.consents,
            "rating_overrides": self.rating_overrides,
            "improvements": self.improvements,
            "opened_modules": self.opened_modules,
            "answers": self.answers,
            "module_notes": self.module_notes,
            "evaluators": self.evaluators,
            "task_ratings": self.task_ratings,
            "refusals": self.refusals,
        }

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, State):
            return NotImplemented
        return self.scenario == other.scenario and self.snapshot() == other.snapshot()

    __hash__ = None  # type: ignore[assignment]

    def copy(self) -> State:
        return copy.deepcopy(self)


def _ms(delta: timedelta) -> int:
    return int(delta.total_seconds() * 1000)


def fold(scenario: Scenario, events: Iterable[Event]) -> State:
    """The state after ``events``, from scratch.

    The cyclic garbage collector is paused while folding: a fold only allocates objects
    the state keeps, and each collection would walk the whole journal and state again
    (it took half the time of a fold of 100,000 events)."""
    state = State(scenario)
    paused = gc.isenabled()
    if paused:
        gc.disable()
    try:
        for event in events:
            apply(state, event)
    finally:
        if paused:
            gc.enable()
    return state


def apply(state: State, event: Event) -> State:
    """Fold one recorded event into ``state`` (in place) and return it. The handler is
    chosen by the class of ``event.data``; ``Unknown`` (newer releases) and ``Damaged``
    events have none: they are kept in the journal and skipped here."""
    data = event.data
    handler = _HANDLERS.get(type(data))
    state.seq = event.seq
    state.head_hash = event.hash
    state.last_wall_us = max(state.last_wall_us, event.wall_us)
    if handler is not None:
        handler(state, event, data)
    state.last_game_ms = state.clock.game_ms(state.last_wall_us)
    return state


# ----------------------------------------------------------------------- handlers

_D = TypeVar("_D", bound=EventData)
_Handler = Callable[[State, Event, Any], None]

#: How each event class changes the state: ``handler(state, event, event.data)``.
_HANDLERS: dict[type[EventData], _Handler] = {}


def _on(*classes: type[_D]) -> Callable[[Callable[[State, Event, _D], None]], _Handler]:
    """Register the decorated function as the handler of ``classes``."""

    def register(fn: Callable[[State, Event, _D], None]) -> _Handler:
        for cls in classes:
            _HANDLERS[cls] = fn
        return fn

    return register


@_on(ev.ClockStarted)
def _clock_started(s: State, e: Event, d: ev.ClockStarted) -> None:
    s.started = True
    s.clock = Clock(
        running=True, ratio=float(d.ratio), anchor_wall_us=e.wall_us, anchor_game_ms=d.game_ms
    )


@_on(ev.ClockPaused)
def _clock_paused(s: State, e: Event, d: ev.ClockPaused) -> None:
    s.clock = s.clock.anchored(e.wall_us, running=False)


@_on(ev.ClockResumed)
def _clock_resumed(s: State, e: Event, d: ev.ClockResumed) -> None:
    s.clock = attrs.evolve(s.clock, running=True, anchor_wall_us=e.wall_us)


@_on(ev.ClockRatioSet)
def _clock_ratio(s: State, e: Event, d: ev.ClockRatioSet) -> None:
    s.clock = s.clock.anchored(e.wall_us, ratio=float(d.ratio))


@_on(ev.ClockJumped)
def _clock_jumped(s: State, e: Event, d: ev.ClockJumped) -> None:
    s.clock = attrs.evolve(s.clock, anchor_wall_us=e.wall_us, anchor_game_ms=d.to_ms)


@_on(ev.ExerciseEnded)
def _ended(s: State, e: Event, d: ev.ExerciseEnded) -> None:
    s.clock = s.clock.anchored(e.wall_us, running=False)
    s.ended = True


def _deliver(s: State, item: str, cells: Iterable[str], e: Event) -> None:
    for cell in cells:
        s.deliveries[(item, cell)] = Delivery(item, cell, e.game_ms, e.wall_us, e.seq)


#: The reason recorded for an inject a trigger released (``trigger: missed INJ-003 by
#: kgz-mod``, as :func:`_fire` and ``decide.due`` write it), read back to put it into words.
TRIGGER_REASON = re.compile(
    r"trigger: (after|met|move|adjudicated|missed) (\S+)"
    r"(?: (accepted|rejected|modified))?(?: by (\S+))?"
)


def _fire(
    s: State, condition: tuple[str, str], at_ms: int, cell: str | None, outcome: str = ""
) -> None:
    """A trigger condition happened at ``at_ms``: schedule the injects waiting on it.
    ``outcome`` is the adjudication outcome for an ``adjudicated`` condition."""
    for inject in s._triggers.get(condition, ()):
        trig = inject.trigger
        assert trig is not None
        if trig.cell is not None and cell is not None and trig.cell != cell:
            continue
        if condition[0] == "adjudicated" and outcome not in trig.outcomes:
            continue
        st = s.injects[inject.id]
        if st.status == PENDING and st.due_ms is None:
            st.due_ms = at_ms + _ms(trig.delay)
            st.reason = (
                f"trigger: {condition[0]} {condition[1]}"
                + (f" {outcome}" if outcome else "")
                + (f" by {cell}" if trig.cell else "")
            )


def _inject_state(s: State, inject_id: str) -> InjectState:
    st = s.injects.get(inject_id)
    if st is None:
        st = s.injects[inject_id] = InjectState(id=inject_id)
    return st


@_on(ev.InjectReleased)
def _inject_released(s: State, e: Event, d: ev.InjectReleased) -> None:
    inject_id = d.inject
    st = _inject_state(s, inject_id)
    st.status = RELEASED
    st.released_seq, st.released_ms, st.released_wall_us = e.seq, e.game_ms, e.wall_us
    st.reason = d.reason
    _deliver(s, f"inject:{inject_id}", d.to, e)
    inject = s.scenario.injects_by_id.get(inject_id) or s.adhoc.get(inject_id)
    if inject is None:  # a copy of the scenario without its MSEL (a cell's PostgreSQL role)
        text = d.content or ev.InjectText(words=(ev.InjectWords("", title=inject_id),))
        inject = s.adhoc[inject_id] = _released_inject(s, inject_id, d.to, text)
    if inject.public:
        s.published.add(f"inject:{inject_id}")
    for i, exp in enumerate(inject.expects):
        x = Expectation(
            inject=inject_id,
            index=i,
            cell=exp.cell,
            action=exp.action,
            to=exp.to,
            released_ms=e.game_ms,
            deadline_ms=e.game_ms + _ms(exp.within),
        )
        s.expectations.append(x)
        s.open_expectations[(exp.cell, exp.action)].append(x)
    _fire(s, ("after", inject_id), e.game_ms, None)


@_on(ev.InjectHeld)
def _inject_held(s: State, e: Event, d: ev.InjectHeld) -> None:
    st = _inject_state(s, d.inject)
    st.status, st.note = HELD, d.reason


@_on(ev.InjectSkipped)
def _inject_skipped(s: State, e: Event, d: ev.InjectSkipped) -> None:
    st = _inject_state(s, d.inject)
    st.status, st.note = SKIPPED, d.reason


@_on(ev.InjectUnheld)
def _inject_unheld(s: State, e: Event, d: ev.InjectUnheld) -> None:
    st = _inject_state(s, d.inject)
    st.status, st.note = PENDING, ""


@_on(ev.InjectRetimed)
def _inject_retimed(s: State, e: Event, d: ev.InjectRetimed) -> None:
    _inject_state(s, d.inject).due_ms = d.time_ms


def _released_inject(s: State, inject_id: str, to: tuple[str, ...], text: ev.InjectText) -> Inject:
    """The inject a release carries, in the language the state's text is shown in."""
    words = next((w for w in text.words if w.language == s.language), None)
    if words is None:
        words = text.words[0] if text.words else ev.InjectWords("")
    return Inject(
        id=inject_id, title=words.title, to=to, body=words.body, from_=words.sender,
        channel=text.channel, questions=words.questions, grading=text.grading,
        clock=text.clock, public=text.public, contingency=True,
    )  # fmt: skip


@_on(ev.InjectAdded)
def _inject_added(s: State, e: Event, d: ev.InjectAdded) -> None:
    inject = Inject(
        id=d.inject,
        title=d.title,
        to=d.to,
        body=d.body,
        from_=d.from_,
        channel=d.channel,
        contingency=True,
    )
    s.adhoc[inject.id] = inject
    s.injects[inject.id] = InjectState(id=inject.id)


@_on(ev.ItemPublished)
def _published(s: State, e: Event, d: ev.ItemPublished) -> None:
    s.published.add(d.item)


def _delivery(s: State, e: Event, item: str, cell: str) -> Delivery | None:
    """The item's delivery to the cell; a public item reaches a cell when it opens it."""
    key = (item, cell)
    found = s.deliveries.get(key)
    if found is None and item in s.published:
        found = s.deliveries[key] = Delivery(item, cell, e.game_ms, e.wall_us, e.seq)
    return found


@_on(ev.ItemRead)
def _read(s: State, e: Event, d: ev.ItemRead) -> None:
    found = _delivery(s, e, d.item, d.cell)
    if found is not None and found.read_ms is None:
        found.read_ms, found.read_wall_us = e.game_ms, e.wall_us


@_on(ev.ItemAcknowledged)
def _acknowledged(s: State, e: Event, d: ev.ItemAcknowledged) -> None:
    found = _delivery(s, e, d.item, d.cell)
    if found is not None and found.ack_ms is None:
        found.ack_ms, found.ack_wall_us, found.ack_seq = e.game_ms, e.wall_us, e.seq
        if found.read_ms is None:
            found.read_ms, found.read_wall_us = e.game_ms, e.wall_us


@_on(ev.MoveSubmitted)
def _move_submitted(s: State, e: Event, d: ev.MoveSubmitted) -> None:
    move = Move(
        seq=e.seq,
        cell=d.cell,
        kind=d.kind,
        text=d.text,
        to=d.to,
        answers=d.answers,
        entered_by=e.actor,
        game_ms=e.game_ms,
        wall_us=e.wall_us,
        status=MoveStatus.PENDING if d.adjudicate else MoveStatus.SUBMITTED,
    )
    s.moves[e.seq] = move
    _deliver(s, f"move:{e.seq}", move.to, e)
    key = (move.cell, move.kind)
    still_open = []
    for x in s.open_expectations.get(key, ()):
        if e.game_ms < x.released_ms:
            still_open.append(x)
            continue
        if e.game_ms > x.deadline_ms:
            continue  # too late: the expectation stays unmet
        x.covered.update(c for c in move.to if c in x.to)
        if x.covered >= set(x.to):
            x.met_ms, x.met_seq = e.game_ms, e.seq
            _fire(s, ("met", x.inject), e.game_ms, x.cell)
        else:
            still_open.append(x)
    if key in s.open_expectations:
        s.open_expectations[key] = still_open
    _fire(s, ("move", move.kind), e.game_ms, move.cell)


@_on(ev.MoveArgued)
def _move_argued(s: State, e: Event, d: ev.MoveArgued) -> None:
    move = s.moves.get(d.move)
    if move is not None:
        move.arguments.append(Argument(e.seq, d.cell, d.stance, d.text, d.strong))


@_on(ev.MoveAdjudicated)
def _move_adjudicated(s: State, e: Event, d: ev.MoveAdjudicated) -> None:
    move = s.moves.get(d.move)
    if move is not None:
        move.status = MoveStatus.of(d.outcome)
        move.outcome = d.text
        move.adjudication_seq = e.seq
        move.resolution = d.matrix
        _fire(s, ("adjudicated", move.kind), e.game_ms, move.cell, d.outcome.value)


@_on(ev.MessageSent)
def _message_sent(s: State, e: Event, d: ev.MessageSent) -> None:
    msg = Message(
        seq=e.seq,
        cell=d.cell,
        to=d.to,
        text=d.text,
        subject=d.subject,
        about=d.about,
        entered_by=e.actor,
        game_ms=e.game_ms,
        wall_us=e.wall_us,
    )
    s.messages[e.seq] = msg
    _deliver(s, f"message:{e.seq}", msg.to, e)


@_on(ev.IntentStated)
def _intent_stated(s: State, e: Event, d: ev.IntentStated) -> None:
    s.intents[e.seq] = Coordination(
        e.seq, d.TYPE, d.cell, d.concerns, d.text, e.game_ms, kind=d.kind, target=d.target,
        place=d.place, inject=d.answers,
    )  # fmt: skip


@_on(ev.ConsultationSent)
def _consultation_sent(s: State, e: Event, d: ev.ConsultationSent) -> None:
    s.consultations[e.seq] = Coordination(
        e.seq, d.TYPE, d.cell, d.to, d.text, e.game_ms, intent=d.intent, inject=d.inject
    )


@_on(ev.ConsultationAnswered)
def _consultation_answered(s: State, e: Event, d: ev.ConsultationAnswered) -> None:
    asked = s.consultations.get(d.consultation)
    if asked is not None:
        asked.answers[d.cell] = (e.seq, e.game_ms, d.text)


@_on(ev.ConsentGiven, ev.ConsentRefused)
def _consent(s: State, e: Event, d: ev.Consent) -> None:
    s.consents[e.seq] = Coordination(
        e.seq, d.TYPE, d.cell, d.to, d.text, e.game_ms, intent=d.intent, inject=d.inject
    )


@_on(ev.RfiAsked)
def _rfi_asked(s: State, e: Event, d: ev.RfiAsked) -> None:
    s.rfis[e.seq] = Rfi(e.seq, d.cell, d.text, d.about, e.game_ms)


@_on(ev.RfiAnswered)
def _rfi_answered(s: State, e: Event, d: ev.RfiAnswered) -> None:
    rfi = s.rfis.get(d.rfi)
    if rfi is not None:
        rfi.answer = d.text
        rfi.answered_ms = e.game_ms
        rfi.public = d.public


@_on(ev.ObservationRecorded)
def _observation(s: State, e: Event, d: ev.ObservationRecorded) -> None:
    s.observations.append(
        Observation(
            seq=e.seq,
            by=e.actor,
            text=d.text,
            kind=d.kind,
            injects=d.injects,
            cells=d.cells,
            objectives=d.objectives,
            game_ms=e.game_ms,
            tasks=d.tasks,
            events=d.events,
            wall_us=e.wall_us,
        )
    )


@_on(ev.RatingOverridden)
def _rating(s: State, e: Event, d: ev.RatingOverridden) -> None:
    if d.rating is None:
        s.rating_overrides.pop(d.objective, None)
    else:
        s.rating_overrides[d.objective] = (d.rating, d.reason, e.seq)


@_on(ev.ImprovementPlanned)
def _improvement(s: State, e: Event, d: ev.ImprovementPlanned) -> None:
    s.improvements[d.item] = PlanItem(
        seq=e.seq,
        item=d.item,
        issue=d.issue,
        corrective_action=d.corrective_action,
        capability=d.capability,
        cell=d.cell,
        start=d.start,
        end=d.end,
        objective=d.objective,
        removed=d.removed,
    )


@_on(ev.ModuleOpened)
def _module_opened(s: State, e: Event, d: ev.ModuleOpened) -> None:
    s.opened_modules.setdefault(d.module, e.game_ms)
    modules = s.scenario.modules
    at = next((i for i, m in enumerate(modules) if m.id == d.module), None)
    if at is None or not d.words or not _module_stub(modules[at]):
        return
    # a copy of the scenario with its modules by id only (a cell's PostgreSQL role): the
    # opening brings the module's words, in the language the state's text is shown in
    words = next((w for w in d.words if w.language == s.language), d.words[0])
    module = attrs.evolve(
        modules[at], title=words.title, summary=words.summary, questions=words.questions
    )
    s.scenario = attrs.evolve(s.scenario, modules=(*modules[:at], module, *modules[at + 1 :]))


def _module_stub(module: Module) -> bool:
    """A module as a player's copy of the scenario holds it: its id and start only."""
    return module.title == module.id and not module.summary and not module.questions


@_on(ev.ModuleNoted)
def _module_noted(s: State, e: Event, d: ev.ModuleNoted) -> None:
    s.module_notes.append(ModuleNote(e.seq, d.module, d.text, e.actor, e.game_ms))


@_on(ev.QuestionAnswered)
def _question_answered(s: State, e: Event, d: ev.QuestionAnswered) -> None:
    key = (d.module, d.question, d.cell)
    before = s.answers.get(key)
    s.answers[key] = Answer(
        seq=e.seq,
        cell=d.cell,
        module=d.module,
        question=d.question,
        text=d.text,
        shared=d.shared,
        entered_by=e.actor,
        game_ms=e.game_ms,
        revisions=0 if before is None else before.revisions + 1,
    )
    if d.shared:
        s.published.add(f"answer:{e.seq}")


@_on(ev.EvaluatorAdded)
def _evaluator_added(s: State, e: Event, d: ev.EvaluatorAdded) -> None:
    s.evaluators[d.evaluator] = Evaluator(name=d.evaluator, code_hash=d.code)


@_on(ev.EvaluatorAssigned)
def _evaluator_assigned(s: State, e: Event, d: ev.EvaluatorAssigned) -> None:
    found = s.evaluators.get(d.evaluator)
    if found is not None:
        found.objectives, found.cells = d.objectives, d.cells


@_on(ev.EvaluatorJoined)
def _evaluator_joined(s: State, e: Event, d: ev.EvaluatorJoined) -> None:
    found = s.evaluators.get(d.evaluator)
    if found is not None:
        found.joined = True


@_on(ev.TaskRated)
def _task_rated(s: State, e: Event, d: ev.TaskRated) -> None:
    name = e.actor.removeprefix("evaluator:")
    s.task_ratings[(name, d.task)] = TaskRating(
        name, d.task, d.rating, d.reason, e.seq, e.game_ms, e.wall_us
    )


@_on(ev.CommandRefused)
def _refused(s: State, e: Event, d: ev.CommandRefused) -> None:
    s.refusals.append(Refusal(e.seq, e.actor, d.command, d.reason))


def assigned_tasks(scenario: Scenario, evaluator: Evaluator) -> list[str]:
    """The critical tasks an evaluator rates: those of its objectives and of tasks that
    concern its cells; every task when it has no assignment."""
    out = []
    for objective in scenario.objectives:
        for task in objective.critical_tasks:
            if (
                (not evaluator.objectives and not evaluator.cells)
                or objective.id in evaluator.objectives
                or set(task.cells) & set(evaluator.cells)
            ):
                out.append(task.id)
    return out
