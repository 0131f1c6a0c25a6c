"""What the endpoints' parameters share: a row id (paths say `{name:int}`, so a word where an
id belongs is another route's path or a 404, never a half-matched one), and a moment in time
(any offset, handed on in UTC; years 2000 to 2999, so no far date overflows on the way)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from pydantic import AfterValidator, Field

MAX_ID = 2**31 - 1
Id = Annotated[int, Field(ge=1, le=MAX_ID)]


def _in_utc(moment: datetime) -> datetime:
    if not 2000 <= moment.year <= 2999:
        raise ValueError("a time between the years 2000 and 2999")
    return moment.astimezone(UTC) if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


Moment = Annotated[datetime, AfterValidator(_in_utc)]
