"""Bilingual scenarios: translation files beside the scenario's files, keyed by ids."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import attrs
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from exercise.model import Scenario
from exercise.scenario import Problem, ScenarioError, load_scenario
from exercise.scenario.dump import scenario_text, translation_text
from exercise.scenario.translations import localized, text_keys

from ..conftest import ROOT
from .test_loader_properties import SETTINGS, scenarios

INCURSION = ROOT / "scenarios" / "insurgent-incursion.yaml"
CYRILLIC = re.compile("[а-яё]", re.IGNORECASE)


def _write(folder: Path, scn: Scenario, name: str) -> Path:
    files = scenario_text(scn, f"../injects/{name}.yaml", f"../rules/{name}.yaml")
    for sub, kind in (("scenarios", "scenario"), ("injects", "injects"), ("rules", "rules")):
        (folder / sub).mkdir(parents=True, exist_ok=True)
        (folder / sub / f"{name}.yaml").write_text(files[kind], encoding="utf-8")
    for lang, texts in translation_text(scn).items():
        for kind, text in texts.items():
            sub = "scenarios" if kind == "scenario" else kind
            (folder / sub / f"{name}.{lang}.yaml").write_text(text, encoding="utf-8")
    return folder / "scenarios" / f"{name}.yaml"


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "exercise.cli.main", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
    )


# --------------------------------------------------------------------------- shipped


def test_incursion_is_entirely_in_russian() -> None:
    scn = load_scenario(INCURSION, require_lang=["ru"])
    assert scn.language == "en" and scn.languages == ("en", "ru")
    ru = localized(scn, "ru")
    for key, text in text_keys(ru):
        if text.strip():
            assert CYRILLIC.search(text), f"{key} is not in Russian: {text[:60]!r}"
    # only words change: ids, times, addressees and rules stay the same
    assert [i.id for i in ru.msel] == [i.id for i in scn.msel]
    assert [(i.time, i.trigger, i.to) for i in ru.msel] == [
        (i.time, i.trigger, i.to) for i in scn.msel
    ]
    assert [e.within for i in ru.msel for e in i.expects] == [
        e.within for i in scn.msel for e in i.expects
    ]
    assert "Баткен" in ru.title and "Сох" in ru.briefing and "Ворух" in ru.briefing
    assert ru.inject("INC-001").body.startswith("**МОЛНИЯ.**")
    assert localized(scn, "en") is scn
    assert localized(scn, "de") is scn  # no such translation: the scenario's own text


def test_incursion_cells_have_their_languages() -> None:
    scn = load_scenario(INCURSION)
    assert scn.cell_language("kgz-mod") == "ru"
    assert scn.cell_language("border-guards") == "ru"
    assert scn.cell_language("centcom-rgs") == "en"
    assert scn.cell_language("unhcr") == "en"


def test_incursion_round_trips_with_its_translations(tmp_path: Path) -> None:
    scn = load_scenario(INCURSION)
    again = load_scenario(_write(tmp_path, scn, "insurgent-incursion"), require_lang=["ru"])
    assert again == scn
    assert again.translations == scn.translations


@SETTINGS
@given(scenarios(), st.data())
def test_generated_translations_round_trip(
    tmp_path: Path, scn: Scenario, data: st.DataObject
) -> None:
    assume(all(m.start < scn.duration for m in scn.modules))
    keys = [k for k, text in text_keys(scn)]
    chosen = data.draw(st.lists(st.sampled_from(keys), unique=True) if keys else st.just([]))
    words = st.text(alphabet="абвгдеёжзий клмн,.«»—", min_size=1, max_size=30).filter(str.strip)
    ru = {k: data.draw(words) for k in chosen}
    players = data.draw(st.lists(st.sampled_from([c.id for c in scn.cells]), unique=True))
    cells = tuple(attrs.evolve(c, language="ru") if c.id in players else c for c in scn.cells)
    scn = attrs.evolve(scn, cells=cells, translations={"ru": ru} if ru else {})
    folder = tmp_path / f"t{abs(hash((tuple(chosen), tuple(players))))}"
    loaded = load_scenario(_write(folder, scn, "generated"))
    assert loaded == scn
    assert localized(loaded, "ru") == localized(scn, "ru")


# --------------------------------------------------------------------------- checks


RU_SCENARIO = """\
language: ru
played_by: [kgz-mod]
title: Учение на границе
cells:
  kgz-mod: {name: Министерство обороны Кыргызской Республики, members: [дежурный, J3]}
"""


def test_missing_translations_are_warnings_then_errors(mini: Path) -> None:
    (mini / "scenarios" / "mini.ru.yaml").write_text(RU_SCENARIO, encoding="utf-8")
    warnings: list[Problem] = []
    scn = load_scenario(mini / "scenarios" / "mini.yaml", warnings=warnings)
    assert localized(scn, "ru").title == "Учение на границе"
    assert localized(scn, "ru").inject("INJ-001").title == "Armed group crosses near Zardaly"
    where = {(w.file, w.message) for w in warnings}
    assert ("scenarios/mini.yaml", "no 'ru' translation of the scenario's summary") in where
    assert ("injects/mini.yaml", "no 'ru' translation of inject 'INJ-001' body") in where

    res = run("validate", "scenarios/mini.yaml", cwd=mini)
    assert res.returncode == 0, res.stderr
    assert "scenarios/mini.yaml:4:10: no 'ru' translation of the scenario's summary" in res.stderr
    assert "(warning)" in res.stderr

    res = run("validate", "--require-lang", "ru", "scenarios/mini.yaml", cwd=mini)
    assert res.returncode == 1
    assert "Traceback" not in res.stderr
    line = next(x for x in res.stderr.splitlines() if "'INJ-001' body" in x)
    assert re.match(
        r"injects/mini\.yaml:\d+:\d+: no 'ru' translation of inject 'INJ-001' body", line
    )
    assert "injects/mini.ru.yaml" in line  # the hint names the file to add it to


def test_a_cell_playing_in_a_language_without_translation_gets_warnings(mini: Path, edit) -> None:
    edit(
        "scenarios/mini.yaml",
        "    side: green\n    members",
        "    side: green\n    language: ru\n    members",
    )
    warnings: list[Problem] = []
    scn = load_scenario(mini / "scenarios" / "mini.yaml", warnings=warnings)
    assert scn.cell_language("kgz-mod") == "ru"
    assert any("no 'ru' translation of the scenario's title" in w.message for w in warnings)


@pytest.mark.parametrize(
    ("file", "text", "line", "message"),
    [
        ("injects/mini.ru.yaml", "language: ru\ninjects:\n  INJ-999: {title: Т}\n", 3,
         "unknown inject 'INJ-999'"),
        ("injects/mini.ru.yaml", "language: ru\ninjects:\n  INJ-001:\n    questions: [а, б]\n", 4,
         "2 items here, 1 in the source"),
        ("injects/mini.ru.yaml", "language: ru\ninjects:\n  INJ-001:\n    channel: радио\n", 4,
         "'channel' is not translated here"),
        ("injects/mini.ru.yaml", "language: kk\ninjects: {}\n", 1,
         "language 'kk' does not match the file name ('ru')"),
        ("scenarios/mini.ru.yaml", "language: ru\nplayed_by: [nobody]\n", 2,
         "unknown cell 'nobody'"),
        ("scenarios/mini.ru.yaml", "language: ru\ntitle: [a]\n", 2, "a translation must be text"),
        ("scenarios/mini.ru.yaml", "language: ru\nsubtitle: x\n", 2, "unknown key 'subtitle'"),
    ],
)  # fmt: skip
def test_bad_translation_files_are_pinned(
    mini: Path, file: str, text: str, line: int, message: str
) -> None:
    (mini / file).write_text(text, encoding="utf-8")
    with pytest.raises(ScenarioError) as info:
        load_scenario(mini / "scenarios" / "mini.yaml")
    found = [(p.file, p.line, p.message) for p in info.value.problems]
    assert (file, line, message) in found, found


def test_translation_files_are_not_scenarios(mini: Path) -> None:
    (mini / "scenarios" / "mini.ru.yaml").write_text(RU_SCENARIO, encoding="utf-8")
    res = run("validate", ".", cwd=mini)
    assert res.returncode == 0, res.stderr
    assert res.stdout.splitlines() == [res.stdout.splitlines()[0]]
    assert res.stdout.startswith("ok scenarios/mini.yaml:")
    assert not any(x.startswith("scenarios/mini.ru.yaml") for x in res.stderr.splitlines())


def test_shipped_scenarios_validate_with_russian_required() -> None:
    res = run("validate", "--require-lang", "ru", "scenarios/insurgent-incursion.yaml", cwd=ROOT)
    assert res.returncode == 0, res.stderr
    assert res.stderr == ""


def test_only_words_change_a_russian_session_plays_the_same(tmp_path: Path) -> None:
    """The whole rehearsal played on the scenario in English and in Russian: the same
    events, the same payloads, the same scores; only what is shown differs."""
    from exercise.engine.view import view
    from exercise.play import read_script, run_script
    from exercise.scoring import score
    from exercise.session import Session

    steps, auto = read_script(ROOT / "rehearsals" / "insurgent-incursion.yaml")
    journals, scores = [], []
    for lang in ("en", "ru"):
        with Session.create(INCURSION, str(tmp_path / f"{lang}.db")) as s:
            s.use_language(lang)
            run_script(s, steps, auto_release=auto)
            journals.append([(e.type, e.actor, e.game_ms, e.payload) for e in s.journal.read()])
            scores.append(score(s.scenario, s.journal.read()).objectives)
            first = view(s.state, "kgz-mod").injects[0]
            assert first.id == "INC-001"
            shown = "Вооружённая группа в верховьях" if lang == "ru" else "Armed group in the upper"
            assert first.title.startswith(shown)
    assert journals[0] == journals[1]
    assert [(o.id, o.points, o.rating) for o in scores[0]] == [
        (o.id, o.points, o.rating) for o in scores[1]
    ]


# --------------------------------------------------------------------------- staleness


def _digest_of(scn: Scenario, entry: tuple[str, ...]) -> str:
    from exercise.scenario.translations import digests

    return digests(text_keys(scn))[entry]


def test_a_translation_older_than_the_english_is_reported(mini: Path, edit) -> None:
    scn = load_scenario(mini / "scenarios" / "mini.yaml")
    was = _digest_of(scn, ("injects", "INJ-001"))
    (mini / "injects" / "mini.ru.yaml").write_text(
        f'language: ru\ninjects:\n  INJ-001:\n    source: "{was}"\n'
        "    title: Вооружённая группа у Зардалы\n",
        encoding="utf-8",
    )
    warnings: list[Problem] = []
    load_scenario(mini / "scenarios" / "mini.yaml", warnings=warnings)
    assert not [w for w in warnings if "older" in w.message]  # current: nothing to say

    edit("injects/mini.yaml", "crossed the border at 05:10", "crossed the border at 05:40")
    now = _digest_of(load_scenario(mini / "scenarios" / "mini.yaml"), ("injects", "INJ-001"))
    assert now != was
    warnings = []
    load_scenario(mini / "scenarios" / "mini.yaml", warnings=warnings)
    (stale,) = [w for w in warnings if "older" in w.message]
    assert (stale.file, stale.line) == ("injects/mini.ru.yaml", 4)
    assert stale.message == (
        f"translation of inject 'INJ-001' is older than the English: it translates the text "
        f"with digest {was}, the English's is now {now}"
    )
    res = run("validate", "scenarios/mini.yaml", cwd=mini)
    assert res.returncode == 0
    assert "translation of inject 'INJ-001' is older than the English" in res.stderr
    assert "(warning)" in res.stderr
    res = run("validate", "--require-lang", "ru", "scenarios/mini.yaml", cwd=mini)
    assert res.returncode == 1 and "Traceback" not in res.stderr
    line = next(x for x in res.stderr.splitlines() if "older than the English" in x)
    assert line.startswith("injects/mini.ru.yaml:4:13: translation of inject 'INJ-001'")
    assert f"write 'source: {now}'" in line


def test_an_entry_without_a_digest_is_an_error_only_when_required(mini: Path) -> None:
    (mini / "injects" / "mini.ru.yaml").write_text(
        "language: ru\ninjects:\n  INJ-001:\n    title: Вооружённая группа у Зардалы\n",
        encoding="utf-8",
    )
    warnings: list[Problem] = []
    load_scenario(mini / "scenarios" / "mini.yaml", warnings=warnings)
    assert not [w for w in warnings if "does not say" in w.message]
    with pytest.raises(ScenarioError) as info:
        load_scenario(mini / "scenarios" / "mini.yaml", require_lang=["ru"])
    assert any(
        p.message == "the 'ru' translation of inject 'INJ-001' does not say which text of the "
        "source it translates"
        for p in info.value.problems
    )


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("12345678", "the digest was read as a number"),
        ('"xyz"', "'source' is the digest of the text translated: 8 hexadecimal digits"),
    ],
)
def test_bad_digests_are_pinned(mini: Path, value: str, message: str) -> None:
    (mini / "injects" / "mini.ru.yaml").write_text(
        f"language: ru\ninjects:\n  INJ-001:\n    source: {value}\n    title: Т\n",
        encoding="utf-8",
    )
    with pytest.raises(ScenarioError) as info:
        load_scenario(mini / "scenarios" / "mini.yaml")
    found = [(p.file, p.line, p.message) for p in info.value.problems]
    assert ("injects/mini.ru.yaml", 4, message) in found, found


def test_written_translations_record_the_current_digests(tmp_path: Path) -> None:
    scn = load_scenario(INCURSION)
    folder = _write(tmp_path, scn, "insurgent-incursion")
    text = (tmp_path / "rules" / "insurgent-incursion.ru.yaml").read_text(encoding="utf-8")
    assert f"source: {_digest_of(scn, ('rules', 'report-strike'))}" in text.replace('"', "")
    warnings: list[Problem] = []
    load_scenario(folder, require_lang=["ru"], warnings=warnings)
    assert warnings == []
