"""What the endpoints' parameters share: a row id (paths say `{name:int}`, so a word where an
id belongs is another route's path or a 404, never a half-matched one)."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

MAX_ID = 2**31 - 1
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
