"""The journal codec: payload dicts to typed events and back, with one cattrs converter.

:func:`decode` turns a recorded ``(type, payload)`` into its event class (or
:class:`~exercise.model.events.Unknown` / :class:`~exercise.model.events.Damaged`);
:func:`encode` turns an event back into the payload that is hashed and stored. The two are
inverse for every event, so the canonical JSON, and so the hash chain, is what the release
before typed events wrote.

Structuring is strict (text must be a string, a number an int, a flag a bool: nothing is
coerced) and fast: the per-class functions are generated once with detailed validation
off; only a payload that fails is structured again with detailed validation, to say which
key is wrong.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import attrs
import cattrs
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override

from exercise.model.events import (
    EVENT_TYPES,
    CommandRefused,
    Damaged,
    EventData,
    ImprovementPlanned,
    InjectAdded,
    InjectReleased,
    InjectWords,
    ModuleOpened,
    ModuleWords,
    MoveSubmitted,
    ObservationRecorded,
    Outcome,
    Unknown,
)
from exercise.model.inject import Channel

__all__ = ["CONVERTER", "decode", "encode"]

#: The one converter between journal payloads and event classes.
CONVERTER = cattrs.Converter()


def _show(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _str(value: object, _: object) -> str:
    if type(value) is str:
        return value
    raise ValueError(f"expected text, not {_show(value)}")


def _int(value: object, _: object) -> int:
    if type(value) is int:
        return value
    raise ValueError(f"expected a whole number, not {_show(value)}")


def _float(value: object, _: object) -> float:
    if type(value) is float or type(value) is int:
        return value
    raise ValueError(f"expected a number, not {_show(value)}")


def _bool(value: object, _: object) -> bool:
    if type(value) is bool:
        return value
    raise ValueError(f"expected true or false, not {_show(value)}")


def _texts(value: object, _: object) -> tuple[str, ...]:
    if type(value) is list and all(type(v) is str for v in value):
        return tuple(value)
    raise ValueError(f"expected a list of text, not {_show(value)}")


def _dice(value: object, _: object) -> tuple[int, int]:
    if type(value) is list and len(value) == 2 and all(type(v) is int for v in value):
        return value[0], value[1]
    raise ValueError(f"expected two dice, not {_show(value)}")


CONVERTER.register_structure_hook(str, _str)
CONVERTER.register_structure_hook(int, _int)
CONVERTER.register_structure_hook(float, _float)
CONVERTER.register_structure_hook(bool, _bool)


def _outcome(value: object, _: object) -> Outcome:
    if type(value) is str:
        return Outcome(value)
    raise ValueError(f"expected an outcome, not {_show(value)}")


def _channel(value: object, _: object) -> Channel:
    if type(value) is str:
        return Channel(value)
    raise ValueError(f"expected a channel, not {_show(value)}")


# Outcome is a StrEnum: registered by its own class so that the str hook does not take it.
CONVERTER.register_structure_hook(Outcome, _outcome)
CONVERTER.register_structure_hook(Channel, _channel)
CONVERTER.register_unstructure_hook(Outcome, lambda o: o.value)
CONVERTER.register_unstructure_hook(Channel, lambda c: c.value)
_TEXTS, _DICE = tuple[str, ...], tuple[int, int]
CONVERTER.register_structure_hook_func(lambda t: t == _TEXTS, _texts)
CONVERTER.register_structure_hook_func(lambda t: t == _DICE, _dice)
CONVERTER.register_unstructure_hook_func(lambda t: t in (_TEXTS, _DICE), list)
_WORDS = tuple[InjectWords, ...]
_MODULE_WORDS = tuple[ModuleWords, ...]


def _words_list(value: object, _: object) -> tuple[InjectWords, ...]:
    if type(value) is list:
        return tuple(CONVERTER.structure(v, InjectWords) for v in value)
    raise ValueError(f"expected a list of words, not {_show(value)}")


CONVERTER.register_structure_hook_func(lambda t: t == _WORDS, _words_list)
CONVERTER.register_unstructure_hook_func(
    lambda t: t == _WORDS, lambda v: [CONVERTER.unstructure(w, InjectWords) for w in v]
)


def _module_words_list(value: object, _: object) -> tuple[ModuleWords, ...]:
    if type(value) is list:
        return tuple(CONVERTER.structure(v, ModuleWords) for v in value)
    raise ValueError(f"expected a list of words, not {_show(value)}")


CONVERTER.register_structure_hook_func(lambda t: t == _MODULE_WORDS, _module_words_list)
CONVERTER.register_unstructure_hook_func(
    lambda t: t == _MODULE_WORDS, lambda v: [CONVERTER.unstructure(w, ModuleWords) for w in v]
)


def _overrides(cls: type[EventData]) -> dict[str, Any]:
    """Per-field storage rules: ``from_`` is stored as ``from``; ``on_behalf`` and an
    adjudication's ``matrix`` are stored only when set."""
    out: dict[str, Any] = {}
    names = {f.name for f in attrs.fields(cls)}
    if cls is InjectAdded:
        out["from_"] = override(rename="from")
    if cls is MoveSubmitted:
        out["intent"] = override(omit_if_default=True)
    if cls is InjectReleased:
        out["content"] = override(omit_if_default=True)
    if cls is ModuleOpened:
        out["words"] = override(omit_if_default=True)
    if cls is CommandRefused:
        out["message"] = override(omit_if_default=True)
    if cls is ObservationRecorded:
        for name in ("tasks", "events"):
            out[name] = override(omit_if_default=True)
    for name in ("on_behalf", "matrix"):
        if name in names:
            out[name] = override(omit_if_default=True)
    return out


_FAST: dict[type[EventData], Callable[[Mapping[str, Any], Any], EventData]] = {}
_DETAILED: dict[type[EventData], Callable[[Mapping[str, Any], Any], EventData]] = {}
_UNSTRUCTURE: dict[type[EventData], Callable[[EventData], dict[str, object]]] = {}


def _prepare(cls: type[EventData]) -> None:
    extra = _overrides(cls)
    _FAST[cls] = make_dict_structure_fn(cls, CONVERTER, _cattrs_detailed_validation=False, **extra)
    CONVERTER.register_structure_hook(cls, _FAST[cls])
    _UNSTRUCTURE[cls] = make_dict_unstructure_fn(cls, CONVERTER, **extra)


def _unstructure_plan(data: ImprovementPlanned) -> dict[str, object]:
    if data.removed:
        return {"item": data.item, "removed": True}
    return _UNSTRUCTURE_PLAN_FULL(data)


for _cls in EVENT_TYPES.values():
    _prepare(_cls)
_UNSTRUCTURE_PLAN_FULL = _UNSTRUCTURE[ImprovementPlanned]
_UNSTRUCTURE[ImprovementPlanned] = _unstructure_plan  # type: ignore[assignment]


def decode(type_: str, payload: object) -> EventData:
    """The typed event recorded as ``type_`` with ``payload``: :class:`Unknown` for a type
    this release does not know, :class:`Damaged` when the payload does not fit."""
    cls = EVENT_TYPES.get(type_)
    if cls is None:
        return Unknown(type_)
    if type(payload) is not dict:
        return Damaged(type_, f"its payload is not an object but {_show(payload)}")
    try:
        return _FAST[cls](payload, cls)
    except Exception:  # any failure means the payload does not fit
        return Damaged(type_, _problem(cls, payload))


def _problem(cls: type[EventData], payload: Mapping[str, Any]) -> str:
    """Which keys of ``payload`` do not fit ``cls``, in words."""
    fn = _DETAILED.get(cls)
    if fn is None:
        fn = _DETAILED[cls] = make_dict_structure_fn(
            cls, CONVERTER, _cattrs_detailed_validation=True, **_overrides(cls)
        )
    try:
        fn(payload, cls)
    except cattrs.BaseValidationError as error:
        return "; ".join(_words(line) for line in cattrs.transform_error(error, path="payload"))
    except Exception as error:
        return f"its payload does not fit {cls.TYPE} ({error})"
    return f"its payload does not fit {cls.TYPE}"  # pragma: no cover - fast and slow agree


def _words(line: str) -> str:
    # cattrs says "required field missing @ payload.inject"; say it our way
    message, _, where = line.rpartition(" @ ")
    key = where.removeprefix("payload.").removeprefix("payload")
    if not key:
        return message
    return f"{message} at {key!r}" if message else key


def encode(data: EventData) -> dict[str, object]:
    """The journal payload of ``data`` (what is hashed and stored)."""
    return _UNSTRUCTURE[type(data)](data)
