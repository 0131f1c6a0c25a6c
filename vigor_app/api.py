"""Plain HTTP routes beside the Reflex app: /health and the single sign-on redirects."""

from __future__ import annotations

import logging
from urllib.parse import quote

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse
from starlette.routing import Route

from vigor_app.services import health, single_sign_on
from vigor_app.services.errors import VigorError
from vigor_app.services.oidc import OidcError
from vigor_app.services.return_paths import safe_return_path

log = logging.getLogger(__name__)


async def health_endpoint(_request: Request) -> JSONResponse:
    healthy, report = await run_in_threadpool(health.check)
    return JSONResponse(report, status_code=200 if healthy else 503,
                        headers={"Cache-Control": "no-store"})


def _back_to_sign_in(message: str) -> RedirectResponse:
    return RedirectResponse(f"/auth/finish?error={quote(message)}", status_code=303)


async def oidc_login(request: Request) -> RedirectResponse:
    try:
        url = await single_sign_on.start(safe_return_path(request.query_params.get("next")))
    except (OidcError, VigorError) as exc:
        log.warning("Single sign-on could not start: %s", exc.message)
        return _back_to_sign_in(exc.message)
    return RedirectResponse(url, status_code=303)


async def oidc_callback(request: Request) -> RedirectResponse:
    params = request.query_params
    try:
        ticket = await single_sign_on.finish(params.get("code"), params.get("state"), params.get("error"))
    except (OidcError, VigorError) as exc:
        log.warning("Single sign-on refused: %s", exc.message)
        return _back_to_sign_in(exc.message)
    return RedirectResponse(f"/auth/finish?ticket={quote(ticket)}", status_code=303)


api = Starlette(
    routes=[
        Route("/health", health_endpoint, methods=["GET"]),
        Route("/auth/oidc/login", oidc_login, methods=["GET"]),
        Route(single_sign_on.CALLBACK_PATH, oidc_callback, methods=["GET"]),
    ]
)
