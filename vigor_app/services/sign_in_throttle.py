"""Sign-in throttling.

After LOGIN_MAX_FAILURES failed attempts for one account within LOGIN_WINDOW_MINUTES,
further attempts for it are refused for LOGIN_LOCKOUT_MINUTES; the same holds for one
client address across accounts (LOGIN_MAX_FAILURES_PER_ADDRESS, also 5 by default). A success does not wipe the record of failures: the
lock-out ends with time, so a guesser cannot reset it by signing in to their own account.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlmodel import Session, select

from vigor_app.models import LoginAttempt
from vigor_app.services.errors import ThrottledError
from vigor_app.settings import get_settings


def _locked_until(
    session: Session, column, value: str, limit: int, now: datetime
) -> datetime | None:
    settings = get_settings()
    window = timedelta(minutes=settings.login_window_minutes)
    lockout = timedelta(minutes=settings.login_lockout_minutes)
    # Failures recent enough to matter: those inside the window, looking back from the
    # oldest moment a lock-out could still be running.
    since = now - window - lockout
    failures = session.exec(
        select(LoginAttempt.created_at)
        .where(column == value, LoginAttempt.succeeded.is_(False), LoginAttempt.created_at > since)
        .order_by(LoginAttempt.created_at)
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


def record_attempt(
    session: Session, account_key: str, client_ip: str, succeeded: bool, now: datetime
) -> None:
    session.add(
        LoginAttempt(
            account_key=account_key[:254], client_ip=client_ip[:64], succeeded=succeeded, created_at=now
        )
    )


def prune(session: Session, now: datetime) -> int:
    """Forget attempts too old to matter; returns how many were removed."""
    settings = get_settings()
    cutoff = now - timedelta(minutes=settings.login_window_minutes + settings.login_lockout_minutes)
    result = session.exec(delete(LoginAttempt).where(LoginAttempt.created_at < cutoff))
    return int(result.rowcount or 0)
