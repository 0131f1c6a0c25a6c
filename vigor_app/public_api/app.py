"""The public API: a FastAPI application mounted at /api/v1 beside the pages.

Its handlers are thin: each checks who is asking (`callers`), then calls the same service the
page's State handler calls, with the same validation. Its OpenAPI document is at
/api/v1/openapi.json, the interactive docs at /api/v1/docs (their scripts served by the app,
from `fastapi-offline`: no CDN, so they work offline).
"""

from __future__ import annotations

from fastapi import FastAPI
from fastapi_offline import FastAPIOffline
from starlette.types import ASGIApp, Receive, Scope, Send

from vigor_app.public_api import errors
from vigor_app.public_api.limits import BodyLimit
from vigor_app.public_api.routes import ROUTERS
from vigor_app.services.ai.config_document import MAX_BYTES as CONFIG_MAX_BYTES
from vigor_app.services.your_data.file_cells import MAX_BYTES as IMPORT_MAX_BYTES

PREFIX = "/api/v1"
DESCRIPTION = """Everything a member or an admin does in Vigor's pages, over HTTP.

Send a personal access token (made on the Profile page) as `Authorization: Bearer vgr_…`.
Scopes: `read`, `write`, `admin` (admins only). Every refusal has one shape:
`{"error": {"code", "message", "details", "request_id"}}`. Weights are kilograms, distances
metres, times seconds, dates UTC (ISO 8601). See docs/api.md for limits and examples.
"""


class RequestIds:
    """ASGI middleware: every request gets an id, answered in X-Request-ID and in any error."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = errors.new_request_id()
        # Not reset at the end: each request runs in its own task's context, and the answer to
        # an unexpected failure is written after this middleware has returned.
        errors.set_request_id(request_id)

        async def with_id(message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (errors.REQUEST_ID_HEADER.lower().encode(),
                                                            request_id.encode())]
            await send(message)

        await self.app(scope, receive, with_id)


def build() -> FastAPI:
    app = FastAPIOffline(title="Vigor API", version="1", description=DESCRIPTION,
                         responses=errors.COMMON_ERRORS, separate_input_output_schemas=False)
    errors.install(app)
    # Inside the app's own stack, so a body found too large while an endpoint reads it is
    # refused here (413), not taken for a failure of the endpoint.
    app.add_middleware(BodyLimit, larger={"/your-data/import": IMPORT_MAX_BYTES + 64 * 1024,
                                          "/admin/ai-config": CONFIG_MAX_BYTES + 64 * 1024,
                                          "/admin/ai-config/preview": CONFIG_MAX_BYTES})
    app.add_middleware(RequestIds)
    for router in ROUTERS:
        app.include_router(router)
    return app


public_api = build()
