"""Membership: my tier and my AI usage against its limits, the tiers compared, and asking for
an upgrade (the Membership page's, through the same services)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from vigor_app.public_api.callers import Reader, Writer
from vigor_app.public_api.params import Id
from vigor_app.services.admin import membership
from vigor_app.services.admin.membership import Membership, RequestView, TierOffer

router = APIRouter(tags=["membership"])


class UpgradeAsk(BaseModel):
    """A higher tier than mine, with an optional note for the admins."""

    model_config = ConfigDict(extra="forbid")

    to_tier: Annotated[str, Field(min_length=1, max_length=20)]
    note: Annotated[str, Field(max_length=500)] = ""


@router.get("/membership", response_model=Membership,
            summary="My tier, my AI usage against its limits (day, week, month, budget), recent answers")
def my_membership(user: Reader) -> Membership:
    return membership.overview(user.id)


@router.get("/membership/tiers", response_model=list[TierOffer], summary="The tiers compared")
def tiers(user: Reader) -> list[TierOffer]:
    return membership.tier_offers()


@router.get("/membership/upgrade-requests", response_model=list[RequestView],
            summary="My upgrade requests, newest first")
def my_requests(user: Reader) -> list[RequestView]:
    return membership.my_requests(user.id)


@router.get("/membership/upgrade-requests/{request_id:int}", response_model=RequestView,
            summary="One of my upgrade requests")
def my_request(request_id: Id, user: Reader) -> RequestView:
    return membership.my_request(user.id, request_id)


@router.post("/membership/upgrade-requests", response_model=RequestView, status_code=201,
             summary="Ask for a higher tier (one request waits at a time)")
def request_upgrade(body: UpgradeAsk, user: Writer) -> RequestView:
    return membership.request_upgrade(user.id, body.to_tier, body.note)
