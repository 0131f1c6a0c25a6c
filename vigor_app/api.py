"""Plain HTTP routes beside the Reflex app: /health, /metrics (Prometheus, for operators), the
single sign-on redirects, and the public API under /api/v1 (`vigor_app/public_api`)."""

from __future__ import annotations

import logging
import re
from urllib.parse import quote

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route

from vigor_app import db
from vigor_app.observability import metrics
from vigor_app.offline import shell as offline_shell
from vigor_app.public_api.app import PREFIX, public_api
from vigor_app.services.accounts import single_sign_on
from vigor_app.services.accounts.oidc import OidcError
from vigor_app.services.accounts.return_paths import safe_return_path
from vigor_app.services.admin import health
from vigor_app.services.errors import VigorError
from vigor_app.settings import get_settings

log = logging.getLogger(__name__)


async def service_worker(_request: Request) -> Response:
    """The service worker for the build being served (vigor_app/offline/shell.py): never cached
    by the browser's HTTP cache, so a new build's worker is found at the next visit."""
    worker = await run_in_threadpool(offline_shell.current)
    return Response(worker.script, media_type="text/javascript",
                    headers={"Cache-Control": "no-cache", "Service-Worker-Allowed": "/"})


async def health_endpoint(_request: Request) -> JSONResponse:
    healthy, report = await run_in_threadpool(health.check)
    return JSONResponse(report, status_code=200 if healthy else 503,
                        headers={"Cache-Control": "no-store"})


async def metrics_endpoint(request: Request) -> Response:
    """Prometheus's text format (docs/operations.md), for a bearer token equal to METRICS_TOKEN.
    Without METRICS_TOKEN the route is not there (404); a missing or wrong token is a 401."""
    token = get_settings().metrics_token
    if token is None or not token.get_secret_value():
        return Response("Not Found", status_code=404, media_type="text/plain")
    if not metrics.authorized(request.headers.get("authorization"), token.get_secret_value()):
        return Response("Unauthorized", status_code=401, media_type="text/plain",
                        headers={"WWW-Authenticate": 'Bearer realm="metrics"'})
    body, content_type = await run_in_threadpool(metrics.exposition)
    return Response(body, media_type=content_type, headers={"Cache-Control": "no-store"})


metrics.watch_database_pool(db.current_engine)  # read at each scrape, never on a request's path


# The browser key cookie is sent only where it is read: Reflex's websocket endpoint, whose
# handshake headers the /auth/finish page's on_load handler sees (`self.router.headers`).
BROWSER_COOKIE_PATH = "/_event"


def _back_to_sign_in(exc: Exception) -> RedirectResponse:
    """To /auth/finish with the error's code: the page shows its fixed message, never URL text."""
    return RedirectResponse(f"/auth/finish?error={quote(single_sign_on.error_code(exc))}", status_code=303)


async def oidc_login(request: Request) -> RedirectResponse:
    try:
        started = await single_sign_on.start(safe_return_path(request.query_params.get("next")))
    except (OidcError, VigorError) as exc:
        log.warning("Single sign-on could not start: %s", exc.message)
        return _back_to_sign_in(exc)
    response = RedirectResponse(started.url, status_code=303)
    # This browser, and only it, may finish the sign-in (services/accounts/single_sign_on.py).
    response.set_cookie(
        started.cookie_name, started.browser_key,
        max_age=int(single_sign_on.BROWSER_COOKIE_MAX_AGE.total_seconds()), path=BROWSER_COOKIE_PATH,
        secure=get_settings().app_url.startswith("https://"), httponly=True, samesite="lax",
    )
    return response


async def oidc_callback(request: Request) -> RedirectResponse:
    params = request.query_params
    try:
        ticket = await single_sign_on.finish(params.get("code"), params.get("state"), params.get("error"))
    except (OidcError, VigorError) as exc:
        log.warning("Single sign-on refused: %s", exc.message)
        return _back_to_sign_in(exc)
    return RedirectResponse(f"/auth/finish?ticket={quote(ticket)}", status_code=303)


def _any_path_under(prefix: str, app) -> Mount:
    """A Mount that takes every path under `prefix`, even one holding a line break (a Mount's
    pattern is `.*`, which stops at one): the API answers it, in its own error shape."""
    mount = Mount(prefix, app=app)
    mount.path_regex = re.compile(mount.path_regex.pattern, re.DOTALL)
    return mount


api = Starlette(
    routes=[
        Route("/health", health_endpoint, methods=["GET"]),
        Route("/sw.js", service_worker, methods=["GET"]),
        Route("/metrics", metrics_endpoint, methods=["GET"]),
        Route("/auth/oidc/login", oidc_login, methods=["GET"]),
        Route(single_sign_on.CALLBACK_PATH, oidc_callback, methods=["GET"]),
        _any_path_under(PREFIX, public_api),
    ]
)
