"""Awards: points given or taken by a rule, each with its explanation.

An explanation is a :class:`~exercise.i18n.Msg` (a msgid and its values), not text: the
scorer decides no language, and whoever shows an award renders it in theirs
(:meth:`Award.explain`)."""

from __future__ import annotations

from datetime import timedelta

import attrs

from exercise.i18n import N_, Msg, Num, msg

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
    why: Msg
    status: str = FINAL
    pair: tuple[str, str] | None = None
    latency_ms: int | None = None

    @property
    def explanation(self) -> str:
        """The explanation in the interface language in use (see :meth:`explain`)."""
        return self.why.render()

    def explain(self, lang: str | None = None) -> str:
        """How the points came about, in ``lang`` (default: the interface language):
        every number of the arithmetic and the journal seqs it rests on."""
        return self.why.render(lang)


def minutes(ms: int | float) -> Msg:
    """A game duration in words: ``48 min``, ``2 h 05 min``."""
    total = round(ms / 60_000, 1)
    if total < 60:
        return msg(N_("{n} min"), n=Num(total))
    h, m = divmod(round(total), 60)
    return msg(N_("{h} h {mm} min"), h=h, mm=f"{m:02d}")


def window(delta: timedelta) -> Msg:
    return minutes(delta.total_seconds() * 1000)


def pts(value: float) -> Num:
    """Points as written in explanations: ``10``, ``2.5``, ``1.67``."""
    return Num(round(value, 2))


def timely(share: float, latency_ms: int, within_ms: int, decay_ms: int) -> tuple[float, Msg]:
    """Points for something done ``latency_ms`` after it became due: all of ``share``
    within the window, then decaying linearly to nothing over ``decay_ms``."""
    if latency_ms <= within_ms:
        return share, msg(N_("{got}/{of}"), got=pts(share), of=pts(share))
    late = latency_ms - within_ms
    if late >= decay_ms:
        return 0.0, msg(
            N_("0/{of} (late by {late}, beyond the {grace} grace)"),
            of=pts(share), late=minutes(late), grace=minutes(decay_ms),
        )  # fmt: skip
    earned = share * (1 - late / decay_ms)
    return earned, msg(
        N_("{got}/{of} = {of} × (1 − {late} late / {grace} grace)"),
        got=pts(earned), of=pts(share), late=minutes(late), grace=minutes(decay_ms),
    )  # fmt: skip
