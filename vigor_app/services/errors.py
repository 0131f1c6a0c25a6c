"""Errors the services raise. Each carries a message fit to show a person."""

from __future__ import annotations


class VigorError(Exception):
    """A request that cannot be done, with a message for the person and the field at fault."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class ValidationError(VigorError):
    """The input is not acceptable; nothing was changed."""


class AuthenticationError(VigorError):
    """Wrong credentials, or no valid session."""


class ThrottledError(VigorError):
    """Too many failed attempts; try again later."""


class PermissionDenied(VigorError):
    """The person asking is not allowed to do this."""


class NotFound(VigorError):
    """The thing asked for does not exist (or is not theirs)."""


class FileError(ValidationError):
    """An uploaded file that cannot be taken (field "file"); nothing was changed. `line` is the
    first line at fault, the header being line 1, or None when no one line is."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message, field="file")
        self.line = line
