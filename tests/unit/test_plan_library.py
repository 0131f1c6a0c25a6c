import pytest

from tests.factories import make_user
from vigor_app import db
from vigor_app.models import WorkoutPlan
from vigor_app.services.catalogue.catalogue import load_catalogue
from vigor_app.services.errors import NotFound, ValidationError
from vigor_app.services.plans import block, profiles, warmups
from vigor_app.services.plans import library as plan_library
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


# -- the block's weeks ---------------------------------------------------------------------


def _column(plan: dict, key: str, day: int = 0, index: int = 0) -> list:
    return [week["days"][day]["exercises"][index][key] for week in plan["weeks"]]


def test_a_swap_rederives_the_weeks_with_the_new_exercise_in_place(me):
    plan = plan_library.create_plan(me, seed=3)
    before = plan.plan
    assert before["days"][0]["exercises"][0]["exercise_id"] == "dumbbell-floor-press"
    swapped = plan_library.swap_exercise(me, plan.id, 0, 0, "dumbbell-bench-press").plan
    inputs = plan_library._stored_inputs(swapped["inputs"])
    assert validate_plan(swapped, inputs) == []
    assert _column(swapped, "exercise_id") == ["dumbbell-bench-press"] * 4  # beginner: 4 weeks
    assert swapped["weeks"] == block.block_weeks(swapped["days"], inputs, load_catalogue())
    for week, old in zip(swapped["weeks"], before["weeks"], strict=True):
        assert week["days"][1:] == old["days"][1:], "the other days keep their weeks"
        assert week["days"][0]["exercises"][1:] == old["days"][0]["exercises"][1:]
    item = swapped["days"][0]["exercises"][0]
    assert item["warmup_sets"] == warmups.ramp_steps(load_catalogue().get("dumbbell-bench-press"))
    assert _column(swapped, "sets") == [item["sets"]] * 3 + [-(-item["sets"] // 2)]
    assert plan_library.get_plan(me, plan.id).plan == swapped


def test_a_swapped_in_exercise_progresses_by_its_own_rule(me):
    plan = plan_library.create_plan(me, seed=3)
    assert plan.plan["days"][0]["exercises"][0]["progression"] == "load_step"
    swapped = plan_library.swap_exercise(me, plan.id, 0, 0, "push-up").plan
    assert swapped["days"][0]["exercises"][0]["progression"] == "rep_step"
    assert _column(swapped, "reps") == ["5-12", "9-12", "12", "5-12"]
    assert not any("kg" in note or "lighter" in note for note in _column(swapped, "note"))


def test_an_old_plan_without_weeks_gets_them_derived_from_its_days(me):
    plan = plan_library.create_plan(me, seed=2)
    with db.transaction() as session:
        row = session.get(WorkoutPlan, plan.id)
        assert row is not None
        row.plan = {key: value for key, value in row.plan.items() if key != "weeks"}
        session.add(row)
    old = plan_library.get_plan(me, plan.id)
    assert "weeks" not in old.plan
    derived = plan_library.plan_weeks(old.plan, old.inputs)
    inputs = plan_library._stored_inputs(old.inputs)
    assert derived == block.block_weeks(old.plan["days"], inputs, load_catalogue()) == plan.plan["weeks"]
    assert [w["week"] for w in derived] == [1, 2, 3, 4] and derived[-1]["deload"] is True
    week = plan_library.current_week(me, plan.id)
    assert week is not None and (week.number, week.weeks, week.deload) == (1, 4, False)
    deload = plan_library.current_week(me, plan.id, number=4)
    assert deload is not None and deload.deload
    assert [i["sets"] for i in deload.days[0]["exercises"]] == [
        -(-i["sets"] // 2) for i in old.plan["days"][0]["exercises"]]
    assert plan_library.plan_weeks({"days": "not a list"}, old.inputs) == []
