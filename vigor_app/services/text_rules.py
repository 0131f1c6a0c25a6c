"""What text a person may store: the one home for refusing characters that are not text.

Control characters (NUL, escape, bell …) are never part of what someone meant to write, and
PostgreSQL refuses a NUL outright; the database layer (`db.unstorable`) refuses a NUL in any
statement as the last line of defence, and the services that take free text check it here
first, so the message can name the field.
"""

from __future__ import annotations

import re

from vigor_app.services.errors import ValidationError

ALLOWED_CONTROLS = {"\n", "\r", "\t"}
_CONTROLS = re.compile(r"[\x00-\x1f\x7f]")  # what is never text (an import checks 50,000 rows)
_CONTROLS_BUT_BREAKS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # the same, less ALLOWED_CONTROLS


def has_control_characters(text: str, *, multiline: bool = True) -> bool:
    return (_CONTROLS_BUT_BREAKS if multiline else _CONTROLS).search(text) is not None


def check_plain_text(text: str, *, label: str, field: str, multiline: bool = True) -> str:
    """`text` unchanged, or a ValidationError naming `label` when it holds control characters."""
    if has_control_characters(text, multiline=multiline):
        raise ValidationError(f"{label} can't contain control characters. Remove them and try again.",
                              field=field)
    return text


def plain_text(value, *, label: str, field: str, limit: int, multiline: bool = True) -> str:
    """Free text to store, as typed without the spaces around it; ValidationError naming
    `label` when it is not text, holds control characters or is longer than `limit`."""
    if not isinstance(value, str):
        raise ValidationError(f"{label} must be text.", field=field)
    value = check_plain_text(value.strip(), label=label, field=field, multiline=multiline)
    if len(value) > limit:
        raise ValidationError(f"Keep {label[0].lower() + label[1:]} under {limit:,} characters.", field=field)
    return value
