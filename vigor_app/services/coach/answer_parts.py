"""Pieces the built-in coach's answers share.

What the coach can be asked (with an example exercise of the person's), the first steps for
someone who has logged nothing, the reps and RPE to aim for on an exercise (the plan's, else
the catalogue's range), the next targets from `suggestions.next_targets` and how the last
performance reads, a load rounded to what a gym can load, and the exercise a message names
(`mention_in`, the person's own first).
"""

from __future__ import annotations

from vigor_app.services.catalogue import catalogue
from vigor_app.services.coach.context import CoachContext
from vigor_app.services.coach.exercise_mentions import Mention, resolve_exercise
from vigor_app.services.coach.wording import day_text
from vigor_app.services.errors import ValidationError
from vigor_app.services.plans.timing import parse_reps
from vigor_app.services.training import suggestions
from vigor_app.services.units import LB, from_kg, to_kg, weight_text

DEFAULT_RPE = 8.0
DEFAULT_REPS = "8-12"
KG_STEP = 2.5
LB_STEP = 5.0

EXAMPLES = (
    ("What to train today", "What should I train today?"),
    ("How you're progressing", "How am I progressing?"),
    ("How to do an exercise", "How do I do a {exercise}?"),
    ("RPE and picking a weight", "What weight should I use for {exercise}?"),
    ("Coming back after a break", "I haven't trained for three weeks - how do I restart?"),
    ("A push when you need one", "Motivate me."),
)


def example_exercise(context: CoachContext) -> str:
    if context.today_plan and context.today_plan.exercises:
        return context.today_plan.exercises[0].name.lower()
    for session in context.recent_sessions:
        if session.exercises:
            return session.exercises[0].name.lower()
    return "goblet squat"


def capabilities(context: CoachContext) -> str:
    example = example_exercise(context)
    return "\n".join(f"- **{what}** - \"{ask.format(exercise=example)}\"" for what, ask in EXAMPLES)


def getting_started(context: CoachContext) -> str:
    steps = []
    if not context.profile.onboarded:
        steps.append("**Set up your profile** on the Profile page: level, goals, equipment, "
                     "injuries and how many days a week you can train.")
    if context.plan is None:
        steps.append("**Generate a plan** on the Workouts page - it's built for your equipment "
                     "and schedule.")
    steps.append("**Log your first session** on the Log page. After that I can tell you what "
                 "to train, how you're progressing and what weight to pick.")
    return "\n".join(f"{n}. {step}" for n, step in enumerate(steps, 1))


def new_person(context: CoachContext, about: str) -> str:
    return (f"You haven't logged a workout yet, so I have no training of yours to {about} "
            f"from.\n\nTo get started:\n{getting_started(context)}")


def round_load(weight_kg: float, units: str) -> float:
    """Round a load to what a gym can load: 2.5 kg, or 5 lb."""
    if units == LB:
        return to_kg(round(from_kg(weight_kg, LB) / LB_STEP) * LB_STEP, LB)
    return round(weight_kg / KG_STEP) * KG_STEP


def target_for(context: CoachContext, exercise: catalogue.Exercise) -> tuple[str, float | None, int | None]:
    """(reps, rpe, sets) for an exercise: the plan's prescription, else the catalogue's range."""
    planned = context.planned(exercise.id)
    if planned is not None and parse_reps(planned.reps) is not None:
        return planned.reps, planned.rpe, planned.sets
    if exercise.timed and exercise.seconds_range:
        return f"{exercise.seconds_range[0]}s", DEFAULT_RPE, None
    if exercise.rep_range:
        low, high = exercise.rep_range
        return (f"{low}-{high}" if high != low else str(low)), DEFAULT_RPE, None
    return DEFAULT_REPS, DEFAULT_RPE, None


def suggest(user_id: int, exercise_id: str, reps: str,
             rpe: float | None) -> suggestions.Suggestion | None:
    try:
        return suggestions.next_targets(user_id, exercise_id, reps, rpe)
    except ValidationError:
        try:
            return suggestions.next_targets(user_id, exercise_id, DEFAULT_REPS)
        except ValidationError:
            return None


def last_text(suggestion: suggestions.Suggestion, units: str) -> str:
    """"100 kg × 5, 5, 4 on Mon 16 Nov" from what next_targets read."""
    amounts = ", ".join(str(a) for a in suggestion.last_sets)
    load = f"{weight_text(suggestion.last_weight_kg, units)} × {amounts}" \
        if suggestion.last_weight_kg else f"{amounts} reps" if amounts else "logged"
    if suggestion.reps.endswith("s") and not suggestion.last_weight_kg:
        load = ", ".join(f"{a} s" for a in suggestion.last_sets)
    when = f" on {day_text(suggestion.last_trained_at.date().isoformat())}" \
        if suggestion.last_trained_at else ""
    return load + when


def mention_in(context: CoachContext, message: str) -> Mention | None:
    """The exercise `message` names, the person's own first (`resolve_exercise`); None when it
    names none or is truly ambiguous (`builtin` asks back before any answer needs this)."""
    p = context.profile
    return resolve_exercise(message, context.own, p.equipment, p.injuries, p.fitness_level).mention
