"""Which console key reaches each engine command.

Every command the engine offers control or a cell must have a way in from a console, not
only from scripts. Each console registers its ways with one line per command::

    way_in(c.Argue, PLAYER_CONSOLE, "argue")

naming the action (a key binding's action on one of the console's screens, or ``"open"``
for Enter on a row). ``tests/tui/test_reach.py`` lists the engine's commands and fails
when one has no way in, or when a registered action is bound to no key."""

from __future__ import annotations

import attrs

CONTROL_CONSOLE = "facilitator"
PLAYER_CONSOLE = "player"
EVALUATOR_CONSOLE = "evaluator"


@attrs.frozen
class Way:
    console: str
    action: str


WAYS: dict[type, list[Way]] = {}


def way_in(command: type, console: str, action: str) -> None:
    """Record that ``action`` on ``console`` issues ``command``."""
    WAYS.setdefault(command, []).append(Way(console, action))
