"""The built-in coach's answers about one exercise: technique, effort and coming back.

Technique: the cue, the muscles, the usual dose, the last performance and swaps that suit
the person's equipment and injuries. Effort: RPE and RIR, the plan's RPE and the weight to
aim for next. Comeback: how long the break was, where to restart (a share of the last top
set) and a three-week re-entry plan.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from vigor_app.services.catalogue import catalogue
from vigor_app.services.coach import motivation
from vigor_app.services.coach.answer_parts import (
    DEFAULT_RPE,
    example_exercise,
    last_text,
    new_person,
    round_load,
    suggest,
    target_for,
)
from vigor_app.services.coach.context import CoachContext
from vigor_app.services.coach.exercise_mentions import Mention
from vigor_app.services.coach.own_exercises import OwnExercise
from vigor_app.services.coach.wording import day_text, set_text, words
from vigor_app.services.counts import plural
from vigor_app.services.safety import messages as safety
from vigor_app.services.training import progress
from vigor_app.services.units import weight_text

COMEBACK_SHORT_DAYS = 7  # fewer days off than this is not a break


def technique_answer(context: CoachContext, mention: Mention | None, user_id: int) -> str:
    if mention is None:
        example = example_exercise(context)
        planned = ""
        if context.today_plan and context.today_plan.exercises:
            planned = (" From today's session: "
                       + ", ".join(e.name for e in context.today_plan.exercises) + ".")
        return (f"Which exercise do you mean? Name it - for example \"how do I do a {example}?\" - "
                f"and I'll give you the cue, the muscles it works and swaps that suit your "
                f"equipment.{planned}")
    exercise = mention.exercise
    p = context.profile
    primary = words(exercise.primary_muscles)
    secondary = f"; also {words(exercise.secondary_muscles)}" if exercise.secondary_muscles else ""
    if exercise.timed and exercise.seconds_range:
        dose = f"holds of {exercise.seconds_range[0]}-{exercise.seconds_range[1]} s"
    elif exercise.rep_range:
        dose = f"{exercise.rep_range[0]}-{exercise.rep_range[1]} reps a set"
    else:
        dose = "as prescribed"
    side = " on each side" if exercise.unilateral else ""
    out = [f"**{exercise.name}**",
           f"- **Cue:** {exercise.cue}\n- **Works:** {primary}{secondary}\n"
           f"- **Equipment:** {words(exercise.equipment)}\n- **Usual dose:** {dose}{side}"]
    reps, rpe, _ = target_for(context, exercise)
    suggestion = suggest(user_id, exercise.id, reps, rpe)
    if suggestion is not None and suggestion.action != "start":
        out.append(f"Your last {exercise.name.lower()}: {last_text(suggestion, context.units)}. "
                   f"Next time: {suggestion.message}")
    notes = []
    have = set(p.equipment) | {"bodyweight"}
    missing = [e for e in exercise.equipment if e not in have]
    if missing:
        notes.append(f"Your profile doesn't list {words(missing)}, so here are swaps you can do.")
    hurt = sorted(set(exercise.unsafe_for) & set(p.injuries))
    if hurt:
        notes.append(f"**Careful:** it loads your {words(hurt)}, which you listed as injured - "
                     "the swaps below avoid it.")
    if notes:
        out.append(" ".join(notes))
    try:
        swaps = catalogue.substitutes(exercise.id, p.equipment, p.injuries, p.fitness_level, limit=3)
    except ValueError:
        swaps = []
    kit = f"your equipment ({words(p.equipment)})"
    injuries = f" and injuries ({words(p.injuries)})" if p.injuries else ""
    if swaps:
        out.append(f"**Swaps that suit {kit}{injuries}:**\n"
                   + "\n".join(f"- {s.name} - {s.cue}" for s in swaps))
    else:
        out.append(f"No swap in the catalogue fits {kit}{injuries} for this movement.")
    return "\n\n".join(out)


RPE_TABLE = (
    "| RPE | Reps left (RIR) | How it feels |\n"
    "| --- | --- | --- |\n"
    "| 10 | 0 | couldn't do another rep |\n"
    "| 9 | 1 | one more, at most |\n"
    "| 8 | 2 | two more with good form |\n"
    "| 7 | 3 | quick, solid reps |\n"
    "| 6 or less | 4+ | warm-up territory |"
)


RPE_ASKED = re.compile(r"\b(?:rpe|rir|reps? in (?:reserve|the tank)|perceived exertion|effort|how hard)\b")


def effort_answer(user_id: int, context: CoachContext, mention: Mention | None, message: str = "") -> str:
    """RPE and RIR with the table, the plan's RPE and the weight to aim for; with an exercise
    named and RPE not asked about, only a line on RPE before the exercise's next target."""
    if mention is not None and not RPE_ASKED.search(safety.normalise(message)):
        out = ["Pick the weight you can lift for the target reps with about two good reps left "
               "(RPE 8)."]
    else:
        out = ["**RPE** (rate of perceived exertion) scores how hard a set was from 1 to 10. "
               "**RIR** (reps in reserve) says the same in reps: how many more you could have done "
               "with good form. RPE = 10 - RIR.", RPE_TABLE]
    rpes = sorted({e.rpe for d in (context.plan.days if context.plan else []) for e in d.exercises
                   if e.rpe})
    if rpes and len(out) > 1:
        span = f"RPE {rpes[0]:g}" if len(rpes) == 1 else f"RPE {rpes[0]:g}-{rpes[-1]:g}"
        fewest, most = 10 - rpes[-1], 10 - rpes[0]
        left = f"{fewest:g}" if fewest == most else f"{fewest:g}-{most:g}"
        out.append(f"Your plan sets most working sets at {span}: finish each set with about "
                   f"{left} good reps left.")
    if mention is None:
        out.append("**Picking a weight:** choose one you could lift for two or three more reps "
                   "than the plan asks (RPE 7-8). If the first working set feels easier than the "
                   "target, add 2.5-5 %; if it's harder, take 5-10 % off. Name an exercise - "
                   f"\"what weight for {example_exercise(context)}?\" - and I'll use your log.")
        return "\n\n".join(out)
    exercise = mention.exercise
    reps, rpe, _ = target_for(context, exercise)
    suggestion = suggest(user_id, exercise.id, reps, rpe)
    if suggestion is None or suggestion.action == "start":
        first = suggestion.message if suggestion else ""
        out.append(f"**{exercise.name}:** you haven't logged it yet. {first}".strip())
        return "\n\n".join(out)
    logged_rpe = ""
    latest = context.latest_performance(exercise.id)
    if latest is not None and latest[1].top_rpe is not None:
        logged_rpe = f" (top set at RPE {latest[1].top_rpe:g})"
    target = (f"{weight_text(suggestion.weight_kg, context.units)} × {suggestion.reps}"
              if suggestion.weight_kg else suggestion.reps)
    out.append(f"**{exercise.name}:** last time {last_text(suggestion, context.units)}"
               f"{logged_rpe}. For {reps} reps at RPE {rpe or DEFAULT_RPE:g}, next time aim for "
               f"**{target}**. {suggestion.message}")
    return "\n\n".join(out)


def _comeback_share(days: int) -> int:
    if days < 14:
        return 80
    if days < 28:
        return 75
    return 70


def comeback_answer(user_id: int, context: CoachContext, mention: Mention | None,
              logged: Sequence[OwnExercise]) -> str:
    if context.is_new or context.days_since_last_session is None:
        return new_person(context, "plan a comeback") + (
            "\n\nStarting fresh is the same as coming back: keep the first two weeks light "
            "(stop every set with three or four reps in reserve) and let the plan build from there.")
    days = context.days_since_last_session
    last_day = day_text(context.last_session_on or context.today)
    if days < COMEBACK_SHORT_DAYS:
        nxt = motivation.upcoming(context)
        return (f"Your last session was {last_day} ({plural(days, 'day')} ago) - "
                f"that's not a break that needs a re-entry plan. Carry on where you left off. {nxt}")
    share = _comeback_share(days)
    out = [f"It's been **{days} days** since your last session ({last_day}). Strength comes back "
           f"much faster than it was built, but joints and tendons need a week or two, so ease in "
           f"at about **{share} %** of your last working weights."]
    exercise_id = mention.exercise.id if mention is not None else None
    if exercise_id is None and logged:
        exercise_id = logged[0].exercise_id
    if exercise_id is not None:
        series = progress.strength_series(user_id, exercise_id)
        if series.points:
            last = series.points[-1]
            top = set_text(last["top_weight_kg"], last["top_reps"], last["max_seconds"]
                           if not last["top_reps"] else None, context.units)
            if last["top_weight_kg"]:
                start = round_load(last["top_weight_kg"] * share / 100, context.units)
                reps = last["top_reps"] or last["max_reps"]
                out.append(f"**{series.name}:** your last top set was {top} on {day_text(last['x'])}. "
                           f"Start around **{weight_text(start, context.units)}** "
                           f"({share} %)" + (f" for sets of {reps}" if reps else "") + ".")
            elif last["max_reps"]:
                reps = max(1, round(last["max_reps"] * share / 100))
                out.append(f"**{series.name}:** your best set last time was {last['max_reps']} reps "
                           f"on {day_text(last['x'])}. Start with sets of about **{reps}**.")
            elif last["max_seconds"]:
                hold = max(5, round(last["max_seconds"] * share / 100))
                out.append(f"**{series.name}:** your longest hold last time was {last['max_seconds']} s. "
                           f"Start with holds of about **{hold} s**.")
    sets = next((e.sets for d in (context.plan.days if context.plan else []) for e in d.exercises
                 if e.sets), None)
    fewer = (f"{max(2, sets - 1)} sets instead of {sets}" if sets and sets > 2
             else "one set fewer than usual")
    out.append("**Re-entry plan**\n"
               f"1. Week 1: two or three sessions at about {share} % of your last weights, "
               f"{fewer} per exercise, stopping every set with three reps in reserve (RPE 7).\n"
               f"2. Week 2: about {min(95, share + 15)} % and your usual number of sets, at RPE 7-8.\n"
               "3. Week 3: back to your normal weights; the usual progression takes over.")
    out.append("Some soreness in the first days back is normal; sharp pain is not - stop and get "
               "it checked.")
    nxt = motivation.upcoming(context)
    if context.plan is not None:
        out.append(nxt)
    return "\n\n".join(out)
