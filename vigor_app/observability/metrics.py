"""Prometheus metrics: the AI gateway's requests, attempts, latencies, tokens and cost per
provider, model and feature; the websocket connections and the database pool of this process.

Counters and histograms are updated where the gateway records an attempt (`record_attempt`,
`record_request`: a few dictionary lookups and additions). The connections and the pool are
read only when /metrics is scraped, by collectors (`watch_connections`, `watch_database_pool`),
so nothing on a hot path keeps them up to date; with several workers (PROMETHEUS_MULTIPROC_DIR)
each worker also copies them into shared gauges every few seconds, off any request's path. Label values are bounded: provider names and
models come from the admins' provider table (cut to 64 characters), features (the gateway
refuses any other than its four, `services/ai/inputs.py`) and outcomes from fixed lists;
never a person.
"""

from __future__ import annotations

import hmac
import logging
import os
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector, CollectorRegistry

log = logging.getLogger(__name__)

LABEL_MAX = 64  # characters kept of a provider name or a model

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


def record_request(feature: str, reason: str) -> None:
    """One gateway request answered, and by what (`outcomes.REASON_*`)."""
    AI_REQUESTS.labels(feature[:LABEL_MAX], reason[:LABEL_MAX]).inc()


def record_attempt(provider: str, model: str, feature: str, outcome: str, *, called: bool,
                   latency_s: float = 0.0, input_tokens: int = 0, output_tokens: int = 0,
                   cost_micros: int = 0) -> None:
    """One provider attempt: a call that was made (`called`, timed, with its tokens and cost)
    or a skip (circuit open, Retry-After, budget, unreadable key)."""
    labels = (provider[:LABEL_MAX], model[:LABEL_MAX], feature[:LABEL_MAX])
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

Reading = tuple[str, str, float]  # (metric name, its help text, value now)


class _Figures(Collector):
    """Gauges read when scraped, from a callable."""

    def readings(self) -> list[Reading]:
        raise NotImplementedError

    def collect(self) -> Iterator[GaugeMetricFamily]:
        for name, documentation, value in self.readings():
            yield GaugeMetricFamily(name, documentation, value=value)


class _Connections(_Figures):
    """`vigor_connections_active`: the browser tabs with a websocket open to this process."""

    def __init__(self, count: Callable[[], int | None]) -> None:
        self.count = count

    def readings(self) -> list[Reading]:
        value = self.count()
        if value is None:
            return []
        return [("vigor_connections_active", "Browser tabs with a websocket open.", value)]


class _DatabasePool(_Figures):
    """The SQLAlchemy pool of this process's engine, as it is when scraped."""

    def __init__(self, engine: Callable[[], Any]) -> None:
        self.engine = engine

    def readings(self) -> list[Reading]:
        pool = getattr(self.engine(), "pool", None)
        if pool is None or not hasattr(pool, "checkedout"):  # no engine yet, or a pool without counts
            return []
        return [
            ("vigor_db_pool_size", "Connections the pool keeps open (its size).", pool.size()),
            ("vigor_db_pool_checked_out", "Connections in use by a transaction now.", pool.checkedout()),
            ("vigor_db_pool_checked_in", "Open connections waiting in the pool.", pool.checkedin()),
            ("vigor_db_pool_overflow", "Connections open beyond the pool's size now.", max(0, pool.overflow())),
            ("vigor_db_pool_max_overflow", "Connections the pool may open beyond its size.",
             max(0, getattr(pool, "_max_overflow", 0))),
        ]


_watched: dict[tuple[int, str], _Figures] = {}


def _watch(name: str, figures: _Figures, registry: CollectorRegistry) -> None:
    """Register `figures` in `registry` under `name`; a second call replaces the first (the
    app module may be imported more than once in a process)."""
    previous = _watched.pop((id(registry), name), None)
    if previous is not None:
        registry.unregister(previous)
    registry.register(figures)
    _watched[(id(registry), name)] = figures
    if multiprocess_dir():
        _start_sampling()


def watch_connections(count: Callable[[], int | None], registry: CollectorRegistry = REGISTRY) -> None:
    """Report `count()` (None: nothing to report) as `vigor_connections_active` at each scrape."""
    _watch("connections", _Connections(count), registry)


def watch_database_pool(engine: Callable[[], Any], registry: CollectorRegistry = REGISTRY) -> None:
    """Report the pool of `engine()` (None: no engine yet) at each scrape."""
    _watch("database_pool", _DatabasePool(engine), registry)


# --- several workers on one port: prometheus-client's multiprocess mode ---------------------
#
# With PROMETHEUS_MULTIPROC_DIR in the environment (scripts/serve_prod.sh sets and empties it),
# every process's counters and histograms live in files there and a scrape answered by any
# worker sums them all. The gauges read at scrape time cannot be read in the other workers, so
# each worker copies its own into multiprocess gauges (summed over the workers) every
# SAMPLE_SECONDS and when it answers a scrape.

SAMPLE_SECONDS = 5.0
_gauges: dict[str, Gauge] = {}
_sampler_pid = 0  # the process whose sampling thread runs (granian forks its workers)


def multiprocess_dir() -> str:
    return os.environ.get("PROMETHEUS_MULTIPROC_DIR", "")


def sample() -> None:
    """Copy this process's connections and pool into the gauges every worker writes."""
    for figures in list(_watched.values()):
        for name, documentation, value in figures.readings():
            gauge = _gauges.get(name)
            if gauge is None:
                gauge = _gauges[name] = Gauge(name, documentation, registry=None, multiprocess_mode="livesum")
            gauge.set(value)


def _start_sampling() -> None:
    """Start this process's sampling thread, once; a forked worker starts its own (a thread
    does not survive a fork)."""
    global _sampler_pid
    if _sampler_pid == os.getpid():
        return
    if _sampler_pid == 0:
        os.register_at_fork(after_in_child=_start_sampling)
    _sampler_pid = os.getpid()

    def loop() -> None:
        while True:
            time.sleep(SAMPLE_SECONDS)
            try:
                sample()
            except Exception:  # noqa: BLE001 - a figure unreadable for a moment: the next look
                log.debug("metrics: sampling failed", exc_info=True)

    threading.Thread(target=loop, name="vigor-metrics-sampler", daemon=True).start()


# --- the endpoint's rules (the route is vigor_app/api.py) ---------------------------------------


def authorized(header: str | None, token: str) -> bool:
    """Whether an Authorization header carries `token` as a bearer token (compared in constant time)."""
    scheme, _, given = (header or "").partition(" ")
    if scheme.lower() != "bearer" or not token:
        return False
    return hmac.compare_digest(given.strip().encode(), token.encode())


def exposition(registry: CollectorRegistry = REGISTRY) -> tuple[bytes, str]:
    """Every metric in Prometheus's text format, and its content type. In multiprocess mode:
    every worker's, summed (the process_* and python_* families are then left out)."""
    if multiprocess_dir() and registry is REGISTRY:
        sample()
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    return generate_latest(registry), CONTENT_TYPE_LATEST
