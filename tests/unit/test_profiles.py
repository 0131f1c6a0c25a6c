import pytest

from tests.factories import make_user
from vigor_app.services.errors import ValidationError
from vigor_app.services.plans import profiles

pytestmark = pytest.mark.usefixtures("database")


def test_a_new_person_gets_the_defaults_and_is_not_onboarded():
    me = make_user()
    view = profiles.get_profile(me.user.id)
    assert view.fitness_level == "beginner" and view.equipment == ["bodyweight"]
    assert view.days_per_week == 3 and view.session_minutes == 45
    assert not view.onboarded


def test_update_checks_and_stores_every_field():
    me = make_user()
    view = profiles.update_profile(me.user.id, {
        "fitness_level": "intermediate", "goals": ["strength", "mobility"],
        "equipment": ["dumbbells", "bench"], "injuries": ["knee"], "days_per_week": 4,
        "preferred_weekdays": ["mon", "tue", "thu", "sat"], "session_minutes": 60, "units": "lb",
        "timezone": "Europe/Berlin",
    }, finish_onboarding=True)
    assert view.onboarded
    stored = profiles.get_profile(me.user.id)
    assert stored == view
    assert "bodyweight" in stored.equipment  # always available
    assert stored.units == "lb" and stored.timezone == "Europe/Berlin"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"fitness_level": "elite"}, "fitness_level"),
        ({"goals": []}, "goals"),
        ({"goals": ["get-huge"]}, "goals"),
        ({"equipment": ["jetpack"]}, "equipment"),
        ({"injuries": ["pride"]}, "injuries"),
        ({"days_per_week": 7}, "days_per_week"),
        ({"days_per_week": 1}, "days_per_week"),
        ({"session_minutes": 10}, "session_minutes"),
        ({"session_minutes": 121}, "session_minutes"),
        ({"session_minutes": "sixty"}, "session_minutes"),
        ({"units": "stone"}, "units"),
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"daily_motivation": "yes"}, "daily_motivation"),
        ({"motivation_hour": 24}, "motivation_hour"),
        ({"days_per_week": 4, "preferred_weekdays": ["mon", "tue"]}, "preferred_weekdays"),
    ],
)
def test_bad_values_are_refused_naming_the_field_and_change_nothing(changes, field):
    me = make_user()
    profiles.update_profile(me.user.id, {"goals": ["strength"]})
    with pytest.raises(ValidationError) as caught:
        profiles.update_profile(me.user.id, changes)
    assert caught.value.field == field
    assert profiles.get_profile(me.user.id).goals == ["strength"]


def test_unknown_fields_are_refused():
    me = make_user()
    with pytest.raises(ValidationError, match="Unknown profile field"):
        profiles.update_profile(me.user.id, {"user_id": 99})


def test_profiles_are_per_person():
    alice, bob = make_user("alice"), make_user("bob")
    profiles.update_profile(alice.user.id, {"fitness_level": "advanced"})
    assert profiles.get_profile(bob.user.id).fitness_level == "beginner"


def test_daily_motivation_is_opt_in_at_a_local_hour():
    me = make_user()
    assert not profiles.get_profile(me.user.id).daily_motivation
    view = profiles.update_profile(me.user.id, {"daily_motivation": True, "motivation_hour": "7"})
    assert view.daily_motivation and view.motivation_hour == 7
