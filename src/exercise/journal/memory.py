"""An in-memory journal (one process): for tests, replays and dry runs.

Same contract as the SQLite journal, including the hash chain and the JSON round trip
of payloads, so what works here works there."""

from __future__ import annotations

import json
import threading
from collections.abc import Mapping, Sequence

from exercise.journal.base import (
    FORMAT_NAME,
    SCHEMA_VERSION,
    Conflict,
    Event,
    NewEvent,
    canonical_json,
    chain,
    check_new_event,
    genesis_of,
)


class MemoryJournal:
    def __init__(self, meta: Mapping[str, str] | None = None) -> None:
        self._meta = {
            **(meta or {}),
            "format": FORMAT_NAME,
            "schema_version": str(SCHEMA_VERSION),
        }
        self._events: list[Event] = []
        self._cond = threading.Condition()

    @property
    def address(self) -> str:
        return ":memory:"

    def meta(self) -> dict[str, str]:
        return dict(self._meta)

    def head(self) -> tuple[int, str]:
        with self._cond:
            if not self._events:
                return 0, genesis_of(self._meta)
            return self._events[-1].seq, self._events[-1].hash

    def append(self, events: Sequence[NewEvent], *, expect_head: int | None = None) -> list[Event]:
        for new in events:
            check_new_event(new)
        with self._cond:
            seq, prev = self.head()
            if expect_head is not None and expect_head != seq:
                raise Conflict(f"expected event {expect_head} to be the last, but event {seq} is")
            out = []
            for new in events:
                payload = json.loads(canonical_json(new.payload))
                stored = NewEvent(new.type, new.actor, new.wall_us, new.game_ms, payload, new.data)
                seq += 1
                event = chain(seq, stored, prev)
                prev = event.hash
                out.append(event)
            self._events.extend(out)
            self._cond.notify_all()
            return list(out)

    def read(self, after: int = 0, limit: int | None = None) -> list[Event]:
        with self._cond:
            tail = self._events[after:]
        return tail if limit is None else tail[:limit]

    def wait(self, after: int, timeout: float) -> list[Event]:
        with self._cond:
            self._cond.wait_for(lambda: len(self._events) > after, timeout)
            return self._events[after:]

    def close(self) -> None:
        pass
