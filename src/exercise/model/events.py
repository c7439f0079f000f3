"""Typed events: one frozen attrs class per event type the journal records.

Each class's fields are the keys of its journal payload (``from_`` is stored as ``from``);
:mod:`exercise.model.codec` turns a payload into an instance and back, and nothing else
reads a payload. To add an event type, write a class here with ``@event("type.name")``,
list it in docs/events.md, and give it a handler in ``engine/state.py`` and a line in
``engine/describe.py`` (see docs/events.md, "Adding an event type").

Two stand-ins are not event types: :class:`Unknown` (a type this release does not know,
written by a newer one: kept and skipped) and :class:`Damaged` (a known type whose payload
does not fit its class: shown as "event N is damaged: ..." and skipped).
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from typing import ClassVar, TypeVar

import attrs

from exercise.model.inject import Channel


class Outcome(enum.StrEnum):
    """How control adjudicated a move."""

    ACCEPTED = "accepted"
    REJECTED = "rejected"
    MODIFIED = "modified"


@attrs.frozen
class EventData:
    """Base of every typed event; ``TYPE`` is the journal's type name."""

    TYPE: ClassVar[str] = ""


#: Every event class by its journal type name, in the order they are declared.
EVENT_TYPES: dict[str, type[EventData]] = {}

_E = TypeVar("_E", bound=type[EventData])


def event(name: str) -> Callable[[_E], _E]:
    """Register an event class under its journal type ``name``."""

    def register(cls: _E) -> _E:
        if name in EVENT_TYPES:
            raise ValueError(f"event type {name!r} is registered twice")
        cls.TYPE = name
        EVENT_TYPES[name] = cls
        return cls

    return register


@attrs.frozen
class Unknown(EventData):
    """An event of a type this release does not know (a newer release wrote it)."""

    type: str


@attrs.frozen
class Damaged(EventData):
    """An event of a known type whose payload does not fit its class."""

    type: str
    problem: str


# ------------------------------------------------------------------------ clock


@event("clock.started")
@attrs.frozen
class ClockStarted(EventData):
    ratio: float
    game_ms: int = 0


@event("clock.paused")
@attrs.frozen
class ClockPaused(EventData):
    pass


@event("clock.resumed")
@attrs.frozen
class ClockResumed(EventData):
    pass


@event("clock.ratio_set")
@attrs.frozen
class ClockRatioSet(EventData):
    ratio: float


@event("clock.jumped")
@attrs.frozen
class ClockJumped(EventData):
    to_ms: int
    from_ms: int = 0


@event("exercise.ended")
@attrs.frozen
class ExerciseEnded(EventData):
    reason: str = ""


# ---------------------------------------------------------------------- injects


@attrs.frozen
class InjectWords:
    """A released inject's words in one language."""

    language: str
    title: str = ""
    body: str = ""
    sender: str = ""  # the inject's ``from``
    questions: tuple[str, ...] = ()


@attrs.frozen
class InjectText:
    """What a released inject says, carried by its release: a cell that may not read the
    MSEL (a PostgreSQL cell role reads a copy without it) learns the text when it reaches
    it, not before. ``words`` holds the scenario's language first, then its translations."""

    words: tuple[InjectWords, ...] = ()
    channel: Channel = Channel.MESSAGE
    grading: str = ""
    clock: str = ""
    public: bool = False


@event("inject.released")
@attrs.frozen
class InjectReleased(EventData):
    inject: str
    to: tuple[str, ...] = ()
    reason: str = ""
    content: InjectText | None = None  # stored when the release carries the inject's text


@event("inject.held")
@attrs.frozen
class InjectHeld(EventData):
    inject: str
    reason: str = ""


@event("inject.unheld")
@attrs.frozen
class InjectUnheld(EventData):
    inject: str


@event("inject.skipped")
@attrs.frozen
class InjectSkipped(EventData):
    inject: str
    reason: str = ""


@event("inject.retimed")
@attrs.frozen
class InjectRetimed(EventData):
    inject: str
    time_ms: int


@event("inject.added")
@attrs.frozen
class InjectAdded(EventData):
    inject: str
    title: str = ""
    to: tuple[str, ...] = ()
    body: str = ""
    from_: str = ""  # stored as "from"
    channel: Channel = Channel.MESSAGE


# ------------------------------------------------------------------------ items


@event("item.published")
@attrs.frozen
class ItemPublished(EventData):
    item: str


@event("item.read")
@attrs.frozen
class ItemRead(EventData):
    cell: str
    item: str
    on_behalf: bool = False  # stored only when true


@event("item.acknowledged")
@attrs.frozen
class ItemAcknowledged(EventData):
    cell: str
    item: str
    on_behalf: bool = False


# ------------------------------------------------------------------------ moves


@event("move.submitted")
@attrs.frozen
class MoveSubmitted(EventData):
    cell: str
    kind: str
    text: str = ""
    to: tuple[str, ...] = ()
    answers: str | None = None
    adjudicate: bool = False
    on_behalf: bool = False
    intent: int | None = None  # the stated intent it carries out; stored only when set


@event("move.argued")
@attrs.frozen
class MoveArgued(EventData):
    move: int
    cell: str
    stance: str
    text: str = ""
    strong: bool = False
    on_behalf: bool = False


@attrs.frozen
class MatrixRoll:
    """The recorded matrix-game roll: 2d6 from ``seed``, plus strong arguments for,
    minus strong arguments against, plus control's modifier; 7 or more succeeds."""

    seed: int
    dice: tuple[int, int]
    strong_for: int
    strong_against: int
    modifier: int
    total: int
    success: bool
    override: Outcome | None = None


@event("move.adjudicated")
@attrs.frozen
class MoveAdjudicated(EventData):
    move: int
    outcome: Outcome
    text: str = ""
    method: str = "umpire"
    matrix: MatrixRoll | None = None  # stored only for a matrix roll


# ------------------------------------------------------------ messages and RFIs


@event("message.sent")
@attrs.frozen
class MessageSent(EventData):
    cell: str
    to: tuple[str, ...]
    text: str = ""
    subject: str = ""
    about: str | None = None
    on_behalf: bool = False


@event("rfi.asked")
@attrs.frozen
class RfiAsked(EventData):
    cell: str
    text: str = ""
    about: str | None = None
    on_behalf: bool = False


@event("rfi.answered")
@attrs.frozen
class RfiAnswered(EventData):
    rfi: int
    cell: str = ""
    text: str = ""
    public: bool = False


# --------------------------------------------------------------- control's notes


@event("observation.recorded")
@attrs.frozen
class ObservationRecorded(EventData):
    text: str = ""
    kind: str = "note"
    injects: tuple[str, ...] = ()
    cells: tuple[str, ...] = ()
    objectives: tuple[str, ...] = ()
    tasks: tuple[str, ...] = ()  # critical tasks; stored only when set
    events: tuple[int, ...] = ()  # linked journal events (seq); stored only when set


@event("rating.overridden")
@attrs.frozen
class RatingOverridden(EventData):
    objective: str
    rating: str | None = None  # None withdraws the override
    reason: str = ""


@event("improvement.planned")
@attrs.frozen
class ImprovementPlanned(EventData):
    """An improvement plan item added, edited or (``removed``) deleted; a removal stores
    only ``item`` and ``removed``."""

    item: str
    issue: str = ""
    corrective_action: str = ""
    capability: str = ""
    cell: str = ""
    start: str = ""
    end: str = ""
    objective: str = ""
    removed: bool = False


# ------------------------------------------------- discussion-based exercises


@attrs.frozen
class ModuleWords:
    """An opened module's words in one language."""

    language: str
    title: str = ""
    summary: str = ""
    questions: tuple[str, ...] = ()


@event("module.opened")
@attrs.frozen
class ModuleOpened(EventData):
    """Control opens a module of a discussion-based exercise. ``words`` (stored only when
    set) carries the module's title, summary and questions, in the scenario's language
    first, then its translations: a cell that may not read them before (a PostgreSQL cell
    role's copy of the scenario has modules by id only) learns them when the module opens."""

    module: str
    words: tuple[ModuleWords, ...] = ()


@event("module.noted")
@attrs.frozen
class ModuleNoted(EventData):
    """The facilitator's note on a module's discussion."""

    module: str
    text: str = ""


@event("question.answered")
@attrs.frozen
class QuestionAnswered(EventData):
    """A cell's answer to discussion question ``question`` (1, 2 ...) of ``module``; a
    later answer replaces it; ``shared`` makes it public (``answer:SEQ``)."""

    cell: str
    module: str
    question: int
    text: str = ""
    shared: bool = False
    on_behalf: bool = False


# ------------------------------------------------ intents, consultation, consent


@event("intent.stated")
@attrs.frozen
class IntentStated(EventData):
    """A cell states an action it means to take; consultations and consent link to it
    by its seq, and so does the move that carries it out."""

    cell: str
    kind: str
    text: str = ""
    target: str = ""
    place: str = ""
    concerns: tuple[str, ...] = ()
    answers: str | None = None
    on_behalf: bool = False


@event("consultation.sent")
@attrs.frozen
class ConsultationSent(EventData):
    """A cell consults ``to`` about its ``intent`` (a seq) or an ``inject`` it received."""

    cell: str
    to: tuple[str, ...]
    text: str = ""
    intent: int | None = None
    inject: str | None = None
    on_behalf: bool = False


@event("consultation.answered")
@attrs.frozen
class ConsultationAnswered(EventData):
    """A consulted cell answers; ``to`` is the asking cell."""

    cell: str
    consultation: int
    to: tuple[str, ...] = ()
    text: str = ""
    on_behalf: bool = False


@attrs.frozen
class Consent(EventData):
    """A consent decision by ``cell`` on the action of ``to`` (one cell), named by its
    ``intent`` or by the ``inject`` it answers."""

    cell: str
    to: tuple[str, ...]
    text: str = ""
    intent: int | None = None
    inject: str | None = None
    on_behalf: bool = False


@event("consent.given")
@attrs.frozen
class ConsentGiven(Consent):
    pass


@event("consent.refused")
@attrs.frozen
class ConsentRefused(Consent):
    pass


# --------------------------------------------------------------------- consoles


@event("console.joined")
@attrs.frozen
class ConsoleJoined(EventData):
    cell: str


@event("console.refused")
@attrs.frozen
class ConsoleRefused(EventData):
    cell: str
    reason: str = ""


@event("console.left")
@attrs.frozen
class ConsoleLeft(EventData):
    """A player console of ``cell`` closed (quit, or its app shut down)."""

    cell: str


@event("journal.sealed")
@attrs.frozen
class JournalSealed(EventData):
    """Control's Ed25519 signature over the chain up to ``seq`` (whose hash is ``head``);
    see exercise.journal.seal."""

    seq: int
    head: str
    key: str
    public_key: str
    signature: str


# ------------------------------------------------------------------- evaluators


@event("evaluator.added")
@attrs.frozen
class EvaluatorAdded(EventData):
    """Control adds an evaluator (``evaluator`` is its name; it acts as
    ``evaluator:NAME``); ``code`` is the salted hash of its join code."""

    evaluator: str
    code: str = ""


@event("evaluator.assigned")
@attrs.frozen
class EvaluatorAssigned(EventData):
    """Control assigns an evaluator to objectives and cells (replacing earlier ones)."""

    evaluator: str
    objectives: tuple[str, ...] = ()
    cells: tuple[str, ...] = ()


@event("evaluator.joined")
@attrs.frozen
class EvaluatorJoined(EventData):
    evaluator: str


@event("task.rated")
@attrs.frozen
class TaskRated(EventData):
    """An evaluator rates a critical task P/S/M/U (a reason is required for M and U)."""

    task: str
    rating: str
    reason: str = ""


@event("command.refused")
@attrs.frozen
class CommandRefused(EventData):
    """A command an evaluator may not give, recorded and refused: ``reason`` in English,
    ``message`` the same refusal as a stored deferred message (msgid and values, see
    :func:`exercise.i18n.dump_message`) so a reader sees it in their language; empty in
    sessions recorded before it was kept, which are read in ``reason``'s English."""

    command: str
    reason: str = ""
    message: str = ""
