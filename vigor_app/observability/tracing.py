"""OpenTelemetry spans: one for every AI gateway attempt and one for every database transaction,
and Reflex's own spans for every event handler (reflex-otel turns on the trace points Reflex
0.10 has built in), exported over OTLP/HTTP.

Tracing is off unless OTEL_EXPORTER_OTLP_ENDPOINT is set (`configure`): then every entry point
here costs one check of a module flag and makes nothing. Tests hand `start` their own tracer
provider (with the SDK's in-memory exporter) and `stop` it after.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from contextlib import AbstractContextManager, nullcontext
from typing import TYPE_CHECKING, Any

from vigor_app.settings import get_settings

if TYPE_CHECKING:
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.trace import Tracer

log = logging.getLogger(__name__)

INSTRUMENTATION_NAME = "vigor_app"
ATTEMPT_SPAN = "vigor.ai.attempt"
TRANSACTION_SPAN = "vigor.db.transaction"
READ_SPAN = "vigor.db.read"
TRACES_PATH = "/v1/traces"

enabled = False  # read at every trace point: True only between start() and stop()
_tracer: Tracer | None = None
_provider: TracerProvider | None = None


def configure() -> bool:
    """Start tracing with an OTLP/HTTP exporter when OTEL_EXPORTER_OTLP_ENDPOINT is set (once per
    process; later calls do nothing). Returns whether tracing is on."""
    settings = get_settings()
    if enabled or not settings.otel_exporter_otlp_endpoint:
        return enabled
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.sdk.resources import SERVICE_NAME, Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    endpoint = settings.otel_exporter_otlp_endpoint.rstrip("/")
    if not endpoint.endswith(TRACES_PATH):  # the base address, as the OTLP specification reads it
        endpoint += TRACES_PATH
    provider = TracerProvider(resource=Resource.create({SERVICE_NAME: settings.otel_service_name}))
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(endpoint=endpoint)))
    start(provider)
    log.info("OpenTelemetry traces go to %s", endpoint)
    return True


def start(provider: TracerProvider) -> None:
    """Make spans with `provider` from now on: Vigor's own, and Reflex's event handler spans."""
    global enabled, _tracer, _provider
    from reflex_otel import ReflexInstrumentor

    _provider = provider
    _tracer = provider.get_tracer(INSTRUMENTATION_NAME)
    enabled = True
    # The event handler spans: Reflex's trace points (reflex_base.otel), with this provider. The
    # instrumentor also wraps the app's ASGI callable in OpenTelemetry's ASGI middleware when the
    # app builds it, so start() must run before that (vigor_app.py calls configure() first).
    ReflexInstrumentor().instrument(tracer_provider=provider)


def stop() -> None:
    """Stop making spans (flushing what was made); Reflex's trace points are turned off too."""
    global enabled, _tracer, _provider
    from reflex_otel import ReflexInstrumentor

    enabled = False
    if _provider is not None:
        _provider.force_flush()
    ReflexInstrumentor().uninstrument()
    _tracer = _provider = None


def span(name: str, attributes: Mapping[str, Any] | None = None) -> AbstractContextManager[Any]:
    """A span around a block, child of the current one; a do-nothing context while tracing is off."""
    if not enabled or _tracer is None:
        return nullcontext()
    return _tracer.start_as_current_span(name, attributes=attributes)


def finished_span(name: str, seconds: float, attributes: Mapping[str, Any], *,
                  failed: bool = False, error: str = "") -> None:
    """A span for something that has just ended after `seconds` (an AI call, timed by the code
    that made it), child of the current span."""
    if not enabled or _tracer is None:
        return
    from opentelemetry.trace import SpanKind, Status, StatusCode

    end = time.time_ns()
    made = _tracer.start_span(name, kind=SpanKind.CLIENT, attributes=attributes,
                              start_time=end - max(0, int(seconds * 1e9)))
    if failed:
        made.set_status(Status(StatusCode.ERROR, error or None))
    made.end(end_time=end)


def current_ids() -> tuple[str, str] | None:
    """(trace id, span id) in hex of the current span, or None (tracing off, or no span)."""
    if not enabled:
        return None
    from opentelemetry import trace

    context = trace.get_current_span().get_span_context()
    if not context.is_valid:
        return None
    return f"{context.trace_id:032x}", f"{context.span_id:016x}"
