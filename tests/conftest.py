"""Shared fixtures: the mini scenario copied into a temporary project folder."""

from __future__ import annotations

import gc
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import attrs
import pytest

from exercise.model import Scenario
from exercise.scenario import load_scenario

FIXTURES = Path(__file__).parent / "fixtures"
ROOT = Path(__file__).parent.parent


@pytest.fixture(autouse=True)
def english_interface(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every test starts in English, whatever the machine's locale; tests that switch
    the language (``main(["--lang", "ru", ...])``) do not leak it into the next test."""
    from exercise.i18n import set_language

    monkeypatch.setenv("EXERCISE_LANG", "en")
    set_language("en")
    yield
    set_language("en")


@pytest.fixture
def mini(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the mini scenario project; the working folder is its root."""
    dest = tmp_path / "mini"
    shutil.copytree(FIXTURES / "mini", dest)
    monkeypatch.chdir(dest)
    return dest


Edit = Callable[[str, str, str], None]


@pytest.fixture
def edit(mini: Path) -> Edit:
    """``edit(file, old, new)`` replaces text in one of the mini project's files."""

    def do(file: str, old: str, new: str) -> None:
        path = mini / file
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{old!r} not in {file}"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    return do


T0 = 1_700_000_000_000_000  # a fixed wall time, microseconds


@attrs.define
class FakeClock:
    """A wall clock the test moves by hand."""

    now_us: int = T0

    def __call__(self) -> int:
        return self.now_us

    def advance(self, minutes: float = 0, seconds: float = 0) -> None:
        self.now_us += int((minutes * 60 + seconds) * 1_000_000)


@pytest.fixture(scope="session")
def mini_scenario() -> Scenario:
    return load_scenario(FIXTURES / "mini" / "scenarios" / "mini.yaml")


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def pytest_report_header(config: pytest.Config) -> str:
    """Say at the top of every run whether the PostgreSQL journal tests run."""
    import os
    import re

    url = os.environ.get("EXERCISE_TEST_POSTGRES")
    if url:
        shown = re.sub(r"^(\w+://[^:/@?#]*):[^@/?#]*@", r"\1:***@", url)
        return f"postgres: the journal tests run on SQLite and on {shown}"
    return (
        "postgres: EXERCISE_TEST_POSTGRES is not set: the PostgreSQL journal tests are "
        "skipped (see docs/postgres.md)"
    )


@pytest.fixture(autouse=True)
def nothing_frozen_after_a_test() -> Iterator[None]:
    """A console run with ``run`` (as snapshot tests run them) freezes what is loaded, as
    the command line's does; this process runs many, so each test's leftovers are handed
    back to the garbage collector after it."""
    yield
    gc.unfreeze()


@pytest.fixture(scope="session", autouse=True)
def scenario_cache_for_the_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Checked scenarios are cached in a folder of the run's own, never the user's."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("EXERCISE_CACHE", str(tmp_path_factory.mktemp("scenario-cache")))
        yield


@pytest.fixture(scope="session", autouse=True)
def control_key_for_the_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Control's key for fixtures shared by many tests (set up before any test's own)."""
    with pytest.MonkeyPatch.context() as patch:
        folder = tmp_path_factory.mktemp("control-key-shared")
        patch.setenv("EXERCISE_KEY", str(folder / "control.key"))
        yield


@pytest.fixture(autouse=True)
def control_key_home(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """Control's key (made on first use by seals) in a folder of the test's own, never in the
    user's configuration; subprocesses inherit it through EXERCISE_KEY."""
    folder = tmp_path_factory.mktemp("control-key")
    monkeypatch.setenv("EXERCISE_KEY", str(folder / "control.key"))
    return folder
