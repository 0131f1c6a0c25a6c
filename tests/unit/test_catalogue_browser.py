"""Browsing the catalogue: search, filters, their choices, and each exercise in plain words."""

from __future__ import annotations

import pytest

from vigor_app.services.catalogue import browser as catalogue_browser
from vigor_app.services.catalogue import catalogue
from vigor_app.services.catalogue.browser import (
    UnknownFilterError,
    browse,
    card,
    choices,
    count_label,
    dose,
    is_choice,
    label,
)
from vigor_app.services.vocabulary import EQUIPMENT, MUSCLES, PATTERNS


def _names(exercises) -> list[str]:
    return [e.name for e in exercises]


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("pull_up_bar", "Pull-up bar"),
        ("horizontal_push", "Horizontal push"),
        ("lower_back", "Lower back"),
        ("dumbbells", "Dumbbells"),
        ("full_body", "Full body"),
        ("beginner", "Beginner"),
    ],
)
def test_labels_read_as_words(word, expected):
    assert label(word) == expected


def test_choices_follow_the_vocabulary_and_only_offer_words_in_use():
    exercises = catalogue.all_exercises()
    muscles = [v for v, _ in choices("muscle")]
    assert muscles == [m for m in MUSCLES if any(m in e.primary_muscles for e in exercises)]
    assert [v for v, _ in choices("equipment")] == [
        q for q in EQUIPMENT if any(q in e.equipment for e in exercises)
    ]
    assert [v for v, _ in choices("pattern")] == [
        p for p in PATTERNS if any(e.pattern == p for e in exercises)
    ]
    assert ("pull_up_bar", "Pull-up bar") in choices("equipment")
    with pytest.raises(ValueError):
        choices("level")


def test_is_choice_accepts_any_and_known_words_only():
    assert is_choice("muscle", "")
    assert is_choice("equipment", "kettlebells")
    assert not is_choice("equipment", "spaceship")
    assert not is_choice("pattern", "quads")  # a muscle is not a pattern
    assert not is_choice("muscle", None)
    assert not is_choice("muscle", ["quads"])


def test_browse_without_anything_lists_the_whole_catalogue_by_name():
    found = browse()
    assert len(found) == len(catalogue.all_exercises())
    keys = [e.name.casefold() for e in found]
    assert keys == sorted(keys)


def test_search_matches_names_ignoring_case_and_spaces():
    found = browse("  GOBLET ")
    assert found
    assert all("goblet" in e.name.casefold() for e in found)
    assert "Dumbbell goblet squat" in _names(found)
    assert browse("no such exercise anywhere") == []


def test_filters_combine_with_each_other_and_with_search():
    kettlebell = browse(equipment="kettlebells")
    squats = browse(pattern="squat")
    both = browse(equipment="kettlebells", pattern="squat")
    assert both
    assert set(_names(both)) == set(_names(kettlebell)) & set(_names(squats))
    goblet_kb = browse("goblet", equipment="kettlebells")
    assert goblet_kb and all(
        "kettlebells" in e.equipment and "goblet" in e.name.casefold() for e in goblet_kb
    )
    for e in browse(muscle="chest"):
        assert "chest" in e.primary_muscles


@pytest.mark.parametrize(
    "filters",
    [{"muscle": "spleen"}, {"equipment": "Dumbbells"}, {"pattern": "squat; drop table"},
     {"muscle": None}],
)
def test_unknown_filter_values_are_refused(filters):
    with pytest.raises(UnknownFilterError):
        browse(**filters)


def test_a_card_says_everything_in_plain_words():
    shown = card(catalogue.get_exercise("box-squat"))
    assert shown.name == "Bodyweight box squat"
    assert (shown.pattern, shown.level) == ("Squat", "Beginner")
    assert shown.equipment == "Bodyweight only"
    assert shown.primary_muscles == "Quads, Glutes"
    assert shown.secondary_muscles == "Core"
    assert shown.dose == "8–20 reps"
    assert shown.not_for == "Not for: knee"
    assert shown.one_side == ""
    assert shown.cue.endswith(".")


def test_cards_for_unilateral_multi_equipment_and_multi_injury_exercises():
    exercises = catalogue.all_exercises()
    one_side = next(e for e in exercises if e.unilateral)
    assert card(one_side).one_side == "One side at a time"
    kit = next(e for e in exercises if "pull_up_bar" in e.equipment)
    assert "Pull-up bar" in card(kit).equipment
    hurt = next(e for e in exercises if "lower_back" in e.unsafe_for and len(e.unsafe_for) > 1)
    assert "lower back" in card(hurt).not_for
    assert card(hurt).not_for.startswith("Not for: ")
    safe = next(e for e in exercises if not e.unsafe_for)
    assert card(safe).not_for == ""


def test_every_card_is_strings_only():
    for exercise in catalogue.all_exercises():
        shown = card(exercise).as_dict()
        assert all(isinstance(v, str) for v in shown.values())
        assert shown["dose"]
        assert "_" not in shown["pattern"] + shown["equipment"] + shown["primary_muscles"]


def test_timed_doses_read_in_seconds_or_minutes():
    wall_sit = catalogue.get_exercise("wall-sit")
    assert dose(wall_sit) == "20–60 seconds"
    timed = [e for e in catalogue.all_exercises() if e.timed]
    texts = {e.seconds_range: dose(e) for e in timed}
    for (low, high), text in texts.items():
        if high >= 120 and low % 60 == 0 and high % 60 == 0:
            assert text == f"{low // 60}–{high // 60} minutes"
        elif high >= 120:
            assert "second" in text and "minute" in text


def test_count_label():
    assert count_label(0) == "No exercises"
    assert count_label(1) == "1 exercise"
    assert count_label(42) == "42 exercises"


def test_the_module_stays_free_of_reflex():
    source = open(catalogue_browser.__file__, encoding="utf-8").read()
    assert "import reflex" not in source and "from reflex" not in source
