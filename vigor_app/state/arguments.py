"""What a browser may send a handler, read defensively: the one home for that rule.

Event arguments come from the browser and a tampered client can send anything JSON holds:
strings where numbers belong, ids beyond 64 bits, superscript digits that pass `isdigit()`,
floats past infinity, lists where a form belongs. Handlers read every argument through these
functions, which never raise: a value that is not what was expected comes back as the
"nothing" of its kind (0 for an id, None for a number or flag, {} for a form, "" for text), and
the handler answers that as it answers a missing row.
"""

from __future__ import annotations

from dataclasses import fields
from typing import Any, TypeVar

T = TypeVar("T")

MAX_ID = 2**31 - 1  # ids are INTEGER columns: no row has an id beyond this, or below 1


def _ascii_digits(text: str) -> bool:
    return text.isascii() and text.isdigit()


def record_id(value: Any) -> int:
    """A row id (1 … 2**31 − 1) from an int or a string of ASCII digits; 0 when it is not one."""
    if isinstance(value, bool):
        return 0
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and _ascii_digits(value.strip()) and len(value.strip()) <= 19:
        number = int(value.strip())
    else:
        return 0
    return number if 1 <= number <= MAX_ID else 0


def whole(value: Any, low: int, high: int) -> int | None:
    """A whole number within [low, high] from an int or a string like "-3"; None otherwise."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, str):
        text = value.strip()
        digits = text[1:] if text[:1] in "+-" else text
        if not digits or not _ascii_digits(digits) or len(digits) > 19:
            return None
        number = int(text)
    else:
        return None
    return number if low <= number <= high else None


def flag(value: Any) -> bool | None:
    """A switch's true or false; None for anything else."""
    return value if isinstance(value, bool) else None


def text(value: Any, limit: int) -> str:
    """A string as typed, cut to `limit` characters and without control characters (other than
    line breaks and tabs), for what only the screen holds or a query looks for (search boxes,
    drafts, filters); anything that is not a string is "". Text to be stored goes to the
    services whole, which refuse it when it is too long or not text."""
    if not isinstance(value, str):
        return ""
    return "".join(c for c in value[:limit] if c in "\n\t" or (ord(c) >= 32 and ord(c) != 127))


def choice(value: Any, options) -> str | None:
    """`value` when it is one of `options` (strings); None otherwise."""
    return value if isinstance(value, str) and value in options else None


def form(value: Any) -> dict[str, Any]:
    """A submitted form: a dict with string keys; {} for anything else."""
    if not isinstance(value, dict):
        return {}
    return {k: v for k, v in value.items() if isinstance(k, str)}


def form_field(submitted: Any, name: str) -> str:
    """One field of a submitted form as the string the browser sent; a missing or non-text
    field, or a form that is not one, is ""."""
    value = form(submitted).get(name, "")
    if isinstance(value, bool):
        return "on" if value else ""
    if isinstance(value, int | float):
        return str(value)
    return value if isinstance(value, str) else ""


def form_checked(submitted: Any, name: str) -> bool:
    """One checkbox of a submitted form: ticked when the browser sent true or "on" (or "true",
    "yes", "1", in any case); anything else, or a missing field, is not ticked."""
    value = form(submitted).get(name)
    return value is True or (isinstance(value, str) and value.lower() in ("on", "true", "yes", "1"))


def form_as(cls: type[T], submitted: Any) -> T:
    """A service's typed input (a dataclass of text and true/false fields named as the form's)
    filled from a submitted form: text with ``form_field``, true/false with ``form_checked``."""
    return cls(**{f.name: form_checked(submitted, f.name) if f.type in ("bool", bool)
                  else form_field(submitted, f.name) for f in fields(cls)})
