"""Personal records: Epley estimates, what a new set beats (lifts, holds, runs), the bests per
exercise, and records in words."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vigor_app.services.training.record_words import activity, new_records_text, record_text
from vigor_app.services.training.records import (
    CARDIO_KINDS,
    RecordHit,
    SetFact,
    best_records,
    cardio_bests,
    estimated_1rm,
    records_for_new_set,
)

START = datetime(2026, 11, 2, 18, 0, tzinfo=UTC)
_clock = {"minutes": 0}


def lift(weight, reps, session=1, exercise="squat", done=True, seconds=None):
    """A set, each one a minute after the one made before it."""
    _clock["minutes"] += 1
    return SetFact(exercise, session, weight, reps, seconds, done,
                   START + timedelta(minutes=_clock["minutes"]))


def hold(seconds, session=1, exercise="plank", done=True):
    return lift(None, None, session, exercise, done, seconds)


def kinds(hits):
    return {hit.kind for hit in hits}


def hit_of(hits, kind):
    return next(hit for hit in hits if hit.kind == kind)


# --- Epley ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("weight", "reps", "expected"), [
    (100, 5, 116.7),
    (100, 1, 100.0),
    (100, 10, 133.3),
    (60, 12, 84.0),
    (102.5, 3, 112.8),
    (20, 2, 21.3),
])
def test_epley_estimates(weight, reps, expected):
    assert estimated_1rm(weight, reps) == expected


@pytest.mark.parametrize(("weight", "reps"), [
    (100, 13), (100, 20), (0, 5), (-10, 5), (100, 0), (100, -3),
])
def test_epley_gives_nothing_outside_its_range(weight, reps):
    assert estimated_1rm(weight, reps) == 0.0


# --- records for a new set --------------------------------------------------------------------


def test_the_first_session_of_an_exercise_sets_no_records():
    history = [lift(60, 5), lift(80, 5)]
    assert records_for_new_set(history, lift(100, 5)) == []
    assert records_for_new_set([], lift(100, 5)) == []
    assert records_for_new_set([lift(100, 5, exercise="bench")], lift(50, 5)) == []


def test_a_heavier_set_for_the_same_reps_sets_every_record_it_beats():
    history = [lift(100, 5, session=1)]
    hits = records_for_new_set(history, lift(105, 5, session=2))
    assert hit_of(hits, "weight_for_reps") == RecordHit("weight_for_reps", "squat", 105, 5, 100)
    assert hit_of(hits, "e1rm") == RecordHit("e1rm", "squat", 122.5, 5, 116.7)
    assert hit_of(hits, "session_volume") == RecordHit("session_volume", "squat", 525, None, 500)
    assert kinds(hits) == {"weight_for_reps", "e1rm", "session_volume"}


def test_ties_are_not_records():
    history = [lift(100, 5, session=1), lift(100, 5, session=1)]
    assert records_for_new_set(history, lift(100, 5, session=2)) == []


def test_undone_sets_never_count():
    history = [lift(100, 5, session=1), lift(140, 5, session=1, done=False)]
    hits = records_for_new_set(history, lift(105, 5, session=2))
    assert hit_of(hits, "weight_for_reps").previous == 100
    assert records_for_new_set(history, lift(200, 5, session=2, done=False)) == []


def test_undone_history_alone_is_no_first_session():
    history = [lift(100, 5, session=1, done=False)]
    assert records_for_new_set(history, lift(105, 5, session=2)) == []


def test_a_heavier_set_at_another_rep_count_is_not_a_record_for_this_one():
    history = [lift(80, 5, session=1), lift(120, 3, session=1)]
    hits = records_for_new_set(history, lift(90, 5, session=2))
    assert hit_of(hits, "weight_for_reps") == RecordHit("weight_for_reps", "squat", 90, 5, 80)

    # 110 × 3 is heavier than any five but lighter than the earlier triple: no record.
    hits = records_for_new_set(history, lift(110, 3, session=2))
    assert "weight_for_reps" not in kinds(hits)


def test_a_rep_count_never_done_before_has_nothing_to_beat():
    history = [lift(100, 5, session=1)]
    hits = records_for_new_set(history, lift(100, 8, session=2))
    assert "weight_for_reps" not in kinds(hits)
    assert hit_of(hits, "e1rm") == RecordHit("e1rm", "squat", 126.7, 8, 116.7)


def test_e1rm_record_without_a_weight_record():
    history = [lift(100, 3, session=1), lift(90, 8, session=1)]  # e1rm 110.0 and 114.0
    hits = records_for_new_set(history, lift(95, 6, session=2))  # e1rm 114.0: a tie
    assert "e1rm" not in kinds(hits)
    hits = records_for_new_set(history, lift(95, 7, session=2))  # e1rm 117.2
    assert hit_of(hits, "e1rm").previous == 114.0


def test_high_rep_sets_give_no_e1rm_record():
    history = [lift(60, 10, session=1)]  # e1rm 80.0
    hits = records_for_new_set(history, lift(70, 15, session=2))
    assert "e1rm" not in kinds(hits)


def test_sets_earlier_in_the_same_session_are_beaten_too():
    history = [lift(100, 5, session=1), lift(105, 5, session=2)]
    assert "weight_for_reps" not in kinds(records_for_new_set(history, lift(105, 5, session=2)))
    hits = records_for_new_set(history, lift(107.5, 5, session=2))
    assert hit_of(hits, "weight_for_reps").previous == 105


def test_session_volume_record_across_sessions():
    history = [
        lift(100, 5, session=1), lift(100, 5, session=1), lift(100, 5, session=1),  # 1500
        lift(100, 5, session=2), lift(100, 5, session=2),  # 1000
        lift(90, 5, session=3), lift(90, 5, session=3), lift(90, 5, session=3),  # 1350
    ]
    # Session 3 reaches 1800 with a fourth set of 90 × 5: more than session 1's 1500.
    hits = records_for_new_set(history, lift(90, 5, session=3))
    assert hits == [RecordHit("session_volume", "squat", 1800, None, 1500)]
    # Session 3 at 1350 + 100 = 1450 stays below 1500: no record.
    assert records_for_new_set(history, lift(20, 5, session=3)) == []
    # Equal to the best is a tie.
    assert records_for_new_set(history, lift(30, 5, session=3)) == []


def test_session_volume_ignores_other_exercises_and_undone_sets():
    history = [
        lift(100, 10, session=1),  # 1000
        lift(200, 10, session=1, exercise="deadlift"),
        lift(100, 5, session=2), lift(100, 5, session=2, done=False),
    ]
    hits = records_for_new_set(history, lift(90, 5, session=2))  # 500 + 450 = 950
    assert "session_volume" not in kinds(hits)
    hits = records_for_new_set(history, lift(110, 5, session=2))  # 500 + 550 = 1050
    assert hit_of(hits, "session_volume") == RecordHit("session_volume", "squat", 1050, None,
                                                       1000)


def test_a_set_without_weight_sets_no_weight_or_volume_record():
    history = [lift(20, 10, session=1)]
    assert records_for_new_set(history, lift(None, 20, session=2)) == []
    assert records_for_new_set(history, lift(0, 20, session=2)) == []


def test_longest_hold_for_timed_sets():
    history = [hold(60, session=1), hold(75, session=1)]
    assert records_for_new_set(history, hold(90, session=1)) == [], "still the first session"
    assert records_for_new_set(history, hold(75, session=2)) == [], "a tie"
    hits = records_for_new_set(history, hold(80, session=2))
    assert hits == [RecordHit("longest_hold", "plank", 80, None, 75)]


def test_later_sets_in_history_are_not_compared():
    first = lift(100, 5, session=1)
    new_set = lift(105, 5, session=2)
    later = lift(120, 5, session=3)
    history = [first, new_set, later]  # history may hold the new set itself
    hits = records_for_new_set(history, new_set)
    assert hit_of(hits, "weight_for_reps").previous == 100


# --- best records -----------------------------------------------------------------------------


def test_best_records_per_exercise():
    history = [
        lift(100, 5, session=1), lift(110, 3, session=1), lift(60, 15, session=1),
        lift(105, 5, session=2), lift(200, 5, session=2, done=False),
        lift(40, 10, session=1, exercise="bench"),
        hold(60, session=1), hold(95, session=2),
        lift(None, 12, session=1, exercise="push_up"),
    ]
    assert best_records(history) == {
        "squat": {
            "weight_for_reps:5": 105,
            "weight_for_reps:3": 110,
            "weight_for_reps:15": 60,
            "e1rm": 122.5,
            "session_volume": 1730,  # 500 + 330 + 900 in session 1
        },
        "bench": {"weight_for_reps:10": 40, "e1rm": 53.3, "session_volume": 400},
        "plank": {"longest_hold": 95},
    }


def test_best_records_of_nothing():
    assert best_records([]) == {}
    assert best_records([lift(100, 5, done=False)]) == {}


# --- cardio records -----------------------------------------------------------------------------


def run(metres, seconds, session=1, exercise="running", done=True, kind="normal"):
    """A run (or a row) of `metres` in `seconds`, each one a minute after the one before it."""
    _clock["minutes"] += 1
    return SetFact(exercise, session, None, None, seconds, done,
                   START + timedelta(minutes=_clock["minutes"]), distance_m=metres, kind=kind)


def test_the_first_session_of_a_run_is_the_baseline():
    history = [run(5000, 1500)]
    assert records_for_new_set(history, run(10000, 2800)) == [], "still the first session"
    assert records_for_new_set([], run(10000, 2800, session=2)) == []


def test_a_longer_run_is_a_distance_record():
    history = [run(5000, 1500), run(8000, 2500)]
    hits = records_for_new_set(history, run(9000, 3000, session=2))
    assert hits == [RecordHit("longest_distance", "running", 9000, None, 8000)]


def test_a_run_of_the_same_distance_is_a_tie():
    history = [run(8000, 2500)]
    hits = records_for_new_set(history, run(8000, 2600, session=2))
    assert "longest_distance" not in kinds(hits)


def test_a_faster_5k_is_a_record_and_lower_is_better():
    history = [run(5000, 1500)]  # 25:00 for 5 km, 5:00 a km
    hits = records_for_new_set(history, run(5000, 1450, session=2))
    assert hit_of(hits, "fastest_5k") == RecordHit("fastest_5k", "running", 1450, None, 1500)
    assert hit_of(hits, "best_pace") == RecordHit("best_pace", "running", 290, None, 300)
    assert "longest_distance" not in kinds(hits), "the same distance is a tie"
    slower = records_for_new_set(history, run(5000, 1550, session=2))
    assert slower == [], "a slower 5 km beats nothing"


def test_the_5k_time_of_a_longer_run_is_scaled_to_5_km():
    history = [run(5000, 1500)]
    hits = records_for_new_set(history, run(10000, 2900, session=2))  # 1450 s per 5 km
    assert hit_of(hits, "fastest_5k") == RecordHit("fastest_5k", "running", 1450, None, 1500)
    assert hit_of(hits, "longest_distance").value == 10000


def test_the_same_5k_time_is_a_tie():
    history = [run(5000, 1500)]
    hits = records_for_new_set(history, run(10000, 3000, session=2))  # 1500 s per 5 km
    assert kinds(hits) == {"longest_distance"}


def test_a_run_under_5_km_sets_no_5k_record_and_is_not_one_to_beat():
    history = [run(5000, 1500), run(4000, 1000)]  # the 4 km run is faster, but short
    hits = records_for_new_set(history, run(4999, 1000, session=2))
    assert "fastest_5k" not in kinds(hits)
    hits = records_for_new_set(history, run(5000, 1490, session=2))
    assert hit_of(hits, "fastest_5k").previous == 1500, "the 4 km run gave no 5 km time"
    assert "best_pace" not in kinds(hits), "the 4 km run's 4:10 a km still stands"


def test_best_pace_needs_a_kilometre():
    history = [run(2000, 600)]  # 5:00 a km
    sprint = records_for_new_set(history, run(400, 60, session=2))  # 2:30 a km, but 400 m
    assert sprint == []
    hits = records_for_new_set(history, run(1000, 290, session=2))
    assert hits == [RecordHit("best_pace", "running", 290, None, 300)]
    assert records_for_new_set(history, run(1000, 300, session=2)) == [], "the same pace is a tie"


def test_a_run_without_a_time_can_only_be_a_distance_record():
    history = [run(5000, 1500)]
    hits = records_for_new_set(history, run(6000, None, session=2))
    assert hits == [RecordHit("longest_distance", "running", 6000, None, 5000)]


def test_a_run_is_not_a_hold():
    history = [run(5000, 1500)]
    hits = records_for_new_set(history, run(5000, 1800, session=2))
    assert hits == [], "longer in time, slower, and no hold"


def test_cardio_records_compare_with_the_same_sessions_earlier_runs():
    history = [run(1000, 300, exercise="rowing-machine-steady"),
               run(1000, 280, session=2, exercise="rowing-machine-steady")]
    hits = records_for_new_set(history, run(1000, 280, session=2, exercise="rowing-machine-steady"))
    assert hits == [], "a repeat of the pace that just set a record is a tie"
    hits = records_for_new_set(history, run(1000, 275, session=2, exercise="rowing-machine-steady"))
    assert hits == [RecordHit("best_pace", "rowing-machine-steady", 275, None, 280)]


def test_warm_ups_never_set_or_hold_records():
    history = [run(5000, 1500), run(8000, 2000, kind="warmup"), run(3000, 600, session=2, kind="warmup")]
    assert records_for_new_set(history, run(9000, 2400, session=2, kind="warmup")) == []
    hits = records_for_new_set(history, run(6000, 1740, session=2))  # 29:00, 1450 per 5 km
    assert hit_of(hits, "longest_distance").previous == 5000, "the warm-up's 8 km is not the best"
    assert hit_of(hits, "fastest_5k").previous == 1500
    assert hit_of(hits, "best_pace").previous == 300, "the warm-up's 3:20 a km is not the best"


def test_warm_ups_never_count_for_strength_records_either():
    history = [lift(100, 5, session=1), SetFact("squat", 1, 200, 5, None, True, START, kind="warmup")]
    hits = records_for_new_set(history, lift(105, 5, session=2))
    assert hit_of(hits, "weight_for_reps").previous == 100
    warm = SetFact("squat", 2, 150, 5, None, True, START + timedelta(days=1), kind="warmup")
    assert records_for_new_set(history, warm) == []


def test_best_records_of_runs():
    history = [
        run(5000, 1500, session=1), run(10000, 2900, session=2), run(1200, 300, session=2),
        run(400, 60, session=3), run(20000, 7000, session=3, done=False),
        run(15000, 3000, session=3, kind="warmup"),
    ]
    assert best_records(history) == {
        "running": {"longest_distance": 10000, "fastest_5k": 1450, "best_pace": 250},
    }


# --- records in words ---------------------------------------------------------------------------


@pytest.mark.parametrize(("kind", "value", "reps", "units", "name", "expected"), [
    ("fastest_5k", 1450, None, "kg", "Running", "Running: Fastest 5 km: 24:10"),
    ("fastest_5k", 1450, None, "lb", "Running", "Running: Fastest 5 km: 24:10"),
    ("longest_distance", 12400, None, "kg", "Running", "Running: Longest run: 12.4 km"),
    ("longest_distance", 12400, None, "lb", "Treadmill run", "Treadmill run: Longest run: 7.71 mi"),
    ("longest_distance", 8000, None, "kg", "Rowing machine (steady)",
     "Rowing machine (steady): Longest row: 8 km"),
    ("longest_distance", 30000, None, "kg", "Stationary bike (steady)",
     "Stationary bike (steady): Longest ride: 30 km"),
    ("longest_distance", 5000, None, "kg", "Elliptical trainer (steady)",
     "Elliptical trainer (steady): Longest distance: 5 km"),
    ("best_pace", 292, None, "kg", "Running", "Running: Best pace: 4:52 /km"),
    ("best_pace", 292, None, "lb", "Running", "Running: Best pace: 7:50 /mi"),
    ("weight_for_reps", 100, 5, "kg", "Squat", "Squat: Heaviest for reps: 100 kg × 5"),
    ("weight_for_reps", 100, 5, "lb", "Squat", "Squat: Heaviest for reps: 220.5 lb × 5"),
    ("e1rm", 116.7, 5, "kg", "Squat", "Squat: Best estimated 1-rep max: 116.7 kg"),
    ("session_volume", 1500, None, "kg", "Squat", "Squat: Most volume in a session: 1,500 kg"),
    ("longest_hold", 45, None, "kg", "Plank", "Plank: Longest hold: 45 s"),
    ("longest_hold", 95, None, "kg", "Plank", "Plank: Longest hold: 1:35"),
])
def test_every_kind_of_record_in_words(kind, value, reps, units, name, expected):
    assert record_text(kind, value, reps, units, name) == expected
    assert record_text(kind, value, reps, units, name, new=True) == f"New record! {expected}"


def test_the_records_one_set_sets_are_announced_together():
    hits = [("weight_for_reps", 100.0, 5), ("e1rm", 116.7, 5)]
    assert new_records_text(hits, "kg", "Squat") == (
        "New record! Squat: Heaviest for reps: 100 kg × 5; Best estimated 1-rep max: 116.7 kg")
    assert new_records_text([], "kg", "Squat") == ""


def test_the_activity_comes_from_the_name():
    assert [activity(n) for n in ("Treadmill run intervals", "Air bike sprints", "Ski erg intervals",
                                  "Brisk walk", "Treadmill incline walk", "Rowing machine intervals")] == [
        "run", "ride", None, "walk", "walk", "row"]


# --- cardio bests without the strength kinds ------------------------------------------------

_metres = st.one_of(st.none(), st.sampled_from([0.0, 400.0, 999.9, 1000.0, 4999.0, 5000.0, 10000.0]),
                    st.floats(min_value=-10.0, max_value=50000.0, allow_nan=False))
_seconds = st.one_of(st.none(), st.integers(min_value=-5, max_value=20000))


@settings(max_examples=200, deadline=None)
@given(sets=st.lists(st.tuples(_metres, _seconds), max_size=12))
def test_cardio_bests_are_the_cardio_kinds_of_the_bests(sets):
    facts = [SetFact("running", index % 3, None, None, seconds, True, START, distance_m=metres)
             for index, (metres, seconds) in enumerate(sets)]
    expected = {kind: value for kind, value in best_records(facts).get("running", {}).items()
                if kind in CARDIO_KINDS}
    assert cardio_bests(sets) == expected
