"""Coordination rules as data; the `exercise.scoring` package interprets them."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import ClassVar

import attrs

RULES_VERSIONS = (1, 2)


@attrs.frozen
class Ratings:
    """Share of an objective's points needed for each HSEEP rating; below ``M`` is U."""

    P: float = 0.9
    S: float = 0.7
    M: float = 0.4

    def lowered(self) -> list[str]:
        """The thresholds set below the defaults, as ``P 0.85 (default 0.9)``."""
        default = Ratings()
        return [
            f"{k} {getattr(self, k):g} (default {getattr(default, k):g})"
            for k in ("P", "S", "M")
            if getattr(self, k) < getattr(default, k)
        ]


@attrs.frozen
class NotifyRule:
    """When an inject is released to ``cell`` (or ``cell`` makes a move of kind ``move``),
    ``cell`` must inform every cell in ``notify`` within ``within``. Late notices earn
    points decaying linearly to zero over ``decay`` (default: one more window).

    ``weights`` (cell -> positive number, default 1 each) split ``points`` unevenly.
    ``places`` (move rules, version 2): only moves at one of those places count (see
    :func:`at_place`). ``after`` (move rules only): ``move`` — only traffic after the
    move counts, never the move itself; ``adjudication`` — the window opens when control
    adjudicates the move. Absent, version-1 rules let the move's own addressees count
    (version 2: ``move``)."""

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
    weights: dict[str, float] = attrs.field(factory=dict, hash=False)
    after: str | None = None
    places: tuple[str, ...] = ()
    description: str = ""

    def weight(self, cell: str) -> float:
        return self.weights.get(cell, 1.0)


NOTIFY_AFTER = ("move", "adjudication")


@attrs.frozen
class AcknowledgeRule:
    """Injects (one, or every inject) and optionally messages to ``cell`` must be
    acknowledged by ``cell`` within ``within``. Injects listed in ``exclude``, sent on a
    channel in ``exclude_channels`` or carrying a flag in ``exclude_flags`` are not
    counted; ``cap`` limits the rule's share of its objective's points (0 < cap < 1)."""

    kind: ClassVar[str] = "acknowledge"
    id: str
    objective: str
    points: int
    cell: str
    within: timedelta
    inject: str | None = None
    messages: bool = False
    exclude: tuple[str, ...] = ()
    exclude_channels: tuple[str, ...] = ()
    exclude_flags: tuple[str, ...] = ()
    cap: float | None = None
    description: str = ""


@attrs.frozen
class DeconflictRule:
    """Before ``cell`` takes an action of kind ``action`` it must have consulted every
    cell in ``consult`` in the ``within`` before; acting first loses ``penalty`` points.

    Version 1 counts any message or move addressed to a consulted cell. Version 2 counts
    only a consultation linked to the action (its stated intent, or the inject the move
    answers) sent at least ``lead`` before it and, with ``answered``, answered by the
    consulted cell before the action. ``consent`` cells must have given consent (and not
    refused it since) before the action.

    ``places`` (version 2) limits the rule to actions at one of those places: the place
    the move's stated intent names (see :func:`at_place`)."""

    kind: ClassVar[str] = "deconflict"
    id: str
    objective: str
    points: int
    cell: str
    action: str
    consult: tuple[str, ...] = ()
    within: timedelta | None = None
    penalty: int = 0
    consent: tuple[str, ...] = ()
    lead: timedelta | None = None
    answered: bool = False
    places: tuple[str, ...] = ()
    description: str = ""


@attrs.frozen
class JointRule:
    """An action of kind ``action`` counts as coordinated when ``quorum`` of ``cells``
    and every cell in ``required`` commit to it within ``within``: of the first
    commitment (``anchor: first``), of STARTEX (``anchor: startex``) or of the release of
    an inject (``anchor: ID``). A cell in ``unilateral`` that commits in a window that
    closes without the joint action loses ``penalty`` points."""

    kind: ClassVar[str] = "joint"
    id: str
    objective: str
    points: int
    action: str
    cells: tuple[str, ...]
    quorum: int
    within: timedelta
    required: tuple[str, ...] = ()
    anchor: str = "first"
    unilateral: tuple[str, ...] = ()
    penalty: int = 0
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
    """Network measures over the message graph; each liaison link in ``required`` earns
    its share of ``points`` once it carried ``exchanges`` messages or moves (either way;
    with ``both_ways``, at least one each way)."""

    kind: ClassVar[str] = "network"
    id: str
    objective: str
    points: int
    required: tuple[tuple[str, str], ...] = ()
    both_ways: bool = False
    exchanges: int = 1
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


@attrs.frozen
class ChannelRule:
    """One negotiating channel: traffic to the ``counterpart`` cells (for example the
    hostage-takers) about the ``about`` injects (every inject when empty) goes through
    ``cell`` alone. ``cell`` earns ``points`` once it has used the channel; each message,
    move, consultation or consent another player cell sends to a counterpart on the same
    subject is a parallel channel and loses ``penalty``."""

    kind: ClassVar[str] = "channel"
    id: str
    objective: str
    points: int
    cell: str
    counterpart: tuple[str, ...]
    about: tuple[str, ...] = ()
    penalty: int = 0
    description: str = ""


def _words(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.casefold()))


def at_place(places: tuple[str, ...], stated: str) -> bool | None:
    """Whether a stated place is one of ``places``: a listed name occurs in it as whole
    words, ignoring case ("near Galashki, Ingushetia" is at ``Galashki``). None when no
    place was stated (the rule cannot tell, so it applies)."""
    text = _words(stated)
    if not text:
        return None
    padded = f" {text} "
    return any(f" {_words(p)} " in padded for p in places if _words(p))


Rule = (
    NotifyRule | AcknowledgeRule | DeconflictRule | JointRule | RespondRule | NetworkRule
    | AnswerRule | ChannelRule
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
        ChannelRule,
    )
}


@attrs.frozen
class RuleSet:
    """The rules a scenario is scored by, and the rating thresholds. ``version`` is the
    rules format's semantics (docs/scoring.md): 1 when a rules file does not say, so
    sessions recorded before version 2 score as they did."""

    ratings: Ratings = attrs.field(factory=Ratings)
    rules: tuple[Rule, ...] = ()
    version: int = 1
