"""The import layers of pyproject.toml's import-linter contracts hold.

One `layers` contract orders the packages (a package imports only from the layers below it;
siblings written `a | b` not at all from each other) and one `forbidden` contract keeps
Textual and Rich out of the domain core. docs/architecture.md draws the same layers.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).parent.parent


def test_import_contracts_are_kept() -> None:
    run = subprocess.run(
        [
            sys.executable,
            "-c",
            "from importlinter.cli import lint_imports_command; lint_imports_command()",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "0 broken" in run.stdout


def test_every_package_is_in_a_layer() -> None:
    """A new top-level package or module must be placed in the layers (or the test says so)."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    layers = config["tool"]["importlinter"]["contracts"][0]["layers"]
    named = {m.strip() for layer in layers for m in re.split(r"[|:]", layer)}
    src = ROOT / "src" / "exercise"
    present = {
        f"exercise.{p.stem}"
        for p in src.iterdir()
        if (p.is_dir() and (p / "__init__.py").exists())
        or (p.suffix == ".py" and p.stem != "__init__")
    }
    assert sorted(present - named) == []


def test_architecture_doc_names_every_layer() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    layers = config["tool"]["importlinter"]["contracts"][0]["layers"]
    doc = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    missing = [
        m.strip()
        for layer in layers
        for m in re.split(r"[|:]", layer)
        if f"`{m.strip().removeprefix('exercise.')}`" not in doc
    ]
    assert missing == []
