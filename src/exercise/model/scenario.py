"""The scenario: setting, cells, objectives, the move vocabulary, the MSEL and the rules."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from datetime import datetime, timedelta
from functools import cached_property

import attrs

from exercise.model.inject import Inject
from exercise.model.rules import RuleSet

#: The exercise marking that heads every inject unless the scenario sets its own.
DEFAULT_MARKING = "EXERCISE EXERCISE EXERCISE"


class Side(enum.Enum):
    """NATO cell colours: friendly, adversary, control, neutral, host nation."""

    BLUE = "blue"
    RED = "red"
    WHITE = "white"
    GRAY = "gray"
    GREEN = "green"


@attrs.frozen
class Cell:
    """A team of players (or exercise control) with its own console."""

    id: str
    name: str
    side: Side
    role: str = ""
    members: tuple[str, ...] = ()
    #: The language the cell plays in (None: the scenario's language).
    language: str | None = None


@attrs.frozen
class CriticalTask:
    """A critical task of an objective's Exercise Evaluation Guide (EEG): what the
    evaluators watch for and rate P/S/M/U. ``cells`` are the cells it concerns,
    ``injects`` those that exercise it, ``rules`` the scoring rules that give evidence."""

    id: str
    text: str
    cells: tuple[str, ...] = ()
    injects: tuple[str, ...] = ()
    rules: tuple[str, ...] = ()


@attrs.frozen
class Objective:
    """An exercise objective, evidenced by rules and rated P/S/M/U in the report."""

    id: str
    title: str
    capability: str
    targets: tuple[str, ...] = ()
    critical_tasks: tuple[CriticalTask, ...] = ()


@attrs.frozen
class MoveKind:
    """One word of the move vocabulary cells use (warn, strike, close-border ...)."""

    id: str
    title: str
    description: str = ""
    adjudicate: bool = False


@attrs.frozen
class Module:
    """A phase of a discussion-based exercise, with its discussion questions."""

    id: str
    title: str
    start: timedelta
    summary: str = ""
    questions: tuple[str, ...] = ()


#: Where a text field sits: ``("injects", "INC-001", "body")``,
#: ``("cells", "kgz-mod", "members", 0)``, ``("title",)`` for the scenario's own title.
TextKey = tuple[str | int, ...]


@attrs.frozen
class Scenario:
    """A complete, validated scenario: the scenario file plus its MSEL and rules.

    Text fields hold the scenario's own ``language``; ``translations`` maps another
    language to the texts translated into it, keyed by :data:`TextKey` (see
    :mod:`exercise.scenario.translations`, which also makes a translated copy).
    """

    id: str
    title: str
    start: datetime
    timezone: str
    duration: timedelta
    cells: tuple[Cell, ...]
    objectives: tuple[Objective, ...]
    move_kinds: tuple[MoveKind, ...]
    inject_files: tuple[str, ...] = ()
    rule_files: tuple[str, ...] = ()
    summary: str = ""
    briefing: str = ""
    clock_ratio: float = 1.0
    modules: tuple[Module, ...] = ()
    marking: str = DEFAULT_MARKING
    msel: tuple[Inject, ...] = ()
    ruleset: RuleSet = attrs.field(factory=RuleSet)
    language: str = "en"
    translations: Mapping[str, Mapping[TextKey, str]] = attrs.field(factory=dict, hash=False)

    @cached_property
    def cell_ids(self) -> frozenset[str]:
        return frozenset(c.id for c in self.cells)

    @cached_property
    def injects_by_id(self) -> dict[str, Inject]:
        return {i.id: i for i in self.msel}

    @cached_property
    def tasks_by_id(self) -> dict[str, tuple[Objective, CriticalTask]]:
        """Every critical task by its id (unique in the scenario), with its objective."""
        return {t.id: (o, t) for o in self.objectives for t in o.critical_tasks}

    def cell(self, cell_id: str) -> Cell:
        for c in self.cells:
            if c.id == cell_id:
                return c
        raise KeyError(cell_id)

    def inject(self, inject_id: str) -> Inject:
        return self.injects_by_id[inject_id]

    @property
    def control_cells(self) -> tuple[Cell, ...]:
        return tuple(c for c in self.cells if c.side is Side.WHITE)

    @property
    def player_cells(self) -> tuple[Cell, ...]:
        return tuple(c for c in self.cells if c.side is not Side.WHITE)

    @property
    def languages(self) -> tuple[str, ...]:
        """The scenario's language first, then those it is translated into."""
        return (self.language, *sorted(k for k in self.translations if k != self.language))

    def cell_language(self, cell_id: str) -> str:
        """The language ``cell_id`` plays in."""
        for c in self.cells:
            if c.id == cell_id and c.language:
                return c.language
        return self.language

    @property
    def end(self) -> datetime:
        return self.start + self.duration
