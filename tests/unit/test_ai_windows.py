"""Quota windows: day, ISO week and month in the person's time zone, across DST changes."""

from datetime import UTC, datetime, timedelta

import pytest

from vigor_app.services.ai.windows import usage_windows


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_windows_in_utc():
    windows = usage_windows(utc(2026, 11, 18, 12, 0))
    assert (windows.day.key, windows.week.key, windows.month.key) == ("2026-11-18", "2026-W47", "2026-11")
    assert (windows.day.starts_at, windows.day.ends_at) == (utc(2026, 11, 18), utc(2026, 11, 19))
    assert (windows.week.starts_at, windows.week.ends_at) == (utc(2026, 11, 16), utc(2026, 11, 23))
    assert (windows.month.starts_at, windows.month.ends_at) == (utc(2026, 11, 1), utc(2026, 12, 1))
    assert utc(2026, 11, 18, 23, 59, 59) in windows.day
    assert utc(2026, 11, 19) not in windows.day


def test_the_day_changes_at_local_midnight():
    before = usage_windows(utc(2026, 11, 18, 14, 59), "Asia/Tokyo")  # 23:59 in Tokyo
    after = usage_windows(utc(2026, 11, 18, 15, 0), "Asia/Tokyo")  # 00:00 in Tokyo
    assert (before.day.key, after.day.key) == ("2026-11-18", "2026-11-19")
    assert after.day.starts_at == utc(2026, 11, 18, 15, 0)
    assert before.day.ends_at == after.day.starts_at


def test_the_week_starts_on_monday_in_the_persons_zone():
    sunday_night = usage_windows(utc(2026, 11, 23, 4, 30), "America/Los_Angeles")  # Sun 20:30
    assert sunday_night.week.key == "2026-W47"
    assert sunday_night.week.starts_at == utc(2026, 11, 16, 8, 0)  # Monday 00:00 PST
    monday = usage_windows(utc(2026, 11, 23, 8, 0), "America/Los_Angeles")
    assert monday.week.key == "2026-W48"


def test_the_month_changes_at_local_midnight_on_the_first():
    # 23:30 UTC on 30 November is already 1 December in Auckland (UTC+13 in summer)
    windows = usage_windows(utc(2026, 11, 30, 23, 30), "Pacific/Auckland")
    assert windows.month.key == "2026-12"
    assert windows.month.starts_at == utc(2026, 11, 30, 11, 0)
    assert windows.month.ends_at == utc(2026, 12, 31, 11, 0)


def test_iso_weeks_cross_the_year():
    assert usage_windows(utc(2026, 12, 31, 12)).week.key == "2026-W53"
    assert usage_windows(utc(2027, 1, 3, 12)).week.key == "2026-W53"  # Sunday
    assert usage_windows(utc(2027, 1, 4, 12)).week.key == "2027-W01"
    assert usage_windows(utc(2027, 1, 3, 12)).month.key == "2027-01"


def test_a_spring_forward_day_lasts_23_hours_and_a_fall_back_day_25():
    spring = usage_windows(utc(2026, 3, 8, 17), "America/New_York").day
    assert spring.key == "2026-03-08"
    assert spring.ends_at - spring.starts_at == timedelta(hours=23)
    assert spring.starts_at == utc(2026, 3, 8, 5)  # midnight EST
    assert spring.ends_at == utc(2026, 3, 9, 4)  # midnight EDT
    fall = usage_windows(utc(2026, 11, 1, 17), "America/New_York").day
    assert fall.ends_at - fall.starts_at == timedelta(hours=25)
    week = usage_windows(utc(2026, 3, 8, 17), "Europe/London").week  # UK clocks change 29 March
    assert week.ends_at - week.starts_at == timedelta(days=7)
    dst_week = usage_windows(utc(2026, 3, 25, 12), "Europe/London").week
    assert dst_week.ends_at - dst_week.starts_at == timedelta(days=7, hours=-1)


def test_where_midnight_does_not_exist_the_day_starts_at_the_first_instant():
    # Chile springs forward at 00:00 on 6 September 2026: the day starts at 01:00 local.
    day = usage_windows(utc(2026, 9, 6, 15), "America/Santiago").day
    assert day.key == "2026-09-06"
    assert day.starts_at == utc(2026, 9, 6, 4)  # 01:00 CLST (-03) == 00:00 CLT (-04)
    assert day.ends_at - day.starts_at == timedelta(hours=23)


def test_an_unknown_zone_counts_in_utc_and_naive_times_are_refused():
    assert usage_windows(utc(2026, 11, 18, 23), "Mars/Olympus_Mons").day.key == "2026-11-18"
    assert usage_windows(utc(2026, 11, 18, 23), "").day.key == "2026-11-18"
    with pytest.raises(ValueError):
        usage_windows(datetime(2026, 11, 18, 12))
