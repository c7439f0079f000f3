"""The plain console through the parts of play a player who cannot see the screen could
not reach: the answer to a request, control's ruling on a move, arguing a move."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest

from exercise.engine import CONTROL
from exercise.engine import commands as c
from exercise.engine import events as ev
from exercise.plain import PlayerConsole
from exercise.session import Session


@pytest.fixture
def session(mini: Path) -> Iterator[Session]:
    s = Session.create(mini / "scenarios" / "mini.yaml", str(mini / "s.db"), join_codes=True)
    s.execute(c.Start(CONTROL))
    s.execute(c.Release(CONTROL, "INJ-001"))
    with s:
        yield s


def test_the_answer_to_a_request_is_announced_listed_and_read(session: Session) -> None:
    out = io.StringIO()
    p = PlayerConsole(session, "kgz-mod", out)
    p.handle("ask How many hostages?")
    asked = session.journal.read()[-1]
    assert asked.type == ev.RFI_ASKED
    p.handle("list")
    assert "2. your request to exercise control (awaiting): How many hostages?" in out.getvalue()
    session.execute(c.AnswerRfi(CONTROL, asked.seq, "Eight: four geologists, four soldiers."))
    out.truncate(0)
    p.handle("")
    said = out.getvalue()
    assert "Answered: 2. your request to exercise control (answered)" in said
    assert "Answer: Eight: four geologists, four soldiers." in said
    out.truncate(0)
    p.handle("")  # announced once only
    assert "Answered" not in out.getvalue()
    p.handle("read 2")
    assert "Answer:\nEight: four geologists, four soldiers." in out.getvalue()


def test_a_ruling_is_announced_in_words_with_the_roll(session: Session) -> None:
    out = io.StringIO()
    mover = PlayerConsole(session, "uzb-mod", out)
    mover.handle("move strike kgz-mod Strike the camp above the village")
    move = session.journal.read()[-1]
    assert move.type == ev.MOVE_SUBMITTED and move.payload["adjudicate"]
    # another cell argues against it from its own plain console
    other_out = io.StringIO()
    other = PlayerConsole(session, "kgz-mod", other_out)
    other.handle("list")
    assert "move strike by uzb-mod to kgz-mod" in other_out.getvalue()
    number = next(n for key, n in other.numbers.items() if key == f"move:{move.seq}")
    other.handle(f"argue {number} maybe It is disputed ground")
    assert "write: argue N for|against" in other_out.getvalue()
    other.handle(f"argue {number} against strong The camp is on disputed ground")
    argued = session.journal.read()[-1]
    assert argued.type == ev.MOVE_ARGUED
    assert argued.payload["stance"] == "against" and argued.payload["strong"] is True
    assert argued.payload["text"] == "The camp is on disputed ground"
    other.handle("argue 1 for It helps")
    assert "item 1 is not a move awaiting a ruling" in other_out.getvalue()
    session.execute(c.ResolveMatrix(CONTROL, move.seq, seed=7, text="The strike misses"))
    out.truncate(0)
    mover.handle("")
    said = out.getvalue()
    assert "Ruled on: " in said and "Strike the camp above the village" in said
    status = next(x for x in said.splitlines() if x.startswith("Status: "))
    assert "2d6" in status and "seed 7" in status
    assert status.split(" — ")[0] in ("Status: accepted", "Status: rejected")


def test_statuses_are_in_the_console_language(session: Session) -> None:
    out = io.StringIO()
    p = PlayerConsole(session, "kgz-mod", out, lang="ru")
    p.handle("move warn uzb-mod Группа у Зардалы")
    p.handle("list")
    number = p.numbers[f"move:{session.state.seq}"]
    p.handle(f"read {number}")
    assert "Состояние: направлен" in out.getvalue()
    assert "submitted" not in out.getvalue()
