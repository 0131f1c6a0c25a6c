"""openai SDK clients, one per provider (and per event loop), with the SDK's retries off.

The gateway owns the only retry loop, so every client has ``max_retries=0``. A client is
reused while the provider's row is unchanged; its connection pool belongs to the event
loop that created it, so each loop gets its own.
"""

from __future__ import annotations

import asyncio
import weakref

from openai import AsyncAzureOpenAI, AsyncOpenAI

from vigor_app.services.ai.providers import AZURE_OPENAI, DEFAULT_BASE_URLS, ProviderConfig

NO_KEY = "none"  # servers without authentication still get a bearer value: the SDK wants one

_by_loop: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[int, tuple[str, AsyncOpenAI]]] = (
    weakref.WeakKeyDictionary())
_closing: set[asyncio.Task] = set()


def make_client(config: ProviderConfig) -> AsyncOpenAI:
    key = config.secret or NO_KEY
    if config.kind == AZURE_OPENAI:
        return AsyncAzureOpenAI(azure_endpoint=config.base_url, api_key=key,
                                api_version=config.api_version, max_retries=0,
                                timeout=config.timeout_s)
    return AsyncOpenAI(base_url=config.base_url or DEFAULT_BASE_URLS.get(config.kind),
                       api_key=key, max_retries=0, timeout=config.timeout_s)


def client_for(config: ProviderConfig) -> AsyncOpenAI:
    """This loop's client for `config`, made anew when the provider's settings changed."""
    clients = _by_loop.setdefault(asyncio.get_running_loop(), {})
    found = clients.get(config.id)
    if found is not None and found[0] == config.version:
        return found[1]
    client = make_client(config)
    clients[config.id] = (config.version, client)
    if found is not None:  # the provider changed: let the old client's connections go
        task = asyncio.get_running_loop().create_task(found[1].close())
        _closing.add(task)
        task.add_done_callback(_closing.discard)
    return client


async def close_clients() -> None:
    """Close this loop's clients (at shutdown)."""
    clients = _by_loop.pop(asyncio.get_running_loop(), {})
    for _, client in clients.values():
        await client.close()
