"""Entry point of the ``exercise`` command: subcommands, exit codes, error reporting.

Exit codes: 0 success, 1 a user error (a clear message on stderr), 2 bad usage.
No traceback reaches a user; set ``EXERCISE_DEBUG=1`` to see one for a bug report.
"""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from collections.abc import Sequence

from exercise import __version__
from exercise.cli import access, console, importing, scores, sessions, transfer, validate
from exercise.cli.common import WARNINGS, guard_terminals
from exercise.errors import ExerciseError
from exercise.text import for_terminal


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="exercise",
        description="Run tabletop and command-post exercises from YAML scenarios.",
    )
    parser.add_argument("--version", action="version", version=f"exercise {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    validate.register(sub)
    console.register(sub)
    console.register_players(sub)
    sessions.register(sub)
    scores.register(sub)
    transfer.register(sub)
    importing.register(sub)
    access.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    guard_terminals()
    parser = build_parser()
    args = parser.parse_args(argv)
    WARNINGS.clear()
    try:
        code: int = args.handler(args)
        if code == 0 and WARNINGS:
            code = 1  # a read-only command warned that its session does not check out
    except ExerciseError as exc:
        print(for_terminal(exc.render()), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # last resort: a bug, reported without a traceback
        if os.environ.get("EXERCISE_DEBUG"):
            traceback.print_exc()
        print(
            f"exercise: internal error ({type(exc).__name__}: {for_terminal(exc)}); "
            "run again with EXERCISE_DEBUG=1 and report the output",
            file=sys.stderr,
        )
        return 1
    return code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
