"""A console in its own process, driven headless, for the multi-process test.

    python console_proc.py control SESSION OUT
    python console_proc.py CELL SESSION OUT CODE PEER

control: starts the clock, releases INJ-004 (to the liaison cell only), waits until both
players' messages are in its feed, writes the feed to OUT. A cell: joins with CODE, sends
a message to PEER, waits for PEER's message in its inbox, writes the inbox to OUT."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from textual.widgets import DataTable

from exercise.engine import commands as c
from exercise.session import Session
from exercise.tui.app import make_app


async def until(pilot: object, check: object, timeout: float = 20.0) -> float:
    start = time.monotonic()
    while not check():  # type: ignore[operator]
        if time.monotonic() - start > timeout:
            raise TimeoutError
        await pilot.pause(0.02)  # type: ignore[attr-defined]
    return time.monotonic() - start


def main() -> None:
    role, address, out = sys.argv[1:4]
    session = Session.open(address)
    if role == "control":
        app = make_app(session, tick=None)

        async def drive(pilot: object) -> None:
            await pilot.press("space")  # type: ignore[attr-defined]
            app.release("INJ-004")  # type: ignore[attr-defined]
            feed = app.screen.query_one("#feed-table", DataTable)

            def texts() -> list[str]:
                return [feed.get_row_at(i)[5].plain for i in range(feed.row_count)]

            waited = await until(pilot, lambda: sum("hello from" in t for t in texts()) == 2)
            Path(out).write_text(json.dumps({"feed": texts(), "waited": waited}))
            app.exit()

    else:
        code, peer = sys.argv[4:6]
        app = make_app(session, role="player", cell=role, code=code, tick=None)

        async def drive(pilot: object) -> None:
            await until(pilot, lambda: type(app.screen).__name__ == "PlayerScreen")
            await until(pilot, lambda: session.state.started)
            app.attempt(c.SendMessage(role, role, (peer,), f"hello from {role}"))  # type: ignore[attr-defined]
            table = app.screen.query_one("#inbox-table", DataTable)

            def items() -> list[str]:
                return [str(k.value) for k in table.rows]

            t0 = time.monotonic()
            await until(pilot, lambda: any(i.startswith("message:") for i in items()))
            waited = time.monotonic() - t0
            texts = [str(r) for r in app.screen.items.values()]  # type: ignore[attr-defined]
            Path(out).write_text(json.dumps({"inbox": items(), "texts": texts, "waited": waited}))
            app.exit()

    app.run(headless=True, size=(120, 40), auto_pilot=drive)
    session.close()


if __name__ == "__main__":
    main()
