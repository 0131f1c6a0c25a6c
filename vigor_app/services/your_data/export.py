"""Your data is yours: everything a person owns, as one JSON document or a CSV of their sets.

Rules:

- Only rows owned by ``user_id`` are read; nothing about other people, and never a password
  hash, a session or reset token, or an encrypted key; the devices that get notifications
  are named without their push address or keys.
- Times are ISO 8601 in UTC (``...+00:00``) in the JSON; the CSV shows each session's start
  in the person's current time zone (their profile's, UTC by default).
- Weights are kilograms and distances metres; the CSV adds the weight and the distance in
  the person's units (kg and km, or lb and mi).
- Both files import back (`importer.import_csv`, `vigor_files`): the CSV holds every set with
  its session, exercise, superset and notes; the JSON holds everything the import brings
  back, coach conversations too.
- The person's feedback on the coach's messages and their plans (thumbs and reasons) is in
  the JSON (``ai_feedback``) and in a CSV of its own (`export_feedback_csv`).
- CSV cells holding text that a spreadsheet would run as a formula (starting with ``=``,
  ``+``, ``-``, ``@``, a tab or a carriage return) are prefixed with a single quote.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import inspect
from sqlmodel import Session, SQLModel, col, select

from vigor_app import db
from vigor_app.clock import as_utc, utcnow
from vigor_app.models import (
    BodyMetric,
    CoachConversation,
    CoachMessage,
    EarnedMilestone,
    Exercise,
    FitnessProfile,
    OidcIdentity,
    PersonalRecord,
    PushSubscription,
    SessionExercise,
    User,
    WorkoutPlan,
    WorkoutSession,
    WorkoutSet,
)
from vigor_app.services.ai import feedback as ai_feedback
from vigor_app.services.catalogue import store as catalogue_store
from vigor_app.services.errors import NotFound
from vigor_app.services.units import distance_unit, from_kg, from_metres

EXPORT_FORMAT = "vigor-export"
EXPORT_VERSION = 2  # 2: coach conversations, sets' distance_m, exercises' superset

CSV_COLUMNS: tuple[str, ...] = (
    "date",
    "session",
    "exercise_id",
    "exercise",
    "set",
    "set_type",
    "reps",
    "seconds",
    "weight_kg",
    "weight",
    "unit",
    "rpe",
    "done",
    "duration_min",
    "intensity",
    "notes",
    "exercise_notes",
    "distance_m",
    "distance",
    "distance_unit",
    "superset",
    "exercise_position",
    "started_at",
    "timezone",
    "duration_seconds",
)
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

# Columns of AI attempts a person may see about their own use (no keys, no reservations).
_AI_USAGE_FIELDS = ("created_at", "feature", "provider_name", "model", "input_tokens", "output_tokens",
                    "cost_micros", "latency_ms", "outcome", "cache_hit", "engine", "final")


def _plain(value: Any) -> Any:
    """`value` as something json.dumps accepts (datetimes as ISO 8601, UTC)."""
    if isinstance(value, datetime):
        return as_utc(value).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(v) for v in value]
    return value


def _row(obj: SQLModel, *, drop: tuple[str, ...] = ("user_id",)) -> dict[str, Any]:
    return {key: _plain(value) for key, value in obj.model_dump().items() if key not in drop}


def _zone(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        return ZoneInfo("UTC")


def _profile(session: Session, user_id: int) -> FitnessProfile | None:
    return session.exec(select(FitnessProfile).where(FitnessProfile.user_id == user_id)).first()


def _exercise_names(session: Session, user_id: int, ids: set[str]) -> dict[str, str]:
    """Names for exercise ids the person may use (catalogue, retired or their own custom)."""
    return catalogue_store.names(session, user_id, ids)


def _sessions(session: Session, user_id: int) -> tuple[list[WorkoutSession], dict[int, list[SessionExercise]],
                                                       dict[int, list[WorkoutSet]]]:
    """The person's sessions (oldest first), their entries per session and sets per entry."""
    rows = list(session.exec(
        select(WorkoutSession).where(WorkoutSession.user_id == user_id)
        .order_by(col(WorkoutSession.started_at), col(WorkoutSession.id))
    ).all())
    entries: dict[int, list[SessionExercise]] = defaultdict(list)
    for entry in session.exec(
        select(SessionExercise).where(SessionExercise.user_id == user_id)
        .order_by(col(SessionExercise.session_id), col(SessionExercise.position), col(SessionExercise.id))
    ).all():
        entries[entry.session_id].append(entry)
    sets: dict[int, list[WorkoutSet]] = defaultdict(list)
    for row_set in session.exec(
        select(WorkoutSet).where(WorkoutSet.user_id == user_id)
        .order_by(col(WorkoutSet.session_exercise_id), col(WorkoutSet.position), col(WorkoutSet.id))
    ).all():
        sets[row_set.session_exercise_id].append(row_set)
    return rows, entries, sets


def _ai_usage(session: Session, user_id: int) -> list[dict[str, Any]] | None:
    """The person's AI requests, or None when this installation has no AI tables."""
    try:
        from vigor_app.models.ai import AiAttempt
    except ImportError:  # pragma: no cover - the AI gateway is optional
        return None
    if not inspect(session.connection()).has_table(AiAttempt.__tablename__):
        return None
    rows = session.exec(
        select(AiAttempt).where(AiAttempt.user_id == user_id)
        .order_by(col(AiAttempt.created_at), col(AiAttempt.id))
    ).all()
    return [{name: _plain(getattr(row, name)) for name in _AI_USAGE_FIELDS} for row in rows]


def _conversations(session: Session, user_id: int) -> list[dict[str, Any]]:
    """The person's coach conversations (oldest first), each with its messages in order."""
    messages: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for message in session.exec(
        select(CoachMessage).where(CoachMessage.user_id == user_id)
        .order_by(col(CoachMessage.conversation_id), col(CoachMessage.id))
    ).all():
        messages[message.conversation_id].append(_row(message, drop=("user_id", "conversation_id")))
    rows = session.exec(
        select(CoachConversation).where(CoachConversation.user_id == user_id)
        .order_by(col(CoachConversation.created_at), col(CoachConversation.id))
    ).all()
    return [{**_row(row), "messages": messages.get(row.id or 0, [])} for row in rows]


def export_json(user_id: int, *, now: datetime | None = None) -> dict[str, Any]:
    """Everything the person owns, as a JSON-serialisable dict (see module docstring)."""
    now = now or utcnow()
    with db.read_only() as session:
        user = session.get(User, user_id)
        if user is None:
            raise NotFound("That account does not exist.")
        identities = session.exec(
            select(OidcIdentity).where(OidcIdentity.user_id == user_id).order_by(col(OidcIdentity.id))
        ).all()
        profile = _profile(session, user_id)
        plans = session.exec(
            select(WorkoutPlan).where(WorkoutPlan.user_id == user_id)
            .order_by(col(WorkoutPlan.created_at), col(WorkoutPlan.id))
        ).all()
        sessions, entries, sets = _sessions(session, user_id)
        used_ids = {e.exercise_id for group in entries.values() for e in group}
        records = session.exec(
            select(PersonalRecord).where(PersonalRecord.user_id == user_id)
            .order_by(col(PersonalRecord.achieved_at), col(PersonalRecord.id))
        ).all()
        used_ids |= {r.exercise_id for r in records}
        names = _exercise_names(session, user_id, used_ids)
        milestones = session.exec(
            select(EarnedMilestone).where(EarnedMilestone.user_id == user_id)
            .order_by(col(EarnedMilestone.earned_at), col(EarnedMilestone.id))
        ).all()
        metrics = session.exec(
            select(BodyMetric).where(BodyMetric.user_id == user_id).order_by(col(BodyMetric.measured_on))
        ).all()
        customs = session.exec(
            select(Exercise).where(Exercise.owner_user_id == user_id, col(Exercise.is_custom).is_(True))
            .order_by(col(Exercise.name))
        ).all()
        ai_usage = _ai_usage(session, user_id)
        feedback = [{name: _plain(getattr(row, name)) for name in ai_feedback.EXPORT_FIELDS}
                    for row in ai_feedback.export_rows(session, user_id)]
        conversations = _conversations(session, user_id)
        devices = session.exec(  # which devices get notifications; never their addresses or keys
            select(PushSubscription).where(PushSubscription.user_id == user_id)
            .order_by(col(PushSubscription.created_at), col(PushSubscription.id))
        ).all()

        session_docs = []
        for row in sessions:
            doc = _row(row)
            doc["exercises"] = []
            for entry in entries.get(row.id or 0, []):
                entry_doc = _row(entry, drop=("user_id", "session_id"))
                entry_doc["exercise_name"] = names.get(entry.exercise_id, entry.exercise_id)
                entry_doc["sets"] = [
                    _row(s, drop=("user_id", "session_id", "session_exercise_id", "exercise_id"))
                    for s in sets.get(entry.id or 0, [])
                ]
                doc["exercises"].append(entry_doc)
            session_docs.append(doc)

        record_docs = []
        for record in records:
            doc = _row(record)
            doc["exercise_name"] = names.get(record.exercise_id, record.exercise_id)
            record_docs.append(doc)

        document: dict[str, Any] = {
            "format": EXPORT_FORMAT,
            "version": EXPORT_VERSION,
            "exported_at": _plain(now),
            "account": {
                "email": user.email,
                "username": user.username,
                "created_at": _plain(user.created_at),
                "role": user.role,
                "tier": user.tier,
                "has_password": user.password_hash is not None,
                "linked_sign_ins": [
                    {"issuer": i.issuer, "email": i.email, "created_at": _plain(i.created_at)}
                    for i in identities
                ],
                "notification_devices": [
                    {"device": d.device, "created_at": _plain(d.created_at), "last_used_at": _plain(d.last_used_at)}
                    for d in devices
                ],
            },
            "fitness_profile": _row(profile, drop=("id", "user_id")) if profile is not None else None,
            "plans": [_row(p) for p in plans],
            "sessions": session_docs,
            "personal_records": record_docs,
            "milestones": [_row(m) for m in milestones],
            "body_metrics": [_row(m) for m in metrics],
            "custom_exercises": [_row(e, drop=("owner_user_id",)) for e in customs],
            "coach_conversations": conversations,
            "ai_feedback": feedback,
        }
        if ai_usage is not None:
            document["ai_usage"] = ai_usage
        return document


def safe_cell(text: str | None) -> str:
    """Text for a CSV cell that no spreadsheet will run as a formula."""
    if not text:
        return ""
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def plain_cell(text: str) -> str:
    """A cell as it was before `safe_cell` (its leading quote taken off again)."""
    return text[1:] if text.startswith("'") and text[1:].startswith(_FORMULA_STARTS) else text


def _number(value: float | int | None, places: int = 2) -> str:
    if value is None:
        return ""
    text = f"{round(float(value), places):.{places}f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def export_sets_csv(user_id: int) -> str:
    """The person's sessions as CSV, one row per set (header in CSV_COLUMNS)."""
    with db.read_only() as session:
        if session.get(User, user_id) is None:
            raise NotFound("That account does not exist.")
        profile = _profile(session, user_id)
        units = profile.units if profile is not None and profile.units in ("kg", "lb") else "kg"
        far = distance_unit(units)
        zone = _zone(profile.timezone if profile is not None else "UTC")
        sessions, entries, sets = _sessions(session, user_id)
        names = _exercise_names(session, user_id, {e.exercise_id for g in entries.values() for e in g})

    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for row in sessions:
        local = row.started_at.astimezone(zone).strftime("%Y-%m-%d %H:%M")
        duration = _number(row.duration_seconds / 60, 1) if row.duration_seconds is not None else ""
        started = as_utc(row.started_at).isoformat()
        for entry in entries.get(row.id or 0, []):
            for row_set in sets.get(entry.id or 0, []):
                weight, metres = row_set.weight_kg, row_set.distance_m
                shown = from_kg(weight, units) if weight is not None else None
                writer.writerow([
                    local,
                    safe_cell(row.name),
                    safe_cell(entry.exercise_id),
                    safe_cell(names.get(entry.exercise_id, entry.exercise_id)),
                    row_set.position + 1,
                    row_set.kind,
                    "" if row_set.reps is None else row_set.reps,
                    "" if row_set.seconds is None else row_set.seconds,
                    _number(weight),
                    _number(shown, 1 if units == "lb" else 2),
                    units,
                    _number(row_set.rpe, 1),
                    "yes" if row_set.done else "no",
                    duration,
                    "" if row.intensity is None else row.intensity,
                    safe_cell(row.note),
                    safe_cell(entry.note),
                    _number(metres),
                    _number(from_metres(metres, far) if metres is not None else None, 2),
                    far,
                    "" if entry.superset is None else entry.superset,
                    entry.position + 1,
                    started,
                    safe_cell(row.timezone),
                    "" if row.duration_seconds is None else row.duration_seconds,
                ])
    return out.getvalue()


FEEDBACK_CSV_COLUMNS = ai_feedback.EXPORT_FIELDS


def export_feedback_csv(user_id: int) -> str:
    """The person's feedback on the coach's messages and their plans, one row per vote
    (header in FEEDBACK_CSV_COLUMNS; a vote is 1 "this helped" or -1 "this did not help")."""
    with db.read_only() as session:
        if session.get(User, user_id) is None:
            raise NotFound("That account does not exist.")
        rows = ai_feedback.export_rows(session, user_id)
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow(FEEDBACK_CSV_COLUMNS)
    for row in rows:
        cells = {name: _plain(getattr(row, name)) for name in FEEDBACK_CSV_COLUMNS}
        writer.writerow(["" if cells[name] is None else safe_cell(str(cells[name])) if name == "reason"
                         else cells[name] for name in FEEDBACK_CSV_COLUMNS])
    return out.getvalue()
