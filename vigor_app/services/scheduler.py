"""The scheduler: every periodic job of this process, on APScheduler.

Jobs (``Scheduler``):

- **daily motivation**, every ``SCHEDULER_INTERVAL_SECONDS`` (5 minutes by default):
  ``coach.daily_messages.send_daily_messages`` finds the people who asked for a daily message
  and whose local time has reached their ``motivation_hour``, and sends each one message for
  their local day (exactly once however many workers run it: see that module).
- **stale reservations**, every 5 minutes: ``budgets.release_stale_reservations()`` settles
  the money a crashed worker left reserved.
- **cache purge**, hourly: ``purge_ai_cache()`` deletes expired AI cache entries.
- **budget alerts**, every 5 minutes: ``budget_alerts.check_and_notify()`` logs and e-mails the
  admins once per budget and period when spend crosses the alert threshold (claimed in the
  database, so one e-mail however many workers look).

Every Reflex worker runs its lifespan tasks, so every worker runs this scheduler; nothing here
elects a leader: each job is safe to run in several processes at once.

**Why AsyncIOScheduler.** Reflex serves from one asyncio event loop per worker, and lifespan
tasks run on it. ``AsyncIOScheduler`` puts its timer on that loop: the daily job is a
coroutine running on the same loop as the rest of the app (its database work goes to
threads with ``asyncio.to_thread``, as the gateway's does, so the loop never blocks), and
plain-function jobs run in the loop's default thread pool. A ``BackgroundScheduler`` would
need a thread with an event loop of its own for each run; the gateway's openai clients and
their connection pools belong to the loop that made them, so they would be built anew for
every run and never shared with the app's loop.

What this process's scheduler reports (``status``) lives in ``services/job_status.py``, so
the admin console can read it without importing the jobs.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger

from vigor_app import db
from vigor_app.clock import as_utc, utcnow
from vigor_app.services import job_status
from vigor_app.services.admin import budget_alerts
from vigor_app.services.ai import budgets, cache
from vigor_app.services.ai import gateway as ai_gateway
from vigor_app.services.coach.daily_messages import send_daily_messages
from vigor_app.services.training import set_changes
from vigor_app.settings import get_settings

log = logging.getLogger(__name__)

DEFAULT_INTERVAL_SECONDS = 300
RESERVATIONS_INTERVAL_SECONDS = 300
CACHE_PURGE_INTERVAL_SECONDS = 3600
BUDGET_ALERTS_INTERVAL_SECONDS = 300
START_JITTER_SECONDS = 30  # first runs spread over this many seconds, so workers don't collide
STOP_GRACE_SECONDS = 10.0


# --- housekeeping ---------------------------------------------------------------------------


def purge_ai_cache(now: datetime | None = None) -> int:
    """Delete expired AI cache entries; returns how many."""
    with db.transaction() as session:
        return cache.purge_expired(session, as_utc(now or utcnow()))


# --- the scheduler --------------------------------------------------------------------------


class Scheduler:
    """APScheduler's AsyncIOScheduler on the running event loop, with Vigor's periodic jobs.

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
        add(self.forget_applied_changes, IntervalTrigger(seconds=self.cache_purge_seconds),
            id="forget-applied-changes", name="Forget the API's old idempotency keys",
            next_run_time=self._first_run(), replace_existing=True)
        add(self.check_budgets, IntervalTrigger(seconds=self.budget_alerts_seconds), id="budget-alerts",
            name="AI budget alerts", next_run_time=self._first_run(), replace_existing=True)
        self._scheduler.start()
        log.info("Scheduler started: daily motivation every %d s, stale reservations every %d s, "
                 "cache purge and old API keys every %d s, budget alerts every %d s", self.interval_seconds,
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

    def forget_applied_changes(self) -> int:  # runs in the loop's thread pool
        """Idempotency keys of the API's set changes older than `set_changes.KEPT_FOR` go."""
        return set_changes.forget_old(now=self.clock())

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


@asynccontextmanager
async def lifespan_task() -> AsyncIterator[Scheduler | None]:
    """For ``app.register_lifespan_task``: runs the scheduler in this worker while the app
    runs, when ``SCHEDULER_ENABLED`` (the default) is on."""
    settings = get_settings()
    if not settings.scheduler_enabled:
        log.info("Scheduler is off in this process (SCHEDULER_ENABLED=false)")
        yield None
        return
    scheduler = Scheduler(interval_seconds=settings.scheduler_interval_seconds)
    scheduler.start()
    job_status.running(scheduler)
    try:
        yield scheduler
    finally:
        job_status.running(None)
        await scheduler.stop()
