"""Game-time notation shared by files, consoles and reports.

* a *duration* (a window, a delay, an exercise length) is written ``HH:MM`` (hours may
  exceed 24), ``90m`` or ``2h``;
* an *offset* from the exercise start is written ``+HH:MM`` or ``D+N HH:MM`` (day N of
  the exercise, wall-clock time in the scenario's time zone; the start day is ``D+0``).
"""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta

_DURATION = re.compile(r"^(?:(\d{1,4}):([0-5]\d)|(\d{1,6})\s*(m|min|h))$")
_OFFSET = re.compile(r"^\+(\d{1,4}):([0-5]\d)$")
_DAY = re.compile(r"^D\+(\d{1,3})\s+([01]?\d|2[0-3]):([0-5]\d)$")


class TimeFormatError(ValueError):
    """A duration or offset that does not follow the notation above."""


def parse_duration(text: str) -> timedelta:
    """Parse ``HH:MM``, ``90m`` or ``2h`` into a timedelta."""
    m = _DURATION.match(text.strip())
    if not m:
        raise TimeFormatError(
            f"{text!r} is not a duration; write HH:MM (e.g. '01:30'), '90m' or '2h'"
        )
    if m.group(1) is not None:
        return timedelta(hours=int(m.group(1)), minutes=int(m.group(2)))
    amount = int(m.group(3))
    return timedelta(hours=amount) if m.group(4) == "h" else timedelta(minutes=amount)


def parse_offset(text: str, start: datetime | None) -> timedelta:
    """Parse ``+HH:MM`` or ``D+N HH:MM`` into an offset from ``start``.

    ``start`` is needed only for the ``D+N`` form; the result may be negative when a
    ``D+0`` clock time lies before the start (the caller reports that).
    """
    s = text.strip()
    m = _OFFSET.match(s)
    if m:
        return timedelta(hours=int(m.group(1)), minutes=int(m.group(2)))
    m = _DAY.match(s)
    if m:
        if start is None:
            raise TimeFormatError(f"{text!r} needs the scenario's start to be resolved")
        day = start.date() + timedelta(days=int(m.group(1)))
        at = datetime.combine(day, time(int(m.group(2)), int(m.group(3))))
        return at - start.replace(tzinfo=None)
    raise TimeFormatError(
        f"{text!r} is not an inject time; write '+HH:MM' from the start (e.g. '+02:30') "
        "or 'D+N HH:MM' (e.g. 'D+1 06:00')"
    )


def _hm(delta: timedelta) -> tuple[int, int]:
    minutes = int(delta.total_seconds()) // 60
    return divmod(minutes, 60)


def format_duration(delta: timedelta) -> str:
    """The canonical ``HH:MM`` form of a duration."""
    h, m = _hm(delta)
    return f"{h:02d}:{m:02d}"


def format_offset(delta: timedelta) -> str:
    """The canonical ``+HH:MM`` form of an offset from the start."""
    return "+" + format_duration(delta)


_MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
# Military time-zone letters: A-M (J unused) east of Greenwich, N-Y west, Z for UTC.
_EAST = "ABCDEFGHIKLM"
_WEST = "NOPQRSTUVWXY"


def zone_letter(offset: timedelta) -> str:
    """The military time-zone letter of a whole-hour UTC offset (F for UTC+6, Z for UTC);
    ``""`` for offsets that are not whole hours, which have no letter."""
    seconds = int(offset.total_seconds())
    hours, rest = divmod(abs(seconds), 3600)
    if rest or hours > 12:
        return ""
    if hours == 0:
        return "Z"
    return (_EAST if seconds > 0 else _WEST)[hours - 1]


def dtg(at: datetime) -> str:
    """A date-time group for an aware datetime: ``130610F OCT 03`` (day, hour, minute,
    zone letter, month, two-digit year). A zone without a letter (half-hour offsets) is
    written in UTC with ``Z``."""
    offset = at.utcoffset()
    if offset is None:
        raise ValueError("a date-time group needs an aware datetime")
    letter = zone_letter(offset)
    if not letter:
        at = (at - offset).replace(tzinfo=None)
        letter = "Z"
    return f"{at:%d%H%M}{letter} {_MONTHS[at.month - 1]} {at:%y}"


def utc_label(offset: timedelta) -> str:
    """``UTC+6`` / ``UTC-3:30`` / ``UTC`` for an offset."""
    seconds = int(offset.total_seconds())
    if seconds == 0:
        return "UTC"
    sign = "+" if seconds > 0 else "-"
    h, m = divmod(abs(seconds) // 60, 60)
    return f"UTC{sign}{h}" + (f":{m:02d}" if m else "")
