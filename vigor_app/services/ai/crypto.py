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
MIN_SECRET_RUN = 8  # this many characters of a secret in a row are redacted wherever they are


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


def _pieces_of(secret: str, text: str) -> list[tuple[int, int]]:
    """(start, end) spans of `text` made of runs of at least MIN_SECRET_RUN characters that
    also appear, in that order, in `secret` (ignoring case), merged where they touch."""
    size = MIN_SECRET_RUN
    folded_secret, folded = secret.casefold(), text.casefold()
    if len(folded_secret) != len(secret) or len(folded) != len(text):  # casefold changed lengths
        folded_secret, folded = secret, text
    grams = {folded_secret[i:i + size] for i in range(len(folded_secret) - size + 1)}
    spans: list[tuple[int, int]] = []
    for start in range(len(folded) - size + 1):
        if folded[start:start + size] in grams:
            if spans and start <= spans[-1][1]:
                spans[-1] = (spans[-1][0], start + size)
            else:
                spans.append((start, start + size))
    return spans


def redact(text: str, *secrets: str) -> str:
    """`text` with each secret removed, for logs, stored errors, the admin pages and the audit
    log. A whole secret becomes ``••••`` and its last four (as the key hint shows); any other
    run of MIN_SECRET_RUN or more of its characters (a prefix, a suffix, a middle slice, the
    key split around other text, in any case) becomes ``••••``. Secrets shorter than
    MIN_SECRET_RUN are only replaced whole."""
    for secret in secrets:
        if not secret or len(secret) < 4:
            continue
        text = text.replace(secret, f"{MASK}{last_four(secret)}")
        if len(secret) < MIN_SECRET_RUN:
            continue
        spans = _pieces_of(secret, text)
        for start, end in reversed(spans):
            text = text[:start] + MASK + text[end:]
    return text
