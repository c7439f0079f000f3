"""YAML scenario files → validated :class:`~exercise.model.Scenario` values.

The loader (and the YAML parser under it) is imported when first used: a console
opening a session whose scenario is in the scenario cache parses no YAML, so it does not
wait for the parser to be imported before its first frame."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from exercise.scenario.errors import Problem, ScenarioError

if TYPE_CHECKING:
    from exercise.scenario.loader import load_rules, load_scenario, summary
    from exercise.scenario.yamlsafe import MAX_FILE_BYTES

#: Names of this package that live in a module imported at their first use.
_LATER = {
    "load_rules": "loader",
    "load_scenario": "loader",
    "summary": "loader",
    "MAX_FILE_BYTES": "yamlsafe",
}


def __getattr__(name: str) -> Any:
    module = _LATER.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{module}"), name)


__all__ = ["MAX_FILE_BYTES", "Problem", "ScenarioError", "load_rules", "load_scenario", "summary"]
