"""The interface language: the catalogues are complete, every CLI and report string goes
through them, the language is chosen as documented, and an installed wheel carries them."""

from __future__ import annotations

import argparse
import ast
import io
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from hypothesis import given, settings
from hypothesis import strategies as st

from exercise import i18n
from exercise.cli.main import build_parser, main, requested_language

from .conftest import ROOT

SRC = ROOT / "src" / "exercise"
PO = SRC / "locale" / "ru" / "LC_MESSAGES" / "exercise.po"
POT = SRC / "locale" / "exercise.pot"
CYRILLIC = re.compile("[а-яё]", re.IGNORECASE)
#: Files whose every user-visible string must be in the catalogue (the Textual consoles
#: are checked by test_console_strings_go_through_gettext).
CHECKED = [
    *sorted((SRC / "cli").glob("*.py")),
    SRC / "report" / "render.py",
    SRC / "report" / "charts.py",
    SRC / "plain.py",
    *(SRC / "scenario" / f for f in ("loader.py", "convert.py", "yamlsafe.py", "translations.py")),
    SRC / "scenario" / "errors.py",
]


def extracted() -> dict[str | tuple[str, ...], list[str]]:
    """msgid → where it was found, extracted from the sources as `pybabel extract` does."""
    method_map = [  # as babel.cfg says
        ("**.py", "python"),
        ("**/templates/**.j2", "jinja2"),
    ]
    found: dict[str | tuple[str, ...], list[str]] = {}
    for filename, lineno, message, _comments, _ctx in extract_from_dir(
        str(SRC), method_map, keywords={"_": None, "N_": None, "ngettext": (1, 2), "nmsg": (1, 2)}
    ):
        found.setdefault(message, []).append(f"{filename}:{lineno}")
    return found


def placeholders(text: str) -> set[str]:
    return set(re.findall(r"%\([a-z_]+\)[sdr]|\{[a-z_]+(?:!r)?\}|%[sr]", text))


def test_russian_catalogue_is_complete_and_consistent() -> None:
    with PO.open("rb") as f:
        catalog = read_po(f, locale="ru")
    found = extracted()
    assert found, "nothing extracted: the extraction keywords are wrong"
    entries = {m.id: m for m in catalog if m.id}
    missing = [f"{k!r} ({v[0]})" for k, v in found.items() if k not in entries]
    assert not missing, "not in the Russian catalogue (run the update in docs/translating.md): " + (
        "; ".join(missing)
    )
    stale = [k for k in entries if k not in found]
    assert not stale, f"in the catalogue but no longer in the code: {stale}"
    for msgid, m in entries.items():
        assert not m.fuzzy, f"fuzzy translation of {msgid!r}"
        forms: tuple[str, ...] = (
            tuple(m.string) if isinstance(m.string, tuple | list) else (str(m.string),)
        )
        assert all(forms), f"untranslated: {msgid!r}"
        plural = not isinstance(msgid, str)
        source = str(msgid) if isinstance(msgid, str) else " ".join(msgid)
        for form in forms:
            words = re.sub(r"%\([a-z_]+\)[sdr]|\{[a-z_!]+\}", "", source)
            assert CYRILLIC.search(form) or not re.search("[a-z]{3}", words), (msgid, form)
            if plural:
                assert placeholders(form) <= placeholders(source), (msgid, form)
            else:
                assert placeholders(form) == placeholders(source), (msgid, form)
    assert catalog.num_plurals == 3


def test_template_catalogue_matches_the_code() -> None:
    with POT.open("rb") as f:
        template = read_po(f)
    assert {m.id for m in template if m.id} == set(extracted())


def _is_translated(node: ast.expr) -> bool:
    """``_("...")``, ``ngettext(...)``, ``_("...").format(...)``, or a concatenation
    whose every literal part is one of those."""
    if isinstance(node, ast.Call):
        func = node.func
        if isinstance(func, ast.Name) and func.id in ("_", "ngettext"):
            return True
        if isinstance(func, ast.Attribute) and func.attr == "format":
            return _is_translated(func.value)
        return not any(isinstance(a, ast.Constant | ast.JoinedStr) for a in node.args)
    if isinstance(node, ast.BinOp):
        return _is_translated(node.left) and _is_translated(node.right)
    if isinstance(node, ast.Constant):
        # prefixes and punctuation are not words: "exercise: ", "\n", "; "
        value = str(node.value)
        return not re.search("[A-Za-z]{2}", value) or bool(
            re.fullmatch(r"exercise( [\w-]+)?: ", value)
        )
    if isinstance(node, ast.JoinedStr):
        return all(
            _is_translated(v.value) if isinstance(v, ast.FormattedValue) else _is_translated(v)
            for v in node.values
        )
    return True  # a name, an attribute, a subscript: data, not fixed text


@pytest.mark.parametrize("path", CHECKED, ids=lambda p: p.name)
def test_user_visible_strings_go_through_gettext(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    bad = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = getattr(node.func, "id", getattr(node.func, "attr", ""))
        texts: list[ast.expr] = []
        if name in (
            "print",
            "say",
            "UserError",
            "ReportError",
            "TransferError",
            "Problem",
            "ArgumentTypeError",
            "problem",
            "fail",
            "StrictError",
        ):
            texts = [a for a in node.args if not isinstance(a, ast.Starred)]
            if name == "Problem":
                texts = texts[3:]  # file, line, column, then the message and the hint
            if name == "problem":
                texts = texts[1:3]  # where (a path in the document, or a node), then the text
        if name in ("set_xlabel", "set_ylabel", "set_title", "Chart", "Line2D"):
            texts = list(node.args[1:2] if name == "Chart" else node.args[:1])
        texts += [
            k.value for k in node.keywords if k.arg in ("help", "description", "label", "hint")
        ]
        for t in texts:
            source = ast.unparse(t)
            if not _is_translated(t):
                bad.append(f"{path.name}:{t.lineno}: {source[:70]}")
    assert not bad, "fixed text not wrapped in _():\n" + "\n".join(bad)


#: The Textual consoles' files (the evaluator's console and the lead evaluator's view are
#: not yet through gettext: docs/translating.md).
CONSOLES = sorted(
    p for p in (SRC / "tui").glob("*.py") if p.name not in ("evaluator.py", "leadview.py")
)
#: Calls whose text arguments reach the screen: name → positional arguments checked.
SHOWN = {
    "Label": slice(0, 1), "Button": slice(0, 1), "Static": slice(0, 1),
    "TabPane": slice(0, 1), "Checkbox": slice(0, 1), "Markdown": slice(0, 1),
    "notify": slice(0, 1), "SystemCommand": slice(0, 2), "add_column": slice(0, 1),
    "add_columns": slice(0, None), "FieldError": slice(0, 1), "ValueError": slice(0, 1),
    "ConfirmDialog": slice(0, 1), "ReasonDialog": slice(1, 2), "_field": slice(0, 1),
    "fail": slice(0, 1), "update": slice(0, 1), "plain": slice(0, 1),
    "content": slice(0, 1), "Binding": slice(2, 3), "_about": slice(0, 1),
}  # fmt: skip
#: Keyword arguments that are shown.
SHOWN_KEYWORDS = ("placeholder", "prompt", "title", "done", "description", "label")
#: Key names and a code's pattern are not words to translate.
NOT_WORDS = {"ctrl+p", "tab / shift+tab", "XXXX-XXXX"}


def _marked(node: ast.expr) -> bool:
    """Translated now (``_``), marked to be translated where shown (``N_``), or data."""
    if isinstance(node, ast.Call):
        func = node.func
        if isinstance(func, ast.Name) and func.id in ("_", "N_", "ngettext"):
            return True
        if isinstance(func, ast.Attribute) and func.attr == "format":
            return _marked(func.value)
        return all(_marked(a) for a in node.args if not isinstance(a, ast.Starred))
    if isinstance(node, ast.Constant):
        if not isinstance(node.value, str) or node.value in NOT_WORDS:
            return True
        return not re.search("[A-Za-z]{2}", node.value)
    if isinstance(node, ast.JoinedStr):
        return all(
            _marked(v.value) if isinstance(v, ast.FormattedValue) else _marked(v)
            for v in node.values
        )
    if isinstance(node, ast.BinOp):
        return _marked(node.left) and _marked(node.right)
    if isinstance(node, ast.IfExp):
        return _marked(node.body) and _marked(node.orelse)
    if isinstance(node, ast.BoolOp):
        return all(_marked(v) for v in node.values)
    return True  # a name, an attribute, a subscript: data, not fixed text


def _console_problems(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    bad: list[tuple[int, str]] = []

    def check(t: ast.expr) -> None:
        if not _marked(t):
            bad.append((t.lineno, ast.unparse(t)[:70]))

    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = getattr(node.func, "id", getattr(node.func, "attr", ""))
            if name in SHOWN:
                for t in node.args[SHOWN[name]]:
                    if not isinstance(t, ast.Starred):
                        check(t)
            for k in node.keywords:
                if k.arg in SHOWN_KEYWORDS:
                    check(k.value)
            if name == "Select" and node.args and isinstance(node.args[0], ast.List):
                for option in node.args[0].elts:  # (label, value) options written out
                    if isinstance(option, ast.Tuple):
                        check(option.elts[0])
        elif isinstance(node, ast.Tuple) and len(node.elts) == 2:
            label, width = node.elts  # a column: (label, width)
            if (
                isinstance(label, ast.Constant)
                and isinstance(label.value, str)
                and isinstance(width, ast.Constant)
                and (width.value is None or isinstance(width.value, int))
            ):
                check(label)
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names = {getattr(t, "id", getattr(t, "attr", "")) for t in targets}
            shown = {"HEADING", "HEADINGS", "DONE", "FEED_TYPES", "STATUS_WORDS", "heading"}
            if names & shown and node.value is not None:
                values = node.value.values if isinstance(node.value, ast.Dict) else [node.value]
                for v in values:
                    check(v)
    return [f"{path.name}:{line}: {source}" for line, source in sorted(bad)]


@pytest.mark.parametrize("path", CONSOLES, ids=lambda p: p.name)
def test_console_strings_go_through_gettext(path: Path) -> None:
    """Every fixed text of the facilitator's and the players' consoles (labels, buttons,
    tab titles, column headers, key descriptions, notifications, errors, the command
    palette) goes through ``_()``, or is marked with ``N_()`` where it is written before
    the language is known (class attributes) and translated where it is shown."""
    bad = _console_problems(path)
    assert not bad, "console text not wrapped in _() or N_():\n" + "\n".join(bad)


def test_the_console_check_finds_unwrapped_text(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        "def f(table, app):\n"
        "    yield Label('Your cell')\n"
        "    table.add_column('Time', width=8)\n"
        "    cols = (('Game', 9),)\n"
        "    app.notify(f'{x} released', title='Ruling')\n"
        "    yield Binding('q', 'quit', 'Quit')\n"
        "    yield Label(_('Your cell')), Binding('q', 'quit', N_('Quit')), Static('')\n"
        "HEADING = 'New move'\n",
        encoding="utf-8",
    )
    found = _console_problems(sample)
    assert [x.split(": ", 1)[1] for x in found] == [
        "'Your cell'", "'Time'", "'Game'", "'Ruling'", "f'{x} released'", "'Quit'", "'New move'"
    ]  # fmt: skip


def test_key_descriptions_follow_the_language() -> None:
    """Bindings are class attributes written before the language is known: a screen
    built in Russian shows their descriptions in Russian, one built in English in English."""
    from textual.binding import Binding

    from exercise.tui.facilitator import FacilitatorScreen

    try:
        i18n.set_language("ru")
        ru = FacilitatorScreen()
        i18n.set_language("en")
        en = FacilitatorScreen()
    finally:
        i18n.set_language("en")

    def described(screen: FacilitatorScreen) -> dict[str, str]:
        return {k: b[0].description for k, b in screen._bindings.key_to_bindings.items()}

    assert described(en)["r"] == "Release"
    assert described(ru)["r"] == "Выдать"
    own = {
        k for b in FacilitatorScreen.BINDINGS if isinstance(b, Binding) for k in b.key.split(",")
    }
    english = [k for k, d in described(ru).items() if k in own and not CYRILLIC.search(d)]
    assert not english, english


def _actions(parser: argparse.ArgumentParser) -> list[tuple[str, argparse.ArgumentParser]]:
    out = [(parser.prog, parser)]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                out.extend(_actions(sub))
    return out


def test_every_help_text_is_russian_under_lang_ru() -> None:
    from exercise.cli.argparse_text import install

    i18n.set_language("ru")
    install()
    parser = build_parser()
    english = []
    for prog, p in _actions(parser):
        texts = [p.description or ""] + [
            a.help for a in p._actions if a.help and a.help is not argparse.SUPPRESS
        ]
        for action in p._actions:
            if isinstance(action, argparse._SubParsersAction):
                texts += [c.help or "" for c in action._choices_actions]
        for text in texts:
            if text and not CYRILLIC.search(text):
                english.append(f"{prog}: {text}")
    assert not english, english


def test_help_and_usage_errors_in_russian(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["--lang", "ru", "report"])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("использование: exercise report")
    assert "ошибка: требуются следующие аргументы: SESSION" in err


def test_cli_message_in_russian(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "--lang", "ru", str(tmp_path / "missing.yaml")]) == 1
    assert "нет такого файла или папки (подсказка: проверьте путь)" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("explicit", "env", "expected"),
    [
        ("ru", {"EXERCISE_LANG": "en", "LANG": "en_US.UTF-8"}, "ru"),
        (None, {"EXERCISE_LANG": "ru", "LANG": "en_US.UTF-8"}, "ru"),
        (None, {"LANG": "ru_RU.UTF-8"}, "ru"),
        (None, {"LC_ALL": "ru_KG.UTF-8", "LANG": "en_GB.UTF-8"}, "ru"),
        (None, {"LANGUAGE": "ru:en", "LANG": "C"}, "ru"),
        (None, {"LANG": "C.UTF-8"}, "en"),
        (None, {"LANG": "de_DE.UTF-8"}, "en"),
        (None, {"EXERCISE_LANG": "xx", "LANG": "ru_RU.UTF-8"}, "ru"),
        (None, {}, "en"),
    ],
)
def test_language_resolution(explicit: str | None, env: dict[str, str], expected: str) -> None:
    assert i18n.resolve_language(explicit, env) == expected


def test_lang_is_found_anywhere_before_a_double_dash() -> None:
    assert requested_language(["report", "s.db", "--lang", "ru"]) == "ru"
    assert requested_language(["--lang=ru", "validate", "x"]) == "ru"
    assert requested_language(["play", "--", "--lang", "ru"]) is None


def test_babel_formatting_follows_the_language() -> None:
    from datetime import datetime, timedelta

    assert i18n.format_number(1234.5, "ru") == "1\xa0234,5"
    assert i18n.format_number(1234.5, "en") == "1,234.5"
    assert i18n.format_date(datetime(2003, 10, 13), "ru") == "13 октября 2003\u202fг."
    assert i18n.format_duration(timedelta(hours=2), "ru") == "2 часа"
    assert i18n.format_duration(timedelta(minutes=45), "en") == "45 minutes"


@pytest.mark.slow
def test_installed_wheel_carries_and_reads_the_catalogue(tmp_path: Path) -> None:
    """A regular (non-editable) install: build the wheel, unpack it and use it."""
    res = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", str(ROOT), "-w", str(tmp_path)],
        capture_output=True,
        text=True,
    )
    if res.returncode != 0 and "No matching distribution" in res.stderr:
        pytest.skip("no package index to build the wheel with (setuptools, wheel)")
    assert res.returncode == 0, res.stderr
    (wheel,) = tmp_path.glob("exercise-*.whl")
    with zipfile.ZipFile(wheel) as z:
        names = set(z.namelist())
        z.extractall(tmp_path / "site")
    assert "exercise/locale/ru/LC_MESSAGES/exercise.po" in names
    code = (
        "import exercise.i18n as i, sys\n"
        "i.set_language('ru')\n"
        "print(i.__file__); print(i._('interrupted'))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(tmp_path / "site"), "PATH": "/usr/bin:/bin"},
        check=True,
    ).stdout.splitlines()
    assert out[0].startswith(str(tmp_path / "site"))
    assert out[1] == "прервано"


def test_runtime_reader_agrees_with_babel() -> None:
    """exercise.i18n reads the catalogue without Babel (start-up time): it must read
    exactly what Babel reads, every entry and every plural form."""
    with PO.open("rb") as f:
        catalog = read_po(f, locale="ru")
    ours, plural = i18n.read_po(PO.read_text(encoding="utf-8"))
    theirs = {
        m.id: (tuple(m.string) if isinstance(m.string, tuple | list) else m.string)
        for m in catalog
        if m.id and not m.fuzzy
    }
    assert ours == theirs
    assert plural == catalog.plural_expr
    t = i18n.translations("ru")
    forms = [t.ngettext("{file}: {n} problem", "{file}: {n} problems", n) for n in (1, 3, 5, 21)]
    one, few, many = "{file}: {n} ошибка", "{file}: {n} ошибки", "{file}: {n} ошибок"
    assert forms == [one, few, many, one]


def test_reader_skips_fuzzy_and_untranslated_entries() -> None:
    text = (
        'msgid ""\nmsgstr ""\n"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n\n'
        '#, fuzzy\nmsgid "a"\nmsgstr "А"\n\n'
        'msgid "b"\nmsgstr ""\n\n'
        'msgid "c \\"q\\""\nmsgstr ""\n"В \\"к\\"\\n"\n'
    )
    messages, plural = i18n.read_po(text)
    assert messages == {'c "q"': 'В "к"\n'}
    assert plural == "(n != 1)"


# --------------------------------------------------------------------------- the reader


_TEXT = st.text(st.characters(exclude_categories=["Cs"]), min_size=1, max_size=30)
_SEPARATORS = st.sampled_from(["\n", "\n\n", "\n\n\n", "\n \n", "\r\n", "\r\n\r\n"])


def _quoted(text: str, cuts: list[int]) -> str:
    """``text`` as one or more quoted lines (cut where ``cuts`` say), escaped as Babel does
    (and sometimes with the other C escapes Babel reads)."""

    def escape(chunk: str) -> str:
        table = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r"}
        table |= {"\a": "\\a", "\b": "\\b", "\f": "\\f", "\v": "\\v"}
        return '"' + "".join(table.get(c, c) for c in chunk) + '"'

    points = sorted({c % (len(text) + 1) for c in cuts})
    if not points:
        return escape(text)
    parts = [text[a:b] for a, b in zip([0, *points], [*points, len(text)], strict=True)]
    return '""\n' + "\n".join(escape(p) for p in parts)


@st.composite
def _catalogues(draw: st.DrawFn) -> str:
    """A Russian ``.po`` file as a person or a tool might write it: entries with or without
    blank lines between them, comments, fuzzy and untranslated entries, plural forms,
    obsolete entries and strings cut over several lines."""
    ids = draw(st.lists(_TEXT, min_size=1, max_size=8, unique=True))
    out = [
        'msgid ""\nmsgstr ""\n"Language: ru\\n"\n'
        '"Plural-Forms: nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && '
        'n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);\\n"\n'
    ]
    for msgid in ids:
        lines = []
        for comment in draw(st.lists(st.sampled_from(["#. x", "#: a.py:1", "# note"]))):
            lines.append(comment)
        if draw(st.booleans()):
            lines.append("#, fuzzy" if draw(st.booleans()) else "#, python-brace-format")
        cuts = st.lists(st.integers(0, 40), max_size=3)
        lines.append("msgid " + _quoted(msgid, draw(cuts)))
        translation = st.one_of(st.just(""), _TEXT)
        if draw(st.booleans()):
            lines.append("msgid_plural " + _quoted(msgid + "s", draw(cuts)))
            for i in range(draw(st.integers(1, 3))):
                lines.append(f"msgstr[{i}] " + _quoted(draw(translation), draw(cuts)))
        else:
            lines.append("msgstr " + _quoted(draw(translation), draw(cuts)))
        out.append("\n".join(lines))
        if draw(st.booleans()):
            old = draw(_TEXT)
            out.append(f"#~ msgid {_quoted(old, [])}\n#~ msgstr {_quoted(old, [])}")
    text = ""
    for entry in out:
        text += entry + draw(_SEPARATORS)
    return text


def _babel_reads(text: str) -> tuple[dict[object, object], str]:
    catalog = read_po(io.StringIO(text), locale="ru")
    theirs: dict[object, object] = {}
    for m in catalog:
        forms = tuple(m.string) if isinstance(m.string, tuple | list) else (m.string,)
        if m.id and not m.fuzzy and all(forms):
            theirs[tuple(m.id) if isinstance(m.id, tuple | list) else m.id] = (
                forms if isinstance(m.string, tuple | list) else m.string
            )
    return theirs, str(catalog.plural_expr)


@settings(max_examples=300, deadline=None)
@given(_catalogues())
def test_reader_agrees_with_babel_on_any_catalogue(text: str) -> None:
    """For any catalogue Babel reads, the app's reader finds the same translations (every
    msgid, every plural form) and the same plural rule; line endings as a file read in
    text mode gives them."""
    text = text.replace("\r\n", "\n")
    theirs, plural = _babel_reads(text)
    ours, our_plural = i18n.read_po(text)
    assert ours == theirs
    assert our_plural == plural


def test_reader_reads_entries_without_blank_lines_between_them() -> None:
    """A file Babel accepts with no blank line between entries (the old reader lost
    every entry but the last of such a run)."""
    text = (
        'msgid ""\nmsgstr ""\n"Plural-Forms: nplurals=3; plural=(n%10==1 ? 0 : 1);\\n"\n'
        'msgid "a"\nmsgstr "А"\n'
        '#, fuzzy\nmsgid "b"\nmsgstr "Б"\n'
        'msgid "c"\nmsgid_plural "cs"\nmsgstr[0] "В"\nmsgstr[1] "Вы"\nmsgstr[2] "Вов"\n'
        'msgid "d"\n\nmsgstr ""\n"Г"\n'
    )
    messages, plural = i18n.read_po(text)
    assert messages == {"a": "А", ("c", "cs"): ("В", "Вы", "Вов"), "d": "Г"}
    assert plural == "(n%10==1 ? 0 : 1)"
    assert (messages, plural) == _babel_reads(text)


# ------------------------------------------------------------ the engine's own sentences

#: The engine's files whose sentences reach a user: refusals (decide.py).
ENGINE = [SRC / "engine" / "decide.py"]
DESCRIBE = SRC / "engine" / "describe.py"
#: Words in describe.py that are data or keys, not text: recorded values and prefixes.
DESCRIBE_DATA = {"evaluator:", "umpire", "value"}
#: ``_Ctx`` checks whose last argument names what is checked, inside a refusal.
WHAT_ARGUMENT = {"control", "running_exercise", "text", "cells"}


def _deferred(node: ast.expr) -> bool:
    """``msg(N_("..."), ...)``, ``nmsg("...", "...", n, ...)`` or a choice of them."""
    if isinstance(node, ast.IfExp):
        return _deferred(node.body) and _deferred(node.orelse)
    if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Name):
        return False
    if node.func.id == "msg" and node.args:
        first = node.args[0]
        return (
            isinstance(first, ast.Call)
            and getattr(first.func, "id", "") == "N_"
            and isinstance(first.args[0], ast.Constant)
        )
    if node.func.id == "nmsg" and len(node.args) >= 3:
        return all(isinstance(a, ast.Constant) for a in node.args[:2])
    return False


def _engine_problems(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    bad: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = getattr(node.func, "id", getattr(node.func, "attr", ""))
        if name == "DomainError":
            for t in node.args:
                if not _deferred(t):
                    bad.append((t.lineno, ast.unparse(t)[:70]))
        elif name in WHAT_ARGUMENT and isinstance(node.func, ast.Attribute) and node.args:
            what = node.args[-1]
            if not _marked(what):
                bad.append((what.lineno, ast.unparse(what)[:70]))
    return [f"{path.name}:{line}: {source}" for line, source in sorted(bad)]


@pytest.mark.parametrize("path", ENGINE, ids=lambda p: p.name)
def test_engine_sentences_are_deferred_messages(path: Path) -> None:
    """Every refusal of the engine is a deferred message (``msg(N_(...))``): the console
    says it in its reader's language, the journal records it in English."""
    bad = _engine_problems(path)
    assert not bad, "engine text not a deferred message:\n" + "\n".join(bad)


def test_the_engine_check_finds_unwrapped_text(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        "def f(x, cmd):\n"
        "    x.control('start the exercise')\n"
        "    x.text(cmd.text, N_('the answer'))\n"
        "    raise DomainError(f'unknown cell {cmd.cell!r}')\n"
        "    raise DomainError(msg(N_('no move {seq}'), seq=1) if cmd else 'no move')\n"
        "    raise DomainError(msg(N_('no move {seq}'), seq=1))\n"
        "    raise DomainError(msg('no move'))\n",
        encoding="utf-8",
    )
    found = _engine_problems(sample)
    assert [x.split(": ", 1)[1] for x in found] == [
        "'start the exercise'",
        "f'unknown cell {cmd.cell!r}'",
        "msg(N_('no move {seq}'), seq=1) if cmd else 'no move'",
        "msg('no move')",
    ]


def test_a_refusal_is_said_in_the_language_in_use_and_kept_in_english() -> None:
    from exercise.engine import DomainError
    from exercise.i18n import N_, msg

    error = DomainError(msg(N_("{inject} was already released"), inject="INJ-004"))
    i18n.set_language("ru")
    try:
        assert str(error) == "вводная INJ-004 уже выдана"
        assert error.english == "INJ-004 was already released"
        assert error.args == ("INJ-004 was already released",)
        assert error.render() == "exercise: вводная INJ-004 уже выдана"
    finally:
        i18n.set_language("en")
    assert str(error) == "INJ-004 was already released"
    assert str(DomainError("plain text")) == "plain text"


def _stray_english(path: Path) -> list[str]:
    """String literals with words that are not in ``_()``/``N_()``: not docstrings, not
    a :class:`Line`'s kind, not dictionary keys, comparisons or recorded values."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    exempt: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.ClassDef | ast.Module) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                exempt.add(id(first.value))
        elif isinstance(node, ast.Call):
            name = getattr(node.func, "id", getattr(node.func, "attr", ""))
            if name in ("_", "N_", "ngettext") or (name == "Line" and node.args):
                exempt.update(id(a) for a in node.args[:1])
        elif isinstance(node, ast.Dict):
            exempt.update(id(k) for k in node.keys if k is not None)
        elif isinstance(node, ast.Compare):
            exempt.update(id(x) for x in (node.left, *node.comparators))
    bad: list[tuple[int, int, str]] = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and id(node) not in exempt
            and node.value not in DESCRIBE_DATA
            and re.search("[A-Za-z]{2}", node.value)
        ):
            bad.append((node.lineno, node.col_offset, node.value))
    return [f"{path.name}:{line}: {value[:70]!r}" for line, _col, value in sorted(bad)]


def test_event_headlines_go_through_gettext() -> None:
    """Every sentence of the event describer (the log, the feed, replay, event dialogs,
    the report's timeline) is in the catalogue."""
    bad = _stray_english(DESCRIBE)
    assert not bad, "describe.py text not wrapped in _() or N_():\n" + "\n".join(bad)


def test_the_describe_check_finds_unwrapped_text(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        '"""A module."""\n'
        "def f(d):\n"
        '    """A function."""\n'
        "    x = {'held': N_('held')}\n"
        "    if d.stance == 'for':\n"
        "        return Line('clock', f'{d.cell} argues', summary=_('clock paused'))\n"
        "    return Line('clock', 'clock resumed', detail='by ' + d.method)\n",
        encoding="utf-8",
    )
    assert [x.split(": ", 1)[1] for x in _stray_english(sample)] == [
        "' argues'", "'clock resumed'", "'by '"
    ]  # fmt: skip


def test_log_in_russian_describes_events_in_russian(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`exercise log --lang ru`: the headlines in Russian, what players typed as typed;
    without --lang the same log in English."""
    from exercise.engine import CONTROL
    from exercise.engine import commands as c
    from exercise.session import Session

    from .conftest import FIXTURES

    path = tmp_path / "s.db"
    with Session.create(FIXTURES / "mini" / "scenarios" / "mini.yaml", str(path)) as session:
        session.execute(c.Start(CONTROL))
        session.execute(c.Release(CONTROL, "INJ-004"))
        session.execute(c.SendMessage("uzb-mod", "uzb-mod", ("kgz-mod",), "jets on standby"))
        session.execute(c.Hold(CONTROL, "INJ-002", "minister absent"))
    assert main(["log", "--lang", "ru", str(path)]) == 0
    russian = capsys.readouterr().out
    assert "НАЧАЛО, темп времени" in russian
    assert "вводная INJ-004 выдана: liaison (вручную)" in russian
    assert "сообщение uzb-mod для kgz-mod: 'jets on standby'" in russian
    assert "вводная INJ-002 задержана: 'minister absent'" in russian
    i18n.set_language("en")
    assert main(["log", str(path)]) == 0
    english = capsys.readouterr().out
    assert "INJ-004 released to liaison (manual)" in english
    assert "uzb-mod message to kgz-mod: 'jets on standby'" in english
    assert not CYRILLIC.search(english)


def test_a_percentage_past_what_babel_holds_is_still_said() -> None:
    """Babel's percentages go through a decimal context of 28 digits: a share of 1e26
    raised decimal.InvalidOperation (found by the property below)."""
    assert i18n.Num(1.0000000253776429e26, ".0%").render("ru").endswith("%")
    assert i18n.Num(0.5, ".0%").render("ru") == "50\xa0%"


_VALUES = st.one_of(
    st.text(max_size=20),
    st.integers(-(10**6), 10**6),
    st.builds(
        i18n.Num,
        st.floats(allow_nan=False, allow_infinity=False, width=32),
        st.sampled_from(["g", "", ".1f", ".2f", ".0%", ".3g"]),
    ),
)


@given(
    task=_VALUES,
    parts=st.lists(_VALUES, max_size=4),
    n=st.integers(0, 1000),
)
@settings(max_examples=60, deadline=None)
def test_a_stored_message_is_said_again_as_it_was(
    task: str | int | i18n.Num, parts: list[str | int | i18n.Num], n: int
) -> None:
    """``dump_message`` then ``load_message`` gives back the same message (values of every
    kind, nested messages, joins and plurals), so the journal's refusal reads the same."""
    inner = i18n.msg(i18n.N_("unknown critical task {task}"), task=task)
    joined = i18n.Join(tuple(parts), i18n.N_(" or "))
    for message in (
        inner,
        i18n.msg(i18n.N_("{problem} (warning)"), problem=inner),
        i18n.msg(i18n.N_("{problem} (warning)"), problem=joined),
        i18n.nmsg("{n} strength", "{n} strengths", n),
    ):
        stored = i18n.dump_message(message)
        again = i18n.load_message(stored, "ru")
        assert again == message
        assert again.render("ru") == message.render("ru")
    assert i18n.load_message(i18n.dump_message(i18n.msg("not a msgid")), "ru") is None
