"""Reflex's own span for every event handler (the trace points of Reflex 0.10 that reflex-otel
turns on, `observability/tracing.start`), with the handler's database transactions and AI
attempts inside its trace: events sent through the app's own event processor
(tests/state/live_app.py), spans caught with the SDK's in-memory exporter."""

from __future__ import annotations

import pytest
from opentelemetry.trace import SpanKind

from tests.factories import make_user
from tests.state.live_app import LiveApp
from vigor_app.observability import tracing
from vigor_app.state.coach import CoachState

pytestmark = pytest.mark.usefixtures("database")


async def test_each_event_handler_is_a_reflex_span_holding_its_transactions(spans):
    alice = make_user("alice")
    async with LiveApp() as live:
        tab = await live.open(alice.token, "/coach", CoachState)
        await tab.run(CoachState, "set_draft", text="How am I progressing?")
        spans.clear()
        await tab.run(CoachState, "send")

    finished = spans.get_finished_spans()
    events = [s for s in finished if "reflex.event.name" in (s.attributes or {})]
    [send] = [s for s in events if s.attributes["reflex.event.name"].endswith(".send")]
    assert send.kind == SpanKind.CONSUMER  # sent by the browser: a new trace
    assert send.attributes["reflex.event.background"] is True
    assert send.attributes["code.function.name"].endswith("CoachState.send")
    session_id = send.attributes["session.id"]
    assert len(session_id) == 16 and session_id not in tab.token  # a digest, never the client token
    # The handler's database work is in its trace (the built-in coach answered: no provider).
    inside = [s for s in finished if s.context.trace_id == send.context.trace_id]
    names = {s.name for s in inside}
    assert {tracing.TRANSACTION_SPAN, tracing.READ_SPAN} <= names
    assert all(s.parent is not None and s.parent.span_id == send.context.span_id
               for s in inside if s is not send)


async def test_without_tracing_reflex_makes_no_event_spans(database):
    from reflex_base import otel

    assert otel.enabled is False  # nothing turned Reflex's trace points on
    alice = make_user("alice")
    async with LiveApp() as live:
        tab = await live.open(alice.token, "/coach", CoachState)
        await tab.run(CoachState, "set_draft", text="Hello")
    assert otel.enabled is False
