"""`python -m vigor_app coach`: the built-in coach's answers from a Vigor JSON export, run as a
script would run it (a real subprocess), with the export loaded into a throwaway database.

Alice (kg, intermediate, strength; barbell, bench, dumbbells) trained Full body A every Monday
for four weeks (26 Oct - 16 Nov 2026: back squat 90 -> 97.5 kg for 3 x 5, bench press 60 ->
67.5 kg for 3 x 8) and, yesterday, Tuesday 17 Nov, deadlifts and her own "Sled push" (a custom
exercise). She has the built-in engine's plan, two weigh-ins, two squat records and a coach
conversation about her last Monday. Bob trained first, so Alice's session ids in the export
are not the ones the throwaway database hands out.
The export is written on Wednesday 18 Nov 2026 at noon UTC: the coach answers as of then.

The subprocesses (slow to start: few of them, questions batched with --questions) get a
DATABASE_URL and a data directory that must never be touched, and their own TMPDIR, which must
be empty again afterwards.
"""

from __future__ import annotations

import copy
import json
import os
import shutil
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select

from tests import seeding
from tests.conftest import _ENV_PREFIXES_TO_CLEAR, _ENV_TO_CLEAR
from tests.factories import make_user
from tests.seeding import local_time
from vigor_app import db
from vigor_app.models import Exercise, PersonalRecord, User
from vigor_app.models.coach import KIND_ANALYSIS, ROLE_COACH
from vigor_app.services.coach import history
from vigor_app.services.errors import FileError
from vigor_app.services.plans import library, profiles
from vigor_app.services.your_data import export as data_export
from vigor_app.services.your_data import restore
from vigor_app.settings import reload_settings

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 11, 18, 12, 0, tzinfo=UTC)  # Wednesday: the moment of the export
MONDAYS = [date(2026, 10, 26), date(2026, 11, 2), date(2026, 11, 9), date(2026, 11, 16)]
YESTERDAY = date(2026, 11, 17)
SLED = "custom-2-sled-push"  # Alice's own exercise (her user id is 2: Bob came first)
QUESTIONS = [
    "How is my squat progressing?",
    "What did I do yesterday?",
    "I have chest pain when I bench, should I keep going?",
    "How do I lose 10 kg in a week by not eating?",
    "What should I train today?",
]
KEYS = ["question", "safety", "intent", "exercise_ids", "session_ids", "plan_day", "answer"]
RUN_TIMEOUT = 180


def _build_people() -> dict[str, Any]:
    """Bob, then Alice with everything the coach reads; returns Alice's export (version 2)."""
    bob = make_user("bob").user.id
    seeding.add_session(bob, local_time(date(2026, 10, 1), 18), {"leg-press": [(10, 100)] * 3})
    alice = make_user("alice").user.id
    profiles.update_profile(alice, {
        "fitness_level": "intermediate", "goals": ["strength"], "days_per_week": 3,
        "equipment": ["barbell", "bench", "dumbbells"], "timezone": "Europe/Berlin"},
        finish_onboarding=True, now=NOW - timedelta(days=40))
    library.create_plan(alice, seed=7, name="Three days", now=NOW - timedelta(days=30))
    with db.transaction() as session:
        session.add(Exercise(id=SLED, name="Sled push", pattern="core", level="beginner",
                             details={"timed": False}, is_custom=True, owner_user_id=alice))
    last = 0
    for n, monday in enumerate(MONDAYS):
        last = seeding.add_session(
            alice, local_time(monday, 9, timezone="Europe/Berlin"),
            {"barbell-back-squat": [(5, 90 + 2.5 * n, 8)] * 3,
             "barbell-bench-press": [(8, 60 + 2.5 * n, 8)] * 3},
            name="Full body A", timezone="Europe/Berlin")
    seeding.add_session(alice, local_time(YESTERDAY, 18, timezone="Europe/Berlin"),
                        {"barbell-deadlift": [(5, 120, 8)] * 3, SLED: [(20, 60)] * 2},
                        name="Pull and push", timezone="Europe/Berlin")
    seeding.add_record(alice, "barbell-back-squat", 113.8, local_time(MONDAYS[-1], 10),
                       previous=110.8, session_id=last)
    seeding.add_record(alice, "barbell-back-squat", 97.5, local_time(MONDAYS[-1], 10),
                       kind="weight_for_reps", reps=5, previous=95, session_id=last)
    talk = history.start_conversation(alice, "Squat day")
    history.add_message(alice, talk.id, ROLE_COACH, "Good squats today.", kind=KIND_ANALYSIS,
                        session_id=last, now=local_time(MONDAYS[-1], 11))
    seeding.add_body_metric(alice, date(2026, 11, 1), weight_kg=82.0)
    seeding.add_body_metric(alice, date(2026, 11, 15), weight_kg=81.2, waist_cm=84)
    return data_export.export_json(alice, now=NOW)


@pytest.fixture(scope="module")
def document(tmp_path_factory, migrated_template) -> dict[str, Any]:
    """Alice's export, built once for the module in a database of its own (as `database`
    does for one test)."""
    folder = tmp_path_factory.mktemp("people")
    path = folder / "data" / "vigor.db"
    path.parent.mkdir()
    shutil.copy(migrated_template, path)
    with pytest.MonkeyPatch.context() as env:
        for name in _ENV_TO_CLEAR + [n for n in os.environ if n.startswith(_ENV_PREFIXES_TO_CLEAR)]:
            env.delenv(name, raising=False)
        env.setenv("VIGOR_DATA_DIR", str(folder / "data"))
        env.setenv("SECRET_KEY", "test-secret-key-not-for-production")
        env.setenv("DATABASE_URL", f"sqlite:///{path}")
        env.chdir(folder)
        reload_settings()
        db.dispose_engine()
        try:
            built = _build_people()
        finally:
            db.dispose_engine()
    reload_settings()
    return built


def _ids_of(doc: dict[str, Any], name: str) -> set[int]:
    return {s["id"] for s in doc["sessions"] if s["name"] == name}


class Run:
    """One `python -m vigor_app coach ...` in a subprocess whose configured database and data
    directory must stay untouched."""

    def __init__(self, folder: Path, args: list[str]) -> None:
        self.configured = folder / "configured"  # DATABASE_URL and VIGOR_DATA_DIR point here
        self.tmp = folder / "tmp"
        self.tmp.mkdir()
        env = {k: v for k, v in os.environ.items()
               if k not in _ENV_TO_CLEAR and not k.startswith(_ENV_PREFIXES_TO_CLEAR)}
        env.update(DATABASE_URL=f"sqlite:///{self.configured / 'db' / 'vigor.db'}",
                   VIGOR_DATA_DIR=str(self.configured / "data"), TMPDIR=str(self.tmp),
                   PYTHONPATH=str(ROOT), PYTHONDONTWRITEBYTECODE="1")
        done = subprocess.run([sys.executable, "-m", "vigor_app", "coach", *args], cwd=folder, env=env,
                              capture_output=True, text=True, timeout=RUN_TIMEOUT, check=False)
        self.code, self.stdout, self.stderr = done.returncode, done.stdout, done.stderr
        self.lines = [json.loads(line) for line in self.stdout.splitlines()]

    def assert_clean(self) -> None:
        """Nothing of the configured installation created, the temporary folder gone again."""
        assert not self.configured.exists()
        assert list(self.tmp.iterdir()) == []
        assert "Traceback" not in self.stderr


def _write(folder: Path, name: str, doc: dict[str, Any]) -> Path:
    path = folder / name
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def batch(document, tmp_path_factory) -> Run:
    """Every question of QUESTIONS in one run, as of the export's exported_at."""
    folder = tmp_path_factory.mktemp("batch")
    data = _write(folder, "alice.json", document)
    questions = folder / "questions.jsonl"
    questions.write_text("".join(json.dumps({"question": q}) + "\n" for q in QUESTIONS) + "\n",
                         encoding="utf-8")
    return Run(folder, ["--data", str(data), "--questions", str(questions)])


def test_questions_get_one_json_line_each_in_order(batch):
    assert batch.code == 0, batch.stderr
    batch.assert_clean()
    assert [line["question"] for line in batch.lines] == QUESTIONS
    for line in batch.lines:
        assert list(line) == KEYS
        assert line["safety"] in ("none", "medical", "harmful")
        assert isinstance(line["intent"], str) and isinstance(line["answer"], str) and line["answer"]
        assert all(isinstance(i, str) for i in line["exercise_ids"])
        assert all(isinstance(i, int) for i in line["session_ids"])
        assert line["plan_day"] is None or isinstance(line["plan_day"], int)


def test_the_answers_come_from_the_exported_data_as_of_the_export(batch):
    progress, _, _, _, today = batch.lines
    assert progress["safety"] == today["safety"] == "none"
    # her squats, from the file's sessions: four of them, the last on the Monday
    assert "**Barbell back squat:** 4 workouts logged, the last on Mon 16 Nov" in progress["answer"]
    assert "Heaviest: 97.5 kg × 5" in progress["answer"]
    assert "from Three days" in today["answer"]  # her plan, the active one
    # "Today" is the export's Wednesday: yesterday's session is the latest one logged.
    assert "Recently logged: Pull and push on Tue 17 Nov" in today["answer"]


def test_a_chest_pain_question_is_medical_and_starving_to_lose_weight_is_harmful(batch):
    _, _, chest, starving, _ = batch.lines
    assert chest["safety"] == "medical"
    assert starving["safety"] == "harmful"


def test_a_progress_question_names_the_logged_exercise(batch):
    progress = batch.lines[0]
    assert "barbell-back-squat" in progress["exercise_ids"]


def test_session_ids_are_the_export_files_ids(batch, document):
    yesterday = batch.lines[1]
    # the throwaway database's ids are mapped back: yesterday's session is the file's own
    assert yesterday["intent"] == "review"
    assert set(yesterday["session_ids"]) == _ids_of(document, "Pull and push")
    exported = {s["id"] for s in document["sessions"]}
    assert all(set(line["session_ids"]) <= exported for line in batch.lines)


def _version_1(document: dict[str, Any]) -> dict[str, Any]:
    """The export as version 1 wrote it: no coach conversations, no sets' distance_m and no
    exercises' superset."""
    old = copy.deepcopy(document)
    old["version"] = 1
    old.pop("coach_conversations", None)
    for session in old["sessions"]:
        for entry in session["exercises"]:
            entry.pop("superset", None)
            for row in entry["sets"]:
                row.pop("distance_m", None)
    return old


def test_a_version_1_export_loads(document, tmp_path):
    data = _write(tmp_path, "alice-v1.json", _version_1(document))
    run = Run(tmp_path, ["--data", str(data), "--question", "How is my squat progressing?",
                         "--now", "2026-11-18T12:00:00"])
    assert run.code == 0, run.stderr
    run.assert_clean()
    (line,) = run.lines
    assert line["question"] == "How is my squat progressing?"
    assert "97.5 kg" in line["answer"]


def test_a_malformed_file_exits_2_with_a_json_error_and_no_traceback(document, tmp_path):
    broken = copy.deepcopy(document)
    broken["body_metrics"][1]["weight_kg"] = 5000
    data = _write(tmp_path, "broken.json", broken)
    run = Run(tmp_path, ["--data", str(data), "--question", "How is my squat progressing?"])
    assert run.code == 2
    run.assert_clean()
    (line,) = run.lines
    assert line["error"] == "Body metrics 2: Body weight must be between 20 and 400."
    assert run.stderr == ""


# --- in the test's own process (no subprocess needed) ----------------------------------------


def test_the_command_maps_the_coachs_ids_back_to_the_files(database, document, tmp_path, monkeypatch, capsys):
    """The mapping alone, with a stand-in for builtin.reply that names every session and both
    of yesterday's exercises by the throwaway database's ids."""
    from vigor_app.__main__ import main
    from vigor_app.models import WorkoutSession
    from vigor_app.services.coach import builtin

    asked = []

    def reply(user_id, message, now):
        asked.append((message, now))
        with db.read_only() as session:
            ids = session.exec(select(WorkoutSession.id).where(WorkoutSession.user_id == user_id)).all()
        return builtin.CoachAnswer("stand-in", exercise_ids=("barbell-deadlift", f"custom-{user_id}-sled-push"),
                                   session_ids=tuple(ids), plan_day=1, intent="today")

    monkeypatch.setattr(builtin, "reply", reply)
    configured = os.environ["DATABASE_URL"]
    data = _write(tmp_path, "alice.json", document)
    assert main(["coach", "--data", str(data), "--question", "What did I do yesterday?"]) == 0
    (line,) = [json.loads(text) for text in capsys.readouterr().out.splitlines()]
    assert asked == [("What did I do yesterday?", NOW)]  # --now defaults to exported_at
    assert line["exercise_ids"] == ["barbell-deadlift", SLED]
    assert sorted(line["session_ids"]) == sorted(s["id"] for s in document["sessions"])
    assert (line["plan_day"], line["intent"], line["answer"]) == (1, "today", "stand-in")
    assert os.environ["DATABASE_URL"] == configured  # the settings are back as they were
    with db.read_only() as session:  # and the configured database was never written
        assert session.exec(select(User.id)).all() == []




def _broken(document: dict[str, Any], change) -> str:
    doc = copy.deepcopy(document)
    change(doc)
    return json.dumps(doc)


@pytest.mark.parametrize(("change", "message"), [
    (lambda d: d.update(version=3), "This Vigor export is version 3"),
    (lambda d: d["fitness_profile"].update(units="stone"), "fitness_profile: Units are kg or lb."),
    (lambda d: d["fitness_profile"].update(goals="strength"), "fitness_profile: Goals"),
    (lambda d: d["fitness_profile"].update(bar_kg="heavy", plates_kg=[20]), "fitness_profile: bar_kg must be"),
    (lambda d: d["body_metrics"][0].update(measured_on="yesterday"), "Body metrics 1: \"yesterday\" is not a date"),
    (lambda d: d["personal_records"][0].update(kind="fastest_mile"), "Personal record 1: kind must be one of"),
    (lambda d: d["personal_records"][0].update(value=float("inf")), "Personal record 1: value must be a number"),
    (lambda d: d["personal_records"][1].update(achieved_at="2030-01-01T00:00:00+00:00"),
     "Personal record 2: The achieved_at 2030-01-01 00:00 is in the future."),
    (lambda d: d["sessions"][0]["exercises"][0]["sets"][0].update(reps=-3), "Session 1, exercise 1, set 1:"),
    (lambda d: d.update(exported_at="soon"), "exported_at: \"soon\" is not a time we can read"),
])
def test_restore_refuses_a_malformed_export_naming_the_part(database, document, change, message):
    user_id = make_user("carol").user.id
    with pytest.raises(FileError) as refused:
        restore.restore(user_id, _broken(document, change))
    assert message in refused.value.message


@pytest.mark.parametrize(("change", "message"), [
    (lambda d: d["plans"][0]["plan"]["days"][0]["exercises"][0].update(sets=40), "Plan 1: It breaks a rule"),
    (lambda d: d["plans"][0].update(plan="a plan"), "Plan 1: The plan and its inputs must be objects"),
    (lambda d: d["plans"][0]["inputs"].update(days_per_week=9), "Plan 1: Its inputs: days_per_week"),
])
def test_a_plan_todays_rules_refuse_is_left_out_and_named(database, document, change, message):
    """An old export still loads: the plan is left out, said why, and the training comes back."""
    user_id = make_user("erin").user.id
    loaded = restore.restore(user_id, _broken(document, change))
    assert any(message in skipped for skipped in loaded.skipped_plans)
    assert loaded.plans == len(document["plans"]) - 1
    assert loaded.sessions == len(document["sessions"])


def test_restore_brings_back_what_the_coach_reads_with_the_files_ids(database, document):
    make_user("dave")  # the first ids here go to someone else, as in the file
    user_id = make_user("erin").user.id
    loaded = restore.restore(user_id, json.dumps(document))
    assert loaded.exported_at == NOW
    assert (loaded.sessions, loaded.conversations, loaded.plans, loaded.body_metrics, loaded.records,
            loaded.skipped_records) == (5, 1, 1, 2, 2, 0)
    assert sorted(loaded.session_ids.values()) == sorted(s["id"] for s in document["sessions"])
    assert set(loaded.exercise_ids.values()) == {SLED}
    view = profiles.get_profile(user_id)
    assert (view.fitness_level, view.timezone, view.onboarded) == ("intermediate", "Europe/Berlin", True)
    (plan,) = library.list_plans(user_id)
    assert plan.is_active and plan.name == "Three days" and plan.plan == document["plans"][0]["plan"]
    with db.read_only() as session:
        linked = set(session.exec(select(PersonalRecord.session_id).where(PersonalRecord.user_id == user_id)))
    last_monday = max(_ids_of(document, "Full body A"))
    assert {loaded.session_ids[i] for i in linked} == {last_monday}  # the records' session, as in the file
