"""``exercise report SESSION --format md|html|json|csv [-o FILE]``.

Files are written next to their final name and renamed into place, so a failed run never
leaves half a report; a report is never written over the session it reads. A target that
exists and is not a regular file (``/dev/null``, a FIFO, a terminal) is written in place,
never replaced, and gets no companion files (the Markdown report's charts, the scores CSV):
it is a stream, like stdout.
"""

from __future__ import annotations

import argparse
import bisect
import contextlib
import functools
import json
import os
import stat
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from exercise.cli.common import open_session
from exercise.engine.describe import damage
from exercise.errors import ReportProblem
from exercise.i18n import _, language
from exercise.journal import GENESIS_HASH, Event, verify
from exercise.journal.verify import describe
from exercise.model import Scenario
from exercise.report import Report, build_report, report_data
from exercise.scenario.translations import localized
from exercise.scoring import score
from exercise.text import json_inert

if TYPE_CHECKING:
    from exercise.report.render import Beside

FORMATS = ("json", "md", "html", "csv")


class ReportError(ReportProblem):
    """A report that cannot be written as asked; the message says why."""


def report(args: argparse.Namespace) -> int:
    output: Path | None = args.output
    fmt: str = args.format
    if output is not None:
        _check_target(output, args.session)
    with open_session(args.session, read_only=True) as session:  # warns loudly on a broken record
        events = session.journal.read()
        meta = session.journal.meta()
        until = None if session.state.ended else session.game_ms()
        for e in events:
            problem = damage(e)
            if problem is not None:
                raise ReportError(
                    _(
                        "cannot report on {session}: {problem} (the report would leave it "
                        "out; `exercise verify` checks the session)"
                    ).format(session=args.session, problem=problem)
                )
        state = session.state
        scenario = localized(session.scenario, language())
        rules_source = None
        if getattr(args, "rules", None) is not None:
            from exercise.cli.scores import rescore

            other = rescore(scenario, args.rules)
            scenario, rules_source = other.scenario, (other.file, other.digest)
            print(other.line(), file=sys.stderr)
    beside = _beside(args, session.scenario, fmt)
    if fmt == "csv":
        written = _csv(args, scenario, events, until)
    else:
        checked = verify(_Events(events, meta))  # type: ignore[arg-type]
        integrity = describe(checked)
        rep = build_report(scenario, events, until_ms=until, state=state, rules_source=rules_source)
        if fmt == "json":
            data = report_data(scenario, events, rep.scores, rep)
            last = checked.seals[-1] if checked.seals else None
            data["integrity"] = {"ok": checked.ok, "reason": checked.reason}
            if checked.genesis != GENESIS_HASH or last is not None:
                # (sessions made before genesis hashes and seals report as they did)
                data["integrity"] |= {
                    "genesis": checked.genesis,
                    "head": checked.head_hash,
                    "events": checked.events,
                    "last_seal": None
                    if last is None
                    else {
                        "event": last.event_seq,
                        "seq": last.seq,
                        "head": last.head,
                        "key": last.key,
                        "wall_us": last.wall_us,
                    },
                    "summary": integrity,
                }
            text = json_inert(json.dumps(data, indent=2, ensure_ascii=False))
            written = _emit(output, text + "\n")
        elif fmt == "html":
            from exercise.report.render import render_html

            written = _emit(output, render_html(rep, integrity=integrity, beside=beside))
        else:
            written = _markdown(args, rep, integrity)
    for path in written:
        print(_("wrote {path}").format(path=path), file=sys.stderr)
    return 0


def _beside(args: argparse.Namespace, scenario: Scenario, fmt: str) -> Beside | None:
    """The second language of a bilingual report, checked."""
    lang: str | None = getattr(args, "bilingual", None)
    if lang is None:
        return None
    if fmt != "html":
        raise ReportError(_("--bilingual is for the html format; add --format html"))
    if lang not in scenario.languages:
        raise ReportError(
            _("the scenario has no {lang!r} text (it has: {languages})").format(
                lang=lang, languages=", ".join(scenario.languages)
            )
        )
    if lang == language():
        raise ReportError(
            _("the report is already in {lang!r}; name the other language").format(lang=lang)
        )
    from exercise.report.render import Beside

    other = localized(scenario, lang)
    return Beside(lang=lang, objectives={o.id: o for o in other.objectives})


def _markdown(args: argparse.Namespace, rep: Report, integrity: str) -> list[Path]:
    """The Markdown report; with ``-o FILE.md`` its charts as ``FILE-NAME.png`` beside it."""
    from exercise.report.render import render_markdown

    output: Path | None = args.output
    if output is None or _stream(output):
        return _emit(output, render_markdown(rep, None, integrity=integrity))
    from exercise.report.charts import draw_all

    files: dict[str, tuple[str, str]] = {}
    images: list[tuple[Path, bytes]] = []
    for chart in draw_all(rep):
        path = output.with_name(f"{output.stem}-{chart.name}.png")
        _check_target(path, args.session)
        images.append((path, chart.png()))
        files[chart.name] = (path.name, chart.alt)
    text = render_markdown(rep, files, integrity=integrity)  # before writing anything
    written: list[Path] = []
    for path, png in images:
        written += _write(path, functools.partial(_put, png), binary=True)
    return written + _emit(output, text)


def _csv(
    args: argparse.Namespace, scenario: Scenario, events: list[Event], until: int | None
) -> list[Path]:
    """The events CSV; with ``-o FILE.csv`` also the scores CSV, ``FILE-scores.csv``."""
    from exercise.report.tables import events_csv, write_events_csv, write_scores_csv

    output: Path | None = args.output
    if output is None or _stream(output):
        return _emit(output, events_csv(scenario, events))
    scores_path = output.with_name(f"{output.stem}-scores{output.suffix or '.csv'}")
    _check_target(scores_path, args.session)
    scores = score(scenario, events, until_ms=until)
    return _write(output, lambda f: write_events_csv(f, scenario, events)) + _write(
        scores_path, lambda f: write_scores_csv(f, scores.awards)
    )


class _Events:
    """The events and metadata already read, as the methods of a journal that ``verify``
    uses (so the journal is checked without reading it a second time)."""

    def __init__(self, events: list[Event], meta: dict[str, str]) -> None:
        self.events = events
        self._meta = meta

    def meta(self) -> dict[str, str]:
        return self._meta

    def read(self, after: int = 0, limit: int | None = None) -> list[Event]:
        start = bisect.bisect_right(self.events, after, key=lambda e: e.seq)
        return self.events[start : None if limit is None else start + limit]


def _check_target(path: Path, session: str) -> None:
    """Refuse a target that is a folder, in a missing folder, or the session itself."""
    if path.is_dir():
        raise ReportError(_("cannot write {path}: it is a folder").format(path=path))
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise ReportError(
            _("cannot write {path}: there is no folder {folder}").format(path=path, folder=folder)
        )
    if "://" not in session:
        base = Path(session)
        for protected in (base, Path(f"{session}-wal"), Path(f"{session}-shm")):
            with contextlib.suppress(OSError):
                if protected.exists() and path.exists() and path.samefile(protected):
                    raise ReportError(
                        _("cannot write {path}: it is the session itself").format(path=path)
                    )
            if path.resolve() == protected.resolve():
                raise ReportError(
                    _("cannot write {path}: it is the session itself").format(path=path)
                )


def _stream(path: Path) -> bool:
    """``path`` exists and is not a regular file (a device, a FIFO, a socket)."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return False
    return not stat.S_ISREG(mode)


def _put(data: bytes, out: Any) -> None:
    out.write(data)


def _emit(output: Path | None, text: str) -> list[Path]:
    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return []
    return _write(output, lambda f: f.write(text))


def _write(path: Path, fill: Callable[[Any], Any], *, binary: bool = False) -> list[Path]:
    """Write through a temporary file in the same folder, then rename it into place; a
    target that is not a regular file is written in place (never replaced)."""
    if _stream(path):
        try:
            with path.open("wb" if binary else "w", **({} if binary else _TEXT)) as out:
                fill(out)
        except OSError as exc:
            raise ReportError(
                _("cannot write {path}: {error}").format(path=path, error=exc.strerror or exc)
            ) from None
        return [path]
    folder = path.parent if str(path.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise ReportError(
            _("cannot write {path}: {error}").format(path=path, error=exc.strerror or exc)
        ) from None
    try:
        if binary:
            with os.fdopen(fd, "wb") as fb:
                fill(fb)
        else:
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as ft:
                fill(ft)
        os.chmod(tmp, 0o644 & ~_umask())
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise ReportError(
            _("cannot write {path}: {error}").format(path=path, error=exc.strerror or exc)
        ) from None
    return [path]


_TEXT: dict[str, Any] = {"encoding": "utf-8", "newline": ""}


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


__all__ = ["FORMATS", "ReportError", "report"]
