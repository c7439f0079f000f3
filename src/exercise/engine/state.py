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
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

import attrs

from exercise.engine import events as ev
from exercise.engine.clock import Clock
from exercise.model import Inject, Scenario
from exercise.model.event import Event

PENDING, HELD, SKIPPED, RELEASED = "pending", "held", "skipped", "released"


@attrs.define
class InjectState:
    """Where an inject stands. ``due_ms`` is its scheduled time, or for a triggered
    inject the time its trigger fires once the condition has happened."""

    id: str
    status: str = PENDING
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
    status: str = "submitted"  # submitted | pending (awaits adjudication) | accepted | ...
    outcome: str = ""
    adjudication_seq: int | None = None
    arguments: list[dict[str, Any]] = attrs.Factory(list)
    resolution: dict[str, Any] | None = None


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
    #: objective id -> (rating, reason, seq) set by control over the computed rating
    rating_overrides: dict[str, tuple[str, str, int]] = attrs.Factory(dict)
    #: improvement plan items by id (payload of their latest event, ``removed`` included)
    improvements: dict[str, dict[str, Any]] = attrs.Factory(dict)
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

    def game_ms(self, wall_us: int) -> int:
        return self.clock.game_ms(max(wall_us, self.last_wall_us))

    def snapshot(self) -> dict[str, Any]:
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
            "rating_overrides": self.rating_overrides,
            "improvements": self.improvements,
        }

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, State):
            return NotImplemented
        return self.scenario == other.scenario and self.snapshot() == other.snapshot()

    __hash__ = None  # type: ignore[assignment]

    def copy(self) -> State:
        return copy.deepcopy(self)


def _ms(delta: Any) -> int:
    return int(delta.total_seconds() * 1000)


def fold(scenario: Scenario, events: Iterable[Event]) -> State:
    state = State(scenario)
    for event in events:
        apply(state, event)
    return state


def apply(state: State, event: Event) -> State:
    """Fold one recorded event into ``state`` (in place) and return it."""
    handler = _HANDLERS.get(event.type)
    state.seq = event.seq
    state.head_hash = event.hash
    state.last_wall_us = max(state.last_wall_us, event.wall_us)
    if handler is not None:  # unknown types (from newer releases) are kept, not applied
        handler(state, event)
    state.last_game_ms = state.clock.game_ms(state.last_wall_us)
    return state


# ----------------------------------------------------------------------- handlers


def _clock_started(s: State, e: Event) -> None:
    s.started = True
    s.clock = Clock(
        running=True,
        ratio=float(e.payload.get("ratio", s.scenario.clock_ratio)),
        anchor_wall_us=e.wall_us,
        anchor_game_ms=int(e.payload.get("game_ms", 0)),
    )


def _clock_paused(s: State, e: Event) -> None:
    s.clock = s.clock.anchored(e.wall_us, running=False)


def _clock_resumed(s: State, e: Event) -> None:
    s.clock = attrs.evolve(s.clock, running=True, anchor_wall_us=e.wall_us)


def _clock_ratio(s: State, e: Event) -> None:
    s.clock = s.clock.anchored(e.wall_us, ratio=float(e.payload["ratio"]))


def _clock_jumped(s: State, e: Event) -> None:
    s.clock = attrs.evolve(
        s.clock, anchor_wall_us=e.wall_us, anchor_game_ms=int(e.payload["to_ms"])
    )


def _ended(s: State, e: Event) -> None:
    s.clock = s.clock.anchored(e.wall_us, running=False)
    s.ended = True


def _deliver(s: State, item: str, cells: Iterable[str], e: Event) -> None:
    for cell in cells:
        s.deliveries[(item, cell)] = Delivery(item, cell, e.game_ms, e.wall_us, e.seq)


def _fire(s: State, condition: tuple[str, str], at_ms: int, cell: str | None) -> None:
    """A trigger condition happened at ``at_ms``: schedule the injects waiting on it."""
    for inject in s._triggers.get(condition, ()):
        trig = inject.trigger
        assert trig is not None
        if trig.cell is not None and cell is not None and trig.cell != cell:
            continue
        st = s.injects[inject.id]
        if st.status == PENDING and st.due_ms is None:
            st.due_ms = at_ms + _ms(trig.delay)
            st.reason = f"trigger: {condition[0]} {condition[1]}" + (
                f" by {cell}" if trig.cell else ""
            )


def _inject_released(s: State, e: Event) -> None:
    inject_id = e.payload["inject"]
    st = s.injects.setdefault(inject_id, InjectState(id=inject_id))
    st.status = RELEASED
    st.released_seq, st.released_ms, st.released_wall_us = e.seq, e.game_ms, e.wall_us
    st.reason = e.payload.get("reason", st.reason)
    recipients = tuple(e.payload.get("to", ()))
    _deliver(s, f"inject:{inject_id}", recipients, e)
    try:
        inject = s.inject(inject_id)
    except KeyError:
        return
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


def _inject_status(status: str) -> Any:
    def handler(s: State, e: Event) -> None:
        st = s.injects.setdefault(e.payload["inject"], InjectState(id=e.payload["inject"]))
        st.status = status
        st.note = e.payload.get("reason", "")

    return handler


def _inject_retimed(s: State, e: Event) -> None:
    st = s.injects.setdefault(e.payload["inject"], InjectState(id=e.payload["inject"]))
    st.due_ms = int(e.payload["time_ms"])


def _inject_added(s: State, e: Event) -> None:
    from exercise.model import Channel

    p = e.payload
    inject = Inject(
        id=p["inject"],
        title=p.get("title", ""),
        to=tuple(p.get("to", ())),
        body=p.get("body", ""),
        from_=p.get("from", ""),
        channel=Channel(p.get("channel", "message")),
        contingency=True,
    )
    s.adhoc[inject.id] = inject
    s.injects[inject.id] = InjectState(id=inject.id)


def _published(s: State, e: Event) -> None:
    s.published.add(e.payload["item"])


def _delivery(s: State, e: Event) -> Delivery | None:
    """The item's delivery to the cell; a public item reaches a cell when it opens it."""
    key = (e.payload["item"], e.payload["cell"])
    d = s.deliveries.get(key)
    if d is None and key[0] in s.published:
        d = s.deliveries[key] = Delivery(key[0], key[1], e.game_ms, e.wall_us, e.seq)
    return d


def _read(s: State, e: Event) -> None:
    d = _delivery(s, e)
    if d is not None and d.read_ms is None:
        d.read_ms, d.read_wall_us = e.game_ms, e.wall_us


def _acknowledged(s: State, e: Event) -> None:
    d = _delivery(s, e)
    if d is not None and d.ack_ms is None:
        d.ack_ms, d.ack_wall_us, d.ack_seq = e.game_ms, e.wall_us, e.seq
        if d.read_ms is None:
            d.read_ms, d.read_wall_us = e.game_ms, e.wall_us


def _move_submitted(s: State, e: Event) -> None:
    p = e.payload
    move = Move(
        seq=e.seq,
        cell=p["cell"],
        kind=p["kind"],
        text=p.get("text", ""),
        to=tuple(p.get("to", ())),
        answers=p.get("answers"),
        entered_by=e.actor,
        game_ms=e.game_ms,
        wall_us=e.wall_us,
        status="pending" if p.get("adjudicate") else "submitted",
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


def _move_argued(s: State, e: Event) -> None:
    move = s.moves.get(int(e.payload["move"]))
    if move is not None:
        move.arguments.append(
            {
                "seq": e.seq,
                "cell": e.payload["cell"],
                "stance": e.payload["stance"],
                "text": e.payload.get("text", ""),
                "strong": bool(e.payload.get("strong", False)),
            }
        )


def _move_adjudicated(s: State, e: Event) -> None:
    move = s.moves.get(int(e.payload["move"]))
    if move is not None:
        move.status = e.payload["outcome"]
        move.outcome = e.payload.get("text", "")
        move.adjudication_seq = e.seq
        move.resolution = e.payload.get("matrix")


def _message_sent(s: State, e: Event) -> None:
    p = e.payload
    msg = Message(
        seq=e.seq,
        cell=p["cell"],
        to=tuple(p["to"]),
        text=p.get("text", ""),
        subject=p.get("subject", ""),
        about=p.get("about"),
        entered_by=e.actor,
        game_ms=e.game_ms,
        wall_us=e.wall_us,
    )
    s.messages[e.seq] = msg
    _deliver(s, f"message:{e.seq}", msg.to, e)


def _rfi_asked(s: State, e: Event) -> None:
    p = e.payload
    s.rfis[e.seq] = Rfi(e.seq, p["cell"], p.get("text", ""), p.get("about"), e.game_ms)


def _rfi_answered(s: State, e: Event) -> None:
    rfi = s.rfis.get(int(e.payload["rfi"]))
    if rfi is not None:
        rfi.answer = e.payload.get("text", "")
        rfi.answered_ms = e.game_ms
        rfi.public = bool(e.payload.get("public", False))


def _observation(s: State, e: Event) -> None:
    p = e.payload
    s.observations.append(
        Observation(
            seq=e.seq,
            by=e.actor,
            text=p.get("text", ""),
            kind=p.get("kind", "note"),
            injects=tuple(p.get("injects", ())),
            cells=tuple(p.get("cells", ())),
            objectives=tuple(p.get("objectives", ())),
            game_ms=e.game_ms,
        )
    )


def _rating(s: State, e: Event) -> None:
    objective, rating = e.payload["objective"], e.payload.get("rating")
    if rating is None:
        s.rating_overrides.pop(objective, None)
    else:
        s.rating_overrides[objective] = (rating, e.payload.get("reason", ""), e.seq)


def _improvement(s: State, e: Event) -> None:
    s.improvements[e.payload["item"]] = {**e.payload, "seq": e.seq}


_HANDLERS: dict[str, Any] = {
    ev.CLOCK_STARTED: _clock_started,
    ev.CLOCK_PAUSED: _clock_paused,
    ev.CLOCK_RESUMED: _clock_resumed,
    ev.CLOCK_RATIO_SET: _clock_ratio,
    ev.CLOCK_JUMPED: _clock_jumped,
    ev.EXERCISE_ENDED: _ended,
    ev.INJECT_RELEASED: _inject_released,
    ev.INJECT_HELD: _inject_status(HELD),
    ev.INJECT_UNHELD: _inject_status(PENDING),
    ev.INJECT_SKIPPED: _inject_status(SKIPPED),
    ev.INJECT_RETIMED: _inject_retimed,
    ev.INJECT_ADDED: _inject_added,
    ev.ITEM_PUBLISHED: _published,
    ev.ITEM_READ: _read,
    ev.ITEM_ACKNOWLEDGED: _acknowledged,
    ev.MOVE_SUBMITTED: _move_submitted,
    ev.MOVE_ARGUED: _move_argued,
    ev.MOVE_ADJUDICATED: _move_adjudicated,
    ev.MESSAGE_SENT: _message_sent,
    ev.RFI_ASKED: _rfi_asked,
    ev.RFI_ANSWERED: _rfi_answered,
    ev.OBSERVATION_RECORDED: _observation,
    ev.RATING_OVERRIDDEN: _rating,
    ev.IMPROVEMENT_PLANNED: _improvement,
}
