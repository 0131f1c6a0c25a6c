"""A person's whole Vigor JSON export (`export.export_json`, any version Vigor has written)
brought into an account, with everything the built-in coach reads: the sessions with their
exercises, sets and custom exercises, and the coach conversations (through the importer,
`importer.import_csv`), and what an import leaves out: the fitness profile with the bar and
plates, the plans, body metrics and personal records. `python -m vigor_app coach`
(docs/coach.md) loads an export into a throwaway database with it.

Rules:

- Everything in the file is untrusted, and each part goes through the service that owns it
  and its checks: the profile through `profiles.update_profile` and `plates.save_kit`, each
  plan through `library.restore_plan` (the checks a plan from an AI provider passes), each
  day of body metrics through `body_metrics.record`; a personal record's kind, numbers and
  time are checked here. A problem raises FileError naming the part (``Profile: ...``), except
  a well-formed plan that today's rules refuse (an exercise renamed since, a rule added since):
  it is left out and named in `Restored.skipped_plans`, so an old export still loads.
- Version 1 files have no coach conversations, sets' ``distance_m`` or exercises'
  ``superset``; their profile may lack the daily message and the bar and plates (the
  defaults are kept). Unknown keys are ignored.
- Meant for a new, empty account: the parts are written one after the other (profile,
  training, plans, body metrics, records), so a problem in a later part leaves the earlier
  ones written.
- Ids: the file's session ids and custom exercise ids are not this database's; `Restored`
  maps this database's back to the file's. A record keeps its session (when the file names
  one it holds) but not its set; a record of an exercise no session names and the catalogue
  does not know is left out (`Restored.skipped_records`).
- Not loaded: the account itself, linked sign-ins, milestones and AI usage (the coach reads
  none of them).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, TypeGuard

from sqlalchemy import insert

from vigor_app import db
from vigor_app.clock import utcnow
from vigor_app.models import PersonalRecord
from vigor_app.services.catalogue import store as catalogue_store
from vigor_app.services.errors import FileError, ValidationError
from vigor_app.services.plans import ai_plans, library, profiles
from vigor_app.services.training import body_metrics, plates, records
from vigor_app.services.units import KG, from_kg
from vigor_app.services.your_data import file_cells as cells
from vigor_app.services.your_data import importer, vigor_files
from vigor_app.services.your_data.file_cells import RowError
from vigor_app.services.your_data.import_files import EXERCISE_NAME_LENGTH

MAX_PLANS = 200
MAX_BODY_METRICS = 20_000  # days of measurements
MAX_RECORDS = 50_000
MAX_RECORD_VALUE = 1e9  # kilograms, kg × reps, metres or seconds
TEXT_LENGTH = 1_000  # a plan's name as read (the plan library then allows 80 characters)
ENGINE_LENGTH = 64


@dataclass(frozen=True)
class Restored:
    """What `restore` loaded. ``session_ids``: a session's id here → its id in the file;
    ``exercise_ids``: a custom exercise's id here → its id in the file (catalogue ids are the
    same everywhere); ``exported_at``: when the file was written (UTC), None when it does not say."""

    exported_at: datetime | None
    session_ids: dict[int, int] = field(default_factory=dict)
    exercise_ids: dict[str, str] = field(default_factory=dict)
    sessions: int = 0
    conversations: int = 0
    plans: int = 0
    body_metrics: int = 0
    records: int = 0
    skipped_records: int = 0
    skipped_plans: list[str] = field(default_factory=list)  # "Plan 2: why", for a plan today's rules refuse


@contextmanager
def _part(where: str) -> Iterator[None]:
    """A problem inside as a FileError that names the part of the file."""
    try:
        yield
    except RowError as exc:
        raise FileError(f"{where}: {exc}") from None
    except ValidationError as exc:
        raise FileError(f"{where}: {exc.message}") from None


def _list(value: object, what: str, limit: int) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise FileError(f"{what} must be a list.")
    if len(value) > limit:
        raise FileError(f"This file holds more than {limit:,} {what}.")
    return value


def _object(value: object, what: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise RowError(f"{what} must be an object with named fields.")
    return value


def _time(value: object, what: str, now: datetime) -> datetime | None:
    """An ISO 8601 time as aware UTC (None when blank); not after a day from `now`."""
    found = cells.utc_datetime(value, what)
    if found is not None and found > now + cells.FUTURE_SLACK:
        raise RowError(f"The {what} {found:%Y-%m-%d %H:%M} is in the future.")
    return found


def _number(value: object) -> TypeGuard[float]:
    return isinstance(value, int | float) and not isinstance(value, bool)


def restore(user_id: int, data: str | bytes, *, now: datetime | None = None) -> Restored:
    """Load the Vigor JSON export in `data` into `user_id`'s (new, empty) account; `now`: the
    clock the file's times may not run ahead of (by more than a day). Raises FileError naming
    the part at fault, or the importer's ValidationError (too many custom exercises)."""
    now = now or utcnow()
    text = cells.decode(data)
    document = vigor_files.read_document(text)
    with _part("exported_at"):
        exported_at = _time(document.get("exported_at"), "time", now)
    _profile(user_id, document.get("fitness_profile"), now)
    report = None
    if document.get("sessions") or document.get("coach_conversations"):
        report = importer.import_csv(user_id, text, source="vigor", now=now)
    file_sessions = report.session_ids if report is not None else {}
    customs = _custom_ids(document, report.custom if report is not None else {})
    plan_count, skipped_plans = _plans(user_id, document.get("plans"), now)
    metric_count = _body_metrics(user_id, document.get("body_metrics"), now)
    kept, skipped = _records(user_id, document.get("personal_records"), file_sessions, customs, now)
    return Restored(
        exported_at=exported_at,
        session_ids={ours: theirs for theirs, ours in file_sessions.items()},
        exercise_ids={ours: theirs for theirs, ours in customs.items()},
        sessions=report.sessions if report is not None else 0,
        conversations=report.conversations if report is not None else 0,
        plans=plan_count, body_metrics=metric_count, records=kept, skipped_records=skipped,
        skipped_plans=skipped_plans)


def _profile(user_id: int, doc: object, now: datetime) -> None:
    """The profile (each field as the Profile page checks it), then the bar and plates."""
    if doc is None:
        return
    with _part("fitness_profile"):
        doc = _object(doc, "fitness_profile")
        onboarded = _time(doc.get("onboarded_at"), "onboarded_at", now)
        changes = {key: doc[key] for key in profiles.EDITABLE if key in doc}
        view = profiles.update_profile(user_id, changes, finish_onboarding=onboarded is not None,
                                       now=onboarded or now)
        bar, kit = doc.get("bar_kg"), doc.get("plates_kg")
        if bar is None and kit is None:
            return  # the usual kit in the person's units
        if not _number(bar) or not isinstance(kit, list) or not all(_number(p) for p in kit):
            raise RowError("bar_kg must be a number and plates_kg a list of numbers (kilograms).")
        # As the person typed them, in their units: save_kit stores the kilograms again.
        plates.save_kit(user_id, repr(from_kg(bar, view.units)),
                        ", ".join(repr(from_kg(p, view.units)) for p in kit))


def _custom_ids(document: dict[str, Any], custom: dict[str, str]) -> dict[str, str]:
    """The file's custom exercise id → the id the import gave it here, from the sessions'
    entries (`custom`: the importer's name in the file → id here)."""
    found: dict[str, str] = {}
    if not custom:
        return found
    sessions = document.get("sessions")
    entries = [entry for session in sessions if isinstance(session, dict)
               for entry in session.get("exercises") or []] if isinstance(sessions, list) else []
    for entry in entries:
        if not isinstance(entry, dict) or not isinstance(entry.get("exercise_id"), str):
            continue
        try:  # the name as the importer read it (vigor_files._json_entry)
            file_id = cells.text(entry["exercise_id"], "exercise_id", vigor_files.EXERCISE_ID_LENGTH)
            name = cells.text(entry.get("exercise_name"), "exercise_name", EXERCISE_NAME_LENGTH) or file_id
        except RowError:
            continue
        if file_id and name in custom:
            found.setdefault(file_id, custom[name])
    return found


def _plans(user_id: int, items: object, now: datetime) -> tuple[int, list[str]]:
    """Each plan as it was; the first one the file marks active is the active one. A plan that a
    rule of today's refuses (an exercise since renamed, a rule added since the file was written)
    is left out and named in the second list; a malformed one refuses the file."""
    active_kept = False
    kept = 0
    skipped: list[str] = []
    plans = _list(items, "plans", MAX_PLANS)
    for number, item in enumerate(plans, start=1):
        with _part(f"Plan {number}"):
            doc = _object(item, "A plan")
            active = doc.get("is_active", False)
            if not isinstance(active, bool):
                raise RowError("is_active must be true or false.")
            seed = cells.whole(doc.get("seed"), "seed", ai_plans.MAX_SEED)
            name = cells.text(doc.get("name"), "name", TEXT_LENGTH)
            engine = cells.text(doc.get("engine"), "engine", ENGINE_LENGTH) or library.BUILTIN_ENGINE
            created_at = _time(doc.get("created_at"), "created_at", now) or now
            try:
                library.restore_plan(user_id, doc.get("plan"), doc.get("inputs"), name=name, engine=engine,
                                     seed=seed or 0, active=active and not active_kept, created_at=created_at)
            except ValidationError as exc:
                skipped.append(f"Plan {number}: {exc.message}")
                continue
            kept += 1
            active_kept = active_kept or active
    return kept, skipped


def _day(value: object) -> date:
    if not isinstance(value, str) or len(value) > 10:
        raise RowError("measured_on must be a date like 2024-01-15.")
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise RowError(f"\"{value}\" is not a date like 2024-01-15.") from None
    if day.year < cells.EARLIEST.year:
        raise RowError(f"The date {value} is before {cells.EARLIEST.year}.")
    return day


def _body_metrics(user_id: int, items: object, now: datetime) -> int:
    """Each day's measurements (kilograms and centimetres), checked as the Progress page's."""
    metrics = _list(items, "body_metrics", MAX_BODY_METRICS)
    for number, item in enumerate(metrics, start=1):
        with _part(f"Body metrics {number}"):
            doc = _object(item, "A day of body metrics")
            values = {name: doc.get(name) for name in body_metrics.FIELDS}
            body_metrics.record(user_id, _day(doc.get("measured_on")), values, weight_unit=KG, now=now)
    return len(metrics)


def _record_row(user_id: int, doc: dict[str, Any], sessions: dict[int, int], customs: dict[str, str],
                now: datetime) -> dict[str, Any]:
    kind = doc.get("kind")
    if kind not in records.KINDS:
        raise RowError(f"kind must be one of {', '.join(records.KINDS)}.")
    exercise_id = cells.text(doc.get("exercise_id"), "exercise_id", vigor_files.EXERCISE_ID_LENGTH)
    if not exercise_id:
        raise RowError("The record has no exercise_id.")
    value = cells.number(doc.get("value"), "value", integer=False, low=0, high=MAX_RECORD_VALUE)
    if value is None:
        raise RowError("The record has no value.")
    achieved_at = _time(doc.get("achieved_at"), "achieved_at", now)
    if achieved_at is None:
        raise RowError("The record has no achieved_at.")
    session_id = doc.get("session_id")
    if not isinstance(session_id, int) or isinstance(session_id, bool):
        session_id = None
    return {"user_id": user_id, "exercise_id": customs.get(exercise_id, exercise_id), "kind": kind,
            "reps": cells.reps(doc.get("reps"), "reps"), "value": value,
            "previous": cells.number(doc.get("previous"), "previous", integer=False, low=0,
                                     high=MAX_RECORD_VALUE),
            "set_id": None, "session_id": sessions.get(session_id) if session_id is not None else None,
            "achieved_at": achieved_at}


def _records(user_id: int, items: object, sessions: dict[int, int], customs: dict[str, str],
             now: datetime) -> tuple[int, int]:
    """The personal records as they were set (not worked out again); (kept, left out)."""
    rows = []
    for number, item in enumerate(_list(items, "personal_records", MAX_RECORDS), start=1):
        with _part(f"Personal record {number}"):
            rows.append(_record_row(user_id, _object(item, "A record"), sessions, customs, now))
    if not rows:
        return 0, 0
    with db.transaction() as session:
        usable = catalogue_store.usable_exercises(session, user_id, {row["exercise_id"] for row in rows})
        kept = [row for row in rows if row["exercise_id"] in usable]
        if kept:
            session.execute(insert(PersonalRecord.__table__), kept)  # type: ignore[attr-defined]
    return len(kept), len(rows) - len(kept)
