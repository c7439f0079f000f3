"""A facilitator process and two player processes on one session: what one enters reaches
the others, and nothing addressed only to other cells reaches a player."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from exercise.session import Session

from .conftest import SCENARIO_PATH

PROC = Path(__file__).with_name("console_proc.py")


@pytest.mark.slow
def test_facilitator_and_two_players_share_one_session(tmp_path: Path) -> None:
    path = str(tmp_path / "s.db")
    Session.create(SCENARIO_PATH, path, join_codes=True).close()
    codes = json.loads(Path(path + ".codes").read_text())
    out = {name: tmp_path / f"{name}.json" for name in ("control", "kgz-mod", "uzb-mod")}
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                str(PROC),
                "kgz-mod",
                path,
                str(out["kgz-mod"]),
                codes["kgz-mod"],
                "uzb-mod",
            ]
        ),
        subprocess.Popen(
            [
                sys.executable,
                str(PROC),
                "uzb-mod",
                path,
                str(out["uzb-mod"]),
                codes["uzb-mod"],
                "kgz-mod",
            ]
        ),
        subprocess.Popen([sys.executable, str(PROC), "control", path, str(out["control"])]),
    ]
    try:
        for p in procs:
            assert p.wait(timeout=120) == 0
    finally:
        for p in procs:
            p.kill()
    control = json.loads(out["control"].read_text())
    kgz = json.loads(out["kgz-mod"].read_text())
    uzb = json.loads(out["uzb-mod"].read_text())
    assert {"hello from kgz-mod", "hello from uzb-mod"} <= set(control["feed"])
    # each player got the other's message, and nothing released only to the liaison cell
    assert any("hello from uzb-mod" in t for t in kgz["texts"])
    assert any("hello from kgz-mod" in t for t in uzb["texts"])
    for player in (kgz, uzb):
        assert "inject:INJ-004" not in player["inbox"]
        assert all(i.startswith("message:") for i in player["inbox"])
        assert player["waited"] < 5  # propagation across processes (the bench measures it)
    with Session.open(path) as s:
        joined = [e.payload["cell"] for e in s.journal.read() if e.type == "console.joined"]
        assert sorted(joined) == ["kgz-mod", "uzb-mod"]
