"""The log page's cards as the browser sees them: one card per exercise of the open workout,
one row per set, built from the server's copy of the workout (``training.workout_views``)
with last time's sets, next-session advice and the warm-up ramps, in the person's units."""

from __future__ import annotations

from dataclasses import dataclass, field

from vigor_app.services.catalogue import catalogue
from vigor_app.services.errors import VigorError
from vigor_app.services.plans import warmups
from vigor_app.services.training import (
    plates,
    previous_sets,
    set_kinds,
    set_lines,
    suggestions,
    workout_views,
)
from vigor_app.services.units import clock_text, entry_distance, entry_number, pace_text
from vigor_app.services.vocabulary import STRENGTH_PATTERNS

RPE_CHOICES = [""] + [f"{v / 2:g}" for v in range(12, 21)]  # 6 … 10 in half steps


@dataclass
class SetRow:
    id: int = 0
    number: int = 0  # its place among the exercise's sets (for labels)
    reps: str = ""
    weight: str = ""
    rpe: str = ""
    kind: str = set_kinds.NORMAL
    count: str = ""  # what the type menu shows for a working set: its number among them
    distance: str = ""  # a run or a row: km or mi as typed
    time: str = ""  # a run or a row: "25:30"
    pace: str = ""  # "5:06 /km", from the saved distance and time
    previous: str = ""  # what the person did last time for this set


@dataclass
class EntryCard:
    id: int = 0
    name: str = ""
    target: str = ""
    note: str = ""
    timed: bool = False
    rest_seconds: int = 90
    first: bool = False
    last: bool = False
    suggestion: str = ""
    warmup: str = ""  # the warm-up ramp of a plan's main barbell or dumbbell lift
    rows: list[SetRow] = field(default_factory=list)
    distance: bool = False  # logged with a distance and a time
    superset: str = ""  # "Superset A" when it is in one
    calculator: bool = False  # a barbell or dumbbell lift: the plate and warm-up calculator
    barbell: bool = False
    exercise_id: str = ""


def suggestions_for(user_id: int, view: workout_views.SessionView) -> dict[int, str]:
    """Next-session advice per exercise from the progression rule and what was logged before."""
    advice = {}
    for entry in view.entries:
        if not entry.target_reps:
            continue
        try:
            advice[entry.id] = suggestions.next_targets(user_id, entry.exercise_id, entry.target_reps,
                                                        entry.target_rpe).message
        except VigorError:
            continue
    return advice


def _amount_text(value: int | None) -> str:
    return "" if value is None else str(value)


def _ramps(view: workout_views.SessionView, units: str) -> dict[int, str]:
    """The warm-up ramp of each main barbell or dumbbell lift of a plan's workout, from the
    heaviest weight in its sets (the plan's ``warmups`` rule, applied to what is logged)."""
    if view.plan_id is None:
        return {}
    ramps, position = {}, 0
    for entry in view.entries:
        exercise = catalogue.find_exercise(entry.exercise_id)
        if exercise is None:
            continue
        warmed = any(s.kind == set_kinds.WARMUP for s in entry.sets)  # the ramp is in the sets
        if warmups.needs_ramp(exercise, position) and not warmed:
            working = max((s.weight_kg for s in entry.sets if s.weight_kg), default=None)
            ramps[entry.id] = warmups.ramp_text(warmups.ramp_steps(exercise), working,
                                                warmups.kit_of(exercise), units)
        position += exercise.pattern in STRENGTH_PATTERNS
    return ramps


def plain_number(text: str) -> bool:
    return text.strip().replace(".", "", 1).isdigit()


def previous_text(one: previous_sets.PreviousSet | None, units: str) -> str:
    """Last time's set as the "previous" line shows it: "60 kg × 8", "45 s", "5 km · 25:30 · …"."""
    if one is None:
        return ""
    return set_lines.amount_text(reps=one.reps, seconds=one.seconds, weight_kg=one.weight_kg,
                                 distance_m=one.distance_m, unit=units)


def cards(view: workout_views.SessionView, units: str, suggestions: dict[int, str],
          previous: dict[int, previous_sets.PreviousSet], typed: dict[int, dict[str, str]]) -> list[EntryCard]:
    """The cards, with what was typed into a set not yet done (`typed`, by set id and field)
    in place of what is saved."""
    cards = []
    ramps = _ramps(view, units)
    supersets = workout_views.superset_labels(view)
    for i, entry in enumerate(view.entries):
        counted = 0
        rows = []
        for n, s in enumerate(entry.sets):
            counted += set_kinds.counts(s.kind)
            row = SetRow(id=s.id, number=n + 1, reps=_amount_text(s.seconds if entry.timed else s.reps),
                         weight=entry_number(s.weight_kg, units), rpe=f"{s.rpe:g}" if s.rpe else "",
                         kind=s.kind, count=str(max(counted, 1)), distance=entry_distance(s.distance_m, units),
                         time=clock_text(s.seconds), pace=pace_text(s.seconds, s.distance_m, units),
                         previous=previous_text(previous.get(s.id), units))
            for field_name, value in typed.get(s.id, {}).items() if not s.done else ():
                setattr(row, field_name, value)
            rows.append(row)
        exercise = catalogue.find_exercise(entry.exercise_id)
        kit = warmups.kit_of(exercise) if exercise and not exercise.timed else ""
        loaded = bool(exercise) and kit in ("barbell", "dumbbells") and kit in (exercise.equipment_set if exercise
                                                                                 else ())
        cards.append(EntryCard(id=entry.id, name=entry.name, target=entry.target, note=entry.note,
                               timed=entry.timed, rest_seconds=entry.rest_seconds, first=i == 0,
                               last=i == len(view.entries) - 1, suggestion=suggestions.get(entry.id, ""),
                               warmup=ramps.get(entry.id, ""), rows=rows, distance=entry.distance,
                               superset=supersets.get(entry.id, ""), calculator=loaded,
                               barbell=loaded and kit == "barbell", exercise_id=entry.exercise_id))
    return cards


def rest_due(cards: list[EntryCard], done_ids: list[int], entry_id: int) -> bool:
    """Whether a set of `entry_id` just ticked starts the rest (`workout_views.rest_due`, read
    off the cards and the ticked list)."""
    done = set(done_ids)
    exercises = [(c.superset or None, len(c.rows), sum(r.id in done for r in c.rows)) for c in cards]
    position = next((i for i, c in enumerate(cards) if c.id == entry_id), None)
    return position is None or workout_views.rest_due(exercises, position)


@dataclass
class Calculator:
    """What the plate and warm-up calculator shows for one working weight."""

    kit: str
    plates: str = ""
    warmups: list[dict[str, str]] = field(default_factory=list)
    error: str = ""


def calculator(user_id: int, exercise_id: str, weight: str) -> Calculator:
    kit = plates.kit(user_id)
    try:
        calculation = plates.calculate(user_id, exercise_id, weight, kit)
    except VigorError as exc:
        return Calculator(kit=kit.text(), error=exc.message)
    if calculation is None:
        return Calculator(kit=kit.text())
    return Calculator(kit=kit.text(), plates=calculation.plates,
                      warmups=[{"weight": f"{step.weight:g} {kit.unit}", "reps": str(step.reps),
                                "plates": step.plates} for step in calculation.warmups])
