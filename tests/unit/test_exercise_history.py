"""One exercise over a person's workouts (exercise_history), the sets of the History cards
(workout_history.logged_sets) and a set as a lifter reads it (set_lines).

Alice lives in New York; her sets are written straight into the tables so each figure can be
worked out by hand.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import event

from tests import seeding
from tests.factories import make_user
from vigor_app import db
from vigor_app.models import Exercise, SessionExercise, WorkoutSession, WorkoutSet
from vigor_app.models.workout import SESSION_FINISHED, SESSION_OPEN
from vigor_app.services.errors import NotFound
from vigor_app.services.training import exercise_history, records, set_lines, workout_history
from vigor_app.services.training.workout_views import UNKNOWN_NAME, SetView

pytestmark = pytest.mark.usefixtures("database")

NY = "America/New_York"
BENCH = "barbell-bench-press"
SQUAT = "barbell-back-squat"
PLANK = "forearm-plank"
RUN = "running"
BOBS_PRESS = "custom-bob-landmine-press"


@pytest.fixture
def alice() -> int:
    user_id = make_user("alice").user.id
    seeding.set_profile(user_id, timezone=NY)
    return user_id


@pytest.fixture
def bob() -> int:
    user_id = make_user("bob").user.id
    seeding.set_profile(user_id, timezone="UTC", units="lb")
    with db.transaction() as session:
        session.add(Exercise(id=BOBS_PRESS, name="Bob's landmine press", pattern="push_vertical",
                             level="beginner", is_custom=True, owner_user_id=user_id))
    return user_id


def ny(day: date, hour: int, minute: int = 0) -> datetime:
    return seeding.local_time(day, hour, minute, NY)


def workout(user_id: int, started_at: datetime, exercises: dict[str, list[dict]], *, name: str = "Workout",
            finished: bool = True) -> int:
    """A workout whose sets are dicts of WorkoutSet fields (done unless they say otherwise)."""
    with db.transaction() as session:
        row = WorkoutSession(user_id=user_id, name=name, started_at=started_at, timezone=NY,
                             status=SESSION_FINISHED if finished else SESSION_OPEN,
                             duration_seconds=3600 if finished else None)
        session.add(row)
        session.flush()
        for position, (exercise_id, sets) in enumerate(exercises.items()):
            entry = SessionExercise(session_id=row.id, user_id=user_id, exercise_id=exercise_id, position=position)
            session.add(entry)
            session.flush()
            for number, values in enumerate(sets):
                session.add(WorkoutSet(session_exercise_id=entry.id, session_id=row.id, user_id=user_id,
                                       exercise_id=exercise_id, position=number,
                                       completed_at=started_at + timedelta(minutes=number),
                                       **{"done": True, **values}))
        return row.id or 0


def lift(weight: float | None, reps: int, kind: str = "normal", **more) -> dict:
    return {"weight_kg": weight, "reps": reps, "kind": kind, **more}


def texts(sets: list[SetView], unit: str = "kg") -> list[str]:
    return [set_lines.set_text(s, unit) for s in sets]


# --- a set as a lifter reads it --------------------------------------------------------------


def view(**values) -> SetView:
    return SetView(**{"id": 1, "position": 0, "reps": None, "seconds": None, "weight_kg": None, "rpe": None,
                      "done": True, **values})


def test_sets_read_as_a_lifter_writes_them():
    assert set_lines.set_text(view(weight_kg=60, reps=8), "kg") == "60 kg × 8"
    assert set_lines.set_text(view(weight_kg=40, reps=10, kind="warmup"), "kg") == "W 40 kg × 10"
    assert set_lines.set_text(view(weight_kg=50, reps=10, kind="drop"), "kg") == "D 50 kg × 10"
    assert set_lines.set_text(view(weight_kg=60, reps=6, kind="failure", rpe=10), "kg") == "F 60 kg × 6 @ 10"
    assert set_lines.set_text(view(weight_kg=60, reps=8, rpe=8.5), "kg") == "60 kg × 8 @ 8.5"
    assert set_lines.set_text(view(reps=12), "kg") == "12 reps"
    assert set_lines.set_text(view(reps=1), "kg") == "1 rep"
    assert set_lines.set_text(view(seconds=45), "kg") == "45 s"
    assert set_lines.set_text(view(seconds=90), "kg") == "90 s"
    assert set_lines.set_text(view(seconds=150), "kg") == "2:30"
    assert set_lines.set_text(view(seconds=45, weight_kg=20), "kg") == "20 kg × 45 s"
    assert set_lines.set_text(view(distance_m=5000, seconds=1530), "kg") == "5 km · 25:30 · 5:06 /km"
    assert set_lines.set_text(view(distance_m=5000), "kg") == "5 km"
    assert set_lines.set_text(view(), "kg") == "done"


def test_sets_are_written_in_the_persons_units():
    assert set_lines.set_text(view(weight_kg=60, reps=8), "lb") == "132.5 lb × 8"
    assert set_lines.set_text(view(distance_m=1609.344, seconds=480), "lb") == "1 mi · 8:00 · 8:00 /mi"


# --- one exercise's history --------------------------------------------------------------------


def test_every_finished_workout_with_the_exercise_newest_first_with_its_sets(alice, bob):
    first = workout(alice, ny(date(2026, 11, 2), 18), {BENCH: [lift(40, 10, "warmup"), lift(60, 8, rpe=8),
                                                               lift(60, 8)]}, name="Push")
    second = workout(alice, ny(date(2026, 11, 9), 23, 30), {SQUAT: [lift(100, 5)],
                                                            BENCH: [lift(62.5, 8), lift(80, 3, done=False)]})
    workout(alice, ny(date(2026, 11, 10), 18), {SQUAT: [lift(100, 5)]})  # no bench
    workout(alice, ny(date(2026, 11, 11), 18), {BENCH: [lift(70, 8)]}, finished=False)  # still open
    workout(bob, ny(date(2026, 11, 12), 18), {BENCH: [lift(200, 8)]})  # somebody else

    found = exercise_history.exercise_history(alice, BENCH)
    assert (found.name, found.timed, found.distance, found.custom) == ("Barbell bench press", False, False, False)
    assert found.total == 2 and not found.more
    assert [w.session_id for w in found.sessions] == [second, first]
    # 23:30 in New York is already the next day in UTC: the day is the person's.
    assert [w.day for w in found.sessions] == [date(2026, 11, 9), date(2026, 11, 2)]
    assert found.sessions[1].name == "Push"
    assert texts(found.sessions[1].sets) == ["W 40 kg × 10", "60 kg × 8 @ 8", "60 kg × 8"]
    assert texts(found.sessions[0].sets) == ["62.5 kg × 8"]  # the undone set is not listed


def test_warm_ups_are_listed_but_never_count_toward_the_bests_or_the_chart(alice):
    workout(alice, ny(date(2026, 11, 2), 18), {BENCH: [lift(100, 5, "warmup"), lift(60, 8), lift(60, 8)]})
    workout(alice, ny(date(2026, 11, 5), 18), {BENCH: [lift(90, 3, "warmup"), lift(65, 5, "drop"),
                                                       lift(70, 3, "failure")]})
    found = exercise_history.exercise_history(alice, BENCH)
    assert found.measure == exercise_history.E1RM
    assert [(p.day, p.value, p.top_kg) for p in found.points] == [
        (date(2026, 11, 2), 76.0, 60.0),  # 60 × (1 + 8/30); the 100 kg warm-up is left out
        (date(2026, 11, 5), 77.0, 70.0),  # 70 × (1 + 3/30) beats 65 × (1 + 5/30) = 75.8
    ]
    assert found.bests == {
        records.weight_for_reps_key(8): 60.0, records.weight_for_reps_key(5): 65.0,
        records.weight_for_reps_key(3): 70.0, records.E1RM: 77.0, records.SESSION_VOLUME: 960.0,
    }


def test_an_exercise_never_logged_is_an_empty_history(alice):
    found = exercise_history.exercise_history(alice, SQUAT)
    assert found.name == "Barbell back squat"
    assert (found.total, found.sessions, found.points, found.bests, found.more) == (0, [], [], {}, False)


def test_another_persons_exercise_and_an_unknown_id_are_not_found_alike(alice, bob):
    workout(bob, ny(date(2026, 11, 2), 18), {BOBS_PRESS: [lift(30, 10)]})
    assert exercise_history.exercise_history(bob, BOBS_PRESS).total == 1  # his own
    messages = set()
    for wrong in (BOBS_PRESS, "no-such-exercise", "", "x" * 500, None, 42):
        with pytest.raises(NotFound) as refused:
            exercise_history.exercise_history(alice, wrong)
        messages.add(refused.value.message)
    assert messages == {exercise_history.NOT_FOUND}


def test_someone_elses_workouts_never_appear_in_mine(alice, bob):
    workout(bob, ny(date(2026, 11, 2), 18), {BENCH: [lift(150, 5)]})
    mine = exercise_history.exercise_history(alice, BENCH)
    assert (mine.total, mine.points, mine.bests) == (0, [], {})
    theirs = exercise_history.exercise_history(bob, BENCH)
    assert theirs.total == 1 and theirs.units == "lb" and theirs.timezone == "UTC"


def test_a_long_history_comes_a_page_at_a_time_and_the_chart_has_every_workout(alice):
    start = ny(date(2026, 1, 5), 18)
    for week in range(7):
        workout(alice, start + timedelta(weeks=week), {BENCH: [lift(50 + week, 5)]})
    found = exercise_history.exercise_history(alice, BENCH, limit=3)
    assert found.total == 7 and found.more
    assert [texts(w.sets) for w in found.sessions] == [["56 kg × 5"], ["55 kg × 5"], ["54 kg × 5"]]
    assert len(found.points) == 7 and found.points[0].top_kg == 50.0
    everything = exercise_history.exercise_history(alice, BENCH, limit=10_000)
    assert len(everything.sessions) == 7 and not everything.more


def test_a_timed_exercise_charts_its_longest_set_and_bodyweight_reps_the_most_reps(alice):
    workout(alice, ny(date(2026, 11, 2), 18), {PLANK: [{"seconds": 30}, {"seconds": 45},
                                                       {"seconds": 90, "kind": "warmup"}],
                                               "push-up": [lift(None, 12), lift(None, 15)]})
    plank = exercise_history.exercise_history(alice, PLANK)
    assert plank.timed and plank.measure == exercise_history.SECONDS
    assert [p.value for p in plank.points] == [45.0]
    assert plank.bests == {records.LONGEST_HOLD: 45.0}
    assert texts(plank.sessions[0].sets) == ["30 s", "45 s", "W 90 s"]
    push_ups = exercise_history.exercise_history(alice, "push-up")
    assert push_ups.measure == exercise_history.REPS and [p.value for p in push_ups.points] == [15.0]


def test_a_run_charts_the_distance_of_each_workout(alice):
    workout(alice, ny(date(2026, 11, 2), 7), {RUN: [{"distance_m": 5000, "seconds": 1530}]})
    workout(alice, ny(date(2026, 11, 4), 7), {RUN: [{"distance_m": 3000, "seconds": 900},
                                                    {"distance_m": 2000, "seconds": 660},
                                                    {"distance_m": 1000, "seconds": 400, "kind": "warmup"}]})
    found = exercise_history.exercise_history(alice, RUN)
    assert found.distance and found.measure == exercise_history.DISTANCE
    assert [p.value for p in found.points] == [5000.0, 5000.0]
    assert texts(found.sessions[-1].sets) == ["5 km · 25:30 · 5:06 /km"]
    assert texts(found.sessions[0].sets, "lb")[0] == "1.86 mi · 15:00 · 8:03 /mi"


# --- the sets of the History cards -----------------------------------------------------------------


def test_the_history_cards_get_their_sets_by_exercise_in_the_workouts_order(alice, bob):
    first = workout(alice, ny(date(2026, 11, 2), 18), {SQUAT: [lift(60, 10, "warmup"), lift(100, 5, rpe=8)],
                                                       BENCH: [lift(60, 8), lift(80, 3, done=False)],
                                                       PLANK: [{"done": False, "seconds": 30}]})
    second = workout(alice, ny(date(2026, 11, 4), 18), {RUN: [{"distance_m": 5000, "seconds": 1530}]})
    theirs = workout(bob, ny(date(2026, 11, 4), 18), {BOBS_PRESS: [lift(30, 10)]})

    found = workout_history.logged_sets(alice, [second, first, theirs])
    assert set(found) == {first, second}  # Bob's workout gives nothing
    assert [(e.exercise_id, e.name, e.known) for e in found[first]] == [
        (SQUAT, "Barbell back squat", True), (BENCH, "Barbell bench press", True)]  # no plank: nothing done
    assert [texts(e.sets) for e in found[first]] == [["W 60 kg × 10", "100 kg × 5 @ 8"], ["60 kg × 8"]]
    assert texts(found[second][0].sets) == ["5 km · 25:30 · 5:06 /km"]
    assert workout_history.logged_sets(alice, []) == {}


def test_an_exercise_the_person_may_not_use_has_no_page_and_no_name(alice, bob):
    mine = workout(alice, ny(date(2026, 11, 2), 18), {BOBS_PRESS: [lift(30, 10)]})  # an id from elsewhere
    [entry] = workout_history.logged_sets(alice, [mine])[mine]
    assert (entry.name, entry.known) == (UNKNOWN_NAME, False)


def test_the_sets_of_a_page_of_workouts_take_one_query(alice):
    ids = [workout(alice, ny(date(2026, 10, day), 18), {SQUAT: [lift(100, 5)] * 3, BENCH: [lift(60, 8)] * 3})
           for day in range(1, 11)]
    statements: list[str] = []

    def count(conn, cursor, statement, *args) -> None:
        statements.append(statement)

    engine = db.get_engine()
    event.listen(engine, "before_cursor_execute", count)
    try:
        found = workout_history.logged_sets(alice, ids)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert len(found) == 10 and all(len(e.sets) == 3 for sets in found.values() for e in sets)
    assert len([s for s in statements if "workout_sets" in s]) == 1
    assert len(statements) == 1  # catalogue names come from memory


def test_an_exercise_page_is_in_the_persons_time_zone(alice):
    late = datetime(2026, 11, 3, 3, 30, tzinfo=UTC)  # 22:30 on the 2nd in New York
    workout(alice, late, {BENCH: [lift(60, 8)]})
    found = exercise_history.exercise_history(alice, BENCH)
    assert found.timezone == NY and found.sessions[0].day == date(2026, 11, 2)
    assert found.points[0].day == date(2026, 11, 2)
