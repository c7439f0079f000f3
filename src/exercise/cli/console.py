"""``exercise run``: the facilitator console."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path
from typing import Any

from exercise.cli.common import UserError, checker, open_session, port_number
from exercise.journal.seal import ControlKey, KeyProblem, load_or_create_key
from exercise.scenario import load_scenario
from exercise.session import Session, address_exists, principal, require_control


def register(sub: Any) -> None:
    p = sub.add_parser(
        "run",
        help="open the facilitator console on a scenario",
        description="Create a session of SCENARIO (or resume it) and open exercise control's "
        "console. The session is a file under sessions/ named after the scenario and the "
        "date, unless --session names one. Each cell's join code is shown in the Cells tab.",
    )
    p.add_argument("scenario", type=Path, metavar="SCENARIO")
    p.add_argument(
        "--session",
        metavar="SESSION",
        help="session file or postgresql:// URL (created if missing)",
    )
    p.add_argument(
        "--approve",
        action="store_true",
        help="queue due injects for your approval instead of releasing them",
    )
    p.set_defaults(handler=run)


def register_players(sub: Any) -> None:
    p = sub.add_parser(
        "join",
        help="open a player console for one cell of a session",
        description="Open the console of one cell. Enter the cell's join code (shown to "
        "exercise control) when asked, or pass it with --code.",
    )
    p.add_argument(
        "session",
        metavar="SESSION",
        help="a session file, or a postgresql:// URL (docs/postgres.md)",
    )
    p.add_argument("--cell", metavar="ID", help="the cell you play (asked if omitted)")
    p.add_argument("--code", metavar="CODE", help="the cell's join code (asked if omitted)")
    p.set_defaults(handler=join)

    p = sub.add_parser(
        "serve",
        help="serve the player console to browsers",
        description="Serve the player console over HTTP (textual-serve): each browser tab "
        "runs its own console, where the player picks a cell and enters its join code. "
        "Binds to localhost unless --host says otherwise; consoles open only from this "
        "server's own page (its --public-url); serve HTTPS with --certfile/--keyfile when "
        "players connect over a network (see docs/player.md and docs/security.md).",
    )
    p.add_argument(
        "session",
        metavar="SESSION",
        help="a session file, or a postgresql:// URL (docs/postgres.md)",
    )
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=port_number, default=8000, help="port (default 8000)")
    p.add_argument(
        "--public-url",
        help="the URL browsers use (behind a proxy, or a name for the host); only pages "
        "from it may open consoles",
    )
    p.add_argument(
        "--max-consoles",
        type=int,
        default=32,
        metavar="N",
        help="consoles running at once, at most (default 32)",
    )
    p.add_argument("--certfile", metavar="PEM", help="TLS certificate (chain), to serve HTTPS")
    p.add_argument("--keyfile", metavar="PEM", help="its private key (if not in --certfile)")
    p.set_defaults(handler=serve)

    p = sub.add_parser(
        "replay",
        help="step through a recorded exercise",
        description="Step through a session event by event (left/right, home/end) or jump "
        "to a game time (t), seeing the MSEL and the scores as they were then.",
    )
    p.add_argument(
        "session",
        metavar="SESSION",
        help="a session file, or a postgresql:// URL (docs/postgres.md)",
    )
    p.set_defaults(handler=replay)


def replay(args: argparse.Namespace) -> int:
    session = open_session(args.session, read_only=True)
    from exercise.tui.replay import ReplayApp

    with session:
        ReplayApp(session.scenario, session.journal.read()).run()
    return 0


def join(args: argparse.Namespace) -> int:
    session = open_session(args.session, writing=True)
    cells = {c.id for c in session.scenario.player_cells}
    plays = principal(session.journal)
    if plays is not None:  # the server decides the cell: the role's
        if args.cell is not None and args.cell != plays:
            session.close()
            raise UserError(f"your role plays cell {plays} in this session, not {args.cell}")
        args.cell = plays
    if args.cell is not None and args.cell not in cells:
        session.close()
        raise UserError(
            f"{args.cell!r} is not a player cell of this exercise "
            f"(cells: {', '.join(sorted(cells))})"
        )
    from exercise.tui.app import make_app

    with session:
        make_app(session, role="player", cell=args.cell, code=args.code).run()
    return 0


def serve(args: argparse.Namespace) -> int:
    import shlex

    from exercise.session import address_exists

    if not address_exists(args.session):
        raise UserError(f"there is no session at {args.session}")
    from exercise.serve import ConsoleServer, is_loopback, origin_of, tls_context

    if args.max_consoles < 1:
        raise UserError("--max-consoles must be at least 1")
    if args.public_url is not None and origin_of(args.public_url) is None:
        raise UserError(f"--public-url {args.public_url!r} is not an http:// or https:// URL")
    if args.keyfile and not args.certfile:
        raise UserError("--keyfile needs --certfile")
    context = None
    if args.certfile:
        try:
            context = tls_context(args.certfile, args.keyfile)
        except (OSError, ValueError) as exc:  # ssl.SSLError is an OSError
            raise UserError(f"cannot load the TLS certificate {args.certfile}: {exc}") from None
    elif not is_loopback(args.host) and not (args.public_url or "").startswith("https://"):
        print(
            f"exercise: WARNING: serving on {args.host} without TLS: join codes and play "
            "cross the network in clear text; use --certfile/--keyfile, or a TLS proxy "
            "with --public-url https://...",
            file=sys.stderr,
        )
    command = shlex.join([sys.executable, "-m", "exercise.cli.main", "join", args.session])
    _check_free(args.host, args.port)
    server = ConsoleServer(
        command,
        host=args.host,
        port=args.port,
        public_url=args.public_url,
        max_consoles=args.max_consoles,
        ssl_context=context,
    )
    print(
        f"serving the player console of {args.session} on {server.public_url}",
        file=sys.stderr,
    )
    try:
        server.serve()
    except OSError as exc:  # the address is taken, or not one of this machine's
        raise UserError(
            f"cannot serve on {args.host}:{args.port}: {exc.strerror or exc}; "
            "choose another --port (or --host)"
        ) from None
    return 0


def _check_free(host: str, port: int) -> None:
    """Refuse, before announcing anything, an address this machine cannot listen on."""
    import socket

    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        with socket.socket(infos[0][0], socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind(infos[0][4])
    except OSError as exc:
        raise UserError(
            f"cannot serve on {host}:{port}: {exc.strerror or exc}; "
            "choose another --port (or --host)"
        ) from None


def key_for_console() -> ControlKey | None:
    """Control's key for the console's seals (made on first use); None, after saying why,
    when it cannot be used: the console then runs without sealing."""
    try:
        key = load_or_create_key()
    except KeyProblem as exc:
        print(f"exercise: {exc}; the console will not seal the record", file=sys.stderr)
        return None
    return key


def default_session(scenario: Path) -> str:
    scn = load_scenario(scenario)
    return str(Path("sessions") / f"{scn.id}-{date.today().isoformat()}.db")


def run(args: argparse.Namespace) -> int:
    address = args.session or default_session(args.scenario)
    resumed = address_exists(address)
    key = key_for_console()
    session = Session.open_or_create(
        args.scenario,
        address,
        join_codes=True,
        check=checker(writing=True),
        control_key=None if key is None else key.fingerprint,
    )
    try:
        require_control(session, key)
    except BaseException:
        session.close()
        raise
    from exercise.tui.app import make_app  # Textual only loads for the console

    with session:
        app = make_app(session, approve=args.approve, seal_key=key)
        app.run()
    verb = "resumed" if resumed else "created"
    print(f"session {address} ({verb}); {session.state.seq} events", file=sys.stderr)
    return 0
