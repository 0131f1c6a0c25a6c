"""The three background handlers (the coach's reply, a new plan, a workout's analysis), run as
the app runs them: sent through Reflex's event processor, changing state only inside
``async with self`` under the state manager's lock (tests/state/live_app.py). On the built-in
engine (no key, no network), and against the local OpenAI-compatible server through the real
``openai`` SDK. What is checked is what a person would see, and what is stored for whom."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest

from tests.factories import make_admin, make_user
from tests.fakes.openai_server import Reply
from tests.state.live_app import LiveApp
from vigor_app.clock import utcnow
from vigor_app.services.ai import providers
from vigor_app.services.ai.providers import ProviderInput
from vigor_app.services.coach import history as coach_history
from vigor_app.services.coach import replies as coach_replies
from vigor_app.services.coach import text_blocks
from vigor_app.services.plans import library as plan_library
from vigor_app.services.plans import profiles
from vigor_app.services.training import workout_sessions, workout_sets
from vigor_app.state.coach import CoachState
from vigor_app.state.history import HistoryState
from vigor_app.state.workouts import WorkoutsState

pytestmark = pytest.mark.usefixtures("database")

QUESTION = "How am I progressing?"
MODEL_REPLY = "Steady progress: keep adding a rep a week."


@pytest.fixture
async def live():
    async with LiveApp() as app:
        yield app


def _provider(server) -> None:
    """The local OpenAI-compatible server as the only provider (a long timeout: a test holds
    its answer for as long as it needs)."""
    providers.create_provider(make_admin().user.id, ProviderInput(
        name="Local model", kind="openai_compatible", model="coach-model", base_url=server.base_url,
        api_key="sk-local-0123456789abcdef", priority=1, timeout_seconds=30.0))


def _conversation(user_id: int) -> list[tuple[str, str]]:
    """(role, text) of every message the person has with the coach, oldest first."""
    return [(m.role, m.content) for c in coach_history.conversations(user_id)
            for m in coach_history.messages(user_id, c.id)]


def _toasts(tab) -> list[str]:
    return [str(event) for event in tab.events()]


# --- the coach's reply: CoachState.send ----------------------------------------------------


async def test_a_question_gets_the_built_in_coachs_reply_shown_and_stored_for_its_person(live):
    alice, bob = make_user("alice"), make_user("bob")
    tab = await live.open(alice.token, "/coach", CoachState)
    await tab.run(CoachState, "set_draft", text=QUESTION)
    await tab.run(CoachState, "send")

    state = await tab.state(CoachState)
    assert (state.streaming, state.error, state.draft) == (False, "", "")
    assert [(m["role"], m["engine"]) for m in state.messages] == [("user", ""), ("assistant", "Built-in coach")]
    reply = state.messages[1]["content"]
    assert state.messages[0]["content"] == QUESTION and reply
    assert _conversation(alice.user.id) == [("user", QUESTION), ("assistant", reply)]
    assert _conversation(bob.user.id) == []
    # The browser was sent the reply (and was told when it started and when it ended).
    coach = CoachState.get_full_name()
    sent = [d[coach] for d in tab.deltas() if coach in d]
    assert any(s.get("streaming") is True for s in sent) and sent[-1].get("streaming") is False
    assert any((s.get("messages") or [{}])[-1].get("content") == reply for s in sent)


async def test_a_suggested_question_is_asked_and_answered_in_one_click(live):
    alice = make_user("alice")
    tab = await live.open(alice.token, "/coach", CoachState)
    await tab.run(CoachState, "ask", question="What should I train today?")  # chains send
    assert [role for role, _ in _conversation(alice.user.id)] == ["user", "assistant"]
    assert _conversation(alice.user.id)[0][1] == "What should I train today?"


async def test_signed_out_nothing_is_asked_or_stored(live):
    alice = make_user("alice")
    tab = await live.open("", "/coach", CoachState)
    await tab.run(CoachState, "set_draft", text=QUESTION)
    await tab.run(CoachState, "send")
    state = await tab.state(CoachState)
    assert state.messages == [] and state.conversations == [] and not state.streaming
    assert _conversation(alice.user.id) == []


async def test_another_persons_question_lands_in_their_own_history_only(live):
    alice, bob = make_user("alice"), make_user("bob")
    conversation = coach_history.start_conversation(alice.user.id)
    coach_history.add_message(alice.user.id, conversation.id, "user", "Alice's private question")
    before = _conversation(alice.user.id)
    tab = await live.open(bob.token, "/coach", CoachState)
    await tab.run(CoachState, "set_draft", text=QUESTION)
    await tab.run(CoachState, "send")
    assert _conversation(alice.user.id) == before
    assert [role for role, _ in _conversation(bob.user.id)] == ["user", "assistant"]
    state = await tab.state(CoachState)
    assert "Alice's private question" not in str(state.messages) + str(state.conversations)


@pytest.mark.parametrize("draft", ["   ", "x" * (coach_history.MAX_MESSAGE + 1)])
async def test_a_refused_message_shows_the_services_reason_and_stores_nothing(live, draft):
    from vigor_app.services.errors import ValidationError

    with pytest.raises(ValidationError) as refused:
        coach_history.check_message(draft)
    alice = make_user("alice")
    tab = await live.open(alice.token, "/coach", CoachState)
    await tab.run(CoachState, "set_draft", text=draft)
    await tab.run(CoachState, "send")
    state = await tab.state(CoachState)
    assert state.error == refused.value.message
    assert state.messages == [] and not state.streaming
    assert _conversation(alice.user.id) == []


async def test_the_providers_reply_streams_through_the_sdk_and_a_second_click_meanwhile_starts_nothing(
        live, server):
    _provider(server)
    gate = threading.Event()
    server.script("coach-model", Reply(content=MODEL_REPLY, chunks=3, hold=gate))
    alice = make_user("alice")
    tab = await live.open(alice.token, "/coach", CoachState)
    await tab.run(CoachState, "set_draft", text=QUESTION)
    first = await tab.send(CoachState, "send")
    try:
        # The question is shown (and stored), the reply's place is open: the reply is on its way.
        await tab.wait_for(CoachState, "messages",
                           lambda shown: [m["role"] for m in shown] == ["user", "assistant"])
        await tab.run(CoachState, "set_draft", text="And a second question?")
        await tab.run(CoachState, "send")  # clicked again while the reply is on its way
        assert [c for c, _ in _conversation(alice.user.id)] == ["user"]
    finally:
        gate.set()
    await first.wait_all()

    state = await tab.state(CoachState)
    assert [(m["role"], m["content"], m["engine"]) for m in state.messages] == [
        ("user", QUESTION, ""), ("assistant", MODEL_REPLY, "Local model")]
    assert _conversation(alice.user.id) == [("user", QUESTION), ("assistant", MODEL_REPLY)]
    assert len(server.calls("coach-model")) == 1
    assert server.calls("coach-model")[0].messages[-1] == {"role": "user", "content": QUESTION}


# --- a new plan: WorkoutsState.generate -----------------------------------------------------


def _member(name: str = "alice"):
    signed_in = make_user(name)
    profiles.update_profile(signed_in.user.id, {"equipment": ["dumbbells", "bench"], "days_per_week": 3},
                            finish_onboarding=True)
    return signed_in


async def test_a_built_in_plan_is_shown_stored_and_announced(live):
    alice, bob = _member("alice"), _member("bob")
    tab = await live.open(alice.token, "/workouts", WorkoutsState)
    await tab.run(WorkoutsState, "generate")

    stored = plan_library.list_plans(alice.user.id)
    assert len(stored) == 1 and stored[0].engine == "builtin"
    state = await tab.state(WorkoutsState)
    assert (state.generating, state.error, state.notice_about_limits) == (False, "", False)
    assert state.selected_id == str(stored[0].id) and state.plan_name == stored[0].name
    assert [p["id"] for p in state.plans] == [str(stored[0].id)]
    assert any(f"New plan: {stored[0].name}" in toast for toast in _toasts(tab))
    assert plan_library.list_plans(bob.user.id) == []


async def test_signed_out_no_plan_is_made(live):
    alice = _member("alice")
    tab = await live.open("", "/workouts", WorkoutsState)
    await tab.run(WorkoutsState, "generate")
    state = await tab.state(WorkoutsState)
    assert state.plans == [] and not state.generating and _toasts(tab) == []
    assert plan_library.list_plans(alice.user.id) == []


async def test_a_request_the_service_refuses_shows_its_reason_and_stores_nothing(live):
    from vigor_app.services.errors import ValidationError

    alice = _member("alice")
    with pytest.raises(ValidationError) as refused:
        await plan_library.create_plan_via_gateway(alice.user.id, {"intensity": "moderate", "days_per_week": 9})
    tab = await live.open(alice.token, "/workouts", WorkoutsState)
    await tab.run(WorkoutsState, "set_request", field="req_days", value="9")
    await tab.run(WorkoutsState, "generate")
    state = await tab.state(WorkoutsState)
    assert state.error == refused.value.message and not state.generating
    assert state.plans == [] and _toasts(tab) == []
    assert plan_library.list_plans(alice.user.id) == []


async def test_a_providers_plan_comes_through_the_sdk_and_a_second_click_meanwhile_makes_no_second_plan(
        live, server):
    _provider(server)
    gate = threading.Event()
    server.script("coach-model", Reply(echo_draft=True, hold=gate))
    alice = _member("alice")
    tab = await live.open(alice.token, "/workouts", WorkoutsState)
    first = await tab.send(WorkoutsState, "generate")
    try:
        await tab.wait_for(WorkoutsState, "generating", lambda generating: generating is True)
        await tab.run(WorkoutsState, "generate")  # clicked again while the plan is being written
        assert plan_library.list_plans(alice.user.id) == []
    finally:
        gate.set()
    await first.wait_all()

    stored = plan_library.list_plans(alice.user.id)
    assert [p.engine for p in stored] == ["Local model"]
    assert len(server.calls("coach-model")) == 1
    state = await tab.state(WorkoutsState)
    assert state.selected_id == str(stored[0].id) and not state.generating and state.error == ""


# --- a workout's analysis: HistoryState.analyse ---------------------------------------------


def _finished_workout(user_id: int) -> int:
    plan = plan_library.create_plan(user_id, seed=1)
    at = utcnow() - timedelta(hours=2)
    view = workout_sessions.start_from_plan(user_id, plan.id, 0, now=at)
    workout_sets.save_set(user_id, view.entries[0].sets[0].id, reps=10, seconds=30, weight_kg=10, done=True, now=at)
    workout_sessions.finish(user_id, view.id, now=at + timedelta(minutes=30))
    return view.id


async def test_finishing_a_workout_shows_the_coachs_analysis_and_keeps_it(live):
    alice = _member("alice")
    finished = _finished_workout(alice.user.id)
    tab = await live.open(alice.token, "/history", HistoryState, finished=str(finished))  # asks for it

    kept = coach_replies.existing_analysis(alice.user.id, finished)
    state = await tab.state(HistoryState)
    assert kept is not None and kept.content
    assert (state.analysis, state.analysing) == (kept.content, False)
    assert state.analysis_blocks == text_blocks.blocks(kept.content) and state.analysis_blocks  # shown as text
    assert state.finished_summary


async def test_an_analysis_of_someone_elses_workout_is_neither_written_nor_shown(live):
    alice, bob = _member("alice"), _member("bob")
    finished = _finished_workout(alice.user.id)
    tab = await live.open(bob.token, "/history", HistoryState)
    await tab.run(HistoryState, "analyse", session_id=finished)
    state = await tab.state(HistoryState)
    assert (state.analysis, state.analysing) == ("", False)
    assert coach_replies.existing_analysis(alice.user.id, finished) is None
    assert coach_replies.existing_analysis(bob.user.id, finished) is None


async def test_signed_out_no_analysis_is_written(live):
    alice = _member("alice")
    finished = _finished_workout(alice.user.id)
    tab = await live.tab("", path="/history")
    await tab.run(HistoryState, "analyse", session_id=finished)
    state = await tab.state(HistoryState)
    assert (state.analysis, state.analysing) == ("", False)
    assert coach_replies.existing_analysis(alice.user.id, finished) is None


async def test_the_providers_analysis_comes_through_the_sdk(live, server):
    _provider(server)
    server.script("coach-model", Reply(content="A solid session: the squat moved well.", chunks=2))
    alice = _member("alice")
    finished = _finished_workout(alice.user.id)
    tab = await live.open(alice.token, "/history", HistoryState)
    await tab.run(HistoryState, "analyse", session_id=finished)
    state = await tab.state(HistoryState)
    assert state.analysis == "A solid session: the squat moved well." and not state.analysing
    assert coach_replies.existing_analysis(alice.user.id, finished).engine == "Local model"
    assert len(server.calls("coach-model")) == 1
