"""Relaying a provider's streamed reply to the person, as data held to Vigor's rules.

- **Screened before shown.** Every piece is read by the coach's safety screen for AI text
  (``advice_screen.screen_advice``) with the sentence it belongs to before it goes out (``Held``;
  a run of ``HOLD_MAX_CHARS`` without a sentence end counts as a sentence). A sentence
  that recommends something harmful is never relayed: the stream is closed, the attempt is
  recorded ``invalid`` (``UnsafeAdvice``) and the last chunk replaces the reply with the
  screen's own answer.
- **Capped.** At most ``prompts.reply_char_limit`` characters are relayed, whatever the
  provider sends (a provider ignoring ``max_tokens`` is cut there, with a notice).
- **Under a deadline.** Each wait has the provider's timeout, and the whole reply the
  request's deadline: a trickle cannot hold a reply open for ever; it ends as a ``timeout``.
- **Settled whatever happens**, with the tokens charged clamped to the reservation. A
  person who leaves (the reader closes, or the task is cancelled) makes it ``abandoned``:
  not the provider's fault, so its circuit is untouched. A provider dropping the stream
  makes it ``interrupted``, which is.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import AsyncGenerator
from dataclasses import dataclass

from vigor_app.services.ai import calls, outcomes, prompts
from vigor_app.services.ai.calls import Result, Stream
from vigor_app.services.ai.ledger import Call, Flow, Ledger
from vigor_app.services.ai.notices import STREAM_CUT_NOTICE, TOO_LONG_NOTICE, WITHHELD_NOTICE
from vigor_app.services.safety import advice_screen
from vigor_app.services.safety import messages as safety

HOLD_MAX_CHARS = 400  # text without a sentence end is screened and let through at this length
_SENTENCE_END = re.compile(r"[.!?;:]\s|\n")


@dataclass
class Ending:
    """How the relayed reply ended, for the last chunk."""

    notice: str | None = None
    replace: str | None = None  # the text to show instead of the reply (it was withheld)


class Held:
    """Text from the provider, let through as it comes unless the screen objects.

    The sentence being written is screened each time it grows: while it reads as safe its
    new words go out at once (the reply streams); once it matches a harmful rule it is held
    until it ends, then screened whole (a warning - "never train through sharp pain" - reads
    as safe once its sentence is complete). A complete sentence that is harmful is never
    shown: the reply is withheld (``unsafe``)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.sentence = ""  # the sentence being written
        self.sent = 0  # how much of it has gone out
        self.holding = False
        self.shown: list[str] = []
        self.shown_chars = 0
        self.too_long = False
        self.unsafe: safety.SafetyVerdict | None = None

    def add(self, text: str) -> str:
        """What of `text` (and of what was held before it) may be shown now."""
        room = self.limit - self.shown_chars - (len(self.sentence) - self.sent)
        if len(text) > room:
            text, self.too_long = text[:max(room, 0)], True
        self.sentence += text
        out: list[str] = []
        while self.unsafe is None:
            match = _SENTENCE_END.search(self.sentence)
            cut = match.end() if match else (len(self.sentence)
                                             if len(self.sentence) >= HOLD_MAX_CHARS else None)
            if cut is None:
                break
            whole, self.sentence = self.sentence[:cut], self.sentence[cut:]
            out.append(self._finish(whole))
        if self.unsafe is None and self.sentence and not self.holding:
            if advice_screen.screen_advice(self.sentence).ok:
                out.append(self._show(self.sentence[self.sent:]))
                self.sent = len(self.sentence)
            else:
                self.holding = True
        if self.too_long:
            out.append(self.flush())
        return "".join(out)

    def flush(self) -> str:
        """The end of the reply: the last sentence, screened whole."""
        whole, self.sentence = self.sentence, ""
        return self._finish(whole) if whole and self.unsafe is None else ""

    def _finish(self, whole: str) -> str:
        unsent, self.sent, self.holding = whole[self.sent:], 0, False
        verdict = advice_screen.screen_advice(whole)
        if not verdict.ok:
            self.unsafe = verdict
            return ""
        return self._show(unsent)

    def _show(self, text: str) -> str:
        self.shown.append(text)
        self.shown_chars += len(text)
        return text

    @property
    def text(self) -> str:
        return "".join(self.shown)


async def relay(ledger: Ledger, flow: Flow, call: Call, opened: Stream, deadline: float,
                ended: Ending) -> AsyncGenerator[str, None]:
    """The reply's text, piece by piece; `ended` says how it ended once this is exhausted."""
    provider = call.provider
    held = Held(prompts.reply_char_limit(call.max_out))
    result = Result(outcomes.OK)
    finished = False
    try:
        text = opened.first
        while True:
            out = held.add(text) if text else ""
            if out:
                yield out
            if held.unsafe is not None or held.too_long:
                break
            wait = calls.wait_limit(provider, deadline)
            if wait <= 0:
                result = calls.deadline_passed(opened.started)
                break
            try:
                async with asyncio.timeout(wait):
                    chunk = await opened.pieces.__anext__()
            except StopAsyncIteration:
                finished = True
                break
            text = opened.take(chunk)
    except GeneratorExit:  # the reader stopped reading: keep what was sent, account for it
        result = Result(outcomes.ABANDONED, error_class="ClientClosed",
                        error_message="the reader stopped reading")
        await _settle(ledger, flow, call, opened, result, held, cacheable=False)
        raise
    except asyncio.CancelledError:  # the person left: not the provider's fault
        result = Result(outcomes.ABANDONED, error_class="Cancelled",
                        error_message="the request was cancelled during the reply")
        await _settle(ledger, flow, call, opened, result, held, cacheable=False)
        raise
    except Exception as exc:  # noqa: BLE001 - a dropped or stalled stream ends with a notice
        if isinstance(exc, TimeoutError) and time.perf_counter() >= deadline:
            result = calls.deadline_passed(opened.started)
        else:
            result = calls.failure(exc, provider, opened.started)
            if result.outcome != outcomes.TIMEOUT:
                result.outcome = outcomes.INTERRUPTED
    rest = held.flush()  # the last words, once screened
    if rest:
        yield rest
    if held.unsafe is not None:
        result = Result(outcomes.INVALID, error_class="UnsafeAdvice",
                        error_message=f"the reply recommended something harmful "
                                      f"({held.unsafe.topic}); withheld")
        ended.notice, ended.replace = WITHHELD_NOTICE, held.unsafe.reply or ""
    elif held.too_long:
        result = Result(outcomes.OK, error_class="TooLong",
                        error_message=f"the reply was cut at {held.limit:,} characters")
        ended.notice = TOO_LONG_NOTICE
    elif not finished:
        ended.notice = STREAM_CUT_NOTICE
    clean = finished and held.unsafe is None and not held.too_long
    await _settle(ledger, flow, call, opened, result, held, cacheable=clean)


async def _settle(ledger: Ledger, flow: Flow, call: Call, opened: Stream, result: Result,
                  held: Held, *, cacheable: bool) -> None:
    await calls.close_quietly(opened.stream)
    result.text = held.text
    result.value = result.text if cacheable else None
    result.latency_s = time.perf_counter() - opened.started
    calls.charge(result, opened.usage, call.input_estimate, call.max_out,
                 prompts.estimate_output_tokens("".join(opened.received)))
    await asyncio.shield(asyncio.to_thread(ledger.settle, flow, call, result, final=True,
                                           cacheable=cacheable))
