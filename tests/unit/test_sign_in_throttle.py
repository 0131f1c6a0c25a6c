from collections import Counter
from datetime import timedelta

import pytest
from sqlmodel import col, func, select

from tests.factories import DEFAULT_PASSWORD, make_user
from tests.races import race
from vigor_app import db
from vigor_app.clock import utcnow
from vigor_app.models import LoginAttempt
from vigor_app.services.accounts import accounts, passwords, sign_in_throttle
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


# --- counted before the password is checked: racing attempts, names for one account ----------

RACERS = 40


def _race(logins: list[str], ips: list[str]) -> Counter:
    """Every racer signs in with a wrong password at the same moment; counts the outcomes."""
    def attempt(i: int) -> str:
        accounts.sign_in(logins[i], "Wrong-Password-0", client_ip=ips[i])
        return "signed in"

    results = race(attempt, len(logins))
    return Counter(type(r).__name__ if isinstance(r, AuthenticationError | ThrottledError) else
                   r if isinstance(r, str) else repr(r) for r in results)


def _attempts() -> tuple[int, int]:
    """(attempts whose password was checked, attempts still pending)."""
    with db.read_only() as session:
        checked = session.exec(select(func.count()).select_from(LoginAttempt)
                               .where(col(LoginAttempt.checked_at).is_not(None))).one()
        pending = session.exec(select(func.count()).select_from(LoginAttempt)
                               .where(col(LoginAttempt.checked_at).is_(None))).one()
    return checked, pending


def test_racing_wrong_passwords_check_the_password_only_up_to_the_limit(sqlite_and_postgres):
    make_user("dave")
    outcomes = _race(["dave"] * RACERS, [f"10.1.{i // 200}.{i % 200}" for i in range(RACERS)])

    assert outcomes == {"AuthenticationError": 5, "ThrottledError": RACERS - 5}
    assert _attempts() == (5, 0)  # five argon2 checks, none left pending


def test_racing_names_and_e_mails_of_one_account_share_its_limit(sqlite_and_postgres):
    make_user("dave")
    names = ["dave", "dave@example.com", "DAVE", " Dave@Example.COM "]
    outcomes = _race([names[i % len(names)] for i in range(RACERS)],
                     [f"10.2.{i // 200}.{i % 200}" for i in range(RACERS)])

    assert outcomes == {"AuthenticationError": 5, "ThrottledError": RACERS - 5}
    assert _attempts() == (5, 0)


def test_racing_attempts_from_one_address_check_passwords_only_up_to_its_limit(sqlite_and_postgres):
    outcomes = _race([f"nobody{i}" for i in range(RACERS)], ["203.0.113.50"] * RACERS)

    assert outcomes == {"AuthenticationError": 5, "ThrottledError": RACERS - 5}
    assert _attempts() == (5, 0)


def test_alternating_username_and_e_mail_gets_five_guesses_not_ten():
    make_user("dave")
    start = utcnow()
    results = []
    for i in range(10):
        login = ("dave", "dave@example.com")[i % 2]
        try:
            accounts.sign_in(login, "Wrong-Password-0", client_ip=f"10.3.0.{i}", now=start + timedelta(seconds=i))
            results.append("signed in")
        except (AuthenticationError, ThrottledError) as exc:
            results.append(type(exc).__name__)

    assert results == ["AuthenticationError"] * 5 + ["ThrottledError"] * 5
    assert _attempts() == (5, 0)
    with pytest.raises(ThrottledError):  # and the right password waits for the lock-out too
        accounts.sign_in("DAVE", DEFAULT_PASSWORD, client_ip="10.3.1.1", now=start + timedelta(minutes=1))


def test_an_unknown_name_is_counted_as_typed_apart_from_real_accounts():
    make_user("dave")
    start = utcnow()
    for i in range(5):
        _fail("davy", f"10.4.0.{i}", start)  # no such account: counted under "davy"
    with pytest.raises(ThrottledError):
        accounts.sign_in("DAVY", "Wrong-Password-0", client_ip="10.4.1.1", now=start)
    assert accounts.sign_in("dave", DEFAULT_PASSWORD, client_ip="10.4.1.2", now=start).user.username == "dave"


def test_an_attempt_counts_as_a_failure_while_its_password_is_being_checked():
    dave = make_user("dave").user
    start = utcnow()
    key = sign_in_throttle.account_key(dave.id, "dave")
    for i in range(5):  # five checks begun, none ended (still running, or their process died)
        with db.transaction() as session:
            sign_in_throttle.begin_attempt(session, key, f"10.5.0.{i}", start)
    assert _attempts() == (0, 5)
    with pytest.raises(ThrottledError):
        accounts.sign_in("dave@example.com", DEFAULT_PASSWORD, client_ip="10.5.1.1", now=start)
    assert _attempts() == (0, 5)  # the refused attempt was not recorded, nor its password checked


def test_a_password_changed_during_the_check_does_not_sign_in_with_the_old_one(monkeypatch):
    """The check runs outside the transaction; the outcome is judged against the account as it
    is when the check ends."""
    me = make_user("dave")
    real_verify = passwords.verify_password

    def verify_while_the_password_changes(password_hash, password):
        ok = real_verify(password_hash, password)
        monkeypatch.setattr(passwords, "verify_password", real_verify)  # once
        accounts.change_password(me.user.id, DEFAULT_PASSWORD, "Brand-New-Lift-8")
        return ok

    monkeypatch.setattr(passwords, "verify_password", verify_while_the_password_changes)
    with pytest.raises(AuthenticationError):
        accounts.sign_in("dave", DEFAULT_PASSWORD, client_ip="10.6.0.1")
    with db.read_only() as session:
        attempts = session.exec(select(LoginAttempt).order_by(col(LoginAttempt.id))).all()
    assert [(a.succeeded, a.checked_at is not None) for a in attempts] == [(False, True)]
