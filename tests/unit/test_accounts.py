import pytest
from sqlmodel import select

from tests.factories import DEFAULT_PASSWORD, make_user
from tests.races import race
from vigor_app import db
from vigor_app.models import AuditEntry, User
from vigor_app.services.accounts import accounts
from vigor_app.services.accounts import sessions as auth_sessions
from vigor_app.services.errors import AuthenticationError, ValidationError

pytestmark = pytest.mark.usefixtures("database")


def _count_users() -> int:
    with db.read_only() as session:
        return len(session.exec(select(User)).all())


def test_register_creates_account_session_and_audit_entry():
    signed_in = accounts.register("  Alice@Example.COM ", "Alice", DEFAULT_PASSWORD)
    assert signed_in.user.email == "alice@example.com"
    assert signed_in.user.username == "Alice"
    assert signed_in.user.role == "user"
    assert auth_sessions.resolve(signed_in.token) == signed_in.user
    with db.read_only() as session:
        user = session.exec(select(User)).one()
        assert user.password_hash.startswith("$argon2id$")
        assert DEFAULT_PASSWORD not in user.password_hash
        actions = [e.action for e in session.exec(select(AuditEntry)).all()]
    assert actions == ["account.register"]


def test_email_is_unique_case_insensitively():
    make_user("alice")
    with pytest.raises(ValidationError) as caught:
        accounts.register("ALICE@example.com", "alice2", DEFAULT_PASSWORD)
    assert caught.value.field == "email"
    assert _count_users() == 1


def test_username_is_unique_case_insensitively():
    make_user("alice")
    with pytest.raises(ValidationError) as caught:
        accounts.register("other@example.com", "ALICE", DEFAULT_PASSWORD)
    assert caught.value.field == "username"
    assert _count_users() == 1


@pytest.mark.parametrize(
    ("email", "username", "password", "field"),
    [
        ("not-an-email", "bob", DEFAULT_PASSWORD, "email"),
        ("", "bob", DEFAULT_PASSWORD, "email"),
        ("bob@example.com", "b", DEFAULT_PASSWORD, "username"),
        ("bob@example.com", "bob smith", DEFAULT_PASSWORD, "username"),
        ("bob@example.com", "bob", "12345678", "password"),
        ("bob@example.com", "bob", "short", "password"),
    ],
)
def test_bad_registration_names_the_field_and_changes_nothing(email, username, password, field):
    with pytest.raises(ValidationError) as caught:
        accounts.register(email, username, password)
    assert caught.value.field == field
    assert caught.value.message
    assert _count_users() == 0


def test_sign_in_with_email_or_username():
    make_user("alice")
    by_email = accounts.sign_in("ALICE@example.com", DEFAULT_PASSWORD)
    by_name = accounts.sign_in("Alice", DEFAULT_PASSWORD)
    assert by_email.user.id == by_name.user.id
    assert by_email.token != by_name.token


def test_wrong_password_and_unknown_account_get_the_same_answer():
    make_user("alice")
    with pytest.raises(AuthenticationError) as wrong:
        accounts.sign_in("alice", "Not-The-Password-1")
    with pytest.raises(AuthenticationError) as unknown:
        accounts.sign_in("nobody", "Not-The-Password-1")
    assert wrong.value.message == unknown.value.message == accounts.WRONG_CREDENTIALS


def test_change_password_signs_out_other_sessions_but_keeps_this_one():
    first = make_user("alice")
    other = accounts.sign_in("alice", DEFAULT_PASSWORD)
    accounts.change_password(first.user.id, DEFAULT_PASSWORD, "Brand-New-Lift-8", keep_token=first.token)
    assert auth_sessions.resolve(first.token) is not None
    assert auth_sessions.resolve(other.token) is None
    with pytest.raises(AuthenticationError):
        accounts.sign_in("alice", DEFAULT_PASSWORD)
    assert accounts.sign_in("alice", "Brand-New-Lift-8").user.id == first.user.id


def test_change_password_needs_the_current_one_and_changes_nothing_otherwise():
    me = make_user("alice")
    with pytest.raises(ValidationError) as caught:
        accounts.change_password(me.user.id, "Wrong-Current-1", "Brand-New-Lift-8")
    assert caught.value.field == "current_password"
    assert accounts.sign_in("alice", DEFAULT_PASSWORD).user.id == me.user.id


def test_create_admin_makes_an_admin_and_promotes_an_existing_account():
    admin = accounts.create_admin("root@example.com", "Admin-Pass-4321", "root")
    assert admin.is_admin
    make_user("carol")
    promoted = accounts.create_admin("carol@example.com", "Strong-Admin-99", "carol")
    assert promoted.is_admin
    assert accounts.sign_in("carol", "Strong-Admin-99").user.is_admin


def test_no_admin_is_inferred_from_a_username():
    signed_in = accounts.register("admin@example.com", "admin", DEFAULT_PASSWORD)
    assert signed_in.user.role == "user"
    assert not accounts.admin_exists()


def test_workers_starting_together_create_the_first_admin_once(vigor_env, caplog):
    """Every worker runs ensure_first_admin at start-up; racing ones must not fail to start."""
    import threading

    from sqlmodel import select

    from vigor_app import db, startup
    from vigor_app.models import User
    from vigor_app.settings import reload_settings

    vigor_env.setenv("ADMIN_EMAIL", "first@example.com")
    vigor_env.setenv("ADMIN_PASSWORD", "Harbour-Lantern-Pass-77")
    reload_settings()
    start = threading.Barrier(4)
    failures: list[BaseException] = []

    def worker() -> None:
        start.wait()
        try:
            startup.ensure_first_admin()
        except BaseException as exc:  # noqa: BLE001 - collected and asserted below
            failures.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []
    with db.read_only() as session:
        admins = session.exec(select(User).where(User.role == "admin")).all()
    assert [a.email for a in admins] == ["first@example.com"]
    assert "Could not create" not in caplog.text


def test_the_first_admin_from_the_environment_may_have_a_password_containing_admin(vigor_env, caplog):
    """ADMIN_EMAIL=admin@example.com ADMIN_PASSWORD='Str0ng-Admin-Pass!' with the default
    ADMIN_USERNAME (admin) used to start with no admin and one log line."""
    from vigor_app import startup
    from vigor_app.settings import reload_settings

    vigor_env.setenv("ADMIN_EMAIL", "admin@example.com")
    vigor_env.setenv("ADMIN_PASSWORD", "Str0ng-Admin-Pass!")
    reload_settings()

    startup.ensure_first_admin()

    assert accounts.admin_exists()
    assert accounts.sign_in("admin", "Str0ng-Admin-Pass!").user.is_admin
    assert "Could not create" not in caplog.text


def test_registration_follows_the_same_password_rule():
    assert accounts.register("admin@example.com", "admin", "Str0ng-Admin-Pass!").user.username == "admin"
    with pytest.raises(ValidationError) as caught:
        accounts.register("bob@example.com", "bobbybob", "Bobbybob-2026")
    assert caught.value.field == "password"
    assert "without your username, what is left" in caught.value.message


def test_create_admin_on_the_command_line_says_why_it_refused(capsys):
    from vigor_app.__main__ import main

    assert main(["create-admin", "--email", "root@example.com", "--username", "rootadmin",
                 "--password", "rootadmin-123"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: no administrator was created (password): Your password should not be "
                          "your username or e-mail with little added: without your username")
    assert not accounts.admin_exists()

    assert main(["create-admin", "--email", "admin@example.com", "--password", "Str0ng-Admin-Pass!"]) == 0
    assert "admin@example.com (admin) is an administrator." in capsys.readouterr().out


def test_a_refused_first_admin_password_is_logged_with_the_reason(vigor_env, caplog):
    from vigor_app import startup
    from vigor_app.settings import reload_settings

    vigor_env.setenv("ADMIN_EMAIL", "admin@example.com")
    vigor_env.setenv("ADMIN_PASSWORD", "admin-password")
    reload_settings()

    startup.ensure_first_admin()

    assert not accounts.admin_exists()
    [record] = [r for r in caplog.records if r.levelname == "ERROR"]
    assert "ADMIN_PASSWORD (password): Your password should not be your username or e-mail" in record.message
    assert "No administrator exists" in record.message


# --- the database decides who gets a name: racing sign-ups and first admins ---------------------

RACERS = 8


def _race(work, count: int = RACERS) -> list:
    return race(work, count)


def _refusals(results: list) -> list[tuple[str | None, str]]:
    return [(r.field, r.message) for r in results if isinstance(r, ValidationError)]


def test_racing_sign_ups_for_one_e_mail_make_one_account(sqlite_and_postgres):
    results = _race(lambda i: accounts.register("Sam@example.com", f"sam{i}", DEFAULT_PASSWORD))

    assert sum(isinstance(r, accounts.SignedIn) for r in results) == 1
    assert _refusals(results) == [("email", accounts.EMAIL_TAKEN)] * (RACERS - 1)
    assert _count_users() == 1


def test_racing_sign_ups_for_one_username_make_one_account(sqlite_and_postgres):
    results = _race(lambda i: accounts.register(f"sam{i}@example.com", "Sam" if i % 2 else "sam",
                                                DEFAULT_PASSWORD))

    assert sum(isinstance(r, accounts.SignedIn) for r in results) == 1
    assert _refusals(results) == [("username", accounts.USERNAME_TAKEN)] * (RACERS - 1)
    assert _count_users() == 1


def test_workers_racing_for_the_first_admin_make_it_once_on_each_database(sqlite_and_postgres):
    results = _race(lambda i: accounts.create_first_admin("first@example.com", "Harbour-Lantern-Pass-77"))

    made = [r for r in results if r is not None]
    assert len(made) == 1 and made[0].is_admin, results  # the others: None, "there is one already"
    with db.read_only() as session:
        assert [u.email for u in session.exec(select(User)).all()] == ["first@example.com"]
        assert [e.action for e in session.exec(select(AuditEntry)).all()] == ["admin.create"]


def test_create_admin_racing_itself_promotes_instead_of_failing(sqlite_and_postgres):
    results = _race(lambda i: accounts.create_admin("root@example.com", "Admin-Pass-4321", "root"), 4)

    assert all(r is not None and not isinstance(r, BaseException) and r.is_admin for r in results), results
    assert _count_users() == 1


def test_create_admin_with_a_taken_username_names_the_username():
    make_user("root")
    with pytest.raises(ValidationError) as caught:
        accounts.create_admin("other@example.com", "Admin-Pass-4321", "ROOT")
    assert (caught.value.field, caught.value.message) == ("username", accounts.USERNAME_TAKEN)
    assert not accounts.admin_exists()
