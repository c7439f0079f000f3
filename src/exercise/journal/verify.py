"""Check a journal's hash chain: the evidence that nobody edited the record afterwards."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

import attrs

from exercise.i18n import _
from exercise.journal.base import (
    GENESIS_HASH,
    CorruptEvent,
    Journal,
    NewEvent,
    chain,
    genesis_of,
    metadata_problem,
)
from exercise.journal.seal import SEALED, Seal, Trusted, check_seal, load_receipt

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
    #: The genesis hash the chain starts from (all zeros for sessions made before them).
    genesis: str = ""
    #: The seals found in the verified run, in order (signatures checked against the key
    #: each names; whether that key is control's is for the caller to judge).
    seals: tuple[Seal, ...] = ()


def verify(journal: Journal, *, damaged_ok: bool = False) -> VerifyResult:
    """Check the metadata against the genesis hash, recompute every event's hash from its
    stored fields following the chain from the genesis, and check every seal's signature.

    A damaged event (docs/events.md) ends the check unless ``damaged_ok``: then only the
    record itself (chain and seals) is judged."""
    meta = journal.meta()
    genesis = genesis_of(meta)
    seq, prev_hash = 0, genesis
    seals: list[Seal] = []

    def broken(at: int, reason: str, damaged: bool = False) -> VerifyResult:
        return VerifyResult(
            ok=False,
            events=seq,
            head_hash=prev_hash,
            broken_seq=at,
            reason=reason,
            damaged=damaged,
            genesis=genesis,
            seals=tuple(seals),
        )

    problem = metadata_problem(meta)
    if problem is not None:
        return broken(0, problem)

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
            if not damaged_ok and isinstance(data, _damaged()):
                return broken(
                    event.seq, f"event {event.seq} is damaged: {data.problem}", damaged=True
                )
            if event.type == SEALED:
                found = check_seal(
                    genesis, event.seq, prev_hash, event.actor, event.payload, event.wall_us
                )
                if isinstance(found, str):
                    return broken(event.seq, found)
                seals.append(attrs.evolve(found, hash=event.hash))
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
        genesis=genesis,
        seals=tuple(seals),
    )


def _damaged() -> type[Damaged]:
    from exercise.model.events import Damaged  # with the codec, on first use

    return Damaged


@attrs.frozen
class Assessment:
    """What a verifier holding control's key (or its fingerprint) can conclude."""

    problems: tuple[str, ...]
    #: ``(first, last)`` seqs of the events after the last seal (None when all are sealed).
    unsealed: tuple[int, int] | None
    last_seal: Seal | None

    @property
    def ok(self) -> bool:
        return not self.problems


def assess(result: VerifyResult, trusted: Trusted | None) -> Assessment:
    """Judge ``result`` against the key control sealed with (``None``: trust any key, which
    proves nothing against a forger but still lists what is unsealed)."""
    problems: list[str] = []
    if not result.ok:
        problems.append(
            _("chain broken at event {seq}: {reason}").format(
                seq=result.broken_seq, reason=result.reason
            )
        )
    last = result.seals[-1] if result.seals else None
    unsealed = None
    if result.events and (last is None or last.event_seq < result.events):
        unsealed = ((last.event_seq + 1) if last else 1, result.events)
    if trusted is None:
        return Assessment(tuple(problems), unsealed, last)
    for seal in result.seals:
        if seal.key != trusted.fingerprint:
            problems.append(
                _("event {seq} is sealed by key {key}, not by control's key {control}").format(
                    seq=seal.event_seq, key=seal.key, control=trusted.fingerprint
                )
            )
    if result.ok and last is None:
        problems.append(_("nothing in it is sealed by control's key"))
    if unsealed is not None and result.ok and last is not None:
        first, end = unsealed
        problems.append(
            (
                _(
                    "event {first} follows the last seal: unsealed, anyone who could write "
                    "the session may have added it"
                )
                if first == end
                else _(
                    "events {first}-{end} follow the last seal: unsealed, anyone who could "
                    "write the session may have added them"
                )
            ).format(first=first, end=end)
        )
    folder = trusted.key.receipts if trusted.key is not None else None
    if result.genesis == GENESIS_HASH:  # made before genesis hashes: no receipts
        folder = None
    receipt = load_receipt(folder, result.genesis) if folder is not None and result.ok else None
    if receipt is not None:
        mine = {s.event_seq: s.hash for s in result.seals}
        if receipt.seq > result.events:
            problems.append(
                _(
                    "control sealed it up to event {seq}, but it ends at event {events}: "
                    "sealed events were cut off its end"
                ).format(seq=receipt.seq, events=result.events)
            )
        elif mine.get(receipt.seq) != receipt.hash:
            problems.append(
                _(
                    "control's last seal of it (event {seq}) is not in it: its history was "
                    "rewritten"
                ).format(seq=receipt.seq)
            )
    return Assessment(tuple(problems), unsealed, last)


def describe(result: VerifyResult) -> str:
    """One line for a reader: the chain, control's key fingerprint and the last seal."""
    if not result.ok:
        return _("HASH CHAIN BROKEN at event {seq}: {reason}").format(
            seq=result.broken_seq, reason=result.reason
        )
    text = _("hash chain intact ({events} events)").format(events=result.events)
    if not result.seals:
        return text
    last = result.seals[-1]
    when = datetime.fromtimestamp(last.wall_us / 1e6, UTC).strftime("%Y-%m-%d %H:%M UTC")
    text += "; " + _(
        "sealed by key {key} at event {seq} ({when}, covering events 1-{last}, head {head})"
    ).format(key=last.key, seq=last.event_seq, when=when, last=last.seq, head=last.head[:16])
    if last.event_seq < result.events:
        text += "; " + _("events {first}-{last} unsealed").format(
            first=last.event_seq + 1, last=result.events
        )
    return text
