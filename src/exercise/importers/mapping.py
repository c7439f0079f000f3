"""Column names of MSEL spreadsheets, and the mapping file that overrides them.

A mapping file is YAML; every key is optional::

    sheet: MSEL              # XLSX: the sheet to read (default: the most MSEL-like)
    header_row: 4            # the row of the column names (default: found)
    columns:                 # field: the column's name in the sheet (or a list of names)
      id: Serial
      time: H-Hour
      to: [Player, Copy to]
    ignore: [Status]         # columns deliberately left out
    times: clock             # read 09:30 as a time of day, not 9 h 30 min after the start
    date_order: mdy          # 03/04/2003 is 4 March (default: dmy unless the sheet shows mdy)
    id_prefix: "B-"          # ids made from event numbers: 7 -> B-007 (default INJ-)
    separators: ";"          # between names in one cell (default ",;"; new lines always)
    within: "00:30"          # window of expected actions with no 'within' column (01:00)
    cells:                   # recipient or team name -> cell id, or {id, side, name}
      Kyrgyz MoD: kgz-mod
      Uzbek MoD: {id: uzb-mod, side: green}
    channels:                # method of delivery -> channel
      Runner: document
    title: Border raid MSEL  # the stub scenario's title and time zone
    timezone: Asia/Bishkek
    merge: false             # keep one inject per row, even when rows differ only in "To"
    day_zero: 2024-04-02     # the day OpenAEV's J (D+0) is, when not the start's day
    rows: {column: A, match: "^(Mail|SMS)"}   # only rows whose column A matches are injects

``header_row: 0`` says the sheet has no header row: ``columns`` then name columns by
letter (``title: B``), as OpenAEV's XLS mappers do. An OpenAEV mapper exported as JSON
(``import_mapper_*`` keys) is read as such a mapping; see :mod:`exercise.importers.mapper`.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import attrs

from exercise.importers.problems import ImportFailed
from exercise.importers.text import key
from exercise.model import Channel, Side
from exercise.model.timefmt import TimeFormatError, parse_duration
from exercise.scenario.errors import Problem, ScenarioError
from exercise.scenario.yamlsafe import Document, did_you_mean, display_name, read_document

#: Canonical fields and the column names that mean them (compared with :func:`key`).
_SYNONYMS = {
    "id": (
        "event number|event no|event id|event ref|msel number|msel no|msel id|msel ref|"
        "inject number|inject no|inject id|inject ref|number|no|id|ref|reference|serial|"
        "serial number|ser|item|item number|seq|sequence|sequence number|msel"
    ),
    "time": (
        "scenario time|time|offset|elapsed time|elapsed|exercise time|game time|"
        "inject time|release time|delivery time|planned time|scheduled time|start time|"
        "time offset|t|h hour|date time|datetime|dtg|when|timing|event time|"
        "scenario date time|time date|time from startex|time after startex|startex offset"
    ),
    "clock": ("clock time|local time|time of day|actual time|wall time|clock"),
    "real": ("real time|real world time|real life time|wall clock time|real release time"),
    "day": ("day|exercise day|scenario day|date|scenario date|exercise date|day date"),
    "title": (
        "event synopsis|synopsis|event|event title|title|event name|subject|summary|"
        "headline|inject title|inject name|inject synopsis|short description|"
        "event summary|inject subject|event description short"
    ),
    "body": (
        "inject|inject text|inject description|inject message|inject content|message|"
        "message text|description|details|detail|content|body|text|narrative|script|"
        "event description|inject details|information|full text|event details"
    ),
    "from": (
        "from|originator|sender|source|simulated originator|sim originator|sent by|"
        "issued by|role player|author|from agency"
    ),
    "to": (
        "to|recipient|recipients|player|players|addressee|addressees|audience|target|"
        "target audience|receiving agency|receiver|intended recipient|intended player|"
        "intended players|responding agency|assigned to|player agency|player organization|"
        "player organisation|recipient player|player recipient|to player|to recipient|"
        "cell|cells|recipient cell|recipient cells|to cell"
    ),
    "channel": (
        "method|mode|mode of delivery|delivery mode|delivery method|method of delivery|"
        "means|means of delivery|channel|delivery|medium|inject method|inject mode|via|"
        "inject delivery method"
    ),
    "expects": (
        "expected player action|expected player actions|expected action|expected actions|"
        "expected response|expected player response|expected outcome|player action|"
        "player actions|anticipated response|anticipated player action|"
        "anticipated player actions|desired response|expected result|"
        "expected player response action"
    ),
    "kind": (
        "action kind|move kind|expected move|action type|response type|expected move kind|"
        "expected action kind"
    ),
    "within": (
        "within|response time|expected within|deadline|time to respond|respond within|"
        "response window|window|time allowed"
    ),
    "objectives": (
        "objective|objectives|core capability|core capabilities|capability|capabilities|"
        "exercise objective|exercise objectives|related objective|related objectives|"
        "objective number|objective capability|objectives capabilities|"
        "objective core capability"
    ),
    "notes": (
        "notes|note|controller notes|evaluator notes|controller evaluator notes|"
        "controller and evaluator notes|remarks|comments|comment|control notes|"
        "facilitator notes|excon notes|controller instructions|instructions"
    ),
    "module": ("module|phase|module phase|exercise phase"),
    "questions": ("discussion questions|discussion question|questions|key questions|question"),
    "after": (
        "after|trigger|triggered by|depends on|follows|prerequisite|following event|"
        "after event|after inject"
    ),
    "contingency": ("contingency|contingency inject|is contingency"),
    "poll": ("poll|polls|poll options|vote|voting options"),
    "branches": ("branches|branch|branch to|branches to|next injects"),
    "public": ("public|public inject|visible to all"),
    "grading": ("source grading|grading|source reliability|reliability grading|admiralty grading"),
    "zone": ("time zone|timezone|inject clock|inject time zone"),
}
SYNONYMS: dict[str, tuple[str, ...]] = {f: tuple(v.split("|")) for f, v in _SYNONYMS.items()}
FIELDS = tuple(SYNONYMS)
_BY_KEY: dict[str, str] = {key(s): f for f, names in SYNONYMS.items() for s in names}

_CHANNEL_WORDS = {
    Channel.PHONE: "telephone|tel|call|phone call|mobile|cell phone|cellphone|landline|"
    "conference call|voice|voicemail|satphone|sat phone",
    Channel.RADIO: "radio message|hf|vhf|uhf|net|radio net",
    Channel.EMAIL: "e-mail|mail|electronic mail|outlook",
    Channel.FAX: "facsimile|telefax|telex|cable",
    Channel.MESSAGE: "msg|chat|sms|text|text message|instant message|im|signal|whatsapp|"
    "pager|teams|slack|messaging",
    Channel.LIAISON: "lno|liaison officer|lo|liaison cell",
    Channel.BRIEFING: "brief|verbal|verbal brief|oral|presentation|slide|slides|video brief",
    Channel.MEDIA: "news|press|tv|television|broadcast|social media|twitter|x|facebook|"
    "newspaper|press release|news report|website|web|video|media report|mastodon",
    Channel.DOCUMENT: "doc|paper|handout|memo|letter|written|hard copy|hardcopy|map|photo|"
    "picture|file|runner|courier|note",
    Channel.REPORT: "sitrep|situation report|spot report|spotrep|intrep|intsum|status report",
    Channel.MEETING: "in person|face to face|vtc|video conference|videoconference|conference|"
    "role play|roleplay|walk in|visit",
}
#: Method-of-delivery words and the channel each means (compared with :func:`key`).
CHANNEL_WORDS: dict[str, Channel] = {
    **{key(w): c for c, words in _CHANNEL_WORDS.items() for w in words.split("|")},
    **{key(c.value): c for c in Channel},
}


def field_of(header: str) -> str | None:
    """The field a column name means, or None: exact synonyms first, then each part of a
    name such as "To / Recipient / Player" or "Scenario Time (local)"."""
    k = key(header)
    if not k:
        return None
    if k in _BY_KEY:
        return _BY_KEY[k]
    base = header.split("(", 1)[0]
    if key(base) in _BY_KEY:
        return _BY_KEY[key(base)]
    for sep in ("/", "&", " and ", ",", "|", "\n", " or "):
        base = base.replace(sep, "/")
    for part in base.split("/"):
        if key(part) in _BY_KEY:
            return _BY_KEY[key(part)]
    return None


@attrs.frozen
class CellEntry:
    id: str
    side: Side | None = None
    name: str = ""


@attrs.frozen
class Mapping:
    """A mapping file's settings; the defaults stand for "no mapping file"."""

    file: str = ""
    sheet: str | None = None
    header_row: int | None = None
    columns: dict[str, tuple[str, ...]] = attrs.field(factory=dict)
    ignore: tuple[str, ...] = ()
    times: str = "offset"
    date_order: str | None = None
    separators: str = ",;"
    id_prefix: str = "INJ-"
    within: timedelta = timedelta(hours=1)
    cells: dict[str, CellEntry] = attrs.field(factory=dict)
    channels: dict[str, Channel] = attrs.field(factory=dict)
    title: str | None = None
    timezone: str | None = None
    merge: bool = True
    #: The day OpenAEV's ``J`` (``D+0``) stands for, when not the start's day.
    day_zero: date | None = None
    #: Only rows whose column (a letter) matches one of the patterns are injects.
    rows: tuple[str, tuple[str, ...]] | None = None
    #: Notes on how the mapping was made (an OpenAEV mapper), listed with the import's.
    remarks: tuple[str, ...] = ()

    def cell(self, name: str) -> CellEntry | None:
        return self.cells.get(key(name))

    def channel(self, text: str) -> Channel | None:
        return self.channels.get(key(text))


_KEYS = (
    "sheet",
    "header_row",
    "columns",
    "ignore",
    "times",
    "date_order",
    "separators",
    "within",
    "cells",
    "channels",
    "title",
    "timezone",
    "merge",
    "rows",
    "day_zero",
    "id_prefix",
)


def read_mapping(path: Path) -> Mapping:
    """Read and check a mapping file; raise :class:`ImportFailed` listing every problem."""
    if path.suffix.lower() == ".json":
        from exercise.importers.mapper import read_mapper  # an OpenAEV XLS mapper
        from exercise.importers.table import read_limited

        return read_mapper(read_limited(path, display_name(path)), display_name(path))
    try:
        doc = read_document(path)
    except ScenarioError as exc:
        raise ImportFailed(str(p) for p in exc.problems) from None
    problems: list[Problem] = list(doc.problems)
    raw = doc.value
    if not isinstance(raw, dict):
        raise ImportFailed([str(doc.problem((), "a mapping file is a YAML mapping of keys"))])
    out: dict[str, Any] = {"file": doc.file}

    def bad(
        path: tuple[str | int, ...], message: str, hint: str = "", at_key: bool = False
    ) -> None:
        problems.append(doc.problem(path, message, hint, key=at_key))

    def text(name: str, value: Any, path: tuple[str | int, ...]) -> str | None:
        if isinstance(value, str) and value.strip():
            return value.strip()
        if isinstance(value, int | float) and not isinstance(value, bool):
            return str(value)
        bad(path, f"{name}: expected text, got {value!r}")
        return None

    def texts(name: str, value: Any, path: tuple[str | int, ...]) -> tuple[str, ...]:
        items = value if isinstance(value, list) else [value]
        found = [
            text(name, v, (*path, i) if isinstance(value, list) else path)
            for i, v in enumerate(items)
        ]
        return tuple(t for t in found if t is not None)

    for k, v in raw.items():
        if k not in _KEYS:
            bad((k,), f"unknown key {k!r}", did_you_mean(str(k), _KEYS, "allowed keys"), True)
        elif k in ("sheet", "title", "timezone"):
            out[k] = text(k, v, (k,))
        elif k == "header_row":
            if isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= 1000:
                out[k] = v
            else:
                bad(
                    (k,),
                    "header_row: expected a row number from 1 to 1000, or 0 for a sheet "
                    "without a header row (columns named by letter)",
                )
        elif k == "merge":
            if isinstance(v, bool):
                out[k] = v
            else:
                bad((k,), f"merge: expected true or false, got {v!r}")
        elif k == "rows":
            out[k] = _rows(v, bad)
        elif k == "day_zero":
            if isinstance(v, date) and not isinstance(v, datetime):
                out[k] = v
            else:
                bad((k,), f"day_zero: expected a date such as 2024-04-02, got {v!r}")
        elif k == "columns":
            out[k] = _columns(v, doc, bad)
        elif k == "ignore":
            out[k] = texts("ignore", v, (k,))
        elif k == "times":
            if v in ("offset", "clock"):
                out[k] = v
            else:
                bad(
                    (k,),
                    f"times: expected offset or clock, got {v!r}",
                    "offset: 09:30 is 9 h 30 min after the start; clock: the time of day",
                )
        elif k == "date_order":
            if v in ("dmy", "mdy"):
                out[k] = v
            else:
                bad((k,), f"date_order: expected dmy or mdy, got {v!r}")
        elif k == "separators":
            if isinstance(v, str):
                out[k] = v
            else:
                bad((k,), 'separators: expected text such as ",;"')
        elif k == "id_prefix":
            if isinstance(v, str) and re.fullmatch(r"[A-Za-z][\w.-]{0,15}", v):
                out[k] = v
            else:
                bad((k,), 'id_prefix: expected a short text starting with a letter, e.g. "B-"')
        elif k == "within":
            try:
                if not isinstance(v, str):
                    raise TimeFormatError('expected a duration in quotes, e.g. "01:00"')
                out[k] = parse_duration(v)
                if out[k] <= timedelta(0):
                    raise TimeFormatError("the window must be longer than zero")
            except TimeFormatError as exc:
                bad((k,), f"within: {exc}")
        elif k == "cells":
            out[k] = _cells(v, doc, bad)
        elif k == "channels":
            out[k] = _channels(v, doc, bad)
    if problems:
        raise ImportFailed(str(p) for p in sorted(set(problems)))
    return Mapping(**{k: v for k, v in out.items() if v is not None})


def _rows(value: Any, bad: Any) -> tuple[str, tuple[str, ...]] | None:
    hint = 'write e.g. rows: {column: A, match: "^(Mail|SMS)"}'
    if not isinstance(value, dict):
        bad(("rows",), "rows: expected {column: LETTER, match: PATTERN}", hint)
        return None
    column, match = value.get("column"), value.get("match")
    ok = True
    for k in value:
        if k not in ("column", "match"):
            bad(("rows", k), f"unknown key {k!r}", "allowed keys: column, match", True)
            ok = False
    if not isinstance(column, str) or not re.fullmatch(r"[A-Z]{1,2}", column.strip()):
        bad(("rows",), f"rows.column: expected a column letter such as A, got {column!r}", hint)
        ok = False
    patterns = match if isinstance(match, list) else [match]
    for p in patterns:
        try:
            if not isinstance(p, str):
                raise re.error("expected text")
            re.compile(p)
        except re.error as exc:
            bad(("rows", "match"), f"rows.match: {p!r} is not a pattern ({exc})", hint)
            ok = False
    if not ok:
        return None
    assert isinstance(column, str)
    return column.strip(), tuple(str(p) for p in patterns)


def _columns(value: Any, doc: Document, bad: Any) -> dict[str, tuple[str, ...]]:
    out: dict[str, tuple[str, ...]] = {}
    if not isinstance(value, dict):
        bad(("columns",), "columns: expected a mapping of field: column name")
        return out
    for field, names in value.items():
        if field not in FIELDS:
            hint = did_you_mean(str(field), FIELDS, "fields")
            bad(("columns", field), f"unknown field {field!r}", hint, True)
            continue
        items = names if isinstance(names, list) else [names]
        got = []
        for i, n in enumerate(items):
            if isinstance(n, str) and n.strip():
                got.append(n.strip())
            elif isinstance(n, int) and not isinstance(n, bool):
                got.append(str(n))
            else:
                where = ("columns", field, i) if isinstance(names, list) else ("columns", field)
                bad(where, f"columns.{field}: expected a column name, got {n!r}")
        if got:
            out[field] = tuple(got)
    return out


def _cells(value: Any, doc: Document, bad: Any) -> dict[str, CellEntry]:
    out: dict[str, CellEntry] = {}
    if not isinstance(value, dict):
        bad(("cells",), "cells: expected a mapping of name: cell id")
        return out
    sides = {s.value: s for s in Side}
    for name, entry in value.items():
        path = ("cells", name)
        if isinstance(entry, str) and entry.strip():
            out[key(str(name))] = CellEntry(entry.strip())
        elif isinstance(entry, dict):
            ident, side, display = entry.get("id"), entry.get("side"), entry.get("name", "")
            for k in entry:
                if k not in ("id", "side", "name"):
                    bad((*path, k), f"unknown key {k!r}", "allowed keys: id, side, name", True)
            if not isinstance(ident, str) or not ident.strip():
                bad(path, f"cells.{name}: needs an id")
                continue
            if side is not None and side not in sides:
                bad(
                    (*path, "side"),
                    f"{side!r} is not a side",
                    "expected one of: " + ", ".join(sides),
                )
                continue
            if not isinstance(display, str):
                bad((*path, "name"), "name: expected text")
                continue
            out[key(str(name))] = CellEntry(
                ident.strip(), sides[side] if side else None, display.strip()
            )
        else:
            bad(path, f"cells.{name}: expected a cell id or {{id, side, name}}")
    return out


def _channels(value: Any, doc: Document, bad: Any) -> dict[str, Channel]:
    out: dict[str, Channel] = {}
    if not isinstance(value, dict):
        bad(("channels",), "channels: expected a mapping of method: channel")
        return out
    known = {c.value: c for c in Channel}
    for name, channel in value.items():
        if isinstance(channel, str) and channel in known:
            out[key(str(name))] = known[channel]
        else:
            hint = did_you_mean(str(channel), known)
            bad(("channels", name), f"{channel!r} is not a channel", hint)
    return out
