"""Workout plans: the member's plans, generating one through the AI gateway (a provider, or
the built-in engine when none is configured or allowed), reading, activating and deleting one."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Response
from pydantic import BaseModel, ConfigDict, Field

from vigor_app.public_api import feedback as votes
from vigor_app.public_api.callers import AiAllowance, Reader, Writer
from vigor_app.public_api.params import Id
from vigor_app.services.ai import feedback
from vigor_app.services.plans import library as plan_library
from vigor_app.services.plans.library import GeneratedPlan, StoredPlan

router = APIRouter(tags=["plans"])

Word = Annotated[str, Field(max_length=40)]


class PlanSummary(BaseModel):
    id: int
    name: str
    is_active: bool
    engine: str
    created_at: datetime


class NewPlan(BaseModel):
    """What this plan asks for; a field left out is as in the member's profile. The words are
    the profile's vocabulary (goals, focus areas, intensities)."""

    model_config = ConfigDict(extra="forbid")

    goals: Annotated[list[Word], Field(max_length=10)] | None = None
    days_per_week: Annotated[int, Field(ge=0, le=14)] | None = None
    session_minutes: Annotated[int, Field(ge=0, le=1_000)] | None = None
    focus: Annotated[list[Word], Field(max_length=10)] | None = None
    intensity: Word | None = None
    name: Annotated[str, Field(max_length=plan_library.MAX_NAME)] = ""


@router.get("/plans", response_model=list[PlanSummary], summary="My plans, the active one first")
def list_plans(user: Reader) -> list[PlanSummary]:
    return [PlanSummary(id=p.id, name=p.name, is_active=p.is_active, engine=p.engine, created_at=p.created_at)
            for p in plan_library.list_plans(user.id)]


@router.post("/plans", response_model=GeneratedPlan, status_code=201, dependencies=[AiAllowance],
             summary="Generate a plan (an AI provider, or the built-in engine)")
async def generate_plan(body: NewPlan, user: Writer) -> GeneratedPlan:
    request = body.model_dump(exclude_none=True, exclude={"name"})
    return await plan_library.create_plan_via_gateway(user.id, request, name=body.name)


@router.get("/plans/{plan_id:int}", response_model=StoredPlan, summary="One plan, with its days")
def read_plan(plan_id: Id, user: Reader) -> StoredPlan:
    return plan_library.get_plan(user.id, plan_id)


@router.post("/plans/{plan_id:int}/activate", response_model=StoredPlan, summary="Make a plan the active one")
def activate_plan(plan_id: Id, user: Writer) -> StoredPlan:
    return plan_library.activate_plan(user.id, plan_id)


@router.delete("/plans/{plan_id:int}", status_code=204, response_class=Response, summary="Delete a plan")
def delete_plan(plan_id: Id, user: Writer) -> Response:
    plan_library.delete_plan(user.id, plan_id)
    return Response(status_code=204)


@router.put("/plans/{plan_id:int}/feedback", response_model=votes.VoteAnswer,
            summary="My thumbs up or down (and a reason) on one of my plans")
def rate_plan(plan_id: Id, body: votes.Vote, user: Writer) -> votes.VoteAnswer:
    return votes.give(user.id, feedback.PLAN, plan_id, body)


@router.delete("/plans/{plan_id:int}/feedback", status_code=204, response_class=Response,
               summary="Take back my vote on one of my plans")
def unrate_plan(plan_id: Id, user: Writer) -> Response:
    feedback.clear(user.id, feedback.PLAN, plan_id)
    return Response(status_code=204)
