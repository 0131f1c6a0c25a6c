"""The exercise library's handlers: search, filters, paging, and nothing for anonymous tabs."""

from __future__ import annotations

import pytest

from tests.factories import make_user
from vigor_app.services.catalogue import catalogue
from vigor_app.state.exercises import PAGE_SIZE, ExercisesState

PATH = "/exercises"


@pytest.fixture
def tab(browser):
    alice = make_user("alice")
    tab = browser()
    tab.state(ExercisesState, PATH).session_token = alice.token
    return tab


def _names(state) -> list[str]:
    return [c["name"] for c in state.cards]


def test_load_shows_the_first_page_and_counts_everything(tab):
    state, _ = tab.call(ExercisesState, "load", path=PATH)
    total = len(catalogue.all_exercises())
    assert state.loaded
    assert state.match_count == total
    assert len(state.cards) == min(PAGE_SIZE, total)
    assert state.count_label == f"{total} exercises"
    assert state.has_more == (total > PAGE_SIZE)
    assert not state.filtering
    assert all(isinstance(v, str) for c in state.cards for v in c.values())


def test_search_narrows_the_results(tab):
    tab.call(ExercisesState, "load", path=PATH)
    state, _ = tab.call(ExercisesState, "set_search", "Goblet", path=PATH)
    assert state.search_text == "Goblet"
    assert 0 < state.match_count < len(catalogue.all_exercises())
    assert "Dumbbell goblet squat" in _names(state)
    assert all("goblet" in name.casefold() for name in _names(state))
    assert state.filtering and not state.has_more


def test_filters_combine(tab):
    state, _ = tab.call(ExercisesState, "set_equipment", "kettlebells", path=PATH)
    kettlebells = set(_names(state))
    assert state.equipment == "kettlebells"
    state, _ = tab.call(ExercisesState, "set_pattern", "squat", path=PATH)
    both = set(_names(state))
    assert both and both < kettlebells
    assert all(c["pattern"] == "Squat" and "Kettlebells" in c["equipment"] for c in state.cards)
    state, _ = tab.call(ExercisesState, "set_search", "goblet", path=PATH)
    assert _names(state) == ["Kettlebell goblet squat"]
    state, _ = tab.call(ExercisesState, "set_muscle", "chest", path=PATH)
    assert state.match_count == 0 and state.cards == []
    assert state.count_label == "No exercises"


def test_clear_filters_brings_everything_back(tab):
    tab.call(ExercisesState, "set_search", "goblet", path=PATH)
    tab.call(ExercisesState, "set_equipment", "dumbbells", path=PATH)
    state, _ = tab.call(ExercisesState, "clear_filters", path=PATH)
    assert (state.search_text, state.muscle, state.equipment, state.pattern) == ("", "", "", "")
    assert state.match_count == len(catalogue.all_exercises())
    assert not state.filtering


def test_any_resets_one_filter(tab):
    tab.call(ExercisesState, "set_equipment", "barbell", path=PATH)
    state, _ = tab.call(ExercisesState, "set_equipment", "", path=PATH)
    assert state.equipment == ""
    assert state.match_count == len(catalogue.all_exercises())


@pytest.mark.parametrize(
    ("handler", "value"),
    [
        ("set_muscle", "spleen"),
        ("set_equipment", "jetpack"),
        ("set_pattern", "quads"),
        ("set_muscle", None),
        ("set_equipment", 7),
        ("set_pattern", {"$ne": ""}),
    ],
)
def test_unknown_filter_values_are_refused_without_error(tab, handler, value):
    tab.call(ExercisesState, "set_equipment", "dumbbells", path=PATH)
    before, _ = tab.call(ExercisesState, "load", path=PATH)
    expected = list(before.cards)
    state, result = tab.call(ExercisesState, handler, value, path=PATH)
    assert result is None
    assert (state.muscle, state.equipment, state.pattern) == ("", "dumbbells", "")
    assert state.cards == expected


def test_a_search_from_the_browser_is_bounded_and_must_be_text(tab):
    state, _ = tab.call(ExercisesState, "set_search", "squat" * 100, path=PATH)
    assert len(state.search_text) == 100
    state, _ = tab.call(ExercisesState, "set_search", None, path=PATH)
    assert state.search_text == ""
    assert state.match_count == len(catalogue.all_exercises())


def test_show_more_pages_through_the_results(tab):
    state, _ = tab.call(ExercisesState, "load", path=PATH)
    total = state.match_count
    assert total > PAGE_SIZE, "the catalogue is big enough to page"
    seen = len(state.cards)
    while state.has_more:
        state, _ = tab.call(ExercisesState, "show_more", path=PATH)
        assert len(state.cards) > seen
        seen = len(state.cards)
    assert len(state.cards) == total
    state, _ = tab.call(ExercisesState, "show_more", path=PATH)
    assert len(state.cards) == total
    state, _ = tab.call(ExercisesState, "set_pattern", "hinge", path=PATH)
    assert len(state.cards) <= PAGE_SIZE  # a new filter starts from the first page


@pytest.mark.parametrize(
    ("handler", "args"),
    [
        ("load", ()),
        ("set_search", ("goblet",)),
        ("set_muscle", ("quads",)),
        ("set_equipment", ("dumbbells",)),
        ("set_pattern", ("squat",)),
        ("show_more", ()),
        ("clear_filters", ()),
    ],
)
def test_an_anonymous_tab_gets_no_results(browser, handler, args):
    make_user("alice")
    tab = browser()
    state, _ = tab.call(ExercisesState, handler, *args, path=PATH)
    assert state.cards == [] and state.match_count == 0
    assert not state.loaded and not state.signed_in


def test_a_tab_whose_session_ended_loses_its_results(tab):
    state, _ = tab.call(ExercisesState, "load", path=PATH)
    assert state.cards
    state.session_token = "not-a-real-session"
    state, _ = tab.call(ExercisesState, "set_search", "squat", path=PATH)
    assert state.cards == [] and state.match_count == 0 and not state.loaded
