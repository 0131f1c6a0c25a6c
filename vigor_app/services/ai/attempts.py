"""The record of every AI attempt (``ai_attempts``): provider calls, skips, cache hits and
built-in answers, each with tokens, exact cost, latency and outcome.

Rows are written with Core statements built once (the gateway's hot path); a request's
rows share its ``request_id`` and the one whose engine answered is marked ``final``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Table, bindparam, insert
from sqlmodel import Session, col, select

from vigor_app import db
from vigor_app.models import AiAttempt
from vigor_app.services.accounts.roles import require_admin

_T: Table = AiAttempt.__table__  # type: ignore[attr-defined]  # SQLModel's types omit __table__
_INSERT = insert(_T)
_INSERT_ONE = insert(_T).returning(_T.c.id)
_FINISH_COLUMNS = ("input_tokens", "output_tokens", "usage_estimated", "reported_input_tokens",
                   "reported_output_tokens", "cost_micros", "latency_ms", "outcome", "error_class",
                   "error_message", "settled_at", "final", "engine")
_FINISH = _T.update().where(_T.c.id == bindparam("attempt_id")).values(
    {name: bindparam(f"new_{name}") for name in _FINISH_COLUMNS})

DEFAULTS: dict[str, Any] = {
    "provider_id": None, "provider_name": "", "model": "", "input_tokens": 0, "output_tokens": 0,
    "usage_estimated": False, "reported_input_tokens": None, "reported_output_tokens": None,
    "input_price_micros": 0, "output_price_micros": 0,
    "reserved_micros": 0, "cost_micros": 0, "latency_ms": 0, "error_class": "",
    "error_message": "", "cache_hit": False, "budget_decision": "", "final": False,
    "engine": None, "builtin_reason": None, "settled_at": None,
    "route": "global", "experiment_id": None, "arm": None,
}


def row(*, created_at: datetime, request_id: str, user_id: int, feature: str, outcome: str,
        **values: Any) -> dict[str, Any]:
    """Every column of one attempt row, defaults filled in."""
    unknown = set(values) - set(DEFAULTS) - {"reservation_keys"}
    if unknown:
        raise TypeError(f"not an attempt column: {sorted(unknown)}")
    return {**DEFAULTS, "reservation_keys": [], **values, "created_at": created_at,
            "request_id": request_id, "user_id": user_id, "feature": feature, "outcome": outcome}


def add(session: Session, rows: Sequence[dict[str, Any]]) -> None:
    if rows:
        session.connection().execute(_INSERT, list(rows))


def add_one(session: Session, values: dict[str, Any]) -> int:
    """Insert one row; returns its id."""
    return int(session.connection().execute(_INSERT_ONE, values).scalar_one())


def finish(session: Session, attempt_id: int, **values: Any) -> None:
    """Write how an attempt ended (every one of ``_FINISH_COLUMNS``)."""
    session.connection().execute(_FINISH, {"attempt_id": attempt_id,
                                           **{f"new_{k}": values[k] for k in _FINISH_COLUMNS}})


@dataclass(frozen=True)
class AttemptView:
    created_at: datetime
    request_id: str
    user_id: int | None
    feature: str
    provider: str
    model: str
    outcome: str
    input_tokens: int
    output_tokens: int
    cost_micros: int
    latency_ms: int
    error_class: str
    cache_hit: bool
    final: bool
    engine: str | None
    builtin_reason: str | None


def recent(actor_id: int, limit: int = 100) -> list[AttemptView]:
    """The latest attempts, newest first (for the admin console)."""
    with db.read_only() as session:
        require_admin(session, actor_id)
        rows = session.exec(
            select(AiAttempt).order_by(col(AiAttempt.id).desc()).limit(min(limit, 1000))).all()
        return [AttemptView(r.created_at, r.request_id, r.user_id, r.feature, r.provider_name, r.model,
                            r.outcome, r.input_tokens, r.output_tokens, r.cost_micros, r.latency_ms,
                            r.error_class, r.cache_hit, r.final, r.engine, r.builtin_reason)
                for r in rows]
