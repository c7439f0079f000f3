"""``exercise run``: the facilitator console."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from datetime import date
from pathlib import Path
from typing import Any

from exercise.cli.common import SCENARIO_CHANGED, UserError, checker, open_session, port_number
from exercise.engine import DomainError
from exercise.i18n import _, language
from exercise.joincodes import load_plain
from exercise.journal import JournalError
from exercise.journal.seal import ControlKey, KeyProblem, load_or_create_key
from exercise.scenario import load_scenario
from exercise.session import (
    Session,
    address_exists,
    principal,
    require_control,
    scenario_files_changed,
)


def theme_option(p: argparse.ArgumentParser, help: str | None = None) -> None:
    """``--theme`` of a command that opens consoles."""
    p.add_argument(
        "--theme",
        choices=("default", "high-contrast"),
        help=help
        or _(
            "the console's colours: high-contrast is white on black (also EXERCISE_THEME; "
            "F3 switches it in the console)"
        ),
    )


def register(sub: Any) -> None:
    p = sub.add_parser(
        "run",
        help=_("open the facilitator console on a scenario"),
        description=_(
            "Create a session of SCENARIO (or resume it) and open exercise control's "
            "console. The session is a file under sessions/ named after the scenario and the "
            "date, unless --session names one. Each cell's join code is shown in the Cells tab."
        ),
    )
    p.add_argument("scenario", type=Path, metavar="SCENARIO")
    p.add_argument(
        "--session",
        metavar="SESSION",
        help=_("session file or postgresql:// URL (created if missing)"),
    )
    p.add_argument(
        "--approve",
        action="store_true",
        help=_("queue due injects for your approval instead of releasing them"),
    )
    p.add_argument(
        "--plain",
        action="store_true",
        help=_(
            "control's essential actions as a line-oriented console (msel, release N, "
            "moves, adjudicate N ..., end): for screen readers and slow links"
        ),
    )
    theme_option(p)
    p.set_defaults(handler=run)


def register_players(sub: Any) -> None:
    p = sub.add_parser(
        "join",
        help=_("open a player console for one cell of a session"),
        description=_(
            "Open the console of one cell. Enter the cell's join code (shown to "
            "exercise control) when asked, or pass it with --code."
        ),
    )
    p.add_argument(
        "session",
        metavar="SESSION",
        help=_("a session file, or a postgresql:// URL (docs/postgres.md)"),
    )
    p.add_argument("--cell", metavar="ID", help=_("the cell you play (asked if omitted)"))
    p.add_argument("--code", metavar="CODE", help=_("the cell's join code (asked if omitted)"))
    p.add_argument(
        "--plain",
        action="store_true",
        help=_(
            "a line-oriented console for screen readers and slow links: numbered items, "
            "typed commands (read 3, ack 3, reply 3 TEXT), no drawing (docs/player.md)"
        ),
    )
    p.add_argument(
        "--evaluator",
        metavar="NAME",
        help=_(
            "join as this evaluator (its EEG console) instead of a cell; see docs/evaluation.md"
        ),
    )
    theme_option(p)
    p.set_defaults(handler=join)

    p = sub.add_parser(
        "serve",
        help=_("serve the player console to browsers"),
        description=_(
            "Serve the player console over HTTP (textual-serve): each browser tab "
            "runs its own console, where the player picks a cell and enters its join code. "
            "Binds to localhost unless --host says otherwise; consoles open only from this "
            "server's own page (its --public-url); serve HTTPS with --certfile/--keyfile when "
            "players connect over a network (see docs/player.md and docs/security.md)."
        ),
    )
    p.add_argument(
        "session",
        metavar="SESSION",
        help=_("a session file, or a postgresql:// URL (docs/postgres.md)"),
    )
    p.add_argument(
        "--host", default="127.0.0.1", help=_("address to listen on (default 127.0.0.1)")
    )
    p.add_argument("--port", type=port_number, default=8000, help=_("port (default 8000)"))
    p.add_argument(
        "--public-url",
        help=_(
            "the URL browsers use (behind a proxy, or a name for the host); only pages "
            "from it may open consoles"
        ),
    )
    p.add_argument(
        "--max-consoles",
        type=int,
        default=32,
        metavar="N",
        help=_("consoles running at once, at most (default 32)"),
    )
    p.add_argument("--certfile", metavar="PEM", help=_("TLS certificate (chain), to serve HTTPS"))
    p.add_argument("--keyfile", metavar="PEM", help=_("its private key (if not in --certfile)"))
    theme_option(
        p,
        _(
            "the served consoles' colours: high-contrast is white on black (also "
            "EXERCISE_THEME; F3 switches it in each console)"
        ),
    )
    p.set_defaults(handler=serve)

    p = sub.add_parser(
        "replay",
        help=_("step through a recorded exercise"),
        description=_(
            "Step through a session event by event (left/right, home/end) or jump "
            "to a game time (t), seeing the MSEL and the scores as they were then."
        ),
    )
    p.add_argument(
        "session",
        metavar="SESSION",
        help=_("a session file, or a postgresql:// URL (docs/postgres.md)"),
    )
    theme_option(p)
    p.set_defaults(handler=replay)


def replay(args: argparse.Namespace) -> int:
    session = open_session(args.session, read_only=True)
    from exercise.tui.replay import ReplayApp

    with session:
        ReplayApp(
            session.scenario, session.journal.read(), theme=getattr(args, "theme", None)
        ).run()
    return 0


def join(args: argparse.Namespace) -> int:
    if args.evaluator is not None:
        return join_evaluator(args)
    session = open_session(args.session, writing=True)
    cells = {c.id for c in session.scenario.player_cells}
    plays = principal(session.journal)
    if plays is not None:  # the server decides the cell: the role's
        if args.cell is not None and args.cell != plays:
            session.close()
            raise UserError(
                _("your role plays cell {plays} in this session, not {cell}").format(
                    plays=plays, cell=args.cell
                )
            )
        args.cell = plays
    if args.cell is not None and args.cell not in cells:
        session.close()
        raise UserError(
            _("{cell!r} is not a player cell of this exercise (cells: {cells})").format(
                cell=args.cell, cells=", ".join(sorted(cells))
            )
        )
    if args.plain:
        with session:
            chosen = getattr(args, "lang", None) or os.environ.get("EXERCISE_LANG") or None
            return plain_join(session, args.cell, args.code, chosen)
    from exercise.tui.app import make_app

    chosen = getattr(args, "lang", None) or os.environ.get("EXERCISE_LANG")
    if chosen or args.cell is not None:  # the scenario's text in the cell's language
        session.use_language(chosen or session.scenario.cell_language(args.cell))
    with session:
        make_app(
            session, role="player", cell=args.cell, code=args.code, lang=chosen or None,
            theme=getattr(args, "theme", None),
        ).run()  # fmt: skip
    return 0


def plain_join(
    session: Session, cell: str | None, code: str | None, lang: str | None = None
) -> int:
    """The line-oriented player console: ask the cell and code if not given, check the
    code as the full console does (a wrong one is recorded and slowed down), then play."""
    import getpass
    import json
    import sqlite3
    import time

    from exercise import joincodes
    from exercise.engine import commands as c
    from exercise.plain import PlayerConsole, safe

    cells = [x.id for x in session.scenario.player_cells]
    if cell is None:
        print(_("Cells: {cells}").format(cells=", ".join(cells)))
        cell = input(_("Your cell: ")).strip()
        if cell not in cells:
            raise UserError(
                _("{cell!r} is not a player cell of this exercise (cells: {cells})").format(
                    cell=safe(cell), cells=", ".join(cells)
                )
            )
    hashes = json.loads(session.journal.meta().get("join_codes") or "{}")
    stored = hashes.get(cell)
    if stored is None:
        raise UserError(_("this session has no join code for that cell; ask exercise control"))
    if code is None:
        code = getpass.getpass(_("Join code (from exercise control): "))
    from exercise.throttle import JoinThrottle, TooManyAttempts, client_address, throttle_file

    address = session.journal.address
    throttle: JoinThrottle | None = None
    if address != ":memory:" and principal(session.journal) != cell:
        # attempts from one client address are spaced out across every console process

        throttle = JoinThrottle(throttle_file(address), interval=2.0)
        try:
            wait = throttle.reserve(client_address())
        except TooManyAttempts as exc:
            raise UserError(
                _("too many join attempts from your address; try again in {seconds} s").format(
                    seconds=f"{exc.retry_after:.0f}"
                )
            ) from None
        except sqlite3.Error:  # the throttle file is unusable: slow down anyway
            wait = 2.0
        time.sleep(wait)
    if not joincodes.check_code(code, stored):
        with contextlib.suppress(DomainError, JournalError):
            session.execute(c.RefuseJoin("console", cell))
        time.sleep(2.0)  # slow down guessing
        raise UserError(_("wrong join code for that cell"))
    if throttle is not None:  # the right code: the next player of this address need not wait
        with contextlib.suppress(sqlite3.Error):
            throttle.succeeded(client_address())
    session.execute(c.Join(cell, cell))
    console = PlayerConsole(session, cell, sys.stdout, lang=lang)
    console.say(
        _("Joined as {cell}. Type help for the commands, list for your items.").format(cell=cell)
    )
    try:
        console.run(sys.stdin)
    finally:  # control's Cells tab shows the cell's console as left
        with contextlib.suppress(DomainError, JournalError):
            session.execute(c.Leave(cell, cell))
    return 0


def join_evaluator(args: argparse.Namespace) -> int:
    if args.cell is not None:
        raise UserError(_("join either as a cell (--cell) or as an evaluator (--evaluator)"))
    session = open_session(args.session, writing=True)
    if args.evaluator not in session.state.evaluators:
        known = ", ".join(sorted(session.state.evaluators)) or _("none yet")
        session.close()
        raise UserError(
            _(
                "there is no evaluator {name} in this session (evaluators: {known}); "
                "exercise control adds one with `exercise evaluator add SESSION NAME`"
            ).format(name=repr(args.evaluator), known=known)
        )
    code = args.code
    if code is None:
        import getpass

        code = getpass.getpass(_("join code of evaluator {name}: ").format(name=args.evaluator))
    from exercise.tui.app import connector
    from exercise.tui.evaluator import EvaluatorApp

    with session:
        app = EvaluatorApp(session, args.evaluator, code, connect=connector(session))
        app.run()
    return app.return_code or 0


def console_command(args: argparse.Namespace) -> list[str]:
    """The command each served console runs: ``exercise join SESSION``, with the server's
    ``--lang`` and ``--theme`` when given (without ``--lang``, a console's lobby speaks
    the browser's language, from its Accept-Language)."""
    command = [sys.executable, "-m", "exercise.cli.main", "join", args.session]
    if getattr(args, "lang", None):
        command += ["--lang", args.lang]
    if getattr(args, "theme", None):
        command += ["--theme", args.theme]
    return command


def serve(args: argparse.Namespace) -> int:
    import shlex

    from exercise.session import address_exists

    if not address_exists(args.session):
        raise UserError(_("there is no session at {session}").format(session=args.session))
    from exercise.serve import ConsoleServer, is_loopback, origin_of, tls_context

    if args.max_consoles < 1:
        raise UserError(_("--max-consoles must be at least 1"))
    if args.public_url is not None and origin_of(args.public_url) is None:
        raise UserError(
            _("--public-url {url} is not an http:// or https:// URL").format(
                url=repr(args.public_url)
            )
        )
    if args.keyfile and not args.certfile:
        raise UserError(_("--keyfile needs --certfile"))
    context = None
    if args.certfile:
        try:
            context = tls_context(args.certfile, args.keyfile)
        except (OSError, ValueError) as exc:  # ssl.SSLError is an OSError
            raise UserError(
                _("cannot load the TLS certificate {path}: {error}").format(
                    path=args.certfile, error=exc
                )
            ) from None
    elif not is_loopback(args.host) and not (args.public_url or "").startswith("https://"):
        print(
            "exercise: "
            + _(
                "WARNING: serving on {host} without TLS: join codes and play "
                "cross the network in clear text; use --certfile/--keyfile, or a TLS proxy "
                "with --public-url https://..."
            ).format(host=args.host),
            file=sys.stderr,
        )
    command = shlex.join(console_command(args))
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
        _("serving the player console of {session} on {url}").format(
            session=args.session, url=server.public_url
        ),
        file=sys.stderr,
    )
    try:
        server.serve()
    except OSError as exc:  # the address is taken, or not one of this machine's
        raise UserError(
            _("cannot serve on {address}: {error}; choose another --port (or --host)").format(
                address=f"{args.host}:{args.port}", error=exc.strerror or exc
            )
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
            _("cannot serve on {address}: {error}; choose another --port (or --host)").format(
                address=f"{host}:{port}", error=exc.strerror or exc
            )
        ) from None


def key_for_console() -> ControlKey | None:
    """Control's key for the console's seals (made on first use); None, after saying why,
    when it cannot be used: the console then runs without sealing."""
    try:
        key = load_or_create_key()
    except KeyProblem as exc:
        print(
            "exercise: " + _("{problem}; the console will not seal the record").format(problem=exc),
            file=sys.stderr,
        )
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
    notices: list[str] = []
    if resumed and scenario_files_changed(session, args.scenario):
        notices.append(_(SCENARIO_CHANGED).format(session=address))
        print("exercise: " + notices[-1], file=sys.stderr)  # also seen once the console quits
    if args.plain:
        from exercise.plain import ControlConsole

        with session:
            codes = load_plain(session.journal.address)
            console = ControlConsole(session, sys.stdout)
            console.say(session.scenario.title)
            for cell_id, code in sorted(codes.items()):
                console.say(_("join code of {cell}: {code}").format(cell=cell_id, code=code))
            console.say(_("Type help for the commands, msel for the injects."))
            console.run(sys.stdin)
        return 0
    from exercise.tui.app import make_app  # Textual only loads for the console

    session.use_language(language())  # the scenario's text in the interface language
    with session:
        app = make_app(
            session, approve=args.approve, seal_key=key, theme=getattr(args, "theme", None),
            notices=notices,
        )  # fmt: skip
        app.run()
    done = (
        _("session {address} (resumed); {events} events")
        if resumed
        else _("session {address} (created); {events} events")
    )
    print(done.format(address=address, events=session.state.seq), file=sys.stderr)
    return 0
