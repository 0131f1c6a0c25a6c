"""The built-in plan engine: every plan valid, goal-shaped, deterministic and on time."""

from __future__ import annotations

import json
from statistics import mean

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from vigor_app.services.catalogue.catalogue import available_for, get_exercise
from vigor_app.services.plans import schedule, timing
from vigor_app.services.plans.engine import generate_plan
from vigor_app.services.plans.request import (
    PlanInputError,
    PlanInputs,
    PlanRequest,
    Profile,
    coerce_inputs,
    resolve_inputs,
)
from vigor_app.services.plans.validation import validate_plan
from vigor_app.services.vocabulary import (
    EQUIPMENT,
    FOCUS_AREAS,
    GOALS,
    INJURIES,
    INTENSITIES,
    LEVELS,
    WEEKDAYS,
)

SINGLE_KITS = [("bodyweight",)] + [("bodyweight", e) for e in EQUIPMENT if e != "bodyweight"]
FULL_GYM = (
    "barbell",
    "dumbbells",
    "bench",
    "pull_up_bar",
    "cable_machine",
    "machines",
    "cardio_machine",
)

profiles = st.builds(
    Profile,
    fitness_level=st.sampled_from(LEVELS),
    goals=st.lists(st.sampled_from(GOALS), min_size=1, max_size=3, unique=True),
    equipment=st.lists(st.sampled_from(EQUIPMENT), unique=True),
    injuries=st.one_of(
        st.lists(st.sampled_from(INJURIES), max_size=3, unique=True),
        st.just(list(INJURIES)),
    ),
    days_per_week=st.integers(2, 6),
    session_minutes=st.integers(15, 120),
    preferred_weekdays=st.one_of(st.just(()), st.lists(st.sampled_from(WEEKDAYS), unique=True)),
)
requests = st.one_of(
    st.none(),
    st.builds(
        PlanRequest,
        goals=st.one_of(
            st.none(), st.lists(st.sampled_from(GOALS), min_size=1, max_size=2, unique=True)
        ),
        days_per_week=st.one_of(st.none(), st.integers(2, 6)),
        session_minutes=st.one_of(st.none(), st.integers(15, 120)),
        focus=st.lists(st.sampled_from(FOCUS_AREAS), max_size=2, unique=True),
        intensity=st.sampled_from(INTENSITIES),
    ),
)
seeds = st.integers(0, 2**31)


def _items(plan: dict) -> list[dict]:
    return [item for day in plan["days"] for item in day["exercises"]]


def _reps(item: dict) -> timing.Reps:
    reps = timing.parse_reps(item["reps"])
    assert reps is not None
    return reps


# --- the main property ---------------------------------------------------------------------


@settings(max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(profile=profiles, request=requests, seed=seeds)
# Found by bench/plan_quality.py (1 of 6,000): two full 32-minute days left no room for the
# hard core floor, because making room kept the soft floors and balances first.
@example(profile=Profile(fitness_level="intermediate", goals=("strength", "endurance", "general_fitness"),
                         equipment=("bodyweight", "barbell", "kettlebells", "bench", "pull_up_bar", "machines"),
                         injuries=("knee", "lower_back"), days_per_week=2, session_minutes=32),
         request=None, seed=2122099853)
# ...and making that room by taking a soft floor's set only when even forcing a set failed:
# done earlier, the soft floor took the set straight back, round after round.
@example(profile=Profile(fitness_level="advanced", goals=("general_fitness", "strength"),
                         equipment=("bodyweight", "dumbbells", "barbell", "bench", "pull_up_bar",
                                    "resistance_bands", "cable_machine", "machines", "cardio_machine"),
                         injuries=("shoulder", "elbow", "wrist", "lower_back", "hip", "knee", "ankle", "neck"),
                         days_per_week=6, session_minutes=46),
         request=None, seed=1573184067)
def test_every_generated_plan_is_valid(profile, request, seed):
    plan = generate_plan(profile, request, seed).to_dict()
    inputs = resolve_inputs(profile, request)
    assert validate_plan(plan, profile, request) == []
    assert json.loads(json.dumps(plan)) == plan
    assert plan["engine"] == "builtin" and plan["seed"] == seed
    assert len(plan["days"]) == inputs.days_per_week
    low, high = timing.time_window(inputs.session_minutes)
    for day in plan["days"]:
        assert low / 60 - 1 <= day["estimated_minutes"] <= high / 60 + 1
        assert day["exercises"], "every session has a main part"
        for item in day["exercises"]:
            assert item["reason"].strip()
            assert item["progression"] in {
                "double_progression",
                "load_step",
                "time_step",
                "rep_step",
            }


# --- goals shape the plan ----------------------------------------------------------------------


def _qualifying_strength_lift(exercise_id: str) -> bool:
    exercise = get_exercise(exercise_id)
    return (
        exercise.is_compound
        and bool({"barbell", "dumbbells"} & set(exercise.equipment))
        and exercise.rep_range is not None
        and exercise.rep_range[0] <= 6
    )


@settings(max_examples=300, deadline=None)
@given(profile=profiles, seed=seeds)
def test_strength_goal_brings_low_rep_loaded_compound_lifts(profile, seed):
    profile = Profile(**{**profile.__dict__, "goals": ("strength",)})
    pool = available_for(profile.equipment, profile.injuries, profile.fitness_level)
    plan = generate_plan(profile, seed=seed).to_dict()
    if not any(_qualifying_strength_lift(e.id) for e in pool):
        return
    heavy = [
        item
        for item in _items(plan)
        if _qualifying_strength_lift(item["exercise_id"]) and _reps(item).high <= 6
    ]
    assert heavy, "a low-rep barbell or dumbbell compound lift"
    assert max(item["rest_seconds"] for item in heavy) >= 90
    if profile.session_minutes >= 45:
        assert max(item["rest_seconds"] for item in heavy) >= 120


def test_strength_with_a_barbell_trains_heavy_and_rests_long():
    plan = generate_plan(
        Profile(
            fitness_level="intermediate",
            goals=["strength"],
            equipment=["barbell", "bench"],
            days_per_week=3,
            session_minutes=60,
        ),
        seed=5,
    ).to_dict()
    mains = [i for i in _items(plan) if i["reason"].startswith("Main")]
    assert mains and all(_reps(i).high <= 6 for i in mains if not _reps(i).timed)
    assert any("barbell" in get_exercise(i["exercise_id"]).equipment for i in mains)
    assert mean(i["rest_seconds"] for i in mains) >= 150
    assert {i["progression"] for i in mains} & {"load_step"}


@settings(max_examples=200, deadline=None)
@given(profile=profiles, seed=seeds)
def test_muscle_gain_uses_moderate_reps(profile, seed):
    profile = Profile(**{**profile.__dict__, "goals": ("muscle_gain",)})
    plan = generate_plan(profile, seed=seed).to_dict()
    counted = [
        i for i in _items(plan) if get_exercise(i["exercise_id"]).groups and not _reps(i).timed
    ]
    in_band = [i for i in counted if 5 <= _reps(i).low and _reps(i).high <= 20]
    assert len(in_band) == len(counted)
    # Exercises whose own range reaches moderate reps are prescribed 6-15 reps.
    can_be_moderate = [
        i
        for i in counted
        if get_exercise(i["exercise_id"]).rep_range[0] <= 13
        and get_exercise(i["exercise_id"]).rep_range[1] >= 8
    ]
    assert all(6 <= _reps(i).low and _reps(i).high <= 15 for i in can_be_moderate)


@settings(max_examples=200, deadline=None)
@given(profile=profiles, seed=seeds, goal=st.sampled_from(["endurance", "fat_loss"]))
def test_endurance_and_fat_loss_bring_conditioning_and_short_rests(profile, seed, goal):
    profile = Profile(**{**profile.__dict__, "goals": (goal,)})
    plan = generate_plan(profile, seed=seed).to_dict()
    per_day = [
        [i for i in day["exercises"] if get_exercise(i["exercise_id"]).pattern == "conditioning"]
        for day in plan["days"]
    ]
    assert any(per_day), "conditioning somewhere in the week"
    if profile.session_minutes >= 30:
        assert all(per_day), "conditioning in every session"
    counted = [i for i in _items(plan) if get_exercise(i["exercise_id"]).groups]
    if counted:
        assert mean(i["rest_seconds"] for i in counted) <= 90


def test_endurance_rests_shorter_and_reps_higher_than_strength():
    base = dict(
        fitness_level="intermediate",
        equipment=["dumbbells", "bench"],
        days_per_week=3,
        session_minutes=45,
    )
    strength = _items(generate_plan(Profile(goals=["strength"], **base), seed=1).to_dict())
    endurance = _items(generate_plan(Profile(goals=["endurance"], **base), seed=1).to_dict())

    def counted(items):
        return [i for i in items if get_exercise(i["exercise_id"]).groups and not _reps(i).timed]

    assert mean(i["rest_seconds"] for i in counted(endurance)) < mean(
        i["rest_seconds"] for i in counted(strength)
    )
    assert mean(_reps(i).middle for i in counted(endurance)) > mean(
        _reps(i).middle for i in counted(strength)
    )


@settings(max_examples=200, deadline=None)
@given(profile=profiles, seed=seeds)
def test_mobility_goal_puts_drills_in_the_main_part(profile, seed):
    profile = Profile(**{**profile.__dict__, "goals": ("mobility",)})
    plan = generate_plan(profile, seed=seed).to_dict()
    per_day = [
        any(get_exercise(i["exercise_id"]).pattern == "mobility" for i in day["exercises"])
        for day in plan["days"]
    ]
    assert any(per_day)
    if profile.session_minutes >= 30:
        assert all(per_day)


def test_focus_adds_work_for_the_named_muscle():
    profile = Profile(
        fitness_level="intermediate",
        goals=["muscle_gain"],
        equipment=["dumbbells", "bench"],
        days_per_week=4,
        session_minutes=60,
    )

    def biceps_sets(request):
        plan = generate_plan(profile, request, seed=2).to_dict()
        return sum(
            i["sets"]
            for i in _items(plan)
            if "biceps" in get_exercise(i["exercise_id"]).primary_muscles
        )

    assert biceps_sets(PlanRequest(focus=["biceps"])) > biceps_sets(None)


def test_intensity_moves_the_effort_target():
    profile = Profile(
        fitness_level="intermediate", goals=["general_fitness"], equipment=["dumbbells"]
    )

    def effort(intensity):
        return mean(
            i["rpe"]
            for i in _items(generate_plan(profile, PlanRequest(intensity=intensity), 4).to_dict())
        )

    assert effort("easy") < effort("normal") < effort("hard")


def test_request_overrides_profile_goals_days_and_length():
    profile = Profile(goals=["strength"], days_per_week=3, session_minutes=45)
    request = PlanRequest(goals=["endurance"], days_per_week=5, session_minutes=30)
    plan = generate_plan(profile, request, 0).to_dict()
    assert len(plan["days"]) == 5
    assert plan["inputs"]["goals"] == ["endurance"]
    assert all(abs(d["estimated_minutes"] - 30) <= 3 for d in plan["days"])


# --- structure -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("days", "split"),
    [
        (2, "full_body"),
        (3, "full_body"),
        (4, "upper_lower"),
        (5, "push_pull_legs_upper_lower"),
        (6, "push_pull_legs"),
    ],
)
def test_split_follows_days_per_week(days, split):
    plan = generate_plan(Profile(days_per_week=days, equipment=list(FULL_GYM)), seed=0).to_dict()
    assert plan["split"] == split
    assert len(plan["days"]) == days
    assert [d["name"].split(" \u2014 ")[0] for d in plan["days"]] == [
        f"Day {n}" for n in range(1, days + 1)
    ]
    assert len(set(plan["rest_days"]) | {d["weekday"] for d in plan["days"]}) == 7


def test_same_inputs_and_seed_give_the_same_plan():
    profile = Profile(
        fitness_level="advanced",
        goals=["muscle_gain", "fat_loss"],
        equipment=list(FULL_GYM),
        injuries=["knee"],
        days_per_week=5,
        session_minutes=70,
    )
    request = PlanRequest(focus=["glutes"], intensity="hard")
    assert (
        generate_plan(profile, request, 11).to_dict()
        == generate_plan(profile, request, 11).to_dict()
    )


@pytest.mark.parametrize("kit", [("bodyweight",), FULL_GYM, ("dumbbells", "resistance_bands")])
def test_different_seeds_give_different_valid_plans(kit):
    profile = Profile(
        fitness_level="intermediate",
        goals=["general_fitness"],
        equipment=list(kit),
        days_per_week=3,
        session_minutes=45,
    )
    plans = [generate_plan(profile, seed=seed).to_dict() for seed in range(8)]
    assert all(validate_plan(p, profile) == [] for p in plans)
    distinct = {json.dumps(p["days"], sort_keys=True) for p in plans}
    assert len(distinct) >= 6


@pytest.mark.parametrize("kit", SINGLE_KITS, ids=lambda kit: "+".join(kit))
@pytest.mark.parametrize("level", LEVELS)
def test_every_injury_at_once_still_gives_a_valid_safe_plan(kit, level):
    for days, minutes in ((2, 15), (4, 45), (6, 120)):
        profile = Profile(
            fitness_level=level,
            goals=["general_fitness"],
            equipment=list(kit),
            injuries=list(INJURIES),
            days_per_week=days,
            session_minutes=minutes,
        )
        plan = generate_plan(profile, seed=days).to_dict()
        assert validate_plan(plan, profile) == []
        for day in plan["days"]:
            for item in day["warmup"] + day["exercises"] + day["cooldown"]:
                assert get_exercise(item["exercise_id"]).unsafe_for == ()
            for item in day["exercises"]:  # the one-line reason says what the exercise is
                exercise = get_exercise(item["exercise_id"])
                if item["reason"].startswith(("Main", "Second")):
                    assert ("movement:" in item["reason"]) == exercise.is_compound, item
                    if not exercise.is_compound:
                        assert exercise.primary_muscles[0].replace("_", " ") in item["reason"]


@pytest.mark.parametrize("kit", SINGLE_KITS, ids=lambda kit: "+".join(kit))
@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize(
    "injuries", [(), ("knee",), ("shoulder", "wrist"), ("lower_back", "hip", "ankle")]
)
def test_every_single_piece_of_kit_builds_a_valid_week(kit, level, injuries):
    for goals, days, minutes in (
        (["strength"], 3, 45),
        (["muscle_gain", "mobility"], 5, 75),
        (["fat_loss"], 2, 20),
    ):
        profile = Profile(
            fitness_level=level,
            goals=goals,
            equipment=list(kit),
            injuries=list(injuries),
            days_per_week=days,
            session_minutes=minutes,
        )
        assert validate_plan(generate_plan(profile, seed=1).to_dict(), profile) == []


@pytest.mark.parametrize("minutes", [15, 16, 20])
@pytest.mark.parametrize(
    "goals", [["strength"], ["endurance"], ["mobility", "muscle_gain", "fat_loss"]]
)
def test_very_short_sessions_stay_on_time(minutes, goals):
    profile = Profile(
        fitness_level="advanced",
        goals=goals,
        equipment=list(FULL_GYM),
        days_per_week=2,
        session_minutes=minutes,
    )
    plan = generate_plan(profile, PlanRequest(focus=["chest", "carry"]), seed=3).to_dict()
    low, high = timing.time_window(minutes)
    for day in plan["days"]:
        seconds = timing.session_seconds(*_day_times(day))
        assert low <= seconds <= high
    assert validate_plan(plan, profile, PlanRequest(focus=["chest", "carry"])) == []


def _day_times(day):
    def times(items, main):
        out = []
        for item in items:
            exercise = get_exercise(item["exercise_id"])
            work = timing.work_seconds(_reps(item), exercise.unilateral)
            out.append(timing.ItemTime(item["sets"], work, item["rest_seconds"] if main else 0))
        return out

    return times(day["warmup"], False), times(day["exercises"], True), times(day["cooldown"], False)


def test_estimated_minutes_come_from_the_time_model():
    plan = generate_plan(
        Profile(goals=["muscle_gain"], equipment=["dumbbells"], session_minutes=50), seed=9
    ).to_dict()
    for day in plan["days"]:
        assert day["estimated_minutes"] == timing.estimated_minutes(
            timing.session_seconds(*_day_times(day))
        )


@settings(max_examples=200, deadline=None)
@given(profile=profiles, seed=seeds)
def test_preferred_weekdays_and_rest_days(profile, seed):
    plan = generate_plan(profile, seed=seed).to_dict()
    chosen = tuple(d["weekday"] for d in plan["days"])
    assert len(set(chosen)) == len(chosen)
    assert schedule.honours_preferences(chosen, profile.days_per_week, profile.preferred_weekdays)
    assert set(plan["rest_days"]) == set(WEEKDAYS) - set(chosen)
    assert schedule.longest_run(chosen) <= schedule.max_run_allowed(
        profile.days_per_week, profile.preferred_weekdays
    )


def test_default_weekdays_spread_the_week():
    assert schedule.choose_weekdays(2) == ("mon", "thu")
    assert schedule.choose_weekdays(3) == ("mon", "wed", "fri")
    assert schedule.longest_run(schedule.choose_weekdays(4)) == 2
    assert schedule.longest_run(schedule.choose_weekdays(5)) <= 3
    assert schedule.choose_weekdays(3, ("tue", "sat")) == ("tue", "thu", "sat")
    assert schedule.choose_weekdays(2, ("mon", "tue", "wed", "thu")) == ("mon", "thu")


def test_longest_run_wraps_over_the_weekend():
    assert schedule.longest_run(("sat", "sun", "mon")) == 3
    assert schedule.longest_run(("mon", "wed", "fri")) == 1
    assert schedule.longest_run(WEEKDAYS) == 7
    assert schedule.max_run_allowed(6, ()) == 6
    assert schedule.max_run_allowed(3, ()) == 3
    assert schedule.max_run_allowed(4, ("mon", "tue", "wed", "thu")) == 4


def test_variations_are_easier_and_harder_versions():
    profile = Profile(
        fitness_level="intermediate",
        goals=["muscle_gain"],
        equipment=list(FULL_GYM),
        days_per_week=4,
    )
    for item in _items(generate_plan(profile, seed=6).to_dict()):
        exercise = get_exercise(item["exercise_id"])
        if item["easier"]:
            easier = get_exercise(item["easier"])
            assert easier.pattern == exercise.pattern and easier.difficulty < exercise.difficulty
        if item["harder"]:
            harder = get_exercise(item["harder"])
            assert harder.pattern == exercise.pattern and harder.difficulty > exercise.difficulty


def test_progression_rules_match_the_prescription():
    profile = Profile(
        fitness_level="advanced",
        goals=["strength", "endurance"],
        equipment=list(FULL_GYM),
        days_per_week=4,
        session_minutes=75,
    )
    for item in _items(generate_plan(profile, seed=8).to_dict()):
        exercise, reps = get_exercise(item["exercise_id"]), _reps(item)
        if reps.timed:
            assert item["progression"] == "time_step"
        elif set(exercise.equipment) <= {"bodyweight", "bench", "pull_up_bar", "resistance_bands"}:
            assert item["progression"] == "rep_step"
        elif reps.low == reps.high:
            assert item["progression"] == "load_step"
        else:
            assert item["progression"] == "double_progression"


# --- inputs ----------------------------------------------------------------------------------------


def test_profile_defaults():
    profile = Profile.from_dict({})
    assert profile == Profile("beginner", ("general_fitness",), ("bodyweight",), (), 3, 45, ())


def test_profile_normalises_lists():
    profile = Profile.from_dict(
        {
            "goals": ["strength", "strength"],
            "equipment": ["barbell"],
            "preferred_weekdays": ["fri", "mon"],
        }
    )
    assert profile.goals == ("strength",)
    assert profile.equipment == ("bodyweight", "barbell")
    assert profile.preferred_weekdays == ("mon", "fri")


@pytest.mark.parametrize(
    ("data", "key"),
    [
        ({"colour": "red"}, "colour"),
        ({"fitness_level": "expert"}, "fitness_level"),
        ({"goals": []}, "goals"),
        ({"goals": "strength"}, "goals"),
        ({"goals": ["yoga"]}, "goals"),
        ({"equipment": ["trx"]}, "equipment"),
        ({"injuries": ["toe"]}, "injuries"),
        ({"days_per_week": 7}, "days_per_week"),
        ({"days_per_week": "3"}, "days_per_week"),
        ({"days_per_week": True}, "days_per_week"),
        ({"session_minutes": 10}, "session_minutes"),
        ({"session_minutes": 121}, "session_minutes"),
        ({"preferred_weekdays": ["monday"]}, "preferred_weekdays"),
    ],
)
def test_profile_refuses_bad_input_naming_the_key(data, key):
    with pytest.raises(PlanInputError) as caught:
        Profile.from_dict(data)
    assert caught.value.key == key
    assert key in str(caught.value)


def test_request_refuses_bad_input_naming_the_key():
    with pytest.raises(PlanInputError, match="intensity"):
        PlanRequest.from_dict({"intensity": "brutal"})
    with pytest.raises(PlanInputError, match="focus"):
        PlanRequest.from_dict({"focus": ["toes"]})
    assert PlanRequest.from_dict({"focus": ["glutes", "core"]}).focus == ("glutes", "core")


def test_coerce_inputs_accepts_profiles_dicts_and_inputs():
    from_dict = coerce_inputs({"fitness_level": "advanced"}, {"days_per_week": 4})
    assert isinstance(from_dict, PlanInputs)
    assert (from_dict.level, from_dict.days_per_week) == ("advanced", 4)
    assert coerce_inputs(from_dict) is from_dict
    assert coerce_inputs(Profile()) == resolve_inputs(Profile())


def test_plan_accepts_a_profile_dict():
    plan = generate_plan(
        {"fitness_level": "intermediate", "equipment": ["kettlebells"]}, seed=1
    ).to_dict()
    assert plan["inputs"]["fitness_level"] == "intermediate"
    assert (
        validate_plan(plan, {"fitness_level": "intermediate", "equipment": ["kettlebells"]}) == []
    )
