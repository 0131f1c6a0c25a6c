"""Settings the gateway reads on every request but admins change rarely (the enabled
providers, the budget settings, the tier limits), kept in this process for a moment.

A snapshot lives ``TTL_SECONDS`` per database engine and is dropped at once when this
process changes what it holds (the admin services call ``forget``), so an admin's change
applies at once in the worker that made it and within ``TTL_SECONDS`` in every other.
Circuits, counters, quotas and the cache are never snapshotted: they change with every
request and are read in the request's own transaction.
"""

from __future__ import annotations

import functools
import threading
import time
import weakref
from collections.abc import Callable
from typing import Any, Generic, ParamSpec, TypeVar

from sqlmodel import Session

TTL_SECONDS = 1.0

T = TypeVar("T")
P = ParamSpec("P")
R = TypeVar("R")
_all: list[Snapshot[Any]] = []


class Snapshot(Generic[T]):
    def __init__(self, load: Callable[[Session], T]) -> None:
        self._load = load
        self._lock = threading.Lock()
        # Per engine object (not its id: a disposed engine's id may be reused by the next).
        self._held: weakref.WeakKeyDictionary[Any, tuple[float, T]] = weakref.WeakKeyDictionary()
        _all.append(self)

    def get(self, session: Session) -> T:
        engine = session.get_bind()
        now = time.monotonic()
        with self._lock:
            held = self._held.get(engine)
        if held is not None and now - held[0] < TTL_SECONDS:
            return held[1]
        value = self._load(session)
        with self._lock:
            self._held[engine] = (now, value)
        return value

    def forget(self) -> None:
        with self._lock:
            self._held.clear()


def forget_all() -> None:
    """Drop every snapshot (an admin changed a provider, a budget or a tier)."""
    for snapshot in _all:
        snapshot.forget()


def forgets(change: Callable[P, R]) -> Callable[P, R]:
    """Mark an admin service that changes a snapshotted setting: every snapshot is dropped
    once it returns (after its transaction committed) or fails."""

    @functools.wraps(change)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return change(*args, **kwargs)
        finally:
            forget_all()

    return run
