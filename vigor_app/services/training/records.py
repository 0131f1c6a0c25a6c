"""Personal records: what a newly logged set beats, and the current bests per exercise.

Record kinds (all in kilograms or seconds):

- ``weight_for_reps``: the heaviest weight lifted for exactly that rep count (weight > 0).
- ``e1rm``: the best estimated one-rep max (Epley, see `estimated_1rm`).
- ``session_volume``: the best sum of weight × reps over the done sets of the exercise in
  one session.
- ``longest_hold``: the longest timed set, in seconds.

Rules for `records_for_new_set`:

- Only done sets count, and never warm-ups (``set_kinds``); an undone new set sets nothing
  and undone history is ignored.
- A record has to beat something: the new value must be strictly greater than the best
  earlier value of the same kind (ties are not records). Where no earlier value of that
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

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from vigor_app.clock import as_utc

WEIGHT_FOR_REPS = "weight_for_reps"
E1RM = "e1rm"
SESSION_VOLUME = "session_volume"
LONGEST_HOLD = "longest_hold"
KINDS = (WEIGHT_FOR_REPS, E1RM, SESSION_VOLUME, LONGEST_HOLD)

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
    return float(s.seconds) if s.seconds and s.seconds > 0 else 0.0


def _session_totals(sets: Sequence[SetFact]) -> dict[int, float]:
    totals: dict[int, float] = {}
    for s in sets:
        totals[s.session_id] = totals.get(s.session_id, 0.0) + set_volume(s)
    return {session: round(total, 1) for session, total in totals.items()}


def _best(values: list[float]) -> float | None:
    positive = [v for v in values if v > 0]
    return max(positive) if positive else None


def records_for_new_set(history: Sequence[SetFact], new_set: SetFact) -> list[RecordHit]:
    """The records `new_set` sets against the earlier done sets of its exercise."""
    if not new_set.done:
        return []
    earlier = [
        s
        for s in history
        if s.done
        and s.exercise_id == new_set.exercise_id
        and as_utc(s.completed_at) <= as_utc(new_set.completed_at)
        and s != new_set
    ]
    if not any(s.session_id != new_set.session_id for s in earlier):
        return []  # the first session of this exercise is the baseline

    hits: list[RecordHit] = []

    def check(kind: str, value: float, previous: float | None, reps: int | None) -> None:
        if value > 0 and previous is not None and value > previous:
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
    return hits


def weight_for_reps_key(reps: int) -> str:
    """The `best_records` key of the heaviest weight for `reps` reps, e.g. ``weight_for_reps:5``."""
    return f"{WEIGHT_FOR_REPS}:{reps}"


def best_records(history: Sequence[SetFact]) -> dict[str, dict[str, float]]:
    """Per exercise, the current best of each kind, for a records page.

    Keys are ``e1rm``, ``session_volume``, ``longest_hold`` and one
    ``weight_for_reps:<reps>`` per rep count; a kind with no value is left out, and so is
    an exercise with none. Unlike `records_for_new_set`, the first session counts here:
    these are the bests as they stand.
    """
    by_exercise: dict[str, list[SetFact]] = {}
    for s in history:
        if s.done:
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
        }
        bests.update({kind: value for kind, value in candidates.items() if value is not None})
        if bests:
            result[exercise_id] = bests
    return result
