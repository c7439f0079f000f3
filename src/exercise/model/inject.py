"""Injects of the Master Scenario Events List (MSEL)."""

from __future__ import annotations

import enum
import re
from datetime import timedelta

import attrs


class Channel(enum.Enum):
    """How an inject reaches its recipients in the simulated world."""

    PHONE = "phone"
    RADIO = "radio"
    EMAIL = "email"
    MESSAGE = "message"
    FAX = "fax"
    LIAISON = "liaison"
    BRIEFING = "briefing"
    MEDIA = "media"
    DOCUMENT = "document"
    MEETING = "meeting"
    REPORT = "report"


#: The conditions a trigger may wait on (exactly one per trigger).
TRIGGER_CONDITIONS = ("after", "move", "adjudicated", "met", "missed")
#: Adjudication outcomes (see ``move.adjudicated`` in docs/events.md).
OUTCOMES = ("accepted", "rejected", "modified")
ADJUDICATED_DEFAULT = ("accepted", "modified")
#: A source-reliability grading: source reliability A-F, information credibility 1-6.
GRADING = re.compile(r"^[A-F][1-6]$")


@attrs.frozen
class Trigger:
    """Releases an inject on a condition instead of at a time.

    Exactly one of ``after`` (an inject was released), ``move`` (a move of that kind was
    submitted), ``adjudicated`` (a move of that kind was adjudicated with one of the
    ``outcome`` values), ``met`` or ``missed`` (an expected action of that inject was
    taken, or its window closed without it) is set. ``cell`` narrows
    ``move``/``adjudicated``/``met``/``missed`` to one cell; ``delay`` waits that much
    game time after the condition.
    """

    after: str | None = None
    move: str | None = None
    adjudicated: str | None = None
    met: str | None = None
    missed: str | None = None
    cell: str | None = None
    outcome: tuple[str, ...] = ()
    delay: timedelta = timedelta(0)

    @property
    def outcomes(self) -> tuple[str, ...]:
        """The adjudication outcomes that fire an ``adjudicated`` trigger: by default a
        move that went ahead (accepted, or accepted with modifications)."""
        return self.outcome or ADJUDICATED_DEFAULT

    @property
    def condition(self) -> tuple[str, str]:
        for name in TRIGGER_CONDITIONS:
            value = getattr(self, name)
            if value is not None:
                return name, value
        raise ValueError("trigger without a condition")


@attrs.frozen
class ExpectedAction:
    """What a cell is expected to do in answer to an inject, and how soon."""

    cell: str
    action: str
    within: timedelta
    to: tuple[str, ...] = ()
    description: str = ""


@attrs.frozen
class Branch:
    """A link to the inject to release when play takes a given turn."""

    inject: str
    when: str


@attrs.frozen
class Inject:
    """One MSEL entry. ``time`` is an offset from the start; triggered and contingency
    injects have none. ``flags`` are free labels (e.g. ``administrative``) that rules
    can select injects by."""

    id: str
    title: str
    to: tuple[str, ...]
    time: timedelta | None = None
    trigger: Trigger | None = None
    from_: str = ""
    channel: Channel = Channel.MESSAGE
    module: str | None = None
    body: str = ""
    expects: tuple[ExpectedAction, ...] = ()
    objectives: tuple[str, ...] = ()
    notes: str = ""
    questions: tuple[str, ...] = ()
    branches: tuple[Branch, ...] = ()
    contingency: bool = False
    public: bool = False
    grading: str = ""  # source reliability (A-F) and credibility (1-6), e.g. "B2"
    clock: str = ""  # IANA zone whose clock the inject's times are in; "" = the scenario's
    flags: tuple[str, ...] = ()
