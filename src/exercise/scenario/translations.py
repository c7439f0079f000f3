"""Translations of a scenario's text, kept in files beside the ones they translate.

``scenarios/NAME.ru.yaml`` translates ``scenarios/NAME.yaml``; ``injects/NAME.ru.yaml``
and ``rules/NAME.ru.yaml`` translate the MSEL and the rules. Items are keyed by their
ids, so the source files can change their order or comments without touching a
translation. Each item records in ``source`` a short digest of the English (the source
language's) text it translates, and the top-level ``source`` that of the title, summary
and briefing: when the source's words change, the translation is reported as older than
the source (a missing translation is reported too). The format is in docs/format.md
("Translations")::

    language: ru
    played_by: [kgz-mod, uzb-mod]     # cells that play in this language
    source: 0c1d2e3f                  # digest of the title, summary and briefing
    title: ...
    cells:
      kgz-mod: {source: 9a8b7c6d, name: ..., role: ..., members: [...]}
    injects:                          # in injects/NAME.ru.yaml
      INC-001:
        source: 1f2e3d4c
        title: ...
        body: |
          ...
        expects: [{description: ...}]

Lists (members, targets, questions, expects, branches) are translated whole and in the
source's order. :func:`localized` gives the scenario as a cell of that language sees it;
text without a translation stays in the scenario's language.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import attrs

from exercise.i18n import N_, _, ngettext
from exercise.model import Inject, Scenario
from exercise.model.scenario import TextKey
from exercise.scenario.errors import Problem
from exercise.scenario.yamlsafe import Document, Path_, did_you_mean, display_name

#: A language code as written in a translation file's name and ``language:`` key.
LANG_CODE = re.compile(r"^[a-z]{2,3}$")
_SIBLING = re.compile(r"^(?P<stem>.+)\.(?P<lang>[a-z]{2,3})\.ya?ml$")

#: Translatable fields of each section: ``str`` for a text, ``[str]`` for a list of
#: texts, ``[{field: str}]`` for a list of records with one translatable text each.
SCHEMA: dict[str, dict[str, Any]] = {
    "cells": {"name": str, "role": str, "members": [str]},
    "objectives": {
        "title": str,
        "capability": str,
        "targets": [str],
        "critical_tasks": [{"text": str}],
    },
    "move_kinds": {"title": str, "description": str},
    "modules": {"title": str, "summary": str, "questions": [str]},
    "injects": {
        "title": str,
        "from": str,
        "body": str,
        "notes": str,
        "questions": [str],
        "expects": [{"description": str}],
        "branches": [{"when": str}],
    },
    "rules": {"description": str},
}
SCENARIO_FIELDS = ("title", "summary", "briefing")
#: The top-level keys of each kind of translation file.
FILE_KEYS = {
    "scenario": (
        "language",
        "played_by",
        "source",
        *SCENARIO_FIELDS,
        "cells",
        "objectives",
        "move_kinds",
        "modules",
    ),
    "injects": ("language", "injects"),
    "rules": ("language", "rules"),
}
_ATTR = {"from": "from_"}
#: What a ``source`` digest looks like: 8 lower-case hexadecimal digits.
DIGEST = re.compile(r"^[0-9a-f]{8}$")
#: An item a digest covers: (section, id), or () for the title, summary and briefing.
Entry = tuple[str, ...]


def entry_of(key: TextKey) -> Entry:
    """The entry a text belongs to."""
    return () if len(key) == 1 else (str(key[0]), str(key[1]))


def digest(texts: Iterable[tuple[TextKey, str]]) -> str:
    """The short digest of an entry's source texts (keys and words, in file order)."""
    h = hashlib.sha256()
    for key, text in texts:
        h.update("/".join(map(str, key[2:] if len(key) > 1 else key)).encode())
        h.update(b"\x1f")
        h.update(text.encode())
        h.update(b"\x1e")
    return h.hexdigest()[:8]


def digests(texts: Iterable[tuple[TextKey, str]]) -> dict[Entry, str]:
    """Each entry's digest, from every source text of a scenario."""
    grouped: dict[Entry, list[tuple[TextKey, str]]] = {}
    for key, text in texts:
        grouped.setdefault(entry_of(key), []).append((key, text))
    return {entry: digest(items) for entry, items in grouped.items()}


def describe_entry(entry: Entry) -> str:
    """``rule 'report-strike'``, or the scenario's title, summary and briefing."""
    if not entry:
        return "the scenario's title, summary and briefing"
    return f"{entry[0].rstrip('s').replace('_', ' ')} {entry[1]!r}"


def is_translation_file(path: Path) -> bool:
    """``NAME.xx.yaml`` beside a ``NAME.yaml``: a translation, not a scenario."""
    m = _SIBLING.match(path.name)
    if m is None:
        return False
    return any((path.parent / (m["stem"] + s)).is_file() for s in (".yaml", ".yml"))


def siblings(source: Path) -> list[tuple[str, Path]]:
    """The translation files beside ``source``, with their languages, sorted."""
    if not source.parent.is_dir():
        return []
    found = []
    for p in source.parent.iterdir():
        m = _SIBLING.match(p.name)
        if m and m["stem"] == source.stem and p.is_file():
            found.append((m["lang"], p))
    return sorted(found)


def translation_path(source: Path, lang: str) -> Path:
    """Where the ``lang`` translation of ``source`` lives."""
    return source.with_name(f"{source.stem}.{lang}{source.suffix}")


# --------------------------------------------------------------------------- source text


@attrs.frozen
class SourceText:
    """One text of the scenario in its own language, and where it is written."""

    key: TextKey
    text: str
    doc: Document
    path: Path_


def _item_texts(section: str, item: Any, doc: Document, path: Path_) -> Iterator[SourceText]:
    for name, kind in SCHEMA[section].items():
        value = getattr(item, _ATTR.get(name, name))
        base: TextKey = (section, item.id, name)
        if kind is str:
            yield SourceText(base, value, doc, (*path, name))
        elif kind == [str]:
            for i, text in enumerate(value):
                yield SourceText((*base, i), text, doc, (*path, name, i))
        else:
            (sub,) = kind[0]
            for i, record in enumerate(value):
                yield SourceText((*base, i, sub), getattr(record, sub), doc, (*path, name, i, sub))


def source_texts(
    scn: Scenario,
    scenario_doc: Document,
    injects: Iterable[tuple[Inject, Document, Path_]],
    rules: Iterable[tuple[Any, Document, Path_]],
) -> list[SourceText]:
    """Every translatable text of a loaded scenario, with its position."""
    out = [SourceText((f,), getattr(scn, f), scenario_doc, (f,)) for f in SCENARIO_FIELDS]
    for section in ("cells", "objectives", "move_kinds", "modules"):
        for i, item in enumerate(getattr(scn, section)):
            out.extend(_item_texts(section, item, scenario_doc, (section, i)))
    for inject, doc, path in injects:
        out.extend(_item_texts("injects", inject, doc, path))
    for rule, doc, path in rules:
        out.extend(_item_texts("rules", rule, doc, path))
    return out


# --------------------------------------------------------------------------- reading


@attrs.define
class Reading:
    """What the translation files of one scenario said, and what was wrong with them."""

    texts: dict[str, dict[TextKey, str]] = attrs.Factory(dict)
    played_by: dict[str, tuple[str, Document, Path_]] = attrs.Factory(dict)
    files: dict[str, list[str]] = attrs.Factory(dict)
    #: language -> entry -> (the digest recorded, where); None where an entry records none
    sources: dict[str, dict[Entry, tuple[str | None, Document, Path_]]] = attrs.Factory(dict)
    problems: list[Problem] = attrs.Factory(list)


def read_translation(
    doc: Document,
    kind: str,
    lang: str,
    known: Mapping[TextKey, SourceText],
    cells: Iterable[str],
    out: Reading,
) -> None:
    """Check one translation file and add its texts to ``out``."""
    raw = doc.value
    problems = out.problems
    if not isinstance(raw, dict):
        problems.append(
            doc.problem((), _("a translation file must be a mapping of keys to values"))
        )
        return
    allowed = FILE_KEYS[kind]
    for k in raw:
        if k not in allowed:
            hint = did_you_mean(str(k), allowed, N_("allowed keys"))
            problems.append(doc.problem((k,), _("unknown key {k!r}").format(k=k), hint, key=True))
    declared = raw.get("language")
    if declared is None:
        problems.append(
            doc.problem((), _("missing 'language:'"), _("add 'language: {lang}'").format(lang=lang))
        )
    elif declared != lang:
        problems.append(
            doc.problem(
                ("language",),
                _("language {declared!r} does not match the file name ({lang!r})").format(
                    declared=declared, lang=lang
                ),
                _("write 'language: {lang}' or rename the file").format(lang=lang),
            )
        )
    texts = out.texts.setdefault(lang, {})
    out.files.setdefault(lang, []).append(doc.file)
    sources = out.sources.setdefault(lang, {})
    if kind == "scenario":
        for f in SCENARIO_FIELDS:
            if f in raw:
                _text(doc, (f,), (f,), raw[f], known, texts, problems)
        if any(f in raw for f in SCENARIO_FIELDS):
            sources[()] = (_source(doc, raw, (), problems), doc, ())
        played = raw.get("played_by", [])
        cell_ids = set(cells)
        if not isinstance(played, list):
            problems.append(
                doc.problem(("played_by",), _("'played_by' must be a list of cell ids"))
            )
            played = []
        for i, cell in enumerate(played):
            if cell not in cell_ids:
                problems.append(
                    doc.problem(
                        ("played_by", i),
                        _("unknown cell {cell!r}").format(cell=cell),
                        did_you_mean(str(cell), cell_ids),
                    )
                )
            elif cell in out.played_by and out.played_by[cell][0] != lang:
                problems.append(
                    doc.problem(
                        ("played_by", i),
                        _("cell {cell!r} already plays in {played_by!r}").format(
                            cell=cell, played_by=out.played_by[cell][0]
                        ),
                        _("a cell plays in one language"),
                    )
                )
            else:
                out.played_by[cell] = (lang, doc, ("played_by", i))
        sections: tuple[str, ...] = ("cells", "objectives", "move_kinds", "modules")
    else:
        sections = (kind,)
    for section in sections:
        if section in raw:
            _section(doc, section, raw[section], known, texts, problems, sources)


def _source(
    doc: Document, fields: dict[Any, Any], at: Path_, problems: list[Problem]
) -> str | None:
    """The ``source`` digest an entry records (None when it records none, or a bad one)."""
    if "source" not in fields:
        return None
    value = fields["source"]
    if isinstance(value, int | float):
        problems.append(
            doc.problem(
                (*at, "source"),
                _("the digest was read as a number"),
                _('quote it, e.g. source: "01234567"'),
            )
        )
        return None
    if not isinstance(value, str) or not DIGEST.match(value):
        problems.append(
            doc.problem(
                (*at, "source"),
                _("'source' is the digest of the text translated: 8 hexadecimal digits"),
                _("copy it from the warning 'exercise validate' gives"),
            )
        )
        return None
    return value


def _section(
    doc: Document,
    section: str,
    value: Any,
    known: Mapping[TextKey, SourceText],
    texts: dict[TextKey, str],
    problems: list[Problem],
    sources: dict[Entry, tuple[str | None, Document, Path_]],
) -> None:
    what = section.rstrip("s").replace("_", " ")
    if not isinstance(value, dict):
        problems.append(
            doc.problem(
                (section,),
                _("'{section}' must map {what} ids to their translated fields").format(
                    section=section, what=_(what)
                ),
            )
        )
        return
    ids = {str(k[1]) for k in known if k[0] == section}
    for ident, fields in value.items():
        at: Path_ = (section, ident)
        if ident not in ids:
            problems.append(
                doc.problem(
                    at,
                    _("unknown {what} {ident!r}").format(what=_(what), ident=ident),
                    did_you_mean(str(ident), ids),
                    key=True,
                )
            )
            continue
        if not isinstance(fields, dict):
            problems.append(
                doc.problem(
                    at, _("the translation of {ident!r} must be a mapping").format(ident=ident)
                )
            )
            continue
        schema = SCHEMA[section]
        sources[(section, str(ident))] = (_source(doc, fields, at, problems), doc, at)
        for name, text in fields.items():
            if name == "source":
                continue
            kind = schema.get(name)
            fat: Path_ = (*at, name)
            base: TextKey = (section, ident, name)
            if kind is None:
                hint = did_you_mean(str(name), schema, N_("translatable fields"))
                problems.append(
                    doc.problem(
                        fat, _("{name!r} is not translated here").format(name=name), hint, key=True
                    )
                )
            elif kind is str:
                _text(doc, fat, base, text, known, texts, problems)
            else:
                _list(doc, fat, base, text, kind, known, texts, problems)


def _list(
    doc: Document,
    at: Path_,
    base: TextKey,
    value: Any,
    kind: list[Any],
    known: Mapping[TextKey, SourceText],
    texts: dict[TextKey, str],
    problems: list[Problem],
) -> None:
    record = None if kind == [str] else next(iter(kind[0]))
    expected = sum(
        1
        for k in known
        if len(k) == len(base) + (1 if record is None else 2) and k[: len(base)] == base
    )
    if not isinstance(value, list):
        problems.append(
            doc.problem(at, _("{base!r} must be a list, as in the source").format(base=base[-1]))
        )
        return
    if len(value) != expected:
        problems.append(
            doc.problem(
                at,
                ngettext(
                    "{n} item here, {expected} in the source",
                    "{n} items here, {expected} in the source",
                    len(value),
                ).format(n=len(value), expected=expected),
                _("translate every item, in the source's order"),
            )
        )
        return
    for i, item in enumerate(value):
        if record is None:
            _text(doc, (*at, i), (*base, i), item, known, texts, problems)
        elif not isinstance(item, dict) or set(item) - {record}:
            problems.append(
                doc.problem(
                    (*at, i),
                    _("write each item as {{{record}: translated text}}").format(record=record),
                )
            )
        elif record in item:
            _text(doc, (*at, i, record), (*base, i, record), item[record], known, texts, problems)


def _text(
    doc: Document,
    at: Path_,
    key: TextKey,
    value: Any,
    known: Mapping[TextKey, SourceText],
    texts: dict[TextKey, str],
    problems: list[Problem],
) -> None:
    if not isinstance(value, str):
        problems.append(doc.problem(at, _("a translation must be text"), _("quote it")))
    elif key not in known:
        problems.append(doc.problem(at, _("nothing in the source to translate here")))
    elif value.strip():
        texts[key] = value


def describe(key: TextKey) -> str:
    """``inject 'INC-001' body`` for a text key."""
    if len(key) == 1:
        return _("the scenario's {field}").format(field=key[0])
    section, ident, *rest = key
    what = str(section).rstrip("s").replace("_", " ")
    return f"{what} {ident!r} {'.'.join(str(r) for r in rest)}"


def file_for(s: SourceText, lang: str) -> str:
    """The translation file (as shown to users) that should hold ``s`` in ``lang``."""
    return display_name(translation_path(Path(s.doc.file), lang))


# --------------------------------------------------------------------------- use


def localized(scn: Scenario, lang: str | None) -> Scenario:
    """``scn`` with every text in ``lang`` where a translation exists (the scenario's own
    text elsewhere). The result has the same ids, times and rules: only words change."""
    if lang is None or lang == scn.language or lang not in scn.translations:
        return scn
    t = scn.translations[lang]

    def tr(key: TextKey, text: str) -> str:
        return t.get(key, text)

    def item(section: str, obj: Any) -> Any:
        changes: dict[str, Any] = {}
        for name, kind in SCHEMA[section].items():
            attr = _ATTR.get(name, name)
            value = getattr(obj, attr)
            base: TextKey = (section, obj.id, name)
            if kind is str:
                changes[attr] = tr(base, value)
            elif kind == [str]:
                changes[attr] = tuple(tr((*base, i), v) for i, v in enumerate(value))
            else:
                (sub,) = kind[0]
                changes[attr] = tuple(
                    attrs.evolve(r, **{sub: tr((*base, i, sub), getattr(r, sub))})
                    for i, r in enumerate(value)
                )
        return attrs.evolve(obj, **changes)

    ruleset = attrs.evolve(scn.ruleset, rules=tuple(item("rules", r) for r in scn.ruleset.rules))
    return attrs.evolve(
        scn,
        title=tr(("title",), scn.title),
        summary=tr(("summary",), scn.summary),
        briefing=tr(("briefing",), scn.briefing),
        cells=tuple(item("cells", c) for c in scn.cells),
        objectives=tuple(item("objectives", o) for o in scn.objectives),
        move_kinds=tuple(item("move_kinds", m) for m in scn.move_kinds),
        modules=tuple(item("modules", m) for m in scn.modules),
        msel=tuple(item("injects", i) for i in scn.msel),
        ruleset=ruleset,
    )


def translation_data(scn: Scenario, lang: str) -> dict[str, dict[str, Any]]:
    """The ``lang`` translation files' data, keyed ``scenario``, ``injects``, ``rules``
    (the inverse of reading them; used to write files and in the round-trip test)."""
    t = scn.translations.get(lang, {})
    out: dict[str, dict[str, Any]] = {
        "scenario": {"language": lang},
        "injects": {"language": lang},
        "rules": {"language": lang},
    }
    for key, text in sorted(t.items(), key=lambda kv: tuple(map(str, kv[0]))):
        if len(key) == 1:
            out["scenario"][str(key[0])] = text
            continue
        section, ident, name, *rest = key
        target = out["scenario"] if section not in ("injects", "rules") else out[str(section)]
        fields = target.setdefault(str(section), {}).setdefault(str(ident), {})
        if not rest:
            fields[str(name)] = text
            continue
        kind = SCHEMA[str(section)][str(name)]
        length = sum(1 for k in _source_keys(scn) if k[:3] == key[:3] and len(k) == len(key))
        items = fields.setdefault(str(name), ["" if kind == [str] else {} for _ in range(length)])
        index = int(rest[0])
        if kind == [str]:
            items[index] = text
        else:
            items[index] = {str(rest[1]): text}
    current = digests(text_keys(scn))
    for section_data in (out["scenario"], out["injects"], out["rules"]):
        for section, items in section_data.items():
            if isinstance(items, dict):
                for ident, fields in items.items():
                    items[ident] = {"source": current[(section, ident)], **fields}
    if any(f in out["scenario"] for f in SCENARIO_FIELDS):
        out["scenario"] = {
            "language": lang,
            "source": current[()],
            **{k: v for k, v in out["scenario"].items() if k != "language"},
        }
    played = [c.id for c in scn.cells if c.language == lang]
    if played:
        out["scenario"] = {"language": lang, "played_by": played, **out["scenario"]}
    return out


def text_keys(scn: Scenario) -> Iterator[tuple[TextKey, str]]:
    """Every translatable text of ``scn`` with its key, in file order."""
    for f in SCENARIO_FIELDS:
        yield (f,), getattr(scn, f)
    sections: list[tuple[str, Iterable[Any]]] = [
        ("cells", scn.cells),
        ("objectives", scn.objectives),
        ("move_kinds", scn.move_kinds),
        ("modules", scn.modules),
        ("injects", scn.msel),
        ("rules", scn.ruleset.rules),
    ]
    for section, items in sections:
        for obj in items:
            for name, kind in SCHEMA[section].items():
                value = getattr(obj, _ATTR.get(name, name))
                base: TextKey = (section, obj.id, name)
                if kind is str:
                    yield base, value
                elif kind == [str]:
                    for i, text in enumerate(value):
                        yield (*base, i), text
                else:
                    (sub,) = kind[0]
                    for i, record in enumerate(value):
                        yield (*base, i, sub), getattr(record, sub)


def _source_keys(scn: Scenario) -> Iterator[TextKey]:
    return (k for k, _ in text_keys(scn) if len(k) > 3)
