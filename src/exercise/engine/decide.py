"""decide(state, command, now) -> events: the engine's rules of who may do what.

:func:`decide` validates a command against the state and returns the events that
record it, or raises :class:`DomainError` with a message fit to show the user. It never
changes the state; the caller appends the events to the journal and folds them.
"""

from __future__ import annotations

import math
import random
import re
from collections.abc import Callable, Iterator

import attrs

from exercise.engine import commands as c
from exercise.engine.state import (
    HELD,
    PENDING,
    RELEASED,
    SKIPPED,
    Coordination,
    Delivery,
    Move,
    State,
    assigned_tasks,
)
from exercise.errors import DomainProblem
from exercise.i18n import (
    DEFAULT,
    N_,
    Msg,
    character_words,
    dump_message,
    item_words,
    msg,
    nmsg,
    script_words,
)
from exercise.model import Channel, Module, Side
from exercise.model import events as ev
from exercise.model.event import NewEvent
from exercise.model.events import EventData, MatrixRoll, Outcome
from exercise.text import forbidden, mixed_script_word, scripts

OUTCOMES = tuple(o.value for o in Outcome)
OBSERVATION_KINDS = ("note", "strength", "improvement")
MAX_TEXT = 20_000

#: The statuses of injects and moves as a refusal names them (put into the reader's
#: language where it is shown; the journal records the English).
STATUS_WORDS = {
    "pending": N_("pending"),
    "held": N_("held"),
    "skipped": N_("skipped"),
    "released": N_("released"),
    "submitted": N_("submitted"),
    "accepted": N_("accepted"),
    "rejected": N_("rejected"),
    "modified": N_("modified"),
}

#: What each command does, as a refusal names it ("evaluator ana may not submit moves").
COMMAND_WORDS: dict[type[c.Command], str] = {
    c.Start: N_("start the exercise"),
    c.Pause: N_("pause the clock"),
    c.Resume: N_("resume the clock"),
    c.SetRatio: N_("change the clock ratio"),
    c.Jump: N_("jump game time"),
    c.End: N_("end the exercise"),
    c.Release: N_("release injects"),
    c.ReleaseDue: N_("release due injects"),
    c.Hold: N_("hold injects"),
    c.Unhold: N_("take injects off hold"),
    c.Skip: N_("skip injects"),
    c.Retime: N_("retime injects"),
    c.AddInject: N_("add injects"),
    c.Publish: N_("make items public"),
    c.Adjudicate: N_("adjudicate"),
    c.ResolveMatrix: N_("resolve matrix moves"),
    c.Observe: N_("record observations"),
    c.OverrideRating: N_("override ratings"),
    c.PlanImprovement: N_("edit the improvement plan"),
    c.AnswerRfi: N_("answer requests for information"),
    c.OpenModule: N_("open modules"),
    c.NoteModule: N_("note a module's discussion"),
    c.AnswerQuestion: N_("answer discussion questions"),
    c.SubmitMove: N_("submit moves"),
    c.SendMessage: N_("send messages"),
    c.Acknowledge: N_("acknowledge items"),
    c.MarkRead: N_("mark items read"),
    c.AskRfi: N_("ask for information"),
    c.Argue: N_("argue moves"),
    c.Join: N_("join as a cell"),
    c.RefuseJoin: N_("record a refused join"),
    c.Leave: N_("leave as a cell"),
    c.StateIntent: N_("state intents"),
    c.Consult: N_("consult cells"),
    c.AnswerConsultation: N_("answer consultations"),
    c.GiveConsent: N_("give consent"),
    c.RefuseConsent: N_("refuse consent"),
    c.AddEvaluator: N_("add evaluators"),
    c.AssignEvaluator: N_("assign evaluators"),
    c.JoinEvaluator: N_("join as an evaluator"),
    c.RateTask: N_("rate tasks"),
}

#: The text fields of commands as a refusal names them ("the text holds U+001B ...").
FIELD_WORDS = {
    "text": N_("text"),
    "title": N_("title"),
    "body": N_("body"),
    "reason": N_("reason"),
    "subject": N_("subject"),
    "about": N_("subject of the request"),
    "answers": N_("answers"),
    "name": N_("name"),
    "place": N_("place"),
    "issue": N_("issue"),
    "corrective action": N_("corrective action"),
    "capability": N_("capability"),
    "target": N_("target"),
}


class DomainError(DomainProblem):
    """A command the engine refuses; the message says why.

    The message is deferred (:class:`~exercise.i18n.Msg`): ``str(error)`` says it in the
    interface language in use, :attr:`english` in English, which is what the journal
    records of a refused command (the same words whatever console refused it)."""

    def __init__(self, message: Msg | str) -> None:
        self.message = message if isinstance(message, Msg) else Msg(message)
        super().__init__(self.message.render(DEFAULT))

    @property
    def english(self) -> str:
        """The refusal in English (as recorded in the journal)."""
        return self.message.render(DEFAULT)

    def __str__(self) -> str:
        return self.message.render()


def is_control(state: State, actor: str) -> bool:
    if actor == c.CONTROL:
        return True
    cell = next((x for x in state.scenario.cells if x.id == actor), None)
    return cell is not None and cell.side is Side.WHITE


def release_times(state: State) -> Iterator[tuple[int, str, str]]:
    """``(game ms, inject id, reason)``: when each pending inject (not held, skipped or
    released) falls due. A scheduled or triggered inject at its time; an inject waiting on
    ``missed`` once per unmet expectation it waits on, when that expectation's deadline
    (plus the trigger's delay) has passed. What ``due`` releases, and what a console
    times its next look at the clock on."""
    for inject_id, st in state.injects.items():
        if st.status != PENDING:
            continue
        if st.due_ms is not None:
            yield st.due_ms, inject_id, st.reason or "scheduled"
            continue
        inject = state.scenario.injects_by_id.get(inject_id)
        trig = inject.trigger if inject is not None else None
        if trig is None or trig.missed is None:
            continue
        delay = int(trig.delay.total_seconds() * 1000)
        reason = f"trigger: missed {trig.missed}" + (f" by {trig.cell}" if trig.cell else "")
        for x in state.expectations:
            if x.inject != trig.missed or (trig.cell is not None and x.cell != trig.cell):
                continue
            if x.met_ms is None:
                yield max(x.deadline_ms + 1, x.deadline_ms + delay), inject_id, reason


def due(state: State, now_ms: int) -> list[tuple[str, str]]:
    """Injects whose time has come at game time ``now_ms``: ``(id, reason)`` in order
    (see :func:`release_times`)."""
    if not state.started or state.ended:
        return []
    found: dict[str, tuple[int, int, str, str]] = {}
    order = {inj.id: n for n, inj in enumerate(state.scenario.msel)}
    for at, inject_id, reason in release_times(state):
        if at <= now_ms and inject_id not in found:
            found[inject_id] = (at, order.get(inject_id, 1 << 30), inject_id, reason)
    return [(inject_id, reason) for _, _, inject_id, reason in sorted(found.values())]


def decide(state: State, cmd: c.Command, now_us: int) -> list[NewEvent]:
    """The events that record ``cmd`` at wall time ``now_us``; raise DomainError if refused."""
    handler = _DECIDERS.get(type(cmd))
    if handler is None:
        raise DomainError(msg(N_("unknown command {command}"), command=type(cmd).__name__))
    _check_characters(cmd)
    now_us = max(now_us, state.last_wall_us)  # the journal's wall time never goes back
    name = c.evaluator_name(cmd.actor)
    if name is not None:
        if name not in state.evaluators:
            raise DomainError(
                msg(N_("there is no evaluator {name} in this exercise"), name=repr(name))
            )
        if type(cmd) not in EVALUATOR_COMMANDS:
            raise DomainError(
                msg(
                    N_(
                        "evaluator {name} may not {command}: evaluators only observe and rate tasks"
                    ),
                    name=name,
                    command=_what(cmd),
                )
            )
    ctx = _Ctx(state, cmd, now_us)
    handler(ctx)
    return ctx.out


#: What an evaluator may do; every other command of an evaluator is refused and recorded.
EVALUATOR_COMMANDS = frozenset({c.Observe, c.RateTask, c.JoinEvaluator})


def _what(cmd: c.Command) -> Msg:
    """What a command does, in words: ``SubmitMove`` -> ``submit moves``."""
    words = COMMAND_WORDS.get(type(cmd))
    if words is None:  # a command without words of its own: its name, split
        name = type(cmd).__name__
        words = "".join(f" {ch.lower()}" if ch.isupper() else ch for ch in name).strip()
    return Msg(words)


def _status(status: str) -> Msg:
    """An inject's or a move's status as a refusal names it."""
    return Msg(STATUS_WORDS.get(str(status), str(status)))


#: The longest stored refusal message kept beside its English (a longer one, which only a
#: refusal quoting a very long value could be, is recorded in English only).
STORED_MESSAGE_MAX = 2000


def refusal(state: State, cmd: c.Command, reason: Msg | str, now_us: int) -> list[NewEvent]:
    """The ``command.refused`` event recording that an evaluator's ``cmd`` was refused
    (nothing for anyone else, or for an actor that is not a known evaluator): the reason
    in English, and, for a deferred message, the message itself, so that a reader sees
    the refusal in their own language."""
    name = c.evaluator_name(cmd.actor)
    if name is None or name not in state.evaluators:
        return []
    now_us = max(now_us, state.last_wall_us)
    stored = ""
    if isinstance(reason, Msg):
        stored = dump_message(reason)
        stored = stored if len(stored) <= STORED_MESSAGE_MAX else ""
        reason = reason.render(DEFAULT)
    data = ev.CommandRefused(command=type(cmd).__name__, reason=reason[:500], message=stored)
    return [NewEvent.of(data, cmd.actor, now_us, state.clock.game_ms(now_us))]


def _check_characters(cmd: c.Command) -> None:
    """Refuse control characters and bidi overrides in any text of a command: what a cell
    writes is shown on other cells' terminals and in the report."""
    for field in attrs.fields(type(cmd)):
        value = getattr(cmd, field.name)
        for text in value if isinstance(value, tuple) else (value,):
            if not isinstance(text, str):
                continue
            found = forbidden(text)
            if found is not None:
                index, char = found
                name = field.name.rstrip("_").replace("_", " ")
                what = Msg(FIELD_WORDS.get(name, name))
                raise DomainError(
                    msg(
                        N_(
                            "the {field} holds {char} at character {number}; remove it"
                            " (text may hold tabs and line breaks, but no control characters)"
                        ),
                        field=what,
                        char=character_words(char),
                        number=index + 1,
                    )
                )


class _Ctx:
    def __init__(self, state: State, cmd: c.Command, now_us: int) -> None:
        self.state = state
        self.cmd = cmd
        self.now_us = now_us
        self.game_ms = state.clock.game_ms(now_us)
        self.out: list[NewEvent] = []

    def emit(self, data: EventData) -> None:
        self.out.append(NewEvent.of(data, self.cmd.actor, self.now_us, self.game_ms))

    def next_seq(self) -> int:
        return self.state.seq + len(self.out) + 1

    # ---------------------------------------------------------------- checks

    def control(self, what: str) -> None:
        if not is_control(self.state, self.cmd.actor):
            raise DomainError(
                msg(
                    N_("cell {actor} may not {what}; only exercise control may"),
                    actor=self.cmd.actor,
                    what=Msg(what),
                )
            )

    def running_exercise(self, what: str) -> None:
        if self.state.ended:
            raise DomainError(msg(N_("cannot {what}: the exercise has ended"), what=Msg(what)))

    def acting_cell(self, cell: str) -> None:
        """The actor may act as ``cell``: it is that cell, or control (hot seat)."""
        state = self.state
        if cell not in state.scenario.cell_ids:
            raise DomainError(msg(N_("unknown cell {cell}"), cell=repr(cell)))
        actor = self.cmd.actor
        if actor != cell and not is_control(state, actor):
            raise DomainError(msg(N_("cell {actor} may not act as {cell}"), actor=actor, cell=cell))
        if not state.started:
            raise DomainError(msg(N_("the exercise has not started yet")))
        self.running_exercise(N_("act"))

    def cells(self, cells: tuple[str, ...], what: str, *, allow_empty: bool = True) -> None:
        if not cells and not allow_empty:
            raise DomainError(msg(N_("{what}: name at least one cell"), what=Msg(what)))
        for x in cells:
            if x not in self.state.scenario.cell_ids:
                raise DomainError(
                    msg(N_("{what}: unknown cell {cell}"), what=Msg(what), cell=repr(x))
                )
        if len(set(cells)) != len(cells):
            raise DomainError(msg(N_("{what}: a cell is listed twice"), what=Msg(what)))

    def text(self, text: str, what: str, *, required: bool = True) -> None:
        if required and not text.strip():
            raise DomainError(msg(N_("{what} is empty"), what=Msg(what)))
        if len(text) > MAX_TEXT:
            raise DomainError(
                msg(
                    N_("{what} is too long ({count} characters; at most {limit})"),
                    what=Msg(what),
                    count=format(len(text), ","),
                    limit=format(MAX_TEXT, ","),
                )
            )

    def known_inject(self, inject_id: str) -> None:
        if inject_id not in self.state.injects:
            raise DomainError(msg(N_("unknown inject {inject_id}"), inject_id=repr(inject_id)))


# ------------------------------------------------------------------------ control


def _start(x: _Ctx) -> None:
    x.control(N_("start the exercise"))
    if x.state.started:
        raise DomainError(msg(N_("the exercise has already started")))
    x.game_ms = 0
    x.emit(ev.ClockStarted(ratio=x.state.clock.ratio, game_ms=0))


def _pause(x: _Ctx) -> None:
    x.control(N_("pause the clock"))
    x.running_exercise(N_("pause"))
    if not x.state.clock.running:
        raise DomainError(msg(N_("the clock is not running")))
    x.emit(ev.ClockPaused())


def _resume(x: _Ctx) -> None:
    x.control(N_("resume the clock"))
    x.running_exercise(N_("resume"))
    if not x.state.started:
        raise DomainError(msg(N_("the exercise has not started yet; start it first")))
    if x.state.clock.running:
        raise DomainError(msg(N_("the clock is already running")))
    x.emit(ev.ClockResumed())


def _ratio(x: _Ctx) -> None:
    cmd = x.cmd
    assert isinstance(cmd, c.SetRatio)
    x.control(N_("change the clock ratio"))
    x.running_exercise(N_("change the clock ratio"))
    if not (
        isinstance(cmd.ratio, int | float) and math.isfinite(cmd.ratio) and 0 < cmd.ratio <= 3600
    ):
        raise DomainError(msg(N_("the clock ratio must be a number above 0 and at most 3600")))
    x.emit(ev.ClockRatioSet(ratio=float(cmd.ratio)))


def _jump(x: _Ctx) -> None:
    cmd = x.cmd
    assert isinstance(cmd, c.Jump)
    x.control(N_("jump game time"))
    x.running_exercise(N_("jump game time"))
    if not x.state.started:
        raise DomainError(msg(N_("the exercise has not started yet")))
    limit = int(x.state.scenario.duration.total_seconds() * 1000)
    if not 0 <= cmd.to_ms <= limit:
        raise DomainError(msg(N_("game time can only be set within the exercise")))
    x.emit(ev.ClockJumped(to_ms=int(cmd.to_ms), from_ms=x.game_ms))


def release_text(state: State, inject_id: str) -> ev.InjectText:
    """What inject ``inject_id`` says, in the scenario's language and every translation
    (from the scenario as written, whatever language the deciding console shows)."""
    scenario = state.source or state.scenario
    inject = scenario.injects_by_id.get(inject_id) or state.inject(inject_id)
    words = [
        ev.InjectWords(scenario.language, inject.title, inject.body, inject.from_, inject.questions)
    ]
    for lang, table in sorted(scenario.translations.items()):
        if lang == scenario.language:
            continue
        key = ("injects", inject_id)
        questions = tuple(
            table.get((*key, "questions", i), q) for i, q in enumerate(inject.questions)
        )
        words.append(
            ev.InjectWords(lang, table.get((*key, "title"), inject.title),
                           table.get((*key, "body"), inject.body),
                           table.get((*key, "from"), inject.from_), questions)
        )  # fmt: skip
    return ev.InjectText(
        words=tuple(words), channel=inject.channel, grading=inject.grading, clock=inject.clock,
        public=inject.public,
    )  # fmt: skip


def _release(x: _Ctx) -> None:
    cmd = x.cmd
    assert isinstance(cmd, c.Release)
    x.control(N_("release injects"))
    x.running_exercise(N_("release an inject"))
    if not x.state.started:
        raise DomainError(msg(N_("the exercise has not started yet; start it first")))
    x.known_inject(cmd.inject)
    st = x.state.injects[cmd.inject]
    if st.status == RELEASED:
        raise DomainError(
            msg(
                N_("{inject} was already released (event {released_seq})"),
                inject=cmd.inject,
                released_seq=str(st.released_seq),
            )
        )
    inject = x.state.inject(cmd.inject)
    x.emit(
        ev.InjectReleased(
            inject=cmd.inject,
            to=tuple(inject.to),
            reason="manual",
            content=release_text(x.state, cmd.inject),
        )
    )


def _release_due(x: _Ctx) -> None:
    x.control(N_("release injects"))
    for inject_id, reason in due(x.state, x.game_ms):
        inject = x.state.inject(inject_id)
        x.emit(
            ev.InjectReleased(
                inject=inject_id,
                to=tuple(inject.to),
                reason=reason,
                content=release_text(x.state, inject_id),
            )
        )


def due_modules(state: State, now_ms: int) -> list[str]:
    """Modules whose start time has come at game time ``now_ms`` that no ``module.opened``
    records yet: they are open already; the facilitator console records their opening
    (``OpenModule``) to bring their words to cells that read the scenario without them."""
    if not state.started or state.ended:
        return []
    return [
        m.id
        for m in state.scenario.modules
        if m.id not in state.opened_modules and m.start.total_seconds() * 1000 <= now_ms
    ]


def _hold(x: _Ctx) -> None:
    cmd = x.cmd
    assert isinstance(cmd, c.Hold)
    x.control(N_("hold injects"))
    x.known_inject(cmd.inject)
    status = x.state.injects[cmd.inject].status
    if status != PENDING:
        raise DomainError(
            msg(
                N_("{inject} is {status}; only a pending inject can be held"),
                inject=cmd.inject,
                status=_status(status),
            )
        )
    x.emit(ev.InjectHeld(inject=cmd.inject, reason=cmd.reason))


def _unhold(x: _Ctx) -> None:
    cmd = x.cmd
    assert isinstance(cmd, c.Unhold)
    x.control(N_("hold injects"))
    x.known_inject(cmd.inject)
    status = x.state.injects[cmd.inject].status
    if status not in (HELD, SKIPPED):
        raise DomainError(
            msg(
                N_("{inject} is {status}, not held or skipped"),
                inject=cmd.inject,
                status=_status(status),
            )
        )
    x.emit(ev.InjectUnheld(inject=cmd.inject))


def _skip(x: _Ctx) -> None:
    cmd = x.cmd
    assert isinstance(cmd, c.Skip)
    x.control(N_("skip injects"))
    x.known_inject(cmd.inject)
    status = x.state.injects[cmd.inject].status
    if status not in (PENDING, HELD):
        raise DomainError(
            msg(
                N_("{inject} is {status}; only a pending or held inject can be skipped"),
                inject=cmd.inject,
                status=_status(status),
            )
        )
    x.emit(ev.InjectSkipped(inject=cmd.inject, reason=cmd.reason))


def _retime(x: _Ctx) -> None:
    cmd = x.cmd
    assert isinstance(cmd, c.Retime)
    x.control(N_("retime injects"))
    x.known_inject(cmd.inject)
    if x.state.injects[cmd.inject].status == RELEASED:
        raise DomainError(msg(N_("{inject} was already released"), inject=cmd.inject))
    limit = int(x.state.scenario.duration.total_seconds() * 1000)
    if not 0 <= cmd.time_ms < limit:
        raise DomainError(msg(N_("the new time is outside the exercise")))
    x.emit(ev.InjectRetimed(inject=cmd.inject, time_ms=int(cmd.time_ms)))


def _add(x: _Ctx) -> None:
    cmd = x.cmd
    assert isinstance(cmd, c.AddInject)
    x.control(N_("add injects"))
    x.running_exercise(N_("add an inject"))
    if not cmd.id.strip() or cmd.id in x.state.injects:
        raise DomainError(msg(N_("inject id {id} is empty or already used"), id=repr(cmd.id)))
    x.text(cmd.title, N_("the title"))
    x.text(cmd.body, N_("the body"), required=False)
    x.cells(cmd.to, N_("recipients"), allow_empty=False)
    if cmd.channel not in {ch.value for ch in Channel}:
        raise DomainError(msg(N_("unknown channel {channel}"), channel=repr(cmd.channel)))
    if cmd.release and not x.state.started:
        raise DomainError(
            msg(N_("the exercise has not started; add the inject without releasing it"))
        )
    x.emit(
        ev.InjectAdded(
            inject=cmd.id,
            title=cmd.title,
            to=tuple(cmd.to),
            body=cmd.body,
            channel=Channel(cmd.channel),
            from_=cmd.from_,
        )
    )
    if cmd.release:
        x.emit(ev.InjectReleased(inject=cmd.id, to=tuple(cmd.to), reason="ad hoc"))


def _publish(x: _Ctx) -> None:
    cmd = x.cmd
    assert isinstance(cmd, c.Publish)
    x.control(N_("make items public"))
    kind, _, ref = cmd.item.partition(":")
    s = x.state
    ok = (
        (kind == "inject" and s.injects.get(ref) is not None and s.injects[ref].status == RELEASED)
        or (kind == "message" and ref.isdigit() and int(ref) in s.messages)
        or (kind == "move" and ref.isdigit() and int(ref) in s.moves)
        or (kind == "answer" and ref.isdigit() and s.answer_by_seq(int(ref)) is not None)
    )
    if not ok:
        raise DomainError(
            msg(N_("no released inject, message, move or answer {item}"), item=repr(cmd.item))
        )
    if cmd.item in s.published:
        raise DomainError(msg(N_("{item} is already public"), item=item_words(cmd.item)))
    x.emit(ev.ItemPublished(item=cmd.item))


def _end(x: _Ctx) -> None:
    cmd = x.cmd
    assert isinstance(cmd, c.End)
    x.control(N_("end the exercise"))
    x.running_exercise(N_("end"))
    x.emit(ev.ExerciseEnded(reason=cmd.reason))


def _move(x: _Ctx, seq: int) -> Move:
    move = x.state.moves.get(seq)
    if move is None:
        raise DomainError(msg(N_("no move {seq}"), seq=seq))
    return move


def _adjudicate(x: _Ctx) -> None:
    cmd = x.cmd
    assert isinstance(cmd, c.Adjudicate)
    x.control(N_("adjudicate"))
    move = _move(x, cmd.move)
    if cmd.outcome not in OUTCOMES:
        raise DomainError(msg(N_("outcome must be one of {choices}"), choices=", ".join(OUTCOMES)))
    if cmd.outcome == "modified":
        x.text(cmd.text, N_("the modified outcome"))
    x.text(cmd.text, N_("the outcome text"), required=False)
    if move.adjudication_seq is not None:
        raise DomainError(
            msg(
                N_("move {move} was already adjudicated ({status})"),
                move=cmd.move,
                status=_status(move.status),
            )
        )
    x.emit(
        ev.MoveAdjudicated(
            move=cmd.move, outcome=Outcome(cmd.outcome), text=cmd.text, method="umpire"
        )
    )


def roll_2d6(seed: int) -> tuple[int, int]:
    """The two dice of a matrix-game roll, reproducible from the recorded seed."""
    rng = random.Random(seed)
    return rng.randint(1, 6), rng.randint(1, 6)


def _resolve(x: _Ctx) -> None:
    cmd = x.cmd
    assert isinstance(cmd, c.ResolveMatrix)
    x.control(N_("adjudicate"))
    move = _move(x, cmd.move)
    if move.adjudication_seq is not None:
        raise DomainError(
            msg(
                N_("move {move} was already adjudicated ({status})"),
                move=cmd.move,
                status=_status(move.status),
            )
        )
    if cmd.override is not None and cmd.override not in OUTCOMES:
        raise DomainError(msg(N_("override must be one of {choices}"), choices=", ".join(OUTCOMES)))
    if not -6 <= cmd.modifier <= 6:
        raise DomainError(msg(N_("the modifier must be between -6 and +6")))
    d1, d2 = roll_2d6(cmd.seed)
    strong_for = sum(1 for a in move.arguments if a.strong and a.stance == "for")
    strong_against = sum(1 for a in move.arguments if a.strong and a.stance == "against")
    total = d1 + d2 + strong_for - strong_against + cmd.modifier
    success = total >= 7
    override = Outcome(cmd.override) if cmd.override is not None else None
    outcome = override or (Outcome.ACCEPTED if success else Outcome.REJECTED)
    x.emit(
        ev.MoveAdjudicated(
            move=cmd.move,
            outcome=outcome,
            text=cmd.text,
            method="matrix",
            matrix=MatrixRoll(
                seed=cmd.seed,
                dice=(d1, d2),
                strong_for=strong_for,
                strong_against=strong_against,
                modifier=cmd.modifier,
                total=total,
                success=success,
                override=override,
            ),
        )
    )


def _observe(x: _Ctx) -> None:
    cmd = x.cmd
    assert isinstance(cmd, c.Observe)
    if c.evaluator_name(cmd.actor) is None:
        x.control(N_("record observations"))
    x.text(cmd.text, N_("the observation"))
    if cmd.kind not in OBSERVATION_KINDS:
        raise DomainError(
            msg(N_("kind must be one of {choices}"), choices=", ".join(OBSERVATION_KINDS))
        )
    for i in cmd.injects:
        x.known_inject(i)
    x.cells(cmd.cells, N_("cells"))
    known = {o.id for o in x.state.scenario.objectives}
    for o in cmd.objectives:
        if o not in known:
            raise DomainError(msg(N_("unknown objective {objective}"), objective=repr(o)))
    for t in cmd.tasks:
        if t not in x.state.scenario.tasks_by_id:
            raise DomainError(msg(N_("unknown critical task {task}"), task=repr(t)))
    for seq in cmd.events:
        if not 1 <= seq <= x.state.seq:
            raise DomainError(
                msg(
                    N_("no event {seq} to link (the journal has {last})"), seq=seq, last=x.state.seq
                )
            )
    x.emit(
        ev.ObservationRecorded(
            text=cmd.text,
            kind=cmd.kind,
            injects=tuple(cmd.injects),
            cells=tuple(cmd.cells),
            objectives=tuple(cmd.objectives),
            tasks=tuple(cmd.tasks),
            events=tuple(sorted(set(cmd.events))),
        )
    )


RATINGS = ("P", "S", "M", "U")


def _override(x: _Ctx) -> None:
    cmd = x.cmd
    assert isinstance(cmd, c.OverrideRating)
    x.control(N_("override ratings"))
    if cmd.objective not in {o.id for o in x.state.scenario.objectives}:
        raise DomainError(msg(N_("unknown objective {objective}"), objective=repr(cmd.objective)))
    if cmd.rating is not None and cmd.rating not in RATINGS:
        raise DomainError(msg(N_("a rating is one of P, S, M, U")))
    if cmd.rating is not None:
        x.text(cmd.reason, N_("the reason for the override"))
    x.emit(ev.RatingOverridden(objective=cmd.objective, rating=cmd.rating, reason=cmd.reason))


def _improvement(x: _Ctx) -> None:
    cmd = x.cmd
    assert isinstance(cmd, c.PlanImprovement)
    x.control(N_("edit the improvement plan"))
    plan = x.state.improvements
    if cmd.item is not None and cmd.item not in plan:
        raise DomainError(msg(N_("no improvement plan item {item}"), item=repr(cmd.item)))
    if cmd.remove:
        if cmd.item is None:
            raise DomainError(msg(N_("name the improvement plan item to remove")))
        x.emit(ev.ImprovementPlanned(item=cmd.item, removed=True))
        return
    x.text(cmd.issue, N_("the issue"))
    for text, what in (
        (cmd.corrective_action, N_("the corrective action")),
        (cmd.capability, N_("the capability")),
    ):
        x.text(text, what, required=False)
    if cmd.cell and cmd.cell not in x.state.scenario.cell_ids:
        raise DomainError(msg(N_("unknown cell {cell}"), cell=repr(cmd.cell)))
    if cmd.objective and cmd.objective not in {o.id for o in x.state.scenario.objectives}:
        raise DomainError(msg(N_("unknown objective {objective}"), objective=repr(cmd.objective)))
    item = cmd.item
    if item is None:  # a new item: removed ones keep their numbers, so this one is unused
        item = f"IP-{len(plan) + 1:02d}"
    x.emit(
        ev.ImprovementPlanned(
            item=item,
            issue=cmd.issue,
            corrective_action=cmd.corrective_action,
            capability=cmd.capability,
            cell=cmd.cell,
            start=cmd.start,
            end=cmd.end,
            objective=cmd.objective,
            removed=False,
        )
    )


def _answer(x: _Ctx) -> None:
    cmd = x.cmd
    assert isinstance(cmd, c.AnswerRfi)
    x.control(N_("answer requests for information"))
    rfi = x.state.rfis.get(cmd.rfi)
    if rfi is None:
        raise DomainError(msg(N_("no request for information {rfi}"), rfi=cmd.rfi))
    if rfi.answer is not None:
        raise DomainError(msg(N_("request {rfi} was already answered"), rfi=cmd.rfi))
    x.text(cmd.text, N_("the answer"))
    x.emit(ev.RfiAnswered(rfi=cmd.rfi, cell=rfi.cell, text=cmd.text, public=cmd.public))


def _known_module(x: _Ctx, module_id: str) -> Module:
    module = next((m for m in x.state.scenario.modules if m.id == module_id), None)
    if module is None:
        known = ", ".join(m.id for m in x.state.scenario.modules) or "none"
        raise DomainError(
            msg(
                N_("unknown module {module_id} (modules: {known})"),
                module_id=repr(module_id),
                known=known,
            )
        )
    return module


def module_words(state: State, module_id: str) -> tuple[ev.ModuleWords, ...]:
    """What module ``module_id`` says (title, summary, questions), in the scenario's
    language and every translation (from the scenario as written)."""
    scenario = state.source or state.scenario
    module = next(m for m in scenario.modules if m.id == module_id)
    words = [ev.ModuleWords(scenario.language, module.title, module.summary, module.questions)]
    for lang, table in sorted(scenario.translations.items()):
        if lang == scenario.language:
            continue
        key = ("modules", module_id)
        questions = tuple(
            table.get((*key, "questions", i), q) for i, q in enumerate(module.questions)
        )
        words.append(
            ev.ModuleWords(lang, table.get((*key, "title"), module.title),
                           table.get((*key, "summary"), module.summary), questions)
        )  # fmt: skip
    return tuple(words)


def _open_module(x: _Ctx) -> None:
    cmd = x.cmd
    assert isinstance(cmd, c.OpenModule)
    x.control(N_("open modules"))
    x.running_exercise(N_("open a module"))
    if not x.state.started:
        raise DomainError(msg(N_("the exercise has not started yet; start it first")))
    _known_module(x, cmd.module)
    if cmd.module in x.state.opened_modules:
        raise DomainError(msg(N_("module {module} is already open"), module=cmd.module))
    x.emit(ev.ModuleOpened(module=cmd.module, words=module_words(x.state, cmd.module)))


def _note_module(x: _Ctx) -> None:
    cmd = x.cmd
    assert isinstance(cmd, c.NoteModule)
    x.control(N_("note a module's discussion"))
    _known_module(x, cmd.module)
    x.text(cmd.text, N_("the note"))
    x.emit(ev.ModuleNoted(module=cmd.module, text=cmd.text))


# -------------------------------------------------------------------------- cells


def _answer_question(x: _Ctx) -> None:
    cmd = x.cmd
    assert isinstance(cmd, c.AnswerQuestion)
    x.acting_cell(cmd.cell)
    if is_control(x.state, cmd.cell):
        raise DomainError(msg(N_("exercise control does not answer discussion questions")))
    module = _known_module(x, cmd.module)
    if x.state.module_opened_ms(cmd.module, x.game_ms) is None:
        raise DomainError(msg(N_("module {module} is not open yet"), module=cmd.module))
    count = len(module.questions)
    if not isinstance(cmd.question, int) or not 1 <= cmd.question <= count:
        raise DomainError(
            nmsg(
                "module {module} has {n} question; answer question {n}",
                "module {module} has {n} questions; answer one of 1 to {n}",
                count,
                module=cmd.module,
            )
            if count
            else msg(N_("module {module} has no discussion questions"), module=cmd.module)
        )
    x.text(cmd.text, N_("the answer"))
    x.emit(
        ev.QuestionAnswered(
            cell=cmd.cell,
            module=cmd.module,
            question=cmd.question,
            text=cmd.text,
            shared=bool(cmd.shared),
            on_behalf=_hot_seat(x, cmd.cell),
        )
    )


def _hot_seat(x: _Ctx, cell: str) -> bool:
    """Control enters this for ``cell`` (recorded as ``on_behalf``)."""
    return x.cmd.actor != cell


def _submit(x: _Ctx) -> None:
    cmd = x.cmd
    assert isinstance(cmd, c.SubmitMove)
    x.acting_cell(cmd.cell)
    kinds = {k.id: k for k in x.state.scenario.move_kinds}
    if cmd.kind not in kinds:
        raise DomainError(
            msg(
                N_("unknown move kind {kind}; the scenario allows: {choices}"),
                kind=repr(cmd.kind),
                choices=", ".join(sorted(kinds)),
            )
        )
    x.text(cmd.text, N_("the move's text"))
    x.cells(cmd.to, N_("addressees"))
    if cmd.cell in cmd.to:
        raise DomainError(msg(N_("a cell does not address a move to itself")))
    if cmd.answers is not None:
        _visible_inject(x, cmd.cell, cmd.answers)
    if cmd.intent is not None:
        intent = _intent(x, cmd.intent)
        if intent.cell != cmd.cell:
            raise DomainError(
                msg(
                    N_("intent {intent} was stated by {cell}, not {other}"),
                    intent=cmd.intent,
                    cell=intent.cell,
                    other=cmd.cell,
                )
            )
        if intent.kind != cmd.kind:
            raise DomainError(
                msg(
                    N_("intent {intent} is to {kind}, not {asked}: state a new intent"),
                    intent=cmd.intent,
                    kind=intent.kind,
                    asked=cmd.kind,
                )
            )
    x.emit(
        ev.MoveSubmitted(
            cell=cmd.cell,
            kind=cmd.kind,
            text=cmd.text,
            to=tuple(cmd.to),
            answers=cmd.answers,
            adjudicate=kinds[cmd.kind].adjudicate,
            on_behalf=_hot_seat(x, cmd.cell),
            intent=cmd.intent,  # stored only when given: older payloads stay as they were
        )
    )


def _intent(x: _Ctx, seq: int) -> Coordination:
    intent = x.state.intents.get(seq)
    if intent is None:
        raise DomainError(msg(N_("no intent {seq} (name it by the number of its event)"), seq=seq))
    return intent


def _state_intent(x: _Ctx) -> None:
    cmd = x.cmd
    assert isinstance(cmd, c.StateIntent)
    x.acting_cell(cmd.cell)
    kinds = {k.id for k in x.state.scenario.move_kinds}
    if cmd.kind not in kinds:
        raise DomainError(
            msg(
                N_("unknown move kind {kind}; the scenario allows: {choices}"),
                kind=repr(cmd.kind),
                choices=", ".join(sorted(kinds)),
            )
        )
    x.text(cmd.text, N_("the intent's text"), required=False)
    x.text(cmd.target, N_("the target"), required=False)
    x.text(cmd.place, N_("the place"), required=False)
    x.cells(cmd.concerns, N_("the cells concerned"))
    if cmd.cell in cmd.concerns:
        raise DomainError(msg(N_("an intent concerns other cells, not the cell that states it")))
    if cmd.answers is not None:
        _visible_inject(x, cmd.cell, cmd.answers)
    x.emit(
        ev.IntentStated(
            cell=cmd.cell,
            kind=cmd.kind,
            text=cmd.text,
            target=cmd.target,
            place=cmd.place,
            concerns=tuple(cmd.concerns),
            answers=cmd.answers,
            on_behalf=_hot_seat(x, cmd.cell),
        )
    )


def _link(x: _Ctx, cell: str, intent: int | None, inject: str | None) -> None:
    """A consultation or consent is about ``cell``'s intent, or an inject it received."""
    if (intent is None) == (inject is None):
        raise DomainError(msg(N_("link it to exactly one of an intent or an inject")))
    if intent is not None:
        stated = _intent(x, intent)
        if stated.cell != cell:
            raise DomainError(
                msg(
                    N_("intent {intent} was stated by {cell}, not {other}"),
                    intent=intent,
                    cell=stated.cell,
                    other=cell,
                )
            )
    if inject is not None:
        _visible_inject(x, cell, inject)


def _consult(x: _Ctx) -> None:
    cmd = x.cmd
    assert isinstance(cmd, c.Consult)
    x.acting_cell(cmd.cell)
    x.cells(cmd.to, N_("the cells consulted"), allow_empty=False)
    if cmd.cell in cmd.to:
        raise DomainError(msg(N_("a cell does not consult itself")))
    x.text(cmd.text, N_("the consultation"))
    _link(x, cmd.cell, cmd.intent, cmd.inject)
    x.emit(
        ev.ConsultationSent(
            cell=cmd.cell,
            to=tuple(cmd.to),
            text=cmd.text,
            intent=cmd.intent,
            inject=cmd.inject,
            on_behalf=_hot_seat(x, cmd.cell),
        )
    )


def _answer_consultation(x: _Ctx) -> None:
    cmd = x.cmd
    assert isinstance(cmd, c.AnswerConsultation)
    x.acting_cell(cmd.cell)
    asked = x.state.consultations.get(cmd.consultation)
    if asked is None:
        raise DomainError(msg(N_("no consultation {consultation}"), consultation=cmd.consultation))
    if cmd.cell not in asked.to:
        raise DomainError(
            msg(
                N_("consultation {consultation} was not addressed to {cell}"),
                consultation=cmd.consultation,
                cell=cmd.cell,
            )
        )
    if cmd.cell in asked.answers:
        raise DomainError(
            msg(
                N_("{cell} already answered consultation {consultation}"),
                cell=cmd.cell,
                consultation=cmd.consultation,
            )
        )
    x.text(cmd.text, N_("the answer"))
    x.emit(
        ev.ConsultationAnswered(
            cell=cmd.cell,
            consultation=cmd.consultation,
            to=(asked.cell,),
            text=cmd.text,
            on_behalf=_hot_seat(x, cmd.cell),
        )
    )


def _consent(x: _Ctx) -> None:
    cmd = x.cmd
    assert isinstance(cmd, c.GiveConsent)  # RefuseConsent is one too
    x.acting_cell(cmd.cell)
    x.cells((cmd.to,), N_("the cell asking"))
    if cmd.to == cmd.cell:
        raise DomainError(msg(N_("a cell does not consent to its own action")))
    x.text(cmd.text, N_("the reason"), required=False)
    _link(x, cmd.to, cmd.intent, cmd.inject)
    cls = ev.ConsentRefused if isinstance(cmd, c.RefuseConsent) else ev.ConsentGiven
    x.emit(
        cls(
            cell=cmd.cell,
            to=(cmd.to,),
            text=cmd.text,
            intent=cmd.intent,
            inject=cmd.inject,
            on_behalf=_hot_seat(x, cmd.cell),
        )
    )


def _visible_inject(x: _Ctx, cell: str, inject_id: str) -> None:
    st = x.state.injects.get(inject_id)
    if st is None or st.status != RELEASED:
        raise DomainError(msg(N_("no released inject {inject_id}"), inject_id=repr(inject_id)))
    if (f"inject:{inject_id}", cell) not in x.state.deliveries and (
        f"inject:{inject_id}" not in x.state.published
    ):
        raise DomainError(
            msg(N_("inject {inject_id} was not sent to {cell}"), inject_id=inject_id, cell=cell)
        )


def _message(x: _Ctx) -> None:
    cmd = x.cmd
    assert isinstance(cmd, c.SendMessage)
    x.acting_cell(cmd.cell)
    x.cells(cmd.to, N_("recipients"), allow_empty=False)
    if cmd.cell in cmd.to:
        raise DomainError(msg(N_("a cell does not send a message to itself")))
    x.text(cmd.text, N_("the message"))
    x.text(cmd.subject, N_("the subject"), required=False)
    if cmd.about is not None:
        _visible_inject(x, cmd.cell, cmd.about)
    x.emit(
        ev.MessageSent(
            cell=cmd.cell,
            to=tuple(cmd.to),
            text=cmd.text,
            subject=cmd.subject,
            about=cmd.about,
            on_behalf=_hot_seat(x, cmd.cell),
        )
    )


def _delivery(x: _Ctx, cell: str, item: str) -> Delivery | _Unopened:
    d = x.state.deliveries.get((item, cell))
    if d is None and item in x.state.published:
        return _Unopened()
    if d is None:
        raise DomainError(msg(N_("{cell} has received no {item}"), cell=cell, item=repr(item)))
    return d


class _Unopened:
    """A public item the cell has not opened yet (no delivery record)."""

    read_ms = None
    ack_ms = None


def _ack(x: _Ctx) -> None:
    cmd = x.cmd
    assert isinstance(cmd, c.Acknowledge)
    x.acting_cell(cmd.cell)
    d = _delivery(x, cmd.cell, cmd.item)
    if d.ack_ms is not None:
        raise DomainError(msg(N_("{item} was already acknowledged"), item=item_words(cmd.item)))
    x.emit(ev.ItemAcknowledged(cell=cmd.cell, item=cmd.item, on_behalf=_hot_seat(x, cmd.cell)))


def _mark_read(x: _Ctx) -> None:
    cmd = x.cmd
    assert isinstance(cmd, c.MarkRead)
    if cmd.cell not in x.state.scenario.cell_ids:
        raise DomainError(msg(N_("unknown cell {cell}"), cell=repr(cmd.cell)))
    if cmd.actor != cmd.cell and not is_control(x.state, cmd.actor):
        raise DomainError(
            msg(N_("cell {actor} may not act as {cell}"), actor=cmd.actor, cell=cmd.cell)
        )
    d = _delivery(x, cmd.cell, cmd.item)
    if d.read_ms is None:  # reading twice records nothing
        x.emit(ev.ItemRead(cell=cmd.cell, item=cmd.item, on_behalf=_hot_seat(x, cmd.cell)))


def _ask(x: _Ctx) -> None:
    cmd = x.cmd
    assert isinstance(cmd, c.AskRfi)
    x.acting_cell(cmd.cell)
    x.text(cmd.text, N_("the request"))
    if cmd.about is not None:
        _visible_inject(x, cmd.cell, cmd.about)
    x.emit(
        ev.RfiAsked(cell=cmd.cell, text=cmd.text, about=cmd.about, on_behalf=_hot_seat(x, cmd.cell))
    )


def _argue(x: _Ctx) -> None:
    cmd = x.cmd
    assert isinstance(cmd, c.Argue)
    x.acting_cell(cmd.cell)
    move = _move(x, cmd.move)
    if move.adjudication_seq is not None:
        raise DomainError(msg(N_("move {move} was already adjudicated"), move=cmd.move))
    if cmd.stance not in ("for", "against"):
        raise DomainError(msg(N_("stance must be 'for' or 'against'")))
    x.text(cmd.text, N_("the argument"))
    x.emit(
        ev.MoveArgued(
            move=cmd.move,
            cell=cmd.cell,
            stance=cmd.stance,
            text=cmd.text,
            strong=cmd.strong,
            on_behalf=_hot_seat(x, cmd.cell),
        )
    )


def _join(x: _Ctx) -> None:
    cmd = x.cmd
    assert isinstance(cmd, c.Join)
    if cmd.cell not in {p.id for p in x.state.scenario.player_cells}:
        raise DomainError(
            msg(N_("{cell} is not a player cell of this scenario"), cell=repr(cmd.cell))
        )
    if cmd.actor != cmd.cell:
        raise DomainError(msg(N_("a console joins as itself, not as {cell}"), cell=cmd.cell))
    x.emit(ev.ConsoleJoined(cell=cmd.cell))


def _leave(x: _Ctx) -> None:
    cmd = x.cmd
    assert isinstance(cmd, c.Leave)
    if cmd.cell not in {p.id for p in x.state.scenario.player_cells}:
        raise DomainError(
            msg(N_("{cell} is not a player cell of this scenario"), cell=repr(cmd.cell))
        )
    if cmd.actor != cmd.cell:
        raise DomainError(msg(N_("a console leaves as itself, not as {cell}"), cell=cmd.cell))
    x.emit(ev.ConsoleLeft(cell=cmd.cell))


def _refuse_join(x: _Ctx) -> None:
    cmd = x.cmd
    assert isinstance(cmd, c.RefuseJoin)
    x.text(cmd.cell, N_("the cell"), required=False)
    x.emit(ev.ConsoleRefused(cell=cmd.cell[:100], reason=cmd.reason[:200]))


# --------------------------------------------------------------------- evaluators

EVALUATOR_NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,39}")


def _add_evaluator(x: _Ctx) -> None:
    cmd = x.cmd
    assert isinstance(cmd, c.AddEvaluator)
    x.control(N_("add evaluators"))
    if (word := mixed_script_word(cmd.name)) is not None:
        raise DomainError(
            msg(
                N_(
                    "evaluator name {name} mixes {mixed} letters in {word}, so it could pass"
                    " for another name on a screen; type it in one script"
                ),
                name=repr(cmd.name[:40]),
                mixed=script_words(scripts(word)),
                word=repr(word[:40]),
            )
        )
    if not EVALUATOR_NAME.fullmatch(cmd.name):
        raise DomainError(
            msg(
                N_("evaluator name {name}: use 1-40 lower-case letters, digits, - or _"),
                name=repr(cmd.name[:40]),
            )
        )
    if cmd.name in x.state.evaluators:
        raise DomainError(msg(N_("there is already an evaluator {name}"), name=repr(cmd.name)))
    if cmd.name in x.state.scenario.cell_ids:
        raise DomainError(
            msg(
                N_("{name} is a cell of this scenario; name the evaluator otherwise"),
                name=repr(cmd.name),
            )
        )
    x.emit(ev.EvaluatorAdded(evaluator=cmd.name, code=cmd.code_hash))


def _assign_evaluator(x: _Ctx) -> None:
    cmd = x.cmd
    assert isinstance(cmd, c.AssignEvaluator)
    x.control(N_("assign evaluators"))
    if cmd.name not in x.state.evaluators:
        raise DomainError(
            msg(N_("there is no evaluator {name}; add it first"), name=repr(cmd.name))
        )
    known = {o.id for o in x.state.scenario.objectives}
    for o in cmd.objectives:
        if o not in known:
            raise DomainError(msg(N_("unknown objective {objective}"), objective=repr(o)))
    x.cells(cmd.cells, N_("cells"))
    x.emit(
        ev.EvaluatorAssigned(
            evaluator=cmd.name, objectives=tuple(cmd.objectives), cells=tuple(cmd.cells)
        )
    )


def _join_evaluator(x: _Ctx) -> None:
    name = c.evaluator_name(x.cmd.actor)
    if name is None or name not in x.state.evaluators:
        raise DomainError(msg(N_("only an evaluator joins as an evaluator")))
    x.emit(ev.EvaluatorJoined(evaluator=name))


def _rate_task(x: _Ctx) -> None:
    cmd = x.cmd
    assert isinstance(cmd, c.RateTask)
    name = c.evaluator_name(cmd.actor)
    if name is None or name not in x.state.evaluators:
        raise DomainError(
            msg(N_("only an evaluator rates critical tasks; control sets final ratings"))
        )
    if cmd.task not in x.state.scenario.tasks_by_id:
        raise DomainError(msg(N_("unknown critical task {task}"), task=repr(cmd.task)))
    if cmd.task not in assigned_tasks(x.state.scenario, x.state.evaluators[name]):
        raise DomainError(
            msg(N_("evaluator {name} is not assigned to task {task}"), name=name, task=cmd.task)
        )
    if cmd.rating not in RATINGS:
        raise DomainError(msg(N_("a rating is one of P, S, M, U")))
    x.text(cmd.reason, N_("the reason"), required=cmd.rating in ("M", "U"))
    x.emit(ev.TaskRated(task=cmd.task, rating=cmd.rating, reason=cmd.reason))


_DECIDERS: dict[type, Callable[[_Ctx], None]] = {
    c.Start: _start,
    c.Pause: _pause,
    c.Resume: _resume,
    c.SetRatio: _ratio,
    c.Jump: _jump,
    c.Release: _release,
    c.ReleaseDue: _release_due,
    c.Hold: _hold,
    c.Unhold: _unhold,
    c.Skip: _skip,
    c.Retime: _retime,
    c.AddInject: _add,
    c.Publish: _publish,
    c.End: _end,
    c.Adjudicate: _adjudicate,
    c.ResolveMatrix: _resolve,
    c.Observe: _observe,
    c.AnswerRfi: _answer,
    c.OverrideRating: _override,
    c.PlanImprovement: _improvement,
    c.SubmitMove: _submit,
    c.SendMessage: _message,
    c.Acknowledge: _ack,
    c.MarkRead: _mark_read,
    c.AskRfi: _ask,
    c.Argue: _argue,
    c.Join: _join,
    c.RefuseJoin: _refuse_join,
    c.Leave: _leave,
    c.OpenModule: _open_module,
    c.NoteModule: _note_module,
    c.AnswerQuestion: _answer_question,
    c.StateIntent: _state_intent,
    c.Consult: _consult,
    c.AnswerConsultation: _answer_consultation,
    c.GiveConsent: _consent,
    c.RefuseConsent: _consent,
    c.AddEvaluator: _add_evaluator,
    c.AssignEvaluator: _assign_evaluator,
    c.JoinEvaluator: _join_evaluator,
    c.RateTask: _rate_task,
}
