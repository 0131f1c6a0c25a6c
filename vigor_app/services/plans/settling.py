"""Settling each session on the length the person asked for, using the time model.

Too short (``grow``), in this order:
  a. lengthen rests up to each role's preferred maximum;
  b. add a couple of sets where a muscle group is still under its weekly target;
  c. add fillers that count towards no muscle group, in goal order (endurance: one long
     steady bout, then intervals; fat loss: intervals first; mobility: drills; strength
     and muscle gain: small muscles such as arms and calves), at most ``MAX_FILLERS``;
  d. more filler sets and longer timed fillers, then rests up to 300 s, then up to 10 sets.
Too long (``shrink``): shorter rests, then fewer sets and whole exercises where every group
keeps its weekly floor, then fewer drills. Finally ``fine_tune`` moves rests in 5 s steps
to land as close to the requested length as the rests allow.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from vigor_app.services.catalogue.exercise import Exercise
from vigor_app.services.plans import rules
from vigor_app.services.plans.draft import AIM, DraftDay, DraftEntry, Week
from vigor_app.services.plans.prescription import prescribe
from vigor_app.services.plans.selection import JITTER, difficulty_gap
from vigor_app.services.plans.timing import MAIN_TRANSITION_SECONDS, Reps

MAX_FILLERS = 5
FILLER_LIMITS: dict[str, int] = {"steady": 1, "interval": 2, "mobility": 2, "small": 3}
FILLER_ORDER: dict[str, list[str]] = {
    "endurance": ["steady", "interval"],
    "fat_loss": ["interval", "steady"],
    "mobility": ["mobility"],
    "strength": ["small"],
    "muscle_gain": ["small"],
    "general_fitness": ["interval", "mobility"],
}
REST_STEP = 5
GOAL_ROLES = frozenset({"conditioning", "mobility", "focus"})
TIMED_STEP = 30
FINE_TUNE_STEPS = 400


def settle(week: Week, day: DraftDay) -> None:
    grow(week, day)
    shrink(week, day)
    fine_tune(day)


def filler_kind(exercise: Exercise) -> str:
    if exercise.pattern == "conditioning":
        return "steady" if "steady_state" in exercise.tags else "interval"
    return "mobility" if exercise.pattern == "mobility" else "small"


def filler_candidates(week: Week, day: DraftDay) -> list[Exercise]:
    """Work that uses time without adding muscle-group volume, in goal order.

    Within a kind: difficulty near the level, the day's own patterns first (biceps on pull
    days, calves on leg days), then the seeded jitter. Steady bouts may repeat a warm-up.
    """
    in_day = day.used_ids()
    drills = {d.exercise_id for d in day.warmup} | {d.exercise_id for d in day.cooldown}
    day_patterns = {p for slot in day.slots for p in slot.patterns}
    buckets: dict[str, list[Exercise]] = {"steady": [], "interval": [], "mobility": [], "small": []}
    for exercise in week.pool:
        kind = filler_kind(exercise)
        if exercise.groups or exercise.id in in_day or (exercise.id in drills and kind != "steady"):
            continue
        buckets[kind].append(exercise)
    for bucket in buckets.values():
        keys = {
            e.id: 0.5 * difficulty_gap(week, e)
            - (1.5 if e.pattern in day_patterns else 0.0)
            + week.rng.random() * JITTER
            for e in bucket
        }
        bucket.sort(key=lambda e: (keys[e.id], e.id))
    order = [kind for goal in week.goals for kind in FILLER_ORDER[goal]]
    order += ["small", "interval", "mobility", "steady"]
    return [exercise for kind in dict.fromkeys(order) for exercise in buckets[kind]]


def grow(week: Week, day: DraftDay) -> None:
    """Add time until the session reaches its aim (never past the upper bound)."""
    aim, upper = day.limits()
    low_aim = aim - round(day.target * AIM)

    def short() -> bool:
        return day.main_seconds() < low_aim

    shift_rests(day, aim, lambda e: e.rest_high)
    for entry in day.entries:
        while (
            short()
            and entry.groups
            and week.under_target(entry)
            and week.keeps_balance(entry.exercise.pattern, 1)
            and week.can_add(day, entry, upper, max_sets=entry.base_sets + 2)
        ):
            week.add_sets(entry)
    if short():
        _add_fillers(week, day, aim, upper)
    for max_sets, widest_rest in ((6, None), (rules.SETS_RANGE[1], rules.REST_RANGE[1])):
        for entry in day.entries:
            if entry.is_filler:
                entry.max_sets = max(entry.max_sets, max_sets)
        progress = True
        while short() and progress:
            progress = False
            for entry in day.entries:
                if not short():
                    break
                if not entry.is_filler:
                    continue
                if _lengthen(day, entry, upper):
                    progress = True
                elif week.keeps_balance(entry.exercise.pattern, 1) and week.can_add(
                    day, entry, upper
                ):
                    week.add_sets(entry)
                    progress = True
        if short() and widest_rest:
            shift_rests(day, aim, lambda e: rules.REST_RANGE[1])


def _add_fillers(week: Week, day: DraftDay, aim: int, upper: int) -> None:
    taken: Counter[str] = Counter()
    for exercise in filler_candidates(week, day):
        if (
            day.main_seconds() >= aim - round(day.target * AIM)
            or sum(taken.values()) >= MAX_FILLERS
        ):
            return
        kind = filler_kind(exercise)
        if taken[kind] >= FILLER_LIMITS[kind] or not day.welcomes(exercise):
            continue
        entry = prescribe(week, exercise, "filler")
        gap = aim - day.main_seconds() - MAIN_TRANSITION_SECONDS
        if kind == "steady" and exercise.timed:
            low, high = rules.seconds_window(exercise)
            seconds = min(high, max(low, (gap - entry.rest) // 5 * 5))
            entry.set_reps(Reps(seconds, seconds, True))
            count = 1
        else:
            count = min(entry.base_sets, max(1, gap // max(entry.set_cost, 1)))
        day.entries.append(entry)
        least = day.least_sets(entry)
        count = max(count, least)
        while count >= least and not (
            week.can_add(day, entry, upper, count=count)
            and week.keeps_balance(exercise.pattern, count)
        ):
            count -= 1
        day.entries.remove(entry)
        if count >= least:
            week.add_sets(entry, count)
            day.entries.append(entry)
            taken[kind] += 1


def _lengthen(day: DraftDay, entry: DraftEntry, upper: int) -> bool:
    """Make a timed filler up to 30 s longer if the session stays under its upper bound."""
    if not entry.reps.timed or entry.reps.low >= entry.seconds_high:
        return False
    before = entry.reps
    longer = min(entry.seconds_high, entry.reps.low + TIMED_STEP)
    entry.set_reps(Reps(longer, longer, True))
    if day.main_seconds() > upper:
        entry.set_reps(before)
        return False
    return True


def shift_rests(day: DraftDay, aim: int, upper_rest: Callable[[DraftEntry], int]) -> None:
    """Lengthen rests in 5 s steps, spread over exercises, until the aim is reached."""
    gap = aim - day.main_seconds()
    ordered = sorted(day.entries, key=lambda e: (-e.sets, e.exercise.id))
    progress = True
    while progress and gap > 0:
        progress = False
        for entry in ordered:
            if gap <= 0:
                return
            step = entry.sets * REST_STEP
            if (
                entry.sets
                and entry.rest + REST_STEP <= upper_rest(entry)
                and step <= gap + 2 * entry.sets
            ):
                entry.rest += REST_STEP
                gap -= step
                progress = True


def shrink(week: Week, day: DraftDay) -> None:
    """Remove time until the session is under its upper bound, keeping weekly floors."""
    _, upper = day.limits()

    def over() -> bool:
        return day.main_seconds() > upper

    ordered = sorted(day.entries, key=lambda e: (-e.sets, e.exercise.id))
    for lowest in (lambda e: e.rest_low, lambda e: rules.REST_RANGE[0]):
        progress = True
        while over() and progress:
            progress = False
            for entry in ordered:
                if over() and entry.rest - REST_STEP >= lowest(entry):
                    entry.rest -= REST_STEP
                    progress = True
    progress = True
    while over() and progress:
        progress = False
        for entry in reversed(day.entries):
            if over() and day.can_lose(entry) and week.keeps_floor(entry):
                week.remove_sets(entry)
                progress = True
    # Whole exercises go last to first, the work a goal or focus asked for only after the rest.
    for keep in (GOAL_ROLES, frozenset()):
        for entry in list(reversed(day.entries)):
            if (
                over()
                and len(day.entries) > 1
                and entry.role not in keep
                and entry is not day.main_lift()
                and week.keeps_floor(entry, entry.sets)
            ):
                week.remove_sets(entry, entry.sets)
                day.entries.remove(entry)
    while over() and len(day.warmup) > 1:
        day.warmup.pop()
        day.warmup_times.pop()
    while over() and len(day.cooldown) > 1:
        day.cooldown.pop()
        day.cooldown_times.pop()


def fine_tune(day: DraftDay) -> None:
    """Nudge rests in 5 s steps so the session lands as close to the request as they allow.

    A rest moves only within its role's window (or stays where growing already put it).
    """
    for _ in range(FINE_TUNE_STEPS):
        gap = day.target - day.total_seconds()
        best: tuple[int, DraftEntry, int] | None = None
        for entry in day.entries:
            lowest = max(rules.REST_RANGE[0], min(entry.rest_low, entry.rest))
            highest = max(entry.rest_high, entry.rest)
            for step in (REST_STEP, -REST_STEP):
                if not lowest <= entry.rest + step <= highest:
                    continue
                new_gap = abs(gap - entry.sets * step)
                if new_gap < abs(gap) and (best is None or new_gap < best[0]):
                    best = (new_gap, entry, step)
        if best is None:
            return
        best[1].rest += best[2]
