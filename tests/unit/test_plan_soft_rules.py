"""The soft rules: each one named, with a readable message, when a small plan breaks it."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from vigor_app.services.catalogue.catalogue import available_for, get_exercise
from vigor_app.services.plans import soft_limits
from vigor_app.services.plans.engine import generate_plan
from vigor_app.services.plans.request import PlanInputs, Profile
from vigor_app.services.plans.soft_rules import SOFT_CODES, soft_violations
from vigor_app.services.plans.validation import Violation
from vigor_app.services.vocabulary import EQUIPMENT, GOALS, INJURIES, LEVELS
from vigor_app.services.vocabulary import STRENGTH_PATTERNS as STRENGTH

GYM = ("bodyweight", "barbell", "bench", "dumbbells", "pull_up_bar")


def inputs(
    *,
    goals: tuple[str, ...] = ("muscle_gain",),
    level: str = "intermediate",
    equipment: tuple[str, ...] = GYM,
    injuries: tuple[str, ...] = (),
    days: int = 3,
    minutes: int = 45,
) -> PlanInputs:
    return PlanInputs(level, goals, equipment, injuries, days, minutes)


def item(exercise_id: str, sets: int = 3, reps: str = "8", **extra: Any) -> dict[str, Any]:
    exercise = get_exercise(exercise_id)
    if exercise.timed:
        reps = "30s"
    return {
        "exercise_id": exercise_id,
        "name": exercise.name,
        "sets": sets,
        "reps": reps,
        "easier": None,
        "harder": None,
        **extra,
    }


def plan(*days: list[dict[str, Any]], names: tuple[str, ...] = ()) -> dict[str, Any]:
    labels = names or tuple(f"Day {n} \u2014 Full body" for n in range(1, len(days) + 1))
    return {
        "days": [
            {"name": name, "exercises": items} for name, items in zip(labels, days, strict=True)
        ]
    }


def found(code: str, the_plan: dict[str, Any], person: PlanInputs | None = None) -> list[Violation]:
    return [v for v in soft_violations(the_plan, person or inputs()) if v.code == code]


# -- sets per exercise -----------------------------------------------------------------


def test_a_lifting_exercise_at_one_set_is_named() -> None:
    day = [item("barbell-back-squat", 4), item("barbell-row", 1), item("barbell-curl", 6)]
    hits = found("soft_sets", plan(day))
    assert [v.where for v in hits] == ["days[0].exercises[1]", "days[0].exercises[2]"]
    assert "Barbell bent-over row has 1 set(s)" in hits[0].message and "2-5" in hits[0].message


def test_timed_and_mobility_items_may_have_one_set() -> None:
    day = [item("barbell-back-squat", 4), item("forearm-plank", 1), item("open-book", 1)]
    assert found("soft_sets", plan(day)) == []


def test_the_main_lift_needs_three_sets_and_the_most() -> None:
    short = [item("barbell-back-squat", 2), item("barbell-row", 2)]
    outdone = [item("barbell-back-squat", 3), item("dumbbell-rear-delt-fly", 5)]
    assert "has 2 set(s); it gets 3-5" in found("soft_main_sets", plan(short))[0].message
    message = found("soft_main_sets", plan(outdone))[0].message
    assert "fewer than Bent-over dumbbell rear-delt fly (5)" in message


def test_a_main_lift_with_the_most_sets_keeps_the_rule() -> None:
    day = [item("forearm-plank", 5), item("barbell-back-squat", 4), item("barbell-row", 4)]
    assert found("soft_main_sets", plan(day)) == []


def test_strength_main_lifts_stay_at_six_reps_or_fewer_in_long_weeks() -> None:
    person = inputs(goals=("strength",), days=4, minutes=60)
    high = plan([item("barbell-back-squat", 4, "8-10")])
    assert (
        "8-10 reps; a strength goal wants 1-6"
        in found("soft_strength_reps", high, person)[0].message
    )
    assert found("soft_strength_reps", plan([item("barbell-back-squat", 4, "3-5")]), person) == []
    assert (
        found("soft_strength_reps", high, inputs(goals=("muscle_gain",), days=4, minutes=60)) == []
    )


# -- weekly volume -------------------------------------------------------------------


def balanced_week(sets: int = 8) -> dict[str, Any]:
    """Every soft muscle at `sets` or more (primary 1, secondary ½), pushes = pulls."""
    return plan(
        [
            item("barbell-bench-press", sets // 2),
            item("barbell-row", sets // 2),
            item("barbell-back-squat", sets // 2),
        ],
        [
            item("barbell-overhead-press", sets // 2),
            item("barbell-row", sets // 2),
            item("barbell-romanian-deadlift", sets // 2),
        ],
        [
            item("barbell-bench-press", sets // 2),
            item("barbell-overhead-press", sets // 2),
            item("barbell-back-squat", sets // 2),
            item("barbell-romanian-deadlift", sets // 2),
        ],
    )


def test_a_week_at_the_floor_keeps_the_volume_rules() -> None:
    assert found("soft_volume_low", balanced_week()) == []
    assert found("soft_volume_high", balanced_week()) == []


def test_a_muscle_below_the_floor_is_named_with_its_numbers() -> None:
    week = plan([item("barbell-back-squat", 8), item("barbell-bench-press", 8)])
    messages = [v.message for v in found("soft_volume_low", week)]
    assert any(m.startswith("back: 0 sets this week, at least 8 wanted") for m in messages)
    assert any(m.startswith("shoulders: 4 sets") for m in messages)  # 8 sets at one half
    assert not any(m.startswith(("chest", "quads")) for m in messages)


def test_a_muscle_over_the_ceiling_is_named() -> None:
    week = balanced_week()
    week["days"][0]["exercises"].append(item("push-up", 10))
    week["days"][1]["exercises"].append(item("dumbbell-bench-press", 10))
    hits = found("soft_volume_high", week)
    assert [v.message for v in hits] == ["chest: 28 sets this week, at most 25 wanted"]


def test_the_floor_follows_goal_level_and_time() -> None:
    assert soft_limits.volume_floor(("muscle_gain",), "advanced", 3 * 45) == 8
    assert soft_limits.volume_floor(("muscle_gain",), "advanced", 4 * 60) == 12
    assert soft_limits.volume_floor(("strength",), "beginner", 6 * 90) == 8
    assert soft_limits.volume_floor(("endurance",), "intermediate", 5 * 60) == 5
    assert soft_limits.volume_floor(("muscle_gain",), "beginner", 2 * 30) == 3  # 8 x 60/135
    assert soft_limits.volume_floor(("mobility",), "beginner", 2 * 15) == 1
    assert soft_limits.volume_ceiling(("muscle_gain",), "beginner", 4 * 60) == 14
    assert soft_limits.volume_ceiling(("muscle_gain", "strength"), "beginner", 4 * 60) == 25


def test_an_injury_lowers_the_floor_only_for_the_muscles_it_takes_out() -> None:
    hurt = inputs(equipment=("bodyweight",), injuries=INJURIES)
    pool = available_for(hurt.equipment, hurt.injuries, hurt.level)
    assert not any("chest" in e.primary_muscles for e in pool if e.pattern != "mobility")
    week = plan([item("glute-bridge", 4)])
    assert not any(v.message.startswith("chest") for v in found("soft_volume_low", week, hurt))
    assert any(v.message.startswith("glutes") for v in found("soft_volume_low", week, hurt))
    healthy = inputs(equipment=("bodyweight",))
    assert any(v.message.startswith("chest") for v in found("soft_volume_low", week, healthy))


# -- balance ----------------------------------------------------------------------------


def test_push_and_pull_out_of_balance_is_named() -> None:
    week = plan(
        [item("barbell-bench-press", 5), item("barbell-overhead-press", 5), item("barbell-row", 4)]
    )
    assert found("soft_push_pull", week)[0].message == "push:pull sets 10:4 (2.50); wanted 0.67-1.5"
    even = plan([item("barbell-bench-press", 4), item("barbell-row", 4)])
    assert found("soft_push_pull", even) == []


def test_squat_and_hinge_out_of_balance_is_named() -> None:
    week = plan([item("barbell-back-squat", 5), item("dumbbell-reverse-lunge", 5)])
    assert "sets 10:0 (no hinge); wanted 0.5-2" in found("soft_squat_hinge", week)[0].message
    even = plan([item("barbell-back-squat", 4), item("barbell-deadlift", 3)])
    assert found("soft_squat_hinge", even) == []


# -- redundancy and focus ---------------------------------------------------------------


def test_three_calf_raises_in_a_day_are_redundant() -> None:
    day = [
        item("barbell-back-squat", 4),
        item("dumbbell-calf-raise", 3),
        item("single-leg-calf-raise", 1),
        item("standing-calf-raise", 1),
    ]
    hits = found("soft_redundant", plan(day))
    assert len(hits) == 1 and "3 isolation squat exercises for calves" in hits[0].message


def test_different_muscles_or_types_are_not_redundant() -> None:
    day = [item("barbell-back-squat", 4), item("dumbbell-calf-raise", 3), item("leg-extension", 3)]
    assert found("soft_redundant", plan(day)) == []


def test_a_bench_dip_on_a_lower_day_does_not_fit_its_focus() -> None:
    lower = plan(
        [item("barbell-back-squat", 4), item("bench-dip", 3), item("forearm-plank", 2)],
        names=("Day 2 \u2014 Lower A",),
    )
    hits = found("soft_focus", lower)
    assert [v.message for v in hits] == [
        "Day 2 \u2014 Lower A: Bench dip (horizontal push) does not fit the day's focus"
    ]
    upper = plan(
        [item("barbell-bench-press", 4), item("bench-dip", 3)], names=("Day 1 \u2014 Upper A",)
    )
    assert found("soft_focus", upper) == []


# -- main lifts and variations -------------------------------------------------------------


def test_a_floor_or_close_grip_press_is_not_the_main_press_with_a_barbell_and_bench() -> None:
    for demoted in ("barbell-floor-press", "close-grip-bench-press", "dumbbell-bench-press"):
        hits = found("soft_main_lift", plan([item(demoted, 4)]))
        assert len(hits) == 1 and "but Barbell bench press is a more effective" in hits[0].message
    assert found("soft_main_lift", plan([item("barbell-bench-press", 4)])) == []


def test_a_towel_floor_pull_is_not_the_main_pull_with_a_bar() -> None:
    hits = found("soft_main_lift", plan([item("towel-floor-pull", 4)]))
    assert "main vertical pull lift Towel floor pull, but" in hits[0].message
    assert found("soft_main_lift", plan([item("pull-up", 4)])) == []
    bodyweight = inputs(equipment=("bodyweight",))
    assert found("soft_main_lift", plan([item("towel-floor-pull", 4)]), bodyweight) == []


def test_injuries_decide_the_best_main_lift() -> None:
    back = inputs(injuries=("lower_back",))
    assert found("soft_main_lift", plan([item("dumbbell-front-squat", 4)]), back) == []
    hits = found("soft_main_lift", plan([item("dumbbell-front-squat", 4)]))
    assert "but Barbell back squat is" in hits[0].message


def test_variations_must_follow_the_catalogue_difficulty_and_type() -> None:
    wrong = item(
        "dumbbell-floor-press", 3, easier="barbell-bench-press", harder="dumbbell-skull-crusher"
    )
    messages = [v.message for v in found("soft_variation", plan([wrong]))]
    assert len(messages) == 2
    assert (
        "easier Barbell bench press" in messages[0] and "difficulty 5 is not below 3" in messages[0]
    )
    assert "type isolation differs from compound" in messages[1]
    right = item("dumbbell-floor-press", 3, easier="incline-push-up", harder="push-up")
    assert found("soft_variation", plan([right])) == []


# -- robustness and the engine ---------------------------------------------------------------


def test_unreadable_plans_are_skipped_not_raised() -> None:
    assert soft_violations("garbage", inputs()) == []
    junk = {
        "days": [
            None,
            {
                "exercises": [
                    None,
                    {"exercise_id": "nope", "sets": 3},
                    {"exercise_id": "push-up", "sets": "3"},
                ]
            },
        ]
    }
    # the unreadable items are skipped; the week is judged on what is left (nothing)
    assert {v.code for v in soft_violations(junk, inputs())} == {"soft_volume_low"}


profiles = st.builds(
    Profile,
    fitness_level=st.sampled_from(LEVELS),
    goals=st.lists(st.sampled_from(GOALS), min_size=1, max_size=3, unique=True),
    equipment=st.lists(st.sampled_from(EQUIPMENT), unique=True),
    injuries=st.lists(st.sampled_from(INJURIES), max_size=3, unique=True),
    days_per_week=st.integers(2, 6),
    session_minutes=st.integers(15, 120),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(profile=profiles, seed=st.integers(0, 2**31))
def test_the_checks_read_every_engine_plan(profile: Profile, seed: int) -> None:
    found_all = soft_violations(generate_plan(profile, seed=seed).to_dict(), profile)
    for violation in found_all:
        assert violation.code in SOFT_CODES
        assert violation.message and violation.where


# -- the engine keeps them -------------------------------------------------------------------

uninjured_full_weeks = st.builds(
    Profile,
    fitness_level=st.sampled_from(LEVELS),
    goals=st.lists(st.sampled_from(GOALS), min_size=1, max_size=3, unique=True),
    equipment=st.lists(st.sampled_from(EQUIPMENT), unique=True),
    injuries=st.just([]),
    days_per_week=st.integers(3, 6),
    session_minutes=st.integers(45, 120),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(profile=uninjured_full_weeks, seed=st.integers(0, 2**31))
# Found by this property: the glutes full at 25 while the hamstrings lacked a set - only a
# hamstring exercise that spares the glutes (a leg curl) could be added, and none was tried.
@example(profile=Profile(fitness_level="advanced", goals=("muscle_gain",), equipment=(
    "bodyweight", "dumbbells", "barbell", "kettlebells", "bench", "pull_up_bar", "resistance_bands",
    "cable_machine", "machines", "cardio_machine"), injuries=(), days_per_week=3, session_minutes=80),
    seed=3)
def test_engine_plans_for_uninjured_full_weeks_break_no_soft_rule(
    profile: Profile, seed: int
) -> None:
    plan = generate_plan(profile, seed=seed).to_dict()
    assert [str(v) for v in soft_violations(plan, profile)] == []


def test_the_issue_examples_are_gone_from_a_gym_plan() -> None:
    """A barbell, bench and pull-up bar: the main press is the bench press, the main
    vertical pull a pull-up, no lift at one set, no three calf raises, no dip on a lower day."""
    person = Profile(
        fitness_level="intermediate",
        goals=["muscle_gain"],
        equipment=["barbell", "bench", "pull_up_bar", "dumbbells"],
        days_per_week=4,
        session_minutes=60,
    )
    for seed in range(20):
        plan = generate_plan(person, seed=seed).to_dict()
        assert soft_violations(plan, person) == []
        days = plan["days"]
        firsts = [get_exercise(day["exercises"][0]["exercise_id"]) for day in days]
        presses = [e.id for e in firsts if e.pattern == "horizontal_push"]
        pulls = [e.id for e in firsts if e.pattern == "vertical_pull"]
        assert presses == ["barbell-bench-press"] and pulls in (["pull-up"], ["chin-up"])
        for item in (i for day in days for i in day["exercises"]):
            exercise = get_exercise(item["exercise_id"])
            if exercise.pattern in STRENGTH and not exercise.timed:
                assert 2 <= item["sets"] <= 5, item


def test_full_sessions_with_floors_met_exactly_balance_by_swapping_a_push_accessory_for_a_pull():
    # Found by bench/plan_quality.py (--profiles 6000 --seed 99): three full 51-minute days with
    # a lower-back focus left no time for another pull and no push set a floor could spare,
    # so push:pull stayed at 14:8 - a machine lateral raise now becomes a rear-delt fly.
    inputs = PlanInputs(level="intermediate", goals=("muscle_gain", "strength"), equipment=(
        "bodyweight", "dumbbells", "barbell", "kettlebells", "bench", "pull_up_bar", "resistance_bands",
        "cable_machine", "machines", "cardio_machine"), injuries=(), days_per_week=3, session_minutes=51,
        preferred_weekdays=(), focus=("lower_back",), intensity="easy")
    plan = generate_plan(inputs, seed=1948436088).to_dict()
    assert [str(v) for v in soft_violations(plan, inputs)] == []
    names = [i["name"] for day in plan["days"] for i in day["exercises"]]
    assert "Bent-over dumbbell rear-delt fly" in names and "Machine lateral raise" not in names


def test_a_focus_may_tilt_a_balance_toward_its_side_and_only_that_way():
    # Found by bench/plan_quality.py (--profiles 6000 --seed 7): a quads focus brings a lunge
    # to every day, 16 squat and lunge sets against 7 hinge sets - what the person asked for.
    inputs = PlanInputs(level="intermediate", goals=("muscle_gain", "fat_loss", "endurance"), equipment=(
        "bodyweight", "dumbbells", "kettlebells", "bench", "cardio_machine"), injuries=(), days_per_week=3,
        session_minutes=52, preferred_weekdays=(), focus=("quads",), intensity="hard")
    plan = generate_plan(inputs, seed=87933914).to_dict()
    assert [str(v) for v in soft_violations(plan, inputs)] == []
    unfocused = PlanInputs(**{**inputs.__dict__, "focus": ()})
    assert "soft_squat_hinge" in {v.code for v in soft_violations(plan, unfocused)}
    hinge_focus = PlanInputs(**{**inputs.__dict__, "focus": ("hamstrings",)})
    assert "soft_squat_hinge" in {v.code for v in soft_violations(plan, hinge_focus)}
    assert soft_limits.focus_tilt("push_pull", soft_limits.PUSH_PATTERNS, soft_limits.PULL_PATTERNS,
                                  ("chest", "back")) == ""
