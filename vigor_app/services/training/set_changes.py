"""A batch of changes to a workout's sets, applied in order, each exactly once.

A phone that lost its connection between sets keeps what the person did as a queue of changes
and sends it when the connection is back, perhaps twice (a reply lost on the way back). Each
change carries an idempotency key chosen by the sender: the change and the record that its key
was applied commit in one transaction, so a key sent again is answered as it was the first
time and nothing is applied twice. A refused change (a value out of range, a set deleted
elsewhere) is answered with its error, kept under its key too, and the changes after it still
run: the person is shown each refusal.

A set added in the same queue has no id yet on the phone: later changes name it by the key
of the change that added it (`set_ref`).

The same set changed on two devices: a change that says when it was made (`made_at`, the
phone's clock, never later than now) and which version of the set it was made on
(`seen_changed_at`, the set's `changed_at` in the phone's copy) is checked against the set as it
stands. Changed elsewhere since: the later of the two changes wins. This one later: applied,
and its answer names the other change (`result["changed_elsewhere_at"]`). The other later: not
applied, refused as `changed_elsewhere` with the other change's time. Either way the phone tells
the person. A change without `made_at` (a script using the API) is applied as before.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select

from vigor_app import db
from vigor_app.clock import as_utc, utcnow
from vigor_app.models import AppliedChange, WorkoutSet
from vigor_app.services.errors import NotFound, PermissionDenied, ValidationError, VigorError
from vigor_app.services.text_rules import has_control_characters
from vigor_app.services.training import workout_sessions, workout_sets
from vigor_app.services.units import KG

SAVE_SET, ADD_SET, REMOVE_SET, FINISH = "save_set", "add_set", "remove_set", "finish"
OPS = (SAVE_SET, ADD_SET, REMOVE_SET, FINISH)
MAX_CHANGES = 100
KEY_LIMIT = 100
KEPT_FOR = timedelta(days=30)  # how long a key is remembered (a queue is sent within days)
SAME_MOMENT = timedelta(milliseconds=1)  # a phone's copy keeps times to the millisecond


@dataclass(frozen=True)
class SetChange:
    """One change: what to do (`op`) and to what. Weights are kilograms, distances metres."""

    key: str
    op: str
    set_id: int | None = None
    set_ref: str | None = None  # the key of the change that added the set
    entry_id: int | None = None
    session_id: int | None = None
    reps: int | None = None
    seconds: int | None = None
    weight_kg: float | None = None
    rpe: float | None = None
    distance_m: float | None = None
    done: bool = True
    intensity: int | None = None
    made_at: datetime | None = None  # when the person made it (on the phone's clock)
    seen_changed_at: datetime | None = None  # the set's `changed_at` as the phone last saw it


class ChangedElsewhere(VigorError):
    """The set was changed on another device after this change was made: that one stands."""

    def __init__(self, at: datetime) -> None:
        super().__init__("This set was changed on another device after you changed it here: "
                         "the later change was kept.", field="set_id")
        self.at = at


@dataclass(frozen=True)
class ChangeAnswer:
    key: str
    status: int  # 200 applied; 404, 409 or 422 refused
    result: dict[str, Any] = field(default_factory=dict)  # what was changed (ids, records set)
    error: dict[str, Any] | None = None  # {"code", "message", "field"} when refused
    replayed: bool = False  # the key was applied before: this is the answer it had then


def _status_of(exc: VigorError) -> tuple[int, str]:
    if isinstance(exc, NotFound):
        return 404, "not_found"
    if isinstance(exc, PermissionDenied):
        return 403, "forbidden"
    if isinstance(exc, ValidationError):
        return 422, "invalid"
    if isinstance(exc, ChangedElsewhere):
        return 409, "changed_elsewhere"
    return 409, "conflict"


def _check_keys(changes: Sequence[SetChange]) -> None:
    if len(changes) > MAX_CHANGES:
        raise ValidationError(f"Send at most {MAX_CHANGES} changes at a time.", field="changes")
    seen: set[str] = set()
    for change in changes:
        key = change.key
        if not key or len(key) > KEY_LIMIT or has_control_characters(key, multiline=False):
            raise ValidationError(f"Each change needs a key of 1 to {KEY_LIMIT} characters.", field="key")
        if key in seen:
            raise ValidationError("Two changes in one batch share a key: give each its own.", field="key")
        seen.add(key)
        if change.op not in OPS:
            raise ValidationError("Unknown change: " + ", ".join(OPS) + " are known.", field="op")


def _stored(user_id: int, key: str) -> AppliedChange | None:
    with db.read_only() as session:
        return session.exec(select(AppliedChange).where(AppliedChange.user_id == user_id,
                                                        AppliedChange.key == key)).first()


def _answer_of(row: AppliedChange) -> ChangeAnswer:
    body = json.loads(row.answer)
    return ChangeAnswer(key=row.key, status=row.status, result=body.get("result") or {}, error=body.get("error"),
                        replayed=True)


def _target_set(user_id: int, change: SetChange) -> int:
    if change.set_id is not None:
        return change.set_id
    if change.set_ref:
        added = _stored(user_id, change.set_ref)
        if added is not None and added.status == 200:
            set_id = json.loads(added.answer).get("result", {}).get("set_id")
            if isinstance(set_id, int):
                return set_id
        raise NotFound("The set this change names was never added.", field="set_ref")
    raise ValidationError("Name the set: set_id or set_ref.", field="set_id")


def _required(value: int | None, name: str) -> int:
    if value is None:
        raise ValidationError(f"This change needs {name}.", field=name)
    return value


def _made_at(change: SetChange, now: datetime) -> datetime:
    """When the person made the change: the phone's word for it, but never in the future."""
    return now if change.made_at is None else min(as_utc(change.made_at), now)


def _changed_elsewhere(user_id: int, set_id: int, change: SetChange, now: datetime) -> datetime | None:
    """When the set was changed on another device after the phone's copy of it (None: it was
    not, or the change does not say when it was made). Raises ChangedElsewhere when that other
    change is the later one."""
    if change.made_at is None or change.set_id is None:  # a set added in this queue: only this phone knew it
        return None
    with db.read_only() as session:  # joins the change's unit of work
        row = session.get(WorkoutSet, set_id)
    if row is None or row.user_id != user_id or row.changed_at is None:
        return None  # the service says what is wrong with the set, or it was never changed
    other = as_utc(row.changed_at)
    seen = change.seen_changed_at
    if seen is not None and other <= as_utc(seen) + SAME_MOMENT:
        return None
    if other >= _made_at(change, now):
        raise ChangedElsewhere(other)
    return other


def _apply(user_id: int, change: SetChange, now: datetime) -> dict[str, Any]:
    """The change, through the same services as the log page; what it changed."""
    if change.op == SAVE_SET:
        set_id = _target_set(user_id, change)
        other = _changed_elsewhere(user_id, set_id, change, now)
        distance = None if change.distance_m is None else change.distance_m / 1000  # typed in km
        saved = workout_sets.save_set(user_id, set_id, reps=change.reps, seconds=change.seconds,
                                      weight_kg=change.weight_kg, rpe=change.rpe, done=change.done,
                                      weight_unit=KG, distance=distance, now=now, with_session=False,
                                      changed_at=_made_at(change, now))
        return {"set_id": saved.saved.id, "records": [hit.kind for hit in saved.records],
                **_elsewhere(other)}
    if change.op == ADD_SET:
        entry_id = _required(change.entry_id, "entry_id")
        view = workout_sets.add_set(user_id, entry_id)
        entry = next(e for e in view.entries if e.id == entry_id)
        return {"set_id": max(s.id for s in entry.sets), "session_id": view.id}
    if change.op == REMOVE_SET:
        set_id = _target_set(user_id, change)
        other = _changed_elsewhere(user_id, set_id, change, now)
        view = workout_sets.remove_set(user_id, set_id)
        return {"set_id": set_id, "session_id": view.id, **_elsewhere(other)}
    session_id = _required(change.session_id, "session_id")
    finished = workout_sessions.finish(user_id, session_id, intensity=change.intensity, now=now)
    return {"session_id": finished.session.id, "milestones": [m.key for m in finished.milestones]}


def _elsewhere(other: datetime | None) -> dict[str, str]:
    return {} if other is None else {"changed_elsewhere_at": other.isoformat()}


def _keep(user_id: int, answer: ChangeAnswer, now: datetime) -> None:
    with db.transaction() as session:
        session.add(AppliedChange(user_id=user_id, key=answer.key, status=answer.status, created_at=now,
                                  answer=json.dumps({"result": answer.result, "error": answer.error})))


def _one(user_id: int, change: SetChange, now: datetime) -> ChangeAnswer:
    before = _stored(user_id, change.key)
    if before is not None:
        return _answer_of(before)
    try:
        with db.one_unit_of_work():
            answer = ChangeAnswer(key=change.key, status=200, result=_apply(user_id, change, now))
            _keep(user_id, answer, now)  # joins the unit: the change and its key commit together
        return answer
    except VigorError as exc:
        status, code = _status_of(exc)
        error: dict[str, Any] = {"code": code, "message": exc.message, "field": exc.field}
        if isinstance(exc, ChangedElsewhere):
            error["changed_elsewhere_at"] = exc.at.isoformat()
        refused = ChangeAnswer(key=change.key, status=status, error=error)
        try:
            _keep(user_id, refused, now)
        except IntegrityError:
            pass  # the same key, sent twice at once, was answered by the other request
        else:
            return refused
    except IntegrityError:
        pass  # the same key, sent twice at once: the other request applied it; this rolled back
    again = _stored(user_id, change.key)
    if again is None:
        raise ValidationError("The change could not be saved: send it again.", field="key")
    return _answer_of(again)


def apply(user_id: int, changes: Sequence[SetChange], *, now: datetime | None = None) -> list[ChangeAnswer]:
    """Apply `changes` in order, each once: the answers, one per change, in the same order."""
    _check_keys(changes)
    now = now or utcnow()
    return [_one(user_id, change, now) for change in changes]


def forget_old(*, now: datetime | None = None) -> int:
    """Drop keys older than KEPT_FOR (a periodic job); returns how many went."""
    cutoff = (now or utcnow()) - KEPT_FOR
    with db.transaction() as session:
        result = session.exec(delete(AppliedChange).where(col(AppliedChange.created_at) < cutoff))
        return int(result.rowcount or 0)
