"""Headless rehearsal through the CLI: play, continue, refusals, log and verify."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

from .conftest import FIXTURES

MINI = FIXTURES / "mini"
SCRIPT = MINI / "scripts" / "rehearsal.yaml"


def exercise(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "exercise.cli.main", *args], capture_output=True, text=True, cwd=cwd
    )


def play(tmp_path: Path, script: Path, session: str = "s.db") -> subprocess.CompletedProcess[str]:
    scenario = str(MINI / "scenarios" / "mini.yaml")
    return exercise("play", scenario, "--script", str(script), "--session", session, cwd=tmp_path)


def test_rehearsal_runs_and_verifies(tmp_path: Path) -> None:
    res = play(tmp_path, SCRIPT)
    assert res.returncode == 0, res.stderr
    assert res.stderr.strip().endswith("s.db: 20 events written, 20 in all")
    lines = res.stdout.splitlines()
    assert len(lines) == 20
    assert "INJ-003 released to kgz-mod (trigger: move strike by uzb-mod)" in lines[10]
    assert "D+0 06:50" in lines[10]
    assert "(entered by control)" in lines[14]
    ver = exercise("verify", "s.db", cwd=tmp_path)
    assert ver.returncode == 0 and ver.stdout.startswith("ok s.db: 20 events, chain intact")


def test_log_prints_lines_and_json(tmp_path: Path) -> None:
    play(tmp_path, SCRIPT)
    text = exercise("log", "s.db", cwd=tmp_path)
    assert text.returncode == 0
    assert text.stdout.splitlines()[0].split()[:3] == ["1", "D+0", "06:00"]
    js = exercise("log", "s.db", "--json", cwd=tmp_path)
    records = [json.loads(x) for x in js.stdout.splitlines()]
    assert [r["seq"] for r in records] == list(range(1, 21))
    release = records[1]["payload"]
    assert release.pop("content")["words"][0]["language"] == "en"  # the inject's text
    assert release == {"inject": "INJ-001", "reason": "scheduled", "to": ["kgz-mod"]}
    assert all(records[i]["prev_hash"] == records[i - 1]["hash"] for i in range(1, 20))


def test_refused_step_stops_with_its_position_and_keeps_earlier_events(tmp_path: Path) -> None:
    script = tmp_path / "bad.yaml"
    script.write_text(
        "steps:\n"
        "  - start\n"
        "  - advance: '00:30'\n"
        "  - release: {inject: INJ-004}\n"
        "  - move: {cell: kgz-mod, kind: warn, to: [uzb-mod], text: ok, by: uzb-mod}\n"
        "  - release: INJ-001\n"
        "  - end\n",
        encoding="utf-8",
    )
    res = play(tmp_path, script)
    assert res.returncode == 1
    assert "Traceback" not in res.stderr
    first = res.stderr.splitlines()[0]
    assert first.endswith(
        "bad.yaml:5:5: step 4 (move): 'by' is either the cell itself or 'control' (hot seat)"
    ), first
    assert "the session keeps events 1-3" in res.stderr
    # fix the script's mistake and continue the same session: the run goes on from event 3
    script.write_text("steps:\n  - release: INJ-001\n  - end\n", encoding="utf-8")
    res = play(tmp_path, script)
    assert res.returncode == 1
    assert "step 1 (release): INJ-001 was already released (event 2)" in res.stderr
    script.write_text("steps:\n  - end: {reason: done}\n", encoding="utf-8")
    res = play(tmp_path, script)
    assert res.returncode == 0, res.stderr
    assert "continuing s.db after event 3" in res.stderr
    assert exercise("verify", "s.db", cwd=tmp_path).returncode == 0


def test_script_format_errors_are_listed_with_positions(tmp_path: Path) -> None:
    script = tmp_path / "bad.yaml"
    script.write_text(
        "steps:\n  - strat\n  - release: INJ-001\n  - {a: 1, b: 2}\n", encoding="utf-8"
    )
    res = play(tmp_path, script)
    assert res.returncode == 1
    assert res.stderr.splitlines() == [
        "bad.yaml:2:5: unknown step 'strat' (hint: did you mean 'start'?)",
        "bad.yaml:4:5: a step is a mapping with exactly one key (hint: e.g. '- release: INC-004')",
    ]


def test_tampered_session_fails_verification(tmp_path: Path) -> None:
    play(tmp_path, SCRIPT)
    with sqlite3.connect(tmp_path / "s.db") as db:
        db.execute("DROP TRIGGER events_no_update")  # a deliberate forger gets past it
        db.execute(
            "UPDATE events SET payload = replace(payload, 'Bombs fall short', 'Direct hit') "
            "WHERE seq = 10"
        )
    res = exercise("verify", "s.db", cwd=tmp_path)
    assert res.returncode == 1
    assert "event 10" in res.stderr and "Traceback" not in res.stderr


def test_bad_session_files_get_clear_errors(tmp_path: Path) -> None:
    (tmp_path / "junk.db").write_bytes(b"this is not a database at all" * 50)
    (tmp_path / "empty.db").write_bytes(b"")
    for name in ("junk.db", "empty.db", "missing.db"):
        for cmd in ("log", "verify"):
            res = exercise(cmd, name, cwd=tmp_path)
            assert res.returncode == 1
            assert res.stderr.startswith("exercise: ") and "Traceback" not in res.stderr
            assert name in res.stderr


def test_session_of_another_scenario_is_refused(tmp_path: Path) -> None:
    play(tmp_path, SCRIPT)
    root = Path(__file__).parent.parent
    res = exercise(
        "play", str(root / "scenarios" / "georgia-crisis.yaml"), "--script", str(SCRIPT),
        "--session", "s.db", cwd=tmp_path,
    )  # fmt: skip
    assert res.returncode == 1
    assert "s.db is a session of scenario 'mini', not 'georgia-crisis'" in res.stderr


def test_hot_wash_steps(tmp_path: Path) -> None:
    script = tmp_path / "hotwash.yaml"
    script.write_text(
        "steps:\n"
        "  - start\n"
        "  - end\n"
        "  - plan: {issue: Warnings late, action: A direct line, cell: kgz-mod, end: '2004-01-31',"
        " objective: OBJ-1}\n"
        "  - plan: {item: IP-01, issue: Warnings to Tashkent late, objective: OBJ-1}\n"
        "  - override: {objective: OBJ-1, rating: S, reason: Fast but incomplete}\n",
        encoding="utf-8",
    )
    res = play(tmp_path, script)
    assert res.returncode == 0, res.stderr
    assert "improvement plan IP-01: 'Warnings to Tashkent late'" in res.stdout
    assert "OBJ-1 rated S by control: 'Fast but incomplete'" in res.stdout


def test_intent_consultation_and_consent_steps(tmp_path: Path) -> None:
    script = tmp_path / "consult.yaml"
    script.write_text(
        "steps:\n"
        "  - start\n"
        "  - intent: {cell: uzb-mod, kind: strike, target: camp, place: Zardaly,"
        " concerns: [kgz-mod], text: Strike the camp, label: i1}\n"
        "  - consult: {cell: uzb-mod, to: [kgz-mod, liaison], intent: i1,"
        " text: Villages near the camp?, label: q1}\n"
        "  - reply: {cell: kgz-mod, consultation: q1, text: Kara-Teyit is 2 km east.}\n"
        "  - refuse: {cell: kgz-mod, to: uzb-mod, intent: i1, text: No consent to the strike.}\n"
        "  - move: {cell: uzb-mod, kind: strike, intent: i1, text: Strike anyway.}\n"
        "  - consent: {cell: liaison, to: uzb-mod, intent: 2}\n",
        encoding="utf-8",
    )
    res = play(tmp_path, script)
    assert res.returncode == 0, res.stderr
    out = res.stdout
    assert (
        "uzb-mod intends strike against 'camp' at 'Zardaly', concerning kgz-mod: 'Strike the camp'"
    ) in out
    assert "uzb-mod consults kgz-mod, liaison about intent 2: 'Villages near the camp?'" in out
    assert "kgz-mod answers consultation 3: 'Kara-Teyit is 2 km east.'" in out
    assert "kgz-mod refuses consent to uzb-mod's intent 2: 'No consent to the strike.'" in out
    assert "liaison consents to uzb-mod's intent 2" in out
    js = exercise("log", "s.db", "--json", cwd=tmp_path)
    records = [json.loads(x) for x in js.stdout.splitlines()]
    move = next(r for r in records if r["type"] == "move.submitted")
    assert move["payload"]["intent"] == 2
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "steps:\n  - consult: {cell: kgz-mod, to: [uzb-mod], intent: 2, text: x}\n",
        encoding="utf-8",
    )
    refused = play(tmp_path, bad)
    assert refused.returncode == 1
    assert "step 1 (consult): intent 2 was stated by uzb-mod, not kgz-mod" in refused.stderr
