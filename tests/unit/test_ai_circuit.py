"""The circuit breaker: the pure state machine, and the shared state in the database."""

from datetime import UTC, datetime, timedelta

import pytest

from vigor_app import db
from vigor_app.models import AiCircuit, AiProvider
from vigor_app.services.ai import circuit
from vigor_app.services.ai.circuit import CALL, CLOSED, HALF_OPEN, OPEN, REJECT, TRIAL, CircuitState

T0 = datetime(2026, 11, 18, 12, 0, tzinfo=UTC)
COOLDOWN = timedelta(seconds=60)


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def test_closed_lets_calls_through_and_counts_failures_in_a_row():
    state = CircuitState()
    assert circuit.admission(state, T0, COOLDOWN) == CALL
    for n in range(1, 5):
        state = circuit.after_failure(state, at(n), threshold=5)
        assert (state.state, state.failures) == (CLOSED, n)
    state = circuit.after_success(state)
    assert state == CircuitState()


def test_the_fifth_failure_in_a_row_opens_it():
    state = CircuitState()
    for n in range(5):
        state = circuit.after_failure(state, at(n), threshold=5)
    assert (state.state, state.opened_at) == (OPEN, at(4))
    assert circuit.admission(state, at(5), COOLDOWN) == REJECT
    assert circuit.admission(state, at(63.9), COOLDOWN) == REJECT
    assert circuit.admission(state, at(64), COOLDOWN) == TRIAL
    assert state.retry_at(COOLDOWN) == at(64)


def test_half_open_allows_one_trial_and_closes_on_success_or_reopens_on_failure():
    opened = CircuitState(OPEN, 5, opened_at=T0)
    trial = circuit.after_trial_claimed(opened, at(60))
    assert trial.state == HALF_OPEN
    assert circuit.admission(trial, at(61), COOLDOWN) == REJECT  # the trial is running
    assert circuit.admission(trial, at(120), COOLDOWN) == TRIAL  # its worker never reported
    assert circuit.after_success(trial).state == CLOSED
    again = circuit.after_failure(trial, at(62), threshold=5)
    assert (again.state, again.opened_at, again.trial_started_at) == (OPEN, at(62), None)


def test_the_threshold_is_configurable():
    assert circuit.after_failure(CircuitState(), T0, threshold=1).state == OPEN


@pytest.fixture
def provider_id(database) -> int:
    with db.transaction() as session:
        row = AiProvider(name="A", kind="openai_compatible", model="a", base_url="http://127.0.0.1:9/v1")
        session.add(row)
        session.flush()
        return row.id or 0


def state_of(provider_id: int) -> CircuitState:
    with db.read_only() as session:
        return circuit.load_states(session, [provider_id]).get(provider_id, CircuitState())


def test_the_database_state_follows_the_machine(provider_id):
    assert state_of(provider_id) == CircuitState()
    for n in range(3):
        with db.transaction() as session:
            circuit.record_failure(session, provider_id, at(n), threshold=3, error="InternalServerError")
    opened = state_of(provider_id)
    assert (opened.state, opened.failures, opened.opened_at) == (OPEN, 3, at(2))
    with db.read_only() as session:
        assert session.get(AiCircuit, provider_id).last_error == "InternalServerError"

    with db.transaction() as session:
        assert not circuit.claim_trial(session, provider_id, at(30), COOLDOWN)  # too early
    with db.transaction() as session:
        assert circuit.claim_trial(session, provider_id, at(62), COOLDOWN)
    with db.transaction() as session:  # a second worker does not get a second trial
        assert not circuit.claim_trial(session, provider_id, at(62.5), COOLDOWN)
    assert state_of(provider_id).state == HALF_OPEN

    with db.transaction() as session:
        circuit.record_success(session, provider_id, at(63))
    assert state_of(provider_id) == CircuitState()


def test_a_closed_circuit_without_a_row_cannot_be_claimed(provider_id):
    with db.transaction() as session:
        assert not circuit.claim_trial(session, provider_id, T0, COOLDOWN)
        circuit.record_success(session, provider_id, T0)  # no row: nothing to do, no error
    assert state_of(provider_id) == CircuitState()
