"""Training streaks and weekly consistency, computed from finished sessions.

Rules:

- A **counting day** is a calendar day on which the person finished at least one session of
  15 minutes or more. A session's minutes are its duration (``duration_seconds``: start to
  finish, or as the person corrected it) or, when that is shorter, the time logged in its
  sets that count (`logged_seconds`; never a warm-up's): a run logged after it was done
  lasted a minute in the app and 25 in the park, and counts like any 25-minute workout; a
  run logged as it happens counts by its duration like any workout. The day is the local
  date of ``started_at`` in the session's *own* time zone (the zone the person had when they
  trained), so moving to another zone never rewrites past days. An unknown or empty zone
  name falls back to UTC. Several sessions on one day count once.
- Unfinished sessions and sessions that start after ``now`` (future-dated) never count.
- **Today** is ``now``'s date in the person's *current* time zone.
- ``current_streak``: the run of consecutive counting days ending today, or ending
  yesterday while today has no counting session yet (today is still open); 0 otherwise.
  After a move west a session's own date can lie after today; such a day is recent
  training, so the run may end on it too.
- ``longest_streak``: the longest run of consecutive counting days ever.
- ``weekly_consistency``: per ISO week (Monday to Sunday, in the current zone's calendar)
  the number of counting days against the planned days per week (clamped to 1..7). The
  current week is *met* only once the target is reached.
- ``consistency_streak``: consecutive met weeks ending with the last complete week, or
  with the current week once it is already met.

Datetimes are expected to be aware; a naive one is read as UTC (what the database stores).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import func
from sqlmodel import Session, col, select

from vigor_app.clock import as_utc
from vigor_app.models import WorkoutSet
from vigor_app.services.training import set_kinds

MIN_COUNTING_SECONDS = 15 * 60
ID_CHUNK = 500  # session ids per query (SQLite caps a statement's parameters)
ONE_DAY = timedelta(days=1)


def streak_rule() -> str:
    """What counts toward a streak, in words for the places that show one."""
    return (f"A day counts toward your streak when you finish a workout of "
            f"{MIN_COUNTING_SECONDS // 60} minutes or more.")


@dataclass(frozen=True)
class SessionFact:
    """One workout session as the streak rules see it."""

    started_at: datetime  # aware, UTC
    duration_seconds: int
    timezone: str  # IANA name the person had when they trained
    finished: bool = True


@dataclass(frozen=True)
class WeekConsistency:
    """How many counting days one ISO week had against the plan."""

    week_start: date  # the Monday
    days_trained: int
    target: int
    met: bool


def logged_seconds(session: Session, user_id: int, short_sessions: Iterable[int]) -> dict[int, int]:
    """The seconds logged in the sets that count (done, not warm-ups) of each of
    `short_sessions`, the person's finished sessions shorter than 15 minutes (`is_short`), for
    `SessionFact.duration_seconds` (``max`` of the two). Longer sessions count by their
    duration alone and are never read; the few short ones are read by session id."""
    ids = list(dict.fromkeys(short_sessions))
    found: dict[int, int] = {}
    for start in range(0, len(ids), ID_CHUNK):
        rows = session.exec(
            select(WorkoutSet.session_id, func.sum(WorkoutSet.seconds))
            .where(col(WorkoutSet.session_id).in_(ids[start:start + ID_CHUNK]), WorkoutSet.user_id == user_id,
                   col(WorkoutSet.seconds) > 0, set_kinds.counted())
            .group_by(col(WorkoutSet.session_id))
        ).all()
        found.update({session_id: int(seconds or 0) for session_id, seconds in rows})
    return found


def is_short(duration_seconds: int | None) -> bool:
    """Whether a session's duration alone is too short to make a counting day."""
    return (duration_seconds or 0) < MIN_COUNTING_SECONDS


def zone(name: str | None) -> ZoneInfo:
    """The time zone called `name`; UTC for an empty or unknown name."""
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        return ZoneInfo("UTC")


def local_date(moment: datetime, timezone: str | None) -> date:
    """The calendar date of `moment` in the zone `timezone`."""
    return as_utc(moment).astimezone(zone(timezone)).date()


def counting_days(sessions: Iterable[SessionFact], now: datetime) -> set[date]:
    """The local dates (each in its session's own zone) that count toward a streak."""
    now = as_utc(now)
    return {
        local_date(s.started_at, s.timezone)
        for s in sessions
        if s.finished
        and s.duration_seconds >= MIN_COUNTING_SECONDS
        and as_utc(s.started_at) <= now
    }


def _run_ending_on(days: set[date], last: date) -> int:
    length = 0
    while last - timedelta(days=length) in days:
        length += 1
    return length


def _run_starting_on(days: set[date], first: date) -> int:
    length = 0
    while first + timedelta(days=length) in days:
        length += 1
    return length


def current_streak(sessions: Iterable[SessionFact], now: datetime, timezone: str) -> int:
    """Consecutive counting days ending today (or yesterday while today is still open)."""
    days = counting_days(sessions, now)
    if not days:
        return 0
    today = local_date(now, timezone)
    latest = max(days)
    if latest < today - ONE_DAY:
        return 0
    return _run_ending_on(days, latest)


def longest_streak(sessions: Iterable[SessionFact], now: datetime) -> int:
    """The longest run of consecutive counting days ever."""
    days = counting_days(sessions, now)
    # Only a day that starts a run (the day before it does not count) is walked forward.
    return max(
        (_run_starting_on(days, d) for d in days if d - ONE_DAY not in days), default=0
    )


def week_start(day: date) -> date:
    """The Monday of `day`'s ISO week."""
    return day - timedelta(days=day.weekday())


def _target(planned_days_per_week: int) -> int:
    return min(7, max(1, planned_days_per_week))


def _days_per_week(days: set[date]) -> dict[date, int]:
    counts: dict[date, int] = {}
    for day in days:
        monday = week_start(day)
        counts[monday] = counts.get(monday, 0) + 1
    return counts


def weekly_consistency(
    sessions: Iterable[SessionFact],
    now: datetime,
    timezone: str,
    planned_days_per_week: int,
    weeks: int = 12,
) -> list[WeekConsistency]:
    """The `weeks` ISO weeks ending with the current one, oldest first, newest last."""
    counts = _days_per_week(counting_days(sessions, now))
    target = _target(planned_days_per_week)
    this_monday = week_start(local_date(now, timezone))
    result = []
    for back in range(max(0, weeks) - 1, -1, -1):
        monday = this_monday - timedelta(weeks=back)
        trained = counts.get(monday, 0)
        result.append(WeekConsistency(monday, trained, target, trained >= target))
    return result


def consistency_streak(
    sessions: Iterable[SessionFact], now: datetime, timezone: str, planned_days_per_week: int
) -> int:
    """Consecutive met weeks ending with the last complete week (or this one, once met)."""
    counts = _days_per_week(counting_days(sessions, now))
    target = _target(planned_days_per_week)
    monday = week_start(local_date(now, timezone))
    if counts.get(monday, 0) < target:
        monday -= timedelta(weeks=1)
    streak = 0
    while counts.get(monday, 0) >= target:
        streak += 1
        monday -= timedelta(weeks=1)
    return streak
