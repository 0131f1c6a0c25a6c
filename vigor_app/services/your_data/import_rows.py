"""The rows an import writes: planned from the file before the write transaction opens, then
inserted in a few bulk statements inside it (sessions, their exercises, sets; coach
conversations and their messages), with only the ids the database hands out filled in there.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import insert
from sqlmodel import Session, col, select

from vigor_app.clock import as_utc
from vigor_app.models import (
    CoachConversation,
    CoachMessage,
    SessionExercise,
    WorkoutSession,
    WorkoutSet,
)
from vigor_app.models.workout import SESSION_FINISHED
from vigor_app.services.your_data.import_files import FileWorkout
from vigor_app.services.your_data.vigor_files import FileConversation

DEFAULT_REST_SECONDS = 90
SECOND = timedelta(seconds=1)

Key = tuple[datetime, str]  # (UTC start or creation, to the second; name or title)


def key(when: datetime, name: str) -> Key:
    return as_utc(when).replace(microsecond=0), name


@dataclass
class Planned:
    """One workout's rows; the database's ids are filled in when they are written."""

    key: Key
    session_row: dict
    entry_rows: list[dict]  # one per exercise
    set_rows: list[tuple[int, dict]]  # (position of its exercise, row)
    file_id: int | None  # the session's id in the file, which coach messages may name


def plan_rows(user_id: int, workouts: list[FileWorkout], ids: list[list[str]], zone_name: str,
              now: datetime) -> list[Planned]:
    """The rows for `workouts`; ``ids[i][j]``: the exercise id of workout i's entry j."""
    planned = []
    for w, exercise_ids in zip(workouts, ids, strict=True):
        assert w.started_at is not None
        duration = w.duration_seconds or 0
        total = sum(len(entry.sets) for entry in w.entries.values())
        entry_rows, set_rows, counted = [], [], 0
        for index, (entry, exercise_id) in enumerate(zip(w.entries.values(), exercise_ids, strict=True)):
            position = index if entry.position is None else entry.position
            entry_rows.append({
                "user_id": user_id, "exercise_id": exercise_id, "position": position, "note": entry.note,
                "target_sets": len(entry.sets) if entry.target_sets is None else entry.target_sets,
                "target_reps": entry.target_reps, "target_rpe": entry.target_rpe,
                "rest_seconds": DEFAULT_REST_SECONDS if entry.rest_seconds is None else entry.rest_seconds,
                "superset": entry.superset})
            for set_index, item in enumerate(entry.sets):
                counted += 1
                completed = item.completed_at
                if completed is None and item.done:
                    # The apps' files carry no set times: spread the sets over the session in file order.
                    completed = w.started_at + timedelta(seconds=duration * counted / total if duration else counted)
                set_rows.append((position, {
                    "user_id": user_id, "exercise_id": exercise_id,
                    "position": set_index if item.position is None else item.position,
                    "reps": item.reps, "seconds": item.seconds, "weight_kg": item.weight_kg,
                    "distance_m": item.distance_m, "rpe": item.rpe, "done": item.done, "kind": item.kind,
                    "completed_at": completed if item.done else None}))
        planned.append(Planned(
            key=key(w.started_at, w.name),
            session_row={"user_id": user_id, "plan_id": None, "plan_day_index": None, "name": w.name,
                         "status": SESSION_FINISHED, "started_at": w.started_at,
                         "ended_at": w.ended_at or w.started_at + timedelta(seconds=duration),
                         "duration_seconds": duration, "intensity": w.intensity, "note": w.note,
                         "timezone": w.timezone or zone_name, "analysis": {}, "created_at": now, "updated_at": now},
            entry_rows=entry_rows, set_rows=set_rows, file_id=w.file_id))
    return planned


def sessions_there(session: Session, user_id: int, starts: list[datetime]) -> dict[Key, int]:
    """The person's sessions from the earliest to the latest of `starts`, by key → id."""
    if not starts:
        return {}
    rows = session.exec(
        select(WorkoutSession.id, WorkoutSession.started_at, WorkoutSession.name).where(
            WorkoutSession.user_id == user_id,
            col(WorkoutSession.started_at) >= min(starts) - SECOND,
            col(WorkoutSession.started_at) <= max(starts) + SECOND,
        )
    ).all()
    return {key(started, name): session_id or 0 for session_id, started, name in rows}


def write_sessions(session: Session, user_id: int, planned: list[Planned]) -> int:
    """Insert the sessions, their exercises and sets as three batched Core statements, and
    read the new ids back with two queries: a file may hold 50,000 sets, and ORM objects, or
    RETURNING in parameter order (which SQLite can only do a row at a time), would hold the
    write lock for seconds. Returns the number of sets."""
    if not planned:
        return 0
    entries_table = SessionExercise.__table__  # type: ignore[attr-defined]
    session.execute(insert(WorkoutSession.__table__), [p.session_row for p in planned])  # type: ignore[attr-defined]
    # A key is new for this person (sessions already there were skipped), so it names
    # exactly one of the rows just inserted.
    session_id_of = sessions_there(session, user_id, [p.key[0] for p in planned])
    session_ids = [session_id_of[p.key] for p in planned]
    for session_id, p in zip(session_ids, planned, strict=True):
        for row in p.entry_rows:
            row["session_id"] = session_id
    session.execute(insert(entries_table), [row for p in planned for row in p.entry_rows])
    new_sessions = set(session_ids)
    entry_id_of = {
        (session_id, position): entry_id
        for entry_id, session_id, position in session.execute(
            select(entries_table.c.id, entries_table.c.session_id, entries_table.c.position).where(
                entries_table.c.user_id == user_id, entries_table.c.session_id >= min(session_ids),
                entries_table.c.session_id <= max(session_ids)))
        if session_id in new_sessions
    }
    values = []
    for session_id, p in zip(session_ids, planned, strict=True):
        for position, row in p.set_rows:
            row["session_id"] = session_id
            row["session_exercise_id"] = entry_id_of[(session_id, position)]
            values.append(row)
    if values:
        session.execute(insert(WorkoutSet.__table__), values)  # type: ignore[attr-defined]
    return len(values)


def conversations_there(session: Session, user_id: int, conversations: list[FileConversation]) -> dict[Key, int]:
    """The person's conversations created from the earliest to the latest of those in the
    file, by key (creation, title) → id."""
    if not conversations:
        return {}
    created = [c.created_at for c in conversations]
    rows = session.exec(
        select(CoachConversation.id, CoachConversation.created_at, CoachConversation.title).where(
            CoachConversation.user_id == user_id,
            col(CoachConversation.created_at) >= min(created) - SECOND,
            col(CoachConversation.created_at) <= max(created) + SECOND,
        )
    ).all()
    return {key(at, title): conversation_id or 0 for conversation_id, at, title in rows}


def write_conversations(session: Session, user_id: int, conversations: list[FileConversation],
                        session_ids: dict[int, int]) -> int:
    """Insert the conversations (none of them there yet) and their messages, in order; a
    message about a workout is linked to it when ``session_ids`` (the file's session id →
    the person's) knows it. Returns the number of messages."""
    if not conversations:
        return 0
    session.execute(insert(CoachConversation.__table__), [  # type: ignore[attr-defined]
        {"user_id": user_id, "title": c.title, "created_at": c.created_at, "updated_at": c.updated_at}
        for c in conversations])
    id_of = conversations_there(session, user_id, conversations)
    rows = [{"conversation_id": id_of[key(c.created_at, c.title)], "user_id": user_id, "role": m.role,
             "kind": m.kind, "content": m.content, "engine": m.engine, "notice": m.notice,
             "session_id": session_ids.get(m.session_file_id) if m.session_file_id is not None else None,
             "created_at": m.created_at}
            for c in conversations for m in c.messages]
    if rows:
        session.execute(insert(CoachMessage.__table__), rows)  # type: ignore[attr-defined]
    return len(rows)
