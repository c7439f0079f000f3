"""Typed events: every class survives the codec unchanged, and so does its hash; payloads
that do not fit are damaged events, never errors; unknown types are kept and skipped."""

from __future__ import annotations

import enum
import json
import types
import typing
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exercise.engine import State, apply, fold
from exercise.engine.describe import describe
from exercise.journal.base import GENESIS_HASH, canonical_json, chain
from exercise.model import Scenario
from exercise.model import events as ev
from exercise.model.codec import decode, encode
from exercise.model.event import Event, NewEvent

TEXT = st.text(st.characters(codec="utf-8"), max_size=20)  # no lone surrogates


def strategy(tp: Any) -> st.SearchStrategy[Any]:
    """Values of a field type, built from the annotation (so a new class is covered)."""
    if tp is str:
        return TEXT
    if tp is bool:
        return st.booleans()
    if tp is int:
        return st.integers(-(2**53), 2**53)
    if tp is float:
        return st.integers(-1000, 1000) | st.floats(allow_nan=False, allow_infinity=False)
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return st.sampled_from(list(tp))
    if attrs.has(tp):
        return instances(tp)
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
        return st.lists(strategy(args[0]), max_size=4).map(tuple)
    if origin is tuple:
        return st.tuples(*(strategy(a) for a in args))
    if origin in (typing.Union, types.UnionType):
        return st.one_of(*(st.none() if a is type(None) else strategy(a) for a in args))
    raise AssertionError(f"no strategy for {tp!r}: extend strategy() in this test")


def instances(cls: type[Any]) -> st.SearchStrategy[Any]:
    hints = typing.get_type_hints(cls)
    fields = {f.name: strategy(hints[f.name]) for f in attrs.fields(cls)}
    built = st.builds(cls, **fields)
    if cls is ev.ImprovementPlanned:  # a removal stores only the item and the flag
        built = built.map(lambda d: ev.ImprovementPlanned(d.item, removed=True) if d.removed else d)
    return built


CLASSES = list(ev.EVENT_TYPES.values())


def stored(payload: dict[str, Any]) -> Any:
    """The payload as the journal gives it back: through its canonical JSON."""
    return json.loads(canonical_json(payload))


@pytest.mark.parametrize("cls", CLASSES, ids=[c.TYPE for c in CLASSES])
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_round_trip_is_identity_and_keeps_the_hash(cls: type[ev.EventData], data: Any) -> None:
    event = data.draw(instances(cls))
    payload = encode(event)
    assert decode(cls.TYPE, stored(payload)) == event
    typed = chain(7, NewEvent.of(event, "control", 1_700_000_000_000_000, 5), GENESIS_HASH)
    raw = chain(
        7, NewEvent(cls.TYPE, "control", 1_700_000_000_000_000, 5, stored(payload)), GENESIS_HASH
    )
    assert typed.hash == raw.hash
    assert raw.data == event  # decoded when read back
    assert encode(raw.data) == stored(payload)


def test_every_class_is_registered_once_with_its_own_type() -> None:
    assert len(CLASSES) == len({c.TYPE for c in CLASSES}) == 41
    for name, cls in ev.EVENT_TYPES.items():
        assert name == cls.TYPE
    with pytest.raises(ValueError, match="registered twice"):
        ev.event("clock.started")(type("Again", (ev.EventData,), {}))


@pytest.mark.parametrize(
    ("type_", "payload", "problem"),
    [
        ("inject.released", {"to": ["a"]}, "required field missing at 'inject'"),
        ("inject.released", {"inject": 7}, "at 'inject'"),
        ("move.argued", {"move": "12", "cell": "a", "stance": "for"}, "at 'move'"),
        ("move.submitted", {"cell": "a", "kind": "k", "to": "b"}, "at 'to'"),
        ("rfi.answered", {"rfi": 3, "public": "yes"}, "at 'public'"),
        ("move.adjudicated", {"move": 1, "outcome": "maybe"}, "at 'outcome'"),
        ("move.adjudicated", {"move": 1, "outcome": "accepted", "matrix": {}}, "matrix"),
        ("inject.added", {"inject": "X", "channel": "pigeon"}, "at 'channel'"),
        ("clock.started", [], "not an object"),
        ("clock.jumped", {"to_ms": True}, "at 'to_ms'"),
    ],
)
def test_a_payload_that_does_not_fit_is_damaged(type_: str, payload: Any, problem: str) -> None:
    data = decode(type_, payload)
    assert isinstance(data, ev.Damaged)
    assert data.type == type_
    assert problem in data.problem


def test_keys_from_a_newer_release_are_ignored() -> None:
    data = decode("item.read", {"cell": "a", "item": "inject:X", "device": "phone"})
    assert data == ev.ItemRead("a", "inject:X")


def _event(seq: int, type_: str, payload: Any) -> Event:
    return Event(seq, type_, "control", 1_700_000_000_000_000 + seq, 0, payload, "", f"h{seq}")


def test_fold_and_describe_skip_damaged_and_unknown_events(mini_scenario: Scenario) -> None:
    events = [
        _event(1, "clock.started", {"ratio": 1.0, "game_ms": 0}),
        _event(2, "inject.released", {"to": ["kgz-mod"], "reason": "manual"}),  # no inject
        _event(3, "weather.changed", {"sky": "grey"}),
        _event(4, "inject.released", {"inject": "INJ-001", "to": ["kgz-mod"], "reason": "x"}),
    ]
    state = fold(mini_scenario, events)
    assert state.seq == 4 and state.injects["INJ-001"].status == "released"
    damaged = describe(events[1], state)
    assert damaged.kind == "damaged" and not damaged.timeline
    assert damaged.summary == "event 2 is damaged: required field missing at 'inject'"
    unknown = describe(events[2], state)
    assert unknown.kind == "unknown" and "weather.changed" in unknown.summary


@given(
    st.sampled_from([c.TYPE for c in CLASSES]),
    st.dictionaries(TEXT, st.none() | st.booleans() | st.integers() | TEXT | st.lists(TEXT)),
)
@settings(max_examples=200, deadline=None)
def test_any_payload_decodes_to_something_the_engine_can_fold(
    type_: str, payload: dict[str, Any]
) -> None:
    """Whatever a journal holds, apply and describe never raise (they skip what is damaged)."""
    from .test_events_support import MINI

    state = State(MINI)
    event = _event(1, type_, payload)
    apply(state, event)
    describe(event, state)


def test_every_event_class_has_words() -> None:
    from exercise.engine.describe import _DESCRIBERS

    assert set(CLASSES) | {ev.Damaged, ev.Unknown} == set(_DESCRIBERS)


def test_fold_resumes_the_garbage_collector(mini_scenario: Scenario) -> None:
    import gc

    fold(mini_scenario, [_event(1, "clock.started", {"ratio": 1.0})])
    assert gc.isenabled()
