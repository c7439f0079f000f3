"""``exercise grant`` and ``exercise revoke``: who may open which cell's console."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from exercise import access
from exercise.cli.common import UserError, open_session
from exercise.i18n import _, ngettext


def register(sub: Any) -> None:
    p = sub.add_parser(
        "grant",
        help=_("let a player's SSH key (or PostgreSQL role) into one cell's console"),
        description=_(
            "With --ssh-key: write the authorized_keys line that lets the player's "
            "key run only `exercise join SESSION --cell ID` (no shell, no forwarding); see "
            "docs/player.md. With --role (a postgresql:// session): give that PostgreSQL role "
            "the cell, enforced by the server; see docs/postgres.md."
        ),
    )
    p.add_argument("session", metavar="SESSION", help=_("a session file or a postgresql:// URL"))
    p.add_argument("--cell", metavar="ID", help=_("the player cell"))
    p.add_argument(
        "--evaluator",
        nargs="?",
        const="",
        metavar="NAME",
        help=_(
            "with --ssh-key: the key opens evaluator NAME's console only; with --role: the "
            "role reads the whole session and writes nothing"
        ),
    )
    how = p.add_mutually_exclusive_group(required=True)
    how.add_argument("--ssh-key", type=Path, metavar="FILE", help=_("the player's public key"))
    how.add_argument("--role", metavar="ROLE", help=_("the player's PostgreSQL role"))
    p.add_argument(
        "--authorized-keys",
        type=Path,
        metavar="FILE",
        help=_(
            "the file sshd reads for the account players log in to (default ~/.ssh/authorized_keys)"
        ),
    )
    p.set_defaults(handler=grant_cmd)

    p = sub.add_parser(
        "revoke",
        help=_("take back a cell's SSH keys (or a PostgreSQL role's access)"),
        description=_(
            "Remove the authorized_keys lines that grant SESSION's CELL (every cell "
            "without --cell), or with --role take the session away from a PostgreSQL role."
        ),
    )
    p.add_argument("session", metavar="SESSION", help=_("a session file or a postgresql:// URL"))
    p.add_argument("--cell", metavar="ID", help=_("only this cell's grants"))
    p.add_argument("--evaluator", metavar="NAME", help=_("only this evaluator's grants"))
    p.add_argument("--role", metavar="ROLE", help=_("the PostgreSQL role to revoke"))
    p.add_argument("--authorized-keys", type=Path, metavar="FILE")
    p.set_defaults(handler=revoke_cmd)


def is_postgres_url(address: str) -> bool:
    return address.startswith(("postgresql://", "postgres://"))


def _session_address(session: str) -> str:
    """The address the forced command will use: absolute for a file (sshd starts it in the
    player account's home folder)."""
    return session if is_postgres_url(session) else str(Path(session).resolve())


def _check_cell(session: str, cell: str) -> None:
    with open_session(session) as opened:
        cells = [c.id for c in opened.scenario.player_cells]
    if cell not in cells:
        raise UserError(
            _("{cell!r} is not a player cell of {session} (cells: {cells})").format(
                cell=cell, session=session, cells=", ".join(sorted(cells))
            )
        )


def _check_evaluator(session: str, name: str) -> None:
    with open_session(session) as opened:
        known = sorted(opened.state.evaluators)
    if name not in known:
        raise UserError(
            _(
                "there is no evaluator {name} in this session (evaluators: {known}); "
                "exercise control adds one with `exercise evaluator add SESSION NAME`"
            ).format(name=repr(name), known=", ".join(known) or _("none yet"))
        )


def grant_cmd(args: argparse.Namespace) -> int:
    if (args.cell is not None) == (args.evaluator is not None):
        raise UserError(_("name the cell with --cell, or the evaluator with --evaluator"))
    if args.role is not None:
        from exercise import roles

        if not is_postgres_url(args.session):
            raise UserError(_("--role needs a postgresql:// session (docs/postgres.md)"))
        if args.evaluator is not None:
            roles.grant(args.session, args.role, roles.EVALUATOR)
            print(
                _("role {role} reads all of {session} (an evaluator) and writes nothing").format(
                    role=args.role, session=args.session
                )
            )
            return 0
        _check_cell(args.session, args.cell)
        roles.grant(args.session, args.role, args.cell)
        print(
            _("role {role} plays cell {cell} of {session}").format(
                role=args.role, cell=args.cell, session=args.session
            )
        )
        return 0
    if args.evaluator == "":
        raise UserError(_("with --ssh-key, name the evaluator: --evaluator NAME"))
    try:
        key = access.read_public_key(args.ssh_key)
        if args.evaluator is not None:
            _check_evaluator(args.session, args.evaluator)
            who = access.EVALUATOR + args.evaluator
            shown = _("evaluator {name}").format(name=args.evaluator)
        else:
            _check_cell(args.session, args.cell)
            who = shown = args.cell
        path = args.authorized_keys or access.default_authorized_keys()
        address = _session_address(args.session)
        previous = access.grant(path, key, address, who)
    except access.AccessError as exc:
        raise UserError(str(exc)) from None
    if previous:
        print(
            "exercise: " + _("this key no longer opens {what}").format(what=previous),
            file=sys.stderr,
        )
    print(
        _("{path}: key {type} {blob} opens the console of {cell} only").format(
            path=path, type=key.type, blob=key.blob[-12:], cell=shown
        )
    )
    print("  " + _("it runs: {command}").format(command=access.forced_command(address, who)))
    return 0


def revoke_cmd(args: argparse.Namespace) -> int:
    if args.role is not None:
        from exercise import roles

        if not is_postgres_url(args.session):
            raise UserError(_("--role needs a postgresql:// session (docs/postgres.md)"))
        roles.revoke(args.session, args.role)
        print(
            _("role {role} no longer has access to {session}").format(
                role=args.role, session=args.session
            )
        )
        return 0
    if args.cell is not None and args.evaluator is not None:
        raise UserError(_("revoke either a cell's keys (--cell) or an evaluator's (--evaluator)"))
    path = args.authorized_keys or access.default_authorized_keys()
    who = args.cell if args.evaluator is None else access.EVALUATOR + args.evaluator
    try:
        removed = access.revoke(path, _session_address(args.session), who)
    except access.AccessError as exc:
        raise UserError(str(exc)) from None
    if not removed:  # a misspelt name must not pass for a revocation that worked
        if args.evaluator is not None:
            _check_evaluator(args.session, args.evaluator)
        elif args.cell:
            _check_cell(args.session, args.cell)
    if args.evaluator is not None:
        text = ngettext(
            "{path}: removed {n} key granted evaluator {name}",
            "{path}: removed {n} keys granted evaluator {name}",
            removed,
        )
    elif args.cell:
        text = ngettext(
            "{path}: removed {n} key granted cell {cell}",
            "{path}: removed {n} keys granted cell {cell}",
            removed,
        )
    else:
        text = ngettext(
            "{path}: removed {n} key granted every cell and evaluator",
            "{path}: removed {n} keys granted every cell and evaluator",
            removed,
        )
    print(text.format(path=path, n=removed, cell=args.cell, name=args.evaluator))
    return 0
