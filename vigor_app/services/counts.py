"""Counts in words: the one home for "1 workout", "2 workouts" and a duration's minutes.

Every place that writes a number with a noun for a person (the pages, the coach, the
log's toasts) words it here, so a count of one never reads "1 days" and a short workout
never reads "0 minutes":

- `plural`: "1 workout", "3 workouts", "1 day", "2 exercises"; irregular plurals are
  passed in ("1 entry", "2 entries").
- `minutes_text`: a duration in whole minutes, "under a minute", "1 minute", "45 minutes".
"""

from __future__ import annotations


def noun_for(count: float, noun: str, many: str | None = None) -> str:
    """`noun` as it goes with `count`: "day" for 1, "days" otherwise (or `many` when given)."""
    return noun if count == 1 else (many or f"{noun}s")


def plural(count: float, noun: str, many: str | None = None) -> str:
    """A count with its noun: "1 workout", "3 workouts", "1,200 sets", "2.5 hours"."""
    number = f"{count:,}" if isinstance(count, int) else f"{count:,g}"
    return f"{number} {noun_for(count, noun, many)}"


def minutes_text(seconds: float | None) -> str:
    """A duration for a person, in whole minutes: "under a minute", "1 minute", "45 minutes"."""
    if seconds is None or seconds < 30:
        return "under a minute"
    return plural(max(1, round(seconds / 60)), "minute")  # 30 s is "1 minute", never "0 minutes"
