"""The scheduler: the coach's daily motivation message, and the AI gateway's housekeeping.

Jobs (``Scheduler``):

- **daily motivation**, every ``SCHEDULER_INTERVAL_SECONDS`` (5 minutes by default):
  ``send_daily_messages`` finds the people who asked for a daily message and whose local
  time has reached their ``motivation_hour``, and sends each one message for their local day.
- **stale reservations**, every 5 minutes: ``budgets.release_stale_reservations()`` settles
  the money a crashed worker left reserved.
- **cache purge**, hourly: ``purge_ai_cache()`` deletes expired AI cache entries.
- **budget alerts**, every 5 minutes: ``budget_alerts.check_and_notify()`` logs and e-mails the
  admins once per budget and period when spend crosses the alert threshold (claimed in the
  database, so one e-mail however many workers look).

**Exactly once, in every worker.** Every Reflex worker runs its lifespan tasks, so every
worker runs this scheduler; nothing here elects a leader. Exactly-once comes from the
database: before anything is written for a person, ``claim`` inserts their
``DailyMotivationRun`` row for the local date, and the UNIQUE (user_id, local_date)
constraint lets exactly one insert succeed, however many processes race (SQLite serialises
writers; PostgreSQL makes the second insert wait for the first to commit, then fail). Only
the process whose insert succeeded asks the gateway and posts the message.

**A failure is not retried.** A claim is taken *before* the message is written. If the
gateway, the context or the database fails after the claim, the error is logged, the run
row stays (``message_id`` NULL) and that person gets no message for that local day: the
claim is what stops every worker from retrying a failing person every few minutes (and
spending a quota unit, or money, each time). Missing one day's note is the cheaper failure;
the next local day starts afresh. Rows with ``message_id`` NULL are the ones to look into.

**Why AsyncIOScheduler.** Reflex serves from one asyncio event loop per worker, and lifespan
tasks run on it. ``AsyncIOScheduler`` puts its timer on that loop: the daily job is a
coroutine running on the same loop as the rest of the app (its database work goes to
threads with ``asyncio.to_thread``, as the gateway's does, so the loop never blocks), and
plain-function jobs run in the loop's default thread pool. A ``BackgroundScheduler`` would
need a thread with an event loop of its own for each run; the gateway's openai clients and
their connection pools belong to the loop that made them, so they would be built anew for
every run and never shared with the app's loop.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import AsyncIterator, Callable
from contextlib import aclosing, asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import partial

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select

from vigor_app import db
from vigor_app.clock import utcnow
from vigor_app.models import DailyMotivationRun, FitnessProfile, User
from vigor_app.models.coach import KIND_MOTIVATION
from vigor_app.services import budget_alerts, coach_history
from vigor_app.services.ai import budgets, cache
from vigor_app.services.ai import gateway as ai_gateway
from vigor_app.services.ai.outcomes import BUILTIN_ENGINE
from vigor_app.services.ai.windows import zone
from vigor_app.services.coach import motivation
from vigor_app.services.coach.context import CoachContext, build_context
from vigor_app.settings import get_settings

log = logging.getLogger(__name__)

FEATURE = "motivation"
DEFAULT_INTERVAL_SECONDS = 300
RESERVATIONS_INTERVAL_SECONDS = 300
CACHE_PURGE_INTERVAL_SECONDS = 3600
BUDGET_ALERTS_INTERVAL_SECONDS = 300
DEFAULT_CONCURRENCY = 4  # people one process writes to at once (each is one gateway call)
START_JITTER_SECONDS = 30  # first runs spread over this many seconds, so workers don't collide
STOP_GRACE_SECONDS = 10.0

PROMPT = ("Write today's motivational note for me: two or three short, warm sentences. Name one "
          "real thing from my training above (a recent record, my streak, a session I finished, "
          "or today's planned session) and what comes next. Plain text: no lists, no headings, "
          "no greeting line.")
CUT_NOTICE = ("Vigor's AI coach couldn't finish today's note, so it comes from Vigor's built-in "
              "coach.")


@dataclass(frozen=True)
class Due:
    user_id: int
    local_date: date  # the person's local date at `now`: the day the message is for


# --- who is due -----------------------------------------------------------------------------


def _aware(now: datetime | None) -> datetime:
    now = now or utcnow()
    return now if now.tzinfo is not None else now.replace(tzinfo=UTC)


def due(now: datetime) -> list[Due]:
    """People due a message at `now`, with the local date each message is for."""
    now = _aware(now)
    with db.read_only() as session:
        rows = session.exec(
            select(FitnessProfile.user_id, FitnessProfile.timezone, FitnessProfile.motivation_hour)
            .join(User, col(User.id) == FitnessProfile.user_id)
            .where(col(FitnessProfile.daily_motivation).is_(True), col(User.is_active).is_(True))
        ).all()
        candidates: list[Due] = []
        for user_id, timezone, hour in rows:
            local = now.astimezone(zone(timezone))  # an unknown zone counts as UTC
            if local.hour >= hour:
                candidates.append(Due(user_id, local.date()))
        if not candidates:
            return []
        # Around the world, `now` falls on at most three local dates: ask for those days' runs.
        days = sorted({c.local_date for c in candidates})
        done = {(user_id, day) for user_id, day in session.exec(
            select(DailyMotivationRun.user_id, DailyMotivationRun.local_date)
            .where(col(DailyMotivationRun.local_date).in_(days))).all()}
    return [c for c in candidates if (c.user_id, c.local_date) not in done]


def due_people(now: datetime) -> list[int]:
    """Ids of the people with daily motivation on whose local time (their profile's time
    zone; UTC when unknown) is at or past their motivation hour today, and who have had no
    message for that local date yet."""
    return [d.user_id for d in due(now)]


# --- the claim ------------------------------------------------------------------------------


def _claimed(user_id: int, local_date: date) -> bool:
    with db.read_only() as session:
        return session.exec(select(DailyMotivationRun.id).where(
            DailyMotivationRun.user_id == user_id,
            DailyMotivationRun.local_date == local_date)).first() is not None


def claim(user_id: int, local_date: date, now: datetime | None = None) -> bool:
    """Take the person's message for `local_date`: insert its run row in a transaction of
    its own. True when this call inserted it; False when the unique (user_id, local_date)
    constraint says another process (or an earlier run) already did."""
    try:
        with db.transaction() as session:
            session.add(DailyMotivationRun(user_id=user_id, local_date=local_date,
                                           created_at=_aware(now)))
    except IntegrityError:
        if _claimed(user_id, local_date):
            return False
        raise  # not the unique key (the person is gone, say): a real error
    return True


def _record_message(user_id: int, local_date: date, message_id: int) -> None:
    with db.transaction() as session:
        session.execute(update(DailyMotivationRun)
                        .where(col(DailyMotivationRun.user_id) == user_id,
                               col(DailyMotivationRun.local_date) == local_date)
                        .values(message_id=message_id))


# --- one message ----------------------------------------------------------------------------


async def _ask_gateway(user_id: int, context: CoachContext, builtin_text: str,
                       gateway: ai_gateway.Gateway | None) -> tuple[str, str, str]:
    """(text, engine, notice) of the gateway's answer; quotas, budgets and fallbacks are its."""
    messages = [{"role": "user", "content": PROMPT}]
    kwargs = {"builtin": lambda: builtin_text, "context": context.as_text()}
    chunks = (gateway.stream_chat(user_id, FEATURE, messages, **kwargs) if gateway is not None
              else ai_gateway.stream_chat(user_id, FEATURE, messages, **kwargs))
    parts: list[str] = []
    engine, notice = BUILTIN_ENGINE, ""
    async with aclosing(chunks) as stream:
        async for chunk in stream:
            if chunk.done:
                engine, notice = chunk.engine or BUILTIN_ENGINE, chunk.notice or ""
                if chunk.replace is not None:  # the AI's note broke the safety rules
                    return builtin_text, BUILTIN_ENGINE, CUT_NOTICE
            else:
                parts.append(chunk.text)
    text = "".join(parts).strip()
    if engine != BUILTIN_ENGINE and (not text or notice == ai_gateway.STREAM_CUT_NOTICE):
        # Half a note (the provider stopped mid-stream) or none: today's built-in note instead.
        return builtin_text, BUILTIN_ENGINE, CUT_NOTICE
    return text or builtin_text, engine, notice


async def send_one(person: Due, now: datetime, *,
                   gateway: ai_gateway.Gateway | None = None) -> bool:
    """Claim and send one person's message for their local date. True when this call sent
    it; False when someone else had claimed it, or on a failure (logged; not retried)."""
    try:
        if not await asyncio.to_thread(claim, person.user_id, person.local_date, now):
            return False
    except Exception:  # noqa: BLE001 - nothing claimed: the next run tries again
        log.exception("Daily motivation: could not claim user %s's message for %s",
                      person.user_id, person.local_date)
        return False
    try:
        context = await asyncio.to_thread(build_context, person.user_id, now)
        builtin_text = motivation.message_for(context)  # = motivation.daily_message(user_id, now)
        text, engine, notice = await _ask_gateway(person.user_id, context, builtin_text, gateway)
        message = await asyncio.to_thread(partial(
            coach_history.post_from_coach, person.user_id, KIND_MOTIVATION, text, engine=engine,
            notice=notice, now=now))
        await asyncio.to_thread(_record_message, person.user_id, person.local_date, message.id)
    except Exception:  # noqa: BLE001 - one person's failure never stops the others
        log.exception("Daily motivation for user %s on %s failed; the claim stays, so it is not "
                      "retried today", person.user_id, person.local_date)
        return False
    return True


async def send_daily_messages(now: datetime | None = None, *,
                              gateway: ai_gateway.Gateway | None = None,
                              concurrency: int = DEFAULT_CONCURRENCY) -> int:
    """Send every due person their daily message; returns how many this call sent.

    Safe to run in any number of processes at once: each person's message is claimed in the
    database first, and only the claim's winner writes it. `gateway` (tests) replaces the
    process-wide gateway, e.g. to give it the same fixed clock."""
    now = _aware(now)
    people = await asyncio.to_thread(due, now)
    if not people:
        return 0
    random.shuffle(people)  # racing workers mostly take different people first
    gate = asyncio.Semaphore(max(1, concurrency))

    async def one(person: Due) -> bool:
        async with gate:
            return await send_one(person, now, gateway=gateway)

    sent = sum(await asyncio.gather(*(one(p) for p in people)))
    log.info("Daily motivation: %d due, %d sent by this process", len(people), sent)
    return sent


# --- housekeeping ---------------------------------------------------------------------------


def purge_ai_cache(now: datetime | None = None) -> int:
    """Delete expired AI cache entries; returns how many."""
    with db.transaction() as session:
        return cache.purge_expired(session, _aware(now))


# --- the scheduler --------------------------------------------------------------------------


class Scheduler:
    """APScheduler's AsyncIOScheduler on the running event loop, with Vigor's three jobs.

    Start it from inside the event loop (a lifespan task); every worker may run one."""

    def __init__(self, *, interval_seconds: int | None = None,
                 reservations_seconds: int = RESERVATIONS_INTERVAL_SECONDS,
                 cache_purge_seconds: int = CACHE_PURGE_INTERVAL_SECONDS,
                 budget_alerts_seconds: int = BUDGET_ALERTS_INTERVAL_SECONDS,
                 start_jitter_seconds: float = START_JITTER_SECONDS,
                 clock: Callable[[], datetime] = utcnow,
                 gateway: ai_gateway.Gateway | None = None) -> None:
        self.interval_seconds = interval_seconds or get_settings().scheduler_interval_seconds
        self.reservations_seconds = reservations_seconds
        self.cache_purge_seconds = cache_purge_seconds
        self.budget_alerts_seconds = budget_alerts_seconds
        self.start_jitter_seconds = start_jitter_seconds
        self.clock = clock
        self.gateway = gateway
        self._scheduler = AsyncIOScheduler(timezone=UTC, job_defaults={
            "coalesce": True,  # a late run stands in for the ones it missed
            "max_instances": 1,  # never two runs of one job in one process
            "misfire_grace_time": None,  # late is better than never
        })
        self._running: set[asyncio.Task] = set()

    @property
    def running(self) -> bool:
        return self._scheduler.running

    def jobs(self) -> list[str]:
        return [job.id for job in self._scheduler.get_jobs()]

    def _first_run(self) -> datetime:
        return datetime.now(UTC) + timedelta(seconds=random.uniform(0, self.start_jitter_seconds))

    def start(self) -> None:
        """Add the jobs and start; call from inside the running event loop."""
        if self.running:
            return
        quiet = logging.getLogger("apscheduler")
        if quiet.level == logging.NOTSET:  # "Running job ..." every few minutes, per worker
            quiet.setLevel(logging.WARNING)
        add = self._scheduler.add_job
        add(self.daily_messages, IntervalTrigger(seconds=self.interval_seconds), id="daily-motivation",
            name="Daily motivation messages", next_run_time=self._first_run(), replace_existing=True)
        add(self.release_reservations, IntervalTrigger(seconds=self.reservations_seconds),
            id="release-stale-reservations", name="Release stale AI reservations",
            next_run_time=self._first_run(), replace_existing=True)
        add(self.purge_cache, IntervalTrigger(seconds=self.cache_purge_seconds), id="purge-ai-cache",
            name="Purge expired AI cache entries", next_run_time=self._first_run(),
            replace_existing=True)
        add(self.check_budgets, IntervalTrigger(seconds=self.budget_alerts_seconds), id="budget-alerts",
            name="AI budget alerts", next_run_time=self._first_run(), replace_existing=True)
        self._scheduler.start()
        log.info("Scheduler started: daily motivation every %d s, stale reservations every %d s, "
                 "cache purge every %d s, budget alerts every %d s", self.interval_seconds,
                 self.reservations_seconds, self.cache_purge_seconds, self.budget_alerts_seconds)

    def shutdown(self) -> None:
        """Stop at once: no new runs; a run in progress is cancelled."""
        if self.running:
            self._scheduler.shutdown(wait=False)

    async def stop(self, grace_seconds: float = STOP_GRACE_SECONDS) -> None:
        """Stop starting runs, give a daily run in progress `grace_seconds` to finish (a
        cancelled run may leave a claimed person without today's message), then shut down."""
        if not self.running:
            return
        self._scheduler.pause()
        if self._running:
            await asyncio.wait(set(self._running), timeout=grace_seconds)
        self.shutdown()
        await asyncio.sleep(0)  # AsyncIOScheduler shuts down on the loop's next turn
        log.info("Scheduler stopped")

    # -- the jobs --------------------------------------------------------------------------

    async def daily_messages(self) -> int:
        task = asyncio.current_task()
        if task is not None:
            self._running.add(task)
        try:
            return await send_daily_messages(self.clock(), gateway=self.gateway)
        finally:
            if task is not None:
                self._running.discard(task)

    def release_reservations(self) -> int:  # runs in the loop's thread pool
        released = budgets.release_stale_reservations(self.clock())
        if released:
            log.warning("Released %d stale AI reservation(s) left by a stopped worker", released)
        return released

    def purge_cache(self) -> int:  # runs in the loop's thread pool
        purged = purge_ai_cache(self.clock())
        if purged:
            log.info("Purged %d expired AI cache entr%s", purged, "y" if purged == 1 else "ies")
        return purged

    def check_budgets(self) -> int:  # runs in the loop's thread pool
        """Alert the admins about budgets past their threshold (once per budget and period)."""
        return len(budget_alerts.check_and_notify(self.clock()))

    def status(self) -> dict:
        """What the admin console's System page shows: running, and each job's next run."""
        jobs = {}
        for job in self._scheduler.get_jobs() if self.running else []:
            nxt = job.next_run_time
            jobs[job.name] = nxt.astimezone(UTC).strftime("next %Y-%m-%d %H:%M:%S UTC") if nxt else "paused"
        return {"running": self.running, "daily_interval_seconds": self.interval_seconds, "jobs": jobs}


_current: Scheduler | None = None  # this process's scheduler, while the app runs


def status() -> dict:
    """This worker's scheduler: running or not (and why not), with its jobs."""
    if not get_settings().scheduler_enabled:
        return {"running": False, "reason": "SCHEDULER_ENABLED=false in this process"}
    if _current is None:
        return {"running": False, "reason": "not started in this process"}
    return _current.status()


@asynccontextmanager
async def lifespan_task() -> AsyncIterator[Scheduler | None]:
    """For ``app.register_lifespan_task``: runs the scheduler in this worker while the app
    runs, when ``SCHEDULER_ENABLED`` (the default) is on."""
    settings = get_settings()
    if not settings.scheduler_enabled:
        log.info("Scheduler is off in this process (SCHEDULER_ENABLED=false)")
        yield None
        return
    global _current
    scheduler = Scheduler(interval_seconds=settings.scheduler_interval_seconds)
    scheduler.start()
    _current = scheduler
    try:
        yield scheduler
    finally:
        _current = None
        await scheduler.stop()
