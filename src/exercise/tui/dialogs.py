"""Modal dialogs of the facilitator console. Every form checks its fields before it
submits and shows the reason inline; the engine's refusal is shown the same way."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from typing import Any, ClassVar

from rich.segment import Segment
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import (
    Button,
    Checkbox,
    DataTable,
    Input,
    Label,
    Select,
    SelectionList,
    Static,
    TextArea,
)
from textual.widgets.option_list import OptionDoesNotExist
from textual.widgets.select import NoSelection
from textual.widgets.selection_list import Selection

from exercise.engine import CONTROL
from exercise.engine import commands as c
from exercise.engine import events as ev
from exercise.engine.describe import game_clock, grading_words, inject_clock, line, summary
from exercise.engine.state import Move, PlanItem, Rfi, State
from exercise.i18n import N_, Num, _
from exercise.model import Channel, Module, Scenario
from exercise.model.event import Event
from exercise.model.timefmt import TimeFormatError, format_offset, parse_offset
from exercise.scoring import Award
from exercise.text import for_terminal
from exercise.tui.choice import Choice
from exercise.tui.language import Localised, word
from exercise.tui.text import content, md_escape, one_line

#: Runs a command; returns the engine's refusal (or None when it was recorded).
Runner = Callable[[c.Command], "str | None"]


def focus_first_field(screen: Screen[Any]) -> None:
    """Put the cursor in the first field (not on the scrolling body that holds it)."""
    for widget in screen.query("Input, TextArea, Select, SelectionList, Checkbox, Button"):
        if widget.focusable:
            # a form scrolls the field into view with its label (``reveal_label``)
            widget.focus(scroll_visible=False)
            return


def reveal_label(widget: Widget) -> None:
    """Scroll a field's label into view with the field: focusing a field scrolls only the
    field itself into view, which left the first field's label above the dialog's top."""
    node: Widget = widget
    while isinstance(node.parent, Widget) and not node.parent.has_class("dialog-body"):
        node = node.parent
    body = node.parent
    if not isinstance(body, Widget) or not body.has_class("dialog-body"):
        return
    siblings = list(body.children)
    index = siblings.index(node)
    if index > 0 and siblings[index - 1].has_class("field-label"):
        body.scroll_to_widget(siblings[index - 1], animate=False)
    body.scroll_to_widget(node, animate=False)


class FieldError(ValueError):
    """A field's value is wrong: the form shows ``reason`` and puts the cursor there."""

    def __init__(self, reason: str, field: str) -> None:
        super().__init__(reason)
        self.field = field


#: What a ticked box shows; an unticked one shows a blank. Textual draws an X in both and
#: tells them apart by colour alone, which NO_COLOR and colour-blind eyes lose.
TICKED = "✓"


class TickList(SelectionList[str]):
    """A selection list whose ticked items carry ``✓`` (not only another colour)."""

    def render_line(self, y: int) -> Strip:
        strip = super().render_line(y)
        segments = list(strip)
        if len(segments) < 2 or segments[1].text != Checkbox.BUTTON_INNER:
            return strip
        try:
            selection = self.get_option_at_index(self.scroll_offset.y + y)
        except OptionDoesNotExist:
            return strip
        mark = TICKED if selection.value in self._selected else " "
        segments[1] = Segment(mark, segments[1].style, segments[1].control)
        return Strip(segments, strip.cell_length)


class Tick(Checkbox):
    """A checkbox showing ``✓`` when ticked and a blank when not (not only a colour)."""

    def render(self) -> Content:
        self.BUTTON_INNER = TICKED if self.value else " "
        return super().render()


def recipients(
    scenario: Scenario,
    *,
    exclude: str | None = None,
    selected: Sequence[str] = (),
    players_only: bool = False,
    id: str = "to",
) -> SelectionList[str]:
    """The one recipient picker of every form: the scenario's cells, ticked with space."""
    cells = scenario.player_cells if players_only else scenario.cells
    return TickList(
        *[
            Selection(content(f"{x.id} — {x.name}"), x.id, x.id in selected)
            for x in cells
            if x.id != exclude
        ],
        id=id,
    )


def picked(screen: Screen[Any], id: str = "to") -> tuple[str, ...]:
    """The ids ticked in a picker, in the scenario's order."""
    picker: SelectionList[str] = screen.query_one(f"#{id}", SelectionList)
    chosen = set(picker.selected)
    return tuple(
        str(picker.get_option_at_index(n).value)
        for n in range(picker.option_count)
        if picker.get_option_at_index(n).value in chosen
    )


def ids(text: str) -> tuple[str, ...]:
    return tuple(x for x in (part.strip() for part in text.replace(";", ",").split(",")) if x)


class FormDialog(ModalScreen[bool], Localised):
    """A dialog with fields, an inline error line and Submit/Cancel buttons."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", N_("Cancel")),
        Binding("ctrl+s", "submit", N_("Submit")),
        # priority: focus moves as the key is read, so keys typed right after it go to the
        # next field even when the console is behind (a Select would otherwise get them)
        Binding("tab", "app.focus_next", show=False, priority=True),
        Binding("shift+tab", "app.focus_previous", show=False, priority=True),
    ]
    #: The dialog's title, marked with N_ and shown in the interface language.
    HEADING = ""
    #: ``focus_start`` puts the cursor in a field (Textual's auto focus would scroll the
    #: first field to the centre, its label out of sight)
    AUTO_FOCUS = ""

    def __init__(self, run: Runner, *, done: str = "") -> None:
        super().__init__()
        self.run = run
        self.heading = _(self.HEADING) if self.HEADING else ""
        #: shown as a notification once the engine has recorded the command
        self.done = done

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(content(self.heading), classes="dialog-title")
            with VerticalScroll(classes="dialog-body", can_focus=False):
                yield from self.fields()
            yield Label("", id="error", classes="form-error", markup=False)
            with Horizontal(classes="buttons"):
                yield Button(_("Submit (ctrl+s)"), variant="primary", id="submit")
                yield Button(_("Cancel"), id="cancel")

    def fields(self) -> ComposeResult:  # pragma: no cover - every dialog overrides
        yield from ()

    def on_mount(self) -> None:
        self.focus_start()
        self.call_after_refresh(self._reveal_focused)

    def _reveal_focused(self) -> None:
        if self.focused is not None:
            reveal_label(self.focused)

    def focus_start(self) -> None:
        """Where the cursor starts: the first field, unless a form knows better."""
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
        except FieldError as exc:
            self.fail(str(exc))
            field = self.query_one(f"#{exc.field}")
            field.focus(scroll_visible=False)
            self.call_after_refresh(reveal_label, field)
            return
        except ValueError as exc:
            self.fail(str(exc))
            return
        self.submit(cmd)

    def submit(self, cmd: c.Command) -> None:
        refusal = self.run(cmd)
        if refusal:
            self.fail(refusal)
            return
        if self.done:  # once recorded, when the console writes in the background
            getattr(self.app, "recorded", lambda text: self.app.notify(text, markup=False))(
                self.done
            )
        self.dismiss(True)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(False)


def _field(
    label: str, widget: Input | Select[str] | TextArea | Checkbox | SelectionList[str]
) -> ComposeResult:
    yield Label(content(label), classes="field-label")
    if isinstance(widget, Select) and widget.prompt == "Select":  # Textual's own word
        widget.prompt = _("Select")
    yield widget


class ObservationDialog(FormDialog):
    HEADING = N_("Observation")

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
        super().__init__(run, done=_("Observation recorded"))
        self.scenario = scenario
        self.inject, self.cell = inject, cell
        self.kind, self.objective = kind, objective
        if kind != "note":
            self.heading = _("Strength") if kind == "strength" else _("Area for improvement")

    def fields(self) -> ComposeResult:
        yield from _field(_("What did you observe?"), TextArea(id="text"))
        kinds = [
            (_("note"), "note"),
            (_("strength"), "strength"),
            (_("area for improvement"), "improvement"),
        ]
        yield from _field(_("Kind"), Choice(kinds, value=self.kind, allow_blank=False, id="kind"))
        injects = TickList(
            *[Selection(content(f"{i.id} — {i.title}"), i.id, i.id == self.inject)
              for i in self.scenario.msel],
            id="injects",
        )  # fmt: skip
        yield from _field(_("Injects"), injects)
        yield from _field(_("Cells"), recipients(self.scenario, selected=(self.cell,), id="cells"))
        objectives = TickList(
            *[Selection(content(f"{o.id} — {o.title}"), o.id, o.id == self.objective)
              for o in self.scenario.objectives],
            id="objectives",
        )  # fmt: skip
        yield from _field(_("Objectives"), objectives)

    def command(self) -> c.Command:
        text = self.query_one("#text", TextArea).text.strip()
        if not text:
            raise FieldError(_("write the observation first"), "text")
        kind = self.query_one("#kind", Select).value
        return c.Observe(
            CONTROL,
            text,
            str(kind),
            picked(self, "injects"),
            picked(self, "cells"),
            picked(self, "objectives"),
        )


class MoveDialog(FormDialog):
    """Hot seat: control enters a move for a cell (recorded as entered by control)."""

    HEADING = N_("Move on behalf of a cell (hot seat)")

    def __init__(
        self, run: Runner, scenario: Scenario, cell: str | None = None, answers: str = ""
    ) -> None:
        super().__init__(run, done=_("Move recorded (entered by control)"))
        self.scenario = scenario
        self.cell = cell
        self.answers = answers

    def fields(self) -> ComposeResult:
        cells = [(content(f"{x.id} — {x.name}"), x.id) for x in self.scenario.player_cells]
        yield from _field(_("Cell"), Choice(cells, value=self.cell or Select.NULL, id="cell"))
        kinds = [(content(f"{k.id} — {k.title}"), k.id) for k in self.scenario.move_kinds]
        yield from _field(_("Action"), Choice(kinds, id="kind"))
        yield from _field(_("Addressed to"), recipients(self.scenario))
        injects = [(content(f"{i.id} — {i.title}"), i.id) for i in self.scenario.msel]
        yield from _field(
            _("Answers inject (optional)"),
            Choice(injects, value=self.answers or Select.NULL, id="answers", prompt=_("(none)")),
        )
        yield from _field(_("Text"), TextArea(id="text"))

    def command(self) -> c.Command:
        cell = self.query_one("#cell", Select).value
        kind = self.query_one("#kind", Select).value
        if cell is Select.NULL:
            raise FieldError(_("choose the cell"), "cell")
        if kind is Select.NULL:
            raise FieldError(_("choose the action"), "kind")
        text = self.query_one("#text", TextArea).text.strip()
        if not text:
            raise FieldError(_("describe the move"), "text")
        answers = self.query_one("#answers", Select).value
        return c.SubmitMove(
            CONTROL, str(cell), str(kind), text, picked(self),
            None if answers is Select.NULL else str(answers),
        )  # fmt: skip


class AddInjectDialog(FormDialog):
    HEADING = N_("Add an ad-hoc inject")

    def __init__(
        self,
        run: Runner,
        scenario: Scenario,
        taken: Sequence[str],
        *,
        as_originator: bool = False,
    ) -> None:
        super().__init__(run)
        self.scenario = scenario
        self.as_originator = as_originator
        prefix = "MSG" if as_originator else "ADHOC"
        n = 1
        while f"{prefix}-{n:02d}" in taken:
            n += 1
        self.suggested = f"{prefix}-{n:02d}"
        if as_originator:
            self.heading = _("Messages: write to cells as someone in the scenario")

    def fields(self) -> ComposeResult:
        originators = sorted({i.from_ for i in self.scenario.msel if i.from_})
        if self.as_originator:
            yield from _field(
                _("From (an originator of the scenario's injects)"),
                Choice(
                    [(content(o), o) for o in originators], id="from-pick", prompt=_("(choose)")
                ),
            )
            yield from _field(_("…or someone else"), Input(id="from"))
        yield from _field(_("To"), recipients(self.scenario, players_only=True))
        yield from _field(_("Subject") if self.as_originator else _("Title"), Input(id="title"))
        yield from _field(_("Message") if self.as_originator else _("Body"), TextArea(id="body"))
        if not self.as_originator:
            yield from _field(_("From (simulated originator)"), Input(id="from"))
            yield from _field(_("Id"), Input(self.suggested, id="id"))
        channels = [(_(ch.value), ch.value) for ch in Channel]
        yield from _field(
            _("Channel"), Choice(channels, value="message", allow_blank=False, id="channel")
        )
        if not self.as_originator:
            yield Tick(_("Release now"), True, id="release")

    def command(self) -> c.Command:
        title = self.query_one("#title", Input).value.strip()
        to = picked(self)
        if not title:
            raise FieldError(
                _("give the message a subject")
                if self.as_originator
                else _("give the inject a title"),
                "title",
            )
        if not to:
            raise FieldError(_("tick at least one recipient cell (space)"), "to")
        sender = self.query_one("#from", Input).value.strip()
        if self.as_originator:
            pick = self.query_one("#from-pick", Select).value
            sender = sender or ("" if pick is Select.NULL else str(pick))
            if not sender:
                raise FieldError(_("choose who the message is from"), "from-pick")
            self.done = _("{inject} sent as {sender} to {cells}").format(
                inject=self.suggested, sender=sender, cells=", ".join(to)
            )
        else:
            self.done = _("{inject} added").format(
                inject=self.query_one("#id", Input).value.strip()
            )
        return c.AddInject(
            CONTROL,
            id=self.suggested if self.as_originator else self.query_one("#id", Input).value.strip(),
            title=title,
            to=to,
            body=self.query_one("#body", TextArea).text,
            from_=sender,
            channel=str(self.query_one("#channel", Select).value),
            release=self.as_originator or self.query_one("#release", Checkbox).value,
        )


def _game_time(text: str, scenario: Scenario) -> int:
    try:
        return int(parse_offset(text, scenario.start).total_seconds() * 1000)
    except TimeFormatError as exc:
        raise ValueError(str(exc)) from None


class JumpDialog(FormDialog):
    HEADING = N_("Jump game time")

    def __init__(self, run: Runner, scenario: Scenario) -> None:
        super().__init__(run)
        self.scenario = scenario

    def fields(self) -> ComposeResult:
        yield from _field(_("Go to (+HH:MM from the start, or D+N HH:MM)"), Input(id="time"))

    def command(self) -> c.Command:
        return c.Jump(CONTROL, _game_time(self.query_one("#time", Input).value, self.scenario))


class RetimeDialog(FormDialog):
    """Move an inject to another game time; a time already past asks first, since the
    inject then goes out at once."""

    def __init__(
        self,
        run: Runner,
        scenario: Scenario,
        inject: str,
        now_ms: int = 0,
        due_ms: int | None = None,
    ) -> None:
        super().__init__(run, done=_("{inject} retimed").format(inject=inject))
        self.scenario = scenario
        self.inject = inject
        self.now_ms = now_ms
        #: the inject's time now, the starting point of the edit
        self.due_ms = due_ms
        self.heading = _("Retime {inject}").format(inject=inject)

    def fields(self) -> ComposeResult:
        now = "" if self.due_ms is None else format_offset(timedelta(milliseconds=self.due_ms))
        yield from _field(_("New time (+HH:MM or D+N HH:MM)"), Input(now, id="time"))

    def command(self) -> c.Command:
        return c.Retime(
            CONTROL, self.inject, _game_time(self.query_one("#time", Input).value, self.scenario)
        )

    def submit(self, cmd: c.Command) -> None:
        assert isinstance(cmd, c.Retime)
        if cmd.time_ms >= self.now_ms:
            super().submit(cmd)
            return

        def answered(yes: bool | None) -> None:
            if yes:
                super(RetimeDialog, self).submit(cmd)
            else:
                self.fail(_("not retimed: choose a later time"))

        self.app.push_screen(
            ConfirmDialog(
                _("That time has passed: {inject} would be released at once. Retime it?").format(
                    inject=self.inject
                )
            ),
            answered,
        )


class RatioDialog(FormDialog):
    HEADING = N_("Clock ratio (game seconds per wall second)")

    def __init__(self, run: Runner, current: float) -> None:
        super().__init__(run)
        self.current = current

    def fields(self) -> ComposeResult:
        yield from _field(_("Ratio"), Input(f"{self.current:g}", id="ratio", type="number"))

    def command(self) -> c.Command:
        try:
            ratio = float(self.query_one("#ratio", Input).value)
        except ValueError:
            raise ValueError(_("the ratio is a number, e.g. 4")) from None
        return c.SetRatio(CONTROL, ratio)


class ReasonDialog(FormDialog):
    """Hold or skip an inject, with an optional reason."""

    def __init__(
        self, run: Runner, title: str, make: Callable[[str], c.Command], *, done: str = ""
    ) -> None:
        super().__init__(run, done=done)
        self.heading = title
        self.make = make

    def fields(self) -> ComposeResult:
        yield from _field(_("Reason (optional)"), Input(id="reason"))

    def command(self) -> c.Command:
        return self.make(self.query_one("#reason", Input).value.strip())


class ConfirmDialog(ModalScreen[bool], Localised):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "no", N_("No")),
        Binding("y", "yes", N_("Yes")),
    ]
    #: Enter on a question that ends the exercise (or releases at once) answers No:
    #: yes takes ``y``, Tab to the button, or a click
    AUTO_FOCUS = "#no"

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog small"):
            yield Label(content(self.question), classes="dialog-title")
            with Horizontal(classes="buttons"):
                yield Button(_("Yes"), variant="error", id="yes")
                yield Button(_("No"), id="no")

    @on(Button.Pressed, "#yes")
    def action_yes(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#no")
    def action_no(self) -> None:
        self.dismiss(False)


def argument_lines(move: Move) -> list[str]:
    """The arguments for and against a move, strong ones marked, as the engine holds them."""
    out = []
    for a in move.arguments:
        strength = _("strong") if a.strong else _("weak")
        out.append(
            _("{stance} ({strength}) — {cell}: {text}").format(
                stance=word(a.stance), strength=strength, cell=a.cell, text=a.text
            )
        )
    return out


def resolution_text(move: Move) -> str:
    """The engine's matrix resolution of ``move`` (nothing recomputed here)."""
    r = move.resolution
    if r is None:
        return ""
    d1, d2 = r.dice
    args = r.strong_for - r.strong_against
    verdict = _("succeeds") if r.success else _("fails")
    if r.override:
        verdict += _("; umpire override: {override}").format(override=word(str(r.override)))
    return _(
        "2d6 = {d1} + {d2}, arguments {args}, modifier {modifier}: "
        "total {total}, {verdict} → {status} (seed {seed})"
    ).format(
        d1=d1, d2=d2, args=f"{args:+d}", modifier=f"{r.modifier:+d}", total=r.total,
        verdict=verdict, status=word(str(move.status)), seed=r.seed,
    )  # fmt: skip


class AdjudicationDialog(ModalScreen[bool], Localised):
    """Decide a move: accept, reject or modify with outcome text, or resolve it as a
    matrix game with a recorded 2d6 roll. The arguments for and against are listed with
    their strength; the roll shown is the engine's, read back from the state."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "close", N_("Close"))]

    def __init__(
        self,
        run: Runner,
        move: Move,
        current: Callable[[], Move] | None = None,
        seed: Callable[[], int] | None = None,
    ) -> None:
        super().__init__()
        self.run = run
        self.move = move
        self.current = current or (lambda: move)
        self.seed = seed or (lambda: secrets.randbits(31))
        self.rolled: str | None = None

    def compose(self) -> ComposeResult:
        m = self.move
        with Vertical(classes="dialog"):
            yield Label(
                content(
                    _("Adjudicate move {seq}: {cell} — {kind}").format(
                        seq=m.seq, cell=m.cell, kind=m.kind
                    )
                ),
                classes="dialog-title",
            )
            with VerticalScroll(classes="dialog-body", can_focus=False):
                yield Static(content(m.text), classes="move-text")
                if m.to:
                    yield Label(
                        content(_("Addressed to: {cells}").format(cells=", ".join(m.to))),
                        markup=False,
                    )
                strong_for = sum(1 for a in m.arguments if a.strong and a.stance == "for")
                strong_against = sum(1 for a in m.arguments if a.strong and a.stance == "against")
                yield Label(
                    content(
                        _("Arguments: {count} (strong: {pro} for, {con} against)").format(
                            count=len(m.arguments), pro=strong_for, con=strong_against
                        )
                    ),
                    classes="field-label",
                )
                for text in argument_lines(m):
                    yield Static(content(text), classes="argument")
                yield Label(_("Outcome text"), classes="field-label")
                yield Input(id="outcome", placeholder=_("what happens in the game"))
                with Horizontal(classes="buttons"):
                    yield Button(_("Accept"), variant="success", id="accepted")
                    yield Button(_("Reject"), variant="error", id="rejected")
                    yield Button(_("Modify"), variant="warning", id="modified")
                yield Label(
                    _(
                        "Matrix resolution: 2d6 + strong arguments (+1 for, −1 against) + "
                        "modifier; 7 or more succeeds"
                    ),
                    classes="field-label",
                )
                with Horizontal(classes="matrix"):
                    yield Input("0", id="modifier", type="integer", placeholder=_("modifier"))
                    yield Choice(
                        [
                            (_("no override"), "none"),
                            (_("accept"), "accepted"),
                            (_("reject"), "rejected"),
                            (_("modify"), "modified"),
                        ],
                        value="none",
                        allow_blank=False,
                        id="override",
                    )
                    yield Button(_("Roll 2d6"), variant="primary", id="roll")
                yield Static("", id="roll-result")
            yield Label("", id="error", classes="form-error", markup=False)
            with Horizontal(classes="buttons"):
                yield Button(_("Close"), id="close")

    def on_mount(self) -> None:
        self.query_one("#outcome", Input).focus()

    def fail(self, reason: str) -> None:
        self.query_one("#error", Label).update(content(reason))

    @on(Button.Pressed, "#accepted, #rejected, #modified")
    def decide(self, event: Button.Pressed) -> None:
        outcome = event.button.id or ""
        text = self.query_one("#outcome", Input).value.strip()
        if outcome == "modified" and not text:
            self.fail(_("describe the modified outcome first"))
            self.query_one("#outcome", Input).focus()
            return
        refusal = self.run(c.Adjudicate(CONTROL, self.move.seq, outcome, text))
        if refusal:
            self.fail(refusal)
        else:
            self.app.notify(
                _("Move {seq} {outcome}").format(seq=self.move.seq, outcome=word(outcome)),
                markup=False,
            )
            self.dismiss(True)

    @on(Button.Pressed, "#roll")
    def roll(self) -> None:
        if self.rolled is not None:
            self.fail(_("already resolved"))
            return
        try:
            modifier = int(self.query_one("#modifier", Input).value or "0")
        except ValueError:
            self.fail(_("the modifier is a whole number between -6 and 6"))
            return
        override = self.query_one("#override", Select).value
        text = self.query_one("#outcome", Input).value.strip()
        refusal = self.run(
            c.ResolveMatrix(
                CONTROL,
                self.move.seq,
                self.seed(),
                modifier,
                None if override == "none" else str(override),
                text,
            )
        )
        if refusal:
            self.fail(refusal)
            return
        self.rolled = ""
        self.query_one("#error", Label).update("")
        self._show_roll()

    def _show_roll(self) -> None:
        """The engine's roll, once the console has recorded it (a console writing in the
        background folds it a moment later: look again shortly)."""
        rolled = resolution_text(self.current())
        if not rolled and not getattr(self.app, "writing", 0):
            self.rolled = None  # the console could not record it (it said why)
            self.query_one("#roll-result", Static).update("")
            return
        if not rolled:
            self.query_one("#roll-result", Static).update(_("rolling…"))
            self.set_timer(0.05, self._show_roll)
            return
        self.rolled = rolled
        self.query_one("#roll-result", Static).update(content(rolled))
        self.app.notify(
            _("Move {seq}: {result}").format(seq=self.move.seq, result=rolled), markup=False
        )

    @on(Button.Pressed, "#close")
    def action_close(self) -> None:
        self.dismiss(self.rolled is not None)


class ArgueDialog(FormDialog):
    """An argument for or against a move awaiting matrix resolution. A player argues as
    their own cell; control enters one for a cell it chooses (hot seat)."""

    def __init__(self, run: Runner, scenario: Scenario, move: Move, cell: str | None) -> None:
        super().__init__(run, done=_("Argument on move {seq} recorded").format(seq=move.seq))
        self.scenario = scenario
        self.move = move
        self.cell = cell
        self.heading = _("Argue move {seq}: {cell} — {kind}").format(
            seq=move.seq, cell=move.cell, kind=move.kind
        )

    def fields(self) -> ComposeResult:
        yield Static(content(self.move.text), classes="move-text")
        for text in argument_lines(self.move):
            yield Static(content(text), classes="argument")
        if self.cell is None:
            cells = [(content(f"{x.id} — {x.name}"), x.id) for x in self.scenario.player_cells]
            yield from _field(_("For cell"), Choice(cells, id="cell"))
        stances = [
            (_("for — it should succeed"), "for"),
            (_("against — it should fail"), "against"),
        ]
        yield from _field(_("Stance"), Choice(stances, id="stance"))
        yield Tick(_("Strong argument (counts ±1 on the roll)"), False, id="strong")
        yield from _field(_("Your argument: what happens, and why"), TextArea(id="text"))

    def command(self) -> c.Command:
        cell = self.cell
        if cell is None:
            value = self.query_one("#cell", Select).value
            if value is Select.NULL:
                raise FieldError(_("choose the cell that argues"), "cell")
            cell = str(value)
        stance = self.query_one("#stance", Select).value
        if stance is Select.NULL:
            raise FieldError(_("choose for or against"), "stance")
        text = self.query_one("#text", TextArea).text.strip()
        if not text:
            raise FieldError(_("write the argument"), "text")
        strong = self.query_one("#strong", Checkbox).value
        actor = CONTROL if self.cell is None else cell
        return c.Argue(actor, cell, self.move.seq, str(stance), text, strong)


class AnswerDialog(FormDialog):
    """Control answers a request for information, to the asking cell or to every cell."""

    def __init__(self, run: Runner, rfi: Rfi) -> None:
        super().__init__(run, done=_("Request {seq} answered").format(seq=rfi.seq))
        self.rfi = rfi
        self.heading = _("Answer request {seq} from {cell}").format(seq=rfi.seq, cell=rfi.cell)

    def fields(self) -> ComposeResult:
        yield Static(content(self.rfi.text), classes="move-text")
        yield from _field(_("Answer"), TextArea(id="text"))
        yield Tick(_("Public: every cell sees the answer"), False, id="public")

    def command(self) -> c.Command:
        text = self.query_one("#text", TextArea).text.strip()
        if not text:
            raise FieldError(_("write the answer"), "text")
        public = self.query_one("#public", Checkbox).value
        return c.AnswerRfi(CONTROL, self.rfi.seq, text, public)


class EventDialog(ModalScreen[str | None], Localised):
    """One row of the feed in full: who, when, to whom, and the whole text, reflowed.
    Offers the next step when there is one (answer a request, argue or adjudicate a move)."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "close", N_("Close"))]

    def __init__(
        self, state: State, event: Event, *, answerable: bool = False, arguable: bool = False
    ) -> None:
        super().__init__()
        self.state = state
        self.event = event
        self.answerable = answerable
        self.arguable = arguable

    def compose(self) -> ComposeResult:
        e = self.event
        with Vertical(classes="dialog wide"):
            yield Label(content(line(self.state, e)[:200]), classes="dialog-title")
            with VerticalScroll(classes="dialog-body", id="event-body"):
                from textual.widgets import Markdown  # loaded when first needed

                yield Markdown(event_markdown(self.state, e), id="event-text")
            with Horizontal(classes="buttons"):
                if self.answerable:
                    yield Button(_("Answer"), variant="primary", id="answer")
                if self.arguable:
                    yield Button(_("Adjudicate"), variant="primary", id="adjudicate")
                    yield Button(_("Argue for a cell"), id="argue")
                yield Button(_("Close"), id="close")

    @on(Button.Pressed)
    def pressed(self, event: Button.Pressed) -> None:
        self.dismiss(None if event.button.id == "close" else event.button.id)

    def action_close(self) -> None:
        self.dismiss(None)


def event_markdown(state: State, e: Event) -> str:
    """A feed event as Markdown: players' text escaped (shown as typed), scenario text as
    its authors wrote it."""
    d = e.data
    scn = state.scenario
    when = md_escape(game_clock(scn, e.game_ms))
    head = [
        _("**Event {seq}** · {when} · by {actor}").format(
            seq=e.seq, when=when, actor=md_escape(e.actor)
        )
    ]
    cell = getattr(d, "cell", "")
    if cell:
        head.append(_("**Cell:** {cell}").format(cell=md_escape(str(cell))))
    to = getattr(d, "to", ())
    if to:
        head.append(_("**To:** {cells}").format(cells=md_escape(", ".join(map(str, to)))))
    if isinstance(d, ev.MoveSubmitted):
        head.append(_("**Kind:** {kind}").format(kind=md_escape(d.kind)))
    if isinstance(d, ev.MessageSent) and d.subject:
        head.append(_("**Subject:** {subject}").format(subject=md_escape(d.subject)))
    if getattr(d, "on_behalf", False):
        head.append(_("*Entered by exercise control for the cell.*"))
    if isinstance(d, ev.InjectReleased):
        inject = state.inject(d.inject)
        body = f"### {md_escape(inject.title)}\n\n{for_terminal(inject.body)}"
    elif isinstance(d, ev.MoveAdjudicated):
        move = state.moves.get(d.move)
        body = _("Move {move} **{outcome}**").format(
            move=d.move, outcome=md_escape(word(str(d.outcome)))
        )
        if move is not None and move.resolution:
            body += f"\n\n{md_escape(resolution_text(move))}"
        if d.text:
            body += f"\n\n{md_escape(d.text)}"
    elif isinstance(d, ev.MoveArgued):
        strength = _("strong") if d.strong else _("weak")
        body = _("**{stance}** ({strength}) move {move}:").format(
            stance=md_escape(word(d.stance)), strength=strength, move=d.move
        )
        body += f"\n\n{md_escape(d.text)}"
    elif isinstance(d, ev.RfiAnswered):
        said = _("Answer (public) to request {rfi}:") if d.public else None
        body = (said or _("Answer (private) to request {rfi}:")).format(rfi=d.rfi)
        body += f"\n\n{md_escape(d.text)}"
    elif isinstance(d, ev.MoveSubmitted):
        body = md_escape(d.text)
        move = state.moves.get(e.seq)
        if move is not None:
            body += "\n\n" + _("**Status:** {status}").format(
                status=md_escape(word(str(move.status)))
            )
            for text in argument_lines(move):
                body += f"\n\n- {md_escape(text)}"
    else:
        body = md_escape(str(getattr(d, "text", "")) or summary(e, state))
    return "\n\n".join(["  \n".join(head), body])


class HelpScreen(ModalScreen[None], Localised):
    """Every key of the screen underneath, whatever the width of the footer."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,f1,question_mark,q", "close", N_("Close")),
    ]

    def __init__(self, under: Screen[Any]) -> None:
        super().__init__()
        self.under = under

    def keys(self) -> list[tuple[str, str]]:
        """``(keys, description)`` for every binding of the screen and the app."""
        rows: list[tuple[str, str]] = []
        seen: set[str] = set()
        for binding in [*self.under.BINDINGS, *self.app.BINDINGS]:
            if not isinstance(binding, Binding) or not binding.description:
                continue
            keys = [k.strip() for k in binding.key.split(",") if k.strip() not in seen]
            if not keys:
                continue
            seen.update(keys)
            shown = " / ".join(self.app.get_key_display(Binding(k, "")) for k in keys)
            rows.append((shown, _(binding.description)))
        return rows

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="help"):
            yield Label(_("Keys of this screen (Esc closes)"), classes="dialog-title")
            yield DataTable(id="keys", cursor_type="row", show_cursor=False)

    def on_mount(self) -> None:
        table = self.query_one("#keys", DataTable)
        table.add_column(_("Key"), width=16)
        table.add_column(_("Does"), width=48)
        for key, what in self.keys():
            table.add_row(content(key), content(what))
        table.add_row(content("ctrl+p"), content(_("Command palette: every command by name")))
        table.add_row(content("tab / shift+tab"), content(_("Next / previous field or table")))

    def action_close(self) -> None:
        self.dismiss(None)


class AwardDialog(ModalScreen[None], Localised):
    """Drill-down: an award's explanation and the journal events behind it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", N_("Close")),
        Binding("enter", "close", N_("Close"), show=False),
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
                content(
                    _("{rule} ({kind}) — objective {objective} — {status}").format(
                        rule=a.rule, kind=a.kind, objective=a.objective, status=word(a.status)
                    )
                ),
                classes="dialog-title",
            )
            with VerticalScroll(classes="dialog-body", can_focus=False):
                yield Static(content(a.explanation), classes="explanation")
                yield Label(
                    content(
                        _("Points: {points} of {max_points}; cells: {cells}").format(
                            points=str(Num(a.points)),
                            max_points=str(Num(a.max_points)),
                            cells=", ".join(a.cells) or "-",
                        )
                    )
                )
                yield Label(_("Events behind it"), classes="field-label")
                for e in self.events:
                    yield Static(content(line(self.state, e)), classes="event-line")
            with Horizontal(classes="buttons"):
                yield Button(_("Close"), id="close")

    @on(Button.Pressed, "#close")
    def action_close(self) -> None:
        self.dismiss(None)


class InjectDialog(ModalScreen[None], Localised):
    """An inject as control sees it: body, expected actions, notes, questions."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "close", N_("Close"))]

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
            yield Label(
                content(f"{i.id} — {i.title} ({word(self.status)})"), classes="dialog-title"
            )
            with VerticalScroll(classes="dialog-body", can_focus=False):
                yield Label(content(self.scenario.marking), classes="marking")
                yield Label(
                    content(
                        _("From {sender} by {channel} to {cells}").format(
                            sender=i.from_ or "-", channel=_(i.channel.value), cells=", ".join(i.to)
                        )
                    )
                )
                if i.grading:
                    yield Label(
                        content(
                            _("Grading: {grading} ({words})").format(
                                grading=i.grading, words=grading_words(i.grading)
                            )
                        )
                    )
                yield Label(content(inject_clock(self.scenario, i, 0)))
                from textual.widgets import Markdown  # loaded when first needed

                yield Markdown(for_terminal(i.body) or _("*(no body)*"), classes="move-text")
                for x in i.expects:
                    expected = (
                        _("Expected: {cell} {action} to {cells} within {within}")
                        if x.to
                        else _("Expected: {cell} {action} within {within}")
                    )
                    yield Label(
                        content(
                            expected.format(
                                cell=x.cell, action=x.action, cells=", ".join(x.to),
                                within=format_duration(x.within),
                            )
                        )
                    )  # fmt: skip
                if i.notes:
                    yield Label(_("Facilitator notes"), classes="field-label")
                    yield Static(content(i.notes))
                for q in i.questions:
                    yield Label(content(f"? {q}"))
                for b in i.branches:
                    yield Label(
                        content(_("Branch → {inject}: {when}").format(inject=b.inject, when=b.when))
                    )
            with Horizontal(classes="buttons"):
                yield Button(_("Close"), id="close")

    @on(Button.Pressed, "#close")
    def action_close(self) -> None:
        self.dismiss(None)


class ImprovementDialog(FormDialog):
    """An improvement plan item (HSEEP IP): issue, corrective action, capability element,
    responsible cell, dates."""

    HEADING = N_("Improvement plan item")

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
            self.heading = _("Improvement plan item {item}").format(item=item.item)

    def fields(self) -> ComposeResult:
        i = self.item
        yield from _field(
            _("Issue (area for improvement)"), Input(for_terminal(i.issue), id="issue")
        )
        yield from _field(
            _("Corrective action"), Input(for_terminal(i.corrective_action), id="action")
        )
        yield from _field(
            _("Capability element (planning, organisation, equipment, training, exercise)"),
            Input(for_terminal(i.capability), id="capability"),
        )
        cells = [(content(f"{x.id} — {x.name}"), x.id) for x in self.scenario.cells]
        cell = i.cell or Select.NULL
        yield from _field(
            _("Responsible cell"), Choice(cells, value=cell, id="cell", prompt=_("(none)"))
        )
        yield from _field(
            _("Start date (YYYY-MM-DD)"),
            Input(for_terminal(i.start), id="start", placeholder=_("YYYY-MM-DD")),
        )
        yield from _field(
            _("Completion date (YYYY-MM-DD)"),
            Input(for_terminal(i.end), id="end", placeholder=_("YYYY-MM-DD")),
        )
        objectives = [(content(f"{o.id} — {o.title}"), o.id) for o in self.scenario.objectives]
        objective = i.objective or Select.NULL
        yield from _field(
            _("Objective"),
            Choice(objectives, value=objective, id="objective", prompt=_("(none)")),
        )

    def command(self) -> c.Command:
        keys = ("issue", "action", "capability", "start", "end")
        value = {k: self.query_one(f"#{k}", Input).value.strip() for k in keys}
        for k in ("cell", "objective"):
            chosen = self.query_one(f"#{k}", Select).value
            value[k] = "" if chosen is Select.NULL else str(chosen)
        if not value["issue"]:
            raise FieldError(_("state the issue"), "issue")
        for k, wrong in (
            ("start", _("the start date is a date like 2026-03-31, not {value!r}")),
            ("end", _("the completion date is a date like 2026-03-31, not {value!r}")),
        ):
            if value[k]:
                try:
                    date.fromisoformat(value[k])
                except ValueError:
                    raise FieldError(wrong.format(value=value[k]), k) from None
        if value["start"] and value["end"] and value["end"] < value["start"]:
            raise FieldError(_("the completion date is before the start date"), "end")
        return c.PlanImprovement(
            CONTROL, value["issue"], value["action"], value["capability"], value["cell"],
            value["start"], value["end"], value["objective"], self.item_id,
        )  # fmt: skip


class OverrideDialog(FormDialog):
    """Control's rating of an objective over the computed one, with the reason."""

    def __init__(self, run: Runner, objective: str, computed: str | None) -> None:
        super().__init__(run)
        self.objective = objective
        self.heading = _("Rate {objective} (computed: {computed})").format(
            objective=objective, computed=computed or _("not rated")
        )

    def fields(self) -> ComposeResult:
        ratings = [
            (_("P — performed without challenges"), "P"),
            (_("S — performed with some challenges"), "S"),
            (_("M — performed with major challenges"), "M"),
            (_("U — unable to be performed"), "U"),
            (_("withdraw my override"), "none"),
        ]
        yield from _field(_("Rating"), Choice(ratings, id="rating"))
        yield from _field(_("Reason"), Input(id="reason"))

    def command(self) -> c.Command:
        rating = self.query_one("#rating", Select).value
        if rating is Select.NULL:
            raise ValueError(_("choose a rating"))
        reason = self.query_one("#reason", Input).value.strip()
        if rating != "none" and not reason:
            raise ValueError(_("give the reason for overriding the computed rating"))
        return c.OverrideRating(
            CONTROL, self.objective, None if rating == "none" else str(rating), reason
        )


class ModuleNoteDialog(FormDialog):
    """The facilitator's note on a module's discussion."""

    def __init__(self, run: Runner, module: str, title: str) -> None:
        super().__init__(run)
        self.module = module
        self.heading = _("Note on {module} — {title}").format(module=module, title=title)

    def fields(self) -> ComposeResult:
        yield from _field(_("What did the discussion bring out?"), TextArea(id="text"))

    def command(self) -> c.Command:
        text = self.query_one("#text", TextArea).text.strip()
        if not text:
            raise ValueError(_("write the note first"))
        return c.NoteModule(CONTROL, self.module, text)


class ModuleDialog(ModalScreen[str], Localised):
    """A discussion-based exercise's module as control sees it: the questions, every
    cell's answer, the facilitator's notes; open the next module or add a note.
    Dismissed with ``"next"``, ``"note"`` or ``""``."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", N_("Close")),
        Binding("n", "next", N_("Open next module")),
        Binding("o", "note", N_("Note")),
    ]

    def __init__(self, state: State, module: Module | None, following: Module | None) -> None:
        super().__init__()
        self.state = state
        self.module = module
        self.following = following

    def compose(self) -> ComposeResult:
        m = self.module
        title = f"{m.id} — {m.title}" if m else _("No module is open yet")
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
                                _(" (shared)") if f"answer:{a.seq}" in self.state.published else ""
                            )
                            yield Static(content(f"{a.cell}{shared}: {a.text}"))
                        if not answers:
                            yield Static(content(_("no answers yet")))
                    notes = [x for x in self.state.module_notes if x.module == m.id]
                    if notes:
                        yield Label(_("Facilitator notes"), classes="field-label")
                        for x in notes:
                            yield Static(content(x.text))
            with Horizontal(classes="buttons"):
                if self.following is not None:
                    yield Button(
                        content(_("Open {module} (n)").format(module=self.following.id)),
                        variant="primary",
                        id="next",
                    )
                if m is not None:
                    yield Button(_("Note (o)"), id="note")
                yield Button(_("Close"), id="close")

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


def _only(options: Sequence[tuple[Content, str]]) -> str | NoSelection:
    """The value of the only option, else no selection."""
    return options[0][1] if len(options) == 1 else Select.NULL


class CoordinationDialog(FormDialog):
    """A cell's coordination before it acts: state an intended action (``intent``),
    consult other cells about it (``consult``), answer a consultation (``answer``), or
    give or refuse consent to another cell's intended action (``consent``)."""

    HEADINGS: ClassVar[dict[str, str]] = {
        "intent": N_("State an intended action"),
        "consult": N_("Consult other cells about an action"),
        "answer": N_("Answer a consultation"),
        "consent": N_("Give or refuse consent to an action"),
    }
    DONE: ClassVar[dict[str, str]] = {
        "intent": N_("Intent recorded"),
        "consult": N_("Consultation recorded"),
        "answer": N_("Answer recorded"),
        "consent": N_("Decision recorded"),
    }

    def __init__(
        self, run: Runner, state: State, cell: str, mode: str, injects: Sequence[str]
    ) -> None:
        super().__init__(run, done=_(self.DONE[mode]))
        self.state = state
        self.scenario = state.scenario
        self.cell = cell
        self.mode = mode
        self.injects = list(injects)
        self.heading = _(self.HEADINGS[mode])

    def _intents(self, mine: bool) -> list[tuple[Content, str]]:
        return [
            (content(f"{i.seq}: {i.cell} {i.kind} {i.target}".strip()), str(i.seq))
            for i in self.state.intents.values()
            if (i.cell == self.cell) == mine and (mine or self.cell in i.to)
        ]

    def fields(self) -> ComposeResult:
        injects = [(content(i), i) for i in self.injects]
        if self.mode == "intent":
            kinds = [(content(f"{k.id} — {k.title}"), k.id) for k in self.scenario.move_kinds]
            yield from _field(_("Action"), Choice(kinds, id="kind"))
            yield from _field(_("Target (optional)"), Input(id="target"))
            yield from _field(_("Place (optional)"), Input(id="place"))
            yield from _field(_("Concerns"), recipients(self.scenario, exclude=self.cell))
            yield from _field(
                _("Answers inject (optional)"),
                Choice(injects, id="inject", prompt=_("(none)")),
            )
        elif self.mode == "consult":
            yield from _field(_("Consult"), recipients(self.scenario, exclude=self.cell))
            mine = self._intents(True)
            yield from _field(
                _("About my intent"),
                Choice(mine, value=_only(mine), id="intent", prompt=_("(none)")),
            )
            yield from _field(
                _("…or about the inject"), Choice(injects, id="inject", prompt=_("(none)"))
            )
        elif self.mode == "answer":
            asked = [
                (content(f"{q.seq}: {q.cell} — {one_line(q.text, 50)}"), str(q.seq))
                for q in self.state.consultations.values()
                if self.cell in q.to and self.cell not in q.answers
            ]
            yield from _field(_("Consultation"), Choice(asked, id="consultation"))
        else:
            choices = [(_("give consent"), "give"), (_("refuse consent"), "refuse")]
            yield from _field(_("Decision"), Choice(choices, id="decision"))
            cells = [
                (content(f"{x.id} — {x.name}"), x.id)
                for x in self.scenario.player_cells
                if x.id != self.cell
            ]
            # the one intended action that asks this cell is the likely one
            theirs = self._intents(False)
            intent = _only(theirs)
            whose = self.state.intents[int(intent)].cell if isinstance(intent, str) else Select.NULL
            yield from _field(_("To the action of"), Choice(cells, value=whose, id="whose"))
            yield from _field(
                _("Its intent"), Choice(theirs, value=intent, id="intent", prompt=_("(none)"))
            )
            yield from _field(
                _("…or the inject it answers"), Choice(injects, id="inject", prompt=_("(none)"))
            )
        yield from _field(_("Text"), TextArea(id="text"))

    def _value(self, field: str) -> str | None:
        value = self.query_one(f"#{field}", Select).value
        return None if value is Select.NULL else str(value)

    def command(self) -> c.Command:
        text = self.query_one("#text", TextArea).text.strip()
        cell = self.cell
        if self.mode == "intent":
            kind = self._value("kind")
            if kind is None:
                raise FieldError(_("choose the action"), "kind")
            return c.StateIntent(
                cell, cell, kind, text, self.query_one("#target", Input).value.strip(),
                self.query_one("#place", Input).value.strip(), picked(self), self._value("inject"),
            )  # fmt: skip
        if self.mode == "consult":
            to = picked(self)
            if not to:
                raise FieldError(_("tick the cells you consult (space)"), "to")
            if not text:
                raise FieldError(_("write what you ask"), "text")
            intent = self._value("intent")
            return c.Consult(
                cell, cell, to, text, int(intent) if intent else None, self._value("inject")
            )
        if self.mode == "answer":
            asked = self._value("consultation")
            if asked is None:
                raise FieldError(_("choose the consultation"), "consultation")
            if not text:
                raise FieldError(_("write your answer"), "text")
            return c.AnswerConsultation(cell, cell, int(asked), text)
        decision, whose = self._value("decision"), self._value("whose")
        intent = self._value("intent")
        if decision is None:
            raise FieldError(_("give or refuse?"), "decision")
        if whose is None and intent is not None:  # the intent says whose action it is
            whose = self.state.intents[int(intent)].cell
        if whose is None:
            raise FieldError(_("choose whose action"), "whose")
        make = c.GiveConsent if decision == "give" else c.RefuseConsent
        return make(cell, cell, whose, text, int(intent) if intent else None, self._value("inject"))
