"""Join codes: how a player proves at the console which cell they sit in.

Codes are random, shown only to the facilitator, and stored in the session only as salted
PBKDF2 hashes (meta key ``join_codes``). The facilitator's own copy of the plain codes is
kept beside a session file in ``SESSION.codes`` (readable by its owner only), so that the
console can show them again after a restart.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
from pathlib import Path

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I
ITERATIONS = 100_000


def new_code() -> str:
    """A code like ``K7QX-M4PD`` (40 bits)."""
    raw = "".join(secrets.choice(ALPHABET) for _ in range(8))
    return f"{raw[:4]}-{raw[4:]}"


def normalise(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


def hash_code(code: str, salt: bytes | None = None) -> str:
    salt = salt if salt is not None else os.urandom(16)
    digest = hashlib.pbkdf2_hmac("sha256", normalise(code).encode(), salt, ITERATIONS)
    return f"pbkdf2-sha256${ITERATIONS}${salt.hex()}${digest.hex()}"


def check_code(code: str, stored: str) -> bool:
    try:
        scheme, iterations, salt, digest = stored.split("$")
    except ValueError:
        return False
    if scheme != "pbkdf2-sha256":
        return False
    actual = hashlib.pbkdf2_hmac(
        "sha256", normalise(code).encode(), bytes.fromhex(salt), int(iterations)
    )
    return hmac.compare_digest(actual.hex(), digest)


def issue(cells: list[str]) -> tuple[dict[str, str], dict[str, str]]:
    """New codes for ``cells``: ``(plain, hashed)``."""
    plain = {cell: new_code() for cell in cells}
    return plain, {cell: hash_code(code) for cell, code in plain.items()}


def codes_file(address: str) -> Path | None:
    """Where the facilitator's copy of the codes lives: beside a session file, or for a
    PostgreSQL session in ``sessions/`` on the facilitator's machine (named after a hash
    of the URL, which may carry a password)."""
    if "://" in address:
        digest = hashlib.sha256(address.encode("utf-8")).hexdigest()[:16]
        return Path("sessions") / f"server-{digest}.codes"
    return Path(address + ".codes")


def save_plain(address: str, plain: dict[str, str]) -> None:
    path = codes_file(address)
    if path is None:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    # written whole under a temporary name (owner-only from the start) and renamed over
    # the old copy: never readable by others, never followed through a planted link
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(tmp, flags, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(plain, fh, indent=1, sort_keys=True)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def load_plain(address: str) -> dict[str, str]:
    path = codes_file(address)
    if path is None or not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}
