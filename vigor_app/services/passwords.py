"""Password rules and hashing (argon2id)."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from vigor_app.services.errors import ValidationError

MIN_LENGTH = 8
MAX_LENGTH = 128

_hasher = PasswordHasher(type=Type.ID)


@lru_cache(maxsize=1)
def _common_passwords() -> frozenset[str]:
    text = resources.files("vigor_app.data").joinpath("common_passwords.txt").read_text()
    return frozenset(
        line.strip().lower() for line in text.splitlines() if line.strip() and not line.startswith("#")
    )


def check_strength(password: str, *, email: str = "", username: str = "") -> None:
    """Raise ValidationError (field "password") when the password is not acceptable."""
    if len(password) < MIN_LENGTH:
        raise ValidationError(f"Use at least {MIN_LENGTH} characters.", field="password")
    if len(password) > MAX_LENGTH:
        raise ValidationError(f"Use at most {MAX_LENGTH} characters.", field="password")
    lowered = password.lower()
    if lowered in _common_passwords() or len(set(lowered)) <= 2:
        raise ValidationError(
            "That password is too common and easy to guess. Pick something less predictable.",
            field="password",
        )
    for own in (username.lower(), email.lower(), email.split("@")[0].lower()):
        if own and len(own) >= 4 and own in lowered:
            raise ValidationError(
                "Your password should not contain your username or e-mail.", field="password"
            )


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    if not password_hash:
        return False
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


def dummy_verify() -> None:
    """Spend the same time as a real check, so unknown accounts cannot be told apart by timing."""
    verify_password(_dummy_hash(), "not-the-password")


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return _hasher.hash("a-password-nobody-has")
