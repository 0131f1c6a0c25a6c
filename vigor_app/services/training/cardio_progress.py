"""Cardio progress: a distance exercise (a run, a row, a ride) session by session, its bests,
and the distance covered this week and this month.

Distances are metres and times seconds here, paces seconds per kilometre; `chart_points`
turns a series into the person's units for the Progress page (km or mi, minutes per km or
per mile, and the same as text). Days and weeks follow ``progress``: a session's day is the
local date of its start in its own zone; "this week" (ISO, Monday to Sunday) and "this
month" are today's in the person's current zone. Only finished sessions and done sets count,
never warm-ups (``set_kinds.counted``).

Per session:

- ``distance_m``: the distance of its sets, added up;
- ``seconds``: their time, added up (a set logged with a time but no distance included);
- ``pace``: the average pace, seconds per km, over the sets with both a distance and a time
  (total time over total distance; None without such a set);
- ``longest_m``: its longest single set.

The bests are ``records.best_records``' cardio kinds over the same sets (the first session
counts: these are the bests as they stand).

Queries stay on indexed paths: sets by (user_id, exercise_id), sessions by (user_id,
started_at).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any

import sqlalchemy
from sqlmodel import col

from vigor_app import db
from vigor_app.clock import as_utc, utcnow
from vigor_app.models import WorkoutSession, WorkoutSet
from vigor_app.models.workout import SESSION_FINISHED
from vigor_app.services.catalogue import store as catalogue_store
from vigor_app.services.errors import NotFound, ValidationError
from vigor_app.services.training import progress_queries as queries
from vigor_app.services.training import records, set_kinds
from vigor_app.services.training.progress import (
    NOT_AFTER_NOW,
    WINDOW_SLACK,
    StrengthSeries,
    exercise_names,
    local_midnight,
    person,
    strength_series,
)
from vigor_app.services.training.streaks import local_date, local_day, week_start
from vigor_app.services.units import (
    clock_text,
    distance_text,
    from_metres,
    pace_seconds,
    pace_text,
)


@dataclass(frozen=True)
class CardioSeries:
    """One distance exercise over time; a point per finished session (oldest first).

    Point keys: ``x`` (local date, ISO), ``session_id``, ``distance_m``, ``seconds``,
    ``pace`` (seconds per km, None without a set with distance and time), ``longest_m``
    and ``sets``. ``bests`` holds the cardio records as they stand (``longest_distance``,
    ``fastest_5k``, ``best_pace``), each only when there is one.
    """

    exercise_id: str
    name: str
    points: list[dict[str, Any]] = field(default_factory=list)
    bests: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def cardio_series(user_id: int, exercise_id: str, since: datetime | date | None = None) -> CardioSeries:
    """Distance, time and pace per finished session of `exercise_id`, and its bests.

    `since` (a UTC datetime, or a date in the person's zone) leaves out earlier sessions
    (and their bests).
    """
    with db.read_only() as session:
        name = exercise_names(session, user_id, [exercise_id])[exercise_id]
        values: dict[str, Any] = {"user_id": user_id, "exercise_id": exercise_id}
        if since is not None:
            if not isinstance(since, datetime):
                since = local_midnight(since, person(session, user_id).timezone)
            values["since"] = as_utc(since)
        rows = session.connection().execute(queries.CARDIO if since is None else queries.CARDIO_SINCE,
                                            values).all()

    by_session: dict[int, dict[str, Any]] = {}  # in the order of the sessions' starts
    for session_id, metres, seconds, start, timezone in rows:
        point = by_session.get(session_id)
        if point is None:
            point = by_session[session_id] = {
                "x": local_day(start, timezone).isoformat(), "session_id": session_id,
                "distance_m": 0.0, "seconds": 0, "pace": None, "longest_m": 0.0, "sets": 0,
                "_paced_m": 0.0, "_paced_s": 0,
            }
        point["sets"] += 1
        point["distance_m"] += metres or 0.0
        point["seconds"] += seconds or 0
        point["longest_m"] = max(point["longest_m"], metres or 0.0)
        if metres and metres > 0 and seconds and seconds > 0:
            point["_paced_m"] += metres
            point["_paced_s"] += seconds
    points = list(by_session.values())
    for point in points:
        if point["_paced_m"]:
            point["pace"] = round(point["_paced_s"] * 1000 / point["_paced_m"], 1)
        point["distance_m"] = round(point["distance_m"], 1)
        del point["_paced_m"], point["_paced_s"]
    bests = records.cardio_bests((metres, seconds) for _, metres, seconds, _, _ in rows)
    return CardioSeries(exercise_id=exercise_id, name=name, points=points, bests=bests)


def chart_points(series: CardioSeries, units: str) -> list[dict[str, Any]]:
    """The series for a chart in the person's units: ``distance`` (km or mi, two places),
    ``pace`` (minutes per km or per mile, two places; None without one) and the same as
    text, ``distance_text``, ``time_text`` ("25:30"), ``pace_text`` ("4:52 /km")."""
    out = []
    for p in series.points:
        per_unit = pace_seconds(p["pace"], 1000, units) if p["pace"] else None
        out.append({
            "x": p["x"],
            "distance": round(from_metres(p["distance_m"], units), 2),
            "pace": round(per_unit / 60, 2) if per_unit else None,
            "distance_text": distance_text(p["distance_m"], units),
            "time_text": clock_text(p["seconds"]) if p["seconds"] else "",
            "pace_text": pace_text(p["pace"], 1000, units) if p["pace"] else "",
        })
    return out


def pace_ticks(points: list[dict[str, Any]]) -> list[float]:
    """Ticks for a pace axis of `chart_points` (minutes), a clock's round steps apart (every
    15 s, 30 s, 1 or 2 minutes, by the spread), with room above and below the points; the first
    and the last are the axis' ends. Empty without a pace."""
    paces = [p["pace"] for p in points if p.get("pace")]
    if not paces:
        return []
    low, high = min(paces), max(paces)
    spread = high - low
    step = 0.25 if spread <= 1.5 else 0.5 if spread <= 3 else 1.0 if spread <= 6 else 2.0
    start, end = math.floor(low / step) * step, math.ceil(high / step) * step
    start -= step if start >= low else 0
    end += step if end <= high else 0
    return [round(start + i * step, 2) for i in range(round((end - start) / step) + 1)]


# --- this week and this month --------------------------------------------------------------


@dataclass(frozen=True)
class DistanceTotals:
    """Metres covered this ISO week and this calendar month (today's, in the person's zone)."""

    week_m: float
    month_m: float


def distance_totals(user_id: int, exercise_id: str | None = None,
                    now: datetime | None = None) -> DistanceTotals:
    """The distance of `exercise_id` (of every exercise when None) this week and this month."""
    now = as_utc(now or utcnow())
    with db.read_only() as session:
        timezone = person(session, user_id).timezone
        today = local_date(now, timezone)
        monday, first = week_start(today), today.replace(day=1)
        start = local_midnight(min(monday, first), timezone) - WINDOW_SLACK
        query = (
            sqlalchemy.select(col(WorkoutSet.distance_m), col(WorkoutSession.started_at),
                              col(WorkoutSession.timezone))
            .join(WorkoutSession, col(WorkoutSession.id) == col(WorkoutSet.session_id))
            .where(col(WorkoutSession.user_id) == user_id, col(WorkoutSession.status) == SESSION_FINISHED,
                   col(WorkoutSession.started_at) >= start,
                   col(WorkoutSession.started_at) < now + NOT_AFTER_NOW,
                   col(WorkoutSet.user_id) == user_id, col(WorkoutSet.distance_m) > 0,
                   set_kinds.counted())
        )
        if exercise_id is not None:
            query = query.where(col(WorkoutSet.exercise_id) == exercise_id)
        rows = session.execute(query).all()
    week = month = 0.0
    for metres, started_at, session_zone in rows:
        day = local_date(started_at, session_zone)
        if first <= day <= today:
            month += metres
        if monday <= day <= today:
            week += metres
    return DistanceTotals(week_m=round(week, 1), month_m=round(month, 1))


EARLIEST, LATEST = date(1900, 1, 1), date(2999, 12, 31)  # `since` outside these is no one's training


@dataclass(frozen=True)
class ExerciseChart:
    """One exercise's chart as the Progress page picks it: ``cardio`` (with this week's and
    this month's distance) for an exercise logged with a distance, else ``strength``."""

    kind: str  # "strength" or "cardio"
    strength: StrengthSeries | None = None
    cardio: CardioSeries | None = None
    totals: DistanceTotals | None = None


def exercise_chart(user_id: int, exercise_id: str, since: date | None = None) -> ExerciseChart:
    """The chart of an exercise the person may use; NotFound for an unknown id and another
    person's custom exercise alike. `since` (a date in the person's zone) leaves out earlier
    sessions; one outside the years a calendar holds is refused (ValidationError)."""
    if since is not None and not EARLIEST <= since <= LATEST:
        raise ValidationError(f"Pick a date from {EARLIEST.year} to {LATEST.year}.", field="since")
    with db.read_only() as session:
        usable = catalogue_store.usable_exercise(session, user_id, exercise_id)
    if usable is None:
        raise NotFound(catalogue_store.UNKNOWN_EXERCISE)
    if usable.distance:
        return ExerciseChart(kind="cardio", cardio=cardio_series(user_id, usable.id, since),
                             totals=distance_totals(user_id, usable.id))
    return ExerciseChart(kind="strength", strength=strength_series(user_id, usable.id, since))
