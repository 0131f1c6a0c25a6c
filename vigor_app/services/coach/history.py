"""The coach's history, per person: conversations and their messages, newest last.

Chat replies, daily motivation and post-workout analysis all live here, so the Coach page
shows everything the coach has said.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from vigor_app import db
from vigor_app.clock import utcnow
from vigor_app.models import CoachConversation, CoachMessage
from vigor_app.models.coach import (
    KIND_ANALYSIS,
    KIND_CHAT,
    KIND_MOTIVATION,
    ROLE_COACH,
    ROLE_PERSON,
)
from vigor_app.models.ids import saved_id
from vigor_app.services.errors import NotFound, ValidationError
from vigor_app.services.safety import messages as safety
from vigor_app.services.text_rules import check_plain_text

MAX_MESSAGE = 1000
PAGE = 20
SPECIAL_TITLES = {KIND_MOTIVATION: "Daily motivation", KIND_ANALYSIS: "Workout analyses"}


@dataclass(frozen=True)
class ConversationView:
    id: int
    title: str
    updated_at: datetime
    messages: int

    @property
    def special(self) -> bool:
        """The coach's own thread (daily motivation, workout analyses): read, never asked in."""
        return self.title in SPECIAL_TITLES.values()


@dataclass(frozen=True)
class MessageView:
    id: int
    role: str
    kind: str
    content: str
    engine: str
    notice: str
    created_at: datetime


def _view(m: CoachMessage) -> MessageView:
    return MessageView(id=m.id or 0, role=m.role, kind=m.kind, content=m.content, engine=m.engine,
                       notice=m.notice, created_at=m.created_at)


def _owned(session: Session, user_id: int, conversation_id: int) -> CoachConversation:
    row = session.get(CoachConversation, conversation_id)
    if row is None or row.user_id != user_id:
        raise NotFound("That conversation does not exist.")
    return row


def check_message(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError("Write a question or a message for the coach.", field="message")
    if len(text) > MAX_MESSAGE:
        raise ValidationError(f"Keep messages under {MAX_MESSAGE} characters.", field="message")
    return check_plain_text(text, label="A message", field="message")


def conversations(user_id: int) -> list[ConversationView]:
    with db.read_only() as session:
        counts = dict(session.exec(
            select(CoachMessage.conversation_id, func.count()).where(CoachMessage.user_id == user_id)
            .group_by(col(CoachMessage.conversation_id))).all())
        rows = session.exec(select(CoachConversation).where(CoachConversation.user_id == user_id)
                            .order_by(col(CoachConversation.updated_at).desc())).all()
        return [ConversationView(id=saved_id(r), title=r.title, updated_at=r.updated_at,
                                 messages=counts.get(saved_id(r), 0))
                for r in rows]


def start_conversation(user_id: int, title: str = "New conversation") -> ConversationView:
    now = utcnow()
    with db.transaction() as session:
        row = CoachConversation(user_id=user_id, title=title[:120] or "New conversation", created_at=now,
                                updated_at=now)
        session.add(row)
        session.flush()
        return ConversationView(id=row.id or 0, title=row.title, updated_at=row.updated_at, messages=0)


def delete_conversation(user_id: int, conversation_id: int) -> None:
    with db.transaction() as session:
        session.delete(_owned(session, user_id, conversation_id))


def messages(user_id: int, conversation_id: int, *, before_id: int | None = None,
             limit: int = PAGE) -> list[MessageView]:
    """A page of messages, oldest first; `before_id` pages back in time (scrolling up)."""
    with db.read_only() as session:
        _owned(session, user_id, conversation_id)
        query = select(CoachMessage).where(CoachMessage.conversation_id == conversation_id)
        if before_id is not None:
            query = query.where(col(CoachMessage.id) < before_id)
        rows = session.exec(query.order_by(col(CoachMessage.id).desc()).limit(limit)).all()
        return [_view(m) for m in reversed(rows)]


def add_message(user_id: int, conversation_id: int, role: str, content: str, *, kind: str = KIND_CHAT,
                engine: str = "", notice: str = "", session_id: int | None = None,
                ai_request_id: str | None = None, now: datetime | None = None) -> MessageView:
    if role not in (ROLE_PERSON, ROLE_COACH):
        raise ValueError(f"unknown role {role!r}")
    now = now or utcnow()
    with db.transaction() as session:
        conversation = _owned(session, user_id, conversation_id)
        message = CoachMessage(conversation_id=conversation_id, user_id=user_id, role=role, kind=kind,
                               content=content, engine=engine[:64], notice=notice[:500], session_id=session_id,
                               ai_request_id=ai_request_id, created_at=now)
        session.add(message)
        if role == ROLE_PERSON and conversation.title == "New conversation":
            conversation.title = content[:60] + ("…" if len(content) > 60 else "")
        conversation.updated_at = now
        session.add(conversation)
        session.flush()
        return _view(message)


def add_question(user_id: int, conversation_id: int, text: str, *,
                 now: datetime | None = None) -> tuple[int, MessageView]:
    """Store the person's question, starting a conversation when `conversation_id` is 0 or is
    one of the coach's own threads (a question never lands among the daily messages or the
    workout analyses); (conversation id, message). One transaction: a refused question leaves
    no empty conversation behind."""
    text = check_message(text)
    now = now or utcnow()
    with db.transaction() as session:
        conversation = _owned(session, user_id, conversation_id) if conversation_id else None
        if conversation is None or conversation.title in SPECIAL_TITLES.values():
            conversation = CoachConversation(user_id=user_id, title="New conversation", created_at=now,
                                             updated_at=now)
            session.add(conversation)
            session.flush()
        message = CoachMessage(conversation_id=saved_id(conversation), user_id=user_id, role=ROLE_PERSON,
                               kind=KIND_CHAT, content=text, created_at=now)
        session.add(message)
        if conversation.title == "New conversation":
            conversation.title = text[:60] + ("…" if len(text) > 60 else "")
        conversation.updated_at = now
        session.add(conversation)
        session.flush()
        return conversation.id or 0, _view(message)


def special_conversation(session: Session, user_id: int, kind: str) -> CoachConversation:
    """The conversation holding the coach's daily messages or workout analyses (made on first use)."""
    title = SPECIAL_TITLES[kind]
    row = session.exec(select(CoachConversation).where(CoachConversation.user_id == user_id,
                                                       CoachConversation.title == title)).first()
    if row is None:
        row = CoachConversation(user_id=user_id, title=title)
        session.add(row)
        session.flush()
    return row


def post_from_coach(user_id: int, kind: str, content: str, *, engine: str = "builtin", notice: str = "",
                    session_id: int | None = None, ai_request_id: str | None = None,
                    now: datetime | None = None) -> MessageView:
    """A message the coach sends on its own (daily motivation, a workout analysis)."""
    now = now or utcnow()
    with db.transaction() as session:
        conversation = special_conversation(session, user_id, kind)
        message = CoachMessage(conversation_id=saved_id(conversation), user_id=user_id, role=ROLE_COACH, kind=kind,
                               content=content, engine=engine[:64], notice=notice[:500], session_id=session_id,
                               ai_request_id=ai_request_id, created_at=now)
        session.add(message)
        conversation.updated_at = now
        session.add(conversation)
        session.flush()
        return _view(message)


ENGINE_SAFETY = "safety"  # a reply the safety rules gave, not the coach
LATEST_LOOKED_AT = 20


def latest_from_coach(user_id: int, kinds: tuple[str, ...] = (KIND_MOTIVATION, KIND_ANALYSIS, KIND_CHAT)
                      ) -> MessageView | None:
    """The coach's most recent message for the dashboard: never a safety reply (an answer to
    a red flag or a harmful ask, marked ``ENGINE_SAFETY``, or written before that mark and
    known by the question it answered)."""
    with db.read_only() as session:
        rows = session.exec(select(CoachMessage).where(CoachMessage.user_id == user_id,
                                                       CoachMessage.role == ROLE_COACH,
                                                       col(CoachMessage.kind).in_(kinds))
                            .order_by(col(CoachMessage.id).desc()).limit(LATEST_LOOKED_AT)).all()
        for row in rows:
            if row.engine == ENGINE_SAFETY:
                continue
            if row.kind == KIND_CHAT:
                asked = session.exec(select(CoachMessage.content).where(
                    CoachMessage.conversation_id == row.conversation_id, CoachMessage.role == ROLE_PERSON,
                    col(CoachMessage.id) < (row.id or 0)).order_by(col(CoachMessage.id).desc())).first()
                if asked is not None and not safety.screen(asked).ok:
                    continue
            return _view(row)
        return None
