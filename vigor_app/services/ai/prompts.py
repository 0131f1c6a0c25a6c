"""What the gateway sends to a provider: the chat system prompts, reading a JSON answer, and
the token estimates reservations are made from. (The plan's prompt and schema belong to the
plans: ``plans/ai_plans.py``.)

Changing a prompt changes ``PROMPT_VERSION``, which is part of every cache key: answers to
an old prompt are never served for a new one.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from typing import Any

from vigor_app.services.ai.inputs import PLAN
from vigor_app.services.safety.messages import SYSTEM_RULES

PROMPT_VERSION = "2026-12-06.1"

# Output tokens a feature may use at most (and never more than the provider's own maximum).
FEATURE_OUTPUT_TOKENS = {"plan": 16_000, "chat": 800, "analysis": 1500, "motivation": 300}
# Token estimate for reservations: generous on purpose (about 3 bytes a token where English
# averages 4), so a reservation is a ceiling; settling uses the provider's own counts.
BYTES_PER_TOKEN = 3
TOKENS_PER_MESSAGE = 4
TOKENS_PER_REQUEST = 3
CHARS_PER_TOKEN_CEILING = 6
MAX_REPLY_CHARS = 8000


def output_tokens(feature: str, provider_max: int) -> int:
    return max(1, min(FEATURE_OUTPUT_TOKENS.get(feature, provider_max), provider_max))


def least_output_tokens(feature: str, max_out: int) -> int:
    """The fewest output tokens worth asking for near a budget's limit: a chat reply may
    shrink to a quarter of its usual length; a plan must be whole."""
    if feature == PLAN:
        return max_out
    return min(max_out, max(64, max_out // 4))


def reply_char_limit(max_out: int) -> int:
    """The most text relayed for a reply asked to use `max_out` tokens (a provider ignoring
    max_tokens is cut here): generous, at 6 characters a token, and never over 8000."""
    return min(MAX_REPLY_CHARS, max(200, max_out * CHARS_PER_TOKEN_CEILING))


def estimate_input_tokens(messages: Sequence[dict[str, Any]]) -> int:
    total = TOKENS_PER_REQUEST
    for message in messages:
        text = message.get("content") or ""
        total += TOKENS_PER_MESSAGE + math.ceil(len(str(text).encode()) / BYTES_PER_TOKEN)
    return total


def estimate_output_tokens(text: str) -> int:
    """Output tokens of a reply the provider sent no usage for (a dropped stream)."""
    return math.ceil(len(text.encode()) / BYTES_PER_TOKEN)


# --- structured answers -----------------------------------------------------------------

_FENCE = re.compile(r"^```(?:json)?\s*(.*?)\s*```$", re.DOTALL)


def parse_json_object(text: str | None) -> tuple[dict[str, Any] | None, str]:
    """(the object, "") or (None, what is wrong). Tolerates a Markdown code fence."""
    if not text or not text.strip():
        return None, "the answer was empty"
    body = text.strip()
    fenced = _FENCE.match(body)
    if fenced:
        body = fenced.group(1)
    try:
        value = json.loads(body)
    except json.JSONDecodeError as exc:
        return None, f"invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"
    if not isinstance(value, dict):
        return None, "the answer is JSON but not an object"
    return value, ""


# --- chat -------------------------------------------------------------------------------

_CHAT_SYSTEM = {
    "chat": ("You are Vigor's fitness coach: warm, brief and practical. Answer in plain "
             "language, in a few short paragraphs at most. You are not a doctor: for pain, "
             "injury or illness, suggest seeing a professional."),
    "analysis": ("You are Vigor's training analyst. Read the person's training data in the "
                 "context and point out, briefly and kindly, what goes well and one thing to change."),
    "motivation": "You are Vigor's coach. Write one or two short, warm, specific sentences of encouragement.",
}


def chat_messages(feature: str, messages: Sequence[dict[str, str]], context: str) -> list[dict[str, str]]:
    # The same safety rules the built-in coach follows (red flags → medical care; no harmful practices).
    system = f"{_CHAT_SYSTEM[feature]}\n\n{SYSTEM_RULES}"
    if context:
        system += f"\n\nWhat Vigor knows about this person:\n{context}"
    return [{"role": "system", "content": system},
            *({"role": m["role"], "content": m["content"]} for m in messages)]
