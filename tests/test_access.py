"""Cells as principals over SSH: ``exercise grant`` writes an authorized_keys line whose
forced command opens one cell's console, whatever the key's holder asks to run.

The end-to-end tests start a throw-away sshd on 127.0.0.1 (skipped, saying why, when no
sshd is installed; CI installs OpenSSH's server)."""

from __future__ import annotations

import getpass
import os
import pty
import select
import shutil
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import closing
from pathlib import Path

import pytest

from exercise.cli.main import main
from exercise.joincodes import load_plain
from exercise.journal import Event, open_journal
from exercise.session import Session

Run = Callable[..., tuple[int, str, str]]
SSHD = shutil.which("sshd") or next(
    (p for p in ("/usr/sbin/sshd", "/usr/local/sbin/sshd") if os.access(p, os.X_OK)), None
)


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str]) -> Run:
    def go(*args: str) -> tuple[int, str, str]:
        code = main(list(args))
        out, err = capsys.readouterr()
        return code, out, err

    return go


def _keygen(path: Path) -> Path:
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "player@laptop", "-f", str(path)],
        check=True,
    )
    return path.with_name(path.name + ".pub")


@pytest.fixture
def session(mini: Path) -> str:
    Session.create("scenarios/mini.yaml", "s.db", join_codes=True).close()
    return "s.db"


@pytest.fixture
def player_key(tmp_path: Path) -> Path:
    if shutil.which("ssh-keygen") is None:
        pytest.skip("ssh-keygen (OpenSSH client) is not installed")
    return _keygen(tmp_path / "player")


def test_grant_writes_a_restricted_forced_command(
    session: str, player_key: Path, run: Run, tmp_path: Path
) -> None:
    keys = tmp_path / "ssh" / "authorized_keys"
    code, out, err = run(
        "grant", session, "--cell", "kgz-mod", "--ssh-key", str(player_key),
        "--authorized-keys", str(keys),
    )  # fmt: skip
    assert code == 0, err
    (line,) = keys.read_text().splitlines()
    options, rest = line.split(" ", 1)
    assert options.startswith("restrict,pty,command=")
    assert f"join {Path(session).resolve()} --cell kgz-mod" in line
    assert player_key.read_text().split()[1] in rest
    assert keys.stat().st_mode & 0o777 == 0o600
    assert keys.parent.stat().st_mode & 0o777 == 0o700
    # The same key granted another cell loses the first: one key, one console.
    code, _, err = run(
        "grant", session, "--cell", "uzb-mod", "--ssh-key", str(player_key),
        "--authorized-keys", str(keys),
    )  # fmt: skip
    assert code == 0 and "no longer opens cell kgz-mod" in err
    (line,) = keys.read_text().splitlines()
    assert "--cell uzb-mod" in line
    code, out, _ = run("revoke", session, "--cell", "uzb-mod", "--authorized-keys", str(keys))
    assert code == 0 and "removed 1 key" in out
    assert keys.read_text() == ""


def test_grant_an_evaluators_key_its_console_only(
    session: str, player_key: Path, run: Run, tmp_path: Path
) -> None:
    keys = tmp_path / "authorized_keys"
    assert run("evaluator", "add", session, "ana")[0] == 0
    code, out, err = run(
        "grant", session, "--evaluator", "ana", "--ssh-key", str(player_key),
        "--authorized-keys", str(keys),
    )  # fmt: skip
    assert code == 0, err
    assert "opens the console of evaluator ana only" in out
    (line,) = keys.read_text().splitlines()
    assert line.startswith("restrict,pty,command=")
    assert f"join {Path(session).resolve()} --evaluator ana" in line
    assert "--cell" not in line
    for args, problem in (
        (("--evaluator", "nobody"), "there is no evaluator 'nobody' in this session"),
        (("--evaluator",), "name the evaluator: --evaluator NAME"),
        (("--evaluator", "ana", "--cell", "kgz-mod"), "name the cell with --cell, or"),
    ):
        code, _, err = run("grant", session, *args, "--ssh-key", str(player_key),
                           "--authorized-keys", str(keys))  # fmt: skip
        assert code == 1 and problem in err, err
    # the key granted a cell now loses the evaluator's console
    code, _, err = run("grant", session, "--cell", "kgz-mod", "--ssh-key", str(player_key),
                       "--authorized-keys", str(keys))  # fmt: skip
    assert code == 0 and "no longer opens evaluator ana of" in err
    assert run("grant", session, "--evaluator", "ana", "--ssh-key", str(player_key),
               "--authorized-keys", str(keys))[0] == 0  # fmt: skip
    code, out, _ = run("revoke", session, "--cell", "kgz-mod", "--authorized-keys", str(keys))
    assert code == 0 and "removed 0 keys" in out  # a cell's revocation leaves the evaluator
    code, out, _ = run("revoke", session, "--evaluator", "ana", "--authorized-keys", str(keys))
    assert code == 0 and "removed 1 key granted evaluator ana" in out
    assert keys.read_text() == ""


def test_grant_refuses_bad_keys_and_cells(
    session: str, player_key: Path, run: Run, tmp_path: Path
) -> None:
    keys = str(tmp_path / "authorized_keys")
    private = player_key.with_suffix("")
    code, _, err = run("grant", session, "--cell", "kgz-mod", "--ssh-key", str(private),
                       "--authorized-keys", keys)  # fmt: skip
    assert code == 1 and "is a private key" in err
    bad = tmp_path / "bad.pub"
    bad.write_text('command="sh" ssh-ed25519 AAAA x\n')
    code, _, err = run("grant", session, "--cell", "kgz-mod", "--ssh-key", str(bad),
                       "--authorized-keys", keys)  # fmt: skip
    assert code == 1 and f"{bad}:1:1: not an OpenSSH public key" in err
    code, _, err = run("grant", session, "--cell", "control", "--ssh-key", str(player_key),
                       "--authorized-keys", keys)  # fmt: skip
    assert code == 1 and "'control' is not a player cell" in err
    assert not Path(keys).exists()


# ---------------------------------------------------------------------------- with sshd


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


@pytest.fixture
def sshd(tmp_path: Path) -> Iterator[tuple[int, Path]]:
    """A throw-away sshd on 127.0.0.1 for this user; yields (port, authorized_keys)."""
    if SSHD is None:
        pytest.skip("no sshd installed (Debian: apt-get install openssh-server): SSH tests skipped")
    if os.geteuid() == 0 and not Path("/run/sshd").is_dir():
        Path("/run/sshd").mkdir(mode=0o755)  # the privilege separation folder sshd wants
    folder = tmp_path / "sshd"
    folder.mkdir()
    host_key = folder / "host_ed25519"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(host_key)], check=True)
    keys = folder / "authorized_keys"
    port = _free_port()
    config = folder / "sshd_config"
    config.write_text(
        f"ListenAddress 127.0.0.1\nPort {port}\nHostKey {host_key}\n"
        f"AuthorizedKeysFile {keys}\nPidFile {folder / 'sshd.pid'}\n"
        "StrictModes no\nUsePAM no\nPasswordAuthentication no\nKbdInteractiveAuthentication no\n"
        "PermitRootLogin prohibit-password\nAllowTcpForwarding yes\nX11Forwarding yes\n"
        "AllowAgentForwarding yes\nPermitUserEnvironment no\nLogLevel ERROR\n"
        "AcceptEnv LANG LC_*\n"  # Debian's default
    )
    log = (folder / "sshd.log").open("w")
    proc = subprocess.Popen([SSHD, "-D", "-e", "-f", str(config)], stdout=log, stderr=log)
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                pytest.skip(f"sshd would not start here: {(folder / 'sshd.log').read_text()}")
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.05)
        else:
            raise AssertionError("sshd did not listen within 20 s")
        yield port, keys
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        log.close()


def _ssh(port: int, key: Path, *args: str) -> list[str]:
    return [
        "ssh", "-p", str(port), "-i", str(key.with_suffix("")),
        "-o", "BatchMode=yes", "-o", "IdentitiesOnly=yes", "-o", "StrictHostKeyChecking=no",
        "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR",
        *args, f"{getpass.getuser()}@127.0.0.1",
    ]  # fmt: skip


def _read_until(fd: int, wanted: bytes, seconds: float) -> bytes:
    seen = b""
    deadline = time.monotonic() + seconds
    while wanted not in seen and time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
    return seen


@pytest.mark.slow
def test_a_granted_key_opens_only_its_cells_console(
    session: str, player_key: Path, run: Run, sshd: tuple[int, Path]
) -> None:
    port, keys = sshd
    code, _, err = run("grant", session, "--cell", "kgz-mod", "--ssh-key", str(player_key),
                       "--authorized-keys", str(keys))  # fmt: skip
    assert code == 0, err
    Path("forge.yaml").write_text("steps:\n  - start\n  - end: {reason: forged}\n")
    forged = ["exercise", "play", "scenarios/mini.yaml", "--script", "forge.yaml",
              "--session", str(Path(session).resolve())]  # fmt: skip
    primary, secondary = pty.openpty()
    proc = subprocess.Popen(
        [*_ssh(port, player_key, "-tt"), *forged],
        stdin=secondary, stdout=secondary, stderr=secondary, env={**os.environ, "TERM": "xterm"},
    )  # fmt: skip
    os.close(secondary)
    try:
        shown = _read_until(primary, b"Join code", 60)
        assert b"Join code" in shown, shown[-2000:]  # the lobby, not the script
        kgz = load_plain(session)["kgz-mod"]
        os.write(primary, kgz.encode() + b"\r")
        deadline = time.monotonic() + 60
        joined: list[Event] = []
        while not joined and time.monotonic() < deadline:
            _read_until(primary, b"\x00", 0.5)
            with closing(open_journal(session)) as journal:
                events = journal.read()
            joined = [e for e in events if e.type == "console.joined"]
        assert [(e.actor, e.payload["cell"]) for e in joined] == [("kgz-mod", "kgz-mod")]
        assert not [e for e in events if e.type in ("clock.started", "exercise.ended")]
        os.write(primary, b"q")
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        os.close(primary)


@pytest.mark.slow
def test_a_granted_key_cannot_forward(
    session: str, player_key: Path, run: Run, sshd: tuple[int, Path]
) -> None:
    port, keys = sshd
    assert run("grant", session, "--cell", "kgz-mod", "--ssh-key", str(player_key),
               "--authorized-keys", str(keys))[0] == 0  # fmt: skip
    # A key let in without restrictions (to show the test can fail) forwards ...
    other = _keygen(player_key.with_name("admin"))
    with keys.open("a") as file:
        file.write(other.read_text())
    forward = ("-W", f"127.0.0.1:{port}")  # to sshd itself: its banner comes back
    done = subprocess.run(
        _ssh(port, other, *forward), stdin=subprocess.DEVNULL, capture_output=True, timeout=60
    )
    assert done.stdout.startswith(b"SSH-2.0-"), done.stderr
    # ... the granted key does not.
    done = subprocess.run(
        _ssh(port, player_key, *forward),
        stdin=subprocess.DEVNULL, capture_output=True, timeout=60,
    )  # fmt: skip
    assert done.returncode != 0
    assert not done.stdout
    assert b"forwarding failed" in done.stderr, done.stderr


@pytest.mark.slow
def test_an_evaluators_key_opens_only_that_evaluators_console(
    session: str, player_key: Path, run: Run, sshd: tuple[int, Path]
) -> None:
    port, keys = sshd
    assert run("evaluator", "add", session, "ana")[0] == 0
    code, _, err = run("grant", session, "--evaluator", "ana", "--ssh-key", str(player_key),
                       "--authorized-keys", str(keys))  # fmt: skip
    assert code == 0, err
    Path("forge.yaml").write_text("steps:\n  - start\n  - end: {reason: forged}\n")
    forged = ["exercise", "play", "scenarios/mini.yaml", "--script", "forge.yaml",
              "--session", str(Path(session).resolve())]  # fmt: skip
    primary, secondary = pty.openpty()
    proc = subprocess.Popen(
        [*_ssh(port, player_key, "-tt"), *forged],
        stdin=secondary, stdout=secondary, stderr=secondary, env={**os.environ, "TERM": "xterm"},
    )  # fmt: skip
    os.close(secondary)
    try:
        shown = _read_until(primary, b"join code of evaluator ana", 60)
        assert b"join code of evaluator ana" in shown, shown[-2000:]  # not the script
        os.write(primary, load_plain(session)["evaluator:ana"].encode() + b"\r")
        deadline = time.monotonic() + 60
        joined: list[Event] = []
        while not joined and time.monotonic() < deadline:
            _read_until(primary, b"\x00", 0.5)
            with closing(open_journal(session)) as journal:
                events = journal.read()
            joined = [e for e in events if e.type == "evaluator.joined"]
        assert [e.actor for e in joined] == ["evaluator:ana"]
        assert not [e for e in events if e.type in ("clock.started", "exercise.ended")]
        assert not [e for e in events if e.type == "console.joined"]  # no cell's console
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        os.close(primary)


@pytest.mark.slow
def test_a_granted_key_with_a_hostile_command_environment_and_window(
    session: str, player_key: Path, run: Run, sshd: tuple[int, Path], tmp_path: Path
) -> None:
    """Shell metacharacters in the command asked for, escapes in the LANG and LC_* the
    client sends, another cell's name and a 10000x10000 window: the key still opens its
    cell's lobby only, in English, and the console draws and joins."""
    import fcntl
    import struct
    import termios

    port, keys = sshd
    assert run("grant", session, "--cell", "kgz-mod", "--ssh-key", str(player_key),
               "--authorized-keys", str(keys))[0] == 0  # fmt: skip
    marker = tmp_path / "pwned"
    asked = f"exercise join {session} --cell uzb-mod --lang '; touch {marker}'; touch {marker}"
    primary, secondary = pty.openpty()
    fcntl.ioctl(secondary, termios.TIOCSWINSZ, struct.pack("HHHH", 10000, 10000, 0, 0))
    hostile = {"LANG": "ru\x1b]0;pwned\x07", "LC_ALL": f"$(touch {marker})", "LC_MESSAGES": "`id`"}
    proc = subprocess.Popen(
        [*_ssh(port, player_key, "-tt", "-o", "SendEnv=LANG LC_*"), asked],
        stdin=secondary, stdout=secondary, stderr=secondary,
        env={**os.environ, "TERM": "xterm", **hostile},
    )  # fmt: skip
    os.close(secondary)
    try:
        shown = _read_until(primary, b"Join code", 90)
        assert b"Join code" in shown, shown[-2000:]  # English: the escapes chose no language
        assert b"uzb-mod" not in shown  # the lobby offers kgz-mod only
        os.write(primary, load_plain(session)["kgz-mod"].encode() + b"\r")
        deadline = time.monotonic() + 60
        joined: list[Event] = []
        while not joined and time.monotonic() < deadline:
            _read_until(primary, b"\x00", 0.5)
            with closing(open_journal(session)) as journal:
                joined = [e for e in journal.read() if e.type == "console.joined"]
        assert [e.actor for e in joined] == ["kgz-mod"]
        os.write(primary, b"q")
        deadline = time.monotonic() + 30
        while proc.poll() is None and time.monotonic() < deadline:
            _read_until(primary, b"\x00", 0.5)  # keep reading: a full pty would hold it up
        assert proc.poll() is not None, "the console did not quit"
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        os.close(primary)
    assert not marker.exists()
