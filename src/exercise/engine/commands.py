"""Commands: what a facilitator or a cell asks the engine to do.

Every command names its ``actor``: ``"control"`` for exercise control (the White cell)
or the id of a player cell. A cell command also names the ``cell`` it acts for; when
the actor is control and the cell is a player cell, control is entering it on the
cell's behalf (a one-laptop seminar), and the event records that.
"""

from __future__ import annotations

import attrs

CONTROL = "control"
#: An evaluator acts as ``evaluator:NAME``.
EVALUATOR_PREFIX = "evaluator:"


def evaluator_actor(name: str) -> str:
    """The actor of the evaluator called ``name``."""
    return EVALUATOR_PREFIX + name


def evaluator_name(actor: str) -> str | None:
    """The evaluator's name if ``actor`` is an evaluator, else None."""
    return actor[len(EVALUATOR_PREFIX) :] if actor.startswith(EVALUATOR_PREFIX) else None


@attrs.frozen
class Command:
    actor: str


# ----------------------------------------------------------------- exercise control


@attrs.frozen
class Start(Command):
    """Start the exercise clock (STARTEX)."""


@attrs.frozen
class Pause(Command):
    """Stop the game clock; nothing that depends on game time moves while paused."""


@attrs.frozen
class Resume(Command):
    """Restart a paused game clock."""


@attrs.frozen
class SetRatio(Command):
    """Game seconds per wall second from now on."""

    ratio: float


@attrs.frozen
class Jump(Command):
    """Set game time (milliseconds since the start); backwards only through this."""

    to_ms: int


@attrs.frozen
class Release(Command):
    """Release an inject now (manual release; also of a held, skipped or contingency one)."""

    inject: str


@attrs.frozen
class ReleaseDue(Command):
    """Release every scheduled or triggered inject whose time has come."""


@attrs.frozen
class Hold(Command):
    """Keep an inject from being released automatically."""

    inject: str
    reason: str = ""


@attrs.frozen
class Unhold(Command):
    inject: str


@attrs.frozen
class Skip(Command):
    """Decide not to play an inject."""

    inject: str
    reason: str = ""


@attrs.frozen
class Retime(Command):
    """Move an inject to another game time (milliseconds since the start)."""

    inject: str
    time_ms: int


@attrs.frozen
class AddInject(Command):
    """Add an ad-hoc inject to the MSEL (released at once unless ``release`` is false)."""

    id: str
    title: str
    to: tuple[str, ...]
    body: str = ""
    from_: str = ""
    channel: str = "message"
    release: bool = True


@attrs.frozen
class Publish(Command):
    """Make an item (``inject:ID``, ``message:SEQ``, ``move:SEQ``) visible to every cell."""

    item: str


@attrs.frozen
class End(Command):
    """End the exercise (ENDEX)."""

    reason: str = ""


@attrs.frozen
class Adjudicate(Command):
    """Accept, reject or modify a move, with outcome text."""

    move: int
    outcome: str  # accepted | rejected | modified
    text: str = ""


@attrs.frozen
class ResolveMatrix(Command):
    """Matrix-game resolution of a move: 2d6 + modifiers (strong arguments for +1,
    against -1, plus ``modifier``); 7 or more succeeds. ``override`` (accepted,
    rejected or modified) is the umpire's decision over the dice; the roll is recorded
    either way, with its seed."""

    move: int
    seed: int
    modifier: int = 0
    override: str | None = None
    text: str = ""


@attrs.frozen
class Observe(Command):
    """A note by control or an evaluator, linked to injects, cells and objectives."""

    text: str
    kind: str = "note"  # note | strength | improvement
    injects: tuple[str, ...] = ()
    cells: tuple[str, ...] = ()
    objectives: tuple[str, ...] = ()
    tasks: tuple[str, ...] = ()
    events: tuple[int, ...] = ()  # linked journal events (seq)


@attrs.frozen
class OverrideRating(Command):
    """Control sets an objective's HSEEP rating (P, S, M or U) over the computed one,
    with a reason; ``rating=None`` withdraws an earlier override."""

    objective: str
    rating: str | None
    reason: str = ""


@attrs.frozen
class PlanImprovement(Command):
    """Add or edit an item of the improvement plan (HSEEP IP): the issue, the corrective
    action, the capability element, the responsible cell and the dates. ``item`` names an
    existing item to edit; None adds a new one. ``remove`` deletes the item."""

    issue: str
    corrective_action: str = ""
    capability: str = ""
    cell: str = ""
    start: str = ""  # free dates as the planners write them, e.g. 2003-11-01
    end: str = ""
    objective: str = ""
    item: str | None = None
    remove: bool = False


@attrs.frozen
class AnswerRfi(Command):
    rfi: int
    text: str
    public: bool = False


@attrs.frozen
class OpenModule(Command):
    """Move a discussion-based exercise on to a module: its discussion questions reach
    every player cell. Modules also open by themselves when their start time comes."""

    module: str


@attrs.frozen
class NoteModule(Command):
    """A facilitator's note on a module's discussion (for the report's module section)."""

    module: str
    text: str


# ------------------------------------------------------------------------- cells


@attrs.frozen
class AnswerQuestion(Command):
    """A cell's answer to discussion question ``question`` (1, 2 ...) of ``module``;
    answering again replaces the earlier answer. Control sees every answer; ``shared``
    makes it visible to every cell."""

    cell: str
    module: str
    question: int
    text: str
    shared: bool = False


@attrs.frozen
class SubmitMove(Command):
    """A cell's move: an action kind from the scenario's vocabulary, addressed cells,
    free text and the inject it answers."""

    cell: str
    kind: str
    text: str
    to: tuple[str, ...] = ()
    answers: str | None = None
    intent: int | None = None  # the seq of the cell's stated intent this move carries out


@attrs.frozen
class SendMessage(Command):
    cell: str
    to: tuple[str, ...]
    text: str
    subject: str = ""
    about: str | None = None  # an inject id


@attrs.frozen
class Acknowledge(Command):
    """Acknowledge an inject (``inject:ID``) or a message (``message:SEQ``)."""

    cell: str
    item: str


@attrs.frozen
class MarkRead(Command):
    cell: str
    item: str


@attrs.frozen
class AskRfi(Command):
    """A request for information to exercise control."""

    cell: str
    text: str
    about: str | None = None


@attrs.frozen
class StateIntent(Command):
    """A cell states an action it intends to take: a move kind, optionally a target and a
    place, the cells it concerns and the inject it answers. Consultations and consent
    link to it; the move that carries it out names it."""

    cell: str
    kind: str
    text: str = ""
    target: str = ""
    place: str = ""
    concerns: tuple[str, ...] = ()
    answers: str | None = None


@attrs.frozen
class Consult(Command):
    """A cell consults others about an action: linked to its stated ``intent`` (a seq)
    or to the ``inject`` the action will answer."""

    cell: str
    to: tuple[str, ...]
    text: str
    intent: int | None = None
    inject: str | None = None


@attrs.frozen
class AnswerConsultation(Command):
    """A consulted cell answers a consultation addressed to it."""

    cell: str
    consultation: int
    text: str


@attrs.frozen
class GiveConsent(Command):
    """A cell (e.g. the territorial state) consents to the action ``to`` intends,
    named by its ``intent`` or by the ``inject`` it answers."""

    cell: str
    to: str
    text: str = ""
    intent: int | None = None
    inject: str | None = None


@attrs.frozen
class RefuseConsent(GiveConsent):
    """A cell refuses consent to the action ``to`` intends."""


@attrs.frozen
class Join(Command):
    """A console joined the exercise as ``cell`` (its join code was right)."""

    cell: str


@attrs.frozen
class Leave(Command):
    """A console that joined as ``cell`` closes (recorded for control's Cells tab)."""

    cell: str


@attrs.frozen
class RefuseJoin(Command):
    """Someone tried to join as ``cell`` with a wrong code (recorded, then refused)."""

    cell: str
    reason: str = "wrong join code"


@attrs.frozen
class Argue(Command):
    """An argument for or against a move awaiting matrix resolution."""

    cell: str
    move: int
    stance: str  # for | against
    text: str
    strong: bool = False


# --------------------------------------------------------------------- evaluators


@attrs.frozen
class AddEvaluator(Command):
    """Control adds an evaluator ``name`` with the hash of its join code."""

    name: str
    code_hash: str = ""


@attrs.frozen
class AssignEvaluator(Command):
    """Control assigns evaluator ``name`` to objectives and cells (replacing earlier ones)."""

    name: str
    objectives: tuple[str, ...] = ()
    cells: tuple[str, ...] = ()


@attrs.frozen
class JoinEvaluator(Command):
    """An evaluator's console joined (its join code was right); actor ``evaluator:NAME``."""


@attrs.frozen
class RateTask(Command):
    """An evaluator rates a critical task P, S, M or U; M and U need a reason."""

    task: str
    rating: str
    reason: str = ""


ANY_COMMAND = (
    Start, Pause, Resume, SetRatio, Jump, Release, ReleaseDue, Hold, Unhold, Skip, Retime,
    AddInject, Publish, End, Adjudicate, ResolveMatrix, Observe, OverrideRating, PlanImprovement,
    AnswerRfi, SubmitMove, SendMessage, Acknowledge, MarkRead, AskRfi, Argue, Join, RefuseJoin,
    Leave, OpenModule, NoteModule, AnswerQuestion,
    StateIntent, Consult, AnswerConsultation, GiveConsent, RefuseConsent,
    AddEvaluator, AssignEvaluator, JoinEvaluator, RateTask,
)  # fmt: skip
