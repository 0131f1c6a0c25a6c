"""OpenTelemetry spans of the AI gateway's attempts and of database transactions, caught with
the SDK's in-memory exporter; the gateway calls the local OpenAI-compatible test server through
the real openai SDK. With tracing off (no OTEL_EXPORTER_OTLP_ENDPOINT) nothing is made."""

from __future__ import annotations

import pytest
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, StatusCode
from sqlmodel import select

from tests.factories import make_admin, make_user
from tests.fakes.openai_server import Failure, Reply
from vigor_app import db
from vigor_app.models import User
from vigor_app.observability import tracing
from vigor_app.services.ai import providers
from vigor_app.services.ai.gateway import Gateway
from vigor_app.services.ai.providers import ProviderInput
from vigor_app.services.errors import ValidationError
from vigor_app.services.plans import ai_plans
from vigor_app.services.plans.request import PlanRequest, Profile

PROFILE = Profile(days_per_week=3, equipment=("dumbbells", "bench"))


def named(exporter: InMemorySpanExporter, name: str) -> list[ReadableSpan]:
    return [s for s in exporter.get_finished_spans() if s.name == name]


def add_provider(admin: int, server, name: str, priority: int) -> None:
    providers.create_provider(admin, ProviderInput(
        name=name, kind="openai_compatible", model=name.lower() + "-model", base_url=server.base_url,
        api_key=f"sk-{name.lower()}-0123456789abcdef", priority=priority, timeout_seconds=10.0,
        input_price_micros=150_000, output_price_micros=600_000))


async def test_every_provider_attempt_is_a_span_under_the_request_with_its_outcome_tokens_and_cost(
        spans, server):
    admin, user = make_admin().user.id, make_user("alice").user.id
    add_provider(admin, server, "Flaky", 1)
    add_provider(admin, server, "Local", 2)
    server.default("flaky-model", Failure(500))
    server.default("local-model", Reply(echo_draft=True))
    spans.clear()

    caller = tracing._tracer
    assert caller is not None
    with caller.start_as_current_span("the caller") as outer:
        answer = await ai_plans.generate(user, PROFILE, PlanRequest(), 1, gateway=Gateway())
    assert (answer.engine, answer.reason) == ("Local", "provider")

    attempts = named(spans, tracing.ATTEMPT_SPAN)
    assert [(s.attributes["vigor.ai.provider"], s.attributes["vigor.ai.outcome"]) for s in attempts] == [
        ("Flaky", "error"), ("Local", "ok")]
    failed, good = attempts
    assert failed.status.status_code == StatusCode.ERROR and failed.status.description == "InternalServerError"
    assert good.status.status_code == StatusCode.UNSET
    assert good.kind == SpanKind.CLIENT
    assert good.attributes["gen_ai.request.model"] == "local-model"
    assert good.attributes["vigor.ai.feature"] == "plan"
    assert good.attributes["vigor.ai.request_id"] == answer.request_id
    assert good.attributes["gen_ai.usage.input_tokens"] > 0 and good.attributes["gen_ai.usage.output_tokens"] > 0
    assert good.attributes["vigor.ai.cost_micros"] == answer.cost_micros > 0
    assert good.end_time > good.start_time  # as long as the call took
    assert (good.end_time - good.start_time) / 1e9 == pytest.approx(answer.attempts[1].latency_s, abs=0.01)
    # The request's spans belong to the caller's trace: the attempts and every transaction.
    trace_id = outer.get_span_context().trace_id
    transactions = named(spans, tracing.TRANSACTION_SPAN)
    assert len(transactions) >= 3  # admission, and the settlement of each call
    for span in [*attempts, *transactions]:
        assert span.context.trace_id == trace_id
        assert span.parent is not None and span.parent.span_id == outer.get_span_context().span_id
    assert all("user" not in key for s in attempts for key in s.attributes)


async def test_a_provider_not_called_is_a_span_too(spans, server):
    admin, user = make_admin().user.id, make_user("alice").user.id
    add_provider(admin, server, "Gone", 1)
    with db.transaction() as session:  # its key cannot be read any more (another SECRET_KEY)
        from vigor_app.models import AiProvider

        row = session.exec(select(AiProvider)).one()
        row.api_key_encrypted = "not-a-fernet-token"
    spans.clear()

    answer = await ai_plans.generate(user, PROFILE, PlanRequest(), 1, gateway=Gateway())

    assert answer.engine == "builtin"
    [skipped] = named(spans, tracing.ATTEMPT_SPAN)
    assert skipped.attributes["vigor.ai.called"] is False
    assert (skipped.attributes["vigor.ai.outcome"], skipped.attributes["vigor.ai.error_class"]) == (
        "error", "KeyUnreadable")


def test_a_transaction_span_ends_with_the_transaction_and_says_when_it_failed(spans):
    with db.transaction() as session:
        session.exec(select(User)).all()
    with pytest.raises(ValidationError), db.transaction() as session:
        session.add(User(email="nul@example.com", username="nul\x00", password_hash="x"))
        session.flush()
    with db.read_only() as session:
        session.exec(select(User)).all()

    ok, failed = named(spans, tracing.TRANSACTION_SPAN)
    assert ok.status.status_code == StatusCode.UNSET
    assert failed.status.status_code == StatusCode.ERROR
    assert [e.name for e in failed.events] == ["exception"]
    assert len(named(spans, tracing.READ_SPAN)) == 1


def test_one_unit_of_work_is_one_transaction_span(spans):
    with db.one_unit_of_work():
        with db.transaction() as session:
            session.exec(select(User)).all()
        with db.read_only() as session:
            session.exec(select(User)).all()
    assert len(named(spans, tracing.TRANSACTION_SPAN)) == 1
    assert named(spans, tracing.READ_SPAN) == []


def test_without_an_endpoint_tracing_stays_off_and_makes_nothing(database):
    assert tracing.configure() is False
    assert tracing.enabled is False
    assert tracing.current_ids() is None
    with tracing.span(tracing.TRANSACTION_SPAN) as made:
        assert made is None
    tracing.finished_span(tracing.ATTEMPT_SPAN, 1.0, {})  # nothing to make it with: no error


def test_an_endpoint_turns_tracing_on_with_the_otlp_exporter(vigor_env):
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

    from vigor_app.settings import reload_settings

    vigor_env.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:9/")
    vigor_env.setenv("OTEL_SERVICE_NAME", "vigor-test")
    reload_settings()
    try:
        assert tracing.configure() is True
        provider = tracing._provider
        assert provider is not None
        assert provider.resource.attributes["service.name"] == "vigor-test"
        [processor] = provider._active_span_processor._span_processors
        exporter = processor._batch_processor._exporter  # type: ignore[attr-defined]
        assert isinstance(exporter, OTLPSpanExporter)
        assert exporter._endpoint == "http://127.0.0.1:9/v1/traces"
    finally:
        tracing._provider.shutdown() if tracing._provider is not None else None
        tracing.stop()
