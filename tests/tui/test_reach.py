"""Every command the engine offers has a way in from a console, bound to a real key.

A new command fails here until a console registers it with ``way_in(command, console,
action)`` (see ``exercise.tui.reach``) and binds the action to a key."""

from __future__ import annotations

import re
from typing import Any

import pytest
from textual.binding import Binding
from textual.screen import Screen

from exercise.engine import commands as c
from exercise.tui import app as facilitator_app
from exercise.tui import evaluator, hotwash, leadview, player
from exercise.tui.facilitator import FacilitatorScreen
from exercise.tui.reach import CONTROL_CONSOLE, EVALUATOR_CONSOLE, PLAYER_CONSOLE, WAYS

SCREENS: dict[str, tuple[type[Screen[Any]], ...]] = {
    CONTROL_CONSOLE: (FacilitatorScreen, hotwash.HotWashScreen, leadview.LeadScreen),
    PLAYER_CONSOLE: (player.PlayerScreen, player.LobbyScreen),
    EVALUATOR_CONSOLE: (evaluator.EEGScreen,),
}
APPS = {
    CONTROL_CONSOLE: facilitator_app.FacilitatorApp,
    PLAYER_CONSOLE: player.PlayerApp,
    EVALUATOR_CONSOLE: evaluator.EvaluatorApp,
}


def engine_commands() -> list[type]:
    """Every command class the engine defines (not only those listed in ANY_COMMAND)."""
    found = {
        value
        for value in vars(c).values()
        if isinstance(value, type) and issubclass(value, c.Command) and value is not c.Command
    }
    return sorted(found | set(c.ANY_COMMAND), key=lambda t: t.__name__)


def bound_actions(console: str) -> set[str]:
    actions = set()
    for screen in SCREENS[console]:
        for binding in screen.BINDINGS:
            assert isinstance(binding, Binding)
            actions.add(binding.action.removeprefix("app."))
    return actions


@pytest.mark.parametrize("command", engine_commands(), ids=lambda t: t.__name__)
def test_every_engine_command_has_a_way_in_from_a_console(command: type) -> None:
    ways = WAYS.get(command)
    assert ways, (
        f"{command.__name__} cannot be issued from any console: bind a key to it and "
        f"register it with way_in({command.__name__}, console, action) in exercise.tui"
    )
    for way in ways:
        if way.action == "lobby":  # the join form: the Join button and Enter in the code
            assert hasattr(player.LobbyScreen, "join")
            continue
        assert way.action in bound_actions(way.console), (
            f"{command.__name__}: action {way.action!r} is bound to no key of the "
            f"{way.console} console"
        )
        call = re.fullmatch(r"(\w+)\('(\w+)'\)", way.action)
        app = APPS[way.console]
        if call and call.group(1) == "act":
            assert callable(getattr(app, call.group(2), None)), way
        else:
            name = f"action_{call.group(1) if call else way.action}"
            assert any(
                callable(getattr(owner, name, None)) for owner in (app, *SCREENS[way.console])
            ), way


def test_the_registry_notices_a_command_nobody_bound() -> None:
    class Unreachable(c.Command):
        pass

    assert Unreachable not in WAYS
