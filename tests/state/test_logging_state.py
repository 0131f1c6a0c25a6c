"""Logging through the State handlers: tick sets, reload, finish; nobody else's sets."""

import pytest

from tests.factories import make_user
from tests.state.conftest import redirect_path
from vigor_app.services.plans import library as plan_library
from vigor_app.services.plans import profiles
from vigor_app.services.training import workout_entries, workout_sessions, workout_views
from vigor_app.services.your_data import importer as data_import
from vigor_app.state.history import HistoryState
from vigor_app.state.workout_log import LoggingState


@pytest.fixture
def logging_tab(browser):
    me = make_user("alice")
    profiles.update_profile(me.user.id, {"equipment": ["dumbbells", "bench"], "units": "lb"},
                            finish_onboarding=True)
    plan = plan_library.create_plan(me.user.id, seed=2)
    workout_sessions.start_from_plan(me.user.id, plan.id, 0)
    tab = browser()
    tab.state(LoggingState).session_token = me.token
    tab.call(LoggingState, "load", path="/log")
    return tab, me.user.id


def _first_counted(state):
    card = next(c for c in state.cards if not c.timed)
    return card, card.rows[0]


def test_ticking_a_set_saves_it_in_kilograms_and_starts_the_rest(logging_tab):
    tab, user_id = logging_tab
    state = tab.state(LoggingState, "/log")
    card, row = _first_counted(state)
    assert card.suggestion  # next-session advice from the progression rule
    tab.call(LoggingState, "edit", row.id, "reps", "9", path="/log")
    tab.call(LoggingState, "edit", row.id, "weight", "45", path="/log")  # pounds
    tab.call(LoggingState, "edit", row.id, "rpe", "8.5", path="/log")
    state, events = tab.call(LoggingState, "toggle_done", row.id, path="/log")
    saved = next(s for e in workout_views.open_session(user_id).entries for s in e.sets if s.id == row.id)
    assert (saved.reps, saved.rpe, saved.done) == (9, 8.5, True)
    assert saved.weight_kg == pytest.approx(20.41, abs=0.01)
    assert state.done_sets == 1
    assert any("start_rest" in str(e) for e in events)
    # A reload shows the same set done, in pounds.
    state, _ = tab.call(LoggingState, "load", path="/log")
    _, again = _first_counted(state)
    assert again.done and again.weight == "45"


def test_bad_input_is_shown_at_the_set_and_nothing_is_saved(logging_tab):
    tab, user_id = logging_tab
    state = tab.state(LoggingState, "/log")
    _, row = _first_counted(state)
    for field, value in (("reps", "-3"), ("reps", "ten"), ("weight", "5000")):
        tab.call(LoggingState, "edit", row.id, "reps", "8", path="/log")
        tab.call(LoggingState, "edit", row.id, "weight", "", path="/log")
        tab.call(LoggingState, "edit", row.id, field, value, path="/log")
        state, _ = tab.call(LoggingState, "toggle_done", row.id, path="/log")
        _, shown = _first_counted(state)
        assert shown.error and not shown.done
    saved = next(s for e in workout_views.open_session(user_id).entries for s in e.sets if s.id == row.id)
    assert not saved.done


def test_finish_goes_to_history_with_a_summary(logging_tab):
    tab, user_id = logging_tab
    state = tab.state(LoggingState, "/log")
    _, row = _first_counted(state)
    tab.call(LoggingState, "toggle_done", row.id, path="/log")
    session_id = state.session_id
    state, events = tab.call(LoggingState, "finish", path="/log")
    assert redirect_path(events[0]) == f"/history?finished={session_id}"
    assert len(events) == 2  # and a toast for the first-workout milestone
    assert workout_views.open_session(user_id) is None
    tab.state(HistoryState).session_token = state.session_token
    history, _ = tab.call(HistoryState, "load", path="/history", query={"finished": str(session_id)})
    assert history.total == 1 and history.total_text == "1 workout"
    # One set done of a plan day's exercises, in seconds: counted as the card counts it.
    assert history.finished_summary.endswith(": 1 set across 1 exercise in under a minute.")


def test_another_persons_set_ids_do_nothing(logging_tab, browser):
    tab, user_id = logging_tab
    _, row = _first_counted(tab.state(LoggingState, "/log"))
    mallory = make_user("mallory")
    other = browser()
    other.state(LoggingState).session_token = mallory.token
    state, _ = other.call(LoggingState, "load", path="/log")
    assert state.session_id == 0 and state.cards == []
    for handler, args in (("toggle_done", (row.id,)), ("remove_set", (row.id,)), ("add_set", (1,)),
                          ("remove_exercise", (1,))):
        other.call(LoggingState, handler, *args, path="/log")
    view = workout_views.open_session(user_id)
    assert any(s.id == row.id and not s.done for e in view.entries for s in e.sets)
    assert workout_views.open_session(mallory.user.id) is None


def test_a_finished_workout_opens_for_correction_and_nobody_elses(logging_tab, browser):
    tab, user_id = logging_tab
    state = tab.state(LoggingState, "/log")
    _, row = _first_counted(state)
    tab.call(LoggingState, "toggle_done", row.id, path="/log")
    session_id = state.session_id
    tab.call(LoggingState, "finish", path="/log")
    state, _ = tab.call(LoggingState, "load", path="/log", query={"session": str(session_id)})
    assert state.editing_past and state.session_id == session_id
    mallory = make_user("mallory")
    other = browser()
    other.state(LoggingState).session_token = mallory.token
    state, _ = other.call(LoggingState, "load", path="/log", query={"session": str(session_id)})
    assert state.session_id == 0 and state.error


def test_another_members_custom_exercise_cannot_be_added_found_or_told_apart(browser):
    alice = make_user("alice")
    imported = data_import.import_csv(
        alice.user.id, "title,start_time,end_time,exercise_title,set_index,weight_kg,reps\n"
                       "Yard,\"15 Jan 2024, 07:30\",\"15 Jan 2024, 08:00\",Secret Sled Shuffle,0,40,10\n")
    secret = imported.custom["Secret Sled Shuffle"]
    bob = make_user("bob")
    tab = browser()
    tab.state(LoggingState).session_token = bob.token
    tab.call(LoggingState, "start_freestyle", path="/log")

    state, _ = tab.call(LoggingState, "add_exercise", f"custom-{alice.user.id}-no-such-move", path="/log")
    unknown_error = state.error
    state, _ = tab.call(LoggingState, "add_exercise", secret, path="/log")
    assert state.error == unknown_error == "That exercise is not in the library."
    assert state.cards == [] and workout_views.open_session(bob.user.id).entries == []
    state, _ = tab.call(LoggingState, "set_search", "Secret Sled", path="/log")
    assert state.search_results == []

    # The owner finds it and adds it.
    own = browser()
    own.state(LoggingState).session_token = alice.token
    own.call(LoggingState, "start_freestyle", path="/log")
    state, _ = own.call(LoggingState, "set_search", "Secret Sled", path="/log")
    assert state.search_results == [{"id": secret, "name": "Secret Sled Shuffle"}]
    state, _ = own.call(LoggingState, "add_exercise", secret, path="/log")
    assert [c.name for c in state.cards] == ["Secret Sled Shuffle"] and state.error == ""


def test_a_plan_workouts_main_dumbbell_lift_shows_its_ramp_from_the_weight_ticked(logging_tab):
    tab, user_id = logging_tab
    state = tab.state(LoggingState, "/log")
    ramped = [c for c in state.cards if c.warmup]
    assert ramped, "the day's main dumbbell lift gets a ramp"
    card = ramped[0]
    assert card.warmup == "Warm-up: ~40 % × 8, ~60 % × 5, ~80 % × 3 of your working weight"
    tab.call(LoggingState, "edit", card.rows[0].id, "weight", "50", path="/log")  # pounds
    state, _ = tab.call(LoggingState, "toggle_done", card.rows[0].id, path="/log")
    card = next(c for c in state.cards if c.id == card.id)
    assert card.warmup == "Warm-up: 20 lb × 8, 30 lb × 5, 40 lb × 3"  # 5 lb dumbbells, rounded down
    assert sum(1 for c in state.cards if c.warmup) <= 2  # the day's main lifts only


def test_a_set_marked_a_warm_up_shows_w_and_the_working_sets_are_numbered_after_it(logging_tab):
    tab, user_id = logging_tab
    state = tab.state(LoggingState, "/log")
    card = next(c for c in state.cards if not c.timed and len(c.rows) >= 2)
    assert [r.count for r in card.rows][:2] == ["1", "2"]
    state, _ = tab.call(LoggingState, "set_kind", card.rows[0].id, "warmup", path="/log")
    card = next(c for c in state.cards if c.id == card.id)
    assert (card.rows[0].kind, card.rows[1].kind) == ("warmup", "normal")
    assert card.rows[1].count == "1"  # the first working set
    saved = next(s for e in workout_views.open_session(user_id).entries for s in e.sets if s.id == card.rows[0].id)
    assert saved.kind == "warmup"
    state, _ = tab.call(LoggingState, "set_kind", card.rows[0].id, "superset", path="/log")
    assert state.error and next(c for c in state.cards if c.id == card.id).rows[0].kind == "warmup"


def test_history_counts_working_sets_and_shows_the_warm_ups_beside_them(logging_tab):
    tab, user_id = logging_tab
    state = tab.state(LoggingState, "/log")
    card = next(c for c in state.cards if not c.timed and len(c.rows) >= 2)
    tab.call(LoggingState, "set_kind", card.rows[0].id, "warmup", path="/log")
    for row in card.rows[:2]:
        tab.call(LoggingState, "edit", row.id, "weight", "40", path="/log")
        state, _ = tab.call(LoggingState, "toggle_done", row.id, path="/log")
    state, _ = tab.call(LoggingState, "finish", path="/log")
    tab.state(HistoryState).session_token = state.session_token
    history, _ = tab.call(HistoryState, "load", path="/history")
    assert history.items[0].sets == "1 set + 1 warm-up"
    # The card lists the sets as the person logged them, in pounds, the warm-up marked.
    [line] = [line for line in history.items[0].lines if line.name == card.name]
    assert [(c.text.split(" × ")[0], c.warmup) for c in line.sets] == [("W 40 lb", True), ("40 lb", False)]


def test_a_draft_typed_into_a_set_survives_a_reload(logging_tab):
    tab, user_id = logging_tab
    state = tab.state(LoggingState, "/log")
    _, row = _first_counted(state)
    tab.call(LoggingState, "edit", row.id, "reps", "11", path="/log")
    tab.call(LoggingState, "edit", row.id, "weight", "52.5", path="/log")  # pounds
    state, _ = tab.call(LoggingState, "load", path="/log")  # the page is reloaded
    _, again = _first_counted(state)
    assert (again.reps, again.weight, again.done) == ("11", "52.5", False)


def _freestyle(browser, name, *exercise_ids):
    me = make_user(name)
    profiles.update_profile(me.user.id, {"equipment": ["barbell", "bench"]}, finish_onboarding=True)
    view = workout_sessions.start_freestyle(me.user.id)
    for exercise_id in exercise_ids:
        view = workout_entries.add_exercise(me.user.id, view.id, exercise_id)
    tab = browser()
    tab.state(LoggingState).session_token = me.token
    state, _ = tab.call(LoggingState, "load", path="/log")
    return tab, state


def test_a_superset_starts_the_rest_only_after_its_round(browser):
    tab, state = _freestyle(browser, "sam", "barbell-bench-press", "barbell-row")
    bench, row = state.cards
    state, _ = tab.call(LoggingState, "superset_with_next", bench.id, path="/log")
    assert [c.superset for c in state.cards] == ["Superset A", "Superset A"]
    for card in (bench, row):
        tab.call(LoggingState, "edit", card.rows[0].id, "reps", "8", path="/log")
    state, events = tab.call(LoggingState, "toggle_done", bench.rows[0].id, path="/log")
    assert state.cards[0].rows[0].done
    assert not any("start_rest" in str(e) for e in events or [])
    state, events = tab.call(LoggingState, "toggle_done", row.rows[0].id, path="/log")
    assert state.cards[1].rows[0].done
    assert any("start_rest" in str(e) for e in events)


def test_the_calculator_shows_plates_and_adds_the_warm_up_ramp(browser):
    tab, state = _freestyle(browser, "pat", "barbell-back-squat")
    card = state.cards[0]
    assert card.calculator and card.barbell
    state, _ = tab.call(LoggingState, "open_calculator", card.id, path="/log")
    state, _ = tab.call(LoggingState, "set_calc_weight", "100", path="/log")
    assert state.calc_plates == "Each side: 25 + 15 kg"
    assert [w["weight"] for w in state.calc_warmups] == ["20 kg", "40 kg", "60 kg", "80 kg"]
    state, _ = tab.call(LoggingState, "set_calc_weight", "heavy", path="/log")
    assert state.calc_error and not state.calc_warmups
    tab.call(LoggingState, "set_calc_weight", "100", path="/log")
    state, _ = tab.call(LoggingState, "add_warmups", path="/log")
    rows = state.cards[0].rows
    assert [r.kind for r in rows[:4]] == ["warmup"] * 4 and state.calc_entry_id == 0
    assert [r.weight for r in rows[:4]] == ["20", "40", "60", "80"]


def test_a_run_is_logged_with_its_distance_and_pace(browser):
    tab, state = _freestyle(browser, "rae", "running")
    card = state.cards[0]
    assert card.distance
    row = card.rows[0]
    tab.call(LoggingState, "edit", row.id, "distance", "5", path="/log")
    tab.call(LoggingState, "edit", row.id, "time", "25:30", path="/log")
    state, _ = tab.call(LoggingState, "toggle_done", row.id, path="/log")
    done = state.cards[0].rows[0]
    assert done.done and (done.distance, done.time, done.pace) == ("5", "25:30", "5:06 /km")
