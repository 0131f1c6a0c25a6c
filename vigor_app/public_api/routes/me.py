"""Who I am and my fitness profile."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict

from vigor_app.public_api.callers import Reader, Writer
from vigor_app.services.plans import profiles
from vigor_app.services.plans.profiles import ProfileView

router = APIRouter(tags=["me"])


class Me(BaseModel):
    id: int
    username: str
    email: str
    role: str


class ProfileChanges(BaseModel):
    """Any of the profile's fields; those left out keep their value. Checked like the Profile
    page's form: all or nothing."""

    model_config = ConfigDict(extra="forbid")

    fitness_level: str | None = None
    goals: list[str] | None = None
    equipment: list[str] | None = None
    injuries: list[str] | None = None
    days_per_week: int | None = None
    preferred_weekdays: list[str] | None = None
    session_minutes: int | None = None
    units: str | None = None
    timezone: str | None = None
    daily_motivation: bool | None = None
    motivation_hour: int | None = None


@router.get("/me", response_model=Me, summary="Who is asking")
def me(user: Reader) -> Me:
    return Me(id=user.id, username=user.username, email=user.email, role=user.role)


@router.get("/me/profile", response_model=ProfileView, summary="My fitness profile")
def get_profile(user: Reader) -> ProfileView:
    return profiles.get_profile(user.id)


@router.patch("/me/profile", response_model=ProfileView, summary="Change my fitness profile")
def update_profile(changes: ProfileChanges, user: Writer) -> ProfileView:
    given: dict[str, Any] = changes.model_dump(exclude_unset=True, exclude_none=True)
    return profiles.update_profile(user.id, given)
