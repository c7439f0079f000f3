"""Model → plain YAML-ready data and text: the inverse of the loader.

Used to write generated or imported files; ``load(dump(x)) == x`` is a tested property.
Defaults are left out so that written files stay as short as hand-written ones.
"""

from __future__ import annotations

import enum
from datetime import datetime, timedelta
from typing import Any

import attrs
import yaml

from exercise.model import RULE_KINDS, Inject, Module, RuleSet, Scenario
from exercise.model.timefmt import format_duration, format_offset
from exercise.scenario.convert import RENAMES

try:
    from yaml import CSafeDumper as _Dumper
except ImportError:  # pragma: no cover - depends on the PyYAML build
    from yaml import SafeDumper as _Dumper  # type: ignore[assignment]

_OFFSET_FIELDS = {(Inject, "time"), (Module, "start")}


def to_data(obj: Any) -> Any:
    """Plain data for ``obj`` (attrs instances, tuples, enums, times)."""
    if attrs.has(type(obj)):
        cls = type(obj)
        renames = RENAMES.get(cls, {})
        out: dict[str, Any] = {}
        if type(obj) in RULE_KINDS.values():
            out["kind"] = obj.kind
        for a in attrs.fields(cls):
            if cls is Scenario and a.name in ("msel", "ruleset", "translations"):
                continue
            value = getattr(obj, a.name)
            if a.default is not attrs.NOTHING:
                factory = getattr(a.default, "factory", None)
                default = factory() if callable(factory) else a.default
                if value == default:
                    continue
            key = renames.get(a.name, a.name)
            if (cls, a.name) in _OFFSET_FIELDS and isinstance(value, timedelta):
                out[key] = format_offset(value)
            else:
                out[key] = to_data(value)
        return out
    if isinstance(obj, tuple | list):
        return [to_data(v) for v in obj]
    if isinstance(obj, enum.Enum):
        return obj.value
    if isinstance(obj, timedelta):
        return format_duration(obj)
    if isinstance(obj, datetime):
        return obj.isoformat()
    return obj


def dump_yaml(data: Any) -> str:
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)


def scenario_text(scn: Scenario, inject_file: str, rule_file: str) -> dict[str, str]:
    """The three files of ``scn`` as text, keyed ``scenario``, ``injects``, ``rules``.

    ``inject_file`` and ``rule_file`` are the paths the scenario file names (relative to
    the scenario file)."""
    data = to_data(attrs.evolve(scn, inject_files=(inject_file,), rule_files=(rule_file,)))
    return {
        "scenario": dump_yaml(data),
        "injects": dump_yaml({"injects": to_data(scn.msel)}),
        "rules": dump_yaml(_ruleset_data(scn.ruleset)),
    }


def _ruleset_data(rs: RuleSet) -> dict[str, Any]:
    head: dict[str, Any] = {"version": rs.version} if rs.version != 1 else {}
    return {**head, "ratings": to_data(rs.ratings) or {}, "rules": to_data(rs.rules)}


def translation_text(scn: Scenario) -> dict[str, dict[str, str]]:
    """The translation files of ``scn``: language → ``scenario``/``injects``/``rules`` → text
    (files with nothing translated are left out)."""
    from exercise.scenario.translations import translation_data

    out: dict[str, dict[str, str]] = {}
    for lang in scn.translations:
        files = translation_data(scn, lang)
        out[lang] = {kind: dump_yaml(data) for kind, data in files.items() if len(data) > 1}
    return out
