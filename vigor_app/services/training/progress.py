"""Progress charts: strength over time, weekly volume and sessions, records (cardio in
``cardio_progress``, body metrics in ``body_metrics``).

Every function takes the person's `user_id` first and only reads that person's rows. Series
come as plain dataclasses whose ``points`` are lists of dicts keyed ``"x"`` (the label of
the x axis) plus one key per plotted figure, ready for recharts. Weights stay in kilograms
(the page converts to the person's units); times are stored in UTC.

Days and weeks:

- A session's **day** is the local date of its start in the session's own time zone (the
  zone the person had when they trained), exactly as ``streaks`` counts days, so a session
  started at 23:30 local time belongs to that local day, and moving to another zone never
  rewrites old days.
- **Weeks** are ISO weeks, Monday to Sunday. "This week" is the week of today's date in the
  person's *current* zone (profile), and ``weeks=12`` means the 12 weeks ending with it,
  oldest first, empty weeks included (a chart needs its gaps).
- Only finished sessions and done sets count, never warm-ups (``set_kinds.counted``), and,
  in weekly figures, nothing after `now`.

Volume: a **hard set** is a done set of a strength exercise (not conditioning or
mobility), counted once for every major muscle group one of the exercise's *primary*
muscles belongs to - the grouping the plan engine floors and caps (``vocabulary.MAJOR_GROUPS``
via ``Exercise.groups``). **Tonnage** is weight x reps summed over done sets with both.

Queries stay on indexed paths: sessions by (user_id, started_at) and (user_id, status), sets
by the partial indexes of the sets that count (by person and exercise, by session: see
``models.workout.WorkoutSet``), records by (user_id, achieved_at). A series comes back from
the database grouped (a few rows per session, not one per set), starts as numbers
(``db.epoch_seconds``): with five years of history each read stays under 20 ms (bench/progress.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlmodel import Session

from vigor_app import db
from vigor_app.clock import as_utc, utcnow
from vigor_app.services.catalogue import catalogue
from vigor_app.services.catalogue import store as catalogue_store
from vigor_app.services.training import progress_queries as queries
from vigor_app.services.training import records
from vigor_app.services.training.streaks import ID_CHUNK, local_date, local_day, week_start, zone
from vigor_app.services.vocabulary import MAJOR_GROUPS, STRENGTH_PATTERNS

GROUPS: tuple[str, ...] = tuple(MAJOR_GROUPS)
MAX_WEEKS = 260
MAX_RECORDS = 100
# Zones differ from UTC by at most 14 hours; a day of slack on each side of a window is
# enough to catch every session whose *own* local date falls inside it.
WINDOW_SLACK = timedelta(days=1)
NOT_AFTER_NOW = timedelta(microseconds=1)  # windows end at `now`: no future-dated sessions


# --- what the person is -------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    """The profile figures the charts need (defaults when there is no profile yet)."""

    timezone: str = "UTC"
    days_per_week: int = 3
    units: str = "kg"


def person(session: Session, user_id: int) -> Person:
    row = session.connection().execute(queries.PERSON, {"user_id": user_id}).first()
    if row is None:
        return Person()
    return Person(timezone=row[0] or "UTC", days_per_week=row[1], units=row[2])


def exercise_names(session: Session, user_id: int, exercise_ids: Iterable[str]) -> dict[str, str]:
    """Display names of exercises the person may use (the catalogue's and their own custom
    ones, see `catalogue_store`), else the id made readable: an id that names nobody's
    exercise and another person's custom exercise read the same."""
    wanted = set(exercise_ids)
    return _readable(catalogue_store.names(session, user_id, wanted), wanted)


def _readable(names: dict[str, str], wanted: set[str]) -> dict[str, str]:
    for exercise_id in wanted - set(names):
        names[exercise_id] = str(exercise_id).replace("-", " ").capitalize()
    return names


def local_midnight(day: date, timezone: str) -> datetime:
    """The start of `day` in `timezone`, as an aware UTC datetime."""
    return datetime.combine(day, time(0), tzinfo=zone(timezone)).astimezone(UTC)


def week_label(monday: date) -> str:
    year, week, _ = monday.isocalendar()
    return f"{year}-W{week:02d}"


def week_window(now: datetime, timezone: str, weeks: int) -> list[date]:
    """The Mondays of the `weeks` ISO weeks ending with the current one, oldest first."""
    weeks = max(1, min(MAX_WEEKS, int(weeks)))
    this_monday = week_start(local_date(now, timezone))
    return [this_monday - timedelta(weeks=back) for back in range(weeks - 1, -1, -1)]


# --- exercises the person has logged ------------------------------------------------------


@dataclass(frozen=True)
class ExerciseOption:
    exercise_id: str
    name: str
    times_logged: int  # sessions that had the exercise
    loaded: bool = False  # done with added weight at least once: a strength chart has an e1RM line
    distance: bool = False  # logged with a distance (the catalogue's "distance" tag): a cardio chart

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def exercise_options(user_id: int) -> list[ExerciseOption]:
    """Exercises the person has done sets of, most-logged first (then by name)."""
    with db.read_only() as session:
        rows = session.connection().execute(queries.EXERCISES_LOGGED, {"user_id": user_id}).all()
        usable = catalogue_store.usable_exercises(session, user_id, [r[0] for r in rows])
    names = _readable({i: e.name for i, e in usable.items()}, {r[0] for r in rows})
    cardio = {i for i, e in usable.items() if e.distance}
    options = [ExerciseOption(exercise_id, names[exercise_id], count, bool(was_loaded), exercise_id in cardio)
               for exercise_id, count, was_loaded in rows]
    return sorted(options, key=lambda o: (-o.times_logged, o.name.casefold()))


def chart_default(options: list[ExerciseOption]) -> str:
    """The exercise a strength chart opens on: the most-logged one lifted with weight, else the
    most-logged one ("" with none)."""
    return next((o.exercise_id for o in options if o.loaded), options[0].exercise_id if options else "")


# --- strength -----------------------------------------------------------------------------


@dataclass(frozen=True)
class StrengthSeries:
    """One exercise over time; a point per finished session (oldest first).

    Point keys: ``x`` (local date, ISO), ``session_id``, ``e1rm_kg`` (best Epley estimate
    over sets of 1-12 reps, None without one), ``top_weight_kg`` and ``top_reps`` (the
    heaviest set, most reps on a tie), ``max_reps``, ``max_seconds`` (timed work),
    ``volume_kg`` (weight x reps over the session's sets) and ``sets``.
    """

    exercise_id: str
    name: str
    points: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def strength_series(
    user_id: int, exercise_id: str, since: datetime | date | None = None
) -> StrengthSeries:
    """Best estimated 1RM and top set per finished session of `exercise_id`.

    `since` (a UTC datetime, or a date in the person's zone) leaves out earlier sessions.
    The database hands back one row per session and weight (sets counted and summed there, on
    the index of counted sets), a few rows a session rather than one per set, oldest first,
    each session's start as a number (``db.epoch_seconds``).
    """
    with db.read_only() as session:
        name = exercise_names(session, user_id, [exercise_id])[exercise_id]
        values: dict[str, Any] = {"user_id": user_id, "exercise_id": exercise_id}
        if since is not None:
            if not isinstance(since, datetime):
                since = local_midnight(since, person(session, user_id).timezone)
            values["since"] = as_utc(since)
        rows = session.connection().execute(queries.STRENGTH if since is None else queries.STRENGTH_SINCE,
                                            values).all()

    by_session: dict[int, dict[str, Any]] = {}  # in the order of the sessions' starts
    for session_id, weight, count, most_reps, estimable_reps, most_seconds, total_reps, at, zone_name in rows:
        point = by_session.get(session_id)
        if point is None:
            point = by_session[session_id] = {
                "x": local_day(at, zone_name).isoformat(), "session_id": session_id,
                "e1rm_kg": None, "top_weight_kg": None, "top_reps": None, "max_reps": None,
                "max_seconds": None, "volume_kg": 0.0, "sets": 0,
            }
        point["sets"] += count
        if most_reps:
            point["max_reps"] = max(point["max_reps"] or 0, most_reps)
        if most_seconds:
            point["max_seconds"] = max(point["max_seconds"] or 0, most_seconds)
        if weight and weight > 0:
            estimate = records.estimated_1rm(weight, estimable_reps or 0)
            if estimate > 0 and estimate > (point["e1rm_kg"] or 0.0):
                point["e1rm_kg"] = estimate
            if (weight, most_reps or 0) > (point["top_weight_kg"] or 0.0, point["top_reps"] or 0):
                point["top_weight_kg"], point["top_reps"] = weight, most_reps
            point["volume_kg"] += weight * (total_reps or 0)
    points = list(by_session.values())
    for point in points:
        point["volume_kg"] = round(point["volume_kg"], 1)
    return StrengthSeries(exercise_id=exercise_id, name=name, points=points)


# --- weekly volume ------------------------------------------------------------------------


@dataclass(frozen=True)
class VolumeSeries:
    """Hard sets per major muscle group and tonnage per ISO week (oldest first).

    Point keys: ``x`` (the Monday, ISO date), ``week`` ("2026-W47"), one key per group in
    ``groups`` (hard sets for that group), ``hard_sets`` (done sets of strength exercises,
    also those whose muscles are in no major group, such as curls), ``sets`` (all done sets,
    conditioning and mobility included) and ``tonnage_kg``.
    """

    groups: list[str]
    points: list[dict[str, Any]]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _weeks_of_sessions(session: Session, user_id: int, now: datetime,
                       weeks: int) -> tuple[list[date], dict[int | None, date]]:
    """The Mondays of the `weeks` weeks ending with this one (in the person's zone), and the
    Monday of each finished session of those weeks (started in the window `sessions_per_week`
    reads) in one round trip: the sessions are read from a start early enough for any zone,
    with the person's zone beside them, and the window is applied here. Their starts come as
    numbers (``db.epoch_seconds``); the window's start and end are whole seconds or `now`
    (which the query applies), so comparing them with the numbers is exact."""
    weeks = max(1, min(MAX_WEEKS, int(weeks)))
    early = now - timedelta(weeks=weeks + 1, days=3)  # before the window's start in any zone
    rows = session.connection().execute(queries.SESSIONS_FROM,
                                        {"user_id": user_id, "early": early, "now": now}).all()
    timezone = (rows[0][3] or "UTC") if rows else person(session, user_id).timezone
    mondays = week_window(now, timezone, weeks)
    start = local_midnight(mondays[0], timezone) - WINDOW_SLACK
    end = min(local_midnight(mondays[-1] + timedelta(weeks=1), timezone) + WINDOW_SLACK, now + NOT_AFTER_NOW)
    first, last, wanted = start.timestamp(), end.timestamp(), set(mondays)
    found: dict[int | None, date] = {}
    for session_id, seconds, session_zone, _ in rows:
        if first <= seconds < last:
            monday = week_start(local_day(seconds, session_zone))
            if monday in wanted:
                found[session_id] = monday
    return mondays, found


def weekly_volume_by_muscle(
    user_id: int, weeks: int = 12, now: datetime | None = None
) -> VolumeSeries:
    """Per ISO week: hard sets per major muscle group, all done sets, and tonnage."""
    now = as_utc(now or utcnow())
    with db.read_only() as session:
        mondays, week_of = _weeks_of_sessions(session, user_id, now, weeks)
        # One row per (session, exercise), counted and summed by the database on the index of
        # counted sets by session, read by the window's session ids (the person's own: their sets
        # are theirs), rather than by scanning all of the person's sets.
        ids = list(week_of)
        rows = [row for first in range(0, len(ids), ID_CHUNK) for row in session.connection().execute(
            queries.SETS_BY_SESSION, {"ids": ids[first:first + ID_CHUNK]}).all()]

    points: dict[date, dict[str, Any]] = {
        m: {"x": m.isoformat(), "week": week_label(m), **dict.fromkeys(GROUPS, 0),
            "hard_sets": 0, "sets": 0, "tonnage_kg": 0.0} for m in mondays}
    counted_as: dict[str, tuple[str, ...]] = {}  # the figures an exercise's sets add to
    for session_id, exercise_id, count, tonnage in rows:
        point = points[week_of[session_id]]
        keys = counted_as.get(exercise_id)
        if keys is None:
            found = catalogue.find_exercise(exercise_id)
            hard = found is not None and found.pattern in STRENGTH_PATTERNS
            keys = counted_as[exercise_id] = ("sets", *(("hard_sets",) if hard else ()),
                                              *(sorted(found.groups) if found is not None else ()))
        for key in keys:
            point[key] += count
        point["tonnage_kg"] += float(tonnage or 0.0)
    for point in points.values():
        point["tonnage_kg"] = round(point["tonnage_kg"], 1)
    return VolumeSeries(groups=list(GROUPS), points=list(points.values()))


# --- sessions per week --------------------------------------------------------------------


@dataclass(frozen=True)
class WeeklySessions:
    """Finished sessions per ISO week against the profile's days per week (oldest first).

    Point keys: ``x`` (the Monday, ISO date), ``week``, ``sessions``, ``target``, ``met``.
    The current week is included and is only ``met`` once the target is reached.
    """

    target: int
    points: list[dict[str, Any]]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def sessions_per_week(
    user_id: int, weeks: int = 12, now: datetime | None = None
) -> WeeklySessions:
    """Finished sessions per ISO week (in the person's calendar) against their target."""
    now = as_utc(now or utcnow())
    with db.read_only() as session:
        target = max(1, min(7, person(session, user_id).days_per_week))
        mondays, week_of = _weeks_of_sessions(session, user_id, now, weeks)
    counts = dict.fromkeys(mondays, 0)
    for monday in week_of.values():
        counts[monday] += 1
    return WeeklySessions(target=target, points=[
        {"x": m.isoformat(), "week": week_label(m), "sessions": counts[m], "target": target,
         "met": counts[m] >= target}
        for m in mondays
    ])


# --- records ------------------------------------------------------------------------------


@dataclass(frozen=True)
class RecordView:
    """A personal record, newest first in lists. ``value`` is kg (seconds for a hold)."""

    id: int
    exercise_id: str
    exercise_name: str
    kind: str
    value: float
    reps: int | None
    previous: float | None
    achieved_at: datetime
    achieved_on: str  # local date in the person's zone, ISO
    session_id: int | None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def recent_records(session: Session, user_id: int, limit: int, timezone: str) -> list[RecordView]:
    limit = max(1, min(MAX_RECORDS, int(limit)))
    found = session.connection().execute(  # room for the session-volume steps dropped below
        queries.RECENT_RECORDS, {"user_id": user_id, "limit": limit * 4}).all()
    # A session that beat its best volume with several sets shows once, at its final total.
    seen: set[tuple[int | None, str]] = set()
    rows = []
    for r in found:
        if r.kind == records.SESSION_VOLUME:
            if (r.session_id, r.exercise_id) in seen:
                continue
            seen.add((r.session_id, r.exercise_id))
        rows.append(r)
    rows = rows[:limit]
    names = exercise_names(session, user_id, (r.exercise_id for r in rows))
    return [
        RecordView(id=r.id or 0, exercise_id=r.exercise_id, exercise_name=names[r.exercise_id],
                   kind=r.kind, value=r.value, reps=r.reps, previous=r.previous,
                   achieved_at=r.achieved_at,
                   achieved_on=local_date(r.achieved_at, timezone).isoformat(),
                   session_id=r.session_id)
        for r in rows
    ]


def records_list(user_id: int, limit: int = 20) -> list[RecordView]:
    """The person's most recent personal records with exercise names, newest first."""
    with db.read_only() as session:
        return recent_records(session, user_id, limit, person(session, user_id).timezone)
