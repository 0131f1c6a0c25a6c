"""Costs in integer micro-dollars: tokens x price per million, rounded half-up, once."""

from decimal import Decimal

import pytest

from vigor_app.services.ai import pricing


@pytest.mark.parametrize(("tokens_in", "tokens_out", "price_in", "price_out", "micros"), [
    (0, 0, 150_000, 600_000, 0),
    (1_000_000, 0, 150_000, 600_000, 150_000),  # a million tokens cost the price
    (1234, 5678, 150_000, 600_000, 3592),  # 3591.9 -> 3592
    (1, 0, 500_000, 0, 1),  # exactly half a micro-dollar rounds up
    (1, 0, 499_999, 0, 0),  # just under half rounds down
    (3, 0, 500_000, 0, 2),  # 1.5 -> 2
    (1, 1, 250_000, 250_000, 1),  # halves add up before rounding: 0.25 + 0.25 = 0.5 -> 1
    (10**9, 10**9, 10**12, 10**12, 2 * 10**15),  # big numbers stay exact
])
def test_cost_is_tokens_times_price_per_million_rounded_half_up(tokens_in, tokens_out, price_in,
                                                                 price_out, micros):
    assert pricing.cost_micros(tokens_in, tokens_out, price_in, price_out) == micros


def test_cost_refuses_negative_numbers():
    with pytest.raises(ValueError):
        pricing.cost_micros(-1, 0, 1, 1)


def test_a_reservation_is_a_ceiling():
    assert pricing.worst_case_micros(1, 0, 1, 0) == 1  # 0.000001 rounds up, not to zero
    assert pricing.worst_case_micros(1000, 4000, 150_000, 600_000) == 2550
    assert pricing.worst_case_micros(3, 0, 500_000, 0) == 2
    for tokens_in, tokens_out in [(1, 1), (777, 333), (5000, 8000)]:
        assert pricing.worst_case_micros(tokens_in, tokens_out, 123_457, 765_431) >= \
            pricing.cost_micros(tokens_in, tokens_out, 123_457, 765_431)


def test_dollars_convert_to_micros_exactly():
    assert pricing.usd_to_micros("0.15") == 150_000
    assert pricing.usd_to_micros("$2.50") == 2_500_000
    assert pricing.usd_to_micros(5) == 5_000_000
    assert pricing.usd_to_micros(Decimal("0.000001")) == 1
    with pytest.raises(ValueError):
        pricing.usd_to_micros("0.0000001")
    with pytest.raises(ValueError):
        pricing.usd_to_micros("lots")
    with pytest.raises(ValueError):
        pricing.usd_to_micros("NaN")
    with pytest.raises(TypeError):
        pricing.usd_to_micros(0.15)  # type: ignore[arg-type]


def test_amounts_are_shown_to_the_micro_dollar_when_needed():
    assert pricing.format_usd(5_000_000) == "$5.00"
    assert pricing.format_usd(1_250_000) == "$1.25"
    assert pricing.format_usd(525) == "$0.000525"
    assert pricing.format_usd(0) == "$0.00"
    assert pricing.micros_to_usd(3592) == Decimal("0.003592")


def test_known_models_have_list_prices_longest_prefix_first():
    assert pricing.known_price("gpt-4o-mini-2024-07-18") == (150_000, 600_000)
    assert pricing.known_price("gpt-4o") == (2_500_000, 10_000_000)
    assert pricing.known_price("GEMINI-2.0-FLASH") == (100_000, 400_000)
    assert pricing.known_price("llama3.1:8b") is None
