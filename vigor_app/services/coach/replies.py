"""What the coach says, through the AI gateway (the built-in coach when no AI can): replies in
a conversation, and the analysis after a finished workout."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import aclosing
from dataclasses import dataclass

from sqlmodel import select

from vigor_app import db
from vigor_app.models import CoachMessage
from vigor_app.models.coach import KIND_ANALYSIS
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


async def chat_reply(user_id: int, text: str, earlier: list[dict[str, str]]) -> AsyncIterator[ReplyPiece]:
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
                                 notice=chunk.notice or "", replace=chunk.replace)
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
    engine, notice = "builtin", ""
    stream = gateway.stream_chat(user_id, "analysis",
                                 [{"role": "user", "content": f"{ANALYSIS_PROMPT}\n\n{summary}"}],
                                 builtin=lambda: builtin_text, context=facts.as_text())
    async with aclosing(stream) as chunks:
        async for chunk in chunks:
            parts.append(chunk.text)
            if chunk.done:
                engine, notice = chunk.engine or "builtin", chunk.notice or ""
                if chunk.replace is not None:  # the AI's text was withheld
                    parts = [chunk.replace]
    return await asyncio.to_thread(coach_history.post_from_coach, user_id, KIND_ANALYSIS, "".join(parts),
                                   engine=engine, notice=notice, session_id=session_id)
