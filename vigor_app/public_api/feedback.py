"""The feedback a member gives over the API, on a coach message (`/coach/messages/{id}/feedback`)
or a plan (`/plans/{id}/feedback`): the body both take and the answer both give. The service is
`services/ai/feedback.py`, as on the pages."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from vigor_app.services.ai import feedback


class Vote(BaseModel):
    """A thumbs up ("up": this helped) or down, with an optional reason; without `reason`, a
    vote that stays the same keeps the reason it had (a changed vote drops it)."""

    model_config = ConfigDict(extra="forbid")

    vote: Literal["up", "down"]
    reason: Annotated[str, Field(max_length=feedback.MAX_REASON * 4)] | None = None


class VoteAnswer(BaseModel):
    kind: str  # coach_reply | analysis | motivation | plan
    item_id: int
    vote: Literal["up", "down"]
    reason: str
    updated_at: datetime


def give(user_id: int, about: str, item_id: int, body: Vote) -> VoteAnswer:
    given = feedback.give(user_id, about, item_id, feedback.WORDS[body.vote], reason=body.reason)
    return VoteAnswer(kind=given.kind, item_id=given.item_id, vote="up" if given.vote == feedback.UP else "down",
                      reason=given.reason, updated_at=given.updated_at)
