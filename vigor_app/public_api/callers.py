"""Who is asking over the API: a personal access token ("vgr_…") or the session token of a
signed-in browser (the app's own pages), sent as `Authorization: Bearer <token>`. Every
endpoint names the scope it needs (`reader`, `writer`, `admin`); each request is counted
against its caller's allowance (`limits`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from vigor_app.public_api import limits
from vigor_app.public_api.errors import ApiError
from vigor_app.services.accounts import api_tokens
from vigor_app.services.accounts import sessions as auth_sessions
from vigor_app.services.accounts.api_tokens import ADMIN, READ, WRITE, ApiCaller
from vigor_app.services.accounts.sessions import CurrentUser

_bearer = HTTPBearer(auto_error=False, description="A personal access token (Profile page), or a session token.")
UNAUTHORIZED = {"WWW-Authenticate": "Bearer"}


def client_address(request: Request) -> str:
    """The address a request came from, as the audit log and the limits keep it."""
    return (request.client.host if request.client else "")[:64]


def resolve(token: str) -> ApiCaller | None:
    """The caller behind a bearer token: a personal access token, or a browser's session."""
    if token.startswith(api_tokens.PREFIX):
        return api_tokens.resolve(token)
    user = auth_sessions.resolve(token)
    if user is None:
        return None
    scopes = {READ, WRITE} | ({ADMIN} if user.is_admin else set())
    return ApiCaller(user=user, scopes=frozenset(scopes), token_id=None)


def caller(request: Request,
           credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]) -> ApiCaller:
    if credentials is None or not credentials.credentials:
        limits.count_request("address:" + client_address(request))
        raise ApiError(401, "unauthorized", "Send a token: Authorization: Bearer <token>.", headers=UNAUTHORIZED)
    found = resolve(credentials.credentials)
    if found is None:
        limits.count_request("address:" + client_address(request))
        raise ApiError(401, "unauthorized", "This token is unknown, revoked or expired.", headers=UNAUTHORIZED)
    limits.count_request(key_of(found))
    return found


def key_of(found: ApiCaller) -> str:
    """The key its allowance is counted under: each token its own; a person's browsers share one."""
    return f"token:{found.token_id}" if found.token_id is not None else f"user:{found.user.id}"


def _with_scope(scope: str):
    def check(found: Annotated[ApiCaller, Depends(caller)]) -> CurrentUser:
        if scope not in found.scopes:
            raise ApiError(403, "forbidden", f"This token lacks the \"{scope}\" scope.",
                           details={"needed": scope, "has": sorted(found.scopes)})
        return found.user
    return check


def ai_allowance(found: Annotated[ApiCaller, Depends(caller)]) -> None:
    """The AI endpoints' tighter allowance (their calls also count against the AI quota)."""
    limits.count_ai_request(key_of(found))


Reader = Annotated[CurrentUser, Depends(_with_scope(READ))]
Writer = Annotated[CurrentUser, Depends(_with_scope(WRITE))]
Admin = Annotated[CurrentUser, Depends(_with_scope(ADMIN))]
AiAllowance = Depends(ai_allowance)
