"""The AI gateway's tables: providers, their circuits, counters, cache, limits and every attempt.

Money is stored as integer micro-dollars (1 USD = 1 000 000); prices as micro-dollars per
million tokens. Counter and budget columns are 64-bit: a month's spend can pass $2 147.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, Column, ForeignKey, Index, Integer, String, Text
from sqlmodel import Field, SQLModel

from vigor_app.clock import utcnow
from vigor_app.models.ids import NEVER_REUSED


def _user_fk(*, nullable: bool, ondelete: str, index: bool = True) -> Column:
    return Column(Integer, ForeignKey("users.id", ondelete=ondelete), nullable=nullable, index=index)


class AiProvider(SQLModel, table=True):
    """One LLM endpoint admins configured. The API key is Fernet-encrypted (services/ai/crypto)."""

    __tablename__ = "ai_providers"
    __table_args__ = NEVER_REUSED  # audit entries name providers by id

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=64, unique=True)
    kind: str = Field(max_length=24)  # openai | azure_openai | gemini | perplexity | openai_compatible
    base_url: str = Field(default="", max_length=500)
    model: str = Field(max_length=120)  # for Azure: the deployment name
    api_version: str | None = Field(default=None, max_length=32)  # Azure only
    api_key_encrypted: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    api_key_last4: str = Field(default="", max_length=4)
    priority: int = Field(default=100, index=True)  # lower answers first
    enabled: bool = Field(default=True)
    input_price_micros: int = Field(default=0, sa_column=Column(BigInteger, nullable=False))
    output_price_micros: int = Field(default=0, sa_column=Column(BigInteger, nullable=False))
    timeout_ms: int = Field(default=30_000)
    max_output_tokens: int = Field(default=4096)
    daily_cap_micros: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    structured_output: bool = Field(default=True)  # send response_format json_schema for plans
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class AiCircuit(SQLModel, table=True):
    """A provider's circuit breaker, shared by every worker process through the database."""

    __tablename__ = "ai_circuits"

    provider_id: int = Field(
        sa_column=Column(Integer, ForeignKey("ai_providers.id", ondelete="CASCADE"), primary_key=True)
    )
    state: str = Field(default="closed", max_length=16)  # closed | open | half_open
    consecutive_failures: int = Field(default=0)
    opened_at: datetime | None = Field(default=None)
    trial_started_at: datetime | None = Field(default=None)
    last_failure_at: datetime | None = Field(default=None)
    last_error: str = Field(default="", max_length=64)
    # A 429/503 with Retry-After: no worker calls the provider before this time.
    retry_after_until: datetime | None = Field(default=None)
    updated_at: datetime = Field(default_factory=utcnow)


class AiCounter(SQLModel, table=True):
    """A named counter changed only by atomic conditional updates (quotas and spend).

    Keys name the thing and its window, e.g. ``quota:42:day:2026-11-22`` (requests) or
    ``spend:global:month:2026-11`` (micro-dollars). ``reserved`` holds money reserved by
    calls in flight; ``used`` what was settled.
    """

    __tablename__ = "ai_counters"

    key: str = Field(primary_key=True, max_length=160)
    used: int = Field(default=0, sa_column=Column(BigInteger, nullable=False))
    reserved: int = Field(default=0, sa_column=Column(BigInteger, nullable=False))
    updated_at: datetime = Field(default_factory=utcnow)


class AiCacheEntry(SQLModel, table=True):
    """An answer a provider gave, kept for identical requests from the same person."""

    __tablename__ = "ai_cache"

    key: str = Field(primary_key=True, max_length=64)  # SHA-256 of the request and its context
    user_id: int = Field(sa_column=_user_fk(nullable=False, ondelete="CASCADE"))
    feature: str = Field(max_length=16)
    engine: str = Field(max_length=64)
    answer: str = Field(sa_column=Column(Text, nullable=False))  # JSON
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime = Field(index=True)


class AiTierLimit(SQLModel, table=True):
    """Requests a tier allows per day, ISO week and month, and its per-person monthly budget.

    A tier without a row uses the defaults in services/ai/quotas.py.
    """

    __tablename__ = "ai_tier_limits"

    tier: str = Field(primary_key=True, max_length=16)
    daily: int
    weekly: int
    monthly: int
    monthly_budget_micros: int = Field(sa_column=Column(BigInteger, nullable=False))
    updated_at: datetime = Field(default_factory=utcnow)


class AiQuotaOverride(SQLModel, table=True):
    """Limits an admin granted one person until ``expires_at`` (None keeps the tier's limit)."""

    __tablename__ = "ai_quota_overrides"
    __table_args__ = NEVER_REUSED  # audit entries name overrides by id

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(sa_column=_user_fk(nullable=False, ondelete="CASCADE"))
    daily: int | None = Field(default=None)
    weekly: int | None = Field(default=None)
    monthly: int | None = Field(default=None)
    expires_at: datetime
    reason: str = Field(max_length=200)
    granted_by: int | None = Field(default=None, sa_column=_user_fk(nullable=True, ondelete="SET NULL", index=False))
    created_at: datetime = Field(default_factory=utcnow)
    revoked_at: datetime | None = Field(default=None)


class AiBudgetSettings(SQLModel, table=True):
    """The global spend budgets (one row, id 1; no row means the defaults: no global budget)."""

    __tablename__ = "ai_budget_settings"

    id: int | None = Field(default=None, primary_key=True)
    weekly_limit_micros: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    weekly_auto_disable: bool = Field(default=True)
    monthly_limit_micros: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    monthly_auto_disable: bool = Field(default=True)
    user_auto_disable: bool = Field(default=True)  # each tier's per-person monthly budget
    alert_percent: int = Field(default=80)
    offpeak_start_minute: int | None = Field(default=None)  # minutes after midnight
    offpeak_end_minute: int | None = Field(default=None)
    offpeak_timezone: str = Field(default="UTC", max_length=64)
    # Tried first inside the window; None: the cheapest enabled provider.
    offpeak_provider_id: int | None = Field(default=None, foreign_key="ai_providers.id", ondelete="SET NULL")
    updated_at: datetime = Field(default_factory=utcnow)


class AiAttempt(SQLModel, table=True):
    """One provider attempt, cache hit or built-in answer. ``final`` marks the row whose engine
    answered the request; a request's rows share ``request_id``."""

    __tablename__ = "ai_attempts"
    __table_args__ = (Index("ix_ai_attempts_user_created", "user_id", "created_at"),)

    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime = Field(default_factory=utcnow, index=True)
    request_id: str = Field(max_length=32, index=True)
    user_id: int | None = Field(default=None, sa_column=_user_fk(nullable=True, ondelete="SET NULL", index=False))
    feature: str = Field(max_length=16)
    provider_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("ai_providers.id", ondelete="SET NULL"), nullable=True),
    )
    provider_name: str = Field(max_length=64)
    model: str = Field(default="", max_length=120)
    input_tokens: int = Field(default=0)
    output_tokens: int = Field(default=0)
    usage_estimated: bool = Field(default=False)  # the provider sent no usage; counted by us
    # What the provider reported (None: nothing). The charged counts above are clamped to what
    # the call asked for: a provider over-reporting shows as a difference between the two.
    reported_input_tokens: int | None = Field(default=None)
    reported_output_tokens: int | None = Field(default=None)
    input_price_micros: int = Field(default=0, sa_column=Column(BigInteger, nullable=False))
    output_price_micros: int = Field(default=0, sa_column=Column(BigInteger, nullable=False))
    reserved_micros: int = Field(default=0, sa_column=Column(BigInteger, nullable=False))
    cost_micros: int = Field(default=0, sa_column=Column(BigInteger, nullable=False))
    reservation_keys: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    latency_ms: int = Field(default=0)
    outcome: str = Field(max_length=16)  # see services/ai/outcomes.py
    error_class: str = Field(default="", max_length=64)
    error_message: str = Field(default="", max_length=300)  # redacted: never a key
    cache_hit: bool = Field(default=False)
    budget_decision: str = Field(default="", max_length=16)  # ok | downgrade | deny
    final: bool = Field(default=False)
    engine: str | None = Field(default=None, max_length=64)  # set on the final row
    builtin_reason: str | None = Field(default=None, max_length=16)  # quota | budget | ...
    settled_at: datetime | None = Field(default=None)  # None while money is reserved
    # Which rule chose the providers (services/ai/routing.py: switch, experiment, tier, feature,
    # global), and the experiment and arm the member is in when an experiment chose.
    route: str = Field(default="global", sa_column=Column(String(16), nullable=False, server_default="global"))
    experiment_id: int | None = Field(default=None, sa_column=Column(
        Integer, ForeignKey("ai_experiments.id", ondelete="SET NULL"), nullable=True, index=True))
    arm: str | None = Field(default=None, max_length=1)
