"""One validator for every weekly plan, built-in or LLM-written.

``validate_plan(plan, profile, request=None)`` takes the plan as a plain dict (parsed JSON)
and returns a list of ``Violation``; an empty list means the plan is valid. It never
raises on a malformed plan: missing keys, wrong types and garbage become violations.

Hard rules, each with its violation code:

- ``malformed``: the plan, a day or an item is not shaped like the schema.
- ``day_count``: exactly ``days_per_week`` days.
- ``unknown_exercise`` / ``name_mismatch``: only catalogue exercises, under their own names.
- ``equipment``: only equipment the person has (bodyweight always).
- ``unsafe``: nothing the catalogue marks unsafe for one of the person's injuries.
- ``level``: nothing above the person's level.
- ``sets``: 1-10 sets. ``rest``: 30-300 s between sets of a main exercise.
- ``reps``: a count, range or seconds; counted work within ``rules.rep_window`` (goal,
  level and the exercise's range), timed work within the exercise's seconds range.
- ``rpe``: a number from 3 to the level's cap.
- ``variation``: easier/harder are null or catalogue ids doable and safe for the person.
- ``progression``: a known rule; timed work uses ``time_step``.
- ``time``: the session, recomputed with ``timing.session_seconds``, is within 10 % of the
  requested length, and ``estimated_minutes`` agrees with it (within 2 minutes).
- ``volume_low`` / ``volume_high``: weekly hard sets per major group within
  ``rules.volume_floor`` (for groups the person can train) and ``rules.VOLUME_CAP``.
- ``weekday`` / ``rest_days`` / ``consecutive``: weekdays valid and distinct, preferred
  weekdays honoured, rest days the untrained weekdays, no over-long run of training days
  (``schedule``).
- ``weeks`` (when the plan has them, see ``block``): 4-6 weeks numbered from 1, the last and
  only the last a deload, each listing the plan's days and their exercises in order; every
  week's sets, reps, RPE and time are judged by the rules above as if it were the plan's
  days, except that the deload week has no volume floor and no shortest session.
  ``warmup_sets``: a list of {percent 0-90, reps 1-15} steps with rising percentages.

Soft rules (``soft=True``, codes ``soft_*``, see ``soft_rules``): what a strength coach
expects beyond the hard rules - 2-5 sets per lift, the main lift first and heaviest, weekly
sets per muscle, push:pull and squat:hinge balance, no redundant or off-focus exercises,
the most effective main lifts, variations ordered by difficulty. They are judged only on a
plan that keeps every hard rule (a plan that cannot be read has nothing to coach).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, TypeGuard

from vigor_app.services.catalogue.catalogue import Catalogue, load_catalogue
from vigor_app.services.catalogue.exercise import Exercise
from vigor_app.services.plans import block, rules, schedule, warmups
from vigor_app.services.plans.request import PlanInputs, PlanRequest, Profile, coerce_inputs
from vigor_app.services.plans.soft_rules import soft_violations
from vigor_app.services.plans.timing import (
    ItemTime,
    estimated_minutes,
    parse_reps,
    session_seconds,
    time_window,
    work_seconds,
)
from vigor_app.services.plans.violations import Violation
from vigor_app.services.vocabulary import LEVEL_RANK, PROGRESSION_RULES, WEEKDAYS

__all__ = ["Violation", "validate_plan"]

ESTIMATE_SLACK_MINUTES = 2
ITEM_KEYS = (
    "exercise_id",
    "name",
    "sets",
    "reps",
    "rest_seconds",
    "rpe",
    "reason",
    "easier",
    "harder",
    "progression",
)
DRILL_KEYS = ("exercise_id", "name", "sets", "reps")


def _is_int(value: Any) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> TypeGuard[float]:
    """A finite int or float (not a bool)."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return True
    return isinstance(value, float) and math.isfinite(value)


class _Checker:
    def __init__(self, inputs: PlanInputs, catalogue: Catalogue, *, deload: bool = False) -> None:
        self.inputs = inputs
        self.catalogue = catalogue
        self.deload = deload  # a deload week: no volume floor, no shortest session
        self.equipment = frozenset(inputs.equipment) | {"bodyweight"}
        self.injuries = frozenset(inputs.injuries)
        self.level_rank = LEVEL_RANK[inputs.level]
        self.found: list[Violation] = []
        self.week_entries: list[tuple[Exercise, int]] = []

    def add(self, code: str, message: str, where: str) -> None:
        self.found.append(Violation(code, message, where))

    # -- the whole plan ----------------------------------------------------------------

    def plan(self, plan: Any) -> None:
        if not isinstance(plan, Mapping):
            self.add("malformed", "the plan must be a JSON object", "plan")
            return
        days = plan.get("days")
        if not isinstance(days, list):
            self.add("malformed", "the plan needs a list of days", "days")
            return
        if len(days) != self.inputs.days_per_week:
            self.add(
                "day_count",
                f"{len(days)} days planned, {self.inputs.days_per_week} asked for",
                "days",
            )
        weekdays: list[str] = []
        for index, day in enumerate(days):
            weekday = self.day(day, f"days[{index}]")
            if weekday is not None:
                weekdays.append(weekday)
        self.week_volume()
        self.schedule(plan, days, weekdays)
        if plan.get("weeks") is not None and not self.found:
            self.weeks(plan, days)

    # -- one day -----------------------------------------------------------------------

    def day(self, day: Any, where: str) -> str | None:
        if not isinstance(day, Mapping):
            self.add("malformed", "a day must be an object", where)
            return None
        if not isinstance(day.get("name"), str):
            self.add("malformed", "a day needs a name", where)
        times: dict[str, list[ItemTime] | None] = {}
        for part in ("warmup", "exercises", "cooldown"):
            items = day.get(part)
            if not isinstance(items, list):
                self.add("malformed", f"{part} must be a list", f"{where}.{part}")
                times[part] = None
                continue
            if part == "exercises" and not items:
                self.add("malformed", "a day needs at least one exercise", f"{where}.{part}")
            collected: list[ItemTime] | None = []
            for index, item in enumerate(items):
                time = self.item(item, f"{where}.{part}[{index}]", main=part == "exercises")
                if time is None:
                    collected = None
                elif collected is not None:
                    collected.append(time)
            times[part] = collected
        self.day_time(day, times, where)
        weekday = day.get("weekday")
        if weekday is None:
            return None
        if not isinstance(weekday, str) or weekday not in WEEKDAYS:
            self.add("weekday", f"unknown weekday {weekday!r}", f"{where}.weekday")
            return None
        return weekday

    def day_time(
        self, day: Mapping[str, Any], times: dict[str, list[ItemTime] | None], where: str
    ) -> None:
        warmup, main, cooldown = times["warmup"], times["exercises"], times["cooldown"]
        if warmup is None or main is None or cooldown is None:
            return  # the broken items are already reported; the time cannot be computed
        seconds = session_seconds(warmup, main, cooldown)
        low, high = time_window(self.inputs.session_minutes)
        if self.deload:
            low = 0
        if not low <= seconds <= high:
            self.add(
                "time",
                f"session takes {seconds / 60:.1f} min by the time model; "
                f"{self.inputs.session_minutes} min (+/-10 %) asked for",
                where,
            )
        stated = day.get("estimated_minutes")
        if not _is_int(stated):
            self.add(
                "malformed",
                "estimated_minutes must be a whole number",
                f"{where}.estimated_minutes",
            )
        elif abs(stated - estimated_minutes(seconds)) > ESTIMATE_SLACK_MINUTES:
            self.add(
                "time",
                f"estimated_minutes {stated} disagrees with the time model ({seconds / 60:.1f} min)",
                f"{where}.estimated_minutes",
            )

    # -- one item ----------------------------------------------------------------------

    def item(self, item: Any, where: str, *, main: bool) -> ItemTime | None:
        """Check one item; return its time-model entry, or None when that cannot be known."""
        if not isinstance(item, Mapping):
            self.add("malformed", "an item must be an object", where)
            return None
        missing = [k for k in (ITEM_KEYS if main else DRILL_KEYS) if k not in item]
        if missing:
            self.add("malformed", f"missing {', '.join(missing)}", where)
        ramp_problem = warmups.steps_problem(item["warmup_sets"]) if main and "warmup_sets" in item else None
        if ramp_problem:
            self.add("malformed", ramp_problem, f"{where}.warmup_sets")
        exercise = self.exercise(item, where)
        sets = item.get("sets")
        if not (_is_int(sets) and rules.SETS_RANGE[0] <= sets <= rules.SETS_RANGE[1]):
            self.add(
                "sets", f"sets must be a whole number from 1 to 10, got {sets!r}", f"{where}.sets"
            )
            sets = None
        rest = item.get("rest_seconds", 0) if main else 0
        rest_ok = True
        if main:
            rest_ok = _is_int(rest) and rules.REST_RANGE[0] <= rest <= rules.REST_RANGE[1]
            if not rest_ok:
                self.add("rest", f"rest must be 30-300 s, got {rest!r}", f"{where}.rest_seconds")
            self.effort(item, exercise, where)
        reps = parse_reps(item.get("reps"))
        if reps is None:
            self.add(
                "reps",
                f"reps must look like '10', '8-12' or '30s', got {item.get('reps')!r}",
                f"{where}.reps",
            )
        elif exercise is not None:
            self.reps(exercise, reps, where, main=main)
        if exercise is None or reps is None or sets is None or not rest_ok:
            return None
        if main:
            self.week_entries.append((exercise, sets))
        return ItemTime(sets, work_seconds(reps, exercise.unilateral), rest)

    def exercise(self, item: Mapping[str, Any], where: str) -> Exercise | None:
        exercise_id = item.get("exercise_id")
        exercise = self.catalogue.find(exercise_id)
        if exercise is None:
            self.add(
                "unknown_exercise",
                f"{exercise_id!r} is not in the catalogue",
                f"{where}.exercise_id",
            )
            return None
        name = item.get("name")
        if not isinstance(name, str) or name.strip().casefold() != exercise.name.casefold():
            self.add(
                "name_mismatch",
                f"{exercise_id!r} is called {exercise.name!r}, not {name!r}",
                f"{where}.name",
            )
        missing = sorted(exercise.equipment_set - self.equipment)
        if missing:
            self.add("equipment", f"{exercise.name} needs {', '.join(missing)}", where)
        unsafe = sorted(exercise.unsafe_set & self.injuries)
        if unsafe:
            self.add(
                "unsafe", f"{exercise.name} is unsafe with a {', '.join(unsafe)} injury", where
            )
        if exercise.level_rank > self.level_rank:
            self.add("level", f"{exercise.name} is for {exercise.level} level and up", where)
        return exercise

    def reps(self, exercise: Exercise, reps: Any, where: str, *, main: bool) -> None:
        if exercise.timed != reps.timed:
            kind = "seconds like '30s'" if exercise.timed else "a rep count"
            self.add("reps", f"{exercise.name} is prescribed in {kind}", f"{where}.reps")
            return
        if reps.timed:
            low, high = rules.seconds_window(exercise)
            unit = "s"
        elif main:
            low, high = rules.rep_window(exercise, self.inputs.goals, self.inputs.level)
            unit = " reps"
        else:
            low, high = exercise.rep_range or (1, 50)
            unit = " reps"
        if not (low <= reps.low and reps.high <= high):
            self.add(
                "reps",
                f"{exercise.name}: {reps} is outside {low}-{high}{unit} for these goals and level",
                f"{where}.reps",
            )

    def effort(self, item: Mapping[str, Any], exercise: Exercise | None, where: str) -> None:
        rpe = item.get("rpe")
        top = rules.RPE_MAX[self.inputs.level]
        if not _is_number(rpe) or not rules.RPE_MIN <= rpe <= top:
            self.add(
                "rpe",
                f"rpe must be a number from {rules.RPE_MIN:g} to {top:g}, got {rpe!r}",
                f"{where}.rpe",
            )
        reason = item.get("reason")
        if not isinstance(reason, str) or not reason.strip():
            self.add("malformed", "reason must be a short sentence", f"{where}.reason")
        for key in ("easier", "harder"):
            value = item.get(key)
            if value is None:
                continue
            variant = self.catalogue.find(value)
            if variant is None:
                self.add("variation", f"{key} {value!r} is not in the catalogue", f"{where}.{key}")
            elif not variant.doable_with(self.equipment) or not variant.safe_for(self.injuries):
                self.add(
                    "variation",
                    f"{key} {variant.name} is not doable or not safe for this person",
                    f"{where}.{key}",
                )
        rule = item.get("progression")
        if rule not in PROGRESSION_RULES:
            self.add("progression", f"unknown progression rule {rule!r}", f"{where}.progression")
        elif exercise is not None and exercise.timed and rule != "time_step":
            self.add(
                "progression", f"{exercise.name} is timed: use time_step", f"{where}.progression"
            )

    # -- the week ------------------------------------------------------------------------

    def week_volume(self) -> None:
        volume = rules.weekly_hard_sets(self.week_entries)
        cap = rules.volume_cap(self.inputs.level)
        floor = rules.volume_floor(
            self.inputs.level, self.inputs.days_per_week, self.inputs.session_minutes
        )
        pool = self.catalogue.available_for(self.equipment, self.injuries, self.inputs.level)
        for group in sorted(rules.trainable_groups(pool)):
            if volume[group] < floor and not self.deload:
                self.add(
                    "volume_low",
                    f"{group}: {volume[group]} hard sets this week, at least {floor} needed",
                    "days",
                )
        for group, sets in sorted(volume.items()):
            if sets > cap:
                self.add(
                    "volume_high",
                    f"{group}: {sets} hard sets this week, at most {cap} allowed",
                    "days",
                )

    def weeks(self, plan: Mapping[str, Any], days: list[Any]) -> None:
        """The block's weeks: each laid over the days and judged like them."""
        weeks = plan["weeks"]
        low, high = block.WEEKS_RANGE
        if not isinstance(weeks, list) or not low <= len(weeks) <= high:
            self.add("weeks", f"weeks must be a list of {low} to {high} weeks", "weeks")
            return
        for index, week in enumerate(weeks):
            where, deload = f"weeks[{index}]", index == len(weeks) - 1
            laid = self.week_days(week, days, index)
            if laid is None:
                continue
            if week.get("deload") is not deload:
                self.add("weeks", "the last week, and only the last, is the deload", f"{where}.deload")
            checker = _Checker(self.inputs, self.catalogue, deload=deload)
            checker.plan({**plan, "days": laid, "weeks": None})
            for found in checker.found:
                self.add(found.code, f"week {index + 1}: {found.message}", f"{where}.{found.where}")

    def week_days(self, week: Any, days: list[Any], index: int) -> list[dict[str, Any]] | None:
        """The plan's days with week ``index``'s targets in place; None (and a violation) when
        the week does not list the plan's days and exercises in order."""
        where = f"weeks[{index}]"
        week_days = week.get("days") if isinstance(week, Mapping) else None
        number = week.get("week") if isinstance(week, Mapping) else None
        if number != index + 1 or not isinstance(week_days, list) or len(week_days) != len(days):
            self.add("weeks", f"week {index + 1} must be numbered {index + 1} and list every day", where)
            return None
        laid = []
        for day_index, (day, targets) in enumerate(zip(days, week_days, strict=True)):
            items = day["exercises"]
            listed = targets.get("exercises") if isinstance(targets, Mapping) else None
            if (not isinstance(listed, list) or len(listed) != len(items) or any(
                    not isinstance(t, Mapping) or t.get("exercise_id") != i.get("exercise_id")
                    or not isinstance(t.get("note", ""), str)
                    for t, i in zip(listed, items, strict=False))):
                self.add("weeks", "a week must list the day's exercises in order",
                         f"{where}.days[{day_index}]")
                return None
            laid.append({**day, "estimated_minutes": targets.get("estimated_minutes"),
                         "exercises": block.laid_over(items, listed)})
        return laid

    def schedule(self, plan: Mapping[str, Any], days: list[Any], weekdays: list[str]) -> None:
        preferred = self.inputs.preferred_weekdays
        count = self.inputs.days_per_week
        if len(set(weekdays)) != len(weekdays):
            self.add("weekday", "two sessions share a weekday", "days")
            return
        if len(weekdays) < len(days):
            if preferred:
                self.add("weekday", "every day needs a weekday when weekdays are preferred", "days")
            return
        chosen = tuple(sorted(weekdays, key=WEEKDAYS.index))
        if len(chosen) == count and not schedule.honours_preferences(chosen, count, preferred):
            self.add(
                "weekday",
                f"training days {', '.join(chosen)} ignore the preferred weekdays",
                "days",
            )
        if len(chosen) == count:
            limit = schedule.max_run_allowed(count, preferred)
            run = schedule.longest_run(chosen)
            if run > limit:
                self.add("consecutive", f"{run} training days in a row; at most {limit}", "days")
        rest = plan.get("rest_days")
        if not isinstance(rest, list) or not all(isinstance(d, str) for d in rest):
            self.add("malformed", "rest_days must be a list of weekdays", "rest_days")
        elif set(rest) != set(schedule.rest_days(chosen)):
            self.add(
                "rest_days", "rest_days must be exactly the weekdays without training", "rest_days"
            )


def validate_plan(
    plan: Any,
    profile: Profile | PlanInputs | Mapping[str, Any],
    request: PlanRequest | Mapping[str, Any] | None = None,
    *,
    catalogue: Catalogue | None = None,
    soft: bool = False,
) -> list[Violation]:
    """Every rule the plan breaks for this person (empty list: the plan is valid).

    ``plan`` may be anything (it is usually parsed JSON); ``profile``/``request`` are the
    person's inputs and must themselves be valid (they raise ``PlanInputError`` if not).
    ``soft=True`` adds the soft rules once the hard ones hold.
    """
    inputs = coerce_inputs(profile, request)
    checker = _Checker(inputs, catalogue or load_catalogue())
    if hasattr(plan, "to_dict") and not isinstance(plan, Mapping):
        plan = plan.to_dict()
    try:
        checker.plan(plan)
    except (TypeError, ValueError, AttributeError, KeyError, IndexError, RecursionError) as exc:
        # Defence in depth: a shape we did not foresee is still a violation, not a crash.
        checker.add("malformed", f"the plan could not be read: {exc}", "plan")
    if soft and not checker.found:
        return soft_violations(plan, inputs, catalogue=checker.catalogue)
    return checker.found
