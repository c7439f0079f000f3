"""Spreadsheet MSELs (CSV, XLSX) → a :class:`~exercise.importers.draft.Draft`.

The header row is found by its column names (HSEEP's "Event Number", "Scenario Time",
"Event Synopsis", "Inject", "From", "To", "Method", "Expected Player Action",
"Objective / Core Capability", "Notes" and their usual variants; see
:mod:`exercise.importers.mapping`), so title rows above it are skipped. Blank rows and
repeated header rows are skipped; rows with a single value are section headings ("DAY 2"
sets the day of the clock times below). Columns of no known field are kept in the
injects' notes. Every problem found is reported with its row and column.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

import attrs

from exercise.importers.draft import CellBook, Context, Draft, KindBook, ObjectiveBook
from exercise.importers.mapping import CHANNEL_WORDS, field_of
from exercise.importers.problems import ImportFailed, Notice, RowProblem
from exercise.importers.table import Sheet
from exercise.importers.text import clean, counted, key, one_line, shorten, slug
from exercise.importers.times import (
    HHMM,
    Absolute,
    Clock,
    DateOrder,
    DayClock,
    Relative,
    Resolver,
    Spec,
    TimeError,
    WeekdayClock,
    heading_day,
    on_day,
    read_day,
    read_time,
    read_weekday,
    slashed_order,
)
from exercise.model import Branch, Channel, ExpectedAction, Inject, Module, Trigger
from exercise.model.timefmt import TimeFormatError, format_offset, parse_duration

#: Rows searched for the header.
HEADER_SEARCH = 40
_TRUE = {"yes", "y", "true", "x", "1", "contingency", "oui", "ja", "si", "✓", "✔", "c"}
_FALSE = {"no", "n", "false", "0", "", "non", "nein", "-", "scheduled", "planned"}


@attrs.frozen
class Column:
    index: int
    header: str
    field: str | None


@attrs.define
class _Row:
    number: int
    values: dict[str, list[Any]]
    extras: list[tuple[str, str]]
    spec: Spec | None = None
    ident: str | None = None
    #: The row's day number (0 is the start day) when a day column gives one.
    day: int | None = None
    #: The real-world time of the row (a "Real Time" column beside the game time).
    real: Spec | None = None


def import_sheets(sheets: list[Sheet], ctx: Context) -> Draft:
    """Import the MSEL of one of ``sheets`` (the mapping's, or the most MSEL-like)."""
    sheet, header_at = _choose(sheets, ctx)
    return _Importer(sheet, header_at, ctx).run()


def import_items(sheet: Sheet, ctx: Context) -> Draft:
    """Import a sheet made from a JSON list (its header is row 0, its first row)."""
    return _Importer(sheet, 0, ctx).run()


def _letter(index: int) -> str:
    out = ""
    index += 1
    while index:
        index, r = divmod(index - 1, 26)
        out = chr(65 + r) + out
    return out


def _header_score(cells: list[Any], ctx: Context) -> int:
    names = {key(n) for names in ctx.mapping.columns.values() for n in names}
    fields = set()
    for c in cells:
        if not isinstance(c, str):
            continue
        text = clean(c)
        if key(text) in names:
            fields.add("mapped:" + key(text))
        elif (f := field_of(text)) is not None:
            fields.add(f)
    return len(fields)


def _choose(sheets: list[Sheet], ctx: Context) -> tuple[Sheet, int]:
    m = ctx.mapping
    if m.sheet is not None:
        chosen = [s for s in sheets if s.name == m.sheet] or [
            s for s in sheets if key(s.name) == key(m.sheet)
        ]
        if not chosen:
            raise ImportFailed(
                [
                    RowProblem(
                        ctx.file,
                        message=f"no sheet named {m.sheet!r}",
                        hint="sheets: " + ", ".join(repr(s.name) for s in sheets),
                    )
                ]
            )
        sheets = chosen[:1]
    if m.header_row == 0:
        return sheets[0], -1
    if m.header_row is not None:
        sheet = sheets[0]
        for i, (number, _) in enumerate(sheet.rows):
            if number == m.header_row:
                return sheet, i
        raise ImportFailed(
            [
                RowProblem(
                    ctx.file,
                    message=f"header_row {m.header_row} is past the last row ({len(sheet.rows)})",
                )
            ]
        )
    best: tuple[int, int, int] | None = None  # score, -sheet order, row index
    for s_i, sheet in enumerate(sheets):
        for i, (_, cells) in enumerate(sheet.rows[:HEADER_SEARCH]):
            score = _header_score(cells, ctx)
            if score >= 2 and (best is None or (score, -s_i) > best[:2]):
                best = (score, -s_i, i)
    if best is None:
        where = f" of sheet {sheets[0].name!r}" if len(sheets) == 1 and sheets[0].name else ""
        where = " of any sheet" if len(sheets) > 1 else where
        raise ImportFailed(
            [
                RowProblem(
                    ctx.file,
                    message=f"no header row found in the first {HEADER_SEARCH} rows{where}",
                    hint="name the columns as an MSEL does (Scenario Time, Event Synopsis, To, "
                    "...) or in a mapping file given with --map (see docs/import.md)",
                )
            ]
        )
    return sheets[-best[1]], best[2]


class _Importer:
    def __init__(self, sheet: Sheet, header_at: int, ctx: Context) -> None:
        self.sheet = sheet
        self.header_at = header_at
        self.ctx = ctx
        self.file = ctx.file
        self.problems: list[RowProblem] = []
        self.notices: list[Notice] = list(sheet.notices) + [
            Notice(ctx.mapping.file, r) for r in ctx.mapping.remarks
        ]
        self.cells = CellBook(ctx.mapping, ctx.scenario)
        self.objectives = ObjectiveBook(ctx.scenario)
        self.kinds = KindBook(ctx.scenario)
        self.columns: list[Column] = []
        self.header_of: dict[str, str] = {}
        self.modules: dict[str, list[timedelta]] = {}
        self._extra_reason: dict[str, str] = {}
        self.origins: dict[str, str] = {}
        self.start = datetime(2000, 1, 1)
        self.ref: datetime | None = None
        self.clock_ratio: float | None = None
        self.polls = 0
        #: Ids made from plain event numbers or from the row order: only these merge.
        self.mergeable: set[str] = set()

    # ----------------------------------------------------------------- set-up

    def at(self, row: int) -> str:
        """How a row is named: "row 7" in a sheet, "item 7" in a JSON list."""
        return f"{self.sheet.row_word} {row}"

    def row_problem(self, row: int, column: str, message: str, hint: str = "") -> RowProblem:
        if self.sheet.row_word == "row":
            return RowProblem(self.file, row, column, message, hint)
        return RowProblem(self.file, 0, column, message, hint, self.at(row) if row else "")

    def problem(self, row: int, field: str | None, message: str, hint: str = "") -> None:
        column = self.header_of.get(field, "") if field else ""
        self.problems.append(self.row_problem(row, column, message, hint))

    def notice(self, row: int, message: str, column: str = "") -> None:
        where = self.at(row) if row else ""
        if column:
            where += (", " if where else "") + f"column {column!r}"
        self.notices.append(Notice(where, message))

    def _columns(self, header_row: int, cells: list[Any]) -> None:
        m = self.ctx.mapping
        headers = [clean(c) for c in cells]
        assigned: dict[int, str] = {}
        by_letter = self.header_at < 0
        for field, names in m.columns.items():
            for name in names:
                found = [i for i, h in enumerate(headers) if key(h) == key(name)]
                if by_letter:
                    found = [i for i, h in enumerate(headers) if h == name.strip().upper()]
                elif not found and re.fullmatch(r"[A-Z]{1,2}", name.strip()):
                    found = [column_index(name.strip())]
                if not found and by_letter:
                    self.problems.append(
                        RowProblem(
                            m.file or "mapping",
                            0,
                            "",
                            f"columns.{field}: {name!r} is not a column letter (header_row: 0 "
                            f"names columns by letter, A to {_letter(len(headers) - 1)})",
                            "write e.g. columns: {title: B, time: C, to: D}",
                        )
                    )
                    continue
                if not found:
                    listing = ", ".join(repr(h) for h in headers if h)
                    self.problems.append(
                        RowProblem(
                            m.file or "mapping",
                            0,
                            "",
                            f"columns.{field}: no column named {name!r} in the header row "
                            f"(row {header_row}) of {self.sheet.label}",
                            f"the columns are: {listing}" if listing else "",
                        )
                    )
                    continue
                assigned[found[0]] = field
        ignored = {key(n) for n in m.ignore}
        taken = set(assigned.values())
        for i, h in enumerate(headers):
            if i in assigned:
                self.columns.append(Column(i, h, assigned[i]))
                continue
            if h and key(h) in ignored:
                self.notice(0, "ignored, as the mapping file says", h)
                continue
            auto = field_of(h) if h and not by_letter else None
            if auto is not None and auto not in m.columns and (auto not in taken or auto == "to"):
                taken.add(auto)
                self.columns.append(Column(i, h, auto))
                continue
            label = h or f"column {_letter(i)}"
            self.columns.append(Column(i, label, None))
            if auto == "notes":
                continue  # a second notes column: its values go to the notes, labelled
            if auto is not None:
                first = next((c.header for c in self.columns if c.field == auto), "")
                why = f"also means {auto!r} (taken by column {first!r})"
            else:
                why = "is not a field of an inject"
            self._extra_reason[label] = why
        fields = {c.field for c in self.columns}
        if "real" in fields and not fields & {"time", "clock", "day"}:
            # a real-time column alone is the time column
            self.columns = [
                Column(c.index, c.header, "clock") if c.field == "real" else c for c in self.columns
            ]
        for c in self.columns:
            if c.field is not None:
                self.header_of.setdefault(c.field, c.header)

    # ----------------------------------------------------------------- rows

    def run(self) -> Draft:
        rows = self.sheet.rows
        if self.header_at < 0:  # header_row: 0, columns by letter
            width = max((len(cells) for _, cells in rows), default=1)
            header_number, header_cells = 0, [_letter(i) for i in range(max(width, 1))]
        else:
            header_number, header_cells = rows[self.header_at]
        self._columns(header_number, header_cells)
        if self.problems:
            raise ImportFailed(self.problems)
        fields = {c.field for c in self.columns}
        where = "in the header row" if header_number else "among the mapped columns"
        if self.sheet.row_word == "item":
            where = "among the keys of the items"
        if "to" not in fields:
            raise ImportFailed(
                [
                    self.row_problem(
                        header_number,
                        "",
                        f"no recipient column (To, Recipient or Player) {where}",
                        "name it in a mapping file: columns: {to: ...}",
                    )
                ]
            )
        if not fields & {"title", "body"}:
            raise ImportFailed(
                [
                    self.row_problem(
                        header_number,
                        "",
                        f"no column for the event synopsis or the inject text {where}",
                        "name it in a mapping file: columns: {title: ...}",
                    )
                ]
            )
        title_lines = [
            one_line(" ".join(clean(c) for c in cells if clean(c)))
            for _, cells in rows[: max(self.header_at, 0)]
        ]
        title_lines = [t for t in title_lines if t]
        header_keys = [key(clean(c)) for c in header_cells] if self.header_at >= 0 else []
        order = self._date_order(rows[self.header_at + 1 :])
        parsed: list[_Row] = []
        skipped: list[int] = []
        for number, cells in rows[self.header_at + 1 :]:
            texts = [clean(c) for c in cells]
            filled = [i for i, t in enumerate(texts) if t]
            if not filled:
                continue
            if (
                header_keys
                and [key(t) for t in texts[: len(header_keys)]] == header_keys[: len(texts)]
            ):
                self.notice(number, "a repeated header row; skipped")
                continue
            if not self._kept(cells):
                skipped.append(number)
                continue
            if len(filled) == 1 and self.sheet.row_word == "row":
                parsed.append(_Row(number, {"heading": [texts[filled[0]]]}, []))
                continue
            parsed.append(self._read_row(number, cells, order))
        if skipped:
            rule = self.ctx.mapping.rows
            assert rule is not None
            self.notice(
                0,
                f"{_rows_text(skipped)}: column {rule[0]} matches none of "
                f"{', '.join(repr(p) for p in rule[1])}; skipped",
            )
        injects = self._build(parsed)
        if injects and self.ctx.mapping.merge:
            injects = self._merge(injects)
        if self.polls:
            self.notice(
                0,
                f"{counted(self.polls, 'poll')} imported as discussion questions ('Poll: A | B'); "
                "the players' votes are not collected here",
                self.header_of.get("poll", ""),
            )
        if not injects and not self.problems:
            below = "below the header row" if header_number else "in the sheet"
            if self.sheet.row_word == "item":
                below = "in the list"
            self.problems.append(self.row_problem(header_number, "", f"no injects {below}"))
        with_values = {label for r in parsed for label, _ in r.extras}  # empty ones lose nothing
        self.notices[0:0] = [
            Notice(f"column {label!r}", f"{why}: its values were added to the notes")
            for label, why in self._extra_reason.items()
            if label in with_values
        ]
        if self.problems:
            raise ImportFailed(sorted(set(self.problems)))
        label = self.sheet.label
        if self.sheet.encoding:
            label += f" ({self.sheet.encoding})"
        source = label + f", header on row {header_number}"
        if self.header_at < 0:
            source = label + ", no header row (columns by letter)"
        if self.sheet.row_word == "item":
            source = label
        draft = Draft(
            source=source,
            title=self.ctx.mapping.title or (title_lines[0] if title_lines else ""),
            summary="\n".join(title_lines[1:]),
            timezone=self.ctx.mapping.timezone or "UTC",
        )
        if title_lines and self.ctx.scenario is None and not self.ctx.mapping.title:
            draft.notices.append(
                Notice(
                    f"rows above the header (1-{header_number - 1})",
                    "used as the stub scenario's title and summary",
                )
            )
        draft.injects = injects
        draft.cells = self.cells.cells()
        draft.objectives = self.objectives.objectives()
        draft.move_kinds = self.kinds.kinds()
        draft.modules = [
            Module(id=slug(name) or name, title=name, start=min(times, default=timedelta(0)))
            for name, times in self.modules.items()
        ]
        draft.start = self.start
        draft.clock_ratio = self.clock_ratio
        draft.notices.extend(self.notices)
        draft.origins = self.origins
        return draft

    def _date_order(self, rows: list[tuple[int, list[Any]]]) -> DateOrder | None:
        if self.ctx.mapping.date_order is not None:
            return "mdy" if self.ctx.mapping.date_order == "mdy" else "dmy"
        seen: set[str] = set()
        idx = [c.index for c in self.columns if c.field in ("time", "clock", "day")]
        for _, cells in rows:
            for i in idx:
                if i < len(cells) and isinstance(cells[i], str):
                    o = slashed_order(cells[i])
                    if o:
                        seen.add(o)
        if len(seen) == 1:
            return "mdy" if "mdy" in seen else "dmy"
        return None

    def _read_row(self, number: int, cells: list[Any], order: DateOrder | None) -> _Row:
        values: dict[str, list[Any]] = {}
        extras: list[tuple[str, str]] = []
        for c in self.columns:
            raw = cells[c.index] if c.index < len(cells) else None
            if isinstance(raw, str):
                ends = raw.endswith("\n")
                raw = clean(raw)
                if ends and c.field in ("body", "notes") and raw:
                    raw += "\n"  # a text block keeps its last line break: see _inject
            if raw is None or raw == "":
                continue
            if c.field is None:
                extras.append((c.header, clean(raw)))
            else:
                values.setdefault(c.field, []).append(raw)
        row = _Row(number, values, extras)
        self._read_time(row, order)
        return row

    def _first(self, row: _Row, field: str) -> Any:
        got = row.values.get(field)
        return got[0] if got else None

    def _text(self, row: _Row, field: str) -> str:
        return "\n\n".join(clean(v) for v in row.values.get(field, []))

    def _kept(self, cells: list[Any]) -> bool:
        """Whether a row is an inject under the mapping's ``rows`` rule (all are without)."""
        rule = self.ctx.mapping.rows
        if rule is None:
            return True
        index = column_index(rule[0])
        value = clean(cells[index]) if index < len(cells) else ""
        return any(re.search(p, value) for p in rule[1])

    def _read_time(self, row: _Row, order: DateOrder | None) -> None:
        mode = self.ctx.mapping.times
        real = self._first(row, "real")
        if real is not None:
            try:
                row.real = read_time(real, "clock", order)
            except TimeError as exc:
                self.problem(row.number, "real", exc.message, exc.hint)
        day_value = self._first(row, "day")
        day = None
        field = "time" if "time" in row.values else "clock" if "clock" in row.values else None
        if isinstance(day_value, str) and (weekday := read_weekday(day_value)) is not None:
            # T3SF's "Monday 9:30 AM": a day of the week and a clock time
            if weekday.at is not None:
                row.spec = WeekdayClock(weekday.weekday, weekday.at)
                return
            if field is None:
                self.problem(
                    row.number,
                    "day",
                    f"{clean(day_value)!r} has a day of the week but no clock time",
                    "write e.g. Monday 9:30 AM",
                )
                return
            try:
                spec = read_time(self._first(row, field), "clock", order)
            except TimeError as exc:
                self.problem(row.number, field, exc.message, exc.hint)
                return
            row.spec = WeekdayClock(weekday.weekday, spec.at) if isinstance(spec, Clock) else spec
            return
        if day_value is not None:
            try:
                day = read_day(day_value, order)
            except TimeError as exc:
                self.problem(row.number, "day", exc.message, exc.hint)
                return
        if field is None:
            return
        clock = "day" in self.header_of or field == "clock" or mode == "clock"
        hhmm: HHMM = "clock" if clock else "offset"
        try:
            spec = read_time(self._first(row, field), hhmm, order)
        except TimeError as exc:
            self.problem(row.number, field, exc.message, exc.hint)
            return
        row.spec = on_day(day, spec) if day is not None else spec
        row.day = day if isinstance(day, int) else None

    # ----------------------------------------------------------------- build

    def _start(self, rows: list[_Row]) -> datetime:
        """The start: ``--start``, the scenario's, else the earliest event of the sheet.

        Day 0 is the date of the earliest full date (less its row's day number, when a
        day column says "Day 2"), else today (moved forward to the first day of the week
        the sheet names, if it names them); the start is the earliest time the rows name
        on that footing (a clock time opening the sheet counts as day 0). ``self.ref``
        is what OpenAEV's ``J`` (day 0, 00:00 without a start) stands for."""
        anchor = self.ctx.anchor
        day_zero = self.ctx.mapping.day_zero
        if anchor is not None:
            self.ref = anchor if day_zero is None else datetime.combine(day_zero, anchor.time())
            return anchor
        dated = [
            r.spec.at.date() - timedelta(days=r.day or 0)
            for r in rows
            if isinstance(r.spec, Absolute)
        ]
        day0 = min(dated) if dated else self.ctx.default_day().date()
        if day_zero is not None:
            day0 = day_zero
        weekdays = [r.spec for r in rows if isinstance(r.spec, WeekdayClock)]
        if weekdays and not dated:
            day0 += timedelta(days=(weekdays[0].weekday - day0.weekday()) % 7)
        self.ref = datetime.combine(day0, datetime.min.time())
        candidates = []
        for r in rows:
            if isinstance(r.spec, Absolute):
                candidates.append(r.spec.at)
            elif isinstance(r.spec, DayClock):
                candidates.append(datetime.combine(day0 + timedelta(days=r.spec.day), r.spec.at))
            elif isinstance(r.spec, Relative):
                candidates.append(self.ref + r.spec.delta)
            elif isinstance(r.spec, WeekdayClock):
                days = (r.spec.weekday - day0.weekday()) % 7
                candidates.append(datetime.combine(day0 + timedelta(days=days), r.spec.at))
        for r in rows:  # a bare clock time opening the sheet is on day 0
            if "heading" in r.values and heading_day(r.values["heading"][0]) is not None:
                break
            if r.spec is not None:
                if isinstance(r.spec, Clock):
                    candidates.append(datetime.combine(day0, r.spec.at))
                break
        if candidates:
            start = min(candidates)
            why = "the earliest time in the sheet"
            if any(
                isinstance(r.spec, Relative) or (isinstance(r.spec, DayClock) and r.spec.day < 0)
                for r in rows
            ):
                why += f" (day 0, J or D+0, is {day0:%Y-%m-%d})"
        else:
            start = self.ref
            why = (
                "today at 00:00 (the sheet gives times only as offsets from the start)"
                if any(r.spec is not None for r in rows)
                else "today at 00:00 (the sheet gives no times)"
            )
        self.notices.append(
            Notice(
                "start",
                f"no --start given: the exercise starts at {start:%Y-%m-%d %H:%M}, {why}; "
                "edit 'start' in the stub scenario or import again with --start",
            )
        )
        return start

    def _build(self, rows: list[_Row]) -> list[Inject]:
        self.start = self._start(rows)
        resolver = Resolver(self.start, self.ref)
        scn = self.ctx.scenario
        offsets: dict[int, timedelta] = {}
        banner: str | None = None
        for row in rows:
            if "heading" in row.values:
                text = row.values["heading"][0]
                day = heading_day(text)
                if day is not None:
                    resolver.open_day(day)
                    self.notice(
                        row.number,
                        f"section heading {shorten(text, 40)!r}: clock times below are on D+{day}",
                    )
                else:
                    banner = self._banner(row.number, text)
                continue
            if banner is not None and "module" not in row.values:
                row.values["module"] = [banner]
            if row.spec is None:
                continue
            offset, rolled = resolver.resolve(row.spec)
            field = "time" if "time" in row.values else "clock"
            shown = clean(self._first(row, field))
            if rolled:
                self.notice(
                    row.number,
                    f"{shown!r} is earlier than the row before: read as the "
                    f"next day ({format_offset(offset)})",
                    self.header_of.get(field, ""),
                )
            if offset < timedelta(0):
                hint = "give the right --start, or fix the time"
                if isinstance(row.spec, Relative | DayClock):
                    ref = self.ref or self.start
                    hint = (
                        f"day 0 (J, D+0) is {ref:%Y-%m-%d}: give an earlier --start, say which "
                        "day J is with 'day_zero: YYYY-MM-DD' in a mapping file, or import "
                        "without --start (the earliest time is the start)"
                    )
                self.problem(
                    row.number,
                    field,
                    f"{shown!r} is before the start ({self.start:%Y-%m-%d %H:%M})",
                    hint,
                )
            elif scn is not None and offset >= scn.duration:
                self.problem(
                    row.number,
                    field,
                    f"{shown!r} is after the end of the exercise "
                    f"({scn.start + scn.duration:%Y-%m-%d %H:%M})",
                    f"the exercise runs from {scn.start:%Y-%m-%d %H:%M} for {_hm(scn.duration)}",
                )
            else:
                offsets[row.number] = offset
        self._ratio(rows, offsets)
        rows = [r for r in rows if "heading" not in r.values]
        self._ids(rows)
        by_id = {r.ident: r for r in rows}
        injects = []
        for row in rows:
            assert row.ident is not None
            self.origins[row.ident] = self.at(row.number)
            inject = self._inject(row, offsets.get(row.number), by_id, offsets)
            if inject is not None:
                injects.append(inject)
        return injects

    def _banner(self, number: int, text: str) -> str | None:
        """A section banner ("MODULE 1 – Initial response") opens a module for the rows
        below it; with a scenario, one of its modules (else it is listed and skipped)."""
        scn = self.ctx.scenario
        title = one_line(text)
        if scn is not None:
            for m in scn.modules:
                if key(title) in (key(m.id), key(m.title)) or key(title).startswith(key(m.title)):
                    self.notice(number, f"section banner {shorten(title, 50)!r}: module {m.id!r}")
                    return m.id
            self.notice(
                number,
                f"section banner {shorten(title, 50)!r} matches no module of the scenario; "
                "skipped (modules: " + (", ".join(m.id for m in scn.modules) or "none") + ")",
            )
            return None
        self.notice(
            number,
            f"section banner {shorten(title, 50)!r}: the injects below it are in module "
            f"{slug(title) or title!r}",
        )
        return title

    def _ratio(self, rows: list[_Row], offsets: dict[int, timedelta]) -> None:
        """The clock ratio a real-time column gives: game time over real time between
        the first and the last row that have both."""
        pairs: list[tuple[datetime, timedelta]] = []
        base = datetime(2000, 1, 1)
        last: datetime | None = None
        for row in rows:
            if row.real is None or row.number not in offsets:
                continue
            if isinstance(row.real, Absolute):
                real = row.real.at
            elif isinstance(row.real, Clock):
                real = datetime.combine(base.date(), row.real.at)
                if last is not None and real < last:
                    base += timedelta(days=1)
                    real += timedelta(days=1)
            else:
                continue
            last = real
            pairs.append((real, offsets[row.number]))
        if len(pairs) < 2:
            return
        real_span = (pairs[-1][0] - pairs[0][0]).total_seconds()
        game_span = (pairs[-1][1] - pairs[0][1]).total_seconds()
        column = self.header_of.get("real", "")
        if real_span <= 0 or game_span <= 0:
            self.notice(
                0, "real times do not move forward with the game times: no clock ratio", column
            )
            return
        ratio = round(game_span / real_span, 2)
        self.clock_ratio = ratio
        scn = self.ctx.scenario
        if scn is not None and abs(scn.clock_ratio - ratio) > 0.005:
            self.notice(
                0,
                f"the real times give a clock ratio of {ratio:g} (the scenario has "
                f"{scn.clock_ratio:g}); not changed",
                column,
            )
        elif scn is None:
            self.notice(
                0,
                f"{_hm(timedelta(seconds=game_span))} of game time in "
                f"{_hm(timedelta(seconds=real_span))} of real time: clock_ratio {ratio:g} "
                "in the stub scenario",
                column,
            )

    def _merge(self, injects: list[Inject]) -> list[Inject]:
        """Injects that differ only in their recipients (one row per player, as T3SF
        writes them) become one inject to all of them. Only rows numbered 1, 2, 3... (or
        not at all) merge: an inject with an id of its own (GEO-001) stays as it is."""
        kept: dict[tuple[Any, ...], int] = {}
        out: list[Inject] = []
        merged: dict[int, list[str]] = {}
        renamed: dict[str, str] = {}
        for inject in injects:
            if inject.id not in self.mergeable:
                out.append(inject)
                continue
            k = _same(inject)
            i = kept.get(k)
            if i is not None and not set(inject.to) & set(out[i].to):
                first = out[i]
                cells = {e.cell for e in first.expects}
                out[i] = attrs.evolve(
                    first,
                    to=first.to + tuple(c for c in inject.to if c not in first.to),
                    expects=first.expects + tuple(e for e in inject.expects if e.cell not in cells),
                )
                merged.setdefault(i, [first.id]).append(inject.id)
                renamed[inject.id] = first.id
                continue
            kept[k] = len(out)
            out.append(inject)
        if not merged:
            return injects
        for i, ids in merged.items():
            inject = out[i]
            origins = [self.origins.pop(x, x) for x in ids]
            numbers = [o.split()[-1] for o in origins]
            word = self.sheet.row_word
            where = f"{word}s {', '.join(numbers)}"
            self.origins[inject.id] = where
            self.notices.append(
                Notice(
                    where,
                    f"the same inject to {len(inject.to)} recipients: merged into "
                    f"{inject.id} (import with 'merge: false' in a mapping file, or "
                    "--no-merge, to keep one inject per row)",
                )
            )
        return [_renamed(inject, renamed) for inject in out]

    def _ids(self, rows: list[_Row]) -> None:
        first_row: dict[str, int] = {}
        for row in rows:
            raw = self._first(row, "id")
            if raw is None:
                continue
            ident = event_id(raw, self.ctx.mapping.id_prefix)
            if re.fullmatch(r"\d{1,6}", one_line(clean(raw))):
                self.mergeable.add(ident)
            if ident in first_row:
                self.problem(
                    row.number,
                    "id",
                    f"event number {clean(raw)!r} is already used on row {first_row[ident]}",
                    "give every event its own number",
                )
            else:
                first_row[ident] = row.number
            row.ident = ident
        prefix = self.ctx.mapping.id_prefix
        counter = 1
        for row in rows:
            if row.ident is None:
                while f"{prefix}{counter:03d}" in first_row or (
                    f"{prefix}{counter:03d}" in self.ctx.taken
                ):
                    counter += 1
                row.ident = f"{prefix}{counter:03d}"
                self.mergeable.add(row.ident)
                first_row[row.ident] = row.number
                counter += 1

    def _inject(
        self,
        row: _Row,
        offset: timedelta | None,
        by_id: dict[str | None, _Row],
        offsets: dict[int, timedelta],
    ) -> Inject | None:
        n = row.number
        notes: list[str] = []
        title = one_line(self._text(row, "title"))
        body = self._text(row, "body")
        if _block_end(row, "body"):
            body += "\n"  # a text block keeps its last line break (as YAML's "|" writes it)
        if not title:
            if not body:
                self.problem(
                    n,
                    "title" if "title" in self.header_of else "body",
                    "no event synopsis and no inject text",
                    "every inject needs a title",
                )
                return None
            title = shorten(body)
        if body == title:
            body = ""
        to: list[str] = []
        for value in row.values.get("to", []):
            for name in split_names(clean(value), self.ctx.mapping.separators):
                ident = self.cells.resolve(name)
                if ident is None:
                    known = ", ".join(self.cells.known())
                    self.problem(
                        n,
                        "to",
                        f"{name!r} is not a cell of the scenario",
                        f"cells: {known}; or map the name in a mapping file (cells:)",
                    )
                elif ident not in to:
                    to.append(ident)
        if not to and "to" not in row.values:
            self.problem(n, "to", "no recipient", "name the cell or cells that receive this inject")
        channel = self._channel(row, notes)
        objectives = self._objectives(row, notes)
        expects = self._expects(row, to, notes)
        trigger, time = self._trigger(row, offset, by_id, offsets)
        contingency = self._contingency(row)
        branches = self._branches(row, by_id)
        public = self._yes(row, "public")
        time_refused = any(
            p.row == n and p.column == self.header_of.get("time") for p in self.problems
        )
        timeless = time is None and trigger is None and row.spec is None
        if timeless and not contingency and not time_refused:
            contingency = True
            self.notice(n, "no time: imported as a contingency inject (released by hand)")
        module = self._module(row, time, notes)
        for label, value in row.extras:
            notes.append(f"{label}: {value}")
        own_notes = self._text(row, "notes")
        if own_notes and not notes and _block_end(row, "notes"):
            own_notes += "\n"
        questions = tuple(
            q for q in (one_line(x) for x in self._text(row, "questions").split("\n")) if q
        )
        poll = [o for o in re.split(r"[|;\n]", self._text(row, "poll")) if o.strip()]
        if poll:
            self.polls += 1
            questions += ("Poll: " + " | ".join(one_line(o) for o in poll),)
        return Inject(
            id=row.ident or "",
            title=title,
            to=tuple(to),
            time=time,
            trigger=trigger,
            from_=one_line(self._text(row, "from")),
            channel=channel,
            module=module,
            body=body,
            expects=tuple(expects),
            objectives=tuple(objectives),
            notes="\n".join([own_notes, *notes] if own_notes else notes),
            questions=questions,
            branches=branches,
            contingency=contingency,
            public=public,
            grading=one_line(self._text(row, "grading")).upper(),
            clock=one_line(self._text(row, "zone")),
        )

    def _channel(self, row: _Row, notes: list[str]) -> Channel:
        text = one_line(self._text(row, "channel"))
        if not text:
            return Channel.MESSAGE
        found = self.ctx.mapping.channel(text) or channel_of(text)
        if found is None:
            self.notice(
                row.number,
                f"{text!r} is not a channel: used 'message' (the method is kept in the notes)",
                self.header_of["channel"],
            )
            notes.append(f"Method: {text}")
            return Channel.MESSAGE
        return found

    def _objectives(self, row: _Row, notes: list[str]) -> list[str]:
        out: list[str] = []
        for value in row.values.get("objectives", []):
            for part in split_objectives(clean(value)):
                ident = self.objectives.resolve(part)
                if ident is None:
                    self.notice(
                        row.number,
                        f"{part!r} matches no objective of the scenario; kept in the notes",
                        self.header_of["objectives"],
                    )
                    notes.append(f"Objective: {part}")
                elif ident not in out:
                    out.append(ident)
        return out

    def _expects(self, row: _Row, to: list[str], notes: list[str]) -> list[ExpectedAction]:
        text = self._text(row, "expects")
        kind_text = one_line(self._text(row, "kind"))
        if not text and not kind_text:
            return []
        within = self.ctx.mapping.within
        raw_within = self._first(row, "within")
        if raw_within is not None:
            try:
                within = read_within(raw_within)
            except TimeFormatError as exc:
                self.problem(row.number, "within", str(exc), "write e.g. 01:00, 90m or 2h")
        lines = text.split("\n")
        if lines and _EXPECT_LINE.match(lines[0]) and not kind_text:
            return self._expect_lines(row, lines, to)
        if kind_text:
            kind = self.kinds.resolve(kind_text)
            if kind is None:
                self.problem(
                    row.number,
                    "kind",
                    f"{kind_text!r} is not a move kind of the scenario",
                    "move kinds: " + ", ".join(self.kinds.known()),
                )
                return []
        else:
            kind = self.kinds.guess(text)
            if kind is None:
                self.notice(
                    row.number,
                    "no move kind of the scenario matches the expected action; kept in the notes",
                    self.header_of["expects"],
                )
                notes.append(f"Expected player action: {one_line(text)}")
                return []
        return [ExpectedAction(cell=c, action=kind, within=within, description=text) for c in to]

    def _expect_lines(self, row: _Row, lines: list[str], to: list[str]) -> list[ExpectedAction]:
        """Expected actions one a line: ``[cell] action within HH:MM to a, b: text``
        (a line not starting with ``[`` continues the text of the line above)."""
        out: list[ExpectedAction] = []
        entries: list[tuple[re.Match[str], list[str]]] = []
        for line in lines:
            m = _EXPECT_LINE.match(line)
            if m:
                entries.append((m, [m.group("desc") or ""]))
            else:
                entries[-1][1].append(line)
        for m, desc in entries:
            cell = self.cells.resolve(m.group("cell"))
            action = self.kinds.resolve(m.group("action"))
            addressees = [self.cells.resolve(n) for n in split_names(m.group("to") or "", ",")]
            shown = one_line(f"[{m.group('cell')}] {m.group('action')}")
            if cell is None or None in addressees:
                self.problem(
                    row.number,
                    "expects",
                    f"{shown!r}: names a cell the scenario does not have",
                    "cells: " + ", ".join(self.cells.known()),
                )
                continue
            if action is None:
                self.problem(
                    row.number,
                    "expects",
                    f"{shown!r}: {m.group('action')!r} is not a move kind of the scenario",
                    "move kinds: " + ", ".join(self.kinds.known()),
                )
                continue
            try:
                within = read_within(m.group("within"))
            except TimeFormatError as exc:
                self.problem(row.number, "expects", f"{shown!r}: {exc}")
                continue
            out.append(
                ExpectedAction(
                    cell=cell,
                    action=action,
                    within=within,
                    to=tuple(a for a in addressees if a is not None),
                    description="\n".join(desc).strip("\n"),
                )
            )
        return out

    def _trigger(
        self,
        row: _Row,
        offset: timedelta | None,
        by_id: dict[str | None, _Row],
        offsets: dict[int, timedelta],
    ) -> tuple[Trigger | None, timedelta | None]:
        raw = self._first(row, "after")
        if raw is None:
            return None, offset
        m = _TRIGGER.match(one_line(clean(raw)))
        if m and (m.group(1) or m.group(3) or m.group(4) or m.group(5)):
            return self._trigger_text(row, m, by_id)
        target = event_id(raw, self.ctx.mapping.id_prefix)
        parent = by_id.get(target)
        if parent is None:
            self.problem(
                row.number,
                "after",
                f"no event numbered {clean(raw)!r}",
                "name an event number of this sheet",
            )
            return None, offset
        if parent is row:
            self.problem(row.number, "after", "an event cannot follow itself")
            return None, offset
        delay = timedelta(0)
        if offset is not None:
            parent_at = offsets.get(parent.number)
            if parent_at is not None and offset >= parent_at:
                delay = offset - parent_at
            else:
                self.notice(
                    row.number,
                    "its time is not after the event it follows; released right after it",
                    self.header_of.get("time", ""),
                )
        return Trigger(after=target, delay=delay), None

    def _trigger_text(
        self, row: _Row, m: re.Match[str], by_id: dict[str | None, _Row]
    ) -> tuple[Trigger | None, timedelta | None]:
        """A trigger written out in full: ``met INJ-001 by kgz-mod +00:10``."""
        kind = (m.group(1) or "after").lower()
        target = m.group(2)
        outcome = tuple(o.lower() for o in m.group(3).split(",")) if m.group(3) else ()
        delay = timedelta(0)
        if m.group(5):
            h, mm = m.group(5).split(":")
            delay = timedelta(hours=int(h), minutes=int(mm))
        cell = None
        if m.group(4):
            cell = self.cells.resolve(m.group(4))
            if cell is None:
                self.problem(
                    row.number,
                    "after",
                    f"{m.group(4)!r} is not a cell of the scenario",
                    "cells: " + ", ".join(self.cells.known()),
                )
                return None, None
        if outcome and kind != "adjudicated":
            self.problem(
                row.number,
                "after",
                f"outcomes ({m.group(3)}) belong to an 'adjudicated' trigger",
                "write e.g. 'adjudicated strike rejected by uzb-mod +00:20'",
            )
            return None, None
        if kind in ("move", "adjudicated"):
            found = self.kinds.resolve(target)
            if found is None:
                self.problem(
                    row.number,
                    "after",
                    f"{target!r} is not a move kind of the scenario",
                    "move kinds: " + ", ".join(self.kinds.known()),
                )
                return None, None
            if kind == "adjudicated":
                trig = Trigger(adjudicated=found, cell=cell, outcome=outcome, delay=delay)
                return trig, None
            return Trigger(move=found, cell=cell, delay=delay), None
        ident = event_id(target, self.ctx.mapping.id_prefix)
        parent = by_id.get(ident)
        if parent is None:
            self.problem(
                row.number,
                "after",
                f"no event numbered {target!r}",
                "name an event number of this sheet",
            )
            return None, None
        if parent is row:
            self.problem(row.number, "after", "an event cannot follow itself")
            return None, None
        changes: dict[str, Any] = {kind: ident}
        return Trigger(cell=cell, delay=delay, **changes), None

    def _branches(self, row: _Row, by_id: dict[str | None, _Row]) -> tuple[Branch, ...]:
        """``INJ-007: when the players ...``, one a line."""
        out = []
        for line in self._text(row, "branches").split("\n"):
            if not line.strip():
                continue
            target, sep, when = line.partition(":")
            ident = event_id(target, self.ctx.mapping.id_prefix)
            if not sep or not when.strip() or ident not in by_id:
                self.problem(
                    row.number,
                    "branches",
                    f"{one_line(line)!r} is not a branch",
                    "write one branch a line: an event number of this sheet, a colon and "
                    "when to release it (INJ-007: if the players ask for help)",
                )
                continue
            out.append(Branch(inject=ident, when=one_line(when)))
        return tuple(out)

    def _yes(self, row: _Row, field: str) -> bool:
        raw = self._first(row, field)
        if raw is None:
            return False
        if isinstance(raw, bool):
            return raw
        text = key(clean(raw))
        if text in {key(t) for t in _TRUE}:
            return True
        if text in {key(t) for t in _FALSE}:
            return False
        self.problem(row.number, field, f"{clean(raw)!r} is not yes or no")
        return False

    def _contingency(self, row: _Row) -> bool:
        raw = self._first(row, "contingency")
        if raw is None:
            return False
        if isinstance(raw, bool):
            return raw
        text = key(clean(raw)) or clean(raw)
        if text in {key(t) or t for t in _TRUE}:
            return True
        if text in {key(t) for t in _FALSE}:
            return False
        self.problem(row.number, "contingency", f"{clean(raw)!r} is not yes or no")
        return False

    def _module(self, row: _Row, time: timedelta | None, notes: list[str]) -> str | None:
        text = one_line(self._text(row, "module"))
        if not text:
            return None
        scn = self.ctx.scenario
        if scn is not None:
            for m in scn.modules:
                if text == m.id or key(text) in (key(m.id), key(m.title)):
                    return m.id
            self.notice(
                row.number,
                f"{text!r} is not a module of the scenario; kept in the notes",
                self.header_of["module"],
            )
            notes.append(f"Module: {text}")
            return None
        times = self.modules.setdefault(text, [])
        if time is not None:
            times.append(time)
        return slug(text) or text


_TRIGGER = re.compile(
    r"^(?:(after|met|missed|move|adjudicated)\s+)?(\S+)"
    r"(?:\s+((?:accepted|rejected|modified)(?:,(?:accepted|rejected|modified))*))?"
    r"(?:\s+by\s+(\S+))?(?:\s+\+\s*(\d{1,4}:[0-5]\d))?$",
    re.I,
)
_EXPECT_LINE = re.compile(
    r"^\[(?P<cell>[^\]]+)\]\s+(?P<action>[^\s:]+)\s+within\s+(?P<within>\d{1,4}:[0-5]\d)"
    r"(?:\s+to\s+(?P<to>[^:]+?))?(?::\s?(?P<desc>.*))?$"
)


def _block_end(row: _Row, field: str) -> bool:
    """Whether the field's one cell ended with a line break (kept by ``_read_row``)."""
    values = row.values.get(field, [])
    return len(values) == 1 and isinstance(values[0], str) and values[0].endswith("\n")


def _same(inject: Inject) -> tuple[Any, ...]:
    """What two injects must share to be merged: all but the id and the recipients."""
    expects = tuple(sorted({(e.action, e.within, e.to, e.description) for e in inject.expects}))
    return (
        inject.title,
        inject.body,
        inject.time,
        inject.trigger,
        inject.from_,
        inject.channel,
        inject.module,
        inject.objectives,
        inject.notes,
        inject.questions,
        inject.branches,
        inject.contingency,
        inject.public,
        expects,
    )


def _renamed(inject: Inject, renamed: dict[str, str]) -> Inject:
    """``inject`` with its trigger and branches pointing at the merged injects' ids."""
    trigger = inject.trigger
    if trigger is not None:
        name, value = trigger.condition
        if value in renamed:
            changes: dict[str, Any] = {name: renamed[value]}
            trigger = attrs.evolve(trigger, **changes)
    branches = tuple(Branch(renamed.get(b.inject, b.inject), b.when) for b in inject.branches)
    if trigger is inject.trigger and branches == inject.branches:
        return inject
    return attrs.evolve(inject, trigger=trigger, branches=branches)


def _rows_text(numbers: list[int]) -> str:
    if len(numbers) == 1:
        return f"row {numbers[0]}"
    shown = ", ".join(str(n) for n in numbers[:12])
    return f"rows {shown}" + (" ..." if len(numbers) > 12 else "")


def column_index(letters: str) -> int:
    """``A`` -> 0, ``Z`` -> 25, ``AA`` -> 26."""
    n = 0
    for c in letters.strip().upper():
        n = n * 26 + ord(c) - 64
    return n - 1


def _hm(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def event_id(raw: Any, prefix: str = "INJ-") -> str:
    """An inject id from an event number: ``7`` -> ``INJ-007``, ``1.2`` -> ``INJ-1.2``,
    other text as written (spaces become hyphens)."""
    t = one_line(clean(raw))
    if re.fullmatch(r"\d{1,6}", t):
        return f"{prefix}{int(t):03d}"
    if re.fullmatch(r"\d{1,6}(\.\d{1,6})+", t):
        return f"{prefix}{t}"
    return re.sub(r"\s+", "-", t)


def split_names(text: str, separators: str) -> list[str]:
    """Several names in one cell, one a line or between ``separators``."""
    parts = [text]
    for sep in "\n" + separators:
        parts = [p for chunk in parts for p in chunk.split(sep)]
    return [one_line(p) for p in parts if one_line(p)]


def split_objectives(text: str) -> list[str]:
    """Objectives in one cell: one a line or between semicolons; commas only between
    short references ("1, 3", "OBJ-1, OBJ-2")."""
    out = []
    for part in re.split(r"[\n;]", text):
        pieces = [p.strip() for p in part.split(",")]
        if len(pieces) > 1 and all(p and len(p) <= 12 and " " not in p.strip() for p in pieces):
            out.extend(pieces)
        elif part.strip():
            out.append(part.strip())
    return out


def channel_of(text: str) -> Channel | None:
    """The channel a method-of-delivery text means: the whole text, else one of its words."""
    k = key(text)
    if k in CHANNEL_WORDS:
        return CHANNEL_WORDS[k]
    words = re.findall(r"[^\W_]+", text.casefold())
    pairs = [" ".join(words[i : i + 2]) for i in range(len(words) - 1)]
    for w in pairs + words:
        if key(w) in CHANNEL_WORDS:
            return CHANNEL_WORDS[key(w)]
    return None


def read_within(raw: Any) -> timedelta:
    """A response window: 01:00, 90m, 2h, "30 min", "1 hour", or an XLSX time."""
    if isinstance(raw, timedelta):
        if raw <= timedelta(0):
            raise TimeFormatError("the window must be longer than zero")
        return raw
    if hasattr(raw, "hour") and hasattr(raw, "minute"):
        delta = timedelta(hours=raw.hour, minutes=raw.minute)
        if delta <= timedelta(0):
            raise TimeFormatError("the window must be longer than zero")
        return delta
    text = clean(raw).lower()
    m = re.fullmatch(r"(\d{1,6})\s*(?:minutes?|mins?)", text)
    if m:
        text = f"{m.group(1)}m"
    m = re.fullmatch(r"(\d{1,6})\s*(?:hours?|hrs?)", text)
    if m:
        text = f"{m.group(1)}h"
    delta = parse_duration(text)
    if delta <= timedelta(0):
        raise TimeFormatError("the window must be longer than zero")
    return delta
