"""A live exercise: the scenario, its journal, and the state folded from it.

:class:`Session` is what consoles, scripts and the CLI use: ``execute(command)`` decides
the command against the latest state and appends its events, retrying when another
process appended first (optimistic concurrency on the journal head); ``refresh()``
folds in what others appended. The scenario's files are stored in the session when it
is created, so a session opens the same way anywhere, even after the files change.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import random
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from exercise import __version__, joincodes
from exercise.engine import DomainError, State, apply, decide
from exercise.engine.commands import Command, Join, RefuseJoin
from exercise.engine.decide import refusal
from exercise.errors import ExerciseError, SessionProblem
from exercise.i18n import N_, Msg, _, msg
from exercise.journal import (
    FORMAT_NAME,
    SCHEMA_VERSION,
    Conflict,
    Event,
    Journal,
    JournalError,
    NewEvent,
    open_journal,
)
from exercise.journal.base import (
    GENESIS_HASH,
    GENESIS_KEY,
    GENESIS_VERSION,
    genesis_hash,
    genesis_of,
    metadata_problem,
)
from exercise.journal.seal import ControlKey, Receipt, save_receipt, seal_event
from exercise.model import Scenario
from exercise.scenario import ScenarioError
from exercise.scenario.cache import remembered

Clock = Callable[[], int]

#: Actor of a refused join: the console has proved no cell.
JOIN_ACTOR = "console"


def wall_clock_us() -> int:
    return time.time_ns() // 1000


class SessionError(SessionProblem):
    """A session that cannot be used as asked; the message says what to do."""


def bundle_scenario(path: Path, scenario: Scenario) -> dict[str, object]:
    """The scenario's files (and their translation files), as text keyed by their paths
    relative to a common folder."""
    from exercise.scenario.translations import siblings  # (see load_bundle)

    path = path.resolve()
    sources = [path] + [
        (path.parent / name).resolve() for name in (*scenario.inject_files, *scenario.rule_files)
    ]
    # translation files travel with the files they translate
    files = [*sources, *(t for f in sources for _lang, t in siblings(f))]
    root = Path(os.path.commonpath([f.parent for f in files]))
    return {
        "main": path.relative_to(root).as_posix(),
        "files": {f.relative_to(root).as_posix(): f.read_text(encoding="utf-8") for f in files},
    }


def scenario_files_changed(session: Session, path: str | Path) -> bool:
    """Whether the scenario files at ``path`` (with their inject, rule and translation
    files) differ from those stored in ``session`` when it was created: a resumed session
    plays the stored scenario, never the edited files. The files are those the stored
    scenario names (an edit naming others changes the scenario file itself), read without
    loading or checking them again."""
    try:
        stored = json.loads(session.journal.meta().get("scenario_bundle") or "{}")
        now = bundle_scenario(Path(path), session.scenario)
    except (ExerciseError, OSError, ValueError):
        return True  # what cannot be compared is reported as changed
    files = stored.get("files") if isinstance(stored, dict) else None
    if not isinstance(files, dict):
        return True
    current = now["files"]
    assert isinstance(current, dict)
    return sorted(map(str, files.values())) != sorted(map(str, current.values()))


def load_bundle(bundle: dict[str, object]) -> Scenario:
    """Load a scenario from files stored with :func:`bundle_scenario`."""
    # imported here: a session opened from the scenario cache loads no file, and so
    # does not wait for the loader and the YAML parser to be imported
    from exercise.scenario import load_scenario

    files = bundle.get("files") if isinstance(bundle, dict) else None
    main = bundle.get("main") if isinstance(bundle, dict) else None
    if (
        not isinstance(files, dict)
        or not isinstance(main, str)
        or not all(isinstance(k, str) and isinstance(v, str) for k, v in files.items())
    ):
        # a bundle edited by hand: not the {"main": ..., "files": {path: text}} it was made as
        raise SessionError(_("its stored scenario is not a bundle of scenario files"))
    with tempfile.TemporaryDirectory(prefix="exercise-") as tmp:
        root = Path(tmp)
        for rel, text in files.items():
            target = (root / rel).resolve()
            if not target.is_relative_to(root.resolve()):
                raise SessionError(
                    _("the session's scenario names a file outside it: {file}").format(file=rel)
                )
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        return load_scenario(root / main)


class Session:
    def __init__(self, journal: Journal, scenario: Scenario, clock: Clock | None = None) -> None:
        self.journal = journal
        self.scenario = scenario
        #: The scenario in its own language (``scenario`` may be a translation of it).
        self.source_scenario = scenario
        self.clock: Clock = clock or wall_clock_us
        self.state = State(scenario)
        #: Called with every event folded into the state, whoever appended it.
        self.listeners: list[Callable[[Event], None]] = []
        self._join_hashes: dict[str, str] | None = None
        self.refresh()

    def prepare_join(self) -> None:
        """Read the join codes' hashes now (on the caller's thread), so that
        :meth:`check_join` touches no connection."""
        if self._join_hashes is None:
            self._join_hashes = json.loads(self.journal.meta().get("join_codes") or "{}")

    # ------------------------------------------------------------------ opening

    @classmethod
    def create(
        cls,
        scenario_path: str | Path,
        address: str,
        clock: Clock | None = None,
        *,
        join_codes: bool = False,
        control_key: str | None = None,
    ) -> Session:
        """Create a session of the scenario at ``scenario_path``. With ``join_codes``,
        issue a code per player cell (hashes in the session, plain codes in the
        facilitator's ``SESSION.codes`` file). ``control_key`` is the fingerprint of
        control's key: only its holder may then act as control (see :func:`require_control`)."""
        from exercise.scenario import load_scenario  # (see load_bundle)

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
            # What the backend would add, fixed now so that the genesis hash covers it.
            "created": datetime.now(UTC).isoformat(timespec="seconds"),
            "format": FORMAT_NAME,
            "schema_version": str(SCHEMA_VERSION),
            "session_id": uuid.uuid4().hex,
            "genesis_version": str(GENESIS_VERSION),
        }
        if control_key is not None:
            meta[CONTROL_KEY] = control_key
        meta[GENESIS_KEY] = genesis_hash(meta)
        journal = open_journal(address, create=True, meta=meta)
        if plain:
            joincodes.save_plain(address, plain)
        return cls(journal, scenario, clock)

    @classmethod
    def open(
        cls,
        address: str,
        clock: Clock | None = None,
        *,
        check: Callable[[Journal], None] | None = None,
        read_only: bool = False,
    ) -> Session:
        """Open the session at ``address``; ``check(journal)``, when given, runs before the
        scenario is loaded and the events folded (to refuse a record that does not check
        out before acting on it); ``read_only`` for commands that never write (a session
        file is then opened read-only, and may sit in a read-only folder)."""
        journal = open_journal(address, read_only=read_only)
        try:
            if check is not None:
                check(journal)
            meta = journal.meta()
            if "scenario_bundle" not in meta:
                raise SessionError(
                    _("{address} holds no scenario (was it made by exercise?)").format(
                        address=address
                    )
                )
            try:
                text = meta["scenario_bundle"]
                scenario = remembered(text, lambda: load_bundle(json.loads(text)))
            except (ScenarioError, SessionError, ValueError) as exc:
                raise SessionError(
                    _("the scenario stored in {address} does not load: {problem}").format(
                        address=address, problem=exc
                    )
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
        check: Callable[[Journal], None] | None = None,
        control_key: str | None = None,
    ) -> Session:
        """Open ``address`` if it exists (checking it holds the same scenario id, and with
        ``check`` as :meth:`open`), else create (with ``control_key`` as :meth:`create`)."""
        from exercise.scenario import load_scenario  # (see load_bundle)

        if address_exists(address):
            session = cls.open(address, clock, check=check)
            wanted = load_scenario(scenario_path).id
            if session.scenario.id != wanted:
                session.close()
                raise SessionError(
                    _("{address} is a session of scenario {found!r}, not {wanted!r}").format(
                        address=address, found=session.scenario.id, wanted=wanted
                    )
                )
            return session
        return cls.create(
            scenario_path, address, clock, join_codes=join_codes, control_key=control_key
        )

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
        for event in new:  # (a cell's role may see only some seqs: gaps are fine)
            if event.seq > self.state.seq:
                self._apply(event)
        return new

    def execute(self, command: Command, *, attempts: int = 500) -> list[Event]:
        """Decide ``command`` against the latest state and append its events.

        Raises :class:`DomainError` when the engine refuses it. When another process
        appended in between, the command is decided again on the new state (after a
        short random pause, so that busy writers do not keep colliding)."""
        for attempt in range(attempts):
            drafts = self.draft(command)
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
        raise JournalError(_("the session is too busy: could not append after many attempts"))

    def draft(self, command: Command) -> list[NewEvent]:
        """The events ``command`` would append, decided against the latest state: the
        first half of :meth:`execute`, for a caller that appends them elsewhere (a
        console's writer thread) with ``expect_head=self.state.seq`` and decides again
        after a :class:`Conflict`. Raises :class:`DomainError` (recorded as by execute)."""
        self.refresh()
        try:
            return decide(self.state, command, self.clock())
        except DomainError as exc:
            self._record_refusal(command, exc.message)
            raise

    def seal_draft(self, key: ControlKey) -> tuple[NewEvent, str]:
        """Control's seal over the latest head, and the session's genesis: the first half
        of :meth:`seal` (append with ``expect_head=self.state.seq``; then :meth:`sealed`)."""
        genesis = genesis_of(self.journal.meta())
        self.refresh()
        head = self.state.head_hash if self.state.seq else genesis
        return seal_event(key, genesis, self.state.seq, head, self.clock(), self.game_ms()), genesis

    def sealed(self, key: ControlKey, genesis: str, written: Event) -> None:
        """Leave the receipt of a written seal beside the key."""
        if genesis != GENESIS_HASH:  # (sessions without a genesis share no identity)
            receipt = Receipt(written.seq, written.hash, written.wall_us)
            save_receipt(key, genesis, receipt, self.journal.address)

    def seal(self, key: ControlKey, *, attempts: int = 500) -> Event:
        """Append control's seal over the journal's head (see exercise.journal.seal) and
        leave a receipt of it beside the key."""
        for attempt in range(attempts):
            draft, genesis = self.seal_draft(key)
            try:
                (written,) = self.journal.append([draft], expect_head=self.state.seq)
            except Conflict:
                time.sleep(random.uniform(0, 0.002 * min(attempt + 1, 10)))
                continue
            self._apply(written)
            self.sealed(key, genesis, written)
            return written
        raise JournalError(_("the session is too busy: could not seal after many attempts"))

    def use_language(self, lang: str | None) -> None:
        """Show the scenario's text in ``lang`` from now on (its own text where there is no
        translation). Only words change: ids, times, addressees and rules are the same, so
        the engine decides and scores exactly as before, and the journal is untouched."""
        from exercise.scenario.translations import localized  # (see load_bundle)

        scenario = localized(self.source_scenario, lang)
        if scenario is self.scenario:
            return
        self.scenario = scenario
        # the events already folded are folded again in the new words, quietly (the
        # listeners have seen them); anything newer is folded and told as usual
        seen = self.state.seq
        self.state = State(scenario, language=lang, source=self.source_scenario)
        for event in self.journal.read():
            if event.seq <= seen:
                apply(self.state, event)
        self.refresh()

    def _record_refusal(self, command: Command, reason: Msg) -> None:
        """An evaluator's refused command is recorded (``command.refused``) before the
        refusal reaches the evaluator."""
        for _attempt in range(50):
            drafts = refusal(self.state, command, reason, self.clock())
            if not drafts:
                return
            try:
                written = self.journal.append(drafts, expect_head=self.state.seq)
            except Conflict:
                self.refresh()
                continue
            for event in written:
                self._apply(event)
            return

    def game_ms(self) -> int:
        return self.state.game_ms(self.clock())

    # -------------------------------------------------------------- joining

    def check_join(self, cell: str, code: str) -> Msg | None:
        """Why ``code`` does not open ``cell``'s console (None when it does), as a message
        the console puts into its user's language.

        Slow on purpose (a salted PBKDF2 hash) and free of side effects, so a console
        can run it off its UI thread; :meth:`record_join` then writes the outcome. A
        connection the server already knows as ``cell`` (a PostgreSQL cell role) needs
        no code."""
        if principal(self.journal) == cell:
            return None
        self.prepare_join()
        assert self._join_hashes is not None
        known = {x.id for x in self.scenario.player_cells}
        stored = self._join_hashes.get(cell)
        if cell in known and stored is not None and joincodes.check_code(code, stored):
            return None
        if stored is None and cell in known:
            return msg(N_("this session has no join code for that cell; ask exercise control"))
        return msg(N_("wrong join code for that cell"))

    def record_join(self, cell: str, refusal: Msg | str | None) -> str | None:
        """Record a join (``refusal`` None) or a refused attempt; return the refusal in
        the interface language, or the engine's when it refuses the join itself."""
        if refusal is not None:
            with contextlib.suppress(DomainError, JournalError):  # the refusal stands anyway
                self.execute(RefuseJoin(JOIN_ACTOR, cell))
            return str(refusal)
        try:
            self.execute(Join(cell, cell))
        except DomainError as exc:
            return str(exc)
        return None

    def join(self, cell: str, code: str) -> str | None:
        """Check the code and record the outcome (both steps, on this thread)."""
        return self.record_join(cell, self.check_join(cell, code))

    def close(self) -> None:
        self.journal.close()

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def check_metadata(address: str, meta: dict[str, str]) -> None:
    """Refuse a session whose stored scenario no longer matches its digest or its genesis."""
    bundle = meta.get("scenario_bundle", "")
    digest = meta.get("scenario_digest")
    if digest is not None and hashlib.sha256(bundle.encode("utf-8")).hexdigest() != digest:
        raise SessionError(
            _(
                "{address}: the scenario stored in it does not match its digest (it was edited"
                " after the session was created)"
            ).format(address=address)
        )
    problem = metadata_problem(meta)
    if problem is not None:
        raise SessionError(f"{address}: {problem}")


def principal(journal: Journal) -> str | None:
    """The cell the server lets this journal's connection play (a PostgreSQL cell role,
    see exercise.roles), or None when it may act as anyone."""
    value = getattr(journal, "principal", None)
    return value if isinstance(value, str) else None


#: The metadata key holding the fingerprint of control's key (sessions made since seals).
CONTROL_KEY = "control_key"


def require_control(session: Session, key: ControlKey | None) -> None:
    """Refuse to act as control in ``session`` without the private key of the control that
    created it (sessions made before control keys accept anyone who can open them)."""
    wanted = session.journal.meta().get(CONTROL_KEY)
    if wanted is None:
        return
    if key is None or key.private is None or key.fingerprint != wanted:
        yours = _("no key") if key is None else _("key {key}").format(key=key.fingerprint)
        raise SessionError(
            _(
                "{address} is controlled by the holder of key {wanted}, and you hold {yours}:"
                " only its control may act as control in it (players join with exercise join;"
                " set EXERCISE_KEY to control's key file if you are control)"
            ).format(address=session.journal.address, wanted=wanted, yours=yours)
        )


def integrity(journal: Journal) -> str | None:
    """Why the session in ``journal`` cannot be trusted as recorded (its stored scenario
    edited, its hash chain broken, a seal forged), or None when it checks out. Seals are
    checked against the key each names; ``exercise verify --key`` checks whose key it is."""
    from exercise.journal import verify

    if principal(journal) is not None:
        return None  # a cell's role sees part of the record: control verifies the whole
    try:
        check_metadata(journal.address, journal.meta())
    except SessionError as exc:
        return str(exc).removeprefix(f"{journal.address}: ")
    result = verify(journal, damaged_ok=True)  # (commands deal with damaged events)
    if not result.ok:
        return f"its hash chain is broken at event {result.broken_seq}: {result.reason}"
    return None


def address_exists(address: str) -> bool:
    if address.startswith(("postgresql://", "postgres://")):
        from exercise.journal.postgres import PostgresJournal

        return PostgresJournal.exists(address)  # may raise JournalError (server unreachable)
    return Path(address).exists()


__all__ = [
    "JOIN_ACTOR",
    "DomainError",
    "Session",
    "SessionError",
    "address_exists",
    "bundle_scenario",
    "check_metadata",
    "integrity",
    "principal",
    "require_control",
]
