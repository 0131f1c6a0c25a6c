"""The onboarding wizard and the Profile page's fitness section, through their handlers."""

from tests.factories import make_user
from tests.state.conftest import redirect_path
from vigor_app.services.plans import profiles
from vigor_app.state.fitness_profile import STEPS, FitnessProfileState


def _signed_in_tab(browser, name="alice"):
    me = make_user(name)
    tab = browser()
    tab.state(FitnessProfileState).session_token = me.token
    return tab, me.user.id


def test_the_wizard_saves_each_step_and_finishes_on_workouts(browser):
    tab, user_id = _signed_in_tab(browser)
    state, _ = tab.call(FitnessProfileState, "start_onboarding", path="/onboarding")
    assert state.step == 0 and not state.onboarded
    tab.call(FitnessProfileState, "set_field", "fitness_level", "advanced", path="/onboarding")
    tab.call(FitnessProfileState, "next_step", path="/onboarding")
    assert profiles.get_profile(user_id).fitness_level == "advanced"  # saved at once
    tab.call(FitnessProfileState, "toggle", "goals", "strength", path="/onboarding")
    tab.call(FitnessProfileState, "toggle", "goals", "general_fitness", path="/onboarding")
    tab.call(FitnessProfileState, "next_step", path="/onboarding")
    assert profiles.get_profile(user_id).goals == ["strength"]
    result = None
    for _ in range(len(STEPS) - 2):
        state, result = tab.call(FitnessProfileState, "next_step", path="/onboarding")
    assert redirect_path(result) == "/workouts"
    assert profiles.get_profile(user_id).onboarded


def test_a_bad_value_stays_on_the_step_with_the_error_and_saves_nothing(browser):
    tab, user_id = _signed_in_tab(browser)
    tab.call(FitnessProfileState, "start_onboarding", path="/onboarding")
    state = tab.state(FitnessProfileState, "/onboarding")
    state.step = 4  # the schedule
    tab.call(FitnessProfileState, "set_field", "session_minutes", "500", path="/onboarding")
    state, result = tab.call(FitnessProfileState, "next_step", path="/onboarding")
    assert result is None and state.step == 4
    assert "session_minutes" in state.errors
    assert state.session_minutes == "500"  # what was typed is kept
    assert profiles.get_profile(user_id).session_minutes == 45


def test_the_browser_time_zone_is_taken_once(browser):
    tab, user_id = _signed_in_tab(browser)
    tab.call(FitnessProfileState, "start_onboarding", path="/onboarding")
    tab.call(FitnessProfileState, "set_browser_timezone", "Europe/Berlin", path="/onboarding")
    assert profiles.get_profile(user_id).timezone == "Europe/Berlin"
    tab.call(FitnessProfileState, "set_browser_timezone", "Asia/Tokyo", path="/onboarding")
    assert profiles.get_profile(user_id).timezone == "Europe/Berlin"


def test_unknown_fields_and_words_from_the_browser_change_nothing(browser):
    tab, user_id = _signed_in_tab(browser)
    tab.call(FitnessProfileState, "load", path="/profile")
    state, _ = tab.call(FitnessProfileState, "toggle", "role", "admin", path="/profile")
    state, _ = tab.call(FitnessProfileState, "toggle", "equipment", "jetpack", path="/profile")
    state, _ = tab.call(FitnessProfileState, "set_field", "onboarded", "true", path="/profile")
    assert state.equipment == ["bodyweight"]
    tab.call(FitnessProfileState, "save_all", path="/profile")
    assert profiles.get_profile(user_id).equipment == ["bodyweight"]


def test_profile_page_saves_everything_for_the_signed_in_person_only(browser):
    tab, user_id = _signed_in_tab(browser)
    bob = make_user("bob").user.id
    tab.call(FitnessProfileState, "load", path="/profile")
    tab.call(FitnessProfileState, "set_field", "units", "lb", path="/profile")
    tab.call(FitnessProfileState, "toggle", "injuries", "wrist", path="/profile")
    state, _ = tab.call(FitnessProfileState, "save_all", path="/profile")
    assert state.saved
    assert profiles.get_profile(user_id).units == "lb"
    assert profiles.get_profile(user_id).injuries == ["wrist"]
    assert profiles.get_profile(bob).units == "kg"


def test_anonymous_tab_loads_nothing_and_saves_nothing(browser):
    tab = browser()
    state, _ = tab.call(FitnessProfileState, "save_all", path="/profile")
    assert not state.saved
