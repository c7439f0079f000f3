"""Scenarios already checked, kept per user so that opening a session skips the check.

A session stores its scenario's files; every console, script and command that opens the
session used to read and check them again (a fifth of a console's start). The checked
:class:`~exercise.model.Scenario` is kept in the user's cache folder
(``$EXERCISE_CACHE``, else ``$XDG_CACHE_HOME/exercise``, else ``~/.cache/exercise``) under
the SHA-256 of the stored files and this version of exercise, so that a changed scenario
or a new version never finds a stale entry.

The entries are pickles, written by this user only: a folder or file another user could
write is never read (such an entry is simply ignored and the scenario checked again), and
the folder is made private (0700). Anything wrong with an entry — unreadable, truncated,
from another Python — is ignored the same way: the cache can only save time."""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import pickle
import stat
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from exercise import __version__
from exercise.model import Scenario


def folder() -> Path:
    explicit = os.environ.get("EXERCISE_CACHE")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "exercise"


@functools.cache
def _code() -> str:
    """This copy of exercise's model and loader: version, Python, and the size and time of
    each of their files (a changed class must never meet an entry pickled before)."""
    here = Path(__file__).resolve().parent
    parts = [__version__, f"{sys.version_info[0]}.{sys.version_info[1]}"]
    for package in (here, here.parent / "model"):
        for source in sorted(package.glob("*.py")):
            st = source.stat()
            parts.append(f"{source.name}:{st.st_size}:{st.st_mtime_ns}")
    return "\n".join(parts)


def key(text: str) -> str:
    """The entry's name for a scenario stored as ``text``, for this copy of the code."""
    return hashlib.sha256(f"{_code()}\n{text}".encode()).hexdigest()


def _private(path: Path) -> bool:
    """Owned by this user and writable by no one else."""
    st = path.stat()
    owner = os.getuid() if hasattr(os, "getuid") else st.st_uid
    return st.st_uid == owner and not st.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def remembered(text: str, load: Callable[[], Scenario]) -> Scenario:
    """The scenario stored as ``text``: from the cache when this user checked it before,
    else ``load()`` (which checks it, and raises on a problem: nothing is kept then)."""
    where = folder()
    entry = where / f"scenario-{key(text)}.pickle"
    with contextlib.suppress(Exception):  # any trouble: check the scenario again
        if _private(where) and _private(entry):
            found = pickle.loads(entry.read_bytes())
            if isinstance(found, Scenario):
                return found
    scenario = load()
    with contextlib.suppress(OSError, pickle.PicklingError):
        where.mkdir(mode=0o700, parents=True, exist_ok=True)
        if _private(where):
            fd, tmp = tempfile.mkstemp(dir=where, prefix=".scenario-", suffix=".tmp")
            try:
                with os.fdopen(fd, "wb") as fh:
                    pickle.dump(scenario, fh, protocol=pickle.HIGHEST_PROTOCOL)
                os.replace(tmp, entry)
            finally:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
    return scenario
