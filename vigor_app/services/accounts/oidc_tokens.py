"""The token endpoint and the ID token: exchanging the sign-in code and checking the answer.

authlib builds the token request (``prepare_token_request``) and authenticates this client
(``ClientAuth``: ``client_secret_basic``, ``client_secret_post`` or, for a public client,
``none``); authlib's ``CodeIDToken`` checks the ID token's claims (issuer, audience, ``azp``,
expiry, issue time, ``nbf``, nonce, ``at_hash``) and joserfc its signature. Kept by hand:

- sending the request and reading the answer, over the caller's ``httpx`` client (authlib's
  own HTTP clients are built on httpx2) and so that the OAuth error code of a failed answer
  is kept even with HTTP 5xx (authlib raises a bare HTTP error for those);
- choosing the key: only asymmetric algorithms the discovery document advertises, keys of
  the matching type, and one refetch of the keys for an unknown ``kid`` (key rotation) that
  never lets a token choose a symmetric key or "none".
"""

from __future__ import annotations

import logging
import math
from typing import Any
from urllib.parse import quote_plus

import httpx
from authlib.oauth2 import ClientAuth
from authlib.oauth2.client import DEFAULT_HEADERS
from authlib.oauth2.rfc6749.parameters import prepare_token_request
from authlib.oidc.core import CodeIDToken
from joserfc import jws, jwt
from joserfc.errors import ClaimError, ExpiredTokenError, JoseError
from joserfc.jwk import Key

from vigor_app.services.accounts.oidc_config import OidcClientConfig
from vigor_app.services.accounts.oidc_discovery import json_object, signing_keys, transport_refusal
from vigor_app.services.accounts.oidc_errors import describe_error_code, printable, refusal

# A child of the `oidc` logger, so one logging setting covers the whole sign-in.
logger = logging.getLogger("vigor_app.services.accounts.oidc.tokens")

#: Allowed clock difference between us and the provider, in seconds.
CLOCK_LEEWAY_SECONDS = 60
#: Signature algorithms accepted for ID tokens: asymmetric only, so never "none" and never
#: HS256 (which would let anyone holding the provider's *public* key forge a token).
ACCEPTED_SIGNING_ALGORITHMS = (
    "RS256",
    "RS384",
    "RS512",
    "PS256",
    "PS384",
    "PS512",
    "ES256",
    "ES384",
    "ES512",
    "EdDSA",
    "Ed25519",
)
_KEY_TYPE_FOR_ALGORITHM = {
    **dict.fromkeys(("RS256", "RS384", "RS512", "PS256", "PS384", "PS512"), "RSA"),
    **dict.fromkeys(("ES256", "ES384", "ES512"), "EC"),
    **dict.fromkeys(("EdDSA", "Ed25519"), "OKP"),
}
# Google documents that its ID tokens may carry the issuer without the scheme.
_ISSUER_ALIASES = {"https://accounts.google.com": frozenset({"accounts.google.com"})}
# Claims are checked in this order, whatever order the token lists them in, so a token with
# several faults is always refused for the same one.
_CLAIM_ORDER = ("iss", "aud", "azp", "exp", "iat", "nbf", "nonce", "sub", "at_hash")
_REASON_FOR_CLAIM = {
    "iss": "wrong_issuer",
    "aud": "wrong_audience",
    "azp": "wrong_audience",
    "nonce": "nonce_mismatch",
}
_WORDS_FOR_CLAIM = {
    "sub": "the token does not say who signed in",
    "at_hash": "the tokens from the provider do not belong together",
}


def token_endpoint_auth_method(config: OidcClientConfig, metadata: dict[str, Any]) -> str:
    """How this client proves itself at the token endpoint, as discovery allows."""
    if not config.client_secret:
        return "none"
    supported = metadata.get("token_endpoint_auth_methods_supported") or ["client_secret_basic"]
    for method in ("client_secret_basic", "client_secret_post"):
        if method in supported:
            return method
    raise refusal(config, "unsupported_client_auth")


def _client_auth(config: OidcClientConfig, method: str) -> ClientAuth:
    if method == "client_secret_basic":
        # RFC 6749 section 2.3.1: both parts are form-encoded before Base64, which authlib
        # leaves to the caller (a secret with ":" or "+" would otherwise be misread).
        secret = quote_plus(config.client_secret or "")
        return ClientAuth(quote_plus(config.client_id), secret, method)
    return ClientAuth(config.client_id, config.client_secret, method)


async def exchange_code(
    config: OidcClientConfig,
    metadata: dict[str, Any],
    client: httpx.AsyncClient,
    code: str,
    code_verifier: str,
) -> dict[str, Any]:
    """The token endpoint's answer for ``code``: a JSON object with an ``id_token``."""
    body = prepare_token_request(
        "authorization_code",
        code=code,
        redirect_uri=config.redirect_uri,
        code_verifier=code_verifier,
    )
    auth = _client_auth(config, token_endpoint_auth_method(config, metadata))
    headers = dict(DEFAULT_HEADERS)
    url, headers, body = auth.prepare("POST", metadata["token_endpoint"], headers, body)
    try:
        response = await client.post(
            url, content=body, headers=headers, timeout=config.timeout_seconds
        )
    except (httpx.HTTPError, httpx.InvalidURL) as exc:
        raise transport_refusal(config, exc, "tokens") from exc

    if response.status_code != 200:
        raise _token_refusal(config, response)
    tokens = json_object(config, response, "the provider's answer")
    if not isinstance(tokens.get("id_token"), str) or not tokens["id_token"]:
        raise refusal(config, "no_id_token")
    return tokens


def _token_refusal(config: OidcClientConfig, response: httpx.Response) -> Exception:
    try:
        body = response.json()
    except ValueError:
        body = None
    error_code = body.get("error") if isinstance(body, dict) else None
    if isinstance(error_code, str) and error_code:
        description = body.get("error_description")
        logger.warning(
            "OIDC token endpoint of %s refused the code: HTTP %s %s (%s)",
            config.issuer,
            response.status_code,
            printable(error_code),
            printable(description) if isinstance(description, str) else "",
        )
        return refusal(
            config,
            "token_refused",
            describe_error_code(error_code),
            provider_error=printable(error_code),
        )
    status = response.status_code
    logger.warning("OIDC token endpoint of %s answered HTTP %s", config.issuer, status)
    return refusal(config, "token_refused", f"the provider's token service failed (HTTP {status})")


def _candidate_keys(keys: list[Key], kid: object, algorithm: str) -> list[Key]:
    key_type = _KEY_TYPE_FOR_ALGORITHM[algorithm]
    return [key for key in keys if key.key_type == key_type and (kid is None or key.kid == kid)]


def _accepted_algorithms(metadata: dict[str, Any]) -> set[str]:
    advertised = metadata.get("id_token_signing_alg_values_supported")
    if not isinstance(advertised, list):
        return {"RS256"}  # the default of OpenID Connect Discovery
    return set(ACCEPTED_SIGNING_ALGORITHMS).intersection(advertised)


async def verify_id_token(
    config: OidcClientConfig,
    metadata: dict[str, Any],
    client: httpx.AsyncClient,
    tokens: dict[str, Any],
    nonce: str,
) -> dict[str, Any]:
    """The ID token's claims, once its signature and claims have been checked."""
    id_token: str = tokens["id_token"]
    not_signed = "the token was not signed by the provider"
    try:
        header = jws.extract_compact(id_token.encode("ascii")).headers()
    except (JoseError, ValueError, UnicodeError, KeyError, TypeError) as exc:
        raise refusal(config, "bad_token", "the provider sent an unreadable token") from exc

    algorithm = header.get("alg")
    if algorithm not in _accepted_algorithms(metadata):
        logger.warning("OIDC ID token from %s uses refused alg %r", config.issuer, algorithm)
        raise refusal(config, "bad_signature", not_signed)

    kid = header.get("kid")
    keys, fresh = await signing_keys(config, metadata, client, refresh=False)
    candidates = _candidate_keys(keys, kid, algorithm)
    if not candidates and not fresh:
        # An unknown key id: the provider may have rotated its keys since we cached them.
        keys, fresh = await signing_keys(config, metadata, client, refresh=True)
        candidates = _candidate_keys(keys, kid, algorithm)

    claims: dict[str, Any] | None = None
    for key in candidates:
        try:
            claims = jwt.decode(id_token, key, algorithms=[algorithm]).claims
            break
        except JoseError:
            continue
    if claims is None:
        logger.warning("OIDC ID token from %s failed signature verification", config.issuer)
        raise refusal(config, "bad_signature", not_signed)

    _check_claims(config, claims, nonce, algorithm, tokens.get("access_token"))
    return claims


def _check_claims(
    config: OidcClientConfig,
    claims: dict[str, Any],
    nonce: str,
    algorithm: str,
    access_token: object,
) -> None:
    if not nonce:
        raise refusal(config, "nonce_mismatch")  # authlib skips the check for an empty nonce
    issuers = [config.issuer, *_ISSUER_ALIASES.get(config.issuer, ())]
    options = {
        "iss": {"essential": True, "values": issuers},
        "aud": {"essential": True, "value": config.client_id},
        "azp": {"validate": lambda _claims, value: value == config.client_id},
        "sub": {"essential": True},
    }
    params = {
        "client_id": config.client_id,
        "nonce": nonce,
        "access_token": access_token if isinstance(access_token, str) else None,
    }
    ordered = {name: claims[name] for name in _CLAIM_ORDER if name in claims} | claims
    # authlib picks the at_hash digest as "sha" + alg[2:], which finds none for "Ed25519";
    # that algorithm hashes with SHA-512, like "EdDSA".
    header = {"alg": "EdDSA" if algorithm == "Ed25519" else algorithm}
    try:
        CodeIDToken(ordered, header, options, params).validate(leeway=CLOCK_LEEWAY_SECONDS)
    except ExpiredTokenError as exc:
        raise refusal(config, "expired") from exc
    except ClaimError as exc:
        raise _claim_refusal(config, claims, exc.claim.split(",")[0]) from exc
    except (TypeError, ValueError) as exc:  # e.g. an at_hash that is not a string
        raise refusal(config, "bad_token") from exc


def _claim_refusal(config: OidcClientConfig, claims: dict[str, Any], claim: str) -> Exception:
    if claim in _REASON_FOR_CLAIM:
        return refusal(config, _REASON_FOR_CLAIM[claim])
    if claim in ("iat", "nbf") and _is_number(claims.get(claim)):
        return refusal(config, "not_yet_valid")
    if claim in ("exp", "iat", "nbf"):
        return refusal(config, "bad_token", "the token is incomplete")
    return refusal(config, "bad_token", _WORDS_FOR_CLAIM.get(claim))


def _is_number(value: object) -> bool:
    """A JSON number that can be a time: finite, and not true or false."""
    if isinstance(value, bool):
        return False
    return isinstance(value, int) or (isinstance(value, float) and math.isfinite(value))
