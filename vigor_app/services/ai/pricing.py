"""Money: token usage to exact cost, in integer micro-dollars (1 USD = 1 000 000 micros).

Prices are stored as integer micro-dollars per million tokens ($0.15 per million tokens is
150 000). The cost of a call is

    cost = (input_tokens x input_price + output_tokens x output_price) / 1 000 000

rounded half-up to a whole micro-dollar, once, on the sum (so a call never loses or gains
more than half a micro-dollar). Reservations round up instead: they are a ceiling.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Literal, overload

from vigor_app.services.errors import ValidationError

MICROS_PER_USD = 1_000_000
TOKENS_PER_PRICE = 1_000_000  # prices are per million tokens


def cost_micros(input_tokens: int, output_tokens: int, input_price: int, output_price: int) -> int:
    """The exact cost of a call, rounded half-up to a micro-dollar."""
    if min(input_tokens, output_tokens, input_price, output_price) < 0:
        raise ValueError("tokens and prices cannot be negative")
    total = input_tokens * input_price + output_tokens * output_price
    return (total + TOKENS_PER_PRICE // 2) // TOKENS_PER_PRICE


def worst_case_micros(
    input_tokens: int, max_output_tokens: int, input_price: int, output_price: int
) -> int:
    """What a call may cost at most: every output token used. Rounded up."""
    total = input_tokens * input_price + max_output_tokens * output_price
    return -(-total // TOKENS_PER_PRICE)


def output_tokens_within(room_micros: int, input_tokens: int, input_price: int,
                         output_price: int) -> int:
    """The most output tokens a call may ask for so that its worst case fits in `room_micros`
    (negative: not even the input fits)."""
    left = room_micros * TOKENS_PER_PRICE - input_tokens * input_price
    if output_price <= 0:
        return 2**31 - 1 if left >= 0 else -1
    return left // output_price


def usd_to_micros(value: str | int | Decimal) -> int:
    """Dollars ("2.50", 3, Decimal) to micro-dollars, exactly; refuses floats and sub-micro digits."""
    if isinstance(value, float) or isinstance(value, bool):
        raise TypeError("give dollars as a string, int or Decimal, not a float")
    try:
        amount = Decimal(str(value).strip().lstrip("$"))
    except InvalidOperation as exc:
        raise ValueError(f"not an amount of dollars: {value!r}") from exc
    if not amount.is_finite():
        raise ValueError(f"not an amount of dollars: {value!r}")
    micros = amount * MICROS_PER_USD
    if micros != micros.to_integral_value():
        raise ValueError("amounts are kept to the micro-dollar (6 decimal places)")
    return int(micros)


def micros_to_usd(micros: int) -> Decimal:
    return Decimal(micros) / MICROS_PER_USD


def format_usd(micros: int) -> str:
    """`$1.25`, `$0.000525`: cents when whole, otherwise every micro-dollar shown."""
    amount = micros_to_usd(micros)
    cents = amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    if cents == amount:
        return f"${cents}"
    return f"${amount.normalize():f}"


# List prices (micro-dollars per million input / output tokens) used when providers are
# created from the environment; admins edit them per provider. Longest prefix wins.
KNOWN_PRICES: dict[str, tuple[int, int]] = {
    "gpt-4o-mini": (150_000, 600_000),
    "gpt-4o": (2_500_000, 10_000_000),
    "gpt-4.1-nano": (100_000, 400_000),
    "gpt-4.1-mini": (400_000, 1_600_000),
    "gpt-4.1": (2_000_000, 8_000_000),
    "gemini-2.0-flash-lite": (75_000, 300_000),
    "gemini-2.0-flash": (100_000, 400_000),
    "gemini-2.5-flash": (300_000, 2_500_000),
    "sonar-pro": (3_000_000, 15_000_000),
    "sonar": (1_000_000, 1_000_000),
}
# A model we do not know is priced high rather than free, so budgets still protect.
UNKNOWN_CLOUD_PRICE: tuple[int, int] = (5_000_000, 15_000_000)


def known_price(model: str) -> tuple[int, int] | None:
    model = model.lower()
    matches = [prefix for prefix in KNOWN_PRICES if model.startswith(prefix)]
    return KNOWN_PRICES[max(matches, key=len)] if matches else None


MAX_DOLLARS = 1_000_000  # no price, cap or budget in Vigor is a million dollars: that is a typo


@overload
def dollars_field(text: str, field: str, *, optional: Literal[False] = False, example: str = "0.15") -> int: ...
@overload
def dollars_field(text: str, field: str, *, optional: bool, example: str = "0.15") -> int | None: ...
def dollars_field(text: str, field: str, *, optional: bool = False, example: str = "0.15") -> int | None:
    """What an admin typed in a dollar field ("0.15", "$2", "1,000") as micro-dollars; empty is
    None when `optional`. The one rule for money typed into a form: ``ValidationError`` names
    the field when it is not an amount, below zero, past six decimals or over MAX_DOLLARS."""
    text = (text or "").strip().replace(",", "")
    if not text:
        if optional:
            return None
        raise ValidationError(f"Enter an amount in dollars, e.g. {example}.", field=field)
    try:
        micros = usd_to_micros(text)
    except (ValueError, TypeError):
        raise ValidationError(f"Enter an amount in dollars with at most 6 decimals, e.g. {example}.",
                              field=field) from None
    if micros < 0:
        raise ValidationError("Enter an amount of zero or more.", field=field)
    if micros > MAX_DOLLARS * MICROS_PER_USD:
        raise ValidationError(f"Enter an amount under ${MAX_DOLLARS:,}.", field=field)
    return micros
