"""Password rules and hashing (argon2id)."""

from __future__ import annotations

import os
import re
import threading
from functools import lru_cache
from importlib import resources

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from vigor_app.services.errors import ValidationError

MIN_LENGTH = 8
MAX_LENGTH = 128

# OWASP's recommended argon2id parameters (Password Storage Cheat Sheet): 19 MiB, 2 iterations,
# 1 lane - about a third of the CPU of argon2-cffi's default (64 MiB, 3 iterations, 4 lanes), so a
# burst of sign-ins does not hold the cores for seconds. A hash made with other parameters still
# verifies and is replaced at the next sign-in (`needs_rehash`, accounts.sign_in).
ARGON2_TIME_COST = 2  # iterations
ARGON2_MEMORY_KIB = 19 * 1024
ARGON2_LANES = 1
_hasher = PasswordHasher(time_cost=ARGON2_TIME_COST, memory_cost=ARGON2_MEMORY_KIB, parallelism=ARGON2_LANES,
                         type=Type.ID)
# Hashes and checks run in threads (the pages call them with asyncio.to_thread) and release the
# GIL: at most one per core at a time, so a burst of sign-ins uses the cores without taking
# turns with each other beyond them, and holds at most that many 19 MiB buffers.
HASHING_SLOTS = os.cpu_count() or 1
_slots = threading.BoundedSemaphore(HASHING_SLOTS)


@lru_cache(maxsize=1)
def _common_passwords() -> frozenset[str]:
    text = resources.files("vigor_app.data").joinpath("common_passwords.txt").read_text()
    return frozenset(
        line.strip().lower() for line in text.splitlines() if line.strip() and not line.startswith("#")
    )


# A name shorter than this is too short to make a password guessable by being in it.
MIN_OWN_NAME_LENGTH = 4


def _too_common(text: str) -> bool:
    return text in _common_passwords() or len(set(text)) <= 2


def check_strength(password: str, *, email: str = "", username: str = "") -> None:
    """Raise ValidationError (field "password") when the password is not acceptable.

    The rule, for sign-up, password changes and resets, and administrators alike: 8 to 128
    characters, not a common password, and not built around the person's own username or
    e-mail. A password may contain them ("Str0ng-Admin-Pass!" for the username "admin"), but
    what is left without them must still be 8 characters or more and not a common password.
    """
    if len(password) < MIN_LENGTH:
        raise ValidationError(f"Use at least {MIN_LENGTH} characters.", field="password")
    if len(password) > MAX_LENGTH:
        raise ValidationError(f"Use at most {MAX_LENGTH} characters.", field="password")
    lowered = password.lower()
    if _too_common(lowered):
        raise ValidationError(
            "That password is too common and easy to guess. Pick something less predictable.",
            field="password",
        )
    email = email.strip().lower()
    own = [("e-mail address", email), ("e-mail address", email.split("@")[0]),
           ("username", username.strip().lower())]
    rest, found = lowered, []
    for label, name in sorted(own, key=lambda item: -len(item[1])):  # the whole e-mail first
        if len(name) >= MIN_OWN_NAME_LENGTH and name in lowered:
            rest = rest.replace(name, "")
            found.append(label)
    if found and (len(rest) < MIN_LENGTH or _too_common(re.sub(r"[^a-z0-9]", "", rest))):
        raise ValidationError(
            f"Your password should not be your username or e-mail with little added: without "
            f"your {' and '.join(dict.fromkeys(found))}, what is left must be at least {MIN_LENGTH} "
            f"characters and not a common password.",
            field="password",
        )


def hash_password(password: str) -> str:
    with _slots:
        return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    if not password_hash:
        return False
    try:
        with _slots:
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
