"""The home screen in one call: what to train today, streaks, this week, records, totals.

`summary` runs four indexed queries in one read-only session: the profile with the active
plan; the person's counting days and number of finished sessions (``streaks.finished_days``:
one row per time zone, however many years of sessions, the time logged in the sets of a session
shorter than a streak's 15 minutes summed by the database); this week's finished sessions
(start, zone, plan day) with the open session; and the five newest records. Each query is a
round trip to the database, which on PostgreSQL costs more than most of these reads.

Which plan day is **today's** (in the person's current zone):

1. A day of the active plan whose ``weekday`` is today's weekday - unless that day was
   already trained earlier this week (on another day), in which case rule 2 applies.
   A day trained *today* stays today's day, marked ``done``.
2. Otherwise the first day of the plan, in plan order, not trained this week (a missed
   day comes first: catch up on it).
3. Otherwise nothing: every day of the plan is done this week (``week_complete``).

"Trained" means a finished session started from that plan day (same plan id and day
index) whose day falls in this ISO week. Days, weeks and streaks follow ``streaks`` and
``progress``: a session's day is its local date in its own zone.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any, Generic, TypeVar

import sqlalchemy
from sqlalchemy import and_, bindparam
from sqlmodel import Session, col

from vigor_app import db
from vigor_app.clock import as_utc, utcnow
from vigor_app.models import FitnessProfile, User, WorkoutPlan, WorkoutSession
from vigor_app.models.workout import SESSION_FINISHED, SESSION_OPEN
from vigor_app.services.plans.day_focus import stored_day_focus
from vigor_app.services.training import streaks
from vigor_app.services.training.progress import (
    WINDOW_SLACK,
    Person,
    RecordView,
    local_midnight,
    recent_records,
)
from vigor_app.services.vocabulary import WEEKDAYS

RECENT_RECORDS = 5


Item = TypeVar("Item")

@dataclass(frozen=True)
class TodayPlan(Generic[Item]):
    """The plan day to train today; ``plan_id`` and ``day_index`` start it. Its exercises are
    the dashboard's dicts here; the coach gives the same day its plan's prescriptions."""

    plan_id: int
    plan_name: str
    day_index: int
    name: str
    focus: str
    weekday: str | None
    estimated_minutes: int | None
    exercises: list[Item]  # here {"exercise_id", "name", "sets", "reps"}
    scheduled: bool  # True: the plan puts this day on today's weekday; False: next one up
    done: bool  # already trained today


@dataclass(frozen=True)
class OpenSession:
    id: int
    name: str
    started_at: datetime
    plan_id: int | None
    plan_day_index: int | None


@dataclass(frozen=True)
class DashboardSummary:
    today: str  # the person's local date, ISO
    timezone: str
    units: str
    has_plan: bool
    today_plan: TodayPlan[dict[str, Any]] | None
    week_complete: bool  # every day of the active plan is trained this week
    current_streak: int
    longest_streak: int
    week_sessions: int  # finished sessions this ISO week
    week_target: int  # the profile's days per week
    recent_records: list[RecordView] = field(default_factory=list)
    open_session: OpenSession | None = None
    total_workouts: int = 0
    coach_message: str | None = None  # filled in once the coach arrives

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class _Done:
    """A finished session of this week, as narrow as the dashboard needs it."""

    started_at: datetime
    timezone: str
    plan_id: int | None
    plan_day_index: int | None


_SESSION_COLUMNS = (col(WorkoutSession.id), col(WorkoutSession.name), col(WorkoutSession.status),
                    col(WorkoutSession.started_at), col(WorkoutSession.timezone), col(WorkoutSession.plan_id),
                    col(WorkoutSession.plan_day_index))
# The dashboard's statements are built once: building one costs about what running it does.
_THIS_WEEK_AND_OPEN = sqlalchemy.union_all(
    sqlalchemy.select(*_SESSION_COLUMNS).where(col(WorkoutSession.user_id) == bindparam("user_id"),
                                               col(WorkoutSession.started_at) >= bindparam("floor"),
                                               col(WorkoutSession.started_at) <= bindparam("now"),
                                               col(WorkoutSession.status) == SESSION_FINISHED),
    sqlalchemy.select(*_SESSION_COLUMNS).where(col(WorkoutSession.user_id) == bindparam("user_id"),
                                               col(WorkoutSession.status) == SESSION_OPEN),
)
_PERSON_AND_PLAN = (
    sqlalchemy.select(col(FitnessProfile.user_id), col(FitnessProfile.timezone), col(FitnessProfile.days_per_week),
                      col(FitnessProfile.units), WorkoutPlan)
    .select_from(User)
    .outerjoin(FitnessProfile, col(FitnessProfile.user_id) == col(User.id))
    .outerjoin(WorkoutPlan, and_(col(WorkoutPlan.user_id) == col(User.id), col(WorkoutPlan.is_active).is_(True)))
    .where(col(User.id) == bindparam("user_id"))
    .order_by(col(WorkoutPlan.created_at).desc())
    .limit(1)
)


def _this_week_and_open(session: Session, user_id: int, floor: datetime,
                        now: datetime) -> tuple[list[_Done], OpenSession | None]:
    """The person's finished sessions started from `floor` up to `now`, and their open
    session (the latest, should there be several), in one round trip: two indexed selects
    (on the start, and on the status), one after the other."""
    rows = session.connection().execute(_THIS_WEEK_AND_OPEN,
                                        {"user_id": user_id, "floor": floor, "now": now}).all()
    done = [_Done(as_utc(r.started_at), r.timezone, r.plan_id, r.plan_day_index)
            for r in rows if r.status == SESSION_FINISHED]
    latest = max((r for r in rows if r.status == SESSION_OPEN), key=lambda r: as_utc(r.started_at), default=None)
    open_session = None if latest is None else OpenSession(
        id=latest.id or 0, name=latest.name, started_at=as_utc(latest.started_at), plan_id=latest.plan_id,
        plan_day_index=latest.plan_day_index)
    return done, open_session


def _person_and_plan(session: Session, user_id: int) -> tuple[Person, WorkoutPlan | None]:
    """The person's profile figures (as `progress.person` reads them) and their active plan
    (the newest, should there be several; None without one), in one query."""
    row = session.execute(_PERSON_AND_PLAN, {"user_id": user_id}).first()
    if row is None:
        return Person(), None
    has_profile, timezone, days_per_week, units, plan = row
    who = Person() if has_profile is None else Person(timezone=timezone or "UTC", days_per_week=days_per_week,
                                                      units=units)
    return who, plan


def pick_day(days: list[dict[str, Any]], weekday: str, trained_this_week: set[int],
             trained_today: set[int]) -> tuple[int, bool] | None:
    """(day index, scheduled) of today's plan day by the rules above, or None."""
    for index, day in enumerate(days):
        if day.get("weekday") == weekday and (
            index not in trained_this_week or index in trained_today
        ):
            return index, True
    for index in range(len(days)):
        if index not in trained_this_week:
            return index, False
    return None


def _today_plan(plan: WorkoutPlan, pick: tuple[int, bool], trained_today: set[int],
                ) -> TodayPlan[dict[str, Any]]:
    index, scheduled = pick
    day = plan.plan["days"][index]
    exercises = [
        {"exercise_id": str(item.get("exercise_id", "")), "name": str(item.get("name", "")),
         "sets": item.get("sets"), "reps": str(item.get("reps", ""))}
        for item in day.get("exercises", []) if isinstance(item, dict)
    ]
    minutes = day.get("estimated_minutes")
    return TodayPlan(
        plan_id=plan.id or 0, plan_name=plan.name, day_index=index,
        name=str(day.get("name") or f"Day {index + 1}"), focus=stored_day_focus(day),
        weekday=day.get("weekday"), estimated_minutes=minutes if isinstance(minutes, int) else None,
        exercises=exercises, scheduled=scheduled, done=index in trained_today,
    )


def summary(user_id: int, now: datetime | None = None) -> DashboardSummary:
    """Everything the home screen shows, for `user_id` at `now` (UTC; default: the clock)."""
    now = as_utc(now or utcnow())
    with db.read_only() as session:
        who, plan = _person_and_plan(session, user_id)
        today = streaks.local_date(now, who.timezone)
        monday = streaks.week_start(today)
        finished = streaks.finished_days(session, user_id, now)
        floor = local_midnight(monday, who.timezone) - WINDOW_SLACK  # every session of this week, and a few more
        recent, open_session = _this_week_and_open(session, user_id, floor, now)
        latest_records = recent_records(session, user_id, RECENT_RECORDS, who.timezone)

    this_week = [s for s in recent
                 if streaks.week_start(streaks.local_date(s.started_at, s.timezone)) == monday]

    today_plan = None
    week_complete = False
    days = plan.plan.get("days") if plan is not None and isinstance(plan.plan, dict) else None
    if plan is not None and isinstance(days, list) and days:
        on_plan = [s for s in this_week if s.plan_id == plan.id and s.plan_day_index is not None]
        trained = {s.plan_day_index for s in on_plan if s.plan_day_index is not None}
        trained_today = {s.plan_day_index for s in on_plan if s.plan_day_index is not None
                         and streaks.local_date(s.started_at, s.timezone) == today}
        pick = pick_day(days, WEEKDAYS[today.weekday()], trained, trained_today)
        if pick is None:
            week_complete = True
        else:
            today_plan = _today_plan(plan, pick, trained_today)

    return DashboardSummary(
        today=today.isoformat(),
        timezone=who.timezone,
        units=who.units,
        has_plan=plan is not None,
        today_plan=today_plan,
        week_complete=week_complete,
        current_streak=streaks.current_run(finished.days, today),
        longest_streak=streaks.longest_run(finished.days),
        week_sessions=len(this_week),
        week_target=max(1, min(7, who.days_per_week)),
        recent_records=latest_records,
        open_session=open_session,
        total_workouts=finished.finished,
        coach_message=None,
    )
