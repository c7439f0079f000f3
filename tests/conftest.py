"""Shared fixtures: the mini scenario copied into a temporary project folder."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
ROOT = Path(__file__).parent.parent


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
