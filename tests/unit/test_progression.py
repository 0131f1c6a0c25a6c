"""Progression rules: pure functions from logged sets to the next target."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vigor_app.services.catalogue.catalogue import get_exercise
from vigor_app.services.plans.progression import (
    Target,
    deload,
    load_step_kg,
    rule_for,
    stalled,
    suggest_from_history,
    suggest_next,
)
from vigor_app.services.plans.timing import Reps


def sets(*reps, weight=60.0, rpe=8.0, done=True):
    return [{"reps": r, "weight_kg": weight, "rpe": rpe, "done": done} for r in reps]


# --- double progression ----------------------------------------------------------------------

RANGE = Target(reps="8-12", rpe=8.0, weight_kg=60.0, load_step_kg=2.5)


def test_double_progression_adds_load_at_the_top_of_the_range():
    suggestion = suggest_next("double_progression", RANGE, sets(12, 12, 12))
    assert suggestion.action == "increase_load"
    assert suggestion.weight_kg == 62.5
    assert suggestion.reps == "8", "back to the bottom of the range"
    assert "2.5 kg" in suggestion.message


def test_double_progression_adds_reps_inside_the_range():
    suggestion = suggest_next("double_progression", RANGE, sets(10, 9, 9))
    assert suggestion.action == "increase_reps"
    assert suggestion.weight_kg == 60.0
    assert suggestion.reps == "10"


def test_double_progression_holds_when_effort_was_too_high_at_the_top():
    suggestion = suggest_next("double_progression", RANGE, sets(12, 12, 12, rpe=9.5))
    assert suggestion.action == "hold"
    assert suggestion.weight_kg == 60.0


def test_double_progression_holds_below_the_range_or_with_a_missed_set():
    assert suggest_next("double_progression", RANGE, sets(9, 7, 6)).action == "hold"
    missed = sets(12, 12) + sets(0, done=False)
    assert suggest_next("double_progression", RANGE, missed).action == "hold"


def test_missing_rpe_counts_as_on_target():
    logged = [{"reps": 12, "weight_kg": 60.0, "done": True}] * 3
    assert suggest_next("double_progression", RANGE, logged).action == "increase_load"


# --- load step, time step, rep step -----------------------------------------------------------


def test_load_step_for_low_rep_strength_work():
    target = Target(reps="5", rpe=8.0, weight_kg=100.0, load_step_kg=2.5)
    assert suggest_next("load_step", target, sets(5, 5, 5, 5, weight=100.0)).weight_kg == 102.5
    assert (
        suggest_next("load_step", target, sets(5, 5, 5, 5, weight=100.0)).action == "increase_load"
    )
    assert suggest_next("load_step", target, sets(5, 5, 4, 3, weight=100.0)).action == "hold"
    assert suggest_next("load_step", target, sets(5, 5, 5, weight=100.0, rpe=10)).action == "hold"


def test_time_step_for_holds():
    target = Target(reps="30s", rpe=7.0, max_seconds=60)
    logged = [{"seconds": 30, "rpe": 7, "done": True}, {"seconds": 32, "rpe": 6, "done": True}]
    suggestion = suggest_next("time_step", target, logged)
    assert (suggestion.action, suggestion.reps) == ("increase_reps", "35s")
    short = [{"seconds": 30, "done": True}, {"seconds": 20, "done": True}]
    assert suggest_next("time_step", target, short).action == "hold"
    at_max = Target(reps="60s", rpe=7.0, max_seconds=60)
    assert suggest_next("time_step", at_max, [{"seconds": 60}] * 2).action == "hold"


def test_time_step_reads_reps_when_seconds_are_missing():
    target = Target(reps="20s", rpe=7.0, max_seconds=45)
    assert suggest_next("time_step", target, [{"reps": 20}, {"reps": 25}]).reps == "25s"


def test_rep_step_for_bodyweight():
    target = Target(reps="8-12", rpe=8.0)
    suggestion = suggest_next("rep_step", target, [{"reps": 8, "rpe": 7}] * 3)
    assert (suggestion.action, suggestion.reps, suggestion.weight_kg) == (
        "increase_reps",
        "9",
        None,
    )
    assert suggest_next("rep_step", target, [{"reps": 8}, {"reps": 6}]).action == "hold"
    top = Target(reps="12", rpe=8.0)
    assert suggest_next("rep_step", top, [{"reps": 12}] * 3).reps == "13"


def test_nothing_logged_holds():
    assert suggest_next("double_progression", RANGE, []).action == "hold"


def test_bad_rule_or_target_raises():
    with pytest.raises(ValueError, match="vibes"):
        suggest_next("vibes", RANGE, sets(10))
    with pytest.raises(ValueError, match="lots"):
        suggest_next("double_progression", Target(reps="lots"), sets(10))


# --- stalls and deloads --------------------------------------------------------------------------


def test_three_stalled_sessions_trigger_a_deload():
    target = Target(reps="5", rpe=8.0, weight_kg=100.0, load_step_kg=2.5)
    failing = sets(5, 4, 3, weight=100.0)
    history = [failing, failing, failing]
    assert stalled("load_step", target, history)
    suggestion = suggest_from_history("load_step", target, history)
    assert suggestion.action == "deload"
    assert suggestion.weight_kg == 90.0
    assert suggestion.reps == "5"


def test_deload_rounds_down_to_the_load_step():
    target = Target(reps="8-12", rpe=8.0, weight_kg=22.0, load_step_kg=2.0)
    suggestion = deload("double_progression", target)
    assert suggestion.weight_kg == 18.0  # 19.8 rounded down to a 2 kg step
    assert suggestion.reps == "8"


def test_deload_without_load_cuts_reps_or_time():
    assert deload("rep_step", Target(reps="10-15")).reps == "9"
    assert deload("time_step", Target(reps="40s")).reps == "35s"


def test_two_stalls_or_a_recent_success_is_not_a_stall():
    target = Target(reps="5", rpe=8.0, weight_kg=100.0)
    failing, passing = sets(5, 4, weight=100.0), sets(5, 5, weight=100.0)
    assert not stalled("load_step", target, [failing, failing])
    assert not stalled("load_step", target, [failing, failing, passing])
    assert (
        suggest_from_history("load_step", target, [failing, failing, passing]).action
        == "increase_load"
    )
    assert suggest_from_history("load_step", target, []).action == "hold"


# --- choosing a rule and a step ------------------------------------------------------------------


def test_load_steps_per_equipment():
    assert load_step_kg(["barbell"]) == 2.5
    assert load_step_kg(["dumbbells", "bench"]) == 2.0
    assert load_step_kg(["kettlebells"]) == 4.0
    assert load_step_kg(["machines"]) == 5.0
    assert load_step_kg(["bodyweight"]) == 0.0


def test_rule_for_an_exercise():
    assert rule_for(get_exercise("forearm-plank"), Reps(30, 30, True)) == "time_step"
    assert rule_for(get_exercise("push-up"), Reps(8, 12, False)) == "rep_step"
    assert rule_for(get_exercise("barbell-back-squat"), Reps(5, 5, False)) == "load_step"
    assert rule_for(get_exercise("goblet-squat"), Reps(8, 12, False)) == "double_progression"


logged_sets = st.lists(
    st.fixed_dictionaries(
        {},
        optional={
            "reps": st.one_of(st.integers(-5, 30), st.none(), st.text(max_size=3), st.floats()),
            "weight_kg": st.one_of(st.floats(0, 300), st.none()),
            "rpe": st.one_of(st.floats(0, 11), st.none(), st.booleans()),
            "done": st.booleans(),
            "seconds": st.one_of(st.integers(0, 120), st.none()),
        },
    ),
    max_size=6,
)


@settings(max_examples=500, deadline=None)
@given(
    rule=st.sampled_from(["double_progression", "load_step", "time_step", "rep_step"]),
    reps=st.sampled_from(["8-12", "5", "30s", "12-15"]),
    weight=st.one_of(st.none(), st.floats(0, 200)),
    logged=logged_sets,
)
def test_suggestions_are_always_well_formed(rule, reps, weight, logged):
    target = Target(reps=reps, rpe=8.0, weight_kg=weight, load_step_kg=2.5, max_seconds=60)
    suggestion = suggest_next(rule, target, logged)
    assert suggestion.action in {"increase_load", "increase_reps", "hold"}
    assert suggestion.message
    if suggestion.action == "increase_load":
        assert all(s.get("done", True) is not False for s in logged)
        assert suggestion.weight_kg == pytest.approx((weight or 0.0) + 2.5, abs=0.01)
    else:
        assert suggestion.weight_kg == weight
