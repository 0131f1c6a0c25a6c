"""My personal access tokens: list and revoke them (making one is done on the Profile page,
where the token is shown once)."""

from __future__ import annotations

from fastapi import APIRouter, Response

from vigor_app.public_api.callers import Reader, Writer
from vigor_app.public_api.params import Id
from vigor_app.services.accounts import api_tokens
from vigor_app.services.accounts.api_tokens import TokenView

router = APIRouter(tags=["me"])


@router.get("/me/tokens", response_model=list[TokenView], summary="My tokens that still work")
def list_tokens(user: Reader) -> list[TokenView]:
    return api_tokens.tokens(user.id)


@router.delete("/me/tokens/{token_id:int}", status_code=204, response_class=Response, summary="Revoke a token")
def revoke_token(token_id: Id, user: Writer) -> Response:
    api_tokens.revoke(user.id, token_id)
    return Response(status_code=204)
