"""Join codes are checked in the session layer, not in a console."""

from __future__ import annotations

import json
from pathlib import Path

from exercise.session import JOIN_ACTOR, Session

from .conftest import FakeClock
from .tui.conftest import SCENARIO_PATH


def test_join_checks_the_code_and_records_the_outcome(tmp_path: Path, clock: FakeClock) -> None:
    path = str(tmp_path / "s.db")
    session = Session.create(SCENARIO_PATH, path, clock, join_codes=True)
    codes = json.loads(Path(path + ".codes").read_text())
    assert session.join("kgz-mod", codes["uzb-mod"]) == "wrong join code for that cell"
    assert session.join("nobody", codes["kgz-mod"]) == "wrong join code for that cell"
    refused = session.journal.read()
    assert [(e.type, e.actor, e.payload["cell"]) for e in refused] == [
        ("console.refused", JOIN_ACTOR, "kgz-mod"),
        ("console.refused", JOIN_ACTOR, "nobody"),
    ]
    spaced = codes["kgz-mod"].lower().replace("-", " ")  # case and dashes do not matter
    assert session.check_join("kgz-mod", spaced) is None  # the check alone records nothing
    assert session.journal.read()[-1].seq == 2
    assert session.join("kgz-mod", spaced) is None
    joined = session.journal.read()[-1]
    assert (joined.type, joined.actor) == ("console.joined", "kgz-mod")


def test_a_session_without_codes_says_so(tmp_path: Path, clock: FakeClock) -> None:
    session = Session.create(SCENARIO_PATH, str(tmp_path / "s.db"), clock)
    refusal = session.join("kgz-mod", "ABCD-EFGH")
    assert refusal == "this session has no join code for that cell; ask exercise control"
