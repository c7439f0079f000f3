"""The time forms MSELs use, and how they resolve against the start."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest

from exercise.importers.times import (
    Absolute,
    Clock,
    DayClock,
    Offset,
    Resolver,
    TimeError,
    read_day,
    read_time,
)

START = datetime(2003, 8, 22, 6, 0)


@pytest.mark.parametrize(
    ("cell", "spec"),
    [
        ("+00:30", Offset(timedelta(minutes=30))),
        ("+1:30", Offset(timedelta(minutes=90))),
        ("T+27:15", Offset(timedelta(hours=27, minutes=15))),
        ("+90m", Offset(timedelta(minutes=90))),
        ("+ 2 hours", Offset(timedelta(hours=2))),
        ("01:30", Offset(timedelta(minutes=90))),
        ("48:00", Offset(timedelta(hours=48))),
        ("D+1 06:00", DayClock(1, time(6, 0))),
        ("d+0, 0930", DayClock(0, time(9, 30))),
        ("Day 2 06:00", DayClock(1, time(6, 0))),
        ("DAY 1 - 9:15 pm", DayClock(0, time(21, 15))),
        ("0930", Clock(time(9, 30))),
        ("0930L", Clock(time(9, 30))),
        ("09:30 hrs", Clock(time(9, 30))),
        ("9:30 a.m.", Clock(time(9, 30))),
        ("12 pm", Clock(time(12, 0))),
        ("12:05 AM", Clock(time(0, 5))),
        ("2003-08-22 09:30", Absolute(datetime(2003, 8, 22, 9, 30))),
        ("2003-08-22T09:30:00", Absolute(datetime(2003, 8, 22, 9, 30))),
        ("23/08/2003 07:00", Absolute(datetime(2003, 8, 23, 7, 0))),
        ("08/23/03 0700", Absolute(datetime(2003, 8, 23, 7, 0))),
        ("23 Aug 2003 07:00", Absolute(datetime(2003, 8, 23, 7, 0))),
        ("August 23, 2003 7:00 pm", Absolute(datetime(2003, 8, 23, 19, 0))),
        (timedelta(hours=3), Offset(timedelta(hours=3))),
        (time(9, 30), Offset(timedelta(hours=9, minutes=30))),
        (datetime(1899, 12, 30, 9, 30), Offset(timedelta(hours=9, minutes=30))),
        (datetime(2003, 8, 22, 9, 30), Absolute(datetime(2003, 8, 22, 9, 30))),
        (0.25, Offset(timedelta(hours=6))),
    ],
)
def test_forms(cell: object, spec: object) -> None:
    assert read_time(cell) == spec


def test_clock_mode_reads_hh_mm_as_a_time_of_day() -> None:
    assert read_time("09:30", "clock") == Clock(time(9, 30))
    assert read_time(time(9, 30), "clock") == Clock(time(9, 30))
    with pytest.raises(TimeError, match="is not a clock time"):
        read_time("27:00", "clock")


def test_date_order() -> None:
    assert read_time("03/04/2003 10:00") == Absolute(datetime(2003, 4, 3, 10, 0))
    assert read_time("03/04/2003 10:00", order="mdy") == Absolute(datetime(2003, 3, 4, 10, 0))


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("25:99", "'25:99' is not a time"),
        ("soon", "'soon' is not a time"),
        ("+-1:00", "'+-1:00' is not a time"),
        ("Day 2", "'Day 2' has a day but no clock time"),
        ("Mon", "'Mon' has a day of the week but no clock time"),
        ("Day 0 06:00", "days are counted from Day 1"),
        ("2003-08-22", "'2003-08-22' is a date without a time of day"),
        ("31/02/2003 10:00", "is not a valid date"),
        ("2003-08-22T09:30+06:00", "has a time zone offset"),
        ("13 pm", "with am/pm, hours run from 1 to 12"),
        (date(2003, 8, 22), "has no time of day"),
        (42, "the number 42 is not a time"),
        (True, "is not a time"),
        (timedelta(hours=-1), "is a negative time"),
        ("", "no time given"),
    ],
)
def test_refused(cell: object, message: str) -> None:
    with pytest.raises(TimeError) as exc:
        read_time(cell)
    assert message in f"{exc.value.message} (hint: {exc.value.hint})"


def test_days() -> None:
    assert read_day("Day 2") == 1
    assert read_day("D+0") == 0
    assert read_day(3) == 2
    assert read_day("2003-08-23") == date(2003, 8, 23)
    assert read_day(datetime(2003, 8, 23, 0, 0)) == date(2003, 8, 23)
    with pytest.raises(TimeError):
        read_day("Monday-ish")


def test_resolver_rolls_clock_times_over_midnight() -> None:
    r = Resolver(START)
    got = [
        r.resolve(s)
        for s in (
            Clock(time(22, 0)),
            Clock(time(23, 30)),
            Clock(time(1, 0)),  # after midnight: the next day
            DayClock(2, time(5, 0)),
            Clock(time(6, 0)),  # the day of the row before
            Offset(timedelta(hours=3)),
        )
    ]
    assert [(str(d), rolled) for d, rolled in got] == [
        ("16:00:00", False),
        ("17:30:00", False),
        ("19:00:00", True),
        ("1 day, 23:00:00", False),
        ("2 days, 0:00:00", False),
        ("3:00:00", False),
    ]
    r.open_day(1)
    assert r.resolve(Clock(time(7, 0))) == (timedelta(hours=25), False)
