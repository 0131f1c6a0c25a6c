"""Spend budgets: global weekly and monthly dollars, and each tier's per-person monthly budget.

Before a provider call the gateway reserves the call's worst case (estimated input tokens
plus the provider's max output tokens, at its prices) against every budget and the
provider's daily cap at once (``reserve``, atomic: see counters). After the call the
reservation is settled to the real cost (never above the reservation: the charged tokens are
clamped to what was asked for). A budget with auto-disable is a hard ceiling: a call that
might cross it is not made. Near the ceiling a call asks for fewer output tokens so that its
worst case fits what is left; when calls in flight hold the room it needs, it waits a few
seconds for them to settle (``ai_budget_wait_seconds``) before it is refused, so a burst
spends the budget instead of being turned away by the others' worst cases. Every budget
counts towards the decision:

- ``deny`` when the settled spend of a budget with auto-disable has reached it: the built-in
  engine answers, with a notice;
- ``downgrade`` when a budget is past the alert threshold (default 80 %), or inside the
  optional off-peak window: the cheapest enabled provider is tried first (off-peak, the
  admin's preferred provider comes before it, when one is chosen and enabled);
- ``ok`` otherwise: providers in priority order.

Global budgets run in UTC (ISO week, calendar month); the per-person budget in the person's
month, in their time zone; a provider's daily cap in the UTC day.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session, col, select

from vigor_app import db
from vigor_app.clock import utcnow
from vigor_app.models import AiAttempt, AiBudgetSettings, AiProvider
from vigor_app.services import audit
from vigor_app.services.accounts.roles import require_admin
from vigor_app.services.ai import counters, outcomes, snapshots
from vigor_app.services.ai.quotas import Allowance
from vigor_app.services.ai.windows import UsageWindows, usage_windows, zone
from vigor_app.services.errors import ValidationError

GLOBAL_WEEK, GLOBAL_MONTH, USER_MONTH = "global_week", "global_month", "user_month"
SETTINGS_ROW_ID = 1
MINUTES_PER_DAY = 24 * 60



def percent_of_limit(amount_micros: int, limit_micros: int | None) -> float | None:
    """`amount_micros` as a percentage of a budget's limit: None with no limit; a zero limit is
    always 100 % used."""
    if limit_micros is None:
        return None
    if limit_micros == 0:
        return 100.0
    return 100 * amount_micros / limit_micros

@dataclass(frozen=True)
class BudgetSettings:
    weekly_limit_micros: int | None = None
    weekly_auto_disable: bool = True
    monthly_limit_micros: int | None = None
    monthly_auto_disable: bool = True
    user_auto_disable: bool = True
    alert_percent: int = 80
    offpeak_start_minute: int | None = None
    offpeak_end_minute: int | None = None
    offpeak_timezone: str = "UTC"
    offpeak_provider_id: int | None = None  # tried first off-peak; None: the cheapest


@dataclass(frozen=True)
class Budget:
    name: str  # global_week | global_month | user_month
    key: str  # the spend counter
    limit_micros: int | None  # None: no budget set (spend is still counted)
    auto_disable: bool
    used: int = 0  # settled spend
    reserved: int = 0  # reserved by calls in flight

    @property
    def committed(self) -> int:
        return self.used + self.reserved

    @property
    def hard_limit(self) -> int | None:
        """The ceiling a reservation must fit under (None: this budget only alerts)."""
        return self.limit_micros if self.auto_disable else None

    @property
    def percent(self) -> float | None:
        return percent_of_limit(self.committed, self.limit_micros)

    @property
    def reached(self) -> bool:
        """Settled spend has reached the limit. Money only reserved by calls in flight does
        not count here: most of it comes back when they settle, so a burst waits for it
        (see ``reserve``) rather than being refused while little is spent."""
        return self.limit_micros is not None and self.used >= self.limit_micros


@dataclass(frozen=True)
class Decision:
    kind: str  # ok | downgrade | deny
    budget: str | None = None  # the budget that decided (None: off-peak or ok)
    offpeak: bool = False
    prefer: int | None = None  # off-peak: the provider to try first (then the cheapest)


_SETTINGS_T = AiBudgetSettings.__table__  # type: ignore[attr-defined]  # SQLModel's types omit __table__
_LOAD_SETTINGS = select(_SETTINGS_T).where(_SETTINGS_T.c.id == SETTINGS_ROW_ID)


def load_settings(session: Session) -> BudgetSettings:
    """The budget settings, as a snapshot at most ``snapshots.TTL_SECONDS`` old."""
    return _settings.get(session)


def _load_settings(session: Session) -> BudgetSettings:
    row = session.connection().execute(_LOAD_SETTINGS).first()
    if row is None:
        return BudgetSettings()
    return BudgetSettings(
        row.weekly_limit_micros, row.weekly_auto_disable, row.monthly_limit_micros,
        row.monthly_auto_disable, row.user_auto_disable, row.alert_percent,
        row.offpeak_start_minute, row.offpeak_end_minute, row.offpeak_timezone, row.offpeak_provider_id,
    )


_settings = snapshots.Snapshot(_load_settings)


def spend_keys(user_id: int, now: datetime, user_windows: UsageWindows) -> dict[str, str]:
    utc = usage_windows(now, "UTC")
    return {
        GLOBAL_WEEK: f"spend:global:week:{utc.week.key}",
        GLOBAL_MONTH: f"spend:global:month:{utc.month.key}",
        USER_MONTH: f"spend:user:{user_id}:month:{user_windows.month.key}",
    }


def provider_day_key(provider_id: int, now: datetime) -> str:
    return f"spend:provider:{provider_id}:day:{usage_windows(now, 'UTC').day.key}"


def budgets_for(settings: BudgetSettings, allowed: Allowance, keys: dict[str, str],
                readings: dict[str, counters.Reading]) -> list[Budget]:
    def make(name: str, limit: int | None, auto: bool) -> Budget:
        reading = readings.get(keys[name], counters.Reading())
        return Budget(name, keys[name], limit, auto, reading.used, reading.reserved)

    return [
        make(GLOBAL_WEEK, settings.weekly_limit_micros, settings.weekly_auto_disable),
        make(GLOBAL_MONTH, settings.monthly_limit_micros, settings.monthly_auto_disable),
        make(USER_MONTH, allowed.monthly_budget_micros, settings.user_auto_disable),
    ]


def in_offpeak(settings: BudgetSettings, now: datetime) -> bool:
    start, end = settings.offpeak_start_minute, settings.offpeak_end_minute
    if start is None or end is None or start == end:
        return False
    local = now.astimezone(zone(settings.offpeak_timezone))
    minute = local.hour * 60 + local.minute
    return start <= minute < end if start < end else minute >= start or minute < end


def decide(budgets: Iterable[Budget], settings: BudgetSettings, now: datetime) -> Decision:
    budgets = list(budgets)
    for budget in budgets:
        if budget.auto_disable and budget.reached:
            return Decision(outcomes.DECISION_DENY, budget.name)
    for budget in budgets:
        percent = budget.percent
        if percent is not None and percent >= settings.alert_percent:
            return Decision(outcomes.DECISION_DOWNGRADE, budget.name)
    if in_offpeak(settings, now):
        return Decision(outcomes.DECISION_DOWNGRADE, None, offpeak=True, prefer=settings.offpeak_provider_id)
    return Decision(outcomes.DECISION_OK)


@dataclass(frozen=True)
class Reservation:
    """What ``reserve`` did: money reserved on ``keys`` (``amount``), or, when ``refused`` names
    a counter, nothing; ``settling`` then says that calls in flight hold enough of it that the
    call would fit once they settle (worth a short wait)."""

    keys: tuple[str, ...] = ()
    amount: int = 0
    refused: str | None = None
    settling: bool = False


def reserve(session: Session, budgets: Iterable[Budget], provider_id: int,
            daily_cap_micros: int | None, amount: int, now: datetime, *,
            smallest: int | None = None) -> Reservation:
    """Reserve `amount` on every budget and the provider's day at once (atomic: see counters).

    When it does not fit and `smallest` (the least a useful call may reserve) does, reserve
    what is left instead: near a limit the call asks for fewer output tokens rather than
    being refused. A budget is never passed: every reservation fits under every hard limit.
    """
    limits: dict[str, int | None] = {b.key: b.hard_limit for b in budgets}
    limits[provider_day_key(provider_id, now)] = daily_cap_micros
    keys = tuple(sorted(limits))
    refused = counters.take(session, limits, amount, now, column=counters.RESERVED)
    if refused is None:
        return Reservation(keys, amount)
    floor = amount if smallest is None else min(smallest, amount)
    hard = {key: limit for key, limit in limits.items() if limit is not None}
    if not hard:  # pragma: no cover - nothing to refuse with; kept for safety
        return Reservation(refused=refused)
    readings = counters.read(session, hard)
    room = min(limit - readings[key].total for key, limit in hard.items())
    if floor <= room < amount and counters.take(session, limits, room, now,
                                                column=counters.RESERVED) is None:
        return Reservation(keys, room)
    # Would the call fit (at its smallest) once the calls in flight settle?
    settling = all(limit - readings[key].used >= floor for key, limit in hard.items()) \
        and any(readings[key].reserved > 0 for key in hard)
    return Reservation(refused=refused, settling=settling)


def settle(session: Session, keys: Iterable[str], reserved: int, actual: int, now: datetime) -> None:
    counters.settle(session, keys, reserved, actual, now)


def release_stale_reservations(now: datetime | None = None,
                               older_than: timedelta = timedelta(minutes=15)) -> int:
    """Settle reservations a crashed worker left behind, at their worst case (we cannot know
    whether the provider charged). Safe to run from any worker, any time."""
    now = now or utcnow()
    cutoff = now - older_than
    settled = 0
    with db.transaction() as session:
        rows = session.exec(
            select(AiAttempt).where(AiAttempt.outcome == outcomes.PENDING,
                                    col(AiAttempt.settled_at).is_(None),
                                    col(AiAttempt.created_at) < cutoff).with_for_update()
        ).all()
        for row in rows:
            settle(session, row.reservation_keys, row.reserved_micros, row.reserved_micros, now)
            row.cost_micros, row.outcome, row.settled_at = row.reserved_micros, outcomes.ERROR, now
            row.error_class = "Abandoned"
            session.add(row)
            settled += 1
    return settled


# --- administration ---------------------------------------------------------------------


@dataclass(frozen=True)
class BudgetView:
    name: str
    limit_micros: int | None
    auto_disable: bool
    spent_micros: int
    reserved_micros: int
    percent: float | None


EDITABLE = tuple(BudgetSettings.__dataclass_fields__)


def check_settings(settings: BudgetSettings) -> BudgetSettings:
    """`settings` if every value is acceptable (the off-peak provider's id only by its type)."""
    for name in ("weekly_limit_micros", "monthly_limit_micros"):
        value = getattr(settings, name)
        if value is not None and (not isinstance(value, int) or isinstance(value, bool) or value < 0):
            raise ValidationError("Enter an amount of zero or more, or none.", field=name)
    if not isinstance(settings.alert_percent, int) or not 1 <= settings.alert_percent <= 100:
        raise ValidationError("Enter a percentage from 1 to 100.", field="alert_percent")
    for name in ("offpeak_start_minute", "offpeak_end_minute"):
        value = getattr(settings, name)
        if value is not None and (not isinstance(value, int) or not 0 <= value < MINUTES_PER_DAY):
            raise ValidationError("Enter a time of day.", field=name)
    if (settings.offpeak_start_minute is None) != (settings.offpeak_end_minute is None):
        raise ValidationError("Give both the start and the end of the off-peak window.",
                              field="offpeak_end_minute")
    if zone(settings.offpeak_timezone).key != (settings.offpeak_timezone or "UTC"):
        raise ValidationError("Unknown time zone.", field="offpeak_timezone")
    provider = settings.offpeak_provider_id
    if provider is not None and (not isinstance(provider, int) or isinstance(provider, bool) or provider < 1):
        raise ValidationError("Choose a provider from the list.", field="offpeak_provider_id")
    return settings


def current_settings(session: Session) -> BudgetSettings:
    """The budget settings as stored now (no snapshot)."""
    return _load_settings(session)


def get_budget_settings(actor_id: int) -> BudgetSettings:
    with db.read_only() as session:
        require_admin(session, actor_id)
        return _load_settings(session)


@snapshots.forgets
def update_budget_settings(actor_id: int, *, client_ip: str = "", **changes: Any) -> BudgetSettings:
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValidationError(f"Unknown budget setting {sorted(unknown)[0]!r}.")
    with db.transaction() as session:
        require_admin(session, actor_id)
        before = _load_settings(session)
        after = check_settings(replace(before, **changes))
        if after == before:
            return after
        if after.offpeak_provider_id is not None and session.get(AiProvider, after.offpeak_provider_id) is None:
            raise ValidationError("That provider no longer exists.", field="offpeak_provider_id")
        row = session.get(AiBudgetSettings, SETTINGS_ROW_ID) or AiBudgetSettings(id=SETTINGS_ROW_ID)
        for name, value in asdict(after).items():
            setattr(row, name, value)
        row.updated_at = utcnow()
        session.add(row)
        audit.record(session, actor_user_id=actor_id, action="ai.budgets", target_type="budgets",
                     target_id=SETTINGS_ROW_ID, before=asdict(before), after=asdict(after),
                     client_ip=client_ip)
        return after


def spend_report(actor_id: int, now: datetime | None = None) -> list[BudgetView]:
    """The global budgets now: limit, settled spend, reserved, percentage used."""
    now = now or utcnow()
    with db.read_only() as session:
        require_admin(session, actor_id)
        settings = load_settings(session)
        keys = spend_keys(0, now, usage_windows(now, "UTC"))
        readings = counters.read(session, [keys[GLOBAL_WEEK], keys[GLOBAL_MONTH]])
    views = []
    for name, limit, auto in ((GLOBAL_WEEK, settings.weekly_limit_micros, settings.weekly_auto_disable),
                              (GLOBAL_MONTH, settings.monthly_limit_micros, settings.monthly_auto_disable)):
        reading = readings[keys[name]]
        budget = Budget(name, keys[name], limit, auto, reading.used, reading.reserved)
        views.append(BudgetView(name, limit, auto, reading.used, reading.reserved, budget.percent))
    return views
