import logging
import re
from datetime import timedelta

import pytest
from sqlmodel import select

from tests.factories import DEFAULT_PASSWORD, make_user
from tests.smtp_server import smtp_server
from vigor_app import db
from vigor_app.clock import utcnow
from vigor_app.models import PasswordResetToken
from vigor_app.services.accounts import accounts, password_reset
from vigor_app.services.accounts import sessions as auth_sessions
from vigor_app.services.accounts.mailer import MailError
from vigor_app.services.errors import AuthenticationError, ValidationError
from vigor_app.settings import reload_settings

pytestmark = pytest.mark.usefixtures("database")
NEW_PASSWORD = "Fresh-Start-4321"
LINK = re.compile(r"http://localhost:3000/reset-password\?token=(\S+)")


@pytest.fixture
def mailbox(vigor_env):
    with smtp_server() as (port, messages):
        vigor_env.setenv("SMTP_HOST", "127.0.0.1")
        vigor_env.setenv("SMTP_PORT", str(port))
        vigor_env.setenv("SMTP_SECURITY", "none")
        reload_settings()
        yield messages


def _token_from(messages) -> str:
    assert len(messages) == 1
    body = messages[0].get_content()
    match = LINK.search(body)
    assert match, body
    return match.group(1)


def test_reset_link_arrives_by_smtp_and_works_once(mailbox):
    me = make_user("alice")
    password_reset.request_reset("ALICE@example.com")
    assert mailbox[0]["To"] == "alice@example.com"
    assert mailbox[0]["Subject"] == "Reset your Vigor password"
    token = _token_from(mailbox)

    password_reset.reset_password(token, NEW_PASSWORD)
    assert accounts.sign_in("alice", NEW_PASSWORD).user.id == me.user.id
    assert auth_sessions.resolve(me.token) is None  # old sessions end
    with pytest.raises(AuthenticationError):
        accounts.sign_in("alice", DEFAULT_PASSWORD)
    with pytest.raises(ValidationError, match="not valid any more"):
        password_reset.reset_password(token, "Another-Pass-777")
    assert accounts.sign_in("alice", NEW_PASSWORD)


def test_expired_link_is_refused_and_changes_nothing(mailbox):
    make_user("alice")
    password_reset.request_reset("alice@example.com")
    token = _token_from(mailbox)
    with pytest.raises(ValidationError, match="not valid any more"):
        password_reset.reset_password(token, NEW_PASSWORD, now=utcnow() + timedelta(minutes=61))
    assert accounts.sign_in("alice", DEFAULT_PASSWORD)


def test_weak_new_password_keeps_the_link_usable(mailbox):
    make_user("alice")
    password_reset.request_reset("alice@example.com")
    token = _token_from(mailbox)
    with pytest.raises(ValidationError) as caught:
        password_reset.reset_password(token, "password123")
    assert caught.value.field == "password"
    password_reset.reset_password(token, NEW_PASSWORD)
    assert accounts.sign_in("alice", NEW_PASSWORD)


def test_unknown_email_sends_nothing_and_says_nothing(mailbox):
    password_reset.request_reset("nobody@example.com")
    assert mailbox == []
    with db.read_only() as session:
        assert session.exec(select(PasswordResetToken)).all() == []


def test_tokens_are_stored_hashed(mailbox):
    make_user("alice")
    password_reset.request_reset("alice@example.com")
    token = _token_from(mailbox)
    with db.read_only() as session:
        stored = session.exec(select(PasswordResetToken)).one()
    assert token not in stored.token_hash


def test_without_smtp_the_link_goes_to_the_log(caplog):
    make_user("alice")
    with caplog.at_level(logging.WARNING, logger="vigor_app.services.accounts.mailer"):
        password_reset.request_reset("alice@example.com")
    match = LINK.search(caplog.text)
    assert match
    password_reset.reset_password(match.group(1), NEW_PASSWORD)
    assert accounts.sign_in("alice", NEW_PASSWORD)


def test_unreachable_smtp_server_is_a_clear_error(vigor_env):
    vigor_env.setenv("SMTP_HOST", "127.0.0.1")
    vigor_env.setenv("SMTP_PORT", "1")
    vigor_env.setenv("SMTP_SECURITY", "none")
    reload_settings()
    make_user("alice")
    with pytest.raises(MailError, match="could not be sent"):
        password_reset.request_reset("alice@example.com")
    with db.read_only() as session:
        assert session.exec(select(PasswordResetToken)).all() == []


@pytest.mark.parametrize("token", ["", "x" * 300, "forged-token"])
def test_bad_tokens_are_refused(token):
    make_user("alice")
    with pytest.raises(ValidationError, match="not valid"):
        password_reset.reset_password(token, NEW_PASSWORD)
