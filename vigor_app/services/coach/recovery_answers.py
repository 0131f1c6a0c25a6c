"""The built-in coach's answers about recovery, deloads and warming up.

**Recovery:** the person's last 7 and 14 days (sessions, days trained, the streak, the last
session, whether today is a rest day in the plan), a word when they have trained many days in
a row or not at all, then the basics: sleep 7-9 hours, rest days, muscle soreness against
pain (sharp pain is the safety rules' business), protein (1.6 g per kg, worked out from their
latest weigh-in when there is one), water and rest between sets. Soreness after a named
exercise points at the muscles it works.

**Deload:** what one is (about half the sets, about 10 % lighter, RPE 6-7) and when (every 4-8
weeks of hard training, or after stalls, aches, poor sleep); how many weeks in a row the
person has trained (`progress.sessions_per_week`); the week of the plan's block
(``plans.library.current_week``); which of their exercises has stalled by the log's own rule
(`suggestions.next_targets`: three sessions running) - only what that rule says, nothing
guessed; and their deload week's sets and weights for a few of their exercises.

**Warm-up:** the general warm-up (easy cardio, dynamic mobility), then the warm-up ramp for the
named exercise - or the first of today's plan day - to the next working weight
(`answer_parts.target_for`, `answer_parts.suggest`), with the person's bar and plates
(`plates.kit`, `plates.warmup_steps`, the warm-up calculator's ramp), in their units.
"""

from __future__ import annotations

import math
import re
from datetime import date, timedelta

from vigor_app.services.catalogue import catalogue
from vigor_app.services.catalogue.exercise import Exercise
from vigor_app.services.coach import plan_answers
from vigor_app.services.coach.answer_parts import mention_in, round_load, suggest, target_for
from vigor_app.services.coach.context import CoachContext
from vigor_app.services.coach.exercise_mentions import Mention
from vigor_app.services.coach.wording import day_text
from vigor_app.services.plans.progression import DELOAD_FACTOR, STALL_SESSIONS
from vigor_app.services.training import plates, progress, suggestions
from vigor_app.services.units import LB, from_kg, to_kg, weight_text

PROTEIN_G_PER_KG = 1.6
STREAK_REST_DAYS = 5  # this many days in a row: time for a rest day
WEEKS_LOOKED_AT = 16  # consecutive weeks trained are counted within this window
DELOAD_WEEKS = (4, 8)
DELOAD_EXAMPLES = 3  # exercises whose deload week is written out
STALL_CHECKS = 8  # exercises checked for a stall


def _sessions_since(context: CoachContext, days: int) -> tuple[int, int]:
    """(sessions, days trained) in the last `days` days, today included."""
    first = date.fromisoformat(context.today) - timedelta(days=days - 1)
    recent = [s for s in context.recent_sessions if date.fromisoformat(s.day) >= first]
    return len(recent), len({s.day for s in recent})


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _recent_text(context: CoachContext) -> str:
    week, week_days = _sessions_since(context, 7)
    fortnight, fortnight_days = _sessions_since(context, 14)
    text = (f"**Your recent training:** {_count(week, 'session')} on {_count(week_days, 'day')} in the "
            f"last 7 days, {_count(fortnight, 'session')} on {_count(fortnight_days, 'day')} in the last 14")
    if context.last_session_on and context.days_since_last_session is not None:
        days = context.days_since_last_session
        ago = "today" if days == 0 else "yesterday" if days == 1 else f"{days} days ago"
        text += f"; last session {day_text(context.last_session_on)} ({ago})"
    text += "."
    today = context.today_plan
    if context.week_complete:
        text += " Every day of your plan is done this week, so today is a rest day."
    elif today is not None and today.done:
        text += f" You've trained {today.name} today: the rest of the day is recovery."
    elif context.rest_day:
        text += " Today is a rest day in your plan."
    elif today is not None and today.scheduled:
        text += f" Today's plan: {today.name}."
    return text


def _advice(context: CoachContext) -> str:
    week, week_days = _sessions_since(context, 7)
    if context.current_streak >= STREAK_REST_DAYS:
        return (f"You've trained **{context.current_streak} days in a row** - take a rest day soon. "
                "Muscles get stronger while they recover, not while you train them.")
    if week_days >= 6:
        return (f"You've trained on {week_days} of the last 7 days - make sure at least one or two "
                "days a week are rest days.")
    if context.total_workouts and not context.recent_sessions:
        return ("You haven't trained in the last two weeks, so recovery isn't what's holding you back "
                "right now - a short, easy session is.")
    return ""


def _protein_text(context: CoachContext) -> str:
    trend = context.body_weight
    if trend is None:
        return (f"**Protein:** about {PROTEIN_G_PER_KG:g} g per kg of body weight a day, spread over "
                "your meals. Log your weight on the Progress page and I'll work out your figure.")
    grams = round(trend.latest_kg * PROTEIN_G_PER_KG / 5) * 5
    return (f"**Protein:** about {PROTEIN_G_PER_KG:g} g per kg of body weight a day - at your "
            f"{weight_text(trend.latest_kg, context.units)} ({day_text(trend.latest_on)}) that's about "
            f"{grams} g, spread over your meals.")


def recovery_answer(user_id: int, context: CoachContext, mention: Mention | None) -> str:
    """Sleep, rest days and soreness, with the person's last two weeks."""
    out = []
    if context.is_new:
        out.append("You haven't logged a workout yet, so there's nothing to recover from - here are "
                   "the basics for when you start.")
    else:
        out.append(_recent_text(context))
        advice = _advice(context)
        if advice:
            out.append(advice)
    if mention is not None:
        exercise = mention.exercise
        latest = context.latest_performance(exercise.id)
        when = f" You last did it on {day_text(latest[0])}." if latest else ""
        out.append(f"**{exercise.name}** mainly works your {plan_answers.and_list(exercise.primary_muscles)}: that's "
                   f"where soreness after it shows up.{when}")
    out.append("**The basics**\n" + "\n".join(f"- {line}" for line in (
        "**Sleep** 7-9 hours a night, at regular times. It's when most repair happens; a short "
        "night makes the next session feel harder and recovery slower.",
        "**Rest days:** at least one or two a week, and about 48 hours before training the same "
        "muscles hard again. A walk or easy mobility work on rest days helps.",
        "**Soreness vs pain:** a dull ache in the muscles a day or two after training (DOMS) is "
        "normal and eases as you warm up - training lightly is fine. Sharp pain, pain in a joint, "
        "swelling or pain that gets worse is not: stop and get it checked.",
        _protein_text(context),
        "**Water:** drink through the day and around training; pale yellow urine means you're "
        "drinking enough.",
        "**Between sets:** about 2-3 minutes on the big lifts, 1-2 minutes on smaller exercises.",
    )))
    return "\n\n".join(out)


# --- deload -------------------------------------------------------------------------------------

DELOAD_WHAT = (
    "**A deload** is a planned lighter week: the same exercises with about half your usual sets "
    "(50-60 %), loads about 10 % lighter, every set at RPE 6-7 (three or four reps left). Fatigue "
    "drains away while your strength stays, and you usually come back stronger the week after."
)
DELOAD_WHEN = (
    "**When:** every 4-8 weeks of hard training, or sooner when your lifts stall for two or three "
    "weeks, your joints ache, your sleep gets worse or every session feels heavy."
)


def _weeks_in_a_row(user_id: int, context: CoachContext) -> int:
    """Weeks in a row with a finished session, ending with this week (or last week, when this
    week has none yet)."""
    points = progress.sessions_per_week(user_id, weeks=WEEKS_LOOKED_AT, now=context.now).points
    if points and not points[-1]["sessions"]:
        points = points[:-1]
    run = 0
    for point in reversed(points):
        if not point["sessions"]:
            break
        run += 1
    return run


def _weeks_text(run: int) -> str:
    low, high = DELOAD_WEEKS
    at_least = "at least " if run >= WEEKS_LOOKED_AT - 1 else ""
    head = f"You've trained in each of the last **{at_least}{run} weeks**"
    if run < low:
        return f"{head}: you don't need a deload on the calendar yet."
    if run <= high:
        return f"{head} - within the {low}-{high} weeks after which a deload week is worth taking."
    return f"{head} - past the usual {low}-{high}: a deload week is due unless you've taken one."


def _your_exercises(context: CoachContext, mention: Mention | None) -> list[Exercise]:
    ids: list[str] = [mention.exercise.id] if mention is not None else []
    for day in context.plan.days if context.plan else []:
        ids += [item.exercise_id for item in day.exercises]
    ids += [own.exercise_id for own in context.own.logged]  # read once, with the context
    found = []
    for exercise_id in dict.fromkeys(ids):
        exercise = catalogue.find_exercise(exercise_id)
        if exercise is not None:
            found.append(exercise)
    return found[:STALL_CHECKS]


def _logged_targets(user_id: int, context: CoachContext, exercises: list[Exercise]
                    ) -> list[tuple[Exercise, suggestions.Suggestion, int | None]]:
    found = []
    for exercise in exercises:
        reps, rpe, sets = target_for(context, exercise)
        suggestion = suggest(user_id, exercise.id, reps, rpe)
        if suggestion is not None and suggestion.action != "start":
            found.append((exercise, suggestion, sets))
    return found


def _deload_line(exercise: Exercise, suggestion: suggestions.Suggestion, sets: int | None,
                 units: str) -> str:
    if sets:
        fewer = f"{math.ceil(sets / 2)} × {suggestion.reps}"
    else:
        amount = f"{suggestion.reps[:-1]} s" if suggestion.reps.endswith("s") else f"{suggestion.reps} reps"
        fewer = f"half your usual sets, {amount} each,"
    if suggestion.action == "deload" and suggestion.weight_kg:
        weight = suggestion.weight_kg
    elif suggestion.last_weight_kg:
        weight = round_load(suggestion.last_weight_kg * DELOAD_FACTOR, units)
    else:
        return f"- **{exercise.name}:** {fewer}, at RPE 6-7"
    last = f" (last time {weight_text(suggestion.last_weight_kg, units)})" if suggestion.last_weight_kg else ""
    return f"- **{exercise.name}:** {fewer} at about {weight_text(weight, units)}{last}, RPE 6-7"


def deload_answer(user_id: int, context: CoachContext, mention: Mention | None) -> str:
    """What a deload is, when to take one, and where the person stands."""
    out = [DELOAD_WHAT, DELOAD_WHEN]
    if context.is_new:
        out.append("You haven't logged a workout yet, so there's nothing to deload from - plan one "
                   "after your first 4-8 weeks of training.")
        return "\n\n".join(out)
    out.append(_weeks_text(_weeks_in_a_row(user_id, context)))
    if context.plan is not None:
        week = plan_answers.block_week(user_id, context.plan)
        if week is not None and week.deload:
            out.append(f"Your plan builds a deload in: this is week {week.number} of {week.weeks}, "
                       "**the deload week** - the Workouts page and the Log already use its lighter targets.")
        elif week is not None:
            out.append(f"Your plan builds a deload in: you're in week {week.number} of {week.weeks}, "
                       f"and week {week.weeks} is the lighter one. No need to add another.")
    checked = _logged_targets(user_id, context, _your_exercises(context, mention))
    stalled = [(e, s) for e, s, _ in checked if s.action == "deload"]  # the log's own rule
    if stalled:
        out.append("**Stalled in your log:**\n" + "\n".join(
            f"- {s.message}" for _, s in stalled))
    elif checked:
        out.append(f"By your log, none of {', '.join(e.name for e, _, _ in checked[:4])}"
                   f"{' and others' if len(checked) > 4 else ''} has stalled {STALL_SESSIONS} sessions running.")
    first = [(e, s, n) for e, s, n in checked if mention is None or e.id == mention.exercise.id]
    lines = [_deload_line(e, s, n, context.units) for e, s, n in first[:DELOAD_EXAMPLES]]
    if lines:
        out.append("**Your deload week would look like:**\n" + "\n".join(lines)
                   + "\n\nThen go back to your normal sets and weights the week after.")
    return "\n\n".join(out)


# --- warm-up ------------------------------------------------------------------------------------

GENERAL_WARMUP = (
    "**General warm-up (5-10 minutes):** 5 minutes of easy cardio - bike, rower or a brisk walk - "
    "until you're warm, then dynamic mobility for the joints you'll use: leg swings, hip circles and "
    "bodyweight squats before lower-body work; arm circles, band pull-aparts and a few push-ups "
    "before upper-body work. Keep long static stretches for after the session."
)
COOL_DOWN = ("**Cool-down:** a few minutes of easy walking or cycling and some gentle stretching "
             "of what you trained.")


WARMUP_WORDS = re.compile(r"(?i)\bwarm(?:ing|ed|s)?[- ]?ups?\b|\bwarm\b|\bramp(?:ing)?\b|\bcool(?:ing)?[- ]?downs?\b")


def warmup_mention(context: CoachContext, message: str) -> Mention | None:
    """The exercise a warm-up question names strongly, its warm-up words left out ("warm up
    before squats" is about squats, not a warm-up drill)."""
    mention = mention_in(context, WARMUP_WORDS.sub(" ", message))
    return mention if mention is not None and mention.strong else None


def _warmup_exercise(context: CoachContext, mention: Mention | None) -> tuple[Exercise | None, str]:
    """(exercise, why this one) - the named one, else the first of today's plan day."""
    if mention is not None:
        return mention.exercise, ""
    today = context.today_plan
    if today is not None and not today.done and today.exercises:
        first = catalogue.find_exercise(today.exercises[0].exercise_id)
        if first is not None:
            return first, f" (the first exercise of {today.name})"
    return None, ""


def _ramp_text(user_id: int, context: CoachContext, exercise: Exercise, why: str) -> str:
    reps, rpe, _ = target_for(context, exercise)
    suggestion = suggest(user_id, exercise.id, reps, rpe)
    head = f"**Warm-up sets for {exercise.name}**{why}"
    ramped = "barbell" in exercise.equipment_set or "dumbbells" in exercise.equipment_set
    if not ramped or exercise.timed:
        try:
            easier, _ = catalogue.load_catalogue().variations(exercise.id, context.profile.equipment,
                                                              context.profile.injuries)
        except (ValueError, LookupError):
            easier = None
        first = f"a set of {easier.name.lower()}" if easier is not None else "an easy half set"
        return (f"{head}: it isn't loaded with a bar or dumbbells, so no weight ramp - do {first} "
                "first, then your working sets.")
    if suggestion is None or suggestion.action == "start" or not suggestion.weight_kg:
        return (f"{head}: you haven't logged it with a weight yet, so I can't work out ramp weights. "
                "Start light, then do 2-3 sets, adding weight and dropping reps, until you reach your "
                "working weight; log it and next time I'll give you the numbers.")
    kit = plates.kit(user_id)
    working = from_kg(suggestion.weight_kg, kit.unit)
    working = round(working * 2) / 2 if kit.unit == LB else round(working, 2)  # as weight_text writes it
    steps = plates.warmup_steps(exercise.id, working, kit)
    barbell = "barbell" in exercise.equipment_set
    target = f"{weight_text(suggestion.weight_kg, context.units)} × {suggestion.reps}"
    kit_text = f"\n\nPlates for your kit - {kit.text()}." if barbell else ""
    lines = []
    for step in steps:
        load = f" - {step.plates.lower()}" if step.plates else ""
        lines.append(f"- {weight_text(to_kg(step.weight, kit.unit), context.units)} × {step.reps}{load}")
    working_load = f" - {plates.load(working, kit).text(kit.unit).lower()}" if barbell else ""
    lines.append(f"- **Working sets: {target}**{working_load}")
    if not steps:
        lines.insert(0, f"- one easy set of 8-10 at about half of {weight_text(suggestion.weight_kg, context.units)}")
    return (f"{head}, up to your next target of {target}:\n" + "\n".join(lines) + kit_text
            + "\n\nRest about a minute between warm-up sets: they should feel easy - they prepare you, "
              "they don't tire you.")


def warmup_answer(user_id: int, context: CoachContext, mention: Mention | None) -> str:
    """How to warm up, with ramp sets to the person's next working weight."""
    out = [GENERAL_WARMUP]
    exercise, why = _warmup_exercise(context, mention)
    if exercise is not None:
        out.append(_ramp_text(user_id, context, exercise, why))
    else:
        out.append("**Warm-up sets:** for each main lift, start with the empty bar or a light weight, "
                   "then 2-3 sets adding weight and dropping reps (about 40 %, 60 % and 80 % of your "
                   "working weight). Name a lift - \"warm-up sets for squats\" - and I'll work out the "
                   "weights from your log.")
    out.append(COOL_DOWN)
    return "\n\n".join(out)
