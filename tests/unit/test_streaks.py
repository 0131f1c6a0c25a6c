"""Streak rules: counting days in each session's own zone, with the clock fixed."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from vigor_app.services.training.streaks import (
    SessionFact,
    WeekConsistency,
    consistency_streak,
    counting_days,
    current_run,
    current_streak,
    local_date,
    local_day,
    longest_run,
    longest_streak,
    weekly_consistency,
)

BERLIN = "Europe/Berlin"
NEW_YORK = "America/New_York"
TOKYO = "Asia/Tokyo"


def at(local: str, tz: str = "UTC") -> datetime:
    """The UTC moment of a local wall-clock time such as '2026-03-29 00:30'."""
    return datetime.fromisoformat(local).replace(tzinfo=ZoneInfo(tz)).astimezone(UTC)


def session(local: str, tz: str = "UTC", minutes: float = 45, finished: bool = True):
    return SessionFact(at(local, tz), int(minutes * 60), tz, finished)


def daily(first: str, count: int, tz: str = "UTC", time: str = "18:00"):
    start = date.fromisoformat(first)
    return [session(f"{start + timedelta(days=i)} {time}", tz) for i in range(count)]


# --- counting days ----------------------------------------------------------------------------

NOW = at("2026-11-20 21:00")  # a Friday


def test_several_sessions_on_one_day_count_once():
    sessions = [session("2026-11-20 07:00"), session("2026-11-20 12:00"),
                session("2026-11-20 19:00", minutes=90)]
    assert counting_days(sessions, NOW) == {date(2026, 11, 20)}
    assert current_streak(sessions, NOW, "UTC") == 1
    assert longest_streak(sessions, NOW) == 1


def test_a_gap_breaks_the_run():
    sessions = daily("2026-11-10", 3) + daily("2026-11-14", 2) + daily("2026-11-19", 2)
    assert current_streak(sessions, NOW, "UTC") == 2
    assert longest_streak(sessions, NOW) == 3


def test_a_session_of_fourteen_minutes_does_not_count_but_fifteen_does():
    short = session("2026-11-19 18:00", minutes=14)
    exactly = SessionFact(at("2026-11-19 18:00"), 900, "UTC")
    just_under = SessionFact(at("2026-11-19 18:00"), 899, "UTC")
    today = session("2026-11-20 18:00")
    assert current_streak([short, today], NOW, "UTC") == 1
    assert current_streak([just_under, today], NOW, "UTC") == 1
    assert current_streak([exactly, today], NOW, "UTC") == 2


def test_an_unfinished_session_never_counts():
    sessions = [session("2026-11-19 18:00", finished=False), session("2026-11-20 18:00")]
    assert counting_days(sessions, NOW) == {date(2026, 11, 20)}
    assert current_streak(sessions, NOW, "UTC") == 1


def test_today_is_open_so_the_streak_runs_to_yesterday():
    sessions = daily("2026-11-17", 3)  # 17, 18, 19; nothing yet on the 20th
    assert current_streak(sessions, NOW, "UTC") == 3


def test_the_streak_ends_once_a_whole_day_is_missed():
    sessions = daily("2026-11-16", 3)  # 16, 17, 18; the 19th was missed
    assert current_streak(sessions, NOW, "UTC") == 0
    assert longest_streak(sessions, NOW) == 3


def test_no_sessions_no_streak():
    assert current_streak([], NOW, "UTC") == 0
    assert longest_streak([], NOW) == 0
    assert counting_days([], NOW) == set()


def test_future_dated_sessions_are_ignored():
    sessions = daily("2026-11-18", 3)  # 18, 19, 20 (today at 18:00)
    future = [session("2026-11-20 22:00"), *daily("2026-11-21", 5)]
    assert counting_days(sessions + future, NOW) == counting_days(sessions, NOW)
    assert current_streak(sessions + future, NOW, "UTC") == 3
    assert longest_streak(sessions + future, NOW) == 3
    assert counting_days(future, NOW) == set()


def test_an_unknown_zone_name_falls_back_to_utc():
    late = SessionFact(at("2026-11-19 23:30"), 3600, "Mars/Olympus_Mons")
    empty = SessionFact(at("2026-11-20 00:10"), 3600, "")
    assert counting_days([late, empty], NOW) == {date(2026, 11, 19), date(2026, 11, 20)}
    assert current_streak([late, empty], NOW, "Not/AZone") == 2


# --- daylight saving --------------------------------------------------------------------------


def test_late_evening_sessions_across_the_spring_change_stay_consecutive():
    # Berlin moves to summer time on Sunday 2026-03-29; that local day lasts 23 hours.
    sessions = daily("2026-03-27", 4, BERLIN, time="23:30")
    now = at("2026-03-30 23:50", BERLIN)
    assert counting_days(sessions, now) == {date(2026, 3, d) for d in (27, 28, 29, 30)}
    assert current_streak(sessions, now, BERLIN) == 4


def test_local_days_decide_not_utc_days_around_the_spring_change():
    # 00:30 CET on the 28th is still the 27th in UTC; 23:30 CEST on the 29th is the 29th.
    # In UTC the days would be 27 and 29, a gap; locally they are the 28th and 29th.
    sessions = [session("2026-03-28 00:30", BERLIN), session("2026-03-29 23:30", BERLIN)]
    assert counting_days(sessions, at("2026-03-30 12:00")) == {date(2026, 3, 28),
                                                               date(2026, 3, 29)}
    assert longest_streak(sessions, at("2026-03-30 12:00")) == 2


def test_a_session_at_half_past_midnight_on_the_change_day_counts_for_that_day():
    # 00:30 on 2026-03-29 is before the 02:00 jump: CET, 23:30 UTC on the 28th.
    early = session("2026-03-29 00:30", BERLIN)
    assert early.started_at == datetime(2026, 3, 28, 23, 30, tzinfo=UTC)
    night_before = session("2026-03-28 23:45", BERLIN)  # 45 minutes earlier on the clock
    now = at("2026-03-29 10:00", BERLIN)
    assert counting_days([early], now) == {date(2026, 3, 29)}
    assert current_streak([night_before, early], now, BERLIN) == 2


def test_late_evening_sessions_across_the_autumn_change_stay_consecutive():
    # Berlin returns to winter time on Sunday 2026-10-25; that local day lasts 25 hours.
    sessions = daily("2026-10-23", 4, BERLIN, time="23:30")
    sessions.append(session("2026-10-25 00:30", BERLIN))  # CEST, 22:30 UTC on the 24th
    now = at("2026-10-27 08:00", BERLIN)  # today (the 27th) still open
    assert counting_days(sessions, now) == {date(2026, 10, d) for d in (23, 24, 25, 26)}
    assert current_streak(sessions, now, BERLIN) == 4


# --- calendar and zones -----------------------------------------------------------------------


def test_the_leap_day_sits_between_february_28_and_march_1():
    sessions = daily("2028-02-28", 3)
    assert counting_days(sessions, at("2028-03-01 20:00")) == {
        date(2028, 2, 28), date(2028, 2, 29), date(2028, 3, 1)}
    assert current_streak(sessions, at("2028-03-01 20:00"), "UTC") == 3
    assert longest_streak(sessions, at("2028-03-01 20:00")) == 3


def test_each_session_keeps_the_day_of_its_own_zone_after_a_move():
    # 20:00 in New York is 01:00 UTC the next day; the New York dates still count.
    new_york = daily("2027-01-10", 3, NEW_YORK, time="20:00")  # the 10th, 11th, 12th
    tokyo = [session("2027-01-13 19:00", TOKYO)]  # 10:00 UTC on the 13th
    sessions = new_york + tokyo
    now = at("2027-01-14 08:00", TOKYO)
    assert counting_days(sessions, now) == {date(2027, 1, d) for d in (10, 11, 12, 13)}
    assert current_streak(sessions, now, TOKYO) == 4
    assert longest_streak(sessions, now) == 4


def test_today_is_taken_in_the_current_zone():
    sessions = daily("2027-01-10", 3, NEW_YORK, time="20:00") + [
        session("2027-01-13 19:00", TOKYO)]
    now = at("2027-01-15 08:00", TOKYO)  # still the 14th in New York
    assert current_streak(sessions, now, TOKYO) == 0, "the 14th was missed in Tokyo"
    assert current_streak(sessions, now, NEW_YORK) == 4, "in New York the 14th is open"


def test_a_session_dated_after_today_by_a_move_west_counts_as_recent():
    # 08:00 on 2 January in Tokyo, then a flight to New York where it is still 1 January.
    sessions = [session("2027-01-01 18:00", TOKYO), session("2027-01-02 08:00", TOKYO)]
    now = at("2027-01-01 20:00", NEW_YORK)
    assert current_streak(sessions, now, NEW_YORK) == 2


def test_naive_datetimes_are_read_as_utc():
    naive = SessionFact(datetime(2026, 11, 20, 8, 0), 3600, "UTC")
    assert current_streak([naive], datetime(2026, 11, 20, 21, 0), "UTC") == 1


# --- weekly consistency -----------------------------------------------------------------------


def test_weekly_consistency_covers_the_weeks_ending_with_the_current_one():
    now = at("2026-11-19 12:00")  # Thursday of the week starting Monday 16 November
    sessions = [
        *daily("2026-11-02", 3),  # week of 2 Nov: 3 days, met
        session("2026-11-09 18:00"), session("2026-11-11 18:00"),  # week of 9 Nov: 2
        session("2026-11-16 07:00"), session("2026-11-16 19:00"),  # one day twice
        session("2026-11-18 18:00", minutes=10),  # too short
    ]
    weeks = weekly_consistency(sessions, now, "UTC", planned_days_per_week=3, weeks=4)
    assert weeks == [
        WeekConsistency(date(2026, 10, 26), 0, 3, False),
        WeekConsistency(date(2026, 11, 2), 3, 3, True),
        WeekConsistency(date(2026, 11, 9), 2, 3, False),
        WeekConsistency(date(2026, 11, 16), 1, 3, False),
    ]
    assert len(weekly_consistency(sessions, now, "UTC", 3)) == 12
    assert all(w.week_start.weekday() == 0 for w in weekly_consistency(sessions, now, "UTC", 3))


def test_the_current_week_is_met_only_once_the_target_is_reached():
    now = at("2026-11-19 20:00")
    two = [session("2026-11-16 18:00"), session("2026-11-17 18:00")]
    assert weekly_consistency(two, now, "UTC", 3, weeks=1)[-1].met is False
    three = [*two, session("2026-11-19 18:00")]
    assert weekly_consistency(three, now, "UTC", 3, weeks=1)[-1] == WeekConsistency(
        date(2026, 11, 16), 3, 3, True)


def test_sunday_and_monday_fall_in_different_iso_weeks():
    now = at("2026-11-17 12:00")
    sessions = [session("2026-11-15 22:00"), session("2026-11-16 06:00")]  # Sun, Mon
    last, this = weekly_consistency(sessions, now, "UTC", 1, weeks=2)
    assert (last.week_start, last.days_trained) == (date(2026, 11, 9), 1)
    assert (this.week_start, this.days_trained) == (date(2026, 11, 16), 1)


def test_week_boundaries_follow_local_time():
    # 00:30 on Monday in Berlin is 23:30 UTC on Sunday: it belongs to the new week.
    now = at("2026-11-17 12:00", BERLIN)
    sessions = [session("2026-11-16 00:30", BERLIN)]
    last, this = weekly_consistency(sessions, now, BERLIN, 1, weeks=2)
    assert (last.days_trained, this.days_trained) == (0, 1)


def test_an_iso_week_spans_the_new_year():
    # 2026-12-28 (Monday) to 2027-01-03 (Sunday) is one ISO week; 2027-01-04 starts the next.
    sessions = [session("2026-12-31 18:00"), session("2027-01-01 18:00"),
                session("2027-01-03 18:00"), session("2027-01-04 18:00")]
    now = at("2027-01-06 12:00")
    previous, current = weekly_consistency(sessions, now, "UTC", 3, weeks=2)
    assert previous == WeekConsistency(date(2026, 12, 28), 3, 3, True)
    assert current == WeekConsistency(date(2027, 1, 4), 1, 3, False)


def test_the_target_is_clamped_to_one_to_seven_days():
    now = at("2026-11-19 12:00")
    assert weekly_consistency([], now, "UTC", 0, weeks=1)[0].target == 1
    assert weekly_consistency([], now, "UTC", 9, weeks=1)[0].target == 7


def test_consistency_streak_counts_met_weeks_up_to_the_last_complete_one():
    now = at("2026-11-18 12:00")  # Wednesday; this week has one day so far
    sessions = [
        *daily("2026-10-19", 2),  # met, but followed by an unmet week
        session("2026-10-26 18:00"),  # unmet
        *daily("2026-11-02", 2),  # met
        *daily("2026-11-09", 3),  # met
        session("2026-11-16 18:00"),  # current week, not yet met
    ]
    assert consistency_streak(sessions, now, "UTC", 2) == 2
    sessions.append(session("2026-11-17 18:00"))  # the current week is met now
    assert consistency_streak(sessions, now, "UTC", 2) == 3
    assert consistency_streak(sessions, now, "UTC", 4) == 0


def test_consistency_streak_spans_the_new_year():
    sessions = [session("2026-12-22 18:00"), session("2026-12-31 18:00"),
                session("2027-01-05 18:00")]
    assert consistency_streak(sessions, at("2027-01-11 09:00"), "UTC", 1) == 3


# --- properties -------------------------------------------------------------------------------

ZONES = ["UTC", BERLIN, NEW_YORK, TOKYO, "Australia/Lord_Howe", "Pacific/Kiritimati",
         "Bogus/Zone"]
PROPERTY_NOW = datetime(2026, 3, 29, 11, 15, tzinfo=UTC)

sessions_strategy = st.lists(
    st.builds(
        SessionFact,
        started_at=st.integers(-40 * 24 * 60, 2 * 24 * 60).map(
            lambda minutes: PROPERTY_NOW + timedelta(minutes=minutes)),
        duration_seconds=st.sampled_from([0, 600, 899, 900, 1800, 5400]),
        timezone=st.sampled_from(ZONES),
        finished=st.booleans(),
    ),
    max_size=40,
)


@settings(max_examples=150, deadline=None)
@given(sessions=sessions_strategy, timezone=st.sampled_from(ZONES),
       shift=st.integers(-36 * 60, 36 * 60))
def test_current_never_exceeds_longest_and_training_today_never_lowers_it(
        sessions, timezone, shift):
    now = PROPERTY_NOW + timedelta(minutes=shift)
    current = current_streak(sessions, now, timezone)
    assert 0 <= current <= longest_streak(sessions, now)

    trained_today = [*sessions, SessionFact(now, 900, timezone)]
    after = current_streak(trained_today, now, timezone)
    assert after >= max(current, 1)
    assert after <= longest_streak(trained_today, now)


# --- runs of counting days, as the dashboard reads them --------------------------------------


def _longest_by_walking(days: set[date]) -> int:
    """The longest run, found by walking forward from each day (the rule in its plainest form)."""
    best = 0
    for day in days:
        length = 0
        while day + timedelta(days=length) in days:
            length += 1
        best = max(best, length)
    return best


@settings(max_examples=200, deadline=None)
@given(offsets=st.sets(st.integers(-400, 400), max_size=60), today=st.integers(-5, 405))
def test_runs_of_a_set_of_days_follow_the_streak_rules(offsets, today):
    first = date(2026, 1, 1)
    days = {first + timedelta(days=offset) for offset in offsets}
    assert longest_run(days) == _longest_by_walking(days)
    current = current_run(days, first + timedelta(days=today))
    assert 0 <= current <= longest_run(days)
    latest = max(days, default=None)
    if current:
        assert latest is not None and latest >= first + timedelta(days=today - 1)
        assert all(latest - timedelta(days=back) in days for back in range(current))
        assert latest - timedelta(days=current) not in days
    else:
        assert latest is None or latest < first + timedelta(days=today - 1)


def test_local_day_is_the_local_date_of_a_moment_in_whole_seconds():
    for moment in (at("2026-03-29 00:59:59"), at("2026-10-25 00:30"), at("1969-12-31 23:59:59"),
                   at("2026-11-20 23:59:59", NEW_YORK), at("2026-11-20 00:00", TOKYO)):
        for zone_name in (BERLIN, NEW_YORK, TOKYO, "UTC", "", "Not/AZone"):
            assert local_day(int(moment.timestamp()), zone_name) == local_date(moment, zone_name)
