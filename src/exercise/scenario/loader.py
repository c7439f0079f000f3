"""Load a scenario, its MSEL and its rules; check everything; report every problem.

:func:`load_scenario` returns a :class:`~exercise.model.Scenario` or raises
:class:`~exercise.scenario.errors.ScenarioError` listing every problem found in every
file, each pinned to ``file:line:column`` with a hint.
"""

from __future__ import annotations

import contextlib
import functools
import typing
import zoneinfo
from collections import Counter
from collections.abc import Generator, Iterable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import attrs
import cattrs

from exercise.i18n import N_, _, script_words
from exercise.model import (
    AcknowledgeRule,
    AnswerRule,
    Cell,
    Channel,
    ChannelRule,
    DeconflictRule,
    Inject,
    JointRule,
    Module,
    MoveKind,
    NetworkRule,
    NotifyRule,
    Objective,
    RespondRule,
    Rule,
    RuleSet,
    Scenario,
    Side,
    Trigger,
    format_duration,
)
from exercise.model.inject import GRADING, OUTCOMES, TRIGGER_CONDITIONS
from exercise.model.rules import NOTIFY_AFTER, RULES_VERSIONS, Ratings
from exercise.scenario.convert import flatten, make_converter, scenario_start
from exercise.scenario.errors import Problem, ScenarioError
from exercise.scenario.yamlsafe import Document, Path_, did_you_mean, one_of, read_document
from exercise.text import mixed_script_word, scripts, skeleton

T = TypeVar("T")


@functools.cache
def converter() -> cattrs.Converter:
    """The strict converter (built once: cattrs generates code per class)."""
    return make_converter()


@attrs.define
class _Loaded:
    """What was read so far, with where each piece came from."""

    problems: list[Problem] = attrs.Factory(list)
    scenario: Scenario | None = None
    scenario_doc: Document | None = None
    injects: list[tuple[Inject, Document, Path_]] = attrs.Factory(list)
    rules: list[tuple[Rule, Document, Path_]] = attrs.Factory(list)
    ratings: Ratings = attrs.Factory(Ratings)
    ratings_at: tuple[Document, Path_] | None = None
    version: int | None = None
    version_at: tuple[Document, Path_] | None = None
    #: Ids of injects that failed to structure: still valid targets of references.
    broken_injects: set[str] = attrs.Factory(set)
    #: An inject file could not be read at all: references to injects are not checked.
    injects_unknown: bool = False
    #: Positions of problems found while reading; later problems there are echoes.
    read_at: set[tuple[str, int, int]] = attrs.Factory(set)
    #: Inject and rule files read, for their translation files.
    sources: list[tuple[str, Path]] = attrs.Factory(list)


def load_scenario(
    path: str | Path,
    *,
    require_lang: Iterable[str] = (),
    warnings: list[Problem] | None = None,
) -> Scenario:
    """Load and fully check the scenario at ``path`` (a ``scenarios/NAME.yaml`` file).

    Translation files beside the scenario's files are read too. A text without a
    translation into a language the scenario is translated into (or a cell plays in) is
    added to ``warnings``; into a language of ``require_lang``, it is a problem."""
    path = Path(path)
    st = _Loaded()
    doc = _read(path, st)
    if doc is None:
        raise ScenarioError(st.problems)
    st.scenario_doc = doc
    raw = doc.value
    if "id" not in raw:
        raw = {"id": path.stem, **raw}
    # D+N times (of modules and injects) are resolved against the start, so read it first.
    start: datetime | None = None
    with contextlib.suppress(Exception):
        start = converter().structure(raw.get("start"), datetime)
    token = scenario_start.set(start)
    try:
        scenario = _structure(doc, (), raw, Scenario, st.problems)
        # When the scenario file has problems, keep checking the other files against
        # whatever parts of it are sound, so that every problem is reported at once.
        checkable = scenario if scenario is not None else _salvage(raw)
        st.scenario = scenario
        for file_path, (fdoc, fpath) in _listed(doc, raw, "injects", path):
            _load_injects(file_path, fdoc, fpath, st)
            st.sources.append(("injects", file_path))
        for file_path, (fdoc, fpath) in _listed(doc, raw, "rules", path):
            _load_rules(file_path, fdoc, fpath, st)
            st.sources.append(("rules", file_path))
    finally:
        scenario_start.reset(token)
    st.problems.extend(_check(checkable, doc, st))
    if scenario is not None:
        scenario = _translate(scenario, path, doc, st, set(require_lang), warnings)
    if st.problems or scenario is None:
        raise ScenarioError(_without_echoes(st))
    loaded: Scenario = attrs.evolve(
        scenario,
        msel=tuple(i for i, _, _ in st.injects),
        ruleset=RuleSet(
            ratings=st.ratings,
            rules=tuple(r for r, _, _ in st.rules),
            version=st.version or 1,
        ),
    )
    return loaded


def load_rules(scenario: Scenario, path: str | Path) -> RuleSet:
    """Load the rules file at ``path`` and check it against ``scenario`` (its cells,
    move kinds, objectives and injects), to score a recorded play under other rules."""
    path = Path(path)
    st = _Loaded()
    if path.exists() and not path.is_file():
        raise ScenarioError(
            [Problem(str(path), 1, 1, _("is not a regular file"), _("pass a YAML file"))]
        )
    if not path.is_file():
        raise ScenarioError([Problem(str(path), 1, 1, _("rules file not found"))])
    _load_rules(path, typing.cast(Document, None), (), st)  # the file exists: no referrer
    cx = _Context(
        scenario,
        _ids(scenario.cells),
        _ids(scenario.move_kinds),
        _ids(scenario.objectives),
        dict(scenario.injects_by_id),
        set(scenario.injects_by_id),
        {m.id: m for m in scenario.modules},
    )
    st.problems.extend(_check_rules(st, cx))
    if st.problems:
        raise ScenarioError(_without_echoes(st))
    return RuleSet(
        ratings=st.ratings, rules=tuple(r for r, _, _ in st.rules), version=st.version or 1
    )


def _translate(
    scenario: Scenario,
    path: Path,
    doc: Document,
    st: _Loaded,
    require: set[str],
    warnings: list[Problem] | None,
) -> Scenario:
    """Read the translation files beside the scenario's files; report what they lack."""
    from exercise.scenario import translations as tr

    if not tr.LANG_CODE.match(scenario.language):
        st.problems.append(
            doc.problem(
                ("language",),
                _("{language!r} is not a language code").format(language=scenario.language),
                _("e.g. en"),
            )
        )
    known = {s.key: s for s in tr.source_texts(scenario, doc, st.injects, st.rules)}
    reading = tr.Reading()
    for kind, source in [("scenario", path), *st.sources]:
        for lang, tpath in tr.siblings(source):
            tdoc = _read(tpath, st)
            if tdoc is not None:
                tr.read_translation(tdoc, kind, lang, known, scenario.cell_ids, reading)
    st.problems.extend(reading.problems)
    cells = []
    for i, cell in enumerate(scenario.cells):
        played = reading.played_by.get(cell.id)
        if cell.language is not None and not tr.LANG_CODE.match(cell.language):
            st.problems.append(
                doc.problem(
                    ("cells", i, "language"),
                    _("{language!r} is not a language code").format(language=cell.language),
                    _("e.g. ru"),
                )
            )
        if played is not None and cell.language not in (None, played[0]):
            lang, tdoc, at = played
            st.problems.append(
                tdoc.problem(
                    at,
                    _("cell {id!r} plays in {language!r} in the scenario file").format(
                        id=cell.id, language=cell.language
                    ),
                    _("name its language in one place"),
                )
            )
        cells.append(cell if played is None else attrs.evolve(cell, language=played[0]))
    wanted = set(reading.texts) | require | {c.language for c in cells if c.language}
    for lang in sorted(wanted - {scenario.language}):
        texts = reading.texts.get(lang, {})
        for s in known.values():
            if not s.text.strip() or s.key in texts:
                continue
            p = s.doc.problem(
                s.path,
                _("no {lang!r} translation of {got}").format(lang=lang, got=tr.describe(s.key)),
                _("add it to {file_for}").format(file_for=tr.file_for(s, lang)),
            )
            if lang in require:
                st.problems.append(p)
            elif warnings is not None:
                warnings.append(p)
    current = tr.digests((s.key, s.text) for s in known.values())
    original = "English" if scenario.language == "en" else f"{scenario.language!r} source"
    for lang, recorded in sorted(reading.sources.items()):
        for entry, (old, tdoc, at) in recorded.items():
            now = current.get(entry)
            if now is None or old == now:
                continue
            if old is None:
                if lang not in require:
                    continue  # an entry that records no source cannot be checked
                p = tdoc.problem(
                    at,
                    (
                        _(
                            "the {lang!r} translation of {describe_entry} does not say which "
                            "text of the source it translates"
                        ).format(lang=lang, describe_entry=tr.describe_entry(entry))
                    ),
                    _("check it, then add 'source: {now}'").format(now=now),
                )
            else:
                p = tdoc.problem(
                    (*at, "source"),
                    (
                        _(
                            "translation of {describe_entry} is older than the {original}: it "
                            "translates the text with digest {old}, the {original}'s is now "
                            "{now}"
                        ).format(
                            describe_entry=tr.describe_entry(entry),
                            original=original,
                            old=old,
                            now=now,
                        )
                    ),
                    _("update the {lang!r} translation, then write 'source: {now}'").format(
                        lang=lang, now=now
                    ),
                )
            if lang in require:
                st.problems.append(p)
            elif warnings is not None:
                warnings.append(p)
    found = {lang: texts for lang, texts in reading.texts.items() if lang != scenario.language}
    return attrs.evolve(scenario, cells=tuple(cells), translations=found)


_PLACEHOLDERS: dict[str, Any] = {
    "cells": lambda i: Cell(id=i, name="", side=Side.GRAY),
    "objectives": lambda i: Objective(id=i, title="", capability=""),
    "move_kinds": lambda i: MoveKind(id=i, title=""),
    "modules": lambda i: Module(id=i, title="", start=timedelta(0)),
}


def _salvage(raw: dict[str, Any]) -> Scenario:
    """A stand-in for a scenario that failed to structure: its sound parts, neutral
    values elsewhere, and a placeholder (keeping list positions) for each broken item
    that at least has an id. Used only to check the other files' references."""
    conv = converter()
    hints = typing.get_type_hints(Scenario)
    kwargs: dict[str, Any] = {
        "id": "",
        "title": "",
        "start": datetime(2000, 1, 1),
        "timezone": "UTC",
        "duration": timedelta(days=3650),
        "cells": (),
        "objectives": (),
        "move_kinds": (),
    }
    for name in ("id", "start", "timezone", "duration", "clock_ratio"):
        with contextlib.suppress(Exception):
            kwargs[name] = conv.structure(raw[name], hints[name])
    if "start" not in raw or kwargs["start"] == datetime(2000, 1, 1):
        kwargs["duration"] = timedelta(days=3650)  # unknown start: no time-range checks
    for key, make in _PLACEHOLDERS.items():
        items = raw.get(key)
        if not isinstance(items, list):
            continue
        elem = typing.get_args(hints[key])[0]
        out = []
        for i, item in enumerate(items):
            try:
                out.append(conv.structure(item, elem))
            except Exception:
                ident = item.get("id") if isinstance(item, dict) else None
                out.append(make(ident if isinstance(ident, str) else f"\0{i}"))
        kwargs[key] = tuple(out)
    return Scenario(**kwargs)


class _Everything(set[str]):
    """The set that contains every id (stands for an unreadable MSEL's ids)."""

    def __contains__(self, item: object) -> bool:
        return True


def _without_echoes(st: _Loaded) -> list[Problem]:
    """Drop problems reported where reading already found one (e.g. a value refused for
    its tag is then also 'missing'): the first report is the one that says why."""
    seen: set[tuple[str, int, int]] = set()
    out = []
    for p in st.problems:
        key = (p.file, p.line, p.column)
        if key in st.read_at and key in seen:
            continue
        seen.add(key)
        out.append(p)
    return out


def _read(path: Path, st: _Loaded) -> Document | None:
    try:
        doc = read_document(path)
    except ScenarioError as exc:
        st.problems.extend(exc.problems)
        return None
    st.problems.extend(doc.problems)
    st.read_at.update((p.file, p.line, p.column) for p in doc.problems)
    if not isinstance(doc.value, dict):
        st.problems.append(
            doc.problem(
                (), _("the top level must be a mapping of keys to values"), _("see docs/format.md")
            )
        )
        return None
    return doc


def _listed(
    doc: Document, raw: dict[str, Any], key: str, scenario_path: Path
) -> Iterator[tuple[Path, tuple[Document, Path_]]]:
    """Files named under ``key`` in the scenario, resolved beside the scenario file."""
    names = raw.get(key)
    if not isinstance(names, list):
        return
    for i, name in enumerate(names):
        if isinstance(name, str):
            yield (scenario_path.parent / name), (doc, (key, i))


def _structure(
    doc: Document, path: Path_, value: Any, cl: Any, problems: list[Problem]
) -> Any | None:
    try:
        return converter().structure(value, cl)
    except Exception as exc:  # every failure below is reported as a problem
        for sub_path, at_key, message, hint in flatten(exc, path):
            problems.append(doc.problem(sub_path, message, hint, key=at_key))
        return None


#: The kinds of thing a message names (``unknown {what} ...``): translated where shown.
WHATS: tuple[str, ...] = (N_("cell"), N_("inject"), N_("move kind"), N_("module"))
WHATS += (N_("objective"), N_("rule"), N_("outcome"), N_("critical task"))


def _missing_file(file_path: Path, where: tuple[Document, Path_], what: str) -> Problem:
    doc, path = where
    return doc.problem(
        path,
        _("{what} file {value!r} not found").format(what=_(what), value=doc.node_at(path).value),
        _("paths are relative to the scenario file"),
    )


def _top_list(doc: Document, key: str, allowed: Iterable[str], st: _Loaded) -> list[Any]:
    raw = doc.value
    ok = set(allowed)
    for k in raw:
        if k not in ok:
            hint = did_you_mean(str(k), ok, N_("allowed keys"))
            st.problems.append(
                doc.problem((k,), _("unknown key {k!r}").format(k=k), hint, key=True)
            )
    items = raw.get(key)
    if items is None:
        st.problems.append(
            doc.problem(
                (),
                _("missing required key {key!r}").format(key=key),
                _("add a '{key}:' list").format(key=key),
            )
        )
        return []
    if not isinstance(items, list):
        st.problems.append(doc.problem((key,), _("{key!r} must be a list").format(key=key)))
        return []
    return items


def _load_injects(file_path: Path, doc_or_none: Document, where: Path_, st: _Loaded) -> None:
    if not file_path.is_file():
        st.problems.append(_missing_file(file_path, (doc_or_none, where), "inject"))
        st.injects_unknown = True
        return
    doc = _read(file_path, st)
    if doc is None:
        st.injects_unknown = True
        return
    for i, item in enumerate(_top_list(doc, "injects", ["injects"], st)):
        inject = _structure(doc, ("injects", i), item, Inject, st.problems)
        if inject is not None:
            st.injects.append((inject, doc, ("injects", i)))
        elif isinstance(item, dict) and isinstance(item.get("id"), str):
            st.broken_injects.add(item["id"])


def _load_rules(file_path: Path, doc_or_none: Document, where: Path_, st: _Loaded) -> None:
    if not file_path.is_file():
        st.problems.append(_missing_file(file_path, (doc_or_none, where), "rule"))
        return
    doc = _read(file_path, st)
    if doc is None:
        return
    items = _top_list(doc, "rules", ["rules", "ratings", "version"], st)
    version = doc.value.get("version", 1)
    if version not in RULES_VERSIONS or isinstance(version, bool):
        st.problems.append(
            doc.problem(
                ("version",) if "version" in doc.value else (),
                _("unknown rules version {version!r}").format(version=version),
                _("write 'version: 2' (or leave it out for version 1), docs/scoring.md"),
            )
        )
    elif st.version is not None and version != st.version:
        st.problems.append(
            doc.problem(
                ("version",) if "version" in doc.value else (),
                (
                    _(
                        "rules version {version} differs from version {version2} of another rules "
                        "file of this scenario"
                    ).format(version=version, version2=st.version)
                ),
                _("give every rules file of a scenario the same version"),
            )
        )
    else:
        st.version = version
        st.version_at = (doc, ("version",) if "version" in doc.value else ())
    if "ratings" in doc.value:
        ratings = _structure(doc, ("ratings",), doc.value["ratings"], Ratings, st.problems)
        if ratings is not None:
            st.ratings = ratings
            st.ratings_at = (doc, ("ratings",))
    for i, item in enumerate(items):
        rule = _structure(doc, ("rules", i), item, Rule, st.problems)
        if rule is not None:
            st.rules.append((rule, doc, ("rules", i)))


# --------------------------------------------------------------------------- checks


def _check(scn: Scenario, sdoc: Document, st: _Loaded) -> Iterator[Problem]:
    yield from _check_scenario(scn, sdoc)
    cells = _ids(scn.cells)
    kinds = _ids(scn.move_kinds)
    objectives = _ids(scn.objectives)
    modules = _ids(scn.modules)
    injects = yield from _unique(st.injects, "inject")
    for inject, idoc, ipath in st.injects:
        if (word := mixed_script_word(inject.id)) is not None:
            yield idoc.problem(
                (*ipath, "id"),
                _("inject id {id!r} mixes scripts in {word!r}").format(id=inject.id, word=word),
                _(_ONE_SCRIPT),
            )

    inject_ids = set(injects) | st.broken_injects
    if st.injects_unknown:  # some MSEL file is unreadable: do not guess what it held
        inject_ids = _Everything()

    def ref(
        doc: Document, path: Path_, value: str | None, known: Iterable[str], what: str
    ) -> Iterator[Problem]:
        if value is not None and value not in known:
            yield doc.problem(
                path,
                _("unknown {what} {value!r}").format(what=_(what), value=value),
                did_you_mean(value, known),
            )

    def refs(
        doc: Document, path: Path_, values: Iterable[str], known: Iterable[str], what: str
    ) -> Iterator[Problem]:
        for i, v in enumerate(values):
            yield from ref(doc, (*path, i), v, known, what)

    for inject, doc, path in st.injects:
        yield from refs(doc, (*path, "to"), inject.to, cells, N_("cell"))
        if not inject.to:
            yield doc.problem((*path, "to"), _("an inject needs at least one recipient cell"))
        yield from _dupes(doc, (*path, "to"), inject.to, "recipient")
        yield from ref(doc, (*path, N_("module")), inject.module, modules, N_("module"))
        yield from refs(doc, (*path, "objectives"), inject.objectives, objectives, N_("objective"))
        for j, exp in enumerate(inject.expects):
            ep = (*path, "expects", j)
            yield from ref(doc, (*ep, N_("cell")), exp.cell, cells, N_("cell"))
            yield from ref(doc, (*ep, "action"), exp.action, kinds, N_("move kind"))
            yield from refs(doc, (*ep, "to"), exp.to, cells, N_("cell"))
            yield from _dupes(doc, (*ep, "to"), exp.to, "addressee")
            if exp.cell in cells and exp.cell not in inject.to and set(inject.to) <= cells:
                yield doc.problem(
                    (*ep, N_("cell")),
                    _("{cell!r} is expected to act on {id!r} but does not receive it").format(
                        cell=exp.cell, id=inject.id
                    ),
                    _("add the cell to the inject's 'to' list"),
                )
        for j, br in enumerate(inject.branches):
            yield from ref(doc, (*path, "branches", j, "inject"), br.inject, inject_ids, "inject")
            if br.inject == inject.id:
                yield doc.problem(
                    (*path, "branches", j, "inject"), _("an inject cannot branch to itself")
                )
        yield from _check_timing(inject, doc, path, scn)
        yield from _check_inject_fields(inject, doc, path)
        trig = inject.trigger
        if trig is not None:
            tp = (*path, "trigger")
            set_ = [n for n in TRIGGER_CONDITIONS if getattr(trig, n) is not None]
            if len(set_) != 1:
                yield doc.problem(
                    tp,
                    (
                        _("a trigger needs exactly one of {conditions} (found {found})")
                        if set_
                        else _("a trigger needs exactly one of {conditions}")
                    ).format(conditions=", ".join(TRIGGER_CONDITIONS), found=", ".join(set_)),
                )
            yield from ref(doc, (*tp, "after"), trig.after, inject_ids, "inject")
            yield from ref(doc, (*tp, "move"), trig.move, kinds, N_("move kind"))
            yield from ref(doc, (*tp, "adjudicated"), trig.adjudicated, kinds, N_("move kind"))
            yield from ref(doc, (*tp, N_("cell")), trig.cell, cells, N_("cell"))
            if trig.cell is not None and trig.after is not None:
                yield doc.problem(
                    (*tp, N_("cell")),
                    _("'cell' narrows move, adjudicated, met and missed triggers, not 'after'"),
                    _("remove it"),
                )
            yield from _check_adjudicated(scn, trig, doc, tp)
            for name in ("met", "missed"):
                target = getattr(trig, name)
                yield from ref(doc, (*tp, name), target, inject_ids, "inject")
                if target in injects and not injects[target].expects:
                    yield doc.problem(
                        (*tp, name),
                        _("inject {target!r} has no expected actions to be {name}").format(
                            target=target, name=name
                        ),
                        _("add 'expects' to it or trigger with 'after'"),
                    )
                elif (
                    target in injects
                    and trig.cell is not None
                    and all(e.cell != trig.cell for e in injects[target].expects)
                ):
                    yield doc.problem(
                        (*tp, N_("cell")),
                        _("inject {target!r} expects nothing of {cell!r}").format(
                            target=target, cell=trig.cell
                        ),
                        _("name a cell listed in that inject's 'expects'"),
                    )
    yield from _check_cycles(st.injects, injects)
    sound_modules = {m.id: m for m in scn.modules if m.id in modules}
    yield from _check_rules(
        st, _Context(scn, cells, kinds, objectives, injects, inject_ids, sound_modules)
    )
    rule_ids = {r.id for r, _, _ in st.rules}
    yield from _check_tasks(scn, sdoc, cells, inject_ids, rule_ids)


def _check_tasks(
    scn: Scenario, doc: Document, cells: set[str], inject_ids: set[str], rule_ids: set[str]
) -> Iterator[Problem]:
    """Critical tasks: ids unique in the scenario, references to known cells, injects, rules."""
    first: dict[str, int] = {}
    for i, objective in enumerate(scn.objectives):
        for j, task in enumerate(objective.critical_tasks):
            path: Path_ = ("objectives", i, "critical_tasks", j)
            if task.id in first:
                yield doc.problem(
                    (*path, "id"),
                    _("duplicate critical task id {id!r} (first at line {first})").format(
                        id=task.id, first=first[task.id]
                    ),
                    _("give every critical task its own id, across all objectives"),
                )
            else:
                first[task.id] = doc.problem((*path, "id"), "").line
            if not task.text.strip():
                yield doc.problem((*path, "text"), _("a critical task needs its text"))
            for key, values, known, what in (
                ("cells", task.cells, cells, N_("cell")),
                ("injects", task.injects, inject_ids, "inject"),
                ("rules", task.rules, rule_ids, "rule"),
            ):
                for k, value in enumerate(values):
                    if value not in known:
                        yield doc.problem(
                            (*path, key, k),
                            _("unknown {what} {value!r}").format(what=_(what), value=value),
                            did_you_mean(value, known),
                        )
                yield from _dupes(doc, (*path, key), values, what)


def _unique(
    located: list[tuple[T, Document, Path_]], what: str
) -> Generator[Problem, None, dict[str, T]]:
    """Ids must be unique across all files of a kind: report repeats, return the firsts."""
    first: dict[str, tuple[T, Document, Path_]] = {}
    for item, doc, path in located:
        ident = getattr(item, "id")  # noqa: B009 - every located kind has an id
        if ident in first:
            where = first[ident][1].problem((*first[ident][2], "id"), "")
            yield doc.problem(
                (*path, "id"),
                _("duplicate {what} id {ident!r} (first at {file}:{line})").format(
                    what=_(what), ident=ident, file=where.file, line=where.line
                ),
                _("give every {what} its own id").format(what=_(what)),
            )
        else:
            first[ident] = (item, doc, path)
    return {ident: entry[0] for ident, entry in first.items()}


def _ids(items: Iterable[Any]) -> set[str]:
    """Ids of sound items (placeholders of broken ones start with NUL and are left out)."""
    return {i.id for i in items if not i.id.startswith("\0")}


def _dupes(doc: Document, path: Path_, values: Iterable[str], what: str) -> Iterator[Problem]:
    seen: set[str] = set()
    for i, v in enumerate(values):
        if v in seen:
            yield doc.problem((*path, i), _("{what} {v!r} listed twice").format(what=_(what), v=v))
        seen.add(v)


def _duplicate_ids(doc: Document, key: str, items: Iterable[Any], what: str) -> Iterator[Problem]:
    first: dict[str, int] = {}
    for i, item in enumerate(items):
        if item.id in first:
            line = doc.problem((key, first[item.id], "id"), "").line
            yield doc.problem(
                (key, i, "id"),
                _("duplicate {what} id {id!r} (first at line {line})").format(
                    what=_(what), id=item.id, line=line
                ),
                _("give every {what} its own id").format(what=_(what)),
            )
        else:
            first[item.id] = i


_ONE_SCRIPT = N_(
    "write each word in one script (retype it on one keyboard layout): letters of two "
    "scripts that look alike let one name pass for another"
)


def _lookalikes(
    doc: Document, key: str, items: Iterable[Any], fields: tuple[str, ...], what: str
) -> Iterator[Problem]:
    """Ids and names that could pass for others on a screen: a word mixing scripts
    ("kgz-mоd" with a Cyrillic "о"), or two that look the same ("АВС" and "ABC")."""
    seen: dict[tuple[str, str], tuple[str, int]] = {}
    for i, item in enumerate(items):
        for field in fields:
            value = getattr(item, field, "")
            if not isinstance(value, str) or not value or value.startswith("\0"):
                continue
            word = mixed_script_word(value)
            if word is not None:
                mixed = str(script_words(scripts(word)))
                yield doc.problem(
                    (key, i, field),
                    _("{what} {field} {value!r} mixes {mixed} letters in {word!r}").format(
                        what=_(what), field=field, value=value, mixed=mixed, word=word
                    ),
                    _(_ONE_SCRIPT),
                )
                continue
            look = (field, skeleton(value, fold=False))
            other = seen.get(look)
            if other is not None and other[0] != value:
                line = doc.problem((key, other[1], field), "").line
                yield doc.problem(
                    (key, i, field),
                    _("{what} {field} {value!r} looks the same as {other!r} (line {line})").format(
                        what=_(what), field=field, value=value, other=other[0], line=line
                    ),
                    _("give it a name that differs in more than look-alike letters"),
                )
            seen.setdefault(look, (value, i))


def _check_scenario(scn: Scenario, doc: Document) -> Iterator[Problem]:
    if (word := mixed_script_word(scn.id)) is not None:
        yield doc.problem(
            ("id",),
            _("scenario id {id!r} mixes scripts in {word!r}").format(id=scn.id, word=word),
            _(_ONE_SCRIPT),
        )
    yield from _lookalikes(doc, "cells", scn.cells, ("id", "name"), N_("cell"))
    yield from _lookalikes(doc, "objectives", scn.objectives, ("id",), N_("objective"))
    yield from _lookalikes(doc, "move_kinds", scn.move_kinds, ("id",), N_("move kind"))
    yield from _lookalikes(doc, "modules", scn.modules, ("id",), N_("module"))
    yield from _duplicate_ids(doc, "cells", scn.cells, N_("cell"))
    yield from _duplicate_ids(doc, "objectives", scn.objectives, N_("objective"))
    yield from _duplicate_ids(doc, "move_kinds", scn.move_kinds, N_("move kind"))
    yield from _duplicate_ids(doc, "modules", scn.modules, N_("module"))
    if not scn.cells:
        yield doc.problem(("cells",), _("a scenario needs at least one cell"))
    elif not scn.control_cells:
        yield doc.problem(
            ("cells",), _("no exercise control cell"), _("add a cell with side: white")
        )
    if not scn.move_kinds:
        yield doc.problem(("move_kinds",), _("a scenario needs at least one move kind"))
    try:
        zoneinfo.ZoneInfo(scn.timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        yield doc.problem(
            ("timezone",),
            _("unknown time zone {timezone!r}").format(timezone=scn.timezone),
            _("use an IANA name such as Asia/Bishkek"),
        )
    if scn.start.tzinfo is not None:
        yield doc.problem(
            ("start",),
            _("start must be a local time without an offset"),
            _("the zone goes in 'timezone'"),
        )
    if isinstance(scn.start, datetime) and isinstance(scn.duration, timedelta):
        try:
            last_year = (scn.start + scn.duration).year
        except OverflowError:
            last_year = datetime.max.year
        if not (scn.start.year >= _FIRST_YEAR and last_year <= _LAST_YEAR):
            yield doc.problem(
                ("start",),
                _("the exercise must lie between the years {first} and {last}").format(
                    first=_FIRST_YEAR, last=_LAST_YEAR
                ),
                _("game times past the end of the calendar cannot be shown or stored"),
            )
    if not scn.marking.strip():
        yield doc.problem(
            ("marking",),
            _("the exercise marking is empty"),
            _("leave the key out for EXERCISE EXERCISE EXERCISE, or write the marking"),
        )
    if not 0 < scn.clock_ratio < 1e6:
        yield doc.problem(("clock_ratio",), _("clock_ratio must be greater than zero"))
    for i, module in enumerate(scn.modules):
        if not timedelta(0) <= module.start < scn.duration:
            yield doc.problem(
                ("modules", i, "start"),
                _("module starts outside the exercise"),
                _("the exercise lasts {hm}").format(hm=_hm(scn.duration)),
            )


#: The calendar years an exercise may be set in; the margins keep every game time of a
#: session that runs long (or fast) well inside what dates can hold.
_FIRST_YEAR, _LAST_YEAR = 1000, 8999


def _hm(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _check_adjudicated(scn: Scenario, trig: Trigger, doc: Document, tp: Path_) -> Iterator[Problem]:
    """An ``adjudicated`` trigger waits on a move kind control adjudicates, with known
    outcomes; ``outcome`` belongs to such a trigger only."""
    if trig.outcome and trig.adjudicated is None:
        yield doc.problem(
            (*tp, "outcome"),
            _("'outcome' belongs to an 'adjudicated' trigger"),
            _("write adjudicated: KIND, or remove 'outcome'"),
        )
    for j, value in enumerate(trig.outcome):
        if value not in OUTCOMES:
            yield doc.problem(
                (*tp, "outcome", j),
                _("unknown outcome {value!r}").format(value=value),
                did_you_mean(value, OUTCOMES) or one_of(OUTCOMES),
            )
    yield from _dupes(doc, (*tp, "outcome"), trig.outcome, "outcome")
    kinds = {k.id: k for k in scn.move_kinds}
    kind = kinds.get(trig.adjudicated or "")
    if kind is not None and not kind.adjudicate:
        yield doc.problem(
            (*tp, "adjudicated"),
            _("moves of kind {id!r} are not adjudicated, so this trigger can never fire").format(
                id=kind.id
            ),
            _("set adjudicate: true on move kind {id!r}, or trigger with 'move'").format(
                id=kind.id
            ),
        )


def _check_inject_fields(inject: Inject, doc: Document, path: Path_) -> Iterator[Problem]:
    if inject.grading and not GRADING.match(inject.grading):
        yield doc.problem(
            (*path, "grading"),
            _("{grading!r} is not a source-reliability grading").format(grading=inject.grading),
            _("write a letter A-F (source reliability) and a digit 1-6 (credibility), e.g. B2"),
        )
    if inject.clock:
        try:
            zoneinfo.ZoneInfo(inject.clock)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
            yield doc.problem(
                (*path, "clock"),
                _("unknown time zone {clock!r}").format(clock=inject.clock),
                _("use an IANA name such as Europe/Moscow"),
            )


def _check_timing(inject: Inject, doc: Document, path: Path_, scn: Scenario) -> Iterator[Problem]:
    has_time, has_trigger = inject.time is not None, inject.trigger is not None
    if has_time and has_trigger:
        yield doc.problem(
            path,
            _("inject {id!r} has both a time and a trigger").format(id=inject.id),
            _("keep one"),
        )
    elif not has_time and not has_trigger and not inject.contingency:
        yield doc.problem(
            path,
            _("inject {id!r} has no time, no trigger and is not a contingency").format(
                id=inject.id
            ),
            _('add time: "+HH:MM", a trigger, or contingency: true'),
        )
    if inject.time is not None and not timedelta(0) <= inject.time < scn.duration:
        when = "before the start" if inject.time < timedelta(0) else "after the end"
        yield doc.problem(
            (*path, "time"),
            _("inject time is outside the exercise ({when})").format(when=when),
            _("the exercise runs from {start:%Y-%m-%d %H:%M} for {hm}").format(
                start=scn.start, hm=_hm(scn.duration)
            ),
        )


def _check_cycles(
    located: list[tuple[Inject, Document, Path_]], injects: dict[str, Inject]
) -> Iterator[Problem]:
    """Triggers that wait on each other in a loop can never fire."""
    edges: dict[str, str] = {}
    for inject in injects.values():
        trig = inject.trigger
        if trig is None:
            continue
        source = trig.after or trig.met or trig.missed
        if source is not None and source in injects:
            edges[inject.id] = source
    in_cycle: set[str] = set()
    for start in edges:
        path: list[str] = []
        node: str | None = start
        while node is not None and node not in path and node not in in_cycle:
            path.append(node)
            node = edges.get(node)
        if node is not None and node in path:
            in_cycle.update(path[path.index(node) :])
    for inject, doc, p in located:
        if inject.id in in_cycle and injects.get(inject.id) is inject:
            loop = [inject.id]
            nxt = edges[inject.id]
            while nxt != inject.id:
                loop.append(nxt)
                nxt = edges[nxt]
            yield doc.problem(
                (*p, "trigger"),
                _("trigger cycle: {cycle} can never fire").format(
                    cycle=" -> ".join([*loop, inject.id])
                ),
                _("break the loop with a timed inject"),
            )


@attrs.frozen
class _Context:
    """What rules are checked against."""

    scn: Scenario
    cells: set[str]
    kinds: set[str]
    objectives: set[str]
    injects: dict[str, Inject]
    inject_ids: Any  # a set of ids, or _Everything when an MSEL file was unreadable
    modules: dict[str, Module]  # the modules that loaded soundly

    @property
    def control(self) -> set[str]:
        return {c.id for c in self.scn.control_cells}

    @property
    def adjudicated(self) -> set[str]:
        return {k.id for k in self.scn.move_kinds if k.adjudicate}


def _check_rules(st: _Loaded, cx: _Context) -> Iterator[Problem]:
    if st.ratings_at is not None:
        r = st.ratings
        doc, path = st.ratings_at
        if not 0 <= r.M <= r.S <= r.P <= 1:
            yield doc.problem(path, _("ratings must satisfy 0 <= M <= S <= P <= 1"))
    yield from _unique(st.rules, "rule")
    caps: dict[str, list[tuple[float, Document, Path_]]] = {}
    for rule, doc, path in st.rules:
        yield from _check_rule(rule, doc, path, cx, st.version or 1)
        if isinstance(rule, AcknowledgeRule) and rule.cap is not None:
            caps.setdefault(rule.objective, []).append((rule.cap, doc, (*path, "cap")))
    for objective, listed in caps.items():
        if len(listed) > 1 and sum(c for c, _, _ in listed) >= 1:
            _cap, doc, path = listed[-1]
            yield doc.problem(
                path,
                (
                    _(
                        "the caps on {objective} add up to {sum:g}; together they must stay below 1"
                    ).format(objective=objective, sum=sum(c for c, _, _ in listed))
                ),
            )


def _check_rule(
    rule: Rule, doc: Document, path: Path_, cx: _Context, version: int
) -> Iterator[Problem]:
    cells, kinds, objectives = cx.cells, cx.kinds, cx.objectives
    injects, inject_ids, modules = cx.injects, cx.inject_ids, cx.modules

    def ref(key: str, value: str | None, known: Iterable[str], what: str) -> Iterator[Problem]:
        if value is not None and value not in known:
            yield doc.problem(
                (*path, key),
                _("unknown {what} {value!r}").format(what=_(what), value=value),
                did_you_mean(value, known),
            )

    def refs(key: str, values: Iterable[str]) -> Iterator[Problem]:
        for i, v in enumerate(values):
            if v not in cells:
                yield doc.problem(
                    (*path, key, i), _("unknown cell {v!r}").format(v=v), did_you_mean(v, cells)
                )

    def actor_listed(key: str, values: tuple[str, ...], actor: str) -> Iterator[Problem]:
        if actor in values:
            yield doc.problem(
                (*path, key, values.index(actor)),
                _("{actor} is the cell acting: it cannot {key} itself").format(
                    actor=actor, key=key
                ),
                _("remove {actor} from '{key}'").format(actor=actor, key=key),
            )

    def never_acts(key: str, values: tuple[str, ...]) -> Iterator[Problem]:
        for i, v in enumerate(values):
            if v in cx.control:
                yield doc.problem(
                    (*path, key, i),
                    (
                        _(
                            "{v} is an exercise control cell: it never makes moves, so it can "
                            "never take part"
                        ).format(v=v)
                    ),
                    _("list player cells only"),
                )

    def places(values: tuple[str, ...]) -> Iterator[Problem]:
        for i, v in enumerate(values):
            if not v.strip() or not any(ch.isalnum() for ch in v):
                yield doc.problem(
                    (*path, "places", i), _("a place needs a name"), _("write the place's name")
                )
        yield from _dupes(doc, (*path, "places"), values, "place")
        if values and version < 2:
            yield doc.problem(
                (*path, "places"),
                _("'places' needs the version 2 rules semantics"),
                _("add 'version: 2' at the top of the rules file (docs/scoring.md)"),
                key=True,
            )

    yield from ref("objective", rule.objective, objectives, N_("objective"))
    if rule.points < 0:
        yield doc.problem((*path, "points"), _("points cannot be negative"))
    if isinstance(rule, NotifyRule):
        yield from ref("cell", rule.cell, cells, N_("cell"))
        yield from refs("notify", rule.notify)
        yield from _dupes(doc, (*path, "notify"), rule.notify, N_("cell"))
        yield from ref("inject", rule.inject, inject_ids, "inject")
        yield from ref("move", rule.move, kinds, N_("move kind"))
        if (rule.inject is None) == (rule.move is None):
            yield doc.problem(path, _("a notify rule needs exactly one of 'inject' or 'move'"))
        if _not_addressed(injects, rule.inject, rule.cell, cells):
            yield doc.problem(
                (*path, "inject"),
                _("inject {inject!r} is not addressed to {cell!r}").format(
                    inject=rule.inject, cell=rule.cell
                ),
                _("the cell that must notify has to receive the inject"),
            )
        if not rule.notify:
            yield doc.problem((*path, "notify"), _("list the cells to notify"))
        yield from places(rule.places)
        if rule.places and rule.move is None:
            yield doc.problem(
                (*path, "places"),
                _("'places' applies to rules on a move, not on an inject"),
                _("remove 'places', or name the move kind in 'move'"),
                key=True,
            )
        if rule.cell in rule.notify:
            yield doc.problem((*path, "notify"), _("a cell cannot be required to notify itself"))
        for cell, weight in rule.weights.items():
            if cell not in rule.notify:
                yield doc.problem(
                    (*path, "weights", cell),
                    _("{cell!r} has a weight but is not in 'notify'").format(cell=cell),
                    _("weigh only the cells listed in 'notify'"),
                    key=True,
                )
            if not weight > 0:
                yield doc.problem(
                    (*path, "weights", cell),
                    _("the weight of {cell} must be a positive number, not {weight:g}").format(
                        cell=cell, weight=weight
                    ),
                )
        if rule.after is not None:
            if rule.after not in NOTIFY_AFTER:
                yield doc.problem(
                    (*path, "after"),
                    _("unknown value {after!r}").format(after=rule.after),
                    one_of(NOTIFY_AFTER),
                )
            elif rule.move is None:
                yield doc.problem(
                    (*path, "after"),
                    _("'after' applies to rules on a move, not on an inject"),
                    _("remove 'after', or name the move kind in 'move'"),
                )
            elif rule.after == "adjudication" and rule.move in kinds - cx.adjudicated:
                yield doc.problem(
                    (*path, "after"),
                    _("moves of kind {move!r} are never adjudicated").format(move=rule.move),
                    _("use 'after: move', or mark the move kind 'adjudicate: true'"),
                )
    elif isinstance(rule, AcknowledgeRule):
        yield from ref("cell", rule.cell, cells, N_("cell"))
        yield from ref("inject", rule.inject, inject_ids, "inject")
        if _not_addressed(injects, rule.inject, rule.cell, cells):
            yield doc.problem(
                (*path, "inject"),
                _("inject {inject!r} is not addressed to {cell!r}").format(
                    inject=rule.inject, cell=rule.cell
                ),
            )
        for i, x in enumerate(rule.exclude):
            if x not in inject_ids:
                yield doc.problem(
                    (*path, "exclude", i),
                    _("unknown inject {x!r}").format(x=x),
                    did_you_mean(x, inject_ids),
                )
        channels = [ch.value for ch in Channel]
        for i, x in enumerate(rule.exclude_channels):
            if x not in channels:
                yield doc.problem(
                    (*path, "exclude_channels", i),
                    _("unknown channel {x!r}").format(x=x),
                    did_you_mean(x, channels) or one_of(channels),
                )
        if rule.exclude and rule.inject is not None:
            yield doc.problem((*path, "exclude"), _("a rule on one inject has nothing to exclude"))
        if rule.cap is not None and not 0 < rule.cap < 1:
            yield doc.problem(
                (*path, "cap"),
                _("cap is a share of the objective's points, between 0 and 1 (not {cap:g})").format(
                    cap=rule.cap
                ),
            )
    elif isinstance(rule, DeconflictRule):
        yield from ref("cell", rule.cell, cells, N_("cell"))
        yield from ref("action", rule.action, kinds, N_("move kind"))
        yield from refs("consult", rule.consult)
        yield from _dupes(doc, (*path, "consult"), rule.consult, N_("cell"))
        yield from refs("consent", rule.consent)
        yield from _dupes(doc, (*path, "consent"), rule.consent, N_("cell"))
        yield from actor_listed("consult", rule.consult, rule.cell)
        yield from actor_listed("consent", rule.consent, rule.cell)
        if not rule.consult and not rule.consent:
            yield doc.problem((*path, "consult"), _("list the cells to consult"))
        if rule.penalty < 0:
            yield doc.problem((*path, "penalty"), _("write the penalty as a positive number"))
        yield from places(rule.places)
        if version < 2:
            for key in ("lead", "answered", "consent"):
                if getattr(rule, key):
                    yield doc.problem(
                        (*path, key),
                        _("'{key}' needs the version 2 rules semantics").format(key=key),
                        _("add 'version: 2' at the top of the rules file (docs/scoring.md)"),
                        key=True,
                    )
        if rule.lead is not None and rule.within is not None and rule.lead > rule.within:
            yield doc.problem(
                (*path, "lead"),
                (
                    _(
                        "lead time {format_duration} is longer than the window {format_duration2}: "
                        "no consultation could ever count"
                    ).format(
                        format_duration=format_duration(rule.lead),
                        format_duration2=format_duration(rule.within),
                    )
                ),
                _("shorten 'lead' or lengthen 'within'"),
            )
        if rule.lead is not None and rule.lead < timedelta(0):
            yield doc.problem((*path, "lead"), _("lead time cannot be negative"))
    elif isinstance(rule, JointRule):
        yield from ref("action", rule.action, kinds, N_("move kind"))
        yield from refs("cells", rule.cells)
        yield from _dupes(doc, (*path, "cells"), rule.cells, N_("cell"))
        yield from refs("required", rule.required)
        yield from _dupes(doc, (*path, "required"), rule.required, N_("cell"))
        yield from refs("unilateral", rule.unilateral)
        yield from never_acts("required", rule.required)
        for i, c in enumerate(rule.required):
            if c in rule.cells:
                yield doc.problem(
                    (*path, "required", i),
                    _("{c} is both required and in 'cells'").format(c=c),
                    _("'cells' lists the others, of whom 'quorum' must take part"),
                )
        low = 0 if rule.required else 1
        if not low <= rule.quorum <= len(rule.cells):
            yield doc.problem(
                (*path, "quorum"),
                _("quorum must be between {low} and {n_cells} (the cells listed)").format(
                    low=low, n_cells=len(rule.cells)
                ),
            )
        for i, c in enumerate(rule.unilateral):
            if c not in rule.cells and c not in rule.required:
                yield doc.problem(
                    (*path, "unilateral", i),
                    _("{c} is not a party to the joint action").format(c=c),
                    _("list it in 'cells' or 'required'"),
                )
        if rule.unilateral and not rule.penalty:
            yield doc.problem(
                (*path, "unilateral"), _("'unilateral' needs a 'penalty' (a positive number)")
            )
        if rule.penalty < 0:
            yield doc.problem((*path, "penalty"), _("write the penalty as a positive number"))
        if rule.anchor not in ("first", "startex"):
            if rule.anchor not in inject_ids:
                yield doc.problem(
                    (*path, "anchor"),
                    _("unknown anchor {anchor!r}").format(anchor=rule.anchor),
                    did_you_mean(rule.anchor, inject_ids)
                    or "write 'first', 'startex' or the id of an inject",
                )
            elif rule.anchor in injects:
                target = injects[rule.anchor]
                for i, c in enumerate(rule.required):
                    if c not in target.to and not target.public:
                        yield doc.problem(
                            (*path, "required", i),
                            (
                                _(
                                    "{c} never receives {anchor}, the inject the window is "
                                    "anchored to"
                                ).format(c=c, anchor=rule.anchor)
                            ),
                            _("address {anchor} to {c}, or anchor the window elsewhere").format(
                                anchor=rule.anchor, c=c
                            ),
                        )
    elif isinstance(rule, RespondRule):
        yield from ref("inject", rule.inject, inject_ids, "inject")
        if rule.inject in injects and not injects[rule.inject].expects:
            yield doc.problem(
                (*path, "inject"),
                _("inject {inject!r} expects no action").format(inject=rule.inject),
            )
    elif isinstance(rule, NetworkRule):
        for i, (a, b) in enumerate(rule.required):
            for j, c in enumerate((a, b)):
                if c not in cells:
                    yield doc.problem(
                        (*path, "required", i, j),
                        _("unknown cell {c!r}").format(c=c),
                        did_you_mean(c, cells),
                    )
            if a == b:
                yield doc.problem(
                    (*path, "required", i), _("a liaison link joins two different cells")
                )
        if rule.exchanges < 1:
            yield doc.problem((*path, "exchanges"), _("exchanges must be at least 1"))
    elif isinstance(rule, ChannelRule):
        yield from ref("cell", rule.cell, cells, N_("cell"))
        yield from refs("counterpart", rule.counterpart)
        yield from _dupes(doc, (*path, "counterpart"), rule.counterpart, N_("cell"))
        if rule.cell in rule.counterpart:
            yield doc.problem(
                (*path, "counterpart", rule.counterpart.index(rule.cell)),
                _("{cell} holds the channel: it cannot also be its counterpart").format(
                    cell=rule.cell
                ),
                _("remove {cell} from 'counterpart'").format(cell=rule.cell),
            )
        if not rule.counterpart:
            yield doc.problem(
                (*path, "counterpart"), _("list the cells the channel talks to (the counterpart)")
            )
        for i, x in enumerate(rule.about):
            if x not in inject_ids:
                yield doc.problem(
                    (*path, "about", i),
                    _("unknown inject {x!r}").format(x=x),
                    did_you_mean(x, inject_ids),
                )
        yield from _dupes(doc, (*path, "about"), rule.about, "inject")
        if rule.penalty < 0:
            yield doc.problem((*path, "penalty"), _("write the penalty as a positive number"))
        if version < 2:
            yield doc.problem(
                (*path, "kind"),
                _("rules of kind 'channel' need the version 2 rules semantics"),
                _("add 'version: 2' at the top of the rules file (docs/scoring.md)"),
            )
    elif isinstance(rule, AnswerRule):
        yield from refs("cells", rule.cells)
        yield from _dupes(doc, (*path, "cells"), rule.cells, N_("cell"))
        if not rule.cells:
            yield doc.problem((*path, "cells"), _("list the cells that must answer"))
        yield from ref("module", rule.module, modules, N_("module"))
        asked = [m for m in modules.values() if rule.module in (None, m.id)]
        if (rule.module is None or rule.module in modules) and not any(m.questions for m in asked):
            yield doc.problem(
                (*path, N_("module")) if rule.module else path,
                _("no discussion questions to answer"),
                _("give the module 'questions', or name a module that has them"),
            )


def _not_addressed(
    injects: dict[str, Inject], inject_id: str | None, cell: str, cells: set[str]
) -> bool:
    """``inject_id`` is known, its recipients are all known cells, and ``cell`` is not one."""
    target = injects.get(inject_id) if inject_id is not None else None
    return target is not None and cell not in target.to and set(target.to) <= cells


def summary(scn: Scenario) -> str:
    """The one-line summary ``exercise validate`` prints."""
    counts = Counter(type(r).kind for r in scn.ruleset.rules)
    return _(
        "{id}: {cells} cells, {injects} injects, {objectives} objectives, {rules} rules"
    ).format(
        id=scn.id,
        cells=len(scn.cells),
        injects=len(scn.msel),
        objectives=len(scn.objectives),
        rules=len(scn.ruleset.rules),
    ) + (f" ({', '.join(f'{n} {k}' for k, n in sorted(counts.items()))})" if counts else "")
