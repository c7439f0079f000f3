"""Modal dialogs of the facilitator console. Every form checks its fields before it
submits and shows the reason inline; the engine's refusal is shown the same way."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Sequence
from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, Select, Static, TextArea

from exercise.engine import CONTROL
from exercise.engine import commands as c
from exercise.engine.describe import grading_words, inject_clock, line
from exercise.engine.state import Move, PlanItem, State
from exercise.model import Channel, Module, Scenario
from exercise.model.event import Event
from exercise.model.timefmt import TimeFormatError, parse_offset
from exercise.scoring import Award
from exercise.tui.text import content

#: Runs a command; returns the engine's refusal (or None when it was recorded).
Runner = Callable[[c.Command], "str | None"]


def focus_first_field(screen: ModalScreen[Any]) -> None:
    """Put the cursor in the first field (not on the scrolling body that holds it)."""
    for widget in screen.query("Input, TextArea, Select, Button"):
        if widget.focusable:
            widget.focus()
            return


def ids(text: str) -> tuple[str, ...]:
    return tuple(x for x in (part.strip() for part in text.replace(";", ",").split(",")) if x)


class FormDialog(ModalScreen[bool]):
    """A dialog with fields, an inline error line and Submit/Cancel buttons."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel"),
        Binding("ctrl+s", "submit", "Submit"),
    ]
    HEADING = ""

    def __init__(self, run: Runner) -> None:
        super().__init__()
        self.run = run
        self.heading = self.HEADING

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(content(self.heading), classes="dialog-title")
            with VerticalScroll(classes="dialog-body", can_focus=False):
                yield from self.fields()
            yield Label("", id="error", classes="form-error", markup=False)
            with Horizontal(classes="buttons"):
                yield Button("Submit (ctrl+s)", variant="primary", id="submit")
                yield Button("Cancel", id="cancel")

    def fields(self) -> ComposeResult:  # pragma: no cover - every dialog overrides
        yield from ()

    def on_mount(self) -> None:
        focus_first_field(self)

    def command(self) -> c.Command:
        """Build the command from the fields; raise ValueError with a reason to show."""
        raise NotImplementedError

    def fail(self, reason: str) -> None:
        self.query_one("#error", Label).update(content(reason))

    @on(Button.Pressed, "#submit")
    @on(Input.Submitted)
    def action_submit(self) -> None:
        try:
            cmd = self.command()
        except ValueError as exc:
            self.fail(str(exc))
            return
        refusal = self.run(cmd)
        if refusal:
            self.fail(refusal)
        else:
            self.dismiss(True)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(False)


def _field(label: str, widget: Input | Select[str] | TextArea | Checkbox) -> ComposeResult:
    yield Label(label, classes="field-label")
    yield widget


class ObservationDialog(FormDialog):
    HEADING = "Observation"

    def __init__(
        self,
        run: Runner,
        scenario: Scenario,
        inject: str = "",
        cell: str = "",
        *,
        kind: str = "note",
        objective: str = "",
    ) -> None:
        super().__init__(run)
        self.scenario = scenario
        self.inject, self.cell = inject, cell
        self.kind, self.objective = kind, objective
        if kind != "note":
            self.heading = "Strength" if kind == "strength" else "Area for improvement"

    def fields(self) -> ComposeResult:
        yield from _field("What did you observe?", TextArea(id="text"))
        kinds = [
            ("note", "note"),
            ("strength", "strength"),
            ("area for improvement", "improvement"),
        ]
        yield from _field("Kind", Select(kinds, value=self.kind, allow_blank=False, id="kind"))
        yield from _field("Injects (comma-separated ids)", Input(self.inject, id="injects"))
        yield from _field("Cells", Input(self.cell, id="cells"))
        objectives = ", ".join(o.id for o in self.scenario.objectives)
        yield from _field(f"Objectives ({objectives})", Input(self.objective, id="objectives"))

    def command(self) -> c.Command:
        text = self.query_one("#text", TextArea).text.strip()
        if not text:
            raise ValueError("write the observation first")
        kind = self.query_one("#kind", Select).value
        return c.Observe(
            CONTROL,
            text,
            str(kind),
            ids(self.query_one("#injects", Input).value),
            ids(self.query_one("#cells", Input).value),
            ids(self.query_one("#objectives", Input).value),
        )


class MoveDialog(FormDialog):
    """Hot seat: control enters a move for a cell (recorded as entered by control)."""

    HEADING = "Move on behalf of a cell (hot seat)"

    def __init__(
        self, run: Runner, scenario: Scenario, cell: str | None = None, answers: str = ""
    ) -> None:
        super().__init__(run)
        self.scenario = scenario
        self.cell = cell
        self.answers = answers

    def fields(self) -> ComposeResult:
        cells = [(f"{x.id} — {x.name}", x.id) for x in self.scenario.player_cells]
        yield from _field("Cell", Select(cells, value=self.cell or Select.NULL, id="cell"))
        kinds = [(f"{k.id} — {k.title}", k.id) for k in self.scenario.move_kinds]
        yield from _field("Action", Select(kinds, id="kind"))
        yield from _field("Addressed to (cell ids, comma-separated)", Input(id="to"))
        yield from _field("Answers inject (optional)", Input(self.answers, id="answers"))
        yield from _field("Text", TextArea(id="text"))

    def command(self) -> c.Command:
        cell = self.query_one("#cell", Select).value
        kind = self.query_one("#kind", Select).value
        if cell is Select.NULL or kind is Select.NULL:
            raise ValueError("choose the cell and the action")
        text = self.query_one("#text", TextArea).text.strip()
        if not text:
            raise ValueError("describe the move")
        answers = self.query_one("#answers", Input).value.strip() or None
        return c.SubmitMove(
            CONTROL, str(cell), str(kind), text, ids(self.query_one("#to", Input).value), answers
        )


class AddInjectDialog(FormDialog):
    HEADING = "Add an ad-hoc inject"

    def __init__(self, run: Runner, scenario: Scenario, taken: Sequence[str]) -> None:
        super().__init__(run)
        self.scenario = scenario
        n = 1
        while f"ADHOC-{n:02d}" in taken:
            n += 1
        self.suggested = f"ADHOC-{n:02d}"

    def fields(self) -> ComposeResult:
        yield from _field("Id", Input(self.suggested, id="id"))
        yield from _field("Title", Input(id="title"))
        cells = ", ".join(x.id for x in self.scenario.cells)
        yield from _field(f"To ({cells})", Input(id="to"))
        yield from _field("From (simulated originator)", Input(id="from"))
        channels = [(ch.value, ch.value) for ch in Channel]
        yield from _field(
            "Channel", Select(channels, value="message", allow_blank=False, id="channel")
        )
        yield from _field("Body", TextArea(id="body"))
        yield Checkbox("Release now", True, id="release")

    def command(self) -> c.Command:
        title = self.query_one("#title", Input).value.strip()
        to = ids(self.query_one("#to", Input).value)
        if not title:
            raise ValueError("give the inject a title")
        if not to:
            raise ValueError("name at least one recipient cell")
        return c.AddInject(
            CONTROL,
            id=self.query_one("#id", Input).value.strip(),
            title=title,
            to=to,
            body=self.query_one("#body", TextArea).text,
            from_=self.query_one("#from", Input).value.strip(),
            channel=str(self.query_one("#channel", Select).value),
            release=self.query_one("#release", Checkbox).value,
        )


def _game_time(text: str, scenario: Scenario) -> int:
    try:
        return int(parse_offset(text, scenario.start).total_seconds() * 1000)
    except TimeFormatError as exc:
        raise ValueError(str(exc)) from None


class JumpDialog(FormDialog):
    HEADING = "Jump game time"

    def __init__(self, run: Runner, scenario: Scenario) -> None:
        super().__init__(run)
        self.scenario = scenario

    def fields(self) -> ComposeResult:
        yield from _field("Go to (+HH:MM from the start, or D+N HH:MM)", Input(id="time"))

    def command(self) -> c.Command:
        return c.Jump(CONTROL, _game_time(self.query_one("#time", Input).value, self.scenario))


class RetimeDialog(FormDialog):
    def __init__(self, run: Runner, scenario: Scenario, inject: str) -> None:
        super().__init__(run)
        self.scenario = scenario
        self.inject = inject
        self.heading = f"Retime {inject}"

    def fields(self) -> ComposeResult:
        yield from _field("New time (+HH:MM or D+N HH:MM)", Input(id="time"))

    def command(self) -> c.Command:
        return c.Retime(
            CONTROL, self.inject, _game_time(self.query_one("#time", Input).value, self.scenario)
        )


class RatioDialog(FormDialog):
    HEADING = "Clock ratio (game seconds per wall second)"

    def __init__(self, run: Runner, current: float) -> None:
        super().__init__(run)
        self.current = current

    def fields(self) -> ComposeResult:
        yield from _field("Ratio", Input(f"{self.current:g}", id="ratio", type="number"))

    def command(self) -> c.Command:
        try:
            ratio = float(self.query_one("#ratio", Input).value)
        except ValueError:
            raise ValueError("the ratio is a number, e.g. 4") from None
        return c.SetRatio(CONTROL, ratio)


class ReasonDialog(FormDialog):
    """Hold or skip an inject, with an optional reason."""

    def __init__(self, run: Runner, title: str, make: Callable[[str], c.Command]) -> None:
        super().__init__(run)
        self.heading = title
        self.make = make

    def fields(self) -> ComposeResult:
        yield from _field("Reason (optional)", Input(id="reason"))

    def command(self) -> c.Command:
        return self.make(self.query_one("#reason", Input).value.strip())


class ConfirmDialog(ModalScreen[bool]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "no", "No"),
        Binding("y", "yes", "Yes"),
    ]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog small"):
            yield Label(content(self.question), classes="dialog-title")
            with Horizontal(classes="buttons"):
                yield Button("Yes", variant="error", id="yes")
                yield Button("No", id="no")

    @on(Button.Pressed, "#yes")
    def action_yes(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#no")
    def action_no(self) -> None:
        self.dismiss(False)


class AdjudicationDialog(ModalScreen[bool]):
    """Decide a move: accept, reject or modify with outcome text, or resolve it as a
    matrix game with a recorded 2d6 roll."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "close", "Close")]

    def __init__(self, run: Runner, move: Move, seed: Callable[[], int] | None = None) -> None:
        super().__init__()
        self.run = run
        self.move = move
        self.seed = seed or (lambda: secrets.randbits(31))
        self.rolled: str | None = None

    def compose(self) -> ComposeResult:
        m = self.move
        with Vertical(classes="dialog"):
            yield Label(
                content(f"Adjudicate move {m.seq}: {m.cell} — {m.kind}"), classes="dialog-title"
            )
            with VerticalScroll(classes="dialog-body", can_focus=False):
                yield Static(content(m.text), classes="move-text")
                if m.to:
                    yield Label(content("Addressed to: " + ", ".join(m.to)), markup=False)
                if m.arguments:
                    yield Label("Arguments", classes="field-label")
                    for a in m.arguments:
                        strong = " (strong)" if a.strong else ""
                        yield Static(content(f"{a.stance}{strong} — {a.cell}: {a.text}"))
                yield Label("Outcome text", classes="field-label")
                yield Input(id="outcome", placeholder="what happens in the game")
                with Horizontal(classes="buttons"):
                    yield Button("Accept", variant="success", id="accepted")
                    yield Button("Reject", variant="error", id="rejected")
                    yield Button("Modify", variant="warning", id="modified")
                yield Label(
                    "Matrix resolution: 2d6 + modifiers, 7 or more succeeds", classes="field-label"
                )
                with Horizontal(classes="matrix"):
                    yield Input("0", id="modifier", type="integer", placeholder="modifier")
                    yield Select(
                        [
                            ("no override", "none"),
                            ("accept", "accepted"),
                            ("reject", "rejected"),
                            ("modify", "modified"),
                        ],
                        value="none",
                        allow_blank=False,
                        id="override",
                    )
                    yield Button("Roll 2d6", variant="primary", id="roll")
                yield Static("", id="roll-result")
            yield Label("", id="error", classes="form-error", markup=False)
            with Horizontal(classes="buttons"):
                yield Button("Close", id="close")

    def on_mount(self) -> None:
        self.query_one("#outcome", Input).focus()

    def fail(self, reason: str) -> None:
        self.query_one("#error", Label).update(content(reason))

    @on(Button.Pressed, "#accepted, #rejected, #modified")
    def decide(self, event: Button.Pressed) -> None:
        outcome = event.button.id or ""
        text = self.query_one("#outcome", Input).value.strip()
        if outcome == "modified" and not text:
            self.fail("describe the modified outcome first")
            return
        refusal = self.run(c.Adjudicate(CONTROL, self.move.seq, outcome, text))
        if refusal:
            self.fail(refusal)
        else:
            self.dismiss(True)

    @on(Button.Pressed, "#roll")
    def roll(self) -> None:
        if self.rolled is not None:
            self.fail("already resolved")
            return
        try:
            modifier = int(self.query_one("#modifier", Input).value or "0")
        except ValueError:
            self.fail("the modifier is a whole number between -6 and 6")
            return
        override = self.query_one("#override", Select).value
        seed = self.seed()
        text = self.query_one("#outcome", Input).value.strip()
        refusal = self.run(
            c.ResolveMatrix(
                CONTROL,
                self.move.seq,
                seed,
                modifier,
                None if override == "none" else str(override),
                text,
            )
        )
        if refusal:
            self.fail(refusal)
            return
        from exercise.engine import roll_2d6

        d1, d2 = roll_2d6(seed)
        args = sum(1 if a.stance == "for" else -1 for a in self.move.arguments if a.strong)
        total = d1 + d2 + args + modifier
        verdict = "succeeds" if total >= 7 else "fails"
        if override != "none":
            verdict += f"; umpire override: {override}"
        self.rolled = (
            f"2d6 = {d1} + {d2}, arguments {args:+d}, modifier {modifier:+d}: "
            f"total {total}, {verdict} (seed {seed})"
        )
        self.query_one("#roll-result", Static).update(content(self.rolled))
        self.query_one("#error", Label).update("")

    @on(Button.Pressed, "#close")
    def action_close(self) -> None:
        self.dismiss(self.rolled is not None)


class AwardDialog(ModalScreen[None]):
    """Drill-down: an award's explanation and the journal events behind it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close"),
        Binding("enter", "close", "Close", show=False),
    ]

    def __init__(self, award: Award, state: State, events: Sequence[Event]) -> None:
        super().__init__()
        self.award = award
        self.state = state
        self.scenario = state.scenario
        self.events = events

    def compose(self) -> ComposeResult:
        a = self.award
        with Vertical(classes="dialog wide"):
            yield Label(
                content(f"{a.rule} ({a.kind}) — objective {a.objective} — {a.status}"),
                classes="dialog-title",
            )
            with VerticalScroll(classes="dialog-body", can_focus=False):
                yield Static(content(a.explanation), classes="explanation")
                yield Label(
                    content(
                        f"Points: {a.points:g} of {a.max_points:g}; "
                        f"cells: {', '.join(a.cells) or '-'}"
                    )
                )
                yield Label("Events behind it", classes="field-label")
                for e in self.events:
                    yield Static(content(line(self.state, e)), classes="event-line")
            with Horizontal(classes="buttons"):
                yield Button("Close", id="close")

    @on(Button.Pressed, "#close")
    def action_close(self) -> None:
        self.dismiss(None)


class InjectDialog(ModalScreen[None]):
    """An inject as control sees it: body, expected actions, notes, questions."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "close", "Close")]

    def __init__(self, scenario: Scenario, inject_id: str, inject: object, status: str) -> None:
        super().__init__()
        self.scenario = scenario
        self.inject_id = inject_id
        self.inject = inject
        self.status = status

    def compose(self) -> ComposeResult:
        from exercise.model import Inject
        from exercise.model.timefmt import format_duration

        i = self.inject
        assert isinstance(i, Inject)
        with Vertical(classes="dialog wide"):
            yield Label(content(f"{i.id} — {i.title} ({self.status})"), classes="dialog-title")
            with VerticalScroll(classes="dialog-body", can_focus=False):
                yield Label(content(self.scenario.marking), classes="marking")
                yield Label(
                    content(f"From {i.from_ or '-'} by {i.channel.value} to {', '.join(i.to)}")
                )
                if i.grading:
                    yield Label(content(f"Grading: {i.grading} ({grading_words(i.grading)})"))
                yield Label(content(inject_clock(self.scenario, i, 0)))
                yield Static(content(i.body or "(no body)"), classes="move-text")
                for x in i.expects:
                    to = f" to {', '.join(x.to)}" if x.to else ""
                    yield Label(
                        content(
                            f"Expected: {x.cell} {x.action}{to} within {format_duration(x.within)}"
                        )
                    )
                if i.notes:
                    yield Label("Facilitator notes", classes="field-label")
                    yield Static(content(i.notes))
                for q in i.questions:
                    yield Label(content(f"? {q}"))
                for b in i.branches:
                    yield Label(content(f"Branch → {b.inject}: {b.when}"))
            with Horizontal(classes="buttons"):
                yield Button("Close", id="close")

    @on(Button.Pressed, "#close")
    def action_close(self) -> None:
        self.dismiss(None)


class ImprovementDialog(FormDialog):
    """An improvement plan item (HSEEP IP): issue, corrective action, capability element,
    responsible cell, dates."""

    HEADING = "Improvement plan item"

    def __init__(
        self,
        run: Runner,
        scenario: Scenario,
        objective: str = "",
        item: PlanItem | None = None,
    ) -> None:
        super().__init__(run)
        self.scenario = scenario
        self.item = item or PlanItem(seq=0, item="", objective=objective)
        self.item_id = item.item if item else None
        if item:
            self.heading = f"Improvement plan item {item.item}"

    def fields(self) -> ComposeResult:
        i = self.item
        yield from _field("Issue (area for improvement)", Input(i.issue, id="issue"))
        yield from _field("Corrective action", Input(i.corrective_action, id="action"))
        yield from _field(
            "Capability element (planning, organisation, equipment, training, exercise)",
            Input(i.capability, id="capability"),
        )
        cells = ", ".join(x.id for x in self.scenario.cells)
        yield from _field(f"Responsible cell ({cells})", Input(i.cell, id="cell"))
        yield from _field("Start date", Input(i.start, id="start"))
        yield from _field("Completion date", Input(i.end, id="end"))
        yield from _field("Objective", Input(i.objective, id="objective"))

    def command(self) -> c.Command:
        keys = ("issue", "action", "capability", "cell", "start", "end", "objective")
        value = {k: self.query_one(f"#{k}", Input).value.strip() for k in keys}
        if not value["issue"]:
            raise ValueError("state the issue")
        return c.PlanImprovement(
            CONTROL, value["issue"], value["action"], value["capability"], value["cell"],
            value["start"], value["end"], value["objective"], self.item_id,
        )  # fmt: skip


class OverrideDialog(FormDialog):
    """Control's rating of an objective over the computed one, with the reason."""

    def __init__(self, run: Runner, objective: str, computed: str | None) -> None:
        super().__init__(run)
        self.objective = objective
        self.heading = f"Rate {objective} (computed: {computed or 'not rated'})"

    def fields(self) -> ComposeResult:
        ratings = [
            ("P — performed without challenges", "P"),
            ("S — performed with some challenges", "S"),
            ("M — performed with major challenges", "M"),
            ("U — unable to be performed", "U"),
            ("withdraw my override", "none"),
        ]
        yield from _field("Rating", Select(ratings, id="rating"))
        yield from _field("Reason", Input(id="reason"))

    def command(self) -> c.Command:
        rating = self.query_one("#rating", Select).value
        if rating is Select.NULL:
            raise ValueError("choose a rating")
        reason = self.query_one("#reason", Input).value.strip()
        if rating != "none" and not reason:
            raise ValueError("give the reason for overriding the computed rating")
        return c.OverrideRating(
            CONTROL, self.objective, None if rating == "none" else str(rating), reason
        )


class ModuleNoteDialog(FormDialog):
    """The facilitator's note on a module's discussion."""

    def __init__(self, run: Runner, module: str, title: str) -> None:
        super().__init__(run)
        self.module = module
        self.heading = f"Note on {module} — {title}"

    def fields(self) -> ComposeResult:
        yield from _field("What did the discussion bring out?", TextArea(id="text"))

    def command(self) -> c.Command:
        text = self.query_one("#text", TextArea).text.strip()
        if not text:
            raise ValueError("write the note first")
        return c.NoteModule(CONTROL, self.module, text)


class ModuleDialog(ModalScreen[str]):
    """A discussion-based exercise's module as control sees it: the questions, every
    cell's answer, the facilitator's notes; open the next module or add a note.
    Dismissed with ``"next"``, ``"note"`` or ``""``."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close"),
        Binding("n", "next", "Open next module"),
        Binding("o", "note", "Note"),
    ]

    def __init__(self, state: State, module: Module | None, following: Module | None) -> None:
        super().__init__()
        self.state = state
        self.module = module
        self.following = following

    def compose(self) -> ComposeResult:
        m = self.module
        title = f"{m.id} — {m.title}" if m else "No module is open yet"
        with Vertical(classes="dialog wide"):
            yield Label(content(title), classes="dialog-title")
            with VerticalScroll(classes="dialog-body", can_focus=False):
                if m is not None:
                    if m.summary:
                        yield Static(content(m.summary))
                    for n, question in enumerate(m.questions, start=1):
                        yield Label(content(f"{m.id}/{n}  {question}"), classes="field-label")
                        answers = [
                            a
                            for (mod, q, _), a in sorted(self.state.answers.items())
                            if mod == m.id and q == n
                        ]
                        for a in answers:
                            shared = (
                                " (shared)" if f"answer:{a.seq}" in self.state.published else ""
                            )
                            yield Static(content(f"{a.cell}{shared}: {a.text}"))
                        if not answers:
                            yield Static(content("no answers yet"))
                    notes = [x for x in self.state.module_notes if x.module == m.id]
                    if notes:
                        yield Label("Facilitator notes", classes="field-label")
                        for x in notes:
                            yield Static(content(x.text))
            with Horizontal(classes="buttons"):
                if self.following is not None:
                    yield Button(
                        content(f"Open {self.following.id} (n)"), variant="primary", id="next"
                    )
                if m is not None:
                    yield Button("Note (o)", id="note")
                yield Button("Close", id="close")

    @on(Button.Pressed, "#next")
    def action_next(self) -> None:
        if self.following is not None:
            self.dismiss("next")

    @on(Button.Pressed, "#note")
    def action_note(self) -> None:
        if self.module is not None:
            self.dismiss("note")

    @on(Button.Pressed, "#close")
    def action_close(self) -> None:
        self.dismiss("")
