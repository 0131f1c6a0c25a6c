"""Plans generated through the AI gateway are stored with the engine that wrote them."""

import pytest

from tests.factories import make_admin, make_user
from tests.fakes.openai_server import Reply
from vigor_app.services.ai import providers
from vigor_app.services.ai.providers import ProviderInput
from vigor_app.services.errors import ValidationError
from vigor_app.services.plans import library as plan_library
from vigor_app.services.plans import profiles
from vigor_app.services.plans.validation import validate_plan


@pytest.fixture
def me(database):
    user = make_user("alice").user.id
    profiles.update_profile(user, {"equipment": ["dumbbells", "bench"], "days_per_week": 3},
                            finish_onboarding=True)
    return user


async def test_without_a_provider_the_built_in_engine_writes_the_plan(me):
    generated = await plan_library.create_plan_via_gateway(me, {"intensity": "hard"}, seed=3)
    assert generated.plan.engine == "builtin" and generated.plan.is_active
    assert validate_plan(generated.plan.plan, plan_library._stored_inputs(generated.plan.inputs)) == []
    assert plan_library.list_plans(me)[0].id == generated.plan.id
    assert generated.reason == "no_provider"  # not a limit: the page shows no Membership link


async def test_a_provider_answer_is_stored_under_its_name(me, openai_server):
    openai_server.reset()
    boss = make_admin().user.id
    providers.create_provider(boss, ProviderInput(
        name="Local model", kind="openai_compatible", model="coach-model", base_url=openai_server.base_url,
        api_key="sk-local-0123456789abcdef", priority=1, timeout_seconds=5.0))
    openai_server.script("coach-model", Reply(echo_draft=True))
    generated = await plan_library.create_plan_via_gateway(me, seed=5)
    assert generated.plan.engine == "Local model"
    assert (generated.reason, generated.notice) == ("provider", None)
    assert len(openai_server.calls("coach-model")) == 1
    assert validate_plan(generated.plan.plan, plan_library._stored_inputs(generated.plan.inputs)) == []


async def test_bad_requests_are_refused_before_any_call(me, openai_server):
    openai_server.reset()
    with pytest.raises(ValidationError):
        await plan_library.create_plan_via_gateway(me, {"days_per_week": 12})
    assert plan_library.list_plans(me) == []
