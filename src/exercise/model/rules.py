"""Coordination rules as data; the `exercise.scoring` package interprets them."""

from __future__ import annotations

from datetime import timedelta
from typing import ClassVar

import attrs


@attrs.frozen
class Ratings:
    """Share of an objective's points needed for each HSEEP rating; below ``M`` is U."""

    P: float = 0.9
    S: float = 0.7
    M: float = 0.4


@attrs.frozen
class NotifyRule:
    """When an inject is released to ``cell`` (or ``cell`` makes a move of kind ``move``),
    ``cell`` must inform every cell in ``notify`` within ``within``. Late notices earn
    points decaying linearly to zero over ``decay`` (default: one more window)."""

    kind: ClassVar[str] = "notify"
    id: str
    objective: str
    points: int
    cell: str
    notify: tuple[str, ...]
    within: timedelta
    inject: str | None = None
    move: str | None = None
    decay: timedelta | None = None
    description: str = ""


@attrs.frozen
class AcknowledgeRule:
    """Injects (one, or every inject) and optionally messages to ``cell`` must be
    acknowledged by ``cell`` within ``within``."""

    kind: ClassVar[str] = "acknowledge"
    id: str
    objective: str
    points: int
    cell: str
    within: timedelta
    inject: str | None = None
    messages: bool = False
    description: str = ""


@attrs.frozen
class DeconflictRule:
    """Before ``cell`` takes an action of kind ``action`` it must have consulted every
    cell in ``consult`` (a message or move addressed to them) in the ``within`` before;
    acting first loses ``penalty`` points."""

    kind: ClassVar[str] = "deconflict"
    id: str
    objective: str
    points: int
    cell: str
    action: str
    consult: tuple[str, ...]
    within: timedelta | None = None
    penalty: int = 0
    description: str = ""


@attrs.frozen
class JointRule:
    """An action of kind ``action`` counts as coordinated when ``quorum`` of ``cells``
    commit to it within ``within`` of the first commitment."""

    kind: ClassVar[str] = "joint"
    id: str
    objective: str
    points: int
    action: str
    cells: tuple[str, ...]
    quorum: int
    within: timedelta
    description: str = ""


@attrs.frozen
class RespondRule:
    """Expected actions in the MSEL (of one inject, or all) must be taken by the named
    cell within their window; ``points`` per expected action."""

    kind: ClassVar[str] = "respond"
    id: str
    objective: str
    points: int
    inject: str | None = None
    description: str = ""


@attrs.frozen
class NetworkRule:
    """Network measures over the message graph; each liaison link in ``required`` that
    carried no message in either direction costs its share of ``points``."""

    kind: ClassVar[str] = "network"
    id: str
    objective: str
    points: int
    required: tuple[tuple[str, str], ...] = ()
    description: str = ""


@attrs.frozen
class AnswerRule:
    """Discussion questions (of one module, or of every module) must be answered by each
    cell in ``cells``; ``points`` are shared equally over the (cell, question) pairs."""

    kind: ClassVar[str] = "answer"
    id: str
    objective: str
    points: int
    cells: tuple[str, ...]
    module: str | None = None
    description: str = ""


Rule = (
    NotifyRule | AcknowledgeRule | DeconflictRule | JointRule | RespondRule | NetworkRule
    | AnswerRule
)  # fmt: skip

RULE_KINDS: dict[str, type[Rule]] = {
    cls.kind: cls
    for cls in (
        NotifyRule,
        AcknowledgeRule,
        DeconflictRule,
        JointRule,
        RespondRule,
        NetworkRule,
        AnswerRule,
    )
}


@attrs.frozen
class RuleSet:
    """The rules a scenario is scored by, and the rating thresholds."""

    ratings: Ratings = attrs.field(factory=Ratings)
    rules: tuple[Rule, ...] = ()
