"""A worker process for gateway tests that need several processes on one database.

Started by a test with the test's environment (DATABASE_URL, SECRET_KEY ...), it prints
``ready`` once Vigor is imported, then reads one JSON command per line from stdin and
answers each with one JSON line on stdout, until stdin closes::

    {"user_id": 3, "count": 12, "parallel": true}
    -> [{"engine": "A", "reason": "provider", "notice": null, "text": "..."}, ...]

Each request is a real chat through a real ``Gateway`` (real openai SDK, real HTTP to the
test's OpenAI-compatible server), so quotas, budgets and circuits are shared with the other
processes only through the database, as they are between Vigor's workers.
"""

from __future__ import annotations

import asyncio
import json
import sys
from typing import Any


async def _one(gateway: Any, user_id: int, index: int) -> dict[str, Any]:
    parts: list[str] = []
    last = None
    messages = [{"role": "user", "content": f"Question {index}: how long should I rest between sets?"}]
    async for chunk in gateway.stream_chat(user_id, "chat", messages, builtin=lambda: "built-in"):
        if chunk.done:
            last = chunk
        else:
            parts.append(chunk.text)
    assert last is not None
    return {"engine": last.engine, "reason": last.reason, "notice": last.notice,
            "text": "".join(parts)}


async def _run(command: dict[str, Any], gateway: Any) -> list[dict[str, Any]]:
    user_id, count, start = int(command["user_id"]), int(command["count"]), int(command.get("start", 0))
    if command.get("parallel"):
        return list(await asyncio.gather(*(_one(gateway, user_id, start + i) for i in range(count))))
    return [await _one(gateway, user_id, start + i) for i in range(count)]


def main() -> None:
    from vigor_app.services.ai.gateway import Gateway

    gateway = Gateway()
    loop = asyncio.new_event_loop()
    print("ready", flush=True)
    for line in sys.stdin:
        if line.strip():
            print(json.dumps(loop.run_until_complete(_run(json.loads(line), gateway))), flush=True)
    loop.close()


if __name__ == "__main__":
    main()
