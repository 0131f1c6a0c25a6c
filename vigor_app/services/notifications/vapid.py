"""The VAPID key pair every push is signed with (RFC 8292): VAPID_PRIVATE_KEY, or a key made
on first use and kept, readable by its owner only, in the data directory (like SECRET_KEY). The
private key never leaves the server and is never logged; browsers get the public key, as
`applicationServerKey` takes it."""

from __future__ import annotations

import base64

from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from py_vapid import Vapid

from vigor_app.settings import get_settings

_loaded: dict[str, Vapid] = {}


def _generate() -> str:
    made = Vapid()
    made.generate_keys()
    return made.private_pem().decode()


def _read(text: str) -> Vapid:
    if "-----BEGIN" in text:
        return Vapid.from_pem(text.encode())
    return Vapid.from_string(text)  # the raw key (32 bytes) or DER, in base64url


def signer() -> Vapid:
    """The key pair, read once per process (made and kept first when there is none)."""
    text = get_settings().resolved_vapid_private_key(_generate)
    if text not in _loaded:
        _loaded.clear()
        _loaded[text] = _read(text)
    return _loaded[text]


def public_key() -> str:
    """The public key as an uncompressed P-256 point in base64url: `applicationServerKey`."""
    raw = signer().public_key.public_bytes(Encoding.X962, PublicFormat.UncompressedPoint)
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def subject() -> str:
    """Who sends (the JWT's `sub`): a mailto: or https: address a push service may write to."""
    return get_settings().resolved_vapid_subject
