"""The rows a saved set's records are decided on: the record rules find on them exactly what
they find on the whole history (random histories, on SQLite and on PostgreSQL)."""

from __future__ import annotations

import random
from datetime import timedelta

import sqlalchemy
from sqlmodel import col

from tests import seeding
from tests.factories import make_user
from vigor_app import db
from vigor_app.clock import utcnow
from vigor_app.models import WorkoutSet
from vigor_app.services.training import record_history, records, set_kinds

EXERCISE = "barbell-back-squat"


def _random_set(rng: random.Random) -> seeding.LoggedSet:
    shape = rng.random()
    done = rng.random() > 0.1
    kind = rng.choice(["normal"] * 6 + ["warmup", "drop", "failure"])
    if shape < 0.6:  # a lift: weights in 2.5 kg steps, sometimes nothing typed
        return seeding.LoggedSet(reps=rng.choice([None, 0, *range(1, 16)]),
                                 weight_kg=rng.choice([None, 0.0, *(2.5 * k for k in range(1, 60))]),
                                 done=done, kind=kind)
    if shape < 0.75:  # a hold
        return seeding.LoggedSet(seconds=rng.choice([None, 0, *range(10, 120, 5)]), done=done, kind=kind)
    return seeding.LoggedSet(distance_m=rng.choice([None, 0.0, 400.0, 800.0, 1000.0, 2500.0, 5000.0, 5200.0,
                                                    10000.0]),
                             seconds=rng.choice([None, *range(60, 3600, 37)]), done=done, kind=kind)


def _all_earlier(user_id: int, set_id: int) -> list[records.SetFact]:
    """Every counted set of the exercise but the new one: what the rules were given before."""
    with db.read_only() as session:
        rows = session.execute(
            sqlalchemy.select(WorkoutSet).where(col(WorkoutSet.user_id) == user_id,
                                                col(WorkoutSet.exercise_id) == EXERCISE,
                                                set_kinds.counted(), col(WorkoutSet.id) != set_id)
        ).scalars().all()
        return [records.SetFact(exercise_id=EXERCISE, session_id=r.session_id, weight_kg=r.weight_kg, reps=r.reps,
                                seconds=r.seconds, done=r.done, completed_at=r.completed_at or utcnow(),
                                distance_m=r.distance_m) for r in rows]


def test_the_rules_find_the_same_records_on_the_picked_rows_as_on_all(sqlite_and_postgres):
    rng = random.Random(20261207)
    start = utcnow() - timedelta(days=200)
    compared = found = 0
    for person in range(50):
        user_id = make_user(f"lifter{person}").user.id
        for day in range(rng.randint(2, 12)):  # many short sessions: each best in a different one
            sets = [_random_set(rng) for _ in range(rng.randint(1, 4))]
            seeding.add_session(user_id, start + timedelta(days=3 * day), {EXERCISE: sets}, minutes=60)
        with db.read_only() as session:
            candidates = session.execute(
                sqlalchemy.select(WorkoutSet).where(col(WorkoutSet.user_id) == user_id, set_kinds.counted())
            ).scalars().all()
            picked = {}
            for new in rng.sample(list(candidates), min(6, len(candidates))):
                fact = records.SetFact(exercise_id=EXERCISE, session_id=new.session_id, weight_kg=new.weight_kg,
                                       reps=new.reps, seconds=new.seconds, done=True,
                                       completed_at=new.completed_at, distance_m=new.distance_m)
                picked[new.id] = (fact, record_history.earlier_sets(session, user_id, EXERCISE, new.id,
                                                                     new.session_id, new.reps, new.completed_at))
        for set_id, (fact, rows) in picked.items():
            everything = _all_earlier(user_id, set_id)
            assert len(rows) <= len(everything)
            expected = records.records_for_new_set(everything, fact)
            assert records.records_for_new_set(rows, fact) == expected
            compared += 1
            found += bool(expected)
    assert compared > 100 and found > 20  # the histories did set records to compare


def _records_of(user_id: int, session_id: int, values: seeding.LoggedSet) -> list[records.RecordHit]:
    """Log `values` as the last set of the workout `session_id`; the records the rules find on
    the picked rows, checked against those they find on all rows."""
    with db.transaction() as session:
        entry_set = session.execute(sqlalchemy.select(WorkoutSet).where(col(WorkoutSet.session_id) == session_id)
                                    .order_by(col(WorkoutSet.position).desc())).scalars().first()
        assert entry_set is not None
        fact = records.SetFact(exercise_id=EXERCISE, session_id=session_id, weight_kg=values.weight_kg,
                               reps=values.reps, seconds=values.seconds, done=True,
                               completed_at=entry_set.completed_at, distance_m=values.distance_m)
        rows = record_history.earlier_sets(session, user_id, EXERCISE, entry_set.id, session_id, values.reps,
                                           entry_set.completed_at)
    hits = records.records_for_new_set(rows, fact)
    assert hits == records.records_for_new_set(_all_earlier(user_id, entry_set.id), fact)
    return hits


def test_an_earlier_workout_with_nothing_typed_still_makes_this_one_not_the_first(database):
    user_id = make_user("lifter").user.id
    start = utcnow() - timedelta(days=10)
    seeding.add_session(user_id, start, {EXERCISE: [seeding.LoggedSet()]})
    today = seeding.add_session(user_id, start + timedelta(days=3), {EXERCISE: [(5, 100.0), (1, 1.0)]})
    hits = _records_of(user_id, today, seeding.LoggedSet(reps=5, weight_kg=105.0))
    assert (records.WEIGHT_FOR_REPS, 105.0, 100.0) in [(h.kind, h.value, h.previous) for h in hits]


def test_the_best_estimate_is_not_always_the_heaviest_weight(database):
    """100 kg x 2 is the heaviest set; 90 kg x 10 the best Epley estimate (120 kg); a third
    workout holds the most volume: a set of 95 kg x 8 (120.3) beats 120, not 106.7."""
    user_id = make_user("lifter").user.id
    start = utcnow() - timedelta(days=20)
    seeding.add_session(user_id, start, {EXERCISE: [(2, 100.0)]})
    seeding.add_session(user_id, start + timedelta(days=2), {EXERCISE: [(10, 90.0)]})
    seeding.add_session(user_id, start + timedelta(days=4), {EXERCISE: [(10, 50.0)] * 3})
    today = seeding.add_session(user_id, start + timedelta(days=6), {EXERCISE: [(1, 1.0)]})
    hits = _records_of(user_id, today, seeding.LoggedSet(reps=8, weight_kg=95.0))
    assert [(h.kind, h.value, h.previous) for h in hits if h.kind == records.E1RM] == [(records.E1RM, 120.3, 120.0)]


def test_the_fastest_5_km_and_the_best_pace_are_not_always_the_longest_run(database):
    """10 km in 50:00 is the longest (5 km time 25:00, 5:00 /km); 5 km in 23:20 the fastest
    5 km; 2 km in 8:20 the best pace (4:10 /km); a workout of lifts holds the most volume.
    5 km in 20:20 beats 23:20 and 4:10 /km, not what the longest run did."""
    user_id = make_user("runner").user.id
    start = utcnow() - timedelta(days=20)
    run = seeding.LoggedSet
    seeding.add_session(user_id, start, {EXERCISE: [run(distance_m=10000.0, seconds=3000)]})
    seeding.add_session(user_id, start + timedelta(days=2), {EXERCISE: [run(distance_m=5000.0, seconds=1400)]})
    seeding.add_session(user_id, start + timedelta(days=4), {EXERCISE: [run(distance_m=2000.0, seconds=500)]})
    seeding.add_session(user_id, start + timedelta(days=6), {EXERCISE: [(10, 100.0)] * 3})
    today = seeding.add_session(user_id, start + timedelta(days=8), {EXERCISE: [(1, 1.0)]})
    hits = _records_of(user_id, today, run(distance_m=5000.0, seconds=1220))
    found = {h.kind: (h.value, h.previous) for h in hits}
    assert found[records.FASTEST_5K] == (1220.0, 1400.0)
    assert found[records.BEST_PACE] == (244.0, 250.0)
