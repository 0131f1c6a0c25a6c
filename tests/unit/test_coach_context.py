"""What the coach knows: one person's profile, plan, last 14 days, streaks, records, body weight.

"Now" is Wednesday 18 November 2026, noon UTC. Alice trained Full body A every Monday for
four weeks (26 Oct - 16 Nov), squatting 90 -> 97.5 kg for 3 x 5 and benching 60 -> 67.5 kg
for 3 x 8; her plan puts Full body B on Wednesdays. Bob's data must never appear in hers.
"""

import json
from datetime import UTC, date, datetime, timedelta

import pytest

from tests import seeding
from tests.factories import make_user
from tests.seeding import local_time, plan_day
from vigor_app.services.coach.context import build_context
from vigor_app.services.coach.fact_queries import RECENT_DAYS

pytestmark = pytest.mark.usefixtures("database")

NOW = datetime(2026, 11, 18, 12, 0, tzinfo=UTC)  # Wednesday
MONDAYS = [date(2026, 10, 26), date(2026, 11, 2), date(2026, 11, 9), date(2026, 11, 16)]



def at(day: date, hour: int = 9) -> datetime:
    return local_time(day, hour)


@pytest.fixture
def alice() -> int:
    user_id = make_user("alice").user.id
    seeding.set_profile(user_id, days_per_week=3, fitness_level="intermediate",
                        goals=["strength", "muscle_gain"], equipment=["barbell", "bench", "dumbbells"],
                        injuries=["shoulder"], session_minutes=60, onboarded_at=NOW - timedelta(days=40))
    plan = seeding.add_plan(user_id, [
        plan_day("Full body A", "mon", ["barbell-back-squat", "barbell-bench-press"], reps="5"),
        plan_day("Full body B", "wed", ["barbell-deadlift", "lat-pulldown"], reps="5"),
        plan_day("Full body C", "fri", ["barbell-front-squat"]),
    ], name="Three days")
    for n, monday in enumerate(MONDAYS):
        session_id = seeding.add_session(
            user_id, at(monday), {"barbell-back-squat": [(5, 90 + 2.5 * n, 8)] * 3,
                                  "barbell-bench-press": [(8, 60 + 2.5 * n, 8)] * 3},
            plan_id=plan, plan_day_index=0, name="Full body A", minutes=55)
    seeding.add_record(user_id, "barbell-back-squat", 113.8, at(MONDAYS[-1], 10), previous=110.8,
                       session_id=session_id)
    seeding.add_record(user_id, "barbell-back-squat", 97.5, at(MONDAYS[-1], 10),
                       kind="weight_for_reps", reps=5, previous=95, session_id=session_id)
    seeding.add_body_metric(user_id, date(2026, 10, 1), weight_kg=82.0)
    seeding.add_body_metric(user_id, date(2026, 11, 15), weight_kg=80.5)
    return user_id


@pytest.fixture
def bob() -> int:
    user_id = make_user("bob").user.id
    seeding.set_profile(user_id, units="lb", days_per_week=5, injuries=["knee"])
    seeding.add_plan(user_id, [plan_day("Bob legs", "wed", ["leg-press"])], name="Bob secret plan")
    seeding.add_session(user_id, NOW - timedelta(hours=5), {"leg-press": [(10, 200)] * 4},
                        name="Bob leg day")
    seeding.add_record(user_id, "leg-press", 250, NOW - timedelta(hours=4), kind="weight_for_reps",
                       reps=10)
    seeding.add_body_metric(user_id, date(2026, 11, 17), weight_kg=120.0)
    return user_id


def test_the_context_holds_the_persons_profile_plan_and_today(alice, bob):
    context = build_context(alice, NOW)
    assert (context.today, context.weekday, context.units) == ("2026-11-18", "wed", "kg")
    profile = context.profile
    assert profile.fitness_level == "intermediate" and profile.goals == ["strength", "muscle_gain"]
    assert profile.equipment == ["barbell", "bench", "dumbbells"] and profile.injuries == ["shoulder"]
    assert (profile.days_per_week, profile.session_minutes, profile.onboarded) == (3, 60, True)
    assert context.plan.name == "Three days"
    assert [d.name for d in context.plan.days] == ["Full body A", "Full body B", "Full body C"]
    assert [e.name for e in context.plan.days[1].exercises] == ["Barbell deadlift", "Lat pulldown"]
    today = context.today_plan
    assert (today.name, today.scheduled, today.done) == ("Full body B", True, False)
    assert [(e.name, e.prescription(), e.rpe) for e in today.exercises] == [
        ("Barbell deadlift", "3 × 5", 8.0), ("Lat pulldown", "3 × 5", 8.0)]
    assert not context.rest_day and not context.week_complete


def test_the_last_fourteen_days_with_top_sets_totals_and_days(alice, bob):
    context = build_context(alice, NOW)
    assert RECENT_DAYS == 14
    # 26 Oct and 2 Nov are more than 14 days back: only 9 and 16 Nov are recent.
    assert [(s.day, s.name, s.minutes) for s in context.recent_sessions] == [
        ("2026-11-16", "Full body A", 55), ("2026-11-09", "Full body A", 55)]
    squat, bench = context.recent_sessions[0].exercises
    assert (squat.name, squat.sets, squat.top_weight_kg, squat.top_reps, squat.top_rpe) == (
        "Barbell back squat", 3, 97.5, 5, 8.0)
    assert (bench.name, bench.top_weight_kg, bench.top_reps) == ("Barbell bench press", 67.5, 8)
    assert (context.recent_total_sets, context.recent_days_trained) == (12, 2)
    assert (context.total_workouts, context.last_session_on, context.days_since_last_session) == (
        4, "2026-11-16", 2)


def test_streaks_week_records_and_body_weight(alice, bob):
    context = build_context(alice, NOW)
    assert (context.current_streak, context.longest_streak) == (0, 1)
    assert (context.week_sessions, context.week_target) == (1, 3)
    assert [(r.exercise_name, r.kind, r.value) for r in context.records] == [
        ("Barbell back squat", "weight_for_reps", 97.5), ("Barbell back squat", "e1rm", 113.8)]
    trend = context.body_weight
    assert (trend.first_on, trend.latest_on, trend.entries, trend.change_kg) == (
        "2026-10-01", "2026-11-15", 2, -1.5)


def test_the_text_is_compact_and_readable(alice, bob):
    text = build_context(alice, NOW).as_text()
    for fact in (
        "Today: Wednesday 2026-11-18 (UTC). Units: kg.",
        "Profile: intermediate; goals: strength, muscle gain; equipment: barbell, bench, "
        "dumbbells; injuries: shoulder; 3 days/week, 60-minute sessions.",
        'Active plan "Three days": Mon Full body A: Barbell back squat, Barbell bench press; '
        "Wed Full body B: Barbell deadlift, Lat pulldown; Fri Full body C: Barbell front squat.",
        "Today's session (planned for today): Full body B: Barbell deadlift 3 × 5, Lat pulldown 3 × 5.",
        "Streak: 0 days (longest 1 day). This week: 1 of 3 sessions. Workouts finished: 4. "
        "Last trained 2026-11-16 (2 days ago).",
        "Last 14 days: 2 sessions on 2 days, 12 sets done.",
        "- 2026-11-16 Full body A (55 min): Barbell back squat 97.5 kg × 5 (3 sets); "
        "Barbell bench press 67.5 kg × 8 (3 sets)",
        "Recent records: Barbell back squat: 97.5 kg × 5 (2026-11-16); Barbell back squat: "
        "estimated 1-rep max 113.8 kg (2026-11-16).",
        "Body weight: 80.5 kg on 2026-11-15, down 1.5 kg since 2026-10-01 (2 weigh-ins).",
    ):
        assert fact in text
    assert len(text) < 2000


def test_nothing_of_another_person_appears(alice, bob):
    context = build_context(alice, NOW)
    everything = context.as_text() + json.dumps(context.to_dict())
    for secret in ("Bob", "Leg press", "leg-press", "120", "knee", "lb"):
        assert secret not in everything
    theirs = build_context(bob, NOW)
    assert "Barbell back squat" not in theirs.as_text() + json.dumps(theirs.to_dict())
    assert [s.name for s in theirs.recent_sessions] == ["Bob leg day"]


def test_weights_are_written_in_the_persons_units(alice, bob):
    seeding.set_profile(alice, units="lb", days_per_week=3)
    text = build_context(alice, NOW).as_text()
    assert "Barbell back squat 215 lb × 5 (3 sets)" in text  # 97.5 kg
    assert "estimated 1-rep max 251 lb" in text  # 113.8 kg
    assert "Body weight: 177.5 lb on 2026-11-15, down 3.5 lb" in text  # 80.5 kg, -1.5 kg
    assert " kg" not in text
    bob_text = build_context(bob, NOW).as_text()
    assert "Leg press 441 lb × 10 (4 sets)" in bob_text and "551 lb × 10" in bob_text


def test_days_are_the_persons_local_days():
    user_id = make_user("lena").user.id
    zone = "America/Los_Angeles"
    seeding.set_profile(user_id, timezone=zone)
    # Tuesday 23:30 in Los Angeles is already Wednesday in UTC.
    seeding.add_session(user_id, local_time(date(2026, 11, 17), 23, 30, zone),
                        {"push-up": [(15, None)] * 2}, timezone=zone, minutes=20)
    now = local_time(date(2026, 11, 18), 7, 0, zone)
    context = build_context(user_id, now)
    assert context.today == "2026-11-18"
    assert context.recent_sessions[0].day == "2026-11-17"
    assert context.recent_sessions[0].exercises[0].top_set_text("kg") == "15 reps"
    assert (context.days_since_last_session, context.current_streak) == (1, 1)


def test_a_rest_day_and_an_open_session(alice):
    thursday = NOW + timedelta(days=1)
    seeding.add_session(alice, thursday - timedelta(minutes=30), {"push-up": [(10, None)]},
                        finished=False, name="Quick pump")
    context = build_context(alice, thursday)
    assert context.rest_day and context.today_plan.name == "Full body B"
    assert not context.today_plan.scheduled
    assert context.open_session_name == "Quick pump"
    text = context.as_text()
    assert "rest day in the plan; next day up): Full body B" in text
    assert "A session is in progress: Quick pump." in text


def test_a_brand_new_person_has_an_empty_context():
    user_id = make_user("newbie").user.id
    context = build_context(user_id, NOW)
    assert context.is_new and context.plan is None and context.today_plan is None
    assert context.recent_sessions == [] and context.records == [] and context.body_weight is None
    assert context.last_session_on is None and context.days_since_last_session is None
    text = context.as_text()
    assert "(Profile not set up yet: these are the defaults.)" in text
    assert "Active plan: none yet." in text
    assert "Last 14 days: 0 sessions on 0 days, 0 sets done." in text
    assert "Recent records: none yet." in text
    json.dumps(context.to_dict())
