"""Named counters changed only by atomic conditional updates: quotas and money.

``take`` adds an amount to several counters at once only if every one stays within its
limit. The check is inside the UPDATE's WHERE clause, so concurrent requests cannot both
pass a check and then both write (the race LiteLLM's budgets suffer from): on SQLite the
statement runs under the database's write lock, on PostgreSQL each row is locked and its
condition re-checked after any wait. All keys go in one statement (RETURNING the ones it
changed); if any refused, the others are given back in the same transaction.

On PostgreSQL a statement that changes several rows may lock them in any order, so two
transactions could each hold a row the other needs. There, every change first locks its
rows with ``SELECT ... ORDER BY key FOR UPDATE``: all transactions lock counters in key
order (and quota counters, ``quota:...``, before spend counters, ``spend:...``), which
cannot deadlock. SQLite has one writer at a time and needs none of this.

The statements are SQLAlchemy Core, built once: this is the gateway's hot path.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import cache

from sqlalchemy import Table, bindparam, case, select
from sqlmodel import Session

from vigor_app.models import AiCounter
from vigor_app.upserts import insert_missing

USED = "used"
RESERVED = "reserved"
NO_LIMIT = 2**62  # stands in for "no limit" inside the statement

_T: Table = AiCounter.__table__  # type: ignore[attr-defined]
_SUBTRACT = {column: _T.update().where(_T.c.key.in_(bindparam("keys", expanding=True))).values(
    {column: _T.c[column] - bindparam("amount"), "updated_at": bindparam("now")})
    for column in (USED, RESERVED)}
_SETTLE = _T.update().where(_T.c.key.in_(bindparam("keys", expanding=True))).values(
    reserved=_T.c.reserved - bindparam("reserved_amount"), used=_T.c.used + bindparam("actual"),
    updated_at=bindparam("now"))
_READ = select(_T.c.key, _T.c.used, _T.c.reserved).where(_T.c.key.in_(bindparam("keys", expanding=True)))
_LOCK = (select(_T.c.key).where(_T.c.key.in_(bindparam("keys", expanding=True)))
         .order_by(_T.c.key).with_for_update())


def _one_writer(session: Session) -> bool:
    """True where the database itself lets one transaction write at a time (SQLite)."""
    return session.get_bind().dialect.name == "sqlite"


def _lock(session: Session, keys: list[str]) -> None:
    if keys and not _one_writer(session):
        session.connection().execute(_LOCK, {"keys": keys})


@cache
def _take(column: str, count: int):
    """UPDATE the `count` counters k0..kN that stay within their limits l0..lN, RETURNING
    the keys it changed (built once per column and count)."""
    keys = [bindparam(f"k{i}") for i in range(count)]
    limit = case(*((_T.c.key == keys[i], bindparam(f"l{i}")) for i in range(count)), else_=-1)
    return (
        _T.update()
        .where(_T.c.key.in_(keys), _T.c.used + _T.c.reserved + bindparam("amount") <= limit)
        .values({column: _T.c[column] + bindparam("amount"), "updated_at": bindparam("now")})
        .returning(_T.c.key)
    )


@dataclass(frozen=True)
class Reading:
    used: int = 0
    reserved: int = 0

    @property
    def total(self) -> int:
        return self.used + self.reserved


def ensure(session: Session, keys: Iterable[str], now: datetime) -> None:
    """Create the counters that do not exist yet (at zero)."""
    rows = [{"key": key, "used": 0, "reserved": 0, "updated_at": now} for key in sorted(set(keys))]
    insert_missing(session, AiCounter, rows, "key")


def _try(session: Session, limits: Mapping[str, int | None], amount: int, now: datetime,
         column: str) -> set[str]:
    params: dict[str, object] = {"amount": amount, "now": now}
    for i, key in enumerate(sorted(limits)):
        limit = limits[key]
        params[f"k{i}"], params[f"l{i}"] = key, NO_LIMIT if limit is None else limit
    return set(session.connection().execute(_take(column, len(limits)), params).scalars())


def take(session: Session, limits: Mapping[str, int | None], amount: int, now: datetime,
         *, column: str = USED) -> str | None:
    """Add `amount` to `column` of every counter in `limits` if each stays within its limit
    (``used + reserved + amount <= limit``; None: no limit): all of them, or none.

    Returns None on success; otherwise the first key that refused, with nothing changed.
    """
    if not limits:
        return None
    if not _one_writer(session):
        ensure(session, limits, now)
        _lock(session, sorted(limits))
    changed = _try(session, limits, amount, now, column)
    left = {key: limit for key, limit in limits.items() if key not in changed}
    if left:
        absent = set(left) - set(_existing(session, left))
        if absent:  # first use of a window: create its counters, then try those again
            ensure(session, absent, now)
            changed |= _try(session, left, amount, now, column)
            left = {key: limit for key, limit in limits.items() if key not in changed}
    if left:
        give_back(session, changed, amount, now, column=column)
        return min(left)
    return None


def _existing(session: Session, keys: Iterable[str]) -> list[str]:
    keys = sorted(set(keys))
    return [row.key for row in session.connection().execute(_READ, {"keys": keys})]


def give_back(session: Session, keys: Iterable[str], amount: int, now: datetime,
              *, column: str = USED) -> None:
    """Undo a `take` of `amount` on `keys`."""
    keys = sorted(set(keys))
    if keys:
        _lock(session, keys)
        session.connection().execute(_SUBTRACT[column], {"keys": keys, "amount": amount, "now": now})


def settle(session: Session, keys: Iterable[str], reserved: int, actual: int,
           now: datetime) -> None:
    """Turn a reservation of `reserved` into spend of `actual` on every key."""
    keys = sorted(set(keys))
    if keys:
        _lock(session, keys)
        session.connection().execute(_SETTLE, {"keys": keys, "reserved_amount": reserved,
                                               "actual": actual, "now": now})


def read(session: Session, keys: Iterable[str]) -> dict[str, Reading]:
    keys = sorted(set(keys))
    found = {key: Reading() for key in keys}
    if keys:
        for key, used, reserved in session.connection().execute(_READ, {"keys": keys}):
            found[key] = Reading(used, reserved)
    return found
