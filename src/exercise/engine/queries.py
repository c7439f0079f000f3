"""Read-only questions consoles ask of the state: the MSEL board, the cells' standing,
the adjudication queue, the current module."""

from __future__ import annotations

import attrs

from exercise.engine.decide import due
from exercise.engine.state import HELD, PENDING, RELEASED, SKIPPED, Move, Rfi, State
from exercise.engine.view import CellView
from exercise.model import Module
from exercise.text import player_text

DUE = "due"


@attrs.frozen
class MselRow:
    id: str
    title: str
    to: tuple[str, ...]
    status: str  # pending | due | released | held | skipped
    kind: str  # scheduled | triggered | contingency | ad hoc
    time_ms: int | None  # scheduled (or retimed, or trigger-fired) time; None if not yet known
    released_ms: int | None
    module: str | None
    reason: str


def msel_rows(state: State, now_ms: int) -> list[MselRow]:
    """Every inject, MSEL order then ad-hoc ones, with its status at game time ``now_ms``."""
    due_now = {inject_id for inject_id, _ in due(state, now_ms)}
    rows = []
    for inject_id, st in state.injects.items():
        inject = state.inject(inject_id)
        if inject_id in state.adhoc:
            kind = "ad hoc"
        elif inject.trigger is not None:
            kind = "triggered"
        elif inject.time is None:
            kind = "contingency"
        else:
            kind = "scheduled"
        status: str = st.status
        if status == PENDING and inject_id in due_now:
            status = DUE
        reason = st.note if status in (HELD, SKIPPED) else st.reason
        rows.append(
            MselRow(
                id=inject_id,
                title=inject.title,
                to=inject.to,
                status=status,
                kind=kind,
                time_ms=st.released_ms if status == RELEASED else st.due_ms,
                released_ms=st.released_ms,
                module=inject.module,
                reason=reason,
            )
        )
    return rows


def next_due(rows: list[MselRow]) -> str | None:
    """The next inject to go: the earliest due one, else the earliest pending with a time."""
    for wanted in (DUE, PENDING):
        timed = [r for r in rows if r.status == wanted and r.time_ms is not None]
        if timed:
            return min(timed, key=lambda r: r.time_ms or 0).id
    return None


@attrs.frozen
class Deadline:
    inject: str
    action: str
    to: tuple[str, ...]
    deadline_ms: int


@attrs.frozen
class CellRow:
    id: str
    name: str
    side: str
    unread: int
    unacknowledged: int
    deadlines: tuple[Deadline, ...]  # expected actions still open, soonest first


def cell_rows(state: State, now_ms: int) -> list[CellRow]:
    unread: dict[str, int] = {}
    unacked: dict[str, int] = {}
    for (_, cell), d in state.deliveries.items():
        if d.read_ms is None:
            unread[cell] = unread.get(cell, 0) + 1
        if d.ack_ms is None:
            unacked[cell] = unacked.get(cell, 0) + 1
    deadlines: dict[str, list[Deadline]] = {}
    for x in state.expectations:
        if x.met_ms is None and x.deadline_ms >= now_ms:
            deadlines.setdefault(x.cell, []).append(
                Deadline(x.inject, x.action, x.to, x.deadline_ms)
            )
    return [
        CellRow(
            id=c.id,
            name=c.name,
            side=c.side.value,
            unread=unread.get(c.id, 0),
            unacknowledged=unacked.get(c.id, 0),
            deadlines=tuple(sorted(deadlines.get(c.id, []), key=lambda d: d.deadline_ms)),
        )
        for c in state.scenario.player_cells
    ]


def adjudication_queue(state: State) -> list[Move]:
    """Moves awaiting control's decision, oldest first."""
    return [m for m in state.moves.values() if m.status == "pending"]


def open_requests(state: State) -> list[Rfi]:
    """Requests for information still awaiting control's answer, oldest first."""
    return [r for r in state.rfis.values() if r.answer is None]


@attrs.frozen
class InboxItem:
    """One row of a cell's inbox: an inject, or a message or move it received.

    ``scenario_text`` says the body was written by the scenario's authors (Markdown);
    otherwise it is a player's text, to be shown as typed."""

    item: str
    seq: int
    game_ms: int
    sender: str
    kind: str
    title: str
    body: str
    read: bool
    acknowledged: bool
    scenario_text: bool = False
    questions: tuple[str, ...] = ()
    to: tuple[str, ...] = ()
    subject: str = ""
    about: str | None = None
    arguable: bool = False
    marking: str = ""  # an inject's exercise marking
    when: str = ""  # an inject's release time, D+N HH:MM and date-time group
    grading: str = ""  # an intelligence report's source grading, e.g. "B2"
    clock: str = ""  # which clock an inject's times are on

    @property
    def move(self) -> int | None:
        """The move's seq when the item is a move."""
        kind, _, ref = self.item.partition(":")
        return int(ref) if kind == "move" and ref.isdigit() else None


def inbox(v: CellView) -> list[InboxItem]:
    """Injects and traffic addressed to the cell (or made public), newest first."""
    items = [
        InboxItem(f"inject:{i.id}", i.released_seq, i.released_ms, i.from_ or "exercise control",
                  f"inject ({i.channel.value})", i.title, i.body, i.read, i.acknowledged,
                  scenario_text=True, questions=i.questions, to=i.to, marking=i.marking,
                  when=i.when, grading=i.grading, clock=i.clock)
        for i in v.injects
    ]  # fmt: skip
    for t in v.traffic:
        if t.cell == v.cell:
            continue
        # The sender is the engine's record (t.cell); a player's words that imitate exercise
        # control's banner or marking are shown quoted, as a player's.
        title = player_text(t.subject or " ".join(t.text.split())[:60], v.marking)
        items.append(
            InboxItem(t.item, t.seq, t.game_ms, t.cell, t.kind, title,
                      player_text(t.text, v.marking), t.read, t.acknowledged, to=t.to,
                      subject=player_text(t.subject, v.marking), about=t.about,
                      arguable=t.arguable)
        )  # fmt: skip
    return sorted(items, key=lambda x: x.seq, reverse=True)


def current_module(state: State, now_ms: int) -> Module | None:
    """The module under discussion: of the modules open at ``now_ms`` (opened by control
    or reached by the clock), the one that opened last (the later one on a tie)."""
    best: tuple[int, int] | None = None
    found = None
    for n, m in enumerate(state.scenario.modules):
        at = state.module_opened_ms(m.id, now_ms)
        if at is not None and (best is None or (at, n) >= best):
            best, found = (at, n), m
    return found


def next_module(state: State, now_ms: int) -> Module | None:
    """The first module not yet open, in the scenario's order: what the facilitator
    moves on to next."""
    for m in state.scenario.modules:
        if state.module_opened_ms(m.id, now_ms) is None:
            return m
    return None
