"""What the coach knows about one person: the facts every coach request carries.

`build_context(user_id, now)` gathers, for that person only:

- the profile (level, goals, equipment, injuries, days per week, session length, units);
- the last ``RECENT_DAYS`` days of training (14, today included, in each session's own
  zone as ``streaks`` counts days): each finished session with its date, name, duration and
  exercises with their top set, plus the total of done sets and the number of days trained;
- the active plan (its name and days with their exercises) and today's plan day exactly as
  the dashboard picks it (``dashboard.summary``), whether today is a rest day in the plan;
- the current and longest streak, this week's sessions against the weekly target, the total
  of finished workouts, the last day trained and how many days ago that was;
- the five newest personal records;
- the body-weight trend over the last ``BODY_WEIGHT_DAYS`` days, if the person weighs in.

`CoachContext.as_text()` is the same facts as a compact, readable block: the system prompt
of an AI request carries it, and the "What the coach knows" panel shows it to the person.
Weights in the text are in the person's units; the dataclasses keep kilograms.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlmodel import col, select

from vigor_app import db
from vigor_app.clock import as_utc, utcnow
from vigor_app.models import BodyMetric, SessionExercise, WorkoutPlan, WorkoutSession, WorkoutSet
from vigor_app.models.workout import SESSION_FINISHED
from vigor_app.services.plans import profiles
from vigor_app.services.training import dashboard, records, streaks
from vigor_app.services.training.progress import WINDOW_SLACK, exercise_names, local_midnight
from vigor_app.services.units import mass_text, weight_text
from vigor_app.services.vocabulary import WEEKDAYS

RECENT_DAYS = 14
BODY_WEIGHT_DAYS = 90
TEXT_SESSIONS = 10  # sessions written out in `as_text`; older ones are counted only
WEEKDAY_NAMES = dict(zip(WEEKDAYS, ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday",
                                    "Saturday", "Sunday"), strict=True))


# --- wording shared by the coach's modules ----------------------------------------------------


def words(values: list[str] | tuple[str, ...]) -> str:
    """["muscle_gain", "strength"] -> "muscle gain, strength"; "none" when empty."""
    return ", ".join(str(v).replace("_", " ") for v in values) or "none"


def set_text(weight_kg: float | None, reps: int | None, seconds: int | None, units: str) -> str:
    """One set for a person: "100 kg × 5", "12 reps", "45 s" or "20 kg × 40 s"."""
    timed = bool(seconds) and not reps
    if timed:
        amount = f"{seconds} s"
    else:
        amount = f"{reps} rep{'' if reps == 1 else 's'}" if reps else ""
    if weight_kg and weight_kg > 0:
        load = weight_text(weight_kg, units)
        if timed:
            return f"{load} × {seconds} s"
        return f"{load} × {reps}" if reps else load
    return amount or "done"


def record_value_text(kind: str, value: float, reps: int | None, units: str) -> str:
    """What a record is, in words: "estimated 1RM 116.7 kg", "100 kg × 5", ..."""
    if kind == records.E1RM:
        return f"estimated 1RM {weight_text(value, units)}"
    if kind == records.WEIGHT_FOR_REPS:
        return f"{weight_text(value, units)} × {reps}" if reps else weight_text(value, units)
    if kind == records.SESSION_VOLUME:
        return f"session volume {mass_text(value, units)}"
    if kind == records.LONGEST_HOLD:
        return f"longest hold {value:g} s"
    return f"{kind.replace('_', ' ')} {value:g}"


def record_previous_text(kind: str, previous: float | None, units: str) -> str:
    if previous is None:
        return ""
    if kind == records.SESSION_VOLUME:
        return mass_text(previous, units)
    if kind == records.LONGEST_HOLD:
        return f"{previous:g} s"
    return weight_text(previous, units)


def day_text(iso_day: str) -> str:
    """"2026-11-16" -> "Mon 16 Nov"."""
    day = date.fromisoformat(iso_day)
    return f"{day.strftime('%a')} {day.day} {day.strftime('%b')}"


# --- the facts --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProfileFacts:
    fitness_level: str
    goals: list[str]
    equipment: list[str]
    injuries: list[str]
    days_per_week: int
    session_minutes: int
    units: str
    timezone: str
    onboarded: bool


@dataclass(frozen=True)
class ExerciseDone:
    """One exercise of a logged session: its done sets and the top set among them.

    The top set is the heaviest (most reps on a tie); without weights, the most reps; for
    timed work, the longest hold.
    """

    exercise_id: str
    name: str
    sets: int
    top_weight_kg: float | None
    top_reps: int | None
    top_seconds: int | None
    top_rpe: float | None = None

    def top_set_text(self, units: str) -> str:
        return set_text(self.top_weight_kg, self.top_reps, self.top_seconds, units)


@dataclass(frozen=True)
class SessionDone:
    """A finished session of the last days, newest first in lists."""

    id: int
    day: str  # local date in the session's own zone, ISO
    name: str
    minutes: int | None
    plan_id: int | None
    plan_day_index: int | None
    exercises: list[ExerciseDone] = field(default_factory=list)

    @property
    def sets(self) -> int:
        return sum(e.sets for e in self.exercises)


@dataclass(frozen=True)
class PlannedExercise:
    exercise_id: str
    name: str
    sets: int | None
    reps: str
    rpe: float | None = None

    def prescription(self) -> str:
        """"3 × 8-12" (or "8-12" without a set count)."""
        return f"{self.sets} × {self.reps}" if self.sets else self.reps


@dataclass(frozen=True)
class PlanDay:
    index: int
    name: str
    weekday: str | None
    focus: str
    estimated_minutes: int | None
    exercises: list[PlannedExercise] = field(default_factory=list)


@dataclass(frozen=True)
class PlanOutline:
    id: int
    name: str
    days: list[PlanDay] = field(default_factory=list)

    @property
    def weekdays(self) -> list[str]:
        return [d.weekday for d in self.days if d.weekday]


@dataclass(frozen=True)
class TodaySession:
    """Today's plan day as the dashboard picks it (``scheduled``: the plan puts it on today's
    weekday; otherwise it is the next day up, a catch-up). ``done``: trained today."""

    plan_name: str
    day_index: int
    name: str
    focus: str
    weekday: str | None
    estimated_minutes: int | None
    scheduled: bool
    done: bool
    exercises: list[PlannedExercise] = field(default_factory=list)


@dataclass(frozen=True)
class RecordFact:
    exercise_id: str
    exercise_name: str
    kind: str
    value: float
    reps: int | None
    previous: float | None
    achieved_on: str  # local date, ISO
    session_id: int | None

    def text(self, units: str) -> str:
        return f"{self.exercise_name}: {record_value_text(self.kind, self.value, self.reps, units)}"


@dataclass(frozen=True)
class BodyWeightTrend:
    """First and latest weigh-in of the window (kilograms) and how many there were."""

    first_on: str
    first_kg: float
    latest_on: str
    latest_kg: float
    entries: int

    @property
    def change_kg(self) -> float:
        return round(self.latest_kg - self.first_kg, 2)


@dataclass(frozen=True)
class CoachContext:
    user_id: int
    now: datetime
    today: str  # the person's local date, ISO
    weekday: str  # "mon".."sun", today's
    timezone: str
    units: str
    profile: ProfileFacts
    recent_sessions: list[SessionDone]  # last RECENT_DAYS days, newest first
    plan: PlanOutline | None
    today_plan: TodaySession | None
    week_complete: bool  # every day of the active plan is trained this week
    rest_day: bool  # the plan has no day on today's weekday, or the week is complete
    current_streak: int
    longest_streak: int
    week_sessions: int
    week_target: int
    total_workouts: int
    records: list[RecordFact]
    body_weight: BodyWeightTrend | None
    last_session_on: str | None  # local date of the newest finished session ever
    days_since_last_session: int | None
    open_session_name: str | None = None

    # -- derived figures -------------------------------------------------------------------

    @property
    def recent_total_sets(self) -> int:
        return sum(s.sets for s in self.recent_sessions)

    @property
    def recent_days_trained(self) -> int:
        return len({s.day for s in self.recent_sessions})

    @property
    def is_new(self) -> bool:
        """No finished workout yet."""
        return self.total_workouts == 0

    def latest_performance(self, exercise_id: str) -> tuple[str, ExerciseDone] | None:
        """(day, exercise) of the newest recent session that had `exercise_id`."""
        for session in self.recent_sessions:
            for done in session.exercises:
                if done.exercise_id == exercise_id:
                    return session.day, done
        return None

    def planned(self, exercise_id: str) -> PlannedExercise | None:
        """The exercise as the active plan prescribes it (today's day first)."""
        days = list(self.plan.days) if self.plan else []
        first = self.today_plan.day_index if self.today_plan is not None else -1
        days.sort(key=lambda d: d.index != first)
        for day in days:
            for item in day.exercises:
                if item.exercise_id == exercise_id:
                    return item
        return None

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["now"] = self.now.isoformat()
        data["recent_total_sets"] = self.recent_total_sets
        data["recent_days_trained"] = self.recent_days_trained
        return data

    # -- the text block --------------------------------------------------------------------

    def as_text(self) -> str:
        units = self.units
        p = self.profile
        lines = [
            f"Today: {WEEKDAY_NAMES.get(self.weekday, self.weekday)} {self.today} "
            f"({self.timezone}). Units: {units}.",
            f"Profile: {p.fitness_level}; goals: {words(p.goals)}; equipment: {words(p.equipment)}; "
            f"injuries: {words(p.injuries)}; {p.days_per_week} days/week, "
            f"{p.session_minutes}-minute sessions."
            + ("" if p.onboarded else " (Profile not set up yet: these are the defaults.)"),
        ]
        if self.plan is None:
            lines.append("Active plan: none yet.")
        else:
            days = "; ".join(
                f"{(d.weekday or '-').capitalize()} {d.name}: "
                + (", ".join(e.name for e in d.exercises) or "no exercises")
                for d in self.plan.days
            )
            lines.append(f"Active plan \"{self.plan.name}\": {days}.")
        lines.append(self._today_text())
        lines.append(
            f"Streak: {self._days(self.current_streak)} (longest {self._days(self.longest_streak)}). "
            f"This week: {self.week_sessions} of {self.week_target} sessions. "
            f"Workouts finished: {self.total_workouts}."
            + (f" Last trained {self.last_session_on} ({self._ago()})." if self.last_session_on else "")
        )
        if self.open_session_name:
            lines.append(f"A session is in progress: {self.open_session_name}.")
        sessions = self.recent_sessions
        lines.append(
            f"Last {RECENT_DAYS} days: {len(sessions)} session{'' if len(sessions) == 1 else 's'} "
            f"on {self.recent_days_trained} day{'' if self.recent_days_trained == 1 else 's'}, "
            f"{self.recent_total_sets} sets done."
        )
        for session in sessions[:TEXT_SESSIONS]:
            minutes = f" ({session.minutes} min)" if session.minutes else ""
            done = "; ".join(
                f"{e.name} {e.top_set_text(units)} ({e.sets} set{'' if e.sets == 1 else 's'})"
                for e in session.exercises
            ) or "no sets logged"
            lines.append(f"- {session.day} {session.name}{minutes}: {done}")
        if len(sessions) > TEXT_SESSIONS:
            lines.append(f"- and {len(sessions) - TEXT_SESSIONS} earlier sessions")
        if self.records:
            lines.append("Recent records: " + "; ".join(
                f"{r.text(units)} ({r.achieved_on})" for r in self.records) + ".")
        else:
            lines.append("Recent records: none yet.")
        if self.body_weight is not None:
            lines.append(self._body_text())
        return "\n".join(lines)

    def _days(self, count: int) -> str:
        return f"{count} day{'' if count == 1 else 's'}"

    def _ago(self) -> str:
        days = self.days_since_last_session
        if days is None:
            return ""
        if days == 0:
            return "today"
        return "yesterday" if days == 1 else f"{days} days ago"

    def _today_text(self) -> str:
        if self.week_complete:
            return "Today's session: none - every day of the plan is done this week."
        today = self.today_plan
        if today is None:
            return "Today's session: no plan to take it from."
        items = ", ".join(f"{e.name} {e.prescription()}" for e in today.exercises)
        if today.done:
            state = "already trained today"
        elif today.scheduled:
            state = "planned for today"
        else:
            state = "rest day in the plan; next day up" if self.rest_day else "next day up"
        return f"Today's session ({state}): {today.name}: {items}."

    def _body_text(self) -> str:
        trend = self.body_weight
        assert trend is not None
        latest = f"Body weight: {weight_text(trend.latest_kg, self.units)} on {trend.latest_on}"
        if trend.entries < 2:
            return latest + "."
        change = trend.change_kg
        if abs(change) < 0.05:
            how = "unchanged"
        else:
            how = f"{'up' if change > 0 else 'down'} {weight_text(abs(change), self.units)}"
        return f"{latest}, {how} since {trend.first_on} ({trend.entries} weigh-ins)."


# --- gathering ----------------------------------------------------------------------------


def _profile(user_id: int) -> ProfileFacts:
    view = profiles.get_profile(user_id)
    return ProfileFacts(
        fitness_level=view.fitness_level, goals=list(view.goals), equipment=list(view.equipment),
        injuries=list(view.injuries), days_per_week=view.days_per_week,
        session_minutes=view.session_minutes, units=view.units, timezone=view.timezone,
        onboarded=view.onboarded,
    )


def _int_or_none(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _float_or_none(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _plan_outline(row: WorkoutPlan) -> PlanOutline:
    days = row.plan.get("days") if isinstance(row.plan, dict) else None
    outline_days = []
    for index, day in enumerate(days if isinstance(days, list) else []):
        if not isinstance(day, dict):
            continue
        items = [
            PlannedExercise(exercise_id=str(item.get("exercise_id", "")), name=str(item.get("name", "")),
                            sets=_int_or_none(item.get("sets")), reps=str(item.get("reps", "")),
                            rpe=_float_or_none(item.get("rpe")))
            for item in day.get("exercises", []) if isinstance(item, dict)
        ]
        weekday = day.get("weekday")
        outline_days.append(PlanDay(
            index=index, name=str(day.get("name") or f"Day {index + 1}"),
            weekday=weekday if weekday in WEEKDAYS else None, focus=str(day.get("focus") or ""),
            estimated_minutes=_int_or_none(day.get("estimated_minutes")), exercises=items,
        ))
    return PlanOutline(id=row.id or 0, name=row.name, days=outline_days)


def _top(sets: list[tuple[int | None, int | None, float | None, float | None]]
         ) -> tuple[float | None, int | None, int | None, float | None]:
    """(weight, reps, seconds, rpe) of the top set among (reps, seconds, weight, rpe) rows."""
    weighted = [s for s in sets if s[2] and s[2] > 0]
    if weighted:
        best = max(weighted, key=lambda s: (s[2] or 0.0, s[0] or 0, s[1] or 0))
    elif any(s[0] for s in sets):
        best = max(sets, key=lambda s: s[0] or 0)
    else:
        best = max(sets, key=lambda s: s[1] or 0)
    reps, seconds, weight, rpe = best
    return (weight if weight and weight > 0 else None, reps or None,
            seconds if seconds and not reps else None, rpe)


def _recent_sessions(user_id: int, today: date, timezone: str, now: datetime) -> list[SessionDone]:
    first_day = today - timedelta(days=RECENT_DAYS - 1)
    floor = local_midnight(first_day, timezone) - WINDOW_SLACK
    with db.read_only() as session:
        rows = session.exec(
            select(WorkoutSession)
            .where(WorkoutSession.user_id == user_id, WorkoutSession.status == SESSION_FINISHED,
                   WorkoutSession.started_at >= floor, WorkoutSession.started_at <= now)
            .order_by(col(WorkoutSession.started_at).desc(), col(WorkoutSession.id).desc())
        ).all()
        kept = [r for r in rows if streaks.local_date(r.started_at, r.timezone) >= first_day]
        ids = [r.id for r in kept]
        set_rows = session.exec(
            select(WorkoutSet.session_id, WorkoutSet.exercise_id, WorkoutSet.reps,
                   WorkoutSet.seconds, WorkoutSet.weight_kg, WorkoutSet.rpe)
            .join(SessionExercise, col(SessionExercise.id) == col(WorkoutSet.session_exercise_id))
            .where(WorkoutSet.user_id == user_id, col(WorkoutSet.session_id).in_(ids),
                   col(WorkoutSet.done).is_(True))
            .order_by(col(WorkoutSet.session_id), col(SessionExercise.position),
                      col(WorkoutSet.position))
        ).all() if ids else []
        names = exercise_names(session, user_id, {r[1] for r in set_rows})
    by_session: dict[int, dict[str, list]] = {}
    for session_id, exercise_id, reps, seconds, weight, rpe in set_rows:
        by_session.setdefault(session_id, {}).setdefault(exercise_id, []).append(
            (reps, seconds, weight, rpe))
    result = []
    for row in kept:
        exercises = []
        for exercise_id, sets in by_session.get(row.id or 0, {}).items():
            weight, reps, seconds, rpe = _top(sets)
            exercises.append(ExerciseDone(exercise_id=exercise_id, name=names[exercise_id],
                                          sets=len(sets), top_weight_kg=weight, top_reps=reps,
                                          top_seconds=seconds, top_rpe=rpe))
        minutes = round(row.duration_seconds / 60) if row.duration_seconds else None
        result.append(SessionDone(
            id=row.id or 0, day=streaks.local_date(row.started_at, row.timezone).isoformat(),
            name=row.name, minutes=minutes, plan_id=row.plan_id, plan_day_index=row.plan_day_index,
            exercises=exercises,
        ))
    return result


def _last_session_day(user_id: int, now: datetime) -> date | None:
    with db.read_only() as session:
        row = session.exec(
            select(WorkoutSession.started_at, WorkoutSession.timezone)
            .where(WorkoutSession.user_id == user_id, WorkoutSession.status == SESSION_FINISHED,
                   WorkoutSession.started_at <= now)
            .order_by(col(WorkoutSession.started_at).desc())
            .limit(1)
        ).first()
    return streaks.local_date(row[0], row[1]) if row is not None else None


def _active_plan(user_id: int) -> PlanOutline | None:
    with db.read_only() as session:
        row = session.exec(
            select(WorkoutPlan)
            .where(WorkoutPlan.user_id == user_id, col(WorkoutPlan.is_active).is_(True))
            .order_by(col(WorkoutPlan.created_at).desc())
            .limit(1)
        ).first()
        return _plan_outline(row) if row is not None else None


def _body_weight(user_id: int, today: date) -> BodyWeightTrend | None:
    with db.read_only() as session:
        rows = session.exec(
            select(BodyMetric.measured_on, BodyMetric.weight_kg)
            .where(BodyMetric.user_id == user_id, col(BodyMetric.weight_kg).is_not(None),
                   BodyMetric.measured_on >= today - timedelta(days=BODY_WEIGHT_DAYS),
                   BodyMetric.measured_on <= today)
            .order_by(col(BodyMetric.measured_on))
        ).all()
    if not rows:
        return None
    (first_on, first_kg), (latest_on, latest_kg) = rows[0], rows[-1]
    return BodyWeightTrend(first_on=first_on.isoformat(), first_kg=float(first_kg),
                           latest_on=latest_on.isoformat(), latest_kg=float(latest_kg),
                           entries=len(rows))


def _today_session(summary: dashboard.DashboardSummary,
                   plan: PlanOutline | None) -> TodaySession | None:
    today = summary.today_plan
    if today is None:
        return None
    day = next((d for d in plan.days if d.index == today.day_index), None) if plan else None
    if day is not None and plan is not None and plan.id == today.plan_id:
        exercises = list(day.exercises)
    else:
        exercises = [PlannedExercise(exercise_id=e["exercise_id"], name=e["name"],
                                     sets=_int_or_none(e.get("sets")), reps=str(e.get("reps", "")))
                     for e in today.exercises]
    return TodaySession(plan_name=today.plan_name, day_index=today.day_index, name=today.name,
                        focus=today.focus, weekday=today.weekday,
                        estimated_minutes=today.estimated_minutes, scheduled=today.scheduled,
                        done=today.done, exercises=exercises)


def build_context(user_id: int, now: datetime | None = None) -> CoachContext:
    """Everything the coach knows about `user_id` at `now` (UTC; default: the clock)."""
    now = as_utc(now or utcnow())
    profile = _profile(user_id)
    summary = dashboard.summary(user_id, now)
    today = date.fromisoformat(summary.today)
    weekday = WEEKDAYS[today.weekday()]
    plan = _active_plan(user_id)
    last_day = _last_session_day(user_id, now)
    rest_day = summary.week_complete or (
        plan is not None and bool(plan.weekdays) and weekday not in plan.weekdays)
    return CoachContext(
        user_id=user_id, now=now, today=summary.today, weekday=weekday,
        timezone=summary.timezone, units=summary.units, profile=profile,
        recent_sessions=_recent_sessions(user_id, today, summary.timezone, now),
        plan=plan, today_plan=_today_session(summary, plan), week_complete=summary.week_complete,
        rest_day=rest_day, current_streak=summary.current_streak,
        longest_streak=summary.longest_streak, week_sessions=summary.week_sessions,
        week_target=summary.week_target, total_workouts=summary.total_workouts,
        records=[RecordFact(exercise_id=r.exercise_id, exercise_name=r.exercise_name, kind=r.kind,
                            value=r.value, reps=r.reps, previous=r.previous,
                            achieved_on=r.achieved_on, session_id=r.session_id)
                 for r in summary.recent_records],
        body_weight=_body_weight(user_id, today),
        last_session_on=last_day.isoformat() if last_day else None,
        days_since_last_session=max(0, (today - last_day).days) if last_day else None,
        open_session_name=summary.open_session.name if summary.open_session else None,
    )
