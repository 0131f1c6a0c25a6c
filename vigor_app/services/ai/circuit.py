"""Circuit breakers, one per provider, kept in the database so every worker shares them.

    closed --(N consecutive failures)--> open --(cooldown passed: one trial call)--> half_open
    half_open --(trial succeeds)--> closed        half_open --(trial fails)--> open again

The state machine is pure (``admission``, ``after_success``, ``after_failure``); the
functions below it apply it to the ``ai_circuits`` rows. A half-open trial is claimed by a
conditional UPDATE, so only one worker gets it; a trial nobody reported on within a cooldown
(its worker died) may be claimed again.
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


@dataclass(frozen=True)
class CircuitState:
    state: str = CLOSED
    failures: int = 0
    opened_at: datetime | None = None
    trial_started_at: datetime | None = None

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
    return CircuitState()


def after_failure(state: CircuitState, now: datetime, threshold: int) -> CircuitState:
    failures = state.failures + 1
    if state.state in (OPEN, HALF_OPEN) or failures >= threshold:
        return CircuitState(OPEN, failures, opened_at=now, trial_started_at=None)
    return CircuitState(CLOSED, failures)


# --- the shared state in the database ---------------------------------------------------

_T: Table = AiCircuit.__table__  # type: ignore[attr-defined]
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
    return CircuitState(row.state, row.consecutive_failures, row.opened_at, row.trial_started_at)


def load_states(session: Session, provider_ids: Iterable[int]) -> dict[int, CircuitState]:
    ids = sorted(set(provider_ids))
    if not ids:
        return {}
    rows = session.connection().execute(_LOAD, {"ids": ids})
    return {row.provider_id: CircuitState(row.state, row.consecutive_failures, row.opened_at,
                                          row.trial_started_at) for row in rows}


def claim_trial(session: Session, provider_id: int, now: datetime, cooldown: timedelta) -> bool:
    """Take the one trial call of an open circuit whose cooldown has passed. Atomic."""
    result = session.connection().execute(_CLAIM, {"id": provider_id, "now": now,
                                                   "cutoff": now - cooldown})
    return result.rowcount == 1


def record_success(session: Session, provider_id: int, now: datetime) -> None:
    """Close the circuit (changes nothing when it is closed with no failures already)."""
    session.connection().execute(_CLOSE, {"id": provider_id, "now": now})


def record_failure(session: Session, provider_id: int, now: datetime, threshold: int,
                   error: str = "") -> CircuitState:
    insert_missing(session, AiCircuit, [{
        "provider_id": provider_id, "state": CLOSED, "consecutive_failures": 0,
        "last_error": "", "updated_at": now,
    }], "provider_id")
    row = session.exec(
        orm_select(AiCircuit).where(col(AiCircuit.provider_id) == provider_id).with_for_update()
        .execution_options(populate_existing=True)
    ).one()
    new = after_failure(_state(row), now, threshold)
    row.state, row.consecutive_failures = new.state, new.failures
    row.opened_at, row.trial_started_at = new.opened_at, new.trial_started_at
    row.last_failure_at, row.last_error, row.updated_at = now, error[:64], now
    session.add(row)
    return new


def reset(session: Session, provider_id: int, now: datetime) -> None:
    record_success(session, provider_id, now)
