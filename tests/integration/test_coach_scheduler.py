"""The daily motivation scheduler: who is due when, one message per person per local day, and
exactly-once when two scheduler instances race (SQLite and PostgreSQL).

The clock is fixed; the built-in coach answers (no AI provider configured), except in the one
case that checks the message also goes through a real provider over HTTP (the local
OpenAI-compatible server in tests/fakes).
"""

from __future__ import annotations

import asyncio
import threading
from collections import Counter
from contextvars import ContextVar
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import col, select

from tests.factories import make_user
from tests.fakes.openai_server import Reply, run_openai_server
from tests.postgres import migrated_database
from tests.seeding import add_record, add_session, local_time, set_profile
from vigor_app import db
from vigor_app.models import AiCacheEntry, CoachConversation, CoachMessage, DailyMotivationRun, User
from vigor_app.services import scheduler as coach_scheduler
from vigor_app.services.ai import cache, providers
from vigor_app.services.ai.gateway import Gateway
from vigor_app.services.ai.providers import ProviderInput
from vigor_app.services.coach import daily_messages, motivation
from vigor_app.services.coach import history as coach_history
from vigor_app.services.coach.daily_messages import Due
from vigor_app.services.scheduler import Scheduler
from vigor_app.settings import reload_settings

NOW = datetime(2026, 11, 18, 8, 0, tzinfo=UTC)  # a Wednesday; 08:00 in UTC
ENV = ("SCHEDULER_ENABLED", "SCHEDULER_INTERVAL_SECONDS", "OPENAI_API_KEY", "OPENAI_BASE_URL",
       "AZURE_OPENAI_API_KEY", "GEMINI_API_KEY", "PERPLEXITY_API_KEY", "AI_CACHE_TTL_SECONDS")
RACERS = 20


# --- fixtures and helpers -------------------------------------------------------------------


@pytest.fixture
def env(vigor_env):
    for name in ENV:
        vigor_env.delenv(name, raising=False)
    reload_settings()
    return vigor_env


@pytest.fixture
def sqlite_db(database, env) -> str:
    return database


@pytest.fixture
def backend(request, env):
    """A migrated SQLite database, or (``postgresql``) a throwaway PostgreSQL database."""
    if request.param == "sqlite":
        request.getfixturevalue("database")
        yield "sqlite"
        return
    with migrated_database("vigor_scheduler", env):
        yield "postgresql"


@pytest.fixture
def gateway() -> Gateway:
    return Gateway(clock=lambda: NOW)


def person(name: str, *, timezone: str = "UTC", hour: int = 8, on: bool = True) -> int:
    user_id = make_user(name).user.id
    set_profile(user_id, timezone=timezone, daily_motivation=on, motivation_hour=hour,
                onboarded_at=NOW - timedelta(days=30))
    return user_id


def squatter(name: str, **kwargs) -> int:
    """A person with a finished squat session and the record it set, two days before NOW."""
    user_id = person(name, **kwargs)
    when = local_time(NOW.date() - timedelta(days=2), 18, timezone=kwargs.get("timezone", "UTC"))
    session_id = add_session(user_id, when, {"barbell-back-squat": [(5, 100.0), (5, 100.0)]},
                             name="Leg day", timezone=kwargs.get("timezone", "UTC"))
    add_record(user_id, "barbell-back-squat", 116.7, when + timedelta(minutes=20), session_id=session_id)
    return user_id


def motivation_messages(user_id: int | None = None) -> list[CoachMessage]:
    with db.read_only() as session:
        query = select(CoachMessage).where(CoachMessage.kind == "motivation")
        if user_id is not None:
            query = query.where(CoachMessage.user_id == user_id)
        return list(session.exec(query.order_by(col(CoachMessage.id))).all())


def runs(user_id: int | None = None) -> list[DailyMotivationRun]:
    with db.read_only() as session:
        query = select(DailyMotivationRun)
        if user_id is not None:
            query = query.where(DailyMotivationRun.user_id == user_id)
        return list(session.exec(query.order_by(col(DailyMotivationRun.id))).all())


def daily_conversations(user_id: int) -> list[CoachConversation]:
    with db.read_only() as session:
        return list(session.exec(select(CoachConversation).where(
            CoachConversation.user_id == user_id, CoachConversation.title == "Daily motivation")).all())


# --- who is due -----------------------------------------------------------------------------


async def test_a_person_due_at_their_hour_gets_exactly_one_message(sqlite_db, gateway):
    alice = squatter("alice")

    assert daily_messages.due_people(NOW) == [alice]
    assert await daily_messages.send_daily_messages(NOW, gateway=gateway) == 1
    assert await daily_messages.send_daily_messages(NOW + timedelta(minutes=5), gateway=gateway) == 0
    assert await daily_messages.send_daily_messages(NOW + timedelta(hours=15), gateway=gateway) == 0

    [conversation] = daily_conversations(alice)
    [message] = motivation_messages(alice)
    assert message.conversation_id == conversation.id
    assert (message.role, message.engine, message.notice) == ("assistant", "builtin", "")
    assert message.created_at.replace(tzinfo=UTC) == NOW
    # The built-in note, from the person's own training: it names the record they set.
    assert message.content == motivation.daily_message(alice, NOW)
    assert "Barbell back squat" in message.content
    [run] = runs(alice)
    assert (run.local_date, run.message_id) == (date(2026, 11, 18), message.id)
    # What the Coach page shows: the conversation holds it.
    [view] = coach_history.messages(alice, conversation.id)
    assert view.content == message.content
    assert daily_messages.due_people(NOW + timedelta(hours=1)) == []


async def test_nobody_is_due_before_their_local_hour(sqlite_db, gateway):
    alice = person("alice", hour=9)

    assert daily_messages.due_people(NOW + timedelta(minutes=59)) == []
    assert await daily_messages.send_daily_messages(NOW + timedelta(minutes=59), gateway=gateway) == 0
    assert motivation_messages() == [] and runs() == [] and daily_conversations(alice) == []
    assert daily_messages.due_people(NOW + timedelta(hours=1)) == [alice]


async def test_each_person_is_due_at_their_own_hour_in_their_own_zone(sqlite_db, gateway):
    london = person("london", timezone="Europe/London", hour=8)  # GMT in November: 08:00 UTC
    new_york = person("newyork", timezone="America/New_York", hour=7)  # EST: 12:00 UTC
    tokyo = person("tokyo", timezone="Asia/Tokyo", hour=7)  # JST: 22:00 UTC the day before
    nowhere = person("nowhere", timezone="Mars/Olympus_Mons", hour=9)  # unknown zone: UTC

    assert daily_messages.due_people(NOW - timedelta(minutes=1)) == [tokyo]
    assert sorted(daily_messages.due_people(NOW)) == sorted([london, tokyo])
    assert await daily_messages.send_daily_messages(NOW, gateway=gateway) == 2
    assert daily_messages.due_people(NOW + timedelta(minutes=59)) == []
    assert daily_messages.due_people(NOW + timedelta(hours=1)) == [nowhere]
    assert daily_messages.due_people(NOW + timedelta(hours=3, minutes=59)) == [nowhere]
    assert sorted(daily_messages.due_people(NOW + timedelta(hours=4))) == sorted([new_york, nowhere])
    assert await daily_messages.send_daily_messages(NOW + timedelta(hours=4), gateway=gateway) == 2

    # Each run is for the person's local date: Tokyo's Wednesday 08:00 UTC is Wednesday 17:00 there.
    assert {r.user_id: r.local_date for r in runs()} == {
        london: date(2026, 11, 18), tokyo: date(2026, 11, 18), new_york: date(2026, 11, 18),
        nowhere: date(2026, 11, 18)}
    assert Counter(m.user_id for m in motivation_messages()) == {london: 1, tokyo: 1, new_york: 1,
                                                                 nowhere: 1}
    # 22:00 UTC on Wednesday is 07:00 on Thursday in Tokyo: Thursday's message is due there only.
    thursday_tokyo = datetime(2026, 11, 18, 22, 0, tzinfo=UTC)
    assert daily_messages.due(thursday_tokyo) == [Due(tokyo, date(2026, 11, 19))]


async def test_people_who_opted_out_or_are_inactive_get_nothing(sqlite_db, gateway):
    person("optedout", on=False)
    gone = person("gone")
    with db.transaction() as session:
        user = session.get(User, gone)
        assert user is not None
        user.is_active = False
        session.add(user)
    make_user("noprofile")  # never filled in a profile: daily motivation is off by default

    assert daily_messages.due_people(NOW + timedelta(hours=12)) == []
    assert await daily_messages.send_daily_messages(NOW + timedelta(hours=12), gateway=gateway) == 0
    assert motivation_messages() == [] and runs() == []


async def test_the_next_local_day_brings_a_new_message(sqlite_db, gateway):
    alice = squatter("alice", timezone="Asia/Tokyo", hour=7)
    wednesday = datetime(2026, 11, 17, 22, 0, tzinfo=UTC)  # 07:00 Wednesday in Tokyo

    assert await daily_messages.send_daily_messages(wednesday, gateway=gateway) == 1
    assert await daily_messages.send_daily_messages(wednesday + timedelta(hours=14, minutes=59),
                                                     gateway=gateway) == 0  # 23:59 in Tokyo
    assert await daily_messages.send_daily_messages(wednesday + timedelta(hours=23, minutes=59),
                                                     gateway=gateway) == 0  # Thursday 06:59
    thursday = wednesday + timedelta(days=1)
    assert await daily_messages.send_daily_messages(thursday, gateway=gateway) == 1
    assert await daily_messages.send_daily_messages(thursday + timedelta(minutes=5), gateway=gateway) == 0

    first, second = motivation_messages(alice)
    assert first.conversation_id == second.conversation_id  # one "Daily motivation" conversation
    assert len(daily_conversations(alice)) == 1
    assert [(r.local_date, r.message_id) for r in runs(alice)] == [
        (date(2026, 11, 18), first.id), (date(2026, 11, 19), second.id)]
    # Worded for each day, and each names the person's record.
    assert first.content == motivation.daily_message(alice, wednesday)
    assert second.content == motivation.daily_message(alice, thursday)
    assert first.content != second.content
    assert all("Barbell back squat" in m.content for m in (first, second))


# --- the claim and failures -----------------------------------------------------------------


async def test_a_claim_is_taken_once_per_person_and_local_day(sqlite_db):
    alice = person("alice")
    assert daily_messages.claim(alice, date(2026, 11, 18), NOW) is True
    assert daily_messages.claim(alice, date(2026, 11, 18), NOW) is False
    assert daily_messages.claim(alice, date(2026, 11, 19), NOW) is True
    assert [r.local_date for r in runs(alice)] == [date(2026, 11, 18), date(2026, 11, 19)]
    # Claimed by hand: the scheduler treats the day as taken and sends nothing.
    assert daily_messages.due_people(NOW) == []


async def test_a_claim_for_someone_who_does_not_exist_is_an_error(sqlite_db):
    with pytest.raises(Exception, match="FOREIGN KEY|foreign key"):
        daily_messages.claim(999_999, date(2026, 11, 18), NOW)


async def test_one_failure_does_not_stop_the_others_and_is_not_retried(sqlite_db, gateway,
                                                                        monkeypatch, caplog):
    alice, bob, carol = person("alice"), person("bob"), person("carol")
    real = daily_messages.build_context

    def broken_for_bob(user_id, now=None):
        if user_id == bob:
            raise RuntimeError("bob's data could not be read")
        return real(user_id, now)

    monkeypatch.setattr(daily_messages, "build_context", broken_for_bob)
    assert await daily_messages.send_daily_messages(NOW, gateway=gateway) == 2
    assert sorted(m.user_id for m in motivation_messages()) == sorted([alice, carol])
    assert "bob's data could not be read" in caplog.text
    [bob_run] = runs(bob)
    assert bob_run.message_id is None  # claimed, never written: what an operator looks for

    monkeypatch.setattr(daily_messages, "build_context", real)
    assert await daily_messages.send_daily_messages(NOW + timedelta(minutes=5), gateway=gateway) == 0
    assert motivation_messages(bob) == []  # not retried today
    assert await daily_messages.send_daily_messages(NOW + timedelta(days=1), gateway=gateway) == 3


# --- two schedulers at once -----------------------------------------------------------------

_instance_engine: ContextVar[Engine | None] = ContextVar("instance_engine", default=None)


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)],
                         indirect=True)
def test_two_schedulers_racing_send_exactly_one_message_per_person(backend, monkeypatch):
    people = [squatter(f"racer{i:02d}", timezone=("UTC", "Europe/Berlin", "America/Chicago")[i % 3],
                       hour=(8, 7, 1)[i % 3])  # all due at NOW: 08:00, 09:00, 02:00 local
              for i in range(RACERS)]
    assert sorted(daily_messages.due_people(NOW)) == sorted(people)

    # Two instances, as two worker processes would be: each its own thread, event loop,
    # engine and connection pool. Both find all twenty people due before either claims any.
    url = reload_settings().resolved_database_url
    real_engine, real_due = db.get_engine, daily_messages.due
    monkeypatch.setattr(db, "get_engine", lambda: _instance_engine.get() or real_engine())
    both_looked = threading.Barrier(2, timeout=30)

    def due_then_wait(now):
        found = real_due(now)
        both_looked.wait()
        return found

    monkeypatch.setattr(daily_messages, "due", due_then_wait)
    claims: list[tuple[int, bool]] = []
    real_claim = daily_messages.claim

    def counted_claim(user_id, local_date, now=None):
        won = real_claim(user_id, local_date, now)
        claims.append((user_id, won))
        return won

    monkeypatch.setattr(daily_messages, "claim", counted_claim)
    sent: dict[str, int] = {}
    errors: list[BaseException] = []

    def instance(label: str) -> None:
        engine = db.make_engine(url)
        _instance_engine.set(engine)  # asyncio.run and to_thread copy this context
        try:
            sent[label] = asyncio.run(daily_messages.send_daily_messages(
                NOW, gateway=Gateway(clock=lambda: NOW)))
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            engine.dispose()

    threads = [threading.Thread(target=instance, args=(label,)) for label in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    assert not any(t.is_alive() for t in threads)

    assert sent["a"] + sent["b"] == RACERS
    assert len(claims) == 2 * RACERS  # every person was claimed by both instances ...
    assert Counter(user for user, won in claims if won) == Counter(people)  # ... and won once
    messages = motivation_messages()
    assert Counter(m.user_id for m in messages) == Counter(people)
    all_runs = runs()
    assert sorted(r.user_id for r in all_runs) == sorted(people)
    by_user = {m.user_id: m for m in messages}
    for run in all_runs:
        assert run.message_id == by_user[run.user_id].id
        assert run.local_date == date(2026, 11, 18)
    for user_id in people:
        assert len(daily_conversations(user_id)) == 1
        assert by_user[user_id].content == motivation.daily_message(user_id, NOW)
        assert "Barbell back squat" in by_user[user_id].content
    assert real_due(NOW) == []


# --- through an AI provider -----------------------------------------------------------------


async def test_with_a_provider_the_ai_writes_the_note_from_the_persons_data(sqlite_db, gateway):
    alice = squatter("alice")
    with db.transaction() as session:
        boss = User(email="boss@example.com", username="boss", username_key="boss", role="admin")
        session.add(boss)
        session.flush()
        boss_id = boss.id or 0
    note = "Your 116.7 kg squat record shows the work is paying off. Keep it going today."
    with run_openai_server() as server:
        providers.create_provider(boss_id, ProviderInput(
            name="Coach", model="coach", priority=10, kind="openai_compatible",
            base_url=server.base_url, timeout_seconds=5.0, api_key="sk-coach-0123456789abcdef"))
        server.default("coach", Reply(content=note))
        assert await daily_messages.send_daily_messages(NOW, gateway=gateway) == 1
        [request] = server.calls("coach")

    [message] = motivation_messages(alice)
    assert (message.content, message.engine, message.notice) == (note, "Coach", "")
    system, user = request.messages
    assert "Barbell back squat" in system["content"]  # the person's data went as context
    assert user == {"role": "user", "content": daily_messages.PROMPT}


# --- the scheduler itself -------------------------------------------------------------------


async def test_the_scheduler_runs_its_jobs_on_the_running_loop(sqlite_db, gateway):
    alice = person("alice")
    with db.transaction() as session:
        cache.store(session, "old", user_id=alice, feature="chat", engine="x", answer="a",
                    now=NOW - timedelta(hours=3), ttl=timedelta(hours=1))
        cache.store(session, "fresh", user_id=alice, feature="chat", engine="x", answer="b",
                    now=NOW, ttl=timedelta(hours=1))
    scheduler = Scheduler(interval_seconds=60, start_jitter_seconds=0, clock=lambda: NOW,
                          gateway=gateway)
    scheduler.start()
    try:
        assert scheduler.running
        assert sorted(scheduler.jobs()) == ["budget-alerts", "daily-motivation", "forget-applied-changes",
                                            "purge-ai-cache", "release-stale-reservations"]
        for _ in range(100):
            await asyncio.sleep(0.05)
            with db.read_only() as session:
                keys = session.exec(select(AiCacheEntry.key)).all()
            if motivation_messages(alice) and keys == ["fresh"]:
                break
        assert len(motivation_messages(alice)) == 1
        assert keys == ["fresh"]
    finally:
        await scheduler.stop()
    assert not scheduler.running


async def test_lifespan_task_starts_and_stops_the_scheduler(sqlite_db, env):
    env.setenv("SCHEDULER_INTERVAL_SECONDS", "120")
    reload_settings()
    async with coach_scheduler.lifespan_task() as scheduler:
        assert scheduler is not None and scheduler.running
        assert scheduler.interval_seconds == 120
        assert "daily-motivation" in scheduler.jobs()
    assert not scheduler.running


async def test_reflex_runs_the_lifespan_task_it_is_registered_with(sqlite_db):
    from reflex.app_mixins.lifespan import LifespanMixin

    app = LifespanMixin()
    app.register_lifespan_task(coach_scheduler.lifespan_task)
    seen = []
    real_start = Scheduler.start

    def start(self):
        seen.append(self)
        real_start(self)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Scheduler, "start", start)
        async with app._run_lifespan_tasks(None):
            [scheduler] = seen
            assert scheduler.running
    assert not scheduler.running


async def test_scheduler_enabled_false_turns_it_off_in_this_process(sqlite_db, env):
    env.setenv("SCHEDULER_ENABLED", "false")
    assert reload_settings().scheduler_enabled is False
    async with coach_scheduler.lifespan_task() as scheduler:
        assert scheduler is None


# --- pushed to the person's devices ---------------------------------------------------------


async def test_the_daily_message_is_pushed_to_the_devices_of_whoever_turned_notifications_on(sqlite_db, gateway, env):
    from tests.fakes.push_service import run_push_service
    from vigor_app.services.coach import text_blocks
    from vigor_app.services.notifications import subscriptions, vapid

    env.setenv("PUSH_ALLOW_LOOPBACK", "true")
    reload_settings()
    alice, bob = squatter("alice"), squatter("bob")
    with run_push_service(expected_key=vapid.public_key()) as service:
        subscriptions.subscribe(alice, service.device("alice-phone").subscription)
        scheduler = Scheduler(clock=lambda: NOW, gateway=gateway)
        assert await scheduler.daily_messages() == 2  # the job the scheduler runs, as it runs it
        [stored] = motivation_messages(alice)
        [pushed] = service.received("alice-phone")
        assert pushed["title"] == "Your coach" and pushed["url"] == "/coach" and pushed["tag"] == "coach"
        flat = text_blocks.one_line(stored.content)  # the stored message on one line, cut where it is long
        assert pushed["body"] == flat if len(flat) <= 240 else flat.startswith(pushed["body"].rstrip("…"))
        assert len(service.attempts) == 1 and service.rejected == []  # Bob has no device: nothing sent
        assert motivation_messages(bob)
        # Tomorrow's run finds her device gone: the message is still stored, the device removed.
        service.answer("alice-phone", 410)
        assert await daily_messages.send_daily_messages(NOW + timedelta(days=1), gateway=gateway) == 2
        assert len(motivation_messages(alice)) == 2 and not subscriptions.has_devices(alice)
