"""The plate calculator: which plates go on each side of the bar for a weight, with the bar
and plates at the person's gym (their profile; the usual kit for their units when they have
not said), and the warm-up calculator's ramp from a working weight, plates and all.

The kit is kept in the person's own unit: kilogram plates and pounds plates are different
objects, so 45 lb plates are not worked out from kilograms. A weight that cannot be loaded
exactly gets the closest lighter load, and says so.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import reduce

from sqlmodel import select

from vigor_app import db
from vigor_app.models import FitnessProfile
from vigor_app.services.catalogue import catalogue
from vigor_app.services.errors import ValidationError
from vigor_app.services.plans import warmups
from vigor_app.services.units import KG, LB, from_kg, read_number, to_kg

DEFAULT_BAR = {KG: 20.0, LB: 45.0}
DEFAULT_PLATES = {KG: (25.0, 20.0, 15.0, 10.0, 5.0, 2.5, 1.25), LB: (45.0, 35.0, 25.0, 10.0, 5.0, 2.5)}
BAR_RANGE = {KG: (0.0, 50.0), LB: (0.0, 110.0)}  # 0: no bar (a machine with a sled)
PLATE_RANGE = {KG: (0.25, 50.0), LB: (0.5, 100.0)}
MAX_PLATE_KINDS = 12
CENTS = 100  # plates are worked out in hundredths of the unit, as whole numbers
MAX_STATES = 200_000  # the search below never looks at more loads than this per side


@dataclass(frozen=True)
class Kit:
    unit: str
    bar: float  # in `unit`
    plates: tuple[float, ...]  # in `unit`, heaviest first
    own: bool  # the person's own kit, not the default

    def text(self) -> str:
        """"Bar 20 kg; plates 25, 20, 10 kg", saying when it is the usual kit."""
        usual = "" if self.own else " (the usual kit: set yours on your Profile)"
        return f"Bar {self.bar:g} {self.unit}; plates {', '.join(f'{p:g}' for p in self.plates)} {self.unit}{usual}"


@dataclass(frozen=True)
class Load:
    """A weight as loaded: the plates on each side (heaviest first), the total in the kit's
    unit, and whether that is the weight asked for."""

    per_side: tuple[float, ...]
    total: float
    exact: bool
    asked: float

    def text(self, unit: str) -> str:
        """"Each side: 20 + 10 + 2.5 kg", or "Just the bar"; with what it makes when that is
        not the weight asked for."""
        closest = "" if self.exact else f" (makes {self.total:g} {unit}; {self.asked:g} can't be loaded)"
        if not self.per_side:
            return f"Just the bar{closest}"
        return f"Each side: {' + '.join(f'{p:g}' for p in self.per_side)} {unit}{closest}"


def _unit(unit: str) -> str:
    return LB if unit == LB else KG


def kit(user_id: int) -> Kit:
    """The person's bar and plates in their units (the usual kit where they have not said)."""
    with db.read_only() as session:
        profile = session.exec(_profile_query(user_id)).first()
    unit = _unit(profile.units if profile else KG)
    bar = DEFAULT_BAR[unit] if profile is None or profile.bar_kg is None else round(from_kg(profile.bar_kg, unit), 2)
    plates = DEFAULT_PLATES[unit] if profile is None or not profile.plates_kg else tuple(
        sorted({round(from_kg(p, unit), 2) for p in profile.plates_kg}, reverse=True))
    own = profile is not None and (profile.bar_kg is not None or bool(profile.plates_kg))
    return Kit(unit=unit, bar=bar, plates=plates, own=own)


def _profile_query(user_id: int):
    return select(FitnessProfile).where(FitnessProfile.user_id == user_id)


def read_kit(bar: object, plates: object, unit: str) -> tuple[float, tuple[float, ...]]:
    """A typed bar weight and plate list ("25, 20, 15, 10, 5, 2.5") in `unit`, checked:
    ValidationError on the field at fault."""
    unit = _unit(unit)
    low, high = BAR_RANGE[unit]
    try:
        bar_value = read_number(bar)
    except ValueError:
        raise ValidationError("The bar's weight must be a number.", field="bar") from None
    if not math.isfinite(bar_value) or not low <= bar_value <= high:
        raise ValidationError(f"The bar weighs between {low:g} and {high:g} {unit}.", field="bar")
    words = [w for w in str(plates if isinstance(plates, str) else "").replace(";", ",").split(",") if w.strip()]
    if not words:
        raise ValidationError("List the plates you have, like 25, 20, 10, 5, 2.5.", field="plates")
    if len(words) > MAX_PLATE_KINDS:
        raise ValidationError(f"At most {MAX_PLATE_KINDS} kinds of plate.", field="plates")
    low, high = PLATE_RANGE[unit]
    found = set()
    for word in words:
        try:
            plate = read_number(word.replace(unit, ""))
        except ValueError:
            raise ValidationError(f"\"{word.strip()[:20]}\" is not a plate weight.", field="plates") from None
        if not math.isfinite(plate) or not low <= plate <= high:
            raise ValidationError(f"A plate weighs between {low:g} and {high:g} {unit}.", field="plates")
        found.add(round(plate, 2))
    return round(bar_value, 2), tuple(sorted(found, reverse=True))


def save_kit(user_id: int, bar: object, plates: object) -> Kit:
    """Keep the person's bar and plates (typed in their units); blank both for the usual kit."""
    with db.transaction() as session:
        profile = session.exec(_profile_query(user_id)).first() or FitnessProfile(user_id=user_id)
        unit = _unit(profile.units)
        if not str(bar or "").strip() and not str(plates or "").strip():
            profile.bar_kg, profile.plates_kg = None, None
        else:
            bar_value, plate_values = read_kit(bar, plates, unit)
            profile.bar_kg = round(to_kg(bar_value, unit), 4)
            profile.plates_kg = [round(to_kg(p, unit), 4) for p in plate_values]
        session.add(profile)
    return kit(user_id)


def load(weight: float, chosen: Kit) -> Load:
    """The plates for `weight` (in the kit's unit) on each side of the bar: the fewest plates
    that make the heaviest load not above `weight`."""
    per_side_target = max(0.0, (weight - chosen.bar) / 2)
    cents = [round(p * CENTS) for p in chosen.plates if p > 0]
    if not cents or per_side_target <= 0:
        return Load((), chosen.bar, abs(weight - chosen.bar) < 1e-6, weight)
    step = reduce(math.gcd, cents)
    units = [c // step for c in cents]
    target = min(int(per_side_target * CENTS + 1e-6) // step, MAX_STATES)
    # fewest plates for every reachable load up to the target (unbounded plates of each kind)
    fewest = [0] + [-1] * target
    last = [0] * (target + 1)
    for amount in range(1, target + 1):
        for plate in units:
            before = amount - plate
            if before >= 0 and fewest[before] >= 0 and (fewest[amount] < 0 or fewest[before] + 1 < fewest[amount]):
                fewest[amount], last[amount] = fewest[before] + 1, plate
    best = next(a for a in range(target, -1, -1) if fewest[a] >= 0)
    plates: list[float] = []
    amount = best
    while amount > 0:
        plates.append(last[amount] * step / CENTS)
        amount -= last[amount]
    total = round(chosen.bar + 2 * best * step / CENTS, 2)
    return Load(tuple(sorted(plates, reverse=True)), total, abs(total - weight) < 1e-6, weight)


@dataclass(frozen=True)
class WarmupStep:
    weight: float  # in the kit's unit
    reps: int
    plates: str  # "Each side: 10 kg", "Just the bar"


def warmup_steps(exercise_id: str, working: float, chosen: Kit) -> list[WarmupStep]:
    """The warm-up ramp up to a working weight (in the kit's unit) for a barbell or dumbbell
    lift (``plans.warmups``), each weight with its plates on a barbell; [] for other lifts or
    no weight."""
    found = catalogue.find_exercise(exercise_id)
    if found is None or working <= 0 or warmups.kit_of(found) not in ("barbell", "dumbbells"):
        return []
    kit_name = warmups.kit_of(found)
    if kit_name == "barbell" and "barbell" not in found.equipment_set:
        return []
    steps = warmups.ramp(warmups.ramp_steps(found), to_kg(working, chosen.unit), kit_name, chosen.unit,
                         bar_kg=to_kg(chosen.bar, chosen.unit))
    out = []
    for one in steps:
        if one.weight_kg is None:
            continue
        weight = round(from_kg(one.weight_kg, chosen.unit), 2)
        plates = load(weight, chosen).text(chosen.unit) if kit_name == "barbell" else ""
        out.append(WarmupStep(weight=weight, reps=one.reps, plates=plates))
    return out


@dataclass(frozen=True)
class Calculation:
    """The calculator's answer for a working weight: the kit, the plates (barbell lifts) and
    the warm-up ramp."""

    kit: Kit
    weight: float
    plates: str
    warmups: list[WarmupStep]

    def warmup_sets_kg(self) -> list[tuple[float, int]]:
        return [(round(to_kg(step.weight, self.kit.unit), 4), step.reps) for step in self.warmups]


MAX_TYPED = {KG: 700.0, LB: 1540.0}


def calculate(user_id: int, exercise_id: str, typed: object, chosen: Kit | None = None) -> Calculation | None:
    """The plates and the warm-up ramp for a working weight typed in the person's units, on
    `chosen` (the person's kit, read when not given); None while nothing is typed;
    ValidationError (field "weight") for a weight that is not one."""
    if typed is None or not str(typed).strip():
        return None
    chosen = chosen or kit(user_id)
    try:
        weight = read_number(typed)
    except ValueError:
        raise ValidationError("Type the working weight as a number.", field="weight") from None
    if not math.isfinite(weight) or not 0 < weight <= MAX_TYPED[chosen.unit]:
        raise ValidationError(f"Type a working weight between 0 and {MAX_TYPED[chosen.unit]:g} {chosen.unit}.",
                              field="weight")
    found = catalogue.find_exercise(exercise_id)
    barbell = found is not None and "barbell" in found.equipment_set
    return Calculation(kit=chosen, weight=weight, plates=load(weight, chosen).text(chosen.unit) if barbell else "",
                       warmups=warmup_steps(exercise_id, weight, chosen))
