"""Circuit breakers, one per provider, kept in the database so every worker shares them.

    closed --(N consecutive failures)--> open --(cooldown passed: one trial call)--> half_open
    half_open --(trial succeeds)--> closed        half_open --(trial fails)--> open again

The state machine is pure (``admission``, ``after_success``, ``after_failure``); the
functions below it apply it to the ``ai_circuits`` rows. Every outcome is recorded against
the row as it is when the outcome is written, never against what a request saw when it
started: a success resets the failure count with one conditional UPDATE, a failure counts
under the row's lock, so interleaved successes and failures from many workers never add up
to "consecutive" failures that were not. A half-open trial is claimed by a conditional
UPDATE, so only one worker gets it; a trial nobody reported on within a cooldown (its worker
died) may be claimed again.

Beside the breaker, the row keeps ``retry_after_until``: a provider that answered 429 or 503
with ``Retry-After`` is not called by any worker before then (``resting``), whatever its
circuit says. The wait is capped at ``MAX_RETRY_AFTER``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlalchemy import Table, and_, bindparam, or_, select
from sqlmodel import Session, col
from sqlmodel import select as orm_select

from vigor_app.models import AiCircuit
from vigor_app.upserts import insert_missing

CLOSED, OPEN, HALF_OPEN = "closed", "open", "half_open"

# What admission says.
CALL = "call"  # closed: call as usual
TRIAL = "trial"  # the cooldown passed: claim the one trial call
REJECT = "reject"  # open (or a trial is running): skip this provider

MAX_RETRY_AFTER = timedelta(hours=1)  # a provider asking for longer is still retried after this


@dataclass(frozen=True)
class CircuitState:
    state: str = CLOSED
    failures: int = 0
    opened_at: datetime | None = None
    trial_started_at: datetime | None = None
    retry_after_until: datetime | None = None

    def resting(self, now: datetime) -> bool:
        """True while the provider's own Retry-After says not to call it."""
        return self.retry_after_until is not None and now < self.retry_after_until

    def retry_at(self, cooldown: timedelta) -> datetime | None:
        """When an open circuit lets its trial call through (None when closed)."""
        if self.state == OPEN and self.opened_at is not None:
            return self.opened_at + cooldown
        if self.state == HALF_OPEN and self.trial_started_at is not None:
            return self.trial_started_at + cooldown
        return None


def admission(state: CircuitState, now: datetime, cooldown: timedelta) -> str:
    if state.state == CLOSED:
        return CALL
    retry_at = state.retry_at(cooldown)
    return TRIAL if retry_at is None or now >= retry_at else REJECT


def after_trial_claimed(state: CircuitState, now: datetime) -> CircuitState:
    return replace(state, state=HALF_OPEN, trial_started_at=now)


def after_success(state: CircuitState) -> CircuitState:
    return CircuitState(retry_after_until=state.retry_after_until)


def after_failure(state: CircuitState, now: datetime, threshold: int,
                  retry_after: timedelta | None = None) -> CircuitState:
    failures = state.failures + 1
    until = state.retry_after_until
    if retry_after is not None and retry_after > timedelta(0):
        asked = now + min(retry_after, MAX_RETRY_AFTER)
        until = asked if until is None or asked > until else until
    if state.state in (OPEN, HALF_OPEN) or failures >= threshold:
        return CircuitState(OPEN, failures, opened_at=now, trial_started_at=None,
                            retry_after_until=until)
    return CircuitState(CLOSED, failures, retry_after_until=until)


# --- the shared state in the database ---------------------------------------------------

_T: Table = AiCircuit.__table__  # type: ignore[attr-defined]  # SQLModel's types omit __table__
_LOAD = select(_T).where(_T.c.provider_id.in_(bindparam("ids", expanding=True)))
_CLAIM = _T.update().where(
    _T.c.provider_id == bindparam("id"),
    or_(and_(_T.c.state == OPEN, _T.c.opened_at <= bindparam("cutoff")),
        and_(_T.c.state == HALF_OPEN,
             or_(_T.c.trial_started_at.is_(None), _T.c.trial_started_at <= bindparam("cutoff")))),
).values(state=HALF_OPEN, trial_started_at=bindparam("now"), updated_at=bindparam("now"))
_CLOSE = _T.update().where(
    _T.c.provider_id == bindparam("id"),
    or_(_T.c.state != CLOSED, _T.c.consecutive_failures != 0),
).values(state=CLOSED, consecutive_failures=0, opened_at=None, trial_started_at=None,
         updated_at=bindparam("now"))


def _state(row: AiCircuit) -> CircuitState:
    return CircuitState(row.state, row.consecutive_failures, row.opened_at, row.trial_started_at,
                        row.retry_after_until)


def load_states(session: Session, provider_ids: Iterable[int]) -> dict[int, CircuitState]:
    ids = sorted(set(provider_ids))
    if not ids:
        return {}
    rows = session.connection().execute(_LOAD, {"ids": ids})
    return {row.provider_id: CircuitState(row.state, row.consecutive_failures, row.opened_at,
                                          row.trial_started_at, row.retry_after_until)
            for row in rows}


def claim_trial(session: Session, provider_id: int, now: datetime, cooldown: timedelta) -> bool:
    """Take the one trial call of an open circuit whose cooldown has passed. Atomic."""
    result = session.connection().execute(_CLAIM, {"id": provider_id, "now": now,
                                                   "cutoff": now - cooldown})
    return result.rowcount == 1


def record_success(session: Session, provider_id: int, now: datetime) -> None:
    """Close the circuit and reset its failure count, as the row is now (changes nothing,
    and locks nothing, when it is closed with no failures already)."""
    session.connection().execute(_CLOSE, {"id": provider_id, "now": now})


def record_failure(session: Session, provider_id: int, now: datetime, threshold: int,
                   error: str = "", retry_after: timedelta | None = None) -> CircuitState:
    """Count one failure against the row as it is now (locked), opening the circuit at the
    threshold; remember the provider's Retry-After."""
    insert_missing(session, AiCircuit, [{
        "provider_id": provider_id, "state": CLOSED, "consecutive_failures": 0,
        "last_error": "", "updated_at": now,
    }], "provider_id")
    row = session.exec(
        orm_select(AiCircuit).where(col(AiCircuit.provider_id) == provider_id).with_for_update()
        .execution_options(populate_existing=True)
    ).one()
    new = after_failure(_state(row), now, threshold, retry_after)
    row.state, row.consecutive_failures = new.state, new.failures
    row.opened_at, row.trial_started_at = new.opened_at, new.trial_started_at
    row.retry_after_until = new.retry_after_until
    row.last_failure_at, row.last_error, row.updated_at = now, error[:64], now
    session.add(row)
    return new


_RESET = _T.update().where(_T.c.provider_id == bindparam("id")).values(
    state=CLOSED, consecutive_failures=0, opened_at=None, trial_started_at=None,
    retry_after_until=None, updated_at=bindparam("now"))


def reset(session: Session, provider_id: int, now: datetime) -> None:
    """An admin's reset: closed, no failures, no Retry-After wait."""
    session.connection().execute(_RESET, {"id": provider_id, "now": now})
