"""Which weekdays to train on, and the rest-day rules.

Rules:
- Preferred weekdays are honoured: with at least as many preferred days as training days,
  every training day is a preferred one; with fewer, every preferred day is used.
- Training days never run more than ``MAX_CONSECUTIVE_DAYS`` in a row, counting across
  the week's end (Sunday is followed by Monday). When no allowed choice of days can keep
  to that (six days a week, or preferences that force a run), the limit becomes the
  shortest run any allowed choice achieves.
- Rest days are the weekdays not trained on.
"""

from __future__ import annotations

from functools import lru_cache
from itertools import combinations

from vigor_app.services.vocabulary import WEEKDAY_INDEX, WEEKDAYS

MAX_CONSECUTIVE_DAYS = 3


def longest_run(weekdays: tuple[str, ...] | list[str] | frozenset[str]) -> int:
    """The longest streak of consecutive training days, wrapping from Sunday to Monday."""
    chosen = set(weekdays)
    trained = [day in chosen for day in WEEKDAYS]
    if all(trained):
        return len(WEEKDAYS)
    best = run = 0
    for flag in trained + trained:
        run = run + 1 if flag else 0
        best = max(best, run)
    return min(best, len(WEEKDAYS))


@lru_cache(maxsize=512)
def allowed_choices(days: int, preferred: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
    """Every set of training weekdays (in week order) that honours the preferences."""
    if not preferred:
        return tuple(combinations(WEEKDAYS, days))
    chosen = tuple(sorted(set(preferred), key=WEEKDAY_INDEX.__getitem__))
    if len(chosen) >= days:
        return tuple(combinations(chosen, days))
    others = [d for d in WEEKDAYS if d not in chosen]
    return tuple(
        tuple(sorted(chosen + extra, key=WEEKDAY_INDEX.__getitem__))
        for extra in combinations(others, days - len(chosen))
    )


def honours_preferences(weekdays: tuple[str, ...], days: int, preferred: tuple[str, ...]) -> bool:
    if not preferred:
        return True
    chosen, wanted = set(weekdays), set(preferred)
    return chosen <= wanted if len(wanted) >= days else wanted <= chosen


@lru_cache(maxsize=512)
def max_run_allowed(days: int, preferred: tuple[str, ...]) -> int:
    best_possible = min(longest_run(choice) for choice in allowed_choices(days, preferred))
    return max(MAX_CONSECUTIVE_DAYS, best_possible)


def _spread(choice: tuple[str, ...]) -> tuple[int, int]:
    """Sort key: shortest longest-run first, then the most even gaps between sessions."""
    indexes = [WEEKDAY_INDEX[d] for d in choice]
    gaps = [(indexes[(i + 1) % len(indexes)] - indexes[i]) % 7 or 7 for i in range(len(indexes))]
    return longest_run(choice), max(gaps) - min(gaps)


@lru_cache(maxsize=512)
def choose_weekdays(days: int, preferred: tuple[str, ...] = ()) -> tuple[str, ...]:
    """The training weekdays: honour preferences, keep runs short, spread sessions evenly.

    Ties go to the earliest days of the week, so the choice is deterministic.
    """
    choices = allowed_choices(days, preferred)
    return min(choices, key=lambda c: (_spread(c), [WEEKDAY_INDEX[d] for d in c]))


def rest_days(training: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(d for d in WEEKDAYS if d not in set(training))
