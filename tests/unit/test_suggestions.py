"""Next session's targets from the person's last sessions of an exercise."""

from datetime import UTC, datetime, timedelta

import pytest

from tests import seeding
from tests.factories import make_user
from tests.seeding import LoggedSet
from vigor_app.services.errors import ValidationError
from vigor_app.services.training import suggestions

pytestmark = pytest.mark.usefixtures("database")

BENCH = "barbell-bench-press"  # barbell + bench: 2.5 kg steps
START = datetime(2026, 10, 5, 17, 0, tzinfo=UTC)


@pytest.fixture
def me() -> int:
    user_id = make_user("alice").user.id
    seeding.set_profile(user_id, timezone="Europe/Berlin", units="kg")
    return user_id


def history(user_id: int, exercise_id: str, sessions: list[list], *, target_sets: int | None = 3,
            first: datetime = START) -> None:
    """One finished session every three days, oldest first, each with the given sets."""
    for n, sets in enumerate(sessions):
        seeding.add_session(user_id, first + timedelta(days=3 * n), {exercise_id: sets},
                            target_sets=target_sets)


def test_targets_must_be_reps_a_range_or_seconds(me):
    with pytest.raises(ValidationError) as caught:
        suggestions.next_targets(me, BENCH, "lots", 8.0)
    assert caught.value.field == "target_reps"
    with pytest.raises(ValidationError):
        suggestions.next_targets(me, BENCH, "8-12", 11.0)


def test_first_time_has_no_weight_and_says_how_to_start(me):
    suggestion = suggestions.next_targets(me, BENCH, "8-12", 8.0)
    assert (suggestion.action, suggestion.weight_kg, suggestion.reps) == ("start", None, "8-12")
    assert suggestion.rule == "double_progression"
    assert suggestion.message.startswith("Barbell bench press is new in your log")


def test_top_of_the_range_at_target_effort_adds_a_load_step(me):
    history(me, BENCH, [[(12, 60, 8), (12, 60, 8), (12, 60, 7.5)]])
    suggestion = suggestions.next_targets(me, BENCH, "8-12", 8.0)
    assert (suggestion.action, suggestion.weight_kg, suggestion.reps) == ("increase_load", 62.5, "8")
    assert suggestion.last_weight_kg == 60 and suggestion.last_sets == [12, 12, 12]
    assert "Add 2.5 kg: 62.5 kg for 8 reps" in suggestion.message


def test_within_the_range_adds_a_rep_at_the_same_weight(me):
    history(me, BENCH, [[(10, 60, 8), (9, 60, 8), (9, 60, 8)]])
    suggestion = suggestions.next_targets(me, BENCH, "8-12", 8.0)
    assert (suggestion.action, suggestion.weight_kg, suggestion.reps) == ("increase_reps", 60, "10")
    assert "60 kg" in suggestion.message and "10 reps" in suggestion.message


def test_harder_than_the_target_effort_holds_the_load(me):
    history(me, BENCH, [[(12, 60, 9.5), (12, 60, 9.5), (12, 60, 10)]])
    suggestion = suggestions.next_targets(me, BENCH, "8-12", 8.0)
    assert (suggestion.action, suggestion.weight_kg) == ("hold", 60)
    assert "harder than RPE 8" in suggestion.message


def test_without_a_target_effort_only_reps_are_judged(me):
    history(me, BENCH, [[(12, 60, 10), (12, 60, 10), (12, 60, 10)]])
    assert suggestions.next_targets(me, BENCH, "8-12", None).action == "increase_load"


def test_a_planned_set_not_done_holds_the_load(me):
    history(me, BENCH, [[(12, 60, 8), (12, 60, 8)]], target_sets=3)
    suggestion = suggestions.next_targets(me, BENCH, "8-12", 8.0)
    assert (suggestion.action, suggestion.weight_kg) == ("hold", 60)
    assert "1 planned set not done" in suggestion.message


def test_warm_up_sets_are_not_judged(me):
    history(me, BENCH, [[(8, 40), (5, 50), (12, 60, 8), (12, 60, 8), (12, 60, 8)]])
    suggestion = suggestions.next_targets(me, BENCH, "8-12", 8.0)
    assert (suggestion.action, suggestion.weight_kg) == ("increase_load", 62.5)


def test_fixed_reps_use_the_load_step_rule(me):
    history(me, BENCH, [[(5, 100, 8)] * 3])
    suggestion = suggestions.next_targets(me, BENCH, "5", 8.0)
    assert (suggestion.rule, suggestion.action, suggestion.weight_kg, suggestion.reps) == (
        "load_step", "increase_load", 102.5, "5")


def test_only_the_latest_session_decides_without_a_stall(me):
    history(me, BENCH, [[(5, 100, 8), (4, 100, 9), (4, 100, 9)], [(5, 100, 8)] * 3])
    assert suggestions.next_targets(me, BENCH, "5", 8.0).action == "increase_load"


def test_three_holds_in_a_row_call_for_a_lighter_week(me):
    missed = [(5, 100, 9), (4, 100, 9.5), (3, 100, 10)]
    history(me, BENCH, [[(5, 97.5, 8)] * 3, missed, missed, missed])
    suggestion = suggestions.next_targets(me, BENCH, "5", 8.0)
    # 10 % off 100 kg, rounded down to the 2.5 kg step.
    assert (suggestion.action, suggestion.weight_kg, suggestion.reps) == ("deload", 90.0, "5")
    assert suggestion.stalled_sessions == 3
    assert "has stalled for 3 sessions" in suggestion.message and "90 kg" in suggestion.message


def test_reps_stuck_in_the_range_for_three_sessions_call_for_a_lighter_week(me):
    # Double progression says "add a rep" every time, but nothing moved for three sessions.
    stuck = [(10, 60, 8), (10, 60, 8), (9, 60, 8)]
    history(me, BENCH, [stuck, stuck, stuck, stuck])
    suggestion = suggestions.next_targets(me, BENCH, "8-12", 8.0)
    assert (suggestion.action, suggestion.weight_kg, suggestion.reps) == ("deload", 52.5, "8")


def test_dropping_reps_at_the_same_weight_for_three_sessions_is_a_stall(me):
    history(me, BENCH, [[(11, 60)] * 3, [(10, 60)] * 3, [(9, 60)] * 3, [(8, 60)] * 3])
    assert suggestions.next_targets(me, BENCH, "8-12", 8.0).action == "deload"


def test_two_stalled_sessions_are_not_yet_a_stall(me):
    stuck = [(10, 60, 8)] * 3
    history(me, BENCH, [[(9, 60, 8)] * 3, [(10, 60, 8)] * 3, stuck, stuck])
    suggestion = suggestions.next_targets(me, BENCH, "8-12", 8.0)
    assert suggestion.action == "increase_reps" and suggestion.stalled_sessions == 2


def test_steady_progress_never_deloads(me):
    history(me, BENCH, [[(r, 60, 8)] * 3 for r in (8, 9, 10, 11)])
    suggestion = suggestions.next_targets(me, BENCH, "8-12", 8.0)
    assert (suggestion.action, suggestion.reps, suggestion.stalled_sessions) == (
        "increase_reps", "12", 0)


def test_a_lighter_session_ends_the_stall(me):
    missed = [(5, 100, 9), (4, 100, 9.5), (3, 100, 10)]
    deloaded = [(5, 90, 9), (4, 90, 9), (4, 90, 9)]  # a hard lighter week: still a hold
    history(me, BENCH, [missed, missed, missed, deloaded])
    suggestion = suggestions.next_targets(me, BENCH, "5", 8.0)
    assert (suggestion.action, suggestion.weight_kg, suggestion.stalled_sessions) == ("hold", 90, 1)


def test_bodyweight_exercises_add_reps(me):
    history(me, "push-up", [[(10, None)] * 3])
    suggestion = suggestions.next_targets(me, "push-up", "10-15", 8.0)
    assert (suggestion.rule, suggestion.action, suggestion.weight_kg, suggestion.reps) == (
        "rep_step", "increase_reps", None, "11")


def test_timed_holds_add_seconds(me):
    history(me, "forearm-plank", [[LoggedSet(seconds=30)] * 3])
    suggestion = suggestions.next_targets(me, "forearm-plank", "30s", 7.0)
    assert (suggestion.rule, suggestion.action, suggestion.reps) == ("time_step", "increase_reps", "35s")
    assert suggestion.last_sets == [30, 30, 30] and "35 s" in suggestion.message


def test_messages_use_the_persons_units_but_figures_stay_kilograms(me):
    seeding.set_profile(me, timezone="Europe/Berlin", units="lb")
    history(me, BENCH, [[(12, 60, 8)] * 3])
    suggestion = suggestions.next_targets(me, BENCH, "8-12", 8.0)
    assert suggestion.weight_kg == 62.5
    assert "Add 5.5 lb: 138 lb for 8 reps" in suggestion.message  # 2.5 kg, 62.5 kg


def test_open_sessions_and_other_people_are_ignored(me):
    bob = make_user("bob").user.id
    history(bob, BENCH, [[(12, 100, 8)] * 3])
    seeding.add_session(me, START, {BENCH: [(12, 60, 8)] * 3}, finished=False)
    assert suggestions.next_targets(me, BENCH, "8-12", 8.0).action == "start"
    assert suggestions.next_targets(bob, BENCH, "8-12", 8.0).weight_kg == 102.5
