"""IcebergTTX scenario JSON → a Draft.

An IcebergTTX scenario is one JSON object: ``title``, ``description``, ``metadata``
(``author``, ``estimated_duration_minutes``), ``participant_teams`` (``id``, ``label``),
``injects`` and ``start_inject_id``. Each inject has ``id``, ``title``, ``content``,
``target_teams`` (none: every team), ``sequence_order``, ``options`` (choices, each with a
``label`` and the ``next_inject_id`` it leads to), a node-level ``next_inject_id`` (a
linear step), ``expected_actions`` (texts) and ``triggers_communications`` (messages sent
``delay_after_release_seconds`` after the inject).

IcebergTTX is "pull, not push": the facilitator releases each inject. So the start
inject is at ``+00:00`` and every other inject is a contingency inject released by hand;
the choices become ``branches`` (the inject to release when play takes that turn), each
expected action stays a separate expected action of each recipient cell, and the
triggered communications become injects triggered ``after`` theirs.
"""

from __future__ import annotations

import math
from datetime import timedelta
from typing import Any

import attrs

from exercise.importers.draft import CellBook, Context, Draft, KindBook
from exercise.importers.problems import ImportFailed, Notice, RowProblem, fail
from exercise.importers.text import clean, one_line, shorten
from exercise.model import Branch, Channel, ExpectedAction, Inject, Trigger


def is_iceberg(doc: Any) -> bool:
    """An IcebergTTX scenario: an object with injects and participant teams or a start."""
    return (
        isinstance(doc, dict)
        and isinstance(doc.get("injects"), list)
        and any(k in doc for k in ("participant_teams", "start_inject_id", "schema_version"))
    )


def _text(d: dict[str, Any], k: str) -> str:
    v = d.get(k)
    if isinstance(v, str):
        return clean(v)
    if isinstance(v, int | float) and not isinstance(v, bool):
        return clean(v)
    return ""


def _number(v: Any) -> float | None:
    """``v`` if it is a finite number (not a boolean), else None."""
    if isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v):
        return float(v)
    return None


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _dicts(value: Any) -> list[dict[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


@attrs.define
class _Importer:
    doc: dict[str, Any]
    ctx: Context
    problems: list[RowProblem] = attrs.Factory(list)
    notices: list[Notice] = attrs.Factory(list)

    def problem(self, where: str, message: str, hint: str = "") -> None:
        self.problems.append(RowProblem(self.ctx.file, 0, "", message, hint, where))

    def notice(self, where: str, message: str) -> None:
        self.notices.append(Notice(where, message))

    def run(self) -> Draft:
        doc = self.doc
        draft = Draft(
            source=f"{self.ctx.file} (IcebergTTX scenario)",
            title=self.ctx.mapping.title or one_line(_text(doc, "title")),
            summary=_text(doc, "description"),
            timezone=self.ctx.mapping.timezone or "UTC",
        )
        meta = doc.get("metadata") if isinstance(doc.get("metadata"), dict) else {}
        assert isinstance(meta, dict)
        minutes = _number(meta.get("estimated_duration_minutes"))
        if minutes is not None and 0 < minutes < 10**6:
            draft.duration = timedelta(minutes=math.ceil(minutes))
        left = [
            f"{k} {shorten(clean(v), 40)!r}"
            for k, v in meta.items()
            if k != "estimated_duration_minutes" and isinstance(v, str | int | float) and v != ""
        ]
        tags = [clean(t) for t in _list(doc.get("tags")) if isinstance(t, str)]
        if tags:
            left.append("tags " + ", ".join(tags))
        if left:
            self.notice("metadata", "not imported: " + "; ".join(left))
        debrief = _text(doc, "debrief_notes")
        if debrief:
            self.notice("debrief_notes", f"not imported (no place here): {shorten(debrief, 200)}")
        cells = CellBook(self.ctx.mapping, self.ctx.scenario)
        teams = self._teams(cells)
        kinds = KindBook(self.ctx.scenario)
        draft.injects = self._injects(cells, teams, kinds, draft)
        if self.problems:
            raise ImportFailed(self.problems)
        draft.cells = cells.cells() if self.ctx.scenario is None else []
        draft.move_kinds = kinds.kinds()
        draft.start, notice = self.ctx.start_or_today("IcebergTTX scenarios")
        if notice is not None:
            self.notices.append(notice)
        draft.notices = self.notices
        return draft

    def _teams(self, cells: CellBook) -> dict[str, str]:
        """Team id → cell id."""
        out: dict[str, str] = {}
        for i, team in enumerate(_dicts(self.doc.get("participant_teams")), 1):
            team_id = _text(team, "id") or f"team-{i}"
            label = one_line(_text(team, "label")) or team_id
            ident = None
            if self.ctx.mapping.cell(team_id) is not None:
                ident = cells.resolve(team_id)
            if ident is None:
                ident = cells.resolve(label)
            if ident is None and self.ctx.scenario is not None:
                ident = cells.resolve(team_id)
            if ident is None:
                self.problem(
                    f"participant team {team_id!r}",
                    "matches no cell of the scenario",
                    "cells: "
                    + ", ".join(cells.known())
                    + "; or map the team in a mapping file (cells:)",
                )
                continue
            out[team_id] = ident
        return out

    def _injects(
        self, cells: CellBook, teams: dict[str, str], kinds: KindBook, draft: Draft
    ) -> list[Inject]:
        items = self.doc.get("injects")
        raw = _dicts(items)
        if not raw:
            self.problem("injects", "the scenario has no injects")
            return []
        ordered = sorted(
            enumerate(raw),
            key=lambda p: (
                p[1].get("sequence_order")
                if isinstance(p[1].get("sequence_order"), int | float)
                and not isinstance(p[1].get("sequence_order"), bool)
                else math.inf,
                p[0],
            ),
        )
        ids: list[str] = []
        for n, item in ordered:
            ident = _text(item, "id") or f"inject-{n + 1}"
            if ident in ids:
                self.problem(f"inject {ident!r}", "the id is used by another inject")
            elif ident in self.ctx.taken:
                self.problem(
                    f"inject {ident!r}",
                    "the id is used by the scenario's other inject files",
                    "rename the inject in IcebergTTX, or import into a scenario without it",
                )
            ids.append(ident)
        known = set(ids)
        start = _text(self.doc, "start_inject_id") or (ids[0] if ids else "")
        if start not in known:
            self.problem(
                "start_inject_id",
                f"{start!r} is not an inject of the scenario",
                "injects: " + ", ".join(ids[:10]),
            )
        every = list(dict.fromkeys(teams.values()))
        out: list[Inject] = []
        told_pull = False
        for ident, (_, item) in zip(ids, ordered, strict=True):
            where = f"inject {ident!r}"
            draft.origins[ident] = where
            title = one_line(_text(item, "title"))
            if not title:
                title = shorten(_text(item, "content")) or ident
                self.notice(where, f"no title: titled {title!r} from its content")
            to = self._to(item, teams, every, where)
            if not to:
                to = [self._control(cells)]
                self.notice(where, "no team: addressed to exercise control")
            notes: list[str] = []
            branches = self._branches(item, ident, known, where, notes)
            expects = self._expects(item, to, kinds, where, notes)
            is_start = ident == start
            if not is_start and not told_pull:
                told_pull = True
                self.notice(
                    "injects",
                    "IcebergTTX injects are released by the facilitator: the start inject is at "
                    "+00:00, the others are contingency injects, released by hand as the "
                    "branches say",
                )
            out.append(
                Inject(
                    id=ident,
                    title=title,
                    to=tuple(to),
                    time=timedelta(0) if is_start else None,
                    body=_text(item, "content"),
                    expects=tuple(expects),
                    branches=tuple(branches),
                    notes="\n".join(notes),
                    contingency=not is_start,
                )
            )
            out.extend(self._communications(item, ident, every or to, known, draft))
        return out

    def _control(self, cells: CellBook) -> str:
        scn = self.ctx.scenario
        if scn is not None:
            return scn.control_cells[0].id if scn.control_cells else scn.cells[0].id
        return next(c.id for c in cells.cells() if c.side.value == "white")

    def _to(
        self, item: dict[str, Any], teams: dict[str, str], every: list[str], where: str
    ) -> list[str]:
        given = item.get("target_teams")
        if given is not None and not isinstance(given, list):
            self.problem(where, f"target_teams: expected a list of team ids, got {given!r}")
        wanted = [t for t in _list(given) if isinstance(t, str)]
        if not wanted:
            return list(every)
        to: list[str] = []
        for team in wanted:
            ident = teams.get(team)
            if ident is None:
                self.problem(
                    where,
                    f"target team {team!r} is not a participant team",
                    "participant teams: " + ", ".join(teams),
                )
            elif ident not in to:
                to.append(ident)
        return to

    def _branches(
        self, item: dict[str, Any], ident: str, known: set[str], where: str, notes: list[str]
    ) -> list[Branch]:
        out: list[Branch] = []
        links: list[tuple[str, Any]] = []
        for i, option in enumerate(_dicts(item.get("options")), 1):
            label = one_line(_text(option, "label")) or _text(option, "id") or f"option {i}"
            links.append((f"option {label!r}", option.get("next_inject_id")))
            if option.get("next_inject_id") is None:
                notes.append(f"Option {label!r} ends this branch")
        if item.get("next_inject_id") is not None:
            links.append(("next (no choice)", item.get("next_inject_id")))
        for when, target in links:
            if target is None:
                continue
            if not isinstance(target, str) or target not in known:
                self.problem(
                    where,
                    f"{when} leads to {target!r}, which is not an inject of the scenario",
                    "injects: " + ", ".join(sorted(known)[:10]),
                )
            elif target == ident:
                self.notice(where, f"{when} leads back to itself: left out")
            elif all(b.inject != target or b.when != when for b in out):
                out.append(Branch(inject=target, when=when.removeprefix("option ").strip("'")))
        return out

    def _expects(
        self,
        item: dict[str, Any],
        to: list[str],
        kinds: KindBook,
        where: str,
        notes: list[str],
    ) -> list[ExpectedAction]:
        out: list[ExpectedAction] = []
        given = item.get("expected_actions")
        if given is not None and not isinstance(given, list):
            self.problem(where, f"expected_actions: expected a list of texts, got {given!r}")
        for text in _list(given):
            if not isinstance(text, str) or not clean(text):
                continue
            action = clean(text)
            kind = kinds.guess(action)
            if kind is None:
                self.notice(
                    where,
                    f"expected action {shorten(action, 50)!r} matches no move kind of the "
                    "scenario; kept in the notes",
                )
                notes.append(f"Expected action: {one_line(action)}")
                continue
            for cell in to:
                out.append(
                    ExpectedAction(
                        cell=cell, action=kind, within=self.ctx.mapping.within, description=action
                    )
                )
        return out

    def _communications(
        self, item: dict[str, Any], parent: str, to: list[str], known: set[str], draft: Draft
    ) -> list[Inject]:
        out = []
        for i, comm in enumerate(_dicts(item.get("triggers_communications")), 1):
            ident = f"{parent}-comm-{i}"
            while ident in known:
                ident += "x"
            known.add(ident)
            entity = one_line(_text(comm, "external_entity"))
            subject = one_line(_text(comm, "subject"))
            title = subject or (f"Message from {entity}" if entity else f"Message {i}")
            seconds = _number(comm.get("delay_after_release_seconds"))
            delay = timedelta(0)
            if seconds is not None and 0 < seconds < 10**8:
                delay = timedelta(minutes=int(seconds // 60))
                if seconds % 60:
                    self.notice(
                        f"inject {parent!r}",
                        f"communication {title!r}: its delay of {seconds:g} s is "
                        "rounded down to the minute",
                    )
            notes = []
            direction = _text(comm, "direction")
            if direction and direction != "inbound":
                notes.append(f"Direction in IcebergTTX: {direction}")
            draft.origins[ident] = f"inject {parent!r}, communication {i}"
            out.append(
                Inject(
                    id=ident,
                    title=title,
                    to=tuple(to),
                    trigger=Trigger(after=parent, delay=delay),
                    from_=entity,
                    channel=Channel.MESSAGE,
                    body=_text(comm, "body"),
                    notes="\n".join(notes),
                )
            )
        return out


def import_iceberg(doc: dict[str, Any], ctx: Context) -> Draft:
    injects = doc.get("injects")
    if not isinstance(injects, list):
        raise fail(ctx.file, "injects: expected a list of injects")
    return _Importer(doc, ctx).run()


__all__ = ["import_iceberg", "is_iceberg"]
