"""How each AI provider is doing, as admins see it (the System page): its circuit's state,
failures in a row, when it is called again (a trial call, or the end of the provider's own
Retry-After) and the last error; and the admin's reset of a circuit, audited."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import col, select

from vigor_app import db
from vigor_app.clock import utcnow
from vigor_app.models import AiCircuit, AiProvider
from vigor_app.services import audit
from vigor_app.services.accounts.roles import require_admin
from vigor_app.services.ai import circuit, providers
from vigor_app.settings import get_settings


@dataclass(frozen=True)
class CircuitView:
    provider_id: int
    name: str
    state: str  # closed | open | half_open
    consecutive_failures: int
    opened_at: datetime | None
    retry_at: datetime | None  # when it is called again: a trial call, or the end of its Retry-After
    last_error: str


def circuit_report(actor_id: int, now: datetime | None = None) -> list[CircuitView]:
    """Each provider's circuit: state, failures in a row, and when it will try again."""
    cooldown = timedelta(seconds=get_settings().ai_circuit_cooldown_seconds)
    with db.read_only() as session:
        require_admin(session, actor_id)
        rows = session.exec(select(AiProvider).order_by(col(AiProvider.priority), col(AiProvider.id))).all()
        circuits = {c.provider_id: c for c in session.exec(select(AiCircuit)).all()}
    views = []
    for row in rows:
        found = circuits.get(row.id or 0)
        state = circuit.CircuitState() if found is None else circuit.CircuitState(
            found.state, found.consecutive_failures, found.opened_at, found.trial_started_at,
            found.retry_after_until)
        retry_at = state.retry_at(cooldown)
        if state.resting(now or utcnow()):  # the provider's own Retry-After
            retry_at = max(filter(None, (retry_at, state.retry_after_until)))
        views.append(CircuitView(row.id or 0, row.name, state.state, state.failures,
                                 state.opened_at, retry_at, found.last_error if found else ""))
    return views


def reset_circuit(actor_id: int, provider_id: int, *, client_ip: str = "") -> None:
    """Close a provider's circuit by hand (after fixing its key, say)."""
    with db.transaction() as session:
        require_admin(session, actor_id)
        row = providers.provider_row(session, provider_id)
        before = providers.circuit_state(session, row)
        circuit.reset(session, row.id or 0, utcnow())
        audit.record(session, actor_user_id=actor_id, action="ai.circuit_reset",
                     target_type="ai_provider", target_id=provider_id,
                     before={"circuit": before}, after={"circuit": circuit.CLOSED},
                     client_ip=client_ip)
