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
- the exercises they log (``own_exercises``), most lately and most often first, so "my squat"
  reads the same to the built-in coach and to an AI provider;
- the body-weight trend over the last ``BODY_WEIGHT_DAYS`` days, if the person weighs in.

`CoachContext.as_text()` is the same facts as a compact, readable block: the system prompt
of an AI request carries it, and the "What the coach knows" panel shows it to the person.
Weights in the text are in the person's units; the dataclasses keep kilograms.

The facts' dataclasses are in `facts`, the queries that read them in `fact_queries`, and
the wording of sets, records and days in `wording`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any

from vigor_app.clock import as_utc, utcnow
from vigor_app.services.coach import fact_queries, own_exercises
from vigor_app.services.coach.fact_queries import RECENT_DAYS
from vigor_app.services.coach.facts import (
    BodyWeightTrend,
    ExerciseDone,
    PlannedExercise,
    PlanOutline,
    ProfileFacts,
    SessionDone,
    TodaySession,
)
from vigor_app.services.coach.own_exercises import OwnExercises
from vigor_app.services.coach.wording import record_value_text, words
from vigor_app.services.counts import plural
from vigor_app.services.training import dashboard
from vigor_app.services.training.progress import RecordView
from vigor_app.services.units import weight_text
from vigor_app.services.vocabulary import WEEKDAYS

TEXT_SESSIONS = 10  # sessions written out in `as_text`; older ones are counted only
USUAL_EXERCISES = 12  # the person's own exercises written out in `as_text`
WEEKDAY_NAMES = dict(zip(WEEKDAYS, ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday",
                                    "Saturday", "Sunday"), strict=True))


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
    records: list[RecordView]  # the dashboard's newest records
    body_weight: BodyWeightTrend | None
    last_session_on: str | None  # local date of the newest finished session ever
    days_since_last_session: int | None
    open_session_name: str | None = None
    own: OwnExercises = field(default_factory=OwnExercises)  # logged (how often, how lately) and planned

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
        for record in data["records"]:
            record["achieved_at"] = record["achieved_at"].isoformat()
        data["own"] = [{"exercise_id": e.exercise_id, "name": e.name, "sessions": e.sessions,
                        "last_on": e.last_on.isoformat() if e.last_on else None}
                       for e in self.own.logged]
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
            f"Last {RECENT_DAYS} days: {plural(len(sessions), 'session')} "
            f"on {plural(self.recent_days_trained, 'day')}, "
            f"{self.recent_total_sets} sets done."
        )
        for session in sessions[:TEXT_SESSIONS]:
            minutes = f" ({session.minutes} min)" if session.minutes else ""
            done = "; ".join(
                f"{e.name} {e.top_set_text(units)} ({plural(e.sets, 'set')})"
                for e in session.exercises
            ) or "no sets logged"
            lines.append(f"- {session.day} {session.name}{minutes}: {done}")
        if len(sessions) > TEXT_SESSIONS:
            lines.append(f"- and {len(sessions) - TEXT_SESSIONS} earlier sessions")
        usual = self.own.logged[:USUAL_EXERCISES]
        if usual:
            lines.append("Exercises they log, most lately and most often first (\"my squat\" means the "
                         "first that fits): " + "; ".join(
                             f"{e.name} ({plural(e.sessions, 'workout')}, last {e.last_on})"
                             for e in usual) + ".")
        if self.records:
            lines.append("Recent records: " + "; ".join(
                f"{r.exercise_name}: {record_value_text(r.kind, r.value, r.reps, units, r.exercise_name)} "
                f"({r.achieved_on})" for r in self.records) + ".")
        else:
            lines.append("Recent records: none yet.")
        if self.body_weight is not None:
            lines.append(self._body_text())
        return "\n".join(lines)

    def _days(self, count: int) -> str:
        return f"{plural(count, 'day')}"

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


def build_context(user_id: int, now: datetime | None = None) -> CoachContext:
    """Everything the coach knows about `user_id` at `now` (UTC; default: the clock)."""
    now = as_utc(now or utcnow())
    profile = fact_queries.profile_facts(user_id)
    summary = dashboard.summary(user_id, now)
    today = date.fromisoformat(summary.today)
    weekday = WEEKDAYS[today.weekday()]
    plan = fact_queries.active_plan(user_id)
    last_day = fact_queries.last_session_day(user_id, now)
    rest_day = summary.week_complete or (
        plan is not None and bool(plan.weekdays) and weekday not in plan.weekdays)
    return CoachContext(
        user_id=user_id, now=now, today=summary.today, weekday=weekday,
        timezone=summary.timezone, units=summary.units, profile=profile,
        recent_sessions=fact_queries.recent_sessions(user_id, today, summary.timezone, now),
        plan=plan, today_plan=fact_queries.today_session(summary, plan),
        week_complete=summary.week_complete,
        rest_day=rest_day, current_streak=summary.current_streak,
        longest_streak=summary.longest_streak, week_sessions=summary.week_sessions,
        week_target=summary.week_target, total_workouts=summary.total_workouts,
        records=list(summary.recent_records),
        body_weight=fact_queries.body_weight_trend(user_id, today),
        last_session_on=last_day.isoformat() if last_day else None,
        days_since_last_session=max(0, (today - last_day).days) if last_day else None,
        open_session_name=summary.open_session.name if summary.open_session else None,
        own=own_exercises.read_own(user_id, plan, now),
    )
