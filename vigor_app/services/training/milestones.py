"""Milestones: one-off celebrations for what a person has built up.

Each milestone has a stable key (stored with the person, so never renamed), a title and a
short celebratory line, and is reached when one figure in `Stats` reaches its threshold:

- ``first_workout``, ``workouts_10``, ``workouts_50``, ``workouts_100``: finished workouts.
- ``streak_7``, ``streak_30``: the longest streak in days (a streak once reached stays
  earned even after it breaks).
- ``first_record``: the first personal record.
- ``lifted_1000``, ``lifted_10000``, ``lifted_100000``: total kilograms lifted, the sum of
  weight × reps over all done sets.

`newly_earned` gives the reached ones not earned before, in the order of `all_milestones`,
so each is awarded once.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Stats:
    """The figures milestones are measured against."""

    total_workouts: int
    current_streak: int
    longest_streak: int
    total_lifted_kg: float
    records_count: int


@dataclass(frozen=True)
class Milestone:
    key: str
    title: str
    message: str


@dataclass(frozen=True)
class _Rule:
    milestone: Milestone
    measure: str  # a key of _FIGURES
    threshold: float


def _rule(key: str, title: str, message: str, measure: str, threshold: float) -> _Rule:
    return _Rule(Milestone(key, title, message), measure, threshold)


_RULES = (
    _rule("first_workout", "First workout",
          "You showed up. That's the hardest part, done.", "workouts", 1),
    _rule("streak_7", "7-day streak",
          "A full week without a miss. That's a habit forming.", "streak", 7),
    _rule("streak_30", "30-day streak",
          "Thirty days in a row. Training is part of who you are now.", "streak", 30),
    _rule("workouts_10", "10 workouts",
          "Ten sessions in the bag. Keep the rhythm going.", "workouts", 10),
    _rule("workouts_50", "50 workouts",
          "Fifty workouts. Your consistency is paying off.", "workouts", 50),
    _rule("workouts_100", "100 workouts",
          "One hundred workouts. That's real commitment.", "workouts", 100),
    _rule("first_record", "First personal record",
          "You beat your own best. Many more to come.", "records", 1),
    _rule("lifted_1000", "A tonne lifted",
          "Everything you've lifted adds up to a tonne, one rep at a time.", "lifted", 1_000),
    _rule("lifted_10000", "Ten tonnes lifted",
          "Ten tonnes in total. Your strength is adding up.", "lifted", 10_000),
    _rule("lifted_100000", "A hundred tonnes lifted",
          "A hundred tonnes: about the weight of a blue whale.", "lifted", 100_000),
)


_FIGURES = {
    "workouts": lambda stats: stats.total_workouts,
    "streak": lambda stats: max(stats.longest_streak, stats.current_streak),
    "records": lambda stats: stats.records_count,
    "lifted": lambda stats: stats.total_lifted_kg,
}


MEASURES = frozenset(_FIGURES)
SET_MEASURES = frozenset({"records", "lifted"})  # what saving a set can change (workouts and
# streaks count finished workouts: they change when a workout is finished)


def open_measures(already: set[str], measures: frozenset[str] = MEASURES) -> frozenset[str]:
    """The measures among `measures` that still have a milestone whose key is not in `already`."""
    return frozenset(rule.measure for rule in _RULES if rule.measure in measures and rule.milestone.key not in already)


def _figure(stats: Stats, measure: str) -> float:
    return _FIGURES[measure](stats)


def all_milestones() -> list[Milestone]:
    """Every milestone, in a stable order."""
    return [rule.milestone for rule in _RULES]


def earned(stats: Stats) -> list[Milestone]:
    """Every milestone `stats` has reached, in the order of `all_milestones`."""
    return [rule.milestone for rule in _RULES if _figure(stats, rule.measure) >= rule.threshold]


def newly_earned(stats: Stats, already: set[str], measures: frozenset[str] = MEASURES) -> list[Milestone]:
    """The milestones reached now whose keys are not in `already`, of the rules measuring one
    of `measures` (the figures `stats` holds)."""
    return [rule.milestone for rule in _RULES
            if rule.measure in measures and rule.milestone.key not in already
            and _figure(stats, rule.measure) >= rule.threshold]
