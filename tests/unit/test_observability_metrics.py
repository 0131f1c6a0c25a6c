"""The metrics' own rules: bounded labels, the bearer token check, and the figures read at
scrape time (the database pool of a real engine). The endpoint over HTTP: tests/api/test_metrics.py."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

from prometheus_client import CollectorRegistry
from prometheus_client.parser import text_string_to_metric_families
from sqlmodel import select

from vigor_app import db
from vigor_app.models import User
from vigor_app.observability import metrics


def reading(registry: CollectorRegistry, name: str) -> float | None:
    return registry.get_sample_value(name)


def test_the_token_is_a_bearer_token_compared_whole():
    assert metrics.authorized("Bearer abc123", "abc123")
    assert metrics.authorized("bearer  abc123 ", "abc123")
    for header in (None, "", "abc123", "Basic abc123", "Bearer abc12", "Bearer abc1234", "Bearer"):
        assert not metrics.authorized(header, "abc123"), header
    assert not metrics.authorized("Bearer ", "")


def test_labels_stay_bounded():
    metrics.record_attempt("P" * 500, "m" * 500, "chat", "ok", called=True, latency_s=0.2,
                           input_tokens=3, output_tokens=4, cost_micros=5)
    labels = {"provider": "P" * 64, "model": "m" * 64, "feature": "chat"}
    assert metrics.AI_COST.labels(**labels)._value.get() >= 5
    assert metrics.AI_TOKENS.labels(**labels, direction="output")._value.get() >= 4


def test_a_skip_is_counted_but_not_timed():
    labels = {"provider": "Skipped", "model": "m", "feature": "chat", "outcome": "circuit_open"}
    metrics.record_attempt("Skipped", "m", "chat", "circuit_open", called=False)
    assert metrics.AI_ATTEMPTS.labels(**labels)._value.get() == 1
    registry_text = metrics.exposition()[0].decode()
    assert 'vigor_ai_attempt_duration_seconds_count{feature="chat",model="m",outcome="circuit_open"' not in registry_text


def test_the_pool_is_read_as_it_is_at_the_scrape(database):
    registry = CollectorRegistry()
    metrics.watch_database_pool(db.current_engine, registry)
    try:
        db.dispose_engine()
        assert reading(registry, "vigor_db_pool_size") is None  # no engine yet: nothing reported
        with db.read_only() as session:
            session.exec(select(User)).all()
            engine = db.current_engine()
            assert engine is not None
            assert reading(registry, "vigor_db_pool_checked_out") == 1
            assert reading(registry, "vigor_db_pool_size") == engine.pool.size()  # type: ignore[attr-defined]
        assert reading(registry, "vigor_db_pool_checked_out") == 0
        assert reading(registry, "vigor_db_pool_checked_in") == 1
        assert reading(registry, "vigor_db_pool_overflow") == 0
        assert reading(registry, "vigor_db_pool_max_overflow") == 10
    finally:
        metrics._watched.pop((id(registry), "database_pool"), None)


def test_a_second_watch_replaces_the_first():
    registry = CollectorRegistry()
    try:
        metrics.watch_connections(lambda: 3, registry)
        metrics.watch_connections(lambda: 5, registry)
        assert reading(registry, "vigor_connections_active") == 5
        metrics.watch_connections(lambda: None, registry)
        assert reading(registry, "vigor_connections_active") is None
    finally:
        metrics._watched.pop((id(registry), "connections"), None)


def test_several_worker_processes_are_summed_in_multiprocess_mode(tmp_path):
    """PROMETHEUS_MULTIPROC_DIR (scripts/serve_prod.sh): two processes record and sample, a third
    answers the scrape with both summed."""
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path)}
    worker = textwrap.dedent("""
        import sys
        from vigor_app.observability import metrics
        metrics.record_attempt("Local", "m", "chat", "ok", called=True, latency_s=0.5,
                               input_tokens=10, output_tokens=5, cost_micros=7)
        metrics.record_request("chat", "provider")
        metrics.watch_connections(lambda: int(sys.argv[1]))
        metrics.sample()
    """)
    for tabs in ("3", "4"):
        subprocess.run([sys.executable, "-c", worker, tabs], env=env, check=True, timeout=120)
    scrape = "import sys; from vigor_app.observability import metrics; sys.stdout.write(metrics.exposition()[0].decode())"
    text = subprocess.run([sys.executable, "-c", scrape], env=env, check=True, timeout=120,
                          capture_output=True, text=True).stdout
    found = {(s.name, frozenset(s.labels.items())): s.value
             for family in text_string_to_metric_families(text) for s in family.samples}
    local = frozenset({"provider": "Local", "model": "m", "feature": "chat"}.items())
    assert found[("vigor_ai_attempts_total", local | {("outcome", "ok")})] == 2
    assert found[("vigor_ai_cost_microdollars_total", local)] == 14
    assert found[("vigor_ai_attempt_duration_seconds_count", local | {("outcome", "ok")})] == 2
    assert found[("vigor_ai_requests_total", frozenset({("feature", "chat"), ("reason", "provider")}))] == 2
    assert found[("vigor_connections_active", frozenset())] == 7
