"""The consoles in Russian and English, the switch between them, NO_COLOR and the
high-contrast theme (accept snapshot changes with --snapshot-update)."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from rich.style import Style
from textual._compositor import LayoutUpdate
from textual.app import App
from textual.widgets import DataTable, Static, TabbedContent

from exercise import i18n, joincodes
from exercise.engine import CONTROL
from exercise.engine import commands as c
from exercise.session import Session
from exercise.tui.app import FacilitatorApp, make_app
from exercise.tui.player import PlayerApp, PlayerScreen

from ..conftest import FIXTURES, FakeClock
from .test_snapshots import rehearse, settled

#: A Russian translation of the mini scenario, as its author would write it beside it.
SCENARIO_RU = """\
language: ru
played_by: [kgz-mod]
title: Учение «Граница» (малое)
summary: Два министерства и группа связи отражают рейд через границу.
briefing: |
  **Обстановка.** Ночью границу перешла вооружённая группа боевиков.
cells:
  white: {name: Руководство учением, role: Ведёт время учения и принимает решения}
  kgz-mod: {name: Министерство обороны Кыргызской Республики, members: [оперативный дежурный, J3]}
  uzb-mod: {name: Министерство обороны Республики Узбекистан}
  liaison: {name: Группа связи ЦЕНТКОМ — Генеральный штаб ВС России}
objectives:
  OBJ-1:
    title: Предупредить соседей о вторжении через границу в течение часа
    capability: Оперативная координация
    targets: [Предупреждение направлено в течение 60 минут]
move_kinds:
  warn: {title: Предупредить другую группу}
  strike: {title: Авиационный или артиллерийский удар}
  close-border: {title: Закрыть пункт пропуска}
modules:
  M1: {title: Рейд, questions: [Кто кого предупреждает первым?]}
"""

INJECTS_RU = """\
language: ru
injects:
  INJ-001:
    from: Пограничная застава, Баткен
    title: Вооружённая группа перешла границу у Зардалы
    body: Около 40 вооружённых человек перешли границу в 05:10.
    notes: Следить, предупредят ли кыргызские коллеги Ташкент до просьбы о помощи.
    questions: [Что вы сообщите соседям?]
    branches: [{when: Узбекская авиация наносит удар без предупреждения}]
  INJ-002: {title: Вторая группа замечена в Сурхандарье}
  INJ-003: {title: Бомбы падают на кыргызское село}
  INJ-004: {title: Заложников уводят в сторону Таджикистана}
"""


@pytest.fixture(autouse=True)
def english_afterwards() -> Iterator[None]:
    """The interface language is the process's: every test leaves it in English."""
    yield
    i18n.set_language("en")


def bilingual_session(tmp_path: Path, clock: FakeClock) -> tuple[Session, dict[str, str]]:
    """The mini scenario with its Russian translation beside it, a few minutes played."""
    root = tmp_path / "mini"
    shutil.copytree(FIXTURES / "mini", root)
    (root / "scenarios" / "mini.ru.yaml").write_text(SCENARIO_RU, encoding="utf-8")
    (root / "injects" / "mini.ru.yaml").write_text(INJECTS_RU, encoding="utf-8")
    address = str(tmp_path / "s.db")
    session = Session.create(root / "scenarios" / "mini.yaml", address, clock, join_codes=True)
    rehearse(session, clock)
    return session, json.loads(Path(address + ".codes").read_text())


def russian_control(session: Session, **kwargs: Any) -> FacilitatorApp:
    """Control's console as ``exercise --lang ru run`` opens it."""
    i18n.set_language("ru")
    session.use_language("ru")
    app = make_app(session, follow=False, tick=None, seed=lambda: 42, **kwargs)
    assert isinstance(app, FacilitatorApp)
    return app


def player(session: Session, codes: dict[str, str], cell: str, **kwargs: Any) -> PlayerApp:
    app = make_app(
        session, role="player", cell=cell, code=codes[cell], follow=False, tick=None, **kwargs
    )
    assert isinstance(app, PlayerApp)
    return app


# ------------------------------------------------------------------ snapshots


@pytest.mark.parametrize("size", [(80, 24), (160, 48)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_control_in_russian(
    snap_compare: Any, tmp_path: Path, clock: FakeClock, size: tuple[int, int]
) -> None:
    session, _codes = bilingual_session(tmp_path, clock)
    assert snap_compare(russian_control(session), terminal_size=size, run_before=settled)


@pytest.mark.parametrize("size", [(80, 24), (160, 48)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_player_in_russian(
    snap_compare: Any, tmp_path: Path, clock: FakeClock, size: tuple[int, int]
) -> None:
    """kgz-mod plays in Russian (``played_by``): its console opens in Russian unasked."""
    session, codes = bilingual_session(tmp_path, clock)
    assert snap_compare(player(session, codes, "kgz-mod"), terminal_size=size, run_before=settled)


@pytest.mark.parametrize("who", ["control", "player"])
def test_help_in_russian(snap_compare: Any, tmp_path: Path, clock: FakeClock, who: str) -> None:
    session, codes = bilingual_session(tmp_path, clock)
    app: App[None] = (
        russian_control(session) if who == "control" else player(session, codes, "kgz-mod")
    )

    async def show(pilot: Any) -> None:
        await settled(pilot)
        await pilot.press("f1")
        await settled(pilot)

    assert snap_compare(app, terminal_size=(120, 40), run_before=show)


def test_high_contrast_theme(snap_compare: Any, tmp_path: Path, clock: FakeClock) -> None:
    session, codes = bilingual_session(tmp_path, clock)
    app = player(session, codes, "uzb-mod", theme="high-contrast")
    assert snap_compare(app, terminal_size=(80, 24), run_before=settled)


# ------------------------------------------------------------- pilot tests


async def test_a_cell_plays_in_its_language_and_switches_with_f2(
    tmp_path: Path, clock: FakeClock
) -> None:
    """The Russian-speaking cell's console opens in Russian (interface and scenario), F2
    shows both in English and back; what players typed is shown as typed; commands still
    reach the journal as the cell's."""
    session, codes = bilingual_session(tmp_path, clock)
    app = player(session, codes, "kgz-mod")
    async with app.run_test(size=(120, 40)) as pilot:
        await settled(pilot)
        screen = app.screen
        assert isinstance(screen, PlayerScreen)
        status = str(screen.query_one("#status", Static).render())
        assert "непрочитанных" in status and "Министерство обороны Кыргызской" in status
        inbox = screen.query_one("#inbox-table", DataTable)
        rows = [str(inbox.get_row_at(n)[4]) for n in range(inbox.row_count)]
        assert "Вооружённая группа перешла границу у Зардалы" in rows
        assert "[bold]Received[/] — jets on standby" in rows  # a player's words, as typed
        tabs = screen.query_one("#tabs", TabbedContent)
        assert tabs.get_tab("inbox").label.plain == "Входящие"

        await pilot.press("f2")
        await settled(pilot)
        screen = app.screen
        assert isinstance(screen, PlayerScreen) and i18n.language() == "en"
        assert "unread" in str(screen.query_one("#status", Static).render())
        inbox = screen.query_one("#inbox-table", DataTable)
        rows = [str(inbox.get_row_at(n)[4]) for n in range(inbox.row_count)]
        assert "Armed group crosses near Zardaly" in rows
        assert "[bold]Received[/] — jets on standby" in rows

        seq = session.state.seq
        inbox.move_cursor(row=rows.index("Armed group crosses near Zardaly"))
        await pilot.press("a")
        await settled(pilot)
        (event,) = session.journal.read(after=seq)
        assert (event.type, event.actor) == ("item.acknowledged", "kgz-mod")

        await pilot.press("f2")
        await settled(pilot)
        assert i18n.language() == "ru"
        status = str(app.screen.query_one("#status", Static).render())
        assert "непрочитанных" in status


async def test_cells_of_one_session_play_in_two_languages(tmp_path: Path, clock: FakeClock) -> None:
    """uzb-mod plays in English in the same session (its language is the scenario's)."""
    session, codes = bilingual_session(tmp_path, clock)
    app = player(session, codes, "uzb-mod")
    async with app.run_test(size=(120, 40)) as pilot:
        await settled(pilot)
        assert i18n.language() == "en"
        status = str(app.screen.query_one("#status", Static).render())
        assert "unread" in status and "Uzbek Ministry of Defence" in status


async def test_lang_asked_for_beats_the_cells_language(tmp_path: Path, clock: FakeClock) -> None:
    session, codes = bilingual_session(tmp_path, clock)
    app = player(session, codes, "kgz-mod", lang="en")
    async with app.run_test(size=(120, 40)) as pilot:
        await settled(pilot)
        status = str(app.screen.query_one("#status", Static).render())
        assert "unread" in status and "Kyrgyz Ministry of Defence" in status


async def test_control_switches_language_without_losing_the_feed(
    tmp_path: Path, clock: FakeClock
) -> None:
    session, _codes = bilingual_session(tmp_path, clock)
    app = russian_control(session)
    async with app.run_test(size=(160, 48)) as pilot:
        await settled(pilot)
        feed = app.screen.query_one("#feed-table", DataTable)
        before = feed.row_count
        assert before > 0
        assert "ИДЁТ" in str(app.screen.query_one("#status", Static).render())
        await pilot.press("f2")
        await settled(pilot)
        feed = app.screen.query_one("#feed-table", DataTable)
        assert feed.row_count == before  # the whole history, drawn once
        assert "RUNNING" in str(app.screen.query_one("#status", Static).render())
        seq = session.state.seq
        await pilot.press("space")  # and the console still commands the exercise
        await settled(pilot)
        (event,) = session.journal.read(after=seq)
        assert (event.type, event.actor) == ("clock.paused", CONTROL)


# --------------------------------------------------------- colour and contrast


def _colours(app: App[Any]) -> set[tuple[int, int, int]]:
    """Every foreground and background colour on the screen as drawn (after the app's
    filters, which is where NO_COLOR acts)."""
    update = app.screen._compositor.render_update(full=True)
    assert isinstance(update, LayoutUpdate)
    found: set[tuple[int, int, int]] = set()
    for line in update.strips:
        for strip in line:
            for segment in strip:
                style = segment.style or Style()
                for colour in (style.color, style.bgcolor):
                    if colour is not None and colour.triplet is not None:
                        r, g, b = colour.triplet
                        found.add((r, g, b))
    return found


def _coloured(colours: set[tuple[int, int, int]]) -> set[tuple[int, int, int]]:
    return {(r, g, b) for r, g, b in colours if not r == g == b}


async def test_no_color_draws_in_grey_and_says_everything_in_words(
    tmp_path: Path, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With NO_COLOR nothing on the screen is coloured, and what colour would have told
    (the next inject, released/held, a rating conflict, who is not joined, failed joins)
    is there in words or symbols."""
    session, _codes = bilingual_session(tmp_path, clock)
    session.execute(c.RefuseJoin("console", "liaison"))
    session.use_language("en")

    plain_app = make_app(session, follow=False, tick=None)
    async with plain_app.run_test(size=(160, 48)) as pilot:
        await settled(pilot)
        assert _coloured(_colours(plain_app)), "the test must see colour when it is allowed"

    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app(session, follow=False, tick=None)
    async with app.run_test(size=(160, 48)) as pilot:
        await settled(pilot)
        assert app.no_color
        assert not _coloured(_colours(app))
        msel = app.screen.query_one("#msel", DataTable)
        cells = [[str(x) for x in msel.get_row_at(n)] for n in range(msel.row_count)]
        assert any(row[0] == "▶" for row in cells)  # the next due inject: a mark
        assert {row[3] for row in cells} >= {"released", "pending"}  # status in words
        await pilot.press("2")
        await settled(pilot)
        table = app.screen.query_one("#cells-table", DataTable)
        online = {str(table.get_row_at(n)[0]): str(table.get_row_at(n)[1])
                  for n in range(table.row_count)}  # fmt: skip
        assert online["liaison"].startswith("○ not joined") and "!1" in online["liaison"]


async def test_high_contrast_from_the_option_and_from_f3(tmp_path: Path, clock: FakeClock) -> None:
    session, codes = bilingual_session(tmp_path, clock)
    app = player(session, codes, "uzb-mod", theme="high-contrast")
    async with app.run_test(size=(120, 40)) as pilot:
        await settled(pilot)
        assert app.theme == "high-contrast"
        assert (0, 0, 0) in _colours(app) and (255, 255, 255) in _colours(app)
        await pilot.press("f3")
        await pilot.pause()
        assert app.theme == "textual-dark"
        await pilot.press("f3")
        await pilot.pause()
        assert app.theme == "high-contrast"


def test_theme_from_the_environment(
    tmp_path: Path, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    session, _codes = bilingual_session(tmp_path, clock)
    monkeypatch.setenv("EXERCISE_THEME", "high-contrast")
    assert make_app(session, follow=False, tick=None).theme == "high-contrast"


@pytest.mark.parametrize(
    "command", [["run", "s.yaml"], ["join", "s.db"], ["replay", "s.db"], ["serve", "s.db"]]
)
def test_theme_option_of_the_consoles(command: list[str]) -> None:
    from exercise.cli.main import build_parser

    args = build_parser().parse_args([*command, "--theme", "high-contrast"])
    assert args.theme == "high-contrast"
    with pytest.raises(SystemExit):
        build_parser().parse_args([*command, "--theme", "pink"])


async def test_replay_takes_the_theme_and_f3(
    tmp_path: Path, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    from exercise.tui.replay import ReplayApp

    session, _codes = bilingual_session(tmp_path, clock)
    events = session.journal.read()
    app = ReplayApp(session.scenario, events, theme="high-contrast")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert app.theme == "high-contrast"
        assert (0, 0, 0) in _colours(app) and (255, 255, 255) in _colours(app)
        await pilot.press("f3")
        await pilot.pause()
        assert app.theme == "textual-dark"
    monkeypatch.setenv("EXERCISE_THEME", "high-contrast")
    assert ReplayApp(session.scenario, events).theme == "high-contrast"


def test_served_consoles_get_the_servers_theme_and_language() -> None:
    """``exercise serve --theme high-contrast --lang ru``: each console it starts runs
    ``exercise join`` with the same options; without them, none."""
    from exercise.cli.console import console_command
    from exercise.cli.main import build_parser

    args = build_parser().parse_args(["serve", "s.db", "--theme", "high-contrast", "--lang", "ru"])
    command = console_command(args)
    assert command[-6:] == ["join", "s.db", "--lang", "ru", "--theme", "high-contrast"]
    args = build_parser().parse_args(["--lang", "ru", "serve", "s.db"])
    assert console_command(args)[-3:] == ["s.db", "--lang", "ru"]
    assert console_command(build_parser().parse_args(["serve", "s.db"]))[-2:] == ["join", "s.db"]


@pytest.mark.parametrize(
    ("header", "lang"),
    [
        ("ru-RU,ru;q=0.9,en-US;q=0.8,en;q=0.7", "ru"),
        ("en-GB,en;q=0.9,ru;q=0.8", "en"),
        ("de-DE,de;q=0.9,ru;q=0.5,en;q=0.4", "ru"),
        ("en;q=0.2, ru;q=0.8", "ru"),
        ("ru;q=0", None),
        ("de, fr", None),
        ("", None),
        (None, None),
        ("ru;q=abc, en", "en"),
    ],
)
def test_a_served_lobby_speaks_the_browsers_language(header: str | None, lang: str | None) -> None:
    from exercise.serve import _ClientService, browser_language

    assert browser_language(header) == lang
    service = _ClientService(
        "true", write_bytes=None, write_str=None, close=None, download_manager=None,
        client="192.0.2.1", language=lang,
    )  # fmt: skip
    environment = service._build_environment()
    # the console's locale: the browser's language, else the server's own
    assert environment.get("LANGUAGE") == (lang or os.environ.get("LANGUAGE"))


async def test_the_engines_refusal_is_russian_on_screen_and_english_in_the_journal(
    tmp_path: Path, clock: FakeClock
) -> None:
    """Control's Russian console shows the engine's refusal of a key press in Russian; an
    evaluator's refused command is shown in Russian and recorded (``command.refused``) in
    English, the same words whatever console refused it."""
    from exercise.tui.evaluator import EvaluatorApp

    session, _codes = bilingual_session(tmp_path, clock)
    released = next(i for i, st in session.state.injects.items() if st.status == "released")
    event = session.state.injects[released].released_seq
    session.execute(c.AddEvaluator(CONTROL, "ana", joincodes.hash_code("ANA1-CODE")))
    app = russian_control(session)
    async with app.run_test(size=(120, 40)) as pilot:
        await settled(pilot)
        table = app.screen.query_one("#msel", DataTable)
        table.focus()
        table.move_cursor(row=table.get_row_index(released))
        await pilot.pause()
        seq = session.state.seq
        await pilot.press("r")  # released already: the engine refuses
        await pilot.pause()
        shown = [n.message for n in app._notifications]
        assert f"вводная {released} уже выдана (событие {event})" in shown
        assert session.state.seq == seq  # control's refusals are not recorded

    evaluator = EvaluatorApp(session, "ana", "ANA1-CODE", tick=None, wrong_code_delay=0)
    async with evaluator.run_test(size=(120, 40)) as pilot:
        await settled(pilot)
        assert i18n.language() == "ru"
        seq = session.state.seq
        refusal = evaluator.attempt(c.RateTask(c.evaluator_actor("ana"), "T-none", "P"))
        assert refusal == "неизвестная критическая задача 'T-none'"
        (recorded,) = session.journal.read(after=seq)
        assert recorded.type == "command.refused" and recorded.actor == "evaluator:ana"
        assert recorded.payload["reason"] == "unknown critical task 'T-none'"
