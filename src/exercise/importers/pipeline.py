"""Input file → draft → YAML text → checked by the loader → written.

:func:`import_file` reads any supported input into a :class:`Draft`; :func:`run` does the
whole ``exercise import``: it refuses to overwrite files without ``force``, renders the
inject file (and a scenario stub when no scenario is given), checks the result exactly as
``exercise validate`` would, in a temporary folder, and writes only when it passes.
"""

from __future__ import annotations

import os
import re
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any

import attrs
import yaml

from exercise.importers.draft import Context, Draft
from exercise.importers.iceberg import import_iceberg, is_iceberg
from exercise.importers.mapping import Mapping, read_mapping
from exercise.importers.msel import import_items, import_sheets
from exercise.importers.openbas import import_export, parse_export, prefix_of, read_export
from exercise.importers.problems import ImportFailed, Notice, RowProblem, fail
from exercise.importers.t3sf import sheet_of_items
from exercise.importers.table import is_xlsx, read_csv_bytes, read_limited, read_xlsx
from exercise.importers.text import comment_safe
from exercise.model import Scenario
from exercise.scenario import ScenarioError, load_scenario, summary
from exercise.scenario.dump import to_data
from exercise.scenario.yamlsafe import display_name, read_document

SPREADSHEETS = (".csv", ".tsv", ".txt")
_TIMEISH = re.compile(r"^(?:[+-]?\d{1,4}:\d{2}|D\+\d+ .*|\d+\s*(?:m|h|min))$")


class _Dumper(yaml.SafeDumper):
    """PyYAML's safe dumper, quoting every time and duration ("+00:30", "01:00")."""


def _represent_str(dumper: yaml.SafeDumper, data: str) -> yaml.Node:
    style: str | None = '"' if _TIMEISH.match(data) else None
    if "\n" in data:
        style = "|"
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


_Dumper.add_representer(str, _represent_str)


def dump_yaml(data: Any) -> str:
    """YAML text as :mod:`exercise.scenario.dump` writes it, with times quoted."""
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)


WORKBOOKS = (".xlsx", ".xlsm")
EXPORTS = (".json", ".zip")


def import_file(path: Path, ctx: Context) -> Draft:
    """Read ``path`` (CSV, XLSX, OpenBAS JSON or zip) into a draft.

    Raises :class:`ImportFailed` (and nothing else) for input it cannot import."""
    file = ctx.file
    if not path.exists():
        raise fail(file, "no such file", "check the path")
    if path.is_dir():
        raise fail(file, "is a folder, not a file")
    suffix = path.suffix.lower()
    if suffix == ".xls":
        raise fail(file, "old Excel (.xls) workbooks cannot be read", "save it as .xlsx or CSV")
    data = read_limited(path, file)
    if suffix in WORKBOOKS or (suffix not in SPREADSHEETS and is_xlsx(data)):
        return import_sheets(read_xlsx(path, file), ctx)
    if suffix in EXPORTS or data.startswith(b"PK") or _json_start(data):
        notices: list[Notice] = []
        if data.startswith(b"PK"):
            doc = read_export(path, file)
        else:
            doc = parse_export(data, file, notices)
        draft = import_json(doc, ctx)
        draft.notices[0:0] = notices
        return draft
    if suffix not in SPREADSHEETS and suffix:
        raise fail(
            file,
            f"unknown kind of file ({suffix})",
            "import .csv, .tsv, .xlsx, a T3SF or IcebergTTX .json, or an OpenBAS/OpenAEV "
            "export (.json or .zip)",
        )
    return import_sheets([read_csv_bytes(data, file)], ctx)


def _json_start(data: bytes) -> bool:
    head = data.lstrip(b"\xef\xbb\xbf\xff\xfe\x00 \t\r\n")[:1]
    return head in (b"{", b"[")


def import_json(doc: Any, ctx: Context) -> Draft:
    """A JSON MSEL: T3SF's list, an IcebergTTX scenario or an OpenBAS/OpenAEV export."""
    if isinstance(doc, list):
        return import_items(sheet_of_items(doc, ctx.file), ctx)
    if is_iceberg(doc):
        return import_iceberg(doc, ctx)
    if isinstance(doc, dict) and prefix_of(doc) is not None:
        return import_export(doc, ctx)
    if isinstance(doc, dict) and "import_mapper_inject_type_column" in doc:
        raise fail(
            ctx.file,
            "an OpenAEV XLS mapper, not an MSEL",
            "give it with --map and import the spreadsheet it describes",
        )
    shown = "an object" if isinstance(doc, dict) else f"a JSON {type(doc).__name__}"
    raise fail(
        ctx.file,
        f"{shown} of no kind this tool reads",
        "import a T3SF MSEL (a list of injects), an IcebergTTX scenario (injects and "
        "participant_teams) or an OpenBAS/OpenAEV export (scenario_*, exercise_* or "
        "inject_information keys)",
    )


def import_text(text: str, ctx: Context) -> Draft:
    """Import CSV text (used by tests)."""
    return import_sheets([read_csv_bytes(text.encode("utf-8"), ctx.file)], ctx)


@attrs.frozen
class Request:
    """One ``exercise import``: the input, the output and the options."""

    input: Path
    output: Path
    mapping: Path | None = None
    scenario: Path | None = None
    start: datetime | None = None
    force: bool = False
    today: datetime | None = None
    #: Merge injects that differ only in their recipients (``--no-merge`` turns it off).
    merge: bool = True


@attrs.frozen
class Result:
    draft: Draft
    written: tuple[tuple[Path, str], ...]  # (path, what)
    validated: str  # the `exercise validate` summary line
    hint: str = ""


def stub_path(output: Path) -> Path:
    """Where the scenario stub goes: ``scenarios/NAME.yaml`` beside an ``injects/``
    folder, else ``NAME.scenario.yaml`` beside the inject file."""
    if output.parent.name == "injects":
        return output.parent.parent / "scenarios" / output.name
    return output.with_name(output.stem + ".scenario.yaml")


def _relative(target: Path, start: Path) -> str:
    return Path(os.path.relpath(target.absolute(), start.absolute())).as_posix()


def run(req: Request) -> Result:
    """Import, render, check and write; raise :class:`ImportFailed` with every problem
    (nothing is written then)."""
    output = req.output
    if output.suffix.lower() not in (".yaml", ".yml"):
        raise fail(
            display_name(output),
            "the output must be a .yaml file",
            "write e.g. -o injects/NAME.yaml",
        )
    stub = stub_path(output) if req.scenario is None else None
    same = {req.input.absolute()}
    if req.scenario is not None:
        same.add(req.scenario.absolute())
    for target in (output, stub):
        if target is None:
            continue
        if target.absolute() in same:
            raise fail(display_name(target), "would overwrite the input", "choose another -o")
        if target.exists() and not req.force:
            raise fail(
                display_name(target), "already exists; not overwritten", "use --force to replace it"
            )
    mapping = read_mapping(req.mapping) if req.mapping is not None else Mapping()
    if not req.merge:
        mapping = attrs.evolve(mapping, merge=False)
    scenario = _load(req.scenario) if req.scenario is not None else None
    taken: frozenset[str] = frozenset()
    if scenario is not None:
        taken = frozenset(i.id for i in scenario.msel) - _ids_in(output)
    ctx = Context(
        file=display_name(req.input),
        mapping=mapping,
        scenario=scenario,
        start=req.start,
        today=req.today,
        taken=taken,
    )
    draft = import_file(req.input, ctx)
    texts: dict[str, str] = {}
    inject_text = render_injects(draft)
    if stub is not None:
        stub_scn = draft.stub(output.stem, _relative(output, stub.parent))
        texts["stub"] = render_stub(stub_scn, draft, display_name(output))
    validated, hint = _check(req, draft, inject_text, texts.get("stub"), stub)
    written = []
    _write(output, inject_text)
    written.append((output, f"{len(draft.injects)} injects"))
    if stub is not None:
        _write(stub, texts["stub"])
        written.append(
            (
                stub,
                f"scenario stub ({len(draft.cells)} cells, "
                f"{len(draft.objectives)} objectives, "
                f"{max(len(draft.move_kinds), 1)} move kinds): edit it",
            )
        )
    return Result(draft, tuple(written), validated, hint)


def _ids_in(injects: Path) -> frozenset[str]:
    """Ids of the injects in an inject file that is about to be replaced."""
    if not injects.is_file():
        return frozenset()
    try:
        raw = read_document(injects).value
    except ScenarioError:
        return frozenset()
    items = raw.get("injects") if isinstance(raw, dict) else None
    return frozenset(
        i["id"] for i in items or [] if isinstance(i, dict) and isinstance(i.get("id"), str)
    )


def _load(path: Path) -> Scenario:
    try:
        return load_scenario(path)
    except ScenarioError as exc:
        raise ImportFailed(
            [str(p) for p in exc.problems]
            + [
                RowProblem(
                    display_name(path),
                    message="the scenario has problems; fix them first (exercise validate)",
                )
            ]
        ) from None


def _comment_block(lines: list[str]) -> str:
    return "".join(f"# {comment_safe(ln)}\n" if ln else "#\n" for ln in lines)


def notice_lines(notices: list[Notice]) -> list[str]:
    return [f"  - {n}" for n in notices]


def render_injects(draft: Draft) -> str:
    head = [f"Imported by `exercise import` from {draft.source}."]
    if draft.notices:
        head.append("Not imported as such (kept in the notes, approximated or left out):")
        head += notice_lines(draft.notices)
    return _comment_block(head) + dump_yaml({"injects": to_data(draft.injects)})


def render_stub(scn: Scenario, draft: Draft, inject_file: str) -> str:
    head = [
        f"Scenario stub written by `exercise import` for {inject_file}",
        f"(from {draft.source}).",
        "Edit the title, start, time zone and duration, the cells' sides and roles, the",
        "objectives' capabilities, and add rule files.",
    ]
    return _comment_block(head) + dump_yaml(to_data(scn))


def _origin_of_line(text: str, draft: Draft) -> dict[int, str]:
    """1-based line → origin of the inject written there."""
    out: dict[int, str] = {}
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:  # pragma: no cover - our own output
        return out
    if not isinstance(root, yaml.MappingNode):
        return out
    for k, v in root.value:
        if k.value != "injects" or not isinstance(v, yaml.SequenceNode):
            continue
        for node, inject in zip(v.value, draft.injects, strict=False):
            origin = draft.origins.get(inject.id, f"inject {inject.id}")
            for line in range(node.start_mark.line + 1, node.end_mark.line + 2):
                out[line] = origin  # the next inject's first line is overwritten next
    return out


def _check(
    req: Request, draft: Draft, inject_text: str, stub_text: str | None, stub: Path | None
) -> tuple[str, str]:
    """Load the result as ``exercise validate`` would; return its summary line and a hint."""
    with tempfile.TemporaryDirectory(prefix="exercise-import-") as tmp:
        root = Path(tmp)
        if stub is not None and stub_text is not None:
            scn_tmp = root / "a" / "b" / stub.name
            inj_tmp = Path(os.path.normpath(scn_tmp.parent / _relative(req.output, stub.parent)))
            scn_tmp.parent.mkdir(parents=True, exist_ok=True)
            scn_tmp.write_text(stub_text, encoding="utf-8")
            final_scn = stub
        else:
            assert req.scenario is not None
            inj_tmp = root / "injects" / req.output.name
            scn_tmp = root / "scenario" / req.scenario.name
            scn_tmp.parent.mkdir(parents=True)
            scn_tmp.write_text(_scenario_copy(req.scenario, req.output, inj_tmp), "utf-8")
            final_scn = req.scenario
        inj_tmp.parent.mkdir(parents=True, exist_ok=True)
        inj_tmp.write_text(inject_text, encoding="utf-8")
        names = {
            display_name(inj_tmp): display_name(req.output),
            display_name(scn_tmp): display_name(final_scn),
        }
        try:
            loaded = load_scenario(scn_tmp)
        except ScenarioError as exc:
            origins = _origin_of_line(inject_text, draft)
            problems: list[RowProblem | str] = []
            for p in exc.problems:
                text = str(attrs.evolve(p, file=names.get(p.file, p.file)))
                if p.file == display_name(inj_tmp) and p.line in origins:
                    text += f" [{origins[p.line]}]"
                problems.append(text)
            if any(p.message.startswith("duplicate inject id") for p in exc.problems):
                problems.append(
                    f"{display_name(req.output)}: imported ids clash with those of the "
                    "scenario's other inject files (hint: import with a mapping file (--map) "
                    'saying id_prefix: "B-", so that event 7 becomes B-007)'
                )
            problems.append(
                f"{display_name(req.output)}: the imported injects do not pass "
                "exercise validate; nothing written"
            )
            raise ImportFailed(problems) from None
    line = f"ok {display_name(final_scn)}: {summary(loaded)}"
    hint = ""
    if req.scenario is not None:
        listed = {(req.scenario.parent / f).resolve() for f in (_listed(req.scenario) or [])}
        if req.output.resolve() not in listed:
            rel = _relative(req.output, req.scenario.parent)
            hint = f"add {rel} to 'injects:' in {display_name(req.scenario)} to use these injects"
            line = (
                f"ok {display_name(final_scn)} with {display_name(req.output)}: {summary(loaded)}"
            )
    return line, hint


def _listed(scenario: Path) -> list[str]:
    raw = read_document(scenario).value
    files = raw.get("injects") if isinstance(raw, dict) else None
    return [f for f in files if isinstance(f, str)] if isinstance(files, list) else []


def _scenario_copy(scenario: Path, output: Path, inj_tmp: Path) -> str:
    """The scenario's text with its file lists made absolute and ``output`` replaced by
    the freshly imported file."""
    raw: dict[str, Any] = dict(read_document(scenario).value)
    raw.setdefault("id", scenario.stem)
    base = scenario.parent
    injects = [
        str((base / f).absolute())
        for f in raw.get("injects") or []
        if isinstance(f, str) and (base / f).resolve() != output.resolve()
    ]
    raw["injects"] = [*injects, str(inj_tmp)]
    raw["rules"] = [
        str((base / f).absolute()) for f in raw.get("rules") or [] if isinstance(f, str)
    ]
    return dump_yaml(raw)


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.importing")
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise fail(display_name(path), f"cannot write: {exc.strerror or exc}") from None
