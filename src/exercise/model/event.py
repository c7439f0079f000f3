"""Events: the immutable facts an exercise journal records.

A recorded :class:`Event` carries its journal ``payload`` (what is hashed and stored) and
``data``, the same payload as a typed event (:mod:`exercise.model.events`), decoded once
by the journal codec (:mod:`exercise.model.codec`). Only the journal, ``verify`` and the
transfer of sessions touch ``payload``; everything else reads ``data``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import attrs

if TYPE_CHECKING:  # the event classes and the codec load on first use: see _decoded
    from exercise.model.events import EventData


@attrs.frozen
class NewEvent:
    """An event about to be appended (no seq or hashes yet). Made by :meth:`of` from a
    typed event, or from a raw ``type`` and ``payload`` (copying or testing a journal)."""

    type: str
    actor: str
    wall_us: int  # wall-clock time, microseconds since the UNIX epoch (UTC)
    game_ms: int  # game time, milliseconds since the scenario start
    payload: Mapping[str, Any] = attrs.field(factory=dict)
    #: the typed event the payload was encoded from (None when made from a raw payload)
    data: EventData | None = attrs.field(default=None, eq=False, repr=False)

    @classmethod
    def of(cls, data: EventData, actor: str, wall_us: int, game_ms: int) -> NewEvent:
        """The event recording ``data``; its payload is the codec's encoding."""
        from exercise.model.codec import encode

        return cls(data.TYPE, actor, wall_us, game_ms, encode(data), data)


def _decoded(event: Event) -> EventData:
    # The event classes and the codec (and cattrs) are imported when the first event is
    # decoded, so that a process that only appends, copies or verifies raw journal rows
    # starts as fast as before typed events.
    from exercise.model.codec import decode

    return decode(event.type, event.payload)


@attrs.frozen
class Event:
    """An event as recorded: ``seq`` is its position (1, 2, 3 ...) in the journal;
    ``data`` is its payload as a typed event (``Unknown`` or ``Damaged`` when it is not
    one this release can read), decoded when first asked for unless given."""

    seq: int
    type: str
    actor: str
    wall_us: int
    game_ms: int
    payload: Mapping[str, Any]
    prev_hash: str
    hash: str
    _data: EventData | None = attrs.field(default=None, eq=False, repr=False)

    @property
    def data(self) -> EventData:
        """The typed event (decoded from ``payload`` once, on first use)."""
        found = self._data
        if found is None:
            found = _decoded(self)
            object.__setattr__(self, "_data", found)  # a cache: the event stays immutable
        return found
