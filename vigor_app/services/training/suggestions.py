"""What to lift next time: load and reps for one exercise, from the person's last sessions.

`next_targets` reads the last finished sessions that had the exercise and applies the
exercise's progression rule (``plans.progression``):

- targets met at or below the target RPE: add load (or reps, or seconds, as the rule says);
- otherwise hold the load;
- a **lighter week (deload)** when performance has stalled or dropped for three sessions
  running: about 10 % off the load, back at the bottom of the range.

How the logged sessions are read:

- A session's **working weight** is its heaviest done set (warm-ups never count:
  ``set_kinds``); its **working sets** are the done sets at that weight (lighter sets are warm-ups or back-offs and are not judged).
  Sets the plan asked for (``target_sets`` of the entry) but that were never done count
  as missed, so they hold progress back.
- No target RPE (``None``) means effort is not judged: only reps (or seconds) are.
- A session **counts towards a stall** when the rule says "hold" for it, or - under double
  progression, where the answer is "add a rep" while reps are within the range - when it
  did no better than the session before at the same weight (total reps over the working
  sets not higher, and not at an effort at least one RPE lower). A session at a lighter
  working weight than the one before (a deload taken, or a step back) starts a new run
  (counting itself when it was a "hold"), so a deload is never followed straight by another.

The message is written for the person, with weights in their units (kg or lb); the
returned figures stay in kilograms.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy
from sqlmodel import Session, col, select

from vigor_app import db
from vigor_app.models import SessionExercise, WorkoutSession, WorkoutSet
from vigor_app.models.workout import SESSION_FINISHED
from vigor_app.services.catalogue import catalogue
from vigor_app.services.catalogue.exercise import Exercise
from vigor_app.services.errors import ValidationError
from vigor_app.services.plans import progression
from vigor_app.services.plans.progression import STALL_SESSIONS, Target
from vigor_app.services.plans.timing import Reps, parse_reps
from vigor_app.services.training import set_kinds
from vigor_app.services.training.progress import exercise_names, person
from vigor_app.services.units import weight_text

HISTORY_SESSIONS = 6  # enough to see a three-session run and the session before it
UNJUDGED_RPE = 10.0  # the effort bar when no target RPE is given: any effort passes
DEFAULT_LOAD_STEP_KG = 2.5  # custom exercises logged with weights
WEIGHT_EPSILON = 0.01
CLEARLY_EASIER_RPE = 1.0


@dataclass(frozen=True)
class Suggestion:
    """Next time's target for one exercise.

    ``action``: ``start`` (nothing logged yet), ``increase_load``, ``increase_reps`` (reps or
    seconds), ``hold`` or ``deload``. ``weight_kg`` is None for bodyweight work or a first
    time; ``reps`` is a count, a range or seconds ("8", "8-12", "35s").
    """

    exercise_id: str
    exercise_name: str
    action: str
    weight_kg: float | None
    reps: str
    message: str
    rule: str
    last_weight_kg: float | None = None
    last_sets: list[int] = field(default_factory=list)  # reps (seconds) of the working sets
    last_trained_at: datetime | None = None
    stalled_sessions: int = 0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class _Performance:
    """One past session of the exercise: its done sets and how many were planned."""

    session_id: int
    started_at: datetime
    planned: int | None
    done: list[dict[str, Any]] = field(default_factory=list)

    @property
    def weight(self) -> float | None:
        weights = [s["weight_kg"] for s in self.done if s["weight_kg"]]
        return max(weights) if weights else None

    def working(self) -> list[dict[str, Any]]:
        top = self.weight
        if top is None:
            return list(self.done)
        return [s for s in self.done if (s["weight_kg"] or 0.0) >= top - WEIGHT_EPSILON]

    def logged(self) -> list[dict[str, Any]]:
        """The working sets, then one missed set for each planned set not done at the working weight."""
        sets = self.working()
        missing = max(0, (self.planned or 0) - len(sets))
        return sets + [{"reps": 0, "seconds": 0, "weight_kg": None, "rpe": None, "done": False}] * missing

    def amounts(self, timed: bool) -> list[int]:
        key = "seconds" if timed else "reps"
        return [int(s[key] or (s["reps"] if timed else 0) or 0) for s in self.working()]

    def effort(self) -> float | None:
        rpes = [s["rpe"] for s in self.working() if s["rpe"] is not None]
        return sum(rpes) / len(rpes) if rpes else None


def _history(session: Session, user_id: int, exercise_id: str) -> list[_Performance]:
    """The last finished sessions with the exercise, oldest first."""
    entries = session.exec(
        select(SessionExercise.session_id, SessionExercise.target_sets, WorkoutSession.started_at)
        .join(WorkoutSession, col(WorkoutSession.id) == col(SessionExercise.session_id))
        .where(SessionExercise.user_id == user_id, SessionExercise.exercise_id == exercise_id,
               WorkoutSession.user_id == user_id, WorkoutSession.status == SESSION_FINISHED)
        .order_by(col(WorkoutSession.started_at).desc(), col(WorkoutSession.id).desc())
        .limit(HISTORY_SESSIONS * 2)  # an exercise may appear twice in one session
    ).all()
    sessions: dict[int, _Performance] = {}
    for session_id, target_sets, started_at in entries:
        found = sessions.get(session_id)
        if found is None:
            if len(sessions) == HISTORY_SESSIONS:
                continue
            sessions[session_id] = _Performance(session_id, started_at, target_sets)
        elif target_sets:
            found.planned = (found.planned or 0) + target_sets
    if not sessions:
        return []
    rows = session.execute(
        sqlalchemy.select(col(WorkoutSet.session_id), col(WorkoutSet.reps),
                          col(WorkoutSet.seconds), col(WorkoutSet.weight_kg), col(WorkoutSet.rpe))
        .where(col(WorkoutSet.user_id) == user_id, col(WorkoutSet.exercise_id) == exercise_id,
               col(WorkoutSet.session_id).in_(list(sessions)), set_kinds.counted())
        .order_by(col(WorkoutSet.session_id), col(WorkoutSet.position))
    ).all()
    for session_id, reps, seconds, weight, rpe in rows:
        sessions[session_id].done.append(
            {"reps": reps, "seconds": seconds, "weight_kg": weight, "rpe": rpe, "done": True}
        )
    kept = [p for p in sessions.values() if p.done]
    return sorted(kept, key=lambda p: (p.started_at, p.session_id))


def _rule(exercise: Exercise | None, reps: Reps, history: Sequence[_Performance]) -> str:
    if exercise is not None:
        return progression.rule_for(exercise, reps)
    if reps.timed:
        return "time_step"
    if any(p.weight for p in history):
        return "load_step" if reps.low == reps.high else "double_progression"
    return "rep_step"


def _load_step(exercise: Exercise | None, history: Sequence[_Performance]) -> float:
    if exercise is not None:
        return progression.load_step_kg(exercise.equipment)
    return DEFAULT_LOAD_STEP_KG if any(p.weight for p in history) else 0.0


def _did_better(before: _Performance, after: _Performance, timed: bool) -> bool:
    """True when `after` beat `before`: more load, more reps at the load, or clearly easier."""
    heavier = (after.weight or 0.0) - (before.weight or 0.0)
    if heavier > WEIGHT_EPSILON:
        return True
    if heavier < -WEIGHT_EPSILON:
        return False
    more = sum(after.amounts(timed)) - sum(before.amounts(timed))
    if more != 0:
        return more > 0
    was, now = before.effort(), after.effort()
    return was is not None and now is not None and was - now >= CLEARLY_EASIER_RPE


def _stall_run(rule: str, target: Target, history: Sequence[_Performance], timed: bool) -> int:
    """How many sessions in a row, ending with the latest, stalled or dropped."""
    run = 0
    for index in range(len(history) - 1, -1, -1):
        current = history[index]
        before = history[index - 1] if index > 0 else None
        lighter = before is not None and \
            (current.weight or 0.0) < (before.weight or 0.0) - WEIGHT_EPSILON
        action = progression.suggest_next(rule, target, current.logged()).action
        stuck = (rule == "double_progression" and action == "increase_reps"
                 and before is not None and not lighter and not _did_better(before, current, timed))
        if action == "hold" or stuck:
            run += 1
        else:
            break
        if lighter:
            break  # a lighter session starts afresh: what came before it is not this run
    return run


def _reps_text(reps: str) -> str:
    parsed = parse_reps(reps)
    if parsed is None:
        return reps
    if parsed.timed:
        return f"{parsed.low} s"
    return f"{parsed} rep" + ("" if parsed.low == parsed.high == 1 else "s")


def _first_time(name: str, reps: Reps, loadable: bool) -> str:
    if reps.timed:
        return f"{name} is new in your log: hold for {reps.low} s per set and log how it went."
    if loadable:
        return (f"{name} is new in your log: pick a weight you could lift for {reps.high + 2} "
                f"reps, do {_reps_text(str(reps))} per set and log it. Next time's target "
                f"follows from there.")
    return f"{name} is new in your log: aim for {_reps_text(str(reps))} per set and log how it went."


def _message(action: str, name: str, target: Target, proposal: progression.Suggestion,
             latest: _Performance, units: str, run: int) -> str:
    reps = parse_reps(target.reps)
    assert reps is not None
    goal = _reps_text(str(reps))
    step = weight_text(target.load_step_kg, units)
    now_weight = weight_text(proposal.weight_kg, units)
    then_weight = weight_text(latest.weight, units)
    at_then = f" at {then_weight}" if latest.weight is not None else ""
    what = "hold" if reps.timed else "set"
    if action == "deload":
        lighter = f"{now_weight} for " if proposal.weight_kg is not None else ""
        return (f"{name} has stalled for {run} sessions in a row. Take a lighter week: "
                f"{lighter}{_reps_text(proposal.reps)}, then build back up - the next jump "
                f"usually comes right after.")
    if action == "increase_load":
        return (f"Every set hit the target last time{at_then}. Add {step}: "
                f"{now_weight} for {_reps_text(proposal.reps)}.")
    if action == "increase_reps":
        if reps.timed:
            return f"Every hold reached {reps.low} s. Go for {_reps_text(proposal.reps)} next time."
        if latest.weight is None:
            return f"Every set reached {reps.low}. Aim for {_reps_text(proposal.reps)} next time."
        return (f"Good work at {then_weight}. Stay there and aim for {_reps_text(proposal.reps)} "
                f"on every set.")
    # hold
    missed = sum(1 for s in latest.logged() if not s["done"])
    if missed:
        repeat = f"Repeat {then_weight}" if latest.weight is not None else "Stay with it"
        return (f"{missed} planned {what}{'s' if missed > 1 else ''} not done last time. "
                f"{repeat} until every {what} reaches {goal}.")
    effort = latest.effort()
    if effort is not None and target.rpe < UNJUDGED_RPE and effort > target.rpe and \
            all(a >= reps.low for a in latest.amounts(reps.timed)):
        again = f"Repeat {then_weight}" if latest.weight is not None else "Repeat it"
        return (f"You got there, but harder than RPE {target.rpe:g}. {again} and make it "
                f"feel easier before adding more.")
    stay = f"Stay at {then_weight} and keep" if latest.weight is not None else "Keep"
    return f"{stay} working towards {goal} on every {what}."


def next_targets(user_id: int, exercise_id: str, target_reps: str,
                 target_rpe: float | None = None) -> Suggestion:
    """Next session's weight and reps for `exercise_id`, from the person's last sessions.

    `target_reps` is what the plan prescribes ("8-12", "5" or "30s"); `target_rpe` its
    effort target (None: effort not judged). Raises ``ValidationError`` for targets that are
    not of those forms.
    """
    reps = parse_reps(target_reps)
    if reps is None:
        raise ValidationError("Write the target as reps (8), a range (8-12) or seconds (30s).",
                              field="target_reps")
    if target_rpe is not None and (isinstance(target_rpe, bool) or not 1 <= target_rpe <= 10):
        raise ValidationError("Target effort (RPE) is between 1 and 10.", field="target_rpe")
    exercise = catalogue.find_exercise(exercise_id)
    with db.read_only() as session:  # one session for the three reads
        history = _history(session, user_id, exercise_id)
        units = person(session, user_id).units
        name = exercise_names(session, user_id, [exercise_id])[exercise_id]
    rule = _rule(exercise, reps, history)
    step = _load_step(exercise, history)

    if not history:
        loadable = step > 0
        return Suggestion(exercise_id=exercise_id, exercise_name=name, action="start",
                          weight_kg=None, reps=str(reps), rule=rule,
                          message=_first_time(name, reps, loadable))

    latest = history[-1]
    max_seconds = exercise.seconds_range[1] if exercise and exercise.seconds_range else None
    target = Target(reps=str(reps), rpe=float(target_rpe) if target_rpe is not None else UNJUDGED_RPE,
                    weight_kg=latest.weight, load_step_kg=step, max_seconds=max_seconds)
    run = _stall_run(rule, target, history, reps.timed)
    if run >= STALL_SESSIONS:
        proposal = progression.deload(rule, target)
    else:
        proposal = progression.suggest_next(rule, target, latest.logged())
    return Suggestion(
        exercise_id=exercise_id, exercise_name=name, action=proposal.action,
        weight_kg=proposal.weight_kg, reps=proposal.reps, rule=rule,
        message=_message(proposal.action, name, target, proposal, latest, units, run),
        last_weight_kg=latest.weight, last_sets=latest.amounts(reps.timed),
        last_trained_at=latest.started_at, stalled_sessions=run,
    )
