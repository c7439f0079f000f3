"""Events: the immutable facts an exercise journal records."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs


@attrs.frozen
class NewEvent:
    """An event about to be appended (no seq or hashes yet)."""

    type: str
    actor: str
    wall_us: int  # wall-clock time, microseconds since the UNIX epoch (UTC)
    game_ms: int  # game time, milliseconds since the scenario start
    payload: Mapping[str, Any] = attrs.field(factory=dict)


@attrs.frozen
class Event:
    """An event as recorded: ``seq`` is its position (1, 2, 3 ...) in the journal."""

    seq: int
    type: str
    actor: str
    wall_us: int
    game_ms: int
    payload: Mapping[str, Any]
    prev_hash: str
    hash: str
