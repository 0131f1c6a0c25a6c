"""A plan day's focus is written from the exercises it holds: it names every strength
pattern of the day and nothing the day does not hold (``plans/day_focus.py``)."""

from __future__ import annotations

import itertools
import json
import re
from typing import Any

import pytest

from vigor_app.services.catalogue.catalogue import load_catalogue
from vigor_app.services.plans import ai_plans, day_focus, plan_text, soft_limits, splits
from vigor_app.services.plans.block import with_block
from vigor_app.services.plans.day_focus import focus_text, stored_day_focus
from vigor_app.services.plans.engine import generate_plan
from vigor_app.services.plans.request import PlanRequest, Profile, resolve_inputs
from vigor_app.services.vocabulary import (
    EQUIPMENT,
    GOALS,
    INJURIES,
    LEVELS,
    PATTERNS,
    STRENGTH_PATTERNS,
)

CATALOGUE = load_catalogue()
REGIONS = ("Full body", "Upper body", "Lower body", "Push", "Pull", "Legs")
FULL_GYM = (
    "barbell",
    "dumbbells",
    "bench",
    "pull_up_bar",
    "cable_machine",
    "machines",
    "cardio_machine",
    "kettlebells",
    "resistance_bands",
)


def read_focus(focus: str) -> tuple[str | None, list[list[str]]]:
    """The region and the patterns a focus line names, phrase by phrase, read back from its
    words alone ("horizontal push and pull" is two patterns)."""
    region, _, body = focus.partition(": ") if ": " in focus else ("", "", focus)
    phrases: list[list[str]] = []
    for phrase in body.split(", ") if body else []:
        both = re.fullmatch(r"(horizontal|vertical) push and pull", phrase.casefold())
        if both:
            phrases.append([f"{both.group(1)}_push", f"{both.group(1)}_pull"])
            continue
        pattern = phrase.casefold().replace(" ", "_")
        assert pattern in PATTERNS, f"{phrase!r} in {focus!r} is not a pattern"
        phrases.append([pattern])
    named = [p for phrase in phrases for p in phrase]
    assert len(named) == len(set(named)), f"a pattern named twice in {focus!r}"
    return region or None, phrases


def day_patterns(day: dict[str, Any]) -> list[str]:
    found = [CATALOGUE.get(item["exercise_id"]).pattern for item in day["exercises"]]
    return list(dict.fromkeys(found))


def assert_focus_is_true(day: dict[str, Any]) -> None:
    focus = day["focus"]
    assert len(focus) <= plan_text.LIMITS["focus"][1]
    assert plan_text.field_problem(focus, plan_text.LIMITS["focus"]) is None
    region, phrases = read_focus(focus)
    named = [p for phrase in phrases for p in phrase]
    held = day_patterns(day)
    strength = [p for p in held if p in STRENGTH_PATTERNS]
    where = f"{day['name']}: {focus!r} for {held}"
    assert set(named) <= set(held), f"names a pattern the day does not hold - {where}"
    if strength:
        first = [min(held.index(p) for p in phrase) for phrase in phrases]
        assert first == sorted(first), f"not in the order the day holds them - {where}"
        assert set(strength) <= set(named), f"leaves out a strength pattern - {where}"
    lifts = set(strength) & soft_limits.LIFT_PATTERNS
    upper, lower = lifts & soft_limits.UPPER, lifts & soft_limits.LOWER
    if not lifts:
        assert region is None, where
        return
    assert region in REGIONS, where
    if region in ("Upper body", "Push", "Pull"):
        assert not lower - ({"hinge"} if region == "Pull" else set()), where
    if region in ("Lower body", "Legs"):
        assert not upper, where
    if region == "Push":
        assert lifts & soft_limits.PUSH_PATTERNS and not lifts & soft_limits.PULL_PATTERNS, where
    if region == "Pull":
        assert lifts & soft_limits.PULL_PATTERNS and not lifts & soft_limits.PUSH_PATTERNS, where
    if region == "Full body":
        assert upper and lower, where


# --- the function ---------------------------------------------------------------------------


def test_the_focus_names_the_days_strength_patterns_in_order_each_once() -> None:
    ids = ["barbell-bench-press", "pull-up", "barbell-row", "dead-bug", "push-up", "farmer-carry"]
    assert focus_text("Upper", ids) == (
        "Upper body: horizontal push and pull, vertical pull, core, carry"
    )


def test_a_push_and_a_pull_of_one_plane_are_joined_where_the_first_appears() -> None:
    ids = ["pull-up", "barbell-bench-press", "dumbbell-overhead-press"]
    assert focus_text("Upper B", ids) == "Upper body: vertical push and pull, horizontal push"


def test_the_reviewers_case_names_no_vertical_push_the_day_does_not_hold() -> None:
    # the template said "Upper body: vertical push and pull"; this day kept only pulls
    ids = ["lat-pulldown", "barbell-row", "dead-bug", "dumbbell-biceps-curl"]
    text = focus_text("Upper B", ids)
    assert text == "Upper body: vertical pull, horizontal pull, core"
    assert "push" not in text


def test_the_region_comes_from_the_label_or_stored_name() -> None:
    legs = ["barbell-back-squat", "barbell-romanian-deadlift", "reverse-lunge"]
    assert focus_text("Legs", legs) == "Legs: squat, hinge, lunge"
    assert focus_text("Lower A", legs) == "Lower body: squat, hinge, lunge"
    assert focus_text("Day 2 \u2014 Lower A", legs) == "Lower body: squat, hinge, lunge"
    assert focus_text("Full body B", legs) == "Lower body: squat, hinge, lunge"
    assert focus_text("Push", ["barbell-bench-press", "dumbbell-overhead-press"]) == (
        "Push: horizontal push, vertical push"
    )
    assert focus_text("Day 5 \u2014 Pull", ["pull-up", "barbell-deadlift"]) == (
        "Pull: vertical pull, hinge"
    )
    full = ["goblet-squat", "push-up", "barbell-row"]
    assert focus_text("Full body A", full) == "Full body: squat, horizontal push and pull"


def test_a_label_the_lifts_do_not_fit_gives_way_to_the_lifts_region() -> None:
    assert focus_text("Upper A", ["goblet-squat", "push-up"]) == "Full body: squat, horizontal push"
    assert focus_text("Push", ["pull-up", "dead-bug"]) == "Upper body: vertical pull, core"
    assert focus_text("Pull", ["barbell-deadlift"]) == "Lower body: hinge"
    assert focus_text("Monday's session", ["push-up", "pull-up"]) == (
        "Upper body: horizontal push, vertical pull"
    )


def test_a_day_without_lifts_names_no_region() -> None:
    assert focus_text("Push", ["dead-bug", "farmer-carry"]) == "Core, carry"
    assert focus_text("Full body A", ["burpee", "cat-cow"]) == "Conditioning, mobility"
    # conditioning and mobility are named only when the day has no strength work
    assert focus_text("Lower", ["goblet-squat", "burpee"]) == "Lower body: squat"


def test_unknown_and_custom_exercises_are_skipped() -> None:
    assert (
        focus_text("Upper", ["custom-7", "push-up", "no-such-lift"])
        == "Upper body: horizontal push"
    )
    assert focus_text("Upper", ["custom-7"]) == ""
    assert focus_text("Upper", []) == ""


def test_a_stored_day_is_read_for_its_name_and_exercises() -> None:
    day = {
        "name": "Day 1 \u2014 Upper B",
        "focus": "Upper body: vertical push and pull",
        "exercises": [{"exercise_id": "lat-pulldown"}, {"exercise_id": "barbell-row"}, "junk"],
    }
    assert stored_day_focus(day) == "Upper body: vertical pull, horizontal pull"
    assert stored_day_focus({"name": None, "exercises": None}) == ""


def test_the_longest_focus_fits_the_field() -> None:
    assert day_focus.MAX_CHARS == plan_text.LIMITS["focus"][1]
    one_each = {}
    for exercise in CATALOGUE.filter():
        one_each.setdefault(exercise.pattern, exercise.id)
    strength = [one_each[p] for p in PATTERNS if p in STRENGTH_PATTERNS]
    for label in ("Full body A", "Upper", "Day 6 \u2014 Legs"):
        for order in (strength, strength[::-1]):
            text = focus_text(label, order)
            assert len(text) <= day_focus.MAX_CHARS
            assert {p for phrase in read_focus(text)[1] for p in phrase} == STRENGTH_PATTERNS


def test_the_day_templates_carry_no_fixed_focus_text() -> None:
    data = json.loads(splits.TEMPLATES_PATH.read_text(encoding="utf-8"))
    assert all("focus" not in template for template in data["templates"].values())


# --- every generated plan -------------------------------------------------------------------

KITS = (
    (),
    FULL_GYM,
    ("dumbbells", "bench"),
    ("pull_up_bar", "resistance_bands"),
    ("kettlebells",),
    ("barbell", "bench", "pull_up_bar"),
    tuple(EQUIPMENT),
)
INJURY_SETS = (
    (),
    ("shoulder",),
    ("knee", "lower_back"),
    ("shoulder", "elbow", "wrist"),
    ("hip", "ankle"),
    tuple(INJURIES),
)
GOAL_SETS = tuple((goal,) for goal in GOALS) + (
    ("strength", "fat_loss"),
    ("muscle_gain", "mobility"),
)


def _profiles() -> list[tuple[Profile, PlanRequest | None, int]]:
    """A spread of people: every level, goal, kit, injury set and length of week, crossed by
    strides so each value meets many others."""
    cases = []
    for n in range(168):
        profile = Profile(
            fitness_level=LEVELS[n % len(LEVELS)],
            goals=GOAL_SETS[n % len(GOAL_SETS)],
            equipment=KITS[n % len(KITS)],
            injuries=INJURY_SETS[(n // 2) % len(INJURY_SETS)],
            days_per_week=2 + n % 5,
            session_minutes=(20, 30, 45, 60, 90)[(n // 3) % 5],
        )
        request = PlanRequest(focus=("glutes",)) if n % 11 == 0 else None
        cases.append((profile, request, (n * 7919) % 1000))
    return cases


def test_the_profiles_cover_every_value() -> None:
    cases = _profiles()
    assert {p.fitness_level for p, _, _ in cases} == set(LEVELS)
    assert {p.days_per_week for p, _, _ in cases} == {2, 3, 4, 5, 6}
    kits = {frozenset(p.equipment) for p, _, _ in cases}
    assert frozenset({"bodyweight"}) in kits  # bodyweight only
    assert any(k >= set(FULL_GYM) for k in kits)
    assert {g for p, _, _ in cases for g in p.goals} == set(GOALS)
    assert {i for p, _, _ in cases for i in p.injuries} == set(INJURIES)
    assert len({seed for _, _, seed in cases}) > 50


@pytest.mark.parametrize(("profile", "request_", "seed"), _profiles())
def test_every_generated_days_focus_is_true_of_its_exercises(profile, request_, seed) -> None:
    plan = generate_plan(profile, request_, seed).to_dict()
    for day in plan["days"]:
        assert_focus_is_true(day)


@pytest.mark.parametrize(("days", "seed"), list(itertools.product(range(2, 7), (0, 1, 2, 3))))
def test_bodyweight_only_with_a_shoulder_injury_never_claims_a_push(days, seed) -> None:
    profile = Profile(
        fitness_level="intermediate",
        goals=("muscle_gain",),
        equipment=(),
        injuries=("shoulder", "knee"),
        days_per_week=days,
        session_minutes=45,
    )
    plan = generate_plan(profile, None, seed).to_dict()
    for day in plan["days"]:
        assert_focus_is_true(day)
        if not {"horizontal_push", "vertical_push"} & set(day_patterns(day)):
            assert "push" not in day["focus"].split(":")[-1], day


# --- plans written elsewhere ----------------------------------------------------------------

PERSON = Profile(
    fitness_level="intermediate",
    goals=("muscle_gain",),
    equipment=("barbell", "dumbbells", "bench", "pull_up_bar"),
    days_per_week=4,
    session_minutes=60,
)


def test_an_ai_plans_focus_is_replaced_by_the_days_own() -> None:
    job = ai_plans.job(PERSON, PlanRequest(), 3)
    answer = {key: json.loads(json.dumps(job.draft[key])) for key in ("split", "days", "rest_days")}
    for day in answer["days"]:
        day["focus"] = "Upper body: vertical push and pull, plus sprints"
    verdict = job.judge(answer, "openai")
    assert verdict.plan is not None, verdict.problem
    for stored, drafted in zip(verdict.plan["days"], job.draft["days"], strict=True):
        assert stored["focus"] == drafted["focus"] == stored_day_focus(stored)
        assert_focus_is_true(stored)


def test_with_block_rewrites_a_stale_focus() -> None:
    plan = generate_plan(PERSON, seed=5).to_dict()
    stale = {**plan, "days": [{**day, "focus": "Full body: everything"} for day in plan["days"]]}
    rebuilt = with_block(stale, resolve_inputs(PERSON), CATALOGUE)
    assert [d["focus"] for d in rebuilt["days"]] == [d["focus"] for d in plan["days"]]
