"""A plan's block: 4-6 weeks that progress from the plan's days, the last one a deload.

A plan's ``days`` are its first week. ``block_weeks`` derives every week of the block from
them, item by item, by the item's progression rule (``plans.progression``), and the result
is stored with the plan as ``weeks`` (and checked by ``validation`` like the days are):

- **Length** (``BLOCK_WEEKS``): beginner 4, intermediate 5, advanced 6 weeks. Beginners
  still add load almost every session, so they need the shortest run before a lighter week;
  advanced lifters accumulate fatigue more slowly week to week and progress in longer waves.
- **Build weeks** (every week but the last), ``k`` = weeks since week 1:
  - ``load_step`` (fixed low reps): same sets and reps, one load step more each week
    ("add 2.5 kg to last week's weight"), the target effort up by ``RPE_STEP`` a week.
  - ``double_progression`` (a rep range with load): same sets and load, the bottom of the
    range climbs evenly to the top by the last build week ("8-12", "9-12", "11-12", "12");
    once every set reaches the top, load goes up (the next block starts again at the bottom).
  - ``rep_step`` (bodyweight and bands): as double progression over a range; a fixed count
    gains a rep a week, at most ``MAX_EXTRA_REPS`` and never past the rep window.
  - ``time_step`` (timed work): ``progression.TIME_STEP_SECONDS`` more a week, never past
    the exercise's longest time.
  Strength work's target RPE rises ``RPE_STEP`` a week up to the level's cap; conditioning
  and mobility keep theirs. A build week must still fit the session (``timing``): if the
  extra reps or seconds would take a session past its window, the latest items in the
  session keep last week's reps that week (never a step back).
- **Deload** (the last week): the same lifts, about half the sets (``ceil(sets / 2)``),
  week 1's reps, target effort ``DELOAD_RPE`` at most, and about 10 % less load than the last
  build week (``progression.DELOAD_FACTOR``); the volume floors do not apply to it.

``current_week`` says which week a person is in, counted by training done: every
``days_per_week`` finished sessions from the plan is a week, and after the deload the block
starts again at week 1 (with the heavier loads the person has reached).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from vigor_app.services.catalogue.catalogue import Catalogue
from vigor_app.services.catalogue.exercise import Exercise
from vigor_app.services.plans import progression, rules, soft_limits, warmups
from vigor_app.services.plans.day_focus import focus_text
from vigor_app.services.plans.plan_notes import plan_notes
from vigor_app.services.plans.request import PlanInputs
from vigor_app.services.plans.timing import (
    ItemTime,
    Reps,
    estimated_minutes,
    format_reps,
    parse_reps,
    session_seconds,
    time_window,
    work_seconds,
)
from vigor_app.services.vocabulary import PROGRESSION_RULES

BLOCK_WEEKS: dict[str, int] = {"beginner": 4, "intermediate": 5, "advanced": 6}
WEEKS_RANGE: tuple[int, int] = (4, 6)
RPE_STEP = 0.5
DELOAD_RPE = 6.0
MAX_EXTRA_REPS = 3
RAMPED_PATTERNS = soft_limits.LIFT_PATTERNS | {"core", "carry"}  # effort rises week to week
WEEK_ITEM_KEYS = ("exercise_id", "sets", "reps", "rpe", "note")


def block_length(level: str) -> int:
    return BLOCK_WEEKS[level]


def current_week(finished_sessions: int, days_per_week: int, weeks: int) -> int:
    """The week (1-based) a person is in after this many finished sessions of the plan."""
    if weeks < 1:
        return 1
    return (max(0, finished_sessions) // max(1, days_per_week)) % weeks + 1


def block_weeks(days: Sequence[Mapping[str, Any]], inputs: PlanInputs,
                catalogue: Catalogue) -> list[dict[str, Any]]:
    """Every week of the block, derived from the plan's days (week 1) - see the docstring.

    The days must already be valid for ``inputs`` (every exercise known, reps readable)."""
    count = block_length(inputs.level)
    read = [(list(day["exercises"]), [catalogue.get(item["exercise_id"]) for item in day["exercises"]],
             [_drill_time(drill, catalogue) for drill in (*day["warmup"], *day["cooldown"])]) for day in days]
    weeks: list[dict[str, Any]] = []
    for number in range(1, count + 1):
        before = [d["exercises"] for d in weeks[-1]["days"]] if weeks else [items for items, _, _ in read]
        weeks.append({
            "week": number,
            "deload": number == count,
            "days": [_week_day(items, exercises, drills, last, number, count, inputs)
                     for (items, exercises, drills), last in zip(read, before, strict=True)],
        })
    return weeks


def _week_day(items: list[Mapping[str, Any]], exercises: list[Exercise], drills: list[ItemTime],
              last_week: list[Mapping[str, Any]], week: int, count: int, inputs: PlanInputs) -> dict[str, Any]:
    targets = [_target(item, exercise, week, count, inputs) for item, exercise in zip(items, exercises,
                                                                                       strict=True)]
    _, high = time_window(inputs.session_minutes)
    seconds = _seconds(targets, items, exercises, drills)
    for index in reversed(range(len(targets))):  # the latest items give way first
        if seconds <= high:
            break
        held = last_week[index]["reps"]  # last week's target, never a step back
        if week < count and targets[index]["reps"] != held:
            targets[index]["reps"] = held
            targets[index]["note"] = _note(items[index], exercises[index], week, count, held=True)
            seconds = _seconds(targets, items, exercises, drills)
    return {"estimated_minutes": estimated_minutes(seconds), "exercises": targets}


def _drill_time(drill: Mapping[str, Any], catalogue: Catalogue) -> ItemTime:
    reps = parse_reps(drill["reps"])
    assert reps is not None, "the days are valid"
    return ItemTime(int(drill["sets"]), work_seconds(reps, catalogue.get(drill["exercise_id"]).unilateral))


def _seconds(targets: list[dict[str, Any]], items: list[Mapping[str, Any]],
             exercises: list[Exercise], drills: list[ItemTime]) -> int:
    main = []
    for target, item, exercise in zip(targets, items, exercises, strict=True):
        reps = parse_reps(target["reps"])
        assert reps is not None, "targets are written by this module"
        main.append(ItemTime(target["sets"], work_seconds(reps, exercise.unilateral),
                             int(item["rest_seconds"])))
    return session_seconds(drills, main, [])


def _rule(item: Mapping[str, Any], exercise: Exercise, reps: Reps) -> str:
    rule = item.get("progression")
    return rule if isinstance(rule, str) and rule in PROGRESSION_RULES else progression.rule_for(exercise, reps)


def _target(item: Mapping[str, Any], exercise: Exercise, week: int, count: int,
            inputs: PlanInputs) -> dict[str, Any]:
    reps = parse_reps(item["reps"])
    assert reps is not None, "the days are valid"
    sets, rpe = int(item["sets"]), float(item["rpe"])
    if week == count:  # deload
        return {"exercise_id": exercise.id, "sets": math.ceil(sets / 2), "reps": str(reps),
                "rpe": min(rpe, DELOAD_RPE), "note": _note(item, exercise, week, count)}
    steps = week - 1
    if exercise.pattern in RAMPED_PATTERNS:
        rpe = min(rpe + RPE_STEP * steps, rules.RPE_MAX[inputs.level])
    return {"exercise_id": exercise.id, "sets": sets,
            "reps": _reps_in_week(reps, _rule(item, exercise, reps), exercise, steps, count - 1, inputs),
            "rpe": rpe, "note": _note(item, exercise, week, count)}


def _reps_in_week(reps: Reps, rule: str, exercise: Exercise, steps: int, build_weeks: int,
                  inputs: PlanInputs) -> str:
    if rule == "load_step" or steps == 0:
        return str(reps)
    if rule == "time_step":
        longest = rules.seconds_window(exercise)[1] if exercise.seconds_range else reps.high
        return format_reps(min(reps.low + progression.TIME_STEP_SECONDS * steps, max(longest, reps.low)),
                           timed=True)
    if reps.low < reps.high:  # a range: its bottom climbs to the top by the last build week
        bottom = reps.low + round((reps.high - reps.low) * steps / max(1, build_weeks - 1))
        return format_reps(min(bottom, reps.high), reps.high if bottom < reps.high else None)
    top = rules.rep_window(exercise, inputs.goals, inputs.level)[1] if exercise.rep_range else reps.low
    return format_reps(min(reps.low + min(steps, MAX_EXTRA_REPS), max(top, reps.low)))


def _note(item: Mapping[str, Any], exercise: Exercise, week: int, count: int, *, held: bool = False) -> str:
    """What the week asks of this exercise, in words."""
    reps = parse_reps(item["reps"])
    assert reps is not None, "the days are valid"
    rule = _rule(item, exercise, reps)
    loaded = rule in ("load_step", "double_progression")
    step = progression.load_step_kg(exercise.equipment_set)
    if week == count:
        lighter = "about 10 % lighter than last week, " if loaded else ""
        return f"Deload: {lighter}half the sets, stop well short of failure."
    if week == 1:
        return ""  # the starting targets speak for themselves
    if held:
        return "Same target as last week: the session has no time for more this week."
    if rule == "load_step":
        return f"Add {step:g} kg to last week's weight; same reps."
    if rule == "double_progression":
        return f"Same weight as last week, more reps; at the top of the range on every set, add {step:g} kg."
    if rule == "time_step":
        return f"Hold {progression.TIME_STEP_SECONDS} s longer than last week."
    return "One more rep than last week where form allows; at the top, try the harder variation."


def with_block(plan: Mapping[str, Any], inputs: PlanInputs, catalogue: Catalogue) -> dict[str, Any]:
    """A valid plan's days completed with everything derived from them: each day's focus
    (``day_focus``), each main lift's warm-up ramp, the block's weeks and the notes. Whatever
    the plan said of these is replaced (an LLM's focus text is data and need not match its
    exercises; a swapped exercise changes its weeks and may change its day's focus)."""
    out = dict(plan)
    days = []
    for day in plan["days"]:
        items = [dict(item) for item in day["exercises"]]
        exercises = [catalogue.get(item["exercise_id"]) for item in items]
        for item, steps in zip(items, warmups.day_ramps(items, exercises), strict=True):
            item["warmup_sets"] = steps
        focus = focus_text(str(day.get("name", "")), [e.id for e in exercises], catalogue)
        days.append({**day, "focus": focus, "exercises": items})
    out["days"] = days
    out["weeks"] = block_weeks(days, inputs, catalogue)
    out["notes"] = plan_notes(inputs, catalogue)
    return out


def laid_over(items: Sequence[Mapping[str, Any]], targets: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """A day's items with one week's targets (sets, reps, RPE, note) in their place."""
    return [{**item, **{key: target[key] for key in WEEK_ITEM_KEYS[1:] if key in target}}
            for item, target in zip(items, targets, strict=True)]
