"""Dates in the platform's explicit time zone: effective dates, business days and the port-date rule.

Everything is stored in UTC; a calendar date (an EffectiveDate, a PortInDate, a RenewalDay) means
midnight of that date in a named IANA zone, never in the server's local zone."""

from __future__ import annotations

import calendar
import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from mpaas.core.wire import MAX_YEAR, MIN_YEAR

# Port requests submitted after this local hour count from the next business day (carrier cut-off).
PORT_CUTOFF_HOUR = 16


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {name!r} (use an IANA name such as America/New_York)") from None


def parse_us_date(value: str) -> date | None:
    """`MM/DD/YYYY` (also `M/D/YYYY`) or ISO `YYYY-MM-DD`; None when it is neither, or when its year is outside
    core.wire's MIN_YEAR..MAX_YEAR (12/31/9999 plus a business day overflowed the date type: a 500)."""
    value = (value or "").strip()
    m = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", value)
    try:
        if m:
            parsed = date(int(m.group(3)), int(m.group(1)), int(m.group(2)))
        elif m := re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})(T00:00:00)?", value):
            parsed = date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        else:
            return None
    except ValueError:
        return None
    return parsed if MIN_YEAR <= parsed.year <= MAX_YEAR else None


def local_midnight(day: date, tz: ZoneInfo) -> datetime:
    """The UTC instant at which `day` begins in `tz`."""
    return datetime.combine(day, time(0), tzinfo=tz).astimezone(ZoneInfo("UTC"))


def local_date(instant: datetime, tz: ZoneInfo) -> date:
    return instant.astimezone(tz).date()


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    first = date(year, month, 1)
    offset = (weekday - first.weekday()) % 7
    return first + timedelta(days=offset + 7 * (n - 1))


def _last_weekday(year: int, month: int, weekday: int) -> date:
    last = date(year, month, calendar.monthrange(year, month)[1])
    return last - timedelta(days=(last.weekday() - weekday) % 7)


def _observed(day: date) -> date:
    if day.weekday() == 5:
        return day - timedelta(days=1)
    if day.weekday() == 6:
        return day + timedelta(days=1)
    return day


def us_federal_holidays(year: int) -> set[date]:
    """The days US carriers do not port numbers (federal holidays, as observed)."""
    return {
        _observed(date(year, 1, 1)),
        _nth_weekday(year, 1, 0, 3),
        _nth_weekday(year, 2, 0, 3),
        _last_weekday(year, 5, 0),
        _observed(date(year, 6, 19)),
        _observed(date(year, 7, 4)),
        _nth_weekday(year, 9, 0, 1),
        _nth_weekday(year, 10, 0, 2),
        _observed(date(year, 11, 11)),
        _nth_weekday(year, 11, 3, 4),
        _observed(date(year, 12, 25)),
    }


def is_business_day(day: date) -> bool:
    return day.weekday() < 5 and day not in us_federal_holidays(day.year)


def next_business_day(day: date) -> date:
    day += timedelta(days=1)
    while not is_business_day(day):
        day += timedelta(days=1)
    return day


def earliest_port_date(submitted: datetime, tz: ZoneInfo) -> date:
    """A port completes no sooner than the business day after the day it was received; a request
    received after 4 PM local time, or on a weekend or holiday, is received the next business day."""
    local = submitted.astimezone(tz)
    received = local.date()
    if not is_business_day(received) or local.hour >= PORT_CUTOFF_HOUR:
        received = next_business_day(received)
    return next_business_day(received)


def add_months(day: date, months: int, wanted_day: int) -> date:
    """`wanted_day` of the month `months` after `day`'s month, clamped to the month's length
    (RenewalDay 31 renews on Feb 28/29, Apr 30 ...)."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(wanted_day, calendar.monthrange(year, month)[1]))
