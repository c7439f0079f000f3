"""``exercise run``: the facilitator console."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path
from typing import Any

from exercise.journal import JournalError
from exercise.scenario import ScenarioError, load_scenario
from exercise.session import Session, SessionError, address_exists


def register(sub: Any) -> None:
    p = sub.add_parser(
        "run",
        help="open the facilitator console on a scenario",
        description="Create a session of SCENARIO (or resume it) and open exercise control's "
        "console. The session is a file under sessions/ named after the scenario and the "
        "date, unless --session names one. Each cell's join code is shown in the Cells tab.",
    )
    p.add_argument("scenario", type=Path, metavar="SCENARIO")
    p.add_argument("--session", metavar="SESSION", help="session file (created if missing)")
    p.add_argument(
        "--approve",
        action="store_true",
        help="queue due injects for your approval instead of releasing them",
    )
    p.set_defaults(handler=run)


def default_session(scenario: Path) -> str:
    scn = load_scenario(scenario)
    return str(Path("sessions") / f"{scn.id}-{date.today().isoformat()}.db")


def run(args: argparse.Namespace) -> int:
    try:
        address = args.session or default_session(args.scenario)
        resumed = address_exists(address)
        session = Session.open_or_create(args.scenario, address, join_codes=True)
    except ScenarioError as exc:
        print(exc, file=sys.stderr)
        return 1
    except (JournalError, SessionError) as exc:
        print(f"exercise: {exc}", file=sys.stderr)
        return 1
    from exercise.tui.app import make_app  # Textual only loads for the console

    with session:
        app = make_app(session, approve=args.approve)
        app.run()
    verb = "resumed" if resumed else "created"
    print(f"session {address} ({verb}); {session.state.seq} events", file=sys.stderr)
    return 0
