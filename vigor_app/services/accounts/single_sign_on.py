"""Single sign-on with an OpenID Connect provider, on top of the protocol code in `oidc`.

1. `start` remembers the state, nonce and PKCE verifier server-side and gives the URL to
   send the browser to, with a browser key: a random secret the starting browser keeps in an
   HttpOnly cookie of its own (named `BROWSER_COOKIE_PREFIX` + a random id, so sign-ins
   started in two tabs do not overwrite each other's), of which the flow keeps the SHA-256.
2. The provider sends the browser back to /auth/oidc/callback; `finish` checks everything
   (see `oidc.complete_login`), finds or creates the Vigor account and issues a one-time
   ticket, valid for a minute and bound to the flow's browser key.
3. The /auth/finish page trades the ticket for a session (`redeem_ticket`), so the session
   token never appears in a URL, and only when the browser shows the flow's browser key: a
   ticket (or a callback link) someone else's browser started signs nobody in here, so a
   link from an attacker cannot sign a person into the attacker's account (login CSRF).

The binding lives here, not in `oidc`, so it stays whatever does the protocol.

What goes wrong is sent to /auth/finish as a short code (`error_code`), never as text, and
the page shows the fixed message for a code it knows (`error_message`), a general one
otherwise: whatever a link carries in `?error=` is never shown.
"""

from __future__ import annotations

import hmac
import logging
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from vigor_app import db
from vigor_app.clock import utcnow
from vigor_app.models import LoginTicket, OidcIdentity, OidcLoginFlow, User
from vigor_app.models.ids import saved_id
from vigor_app.models.user import ROLE_USER
from vigor_app.services import audit
from vigor_app.services.accounts import oidc
from vigor_app.services.accounts import sessions as auth_sessions
from vigor_app.services.accounts.accounts import SignedIn
from vigor_app.services.accounts.sessions import current_user_of
from vigor_app.services.accounts.tokens import new_token, token_hash
from vigor_app.services.errors import AuthenticationError
from vigor_app.settings import get_settings

log = logging.getLogger(__name__)

FLOW_TTL = timedelta(minutes=10)
TICKET_TTL = timedelta(minutes=1)
LINK_ATTEMPTS = 8  # a sign-in that loses a race for an account or a username tries this often
USERNAME_SPREAD = 10  # after each lost race for a username, look among 10 more numbers
CALLBACK_PATH = "/auth/oidc/callback"
BROWSER_COOKIE_PREFIX = "vigor_sso_"
BROWSER_COOKIE_MAX_AGE = FLOW_TTL + TICKET_TTL  # long enough for a flow and its ticket
MAX_BROWSER_KEYS = 20  # browser keys looked at in one Cookie header

# What a person is told, by the code /auth/finish?error=<code> carries.
GENERIC_FAILURE = "Single sign-on did not finish. Start again from the sign-in page."
MESSAGES = {
    "not_set_up": "Single sign-on is not set up on this server.",
    "link_used": "This sign-in link is not valid any more. Start again.",
    "bad_link": "This sign-in link is not valid. Start again.",
    "too_slow": "The sign-in took too long. Start again.",
    "other_browser": "This sign-in was started in another browser, or this browser's cookies were "
                     "cleared. Start again here.",
    "no_verified_email": "Your provider did not share a verified e-mail address, which Vigor needs "
                         "for an account.",
    "disabled": "This account has been disabled. Contact an administrator.",
    "busy": "Sign-in could not finish. Start again.",
}


class SignOnError(AuthenticationError):
    """Single sign-on refused, for a reason with a code (a key of MESSAGES)."""

    def __init__(self, code: str) -> None:
        super().__init__(MESSAGES[code])
        self.code = code


@dataclass(frozen=True)
class Started:
    """Where to send the browser, and the cookie to set there: `cookie_name` = `browser_key`."""

    url: str
    cookie_name: str
    browser_key: str

    def __repr__(self) -> str:
        return f"Started(url={self.url!r}, cookie_name={self.cookie_name!r}, browser_key=<hidden>)"


def enabled() -> bool:
    return get_settings().oidc_enabled


def provider_name() -> str:
    return get_settings().oidc_provider_name


def client_config() -> oidc.OidcClientConfig:
    settings = get_settings()
    if not settings.oidc_enabled:
        raise SignOnError("not_set_up")
    secret = settings.oidc_client_secret.get_secret_value() if settings.oidc_client_secret else None
    return oidc.OidcClientConfig(
        issuer=settings.oidc_issuer,
        client_id=settings.oidc_client_id,
        client_secret=secret or None,
        redirect_uri=settings.app_url.rstrip("/") + CALLBACK_PATH,
        display_name=settings.oidc_provider_name,
    )


async def start(return_to: str, *, now: datetime | None = None) -> Started:
    """Begin a sign-in: the provider URL to redirect the browser to and the browser key to set
    in its cookie (only its hash is kept, with the flow)."""
    pending = await oidc.begin_login(client_config())
    now = now or utcnow()
    browser_key = new_token()
    with db.transaction() as session:
        for stale in session.exec(select(OidcLoginFlow).where(OidcLoginFlow.expires_at < now)).all():
            session.delete(stale)
        session.add(
            OidcLoginFlow(state=pending.state, nonce=pending.nonce, code_verifier=pending.code_verifier,
                          authorization_url=pending.authorization_url, return_to=return_to,
                          browser_hash=token_hash(browser_key), created_at=now, expires_at=now + FLOW_TTL)
        )
    return Started(url=pending.authorization_url, cookie_name=BROWSER_COOKIE_PREFIX + secrets.token_hex(6),
                   browser_key=browser_key)


def browser_keys_from(cookie_header: str | None) -> list[str]:
    """The browser keys in a Cookie header (the values of the cookies `start` named)."""
    keys = []
    for part in (cookie_header or "").split(";"):
        name, _, value = part.strip().partition("=")
        if name.startswith(BROWSER_COOKIE_PREFIX) and value:
            keys.append(value.strip().strip('"')[:200])
    return keys[:MAX_BROWSER_KEYS]


def error_code(exc: Exception) -> str:
    """The code to send to /auth/finish for why a sign-in failed."""
    if isinstance(exc, SignOnError):
        return exc.code
    if isinstance(exc, oidc.OidcError):
        if exc.provider_error and oidc.error_code_words(exc.provider_error):
            return f"provider.{exc.provider_error}"
        if exc.reason in oidc.REASON_WORDS:
            return f"oidc.{exc.reason}"
    return "failed"


def error_message(code: str | None) -> str:
    """The fixed message for an error code; a general one for anything else, never the text."""
    code = code or ""
    if code in MESSAGES:
        return MESSAGES[code]
    kind, _, detail = code.partition(".")
    words = oidc.REASON_WORDS.get(detail) if kind == "oidc" else (
        oidc.error_code_words(detail) if kind == "provider" else None)
    if words:
        return f"Sign-in with {provider_name()} failed: {words}."
    return GENERIC_FAILURE


def _take_flow(state: str | None, now: datetime) -> OidcLoginFlow:
    """The pending flow for `state`, removed so it can be used once only."""
    with db.transaction() as session:
        flow = session.exec(select(OidcLoginFlow).where(OidcLoginFlow.state == (state or ""))).first()
        # Delete by statement and insist on exactly one row: of two identical callbacks racing,
        # only one can take the flow.
        taken = session.exec(delete(OidcLoginFlow).where(col(OidcLoginFlow.state) == (state or "")))
        if flow is None or taken.rowcount != 1:
            raise SignOnError("link_used")
    if flow.expires_at <= now:
        raise SignOnError("too_slow")
    return flow


def _unique_username(session: Session, wanted: str, spread: int = 0) -> str:
    """The wanted name, or with the first free number after it ("Ada2"). With `spread` (after
    losing a race for a name), the numbers tried start at a random one among the next `spread`,
    so that several sign-ins racing for one name do not all want the same next one again."""
    base = re.sub(r"[^A-Za-z0-9_.-]", "", wanted)[:24] or "athlete"
    if not base[0].isalnum():
        base = "u" + base
    base = base.ljust(3, "0")
    n = 1 + secrets.randbelow(spread) if spread else 1
    candidate = base if n == 1 else f"{base}{n}"
    while session.exec(select(User.id).where(User.username_key == candidate.lower())).first():
        n += 1
        candidate = f"{base}{n}"
    return candidate


def _account_for(session: Session, identity: oidc.VerifiedIdentity, now: datetime,
                 spread: int = 0) -> User:
    linked = session.exec(
        select(User).join(OidcIdentity, col(OidcIdentity.user_id) == col(User.id)).where(
            OidcIdentity.issuer == identity.issuer, OidcIdentity.subject == identity.subject
        )
    ).first()
    if linked is not None:
        return linked
    email = (identity.email or "").strip().lower()
    if not email or not identity.email_verified:
        raise SignOnError("no_verified_email")
    user = session.exec(select(User).where(User.email == email)).first()
    if user is None:
        username = _unique_username(session, identity.name or email.split("@")[0], spread)
        user = User(email=email, username=username, username_key=username.lower(), role=ROLE_USER,
                    created_at=now)
        session.add(user)
        session.flush()
        audit.record(session, actor_user_id=user.id, action="account.register_sso",
                     target_type="user", target_id=user.id or "",
                     after={"email": email, "issuer": identity.issuer}, now=now)
    session.add(OidcIdentity(user_id=saved_id(user), issuer=identity.issuer, subject=identity.subject,
                             email=email, created_at=now))
    return user


async def finish(code: str | None, state: str | None, error: str | None = None,
                 *, now: datetime | None = None) -> str:
    """Complete the provider's callback; returns a one-time ticket for /auth/finish."""
    now = now or utcnow()
    flow = _take_flow(state, now)
    pending = oidc.PendingLogin(state=flow.state, nonce=flow.nonce, code_verifier=flow.code_verifier,
                                authorization_url=flow.authorization_url)
    identity = await oidc.complete_login(client_config(), pending, code=code, state=state, error=error)
    return issue_ticket(identity, flow.return_to, browser_hash=flow.browser_hash, now=now)


def issue_ticket(identity: oidc.VerifiedIdentity, return_to: str, *, browser_hash: str | None,
                 now: datetime | None = None) -> str:
    """Find or create the account for a verified identity and issue a one-time ticket for it,
    which only the browser whose key hashes to `browser_hash` can redeem.

    The unique indexes (issuer and subject; e-mail; username) decide between sign-ins racing to
    link or create the same account: the one that loses rolls back and looks again, and then
    finds what the winner made (or, for a username taken meanwhile, picks the next one).
    """
    now = now or utcnow()
    ticket = new_token()
    for attempt in range(LINK_ATTEMPTS):
        try:
            with db.transaction() as session:
                user = _account_for(session, identity, now, spread=USERNAME_SPREAD * attempt)
                if not user.is_active:
                    raise SignOnError("disabled")
                session.add(LoginTicket(user_id=saved_id(user), ticket_hash=token_hash(ticket), return_to=return_to,
                                        browser_hash=browser_hash, created_at=now,
                                        expires_at=now + TICKET_TTL))
            return ticket
        except IntegrityError:
            log.info("Single sign-on raced another sign-in for the same account (try %d)", attempt + 1)
    raise SignOnError("busy")


def redeem_ticket(ticket: str, *, browser_keys: Sequence[str], client_ip: str = "",
                  now: datetime | None = None) -> tuple[SignedIn, str]:
    """Trade a one-time ticket for a session; returns it and where to go next.

    `browser_keys` are the browser keys the redeeming browser holds (`browser_keys_from`): a
    ticket is redeemed only by the browser that started its sign-in, and left unused otherwise."""
    now = now or utcnow()
    if not ticket or len(ticket) > 200:
        raise SignOnError("bad_link")
    with db.transaction() as session:
        row = session.exec(select(LoginTicket).where(LoginTicket.ticket_hash == token_hash(ticket))).first()
        if row is None or row.used_at is not None or row.expires_at <= now:
            raise SignOnError("link_used")
        if not (row.browser_hash and any(hmac.compare_digest(row.browser_hash, token_hash(key))
                                         for key in browser_keys[:MAX_BROWSER_KEYS])):
            log.warning("Single sign-on ticket presented by another browser than the one that started it")
            raise SignOnError("other_browser")
        row.used_at = now
        session.add(row)
        user = session.get(User, row.user_id)
        if user is None or not user.is_active:
            raise SignOnError("disabled")
        user.last_seen_at = now
        session.add(user)
        token = auth_sessions.start_session(session, row.user_id, client_ip=client_ip, now=now)
        audit.record(session, actor_user_id=user.id, action="account.sign_in_sso", target_type="user",
                     target_id=user.id or "", client_ip=client_ip, now=now)
        return SignedIn(user=current_user_of(user), token=token), row.return_to
