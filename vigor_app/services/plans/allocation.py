"""How many sets each chosen exercise gets, decided over the whole week.

Order of priority (each step stops at a group's weekly cap and at the session's time):
1. One set for every main lift, goal or focus slot, and for every muscle group the person
   can train that has no set yet.
2. The weekly floor for every trainable group (``rules.volume_floor``): add a set where the
   group is trained least, insert an exercise for it, or - in very short sessions - give
   up a set that no floor needs (``make_room``).
3. Base sets, role by role across the week (main lifts, then secondary, goal and focus
   work, then core and carries, then accessories); main lifts always get their base
   sets, other work stops once its groups reach the weekly target.
Exercises left without sets are dropped.
"""

from __future__ import annotations

from vigor_app.services.plans.draft import DraftDay, Week
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
# An exercise may go past its base sets when a group's floor needs it.
FLOOR_MAX_SETS = 8


def allocate(week: Week, days: list[DraftDay]) -> None:
    for day in days:
        _, upper = day.limits()
        for entry in day.entries:
            uncovered = any(g in week.trainable and not week.volume[g] for g in entry.groups)
            if (uncovered or entry.role in PROTECTED_ROLES) and week.can_add(day, entry, upper):
                week.add_sets(entry)
    meet_floors(week, days)
    for roles in ROLE_PRIORITY:
        _base_sets(week, days, roles)
    for day in days:
        day.entries = [e for e in day.entries if e.sets]


def _base_sets(week: Week, days: list[DraftDay], roles: tuple[str, ...]) -> None:
    changed = True
    while changed:
        changed = False
        for day in days:
            aim, _ = day.limits()
            for entry in day.entries:
                if entry.role not in roles or entry.sets >= entry.base_sets:
                    continue
                reached = all(week.volume[g] >= week.target.get(g, 0) for g in entry.groups)
                if entry.role != "main" and entry.groups and reached:
                    continue
                count = min(2, entry.base_sets) if entry.sets == 0 else 1
                if week.can_add(day, entry, aim, count=count):
                    week.add_sets(entry, count)
                    changed = True


def meet_floors(week: Week, days: list[DraftDay]) -> None:
    while True:
        short = sorted(g for g in week.trainable if week.volume[g] < week.floor)
        if not short:
            return
        progress = False
        for group in short:
            if (
                _add_set_for(week, days, group)
                or _insert_for(week, days, group)
                or make_room(week, days, group)
            ):
                progress = True
        if not progress:
            return  # the floor cannot be reached; the validator will say so


def _add_set_for(week: Week, days: list[DraftDay], group: str) -> bool:
    """One more set of an exercise training ``group``: the least-trained one, most spare time."""
    best = None
    for day in days:
        _, upper = day.limits()
        used = day.main_seconds()
        for entry in day.entries:
            if group in entry.groups and week.can_add(
                day, entry, upper, max_sets=FLOOR_MAX_SETS, used=used
            ):
                key = (max(entry.sets, 1), entry.sets, used - upper)
                if best is None or key < best[0]:
                    best = (key, entry)
    if best is None:
        return False
    week.add_sets(best[1])
    return True


def _insert_for(week: Week, days: list[DraftDay], group: str) -> bool:
    """Add an exercise training ``group`` to the session with the most spare time."""
    for day in sorted(days, key=lambda d: d.limits()[1] - d.main_seconds(), reverse=True):
        _, upper = day.limits()
        exercise = pick(
            week,
            tuple(sorted(STRENGTH_PATTERNS)),
            "coverage",
            day.used_ids(),
            (),
            lambda e: group in e.groups,
        )
        if exercise is None:
            return False
        entry = prescribe(week, exercise, "coverage")
        if week.can_add(day, entry, upper):
            week.used_week[exercise.id] += 1
            day.entries.append(entry)
            week.add_sets(entry)
            return True
    return False


def make_room(week: Week, days: list[DraftDay], group: str) -> bool:
    """Short sessions: give up one set that no floor needs, in a day that can train ``group``.

    In order: a set from an exercise that keeps at least one; then a whole exercise that is
    neither a main lift nor there for a goal or focus; then any. Exercises training
    ``group`` and sets a floor needs are never taken. False when nothing can go.
    """
    ranked = sorted(days, key=lambda d: not any(group in e.groups for e in d.entries))
    passes = (
        lambda e: e.sets > 1,
        lambda e: e.role not in PROTECTED_ROLES,
        lambda e: True,
    )
    for allowed in passes:
        for day in ranked:
            for entry in reversed(day.entries):
                if group in entry.groups or not entry.sets or not allowed(entry):
                    continue
                if week.keeps_floor(entry):
                    week.remove_sets(entry)
                    return True
    return False
