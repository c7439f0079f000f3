"""Check a journal's hash chain: the evidence that nobody edited the record afterwards."""

from __future__ import annotations

from typing import TYPE_CHECKING

import attrs

from exercise.journal.base import GENESIS_HASH, CorruptEvent, Journal, NewEvent, chain

if TYPE_CHECKING:
    from exercise.model.events import Damaged

#: Events read per round trip while verifying.
PAGE = 10_000


@attrs.frozen
class VerifyResult:
    """The outcome of :func:`verify`.

    ``events`` and ``head_hash`` describe the verified run of events: the whole journal when
    ``ok``, else the events before ``broken_seq``. ``reason`` says what is wrong (or
    summarises the journal when ``ok``). ``damaged`` is true when the chain is intact up to
    and including ``broken_seq`` but that event's payload does not fit its type.
    """

    ok: bool
    events: int
    head_hash: str
    broken_seq: int | None
    reason: str
    damaged: bool = False


def verify(journal: Journal) -> VerifyResult:
    """Recompute every event's hash from its stored fields and follow the chain from 1."""
    seq, prev_hash = 0, GENESIS_HASH

    def broken(at: int, reason: str, damaged: bool = False) -> VerifyResult:
        return VerifyResult(
            ok=False, events=seq, head_hash=prev_hash, broken_seq=at, reason=reason,
            damaged=damaged,
        )  # fmt: skip

    while True:
        undecodable: CorruptEvent | None = None
        try:
            page = journal.read(after=seq, limit=PAGE)
        except CorruptEvent as error:  # check the events before it, then stop there
            undecodable = error
            page = journal.read(after=seq, limit=max(error.seq - seq - 1, 0))
        for event in page:
            if event.seq != seq + 1:
                return broken(
                    seq + 1,
                    f"event {seq + 1} is missing: the journal jumps from event {seq} to "
                    f"event {event.seq} (deleted after it was written?)",
                )
            if event.prev_hash != prev_hash:
                previous = f"event {seq}'s hash" if seq else "the genesis hash"
                return broken(event.seq, f"event {event.seq}: prev_hash does not match {previous}")
            new = NewEvent(event.type, event.actor, event.wall_us, event.game_ms, event.payload)
            try:
                expected = chain(event.seq, new, prev_hash).hash
            except (TypeError, ValueError):  # content no event could have been written with
                expected = None
            if event.hash != expected:
                return broken(
                    event.seq,
                    f"event {event.seq}: hash does not match its content "
                    "(edited after it was written?)",
                )
            data = event.data
            if isinstance(data, _damaged()):
                return broken(
                    event.seq, f"event {event.seq} is damaged: {data.problem}", damaged=True
                )
            seq, prev_hash = event.seq, event.hash
        if undecodable is not None:
            return broken(undecodable.seq, str(undecodable))
        if not page:
            break
    return VerifyResult(
        ok=True,
        events=seq,
        head_hash=prev_hash,
        broken_seq=None,
        reason=f"all {seq} events chain correctly" if seq else "the journal is empty",
    )


def _damaged() -> type[Damaged]:
    from exercise.model.events import Damaged  # with the codec, on first use

    return Damaged
