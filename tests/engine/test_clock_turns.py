"""When the game clock shown in the consoles turns to its next minute (a player's console
looks at the clock then, not every second)."""

from __future__ import annotations

from datetime import datetime

import attrs
from hypothesis import given
from hypothesis import strategies as st

from exercise.engine.clock import Clock
from exercise.engine.describe import game_clock, next_minute
from exercise.model import Scenario


@given(
    start=st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1)),
    ratio=st.sampled_from([0.5, 1.0, 2.0, 10.0, 60.0]),
    anchor_game=st.integers(0, 10 * 86_400_000),
    elapsed_us=st.integers(0, 3_600_000_000),
)
def test_the_clock_shows_the_same_minute_until_the_turn_and_the_next_one_after(
    mini_scenario: Scenario, start: datetime, ratio: float, anchor_game: int, elapsed_us: int
) -> None:
    scenario = attrs.evolve(mini_scenario, start=start)
    clock = Clock(running=True, ratio=ratio, anchor_wall_us=1_000_000, anchor_game_ms=anchor_game)
    now = 1_000_000 + elapsed_us
    wait = next_minute(scenario, clock, now)
    assert wait is not None and 0 < wait <= 60 / ratio + 0.002
    turn = now + int(wait * 1e6)
    shown = game_clock(scenario, clock.game_ms(now))
    assert game_clock(scenario, clock.game_ms(turn - 2_000)) == shown or wait < 0.003
    assert game_clock(scenario, clock.game_ms(turn)) != shown


def test_a_standing_clock_never_turns(mini_scenario: Scenario) -> None:
    assert next_minute(mini_scenario, Clock(running=False), 5_000_000) is None
