"""Prometheus metrics: the AI gateway's requests, attempts, latencies, tokens and cost per
provider, model and feature; the websocket connections and the database pool of this process.

Counters and histograms are updated where the gateway records an attempt (`record_attempt`,
`record_request`: a few dictionary lookups and additions). The connections and the pool are
read only when /metrics is scraped, by collectors (`watch_connections`, `watch_database_pool`),
so nothing on a hot path keeps them up to date. Label values are bounded: provider names and
models come from the admins' provider table (cut to 64 characters), features and outcomes
from fixed lists; never a person.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable, Iterator
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector, CollectorRegistry

LABEL_MAX = 64  # characters kept of a provider name or a model
FEATURES = frozenset({"plan", "chat", "analysis", "motivation"})  # services/ai/inputs.py
OTHER = "other"

# Provider calls last from tens of milliseconds (a local server) to the whole-reply deadline.
AI_LATENCY_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 20.0, 30.0, 60.0, 120.0)

AI_REQUESTS = Counter(
    "vigor_ai_requests_total",
    "AI gateway requests, by feature and by how they were answered (provider, cache, or the "
    "built-in engine's reason: quota, budget, no_provider, all_failed, unavailable).",
    ["feature", "reason"])
AI_ATTEMPTS = Counter(
    "vigor_ai_attempts_total",
    "Provider attempts of the AI gateway (calls and skips), by provider, model, feature and outcome.",
    ["provider", "model", "feature", "outcome"])
AI_ATTEMPT_SECONDS = Histogram(
    "vigor_ai_attempt_duration_seconds",
    "How long each provider call took, from the request to its last byte (skips are not timed).",
    ["provider", "model", "feature", "outcome"], buckets=AI_LATENCY_BUCKETS)
AI_TOKENS = Counter(
    "vigor_ai_tokens_total",
    "Tokens charged for provider calls (the provider's usage clamped to the reservation, or "
    "Vigor's own count), by provider, model, feature and direction (input, output).",
    ["provider", "model", "feature", "direction"])
AI_COST = Counter(
    "vigor_ai_cost_microdollars_total",
    "Exact cost of provider calls in micro-dollars (1 USD = 1,000,000), by provider, model and feature.",
    ["provider", "model", "feature"])


def _feature(feature: str) -> str:
    return feature if feature in FEATURES else OTHER


def record_request(feature: str, reason: str) -> None:
    """One gateway request answered, and by what (`outcomes.REASON_*`)."""
    AI_REQUESTS.labels(_feature(feature), reason[:LABEL_MAX]).inc()


def record_attempt(provider: str, model: str, feature: str, outcome: str, *, called: bool,
                   latency_s: float = 0.0, input_tokens: int = 0, output_tokens: int = 0,
                   cost_micros: int = 0) -> None:
    """One provider attempt: a call that was made (`called`, timed, with its tokens and cost)
    or a skip (circuit open, Retry-After, budget, unreadable key)."""
    labels = (provider[:LABEL_MAX], model[:LABEL_MAX], _feature(feature))
    AI_ATTEMPTS.labels(*labels, outcome).inc()
    if not called:
        return
    AI_ATTEMPT_SECONDS.labels(*labels, outcome).observe(max(0.0, latency_s))
    if input_tokens:
        AI_TOKENS.labels(*labels, "input").inc(input_tokens)
    if output_tokens:
        AI_TOKENS.labels(*labels, "output").inc(output_tokens)
    if cost_micros:
        AI_COST.labels(*labels).inc(cost_micros)


# --- read at scrape time -------------------------------------------------------------------


class _Connections(Collector):
    """`vigor_connections_active`: the browser tabs with a websocket open to this process."""

    def __init__(self, count: Callable[[], int | None]) -> None:
        self.count = count

    def collect(self) -> Iterator[GaugeMetricFamily]:
        value = self.count()
        if value is not None:
            yield GaugeMetricFamily("vigor_connections_active",
                                    "Browser tabs with a websocket open to this process.", value=value)


class _DatabasePool(Collector):
    """The SQLAlchemy pool of this process's engine, as it is when scraped."""

    def __init__(self, engine: Callable[[], Any]) -> None:
        self.engine = engine

    def collect(self) -> Iterator[GaugeMetricFamily]:
        engine = self.engine()
        pool = getattr(engine, "pool", None)
        if pool is None or not hasattr(pool, "checkedout"):  # no engine yet, or a pool without counts
            return
        figures = (
            ("vigor_db_pool_size", "Connections the pool keeps open (its size).", pool.size()),
            ("vigor_db_pool_checked_out", "Connections in use by a transaction now.", pool.checkedout()),
            ("vigor_db_pool_checked_in", "Open connections waiting in the pool.", pool.checkedin()),
            ("vigor_db_pool_overflow", "Connections open beyond the pool's size now.", max(0, pool.overflow())),
            ("vigor_db_pool_max_overflow", "Connections the pool may open beyond its size.",
             max(0, getattr(pool, "_max_overflow", 0))),
        )
        for name, documentation, value in figures:
            yield GaugeMetricFamily(name, documentation, value=value)


_watched: dict[tuple[int, str], Collector] = {}


def _watch(name: str, collector: Collector, registry: CollectorRegistry) -> None:
    """Register `collector` in `registry` under `name`; a second call replaces the first (the
    app module may be imported more than once in a process)."""
    previous = _watched.pop((id(registry), name), None)
    if previous is not None:
        registry.unregister(previous)
    registry.register(collector)
    _watched[(id(registry), name)] = collector


def watch_connections(count: Callable[[], int | None], registry: CollectorRegistry = REGISTRY) -> None:
    """Report `count()` (None: nothing to report) as `vigor_connections_active` at each scrape."""
    _watch("connections", _Connections(count), registry)


def watch_database_pool(engine: Callable[[], Any], registry: CollectorRegistry = REGISTRY) -> None:
    """Report the pool of `engine()` (None: no engine yet) at each scrape."""
    _watch("database_pool", _DatabasePool(engine), registry)


# --- the endpoint's rules (the route is vigor_app/api.py) ---------------------------------------


def authorized(header: str | None, token: str) -> bool:
    """Whether an Authorization header carries `token` as a bearer token (compared in constant time)."""
    scheme, _, given = (header or "").partition(" ")
    if scheme.lower() != "bearer" or not token:
        return False
    return hmac.compare_digest(given.strip().encode(), token.encode())


def exposition(registry: CollectorRegistry = REGISTRY) -> tuple[bytes, str]:
    """Every metric in Prometheus's text format, and its content type."""
    return generate_latest(registry), CONTENT_TYPE_LATEST
