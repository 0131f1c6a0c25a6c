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

`finished_days` reads a person's counting days from the database in one query, for the
dashboard: the database decides which sessions count (their duration, or for a short one the
time logged in its sets) and hands back each counting session's start as a number, grouped by
zone, so years of sessions cost one row per zone rather than one datetime per session.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import sqlalchemy
from sqlalchemy import String, bindparam, case, cast, func
from sqlmodel import Session, col, select

from vigor_app.clock import as_utc
from vigor_app.db import epoch_seconds
from vigor_app.models import WorkoutSession, WorkoutSet
from vigor_app.models.workout import SESSION_FINISHED
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


@dataclass(frozen=True)
class FinishedDays:
    """A person's finished sessions as the streak rules see them."""

    days: set[date]  # the counting days (`counting_days`)
    finished: int  # finished sessions, counting or not (future-dated ones too)


def _finished_days_query() -> sqlalchemy.Select:
    started_at = col(WorkoutSession.started_at)
    # The sets of the person's own sessions are theirs: read by session id alone, on the
    # index of counted sets by session (a CASE stops at the first condition that holds, so
    # they are only summed when a session's duration alone is too short).
    logged = (
        sqlalchemy.select(func.coalesce(func.sum(col(WorkoutSet.seconds)), 0))
        .where(col(WorkoutSet.session_id) == col(WorkoutSession.id), col(WorkoutSet.seconds) > 0,
               set_kinds.counted())
        .scalar_subquery()
    )
    start = epoch_seconds(started_at)
    counting = case((started_at > bindparam("now"), None),
                    (func.coalesce(col(WorkoutSession.duration_seconds), 0) >= MIN_COUNTING_SECONDS, start),
                    (logged >= MIN_COUNTING_SECONDS, start))
    return (
        sqlalchemy.select(col(WorkoutSession.timezone), func.count(),
                          func.aggregate_strings(cast(counting, String), ","))
        .where(col(WorkoutSession.user_id) == bindparam("user_id"),
               col(WorkoutSession.status) == SESSION_FINISHED)
        .group_by(col(WorkoutSession.timezone))
    )


_FINISHED_DAYS = _finished_days_query()  # built once: building it costs about what running it does


def finished_days(session: Session, user_id: int, now: datetime) -> FinishedDays:
    """The person's counting days and number of finished sessions, by the rules above, in one
    query: the same days `counting_days` gives for their finished sessions with
    `logged_seconds` taken into account."""
    rows = session.connection().execute(_FINISHED_DAYS, {"user_id": user_id, "now": as_utc(now)}).all()
    days: set[date] = set()
    for name, _, starts in rows:
        if starts:
            where = zone(name)  # (local_day, for a zone's many sessions at once)
            days.update(datetime.fromtimestamp(int(second), where).date() for second in starts.split(","))
    return FinishedDays(days=days, finished=sum(count for _, count, _ in rows))


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


def local_day(seconds: int, timezone: str | None) -> date:
    """The calendar date in the zone `timezone` of the moment `seconds` after 1970-01-01 UTC
    (a start as ``db.epoch_seconds`` reads it); the same date `local_date` gives."""
    return datetime.fromtimestamp(seconds, zone(timezone)).date()


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


def current_streak(sessions: Iterable[SessionFact], now: datetime, timezone: str) -> int:
    """Consecutive counting days ending today (or yesterday while today is still open)."""
    return current_run(counting_days(sessions, now), local_date(now, timezone))


def current_run(days: set[date], today: date) -> int:
    """`current_streak` of the counting days `days`, `today` being the person's local date."""
    if not days:
        return 0
    latest = max(days)
    if latest < today - ONE_DAY:
        return 0
    return _run_ending_on(days, latest)


def longest_streak(sessions: Iterable[SessionFact], now: datetime) -> int:
    """The longest run of consecutive counting days ever."""
    return longest_run(counting_days(sessions, now))


def longest_run(days: set[date]) -> int:
    """`longest_streak` of the counting days `days`."""
    longest = run = 0
    previous = -1  # no day's ordinal is 0: the first day starts a run
    for day in sorted(d.toordinal() for d in days):  # one pass over the days in order
        run = run + 1 if day == previous + 1 else 1
        longest = max(longest, run)
        previous = day
    return longest


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
