"""Seals and the genesis hash: forgeries the plain hash chain let through are caught by
``exercise verify --key`` (a forged appended event, a rewritten and re-chained history, a
truncated tail, an edited stored rules file), and commands refuse or warn on a broken
record."""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exercise.cli.main import main
from exercise.journal import Event, NewEvent, chain, open_journal, verify
from exercise.journal.base import genesis_hash, genesis_of
from exercise.journal.seal import ControlKey, Trusted, load_or_create_key, seal_event
from exercise.journal.verify import assess
from exercise.session import Session

from ..conftest import FIXTURES

Run = Callable[..., tuple[int, str, str]]


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str]) -> Run:
    def go(*args: str) -> tuple[int, str, str]:
        code = main(list(args))
        out, err = capsys.readouterr()
        return code, out, err

    return go


@pytest.fixture
def played(mini: Path, run: Run) -> str:
    """The mini rehearsal, played and sealed by control: its session file."""
    code, _, err = run(
        "play", "scenarios/mini.yaml", "--script", "scripts/rehearsal.yaml",
        "--session", "s.db", "-q",
    )  # fmt: skip
    assert code == 0, err
    code, out, err = run("seal", "s.db")
    assert code == 0, err
    assert "sealed s.db at event 21" in out
    return "s.db"


@pytest.fixture
def pub(control_key_home: Path) -> str:
    return str(control_key_home / "control.pub")


def _rows(path: str) -> tuple[dict[str, str], list[tuple[object, ...]]]:
    conn = sqlite3.connect(path)
    try:
        meta = dict(conn.execute("SELECT key, value FROM meta"))
        rows = conn.execute(
            "SELECT seq, type, actor, wall_us, game_ms, payload, prev_hash, hash FROM events"
            " ORDER BY seq"
        ).fetchall()
    finally:
        conn.close()
    return meta, rows


def _rewrite(
    path: str,
    meta: dict[str, str],
    events: list[NewEvent],
) -> None:
    """Replace the session's metadata and events, re-chained from the metadata's genesis,
    as a forger without control's key would (append-only triggers dropped; seals made to
    name the new heads, their signatures kept)."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("DROP TRIGGER events_no_delete")
        conn.execute("DELETE FROM events")
        conn.execute("DELETE FROM meta")
        conn.executemany("INSERT INTO meta VALUES (?, ?)", meta.items())
        prev = genesis_of(meta)
        for seq, new in enumerate(events, 1):
            if new.type == "journal.sealed":
                payload = {**new.payload, "head": prev}
                new = NewEvent(new.type, new.actor, new.wall_us, new.game_ms, payload)
            e = chain(seq, new, prev)
            conn.execute(
                "INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (e.seq, e.type, e.actor, e.wall_us, e.game_ms,
                 json.dumps(e.payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False),
                 e.prev_hash, e.hash),
            )  # fmt: skip
            prev = e.hash
    finally:
        conn.close()


def _events(rows: list[tuple[object, ...]]) -> list[NewEvent]:
    return [
        NewEvent(str(t), str(a), int(w), int(g), json.loads(str(p)))  # type: ignore[call-overload]
        for _, t, a, w, g, p, _, _ in rows
    ]


def test_a_sealed_session_verifies_against_controls_key(played: str, run: Run, pub: str) -> None:
    code, out, err = run("verify", played, "--key", pub)
    assert code == 0, err
    assert "sealed by SHA256:" in out and "the last at event 21" in out
    # The fingerprint alone (as printed in the report) is enough to check the seals.
    fingerprint = load_or_create_key().fingerprint
    assert run("verify", played, "--key", fingerprint)[0] == 0


def test_a_forged_appended_event_is_unsealed(played: str, run: Run, pub: str) -> None:
    with closing(open_journal(played)) as journal:  # anyone who can write the file
        journal.append([NewEvent("exercise.ended", "control", 1, 1, {"reason": "forged"})])
    code, out, _ = run("verify", played)
    assert code == 0  # the plain chain cannot tell, but lists what no seal covers
    assert "unsealed: events 22-22" in out
    code, _, err = run("verify", played, "--key", pub)
    assert code == 1
    assert "event 22 follows the last seal: unsealed" in err


def test_a_rewritten_rechained_history_breaks_the_seal(played: str, run: Run, pub: str) -> None:
    meta, rows = _rows(played)
    events = _events(rows)
    moved = next(i for i, e in enumerate(events) if e.type == "move.submitted")
    events[moved] = NewEvent(
        events[moved].type, events[moved].actor, events[moved].wall_us, events[moved].game_ms,
        {**events[moved].payload, "text": "We did nothing at all."},
    )  # fmt: skip
    _rewrite(played, meta, events)
    code, _, err = run("verify", played, "--key", pub)
    assert code == 1
    assert "event 21: the seal's signature does not match (forged or re-chained)" in err


def test_a_rechained_history_without_its_seals_is_caught(played: str, run: Run, pub: str) -> None:
    meta, rows = _rows(played)
    events = [e for e in _events(rows) if e.type != "journal.sealed"]
    _rewrite(played, meta, events)
    assert run("verify", played)[0] == 0
    code, _, err = run("verify", played, "--key", pub)
    assert code == 1
    assert "nothing in it is sealed by control's key" in err
    assert "control sealed it up to event 21" in err  # control's receipt remembers it


def test_a_seal_by_another_key_is_not_controls(
    played: str, run: Run, pub: str, tmp_path: Path
) -> None:
    code, _, err = run("seal", played, "--key", str(tmp_path / "forger.key"))
    assert code == 1 and "only its control may act as control" in err
    with Session.open(played) as session:  # a forger's own tools
        session.seal(load_or_create_key(tmp_path / "forger.key"))
    code, _, err = run("verify", played, "--key", pub)
    assert code == 1
    assert "event 22 is sealed by key SHA256:" in err and "not by control's key" in err


def _cut(path: str, after: int) -> None:
    """Delete the events after ``after``, as a forger would (trigger dropped)."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("DROP TRIGGER IF EXISTS events_no_delete")
        conn.execute("DELETE FROM events WHERE seq > ?", (after,))
    finally:
        conn.close()


def test_a_truncated_tail_is_caught(mini: Path, run: Run, pub: str) -> None:
    Path("first.yaml").write_text("steps:\n  - start\n  - advance: '00:30'\n", encoding="utf-8")
    play = ("play", "scenarios/mini.yaml", "--session", "t.db", "-q", "--script")
    assert run(*play, "first.yaml")[0] == 0
    assert run("seal", "t.db")[0] == 0  # sealed half-way ...
    assert run(*play, "scripts/rehearsal.yaml")[0] == 1  # (it starts again: refused)
    Path("second.yaml").write_text(
        "steps:\n  - read: {cell: kgz-mod, inject: INJ-001}\n  - end: {reason: done}\n",
        encoding="utf-8",
    )
    assert run(*play, "second.yaml")[0] == 0
    assert run("seal", "t.db")[0] == 0  # ... and at the end
    with closing(open_journal("t.db")) as journal:
        result = verify(journal)
    assert result.ok and len(result.seals) == 2
    assert run("verify", "t.db", "--key", pub)[0] == 0
    _cut("t.db", result.seals[0].event_seq)  # the end cut off, its seal with it
    assert run("verify", "t.db")[0] == 0  # a shorter chain is still a chain
    code, _, err = run("verify", "t.db", "--key", pub)
    assert code == 1
    assert f"control sealed it up to event {result.events}" in err and "cut off its end" in err


def _edit_points(meta: dict[str, str]) -> dict[str, str]:
    bundle = json.loads(meta["scenario_bundle"])
    (rules,) = [name for name in bundle["files"] if name.startswith("rules/")]
    text = bundle["files"][rules]
    assert "points: 10" in text
    bundle["files"][rules] = text.replace("points: 10", "points: 1", 1)
    return {**meta, "scenario_bundle": json.dumps(bundle, sort_keys=True, ensure_ascii=False)}


def test_an_edited_rules_file_breaks_the_genesis(played: str, run: Run, pub: str) -> None:
    meta, _ = _rows(played)
    edited = _edit_points(meta)
    conn = sqlite3.connect(played, isolation_level=None)
    conn.execute("UPDATE meta SET value = ? WHERE key = 'scenario_bundle'",
                 (edited["scenario_bundle"],))  # fmt: skip
    conn.close()
    code, _, err = run("verify", played, "--key", pub)
    assert code == 1
    assert "chain broken at event 0" in err and "metadata" in err
    code, _, err = run("verify", played)
    assert code == 1


def test_an_edited_rules_file_rechained_breaks_the_seals(played: str, run: Run, pub: str) -> None:
    meta, rows = _rows(played)
    edited = _edit_points(meta)
    edited["scenario_digest"] = hashlib.sha256(
        edited["scenario_bundle"].encode("utf-8")
    ).hexdigest()
    edited["genesis"] = genesis_hash(edited)
    _rewrite(played, edited, _events(rows))
    assert run("verify", played)[0] == 1  # the seals sign the old genesis
    code, _, err = run("verify", played, "--key", pub)
    assert code == 1
    assert "seal's signature does not match" in err


def test_commands_refuse_or_warn_on_a_broken_chain(played: str, run: Run) -> None:
    conn = sqlite3.connect(played, isolation_level=None)
    conn.execute("DROP TRIGGER events_no_update")
    (seq,) = conn.execute("SELECT min(seq) FROM events WHERE type = 'move.submitted'").fetchone()
    conn.execute(
        "UPDATE events SET payload = replace(payload, 'a company', 'a battalion') WHERE seq = ?",
        (seq,),
    )
    conn.close()
    for args in (
        ("play", "scenarios/mini.yaml", "--script", "scripts/rehearsal.yaml",
         "--session", played),
        ("join", played, "--cell", "kgz-mod", "--code", "x"),
        ("run", "scenarios/mini.yaml", "--session", played),
        ("seal", played),
    ):  # fmt: skip
        code, _, err = run(*args)
        assert code == 1, args
        assert "hash chain is broken at event 5" in err and "refusing" in err, args
    for args in (("score", played), ("log", played), ("report", played, "--format", "md")):
        code, out, err = run(*args)
        assert code == 1, args
        assert "WARNING" in err and "hash chain is broken at event 5" in err, args
        assert out, args  # the command still did its work


def test_the_report_prints_the_key_and_the_last_seal(played: str, run: Run) -> None:
    code, out, err = run("report", played, "--format", "md")
    assert code == 0, err
    fingerprint = load_or_create_key().fingerprint
    assert f"sealed by key {fingerprint} at event 21" in out
    code, out, _ = run("report", played, "--format", "json")
    seal = json.loads(out)["integrity"]["last_seal"]
    assert (seal["event"], seal["key"]) == (21, fingerprint)


def test_a_session_made_before_genesis_hashes_opens_verifies_and_seals(
    mini: Path, run: Run, pub: str
) -> None:
    shutil.copy(FIXTURES / "session-before-genesis" / "mini-before-genesis.db", "old.db")
    with closing(open_journal("old.db")) as journal:
        assert "genesis" not in journal.meta()
        assert verify(journal).ok
    assert run("score", "old.db")[0] == 0
    assert run("verify", "old.db")[0] == 0
    assert run("verify", "old.db", "--key", pub)[0] == 1  # not sealed yet
    assert run("seal", "old.db")[0] == 0
    code, _, err = run("verify", "old.db", "--key", pub)
    assert code == 0, err


def test_a_new_session_has_a_genesis_over_its_metadata(mini: Path) -> None:
    with Session.create("scenarios/mini.yaml", "n.db") as session:
        meta = session.journal.meta()
        assert meta["genesis"] == genesis_hash(meta)
        assert session.journal.head() == (0, meta["genesis"])
    with Session.create("scenarios/mini.yaml", "m.db") as other:
        assert other.journal.meta()["genesis"] != meta["genesis"]  # each session its own


def test_the_private_key_is_made_0600(control_key_home: Path) -> None:
    key = load_or_create_key()
    assert key.path is not None
    assert key.path.stat().st_mode & 0o777 == 0o600
    assert load_or_create_key().fingerprint == key.fingerprint
    key.path.chmod(0o644)
    with pytest.raises(Exception, match="chmod 600"):
        load_or_create_key()


def test_a_rehearsal_by_anyone_but_control_is_refused(
    played: str, run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Impersonation through a script: someone who can open the session but does not hold
    control's key cannot play control (or any cell) in it."""
    with closing(open_journal(played)) as journal:
        before = journal.head()
    monkeypatch.setenv("EXERCISE_KEY", str(tmp_path / "intruder.key"))
    Path("forge.yaml").write_text(
        "steps:\n  - move: {cell: uzb-mod, kind: strike, text: forged}\n"
        "  - end: {reason: forged}\n",
        encoding="utf-8",
    )
    code, _, err = run("play", "scenarios/mini.yaml", "--script", "forge.yaml", "--session", played)
    assert code == 1
    assert "only its control may act as control" in err
    for args in (("run", "scenarios/mini.yaml", "--session", played), ("seal", played)):
        code, _, err = run(*args)
        assert code == 1 and "only its control may act as control" in err, args
    with closing(open_journal(played)) as journal:
        assert journal.head() == before


# ------------------------------------------------------------------------- properties


class _Stored:
    """A journal as stored rows (what a forger edits), with the two methods verify uses."""

    def __init__(self, meta: dict[str, str], events: list[Event]) -> None:
        self._meta, self.events = meta, events

    def meta(self) -> dict[str, str]:
        return self._meta

    def read(self, after: int = 0, limit: int | None = None) -> list[Event]:
        rest = [e for e in self.events if e.seq > after]
        return rest if limit is None else rest[:limit]


def _rechain(meta: dict[str, str], news: list[NewEvent]) -> list[Event]:
    prev, out = genesis_of(meta), []
    for seq, new in enumerate(news, 1):
        if new.type == "journal.sealed":  # the forger makes seals name the new heads
            new = NewEvent(new.type, new.actor, new.wall_us, new.game_ms,
                           {**new.payload, "seq": seq - 1, "head": prev})  # fmt: skip
        out.append(chain(seq, new, prev))
        prev = out[-1].hash
    return out


@settings(max_examples=40, deadline=None)
@given(
    n=st.integers(1, 12),
    seal_after=st.integers(0, 12),
    data=st.data(),
)
def test_any_forgery_of_sealed_history_is_caught(
    n: int, seal_after: int, data: st.DataObject
) -> None:
    key = _KEY
    trusted = Trusted(key.fingerprint, key)
    meta = {"format": "exercise-session", "schema_version": "1", "session_id": "p"}
    meta["genesis"] = genesis_hash(meta)
    news = [NewEvent("message.sent", "kgz-mod", i, i,
                     {"cell": "kgz-mod", "to": ["uzb-mod"], "text": f"m{i}"})
            for i in range(n)]  # fmt: skip
    cut = min(seal_after, n)
    events = _rechain(meta, news[:cut])
    head = events[-1].hash if events else meta["genesis"]
    events.append(chain(cut + 1, seal_event(key, meta["genesis"], cut, head, 0, 0), head))
    sealed = [NewEvent(e.type, e.actor, e.wall_us, e.game_ms, e.payload) for e in events]
    honest = _Stored(meta, events)
    assert assess(verify(honest), trusted).ok  # type: ignore[arg-type]
    forgery = data.draw(st.sampled_from(["edit", "drop", "append", "meta"]))
    forged_meta, forged = dict(meta), list(sealed)
    if forgery == "edit" and cut:
        i = data.draw(st.integers(0, cut - 1))
        forged[i] = NewEvent(
            forged[i].type, forged[i].actor, 0, 0, {"cell": "x", "to": [], "text": "forged"}
        )
    elif forgery == "drop" and cut:
        del forged[data.draw(st.integers(0, cut - 1))]
    elif forgery == "meta":
        forged_meta["session_id"] = "forged"
        forged_meta["genesis"] = genesis_hash(forged_meta)
    else:
        forged.append(NewEvent("exercise.ended", "control", 0, 0, {"reason": "forged"}))
    result = verify(_Stored(forged_meta, _rechain(forged_meta, forged)))  # type: ignore[arg-type]
    assert not assess(result, trusted).ok


def _memory_key() -> ControlKey:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    private = Ed25519PrivateKey.generate()
    return ControlKey(private.public_key(), private)


_KEY = _memory_key()
