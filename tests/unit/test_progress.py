"""Progress charts, checked against figures worked out by hand for small, hand-made histories.

The person lives in New York (UTC-5 in November). "Now" is Monday 23 November 2026,
07:00 local time: the current ISO week starts that Monday, the one before on Monday 16th.
"""

from datetime import UTC, date, datetime

import pytest
import sqlalchemy

from tests import seeding
from tests.factories import make_user
from tests.seeding import LoggedSet, local_time
from vigor_app import db
from vigor_app.services.training import body_metrics, cardio_progress, dashboard, progress
from vigor_app.services.vocabulary import MAJOR_GROUPS

pytestmark = pytest.mark.usefixtures("database")

NY = "America/New_York"
NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)  # Monday 07:00 in New York
THIS_MONDAY = date(2026, 11, 23)
LAST_MONDAY = date(2026, 11, 16)


@pytest.fixture
def me() -> int:
    user_id = make_user("alice").user.id
    seeding.set_profile(user_id, timezone=NY, days_per_week=3)
    return user_id


@pytest.fixture
def someone_else() -> int:
    user_id = make_user("bob").user.id
    seeding.set_profile(user_id, timezone="UTC", days_per_week=5)
    return user_id


def ny(day: date, hour: int, minute: int = 0) -> datetime:
    return local_time(day, hour, minute, NY)


# --- exercise options ---------------------------------------------------------------------


def test_exercise_options_are_empty_for_a_new_person(me):
    assert progress.exercise_options(me) == []


def test_exercise_options_list_logged_exercises_most_logged_first(me, someone_else):
    for day in (2, 4, 6):
        seeding.add_session(me, ny(date(2026, 11, day), 18),
                            {"barbell-back-squat": [(5, 100)], "barbell-bench-press": [(5, 80)]},
                            timezone=NY)
    seeding.add_session(me, ny(date(2026, 11, 9), 18), {"barbell-back-squat": [(5, 100)]},
                        timezone=NY)
    seeding.add_session(someone_else, ny(date(2026, 11, 9), 18),
                        {"lat-pulldown": [(10, 50)] * 3}, timezone="UTC")
    options = progress.exercise_options(me)
    assert [(o.exercise_id, o.name, o.times_logged) for o in options] == [
        ("barbell-back-squat", "Barbell back squat", 4),
        ("barbell-bench-press", "Barbell bench press", 3),
    ]
    assert [o.exercise_id for o in progress.exercise_options(someone_else)] == ["lat-pulldown"]


# --- strength -----------------------------------------------------------------------------


def test_strength_series_gives_best_e1rm_and_top_set_per_finished_session(me, someone_else):
    # 23:30 on Monday 16 November in New York is already Tuesday in UTC.
    first = seeding.add_session(me, ny(LAST_MONDAY, 23, 30), {"barbell-bench-press": [
        (5, 100), (5, 100), (8, 90), LoggedSet(reps=5, weight_kg=200, done=False),
    ]}, timezone=NY)
    second = seeding.add_session(me, ny(date(2026, 11, 19), 7), {"barbell-bench-press": [
        (3, 110), (12, 80), (15, 70),
    ]}, timezone=NY)
    seeding.add_session(me, ny(date(2026, 11, 20), 7), {"barbell-bench-press": [(1, 150)]},
                        timezone=NY, finished=False)  # still open: not on the chart
    seeding.add_session(someone_else, ny(date(2026, 11, 18), 7),
                        {"barbell-bench-press": [(1, 300)]})

    series = progress.strength_series(me, "barbell-bench-press")
    assert series.name == "Barbell bench press"
    assert series.points == [
        {"x": "2026-11-16", "session_id": first,
         "e1rm_kg": 116.7,  # 100 x (1 + 5/30) beats 90 x (1 + 8/30) = 114
         "top_weight_kg": 100.0, "top_reps": 5, "max_reps": 8, "max_seconds": None,
         "volume_kg": 1720.0, "sets": 3},
        {"x": "2026-11-19", "session_id": second,
         "e1rm_kg": 121.0,  # 110 x 1.1; 80 x 1.4 = 112; 15 reps give no estimate
         "top_weight_kg": 110.0, "top_reps": 3, "max_reps": 15, "max_seconds": None,
         "volume_kg": 330.0 + 960.0 + 1050.0, "sets": 3},
    ]


def test_strength_series_since_a_local_date_or_a_moment(me):
    seeding.add_session(me, ny(LAST_MONDAY, 23, 30), {"barbell-back-squat": [(5, 100)]},
                        timezone=NY)
    later = seeding.add_session(me, ny(date(2026, 11, 17), 18), {"barbell-back-squat": [(5, 105)]},
                                timezone=NY)
    # From Tuesday 17 November, New York time: Monday's 23:30 session (Tuesday in UTC) is out.
    points = progress.strength_series(me, "barbell-back-squat", since=date(2026, 11, 17)).points
    assert [p["session_id"] for p in points] == [later]
    points = progress.strength_series(me, "barbell-back-squat",
                                      since=datetime(2026, 11, 17, 4, 0, tzinfo=UTC)).points
    assert len(points) == 2


def test_strength_series_of_bodyweight_and_timed_work(me):
    seeding.add_session(me, ny(LAST_MONDAY, 9), {
        "push-up": [(12, None), (15, None)],
        "forearm-plank": [LoggedSet(seconds=45), LoggedSet(seconds=60)],
    }, timezone=NY)
    push_up = progress.strength_series(me, "push-up").points[0]
    assert push_up["e1rm_kg"] is None and push_up["top_weight_kg"] is None
    assert push_up["max_reps"] == 15 and push_up["volume_kg"] == 0.0
    plank = progress.strength_series(me, "forearm-plank").points[0]
    assert plank["max_seconds"] == 60 and plank["max_reps"] is None


def test_strength_series_of_an_exercise_never_logged_is_empty(me):
    series = progress.strength_series(me, "barbell-deadlift")
    assert series.points == [] and series.name == "Barbell deadlift"


# --- weekly volume ------------------------------------------------------------------------


def _empty_week(monday: date) -> dict:
    year, week, _ = monday.isocalendar()
    return {"x": monday.isoformat(), "week": f"{year}-W{week:02d}",
            **dict.fromkeys(MAJOR_GROUPS, 0), "hard_sets": 0, "sets": 0, "tonnage_kg": 0.0}


def test_weekly_volume_counts_hard_sets_per_group_and_tonnage_by_local_week(me, someone_else):
    # Last week (Mon 16 - Sun 22 November, New York):
    seeding.add_session(me, ny(LAST_MONDAY, 18), {
        "barbell-back-squat": [(5, 100)] * 3,  # quads + glutes_hamstrings: 3 each; 1500 kg
    }, timezone=NY)
    seeding.add_session(me, ny(date(2026, 11, 18), 18), {
        "barbell-bench-press": [(5, 80), (5, 80), LoggedSet(5, 80, done=False)],  # chest 2; 800
        "dumbbell-biceps-curl": [(10, 12), (10, 12)],  # hard sets, no major group; 240
        "jumping-jack": [LoggedSet(seconds=40)],  # conditioning: a set, not a hard set
    }, timezone=NY)
    # Sunday 23:30 in New York is Monday 04:30 UTC: it still belongs to last week.
    seeding.add_session(me, ny(date(2026, 11, 22), 23, 30), {
        "barbell-deadlift": [(3, 140)] * 2,  # back + glutes_hamstrings: 2 each; 840
    }, timezone=NY)
    # This week (started Monday 23 November), 06:00 local.
    seeding.add_session(me, ny(THIS_MONDAY, 6), {"lat-pulldown": [(10, 50)] * 4},  # back 4; 2000
                        timezone=NY)
    # Not counted: an open session, the week before the window, another person.
    seeding.add_session(me, ny(THIS_MONDAY, 6, 30), {"barbell-back-squat": [(5, 100)]},
                        timezone=NY, finished=False)
    seeding.add_session(me, ny(date(2026, 11, 15), 23, 30), {"barbell-back-squat": [(5, 100)]},
                        timezone=NY)
    seeding.add_session(someone_else, ny(LAST_MONDAY, 12), {"barbell-back-squat": [(5, 200)]})

    volume = progress.weekly_volume_by_muscle(me, weeks=2, now=NOW)
    assert volume.groups == list(MAJOR_GROUPS)
    last_week = _empty_week(LAST_MONDAY) | {
        "quads": 3, "glutes_hamstrings": 3 + 2, "chest": 2, "back": 2,
        "hard_sets": 3 + 2 + 2 + 2, "sets": 3 + 2 + 2 + 1 + 2,
        "tonnage_kg": 1500.0 + 800.0 + 240.0 + 840.0,
    }
    this_week = _empty_week(THIS_MONDAY) | {"back": 4, "hard_sets": 4, "sets": 4,
                                            "tonnage_kg": 2000.0}
    assert volume.points == [last_week, this_week]

    # Three weeks reach back to the week of Monday 9 November: Sunday 15th's session lands there.
    three = progress.weekly_volume_by_muscle(me, weeks=3, now=NOW)
    assert [p["x"] for p in three.points] == ["2026-11-09", "2026-11-16", "2026-11-23"]
    assert three.points[0]["quads"] == 1 and three.points[0]["tonnage_kg"] == 500.0


def test_weekly_volume_for_a_new_person_is_a_row_of_empty_weeks(me):
    volume = progress.weekly_volume_by_muscle(me, weeks=4, now=NOW)
    assert volume.points == [_empty_week(date(2026, 11, d)) for d in (2, 9, 16, 23)]


def test_week_is_the_persons_local_week_not_utc(me):
    # Sunday 22 November, 21:00 in New York = Monday 02:00 UTC; "now" is that Sunday 22:00 local.
    seeding.add_session(me, ny(date(2026, 11, 22), 21), {"lat-pulldown": [(10, 50)]}, timezone=NY)
    now = ny(date(2026, 11, 22), 22)
    points = progress.weekly_volume_by_muscle(me, weeks=1, now=now).points
    assert points[0]["x"] == "2026-11-16" and points[0]["back"] == 1


# --- sessions per week --------------------------------------------------------------------


def test_sessions_per_week_against_the_profile_target(me, someone_else):
    for day, hour in ((LAST_MONDAY, 18), (date(2026, 11, 18), 7), (date(2026, 11, 18), 19),
                      (date(2026, 11, 22), 23)):  # Sunday 23:00 local: last week
        seeding.add_session(me, ny(day, hour), {"lat-pulldown": [(10, 50)]}, timezone=NY)
    seeding.add_session(me, ny(THIS_MONDAY, 6), {"lat-pulldown": [(10, 50)]}, timezone=NY)
    seeding.add_session(me, ny(THIS_MONDAY, 6, 30), {"lat-pulldown": [(10, 50)]}, timezone=NY,
                        finished=False)
    seeding.add_session(someone_else, ny(LAST_MONDAY, 12), {"lat-pulldown": [(10, 50)]})

    weekly = progress.sessions_per_week(me, weeks=3, now=NOW)
    assert weekly.target == 3
    assert weekly.points == [
        {"x": "2026-11-09", "week": "2026-W46", "sessions": 0, "target": 3, "met": False},
        {"x": "2026-11-16", "week": "2026-W47", "sessions": 4, "target": 3, "met": True},
        {"x": "2026-11-23", "week": "2026-W48", "sessions": 1, "target": 3, "met": False},
    ]
    other = progress.sessions_per_week(someone_else, weeks=1, now=NOW)
    assert other.target == 5 and other.points[0]["sessions"] == 0  # Monday 16th is last week


def test_sessions_per_week_without_a_profile_uses_the_defaults():
    user_id = make_user("carol").user.id
    weekly = progress.sessions_per_week(user_id, weeks=2, now=NOW)
    assert weekly.target == 3
    assert [p["sessions"] for p in weekly.points] == [0, 0]
    assert [p["x"] for p in weekly.points] == ["2026-11-16", "2026-11-23"]  # UTC weeks


def test_a_session_counts_in_the_zone_it_was_trained_in(me):
    # Trained while travelling in Tokyo: Monday 23 November 08:00 there is Sunday 22nd in UTC
    # and in New York, but the session's own day is Monday - the streak rule, too.
    seeding.add_session(me, local_time(THIS_MONDAY, 8, 0, "Asia/Tokyo"),
                        {"lat-pulldown": [(10, 50)]}, timezone="Asia/Tokyo")
    points = progress.sessions_per_week(me, weeks=2, now=NOW).points
    assert [p["sessions"] for p in points] == [0, 1]


# --- body metrics -------------------------------------------------------------------------


def test_body_series_in_date_order_with_the_measured_fields(me, someone_else):
    seeding.add_body_metric(me, date(2026, 11, 10), weight_kg=81.5, waist_cm=86.0)
    seeding.add_body_metric(me, date(2026, 11, 3), weight_kg=82.0)
    seeding.add_body_metric(someone_else, date(2026, 11, 5), weight_kg=60.0, arms_cm=30.0)
    series = body_metrics.body_series(me)
    assert series.fields == ["weight_kg", "waist_cm"]
    nothing = dict.fromkeys(body_metrics.BODY_FIELDS)
    assert series.points == [
        {"x": "2026-11-03", **nothing, "weight_kg": 82.0},
        {"x": "2026-11-10", **nothing, "weight_kg": 81.5, "waist_cm": 86.0},
    ]


def test_body_series_for_a_new_person_is_empty(me):
    assert body_metrics.body_series(me) == body_metrics.BodySeries(fields=[], points=[])


# --- records ------------------------------------------------------------------------------


def test_records_list_newest_first_with_names_and_local_dates(me, someone_else):
    seeding.add_record(me, "barbell-back-squat", 120.0, ny(date(2026, 11, 2), 18), previous=115.0)
    late = seeding.add_record(me, "barbell-bench-press", 90.0, ny(date(2026, 11, 9), 23, 30),
                              kind="weight_for_reps", reps=5, previous=87.5)
    seeding.add_record(someone_else, "barbell-deadlift", 300.0, ny(date(2026, 11, 20), 18))

    records = progress.records_list(me)
    assert [(r.exercise_name, r.value, r.previous) for r in records] == [
        ("Barbell bench press", 90.0, 87.5), ("Barbell back squat", 120.0, 115.0),
    ]
    assert records[0].id == late and records[0].kind == "weight_for_reps" and records[0].reps == 5
    assert records[0].achieved_on == "2026-11-09"  # 04:30 UTC on the 10th
    assert [r.value for r in progress.records_list(me, limit=1)] == [90.0]
    assert progress.records_list(make_user("carol").user.id) == []


def test_the_strength_chart_opens_on_a_lifted_exercise_not_a_hold(me):
    for day in (2, 4, 6):
        seeding.add_session(me, ny(date(2026, 11, day), 18),
                            {"forearm-plank": [seeding.LoggedSet(reps=None, weight_kg=None, seconds=45)]},
                            timezone=NY)
    seeding.add_session(me, ny(date(2026, 11, 9), 18), {"barbell-back-squat": [(5, 100)]}, timezone=NY)
    options = progress.exercise_options(me)
    assert [(o.exercise_id, o.loaded) for o in options] == [("forearm-plank", False), ("barbell-back-squat", True)]
    assert progress.chart_default(options) == "barbell-back-squat"
    assert progress.chart_default(options[:1]) == "forearm-plank"  # nothing lifted: the most logged
    assert progress.chart_default([]) == ""


# --- cardio -------------------------------------------------------------------------------


def run(metres: float | None, seconds: int | None, kind: str = "normal", done: bool = True) -> LoggedSet:
    return LoggedSet(distance_m=metres, seconds=seconds, kind=kind, done=done)


def test_cardio_series_gives_distance_time_and_pace_per_finished_session(me, someone_else):
    # 23:30 on Monday 16 November in New York is already Tuesday in UTC.
    first = seeding.add_session(me, ny(LAST_MONDAY, 23, 30), {"running": [
        run(1000, 420, kind="warmup"),  # a warm-up jog: never counted
        run(5000, 1500), run(2000, 560),  # 7 km in 34:20: 294.3 s a km
        run(3000, 600, done=False),
    ]}, timezone=NY)
    second = seeding.add_session(me, ny(date(2026, 11, 19), 7), {"running": [
        run(10000, 2900), run(None, 300),  # a time without a distance adds time, not pace
    ]}, timezone=NY)
    seeding.add_session(me, ny(date(2026, 11, 20), 7), {"running": [run(21100, 6000)]},
                        timezone=NY, finished=False)  # still open: not on the chart
    seeding.add_session(someone_else, ny(date(2026, 11, 18), 7), {"running": [run(42195, 9000)]})

    series = cardio_progress.cardio_series(me, "running")
    assert series.name == "Running"
    assert series.points == [
        {"x": "2026-11-16", "session_id": first, "distance_m": 7000.0, "seconds": 2060,
         "pace": 294.3, "longest_m": 5000.0, "sets": 2},
        {"x": "2026-11-19", "session_id": second, "distance_m": 10000.0, "seconds": 3200,
         "pace": 290.0, "longest_m": 10000.0, "sets": 2},
    ]
    # The warm-up's 4 km of 7:00 a km, the undone 3 km and the open half-marathon are no bests.
    assert series.bests == {"longest_distance": 10000.0, "fastest_5k": 1450.0, "best_pace": 280.0}


def test_cardio_series_since_a_local_date(me):
    seeding.add_session(me, ny(LAST_MONDAY, 23, 30), {"rowing-machine-steady": [run(5000, 1200)]}, timezone=NY)
    later = seeding.add_session(me, ny(date(2026, 11, 17), 18), {"rowing-machine-steady": [run(6000, 1400)]},
                                timezone=NY)
    series = cardio_progress.cardio_series(me, "rowing-machine-steady", since=date(2026, 11, 17))
    assert [p["session_id"] for p in series.points] == [later]
    assert series.bests["longest_distance"] == 6000.0


def test_cardio_series_of_an_exercise_never_logged_is_empty(me):
    series = cardio_progress.cardio_series(me, "running")
    assert series.points == [] and series.bests == {} and series.name == "Running"


@pytest.mark.parametrize(("units", "distance", "pace", "texts"), [
    ("kg", 7.0, 4.91, ("7 km", "34:20", "4:54 /km")),  # 294.3 s a km: 4.905 minutes
    ("lb", 4.35, 7.89, ("4.35 mi", "34:20", "7:54 /mi")),
])
def test_cardio_chart_points_are_in_the_persons_units(me, units, distance, pace, texts):
    seeding.add_session(me, ny(LAST_MONDAY, 9), {"running": [run(5000, 1500), run(2000, 560)]}, timezone=NY)
    seeding.add_session(me, ny(date(2026, 11, 18), 9), {"running": [run(None, 1200)]}, timezone=NY)
    series = cardio_progress.cardio_series(me, "running")
    first, timed_only = cardio_progress.chart_points(series, units)
    assert (first["distance"], first["pace"]) == (distance, pace)
    assert (first["distance_text"], first["time_text"], first["pace_text"]) == texts
    assert timed_only["pace"] is None and timed_only["pace_text"] == "" and timed_only["time_text"] == "20:00"


def test_distance_this_week_and_this_month_in_the_persons_calendar(me, someone_else):
    # Now is Monday 23 November, 07:00 in New York: this week began at midnight.
    seeding.add_session(me, ny(THIS_MONDAY, 6), {"running": [run(5000, 1500), run(1000, 300, kind="warmup")]},
                        timezone=NY)
    seeding.add_session(me, ny(date(2026, 11, 22), 23, 30), {"running": [run(8000, 2400)]},
                        timezone=NY)  # Sunday night in New York, Monday in UTC: last week
    seeding.add_session(me, ny(date(2026, 11, 2), 7), {"rowing-machine-steady": [run(4000, 960)]}, timezone=NY)
    seeding.add_session(me, ny(date(2026, 10, 31), 7), {"running": [run(10000, 3000)]}, timezone=NY)
    seeding.add_session(me, ny(THIS_MONDAY, 6, 30), {"running": [run(3000, 900)]}, timezone=NY,
                        finished=False)
    seeding.add_session(someone_else, ny(THIS_MONDAY, 5), {"running": [run(9000, 2700)]})

    assert cardio_progress.distance_totals(me, "running", now=NOW) == \
        cardio_progress.DistanceTotals(week_m=5000.0, month_m=13000.0)
    assert cardio_progress.distance_totals(me, now=NOW) == \
        cardio_progress.DistanceTotals(week_m=5000.0, month_m=17000.0)
    assert cardio_progress.distance_totals(make_user("carol").user.id, now=NOW) == \
        cardio_progress.DistanceTotals(week_m=0.0, month_m=0.0)


def test_a_distance_exercise_is_marked_for_the_cardio_chart(me):
    seeding.add_session(me, ny(date(2026, 11, 2), 7), {"running": [run(5000, 1500)],
                                                       "barbell-back-squat": [(5, 100)]}, timezone=NY)
    options = progress.exercise_options(me)
    assert {o.exercise_id: o.distance for o in options} == {"running": True, "barbell-back-squat": False}


@pytest.mark.parametrize(("paces", "ticks"), [
    ([4.91, 5.4, 5.05], [4.75, 5.0, 5.25, 5.5]),  # 15 s apart
    ([5.0, 5.5], [4.75, 5.0, 5.25, 5.5, 5.75]),  # a pace on a tick gets room beyond it
    ([4.2, 6.9], [4.0, 4.5, 5.0, 5.5, 6.0, 6.5, 7.0]),  # 30 s apart
    ([4.2, 9.0], [4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0]),
    ([None], []),
])
def test_pace_axis_ticks_are_round_clock_steps(paces, ticks):
    assert cardio_progress.pace_ticks([{"pace": pace} for pace in paces]) == ticks


# --- the indexes of counted sets ------------------------------------------------------------


def test_the_reads_of_counted_sets_use_the_partial_indexes_of_them(me):
    """Warm-ups and undone sets are left out by the indexes themselves (migration 0015): the
    reads that sum or rank a person's history name the same condition, so SQLite takes them."""
    seeding.add_session(me, ny(LAST_MONDAY, 18), {"barbell-bench-press": [(5, 80)], "running": [run(5000, 1500)]},
                        timezone=NY, minutes=5)
    statements: list[tuple[str, object]] = []

    def record(_conn, _cursor, statement, parameters, _context, _executemany):
        statements.append((statement, parameters))

    engine = db.get_engine()
    sqlalchemy.event.listen(engine, "before_cursor_execute", record)
    try:
        progress.exercise_options(me)
        progress.strength_series(me, "barbell-bench-press")
        progress.weekly_volume_by_muscle(me, weeks=4, now=NOW)
        cardio_progress.cardio_series(me, "running")
        dashboard.summary(me, now=NOW)
    finally:
        sqlalchemy.event.remove(engine, "before_cursor_execute", record)
    counted = [(s, p) for s, p in statements if "kind != 'warmup'" in s]
    assert len(counted) == 5
    with engine.connect() as connection:
        for statement, parameters in counted:
            plan = " ".join(str(row[-1]) for row in connection.exec_driver_sql(
                f"EXPLAIN QUERY PLAN {statement}", parameters))
            assert "ix_workout_sets_counted_by_" in plan, (statement, plan)
