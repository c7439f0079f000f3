"""Times as MSEL spreadsheets write them, resolved to offsets from the exercise start.

A time cell is first *read* into a :data:`Spec` (what the cell says), then *resolved*
against the start by :class:`Resolver` (which offset that is). Forms read:

* offsets: ``+01:30``, ``T+01:30``, ``+90m``, ``+2h``; ``01:30`` and ``27:15`` too, unless
  the sheet has a day column or the mapping says ``times: clock``;
* a day and a clock time: ``D+1 06:00`` (the start day is D+0), ``Day 2 06:00`` (the start
  day is Day 1);
* clock times: ``0930``, ``0930L``, ``09:30 hrs``, ``9:30 am``; on the day of a day column,
  or else on the day of the row before (rolling over midnight when a time goes backwards);
* full dates: ``2003-08-22 09:30``, ``22/08/2003 09:30``, ``22 Aug 2003 09:30`` and the
  date-times and times of an XLSX cell.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from typing import Any, Literal

import attrs

from exercise.importers.text import clean


class TimeError(ValueError):
    """A cell that is not a time; ``hint`` says what is expected."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


@attrs.frozen
class Offset:
    delta: timedelta


@attrs.frozen
class DayClock:
    """Clock time ``at`` on day ``day`` of the exercise (0 is the start day)."""

    day: int
    at: time


@attrs.frozen
class Clock:
    """A clock time with no day: the day is worked out from the rows before."""

    at: time


@attrs.frozen
class Absolute:
    at: datetime


@attrs.frozen
class Relative:
    """OpenAEV's relative notation: ``J+1 H+2 M-5`` is one day, two hours less five
    minutes after the start (``J``/``D`` days, ``H``/``T`` hours, ``M`` minutes; any may be
    negative or missing)."""

    delta: timedelta


@attrs.frozen
class WeekdayClock:
    """A day of the week and a clock time (T3SF's ``Monday 9:30 AM``); the week is worked
    out from the rows before."""

    weekday: int  # Monday is 0
    at: time


Spec = Offset | DayClock | Clock | Absolute | Relative | WeekdayClock
DayRef = int | date
HHMM = Literal["offset", "clock"]
DateOrder = Literal["dmy", "mdy"]

TIME_HINT = "write +HH:MM from the start, D+1 06:00, a clock time such as 0930, or a date and time"

_OFFSET = re.compile(r"^(?:[TH]\s*)?\+\s*(\d{1,4}):([0-5]\d)(?::([0-5]\d))?$", re.I)
_OFFSET_UNIT = re.compile(r"^(?:[TH]\s*)?\+\s*(\d{1,6})\s*(m|mins?|minutes?|h|hrs?|hours?)$", re.I)
_HHMM = re.compile(r"^(\d{1,4}):([0-5]\d)(?::([0-5]\d)(?:\.\d+)?)?$")
_SUFFIX = r"\s*(?:hrs?|hours|h|l|z|j|local)?"
_CLOCK_COLON = re.compile(r"^(\d{1,2}):([0-5]\d)(?::([0-5]\d))?" + _SUFFIX + "$", re.I)
_CLOCK_MIL = re.compile(r"^(\d{2})([0-5]\d)" + _SUFFIX + "$", re.I)
_CLOCK_AMPM = re.compile(r"^(\d{1,2})(?:[:.]([0-5]\d))?(?::([0-5]\d))?\s*([ap])\.?\s*m\.?$", re.I)
_D_PLUS = re.compile(r"^D\s*\+\s*(\d{1,3})(?:[\s,;/T-]+(.+))?$", re.I)
_DAY_WORD = re.compile(r"^day\s*(\d{1,3})(?:[\s,;:/-]+(.+))?$", re.I)
_SLASHED = re.compile(r"^(\d{1,2})[/.](\d{1,2})[/.](\d{4}|\d{2})(?:[\s,T]+(.+))?$")
_TRAILING_TIME = re.compile(
    r"^(.*?)[\s,T]+(\d{1,2}:\d{2}(?::\d{2})?\s*(?:[ap]\.?\s*m\.?)?|\d{4}" + _SUFFIX + ")$", re.I
)
_SIGNED = r"([+-]\s*\d{1,4})"
_RELATIVE = re.compile(
    rf"^(?:[DJ]\s*{_SIGNED}?)?\s*(?:[HT]\s*{_SIGNED})?\s*(?:M\s*{_SIGNED})?$", re.I
)
_REL_DAY_CLOCK = re.compile(rf"^[DJ]\s*{_SIGNED}?[\s,;/]+(.+)$", re.I)
_CLOCK_H = re.compile(r"^(\d{1,2})\s*h\s*([0-5]\d)?$", re.I)
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_WEEKDAY = re.compile(r"^([a-z]{3,9})\.?,?(?:\s+(?:at\s+)?(.+))?$", re.I)
_DATE_FORMATS = (
    "%d %b %Y",
    "%d %B %Y",
    "%b %d %Y",
    "%B %d %Y",
    "%d-%b-%Y",
    "%d-%b-%y",
    "%d %b %y",
    "%a %d %b %Y",
    "%A %d %B %Y",
)
#: Excel's day zero, which a time typed without a date may carry.
_EXCEL_EPOCHS = (date(1899, 12, 30), date(1899, 12, 31), date(1900, 1, 1))


def read_time(value: Any, hhmm: HHMM = "offset", order: DateOrder | None = None) -> Spec:
    """What a time cell says; raise :class:`TimeError` if it is not a time."""
    if isinstance(value, timedelta):
        if value < timedelta(0):
            raise TimeError(f"{clean(value)!r} is a negative time", TIME_HINT)
        return Offset(value)
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.replace(tzinfo=None)
        if value.date() in _EXCEL_EPOCHS:
            return _hhmm_value(value.time(), hhmm)
        return Absolute(value)
    if isinstance(value, time):
        return _hhmm_value(value.replace(tzinfo=None), hhmm)
    if isinstance(value, date):
        raise TimeError(f"the date {value.isoformat()} has no time of day", TIME_HINT)
    if isinstance(value, bool):
        raise TimeError(f"{value!r} is not a time", TIME_HINT)
    if isinstance(value, int | float):
        if 0 <= value < 1:  # Excel stores times of day as fractions of a day
            seconds = round(value * 86400)
            return _hhmm_value(time(seconds // 3600 % 24, seconds // 60 % 60), hhmm)
        raise TimeError(f"the number {clean(value)} is not a time", TIME_HINT)
    text = clean(value)
    if not text:
        raise TimeError("no time given", TIME_HINT)
    return _read_text(text, hhmm, order)


def _hhmm_value(at: time, hhmm: HHMM) -> Spec:
    if hhmm == "clock":
        return Clock(at.replace(second=0, microsecond=0))
    return Offset(timedelta(hours=at.hour, minutes=at.minute))


def _read_text(text: str, hhmm: HHMM, order: DateOrder | None) -> Spec:
    t = text.strip()
    m = _OFFSET.match(t)
    if m:
        return Offset(timedelta(hours=int(m.group(1)), minutes=int(m.group(2))))
    m = _OFFSET_UNIT.match(t)
    if m:
        amount = int(m.group(1))
        hours = m.group(2).lower().startswith("h")
        return Offset(timedelta(hours=amount) if hours else timedelta(minutes=amount))
    relative = read_relative(t)
    if relative is not None:
        return relative
    if t.startswith(("+", "-")) or t[:2].upper() in ("T+", "H+", "T-", "H-"):
        raise TimeError(f"{text!r} is not a time", TIME_HINT)
    weekday = read_weekday(t)
    if weekday is not None:
        if weekday.at is None:
            raise TimeError(f"{text!r} has a day of the week but no clock time", TIME_HINT)
        return WeekdayClock(weekday.weekday, weekday.at)
    m = _D_PLUS.match(t)
    if m:
        return DayClock(int(m.group(1)), _clock_part(m.group(2), text))
    m = _DAY_WORD.match(t)
    if m:
        day = int(m.group(1))
        if day < 1:
            raise TimeError(
                f"{text!r}: days are counted from Day 1", "write Day 1 for the start day"
            )
        return DayClock(day - 1, _clock_part(m.group(2), text))
    m = _HHMM.match(t)
    if m:
        hours, minutes = int(m.group(1)), int(m.group(2))
        if hhmm == "clock":
            if hours > 23:
                raise TimeError(f"{text!r} is not a clock time", "hours run from 00 to 23")
            return Clock(time(hours, minutes))
        return Offset(timedelta(hours=hours, minutes=minutes))
    clock = _clock(t)
    if clock is not None:
        return Clock(clock)
    when = _date_time(t, order)
    if when is not None:
        return Absolute(when)
    raise TimeError(f"{text!r} is not a time", TIME_HINT)


def read_relative(text: str) -> Spec | None:
    """OpenAEV's relative times (``J-1``, ``J+1 09h00``, ``J+1 H+2 M-5``, ``D+2 H+3 M+45``,
    ``H+2``); None if ``text`` is not one. A clock time after the day gives a
    :class:`DayClock`; otherwise the parts add up to a :class:`Relative`."""
    t = clean(text)
    if not t or t[0].upper() not in "DJHTM":
        return None
    m = _RELATIVE.match(t)
    if m is not None and (any(m.groups()) or t.upper() in ("J", "D")):
        days, hours, minutes = (int(re.sub(r"\s", "", g)) if g else 0 for g in m.groups())
        return Relative(timedelta(days=days, hours=hours, minutes=minutes))
    m = _REL_DAY_CLOCK.match(t)
    if m and t[0].upper() == "J":
        day = int(re.sub(r"\s", "", m.group(1))) if m.group(1) else 0
        return DayClock(day, _clock_part(m.group(2), text))
    return None


@attrs.frozen
class Weekday:
    weekday: int
    at: time | None


def read_weekday(text: str) -> Weekday | None:
    """``Monday 9:30 AM``, ``Tue 14:00``, ``Friday``; None if ``text`` names no weekday."""
    m = _WEEKDAY.match(clean(text))
    if not m:
        return None
    word = m.group(1).casefold()
    found = [i for i, w in enumerate(WEEKDAYS) if w.startswith(word) and len(word) >= 3]
    if len(found) != 1 or not (word == WEEKDAYS[found[0]] or len(word) <= 4):
        return None
    if not m.group(2):
        return Weekday(found[0], None)
    try:
        return Weekday(found[0], _clock_part(m.group(2), text))
    except TimeError:
        return None  # "Sun 3 Aug 2003 10:00" is a date


def _clock_part(part: str | None, text: str) -> time:
    if not part:
        raise TimeError(f"{text!r} has a day but no clock time", "write e.g. D+1 06:00")
    part = part.strip()
    m = _HHMM.match(part)
    if m and int(m.group(1)) <= 23:
        return time(int(m.group(1)), int(m.group(2)))
    try:
        clock = _clock(part)
    except TimeError as exc:
        raise TimeError(f"{text!r}: {exc.message}", exc.hint) from None
    if clock is None:
        raise TimeError(f"{text!r}: {part!r} is not a clock time", "write HH:MM, e.g. 06:00")
    return clock


def _clock(t: str) -> time | None:
    """A clock time (0930, 09:30 hrs, 9:30 am, 09h00); None if ``t`` is not one."""
    m = _CLOCK_MIL.match(t) or _CLOCK_COLON.match(t) or _CLOCK_H.match(t)
    if m:
        hours, minutes = int(m.group(1)), int(m.group(2) or 0)
        if hours > 23:
            raise TimeError(f"{t!r} is not a clock time", "hours run from 00 to 23")
        return time(hours, minutes)
    m = _CLOCK_AMPM.match(t)
    if m:
        hours, minutes = int(m.group(1)), int(m.group(2) or 0)
        if not 1 <= hours <= 12:
            raise TimeError(f"{t!r} is not a clock time", "with am/pm, hours run from 1 to 12")
        hours = hours % 12 + (12 if m.group(4).lower() == "p" else 0)
        return time(hours, minutes)
    return None


def _date_time(t: str, order: DateOrder | None) -> datetime | None:
    """A date with a time of day; None if ``t`` is not a date at all."""
    day = read_date(t, order)
    if day is not None:
        raise TimeError(f"{t!r} is a date without a time of day", TIME_HINT)
    with_time = _iso(t)
    if with_time is not None:
        return with_time
    m = _SLASHED.match(t)
    if m:
        day = _slashed(m, order, t)
        return datetime.combine(day, _clock_part(m.group(4), t))
    m = _TRAILING_TIME.match(t)
    if m:
        day = read_date(m.group(1), order)
        if day is not None:
            return datetime.combine(day, _clock_part(m.group(2), t))
    return None


def _iso(t: str) -> datetime | None:
    if not re.match(r"^\d{4}-\d{2}-\d{2}[T ]\d", t):
        return None
    try:
        when = datetime.fromisoformat(t)
    except ValueError:
        raise TimeError(f"{t!r} is not a valid date and time", TIME_HINT) from None
    if when.tzinfo is not None:
        raise TimeError(f"{t!r} has a time zone offset", "write local times, without Z or +HH:MM")
    return when.replace(second=0, microsecond=0)


def read_date(t: str, order: DateOrder | None = None) -> date | None:
    """A date alone (2003-08-22, 22/08/2003, 22 Aug 2003); None if ``t`` is not one."""
    t = t.strip().rstrip(",")
    if re.match(r"^\d{4}-\d{2}-\d{2}$", t):
        try:
            return date.fromisoformat(t)
        except ValueError:
            raise TimeError(f"{t!r} is not a valid date", "write e.g. 2003-08-22") from None
    m = _SLASHED.match(t)
    if m and not m.group(4):
        return _slashed(m, order, t)
    cleaned = re.sub(r"(\d)(st|nd|rd|th)\b", r"\1", t.replace(",", " "))
    cleaned = re.sub(r"\s+", " ", cleaned).strip()
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(cleaned, fmt).date()
        except ValueError:
            continue
    return None


def _slashed(m: re.Match[str], order: DateOrder | None, t: str) -> date:
    a, b, y = int(m.group(1)), int(m.group(2)), int(m.group(3))
    if len(m.group(3)) == 2:
        y += 2000 if y < 70 else 1900
    if order is None:
        order = "mdy" if b > 12 >= a else "dmy"
    d, mo = (a, b) if order == "dmy" else (b, a)
    try:
        return date(y, mo, d)
    except ValueError:
        raise TimeError(f"{t!r} is not a valid date", "write e.g. 2003-08-22") from None


def slashed_order(t: str) -> DateOrder | None:
    """The day/month order a slashed date forces (22/08 is dmy, 08/22 is mdy), if any."""
    m = _SLASHED.match(clean(t))
    if not m:
        return None
    a, b = int(m.group(1)), int(m.group(2))
    if a > 12 >= b:
        return "dmy"
    if b > 12 >= a:
        return "mdy"
    return None


def read_day(value: Any, order: DateOrder | None = None) -> DayRef:
    """A day cell: ``Day 2`` / ``D+1`` / ``2`` (a day number from 1) or a date."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if float(value).is_integer() and 1 <= value <= 999:
            return int(value) - 1
        raise TimeError(f"{clean(value)!r} is not a day", "write Day 1, D+0 or a date")
    t = clean(value)
    m = re.match(r"^D\s*\+\s*(\d{1,3})$", t, re.I)
    if m:
        return int(m.group(1))
    m = re.match(r"^(?:day\s*)?(\d{1,3})$", t, re.I)
    if m and int(m.group(1)) >= 1:
        return int(m.group(1)) - 1
    day = read_date(t, order)
    if day is None:
        raise TimeError(f"{t!r} is not a day", "write Day 1, D+0 or a date such as 2003-08-22")
    return day


def on_day(day: DayRef, spec: Spec) -> Spec:
    """``spec`` placed on the day of a day column (clock times only; others stand)."""
    if isinstance(spec, Clock):
        if isinstance(day, int):
            return DayClock(day, spec.at)
        return Absolute(datetime.combine(day, spec.at))
    return spec


def heading_day(text: str) -> int | None:
    """The day a section heading such as ``DAY 2`` or ``D+1 (23 August)`` opens."""
    m = re.match(r"^(?:day\s*(\d{1,3})|D\s*\+\s*(\d{1,3}))\b", clean(text), re.I)
    if not m:
        return None
    if m.group(1) is not None:
        return int(m.group(1)) - 1 if int(m.group(1)) >= 1 else None
    return int(m.group(2))


@attrs.define
class Resolver:
    """Turns specs into offsets from ``start``, in row order.

    ``ref`` is day 0 at the time OpenAEV's ``J`` stands for (the start, unless a relative
    time before it moved the start earlier). A bare clock time falls on the current day
    (that of the last row placed on a day, or of a section heading); when it is earlier
    than the time before it, the day rolls over and ``rolled`` says so. A day of the week
    falls in the current week, the first week starting on the start's day of the week."""

    start: datetime
    ref: datetime | None = None
    day: int = 0
    last: datetime | None = None
    week: int = 0

    def resolve(self, spec: Spec) -> tuple[timedelta, bool]:
        rolled = False
        ref = self.ref or self.start
        day0 = ref.date()
        if isinstance(spec, Offset):
            at = self.start + spec.delta
            self.day = (at.date() - day0).days
        elif isinstance(spec, Relative):
            at = ref + spec.delta
            self.day = (at.date() - day0).days
        elif isinstance(spec, DayClock):
            at = datetime.combine(day0 + timedelta(days=spec.day), spec.at)
            self.day = spec.day
        elif isinstance(spec, Absolute):
            at = spec.at
            self.day = (at.date() - day0).days
        elif isinstance(spec, WeekdayClock):
            days = (spec.weekday - day0.weekday()) % 7 + 7 * self.week
            at = datetime.combine(day0 + timedelta(days=days), spec.at)
            if self.last is not None and at < self.last:
                self.week += 1
                at += timedelta(days=7)
                rolled = True
            self.day = (at.date() - day0).days
        else:
            at = datetime.combine(day0 + timedelta(days=self.day), spec.at)
            if self.last is not None and at < self.last:
                at += timedelta(days=1)
                self.day += 1
                rolled = True
        self.last = at
        return at - self.start, rolled

    def open_day(self, day: int) -> None:
        self.day = day
        self.last = None
