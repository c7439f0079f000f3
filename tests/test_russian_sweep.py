"""No English on a Russian screen: a sweep over what the engine and the consoles put into
words from data (statuses, command and field names, scripts, release reasons, refusals,
event headlines). A Latin word left in Russian text must be an id, a name or what someone
typed; anything else is an English word that escaped translation."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import attrs
import pytest

from exercise import i18n, joincodes
from exercise.engine import CONTROL, DomainError
from exercise.engine import commands as c
from exercise.engine.decide import COMMAND_WORDS, FIELD_WORDS, STATUS_WORDS
from exercise.engine.describe import (
    KIND_WORDS,
    REASON_WORDS,
    TRIGGER_WORDS,
    describe,
    reason_words,
)
from exercise.i18n import ITEM_WORDS, SCRIPT_WORDS, Msg, character_words, script_words
from exercise.journal.memory import MemoryJournal
from exercise.scenario import load_scenario
from exercise.session import Session

from .conftest import FIXTURES, FakeClock

ROOT = Path(__file__).resolve().parents[1]
INCURSION = ROOT / "scenarios" / "insurgent-incursion.yaml"
#: A word of two or more Latin letters.
LATIN = re.compile(r"[A-Za-z]{2,}")
#: What Russian text may quote in Latin letters: quoted values, ids (with a digit, a
#: hyphen or an underscore), code points, abbreviations and the exercise's own names.
QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"|«[^»]*»")
ID = re.compile(r"\b[\w.:+-]*[\d_-][\w.:+-]*\b|\bU\+[0-9A-F]{4}\b")
ALLOWED = {"MSEL", "ENDEX", "STARTEX", "RFI", "EEG", "HSEEP", "UTC", "OK"}


def stray_english(text: str, data: Iterable[str] = ()) -> list[str]:
    """The Latin words of ``text`` that are not data, ids or allowed abbreviations."""
    for value in sorted((d for d in data if d), key=len, reverse=True):
        text = text.replace(value, " ")
    text = ID.sub(" ", QUOTED.sub(" ", text))
    return [w for w in LATIN.findall(text) if w not in ALLOWED]


@pytest.fixture
def russian() -> None:
    i18n.set_language("ru")


@pytest.mark.parametrize(
    "table",
    [STATUS_WORDS, FIELD_WORDS, SCRIPT_WORDS, REASON_WORDS, TRIGGER_WORDS, KIND_WORDS, ITEM_WORDS,
     {k.__name__: v for k, v in COMMAND_WORDS.items()}],
    ids=["statuses", "fields", "scripts", "reasons", "triggers", "kinds", "items", "commands"],
)  # fmt: skip
def test_every_word_table_is_russian(table: dict[str, str], russian: None) -> None:
    """Words the engine keeps as data, put into words: every one has its Russian."""
    bad = {
        k: i18n._(v) for k, v in table.items() if stray_english(re.sub(r"\{\w+\}", "", i18n._(v)))
    }
    assert not bad


def test_every_channel_and_status_shown_is_russian(russian: None) -> None:
    """The consoles show an inject's channel and an engine status as ``_(value)``."""
    from exercise.engine.state import InjectStatus, MoveStatus
    from exercise.model import Channel

    values = [c.value for c in Channel] + list(InjectStatus) + list(MoveStatus)
    assert not [v for v in values if stray_english(i18n._(v))]


def test_values_inside_refusals_are_russian(russian: None) -> None:
    assert str(Msg(STATUS_WORDS["skipped"])) == "пропущена"
    assert str(script_words({"LATIN", "CYRILLIC"})) == "кириллица и латиница"
    assert script_words({"LATIN", "CYRILLIC"}).render("en") == "Cyrillic and Latin"
    assert str(character_words("\x1b")) == "U+001B (управляющий символ)"
    assert character_words("\u202e").render("en") == "U+202E (a bidirectional override)"
    assert reason_words("manual") == "вручную"
    assert reason_words("trigger: missed INJ-003 by kgz-mod") == (
        "по условию: не выполнено INJ-003 (группа kgz-mod)"
    )
    assert reason_words("trigger: adjudicated strike rejected") == (
        "по условию: решение по ходу strike: отклонён"
    )
    assert reason_words("as typed by control") == "as typed by control"
    i18n.set_language("en")
    assert (
        reason_words("trigger: missed INJ-003 by kgz-mod") == "trigger: missed INJ-003 by kgz-mod"
    )
    assert reason_words("manual") == "manual"


def _mini() -> Session:
    scn = load_scenario(FIXTURES / "mini" / "scenarios" / "mini.yaml")
    session = Session(MemoryJournal(), scn, FakeClock())
    session.execute(c.AddEvaluator(CONTROL, "ana", joincodes.hash_code("ANA1-CODE")))
    return session


#: Commands the engine refuses, each after the commands before it were recorded; the
#: refusal must be Russian (with ids and quoted values left as they are).
REFUSED: list[tuple[c.Command, list[c.Command]]] = [
    (c.Release(CONTROL, "INJ-001"), []),  # not started
    (c.Release("kgz-mod", "INJ-001"), []),  # not control
    (c.Hold(CONTROL, "INJ-001"), [c.Start(CONTROL), c.Release(CONTROL, "INJ-001")]),
    (c.Unhold(CONTROL, "INJ-002"), []),
    (c.Skip(CONTROL, "INJ-001"), []),
    (c.Release(CONTROL, "INJ-001"), []),
    (c.SubmitMove("kgz-mod", "kgz-mod", "warn", "a\x1bb", ("uzb-mod",)), []),
    (c.SendMessage("kgz-mod", "kgz-mod", ("uzb-mod",), "x\u202ey"), []),
    (c.AskRfi("kgz-mod", "kgz-mod", "   "), []),
    (c.SubmitMove(c.evaluator_actor("ana"), "kgz-mod", "warn", "x", ("uzb-mod",)), []),
    (c.AddEvaluator(CONTROL, "аna"), []),  # Cyrillic а in a Latin name
    (c.Adjudicate(CONTROL, 99, "accepted"), []),
    (c.Acknowledge("kgz-mod", "kgz-mod", "inject:INJ-009"), []),
    (
        c.Acknowledge("kgz-mod", "kgz-mod", "inject:INJ-001"),
        [c.Acknowledge("kgz-mod", "kgz-mod", "inject:INJ-001")],
    ),
    (c.Start(CONTROL), []),
    (c.Release(CONTROL, "INJ-002"), [c.End(CONTROL, "done")]),  # ended
]


def test_every_refusal_provoked_is_russian(russian: None) -> None:
    session = _mini()
    scenario = session.scenario
    names = {"ana", *(x.id for x in scenario.cells), *(i.id for i in scenario.msel)}
    names |= {k.id for k in scenario.move_kinds}
    seen = []
    for cmd, before in REFUSED:
        for b in before:
            session.execute(b)
        with pytest.raises(DomainError) as refused:
            session.execute(cmd)
        text = str(refused.value)
        seen.append(text)
        assert not stray_english(text, names), text
        assert refused.value.english != text  # the journal's English is kept as well
    assert any("«пропущена»" in t or "«выдана»" in t for t in seen)
    assert any("кириллица и латиница" in t for t in seen)
    assert any("управляющий символ" in t for t in seen)
    assert any("направлять ходы" in t for t in seen)
    assert "вводная INJ-001: получение уже подтверждено" in seen


def test_the_join_code_refusal_follows_the_language(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    with Session.create(
        FIXTURES / "mini" / "scenarios" / "mini.yaml", str(path), join_codes=True
    ) as session:
        refusal = session.check_join("kgz-mod", "WRNG-CODE")
        assert refusal is not None
        assert refusal.render("en") == "wrong join code for that cell"
        i18n.set_language("ru")
        assert session.record_join("kgz-mod", refusal) == "неверный код подключения для этой группы"
        last = session.journal.read()[-1]
        assert last.type == "console.refused"
        assert describe(last, session.state).text == "неверный код подключения"


def _strings(value: Any) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list | tuple):
        for v in value:
            yield from _strings(v)


def test_every_event_of_the_incursion_is_described_in_russian(tmp_path: Path) -> None:
    """The whole rehearsal of the incursion, described in Russian: headlines, details and
    summaries hold no English word but what the events carry as data."""
    from exercise.play import read_script, run_script

    steps, auto = read_script(ROOT / "rehearsals" / "insurgent-incursion.yaml")
    with Session.create(INCURSION, str(tmp_path / "ru.db")) as s:
        s.use_language("ru")
        run_script(s, steps, auto_release=auto)
        i18n.set_language("ru")
        scenario = s.scenario
        names = {x.id for x in scenario.cells} | {i.id for i in scenario.msel}
        names |= {k.id for k in scenario.move_kinds} | {o.id for o in scenario.objectives}
        bad = []
        for e in s.journal.read():
            line = describe(e, s.state)
            data = {*_strings(e.payload), *names, *s.state.evaluators, e.actor}
            for shown in (line.headline, line.detail, line.summary):
                stray = stray_english(shown, data)
                if stray:
                    bad.append(f"{e.seq} {e.type}: {shown!r} {stray}")
        assert not bad, "\n".join(bad)


def test_the_validate_summary_is_russian(russian: None) -> None:
    from exercise.scenario import summary

    scn = load_scenario(FIXTURES / "mini" / "scenarios" / "mini.yaml")
    assert summary(scn).startswith("mini: групп — 4, вводных — 4, целей — 1, правил — 6 (")


def test_the_clock_ratio_is_a_russian_number(russian: None) -> None:
    """``exercise log --lang ru`` and the feed: the ratio with a decimal comma; English as
    it was (``clock ratio set to 2.5``)."""
    session = _mini()
    session.execute(c.Start(CONTROL))
    session.execute(c.SetRatio(CONTROL, 2.5))
    started, changed = [e for e in session.journal.read() if e.type.startswith("clock.")][-2:]
    assert describe(started, session.state).summary.endswith("темп времени 4,0")
    assert "2,5" in describe(changed, session.state).summary
    i18n.set_language("en")
    assert describe(changed, session.state).summary.startswith("clock ratio set to 2.5")


def test_a_refused_command_reads_in_the_readers_language(russian: None) -> None:
    """``command.refused`` keeps the English reason and, beside it, the message: a Russian
    reader sees the refusal in Russian; an event without it (sessions recorded before), or
    with one this language cannot say, reads in the English recorded."""
    session = _mini()
    with pytest.raises(DomainError) as refused:
        session.execute(c.RateTask(c.evaluator_actor("ana"), "T-none", "P"))
    recorded = session.journal.read()[-1]
    assert recorded.type == "command.refused"
    assert recorded.payload["reason"] == "unknown critical task 'T-none'"
    assert recorded.payload["message"]  # the msgid and its values, as JSON
    russian_words = str(refused.value)
    assert russian_words == "неизвестная критическая задача 'T-none'"
    assert describe(recorded, session.state).text == russian_words
    assert russian_words in describe(recorded, session.state).summary
    i18n.set_language("en")
    assert describe(recorded, session.state).text == "unknown critical task 'T-none'"
    i18n.set_language("ru")

    def said(payload: dict[str, Any]) -> str:
        event = attrs.evolve(recorded, payload=payload, data=None)
        return describe(event, session.state).text

    old = {"command": "RateTask", "reason": "unknown critical task 'T-none'"}
    assert said(old) == "unknown critical task 'T-none'"
    for stored in (
        "{not json",
        '["a list"]',
        '{"id": "a msgid no catalogue has"}',
        '{"id": "unknown critical task {task}"}',  # a placeholder without its value
        '{"id": "unknown critical task {task}", "params": {"task": {"x": 1}}}',
        '{"id": "unknown critical task {task}", "params": {"task": {"num": 1, "spec": "%s"}}}',
    ):
        assert said({**old, "message": stored}) == old["reason"], stored
