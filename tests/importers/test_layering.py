"""The importers never import Textual (checked in a fresh interpreter)."""

from __future__ import annotations

import subprocess
import sys


def test_importers_do_not_import_textual() -> None:
    code = (
        "import importlib, pkgutil, sys\n"
        "import exercise.importers as pkg\n"
        "for mod in pkgutil.walk_packages(pkg.__path__, 'exercise.importers.'):\n"
        "    importlib.import_module(mod.name)\n"
        "print(','.join(sorted(m for m in sys.modules if m.split('.')[0] == 'textual')))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert out == ""
