"""Personal records: what a newly logged set beats, and the current bests per exercise.

Record kinds (values in kilograms, metres or seconds):

- ``weight_for_reps``: the heaviest weight lifted for exactly that rep count (weight > 0).
- ``e1rm``: the best estimated one-rep max (Epley, see `estimated_1rm`).
- ``session_volume``: the best sum of weight × reps over the done sets of the exercise in
  one session.
- ``longest_hold``: the longest timed set without a distance, in seconds.
- ``longest_distance``: the longest distance of one set (a run, a row, a ride), in metres.
- ``fastest_5k``: the shortest time for 5 km, in whole seconds: from a set of at least
  5,000 m with a time, its time scaled to 5 km (seconds × 5000 / metres). Lower is better.
- ``best_pace``: the best pace over a set of at least 1 km with a time, in seconds per
  kilometre to a tenth (so that a pace per mile, converted from it, reads as the set's own
  pace does). Lower is better.

A record's ``value`` is always the figure itself (never negated), so "better" depends on
the kind: `better` says which of two values wins, `LOWER_IS_BETTER` lists the kinds where
the smaller one does. Wording for people lives in ``record_words``.

Rules for `records_for_new_set`:

- Only done sets count, and never warm-ups (``set_kinds``); an undone new set or a warm-up
  sets nothing, and undone or warm-up history is ignored.
- A record has to beat something: the new value must be strictly better than the best
  earlier value of the same kind (greater; for a time or a pace, smaller; ties are not
  records). Where no earlier value of that
  kind exists (say, the first time at a rep count) there is nothing to beat and no record.
- The first session of an exercise sets no records at all: its sets are the baseline.
  Records start from the second session of an exercise. Within a later session the new
  set is also compared with the sets done earlier in that same session, so a repeat of
  the weight that just set a record is a tie, not a second record.
- ``session_volume`` compares this session's total for the exercise, including the new
  set, with the best total of every other session. Once the session has passed that best,
  each further set that adds volume reports the record again with the larger total
  (`workouts.save_set` keeps each, announces only the first, and the records list shows the
  session once, at its final total).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from vigor_app.clock import as_utc
from vigor_app.services.training import set_kinds

WEIGHT_FOR_REPS = "weight_for_reps"
E1RM = "e1rm"
SESSION_VOLUME = "session_volume"
LONGEST_HOLD = "longest_hold"
LONGEST_DISTANCE = "longest_distance"
FASTEST_5K = "fastest_5k"
BEST_PACE = "best_pace"
STRENGTH_KINDS = (WEIGHT_FOR_REPS, E1RM, SESSION_VOLUME, LONGEST_HOLD)
CARDIO_KINDS = (LONGEST_DISTANCE, FASTEST_5K, BEST_PACE)
KINDS = (*STRENGTH_KINDS, *CARDIO_KINDS)
LOWER_IS_BETTER = frozenset({FASTEST_5K, BEST_PACE})

FIVE_K_METRES = 5000.0  # the shortest set that gives a 5 km time
PACE_METRES = 1000.0  # the shortest set that gives a pace: intervals of a few hundred metres do not

# Epley overestimates beyond about a dozen reps: a set of 20 is an endurance effort and says
# little about a single heavy lift, so such sets give no estimate at all.
MAX_E1RM_REPS = 12


@dataclass(frozen=True)
class SetFact:
    """One logged set as the record rules see it."""

    exercise_id: str
    session_id: int
    weight_kg: float | None
    reps: int | None
    seconds: int | None
    done: bool
    completed_at: datetime
    distance_m: float | None = None
    kind: str = set_kinds.NORMAL  # a warm-up never counts (``set_kinds.counts``)

    @property
    def counts(self) -> bool:
        """Done and not a warm-up: a set the record rules look at."""
        return self.done and set_kinds.counts(self.kind)


@dataclass(frozen=True)
class RecordHit:
    """A record the new set set: its kind, the new value and the one it beat."""

    kind: str
    exercise_id: str
    value: float
    reps: int | None
    previous: float | None


def estimated_1rm(weight_kg: float, reps: int) -> float:
    """The Epley estimate of a one-rep max, weight × (1 + reps / 30), rounded to 0.1 kg.

    One rep gives the weight itself. Sets above 12 reps give 0.0: Epley overestimates at
    high reps, so those sets are not used for an estimate. A weight or rep count of zero or
    less gives 0.0.
    """
    if weight_kg is None or reps is None or weight_kg <= 0 or reps <= 0:
        return 0.0
    if reps > MAX_E1RM_REPS:
        return 0.0
    if reps == 1:
        return round(weight_kg, 1)
    return round(weight_kg * (1 + reps / 30), 1)


def set_volume(s: SetFact) -> float:
    """weight × reps of one set; 0.0 for a set without a positive weight and rep count."""
    if not s.weight_kg or not s.reps or s.weight_kg <= 0 or s.reps <= 0:
        return 0.0
    return s.weight_kg * s.reps


def _lifted_weight(s: SetFact) -> float:
    return s.weight_kg if s.weight_kg and s.weight_kg > 0 and s.reps and s.reps > 0 else 0.0


def _e1rm(s: SetFact) -> float:
    return estimated_1rm(s.weight_kg or 0.0, s.reps or 0)


def _hold(s: SetFact) -> float:
    return float(s.seconds) if s.seconds and s.seconds > 0 and not _distance(s) else 0.0


def _distance(s: SetFact) -> float:
    return float(s.distance_m) if s.distance_m and s.distance_m > 0 else 0.0


def five_k_seconds(distance_m: float | None, seconds: float | None) -> float:
    """A set's time scaled to 5 km, in whole seconds; 0.0 below 5,000 m or without a time."""
    if not distance_m or not seconds or distance_m < FIVE_K_METRES or seconds <= 0:
        return 0.0
    return float(round(seconds * FIVE_K_METRES / distance_m))


def pace_per_km(distance_m: float | None, seconds: float | None) -> float:
    """A set's pace in seconds per kilometre, to a tenth; 0.0 below 1 km or without a time."""
    if not distance_m or not seconds or distance_m < PACE_METRES or seconds <= 0:
        return 0.0
    return round(seconds * 1000 / distance_m, 1)


def _five_k(s: SetFact) -> float:
    return five_k_seconds(s.distance_m, s.seconds)


def _pace(s: SetFact) -> float:
    return pace_per_km(s.distance_m, s.seconds)


def _session_totals(sets: Sequence[SetFact]) -> dict[int, float]:
    totals: dict[int, float] = {}
    for s in sets:
        totals[s.session_id] = totals.get(s.session_id, 0.0) + set_volume(s)
    return {session: round(total, 1) for session, total in totals.items()}


def better(kind: str, value: float, than: float) -> bool:
    """Whether `value` strictly beats `than` for a record of `kind` (smaller for a time or a
    pace, greater for everything else)."""
    return value < than if kind in LOWER_IS_BETTER else value > than


def _best(values: list[float], kind: str = E1RM) -> float | None:
    positive = [v for v in values if v > 0]
    if not positive:
        return None
    return min(positive) if kind in LOWER_IS_BETTER else max(positive)


def records_for_new_set(history: Sequence[SetFact], new_set: SetFact) -> list[RecordHit]:
    """The records `new_set` sets against the earlier done sets of its exercise."""
    if not new_set.counts:
        return []
    earlier = [
        s
        for s in history
        if s.counts
        and s.exercise_id == new_set.exercise_id
        and as_utc(s.completed_at) <= as_utc(new_set.completed_at)
        and s != new_set
    ]
    if not any(s.session_id != new_set.session_id for s in earlier):
        return []  # the first session of this exercise is the baseline

    hits: list[RecordHit] = []

    def check(kind: str, value: float, previous: float | None, reps: int | None) -> None:
        if value > 0 and previous is not None and better(kind, value, previous):
            hits.append(RecordHit(kind, new_set.exercise_id, value, reps, previous))

    weight = _lifted_weight(new_set)
    same_reps = [_lifted_weight(s) for s in earlier if s.reps == new_set.reps]
    check(WEIGHT_FOR_REPS, weight, _best(same_reps), new_set.reps)

    check(E1RM, _e1rm(new_set), _best([_e1rm(s) for s in earlier]), new_set.reps)

    if set_volume(new_set) > 0:
        totals = _session_totals([*earlier, new_set])
        this_session = totals.pop(new_set.session_id)
        check(SESSION_VOLUME, this_session, _best(list(totals.values())), None)

    check(LONGEST_HOLD, _hold(new_set), _best([_hold(s) for s in earlier]), None)

    check(LONGEST_DISTANCE, _distance(new_set), _best([_distance(s) for s in earlier]), None)
    check(FASTEST_5K, _five_k(new_set), _best([_five_k(s) for s in earlier], FASTEST_5K), None)
    check(BEST_PACE, _pace(new_set), _best([_pace(s) for s in earlier], BEST_PACE), None)
    return hits


def weight_for_reps_key(reps: int) -> str:
    """The `best_records` key of the heaviest weight for `reps` reps, e.g. ``weight_for_reps:5``."""
    return f"{WEIGHT_FOR_REPS}:{reps}"


def cardio_bests(sets: Iterable[tuple[float | None, float | None]]) -> dict[str, float]:
    """The cardio kinds of `best_records` (``longest_distance``, ``fastest_5k``, ``best_pace``,
    each only when there is one) over one exercise's sets that count, given as (metres,
    seconds): the same values, without building a `SetFact` per set or the strength kinds."""
    distances: list[float] = []
    five_ks: list[float] = []
    paces: list[float] = []
    for metres, seconds in sets:
        distances.append(float(metres) if metres and metres > 0 else 0.0)
        five_ks.append(five_k_seconds(metres, seconds))
        paces.append(pace_per_km(metres, seconds))
    found = {LONGEST_DISTANCE: _best(distances), FASTEST_5K: _best(five_ks, FASTEST_5K),
             BEST_PACE: _best(paces, BEST_PACE)}
    return {kind: value for kind, value in found.items() if value is not None}


def best_records(history: Sequence[SetFact]) -> dict[str, dict[str, float]]:
    """Per exercise, the current best of each kind, for a records page.

    Keys are ``e1rm``, ``session_volume``, ``longest_hold``, ``longest_distance``,
    ``fastest_5k``, ``best_pace`` and one ``weight_for_reps:<reps>`` per rep count; a kind
    with no value is left out, and so is an exercise with none. Unlike `records_for_new_set`, the first session counts here:
    these are the bests as they stand.
    """
    by_exercise: dict[str, list[SetFact]] = {}
    for s in history:
        if s.counts:
            by_exercise.setdefault(s.exercise_id, []).append(s)

    result: dict[str, dict[str, float]] = {}
    for exercise_id, sets in by_exercise.items():
        bests: dict[str, float] = {}
        for s in sets:
            weight = _lifted_weight(s)
            if weight > 0 and s.reps:
                key = weight_for_reps_key(s.reps)
                bests[key] = max(bests.get(key, 0.0), weight)
        candidates = {
            E1RM: _best([_e1rm(s) for s in sets]),
            SESSION_VOLUME: _best(list(_session_totals(sets).values())),
            LONGEST_HOLD: _best([_hold(s) for s in sets]),
            LONGEST_DISTANCE: _best([_distance(s) for s in sets]),
            FASTEST_5K: _best([_five_k(s) for s in sets], FASTEST_5K),
            BEST_PACE: _best([_pace(s) for s in sets], BEST_PACE),
        }
        bests.update({kind: value for kind, value in candidates.items() if value is not None})
        if bests:
            result[exercise_id] = bests
    return result
