"""At the bar: runs with distance, supersets and their rest, last time's sets, drafts kept as
they are typed, the plate and warm-up calculator."""

from datetime import timedelta

import pytest
from sqlmodel import select

from tests.factories import make_user
from vigor_app import db
from vigor_app.clock import utcnow
from vigor_app.models import FitnessProfile, WorkoutSession, WorkoutSet
from vigor_app.services.errors import NotFound, ValidationError
from vigor_app.services.plans import profiles
from vigor_app.services.training import (
    plates,
    previous_sets,
    set_kinds,
    workout_entries,
    workout_sessions,
    workout_sets,
    workout_views,
)

pytestmark = pytest.mark.usefixtures("database")


def _person(name="alice", units="kg"):
    user = make_user(name).user.id
    profiles.update_profile(user, {"equipment": ["barbell", "dumbbells", "bench"], "units": units},
                            finish_onboarding=True)
    return user


def _workout(user, *exercise_ids):
    view = workout_sessions.start_freestyle(user)
    for exercise_id in exercise_ids:
        view = workout_entries.add_exercise(user, view.id, exercise_id)
    return view


def _finish(user, view, *, hours_ago=0):
    finished = workout_sessions.finish(user, view.id)
    if hours_ago:
        with db.transaction() as session:
            from vigor_app.models import WorkoutSession
            row = session.get(WorkoutSession, view.id)
            row.started_at = utcnow() - timedelta(hours=hours_ago)
            session.add(row)
    return finished


# -- a run -------------------------------------------------------------------------------------


def test_a_run_is_saved_in_metres_and_seconds_and_read_back_in_miles():
    me = _person(units="lb")
    view = _workout(me, "running")
    entry = view.entries[0]
    assert entry.distance and entry.timed
    result = workout_sets.save_set(me, entry.sets[0].id, distance="3.1", time="25:30", weight_unit="lb")
    saved = result.session.entries[0].sets[0]
    assert saved.distance_m == round(3.1 * 1609.344) and saved.seconds == 1530 and saved.done


def test_a_run_needs_a_distance_or_a_time_and_a_bad_one_changes_nothing():
    me = _person()
    set_id = _workout(me, "running").entries[0].sets[0].id
    with pytest.raises(ValidationError, match="time or distance"):
        workout_sets.save_set(me, set_id, distance="", time="")
    for distance, time, field in (("-2", "20:00", "distance"), ("5", "20:99", "seconds"), ("five", "", "distance")):
        with pytest.raises(ValidationError) as refused:
            workout_sets.save_set(me, set_id, distance=distance, time=time)
        assert refused.value.field == field
    with db.read_only() as session:
        row = session.get(WorkoutSet, set_id)
        assert not row.done and row.distance_m is None


def test_the_next_run_is_prefilled_with_last_times_distance_and_time():
    me = _person()
    view = _workout(me, "rowing-machine-steady")
    workout_sets.save_set(me, view.entries[0].sets[0].id, distance="2", time="8:10")
    _finish(me, view, hours_ago=24)
    again = _workout(me, "rowing-machine-steady").entries[0].sets[0]
    assert again.distance_m == 2000 and again.seconds == 490 and not again.done


# -- supersets ---------------------------------------------------------------------------------


def test_a_superset_rests_after_the_round_not_after_each_exercise():
    me = _person()
    view = _workout(me, "barbell-bench-press", "barbell-row", "barbell-back-squat")
    bench, row, squat = view.entries
    view = workout_entries.superset_with_next(me, bench.id)
    assert [e.superset for e in view.entries][:2] == [1, 1] and view.entries[2].superset is None
    assert workout_views.superset_labels(view) == {bench.id: "Superset A", row.id: "Superset A"}
    view = workout_sets.save_set(me, bench.sets[0].id, reps=8, weight_kg=60).session
    assert not workout_views.round_finished(view, bench.id)  # the row comes first
    view = workout_sets.save_set(me, row.sets[0].id, reps=8, weight_kg=50).session
    assert workout_views.round_finished(view, row.id)
    view = workout_sets.save_set(me, squat.sets[0].id, reps=5, weight_kg=80).session
    assert workout_views.round_finished(view, squat.id)  # not in a superset: rest after each set


def test_a_superset_grows_joins_and_ends_when_one_exercise_is_left():
    me = _person()
    view = _workout(me, "barbell-bench-press", "barbell-row", "barbell-back-squat")
    first, second, third = (e.id for e in view.entries)
    workout_entries.superset_with_next(me, first)
    view = workout_entries.superset_with_next(me, second)  # a tri-set
    assert {e.superset for e in view.entries} == {1}
    view = workout_entries.leave_superset(me, third)
    assert [e.superset for e in view.entries] == [1, 1, None]
    view = workout_entries.leave_superset(me, first)  # the row is left alone: no superset
    assert [e.superset for e in view.entries] == [None, None, None]
    with pytest.raises(ValidationError, match="below this one"):
        workout_entries.superset_with_next(me, third)


def test_nobody_else_can_pair_or_unpair_my_exercises():
    me, bob = _person(), _person("bob")
    view = _workout(me, "barbell-bench-press", "barbell-row")
    for action in (workout_entries.superset_with_next, workout_entries.leave_superset):
        with pytest.raises(NotFound):
            action(bob, view.entries[0].id)
    assert workout_views.get_session(me, view.id).entries[0].superset is None


# -- last time's sets --------------------------------------------------------------------------


def test_each_set_shows_what_was_done_for_it_last_time_warm_ups_with_warm_ups():
    me = _person()
    view = _workout(me, "barbell-back-squat")
    entry = view.entries[0]
    view = workout_sets.add_warmups(me, entry.id, [(40.0, 5)])
    sets = view.entries[0].sets
    assert [s.kind for s in sets][:1] == [set_kinds.WARMUP]
    workout_sets.save_set(me, sets[0].id, reps=5, weight_kg=40)
    for n, one in enumerate(sets[1:]):
        workout_sets.save_set(me, one.id, reps=5, weight_kg=100 + n * 2.5)
    _finish(me, view, hours_ago=48)
    today = _workout(me, "barbell-back-squat")
    today = workout_sets.add_warmups(me, today.entries[0].id, [(40.0, 5), (60.0, 3)])
    last = previous_sets.last_sets(me, today, ["barbell-back-squat"])
    matched = previous_sets.match(today, last)
    today_sets = today.entries[0].sets
    assert matched[today_sets[0].id].weight_kg == 40  # first warm-up ↔ last time's warm-up
    assert today_sets[1].id not in matched  # there was one warm-up last time
    working = [s for s in today_sets if s.kind != set_kinds.WARMUP]
    assert [matched[s.id].weight_kg for s in working] == [100, 102.5, 105][:len(working)]


def test_last_time_is_never_this_workout_nor_someone_elses():
    me, bob = _person(), _person("bob")
    theirs = _workout(bob, "barbell-back-squat")
    workout_sets.save_set(bob, theirs.entries[0].sets[0].id, reps=5, weight_kg=200)
    _finish(bob, theirs, hours_ago=24)
    view = _workout(me, "barbell-back-squat")
    workout_sets.save_set(me, view.entries[0].sets[0].id, reps=5, weight_kg=60)
    view = workout_views.get_session(me, view.id)
    assert previous_sets.last_sets(me, view, ["barbell-back-squat"]) == {"barbell-back-squat": []}


# -- drafts ------------------------------------------------------------------------------------


def test_what_is_typed_is_kept_before_the_set_is_ticked():
    me = _person(units="lb")
    view = _workout(me, "barbell-back-squat")
    set_id = view.entries[0].sets[0].id
    assert workout_sets.keep_draft(me, set_id, "reps", "7", weight_unit="lb")
    assert workout_sets.keep_draft(me, set_id, "weight", "225", weight_unit="lb")
    assert workout_sets.keep_draft(me, set_id, "rpe", "8.5", weight_unit="lb")
    assert not workout_sets.keep_draft(me, set_id, "reps", "7x", weight_unit="lb")  # not kept, not an error
    again = workout_views.open_session(me).entries[0].sets[0]  # a reload
    assert (again.reps, round(again.weight_kg, 2), again.rpe, again.done) == (7, 102.06, 8.5, False)


def test_a_draft_never_changes_a_done_set_or_someone_elses_and_names_only_set_fields():
    me, bob = _person(), _person("bob")
    view = _workout(me, "running")
    set_id = view.entries[0].sets[0].id
    assert workout_sets.keep_draft(me, set_id, "distance", "5")
    assert workout_sets.keep_draft(me, set_id, "time", "24:30")
    with pytest.raises(NotFound):
        workout_sets.keep_draft(bob, set_id, "distance", "9")
    with pytest.raises(ValidationError):
        workout_sets.keep_draft(me, set_id, "user_id", "2")
    workout_sets.save_set(me, set_id, distance="5", time="24:30")
    assert not workout_sets.keep_draft(me, set_id, "distance", "6")
    with db.read_only() as session:
        row = session.get(WorkoutSet, set_id)
        assert (row.distance_m, row.seconds, row.done) == (5000, 1470, True)


def test_a_draft_is_two_plain_updates_that_mark_the_workout_changed_on_both_databases(sqlite_and_postgres):
    me, bob = _person(), _person("bob")
    view = _workout(me, "barbell-back-squat")
    set_id = view.entries[0].sets[0].id
    with db.read_only() as session:
        before = session.get(WorkoutSession, view.id).updated_at
    assert workout_sets.keep_draft(me, set_id, "weight", "100")
    with db.read_only() as session:
        assert session.get(WorkoutSet, set_id).weight_kg == 100
        assert session.get(WorkoutSession, view.id).updated_at >= before
    with pytest.raises(NotFound):
        workout_sets.keep_draft(bob, set_id, "weight", "1")
    workout_sets.save_set(me, set_id, reps=5, weight_kg=100)
    assert not workout_sets.keep_draft(me, set_id, "weight", "120")
    with db.read_only() as session:
        assert session.get(WorkoutSet, set_id).weight_kg == 100


# -- plates and warm-ups -----------------------------------------------------------------------


def test_the_plates_for_a_weight_are_the_fewest_that_load_it_or_the_closest_below():
    kg = plates.Kit("kg", 20.0, plates.DEFAULT_PLATES["kg"], own=False)
    assert plates.load(100, kg).text("kg") == "Each side: 25 + 15 kg"
    assert plates.load(102.5, kg).per_side == (25.0, 15.0, 1.25)
    assert plates.load(20, kg).text("kg") == "Just the bar"
    closest = plates.load(103, kg)
    assert not closest.exact and closest.total == 102.5 and "can't be loaded" in closest.text("kg")
    lb = plates.Kit("lb", 45.0, plates.DEFAULT_PLATES["lb"], own=False)
    assert plates.load(315, lb).per_side == (45.0, 45.0, 45.0)
    assert plates.load(230, lb).per_side == (45.0, 45.0, 2.5)
    odd = plates.Kit("kg", 15.0, (20.0, 7.5), own=True)  # no greedy shortcut: 2 × 7.5 beats 20 short
    assert plates.load(45, odd).per_side == (7.5, 7.5)


def test_the_kit_is_the_persons_own_in_their_units_and_a_bad_one_changes_nothing():
    me = _person(units="lb")
    assert plates.kit(me) == plates.Kit("lb", 45.0, plates.DEFAULT_PLATES["lb"], own=False)
    saved = plates.save_kit(me, "35", "45, 25, 10; 5 , 2.5")
    assert saved == plates.Kit("lb", 35.0, (45.0, 25.0, 10.0, 5.0, 2.5), own=True)
    assert saved.text() == "Bar 35 lb; plates 45, 25, 10, 5, 2.5 lb"
    assert plates.kit(_person("kim")).text().endswith("(the usual kit: set yours on your Profile)")
    for bar, typed, field in (("heavy", "45", "bar"), ("500", "45", "bar"), ("45", "", "plates"),
                              ("45", "45, lots", "plates"), ("45", "-5", "plates"), ("45", ",".join(["5"] * 13),
                                                                                    "plates")):
        with pytest.raises(ValidationError) as refused:
            plates.save_kit(me, bar, typed)
        assert refused.value.field == field
    assert plates.kit(me) == saved
    assert plates.save_kit(me, "", "") == plates.Kit("lb", 45.0, plates.DEFAULT_PLATES["lb"], own=False)
    with db.read_only() as session:
        profile = session.exec(select(FitnessProfile).where(FitnessProfile.user_id == me)).one()
        assert profile.bar_kg is None and profile.plates_kg is None


def test_the_warm_up_calculator_ramps_to_the_working_weight_on_the_persons_bar():
    me = _person()
    plates.save_kit(me, "15", "20, 10, 5, 2.5, 1.25")
    calc = plates.calculate(me, "barbell-back-squat", "100")
    assert calc is not None and calc.plates == "Each side: 20 + 20 + 2.5 kg"
    assert [(s.weight, s.reps) for s in calc.warmups] == [(15.0, 10), (40.0, 5), (60.0, 3), (80.0, 2)]
    assert calc.warmups[0].plates == "Just the bar"
    assert plates.calculate(me, "barbell-back-squat", " ") is None
    with pytest.raises(ValidationError, match="number"):
        plates.calculate(me, "barbell-back-squat", "lots")
    dumbbell = plates.calculate(me, "dumbbell-bench-press", "30")
    assert dumbbell is not None and dumbbell.plates == "" and dumbbell.warmups
    assert plates.calculate(me, "running", "30").warmups == []


def test_the_warm_up_ramp_goes_in_before_the_working_sets_and_replaces_undone_warm_ups():
    me = _person()
    view = _workout(me, "barbell-back-squat")
    entry = view.entries[0]
    working = len(entry.sets)
    view = workout_sets.add_warmup_ramp(me, entry.id, "100")
    kinds = [s.kind for s in view.entries[0].sets]
    assert kinds == [set_kinds.WARMUP] * 4 + [set_kinds.NORMAL] * working
    assert [s.weight_kg for s in view.entries[0].sets[:4]] == [20, 40, 60, 80]
    view = workout_sets.add_warmup_ramp(me, entry.id, "60")  # again, lighter: the ramp is replaced
    assert [s.weight_kg for s in view.entries[0].sets if s.kind == set_kinds.WARMUP] == [20, 22.5, 35, 47.5]
    with pytest.raises(ValidationError, match="heavy enough"):
        workout_sets.add_warmup_ramp(me, entry.id, "20")
    with pytest.raises(NotFound):
        workout_sets.add_warmup_ramp(_person("bob"), entry.id, "100")
