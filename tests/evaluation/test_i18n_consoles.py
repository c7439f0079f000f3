"""The EEG console and the lead evaluator's view speak the interface language: every fixed
text they show goes through ``exercise.i18n._`` (or is marked with ``N_`` and translated
where shown), and the Russian catalogue has it (tests/test_i18n.py checks the catalogue)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from exercise import i18n
from exercise.evaluation import interpret
from exercise.tui import evaluator, leadview
from tests.test_i18n import _is_translated

FILES = [Path(evaluator.__file__), Path(leadview.__file__)]
#: Calls whose text arguments are shown to the user, and which of their arguments.
SHOWN = {
    "Binding": slice(2, 3),
    "TabPane": slice(0, 1),
    "Static": slice(0, 1),
    "Label": slice(0, 1),
    "notify": slice(0, 1),
    "add_column": slice(0, 1),
    "ValueError": slice(0, None),
    "Text": slice(0, 1),
    "_field": slice(0, 1),
    "append": slice(0, None),
}


def _marked(node: ast.expr) -> bool:
    """``N_("...")``: marked for the catalogue, translated where it is shown."""
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "N_"


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_console_text_goes_through_gettext(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    bad = []
    for node in ast.walk(tree):
        texts: list[ast.expr] = []
        if isinstance(node, ast.Call):
            name = getattr(node.func, "id", getattr(node.func, "attr", ""))
            if name in SHOWN:
                texts = [a for a in node.args[SHOWN[name]] if not isinstance(a, ast.Starred)]
        elif isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Attribute) and t.attr in ("heading", "sub_title")
            for t in node.targets
        ):
            texts = [node.value]
        for t in texts:
            parts = [t.body, t.orelse] if isinstance(t, ast.IfExp) else [t]
            for p in parts:
                if not (_is_translated(p) or _marked(p)):
                    bad.append(f"{path.name}:{p.lineno}: {ast.unparse(p)[:70]}")
    assert not bad, "fixed text not wrapped in _() or N_():\n" + "\n".join(bad)


def test_marked_words_are_translated_in_russian() -> None:
    i18n.set_language("ru")
    for words, _value in [*evaluator.KINDS, *evaluator.RATINGS]:
        assert i18n._(words) != words, words
    assert i18n._(interpret(0.5)) == "умеренная"
    assert i18n._(interpret(None)) == "не определена (все оценки в одной категории)"
    assert [r for r, _v in evaluator.ratings()] == [
        "P — выполнено",
        "S — выполнено с замечаниями",
        "M — выполнено с существенными недостатками",
        "U — не выполнено",
    ]
