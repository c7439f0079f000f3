"""A live exercise: the scenario, its journal, and the state folded from it.

:class:`Session` is what consoles, scripts and the CLI use: ``execute(command)`` decides
the command against the latest state and appends its events, retrying when another
process appended first (optimistic concurrency on the journal head); ``refresh()``
folds in what others appended. The scenario's files are stored in the session when it
is created, so a session opens the same way anywhere, even after the files change.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from exercise import __version__, joincodes
from exercise.engine import DomainError, State, apply, decide
from exercise.engine.commands import Command
from exercise.errors import SessionProblem
from exercise.journal import Conflict, Event, Journal, JournalError, open_journal
from exercise.model import Scenario
from exercise.scenario import ScenarioError, load_scenario

Clock = Callable[[], int]


def wall_clock_us() -> int:
    return time.time_ns() // 1000


class SessionError(SessionProblem):
    """A session that cannot be used as asked; the message says what to do."""


def bundle_scenario(path: Path, scenario: Scenario) -> dict[str, object]:
    """The scenario's files, as text keyed by their paths relative to a common folder."""
    path = path.resolve()
    files = [path] + [
        (path.parent / name).resolve() for name in (*scenario.inject_files, *scenario.rule_files)
    ]
    root = Path(os.path.commonpath([f.parent for f in files]))
    return {
        "main": path.relative_to(root).as_posix(),
        "files": {f.relative_to(root).as_posix(): f.read_text(encoding="utf-8") for f in files},
    }


def load_bundle(bundle: dict[str, object]) -> Scenario:
    """Load a scenario from files stored with :func:`bundle_scenario`."""
    files = bundle["files"]
    assert isinstance(files, dict)
    with tempfile.TemporaryDirectory(prefix="exercise-") as tmp:
        root = Path(tmp)
        for rel, text in files.items():
            target = (root / rel).resolve()
            if not target.is_relative_to(root.resolve()):
                raise SessionError(f"the session's scenario names a file outside it: {rel}")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        return load_scenario(root / str(bundle["main"]))


class Session:
    def __init__(self, journal: Journal, scenario: Scenario, clock: Clock | None = None) -> None:
        self.journal = journal
        self.scenario = scenario
        self.clock: Clock = clock or wall_clock_us
        self.state = State(scenario)
        #: Called with every event folded into the state, whoever appended it.
        self.listeners: list[Callable[[Event], None]] = []
        self.refresh()

    # ------------------------------------------------------------------ opening

    @classmethod
    def create(
        cls,
        scenario_path: str | Path,
        address: str,
        clock: Clock | None = None,
        *,
        join_codes: bool = False,
    ) -> Session:
        """Create a session of the scenario at ``scenario_path``. With ``join_codes``,
        issue a code per player cell (hashes in the session, plain codes in the
        facilitator's ``SESSION.codes`` file)."""
        path = Path(scenario_path)
        scenario = load_scenario(path)
        bundle = bundle_scenario(path, scenario)
        text = json.dumps(bundle, sort_keys=True, ensure_ascii=False)
        plain: dict[str, str] = {}
        hashed: dict[str, str] = {}
        if join_codes:
            plain, hashed = joincodes.issue([c.id for c in scenario.player_cells])
        meta = {
            "scenario_id": scenario.id,
            "scenario_title": scenario.title,
            "scenario_bundle": text,
            "scenario_digest": hashlib.sha256(text.encode("utf-8")).hexdigest(),
            "created_by": f"exercise {__version__}",
            "join_codes": json.dumps(hashed, sort_keys=True),
        }
        journal = open_journal(address, create=True, meta=meta)
        if plain:
            joincodes.save_plain(address, plain)
        return cls(journal, scenario, clock)

    @classmethod
    def open(cls, address: str, clock: Clock | None = None, *, read_only: bool = False) -> Session:
        """Open the session at ``address``; ``read_only`` for commands that never write
        (a session file is then opened read-only, and may sit in a read-only folder)."""
        journal = open_journal(address, read_only=read_only)
        try:
            meta = journal.meta()
            if "scenario_bundle" not in meta:
                raise SessionError(f"{address} holds no scenario (was it made by exercise?)")
            try:
                scenario = load_bundle(json.loads(meta["scenario_bundle"]))
            except (ScenarioError, ValueError) as exc:
                raise SessionError(
                    f"the scenario stored in {address} does not load: {exc}"
                ) from None
            return cls(journal, scenario, clock)
        except BaseException:
            journal.close()
            raise

    @classmethod
    def open_or_create(
        cls,
        scenario_path: str | Path,
        address: str,
        clock: Clock | None = None,
        *,
        join_codes: bool = False,
    ) -> Session:
        """Open ``address`` if it exists (checking it holds the same scenario id), else create."""
        if address_exists(address):
            session = cls.open(address, clock)
            wanted = load_scenario(scenario_path).id
            if session.scenario.id != wanted:
                session.close()
                raise SessionError(
                    f"{address} is a session of scenario {session.scenario.id!r}, not {wanted!r}"
                )
            return session
        return cls.create(scenario_path, address, clock, join_codes=join_codes)

    # --------------------------------------------------------------- operations

    def refresh(self) -> list[Event]:
        """Fold in the events appended since the state's last one (by anyone)."""
        new = self.journal.read(after=self.state.seq)
        for event in new:
            self._apply(event)
        return new

    def _apply(self, event: Event) -> None:
        apply(self.state, event)
        for listener in self.listeners:
            listener(event)

    def wait(self, timeout: float) -> list[Event]:
        """Wait up to ``timeout`` seconds for new events; fold and return them."""
        new = self.journal.wait(self.state.seq, timeout)
        for event in new:
            if event.seq == self.state.seq + 1:
                self._apply(event)
        return new

    def execute(self, command: Command, *, attempts: int = 500) -> list[Event]:
        """Decide ``command`` against the latest state and append its events.

        Raises :class:`DomainError` when the engine refuses it. When another process
        appended in between, the command is decided again on the new state (after a
        short random pause, so that busy writers do not keep colliding)."""
        for attempt in range(attempts):
            self.refresh()
            drafts = decide(self.state, command, self.clock())
            if not drafts:
                return []
            try:
                written = self.journal.append(drafts, expect_head=self.state.seq)
            except Conflict:
                time.sleep(random.uniform(0, 0.002 * min(attempt + 1, 10)))
                continue
            for event in written:
                self._apply(event)
            return written
        raise JournalError("the session is too busy: could not append after many attempts")

    def game_ms(self) -> int:
        return self.state.game_ms(self.clock())

    def close(self) -> None:
        self.journal.close()

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def address_exists(address: str) -> bool:
    if address.startswith(("postgresql://", "postgres://")):
        from exercise.journal.postgres import PostgresJournal

        return PostgresJournal.exists(address)  # may raise JournalError (server unreachable)
    return Path(address).exists()


__all__ = ["DomainError", "Session", "SessionError", "address_exists", "bundle_scenario"]
