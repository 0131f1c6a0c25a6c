"""One error shape for every answer the API refuses: {"error": {code, message, details,
request_id}}. A service's `VigorError` keeps its message (written for a person); anything
unexpected is logged with its request id and answered as a plain 500, never a stack trace."""

from __future__ import annotations

import logging
import secrets
from contextvars import ContextVar
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from vigor_app.observability import json_logs
from vigor_app.services.errors import (
    AuthenticationError,
    NotFound,
    PermissionDenied,
    ThrottledError,
    ValidationError,
    VigorError,
)

log = logging.getLogger(__name__)

REQUEST_ID_HEADER = "X-Request-ID"
_request_id: ContextVar[str] = json_logs.request_id  # log lines carry it too
NO_STORE = {"Cache-Control": "no-store"}


class ErrorDetail(BaseModel):
    code: str
    message: str
    details: dict[str, Any] | list[Any] | None = None
    request_id: str


class ErrorBody(BaseModel):
    error: ErrorDetail


class ApiError(Exception):
    """A refusal the API itself decides (who is asking, scopes, limits, sizes)."""

    def __init__(self, status: int, code: str, message: str, *, details: Any = None,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.details, self.headers = details, headers or {}


def new_request_id() -> str:
    return secrets.token_hex(8)


def current_request_id() -> str:
    return _request_id.get()


def set_request_id(value: str):
    return _request_id.set(value)


def error_response(status: int, code: str, message: str, *, details: Any = None,
                   headers: dict[str, str] | None = None) -> JSONResponse:
    body = {"error": {"code": code, "message": message, "details": details, "request_id": current_request_id()}}
    return JSONResponse(body, status_code=status, headers={**NO_STORE, **(headers or {})})


def status_of(exc: VigorError) -> tuple[int, str]:
    """A service's error as an HTTP status and a code."""
    for kind, status, code in (
        (AuthenticationError, 401, "unauthorized"),
        (PermissionDenied, 403, "forbidden"),
        (NotFound, 404, "not_found"),
        (ThrottledError, 429, "rate_limited"),
        (ValidationError, 422, "invalid"),
    ):
        if isinstance(exc, kind):
            return status, code
    return 409, "conflict"


_HTTP_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
               405: "method_not_allowed", 406: "not_acceptable", 413: "too_large", 415: "unsupported_media_type",
               429: "rate_limited"}


def install(app: FastAPI) -> None:
    """Every way a request can fail, answered in the one shape."""

    @app.exception_handler(ApiError)
    async def _api_error(_request: Request, exc: ApiError) -> JSONResponse:
        return error_response(exc.status, exc.code, exc.message, details=exc.details, headers=exc.headers)

    @app.exception_handler(VigorError)
    async def _service_error(_request: Request, exc: VigorError) -> JSONResponse:
        status, code = status_of(exc)
        details = {"field": exc.field} if exc.field else None
        return error_response(status, code, exc.message, details=details)

    @app.exception_handler(RequestValidationError)
    async def _invalid_request(_request: Request, exc: RequestValidationError) -> JSONResponse:
        # Where and what, never the input itself (it may be large, or a secret sent by mistake).
        problems = [{"where": [str(p) for p in e.get("loc", ())][:6], "problem": str(e.get("msg", ""))[:200]}
                    for e in exc.errors()[:20]]
        return error_response(422, "invalid_request", "The request is not what this endpoint takes.",
                              details=problems)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = _HTTP_CODES.get(exc.status_code, "error")
        message = exc.detail if isinstance(exc.detail, str) else "The request was refused."
        headers = dict(exc.headers or {})
        if exc.status_code == 405:  # every method of the path, not only its first route's
            headers["Allow"] = ", ".join(allowed_methods(app, request))
        return error_response(exc.status_code, code, message[:300], headers=headers)

    @app.exception_handler(Exception)
    async def _unexpected(_request: Request, exc: Exception) -> JSONResponse:
        log.error("API request %s failed", current_request_id(), exc_info=exc)
        return error_response(500, "internal_error", "Something went wrong on our side. Try again; if it keeps "
                              "happening, tell us the request id.")


def allowed_methods(app: FastAPI, request: Request) -> list[str]:
    """The methods some route of `app` answers at the request's path (Starlette's own 405
    names only those of the first route with that path)."""
    path = request.scope.get("path", "")
    root = request.scope.get("root_path", "")
    relative = path[len(root):] if root and path.startswith(root) else path
    methods: set[str] = set()
    for route in app.routes:
        pattern, route_methods = getattr(route, "path_regex", None), getattr(route, "methods", None)
        if pattern is not None and route_methods and pattern.match(relative):
            methods |= set(route_methods)
    return sorted(methods)


# What every endpoint may answer besides its success: documented, so clients (and the schema
# checks) know the shape of each refusal.
COMMON_ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorBody, "description": description}
    for status, description in (
        (400, "The body could not be read (not JSON, or not UTF-8)"),
        (401, "No token, or one that is unknown, revoked or expired"),
        (403, "The token lacks the scope this needs"),
        (404, "Not found (or not yours)"),
        (413, "The request body is too large"),
        (422, "The request or a value in it is not acceptable"),
        (429, "Too many requests: wait Retry-After seconds"),
    )
}
