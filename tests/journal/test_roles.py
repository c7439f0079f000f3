"""Cells as PostgreSQL principals: the server refuses a cell's role anything but its own
cell's events, and shows it only what its cell may see (needs EXERCISE_TEST_POSTGRES with a
role that has CREATEROLE, as in CI; skipped without)."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Callable, Iterator
from contextlib import closing
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest

from exercise.cli.main import main
from exercise.engine import commands as c
from exercise.journal import JournalError, NewEvent, open_journal, verify
from exercise.journal.postgres import PostgresJournal, parse_url
from exercise.session import Session

from .conftest import with_session

Run = Callable[..., tuple[int, str, str]]


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str]) -> Run:
    def go(*args: str) -> tuple[int, str, str]:
        code = main(list(args))
        out, err = capsys.readouterr()
        return code, out, err

    return go


def _as(url: str, role: str) -> str:
    """``url`` with ``role`` as its user."""
    parts = urlsplit(url)
    host = parts.netloc.rsplit("@", 1)[-1]
    return urlunsplit(parts._replace(netloc=f"{role}@{host}"))


@pytest.fixture
def control_url(pg_url: str, mini: Path) -> Iterator[str]:
    """A session of the mini scenario, made by control (no control key recorded, so that
    only the server stands between a cell's role and control's events)."""
    url = with_session(pg_url, f"test-{uuid.uuid4().hex[:12]}")
    Session.create("scenarios/mini.yaml", url, join_codes=True).close()
    roles: list[str] = []
    yield url
    with contextlib.suppress(JournalError):
        PostgresJournal.drop(url)
    with psycopg.connect(parse_url(pg_url).conninfo, autocommit=True) as conn:
        for (role,) in conn.execute(
            "SELECT rolname FROM pg_roles WHERE rolname LIKE %s", (f"cell_{url[-12:]}%",)
        ).fetchall():
            roles.append(role)
            conn.execute(psycopg.sql.SQL("DROP ROLE {}").format(psycopg.sql.Identifier(role)))


@pytest.fixture
def kgz(control_url: str, run: Run) -> str:
    """The URL kgz-mod's role opens the session with (the role granted by control)."""
    role = f"cell_{control_url[-12:]}_kgz"
    code, out, err = run("grant", control_url, "--cell", "kgz-mod", "--role", role)
    assert code == 0, err
    assert f"role {role} plays cell kgz-mod" in out
    return _as(control_url, role)


def test_a_cells_role_writes_only_as_its_cell(control_url: str, kgz: str) -> None:
    with Session.open(kgz) as session:
        assert session.journal.principal == "kgz-mod"  # type: ignore[attr-defined]
        journal = session.journal
        head = journal.head()
        for actor, type_, payload in (
            ("uzb-mod", "move.submitted", {"cell": "uzb-mod", "kind": "strike", "text": "x"}),
            ("control", "exercise.ended", {"reason": "forged"}),
            ("kgz-mod", "exercise.ended", {"reason": "forged"}),
            ("kgz-mod", "move.submitted", {"cell": "uzb-mod", "kind": "strike", "text": "x"}),
            ("kgz-mod", "move.adjudicated", {"move": 1, "outcome": "accepted", "text": "x"}),
        ):
            with pytest.raises(JournalError, match="permission denied"):
                journal.append([NewEvent(type_, actor, 1, 0, payload)])
        assert journal.head() == head
        # What the engine decides for the cell goes through.
        session.execute(c.Join("kgz-mod", "kgz-mod"))
    target = parse_url(kgz)
    with psycopg.connect(target.conninfo, autocommit=True) as conn:
        for statement in (
            f"INSERT INTO \"{target.schema}\".events VALUES (99, 'exercise.ended', 'control',"
            " 0, 0, '{}', 'x', 'y')",
            f'SELECT * FROM "{target.schema}".meta',
            f'SELECT * FROM "{target.schema}".principals',
            f"SELECT \"{target.schema}\".visible_to('uzb-mod', 1, 'x', 'x', '{{}}')",
        ):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(statement)
    with closing(open_journal(control_url)) as journal:  # control sees all, and it chains
        assert verify(journal).ok
        assert [(e.actor, e.type) for e in journal.read()] == [("kgz-mod", "console.joined")]


def test_a_rehearsal_by_a_cells_role_is_refused(control_url: str, kgz: str, run: Run) -> None:
    """Impersonation through a script: the rehearsal acts as control and every cell."""
    code, _, err = run(
        "play", "scenarios/mini.yaml", "--script", "scripts/rehearsal.yaml", "--session", kgz
    )
    assert code == 1
    assert "permission denied" in err
    with closing(open_journal(control_url)) as journal:
        assert journal.read() == []


def test_a_cells_role_reads_only_what_its_cell_may_see(
    control_url: str, kgz: str, run: Run
) -> None:
    code, _, err = run(
        "play", "scenarios/mini.yaml", "--script", "scripts/rehearsal.yaml",
        "--session", control_url, "-q",
    )  # fmt: skip
    assert code == 0, err
    with Session.open(control_url) as control, Session.open(kgz) as cell:
        everything = control.journal.read()
        seen = cell.journal.read()
        assert 0 < len(seen) < len(everything)
        assert not [e for e in seen if e.type in ("observation.recorded", "journal.sealed")]
        assert not [
            e for e in seen
            if e.type == "message.sent" and "kgz-mod" not in e.payload["to"]
            and e.actor != "kgz-mod"
        ]  # fmt: skip
        # The cell's console folds the same view of its cell as control's engine.
        from exercise.engine import view

        assert view(cell.state, "kgz-mod") == view(control.state, "kgz-mod")
        meta = cell.journal.meta()
        assert "join_codes" not in meta
        assert "notes" not in meta["scenario_bundle"]
        assert control.scenario.ruleset.rules and not cell.scenario.ruleset.rules


def test_a_cells_role_cannot_verify_what_it_cannot_see(kgz: str, run: Run) -> None:
    code, _, err = run("verify", kgz)
    assert code == 1 and "plays cell kgz-mod and sees only part of" in err


def test_an_evaluator_reads_all_and_writes_nothing(control_url: str, run: Run) -> None:
    role = f"cell_{control_url[-12:]}_eval"
    code, _, err = run("grant", control_url, "--evaluator", "--role", role)
    assert code == 0, err
    with Session.open(control_url) as control:
        control.execute(c.Start("control"))
    with closing(open_journal(_as(control_url, role))) as journal:
        assert len(journal.read()) == 1 and "join_codes" in journal.meta()
        with pytest.raises(JournalError, match="permission denied"):
            journal.append([NewEvent("exercise.ended", "control", 1, 0, {"reason": "x"})])


def test_revoke_takes_the_session_away(control_url: str, kgz: str, run: Run) -> None:
    role = urlsplit(kgz).username
    assert role is not None
    code, _, err = run("revoke", control_url, "--role", role)
    assert code == 0, err
    with pytest.raises(JournalError, match="permission denied"):
        Session.open(kgz)
