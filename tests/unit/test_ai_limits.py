"""The gateway's limits on hostile providers, piece by piece: Retry-After read and kept,
charged tokens clamped, calls shrunk to the budget room left, relayed text screened and capped.
(tests/integration/test_ai_hostile_providers.py drives the same over real HTTP.)"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx2
import openai
import pytest

from vigor_app import db
from vigor_app.services.ai import budgets, calls, circuit, counters, outcomes, pricing, prompts
from vigor_app.services.ai.budgets import Budget, BudgetSettings
from vigor_app.services.ai.relay import HOLD_MAX_CHARS, Held

NOW = datetime(2026, 11, 18, 12, 0, tzinfo=UTC)


def status_error(status: int, **headers: str) -> openai.APIStatusError:
    request = httpx2.Request("POST", "http://127.0.0.1/v1/chat/completions")
    response = httpx2.Response(status, headers=headers, request=request)
    kind = openai.RateLimitError if status == 429 else openai.InternalServerError
    return kind("busy", response=response, body=None)


# --- Retry-After ----------------------------------------------------------------------------


@pytest.mark.parametrize(("status", "headers", "seconds"), [
    (429, {"retry-after": "30"}, 30),
    (429, {"retry-after": "1.5"}, 1.5),
    (503, {"retry-after": "12"}, 12),
    (429, {"retry-after-ms": "250", "retry-after": "9"}, 0.25),  # OpenAI's finer header wins
    (429, {}, None),
    (429, {"retry-after": "soon"}, None),
    (429, {"retry-after": "-5"}, None),
    (429, {"retry-after": "nan"}, None),
    (500, {"retry-after": "30"}, None),  # only "too many requests" and "overloaded" count
])
def test_retry_after_is_read_from_seconds_and_the_finer_header(status, headers, seconds):
    wait = calls.retry_after(status_error(status, **headers))
    assert wait == (None if seconds is None else timedelta(seconds=seconds))


def test_retry_after_as_an_http_date_counts_from_now():
    when = NOW + timedelta(seconds=90)
    wait = calls.retry_after(status_error(429, **{"retry-after": format_datetime(when, usegmt=True)}),
                             now=NOW)
    assert wait == timedelta(seconds=90)
    past = format_datetime(NOW - timedelta(seconds=5), usegmt=True)
    assert calls.retry_after(status_error(429, **{"retry-after": past}), now=NOW) is None


def test_a_failure_carries_the_wait_and_a_circuit_keeps_the_longest_capped_at_an_hour():
    result = calls.failure(status_error(429, **{"retry-after": "30"}), _provider(), 0.0)
    assert (result.outcome, result.retry_after) == (outcomes.RATE_LIMITED, timedelta(seconds=30))
    state = circuit.after_failure(circuit.CircuitState(), NOW, 5, timedelta(seconds=30))
    assert (state.state, state.retry_after_until) == ("closed", NOW + timedelta(seconds=30))
    assert state.resting(NOW + timedelta(seconds=29)) and not state.resting(NOW + timedelta(seconds=30))
    shorter = circuit.after_failure(state, NOW + timedelta(seconds=1), 5, timedelta(seconds=2))
    assert shorter.retry_after_until == NOW + timedelta(seconds=30)  # never shortened
    huge = circuit.after_failure(state, NOW, 5, timedelta(days=30))
    assert huge.retry_after_until == NOW + circuit.MAX_RETRY_AFTER
    assert circuit.after_success(huge).retry_after_until == huge.retry_after_until
    assert circuit.after_success(huge).failures == 0


def _provider():
    from vigor_app.services.ai.providers import ProviderConfig

    return ProviderConfig(id=1, name="P", kind="openai_compatible", base_url="http://x/v1", model="m",
                          api_version=None, api_key=None, priority=1, input_price_micros=1,
                          output_price_micros=1, timeout_s=1.0, max_output_tokens=800,
                          daily_cap_micros=None, structured_output=False, version="1")


# --- what a call is charged -----------------------------------------------------------------


def test_charged_tokens_never_exceed_what_was_asked_and_reported_ones_are_kept():
    result = calls.charge(calls.Result(outcomes.OK), (900_000, 5000), 400, 800, 10)
    assert (result.input_tokens, result.output_tokens) == (400, 800)
    assert (result.reported_input, result.reported_output) == (900_000, 5000)
    honest = calls.charge(calls.Result(outcomes.OK), (120, 30), 400, 800, 10)
    assert (honest.input_tokens, honest.output_tokens, honest.usage_estimated) == (120, 30, False)
    silent = calls.charge(calls.Result(outcomes.OK), None, 400, 800, 10)
    assert (silent.input_tokens, silent.output_tokens, silent.usage_estimated) == (400, 10, True)
    assert (silent.reported_input, silent.reported_output) == (None, None)
    negative = calls.charge(calls.Result(outcomes.OK), (-5, -9), 400, 800, 10)
    assert (negative.input_tokens, negative.output_tokens) == (0, 0)


@pytest.mark.parametrize(("room", "tokens_in", "price_in", "price_out"), [
    (10_000, 1000, 1_000_000, 1_000_000), (1, 0, 150_000, 600_000), (777, 333, 2_500_000, 10_000_000),
    (0, 10, 1_000_000, 1_000_000)])
def test_the_output_tokens_that_fit_a_room_are_the_most_whose_worst_case_fits(
        room, tokens_in, price_in, price_out):
    most = pricing.output_tokens_within(room, tokens_in, price_in, price_out)
    if most >= 0:
        assert pricing.worst_case_micros(tokens_in, most, price_in, price_out) <= room
    assert pricing.worst_case_micros(tokens_in, most + 1, price_in, price_out) > room


def test_near_a_limit_a_call_reserves_the_room_left_and_a_plan_never_shrinks():
    assert prompts.least_output_tokens("chat", 800) == 200
    assert prompts.least_output_tokens("motivation", 300) == 75
    assert prompts.least_output_tokens("chat", 100) == 64  # never below 64 tokens
    assert prompts.least_output_tokens("chat", 40) == 40  # nor above what was asked
    assert prompts.least_output_tokens("plan", 16_000) == 16_000


def test_a_reservation_takes_the_room_left_when_the_smallest_useful_call_fits(database):
    week = Budget(budgets.GLOBAL_WEEK, "spend:w", 1000, True)
    with db.transaction() as session:
        counters.ensure(session, ["spend:w"], NOW)
        counters.take(session, {"spend:w": 1000}, 700, NOW)  # 700 settled already
    with db.transaction() as session:
        shrunk = budgets.reserve(session, [week], 7, None, 500, NOW, smallest=200)
    assert (shrunk.amount, shrunk.refused) == (300, None)
    with db.transaction() as session:  # in flight: worth waiting for
        waiting = budgets.reserve(session, [week], 7, None, 500, NOW, smallest=200)
    assert (waiting.refused, waiting.settling) == ("spend:w", True)
    with db.transaction() as session:  # it cost all it reserved: nothing left, nothing in flight
        budgets.settle(session, shrunk.keys, 300, 300, NOW)
        refused = budgets.reserve(session, [week], 7, None, 500, NOW, smallest=200)
    assert (refused.refused, refused.settling, refused.keys) == ("spend:w", False, ())


def test_a_reservation_refused_while_calls_in_flight_hold_the_room_says_it_is_worth_waiting(database):
    week = Budget(budgets.GLOBAL_WEEK, "spend:w", 1000, True)
    with db.transaction() as session:
        held = budgets.reserve(session, [week], 7, None, 900, NOW, smallest=900)
        refused = budgets.reserve(session, [week], 7, None, 900, NOW, smallest=900)
    assert held.amount == 900 and refused.settling
    with db.transaction() as session:
        budgets.settle(session, held.keys, 900, 50, NOW)
        again = budgets.reserve(session, [week], 7, None, 900, NOW, smallest=900)
    assert again.amount == 900 and again.refused is None


def test_money_only_reserved_by_calls_in_flight_does_not_deny():
    in_flight = Budget(budgets.GLOBAL_WEEK, "spend:w", 100, True, used=10, reserved=95)
    assert budgets.decide([in_flight], BudgetSettings(), NOW).kind == "downgrade"
    spent = Budget(budgets.GLOBAL_WEEK, "spend:w", 100, True, used=100, reserved=0)
    assert budgets.decide([spent], BudgetSettings(), NOW).kind == "deny"


# --- relayed text ---------------------------------------------------------------------------


def test_safe_text_goes_out_as_it_comes():
    held = Held(8000)
    pieces = ["Start with ten ", "minutes of easy ", "jogging. Then ", "build from there."]
    assert [held.add(p) for p in pieces] == pieces
    assert held.flush() == "" and held.text == "".join(pieces)


def test_a_sentence_that_starts_to_read_as_harmful_is_held_and_released_once_it_reads_safe():
    held = Held(8000)
    assert held.add("Train through the pain") == ""  # matches on its own: held back
    assert held.add(" and you will make it worse. ") == \
        "Train through the pain and you will make it worse. "
    assert held.unsafe is None


def test_a_harmful_sentence_is_never_released_and_stops_the_reply():
    held = Held(8000)
    assert held.add("Good question. ") == "Good question. "
    assert held.add("Fast for three days to cut weight. ") == ""
    assert held.unsafe is not None and held.unsafe.topic == "fasting"
    assert held.add("Then eat normally. ") == "" and held.flush() == ""
    assert held.text == "Good question. "


def test_relayed_text_stops_at_its_limit_and_a_long_run_without_a_stop_is_screened():
    held = Held(1000)
    out = "".join(held.add("Keep going " * 10) for _ in range(20))
    assert held.too_long and len(out) == 1000 and out.startswith("Keep going")
    run = Held(8000)
    assert run.add("word " * (HOLD_MAX_CHARS // 5 + 5)) == "word " * (HOLD_MAX_CHARS // 5 + 5)
