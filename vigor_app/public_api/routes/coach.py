"""The coach: ask a question and read the reply as it is written (server-sent events), the
conversations and their messages. Red flags, harmful asks and the AI allowance behave exactly
as on the Coach page: the same service answers (the built-in coach when no AI provider can)."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator
from contextlib import aclosing
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response
from fastapi.encoders import jsonable_encoder
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, ConfigDict, Field

from vigor_app.public_api import feedback as votes
from vigor_app.public_api.callers import AiAllowance, Reader, Writer
from vigor_app.public_api.errors import NO_STORE
from vigor_app.public_api.params import MAX_ID, Id
from vigor_app.services.ai import feedback
from vigor_app.services.coach import history as coach_history
from vigor_app.services.coach import replies as coach_replies
from vigor_app.services.coach.history import MessageView
from vigor_app.services.errors import VigorError

log = logging.getLogger(__name__)
router = APIRouter(tags=["coach"])

EVENTS_DOC = """Server-sent events, in order: `question` (`{conversation_id, message}`: the question
as stored), any number of `delta` (`{text}`: words to add to the reply), perhaps `replace`
(`{reply}`: the AI's words were withheld; show this instead), then `done` (`{conversation_id,
message}`: the whole reply as stored). `error` (`{code, message}`) ends a stream that failed."""


class Question(BaseModel):
    """A question for the coach; without `conversation_id` (or in one of the coach's own
    threads) it starts a new conversation."""

    model_config = ConfigDict(extra="forbid")

    message: Annotated[str, Field(min_length=1, max_length=coach_history.MAX_MESSAGE * 2)]
    conversation_id: Id | None = None


class ConversationItem(BaseModel):
    id: int
    title: str
    messages: int
    special: bool  # the coach's own thread (daily motivation, workout analyses)


def _event(kind: str, data: dict[str, Any]) -> str:
    return f"event: {kind}\ndata: {json.dumps(jsonable_encoder(data), ensure_ascii=False)}\n\n"


async def _stream(turn: coach_replies.Turn) -> AsyncIterator[str]:
    yield _event("question", {"conversation_id": turn.conversation_id, "message": turn.question})
    try:
        async with aclosing(turn.reply()) as events:
            async for event in events:
                if event.kind == "delta":
                    yield _event("delta", {"text": event.text})
                elif event.kind == "replace":
                    yield _event("replace", {"reply": event.reply})
                else:
                    yield _event("done", {"conversation_id": turn.conversation_id, "message": event.message})
    except VigorError as exc:
        yield _event("error", {"code": "refused", "message": exc.message})
    except Exception:  # noqa: BLE001 - the headers are sent: the failure can only be told in the stream
        log.exception("The coach's reply over the API failed")
        yield _event("error", {"code": "internal_error",
                               "message": "The coach could not answer just now. Try again in a moment."})


@router.post("/coach/messages", response_class=StreamingResponse, dependencies=[AiAllowance],
             summary="Ask the coach; the reply streams as server-sent events", description=EVENTS_DOC,
             responses={200: {"content": {"text/event-stream": {"schema": {"type": "string"}}},
                              "description": "The reply as it is written, then as stored"}})
async def ask_coach(body: Question, user: Writer) -> StreamingResponse:
    turn = await coach_replies.begin_turn(user.id, body.conversation_id or 0, body.message)
    return StreamingResponse(_stream(turn), media_type="text/event-stream",
                             headers={**NO_STORE, "X-Accel-Buffering": "no"})


@router.get("/coach/conversations", response_model=list[ConversationItem],
            summary="My conversations with the coach, the latest first")
def list_conversations(user: Reader) -> list[ConversationItem]:
    return [ConversationItem(id=c.id, title=c.title, messages=c.messages, special=c.special)
            for c in coach_history.conversations(user.id)]


@router.get("/coach/messages", response_model=list[MessageView],
            summary="A page of a conversation's messages, oldest first")
def list_messages(user: Reader, conversation_id: Annotated[int, Query(ge=1, le=MAX_ID)],
                  before_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
                  limit: Annotated[int, Query(ge=1, le=100)] = coach_history.PAGE) -> list[MessageView]:
    return coach_history.messages(user.id, conversation_id, before_id=before_id, limit=limit)


@router.put("/coach/messages/{message_id:int}/feedback", response_model=votes.VoteAnswer,
            summary="My thumbs up or down (and a reason) on one of the coach's messages to me")
def rate_message(message_id: Id, body: votes.Vote, user: Writer) -> votes.VoteAnswer:
    return votes.give(user.id, feedback.MESSAGE, message_id, body)


@router.delete("/coach/messages/{message_id:int}/feedback", status_code=204, response_class=Response,
               summary="Take back my vote on one of the coach's messages")
def unrate_message(message_id: Id, user: Writer) -> Response:
    feedback.clear(user.id, feedback.MESSAGE, message_id)
    return Response(status_code=204)
