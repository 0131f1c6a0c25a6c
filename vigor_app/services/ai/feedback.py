"""Members' feedback on what the coach wrote for them: a thumbs up ("this helped") or down, with
an optional short reason, on a coach reply, a workout analysis, a daily note or a plan.

Rules:

- Only on the member's own item: a coach message they were sent (never their own question) or
  one of their plans. Anyone else's id, or one that does not exist, is `NotFound` and nothing
  changes.
- One vote per member per item. Giving a vote replaces the one before; `press` (the thumbs in
  the app) clears the vote when the same thumb is pressed again.
- The vote keeps the item's `ai_request_id` (the gateway request whose final attempt wrote it:
  a provider, the cache or the built-in engine) and its stored engine, so the console can count
  votes per provider and model (`services/admin/feedback_summary.py`) even after the member
  deletes the item (the item's id then becomes NULL; the vote goes with their account).
- A reason is at most `MAX_REASON` characters of plain text on one line (no control
  characters, `text_rules.plain_text`): it is data, shown as text, never as markup.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from vigor_app import db
from vigor_app.clock import utcnow
from vigor_app.models import CoachMessage, WorkoutPlan
from vigor_app.models.coach import KIND_ANALYSIS, KIND_MOTIVATION, ROLE_COACH
from vigor_app.models.feedback import KIND_ANALYSIS as FEEDBACK_ANALYSIS
from vigor_app.models.feedback import KIND_COACH_REPLY, KIND_PLAN, MAX_REASON, AiFeedback
from vigor_app.models.feedback import KIND_MOTIVATION as FEEDBACK_MOTIVATION
from vigor_app.services.errors import NotFound, ValidationError
from vigor_app.services.text_rules import plain_text

MESSAGE = "message"  # a coach message: a reply, an analysis or a daily note
PLAN = "plan"
ABOUT = (MESSAGE, PLAN)
UP, DOWN = 1, -1
WORDS = {"up": UP, "down": DOWN}  # the thumbs as the app names them


def word(vote: int | None) -> str:
    """The thumb's name: "up", "down", or "" for no vote."""
    return "up" if vote == UP else "down" if vote == DOWN else ""
_MESSAGE_KINDS = {KIND_ANALYSIS: FEEDBACK_ANALYSIS, KIND_MOTIVATION: FEEDBACK_MOTIVATION}

__all__ = ["ABOUT", "DOWN", "MAX_REASON", "MESSAGE", "PLAN", "UP", "WORDS", "Feedback", "check_reason", "clear",
           "export_rows", "give", "press", "set_reason", "votes", "word"]


@dataclass(frozen=True)
class Feedback:
    kind: str  # coach_reply | analysis | motivation | plan
    item_id: int
    vote: int  # UP or DOWN
    reason: str
    updated_at: datetime


@dataclass(frozen=True)
class _Item:
    kind: str
    request_id: str | None
    engine: str


def _view(row: AiFeedback, item_id: int) -> Feedback:
    return Feedback(kind=row.kind, item_id=item_id, vote=row.vote, reason=row.reason, updated_at=row.updated_at)


def _item(session: Session, user_id: int, about: str, item_id: int) -> _Item:
    """The member's own item, or NotFound (someone else's, a question, or none at all)."""
    if about == MESSAGE:
        message = session.get(CoachMessage, item_id) if item_id else None
        if message is None or message.user_id != user_id or message.role != ROLE_COACH:
            raise NotFound("That message does not exist.")
        return _Item(_MESSAGE_KINDS.get(message.kind, KIND_COACH_REPLY), message.ai_request_id, message.engine)
    if about == PLAN:
        plan = session.get(WorkoutPlan, item_id) if item_id else None
        if plan is None or plan.user_id != user_id:
            raise NotFound("That plan does not exist.")
        return _Item(KIND_PLAN, plan.ai_request_id, plan.engine)
    raise NotFound("That is not something feedback can be given on.")


def _column(about: str) -> Any:
    return col(AiFeedback.message_id) if about == MESSAGE else col(AiFeedback.plan_id)


def _existing(session: Session, user_id: int, about: str, item_id: int) -> AiFeedback | None:
    return session.exec(select(AiFeedback).where(AiFeedback.user_id == user_id,
                                                 _column(about) == item_id)).first()


def check_reason(value: Any) -> str:
    """A reason as it is stored: plain text on one line, at most MAX_REASON characters."""
    return plain_text(value, label="A reason", field="reason", limit=MAX_REASON, multiline=False)


def _check_vote(vote: Any) -> int:
    if isinstance(vote, bool) or vote not in (UP, DOWN):
        raise ValidationError("Choose thumbs up or thumbs down.", field="vote")
    return int(vote)


def give(user_id: int, about: str, item_id: int, vote: int, *, reason: str | None = None,
         now: datetime | None = None) -> Feedback:
    """Give (or change) the member's vote on their item. A changed vote drops the reason given
    with the old one unless `reason` is given; `reason` None keeps the reason of the same vote."""
    vote = _check_vote(vote)
    checked = None if reason is None else check_reason(reason)
    now = now or utcnow()
    with db.transaction() as session:
        item = _item(session, user_id, about, item_id)
        row = _existing(session, user_id, about, item_id)
        if row is None:
            row = AiFeedback(user_id=user_id, kind=item.kind, created_at=now, vote=vote,
                             message_id=item_id if about == MESSAGE else None,
                             plan_id=item_id if about == PLAN else None)
        elif row.vote != vote and checked is None:
            checked = ""
        row.vote, row.updated_at = vote, now
        row.request_id, row.engine = item.request_id, item.engine[:64]
        if checked is not None:
            row.reason = checked
        session.add(row)
        session.flush()
        return _view(row, item_id)


def clear(user_id: int, about: str, item_id: int) -> None:
    """Take the member's vote on their item back (nothing to take back is fine)."""
    with db.transaction() as session:
        _item(session, user_id, about, item_id)
        row = _existing(session, user_id, about, item_id)
        if row is not None:
            session.delete(row)


def press(user_id: int, about: str, item_id: int, vote: int, *, now: datetime | None = None) -> int:
    """A thumb pressed in the app: the vote given, or cleared when it was already this one.
    The vote now (UP, DOWN or 0)."""
    vote = _check_vote(vote)
    with db.read_only() as session:
        _item(session, user_id, about, item_id)
        row = _existing(session, user_id, about, item_id)
        current = row.vote if row is not None else 0
    if current == vote:
        clear(user_id, about, item_id)
        return 0
    return give(user_id, about, item_id, vote, now=now).vote


def set_reason(user_id: int, about: str, item_id: int, reason: Any, *,
               now: datetime | None = None) -> Feedback:
    """The reason for the member's vote on their item (a vote must be given first)."""
    checked = check_reason(reason)
    with db.transaction() as session:
        _item(session, user_id, about, item_id)
        row = _existing(session, user_id, about, item_id)
        if row is None:
            raise ValidationError("Choose thumbs up or thumbs down first.", field="reason")
        row.reason, row.updated_at = checked, now or utcnow()
        session.add(row)
        session.flush()
        return _view(row, item_id)


def votes(user_id: int, about: str, item_ids: Iterable[int]) -> dict[int, Feedback]:
    """The member's votes on those of their items that have one, by item id."""
    wanted = sorted({i for i in item_ids if i})
    if not wanted or about not in ABOUT:
        return {}
    column = _column(about)
    with db.read_only() as session:
        rows = session.exec(select(AiFeedback).where(AiFeedback.user_id == user_id, column.in_(wanted))).all()
        return {item_id: _view(row, item_id) for row in rows
                if (item_id := (row.message_id if about == MESSAGE else row.plan_id)) is not None}


EXPORT_FIELDS = ("kind", "message_id", "plan_id", "vote", "reason", "engine", "request_id", "created_at",
                 "updated_at")


def export_rows(session: Session, user_id: int) -> list[AiFeedback]:
    """The member's feedback, oldest first, for their export (`your_data/export.py`)."""
    return list(session.exec(select(AiFeedback).where(AiFeedback.user_id == user_id)
                             .order_by(col(AiFeedback.created_at), col(AiFeedback.id))).all())
