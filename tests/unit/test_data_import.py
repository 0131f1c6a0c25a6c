import asyncio
import io
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import event, func, insert
from sqlmodel import select

from tests.factories import make_user
from vigor_app import db
from vigor_app.models import Exercise, SessionExercise, WorkoutSession, WorkoutSet
from vigor_app.models.workout import SESSION_FINISHED
from vigor_app.services.catalogue import catalogue, exercise_names
from vigor_app.services.catalogue.exercise_names import match_exercise
from vigor_app.services.errors import NotFound, ValidationError
from vigor_app.services.plans import profiles
from vigor_app.services.your_data import import_files
from vigor_app.services.your_data import importer as data_import
from vigor_app.services.your_data.importer import import_csv

pytestmark = pytest.mark.usefixtures("database")

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
NOW = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)


def sample(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def counts() -> tuple[int, int, int, int]:
    with db.read_only() as session:
        return tuple(session.exec(select(func.count()).select_from(model)).one()
                     for model in (WorkoutSession, SessionExercise, WorkoutSet, Exercise))


def sessions_of(user_id):
    with db.read_only() as session:
        rows = session.exec(select(WorkoutSession).where(WorkoutSession.user_id == user_id)
                            .order_by(WorkoutSession.started_at)).all()
        result = []
        for row in rows:
            entries = session.exec(select(SessionExercise).where(SessionExercise.session_id == row.id)
                                   .order_by(SessionExercise.position)).all()
            sets = {e.id: session.exec(select(WorkoutSet).where(WorkoutSet.session_exercise_id == e.id)
                                       .order_by(WorkoutSet.position)).all() for e in entries}
            result.append((row, [(e, sets[e.id]) for e in entries]))
        return result


def test_strong_sample_imports_with_names_matched_and_unknowns_kept_as_custom():
    me = make_user()
    report = import_csv(me.user.id, sample("strong_kg.csv"), weight_unit="kg", now=NOW)

    assert report.source == "strong"
    assert (report.sessions, report.sets, report.custom_exercises, report.skipped_sessions) == (2, 12, 1, 0)
    assert report.matched == {
        "Bench Press (Barbell)": "barbell-bench-press",
        "Overhead Press (Barbell)": "barbell-overhead-press",
        "Plank": "forearm-plank",
        "Squat (Barbell)": "barbell-back-squat",
        "Romanian Deadlift (Barbell)": "barbell-romanian-deadlift",
    }
    custom_id = report.custom["Tyre Flip Walkout (Sandbag)"]
    assert custom_id == f"custom-{me.user.id}-tyre-flip-walkout-sandbag"

    with db.read_only() as session:
        custom = session.get(Exercise, custom_id)
    assert custom.is_custom and custom.owner_user_id == me.user.id
    assert custom.name == "Tyre Flip Walkout (Sandbag)"
    assert (custom.pattern, custom.level) == ("core", "beginner")
    assert custom.details["placeholders"] == ["pattern", "level"] and "placeholder" in custom.details["note"]

    push, legs = sessions_of(me.user.id)
    row, entries = push
    assert row.name == "Morning Push" and row.status == SESSION_FINISHED
    assert row.started_at == datetime(2024, 1, 15, 7, 30, tzinfo=UTC)
    assert row.duration_seconds == 3900 and row.ended_at == datetime(2024, 1, 15, 8, 35, tzinfo=UTC)
    assert row.note == "Felt strong; slept well" and row.timezone == "UTC"
    assert [e.exercise_id for e, _ in entries] == [
        "barbell-bench-press", "barbell-overhead-press", "forearm-plank", custom_id]
    bench_entry, bench_sets = entries[0]
    assert bench_entry.note == "Last set slow"
    assert [(s.position, s.reps, s.weight_kg, s.rpe) for s in bench_sets] == [
        (0, 8, 60.0, None), (1, 8, 62.5, 8.0), (2, 7, 62.5, 9.0)]
    assert all(s.done and s.completed_at is not None for _, sets in entries for s in sets)
    completed = [s.completed_at for _, sets in entries for s in sets]
    assert completed == sorted(completed) and completed[-1] == row.ended_at
    [plank] = entries[2][1]
    assert (plank.reps, plank.seconds, plank.weight_kg) == (None, 60, None)  # Strong's zeros dropped

    row, entries = legs
    assert row.duration_seconds == 2700
    squat_sets = entries[0][1]
    assert [s.weight_kg for s in squat_sets] == [80.0, 80.0, 85.0]  # the rest-timer row is no set
    assert squat_sets[2].rpe == 7.5


def test_strong_weights_in_pounds_are_stored_in_kilograms():
    me = make_user()
    report = import_csv(me.user.id, sample("strong_lb.csv"), weight_unit="lb", now=NOW)
    assert (report.sessions, report.sets) == (1, 4)
    assert report.matched == {"Bench Press (Barbell)": "barbell-bench-press",
                              "Lat Pulldown (Cable)": "lat-pulldown"}
    [(row, entries)] = sessions_of(me.user.id)
    assert [s.weight_kg for _, sets in entries for s in sets] == [61.23, 70.31, 45.36, 45.36]
    assert entries[1][0].note == "Wide grip, slow"


def test_strong_weight_unit_defaults_to_the_persons_units():
    me = make_user()
    profiles.update_profile(me.user.id, {"units": "lb"})
    import_csv(me.user.id, sample("strong_lb.csv"), now=NOW)
    [(row, entries)] = sessions_of(me.user.id)
    assert entries[0][1][0].weight_kg == 61.23


def test_a_weight_unit_column_overrides_the_default_per_row():
    me = make_user()
    text = ("Date;Workout Name;Duration;Exercise Name;Set Order;Weight;Weight Unit;Reps\n"
            "2024-01-15 07:30:00;A;30m;Push Up;1;10;lbs;10\n"
            "2024-01-15 07:30:00;A;30m;Push Up;2;10;kg;10\n")
    import_csv(me.user.id, text, weight_unit="kg", now=NOW)
    [(row, entries)] = sessions_of(me.user.id)
    assert [s.weight_kg for s in entries[0][1]] == [4.54, 10.0]


def test_hevy_sample_imports():
    me = make_user()
    report = import_csv(me.user.id, sample("hevy.csv"), now=NOW)
    assert report.source == "hevy"
    assert (report.sessions, report.sets, report.custom_exercises) == (2, 12, 1)
    assert report.matched == {
        "Deadlift (Barbell)": "barbell-deadlift",
        "Pull Up": "pull-up",
        "Bicep Curl (Dumbbell)": "dumbbell-biceps-curl",
        "Plank": "forearm-plank",
        "Hanging Leg Raise": "hanging-leg-raise",
        "Russian Twist": "russian-twist",
    }
    assert list(report.custom) == ["Sled Push Relay"]

    pull, core = sessions_of(me.user.id)
    row, entries = pull
    assert row.name == "Pull Day" and row.note == "Back and biceps"
    assert row.started_at == datetime(2024, 1, 15, 7, 30, tzinfo=UTC) and row.duration_seconds == 70 * 60
    assert [(s.reps, s.weight_kg, s.rpe) for s in entries[0][1]] == [(5, 60.0, None), (5, 100.0, 8.0),
                                                                    (3, 110.0, 9.0)]
    assert [(s.reps, s.weight_kg) for s in entries[1][1]] == [(8, None), (6, None)]
    assert entries[2][0].note == "Slow on the way down" and entries[2][1][0].rpe == 7.5
    assert entries[3][1][0].seconds == 45
    with db.read_only() as session:
        sled = session.get(Exercise, report.custom["Sled Push Relay"])
    assert sled.details["imported_from"] == "hevy"
    assert core[0].duration_seconds == 35 * 60 and core[0].note == ""


def test_hevy_weight_in_pounds_column():
    me = make_user()
    text = ("title,start_time,end_time,exercise_title,set_index,weight_lbs,reps\n"
            "Arms,\"15 Jan 2024, 07:30\",\"15 Jan 2024, 08:00\",Hammer Curl (Dumbbell),0,25,12\n")
    report = import_csv(me.user.id, text, now=NOW)
    assert report.matched == {"Hammer Curl (Dumbbell)": "hammer-curl"}
    [(row, entries)] = sessions_of(me.user.id)
    assert entries[0][1][0].weight_kg == 11.34


def test_local_times_are_read_in_the_persons_time_zone():
    me = make_user()
    profiles.update_profile(me.user.id, {"timezone": "America/New_York"})
    text = sample("strong_kg.csv").replace("2024-01-17 18:00:00", "2024-07-17 18:00:00")
    import_csv(me.user.id, text, weight_unit="kg", now=NOW.replace(month=8))
    winter, summer = (row for row, _ in sessions_of(me.user.id))
    assert winter.started_at == datetime(2024, 1, 15, 12, 30, tzinfo=UTC)  # EST, UTC-5
    assert summer.started_at == datetime(2024, 7, 17, 22, 0, tzinfo=UTC)  # EDT, UTC-4
    assert winter.timezone == "America/New_York"


def test_importing_the_same_file_twice_skips_what_is_already_there():
    me = make_user()
    import_csv(me.user.id, sample("strong_kg.csv"), weight_unit="kg", now=NOW)
    before = counts()
    again = import_csv(me.user.id, sample("strong_kg.csv"), weight_unit="kg", now=NOW)
    assert (again.sessions, again.sets, again.custom_exercises, again.skipped_sessions) == (0, 0, 0, 2)
    assert counts() == before


def test_a_file_overlapping_an_earlier_import_adds_only_the_new_sessions():
    me = make_user()
    text = sample("strong_kg.csv")
    first_session_only = "\n".join(line for line in text.splitlines() if "Leg Day" not in line)
    import_csv(me.user.id, first_session_only, weight_unit="kg", now=NOW)
    report = import_csv(me.user.id, text, weight_unit="kg", now=NOW)
    assert (report.sessions, report.sets, report.skipped_sessions) == (1, 5, 1)
    assert len(sessions_of(me.user.id)) == 2


def test_custom_exercises_are_reused_not_duplicated():
    me = make_user()
    first = import_csv(me.user.id, sample("strong_kg.csv"), weight_unit="kg", now=NOW)
    moved = sample("strong_kg.csv").replace("2024-01-15", "2024-02-15").replace("2024-01-17", "2024-02-17")
    second = import_csv(me.user.id, moved, weight_unit="kg", now=NOW)
    assert second.custom_exercises == 0 and second.custom == first.custom
    with db.read_only() as session:
        mine = session.exec(select(Exercise).where(Exercise.owner_user_id == me.user.id)).all()
    assert len(mine) == 1


def test_duplicate_detection_and_custom_exercises_are_per_person():
    alice, bob = make_user("alice"), make_user("bob")
    a = import_csv(alice.user.id, sample("hevy.csv"), now=NOW)
    b = import_csv(bob.user.id, sample("hevy.csv"), now=NOW)
    assert (b.sessions, b.skipped_sessions, b.custom_exercises) == (2, 0, 1)
    assert a.custom["Sled Push Relay"] != b.custom["Sled Push Relay"]
    assert len(sessions_of(alice.user.id)) == len(sessions_of(bob.user.id)) == 2


@pytest.mark.parametrize(("line_number", "old", "new", "words"), [
    (4, "2024-01-15 07:30:00", "2024-15-01 07:30:00", "date"),
    (3, ";8;0;0;", ";-8;0;0;", "Reps cannot be negative"),
    (5, ";40;6;", ";800;6;", "more than 700 kg"),
    (4, ";Last set slow;\"Felt strong; slept well\";9", ";Last set slow;\"Felt strong; slept well\";11",
     "RPE"),
    (6, ";40;6;", ";40;six;", "Reps must be a number"),
    (9, ";80;5;", ";eighty;5;", "Weight must be a number"),
    (2, ";1h 5m;", ";soon;", "duration"),
])
def test_a_bad_row_is_named_by_line_and_nothing_is_imported(line_number, old, new, words):
    me = make_user()
    lines = sample("strong_kg.csv").splitlines()
    assert old in lines[line_number - 1]
    lines[line_number - 1] = lines[line_number - 1].replace(old, new, 1)
    before = counts()
    with pytest.raises(ValidationError) as caught:
        import_csv(me.user.id, "\n".join(lines), weight_unit="kg", now=NOW)
    assert caught.value.field == "file"
    assert f"Line {line_number}:" in caught.value.message and words in caught.value.message
    assert "Nothing was imported" in caught.value.message
    assert counts() == before


def test_a_weight_over_700_kg_after_converting_pounds_is_refused():
    me = make_user()
    text = sample("strong_lb.csv").replace(",155,8,", ",1600,8,")
    with pytest.raises(ValidationError, match="Line 3: Weight 1600 lb is more than 700 kg"):
        import_csv(me.user.id, text, weight_unit="lb", now=NOW)
    assert import_csv(me.user.id, text.replace(",1600,", ",1500,"), weight_unit="lb", now=NOW).sets == 4


def test_line_numbers_count_lines_inside_quoted_notes():
    me = make_user()
    text = ("Date,Workout Name,Duration,Exercise Name,Set Order,Weight,Reps\n"
            "2024-01-15 07:30:00,\"A\",30m,Push Up,1,,10\n"
            "2024-01-15 07:30:00,\"Two\nline name\",30m,Push Up,2,,10\n"
            "2024-01-15 07:30:00,A,30m,Push Up,3,,-1\n")
    with pytest.raises(ValidationError, match="Line 5:"):
        import_csv(me.user.id, text, now=NOW)


def test_several_bad_rows_are_all_named():
    me = make_user()
    text = sample("hevy.csv").replace(",0,warmup,60,5,", ",0,warmup,60,-5,").replace(",1,normal,,10,", ",1,normal,,x,")
    with pytest.raises(ValidationError) as caught:
        import_csv(me.user.id, text, now=NOW)
    assert "Line 2:" in caught.value.message and "Line 11:" in caught.value.message


def test_a_row_with_more_cells_than_the_header_is_refused():
    me = make_user()
    text = sample("strong_lb.csv").replace(",,,8\n", ",,,8,extra\n")
    with pytest.raises(ValidationError, match="Line 3: it has 13 columns"):
        import_csv(me.user.id, text, weight_unit="lb", now=NOW)


@pytest.mark.parametrize(("text", "words"), [
    ("", "empty"),
    ("   \n\n", "empty"),
    ("name,weight,reps\nBench,60,5\n", "does not look like a Strong, Hevy or Vigor export"),
    ("Date;Workout Name;Duration;Exercise Name;Set Order;Weight;Reps\n", "no workouts"),
])
def test_empty_files_and_wrong_headers_are_refused(text, words):
    me = make_user()
    with pytest.raises(ValidationError, match=words) as caught:
        import_csv(me.user.id, text, now=NOW)
    assert caught.value.field == "file"


def test_a_file_said_to_be_from_one_app_but_from_the_other_is_refused():
    me = make_user()
    with pytest.raises(ValidationError, match="not a Strong export.*Exercise Name|not a Strong export"):
        import_csv(me.user.id, sample("hevy.csv"), source="strong", now=NOW)
    with pytest.raises(ValidationError, match="not a Hevy export"):
        import_csv(me.user.id, sample("strong_kg.csv"), source="hevy", now=NOW)
    assert import_csv(me.user.id, sample("hevy.csv"), source="hevy", now=NOW).sessions == 2


def test_files_over_5_mb_are_refused():
    me = make_user()
    header = sample("strong_lb.csv").splitlines()[0]
    text = header + "\n" + "x" * (5 * 1024 * 1024)
    with pytest.raises(ValidationError, match="5 MB"):
        import_csv(me.user.id, text, now=NOW)


def test_files_over_the_row_limit_are_refused(monkeypatch):
    me = make_user()
    monkeypatch.setattr(import_files, "MAX_ROWS", 3)
    with pytest.raises(ValidationError, match="more than 3 rows"):
        import_csv(me.user.id, sample("strong_lb.csv"), weight_unit="lb", now=NOW)
    assert counts()[0] == 0


def test_fifty_thousand_rows_are_the_limit():
    me = make_user()
    row = "2024-01-15 07:30:00,A,30m,Push Up,1,,10\n"
    text = "Date,Workout Name,Duration,Exercise Name,Set Order,Weight,Reps\n" + row * 50_001
    with pytest.raises(ValidationError, match="more than 50,000 rows"):
        import_csv(me.user.id, text, now=NOW)


def test_workouts_in_the_future_are_refused():
    me = make_user()
    with pytest.raises(ValidationError, match="Line 2: the workout on 2024-01-15 07:30 is in the future"):
        import_csv(me.user.id, sample("strong_kg.csv"), weight_unit="kg",
                   now=datetime(2024, 1, 1, tzinfo=UTC))


def test_bytes_with_a_byte_order_mark_are_read():
    me = make_user()
    data = b"\xef\xbb\xbf" + sample("hevy.csv").encode("utf-8")
    assert import_csv(me.user.id, data, now=NOW).sessions == 2


def test_bad_parameters_are_refused():
    me = make_user()
    with pytest.raises(ValidationError) as caught:
        import_csv(me.user.id, sample("hevy.csv"), source="fitbod", now=NOW)
    assert caught.value.field == "source"
    with pytest.raises(ValidationError) as caught:
        import_csv(me.user.id, sample("strong_kg.csv"), weight_unit="stone", now=NOW)
    assert caught.value.field == "weight_unit"
    with pytest.raises(NotFound):
        import_csv(999, sample("hevy.csv"), now=NOW)


@pytest.mark.parametrize(("name", "expected"), [
    ("Barbell bench press", "barbell-bench-press"),
    ("BARBELL BENCH PRESS", "barbell-bench-press"),
    ("Bench Press (Barbell)", "barbell-bench-press"),
    ("Bent Over Row (Barbell)", "barbell-row"),
    ("Squat (Barbell)", "barbell-back-squat"),
    ("Push Ups", "push-up"),
    ("Pull-up", "pull-up"),
    ("Pullup", "pull-up"),
    ("Lat Pulldown (Cable)", "lat-pulldown"),
    ("Seated Row (Cable)", "seated-cable-row"),
    ("Lying Leg Curl (Machine)", "lying-leg-curl"),
    ("Triceps Pushdown (Cable - Straight Bar)", "triceps-pushdown"),
    ("Farmer's Walk", "farmer-carry"),
    ("Crunches", "crunch"),
    ("Hip Thrust (Bodyweight)", "bench-hip-thrust"),
    ("Lat Pulldown (Barbell)", None),  # the equipment does not fit
    ("Pull Up (Assisted)", None),
    ("Zottman Curl", None),
    ("", None),
])
def test_match_exercise(name, expected):
    assert match_exercise(name) == expected


def test_every_alias_points_at_a_catalogue_exercise():
    ids = {e.id for e in catalogue.all_exercises()}
    assert set(exercise_names.ALIASES.values()) <= ids


# --- what one import may create, and how long it holds the write lock -------------------------


def _strong_file(names: list[str], sets_each: int = 1, day: str = "2024-01-15") -> str:
    rows = [f"{day} 07:30:00,A,30m,{name},{i + 1},20,8" for name in names for i in range(sets_each)]
    return "Date,Workout Name,Duration,Exercise Name,Set Order,Weight,Reps\n" + "\n".join(rows) + "\n"


def _own_exercises(user_id: int) -> int:
    with db.read_only() as session:
        return session.exec(select(func.count()).select_from(Exercise)
                            .where(Exercise.owner_user_id == user_id)).one()


def test_one_import_may_create_at_most_200_custom_exercises():
    me = make_user()
    names = [f"Zorblax Move {n:03d}" for n in range(data_import.MAX_NEW_CUSTOM_EXERCISES + 1)]
    before = counts()
    with pytest.raises(ValidationError, match="at most 200 exercises of your own") as caught:
        import_csv(me.user.id, _strong_file(names), now=NOW)
    assert caught.value.field == "file" and "Nothing was imported" in caught.value.message
    assert counts() == before
    report = import_csv(me.user.id, _strong_file(names[:-1]), now=NOW)
    assert report.custom_exercises == 200 and _own_exercises(me.user.id) == 200


def test_a_person_may_have_at_most_1000_custom_exercises():
    me = make_user()
    with db.transaction() as session:
        session.execute(insert(Exercise.__table__), [
            {"id": f"custom-{me.user.id}-old-{n}", "name": f"Old move {n}", "pattern": "core", "level": "beginner",
             "details": {}, "is_custom": True, "owner_user_id": me.user.id, "retired": False, "updated_at": NOW}
            for n in range(data_import.MAX_CUSTOM_EXERCISES - 10)])
    names = [f"Zorblax Move {n:03d}" for n in range(11)]
    before = counts()
    with pytest.raises(ValidationError, match="at most 1,000, so this import may add 10"):
        import_csv(me.user.id, _strong_file(names), now=NOW)
    assert counts() == before
    assert import_csv(me.user.id, _strong_file(names[:10]), now=NOW).custom_exercises == 10
    assert _own_exercises(me.user.id) == data_import.MAX_CUSTOM_EXERCISES


def test_the_write_is_a_few_bulk_statements_whatever_the_file_holds():
    """Parsing and matching happen before the write transaction; inside it, a handful of
    statements (no query per name or per row), so the write lock is held only a moment."""
    me = make_user()
    text = _strong_file([f"Zorblax Move {n:03d}" for n in range(150)] + ["Bench Press (Barbell)"], sets_each=20)
    statements: list[str] = []

    def seen(_conn, _cursor, statement, *_args):
        statements.append(statement)

    engine = db.get_engine()
    event.listen(engine, "before_cursor_execute", seen)
    try:
        report = import_csv(me.user.id, text, now=NOW)
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    assert (report.sessions, report.sets, report.custom_exercises) == (1, 151 * 20, 150)
    writes = [s for s in statements if s.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))]
    assert len(writes) == 4  # exercises, sessions, their exercises, sets: one statement each
    assert len(statements) <= 15


@pytest.mark.parametrize(("date", "words"), [
    ("0001-01-01 07:30:00", "Line 2: the workout on 0001-01-01 is before 1900"),
    ("1899-12-31 23:00:00", "Line 2: the workout on 1899-12-31 is before 1900"),
    ("9999-12-31 23:59:00", "Line 2: the workout on 9999-12-31 23:59 is in the future"),
])
@pytest.mark.parametrize("zone", ["Asia/Tokyo", "Pacific/Kiritimati", "America/Los_Angeles"])
def test_dates_outside_1900_to_tomorrow_are_a_row_error_not_a_crash(date, words, zone):
    me = make_user()
    profiles.update_profile(me.user.id, {"timezone": zone})
    text = _strong_file(["Push Up"], day=date.split()[0]).replace("07:30:00", date.split()[1])
    before = counts()
    with pytest.raises(ValidationError, match=words) as caught:
        import_csv(me.user.id, text, now=NOW)
    assert caught.value.field == "file"
    assert counts() == before


class CountingUpload:
    """A file-like upload of `size` bytes that are made up as they are read, counting them."""

    def __init__(self, size: int, *, say_size: bool = False) -> None:
        self.left, self.read_bytes = size, 0
        self.size = size if say_size else None

    async def read(self, size: int = -1) -> bytes:
        size = self.left if size < 0 else min(size, self.left)
        self.left -= size
        self.read_bytes += size
        return b"x" * size


def test_an_oversized_upload_is_refused_without_reading_it_all():
    upload = CountingUpload(200 * 1024 * 1024)
    with pytest.raises(ValidationError, match="5 MB") as caught:
        asyncio.run(import_files.read_upload(upload))
    assert caught.value.field == "file"
    assert upload.read_bytes == import_files.MAX_BYTES + 1  # the limit and one byte, no more
    told = CountingUpload(200 * 1024 * 1024, say_size=True)
    with pytest.raises(ValidationError, match="200.0 MB"):
        asyncio.run(import_files.read_upload(told))
    assert told.read_bytes == 0  # its size said enough
    exact = CountingUpload(import_files.MAX_BYTES)
    assert len(asyncio.run(import_files.read_upload(exact))) == import_files.MAX_BYTES
    assert asyncio.run(import_files.read_upload(io.BytesIO(b"a,b\n1,2\n"))) == b"a,b\n1,2\n"


def test_set_types_are_kept_and_warm_ups_do_not_count_toward_volume():
    from vigor_app.services.training import workout_history

    me = make_user()
    text = ("Date;Workout Name;Duration;Exercise Name;Set Order;Weight;Reps\n"
            "2024-01-15 07:30:00;A;45m;Squat (Barbell);W;60;5\n"
            "2024-01-15 07:30:00;A;45m;Squat (Barbell);W;80;3\n"
            "2024-01-15 07:30:00;A;45m;Squat (Barbell);1;100;5\n"
            "2024-01-15 07:30:00;A;45m;Squat (Barbell);2;100;5\n"
            "2024-01-15 07:30:00;A;45m;Squat (Barbell);D;80;8\n"
            "2024-01-15 07:30:00;A;45m;Squat (Barbell);F;70;12\n")
    import_csv(me.user.id, text, weight_unit="kg", now=NOW)
    [(row, entries)] = sessions_of(me.user.id)
    assert [s.kind for s in entries[0][1]] == ["warmup", "warmup", "normal", "normal", "drop", "failure"]
    [item] = workout_history.history(me.user.id).items
    assert (item.sets, item.volume_kg) == (4, 100 * 5 * 2 + 80 * 8 + 70 * 12)  # 540 kg of warm-ups left out

    hevy = make_user("hevy-lifter")
    import_csv(hevy.user.id, sample("hevy.csv"), now=NOW)
    deadlift = next(sets for entry, sets in sessions_of(hevy.user.id)[0][1] if entry.exercise_id == "barbell-deadlift")
    assert [(s.kind, s.weight_kg) for s in deadlift] == [("warmup", 60), ("normal", 100), ("normal", 110)]


def test_an_unknown_hevy_set_type_names_its_line_and_imports_nothing():
    me = make_user()
    text = sample("hevy.csv").replace(",1,normal,100,5,", ",1,superset,100,5,", 1)
    with pytest.raises(ValidationError) as refused:
        import_csv(me.user.id, text, now=NOW)
    assert "Line 3" in refused.value.message and "set type" in refused.value.message
    assert sessions_of(me.user.id) == []


# --- every column of Strong's and Hevy's files ------------------------------------------------

STRONG_EVERY_COLUMN = (
    "Date;Workout Name;Duration;Exercise Name;Set Order;Weight;Reps;Distance;Seconds;Notes;Workout Notes;RPE\n"
    "2024-01-15 07:30:00;Legs and a run;1h 10m;Squat (Barbell);W;60;5;0;0;;;\n"
    "2024-01-15 07:30:00;Legs and a run;1h 10m;Squat (Barbell);Rest Timer;0;0;0;120;;;\n"
    "2024-01-15 07:30:00;Legs and a run;1h 10m;Squat (Barbell);1;100;5;0;0;Knees out;Felt strong;8\n"
    "2024-01-15 07:30:00;Legs and a run;1h 10m;Squat (Barbell);D;80;8;0;0;Knees out;Felt strong;9\n"
    "2024-01-15 07:30:00;Legs and a run;1h 10m;Squat (Barbell);F;70;11;0;0;Grip slipped;Felt strong;10\n"
    "2024-01-15 07:30:00;Legs and a run;1h 10m;Plank;1;0;0;0;75;;Felt strong;\n"
    "2024-01-15 07:30:00;Legs and a run;1h 10m;Running;1;0;0;5.2;1560;Easy pace;Felt strong;\n"
)


def test_strong_keeps_every_column_and_set_marker():
    me = make_user()
    report = import_csv(me.user.id, STRONG_EVERY_COLUMN, weight_unit="kg", now=NOW)
    assert (report.format, report.sessions, report.sets) == ("strong", 1, 6)  # the rest timer is no set
    assert report.matched["Running"] == "running"
    [(row, entries)] = sessions_of(me.user.id)
    assert (row.name, row.duration_seconds, row.note) == ("Legs and a run", 4200, "Felt strong")
    squat, plank, run = entries
    assert squat[0].note == "Knees out\nGrip slipped"  # every different set note, one a line
    assert [(s.kind, s.reps, s.weight_kg, s.rpe) for s in squat[1]] == [
        ("warmup", 5, 60.0, None), ("normal", 5, 100.0, 8.0), ("drop", 8, 80.0, 9.0), ("failure", 11, 70.0, 10.0)]
    assert [(s.reps, s.seconds, s.weight_kg, s.distance_m) for s in plank[1]] == [(None, 75, None, None)]
    assert (run[0].exercise_id, run[0].note) == ("running", "Easy pace")
    assert [(s.reps, s.seconds, s.weight_kg, s.distance_m) for s in run[1]] == [(None, 1560, None, 5200.0)]


def test_strong_distances_are_in_the_files_unit():
    """Strong writes distances in the person's unit: kilometres with kg, miles with lb; a
    Distance Unit column (older exports) says it row by row."""
    me = make_user()
    import_csv(me.user.id, STRONG_EVERY_COLUMN, weight_unit="lb", now=NOW)
    [(_, entries)] = sessions_of(me.user.id)
    assert entries[2][1][0].distance_m == 8369.0  # 5.2 miles, to the metre
    assert entries[0][1][1].weight_kg == 45.36  # 100 lb

    older = make_user("older")
    text = ("Date;Workout Name;Exercise Name;Set Order;Weight;Weight Unit;Reps;Distance;Distance Unit;Seconds\n"
            "2024-01-15 07:30:00;Run;Running;1;;;;3.1;mi;1500\n"
            "2024-01-15 07:30:00;Run;Running;2;;;;400;m;90\n"
            "2024-01-15 07:30:00;Run;Running;3;;;;1;km;300\n")
    import_csv(older.user.id, text, weight_unit="kg", now=NOW)
    [(_, entries)] = sessions_of(older.user.id)
    assert [s.distance_m for s in entries[0][1]] == [4989.0, 400.0, 1000.0]


def test_hevy_keeps_every_column_supersets_and_cardio():
    me = make_user()
    start, end = '"15 Jan 2024, 07:30"', '"15 Jan 2024, 08:40"'
    text = (
        "title,start_time,end_time,description,exercise_title,superset_id,exercise_notes,set_index,set_type,"
        "weight_kg,reps,distance_km,duration_seconds,rpe\n"
        f'"Push",{start},{end},"Chest day","Bench Press (Barbell)",7,"Pause reps",0,warmup,40,10,,,\n'
        f'"Push",{start},{end},"Chest day","Bench Press (Barbell)",7,"Pause reps",1,normal,80,8,,,8\n'
        f'"Push",{start},{end},"Chest day","Bench Press (Barbell)",7,"Pause reps",2,dropset,60,10,,,9\n'
        f'"Push",{start},{end},"Chest day","Bent Over Row (Barbell)",7,,0,failure,60,12,,,10\n'
        f'"Push",{start},{end},"Chest day","Triceps Pushdown",3,,0,normal,25,15,,,\n'
        f'"Push",{start},{end},"Chest day","Lateral Raise (Dumbbell)",3,,0,normal,8,15,,,\n'
        f'"Push",{start},{end},"Chest day","Plank",,,0,normal,,,,60,\n'
        f'"Push",{start},{end},"Chest day","Treadmill",,,0,normal,,,1.2,420,\n'
    )
    report = import_csv(me.user.id, text, now=NOW)
    assert (report.sessions, report.sets) == (1, 8)
    assert report.matched["Treadmill"] == "treadmill-run"
    [(row, entries)] = sessions_of(me.user.id)
    assert (row.note, row.duration_seconds) == ("Chest day", 70 * 60)
    assert [e.superset for e, _ in entries] == [1, 1, 2, 2, None, None]  # 7 and 3, numbered 1 and 2
    bench = entries[0]
    assert bench[0].note == "Pause reps"
    assert [(s.kind, s.reps, s.weight_kg, s.rpe) for s in bench[1]] == [
        ("warmup", 10, 40.0, None), ("normal", 8, 80.0, 8.0), ("drop", 10, 60.0, 9.0)]
    assert entries[1][1][0].kind == "failure"
    assert [(s.seconds, s.reps, s.weight_kg) for s in entries[4][1]] == [(60, None, None)]
    treadmill = entries[5]
    assert treadmill[0].exercise_id == "treadmill-run"
    assert [(s.reps, s.weight_kg, s.seconds, s.distance_m) for s in treadmill[1]] == [(None, None, 420, 1200.0)]


def test_hevy_in_pounds_and_miles_keeps_a_run_with_only_a_distance():
    me = make_user()
    text = ("title,start_time,end_time,exercise_title,set_index,set_type,weight_lbs,reps,distance_miles,"
            "duration_seconds,rpe\n"
            '"Run","16 Jan 2024, 18:00","16 Jan 2024, 18:10","Running",0,normal,,,0.53,,\n'
            '"Run","16 Jan 2024, 18:00","16 Jan 2024, 18:10","Dumbbell Lunge",0,normal,25,10,,,7\n')
    report = import_csv(me.user.id, text, now=NOW)
    assert (report.sessions, report.sets) == (1, 2)
    [(_, entries)] = sessions_of(me.user.id)
    assert [(s.reps, s.weight_kg, s.seconds, s.distance_m) for s in entries[0][1]] == [(None, None, None, 853.0)]
    assert [(s.reps, s.weight_kg, s.rpe) for s in entries[1][1]] == [(10, 11.34, 7.0)]


@pytest.mark.parametrize(("old", "new", "line", "words"), [
    ("Pause reps", "Pause\x07reps", 2, "control characters"),
    ('"Run","15', '"R\x1bun","15', 3, "control characters"),
    (",1.2,420", ",900,420", 3, "more than 500 km"),
    (",1.2,420", ",-1.2,420", 3, "distance_km cannot be negative"),
    (",1.2,420", ",1.2,4h", 3, "duration_seconds must be a number"),
])
def test_bad_cells_in_new_columns_name_the_line(old, new, line, words):
    me = make_user()
    text = ("title,start_time,end_time,exercise_title,exercise_notes,set_index,weight_kg,reps,distance_km,"
            "duration_seconds\n"
            '"Push","15 Jan 2024, 07:30",,"Bench Press (Barbell)","Pause reps",0,80,8,,\n'
            '"Run","15 Jan 2024, 09:30",,"Treadmill",,0,,,1.2,420\n')
    assert old in text
    with pytest.raises(ValidationError) as refused:
        import_csv(me.user.id, text.replace(old, new), now=NOW)
    assert words in refused.value.message and f"Line {line}:" in refused.value.message
    assert refused.value.line == line
    assert sessions_of(me.user.id) == []


@pytest.mark.parametrize(("name", "expected"), [
    ("Running", "running"), ("Treadmill", "treadmill-run"), ("Treadmill Run", "treadmill-run"),
    ("Running (Treadmill)", "treadmill-run"), ("Rowing Machine", "rowing-machine-steady"),
    ("Walking", "brisk-walk"),
])
def test_cardio_names_from_hevy_and_strong(name, expected):
    assert match_exercise(name) == expected
