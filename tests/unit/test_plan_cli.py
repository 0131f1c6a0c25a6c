"""The plan command line: exit codes, messages naming the key, JSON on stdout."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from vigor_app.services.plans.cli import main
from vigor_app.services.plans.engine import generate_plan
from vigor_app.services.plans.request import Profile
from vigor_app.services.plans.validation import validate_plan

ROOT = Path(__file__).resolve().parents[2]
PROFILE = {
    "fitness_level": "intermediate",
    "goals": ["strength", "muscle_gain"],
    "equipment": ["dumbbells", "bench"],
    "injuries": ["knee"],
    "days_per_week": 4,
    "session_minutes": 50,
}


@pytest.fixture
def profile_file(tmp_path):
    path = tmp_path / "profile.json"
    path.write_text(json.dumps(PROFILE), encoding="utf-8")
    return path


def test_prints_a_valid_plan(profile_file, capsys):
    assert main(["--profile", str(profile_file), "--seed", "3"]) == 0
    out, err = capsys.readouterr()
    plan = json.loads(out)
    assert err == ""
    assert plan["seed"] == 3
    assert len(plan["days"]) == 4
    assert validate_plan(plan, PROFILE) == []
    assert plan == generate_plan(Profile.from_dict(PROFILE), seed=3).to_dict()


def test_seed_defaults_to_zero_and_changes_the_plan(profile_file, capsys):
    assert main(["--profile", str(profile_file)]) == 0
    default = json.loads(capsys.readouterr().out)
    assert default["seed"] == 0
    assert main(["--profile", str(profile_file), "--seed", "1"]) == 0
    assert json.loads(capsys.readouterr().out)["days"] != default["days"]


def test_missing_keys_take_the_defaults(tmp_path, capsys):
    path = tmp_path / "empty.json"
    path.write_text("{}", encoding="utf-8")
    assert main(["--profile", str(path)]) == 0
    inputs = json.loads(capsys.readouterr().out)["inputs"]
    assert inputs["fitness_level"] == "beginner"
    assert inputs["goals"] == ["general_fitness"]
    assert inputs["equipment"] == ["bodyweight"]
    assert inputs["injuries"] == []
    assert (inputs["days_per_week"], inputs["session_minutes"]) == (3, 45)


def test_reads_the_profile_from_stdin(monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdin", io.StringIO(json.dumps({"days_per_week": 2})))
    assert main(["--profile", "-"]) == 0
    assert len(json.loads(capsys.readouterr().out)["days"]) == 2


@pytest.mark.parametrize(
    ("profile", "key"),
    [
        ({"favourite_colour": "red"}, "favourite_colour"),
        ({"fitness_level": "expert"}, "fitness_level"),
        ({"goals": ["yoga"]}, "goals"),
        ({"equipment": ["trx"]}, "equipment"),
        ({"injuries": ["toe"]}, "injuries"),
        ({"days_per_week": 9}, "days_per_week"),
        ({"session_minutes": "45"}, "session_minutes"),
    ],
)
def test_unknown_keys_and_values_exit_2_naming_the_key(tmp_path, capsys, profile, key):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(profile), encoding="utf-8")
    assert main(["--profile", str(path)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert f"'{key}'" in err


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{not json", "not valid JSON"),
        ("[1, 2]", "must be a JSON object"),
        ('"beginner"', "must be a JSON object"),
    ],
)
def test_bad_json_exits_2(tmp_path, capsys, text, message):
    path = tmp_path / "bad.json"
    path.write_text(text, encoding="utf-8")
    assert main(["--profile", str(path)]) == 2
    assert message in capsys.readouterr().err


def test_missing_file_exits_2(tmp_path, capsys):
    assert main(["--profile", str(tmp_path / "nowhere.json")]) == 2
    assert "cannot read profile" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        ([], "--profile"),
        (["--profile", "x.json", "--seed", "three"], "--seed"),
        (["--profile", "x.json", "--colour"], "--colour"),
    ],
)
def test_bad_arguments_exit_2(capsys, argv, message):
    assert main(argv) == 2
    assert message in capsys.readouterr().err


def test_help_exits_0(capsys):
    assert main(["--help"]) == 0
    assert "--profile" in capsys.readouterr().out


def _run(args, **kwargs):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.update(kwargs.pop("env", {}))
    return subprocess.run(
        [sys.executable, "-m", "vigor_app.services.plans.cli", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=60,
        check=False,
        **kwargs,
    )


def test_runs_as_a_module(profile_file):
    result = _run(["--profile", str(profile_file), "--seed", "3"])
    assert result.returncode == 0, result.stderr
    plan = json.loads(result.stdout)
    assert plan["seed"] == 3
    assert validate_plan(plan, PROFILE) == []


def test_module_output_does_not_depend_on_hash_seed(profile_file):
    first = _run(["--profile", str(profile_file), "--seed", "7"], env={"PYTHONHASHSEED": "1"})
    second = _run(["--profile", str(profile_file), "--seed", "7"], env={"PYTHONHASHSEED": "2"})
    assert first.returncode == second.returncode == 0
    assert first.stdout == second.stdout


def test_module_refuses_an_unknown_key_with_status_2(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"shoe_size": 44}), encoding="utf-8")
    result = _run(["--profile", str(path)])
    assert result.returncode == 2
    assert "'shoe_size'" in result.stderr
    assert result.stdout == ""
