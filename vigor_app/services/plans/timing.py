"""The time model: how long a session takes, used both to build plans and to check them.

One session lasts

    warm-up + main part + cool-down, where
    main part  = sum over exercises of  sets x (work + rest)  +  one transition per exercise
    warm-up    = sum over drills of     sets x work           +  one short transition per drill
    cool-down  = like the warm-up

and ``work`` for one set is the rep count x ``SECONDS_PER_REP`` (the middle of a range such
as "8-12"), or the seconds of a timed set ("30s"); a unilateral exercise does its reps or
seconds on each side, so its work doubles. Rest is counted after every set, including the
last (it covers walking to the next station). ``session_seconds`` is the only place the
sum is written; the engine and the validator both call it.

A session is on time when its seconds lie within ``TIME_TOLERANCE`` (10 %) of the
requested length.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from typing import NamedTuple

SECONDS_PER_REP = 4
MAIN_TRANSITION_SECONDS = 30
DRILL_TRANSITION_SECONDS = 10
TIME_TOLERANCE = 0.10
MAX_REPS_TEXT = 40  # longer is not a reps string (and is not kept in the parse cache)

_REPS = re.compile(r"^\s*(\d{1,4})\s*(?:[-\u2013]\s*(\d{1,4}))?\s*$")
_SECONDS = re.compile(r"^\s*(\d{1,4})\s*(?:s|sec|secs|seconds)\s*$", re.IGNORECASE)


class Reps(NamedTuple):
    """A parsed ``reps`` string: a count ("10"), a range ("8-12") or seconds ("30s")."""

    low: int
    high: int
    timed: bool

    @property
    def middle(self) -> float:
        return (self.low + self.high) / 2

    def __str__(self) -> str:
        if self.timed:
            return f"{self.low}s"
        return str(self.low) if self.low == self.high else f"{self.low}-{self.high}"


class ItemTime(NamedTuple):
    """What the time model needs to know about one planned item."""

    sets: int
    work_seconds: int
    rest_seconds: int = 0


def parse_reps(text: object) -> Reps | None:
    """Parse a reps string; None when it is not one of the three accepted forms."""
    if not isinstance(text, str) or len(text) > MAX_REPS_TEXT:
        return None
    return _parse(text)


@functools.lru_cache(maxsize=2048)  # plans repeat a few dozen reps strings thousands of times
def _parse(text: str) -> Reps | None:
    timed = _SECONDS.match(text)
    if timed:
        seconds = int(timed.group(1))
        return Reps(seconds, seconds, True) if seconds > 0 else None
    counted = _REPS.match(text)
    if not counted:
        return None
    low = int(counted.group(1))
    high = int(counted.group(2)) if counted.group(2) else low
    if low <= 0 or high < low:
        return None
    return Reps(low, high, False)


def format_reps(low: int, high: int | None = None, *, timed: bool = False) -> str:
    return str(Reps(low, low if high is None else high, timed))


def work_seconds(reps: Reps, unilateral: bool) -> int:
    """Seconds of work in one set."""
    one_side = reps.low if reps.timed else round(reps.middle * SECONDS_PER_REP)
    return one_side * (2 if unilateral else 1)


def session_seconds(
    warmup: Iterable[ItemTime], exercises: Iterable[ItemTime], cooldown: Iterable[ItemTime]
) -> int:
    """The whole session in seconds (see the module docstring for the model)."""
    total = 0
    for item in exercises:
        total += item.sets * (item.work_seconds + item.rest_seconds) + MAIN_TRANSITION_SECONDS
    for item in (*warmup, *cooldown):
        total += item.sets * item.work_seconds + DRILL_TRANSITION_SECONDS
    return total


def time_window(session_minutes: int) -> tuple[int, int]:
    """The accepted session length in seconds: the request within +/- 10 %."""
    target = session_minutes * 60
    return round(target * (1 - TIME_TOLERANCE)), round(target * (1 + TIME_TOLERANCE))


def estimated_minutes(seconds: int) -> int:
    return round(seconds / 60)
