"""Join attempts, slowed per client address across every console process.

Each console (one per browser tab under ``exercise serve``, one per terminal or SSH
login) is its own process, so a delay after a wrong code inside one process does not stop
four parallel tabs from guessing four times as fast. :class:`JoinThrottle` keeps, in a
small SQLite file beside the session (owner-only), the time before which the next attempt
from each client address may be checked. Every attempt takes the next free slot and
waits for it, so attempts from one address are checked at most one per ``interval``
seconds however many consoles send them; when the queue is longer than ``max_wait``
seconds the attempt is refused at once with the time to wait.

An attempt whose code was right gives its slot back (:meth:`JoinThrottle.succeeded`):
players of one room behind one address (a NAT, or every terminal on control's own
machine) join one after another without waiting, while every wrong guess still holds
its slot, so guesses from an address are never checked faster than one per interval.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sqlite3
import time
from collections.abc import Callable, Iterator
from pathlib import Path

#: Seconds between two checked attempts from one client address.
INTERVAL = 2.0
#: Longest an attempt waits for its turn before it is refused outright.
MAX_WAIT = 20.0
#: The environment variable ``exercise serve`` sets to the browser's address.
CLIENT_ENV = "EXERCISE_CLIENT"


class TooManyAttempts(Exception):
    """Attempts from this address are queued too far ahead; ``retry_after`` seconds."""

    def __init__(self, retry_after: float) -> None:
        super().__init__(
            f"too many join attempts from your address; try again in {retry_after:.0f} s"
        )
        self.retry_after = retry_after


def client_address() -> str:
    """Who is joining: the browser's address under ``exercise serve``, the SSH client's
    address over SSH, else this machine."""
    given = os.environ.get(CLIENT_ENV)
    if given:
        return given
    ssh = os.environ.get("SSH_CONNECTION") or os.environ.get("SSH_CLIENT")
    if ssh:
        return ssh.split()[0]
    return "local"


def throttle_file(address: str) -> Path:
    """Where the attempts of the session at ``address`` are kept: beside a session file,
    or for a PostgreSQL session in ``sessions/`` (named after a hash of the URL)."""
    if "://" in address:
        digest = hashlib.sha256(address.encode("utf-8")).hexdigest()[:16]
        return Path("sessions") / f"server-{digest}.joins"
    return Path(address + ".joins")


class JoinThrottle:
    def __init__(
        self,
        path: Path,
        *,
        interval: float = INTERVAL,
        max_wait: float = MAX_WAIT,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.path = path
        self.interval = interval
        self.max_wait = max_wait
        self._clock = clock

    def reserve(self, client: str) -> float:
        """Take ``client``'s next slot: the seconds to wait before checking the code.
        Raises :class:`TooManyAttempts` when that is more than ``max_wait``."""
        now = self._clock()
        with self._connect() as conn:
            conn.execute("BEGIN IMMEDIATE")
            row = conn.execute("SELECT next_at FROM slots WHERE client = ?", (client,)).fetchone()
            slot = max(now, row[0] if row else 0.0)
            if slot - now > self.max_wait:
                conn.execute("ROLLBACK")
                raise TooManyAttempts(slot - now)
            conn.execute(
                "INSERT INTO slots (client, next_at) VALUES (?, ?) "
                "ON CONFLICT (client) DO UPDATE SET next_at = excluded.next_at",
                (client, slot + self.interval),
            )
            conn.execute("DELETE FROM slots WHERE next_at < ?", (now - 3600,))
            conn.execute("COMMIT")
        return slot - now

    def succeeded(self, client: str) -> None:
        """``client``'s attempt had the right code: give its slot back (the queue moves
        one interval closer, never before now). Only wrong guesses keep theirs."""
        now = self._clock()
        with self._connect() as conn:
            conn.execute("BEGIN IMMEDIATE")
            conn.execute(
                "UPDATE slots SET next_at = max(?, next_at - ?) WHERE client = ?",
                (now, self.interval, client),
            )
            conn.execute("COMMIT")

    @contextlib.contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o600)
        os.close(fd)
        conn = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        try:
            conn.execute(
                "CREATE TABLE IF NOT EXISTS slots (client TEXT PRIMARY KEY, next_at REAL NOT NULL)"
            )
            yield conn
        finally:
            conn.close()


__all__ = ["CLIENT_ENV", "JoinThrottle", "TooManyAttempts", "client_address", "throttle_file"]
