"""What one cell may see: ``view(state, cell)``.

A cell sees the injects released to it, messages and moves it sent or received, its own
requests for information and their answers, and whatever control made public. It never
sees facilitator notes, expected actions, observations, or other cells' traffic.
"""

from __future__ import annotations

import attrs

from exercise.engine.describe import game_when, inject_clock
from exercise.engine.state import RELEASED, State
from exercise.model import Channel
from exercise.model.event import Event
from exercise.model.events import ConsoleJoined, ConsoleLeft, ConsoleRefused, MatrixRoll


@attrs.frozen
class InjectView:
    """A released inject as its recipients see it (no facilitator notes or expectations)."""

    id: str
    title: str
    body: str
    from_: str
    channel: Channel
    to: tuple[str, ...]
    questions: tuple[str, ...]
    released_seq: int
    released_ms: int
    public: bool
    read: bool
    acknowledged: bool
    marking: str = ""  # the exercise marking that heads the inject
    grading: str = ""  # source reliability and credibility, e.g. "B2"
    clock: str = ""  # which clock the inject's times are on, e.g. "Times: Europe/Moscow (UTC+4, D)"
    when: str = ""  # release time as D+N HH:MM and date-time group


@attrs.frozen
class TrafficView:
    """A message or a move, as sender or recipient see it."""

    item: str
    seq: int
    kind: str  # "message" or the move's kind
    cell: str
    to: tuple[str, ...]
    text: str
    subject: str
    about: str | None
    game_ms: int
    status: str
    outcome: str
    public: bool
    read: bool
    acknowledged: bool
    #: the matrix roll behind the ruling (the sender's own moves, or public ones)
    resolution: MatrixRoll | None = None
    #: a move still awaiting control's decision, open to arguments for and against
    arguable: bool = False


@attrs.frozen
class RfiView:
    seq: int
    cell: str
    text: str
    answer: str | None
    public: bool
    game_ms: int = 0
    answered_ms: int | None = None


@attrs.frozen
class QuestionView:
    """A discussion question of an open module, with the cell's own answer and the
    answers other cells shared (or control made public)."""

    module: str
    module_title: str
    number: int  # 1, 2 ...
    text: str
    answer: str | None
    shared: bool
    others: tuple[tuple[str, str], ...]  # (cell, answer) made visible to every cell

    @property
    def ref(self) -> str:
        return f"{self.module}/{self.number}"


@attrs.frozen
class CoordinationView:
    """An intent, consultation or consent decision the cell stated, or that concerns it.
    ``what`` is ``intent``, ``consultation``, ``consent given`` or ``consent refused``;
    ``answers`` are a consultation's answers (cell, seq, text)."""

    seq: int
    what: str
    cell: str
    to: tuple[str, ...]
    text: str
    game_ms: int
    kind: str = ""
    target: str = ""
    place: str = ""
    intent: int | None = None
    inject: str | None = None
    answers: tuple[tuple[str, int, str], ...] = ()


@attrs.frozen
class CellView:
    cell: str
    seq: int
    injects: tuple[InjectView, ...]
    traffic: tuple[TrafficView, ...]
    rfis: tuple[RfiView, ...]
    questions: tuple[QuestionView, ...] = ()
    #: intents, consultations and consent decisions it stated or that concern it
    coordination: tuple[CoordinationView, ...] = ()
    #: the exercise marking (a player's text that imitates it is shown quoted)
    marking: str = ""

    def items(self) -> set[str]:
        return {f"inject:{i.id}" for i in self.injects} | {t.item for t in self.traffic}


def view(state: State, cell: str, now_ms: int | None = None) -> CellView:
    """Everything ``cell`` may see as of ``state.seq`` (``now_ms``: the game time, for the
    modules whose start time has come since the last event)."""
    injects = []
    for inject_id, st in state.injects.items():
        if st.status != RELEASED or st.released_seq is None:
            continue
        item = f"inject:{inject_id}"
        delivery = state.deliveries.get((item, cell))
        public = item in state.published
        if delivery is None and not public:
            continue
        inject = state.inject(inject_id)
        injects.append(
            InjectView(
                id=inject_id,
                title=inject.title,
                body=inject.body,
                from_=inject.from_,
                channel=inject.channel,
                to=inject.to,
                questions=inject.questions,
                released_seq=st.released_seq,
                released_ms=st.released_ms or 0,
                public=public,
                read=delivery is not None and delivery.read_ms is not None,
                acknowledged=delivery is not None and delivery.ack_ms is not None,
                marking=state.scenario.marking,
                grading=inject.grading,
                clock=inject_clock(state.scenario, inject, st.released_ms or 0),
                when=game_when(state.scenario, st.released_ms or 0),
            )
        )
    traffic = []
    for msg in state.messages.values():
        item = f"message:{msg.seq}"
        public = item in state.published
        if msg.cell != cell and cell not in msg.to and not public:
            continue
        d = state.deliveries.get((item, cell))
        traffic.append(
            TrafficView(item, msg.seq, "message", msg.cell, msg.to, msg.text, msg.subject,
                        msg.about, msg.game_ms, "sent", "", public,
                        d is not None and d.read_ms is not None,
                        d is not None and d.ack_ms is not None)
        )  # fmt: skip
    for move in state.moves.values():
        item = f"move:{move.seq}"
        public = item in state.published
        if move.cell != cell and cell not in move.to and not public:
            continue
        d = state.deliveries.get((item, cell))
        own = move.cell == cell
        traffic.append(
            TrafficView(item, move.seq, move.kind, move.cell, move.to, move.text, "",
                        move.answers, move.game_ms, move.status if own or public else "",
                        move.outcome if own or public else "", public,
                        d is not None and d.read_ms is not None,
                        d is not None and d.ack_ms is not None,
                        move.resolution if own or public else None,
                        move.status == "pending")
        )  # fmt: skip
    traffic.sort(key=lambda t: t.seq)
    rfis = tuple(
        RfiView(
            r.seq,
            r.cell,
            r.text if r.cell == cell else "",
            r.answer,
            r.public,
            r.game_ms,
            r.answered_ms,
        )
        for r in state.rfis.values()
        if r.cell == cell or (r.public and r.answer is not None)
    )
    injects.sort(key=lambda i: i.released_seq)
    return CellView(
        cell,
        state.seq,
        tuple(injects),
        tuple(traffic),
        rfis,
        questions(state, cell, now_ms),
        coordination(state, cell),
        state.scenario.marking,
    )


def questions(state: State, cell: str, now_ms: int | None = None) -> tuple[QuestionView, ...]:
    """The discussion questions of every open module, in the scenario's order."""
    now = state.last_game_ms if now_ms is None else max(now_ms, state.last_game_ms)
    out = []
    for module in state.scenario.modules:
        if not module.questions or state.module_opened_ms(module.id, now) is None:
            continue
        for n, text in enumerate(module.questions, start=1):
            own = state.answers.get((module.id, n, cell))
            others = tuple(
                (a.cell, a.text)
                for (m, q, other), a in sorted(state.answers.items())
                if m == module.id and q == n and other != cell
                and f"answer:{a.seq}" in state.published
            )  # fmt: skip
            out.append(
                QuestionView(
                    module=module.id,
                    module_title=module.title,
                    number=n,
                    text=text,
                    answer=own.text if own is not None else None,
                    shared=own is not None and f"answer:{own.seq}" in state.published,
                    others=others,
                )
            )
    return tuple(out)


_WHAT = {
    "intent.stated": "intent",
    "consultation.sent": "consultation",
    "consent.given": "consent given",
    "consent.refused": "consent refused",
}


def coordination(state: State, cell: str | None = None) -> tuple[CoordinationView, ...]:
    """Intents, consultations and consent decisions: those ``cell`` stated or that
    concern it, or all of them (``cell=None``, exercise control's view)."""
    out = []
    for record in (*state.intents.values(), *state.consultations.values(),
                   *state.consents.values()):  # fmt: skip
        if cell is not None and record.cell != cell and cell not in record.to:
            continue
        answers = tuple(
            (c, seq, text)
            for c, (seq, _, text) in sorted(record.answers.items(), key=lambda kv: kv[1][0])
            if cell is None or cell in (c, record.cell)
        )
        out.append(
            CoordinationView(
                record.seq, _WHAT[record.type], record.cell, record.to, record.text,
                record.game_ms, record.kind, record.target, record.place, record.intent,
                record.inject, answers,
            )
        )  # fmt: skip
    out.sort(key=lambda v: v.seq)
    return tuple(out)


#: Consoles opening and closing: shown to control (Cells), in no cell's view.
_PRESENCE = frozenset({ConsoleJoined.TYPE, ConsoleLeft.TYPE, ConsoleRefused.TYPE})


def concerns(state: State, cell: str, event: Event) -> bool:
    """Whether ``event`` may change what ``cell`` sees (:func:`view`). False only for an
    event another player cell recorded that names ``cell`` nowhere in its payload and
    shares nothing (its own move with no addressee, reading its own mail, a private
    answer...): a console may then skip rebuilding the cell's view. Anything exercise
    control, an evaluator or the cell itself recorded concerns it, except a console
    joining, leaving or refused (presence, which no cell's view shows: 64 consoles joining
    would otherwise redraw each other). (A property test checks that the view never
    changes on an event for which this is False.)"""
    if event.type in _PRESENCE:
        return False
    if event.actor == cell or event.actor not in state.scenario.cell_ids:
        return True
    if event.actor not in {c.id for c in state.scenario.player_cells}:
        return True
    payload = event.payload
    if any(payload.get(flag) for flag in ("shared", "public")):
        return True
    return _names(payload, cell)


def _names(value: object, cell: str) -> bool:
    if isinstance(value, str):
        return value == cell
    if isinstance(value, dict):
        return any(_names(v, cell) for v in value.values())
    if isinstance(value, list | tuple):
        return any(_names(v, cell) for v in value)
    return False
