"""What a finished workout showed, written from the logged sets, without any AI.

`post_workout_analysis(user_id, session_id)` returns Markdown with:

1. **The session in numbers**: exercises, done sets, volume (weight x reps) and duration.
2. **What improved**: the personal records set in the session (the best of each kind per
   exercise), then a comparison with the previous session - the last finished session of the
   same plan day (same plan and day index) that started before this one, or else the last
   one that shared an exercise with it. Volume and done sets of the exercises both sessions
   had, and each shared exercise's top set, old against new.
3. **Effort**: each exercise's average logged RPE against its target RPE (more than half a
   point over: harder than planned; a point or more under: room to add), and the person's
   own 1-10 rating of the session when given.
4. **Next time**: one concrete suggestion, `suggestions.next_targets` for the main exercise
   (the first exercise in the session with weighted done sets, else the first with any done
   sets), with the entry's target reps and RPE (else the catalogue's range).

Another person's session (or one that does not exist) is ``NotFound``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import sqlalchemy
from sqlmodel import Session, col, select

from vigor_app import db
from vigor_app.models import PersonalRecord, SessionExercise, WorkoutSession, WorkoutSet
from vigor_app.models.workout import SESSION_FINISHED
from vigor_app.services.catalogue import catalogue
from vigor_app.services.coach.wording import (
    day_text,
    record_previous_text,
    record_value_text,
    set_text,
)
from vigor_app.services.counts import plural
from vigor_app.services.errors import NotFound, ValidationError
from vigor_app.services.plans.timing import parse_reps
from vigor_app.services.training import records, set_kinds, streaks, suggestions
from vigor_app.services.training.progress import exercise_names, person
from vigor_app.services.units import mass_text

RECORD_ORDER = records.KINDS
MAX_RECORD_LINES = 6
HARDER_THAN_PLANNED = 0.5
EASIER_THAN_PLANNED = 1.0
DEFAULT_TARGET_REPS = "8-12"


@dataclass
class _Exercise:
    """One exercise of one session: its done sets and, from the entry, its targets."""

    exercise_id: str
    target_reps: str = ""
    target_rpe: float | None = None
    sets: list[tuple[int | None, int | None, float | None, float | None]] = field(default_factory=list)

    @property
    def volume(self) -> float:
        return sum((w or 0.0) * (r or 0) for r, _, w, _ in self.sets if w and w > 0)

    @property
    def weighted(self) -> bool:
        return any(w and w > 0 for _, _, w, _ in self.sets)

    def top(self) -> tuple[float | None, int | None, int | None]:
        """(weight, reps, seconds) of the top set, as `context` chooses it."""
        weighted = [s for s in self.sets if s[2] and s[2] > 0]
        if weighted:
            reps, seconds, weight, _ = max(weighted, key=lambda s: (s[2] or 0.0, s[0] or 0))
            return weight, reps, seconds if not reps else None
        if any(s[0] for s in self.sets):
            return None, max(s[0] or 0 for s in self.sets), None
        return None, None, max((s[1] or 0 for s in self.sets), default=0) or None

    def top_key(self) -> tuple[float, int, int]:
        weight, reps, seconds = self.top()
        return (weight or 0.0, reps or 0, seconds or 0)

    def effort(self) -> float | None:
        rpes = [rpe for *_, rpe in self.sets if rpe is not None]
        return round(sum(rpes) / len(rpes), 1) if rpes else None


def _exercises(session: Session, user_id: int, session_id: int) -> list[_Exercise]:
    """The session's exercises in order (one per exercise id), with their done sets."""
    entries = session.exec(
        select(SessionExercise.id, SessionExercise.exercise_id, SessionExercise.target_reps,
               SessionExercise.target_rpe)
        .where(SessionExercise.session_id == session_id, SessionExercise.user_id == user_id)
        .order_by(col(SessionExercise.position), col(SessionExercise.id))
    ).all()
    by_id: dict[str, _Exercise] = {}
    for _, exercise_id, target_reps, target_rpe in entries:
        found = by_id.setdefault(exercise_id, _Exercise(exercise_id))
        found.target_reps = found.target_reps or target_reps or ""
        found.target_rpe = found.target_rpe if found.target_rpe is not None else target_rpe
    rows = session.execute(
        sqlalchemy.select(col(WorkoutSet.exercise_id), col(WorkoutSet.reps), col(WorkoutSet.seconds),
                          col(WorkoutSet.weight_kg), col(WorkoutSet.rpe))
        .where(col(WorkoutSet.session_id) == session_id, col(WorkoutSet.user_id) == user_id,
               set_kinds.counted())
        .order_by(col(WorkoutSet.session_exercise_id), col(WorkoutSet.position))
    ).all()
    for exercise_id, reps, seconds, weight, rpe in rows:
        by_id.setdefault(exercise_id, _Exercise(exercise_id)).sets.append((reps, seconds, weight, rpe))
    return list(by_id.values())


def _previous(session: Session, user_id: int, row: WorkoutSession,
              exercise_ids: Sequence[str]) -> WorkoutSession | None:
    """The session to compare with: the same plan day's last one, else the last that shared
    an exercise; finished and started before `row`."""
    earlier = (WorkoutSession.user_id == user_id, WorkoutSession.status == SESSION_FINISHED,
               WorkoutSession.started_at < row.started_at, WorkoutSession.id != row.id)
    if row.plan_id is not None and row.plan_day_index is not None:
        same_day = session.exec(
            select(WorkoutSession)
            .where(*earlier, WorkoutSession.plan_id == row.plan_id,
                   WorkoutSession.plan_day_index == row.plan_day_index)
            .order_by(col(WorkoutSession.started_at).desc())
            .limit(1)
        ).first()
        if same_day is not None:
            return same_day
    if not exercise_ids:
        return None
    return session.exec(
        select(WorkoutSession)
        .join(SessionExercise, col(SessionExercise.session_id) == col(WorkoutSession.id))
        .where(*earlier, SessionExercise.user_id == user_id,
               col(SessionExercise.exercise_id).in_(list(exercise_ids)))
        .order_by(col(WorkoutSession.started_at).desc())
        .limit(1)
    ).first()


def _records(session: Session, user_id: int, session_id: int) -> list[PersonalRecord]:
    """The best record of each (exercise, kind, reps) set in the session."""
    rows = session.exec(
        select(PersonalRecord)
        .where(PersonalRecord.user_id == user_id, PersonalRecord.session_id == session_id)
        .order_by(col(PersonalRecord.id))
    ).all()
    best: dict[tuple[str, str, int | None], PersonalRecord] = {}
    for record in rows:
        key = (record.exercise_id, record.kind, record.reps)
        if key not in best or records.better(record.kind, record.value, best[key].value):
            best[key] = record
    return list(best.values())


def _percent(new: float, old: float) -> str:
    if old <= 0:
        return ""
    change = (new - old) / old * 100
    return f" ({'+' if change >= 0 else ''}{change:.0f} %)"


def _main(exercises: Sequence[_Exercise]) -> _Exercise | None:
    done = [e for e in exercises if e.sets]
    return next((e for e in done if e.weighted), done[0] if done else None)


def _target_reps(exercise: _Exercise) -> str:
    if parse_reps(exercise.target_reps) is not None:
        return exercise.target_reps
    found = catalogue.find_exercise(exercise.exercise_id)
    if found is not None and found.timed and found.seconds_range:
        return f"{found.seconds_range[0]}s"
    if found is not None and found.rep_range:
        low, high = found.rep_range
        return f"{low}-{high}" if high != low else str(low)
    return DEFAULT_TARGET_REPS


def _next_time(user_id: int, exercise: _Exercise, name: str) -> str:
    try:
        suggestion = suggestions.next_targets(user_id, exercise.exercise_id, _target_reps(exercise),
                                              exercise.target_rpe)
    except ValidationError:
        suggestion = suggestions.next_targets(user_id, exercise.exercise_id, DEFAULT_TARGET_REPS)
    return f"**{name}:** {suggestion.message}"


def post_workout_analysis(user_id: int, session_id: int) -> str:
    """Markdown on what the session improved and one concrete thing for next time."""
    with db.read_only() as session:
        row = session.get(WorkoutSession, session_id)
        if row is None or row.user_id != user_id:
            raise NotFound("That workout does not exist.")
        units = person(session, user_id).units
        exercises = _exercises(session, user_id, session_id)
        ids = [e.exercise_id for e in exercises]
        previous = _previous(session, user_id, row, ids)
        before = {e.exercise_id: e for e in _exercises(session, user_id, previous.id or 0)} \
            if previous is not None else {}
        set_records = _records(session, user_id, session_id)
        names = exercise_names(session, user_id, {*ids, *(r.exercise_id for r in set_records)})

    day = streaks.local_date(row.started_at, row.timezone).isoformat()
    done = [e for e in exercises if e.sets]
    total_sets = sum(len(e.sets) for e in done)
    volume = sum(e.volume for e in done)
    minutes = round(row.duration_seconds / 60) if row.duration_seconds else None
    status = "" if row.status == SESSION_FINISHED else " (still in progress)"
    out = [f"### {row.name} - {day_text(day)}{status}"]
    if not done:
        out.append("No sets were marked done in this session, so there's nothing to analyse yet. "
                   "Tick off each set as you finish it and the analysis will fill in.")
        return "\n\n".join(out)
    numbers = (f"{plural(len(done), 'exercise')}, "
               f"{plural(total_sets, 'set')} done")
    if volume > 0:
        numbers += f", {mass_text(volume, units)} lifted"
    if minutes:
        numbers += f" in {minutes} min"
    out.append(numbers + ".")

    improved: list[str] = []
    ordered = sorted(set_records, key=lambda r: (ids.index(r.exercise_id) if r.exercise_id in ids
                                                 else len(ids), RECORD_ORDER.index(r.kind)
                                                 if r.kind in RECORD_ORDER else 9, r.reps or 0))
    for record in ordered[:MAX_RECORD_LINES]:
        was = record_previous_text(record.kind, record.previous, units)
        name = names[record.exercise_id]
        improved.append(f"New record - **{name}**: "
                        f"{record_value_text(record.kind, record.value, record.reps, units, name)}"
                        + (f" (was {was})" if was else "") + ".")
    if len(ordered) > MAX_RECORD_LINES:
        improved.append(f"...and {len(ordered) - MAX_RECORD_LINES} more records.")
    comparison: list[str] = []
    if previous is not None:
        shared = [e for e in done if e.exercise_id in before and before[e.exercise_id].sets]
        when = (f"{previous.name} on "
                f"{day_text(streaks.local_date(previous.started_at, previous.timezone).isoformat())}")
        if shared:
            now_volume = sum(e.volume for e in shared)
            then_volume = sum(before[e.exercise_id].volume for e in shared)
            now_sets = sum(len(e.sets) for e in shared)
            then_sets = sum(len(before[e.exercise_id].sets) for e in shared)
            if now_volume > 0 or then_volume > 0:
                line = (f"Volume: {mass_text(now_volume, units)} against "
                        f"{mass_text(then_volume, units)} last time ({when})"
                        f"{_percent(now_volume, then_volume)}")
            else:
                line = f"Compared with {when}"
            comparison.append(f"{line}; {now_sets} sets against {then_sets}.")
            for exercise in shared:
                old = before[exercise.exercise_id]
                if exercise.top_key() > old.top_key():
                    comparison.append(
                        f"{names[exercise.exercise_id]}: top set {set_text(*exercise.top(), units)}, "
                        f"up from {set_text(*old.top(), units)}.")
                elif exercise.top_key() < old.top_key():
                    comparison.append(
                        f"{names[exercise.exercise_id]}: top set {set_text(*exercise.top(), units)}, "
                        f"below last time's {set_text(*old.top(), units)}.")
    out.append("**What improved**")
    if improved or comparison:
        out.append("\n".join(f"- {line}" for line in [*improved, *comparison]))
    if not improved:
        out.append("No new records this time - most sessions don't set one, and the work still "
                   "counts." if previous is not None else
                   "No records yet: this is your baseline, and next time has something to beat.")

    effort: list[str] = []
    for exercise in done:
        average = exercise.effort()
        target = exercise.target_rpe
        name = names[exercise.exercise_id]
        if average is None or target is None:
            continue
        if average - target > HARDER_THAN_PLANNED:
            effort.append(f"{name}: RPE {average:g} against a target of {target:g} - harder than "
                          "planned; hold the load until it feels easier.")
        elif target - average >= EASIER_THAN_PLANNED:
            effort.append(f"{name}: RPE {average:g} against a target of {target:g} - easier than "
                          "planned, so there's room to add.")
        else:
            effort.append(f"{name}: RPE {average:g}, right on the target of {target:g}.")
    if row.intensity:
        effort.append(f"You rated the whole session {row.intensity}/10.")
    if not effort and any(e.target_rpe is not None for e in done):
        effort.append("Log an RPE with your sets next time and I can tell you whether the effort "
                      "matched the plan.")
    if effort:
        out.append("**Effort**")
        out.append("\n".join(f"- {line}" for line in effort))

    main = _main(exercises)
    if main is not None:
        out.append("**Next time**")
        out.append(_next_time(user_id, main, names[main.exercise_id]))
    return "\n\n".join(out)
