"""`python -m vigor_app import-check FILE`: what a Strong, Hevy or Vigor file holds, read
without writing anything (docs/import-formats.md)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from vigor_app.services.errors import FileError
from vigor_app.services.your_data.import_check import check_file

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"

# A Strong export with warm-ups, a rest timer, a drop set, a set to failure and a row (2 km).
STRONG_WITH_WARMUPS = (
    "Date;Workout Name;Duration;Exercise Name;Set Order;Weight;Reps;Distance;Seconds;Notes;Workout Notes;RPE\n"
    "2024-01-15 07:30:00;Legs;1h 10m;Squat (Barbell);W;60;5;0;0;;;\n"
    "2024-01-15 07:30:00;Legs;1h 10m;Squat (Barbell);W;80;3;0;0;;;\n"
    "2024-01-15 07:30:00;Legs;1h 10m;Squat (Barbell);Rest Timer;0;0;0;90;;;\n"
    "2024-01-15 07:30:00;Legs;1h 10m;Squat (Barbell);1;100;5;0;0;;;8\n"
    "2024-01-15 07:30:00;Legs;1h 10m;Squat (Barbell);2;100;5;0;0;;;8.5\n"
    "2024-01-15 07:30:00;Legs;1h 10m;Squat (Barbell);D;80;8;0;0;;;\n"
    "2024-01-15 07:30:00;Legs;1h 10m;Squat (Barbell);F;70;12;0;0;;;10\n"
    "2024-01-15 07:30:00;Legs;1h 10m;Rowing (Machine);1;0;0;2;600;;;\n"
    "2024-01-17 18:00:00;Upper;;Bench Press (Barbell);1;60;8;0;0;;;\n"
)
STRONG_WORKING_VOLUME = 100 * 5 * 2 + 80 * 8 + 70 * 12 + 60 * 8  # 2,960 kg; the warm-ups' 540 kg left out

# A Hevy export in pounds and miles: a 0.53 mi run with no reps and no weight.
HEVY_IN_POUNDS = (
    "title,start_time,end_time,description,exercise_title,superset_id,exercise_notes,set_index,set_type,"
    "weight_lbs,reps,distance_miles,duration_seconds,rpe\n"
    '"Upper","15 Jan 2024, 07:30","15 Jan 2024, 08:15","","Bench Press (Barbell)",,,0,warmup,95,10,,,\n'
    '"Upper","15 Jan 2024, 07:30","15 Jan 2024, 08:15","","Bench Press (Barbell)",,,1,normal,135,8,,,8\n'
    '"Upper","15 Jan 2024, 07:30","15 Jan 2024, 08:15","","Bench Press (Barbell)",,,2,failure,135,6,,,10\n'
    '"Upper","15 Jan 2024, 07:30","15 Jan 2024, 08:15","","Running",,,0,normal,,,0.53,300,\n'
    '"Easy run","16 Jan 2024, 18:00",,"","Running",,,0,normal,,,1.5,,\n'
)


def test_a_strong_export_with_warm_ups():
    summary = check_file(STRONG_WITH_WARMUPS)
    assert summary == {
        "format": "strong", "sessions": 2, "sets": 8, "warmup_sets": 2,
        "working_volume_kg": STRONG_WORKING_VOLUME, "distance_m": 2000.0,
        "session_minutes": [70.0, None], "conversations": 0,
    }


def test_strong_weights_and_distances_in_pounds_and_miles():
    summary = check_file(STRONG_WITH_WARMUPS, units="lb")
    assert summary["working_volume_kg"] == round(45.36 * 10 + 36.29 * 8 + 31.75 * 12 + 27.22 * 8, 1)
    assert summary["distance_m"] == 3219.0  # 2 miles, to the metre


def test_a_hevy_export_in_pounds():
    summary = check_file(HEVY_IN_POUNDS)
    assert summary == {
        "format": "hevy", "sessions": 2, "sets": 5, "warmup_sets": 1,
        "working_volume_kg": round(61.23 * 8 + 61.23 * 6, 1),  # 135 lb is 61.23 kg
        "distance_m": 853.0 + 2414.0,  # 0.53 mi and 1.5 mi
        "session_minutes": [45.0, None], "conversations": 0,
    }


def test_session_minutes_are_in_file_order():
    later_first = "\n".join([STRONG_WITH_WARMUPS.splitlines()[0], STRONG_WITH_WARMUPS.splitlines()[-1],
                             *STRONG_WITH_WARMUPS.splitlines()[1:-1]])
    assert check_file(later_first)["session_minutes"] == [None, 70.0]


def test_nothing_is_read_from_or_written_to_a_database(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'nowhere.db'}")
    assert check_file(FIXTURES.joinpath("hevy.csv").read_bytes())["format"] == "hevy"
    assert not (tmp_path / "nowhere.db").exists()


@pytest.mark.parametrize(("text", "line", "words"), [
    (STRONG_WITH_WARMUPS.replace(";100;5;0;0;;;8\n", ";100;five;0;0;;;8\n"), 5, "Reps must be a number"),
    (STRONG_WITH_WARMUPS.replace(";2;600;", ";-2;600;"), 9, "Distance cannot be negative"),
    ("name,weight\nBench,60\n", 1, "does not look like"),
    ('{"sessions": []}', None, "not a Vigor export"),
    ('{"format": "vigor-export", "version": 99}', None, "version 99"),
    ("{not json", 1, "not a JSON file"),
])
def test_refusals_name_the_line(text, line, words):
    with pytest.raises(FileError) as refused:
        check_file(text)
    assert refused.value.line == line and words in refused.value.message


def _run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "vigor_app", "import-check", *args],
        capture_output=True, text=True, cwd=ROOT, timeout=120, check=False,
        env={**os.environ, "PYTHONPATH": str(ROOT), "REFLEX_TELEMETRY_ENABLED": "false", **(env or {})},
    )


def test_the_command_prints_the_summary_as_json(tmp_path):
    strong = tmp_path / "strong.csv"
    strong.write_text(STRONG_WITH_WARMUPS, encoding="utf-8")
    database = tmp_path / "untouched.db"
    result = _run(str(strong), env={"DATABASE_URL": f"sqlite:///{database}"})
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == check_file(STRONG_WITH_WARMUPS)
    assert not database.exists()

    hevy = tmp_path / "hevy.csv"
    hevy.write_text(HEVY_IN_POUNDS, encoding="utf-8")
    in_pounds = _run(str(hevy), "--units", "lb")
    assert in_pounds.returncode == 0, in_pounds.stderr
    assert json.loads(in_pounds.stdout)["format"] == "hevy"  # Hevy's header says its unit
    assert json.loads(_run(str(strong), "--units", "lb").stdout)["distance_m"] == 3219.0


def test_the_command_refuses_with_status_2_and_the_line(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text(STRONG_WITH_WARMUPS.replace(";100;5;0;0;;;8\n", ";100;5;0;0;;;11\n"), encoding="utf-8")
    result = _run(str(bad))
    assert result.returncode == 2
    refusal = json.loads(result.stdout)
    assert refusal["line"] == 5 and "RPE" in refusal["error"]

    shape = tmp_path / "other.json"
    shape.write_text(json.dumps({"workouts": [{"name": "A"}]}), encoding="utf-8")
    result = _run(str(shape))
    assert result.returncode == 2
    assert json.loads(result.stdout) == {"error": json.loads(result.stdout)["error"], "line": None}
    assert "not a Vigor export" in json.loads(result.stdout)["error"]

    missing = _run(str(tmp_path / "missing.csv"))
    assert missing.returncode == 2 and json.loads(missing.stdout)["line"] is None
    assert _run(str(bad), "--units", "stone").returncode == 2  # argparse's own refusal
