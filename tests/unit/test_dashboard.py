"""The dashboard summary: today's plan day, streaks, this week, records, the open session.

The person lives in Los Angeles (UTC-8 in November). "Now" is Wednesday 18 November 2026,
noon local time; the ISO week runs from Monday 16th to Sunday 22nd.
"""

import math
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy
from sqlmodel import col

from tests import seeding
from tests.factories import make_user
from tests.seeding import local_time, plan_day
from vigor_app import db
from vigor_app.db import epoch_seconds
from vigor_app.models import WorkoutSession
from vigor_app.services.training import dashboard, streaks

pytestmark = pytest.mark.usefixtures("database")

LA = "America/Los_Angeles"
NOW = datetime(2026, 11, 18, 20, 0, tzinfo=UTC)  # Wednesday 12:00 in Los Angeles
MON, TUE, WED = date(2026, 11, 16), date(2026, 11, 17), date(2026, 11, 18)
LIFT = {"barbell-back-squat": [(5, 100)] * 3}


def la(day: date, hour: int, minute: int = 0) -> datetime:
    return local_time(day, hour, minute, LA)


@pytest.fixture
def me() -> int:
    user_id = make_user("alice").user.id
    seeding.set_profile(user_id, timezone=LA, days_per_week=3, units="lb")
    return user_id


@pytest.fixture
def plan(me) -> int:
    return seeding.add_plan(me, [
        plan_day("Full body A", "mon", ["barbell-back-squat", "barbell-bench-press"]),
        plan_day("Full body B", "wed", ["barbell-deadlift", "lat-pulldown"], reps="5"),
        plan_day("Full body C", "fri", ["barbell-front-squat"]),
    ], name="Three days")


def train(user_id: int, when: datetime, plan_id: int | None = None, day: int | None = None,
          minutes: int = 60, finished: bool = True) -> int:
    return seeding.add_session(user_id, when, LIFT, timezone=LA, plan_id=plan_id,
                               plan_day_index=day, minutes=minutes, finished=finished)


def test_a_new_person_sees_an_empty_dashboard():
    user_id = make_user("newbie").user.id
    summary = dashboard.summary(user_id, now=NOW)
    assert summary == dashboard.DashboardSummary(
        today="2026-11-18", timezone="UTC", units="kg", has_plan=False, today_plan=None,
        week_complete=False, current_streak=0, longest_streak=0, week_sessions=0,
        week_target=3, recent_records=[], open_session=None, total_workouts=0,
        coach_message=None,
    )


def test_todays_plan_day_matches_the_weekday(me, plan):
    today = dashboard.summary(me, now=NOW).today_plan
    assert today is not None
    assert (today.plan_id, today.day_index, today.name, today.weekday) == (plan, 1, "Full body B", "wed")
    assert today.plan_name == "Three days" and today.scheduled and not today.done
    assert [e["exercise_id"] for e in today.exercises] == ["barbell-deadlift", "lat-pulldown"]
    assert today.exercises[0] == {"exercise_id": "barbell-deadlift", "name": "Barbell deadlift",
                                  "sets": 3, "reps": "5"}


def test_today_is_the_persons_local_day_not_utc(me, plan):
    # Tuesday 23:30 in Los Angeles is already Wednesday in UTC: today is Tuesday, a rest
    # day, so the first day not trained this week (Monday's) is up next.
    now = la(TUE, 23, 30)
    assert now.astimezone(UTC).date() == WED
    summary = dashboard.summary(me, now=now)
    assert summary.today == "2026-11-17"
    assert summary.today_plan.day_index == 0 and not summary.today_plan.scheduled


def test_a_day_trained_today_stays_todays_day_marked_done(me, plan):
    train(me, la(WED, 7), plan, 1)
    today = dashboard.summary(me, now=NOW).today_plan
    assert (today.day_index, today.scheduled, today.done) == (1, True, True)


def test_a_day_already_trained_earlier_this_week_gives_way_to_the_next_one(me, plan):
    train(me, la(MON, 18), plan, 1)  # Wednesday's day done on Monday
    today = dashboard.summary(me, now=NOW).today_plan
    assert (today.day_index, today.scheduled, today.done) == (0, False, False)  # catch up on A
    train(me, la(TUE, 18), plan, 0)
    today = dashboard.summary(me, now=NOW).today_plan
    assert (today.day_index, today.scheduled) == (2, False)


def test_the_week_is_complete_once_every_plan_day_is_trained(me, plan):
    for day_index, day in enumerate((MON, TUE, WED)):
        train(me, la(day, 6), plan, day_index)
    summary = dashboard.summary(me, now=NOW)
    assert summary.today_plan is None and summary.week_complete
    assert summary.week_sessions == 3 and summary.week_target == 3


def test_last_weeks_training_and_other_plans_do_not_count_as_trained(me, plan):
    other_plan = seeding.add_plan(me, [plan_day("Other", "wed", ["push-up"])], active=False)
    # Sunday 15th, 23:30 local (Monday 16th in UTC): last week.
    train(me, la(date(2026, 11, 15), 23, 30), plan, 0)
    train(me, la(TUE, 9), other_plan, 0)
    train(me, la(TUE, 18), None, None)  # a freestyle session
    summary = dashboard.summary(me, now=NOW)
    assert summary.today_plan.day_index == 1 and summary.today_plan.scheduled
    assert summary.week_sessions == 2  # both Tuesday sessions; Sunday's is last week


def test_a_plan_without_weekdays_offers_the_next_untrained_day(me):
    plan = seeding.add_plan(me, [plan_day("A", None, ["push-up"]), plan_day("B", None, ["pull-up"])])
    assert dashboard.summary(me, now=NOW).today_plan.day_index == 0
    train(me, la(MON, 18), plan, 0)
    today = dashboard.summary(me, now=NOW).today_plan
    assert (today.plan_id, today.day_index, today.scheduled) == (plan, 1, False)


def test_only_the_active_plan_is_offered(me, plan):
    seeding.add_plan(me, [plan_day("Old", "wed", ["push-up"])], name="Old plan", active=False)
    assert dashboard.summary(me, now=NOW).today_plan.plan_id == plan


def test_streaks_count_local_days(me):
    # An old run of five days in October, then Sunday to Tuesday this week - Tuesday's
    # session at 23:30 local time (Wednesday in UTC) counts on Tuesday.
    for offset in range(5):
        train(me, la(date(2026, 10, 5) + timedelta(days=offset), 18))
    train(me, la(date(2026, 11, 15), 18))
    train(me, la(MON, 18))
    train(me, la(TUE, 23, 30))
    train(me, la(WED, 9), minutes=10)  # too short to count
    summary = dashboard.summary(me, now=NOW)
    assert (summary.current_streak, summary.longest_streak) == (3, 5)
    assert summary.week_sessions == 3  # Monday, Tuesday, today's short one
    assert summary.total_workouts == 9


def test_recent_records_open_session_and_totals(me):
    base = la(date(2026, 11, 1), 18)
    for n in range(7):
        seeding.add_record(me, "barbell-back-squat", 100.0 + n, base + timedelta(days=n))
    open_id = train(me, la(WED, 11), finished=False)
    summary = dashboard.summary(me, now=NOW)
    assert [r.value for r in summary.recent_records] == [106.0, 105.0, 104.0, 103.0, 102.0]
    assert summary.recent_records[0].exercise_name == "Barbell back squat"
    assert summary.open_session is not None and summary.open_session.id == open_id
    assert summary.total_workouts == 0 and summary.week_sessions == 0
    assert summary.units == "lb" and summary.timezone == LA and summary.coach_message is None


def test_another_persons_data_never_shows(me, plan):
    bob = make_user("bob").user.id
    seeding.set_profile(bob, timezone=LA)
    bob_plan = seeding.add_plan(bob, [plan_day("Bob A", "mon", ["push-up"]),
                                      plan_day("Bob B", "wed", ["pull-up"])])
    train(bob, la(MON, 18), bob_plan, 0)
    train(bob, la(TUE, 18), finished=False)
    seeding.add_record(bob, "push-up", 40.0, la(TUE, 18), kind="weight_for_reps")
    mine = dashboard.summary(me, now=NOW)
    assert mine.today_plan.plan_id == plan
    assert mine.recent_records == [] and mine.open_session is None
    assert (mine.total_workouts, mine.week_sessions, mine.current_streak) == (0, 0, 0)
    theirs = dashboard.summary(bob, now=NOW)
    assert (theirs.today_plan.plan_id, theirs.today_plan.day_index) == (bob_plan, 1)
    assert theirs.total_workouts == 1 and theirs.open_session is not None


def _run(metres: float, seconds: int, kind: str = "normal") -> seeding.LoggedSet:
    return seeding.LoggedSet(distance_m=metres, seconds=seconds, kind=kind)


def test_a_run_counts_toward_the_streak_by_its_duration_like_any_workout(me):
    seeding.add_session(me, la(MON, 7), {"running": [_run(5000, 1500)]}, timezone=LA, minutes=32)
    seeding.add_session(me, la(TUE, 7), {"running": [_run(2000, 700)]}, timezone=LA, minutes=14)  # too short
    summary = dashboard.summary(me, now=NOW)
    assert (summary.current_streak, summary.longest_streak) == (0, 1)


def test_a_run_logged_after_it_was_done_counts_by_the_time_logged(me):
    # Logged in two minutes after the run: the run's 25 minutes count, as a workout of 25 minutes.
    seeding.add_session(me, la(MON, 7), {"running": [_run(5000, 1500)]}, timezone=LA, minutes=2)
    seeding.add_session(me, la(TUE, 7), {"rowing-machine-steady": [_run(2000, 420), _run(2000, 400)]},
                        timezone=LA, minutes=1)  # 13:40 of rowing: too short
    summary = dashboard.summary(me, now=NOW)
    assert (summary.current_streak, summary.longest_streak) == (0, 1)
    seeding.add_session(me, la(TUE, 8), {"rowing-machine-steady": [_run(4000, 960)]}, timezone=LA, minutes=1)
    seeding.add_session(me, la(WED, 7), {"forearm-plank": [seeding.LoggedSet(seconds=60)] * 3,
                                         "running": [_run(3000, 900)]}, timezone=LA, minutes=3)
    summary = dashboard.summary(me, now=NOW)
    assert (summary.current_streak, summary.longest_streak) == (3, 3)


def test_warm_ups_and_undone_sets_never_make_a_short_session_count(me):
    seeding.add_session(me, la(TUE, 7), {"running": [
        _run(2000, 720, kind="warmup"), _run(3000, 900, kind="warmup"), _run(1000, 240),
        seeding.LoggedSet(distance_m=5000, seconds=1500, done=False),
    ]}, timezone=LA, minutes=3)
    assert dashboard.summary(me, now=NOW).longest_streak == 0


# --- the streak's days, read in one query (streaks.finished_days) ----------------------------


def test_the_streak_days_read_from_the_database_follow_the_rules(sqlite_and_postgres):
    """The database picks the sessions that count and hands back their starts as numbers; the
    days are each session's local date in its own zone, on SQLite and PostgreSQL alike."""
    me = make_user("dana").user.id
    bob = make_user("bob").user.id
    # A start a microsecond before local midnight stays on its day (never rounded up).
    seeding.add_session(me, la(MON, 23, 59) + timedelta(seconds=59, microseconds=999_999), LIFT, timezone=LA)
    seeding.add_session(me, local_time(date(2026, 11, 10), 1, 30, "Asia/Tokyo"), LIFT,
                        timezone="Asia/Tokyo")  # the 10th in Tokyo, still the 9th in UTC
    seeding.add_session(me, datetime(2026, 11, 3, 23, 30, tzinfo=UTC), LIFT, timezone="Not/AZone")  # read as UTC
    seeding.add_session(me, la(date(2026, 11, 5), 7), {"running": [_run(5000, 1500)]}, timezone=LA,
                        minutes=2)  # logged afterwards: its 25 minutes count
    seeding.add_session(me, la(date(2026, 11, 6), 7), {"running": [_run(2000, 700), _run(1000, 240, "warmup")]},
                        timezone=LA, minutes=2)  # 11:40 logged: too short
    seeding.add_session(me, NOW + timedelta(hours=1), LIFT, timezone=LA)  # after now: counted, no day
    seeding.add_session(me, la(TUE, 7), LIFT, timezone=LA, finished=False)  # open: neither
    seeding.add_session(bob, la(TUE, 7), LIFT, timezone=LA)  # someone else's
    with db.read_only() as session:
        found = streaks.finished_days(session, me, NOW)
    assert found.days == {MON, date(2026, 11, 10), date(2026, 11, 3), date(2026, 11, 5)}
    assert found.finished == 6


def test_epoch_seconds_reads_a_stored_moment_rounded_down_to_the_second(sqlite_and_postgres):
    me = make_user("erin").user.id
    moments = [datetime(2026, 11, 16, 7, 59, 59, 999_999, tzinfo=UTC), datetime(2026, 11, 16, 8, tzinfo=UTC),
               datetime(1969, 12, 31, 23, 59, 59, 500_000, tzinfo=UTC), datetime(2000, 2, 29, 12, 0, 0, 1, tzinfo=UTC)]
    ids = [seeding.add_session(me, moment, LIFT) for moment in moments]
    with db.read_only() as session:
        read = dict(session.execute(
            sqlalchemy.select(col(WorkoutSession.id), epoch_seconds(col(WorkoutSession.started_at)))
            .where(col(WorkoutSession.user_id) == me)).all())
    assert [read[i] for i in ids] == [math.floor(moment.timestamp()) for moment in moments]
