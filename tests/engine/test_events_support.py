"""The mini scenario, loaded once for property tests (fixtures do not mix with @given)."""

from __future__ import annotations

from exercise.scenario import load_scenario

from ..conftest import FIXTURES

MINI = load_scenario(FIXTURES / "mini" / "scenarios" / "mini.yaml")
