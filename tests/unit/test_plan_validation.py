"""The plan validator: each rule caught on a plan broken on purpose, garbage never crashes it."""

from __future__ import annotations

import copy
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vigor_app.services.catalogue.catalogue import get_exercise
from vigor_app.services.plans import rules, timing
from vigor_app.services.plans.engine import generate_plan
from vigor_app.services.plans.request import PlanRequest, Profile
from vigor_app.services.plans.validation import Violation, validate_plan

PROFILE = Profile(
    fitness_level="intermediate",
    goals=["muscle_gain"],
    equipment=["dumbbells", "bench"],
    injuries=["knee"],
    days_per_week=4,
    session_minutes=45,
)
BASE = generate_plan(PROFILE, seed=1).to_dict()


def fresh() -> dict:
    return copy.deepcopy(BASE)


def codes(plan, profile=PROFILE, request=None) -> set[str]:
    found = validate_plan(plan, profile, request)
    assert all(isinstance(v, Violation) and v.message for v in found)
    return {v.code for v in found}


def first_item(plan: dict) -> dict:
    return plan["days"][0]["exercises"][0]


def swap_exercise(item: dict, exercise_id: str) -> None:
    exercise = get_exercise(exercise_id)
    item["exercise_id"], item["name"] = exercise.id, exercise.name
    item["easier"] = item["harder"] = None
    if exercise.timed:
        item["reps"], item["progression"] = f"{exercise.seconds_range[0]}s", "time_step"
    else:
        low, high = rules.rep_window(exercise, PROFILE.goals, PROFILE.fitness_level)
        item["reps"], item["progression"] = f"{low}-{high}", "double_progression"


def test_the_engine_plan_is_valid():
    assert validate_plan(BASE, PROFILE) == []


def test_a_weekly_plan_object_is_accepted_too():
    assert validate_plan(generate_plan(PROFILE, seed=1), PROFILE) == []


def test_unknown_exercise_id():
    plan = fresh()
    first_item(plan)["exercise_id"] = "moon-walk"
    assert "unknown_exercise" in codes(plan)


def test_name_must_match_the_catalogue():
    plan = fresh()
    first_item(plan)["name"] = "Something else"
    assert codes(plan) == {"name_mismatch"}
    first_item(plan)["name"] = first_item(BASE)["name"].upper()
    assert codes(plan) == set(), "case does not matter"


def test_missing_equipment():
    plan = fresh()
    swap_exercise(first_item(plan), "barbell-romanian-deadlift")
    assert "equipment" in codes(plan)


def test_unsafe_exercise_for_an_injury():
    plan = fresh()
    swap_exercise(first_item(plan), "goblet-squat")
    assert "unsafe" in codes(plan)


def test_exercise_above_the_level():
    plan = fresh()
    swap_exercise(first_item(plan), "archer-push-up")
    found = codes(plan)
    assert "level" in found and "equipment" not in found


@pytest.mark.parametrize("sets", [0, 11, -1, "3", 2.5, None, True])
def test_sets_between_one_and_ten(sets):
    plan = fresh()
    first_item(plan)["sets"] = sets
    assert "sets" in codes(plan)


@pytest.mark.parametrize("rest", [10, 29, 301, "60", None])
def test_rest_between_30_and_300_seconds(rest):
    plan = fresh()
    first_item(plan)["rest_seconds"] = rest
    assert "rest" in codes(plan)


@pytest.mark.parametrize("reps", ["abc", "", "12-8", "0", 10, None, "50"])
def test_reps_must_parse_and_fit(reps):
    plan = fresh()
    first_item(plan)["reps"] = reps
    assert "reps" in codes(plan)


def test_reps_follow_the_goal_and_level():
    beginner = Profile(
        fitness_level="beginner", goals=["strength"], equipment=["dumbbells", "bench"]
    )
    plan = generate_plan(beginner, seed=2).to_dict()
    item = first_item(plan)
    swap_exercise(item, "dumbbell-bench-press")
    item["reps"] = "5"
    assert "reps" not in codes(plan, beginner)
    item["reps"] = "3"
    assert "reps" in codes(plan, beginner), "no triples for beginners"
    item["reps"] = "20"
    assert "reps" in codes(plan, beginner), "twenty reps is not strength work"


def test_timed_and_counted_work_are_not_mixed_up():
    plan = fresh()
    item = next(
        i for d in plan["days"] for i in d["exercises"] if not get_exercise(i["exercise_id"]).timed
    )
    item["reps"] = "30s"
    assert "reps" in codes(plan)


@pytest.mark.parametrize("rpe", [12, 2, "hard", None, float("nan"), 9.5])
def test_rpe_within_the_level_cap(rpe):
    plan = fresh()
    first_item(plan)["rpe"] = rpe
    assert "rpe" in codes(plan)


def test_variations_must_exist_and_be_doable():
    plan = fresh()
    first_item(plan)["easier"] = "moon-walk"
    assert "variation" in codes(plan)
    plan = fresh()
    first_item(plan)["harder"] = "barbell-back-squat"
    assert "variation" in codes(plan)


def test_progression_rule_must_be_known_and_fit():
    plan = fresh()
    first_item(plan)["progression"] = "vibes"
    assert "progression" in codes(plan)
    plan = fresh()
    timed = next((i for d in plan["days"] for i in d["exercises"] if i["reps"].endswith("s")), None)
    if timed is None:
        timed = first_item(plan)
        swap_exercise(timed, "forearm-plank")
    timed["progression"] = "double_progression"
    assert "progression" in codes(plan)


def test_wrong_day_count():
    plan = fresh()
    plan["days"].pop()
    assert "day_count" in codes(plan)
    plan = fresh()
    plan["days"].append(copy.deepcopy(plan["days"][0]))
    assert "day_count" in codes(plan)


def test_time_off_by_thirty_percent():
    longer = Profile(
        **{**PROFILE.__dict__, "session_minutes": round(PROFILE.session_minutes * 1.3)}
    )
    assert "time" in codes(fresh(), longer)
    plan = fresh()
    for item in plan["days"][0]["exercises"]:
        item["sets"] = min(10, item["sets"] * 2)
    assert "time" in codes(plan)


def test_stated_minutes_must_match_the_time_model():
    plan = fresh()
    plan["days"][0]["estimated_minutes"] += 10
    assert codes(plan) == {"time"}
    plan["days"][0]["estimated_minutes"] = "45"
    assert "malformed" in codes(plan)


def test_weekly_volume_cap():
    plan = fresh()
    for day in plan["days"]:
        for item in day["exercises"]:
            item["sets"] = 10
    assert "volume_high" in codes(plan)


def test_weekly_volume_floor():
    plan = fresh()
    for day in plan["days"]:
        day["exercises"] = [
            i
            for i in day["exercises"]
            if "chest" not in get_exercise(i["exercise_id"]).primary_muscles
        ]
    assert "volume_low" in codes(plan)


def test_weekdays_must_be_valid_and_distinct():
    plan = fresh()
    plan["days"][1]["weekday"] = plan["days"][0]["weekday"]
    assert "weekday" in codes(plan)
    plan = fresh()
    plan["days"][0]["weekday"] = "funday"
    assert "weekday" in codes(plan)


def test_preferred_weekdays_are_honoured():
    prefers = Profile(**{**PROFILE.__dict__, "preferred_weekdays": ("mon", "tue", "thu", "fri")})
    plan = generate_plan(prefers, seed=1).to_dict()
    assert validate_plan(plan, prefers) == []
    plan["days"][0]["weekday"] = "sun"
    plan["rest_days"] = [
        d
        for d in ("mon", "tue", "wed", "thu", "fri", "sat")
        if d not in {x["weekday"] for x in plan["days"]}
    ]
    assert "weekday" in codes(plan, prefers)
    plan = generate_plan(prefers, seed=1).to_dict()
    plan["days"][0]["weekday"] = None
    assert "weekday" in codes(plan, prefers)


def test_no_more_than_three_training_days_in_a_row():
    plan = fresh()
    for day, weekday in zip(plan["days"], ("mon", "tue", "wed", "thu"), strict=True):
        day["weekday"] = weekday
    plan["rest_days"] = ["fri", "sat", "sun"]
    assert codes(plan) == {"consecutive"}


def test_rest_days_are_the_untrained_weekdays():
    plan = fresh()
    plan["rest_days"] = plan["rest_days"][:-1]
    assert codes(plan) == {"rest_days"}
    plan["rest_days"] = "sunday"
    assert "malformed" in codes(plan)


def test_request_settings_are_what_the_plan_is_judged_against():
    request = PlanRequest(days_per_week=3, session_minutes=30, goals=["endurance"])
    plan = generate_plan(PROFILE, request, seed=4).to_dict()
    assert validate_plan(plan, PROFILE, request) == []
    assert "day_count" in codes(plan, PROFILE)


@pytest.mark.parametrize(
    "plan",
    [
        None,
        [],
        "plan",
        42,
        {},
        {"days": "monday"},
        {"days": [None, 3, "x", []]},
        {"days": [{"name": "Day 1", "exercises": [None, 7, []]}]},
        {"days": [{"name": 1, "warmup": {}, "exercises": [{"sets": "3"}], "cooldown": None}]},
        {
            "days": [
                {
                    "exercises": [
                        {"exercise_id": ["goblet-squat"], "name": {}, "reps": [], "rpe": {}}
                    ]
                }
            ]
        },
    ],
)
def test_malformed_plans_give_violations_not_exceptions(plan):
    found = codes(plan)
    assert "malformed" in found


def test_missing_item_keys_are_reported():
    plan = fresh()
    del first_item(plan)["rest_seconds"]
    del first_item(plan)["reason"]
    found = validate_plan(plan, PROFILE)
    assert any(v.code == "malformed" and "rest_seconds" in v.message for v in found)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=20,
)
plan_keys = st.sampled_from(
    [
        "days",
        "rest_days",
        "exercises",
        "warmup",
        "cooldown",
        "sets",
        "reps",
        "rest_seconds",
        "rpe",
        "exercise_id",
        "name",
        "weekday",
        "estimated_minutes",
        "easier",
        "harder",
        "progression",
    ]
)


@settings(max_examples=500, deadline=None)
@given(garbage=json_values)
def test_garbage_never_raises(garbage):
    found = validate_plan(garbage, PROFILE)
    assert isinstance(found, list) and found
    assert all(isinstance(v, Violation) for v in found)


@settings(max_examples=500, deadline=None)
@given(data=st.data())
def test_corrupting_any_field_of_a_valid_plan_never_raises(data):
    plan = fresh()
    node = plan
    for _ in range(data.draw(st.integers(1, 4))):
        if isinstance(node, dict) and node:
            key = data.draw(st.sampled_from(sorted(node)))
            if data.draw(st.booleans()) or not isinstance(node[key], dict | list):
                node[key] = data.draw(json_values)
                break
            node = node[key]
        elif isinstance(node, list) and node:
            index = data.draw(st.integers(0, len(node) - 1))
            if data.draw(st.booleans()) or not isinstance(node[index], dict | list):
                node[index] = data.draw(json_values)
                break
            node = node[index]
        else:
            break
    found = validate_plan(json.loads(json.dumps(plan, default=str)), PROFILE)
    assert isinstance(found, list)
    assert all(isinstance(v, Violation) for v in found)


def test_violations_serialise():
    plan = fresh()
    first_item(plan)["sets"] = 11
    found = validate_plan(plan, PROFILE)
    as_dicts = [v.to_dict() for v in found]
    assert as_dicts[0]["code"] == "sets"
    assert "days[0].exercises[0].sets" in as_dicts[0]["where"]
    assert json.loads(json.dumps(as_dicts)) == as_dicts


# --- the time model shared by the engine and the validator ----------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("10", (10, 10, False)),
        ("8-12", (8, 12, False)),
        ("8\u201312", (8, 12, False)),
        ("30s", (30, 30, True)),
        ("45 sec", (45, 45, True)),
        ("12-8", None),
        ("0", None),
        ("0s", None),
        ("ten", None),
        (10, None),
    ],
)
def test_parse_reps(text, expected):
    parsed = timing.parse_reps(text)
    assert (tuple(parsed) if parsed else None) == expected


def test_session_seconds_follows_the_stated_model():
    warmup = [timing.ItemTime(1, 40), timing.ItemTime(1, 30)]
    main = [timing.ItemTime(3, 40, 90), timing.ItemTime(2, 60, 60)]
    cooldown = [timing.ItemTime(1, 30)]
    expected = (3 * (40 + 90) + 2 * (60 + 60) + 2 * timing.MAIN_TRANSITION_SECONDS) + (
        40 + 30 + 30 + 3 * timing.DRILL_TRANSITION_SECONDS
    )
    assert timing.session_seconds(warmup, main, cooldown) == expected


def test_work_seconds_count_reps_and_sides():
    assert (
        timing.work_seconds(timing.Reps(8, 12, False), unilateral=False)
        == 10 * timing.SECONDS_PER_REP
    )
    assert (
        timing.work_seconds(timing.Reps(10, 10, False), unilateral=True)
        == 20 * timing.SECONDS_PER_REP
    )
    assert timing.work_seconds(timing.Reps(30, 30, True), unilateral=True) == 60


def test_time_window_is_ten_percent():
    assert timing.time_window(15) == (810, 990)
    assert timing.time_window(60) == (3240, 3960)
