"""Accounts: register, sign in, change password, and the first administrator."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from vigor_app import db
from vigor_app.clock import utcnow
from vigor_app.models import User
from vigor_app.models.user import ROLE_ADMIN, ROLE_USER
from vigor_app.services import audit
from vigor_app.services.accounts import passwords, sign_in_throttle
from vigor_app.services.accounts import sessions as auth_sessions
from vigor_app.services.accounts.sessions import CurrentUser, current_user_of
from vigor_app.services.errors import AuthenticationError, ValidationError

EMAIL_RE = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$")
USERNAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{2,29}$")
MAX_EMAIL_LENGTH = 254
WRONG_CREDENTIALS = "That e-mail or username and password do not match an account."


@dataclass(frozen=True)
class SignedIn:
    user: CurrentUser
    token: str


def normalize_email(email: str) -> str:
    email = (email or "").strip().lower()
    if not email:
        raise ValidationError("Enter your e-mail address.", field="email")
    if len(email) > MAX_EMAIL_LENGTH or not EMAIL_RE.match(email):
        raise ValidationError("Enter a valid e-mail address, like name@example.com.", field="email")
    return email


def check_username(username: str) -> str:
    username = (username or "").strip()
    if not USERNAME_RE.match(username):
        raise ValidationError(
            "Usernames are 3–30 letters, digits, dots, dashes or underscores, "
            "starting with a letter or digit.",
            field="username",
        )
    return username


def find_user(session: Session, login: str) -> User | None:
    """The user whose e-mail or username (case-insensitive) is `login`."""
    key = (login or "").strip().lower()
    if not key:
        return None
    column = User.email if "@" in key else User.username_key
    return session.exec(select(User).where(column == key)).first()


EMAIL_TAKEN = "An account with this e-mail already exists. Sign in instead."
USERNAME_TAKEN = "That username is taken. Try another one."


def _add_user(
    session: Session, *, email: str, username: str, password_hash: str | None, role: str
) -> User:
    """Add an account; the password is hashed before the transaction (a hash takes ~0.1 s of CPU).

    The database's unique indexes on the e-mail and the username decide: there is no look
    first, which two sign-ups racing would both pass. A taken name raises IntegrityError when
    the row is flushed; the caller's transaction rolls back and `taken` says which name it was.
    """
    user = User(
        email=email,
        username=username,
        username_key=username.lower(),
        password_hash=password_hash,
        role=role,
        password_changed_at=utcnow() if password_hash else None,
    )
    session.add(user)
    session.flush()
    return user


def taken(email: str, username: str) -> ValidationError | None:
    """After adding (email, username) failed on a unique index: which one is taken, as a
    ValidationError naming that field (the e-mail first), or None when neither is (the error
    had another cause). The account that took it has committed by then: a unique index waits
    for a racing transaction to end before it refuses."""
    with db.read_only() as session:
        if session.exec(select(User.id).where(User.email == email)).first() is not None:
            return ValidationError(EMAIL_TAKEN, field="email")
        if session.exec(select(User.id).where(User.username_key == username.lower())).first() is not None:
            return ValidationError(USERNAME_TAKEN, field="username")
    return None


def register(
    email: str, username: str, password: str, *, client_ip: str = "", now: datetime | None = None
) -> SignedIn:
    """Create an account and sign it in. Raises ValidationError naming the field at fault."""
    email = normalize_email(email)
    username = check_username(username)
    passwords.check_strength(password, email=email, username=username)
    now = now or utcnow()
    password_hash = passwords.hash_password(password)
    try:
        with db.transaction() as session:
            user = _add_user(session, email=email, username=username, password_hash=password_hash,
                             role=ROLE_USER)
            assert user.id is not None
            token = auth_sessions.start_session(session, user.id, client_ip=client_ip, now=now)
            audit.record(
                session, actor_user_id=user.id, action="account.register", target_type="user",
                target_id=user.id, after={"email": email, "username": username}, client_ip=client_ip,
                now=now,
            )
            return SignedIn(user=current_user_of(user), token=token)
    except IntegrityError as exc:
        error = taken(email, username)
        if error is None:
            raise
        raise error from exc


def sign_in(login: str, password: str, *, client_ip: str = "", now: datetime | None = None) -> SignedIn:
    """Check the credentials (with throttling) and start a session.

    The attempt is counted first, in a short transaction of its own (see `sign_in_throttle`);
    the password is checked after it commits, outside any transaction, so sign-ins do not wait
    for each other's argon2 work; a second short transaction records the outcome.
    """
    login = (login or "").strip()
    if not login:
        raise ValidationError("Enter your e-mail or username.", field="login")
    if not password:
        raise ValidationError("Enter your password.", field="password")
    if len(login) > MAX_EMAIL_LENGTH or len(password) > passwords.MAX_LENGTH:
        raise AuthenticationError(WRONG_CREDENTIALS)
    now = now or utcnow()
    with db.transaction() as session:
        user = find_user(session, login)
        user_id = user.id if user is not None else None
        password_hash = user.password_hash if user is not None else None
        changed_at = user.password_changed_at if user is not None else None
        attempt_id = sign_in_throttle.begin_attempt(
            session, sign_in_throttle.account_key(user_id, login), client_ip, now)
    if password_hash is None:  # no such account, or one that signs in with single sign-on only
        passwords.dummy_verify()
        password_ok = False
    else:
        password_ok = passwords.verify_password(password_hash, password)
    new_hash = None
    if password_ok and password_hash and passwords.needs_rehash(password_hash):
        new_hash = passwords.hash_password(password)
    with db.transaction() as session:
        user = session.get(User, user_id) if password_ok else None
        # The account as it is now: disabled, or its password changed, while this one was checked?
        # (A rehash by another sign-in meanwhile changes the hash, not the password.)
        ok = user is not None and user.is_active and user.password_changed_at == changed_at
        disabled = user is not None and not user.is_active
        sign_in_throttle.settle_attempt(session, attempt_id, ok, now)
        if ok:
            assert user is not None and user.id is not None
            if new_hash and user.password_hash == password_hash:
                user.password_hash = new_hash
            user.last_seen_at = now
            session.add(user)
            token = auth_sessions.start_session(session, user.id, client_ip=client_ip, now=now)
            signed_in = SignedIn(user=current_user_of(user), token=token)
    if not ok:
        if disabled:  # right password, disabled account
            raise AuthenticationError("This account has been disabled. Contact an administrator.")
        raise AuthenticationError(WRONG_CREDENTIALS)
    return signed_in


def change_password(
    user_id: int, current_password: str, new_password: str, *, keep_token: str | None = None,
    client_ip: str = "", now: datetime | None = None,
) -> None:
    """Change a password; every other session of the user is signed out."""
    now = now or utcnow()
    with db.transaction() as session:
        user = session.get(User, user_id)
        if user is None:
            raise AuthenticationError("Your session has ended. Sign in again.")
        if user.password_hash and not passwords.verify_password(user.password_hash, current_password):
            raise ValidationError("Your current password is not right.", field="current_password")
        passwords.check_strength(new_password, email=user.email, username=user.username)
        user.password_hash = passwords.hash_password(new_password)
        user.password_changed_at = now
        session.add(user)
        auth_sessions.end_all_sessions(session, user_id, keep_token=keep_token, now=now)
        audit.record(session, actor_user_id=user_id, action="account.password_change",
                     target_type="user", target_id=user_id, client_ip=client_ip, now=now)


def _make_admin(email: str, username: str, password_hash: str, *, unless_one_exists: bool) -> CurrentUser | None:
    """One transaction: promote the account with this e-mail, or add it as an admin. With
    `unless_one_exists`, do nothing (None) when there is an administrator already."""
    with db.transaction() as session:
        if unless_one_exists and session.exec(select(User.id).where(User.role == ROLE_ADMIN)).first():
            return None
        user = session.exec(select(User).where(User.email == email)).first()
        if unless_one_exists and user is not None and user.role == ROLE_ADMIN:
            return None  # made a moment ago (the look for an admin above does not lock anything)
        if user is None:
            user = _add_user(session, email=email, username=username, password_hash=password_hash,
                             role=ROLE_ADMIN)
            before = None
        else:
            before = {"role": user.role}
            user.role = ROLE_ADMIN
            user.password_hash = password_hash
            user.password_changed_at = utcnow()
            session.add(user)
            session.flush()
        audit.record(session, actor_user_id=None, action="admin.create", target_type="user",
                     target_id=user.id or "", before=before, after={"role": ROLE_ADMIN, "email": email})
        return current_user_of(user)


def _admin_input(email: str, password: str, username: str) -> tuple[str, str, str]:
    email = normalize_email(email)
    username = check_username(username)
    passwords.check_strength(password, email=email, username=username)
    return email, username, passwords.hash_password(password)


def create_admin(email: str, password: str, username: str = "admin") -> CurrentUser:
    """Make an administrator (the CLI's create-admin). An existing account is promoted,
    including one added with this e-mail while this ran."""
    email, username, password_hash = _admin_input(email, password, username)
    try:
        admin = _make_admin(email, username, password_hash, unless_one_exists=False)
    except IntegrityError as exc:
        error = taken(email, username)
        if error is None:
            raise
        if error.field != "email":
            raise error from exc
        admin = _make_admin(email, username, password_hash, unless_one_exists=False)  # promote it
    assert admin is not None
    return admin


def create_first_admin(email: str, password: str, username: str = "admin") -> CurrentUser | None:
    """Make the first administrator (ADMIN_EMAIL at start-up) unless one exists; None when one
    does, including one another worker starting at the same moment has just made."""
    if admin_exists():
        return None
    email, username, password_hash = _admin_input(email, password, username)
    try:
        return _make_admin(email, username, password_hash, unless_one_exists=True)
    except IntegrityError as exc:
        if admin_exists():  # another worker won the race for the same row
            return None
        error = taken(email, username)
        if error is None:
            raise
        raise error from exc


def admin_exists() -> bool:
    with db.read_only() as session:
        return session.exec(select(User.id).where(User.role == ROLE_ADMIN)).first() is not None
