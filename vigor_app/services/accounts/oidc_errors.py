"""Why an OpenID Connect sign-in was refused: ``OidcError``, its reasons and their words.

Every refusal goes through ``refusal``, which words the message for a person (never with a
token, a code or a secret in it) and logs only the reason.
"""

from __future__ import annotations

import logging
import re

from vigor_app.services.accounts.oidc_config import OidcClientConfig, provider_name

# A child of the `oidc` logger, so one logging setting covers the whole sign-in.
logger = logging.getLogger("vigor_app.services.accounts.oidc.errors")

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


def printable(value: str) -> str:
    """A provider-supplied error code made safe to log or show: short, plain characters."""
    return re.sub(r"[^A-Za-z0-9_.\- ]", "", value)[:80]


def error_code_words(code: str) -> str | None:
    """What a standard OAuth 2.0 / OpenID Connect error code means, in words; None for others."""
    return _ERROR_WORDS.get(code)


def describe_error_code(code: str) -> str:
    """Words for any error code a provider sent: the standard ones, or the code made printable."""
    words = _ERROR_WORDS.get(code)
    if words is not None:
        return words
    shown = printable(code)
    if not shown:
        return "the provider reported an error"
    return f"the provider reported the error “{shown}”"


def refusal(
    config: OidcClientConfig,
    reason: str,
    words: str | None = None,
    *,
    provider_error: str | None = None,
) -> OidcError:
    """The ``OidcError`` for a refused sign-in, worded with ``REASON_WORDS`` unless ``words``."""
    words = words or REASON_WORDS[reason]
    logger.info("OIDC sign-in with %s refused: %s", config.issuer, reason)
    message = f"Sign-in with {provider_name(config)} failed: {words}."
    return OidcError(message, reason=reason, provider_error=provider_error)
