"""Workouts: the list, starting one (from a plan day or freestyle), reading one, its exercises
and sets, finishing and deleting, and a batch of set changes applied in order, each once."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, ConfigDict, Field

from vigor_app.public_api.callers import Reader, Writer
from vigor_app.public_api.errors import ApiError
from vigor_app.public_api.params import Id, Moment
from vigor_app.services.errors import NotFound
from vigor_app.services.training import set_changes, workout_entries, workout_sessions, workout_sets
from vigor_app.services.training.set_changes import ChangeAnswer, SetChange
from vigor_app.services.training.workout_history import HistoryPage, history
from vigor_app.services.training.workout_sessions import FinishResult
from vigor_app.services.training.workout_sets import SaveResult
from vigor_app.services.training.workout_views import SessionView, get_session, open_session
from vigor_app.services.units import KG

router = APIRouter(tags=["sessions"])

Reps = Annotated[int, Field(ge=0, le=10_000)]


class StartSession(BaseModel):
    """From a plan day (`plan_id` and `day_index`), or freestyle (neither; `name` optional)."""

    model_config = ConfigDict(extra="forbid")

    plan_id: Id | None = None
    day_index: Annotated[int, Field(ge=0, le=13)] | None = None
    name: Annotated[str, Field(max_length=120)] = ""


class SessionDetails(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, Field(max_length=200)] | None = None
    note: Annotated[str, Field(max_length=5000)] | None = None
    intensity: Annotated[int, Field(ge=1, le=10)] | None = None


class Finish(BaseModel):
    model_config = ConfigDict(extra="forbid")

    intensity: Annotated[int, Field(ge=1, le=10)] | None = None


class AddExercise(BaseModel):
    model_config = ConfigDict(extra="forbid")

    exercise_id: Annotated[str, Field(min_length=1, max_length=80)]


class SetValues(BaseModel):
    """A set as done: kilograms, seconds, metres. `done: false` saves it not yet ticked."""

    model_config = ConfigDict(extra="forbid")

    reps: Reps | None = None
    seconds: Annotated[int, Field(ge=0)] | None = None
    weight_kg: Annotated[float, Field(ge=0)] | None = None
    rpe: Annotated[float, Field(ge=0)] | None = None
    distance_m: Annotated[float, Field(ge=0)] | None = None
    done: bool = True


class Change(SetValues):
    """One change of a batch. `key`: an idempotency key the sender chose, unique per change."""

    key: Annotated[str, Field(min_length=1, max_length=set_changes.KEY_LIMIT)]
    op: Literal["save_set", "add_set", "remove_set", "finish"]
    set_id: Id | None = None
    set_ref: Annotated[str, Field(max_length=set_changes.KEY_LIMIT)] | None = None
    entry_id: Id | None = None
    intensity: Annotated[int, Field(ge=1, le=10)] | None = None
    made_at: Moment | None = Field(None, description="When the person made the change (the device's clock). "
                                   "With it, a set changed elsewhere since `seen_changed_at` is a change made "
                                   "on two devices: the later one wins (docs/offline.md).")
    seen_changed_at: Moment | None = Field(None, description="The set's `changed_at` as the device last saw it.")


class ChangeBatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    changes: Annotated[list[Change], Field(min_length=1, max_length=set_changes.MAX_CHANGES)]


class BatchAnswer(BaseModel):
    answers: list[ChangeAnswer]
    session: SessionView | None  # the workout after the batch (None once deleted)


def _distance_km(distance_m: float | None) -> float | None:
    return None if distance_m is None else distance_m / 1000


@router.get("/sessions", response_model=HistoryPage, summary="Finished workouts, newest first")
def list_sessions(user: Reader, page: Annotated[int, Query(ge=1, le=100_000)] = 1,
                  per_page: Annotated[int, Query(ge=1, le=100)] = 20,
                  exercise_id: Annotated[str | None, Query(max_length=80)] = None,
                  start: datetime | None = None, end: datetime | None = None) -> HistoryPage:
    return history(user.id, page=page, per_page=per_page, exercise_id=exercise_id, start=start, end=end)


@router.get("/sessions/open", response_model=SessionView, summary="The workout in progress")
def the_open_session(user: Reader) -> SessionView:
    found = open_session(user.id)
    if found is None:
        raise ApiError(404, "not_found", "No workout is in progress.")
    return found


@router.post("/sessions", response_model=SessionView, status_code=201, summary="Start a workout")
def start_session(body: StartSession, user: Writer) -> SessionView:
    if body.plan_id is not None or body.day_index is not None:
        if body.plan_id is None or body.day_index is None:
            raise ApiError(422, "invalid", "A workout from a plan needs both plan_id and day_index.")
        return workout_sessions.start_from_plan(user.id, body.plan_id, body.day_index)
    return workout_sessions.start_freestyle(user.id, body.name)


@router.get("/sessions/{session_id:int}", response_model=SessionView, summary="One workout, with its sets")
def read_session(session_id: Id, user: Reader) -> SessionView:
    return get_session(user.id, session_id)


@router.patch("/sessions/{session_id:int}", response_model=SessionView, summary="Rename, note or rate a workout")
def update_session(session_id: Id, body: SessionDetails, user: Writer) -> SessionView:
    return workout_sessions.set_session_details(user.id, session_id, name=body.name, note=body.note,
                                                intensity=body.intensity)


@router.post("/sessions/{session_id:int}/finish", response_model=FinishResult, summary="Finish a workout")
def finish_session(session_id: Id, body: Finish, user: Writer) -> FinishResult:
    return workout_sessions.finish(user.id, session_id, intensity=body.intensity)


@router.delete("/sessions/{session_id:int}", status_code=204, response_class=Response, summary="Delete a workout")
def delete_session(session_id: Id, user: Writer) -> Response:
    workout_sessions.delete_session(user.id, session_id)
    return Response(status_code=204)


@router.post("/sessions/{session_id:int}/exercises", response_model=SessionView, status_code=201,
             summary="Add an exercise to a workout")
def add_exercise(session_id: Id, body: AddExercise, user: Writer) -> SessionView:
    return workout_entries.add_exercise(user.id, session_id, body.exercise_id)


@router.delete("/entries/{entry_id:int}", response_model=SessionView, summary="Remove an exercise from its workout")
def remove_exercise(entry_id: Id, user: Writer) -> SessionView:
    return workout_entries.remove_exercise(user.id, entry_id)


@router.post("/entries/{entry_id:int}/sets", response_model=SessionView, status_code=201,
             summary="Add a set to an exercise (pre-filled with the set before)")
def add_set(entry_id: Id, user: Writer) -> SessionView:
    return workout_sets.add_set(user.id, entry_id)


@router.put("/sets/{set_id:int}", response_model=SaveResult, summary="Save a set (log it)")
def save_set(set_id: Id, body: SetValues, user: Writer) -> SaveResult:
    return workout_sets.save_set(user.id, set_id, reps=body.reps, seconds=body.seconds, weight_kg=body.weight_kg,
                                 rpe=body.rpe, done=body.done, weight_unit=KG,
                                 distance=_distance_km(body.distance_m), with_session=False)


@router.delete("/sets/{set_id:int}", response_model=SessionView, summary="Remove a set")
def remove_set(set_id: Id, user: Writer) -> SessionView:
    return workout_sets.remove_set(user.id, set_id)


@router.post("/sessions/{session_id:int}/changes", response_model=BatchAnswer,
             summary="Apply a batch of set changes in order, each exactly once by its key")
def apply_changes(session_id: Id, body: ChangeBatch, user: Writer) -> BatchAnswer:
    get_session(user.id, session_id)  # 404 for a workout that is not theirs
    changes = [SetChange(key=c.key, op=c.op, set_id=c.set_id, set_ref=c.set_ref, entry_id=c.entry_id,
                         session_id=session_id, reps=c.reps, seconds=c.seconds, weight_kg=c.weight_kg, rpe=c.rpe,
                         distance_m=c.distance_m, done=c.done, intensity=c.intensity, made_at=c.made_at,
                         seen_changed_at=c.seen_changed_at) for c in body.changes]
    answers = set_changes.apply(user.id, changes)
    try:
        after: SessionView | None = get_session(user.id, session_id)
    except NotFound:  # deleted by the batch or meanwhile: the answers still say what happened
        after = None
    return BatchAnswer(answers=answers, session=after)
