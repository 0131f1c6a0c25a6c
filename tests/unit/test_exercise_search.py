"""Finding exercises by what people type: spaces, hyphens, plurals, shorthand and typos
forgiven, the main lift before its variations and drills; the same search everywhere."""

import pytest

from tests.factories import make_user
from vigor_app import db
from vigor_app.models import Exercise
from vigor_app.services.catalogue import catalogue, exercise_search
from vigor_app.services.catalogue import store as catalogue_store
from vigor_app.services.catalogue.exercise_names import match_exercise
from vigor_app.services.training import workout_entries


def first(query: str) -> str:
    return catalogue.search(query)[0].id


@pytest.mark.parametrize("query, expected", [
    ("pull-up", "pull-up"), ("pull up", "pull-up"), ("pullup", "pull-up"), ("Pullups", "pull-up"),
    ("chin up", "chin-up"), ("chinup", "chin-up"), ("push up", "push-up"), ("pushups", "push-up"),
    ("RDL", "barbell-romanian-deadlift"), ("OHP", "barbell-overhead-press"),
    ("benchpres", "barbell-bench-press"), ("bnech press", "barbell-bench-press"),
    ("DB row", "one-arm-dumbbell-row"), ("squats", "barbell-back-squat"),
])
def test_what_people_type_finds_the_exercise_they_mean(query, expected):
    assert first(query) == expected


def test_squat_lists_the_main_lift_first_and_the_jump_after_the_lifts():
    found = [e.id for e in catalogue.search("squat")]
    assert found[0] == "barbell-back-squat"
    assert found.index("barbell-back-squat") < found.index("barbell-box-squat")  # the fuller lift first
    lifts = [i for i in found if catalogue.get_exercise(i).pattern not in ("conditioning", "mobility")]
    assert found.index("squat-jump") > max(found.index(i) for i in lifts)


def test_a_word_as_typed_still_counts_beside_its_shorthand_and_nothing_matches_nothing():
    assert "bench-dip" in [e.id for e in catalogue.search("bench")]  # "bench" is also bench press
    assert catalogue.search("") == [] and catalogue.search("   ") == []
    assert catalogue.search("zzqx") == []
    assert exercise_search.match_quality("bench press", "Barbell bench press") == 0
    assert exercise_search.match_quality("bench pre", "Barbell bench press") == 1
    assert exercise_search.match_quality("benchpress", "Barbell bench press") == 2
    assert exercise_search.match_quality("bnech press", "Barbell bench press") == 3
    # a word begun beats letters inside a word: "run" lists running before crunches
    assert exercise_search.match_quality("run", "Running") == 1
    assert exercise_search.match_quality("run", "Machine crunch") == 2
    assert exercise_search.match_quality("row", "Barbell bench press") is None
    assert exercise_search.match_quality("x" * 10_000, "Barbell bench press") is None


def test_the_log_pages_search_finds_my_custom_exercises_the_same_way_and_nobody_elses(database):
    alice, bob = make_user("alice").user.id, make_user("bob").user.id
    with db.transaction() as session:
        session.add(Exercise(id=f"custom-{alice}-sled-push", name="Sled push", pattern="carry",
                             level="beginner", details={"timed": False}, is_custom=True, owner_user_id=alice))
    assert [e.name for e in workout_entries.find_exercises(alice, "sled pushes")] == ["Sled push"]
    assert [e.name for e in workout_entries.find_exercises(alice, "sledpush")] == ["Sled push"]
    assert workout_entries.find_exercises(bob, "sled push") == []
    with db.read_only() as session:
        found = catalogue_store.search(session, alice, "pullup", limit=2)
    assert len(found) == 2 and found[0].id == "pull-up" and all("pull-up" in e.id for e in found)


def test_the_importer_reads_shorthand_in_other_apps_names():
    assert match_exercise("RDL (Barbell)") == "barbell-romanian-deadlift"
    assert match_exercise("Pullups") == "pull-up"
    assert match_exercise("Bench Dip") == "bench-dip"  # "bench" is bench press only before a press
