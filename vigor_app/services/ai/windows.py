"""Usage windows: the day, ISO week and month a moment falls in, in a person's time zone.

Each window runs from local midnight to local midnight (a week from Monday, a month from
the 1st) and is given back in UTC, so a day across a DST change lasts 23 or 25 hours. Keys
(``2026-11-22``, ``2026-W47``, ``2026-11``) name a window in counters and on screen.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DAY, WEEK, MONTH = "day", "week", "month"
KINDS = (DAY, WEEK, MONTH)


@dataclass(frozen=True)
class Window:
    kind: str  # day | week | month
    key: str
    starts_at: datetime  # UTC, inclusive
    ends_at: datetime  # UTC, exclusive

    def __contains__(self, moment: datetime) -> bool:
        return self.starts_at <= moment < self.ends_at


@dataclass(frozen=True)
class UsageWindows:
    day: Window
    week: Window
    month: Window

    def __iter__(self) -> Iterator[Window]:
        return iter((self.day, self.week, self.month))

    def of(self, kind: str) -> Window:
        return {DAY: self.day, WEEK: self.week, MONTH: self.month}[kind]


def zone(name: str | None) -> ZoneInfo:
    """The time zone called `name`; UTC for an empty or unknown name."""
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def _midnight(day: date, tz: ZoneInfo) -> datetime:
    # Where local midnight does not exist (a DST jump at 00:00), fold=0 gives the first
    # instant of the day, which is what a window needs.
    return datetime.combine(day, time(0), tzinfo=tz).astimezone(UTC)


def usage_windows(now: datetime, timezone: str | None = "UTC") -> UsageWindows:
    """The day, ISO week and month containing `now` (aware) in the zone `timezone`."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    tz = zone(timezone)
    return _windows_of(now.astimezone(tz).date(), tz)


@lru_cache(maxsize=1024)
def _windows_of(today: date, tz: ZoneInfo) -> UsageWindows:
    """The windows of one local date (every request asks, a few times: computed once a day)."""
    monday = today - timedelta(days=today.weekday())
    first = today.replace(day=1)
    next_first = (first + timedelta(days=32)).replace(day=1)
    iso_year, iso_week, _ = today.isocalendar()
    return UsageWindows(
        day=Window(DAY, today.isoformat(), _midnight(today, tz),
                   _midnight(today + timedelta(days=1), tz)),
        week=Window(WEEK, f"{iso_year}-W{iso_week:02d}", _midnight(monday, tz),
                    _midnight(monday + timedelta(days=7), tz)),
        month=Window(MONTH, f"{first:%Y-%m}", _midnight(first, tz), _midnight(next_first, tz)),
    )
