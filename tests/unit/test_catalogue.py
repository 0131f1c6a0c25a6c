"""The exercise catalogue: the file's own rules, the queries, and coverage for every kit."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vigor_app.services.catalogue import catalogue
from vigor_app.services.catalogue.catalogue import (
    CATALOGUE_PATH,
    CatalogueError,
    UnknownExerciseError,
    load_catalogue,
    read_catalogue,
)
from vigor_app.services.catalogue.file_checks import catalogue_problems
from vigor_app.services.vocabulary import (
    EQUIPMENT,
    INJURIES,
    LEVEL_RANK,
    LEVELS,
    MAJOR_GROUPS,
    MUSCLES,
    PATTERNS,
    STRENGTH_PATTERNS,
)

DOCS = Path(__file__).resolve().parents[2] / "docs" / "plan-engine.md"
RAW = json.loads(CATALOGUE_PATH.read_text(encoding="utf-8"))
SINGLE_KITS = [("bodyweight",)] + [("bodyweight", e) for e in EQUIPMENT if e != "bodyweight"]

equipment_sets = st.lists(st.sampled_from(EQUIPMENT), unique=True)
injury_sets = st.lists(st.sampled_from(INJURIES), unique=True)
levels = st.sampled_from(LEVELS)


def test_bundled_catalogue_has_no_problems_and_enough_exercises():
    assert catalogue_problems(RAW) == []
    assert len(load_catalogue()) >= 170
    assert len(load_catalogue()) == len(RAW)


def test_ids_and_names_are_unique_slugs():
    ids = [r["id"] for r in RAW]
    assert len(ids) == len(set(ids))
    assert len({r["name"].casefold() for r in RAW}) == len(RAW)
    assert all(i == i.lower() and " " not in i for i in ids)


def test_every_pattern_and_kind_of_drill_is_present():
    exercises = load_catalogue().exercises
    assert {e.pattern for e in exercises} == set(PATTERNS)
    assert sum("warmup" in e.tags for e in exercises) >= 15
    assert sum("cooldown" in e.tags for e in exercises) >= 15
    assert any(e.pattern == "conditioning" and "cardio_machine" in e.equipment for e in exercises)
    assert all(e.seconds_range for e in exercises if e.timed)


def test_load_is_cached():
    assert load_catalogue() is load_catalogue()


def test_documentation_lists_the_muscle_vocabulary():
    text = DOCS.read_text(encoding="utf-8")
    missing = [m for m in MUSCLES if f"`{m}`" not in text]
    assert missing == []


def _problems_after(change):
    records = copy.deepcopy(RAW)
    change(records)
    return catalogue_problems(records)


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda r: r.append(copy.deepcopy(r[0])), "duplicate id"),
        (lambda r: r[0].update(id="Goblet Squat"), "slug"),
        (lambda r: r[0].update(pattern="twist"), "unknown pattern"),
        (lambda r: r[0].update(primary_muscles=["pecs"]), "unknown primary muscle"),
        (lambda r: r[0].update(equipment=["trx"]), "unknown equipment"),
        (lambda r: r[0].update(equipment=["bodyweight", "bench"]), "bodyweight must stand alone"),
        (lambda r: r[0].update(unsafe_for=["toe"]), "unknown injury"),
        (lambda r: r[0].update(level="elite"), "unknown level"),
        (lambda r: r[0].update(rep_range=[12, 8]), "rep_range"),
        (lambda r: r[0].update(timed=True), "seconds_range"),
        (lambda r: r[0].update(cue=""), "cue"),
        (lambda r: r[0].pop("cue"), "missing cue"),
        (lambda r: r[0].update(colour="red"), "unknown keys colour"),
        (lambda r: r[0].update(difficulty=11), "difficulty"),
    ],
)
def test_catalogue_problems_catch_each_kind_of_mistake(change, expected):
    problems = _problems_after(change)
    assert any(expected in p for p in problems), problems


def test_catalogue_problems_reject_a_non_list():
    assert catalogue_problems({"id": "x"}) == [
        "the catalogue must be a JSON list of exercise objects"
    ]


def test_reading_a_broken_file_raises_catalogue_error(tmp_path):
    broken = copy.deepcopy(RAW[:3])
    broken[1]["pattern"] = "twist"
    path = tmp_path / "exercises.json"
    path.write_text(json.dumps(broken), encoding="utf-8")
    with pytest.raises(CatalogueError, match="twist"):
        read_catalogue(path)
    (tmp_path / "bad.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(CatalogueError, match="cannot read"):
        read_catalogue(tmp_path / "bad.json")


def test_lookup_by_id():
    squat = catalogue.get_exercise("goblet-squat")
    assert squat.name == "Dumbbell goblet squat"
    assert squat.pattern == "squat"
    assert catalogue.find_exercise("no-such-thing") is None
    assert catalogue.find_exercise(42) is None
    with pytest.raises(UnknownExerciseError, match="no-such-thing"):
        catalogue.get_exercise("no-such-thing")


def test_search_is_case_insensitive_substring():
    found = catalogue.search("SQUAT")
    assert found and all("squat" in e.name.lower() for e in found)
    assert "goblet-squat" in {e.id for e in found}
    assert catalogue.search("   ") == []
    assert catalogue.search("zzzz") == []


def test_filter_by_muscle_equipment_pattern_and_level():
    chest = catalogue.filter_exercises(muscle="chest")
    assert chest and all("chest" in e.primary_muscles for e in chest)
    kettlebell = catalogue.filter_exercises(equipment="kettlebells", pattern="hinge")
    assert kettlebell and all(
        e.pattern == "hinge" and "kettlebells" in e.equipment for e in kettlebell
    )
    beginner = catalogue.filter_exercises(level="beginner")
    assert beginner and all(e.level == "beginner" for e in beginner)
    assert len(catalogue.filter_exercises(level="advanced")) == len(load_catalogue())
    with pytest.raises(ValueError, match="pecs"):
        catalogue.filter_exercises(muscle="pecs")


@settings(max_examples=300, deadline=None)
@given(equipment=equipment_sets, injuries=injury_sets, level=levels)
def test_available_for_respects_kit_injuries_and_level(equipment, injuries, level):
    pool = catalogue.available_for(equipment, injuries, level)
    have = set(equipment) | {"bodyweight"}
    assert pool, "bodyweight mobility drills are always available"
    for exercise in pool:
        assert set(exercise.equipment) <= have
        assert not set(exercise.unsafe_for) & set(injuries)
        assert LEVEL_RANK[exercise.level] <= LEVEL_RANK[level]
        assert "log_only" not in exercise.tags
    expected = {
        e.id
        for e in load_catalogue().exercises
        if set(e.equipment) <= have
        and not set(e.unsafe_for) & set(injuries)
        and LEVEL_RANK[e.level] <= LEVEL_RANK[level]
        and "log_only" not in e.tags
    }
    assert {e.id for e in pool} == expected


def test_available_for_refuses_unknown_words():
    with pytest.raises(ValueError, match="trx"):
        catalogue.available_for(["trx"], [], "beginner")
    with pytest.raises(ValueError, match="toe"):
        catalogue.available_for([], ["toe"], "beginner")
    with pytest.raises(ValueError, match="elite"):
        catalogue.available_for([], [], "elite")


@settings(max_examples=300, deadline=None)
@given(
    exercise_id=st.sampled_from(sorted(e["id"] for e in RAW)),
    equipment=equipment_sets,
    injuries=injury_sets,
    level=levels,
)
def test_substitutes_are_valid_swaps(exercise_id, equipment, injuries, level):
    original = catalogue.get_exercise(exercise_id)
    found = catalogue.substitutes(exercise_id, equipment, injuries, level)
    pool = {e.id for e in catalogue.available_for(equipment, injuries, level)}
    overlaps = []
    for swap in found:
        assert swap.id != original.id
        assert swap.pattern == original.pattern
        shared = set(swap.primary_muscles) & set(original.primary_muscles)
        assert shared
        assert swap.id in pool
        overlaps.append(
            len(shared) / len(set(swap.primary_muscles) | set(original.primary_muscles))
        )
    assert overlaps == sorted(overlaps, reverse=True), "ranked by primary-muscle overlap first"


def test_substitutes_for_a_barbell_squat_at_home():
    swaps = catalogue.substitutes("barbell-back-squat", ["dumbbells"], [], "beginner", limit=3)
    assert len(swaps) == 3
    assert swaps[0].id == "goblet-squat"
    assert all(set(s.equipment) <= {"bodyweight", "dumbbells"} for s in swaps)
    assert catalogue.substitutes("barbell-back-squat", [], ["knee"], "advanced") == []


def test_variations_step_difficulty_up_and_down():
    cat = load_catalogue()
    easier, harder = cat.variations("push-up", ["bodyweight"], [])
    push_up = cat.get("push-up")
    assert easier is not None and easier.difficulty < push_up.difficulty
    assert harder is not None and harder.difficulty > push_up.difficulty
    assert easier.pattern == harder.pattern == "horizontal_push"


@pytest.mark.parametrize("kit", SINGLE_KITS, ids=lambda kit: "+".join(kit))
@pytest.mark.parametrize("level", LEVELS)
def test_every_single_piece_of_kit_covers_a_full_week(kit, level):
    pool = catalogue.available_for(kit, [], level)
    patterns = {e.pattern for e in pool}
    assert patterns == set(PATTERNS), set(PATTERNS) - patterns
    groups = set().union(*(e.groups for e in pool))
    assert groups == set(MAJOR_GROUPS)
    for pattern in STRENGTH_PATTERNS - {"carry"}:
        assert sum(e.pattern == pattern for e in pool) >= 2, pattern
    assert sum("warmup" in e.tags for e in pool) >= 5
    assert sum("cooldown" in e.tags for e in pool) >= 5


def test_someone_with_every_injury_still_has_safe_work():
    pool = catalogue.available_for(["bodyweight"], INJURIES, "beginner")
    assert sum("warmup" in e.tags for e in pool) >= 5
    assert sum("cooldown" in e.tags for e in pool) >= 4
    assert any(e.pattern == "conditioning" for e in pool)
    assert any(e.pattern == "core" for e in pool)
    assert {"core", "glutes_hamstrings", "back"} <= set().union(*(e.groups for e in pool))
    assert all(not e.unsafe_for for e in pool)


def test_exercise_round_trips_through_its_dict():
    for record in RAW[:20]:
        assert catalogue.get_exercise(record["id"]).to_dict() == record


def test_an_outdoor_run_is_logged_with_a_distance_and_never_planned():
    running = catalogue.find_exercise("running")
    assert running is not None and running.logs_distance and running.log_only
    assert running.id not in {e.id for e in catalogue.available_for(["bodyweight"], [], "advanced")}
    rower = catalogue.find_exercise("rowing-machine-steady")
    assert rower is not None and rower.logs_distance and not rower.log_only
    assert rower.id in {e.id for e in catalogue.available_for(["cardio_machine"], [], "beginner")}
