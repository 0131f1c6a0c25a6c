"""A small OpenAI-compatible chat completions server for tests, served by uvicorn on 127.0.0.1.

It answers ``POST /v1/chat/completions`` (and Azure's
``POST /openai/deployments/{deployment}/chat/completions``) the way OpenAI does: a JSON
``chat.completion`` with ``usage``, or, with ``"stream": true``, server-sent
``chat.completion.chunk`` events ending in ``data: [DONE]``, with a last chunk carrying
``usage`` when ``stream_options.include_usage`` is set. ``response_format`` of type
``json_schema`` is checked for shape (and can be refused per model, like a server without
structured output).

Each test scripts what a model does next, in order, then falls back to the model's default
(a short reply)::

    server.script("model-a", Failure(500), Reply(delay=2.0), Reply(echo_draft=True))
    server.default("model-b", Reply(content="Hi!", chunks=5, chunk_delay=0.01))

``Reply(echo_draft=True)`` answers a plan request with the built-in engine's draft found in
the prompt (a valid plan); ``Reply(content=...)`` sends any text (malformed JSON, a plan
that breaks the rules); ``Failure(429)`` / ``Failure(500)`` answer with an error;
``Failure(429, retry_after="30")`` adds a Retry-After header;
``Reply(delay=...)`` longer than the client's timeout is a timeout; ``Reply(hold=event)`` answers
once the test sets the ``threading.Event`` (a request kept in flight for as long as a test needs); ``Reply(drop_after=2)``
closes the connection after two streamed pieces; ``Reply(chunks=40, chunk_delay=0.4)``
trickles; ``Reply(completion_tokens=5000)`` reports more tokens than were sent. ``server.requests`` records every request
received (``server.calls("model-a")`` for one model), so tests can count provider calls.

In a test::

    with run_openai_server() as server:
        server.base_url  # http://127.0.0.1:<port>/v1

From another process (prints one JSON line with base_url, then serves until SIGINT/SIGTERM)::

    python -m tests.fakes.openai_server --echo-draft
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import socket
import threading
import time
from collections import deque
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

BYTES_PER_TOKEN = 4
HOLD_LIMIT = 30.0
DRAFT_MARKER = "Draft: "


@dataclass(frozen=True)
class Reply:
    """A successful answer."""

    content: str | None = None  # None: "Hello from <model>." (or the draft with echo_draft)
    echo_draft: bool = False  # answer with the plan draft found in the request's messages
    prompt_tokens: int | None = None  # None: counted from the request, 4 bytes a token
    completion_tokens: int | None = None  # None: counted from the content
    delay: float = 0.0  # seconds before the response starts
    first_chunk_delay: float = 0.0  # streaming: after the headers, before the first piece
    chunk_delay: float = 0.0  # streaming: between pieces
    chunks: int = 4  # streaming: the content is sent in this many pieces
    drop_after: int | None = None  # streaming: close the connection after this many pieces
    usage: bool = True  # report usage at all
    hold: threading.Event | None = None  # answer only once the test sets this (at most HOLD_LIMIT s)


@dataclass(frozen=True)
class Failure:
    """An error answer in OpenAI's shape."""

    status: int = 500
    message: str = "scripted failure"
    delay: float = 0.0
    echo_key: bool = False  # put the API key the client sent into the error message
    raw_body: str | None = None  # send this body instead of the error JSON
    retry_after: str | None = None  # a Retry-After header ("30", or an HTTP date)


Behaviour = Reply | Failure


@dataclass(frozen=True)
class Seen:
    """One request the server received."""

    path: str
    model: str
    body: dict[str, Any]
    headers: dict[str, str]
    at: float

    @property
    def stream(self) -> bool:
        return bool(self.body.get("stream"))

    @property
    def messages(self) -> list[dict[str, Any]]:
        return list(self.body.get("messages") or [])

    @property
    def response_format(self) -> dict[str, Any] | None:
        return self.body.get("response_format")

    @property
    def api_key(self) -> str:
        if "api-key" in self.headers:
            return self.headers["api-key"]
        return self.headers.get("authorization", "").removeprefix("Bearer ").strip()


@dataclass
class FakeOpenAI:
    """The server's state; ``app`` is its Starlette application."""

    base_url: str = ""
    requests: list[Seen] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._scripts: dict[str, deque[Behaviour]] = {}
        self._defaults: dict[str, Behaviour] = {}
        self._no_json_schema: set[str] = set()
        self.app = Starlette(routes=[
            Route("/v1/chat/completions", self._chat, methods=["POST"]),
            Route("/openai/deployments/{deployment}/chat/completions", self._chat, methods=["POST"]),
        ])

    # -- scripting ---------------------------------------------------------------------

    def script(self, model: str, *behaviours: Behaviour) -> None:
        """What `model` does for its next requests, in order (then its default)."""
        with self._lock:
            self._scripts.setdefault(model, deque()).extend(behaviours)

    def default(self, model: str, behaviour: Behaviour) -> None:
        """What `model` does once its script has run out."""
        with self._lock:
            self._defaults[model] = behaviour

    def refuse_json_schema(self, model: str) -> None:
        """Answer 400 to `model` requests that ask for ``response_format`` json_schema."""
        with self._lock:
            self._no_json_schema.add(model)

    def reset(self) -> None:
        with self._lock:
            self._scripts.clear()
            self._defaults.clear()
            self._no_json_schema.clear()
            self.requests.clear()

    def calls(self, model: str | None = None) -> list[Seen]:
        with self._lock:
            return [r for r in self.requests if model is None or r.model == model]

    def _next(self, model: str) -> Behaviour:
        with self._lock:
            queue = self._scripts.get(model)
            if queue:
                return queue.popleft()
            return self._defaults.get(model) or self._defaults.get("*") or Reply()

    # -- the endpoint ------------------------------------------------------------------

    async def _chat(self, request: Request) -> Response:
        try:
            body = json.loads(await request.body())
        except ValueError:
            return _error(400, "could not parse the JSON body", "invalid_request_error")
        if not isinstance(body, dict) or not isinstance(body.get("messages"), list):
            return _error(400, "messages is required", "invalid_request_error")
        model = request.path_params.get("deployment") or str(body.get("model") or "")
        seen = Seen(request.url.path, model, body, {k.lower(): v for k, v in request.headers.items()},
                    time.monotonic())
        with self._lock:
            self.requests.append(seen)
            refuse_schema = model in self._no_json_schema
        problem = _response_format_problem(body.get("response_format"))
        if problem:
            return _error(400, problem, "invalid_request_error")
        if refuse_schema and (body.get("response_format") or {}).get("type") == "json_schema":
            return _error(400, "response_format json_schema is not supported by this model",
                          "invalid_request_error")
        behaviour = self._next(model)
        if isinstance(behaviour, Failure):
            await asyncio.sleep(behaviour.delay)
            if behaviour.raw_body is not None:
                return Response(behaviour.raw_body, status_code=behaviour.status,
                                media_type="application/json")
            message = behaviour.message
            if behaviour.echo_key:
                message = f"{message}: incorrect API key provided: {seen.api_key}"
            kind = "rate_limit_exceeded" if behaviour.status == 429 else "server_error"
            answer = _error(behaviour.status, message, kind)
            if behaviour.retry_after is not None:
                answer.headers["Retry-After"] = behaviour.retry_after
            return answer
        content = _content(behaviour, seen)
        prompt_tokens = (behaviour.prompt_tokens if behaviour.prompt_tokens is not None
                         else _count(" ".join(str(m.get("content") or "") for m in seen.messages)))
        completion_tokens = (behaviour.completion_tokens if behaviour.completion_tokens is not None
                             else _count(content))
        usage = {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens,
                 "total_tokens": prompt_tokens + completion_tokens}
        await asyncio.sleep(behaviour.delay)
        if behaviour.hold is not None:
            await asyncio.to_thread(behaviour.hold.wait, HOLD_LIMIT)
        if seen.stream:
            include_usage = bool((body.get("stream_options") or {}).get("include_usage"))
            return StreamingResponse(
                _events(model, content, behaviour, usage if include_usage and behaviour.usage else None),
                media_type="text/event-stream", headers={"Cache-Control": "no-cache"},
            )
        answer: dict[str, Any] = {
            "id": f"chatcmpl-{len(self.requests)}", "object": "chat.completion",
            "created": int(time.time()), "model": model,
            "choices": [{"index": 0, "message": {"role": "assistant", "content": content},
                         "finish_reason": "stop"}],
        }
        if behaviour.usage:
            answer["usage"] = usage
        return JSONResponse(answer)


class _Drop(Exception):
    """Raised inside a streamed body: uvicorn then closes the connection mid-response."""


def _count(text: str) -> int:
    return math.ceil(len(text.encode()) / BYTES_PER_TOKEN)


def _error(status: int, message: str, kind: str) -> JSONResponse:
    return JSONResponse({"error": {"message": message, "type": kind, "param": None,
                                   "code": kind}}, status_code=status)


def _response_format_problem(value: Any) -> str:
    if value is None:
        return ""
    if not isinstance(value, dict) or value.get("type") not in ("text", "json_object", "json_schema"):
        return "response_format.type must be text, json_object or json_schema"
    if value["type"] == "json_schema":
        schema = value.get("json_schema")
        if not isinstance(schema, dict) or not isinstance(schema.get("name"), str) \
                or not isinstance(schema.get("schema"), dict):
            return "response_format.json_schema needs a name and a schema"
    return ""


def draft_in(messages: list[dict[str, Any]]) -> str | None:
    """The plan draft the gateway put in a plan prompt, as JSON text."""
    for message in messages:
        text = str(message.get("content") or "")
        if message.get("role") == "user" and DRAFT_MARKER in text:
            return text.split(DRAFT_MARKER, 1)[1].strip()
    return None


def _content(behaviour: Reply, seen: Seen) -> str:
    if behaviour.echo_draft:
        draft = draft_in(seen.messages)
        if draft is not None:
            return draft
    if behaviour.content is not None:
        return behaviour.content
    return f"Hello from {seen.model}. Keep going, you are doing well."


def _pieces(content: str, count: int) -> list[str]:
    count = max(1, min(count, len(content))) if content else 1
    size = math.ceil(len(content) / count) if content else 0
    return [content[i:i + size] for i in range(0, len(content), size)] if content else [""]


def _chunk(model: str, delta: dict[str, Any], finish: str | None = None) -> str:
    event = {"id": "chatcmpl-stream", "object": "chat.completion.chunk", "created": int(time.time()),
             "model": model, "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}
    return f"data: {json.dumps(event)}\n\n"


async def _events(model: str, content: str, behaviour: Reply,
                  usage: dict[str, int] | None) -> AsyncIterator[str]:
    yield _chunk(model, {"role": "assistant", "content": ""})
    await asyncio.sleep(behaviour.first_chunk_delay)
    for index, piece in enumerate(_pieces(content, behaviour.chunks)):
        if behaviour.drop_after is not None and index >= behaviour.drop_after:
            raise _Drop("scripted drop")
        if index and behaviour.chunk_delay:
            await asyncio.sleep(behaviour.chunk_delay)
        yield _chunk(model, {"content": piece})
    yield _chunk(model, {}, "stop")
    if usage is not None:
        last = {"id": "chatcmpl-stream", "object": "chat.completion.chunk",
                "created": int(time.time()), "model": model, "choices": [], "usage": usage}
        yield f"data: {json.dumps(last)}\n\n"
    yield "data: [DONE]\n\n"


# --- running it -------------------------------------------------------------------------


@contextmanager
def run_openai_server(host: str = "127.0.0.1", port: int = 0) -> Iterator[FakeOpenAI]:
    """Serve a ``FakeOpenAI`` from a background thread for the ``with`` block."""
    sock = _listening_socket(host, port)
    server_state = FakeOpenAI(base_url=f"http://{host}:{sock.getsockname()[1]}/v1")
    server = _uvicorn(server_state)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]},
                              name="fake-openai-server", daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 10
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the fake OpenAI server did not start")
            time.sleep(0.005)
        yield server_state
    finally:
        server.should_exit = True
        thread.join(timeout=5)
        sock.close()


def _uvicorn(state: FakeOpenAI) -> uvicorn.Server:
    # log_level critical: a scripted drop makes uvicorn log the exception it closes on.
    return uvicorn.Server(uvicorn.Config(state.app, lifespan="off", log_level="critical",
                                         access_log=False, timeout_graceful_shutdown=1))


def _listening_socket(host: str, port: int) -> socket.socket:
    # proto=IPPROTO_TCP and TCP_NODELAY: otherwise asyncio leaves Nagle on for accepted
    # connections, and every keep-alive request waits ~40 ms for a delayed ACK.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.bind((host, port))
    sock.listen(512)
    return sock


def main(argv: list[str] | None = None) -> None:
    """Serve in the foreground (for a benchmark or a browser test in another process)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--echo-draft", action="store_true",
                        help="answer plan requests with the draft in the prompt")
    parser.add_argument("--delay", type=float, default=0.0, help="seconds before each answer")
    args = parser.parse_args(argv)
    sock = _listening_socket(args.host, args.port)
    state = FakeOpenAI(base_url=f"http://{args.host}:{sock.getsockname()[1]}/v1")
    state.default("*", Reply(echo_draft=args.echo_draft, delay=args.delay))
    print(json.dumps({"base_url": state.base_url}), flush=True)  # the parent process reads this
    _uvicorn(state).run(sockets=[sock])


if __name__ == "__main__":
    main()
