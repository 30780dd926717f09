"""Deadlines in working time, computed on paper.

The default working day is 09:00-12:00 and 13:30-17:30 in Asia/Shanghai (UTC+8, no daylight saving time):
3 h + 4 h = 7 working hours. Days below are checked against a 2025/2026 wall calendar; the official holidays
are the State Council's (国务院办公厅关于2025年/2026年部分节假日安排的通知).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import asyncpg
import chinese_calendar
import msgspec
import pytest

from cases.workflow import deadlines
from cases.workflow.deadlines import (
    OFFICIAL_YEARS,
    SEARCH_HORIZON_DAYS,
    CalendarConfig,
    CalendarOverrideSet,
    WorkCalendar,
    load_calendar,
    official_day,
)
from cases.workflow.errors import (
    CalendarOverrideNotFound,
    DeadlineBeyondCalendar,
    InvalidCalendarDate,
    InvalidCalendarRange,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
H = timedelta(hours=1)
CAL = WorkCalendar()


def at(y: int, mo: int, d: int, h: int = 0, mi: int = 0, s: int = 0) -> datetime:
    """A local (Shanghai) moment."""
    return datetime(y, mo, d, h, mi, s, tzinfo=SHANGHAI)


knows_2026 = pytest.mark.skipif(
    official_day(date(2026, 2, 14)) is None, reason="chinese_calendar does not know 2026 yet"
)


# the working day ----------------------------------------------------------------------------------------------


def test_the_default_day_has_seven_working_hours() -> None:
    assert CalendarConfig().hours_per_day == 7.0
    # 15 working days (违法搭建, Jiyuan) = 15 x 7 h
    assert CAL.working_days(15) == timedelta(hours=105)


def test_within_one_period() -> None:
    # Tue 2025-09-09 09:30 + 2 h = 11:30, all before lunch
    assert CAL.add(at(2025, 9, 9, 9, 30), 2 * H) == at(2025, 9, 9, 11, 30)


def test_across_lunch() -> None:
    # Tue 2025-09-09 11:00 + 2 h: 11:00-12:00 is 1 h, lunch does not count, 13:30 + 1 h = 14:30
    assert CAL.add(at(2025, 9, 9, 11), 2 * H) == at(2025, 9, 9, 14, 30)


def test_a_limit_that_ends_with_a_period_ends_there() -> None:
    # Tue 11:00 + 1 h = 12:00 sharp, not 13:30 when work resumes
    assert CAL.add(at(2025, 9, 9, 11), H) == at(2025, 9, 9, 12)
    # and 17:30 on the last period, not 09:00 the next morning
    assert CAL.add(at(2025, 9, 9, 13, 30), 4 * H) == at(2025, 9, 9, 17, 30)


def test_exact_to_the_second() -> None:
    # 11:59:59 + 2 s: 1 s to 12:00:00, then 13:30:00 + 1 s
    assert CAL.add(at(2025, 9, 9, 11, 59, 59), timedelta(seconds=2)) == at(2025, 9, 9, 13, 30, 1)
    # 5 working hours from 10:17:43: 10:17:43-12:00 = 1:42:17, left 3:17:43 -> 13:30 + 3:17:43 = 16:47:43
    assert CAL.add(at(2025, 9, 9, 10, 17, 43), 5 * H) == at(2025, 9, 9, 16, 47, 43)


def test_across_a_weekend() -> None:
    # Fri 2025-09-12 16:30 + 3 h: 16:30-17:30 = 1 h; Sat 13 and Sun 14 off; Mon 15 09:00 + 2 h = 11:00
    assert CAL.add(at(2025, 9, 12, 16, 30), 3 * H) == at(2025, 9, 15, 11)


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        # Wed 22:00: nothing until Thu 09:00, + 1 h = 10:00
        (at(2025, 9, 10, 22), at(2025, 9, 11, 10)),
        # Thu 06:00 (before work): the same
        (at(2025, 9, 11, 6), at(2025, 9, 11, 10)),
        # Thu 00:00 exactly
        (at(2025, 9, 11), at(2025, 9, 11, 10)),
        # Thu 12:45 (lunch): counts from 13:30, + 1 h = 14:30
        (at(2025, 9, 11, 12, 45), at(2025, 9, 11, 14, 30)),
        # Fri 18:00: the weekend is off too, Mon 09:00 + 1 h
        (at(2025, 9, 12, 18), at(2025, 9, 15, 10)),
        # Sat 10:00
        (at(2025, 9, 13, 10), at(2025, 9, 15, 10)),
    ],
)
def test_starting_outside_working_hours_counts_from_the_next_period(
    start: datetime, expected: datetime
) -> None:
    assert CAL.add(start, H) == expected


def test_a_zero_limit_is_the_start_itself() -> None:
    assert CAL.add(at(2025, 9, 13, 22), timedelta(0)) == at(2025, 9, 13, 22)


# the official calendar ----------------------------------------------------------------------------------------


def test_national_day_2025_is_off_and_its_make_up_days_are_working_days() -> None:
    sources = {d: CAL.describe(d) for d in (date(2025, 9, 28), date(2025, 10, 1), date(2025, 10, 11))}
    assert [(s.workday, s.source) for s in sources.values()] == [
        (True, "official"),  # Sun 28 Sep: make-up working day
        (False, "official"),  # Wed 1 Oct
        (True, "official"),  # Sat 11 Oct: make-up working day
    ]
    assert sources[date(2025, 9, 28)].festival == "National Day"
    assert [CAL.is_workday(date(2025, 10, d)) for d in range(1, 13)] == [
        *[False] * 8,  # 1-8 Oct off (National Day with Mid-autumn)
        True,  # Thu 9
        True,  # Fri 10
        True,  # Sat 11, make-up
        False,  # Sun 12
    ]


def test_across_national_day_2025() -> None:
    # Tue 30 Sep 15:00 + 7 h (one working day): 15:00-17:30 = 2.5 h, left 4.5 h;
    # 1-8 Oct off; Thu 9 Oct 09:00-12:00 = 3 h, left 1.5 h; 13:30 + 1.5 h = 15:00
    assert CAL.add(at(2025, 9, 30, 15), 7 * H) == at(2025, 10, 9, 15)


def test_make_up_days_count() -> None:
    # Sat 27 Sep is off, Sun 28 Sep is a make-up working day: Sat 10:00 + 1 h = Sun 28 Sep 10:00
    assert CAL.add(at(2025, 9, 27, 10), H) == at(2025, 9, 28, 10)
    # Fri 10 Oct 17:00 + 1 h: 0.5 h on Friday, Sat 11 Oct (make-up) 09:00 + 0.5 h = 09:30
    assert CAL.add(at(2025, 10, 10, 17), H) == at(2025, 10, 11, 9, 30)


def test_fifteen_working_days_across_national_day() -> None:
    # From Fri 26 Sep 09:00, 105 h = 15 whole working days:
    # 26 Sep, Sun 28 Sep, 29, 30 (4), 9 Oct, 10, Sat 11 (7), 13-17 (12), 20, 21, 22 (15) -> Wed 22 Oct 17:30
    assert CAL.add(at(2025, 9, 26, 9), CAL.working_days(15)) == at(2025, 10, 22, 17, 30)


@knows_2026
def test_across_spring_festival_2026() -> None:
    # 2026: 15-23 Feb off; Sat 14 Feb and Sat 28 Feb are make-up working days.
    assert CAL.is_workday(date(2026, 2, 14))
    assert not any(CAL.is_workday(date(2026, 2, d)) for d in range(15, 24))
    assert CAL.is_workday(date(2026, 2, 28))
    # Fri 13 Feb 14:00 + 3 working days (21 h): Fri 14:00-17:30 = 3.5 h (left 17.5); Sat 14 = 7 h (10.5);
    # 15-23 off; Tue 24 = 7 h (3.5); Wed 25 09:00-12:00 = 3 h (0.5); 13:30 + 0.5 h = 14:00
    assert CAL.add(at(2026, 2, 13, 14), 21 * H) == at(2026, 2, 25, 14)


def test_years_the_package_does_not_know_fall_back_to_monday_to_friday() -> None:
    assert 2099 not in OFFICIAL_YEARS and official_day(date(2099, 1, 5)) is None
    with pytest.raises(NotImplementedError):  # what the package itself says of the year
        chinese_calendar.is_workday(date(2099, 1, 5))
    # Mon 5 Jan 2099 .. Sun 11 Jan 2099
    days = [CAL.describe(date(2099, 1, d)) for d in range(5, 12)]
    assert {d.source for d in days} == {"weekday-rule"}
    assert [d.workday for d in days] == [True] * 5 + [False] * 2
    # Fri 9 Jan 2099 17:00 + 1 h: 0.5 h Friday, Mon 12 Jan 09:30
    assert CAL.add(at(2099, 1, 9, 17), H) == at(2099, 1, 12, 9, 30)


# between ------------------------------------------------------------------------------------------------------


def test_between_counts_only_working_time() -> None:
    # Tue 11:00 -> 14:30: 11:00-12:00 (1 h) + 13:30-14:30 (1 h)
    assert CAL.between(at(2025, 9, 9, 11), at(2025, 9, 9, 14, 30)) == 2 * H
    # Tue 30 Sep 15:00 -> Thu 9 Oct 15:00 across National Day: 2.5 h + 3 h + 1.5 h
    assert CAL.between(at(2025, 9, 30, 15), at(2025, 10, 9, 15)) == 7 * H
    # a whole weekend
    assert CAL.between(at(2025, 9, 12, 18), at(2025, 9, 15, 9)) == timedelta(0)
    # a whole week Mon 00:00 -> Mon 00:00 = 5 x 7 h
    assert CAL.between(at(2025, 9, 15), at(2025, 9, 22)) == 35 * H


def test_between_is_zero_when_the_end_is_not_after_the_start() -> None:
    assert CAL.between(at(2025, 9, 9, 14), at(2025, 9, 9, 10)) == timedelta(0)
    assert CAL.between(at(2025, 9, 9, 10), at(2025, 9, 9, 10)) == timedelta(0)


@pytest.mark.parametrize(
    "start",
    [
        at(2025, 9, 9, 11),
        at(2025, 9, 12, 16, 30),
        at(2025, 9, 27, 3),
        at(2025, 9, 30, 15),
        at(2026, 2, 13, 14),
    ],
)
@pytest.mark.parametrize("hours", [0.5, 1, 2, 5, 7, 24, 105])
def test_between_is_the_inverse_of_add(start: datetime, hours: float) -> None:
    end = CAL.add(start, timedelta(hours=hours))
    assert CAL.between(start, end) == timedelta(hours=hours)


def test_add_of_between_lands_on_the_end_when_it_is_working_time() -> None:
    start, end = at(2025, 9, 26, 10, 11, 12), at(2025, 10, 13, 15, 16, 17)
    assert CAL.add(start, CAL.between(start, end)) == end


# overrides ----------------------------------------------------------------------------------------------------


def test_an_override_day_off_moves_the_deadline() -> None:
    # Wed 10 Sep 16:30 + 2 h: 1 h on Wednesday, Thu 11 Sep 09:00 + 1 h = 10:00
    start = at(2025, 9, 10, 16, 30)
    assert CAL.add(start, 2 * H) == at(2025, 9, 11, 10)
    # a typhoon closes Thursday: Fri 12 Sep 10:00
    typhoon = WorkCalendar(overrides={date(2025, 9, 11): False})
    assert typhoon.describe(date(2025, 9, 11)).source == "override"
    assert typhoon.add(start, 2 * H) == at(2025, 9, 12, 10)


def test_an_override_working_day_counts() -> None:
    # an extra working Saturday 13 Sep: Fri 12 Sep 17:00 + 1 h = 0.5 h Friday, Sat 09:30
    extra = WorkCalendar(overrides={date(2025, 9, 13): True})
    assert extra.add(at(2025, 9, 12, 17), H) == at(2025, 9, 13, 9, 30)
    # an override beats the official calendar: Wed 1 Oct 2025 (National Day) made a working day
    national_day = WorkCalendar(overrides={date(2025, 10, 1): True})
    assert national_day.add(at(2025, 9, 30, 17), H) == at(2025, 10, 1, 9, 30)


def test_a_calendar_without_working_days_gives_up() -> None:
    start = at(2025, 1, 1)
    days_off = {start.date() + timedelta(days=i): False for i in range(SEARCH_HORIZON_DAYS + 1)}
    never = WorkCalendar(overrides=days_off)
    with pytest.raises(DeadlineBeyondCalendar):
        never.add(start, H)


async def test_overrides_from_the_database_change_deadlines(db: asyncpg.Connection) -> None:
    start = at(2025, 9, 10, 16, 30)
    assert (await load_calendar(db)).add(start, 2 * H) == at(2025, 9, 11, 10)

    async with db.transaction():
        before, after = await deadlines.set_override(
            db, None, date(2025, 9, 11), CalendarOverrideSet(workday=False, note="台风停工"), None
        )
    assert (before.workday, before.source) == (True, "official")
    assert (after.workday, after.source, after.note) == (False, "override", "台风停工")
    # Thursday is off now: Fri 12 Sep 10:00
    assert (await load_calendar(db)).add(start, 2 * H) == at(2025, 9, 12, 10)

    async with db.transaction():
        await deadlines.remove_override(db, None, date(2025, 9, 11))
    assert (await load_calendar(db)).add(start, 2 * H) == at(2025, 9, 11, 10)
    with pytest.raises(CalendarOverrideNotFound):
        async with db.transaction():
            await deadlines.remove_override(db, None, date(2025, 9, 11))


# natural time -------------------------------------------------------------------------------------------------


def test_natural_time_limits_run_day_and_night() -> None:
    # missing sewer cover, 2 hours (Taiyuan): Sat 13 Sep 23:00 -> Sun 01:00, weekend or not
    assert CAL.due(at(2025, 9, 13, 23), 2, working=False) == at(2025, 9, 14, 1)
    # during National Day too: Wed 1 Oct 10:00 + 6 h = 16:00
    assert CAL.due(at(2025, 10, 1, 10), 6, working=False) == at(2025, 10, 1, 16)
    # 10 minutes
    assert CAL.due(at(2025, 10, 1, 10), 1 / 6, working=False) == at(2025, 10, 1, 10, 10)


def test_due_in_working_hours() -> None:
    # dirty road, 5 working hours (Jiyuan): Fri 12 Sep 16:00: 1.5 h Friday, Mon 09:00-12:00 = 3 h,
    # 13:30 + 0.5 h = 14:00 Mon 15 Sep
    assert CAL.due(at(2025, 9, 12, 16), 5) == at(2025, 9, 15, 14)
    # 1 working hour (Fuzhou) at 11:30: 0.5 h before lunch, 13:30 + 0.5 h
    assert CAL.due(at(2025, 9, 9, 11, 30), 1) == at(2025, 9, 9, 14)


@pytest.mark.parametrize("hours", [-1, float("nan"), float("inf")])
def test_due_refuses_nonsense_limits(hours: float) -> None:
    with pytest.raises(ValueError, match="hours"):
        CAL.due(at(2025, 9, 9, 10), hours)


# time zones ---------------------------------------------------------------------------------------------------


def test_utc_input_and_utc_output() -> None:
    # 03:00 UTC = 11:00 Shanghai; + 2 h working = 14:30 Shanghai = 06:30 UTC
    due = CAL.add(datetime(2025, 9, 9, 3, tzinfo=UTC), 2 * H)
    assert due == datetime(2025, 9, 9, 6, 30, tzinfo=UTC)
    assert due.utcoffset() == timedelta(0)
    # 12:00 Tokyo (UTC+9) = 11:00 Shanghai: the same deadline
    assert CAL.add(datetime(2025, 9, 9, 12, tzinfo=timezone(timedelta(hours=9))), 2 * H) == due


def test_the_local_day_decides_not_the_utc_day() -> None:
    # Sun 28 Sep 2025 (make-up working day) 09:00 Shanghai is Sat 27 Sep 01:00 UTC: still working time
    start = datetime(2025, 9, 27, 23, 30, tzinfo=UTC)  # = Sun 28 Sep 07:30 Shanghai
    assert CAL.add(start, H) == at(2025, 9, 28, 10)
    # Mon 15 Sep 16:00 UTC = Tue 16 Sep 00:00 Shanghai: counts from Tuesday 09:00
    assert CAL.add(datetime(2025, 9, 15, 16, tzinfo=UTC), H) == at(2025, 9, 16, 10)


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        CAL.add(datetime(2025, 9, 9, 10), H)
    with pytest.raises(ValueError, match="aware"):
        CAL.between(at(2025, 9, 9, 10), datetime(2025, 9, 9, 12))


# configuration ------------------------------------------------------------------------------------------------


def test_working_hours_are_configuration() -> None:
    # a city working 08:00-12:00 and 14:00-18:00 (8 h a day)
    config = msgspec.convert(
        {"timezone": "Asia/Urumqi", "periods": [["08:00:00", "12:00:00"], ["14:00:00", "18:00:00"]]},
        CalendarConfig,
    )
    assert config.hours_per_day == 8.0
    calendar = WorkCalendar(config)
    # Tue 9 Sep 11:00 Urumqi (UTC+6) + 2 h: 1 h to 12:00, 14:00 + 1 h = 15:00
    urumqi = ZoneInfo("Asia/Urumqi")
    due = calendar.add(datetime(2025, 9, 9, 11, tzinfo=urumqi), 2 * H)
    assert due == datetime(2025, 9, 9, 15, tzinfo=urumqi)


@pytest.mark.parametrize(
    "periods",
    [
        [],
        [["12:00:00", "09:00:00"]],
        [["09:00:00", "12:00:00"], ["11:00:00", "17:00:00"]],
        [["13:00:00", "17:00:00"], ["09:00:00", "12:00:00"]],
    ],
)
def test_bad_working_periods_are_refused(periods: list[list[str]]) -> None:
    with pytest.raises(msgspec.ValidationError):
        msgspec.convert({"periods": periods}, CalendarConfig)


def test_an_unknown_time_zone_is_refused() -> None:
    with pytest.raises(msgspec.ValidationError, match="time zone"):
        msgspec.convert({"timezone": "Mars/Olympus"}, CalendarConfig)


def test_periods_are_local_times() -> None:
    with pytest.raises(ValueError, match="wall-clock"):
        CalendarConfig(periods=((time(9, tzinfo=UTC), time(12, tzinfo=UTC)),))


# input --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["2025-02-29", "2025-13-01", "20250911", "2025-W37-4", "tomorrow", "", "2025-9-1"]
)
def test_bad_days_are_refused(text: str) -> None:
    with pytest.raises(InvalidCalendarDate):
        deadlines.parse_day(text)


def test_ranges_are_checked() -> None:
    deadlines.check_range(date(2025, 1, 1), date(2026, 1, 1))  # 366 days inclusive
    with pytest.raises(InvalidCalendarRange):
        deadlines.check_range(date(2025, 1, 1), date(2026, 1, 2))  # 367
    with pytest.raises(InvalidCalendarRange):
        deadlines.check_range(date(2025, 1, 2), date(2025, 1, 1))
