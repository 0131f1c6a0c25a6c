"""Sign-in throttling.

After LOGIN_MAX_FAILURES failed attempts for one account within LOGIN_WINDOW_MINUTES,
further attempts for it are refused for LOGIN_LOCKOUT_MINUTES; the same holds for one
client address across accounts (LOGIN_MAX_FAILURES_PER_ADDRESS, also 5 by default). A success does not wipe the record of failures: the
lock-out ends with time, so a guesser cannot reset it by signing in to their own account.

An account is one key however it is typed: the user's id when the e-mail or username names an
account (any case), the typed text only when none matches (`account_key`).

An attempt is counted before its password is checked (`begin_attempt`), and until the check
ends it counts as a failure. Counting is race-free across threads and processes: the attempt
first updates its account's and its address's rows in `sign_in_counters`, which holds their
lock (PostgreSQL) or the database's write lock (SQLite) until its short transaction commits,
so the attempts for one key are counted one after the other. The password (argon2, slow) is
checked after that transaction, outside any lock; `settle_attempt` records the outcome. An
attempt whose check never ended (the process died) keeps counting as a failure until it ages
out of the window.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import delete, update
from sqlmodel import Session, col, select

from vigor_app.models import LoginAttempt, SignInCounter
from vigor_app.services.errors import ThrottledError
from vigor_app.settings import get_settings
from vigor_app.upserts import insert_missing

MAX_KEY_LENGTH = 254


def account_key(user_id: int | None, login: str) -> str:
    """The key attempts are counted under: the account when `login` names one, else the text."""
    if user_id is not None:
        return f"user:{user_id}"
    return f"login:{(login or '').strip().lower()}"[:MAX_KEY_LENGTH]


def forget_account(session: Session, user_id: int, email: str, username_key: str) -> None:
    """Delete the attempts and counters recorded for a person's account (account deletion)."""
    keys = [account_key(user_id, ""), account_key(None, email), account_key(None, username_key),
            email, username_key]  # the last two: attempts recorded before keys named the account
    session.exec(delete(LoginAttempt).where(col(LoginAttempt.account_key).in_(keys)))
    session.exec(delete(SignInCounter).where(col(SignInCounter.key).in_([_counter_key(k) for k in keys])))


def _counter_key(account_key: str) -> str:
    return f"account:{account_key}"


def _locked_until(
    session: Session, column, value: str, limit: int, now: datetime
) -> datetime | None:
    settings = get_settings()
    window = timedelta(minutes=settings.login_window_minutes)
    lockout = timedelta(minutes=settings.login_lockout_minutes)
    # Failures recent enough to matter: those inside the window, looking back from the
    # oldest moment a lock-out could still be running. Pending attempts count as failures.
    since = now - window - lockout
    failures = session.exec(
        select(LoginAttempt.created_at)
        .where(column == value, col(LoginAttempt.succeeded).is_(False), LoginAttempt.created_at > since)
        .order_by(col(LoginAttempt.created_at))
    ).all()
    # Find the latest run of `limit` failures that fits inside one window.
    for end in range(len(failures) - 1, limit - 2, -1):
        start = end - limit + 1
        if failures[end] - failures[start] <= window:
            until = failures[end] + lockout
            return until if until > now else None
    return None


def check_allowed(session: Session, account_key: str, client_ip: str, now: datetime) -> None:
    """Raise ThrottledError when this account or address is locked out right now."""
    settings = get_settings()
    checks = (
        (LoginAttempt.account_key, account_key, settings.login_max_failures),
        (LoginAttempt.client_ip, client_ip, settings.login_max_failures_per_address),
    )
    for column, value, limit in checks:
        if not value:
            continue
        until = _locked_until(session, column, value, limit, now)
        if until is not None:
            minutes = max(1, math.ceil((until - now).total_seconds() / 60))
            raise ThrottledError(
                f"Too many failed sign-in attempts. Try again in {minutes} "
                f"minute{'s' if minutes != 1 else ''}, or reset your password."
            )


def _take_turn(session: Session, keys: Iterable[str], now: datetime) -> None:
    """Update each key's counter row, in the order given (always account, then address, so two
    attempts never wait for each other in a circle). The first write takes SQLite's write lock;
    on PostgreSQL each update holds the row's lock until the transaction ends."""
    for key in keys:
        insert_missing(session, SignInCounter, [{"key": key, "updated_at": now}], "key")
        session.exec(update(SignInCounter).where(col(SignInCounter.key) == key).values(updated_at=now))


def begin_attempt(session: Session, account_key: str, client_ip: str, now: datetime) -> int:
    """Count an attempt before its password is checked; returns its id for `settle_attempt`.

    Raises ThrottledError (and records nothing) when the account or the address is locked out,
    counting the attempts still being checked as failures. Run it in a transaction of its own
    that commits before the password is checked: the counters stay locked until then.
    """
    account_key = account_key[:MAX_KEY_LENGTH]
    client_ip = client_ip[:64]
    keys = [_counter_key(account_key)] + ([f"address:{client_ip}"] if client_ip else [])
    _take_turn(session, keys, now)
    check_allowed(session, account_key, client_ip, now)
    attempt = LoginAttempt(account_key=account_key, client_ip=client_ip, succeeded=False, created_at=now)
    session.add(attempt)
    session.flush()
    assert attempt.id is not None
    return attempt.id


def settle_attempt(session: Session, attempt_id: int, succeeded: bool, now: datetime) -> None:
    """Record how an attempt's password check ended."""
    session.exec(
        update(LoginAttempt)
        .where(col(LoginAttempt.id) == attempt_id)
        .values(succeeded=succeeded, checked_at=now)
    )


def prune(session: Session, now: datetime) -> int:
    """Forget attempts too old to matter; returns how many were removed."""
    settings = get_settings()
    cutoff = now - timedelta(minutes=settings.login_window_minutes + settings.login_lockout_minutes)
    result = session.exec(delete(LoginAttempt).where(col(LoginAttempt.created_at) < cutoff))
    session.exec(delete(SignInCounter).where(col(SignInCounter.updated_at) < cutoff))
    return int(result.rowcount or 0)
