"""What the coach says, through the AI gateway (the built-in coach when no AI can): replies in
a conversation, and the analysis after a finished workout."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Callable
from contextlib import aclosing
from dataclasses import dataclass

from sqlmodel import select

from vigor_app import db
from vigor_app.models import CoachMessage
from vigor_app.models.coach import KIND_ANALYSIS, ROLE_COACH
from vigor_app.services.ai import gateway
from vigor_app.services.coach import analysis, builtin, context
from vigor_app.services.coach import history as coach_history
from vigor_app.services.safety import messages as safety
from vigor_app.services.training import workout_views


@dataclass(frozen=True)
class ReplyPiece:
    """Text to add to the reply; the last piece (``done``) says who answered."""

    text: str
    done: bool = False
    engine: str = "builtin"
    notice: str = ""
    replace: str | None = None  # on the last piece: show this instead of the pieces before it
    request_id: str | None = None  # on the last piece: the gateway request that answered


async def chat_reply(user_id: int, text: str, earlier: list[dict[str, str]]) -> AsyncGenerator[ReplyPiece, None]:
    """The coach's answer to `text`, piece by piece. Red flags and harmful asks get the safety
    answer straight away, whoever would otherwise have answered."""
    verdict = safety.screen(text)
    if verdict.kind != "ok":
        yield ReplyPiece(verdict.reply or "")
        yield ReplyPiece("", done=True, engine=coach_history.ENGINE_SAFETY)
        return
    facts = await asyncio.to_thread(context.build_context, user_id)
    stream = gateway.stream_chat(user_id, "chat", [*earlier, {"role": "user", "content": text}],
                                 builtin=lambda: asyncio.to_thread(builtin.answer, user_id, text),
                                 context=facts.as_text())
    async with aclosing(stream) as chunks:
        async for chunk in chunks:
            if chunk.done:
                yield ReplyPiece(chunk.text, done=True, engine=chunk.engine or "builtin",
                                 notice=chunk.notice or "", replace=chunk.replace,
                                 request_id=chunk.request_id)
            elif chunk.text:
                yield ReplyPiece(chunk.text)


ANALYSIS_PROMPT = ("I just finished a workout. In a few short lines: what improved (records, volume, effort "
                   "against the target), and one concrete thing to do next time. Use the facts below.")


def existing_analysis(user_id: int, session_id: int) -> coach_history.MessageView | None:
    with db.read_only() as session:
        row = session.exec(select(CoachMessage).where(CoachMessage.user_id == user_id,
                                                      CoachMessage.kind == KIND_ANALYSIS,
                                                      CoachMessage.session_id == session_id)).first()
        return coach_history.MessageView(id=row.id or 0, role=row.role, kind=row.kind, content=row.content,
                                         engine=row.engine, notice=row.notice,
                                         created_at=row.created_at) if row else None


async def write_analysis(user_id: int, session_id: int) -> coach_history.MessageView:
    """The post-workout analysis for one finished session (written once, then kept)."""
    found = await asyncio.to_thread(existing_analysis, user_id, session_id)
    if found is not None:
        return found
    await asyncio.to_thread(workout_views.get_session, user_id, session_id)  # NotFound for someone else's
    builtin_text = await asyncio.to_thread(analysis.post_workout_analysis, user_id, session_id)
    facts = await asyncio.to_thread(context.build_context, user_id)
    summary = builtin_text  # the facts of this session, for the model to put in its own words
    parts: list[str] = []
    engine, notice, request_id = "builtin", "", None
    stream = gateway.stream_chat(user_id, "analysis",
                                 [{"role": "user", "content": f"{ANALYSIS_PROMPT}\n\n{summary}"}],
                                 builtin=lambda: builtin_text, context=facts.as_text())
    async with aclosing(stream) as chunks:
        async for chunk in chunks:
            parts.append(chunk.text)
            if chunk.done:
                engine, notice = chunk.engine or "builtin", chunk.notice or ""
                request_id = chunk.request_id
                if chunk.replace is not None:  # the AI's text was withheld
                    parts = [chunk.replace]
    return await asyncio.to_thread(coach_history.post_from_coach, user_id, KIND_ANALYSIS, "".join(parts),
                                   engine=engine, notice=notice, session_id=session_id,
                                   ai_request_id=request_id)


# --- a turn of a conversation: the question stored, the reply streamed, then stored --------

HISTORY_FOR_MODEL = 10  # earlier messages sent along with a question
STOPPED = "(stopped)"  # what is stored for a reply stopped before its first word


@dataclass(frozen=True)
class TurnEvent:
    """What happened in a turn: ``delta`` (``text`` added to the reply; ``reply`` is all of it
    so far), ``replace`` (the AI's reply was withheld: ``reply`` is shown instead of what came
    before) or ``done`` (``message``: the reply as stored)."""

    kind: str
    text: str = ""
    reply: str = ""
    message: coach_history.MessageView | None = None


@dataclass(frozen=True)
class Turn:
    """A question stored in its conversation (a new one when it was asked in none, or in one
    of the coach's own threads), its reply not yet written."""

    user_id: int
    conversation_id: int
    question: coach_history.MessageView
    text: str
    earlier: list[dict[str, str]]

    async def reply(self, stop: Callable[[], bool] = lambda: False) -> AsyncGenerator[TurnEvent, None]:
        """The coach's reply, piece by piece, stored once complete (or once `stop()` says so,
        asked after each piece: what came so far, or "(stopped)"). A failure stores nothing."""
        parts: list[str] = []
        engine, notice, request_id = "builtin", "", None
        async with aclosing(chat_reply(self.user_id, self.text, self.earlier)) as pieces:
            async for piece in pieces:
                if piece.done:
                    engine, notice, request_id = piece.engine, piece.notice, piece.request_id
                    if piece.replace is not None:
                        parts = [piece.replace]
                        yield TurnEvent("replace", reply=piece.replace)
                    continue
                parts.append(piece.text)
                yield TurnEvent("delta", text=piece.text, reply="".join(parts))
                if stop():
                    break
        stored = await asyncio.to_thread(coach_history.add_message, self.user_id, self.conversation_id,
                                         ROLE_COACH, "".join(parts) or STOPPED, engine=engine, notice=notice,
                                         ai_request_id=request_id)
        yield TurnEvent("done", reply=stored.content, message=stored)


def _earlier_in(user_id: int, conversation_id: int) -> list[dict[str, str]]:
    """The last messages of a conversation, for the model (none from the coach's own threads)."""
    if not conversation_id:
        return []
    if any(c.id == conversation_id and c.special for c in coach_history.conversations(user_id)):
        return []
    return [{"role": m.role, "content": m.content}
            for m in coach_history.messages(user_id, conversation_id, limit=HISTORY_FOR_MODEL)]


async def begin_turn(user_id: int, conversation_id: int, text: str,
                     earlier: list[dict[str, str]] | None = None) -> Turn:
    """Check and store the person's question (ValidationError, or NotFound for a conversation
    that is not theirs, before anything is asked of the coach). `earlier`: the messages the
    model is sent along with it; when None, the conversation's last ones are read."""
    checked = coach_history.check_message(text)
    if earlier is None:
        earlier = await asyncio.to_thread(_earlier_in, user_id, conversation_id)
    stored_in, question = await asyncio.to_thread(coach_history.add_question, user_id, conversation_id, checked)
    return Turn(user_id=user_id, conversation_id=stored_in, question=question, text=checked, earlier=earlier)
