"""The statements of the progress reads (``progress``, ``cardio_progress``), each built once.

Building a statement costs about as much as running one of these (a few hundred statements'
worth of Python objects, then a cache key) and the reads run on every page: so each is built
when the module loads, with named parameters (``bindparam``) that a read fills in at run
time. Every statement only reads one person's rows (``user_id``); sets are read on the
partial indexes of the sets that count (``models.workout.WorkoutSet``), starts as whole
seconds (``db.epoch_seconds``).
"""

from __future__ import annotations

import sqlalchemy
from sqlalchemy import bindparam, case, func
from sqlalchemy.orm import aliased
from sqlmodel import col

from vigor_app.db import epoch_seconds
from vigor_app.models import FitnessProfile, PersonalRecord, WorkoutSession, WorkoutSet
from vigor_app.models.workout import SESSION_FINISHED
from vigor_app.services.training import set_kinds
from vigor_app.services.training.records import MAX_E1RM_REPS

_started_at = col(WorkoutSession.started_at)
_of_the_person = (col(WorkoutSession.user_id) == bindparam("user_id"),
                  col(WorkoutSession.status) == SESSION_FINISHED)

# The profile figures the charts need (`progress.person`). Parameters: user_id.
PERSON = (sqlalchemy.select(col(FitnessProfile.timezone), col(FitnessProfile.days_per_week),
                            col(FitnessProfile.units))
          .where(col(FitnessProfile.user_id) == bindparam("user_id")))


def _exercises_logged() -> sqlalchemy.Select:
    # Whether an exercise was ever lifted with weight is asked of its own sets, once per
    # exercise, stopping at the first such set: cheaper than a maximum over every set.
    lifted = aliased(WorkoutSet)
    loaded = (sqlalchemy.select(sqlalchemy.literal(1))
              .where(col(lifted.user_id) == bindparam("user_id"),
                     col(lifted.exercise_id) == col(WorkoutSet.exercise_id),
                     set_kinds.counted(lifted), col(lifted.weight_kg) > 0).exists())
    return (sqlalchemy.select(col(WorkoutSet.exercise_id), func.count(func.distinct(col(WorkoutSet.session_id))),
                              loaded)
            .where(col(WorkoutSet.user_id) == bindparam("user_id"), set_kinds.counted())
            .group_by(col(WorkoutSet.exercise_id)))


# (exercise id, sessions with a set of it, lifted with weight at least once) per exercise the
# person did sets of (`progress.exercise_options`). Parameters: user_id.
EXERCISES_LOGGED = _exercises_logged()


def _strength() -> sqlalchemy.Select:
    reps = col(WorkoutSet.reps)
    return (
        sqlalchemy.select(col(WorkoutSet.session_id), col(WorkoutSet.weight_kg), func.count(), func.max(reps),
                          func.max(case((reps.between(1, MAX_E1RM_REPS), reps))),
                          func.max(col(WorkoutSet.seconds)), func.sum(reps), epoch_seconds(_started_at),
                          col(WorkoutSession.timezone))
        .join(WorkoutSession, col(WorkoutSession.id) == col(WorkoutSet.session_id))
        .where(col(WorkoutSet.user_id) == bindparam("user_id"),
               col(WorkoutSet.exercise_id) == bindparam("exercise_id"), set_kinds.counted(), *_of_the_person)
        .group_by(col(WorkoutSet.session_id), col(WorkoutSet.weight_kg), _started_at, col(WorkoutSession.timezone))
        .order_by(_started_at, col(WorkoutSet.session_id))
    )


# One row per finished session and weight of an exercise, oldest first (`progress.strength_series`):
# session id, weight, sets, most reps, most reps of 1 to 12, most seconds, reps in all, start,
# zone. Parameters: user_id, exercise_id; and since (a UTC datetime) for STRENGTH_SINCE.
STRENGTH = _strength()
STRENGTH_SINCE = STRENGTH.where(_started_at >= bindparam("since"))

# One row per set of a distance exercise in a finished session, oldest first
# (`cardio_progress.cardio_series`): session id, metres, seconds, start, zone. Parameters:
# user_id, exercise_id; and since for CARDIO_SINCE.
CARDIO = (
    sqlalchemy.select(col(WorkoutSet.session_id), col(WorkoutSet.distance_m), col(WorkoutSet.seconds),
                      epoch_seconds(_started_at), col(WorkoutSession.timezone))
    .join(WorkoutSession, col(WorkoutSession.id) == col(WorkoutSet.session_id))
    .where(col(WorkoutSet.user_id) == bindparam("user_id"), col(WorkoutSet.exercise_id) == bindparam("exercise_id"),
           set_kinds.counted(), *_of_the_person)
    .order_by(_started_at, col(WorkoutSet.session_id))
)
CARDIO_SINCE = CARDIO.where(_started_at >= bindparam("since"))

# The person's finished sessions started from `early` up to `now` (id, start, zone) with the
# person's own zone beside each (`progress._weeks_of_sessions`). Parameters: user_id, early, now.
SESSIONS_FROM = (
    sqlalchemy.select(col(WorkoutSession.id), epoch_seconds(_started_at), col(WorkoutSession.timezone),
                      sqlalchemy.select(col(FitnessProfile.timezone))
                      .where(col(FitnessProfile.user_id) == bindparam("user_id")).scalar_subquery())
    .where(*_of_the_person, _started_at >= bindparam("early"), _started_at <= bindparam("now"))
)

# Sets and tonnage per (session, exercise) of the sessions `ids` (`progress.weekly_volume_by_muscle`).
# The ids, numbers the database gave, are written into the statement when it runs: binding
# 300 numbers one by one costs more than the query. Parameters: ids.
_lifted = case((col(WorkoutSet.weight_kg) > 0, col(WorkoutSet.weight_kg) * col(WorkoutSet.reps)), else_=0.0)
SETS_BY_SESSION = (
    sqlalchemy.select(col(WorkoutSet.session_id), col(WorkoutSet.exercise_id), func.count(),
                      func.coalesce(func.sum(_lifted), 0.0))
    .where(col(WorkoutSet.session_id).in_(bindparam("ids", expanding=True, literal_execute=True)),
           set_kinds.counted())
    .group_by(col(WorkoutSet.session_id), col(WorkoutSet.exercise_id))
)

# The person's newest records (`progress.recent_records`). Parameters: user_id, limit.
RECENT_RECORDS = (
    sqlalchemy.select(col(PersonalRecord.id), col(PersonalRecord.exercise_id), col(PersonalRecord.kind),
                      col(PersonalRecord.value), col(PersonalRecord.reps), col(PersonalRecord.previous),
                      col(PersonalRecord.achieved_at), col(PersonalRecord.session_id))
    .where(col(PersonalRecord.user_id) == bindparam("user_id"))
    .order_by(col(PersonalRecord.achieved_at).desc(), col(PersonalRecord.id).desc())
    .limit(bindparam("limit"))
)
