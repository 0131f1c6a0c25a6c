"""Log lines as JSON (LOG_FORMAT=json), one object per line, for a log collector: time, level,
logger, message; the public API's request id and the trace and span ids when there are any; the
exception's type and traceback when one is logged. Every line, text or JSON, has the server's
own secrets (SECRET_KEY, the admin and SMTP passwords, the single sign-on client secret, the AI
keys of the environment, METRICS_TOKEN) taken out as the AI gateway takes provider keys out of
what it records (`services/ai/crypto.redact`)."""

from __future__ import annotations

import json
import logging
from contextvars import ContextVar
from datetime import UTC, datetime

from vigor_app.observability import tracing
from vigor_app.services.ai.crypto import redact
from vigor_app.settings import Settings

# The request being answered by the public API (set by its middleware, `public_api/app.py`):
# errors carry it to the caller, log lines to the operator.
request_id: ContextVar[str] = ContextVar("vigor_request_id", default="")

_SECRET_SETTINGS = ("secret_key", "admin_password", "smtp_password", "oidc_client_secret",
                    "openai_api_key", "azure_openai_api_key", "gemini_api_key", "perplexity_api_key",
                    "metrics_token")


def secrets_of(settings: Settings) -> tuple[str, ...]:
    """The secret values set in `settings` (the ones a log line must never carry)."""
    found = []
    for name in _SECRET_SETTINGS:
        value = getattr(settings, name)
        if value is not None and value.get_secret_value():
            found.append(value.get_secret_value())
    return tuple(found)


class Redacting(logging.Filter):
    """Takes the given secrets out of each record's message (and its exception's text)."""

    def __init__(self, secrets: tuple[str, ...]) -> None:
        super().__init__()
        self.secrets = secrets

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.secrets:
            return True
        message = record.getMessage()
        cleaned = redact(message, *self.secrets)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text, *self.secrets)
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per record (no line breaks inside: a traceback is one string)."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if current := request_id.get():
            line["request_id"] = current
        ids = tracing.current_ids()
        if ids is not None:
            line["trace_id"], line["span_id"] = ids
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            line["exception"] = record.exc_text
            if record.exc_info and record.exc_info[0] is not None:
                line["exception_type"] = record.exc_info[0].__name__
        return json.dumps(line, ensure_ascii=False, default=str)


def handler(settings: Settings, stream=None) -> logging.Handler:
    """A stream handler (stderr by default) writing LOG_FORMAT's lines, secrets taken out."""
    made = logging.StreamHandler(stream)
    if settings.log_format == "json":
        made.setFormatter(JsonFormatter())
    else:
        made.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    made.addFilter(Redacting(secrets_of(settings)))
    return made
