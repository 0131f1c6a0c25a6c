"""How many sets each chosen exercise gets, decided over the whole week.

A lifting exercise gets 2-5 working sets and the day's main lift 3-5, never fewer than
any other lift that day (``DraftDay.least_sets`` / ``most_sets``); every step below stops
at a group's hard weekly cap, a muscle's soft ceiling and the session's time.

1. The fewest sets for every main lift, goal or focus slot, and for every exercise that
   trains a muscle group or soft muscle (``soft_limits.SOFT_MUSCLES``) nothing trains yet.
2. The weekly floors: the hard floor per major group (``rules.volume_floor``) and the soft
   floor per muscle (``soft_limits.volume_floor``): add a set where the muscle is trained
   least (raising the day's main lift when an accessory may not pass it), insert an
   exercise for it that fits the day, or - in short sessions - give up sets no floor needs
   (``make_room``).
3. Base sets, role by role across the week (main lifts, then secondary, goal and focus
   work, then core and carries, then accessories); main lifts always get their base
   sets, other work stops once its muscles reach the weekly target.
4. The balances (``rebalance``): weekly push:pull and squat:hinge sets brought within
   their ranges by adding sets to the short side, or taking them from the long one.
Exercises left without sets are dropped.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from vigor_app.services.catalogue.exercise import Exercise
from vigor_app.services.plans import soft_limits as soft
from vigor_app.services.plans.draft import DraftDay, DraftEntry, Week, muscle_shares
from vigor_app.services.plans.prescription import prescribe
from vigor_app.services.plans.selection import pick
from vigor_app.services.vocabulary import STRENGTH_PATTERNS

ROLE_PRIORITY: tuple[tuple[str, ...], ...] = (
    ("main",),
    ("secondary", "focus", "conditioning", "mobility"),
    ("core", "carry", "coverage"),
    ("accessory",),
)
# Main lifts and the work a goal or focus asked for are given up last.
PROTECTED_ROLES = frozenset({"main", "conditioning", "mobility", "focus"})
# The work an endurance, fat-loss or mobility goal asked for is never given up for volume.
# (from 30-minute sessions: shorter ones may give it up for a hard floor).
GOAL_WORK = frozenset({"conditioning", "mobility"})
SHORT_SECONDS = soft.SHORT_SESSION_MINUTES * 60
# An exercise that is not a lift may go past its base sets when a floor needs it.
FLOOR_MAX_SETS = 8
REBALANCE_STEPS = 60
FLOOR_STEPS = 400  # rounds of the floors loop: each adds, inserts or frees a set

Trains = Callable[[Exercise], bool]


def allocate(week: Week, days: list[DraftDay]) -> None:
    for day in days:
        _, upper = day.limits()
        for entry in day.entries:
            if entry.role in PROTECTED_ROLES or _uncovered(week, entry):
                _start(week, day, entry, upper)
    meet_floors(week, days)
    for roles in ROLE_PRIORITY:
        _base_sets(week, days, roles)
    rebalance(week, days)
    for day in days:
        day.entries = [e for e in day.entries if e.sets]


def _uncovered(week: Week, entry: DraftEntry) -> bool:
    return any(g in week.trainable and not week.volume[g] for g in entry.groups) or any(
        m in week.trainable_muscles and not week.muscles[m] and share == 1.0
        for m, share in _shares(entry)
    )


def _shares(entry: DraftEntry) -> tuple[tuple[str, float], ...]:
    return muscle_shares(entry.exercise)


def _start(
    week: Week, day: DraftDay, entry: DraftEntry, limit: int, *, used: int | None = None
) -> bool:
    """Give an exercise without sets its fewest sets, if they fit."""
    count = day.least_sets(entry)
    if entry.sets or not week.can_add(day, entry, limit, count=count, used=used):
        return False
    week.add_sets(entry, count)
    return True


def _grow(week: Week, day: DraftDay, entry: DraftEntry, limit: int, max_sets: int = 0) -> bool:
    """One more set (or the fewest sets for an exercise without any), if it fits."""
    if not entry.sets:
        return _start(week, day, entry, limit)
    if week.can_add(day, entry, limit, max_sets=max_sets):
        week.add_sets(entry)
        return True
    return False


def _base_sets(week: Week, days: list[DraftDay], roles: tuple[str, ...]) -> None:
    changed = True
    while changed:
        changed = False
        for day in days:
            aim, _ = day.limits()
            for entry in day.entries:
                if entry.role not in roles or entry.sets >= entry.base_sets:
                    continue
                if (
                    entry.role != "main"
                    and (entry.groups or _shares(entry))
                    and not week.under_target(entry)
                ):
                    continue
                if _grow(week, day, entry, aim):
                    changed = True


def _needs(week: Week) -> list[tuple[Trains, bool]]:
    """What the floors still lack, as tests of which exercises would help (and whether the
    floor is a hard one)."""
    found: list[tuple[Trains, bool]] = []
    for group in sorted(week.trainable):
        if week.volume[group] < week.floor:
            found.append((functools.partial(_trains_group, group=group), True))
    for muscle in sorted(week.trainable_muscles):
        if week.muscles[muscle] < week.muscle_floor:
            members = soft.SOFT_MUSCLES[muscle]
            found.append((functools.partial(_trains_muscle, members=members), False))
    return found


def _trains_group(exercise: Exercise, group: str) -> bool:
    return group in exercise.groups


def _trains_muscle(exercise: Exercise, members: frozenset[str]) -> bool:
    return bool(members & set(exercise.primary_muscles)) and exercise.pattern in STRENGTH_PATTERNS


def meet_floors(week: Week, days: list[DraftDay]) -> None:
    for _ in range(FLOOR_STEPS):
        short = _needs(week)
        if not short:
            return
        progress = False
        for trains, hard in short:
            if (
                _add_set_for(week, days, trains)
                or _insert_for(week, days, trains)
                or make_room(week, days, trains, hard)
                or (hard and _force_set(week, days, trains))
                or (hard and make_room(week, days, trains, hard, soft_floors=False))
            ):
                progress = True
        if not progress:
            return  # the floor cannot be reached; the validator will say so


def _add_set_for(week: Week, days: list[DraftDay], trains: Trains) -> bool:
    """One more set of an exercise that trains the need: the least-trained one, most spare time.

    When every such lift already matches its day's main lift, the main lift and the
    lift grow together (if both fit).
    """
    best: tuple[tuple[float, int, int, int], DraftDay, DraftEntry] | None = None
    for day in days:
        _, upper = day.limits()
        used = day.main_seconds()
        for entry in day.entries:
            if trains(entry.exercise) and week.can_add(
                day,
                entry,
                upper,
                count=max(1, day.least_sets(entry) - entry.sets),
                max_sets=FLOOR_MAX_SETS,
                used=used,
            ):
                key = (_spill(week, entry), max(entry.sets, 1), entry.sets, used - upper)
                if best is None or key < best[0]:
                    best = (key, day, entry)
    if best is not None:
        _, day, entry = best
        return _grow(week, day, entry, day.limits()[1], max_sets=FLOOR_MAX_SETS)
    for day in days:
        main, upper = day.main_lift(), day.limits()[1]
        if main is None or not main.sets:
            continue
        for entry in day.entries:
            if entry is main or not (trains(entry.exercise) and entry.is_lift and entry.sets):
                continue
            if entry.sets == main.sets and _grow(week, day, main, upper, max_sets=FLOOR_MAX_SETS):
                if _grow(week, day, entry, upper, max_sets=FLOOR_MAX_SETS):
                    return True
                week.remove_sets(main)
    return False


def _spill(week: Week, entry: DraftEntry) -> float:
    """What one set adds to muscles already at their target (the need itself is below its
    floor, so it never counts): a leg curl before a deadlift when the glutes are full."""
    return sum(
        share for m, share in _shares(entry) if week.muscles[m] >= week.muscle_target.get(m, 0)
    )


def _force_set(week: Week, days: list[DraftDay], trains: Trains) -> bool:
    """A hard floor beats the soft rules: one more set (one set for an exercise without
    any) past a lift's soft limits, or an exercise the day would not otherwise welcome."""
    for day in days:
        upper = day.limits()[1]
        for entry in day.entries:
            if trains(entry.exercise) and week.can_add(
                day, entry, upper, max_sets=FLOOR_MAX_SETS, soft_limits=False
            ):
                week.add_sets(entry)
                return True
    return _insert_for(week, days, trains, welcome=False)


def _insert_for(week: Week, days: list[DraftDay], trains: Trains, *, welcome: bool = True) -> bool:
    """Add an exercise for the need to the session with the most spare time that welcomes it
    (``welcome=False``: that has room for one set of it)."""
    for day in sorted(days, key=lambda d: d.limits()[1] - d.main_seconds(), reverse=True):
        _, upper = day.limits()

        def fits(e: Exercise, day: DraftDay = day) -> bool:
            return trains(e) and (not welcome or day.welcomes(e)) and _spares_ceilings(week, e)

        exercise = pick(
            week, tuple(sorted(STRENGTH_PATTERNS)), "coverage", day.used_ids(), (), fits
        )
        if exercise is None:
            continue
        entry = prescribe(week, exercise, "coverage")
        day.entries.append(entry)
        if welcome and _start(week, day, entry, upper):
            week.used_week[exercise.id] += 1
            return True
        if not welcome and week.can_add(day, entry, upper, soft_limits=False):
            week.add_sets(entry)
            week.used_week[exercise.id] += 1
            return True
        day.entries.remove(entry)
    return False


def _spares_ceilings(week: Week, exercise: Exercise) -> bool:
    """Whether a set of the exercise leaves every muscle it trains within its ceiling (a
    leg curl, not another deadlift, when the glutes are full and the hamstrings short)."""
    return all(week.muscles[m] + share <= week.muscle_ceiling[m] for m, share in muscle_shares(exercise))


def make_room(
    week: Week, days: list[DraftDay], trains: Trains, hard: bool = True, *, soft_floors: bool = True
) -> bool:
    """Give up sets that no floor needs, so that the need can be trained.

    When a muscle the need's exercises also train is at its ceiling (glutes full while
    quads are short), only sets that train that muscle are taken; otherwise (short
    sessions) time is made in a day that can train the need. In order: a set from an
    exercise above its fewest sets; then a whole exercise that is neither a main lift nor
    there for a goal or focus; then, for a hard floor only, any but the main lift and the
    goal's conditioning or mobility work (in sessions under 30 minutes, that too).
    ``soft_floors=False`` (for a hard floor that nothing else could reach): a whole exercise
    of that last kind keeping only the hard floors, not the soft floors and balances.
    Exercises that train the need and sets a floor needs are never taken.
    """
    full = _full_muscles(week, days, trains)
    ranked = sorted(days, key=lambda d: not any(trains(e.exercise) for e in d.entries))
    last_resort = lambda e, day: hard and (e.role not in GOAL_WORK or day.target < SHORT_SECONDS)  # noqa: E731
    tiers = (
        ((False, lambda e, day: True, False), (True, lambda e, day: e.role not in PROTECTED_ROLES, False),
         (True, last_resort, False))
        if soft_floors else ((True, last_resort, True),)  # a hard floor beats the soft ones
    )
    for whole, allowed, hard_only in tiers:
        for day in ranked:
            main = day.main_lift()
            for entry in reversed(day.entries):
                if trains(entry.exercise) or not entry.sets or not allowed(entry, day):
                    continue
                if full and not full & {m for m, _ in _shares(entry)}:
                    continue
                if not whole and day.can_lose(entry) and week.keeps_floor(entry):
                    week.remove_sets(entry)
                    return True
                if whole and entry is not main and week.keeps_floor(
                    entry, entry.sets, hard_only=hard_only
                ):
                    week.remove_sets(entry, entry.sets)
                    return True
    return bool(full) and _swap_off(week, days, trains, full)


def _swap_off(week: Week, days: list[DraftDay], trains: Trains, full: set[str]) -> bool:
    """Swap an accessory that trains a full muscle for one of its pattern that does not
    (a good morning for a leg curl when the glutes are full), keeping its sets."""
    for day in days:
        for index, entry in enumerate(day.entries):
            if entry is day.main_lift() or entry.role in PROTECTED_ROLES or not entry.sets:
                continue
            if trains(entry.exercise) or not full & {m for m, _ in _shares(entry)}:
                continue
            kept = {m for m, share in _shares(entry) if share == 1.0} - full

            def spares(
                e: Exercise, entry: DraftEntry = entry, kept: set[str] = kept, day: DraftDay = day
            ) -> bool:
                muscles = {m for m, _ in muscle_shares(e)}
                return (
                    e.timed == entry.exercise.timed
                    and kept <= {m for m, share in muscle_shares(e) if share == 1.0}
                    and not muscles & full
                    and day.welcomes(e, instead_of=entry)
                )

            swap = pick(week, (entry.exercise.pattern,), entry.role, day.used_ids(), (), spares)
            if swap is None:
                continue
            _replace(week, day, index, swap)
            return True
    return False


def _full_muscles(week: Week, days: list[DraftDay], trains: Trains) -> set[str]:
    """Soft muscles at their ceiling that the need's exercises would also train."""
    return {
        m
        for day in days
        for entry in day.entries
        if trains(entry.exercise)
        for m, share in _shares(entry)
        if week.muscles[m] + share > week.muscle_ceiling[m]
    }


def rebalance(week: Week, days: list[DraftDay]) -> bool:
    """Bring weekly push:pull and squat:hinge sets into their ranges (see the docstring).

    True when it changed anything."""
    changed = False
    for _, top, bottom, bounds in soft.BALANCES:
        for _ in range(REBALANCE_STEPS):
            high = sum(week.pattern_sets[p] for p in top)
            low = sum(week.pattern_sets[p] for p in bottom)
            if soft.ratio_ok(high, low, bounds):
                break
            short, long = (bottom, top) if low == 0 or high / low > bounds[1] else (top, bottom)
            if not (_add_to(week, days, short) or _take_from(week, days, long)
                    or _swap_side(week, days, long, short)):
                break
            changed = True
    return changed


def _add_to(week: Week, days: list[DraftDay], patterns: frozenset[str]) -> bool:
    for day in sorted(days, key=lambda d: d.limits()[1] - d.main_seconds(), reverse=True):
        upper = day.limits()[1]
        for entry in day.entries:
            if entry.exercise.pattern in patterns and entry.sets and _grow(week, day, entry, upper):
                return True
    return _insert_for(week, days, lambda e: e.pattern in patterns and not e.timed)


def _take_from(week: Week, days: list[DraftDay], patterns: frozenset[str]) -> bool:
    for whole in (False, True):
        for day in days:
            main = day.main_lift()
            for entry in reversed(day.entries):
                if entry.exercise.pattern not in patterns or not entry.sets:
                    continue
                if not whole and day.can_lose(entry) and week.keeps_floor(entry, balance=False):
                    week.remove_sets(entry)
                    return True
                if (
                    whole
                    and entry is not main
                    and entry.role not in PROTECTED_ROLES
                    and week.keeps_floor(entry, entry.sets, balance=False)
                ):
                    week.remove_sets(entry, entry.sets)
                    return True
    return False


def _swap_side(week: Week, days: list[DraftDay], long: frozenset[str], short: frozenset[str]) -> bool:
    """An accessory of the long side swapped, with its sets, for one of the short side that
    trains every muscle group it holds at its floor (a lateral raise for a rear-delt fly),
    when neither adding nor taking sets can move the balance (full sessions, floors met
    exactly)."""
    for day in days:
        main = day.main_lift()
        for index, entry in enumerate(day.entries):
            if (entry.exercise.pattern not in long or not entry.sets or entry is main
                    or entry.role in PROTECTED_ROLES):
                continue
            held = {g for g in entry.groups if week.volume[g] - entry.sets < week.floor}
            kept = {m for m, share in _shares(entry)
                    if share == 1.0 and week.muscles[m] - entry.sets < week.muscle_floor}

            def replaces(e: Exercise, entry: DraftEntry = entry, day: DraftDay = day,
                         held: set[str] = held, kept: set[str] = kept) -> bool:
                return (e.timed == entry.exercise.timed and held <= e.groups
                        and kept <= {m for m, share in muscle_shares(e) if share == 1.0}
                        and day.welcomes(e, instead_of=entry) and _spares_ceilings(week, e))

            swap = pick(week, tuple(sorted(short)), entry.role, day.used_ids(), (), replaces)
            if swap is None:
                continue
            _replace(week, day, index, swap)
            return True
    return False


def _replace(week: Week, day: DraftDay, index: int, swap: Exercise) -> None:
    """The day's ``index``-th entry becomes ``swap`` in the same role, with the same sets."""
    entry = day.entries[index]
    sets = entry.sets
    week.remove_sets(entry, sets)
    week.used_week[entry.exercise.id] -= 1
    week.used_week[swap.id] += 1
    day.entries[index] = prescribe(week, swap, entry.role)
    week.add_sets(day.entries[index], sets)
