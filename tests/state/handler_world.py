"""A small world of people and rows for calling every State handler the way a tampered client would.

Alice is a member with one of everything (a plan, a finished and an open workout, a custom
exercise from an import, a coach conversation, a body metric, an upgrade request, a temporary
override); Bob is a member with only an open workout; Boss is the admin, with one provider.
Alice's private words (`PRIVATE`) must never reach another person's tab.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from datetime import date, timedelta

from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from sqlalchemy import inspect, text

from tests.factories import DEFAULT_PASSWORD, make_admin, make_user
from vigor_app import db
from vigor_app.services.accounts import accounts, api_tokens
from vigor_app.services.admin import membership
from vigor_app.services.admin import providers as admin_providers
from vigor_app.services.admin import users as admin_users
from vigor_app.services.ai import experiments, routing_rules
from vigor_app.services.ai import providers as ai_providers
from vigor_app.services.coach import history as coach_history
from vigor_app.services.notifications import subscriptions
from vigor_app.services.plans import library as plan_library
from vigor_app.services.plans import profiles
from vigor_app.services.training import body_metrics, workout_history, workout_sessions
from vigor_app.services.your_data import importer as data_import

CUSTOM_NAME = "Zercher Alicequest Press"
PLAN_NAME = "Alicequest Secret Plan"
MESSAGE = "Alicequest private question about my knee"
SESSION_NOTE = "Alicequest felt strong today"
PRIVATE = ("Alicequest", "alice@example.com")

IMPORT = (
    "Date;Workout Name;Duration;Exercise Name;Set Order;Weight;Reps;Distance;Seconds;Notes;Workout Notes;RPE\n"
    f"2024-01-15 07:30:00;Alicequest Morning;1h 5m;{CUSTOM_NAME};1;40.0;8;0;0;;;\n"
    f"2024-01-15 07:30:00;Alicequest Morning;1h 5m;Bench Press (Barbell);1;60.0;8;0;0;;;\n"
)


@dataclass
class World:
    tokens: dict[str, str]  # role -> session token ("anonymous" has none)
    user_ids: dict[str, int]
    ids: dict[str, int | str] = field(default_factory=dict)


def seed() -> World:
    boss = make_admin()
    alice = make_user("alice")
    bob = make_user("bob")
    ids: dict[str, int | str] = {}
    a = alice.user.id
    profiles.update_profile(a, {"fitness_level": "intermediate", "days_per_week": 3, "session_minutes": 60,
                                "equipment": ["barbell", "dumbbells", "bench", "pull_up_bar"]},
                            finish_onboarding=True)
    plan = plan_library.create_plan(a, seed=7)
    plan_library.rename_plan(a, plan.id, PLAN_NAME)
    ids["plan"] = plan.id
    report = data_import.import_csv(a, IMPORT, source="strong", weight_unit="kg")
    assert report.custom_exercises == 1
    finished = workout_history.history(a).items[0]
    ids["finished_session"] = finished.id
    ids["custom_exercise"] = next(e for e in workout_history.logged_exercises(a) if e.startswith("custom-"))
    view = workout_sessions.start_from_plan(a, plan.id, 0)
    workout_sessions.set_session_details(a, view.id, note=SESSION_NOTE)
    ids["open_session"] = view.id
    ids["entry"] = view.entries[0].id
    ids["set"] = view.entries[0].sets[0].id
    ids["exercise"] = view.entries[0].exercise_id
    conversation = coach_history.start_conversation(a, MESSAGE)
    coach_history.add_message(a, conversation.id, "user", MESSAGE)
    ids["coach_reply"] = coach_history.add_message(a, conversation.id, "assistant", "Alicequest answer",
                                                   engine="builtin").id
    ids["conversation"] = conversation.id
    body_metrics.record(a, date.today() - timedelta(days=1), {"weight_kg": 71.5})
    ids["upgrade_request"] = membership.request_upgrade(a, "premium", "Alicequest please").id
    ids["override"] = admin_users.grant_override(
        boss.user.id, a, admin_users.OverrideInput(daily="40", expires_at=(date.today() + timedelta(days=30)).isoformat(),
                                                   reason="Alicequest trial")).id
    ids["provider"] = admin_providers.create(boss.user.id, admin_providers.ProviderFields(
        name="Local Lab", kind="openai_compatible", base_url="http://127.0.0.1:9/v1",
        model="lab", api_version="", api_key="sk-test-0123456789abcdef0123456789", input_price="1",
        output_price="2", daily_cap="", timeout_seconds="2", max_output_tokens="100")).id
    ids["provider_b"] = admin_providers.create(boss.user.id, admin_providers.ProviderFields(
        name="Second Lab", kind="openai_compatible", base_url="http://127.0.0.1:9/v1",
        model="lab-two", api_version="", api_key="sk-test-0123456789abcdef0123456789", input_price="1",
        output_price="2", daily_cap="", timeout_seconds="2", max_output_tokens="100")).id
    for provider_id in (ids["provider"], ids["provider_b"]):  # on while the experiment starts, then off again
        ai_providers.set_enabled(boss.user.id, provider_id, True)
    ids["experiment"] = experiments.start(boss.user.id, name="Lab A/B", feature="chat", provider_a=ids["provider"],
                                          provider_b=ids["provider_b"]).id
    for provider_id in (ids["provider"], ids["provider_b"]):
        ai_providers.set_enabled(boss.user.id, provider_id, False)
    routing_rules.set_order(boss.user.id, "motivation", [ids["provider_b"]])
    ids["api_token"] = api_tokens.create(a, "Alicequest watch", ["read", "write"]).view.id
    ids["push_device"] = subscriptions.subscribe(a, push_subscription(ALICE_PUSH_ENDPOINT)).id
    workout_sessions.start_freestyle(bob.user.id)
    assert accounts.sign_in("bob", DEFAULT_PASSWORD)
    return World(tokens={"admin": boss.token, "alice": alice.token, "bob": bob.token, "anonymous": ""},
                 user_ids={"admin": boss.user.id, "alice": a, "bob": bob.user.id}, ids=ids)


ALICE_PUSH_ENDPOINT = "https://push.example.com/send/alicequest-phone"
_PUSH_POINT = ec.generate_private_key(ec.SECP256R1()).public_key().public_bytes(
    Encoding.X962, PublicFormat.UncompressedPoint)


def push_subscription(endpoint: str) -> dict:
    """A browser's push subscription, as `PushSubscription.toJSON()` gives it (valid keys)."""
    return {"endpoint": endpoint, "expirationTime": None,
            "keys": {"p256dh": base64.urlsafe_b64encode(_PUSH_POINT).rstrip(b"=").decode(),
                     "auth": base64.urlsafe_b64encode(b"0123456789abcdef").rstrip(b"=").decode()}}


# Rows that change on every call whoever calls (sign-in bookkeeping), not data a handler wrote.
VOLATILE_TABLES = {"login_attempts", "alembic_version"}
VOLATILE_COLUMNS = {"last_seen_at", "last_used_at"}


_SCHEMAS: dict[str, list[tuple[str, list[str]]]] = {}


def _tables(engine) -> list[tuple[str, list[str]]]:
    """(table, primary-key columns) of the schema, read once per kind of database: every test
    database is migrated by the same migrations, so one reading serves them all."""
    kind = engine.dialect.name
    if kind not in _SCHEMAS:
        inspector = inspect(engine)
        _SCHEMAS[kind] = [(t, inspector.get_pk_constraint(t)["constrained_columns"])
                         for t in inspector.get_table_names() if t not in VOLATILE_TABLES]
    return _SCHEMAS[kind]


def snapshot() -> dict[str, dict[tuple, dict]]:
    """Every row of every table, keyed by table and primary key."""
    engine = db.get_engine()
    rows: dict[str, dict[tuple, dict]] = {}
    with engine.connect() as connection:
        for table, keys in _tables(engine):
            found = {}
            query = text(f'SELECT * FROM "{table}"')  # noqa: S608 - the names come from the schema
            for row in connection.execute(query).mappings():
                values = {k: v for k, v in row.items() if k not in VOLATILE_COLUMNS}
                found[tuple(values[k] for k in keys) if keys else tuple(values.values())] = values
            rows[table] = found
    return rows


@dataclass
class Change:
    table: str
    key: tuple
    before: dict | None
    after: dict | None

    def new_values(self) -> list:
        if self.after is None:
            return []
        return [v for k, v in self.after.items() if self.before is None or self.before.get(k) != v]

    def owner(self) -> int | None:
        """The person the row belongs to (or who acted, for an audit row)."""
        row = self.after or self.before or {}
        if self.table == "users":
            return row.get("id")
        for column in ("user_id", "owner_user_id", "actor_user_id"):
            if row.get(column) is not None:
                return row[column]
        return None


def changes(before: dict, after: dict) -> list[Change]:
    found = []
    for table in set(before) | set(after):
        old, new = before.get(table, {}), after.get(table, {})
        for key in set(old) | set(new):
            if old.get(key) != new.get(key):
                found.append(Change(table, key, old.get(key), new.get(key)))
    return found
