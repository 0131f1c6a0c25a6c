"""Logging through the State handlers: tick sets, reload, finish; nobody else's sets."""

import asyncio

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
    assert state.done_sets == 1 and state.done_ids == [row.id]
    assert any("start_rest" in str(e) for e in events)
    # A reload shows the same set done, in pounds.
    state, _ = tab.call(LoggingState, "load", path="/log")
    _, again = _first_counted(state)
    assert again.id in state.done_ids and again.weight == "45"


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
        assert state.set_error_id == shown.id and state.set_error and shown.id not in state.done_ids
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
    assert (again.reps, again.weight, again.id in state.done_ids) == ("11", "52.5", False)


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
    assert state.cards[0].rows[0].id in state.done_ids
    assert not any("start_rest" in str(e) for e in events or [])
    state, events = tab.call(LoggingState, "toggle_done", row.rows[0].id, path="/log")
    assert state.cards[1].rows[0].id in state.done_ids
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
    assert done.id in state.done_ids and (done.distance, done.time, done.pace) == ("5", "25:30", "5:06 /km")


def _sent(tab) -> dict[str, set[str]]:
    """What the server would send the browser for the last events: state -> its changed vars."""
    delta = tab.root.get_delta()
    tab.root._clean()
    return {name.rsplit("____", 1)[-1]: {var.removesuffix("_rx_state_") for var in values}
            for name, values in delta.items()}


def test_a_tick_sends_only_the_ticked_list_and_typing_sends_nothing_back(logging_tab):
    tab, user_id = logging_tab
    state = tab.state(LoggingState, "/log")
    # A lift with no warm-up ramp (a ramp is worked out from the weight ticked: see above).
    row = next(c for c in state.cards if not (c.timed or c.distance or c.warmup)).rows[0]
    _sent(tab)
    tab.call(LoggingState, "edit", row.id, "reps", "9", path="/log")
    tab.call(LoggingState, "edit", row.id, "weight", "45", path="/log")
    sent = _sent(tab)
    assert "cards" not in sent.get("logging_state", set())
    assert "auth_state" not in sent  # who is signed in did not change
    state, _ = tab.call(LoggingState, "toggle_done", row.id, path="/log")
    assert _sent(tab)["logging_state"] == {"done_ids", "done_sets"}
    assert state.done_ids == [row.id]
    # Unticked and ticked again: what was typed is saved again, though the cards never held it.
    tab.call(LoggingState, "toggle_done", row.id, path="/log")
    assert state.done_ids == [] and state.done_sets == 0
    state, _ = tab.call(LoggingState, "toggle_done", row.id, path="/log")
    saved = next(s for e in workout_views.open_session(user_id).entries for s in e.sets if s.id == row.id)
    assert (saved.reps, saved.done) == (9, True)
    assert saved.weight_kg == pytest.approx(20.41, abs=0.01)


def test_what_was_typed_stays_shown_when_the_cards_are_built_again(logging_tab):
    tab, _user_id = logging_tab
    state = tab.state(LoggingState, "/log")
    card, row = _first_counted(state)
    tab.call(LoggingState, "edit", row.id, "reps", "12", path="/log")
    tab.call(LoggingState, "edit", row.id, "weight", "4x", path="/log")  # not a number (yet): no draft kept
    state, _ = tab.call(LoggingState, "add_set", card.id, path="/log")  # the cards are built again
    _, again = _first_counted(state)
    assert (again.reps, again.weight) == ("12", "4x")
    state, _ = tab.call(LoggingState, "toggle_done", row.id, path="/log")
    assert state.set_error_id == row.id and "weight" in state.set_error.lower()
    assert row.id not in state.done_ids
    tab.call(LoggingState, "edit", row.id, "weight", "45", path="/log")
    state, _ = tab.call(LoggingState, "toggle_done", row.id, path="/log")
    assert (state.set_error_id, state.set_error) == (0, "") and row.id in state.done_ids


def test_the_rest_is_counted_down_in_the_browser_and_its_changes_restart_the_count(logging_tab):
    tab, _user_id = logging_tab

    async def start(seconds):
        state = tab.state(LoggingState, "/log")
        waiting = asyncio.ensure_future(anext(LoggingState.start_rest.fn(state, seconds), None))
        await asyncio.sleep(0.1)  # it has set the rest, and sleeps until it is over: stopped here
        waiting.cancel()
        return state

    state = asyncio.run(start(90))
    assert (state.rest_left, state.rest_total) == (90, 90)
    version = state.rest_version
    state, event = tab.call(LoggingState, "adjust_rest", 15, path="/log")
    assert 104 <= state.rest_left <= 105 and state.rest_total == 90 and state.rest_version > version
    assert "follow_rest" in str(event)  # a new wait, for the new deadline
    # A reload counts down afresh from what is left, and waits for it again.
    state, event = tab.call(LoggingState, "load", path="/log")
    assert 100 <= state.rest_left <= 105 and "follow_rest" in str(event)
    # Shortened to nothing: over now, with the beep.
    state, event = tab.call(LoggingState, "adjust_rest", -600, path="/log")
    assert state.rest_left == 0 and "vigorRestDone" in str(event)
    state = asyncio.run(start(60))
    state, _ = tab.call(LoggingState, "skip_rest", path="/log")
    assert state.rest_left == 0 and state._rest_until == 0.0
    state, event = tab.call(LoggingState, "load", path="/log")
    assert state.rest_left == 0 and event is None


def test_the_end_of_a_rest_is_pushed_to_the_members_devices_even_with_the_tab_gone(logging_tab, vigor_env):
    """No websocket here: the tab counts as closed. With a device to tell, the timer waits on to
    the deadline and pushes "Rest over" (decrypted by the test's push service); a newer rest
    takes over from an older one, which then pushes nothing."""
    import time

    from tests.fakes.push_service import run_push_service
    from vigor_app.services.notifications import subscriptions, vapid
    from vigor_app.settings import reload_settings
    from vigor_app.state import rest_wait

    tab, user_id = logging_tab
    vigor_env.setenv("PUSH_ALLOW_LOOPBACK", "true")
    reload_settings()
    vigor_env.setattr(rest_wait, "TAB_CHECK_SECONDS", 0.2)  # looks more often; the waiting is the real one

    async def rest(seconds: int) -> list:
        state = tab.state(LoggingState, "/log")
        return [event async for event in LoggingState.start_rest.fn(state, seconds)]

    async def two_rests() -> tuple[list, list]:
        older = asyncio.ensure_future(rest(3))
        await asyncio.sleep(0.3)
        newer = asyncio.ensure_future(rest(1))
        return await older, await newer

    with run_push_service(expected_key=vapid.public_key()) as service:
        subscriptions.subscribe(user_id, service.device("phone").subscription)
        started = time.monotonic()
        older, newer = asyncio.run(two_rests())
        assert older == [] and "vigorRestDone" in str(newer)  # the newer rest ended; the older gave way
        [delivery] = service.wait_for(1)
        assert delivery.payload == {"title": "Rest over", "body": "Time for your next set.", "url": "/log",
                                    "tag": "rest"}
        assert delivery.headers["urgency"] == "high" and delivery.headers["ttl"] == "60"
        assert time.monotonic() - started >= 1.0 and len(service.attempts) == 1
