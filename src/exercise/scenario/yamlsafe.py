"""Safe YAML reading with positions.

Files are read with a size limit, decoded as strict UTF-8, parsed into a node tree by
PyYAML's safe composer (libyaml's when available) and turned into plain Python values
by our own walk, which refuses what a scenario file must not contain: unknown tags,
duplicate keys, merge keys, recursive aliases and alias expansion bombs. Nothing is
constructed from tags, so no YAML can run code. The node tree is kept so that any
later problem can be pinned to the line and column of the value at fault.
"""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import yaml

from exercise.i18n import N_, _, character_words
from exercise.scenario.errors import Problem, ScenarioError
from exercise.text import for_terminal, forbidden

try:  # libyaml's composer when PyYAML was built with it
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on the PyYAML build
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

#: Largest file accepted, in bytes (5 MiB); bigger files are refused unread.
MAX_FILE_BYTES = 5 * 1024 * 1024
#: Largest number of values a document may expand to through aliases.
MAX_NODES = 2_000_000
#: Deepest nesting of mappings and sequences accepted.
MAX_DEPTH = 64

Path_ = tuple[str | int, ...]

_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_BOOL = "tag:yaml.org,2002:bool"
_NULL = "tag:yaml.org,2002:null"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"
_MERGE = "tag:yaml.org,2002:merge"
_BOOLS = {"yes": True, "true": True, "on": True, "no": False, "false": False, "off": False}

_constructor = yaml.constructor.SafeConstructor()
_NON_DECIMAL = re.compile(r"^[-+]?(0[0-9_]+|0[xob])")


class Document:
    """A parsed YAML file: its plain value and the node tree for positions."""

    def __init__(
        self, file: str, root: yaml.Node, value: Any, problems: list[Problem] | None = None
    ) -> None:
        self.file = file
        self.root = root
        self.value = value
        #: Problems that did not stop the reading (a duplicate key keeps its first value).
        self.problems = problems or []

    def node_at(self, path: Path_, *, key: bool = False) -> yaml.Node:
        """The deepest node on ``path`` (the key node of the last step if ``key``)."""
        node = self.root
        for i, step in enumerate(path):
            last = i == len(path) - 1
            if isinstance(node, yaml.MappingNode) and isinstance(step, str):
                for k, v in node.value:
                    if isinstance(k, yaml.ScalarNode) and k.value == step:
                        node = k if (last and key) else v
                        break
                else:
                    return node
            elif isinstance(node, yaml.SequenceNode) and isinstance(step, int):
                if 0 <= step < len(node.value):
                    node = node.value[step]
                else:
                    return node
            else:
                return node
        return node

    def problem(self, path: Path_, message: str, hint: str = "", *, key: bool = False) -> Problem:
        mark = self.node_at(path, key=key).start_mark
        return Problem(self.file, mark.line + 1, mark.column + 1, message, hint)


def display_name(path: Path) -> str:
    """How a file is named in messages: relative to the working folder when inside it."""
    try:
        return os.path.relpath(path)
    except ValueError:  # pragma: no cover - other drive on Windows
        return str(path)


def read_document(path: Path) -> Document:
    """Read, decode and parse one YAML file; raise :class:`ScenarioError` on any problem."""
    name = display_name(path)

    def fail(message: str, hint: str = "", line: int = 1, column: int = 1) -> ScenarioError:
        return ScenarioError([Problem(name, line, column, message, hint)])

    if not path.exists():
        raise fail(_("no such file"), _("check the path and its spelling"))
    if path.is_dir():
        raise fail(_("is a folder, not a YAML file"))
    if not path.is_file():  # a device, a FIFO or a socket: reading could block or never end
        raise fail(_("is not a regular file"), _("pass a YAML file"))
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise fail(
                _("file is {size:,} bytes, over the {max_file_bytes:,}-byte limit").format(
                    size=size, max_file_bytes=MAX_FILE_BYTES
                ),
                _("split the MSEL into several inject files"),
            )
        with path.open("rb") as fh:
            data = fh.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise fail(_("cannot read the file: {value}").format(value=exc.strerror or exc)) from None
    if len(data) > MAX_FILE_BYTES:
        raise fail(
            _("file is over the {max_file_bytes:,}-byte limit").format(
                max_file_bytes=MAX_FILE_BYTES
            ),
            _("split it into several files"),
        )
    return parse_document(data, name)


def parse_document(data: bytes, name: str) -> Document:
    """Parse bytes already read; the checks of :func:`read_document` after the size."""

    def fail(message: str, hint: str = "", line: int = 1, column: int = 1) -> ScenarioError:
        return ScenarioError([Problem(name, line, column, message, hint)])

    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    for bom, encoding in _OTHER_BOMS:
        if data.startswith(bom):
            raise fail(
                _(
                    "the file is in {encoding} (it starts with its byte-order mark), not UTF-8"
                ).format(encoding=encoding),
                _("save the file as UTF-8"),
            )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise fail(
            _("not UTF-8: byte 0x{data:02x} cannot be decoded").format(data=data[exc.start]),
            _("save the file as UTF-8"),
            line,
            column,
        ) from None
    if not text.strip() or all(
        not ln.strip() or ln.lstrip().startswith("#") for ln in text.splitlines()
    ):
        raise fail(_("file is empty"), _("a scenario file is a YAML mapping of keys to values"))
    tabs = list(_indent_tabs(text))
    if tabs:
        raise ScenarioError(
            Problem(name, ln, col, _("tab character in indentation"), _("YAML indents with spaces"))
            for ln, col in tabs
        )
    if "\x00" in text:
        pos = text.index("\x00")
        line = text.count("\n", 0, pos) + 1
        raise fail(_("NUL character in the file"), _("is this a binary file?"), line)
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        message = exc.problem or exc.context or "invalid YAML"
        if exc.context and exc.problem:
            message = f"{exc.context}: {exc.problem}"
        raise fail(
            _("YAML syntax error: {message}").format(message=message),
            _syntax_hint(message),
            line,
            column,
        ) from None
    except yaml.reader.ReaderError as exc:
        # A character YAML does not allow (C1 controls, some others): pin it to its place.
        # (libyaml counts the position in UTF-8 bytes, PyYAML in characters: find the character)
        pos = text.find(chr(exc.character)) if isinstance(exc.character, int) else -1
        pos = pos if pos >= 0 else min(exc.position, len(text))
        line = text.count("\n", 0, pos) + 1
        column = pos - (text.rfind("\n", 0, pos) + 1) + 1
        raise fail(
            _("text holds {got}").format(got=character_words(chr(exc.character)))
            if isinstance(exc.character, int)
            else _("YAML error: {exc}").format(exc=" ".join(str(exc).split())),
            _("remove control characters from the file"),
            line,
            column,
        ) from None
    except yaml.YAMLError as exc:
        raise fail(_("YAML error: {exc}").format(exc=" ".join(str(exc).split()))) from None
    except RecursionError:
        raise fail(
            _("YAML nested too deeply"), _("at most {max_depth} levels").format(max_depth=MAX_DEPTH)
        ) from None
    if root is None:
        raise fail(_("file is empty"), _("a scenario file is a YAML mapping of keys to values"))
    walker = _Walker(name)
    value = walker.walk(root)
    if walker.stopped:
        raise ScenarioError(walker.problems)
    return Document(name, root, value, walker.problems)


#: Byte-order marks of the encodings a YAML file may not use here, UTF-32's first (its
#: little-endian mark begins with UTF-16's).
_OTHER_BOMS = (
    (b"\xff\xfe\x00\x00", "UTF-32"),
    (b"\x00\x00\xfe\xff", "UTF-32"),
    (b"\xff\xfe", "UTF-16"),
    (b"\xfe\xff", "UTF-16"),
)


def _indent_tabs(text: str) -> Iterator[tuple[int, int]]:
    for n, line in enumerate(text.splitlines(), 1):
        stripped = line.lstrip(" \t")
        indent = line[: len(line) - len(stripped)]
        if "\t" in indent and stripped and not stripped.startswith("#"):
            yield n, indent.index("\t") + 1


def _syntax_hint(message: str) -> str:
    if "mapping values are not allowed" in message:
        return "quote values that contain ': ' or check the indentation"
    if "expected <block end>" in message or "did not find expected" in message:
        return "check the indentation and the '-' of list items"
    if "found character" in message:
        return "quote the value"
    return "check the YAML near this position"


class _Walker:
    """Turns a node tree into plain values, collecting problems instead of raising."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[Problem] = []
        self.count = 0
        self.memo: dict[int, Any] = {}
        self.active: set[int] = set()
        self.stopped = False

    def problem(self, node: yaml.Node, message: str, hint: str = "") -> None:
        mark = node.start_mark
        self.problems.append(Problem(self.file, mark.line + 1, mark.column + 1, message, hint))

    def walk(self, node: yaml.Node, depth: int = 0) -> Any:
        if self.stopped:
            return None
        self.count += 1
        if self.count > MAX_NODES:
            self.problem(
                node,
                _("document expands to more than {max_nodes:,} values through aliases").format(
                    max_nodes=MAX_NODES
                ),
                _("remove the nested aliases (an alias bomb?)"),
            )
            self.stopped = True
            return None
        if isinstance(node, yaml.ScalarNode):
            return self.scalar(node)
        key = id(node)
        if key in self.memo:  # an alias to a collection already built: reuse it
            self.count += self.memo[key][1]
            if self.count > MAX_NODES:
                return self.walk(node, depth)
            return self.memo[key][0]
        if key in self.active:
            self.problem(
                node, _("recursive alias"), _("an anchor cannot contain an alias to itself")
            )
            return None
        if depth >= MAX_DEPTH:
            self.problem(
                node,
                _("nested too deeply"),
                _("at most {max_depth} levels").format(max_depth=MAX_DEPTH),
            )
            self.stopped = True
            return None
        before = self.count
        self.active.add(key)
        value: Any
        if isinstance(node, yaml.SequenceNode):
            if node.tag != _SEQ:
                self.problem(
                    node, _("unsupported tag {tag}").format(tag=node.tag), _("remove the tag")
                )
            value = [self.walk(item, depth + 1) for item in node.value]
        else:
            assert isinstance(node, yaml.MappingNode)
            if node.tag != _MAP:
                self.problem(
                    node, _("unsupported tag {tag}").format(tag=node.tag), _("remove the tag")
                )
            value = self.mapping(node, depth)
        self.active.discard(key)
        self.memo[key] = (value, self.count - before)
        return value

    def mapping(self, node: yaml.MappingNode, depth: int) -> dict[Any, Any]:
        out: dict[Any, Any] = {}
        first: dict[Any, yaml.Node] = {}
        for knode, vnode in node.value:
            if knode.tag == _MERGE:
                self.problem(
                    knode, _("merge keys ('<<') are not supported"), _("write the keys out")
                )
                continue
            if not isinstance(knode, yaml.ScalarNode):
                self.problem(knode, _("a key must be a plain value, not a list or mapping"))
                continue
            k = self.scalar(knode)
            try:
                hash(k)
            except TypeError:  # pragma: no cover - scalars are hashable
                continue
            if k in first:
                prev = first[k].start_mark
                self.problem(
                    knode,
                    _("duplicate key {k!r} (first at line {value})").format(
                        k=k, value=prev.line + 1
                    ),
                    _("remove or rename one of them"),
                )
                continue
            first[k] = knode
            out[k] = self.walk(vnode, depth + 1)
        return out

    def scalar(self, node: yaml.ScalarNode) -> Any:
        tag = node.tag
        raw = node.value
        found = forbidden(raw)
        if found is not None:
            self.problem(
                node,
                _("text holds {got}").format(got=character_words(found[1])),
                (
                    _(
                        "scenario text is shown on players' terminals: remove control characters "
                        "and bidi overrides (escapes such as \\e or \\x1b included)"
                    )
                ),
            )
            raw = for_terminal(raw)
        if tag == _STR:
            return raw
        if tag == _NULL:
            return None
        if tag == _BOOL:
            return _BOOLS.get(raw.lower(), raw)
        if tag in (_INT, _FLOAT):
            if ":" in raw or _NON_DECIMAL.match(raw):
                # YAML 1.1 reads 1:30 as 90 and 010 as 8: keep the text; the field's
                # type then decides (a duration accepts "1:30", a number refuses "010").
                return raw
            try:
                if tag == _INT:
                    return _constructor.construct_yaml_int(node)
                return _constructor.construct_yaml_float(node)
            except (ValueError, yaml.YAMLError):
                return raw
        if tag == _TIMESTAMP:
            try:
                return _constructor.construct_yaml_timestamp(node)
            except (ValueError, yaml.YAMLError):
                return raw
        self.problem(
            node,
            _("unsupported tag {tag}").format(tag=tag),
            _("scenario files hold plain data only; remove the tag"),
        )
        return None


def one_of(choices: Iterable[str]) -> str:
    """The hint ``expected one of: a, b, c``."""
    return _("expected one of: {items}").format(items=", ".join(choices))


def did_you_mean(word: str, choices: Iterable[str], listing: str = N_("expected one of")) -> str:
    """A ``did you mean 'x'?`` hint, else a short list of the valid choices, else ''."""
    options = sorted(choices)
    close = difflib.get_close_matches(word, options, n=1, cutoff=0.7)
    if close:
        return _("did you mean '{close}'?").format(close=close[0])
    if options and len(options) <= 16:
        return _(listing) + ": " + ", ".join(options)
    return ""
