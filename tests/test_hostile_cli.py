"""Command-line arguments a user gets wrong or an attacker chooses: FIFOs and devices where
files belong, misspelt names in revocations. One line each, exit 1, nothing blocks."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from exercise.cli.main import main
from exercise.session import Session

from .conftest import FIXTURES

needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")


def refused(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    code = main(list(argv))
    err = capsys.readouterr().err
    assert code == 1, err
    assert "internal error" not in err and "Traceback" not in err, err
    assert err.count("\n") == 1, err
    return err.strip()


@pytest.fixture
def session(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.chdir(tmp_path)
    Session.create(FIXTURES / "mini" / "scenarios" / "mini.yaml", "s.db").close()
    return "s.db"


@needs_fifo
@pytest.mark.parametrize("command", ["log", "verify", "score", "report", "seal"])
def test_a_fifo_as_the_session_is_refused_unread(
    session: str, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    os.mkfifo("pipe.db")  # opening it to read its header would block for ever
    assert refused(capsys, command, "pipe.db") == (
        "exercise: pipe.db is not a regular file, so not a session file"
    )


@needs_fifo
def test_a_fifo_as_control_key_is_refused_unread(
    session: str, capsys: pytest.CaptureFixture[str]
) -> None:
    os.mkfifo("control.pub")
    assert refused(capsys, "verify", session, "--key", "control.pub") == (
        "exercise: control.pub is not a regular file, so not a key file"
    )


def test_a_huge_file_as_control_key_is_refused_unread(
    session: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with open("control.pub", "wb") as fh:
        fh.truncate(100 * 1024 * 1024)  # sparse: no disk used
    assert refused(capsys, "verify", session, "--key", "control.pub") == (
        "exercise: control.pub is too large to be a key file"
    )


@needs_fifo
def test_a_fifo_as_a_player_key_is_refused_unread(
    session: str, capsys: pytest.CaptureFixture[str]
) -> None:
    os.mkfifo("player.pub")
    err = refused(
        capsys, "grant", session, "--cell", "kgz-mod", "--ssh-key", "player.pub",
        "--authorized-keys", "authorized_keys",
    )  # fmt: skip
    assert err == "exercise: player.pub is not a regular file, so not a public key file"


def test_revoking_a_misspelt_cell_is_an_error_not_a_success(
    session: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # "removed 0 keys", exit 0, would leave the real cell's keys in place unnoticed
    err = refused(capsys, "revoke", session, "--cell", "kgz-mdo", "--authorized-keys", "ak")
    assert err.startswith("exercise: 'kgz-mdo' is not a player cell of s.db (cells: ")


def test_revoking_a_misspelt_evaluator_is_an_error(
    session: str, capsys: pytest.CaptureFixture[str]
) -> None:
    err = refused(capsys, "revoke", session, "--evaluator", "nobody", "--authorized-keys", "ak")
    assert err.startswith("exercise: there is no evaluator 'nobody' in this session")


def test_revoking_a_real_cell_without_keys_still_works(
    session: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["revoke", session, "--cell", "kgz-mod", "--authorized-keys", "ak"]) == 0
    assert "removed 0 keys granted cell kgz-mod" in capsys.readouterr().out


@pytest.mark.parametrize("target", ["/dev/zero", "fifo"])
def test_a_device_or_fifo_as_the_rules_to_score_by(
    session: str, capsys: pytest.CaptureFixture[str], target: str
) -> None:
    if target == "fifo":
        if not hasattr(os, "mkfifo"):
            pytest.skip("no FIFOs on this system")
        os.mkfifo(target)
    elif not Path(target).exists():
        pytest.skip(f"no {target} on this system")
    # /dev/zero was read until memory ran out; a FIFO blocked for ever
    assert refused(capsys, "score", session, "--rules", target) == (
        f"exercise: cannot read the rules file {target}: is not a regular file"
    )


def test_resuming_with_edited_scenario_files_says_which_scenario_plays(
    mini: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    scenario = "scenarios/mini.yaml"
    Path("short.yaml").write_text("steps:\n  - start\n", encoding="utf-8")
    assert main(["play", scenario, "--script", "short.yaml", "--session", "s.db", "-q"]) == 0
    capsys.readouterr()
    Path("more.yaml").write_text('steps:\n  - advance: "00:10"\n', encoding="utf-8")
    assert main(["play", scenario, "--script", "more.yaml", "--session", "s.db", "-q"]) == 0
    assert "scenario files changed" not in capsys.readouterr().err  # nothing edited
    inj = Path("injects/mini.yaml")
    inj.write_text(inj.read_text(encoding="utf-8").replace("Zardaly", "Zardali"), "utf-8")
    assert main(["play", scenario, "--script", "more.yaml", "--session", "s.db", "-q"]) == 0
    assert capsys.readouterr().err.splitlines()[1] == (
        "exercise: note: the scenario files changed since s.db was created; the session goes "
        "on with the scenario stored in it (create a new session to play the edited files)"
    )
