"""Motivation written from the person's own training: never a line that could be anyone's.

- `daily_message(user_id, now)`: two or three short sentences for the dashboard - an opener,
  one real fact (a record of the last ``RECENT_RECORD_DAYS`` days, else the streak, else the
  number of workouts finished, else the days since the last session) and what is up next
  (today's plan day, the next one, or a rest day). The wording rotates with the person's
  local date (``date.toordinal()`` modulo the number of variants; the opener list has a
  length coprime to 7, so the same weekday does not always get the same line and two days
  in a row never do). Same person, same data, same day: the same message.
- `motivating_note(context)`: the longer Markdown note the built-in coach answers "motivate
  me" with, from the same facts.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from vigor_app.services.coach.context import CoachContext, build_context
from vigor_app.services.coach.wording import day_text, record_value_text
from vigor_app.services.counts import plural
from vigor_app.services.training.progress import RecordView

RECENT_RECORD_DAYS = 14
OPENERS = (
    "Good to see you.",
    "Let's keep it rolling.",
    "Small steps add up.",
    "Here's where you stand.",
    "One session at a time.",
    "Consistency beats intensity.",
)
RECORD_LINES = (
    "You set a new best on {exercise} on {day}: {value}.",
    "{exercise}: {value} on {day} - a personal record.",
    "Remember {day}? {exercise}, {value}. That was a record.",
)
STREAK_LINES = (
    "{days} days in a row - keep the chain going.",
    "Your streak stands at {days} days.",
    "That's a {days}-day streak and counting.",
)
TOTAL_LINES = (
    "You've finished {workouts} with Vigor so far.",
    "{workouts} done - every one of them counts.",
)
BREAK_LINES = (
    "Your last session was {days} days ago; today is a good day to start again.",
    "It's been {days} days since you trained - a short, easy session is all it takes to restart.",
)
NEW_LINES = (
    "Welcome to Vigor! {step}",
    "Every training log starts with one session. {step}",
    "Your first workout is the hardest one to start. {step}",
)


def _pick(variants: tuple[str, ...], day: date) -> str:
    return variants[day.toordinal() % len(variants)]


def _value_text(record: RecordView, units: str) -> str:
    return record_value_text(record.kind, record.value, record.reps, units, record.exercise_name)


def recent_record(context: CoachContext, days: int = RECENT_RECORD_DAYS) -> RecordView | None:
    """The newest record of the last `days` days, if any."""
    today = date.fromisoformat(context.today)
    for record in context.records:
        if date.fromisoformat(record.achieved_on) >= today - timedelta(days=days - 1):
            return record
    return None


def _setup_step(context: CoachContext) -> str:
    if not context.profile.onboarded:
        return "Set up your profile, then generate a plan and log your first session."
    if context.plan is None:
        return "Generate a plan on the Workouts page and log your first session."
    first = context.today_plan
    if first is not None:
        return f"Your first session, {first.name}, is ready when you are."
    return "Log your first session whenever you're ready."


def _fact(context: CoachContext, day: date) -> str:
    record = recent_record(context)
    if record is not None:
        return _pick(RECORD_LINES, day).format(
            exercise=record.exercise_name, value=_value_text(record, context.units),
            day=day_text(record.achieved_on))
    if context.current_streak >= 2:
        return _pick(STREAK_LINES, day).format(days=context.current_streak)
    if context.days_since_last_session is not None and context.days_since_last_session >= 7:
        return _pick(BREAK_LINES, day).format(days=context.days_since_last_session)
    count = context.total_workouts
    return _pick(TOTAL_LINES, day).format(workouts=plural(count, "workout"))


def upcoming(context: CoachContext) -> str:
    """One sentence on what comes next in the plan."""
    if context.open_session_name:
        return f"{context.open_session_name} is still open - finish it when you're ready."
    if context.plan is None:
        return "Generate a plan on the Workouts page and your next session will be waiting."
    if context.week_complete:
        return f"Every session of {context.plan.name} is done this week - enjoy the rest."
    today = context.today_plan
    if today is None:
        return "Your plan has no sessions yet."
    if today.done:
        return f"{today.name} is done for today - rest and refuel."
    first = today.exercises[0] if today.exercises else None
    start = f", starting with {first.name} ({first.prescription()})" if first else ""
    if today.scheduled:
        return f"Today: {today.name}{start}."
    if context.rest_day:
        return f"Today is a rest day in your plan; next up is {today.name}."
    return f"Next up: {today.name}{start}."


def message_for(context: CoachContext) -> str:
    day = date.fromisoformat(context.today)
    if context.is_new:
        return _pick(NEW_LINES, day).format(step=_setup_step(context))
    return f"{_pick(OPENERS, day)} {_fact(context, day)} {upcoming(context)}"


def daily_message(user_id: int, now: datetime | None = None) -> str:
    """A short motivational message from the person's data, worded for today's date."""
    return message_for(build_context(user_id, now))


def motivating_note(context: CoachContext) -> str:
    """A longer Markdown note naming what the person has really done."""
    if context.is_new:
        return ("**Every training log starts with one session.** You haven't logged a workout "
                f"yet, so there's nothing to look back on - which means the first one counts "
                f"double. {_setup_step(context)} Keep it short: twenty minutes of the first "
                "exercises beats a perfect session you never start.")
    units = context.units
    lines = [f"**You've already finished {context.total_workouts} "
             f"workout{'' if context.total_workouts == 1 else 's'}.** That's the proof you can do "
             "this - motivation follows action more often than it leads it."]
    facts = []
    if context.records:
        latest = context.records[0]
        facts.append(f"Your latest record: **{latest.exercise_name}, "
                     f"{_value_text(latest, units)}** on {day_text(latest.achieved_on)}.")
    if context.current_streak >= 2:
        facts.append(f"You're on a **{context.current_streak}-day streak** "
                     f"(your longest is {context.longest_streak}).")
    elif context.longest_streak >= 2:
        facts.append(f"Your longest streak is {context.longest_streak} days - you've shown you "
                     "can string sessions together.")
    facts.append(f"This week: {context.week_sessions} of {context.week_target} sessions.")
    if context.days_since_last_session is not None and context.days_since_last_session >= 7:
        facts.append(f"Your last session was {context.days_since_last_session} days ago "
                     f"({day_text(context.last_session_on or context.today)}) - no guilt, just "
                     "start again.")
    lines.append("\n".join(f"- {fact}" for fact in facts))
    lines.append(f"**Next:** {upcoming(context)} If you're low on energy, promise yourself just "
                 "the warm-up and the first exercise - most days, the rest follows.")
    return "\n\n".join(lines)
