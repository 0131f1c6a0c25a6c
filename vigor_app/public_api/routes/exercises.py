"""The exercise library: the catalogue and the member's own custom exercises, searched and
filtered as on the Exercises page, a page at a time; one exercise by its id."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from vigor_app.public_api.callers import Reader
from vigor_app.services.catalogue import browser, listing, store
from vigor_app.services.catalogue.listing import ExerciseInfo, ExercisePage

router = APIRouter(tags=["exercises"])

Filter = Annotated[str, Query(max_length=40, description="One of the library's choices; empty: any.")]


@router.get("/exercises", response_model=ExercisePage, summary="Search the exercise library")
def list_exercises(user: Reader, q: Annotated[str, Query(max_length=browser.MAX_SEARCH_LENGTH)] = "",
                   muscle: Filter = "", equipment: Filter = "", pattern: Filter = "",
                   limit: Annotated[int, Query(ge=1, le=listing.MAX_PAGE)] = 24,
                   offset: Annotated[int, Query(ge=0, le=100_000)] = 0) -> ExercisePage:
    return listing.browse(user.id, q, muscle=muscle, equipment=equipment, pattern=pattern,
                          limit=limit, offset=offset)


@router.get("/exercises/{exercise_id}", response_model=ExerciseInfo, summary="One exercise")
def read_exercise(user: Reader,
                  exercise_id: Annotated[str, Path(min_length=1, max_length=store.EXERCISE_ID_LENGTH)]
                  ) -> ExerciseInfo:
    return listing.exercise(user.id, exercise_id)
