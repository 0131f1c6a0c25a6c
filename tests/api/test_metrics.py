"""GET /metrics over real HTTP (the app's Starlette routes under uvicorn): absent without
METRICS_TOKEN, refused without the right bearer token, and Prometheus's text format with the
AI gateway's families once requests went through the built-in engine and through the local
OpenAI-compatible test server (the real openai SDK, real HTTP)."""

from __future__ import annotations

from contextlib import aclosing

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.factories import make_admin, make_user
from tests.fakes.openai_server import Failure, Reply
from vigor_app import db
from vigor_app.services.ai import providers
from vigor_app.services.ai.gateway import Gateway
from vigor_app.services.ai.providers import ProviderInput
from vigor_app.services.plans import ai_plans
from vigor_app.services.plans.request import PlanRequest, Profile
from vigor_app.settings import reload_settings

TOKEN = "metrics-token-for-tests-0123456789"  # noqa: S105  (a test's own token)
PROFILE = Profile(days_per_week=3, equipment=("dumbbells", "bench"))


@pytest.fixture
def scrape(running_app, vigor_env):
    vigor_env.setenv("METRICS_TOKEN", TOKEN)
    reload_settings()

    def fetch(authorization: str | None = f"Bearer {TOKEN}") -> httpx.Response:
        headers = {"Authorization": authorization} if authorization is not None else {}
        return httpx.get(running_app.url + "/metrics", headers=headers, timeout=30)

    return fetch


def samples(response: httpx.Response) -> dict[tuple[str, frozenset], float]:
    """Every sample of the answer: (name, labels) -> value."""
    return {(s.name, frozenset(s.labels.items())): s.value
            for family in text_string_to_metric_families(response.text) for s in family.samples}


def value(found: dict, name: str, **labels: str) -> float:
    return found.get((name, frozenset(labels.items())), 0.0)


def test_without_a_token_setting_there_is_no_metrics_route(running_app):
    assert httpx.get(running_app.url + "/metrics", timeout=30).status_code == 404
    answer = httpx.get(running_app.url + "/metrics", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=30)
    assert answer.status_code == 404
    assert "vigor_" not in answer.text


@pytest.mark.parametrize("authorization", [
    None, "Bearer", "Bearer wrong", f"Bearer {TOKEN[:-1]}", f"Bearer {TOKEN}x", f"Basic {TOKEN}", TOKEN])
def test_a_missing_or_wrong_token_is_refused(scrape, authorization):
    answer = scrape(authorization)
    assert answer.status_code == 401
    assert answer.headers["www-authenticate"].startswith("Bearer")
    assert "vigor_" not in answer.text


def test_the_scheme_may_be_written_in_any_case(scrape):
    assert scrape(f"bearer {TOKEN}").status_code == 200


async def test_the_gateways_requests_attempts_tokens_and_cost_are_counted(scrape, server):
    before = samples(scrape())
    user = make_user("alice").user.id
    gateway = Gateway()

    # The built-in engine, with no provider at all.
    answer = await ai_plans.generate(user, PROFILE, PlanRequest(), 1, gateway=gateway)
    assert answer.reason == "no_provider"

    # Through the local OpenAI-compatible server: one failure, then a streamed chat reply.
    admin = make_admin().user.id
    for name, priority in (("Flaky", 1), ("Local", 2)):
        providers.create_provider(admin, ProviderInput(
            name=name, kind="openai_compatible", model=name.lower() + "-model", base_url=server.base_url,
            api_key=f"sk-{name.lower()}-0123456789abcdef", priority=priority, timeout_seconds=10.0,
            input_price_micros=150_000, output_price_micros=600_000))
    server.default("flaky-model", Failure(500))
    server.default("local-model", Reply(content="Keep going: add a rep each week.", chunks=3))
    async with aclosing(gateway.stream_chat(user, "chat", [{"role": "user", "content": "How am I doing?"}],
                                            builtin=lambda: "built-in")) as chunks:
        last = [chunk async for chunk in chunks][-1]
    assert (last.engine, last.reason) == ("Local", "provider")

    answer = scrape()
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/plain; version=")
    after = samples(answer)

    def grew(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert grew("vigor_ai_requests_total", feature="plan", reason="no_provider") == 1
    assert grew("vigor_ai_requests_total", feature="chat", reason="provider") == 1
    flaky = {"provider": "Flaky", "model": "flaky-model", "feature": "chat"}
    local = {"provider": "Local", "model": "local-model", "feature": "chat"}
    assert grew("vigor_ai_attempts_total", **flaky, outcome="error") == 1
    assert grew("vigor_ai_attempts_total", **local, outcome="ok") == 1
    assert grew("vigor_ai_attempt_duration_seconds_count", **local, outcome="ok") == 1
    assert grew("vigor_ai_attempt_duration_seconds_sum", **local, outcome="ok") > 0
    assert grew("vigor_ai_attempt_duration_seconds_bucket", **local, outcome="ok", le="+Inf") == 1
    tokens_in = grew("vigor_ai_tokens_total", **local, direction="input")
    tokens_out = grew("vigor_ai_tokens_total", **local, direction="output")
    assert tokens_in > 0 and tokens_out > 0
    # The exact cost, as the attempt row has it: (in × 150 000 + out × 600 000) / 10⁶, half-up.
    assert grew("vigor_ai_cost_microdollars_total", **local) == (
        tokens_in * 150_000 + tokens_out * 600_000 + 500_000) // 1_000_000
    assert grew("vigor_ai_tokens_total", **flaky, direction="output") == 0  # a failure costs nothing

    # The database pool of this process, read at the scrape.
    engine = db.current_engine()
    assert engine is not None
    assert value(after, "vigor_db_pool_size") == engine.pool.size()  # type: ignore[attr-defined]
    assert ("vigor_db_pool_checked_out", frozenset()) in after
    assert ("vigor_db_pool_overflow", frozenset()) in after
    assert ("vigor_db_pool_max_overflow", frozenset()) in after
    # No person appears in any label.
    assert all("user" not in dict(labels) for _name, labels in after)
