"""The lead evaluator's view (from the hot wash, key ``v``): per objective the computed
rating, each evaluator's task ratings side by side with disagreements marked, the
evaluators' observations, the agreement figures, and the final rating with its reason
(``f``, recorded as ``rating.overridden``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Input, Label, Static

from exercise import joincodes
from exercise.engine import CONTROL
from exercise.engine import commands as c
from exercise.engine.describe import game_clock
from exercise.evaluation import Agreement, Evaluation, evaluate, interpret
from exercise.i18n import N_, Num, _, ngettext
from exercise.scoring import Scores
from exercise.session import Session
from exercise.tui import dialogs
from exercise.tui.evaluator import kind_words, translate_bindings
from exercise.tui.keybar import KeyBar
from exercise.tui.reach import CONTROL_CONSOLE, EVALUATOR_CONSOLE, way_in
from exercise.tui.text import content, one_line, plain


def _pct(x: float | None) -> str:
    return "-" if x is None else str(Num(x, ".0%"))


def agreement_line(g: Agreement) -> str:
    kappa = _("undefined") if g.kappa is None else str(Num(g.kappa, ".2f"))
    return ngettext(
        "{raters}: {tasks} task, exact {exact}, adjacent {adjacent}, kappa {kappa} ({words})",
        "{raters}: {tasks} tasks, exact {exact}, adjacent {adjacent}, kappa {kappa} ({words})",
        g.tasks,
    ).format(
        raters=" / ".join(_("computed") if r == "computed" else r for r in g.raters),
        tasks=g.tasks,
        exact=_pct(g.exact),
        adjacent=_pct(g.adjacent),
        kappa=kappa,
        words=_(interpret(g.kappa)),
    )


class EvaluatorDialog(dialogs.FormDialog):
    """Control adds an evaluator (its join code is shown once) or reassigns one."""

    def __init__(self, run: dialogs.Runner, session: Session) -> None:
        super().__init__(run)
        self.session = session
        self.heading = _("Add or assign an evaluator")

    def fields(self) -> ComposeResult:
        yield Label(_("Name (lower-case letters, digits, - or _)"))
        yield Input(id="name")
        yield Label(_("Objectives (ids, comma-separated)"))
        yield Input(id="objectives")
        yield Label(_("Cells (ids, comma-separated)"))
        yield Input(id="cells")

    def _ids(self, field: str) -> tuple[str, ...]:
        raw = self.query_one(f"#{field}", Input).value.replace(",", " ")
        return tuple(raw.split())

    def command(self) -> c.Command:
        name = self.query_one("#name", Input).value.strip()
        if name in self.session.state.evaluators:
            return c.AssignEvaluator(CONTROL, name, self._ids("objectives"), self._ids("cells"))
        self.code = joincodes.new_code()
        return c.AddEvaluator(CONTROL, name, joincodes.hash_code(self.code))

    def action_submit(self) -> None:
        super().action_submit()
        name = self.query_one("#name", Input).value.strip()
        code = getattr(self, "code", None)
        if code is not None and name in self.session.state.evaluators:
            self.run(c.AssignEvaluator(CONTROL, name, self._ids("objectives"), self._ids("cells")))
            address = self.session.journal.address
            plain = joincodes.load_plain(address)
            plain[c.evaluator_actor(name)] = code
            joincodes.save_plain(address, plain)
            self.app.notify(
                _("evaluator {name}: join code {code}").format(name=name, code=code),
                markup=False,
                timeout=30,
            )


class LeadScreen(Screen[None]):
    DEFAULT_CSS = """
    #lead-left { width: 3fr; }
    #lead-objectives { height: auto; max-height: 40%; }
    #lead-tasks { height: 1fr; border-top: solid $primary; }
    #lead-detail-pane { width: 2fr; padding: 0 1; border-left: solid $primary; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f", "final", N_("Final rating")),
        Binding("a", "evaluator", N_("Add/assign evaluator")),
        Binding("escape", "app.pop_screen", N_("Back")),
    ]

    def __init__(self, session: Session, run: dialogs.Runner, scores: Callable[[], Scores]) -> None:
        super().__init__()
        translate_bindings(self)
        self.session = session
        self.run = run
        self.scores = scores

    def compose(self) -> ComposeResult:
        yield Static(
            content(_("Lead evaluator — EEG ratings side by side, then the final rating")),
            id="status",
        )
        with Horizontal(id="main"):
            with Vertical(id="lead-left"):
                yield DataTable(id="lead-objectives", cursor_type="row")
                yield DataTable(id="lead-tasks", cursor_type="row")
            with VerticalScroll(id="lead-detail-pane"):
                yield Static(id="lead-detail")
        yield KeyBar()

    def evaluation(self) -> Evaluation:
        state = self.session.state
        return evaluate(state.scenario, state, self.session.journal.read(), self.scores())

    def on_mount(self) -> None:
        table = self.query_one("#lead-objectives", DataTable)
        columns = ((N_("Objective"), 10), (N_("Computed"), 9), (N_("Final"), 6),
                   (N_("Title"), None))  # fmt: skip
        for label, width in columns:
            table.add_column(_(label), width=width)
        self.redraw()
        table.focus()

    def objective(self) -> str | None:
        table = self.query_one("#lead-objectives", DataTable)
        if not table.row_count:
            return None
        return str(table.coordinate_to_cell_key(table.cursor_coordinate)[0].value)

    def redraw(self) -> None:
        ev = self.evaluation()
        table = self.query_one("#lead-objectives", DataTable)
        keep = table.cursor_row
        table.clear()
        for o in ev.objectives:
            table.add_row(
                plain(o.objective.id), plain(o.computed or "-"), plain(o.final or "-"),
                plain(one_line(o.objective.title)), key=o.objective.id,
            )  # fmt: skip
        if table.row_count:
            table.move_cursor(row=min(max(keep, 0), table.row_count - 1), animate=False)
        self.show_detail(ev)

    @on(DataTable.RowHighlighted, "#lead-objectives")
    def _highlighted(self) -> None:
        self.show_detail()

    def show_detail(self, ev: Evaluation | None = None) -> None:
        ev = ev or self.evaluation()
        oid = self.objective()
        found = ev.objective(oid) if oid else None
        tasks = self.query_one("#lead-tasks", DataTable)
        tasks.clear(columns=True)
        tasks.add_column(_("Task"), width=10)
        tasks.add_column(_("Computed"), width=9)
        for name in ev.evaluators:
            tasks.add_column(name, width=max(5, len(name) + 1))
        tasks.add_column("", width=12)
        if found is None:
            return
        scenario = self.session.scenario
        rating = _("Computed {computed}; final {final}").format(
            computed=found.computed or "-", final=found.final or "-"
        )
        if found.final_by:
            rating += " " + _("set by {who}: {reason}").format(
                who=found.final_by, reason=found.final_reason
            )
        lines = [f"{found.objective.id} — {found.objective.title}", rating, ""]
        for t in found.tasks:
            given = {r.rating for r in t.ratings.values()}
            split = len(given) > 1
            tasks.add_row(
                plain(t.task.id),
                plain(t.computed or "-"),
                *(
                    Text(
                        t.ratings[n].rating if n in t.ratings else "-",
                        style="bold red" if split else "",
                    )
                    for n in ev.evaluators
                ),
                Text(_("disagree") if split else "", style="bold red"),
            )
            lines.append(f"{t.task.id}: {t.task.text}")
            for name, r in t.ratings.items():
                lines.append(f"  {name} {r.rating}" + (f" — {r.reason}" if r.reason else ""))
            for o in t.observations:
                who = o.by.removeprefix("evaluator:")
                kind = _(kind_words(o.kind))
                lines.append(f"  {game_clock(scenario, o.game_ms)} {who} ({kind}) {o.text}")
        if not found.tasks:
            lines.append(_("This objective has no critical tasks."))
        lines += ["", _("Agreement")]
        rows = [*ev.pairs, *ev.vs_computed]
        if ev.among is not None and len(ev.among.raters) > 2:
            rows.insert(0, ev.among)
        lines += [f"  {agreement_line(g)}" for g in rows] or [
            "  " + _("no task rated by two raters yet")
        ]
        self.query_one("#lead-detail", Static).update(content("\n".join(lines)))

    def _after(self, _result: object = None) -> None:
        self.redraw()

    def action_final(self) -> None:
        oid = self.objective()
        if oid is None:
            return
        found = self.evaluation().objective(oid)
        computed = found.computed if found else None
        self.app.push_screen(dialogs.OverrideDialog(self.run, oid, computed), self._after)

    def action_evaluator(self) -> None:
        self.app.push_screen(EvaluatorDialog(self.run, self.session), self._after)


way_in(c.AddEvaluator, CONTROL_CONSOLE, "evaluator")
way_in(c.AssignEvaluator, CONTROL_CONSOLE, "evaluator")
way_in(c.RateTask, EVALUATOR_CONSOLE, "rate")
way_in(c.JoinEvaluator, EVALUATOR_CONSOLE, "rate")
