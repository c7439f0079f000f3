"""Cells as principals over SSH: ``authorized_keys`` lines that open one cell's console.

A player's SSH key is granted one cell of one session: the line forces the command
``exercise join SESSION --cell ID`` (an evaluator's key: ``--evaluator NAME``) whatever
the key's holder asks to run, and ``restrict``
turns off port, agent and X11 forwarding (``pty`` gives the console its terminal back).
The session file is only ever touched by the ``exercise`` process that control's account
runs; the player holds no copy of it.
"""

from __future__ import annotations

import base64
import binascii
import os
import shlex
import sys
from pathlib import Path
from urllib.parse import quote, unquote

import attrs

from exercise.errors import UsageProblem

#: Key types OpenSSH accepts in ``authorized_keys`` (without certificates).
KEY_TYPES = frozenset(
    {
        "ssh-ed25519",
        "ssh-rsa",
        "ecdsa-sha2-nistp256",
        "ecdsa-sha2-nistp384",
        "ecdsa-sha2-nistp521",
        "sk-ssh-ed25519@openssh.com",
        "sk-ecdsa-sha2-nistp256@openssh.com",
    }
)
#: What marks our lines: the comment ``exercise-grant:CELL:SESSION``.
MARK = "exercise-grant"


class AccessError(UsageProblem):
    """A grant that cannot be made as asked; the message says what to do."""


@attrs.frozen
class PublicKey:
    type: str
    blob: str  #: base64, as in the key file


def read_public_key(path: Path) -> PublicKey:
    """The one OpenSSH public key in ``path`` (``TYPE BASE64 [COMMENT]``)."""
    try:
        if path.exists() and not path.is_file():  # a FIFO would block, a device never end
            raise AccessError(f"{path} is not a regular file, so not a public key file")
        if path.exists() and path.stat().st_size > 64 * 1024:
            raise AccessError(f"{path} is too large to be a public key file")
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise AccessError(f"there is no key file {path}") from None
    except (OSError, UnicodeDecodeError) as error:
        raise AccessError(f"cannot read key file {path}: {error}") from None
    if "PRIVATE KEY" in text:
        raise AccessError(
            f"{path} is a private key: give the player's public key (the .pub file), and "
            "never copy a private key"
        )
    lines = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    if len(lines) != 1:
        raise AccessError(f"{path} must hold exactly one public key (it holds {len(lines)} lines)")
    fields = lines[0].split()
    if len(fields) < 2 or fields[0] not in KEY_TYPES:
        raise AccessError(
            f"{path}:1:1: not an OpenSSH public key (expected a line such as "
            "'ssh-ed25519 AAAA... player@laptop'; options before the key are not accepted)"
        )
    try:
        raw = base64.b64decode(fields[1], validate=True)
    except binascii.Error:
        raise AccessError(f"{path}:1:{len(fields[0]) + 2}: the key is not valid base64") from None
    length = int.from_bytes(raw[:4], "big")
    if raw[4 : 4 + length] != fields[0].encode("ascii"):
        raise AccessError(f"{path}:1:1: the key's data is not a {fields[0]} key")
    return PublicKey(fields[0], fields[1])


def exercise_command() -> list[str]:
    """How sshd should start this release of ``exercise`` (absolute: sshd's PATH is bare)."""
    script = Path(sys.executable).parent / "exercise"
    if script.is_file() and os.access(script, os.X_OK):
        return [str(script)]
    return [sys.executable, "-m", "exercise.cli.main"]


#: The prefix of a grant's ``cell`` that names an evaluator instead (``evaluator:NAME``).
EVALUATOR = "evaluator:"


def forced_command(session: str, cell: str) -> str:
    """The command a granted key runs, whatever its holder asks for: the console of a cell,
    or, for ``evaluator:NAME``, that evaluator's console."""
    if cell.startswith(EVALUATOR):
        who = ["--evaluator", cell.removeprefix(EVALUATOR)]
    else:
        who = ["--cell", cell]
    return shlex.join([*exercise_command(), "join", session, *who])


def authorized_line(key: PublicKey, session: str, cell: str) -> str:
    """The ``authorized_keys`` line granting ``key`` the console of ``cell`` only."""
    command = forced_command(session, cell).replace("\\", "\\\\").replace('"', '\\"')
    mark = f"{MARK}:{quote(cell, safe='')}:{quote(session, safe='/:@?=&')}"
    return f'restrict,pty,command="{command}" {key.type} {key.blob} {mark}'


def _ours(line: str) -> tuple[str, str, str] | None:
    """``(blob, cell, session)`` of a line this module wrote, else None."""
    fields = line.rsplit(" ", 3)
    if len(fields) != 4 or not fields[3].startswith(f"{MARK}:"):
        return None
    _, cell, session = fields[3].split(":", 2)
    return fields[2], unquote(cell), unquote(session)


def default_authorized_keys() -> Path:
    return Path.home() / ".ssh" / "authorized_keys"


def _lines(path: Path) -> list[str]:
    try:
        return path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return []
    except OSError as error:
        raise AccessError(f"cannot read {path}: {error.strerror}") from None


def _write(path: Path, lines: list[str]) -> None:
    """Replace ``path`` with ``lines`` (mode 0600, its folder 0700), atomically."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as file:
        file.write("".join(f"{line}\n" for line in lines))
        file.flush()
        os.fsync(file.fileno())
    os.replace(tmp, path)


def grant(path: Path, key: PublicKey, session: str, cell: str) -> str | None:
    """Add (or replace) the line granting ``key`` the console of ``cell``. Returns what the
    key was granted before, if anything (a key opens one console: the old grant goes)."""
    lines = _lines(path)
    previous = None
    kept = []
    for line in lines:
        fields = line.split()
        if key.blob in fields:
            mine = _ours(line)
            if mine is None:
                raise AccessError(
                    f"{path} already lets this key in without exercise's restrictions: "
                    "remove that line first (one key, one console)"
                )
            what = (
                mine[1].replace(EVALUATOR, "evaluator ", 1)
                if mine[1].startswith(EVALUATOR)
                else f"cell {mine[1]}"
            )
            previous = f"{what} of {mine[2]}"
            continue
        kept.append(line)
    _write(path, [*kept, authorized_line(key, session, cell)])
    return previous


def revoke(path: Path, session: str, cell: str | None) -> int:
    """Remove the grants of ``cell`` (every cell when None) of ``session``; how many."""
    lines = _lines(path)
    kept = []
    for line in lines:
        mine = _ours(line)
        if mine is not None and mine[2] == session and (cell is None or mine[1] == cell):
            continue
        kept.append(line)
    removed = len(lines) - len(kept)
    if removed:
        _write(path, kept)
    return removed
