"""What the admin console shows about the AI: figures summed from ``ai_attempts``.

Everything here is read-only and checked by ``require_admin``. The words used on screen:

- a **call** is one attempt that reached a provider (``ok``, a failure, ``abandoned`` or
  still ``pending``); skips (``skipped``, ``circuit_open``), cache hits and built-in answers
  are not calls;
- a **request** is what a person asked for: one ``final`` row each, whoever answered it
  (a provider, the cache or the built-in engine);
- **error rate** is failed calls (``outcomes.FAILURES``) over finished calls (not pending),
  **median latency** the median of finished calls' latency;
- **cost** is the sum of ``cost_micros`` (integer micro-dollars), **tokens** input plus output.

Days are UTC days; a period of N days is today and the N-1 days before it.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy
from sqlalchemy import case, func
from sqlmodel import Session, col, select

from vigor_app import __version__, db
from vigor_app.clock import utcnow
from vigor_app.models import AiAttempt, User
from vigor_app.services import job_status
from vigor_app.services.accounts.roles import require_admin
from vigor_app.services.admin import health
from vigor_app.services.ai import outcomes, provider_health, providers
from vigor_app.services.ai.outcomes import BUILTIN_ENGINE
from vigor_app.services.ai.windows import usage_windows
from vigor_app.services.errors import ValidationError

PERIODS = (7, 30, 90)
FEATURES = ("plan", "chat", "analysis", "motivation")
CALLED = frozenset(outcomes.FAILURES | {outcomes.OK, outcomes.ABANDONED, outcomes.PENDING})
FINISHED = CALLED - {outcomes.PENDING}
TOP_USERS = 10
BUILTIN_LABEL = providers.BUILTIN_LABEL


def _day(value: Any) -> str:
    """A UTC day as ``YYYY-MM-DD`` from what the database's date() gives back."""
    return value.isoformat()[:10] if hasattr(value, "isoformat") else str(value)[:10]


# --- providers ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ProviderStats:
    calls_24h: int = 0
    failures_24h: int = 0
    finished_24h: int = 0
    median_latency_ms: int | None = None
    spend_month_micros: int = 0

    @property
    def error_rate(self) -> float | None:
        return None if not self.finished_24h else self.failures_24h / self.finished_24h


def provider_stats(session: Session, now: datetime) -> dict[int, ProviderStats]:
    """Each provider's last 24 hours and this UTC month, by provider id (no admin check:
    callers check)."""
    since = now - timedelta(hours=24)
    month_start = usage_windows(now, "UTC").month.starts_at
    latencies: dict[int, list[int]] = defaultdict(list)
    calls: dict[int, int] = defaultdict(int)
    failures: dict[int, int] = defaultdict(int)
    rows = session.exec(
        select(AiAttempt.provider_id, AiAttempt.outcome, AiAttempt.latency_ms)
        .where(col(AiAttempt.provider_id).is_not(None), col(AiAttempt.created_at) >= since,
               col(AiAttempt.outcome).in_(CALLED))
    ).all()
    for provider_id, outcome, latency in rows:
        assert provider_id is not None  # the query keeps attempts with a provider
        calls[provider_id] += 1
        if outcome in outcomes.FAILURES:
            failures[provider_id] += 1
        if outcome in FINISHED:
            latencies[provider_id].append(latency)
    spend: dict[int, int] = {}
    for provider_id, total in session.exec(
        select(AiAttempt.provider_id, func.coalesce(func.sum(AiAttempt.cost_micros), 0))
        .where(col(AiAttempt.provider_id).is_not(None), col(AiAttempt.created_at) >= month_start)
        .group_by(col(AiAttempt.provider_id))
    ).all():
        assert provider_id is not None  # the query keeps attempts with a provider
        spend[provider_id] = total
    found = {}
    for provider_id in set(calls) | set(spend):
        done = latencies.get(provider_id, [])
        found[provider_id] = ProviderStats(
            calls_24h=calls.get(provider_id, 0), failures_24h=failures.get(provider_id, 0),
            finished_24h=len(done),
            median_latency_ms=round(statistics.median(done)) if done else None,
            spend_month_micros=int(spend.get(provider_id, 0)),
        )
    return found


def builtin_answers_24h(session: Session, now: datetime) -> int:
    return int(session.exec(
        select(func.count()).select_from(AiAttempt)
        .where(AiAttempt.outcome == outcomes.BUILTIN, col(AiAttempt.final).is_(True),
               col(AiAttempt.created_at) >= now - timedelta(hours=24))
    ).one())


@dataclass(frozen=True)
class ProviderOverview:
    provider: providers.ProviderView
    stats: ProviderStats


def provider_overview(actor_id: int, now: datetime | None = None) -> list[ProviderOverview]:
    """Every provider in the order the gateway tries them, with its figures; the built-in
    coach last (its "calls" are the answers it gave)."""
    now = now or utcnow()
    listed = providers.list_providers(actor_id)
    with db.read_only() as session:
        require_admin(session, actor_id)
        stats = provider_stats(session, now)
        builtin = builtin_answers_24h(session, now)
    return [
        ProviderOverview(p, ProviderStats(calls_24h=builtin, finished_24h=builtin)
                         if p.builtin else stats.get(p.id or 0, ProviderStats()))
        for p in listed
    ]


# --- usage over a period ----------------------------------------------------------------


@dataclass(frozen=True)
class ProviderTotal:
    name: str
    calls: int
    failures: int
    input_tokens: int
    output_tokens: int
    cost_micros: int
    over_reported: int = 0  # tokens the provider reported beyond what it was charged for

    @property
    def tokens(self) -> int:
        return self.input_tokens + self.output_tokens


@dataclass(frozen=True)
class FeatureTotal:
    feature: str
    requests: int
    cost_micros: int


@dataclass(frozen=True)
class TopUser:
    user_id: int | None
    username: str
    email: str
    requests: int
    cost_micros: int


@dataclass(frozen=True)
class UsageReport:
    days: int
    starts_at: datetime
    ends_at: datetime
    day_keys: tuple[str, ...]
    series: tuple[str, ...]  # provider names (as recorded), then the built-in coach
    # per day, per series name: calls (the built-in coach: its answers), tokens, cost
    calls_by_day: dict[str, dict[str, int]]
    tokens_by_day: dict[str, dict[str, int]]
    cost_by_day: dict[str, dict[str, int]]
    providers: tuple[ProviderTotal, ...]
    features: tuple[FeatureTotal, ...]
    requests: int  # final rows
    cache_hits: int
    builtin_answers: int
    builtin_reasons: dict[str, int]
    top_users: tuple[TopUser, ...]
    cost_micros: int
    tokens: int

    @property
    def cache_hit_rate(self) -> float | None:
        return None if not self.requests else self.cache_hits / self.requests

    @property
    def fallback_rate(self) -> float | None:
        return None if not self.requests else self.builtin_answers / self.requests


def period_bounds(days: int, now: datetime) -> tuple[datetime, datetime, tuple[str, ...]]:
    if days not in PERIODS:
        raise ValidationError(f"Choose {', '.join(map(str, PERIODS))} days.", field="days")
    today = now.astimezone(UTC).date()
    first = today - timedelta(days=days - 1)
    starts = datetime(first.year, first.month, first.day, tzinfo=UTC)
    ends = datetime(today.year, today.month, today.day, tzinfo=UTC) + timedelta(days=1)
    keys = tuple((first + timedelta(days=i)).isoformat() for i in range(days))
    return starts, ends, keys


def usage_report(actor_id: int, days: int = 30, now: datetime | None = None) -> UsageReport:
    now = now or utcnow()
    starts, ends, keys = period_bounds(days, now)
    with db.read_only() as session:
        require_admin(session, actor_id)
        return _usage(session, days, starts, ends, keys)


def _usage(session: Session, days: int, starts: datetime, ends: datetime,
           keys: tuple[str, ...]) -> UsageReport:
    in_period = (col(AiAttempt.created_at) >= starts, col(AiAttempt.created_at) < ends)
    day = func.date(AiAttempt.created_at)
    failed = func.sum(case((col(AiAttempt.outcome).in_(outcomes.FAILURES), 1), else_=0))
    over = (func.coalesce(AiAttempt.reported_input_tokens, AiAttempt.input_tokens)
            - AiAttempt.input_tokens
            + func.coalesce(AiAttempt.reported_output_tokens, AiAttempt.output_tokens)
            - AiAttempt.output_tokens)
    calls = session.execute(
        sqlalchemy.select(day, col(AiAttempt.provider_name), func.count(), failed,
                          func.sum(AiAttempt.input_tokens), func.sum(AiAttempt.output_tokens),
                          func.sum(AiAttempt.cost_micros), func.sum(over))
        .where(*in_period, col(AiAttempt.outcome).in_(CALLED))
        .group_by(day, col(AiAttempt.provider_name))
    ).all()
    builtin = session.exec(
        select(day, func.count())
        .where(*in_period, AiAttempt.outcome == outcomes.BUILTIN, col(AiAttempt.final).is_(True))
        .group_by(day)
    ).all()

    calls_by_day: dict[str, dict[str, int]] = {k: {} for k in keys}
    tokens_by_day: dict[str, dict[str, int]] = {k: {} for k in keys}
    cost_by_day: dict[str, dict[str, int]] = {k: {} for k in keys}
    totals: dict[str, list[int]] = {}
    for when, name, count, failures, tokens_in, tokens_out, cost, over_reported in calls:
        key = _day(when)
        tokens = int(tokens_in or 0) + int(tokens_out or 0)
        for table, value in ((calls_by_day, int(count)), (tokens_by_day, tokens),
                             (cost_by_day, int(cost or 0))):
            table.setdefault(key, {})[name] = table.get(key, {}).get(name, 0) + value
        total = totals.setdefault(name, [0, 0, 0, 0, 0, 0])
        for i, value in enumerate((count, failures, tokens_in, tokens_out, cost, over_reported)):
            total[i] += int(value or 0)
    for when, count in builtin:
        calls_by_day.setdefault(_day(when), {})[BUILTIN_LABEL] = int(count)

    provider_totals = tuple(sorted(
        (ProviderTotal(name, *values) for name, values in totals.items()),
        key=lambda t: (-t.cost_micros, -t.calls, t.name)))
    series = tuple(t.name for t in provider_totals) + (BUILTIN_LABEL,)

    by_feature = {f: [0, 0] for f in FEATURES}
    for feature, requests, cost in session.exec(
        select(AiAttempt.feature, func.sum(case((col(AiAttempt.final).is_(True), 1), else_=0)),
               func.sum(AiAttempt.cost_micros))
        .where(*in_period).group_by(col(AiAttempt.feature))
    ).all():
        entry = by_feature.setdefault(feature, [0, 0])
        entry[0] += int(requests or 0)
        entry[1] += int(cost or 0)
    features = tuple(FeatureTotal(f, r, c) for f, (r, c) in by_feature.items())

    finals = session.exec(
        select(col(AiAttempt.cache_hit), AiAttempt.engine, AiAttempt.builtin_reason, func.count())
        .where(*in_period, col(AiAttempt.final).is_(True))
        .group_by(col(AiAttempt.cache_hit), col(AiAttempt.engine), col(AiAttempt.builtin_reason))
    ).all()
    requests = cache_hits = builtin_answers = 0
    reasons: dict[str, int] = {}
    for cache_hit, engine, reason, count in finals:
        requests += count
        if cache_hit:
            cache_hits += count
        elif engine == BUILTIN_ENGINE:
            builtin_answers += count
            reasons[reason or "unknown"] = reasons.get(reason or "unknown", 0) + count

    spend = func.sum(AiAttempt.cost_micros)
    per_user = session.exec(
        select(AiAttempt.user_id, spend,
               func.sum(case((col(AiAttempt.final).is_(True), 1), else_=0)))
        .where(*in_period).group_by(col(AiAttempt.user_id))
        .order_by(spend.desc(), col(AiAttempt.user_id))
    ).all()
    ranked = [r for r in per_user if (r[1] or 0) > 0 or (r[2] or 0) > 0][:TOP_USERS]
    ids = [r[0] for r in ranked if r[0] is not None]
    people = {u.id: u for u in session.exec(select(User).where(col(User.id).in_(ids))).all()} if ids else {}
    top = tuple(
        TopUser(user_id, people[user_id].username if user_id in people else "deleted account",
                people[user_id].email if user_id in people else "", int(requests or 0), int(cost or 0))
        for user_id, cost, requests in ranked
    )
    return UsageReport(
        days=days, starts_at=starts, ends_at=ends, day_keys=keys, series=series,
        calls_by_day=calls_by_day, tokens_by_day=tokens_by_day, cost_by_day=cost_by_day,
        providers=provider_totals, features=features, requests=requests, cache_hits=cache_hits,
        builtin_answers=builtin_answers, builtin_reasons=reasons, top_users=top,
        cost_micros=sum(t.cost_micros for t in provider_totals),
        tokens=sum(t.tokens for t in provider_totals),
    )


# --- the system ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SchedulerStatus:
    running: bool
    detail: dict[str, Any]


@dataclass(frozen=True)
class SystemReport:
    version: str
    healthy: bool
    health: dict[str, Any]  # what /health answers
    scheduler: SchedulerStatus
    circuits: tuple[provider_health.CircuitView, ...]
    enabled: dict[int, bool]


def scheduler_status() -> SchedulerStatus:
    """This worker's scheduler, as it reports itself; a failure to report shows as not running."""
    try:
        found = job_status.status()
    except Exception as exc:  # noqa: BLE001 - shown as a failure, never raised into the page
        return SchedulerStatus(False, {"error": type(exc).__name__})
    return SchedulerStatus(bool(found.get("running")), dict(found))


def system_report(actor_id: int) -> SystemReport:
    with db.read_only() as session:
        require_admin(session, actor_id)
    healthy, report = health.check()
    circuits = provider_health.circuit_report(actor_id)
    enabled = {p.id: p.enabled for p in providers.list_providers(actor_id) if p.id is not None}
    return SystemReport(version=__version__, healthy=healthy, health=report,
                        scheduler=scheduler_status(), circuits=tuple(circuits), enabled=enabled)
