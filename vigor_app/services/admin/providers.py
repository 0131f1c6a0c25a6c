"""The provider console: what an admin typed, moving providers, and testing a connection.

The CRUD itself is ``services/ai/providers.py`` (admin-checked and audited there). This
module adds what the console needs on top:

- ``provider_values`` turns what an admin typed (``ProviderFields``: dollars, seconds,
  strings) into the exact values ``providers`` takes, naming the field at fault;
- ``move_provider`` moves one provider up or down: the whole order is renumbered
  (10, 20, 30, …) in one transaction and audited once, with the order before and after;
- ``test_connection`` makes one real, minimal call to the provider through the openai SDK
  and the gateway's client code (``clients.make_client``: the provider's own URL, key,
  timeout, SDK retries off) and reports the outcome, latency and tokens. It is audited (it
  costs a few tokens); it is not a request of any person, so it is not in ``ai_attempts``.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

import openai
from openai.types.chat import ChatCompletionMessageParam
from sqlmodel import col, select

from vigor_app import db
from vigor_app.clock import utcnow
from vigor_app.models import AiProvider
from vigor_app.services import audit
from vigor_app.services.accounts.roles import require_admin
from vigor_app.services.ai import clients, crypto, pricing, providers
from vigor_app.services.errors import NotFound, ValidationError

log = logging.getLogger(__name__)

PRIORITY_STEP = 10
TEST_PROMPT = "Reply with the single word: ready"
TEST_MAX_TOKENS = 16
UP, DOWN = "up", "down"


# --- the input ----------------------------------------------------------------------------


def dollars(text: str, field: str, *, optional: bool = False) -> int | None:
    """``"0.15"`` or ``"$2"`` to micro-dollars; empty is None when optional."""
    return pricing.dollars_field(text, field, optional=optional)


def plain_dollars(micros: int | None) -> str:
    """Micro-dollars as a plain dollar figure for a form (``"0.15"``, ``"100"``); "" for None."""
    if micros is None:
        return ""
    return f"{pricing.micros_to_usd(micros).normalize():f}"


def _whole(text: str, field: str, message: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise ValidationError(message, field=field) from None


def _seconds(text: str) -> float:
    try:
        value = Decimal(text)
    except InvalidOperation:
        value = Decimal("NaN")
    if not value.is_finite():
        raise ValidationError("Enter the timeout in seconds, e.g. 30.", field="timeout_seconds")
    return float(value)


@dataclass(frozen=True, kw_only=True)
class ProviderFields:
    """What an admin typed for a provider: every box as typed (dollars, seconds, a token count,
    the key; "" when left empty), each switch as ticked or not. ``provider_values`` checks and
    converts each."""

    name: str
    kind: str
    base_url: str
    model: str
    api_version: str  # Azure's only
    enabled: bool = False
    api_key: str  # empty on an edit: keep the stored key, unless remove_key is ticked
    remove_key: bool = False
    input_price: str  # dollars per million tokens
    output_price: str
    daily_cap: str  # dollars a day; empty: no cap
    structured_output: bool = False
    timeout_seconds: str
    max_output_tokens: str


def provider_values(data: ProviderFields, *, new: bool) -> dict[str, Any]:
    """The provider settings an admin typed, as ``providers`` takes them; ``ValidationError``
    names the field at fault.

    An empty API key on an edit keeps the stored one (``api_key`` left out) unless
    ``remove_key`` is ticked; on a new provider it means no key.
    """
    values: dict[str, Any] = {
        "name": data.name.strip(),
        "kind": data.kind.strip(),
        "base_url": data.base_url.strip(),
        "model": data.model.strip(),
        "api_version": data.api_version.strip() or None,
        "enabled": data.enabled,
        "structured_output": data.structured_output,
        "input_price_micros": dollars(data.input_price.strip(), "input_price_micros"),
        "output_price_micros": dollars(data.output_price.strip(), "output_price_micros"),
        "daily_cap_micros": dollars(data.daily_cap.strip(), "daily_cap_micros", optional=True),
        "timeout_seconds": _seconds(data.timeout_seconds.strip() or "30"),
        "max_output_tokens": _whole(data.max_output_tokens.strip() or "0", "max_output_tokens",
                                    "Enter the most tokens an answer may have, e.g. 4096."),
    }
    key = data.api_key.strip()
    if new or key:
        values["api_key"] = key
    elif data.remove_key:
        values["api_key"] = ""
    return values


def create(actor_id: int, data: ProviderFields, *, client_ip: str = "") -> providers.ProviderView:
    """A new provider, placed after the others (before the built-in coach)."""
    return add(actor_id, provider_values(data, new=True), client_ip=client_ip)


def add(actor_id: int, values: dict[str, Any], *, client_ip: str = "") -> providers.ProviderView:
    """A new provider from `values` as ``providers.ProviderInput`` takes them; without a
    ``priority`` it is placed after the others (before the built-in coach)."""
    unknown = set(values) - set(providers.EDITABLE)
    if unknown:
        raise ValidationError(f"Unknown provider setting {sorted(unknown)[0]!r}.")
    if "priority" not in values:
        with db.read_only() as session:
            require_admin(session, actor_id)
            last = session.exec(select(AiProvider.priority).order_by(col(AiProvider.priority).desc())).first()
        values = {**values, "priority": min((last or 0) + PRIORITY_STEP, providers.MAX_PRIORITY)}
    return providers.create_provider(actor_id, providers.ProviderInput(**values), client_ip=client_ip)


def update(actor_id: int, provider_id: int, data: ProviderFields, *,
           client_ip: str = "") -> providers.ProviderView:
    return providers.update_provider(actor_id, provider_id, client_ip=client_ip,
                                     **provider_values(data, new=False))


def edit_values(actor_id: int, provider_id: int) -> dict[str, str]:
    """What the edit form starts with (never the key: only its hint)."""
    found = next((p for p in providers.list_providers(actor_id) if p.id == provider_id), None)
    if found is None:
        raise NotFound("That provider does not exist.")
    return {
        "name": found.name, "kind": found.kind, "base_url": found.base_url, "model": found.model,
        "api_version": found.api_version or "", "api_key_hint": found.api_key_hint,
        "enabled": "on" if found.enabled else "", "structured_output": "on" if found.structured_output else "",
        "input_price": plain_dollars(found.input_price_micros),
        "output_price": plain_dollars(found.output_price_micros),
        "daily_cap": plain_dollars(found.daily_cap_micros),
        "timeout_seconds": f"{found.timeout_seconds:g}" if found.timeout_seconds else "30",
        "max_output_tokens": str(found.max_output_tokens or 4096),
    }


# --- the order ----------------------------------------------------------------------------


def move_provider(actor_id: int, provider_id: int, direction: str, *, client_ip: str = "") -> list[str]:
    """Move a provider one place up (answers earlier) or down. Returns the names in the new
    order. The built-in coach stays last and cannot move."""
    if direction not in (UP, DOWN):
        raise ValidationError("Move a provider up or down.")
    with db.transaction() as session:
        require_admin(session, actor_id)
        rows = list(session.exec(select(AiProvider).order_by(col(AiProvider.priority), col(AiProvider.id))).all())
        index = next((i for i, r in enumerate(rows) if r.id == provider_id), None)
        if index is None:
            if provider_id is None or not isinstance(provider_id, int):
                raise ValidationError("The built-in coach is always on and always last.")
            raise NotFound("That provider does not exist.")
        other = index - 1 if direction == UP else index + 1
        if not 0 <= other < len(rows):
            return [r.name for r in rows]
        before = {r.name: r.priority for r in rows}
        rows[index], rows[other] = rows[other], rows[index]
        now = utcnow()
        for place, row in enumerate(rows, start=1):
            if row.priority != place * PRIORITY_STEP:
                row.priority, row.updated_at = place * PRIORITY_STEP, now
                session.add(row)
        after = {r.name: r.priority for r in rows}
        audit.record(session, actor_user_id=actor_id, action="ai.provider_moved",
                     target_type="ai_provider", target_id=provider_id,
                     before={"order": list(before), "priority": before},
                     after={"order": list(after), "priority": after, "moved": direction},
                     client_ip=client_ip, now=now)
        return [r.name for r in rows]


# --- test connection ------------------------------------------------------------------------


@dataclass(frozen=True)
class ConnectionTest:
    ok: bool
    provider: str
    model: str
    latency_ms: int
    input_tokens: int = 0
    output_tokens: int = 0
    cost_micros: int = 0
    reply: str = ""  # the start of what the model said
    error: str = ""  # the provider's error, in plain words (never the key)


def _config(actor_id: int, provider_id: int) -> providers.ProviderConfig:
    with db.read_only() as session:
        require_admin(session, actor_id)
        row = session.get(AiProvider, provider_id) if isinstance(provider_id, int) else None
        if row is None:
            raise NotFound("That provider does not exist.")
        return providers.config_of(row)


def _plain(exc: BaseException, config: providers.ProviderConfig) -> str:
    """The provider's error in words a person can act on."""
    if isinstance(exc, openai.APITimeoutError | TimeoutError):
        return f"No answer within {config.timeout_s:g} seconds (timeout)."
    if isinstance(exc, openai.APIConnectionError):
        where = config.base_url or providers.DEFAULT_BASE_URLS.get(config.kind, "")
        return f"Could not reach {where}: the server did not answer (is the address right?)."
    if isinstance(exc, openai.APIStatusError):
        message = ""
        body = exc.body
        if isinstance(body, dict):
            inner = body.get("error") if isinstance(body.get("error"), dict) else body
            message = str(inner.get("message") or "") if isinstance(inner, dict) else ""
        message = message or exc.message or ""
        reasons = {401: "the API key was refused", 403: "access was refused",
                   404: "the model or address was not found", 429: "rate limited or out of credit"}
        head = f"The provider answered HTTP {exc.status_code}"
        if exc.status_code in reasons:
            head += f" ({reasons[exc.status_code]})"
        return f"{head}: {message}" if message else f"{head}."
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


def _uses_completion_tokens(config: providers.ProviderConfig) -> bool:
    # As the gateway: OpenAI's newer models take max_completion_tokens, most others max_tokens.
    return config.kind in (providers.OPENAI, providers.AZURE_OPENAI)


async def test_connection(actor_id: int, provider_id: int, *, client_ip: str = "") -> ConnectionTest:
    """One real, minimal chat completion to the provider; audited with its outcome."""
    config = await asyncio.to_thread(_config, actor_id, provider_id)
    if config.key_error:
        result = ConnectionTest(False, config.name, config.model, 0,
                                error="The stored API key cannot be read (SECRET_KEY changed?). "
                                      "Enter the key again.")
    else:
        result = await _call(config)
    await asyncio.to_thread(_record, actor_id, provider_id, result, client_ip)
    return result


async def _call(config: providers.ProviderConfig) -> ConnectionTest:
    client = clients.make_client(config)
    started = time.perf_counter()
    try:
        async with asyncio.timeout(config.timeout_s):
            messages: list[ChatCompletionMessageParam] = [{"role": "user", "content": TEST_PROMPT}]
            if _uses_completion_tokens(config):
                response = await client.chat.completions.create(
                    model=config.model, messages=messages, max_completion_tokens=TEST_MAX_TOKENS)
            else:
                response = await client.chat.completions.create(
                    model=config.model, messages=messages, max_tokens=TEST_MAX_TOKENS)
    except Exception as exc:  # noqa: BLE001 - every failure is the outcome to show
        latency = round((time.perf_counter() - started) * 1000)
        message = crypto.redact(_plain(exc, config), config.secret)[:300]
        log.info("Provider test %s: failed in %d ms (%s)", config.name, latency, type(exc).__name__)
        return ConnectionTest(False, config.name, config.model, latency, error=message)
    finally:
        await client.close()
    latency = round((time.perf_counter() - started) * 1000)
    text = (response.choices[0].message.content or "") if response.choices else ""
    usage = response.usage
    tokens_in = usage.prompt_tokens if usage is not None else 0
    tokens_out = usage.completion_tokens if usage is not None else 0
    cost = pricing.cost_micros(tokens_in, tokens_out, config.input_price_micros, config.output_price_micros)
    log.info("Provider test %s: ok in %d ms, %d+%d tokens", config.name, latency, tokens_in, tokens_out)
    return ConnectionTest(True, config.name, config.model, latency, tokens_in, tokens_out, cost,
                          reply=crypto.redact(" ".join(text.split()), config.secret)[:120])


def _record(actor_id: int, provider_id: int, result: ConnectionTest, client_ip: str) -> None:
    with db.transaction() as session:
        require_admin(session, actor_id)
        audit.record(session, actor_user_id=actor_id, action="ai.provider_tested",
                     target_type="ai_provider", target_id=provider_id,
                     before={"provider": result.provider, "model": result.model},
                     after={"ok": result.ok, "latency_ms": result.latency_ms,
                            "input_tokens": result.input_tokens, "output_tokens": result.output_tokens,
                            "cost_micros": result.cost_micros, "error": result.error},
                     client_ip=client_ip)
