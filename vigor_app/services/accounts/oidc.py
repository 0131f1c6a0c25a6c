"""Sign-in with an OpenID Connect provider (Google, Microsoft Entra ID, Keycloak, ...).

The authorization code flow with PKCE:

1. ``begin_login`` reads the provider's discovery document and returns a ``PendingLogin``:
   a fresh ``state``, ``nonce`` and PKCE ``code_verifier`` plus the URL to send the browser
   to. The caller keeps the ``PendingLogin`` on the server until the browser comes back.
2. ``complete_login`` takes what the provider sent back to the redirect URI, checks it
   against the ``PendingLogin``, exchanges the code at the token endpoint and verifies the
   ID token (signature against the provider's published keys, issuer, audience, expiry,
   nonce). It returns a ``VerifiedIdentity`` or raises ``OidcError``.

The protocol comes from authlib: the authorization URL with its S256 code challenge
(``OAuth2Client.create_authorization_url``), the token request and client authentication
(``oidc_tokens``), the ID token's claims (``CodeIDToken``); signatures and keys are joserfc's
(the JOSE library authlib itself uses; ``authlib.jose`` is deprecated in its favour).

Hand-written, because authlib does not do it the way the tests pin: the discovery checks
(``oidc_discovery``: authlib's metadata validation refuses the plain-HTTP loopback test
provider and requires fields real providers leave out); the HTTP exchanges, over the
caller's ``httpx`` client (authlib's HTTP clients are built on httpx2, and drop the OAuth
error code of a 5xx answer); the key choice with one refetch for an unknown ``kid`` (authlib
has it only inside those clients); the form-encoding of ``client_secret_basic`` credentials;
the callback's ``state`` check (before any network call, in constant time); and the error
codes and their words (``oidc_errors``).
The client's settings are ``OidcClientConfig`` in ``oidc_config``.

Nothing here logs or puts into an error message a token, a code or a secret.
"""

from __future__ import annotations

import hmac
import logging
import secrets
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import httpx
from authlib.oauth2 import OAuth2Client

from vigor_app.services.accounts.oidc_config import OidcClientConfig, provider_name
from vigor_app.services.accounts.oidc_discovery import clear_caches, fetch_metadata, http_client
from vigor_app.services.accounts.oidc_errors import (
    REASON_WORDS,
    OidcError,
    describe_error_code,
    error_code_words,
    printable,
    refusal,
)
from vigor_app.services.accounts.oidc_tokens import exchange_code, verify_id_token

__all__ = [
    "REASON_WORDS",
    "OidcClientConfig",
    "OidcError",
    "PendingLogin",
    "VerifiedIdentity",
    "begin_login",
    "clear_caches",
    "complete_login",
    "error_code_words",
    "fetch_metadata",
    "provider_name",
]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PendingLogin:
    """What the caller must keep on the server (never in the browser) until the callback."""

    state: str
    nonce: str
    code_verifier: str
    authorization_url: str

    def __repr__(self) -> str:
        return "PendingLogin(<hidden>)"


@dataclass(frozen=True)
class VerifiedIdentity:
    """Who the provider says signed in; ``(issuer, subject)`` is the stable identity."""

    issuer: str
    subject: str
    email: str | None
    email_verified: bool
    name: str | None


async def begin_login(
    config: OidcClientConfig, *, http: httpx.AsyncClient | None = None
) -> PendingLogin:
    """Start a sign-in: fresh state, nonce and PKCE verifier, and the URL to redirect to."""
    if "openid" not in config.scopes.split():
        raise refusal(config, "bad_config")
    metadata = await fetch_metadata(config, http=http)
    state = secrets.token_urlsafe(32)
    nonce = secrets.token_urlsafe(32)
    code_verifier = secrets.token_urlsafe(64)  # 86 characters, within PKCE's 43..128
    client = OAuth2Client(
        None,
        client_id=config.client_id,
        redirect_uri=config.redirect_uri,
        scope=config.scopes,
        code_challenge_method="S256",
    )
    url, _ = client.create_authorization_url(
        _without_our_parameters(metadata["authorization_endpoint"]),
        state=state,
        code_verifier=code_verifier,
        nonce=nonce,
    )
    return PendingLogin(
        state=state, nonce=nonce, code_verifier=code_verifier, authorization_url=url
    )


async def complete_login(
    config: OidcClientConfig,
    pending: PendingLogin,
    *,
    code: str | None,
    state: str | None,
    error: str | None = None,
    http: httpx.AsyncClient | None = None,
) -> VerifiedIdentity:
    """Finish a sign-in from the parameters the provider sent to the redirect URI."""
    if error:
        logger.info("OIDC provider %s reported error %r", config.issuer, printable(error))
        raise refusal(
            config, "provider_error", describe_error_code(error), provider_error=printable(error)
        )
    if not code:
        raise refusal(config, "missing_code")
    if not state or not hmac.compare_digest(state.encode(), pending.state.encode()):
        logger.warning("OIDC callback state mismatch for %s", config.issuer)
        raise refusal(config, "state_mismatch")

    async with http_client(config, http) as client:
        metadata = await fetch_metadata(config, http=client)
        tokens = await exchange_code(config, metadata, client, code, pending.code_verifier)
        claims = await verify_id_token(config, metadata, client, tokens, pending.nonce)

    identity = _identity_from_claims(config, claims)
    logger.info("OIDC sign-in verified for issuer %s", identity.issuer)
    return identity


_OUR_PARAMETERS = frozenset(
    {"response_type", "client_id", "redirect_uri", "scope", "state", "nonce"}
    | {"code_challenge", "code_challenge_method"}
)


def _without_our_parameters(url: str) -> str:
    """The authorization endpoint without any query parameter the request sets itself.

    authlib appends its parameters to the endpoint's query; one the endpoint already has
    would then be sent twice, and a provider may read either.
    """
    parts = urlsplit(url)
    kept = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if k not in _OUR_PARAMETERS
    ]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(kept), parts.fragment))


def _identity_from_claims(config: OidcClientConfig, claims: dict[str, Any]) -> VerifiedIdentity:
    email = claims.get("email")
    email = email.strip() if isinstance(email, str) and email.strip() else None
    verified = claims.get("email_verified")
    # Some providers send the string "true" instead of a JSON boolean.
    email_verified = email is not None and (
        verified is True or (isinstance(verified, str) and verified.lower() == "true")
    )
    name = claims.get("name")
    if not isinstance(name, str) or not name.strip():
        parts = [claims.get("given_name"), claims.get("family_name")]
        name = " ".join(p.strip() for p in parts if isinstance(p, str) and p.strip())
    return VerifiedIdentity(
        issuer=config.issuer,
        subject=claims["sub"],
        email=email,
        email_verified=email_verified,
        name=name.strip() or None,
    )
