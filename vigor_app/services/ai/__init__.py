"""Every AI call in Vigor goes through the gateway (``Gateway.generate_plan`` for the plans'
``PlanJob``, ``gateway.stream_chat``); the rest of this package is what the gateway is made
of and the services admins use to run it. See docs/ai.md for the map and the guarantees."""

from vigor_app.services.ai.gateway import (
    ChatChunk,
    Gateway,
    PlanAnswer,
    PlanJob,
    stream_chat,
)

__all__ = ["ChatChunk", "Gateway", "PlanAnswer", "PlanJob", "stream_chat"]
