"""Files the tool writes and reads: sessions made whole or not at all, owner-only modes,
read-only sessions that still open for reading, report targets that are not files."""

from __future__ import annotations

import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from exercise import joincodes
from exercise.cli.main import main
from exercise.journal import SessionExists, SqliteJournal, open_journal, sqlite
from exercise.session import Session

from .conftest import FIXTURES

MINI = FIXTURES / "mini"
SCENARIO = MINI / "scenarios" / "mini.yaml"
SCRIPT = MINI / "scripts" / "rehearsal.yaml"
ROOT = os.geteuid() == 0 if hasattr(os, "geteuid") else False


@pytest.fixture
def shared(tmp_path: Path) -> Iterator[Path]:
    """A folder others may enter (in the system's temporary folder, not in pytest's
    owner-only ones): the tests that drop root's privileges run commands as nobody here."""
    folder = Path(tempfile.mkdtemp(prefix="exercise-test-"))
    folder.chmod(0o755)
    try:
        yield folder
    finally:
        for sub in folder.rglob("*"):
            if sub.is_dir():
                sub.chmod(0o755)
        shutil.rmtree(folder)


def _played(folder: Path) -> Path:
    path = folder / "s.db"
    assert main(["play", str(SCENARIO), "--script", str(SCRIPT), "--session", str(path), "-q"]) == 0
    return path


# ------------------------------------------------------------------ creation


def test_session_and_codes_files_are_owner_only(tmp_path: Path) -> None:
    old = os.umask(0)  # even with a permissive umask
    try:
        with Session.create(SCENARIO, str(tmp_path / "s.db"), join_codes=True):
            pass
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "s.db").stat().st_mode) == 0o600
    codes = tmp_path / "s.db.codes"
    assert stat.S_IMODE(codes.stat().st_mode) == 0o600
    assert set(json.loads(codes.read_text())) == {"kgz-mod", "uzb-mod", "liaison"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.db", "s.db.codes"]


def test_codes_file_tightens_an_old_copy_and_never_follows_a_link(tmp_path: Path) -> None:
    address = str(tmp_path / "s.db")
    old = tmp_path / "s.db.codes"
    old.write_text("{}")
    old.chmod(0o644)
    joincodes.save_plain(address, {"kgz-mod": "AAAA-BBBB"})
    assert stat.S_IMODE(old.stat().st_mode) == 0o600
    assert joincodes.load_plain(address) == {"kgz-mod": "AAAA-BBBB"}
    elsewhere = tmp_path / "elsewhere"
    elsewhere.write_text("keep")
    old.unlink()
    old.symlink_to(elsewhere)
    joincodes.save_plain(address, {"kgz-mod": "CCCC-DDDD"})
    assert elsewhere.read_text() == "keep" and not old.is_symlink()


def test_a_failure_before_the_rename_leaves_nothing_under_the_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def crash() -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(sqlite, "_create_hook", crash)
    with pytest.raises(KeyboardInterrupt):
        SqliteJournal.create(tmp_path / "s.db", {"scenario": "mini"})
    assert list(tmp_path.iterdir()) == []
    monkeypatch.undo()
    SqliteJournal.create(tmp_path / "s.db", {"scenario": "mini"}).close()
    assert open_journal(str(tmp_path / "s.db")).meta()["scenario"] == "mini"


_KILLED_MID_CREATE = """
import os, signal, sys
from exercise.journal import sqlite
sqlite._create_hook = lambda: os.kill(os.getpid(), signal.SIGKILL)
sqlite.SqliteJournal.create(sys.argv[1], {"scenario": "mini"})
"""


def test_sigkill_during_creation_leaves_no_session_file(tmp_path: Path) -> None:
    target = tmp_path / "s.db"
    proc = subprocess.run([sys.executable, "-c", _KILLED_MID_CREATE, str(target)], check=False)
    assert proc.returncode == -signal.SIGKILL
    assert not target.exists()  # before: an empty or schema-less file every command refused
    assert [p.name for p in tmp_path.iterdir() if not p.name.startswith(".")] == []
    # the name is free: the next run creates the session
    with Session.create(SCENARIO, str(target)) as session:
        assert session.state.seq == 0


def test_create_never_replaces_a_file_that_appeared_meanwhile(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "s.db"
    monkeypatch.setattr(sqlite, "_create_hook", lambda: target.write_text("someone else's"))
    with pytest.raises(SessionExists):
        SqliteJournal.create(target, {"scenario": "mini"})
    assert target.read_text() == "someone else's"
    assert [p.name for p in tmp_path.iterdir()] == ["s.db"]


# ------------------------------------------------------------ read-only sessions


@pytest.mark.parametrize(
    "command",
    [
        ["log"],
        ["log", "--json"],
        ["verify"],
        ["score"],
        ["report", "--format", "json"],
        ["report", "--format", "csv"],
    ],
    ids=" ".join,
)
def test_read_only_commands_work_on_a_session_in_a_read_only_folder(
    shared: Path, command: list[str]
) -> None:
    folder = shared / "ro"
    folder.mkdir()
    path = _played(folder)
    path.chmod(0o444)
    folder.chmod(0o555)
    try:
        argv = [sys.executable, "-m", "exercise.cli.main", command[0], str(path), *command[1:]]
        if ROOT:  # root writes anywhere: run as nobody, for whom the folder is read-only
            if shutil.which("setpriv") is None:
                pytest.skip("running as root without setpriv to drop privileges")
            argv = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", *argv]
        proc = subprocess.run(argv, capture_output=True, text=True, check=False, cwd="/")
        assert proc.returncode == 0, proc.stderr
        assert "readonly" not in proc.stderr and proc.stdout
        assert sorted(p.name for p in folder.iterdir()) == ["s.db"]
    finally:
        folder.chmod(0o755)


def test_a_read_only_journal_refuses_to_append(tmp_path: Path) -> None:
    path = _played(tmp_path)
    with Session.open(str(path), read_only=True) as session:
        assert session.state.seq == 20
        from exercise.journal import JournalError, NewEvent

        with pytest.raises(JournalError, match="read-only"):
            session.journal.append([NewEvent("x.y", "control", 1, 1, {})])


# ---------------------------------------------------------- report targets


def test_report_to_a_fifo_writes_into_it_and_leaves_it_a_fifo(tmp_path: Path) -> None:
    path = _played(tmp_path)
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    md = b"**EXERCISE EXERCISE EXERCISE**\n\n# After-Action"  # the exercise marking first
    for fmt, start in (("json", b"{"), ("md", md), ("csv", b"seq,type")):
        received: list[bytes] = []

        def read(into: list[bytes] = received) -> None:
            into.append(fifo.read_bytes())

        reader = threading.Thread(target=read)
        reader.start()
        assert main(["report", str(path), "--format", fmt, "-o", str(fifo)]) == 0
        reader.join(timeout=30)
        assert received and received[0].startswith(start), fmt
        assert stat.S_ISFIFO(fifo.stat().st_mode)
        # a stream gets no companion files (charts, the scores CSV)
        assert sorted(p.name for p in tmp_path.iterdir()) == ["pipe", "s.db"]


def test_report_to_dev_null_leaves_it_a_character_device(shared: Path) -> None:
    path = _played(shared)
    before = os.stat("/dev/null")
    if ROOT:
        # as root the old code replaced the machine's /dev/null: prove it as nobody
        if shutil.which("setpriv") is None:
            pytest.skip("running as root without setpriv to drop privileges")
        path.chmod(0o644)
        argv = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
    else:
        argv = []
    for fmt in ("json", "md", "html", "csv"):
        argv_fmt = [*argv, sys.executable, "-m", "exercise.cli.main", "report", str(path)]
        proc = subprocess.run(
            [*argv_fmt, "--format", fmt, "-o", "/dev/null"],
            capture_output=True, text=True, check=False, cwd="/",
        )  # fmt: skip
        assert proc.returncode == 0, proc.stderr
        assert "wrote /dev/null" in proc.stderr
    after = os.stat("/dev/null")
    assert stat.S_ISCHR(after.st_mode) and after.st_rdev == before.st_rdev
    assert after.st_ino == before.st_ino
