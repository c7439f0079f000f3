"""What an importer produces, and the books that turn names into ids.

Both importers fill a :class:`Draft`: injects plus the cells, objectives and move kinds
they refer to. With a scenario given (``--scenario``) the books look names up among the
scenario's ids; without one they make ids from names and the draft becomes a scenario
stub listing them.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import attrs

from exercise.importers.mapping import Mapping
from exercise.importers.problems import Notice
from exercise.importers.text import key, one_line, slug
from exercise.model import Cell, Inject, Module, MoveKind, Objective, Scenario, Side

_CONTROL_TEXT = (
    "control|exercise control|excon|white|white cell|simcell|sim cell|simulation cell|"
    "controller|controllers|control cell|facilitator|facilitators|exercise director|"
    "master control|msel manager"
)
_CONTROL_NAMES = {key(n) for n in _CONTROL_TEXT.split("|")}
#: The move kind of expected actions when nothing names one.
RESPOND = MoveKind(
    id="respond",
    title="Respond to the inject",
    description="Added by exercise import: the expected player action.",
)


@attrs.define
class Draft:
    """An import's result before it is written."""

    source: str
    title: str
    start: datetime | None = None
    timezone: str = "UTC"
    #: Game time per real time, when the input says (a real-time column).
    clock_ratio: float | None = None
    #: How long the exercise lasts, when the input says.
    duration: timedelta | None = None
    summary: str = ""
    briefing: str = ""
    cells: list[Cell] = attrs.Factory(list)
    objectives: list[Objective] = attrs.Factory(list)
    move_kinds: list[MoveKind] = attrs.Factory(list)
    modules: list[Module] = attrs.Factory(list)
    injects: list[Inject] = attrs.Factory(list)
    #: Where each inject came from ("row 14", "inject 'Phishing mail'"), by inject id.
    origins: dict[str, str] = attrs.Factory(dict)
    notices: list[Notice] = attrs.Factory(list)

    def stub(self, scenario_id: str, inject_file: str) -> Scenario:
        """A scenario listing this draft's cells, objectives and move kinds."""
        assert self.start is not None
        times = [i.time for i in self.injects if i.time is not None]
        times += [m.start for m in self.modules]
        last = max(times, default=timedelta(0))
        duration = timedelta(hours=int(last.total_seconds() // 3600) + 1)
        if self.duration is not None and self.duration > last:
            duration = self.duration
        return Scenario(
            id=scenario_id,
            title=self.title or scenario_id,
            summary=self.summary,
            briefing=self.briefing,
            start=self.start,
            timezone=self.timezone,
            duration=duration,
            clock_ratio=self.clock_ratio or 1.0,
            cells=tuple(self.cells),
            objectives=tuple(self.objectives),
            move_kinds=tuple(self.move_kinds) or (RESPOND,),
            modules=tuple(self.modules),
            inject_files=(inject_file,),
        )


class CellBook:
    """Recipient and team names → cell ids.

    With a scenario, a name matches a cell by the mapping file, its id, its name or the
    id its name would give; an unknown name is an error for the caller to report.
    Without one, each new name becomes a cell (id from the mapping or slugified from the
    name, side from the mapping, else white for control-like names, else blue)."""

    def __init__(self, mapping: Mapping, scenario: Scenario | None) -> None:
        self.mapping = mapping
        self.scenario = scenario
        self.made: dict[str, Cell] = {}

    def resolve(self, name: str) -> str | None:
        name = one_line(name)
        entry = self.mapping.cell(name)
        if self.scenario is not None:
            ids = {c.id for c in self.scenario.cells}
            if entry is not None:
                return entry.id if entry.id in ids else None
            for c in self.scenario.cells:
                if name == c.id or key(name) in (key(c.id), key(c.name)) or slug(name) == c.id:
                    return c.id
            return None
        if entry is not None:
            ident, side, display = entry.id, entry.side, entry.name or name
        else:
            ident, side, display = slug(name), None, name
            if not ident:
                ident = f"cell-{len(self.made) + 1}"
        if ident not in self.made:
            if side is None:
                side = Side.WHITE if key(name) in _CONTROL_NAMES else Side.BLUE
            self.made[ident] = Cell(id=ident, name=display, side=side)
        return ident

    def cells(self) -> list[Cell]:
        """The cells made, with a control cell first when none of them is white."""
        cells = list(self.made.values())
        if not any(c.side is Side.WHITE for c in cells):
            ident = "control" if "control" not in self.made else "exercise-control"
            cells.insert(
                0,
                Cell(
                    id=ident,
                    name="Exercise control",
                    side=Side.WHITE,
                    role="Runs the clock and releases the injects (added by exercise import)",
                ),
            )
        return cells

    def known(self) -> list[str]:
        if self.scenario is not None:
            return [c.id for c in self.scenario.cells]
        return list(self.made)


_OBJ_NUMBER = re.compile(
    r"^(?:obj(?:ective)?s?[\s.#:-]*(?:no\.?|number)?\s*)?(\d{1,3})(?:\s*[:.)\-–—]\s*(.*))?$", re.I
)


class ObjectiveBook:
    """Objective texts ("OBJ-1: Warn ...", "1", "Operational Coordination") → ids."""

    def __init__(self, scenario: Scenario | None) -> None:
        self.scenario = scenario
        self.made: dict[str, Objective] = {}

    def resolve(self, text: str) -> str | None:
        text = one_line(text)
        m = _OBJ_NUMBER.match(text)
        if self.scenario is not None:
            objs = self.scenario.objectives
            for o in objs:
                if text == o.id or key(text) in (key(o.id), key(o.title)):
                    return o.id
            if m:
                same = [
                    o for o in objs if re.sub(r"\D", "", o.id).lstrip("0") == m.group(1).lstrip("0")
                ]
                if len(same) == 1:
                    return same[0].id
            by_cap = [o for o in objs if key(o.capability) == key(text)]
            if len(by_cap) == 1:
                return by_cap[0].id
            return None
        if m:
            ident = f"OBJ-{int(m.group(1))}"
            title = (m.group(2) or "").strip() or f"Objective {int(m.group(1))}"
        else:
            ident, title = slug(text) or f"OBJ-{len(self.made) + 1}", text
        old = self.made.get(ident)
        if old is None or (old.title.startswith("Objective ") and title != old.title):
            self.made[ident] = Objective(id=ident, title=title, capability=title)
        return ident

    def objectives(self) -> list[Objective]:
        return list(self.made.values())


class KindBook:
    """Move kind names → ids: the scenario's, or made from the names."""

    def __init__(self, scenario: Scenario | None) -> None:
        self.scenario = scenario
        self.made: dict[str, MoveKind] = {}

    def resolve(self, text: str) -> str | None:
        text = one_line(text)
        if self.scenario is not None:
            for k in self.scenario.move_kinds:
                if text == k.id or key(text) in (key(k.id), key(k.title)):
                    return k.id
            return None
        ident = slug(text) or "respond"
        self.made.setdefault(ident, MoveKind(id=ident, title=text or "Respond"))
        return ident

    def guess(self, action: str) -> str | None:
        """The kind an expected-action text names, with a scenario: the whole text, else
        its first word ("Warn Tashkent ..." -> warn), else ``respond`` if the scenario
        has it. Without a scenario: ``respond``."""
        if self.scenario is None:
            self.made.setdefault(RESPOND.id, RESPOND)
            return RESPOND.id
        whole = self.resolve(action)
        if whole is not None:
            return whole
        words = re.findall(r"[\w-]+", action)
        ids = {k.id: k.id for k in self.scenario.move_kinds}
        ids.update({key(k.id): k.id for k in self.scenario.move_kinds})
        if words:
            first = words[0]
            for cand in (first, first.lower(), key(first)):
                if cand in ids:
                    return ids[cand]
        text_words = {w.casefold() for w in words}
        every_part = [
            k.id
            for k in self.scenario.move_kinds
            if all(part in text_words for part in k.id.casefold().split("-") if part)
        ]
        if len(every_part) == 1:
            return every_part[0]
        return "respond" if "respond" in ids else None

    def kinds(self) -> list[MoveKind]:
        return list(self.made.values())

    def known(self) -> list[str]:
        if self.scenario is not None:
            return [k.id for k in self.scenario.move_kinds]
        return list(self.made)


@attrs.frozen
class Context:
    """What an importer needs besides the input: the file's display name, the mapping,
    the scenario (``--scenario``) and the start (``--start``)."""

    file: str
    mapping: Mapping = attrs.field(factory=Mapping)
    scenario: Scenario | None = None
    start: datetime | None = None
    #: The date a stub starts on when nothing says (tests fix it).
    today: datetime | None = None
    #: Inject ids the scenario's other inject files use: generated ids skip them.
    taken: frozenset[str] = frozenset()

    @property
    def anchor(self) -> datetime | None:
        if self.start is not None:
            return self.start
        if self.scenario is not None:
            return self.scenario.start
        return None

    def default_day(self) -> datetime:
        day = self.today or datetime.now()
        return day.replace(hour=0, minute=0, second=0, microsecond=0)

    def start_or_today(self, what: str) -> tuple[datetime, Notice | None]:
        """The exercise's start for a source with no start of its own (``what`` names it:
        "exports", "IcebergTTX scenarios"): ``--start`` or the scenario's, else today at
        00:00 with a notice saying so."""
        if self.anchor is not None:
            return self.anchor, None
        start = self.default_day()
        return start, Notice(
            "start",
            f"{what} carry no start: the exercise starts at {start:%Y-%m-%d %H:%M}; edit "
            "'start' in the stub scenario or import again with --start",
        )
