from datetime import timedelta

import pytest
from sqlmodel import select

from tests import seeding
from tests.factories import make_user
from vigor_app import db
from vigor_app.clock import utcnow
from vigor_app.models import PersonalRecord, SessionExercise, WorkoutSet
from vigor_app.services.errors import NotFound, ValidationError
from vigor_app.services.plans import library as plan_library
from vigor_app.services.plans import profiles
from vigor_app.services.plans.timing import parse_reps
from vigor_app.services.training import (
    progress,
    suggestions,
    workout_entries,
    workout_history,
    workout_sessions,
    workout_sets,
    workout_views,
)
from vigor_app.services.your_data import importer as data_import

pytestmark = pytest.mark.usefixtures("database")


@pytest.fixture
def me():
    user = make_user("alice").user.id
    profiles.update_profile(user, {"equipment": ["dumbbells", "bench"], "days_per_week": 3,
                                   "timezone": "Europe/Berlin"}, finish_onboarding=True)
    return user


@pytest.fixture
def plan(me):
    return plan_library.create_plan(me, seed=4)


def _tick_all(user_id, view, weight=20, reps=8, now=None):
    result = None
    for entry in view.entries:
        for s in entry.sets:
            if entry.timed:
                result = workout_sets.save_set(user_id, s.id, seconds=30, done=True, now=now)
            else:
                result = workout_sets.save_set(user_id, s.id, reps=reps, weight_kg=weight, rpe=8, done=True, now=now)
    return result


def test_start_from_a_plan_day_prefills_exercises_and_targets(me, plan):
    view = workout_sessions.start_from_plan(me, plan.id, 0)
    day = plan.plan["days"][0]
    assert [e.exercise_id for e in view.entries] == [i["exercise_id"] for i in day["exercises"]]
    first = view.entries[0]
    assert len(first.sets) == day["exercises"][0]["sets"]
    assert first.target.startswith(f"{day['exercises'][0]['sets']} × {day['exercises'][0]['reps']}")
    assert workout_views.open_session(me).id == view.id


def test_only_one_workout_at_a_time(me, plan):
    workout_sessions.start_from_plan(me, plan.id, 0)
    with pytest.raises(ValidationError, match="already have a workout"):
        workout_sessions.start_freestyle(me)


def test_each_set_is_saved_at_once_and_survives(me, plan):
    view = workout_sessions.start_from_plan(me, plan.id, 0)
    counted = next(e for e in view.entries if not e.timed)
    workout_sets.save_set(me, counted.sets[0].id, reps=10, weight_kg=22.5, rpe=7.5, done=True)
    again = workout_views.open_session(me)  # a reload, a new tab, a lost connection
    saved = next(e for e in again.entries if e.id == counted.id).sets[0]
    assert (saved.reps, saved.weight_kg, saved.rpe, saved.done) == (10, 22.5, 7.5, True)


@pytest.mark.parametrize(
    ("values", "field"),
    [({"reps": -1}, "reps"), ({"reps": 5, "weight_kg": 2000}, "weight"), ({"reps": 5, "rpe": 14}, "rpe"),
     ({"reps": "ten"}, "reps"), ({"reps": 5, "rpe": 7.3}, "rpe"), ({"reps": 2.5}, "reps"),
     ({"reps": 5, "weight_kg": "heavy"}, "weight"), ({}, "reps")],
)
def test_bad_numbers_get_a_clear_message_and_change_nothing(me, plan, values, field):
    view = workout_sessions.start_from_plan(me, plan.id, 0)
    target = view.entries[0].sets[0]
    with pytest.raises(ValidationError) as caught:
        workout_sets.save_set(me, target.id, done=True, **values)
    assert caught.value.field == field
    after = workout_views.get_session(me, view.id).entries[0].sets[0]
    assert after == target


def test_finish_records_times_and_drops_unticked_sets(me, plan):
    start = utcnow() - timedelta(minutes=50)
    view = workout_sessions.start_from_plan(me, plan.id, 0, now=start)
    entry = view.entries[0]
    workout_sets.save_set(me, entry.sets[0].id, reps=8, seconds=30, weight_kg=20, done=True, now=start)
    result = workout_sessions.finish(me, view.id, intensity=7, now=start + timedelta(minutes=45))
    done = result.session
    assert [m.key for m in result.milestones] == ["first_workout"]
    assert done.status == "finished" and done.duration_seconds == 45 * 60 and done.intensity == 7
    assert done.done_sets == 1 and sum(len(e.sets) for e in done.entries) == 1
    assert workout_views.open_session(me) is None


def test_finishing_without_a_ticked_set_is_refused(me, plan):
    view = workout_sessions.start_from_plan(me, plan.id, 0)
    with pytest.raises(ValidationError, match="at least one set"):
        workout_sessions.finish(me, view.id)


def test_next_time_is_prefilled_with_last_time(me, plan):
    first = workout_sessions.start_from_plan(me, plan.id, 0, now=utcnow() - timedelta(days=2))
    _tick_all(me, first, weight=24, reps=9, now=utcnow() - timedelta(days=2))
    workout_sessions.finish(me, first.id, now=utcnow() - timedelta(days=2) + timedelta(minutes=40))
    second = workout_sessions.start_from_plan(me, plan.id, 0)
    counted = next(e for e in second.entries if not e.timed)
    assert (_working(counted)[0].reps, _working(counted)[0].weight_kg) == (9, 24)
    assert all(s.weight_kg < 24 for s in counted.sets if s.kind == "warmup")  # the plan's ramp before it


def test_a_heavier_set_next_time_is_a_record(me, plan):
    earlier = utcnow() - timedelta(days=3)
    first = workout_sessions.start_from_plan(me, plan.id, 0, now=earlier)
    _tick_all(me, first, weight=20, reps=8, now=earlier)
    workout_sessions.finish(me, first.id, now=earlier + timedelta(minutes=40))
    second = workout_sessions.start_from_plan(me, plan.id, 0)
    counted = next(e for e in second.entries if not e.timed)
    first_working = _working(counted)[0]
    result = workout_sets.save_set(me, first_working.id, reps=8, weight_kg=25, rpe=8, done=True)
    kinds = {hit.kind for hit in result.records}
    assert "weight_for_reps" in kinds and "e1rm" in kinds
    with db.read_only() as session:
        stored = session.exec(select(PersonalRecord).where(PersonalRecord.user_id == me)).all()
    assert {r.kind for r in stored} >= {"weight_for_reps", "e1rm"}
    # Un-ticking the set takes its records back.
    workout_sets.save_set(me, first_working.id, reps=8, weight_kg=25, done=False)
    with db.read_only() as session:
        assert session.exec(select(PersonalRecord).where(PersonalRecord.set_id == first_working.id)).all() == []


def test_beating_the_best_volume_is_announced_once_and_listed_once(me):
    earlier = utcnow() - timedelta(days=3)
    first = workout_entries.add_exercise(me, workout_sessions.start_freestyle(me, now=earlier).id, "goblet-squat")
    for s in first.entries[0].sets[:2]:  # 2 x 10 x 20 kg = 400 kg
        workout_sets.save_set(me, s.id, reps=10, weight_kg=20, done=True, now=earlier)
    workout_sessions.finish(me, first.id, now=earlier + timedelta(minutes=30))

    second = workout_entries.add_exercise(me, workout_sessions.start_freestyle(me).id, "goblet-squat")
    second = workout_sets.add_set(me, second.entries[0].id)
    told = []
    for s in second.entries[0].sets[:3]:  # 150, then 300, then 450 kg (past 400), then 600
        told.append([h.kind for h in workout_sets.save_set(me, s.id, reps=10, weight_kg=15, done=True).records])
    fourth = workout_sets.add_set(me, second.entries[0].id).entries[0].sets[-1]
    told.append([h.kind for h in workout_sets.save_set(me, fourth.id, reps=10, weight_kg=15, done=True).records])
    assert told == [[], [], ["session_volume"], []]  # the fourth set adds volume: kept, not announced again
    listed = [r for r in progress.records_list(me) if r.kind == "session_volume"]
    assert [(r.value, r.previous) for r in listed] == [(600, 400)]  # the session's final total


def test_freestyle_add_remove_reorder_and_sets(me):
    view = workout_sessions.start_freestyle(me, "Hotel gym")
    view = workout_entries.add_exercise(me, view.id, "push-up")
    view = workout_entries.add_exercise(me, view.id, "goblet-squat")
    assert [e.exercise_id for e in view.entries] == ["push-up", "goblet-squat"]
    view = workout_entries.move_exercise(me, view.entries[1].id, -1)
    assert [e.exercise_id for e in view.entries] == ["goblet-squat", "push-up"]
    entry = view.entries[0]
    view = workout_sets.add_set(me, entry.id)
    assert len(view.entries[0].sets) == len(entry.sets) + 1
    view = workout_sets.remove_set(me, view.entries[0].sets[-1].id)
    assert len(view.entries[0].sets) == len(entry.sets)
    view = workout_entries.remove_exercise(me, entry.id)
    assert [e.exercise_id for e in view.entries] == ["push-up"]
    with pytest.raises(ValidationError):
        workout_entries.add_exercise(me, view.id, "no-such-exercise")


def test_history_newest_first_paginated_and_filtered(me, plan):
    base = utcnow() - timedelta(days=30)
    for day in range(5):
        at = base + timedelta(days=day * 2)
        view = workout_sessions.start_from_plan(me, plan.id, day % 3, now=at)
        _tick_all(me, view, now=at)
        workout_sessions.finish(me, view.id, now=at + timedelta(minutes=40))
    page = workout_history.history(me, page=1, per_page=2)
    assert (page.total, page.pages, len(page.items)) == (5, 3, 2)
    assert page.items[0].started_at > page.items[1].started_at
    assert page.items[0].sets > 0
    only = plan.plan["days"][1]["exercises"][0]["exercise_id"]
    filtered = workout_history.history(me, exercise_id=only)
    assert 1 <= filtered.total <= 5
    ranged = workout_history.history(me, start=base + timedelta(days=3), end=base + timedelta(days=7))
    assert ranged.total == 2


def test_delete_and_edit_a_past_workout(me, plan):
    at = utcnow() - timedelta(days=1)
    view = workout_sessions.start_from_plan(me, plan.id, 0, now=at)
    _tick_all(me, view, now=at)
    workout_sessions.finish(me, view.id, now=at + timedelta(minutes=30))
    edited = workout_sessions.edit_finished(me, view.id, duration_minutes=55)
    assert edited.duration_seconds == 55 * 60
    with pytest.raises(ValidationError):
        workout_sessions.edit_finished(me, view.id, started_at=utcnow() + timedelta(days=1))
    workout_sessions.delete_session(me, view.id)
    with pytest.raises(NotFound):
        workout_views.get_session(me, view.id)
    with db.read_only() as session:
        assert session.exec(select(WorkoutSet).where(WorkoutSet.session_id == view.id)).all() == []


def test_nobody_else_can_touch_my_workout(me, plan):
    view = workout_sessions.start_from_plan(me, plan.id, 0)
    mallory = make_user("mallory").user.id
    set_id, entry_id = view.entries[0].sets[0].id, view.entries[0].id
    for call in (
        lambda: workout_views.get_session(mallory, view.id),
        lambda: workout_sets.save_set(mallory, set_id, reps=1, done=True),
        lambda: workout_sets.add_set(mallory, entry_id),
        lambda: workout_entries.remove_exercise(mallory, entry_id),
        lambda: workout_sessions.finish(mallory, view.id),
        lambda: workout_sessions.delete_session(mallory, view.id),
        lambda: workout_sessions.start_from_plan(mallory, plan.id, 0),
    ):
        with pytest.raises(NotFound):
            call()
    assert workout_views.get_session(me, view.id) == view
    assert workout_views.open_session(mallory) is None


def test_sets_can_be_reordered(me, plan):
    view = workout_sessions.start_from_plan(me, plan.id, 0)
    entry = view.entries[0]
    workout_sets.save_set(me, entry.sets[1].id, reps=12, weight_kg=10, done=True)
    moved = workout_sets.move_set(me, entry.sets[1].id, -1)
    assert [s.id for s in moved.entries[0].sets][:2] == [entry.sets[1].id, entry.sets[0].id]
    assert moved.entries[0].sets[0].reps == 12
    with pytest.raises(NotFound):
        workout_sets.move_set(make_user("mallory").user.id, entry.sets[0].id, 1)


def test_a_finished_workout_can_be_corrected_set_by_set(me, plan):
    at = utcnow() - timedelta(days=1)
    view = workout_sessions.start_from_plan(me, plan.id, 0, now=at)
    _tick_all(me, view, weight=20, reps=8, now=at)
    finished = workout_sessions.finish(me, view.id, now=at + timedelta(minutes=40)).session
    first = finished.entries[0].sets[0]
    workout_sets.save_set(me, first.id, reps=first.reps or 10, seconds=first.seconds, weight_kg=22.5, done=True)
    again = workout_views.get_session(me, view.id)
    assert again.status == "finished" and again.entries[0].sets[0].weight_kg == 22.5


SLED = ("title,start_time,end_time,exercise_title,set_index,weight_kg,reps\n"
        "Conditioning,\"15 Jan 2024, 07:30\",\"15 Jan 2024, 08:00\",Secret Sled Shuffle,0,40,10\n")


def _custom_exercise_of(user_id: int) -> str:
    """The id of a custom exercise the person got the only way there is: an import."""
    report = data_import.import_csv(user_id, SLED, now=utcnow())
    return report.custom["Secret Sled Shuffle"]


def test_someone_elses_custom_exercise_is_refused_like_one_that_does_not_exist(me):
    bob = make_user("bob").user.id
    theirs = _custom_exercise_of(bob)
    view = workout_sessions.start_freestyle(me)
    refusals = []
    for exercise_id in (theirs, f"custom-{bob}-no-such-move", "x" * 5000):
        with pytest.raises(ValidationError) as caught:
            workout_entries.add_exercise(me, view.id, exercise_id)
        refusals.append((caught.value.message, caught.value.field))
    assert refusals == [("That exercise is not in the library.", "exercise")] * 3  # no oracle
    assert workout_views.get_session(me, view.id).entries == []
    assert workout_entries.find_exercises(me, "Secret Sled") == []
    with db.read_only() as session:
        assert session.exec(select(SessionExercise).where(SessionExercise.user_id == me)).all() == []


def test_my_own_custom_exercise_can_be_found_and_added(me):
    mine = _custom_exercise_of(me)
    [found] = workout_entries.find_exercises(me, "sled shuff")
    assert (found.id, found.name, found.custom) == (mine, "Secret Sled Shuffle", True)
    view = workout_sessions.start_freestyle(me)
    view = workout_entries.add_exercise(me, view.id, mine)
    assert [(e.exercise_id, e.name) for e in view.entries] == [(mine, "Secret Sled Shuffle")]


def test_names_of_someone_elses_custom_exercise_never_show(me):
    """Charts, suggestions, coach context and exports name exercises through one rule."""
    bob = make_user("bob").user.id
    theirs = _custom_exercise_of(bob)
    unknown = f"custom-{bob}-no-such-move"
    for exercise_id in (theirs, unknown):
        assert "Secret" not in progress.strength_series(me, exercise_id).name
        assert "Secret" not in suggestions.next_targets(me, exercise_id, "8-12").message
    with db.read_only() as session:
        assert progress.exercise_names(session, me, [theirs]) == {theirs: theirs.replace("-", " ").capitalize()}
        assert progress.exercise_names(session, bob, [theirs]) == {theirs: "Secret Sled Shuffle"}


# -- the plan's block: each week's targets ---------------------------------------------------


def _do_plan_day(user_id, plan_id, day_index, at, weights=None):
    """Start a plan day, tick each exercise's first set (8 reps or 30 s), finish it."""
    view = workout_sessions.start_from_plan(user_id, plan_id, day_index, now=at)
    for entry in view.entries:
        first = _working(entry)[0]
        if entry.timed:
            workout_sets.save_set(user_id, first.id, seconds=30, done=True, now=at)
        else:
            weight = (weights or {}).get(entry.exercise_id, 20)
            workout_sets.save_set(user_id, first.id, reps=8, weight_kg=weight, done=True, now=at)
    workout_sessions.finish(user_id, view.id, now=at + timedelta(minutes=45))
    return view


def _working(entry):
    return [s for s in entry.sets if s.kind != "warmup"]


def _targets(view):
    return [(e.exercise_id, len(_working(e)), e.target_reps, e.target_rpe) for e in view.entries]


def _week_targets(plan, week, day_index):
    return [(t["exercise_id"], t["sets"], t["reps"], t["rpe"])
            for t in plan["weeks"][week - 1]["days"][day_index]["exercises"]]


def test_a_plan_day_starts_at_week_one_and_moves_to_week_two_after_a_weeks_sessions(me, plan):
    day = plan.plan["days"][0]
    base = utcnow() - timedelta(days=10)
    first = _do_plan_day(me, plan.id, 0, base)
    assert first.name == f"{day['name']} · week 1"
    assert _targets(first) == [(i["exercise_id"], i["sets"], i["reps"], i["rpe"]) for i in day["exercises"]]
    for entry in first.entries:  # nothing logged before: the bottom of the target
        bottom = parse_reps(entry.target_reps).low
        assert [(s.seconds if entry.timed else s.reps, s.weight_kg) for s in entry.sets] == [
            (bottom, None)] * len(entry.sets)
    _do_plan_day(me, plan.id, 1, base + timedelta(days=2))
    _do_plan_day(me, plan.id, 2, base + timedelta(days=4))
    second = workout_sessions.start_from_plan(me, plan.id, 0)
    assert second.name == f"{day['name']} · week 2" and second.name.endswith("· week 2")
    assert _targets(second) == _week_targets(plan.plan, 2, 0) != _targets(first)
    for entry in second.entries:
        target = parse_reps(entry.target_reps)
        if not entry.timed:  # last time's 8 reps, within this week's range; last time's weight
            assert {(s.reps, s.weight_kg) for s in _working(entry)} == {(min(max(8, target.low), target.high), 20)}
    assert plan_library.current_week(me, plan.id).number == 2


@pytest.fixture
def lifter():
    user = make_user("bob").user.id
    profiles.update_profile(user, {"fitness_level": "intermediate", "goals": ["strength"],
                                   "equipment": ["barbell", "bench", "dumbbells"], "days_per_week": 2,
                                   "session_minutes": 45}, finish_onboarding=True)
    return user


def test_the_deload_week_halves_the_sets_and_prefills_ten_percent_lighter(lifter):
    plan = plan_library.create_plan(lifter, seed=1)
    day = plan.plan["days"][0]
    assert len(plan.plan["weeks"]) == 5 and day["exercises"][0]["exercise_id"] == "barbell-back-squat"
    base = utcnow() - timedelta(days=30)
    weights = {"barbell-back-squat": 100}  # everything else 62.5 kg
    for done in range(8):  # four weeks of two sessions: the fifth week is the deload
        _do_plan_day(lifter, plan.id, done % 2, base + timedelta(days=3 * done),
                     weights={i["exercise_id"]: weights.get(i["exercise_id"], 62.5)
                              for d in plan.plan["days"] for i in d["exercises"]})
    deload = workout_sessions.start_from_plan(lifter, plan.id, 0)
    assert deload.name == f"{day['name']} · week 5 (deload)"
    assert _targets(deload) == _week_targets(plan.plan, 5, 0) == [
        (i["exercise_id"], -(-i["sets"] // 2), i["reps"], min(i["rpe"], 6.0)) for i in day["exercises"]]
    assert _targets(deload)[0] == ("barbell-back-squat", 2, "6", 6.0)
    prefilled = {e.exercise_id: {s.weight_kg for s in _working(e)} for e in deload.entries}
    # x 0.9, rounded down: a barbell to 2.5 kg (100 -> 90, 62.5 -> 56.25 -> 55), dumbbells to 2 kg
    assert prefilled == {"barbell-back-squat": {90.0}, "barbell-bench-press": {55.0},
                         "barbell-glute-bridge": {55.0}, "chest-supported-dumbbell-row": {56.0},
                         "dumbbell-front-raise": {56.0}, "weighted-dead-bug": {56.0}}
    assert workout_sets.lighter(62.5, 0.9, "barbell-back-squat") == 55.0
    squat = deload.entries[0]
    assert [s.reps for s in _working(squat)] == [6, 6]  # last time's 8, within the target of 6
    # The plan's warm-up ramp arrives as warm-up sets, from the deload's 90 kg working weight:
    # the bar, then ~40/60/80 % rounded down to 2.5 kg.
    assert [(s.kind, s.weight_kg, s.reps) for s in squat.sets[:4]] == [
        ("warmup", 20.0, 10), ("warmup", 35.0, 5), ("warmup", 52.5, 3), ("warmup", 70.0, 2)]
    assert [s.kind for s in squat.sets[4:]] == ["normal", "normal"]
    accessory = next(e for e in deload.entries if e.exercise_id == "barbell-glute-bridge")
    assert all(s.kind == "normal" for s in accessory.sets)  # not a main lift: no ramp


def test_a_saved_set_awards_only_what_a_set_changes_and_finishing_awards_the_rest(me):
    """Ten finished workouts brought in without their milestones (as seeded data is): ticking a
    set that sets a record earns the record's and the weight's milestones, not the workouts'
    (saving a set reads no streaks); finishing the workout earns those."""
    start = utcnow() - timedelta(days=30)
    for day in range(10):
        seeding.add_session(me, start + timedelta(days=day), {"goblet-squat": [(10, 8.0)]}, minutes=40)
    view = workout_sessions.start_freestyle(me)
    view = workout_entries.add_exercise(me, view.id, "goblet-squat")
    first = view.entries[0].sets[0]
    saved = workout_sets.save_set(me, first.id, reps=10, weight_kg=120, done=True)
    assert saved.records
    assert [m.key for m in saved.milestones] == ["first_record", "lifted_1000"]
    finished = workout_sessions.finish(me, view.id)
    assert [m.key for m in finished.milestones] == ["first_workout", "streak_7", "workouts_10"]
