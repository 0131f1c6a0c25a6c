"""Progress: personal records, the exercises with a chart and one exercise's series (strength,
or distance and pace), sessions a week, streaks, and body metrics (list, add, delete).
Weights are kilograms, distances metres, times and paces seconds (pace: seconds per km)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Path, Query, Response
from pydantic import BaseModel, ConfigDict, Field

from vigor_app.public_api.callers import Reader, Writer
from vigor_app.public_api.params import Id
from vigor_app.services.catalogue import store
from vigor_app.services.training import body_metrics, cardio_progress, dashboard, progress, streaks
from vigor_app.services.training.body_metrics import MetricEntry
from vigor_app.services.training.cardio_progress import ExerciseChart
from vigor_app.services.training.progress import ExerciseOption, RecordView, WeeklySessions
from vigor_app.services.units import KG

router = APIRouter(tags=["progress"])

Measure = Annotated[float, Field(ge=0, le=1_000)]
Weeks = Annotated[int, Query(ge=1, le=progress.MAX_WEEKS)]


class Streaks(BaseModel):
    current_streak: int  # days in a row, ending today (or yesterday while today is open)
    longest_streak: int
    week_sessions: int  # finished workouts this ISO week
    week_target: int  # the profile's days per week
    total_workouts: int
    rule: str  # what counts toward a streak


class NewMetrics(BaseModel):
    """That day's measurements (at least one); a second entry the same day updates it."""

    model_config = ConfigDict(extra="forbid")

    measured_on: date
    weight_kg: Measure | None = None
    body_fat_pct: Measure | None = None
    waist_cm: Measure | None = None
    chest_cm: Measure | None = None
    arms_cm: Measure | None = None
    thighs_cm: Measure | None = None


@router.get("/progress/records", response_model=list[RecordView], summary="My personal records, newest first")
def list_records(user: Reader, limit: Annotated[int, Query(ge=1, le=progress.MAX_RECORDS)] = 20
                 ) -> list[RecordView]:
    return progress.records_list(user.id, limit)


@router.get("/progress/exercises", response_model=list[ExerciseOption],
            summary="The exercises I have logged, most-logged first")
def list_logged_exercises(user: Reader) -> list[ExerciseOption]:
    return progress.exercise_options(user.id)


@router.get("/progress/exercises/{exercise_id}", response_model=ExerciseChart,
            summary="One exercise over time, a point per finished workout")
def exercise_series(user: Reader, exercise_id: Annotated[str, Path(min_length=1, max_length=store.EXERCISE_ID_LENGTH)],
                    since: date | None = None) -> ExerciseChart:
    return cardio_progress.exercise_chart(user.id, exercise_id, since)


@router.get("/progress/weeks", response_model=WeeklySessions, summary="Finished workouts a week against my target")
def sessions_per_week(user: Reader, weeks: Weeks = 12) -> WeeklySessions:
    return progress.sessions_per_week(user.id, weeks)


@router.get("/progress/streaks", response_model=Streaks, summary="My streaks and this week")
def my_streaks(user: Reader) -> Streaks:
    summary = dashboard.summary(user.id)
    return Streaks(current_streak=summary.current_streak, longest_streak=summary.longest_streak,
                   week_sessions=summary.week_sessions, week_target=summary.week_target,
                   total_workouts=summary.total_workouts, rule=streaks.streak_rule())


@router.get("/progress/body-metrics", response_model=list[MetricEntry], summary="My measurements, newest first")
def list_metrics(user: Reader, limit: Annotated[int, Query(ge=1, le=1_000)] = 60) -> list[MetricEntry]:
    return body_metrics.entries(user.id, limit)


@router.post("/progress/body-metrics", response_model=MetricEntry, status_code=201,
             summary="Record a day's measurements")
def add_metrics(body: NewMetrics, user: Writer) -> MetricEntry:
    values = body.model_dump(exclude={"measured_on"}, exclude_none=True)
    return body_metrics.record(user.id, body.measured_on, values, weight_unit=KG)


@router.delete("/progress/body-metrics/{entry_id:int}", status_code=204, response_class=Response,
               summary="Delete a day's measurements")
def delete_metrics(entry_id: Id, user: Writer) -> Response:
    body_metrics.delete(user.id, entry_id)
    return Response(status_code=204)
