"""Cells as PostgreSQL principals: the server refuses a cell's role anything but its own
cell's events, and shows it only what its cell may see (needs EXERCISE_TEST_POSTGRES with a
role that has CREATEROLE, as in CI; skipped without)."""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import uuid
from collections.abc import Callable, Iterator
from contextlib import closing
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import attrs
import psycopg
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exercise.cli.main import main
from exercise.engine import commands as c
from exercise.journal import JournalError, NewEvent, open_journal, verify
from exercise.journal.base import canonical_json, chain
from exercise.journal.postgres import PostgresJournal, parse_url
from exercise.model import Scenario
from exercise.plain import PlayerConsole
from exercise.scenario.translations import localized
from exercise.session import Session

from ..conftest import ROOT
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
    yield url
    _drop(pg_url, url)


def _drop(pg_url: str, url: str) -> None:
    """Drop the session ``url`` and the roles its tests made."""
    with contextlib.suppress(JournalError):
        PostgresJournal.drop(url)
    with psycopg.connect(parse_url(pg_url).conninfo, autocommit=True) as conn:
        for (role,) in conn.execute(
            "SELECT rolname FROM pg_roles WHERE rolname LIKE %s", (f"cell_{url[-12:]}%",)
        ).fetchall():
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

        # ... but for a module that opened by its start time with nothing recording it (a
        # rehearsal run by `play`; the facilitator console records it): the cell's copy has
        # no module words, so it shows no question of it
        ours, theirs = view(cell.state, "kgz-mod"), view(control.state, "kgz-mod")
        assert [q.module for q in theirs.questions] == ["M1"] and ours.questions == ()
        assert attrs.evolve(ours, questions=()) == attrs.evolve(theirs, questions=())
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


def _append_cell(url: str, rows: list[dict[str, object]]) -> None:
    """Call the session's ``append_cell`` by hand, as a cell's role could."""
    target = parse_url(url)
    with psycopg.connect(target.conninfo, autocommit=True) as conn:
        conn.execute(
            psycopg.sql.SQL("SELECT {}.append_cell(NULL, %s::jsonb)").format(
                psycopg.sql.Identifier(target.schema)
            ),
            (json.dumps(rows, ensure_ascii=False),),
        )


def _row(journal_head: tuple[int, str], text: str, **changes: object) -> dict[str, object]:
    seq, prev = journal_head
    new = NewEvent("message.sent", "kgz-mod", 1_700_000_000_000_000, 0, json.loads(text))
    sealed = chain(seq + 1, new, prev)
    row: dict[str, object] = {
        "seq": sealed.seq, "type": sealed.type, "actor": sealed.actor, "wall_us": sealed.wall_us,
        "game_ms": sealed.game_ms, "payload": text, "prev_hash": prev, "hash": sealed.hash,
    }  # fmt: skip
    row.update(changes)
    return row


def test_the_server_refuses_an_event_whose_hash_is_wrong(control_url: str, kgz: str) -> None:
    """A denial of service by any player: an event whose hash does not match its content
    would make every console refuse the session. The server recomputes it and refuses."""
    with closing(open_journal(kgz)) as journal:
        head = journal.head()
    payload = '{"cell":"kgz-mod","subject":"","text":"hello","to":["uzb-mod"]}'
    spaced = payload.replace(",", ", ")
    body = (
        f'{{"actor":"kgz-mod","game_ms":0,"payload":{spaced},"prev_hash":"{head[1]}",'
        f'"seq":{head[0] + 1},"type":"message.sent","wall_us":1700000000000000}}'
    )
    for row in (
        _row(head, payload, hash="0" * 64),  # a made-up hash
        _row(head, payload, payload=payload.replace("hello", "HELLO")),  # content changed after
        _row(head, payload, wall_us=5),
        # a hash over a text that is not canonical (verify would re-canonicalise it and
        # find the hash wrong)
        _row(head, payload, payload=spaced, hash=hashlib.sha256(body.encode()).hexdigest()),
    ):
        with pytest.raises(psycopg.errors.CheckViolation):
            _append_cell(kgz, [row])
    with closing(open_journal(control_url)) as journal:
        assert journal.read() == []
    _append_cell(kgz, [_row(head, payload)])  # the honest row goes in
    with closing(open_journal(control_url)) as journal:
        assert verify(journal).ok and [e.type for e in journal.read()] == ["message.sent"]


_text = st.text(st.characters(exclude_categories=["Cs"], exclude_characters="\x00"), max_size=8)
_json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53), 2**53) | _text,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_text, inner, max_size=4),
    max_leaves=12,
)


def test_the_servers_hash_is_the_clients_hash(control_url: str, kgz: str) -> None:
    """The server's canonical form and SHA-256 agree with exercise.journal.base for any
    payload: letters of every script, escapes, nesting, integers."""
    target = parse_url(control_url)
    s = psycopg.sql.Identifier(target.schema)
    with psycopg.connect(target.conninfo, autocommit=True) as conn:

        @settings(max_examples=150, deadline=None)
        @given(payload=st.dictionaries(_text, _json_values, max_size=5),
               actor=st.text(st.characters(exclude_categories=["Cs", "Cc"]), min_size=1),
               seq=st.integers(1, 2**40), wall=st.integers(0, 2**60))  # fmt: skip
        def check(payload: dict[str, object], actor: str, seq: int, wall: int) -> None:
            sealed = chain(seq, NewEvent("message.sent", actor, wall, -5, payload), "ab" * 32)
            text = canonical_json(payload)
            row = conn.execute(
                psycopg.sql.SQL(
                    "SELECT {s}.canonical(%s::jsonb),"
                    " {s}.event_hash(%s, 'message.sent', %s, %s, -5, %s, %s)"
                ).format(s=s),
                (text, seq, actor, wall, text, "ab" * 32),
            ).fetchone()
            assert row is not None
            canon, digest = row
            assert canon == text
            assert digest == sealed.hash

        check()


def _readable(url: str) -> str:
    """Everything a role can SELECT of its session: the events it may see and the
    metadata the server hands it."""
    target = parse_url(url)
    s = psycopg.sql.Identifier(target.schema)
    with psycopg.connect(target.conninfo, autocommit=True) as conn:
        rows = conn.execute(psycopg.sql.SQL("SELECT * FROM {}.events").format(s)).fetchall()
        meta = conn.execute(psycopg.sql.SQL("SELECT * FROM {}.player_meta()").format(s)).fetchall()
    # the texts as stored (JSON-escaped) and as read
    stored = json.dumps([list(map(str, r)) for r in rows + meta], ensure_ascii=False)
    return stored + json.dumps([json.loads(r[5]) for r in rows], ensure_ascii=False)


def test_a_cell_reads_an_injects_text_only_once_it_is_released_to_it(
    control_url: str, kgz: str
) -> None:
    """Before its release no word of an inject (title, body, sender, notes) is in anything
    a cell's role can read; the release brings the text to its recipients, and the player
    console shows it over PostgreSQL as from a session file."""
    with Session.open(control_url) as control:
        control.execute(c.Start("control"))
        msel = control.scenario.msel
        secrets = [
            text for i in msel for text in (i.title, i.body, i.notes, i.from_) if len(text) > 8
        ]
        assert secrets
        readable = _readable(kgz)
        assert [t for t in secrets if t in readable] == []
        control.execute(c.Release("control", "INJ-001"))
        released = control.scenario.inject("INJ-001")
        assert "kgz-mod" in released.to
    readable = _readable(kgz)
    assert released.title in readable and released.body in readable
    others = [t for i in msel if i.id != "INJ-001" for t in (i.title, i.body, i.notes)]
    assert [t for t in others if len(t) > 8 and t in readable] == []
    assert released.notes == "" or released.notes not in readable
    # the player console, end to end, on the cell's role
    with Session.open(kgz) as cell, Session.open(control_url) as control:
        out = io.StringIO()
        console = PlayerConsole(cell, "kgz-mod", out)
        console.handle("list")
        console.handle("read 1")
        console.handle("ack 1")
        console.handle("move 1 warn uzb-mod Forty armed men crossed at 05:10")
        shown = out.getvalue()
        assert f"inject INJ-001 from {released.from_}: {released.title}" in shown
        assert " ".join(released.body.split()[:5]) in shown
        control.refresh()
        assert [(e.actor, e.type) for e in control.journal.read()][-3:] == [
            ("kgz-mod", "item.read"), ("kgz-mod", "item.acknowledged"),
            ("kgz-mod", "move.submitted"),
        ]  # fmt: skip
        from exercise.engine import view

        assert view(cell.state, "kgz-mod").injects == view(control.state, "kgz-mod").injects
        assert verify(control.journal).ok


@pytest.fixture
def seminar_url(pg_url: str) -> Iterator[str]:
    """A session of a scenario with discussion modules (and their Russian words), made by
    control."""
    url = with_session(pg_url, f"test-{uuid.uuid4().hex[:12]}")
    Session.create(ROOT / "scenarios" / "insurgent-incursion.yaml", url).close()
    yield url
    _drop(pg_url, url)


def test_a_cell_reads_a_modules_words_only_once_it_opens(seminar_url: str, run: Run) -> None:
    """Before control opens a module, no word of it (title, summary, questions, in any
    language) is in anything a cell's role can read; the opening brings them, the cell's
    console shows the module's questions as control's does, and the cell answers them."""
    role = f"cell_{seminar_url[-12:]}_kgz"
    code, _out, err = run("grant", seminar_url, "--cell", "kgz-mod", "--role", role)
    assert code == 0, err
    kgz = _as(seminar_url, role)

    def words(scenario: Scenario, module_id: str) -> list[str]:
        found = []
        for lang in ("en", "ru"):
            m = next(m for m in localized(scenario, lang).modules if m.id == module_id)
            found += [t for t in (m.title, m.summary, *m.questions) if len(t) > 12]
        return found

    with Session.open(seminar_url) as control:
        control.execute(c.Start("control"))
        later = [m.id for m in control.scenario.modules if m.start > timedelta(0)]
        assert len(later) >= 2
        secrets = {m: words(control.scenario, m) for m in later}
        readable = _readable(kgz)
        assert [t for m in later for t in secrets[m] if t in readable] == []
        control.execute(c.OpenModule("control", later[0]))
    readable = _readable(kgz)
    assert all(t in readable for t in secrets[later[0]])
    assert [t for m in later[1:] for t in secrets[m] if t in readable] == []
    with Session.open(kgz) as cell, Session.open(seminar_url) as control:
        from exercise.engine import view

        ours = [q for q in view(cell.state, "kgz-mod").questions if q.module == later[0]]
        theirs = [q for q in view(control.state, "kgz-mod").questions if q.module == later[0]]
        assert ours == theirs and ours
        cell.execute(c.AnswerQuestion("kgz-mod", "kgz-mod", later[0], 1, "The CIS centre first."))
        control.refresh()
        last = control.journal.read()[-1]
        assert (last.actor, last.type, last.payload["module"]) == (
            "kgz-mod",
            "question.answered",
            later[0],
        )
        assert control.state.answers[(later[0], 1, "kgz-mod")].text == "The CIS centre first."
        assert verify(control.journal).ok


def test_cells_state_consult_and_consent_through_their_roles(
    control_url: str, kgz: str, run: Run
) -> None:
    """Intents, consultations, consent and a console leaving are a cell's own acts: its
    role may record them, and the cells they concern read them (and only those)."""
    role = f"cell_{control_url[-12:]}_uzb"
    code, _, err = run("grant", control_url, "--cell", "uzb-mod", "--role", role)
    assert code == 0, err
    uzb = _as(control_url, role)
    with Session.open(control_url) as control:
        control.execute(c.Start("control"))
    with Session.open(uzb) as mover:
        mover.execute(
            c.StateIntent("uzb-mod", "uzb-mod", "strike", "Strike the camp", place="Sokh")
        )
        intent = mover.state.seq
        mover.execute(c.Consult("uzb-mod", "uzb-mod", ("kgz-mod",), "Consent?", intent=intent))
        consultation = mover.state.seq
    with Session.open(kgz) as neighbour:
        seen = {e.type for e in neighbour.journal.read()}
        assert {"intent.stated", "consultation.sent"} <= seen  # consulted: it reads both
        neighbour.execute(c.AnswerConsultation("kgz-mod", "kgz-mod", consultation, "Agreed."))
        neighbour.execute(c.GiveConsent("kgz-mod", "kgz-mod", "uzb-mod", "Go.", intent=intent))
        neighbour.execute(c.Leave("kgz-mod", "kgz-mod"))
    with Session.open(uzb) as mover:
        types = [e.type for e in mover.journal.read()]
        assert {"consultation.answered", "consent.given"} <= set(types)
        assert "console.left" not in types  # another cell's console is not its business
    with closing(open_journal(control_url)) as journal:
        assert verify(journal).ok
        assert [e.type for e in journal.read()][-5:] == [
            "intent.stated", "consultation.sent", "consultation.answered", "consent.given",
            "console.left",
        ]  # fmt: skip
