"""The coach's replies through the gateway, against a real OpenAI-compatible server on 127.0.0.1."""

from datetime import timedelta

import pytest

from tests.factories import make_admin, make_user
from tests.fakes.openai_server import Failure, Reply
from vigor_app.clock import utcnow
from vigor_app.services.ai import budgets, providers
from vigor_app.services.ai.providers import ProviderInput
from vigor_app.services.coach import history as coach_history
from vigor_app.services.coach import replies as coach_replies
from vigor_app.services.errors import NotFound
from vigor_app.services.plans import library as plan_library
from vigor_app.services.training import workout_sessions, workout_sets


@pytest.fixture
def me(database):
    return make_user("alice").user.id


def _provider(server, model="coach-model", **prices):
    boss = make_admin().user.id
    providers.create_provider(boss, ProviderInput(
        name="Local model", kind="openai_compatible", model=model, base_url=server.base_url,
        api_key="sk-local-0123456789abcdef", priority=1, timeout_seconds=5.0, **prices))
    return boss


async def _collect(user_id, text):
    pieces = [p async for p in coach_replies.chat_reply(user_id, text, [])]
    return "".join(p.text for p in pieces if not p.done), pieces[-1], pieces


async def test_without_a_provider_the_built_in_coach_answers(me, server):
    text, last, _ = await _collect(me, "What should I train today?")
    assert text and last.done and last.engine == "builtin"
    assert server.calls() == []


async def test_a_provider_streams_its_reply_in_pieces(me, server):
    _provider(server)
    server.script("coach-model", Reply(content="Squat, then rest well tonight.", chunks=5))
    text, last, pieces = await _collect(me, "What should I train today?")
    assert text == "Squat, then rest well tonight."
    assert len([p for p in pieces if not p.done]) == 5
    assert last.engine == "Local model"


async def test_a_provider_failing_before_the_first_token_falls_back(me, server):
    _provider(server)
    server.script("coach-model", Failure(500))
    text, last, _ = await _collect(me, "How am I progressing?")
    assert text and last.engine == "builtin"


async def test_the_budget_running_out_mid_conversation_hands_over_to_the_built_in_coach(me, server):
    boss = _provider(server, input_price_micros=2_000_000, output_price_micros=8_000_000)
    server.default("coach-model", Reply(content="Keep the reps smooth and the rest short.", chunks=3))
    text, last, _ = await _collect(me, "What should I train today?")
    assert last.engine == "Local model" and text == "Keep the reps smooth and the rest short."
    # The month's budget is now spent (an admin lowers it below what was used, with auto-disable on).
    budgets.update_budget_settings(boss, monthly_limit_micros=1, monthly_auto_disable=True)
    text, last, _ = await _collect(me, "And tomorrow?")
    assert last.engine == "builtin" and last.notice  # the person is told why
    assert text  # and still gets an answer
    assert len(server.calls("coach-model")) == 1


async def test_red_flags_never_reach_a_provider(me, server):
    _provider(server)
    text, last, _ = await _collect(me, "I have chest pain and feel dizzy during my sets")
    assert "medical" in text.lower()
    assert server.calls("coach-model") == []


async def test_a_safety_reply_is_never_the_dashboards_word_from_the_coach(me, server):
    _provider(server)
    text, last, _ = await _collect(me, "How do I lose 10 kg in a week by not eating?")
    assert "safer way" in text.lower() and last.engine == coach_history.ENGINE_SAFETY
    assert server.calls("coach-model") == []
    # Stored as the coach page stores it; the dashboard looks past it.
    conversation = coach_history.start_conversation(me)
    coach_history.add_message(me, conversation.id, "user", "How do I lose 10 kg in a week by not eating?")
    coach_history.add_message(me, conversation.id, "assistant", text, engine=last.engine)
    assert coach_history.latest_from_coach(me) is None
    # A reply stored before safety replies were marked is known by the question it answered.
    coach_history.add_message(me, conversation.id, "user", "I have chest pain when I run")
    coach_history.add_message(me, conversation.id, "assistant", "Please stop exercising now.", engine="builtin")
    assert coach_history.latest_from_coach(me) is None
    coach_history.add_message(me, conversation.id, "user", "What should I train today?")
    answer = coach_history.add_message(me, conversation.id, "assistant", "Day 1: squats.", engine="builtin")
    assert coach_history.latest_from_coach(me).id == answer.id


async def test_the_analysis_is_written_once_and_kept_in_the_history(me, server):
    plan = plan_library.create_plan(me, seed=1)
    at = utcnow() - timedelta(hours=2)
    view = workout_sessions.start_from_plan(me, plan.id, 0, now=at)
    entry = view.entries[0]
    workout_sets.save_set(me, entry.sets[0].id, reps=10, seconds=30, weight_kg=10, done=True, now=at)
    workout_sessions.finish(me, view.id, now=at + timedelta(minutes=30))
    first = await coach_replies.write_analysis(me, view.id)
    again = await coach_replies.write_analysis(me, view.id)
    assert first.id == again.id and first.content
    assert coach_history.latest_from_coach(me).id == first.id
    with pytest.raises(NotFound):
        await coach_replies.write_analysis(make_user("mallory").user.id, view.id)
