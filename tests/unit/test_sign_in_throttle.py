from datetime import timedelta

import pytest

from tests.factories import DEFAULT_PASSWORD, make_user
from vigor_app import db
from vigor_app.clock import utcnow
from vigor_app.services import accounts, sign_in_throttle
from vigor_app.services.errors import AuthenticationError, ThrottledError

pytestmark = pytest.mark.usefixtures("database")


def _fail(login: str, ip: str, now):
    with pytest.raises(AuthenticationError):
        accounts.sign_in(login, "Wrong-Password-0", client_ip=ip, now=now)


def test_sixth_attempt_for_an_account_is_refused_even_with_the_right_password():
    make_user("alice")
    start = utcnow()
    for i in range(5):
        _fail("alice", f"10.0.0.{i}", start + timedelta(minutes=i))
    with pytest.raises(ThrottledError) as caught:
        accounts.sign_in("alice", DEFAULT_PASSWORD, client_ip="10.0.0.99", now=start + timedelta(minutes=5))
    assert "Too many failed sign-in attempts" in caught.value.message
    assert "14 minutes" in caught.value.message  # locked until 15 min after the fifth failure


def test_lockout_ends_after_fifteen_minutes():
    make_user("alice")
    start = utcnow()
    for _ in range(5):
        _fail("alice", "10.0.0.1", start)
    with pytest.raises(ThrottledError):
        accounts.sign_in("alice", DEFAULT_PASSWORD, client_ip="10.0.0.2", now=start + timedelta(minutes=14))
    signed_in = accounts.sign_in("alice", DEFAULT_PASSWORD, client_ip="10.0.0.2",
                                 now=start + timedelta(minutes=15, seconds=1))
    assert signed_in.user.username == "alice"


def test_failures_spread_wider_than_the_window_do_not_lock():
    make_user("alice")
    start = utcnow()
    for i in range(5):
        _fail("alice", f"10.0.1.{i}", start + timedelta(minutes=4 * i))  # 5 failures over 16 minutes
    assert accounts.sign_in("alice", DEFAULT_PASSWORD, client_ip="10.0.1.9",
                            now=start + timedelta(minutes=17)).user.username == "alice"


def test_one_address_is_throttled_across_accounts():
    make_user("alice")
    make_user("bob")
    start = utcnow()
    for name in ("alice", "bob", "carol", "dave", "erin"):
        _fail(name, "203.0.113.7", start)
    with pytest.raises(ThrottledError):
        accounts.sign_in("bob", DEFAULT_PASSWORD, client_ip="203.0.113.7", now=start)
    # Another address is unaffected.
    assert accounts.sign_in("bob", DEFAULT_PASSWORD, client_ip="198.51.100.1", now=start).user


def test_a_success_does_not_reset_the_count():
    make_user("alice")
    start = utcnow()
    for _ in range(4):
        _fail("alice", "10.0.0.1", start)
    accounts.sign_in("alice", DEFAULT_PASSWORD, client_ip="10.0.0.1", now=start)
    _fail("alice", "10.0.0.1", start)
    with pytest.raises(ThrottledError):
        accounts.sign_in("alice", DEFAULT_PASSWORD, client_ip="10.0.0.1", now=start)


def test_prune_forgets_old_attempts():
    make_user("alice")
    start = utcnow()
    _fail("alice", "10.0.0.1", start - timedelta(hours=2))
    _fail("alice", "10.0.0.1", start)
    with db.transaction() as session:
        assert sign_in_throttle.prune(session, start) == 1
