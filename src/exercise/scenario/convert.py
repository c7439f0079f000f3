"""Strict structuring of plain YAML values into the model, with cattrs.

cattrs converts loosely by default (``"false"`` becomes ``True``, ``5.7`` becomes ``5``,
a string is an iterable of characters); every hook here refuses what the file did not
literally say, so that a typo is an error rather than a surprise during the exercise.
"""

from __future__ import annotations

import contextvars
import enum
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta
from typing import Any, get_args, get_origin

import attrs
import cattrs
from cattrs.errors import (
    AttributeValidationNote,
    ClassValidationError,
    ForbiddenExtraKeysError,
    IterableValidationError,
    IterableValidationNote,
)
from cattrs.gen import make_dict_structure_fn, override

from exercise.i18n import N_, _
from exercise.model import (
    RULE_KINDS,
    Inject,
    Module,
    Ratings,
    Rule,
    RuleSet,
    Scenario,
    Trigger,
)
from exercise.model.timefmt import TimeFormatError, parse_duration, parse_offset
from exercise.scenario.yamlsafe import did_you_mean, one_of

#: The scenario start used to resolve ``D+N HH:MM`` inject times while structuring.
scenario_start: contextvars.ContextVar[datetime | None] = contextvars.ContextVar(
    "scenario_start", default=None
)

#: YAML key for each attribute whose key is not its name.
RENAMES: dict[type, dict[str, str]] = {
    Inject: {"from_": "from"},
    Scenario: {"inject_files": "injects", "rule_files": "rules"},
}


class StrictError(ValueError):
    """A value of the wrong shape; ``hint`` says how to fix it."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


def describe(value: Any) -> str:
    if value is None:
        return _("nothing (null)")
    if isinstance(value, bool):
        return _("the boolean {value}").format(value=str(value).lower())
    if isinstance(value, int | float):
        return _("the number {value}").format(value=value)
    if isinstance(value, str):
        return _("the text {value!r}").format(value=value)
    if isinstance(value, list):
        return _("a list")
    if isinstance(value, dict):
        return _("a mapping")
    if isinstance(value, datetime | date):
        return _("the date {value}").format(value=value.isoformat())
    return type(value).__name__


def _str(value: Any, _type: Any) -> str:
    if isinstance(value, str):
        return value
    hint = _("quote it") if isinstance(value, int | float | bool | date) else ""
    if value is None:
        hint = _("write a value or remove the key")
    raise StrictError(_("expected text, got {got}").format(got=describe(value)), hint)


def _int(value: Any, _type: Any) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    raise StrictError(_("expected a whole number, got {got}").format(got=describe(value)))


def _float(value: Any, _type: Any) -> float:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    raise StrictError(_("expected a number, got {got}").format(got=describe(value)))


def _bool(value: Any, _type: Any) -> bool:
    if isinstance(value, bool):
        return value
    raise StrictError(
        _("expected true or false, got {got}").format(got=describe(value)),
        _("write true or false unquoted"),
    )


def _duration(value: Any, _type: Any) -> timedelta:
    if not isinstance(value, str):
        raise StrictError(
            _("expected a duration, got {got}").format(got=describe(value)),
            _('write "HH:MM" in quotes'),
        )
    try:
        delta = parse_duration(value)
    except TimeFormatError as exc:
        raise StrictError(str(exc)) from None
    if delta <= timedelta(0):
        raise StrictError(_("duration {value!r} must be longer than zero").format(value=value))
    return delta


def _delay(value: Any, t: Any) -> timedelta:
    """A duration that may be zero (a trigger's delay)."""
    if value in ("00:00", "0m", "0h"):
        return timedelta(0)
    return _duration(value, t)


def _offset(value: Any, _type: Any) -> timedelta:
    if not isinstance(value, str):
        raise StrictError(
            _("expected a game time, got {got}").format(got=describe(value)),
            _('write "+HH:MM" or "D+1 06:00" in quotes'),
        )
    start = scenario_start.get()
    try:
        return parse_offset(value, start or datetime(2000, 1, 1))
    except TimeFormatError as exc:
        raise StrictError(str(exc)) from None


def _datetime(value: Any, _type: Any) -> datetime:
    if isinstance(value, datetime):
        return value
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            pass
    raise StrictError(
        _("expected a date and time, got {got}").format(got=describe(value)),
        _("write e.g. 2003-08-22T06:00:00"),
    )


def _enum(cls: type[enum.Enum]) -> Callable[[Any, Any], enum.Enum]:
    values = {m.value: m for m in cls}

    def hook(value: Any, _type: Any) -> enum.Enum:
        if isinstance(value, str) and value in values:
            return values[value]
        hint = did_you_mean(value, values) if isinstance(value, str) else ""
        if not hint:
            hint = one_of(values)
        raise StrictError(
            _("{got} is not a valid {lower}").format(
                got=describe(value), lower=cls.__name__.lower()
            ),
            hint,
        )

    return hook


def _is_var_tuple(t: Any) -> bool:
    args = get_args(t)
    return get_origin(t) is tuple and len(args) == 2 and args[1] is Ellipsis


def _is_fixed_tuple(t: Any) -> bool:
    args = get_args(t)
    return get_origin(t) is tuple and bool(args) and Ellipsis not in args


def _with_index(exc: Exception, index: int, t: Any) -> Exception:
    exc.__notes__ = [
        *getattr(exc, "__notes__", []),
        IterableValidationNote(f"@ index {index}", index, t),
    ]
    return exc


def _list_items(value: Any, what: str) -> list[Any]:
    if not isinstance(value, list):
        hint = _("write a YAML list: [a, b] or one '- item' per line")
        raise StrictError(
            _("expected a list of {what}, got {got}").format(what=what, got=describe(value)), hint
        )
    return value


def _type_name(t: Any) -> str:
    if t is str:
        return "texts"
    return getattr(t, "__name__", str(t)).lower() + " entries"


def make_converter() -> cattrs.Converter:
    conv = cattrs.Converter(forbid_extra_keys=True, detailed_validation=True)
    conv.register_structure_hook(str, _str)
    conv.register_structure_hook(int, _int)
    conv.register_structure_hook(float, _float)
    conv.register_structure_hook(bool, _bool)
    conv.register_structure_hook(timedelta, _duration)
    conv.register_structure_hook(datetime, _datetime)
    conv.register_structure_hook_factory(
        lambda t: isinstance(t, type) and issubclass(t, enum.Enum), _enum
    )

    def var_tuple(t: Any) -> Callable[[Any, Any], tuple[Any, ...]]:
        (elem, _rest) = get_args(t)
        what = _type_name(elem)

        def hook(value: Any, _type: Any) -> tuple[Any, ...]:
            items = _list_items(value, what)
            out: list[Any] = []
            errors: list[Exception] = []
            for i, item in enumerate(items):
                try:
                    out.append(conv.structure(item, elem))
                except Exception as exc:  # collected and re-raised as a group
                    errors.append(_with_index(exc, i, elem))
            if errors:
                raise IterableValidationError("invalid list", errors, t)
            return tuple(out)

        return hook

    def fixed_tuple(t: Any) -> Callable[[Any, Any], tuple[Any, ...]]:
        args = get_args(t)

        def hook(value: Any, _type: Any) -> tuple[Any, ...]:
            items = _list_items(value, "values")
            if len(items) != len(args):
                raise StrictError(
                    _("expected a list of {n_args} values, got {n_items}").format(
                        n_args=len(args), n_items=len(items)
                    )
                )
            return tuple(conv.structure(v, a) for v, a in zip(items, args, strict=True))

        return hook

    conv.register_structure_hook_factory(_is_var_tuple, var_tuple)
    conv.register_structure_hook_factory(_is_fixed_tuple, fixed_tuple)

    def attrs_class(cl: type) -> Callable[[Any, Any], Any]:
        renames = RENAMES.get(cl, {})
        overrides: dict[str, Any] = {k: override(rename=v) for k, v in renames.items()}
        if cl is Inject:
            overrides["time"] = override(struct_hook=_optional(_offset))
        if cl is Trigger:
            overrides["delay"] = override(struct_hook=_delay)
        if cl is Module:
            overrides["start"] = override(struct_hook=_offset)
        if cl is Scenario:
            overrides["msel"] = override(omit=True)
            overrides["ruleset"] = override(omit=True)
            overrides["translations"] = override(omit=True)
        inner: Callable[[Any, Any], Any] = make_dict_structure_fn(cl, conv, **overrides)

        def hook(value: Any, _type: Any) -> Any:
            if not isinstance(value, dict):
                raise StrictError(
                    _("expected a mapping of keys to values, got {got}").format(got=describe(value))
                )
            return inner(value, cl)

        return hook

    conv.register_structure_hook_factory(attrs.has, attrs_class)

    def rule(value: Any, _type: Any) -> Rule:
        if not isinstance(value, dict):
            raise StrictError(
                _("expected a rule (a mapping), got {got}").format(got=describe(value))
            )
        kind = value.get("kind")
        if kind is None:
            raise StrictError(
                _("rule has no 'kind'"),
                one_of(RULE_KINDS),
            )
        if not isinstance(kind, str) or kind not in RULE_KINDS:
            exc = StrictError(
                _("unknown rule kind {kind!r}").format(kind=kind)
                if isinstance(kind, str)
                else _("rule kind must be text, not {got}").format(got=describe(kind)),
                did_you_mean(str(kind), RULE_KINDS) or one_of(RULE_KINDS),
            )
            exc.__notes__ = [AttributeValidationNote("kind", "kind", str)]
            raise ClassValidationError("invalid rule", [exc], RuleSet)
        fields = {k: v for k, v in value.items() if k != "kind"}
        result: Rule = conv.structure(fields, RULE_KINDS[kind])
        return result

    conv.register_structure_hook(Rule, rule)
    conv.register_structure_hook(Ratings, conv.get_structure_hook(Ratings))
    return conv


def _optional(hook: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    def wrapped(value: Any, t: Any) -> Any:
        return None if value is None else hook(value, t)

    return wrapped


Path_ = tuple[str | int, ...]


def flatten(exc: BaseException, path: Path_ = ()) -> Iterator[tuple[Path_, bool, str, str]]:
    """Walk a cattrs error tree: ``(path, at_key, message, hint)`` for every leaf.

    ``path`` uses YAML keys (renames applied) and list indices; ``at_key`` is true when
    the problem is the key itself (an unknown key), not its value.
    """
    if isinstance(exc, ForbiddenExtraKeysError):
        allowed = _allowed_keys(exc.cl)
        for key in sorted(exc.extra_fields, key=str):
            hint = did_you_mean(str(key), allowed, N_("allowed keys"))
            yield (*path, key), True, _("unknown key {k!r}").format(k=key), hint
        return
    if isinstance(exc, ClassValidationError | IterableValidationError):
        cl = getattr(exc, "cl", None)
        renames = RENAMES.get(cl, {}) if isinstance(cl, type) else {}
        for sub in exc.exceptions:
            step: str | int | None = None
            for note in getattr(sub, "__notes__", []):
                if isinstance(note, AttributeValidationNote):
                    step = renames.get(note.name, note.name)
                elif isinstance(note, IterableValidationNote):
                    step = note.index
            sub_path = path if step is None else (*path, step)
            if isinstance(sub, KeyError) and isinstance(step, str):
                yield path, False, _("missing required key {key!r}").format(key=step), _("add it")
            else:
                yield from flatten(sub, sub_path)
        return
    if isinstance(exc, StrictError):
        yield path, False, exc.message, exc.hint
        return
    yield path, False, _("invalid value: {error}").format(error=exc), ""


def _allowed_keys(cl: type) -> list[str]:
    renames = RENAMES.get(cl, {})
    omitted = {"msel", "ruleset", "translations"} if cl is Scenario else set()
    keys = [renames.get(a.name, a.name) for a in attrs.fields(cl) if a.name not in omitted]
    if cl is Scenario:
        keys += ["injects", "rules"]
    if cl in RULE_KINDS.values():
        keys.append("kind")
    return sorted(set(keys))


__all__ = ["StrictError", "flatten", "make_converter", "scenario_start"]
