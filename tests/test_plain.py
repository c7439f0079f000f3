"""The line-oriented consoles (``join --plain``, ``run --plain``): commands, journal events,
text shown as typed but harmless, and the whole player loop in tmux."""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import attrs
import pytest

from exercise.engine import CONTROL, decide
from exercise.engine import commands as c
from exercise.engine import events as ev
from exercise.joincodes import load_plain
from exercise.plain import ControlConsole, PlayerConsole, safe
from exercise.session import Session

from .conftest import ROOT


def _types(session: Session, after: int) -> list[str]:
    return [e.type for e in session.journal.read(after=after)]


@pytest.fixture
def session(mini: Path) -> Iterator[Session]:
    s = Session.create(mini / "scenarios" / "mini.yaml", str(mini / "s.db"), join_codes=True)
    s.execute(c.Start(CONTROL))
    s.execute(c.Release(CONTROL, "INJ-001"))
    with s:
        yield s


def test_player_loop_records_what_the_player_typed(session: Session) -> None:
    out = io.StringIO()
    p = PlayerConsole(session, "kgz-mod", out)
    before = session.state.seq
    p.handle("list")
    assert "1. (new) inject INJ-001 from Batken border post: Armed group crosses" in out.getvalue()
    p.handle("read 1")
    p.handle("ack 1")
    p.handle("move 1 warn uzb-mod Forty armed men crossed at 05:10")
    p.handle("reply 1 Understood, acting")
    p.handle("send uzb-mod Close the crossings?")
    p.handle("ask Are the Uzbek aircraft flying?")
    assert _types(session, before) == [
        ev.ITEM_READ,
        ev.ITEM_ACKNOWLEDGED,
        ev.MOVE_SUBMITTED,
        ev.MESSAGE_SENT,
        ev.MESSAGE_SENT,
        ev.RFI_ASKED,
    ]
    move = session.journal.read(after=before)[2]
    assert move.payload["answers"] == "INJ-001" and move.payload["to"] == ["uzb-mod"]
    text = out.getvalue()
    assert "About 40 armed men crossed the border at 05:10." in text
    assert "Question 1: What do you tell your neighbours?" in text
    assert "Arrived:" not in text  # what the player sent is not announced back


def test_arrivals_are_announced_with_their_number(session: Session) -> None:
    out = io.StringIO()
    p = PlayerConsole(session, "uzb-mod", out)
    p.handle("list")
    session.execute(c.SendMessage("kgz-mod", "kgz-mod", ("uzb-mod",), "Raid at Zardaly"))
    p.handle("")  # an empty line: just look for news
    assert "Arrived: 1. (new) message from kgz-mod to uzb-mod: Raid at Zardaly" in out.getvalue()
    p.handle("reply 1 Thank you")
    sent = session.journal.read()[-1]
    assert sent.type == ev.MESSAGE_SENT and sent.payload["to"] == ["kgz-mod"]


@pytest.mark.parametrize(
    ("line", "answer"),
    [
        ("read", "give the item's number"),
        ("read 7", "there is no item 7"),
        ("move warn nobody text", "unknown cell 'nobody'"),
        ("move fly uzb-mod text", "unknown kind of move 'fly'"),
        ("move warn uzb-mod", "write: move [N] KIND"),
        ("send", "write: send CELL[,CELL] TEXT"),
        ("dance", "unknown command 'dance'"),
    ],
)
def test_mistakes_get_one_line_and_change_nothing(session: Session, line: str, answer: str) -> None:
    out = io.StringIO()
    p = PlayerConsole(session, "kgz-mod", out)
    p.handle("list")
    before = session.state.seq
    out.truncate(0)
    out.seek(0)
    p.handle(line)
    assert answer in out.getvalue()
    assert out.getvalue().count("\n") == 1
    assert session.state.seq == before


def test_engine_refusals_are_reported_not_raised(session: Session) -> None:
    session.execute(c.End(CONTROL, "stop"))
    out = io.StringIO()
    p = PlayerConsole(session, "kgz-mod", out)
    p.handle("send uzb-mod hello")
    assert out.getvalue().startswith("refused: ")


def test_hostile_text_reaches_the_terminal_harmless(session: Session) -> None:
    hostile = "\x1b[2J\x1b]0;pwned\x07[@click=app.quit]x[/] **bold**"
    # the engine refuses control characters; a journal written by other means may hold them
    drafts = decide(session.state, c.SendMessage("uzb-mod", "uzb-mod", ("kgz-mod",), "x"), 0)
    hostile_drafts = [attrs.evolve(d, payload={**d.payload, "text": hostile}) for d in drafts]
    session.journal.append(hostile_drafts, expect_head=session.state.seq)
    session.refresh()
    out = io.StringIO()
    PlayerConsole(session, "kgz-mod", out).handle("read 2")
    text = out.getvalue()
    assert "\x1b" not in text and "\x07" not in text
    assert "[2J]0;pwned[@click=app.quit]x[/] **bold**" in text  # as typed, minus controls
    assert safe("a\tb\r\nc\x9bd") == "a\tb\ncd"


def test_the_player_reads_the_scenario_in_the_cell_language(tmp_path: Path) -> None:
    scenario = ROOT / "scenarios" / "insurgent-incursion.yaml"
    with Session.create(scenario, str(tmp_path / "s.db")) as s:
        s.execute(c.Start(CONTROL))
        s.execute(c.Release(CONTROL, "INC-001"))
        out = io.StringIO()
        p = PlayerConsole(s, "kgz-mod", out)  # kgz-mod plays in Russian
        p.handle("list")
        p.handle("status")
        p.handle("lang en")
        p.handle("list")
        text = out.getvalue()
        assert (
            "1. (не прочитано) вводная INC-001 от Оперативный дежурный Южной группы войск" in text
        )
        assert "игровое время D+0 06:00 (идёт)" in text
        assert "1. (new) inject INC-001 from Duty officer" in text
        english = io.StringIO()
        PlayerConsole(s, "centcom-rgs", english).handle("briefing")
        assert "Purpose" in english.getvalue() and "## " not in english.getvalue()


def test_control_essentials(session: Session) -> None:
    out = io.StringIO()
    ctl = ControlConsole(session, out)
    before = session.state.seq
    ctl.handle("msel")
    assert "1. INJ-001 (released): Armed group crosses near Zardaly" in out.getvalue()
    ctl.handle("release 2")
    ctl.handle("pause")
    ctl.handle("resume")
    session.execute(c.SubmitMove("kgz-mod", "kgz-mod", "strike", "Hit the pass", to=()))
    ctl.handle("")
    assert "kgz-mod" in out.getvalue().splitlines()[-1]  # the move was announced
    ctl.handle("moves")
    ctl.handle("adjudicate 1 rejected Not without Tashkent")
    ctl.handle("end Time is up")
    types = _types(session, before)
    assert types[0] == ev.INJECT_RELEASED and types[-1] == ev.EXERCISE_ENDED
    assert ev.MOVE_ADJUDICATED in types and ev.CLOCK_PAUSED in types


# --------------------------------------------------------------------------- tmux

tmux = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")


class Terminal:
    def __init__(self, name: str) -> None:
        self.name = name

    def type(self, text: str) -> None:
        subprocess.run(["tmux", "send-keys", "-t", self.name, "-l", text], check=True)
        subprocess.run(["tmux", "send-keys", "-t", self.name, "Enter"], check=True)

    def screen(self) -> str:
        return subprocess.run(
            ["tmux", "capture-pane", "-t", self.name, "-p", "-S", "-200"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout

    def wait_for(self, text: str, timeout: float = 30) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            screen = self.screen()
            if text in screen:
                return screen
            time.sleep(0.1)
        raise AssertionError(f"{text!r} never appeared; the screen shows:\n{self.screen()}")


@tmux
def test_whole_player_loop_in_tmux(mini: Path) -> None:
    address = str(mini / "s.db")
    with Session.create(mini / "scenarios" / "mini.yaml", address, join_codes=True) as s:
        s.execute(c.Start(CONTROL))
    code = load_plain(address)["kgz-mod"]
    name = f"plain-{uuid.uuid4().hex[:8]}"
    command = (
        f"EXERCISE_LANG=en {sys.executable} -m exercise.cli.main join {address} "
        "--plain --cell kgz-mod; echo EXITED $?; sleep 30"
    )
    subprocess.run(
        ["tmux", "new-session", "-d", "-s", name, "-x", "100", "-y", "40", "-c", str(mini),
         command],
        check=True,
    )  # fmt: skip
    t = Terminal(name)
    try:
        t.wait_for("Join code")
        t.type(code)
        t.wait_for("Joined as kgz-mod.")
        t.type("list")
        t.wait_for("No items yet.")
        with Session.open(address) as control:  # control releases an inject meanwhile
            control.execute(c.Release(CONTROL, "INJ-001"))
        t.wait_for("Arrived: 1. (new) inject INJ-001")  # announced while waiting
        t.type("read 1")
        t.wait_for("About 40 armed men crossed the border at 05:10.")
        t.type("ack 1")
        t.wait_for("acknowledged item 1")
        t.type("reply 1 Understood")
        t.wait_for("message sent to white")
        t.type("move 1 warn uzb-mod Armed men at Zardaly")
        t.wait_for("move submitted")
        t.type("status")
        t.wait_for("unread: none")
        t.type("quit")
        screen = t.wait_for("EXITED 0")
        assert "┌" not in screen and "│" not in screen  # no box drawing
    finally:
        subprocess.run(["tmux", "kill-session", "-t", name], check=False)
    with Session.open(address) as s:
        types = [e.type for e in s.journal.read()]
    assert types[types.index(ev.CONSOLE_JOINED) :] == [
        ev.CONSOLE_JOINED,
        ev.INJECT_RELEASED,
        ev.ITEM_READ,
        ev.ITEM_ACKNOWLEDGED,
        ev.MESSAGE_SENT,
        ev.MOVE_SUBMITTED,
        ev.CONSOLE_LEFT,  # "quit": control's Cells tab shows the console left
    ]


@tmux
def test_wrong_code_is_refused_in_one_line(mini: Path) -> None:
    address = str(mini / "s.db")
    Session.create(mini / "scenarios" / "mini.yaml", address, join_codes=True).close()
    res = subprocess.run(
        [sys.executable, "-m", "exercise.cli.main", "join", address, "--plain",
         "--cell", "kgz-mod", "--code", "WRONG-CODE"],
        capture_output=True, text=True, cwd=mini, timeout=60,
    )  # fmt: skip
    assert res.returncode == 1
    assert res.stderr == "exercise: wrong join code for that cell\n"
    with Session.open(address) as s:
        assert s.journal.read()[-1].type == ev.CONSOLE_REFUSED


def test_the_line_console_shares_the_join_throttle(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    from exercise.cli.common import UserError
    from exercise.cli.console import plain_join
    from exercise.throttle import CLIENT_ENV, JoinThrottle, throttle_file

    monkeypatch.setenv(CLIENT_ENV, "192.0.2.7")
    throttle = JoinThrottle(throttle_file(session.journal.address), interval=30.0)
    throttle.reserve("192.0.2.7")  # another console's attempt holds the next 30 seconds
    before = session.state.seq
    with pytest.raises(UserError, match="too many join attempts from your address"):
        plain_join(session, "kgz-mod", "not-the-code")
    assert session.state.seq == before  # refused before the code was even checked
