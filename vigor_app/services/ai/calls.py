"""Talking to one provider through the openai SDK: one call, or one stream up to its first
piece of text; how a failure is classified; what a call is charged.

Nothing here touches the database. Every wait has two limits: the provider's own timeout
(for the answer, the first piece of a stream and each piece after it) and the request's
whole-reply deadline (``ai_reply_deadline_seconds``), whichever comes first. A provider's
``Retry-After`` (seconds, an HTTP date, or OpenAI's ``retry-after-ms``) travels with the
failure so the ledger can keep every worker off the provider until then.

What a call is charged never exceeds what it reserved: the provider's token counts are
clamped to the input estimate the reservation used and to the output tokens the call asked
for (``charge``); the provider's own figures are kept beside them.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any

import httpx2
import openai
from openai.types.chat import ChatCompletion, ChatCompletionChunk

from vigor_app.services.ai import clients, crypto, outcomes, prompts
from vigor_app.services.ai.providers import AZURE_OPENAI, OPENAI, ProviderConfig

# Statuses whose Retry-After the gateway honours: too many requests, and overloaded.
RETRY_AFTER_STATUSES = frozenset({429, 503})


@dataclass
class Result:
    """How one call ended: its outcome, the text, and the tokens charged and reported."""

    outcome: str
    text: str = ""
    value: Any = None
    input_tokens: int = 0  # charged (clamped; see ``charge``)
    output_tokens: int = 0
    reported_input: int | None = None  # what the provider said (None: it said nothing)
    reported_output: int | None = None
    usage_estimated: bool = False
    error_class: str = ""
    error_message: str = ""
    latency_s: float = 0.0
    unreadable: bool = False  # not JSON at all: worth one repair turn
    fix: str = ""  # readable, but the judge says what to fix: worth one repair turn
    retry_after: timedelta | None = None  # the provider asked not to be called for this long


def charge(result: Result, usage: tuple[int, int] | None, input_ceiling: int, output_ceiling: int,
           estimated_output: int) -> Result:
    """Fill in the tokens `result` is charged for: the provider's counts when it sent them,
    our estimate otherwise, never more than the reservation covered."""
    if usage is not None:
        result.reported_input, result.reported_output = usage
        input_tokens, output_tokens = usage
    else:
        input_tokens, output_tokens = input_ceiling, estimated_output
        result.usage_estimated = True
    result.input_tokens = max(0, min(input_tokens, input_ceiling))
    result.output_tokens = max(0, min(output_tokens, output_ceiling))
    return result


def usage_of(response_or_chunk: Any) -> tuple[int, int] | None:
    usage = getattr(response_or_chunk, "usage", None)
    if usage is None:
        return None
    return int(usage.prompt_tokens or 0), int(usage.completion_tokens or 0)


# --- failures ---------------------------------------------------------------------------


def classify(exc: BaseException) -> tuple[str, str]:
    if isinstance(exc, openai.APITimeoutError | TimeoutError | httpx2.TimeoutException):
        return outcomes.TIMEOUT, type(exc).__name__
    if isinstance(exc, openai.RateLimitError):
        return outcomes.RATE_LIMITED, type(exc).__name__
    return outcomes.ERROR, type(exc).__name__


def retry_after(exc: BaseException, now: datetime | None = None) -> timedelta | None:
    """How long the provider asked us to wait (429/503 with Retry-After), or None."""
    if not isinstance(exc, openai.APIStatusError) or exc.status_code not in RETRY_AFTER_STATUSES:
        return None
    headers = exc.response.headers
    millis = headers.get("retry-after-ms")
    if millis:
        try:
            value = float(millis) / 1000
        except ValueError:
            value = None
        if value is not None and value == value and 0 < value < 10**7:
            return timedelta(seconds=value)
    text = (headers.get("retry-after") or "").strip()
    if not text:
        return None
    try:
        seconds = float(text)
    except ValueError:
        try:
            when = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        wait = when - (now or datetime.now(UTC))
        return wait if wait > timedelta(0) else None
    if not seconds == seconds or not 0 < seconds < 10**7:  # NaN, negative, absurd
        return None
    return timedelta(seconds=seconds)


def failure(exc: BaseException, provider: ProviderConfig, started: float) -> Result:
    outcome, error_class = classify(exc)
    message = str(exc) or error_class
    if isinstance(exc, openai.APIStatusError):
        message = f"HTTP {exc.status_code}: {message}"
    return Result(outcome, error_class=error_class,
                  error_message=crypto.redact(message, provider.secret)[:300],
                  latency_s=time.perf_counter() - started, retry_after=retry_after(exc))


def deadline_passed(started: float) -> Result:
    return Result(outcomes.TIMEOUT, error_class="ReplyDeadline",
                  error_message="the whole reply took longer than its deadline",
                  latency_s=time.perf_counter() - started)


def token_limit(provider: ProviderConfig, tokens: int) -> dict[str, int]:
    # OpenAI's newer models take max_completion_tokens; most compatible servers max_tokens.
    if provider.kind in (OPENAI, AZURE_OPENAI):
        return {"max_completion_tokens": tokens}
    return {"max_tokens": tokens}


def _send(provider: ProviderConfig, body: dict[str, Any], *, stream: bool) -> Any:
    """POST /chat/completions through the provider's openai client.

    The body is built here from plain strings and numbers, so it goes out through the SDK's
    ``post`` as it is: ``chat.completions.create`` would first walk it against the SDK's
    parameter types, about 1.4 ms of CPU per call on this machine for nothing to convert.
    Authentication, the Azure deployment path, errors, timeouts and the typed response or
    stream are the SDK's, exactly as ``create`` does them."""
    return clients.client_for(provider).post(
        "/chat/completions", body=body, cast_to=ChatCompletion,
        options={"security": {"bearer_auth": True}}, stream=stream,
        stream_cls=openai.AsyncStream[ChatCompletionChunk])


def wait_limit(provider: ProviderConfig, deadline: float) -> float:
    """Seconds the next wait may take: the provider's timeout, or less near the deadline."""
    return max(0.0, min(provider.timeout_s, deadline - time.perf_counter()))


# --- one call ---------------------------------------------------------------------------


async def complete(provider: ProviderConfig, messages: list[dict[str, str]], max_out: int,
                   input_estimate: int, response_format: dict[str, Any] | None, deadline: float,
                   max_chars: int) -> Result:
    """One non-streaming call. A result with outcome OK carries the text, to be judged by the
    caller; an answer is charged (``charge``), a failure is not. Cancellation propagates."""
    body: dict[str, Any] = {"model": provider.model, "messages": messages,
                            **token_limit(provider, max_out)}
    if response_format is not None:
        body["response_format"] = response_format
    started = time.perf_counter()
    try:
        async with asyncio.timeout(wait_limit(provider, deadline)):
            response = await _send(provider, body, stream=False)
    except Exception as exc:  # noqa: BLE001 - every failure is recorded and the loop moves on
        if isinstance(exc, TimeoutError) and time.perf_counter() >= deadline:
            return deadline_passed(started)
        return failure(exc, provider, started)
    latency = time.perf_counter() - started
    text = (response.choices[0].message.content or "") if response.choices else ""
    if len(text) > max_chars:
        result = Result(outcomes.INVALID, text=text[:max_chars], error_class="TooLong",
                        error_message=f"the answer was {len(text):,} characters; "
                                      f"at most {max_chars:,} are read", latency_s=latency)
    else:
        result = Result(outcomes.OK, text=text, latency_s=latency)
    return charge(result, usage_of(response), input_estimate, max_out,
                  prompts.estimate_output_tokens(text))


# --- a stream ---------------------------------------------------------------------------


@dataclass
class Stream:
    """A chat stream that produced its first piece of text."""

    stream: Any
    pieces: Any
    started: float
    first: str = ""
    usage: tuple[int, int] | None = None
    received: list[str] = field(default_factory=list)

    def take(self, chunk: Any) -> str:
        """The text in `chunk`; notes the usage when it comes."""
        usage = usage_of(chunk)
        if usage is not None:
            self.usage = usage
        choices = getattr(chunk, "choices", None) or []
        text = "".join((c.delta.content or "") for c in choices if c.delta is not None)
        if text:
            self.received.append(text)
        return text


async def open_stream(provider: ProviderConfig, payload: list[dict[str, str]], max_out: int,
                      deadline: float) -> Result | Stream:
    """Start a streamed reply and read up to its first piece of text (a Stream), or the
    failure before it (a Result: the next provider may still answer)."""
    started = time.perf_counter()
    stream = None
    try:
        async with asyncio.timeout(wait_limit(provider, deadline)):
            stream = await _send(provider, {
                "model": provider.model, "messages": payload, "stream": True,
                "stream_options": {"include_usage": True}, **token_limit(provider, max_out)},
                stream=True)
            pieces = stream.__aiter__()
            opened = Stream(stream, pieces, started)
            while True:
                chunk = await pieces.__anext__()
                text = opened.take(chunk)
                if text:
                    opened.first = text
                    return opened
    except asyncio.CancelledError:
        await close_quietly(stream)
        raise
    except StopAsyncIteration:
        await close_quietly(stream)
        return Result(outcomes.ERROR, error_class="EmptyReply",
                      error_message="the stream ended before any text",
                      latency_s=time.perf_counter() - started)
    except Exception as exc:  # noqa: BLE001
        await close_quietly(stream)
        if isinstance(exc, TimeoutError) and time.perf_counter() >= deadline:
            return deadline_passed(started)
        return failure(exc, provider, started)


async def close_quietly(stream: Any) -> None:
    if stream is None:
        return
    try:
        await stream.close()
    except Exception:  # noqa: BLE001, S110 - closing a broken stream may fail too
        pass
