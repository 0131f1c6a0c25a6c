"""Every AI call in Vigor goes through the gateway (``gateway.generate_plan``,
``gateway.stream_chat``); the rest of this package is what the gateway is made of and the
services admins use to run it. See docs/ai.md."""

from vigor_app.services.ai.gateway import (
    ChatChunk,
    Gateway,
    PlanAnswer,
    generate_plan,
    stream_chat,
)

__all__ = ["ChatChunk", "Gateway", "PlanAnswer", "generate_plan", "stream_chat"]
