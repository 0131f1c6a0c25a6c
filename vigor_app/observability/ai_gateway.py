"""The AI gateway's attempts as metrics and spans, from the one place each is recorded
(`services/ai/ledger.py`: `settle` for a call, `skip` for a provider not called) and its
requests from where the gateway answers (`services/ai/gateway.py`)."""

from __future__ import annotations

from vigor_app.observability import metrics, tracing


def attempt_ended(*, request_id: str, feature: str, provider: str, model: str, outcome: str,
                  failed: bool, latency_s: float, input_tokens: int, output_tokens: int,
                  cost_micros: int, error_class: str) -> None:
    """A provider call ended: counted, timed, its tokens and cost added; a span of its length
    (its status an error when the call `failed`: `outcomes.FAILURES`)."""
    metrics.record_attempt(provider, model, feature, outcome, called=True, latency_s=latency_s,
                           input_tokens=input_tokens, output_tokens=output_tokens,
                           cost_micros=cost_micros)
    if tracing.enabled:
        tracing.finished_span(tracing.ATTEMPT_SPAN, latency_s, {
            "vigor.ai.request_id": request_id, "vigor.ai.feature": feature,
            "vigor.ai.provider": provider, "gen_ai.request.model": model,
            "vigor.ai.outcome": outcome, "vigor.ai.error_class": error_class,
            "gen_ai.usage.input_tokens": input_tokens, "gen_ai.usage.output_tokens": output_tokens,
            "vigor.ai.cost_micros": cost_micros, "vigor.ai.called": True,
        }, failed=failed, error=error_class)


def attempt_skipped(*, request_id: str, feature: str, provider: str, model: str, outcome: str,
                    error_class: str) -> None:
    """A provider was not called (circuit open, Retry-After, budget, unreadable key)."""
    metrics.record_attempt(provider, model, feature, outcome, called=False)
    if tracing.enabled:
        tracing.finished_span(tracing.ATTEMPT_SPAN, 0.0, {
            "vigor.ai.request_id": request_id, "vigor.ai.feature": feature,
            "vigor.ai.provider": provider, "gen_ai.request.model": model,
            "vigor.ai.outcome": outcome, "vigor.ai.error_class": error_class,
            "vigor.ai.called": False,
        })


def request_answered(feature: str, reason: str) -> None:
    """A gateway request answered: by a provider, the cache or the built-in engine (and why)."""
    metrics.record_request(feature, reason)
