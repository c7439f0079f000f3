"""Entry point of the ``exercise`` command: subcommands, exit codes, error reporting.

Exit codes: 0 success, 1 a user error (a clear message on stderr), 2 bad usage.
No traceback reaches a user; set ``EXERCISE_DEBUG=1`` to see one for a bug report.

The interface language (``--lang``, else ``EXERCISE_LANG``, else the locale) is settled
before the parser is built, so that help and usage errors are in that language too.
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import os
import sys
import traceback
from collections.abc import Sequence

from exercise import __version__
from exercise.cli import (
    access,
    console,
    evaluation,
    importing,
    scores,
    sessions,
    transfer,
    validate,
)
from exercise.cli.argparse_text import install as install_argparse_text
from exercise.cli.common import WARNINGS, guard_terminals
from exercise.errors import ExerciseError
from exercise.i18n import LANGUAGES, _, resolve_language, set_language
from exercise.text import for_terminal


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="exercise",
        description=_("Run tabletop and command-post exercises from YAML scenarios."),
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"exercise {__version__}",
        help=_("show program's version number and exit"),
    )
    parser.add_argument(
        "--lang",
        choices=LANGUAGES,
        help=_("interface language (default: EXERCISE_LANG, else the locale)"),
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    validate.register(sub)
    console.register(sub)
    console.register_players(sub)
    sessions.register(sub)
    scores.register(sub)
    transfer.register(sub)
    importing.register(sub)
    access.register(sub)
    evaluation.register(sub)
    for command in sub.choices.values():  # `exercise report --lang ru` reads as well
        command.add_argument(
            "--lang",
            choices=LANGUAGES,
            default=argparse.SUPPRESS,
            help=_("interface language (default: EXERCISE_LANG, else the locale)"),
        )
    return parser


def requested_language(argv: Sequence[str]) -> str | None:
    """The value of ``--lang`` in ``argv`` (anywhere before ``--``), if given."""
    for i, arg in enumerate(argv):
        if arg == "--":
            break
        if arg == "--lang" and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
    return None


def main(argv: Sequence[str] | None = None) -> int:
    guard_terminals()
    args_list = list(sys.argv[1:] if argv is None else argv)
    set_language(resolve_language(requested_language(args_list)))
    install_argparse_text()
    parser = build_parser()
    WARNINGS.clear()
    args = parser.parse_args(args_list)
    try:
        code: int = args.handler(args)
        if code == 0 and WARNINGS:
            code = 1  # a read-only command warned that its session does not check out
        sys.stdout.flush()  # a full disk or a closed pipe is met here, not at exit
    except ExerciseError as exc:
        print(for_terminal(exc.render()), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(_("interrupted"), file=sys.stderr)
        return 130
    except BrokenPipeError:
        _silence_stdout()
        return 0
    except OSError as exc:  # the disk filled up, a quota, an I/O error: not a bug
        if exc.errno not in _WRITE_ERRORS:
            return _internal_error(exc)
        _silence_stdout()
        where = exc.filename if exc.filename is not None else _("the output")
        print(
            "exercise: "
            + _("cannot write {where}: {error}").format(
                where=for_terminal(str(where)), error=exc.strerror or exc
            )
            + (
                " " + _("(free some disk space and run again)")
                if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG)
                else ""
            ),
            file=sys.stderr,
        )
        return 1
    except Exception as exc:  # last resort: a bug, reported without a traceback
        return _internal_error(exc)
    return code


#: Errors of writing that are the machine's, not the program's.
_WRITE_ERRORS = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO, errno.EROFS}


def _internal_error(exc: BaseException) -> int:
    if os.environ.get("EXERCISE_DEBUG"):
        traceback.print_exc()
    print(
        "exercise: "
        + _(
            "internal error ({error}); run again with EXERCISE_DEBUG=1 and report the output"
        ).format(error=f"{type(exc).__name__}: {for_terminal(exc)}"),
        file=sys.stderr,
    )
    return 1


def _silence_stdout() -> None:
    """Point stdout at the null device so that the flush at exit cannot fail again."""
    with contextlib.suppress(OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
