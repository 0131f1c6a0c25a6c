"""Milestones: each threshold, a stable order, and nothing awarded twice."""

from __future__ import annotations

import pytest

from vigor_app.services.training.milestones import (
    SET_MEASURES,
    Milestone,
    Stats,
    all_milestones,
    earned,
    newly_earned,
    open_measures,
)

KEYS = ["first_workout", "streak_7", "streak_30", "workouts_10", "workouts_50", "workouts_100",
        "first_record", "lifted_1000", "lifted_10000", "lifted_100000"]


def stats(workouts=0, current=0, longest=0, lifted=0.0, records=0):
    return Stats(total_workouts=workouts, current_streak=current, longest_streak=longest,
                 total_lifted_kg=lifted, records_count=records)


def keys(milestones):
    return [m.key for m in milestones]


def test_all_milestones_have_stable_keys_titles_and_messages():
    milestones = all_milestones()
    assert keys(milestones) == KEYS
    assert all(isinstance(m, Milestone) and m.title and m.message for m in milestones)
    assert len({m.title for m in milestones}) == len(milestones)


def test_nothing_yet_earns_nothing():
    assert newly_earned(stats(), set()) == []


@pytest.mark.parametrize(("key", "below", "at"), [
    ("first_workout", stats(workouts=0), stats(workouts=1)),
    ("workouts_10", stats(workouts=9), stats(workouts=10)),
    ("workouts_50", stats(workouts=49), stats(workouts=50)),
    ("workouts_100", stats(workouts=99), stats(workouts=100)),
    ("streak_7", stats(longest=6), stats(longest=7)),
    ("streak_30", stats(longest=29), stats(longest=30)),
    ("first_record", stats(records=0), stats(records=1)),
    ("lifted_1000", stats(lifted=999.9), stats(lifted=1000.0)),
    ("lifted_10000", stats(lifted=9999.9), stats(lifted=10000.0)),
    ("lifted_100000", stats(lifted=99999.9), stats(lifted=100000.0)),
])
def test_each_threshold(key, below, at):
    assert key not in keys(newly_earned(below, set()))
    assert key in keys(newly_earned(at, set()))


def test_a_broken_streak_keeps_the_streak_milestone():
    assert "streak_30" in keys(newly_earned(stats(current=0, longest=31), set()))


def test_reaching_several_at_once_comes_in_the_stable_order():
    big = stats(workouts=120, current=3, longest=40, lifted=250_000, records=12)
    assert keys(newly_earned(big, set())) == KEYS
    assert keys(earned(big)) == KEYS


def test_nothing_is_awarded_twice():
    now = stats(workouts=10, longest=7, lifted=1500, records=1)
    first = keys(newly_earned(now, set()))
    assert first == ["first_workout", "streak_7", "workouts_10", "first_record", "lifted_1000"]
    assert newly_earned(now, set(first)) == []
    later = stats(workouts=50, longest=7, lifted=12_000, records=4)
    assert keys(newly_earned(later, set(first))) == ["workouts_50", "lifted_10000"]


def test_unknown_keys_in_already_are_ignored():
    assert keys(newly_earned(stats(workouts=1), {"retired_badge"})) == ["first_workout"]


def test_only_the_measures_asked_for_are_awarded():
    big = stats(workouts=12, current=8, longest=8, lifted=1500, records=2)
    assert keys(newly_earned(big, set(), SET_MEASURES)) == ["first_record", "lifted_1000"]
    assert keys(newly_earned(big, set(), frozenset({"workouts"}))) == ["first_workout", "workouts_10"]


def test_a_measure_is_open_while_one_of_its_milestones_is_not_earned():
    assert open_measures(set(), SET_MEASURES) == SET_MEASURES
    lifted = {"lifted_1000", "lifted_10000", "lifted_100000"}
    assert open_measures(lifted, SET_MEASURES) == {"records"}
    assert open_measures(lifted | {"first_record"}, SET_MEASURES) == frozenset()
    assert open_measures(set(KEYS)) == frozenset()
    assert open_measures(set(KEYS) - {"streak_30"}) == {"streak"}
