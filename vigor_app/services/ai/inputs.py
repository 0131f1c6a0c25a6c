"""What the gateway accepts from its callers: the checks on a chat request's messages and
context (a typed ``ValidationError`` with a message for the person)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from vigor_app.services.errors import ValidationError

PLAN = "plan"
CHAT_FEATURES = ("chat", "analysis", "motivation")
FEATURES = (PLAN, *CHAT_FEATURES)
MAX_MESSAGE_CHARS = 1000
MAX_ASSISTANT_CHARS = 8000
MAX_HISTORY = 20
MAX_CONTEXT_CHARS = 8000


def chat_input(feature: str, messages: Any, context: Any) -> tuple[list[dict[str, str]], str]:
    """The last ``MAX_HISTORY`` messages, trimmed, and the context; or ValidationError."""
    if feature not in CHAT_FEATURES:
        raise ValidationError("Vigor's coach cannot help with that here.", field="feature")
    if not isinstance(messages, Sequence) or isinstance(messages, str) or not messages:
        raise ValidationError("Write a message first.", field="message")
    cleaned: list[dict[str, str]] = []
    for message in list(messages)[-MAX_HISTORY:]:
        if not isinstance(message, Mapping) or message.get("role") not in ("user", "assistant") \
                or not isinstance(message.get("content"), str):
            raise ValidationError("That conversation could not be read. Start a new one.",
                                  field="message")
        text = message["content"].strip()
        if message["role"] == "user" and len(text) > MAX_MESSAGE_CHARS:
            raise ValidationError(f"Keep your message under {MAX_MESSAGE_CHARS} characters.",
                                  field="message")
        cleaned.append({"role": message["role"], "content": text[:MAX_ASSISTANT_CHARS]})
    if cleaned[-1]["role"] != "user" or not cleaned[-1]["content"]:
        raise ValidationError("Write a message first.", field="message")
    if not isinstance(context, str):
        raise ValidationError("The coach's context must be text.", field="context")
    return cleaned, context.strip()[:MAX_CONTEXT_CHARS]
