"""Every State event handler, called the way a tampered client can call it.

For each `@rx.event` handler in `vigor_app/state` (a handler missing from `ARGUMENTS` fails
`test_every_handler_is_covered`), on SQLite and on PostgreSQL:

- **hostile values**: its rightful caller (a member, or the admin for admin pages) sends each
  value of `HOSTILE` in place of each argument (and of each field of a form). No exception
  may escape the handler; when the database changed, what was stored is exactly the value that
  was sent (anything else means a refused value changed rows, or a value was altered on its
  way in);
- **someone else's ids**: a signed-out tab and Bob (another member) call it with Alice's ids.
  No exception escapes, no row of anybody else changes, and none of Alice's private words
  reaches their tab.
"""

from __future__ import annotations

import asyncio
import inspect
import json
import shutil
from collections.abc import Callable
from datetime import date, timedelta
from functools import cache

import pytest
import reflex as rx
from reflex.event import EventHandler, EventSpec

from tests.factories import DEFAULT_PASSWORD
from tests.postgres import admin_login, throwaway_database
from tests.state import handler_world
from tests.state.conftest import Browser
from vigor_app import db, startup
from vigor_app.settings import reload_settings

# What a tampered client may put in any argument: wrong types, non-ASCII digits, ids past 64 bits,
# numbers past a float, NUL bytes, markup, huge text, out-of-range dates.
HOSTILE = [
    "", "   ", "abc", "-1", "0", "1.5", "1e400", "NaN", "inf", str(10**30), "²", "١٢", "\x00", "a\x00b",
    "<img src=x onerror=alert(1)>", "x" * 100_000, "9999-12-31", "0001-01-01",
    "2147483648", None, -1, 0, 2**31, 2**40, 2**64, 10**30, 1e400, float("nan"), True, [], {}, {"id": 1},
]

W = handler_world.World
ADMIN = "admin"
MEMBER = "alice"

# handler -> (who rightly calls it, the page it is called from, a valid call's arguments)
ARGUMENTS: dict[str, tuple[str, str, Callable[[W], tuple]]] = {}


def _cover(name: str, args: Callable[[W], tuple] = lambda w: (), *, role: str = MEMBER, path: str = "/"):
    ARGUMENTS[name] = (role, path, args)


for _name in ("AuthState.require_login", "AuthState.check_visitor", "AuthState.redirect_signed_in",
              "AuthState.sign_out"):
    _cover(_name, path="/dashboard")
_cover("AuthState.page_loaded", lambda w: ("/dashboard",), path="/dashboard")

_OVERRIDE = {"daily": "50", "weekly": "", "monthly": "",
             "expires_at": (date.today() + timedelta(days=20)).isoformat(), "reason": "Support ticket"}
_PROVIDER = {"name": "Second Lab", "kind": "openai_compatible", "base_url": "http://127.0.0.1:9/v1",
             "model": "lab-2", "api_key": "", "input_price": "0.5", "output_price": "1.5",
             "daily_cap": "3", "timeout_seconds": "5", "max_output_tokens": "200", "enabled": "on"}
_BUDGETS = {"weekly_limit": "25", "weekly_auto_disable": "on", "monthly_limit": "80",
            "alert_percent": "75"}
_TIERS = {"tier": "free", "free-daily": "12", "free-weekly": "60", "free-monthly": "200",
          "free-monthly_budget": "5"}

# Admin console
_cover("AdminConsoleState.notify_budget_alerts", role=ADMIN, path="/admin")
for _name in ("AdminState.load", "AdminState.load_users"):
    _cover(_name, role=ADMIN, path="/admin")
_cover("AdminState.set_search", lambda w: ("bo",), role=ADMIN, path="/admin/users")
_cover("AdminState.set_role", lambda w: (str(w.user_ids["bob"]), "admin"), role=ADMIN, path="/admin/users")
_cover("AdminState.set_active", lambda w: (str(w.user_ids["bob"]), False), role=ADMIN, path="/admin/users")
_cover("AdminState.open_user", lambda w: (str(w.user_ids["alice"]),), role=ADMIN, path="/admin/users")
_cover("AdminState.set_manage_open", lambda w: (False,), role=ADMIN, path="/admin/users")
_cover("AdminState.change_tier", lambda w: ({"tier": "premium"},), role=ADMIN, path="/admin/users")
_cover("AdminState.set_manage_active", lambda w: (False,), role=ADMIN, path="/admin/users")
_cover("AdminState.grant_override", lambda w: (dict(_OVERRIDE),), role=ADMIN, path="/admin/users")
_cover("AdminState.revoke_override", lambda w: (str(w.ids["override"]),), role=ADMIN, path="/admin/users")
_cover("AdminState.download_csv", lambda w: (str(w.user_ids["alice"]),), role=ADMIN, path="/admin/users")
_cover("BudgetsState.load", role=ADMIN, path="/admin/budgets")
_cover("BudgetsState.save", lambda w: (dict(_BUDGETS),), role=ADMIN, path="/admin/budgets")
_cover("TiersState.load", role=ADMIN, path="/admin/tiers")
_cover("TiersState.save", lambda w: (dict(_TIERS),), role=ADMIN, path="/admin/tiers")
for _name in ("load", "new_provider", "confirm_delete"):
    _cover(f"ProvidersState.{_name}", role=ADMIN, path="/admin/providers")
_cover("ProvidersState.edit_provider", lambda w: (str(w.ids["provider"]),), role=ADMIN, path="/admin/providers")
_cover("ProvidersState.set_form_open", lambda w: (True,), role=ADMIN, path="/admin/providers")
_cover("ProvidersState.set_form_kind", lambda w: ("azure_openai",), role=ADMIN, path="/admin/providers")
_cover("ProvidersState.save_provider", lambda w: (dict(_PROVIDER),), role=ADMIN, path="/admin/providers")
_cover("ProvidersState.set_enabled", lambda w: (str(w.ids["provider"]), False), role=ADMIN,
       path="/admin/providers")
_cover("ProvidersState.move", lambda w: (str(w.ids["provider"]), "down"), role=ADMIN, path="/admin/providers")
_cover("ProvidersState.reset_circuit", lambda w: (str(w.ids["provider"]),), role=ADMIN, path="/admin/providers")
_cover("ProvidersState.ask_delete", lambda w: (str(w.ids["provider"]), "Local Lab"), role=ADMIN,
       path="/admin/providers")
_cover("ProvidersState.set_delete_open", lambda w: (False,), role=ADMIN, path="/admin/providers")
_cover("ProvidersState.test_connection", lambda w: (str(w.ids["provider"]),), role=ADMIN,
       path="/admin/providers")
_cover("RoutingState.load", role=ADMIN, path="/admin/routing")
_cover("RoutingState.switch_now", lambda w: ({"switch_feature": "plan", "provider_id": str(w.ids["provider"]),
                                              "reason": "incident"},), role=ADMIN, path="/admin/routing")
_cover("RoutingState.switch_back", lambda w: ("plan",), role=ADMIN, path="/admin/routing")
_cover("RoutingState.save_order", lambda w: ({"order_feature": "plan", "order_tier": "premium",
                                              "first": str(w.ids["provider_b"]), "second": "", "third": ""},),
       role=ADMIN, path="/admin/routing")
_cover("RoutingState.remove_order", lambda w: ("motivation", ""), role=ADMIN, path="/admin/routing")
_cover("RoutingState.start_experiment", lambda w: ({"name": "Plans A/B", "experiment_feature": "plan",
                                                    "provider_a": str(w.ids["provider"]),
                                                    "provider_b": str(w.ids["provider_b"]), "split_a": "50"},),
       role=ADMIN, path="/admin/routing")
_cover("RoutingState.stop_experiment", lambda w: (str(w.ids["experiment"]),), role=ADMIN, path="/admin/routing")
_cover("RoutingState.promote", lambda w: (str(w.ids["experiment"]), "b"), role=ADMIN, path="/admin/routing")
_cover("ConfigTransferState.load", role=ADMIN, path="/admin/config")
_cover("ConfigTransferState.download", role=ADMIN, path="/admin/config")
_cover("ConfigTransferState.handle_upload", lambda w: ([_Upload(_CONFIG.encode(), "config.json")],), role=ADMIN,
       path="/admin/config")
_cover("ConfigTransferState.cancel", role=ADMIN, path="/admin/config")
_cover("ConfigTransferState.apply", lambda w: ({"key_0": "sk-lab-0123456789abcdef"},), role=ADMIN,
       path="/admin/config")
_cover("UsageState.load", role=ADMIN, path="/admin/usage")
_cover("UsageState.set_days", lambda w: ("7",), role=ADMIN, path="/admin/usage")
_cover("AuditState.load", role=ADMIN, path="/admin/audit")
_cover("AuditState.set_action", lambda w: ("account.register",), role=ADMIN, path="/admin/audit")
_cover("AuditState.set_by", lambda w: ("boss",), role=ADMIN, path="/admin/audit")
_cover("SystemState.load", role=ADMIN, path="/admin/system")
_cover("UpgradeRequestsState.load", role=ADMIN, path="/admin/upgrades")
_cover("UpgradeRequestsState.set_reason", lambda w: (str(w.ids["upgrade_request"]), "Welcome aboard"),
       role=ADMIN, path="/admin/upgrades")
_cover("UpgradeRequestsState.approve", lambda w: (str(w.ids["upgrade_request"]),), role=ADMIN,
       path="/admin/upgrades")
_cover("UpgradeRequestsState.decline", lambda w: (str(w.ids["upgrade_request"]),), role=ADMIN,
       path="/admin/upgrades")

# Accounts (public pages are called signed out)
_cover("SignInState.sign_in", lambda w: ({"login": "alice", "password": DEFAULT_PASSWORD},),
       role="anonymous", path="/signin")
_cover("RegisterState.register", lambda w: ({"email": "carol@example.com", "username": "carol",
                                             "password": "Rowing-Machine-77",
                                             "confirm_password": "Rowing-Machine-77"},),
       role="anonymous", path="/register")
_cover("SingleSignOnState.finish", role="anonymous", path="/auth/finish")
_cover("ForgotPasswordState.start", role="anonymous", path="/forgot-password")
_cover("ForgotPasswordState.request_link", lambda w: ({"email": "alice@example.com"},), role="anonymous",
       path="/forgot-password")
_cover("ResetPasswordState.start", role="anonymous", path="/reset-password")
_cover("ResetPasswordState.set_new_password", lambda w: ({"password": "Rowing-Machine-77",
                                                          "confirm_password": "Rowing-Machine-77"},),
       role="anonymous", path="/reset-password")
_cover("AccountState.change_password", lambda w: ({"current_password": DEFAULT_PASSWORD,
                                                   "new_password": "Rowing-Machine-77",
                                                   "confirm_password": "Rowing-Machine-77"},), path="/profile")

# API tokens (Profile page)
_cover("ApiTokensState.load", path="/profile")
_cover("ApiTokensState.dismiss_new_token", path="/profile")
_cover("ApiTokensState.create", lambda w: ({"token_name": "Watch", "scope_write": "on",
                                            "expires_in_days": "30"},), path="/profile")
_cover("ApiTokensState.revoke", lambda w: (str(w.ids["api_token"]),), path="/profile")

# Notifications on this device (Profile page)
_cover("NotificationsState.load", path="/profile")
_cover("NotificationsState.show_status", lambda w: ({"state": "on", "endpoint": handler_world.ALICE_PUSH_ENDPOINT},),
       path="/profile")
_cover("NotificationsState.turn_on", path="/profile")
_cover("NotificationsState.subscribed", lambda w: ({
    "state": "on", "agent": "Mozilla/5.0 (Linux; Android 14) Chrome/131.0",
    "subscription": handler_world.push_subscription("https://push.example.com/send/a-new-laptop")},), path="/profile")
_cover("NotificationsState.turn_off", path="/profile")
_cover("NotificationsState.unsubscribed", lambda w: ({"state": "off", "endpoint": handler_world.ALICE_PUSH_ENDPOINT},),
       path="/profile")
_cover("NotificationsState.remove_device", lambda w: (str(w.ids["push_device"]),), path="/profile")

# Coach
for _name in ("load", "new_conversation", "load_older", "toggle_knows", "stop", "send"):
    _cover(f"CoachState.{_name}", path="/coach")
_cover("CoachState.select", lambda w: (str(w.ids["conversation"]),), path="/coach")
_cover("CoachState.delete_conversation", lambda w: (str(w.ids["conversation"]),), path="/coach")
_cover("CoachState.set_draft", lambda w: ("How am I doing?",), path="/coach")
_cover("CoachState.ask", lambda w: ("How am I doing?",), path="/coach")
_cover("CoachState.rate", lambda w: (str(w.ids["coach_reply"]), "down"), path="/coach")
_cover("CoachState.save_reason", lambda w: ({"reason": "Too vague"},), path="/coach")
_cover("CoachState.close_reason", path="/coach")

_cover("DashboardState.load", path="/dashboard")
_cover("DashboardState.start_today", path="/dashboard")

for _name in ("load", "show_more", "clear_filters"):
    _cover(f"ExercisesState.{_name}", path="/exercises")
_cover("ExercisesState.set_search", lambda w: ("squat",), path="/exercises")
_cover("ExercisesState.set_muscle", lambda w: ("chest",), path="/exercises")
_cover("ExercisesState.set_equipment", lambda w: ("barbell",), path="/exercises")
_cover("ExercisesState.set_pattern", lambda w: ("squat",), path="/exercises")

for _name in ("load", "start_onboarding", "next_step", "skip_step", "previous_step", "save_all"):
    _cover(f"FitnessProfileState.{_name}", path="/profile")
_cover("FitnessProfileState.set_browser_timezone", lambda w: ("Europe/Berlin",), path="/onboarding")
_cover("FitnessProfileState.toggle", lambda w: ("goals", "strength"), path="/profile")
_cover("FitnessProfileState.set_daily_motivation", lambda w: (True,), path="/profile")
_cover("FitnessProfileState.set_field", lambda w: ("session_minutes", "45"), path="/profile")

_cover("ExerciseHistoryState.load", path="/history/exercise")
_cover("ExerciseHistoryState.show_more", path="/history/exercise")

_cover("HistoryState.load", path="/history")
_cover("HistoryState.analyse", lambda w: (w.ids["finished_session"],), path="/history")
_cover("HistoryState.set_filter", lambda w: ("date_from", "2024-01-01"), path="/history")
_cover("HistoryState.go_to", lambda w: (1,), path="/history")
_cover("HistoryState.delete", lambda w: (str(w.ids["finished_session"]),), path="/history")
_cover("HistoryState.edit_duration", lambda w: ({"session_id": str(w.ids["finished_session"]), "minutes": "50"},),
       path="/history")

for _name in ("load", "start_freestyle", "finish", "discard", "skip_rest"):
    _cover(f"LoggingState.{_name}", path="/log")
_cover("LoggingState.edit", lambda w: (w.ids["set"], "reps", "8"), path="/log")
_cover("LoggingState.toggle_done", lambda w: (w.ids["set"],), path="/log")
_cover("LoggingState.move_set", lambda w: (w.ids["set"], 1), path="/log")
_cover("LoggingState.add_set", lambda w: (w.ids["entry"],), path="/log")
_cover("LoggingState.remove_set", lambda w: (w.ids["set"],), path="/log")
_cover("LoggingState.set_kind", lambda w: (w.ids["set"], "warmup"), path="/log")
_cover("LoggingState.move", lambda w: (w.ids["entry"], 1), path="/log")
_cover("LoggingState.remove_exercise", lambda w: (w.ids["entry"],), path="/log")
_cover("LoggingState.save_note", lambda w: (w.ids["entry"], "Elbows in"), path="/log")
_cover("LoggingState.set_search", lambda w: ("row",), path="/log")
_cover("LoggingState.add_exercise", lambda w: (w.ids["custom_exercise"],), path="/log")
_cover("LoggingState.save_session_note", lambda w: ("Good day",), path="/log")
_cover("LoggingState.set_intensity", lambda w: ("7",), path="/log")
_cover("LoggingState.adjust_rest", lambda w: (30,), path="/log")
_cover("LoggingState.start_rest", lambda w: (1,), path="/log")
_cover("LoggingState.follow_rest", path="/log")
_cover("LoggingState.superset_with_next", lambda w: (w.ids["entry"],), path="/log")
_cover("LoggingState.leave_superset", lambda w: (w.ids["entry"],), path="/log")
_cover("LoggingState.open_calculator", lambda w: (w.ids["entry"],), path="/log")
_cover("LoggingState.calculator_open", lambda w: (False,), path="/log")
_cover("LoggingState.set_calc_weight", lambda w: ("100",), path="/log")
_cover("LoggingState.add_warmups", path="/log")

_cover("GymKitState.load", path="/profile")
_cover("GymKitState.save", lambda w: ({"bar": "20", "plates": "25, 20, 10, 5, 2.5"},), path="/profile")

_cover("MembershipState.load", path="/membership")
_cover("MembershipState.request_upgrade", lambda w: ({"to_tier": "unlimited", "note": "Training for a meet"},),
       path="/membership")

_cover("ProgressState.load", path="/progress")
_cover("ProgressState.choose_exercise", lambda w: (w.ids["custom_exercise"],), path="/progress")
_cover("ProgressState.log_metrics", lambda w: ({"measured_on": date.today().isoformat(), "weight": "72.5",
                                                "waist_cm": "80"},), path="/progress")

for _name in ("load", "regenerate", "activate", "delete", "generate"):
    _cover(f"WorkoutsState.{_name}", path="/workouts")
_cover("WorkoutsState.set_request", lambda w: ("req_days", "4"), path="/workouts")
_cover("WorkoutsState.select_plan", lambda w: (str(w.ids["plan"]),), path="/workouts")
_cover("WorkoutsState.rate_plan", lambda w: ("up",), path="/workouts")
_cover("WorkoutsState.save_plan_reason", lambda w: ({"reason": "Too many days"},), path="/workouts")
_cover("WorkoutsState.close_plan_reason", path="/workouts")
_cover("WorkoutsState.rename", lambda w: ({"plan_name": "Winter block"},), path="/workouts")
_cover("WorkoutsState.start_day", lambda w: (1,), path="/workouts")
_cover("WorkoutsState.open_swap", lambda w: (0, 0), path="/workouts")
_cover("WorkoutsState.close_swap", lambda w: (False,), path="/workouts")
_cover("WorkoutsState.show_week", lambda w: ("2",), path="/workouts")
_cover("WorkoutsState.choose_swap", lambda w: (w.ids["exercise"],), path="/workouts")

_cover("YourDataState.download_json", path="/profile")
_cover("YourDataState.download_csv", path="/profile")
_cover("YourDataState.download_feedback_csv", path="/profile")
_cover("YourDataState.set_import_option", lambda w: ("import_source", "strong"), path="/profile")
_cover("YourDataState.handle_upload", lambda w: ([_Upload(handler_world.IMPORT.encode())],), path="/profile")
_cover("YourDataState.delete_account", lambda w: ({"confirm": "alice", "password": DEFAULT_PASSWORD},),
       path="/profile")


# A valid AI configuration that changes nothing of the world's rules but its providers' absence:
# previewing it writes nothing (applying needs a preview first, which a fuzzed call never has).
_CONFIG = json.dumps({"vigor_ai_config": 1, "providers": [], "routes": [], "switches": [], "experiments": [],
                      "budgets": {"weekly_limit_micros": None, "weekly_auto_disable": True,
                                  "monthly_limit_micros": None, "monthly_auto_disable": True,
                                  "user_auto_disable": True, "alert_percent": 80, "offpeak_start_minute": None,
                                  "offpeak_end_minute": None, "offpeak_timezone": "UTC", "offpeak_provider": None},
                      "tier_limits": []})


class _Upload:
    """What Reflex hands an upload handler: an object with an async read."""

    def __init__(self, content: bytes, filename: str = "export.csv") -> None:
        self.content, self.filename, self.name = content, filename, filename

    async def read(self, size: int = -1) -> bytes:
        data, self.content = (self.content, b"") if size < 0 else (self.content[:size], self.content[size:])
        return data


# Handlers whose background loop runs for as long as its timer: called, then left after a moment.
LOOPS = {"LoggingState.start_rest", "LoggingState.follow_rest"}
# Handlers that legitimately write the caller's own rows whatever they are sent.
OWN_WRITES = {
    "AuthState.sign_out", "CoachState.ask", "CoachState.send", "DashboardState.start_today",
    "FitnessProfileState.next_step", "FitnessProfileState.skip_step", "FitnessProfileState.save_all",
    "FitnessProfileState.set_browser_timezone", "LoggingState.start_freestyle", "LoggingState.discard",
    "LoggingState.finish", "MembershipState.request_upgrade", "ProgressState.log_metrics",
    "WorkoutsState.generate", "YourDataState.handle_upload", "SignInState.sign_in", "RegisterState.register",
    "ForgotPasswordState.request_link", "AccountState.change_password", "ApiTokensState.create",
    "NotificationsState.subscribed",
}
# Handlers sent no ids, only the caller's own settings: another member calling one with the
# same values changes their own row (which the stored-as-sent check still holds them to).
OWN_SETTINGS = {"GymKitState.save"}


@cache
def _state_classes() -> dict[str, type[rx.State]]:
    import vigor_app.vigor_app  # noqa: F401  (registers every state)

    found: dict[str, type[rx.State]] = {}
    stack = list(rx.State.__subclasses__())
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        if cls.__module__.startswith("vigor_app.state"):
            found[cls.__name__] = cls
    return found


def discovered_handlers() -> set[str]:
    handlers = set()
    for name, cls in _state_classes().items():
        for handler_name, handler in cls.event_handlers.items():
            fn = handler.fn
            if fn.__module__.startswith("vigor_app.state") and fn.__qualname__.split(".")[0] == name:
                handlers.add(f"{name}.{handler_name}")
    return handlers


def test_every_handler_is_covered():
    found = discovered_handlers()
    assert found, "no handler found: the discovery itself is broken"
    missing, stale = found - set(ARGUMENTS), set(ARGUMENTS) - found
    assert not missing, f"handlers with no fuzz entry: {sorted(missing)}"
    assert not stale, f"fuzz entries for handlers that no longer exist: {sorted(stale)}"


# -- running a handler as the browser would ---------------------------------------------------


class Tab(Browser):
    def __init__(self, token: str) -> None:
        super().__init__()
        self.token = token
        from vigor_app.state.auth import AuthState

        self.state(AuthState).session_token = token

    def run(self, name: str, args: tuple, path: str) -> None:
        """Call the handler, then every event of ours it hands back, as the browser would."""
        class_name, handler_name = name.split(".")
        cls = _state_classes()[class_name]
        asyncio.run(self._run(cls, handler_name, args, path, name in LOOPS, depth=0))

    async def _run(self, cls, handler_name: str, args: tuple, path: str, loop: bool, depth: int) -> None:
        substate = self.state(cls, path)
        result = getattr(cls, handler_name).fn(substate, *args)
        if inspect.isasyncgen(result):
            events = [event async for event in result]
        elif inspect.iscoroutine(result):
            if loop:
                try:
                    events = [await asyncio.wait_for(result, timeout=0.05)]
                except TimeoutError:
                    events = []
            else:
                events = [await result]
        elif inspect.isgenerator(result):
            events = list(result)
        else:
            events = [result]
        if depth < 3:
            for follow in _our_events(events):
                target, target_args = follow
                await self._run(target[0], target[1], target_args, path,
                                f"{target[0].__name__}.{target[1]}" in LOOPS, depth + 1)

    def private_text(self) -> str:
        return json.dumps(self.root.dict(), default=str)


def _flatten(events) -> list:
    flat = []
    for event in events:
        if isinstance(event, list | tuple):
            flat.extend(_flatten(event))
        elif event is not None:
            flat.append(event)
    return flat


def _our_events(events) -> list[tuple[tuple[type, str], tuple]]:
    classes = {cls.get_full_name(): cls for cls in _state_classes().values()}
    found = []
    for event in _flatten(events):
        if isinstance(event, EventHandler):
            event = EventSpec(handler=event)
        if not isinstance(event, EventSpec) or event.handler.state_full_name not in classes:
            continue
        cls = classes[event.handler.state_full_name]
        handler_name = event.handler.fn.__name__
        if f"{cls.__name__}.{handler_name}" in LOOPS:
            continue
        values = tuple(getattr(value, "_var_value", None) for _, value in event.args)
        found.append(((cls, handler_name), values))
    return found


# -- the two databases --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sqlite_world(tmp_path_factory):
    """One migrated, seeded SQLite file; each test gets a copy."""
    folder = tmp_path_factory.mktemp("fuzz-world")
    path = folder / "world.db"
    with pytest.MonkeyPatch.context() as env:
        world = _seeded(env, folder, f"sqlite:///{path}")
    reload_settings()
    return path, world


@pytest.fixture(scope="module")
def postgres_world(tmp_path_factory):
    """One migrated, seeded PostgreSQL database used as the template of each test's copy."""
    if admin_login() is None:
        pytest.skip("PostgreSQL is not reachable at 127.0.0.1:5432")
    folder = tmp_path_factory.mktemp("fuzz-world-pg")
    with throwaway_database("vigor_fuzz_tpl") as url, pytest.MonkeyPatch.context() as env:
        world = _seeded(env, folder, url)
        reload_settings()
        yield url, world


def _seeded(env: pytest.MonkeyPatch, folder, url: str) -> handler_world.World:
    """The world written into the database at `url`, migrated first; no connection left open."""
    _clean_env(env, folder)
    env.setenv("DATABASE_URL", url)
    reload_settings()
    db.dispose_engine()
    startup.migrate(url)
    world = handler_world.seed()
    db.dispose_engine()
    return world


def _clean_env(env: pytest.MonkeyPatch, folder) -> None:
    import os

    from tests.conftest import _ENV_PREFIXES_TO_CLEAR, _ENV_TO_CLEAR

    for name in _ENV_TO_CLEAR + [n for n in os.environ if n.startswith(_ENV_PREFIXES_TO_CLEAR)]:
        env.delenv(name, raising=False)
    env.setenv("VIGOR_DATA_DIR", str(folder / "data"))
    env.setenv("SECRET_KEY", "test-secret-key-not-for-production")


@pytest.fixture(params=["sqlite", "postgresql"])
def world(request, vigor_env, tmp_path):
    if request.param == "sqlite":
        template, seeded = request.getfixturevalue("sqlite_world")
        path = tmp_path / "data" / "vigor.db"
        path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(template, path)
        vigor_env.setenv("DATABASE_URL", f"sqlite:///{path}")
        reload_settings()
        db.dispose_engine()
        yield seeded
        return
    template_url, seeded = request.getfixturevalue("postgres_world")
    template = template_url.rsplit("/", 1)[1]
    with throwaway_database("vigor_fuzz", template=template) as url:
        vigor_env.setenv("DATABASE_URL", url)
        reload_settings()
        db.dispose_engine()
        yield seeded


# -- the checks ---------------------------------------------------------------------------------


def _variants(args: tuple) -> list[tuple[str, tuple, object]]:
    """(what was replaced, the arguments, the hostile value) for every argument and form field."""
    found = []
    for position, arg in enumerate(args):
        for value in HOSTILE:
            found.append((f"argument {position}", args[:position] + (value,) + args[position + 1:], value))
        if isinstance(arg, dict):
            for key in arg:
                for value in HOSTILE:
                    form = {**arg, key: value}
                    found.append((f"field {key!r}", args[:position] + (form,) + args[position + 1:], value))
    return found


# Units the services store in: dollars as micro-dollars, minutes as seconds.
STORED_UNITS = (1, 1_000_000, 60)
# Handlers whose argument is an instruction (move up or down), not a value to store.
INSTRUCTIONS = {"LoggingState.move", "LoggingState.move_set", "ProvidersState.move"}


def _stored_as_sent(value, cell) -> bool:
    if value in (None, [], {}) or isinstance(value, str) and not value.strip():
        return not cell  # a blank field clears what it holds
    if isinstance(cell, str) and cell.startswith("["):  # a JSON column, as SQLite hands it back raw
        try:
            cell = json.loads(cell)
        except ValueError:
            pass
    if isinstance(cell, list) and isinstance(value, str):  # a typed list ("25, 20") kept as numbers
        try:
            return sorted(float(word) for word in value.split(",")) == sorted(float(n) for n in cell)
        except (TypeError, ValueError):
            return False
    if isinstance(value, str | int | float) and not isinstance(value, bool) \
            and isinstance(cell, int | float) and not isinstance(cell, bool):
        try:
            return any(float(value) * unit == float(cell) for unit in STORED_UNITS)
        except (ValueError, OverflowError):
            return False
    if cell is None or isinstance(cell, bool | int | float | str):
        if cell == value and type(cell) is not bool or cell is value:
            return True
        if isinstance(value, str) and isinstance(cell, int | float) and not isinstance(cell, bool):
            try:
                return float(value) == float(cell)
            except ValueError:
                return False
        if isinstance(value, int | float) and isinstance(cell, str):
            return cell == str(value)
    return False


def _describe(value) -> str:
    text = repr(value)
    return text if len(text) < 40 else text[:37] + "..."


@pytest.mark.parametrize("name", sorted(ARGUMENTS))
def test_hostile_values_are_refused_or_stored_exactly(world, name):
    role, path, make_args = ARGUMENTS[name]
    args = make_args(world)
    tab = Tab(world.tokens[role])
    tab.run(name, args, path)  # the valid call must work too
    problems = []
    before = handler_world.snapshot()
    for where, variant, value in _variants(args):
        try:
            tab.run(name, variant, path)
        except Exception as exc:  # noqa: BLE001 - any escape is the defect being looked for
            problems.append(f"{where} = {_describe(value)}: {type(exc).__name__}: {str(exc)[:120]}")
            before = handler_world.snapshot()
            continue
        after = handler_world.snapshot()
        changed = handler_world.changes(before, after)
        before = after  # what the next variant starts from
        if changed and name not in OWN_WRITES and name not in INSTRUCTIONS:
            cells = [cell for change in changed for cell in change.new_values()]
            if not any(_stored_as_sent(value, cell) for cell in cells):
                tables = sorted({c.table for c in changed})
                problems.append(f"{where} = {_describe(value)}: changed {tables} without storing the value sent")
    assert not problems, f"{name}:\n" + "\n".join(problems[:25])


@pytest.mark.parametrize("name", sorted(ARGUMENTS))
@pytest.mark.parametrize("caller", ["anonymous", "bob"])
def test_nobody_else_reads_or_changes_a_members_data(world, name, caller):
    role, path, make_args = ARGUMENTS[name]
    if role == "anonymous":  # public pages: signing in, registering, resetting
        pytest.skip("a public handler: anyone may call it")
    args = make_args(world)
    tab = Tab(world.tokens[caller])
    before = handler_world.snapshot()
    tab.run(name, args, path)
    changed = handler_world.changes(before, handler_world.snapshot())
    own = world.user_ids.get(caller)
    foreign = [c for c in changed
               if not (name in OWN_WRITES | OWN_SETTINGS and own is not None and c.owner() == own)]
    assert not foreign, f"{caller} calling {name} changed {sorted({c.table for c in foreign})}"
    leaked = [word for word in handler_world.PRIVATE if word.lower() in tab.private_text().lower()]
    assert not leaked, f"{caller}'s tab shows Alice's {leaked} after {name}"
