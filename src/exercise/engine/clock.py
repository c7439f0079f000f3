"""The exercise clock, derived from events only.

Every clock event (started, paused, resumed, ratio set, jumped, ended) re-anchors the
clock at its wall time, so any process that folds the same events computes the same
game time for the same wall time.
"""

from __future__ import annotations

import attrs


@attrs.frozen
class Clock:
    running: bool = False
    ratio: float = 1.0
    anchor_wall_us: int = 0
    anchor_game_ms: int = 0

    def game_ms(self, wall_us: int) -> int:
        """Game time (ms since the scenario start) at ``wall_us``."""
        if not self.running:
            return self.anchor_game_ms
        elapsed_us = max(0, wall_us - self.anchor_wall_us)
        return self.anchor_game_ms + int(elapsed_us * self.ratio) // 1000

    def anchored(self, wall_us: int, **changes: object) -> Clock:
        """This clock re-anchored at ``wall_us`` with ``changes`` applied."""
        now = self.game_ms(wall_us)
        return attrs.evolve(self, anchor_wall_us=wall_us, anchor_game_ms=now, **changes)  # type: ignore[arg-type]

    def wall_us_at(self, game_ms: int) -> int | None:
        """The wall time at which a running clock reaches ``game_ms`` (None if paused)."""
        if not self.running or self.ratio <= 0:
            return None
        return self.anchor_wall_us + int((game_ms - self.anchor_game_ms) * 1000 / self.ratio)
