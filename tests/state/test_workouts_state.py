"""The Workouts page's handlers: view, swap, rename, regenerate, activate, delete — own plans only."""

import pytest

from tests.factories import make_user
from vigor_app.services.plans import library as plan_library
from vigor_app.services.plans import profiles
from vigor_app.state.workouts import WorkoutsState


@pytest.fixture
def alice(browser):
    me = make_user("alice")
    profiles.update_profile(me.user.id, {"equipment": ["dumbbells", "bench"], "days_per_week": 3},
                            finish_onboarding=True)
    plan = plan_library.create_plan(me.user.id, seed=11, name="Base block")
    tab = browser()
    tab.state(WorkoutsState).session_token = me.token
    tab.call(WorkoutsState, "load", path="/workouts")
    return tab, me.user.id, plan


def test_load_shows_the_active_plan_day_by_day(alice):
    tab, _, plan = alice
    state = tab.state(WorkoutsState, "/workouts")
    assert state.selected_id == str(plan.id) and state.plan_name == "Base block" and state.plan_active
    assert len(state.days) == 3
    first = state.days[0].exercises[0]
    assert first.name == plan.plan["days"][0]["exercises"][0]["name"]
    assert "×" in first.prescription and "rest" in first.prescription
    assert first.cue  # the catalogue's how-to
    assert first.reason


def test_swap_from_the_offered_choices_persists(alice):
    tab, user_id, plan = alice
    state, _ = tab.call(WorkoutsState, "open_swap", 0, 0, path="/workouts")
    assert state.swap_open and state.swap_choices
    choice = state.swap_choices[0]
    state, _ = tab.call(WorkoutsState, "choose_swap", choice["id"], path="/workouts")
    assert not state.swap_open and state.error == ""
    assert state.days[0].exercises[0].name == choice["name"]
    assert plan_library.get_plan(user_id, plan.id).plan["days"][0]["exercises"][0]["exercise_id"] == choice["id"]


def test_a_swap_outside_the_choices_is_refused(alice):
    tab, user_id, plan = alice
    tab.call(WorkoutsState, "open_swap", 0, 0, path="/workouts")
    state, _ = tab.call(WorkoutsState, "choose_swap", "barbell-back-squat", path="/workouts")
    assert state.error
    assert plan_library.get_plan(user_id, plan.id).plan == plan.plan


def test_rename_regenerate_activate_delete(alice):
    tab, user_id, plan = alice
    second = plan_library.create_plan(user_id, seed=12, name="Second")
    tab.call(WorkoutsState, "select_plan", str(second.id), path="/workouts")
    state, _ = tab.call(WorkoutsState, "rename", {"plan_name": "Peaking"}, path="/workouts")
    assert state.plan_name == "Peaking"
    state, _ = tab.call(WorkoutsState, "rename", {"plan_name": "   "}, path="/workouts")
    assert state.error and plan_library.get_plan(user_id, second.id).name == "Peaking"
    state, _ = tab.call(WorkoutsState, "activate", path="/workouts")
    assert state.plan_active
    assert [p.id for p in plan_library.list_plans(user_id) if p.is_active] == [second.id]
    before = plan_library.get_plan(user_id, second.id).seed
    tab.call(WorkoutsState, "regenerate", path="/workouts")
    assert plan_library.get_plan(user_id, second.id).seed != before
    state, _ = tab.call(WorkoutsState, "delete", path="/workouts")
    assert [p.id for p in plan_library.list_plans(user_id)] == [plan.id]
    assert state.selected_id == str(plan.id)


def test_another_persons_plan_cannot_be_opened_or_changed(alice, browser):
    _, user_id, plan = alice
    mallory = make_user("mallory")
    tab = browser()
    tab.state(WorkoutsState).session_token = mallory.token
    state, _ = tab.call(WorkoutsState, "load", path="/workouts")
    state, _ = tab.call(WorkoutsState, "select_plan", str(plan.id), path="/workouts")
    assert state.days == [] and state.plan_name == ""
    state = tab.state(WorkoutsState, "/workouts")
    state.selected_id = str(plan.id)  # whatever the browser claims to be looking at
    for handler, args in (("rename", ({"plan_name": "stolen"},)), ("regenerate", ()), ("delete", ()),
                          ("open_swap", (0, 0))):
        tab.call(WorkoutsState, handler, *args, path="/workouts")
        state = tab.state(WorkoutsState, "/workouts")
        state.selected_id = str(plan.id)
    after = plan_library.get_plan(user_id, plan.id)
    assert (after.name, after.plan, after.seed) == (plan.name, plan.plan, plan.seed)


def test_anonymous_tab_gets_nothing(browser):
    tab = browser()
    state, _ = tab.call(WorkoutsState, "load", path="/workouts")
    assert state.plans == [] and state.days == []


def test_a_refused_delete_shows_why_and_never_says_deleted(alice, browser):
    _, user_id, plan = alice
    mallory = make_user("mallory")
    tab = browser()
    tab.state(WorkoutsState).session_token = mallory.token
    tab.call(WorkoutsState, "load", path="/workouts")
    tab.state(WorkoutsState, "/workouts").selected_id = str(plan.id)  # a tampered page
    state, answer = tab.call(WorkoutsState, "delete", path="/workouts")
    assert state.error
    assert answer is None  # no "Plan deleted." toast
    assert plan_library.get_plan(user_id, plan.id).name == plan.name


def test_the_block_shows_the_current_week_and_any_other_on_request(alice):
    tab, user_id, plan = alice
    state = tab.state(WorkoutsState, "/workouts")
    weeks = plan.plan["weeks"]  # beginner (the profile's default level): 4 weeks
    assert state.week == "1" and state.current_week == 1
    assert [o["label"] for o in state.week_options] == [
        "Week 1 (this week)", "Week 2", "Week 3", "Week 4 · deload"]
    assert state.week_summary.startswith("Week 1 of 4:")
    state, _ = tab.call(WorkoutsState, "show_week", "4", path="/workouts")
    assert state.week == "4" and state.week_summary.startswith("Week 4 of 4: deload")
    target = weeks[3]["days"][0]["exercises"][0]
    shown = state.days[0].exercises[0]
    assert shown.prescription.startswith(f"{target['sets']} × {target['reps']}")
    assert shown.note == target["note"] and shown.note.startswith("Deload:")
    for junk in ("9", "0", "x", ""):  # out of the block, or not a week: the current week again
        state, _ = tab.call(WorkoutsState, "show_week", junk, path="/workouts")
        assert state.week == "1" and state.error == ""


def test_a_main_dumbbell_lift_shows_its_warm_up_ramp_in_the_persons_weights(alice):
    tab, user_id, plan = alice
    state = tab.state(WorkoutsState, "/workouts")
    ramped = [(d, i) for d, day in enumerate(plan.plan["days"]) for i, item in enumerate(day["exercises"])
              if item["warmup_sets"]]
    assert ramped, "a dumbbell plan's main lifts get a ramp"
    d, i = ramped[0]
    assert state.days[d].exercises[i].warmup.startswith("Warm-up: ~40 % × 8, ~60 % × 5, ~80 % × 3")
    unramped = [(d, i) for d, day in enumerate(plan.plan["days"]) for i, item in enumerate(day["exercises"])
                if not item["warmup_sets"]]
    assert all(state.days[d].exercises[i].warmup == "" for d, i in unramped)
