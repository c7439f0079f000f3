"""``exercise import FILE -o injects/NAME.yaml``: MSEL spreadsheets and OpenBAS exports."""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

from exercise.i18n import _, ngettext
from exercise.importers import ImportFailed, Request, run
from exercise.importers.pipeline import notice_lines
from exercise.scenario.yamlsafe import display_name


def _start(text: str) -> datetime:
    try:
        when = datetime.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            _("{text!r} is not a date and time; write e.g. 2003-08-22T06:00").format(text=text)
        ) from None
    if when.tzinfo is not None:
        raise argparse.ArgumentTypeError(
            _(
                "{text!r} has a time zone offset; write the local time (e.g. 2003-08-22T06:00)"
            ).format(text=text)
        )
    return when.replace(second=0, microsecond=0)


def register(sub: Any) -> None:
    p = sub.add_parser(
        "import",
        help=_(
            "import an MSEL spreadsheet (CSV, XLSX), a T3SF or IcebergTTX JSON, or an "
            "OpenBAS/OpenAEV export"
        ),
        description=(
            _(
                "Convert an MSEL spreadsheet (CSV or XLSX, columns named as HSEEP templates "
                "name them) or an OpenBAS/OpenAEV scenario export (the zip, or the JSON in it) "
                "into an inject file. Without --scenario, a scenario stub listing the cells, "
                "objectives and move kinds is written too (scenarios/NAME.yaml beside an "
                "injects/ folder, else NAME.scenario.yaml). The result is checked as "
                "'exercise validate' checks it; nothing is written unless it passes. "
                "See docs/import.md."
            )
        ),
    )
    p.add_argument(
        "file",
        type=Path,
        metavar="FILE",
        help=_(".csv, .tsv, .xlsx, .json (T3SF, IcebergTTX, OpenAEV) or .zip (OpenAEV)"),
    )
    p.add_argument(
        "-o",
        "--output",
        type=Path,
        required=True,
        metavar="OUT.yaml",
        help=_("the inject file to write, e.g. injects/NAME.yaml"),
    )
    p.add_argument(
        "--map",
        type=Path,
        metavar="MAPPING.yaml",
        help=_(
            "a mapping file naming the columns (and cells, channels), or an OpenAEV "
            "XLS mapper exported as JSON"
        ),
    )
    when = p.add_mutually_exclusive_group()
    when.add_argument(
        "--start",
        type=_start,
        metavar="DATETIME",
        help=_("STARTEX, e.g. 2003-08-22T06:00: times are read relative to it"),
    )
    when.add_argument(
        "--scenario",
        type=Path,
        metavar="SCENARIO.yaml",
        help=_(
            "an existing scenario: names are matched to its cells, "
            "objectives and move kinds, and times read relative to its start"
        ),
    )
    p.add_argument(
        "--no-merge",
        action="store_true",
        help=_("keep one inject per row when rows differ only in their recipient"),
    )
    p.add_argument("--force", action="store_true", help=_("overwrite existing files"))
    p.add_argument(
        "-q", "--quiet", action="store_true", help=_("do not list what could not be mapped")
    )
    p.set_defaults(handler=import_cmd)
    x = sub.add_parser(
        "export-msel",
        help=_("write a scenario's MSEL to a spreadsheet (XLSX, CSV) or an OpenAEV export"),
        description=(
            _(
                "Write the scenario's injects to a spreadsheet in HSEEP columns (header row, "
                "frozen in XLSX), which 'exercise import --scenario' reads back to the same "
                "injects; or, with --format openaev, a scenario export (.json or .zip) that "
                "OpenAEV imports. See docs/import.md."
            )
        ),
    )
    x.add_argument("scenario", type=Path, metavar="SCENARIO", help=_("the scenario file"))
    x.add_argument(
        "-o",
        "--output",
        type=Path,
        required=True,
        metavar="OUT",
        help=_("msel.xlsx or msel.csv (msel.json or msel.zip with --format openaev)"),
    )
    x.add_argument(
        "--format",
        choices=("hseep", "openaev"),
        default="hseep",
        help=_("hseep: a spreadsheet MSEL (default); openaev: an OpenAEV scenario export"),
    )
    x.add_argument("--force", action="store_true", help=_("overwrite an existing file"))
    x.set_defaults(handler=export_cmd)


def import_cmd(args: argparse.Namespace) -> int:
    req = Request(
        input=args.file,
        output=args.output,
        mapping=args.map,
        scenario=args.scenario,
        start=args.start,
        force=args.force,
        merge=not args.no_merge,
    )
    try:
        result = run(req)
    except ImportFailed as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        n = len(exc.problems)
        print(
            "exercise import: "
            + ngettext("{n} problem; nothing written", "{n} problems; nothing written", n).format(
                n=n
            ),
            file=sys.stderr,
        )
        return 1
    notices = result.draft.notices
    if notices and not args.quiet:
        print(
            "exercise import: "
            + ngettext(
                "{n} item not imported as such (also listed at the top of the inject file):",
                "{n} items not imported as such (also listed at the top of the inject file):",
                len(notices),
            ).format(n=len(notices)),
            file=sys.stderr,
        )
        for line in notice_lines(notices):
            print(line, file=sys.stderr)
    print(_("read {source}").format(source=result.draft.source))
    for path, what in result.written:
        print(_("wrote {path}: {what}").format(path=display_name(path), what=what))
    print(result.validated)
    if result.hint:
        print(_("hint: {hint}").format(hint=result.hint), file=sys.stderr)
    return 0


def export_cmd(args: argparse.Namespace) -> int:
    from exercise.importers.export import ExportError, write
    from exercise.scenario import ScenarioError, load_scenario

    out: Path = args.output
    try:
        scn = load_scenario(args.scenario)
    except ScenarioError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        print(
            "exercise export-msel: " + _("the scenario has problems; nothing written"),
            file=sys.stderr,
        )
        return 1
    if out.exists() and not args.force:
        print(
            _("{path}: already exists; not overwritten (hint: use --force)").format(
                path=display_name(out)
            ),
            file=sys.stderr,
        )
        return 1
    try:
        data, lost = write(scn, out, args.format)
    except ExportError as exc:
        print(f"{display_name(out)}: {exc}", file=sys.stderr)
        return 1
    tmp = out.with_name(f".{out.name}.writing")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_bytes(data)
        tmp.replace(out)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        print(
            _("{path}: cannot write: {error}").format(
                path=display_name(out), error=exc.strerror or exc
            ),
            file=sys.stderr,
        )
        return 1
    if lost:
        print(
            "exercise export-msel: "
            + ngettext(
                "{n} item not exported as such:", "{n} items not exported as such:", len(lost)
            ).format(n=len(lost)),
            file=sys.stderr,
        )
        for line in lost:
            print(f"  - {line}", file=sys.stderr)
    what = _("OpenAEV scenario export") if args.format == "openaev" else _("MSEL")
    print(
        _("wrote {path}: {what}, {n} injects").format(
            path=display_name(out), what=what, n=len(scn.msel)
        )
    )
    return 0
