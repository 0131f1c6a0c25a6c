"""Set types: a warm-up is logged and shown, but never counts toward volume, records, e1RM,
progression or the numbers the next workout starts from; drop and failure sets count."""

from datetime import timedelta

import pytest
from sqlmodel import select

from tests.factories import make_user
from vigor_app import db
from vigor_app.clock import utcnow
from vigor_app.models import PersonalRecord, WorkoutSet
from vigor_app.services.errors import ValidationError
from vigor_app.services.plans import profiles
from vigor_app.services.training import (
    achievements,
    progress,
    set_kinds,
    suggestions,
    workout_entries,
    workout_history,
    workout_sessions,
    workout_sets,
)

pytestmark = pytest.mark.usefixtures("database")
SQUAT = "barbell-back-squat"


@pytest.fixture
def me():
    user = make_user("kim").user.id
    profiles.update_profile(user, {"equipment": ["barbell", "bench"]}, finish_onboarding=True)
    return user


def _workout(user_id, sets, *, at, exercise=SQUAT):
    """A finished freestyle workout of one exercise: ``sets`` as (kind, weight, reps)."""
    view = workout_entries.add_exercise(user_id, workout_sessions.start_freestyle(user_id, now=at).id, exercise)
    entry = view.entries[0]
    while len(view.entries[0].sets) < len(sets):
        view = workout_sets.add_set(user_id, entry.id)
    for row, (kind, weight, reps) in zip(view.entries[0].sets, sets, strict=False):
        workout_sets.set_kind(user_id, row.id, kind)
        workout_sets.save_set(user_id, row.id, reps=reps, weight_kg=weight, rpe=7, done=True, now=at)
    for extra in view.entries[0].sets[len(sets):]:
        workout_sets.remove_set(user_id, extra.id)
    workout_sessions.finish(user_id, view.id, now=at + timedelta(minutes=40))
    return view.id


def test_the_kinds_and_how_people_and_files_write_them():
    assert set_kinds.KINDS == ("normal", "warmup", "drop", "failure")
    assert [set_kinds.read_kind(v) for v in ("W", "warm-up", "Warmup", "dropset", "D", "failure", "F", "normal")] \
        == ["warmup", "warmup", "warmup", "drop", "drop", "failure", "failure", "normal"]
    assert [set_kinds.read_kind(v) for v in ("superset", 3, "", None)] == [None] * 4
    assert [set_kinds.counts(k) for k in set_kinds.KINDS] == [True, False, True, True]


def test_a_warm_up_never_counts_toward_volume_history_or_lifetime_totals(me):
    at = utcnow() - timedelta(days=1)
    session_id = _workout(me, [("warmup", 60, 5), ("normal", 100, 5), ("normal", 100, 5), ("drop", 80, 8)], at=at)
    item = next(i for i in workout_history.history(me).items if i.id == session_id)
    assert (item.sets, item.warmup_sets, item.volume_kg) == (3, 1, 100 * 5 * 2 + 80 * 8)  # 300 kg left out
    weeks = progress.weekly_volume_by_muscle(me, weeks=2).points  # yesterday: this week or last
    assert (sum(w["sets"] for w in weeks), sum(w["tonnage_kg"] for w in weeks)) == (3, 1640)
    with db.read_only() as session:
        assert achievements.stats(session, me, utcnow()).total_lifted_kg == 1640


def test_a_warm_up_heavier_than_ever_sets_no_record_and_a_set_made_a_warm_up_loses_its_own(me):
    _workout(me, [("normal", 100, 5)], at=utcnow() - timedelta(days=3))
    view = workout_entries.add_exercise(me, workout_sessions.start_freestyle(me).id, SQUAT)
    view = workout_sets.add_set(me, view.entries[0].id)  # last time had one set
    first, second = view.entries[0].sets[:2]
    workout_sets.set_kind(me, first.id, "warmup")
    assert workout_sets.save_set(me, first.id, reps=5, weight_kg=140, done=True).records == []
    hits = workout_sets.save_set(me, second.id, reps=5, weight_kg=110, done=True).records
    assert {h.kind for h in hits} >= {"weight_for_reps", "e1rm"}
    workout_sets.set_kind(me, second.id, "W")  # a mistake fixed: it was a warm-up after all
    with db.read_only() as session:
        assert session.exec(select(PersonalRecord).where(PersonalRecord.set_id == second.id)).all() == []
    workout_sessions.finish(me, view.id)
    points = progress.strength_series(me, SQUAT).points
    assert [(p["top_weight_kg"], p["sets"]) for p in points] == [(100, 1)]  # the 140 and 110 kg warm-ups
    # count for nothing: the second workout has no counted set, so no point at all


def test_progression_and_the_next_workouts_numbers_ignore_warm_ups(me):
    _workout(me, [("warmup", 60, 5), ("warmup", 80, 3), ("normal", 100, 5), ("normal", 100, 5),
                  ("normal", 100, 5)], at=utcnow() - timedelta(days=2))
    advice = suggestions.next_targets(me, SQUAT, "5", 8)
    assert (advice.action, advice.weight_kg) == ("increase_load", 102.5)  # judged on 3 x 100 kg only
    view = workout_entries.add_exercise(me, workout_sessions.start_freestyle(me).id, SQUAT)
    prefilled = [(s.kind, s.weight_kg, s.reps) for s in view.entries[0].sets]
    assert prefilled == [("normal", 100, 5)] * 3  # last time's working sets, not its warm-ups


def test_an_unknown_kind_is_refused_and_changes_nothing(me):
    view = workout_entries.add_exercise(me, workout_sessions.start_freestyle(me).id, SQUAT)
    target = view.entries[0].sets[0]
    for bad in ("superset", "<b>W</b>", "x" * 500):
        with pytest.raises(ValidationError):
            workout_sets.set_kind(me, target.id, bad)
    with db.read_only() as session:
        assert session.get(WorkoutSet, target.id).kind == "normal"
    someone = make_user("lee").user.id
    with pytest.raises(Exception) as refused:
        workout_sets.set_kind(someone, target.id, "warmup")
    assert refused.type.__name__ == "NotFound"
