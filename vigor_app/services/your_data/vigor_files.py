"""Reading Vigor's own exports back (`export.export_sets_csv` and `export.export_json`), so a
person's data can leave and come back with nothing lost: sessions (start, end, duration,
note, intensity, time zone), their exercises (by id, in order, with notes, targets and
supersets), every set (position, type, reps, seconds, weight, distance, RPE, done) and, from
the JSON, the coach conversations with their messages.

Everything in a file is untrusted: each cell is checked as in Strong's and Hevy's files
(`file_cells`); a problem refuses the file, naming the line (CSV) or the session and set
(JSON). Nothing here touches the database.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from vigor_app.clock import as_utc
from vigor_app.models.coach import (
    KIND_ANALYSIS,
    KIND_CHAT,
    KIND_MOTIVATION,
    ROLE_COACH,
    ROLE_PERSON,
)
from vigor_app.services.errors import FileError
from vigor_app.services.your_data import file_cells as cells
from vigor_app.services.your_data import import_files
from vigor_app.services.your_data.export import (
    CSV_COLUMNS,
    EXPORT_FORMAT,
    EXPORT_VERSION,
    plain_cell,
)
from vigor_app.services.your_data.file_cells import METRES, RowError
from vigor_app.services.your_data.import_files import (
    EXERCISE_NAME_LENGTH,
    NOTE_LENGTH,
    SESSION_NAME_LENGTH,
    SESSION_NOTE_LENGTH,
    Cell,
    CsvFormat,
    FileEntry,
    FileSet,
    FileWorkout,
    Row,
    set_kind,
)

VIGOR_REQUIRED = ("date", "session", "exercise_id", "exercise", "set", "reps", "weight_kg")
EXERCISE_ID_LENGTH = 80
ZONE_LENGTH = 64
TARGET_REPS_LENGTH = 16
MAX_POSITION = 10_000
MAX_SUPERSET = 1_000
MAX_TARGET_SETS = 100
MAX_REST_SECONDS = 3_600
MAX_CONVERSATIONS = 5_000
MAX_MESSAGES = 50_000
CONVERSATION_TITLE_LENGTH = 120
MESSAGE_LENGTH = 20_000
ENGINE_LENGTH = 64
NOTICE_LENGTH = 500
_YES = {"yes": True, "y": True, "true": True, "1": True, "no": False, "n": False, "false": False, "0": False}
_ROLES = (ROLE_PERSON, ROLE_COACH)
_KINDS = (KIND_CHAT, KIND_MOTIVATION, KIND_ANALYSIS)


@dataclass
class FileMessage:
    role: str
    kind: str
    content: str
    engine: str
    notice: str
    created_at: datetime  # UTC
    session_file_id: int | None  # the id of the session it speaks of, in the file


@dataclass
class FileConversation:
    title: str
    created_at: datetime  # UTC
    updated_at: datetime
    messages: list[FileMessage] = field(default_factory=list)


def _zone(raw: object) -> str | None:
    """A time zone name as the IANA database knows it; None when blank."""
    name = cells.text(raw, "The time zone", ZONE_LENGTH + 1)
    if not name:
        return None
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise RowError(f"\"{name[:40]}\" is not a time zone we know (like Europe/Berlin).") from None
    return name


def _done(raw: str) -> bool:
    value = raw.strip().lower()
    if not value:
        return True
    if value not in _YES:
        raise RowError(f"done must be yes or no, not \"{raw.strip()[:20]}\".")
    return _YES[value]


def _from_one(raw: object, what: str, high: int) -> int | None:
    """A number counted from 1 in the file (set 1, exercise 1) as a position from 0."""
    value = cells.whole(raw, what, high, low=1)
    return None if value is None else value - 1


def _vigor_row(cell: Cell, _unit: str) -> Row:
    started_at = cells.utc_datetime(cell("started_at"), "started_at")
    zone = _zone(cell("timezone"))
    if started_at is not None:
        local_start = started_at.astimezone(ZoneInfo(zone or "UTC")).replace(tzinfo=None)
    else:  # an export from before the column: its date is local, as Strong's are
        local_start = cells.local_datetime(cell("date"), "date")
    if cell("duration_seconds").strip():
        duration = cells.whole(cell("duration_seconds"), "duration_seconds", cells.MAX_DURATION_SECONDS)
    else:
        minutes = cells.number(cell("duration_min"), "duration_min", integer=False, low=0,
                               high=cells.MAX_DURATION_SECONDS / 60)
        duration = None if minutes is None else round(minutes * 60)
    exercise_id = cells.text(plain_cell(cell("exercise_id")), "exercise_id", EXERCISE_ID_LENGTH)
    name = cells.text(plain_cell(cell("exercise")), "The exercise", EXERCISE_NAME_LENGTH) or exercise_id
    if not name:
        raise RowError("The exercise is empty.")
    position = _from_one(cell("exercise_position"), "exercise_position", MAX_POSITION)
    superset = cells.whole(cell("superset"), "superset", MAX_SUPERSET, low=1)
    return Row(
        local_start=local_start,
        workout_name=cells.text(plain_cell(cell("session")), "The session", SESSION_NAME_LENGTH),
        duration_seconds=duration,
        workout_note=cells.text(plain_cell(cell("notes")), "notes", SESSION_NOTE_LENGTH),
        exercise=name,
        exercise_note=cells.text(plain_cell(cell("exercise_notes")), "exercise_notes", NOTE_LENGTH),
        set=FileSet(reps=cells.reps(cell("reps"), "reps"), seconds=cells.seconds(cell("seconds"), "seconds"),
                    weight_kg=cells.weight_kg(cell("weight_kg"), "kg", "weight_kg"),
                    rpe=cells.rpe(cell("rpe"), "rpe"), kind=set_kind(cell("set_type"), "set_type"),
                    distance_m=cells.distance_m(cell("distance_m"), METRES, "distance_m"),
                    done=_done(cell("done")), position=_from_one(cell("set"), "set", MAX_POSITION)),
        superset="" if superset is None else str(superset),
        entry_key=(position, exercise_id or name),
        entry=FileEntry(name=name, exercise_id=exercise_id or None, position=position),
        started_at=started_at,
        timezone=zone,
        intensity=cells.whole(cell("intensity"), "intensity", 10, low=1),
    )


VIGOR_CSV = CsvFormat("vigor", VIGOR_REQUIRED, (), ",".join(CSV_COLUMNS[:8]) + ",…", _vigor_row,
                      numbered_supersets=True)


def settle_positions(workouts: list[FileWorkout]) -> None:
    """Entries in order of position; positions a file repeats are numbered afresh (0, 1, …)
    so that each entry of a workout has its own."""
    for workout in workouts:
        ordered = sorted(workout.entries.items(), key=lambda item: -1 if item[1].position is None
                         else item[1].position)
        given = [entry.position for _, entry in ordered]
        if None in given or len(set(given)) != len(given):
            for number, (_, entry) in enumerate(ordered):
                entry.position = number
        workout.entries = dict(ordered)


# --- the JSON document ---------------------------------------------------------------------------


def _list(value: object, what: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise RowError(f"{what} must be a list.")
    return value


def _object(value: object, what: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise RowError(f"{what} must be an object with named fields.")
    return value


def _flag(value: object, what: str) -> bool:
    if value is None:
        return True
    if not isinstance(value, bool):
        raise RowError(f"{what} must be true or false.")
    return value


def _when(value: object, what: str, latest: datetime) -> datetime | None:
    found = cells.utc_datetime(value, what)
    if found is not None and not cells.EARLIEST.replace(tzinfo=UTC) <= found <= latest:
        raise RowError(f"The {what} {found:%Y-%m-%d %H:%M} is before {cells.EARLIEST.year} or in the future.")
    return found


def _json_set(doc: dict[str, Any], index: int, latest: datetime) -> FileSet:
    kind = doc.get("kind")
    return FileSet(
        reps=cells.reps(doc.get("reps"), "reps"), seconds=cells.seconds(doc.get("seconds"), "seconds"),
        weight_kg=cells.weight_kg(doc.get("weight_kg"), "kg", "weight_kg"), rpe=cells.rpe(doc.get("rpe"), "rpe"),
        kind=set_kind(kind if isinstance(kind, str) else "", "kind"),
        distance_m=cells.distance_m(doc.get("distance_m"), METRES, "distance_m"),
        done=_flag(doc.get("done"), "done"),
        position=cells.whole(doc.get("position", index), "position", MAX_POSITION),
        completed_at=_when(doc.get("completed_at"), "completed_at", latest))


def _json_entry(doc: dict[str, Any], index: int, latest: datetime, place: list[str]) -> FileEntry:
    exercise_id = cells.text(doc.get("exercise_id"), "exercise_id", EXERCISE_ID_LENGTH)
    name = cells.text(doc.get("exercise_name"), "exercise_name", EXERCISE_NAME_LENGTH) or exercise_id
    if not name:
        raise RowError("The exercise has no name and no id.")
    entry = FileEntry(
        name=name, exercise_id=exercise_id or None, note=cells.text(doc.get("note"), "note", NOTE_LENGTH),
        position=cells.whole(doc.get("position", index), "position", MAX_POSITION),
        superset=cells.whole(doc.get("superset"), "superset", MAX_SUPERSET, low=1),
        target_sets=cells.whole(doc.get("target_sets"), "target_sets", MAX_TARGET_SETS),
        target_reps=cells.text(doc.get("target_reps"), "target_reps", TARGET_REPS_LENGTH),
        target_rpe=cells.rpe(doc.get("target_rpe"), "target_rpe"),
        rest_seconds=cells.whole(doc.get("rest_seconds"), "rest_seconds", MAX_REST_SECONDS))
    for number, set_doc in enumerate(_list(doc.get("sets"), "sets"), start=1):
        place[2] = f", set {number}"
        entry.sets.append(_json_set(_object(set_doc, "A set"), number - 1, latest))
    place[2] = ""
    return entry


def _json_session(doc: dict[str, Any], latest: datetime, place: list[str]) -> FileWorkout:
    started_at = _when(doc.get("started_at"), "started_at", latest)
    if started_at is None:
        raise RowError("The session has no started_at.")
    zone = _zone(doc.get("timezone"))
    ended_at = _when(doc.get("ended_at"), "ended_at", latest + cells.FUTURE_SLACK)
    if ended_at is not None and not started_at <= ended_at <= started_at + cells.FUTURE_SLACK:
        raise RowError("The session ends before it starts, or more than a day after.")
    file_id = doc.get("id")
    workout = FileWorkout(
        line=0, local_start=started_at.astimezone(ZoneInfo(zone or "UTC")).replace(tzinfo=None),
        name=cells.text(doc.get("name"), "name", SESSION_NAME_LENGTH) or import_files.DEFAULT_SESSION_NAME,
        duration_seconds=cells.whole(doc.get("duration_seconds"), "duration_seconds", cells.MAX_DURATION_SECONDS),
        note=cells.text(doc.get("note"), "note", SESSION_NOTE_LENGTH), started_at=started_at, ended_at=ended_at,
        timezone=zone, intensity=cells.whole(doc.get("intensity"), "intensity", 10, low=1),
        file_id=file_id if isinstance(file_id, int) and not isinstance(file_id, bool) else None)
    for number, entry_doc in enumerate(_list(doc.get("exercises"), "exercises"), start=1):
        place[1] = f", exercise {number}"
        entry = _json_entry(_object(entry_doc, "An exercise"), number - 1, latest, place)
        workout.entries[(number, entry.exercise_id or entry.name)] = entry
    place[1] = ""
    return workout


def _json_conversation(doc: dict[str, Any], latest: datetime, place: list[str]) -> FileConversation:
    created_at = _when(doc.get("created_at"), "created_at", latest)
    if created_at is None:
        raise RowError("The conversation has no created_at.")
    conversation = FileConversation(
        title=cells.text(doc.get("title"), "title", CONVERSATION_TITLE_LENGTH) or "New conversation",
        created_at=created_at, updated_at=_when(doc.get("updated_at"), "updated_at", latest) or created_at)
    for number, message_doc in enumerate(_list(doc.get("messages"), "messages"), start=1):
        place[1] = f", message {number}"
        message = _object(message_doc, "A message")
        role, kind = message.get("role"), message.get("kind", KIND_CHAT)
        if role not in _ROLES or kind not in _KINDS:
            raise RowError(f"role must be one of {', '.join(_ROLES)} and kind one of {', '.join(_KINDS)}.")
        session_id = message.get("session_id")
        conversation.messages.append(FileMessage(
            role=role, kind=kind, content=cells.text(message.get("content"), "content", MESSAGE_LENGTH),
            engine=cells.text(message.get("engine"), "engine", ENGINE_LENGTH),
            notice=cells.text(message.get("notice"), "notice", NOTICE_LENGTH),
            created_at=_when(message.get("created_at"), "created_at", latest) or created_at,
            session_file_id=session_id if isinstance(session_id, int) and not isinstance(session_id, bool)
            else None))
    place[1] = ""
    return conversation


def read_document(text: str) -> dict[str, Any]:
    """A Vigor JSON export's top-level object, its format and version checked (nothing inside
    it yet). Raises FileError."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise FileError(f"This is not a JSON file we can read: {exc.msg} on line {exc.lineno}.",
                        line=exc.lineno) from None
    except RecursionError:
        raise FileError("This JSON file is nested too deeply to be a Vigor export.") from None
    if not isinstance(document, dict) or document.get("format") != EXPORT_FORMAT:
        raise FileError("This JSON file is not a Vigor export: Vigor's has \"format\": "
                        f"\"{EXPORT_FORMAT}\" at the top, with its sessions and coach conversations.")
    version = document.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or not 1 <= version <= EXPORT_VERSION:
        raise FileError(f"This Vigor export is version {str(version)[:20]}; this Vigor reads versions 1 to "
                        f"{EXPORT_VERSION}. Update Vigor, or export the file again.")
    return document


def read_json(text: str, now: datetime) -> tuple[list[FileWorkout], list[FileConversation]]:
    """The sessions (oldest first) and coach conversations of a Vigor JSON export, checked;
    anything later than a day after `now` is refused. Raises FileError."""
    document = read_document(text)
    latest = as_utc(now) + cells.FUTURE_SLACK
    problems: list[str] = []
    workouts: dict[tuple[datetime, str], FileWorkout] = {}
    conversations: dict[tuple[datetime, str], FileConversation] = {}
    try:
        sessions = _list(document.get("sessions"), "sessions")
        talks = _list(document.get("coach_conversations"), "coach_conversations")
    except RowError as exc:
        raise FileError(f"Nothing was imported: {exc}") from None
    if len(talks) > MAX_CONVERSATIONS:
        raise FileError(f"This file holds more than {MAX_CONVERSATIONS:,} coach conversations.")
    set_count = messages = 0
    for kind, items in (("Session", sessions), ("Conversation", talks)):
        for number, doc in enumerate(items, start=1):
            place = [f"{kind} {number}", "", ""]
            try:
                if kind == "Session":
                    workout = _json_session(_object(doc, "A session"), latest, place)
                    workout.line = number
                    set_count += sum(len(e.sets) for e in workout.entries.values())
                    key = (workout.started_at.replace(microsecond=0), workout.name)  # type: ignore[union-attr]
                    workouts.setdefault(key, workout)  # the same session twice: the first
                else:
                    conversation = _json_conversation(_object(doc, "A conversation"), latest, place)
                    messages += len(conversation.messages)
                    conversations.setdefault((conversation.created_at.replace(microsecond=0),
                                              conversation.title), conversation)
            except RowError as exc:
                problems.append(f"{''.join(place)}: {exc}")
            if set_count > import_files.MAX_ROWS or messages > MAX_MESSAGES:
                raise FileError(f"This file holds more than {import_files.MAX_ROWS:,} sets or "
                                f"{MAX_MESSAGES:,} coach messages. Export a shorter date range and import "
                                "the parts one by one.")
            if len(problems) >= import_files.MAX_PROBLEMS_REPORTED:
                break
    if problems:
        raise FileError("Nothing was imported. Fix these and try again: " + " ".join(problems))
    if not workouts and not conversations:
        raise FileError("This file has no workouts and no coach conversations in it.")
    found = sorted(workouts.values(), key=lambda w: (w.started_at or now, w.name))
    settle_positions(found)
    return found, list(conversations.values())
