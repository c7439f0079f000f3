"""OpenBAS / OpenAEV scenario (and simulation) exports → a Draft.

The export is a zip holding ``<scenario name>.json`` (zip entry comment ``Scenario``, or
``Exercise`` for a simulation) and the attached documents; the JSON alone is accepted
too. What maps:

================================  =========================================================
export                            here
================================  =========================================================
``scenario_information``          title (``scenario_name``), summary (``..._subtitle``),
                                  briefing (``..._description``)
``scenario_teams``                cells (``team_name``, ``team_description`` as the role,
                                  the players of ``team_users`` as members)
``scenario_objectives``           objectives (``objective_title``; the description as the
                                  capability)
``scenario_injects``              injects, numbered INJ-001... by time (skipping ids the
                                  scenario's other inject files use)
``inject_depends_duration``       time (seconds after the start)
``inject_teams``/``..._all_teams``  recipients
``inject_content``                body (``subject``, ``body``, ``message``, ``status``)
``inject_content.expectations``   expected actions, one per recipient cell
``inject_depends_on``             a trigger: ``after`` the parent, or ``met``/``missed`` for
                                  a condition on one of its expectations
``inject_enabled: false``         a contingency inject (held by control)
================================  =========================================================

Everything else (documents, media channels and articles, challenges, lessons-learned
questions, variables, tags, expectation scores, assets of technical injects) is listed
as not imported.
"""

from __future__ import annotations

import html
import io
import json
import math
import re
import zipfile
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import attrs

from exercise.importers.draft import CellBook, Context, Draft, KindBook
from exercise.importers.problems import ImportFailed, Notice, RowProblem, fail
from exercise.importers.table import MAX_BYTES, decode, read_limited
from exercise.importers.text import clean, counted, one_line, shorten
from exercise.model import (
    Cell,
    Channel,
    ExpectedAction,
    Inject,
    MoveKind,
    Objective,
    Side,
    Trigger,
)

#: Injector types and the channel their injects travel by.
CHANNELS: dict[str, Channel] = {
    "openbas_email": Channel.EMAIL,
    "openbas_ovh_sms": Channel.MESSAGE,
    "openbas_mastodon": Channel.MEDIA,
    "openbas_channel": Channel.MEDIA,
    "openbas_challenge": Channel.DOCUMENT,
    "openbas_manual": Channel.MESSAGE,
}
#: Expectation types and the move kind each becomes in a stub scenario.
KINDS: dict[str, MoveKind] = {
    "MANUAL": MoveKind("respond", "Respond as expected"),
    "TEXT": MoveKind("reply", "Reply in writing"),
    "DOCUMENT": MoveKind("send-document", "Send a document"),
    "ARTICLE": MoveKind("read-article", "Read a media article"),
    "CHALLENGE": MoveKind("solve-challenge", "Solve a challenge"),
    "DETECTION": MoveKind("detect", "Detect the attack"),
    "PREVENTION": MoveKind("prevent", "Prevent the attack"),
    "VULNERABILITY": MoveKind("remediate", "Remediate the vulnerability"),
}
_BODY_KEYS = ("subject", "body", "message", "status")
_KIND_OF_EXPORT = {
    "scenario_": "OpenBAS scenario export",
    "exercise_": "OpenBAS exercise export",
    "inject_": "OpenAEV export of injects",
}
_QUIET_KEYS = {"expectations", "encrypted", "emailing", "obfuscator"}


def read_export(path: Path, file: str) -> Any:
    """The export's JSON, from the zip or from a JSON file."""
    data = read_limited(path, file)
    notices: list[Notice] = []
    if data.startswith(b"PK"):
        data = _from_zip(data, file, notices)
    doc = parse_export(data, file, notices)
    if isinstance(doc, dict):
        doc["\0notices"] = notices
    return doc


def _from_zip(data: bytes, file: str, notices: list[Notice]) -> bytes:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            infos = [i for i in z.infolist() if not i.is_dir()]
            main = [i for i in infos if i.comment in (b"Scenario", b"Exercise")]
            if not main:
                main = [
                    i
                    for i in infos
                    if i.filename.lower().endswith(".json") and "/" not in i.filename.strip("/")
                ]
            if len(main) != 1:
                names = ", ".join(i.filename for i in infos[:10])
                raise fail(
                    file,
                    "not an OpenBAS export: expected one scenario JSON in the zip"
                    + (f" (found: {names})" if names else " (it is empty)"),
                )
            entry = main[0]
            if entry.file_size > MAX_BYTES:
                raise fail(file, f"{entry.filename} is over the {MAX_BYTES:,}-byte limit")
            others = [i.filename for i in infos if i is not entry]
            if others:
                notices.append(
                    Notice(
                        "documents",
                        f"{counted(len(others), 'attached file')} in the zip not imported: "
                        + ", ".join(others[:8])
                        + (" ..." if len(others) > 8 else ""),
                    )
                )
            return z.read(entry)
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, ValueError) as exc:
        raise fail(file, f"not a readable zip file ({exc})") from None


def parse_export(data: bytes, file: str, notices: list[Notice] | None = None) -> Any:
    """The JSON value of ``data`` (an object or a list), in whatever encoding it is."""
    text, _ = decode(data, file, notices if notices is not None else [])
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise fail(
            file, f"not valid JSON: line {exc.lineno}, column {exc.colno}: {exc.msg}"
        ) from None
    except RecursionError:
        raise fail(file, "JSON nested too deeply") from None
    except ValueError as exc:  # a number of more digits than Python converts
        raise fail(file, f"not a readable JSON number: {exc}".split(";")[0]) from None


def prefix_of(doc: dict[str, Any]) -> str | None:
    for prefix in ("scenario_", "exercise_"):
        if f"{prefix}information" in doc or f"{prefix}injects" in doc:
            return prefix
    if "inject_information" in doc:
        return "inject_"  # an export of injects alone
    return None


def _dicts(value: Any) -> list[dict[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _text(d: dict[str, Any], k: str) -> str:
    v = d.get(k)
    if isinstance(v, str):
        return clean(v)
    if isinstance(v, int | float) and not isinstance(v, bool):
        return clean(v)
    return ""


def _ids(value: Any, id_key: str) -> list[str]:
    """Ids in a list of ids or of objects holding ``id_key``."""
    out = []
    for v in value if isinstance(value, list) else []:
        if isinstance(v, str):
            out.append(v)
        elif isinstance(v, dict) and isinstance(v.get(id_key), str):
            out.append(v[id_key])
    return out


def _filled(v: Any) -> bool:
    return v not in (None, "", [], {}, False)


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs_: Any) -> None:
        if tag in ("br", "p", "div", "li", "tr", "h1", "h2", "h3", "h4"):
            self.parts.append("\n")
        if tag == "li":
            self.parts.append("- ")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def html_text(text: str) -> str:
    """Rich text (HTML) of an email body as plain text."""
    if "<" not in text:
        return html.unescape(text)
    parser = _Text()
    try:
        parser.feed(text)
        parser.close()
    except Exception:  # HTMLParser is lenient; keep the text if it ever gives up
        return text
    return re.sub(r"\n{3,}", "\n\n", clean("".join(parser.parts)))


@attrs.define
class _Importer:
    doc: dict[str, Any]
    prefix: str
    ctx: Context
    problems: list[RowProblem] = attrs.Factory(list)
    notices: list[Notice] = attrs.Factory(list)
    team_info: dict[str, tuple[str, tuple[str, ...]]] = attrs.Factory(dict)
    kinds_made: dict[str, MoveKind] = attrs.Factory(dict)
    white: set[str] = attrs.Factory(set)
    told_dependency: bool = False
    scored: int = 0

    def problem(self, where: str, message: str, hint: str = "") -> None:
        self.problems.append(RowProblem(self.ctx.file, 0, "", message, hint, where))

    def notice(self, where: str, message: str) -> None:
        self.notices.append(Notice(where, message))

    def get(self, name: str) -> Any:
        if self.prefix == "inject_":  # an export of injects alone
            if name == "information":
                return None
            if name == "injects":
                return self.doc.get("inject_information")
        return self.doc.get(self.prefix + name)

    def run(self) -> Draft:
        info = self.get("information")
        info = info if isinstance(info, dict) else {}
        p = self.prefix
        draft = Draft(
            source=f"{self.ctx.file} ({_KIND_OF_EXPORT[p]})",
            title=self.ctx.mapping.title or _text(info, p + "name"),
            summary=_text(info, p + "subtitle"),
            briefing=html_text(_text(info, p + "description")),
            timezone=self.ctx.mapping.timezone or "UTC",
        )
        self.notices.extend(self.doc.get("\0notices", []))
        used = {p + k for k in ("name", "subtitle", "description", "id", "mail_from")}
        left = [
            f"{k.removeprefix(p)} {shorten(clean(v), 40)!r}"
            for k, v in info.items()
            if k not in used and _filled(v) and not isinstance(v, list | dict)
        ]
        if left:
            self.notice(f"{p}information", "not imported: " + ", ".join(left))
        for name, what in (
            ("documents", "documents"),
            ("channels", "media channels"),
            ("articles", "media articles"),
            ("challenges", "challenges"),
            ("lessons_categories", "lessons-learned categories"),
            ("lessons_questions", "lessons-learned questions"),
            ("variables", "variables"),
            ("tags", "tags"),
            ("organizations", "organizations"),
        ):
            items = self.get(name)
            if isinstance(items, list) and items:
                self.notice(p + name, f"{len(items)} {what} not imported (no equivalent here)")
        mail_from = _text(info, p + "mail_from")
        cells = CellBook(self.ctx.mapping, self.ctx.scenario)
        team_cells = self._teams(cells)
        self.white = {c.id for c in cells.made.values() if c.side is Side.WHITE} | {
            c.id for c in cells.cells() if c.side is Side.WHITE
        }
        draft.objectives = self._objectives()
        kinds = KindBook(self.ctx.scenario)
        injects = self._injects(cells, team_cells, kinds, mail_from, draft)
        draft.cells = cells.cells() if self.ctx.scenario is None else []
        if self.ctx.scenario is None:
            draft.cells = [self._enriched(c) for c in draft.cells]
        draft.move_kinds = list(self.kinds_made.values())
        draft.injects = injects
        if self.problems:
            raise ImportFailed(self.problems)
        draft.start, notice = self.ctx.start_or_today("exports")
        if notice is not None:
            self.notices.append(notice)
        draft.notices = self.notices
        return draft

    # ------------------------------------------------------------------ teams

    def _teams(self, cells: CellBook) -> dict[str, str]:
        users = {}
        for u in _dicts(self.get("users")):
            name = " ".join(x for x in (_text(u, "user_firstname"), _text(u, "user_lastname")) if x)
            users[_text(u, "user_id")] = name or _text(u, "user_email") or _text(u, "user_id")
        out: dict[str, str] = {}
        placed: set[str] = set()
        for i, team in enumerate(_dicts(self.get("teams"))):
            name = _text(team, "team_name") or f"Team {i + 1}"
            ident = cells.resolve(name)
            if ident is None:
                self.problem(
                    f"team {name!r}",
                    "matches no cell of the scenario",
                    "cells: "
                    + ", ".join(cells.known())
                    + "; or map the team in a mapping file (cells:)",
                )
                continue
            team_id = _text(team, "team_id") or name
            out[team_id] = ident
            member_ids = _ids(team.get("team_users"), "user_id")
            placed.update(member_ids)
            members = tuple(users.get(m, m) for m in member_ids)
            old = self.team_info.get(ident, ("", ()))
            self.team_info[ident] = (
                old[0] or one_line(_text(team, "team_description")),
                old[1] + tuple(m for m in members if m not in old[1]),
            )
            if self.ctx.scenario is not None and members:
                self.notice(
                    f"team {name!r}",
                    "players not imported with --scenario "
                    "(the scenario lists the members of its cells)",
                )
        loose = [u for uid, u in users.items() if uid not in placed]
        if loose:
            self.notice(
                self.prefix + "users",
                f"{counted(len(loose), 'player')} in no team not "
                "imported: " + ", ".join(loose[:8]) + (" ..." if len(loose) > 8 else ""),
            )
        return out

    def _enriched(self, cell: Cell) -> Cell:
        role, members = self.team_info.get(cell.id, ("", ()))
        return attrs.evolve(cell, role=role or cell.role, members=members or cell.members)

    def _objectives(self) -> list[Objective]:
        items = _dicts(self.get("objectives"))
        if not items:
            return []
        if self.ctx.scenario is not None:
            titles = ", ".join(repr(_text(o, "objective_title")) for o in items)
            self.notice(
                self.prefix + "objectives",
                f"not imported with --scenario (the scenario defines its own): {titles}",
            )
            return []
        out = []
        for i, o in enumerate(items, 1):
            title = one_line(_text(o, "objective_title")) or f"Objective {i}"
            capability = one_line(_text(o, "objective_description")) or title
            out.append(Objective(id=f"OBJ-{i}", title=title, capability=capability))
        if any(_filled(o.get("objective_priority")) for o in items):
            self.notice(self.prefix + "objectives", "objective priorities not imported")
        return out

    # ---------------------------------------------------------------- injects

    def _control(self, cells: CellBook) -> str:
        if self.ctx.scenario is not None:
            return (
                self.ctx.scenario.control_cells[0].id
                if self.ctx.scenario.control_cells
                else self.ctx.scenario.cells[0].id
            )
        return next(c.id for c in cells.cells() if c.side is Side.WHITE)

    def _injects(
        self,
        cells: CellBook,
        team_cells: dict[str, str],
        kinds: KindBook,
        mail_from: str,
        draft: Draft,
    ) -> list[Inject]:
        name = "inject_information" if self.prefix == "inject_" else self.prefix + "injects"
        given = self.get("injects")
        if given is not None and not isinstance(given, list):
            shown = repr(shorten(given, 30)) if isinstance(given, str) else type(given).__name__
            self.problem(
                name,
                f"expected a list of injects, got {shown}",
                "export the scenario again from OpenAEV",
            )
            return []
        raw = _dicts(given)
        if not raw:
            if team_cells:
                self.notice(
                    name,
                    f"the export has no injects: only its {counted(len(team_cells), 'team')} "
                    + ("was" if len(team_cells) == 1 else "were")
                    + " imported, as cells",
                )
                return []
            self.problem(
                name,
                "the export has no injects and no teams: nothing to import",
                "export the scenario from OpenAEV with its injects (or its teams)",
            )
            return []
        timed = []
        for i, item in enumerate(raw):
            seconds = item.get("inject_depends_duration", 0)
            if isinstance(seconds, str) and re.fullmatch(r"\d{1,9}", seconds.strip()):
                seconds = int(seconds)
            title = one_line(_text(item, "inject_title"))
            if not title:
                described = html_text(_text(item, "inject_description"))
                title = shorten(described) if described else f"inject {i + 1}"
                self.notice(
                    f"inject {i + 1} of {name}",
                    f"no inject_title: titled {title!r}"
                    + (" from its description" if described else " (its place in the export)"),
                )
            if seconds is None:
                seconds = 0
            if (
                not isinstance(seconds, int | float)
                or isinstance(seconds, bool)
                or not math.isfinite(seconds)
                or seconds < 0
                or seconds > 10**9
            ):
                self.problem(
                    f"inject {title!r}",
                    f"inject_depends_duration {seconds!r} is not "
                    "a number of seconds from the start",
                )
                seconds = 0
            timed.append((float(seconds), i, item, title))
        timed.sort(key=lambda t: (t[0], t[1]))
        prefix = self.ctx.mapping.id_prefix
        numbers = (n for n in range(1, 10**6) if f"{prefix}{n:03d}" not in self.ctx.taken)
        idents = [f"{prefix}{next(numbers):03d}" for _ in timed]
        new_id = {}
        for ident, (_, _, item, _) in zip(idents, timed, strict=True):
            old = item.get("inject_id")
            if isinstance(old, str):
                new_id[old] = ident
        players = list(dict.fromkeys(team_cells.values()))
        out: list[Inject] = []
        pending: list[tuple[int, dict[str, Any], float]] = []
        expects_of: dict[str, bool] = {}
        seconds_of: dict[str, float] = {}
        rounded = 0
        for ident, (seconds, _, item, title) in zip(idents, timed, strict=True):
            draft.origins[ident] = f"inject {title!r}"
            where = f"inject {title!r}"
            seconds_of[ident] = seconds
            left: list[str] = []
            notes: list[str] = []
            to = self._recipients(item, cells, team_cells, players, where)
            content = item.get("inject_content")
            content = content if isinstance(content, dict) else {}
            channel, ctype = self._channel(item)
            if ctype and ctype not in CHANNELS:
                self.notice(
                    where,
                    f"injector {ctype}: what it executes is not imported; "
                    "it becomes a message to its teams",
                )
                notes.append(f"OpenBAS injector: {ctype}")
            body = self._body(item, content, title)
            for k, v in content.items():
                if k not in _BODY_KEYS and k not in _QUIET_KEYS and _filled(v):
                    left.append(f"content field {k!r}")
            if content.get("encrypted") is True:
                left.append("encryption")
            for k, what in (
                ("inject_documents", "documents"),
                ("inject_tags", "tags"),
                ("inject_country", "country"),
                ("inject_city", "city"),
                ("inject_assets", "assets"),
                ("inject_asset_groups", "asset groups"),
            ):
                if _filled(item.get(k)):
                    left.append(what)
            if not to:
                to = [self._control(cells)]
                self.notice(where, "no team: addressed to exercise control")
            expects = self._expects(
                {**content, "expectations": _expectations(item, content)}, to, kinds, where, notes
            )
            expects_of[ident] = bool(expects)
            contingency = item.get("inject_enabled") is False
            scheduled = timedelta(minutes=int(seconds // 60))
            time: timedelta | None = scheduled
            if seconds % 60:
                rounded += 1
            if contingency:
                self.notice(
                    where,
                    "disabled in OpenBAS: imported as a contingency inject (released by hand)",
                )
                notes.append(f"Disabled in OpenBAS; was scheduled at +{_hm(scheduled)}")
                time = None
            if left:
                self.notice(where, "not imported: " + ", ".join(left))
            out.append(
                Inject(
                    id=ident,
                    title=one_line(title),
                    to=tuple(to),
                    time=time,
                    channel=channel,
                    from_=mail_from if channel is Channel.EMAIL else "",
                    body=body,
                    expects=tuple(expects),
                    notes="\n".join(notes),
                    contingency=contingency,
                )
            )
            pending.append((len(out) - 1, item, seconds))
        if self.scored:
            self.notice(
                self.prefix + "injects",
                f"expectation scores of {counted(self.scored, 'inject')} "
                "not imported (scores come from rule files here)",
            )
        if rounded:
            self.notice(
                self.prefix + "injects",
                f"{counted(rounded, 'inject time')} not on a whole minute: rounded down",
            )
        for index, item, seconds in pending:
            out[index] = self._depends(out[index], item, seconds, new_id, expects_of, seconds_of)
        return out

    def _recipients(
        self,
        item: dict[str, Any],
        cells: CellBook,
        team_cells: dict[str, str],
        players: list[str],
        where: str,
    ) -> list[str]:
        if item.get("inject_all_teams") is True:
            return list(players)
        to: list[str] = []
        for team_id in _ids(item.get("inject_teams"), "team_id"):
            ident = team_cells.get(team_id)
            if ident is None:
                self.notice(
                    where,
                    f"team {team_id!r} is not in the export (exported without "
                    "teams?); left out of the recipients",
                )
            elif ident not in to:
                to.append(ident)
        return to

    def _channel(self, item: dict[str, Any]) -> tuple[Channel, str]:
        contract = item.get("inject_injector_contract")
        ctype = ""
        if isinstance(contract, dict):
            ctype = _text(contract, "injector_contract_injector_type")
            if not ctype:
                converted = contract.get("convertedContent")
                config = converted.get("config") if isinstance(converted, dict) else None
                if isinstance(config, dict):
                    ctype = _text(config, "type")
        return CHANNELS.get(ctype, Channel.MESSAGE), ctype

    def _body(self, item: dict[str, Any], content: dict[str, Any], title: str) -> str:
        parts = []
        description = html_text(_text(item, "inject_description"))
        if description:
            parts.append(description)
        subject = _text(content, "subject")
        if subject and subject != title:
            parts.append(f"**Subject:** {one_line(subject)}")
        for k in ("body", "message", "status"):
            text = html_text(_text(content, k))
            if text:
                parts.append(text)
        return "\n\n".join(parts)

    def _expects(
        self,
        content: dict[str, Any],
        to: list[str],
        kinds: KindBook,
        where: str,
        notes: list[str],
    ) -> list[ExpectedAction]:
        out: list[ExpectedAction] = []
        players = [c for c in to if self._is_player(c)]
        scored = grouped = False
        for e in _dicts(content.get("expectations")):
            etype = _text(e, "expectation_type").upper() or "MANUAL"
            name = one_line(_text(e, "expectation_name")) or etype.capitalize()
            described = _text(e, "expectation_description")
            description = name + (f": {described}" if described else "")
            scored = scored or _filled(e.get("expectation_score"))
            grouped = grouped or e.get("expectation_expectation_group") is True
            if not players:
                self.notice(
                    where, f"expectation {name!r}: no team receives the inject; kept in the notes"
                )
                notes.append(f"Expectation: {description}")
                continue
            kind = self._kind(etype, name, kinds)
            if kind is None:
                self.notice(
                    where,
                    f"expectation {name!r} matches no move kind of the scenario; kept in the notes",
                )
                notes.append(f"Expectation: {description}")
                continue
            within = self.ctx.mapping.within
            secs = e.get("expectation_expiration_time")
            if (
                isinstance(secs, int | float)
                and not isinstance(secs, bool)
                and math.isfinite(secs)
                and 0 < secs <= 10**9
            ):
                within = timedelta(minutes=max(1, math.ceil(secs / 60)))
            for cell in players:
                out.append(
                    ExpectedAction(cell=cell, action=kind, within=within, description=description)
                )
        if scored:
            self.scored += 1
        if grouped:
            self.notice(where, "'expectation group' (one player for the whole team) not imported")
        return out

    def _is_player(self, cell_id: str) -> bool:
        scn = self.ctx.scenario
        if scn is not None:
            return any(c.id == cell_id and c.side is not Side.WHITE for c in scn.cells)
        return cell_id not in self.white

    def _kind(self, etype: str, name: str, kinds: KindBook) -> str | None:
        if self.ctx.scenario is None:
            kind = KINDS.get(etype) or MoveKind(etype.lower() or "respond", etype.capitalize())
            self.kinds_made.setdefault(kind.id, kind)
            return kind.id
        made = KINDS.get(etype)
        for cand in ([made.id, made.title] if made else []) + [name]:
            found = kinds.resolve(cand)
            if found is not None:
                return found
        return kinds.guess(name)

    def _depends(
        self,
        inject: Inject,
        item: dict[str, Any],
        seconds: float,
        new_id: dict[str, str],
        expects_of: dict[str, bool],
        seconds_of: dict[str, float],
    ) -> Inject:
        where = f"inject {inject.title!r}"
        deps = item.get("inject_depends_on")
        own = item.get("inject_id")
        links: list[tuple[str, Any]] = []
        if isinstance(deps, str):
            links.append((deps, None))
        for d in _dicts(deps):
            rel = d.get("dependency_relationship")
            rel = rel if isinstance(rel, dict) else {}
            parent, child = rel.get("inject_parent_id"), rel.get("inject_children_id")
            if isinstance(parent, str) and (child in (None, own)):
                links.append((parent, d.get("dependency_condition")))
        if not links:
            return inject
        parent_old, condition = links[0]
        if len(links) > 1:
            self.notice(where, "depends on several injects: only the first is kept")
        parent = new_id.get(parent_old)
        if parent == inject.id:
            self.notice(where, "depends on itself: the dependency is left out")
            return inject
        if parent is None:
            self.notice(
                where,
                f"depends on inject {parent_old!r}, which is not in the export; kept at its time",
            )
            return inject
        kind, text = self._condition(condition, expects_of.get(parent, False))
        if text:
            self.notice(where, text)
        gap = seconds - seconds_of[parent]
        if gap < 0:
            self.notice(where, "scheduled before the inject it depends on: released right after it")
        delay = timedelta(minutes=int(max(gap, 0) // 60))
        if not self.told_dependency:
            self.told_dependency = True
            self.notice(
                "inject_depends_on",
                "OpenBAS releases a dependent inject at its own "
                "time if the condition holds; here it is released when the condition "
                "holds, after the difference of the two times",
            )
        trigger = Trigger(
            after=parent if kind == "after" else None,
            met=parent if kind == "met" else None,
            missed=parent if kind == "missed" else None,
            delay=delay,
        )
        if inject.contingency:
            return attrs.evolve(inject, trigger=trigger)
        return attrs.evolve(inject, time=None, trigger=trigger)

    def _condition(self, condition: Any, parent_expects: bool) -> tuple[str, str]:
        """``after``/``met``/``missed`` for a dependency condition, and what was lost."""
        if not isinstance(condition, dict):
            return "after", ""
        conds = _dicts(condition.get("conditions"))
        shown = " and ".join(f"{_text(c, 'key')} is {c.get('value')}" for c in conds)
        if str(condition.get("mode", "and")).lower() == "or" and len(conds) > 1:
            shown = shown.replace(" and ", " or ")
        on_expectation = [c for c in conds if _text(c, "key") != "Execution"]
        if not on_expectation:
            if all(c.get("value") is not False for c in conds):
                return "after", ""
            return "after", f"condition '{shown}' cannot be mapped: released after the parent"
        first = on_expectation[0]
        kind = "met" if first.get("value") is not False else "missed"
        if not parent_expects:
            return "after", (
                f"condition '{shown}' is on an expectation the parent does not "
                "carry here: released after the parent"
            )
        lost = f"condition '{shown}' reduced to '{kind}'" if len(conds) > 1 else ""
        return kind, lost


def _expectations(item: dict[str, Any], content: dict[str, Any]) -> list[dict[str, Any]]:
    """The expectations of an inject: those of its content and those set on the inject
    itself (``inject_expectations``, keys ``inject_expectation_*``), each once."""
    out = _dicts(content.get("expectations"))
    seen = {(_text(e, "expectation_type"), _text(e, "expectation_name")) for e in out}
    for e in _dicts(item.get("inject_expectations")):
        norm = {k.removeprefix("inject_"): v for k, v in e.items()}
        if "expectation_expected_score" in norm:
            norm.setdefault("expectation_score", norm["expectation_expected_score"])
        k = (_text(norm, "expectation_type"), _text(norm, "expectation_name"))
        if k not in seen:
            seen.add(k)
            out.append(norm)
    return out


def _hm(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def import_export(doc: dict[str, Any], ctx: Context) -> Draft:
    prefix = prefix_of(doc)
    if prefix is None:
        raise fail(
            ctx.file,
            "not an OpenBAS/OpenAEV export (no scenario_information, scenario_injects, "
            "exercise_information or inject_information)",
            "export the scenario from OpenAEV (Export, JSON zip)",
        )
    return _Importer(doc, prefix, ctx).run()


__all__ = ["import_export", "parse_export", "read_export"]
