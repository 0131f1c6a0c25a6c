"""The console's member feedback (services/admin/feedback_summary.py), counted per provider and
model over replies and plans made by real gateway calls: the built-in engine, and a provider
on the local OpenAI-compatible test server."""

import pytest

from tests.factories import make_admin, make_user
from tests.fakes.openai_server import Reply
from vigor_app.services.admin import feedback_summary
from vigor_app.services.ai import feedback, providers
from vigor_app.services.ai.providers import ProviderInput
from vigor_app.services.coach import history as coach_history
from vigor_app.services.coach import replies as coach_replies
from vigor_app.services.errors import PermissionDenied
from vigor_app.services.plans import library as plan_library
from vigor_app.services.plans import profiles


def _member(name):
    user = make_user(name).user.id
    profiles.update_profile(user, {"equipment": ["dumbbells", "bench"], "days_per_week": 3},
                            finish_onboarding=True)
    return user


async def _reply(user_id, text):
    turn = await coach_replies.begin_turn(user_id, 0, text)
    return [event async for event in turn.reply()][-1].message


def _counts(summary):
    return {(g.provider, g.model): (g.up, g.down) for g in summary.groups}


async def test_votes_are_counted_against_whoever_answered_each_request(ai, server):
    boss = make_admin().user.id
    alice, bob, cara = _member("alice"), _member("bob"), _member("cara")

    # The built-in engine answers while no provider is set up.
    builtin_reply = await _reply(alice, "What should I train today?")
    builtin_plan = await plan_library.create_plan_via_gateway(bob, seed=3)
    assert builtin_reply.engine == builtin_plan.plan.engine == "builtin"

    providers.create_provider(boss, ProviderInput(
        name="Local model", kind="openai_compatible", model="coach-model", base_url=server.base_url,
        api_key="sk-local-0123456789abcdef", priority=1, timeout_seconds=5.0))
    server.default("coach-model", Reply(content="Squat today, then rest well.", chunks=2))
    replies = [await _reply(user, f"How am I doing, {user}?") for user in (alice, bob, cara)]
    assert {m.engine for m in replies} == {"Local model"}
    server.script("coach-model", Reply(echo_draft=True))
    ai_plan = await plan_library.create_plan_via_gateway(cara, seed=5)
    assert ai_plan.plan.engine == "Local model"
    safety = await _reply(alice, "I have chest pain and feel dizzy during my sets")  # no request at all
    assert safety.engine == coach_history.ENGINE_SAFETY

    feedback.give(alice, feedback.MESSAGE, builtin_reply.id, feedback.DOWN, reason="Too generic")
    feedback.give(bob, feedback.PLAN, builtin_plan.plan.id, feedback.UP)
    feedback.give(alice, feedback.MESSAGE, replies[0].id, feedback.UP)
    feedback.give(bob, feedback.MESSAGE, replies[1].id, feedback.UP)
    feedback.give(cara, feedback.MESSAGE, replies[2].id, feedback.DOWN, reason="Ignored my knee")
    feedback.give(cara, feedback.PLAN, ai_plan.plan.id, feedback.UP)
    feedback.give(alice, feedback.MESSAGE, safety.id, feedback.UP)
    feedback.press(bob, feedback.MESSAGE, replies[1].id, feedback.UP)  # taken back: not counted

    summary = feedback_summary.summary(boss, 30)
    assert _counts(summary) == {("Local model", "coach-model"): (2, 1), ("builtin", ""): (1, 1),
                                ("safety", ""): (1, 0)}
    first = summary.groups[0]
    assert (first.provider, first.total, first.share_up) == ("Local model", 3, pytest.approx(2 / 3))
    assert (summary.up, summary.down) == (4, 2)
    assert [(r.provider, r.model, r.kind, r.vote, r.reason) for r in summary.recent] == [
        ("Local model", "coach-model", "coach_reply", -1, "Ignored my knee"),
        ("builtin", "", "coach_reply", -1, "Too generic")]

    # A changed vote moves between the counts; a deleted plan's vote stays with its request.
    feedback.give(cara, feedback.MESSAGE, replies[2].id, feedback.UP)
    plan_library.delete_plan(cara, ai_plan.plan.id)
    assert _counts(feedback_summary.summary(boss, 30))[("Local model", "coach-model")] == (3, 0)


async def test_only_an_admin_reads_the_summary(ai):
    alice = make_user("alice").user.id
    with pytest.raises(PermissionDenied):
        feedback_summary.summary(alice, 30)
    boss = make_admin().user.id
    empty = feedback_summary.summary(boss, 7)
    assert (empty.groups, empty.recent, empty.up, empty.down) == ((), (), 0, 0)
