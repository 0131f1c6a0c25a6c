import csv
import io
import json
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import select

from tests.factories import make_user
from vigor_app import db
from vigor_app.models import (
    AiAttempt,
    BodyMetric,
    EarnedMilestone,
    Exercise,
    PersonalRecord,
    SessionExercise,
    User,
    WorkoutPlan,
    WorkoutSession,
    WorkoutSet,
)
from vigor_app.models.workout import SESSION_FINISHED
from vigor_app.services.errors import NotFound
from vigor_app.services.plans import profiles
from vigor_app.services.your_data import export as data_export

pytestmark = pytest.mark.usefixtures("database")

STARTED = datetime(2024, 3, 10, 17, 0, tzinfo=UTC)  # 18:00 in Berlin


def log_session(user_id, name, started_at, entries, *, note="", intensity=None, duration=3600):
    """Insert a finished session straight through the models: entries = {exercise_id: [sets]},
    each set (reps, seconds, weight_kg, rpe, done)."""
    with db.transaction() as session:
        row = WorkoutSession(user_id=user_id, name=name, status=SESSION_FINISHED, started_at=started_at,
                             ended_at=started_at + timedelta(seconds=duration), duration_seconds=duration,
                             note=note, intensity=intensity)
        session.add(row)
        session.flush()
        for position, (exercise_id, sets) in enumerate(entries.items()):
            entry = SessionExercise(session_id=row.id, user_id=user_id, exercise_id=exercise_id,
                                    position=position, note=f"{exercise_id} note")
            session.add(entry)
            session.flush()
            for index, (reps, seconds, weight, rpe, done) in enumerate(sets):
                session.add(WorkoutSet(session_exercise_id=entry.id, session_id=row.id, user_id=user_id,
                                       exercise_id=exercise_id, position=index, reps=reps, seconds=seconds,
                                       weight_kg=weight, rpe=rpe, done=done,
                                       completed_at=started_at + timedelta(minutes=index + 1) if done else None))
        return row.id


def add_custom(user_id, exercise_id, name):
    with db.transaction() as session:
        session.add(Exercise(id=exercise_id, name=name, pattern="core", level="beginner",
                             details={"timed": False}, is_custom=True, owner_user_id=user_id))


def fill_account(user_id, tag):
    """Some of everything a person can own."""
    add_custom(user_id, f"custom-{user_id}-sled-push", f"Sled push {tag}")
    session_id = log_session(user_id, f"Push {tag}", STARTED, {
        "barbell-bench-press": [(8, None, 60.0, 8.0, True), (6, None, 62.5, 9.0, True)],
        f"custom-{user_id}-sled-push": [(None, 30, 80.0, None, False)],
    }, note=f"note {tag}", intensity=7)
    with db.transaction() as session:
        first_set = session.exec(select(WorkoutSet).where(WorkoutSet.session_id == session_id)).first()
        session.add(WorkoutPlan(user_id=user_id, name=f"Plan {tag}", is_active=True,
                                plan={"days": [{"name": "A"}]}, inputs={"days": 3}))
        session.add(PersonalRecord(user_id=user_id, exercise_id="barbell-bench-press", kind="e1rm", value=75.0,
                                   set_id=first_set.id, session_id=session_id, achieved_at=STARTED))
        session.add(EarnedMilestone(user_id=user_id, key="first_workout", earned_at=STARTED))
        session.add(BodyMetric(user_id=user_id, measured_on=date(2024, 3, 10), weight_kg=80.5, waist_cm=84.0))
        session.add(AiAttempt(request_id=f"req-{tag}", user_id=user_id, feature="plan", provider_name="builtin",
                              outcome="ok", input_tokens=10, output_tokens=20, final=True, engine="builtin"))
    return session_id


def test_json_export_holds_everything_the_person_owns_and_nothing_else():
    alice, bob = make_user("alice"), make_user("bob")
    profiles.update_profile(alice.user.id, {"units": "lb", "timezone": "Europe/Berlin", "goals": ["strength"]})
    fill_account(alice.user.id, "alice")
    fill_account(bob.user.id, "bob")

    now = datetime(2024, 4, 1, 12, 0, tzinfo=UTC)
    document = data_export.export_json(alice.user.id, now=now)
    text = json.dumps(document)  # serialisable as it is

    assert document["format"] == "vigor-export" and document["version"] == data_export.EXPORT_VERSION
    assert document["exported_at"] == "2024-04-01T12:00:00+00:00"
    assert document["account"]["email"] == "alice@example.com"
    assert document["account"]["username"] == "alice"
    assert document["account"]["created_at"]
    assert document["fitness_profile"]["units"] == "lb"
    assert document["fitness_profile"]["timezone"] == "Europe/Berlin"
    assert [p["name"] for p in document["plans"]] == ["Plan alice"]
    assert document["plans"][0]["plan"] == {"days": [{"name": "A"}]}

    [logged] = document["sessions"]
    assert logged["name"] == "Push alice" and logged["note"] == "note alice" and logged["intensity"] == 7
    assert logged["started_at"] == "2024-03-10T17:00:00+00:00"
    bench, sled = logged["exercises"]
    assert bench["exercise_id"] == "barbell-bench-press" and bench["exercise_name"] == "Barbell bench press"
    assert [(s["reps"], s["weight_kg"], s["rpe"], s["done"], s["kind"]) for s in bench["sets"]] == [
        (8, 60.0, 8.0, True, "normal"), (6, 62.5, 9.0, True, "normal")]
    assert sled["exercise_name"] == "Sled push alice" and sled["sets"][0]["seconds"] == 30

    assert [(r["kind"], r["value"]) for r in document["personal_records"]] == [("e1rm", 75.0)]
    assert [m["key"] for m in document["milestones"]] == ["first_workout"]
    assert document["body_metrics"] == [
        {**document["body_metrics"][0], "measured_on": "2024-03-10", "weight_kg": 80.5, "waist_cm": 84.0}]
    assert [e["name"] for e in document["custom_exercises"]] == ["Sled push alice"]
    assert [(a["feature"], a["input_tokens"], a["output_tokens"]) for a in document["ai_usage"]] == [
        ("plan", 10, 20)]

    # Only Alice's data, and no secrets.
    assert "bob" not in text.lower()
    with db.read_only() as session:
        user = session.get(User, alice.user.id)
    assert user.password_hash and user.password_hash not in text
    assert "password_hash" not in text and "token_hash" not in text and alice.token not in text
    assert '"user_id"' not in text


def test_json_export_of_a_new_account_is_valid_and_mostly_empty():
    me = make_user()
    document = data_export.export_json(me.user.id)
    json.dumps(document)
    assert document["sessions"] == [] and document["plans"] == [] and document["custom_exercises"] == []
    assert document["fitness_profile"] is None
    assert document["ai_usage"] == []


def test_export_of_an_unknown_account_is_refused():
    with pytest.raises(NotFound):
        data_export.export_json(999)
    with pytest.raises(NotFound):
        data_export.export_sets_csv(999)


def _csv_rows(text):
    return list(csv.DictReader(io.StringIO(text)))


def test_csv_has_one_row_per_set_in_the_persons_zone_and_units():
    alice, bob = make_user("alice"), make_user("bob")
    profiles.update_profile(alice.user.id, {"units": "lb", "timezone": "Europe/Berlin"})
    fill_account(alice.user.id, "alice")
    fill_account(bob.user.id, "bob")
    log_session(alice.user.id, "Legs", STARTED + timedelta(days=2), {
        "barbell-back-squat": [(5, None, 100.0, None, True)]}, duration=2700)

    text = data_export.export_sets_csv(alice.user.id)
    rows = _csv_rows(text)
    assert tuple(rows[0].keys()) == data_export.CSV_COLUMNS

    with db.read_only() as session:
        stored = session.exec(select(WorkoutSet).where(WorkoutSet.user_id == alice.user.id)).all()
    assert len(rows) == len(stored) == 4
    assert sorted((r["exercise_id"], r["reps"], r["weight_kg"], r["set_type"]) for r in rows) == sorted(
        (s.exercise_id, "" if s.reps is None else str(s.reps), data_export._number(s.weight_kg), s.kind)
        for s in stored)

    first = rows[0]
    assert first["date"] == "2024-03-10 18:00"  # Berlin, not UTC
    assert first["session"] == "Push alice" and first["exercise"] == "Barbell bench press"
    assert first["set"] == "1" and first["reps"] == "8" and first["rpe"] == "8"
    assert first["weight_kg"] == "60" and first["unit"] == "lb" and first["weight"] == "132.3"
    assert first["done"] == "yes" and first["duration_min"] == "60" and first["intensity"] == "7"
    assert first["notes"] == "note alice" and first["exercise_notes"] == "barbell-bench-press note"
    sled = rows[2]
    assert sled["seconds"] == "30" and sled["reps"] == "" and sled["done"] == "no"
    assert rows[3]["date"] == "2024-03-12 18:00" and rows[3]["duration_min"] == "45"
    assert "bob" not in text.lower()


def test_csv_for_someone_without_sessions_is_just_the_header():
    me = make_user()
    assert _csv_rows(data_export.export_sets_csv(me.user.id)) == []
    assert data_export.export_sets_csv(me.user.id).startswith("date,session,exercise_id")


def test_csv_cells_cannot_run_as_spreadsheet_formulas():
    me = make_user()
    add_custom(me.user.id, "custom-1-evil", "@SUM(A1:A9)")
    log_session(me.user.id, '=HYPERLINK("http://example.com","x")', STARTED, {
        "custom-1-evil": [(5, None, 10.0, None, True)]}, note="+1 rep next time, -2 kg")
    [row] = _csv_rows(data_export.export_sets_csv(me.user.id))
    assert row["session"] == '\'=HYPERLINK("http://example.com","x")'
    assert row["exercise"] == "'@SUM(A1:A9)"
    assert row["notes"] == "'+1 rep next time, -2 kg"
    assert row["weight_kg"] == "10"  # numbers are left alone


@pytest.mark.parametrize(("text", "expected"), [
    ("=1+1", "'=1+1"), ("+44 123", "'+44 123"), ("-5", "'-5"), ("@x", "'@x"), ("\tx", "'\tx"),
    ("Bench", "Bench"), ("", ""), (None, ""), ("a=b", "a=b"),
])
def test_safe_cell(text, expected):
    assert data_export.safe_cell(text) == expected
