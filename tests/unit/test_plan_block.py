"""A plan's block: weeks by each exercise's rule and a deload, warm-up ramps and notes."""

from __future__ import annotations

import copy
import dataclasses
import math
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.unit.test_plan_soft_rules import profiles
from vigor_app.services.catalogue.catalogue import load_catalogue
from vigor_app.services.plans import block, library, progression, rules, soft_limits, timing
from vigor_app.services.plans.block import block_weeks, current_week, laid_over, with_block
from vigor_app.services.plans.engine import generate_plan
from vigor_app.services.plans.plan_notes import plan_notes
from vigor_app.services.plans.request import PlanInputs, Profile, resolve_inputs
from vigor_app.services.plans.soft_rules import soft_violations
from vigor_app.services.plans.validation import validate_plan
from vigor_app.services.plans.warmups import day_ramps, needs_ramp, ramp, ramp_steps, ramp_text
from vigor_app.services.units import KG, LB, from_kg, to_kg
from vigor_app.services.vocabulary import STRENGTH_PATTERNS

CATALOGUE = load_catalogue()
GYM = ("barbell", "bench", "dumbbells", "pull_up_bar")
STRENGTH = Profile(fitness_level="intermediate", goals=("strength",), equipment=GYM,
                   days_per_week=3, session_minutes=60)
PLAN = generate_plan(STRENGTH, seed=1).to_dict()  # 5 weeks; day 1 opens with a back squat, 4 x 6
DELOAD_NOTE = "Deload: about 10 % lighter than last week, half the sets, stop well short of failure."
HELD_NOTE = "Same target as last week: the session has no time for more this week."


def person(level: str = "intermediate", minutes: int = 60, goals: tuple[str, ...] = ("muscle_gain",),
           injuries: tuple[str, ...] = (), days: int = 3, kit: tuple[str, ...] = GYM) -> PlanInputs:
    return PlanInputs(level, goals, ("bodyweight", *kit), injuries, days, minutes)


def item(exercise_id: str, reps: str, sets: int = 3, rpe: float = 7.5, rest: int = 90) -> dict[str, Any]:
    exercise = CATALOGUE.get(exercise_id)
    parsed = timing.parse_reps(reps)
    assert parsed is not None
    return {"exercise_id": exercise_id, "name": exercise.name, "sets": sets, "reps": reps,
            "rest_seconds": rest, "rpe": rpe, "progression": progression.rule_for(exercise, parsed)}


def one_day(*items: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"name": "Day 1 \u2014 Full body", "warmup": [], "exercises": list(items), "cooldown": []}]


def column(weeks: list[dict[str, Any]], key: str, day: int = 0, index: int = 0) -> list[Any]:
    """One item's `key` week by week."""
    return [week["days"][day]["exercises"][index][key] for week in weeks]


def main_items(plan: dict[str, Any]) -> list[tuple[int, int, dict[str, Any]]]:
    return [(d, i, it) for d, day in enumerate(plan["days"]) for i, it in enumerate(day["exercises"])]


# --- the weeks -------------------------------------------------------------------------------


@pytest.mark.parametrize(("level", "length"), [("beginner", 4), ("intermediate", 5), ("advanced", 6)])
def test_the_block_is_four_to_six_weeks_by_level_and_only_the_last_is_a_deload(level, length):
    weeks = block_weeks(one_day(item("dumbbell-bench-press", "8-12")), person(level), CATALOGUE)
    assert [w["week"] for w in weeks] == list(range(1, length + 1))
    assert [w["deload"] for w in weeks] == [False] * (length - 1) + [True]
    plan = generate_plan(Profile(**{**STRENGTH.__dict__, "fitness_level": level}), seed=2).to_dict()
    assert len(plan["weeks"]) == length and plan["weeks"][-1]["deload"] is True


def test_week_one_is_the_plans_days():
    first = PLAN["weeks"][0]
    for d, i, it in main_items(PLAN):
        target = first["days"][d]["exercises"][i]
        assert (target["exercise_id"], target["sets"], target["reps"], target["rpe"]) == (
            it["exercise_id"], it["sets"], it["reps"], it["rpe"])
    assert [day["estimated_minutes"] for day in first["days"]] == [
        day["estimated_minutes"] for day in PLAN["days"]]


def test_the_deload_halves_the_sets_keeps_week_one_reps_and_caps_the_effort():
    deload = PLAN["weeks"][-1]
    assert [w["deload"] for w in PLAN["weeks"]] == [False, False, False, False, True]
    for d, i, it in main_items(PLAN):
        target = deload["days"][d]["exercises"][i]
        assert target["sets"] == math.ceil(it["sets"] / 2)
        assert target["reps"] == it["reps"]
        assert target["rpe"] == min(it["rpe"], 6.0) <= 6.0
    squat = deload["days"][0]["exercises"][0]
    assert PLAN["days"][0]["exercises"][0]["exercise_id"] == "barbell-back-squat"
    assert (squat["sets"], squat["reps"], squat["rpe"], squat["note"]) == (2, "6", 6.0, DELOAD_NOTE)


def test_load_step_keeps_the_reps_and_raises_the_effort_up_to_the_level_cap():
    assert column(PLAN["weeks"], "reps") == ["6"] * 5  # the back squat
    assert column(PLAN["weeks"], "rpe") == [8.0, 8.5, 9.0, 9.0, 6.0]  # intermediate cap: 9
    assert column(PLAN["weeks"], "note")[1] == "Add 2.5 kg to last week's weight; same reps."
    for d, i, it in main_items(PLAN):
        if it["progression"] == "load_step":
            builds = PLAN["weeks"][:-1]
            assert column(builds, "reps", d, i) == [it["reps"]] * 4
            assert column(builds, "rpe", d, i) == [min(it["rpe"] + 0.5 * k, 9.0) for k in range(4)]
    advanced = block_weeks(one_day(item("barbell-back-squat", "5", rpe=8.0)), person("advanced"), CATALOGUE)
    assert column(advanced, "rpe") == [8.0, 8.5, 9.0, 9.5, 10.0, 6.0]  # advanced cap: 10
    beginner = block_weeks(one_day(item("dumbbell-bench-press", "8", rpe=7.0)), person("beginner"), CATALOGUE)
    assert column(beginner, "rpe") == [7.0, 7.5, 8.0, 6.0]
    assert column(beginner, "note")[1] == "Add 2 kg to last week's weight; same reps."


@pytest.mark.parametrize(("level", "ladder"), [
    ("beginner", ["8-12", "10-12", "12", "8-12"]),
    ("intermediate", ["8-12", "9-12", "11-12", "12", "8-12"]),
    ("advanced", ["8-12", "9-12", "10-12", "11-12", "12", "8-12"]),
])
def test_double_progression_climbs_the_range_bottom_to_the_top_by_the_last_build_week(level, ladder):
    weeks = block_weeks(one_day(item("dumbbell-bench-press", "8-12")), person(level), CATALOGUE)
    assert column(weeks, "reps") == ladder
    assert column(weeks, "sets") == [3] * (len(ladder) - 1) + [2]


def test_every_double_progression_in_a_plan_climbs_monotonically_to_its_top():
    climbing = [(d, i, it) for d, i, it in main_items(PLAN) if it["progression"] == "double_progression"]
    assert len(climbing) >= 5
    for d, i, it in climbing:
        start = timing.parse_reps(it["reps"])
        ladder = [timing.parse_reps(r) for r in column(PLAN["weeks"][:-1], "reps", d, i)]
        assert start is not None and all(r is not None for r in ladder)
        bottoms = [r.low for r in ladder if r is not None]
        assert bottoms == sorted(bottoms) and bottoms[0] == start.low and bottoms[-1] == start.high
        assert {r.high for r in ladder if r is not None} == {start.high}


def test_rep_step_adds_a_rep_a_week_at_most_three_and_never_past_the_rep_window():
    weeks = block_weeks(one_day(item("push-up", "10"), item("table-row", "11")), person(), CATALOGUE)
    assert column(weeks, "reps", index=0) == ["10", "11", "12", "13", "10"]  # + 3 at most
    assert rules.rep_window(CATALOGUE.get("table-row"), ("muscle_gain",), "intermediate")[1] == 12
    assert column(weeks, "reps", index=1) == ["11", "12", "12", "12", "11"]
    conditioning = block_weeks(one_day(item("burpee", "10", rpe=7.0)), person(), CATALOGUE)
    assert column(conditioning, "rpe") == [7.0, 7.0, 7.0, 7.0, 6.0]  # conditioning keeps its effort


def test_time_step_adds_five_seconds_a_week_up_to_the_exercises_longest_time():
    weeks = block_weeks(one_day(item("side-plank", "35s"), item("farmer-carry", "30s")), person(), CATALOGUE)
    assert CATALOGUE.get("side-plank").seconds_range == (15, 45)
    assert column(weeks, "reps", index=0) == ["35s", "40s", "45s", "45s", "35s"]
    assert column(weeks, "reps", index=1) == ["30s", "35s", "40s", "45s", "30s"]
    assert column(weeks, "note", index=0)[1] == "Hold 5 s longer than last week."
    for d, i, it in main_items(PLAN):
        if it["progression"] == "time_step":
            longest = CATALOGUE.get(it["exercise_id"]).seconds_range[1]
            seconds = [int(r[:-1]) for r in column(PLAN["weeks"][:-1], "reps", d, i)]
            assert all(b - a in (0, 5) for a, b in zip(seconds, seconds[1:], strict=False))
            assert max(seconds) <= longest and seconds[-1] == min(seconds[0] + 15, longest)


def test_a_build_week_that_would_overrun_the_session_holds_its_latest_items_at_last_weeks():
    # 4 x (3 sets of "6-12" with 112 s rest): 4 x (3 x (36 + 112) + 30) = 1896 s; a 30 min
    # session may take 1980 s. Week 2 ("8-12", 40 s a set) adds 4 x 12 = 48 s: 1944 s, fits.
    # Week 3 ("10-12", 44 s) would take 1992 s: the last item holds week 2's "8-12" (1980 s).
    # Week 4 ("12", 48 s) would take 2040 s: items hold week 3's targets from the last one
    # back (2016, 2004, 1992, then 1980 s) - never a step back to week 1's.
    ids = ("dumbbell-bench-press", "dumbbell-overhead-press", "chest-supported-dumbbell-row",
           "dumbbell-biceps-curl")
    weeks = block_weeks(one_day(*(item(e, "6-12", rest=112) for e in ids)), person(minutes=30), CATALOGUE)
    reps = [[target["reps"] for target in week["days"][0]["exercises"]] for week in weeks]
    assert reps == [["6-12"] * 4, ["8-12"] * 4, ["10-12"] * 3 + ["8-12"],
                    ["10-12"] * 3 + ["8-12"], ["6-12"] * 4]
    assert [week["days"][0]["estimated_minutes"] for week in weeks] == [32, 32, 33, 33, 22]
    assert column(weeks, "note", index=3)[2:4] == [HELD_NOTE, HELD_NOTE]
    assert column(weeks, "note", index=0)[2] != HELD_NOTE
    assert column(weeks, "note", index=0)[3] == HELD_NOTE


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(profile=profiles, seed=st.integers(0, 2**31))
def test_every_generated_block_validates_and_its_deload_holds_half_the_sets(profile, seed):
    plan = generate_plan(profile, seed=seed).to_dict()
    inputs = resolve_inputs(profile)
    assert validate_plan(plan, profile) == []
    weeks = plan["weeks"]
    assert [w["week"] for w in weeks] == list(range(1, block.BLOCK_WEEKS[profile.fitness_level] + 1))
    assert [w["deload"] for w in weeks] == [False] * (len(weeks) - 1) + [True]
    sets = [[t["sets"] for day in w["days"] for t in day["exercises"]] for w in weeks]
    assert sets[0] == [it["sets"] for _, _, it in main_items(plan)]
    assert all(week == sets[0] for week in sets[:-1]), "build weeks keep week 1's sets"
    assert sets[-1] == [math.ceil(s / 2) for s in sets[0]]
    assert sum(sets[0]) / 2 <= sum(sets[-1]) <= sum(sets[0])
    for d, i, it in main_items(plan):  # reps climb, except a week short of time holds last week's
        reps, notes, efforts = (column(weeks, key, d, i) for key in ("reps", "note", "rpe"))
        assert reps[0] == reps[-1] == it["reps"]
        assert all(reps[n] == reps[n - 1] for n in range(1, len(reps) - 1) if notes[n] == HELD_NOTE)
        bottoms = [timing.parse_reps(r).low for r in reps[:-1]]
        assert bottoms == sorted(bottoms) and efforts[:-1] == sorted(efforts[:-1])
        assert efforts[0] == it["rpe"] and efforts[-1] == min(it["rpe"], 6.0)
    high = timing.time_window(profile.session_minutes)[1]
    assert all(day["estimated_minutes"] <= round(high / 60) for w in weeks for day in w["days"])
    assert plan["notes"] == plan_notes(inputs, CATALOGUE)


# --- validation of the weeks -------------------------------------------------------------------


def tampered() -> dict[str, Any]:
    return copy.deepcopy(PLAN)


def found(plan: dict[str, Any]) -> list[tuple[str, str, str]]:
    return [(v.code, v.message, v.where) for v in validate_plan(plan, STRENGTH)]


def test_a_plan_with_its_weeks_and_one_without_them_both_validate():
    assert validate_plan(PLAN, STRENGTH) == []
    old = tampered()
    for key in ("weeks", "notes"):
        del old[key]
    for _, _, it in main_items(old):
        del it["warmup_sets"]
    assert validate_plan(old, STRENGTH) == []


def test_a_missing_week_is_caught():
    middle = tampered()
    del middle["weeks"][2]
    assert [(c, w) for c, _, w in found(middle)] == [("weeks", "weeks[2]"), ("weeks", "weeks[3]")]
    last = tampered()
    del last["weeks"][-1]
    assert [(c, w) for c, _, w in found(last)] == [("weeks", "weeks[3].deload")]
    short = tampered()
    short["weeks"] = short["weeks"][:3]
    assert found(short) == [("weeks", "weeks must be a list of 4 to 6 weeks", "weeks")]


def test_a_reordered_exercise_and_a_deload_flag_in_the_middle_are_caught():
    swapped = tampered()
    targets = swapped["weeks"][1]["days"][0]["exercises"]
    targets[0], targets[1] = targets[1], targets[0]
    assert found(swapped) == [("weeks", "a week must list the day's exercises in order", "weeks[1].days[0]")]
    flagged = tampered()
    flagged["weeks"][2]["deload"] = True
    assert [(c, w) for c, _, w in found(flagged)] == [("weeks", "weeks[2].deload")]


def test_a_build_week_over_the_effort_cap_or_too_long_is_caught_with_its_week_number():
    hard = tampered()
    hard["weeks"][1]["days"][0]["exercises"][0]["rpe"] = 9.5
    assert found(hard) == [("rpe", "week 2: rpe must be a number from 3 to 9, got 9.5",
                            "weeks[1].days[0].exercises[0].rpe")]
    long = tampered()
    for target in long["weeks"][2]["days"][1]["exercises"]:
        target["sets"] = 8
    times = [(m, w) for c, m, w in found(long) if c == "time"]
    assert times and all(m.startswith("week 3: ") for m, _ in times)
    assert [w for m, w in times if " min by the time model; 60 min (+/-10 %) asked for" in m] == [
        "weeks[2].days[1]"]


def test_only_the_deload_week_escapes_the_volume_floor_and_the_shortest_session():
    four = Profile(**{**STRENGTH.__dict__, "days_per_week": 4})
    plan = generate_plan(four, seed=1).to_dict()
    floor = rules.volume_floor("intermediate", 4, 60)
    deload = [(CATALOGUE.get(t["exercise_id"]), t["sets"]) for d in plan["weeks"][-1]["days"]
              for t in d["exercises"]]
    assert rules.weekly_hard_sets(deload)["chest"] < floor == 6
    assert validate_plan(plan, four) == []
    plan["weeks"][1] = {**copy.deepcopy(plan["weeks"][-1]), "week": 2, "deload": False}
    problems = validate_plan(plan, four)
    assert all(v.message.startswith("week 2: ") for v in problems)
    assert {v.code for v in problems} == {"volume_low", "time"}
    assert any(v.message.startswith("week 2: chest: ") for v in problems if v.code == "volume_low")


@pytest.mark.parametrize("steps", [
    [{"percent": 60, "reps": 3}, {"percent": 40, "reps": 5}],  # falling
    [{"percent": 40, "reps": 20}],  # too many reps
    [{"percent": 95, "reps": 2}],  # heavier than a warm-up
    "bar x 10, 40 % x 5",  # not a list
    [{"percent": 40}],  # no reps
])
def test_malformed_warmup_sets_are_caught(steps):
    plan = tampered()
    plan["days"][0]["exercises"][0]["warmup_sets"] = steps
    assert [(c, w) for c, _, w in found(plan)] == [("malformed", "days[0].exercises[0].warmup_sets")]


# --- where a person is in the block ------------------------------------------------------------


def test_current_week_counts_finished_sessions_and_starts_again_after_the_deload():
    assert [current_week(done, 3, 5) for done in (0, 2, 3, 5, 6, 12, 14, 15, 17, 18)] == [
        1, 1, 2, 2, 3, 5, 5, 1, 1, 2]
    assert [current_week(done, 2, 4) for done in (6, 7, 8)] == [4, 4, 1]
    assert (current_week(-3, 3, 5), current_week(4, 0, 5), current_week(9, 3, 0)) == (1, 5, 1)


def test_plan_week_lays_the_weeks_targets_over_the_days():
    first = library.plan_week(PLAN, PLAN["inputs"], 2)
    assert first is not None and (first.number, first.weeks, first.deload) == (1, 5, False)
    assert [[{k: v for k, v in it.items() if k != "note"} for it in day["exercises"]]
            for day in first.days] == [day["exercises"] for day in PLAN["days"]]
    deload = library.plan_week(PLAN, PLAN["inputs"], 12)
    assert deload is not None and (deload.number, deload.weeks, deload.deload) == (5, 5, True)
    squat = deload.days[0]["exercises"][0]
    assert (squat["exercise_id"], squat["sets"], squat["reps"], squat["rpe"]) == ("barbell-back-squat", 2, "6", 6.0)
    assert squat["rest_seconds"] == PLAN["days"][0]["exercises"][0]["rest_seconds"]
    again = library.plan_week(PLAN, PLAN["inputs"], 15)
    chosen = library.plan_week(PLAN, PLAN["inputs"], 15, number=3)
    assert again is not None and chosen is not None and (again.number, chosen.number) == (1, 3)
    assert chosen.days[0]["exercises"][0]["rpe"] == 9.0


def test_laid_over_takes_the_targets_and_keeps_everything_else():
    items = [{"exercise_id": "push-up", "name": "Push-up", "sets": 3, "reps": "8-12", "rpe": 7.0,
              "rest_seconds": 60}]
    targets = [{"exercise_id": "push-up", "sets": 2, "reps": "9-12", "rpe": 7.5, "note": "More"}]
    assert laid_over(items, targets) == [{"exercise_id": "push-up", "name": "Push-up", "sets": 2,
                                          "reps": "9-12", "rpe": 7.5, "rest_seconds": 60, "note": "More"}]


def test_with_block_on_the_bare_days_reproduces_the_engines_plan():
    bare = tampered()
    del bare["weeks"], bare["notes"]
    for _, _, it in main_items(bare):
        del it["warmup_sets"]
    assert with_block(bare, resolve_inputs(STRENGTH), CATALOGUE) == PLAN
    assert library.plan_weeks(bare, PLAN["inputs"]) == PLAN["weeks"]


# --- warm-up ramps -----------------------------------------------------------------------------

BARBELL = ramp_steps(CATALOGUE.get("barbell-back-squat"))
DUMBBELL = ramp_steps(CATALOGUE.get("dumbbell-bench-press"))


def sets_of(working_kg: float | None, kit: str = "barbell", unit: str = KG) -> list[tuple[Any, ...]]:
    steps = BARBELL if kit == "barbell" else DUMBBELL
    return [(None if s.weight_kg is None else round(from_kg(s.weight_kg, unit), 6), s.reps, s.empty_bar)
            for s in ramp(steps, working_kg, kit, unit)]


def test_a_barbell_ramp_rounds_down_to_loadable_weights():
    assert BARBELL == [{"percent": 0, "reps": 10}, {"percent": 40, "reps": 5},
                       {"percent": 60, "reps": 3}, {"percent": 80, "reps": 2}]
    assert sets_of(100) == [(20, 10, True), (40, 5, False), (60, 3, False), (80, 2, False)]
    assert sets_of(62.5) == [(20, 10, True), (25, 5, False), (37.5, 3, False), (50, 2, False)]
    assert sets_of(30) == [(20, 10, True), (22.5, 2, False)]  # 40 % and 60 % round to the bar
    assert ramp_text(BARBELL, 100, "barbell") == "Warm-up: bar × 10, 40 kg × 5, 60 kg × 3, 80 kg × 2"


def test_a_ramp_in_pounds_starts_at_a_45_lb_bar_in_5_lb_steps():
    assert sets_of(to_kg(225, LB), unit=LB) == [(45, 10, True), (90, 5, False), (135, 3, False),
                                                 (180, 2, False)]
    assert ramp_text(BARBELL, to_kg(225, LB), "barbell", LB) == (
        "Warm-up: bar × 10, 90 lb × 5, 135 lb × 3, 180 lb × 2")


def test_a_ramp_in_pounds_keeps_weights_that_are_exactly_loadable():
    assert sets_of(to_kg(250, LB), unit=LB) == [(45, 10, True), (100, 5, False), (150, 3, False),
                                                 (200, 2, False)]
    assert sets_of(to_kg(375, LB), unit=LB) == [(45, 10, True), (150, 5, False), (225, 3, False),
                                                 (300, 2, False)]


def test_a_dumbbell_ramp_rounds_down_to_2_kg_dumbbells():
    assert DUMBBELL == [{"percent": 40, "reps": 8}, {"percent": 60, "reps": 5}, {"percent": 80, "reps": 3}]
    assert sets_of(24, "dumbbells") == [(8, 8, False), (14, 5, False), (18, 3, False)]  # 9.6, 14.4, 19.2
    assert sets_of(4, "dumbbells") == [(2, 5, False)]  # 1.6 kg is no dumbbell; 3.2 kg repeats 2 kg


def test_without_a_working_weight_the_ramp_is_in_percentages():
    assert sets_of(None) == [(20, 10, True), (None, 5, False), (None, 3, False), (None, 2, False)]
    assert ramp_text(BARBELL, None, "barbell") == (
        "Warm-up: bar × 10, ~40 % × 5, ~60 % × 3, ~80 % × 2 of your working weight")
    assert ramp_text(DUMBBELL, None, "dumbbells") == (
        "Warm-up: ~40 % × 8, ~60 % × 5, ~80 % × 3 of your working weight")
    assert ramp_text([], 100, "barbell") == ""


def test_only_the_first_two_strength_items_that_are_loaded_lifts_get_a_ramp():
    get = CATALOGUE.get
    squat, bench, row = get("barbell-back-squat"), get("barbell-bench-press"), get("dumbbell-bench-press")
    assert (needs_ramp(squat, 0), needs_ramp(bench, 1), needs_ramp(row, 1)) == (True, True, True)
    assert (needs_ramp(row, 2), needs_ramp(get("push-up"), 0)) == (False, False)
    assert (needs_ramp(get("farmer-carry"), 0), needs_ramp(get("weighted-dead-bug"), 0)) == (False, False)
    assert needs_ramp(get("barbell-complex"), 0) is False  # conditioning with a bar
    assert needs_ramp(dataclasses.replace(get("goblet-squat"), timed=True), 0) is False
    # Conditioning does not count as a strength item; core does (and takes a main-lift place).
    day = [get(e) for e in ("burpee", "weighted-dead-bug", "barbell-back-squat", "barbell-bench-press",
                            "dumbbell-bench-press")]
    assert get("weighted-dead-bug").pattern in STRENGTH_PATTERNS
    assert [len(r) for r in day_ramps([], day)] == [0, 0, 4, 0, 0]
    assert [len(r) for r in day_ramps([], day[2:])] == [4, 4, 0]
    for _, _, it in main_items(PLAN):
        assert (it["warmup_sets"] == BARBELL) == (it["exercise_id"] in {
            "barbell-back-squat", "barbell-bench-press", "barbell-deadlift", "barbell-row"})


# --- notes -------------------------------------------------------------------------------------


def test_a_full_uninjured_week_has_no_notes():
    assert plan_notes(person(days=4, minutes=60), CATALOGUE) == []


def test_a_short_week_says_which_goal_it_favoured():
    [short] = plan_notes(person(goals=("strength",), days=2, minutes=30), CATALOGUE)
    assert (short["kind"], short["favoured"]) == ("time", ["strength"])
    assert short["text"].startswith("Your week (2 × 30 min) is shorter than the 3 × 45 min")
    floor = soft_limits.volume_floor(("strength",), "intermediate", 60)
    assert f"at least {floor} sets a week" in short["text"]
    [shared] = plan_notes(person(goals=("muscle_gain", "fat_loss"), days=3, minutes=45), CATALOGUE)
    assert (shared["kind"], shared["favoured"]) == ("time", ["fat_loss"])
    assert "favours fat loss: a conditioning finisher in every session" in shared["text"]
    assert plan_notes(person(goals=("muscle_gain", "strength"), days=3, minutes=45), CATALOGUE) == []


def test_an_injury_note_names_the_muscles_it_takes_out():
    [note] = plan_notes(person(injuries=("knee",), days=4), CATALOGUE)
    assert (note["kind"], note["injury"]) == ("injury", "knee")
    kit = person().equipment

    def trains(muscle: str, injuries: tuple[str, ...]) -> bool:
        return any(e.pattern in STRENGTH_PATTERNS and soft_limits.SOFT_MUSCLES[muscle] & set(e.primary_muscles)
                   for e in CATALOGUE.available_for(kit, injuries, "intermediate"))

    lost = sorted(m for m in soft_limits.SOFT_MUSCLES if trains(m, ()) and not trains(m, ("knee",)))
    assert lost and note["muscles"] == lost
    assert f"Your knee injury rules out every exercise for your {lost[0]}" in note["text"]
    [harmless] = plan_notes(person(injuries=("neck",), days=4), CATALOGUE)
    assert harmless["muscles"] == [] and harmless["text"].endswith("the weekly minimums stand.")


def test_an_injury_that_leaves_no_pressing_says_the_balance_is_not_kept_and_is_not_judged_on_it():
    hurt = Profile(fitness_level="intermediate", goals=("muscle_gain",), equipment=("dumbbells", "bench"),
                   injuries=("shoulder", "elbow"), days_per_week=4, session_minutes=60)
    inputs = resolve_inputs(hurt)
    pool = CATALOGUE.available_for(inputs.equipment, inputs.injuries, inputs.level)
    assert soft_limits.side_exercises(pool, soft_limits.PUSH_PATTERNS) < soft_limits.MIN_SIDE_EXERCISES
    plan = generate_plan(hurt, seed=5).to_dict()
    balance = [n for n in plan["notes"] if n["kind"] == "balance"]
    assert [n["rule"] for n in balance] == ["push_pull"]
    assert balance[0]["text"].startswith("Your injuries leave almost no push exercise")
    assert "keeps your pull work" in balance[0]["text"]
    assert "soft_push_pull" not in {v.code for v in soft_violations(plan, hurt)}
    # The same person uninjured can press: no balance note, and the balance is judged.
    well = dataclasses.replace(hurt, injuries=())
    assert not [n for n in generate_plan(well, seed=5).to_dict()["notes"] if n["kind"] == "balance"]
    lopsided = copy.deepcopy(generate_plan(well, seed=5).to_dict())
    for day in lopsided["days"]:
        for item in day["exercises"]:
            if CATALOGUE.get(item["exercise_id"]).pattern in soft_limits.PULL_PATTERNS:
                item["sets"] = 5
    assert "soft_push_pull" in {v.code for v in soft_violations(lopsided, well)}
