import argon2
import pytest

from tests.conftest import CHEAP_ARGON2
from vigor_app.services.accounts import passwords
from vigor_app.services.errors import ValidationError

pytestmark = pytest.mark.real_password_hashing  # these tests are about the real hashing


def test_passwords_are_hashed_at_owasps_parameters_and_other_hashes_are_upgraded():
    hashed = passwords.hash_password("Deadlift-Day-77")
    used = argon2.extract_parameters(hashed)
    assert (used.type, used.memory_cost, used.time_cost, used.parallelism) == (argon2.Type.ID, 19 * 1024, 2, 1)
    # Cheaper hashes and the ones made before (argon2-cffi's default, 64 MiB, 3 iterations, 4 lanes)
    # still verify, and are replaced at the next sign-in.
    for params in (CHEAP_ARGON2, {}):
        other = argon2.PasswordHasher(type=argon2.Type.ID, **params).hash("Deadlift-Day-77")
        assert passwords.verify_password(other, "Deadlift-Day-77")
        assert passwords.needs_rehash(other)
    assert not passwords.needs_rehash(hashed)


def test_hash_is_argon2id_and_verifies():
    hashed = passwords.hash_password("Deadlift-Day-77")
    assert hashed.startswith("$argon2id$")
    assert passwords.verify_password(hashed, "Deadlift-Day-77")
    assert not passwords.verify_password(hashed, "deadlift-day-77")
    assert not passwords.verify_password(None, "anything")
    assert not passwords.verify_password("not-a-hash", "anything")


@pytest.mark.parametrize(
    ("password", "fragment"),
    [
        ("short1!", "at least 8"),
        ("password123", "too common"),
        ("PASSWORD123", "too common"),
        ("aaaaaaaaaaaa", "too common"),
        ("x" * 129, "at most 128"),
    ],
)
def test_weak_passwords_are_refused(password, fragment):
    with pytest.raises(ValidationError) as caught:
        passwords.check_strength(password)
    assert fragment in caught.value.message
    assert caught.value.field == "password"


def test_password_containing_username_is_refused():
    with pytest.raises(ValidationError, match="username or e-mail"):
        passwords.check_strength("mightyjoe-2026", email="joe@example.com", username="mightyjoe")


def test_good_password_passes():
    passwords.check_strength("Kettlebell-Swing-9", email="kim@example.com", username="kim")


def test_a_strong_password_may_contain_a_short_username():
    """The first admin from ADMIN_EMAIL=admin@example.com and the default ADMIN_USERNAME=admin."""
    passwords.check_strength("Str0ng-Admin-Pass!", email="admin@example.com", username="admin")
    passwords.check_strength("Coach-Kimberly-Lifts-9", email="kimberly@example.com", username="kimberly")


@pytest.mark.parametrize(
    ("password", "email", "username", "which"),
    [
        ("admin-password", "admin@example.com", "admin", "e-mail address and username"),
        ("adminadmin123", "root@example.com", "admin", "username"),
        ("Admin@Example.com1", "admin@example.com", "root", "e-mail address"),
        ("kimberly-2026!", "kimberly@example.com", "kim", "e-mail address"),
        ("xX-MightyJoe-Xx", "joe@example.com", "mightyjoe", "username"),
    ],
)
def test_a_password_that_is_mostly_the_name_is_refused_saying_which(password, email, username, which):
    with pytest.raises(ValidationError) as caught:
        passwords.check_strength(password, email=email, username=username)
    assert caught.value.field == "password"
    assert f"without your {which}, what is left must be at least 8 characters" in caught.value.message


@pytest.mark.usefixtures("database")
def test_a_hash_made_before_is_replaced_at_sign_in():
    from sqlmodel import select

    from tests.factories import make_user
    from vigor_app import db
    from vigor_app.models import User
    from vigor_app.services.accounts import accounts

    make_user("oldhash")
    before = argon2.PasswordHasher(type=argon2.Type.ID).hash("Deadlift-Day-77")  # argon2-cffi's default
    with db.transaction() as session:
        user = session.exec(select(User).where(User.username == "oldhash")).one()
        user.password_hash = before
    accounts.sign_in("oldhash", "Deadlift-Day-77")
    with db.read_only() as session:
        after = session.exec(select(User).where(User.username == "oldhash")).one().password_hash
    assert after != before and argon2.extract_parameters(after).memory_cost == 19 * 1024
    assert passwords.verify_password(after, "Deadlift-Day-77")


def test_hashes_and_checks_wait_for_a_free_core():
    """At most one hash or check per core at a time: with every slot taken, a hash waits, and
    goes on as soon as one is free."""
    import threading

    for _ in range(passwords.HASHING_SLOTS):
        passwords._slots.acquire()
    results: list[str] = []
    waiting = threading.Thread(target=lambda: results.append(passwords.hash_password("Squat-Rack-2026")))
    try:
        waiting.start()
        waiting.join(0.3)
        assert waiting.is_alive() and results == []  # every core's slot is held: it cannot start
    finally:
        for _ in range(passwords.HASHING_SLOTS):
            passwords._slots.release()
    waiting.join(10)
    assert not waiting.is_alive() and passwords.verify_password(results[0], "Squat-Rack-2026")
