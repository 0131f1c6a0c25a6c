"""Provider API keys at rest: Fernet, with a key derived from SECRET_KEY by HKDF-SHA256.

Changing SECRET_KEY makes stored keys unreadable: the gateway then skips those providers
(outcome ``error``, ``KeyUnreadable``) until an admin enters the keys again.
"""

from __future__ import annotations

import base64
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from vigor_app.settings import get_settings

_SALT = b"vigor/ai-provider-api-keys/v1"
_INFO = b"fernet"
MASK = "\u2022\u2022\u2022\u2022"  # ••••
MIN_LENGTH_TO_SHOW = 12  # shorter keys show no characters at all


class KeyUnreadable(Exception):
    """A stored key cannot be decrypted (SECRET_KEY changed, or the value was tampered with)."""


@lru_cache(maxsize=4)
def _fernet(secret: str) -> Fernet:
    derived = HKDF(algorithm=SHA256(), length=32, salt=_SALT, info=_INFO).derive(secret.encode())
    return Fernet(base64.urlsafe_b64encode(derived))


def _current() -> Fernet:
    return _fernet(get_settings().resolved_secret_key())


def encrypt_api_key(plain: str) -> str:
    return _current().encrypt(plain.encode()).decode("ascii")


def decrypt_api_key(token: str) -> str:
    try:
        return _current().decrypt(token.encode("ascii")).decode()
    except (InvalidToken, ValueError, UnicodeError) as exc:
        raise KeyUnreadable("the stored API key cannot be decrypted with this SECRET_KEY") from exc


def last_four(plain: str) -> str:
    """What admins may see of a key: its last four characters (none for a short key)."""
    return plain[-4:] if len(plain) >= MIN_LENGTH_TO_SHOW else ""


def hint(last4: str, has_key: bool) -> str:
    """``••••abcd`` for a stored key, ``""`` when there is none."""
    if not has_key:
        return ""
    return f"{MASK}{last4}"


def redact(text: str, *secrets: str) -> str:
    """`text` with every occurrence of each secret replaced (for logs and stored errors)."""
    for secret in secrets:
        if secret and len(secret) >= 4:
            text = text.replace(secret, f"{MASK}{last_four(secret)}")
    return text
