"""What reading the interface catalogue costs a command at start-up.

``exercise.i18n`` reads the Russian ``.po`` with its own reader the first time a Russian
message is needed. Figure: a fresh process importing ``exercise.i18n`` and reading the
catalogue with that reader, against the same process reading it with Babel's
``read_po`` instead (its import included), in the same run. The app's reader should
stay cheaper (target ratio <= 0.5); if it ever is not, Babel's reader (and a compiled
lookup) would be the simpler choice.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from typing import Any

OURS = "import exercise.i18n as i; i.translations('ru')"
BABELS = (
    "import exercise.i18n as i\n"
    "from babel.messages.pofile import read_po\n"
    "with open(i.catalogue_path('ru'), 'rb') as f: read_po(f, locale='ru')"
)
NOTHING = "import exercise.i18n"


def _median(code: str, rounds: int) -> float:
    times = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def run(quick: bool = False) -> list[dict[str, Any]]:
    rounds = 3 if quick else 15
    base = _median(NOTHING, rounds)
    ours = _median(OURS, rounds) - base
    babel = _median(BABELS, rounds) - base
    return [
        {
            "name": "catalogue: read ru (own reader, over the import)",
            "value": ours * 1000,
            "unit": "ms",
            "baseline": babel * 1000,
            "ratio": ours / babel if babel > 0 else None,
            "target": "<= 0.5",
            "note": "baseline: Babel's read_po, its import included",
        }
    ]
