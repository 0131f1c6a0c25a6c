"""Answers kept for an hour: the same request with the same context from the same person is
answered from here, without a provider call, a quota charge or any spend.

The key is the SHA-256 of the canonical JSON of everything the answer depends on: the
feature, the person, the prompt version and the request (for a plan: profile, request and
seed; for chat: the messages and the context). Only provider answers are kept: the built-in
engine is free and deterministic.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, delete, select
from sqlmodel import Session, col

from vigor_app.models import AiCacheEntry
from vigor_app.upserts import insert_or_replace


@dataclass(frozen=True)
class CachedAnswer:
    engine: str
    answer: Any  # the plan dict, or the chat text


def cache_key(feature: str, user_id: int, request: Mapping[str, Any], prompt_version: str) -> str:
    canonical = json.dumps(
        {"feature": feature, "user": user_id, "prompt": prompt_version, "request": request},
        sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=list,
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


_T = AiCacheEntry.__table__  # type: ignore[attr-defined]  # SQLModel's types omit __table__
_LOOKUP = select(_T.c.engine, _T.c.answer, _T.c.expires_at).where(_T.c.key == bindparam("key"))


def lookup(session: Session, key: str, now: datetime) -> CachedAnswer | None:
    row = session.connection().execute(_LOOKUP, {"key": key}).first()
    if row is None or row.expires_at <= now:
        return None
    return CachedAnswer(engine=row.engine, answer=json.loads(row.answer))


def store(session: Session, key: str, *, user_id: int, feature: str, engine: str, answer: Any,
          now: datetime, ttl: timedelta) -> None:
    insert_or_replace(session, AiCacheEntry, {
        "key": key, "user_id": user_id, "feature": feature, "engine": engine,
        "answer": json.dumps(answer, ensure_ascii=False), "created_at": now,
        "expires_at": now + ttl,
    }, "key")


def purge_expired(session: Session, now: datetime) -> int:
    """Delete expired entries; returns how many."""
    result = session.exec(delete(AiCacheEntry).where(col(AiCacheEntry.expires_at) <= now))
    return int(result.rowcount or 0)
