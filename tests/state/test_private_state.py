"""A tab that changes hands shows nothing of the previous person; the coach page never sticks;
the rest timer stops when its tab is gone."""

from __future__ import annotations

import asyncio
import json
import time

from sqlmodel import select

from tests.factories import DEFAULT_PASSWORD, make_user
from vigor_app import db
from vigor_app.models import CoachConversation
from vigor_app.services.coach import history as coach_history
from vigor_app.services.plans import library as plan_library
from vigor_app.services.training import workout_sessions
from vigor_app.state.auth import AuthState, private_states
from vigor_app.state.coach import CoachState
from vigor_app.state.dashboard import DashboardState
from vigor_app.state.history import HistoryState
from vigor_app.state.progress import ProgressState
from vigor_app.state.rest_wait import TAB_CHECK_SECONDS
from vigor_app.state.sign_in import SignInState
from vigor_app.state.workout_log import LoggingState
from vigor_app.state.workouts import WorkoutsState

SECRET = "Alicequest"
PAGES = [(DashboardState, "/dashboard"), (WorkoutsState, "/workouts"), (LoggingState, "/log"),
         (HistoryState, "/history"), (CoachState, "/coach"), (ProgressState, "/progress")]


def _alice_with_data():
    alice = make_user("alice")
    plan = plan_library.create_plan(alice.user.id, seed=3)
    plan_library.rename_plan(alice.user.id, plan.id, f"{SECRET} plan")
    view = workout_sessions.start_freestyle(alice.user.id, f"{SECRET} session")
    workout_sessions.set_session_details(alice.user.id, view.id, note=f"{SECRET} note")
    conversation = coach_history.start_conversation(alice.user.id, f"{SECRET} chat")
    coach_history.add_message(alice.user.id, conversation.id, "user", f"{SECRET} question")
    return alice


def _everything_shown(tab) -> str:
    return json.dumps(tab.root.dict(), default=str) + repr(
        {cls.__name__: {k: getattr(tab.state(cls), k) for k in cls.__fields__ if k.startswith("_")}
         for cls in private_states()})


def _visit_every_page(tab) -> None:
    for cls, path in PAGES:
        tab.call(cls, "load", path=path)


def test_sign_out_forgets_every_page(browser):
    alice = _alice_with_data()
    tab = browser()
    tab.state(AuthState).session_token = alice.token
    _visit_every_page(tab)
    assert SECRET in _everything_shown(tab)  # the pages did show her data
    tab.call(AuthState, "sign_out", path="/dashboard")
    assert SECRET not in _everything_shown(tab)


def test_the_next_person_on_the_same_tab_sees_nothing_of_the_last(browser):
    alice = _alice_with_data()
    make_user("bob")
    tab = browser()
    tab.state(AuthState).session_token = alice.token
    _visit_every_page(tab)
    tab.call(SignInState, "sign_in", {"login": "bob", "password": DEFAULT_PASSWORD}, path="/signin")
    assert tab.state(AuthState).username == "bob"
    assert SECRET not in _everything_shown(tab)
    _visit_every_page(tab)
    assert SECRET not in _everything_shown(tab)


def test_a_page_filled_for_someone_else_forgets_before_it_answers(browser):
    """The session token changed without a sign-out (it expired, another sign-in elsewhere)."""
    alice = _alice_with_data()
    bob = make_user("bob")
    tab = browser()
    tab.state(AuthState).session_token = alice.token
    tab.call(CoachState, "load", path="/coach")
    assert tab.state(CoachState).conversations
    tab.state(AuthState).session_token = bob.token
    state, _ = tab.call(CoachState, "toggle_knows", path="/coach")
    assert state.conversations == [] and state.messages == [] and SECRET not in state.knows


def _signed_in_tab(browser):
    me = make_user("alice")
    tab = browser()
    tab.state(AuthState).session_token = me.token
    return me, tab


def _conversations(user_id: int) -> int:
    with db.read_only() as session:
        return len(session.exec(select(CoachConversation).where(CoachConversation.user_id == user_id)).all())


def test_a_refused_first_message_leaves_no_conversation_and_the_page_can_send_again(browser):
    me, tab = _signed_in_tab(browser)
    state, _ = tab.call(CoachState, "load", path="/coach")
    state.draft = "what about \x00 this"
    tab.call(CoachState, "send", path="/coach")
    assert state.error and not state.streaming
    assert _conversations(me.user.id) == 0
    state.draft = "How am I doing?"
    tab.call(CoachState, "send", path="/coach")
    assert not state.streaming and state.error == ""
    assert [m["role"] for m in state.messages] == ["user", "assistant"]
    assert _conversations(me.user.id) == 1


def test_a_conversation_gone_mid_send_does_not_leave_the_page_streaming(browser):
    me, tab = _signed_in_tab(browser)
    state, _ = tab.call(CoachState, "load", path="/coach")
    state.draft = "How am I doing?"
    state.conversation_id = 2**31 - 1  # a conversation that is gone (deleted in another tab)
    tab.call(CoachState, "send", path="/coach")
    assert not state.streaming and state.error
    assert _conversations(me.user.id) == 0


def test_a_reply_left_streaming_by_a_stopped_worker_frees_the_page_on_reload(browser):
    me, tab = _signed_in_tab(browser)
    state, _ = tab.call(CoachState, "load", path="/coach")
    state.streaming, state._streaming_since = True, time.time() - 3600
    state, _ = tab.call(CoachState, "load", path="/coach")
    assert not state.streaming


def test_the_rest_timer_stops_when_its_tab_is_not_connected(browser):
    me, tab = _signed_in_tab(browser)
    state = tab.state(LoggingState, "/log")
    started = time.monotonic()
    async def count_down():
        async for _ in LoggingState.start_rest.fn(state, 120):  # noqa: B007 - nothing to yield here
            pass

    asyncio.run(asyncio.wait_for(count_down(), timeout=3 * TAB_CHECK_SECONDS))
    # Stopped at its first look at the tab, not after two minutes.
    assert time.monotonic() - started < TAB_CHECK_SECONDS + 2
