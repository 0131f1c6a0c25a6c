from datetime import timedelta

import pytest
from sqlmodel import select

from tests.factories import make_user
from vigor_app import db
from vigor_app.clock import utcnow
from vigor_app.models import AuthSession
from vigor_app.services.accounts import sessions as auth_sessions
from vigor_app.services.accounts.tokens import token_hash

pytestmark = pytest.mark.usefixtures("database")


def test_only_the_hash_of_a_token_is_stored():
    me = make_user()
    with db.read_only() as session:
        row = session.exec(select(AuthSession)).one()
    assert row.token_hash == token_hash(me.token)
    assert me.token not in row.token_hash


def test_sign_out_revokes_only_that_session():
    me = make_user()
    auth_sessions.end_session(me.token)
    assert auth_sessions.resolve(me.token) is None


def test_session_expires():
    me = make_user()
    later = utcnow() + timedelta(days=15)
    assert auth_sessions.resolve(me.token) is not None
    assert auth_sessions.resolve(me.token, now=later) is None


@pytest.mark.parametrize("token", ["", None, "x" * 500, "made-up-token"])
def test_garbage_tokens_resolve_to_nobody(token):
    make_user()
    assert auth_sessions.resolve(token) is None


def test_session_ttl_comes_from_settings(vigor_env):
    from vigor_app.settings import reload_settings

    vigor_env.setenv("SESSION_TTL_HOURS", "1")
    reload_settings()
    me = make_user()
    assert auth_sessions.resolve(me.token, now=utcnow() + timedelta(minutes=59)) is not None
    assert auth_sessions.resolve(me.token, now=utcnow() + timedelta(minutes=61)) is None


def test_a_session_in_use_is_marked_used_at_most_every_few_minutes():
    from vigor_app.models import User

    me = make_user()

    def used() -> tuple:
        with db.read_only() as session:
            auth = session.exec(select(AuthSession)).one()
            return auth.last_used_at, session.get(User, auth.user_id).last_seen_at

    first, _ = used()
    soon = first + auth_sessions.TOUCH_INTERVAL - timedelta(seconds=1)
    assert auth_sessions.resolve(me.token, now=soon).id == me.user.id
    assert used()[0] == first  # a read only: nothing written
    later = first + auth_sessions.TOUCH_INTERVAL
    assert auth_sessions.resolve(me.token, now=later).id == me.user.id
    assert used() == (later, later)
