"""The domain core never imports Textual (checked in a fresh interpreter)."""

from __future__ import annotations

import subprocess
import sys

CORE = [
    "exercise.model",
    "exercise.scenario",
    "exercise.engine",
    "exercise.journal",
    "exercise.scoring",
    "exercise.report",
    "exercise.importers",
    "exercise.session",
    "exercise.play",
]


def test_core_packages_do_not_import_textual() -> None:
    code = (
        "import importlib, pkgutil, sys\n"
        f"for name in {CORE!r}:\n"
        "    try:\n"
        "        pkg = importlib.import_module(name)\n"
        "    except ModuleNotFoundError as exc:\n"
        "        if exc.name == name: continue\n"
        "        raise\n"
        "    for mod in pkgutil.walk_packages(getattr(pkg, '__path__', []), name + '.'):\n"
        "        importlib.import_module(mod.name)\n"
        "bad = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert out == "", f"core modules imported: {out}"
