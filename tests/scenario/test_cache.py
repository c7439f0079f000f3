"""The per-user cache of checked scenarios: a session opens without checking its stored
scenario again, and nothing but this user's own intact entry is ever used."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from exercise.model import Scenario
from exercise.scenario import ScenarioError, cache
from exercise.session import Session

from ..tui.conftest import SCENARIO_PATH


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    where = tmp_path / "cache"
    monkeypatch.setenv("EXERCISE_CACHE", str(where))
    return where


def loader(scenario: Scenario, calls: list[int]) -> Callable[[], Scenario]:
    def load() -> Scenario:
        calls.append(1)
        return scenario

    return load


def test_a_session_opened_twice_checks_its_scenario_once(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = str(tmp_path / "s.db")
    Session.create(SCENARIO_PATH, path).close()
    import exercise.session as session_module

    real = session_module.load_bundle
    calls: list[int] = []

    def counted(bundle: dict[str, object]) -> Scenario:
        calls.append(1)
        return real(bundle)

    monkeypatch.setattr(session_module, "load_bundle", counted)
    with Session.open(path) as first:
        pass
    with Session.open(path) as second:
        assert second.scenario == first.scenario
    assert calls == [1]
    assert oct(folder.stat().st_mode & 0o777) == "0o700"


def test_another_text_or_a_foreign_or_broken_entry_is_checked_again(
    folder: Path, mini_scenario: Scenario
) -> None:
    calls: list[int] = []
    assert cache.remembered("a", loader(mini_scenario, calls)) == mini_scenario
    assert cache.remembered("a", loader(mini_scenario, calls)) == mini_scenario
    assert calls == [1]
    cache.remembered("b", loader(mini_scenario, calls))  # another scenario, another entry
    assert calls == [1, 1]
    entry = folder / f"scenario-{cache.key('a')}.pickle"
    os.chmod(entry, 0o666)  # another user could have written it: never read
    cache.remembered("a", loader(mini_scenario, calls))
    assert calls == [1, 1, 1]
    entry.write_bytes(b"\x80\x05not a pickle")
    os.chmod(entry, 0o600)
    assert cache.remembered("a", loader(mini_scenario, calls)) == mini_scenario
    assert calls == [1, 1, 1, 1]


def test_a_scenario_with_problems_is_not_kept(folder: Path) -> None:
    def broken() -> Scenario:
        raise ScenarioError([])

    with pytest.raises(ScenarioError):
        cache.remembered("bad", broken)
    assert not list(folder.glob("scenario-*.pickle"))
