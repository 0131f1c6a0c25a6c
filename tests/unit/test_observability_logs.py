"""Log lines: JSON when LOG_FORMAT=json (each line one object with time, level, logger and
message; the request id and the trace id where there are any), and in either format never
the server's secrets."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest
from opentelemetry.sdk.trace import TracerProvider

from vigor_app import startup
from vigor_app.observability import json_logs, tracing
from vigor_app.settings import reload_settings

OPENAI_KEY = "sk-proj-Abcdefghijklmnop0123456789"
ADMIN_PASSWORD = "Str0ng-Admin-Pass!"  # noqa: S105
METRICS_TOKEN = "metrics-0123456789abcdef"  # noqa: S105


@pytest.fixture
def secrets_set(vigor_env):
    vigor_env.setenv("OPENAI_API_KEY", OPENAI_KEY)
    vigor_env.setenv("ADMIN_PASSWORD", ADMIN_PASSWORD)
    vigor_env.setenv("METRICS_TOKEN", METRICS_TOKEN)
    vigor_env.setenv("LOG_FORMAT", "json")
    return reload_settings()


@pytest.fixture
def lines(secrets_set) -> Iterator[tuple[logging.Logger, io.StringIO]]:
    """A logger writing through the handler LOG_FORMAT=json gives, into a string."""
    out = io.StringIO()
    logger = logging.getLogger("vigor_app.test_json_logs")
    made = json_logs.handler(secrets_set, out)
    logger.addHandler(made)
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    try:
        yield logger, out
    finally:
        logger.removeHandler(made)
        logger.propagate = True


def parsed(out: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_each_line_is_one_json_object_with_level_logger_and_message(lines):
    logger, out = lines
    logger.info("Created %d plans for %s", 2, "alice")
    logger.warning("A message\nover two lines")
    first, second = parsed(out)
    assert first["level"] == "INFO" and first["logger"] == "vigor_app.test_json_logs"
    assert first["message"] == "Created 2 plans for alice"
    assert first["time"].endswith("+00:00")
    assert second["level"] == "WARNING" and second["message"] == "A message\nover two lines"
    assert "request_id" not in first and "trace_id" not in first


def test_an_exception_is_kept_in_the_line(lines):
    logger, out = lines
    try:
        raise RuntimeError("the database went away")
    except RuntimeError:
        logger.exception("Could not settle")
    [line] = parsed(out)
    assert line["level"] == "ERROR" and line["exception_type"] == "RuntimeError"
    assert "the database went away" in line["exception"] and "Traceback" in line["exception"]


def test_the_request_id_and_the_trace_id_are_carried_where_there_are_any(lines):
    logger, out = lines
    marker = json_logs.request_id.set("req-0123")
    try:
        logger.info("inside a request")
    finally:
        json_logs.request_id.reset(marker)
    tracing.start(TracerProvider())
    try:
        assert tracing._tracer is not None
        with tracing._tracer.start_as_current_span("work") as span:
            logger.info("inside a span")
            expected = f"{span.get_span_context().trace_id:032x}", f"{span.get_span_context().span_id:016x}"
    finally:
        tracing.stop()
    in_request, in_span = parsed(out)
    assert in_request["request_id"] == "req-0123" and "trace_id" not in in_request
    assert (in_span["trace_id"], in_span["span_id"]) == expected


def test_the_public_apis_request_id_is_the_one_the_lines_carry():
    from vigor_app.public_api import errors

    marker = errors.set_request_id("api-42")
    try:
        assert json_logs.request_id.get() == "api-42"
    finally:
        json_logs.request_id.reset(marker)


def test_no_secret_reaches_a_line_whole_or_in_part(lines):
    logger, out = lines
    logger.warning("Provider said: invalid key %s", OPENAI_KEY)
    logger.warning("A prefix %s and the token %s", OPENAI_KEY[:14], METRICS_TOKEN)
    try:
        raise ValueError(f"admin password {ADMIN_PASSWORD} refused")
    except ValueError:
        logger.exception("Could not create the admin")
    text = out.getvalue()
    for secret in (OPENAI_KEY, OPENAI_KEY[:14], METRICS_TOKEN, ADMIN_PASSWORD):
        assert secret not in text
    assert all(line["message"] for line in parsed(out))
    assert "••••" in text


def test_text_lines_lose_the_secrets_too(secrets_set, vigor_env):
    vigor_env.setenv("LOG_FORMAT", "text")
    out = io.StringIO()
    made = json_logs.handler(reload_settings(), out)
    record = logging.LogRecord("vigor_app.x", logging.INFO, __file__, 1, "token %s", (METRICS_TOKEN,), None)
    made.handle(record)
    assert METRICS_TOKEN not in out.getvalue() and "INFO vigor_app.x: token ••••" in out.getvalue()


def test_log_format_json_sets_up_the_root_logger(secrets_set):
    root = logging.getLogger()
    kept_handlers, kept_level = root.handlers[:], root.level
    try:
        startup.configure_logging()
        [made] = root.handlers
        assert isinstance(made.formatter, json_logs.JsonFormatter)
    finally:
        for made in root.handlers[:]:
            root.removeHandler(made)
        for kept in kept_handlers:
            root.addHandler(kept)
        root.setLevel(kept_level)


def test_an_unknown_log_format_is_refused(vigor_env):
    vigor_env.setenv("LOG_FORMAT", "xml")
    with pytest.raises(ValueError, match="LOG_FORMAT"):
        reload_settings()
    vigor_env.delenv("LOG_FORMAT")
