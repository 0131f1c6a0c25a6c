"""A run through the services a person uses: logged in the log, its records, its streak day.

Runs here are logged the way the log page saves them (`workout_sets.save_set` with a distance
typed in km or miles and a time typed as a clock), then read back by the records, the
dashboard's streaks and the milestones.
"""

from datetime import timedelta

import pytest

from tests.factories import make_user
from vigor_app import db
from vigor_app.clock import utcnow
from vigor_app.services.plans import profiles
from vigor_app.services.training import (
    achievements,
    dashboard,
    record_words,
    workout_entries,
    workout_sessions,
    workout_sets,
)

pytestmark = pytest.mark.usefixtures("database")


@pytest.fixture
def me():
    user = make_user("rae").user.id
    profiles.update_profile(user, {"units": "lb"}, finish_onboarding=True)
    return user


def _run(user_id, runs, *, at, minutes=1, exercise="running"):
    """A freestyle workout of `runs` as (kind, distance as typed, time as typed), finished
    `minutes` after it started: a run logged once it was done. Returns each set's records."""
    view = workout_entries.add_exercise(user_id, workout_sessions.start_freestyle(user_id, now=at).id, exercise)
    entry = view.entries[0]
    while len(view.entries[0].sets) < len(runs):
        view = workout_sets.add_set(user_id, entry.id)
    hits = []
    for row, (kind, distance, time) in zip(view.entries[0].sets, runs, strict=False):
        workout_sets.set_kind(user_id, row.id, kind)
        hits.append(workout_sets.save_set(user_id, row.id, distance=distance, time=time, weight_unit="lb",
                                          done=True, now=at).records)
    for extra in view.entries[0].sets[len(runs):]:
        workout_sets.remove_set(user_id, extra.id)
    workout_sessions.finish(user_id, view.id, now=at + timedelta(minutes=minutes))
    return hits


def test_a_faster_longer_run_sets_cardio_records_worded_in_miles(me):
    start = utcnow() - timedelta(days=3)
    assert _run(me, [("normal", "3.2", "26:00")], at=start) == [[]], "the first run is the baseline"
    [warm_up, run] = _run(me, [("warmup", "1", "9:00"), ("normal", "6.2", "48:30")], at=start + timedelta(days=1))
    assert warm_up == []
    assert {h.kind for h in run} == {"longest_distance", "fastest_5k", "best_pace"}
    words = sorted(record_words.record_text(h.kind, h.value, h.reps, "lb", "Running", new=True) for h in run)
    assert words == ["New record! Running: Best pace: 7:49 /mi",  # 48:30 for 6.2 mi, as the log shows it
                     "New record! Running: Fastest 5 km: 24:18",
                     "New record! Running: Longest run: 6.2 mi"]


def test_a_run_logged_after_it_was_done_counts_for_the_streak_but_a_warm_up_alone_does_not(me):
    today = utcnow()
    _run(me, [("normal", "3.1", "25:00")], at=today - timedelta(days=1))
    _run(me, [("warmup", "2", "20:00"), ("normal", "0.5", "4:00")], at=today - timedelta(days=2))
    summary = dashboard.summary(me, now=today)
    assert (summary.current_streak, summary.longest_streak) == (1, 1)
    with db.read_only() as session:
        stats = achievements.stats(session, me, today)
    assert (stats.current_streak, stats.longest_streak, stats.total_workouts) == (1, 1, 2)
