"""The built-in coach's answers read straight from the person's log: how one exercise is
progressing, and what they did in the sessions a message points at.

Exercise progress (`exercise_progress_answer`): how many workouts had it and when the last
was, the trend the exercise page charts (estimated 1RM, reps, hold or distance; first against
latest), the last workout's sets, the bests as they stand and the next target from
``suggestions.next_targets``. An exercise never logged says so, with the plan days that
hold it.

Session review (`review_answer`): one session set by set, with the records it set; several
(a week) as a line each with the totals and the week's target; none, with the newest
session there is. Every figure comes from ``exercise_history``, ``workout_views`` and
``workout_history``: nothing here is estimated.
"""

from __future__ import annotations

from collections.abc import Sequence

from vigor_app.services.catalogue import catalogue
from vigor_app.services.coach.answer_parts import suggest, target_for
from vigor_app.services.coach.context import CoachContext
from vigor_app.services.coach.facts import SessionDone
from vigor_app.services.coach.own_exercises import OwnExercise
from vigor_app.services.coach.session_refs import Reference
from vigor_app.services.coach.wording import day_text
from vigor_app.services.counts import plural
from vigor_app.services.errors import NotFound
from vigor_app.services.training import (
    exercise_history,
    records,
    set_lines,
    workout_history,
    workout_views,
)
from vigor_app.services.training.record_words import record_line
from vigor_app.services.units import distance_text, weight_text

LISTED_SETS = 8  # sets written out for one exercise of a reviewed session


def _plan_days_text(context: CoachContext, own: OwnExercise | None) -> str:
    if own is None or not own.plan_days or context.plan is None:
        return ""
    names = [d.name + (f" ({d.weekday.capitalize()})" if d.weekday else "")
             for d in context.plan.days if d.index in own.plan_days]
    return f" It's in your plan on {', '.join(names)}."


def _trend(history: exercise_history.ExerciseHistory, units: str) -> str:
    points = history.points
    if len(points) < 2:
        return ""
    first, last = points[0], points[-1]
    if history.measure == exercise_history.E1RM:
        change = last.value - first.value
        percent = change / first.value * 100 if first.value else 0.0
        verdict = ("You're getting stronger." if change > 0.05 else
                   "It has dipped - sleep, food and steady sessions bring it back." if change < -0.05 else
                   "Holding steady - small, regular steps bring the next record.")
        return (f"Estimated 1-rep max {weight_text(first.value, units)} on {day_text(first.day.isoformat())} → "
                f"{weight_text(last.value, units)} on {day_text(last.day.isoformat())} "
                f"({'+' if change >= 0 else '-'}{weight_text(abs(change), units)}, {percent:+.0f} %). {verdict}")
    if history.measure == exercise_history.DISTANCE:
        return (f"Distance {distance_text(first.value, units)} on {day_text(first.day.isoformat())} → "
                f"{distance_text(last.value, units)} on {day_text(last.day.isoformat())}.")
    unit = " s" if history.measure == exercise_history.SECONDS else " reps"
    what = "Longest hold" if history.measure == exercise_history.SECONDS else "Best set"
    return (f"{what} {last.value:g}{unit} on {day_text(last.day.isoformat())}, against "
            f"{first.value:g}{unit} on {day_text(first.day.isoformat())}.")


def _bests(history: exercise_history.ExerciseHistory, units: str) -> str:
    lines = []
    for key, value in history.bests.items():
        kind = key.partition(":")[0]
        if kind in (records.WEIGHT_FOR_REPS, records.SESSION_VOLUME):
            continue
        lines.append(record_line(kind, value, None, units, history.name))
    heavy = [(int(k.partition(":")[2]), v) for k, v in history.bests.items()
             if k.startswith(records.WEIGHT_FOR_REPS)]
    if heavy:
        reps, value = max(heavy, key=lambda pair: (pair[1], pair[0]))
        lines.append(f"Heaviest: {weight_text(value, units)} × {reps}")
    return "; ".join(lines)


def exercise_progress_answer(user_id: int, context: CoachContext, exercise_id: str,
                             own: OwnExercise | None) -> str:
    units = context.units
    try:
        history = exercise_history.exercise_history(user_id, exercise_id, limit=1)
    except NotFound:
        return "I can't find that exercise among the ones you can use."
    name = history.name
    if history.total == 0:
        return (f"**{name}:** you haven't logged it yet, so there's no progress to show."
                f"{_plan_days_text(context, own)} Log it once and I'll track it from there.")
    last = history.sessions[0]
    counted = [s for s in last.sets if s.kind != "warmup"]
    sets = ", ".join(set_lines.set_text(s, units) for s in counted[:LISTED_SETS])
    out = [f"**{name}:** {plural(history.total, 'workout')} logged, the last "
           f"on {day_text(last.day.isoformat())} ({last.name}): {sets}."]
    trend = _trend(history, units)
    if trend:
        out.append(trend)
    elif history.total == 1:
        out.append("One workout so far - log it again to see a trend.")
    bests = _bests(history, units)
    if bests:
        out.append(f"Your bests: {bests}.")
    exercise = catalogue.find_exercise(exercise_id)
    if exercise is not None and not history.distance:
        reps, rpe, _ = target_for(context, exercise)
        suggestion = suggest(user_id, exercise_id, reps, rpe)
        if suggestion is not None and suggestion.action != "start":
            target = (f"{weight_text(suggestion.weight_kg, units)} × {suggestion.reps}"
                      if suggestion.weight_kg else suggestion.reps)
            out.append(f"**Next time:** {target}. {suggestion.message}")
    return "\n\n".join(out)


# --- sessions ---------------------------------------------------------------------------------


def _session_detail(user_id: int, done: SessionDone, units: str, focus: str | None) -> str:
    try:
        view = workout_views.get_session(user_id, done.id)
    except NotFound:
        return f"**{done.name}** on {day_text(done.day)}."
    minutes = f", {done.minutes} min" if done.minutes else ""
    lines = [f"**{view.name}** on {day_text(done.day)}{minutes}: {done.sets} working "
             f"set{'' if done.sets == 1 else 's'} over {len(done.exercises)} "
             f"exercise{'' if len(done.exercises) == 1 else 's'}."]
    for entry in view.entries:
        logged = [s for s in entry.sets if s.done]
        if not logged:
            continue
        shown = ", ".join(set_lines.set_text(s, units) for s in logged[:LISTED_SETS])
        more = f" (+{len(logged) - LISTED_SETS} more)" if len(logged) > LISTED_SETS else ""
        mark = "**" if focus == entry.exercise_id else ""
        lines.append(f"- {mark}{entry.name}{mark}: {shown}{more}")
    found = workout_history.session_records(user_id, done.id)
    if found:
        names = {e.exercise_id: e.name for e in view.entries}
        lines.append("Records that day: " + "; ".join(
            f"{names.get(r.exercise_id, r.exercise_id)} - "
            f"{record_line(r.kind, r.value, r.reps, units, names.get(r.exercise_id, ''))}" for r in found) + ".")
    return "\n".join(lines)


def review_answer(user_id: int, context: CoachContext, reference: Reference, found: Sequence[SessionDone],
                  exercise_id: str | None = None, exercise_name: str = "") -> str:
    units = context.units
    about = f" with {exercise_name}" if exercise_id and exercise_name else ""
    if not found:
        span = (f"from {day_text(reference.first.isoformat())} to {day_text(reference.last.isoformat())}"
                if reference.span and reference.first and reference.last else
                f"on {day_text(reference.first.isoformat())}" if reference.first else "")
        where = f"{reference.words} ({span})" if span and reference.words not in ("this week",) else reference.words
        text = f"You didn't log a finished workout{about} {where}." if reference.first else \
            f"I can't find {reference.words}{about} in your log."
        if context.last_session_on:
            text += (f" Your last workout was on {day_text(context.last_session_on)}"
                     f" ({plural(context.days_since_last_session, 'day')}"
                     " ago)." if context.days_since_last_session else " Your last workout was today.")
        else:
            text += " You haven't finished a workout yet - start one on the Log page."
        return text
    if len(found) == 1 and not reference.span:
        return _session_detail(user_id, found[0], units, exercise_id)
    total_sets = sum(s.sets for s in found)
    days = len({s.day for s in found})
    head = (f"**{reference.words.capitalize()}**: {plural(len(found), 'workout')} on "
            f"{plural(days, 'day')}, {plural(total_sets, 'working set')}.")
    if reference.words == "this week":
        head += f" That's {context.week_sessions} of your {context.week_target} planned sessions."
    lines = [head]
    for session in found:
        parts = ", ".join(f"{e.name} {e.top_set_text(units)}" for e in session.exercises[:6])
        minutes = f", {session.minutes} min" if session.minutes else ""
        lines.append(f"- {day_text(session.day)}: **{session.name}** ({plural(session.sets, 'set')}{minutes}) - {parts}")
    if exercise_id is not None:
        tops = [(s.day, e) for s in found for e in s.exercises if e.exercise_id == exercise_id]
        if tops:
            lines.append(f"{exercise_name}: " + "; ".join(f"{day_text(day)} {e.top_set_text(units)} "
                                                          f"({plural(e.sets, 'set')})" for day, e in tops) + ".")
    return "\n".join(lines)
