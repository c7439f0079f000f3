"""The hot wash: per objective, the rating and its evidence, the strengths and areas for
improvement, and the improvement plan — all recorded as events for the report."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Static

from exercise.engine import commands as c
from exercise.i18n import N_, Num, _
from exercise.scoring import Scores
from exercise.session import Session
from exercise.tui.keybar import KeyBar
from exercise.tui.language import Localised
from exercise.tui.lazy import lazy_module
from exercise.tui.reach import CONTROL_CONSOLE, way_in
from exercise.tui.text import content, one_line, plain

if TYPE_CHECKING:
    from exercise.tui import dialogs
else:  # imported at the first dialog: the first frame waits for none of them
    dialogs = lazy_module("exercise.tui.dialogs")

way_in(c.Observe, CONTROL_CONSOLE, "strength")
way_in(c.OverrideRating, CONTROL_CONSOLE, "override")
way_in(c.PlanImprovement, CONTROL_CONSOLE, "plan")


class HotWashScreen(Screen[None], Localised):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("s", "strength", N_("Strength")),
        Binding("i", "improvement", N_("Area for improvement")),
        Binding("p", "plan", N_("Plan item")),
        Binding("e", "edit_plan", N_("Edit plan item")),
        Binding("o", "override", N_("Override rating")),
        Binding("v", "lead", N_("Evaluators")),
        Binding("escape", "leave", N_("Back")),
        Binding("question_mark,f1", "app.help", N_("Help")),
    ]

    TITLE = N_("Hot wash — strengths, areas for improvement and the improvement plan")

    def __init__(
        self,
        session: Session,
        run: dialogs.Runner,
        scores: Callable[[], Scores],
        *,
        scoring: Callable[[], None] | None = None,
    ) -> None:
        """``scores`` gives the scores drawn so far without waiting; ``scoring``, when
        given, starts bringing them up to date off the UI thread (the console then calls
        :meth:`scored`), so that the screen opens at once however long the journal."""
        super().__init__()
        self.session = session
        self.run = run
        self.scores = scores
        self.scoring = scoring

    def action_leave(self) -> None:
        self.dismiss(None)  # the console seals what the hot wash recorded

    def compose(self) -> ComposeResult:
        yield Static(_(self.TITLE), id="status")
        with Horizontal(id="main"):
            yield DataTable(id="hw-objectives", cursor_type="row")
            with VerticalScroll(id="hw-detail-pane"):
                yield Static(id="hw-detail")
                yield DataTable(id="hw-plan", cursor_type="row")
        yield KeyBar()

    def on_mount(self) -> None:
        table = self.query_one("#hw-objectives", DataTable)
        for label, width in (
            (_("Objective"), 10),
            (_("Rating"), 14),
            ("+", 3),
            ("−", 3),
            (_("Title"), None),
        ):
            table.add_column(label, width=width)
        plan = self.query_one("#hw-plan", DataTable)
        plan.add_columns(_("Item"), _("Issue"), _("Corrective action"), _("Cell"), _("Dates"))
        self.redraw()
        table.focus()
        if self.scoring is not None:
            self.query_one("#status", Static).update(f"{_(self.TITLE)}  │  " + _("scoring…"))
            self.scoring()

    def scored(self) -> None:
        """The scores are up to date: redraw them."""
        self.query_one("#status", Static).update(_(self.TITLE))
        self.redraw()

    def objective(self) -> str | None:
        table = self.query_one("#hw-objectives", DataTable)
        if not table.row_count:
            return None
        return str(table.coordinate_to_cell_key(table.cursor_coordinate)[0].value)

    def redraw(self) -> None:
        state = self.session.state
        scores = {o.id: o for o in self.scores().objectives}
        table = self.query_one("#hw-objectives", DataTable)
        keep = table.cursor_row
        table.clear()
        for o in self.session.scenario.objectives:
            s = scores[o.id]
            rating = (s.rating or "-") + (_(" (override)") if s.override_reason else "")
            mine = [x for x in state.observations if o.id in x.objectives]
            table.add_row(
                plain(o.id), plain(rating),
                plain(sum(x.kind == "strength" for x in mine)),
                plain(sum(x.kind == "improvement" for x in mine)),
                plain(one_line(o.title)), key=o.id,
            )  # fmt: skip
        if table.row_count:
            table.move_cursor(row=min(max(keep, 0), table.row_count - 1), animate=False)
        self.show_detail()

    @on(DataTable.RowHighlighted, "#hw-objectives")
    def show_detail(self) -> None:
        oid = self.objective()
        if oid is None:
            return
        state = self.session.state
        scenario = self.session.scenario
        objective = next(o for o in scenario.objectives if o.id == oid)
        scores = self.scores()
        score = next(o for o in scores.objectives if o.id == oid)
        lines = [
            f"{oid} — {objective.title}",
            _("Capability: {capability}").format(capability=objective.capability),
            "",
        ]
        share = "-" if score.share is None else str(Num(score.share, ".0%"))
        lines.append(
            _("Rating {rating} (computed {computed}): {points} of {max_points} points, {share}")
            .format(
                rating=score.rating or "-", computed=score.computed or "-",
                points=str(Num(score.points, ".1f")),
                max_points=str(Num(score.max_points, ".1f")), share=share,
            )
        )  # fmt: skip
        if score.override_reason:
            lines.append(_("Override: {reason}").format(reason=score.override_reason))
        if score.conflict:
            lines.append(_("CONFLICT: {conflict}").format(conflict=score.conflict))
        for kind, title in (
            ("strength", _("Strengths ({count})")),
            ("improvement", _("Areas for improvement ({count})")),
        ):
            found = [x for x in state.observations if x.kind == kind and oid in x.objectives]
            lines += ["", title.format(count=len(found))] + [f"  • {x.text}" for x in found]
        lost = [a for a in scores.final if a.objective == oid and a.points < a.max_points]
        if lost:
            lines += ["", _("Points lost (from the scoring rules)")]
            lines += [f"  • {one_line(a.explanation, 160)}" for a in lost[:8]]
        self.query_one("#hw-detail", Static).update(content("\n".join(lines)))
        plan = self.query_one("#hw-plan", DataTable)
        plan.clear()
        for item_id, item in state.improvements.items():
            if item.removed or item.objective not in (oid, ""):
                continue
            dates = " – ".join(d for d in (item.start, item.end) if d)
            plan.add_row(
                plain(item_id), plain(one_line(item.issue, 40)),
                plain(one_line(item.corrective_action, 40)), plain(item.cell),
                plain(dates), key=item_id,
            )  # fmt: skip

    def _after(self, _result: object = None) -> None:
        self.redraw()

    def action_strength(self) -> None:
        self._observe("strength")

    def action_improvement(self) -> None:
        self._observe("improvement")

    def _observe(self, kind: str) -> None:
        oid = self.objective() or ""
        dialog = dialogs.ObservationDialog(
            self.run, self.session.scenario, kind=kind, objective=oid
        )
        self.app.push_screen(dialog, self._after)

    def action_plan(self) -> None:
        dialog = dialogs.ImprovementDialog(self.run, self.session.scenario, self.objective() or "")
        self.app.push_screen(dialog, self._after)

    def action_edit_plan(self) -> None:
        plan = self.query_one("#hw-plan", DataTable)
        if not plan.row_count:
            self.app.notify(_("no improvement plan item to edit for this objective"), markup=False)
            return
        item_id = str(plan.coordinate_to_cell_key(plan.cursor_coordinate)[0].value)
        item = self.session.state.improvements[item_id]
        dialog = dialogs.ImprovementDialog(self.run, self.session.scenario, item=item)
        self.app.push_screen(dialog, self._after)

    def action_override(self) -> None:
        oid = self.objective()
        if oid is None:
            return
        score = next(o for o in self.scores().objectives if o.id == oid)
        self.app.push_screen(dialogs.OverrideDialog(self.run, oid, score.computed), self._after)

    def action_lead(self) -> None:
        from exercise.tui.leadview import LeadScreen

        self.app.push_screen(LeadScreen(self.session, self.run, self.scores), self._after)
