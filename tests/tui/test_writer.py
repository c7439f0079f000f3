"""A console following a stored session writes through its own thread: a slow disk or a
busy session never holds up the keys, and nothing typed meanwhile is lost or applied to
the wrong screen. (How fast is measured in bench/, not asserted here.)"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from typing import Any

from textual.widgets import TabbedContent

from exercise.engine import CONTROL
from exercise.engine import commands as c
from exercise.journal import Journal, open_journal
from exercise.session import Session
from exercise.tui.app import FacilitatorApp
from exercise.tui.hotwash import HotWashScreen


def gated(address: str, gate: threading.Event) -> Callable[[], Journal]:
    """Connections whose appends wait for ``gate`` (a disk or a lock that holds them up)."""

    def connect() -> Journal:
        journal = open_journal(address)
        real = journal.append

        def append(*args: Any, **kwargs: Any) -> Any:
            assert gate.wait(30)
            return real(*args, **kwargs)

        journal.append = append  # type: ignore[method-assign]
        return journal

    return connect


async def written(pilot: Any, app: FacilitatorApp) -> None:
    for _ in range(400):
        if not app.writing:
            return
        await pilot.pause(0.02)
    raise AssertionError("the console never finished writing")


def types(session: Session) -> list[str]:
    return [e.type for e in session.journal.read()]


async def test_keys_work_while_an_append_is_held_up(file_session: Session) -> None:
    gate = threading.Event()
    address = file_session.journal.address
    app = FacilitatorApp(file_session, connect=gated(address, gate), tick=None)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.press("space")  # STARTEX: decided at once, written by the writer
        await pilot.pause()
        assert app.writing == 1
        assert "clock.started" not in types(file_session)
        await pilot.press("2")  # the console answers while the append waits
        await pilot.pause()
        assert app.screen.query_one("#tabs", TabbedContent).active == "cells"
        await pilot.press("w")
        await pilot.pause()
        assert isinstance(app.screen, HotWashScreen)  # on the screen the key was meant for
        await pilot.press("escape")
        gate.set()
        await written(pilot, app)
        assert types(file_session).count("clock.started") == 1
        assert file_session.state.started
        assert "STARTEX: the clock is running" in [n.message for n in app._notifications]


async def test_a_command_overtaken_by_another_process_is_decided_again(
    file_session: Session,
) -> None:
    file_session.execute(c.Start(CONTROL))
    gate = threading.Event()
    address = file_session.journal.address
    app = FacilitatorApp(file_session, connect=gated(address, gate), tick=None)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.press("space")  # pause, decided on event 1
        await pilot.pause()
        other = Session.open(address)  # a player appends first
        other.execute(c.SendMessage("kgz-mod", "kgz-mod", ("uzb-mod",), "first"))
        other.close()
        gate.set()
        await written(pilot, app)
        assert types(file_session)[-2:] == ["message.sent", "clock.paused"]
        assert not file_session.state.clock.running


async def test_a_refusal_after_the_overtaking_is_shown(file_session: Session) -> None:
    file_session.execute(c.Start(CONTROL))
    gate = threading.Event()
    address = file_session.journal.address
    app = FacilitatorApp(file_session, connect=gated(address, gate), tick=None)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.press("space")  # pause ...
        await pilot.pause()
        other = Session.open(address)
        other.execute(c.End(CONTROL, "ended elsewhere"))  # ... but ENDEX came first
        other.close()
        gate.set()
        await written(pilot, app)
        await asyncio.sleep(0)
        assert types(file_session)[-1] == "exercise.ended"
        assert "clock.paused" not in types(file_session)
        assert any("ended" in n.message for n in app._notifications if n.severity == "error")
