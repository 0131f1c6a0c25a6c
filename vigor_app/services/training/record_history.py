"""The earlier sets a newly saved set is compared with: only the rows that can hold a best.

`records.records_for_new_set` holds the record rules; it reads a list of earlier sets and
takes, for each kind, the best of them. Years of training are thousands of sets of one
exercise, and reading them all made a tick cost in proportion to the person's history
(`bench/tick.py --years 5`). The database picks the rows instead, each by the same
figure the rule takes its best of, and the rule reads only those:

- every set of the new set's own session (the session's volume, and a repeat of a weight done
  earlier in the session being a tie);
- from the other sessions, the set best by each figure: the heaviest weight at the same rep
  count; the heaviest single and the best Epley estimate over 2-12 reps (the same ordering as
  ``records.estimated_1rm``: weight x (30 + reps)); the longest hold; the longest distance;
  the fewest seconds per metre over 5 km and over 1 km (the 5 km time and the pace);
- all sets of the other session with the largest volume (there is one whenever another session
  holds a counted set: so the rule also sees that this is not the exercise's first session).

What is compared is what the rule compared before: the counted sets (done, not warm-ups) of
the exercise, completed no later than the new set, without the new set itself. The test
`tests/unit/test_record_history.py` checks on random histories that the rule finds the same
records on these rows as on all of them.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy
from sqlalchemy import and_, bindparam, case, func, or_
from sqlmodel import Session, col

from vigor_app.models import WorkoutSet
from vigor_app.services.training import records, set_kinds

_ID = col(WorkoutSet.id)
_SESSION = col(WorkoutSet.session_id)
_WEIGHT = col(WorkoutSet.weight_kg)
_REPS = col(WorkoutSet.reps)
_SECONDS = col(WorkoutSet.seconds)
_DISTANCE = col(WorkoutSet.distance_m)


def _statement() -> sqlalchemy.Select:
    """The read, built once (building it cost more than running it does), with named
    parameters: user_id, exercise_id, set_id, session_id, reps (None: no set has that many),
    until."""
    completed_at = col(WorkoutSet.completed_at)
    earlier = (col(WorkoutSet.user_id) == bindparam("user_id"), col(WorkoutSet.exercise_id) == bindparam("exercise_id"),
               set_kinds.counted(), _ID != bindparam("set_id"),
               completed_at <= bindparam("until"))
    other = (*earlier, _SESSION != bindparam("session_id"))
    lifted = and_(_WEIGHT > 0, _REPS > 0)

    def best(*where, order) -> sqlalchemy.Select:
        return sqlalchemy.select(_ID).where(*other, *where).order_by(order).limit(1)

    seconds_per_metre = _SECONDS * 1.0 / _DISTANCE
    heaviest_session = (sqlalchemy.select(_SESSION).where(*other).group_by(_SESSION)
                        .order_by(func.sum(case((lifted, _WEIGHT * _REPS), else_=0)).desc()).limit(1))
    picks = [
        sqlalchemy.select(_ID).where(*earlier, _SESSION == bindparam("session_id")),
        sqlalchemy.select(_ID).where(*other, _SESSION == heaviest_session.scalar_subquery()),
        best(_REPS == bindparam("reps"), lifted, order=_WEIGHT.desc()),
        best(_REPS == 1, _WEIGHT > 0, order=_WEIGHT.desc()),
        best(_REPS.between(2, records.MAX_E1RM_REPS), _WEIGHT > 0, order=(_WEIGHT * (30 + _REPS)).desc()),
        best(_SECONDS > 0, or_(_DISTANCE.is_(None), _DISTANCE <= 0), order=_SECONDS.desc()),
        best(_DISTANCE > 0, order=_DISTANCE.desc()),
        best(_DISTANCE >= records.FIVE_K_METRES, _SECONDS > 0, order=seconds_per_metre.asc()),
        best(_DISTANCE >= records.PACE_METRES, _SECONDS > 0, order=seconds_per_metre.asc()),
    ]
    # Each pick is its own subquery: a database reads ORDER BY and LIMIT only there in a UNION.
    chosen = sqlalchemy.union(*(sqlalchemy.select(pick.subquery().c.id) for pick in picks))
    return (sqlalchemy.select(_SESSION, _WEIGHT, _REPS, _SECONDS, col(WorkoutSet.done), completed_at, _DISTANCE)
            .where(_ID.in_(chosen)))


_EARLIER_SETS = _statement()


def earlier_sets(session: Session, user_id: int, exercise_id: str, set_id: int, session_id: int,
                 reps: int | None, until: datetime) -> list[records.SetFact]:
    """The earlier counted sets of `exercise_id` that can decide the records of the set
    `set_id` (in the workout `session_id`, with `reps` reps, completed at `until`)."""
    rows = session.execute(_EARLIER_SETS, {"user_id": user_id, "exercise_id": exercise_id, "set_id": set_id,
                                           "session_id": session_id, "reps": reps, "until": until}).all()
    # Every row was completed no later than `until` (the statement's condition): none lacks a time.
    return [records.SetFact(exercise_id=exercise_id, session_id=sid, weight_kg=weight_kg, reps=reps_done,
                            seconds=seconds, done=done, completed_at=completed_at, distance_m=distance_m)
            for sid, weight_kg, reps_done, seconds, done, completed_at, distance_m in rows]
