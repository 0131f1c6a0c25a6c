import pytest

from tests.factories import make_user
from vigor_app.services.errors import NotFound, ValidationError
from vigor_app.services.plans import library as plan_library
from vigor_app.services.plans import profiles
from vigor_app.services.plans.validation import validate_plan

pytestmark = pytest.mark.usefixtures("database")


@pytest.fixture
def me():
    user = make_user("alice")
    profiles.update_profile(user.user.id, {"equipment": ["dumbbells", "bench"], "goals": ["strength"],
                                           "days_per_week": 4, "injuries": ["knee"]})
    return user.user.id


def test_created_plan_is_stored_valid_and_first_one_is_active(me):
    plan = plan_library.create_plan(me, seed=7)
    assert plan.is_active and plan.engine == "builtin" and plan.seed == 7
    assert len(plan.plan["days"]) == 4
    assert validate_plan(plan.plan, profiles.get_profile(me).plan_profile()) == []
    second = plan_library.create_plan(me, seed=8)
    assert not second.is_active
    assert [p.id for p in plan_library.list_plans(me)] == [plan.id, second.id]


def test_the_same_seed_gives_the_same_plan(me):
    assert plan_library.create_plan(me, seed=5).plan == plan_library.create_plan(me, seed=5).plan


def test_request_overrides_and_bad_requests(me):
    plan = plan_library.create_plan(me, {"days_per_week": 2, "session_minutes": 30}, seed=1)
    assert len(plan.plan["days"]) == 2
    with pytest.raises(ValidationError) as caught:
        plan_library.create_plan(me, {"days_per_week": 9})
    assert caught.value.field == "days_per_week"
    assert len(plan_library.list_plans(me)) == 1


def test_rename_activate_delete(me):
    first = plan_library.create_plan(me, seed=1)
    second = plan_library.create_plan(me, seed=2)
    assert plan_library.rename_plan(me, second.id, "  Summer   block ").name == "Summer block"
    with pytest.raises(ValidationError):
        plan_library.rename_plan(me, second.id, "   ")
    plan_library.activate_plan(me, second.id)
    assert [p.id for p in plan_library.list_plans(me) if p.is_active] == [second.id]
    plan_library.delete_plan(me, second.id)
    assert [(p.id, p.is_active) for p in plan_library.list_plans(me)] == [(first.id, True)]


def test_swap_keeps_the_plan_valid_and_refuses_unsafe_choices(me):
    plan = plan_library.create_plan(me, seed=3)
    options = plan_library.swap_options(me, plan.id, 0, 0)
    assert options
    swapped = plan_library.swap_exercise(me, plan.id, 0, 0, options[0].id)
    assert swapped.plan["days"][0]["exercises"][0]["exercise_id"] == options[0].id
    inputs = plan_library._stored_inputs(swapped.inputs)
    assert validate_plan(swapped.plan, inputs) == []
    assert plan_library.get_plan(me, plan.id).plan == swapped.plan
    with pytest.raises(ValidationError):
        plan_library.swap_exercise(me, plan.id, 0, 0, "barbell-back-squat")  # no barbell, bad knee
    with pytest.raises(NotFound):
        plan_library.swap_exercise(me, plan.id, 0, 99, options[0].id)


def test_another_persons_plan_is_not_found_and_untouched(me):
    plan = plan_library.create_plan(me, seed=3)
    mallory = make_user("mallory").user.id
    for call in (
        lambda: plan_library.get_plan(mallory, plan.id),
        lambda: plan_library.rename_plan(mallory, plan.id, "mine now"),
        lambda: plan_library.activate_plan(mallory, plan.id),
        lambda: plan_library.delete_plan(mallory, plan.id),
        lambda: plan_library.swap_options(mallory, plan.id, 0, 0),
    ):
        with pytest.raises(NotFound):
            call()
    assert plan_library.get_plan(me, plan.id).name == plan.name
    assert plan_library.list_plans(mallory) == []


def test_regenerate_replaces_the_plan_in_place_with_a_new_seed(me):
    plan = plan_library.create_plan(me, seed=1, name="Block A")
    again = plan_library.regenerate_plan(me, plan.id, seed=2)
    assert (again.id, again.name, again.seed) == (plan.id, "Block A", 2)
    assert again.plan != plan.plan
    assert validate_plan(again.plan, plan_library._stored_inputs(again.inputs)) == []
    with pytest.raises(NotFound):
        plan_library.regenerate_plan(make_user("mallory").user.id, plan.id)
