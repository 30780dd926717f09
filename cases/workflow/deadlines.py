"""The working-time calendar behind case deadlines.

Cities set their limits in working hours and working days (DOMAIN.md section 2), so a deadline is "the
moment when this much working time has elapsed". Which days are working days comes from, in order:

1. an admin's override for that day (a typhoon day off, a local holiday, an extra working day);
2. the official calendar published each year by the State Council, as carried by the ``chinese_calendar``
   package (public holidays and the make-up working days, 调休);
3. Monday to Friday, for years the package does not know yet. Upgrade the package (or add overrides) when
   the next year's official calendar is published, usually in November.

Working hours inside a working day are configuration (:class:`CalendarConfig`). All arithmetic is done on UTC
instants, so a zone with daylight saving time would also be counted correctly; Asia/Shanghai has none.

Some limits are in natural time (a missing sewer cover: 2 hours, day and night): :meth:`WorkCalendar.due`
with ``working=False``.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Iterator, Mapping
from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated, Final, Literal
from uuid import UUID
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import asyncpg
import chinese_calendar
import msgspec

from cases.workflow.errors import (
    CalendarOverrideNotFound,
    DeadlineBeyondCalendar,
    InvalidCalendarDate,
    InvalidCalendarRange,
)
from cases.workflow.store import calendar as store

#: How far ahead `WorkCalendar.add` looks for working time before giving up.
SEARCH_HORIZON_DAYS = 3 * 366


#: The most days one calendar listing may span.
MAX_LISTED_DAYS = 366


DaySource = Literal["override", "official", "weekday-rule"]


Period = tuple[time, time]


class CalendarConfig(msgspec.Struct, frozen=True, kw_only=True):
    """The city's working hours: local practice, so configuration.

    ``periods`` are the working periods of every working day, in local time, in order and not overlapping.
    The default (09:00-12:00 and 13:30-17:30) makes a working day of 7 hours.
    """

    timezone: str = "Asia/Shanghai"
    periods: tuple[Period, ...] = ((time(9, 0), time(12, 0)), (time(13, 30), time(17, 30)))

    def __post_init__(self) -> None:
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {self.timezone!r}") from exc
        if not self.periods:
            raise ValueError("a working day needs at least one working period")
        previous_end: time | None = None
        for start, end in self.periods:
            if start.tzinfo is not None or end.tzinfo is not None:
                raise ValueError("working periods are local wall-clock times, without a time zone")
            if not start < end:
                raise ValueError(f"a working period must end after it starts: {start}-{end}")
            if previous_end is not None and start < previous_end:
                raise ValueError("working periods must be in order and must not overlap")
            previous_end = end

    @property
    def hours_per_day(self) -> float:
        return sum(_seconds(end) - _seconds(start) for start, end in self.periods) / 3600


def _seconds(t: time) -> float:
    return t.hour * 3600 + t.minute * 60 + t.second + t.microsecond / 1e6


#: the years chinese_calendar has the State Council's notices for: from its first listed holiday's year to its last
#: (the package refuses any other year; a deadline then falls back to the weekday rule)
OFFICIAL_YEARS: Final = range(min(chinese_calendar.holidays).year, max(chinese_calendar.holidays).year + 1)


@functools.lru_cache(maxsize=8192)
def official_day(day: date) -> tuple[bool, str | None] | None:
    """(working day?, festival name) from the official calendar, or None for a year it does not cover.

    The name is the holiday the day belongs to, for days off and for make-up working days alike
    (``"National Day"``); None for an ordinary weekday or weekend.
    """
    if day.year not in OFFICIAL_YEARS:
        return None
    workday = bool(chinese_calendar.is_workday(day))
    _, name = chinese_calendar.get_holiday_detail(day)
    return workday, (str(name) if name else None)


class CalendarDay(msgspec.Struct, frozen=True, kw_only=True):
    """One day of the calendar as a deadline sees it, and why."""

    day: date
    workday: bool
    source: DaySource
    festival: str | None = None  # the official holiday this day belongs to (a day off or a make-up day)
    note: str = ""  # the admin's note on an override


class CalendarPage(msgspec.Struct, frozen=True, kw_only=True):
    from_: date = msgspec.field(name="from")
    to: date
    timezone: str
    hours_per_day: float
    days: list[CalendarDay]


class CalendarOverrideSet(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """An admin's decision for one day: a working day (true) or a day off (false)."""

    workday: bool
    note: Annotated[str, msgspec.Meta(max_length=200)] = ""


class WorkCalendar:
    """Working days and hours of one city: adds working time to a moment, and measures it between two."""

    def __init__(
        self, config: CalendarConfig | None = None, overrides: Mapping[date, bool] | None = None
    ) -> None:
        self.config = config or CalendarConfig()
        self.tz = ZoneInfo(self.config.timezone)
        self.overrides: dict[date, bool] = dict(overrides or {})
        self._workdays: dict[date, bool] = {}

    # days ---------------------------------------------------------------------------------------------------

    def describe(self, day: date) -> CalendarDay:
        """Whether `day` is a working day, and which rule said so."""
        official = official_day(day)
        festival = official[1] if official else None
        if day in self.overrides:
            return CalendarDay(day=day, workday=self.overrides[day], source="override", festival=festival)
        if official is not None:
            return CalendarDay(day=day, workday=official[0], source="official", festival=official[1])
        return CalendarDay(day=day, workday=day.weekday() < 5, source="weekday-rule")

    def is_workday(self, day: date) -> bool:
        known = self._workdays.get(day)
        if known is None:
            known = self._workdays[day] = self.describe(day).workday
        return known

    def _periods(self, day: date) -> Iterator[tuple[datetime, datetime]]:
        """The working periods of a working day as UTC instants (none on a day off)."""
        if not self.is_workday(day):
            return
        for start, end in self.config.periods:
            yield (
                datetime.combine(day, start, tzinfo=self.tz).astimezone(UTC),
                datetime.combine(day, end, tzinfo=self.tz).astimezone(UTC),
            )

    def _local_day(self, moment: datetime) -> date:
        return moment.astimezone(self.tz).date()

    # working time -------------------------------------------------------------------------------------------

    def add(self, start: datetime, duration: timedelta) -> datetime:
        """The moment (UTC) when `duration` of working time has elapsed after `start`.

        Time outside working periods does not count: a start at night counts from the next working period,
        and a duration that ends exactly at the end of a period ends there (12:00, not 13:30). A zero
        duration is `start` itself. Raises DeadlineBeyondCalendar when the working time cannot elapse within
        SEARCH_HORIZON_DAYS (a calendar whose every day is a day off).
        """
        moment = _utc(start, "start")
        if duration < timedelta(0):
            raise ValueError("a duration of working time cannot be negative")
        if duration == timedelta(0):
            return moment
        remaining = duration
        day = self._local_day(moment)
        for _ in range(SEARCH_HORIZON_DAYS + 1):
            for period_start, period_end in self._periods(day):
                if period_end <= moment:
                    continue
                begin = max(period_start, moment)
                available = period_end - begin
                if remaining <= available:
                    return begin + remaining
                remaining -= available
            day += timedelta(days=1)
        raise DeadlineBeyondCalendar(
            f"{duration} of working time does not elapse within {SEARCH_HORIZON_DAYS} days of {moment:%Y-%m-%d}"
        )

    def between(self, start: datetime, end: datetime) -> timedelta:
        """The working time elapsed from `start` to `end` (zero when `end` is not after `start`)."""
        first, last = _utc(start, "start"), _utc(end, "end")
        total = timedelta(0)
        if last <= first:
            return total
        day, final_day = self._local_day(first), self._local_day(last)
        while day <= final_day:
            for period_start, period_end in self._periods(day):
                overlap = min(period_end, last) - max(period_start, first)
                if overlap > timedelta(0):
                    total += overlap
            day += timedelta(days=1)
        return total

    def due(self, start: datetime, hours: float, *, working: bool = True) -> datetime:
        """The deadline (UTC) of a limit of `hours` from `start`: in working time, or with `working=False`
        in natural (wall-clock) time, for limits that run day and night. Hours are rounded to the second."""
        if not math.isfinite(hours) or hours < 0:
            raise ValueError(f"a limit must be a finite, non-negative number of hours, not {hours!r}")
        duration = timedelta(seconds=round(hours * 3600))
        if working:
            return self.add(start, duration)
        return _utc(start, "start") + duration

    def working_days(self, days: float) -> timedelta:
        """A limit in working days as working time (1 working day = the configured hours of a day)."""
        return timedelta(hours=self.config.hours_per_day * days)


def _utc(moment: datetime, name: str) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be a time-zone aware datetime")
    return moment.astimezone(UTC)


_ISO_DAY = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


def parse_day(text: str, field: str = "day") -> date:
    """A calendar day written YYYY-MM-DD; anything else is refused with InvalidCalendarDate."""
    try:
        if not _ISO_DAY.fullmatch(text):
            raise ValueError(text)
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidCalendarDate(f"{field} must be a date written YYYY-MM-DD", fields=(field,)) from None


def check_range(first: date, last: date) -> None:
    if last < first:
        raise InvalidCalendarRange("'to' is before 'from'", fields=("from", "to"))
    if (last - first).days + 1 > MAX_LISTED_DAYS:
        raise InvalidCalendarRange(
            f"a listing spans at most {MAX_LISTED_DAYS} days", fields=("from", "to"), max_days=MAX_LISTED_DAYS
        )


async def load_calendar(conn: asyncpg.Connection, config: CalendarConfig | None = None) -> WorkCalendar:
    """The city's calendar with every admin override (a handful of rows a year)."""
    rows = await store.select_overrides(conn)
    return WorkCalendar(config, {r["day"]: r["workday"] for r in rows})


async def calendar_days(
    conn: asyncpg.Connection, config: CalendarConfig | None, first: date, last: date
) -> CalendarPage:
    """Every day from `first` to `last` (inclusive, at most MAX_LISTED_DAYS) with its source."""
    check_range(first, last)
    rows = await store.select_overrides(conn, first, last)
    calendar = WorkCalendar(config, {r["day"]: r["workday"] for r in rows})
    notes = {r["day"]: r["note"] for r in rows}
    days = []
    for offset in range((last - first).days + 1):
        described = calendar.describe(first + timedelta(days=offset))
        if described.day in notes:
            described = msgspec.structs.replace(described, note=notes[described.day])
        days.append(described)
    return CalendarPage(
        from_=first,
        to=last,
        timezone=calendar.config.timezone,
        hours_per_day=calendar.config.hours_per_day,
        days=days,
    )


async def _describe_one(conn: asyncpg.Connection, config: CalendarConfig | None, day: date) -> CalendarDay:
    page = await calendar_days(conn, config, day, day)
    return page.days[0]


async def set_override(
    conn: asyncpg.Connection,
    config: CalendarConfig | None,
    day: date,
    update: CalendarOverrideSet,
    actor_id: UUID | None,
) -> tuple[CalendarDay, CalendarDay]:
    """Make `day` a working day or a day off whatever the official calendar says. Returns (before, after)."""
    await store.lock_override(conn, day)
    before = await _describe_one(conn, config, day)
    await store.upsert_override(conn, day, update.workday, update.note, actor_id)
    return before, await _describe_one(conn, config, day)


async def remove_override(
    conn: asyncpg.Connection, config: CalendarConfig | None, day: date
) -> tuple[CalendarDay, CalendarDay]:
    """Give `day` back to the official calendar. Returns (before, after)."""
    await store.lock_override(conn, day)
    before = await _describe_one(conn, config, day)
    if not await store.delete_override(conn, day):
        raise CalendarOverrideNotFound(f"{day.isoformat()} has no override")
    return before, await _describe_one(conn, config, day)
