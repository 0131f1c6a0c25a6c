"""The provider's published configuration and signing keys, read over HTTPS and cached.

Kept by hand rather than authlib's ``OpenIDProviderMetadata.validate``: that check demands
HTTPS for every address (so it refuses the plain-HTTP test provider on loopback that this
module allows) and a dozen fields real providers leave out, while the checks that matter
here are few: the document names exactly the configured issuer, and the three addresses the
sign-in uses are present and safe. The discovery address itself comes from authlib.
"""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import urlsplit

import httpx
from authlib.oidc.discovery import get_well_known_url
from joserfc.errors import JoseError
from joserfc.jwk import JWKRegistry, Key

from vigor_app.services.accounts.oidc_config import OidcClientConfig
from vigor_app.services.accounts.oidc_errors import refusal

# A child of the `oidc` logger, so one logging setting covers the whole sign-in.
logger = logging.getLogger("vigor_app.services.accounts.oidc.discovery")

#: How long a discovery document is trusted before it is fetched again.
METADATA_TTL_SECONDS = 300.0
#: How long the provider's signing keys are trusted; an unknown key id refetches sooner.
JWKS_TTL_SECONDS = 3600.0
_LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})

_metadata_cache: dict[str, tuple[float, dict[str, Any]]] = {}
_jwks_cache: dict[str, tuple[float, list[Key]]] = {}


def clear_caches() -> None:
    """Forget cached discovery documents and signing keys (tests, configuration changes)."""
    _metadata_cache.clear()
    _jwks_cache.clear()


@asynccontextmanager
async def http_client(
    config: OidcClientConfig, http: httpx.AsyncClient | None
) -> AsyncIterator[httpx.AsyncClient]:
    """``http`` if given, else a short-lived client that follows no redirects."""
    if http is not None:
        yield http
        return
    async with httpx.AsyncClient(timeout=config.timeout_seconds, follow_redirects=False) as client:
        yield client


def require_safe_url(config: OidcClientConfig, url: str) -> None:
    """HTTPS, or plain HTTP to this machine only (a provider in a test or on loopback)."""
    parts = urlsplit(url)
    if parts.scheme == "https" and parts.hostname:
        return
    if parts.scheme == "http" and parts.hostname in _LOOPBACK_HOSTS:
        return
    raise refusal(config, "insecure_url")


async def fetch_metadata(
    config: OidcClientConfig, *, http: httpx.AsyncClient | None = None
) -> dict[str, Any]:
    """The provider's discovery document, checked to belong to ``config.issuer``."""
    cached = _metadata_cache.get(config.issuer)
    if cached is not None and time.monotonic() - cached[0] < METADATA_TTL_SECONDS:
        return dict(cached[1])

    require_safe_url(config, config.issuer)
    url = get_well_known_url(config.issuer, external=True)
    async with http_client(config, http) as client:
        document = await _get_json(config, client, url, "the provider's configuration")

    if document.get("issuer") != config.issuer:
        logger.warning(
            "OIDC discovery for %s names issuer %r", config.issuer, document.get("issuer")
        )
        raise refusal(config, "issuer_mismatch")
    for field in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
        value = document.get(field)
        if not isinstance(value, str) or not value:
            raise refusal(config, "bad_metadata", f"the provider's configuration has no {field}")
        require_safe_url(config, value)

    _metadata_cache[config.issuer] = (time.monotonic(), document)
    return dict(document)


async def signing_keys(
    config: OidcClientConfig,
    metadata: dict[str, Any],
    client: httpx.AsyncClient,
    *,
    refresh: bool,
) -> tuple[list[Key], bool]:
    """The provider's public signing keys, and whether they were fetched just now.

    Each key is read on its own (not with joserfc's ``KeySet.import_key_set``, which fails
    the whole set on one malformed key and keeps symmetric ones), so one unreadable key
    does not stop sign-in with the others.
    """
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
        raise refusal(config, "no_keys")
    _jwks_cache[jwks_uri] = (time.monotonic(), keys)
    return keys, True


def transport_refusal(config: OidcClientConfig, exc: Exception, what: str) -> Exception:
    """The refusal for a request that got no answer (timeout, refused connection, bad URL)."""
    if isinstance(exc, httpx.TimeoutException):
        return refusal(config, "unreachable", "the provider did not answer in time")
    logger.warning("OIDC request for %s to %s failed: %s", what, config.issuer, type(exc).__name__)
    return refusal(config, "unreachable")


async def _get_json(
    config: OidcClientConfig, client: httpx.AsyncClient, url: str, what: str
) -> dict[str, Any]:
    try:
        response = await client.get(
            url, headers={"Accept": "application/json"}, timeout=config.timeout_seconds
        )
    except (httpx.HTTPError, httpx.InvalidURL) as exc:
        raise transport_refusal(config, exc, what) from exc
    if response.status_code != 200:
        logger.warning("OIDC GET %s answered HTTP %s", url, response.status_code)
        raise refusal(
            config, "bad_metadata", f"{what} could not be read (HTTP {response.status_code})"
        )
    return json_object(config, response, what)


def json_object(config: OidcClientConfig, response: httpx.Response, what: str) -> dict[str, Any]:
    """The response's body as a JSON object, or a ``bad_response`` refusal."""
    try:
        document = response.json()
    except ValueError:
        document = None
    if not isinstance(document, dict):
        raise refusal(config, "bad_response", f"{what} could not be read")
    return document
