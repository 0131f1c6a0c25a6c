"""Named counters changed only by atomic conditional updates: quotas and money.

``take`` adds an amount to several counters at once only if every one stays within its
limit. The check is inside the UPDATE's WHERE clause, so concurrent requests cannot both
pass a check and then both write (the race LiteLLM's budgets suffer from): on SQLite the
statement runs under the database's write lock, on PostgreSQL each row is locked and its
condition re-checked after any wait. All keys go in one statement (RETURNING the ones it
changed); if any refused, the others are given back in the same transaction.

On PostgreSQL a statement that changes several rows may lock them in any order, so two
transactions could each hold a row the other needs. There, every change locks its rows in
key order first, in the same statement (``WITH locked AS (SELECT ... ORDER BY key FOR
UPDATE) UPDATE ... FROM locked``, one round trip): all transactions lock the counters that
exist in key order (and quota counters, ``quota:...``, before spend counters, ``spend:...``),
and create a missing one only after that, so none waits for a row another holds while
holding one it needs. SQLite has one writer at a time and needs none of this.

The statements are SQLAlchemy Core, built once: this is the gateway's hot path.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import BindParameter, Table, bindparam, case, select
from sqlmodel import Session

from vigor_app.models import AiCounter
from vigor_app.upserts import insert_missing

USED = "used"
RESERVED = "reserved"
NO_LIMIT = 2**62  # stands in for "no limit" inside the statement

_T: Table = AiCounter.__table__  # type: ignore[attr-defined]  # SQLModel's types omit __table__
_READ = select(_T.c.key, _T.c.used, _T.c.reserved).where(_T.c.key.in_(bindparam("keys", expanding=True)))


def _one_writer(session: Session) -> bool:
    """True where the database itself lets one transaction write at a time (SQLite)."""
    return session.get_bind().dialect.name == "sqlite"


def _rows(keys: Any, locking: bool) -> tuple[Any, ...]:
    """WHERE conditions picking the counters `keys`; with `locking` (PostgreSQL), through a
    CTE that locks them in key order first."""
    if not locking:
        return (_T.c.key.in_(keys),)
    locked = (select(_T.c.key).where(_T.c.key.in_(keys)).order_by(_T.c.key).with_for_update()
              .cte("locked"))
    return (_T.c.key == locked.c.key,)


@cache
def _change(kind: str, locking: bool):
    """UPDATE statements on a set of keys (built once per kind and database)."""
    keys: BindParameter[list[str]] = bindparam("keys", expanding=True)
    if kind == "settle":
        values = {"reserved": _T.c.reserved - bindparam("reserved_amount"),
                  "used": _T.c.used + bindparam("actual"), "updated_at": bindparam("now")}
    else:  # subtract from one column
        values = {kind: _T.c[kind] - bindparam("amount"), "updated_at": bindparam("now")}
    return _T.update().where(*_rows(keys, locking)).values(values)


@cache
def _take(column: str, count: int, locking: bool):
    """UPDATE the `count` counters k0..kN that stay within their limits l0..lN, RETURNING
    the keys it changed (built once per column, count and database)."""
    keys: list[BindParameter[str]] = [bindparam(f"k{i}") for i in range(count)]
    limit = case(*((_T.c.key == keys[i], bindparam(f"l{i}")) for i in range(count)), else_=-1)
    return (
        _T.update()
        .where(*_rows(keys, locking), _T.c.used + _T.c.reserved + bindparam("amount") <= limit)
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
    statement = _take(column, len(limits), not _one_writer(session))
    return set(session.connection().execute(statement, params).scalars())


def take(session: Session, limits: Mapping[str, int | None], amount: int, now: datetime,
         *, column: str = USED) -> str | None:
    """Add `amount` to `column` of every counter in `limits` if each stays within its limit
    (``used + reserved + amount <= limit``; None: no limit): all of them, or none.

    Returns None on success; otherwise the first key that refused, with nothing changed.
    """
    if not limits:
        return None
    changed = _try(session, limits, amount, now, column)
    left = {key: limit for key, limit in limits.items() if key not in changed}
    if left:
        # Missing (the first use of a window), or over its limit. Create whatever is missing
        # and try those once more: another worker may have created a counter since the first
        # try saw none, so "absent now" cannot tell the two apart; a counter over its limit
        # refuses again.
        ensure(session, left, now)
        changed |= _try(session, left, amount, now, column)
        left = {key: limit for key, limit in limits.items() if key not in changed}
    if left:
        give_back(session, changed, amount, now, column=column)
        return min(left)
    return None


def give_back(session: Session, keys: Iterable[str], amount: int, now: datetime,
              *, column: str = USED) -> None:
    """Undo a `take` of `amount` on `keys`."""
    keys = sorted(set(keys))
    if keys:
        session.connection().execute(_change(column, not _one_writer(session)),
                                     {"keys": keys, "amount": amount, "now": now})


def settle(session: Session, keys: Iterable[str], reserved: int, actual: int,
           now: datetime) -> None:
    """Turn a reservation of `reserved` into spend of `actual` on every key."""
    keys = sorted(set(keys))
    if keys:
        session.connection().execute(_change("settle", not _one_writer(session)),
                                     {"keys": keys, "reserved_amount": reserved,
                                      "actual": actual, "now": now})


def read(session: Session, keys: Iterable[str]) -> dict[str, Reading]:
    keys = sorted(set(keys))
    found = {key: Reading() for key in keys}
    if keys:
        for key, used, reserved in session.connection().execute(_READ, {"keys": keys}):
            found[key] = Reading(used, reserved)
    return found
