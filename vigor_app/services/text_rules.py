"""What text a person may store: the one home for refusing characters that are not text.

Control characters (NUL, escape, bell …) are never part of what someone meant to write, and
PostgreSQL refuses a NUL outright; the database layer (`db.unstorable`) refuses a NUL in any
statement as the last line of defence, and the services that take free text check it here
first, so the message can name the field.
"""

from __future__ import annotations

from vigor_app.services.errors import ValidationError

ALLOWED_CONTROLS = {"\n", "\r", "\t"}


def has_control_characters(text: str, *, multiline: bool = True) -> bool:
    allowed = ALLOWED_CONTROLS if multiline else set()
    return any((ord(c) < 32 or ord(c) == 127) and c not in allowed for c in text)


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
