"""YAML scenario files → validated :class:`~exercise.model.Scenario` values."""

from exercise.scenario.errors import Problem, ScenarioError
from exercise.scenario.loader import load_rules, load_scenario, summary
from exercise.scenario.yamlsafe import MAX_FILE_BYTES

__all__ = ["MAX_FILE_BYTES", "Problem", "ScenarioError", "load_rules", "load_scenario", "summary"]
