"""The built-in weekly plan engine: deterministic, offline, a few milliseconds per plan.

How a week is built (``generate_plan``):

1. Resolve profile + request into ``PlanInputs`` and take the person's exercise pool:
   equipment they have, safe for every injury, at or below their level (``catalogue``).
2. Pick the split from the number of days (``splits``) and the weekdays (``schedule``).
3. Fill each day: warm-up and cool-down drills, then one exercise per template slot, with
   goal slots added (conditioning for endurance and fat loss, mobility drills for mobility,
   a focus slot for focus areas) - ``selection``; each exercise prescribed for its role and
   the goals - ``prescription``. A strength goal always gets a heavy compound lift when
   the kit allows one.
4. Allocate sets over the whole week: main lifts and every trainable muscle group first,
   then each group's weekly floor, then base sets, never past a group's weekly cap or a
   session's time - ``allocation``.
5. Settle every session on its requested length with the time model - ``settling``; if
   that moved the push:pull or squat:hinge balance out of range, rebalance and re-time.
6. Write each day's focus from the exercises it ended up with (``day_focus``): never a
   template's text, which could name patterns that equipment, injuries or time took out.

The result is checked by the same rules an LLM plan is (``validation``). Same inputs and
seed give the same plan: every choice comes from ``random.Random(seed)`` over sorted data.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any

from vigor_app.services.catalogue.catalogue import Catalogue, load_catalogue
from vigor_app.services.plans import block, progression, schedule, splits, warmups
from vigor_app.services.plans.allocation import allocate, rebalance
from vigor_app.services.plans.day_focus import focus_text
from vigor_app.services.plans.draft import DraftDay, DraftEntry, Week
from vigor_app.services.plans.plan_notes import plan_notes
from vigor_app.services.plans.request import PlanInputs, PlanRequest, Profile, coerce_inputs
from vigor_app.services.plans.selection import build_day, ensure_strength_lift, goal_slots
from vigor_app.services.plans.settling import settle
from vigor_app.services.plans.timing import estimated_minutes
from vigor_app.services.plans.weekly_plan import PlanDay, PlanItem, WeeklyPlan

ENGINE_NAME = "builtin"


def generate_plan(
    profile: Profile | PlanInputs | Mapping[str, Any],
    request: PlanRequest | Mapping[str, Any] | None = None,
    seed: int = 0,
    *,
    catalogue: Catalogue | None = None,
) -> WeeklyPlan:
    """Build one week of training for a profile (and optional request) from a seed.

    ``profile`` may be a ``Profile``, resolved ``PlanInputs`` or a profile dict; a bad dict
    raises ``PlanInputError`` naming the key.
    """
    inputs = coerce_inputs(profile, request)
    week = Week(inputs, catalogue or load_catalogue(), seed)
    split, templates = splits.split_for(inputs.days_per_week)
    weekdays = schedule.choose_weekdays(inputs.days_per_week, inputs.preferred_weekdays)
    days = [
        DraftDay(
            label=label,
            weekday=weekday,
            slots=goal_slots(week, template),
            target=inputs.session_minutes * 60,
        )
        for template, label, weekday in zip(templates, day_labels(templates), weekdays, strict=True)
    ]
    for day in days:
        build_day(week, day)
    ensure_strength_lift(week, days)
    allocate(week, days)
    for day in days:
        settle(week, day)
    if rebalance(week, days):  # settling a session moved a balance: set it right, re-settle
        for day in days:
            day.entries = [e for e in day.entries if e.sets]
            settle(week, day)
    plan_days = tuple(_plan_day(week, index, day) for index, day in enumerate(days, start=1))
    return WeeklyPlan(
        seed=seed,
        split=split,
        inputs=inputs.to_dict(),
        days=plan_days,
        rest_days=schedule.rest_days(weekdays),
        engine=ENGINE_NAME,
        weeks=tuple(block.block_weeks([d.to_dict() for d in plan_days], inputs, week.catalogue)),
        notes=tuple(plan_notes(inputs, week.catalogue)),
    )


def day_labels(templates: tuple[splits.DayTemplate, ...]) -> list[str]:
    """Template labels, lettered A, B, C when a label repeats in the split."""
    counts = Counter(t.label for t in templates)
    seen: Counter[str] = Counter()
    labels = []
    for template in templates:
        if counts[template.label] > 1:
            labels.append(f"{template.label} {'ABC'[seen[template.label]]}")
            seen[template.label] += 1
        else:
            labels.append(template.label)
    return labels


def _plan_day(week: Week, index: int, day: DraftDay) -> PlanDay:
    ramps = warmups.day_ramps([], [entry.exercise for entry in day.entries])
    return PlanDay(
        name=f"Day {index} \u2014 {day.label}",
        weekday=day.weekday,
        focus=focus_text(day.label, [entry.exercise.id for entry in day.entries], week.catalogue),
        estimated_minutes=estimated_minutes(day.total_seconds()),
        warmup=tuple(day.warmup),
        exercises=tuple(_plan_item(week, entry, ramp) for entry, ramp in zip(day.entries, ramps, strict=True)),
        cooldown=tuple(day.cooldown),
    )


def _plan_item(week: Week, entry: DraftEntry, ramp: list[dict[str, int]]) -> PlanItem:
    easier, harder = week.catalogue.variations(
        entry.exercise.id, week.inputs.equipment, week.inputs.injuries
    )
    return PlanItem(
        exercise_id=entry.exercise.id,
        name=entry.exercise.name,
        sets=entry.sets,
        reps=str(entry.reps),
        rest_seconds=entry.rest,
        rpe=entry.rpe,
        reason=entry.reason,
        easier=easier.id if easier else None,
        harder=harder.id if harder else None,
        progression=progression.rule_for(entry.exercise, entry.reps),
        warmup_sets=tuple(ramp),
    )
