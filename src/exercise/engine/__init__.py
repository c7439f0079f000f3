"""The exercise engine: commands in, events out, state folded from events.

``decide(state, command, now_us)`` validates a command and returns the events that
record it (or raises :class:`DomainError`); ``apply``/``fold`` turn events into
:class:`State`; ``view(state, cell)`` is what one cell may see; ``due`` lists the
injects whose time has come.
"""

from exercise.engine import commands, events
from exercise.engine.clock import Clock
from exercise.engine.commands import CONTROL
from exercise.engine.decide import (
    DomainError,
    decide,
    due,
    due_modules,
    is_control,
    release_times,
    roll_2d6,
)
from exercise.engine.state import State, apply, fold
from exercise.engine.view import CellView, view

__all__ = [
    "CONTROL",
    "CellView",
    "Clock",
    "DomainError",
    "State",
    "apply",
    "commands",
    "decide",
    "due",
    "due_modules",
    "events",
    "fold",
    "is_control",
    "release_times",
    "roll_2d6",
    "view",
]
