"""Session commands: ``play``, ``log``, ``verify``, ``seal``."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from exercise.cli.common import SCENARIO_CHANGED, UserError, checker, event_number, open_session
from exercise.engine.describe import line
from exercise.i18n import _, ngettext
from exercise.journal import open_journal, verify
from exercise.journal.seal import Trusted, load_or_create_key
from exercise.journal.verify import assess
from exercise.play import PlayError, read_script, run_script
from exercise.session import (
    Session,
    address_exists,
    principal,
    require_control,
    scenario_files_changed,
)
from exercise.text import for_terminal, json_inert


def register(sub: Any) -> None:
    p = sub.add_parser(
        "play",
        help=_("run a scripted exercise with no UI (a rehearsal)"),
        description=_(
            "Run the steps of a rehearsal script against a session (created if it "
            "does not exist, continued if it does). See docs/rehearsal.md."
        ),
    )
    p.add_argument("scenario", type=Path, metavar="SCENARIO")
    p.add_argument("--script", type=Path, required=True, metavar="FILE")
    p.add_argument(
        "--session",
        required=True,
        metavar="SESSION",
        help=_("session file or postgresql:// URL (created if missing, continued if not)"),
    )
    p.add_argument("-q", "--quiet", action="store_true", help=_("do not print the events"))
    p.set_defaults(handler=play)

    p = sub.add_parser("log", help=_("print a session's journal"))
    p.add_argument(
        "session",
        metavar="SESSION",
        help=_("a session file, or a postgresql:// URL (docs/postgres.md)"),
    )
    p.add_argument("--json", action="store_true", help=_("one JSON object per line"))
    p.add_argument(
        "--after", type=event_number, default=0, metavar="SEQ", help=_("only events after SEQ")
    )
    p.set_defaults(handler=log)

    p = sub.add_parser(
        "verify",
        help=_("check a session's hash chain and control's seals"),
        description=_(
            "Check the session's stored scenario against its genesis hash, every "
            "event's hash and every seal's signature. With --key (control's public key file, "
            "or its fingerprint SHA256:... as printed in the report) also check that the seals "
            "are control's, that nothing follows the last seal and that no sealed event was "
            "cut off: only then is the record proven. See docs/security.md."
        ),
    )
    p.add_argument(
        "session",
        metavar="SESSION",
        help=_("a session file, or a postgresql:// URL (docs/postgres.md)"),
    )
    p.add_argument(
        "--key",
        metavar="KEY",
        help=_("control's public key (control.pub) or its fingerprint (SHA256:...)"),
    )
    p.set_defaults(handler=verify_cmd)

    p = sub.add_parser(
        "seal",
        help=_("seal a session's record with control's key"),
        description=_(
            "Append control's signature over the head of the session's hash chain "
            "(the facilitator console does this at STARTEX, every few minutes, at ENDEX and "
            "after the hot wash). The key is made on first use. See docs/security.md."
        ),
    )
    p.add_argument(
        "session",
        metavar="SESSION",
        help=_("a session file, or a postgresql:// URL (docs/postgres.md)"),
    )
    p.add_argument(
        "--key",
        type=Path,
        metavar="FILE",
        help=_(
            "control's private key (default: $EXERCISE_KEY, else "
            "~/.config/exercise/control.key; made if missing)"
        ),
    )
    p.set_defaults(handler=seal_cmd)


def play(args: argparse.Namespace) -> int:
    steps, auto = read_script(args.script)
    key = load_or_create_key()  # control's: a rehearsal acts as control
    existed = address_exists(args.session)
    session = Session.open_or_create(
        args.scenario, args.session, check=checker(writing=True), control_key=key.fingerprint
    )
    try:
        require_control(session, key)
    except BaseException:
        session.close()
        raise
    with session:
        before = session.state.seq
        if existed:
            print(
                _("continuing {session} after event {seq}").format(
                    session=args.session, seq=before
                ),
                file=sys.stderr,
            )
            if scenario_files_changed(session, args.scenario):
                print(
                    "exercise: " + _(SCENARIO_CHANGED).format(session=args.session),
                    file=sys.stderr,
                )

        def show(events: list[Any]) -> None:
            if not args.quiet:
                for e in events:
                    print(for_terminal(line(session.state, e)))
                sys.stdout.flush()  # what is printed has been committed

        try:
            run_script(session, steps, auto_release=auto, on_events=show)
        except PlayError as exc:
            kept = (
                _("the session keeps events 1-{seq}").format(seq=session.state.seq)
                if session.state.seq
                else _("the session has no events yet")
            )
            raise PlayError(f"{exc}\n" + _("stopped; {kept}").format(kept=kept)) from None
        print(
            _("{session}: {written} events written, {total} in all").format(
                session=args.session, written=session.state.seq - before, total=session.state.seq
            ),
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
    trusted = Trusted.parse(args.key) if args.key else None
    journal = open_journal(args.session, read_only=True)
    try:
        plays = principal(journal)
        if plays is not None:
            raise UserError(
                _(
                    "your role plays cell {plays} and sees only part of {session}: verify "
                    "it with control's or an evaluator's role (docs/postgres.md)"
                ).format(plays=plays, session=args.session)
            )
        result = verify(journal)
    finally:
        journal.close()
    verdict = assess(result, trusted)
    last = verdict.last_seal
    if result.damaged:  # the chain holds, but the event cannot be read
        print(
            _("{session}: {reason} (the hash chain is intact)").format(
                session=args.session, reason=result.reason
            ),
            file=sys.stderr,
        )
        return 1
    if not result.ok:
        print(
            _("{session}: chain broken at event {seq}: {reason}").format(
                session=args.session, seq=result.broken_seq, reason=result.reason
            ),
            file=sys.stderr,
        )
        return 1
    if trusted is None:
        print(
            _("ok {session}: {events} events, chain intact, head {head}").format(
                session=args.session, events=result.events, head=result.head_hash[:16]
            )
        )
        if last is not None:
            print(
                "  "
                + _(
                    "last seal: event {seq} by key {key} (not checked against control's key: "
                    "pass --key to prove the record)"
                ).format(seq=last.event_seq, key=last.key)
            )
        if last is not None and verdict.unsealed is not None:
            print(
                "  "
                + _("unsealed: events {first}-{last}").format(
                    first=verdict.unsealed[0], last=verdict.unsealed[1]
                )
            )
        return 0
    for problem in verdict.problems:
        print(f"{args.session}: {problem}", file=sys.stderr)
    if not verdict.ok:
        return 1
    assert last is not None
    print(
        ngettext(
            "ok {session}: {events} events, chain intact, head {head}, sealed by {key} "
            "({n} seal, the last at event {seq})",
            "ok {session}: {events} events, chain intact, head {head}, sealed by {key} "
            "({n} seals, the last at event {seq})",
            len(result.seals),
        ).format(
            session=args.session,
            events=result.events,
            head=result.head_hash[:16],
            key=trusted.fingerprint,
            n=len(result.seals),
            seq=last.event_seq,
        )
    )
    return 0


def seal_cmd(args: argparse.Namespace) -> int:
    key = load_or_create_key(args.key)
    with open_session(args.session, writing=True) as session:
        require_control(session, key)
        written = session.seal(key)
    print(
        _(
            "sealed {session} at event {seq} (covering events 1-{last}, head {head}) with key {key}"
        ).format(
            session=args.session,
            seq=written.seq,
            last=written.seq - 1,
            head=written.prev_hash[:16],
            key=key.fingerprint,
        )
    )
    return 0
