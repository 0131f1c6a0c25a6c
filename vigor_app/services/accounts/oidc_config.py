"""This application as a client of one OpenID Connect provider: its settings and the
provider's name as a person knows it."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

_KNOWN_PROVIDER_NAMES = {
    "accounts.google.com": "Google",
    "login.microsoftonline.com": "Microsoft",
}


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


def provider_name(config: OidcClientConfig) -> str:
    """The provider's name as a person knows it, for buttons and messages."""
    if config.display_name:
        return config.display_name
    parts = urlsplit(config.issuer)
    host = parts.hostname or config.issuer
    return _KNOWN_PROVIDER_NAMES.get(host, parts.netloc or host)
