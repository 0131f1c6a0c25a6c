"""The soft rules: what a strength coach expects of a week, beyond the hard rules.

``soft_violations(plan, profile, request=None)`` reads a plan dict (the stored schema,
``weekly_plan``) and returns ``violations.Violation``s with stable codes;
``validate_plan(..., soft=True)`` adds them once the hard rules hold, the engine keeps them
(``bench/plan_quality.py`` measures it) and the AI judge asks them of LLM plans. It never
raises on a malformed plan; what it cannot read it skips, and a plan without a list of days
has no soft violations (``validate_plan`` reports the shape). Numbers live in
``soft_limits``.

Rules, each with its code:

- ``soft_sets``: every lifting exercise (a counted, not timed, item of a strength pattern)
  gets 2-5 working sets. Timed items, conditioning and mobility may have one set, and so
  may lifts in sessions under ``soft_limits.SHORT_SESSION_MINUTES`` (30).
- ``soft_main_sets``: the day's main lift (its first lifting item) gets 3-5 sets and at
  least as many as any other item of that day.
- ``soft_strength_reps``: with a strength goal and 4 × 60 min or more, the day's main lift
  is prescribed within 1-6 reps (or, for a lift whose catalogue range starts above 6,
  its lowest reps).
- ``soft_volume_low`` / ``soft_volume_high``: weekly sets per muscle (chest, back = lats and
  upper back, quads, hamstrings, glutes, shoulders; primary 1 set, secondary ½) between
  ``soft_limits.volume_floor`` and ``volume_ceiling`` (never over 25). A muscle that no
  exercise the person can do (kit, injuries, level) trains as a primary muscle has no floor.
- ``soft_push_pull``: weekly push:pull sets between 0.67 and 1.5 (both balances are judged
  only when the person can do at least ``MIN_SIDE_EXERCISES`` exercises of each side: an
  injury that takes out nearly every press leaves nothing to balance the pulls with), and a
  focus the person asked for may tilt a balance toward its side (``focus_tilt``: a quads
  focus brings more squats and lunges than hinges).
- ``soft_squat_hinge``: weekly squat + lunge : hinge sets between 0.5 and 2.
- ``soft_redundant``: no two items in a day with the same pattern, the same first primary
  muscle and the same type (compound / isolation / other) - three calf raises.
- ``soft_focus``: on a day named Upper, Lower, Legs, Push or Pull, every strength item fits
  it (no bench dip on a lower day); core, carries, conditioning and mobility fit any day.
- ``soft_main_lift``: each of the day's first two lifting items, when of a lifting
  pattern, is among the most effective compounds of its pattern the person can do
  (equipment, injuries, level): no better ``soft_limits.lift_tier`` and not dominated
  (order written down in ``soft_limits``).
- ``soft_variation``: an item's ``easier`` variation has a lower catalogue difficulty and its
  ``harder`` one a higher difficulty, the same pattern, a shared primary muscle and, for
  the lifting patterns, the same type (an isolation move is no variation of a press, nor a
  compound lift of a curl) - so one exercise is never easier than one lift and harder than
  its twin.

Left out, because one stored week does not hold the data: the block of 4-6 progressing
weeks with a deload, warm-up ramps for heavy lifts, and the plan *saying* which goal it
favoured or which muscles an injury took out (the plan has no field for either yet).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

from vigor_app.services.catalogue.catalogue import Catalogue, load_catalogue
from vigor_app.services.catalogue.exercise import Exercise
from vigor_app.services.plans import soft_limits as limits
from vigor_app.services.plans.request import PlanInputs, PlanRequest, Profile, coerce_inputs
from vigor_app.services.plans.timing import parse_reps
from vigor_app.services.plans.violations import Violation
from vigor_app.services.plans.weekly_plan import WeeklyPlan
from vigor_app.services.vocabulary import STRENGTH_PATTERNS

# Every code, in the order the docstring lists the rules.
SOFT_CODES: tuple[str, ...] = tuple(
    f"soft_{rule}"
    for rule in (
        "sets main_sets strength_reps volume_low volume_high push_pull squat_hinge"
        " redundant focus main_lift variation"
    ).split()
)


class _Item(NamedTuple):
    """One readable main-part item of a day."""

    exercise: Exercise
    sets: int
    raw: Mapping[str, Any]
    where: str

    @property
    def is_lift(self) -> bool:
        return self.exercise.pattern in STRENGTH_PATTERNS and not self.exercise.timed


@dataclass(frozen=True)
class _Day:
    name: str
    where: str
    items: tuple[_Item, ...]


def _fmt(number: float) -> str:
    return f"{number:g}"


class _SoftChecker:
    def __init__(self, inputs: PlanInputs, catalogue: Catalogue) -> None:
        self.inputs = inputs
        self.catalogue = catalogue
        self.pool = catalogue.available_for(inputs.equipment, inputs.injuries, inputs.level)
        self.minutes = limits.weekly_minutes(inputs.days_per_week, inputs.session_minutes)
        self.short = inputs.session_minutes < limits.SHORT_SESSION_MINUTES
        self.found: list[Violation] = []

    def add(self, code: str, message: str, where: str) -> None:
        self.found.append(Violation(code, message, where))

    # -- reading -------------------------------------------------------------------------

    def read(self, plan: Any) -> list[_Day] | None:
        if not isinstance(plan, Mapping) or not isinstance(plan.get("days"), list):
            return None
        days = []
        for index, day in enumerate(plan["days"]):
            if not isinstance(day, Mapping) or not isinstance(day.get("exercises"), list):
                continue
            where = f"days[{index}]"
            items = []
            for number, item in enumerate(day["exercises"]):
                if not isinstance(item, Mapping):
                    continue
                exercise = self.catalogue.find(item.get("exercise_id"))
                sets = item.get("sets")
                if exercise is None or not isinstance(sets, int) or isinstance(sets, bool):
                    continue
                items.append(_Item(exercise, sets, item, f"{where}.exercises[{number}]"))
            name = day.get("name")
            days.append(_Day(name if isinstance(name, str) else where, where, tuple(items)))
        return days

    # -- per day -------------------------------------------------------------------------

    def day(self, day: _Day) -> None:
        lifts = [item for item in day.items if item.is_lift]
        low, high = limits.LIFT_SETS
        if self.short:
            low = 1
        for item in lifts:
            if not low <= item.sets <= high:
                self.add(
                    "soft_sets",
                    f"{day.name}: {item.exercise.name} has {item.sets} set(s); "
                    f"a lifting exercise gets {low}-{high} working sets",
                    item.where,
                )
        if lifts:
            self.main_lift_sets(day, lifts)
        for item in lifts[: limits.MAIN_LIFTS_PER_DAY]:
            self.main_lift_choice(day, item)
        self.redundancy(day)
        self.focus(day)

    def main_lift_sets(self, day: _Day, lifts: list[_Item]) -> None:
        main = lifts[0]
        low, high = limits.MAIN_LIFT_SETS
        if self.short:
            low = 1
        name = main.exercise.name
        if not low <= main.sets <= high:
            self.add(
                "soft_main_sets",
                f"{day.name}: the main lift {name} has {main.sets} set(s); it gets {low}-{high}",
                main.where,
            )
        most = max(lifts, key=lambda item: item.sets)
        if most.sets > main.sets:
            self.add(
                "soft_main_sets",
                f"{day.name}: the main lift {name} has {main.sets} set(s), fewer than "
                f"{most.exercise.name} ({most.sets})",
                main.where,
            )
        if "strength" in self.inputs.goals and self.minutes >= limits.LONG_WEEK_MINUTES:
            reps = parse_reps(main.raw.get("reps"))
            r_low, r_high = limits.STRENGTH_MAIN_REPS
            # As low as the lift goes: a cable press that starts at 8 reps is held to 8.
            own_low = main.exercise.rep_range[0] if main.exercise.rep_range else r_low
            top = max(r_high, own_low)
            if reps is not None and not reps.timed and not r_low <= reps.low <= reps.high <= top:
                self.add(
                    "soft_strength_reps",
                    f"{day.name}: the main lift {name} is prescribed {reps} reps; "
                    f"a strength goal wants {r_low}-{top}",
                    main.where,
                )

    def main_lift_choice(self, day: _Day, item: _Item) -> None:
        chosen = item.exercise
        if chosen.pattern not in limits.LIFT_PATTERNS:
            return
        top = limits.top_lifts(self.pool, chosen.pattern)
        if top is None or chosen.id in top:
            return
        better = self.catalogue.get(min(top))
        pattern = chosen.pattern.replace("_", " ")
        self.add(
            "soft_main_lift",
            f"{day.name}: main {pattern} lift {chosen.name}, but {better.name} is a more "
            "effective loadable compound this person can do",
            item.where,
        )

    def redundancy(self, day: _Day) -> None:
        groups: dict[tuple[str, str, str], list[_Item]] = defaultdict(list)
        for item in day.items:
            key = limits.redundancy_key(item.exercise)
            if key is not None:
                groups[key].append(item)
        for (pattern, muscle, kind), items in groups.items():
            if len(items) > 1:
                names = ", ".join(f"{i.exercise.name} ({i.sets})" for i in items)
                self.add(
                    "soft_redundant",
                    f"{day.name}: {len(items)} {kind} {pattern.replace('_', ' ')} exercises "
                    f"for {muscle.replace('_', ' ')}: {names}",
                    items[1].where,
                )

    def focus(self, day: _Day) -> None:
        fitting = limits.day_fit(day.name)
        for item in day.items:
            if limits.fits_day(fitting, item.exercise):
                continue
            pattern = item.exercise.pattern
            self.add(
                "soft_focus",
                f"{day.name}: {item.exercise.name} ({pattern.replace('_', ' ')}) does not fit "
                "the day's focus",
                item.where,
            )

    # -- the week ------------------------------------------------------------------------

    def volume(self, days: list[_Day]) -> None:
        goals, level = self.inputs.goals, self.inputs.level
        floor = limits.volume_floor(goals, level, self.minutes)
        counted = [i for d in days for i in d.items if i.exercise.pattern in STRENGTH_PATTERNS]
        trainable = limits.trainable_muscles(self.pool)
        for muscle, members in limits.SOFT_MUSCLES.items():
            sets = sum(i.sets * limits.muscle_share(i.exercise, members) for i in counted)
            if muscle in trainable and sets < floor:
                self.add(
                    "soft_volume_low",
                    f"{muscle}: {_fmt(sets)} sets this week, at least {floor} wanted "
                    f"({self.inputs.days_per_week} x {self.inputs.session_minutes} min, "
                    f"{', '.join(goals)}, {level})",
                    "days",
                )
            ceiling = limits.volume_ceiling(goals, level, self.minutes, muscle)
            if sets > ceiling:
                self.add(
                    "soft_volume_high",
                    f"{muscle}: {_fmt(sets)} sets this week, at most {ceiling} wanted",
                    "days",
                )

    def balance(self, days: list[_Day]) -> None:
        totals: dict[str, int] = defaultdict(int)
        for item in (i for d in days for i in d.items):
            totals[item.exercise.pattern] += item.sets
        for rule, top_patterns, bottom_patterns, (low, high) in limits.BALANCES:
            top = sum(totals[p] for p in top_patterns)
            bottom = sum(totals[p] for p in bottom_patterns)
            if limits.ratio_ok(top, bottom, (low, high)):
                continue
            if not limits.balance_judged(self.pool, top_patterns, bottom_patterns):
                continue  # one side has (almost) nothing the person can do: nothing to balance
            tilt = limits.focus_tilt(rule, top_patterns, bottom_patterns, self.inputs.focus)
            if (tilt == "top" and top > high * bottom) or (tilt == "bottom" and top < low * bottom):
                continue  # the person asked for more of that side
            top_name, bottom_name = limits.BALANCE_SIDES[rule]
            shown = f"{top / bottom:.2f}" if bottom else "no " + bottom_name
            self.add(
                f"soft_{rule}",
                f"{top_name}:{bottom_name} sets {top}:{bottom} ({shown}); wanted {low:g}-{high:g}",
                "days",
            )

    def variations(self, days: list[_Day]) -> None:
        for day in days:
            for item in day.items:
                for key, sign in (("easier", -1), ("harder", 1)):
                    variant = self.catalogue.find(item.raw.get(key))
                    if variant is not None:
                        self.variation(day, item, key, sign, variant)

    def variation(self, day: _Day, item: _Item, key: str, sign: int, variant: Exercise) -> None:
        exercise = item.exercise
        problems = []
        if (variant.difficulty - exercise.difficulty) * sign <= 0:
            problems.append(
                f"difficulty {variant.difficulty} is not {'below' if sign < 0 else 'above'} "
                f"{exercise.difficulty}"
            )
        if variant.pattern != exercise.pattern:
            problems.append(f"pattern {variant.pattern} differs")
        if not set(variant.primary_muscles) & set(exercise.primary_muscles):
            problems.append("no shared primary muscle")
        if exercise.pattern in limits.LIFT_PATTERNS and variant.is_compound != exercise.is_compound:
            problems.append(f"type {limits.kind(variant)} differs from {limits.kind(exercise)}")
        if problems:
            self.add(
                "soft_variation",
                f"{day.name}: {key} {variant.name} for {exercise.name}: {'; '.join(problems)}",
                f"{item.where}.{key}",
            )


# Who the plan is for, as ``validate_plan`` takes it: a profile (or ready inputs) and a request.
Person = Profile | PlanInputs | Mapping[str, Any]
Ask = PlanRequest | Mapping[str, Any] | None


def soft_violations(
    plan: Any, profile: Person, request: Ask = None, *, catalogue: Catalogue | None = None
) -> list[Violation]:
    """Every soft rule the plan breaks for this person (empty: a coach would sign it).

    ``plan`` is a plan dict or a ``WeeklyPlan``; the person's inputs are read as by
    ``validate_plan``.
    """
    checker = _SoftChecker(coerce_inputs(profile, request), catalogue or load_catalogue())
    days = checker.read(plan.to_dict() if isinstance(plan, WeeklyPlan) else plan)
    if days is None:
        return []  # not a plan at all: validate_plan says why
    for day in days:
        checker.day(day)
    checker.volume(days)
    checker.balance(days)
    checker.variations(days)
    return checker.found
