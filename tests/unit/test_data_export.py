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


# --- Vigor's own files import back, nothing lost ---------------------------------------------------


def fill_training(user_id):
    """Sets of every kind, a superset, a run and a treadmill run with distances, notes, a
    custom exercise, a set not done, and a coach conversation that speaks of a workout."""
    from vigor_app.models import CoachConversation, CoachMessage

    profiles.update_profile(user_id, {"timezone": "Europe/Berlin"})
    add_custom(user_id, f"custom-{user_id}-sled-push", "Sled push")
    with db.transaction() as session:
        push = WorkoutSession(user_id=user_id, name="Push, with a superset", status=SESSION_FINISHED,
                              started_at=STARTED.replace(microsecond=250_000), duration_seconds=3725,
                              ended_at=STARTED + timedelta(seconds=3725, microseconds=250_000),
                              note="Slept badly\nStill good", intensity=8, timezone="Europe/Berlin")
        run = WorkoutSession(user_id=user_id, name="=Long run", status=SESSION_FINISHED,
                             started_at=STARTED + timedelta(days=1), duration_seconds=1800,
                             ended_at=STARTED + timedelta(days=1, seconds=1800), timezone="America/New_York")
        session.add_all([push, run])
        session.flush()
        entries = [
            (push, "barbell-bench-press", 1, "Pause on the chest", [
                ("warmup", 10, None, 40.0, None, None, True), ("normal", 8, None, 80.0, None, 8.0, True),
                ("drop", 12, None, 60.0, None, 9.5, True), ("failure", 6, None, 80.0, None, 10.0, True),
                ("normal", 8, None, 80.0, None, None, False)]),
            (push, "barbell-row", 1, "", [("normal", 10, None, 70.0, None, 8.5, True)]),
            (push, f"custom-{user_id}-sled-push", None, "-heavy", [("normal", None, 30, 120.0, None, None, True)]),
            (run, "running", None, "Negative split", [("normal", None, 1530, None, 5000.0, None, True)]),
            (run, "treadmill-run", None, "", [("normal", None, 270, None, 1200.0, 6.0, True)]),
        ]
        for position, (workout, exercise_id, superset, note, sets) in enumerate(entries):
            entry = SessionExercise(session_id=workout.id, user_id=user_id, exercise_id=exercise_id,
                                    position=position * 2, note=note, superset=superset, target_sets=3,
                                    target_reps="8-10", target_rpe=8.5, rest_seconds=150)
            session.add(entry)
            session.flush()
            for index, (kind, reps, seconds, weight, metres, rpe, done) in enumerate(sets):
                session.add(WorkoutSet(
                    session_exercise_id=entry.id, session_id=workout.id, user_id=user_id, exercise_id=exercise_id,
                    position=index, kind=kind, reps=reps, seconds=seconds, weight_kg=weight, distance_m=metres,
                    rpe=rpe, done=done,
                    completed_at=workout.started_at + timedelta(minutes=index + 1, microseconds=7) if done else None))
        talk = CoachConversation(user_id=user_id, title="How was my push day?",
                                 created_at=STARTED + timedelta(hours=2, microseconds=31),
                                 updated_at=STARTED + timedelta(hours=3))
        session.add(talk)
        session.flush()
        session.add_all([
            CoachMessage(conversation_id=talk.id, user_id=user_id, role="user", content="How was it?",
                         created_at=STARTED + timedelta(hours=2, minutes=1)),
            CoachMessage(conversation_id=talk.id, user_id=user_id, role="assistant", kind="analysis",
                         content="Strong work: **80 kg** for 8.", engine="builtin", notice="No AI provider",
                         session_id=push.id, created_at=STARTED + timedelta(hours=2, minutes=2)),
        ])


def _comparable(document):
    """The parts of a JSON export an import brings back, without the ids the database hands
    out and the sessions' own creation times."""
    names = {s["id"]: s["name"] for s in document["sessions"]}
    sessions = []
    for doc in document["sessions"]:
        doc = {k: v for k, v in doc.items() if k not in ("id", "created_at", "updated_at")}
        doc["exercises"] = [
            {**{k: v for k, v in entry.items() if k != "id"},
             "exercise_id": entry["exercise_name"] if entry["exercise_id"].startswith("custom-") else entry["exercise_id"],
             "sets": [{k: v for k, v in s.items() if k != "id"} for s in entry["sets"]]}
            for entry in doc["exercises"]]
        sessions.append(doc)
    talks = [{**{k: v for k, v in talk.items() if k != "id"},
              "messages": [{**{k: v for k, v in m.items() if k not in ("id", "session_id")},
                            "session": names.get(m["session_id"])} for m in talk["messages"]]}
             for talk in document["coach_conversations"]]
    return sessions, talks, [e["name"] for e in document["custom_exercises"]]


def test_the_json_export_holds_coach_conversations_distances_and_supersets():
    me = make_user()
    fill_training(me.user.id)
    document = data_export.export_json(me.user.id)
    [talk] = document["coach_conversations"]
    assert talk["title"] == "How was my push day?"
    assert [(m["role"], m["kind"], m["content"]) for m in talk["messages"]] == [
        ("user", "chat", "How was it?"), ("assistant", "analysis", "Strong work: **80 kg** for 8.")]
    assert talk["messages"][1]["session_id"] == document["sessions"][0]["id"]
    push, run = document["sessions"]
    assert [e["superset"] for e in push["exercises"]] == [1, 1, None]
    assert [s["distance_m"] for e in run["exercises"] for s in e["sets"]] == [5000.0, 1200.0]


def test_the_csv_export_holds_distances_supersets_and_exact_times():
    me = make_user()
    fill_training(me.user.id)
    rows = _csv_rows(data_export.export_sets_csv(me.user.id))
    assert tuple(rows[0]) == data_export.CSV_COLUMNS
    bench = rows[0]
    assert (bench["superset"], bench["exercise_position"], bench["set_type"]) == ("1", "1", "warmup")
    assert bench["started_at"] == "2024-03-10T17:00:00.250000+00:00" and bench["timezone"] == "Europe/Berlin"
    assert bench["duration_seconds"] == "3725"
    run = next(r for r in rows if r["exercise_id"] == "running")
    assert (run["distance_m"], run["distance"], run["distance_unit"], run["seconds"]) == ("5000", "5", "km", "1530")
    assert run["session"] == "'=Long run"


def test_the_json_export_imports_back_into_a_fresh_account_with_nothing_lost(sqlite_and_postgres):
    from vigor_app.services.your_data.importer import import_csv

    alice, bob = make_user("alice"), make_user("bob")
    fill_training(alice.user.id)
    exported = data_export.export_json(alice.user.id)
    report = import_csv(bob.user.id, json.dumps(exported).encode())
    assert (report.format, report.sessions, report.sets, report.conversations) == ("vigor-json", 2, 9, 1)
    assert report.custom_exercises == 1
    again = data_export.export_json(bob.user.id)
    assert _comparable(again) == _comparable(exported)
    assert again["sessions"][0]["exercises"][2]["exercise_id"] == f"custom-{bob.user.id}-sled-push"

    twice = import_csv(bob.user.id, json.dumps(exported))
    assert (twice.sessions, twice.skipped_sessions, twice.conversations, twice.skipped_conversations) == (0, 2, 0, 1)
    assert _comparable(data_export.export_json(bob.user.id)) == _comparable(exported)


def test_the_csv_export_imports_back_into_a_fresh_account_with_nothing_lost():
    from vigor_app.services.your_data.importer import import_csv

    alice, bob = make_user("alice"), make_user("bob")
    fill_training(alice.user.id)
    profiles.update_profile(bob.user.id, {"timezone": "Asia/Tokyo"})  # the file says each session's zone
    exported = data_export.export_sets_csv(alice.user.id)
    report = import_csv(bob.user.id, exported)
    assert (report.format, report.sessions, report.sets, report.custom_exercises) == ("vigor-csv", 2, 9, 1)
    profiles.update_profile(bob.user.id, {"timezone": "Europe/Berlin"})  # the date column is in this zone
    again = data_export.export_sets_csv(bob.user.id)
    assert again == exported.replace(f"custom-{alice.user.id}-", f"custom-{bob.user.id}-")
    assert import_csv(bob.user.id, exported).skipped_sessions == 2
    assert data_export.export_sets_csv(bob.user.id) == again


def test_a_vigor_csv_from_before_the_new_columns_still_imports():
    from vigor_app.services.your_data.importer import import_csv

    alice, bob = make_user("alice"), make_user("bob")
    fill_training(alice.user.id)
    profiles.update_profile(bob.user.id, {"timezone": "Europe/Berlin"})
    old = data_export.CSV_COLUMNS[:data_export.CSV_COLUMNS.index("distance_m")]
    rows = _csv_rows(data_export.export_sets_csv(alice.user.id))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=old, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    report = import_csv(bob.user.id, out.getvalue())
    assert (report.format, report.sessions, report.sets) == ("vigor-csv", 2, 9)
    with db.read_only() as session:
        starts = session.exec(select(WorkoutSession.started_at).where(WorkoutSession.user_id == bob.user.id)
                              .order_by(WorkoutSession.started_at)).all()
    assert starts[0] == STARTED  # 18:00 in Berlin, the person's zone; to the minute


def test_a_tampered_vigor_csv_names_its_line_and_imports_nothing():
    from vigor_app.services.errors import FileError
    from vigor_app.services.your_data.importer import import_csv

    alice, bob = make_user("alice"), make_user("bob")
    fill_training(alice.user.id)
    lines = data_export.export_sets_csv(alice.user.id).split("\r\n")
    cells = next(csv.reader([lines[3]]))
    cells[data_export.CSV_COLUMNS.index("weight_kg")] = "eighty"
    lines[3] = ",".join(f'"{c}"' for c in cells)
    with pytest.raises(FileError) as refused:
        import_csv(bob.user.id, "\r\n".join(lines))
    # The session's two-line note puts each row before it on two lines: the fourth row is line 6.
    assert refused.value.line == 6 and 'Line 6: weight_kg must be a number, not "eighty"' in refused.value.message
    with db.read_only() as session:
        assert session.exec(select(WorkoutSession).where(WorkoutSession.user_id == bob.user.id)).all() == []


@pytest.mark.parametrize(("change", "words"), [
    (lambda d: d.update(format="strong-export"), "not a Vigor export"),
    (lambda d: d["sessions"][0]["exercises"][0]["sets"][1].update(reps="8; DROP TABLE"), "Session 1, exercise 1, set 2: reps"),
    (lambda d: d["sessions"][1].update(timezone="Mars/Olympus"), "Session 2: \"Mars/Olympus\" is not a time zone"),
    (lambda d: d["sessions"][0]["exercises"][1]["sets"][0].update(kind="giant"), "is not a set type"),
    (lambda d: d["sessions"][0].update(started_at="2999-01-01T00:00:00+00:00"), "in the future"),
    (lambda d: d["sessions"][0].update(started_at="0001-01-01T00:00:00+05:00"), "before 1900"),
    (lambda d: d["sessions"][1].update(ended_at="9999-12-31T23:59:59-05:00"), "before 1900 or in the future"),
    (lambda d: d["coach_conversations"][0]["messages"][0].update(content="hi\x00"), "control characters"),
    (lambda d: d["coach_conversations"][0]["messages"][1].update(role="system"), "Conversation 1, message 2: role"),
    (lambda d: d.update(sessions={"a": 1}), "sessions must be a list"),
])
def test_a_tampered_json_export_is_refused_whole(change, words):
    from vigor_app.models import CoachConversation
    from vigor_app.services.errors import FileError
    from vigor_app.services.your_data.importer import import_csv

    alice, bob = make_user("alice"), make_user("bob")
    fill_training(alice.user.id)
    document = data_export.export_json(alice.user.id)
    change(document)
    with pytest.raises(FileError) as refused:
        import_csv(bob.user.id, json.dumps(document))
    assert words in refused.value.message and refused.value.line is None
    with db.read_only() as session:
        assert session.exec(select(WorkoutSession).where(WorkoutSession.user_id == bob.user.id)).all() == []
        assert session.exec(select(CoachConversation).where(CoachConversation.user_id == bob.user.id)).all() == []


def test_the_json_export_names_the_devices_that_get_notifications_without_their_address_or_keys():
    from tests.unit.test_push_subscriptions import _subscription
    from vigor_app.services.notifications import subscriptions

    alice, bob = make_user("alice"), make_user("bob")
    mine = _subscription("https://push.example.com/alice-phone")
    subscriptions.subscribe(alice.user.id, mine, user_agent="Mozilla/5.0 (Linux; Android 14) Chrome/131.0")
    subscriptions.subscribe(bob.user.id, _subscription("https://push.example.com/bob-laptop"))
    document = data_export.export_json(alice.user.id)
    [device] = document["account"]["notification_devices"]
    assert device["device"] == "Chrome on Android" and device["created_at"] and device["last_used_at"] is None
    text = json.dumps(document)
    assert "push.example.com" not in text and mine["keys"]["p256dh"] not in text and mine["keys"]["auth"] not in text
