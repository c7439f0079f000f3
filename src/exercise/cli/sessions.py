"""Session commands: ``play``, ``log``, ``verify``."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from exercise.cli.common import event_number, open_session
from exercise.engine.describe import line
from exercise.journal import open_journal, verify
from exercise.play import PlayError, read_script, run_script
from exercise.session import Session, address_exists
from exercise.text import for_terminal, json_inert


def register(sub: Any) -> None:
    p = sub.add_parser(
        "play",
        help="run a scripted exercise with no UI (a rehearsal)",
        description="Run the steps of a rehearsal script against a session (created if it "
        "does not exist, continued if it does). See docs/rehearsal.md.",
    )
    p.add_argument("scenario", type=Path, metavar="SCENARIO")
    p.add_argument("--script", type=Path, required=True, metavar="FILE")
    p.add_argument(
        "--session",
        required=True,
        metavar="SESSION",
        help="session file or postgresql:// URL (created if missing, continued if not)",
    )
    p.add_argument("-q", "--quiet", action="store_true", help="do not print the events")
    p.set_defaults(handler=play)

    p = sub.add_parser("log", help="print a session's journal")
    p.add_argument(
        "session",
        metavar="SESSION",
        help="a session file, or a postgresql:// URL (docs/postgres.md)",
    )
    p.add_argument("--json", action="store_true", help="one JSON object per line")
    p.add_argument(
        "--after", type=event_number, default=0, metavar="SEQ", help="only events after SEQ"
    )
    p.set_defaults(handler=log)

    p = sub.add_parser("verify", help="check a session's hash chain")
    p.add_argument(
        "session",
        metavar="SESSION",
        help="a session file, or a postgresql:// URL (docs/postgres.md)",
    )
    p.set_defaults(handler=verify_cmd)


def play(args: argparse.Namespace) -> int:
    steps, auto = read_script(args.script)
    existed = address_exists(args.session)
    session = Session.open_or_create(args.scenario, args.session)
    with session:
        before = session.state.seq
        if existed:
            print(f"continuing {args.session} after event {before}", file=sys.stderr)

        def show(events: list[Any]) -> None:
            if not args.quiet:
                for e in events:
                    print(for_terminal(line(session.state, e)))
                sys.stdout.flush()  # what is printed has been committed

        try:
            run_script(session, steps, auto_release=auto, on_events=show)
        except PlayError as exc:
            kept = (
                f"the session keeps events 1-{session.state.seq}"
                if session.state.seq
                else "the session has no events yet"
            )
            raise PlayError(f"{exc}\nstopped; {kept}") from None
        print(
            f"{args.session}: {session.state.seq - before} events written, "
            f"{session.state.seq} in all",
            file=sys.stderr,
        )
    return 0


def log(args: argparse.Namespace) -> int:
    with open_session(args.session, read_only=True) as session:
        for e in session.journal.read(after=args.after):
            if args.json:
                record = {
                    "seq": e.seq,
                    "type": e.type,
                    "actor": e.actor,
                    "wall_us": e.wall_us,
                    "game_ms": e.game_ms,
                    "payload": e.payload,
                    "prev_hash": e.prev_hash,
                    "hash": e.hash,
                }
                print(json_inert(json.dumps(record, ensure_ascii=False, sort_keys=True)))
            else:
                print(for_terminal(line(session.state, e)))
    return 0


def verify_cmd(args: argparse.Namespace) -> int:
    journal = open_journal(args.session, read_only=True)
    try:
        result = verify(journal)
    finally:
        journal.close()
    if result.ok:
        print(
            f"ok {args.session}: {result.events} events, chain intact, head {result.head_hash[:16]}"
        )
        return 0
    if result.damaged:  # the chain holds, but the event cannot be read
        print(f"{args.session}: {result.reason} (the hash chain is intact)", file=sys.stderr)
        return 1
    print(
        f"{args.session}: chain broken at event {result.broken_seq}: {result.reason}",
        file=sys.stderr,
    )
    return 1
