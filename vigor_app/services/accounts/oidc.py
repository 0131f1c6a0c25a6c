"""Sign-in with an OpenID Connect provider (Google, Microsoft Entra ID, Keycloak, ...).

The authorization code flow with PKCE, as plain Python over httpx and joserfc (the JOSE
library behind authlib; ``authlib.jose`` itself is deprecated in its favour):

1. ``begin_login`` reads the provider's discovery document and returns a ``PendingLogin``:
   a fresh ``state``, ``nonce`` and PKCE ``code_verifier`` plus the URL to send the browser
   to. The caller keeps the ``PendingLogin`` on the server until the browser comes back.
2. ``complete_login`` takes what the provider sent back to the redirect URI, checks it
   against the ``PendingLogin``, exchanges the code at the token endpoint and verifies the
   ID token (signature against the provider's published keys, issuer, audience, expiry,
   nonce). It returns a ``VerifiedIdentity`` or raises ``OidcError``.

Nothing here logs or puts into an error message a token, a code or a secret.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import math
import re
import secrets
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, quote_plus, urlencode, urlsplit, urlunsplit

import httpx
from joserfc import jws, jwt
from joserfc.errors import JoseError
from joserfc.jwk import JWKRegistry, Key

logger = logging.getLogger(__name__)

#: How long a discovery document is trusted before it is fetched again.
METADATA_TTL_SECONDS = 300.0
#: How long the provider's signing keys are trusted; an unknown key id refetches sooner.
JWKS_TTL_SECONDS = 3600.0
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
_HASH_FOR_ALGORITHM = {
    "256": hashlib.sha256,
    "384": hashlib.sha384,
    "512": hashlib.sha512,
}
# Google documents that its ID tokens may carry the issuer without the scheme.
_ISSUER_ALIASES = {"https://accounts.google.com": frozenset({"accounts.google.com"})}
_KNOWN_PROVIDER_NAMES = {
    "accounts.google.com": "Google",
    "login.microsoftonline.com": "Microsoft",
}
_LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})

# OAuth 2.0 / OpenID Connect error codes, in words a person can act on.
_ERROR_WORDS = {
    "access_denied": "access was denied or the sign-in was cancelled",
    "login_required": "you need to sign in at the provider first",
    "consent_required": "the provider needs your consent first",
    "interaction_required": "the provider needs you to complete a step first",
    "account_selection_required": "the provider needs you to choose an account",
    "invalid_request": "the provider rejected the request as malformed",
    "invalid_client": "the provider did not accept this application's credentials",
    "invalid_grant": "the provider refused the sign-in code (it may have expired or been used already)",
    "unauthorized_client": "this application is not allowed to sign in with the provider",
    "unsupported_grant_type": "the provider does not support this kind of sign-in",
    "unsupported_response_type": "the provider does not support this kind of sign-in",
    "invalid_scope": "the provider rejected the requested permissions",
    "server_error": "the provider had an internal error",
    "temporarily_unavailable": "the provider is temporarily unavailable",
}


# Why a sign-in was refused, by `OidcError.reason`: the general words (a refusal may say more).
REASON_WORDS = {
    "issuer_mismatch": "the provider's configuration names a different issuer",
    "bad_metadata": "the provider's configuration could not be read",
    "bad_config": "the sign-in is misconfigured (no openid scope)",
    "insecure_url": "the provider's address must use HTTPS",
    "unreachable": "the provider could not be reached",
    "bad_response": "the provider's answer could not be read",
    "unsupported_client_auth": "the provider does not accept a client secret in a way this application supports",
    "provider_error": "the provider reported an error",
    "token_refused": "the provider refused the sign-in code",
    "missing_code": "the provider did not send a sign-in code",
    "state_mismatch": "the sign-in response did not match the request",
    "no_id_token": "the provider did not send an identity token",
    "no_keys": "the provider published no signing keys",
    "bad_token": "the provider sent a token that cannot be used",
    "bad_signature": "the token was not signed by the provider",
    "wrong_issuer": "the token was issued by a different provider",
    "wrong_audience": "the token is for another application",
    "expired": "the token has expired",
    "not_yet_valid": "the token is not valid yet (is this computer's clock right?)",
    "nonce_mismatch": "the token does not belong to this sign-in",
}


class OidcError(Exception):
    """Sign-in failed. ``message`` is fit to show a person and never holds a secret or token.

    ``reason`` is a short machine-readable word (``"expired"``, ``"wrong_audience"``, ...) and
    ``provider_error`` the OAuth error code the provider sent, if it sent one.
    """

    def __init__(
        self, message: str, *, reason: str = "failed", provider_error: str | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.reason = reason
        self.provider_error = provider_error


@dataclass(frozen=True)
class OidcClientConfig:
    """This application as a client registered at one OpenID Connect provider."""

    issuer: str
    client_id: str
    client_secret: str | None  # confidential client if set, else a public client (PKCE only)
    redirect_uri: str
    scopes: str = "openid email profile"
    timeout_seconds: float = 10.0
    display_name: str | None = None  # "Google"; guessed from the issuer when not set

    def __repr__(self) -> str:  # keep the secret out of logs and tracebacks
        secret = "set" if self.client_secret else "none"
        return (
            f"OidcClientConfig(issuer={self.issuer!r}, client_id={self.client_id!r}, "
            f"client_secret=<{secret}>, redirect_uri={self.redirect_uri!r}, scopes={self.scopes!r})"
        )


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


def provider_name(config: OidcClientConfig) -> str:
    """The provider's name as a person knows it, for buttons and messages."""
    if config.display_name:
        return config.display_name
    parts = urlsplit(config.issuer)
    host = parts.hostname or config.issuer
    return _KNOWN_PROVIDER_NAMES.get(host, parts.netloc or host)


def clear_caches() -> None:
    """Forget cached discovery documents and signing keys (tests, configuration changes)."""
    _metadata_cache.clear()
    _jwks_cache.clear()


async def fetch_metadata(
    config: OidcClientConfig, *, http: httpx.AsyncClient | None = None
) -> dict[str, Any]:
    """The provider's discovery document, checked to belong to ``config.issuer``."""
    cached = _metadata_cache.get(config.issuer)
    if cached is not None and time.monotonic() - cached[0] < METADATA_TTL_SECONDS:
        return dict(cached[1])

    _require_safe_url(config, config.issuer)
    url = config.issuer.rstrip("/") + "/.well-known/openid-configuration"
    async with _http_client(config, http) as client:
        document = await _get_json(config, client, url, "the provider's configuration")

    if document.get("issuer") != config.issuer:
        logger.warning(
            "OIDC discovery for %s names issuer %r", config.issuer, document.get("issuer")
        )
        raise _error(config, "issuer_mismatch")
    for field in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
        value = document.get(field)
        if not isinstance(value, str) or not value:
            raise _error(config, "bad_metadata", f"the provider's configuration has no {field}")
        _require_safe_url(config, value)

    _metadata_cache[config.issuer] = (time.monotonic(), document)
    return dict(document)


async def begin_login(
    config: OidcClientConfig, *, http: httpx.AsyncClient | None = None
) -> PendingLogin:
    """Start a sign-in: fresh state, nonce and PKCE verifier, and the URL to redirect to."""
    if "openid" not in config.scopes.split():
        raise _error(config, "bad_config")
    metadata = await fetch_metadata(config, http=http)
    state = secrets.token_urlsafe(32)
    nonce = secrets.token_urlsafe(32)
    code_verifier = secrets.token_urlsafe(64)  # 86 characters, within PKCE's 43..128
    params = {
        "response_type": "code",
        "client_id": config.client_id,
        "redirect_uri": config.redirect_uri,
        "scope": config.scopes,
        "state": state,
        "nonce": nonce,
        "code_challenge": _s256(code_verifier),
        "code_challenge_method": "S256",
    }
    url = _with_query(metadata["authorization_endpoint"], params)
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
        logger.info("OIDC provider %s reported error %r", config.issuer, _printable(error))
        raise _error(
            config,
            "provider_error",
            _describe_error_code(error),
            provider_error=_printable(error),
        )
    if not code:
        raise _error(config, "missing_code")
    if not state or not hmac.compare_digest(state.encode(), pending.state.encode()):
        logger.warning("OIDC callback state mismatch for %s", config.issuer)
        raise _error(config, "state_mismatch")

    async with _http_client(config, http) as client:
        metadata = await fetch_metadata(config, http=client)
        tokens = await _exchange_code(config, metadata, client, code, pending.code_verifier)
        claims = await _verify_id_token(config, metadata, client, tokens, pending.nonce)

    identity = _identity_from_claims(config, claims)
    logger.info("OIDC sign-in verified for issuer %s", identity.issuer)
    return identity


# --- discovery and HTTP -------------------------------------------------------------------

_metadata_cache: dict[str, tuple[float, dict[str, Any]]] = {}
_jwks_cache: dict[str, tuple[float, list[Key]]] = {}


@asynccontextmanager
async def _http_client(
    config: OidcClientConfig, http: httpx.AsyncClient | None
) -> AsyncIterator[httpx.AsyncClient]:
    if http is not None:
        yield http
        return
    async with httpx.AsyncClient(timeout=config.timeout_seconds, follow_redirects=False) as client:
        yield client


def _require_safe_url(config: OidcClientConfig, url: str) -> None:
    """HTTPS, or plain HTTP to this machine only (a provider in a test or on loopback)."""
    parts = urlsplit(url)
    if parts.scheme == "https" and parts.hostname:
        return
    if parts.scheme == "http" and parts.hostname in _LOOPBACK_HOSTS:
        return
    raise _error(config, "insecure_url")


async def _get_json(
    config: OidcClientConfig, client: httpx.AsyncClient, url: str, what: str
) -> dict[str, Any]:
    try:
        response = await client.get(
            url, headers={"Accept": "application/json"}, timeout=config.timeout_seconds
        )
    except httpx.TimeoutException as exc:
        raise _error(config, "unreachable", "the provider did not answer in time") from exc
    except (httpx.HTTPError, httpx.InvalidURL) as exc:
        logger.warning("OIDC request to %s failed: %s", url, type(exc).__name__)
        raise _error(config, "unreachable") from exc
    if response.status_code != 200:
        logger.warning("OIDC GET %s answered HTTP %s", url, response.status_code)
        raise _error(
            config, "bad_metadata", f"{what} could not be read (HTTP {response.status_code})"
        )
    return _json_object(config, response, what)


def _json_object(config: OidcClientConfig, response: httpx.Response, what: str) -> dict[str, Any]:
    try:
        document = response.json()
    except ValueError:
        document = None
    if not isinstance(document, dict):
        raise _error(config, "bad_response", f"{what} could not be read")
    return document


def _with_query(url: str, params: dict[str, str]) -> str:
    parts = urlsplit(url)
    kept = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in params]
    query = urlencode([*kept, *params.items()])
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))


def _s256(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


# --- the token endpoint -------------------------------------------------------------------


def _token_endpoint_auth_method(config: OidcClientConfig, metadata: dict[str, Any]) -> str:
    supported = metadata.get("token_endpoint_auth_methods_supported") or ["client_secret_basic"]
    for method in ("client_secret_basic", "client_secret_post"):
        if method in supported:
            return method
    raise _error(config, "unsupported_client_auth")


async def _exchange_code(
    config: OidcClientConfig,
    metadata: dict[str, Any],
    client: httpx.AsyncClient,
    code: str,
    code_verifier: str,
) -> dict[str, Any]:
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": config.redirect_uri,
        "code_verifier": code_verifier,
    }
    headers = {"Accept": "application/json"}
    if config.client_secret:
        if _token_endpoint_auth_method(config, metadata) == "client_secret_basic":
            # RFC 6749 section 2.3.1: form-encode both parts before Base64.
            pair = f"{quote_plus(config.client_id)}:{quote_plus(config.client_secret)}"
            headers["Authorization"] = "Basic " + base64.b64encode(pair.encode()).decode()
        else:
            form["client_id"] = config.client_id
            form["client_secret"] = config.client_secret
    else:
        form["client_id"] = config.client_id

    try:
        response = await client.post(
            metadata["token_endpoint"],
            data=form,
            headers=headers,
            timeout=config.timeout_seconds,
        )
    except httpx.TimeoutException as exc:
        raise _error(config, "unreachable", "the provider did not answer in time") from exc
    except (httpx.HTTPError, httpx.InvalidURL) as exc:
        logger.warning("OIDC token request to %s failed: %s", config.issuer, type(exc).__name__)
        raise _error(config, "unreachable") from exc

    if response.status_code != 200:
        try:
            body = response.json()
        except ValueError:
            body = None
        error_code = body.get("error") if isinstance(body, dict) else None
        if isinstance(error_code, str) and error_code:
            description = body.get("error_description") if isinstance(body, dict) else None
            logger.warning(
                "OIDC token endpoint of %s refused the code: HTTP %s %s (%s)",
                config.issuer,
                response.status_code,
                _printable(error_code),
                _printable(description) if isinstance(description, str) else "",
            )
            raise _error(
                config,
                "token_refused",
                _describe_error_code(error_code),
                provider_error=_printable(error_code),
            )
        logger.warning(
            "OIDC token endpoint of %s answered HTTP %s", config.issuer, response.status_code
        )
        raise _error(
            config,
            "token_refused",
            f"the provider's token service failed (HTTP {response.status_code})",
        )

    tokens = _json_object(config, response, "the provider's answer")
    if not isinstance(tokens.get("id_token"), str) or not tokens["id_token"]:
        raise _error(config, "no_id_token")
    return tokens


# --- the ID token -------------------------------------------------------------------------


async def _signing_keys(
    config: OidcClientConfig,
    metadata: dict[str, Any],
    client: httpx.AsyncClient,
    *,
    refresh: bool,
) -> tuple[list[Key], bool]:
    """The provider's public signing keys, and whether they were fetched just now."""
    jwks_uri = metadata["jwks_uri"]
    cached = _jwks_cache.get(jwks_uri)
    if not refresh and cached is not None and time.monotonic() - cached[0] < JWKS_TTL_SECONDS:
        return cached[1], False

    document = await _get_json(config, client, jwks_uri, "the provider's signing keys")
    entries = document.get("keys")
    keys: list[Key] = []
    for entry in entries if isinstance(entries, list) else []:
        if not isinstance(entry, dict) or entry.get("kty") not in ("RSA", "EC", "OKP"):
            continue  # symmetric ("oct") and unknown key types can never verify an ID token
        if entry.get("use", "sig") != "sig":
            continue
        try:
            keys.append(JWKRegistry.import_key(entry))
        except (JoseError, ValueError, TypeError, KeyError):
            logger.warning("OIDC provider %s published an unreadable key", config.issuer)
    if not keys:
        raise _error(config, "no_keys")
    _jwks_cache[jwks_uri] = (time.monotonic(), keys)
    return keys, True


def _candidate_keys(keys: list[Key], kid: object, algorithm: str) -> list[Key]:
    key_type = _KEY_TYPE_FOR_ALGORITHM[algorithm]
    return [key for key in keys if key.key_type == key_type and (kid is None or key.kid == kid)]


def _accepted_algorithms(metadata: dict[str, Any]) -> set[str]:
    advertised = metadata.get("id_token_signing_alg_values_supported")
    if not isinstance(advertised, list):
        return {"RS256"}  # the default of OpenID Connect Discovery
    return set(ACCEPTED_SIGNING_ALGORITHMS).intersection(advertised)


async def _verify_id_token(
    config: OidcClientConfig,
    metadata: dict[str, Any],
    client: httpx.AsyncClient,
    tokens: dict[str, Any],
    nonce: str,
) -> dict[str, Any]:
    id_token: str = tokens["id_token"]
    not_signed = "the token was not signed by the provider"
    try:
        header = jws.extract_compact(id_token.encode("ascii")).headers()
    except (JoseError, ValueError, UnicodeError, KeyError, TypeError) as exc:
        raise _error(config, "bad_token", "the provider sent an unreadable token") from exc

    algorithm = header.get("alg")
    if algorithm not in _accepted_algorithms(metadata):
        logger.warning("OIDC ID token from %s uses refused alg %r", config.issuer, algorithm)
        raise _error(config, "bad_signature", not_signed)

    kid = header.get("kid")
    keys, fresh = await _signing_keys(config, metadata, client, refresh=False)
    candidates = _candidate_keys(keys, kid, algorithm)
    if not candidates and not fresh:
        # An unknown key id: the provider may have rotated its keys since we cached them.
        keys, fresh = await _signing_keys(config, metadata, client, refresh=True)
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
        raise _error(config, "bad_signature", not_signed)

    _check_claims(config, claims, nonce, algorithm, tokens.get("access_token"))
    return claims


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _check_claims(
    config: OidcClientConfig,
    claims: dict[str, Any],
    nonce: str,
    algorithm: str,
    access_token: object,
) -> None:
    issuer = claims.get("iss")
    accepted_issuers = {config.issuer, *_ISSUER_ALIASES.get(config.issuer, ())}
    if not isinstance(issuer, str) or issuer not in accepted_issuers:
        raise _error(config, "wrong_issuer")

    audience = claims.get("aud")
    audiences = [audience] if isinstance(audience, str) else audience
    if not isinstance(audiences, list) or not all(isinstance(a, str) for a in audiences):
        raise _error(config, "wrong_audience")
    authorized_party = claims.get("azp")
    if (
        config.client_id not in audiences
        or (len(audiences) > 1 and authorized_party != config.client_id)
        or (authorized_party is not None and authorized_party != config.client_id)
    ):
        raise _error(config, "wrong_audience")

    now = time.time()
    expires = claims.get("exp")
    issued = claims.get("iat")
    if not _is_number(expires) or not _is_number(issued):
        raise _error(config, "bad_token", "the token is incomplete")
    if expires + CLOCK_LEEWAY_SECONDS <= now:
        raise _error(config, "expired")
    not_before = claims.get("nbf")
    if issued - CLOCK_LEEWAY_SECONDS > now or (
        _is_number(not_before) and not_before - CLOCK_LEEWAY_SECONDS > now
    ):
        raise _error(config, "not_yet_valid")

    token_nonce = claims.get("nonce")
    if not isinstance(token_nonce, str) or not hmac.compare_digest(
        token_nonce.encode(), nonce.encode()
    ):
        raise _error(config, "nonce_mismatch")

    subject = claims.get("sub")
    if not isinstance(subject, str) or not subject:
        raise _error(config, "bad_token", "the token does not say who signed in")

    at_hash = claims.get("at_hash")
    if isinstance(at_hash, str) and isinstance(access_token, str):
        digest = _HASH_FOR_ALGORITHM.get(algorithm[-3:], hashlib.sha512)(
            access_token.encode()
        ).digest()
        expected = base64.urlsafe_b64encode(digest[: len(digest) // 2]).rstrip(b"=").decode()
        if not hmac.compare_digest(expected.encode(), at_hash.encode()):
            raise _error(config, "bad_token", "the tokens from the provider do not belong together")


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


# --- errors -------------------------------------------------------------------------------


def _printable(value: str) -> str:
    """A provider-supplied error code made safe to log or show: short, plain characters."""
    return re.sub(r"[^A-Za-z0-9_.\- ]", "", value)[:80]


def error_code_words(code: str) -> str | None:
    """What a standard OAuth 2.0 / OpenID Connect error code means, in words; None for others."""
    return _ERROR_WORDS.get(code)


def _describe_error_code(code: str) -> str:
    words = _ERROR_WORDS.get(code)
    if words is not None:
        return words
    printable = _printable(code)
    return (
        f"the provider reported the error “{printable}”"
        if printable
        else "the provider reported an error"
    )


def _error(
    config: OidcClientConfig, reason: str, words: str | None = None, *, provider_error: str | None = None
) -> OidcError:
    words = words or REASON_WORDS[reason]
    logger.info("OIDC sign-in with %s refused: %s", config.issuer, reason)
    message = f"Sign-in with {provider_name(config)} failed: {words}."
    return OidcError(message, reason=reason, provider_error=provider_error)
