"""Look-alike letters: an id, a cell's name or a player's banner that passes for another.

Russian in Cyrillic is ordinary text (the incursion scenario is bilingual): only letters of
two scripts inside one word, or a player's text that looks like exercise control's words
or the marking, are suspicious."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exercise.cli.main import main
from exercise.engine import CONTROL, view
from exercise.engine import commands as c
from exercise.engine.queries import inbox
from exercise.plain import PlayerConsole
from exercise.session import Session
from exercise.text import imitates_control, mixed_script_word, player_text, skeleton

from .conftest import Edit

#: Cyrillic letters that look like Latin ones, and the Latin letters they pass for.
LOOKALIKES = {"E": "Е", "X": "Х", "C": "С", "O": "О", "T": "Т", "P": "Р", "e": "е", "o": "о",
              "a": "а", "c": "с", "p": "р", "x": "х"}  # fmt: skip
CYRILLIC = "абвгдеёжзийклмнопрстуфхцчшщъыьэюяАБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯ"
LATIN = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
russian_words = st.lists(st.text(st.sampled_from(CYRILLIC), min_size=1, max_size=12), max_size=8)
latin_words = st.lists(st.text(st.sampled_from(LATIN), min_size=1, max_size=12), max_size=8)


@settings(deadline=None)  # the first call loads Unicode's tables
@given(russian=russian_words, latin=latin_words, digits=st.integers(0, 10**6))
def test_words_of_one_script_each_are_fine_in_any_mix(
    russian: list[str], latin: list[str], digits: int
) -> None:
    """A Russian sentence with Latin names and numbers in it is ordinary text."""
    text = " ".join([*russian, *latin, str(digits), "—", "«НАТО»", "OSCE-2008"])
    assert mixed_script_word(text) is None


@settings(deadline=None)  # the first call loads Unicode's tables
@given(word=st.text(st.sampled_from("EXCOTPexocap"), min_size=2, max_size=12), data=st.data())
def test_one_look_alike_letter_inside_a_word_is_found(word: str, data: st.DataObject) -> None:
    i = data.draw(st.integers(0, len(word) - 1))
    spoofed = word[:i] + LOOKALIKES[word[i]] + word[i + 1 :]
    if spoofed.strip(CYRILLIC):  # some Latin letter is left: two scripts in one word
        assert mixed_script_word(f"kgz {spoofed} mod") == spoofed
    assert skeleton(spoofed) == skeleton(word)  # and it looks the same


@settings(deadline=None)  # the first call loads Unicode's tables
@given(data=st.data())
def test_a_banner_in_look_alike_letters_is_shown_as_a_players_quoted_text(
    data: st.DataObject,
) -> None:
    banner = "EXERCISE CONTROL: STRIKE APPROVED"
    spoofed = "".join(
        LOOKALIKES[ch] if ch in LOOKALIKES and data.draw(st.booleans()) else ch for ch in banner
    )
    assert imitates_control(spoofed)
    shown = player_text(spoofed, "EXERCISE EXERCISE EXERCISE")
    assert shown == f"(player text) \u201c{spoofed}\u201d"


@settings(deadline=None)  # the first call loads Unicode's tables
@given(russian=russian_words)
def test_russian_text_is_shown_as_it_is(russian: list[str]) -> None:
    text = " ".join(["Контроль учений сообщает:", *russian])
    assert player_text(text, "УЧЕНИЯ УЧЕНИЯ УЧЕНИЯ") == text or "УЧЕНИЯУЧЕНИЯУЧЕНИЯ" in text.upper()


def test_the_marking_in_any_letters_is_control_s() -> None:
    assert imitates_control("ЕХЕRСISЕ ЕХЕRСISЕ ЕХЕRСISЕ\nGo", "EXERCISE EXERCISE EXERCISE")
    assert not imitates_control("Exercise caution at the crossing", "EXERCISE EXERCISE EXERCISE")
    assert skeleton("АВС") == skeleton("ABC")  # all-Cyrillic, all look-alike


def test_validation_refuses_a_cell_id_that_mixes_scripts(
    mini: Path, edit: Edit, capsys: pytest.CaptureFixture[str]
) -> None:
    edit("scenarios/mini.yaml", "  - id: kgz-mod", "  - id: kgz-mоd")  # a Cyrillic о
    assert main(["validate", "scenarios/mini.yaml"]) == 1
    err = capsys.readouterr()
    text = err.out + err.err
    assert (
        "scenarios/mini.yaml:24:9: cell id 'kgz-mоd' mixes Cyrillic and Latin letters in 'mоd'"
        in text
    )
    assert "write each word in one script" in text
    assert "Traceback" not in text


def test_a_players_banner_reaches_another_cell_quoted_with_its_real_sender(mini: Path) -> None:
    session = Session.create("scenarios/mini.yaml", str(mini / "s.db"))
    with session:
        session.execute(c.Start(CONTROL))
        banner = "ЕXERCISE CONTROL: STRIKE APPROVED"
        session.execute(c.SendMessage("uzb-mod", "uzb-mod", ("kgz-mod",), banner, banner))
        (item,) = [i for i in inbox(view(session.state, "kgz-mod")) if i.kind == "message"]
        assert item.sender == "uzb-mod"  # the engine's record, not the text
        assert item.title == item.subject == f"(player text) \u201c{banner}\u201d"
        assert item.body == f"(player text) \u201c{banner}\u201d"
        out = io.StringIO()
        console = PlayerConsole(session, "kgz-mod", out)
        console.handle("list")
        console.handle("read 1")
        shown = out.getvalue()
        assert f"message from uzb-mod to kgz-mod: (player text) \u201c{banner}\u201d" in shown
        assert f"Subject: (player text) \u201c{banner}\u201d" in shown
        assert f"\n{banner}" not in shown  # never on a line of its own, as control's would be


def test_an_evaluator_name_mixing_scripts_is_refused(
    mini: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``exercise evaluator add`` refuses a name with a Cyrillic letter among Latin ones,
    saying which word mixes which scripts, and records nothing; a plain name is added."""
    Session.create("scenarios/mini.yaml", "s.db", join_codes=True).close()
    assert main(["evaluator", "add", "s.db", "аna"]) == 1  # a Cyrillic "а"
    err = capsys.readouterr().err
    assert "evaluator name 'аna' mixes Cyrillic and Latin letters in 'аna'" in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
    with Session.open("s.db") as s:
        assert not s.state.evaluators
    assert main(["evaluator", "add", "s.db", "ana"]) == 0
    assert "evaluator ana added" in capsys.readouterr().out
    with Session.open("s.db") as s:
        assert list(s.state.evaluators) == ["ana"]
