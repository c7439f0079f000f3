"""Awards: points given or taken by a rule, each with its explanation."""

from __future__ import annotations

from datetime import timedelta

import attrs

PENDING = "pending"  # the outcome can still change (a window is open)
FINAL = "final"


@attrs.frozen
class Award:
    """Points a rule gave (or took, when negative) for one occurrence.

    ``key`` identifies the occurrence within the rule (an inject, a move's seq, a pair);
    ``events`` are the journal seqs the award rests on; ``cells`` share the points
    evenly; ``pair`` is the (from, to) liaison pair when the award is about one."""

    rule: str
    kind: str
    objective: str
    key: str
    cells: tuple[str, ...]
    points: float
    max_points: float
    events: tuple[int, ...]
    explanation: str
    status: str = FINAL
    pair: tuple[str, str] | None = None
    latency_ms: int | None = None


def minutes(ms: int | float) -> str:
    """A game duration in words: ``48 min``, ``2 h 05 min``."""
    total = round(ms / 60_000, 1)
    if total < 60:
        return f"{total:g} min"
    h, m = divmod(round(total), 60)
    return f"{h} h {m:02d} min"


def window(delta: timedelta) -> str:
    return minutes(delta.total_seconds() * 1000)


def pts(value: float) -> str:
    """Points as written in explanations: ``10``, ``2.5``, ``1.67``."""
    return f"{round(value, 2):g}"


def timely(share: float, latency_ms: int, within_ms: int, decay_ms: int) -> tuple[float, str]:
    """Points for something done ``latency_ms`` after it became due: all of ``share``
    within the window, then decaying linearly to nothing over ``decay_ms``."""
    if latency_ms <= within_ms:
        return share, f"{pts(share)}/{pts(share)}"
    late = latency_ms - within_ms
    if late >= decay_ms:
        return (
            0.0,
            f"0/{pts(share)} (late by {minutes(late)}, beyond the {minutes(decay_ms)} grace)",
        )
    earned = share * (1 - late / decay_ms)
    return earned, (
        f"{pts(earned)}/{pts(share)} = {pts(share)} × (1 − {minutes(late)} late / "
        f"{minutes(decay_ms)} grace)"
    )
