"""The built-in coach's answers about training: today's session and progress.

Today's session is the plan day the dashboard picks, each exercise with its next target;
progress is the records, the most-logged exercise's estimated 1RM (or reps, or hold) trend
and the weekly hard sets of the last `VOLUME_WEEKS` full weeks against the ones before.
"""

from __future__ import annotations

from collections.abc import Sequence

from vigor_app.services.coach.answer_parts import last_text, new_person, suggest
from vigor_app.services.coach.context import CoachContext
from vigor_app.services.coach.own_exercises import OwnExercise
from vigor_app.services.coach.wording import day_text, record_previous_text, record_value_text
from vigor_app.services.counts import plural
from vigor_app.services.training import progress
from vigor_app.services.units import mass_text, weight_text

VOLUME_WEEKS = 4  # weekly volume: the last 4 full weeks against the 4 before them


def today_answer(user_id: int, context: CoachContext) -> str:
    out: list[str] = []
    if context.open_session_name:
        out.append(f"You have a session in progress: **{context.open_session_name}**. Finish it "
                   "on the Log page before starting another.")
    if context.plan is None:
        if context.is_new:
            return new_person(context, "plan today's session")
        out.append("You don't have an active plan, so nothing is scheduled for today.")
        last = context.recent_sessions[0] if context.recent_sessions else None
        if last is not None:
            done = ", ".join(f"{e.name} ({e.top_set_text(context.units)})" for e in last.exercises)
            out.append(f"Your last session was **{last.name}** on {day_text(last.day)}: {done}. "
                       "Repeating it with the suggested targets is a sound choice.")
        out.append("**Generate a plan** on the Workouts page and I'll tell you each day's "
                   "session with sets, reps and weights.")
        return "\n\n".join(out)
    plan = context.plan
    if context.week_complete:
        first = plan.days[0].name if plan.days else "your plan"
        out.append(f"Every day of **{plan.name}** is done this week ({context.week_sessions} of "
                   f"{context.week_target} sessions) - **today is a rest day.** A walk or "
                   f"some light mobility work helps you recover. Next week starts with {first}.")
        return "\n\n".join(out)
    today = context.today_plan
    if today is None:
        out.append(f"**{plan.name}** has no training days yet - regenerate it on the Workouts page.")
        return "\n\n".join(out)
    if today.done:
        out.append(f"You've already done **{today.name}** today - nice work. Rest and refuel; "
                   f"this week stands at {context.week_sessions} of {context.week_target} sessions.")
        return "\n\n".join(out)
    focus = f" ({today.focus})" if today.focus else ""
    minutes = f", about {today.estimated_minutes} minutes" if today.estimated_minutes else ""
    if today.scheduled:
        out.append(f"Today is **{today.name}**{focus} from {today.plan_name}{minutes}:")
    elif context.rest_day:
        out.append(f"**Today is a rest day** in {today.plan_name} - recovery is part of training. "
                   f"If you feel fresh and want to catch up, the next session up is "
                   f"**{today.name}**{focus}{minutes}:")
    else:
        out.append(f"Next up in {today.plan_name}: **{today.name}**{focus}{minutes}:")
    lines = []
    for item in today.exercises:
        rpe = f" at RPE {item.rpe:g}" if item.rpe else ""
        line = f"- **{item.name}**: {item.prescription()}{rpe}"
        suggestion = suggest(user_id, item.exercise_id, item.reps, item.rpe)
        if suggestion is not None and suggestion.action != "start":
            target = (f"{weight_text(suggestion.weight_kg, context.units)} × {suggestion.reps}"
                      if suggestion.weight_kg else suggestion.reps)
            line += f" - last time {last_text(suggestion, context.units)}; today aim for {target}"
        elif suggestion is not None:
            line += " - new in your log: start light and log how it felt"
        lines.append(line)
    out.append("\n".join(lines) or "- (no exercises in this day)")
    if context.recent_sessions:
        recent = "; ".join(f"{s.name} on {day_text(s.day)} ({plural(s.sets, 'set')})"
                           for s in context.recent_sessions[:3])
        out.append(f"Recently logged: {recent}. This week: {context.week_sessions} of "
                   f"{context.week_target} sessions.")
    return "\n\n".join(out)


def progress_answer(user_id: int, context: CoachContext,
              logged: Sequence[OwnExercise]) -> str:
    if context.is_new:
        return new_person(context, "measure progress")
    units = context.units
    out = [f"**Where you stand:** {context.total_workouts} workout"
           f"{'' if context.total_workouts == 1 else 's'} finished; this week {context.week_sessions} "
           f"of {context.week_target} sessions; streak {context.current_streak} "
           f"day{'' if context.current_streak == 1 else 's'} (longest {context.longest_streak})."]
    if context.records:
        lines = []
        for record in context.records:
            was = record_previous_text(record.kind, record.previous, units)
            what = record_value_text(record.kind, record.value, record.reps, units, record.exercise_name)
            lines.append(f"- {day_text(record.achieved_on)}: **{record.exercise_name}** - {what}"
                         + (f" (was {was})" if was else ""))
        out.append("**Recent records**\n" + "\n".join(lines))
    else:
        out.append("No personal records yet - they start from your second session of an exercise.")
    if logged:
        out.append(_strength_trend(user_id, logged[0], units))
    volume = _volume_trend(user_id, context)
    if volume:
        out.append(volume)
    return "\n\n".join(out)


def _strength_trend(user_id: int, option: OwnExercise, units: str) -> str:
    series = progress.strength_series(user_id, option.exercise_id)
    points = series.points
    sessions = f"{plural(len(points), 'session')}"
    head = f"**{series.name}** (your most-trained exercise lately, {sessions})"
    if len(points) < 2:
        return f"{head}: only one session so far - log it again to see a trend."
    rated = [p for p in points if p["e1rm_kg"]]
    if len(rated) >= 2:
        first, last = rated[0], rated[-1]
        change = last["e1rm_kg"] - first["e1rm_kg"]
        percent = change / first["e1rm_kg"] * 100
        direction = "up" if change > 0.05 else "down" if change < -0.05 else "level"
        verdict = {"up": "You're getting stronger.",
                   "down": "It has dipped - normal after a lighter spell; sleep and steady "
                           "sessions bring it back.",
                   "level": "Holding steady - the next records come from small, regular steps."}
        return (f"{head}: estimated 1-rep max {weight_text(first['e1rm_kg'], units)} on "
                f"{day_text(first['x'])} → {weight_text(last['e1rm_kg'], units)} on "
                f"{day_text(last['x'])} ({'+' if change >= 0 else '-'}"
                f"{weight_text(abs(change), units)}, {percent:+.0f} %). {verdict[direction]}")
    reps = [p for p in points if p["max_reps"]]
    if len(reps) >= 2:
        return (f"{head}: best set {reps[0]['max_reps']} reps on {day_text(reps[0]['x'])} → "
                f"{reps[-1]['max_reps']} reps on {day_text(reps[-1]['x'])}.")
    holds = [p for p in points if p["max_seconds"]]
    if len(holds) >= 2:
        return (f"{head}: longest hold {holds[0]['max_seconds']} s on {day_text(holds[0]['x'])} → "
                f"{holds[-1]['max_seconds']} s on {day_text(holds[-1]['x'])}.")
    return f"{head}: not enough comparable sets yet to show a trend."


def _volume_trend(user_id: int, context: CoachContext) -> str:
    series = progress.weekly_volume_by_muscle(user_id, weeks=2 * VOLUME_WEEKS + 1, now=context.now)
    full = series.points[:-1]  # the current week is not over yet
    before, recent = full[:VOLUME_WEEKS], full[VOLUME_WEEKS:]
    recent_sets = sum(p["hard_sets"] for p in recent) / VOLUME_WEEKS
    before_sets = sum(p["hard_sets"] for p in before) / VOLUME_WEEKS
    if not recent_sets and not before_sets:
        return ""
    recent_tonnage = sum(p["tonnage_kg"] for p in recent) / VOLUME_WEEKS
    before_tonnage = sum(p["tonnage_kg"] for p in before) / VOLUME_WEEKS
    if before_sets:
        change = ("more than" if recent_sets > before_sets else
                  "fewer than" if recent_sets < before_sets else "the same as")
        compare = f", {change} the {round(before_sets, 1):g} a week in the {VOLUME_WEEKS} weeks before"
    else:
        compare = f" (no training in the {VOLUME_WEEKS} weeks before)"
    tonnage = ""
    if recent_tonnage and before_tonnage:
        tonnage = (f" Lifted per week: {mass_text(recent_tonnage, context.units)} against "
                   f"{mass_text(before_tonnage, context.units)}.")
    elif recent_tonnage:
        tonnage = f" Lifted per week: {mass_text(recent_tonnage, context.units)}."
    return (f"**Weekly volume:** {round(recent_sets, 1):g} hard sets a week over the last {VOLUME_WEEKS} "
            f"full weeks{compare}.{tonnage}")
