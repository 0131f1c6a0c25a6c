"""Forgotten passwords: a single-use, expiring link by e-mail (or in the server log)."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from urllib.parse import quote

from sqlmodel import col, select

from vigor_app import db
from vigor_app.clock import utcnow
from vigor_app.models import PasswordResetToken, User
from vigor_app.models.ids import saved_id
from vigor_app.services import audit
from vigor_app.services.accounts import mailer, passwords
from vigor_app.services.accounts import sessions as auth_sessions
from vigor_app.services.accounts.accounts import normalize_email
from vigor_app.services.accounts.tokens import new_token, token_hash
from vigor_app.services.errors import ValidationError
from vigor_app.settings import get_settings

log = logging.getLogger(__name__)

INVALID_LINK = "This reset link is not valid any more. Ask for a new one."
MAX_TOKEN_LENGTH = 200


def reset_url(token: str) -> str:
    return f"{get_settings().app_url.rstrip('/')}/reset-password?token={quote(token)}"


def request_reset(email: str, *, client_ip: str = "", now: datetime | None = None) -> None:
    """Send a reset link when the e-mail belongs to an account with a password.

    The answer is the same whether or not the account exists, so the form cannot be used to
    find out who has an account.
    """
    email = normalize_email(email)
    now = now or utcnow()
    ttl = timedelta(minutes=get_settings().password_reset_ttl_minutes)
    with db.transaction() as session:
        user = session.exec(select(User).where(User.email == email)).first()
        if user is None or not user.is_active:
            log.info("Password reset asked for an unknown or disabled account")
            return
        token = new_token()
        user_id = saved_id(user)
        session.add(
            PasswordResetToken(user_id=user_id, token_hash=token_hash(token), created_at=now,
                               expires_at=now + ttl)
        )
        audit.record(session, actor_user_id=user_id, action="account.password_reset_request",
                     target_type="user", target_id=user_id, client_ip=client_ip, now=now)
    minutes = int(ttl.total_seconds() // 60)
    body = (
        f"Hello {user.username},\n\n"
        f"Someone (hopefully you) asked to reset your Vigor password. Open this link within "
        f"{minutes} minutes to choose a new one:\n\n{reset_url(token)}\n\n"
        "If you did not ask for this, ignore this e-mail: your password stays as it is.\n"
    )
    try:
        mailer.send_email(user.email, "Reset your Vigor password", body)
    except mailer.MailError:
        # A link nobody received must not stay valid: take it back, then report the failure.
        with db.transaction() as session:
            unsent = session.exec(
                select(PasswordResetToken).where(PasswordResetToken.token_hash == token_hash(token))
            ).one()
            session.delete(unsent)
        raise


def reset_password(token: str, new_password: str, *, client_ip: str = "",
                   now: datetime | None = None) -> None:
    """Set a new password with a reset token; the token is used up and all sessions end."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        raise ValidationError(INVALID_LINK, field="token")
    now = now or utcnow()
    with db.transaction() as session:
        row = session.exec(
            select(PasswordResetToken).where(PasswordResetToken.token_hash == token_hash(token))
        ).first()
        if row is None or row.used_at is not None or row.expires_at <= now:
            raise ValidationError(INVALID_LINK, field="token")
        user = session.get(User, row.user_id)
        if user is None or not user.is_active:
            raise ValidationError(INVALID_LINK, field="token")
        passwords.check_strength(new_password, email=user.email, username=user.username)
        user.password_hash = passwords.hash_password(new_password)
        user.password_changed_at = now
        row.used_at = now
        session.add(user)
        session.add(row)
        # Any other outstanding links for this account stop working too.
        for other in session.exec(
            select(PasswordResetToken).where(
                PasswordResetToken.user_id == user.id, col(PasswordResetToken.used_at).is_(None)
            )
        ).all():
            other.used_at = now
            session.add(other)
        auth_sessions.end_all_sessions(session, user.id or 0, now=now)
        audit.record(session, actor_user_id=user.id, action="account.password_reset",
                     target_type="user", target_id=user.id or "", client_ip=client_ip, now=now)
