"""The built-in coach's answers about the plan: what it holds and why, and a missed session.

**Plan.** Each day with its weekday and exercises (sets × reps at RPE), and what the day
trains *as its exercises say*: the catalogue's primary muscles and movement patterns, never
the day's stored focus line (a swap or an edit can leave that stale). The weekly hard sets
per major muscle group (``plans.rules.weekly_hard_sets``, the count the plan engine holds
plans to) and on how many days each group is trained. Why the plan is shaped so, from the
profile: days a week, level (its effort cap), goals (their rep windows, ``rules``), session
length, equipment and injuries - saying plainly where the plan and the profile disagree (an
exercise that needs kit the profile doesn't list, or loads a listed injury). The week of the
block as the Workouts page counts it (``plans.library.current_week``), when the plan has
one. A named exercise of the plan gets its days, prescription and the plan's reason; a day
the message names ("day 2", "Wednesday") is written out first.

**Missed.** After a missed session: the last session, the plan days this week that are
already past and not trained, the next session (the dashboard's pick), the free days left
this week to fit a missed one in - and the rules: do the next planned day, never two in one
day, keep the order. After `exercise_answers.COMEBACK_SHORT_DAYS` days or more without
training it is a break: the answer points to the comeback advice.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, timedelta

from vigor_app.services.catalogue import catalogue
from vigor_app.services.catalogue.exercise import Exercise
from vigor_app.services.coach.answer_parts import getting_started, new_person
from vigor_app.services.coach.context import WEEKDAY_NAMES, CoachContext
from vigor_app.services.coach.exercise_answers import COMEBACK_SHORT_DAYS
from vigor_app.services.coach.exercise_mentions import Mention
from vigor_app.services.coach.facts import PlanDay, PlannedExercise, PlanOutline
from vigor_app.services.coach.wording import day_text, words
from vigor_app.services.counts import plural
from vigor_app.services.errors import VigorError
from vigor_app.services.plans import library as plan_library
from vigor_app.services.plans import rules
from vigor_app.services.plans.timing import parse_reps
from vigor_app.services.safety import messages as safety
from vigor_app.services.vocabulary import MAJOR_GROUPS, WEEKDAY_INDEX, WEEKDAYS

GROUP_NAMES = {"quads": "quads", "glutes_hamstrings": "glutes and hamstrings", "chest": "chest",
               "back": "back", "shoulders": "shoulders", "core": "core"}
WEEK_ASKED = re.compile(r"\b(?:which|what) week\b|\bweek \d+ of\b|\bweek of (?:the |my )?(?:block|plan|program)|"
                        r"\b(?:block|mesocycle)\b")
NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
                "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6}


def and_list(items: Sequence[str]) -> str:
    """"a", "a and b", "a, b and c" (underscores as spaces: "lower back")."""
    items = [item.replace("_", " ") for item in items]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _weekday(day: PlanDay) -> str:
    return WEEKDAY_NAMES[day.weekday] if day.weekday else "any day"


def _item_text(item: PlannedExercise) -> str:
    rpe = f" at RPE {item.rpe:g}" if item.rpe else ""
    return f"{item.name} {item.prescription()}{rpe}"


def _known(items: Sequence[PlannedExercise]) -> list[tuple[PlannedExercise, Exercise]]:
    found = []
    for item in items:
        exercise = catalogue.find_exercise(item.exercise_id)
        if exercise is not None:
            found.append((item, exercise))
    return found


def trains_text(exercises: Sequence[Exercise]) -> str:
    """What these exercises train: "quads, glutes, chest and triceps (squat, horizontal push)"."""
    muscles: list[str] = []
    patterns: list[str] = []
    for exercise in exercises:
        muscles += [m.replace("_", " ") for m in exercise.primary_muscles if m.replace("_", " ") not in muscles]
        pattern = exercise.pattern.replace("_", " ")
        if pattern not in patterns:
            patterns.append(pattern)
    if not muscles:
        return ""
    return f"{and_list(muscles)} ({', '.join(patterns)})"


def _day_line(day: PlanDay, reasons: bool = False) -> str:
    known = _known(day.exercises)
    items = ", ".join(_item_text(item) for item in day.exercises) or "no exercises"
    trains = trains_text([exercise for _, exercise in known])
    unknown = len(day.exercises) - len(known)
    what = f" Trains {trains}." if trains else ""
    if unknown:
        what += (f" ({unknown} of its exercises {'is' if unknown == 1 else 'are'} not in the catalogue, "
                 "so I can't say what they train.)")
    line = f"- **{_weekday(day)}: {day.name}** - {items}.{what}"
    if reasons:
        why = [f"{item.name}: {item.reason}" for item in day.exercises if item.reason]
        if why:
            line += "\n" + "\n".join(f"  - {reason}" for reason in why)
    return line


def weekly_sets(plan: PlanOutline) -> list[tuple[str, int, int]]:
    """(group, hard sets a week, days it is trained on) per major group, in `MAJOR_GROUPS` order;
    a group the plan never trains has (group, 0, 0)."""
    sets: dict[str, int] = {}
    days: dict[str, int] = {}
    for day in plan.days:
        known = [(exercise, item.sets or 0) for item, exercise in _known(day.exercises)]
        volume = rules.weekly_hard_sets(known)
        for group, count in volume.items():
            sets[group] = sets.get(group, 0) + count
            days[group] = days.get(group, 0) + (count > 0)
    return [(group, sets.get(group, 0), days.get(group, 0)) for group in MAJOR_GROUPS]


def _volume_text(plan: PlanOutline) -> str:
    rows = weekly_sets(plan)
    trained = [f"{GROUP_NAMES[g]} {n} (on {plural(d, 'day')})" for g, n, d in rows if n]
    if not trained:
        return ""
    missing = [GROUP_NAMES[g] for g, n, _ in rows if not n]
    none = f" No direct work for {and_list(missing)}." if missing else ""
    return (f"**Weekly hard sets per muscle group:** {', '.join(trained)}.{none} A set counts once "
            "for each major group its main muscles belong to.")


def _rep_span(plan: PlanOutline) -> str:
    """"sets of 5 to 12 reps" over the plan's counted (not timed) items; "" when none."""
    counted = [reps for day in plan.days for item in day.exercises
               if (reps := parse_reps(item.reps)) is not None and not reps.timed]
    if not counted:
        return ""
    low, high = min(r.low for r in counted), max(r.high for r in counted)
    return f"sets of {low} reps" if low == high else f"sets of {low} to {high} reps"


def _why(context: CoachContext, plan: PlanOutline) -> str:
    p = context.profile
    lines = []
    count = len(plan.days)
    days = f"**{count} training day{'' if count == 1 else 's'}**"
    if count == p.days_per_week:
        lines.append(f"{days} for the {p.days_per_week} days a week in your profile, so each muscle "
                     "group gets trained and then rests before its next turn.")
    else:
        lines.append(f"{days}, but your profile now says {p.days_per_week} a week - regenerate the "
                     "plan on the Workouts page to match.")
    rpes = sorted({item.rpe for day in plan.days for item in day.exercises if item.rpe})
    if p.fitness_level in rules.RPE_MAX:
        span = (f"RPE {rpes[0]:g}" if len(rpes) == 1 else f"RPE {rpes[0]:g}-{rpes[-1]:g}") if rpes else ""
        cap = rules.RPE_MAX[p.fitness_level]
        level = f"**{p.fitness_level.capitalize()}:** "
        if rpes and rpes[-1] > cap:
            lines.append(f"{level}working sets at {span}, above your level's cap of RPE {cap:g} - "
                         "regenerate the plan on the Workouts page to match your level.")
        else:
            effort = f"working sets at {span}, " if span else ""
            lines.append(f"{level}{effort}within your level's cap of RPE {cap:g}.")
    goals = [g for g in p.goals if g in rules.GOAL_REP_WINDOWS]
    span = _rep_span(plan)
    if goals:
        low = min(rules.GOAL_REP_WINDOWS[g][0] for g in goals)
        high = max(rules.GOAL_REP_WINDOWS[g][1] for g in goals)
        uses = f"; your plan has {span}" if span else ""
        lines.append(f"**Goals ({words(goals)}):** sets of {low}-{high} reps suit "
                     f"{'it' if len(goals) == 1 else 'them'}{uses}.")
    minutes = [d.estimated_minutes for d in plan.days if d.estimated_minutes]
    if minutes:
        spread = f"{min(minutes)}" if min(minutes) == max(minutes) else f"{min(minutes)}-{max(minutes)}"
        lines.append(f"**{p.session_minutes}-minute sessions:** the days are estimated at {spread} minutes.")
    known = [exercise for day in plan.days for _, exercise in _known(day.exercises)]
    have = set(p.equipment) | {"bodyweight"}
    needs = {e.name: sorted(e.equipment_set - have) for e in known if not e.equipment_set <= have}
    if needs:
        lines.append("**Equipment:** " + "; ".join(f"{name} needs {words(kit)}" for name, kit in needs.items())
                     + f", which your profile doesn't list ({words(p.equipment)}) - ask me for a swap.")
    else:
        lines.append(f"**Equipment:** every exercise uses what your profile lists ({words(p.equipment)}).")
    if p.injuries:
        hurt = {e.name: sorted(e.unsafe_set & set(p.injuries)) for e in known if e.unsafe_set & set(p.injuries)}
        if hurt:
            lines.append("**Injuries:** " + "; ".join(f"{name} loads your {words(h)}" for name, h in hurt.items())
                         + " - ask me \"what can I do instead of ...?\" for a safer swap.")
        else:
            lines.append(f"**Injuries:** none of its exercises loads your {words(p.injuries)}.")
    return "**Why it's shaped this way**\n" + "\n".join(f"- {line}" for line in lines)


def block_week(user_id: int, plan: PlanOutline) -> plan_library.PlanWeek | None:
    """The week of the plan's block the person is in, as the Workouts page counts it; None
    when the plan has no block."""
    try:
        return plan_library.current_week(user_id, plan.id)
    except VigorError:
        return None


def _block_text(week: plan_library.PlanWeek | None) -> str:
    if week is None:
        return ""
    counted = " (counted by the workouts you've finished from this plan, as the Workouts page does)"
    if week.deload:
        return (f"This is **week {week.number} of {week.weeks}** of the block{counted}: the **deload** "
                "week - about half the sets and 10 % less weight, so you start the next block fresh.")
    return (f"This is **week {week.number} of {week.weeks}** of the block{counted}. Each week builds on "
            f"the one before; week {week.weeks} is a lighter deload week.")


def _day_asked(message: str, plan: PlanOutline) -> PlanDay | None:
    """The plan day a message names: "day 2", "the second day", a weekday or the day's name."""
    text = safety.normalise(message)
    number = re.search(r"\bday (\d|one|two|three|four|five|six|seven)\b|\b(first|second|third|fourth|"
                       r"fifth|sixth) day\b", text)
    if number:
        word = number.group(1) or number.group(2)
        index = int(word) if word.isdigit() else NUMBER_WORDS[word]
        return plan.days[index - 1] if 1 <= index <= len(plan.days) else None
    for day in plan.days:
        if day.name and len(day.name) > 3 and safety.normalise(day.name) in text:
            return day
    for weekday, name in WEEKDAY_NAMES.items():
        if re.search(rf"\b{name.lower()}s?\b", text):
            return next((d for d in plan.days if d.weekday == weekday), None)
    return None


def _in_plan(plan: PlanOutline, exercise_id: str) -> list[tuple[PlanDay, PlannedExercise]]:
    return [(day, item) for day in plan.days for item in day.exercises if item.exercise_id == exercise_id]


def _not_in_plan(plan: PlanOutline, exercise: Exercise) -> str:
    same = sorted({item.name for day in plan.days for item, e in _known(day.exercises)
                   if e.pattern == exercise.pattern})
    instead = f" Your plan covers the same movement with {and_list(same)}." if same else ""
    return f"**{exercise.name}** isn't in your plan.{instead}"


def _exercise_answer(context: CoachContext, plan: PlanOutline, exercise: Exercise) -> str:
    """Where a planned exercise is, what it trains, why the plan has it, and any clash with
    the profile."""
    where = _in_plan(plan, exercise.id)
    days = "; ".join(f"{_weekday(day)} ({day.name}): {item.prescription()}"
                     + (f" at RPE {item.rpe:g}" if item.rpe else "") for day, item in where)
    out = [f"**{exercise.name}** is on {days}. It trains {trains_text([exercise])}."]
    reasons = list(dict.fromkeys(item.reason for _, item in where if item.reason))
    if reasons:
        out.append("**Why it's there:** " + " ".join(reasons))
    p = context.profile
    missing = sorted(exercise.equipment_set - set(p.equipment) - {"bodyweight"})
    hurt = sorted(exercise.unsafe_set & set(p.injuries))
    if missing or hurt:
        clash = " and ".join(([f"needs {words(missing)}, which your profile doesn't list"] if missing else [])
                             + ([f"loads your {words(hurt)}, which you listed as injured"] if hurt else []))
        out.append(f"**Careful:** it {clash} - ask me \"what can I do instead of "
                   f"{exercise.name.lower()}?\" for a swap.")
    days_with = {day.index: day for day, _ in where}
    out.append("\n".join(_day_line(day) for day in days_with.values()))
    out.append("Ask me \"explain my plan\" for the whole week and why it's built this way.")
    return "\n\n".join(out)


def _day_answer(user_id: int, plan: PlanOutline, day: PlanDay) -> str:
    count = len(plan.days)
    out = [f"**Day {day.index + 1} of {count}:**\n" + _day_line(day, reasons=True)]
    others = [f"{_weekday(d)}: {d.name}" for d in plan.days if d.index != day.index]
    if others:
        out.append(f"The other day{'' if len(others) == 1 else 's'} of **{plan.name}**: {'; '.join(others)}.")
    block = _block_text(block_week(user_id, plan))
    if block:
        out.append(block)
    out.append("Ask me \"explain my plan\" for the whole week and why it's built this way.")
    return "\n\n".join(out)


def plan_answer(user_id: int, context: CoachContext, mention: Mention | None, message: str = "") -> str:
    """What the active plan holds, what each day trains (from its exercises) and why; a named
    exercise of the plan, or a day the message names, on its own."""
    plan = context.plan
    if plan is None:
        if context.is_new:
            return "You don't have a plan yet, so there's nothing to explain.\n\n" + getting_started(context)
        return ("You don't have an active plan. **Generate one on the Workouts page**: it's built from "
                "your profile - your level, goals, equipment, injuries and how many days a week you "
                "train - and then I can explain each day.")
    if not plan.days:
        return f"**{plan.name}** has no training days yet - regenerate it on the Workouts page."
    if mention is not None and _in_plan(plan, mention.exercise.id):
        return _exercise_answer(context, plan, mention.exercise)
    asked = _day_asked(message, plan) if message else None
    if asked is not None:
        return _day_answer(user_id, plan, asked)
    if WEEK_ASKED.search(safety.normalise(message)):
        block = _block_text(block_week(user_id, plan))
        return (block or f"**{plan.name}** doesn't run in a block of weeks: every week has the same "
                "targets, and the log adds weight or reps as you progress.") + \
            "\n\nAsk me \"explain my plan\" for the whole week and why it's built this way."
    out = []
    if mention is not None and mention.strong:
        out.append(_not_in_plan(plan, mention.exercise))
    weekdays = [WEEKDAY_NAMES[d] for d in WEEKDAYS if d in plan.weekdays]
    on = f": {and_list(weekdays)}" if weekdays else ""
    count = len(plan.days)
    out.append(f"**{plan.name}** has {count} training day{'' if count == 1 else 's'} a week{on}.")
    week = block_week(user_id, plan)
    if week is not None:
        out.append(_block_text(week) + ("" if week.number == 1 else " The targets below are the block's "
                                        "first week; the Workouts page shows this week's."))
    out.append("**The days** (what each trains comes from its exercises)\n"
               + "\n".join(_day_line(day) for day in plan.days))
    volume = _volume_text(plan)
    if volume:
        out.append(volume)
    out.append(_why(context, plan))
    return "\n\n".join(out)


# --- a missed session ---------------------------------------------------------------------------

MISSED_RULES = (
    "**Do the next planned session** - no need to restart the week or the plan; the weights "
    "carry on from where you left them.",
    "**Don't cram two sessions into one day.** The second one is tired, sloppy work, and the muscles "
    "need a day between hard sessions to recover.",
    "**Keep the order of the days**, so every muscle group still gets its turn.",
)


def _this_week(context: CoachContext, plan: PlanOutline) -> tuple[list[PlanDay], list[str]]:
    """(plan days already past this week and not trained, free weekdays left after today)."""
    today = date.fromisoformat(context.today)
    monday = today - timedelta(days=today.weekday())
    trained = {s.plan_day_index for s in context.recent_sessions
               if s.plan_id == plan.id and s.plan_day_index is not None
               and date.fromisoformat(s.day) >= monday}
    past = [d for d in plan.days if d.weekday and WEEKDAY_INDEX[d.weekday] < today.weekday()
            and d.index not in trained]
    planned = set(plan.weekdays)
    free = [WEEKDAY_NAMES[w] for w in WEEKDAYS[today.weekday() + 1:] if w not in planned]
    return past, free


def missed_answer(user_id: int, context: CoachContext, mention: Mention | None) -> str:
    """What to do after missing a session, from the plan and this week's training."""
    days = context.days_since_last_session
    if context.is_new or days is None:
        if context.today_plan is not None:
            return (f"You haven't logged a workout yet, so nothing is missed - start with "
                    f"**{context.today_plan.name}** whenever you're ready.")
        return new_person(context, "plan around")
    last = context.recent_sessions[0] if context.recent_sessions else None
    last_day = day_text(context.last_session_on or context.today)
    ago = "today" if days == 0 else "yesterday" if days == 1 else f"{days} days ago"
    if days >= COMEBACK_SHORT_DAYS:
        return (f"Your last session was {last_day} ({ago}) - after {days} days that's a break rather "
                "than a missed session. Ease back in at about 70-80 % of your last working weights "
                "for a week or two; ask me **\"how do I come back after a break?\"** and I'll work "
                "out the weights and a re-entry plan from your log.")
    out = ["Missing a session happens - one missed workout costs you nothing. What matters is the "
           "next one."]
    name = f"**{last.name}** on " if last is not None else ""
    out.append(f"Your last session was {name}{last_day} ({ago}). This week: {context.week_sessions} "
               f"of {context.week_target} sessions.")
    plan = context.plan
    if plan is None:
        out.append("You don't have a plan, so nothing is scheduled: train the next day you can and pick "
                   "up where you left off. **Generate a plan** on the Workouts page and I can tell you "
                   "which session comes next.")
        return "\n\n".join(out)
    if context.week_complete:
        out.append(f"Every day of **{plan.name}** is done this week - there's nothing to make up.")
        return "\n\n".join(out)
    past, free = _this_week(context, plan)
    today = context.today_plan
    step = ""
    if past:
        missed = and_list([f"**{d.name}** ({_weekday(d)})" for d in past])
        step = f"Not trained yet this week: {missed}. "
    if today is not None and today.done:
        step += f"You've already trained **{today.name}** today - nothing more today."
    elif today is not None and today.scheduled:
        step += f"Today's session is **{today.name}**: do it as planned."
    elif today is not None:
        step += f"Today is free in your plan, so it's a good day for **{today.name}**."
    if step:
        out.append(step.strip())
    if past:
        later = [d for d in past if today is None or d.index != today.day_index]
        if later and free:
            out.append(f"To make up {and_list([d.name for d in later])}, use a free day later this week "
                       f"({' or '.join(free)}) - never as a second session on the same day.")
        elif later:
            first = plan.days[0].name
            out.append(f"There's no free day left this week for {and_list([d.name for d in later])}, so let "
                       f"it go and carry on with the plan; next week starts with {first} as usual.")
    out.append("\n".join(f"- {rule}" for rule in MISSED_RULES))
    return "\n\n".join(out)
