import json
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, inspect
from sqlmodel import SQLModel, select

from tests.factories import DEFAULT_PASSWORD, make_admin, make_user
from vigor_app import db
from vigor_app.clock import utcnow
from vigor_app.models import (
    AiAttempt,
    AiCacheEntry,
    AiCounter,
    AiFeedback,
    AiQuotaOverride,
    ApiToken,
    AppliedChange,
    AuditEntry,
    BodyMetric,
    CoachConversation,
    CoachMessage,
    DailyMotivationRun,
    EarnedMilestone,
    Exercise,
    LoginAttempt,
    LoginTicket,
    OidcIdentity,
    PasswordResetToken,
    PersonalRecord,
    PushSubscription,
    SessionExercise,
    SignInCounter,
    UpgradeRequest,
    User,
    WorkoutPlan,
    WorkoutSession,
    WorkoutSet,
)
from vigor_app.models.workout import SESSION_FINISHED
from vigor_app.services.accounts import accounts, sign_in_throttle
from vigor_app.services.accounts import sessions as auth_sessions
from vigor_app.services.admin import accounts as admin_service
from vigor_app.services.admin import membership
from vigor_app.services.ai import quotas
from vigor_app.services.errors import AuthenticationError, NotFound, ValidationError
from vigor_app.services.plans import profiles
from vigor_app.services.your_data import deletion as account_deletion

pytestmark = pytest.mark.usefixtures("database")

STARTED = datetime(2024, 3, 10, 17, 0, tzinfo=UTC)


def fill_account(user_id: int, tag: str, *, admin_id: int | None = None) -> None:
    """A row in every table a person can own (through the models directly)."""
    profiles.update_profile(user_id, {"goals": ["strength"]})
    later = utcnow() + timedelta(days=1)
    custom_id = f"custom-{user_id}-sled-push"
    with db.transaction() as session:
        session.add(Exercise(id=custom_id, name=f"Sled push {tag}", pattern="core", level="beginner",
                             details={}, is_custom=True, owner_user_id=user_id))
        plan = WorkoutPlan(user_id=user_id, name=f"Plan {tag}", plan={}, inputs={})
        session.add(plan)
        session.flush()
        row = WorkoutSession(user_id=user_id, plan_id=plan.id, name=f"Push {tag}", status=SESSION_FINISHED,
                             started_at=STARTED, ended_at=STARTED + timedelta(hours=1), duration_seconds=3600)
        session.add(row)
        session.flush()
        for position, exercise_id in enumerate(("barbell-bench-press", custom_id)):
            entry = SessionExercise(session_id=row.id, user_id=user_id, exercise_id=exercise_id, position=position)
            session.add(entry)
            session.flush()
            done = WorkoutSet(session_exercise_id=entry.id, session_id=row.id, user_id=user_id,
                              exercise_id=exercise_id, reps=5, weight_kg=60.0, done=True, completed_at=STARTED)
            session.add(done)
            session.flush()
        session.add(PersonalRecord(user_id=user_id, exercise_id=custom_id, kind="e1rm", value=70.0,
                                   set_id=done.id, session_id=row.id))
        session.add(EarnedMilestone(user_id=user_id, key="first_workout"))
        session.add(BodyMetric(user_id=user_id, measured_on=date(2024, 3, 10), weight_kg=80.0))
        session.add(OidcIdentity(user_id=user_id, issuer="https://id.example.com", subject=f"sub-{tag}"))
        session.add(PasswordResetToken(user_id=user_id, token_hash=f"reset-{tag}".ljust(64, "0"), expires_at=later))
        session.add(LoginTicket(user_id=user_id, ticket_hash=f"ticket-{tag}".ljust(64, "0"), expires_at=later))
        session.add(AiCacheEntry(key=f"cache-{tag}", user_id=user_id, feature="plan", engine="builtin",
                                 answer="{}", expires_at=later))
        session.add(AiQuotaOverride(user_id=user_id, daily=50, expires_at=later, reason="pilot",
                                    granted_by=admin_id))
        session.add(AiAttempt(request_id=f"req-{tag}", user_id=user_id, feature="plan", provider_name="builtin",
                              outcome="ok", final=True))
        session.add(AiCounter(key=f"quota:{user_id}:day:2024-03-10", used=3))
        session.add(AiCounter(key=f"spend:user:{user_id}:month:2024-03", used=1200))
        session.add(LoginAttempt(account_key=f"{tag}@example.com", client_ip="10.0.0.1"))
        session.add(LoginAttempt(account_key=sign_in_throttle.account_key(user_id, tag), client_ip="10.0.0.1"))
        session.add(SignInCounter(key=f"account:{sign_in_throttle.account_key(user_id, tag)}"))
        conversation = CoachConversation(user_id=user_id, title=f"Chat {tag}")
        session.add(conversation)
        session.flush()
        session.add(CoachMessage(conversation_id=conversation.id, user_id=user_id, role="user", content="hi",
                                 session_id=row.id))
        reply = CoachMessage(conversation_id=conversation.id, user_id=user_id, role="assistant", content="Hello",
                             ai_request_id=f"req-{tag}")
        session.add(reply)
        session.flush()
        session.add(AiFeedback(user_id=user_id, kind="coach_reply", message_id=reply.id, request_id=f"req-{tag}",
                               vote=-1, reason=f"Too short {tag}"))
        session.add(DailyMotivationRun(user_id=user_id, local_date=date(2024, 3, 10)))
        session.add(UpgradeRequest(user_id=user_id, from_tier="free", to_tier="premium",
                                   decided_by=admin_id))
        session.add(ApiToken(user_id=user_id, name="watch", token_hash=f"api-{tag}".ljust(64, "0"), shown="vgr_ab",
                             scopes="read write"))
        session.add(AppliedChange(user_id=user_id, key=f"change-{tag}", status=200, answer="{}"))
        session.add(PushSubscription(user_id=user_id, endpoint=f"https://push.example.com/{tag}",
                                     p256dh="B" + "A" * 86, auth="A" * 22, device="Chrome on Android"))


def tables_with_user_id() -> list:
    with db.read_only() as session:
        present = set(inspect(session.connection()).get_table_names())
    return [t for t in SQLModel.metadata.sorted_tables if "user_id" in t.c and t.name in present]


def rows_of(user_id: int) -> dict[str, int]:
    """Rows per table that point at `user_id` (every table with a user_id column, plus the others
    that refer to a person)."""
    found = {}
    with db.read_only() as session:
        for table in tables_with_user_id():
            found[table.name] = session.execute(
                select(func.count()).select_from(table).where(table.c.user_id == user_id)).scalar_one()
        found["exercises"] = session.exec(
            select(func.count()).select_from(Exercise).where(Exercise.owner_user_id == user_id)).one()
        found["users"] = session.exec(select(func.count()).select_from(User).where(User.id == user_id)).one()
        found["ai_counters"] = session.exec(select(func.count()).select_from(AiCounter).where(
            AiCounter.key.like(f"quota:{user_id}:%") | AiCounter.key.like(f"spend:user:{user_id}:%"))).one()
    return found


def test_the_check_covers_every_table_that_holds_a_person():
    names = {t.name for t in tables_with_user_id()}
    assert {"workout_sessions", "workout_exercises", "workout_sets", "personal_records", "milestones",
            "body_metrics", "fitness_profiles", "workout_plans", "auth_sessions", "ai_cache",
            "ai_attempts", "ai_quota_overrides", "push_subscriptions"} <= names


def test_deleting_removes_every_row_of_the_person_and_leaves_others_alone():
    admin = make_admin("boss")
    alice, bob = make_user("alice"), make_user("bob")
    fill_account(alice.user.id, "alice", admin_id=admin.user.id)
    fill_account(bob.user.id, "bob", admin_id=alice.user.id)  # Alice granted Bob's override
    before_alice, before_bob = rows_of(alice.user.id), rows_of(bob.user.id)
    assert all(before_alice.values()), before_alice  # the test really filled every table

    account_deletion.delete_account(alice.user.id, DEFAULT_PASSWORD, confirm="alice", client_ip="10.0.0.9")

    assert set(rows_of(alice.user.id).values()) == {0}
    assert rows_of(bob.user.id) == before_bob
    with db.read_only() as session:
        assert session.exec(select(func.count()).select_from(LoginAttempt)
                            .where(LoginAttempt.account_key == "alice@example.com")).one() == 0
        assert session.exec(select(func.count()).select_from(LoginAttempt)
                            .where(LoginAttempt.account_key == "bob@example.com")).one() == 1
        keys = set(session.exec(select(LoginAttempt.account_key)).all())
        assert f"user:{alice.user.id}" not in keys and f"user:{bob.user.id}" in keys
        counters = set(session.exec(select(SignInCounter.key)).all())
        assert f"account:user:{alice.user.id}" not in counters and f"account:user:{bob.user.id}" in counters
        override = session.exec(select(AiQuotaOverride).where(AiQuotaOverride.user_id == bob.user.id)).one()
        assert override.granted_by is None  # the grant stays; who granted it is gone
        attempts = session.exec(select(AiAttempt).where(AiAttempt.request_id == "req-alice")).all()
        assert len(attempts) == 1 and attempts[0].user_id is None  # cost history kept, without her
        [entry] = session.exec(select(AuditEntry).where(AuditEntry.action == "account.delete")).all()
        registered = session.exec(select(AuditEntry).where(AuditEntry.action == "account.register",
                                                           AuditEntry.target_id == str(alice.user.id))).one()
    assert entry.actor_user_id is None and entry.target_type == "user"
    assert entry.target_id == str(alice.user.id)
    assert entry.before is None and entry.client_ip == "10.0.0.9"
    assert json.loads(entry.after) == {"account": f"deleted account #{alice.user.id}"}  # no e-mail kept
    assert registered.actor_user_id is None  # the audit log keeps its history
    assert auth_sessions.resolve(alice.token) is None
    assert auth_sessions.resolve(bob.token) is not None
    with pytest.raises(AuthenticationError):
        accounts.sign_in("alice", DEFAULT_PASSWORD)


def test_the_username_may_be_typed_in_any_case():
    me = make_user("Alice")
    account_deletion.delete_account(me.user.id, DEFAULT_PASSWORD, confirm="  alice ")
    assert rows_of(me.user.id)["users"] == 0


@pytest.mark.parametrize(("password", "confirm", "error", "field"), [
    (DEFAULT_PASSWORD, "", ValidationError, "confirm"),
    (DEFAULT_PASSWORD, "bob", ValidationError, "confirm"),
    (DEFAULT_PASSWORD, "alice@example.com", ValidationError, "confirm"),
    ("wrong-password-1", "alice", AuthenticationError, "password"),
    (None, "alice", ValidationError, "password"),
    ("", "alice", ValidationError, "password"),
])
def test_wrong_confirmation_or_password_deletes_nothing(password, confirm, error, field):
    alice = make_user("alice")
    make_user("bob")  # "bob" is someone else's username
    fill_account(alice.user.id, "alice")
    before = rows_of(alice.user.id)
    with pytest.raises(error) as caught:
        account_deletion.delete_account(alice.user.id, password, confirm=confirm)
    assert caught.value.field == field
    assert rows_of(alice.user.id) == before
    assert auth_sessions.resolve(alice.token) is not None
    with db.read_only() as session:
        assert session.exec(select(AuditEntry).where(AuditEntry.action == "account.delete")).first() is None


def test_a_single_sign_on_account_confirms_with_the_username_alone():
    me = make_user("alice")
    with db.transaction() as session:
        user = session.get(User, me.user.id)
        user.password_hash = None
        session.add(user)
    account_deletion.delete_account(me.user.id, None, confirm="alice")
    assert rows_of(me.user.id)["users"] == 0


def test_the_last_administrator_cannot_delete_their_account():
    admin = make_admin("boss")
    with pytest.raises(ValidationError, match="only administrator"):
        account_deletion.delete_account(admin.user.id, DEFAULT_PASSWORD, confirm="boss")
    assert rows_of(admin.user.id)["users"] == 1
    make_admin("deputy")
    account_deletion.delete_account(admin.user.id, DEFAULT_PASSWORD, confirm="boss")
    assert rows_of(admin.user.id)["users"] == 0


def test_an_unknown_account_is_not_found():
    with pytest.raises(NotFound):
        account_deletion.delete_account(999, "x", confirm="x")


def test_a_failure_midway_changes_nothing(monkeypatch):
    alice = make_user("alice")
    fill_account(alice.user.id, "alice")
    before = rows_of(alice.user.id)

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(account_deletion.audit, "record", broken)
    with pytest.raises(RuntimeError):
        account_deletion.delete_account(alice.user.id, DEFAULT_PASSWORD, confirm="alice")
    assert rows_of(alice.user.id) == before
    assert auth_sessions.resolve(alice.token) is not None


def test_deletion_completes_when_others_rows_point_at_my_custom_exercises():
    """Nobody else may use a custom exercise, but rows an older version let in (another
    member's workout entry, sets and record) must not block the owner's deletion."""
    alice, bob = make_user("alice"), make_user("bob")
    fill_account(alice.user.id, "alice")
    fill_account(bob.user.id, "bob")
    hers = f"custom-{alice.user.id}-sled-push"
    with db.transaction() as session:
        row = WorkoutSession(user_id=bob.user.id, name="Borrowed", status=SESSION_FINISHED, started_at=STARTED,
                             ended_at=STARTED + timedelta(hours=1), duration_seconds=3600)
        session.add(row)
        session.flush()
        entry = SessionExercise(session_id=row.id, user_id=bob.user.id, exercise_id=hers, position=0)
        session.add(entry)
        session.flush()
        borrowed = WorkoutSet(session_exercise_id=entry.id, session_id=row.id, user_id=bob.user.id,
                              exercise_id=hers, reps=5, weight_kg=60.0, done=True, completed_at=STARTED)
        session.add(borrowed)
        session.flush()
        session.add(PersonalRecord(user_id=bob.user.id, exercise_id=hers, kind="e1rm", value=70.0,
                                   set_id=borrowed.id, session_id=row.id))
    bobs_before = rows_of(bob.user.id)

    account_deletion.delete_account(alice.user.id, DEFAULT_PASSWORD, confirm="alice")

    assert set(rows_of(alice.user.id).values()) == {0}
    with db.read_only() as session:
        assert session.get(Exercise, hers) is None
        for model in (SessionExercise, WorkoutSet, PersonalRecord):
            assert session.exec(select(model).where(model.exercise_id == hers)).all() == []
    bobs_after = rows_of(bob.user.id)
    assert bobs_after["workout_exercises"] == bobs_before["workout_exercises"] - 1
    assert bobs_after["workout_sets"] == bobs_before["workout_sets"] - 1
    assert bobs_after["personal_records"] == bobs_before["personal_records"] - 1
    assert bobs_after["exercises"] == bobs_before["exercises"] == 1  # his own custom exercise stays
    assert bobs_after["workout_sessions"] == bobs_before["workout_sessions"]


def test_nothing_left_names_the_deleted_person_and_their_id_is_never_reused():
    admin = make_admin("boss")
    alice, bob = make_user("alice"), make_user("bob")
    me = alice.user.id
    later = utcnow() + timedelta(days=7)
    override = quotas.grant_override(admin.user.id, me, expires_at=later, daily=99,
                                     reason="alice@example.com asked: alice trains twice a day")
    quotas.revoke_override(admin.user.id, override.id)
    quotas.grant_override(admin.user.id, me, expires_at=later, daily=50, reason="pilot for alice")
    admin_service.set_role(admin.user.id, me, "admin", client_ip="203.0.113.5")
    admin_service.set_role(admin.user.id, me, "user")
    request = membership.request_upgrade(me, "premium", note="I am alice, please")
    membership.decline(admin.user.id, request.id, reason="alice (alice@example.com) is on free for now")
    with db.transaction() as session:
        session.add(AiAttempt(request_id="req-alice", user_id=me, feature="coach", provider_name="p",
                              outcome="ok", final=True,
                              reservation_keys=[f"quota:{me}:day:2024-03-10", "spend:global:week:2024-W10",
                                                f"spend:user:{me}:month:2024-03"]))
    markers = ("alice@example.com", "alice", f"user:{me}", f"quota:{me}:")

    account_deletion.delete_account(me, DEFAULT_PASSWORD, confirm="alice", client_ip="10.0.0.9")

    with db.read_only() as session:
        entries = session.exec(select(AuditEntry)).all()
        texts = [" ".join(str(v) for v in (e.before, e.after, e.target_type, e.target_id, e.client_ip))
                 for e in entries]
        texts += [o.reason for o in session.exec(select(AiQuotaOverride)).all()]
        attempts = session.exec(select(AiAttempt)).all()
        texts += [json.dumps(a.reservation_keys) + a.error_message for a in attempts]
        bobs = session.exec(select(AuditEntry).where(AuditEntry.action == "account.register",
                                                     AuditEntry.target_id == str(bob.user.id))).one()
        about_her = [e for e in entries if e.target_type == "user" and e.target_id == str(me)]
    assert [t for t in texts if any(marker in t for marker in markers)] == []
    # The events stay, as events about "deleted account #<id>".
    assert {e.action for e in about_her} >= {"account.register", "ai.quota_override", "ai.quota_override_revoked",
                                             "user.set_role", "account.delete"}
    assert all(json.loads(e.after) == {"account": f"deleted account #{me}"} for e in about_her)
    assert sorted(e.client_ip for e in about_her if e.action == "user.set_role") == ["", "203.0.113.5"]  # admin's
    assert json.loads(bobs.after) == {"email": "bob@example.com", "username": "bob"}  # others keep theirs
    [attempt] = attempts
    assert attempt.reservation_keys == ["spend:global:week:2024-W10"]  # still settles the global budget

    newcomer = make_user("carol").user.id
    assert newcomer > me  # SQLite would hand out the deleted id again without AUTOINCREMENT
